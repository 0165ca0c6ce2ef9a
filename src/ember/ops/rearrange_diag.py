"""Triangles and diagonals: tril triu tril_indices triu_indices diag
diag_embed diagflat fill_diagonal_ trace (diagonal itself, a view, is in
rearrange_views.py)."""
from .. import _meta
from .. import _layout as _L
from .._layout import factory
from .._backend import np

from .. import _dtype as D
from ._common import Tensor, recorded, wrap, wrap_dim
from ._out import same_dtype
from ._registry import grad_fn, register
from ._xp import provide
from . import shape as S
from .rearrange_views import (_check_dims, _diag_key, _diagonal_data, _diagonal_grad,
                              diagonal_copy, strided)

__all__ = ["tril", "triu", "tril_indices", "triu_indices", "diag", "diag_embed", "diagflat",
           "trace"]


def _triangle(name, fn):
    node = grad_fn(f"{name.capitalize()}Backward0", saved={"diagonal": "diagonal"},
                   self=lambda xp, g, diagonal: getattr(xp, name)(g, diagonal))

    def op(input, diagonal=0):
        x = input._data
        if x.ndim < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
        # (contiguous whatever the input's layout, as PyTorch's structured kernel allocates it)
        return recorded(node, _L.c_strided(fn(x, int(diagonal))), (input,), (int(diagonal),))
    provide(name, fn, op)
    return register(op, name, inplace=True, node=node, out=same_dtype(), ints={"diagonal": "int"})


tril = _triangle("tril", np.tril)
triu = _triangle("triu", np.triu)


def _indices(name, fn):
    def op(row, col, offset=0, *, dtype=None, device=None, layout=None, pin_memory=False):
        from .._creation import _check_device, _check_dtype
        _check_device(device)
        dtype = _check_dtype(dtype, name) or D.int64
        if dtype._np.kind not in "iu":
            raise NotImplementedError(f'"{name}" not implemented for '
                                      f"'{D.SCALAR_NAMES[dtype]}'")
        if row < 0:
            raise RuntimeError(f"row must be non-negative, got{row}")
        if col < 0:
            raise RuntimeError(f"col must be non-negative, got{col}")
        return wrap(np.array(fn(row, offset, col), dtype=dtype._np).reshape(2, -1))
    op.__name__ = name
    return register(factory(op), name, method=False, out=False)


tril_indices = _indices("tril_indices", np.tril_indices)
triu_indices = _indices("triu_indices", np.triu_indices)

# diag_embed puts the input on a diagonal of zeros; its gradient is that
# diagonal of the gradient (the same index, read instead of written).
# (recorded: derivatives.yaml's grad.diagonal(offset, dim1, dim2), a DiagonalBackward0 view)
DiagEmbedBackward0 = grad_fn("DiagEmbedBackward0", saved={
    "dim1": "given_dim1", "dim2": "given_dim2", "offset": "offset"},
                             self=lambda xp, g, offset, dim1, dim2:
                             g.diagonal(offset, dim1, dim2) if xp.recording else
                             xp.index(g, _diag_key(tuple(g.shape), offset, dim1, dim2)[0]))


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    x = input._data
    nd = x.ndim + 1
    d1, d2 = _check_dims(dim1, dim2, nd)
    n = (x.shape[-1] if x.ndim else 1) + abs(offset)
    lead = list(x.shape[:-1])
    shape = [0] * nd
    rest = iter(lead)
    for i in range(nd):
        shape[i] = n if i in (d1, d2) else next(rest)
    data = _meta.full_for(shape, 0, x.dtype, x)
    _diagonal_data(data, offset, d1, d2)[...] = x
    return recorded(DiagEmbedBackward0, data, (input,), (offset, d1, d2, dim1, dim2))


register(diag_embed, out=False, node=DiagEmbedBackward0)


def diag(input, diagonal=0):
    nd = input._data.ndim
    if nd == 1:
        # (diag_embed's default dims, -2 and -1: PyTorch's node shows them)
        return diag_embed(input, diagonal)
    if nd == 2:
        return diagonal_copy(input, diagonal)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {nd}D")


register(diag, node=DiagEmbedBackward0, out=same_dtype())


def diagflat(input, offset=0):
    return diag_embed(S.view(S.contiguous(input), -1), offset)


register(diagflat, out=False, node=DiagEmbedBackward0)

def _trace_grad(xp, g, shape):
    if xp.recording:
        # PyTorch's trace_backward: the gradient filled into the flat zeros'
        # diagonal places (IndexFillBackward1), viewed as the matrix
        n, m = shape
        places = Tensor._wrap(np.arange(0, n * m, m + 1, dtype=np.int64))
        return g.new_zeros((n * m,)).index_fill(0, places, g).view(shape)
    return _diagonal_grad(xp, xp.expand(g, (min(shape),)), shape, 0, 0, 1)


TraceBackward0 = grad_fn("TraceBackward0", saved={"self_sym_sizes": "shape"}, self=_trace_grad)


def trace(input):
    x = input._data
    if x.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {x.ndim}")
    if x.dtype == np.bool_:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    if x.dtype.kind in "iu":
        data = np.trace(x, dtype=np.int64)
    else:
        # (PyTorch's CPU kernel sums in its accumulate type: double for
        # float, float for float16 and bfloat16; then rounds once)
        acc = np.float32 if x.dtype in D.HALF_NP else np.complex128 if x.dtype.kind == "c" \
            else np.float64
        data = np.trace(x, dtype=acc).astype(x.dtype)
    return recorded(TraceBackward0, np.asanyarray(data), (input,), (x.shape,))


register(trace, out=False, node=TraceBackward0)


def fill_diagonal_(self, fill_value, wrap=False):
    """PyTorch's own recipe: fill a strided view of the diagonal (and, with
    `wrap`, of its continuation below a tall matrix) in place."""
    from .inplace import fill_
    x = self._data
    if x.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    height, width = x.shape[:2]
    if x.ndim > 2 and any(s != height for s in x.shape):
        raise RuntimeError("all dimensions of input must be of equal length")
    st = sum(s // x.itemsize for s in x.strides)
    main = S._view_of(strided(x, (min(height, width),), (st,)), self, S.AliasBackward0)
    fill_(main, fill_value)
    if wrap and x.ndim == 2 and height > width + 1:
        step = width + 1
        size = (x.size + step - 1) // step - min(height, width)
        start = x.strides[0] // x.itemsize * (width + 1)
        more = S._view_of(strided(x, (size,), (st,), start), self, S.AliasBackward0)
        fill_(more, fill_value)
    return self


Tensor.fill_diagonal_ = fill_diagonal_     # a method only, in PyTorch too
