"""var and std, and their derivatives (PyTorch's var_backward and
std_backward): the spread about each slice's mean, divided by the degrees of
freedom left after the correction."""
import math

from .._layout import c_strided
from .._settings import warn_at_caller
from ._common import D, np, recorded
from ._registry import grad_fn, register
from . import _keywords
from ..autograd._saved_fields import given_dims
from .reduction import _dims_or_none, _kept_shape, _lowered, _unreduce

__all__ = ["var", "std"]

# (`shown_correction`: None for var() and std() called without arguments, as
# PyTorch's node shows it; `given_dim`: the dims as given, or None)
_MOMENTS = {"correction": "shown_correction", "dim": "given_dim", "keepdim": "keepdim"}
VarBackward0 = grad_fn("VarBackward0", saved=_MOMENTS,
                       self=lambda xp, g, self, dims, correction, keepdim, n, given:
                       _var_grad(xp, g, self, dims, correction, keepdim, n, given))
# PyTorch's std_backward: the var gradient of g / (2 std), 0 where std is 0.
StdBackward0 = grad_fn(
    "StdBackward0", saved=_MOMENTS,
    self=lambda xp, g, self, result, dims, correction, keepdim, n, given: _var_grad(
        xp, xp.where(result == 0, 0, g / (result * 2)), self, dims, correction, keepdim, n,
        given))


def _var_grad(xp, g, x, dims, correction, keepdim, n, given):
    """PyTorch's var_backward. `n` counts the reduced elements as its formula
    does: all of them unless a dim argument was `given` (then 1 for dim=())."""
    g = _unreduce(xp, g, x.shape, dims, keepdim)
    mean = xp.mean_keep(x, dims)
    dof = n - correction
    if not given and dof <= 0:
        # 2 / 0 is inf: inf * 0 is NaN at the mean, inf (of g's sign) elsewhere.
        return xp.where(x == mean, g * math.nan, g * math.inf)
    scale = 2.0 / dof if dof else math.inf
    if not xp.recording and g.dtype in D.HALF_NP:
        # (PyTorch multiplies half precision by a scalar in float32, rounding
        # once; NumPy would round the scalar to the narrow type first)
        return (g.astype(np.float32) * np.float32(scale)).astype(g.dtype) * (x - mean)
    return g * scale * (x - mean)



def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _var_std(input, dim, unbiased, keepdim, correction, False)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _var_std(input, dim, unbiased, keepdim, correction, True)


def shown_correction(dim, unbiased, keepdim, correction):
    """The correction a var/std node shows. var() without arguments is
    PyTorch's var(unbiased=True) overload, whose node keeps none; x.var(dim=None)
    reads the same here, and shows None too where PyTorch shows 1."""
    if dim is None and unbiased is None and correction is None and not keepdim:
        return None
    return correction if correction is not None else 0 if unbiased is False else 1


def _var_std(input, dim, unbiased, keepdim, correction, take_sqrt):
    if isinstance(dim, bool):       # var(x, False): the old `unbiased` position
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise _keywords.unbound_call()      # (no signature of PyTorch's takes both)
    for flag, value in (("keepdim", keepdim), ("unbiased", unbiased)):
        if value.__class__ is not bool and value is not None:
            raise _keywords.not_bool(value, flag, "std" if take_sqrt else "var")
    shown = shown_correction(dim, unbiased, keepdim, correction)
    if correction is None:
        correction = 0 if unbiased is False else 1
    x = input._data
    low = x.dtype in D.HALF_NP
    if x.dtype.kind not in "fc" and not low:
        raise RuntimeError("std and var only support floating point and complex dtypes")
    if low:
        x = x.astype(np.float32)
    dims = _dims_or_none(input, dim) or tuple(range(x.ndim))
    if x.ndim == 0:
        dims = ()       # dim 0 or -1 of a 0-d tensor: its one element
    n = int(np.prod([x.shape[d] for d in dims]))
    out_shape = _kept_shape(x.shape, dims) if keepdim else tuple(
        s for i, s in enumerate(x.shape) if i not in dims)
    factor = n if math.prod(out_shape) else 0     # PyTorch's numel / output numel
    if factor - correction <= 0:
        warn_at_caller(f"{'std' if take_sqrt else 'var'}(): degrees of freedom is <= 0. "
                       "Correction should be strictly less than the reduction factor (input "
                       "numel divided by output numel).",
                       cpp="aten/src/ATen/native/ReduceOps.cpp:1861")
    data = c_strided(_variance(x, dims, correction, keepdim, n, out_shape))
    if take_sqrt:
        data = np.sqrt(data)
    # PyTorch's backward reads the dims only from a dim argument of a tensor
    # with dims, and counts dim=() as reducing one element.
    given = dim is not None and x.ndim > 0
    nb = n if not given or _dims_or_none(input, dim) else 1
    return recorded(StdBackward0 if take_sqrt else VarBackward0, _lowered(data, input._data.dtype)
                    if low else data, (input,), (dims, correction, keepdim, nb, given, shown,
                                                 None if dim is None else given_dims(dim)))


def _variance(x, dims, correction, keepdim, n, out_shape):
    """The squared deviations summed and divided by max(0, n - correction);
    measured from each slice's first element, so that equal values give
    exactly 0 (as PyTorch's Welford updates do)."""
    real = x.real.dtype        # (a complex input's spread is real)
    if n == 0:
        return np.full(out_shape, np.nan, real)
    first = x[tuple(slice(0, 1) if i in dims else slice(None) for i in range(x.ndim))]
    shifted = x - first
    if n - correction > 0:
        return np.asanyarray(shifted.var(axis=dims, ddof=correction, keepdims=keepdim))
    # Nothing to divide by: 0 / 0 is NaN, anything else / 0 is inf.
    spread = shifted.var(axis=dims, keepdims=keepdim)
    return np.where(spread > 0, np.inf, np.nan).astype(real)


var = register(var)
std = register(std)
