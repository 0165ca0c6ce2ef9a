"""Unary elementwise ops: asinh acosh atanh deg2rad rad2deg sgn signbit
nan_to_num isposinf isneginf isreal positive frexp (fix is trunc's alias)."""
import math

from .. import _layout as _L
from .. import return_types
from ._common import D, Tensor, _float_max, no_complex_autograd, np, recorded, wrap
from ._out import bool_only, same_dtype
from .pointwise import _KEEPS_DTYPE
from ._registry import REGISTRY, grad_fn, register, tensor_field
from .pointwise import unary
from . import _vml
from .inplace import make_inplace

__all__ = ["asinh", "acosh", "atanh", "arcsinh", "arccosh", "arctanh", "deg2rad", "rad2deg",
           "sgn", "signbit", "nan_to_num", "isposinf", "isneginf", "isreal", "positive",
           "frexp"]

_TO_RAD, _TO_DEG = math.pi / 180, 180 / math.pi

asinh = unary("asinh", np.arcsinh, "AsinhBackward0",
              lambda xp, grad, self: grad * xp.conj(xp.rsqrt(self * self + 1)),
              aliases=["arcsinh"])
acosh = unary("acosh", np.arccosh, "AcoshBackward0",
              # (PyTorch's: rsqrt(self * self - 1) for real x, +inf at x = -1;
              # rsqrt(self + 1) * rsqrt(self - 1), conjugated, for complex)
              lambda xp, grad, self: grad * (
                  xp.conj(xp.rsqrt(self + 1) * xp.rsqrt(self - 1)) if xp.is_complex(self)
                  else xp.rsqrt(self * self - 1)),
              aliases=["arccosh"])
atanh = unary("atanh", _vml.arctanh, "AtanhBackward0",
              lambda xp, grad, self: xp.mul_scalar(grad, 1) / xp.conj(xp.scalar_sub(1, self ** 2)),
              aliases=["arctanh"])
# PyTorch multiplies by the constant (a float32 tensor by its float32 value).
# (the factor in x's dtype: NumPy 1.x would widen a 0-d float32 by a Python float)
def _real_only(name, forward):
    def real(x):
        if x.dtype.kind == "c":
            raise RuntimeError(f"{name} is not supported for complex tensors.")
        return forward(x)
    return real


deg2rad = unary("deg2rad", _real_only("deg2rad", lambda x: x * x.dtype.type(_TO_RAD)),
                "Deg2RadBackward0",
                lambda xp, grad: xp.mul_scalar(grad, _TO_RAD))
rad2deg = unary("rad2deg", _real_only("rad2deg", lambda x: x * x.dtype.type(_TO_DEG)),
                "Rad2DegBackward0",
                lambda xp, grad: xp.mul_scalar(grad, _TO_DEG))
arcsinh, arccosh, arctanh = asinh, acosh, atanh


def _sgn(x):
    # Real numbers: the sign, in the input's dtype (bool stays as it is); NaN's is 0.
    if x.dtype.kind == "b":
        return x.copy()
    if x.dtype.kind == "c":     # z / |z| (NumPy 1's sign of a complex is its real part's)
        a = np.abs(x)
        zero = a == 0
        return np.where(zero, 0, x / np.where(zero, 1, a)).astype(x.dtype, copy=False)
    r = np.sign(x)
    return np.where(np.isnan(r), r.dtype.type(0), r) if x.dtype.kind == "f" else r


def _sgn_grad(xp, grad, self, result):
    """PyTorch's sgn_backward: zero for a real input (flat but at 0); for a
    complex one the part of grad across the unit circle, over |z| (zero at 0)."""
    if not xp.is_complex(self):
        return xp.zeros_like(grad)
    a = xp.abs(self)
    return xp.where(a == 0, 0, (grad - result * xp.real(xp.conj(result) * grad)) / a)


sgn = unary("sgn", _sgn, "SgnBackward0", _sgn_grad, ints_to_float=False,
            inplace_function=False,
            out=_KEEPS_DTYPE)


def _real_float(x):
    """bfloat16 as float32 (same signs, infinities and NaNs), for NumPy's
    sign and infinity tests, which have no bfloat16 loops."""
    return x.astype(np.float32) if x.dtype == D._BF16_NP else x


