"""select_scatter, slice_scatter, diagonal_scatter, as_strided_scatter: a
copy of the input with `src` written where the view (select, slice,
diagonal, as_strided) of it would be.

Each op finds the view's places by taking the same view of the output's
element numbers, so one forward and one pair of formulas serve all four:
the input's gradient is the gradient with those places zeroed, the
source's the gradient read there."""
from .. import _meta
from .. import _layout as _L
from ._common import np, recorded, tensor_arg, wrap_dim
from ._registry import grad_fn, register
from .rearrange_views import _as_strided_geometry, _check_dims, _diagonal_data, strided

__all__ = ["select_scatter", "slice_scatter", "diagonal_scatter", "as_strided_scatter"]

# Recorded (create_graph), derivatives.yaml's own ops: the input's gradient
# is grad.<op>_scatter(zeros_like(src), ...), the source's grad.<view>(...);
# `again(g, zeros)` makes them (None: as_strided, which keeps the index).
_FORMULAS = dict(self=lambda xp, g, key, again: again(g, True) if xp.recording and again
                 else xp.index_fill(g, key, 0),
                 src=lambda xp, g, key, again: again(g, False) if xp.recording and again
                 else xp.index(g, key))
# PyTorch's fields: each op's arguments as given, the node's constants
# after the key and `again` in this order.
_ARGS = {"SelectScatterBackward0": ("dim", "index"),
         "SliceScatterBackward0": ("dim", "start", "end", "step"),
         "DiagonalScatterBackward0": ("offset", "dim1", "dim2"),
         "AsStridedScatterBackward0": ("size", "stride", "storage_offset")}
SelectScatterBackward0, SliceScatterBackward0, DiagonalScatterBackward0, \
    AsStridedScatterBackward0 = (grad_fn(name, saved={a: a for a in args}, **_FORMULAS)
                                 for name, args in _ARGS.items())


def _scatter(node, input, src, view, args, again=None, numbered=False):
    """`input` copied with `src` written at `view(numbers)`'s elements: the
    copy keeps the input's strides (clone_preserve_strides), unless
    `numbered` (the places count the elements of a contiguous copy); `args`
    (the op's arguments as given) are the node's fields."""
    x = input._data
    numbers = np.arange(x.size).reshape(x.shape)
    places = np.array(view(numbers))
    s = src._data
    if s.shape != places.shape:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = "
                           f"{list(s.shape)}, slice size = {list(places.shape)}")
    out = _meta.array_copy(x, order="C") if numbered else _L.strides_kept(x)
    key = np.unravel_index(places, x.shape) if x.ndim else ()
    out[key] = s.real if s.dtype.kind == "c" and x.dtype.kind != "c" else s
    return recorded(node, out, (input, src), (key, again) + args)


def select_scatter(input, src, dim, index):
    tensor_arg(input, "select_scatter")
    tensor_arg(src, "select_scatter", "src", 2)
    shape = src._data.shape     # (the source's zeros, when recorded)
    x = input._data
    d = wrap_dim(dim, x.ndim)
    n = x.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(x.shape)} at dimension {dim}")
    key = (slice(None),) * d + (index % n,)
    return _scatter(SelectScatterBackward0, input, src, lambda a: a[key], (dim, index),
                    lambda g, zeros: select_scatter(g, g.new_zeros(shape), dim, index)
                    if zeros else g.select(dim, index))


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    tensor_arg(input, "slice_scatter")
    tensor_arg(src, "slice_scatter", "src", 2)
    shape = src._data.shape     # (the source's zeros, when recorded)
    x = input._data
    d = wrap_dim(dim, x.ndim)
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    key = (slice(None),) * d + (slice(start, end, step),)
    return _scatter(SliceScatterBackward0, input, src, lambda a: a[key],
                    (dim, start, end, step),
                    lambda g, zeros: slice_scatter(g, g.new_zeros(shape), dim, start, end,
                                                   step) if zeros else g[key])


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    tensor_arg(input, "diagonal_scatter")
    tensor_arg(src, "diagonal_scatter", "src", 2)
    shape = src._data.shape     # (the source's zeros, when recorded)
    d1, d2 = _check_dims(dim1, dim2, input._data.ndim)
    return _scatter(DiagonalScatterBackward0, input, src,
                    lambda a: _diagonal_data(a, offset, d1, d2), (offset, dim1, dim2),
                    lambda g, zeros: diagonal_scatter(g, g.new_zeros(shape), offset, dim1,
                                                      dim2)
                    if zeros else g.diagonal(offset, dim1, dim2))


def as_strided_scatter(input, src, size, stride, storage_offset=None):
    """Places counted in the (contiguous) copy of the input, as PyTorch's
    clone of a contiguous input has them."""
    tensor_arg(input, "as_strided_scatter")
    tensor_arg(src, "as_strided_scatter", "src", 2)
    fresh = np.empty(input._data.shape, input._data.dtype)
    offset = 0 if storage_offset is None else storage_offset
    given = (size, stride, storage_offset)
    _, size, stride, offset, _ = _as_strided_geometry(fresh, size, stride, offset)
    return _scatter(AsStridedScatterBackward0, input, src,
                    lambda a: strided(a.reshape(-1), size, stride, offset), given, numbered=True)


# (of the four, only torch.slice_scatter takes out=)
for _op, _node, _out in ((select_scatter, SelectScatterBackward0, False),
                         (slice_scatter, SliceScatterBackward0, True),
                         (diagonal_scatter, DiagonalScatterBackward0, False),
                         (as_strided_scatter, AsStridedScatterBackward0, False)):
    register(_op, node=_node, out=_out)
