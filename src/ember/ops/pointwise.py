"""Elementwise ops and their derivatives.

Each op is declared once (ops/_registry.py): its name, its forward on NumPy,
and the derivative for each input, in the spirit of PyTorch's
derivatives.yaml. A formula's parameters say what it reads: `g` is the
incoming gradient, `self`/`other`/`exponent` the inputs, `result` the output,
other names the constants the op passes; `xp` is NumPy or Ember (see
autograd/graph.py).
"""
import math

from ._common import (_VALUE_BASED_CASTING, D, Tensor, alpha_check, kernel_node, binary_arrays,
                      broadcast_error, kernel_refuses, np, recorded, tensor_arg, wrap)
from ._number_operand import NUMBER_ARRAYS, number_array, opmath_scalar, with_number
from .._backend import add_scaled_, restore, silence
from .. import _layout as _L
from ._out import same_dtype
from ._registry import REGISTRY, element_wise, grad_fn, register
from . import _sleef, _vml
from ._xp import NUMPY, provide
from .inplace import check_inplace, make_inplace
# (pow is declared beside: _C_INT is read by indexing too)
from .pointwise_rounding import _rounded_division, _tensor_operand
from .pointwise_power import _C_INT, float_power, pow, square  # noqa: F401 (re-exported)

__all__ = ["neg", "negative", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p",
           "sqrt", "rsqrt", "sin", "cos", "tan", "sinh", "cosh", "tanh", "asin", "acos",
           "atan", "arcsin", "arccos", "arctan", "sigmoid", "relu", "abs", "absolute",
           "sign", "reciprocal", "add", "sub", "subtract", "rsub", "mul", "multiply",
           "div", "divide", "true_divide", "floor_divide", "remainder", "fmod", "pow",
           "square", "float_power"]



# -- unary ops ------------------------------------------------------------
# One declaration each: name, NumPy forward, PyTorch's node name and the
# derivative (`self` is the saved input, `result` the saved output).

_LN2, _LN10 = math.log(2.0), math.log(10.0)
# (ops whose result keeps the input's dtype check out= rather than cast)
_KEEPS_DTYPE = same_dtype("Found dtype {os} but expected {s}")


# Inputs a unary op converts first: integers and bools, and the half types
_NOT_WIDE_FLOAT = {np.dtype(c) for c in "?bBhHiIlLqQ"} | D.HALF_NP
D.on_bfloat16(_NOT_WIDE_FLOAT.add)


def unary(name, forward, node_name, formula, *, ints_to_float=True, aliases=(), out=True,
          inplace_function=True, opmath=False):
    """Declare the elementwise op `name(input)` (a method with an in-place
    variant too) from its forward and the derivative for its input; formulas
    get it as `xp.<name>` at both speeds."""
    node = element_wise(grad_fn(node_name, opmath=opmath, self=formula))

    def op(input):
        try:
            x = input._data
        except AttributeError:      # (no cost on the tensor path)
            # (tensor_arg raises PyTorch's TypeError: only a non-tensor gets here)
            raise tensor_arg(input, name) from None
        narrow = None
        if x.dtype in _NOT_WIDE_FLOAT:     # (one set lookup on the hot float path)
            if ints_to_float and x.dtype.kind in "biu":
                x = x.astype(D._default[0]._np)
            if x.dtype in D.HALF_NP:
                # PyTorch's vectorised kernels compute float16 and bfloat16 in
                # float32 and round once; a forward of several NumPy steps in
                # the narrow type would round after each
                narrow = x.dtype
                x = x.astype(np.float32)
        token = silence()
        try:
            if _VALUE_BASED_CASTING and not x.ndim:
                # NumPy 1.x takes a 0-d array for a scalar, which a Python
                # number in `forward` (1 / x) then widens to float64.
                data = forward(x.reshape(1)).reshape(())
            else:
                data = forward(x)
            if narrow is not None:
                data = data.astype(narrow)      # (overflow to inf: silent, as PyTorch)
        finally:
            restore(token)
        return recorded(node, data, (input,))

    provide(name, forward, op)
    return register(op, name, inplace=True, aliases=aliases, node=node, out=out, quiet=True,
                    inplace_function=inplace_function)


