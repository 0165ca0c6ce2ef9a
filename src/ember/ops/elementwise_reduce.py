"""Reductions of the elementwise family: logsumexp, nansum, nanmean,
var_mean, std_mean; and isin (membership)."""
from .._python_data import _tname
import math
import warnings

from ._common import D, Tensor, kernel_refuses, np, recorded, recorded_multi, wrap
from ._out import same_dtype
from ._registry import grad_fn, register, tensor_field
from ..autograd._saved_fields import given_dims
from ._summation import torch_sum
from ._vml import exp as _exp, log as _log
from . import _keywords, reduction as _red, reduction_moments as _vs
from .pointwise import div

__all__ = ["logsumexp", "nansum", "nanmean", "var_mean", "std_mean", "isin"]


def _reduced_dims(input, dim, name=None):
    """The checked dims (None: all); a 0-d tensor's dim 0 or -1 is its one
    element, reduced over no axis."""
    dims = _red._dims_or_none(input, dim, name)
    return () if input._data.ndim == 0 else dims


def _kept(xp, r, shape, dims, keepdim):
    """A reduction's result with its reduced dims back, as size 1."""
    return r if keepdim else xp.reshape(r, _red._kept_shape(shape, dims))


def _logsumexp_grad(xp, grad, self, result, dims, keepdim):
    """d logsumexp / dx = softmax: exp(x - result). Recorded, PyTorch's
    logsumexp_backward: grad and result unsqueezed back, then broadcast."""
    if xp.recording:
        if not keepdim and self.ndim and dims is not None:
            for d in sorted(dims):
                grad, result = grad.unsqueeze(d), result.unsqueeze(d)
        return grad * xp.conj(xp.exp(self - result))
    return (_red._unreduce(xp, grad, self.shape, dims, keepdim)
            * xp.conj(xp.exp(self - _kept(xp, result, self.shape, dims, keepdim))))


LogsumexpBackward0 = grad_fn(
    "LogsumexpBackward0", saved={"dim": "given_dim", "keepdim": "keepdim"}, self=_logsumexp_grad)


def logsumexp(input, dim, keepdim=False):
    if keepdim.__class__ is not bool:
        raise _keywords.not_bool(keepdim, "keepdim", "logsumexp")
    x = input._data
    if x.dtype.kind not in "fc" and x.dtype not in D.HALF_NP:
        x = x.astype(D._default[0]._np)
    if dim is None:
        # (the wrapper adds the position where dim was given in place)
        raise _keywords.wrong_type(TypeError("logsumexp(): argument 'dim' must be tuple of "
                                             "ints, not NoneType"), "dim")
    if isinstance(dim, (tuple, list)) and not dim:
        raise RuntimeError(f"output with shape [] doesn't match the broadcast shape "
                           f"{[1] * x.ndim}")
    dims = _reduced_dims(input, dim, "logsumexp")
    if x.size == 0 or not dims:
        # (PyTorch's composite: at::exp_ and at::log_, MKL's VML on float32: _vml's)
        data = _log(torch_sum(_exp(x), dims, keepdim)) if dims else x.copy()
    else:
        # Shifted by the largest element, unless that is infinite: a row of
        # -inf then gives -inf, one holding +inf gives +inf, as PyTorch does.
        m = np.amax(x.real, axis=dims, keepdims=True)     # (complex: the largest real part)
        m = np.where(np.isinf(m), np.zeros((), m.dtype), m).astype(x.dtype)  # (NumPy 1.x: no int)
        data = _log(torch_sum(_exp(x - m), dims, True)) + m
        if not keepdim:
            data = data.reshape([s for i, s in enumerate(x.shape) if i not in dims])
    return recorded(LogsumexpBackward0, np.asanyarray(data, x.dtype), (input,),
                    (dims, keepdim, given_dims(dim)))


# Multiplied by the mask, as PyTorch does: a NaN gradient stays NaN there.
NansumBackward0 = grad_fn(
    "NansumBackward0", saved={"dim": "given_dim", "keepdim": "keepdim"}, self=lambda xp, grad, self, dims, keepdim:
    _red._unreduce(xp, grad, self.shape, dims, keepdim) * (self == self))


def nansum(input, dim=None, keepdim=False, *, dtype=None):
    if keepdim.__class__ is not bool:
        raise _keywords.not_bool(keepdim, "keepdim", "nansum")
    if input._data.dtype.kind == "c":
        raise RuntimeError("nansum on CPU does not support complex inputs")
    if dtype is not None and dtype.is_complex and D.is_float_np(input._data.dtype):
        raise kernel_refuses("nansum_cpu", dtype._np)    # (floats run the NaN-skipping kernel)
    x = _red._accumulation_input(input, dtype)
    dims = _reduced_dims(input, dim)
    if D.is_float_np(x.dtype):
        x = np.where(np.isnan(x), x.dtype.type(0), x)
    data = torch_sum(x, dims, keepdim)
    return recorded(NansumBackward0, np.asanyarray(data, x.dtype), (input,),
                    (dims, keepdim, None if dim is None else given_dims(dim)))


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """PyTorch's composite: nansum divided by the count of non-NaN elements."""
    if keepdim.__class__ is not bool:
        raise _keywords.not_bool(keepdim, "keepdim", "nanmean")
    x = input._data
    if not (D.is_float_np(x.dtype) or x.dtype.kind == "c"):
        raise RuntimeError("nanmean(): expected input to have floating point or complex dtype "
                           f"but got {D.SCALAR_NAMES[input.dtype]}")
    if dtype is not None and not (dtype.is_floating_point or dtype.is_complex):
        raise RuntimeError("nanmean(): could not infer output dtype. Optional dtype must be "
                           "either a floating point or complex dtype. Got: "
                           f"{D.SCALAR_NAMES[dtype]}")
    if x.dtype.kind == "c":
        raise RuntimeError("nansum on CPU does not support complex inputs")
    if dtype is not None and dtype.is_complex:
        raise kernel_refuses("nansum_cpu", dtype._np)
    dims = _reduced_dims(input, dim)
    count = np.asanyarray(np.sum(~np.isnan(x), axis=dims, keepdims=keepdim), np.int64)
    return div(nansum(input, dim, keepdim, dtype=dtype), wrap(count))


