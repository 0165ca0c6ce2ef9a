"""pow, square and float_power: PyTorch's three pow nodes, integer powers
(a negative exponent gives 0 but for bases 1 and -1) and complex powers
by PyTorch's own kernels."""
import cmath
import math

from .._layout import c_strided
from .._typeinfo import finfo
from ._common import (D, Tensor, _INT_BOUNDS, _state, binary_arrays, broadcast_error, np,
                      number_arg, recorded, tensor_arg, wrap)
from ._registry import element_wise, grad_fn, register
from ._scalars import NUMBER_TYPES
from ._xp import provide
from .inplace import make_inplace

_C_INT = {np.dtype(np.int8): "int8_t", np.dtype(np.uint8): "uint8_t",
          np.dtype(np.int16): "int16_t", np.dtype(np.int32): "int", np.dtype(np.int64): "int64_t"}

# pow(Tensor, Scalar), pow(Tensor, Tensor), pow(Scalar, Tensor): PyTorch's
# three nodes; in PowBackward2 `self` is the scalar base.
def _pow_grad(xp, g, self, exponent):
    if exponent == 0:
        return xp.zeros_like(g)
    if xp.recording:
        # ATen's pow_backward, grad * (exp * self.pow(exp - 1)), the exponent
        # a double (or complex): its graph is PyTorch's
        e = exponent if isinstance(exponent, complex) else float(exponent)
        return g * xp.conj(xp.mul_scalar(xp.pow_number(self, e - 1), e))
    if exponent == 2:   # (x ** 2, a squared error: self ** 1 is self, one product fewer;
        # self + self is 2 * self exactly, without converting the Python 2 each call)
        return g * xp.conj(self + self)
    # (the exponent a Scalar: a half type's product reads it unrounded)
    return g * xp.conj(xp.mul_scalar(xp.pow_number(self, exponent - 1), exponent))


PowBackward0 = grad_fn("PowBackward0", opmath="bfloat16", saved={"exponent": "exponent"}, self=_pow_grad)
def _pow_exponent_grad(xp, g, self, exponent, result):
    zero = (self == 0) & (xp.real(exponent) >= 0)
    if xp.recording:    # (pow_backward_exponent: grad times the masked slope)
        return g * xp.where(zero, 0, xp.conj(result * xp.log(self)))
    return xp.where(zero, 0, g * xp.conj(result * xp.log(self)))


# (exponent - 1: a C++ Scalar difference, SubBackward1, when recorded)
PowBackward1 = grad_fn(
    "PowBackward1",
    self=lambda xp, g, self, exponent: xp.where(
        exponent == 0, 0, g * xp.conj(exponent * self ** xp.sub_scalar(exponent, 1))),
    exponent=_pow_exponent_grad)
PowBackward2 = grad_fn("PowBackward2", saved={"self": "self"}, exponent=lambda xp, g, result, self, exponent: (
    xp.where(xp.real(exponent) >= 0, 0, g * result * -math.inf) if self == 0  # log(0) = -inf
    else g * xp.conj(xp.mul_scalar(result, cmath.log(self) if isinstance(self, complex)
                                   else math.log(self)))))
for _node in (PowBackward0, PowBackward1, PowBackward2):
    element_wise(_node)


def _int_power(base, exp):
    """Integer powers as PyTorch: a negative exponent gives 0, except for
    bases 1 and -1 (NumPy refuses negative integer powers)."""
    neg = exp < 0
    if not np.any(neg):
        return np.power(base, exp)
    pos = np.power(base, np.where(neg, 0, exp))
    ones = np.where(np.asanyarray(base) == -1, np.where(exp % 2 == 0, 1, -1), 0)
    ones = np.where(np.asanyarray(base) == 1, 1, ones)
    return np.where(neg, ones, pos).astype(pos.dtype)


def pow(input, exponent):
    if isinstance(exponent, np.ndarray) and _state.formulas:
        exponent = Tensor._wrap(exponent)       # (see grad_mode._State.formulas)
    if not isinstance(input, Tensor):
        if not (isinstance(input, NUMBER_TYPES)
                or _state.formulas and isinstance(input, np.ndarray)):
            return NotImplemented   # (no overload takes it: the named form's refusal)
        # scalar ** tensor: the scalar takes part in promotion like a 0-d tensor.
        base = input.item() if isinstance(input, np.generic) else input
        ed = exponent._data
        if ed.dtype.kind == "b" and isinstance(base, bool):
            raise NotImplementedError("\"pow\" not implemented for 'Bool'")
        elif isinstance(base, complex):
            dt = (exponent.dtype if ed.dtype.kind == "c" else exponent.dtype.to_complex()
                  if ed.dtype.kind == "f" else D.default_complex())._np
            data = np.asanyarray(np.power(dt.type(base), ed.astype(dt)))
        elif ed.dtype.kind not in "fc" and ed.dtype != D._BF16_NP and isinstance(base, float):
            data = np.asanyarray(np.power(base, ed.astype(D._default[0]._np)))
        elif ed.dtype.kind in "biu":
            b_arr = np.array(base).astype(ed.dtype if ed.dtype.kind != "b" else np.int64)
            data = np.asanyarray(_int_power(b_arr, ed.astype(b_arr.dtype)))
        else:
            data = np.asanyarray(np.power(ed.dtype.type(base), ed))
        # (contiguous whatever the exponent's layout: PyTorch's pow(Scalar,
        # Tensor) allocates its output so)
        return recorded(PowBackward2, c_strided(data), (exponent,), (base,))
    if isinstance(exponent, Tensor):
        ad, bd = binary_arrays(input, exponent)
        if ad.dtype.kind == "b":
            raise NotImplementedError("\"pow\" not implemented for 'Bool'")
        try:
            data = np.asanyarray(_int_power(ad, bd) if ad.dtype.kind in "iu" else np.power(ad, bd))
        except ValueError:
            raise broadcast_error(ad.shape, bd.shape) from None
        return recorded(PowBackward1, data, (input, exponent))
    ad, p = binary_arrays(input, exponent)
    if ad is None:
        return NotImplemented
    if ad.dtype.kind == "b" and isinstance(p, (bool, np.bool_)):
        # bool ** bool stays bool: x ** True is x, x ** False is True.
        return wrap(ad.copy() if p else np.ones_like(ad))
    if ad.dtype.kind in "iu" and isinstance(exponent, (int, np.integer)):
        if exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        lo, hi = _INT_BOUNDS[ad.dtype]
        if exponent > hi:
            raise RuntimeError(f"value cannot be converted to type {_C_INT[ad.dtype]} without "
                               "overflow")
    return recorded(PowBackward0, _power_by_number(ad, p, exponent), (input,), (exponent,))


