"""Binary elementwise ops taking two tensors: atan2, hypot, copysign, fmax,
fmin, logaddexp, logaddexp2, heaviside, ldexp, nextafter, and the integer
ones gcd, lcm, logical_xor and the shifts (no gradient)."""
import math

from .._layout import iterated
from ._common import D, Tensor, binary_arrays, broadcast_error, np, recorded, tensor_arg, wrap
from ._out import same_dtype
from .pointwise_rounding import wrapped_number
from ._registry import grad_fn, register
from .inplace import untracked_inplace

__all__ = ["atan2", "arctan2", "hypot", "copysign", "fmax", "fmin", "logaddexp", "logaddexp2",
           "heaviside", "ldexp", "nextafter", "gcd", "lcm", "logical_xor",
           "bitwise_left_shift", "bitwise_right_shift"]

_LN2 = math.log(2.0)


def dtype_name(dt):
    """PyTorch's scalar-type name of a NumPy dtype ("Float", "Long", ...)."""
    return D.SCALAR_NAMES[D._BY_NP[np.dtype(dt)]]


def not_implemented(kernel, dt):
    return NotImplementedError(f'"{kernel}" not implemented for \'{dtype_name(dt)}\'')


def tensor_pair(name, input, other, arg="other"):
    """The two tensors' arrays in PyTorch's promoted dtype."""
    tensor_arg(input, name, "input", 1)
    tensor_arg(other, name, arg, 2)
    return binary_arrays(input, other)


def to_float(x):
    return x if x.dtype.kind == "c" or D.is_float_np(x.dtype) else x.astype(D._default[0]._np)


def apply(forward, a, b):
    """forward(a, b), PyTorch's error for shapes that do not broadcast."""
    try:
        # (laid out as PyTorch's TensorIterator lays out the result)
        return iterated(np.asanyarray(forward(a, b)), a, b)
    except ValueError:
        raise broadcast_error(np.shape(a), np.shape(b)) from None


def check_broadcast(sa, sb):
    try:
        np.broadcast_shapes(sa, sb)
    except ValueError:
        raise broadcast_error(sa, sb) from None


def _float_op(name, forward, node, float_only=False, complex_ok=False):
    """An op computed in floating point: integer inputs go to the default
    float dtype, or (`float_only`) are refused as PyTorch's kernel does;
    complex ones are refused unless `complex_ok`."""
    def op(input, other):
        a, b = tensor_pair(name, input, other)
        if not D.is_float_np(a.dtype) and not (complex_ok and a.dtype.kind == "c"):
            if a.dtype.kind == "c":
                raise not_implemented(f"{name}_cpu", a.dtype)
            if float_only:
                check_broadcast(a.shape, b.shape)     # PyTorch checks shapes first
                raise not_implemented(f"{name}_cpu", a.dtype)
            a, b = to_float(a), to_float(b)
        return recorded(node, apply(forward, a, b), (input, other))
    op.__name__ = name
    return op


def _safe(x):
    """`x` with zeros replaced by ones: a divisor where the quotient is masked anyway."""
    return x + (x == 0)


def _atan2_part(xp, grad, side, self, other):
    """atan2_backward's grad * side * recip, recip = (self² + other²).reciprocal(),
    0 at the origin (PyTorch masks 1/0 there). On arrays in its order (the
    half types round after each op); recorded, ending in its MulBackward0."""
    r2 = self * self + other * other
    if xp.recording:
        return xp.where(r2 == 0, 0, grad / _safe(r2)) * side
    return np.where(r2 == 0, grad * 0 * side, grad * side * np.reciprocal(_safe(r2)))


Atan2Backward0 = grad_fn(
    "Atan2Backward0",
    self=lambda xp, grad, self, other: _atan2_part(xp, grad, other, self, other),
    other=lambda xp, grad, self, other: _atan2_part(xp, grad, -self, self, other))
HypotBackward0 = grad_fn("HypotBackward0",
                         self=lambda xp, grad, self, result: grad * self / result,
                         other=lambda xp, grad, other, result: grad * other / result)