def _neg(x):
    if x.dtype.kind == "b":
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are "
            "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    return np.negative(x)


def _rsqrt(x):
    return 1 / np.sqrt(x)


def _sigmoid(x):
    # PyTorch's kernel, 1 / (1 + exp(-x)): its roundings, and 0 where exp
    # overflows (sigmoid(-100.) is 0., not the subnormal e / (1 + e) gives).
    if _sleef.takes_runs(x):
        return _sleef.sigmoid(x)
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x))


neg = unary("neg", _neg, "NegBackward0", lambda xp, g: -g, ints_to_float=False,
            aliases=["negative"], out=_KEEPS_DTYPE)
# (xp.conj: derivatives.yaml's .conj(), for complex inputs; a real array is
# passed through as it is)
exp = unary("exp", _vml.exp, "ExpBackward0", lambda xp, g, result: g * xp.conj(result))
# (grad * result.conj() * M_LN2, in that order: PyTorch's float32 bits; the
# number a Scalar, read unrounded by a half type's product)
exp2 = unary("exp2", np.exp2, "Exp2Backward0",
             lambda xp, g, result: xp.mul_scalar(g * xp.conj(result), _LN2))
# (the numbers in these formulas are C++ Scalars in derivatives.yaml: recorded,
# xp.add_scalar / xp.mul_scalar give its AddBackward1 / MulBackward1; on
# arrays they are the plain operators)
expm1 = unary("expm1", _vml.expm1, "Expm1Backward0",
              lambda xp, g, result: g * xp.add_scalar(xp.conj(result), 1))
log = unary("log", _vml.log, "LogBackward0", lambda xp, g, self: g / xp.conj(self))
log2 = unary("log2", _vml.log2, "Log2Backward0",
             lambda xp, g, self: g / xp.mul_scalar(xp.conj(self), _LN2))
log10 = unary("log10", _vml.log10, "Log10Backward0",
              lambda xp, g, self: g / xp.mul_scalar(xp.conj(self), _LN10))
log1p = unary("log1p", _vml.log1p, "Log1PBackward0",
              lambda xp, g, self: g / xp.conj(xp.add_scalar(self, 1)))
sqrt = unary("sqrt", np.sqrt, "SqrtBackward0",
             lambda xp, g, result: g / xp.mul_scalar(xp.conj(result), 2))
rsqrt = unary("rsqrt", _rsqrt, "RsqrtBackward0",
              lambda xp, g, result: xp.mul_scalar(g, -0.5) * xp.conj(result ** 3))
sin = unary("sin", np.sin, "SinBackward0", lambda xp, g, self: g * xp.conj(xp.cos(self)))
cos = unary("cos", np.cos, "CosBackward0", lambda xp, g, self: g * -xp.conj(xp.sin(self)))
tan = unary("tan", _vml.tan, "TanBackward0",
            lambda xp, g, result: g * xp.conj(xp.add_scalar(result ** 2, 1)) if xp.recording
            else g * xp.conj(1 + result * result))
sinh = unary("sinh", _vml.sinh, "SinhBackward0", lambda xp, g, self: g * xp.conj(xp.cosh(self)))
cosh = unary("cosh", _vml.cosh, "CoshBackward0", lambda xp, g, self: g * xp.conj(xp.sinh(self)))
def _tanh_grad(xp, g, result):
    """PyTorch's tanh_backward; recorded (create_graph) as its one node,
    TanhBackwardBackward0, whose inputs are grad_output and tanh's output."""
    if xp.recording:
        return kernel_node(TanhBackwardBackward0, _tanh_grad, (g, result), elementwise=True)
    if result.dtype == np.float32:      # (GCC fuses its 1 - b * b: one rounding)
        return g * _sleef.fma32(-result, result, _ONE32)
    return g * xp.conj(1 - result * result)


_ONE32 = np.float32(1)


# (tanh: PyTorch's backward is one kernel, computing half precision in float32)
tanh = unary("tanh", _vml.tanh, "TanhBackward0", _tanh_grad, opmath=True)
# (derivatives.yaml's tanh_backward and sigmoid_backward entries, as written there)
TanhBackwardBackward0 = grad_fn(
    "TanhBackwardBackward0",
    grad_output=lambda xp, g, output: _tanh_grad(xp, g, xp.conj(output)),
    output=lambda xp, g, grad_output, output: xp.conj(g) * (-2 * xp.conj(output) * grad_output))
