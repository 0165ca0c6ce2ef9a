"""torch.gradient: central differences inside, one-sided (first or second
order) at the edges, for unit, scalar or coordinate spacing. ATen composes
it of slices, arithmetic and a cat; so does this module, op for op, so the
values round and the graph records (CatBackward0) as PyTorch's do."""
from .._python_data import _tname
from numbers import Number

from ._common import Tensor, np, wrap_dim
from ._registry import register
from . import shape as S
from .indexing import slice_along
from .scalar_arith import div_scalar, mul_scalar

__all__ = ["gradient"]


def _slice(x, d, start, end=None):
    return slice_along(x, d, start, end, d)


def _mul(t, c):
    """t * c for a number c as ATen's C++ computes it: a Scalar product
    (MulBackward1) on a float tensor."""
    return mul_scalar(t, c) if t._data.dtype.kind in "fc" else t * c


def _div(t, c):
    return div_scalar(t, c) if t._data.dtype.kind in "fc" else t / c


def _checks(x, n_spacing, dims, edge_order):
    """ATen's pre_check_gradient."""
    if x._data.dtype == np.uint8:
        raise RuntimeError("torch.gradient does not support uint8 input.")
    nd = x._data.ndim
    if n_spacing is not None and dims is None and n_spacing != nd:
        raise RuntimeError("torch.gradient expected spacing to be unspecified, a scalar, or a "
                           f"list of length equal to 'self.dim() = {nd}', since dim argument was "
                           f"not given, but got a list of length {n_spacing}")
    if n_spacing is not None and dims is not None and n_spacing != len(dims):
        raise RuntimeError("torch.gradient expected spacing to be unspecified, a scalar or it's "
                           "spacing and dim arguments to have the same length, but got a spacing "
                           f"argument of length {n_spacing} and a dim argument of length "
                           f"{len(dims)}.")
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    wrapped = [wrap_dim(d, nd) for d in (range(nd) if dims is None else dims)]
    seen = set()
    for d in wrapped:
        if d in seen:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        seen.add(d)
    for d in wrapped:
        if x._data.shape[d] < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least "
                               "edge_order+1")
    return wrapped


def _uniform(x, d, h, edge_order):
    """ATen's gradient_helper_float: one scalar step `h` along dim `d`."""
    center = _div(_slice(x, d, 2) - _slice(x, d, 0, -2), h)
    if edge_order == 1:
        first = _div(_slice(x, d, 1, 2) - _slice(x, d, 0, 1), h)
        last = _div(_slice(x, d, -1) - _slice(x, d, -2, -1), h)
    else:
        first = _div(_mul(_slice(x, d, 0, 1), -1.5) + _mul(_slice(x, d, 1, 2), 2)
                     - _mul(_slice(x, d, 2, 3), 0.5), h)
        last = _div(_mul(_slice(x, d, -3, -2), 0.5) - _mul(_slice(x, d, -2, -1), 2)
                    + _mul(_slice(x, d, -1), 1.5), h)
    return S.cat([first, _div(center, 2), last], d)


def _coordinates(x, d, coords, edge_order):
    """ATen's gradient_helper: the points along dim `d` at `coords`."""
    if coords._data.ndim != 1:
        raise RuntimeError("torch.gradient expected each element of spacing to have one "
                           f"dimension, but got an element with {coords._data.ndim} dimensions!")
    shape = [1] * x._data.ndim
    shape[d] = -1
    h = coords.diff(1, 0)
    h1, h2 = _slice(h, 0, 0, -1), _slice(h, 0, 1)
    a = (-h2 / (h1 * (h1 + h2))).reshape(shape)
    b = ((h2 - h1) / (h1 * h2)).reshape(shape)
    c = (h1 / (h2 * (h1 + h2))).reshape(shape)
    center = a * _slice(x, d, 0, -2) + b * _slice(x, d, 1, -1) + c * _slice(x, d, 2)
    if edge_order == 1:
        first = (_slice(x, d, 1, 2) - _slice(x, d, 0, 1)) / h[0]
        last = (_slice(x, d, -1) - _slice(x, d, -2, -1)) / h[-1]
    else:
        a = -(_mul(h[0], 2.0) + h[1]) / (h[0] * (h[0] + h[1]))
        b = (h[0] + h[1]) / (h[0] * h[1])
        c = (-h[0]) / (h[1] * (h[0] + h[1]))
        first = a * _slice(x, d, 0, 1) + b * _slice(x, d, 1, 2) + c * _slice(x, d, 2, 3)
        a = h[-1] / (h[-2] * (h[-1] + h[-2]))
        b = -(h[-1] + h[-2]) / (h[-1] * h[-2])
        c = (_mul(h[-1], 2) + h[-2]) / (h[-1] * (h[-1] + h[-2]))
        last = a * _slice(x, d, -3, -2) + b * _slice(x, d, -2, -1) + c * _slice(x, d, -1)
    return S.cat([first, center, last], d)


def _signature_error(spacing, dim):
    got = ", ".join(["Tensor"] + [f"{k}={'Tensor' if isinstance(v, Tensor) else _tname(v)}"
                                  for k, v in (("spacing", spacing), ("dim", dim))
                                  if v is not None])
    return TypeError(
        f"gradient() received an invalid combination of arguments - got ({got}), but expected "
        "one of:\n"
        " * (Tensor input, *, tuple of ints dim, int edge_order = 1)\n"
        " * (Tensor input, *, Number spacing, tuple of ints dim, int edge_order = 1)\n"
        " * (Tensor input, *, Number spacing = None, int dim = None, int edge_order = 1)\n"
        " * (Tensor input, *, tuple of Scalars spacing, int dim = None, int edge_order = 1)\n"
        " * (Tensor input, *, tuple of Scalars spacing, tuple of ints dim, int edge_order = 1)\n"
        " * (Tensor input, *, tuple of Tensors spacing, int dim = None, int edge_order = 1)\n"
        " * (Tensor input, *, tuple of Tensors spacing, tuple of ints dim, int edge_order = 1)\n")


def gradient(input, *, spacing=1, dim=None, edge_order=1):
    """A tuple of tensors, one per dimension in `dim` (all by default)."""
    if isinstance(spacing, Tensor) or not (
            spacing is None or isinstance(spacing, (Number, list, tuple))):
        raise _signature_error(spacing, dim)
    dims = None if dim is None else ((dim,) if isinstance(dim, int) else tuple(dim))
    if spacing is None or isinstance(spacing, Number):
        h = 1 if spacing is None else spacing
        wrapped = _checks(input, None, dims, edge_order)
        return tuple(_uniform(input, d, h, edge_order) for d in wrapped)
    spacing = list(spacing)
    wrapped = _checks(input, len(spacing), dims, edge_order)
    if spacing and isinstance(spacing[0], Tensor):
        return tuple(_coordinates(input, d, c, edge_order) for d, c in zip(wrapped, spacing))
    return tuple(_uniform(input, d, h, edge_order) for d, h in zip(wrapped, spacing))


register(gradient, method=False, out=False)