LogaddexpBackward0 = grad_fn(
    "LogaddexpBackward0",
    self=lambda xp, grad, self, other: grad / xp.conj(xp.add_scalar(xp.exp(other - self), 1)),
    other=lambda xp, grad, self, other: grad / xp.conj(xp.add_scalar(xp.exp(self - other), 1)))


def log_add_exp(a, b):
    """log(e^a + e^b); of complex numbers as PyTorch's kernel computes it,
    max + log1p(exp(min - max)) with the larger real part as max (which
    fixes the branch of the imaginary part)."""
    if a.dtype.kind != "c" and b.dtype.kind != "c":
        return np.logaddexp(a, b)
    first = a.real >= b.real
    hi, lo = np.where(first, a, b), np.where(first, b, a)
    with np.errstate(all="ignore"):
        out = np.asanyarray(hi + np.log1p(np.exp(lo - hi)))
        # equal infinite real parts: -inf keeps `lo` (its angle is moot),
        # +inf takes the plain log of the sum; NaN in either is NaN
        same_inf = (lo.real == hi.real) & ~np.isfinite(lo.real)
        if same_inf.any():
            out = np.where(same_inf & (lo.real < 0), lo, out)
            out = np.where(same_inf & (lo.real > 0), np.log(np.exp(lo) + np.exp(hi)), out)
        nan = np.isnan(a) | np.isnan(b)
        if nan.any():
            out = np.where(nan, complex(np.nan, np.nan), out)
    return out
def _one_plus_pow2(xp, d):
    """1 + 2 ** d: recorded as derivatives.yaml's 1 + pow(2, d) (PowBackward2, AddBackward1)."""
    return xp.add_scalar(2 ** d, 1) if xp.recording else 1 + xp.exp2(d)


Logaddexp2Backward0 = grad_fn(
    "Logaddexp2Backward0",
    self=lambda xp, grad, self, other: grad / _one_plus_pow2(xp, other - self),
    other=lambda xp, grad, self, other: grad / _one_plus_pow2(xp, self - other))
# nextafter moves by one ulp: PyTorch passes the gradient through to `self`,
# except where self == other (the result is then other).
def _zeros_grad(xp, grad):
    """derivatives.yaml's zeros_like(other): recorded, a tensor with no history."""
    return grad.new_zeros(grad.shape) if xp.recording else grad * 0


NextafterBackward0 = grad_fn("NextafterBackward0",
                             self=lambda xp, grad, self, other: xp.where(self == other, 0, grad),
                             other=_zeros_grad)
# PyTorch's derivative takes 2 ** other in other's dtype: an integer power,
# 0 for a negative exponent (so d/dx is 0 there, though the value is not).
LdexpBackward0 = grad_fn(
    "LdexpBackward0",
    self=lambda xp, grad, other, integer_other: grad * xp.conj(
        xp.where(other < 0, 0, xp.exp2(other)) if integer_other else xp.exp2(other)),
    other=lambda xp, grad, result: grad * xp.conj(result * _LN2))


def _kept_grad(xp, grad, keeps, side):
    """`grad` where `keeps` is `side`, 0 elsewhere: recorded, derivatives.yaml's
    grad.masked_fill(mask, 0)."""
    if xp.recording:
        return grad.masked_fill(~keeps if side else keeps, 0)
    return xp.where(keeps, grad, 0) if side else xp.where(keeps, 0, grad)


def _fmax_keeps_self(self, other):
    # fmax takes `self` where it is larger, or where `other` is NaN.
    return (self >= other) | (other != other)


def _fmin_keeps_self(self, other):
    return (self <= other) | (other != other)


FmaxBackward0 = grad_fn(
    "FmaxBackward0",
    self=lambda xp, grad, self, other: _kept_grad(xp, grad, _fmax_keeps_self(self, other), True),
    other=lambda xp, grad, self, other: _kept_grad(xp, grad, _fmax_keeps_self(self, other), False))