def _asin_slope(xp, self):
    """1 / sqrt(1 - self^2); recorded as derivatives.yaml: (-self * self + 1).rsqrt()."""
    if xp.recording:
        return xp.rsqrt(xp.add_scalar(-self * self, 1))
    return xp.rsqrt(1 - self * self)


asin = unary("asin", np.arcsin, "AsinBackward0",
             lambda xp, g, self: g * xp.conj(_asin_slope(xp, self)), aliases=["arcsin"])
acos = unary("acos", np.arccos, "AcosBackward0",
             lambda xp, g, self: g * -xp.conj(_asin_slope(xp, self)), aliases=["arccos"])
atan = unary("atan", _vml.arctan, "AtanBackward0",
             lambda xp, g, self: g / xp.conj(xp.add_scalar(self * self, 1)), aliases=["arctan"])
def _sigmoid_grad(xp, g, result):
    """PyTorch's sigmoid_backward: (g * (1 - result)) * result, left to right
    (its float16 rounds at each step; its bfloat16 computes in float32);
    recorded (create_graph) as its one node, SigmoidBackwardBackward0."""
    if xp.recording:
        return kernel_node(SigmoidBackwardBackward0, _sigmoid_grad, (g, result), elementwise=True)
    if xp.data(result).dtype.kind == "c":
        return g * xp.conj((1 - result) * result)
    return g * (1 - result) * result


sigmoid = unary("sigmoid", _sigmoid, "SigmoidBackward0", _sigmoid_grad, opmath="bfloat16")
SigmoidBackwardBackward0 = grad_fn(
    "SigmoidBackwardBackward0",
    grad_output=lambda xp, g, output: _sigmoid_grad(xp, g, xp.conj(output)),
    output=lambda xp, g, grad_output, output: xp.conj(g) * grad_output * (
        -2 * xp.conj(output) + 1))
def _relu_grad(xp, g, result):
    """PyTorch's threshold_backward: 0 where result <= 0, else g (a NaN passes).
    Recorded (create_graph) as PyTorch's ThresholdBackwardBackward0, whose
    input `result` makes it require grad even for a constant g."""
    if xp is not NUMPY:
        return kernel_node(ThresholdBackwardBackward0, _relu_grad, (g, result), elementwise=True)
    # (a zero of g's dtype: NumPy 1 finds no common dtype for bfloat16 and a
    # Python int; float32's and float64's made once, as a scalar made or a
    # Python 0 converted on each call costs as much as the comparison)
    zero = _ZEROS.get(g.dtype)
    if zero is None:
        zero = g.dtype.type(0)
    if g.size <= 4096:
        return np.where(result <= zero, zero, g)
    # On large arrays g times a mask is several times faster than np.where;
    # only an inf or NaN in g where the mask is 0 needs where's exact zeros.
    out = g * ~(result <= zero)
    return out if np.isfinite(out).all() else np.where(result <= zero, zero, g).astype(out.dtype)


def _zeros_like_grad(xp, g, self):
    """threshold_backward's derivative in its `self`: zeros."""
    return xp.zeros_like(g)


# (its inputs are grad_output and self, relu's result: a formula naming
# `result` would read this node's own output)
ThresholdBackwardBackward0 = grad_fn(
    "ThresholdBackwardBackward0", saved={"threshold": lambda node: 0},
    grad_output=lambda xp, g, self: _relu_grad(xp, g, self), self=_zeros_like_grad)


def _relu(x):
    if x.dtype.kind in "cb":
        if x.dtype.kind == "b":
            raise RuntimeError("Boolean inputs not supported for relu")
        raise NotImplementedError("clamp is not supported for complex types")
    # (a zero of x's dtype, made once: NumPy converts a Python 0 on every call;
    # second, as np.maximum keeps its second of equals: relu(-0.) is -0.)
    return np.maximum(_ZEROS.get(x.dtype, 0), x)


_ZEROS = {np.dtype(t): np.zeros((), t) for t in (np.float32, np.float64)}


relu = unary("relu", _relu, "ReluBackward0", _relu_grad,
             ints_to_float=False, out=False)