def _var_mean_grad(xp, g_var, g_mean, x, dims, correction, keepdim, n, given, count):
    return (_vs._var_grad(xp, g_var, x, dims, correction, keepdim, n, given)
            + _red._unreduce(xp, g_mean / count, x.shape, dims, keepdim))


# (the correction and dims as PyTorch's node shows them: see reduction_moments.py)
_MOMENTS = _vs._MOMENTS
VarMeanBackward0 = grad_fn(
    "VarMeanBackward0", outputs=("var", "mean"), saved=_MOMENTS,
    self=lambda xp, grad, self, dims, correction, keepdim, n, given, count: _var_mean_grad(
        xp, grad[0], grad[1], self, dims, correction, keepdim, n, given, count))
# std's part: the var gradient of g / (2 std), 0 where std is 0 (std_backward).
StdMeanBackward0 = grad_fn(
    "StdMeanBackward0", outputs=("std", "mean"),
    saved={**_MOMENTS, "result0": tensor_field("std")},
    self=lambda xp, grad, self, std, dims, correction, keepdim, n, given, count: _var_mean_grad(
        xp, xp.where(std == 0, 0, grad[0] / (std * 2)), grad[1], self, dims, correction,
        keepdim, n, given, count))


def _moments(name, take_sqrt, node, input, dim, unbiased, keepdim, correction):
    if isinstance(dim, bool):       # var_mean(x, False): the `unbiased` overload
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise _keywords.unbound_call()      # (no signature of PyTorch's takes both)
    x = input._data
    low = x.dtype in D.HALF_NP
    if x.dtype.kind not in "fc" and not low:
        raise RuntimeError(f"{name} only support floating point and complex dtypes")
    shown = _vs.shown_correction(dim, unbiased, keepdim, correction)
    if correction is None:
        correction = 0 if unbiased is False else 1
    # The spread is var/std's own (same rules, warning renamed to this op).
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        spread = _vs._var_std(wrap(x), dim, None, keepdim, correction, take_sqrt)._data
    for w in caught:
        warnings.warn(name + str(w.message)[3:], w.category, stacklevel=3)
    dims = _reduced_dims(input, dim) or tuple(range(x.ndim))
    count = math.prod(x.shape[d] for d in dims)
    # (half precision: accumulated in float32 and rounded once, as var's spread)
    mean = np.asanyarray(_red._mean(x.astype(np.float32) if low else x, dims, keepdim)).astype(x.dtype)
    given = dim is not None and x.ndim > 0
    n = count if not given or _red._dims_or_none(input, dim) else 1
    return recorded_multi(node, [spread, mean], (input,),
                          (dims, correction, keepdim, n, given, count, shown,
                           None if dim is None else given_dims(dim)))


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _moments("var_mean", False, VarMeanBackward0, input, dim, unbiased, keepdim,
                    correction)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _moments("std_mean", True, StdMeanBackward0, input, dim, unbiased, keepdim,
                    correction)


def _isin_refusal(elements, test_elements):
    return TypeError(
        f"isin() received an invalid combination of arguments - got "
        f"({_tname(elements)}, {_tname(test_elements)}), but expected one of:\n"
        " * (Tensor elements, Tensor test_elements, *, bool assume_unique = False, bool invert "
        "= False, Tensor out = None)\n * (Number element, Tensor test_elements, *, bool "
        "assume_unique = False, bool invert = False, Tensor out = None)\n * (Tensor elements, "
        "Number test_element, *, bool assume_unique = False, bool invert = False, Tensor out = "
        "None)\n")


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    operands = []
    for x in (elements, test_elements):
        if not isinstance(x, Tensor):
            if not isinstance(x, (int, float, complex, np.number, np.bool_)) or not any(
                    isinstance(o, Tensor) for o in (elements, test_elements)):
                raise _isin_refusal(elements, test_elements)
            # (a complex number is refused as the complex128 PyTorch wraps it in)
            x = wrap(np.asanyarray(x, np.complex128 if isinstance(x, complex)
                                else D.scalar_dtype(x)._np))
        if x.dtype is D.bool_ or x.dtype.is_complex:    # (each operand's own dtype named)
            raise RuntimeError("Unsupported input type encountered for isin(): "
                               f"{D.SCALAR_NAMES[x.dtype]}")
        operands.append(x)
    from .elementwise_ternary import result_type
    dt = result_type(*operands)._np
    if dt.kind == "c":
        raise RuntimeError("Unsupported input type encountered for isin(): "
                           f"{D.SCALAR_NAMES[D._BY_NP[dt]]}")
    a, b = (x._data.astype(dt, copy=False) for x in operands)
    return wrap(np.asanyarray(np.isin(a, b, assume_unique=assume_unique, invert=invert)))


register(logsumexp, node=LogsumexpBackward0)
register(nansum, node=NansumBackward0)
register(nanmean)
register(var_mean, method=False, node=VarMeanBackward0, out=False)
register(std_mean, method=False, node=StdMeanBackward0, out=False)
register(isin, method=False, out=same_dtype())