FminBackward0 = grad_fn(
    "FminBackward0",
    self=lambda xp, grad, self, other: _kept_grad(xp, grad, _fmin_keeps_self(self, other), True),
    other=lambda xp, grad, self, other: _kept_grad(xp, grad, _fmin_keeps_self(self, other), False))


def _copysign_self(xp, grad, self, result):
    # d copysign(x, y)/dx is sign(x) sign(result): result / x, 0 at x == 0.
    if xp.recording:    # (copysign_tensor_self_backward)
        return grad * (result / self).masked_fill(self == 0, 0)
    return xp.where(self == 0, 0, grad * result / _safe(self))


CopysignBackward0 = grad_fn("CopysignBackward0", self=_copysign_self, other=_zeros_grad)
CopysignBackward1 = grad_fn("CopysignBackward1", self=_copysign_self)


def _heaviside_not_differentiable(xp, grad):
    raise RuntimeError("derivative for aten::heaviside is not implemented")


HeavisideBackward = grad_fn("NotImplemented", input=_heaviside_not_differentiable,
                          values=_heaviside_not_differentiable)

atan2 = _float_op("atan2", np.arctan2, Atan2Backward0)
hypot = _float_op("hypot", np.hypot, HypotBackward0, float_only=True)
logaddexp = _float_op("logaddexp", log_add_exp, LogaddexpBackward0, float_only=True,
                      complex_ok=True)
logaddexp2 = _float_op("logaddexp2", np.logaddexp2, Logaddexp2Backward0, float_only=True)
nextafter = _float_op("nextafter", np.nextafter, NextafterBackward0, float_only=True)
arctan2 = atan2


def _nan_aware(name, forward, node):
    """fmax / fmin: the promoted dtype kept (integers too); NaN loses."""
    def op(input, other):
        a, b = tensor_pair(name, input, other)
        if a.dtype.kind == "c":
            raise RuntimeError(f"{name} not implemented for complex tensors.")
        return recorded(node, apply(forward, a, b), (input, other))
    op.__name__ = name
    return op


def _first_of_equals(npfn):
    """NumPy's fmax/fmin, but `a` where a == b, as PyTorch's kernels give it
    (which of -0.0 and 0.0 NumPy returns depends on its version)."""
    def forward(a, b):
        r = npfn(a, b)
        if r.dtype.kind == "f":
            r = np.where(a == b, a, r).astype(r.dtype, copy=False)
        return r
    return forward


fmax = _nan_aware("fmax", _first_of_equals(np.fmax), FmaxBackward0)
fmin = _nan_aware("fmin", _first_of_equals(np.fmin), FminBackward0)


def copysign(input, other):
    if not isinstance(input, Tensor):
        from .conditional import overloads_error
        raise overloads_error("copysign", (input, other))
    a, b = binary_arrays(input, other)
    if a is None:
        from .conditional import overloads_error
        raise overloads_error("copysign", (input, other))
    if a.dtype.kind == "c":
        raise not_implemented("copysign_cpu", a.dtype)
    a = to_float(a)
    # (only the sign is read: a number in a's dtype keeps bfloat16's, as PyTorch)
    # (a number's own sign: -1 beside a uint8 tensor came back as 255)
    b = (a.dtype.type(other) if not isinstance(other, Tensor) else
         b.astype(a.dtype) if isinstance(b, np.ndarray) else a.dtype.type(b))
    data = apply(np.copysign, a, b)
    if isinstance(other, Tensor):
        return recorded(CopysignBackward0, data, (input, other))
    return recorded(CopysignBackward1, data, (input,))


def heaviside(input, values):
    tensor_arg(input, "heaviside", "input", 1)
    tensor_arg(values, "heaviside", "values", 2)
    x, v = input._data, values._data
    if x.dtype.kind == "c" or v.dtype.kind == "c":
        raise RuntimeError("heaviside is not yet implemented for complex tensors.")
    if x.dtype != v.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    data = apply(lambda p, q: np.where(p == 0, q, p > 0).astype(p.dtype), x, v)
    return recorded(HeavisideBackward, data, (input, values))


