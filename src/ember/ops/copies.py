"""PyTorch's `*_copy` ops (permute_copy, view_copy, split_copy, ...): the
view op's values in fresh memory, not a view.

Each is declared from its view op: the copy runs the view, takes its values
into new memory and keeps the view's node under PyTorch's name for the
copy's (the view's name + "_copy": `PermuteBackward0_copy`), so the
formulas are the view's own. The unsafe splits and the small functions of
torch (detach, fill, is_signed, angle, ...) are in copies_misc.py."""
from .._python_data import _tname
import inspect
import operator

from .. import _meta
from ..autograd import _forward
from ._common import Tensor, no_complex_autograd, np, recorded, wrap_dim
from ._int_words import reword_int
from .._size import int_value
from ._registry import grad_fn, not_implemented, register
from . import indexing, rearrange_views as _views, shape as _shape, splitting as _split

__all__ = []

_RENAMED = {}


def renamed_node(cls, name):
    """The node class `cls` under PyTorch's `name` for another op: its
    formulas (or its own apply) unchanged."""
    sub = _RENAMED.get((cls, name))
    if sub is None:
        # (a view's copy, and an unsafe split, keep the view's fields)
        if name in (cls.__name__ + "_copy", "Unsafe" + cls.__name__) or \
                not getattr(cls, "_field_names", ()):
            sub = type(name, (cls,), {"__slots__": ()})
        else:
            # Another op's node keeps other fields than the view's: the
            # view's `_saved_<field>`s are left out (cls's sibling, not child).
            own = {f"_saved_{f}" for f in cls._field_names} | {
                f"_raw_saved_{f}" for f in cls._field_names}
            body = {k: v for k, v in vars(cls).items()
                    if k not in own and k not in ("__dict__", "__weakref__")}
            sub = type(name, cls.__bases__, {**body, "_field_names": ()})
        _RENAMED[cls, name] = sub
    return sub


def rehome(input, result, name=None, copy=True):
    """The view `result` of `input` (or the tuple of pieces a split gives) as
    tensors of their own: not views, values copied into new memory unless
    `copy` is False (the unsafe splits share it, as PyTorch's do), history
    recorded as the node `name` (default: the view's node name + "_copy")."""
    pieces = result if isinstance(result, tuple) else (result,)
    node = pieces[0]._grad_fn if pieces else None
    if node is not None and node is not input._grad_fn and type(node).__name__ != name:
        # (the view's node is ours alone: the view itself is dropped)
        node.__class__ = renamed_node(type(node), name or type(node).__name__ + "_copy")
    out = []
    for p in pieces:
        # (contiguous, whatever the view's strides: PyTorch's copies are)
        data = _meta.array_copy(p._data, order="C") if copy else p._data
        if p._grad_fn is None:
            t = Tensor._wrap(data)
        else:
            t = Tensor._from_node(data, p._grad_fn)
            t._output_nr = p._output_nr
        out.append(_forward.carry(p, t))
    return tuple(out) if isinstance(result, tuple) else out[0]


# the copies whose derivative PyTorch defines for real outputs only
_REAL_AUTOGRAD = ("select_copy", "slice_copy")


def copy_of(name, view, node_name=None, method=False):
    """Declare torch.`name`: `view`'s result (a function of the input and
    the op's other arguments) copied."""
    def op(input, *args, **kwargs):
        if name in _REAL_AUTOGRAD:
            no_complex_autograd(name, input._data.dtype.kind == "c", input)
        try:
            result = view(input, *args, **kwargs)
        except TypeError as e:
            # (the view's refusal of an int argument, in this op's words: as
            # the method's where it is one, which the function form's
            # wrapper words again)
            reword_int(e, name, op, method, (input, *args), kwargs)
            raise
        return rehome(input, result, node_name)
    op.__doc__ = f"torch.{name}: the view's values in new memory, not a view."
    op.__signature__ = inspect.signature(view)      # (the parameters errors name)
    # (the multi-output ones take out= as a list, as PyTorch's do)
    return register(op, name, method=method, quiet=True)