def _abs(x):
    if x.dtype == np.bool_:     # (NumPy's abs passes bools through)
        raise kernel_refuses("abs_cpu", x.dtype)
    return np.abs(x)


abs = unary("abs", _abs, "AbsBackward0", lambda xp, g, self: g * xp.sgn(self),
            ints_to_float=False, aliases=["absolute"], inplace_function=("abs",),
            out=_KEEPS_DTYPE)
def _sign(x):
    if x.dtype.kind == "c":
        raise NotImplementedError("Unlike NumPy, torch.sign is not intended to support complex "
                                  "numbers. Please use torch.sgn instead.")
    if x.dtype == np.bool_:     # (NumPy has no sign for bools; PyTorch's is the identity)
        return x.copy()
    s = np.sign(x)
    if s.dtype.kind == "f":
        s = np.where(np.isnan(s), s.dtype.type(0), s)    # PyTorch: sign(nan) is 0 (0-dim too)
    return s


sign = unary("sign", _sign, "SignBackward0", lambda xp, g: xp.zeros_like(g), ints_to_float=False,
             inplace_function=False, out=_KEEPS_DTYPE)
reciprocal = unary("reciprocal", lambda x: 1 / x, "ReciprocalBackward0",
                   lambda xp, g, result: -g * xp.conj(result * result))
absolute = abs
_abs_inplace = make_inplace(abs, "abs_")


def abs_(self):
    """In place, |z| (real) cannot replace a complex tensor's values (refused
    after autograd's checks)."""
    check_inplace(self)
    if self._data.dtype.kind == "c":
        raise RuntimeError("In-place abs is not supported for complex tensors.")
    return _abs_inplace(self)


REGISTRY["abs"] = REGISTRY["abs"]._replace(inplace=abs_)
negative = neg
arcsin, arccos, arctan = asin, acos, atan


# -- binary arithmetic ------------------------------------------------------
# Broadcasting is undone by the engine (autograd/_engine.py), so these
# formulas are the textbook ones.
AddBackward0 = grad_fn("AddBackward0", saved={"alpha": "alpha"}, self=lambda xp, g: g,
                       other=lambda xp, g, alpha: g if alpha == 1 else xp.mul_scalar(g, xp.conj(alpha)))
# (an alpha other than 1: derivatives.yaml's maybe_multiply, a Scalar product)
SubBackward0 = grad_fn("SubBackward0", saved={"alpha": "alpha"}, self=lambda xp, g: g,
                       other=lambda xp, g, alpha: -g if alpha == 1 else xp.mul_scalar(-g, xp.conj(alpha)))
RsubBackward0 = grad_fn("RsubBackward0", saved={"alpha": "alpha"},
                        self=lambda xp, g, alpha: -g if alpha == 1 else xp.mul_scalar(-g, xp.conj(alpha)),
                        other=lambda xp, g: g)
RsubBackward1 = grad_fn("RsubBackward1", saved={"alpha": "alpha"},
                        self=lambda xp, g, alpha: -g if alpha == 1 else xp.mul_scalar(-g, xp.conj(alpha)))
MulBackward0 = grad_fn("MulBackward0", self=lambda xp, g, other: xp.mul_conj(g, other),
                       other=lambda xp, g, self: xp.mul_conj(g, self))
DivBackward0 = grad_fn("DivBackward0", self=lambda xp, g, other: xp.div_conj(g, other),
                       # (div_tensor_other_backward's order, (self / other) / other, on
                       # arrays too: float16 and bfloat16 round after each op)
                       other=lambda xp, g, self, other: -g * xp.conj(self / other / other))


_NDARRAY = np.ndarray


def _binary(forward, node, a, b, ctx=()):
    ad, bd = binary_arrays(a, b)
    if ad is None:
        return NotImplemented
    tb = bd.__class__
    if (tb is float or tb is int) and forward.__class__ is _UFUNC:
        # (a ufunc of one float tensor and a number: see NUMBER_ARRAYS; the
        # alpha forms keep the number, which they scale in Python first)
        cache = NUMBER_ARRAYS.get(ad.dtype)
        if cache is not None:
            c = cache.get(bd)
            bd = c if c is not None else number_array(cache, ad.dtype, bd)
    token = silence()
    try:
        data = forward(ad, bd)
    except ValueError:
        raise broadcast_error(np.shape(ad), np.shape(bd)) from None
    finally:
        restore(token)
    if tb is _NDARRAY and data.ndim > 1 and not (ad.flags.c_contiguous and bd.flags.c_contiguous):
        # (where the operands' layouts differ NumPy lays the result out in C
        # order; PyTorch's TensorIterator follows the first operand)
        data = _L.iterated(data, ad, bd)
    return recorded(node, data, (a, b), ctx)


