"""Views with their own geometry: diagonal, unfold, as_strided, and the
in-place view ops (squeeze_, t_, transpose_, as_strided_, ...) that change
a tensor's shape in place.

A view shares its input's memory and version counter (shape._view_of). The
geometry is NumPy's: `as_strided` on the input's array reaches the same
memory PyTorch's strides do.
"""
from .. import _meta
from .._backend import np
from .. import _dtype as D

from ..autograd import _forward
from ._common import Tensor, recorded, tracked, wrap_dim
from ._registry import grad_fn, register
from ._xp import provide
from . import shape as S
from . import _view_grads as V
from ._view_strides import laid_out_empty, squeezed_data, unsqueezed
from .._size import int_value

__all__ = ["diagonal", "unfold", "as_strided", "as_strided_", "strided"]


def strided(x, shape, strides, offset=0):
    """A view of `x`'s memory: `shape`, `strides` in elements, starting
    `offset` elements after x's first element."""
    item = x.itemsize
    if offset:
        x = _meta.as_strided(x, (offset + 1,), (item,))[offset:]
    return _meta.as_strided(x, tuple(shape), tuple(s * item for s in strides))


def _diag_key(shape, offset, d1, d2):
    """The index of a diagonal within a tensor of `shape`, laid out as
    `diagonal` returns it: the other dims in order, then the diagonal."""
    n1, n2 = shape[d1], shape[d2]
    n = max(0, min(n1 + min(offset, 0), n2 - max(offset, 0)))
    others = [i for i in range(len(shape)) if i not in (d1, d2)]
    nd = len(others) + 1
    key = [None] * len(shape)
    for pos, i in enumerate(others):
        key[i] = np.arange(shape[i]).reshape((-1,) + (1,) * (nd - pos - 1))
    step = np.arange(n)
    key[d1] = step + max(-offset, 0)
    key[d2] = step + max(offset, 0)
    return tuple(key), n


# The gradient of a diagonal is zeros with the diagonal put back; that of
# diag_embed reads the diagonal out of the gradient.
# (The index is built at backward time: a forward pays only for the view.)
def _diagonal_grad(xp, g, shape, offset, dim1, dim2):
    key = _diag_key(shape, offset, dim1, dim2)[0]
    if xp.recording:    # (PyTorch's diagonal_backward: its own node, DiagonalBackwardBackward0)
        from ._xp import _index_backward
        from .linalg_extras import DiagonalBackwardBackward0
        return recorded(DiagonalBackwardBackward0, _index_backward(g._data, shape, key, False),
                        (g,), (offset, dim1, dim2))
    return xp.index_backward(g, shape, key, False)


# (the dims as given: PyTorch's node shows them)
DIAGONAL_FIELDS = {"dim1": "given_dim1", "dim2": "given_dim2", "offset": "offset",
                   "self_sym_sizes": "shape"}
DiagonalBackward0 = grad_fn("DiagonalBackward0", saved=DIAGONAL_FIELDS, self=_diagonal_grad)
DiagonalBackward0_copy = grad_fn("DiagonalBackward0_copy", saved=DIAGONAL_FIELDS,
                                 self=_diagonal_grad)
provide("index", lambda x, key: x[key], lambda x, key: _getitem(x, key))


def _getitem(x, key):
    from .indexing import getitem
    return getitem(x, key)