def signbit(input):
    x = input._data
    if x.dtype.kind == "c":
        raise NotImplementedError("signbit is not implemented for complex tensors.")
    x = _real_float(x)
    return wrap(np.signbit(x) if D.is_float_np(x.dtype) else np.asanyarray(x < 0) if x.dtype.kind == "i"
                else np.zeros(x.shape, np.bool_))


def isposinf(input):
    x = input._data
    if x.dtype.kind == "c":
        raise RuntimeError("isposinf does not support complex inputs.")
    return wrap(np.isposinf(_real_float(x)) if D.is_float_np(x.dtype) else np.zeros(x.shape, np.bool_))


def isneginf(input):
    x = input._data
    if x.dtype.kind == "c":
        raise RuntimeError("isneginf does not support complex inputs.")
    return wrap(np.isneginf(_real_float(x)) if D.is_float_np(x.dtype) else np.zeros(x.shape, np.bool_))


def isreal(input):
    x = input._data
    if x.dtype.kind == "c":
        return wrap(x.imag == 0)
    out = _L.empty_like(x, np.bool_)      # (ones_like: the input's layout)
    out[...] = True
    return wrap(out)


# The gradient flows where the input was finite; replaced values are constants.
NanToNumBackward0 = grad_fn("NanToNumBackward0", self=lambda xp, grad, self: xp.where(
    (self == self) & (abs(self) != math.inf), grad, 0))


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    return _nan_to_num(input, nan, posinf, neginf, True)


def _nan_to_num_written(input, nan=0.0, posinf=None, neginf=None):
    # (nan_to_num_ has a derivative of its own, which takes complex tensors)
    return _nan_to_num(input, nan, posinf, neginf, False)


_nan_to_num_written.__name__ = "nan_to_num"


def _nan_to_num(input, nan, posinf, neginf, real_autograd_only):
    x = input._data
    if x.dtype.kind == "c":
        # each part on its own, as PyTorch's kernel
        part = wrap(x.real.copy()), wrap(x.imag.copy())
        re, im = (nan_to_num(p, nan, posinf, neginf)._data for p in part)
        if real_autograd_only:
            no_complex_autograd("nan_to_num", True, input)
        return recorded(NanToNumBackward0, re + 1j * im.astype(x.dtype), (input,))
    if not D.is_float_np(x.dtype):
        # Integers hold no NaN or infinity: a copy, as PyTorch returns.
        return wrap(x.copy())
    big = float(_float_max(x.dtype))
    values = [np.asanyarray(v).astype(x.dtype) for v in (
        nan, big if posinf is None else posinf, -big if neginf is None else neginf)]
    data = np.where(np.isnan(x), values[0],
                    np.where(x == np.inf, values[1], np.where(x == -np.inf, values[2], x)))
    return recorded(NanToNumBackward0, data.astype(x.dtype, copy=False), (input,))


def positive(input):
    if input._data.dtype.kind == "b":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


# frexp: x = mantissa * 2 ** exponent, so d mantissa / dx = 2 ** -exponent.
FrexpBackward0 = grad_fn("FrexpBackward0", saved={"exponent": tensor_field("exponent")},
                         self=lambda xp, grad, exponent_scale: grad * exponent_scale)


def frexp(input):
    x = input._data
    if not D.is_float_np(x.dtype):
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    mantissa, exponent = np.frexp(x)
    exponent = np.asanyarray(exponent, np.int32)
    scale = np.ldexp(np.ones((), x.dtype), -exponent).astype(x.dtype)
    m = recorded(FrexpBackward0, np.asanyarray(mantissa, x.dtype), (input,), (scale, exponent))
    return return_types.frexp._of(m, wrap(exponent))

register(signbit, out=bool_only)
register(isposinf, out=bool_only)
register(isneginf, out=bool_only)
register(isreal, out=False)
register(nan_to_num, inplace=make_inplace(_nan_to_num_written, "nan_to_num_"),
         node=NanToNumBackward0, inplace_function=True,
         out=same_dtype("nan_to_num: dtype of out: {os} should be same as input: {s}"))
register(positive, out=False)
register(frexp, node=FrexpBackward0)