def add(input, other, *, alpha=1):
    if (other.__class__ is float or other.__class__ is int) and alpha.__class__ is int \
            and alpha == 1:
        out = with_number(np.add, AddBackward0, input, other, _ALPHA_1)
        if out is not None:
            return out
    input = _tensor_operand(input, "add", 1, other)
    if alpha.__class__ is not int or alpha != 1:   # (the default 1 needs no check: a hot path)
        alpha = alpha_check(input, other, alpha)
    if alpha == 1:
        return _binary(np.add, AddBackward0, input, other, _ALPHA_1)
    return _binary(lambda p, q: _scaled(p, q, alpha, 1), AddBackward0, input, other, (alpha,))


def sub(input, other, *, alpha=1):
    if (other.__class__ is float or other.__class__ is int) and alpha.__class__ is int \
            and alpha == 1:
        out = with_number(np.subtract, SubBackward0, input, other, _ALPHA_1)
        if out is not None:
            return out
    input = _tensor_operand(input, "sub", 1, other)
    _no_bool_sub(input, other)
    if alpha.__class__ is not int or alpha != 1:   # (the default 1 needs no check: a hot path)
        alpha = alpha_check(input, other, alpha)
    if alpha == 1:
        return _binary(np.subtract, SubBackward0, input, other, _ALPHA_1)
    return _binary(lambda p, q: _scaled(p, q, alpha, -1), SubBackward0, input, other, (alpha,))


def _scaled(p, q, alpha, sign):
    """p + sign * alpha * q. float16 and bfloat16 as PyTorch's vectorised
    kernel computes them: alpha rounded to the dtype, the rest in float32,
    rounded once (its scalar loop over the last few elements of a tensor,
    fewer than one vector, rounds alpha * q first: not reproduced)."""
    dt = next((v.dtype for v in (p, q) if isinstance(v, np.ndarray)), None)
    if dt is None or dt not in D.HALF_NP:
        if (dt in _FUSED and isinstance(p, np.ndarray) and isinstance(q, np.ndarray)
                and p.dtype == q.dtype and p.shape == q.shape and not isinstance(alpha, complex)):
            # PyTorch's float kernel fuses p + alpha * q into one rounding
            return add_scaled_(p.copy(), q, sign * alpha)
        return p + q * alpha if sign > 0 else p - q * alpha
    scale = np.float32(dt.type(alpha)) * sign
    # (a number operand is rounded to the dtype too)
    p, q = (np.asanyarray(v, dt).astype(np.float32) for v in (p, q))
    return (p + q * scale).astype(dt)


_ALPHA_1 = (1,)
_FUSED = (np.dtype(np.float32), np.dtype(np.float64))
_UFUNC = np.ufunc


def _no_bool_sub(a, b):
    a_bool = a._data.dtype.kind == "b"
    b_bool = (b._data.dtype.kind == "b") if isinstance(b, Tensor) else b.__class__ is bool
    if a_bool and b_bool:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. "
            "Use the `^` or `logical_xor()` operator instead.")
    if a_bool or b_bool:
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
            "trying to invert a mask, use the `~` or `logical_not()` operator instead.")


def rsub(input, other, *, alpha=1):
    """other - alpha * input (what `2 - t` calls)."""
    if not isinstance(input, Tensor):
        from .conditional import overloads_error
        raise overloads_error("rsub", (input, other),
                              " * (Tensor input, Tensor other, *, Number alpha = 1)\n"
                              " * (Tensor input, Number other, Number alpha = 1)\n")
    _no_bool_sub(input, other)
    if alpha.__class__ is not int or alpha != 1:
        alpha = alpha_check(input, other, alpha)
    ad, od = binary_arrays(input, other)
    if ad is None:
        return NotImplemented
    try:
        data = _scaled(od, ad, alpha, -1) if alpha != 1 else od - ad
    except ValueError:
        raise broadcast_error(np.shape(od), np.shape(ad)) from None
    if isinstance(other, Tensor):
        return recorded(RsubBackward0, data, (input, other), (alpha,))
    return recorded(RsubBackward1, data, (input,), (alpha,))