def _check_dims(dim1, dim2, ndim):
    d1, d2 = wrap_dim(dim1, ndim), wrap_dim(dim2, ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


def _diagonal_data(x, offset, d1, d2):
    """The diagonal as a view of x."""
    n = max(0, min(x.shape[d1] + min(offset, 0), x.shape[d2] - max(offset, 0)))
    st = [s // x.itemsize for s in x.strides]
    others = [i for i in range(x.ndim) if i not in (d1, d2)]
    start = (max(-offset, 0) * st[d1] + max(offset, 0) * st[d2]) if n else 0
    data = strided(x, [x.shape[i] for i in others] + [n],
                   [st[i] for i in others] + [st[d1] + st[d2]], start)
    return data


def diagonal(input, offset=0, dim1=0, dim2=1):
    offset = int_value(offset, "offset")
    x = input._data
    d1, d2 = _check_dims(dim1, dim2, x.ndim)
    data = _diagonal_data(x if x.size else laid_out_empty(x), offset, d1, d2)
    return S._view_of(data, input, DiagonalBackward0, (x.shape, offset, d1, d2, dim1, dim2))


register(diagonal, out=False, node=DiagonalBackward0)


def diagonal_copy(input, offset=0):
    """diag of a matrix: the diagonal, copied (PyTorch's diagonal_copy)."""
    x = input._data
    data = _diagonal_data(x, offset, 0, 1)
    return recorded(DiagonalBackward0_copy, data.copy(), (input,), (x.shape, offset, 0, 1, 0, 1))


# unfold: window w of dim `d`, element j, is input index w*step + j along d.
def _unfold_key(shape, d, size, step):
    """Where each element of unfold's result sits in its input (of `shape`,
    a 0-d input taken as (1,))."""
    nd = len(shape)
    windows = (shape[d] - size) // step + 1
    return tuple(np.arange(n).reshape((-1,) + (1,) * (nd - i)) if i != d else
                 (np.arange(windows) * step).reshape((-1,) + (1,) * (nd - i))
                 + np.arange(size) for i, n in enumerate(shape))


def _unfold_grad(xp, g, shape, dimension, size, step):
    if xp.recording and shape:
        # PyTorch's unfold_backward: its own node, whose gradient unfolds again
        from ._xp import _index_backward
        data = _index_backward(g._data, shape, _unfold_key(shape, dimension, size, step), True)
        return recorded(UnfoldBackwardBackward0, data, (g,), (dimension, size, step))
    return xp.index_backward(xp.reshape(g, _unfold_shape(shape, dimension, size, step)),
                             shape, _unfold_key(shape, dimension, size, step), True)


UnfoldBackwardBackward0 = grad_fn("UnfoldBackwardBackward0",
                                  grad_in=lambda xp, g, dimension, size, step:
                                  g.unfold(dimension, size, step) if xp.recording
                                  else _unfold_again(g, dimension, size, step))


def _unfold_again(g, dimension, size, step):
    return g[_unfold_key(g.shape, dimension, size, step)]


UnfoldBackward0 = grad_fn("UnfoldBackward0", saved={
    "dimension": "given_dimension", "self_sym_sizes": "shape", "size": "size", "step": "step"},
    self=_unfold_grad)


def _unfold_shape(shape, d, size, step):
    out = list(shape) + [size]
    out[d] = (shape[d] - size) // step + 1
    return tuple(out)


def unfold(input, dimension, size, step):
    x = input._data
    d = wrap_dim(dimension, x.ndim)
    length = x.shape[d] if x.ndim else 1
    if size > length:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {length} but size is "
                           f"{size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    # (not reshaped but for a 0-d x: NumPy's reshape would choose the strides
    # of x's size-1 dims anew)
    xs = (x if x.size else laid_out_empty(x)) if x.ndim else x.reshape((1,))
    st = [s // x.itemsize for s in xs.strides]
    windows = (length - size) // step + 1
    shape = list(xs.shape)
    shape[d] = windows
    strides = st[:d] + [st[d] * step] + st[d + 1:]
    data = strided(xs, shape + [size], strides + [st[d]])
    if x.ndim == 0:
        data = data.reshape((size,))
    return S._view_of(data, input, UnfoldBackward0, (xs.shape, d, size, step, dimension))


setattr(Tensor, "unfold", unfold)   # a method only: torch.unfold does not exist


def _storage(x):
    """The array that owns x's memory, and x's offset in it (elements)."""
    from .._storage import _root    # (through the arrays as_strided hangs views on)
    root = _root(x)
    if root.dtype != x.dtype or not root.flags.c_contiguous:
        raise RuntimeError("ember: as_strided of this tensor's storage is not supported")
    offset = (x.__array_interface__["data"][0] - root.__array_interface__["data"][0]) \
        // x.itemsize
    return root.reshape(-1), offset


def _as_strided_geometry(x, size, stride, storage_offset):
    flat, own = _storage(x)
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    offset = own if storage_offset is None else int(storage_offset)
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    for s in stride:
        if s < 0:
            raise RuntimeError("as_strided: Negative strides are not supported at the moment, "
                               f"got strides: {list(stride)}")
    need = 0 if 0 in size else offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))
    if need > flat.size:
        raise RuntimeError(
            f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, "
            f"and itemsize {x.itemsize} requiring a storage size of {need * x.itemsize} are out "
            f"of bounds for storage of size {flat.size * x.itemsize}")
    return flat, size, stride, offset, own


def _positions(shape, strides, offset):
    pos = np.full(shape, offset, np.int64)
    for i, (n, s) in enumerate(zip(shape, strides)):
        pos += (np.arange(n) * s).reshape((-1,) + (1,) * (len(shape) - i - 1))
    return pos


def _as_strided_grad(xp, g, n, out_pos, in_pos, count):
    """The storage's gradient (summed where output elements alias), read at
    the input's elements; shared ones split it as PyTorch does."""
    store = xp.index_backward(xp.reshape(g, (-1,)), (n,), (out_pos,), True)
    grad = xp.index(store, (in_pos,))
    return grad if count is None else grad / count


# (the geometry as given: PyTorch's node shows a missing storage_offset as None)
_AS_STRIDED = {"size": "size", "storage_offset": "storage_offset", "stride": "stride"}
AsStridedBackward0 = grad_fn("AsStridedBackward0", saved=_AS_STRIDED,
                             self=lambda xp, g, n, out_pos, in_pos, count:
                             _as_strided_grad(xp, g, n, out_pos, in_pos, count))
AsStridedBackward1 = grad_fn("AsStridedBackward1", saved=_AS_STRIDED,
                             self=lambda xp, g, n, out_pos, in_pos, count:
                             _as_strided_grad(xp, g, n, out_pos, in_pos, count))


def _as_strided_ctx(x, flat, size, stride, offset, own):
    in_st = [s // x.itemsize for s in x.strides]
    in_pos = _positions(x.shape, in_st, own)
    counts = np.bincount(in_pos.reshape(-1), minlength=flat.size)
    count = counts[in_pos].astype(x.dtype) if x.size and counts.max() > 1 else None
    return (flat.size, _positions(size, stride, offset).reshape(-1), in_pos, count)


def as_strided(input, size, stride, storage_offset=None):
    x = input._data
    given = (size, storage_offset, stride)
    flat, size, stride, offset, own = _as_strided_geometry(x, size, stride, storage_offset)
    data = strided(flat, size, stride, offset)
    ctx = _as_strided_ctx(x, flat, size, stride, offset, own) \
        if tracked(input) else (0, None, None, None)
    return S._view_of(data, input, AsStridedBackward0, ctx + given)


# ---- in-place view ops: the tensor itself takes the view's geometry ------

def _restride(self, data, node, ctx=()):
    """`self` becomes the view `data` of its own memory, recorded as `node`.

    As PyTorch's (VariableType takes the op's input edge before the version
    bump, then set_history), `node` follows the history `self` had: a view's
    own node (TransposeBackward0, SelectBackward0, ...), not the
    AsStridedBackward0 the bump regenerates it to. Only where nothing is
    recorded (no_grad) does `self` keep that regenerated node, made with its
    new geometry, as PyTorch's view regenerates when its grad_fn is read."""
    from .inplace import check_inplace
    check_inplace(self)
    fn, nr, old_data = self._grad_fn, self._output_nr, self._data
    # (first: the other views of its memory are regenerated, then its own node set)
    self._data = data
    self._bump()
    if tracked(self):
        old = Tensor._wrap(old_data, self._requires_grad)
        old._grad_fn, old._output_nr = fn, nr
        new = recorded(node, data, (_forward.carry(self, old),), ctx)
        if new._grad_fn is not None:
            self._grad_fn = new._grad_fn
            self._output_nr = 0
        _forward.carry(new, self)
    return self


def as_strided_(input, size, stride, storage_offset=None):
    x = input._data
    given = (size, storage_offset, stride)
    flat, size, stride, offset, own = _as_strided_geometry(x, size, stride, storage_offset)
    ctx = _as_strided_ctx(x, flat, size, stride, offset, own) \
        if tracked(input) else (0, None, None, None)
    return _restride(input, strided(flat, size, stride, offset), AsStridedBackward1,
                     ctx + given)


SqueezeBackward3 = grad_fn("SqueezeBackward3", saved={"self_sym_sizes": "shape"},
                           self=V.unsqueeze_all)
SqueezeBackward4 = grad_fn("SqueezeBackward4", saved=S.SQUEEZED, self=V.unsqueeze_to)
SqueezeBackward5 = grad_fn("SqueezeBackward5", saved=S.SQUEEZED, self=V.unsqueeze_to)
UnsqueezeBackward1 = grad_fn("UnsqueezeBackward1", saved=S.UNSQUEEZED, self=V.squeeze_back)
TBackward1 = grad_fn("TBackward1", self=lambda xp, g: xp.t(g))
TransposeBackward1 = grad_fn("TransposeBackward1", saved=S.TRANSPOSED,
                             self=lambda xp, g, dim0, dim1: xp.transpose(g, dim0, dim1))
_SQUEEZE_NODES = {"SqueezeBackward0": SqueezeBackward3, "SqueezeBackward1": SqueezeBackward4,
                  "SqueezeBackward2": SqueezeBackward5}


def squeeze_(self, dim=S.MISSING):
    dim = S.squeeze_dim(dim)
    x = self._data
    shape, node = S.squeezed(x, dim, "squeeze_")
    return _restride(self, squeezed_data(x, dim, shape), _SQUEEZE_NODES[node.__name__],
                     S.squeeze_ctx(x, dim))


def unsqueeze_(self, dim):
    x = self._data
    d = wrap_dim(dim, x.ndim + 1)
    return _restride(self, unsqueezed(x, d), UnsqueezeBackward1, (x.shape, dim))


def t_(self):
    x = self._data
    if x.ndim > 2:
        raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is {x.ndim}D")
    return _restride(self, x.T, TBackward1)


def transpose_(self, dim0, dim1):
    x = self._data
    d0, d1 = wrap_dim(dim0, x.ndim), wrap_dim(dim1, x.ndim)
    return _restride(self, np.swapaxes(x, d0, d1), TransposeBackward1, (d0, d1, dim0, dim1))


# Tensor methods only (PyTorch has no torch.squeeze_ ...), and in-place view
# ops the registry's value-writing in-place variants cannot express.
for _name, _fn in (("as_strided", as_strided), ("as_strided_", as_strided_)):
    setattr(Tensor, _name, _fn)

# The view ops whose in-place forms change the view itself, declared here with
# those forms (the registry's value-writing in-place variants cannot express them).
register(S.squeeze, "squeeze", inplace=squeeze_, out=False, quiet=True, method="dim")
register(S.unsqueeze, "unsqueeze", inplace=unsqueeze_, out=False, quiet=True)
register(S.t, "t", inplace=t_, out=False, quiet=True)
register(S.transpose, "transpose", inplace=transpose_, out=False, quiet=True)


# transpose under NumPy's name, with its parameter names (torch.swapaxes(t,
# axis0=0, axis1=1)), and under swapdims: ops of their own, so that a refused
# argument is named as the caller named it. (The ints are read here, before
# transpose sees them, for the same reason.)
def swapaxes(input, axis0, axis1):
    return S.transpose(input, int_value(axis0, "axis0"), int_value(axis1, "axis1"))


def swapaxes_(self, axis0, axis1):
    return transpose_(self, int_value(axis0, "axis0"), int_value(axis1, "axis1"))


def swapdims(input, dim0, dim1):
    return S.transpose(input, int_value(dim0, "dim0"), int_value(dim1, "dim1"))


def swapdims_(self, dim0, dim1):
    return transpose_(self, int_value(dim0, "dim0"), int_value(dim1, "dim1"))


register(swapaxes, inplace=swapaxes_, out=False, quiet=True)
register(swapdims, inplace=swapdims_, out=False, quiet=True)


def view_dtype(input, dtype):
    """x.view(dtype): the same bytes read as `dtype`. A dtype of another size
    scales the last dim, which must be contiguous. Not differentiable, and not
    a view in autograd's sense (no _base), but it shares the data and the
    version counter, as PyTorch's."""
    x = input._data
    old, new = x.dtype.itemsize, dtype._np.itemsize
    if new != old:
        where = (f"to view {D.SCALAR_NAMES[input.dtype]} as {D.SCALAR_NAMES[dtype]} "
                 "(different element sizes)")
        if x.ndim == 0:
            raise RuntimeError(f"self.dim() cannot be 0 {where}")
        if x.shape[-1] != 1 and x.strides[-1] != old:
            raise RuntimeError(f"self.stride(-1) must be 1 {where}, but got "
                               f"{x.strides[-1] // old}")
        if new > old:
            ratio = new // old
            if x.shape[-1] % ratio:
                raise RuntimeError(f"self.size(-1) must be divisible by {ratio} {where}, but "
                                   f"got {x.shape[-1]}")
            offset = input.storage_offset()
            if offset % ratio:
                raise RuntimeError(f"self.storage_offset() must be divisible by {ratio} {where}"
                                   f", but got {offset}")
            for d in range(x.ndim - 1):
                if (x.strides[d] // old) % ratio:
                    raise RuntimeError(f"self.stride({d}) must be divisible by {ratio} {where}"
                                       f", but got {x.strides[d] // old}")
        if x.shape[-1] == 1 and x.strides[-1] != old:
            # (a last dim of one element may have any stride; NumPy wants it contiguous)
            x = _meta.as_strided(x, strides=x.strides[:-1] + (old,))
    out = Tensor._wrap(x.view(dtype._np))
    out._vc = input._share_vc()
    return out