def ldexp(input, other):
    from .pointwise import mul, pow
    a, _ = tensor_pair("ldexp", input, other)
    od = other._data
    if od.dtype.kind == "b" and D.is_float_np(input._data.dtype):
        raise not_implemented("ldexp_cpu_exp", od.dtype)     # (PyTorch's kernel gap)
    if od.dtype.kind not in "fc" and not D.is_float_np(od.dtype):
        od = od.astype(to_float(a).dtype)
    # PyTorch's input * pow(2.0, other): the power in other's own dtype (an
    # integral one in the result's), the product promoting as mul's does.
    data = mul(wrap(input._data), pow(2.0, wrap(od)))._data
    return recorded(LdexpBackward0, data, (input, other), (other._data.dtype.kind in "biu",))


def _integer_op(name, kernel, forward):
    def op(input, other):
        a, b = tensor_pair(name, input, other)
        if a.dtype.kind not in "iu":
            raise not_implemented(kernel, a.dtype)
        return wrap(apply(forward, a, b))
    op.__name__ = name
    return op


gcd = _integer_op("gcd", "gcd_cpu", np.gcd)
lcm = _integer_op("lcm", "lcm_cpu", lambda a, b: np.lcm(a, b).astype(a.dtype))


def logical_xor(input, other):
    tensor_arg(input, "logical_xor", "input", 1)
    tensor_arg(other, "logical_xor", "other", 2)
    return wrap(apply(np.logical_xor, input._data, other._data))


def _left_shift(a, b):
    # C's << as PyTorch's kernel guards it: a shift by the width or more, or by
    # a negative amount, gives 0; the bits shifted out wrap.
    bits = a.dtype.itemsize * 8
    bad = (b < 0) | (b >= bits)
    return np.where(bad, 0, np.left_shift(a, np.where(bad, 0, b).astype(a.dtype))).astype(a.dtype)


def _right_shift(a, b):
    # A shift by the width or more keeps only the sign (0 for unsigned types).
    bits = a.dtype.itemsize * 8
    bad = (b < 0) | (b >= bits)
    r = np.right_shift(a, np.where(bad, bits - 1, b).astype(a.dtype)).astype(a.dtype)
    return np.where(bad, 0, r).astype(a.dtype) if a.dtype.kind == "u" else r


def _shift(name, kernel, forward):
    def op(input, other):
        if not isinstance(input, Tensor) and isinstance(other, Tensor):
            input = wrapped_number(input, other)
        tensor_arg(input, name, "input", 1)
        a, b = binary_arrays(input, other)
        if a is None:
            return NotImplemented
        if a.dtype.kind not in "iu":
            raise not_implemented(kernel, a.dtype)
        return wrap(apply(forward, a, np.asanyarray(b, dtype=a.dtype)))
    op.__name__ = name
    return op


bitwise_left_shift = _shift("bitwise_left_shift", "lshift_cpu", _left_shift)
bitwise_right_shift = _shift("bitwise_right_shift", "rshift_cpu", _right_shift)

register(atan2, inplace=True, aliases=["arctan2"], node=Atan2Backward0)
register(hypot, inplace=True, node=HypotBackward0)
register(copysign, inplace=True, node=CopysignBackward0)
register(fmax, node=FmaxBackward0)
register(fmin, node=FminBackward0)
register(logaddexp, node=LogaddexpBackward0)
register(logaddexp2, node=Logaddexp2Backward0)
register(heaviside, inplace=True, node=HeavisideBackward,
         out=same_dtype("heaviside is not yet implemented for tensors with different dtypes."))
register(ldexp, inplace=True, node=LdexpBackward0, inplace_function=True)
register(nextafter, inplace=True, node=NextafterBackward0)
register(gcd, inplace=True, inplace_function=True)
register(lcm, inplace=True, inplace_function=True)
register(logical_xor, inplace=untracked_inplace(logical_xor, "logical_xor_"))
register(bitwise_left_shift, inplace=True)
register(bitwise_right_shift, inplace=True)