def mul(input, other):
    if other.__class__ is float or other.__class__ is int:
        out = with_number(np.multiply, MulBackward0, input, other)
        if out is not None:
            return out
    input = _tensor_operand(input, "mul", 1, other)
    # (only float16 and bfloat16 take it: the test inline, as this is a hot path)
    scalar = opmath_scalar(input, other) if input._data.dtype in D.HALF_NP else None
    if scalar is not None:
        return _opmath_binary(np.multiply, MulBackward0, input, other, scalar)
    return _binary(np.multiply, MulBackward0, input, other)


def _opmath_binary(forward, node, a, b, scalar):
    token = silence()
    try:
        data = forward(a._data.astype(np.float32), scalar).astype(a._data.dtype)
    finally:
        restore(token)
    return recorded(node, data, (a, b))


def div(input, other, *, rounding_mode=None):
    # A number first yields to the tensor's dtype, but for an int in a true
    # division: PyTorch turns it into the float result type unwrapped (300 / a
    # uint8 tensor divides 300), while a rounded quotient keeps the int dtype.
    if (other.__class__ is float or other.__class__ is int) and rounding_mode is None:
        out = with_number(np.true_divide, DivBackward0, input, other)
        if out is not None:
            return out
    input = _tensor_operand(input, "div", 1, other if rounding_mode is not None
                            or not isinstance(input, int) else None)
    if rounding_mode is not None:
        if rounding_mode not in ("trunc", "floor"):
            raise RuntimeError(
                "div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                f"found '{rounding_mode}'")
        data = _rounded_division(input, other, "div_" + rounding_mode, rounding_mode == "floor")
        return NotImplemented if data is None else _zero_grad_result(data, input, other)
    ad = input._data
    if ad.dtype.kind not in "fc" and ad.dtype != D._BF16_NP and not (
            isinstance(other, Tensor) and (other._data.dtype.kind in "fc"
                                           or other._data.dtype == D._BF16_NP)) \
            and not isinstance(other, (float, complex)):
        # Integer true division gives the default float dtype in PyTorch.
        input = wrap(ad.astype(D._default[0]._np))
    # (only float16 and bfloat16 take it: the test inline, as this is a hot path)
    scalar = opmath_scalar(input, other) if input._data.dtype in D.HALF_NP else None
    if scalar is not None:
        return _opmath_binary(np.true_divide, DivBackward0, input, other, scalar)
    return _binary(np.true_divide, DivBackward0, input, other)


# Rounded division is flat almost everywhere: its gradient is zero.
DivBackward2 = grad_fn("DivBackward2", self=lambda xp, g: xp.zeros_like(g),
                       other=lambda xp, g: xp.zeros_like(g))


def _zero_grad_result(data, a, b):
    return recorded(DivBackward2, data, (a, b))


# (add, sub, mul and div silence NumPy inline, in _binary and below)
add = register(add, inplace=True, quiet=True)
sub = subtract = register(sub, inplace=True, aliases=["subtract"], quiet=True)
mul = multiply = register(mul, inplace=True, aliases=["multiply"], quiet=True)
div = divide = true_divide = register(div, inplace=True, aliases=["divide", "true_divide"],
                                      quiet=True)
rsub = register(rsub, method=False, out=False)


# Each works element by element: its forward-mode formula is derived (autograd/_forward.py).
for _node in (AddBackward0, SubBackward0, RsubBackward0, RsubBackward1, MulBackward0,
              DivBackward0, DivBackward2):
    element_wise(_node)

# (floor_divide, remainder and fmod: pointwise_remainder.py)
from .pointwise_remainder import (FloorDivideNotImplemented, FmodBackward0,  # noqa: E402,F401
                                  FmodBackward1, RemainderBackward0, RemainderBackward1,
                                  RemainderNotImplemented, floor_divide, fmod, remainder)