def _slice(input, dim=0, start=None, end=None, step=1):
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    d = wrap_dim(dim, input._data.ndim)
    # (always recorded: at::slice)
    return indexing._slice(input, d, slice(start, end, step), dim)


# narrow's copy is a node of its own in PyTorch, which shows narrow's
# arguments as given (a negative start unwrapped) besides the slice's.
NarrowCopyBackward0 = grad_fn("NarrowCopyBackward0", self=indexing._scatter, saved={
    "dim": "given_dim", "length": "length", "self_sym_sizes": "shape", "start": "start"})


def _narrow(input, dim, start, length):
    # (narrow_copy's start is an int alone: a 0-d integer tensor goes as one,
    # a float tensor is refused by the parser, where narrow's is a RuntimeError)
    view = _shape.narrow(input, dim, int_value(start, "start"), length)
    node = view._grad_fn
    if node is not None and node is not input._grad_fn:
        # (the slice's node is ours alone; its constants come first)
        node.__class__ = NarrowCopyBackward0
        node._ctx += (operator.index(length), operator.index(start))
    return view


def _split_with_sizes(input, split_sizes, dim=0):
    if not isinstance(split_sizes, (tuple, list)):
        raise TypeError("split_with_sizes(): argument 'split_sizes' (position 2) must be tuple "
                        f"of ints, not {_tname(split_sizes)}")
    return _split.split(input, list(split_sizes), dim)


def _split_int(input, split_size, dim=0):
    if not isinstance(split_size, (int, np.integer)) or split_size.__class__ is bool:
        raise TypeError("split_copy(): argument 'split_size' (position 2) must be int, not "
                        f"{_tname(split_size)}")
    return _split.split(input, split_size, dim)


alias_copy = copy_of("alias_copy", lambda input: _shape.view(input, input._data.shape),
                     "AliasBackward0_copy")
as_strided_copy = copy_of("as_strided_copy", _views.as_strided)
diagonal_copy = copy_of("diagonal_copy", _views.diagonal)
# (`implicit` marks an expansion the tracer inserted: it changes no value)
expand_copy = copy_of("expand_copy", lambda input, size, *, implicit=False:
                      _shape.expand(input, size))
narrow_copy = copy_of("narrow_copy", _narrow, "NarrowCopyBackward0", method=True)
permute_copy = copy_of("permute_copy", lambda input, dims: _shape.permute(input, dims))
select_copy = copy_of("select_copy", _shape.select)
slice_copy = copy_of("slice_copy", _slice)
split_copy = copy_of("split_copy", _split_int)
split_with_sizes_copy = copy_of("split_with_sizes_copy", _split_with_sizes)
squeeze_copy = copy_of("squeeze_copy", _shape.squeeze)
t_copy = copy_of("t_copy", _shape.t)
transpose_copy = copy_of("transpose_copy", _shape.transpose)
unbind_copy = copy_of("unbind_copy", _split.unbind)
unfold_copy = copy_of("unfold_copy", _views.unfold)
unsqueeze_copy = copy_of("unsqueeze_copy", _shape.unsqueeze)
def _view_values(input, size):
    """view's result; where the input's strides admit no view, its values
    reshaped under view's node (PyTorch's view_copy then views a contiguous
    clone of the input)."""
    try:
        return _shape.view(input, size)
    except RuntimeError as e:
        if str(e) != _shape.NO_VIEW:
            raise
    x = input._data
    data = x.reshape(_shape._infer_shape(_shape._shape_arg((size,)), x.size))
    return _shape._view_of(data, input, _shape.ViewBackward0, (x.shape,))


view_copy = copy_of("view_copy", _view_values)

# detach has no formula: its copy's gradient is PyTorch's "not implemented".
DetachCopyBackward = not_implemented("detach_copy", "self")


def detach_copy(input):
    return recorded(DetachCopyBackward, _meta.array_copy(input._data, order="C"), (input,))


detach_copy = register(detach_copy, method=False, quiet=True)

from . import copies_misc  # noqa: E402,F401