def _power_by_number(x, p, exponent):
    """An array of floats to a number, as PyTorch's kernel for its dtype."""
    if x.dtype.kind == "c":
        return _complex_power(x, p)
    if x.dtype == np.float16 or x.dtype == D._BF16_NP:
        return _reduced_power(x, p, exponent)
    kernel = _REAL_POWERS.get(p) if not isinstance(p, (bool, np.bool_)) else None
    return kernel(x) if kernel is not None else np.power(x, p)


# PyTorch's float and double pow by a number: these exponents by their own
# kernels (products and sqrt, each rounded; np.power rounds x ** 3 once)
# (np.reciprocal, not 1 / ...: a Python 1 over a 0-d array is float64 on NumPy 1.x)
_REAL_POWERS = {2: lambda x: x * x, 3: lambda x: x * x * x,
                -2: lambda x: np.reciprocal(x * x), 0.5: np.sqrt,
                -0.5: lambda x: np.reciprocal(np.sqrt(x)), -1: np.reciprocal}


def _reduced_power(x, p, exponent):
    """float16 and bfloat16 to a number: the number must fit the dtype (c10's
    checked conversion); bfloat16's cube and inverse square are PyTorch's
    products, each rounded to bfloat16, not a float32 power rounded once."""
    dtype, exponent = D._BY_NP[x.dtype], float(exponent)
    if math.isfinite(exponent) and abs(exponent) > finfo(dtype).max:
        raise RuntimeError(f"value cannot be converted to type {D.C_NAMES[dtype]} without overflow")
    if x.dtype == D._BF16_NP and p in (3, -2):
        square = x * x
        return square * x if p == 3 else x.dtype.type(1) / square
    if p == 2:
        return x * x
    # (PyTorch's kernel: the exponent rounded to the half type, the power in
    # float32, rounded once. Spelled out: ml_dtypes before 0.7 left
    # bfloat16 ** float in float32, unrounded)
    e = np.asarray(exponent).astype(x.dtype).astype(np.float32)
    return np.power(x.astype(np.float32), e).astype(x.dtype)


# PyTorch's complex pow by a number: these exponents by their own kernels
# (exact where exp(p log z) is not: (-1) ** 0.5 is 1j)
_COMPLEX_POWERS = {0.5: np.sqrt, -0.5: lambda z: 1 / np.sqrt(z), -1: lambda z: 1 / z,
                   2: lambda z: z * z, 3: lambda z: z * z * z, -2: lambda z: 1 / (z * z)}


def _complex_power(z, p):
    kernel = _COMPLEX_POWERS.get(p) if not isinstance(p, (complex, np.complexfloating)) \
        or p.imag == 0 else None
    return kernel(z) if kernel is not None else np.power(z, p)


def square(input):
    return pow(tensor_arg(input, "square"), 2)


def float_power(input, exponent):
    """pow in double precision: complex128 where either operand is complex."""
    wide = D.complex128 if any(
        isinstance(v, complex) or isinstance(v, Tensor) and v._data.dtype.kind == "c"
        for v in (input, exponent)) else D.float64
    result = pow(input.to(wide) if isinstance(input, Tensor) else input,
                 exponent.to(wide) if isinstance(exponent, Tensor) else exponent)
    if result is NotImplemented:    # (no number: the parser's error, on the error path)
        raise TypeError("float_power(): an operand is neither a tensor nor a number")
    return result


pow = register(pow, inplace=True)
# self.pow(exponent - 1) in PowBackward0, by the forward's kernels
provide("pow_number", lambda x, p: _power_by_number(x, p, p), pow)
square = register(square, inplace=True, inplace_function=True)
def float_power_(self, exponent):
    """In place, the base must already be double (the result's dtype)."""
    number_arg(exponent)        # (the parser's refusal comes first)
    if self._data.dtype != np.float64:
        raise RuntimeError(f"the base given to float_power_ has dtype "
                           f"{D.SCALAR_NAMES[self.dtype]} but the operation's result requires "
                           "dtype Double")
    return _float_power_inplace(self, exponent)


float_power = register(float_power, inplace=float_power_)
_float_power_inplace = make_inplace(float_power, "float_power_")
