"""Elementwise ops and their derivatives.

Each table row is one op: its name, its forward on NumPy, what its formulas
need saved, and the derivative for each input, in the spirit of PyTorch's
derivatives.yaml. `g` is the incoming gradient, `x` the saved input, `r` the
saved result; `xp` is NumPy or Ember (see autograd/graph.py).
"""
import math

from ._common import (RESULT, D, Tensor, _state, binary_arrays, broadcast_error, derivative,
                      edge, np, record, wrap, NONE_EDGE)

# -- unary ops ------------------------------------------------------------
# name: (numpy forward, node, saves, promotes ints to float)
_UNARY = {}

_LN2, _LN10 = math.log(2.0), math.log(10.0)


def _unary(name, forward, node, saves, to_float=True):
    """Define `name(input)` from a forward and its Node class."""
    saved = (RESULT,) if saves == "result" else ("self",) if saves == "self" else ()

    def op(input):
        x = input._data
        if to_float and x.dtype.kind in "biu":
            x = x.astype(D._default[0]._np)
        data = forward(x)
        if data.__class__ is not np.ndarray:
            data = np.asarray(data)
        if input._requires_grad and _state.enabled:
            s = (input,) if saved and saved[0] == "self" else saved
            return Tensor._from_node(data, node(
                (edge(input),), s, (), data if saved == (RESULT,) else None,
                data.shape, data.dtype))
        return wrap(data)

    op.__name__ = op.__qualname__ = name
    _UNARY[name] = op
    return op


N = derivative
neg = _unary("neg", np.negative, N("NegBackward0", self=lambda xp, g: -g), None, False)
exp = _unary("exp", np.exp, N("ExpBackward0", self=lambda xp, g, r: g * r), "result")
exp2 = _unary("exp2", np.exp2, N("Exp2Backward0", self=lambda xp, g, r: g * r * _LN2), "result")
expm1 = _unary("expm1", np.expm1, N("Expm1Backward0", self=lambda xp, g, r: g * (r + 1)), "result")
log = _unary("log", np.log, N("LogBackward0", self=lambda xp, g, x: g / x), "self")
log2 = _unary("log2", np.log2, N("Log2Backward0", self=lambda xp, g, x: g / (x * _LN2)), "self")
log10 = _unary("log10", np.log10,
               N("Log10Backward0", self=lambda xp, g, x: g / (x * _LN10)), "self")
log1p = _unary("log1p", np.log1p, N("Log1PBackward0", self=lambda xp, g, x: g / (x + 1)), "self")
sqrt = _unary("sqrt", np.sqrt, N("SqrtBackward0", self=lambda xp, g, r: g / (2 * r)), "result")
rsqrt = _unary("rsqrt", lambda x: 1 / np.sqrt(x),
               N("RsqrtBackward0", self=lambda xp, g, r: -0.5 * g * r * r * r), "result")
sin = _unary("sin", np.sin, N("SinBackward0", self=lambda xp, g, x: g * xp.cos(x)), "self")
cos = _unary("cos", np.cos, N("CosBackward0", self=lambda xp, g, x: g * -xp.sin(x)), "self")
tan = _unary("tan", np.tan, N("TanBackward0", self=lambda xp, g, r: g * (1 + r * r)), "result")
sinh = _unary("sinh", np.sinh, N("SinhBackward0", self=lambda xp, g, x: g * xp.cosh(x)), "self")
cosh = _unary("cosh", np.cosh, N("CoshBackward0", self=lambda xp, g, x: g * xp.sinh(x)), "self")
tanh = _unary("tanh", np.tanh, N("TanhBackward0", self=lambda xp, g, r: g * (1 - r * r)), "result")
asin = _unary("asin", np.arcsin,
              N("AsinBackward0", self=lambda xp, g, x: g * xp.rsqrt(1 - x * x)), "self")
acos = _unary("acos", np.arccos,
              N("AcosBackward0", self=lambda xp, g, x: g * -xp.rsqrt(1 - x * x)), "self")
atan = _unary("atan", np.arctan, N("AtanBackward0", self=lambda xp, g, x: g / (x * x + 1)), "self")


def _sigmoid(x):
    # exp(-|x|) never overflows; both branches agree where they meet.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


sigmoid = _unary("sigmoid", _sigmoid,
                 N("SigmoidBackward0", self=lambda xp, g, r: g * (1 - r) * r), "result")
relu = _unary("relu", lambda x: np.maximum(x, 0),
              N("ReluBackward0", self=lambda xp, g, r: xp.where(r > 0, g, 0)), "result", False)
abs = _unary("abs", np.abs, N("AbsBackward0", self=lambda xp, g, x: g * xp.sign(x)), "self", False)
sign = _unary("sign", np.sign, N("SignBackward0", self=lambda xp, g: g * 0), None, False)
reciprocal = _unary("reciprocal", lambda x: 1 / x,
                    N("ReciprocalBackward0", self=lambda xp, g, r: -g * (r * r)), "result")
absolute = abs
negative = neg
arcsin, arccos, arctan = asin, acos, atan


# -- binary arithmetic ------------------------------------------------------
# Broadcasting is undone by the engine (autograd/_engine.py `_validate`), so
# these formulas are the textbook ones.
AddBackward0 = N("AddBackward0", self=lambda xp, g, alpha: g,
                 other=lambda xp, g, alpha: g if alpha == 1 else g * alpha)
SubBackward0 = N("SubBackward0", self=lambda xp, g, alpha: g,
                 other=lambda xp, g, alpha: -g if alpha == 1 else -g * alpha)
RsubBackward1 = N("RsubBackward1", self=lambda xp, g, alpha: -g if alpha == 1 else -g * alpha)
MulBackward0 = N("MulBackward0", self=lambda xp, g, x, y: g * y,
                 other=lambda xp, g, x, y: g * x)
DivBackward0 = N("DivBackward0", self=lambda xp, g, x, y: g / y,
                 other=lambda xp, g, x, y: -g * x / (y * y))
PowBackward0 = N("PowBackward0",
                 self=lambda xp, g, x, p: g * 0 if p == 0 else g * p * x ** (p - 1))
PowBackward1 = N("PowBackward1",
                 self=lambda xp, g, x, p, r: xp.where(p == 0, 0, g * p * x ** (p - 1)),
                 exponent=lambda xp, g, x, p, r: xp.where(
                     (x == 0) & (p >= 0), 0, g * r * xp.log(x)))
PowBackward2 = N("PowBackward2", exponent=lambda xp, g, r, base: g * r * math.log(base))


def _binary(forward, node, a, b, saves_operands, ctx=()):
    ad, bd = binary_arrays(a, b)
    if ad is None:
        return NotImplemented
    try:
        data = forward(ad, bd)
    except ValueError:
        raise broadcast_error(np.shape(ad), np.shape(bd)) from None
    if data.__class__ is not np.ndarray:
        data = np.asarray(data)
    if _state.enabled:
        if b.__class__ is Tensor or isinstance(b, Tensor):
            if a._requires_grad or b._requires_grad:
                return Tensor._from_node(data, node(
                    (edge(a), edge(b)), (a, b) if saves_operands else (), ctx, None,
                    data.shape, data.dtype))
        elif a._requires_grad:
            return Tensor._from_node(data, node(
                (edge(a), NONE_EDGE), (a, b) if saves_operands else (), ctx, None,
                data.shape, data.dtype))
    return wrap(data)


def _tensor_operand(x, name, pos):
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (int, float, bool, np.number, np.bool_)):
        return wrap(np.asarray(x, dtype=D.scalar_dtype(x)._np))
    raise TypeError(f"{name}(): argument 'input' (position {pos}) must be Tensor, "
                    f"not {type(x).__name__}")


def add(input, other, *, alpha=1, out=None):
    input = _tensor_operand(input, "add", 1)
    if alpha == 1:
        return _binary(np.add, AddBackward0, input, other, False, _ALPHA_1)
    return _binary(lambda p, q: p + q * alpha, AddBackward0, input, other, False, (alpha,))


def sub(input, other, *, alpha=1, out=None):
    input = _tensor_operand(input, "sub", 1)
    if input._data.dtype.kind == "b" and isinstance(other, Tensor) and other._data.dtype.kind == "b":
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. "
            "Use the `^` or `logical_xor()` operator instead.")
    if alpha == 1:
        return _binary(np.subtract, SubBackward0, input, other, False, _ALPHA_1)
    return _binary(lambda p, q: p - q * alpha, SubBackward0, input, other, False, (alpha,))


_ALPHA_1 = (1,)


def rsub(input, other, *, alpha=1):
    """other - alpha * input (what `2 - t` calls)."""
    if isinstance(other, Tensor):
        return sub(other, input, alpha=alpha)
    ad, od = binary_arrays(input, other)
    if ad is None:
        return NotImplemented
    data = np.asarray(od - ad * alpha if alpha != 1 else od - ad)
    if input._requires_grad and _state.enabled:
        return record(data, RsubBackward1, (input,), (), (alpha,))
    return wrap(data)


def mul(input, other, *, out=None):
    input = _tensor_operand(input, "mul", 1)
    return _binary(np.multiply, MulBackward0, input, other, True)


def div(input, other, *, rounding_mode=None, out=None):
    input = _tensor_operand(input, "div", 1)
    if rounding_mode is not None:
        ad, bd = binary_arrays(input, other)
        if rounding_mode == "trunc":
            data = np.trunc(np.true_divide(ad, bd)) if ad.dtype.kind == "f" else _int_trunc(ad, bd)
        elif rounding_mode == "floor":
            data = np.floor_divide(ad, bd)
        else:
            raise RuntimeError(
                "div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                f"found '{rounding_mode}'")
        return _zero_grad_result(data, input, other, "DivBackward2")
    ad = input._data
    if ad.dtype.kind != "f" and not (isinstance(other, Tensor) and other._data.dtype.kind == "f") \
            and not isinstance(other, float):
        # Integer true division gives the default float dtype in PyTorch.
        input = wrap(ad.astype(D._default[0]._np))
    return _binary(np.true_divide, DivBackward0, input, other, True)


def _int_trunc(a, b):
    q = np.floor_divide(a, b)
    return np.where((np.remainder(a, b) != 0) & ((a < 0) != (b < 0)), q + 1, q)


def _zero_grad_result(data, a, b, name):
    if data.__class__ is not np.ndarray:
        data = np.asarray(data)
    ins = (a, b)
    if _state.enabled and any(isinstance(t, Tensor) and t._requires_grad for t in ins):
        node = N(name, self=lambda xp, g: g * 0, other=lambda xp, g: g * 0)
        return record(data, node, ins)
    return wrap(data)


true_divide = divide = div
multiply = mul
subtract = sub


def floor_divide(input, other):
    return div(input, other, rounding_mode="floor")


def remainder(input, other):
    ad, bd = binary_arrays(_tensor_operand(input, "remainder", 1), other)
    return wrap(np.asarray(np.remainder(ad, bd)))


fmod = lambda input, other: wrap(np.asarray(np.fmod(*binary_arrays(input, other))))


def pow(input, exponent):
    if not isinstance(input, Tensor):
        # scalar ** tensor
        base = input
        ed = exponent._data
        if ed.dtype.kind != "f" and isinstance(base, float):
            ed = ed.astype(D._default[0]._np)
        data = np.asarray(np.power(base, ed))
        if exponent._requires_grad and _state.enabled:
            node = PowBackward2(((edge(exponent)),), (RESULT,), (base,), data,
                                data.shape, data.dtype)
            return Tensor._from_node(data, node)
        return wrap(data)
    if isinstance(exponent, Tensor):
        ad, bd = binary_arrays(input, exponent)
        try:
            data = np.asarray(np.power(ad, bd))
        except ValueError:
            raise broadcast_error(ad.shape, bd.shape) from None
        if _state.enabled and (input._requires_grad or exponent._requires_grad):
            node = PowBackward1((edge(input), edge(exponent)), (input, exponent, RESULT), (),
                                data, data.shape, data.dtype)
            return Tensor._from_node(data, node)
        return wrap(data)
    ad, p = binary_arrays(input, exponent)
    if ad.dtype.kind in "iu" and isinstance(p, int) and p < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    data = np.asarray(ad * ad if p == 2 else np.power(ad, p))
    if input._requires_grad and _state.enabled:
        return record(data, PowBackward0, (input,), (input,), (exponent,))
    return wrap(data)


def square(input):
    return pow(input, 2)


def float_power(input, exponent):
    return pow(input.double() if isinstance(input, Tensor) else input,
               exponent.double() if isinstance(exponent, Tensor) else exponent)


# -- comparisons and logic (no gradient) -------------------------------------
def _compare(npfn):
    def op(input, other):
        ad, bd = binary_arrays(_tensor_operand(input, npfn.__name__, 1), other)
        if ad is None:
            return NotImplemented
        try:
            return wrap(np.asarray(npfn(ad, bd)))
        except ValueError:
            raise broadcast_error(np.shape(ad), np.shape(bd)) from None
    op.__name__ = npfn.__name__
    return op


eq, ne, lt, le, gt, ge = (_compare(f) for f in (
    np.equal, np.not_equal, np.less, np.less_equal, np.greater, np.greater_equal))
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def _logical(npfn, name):
    def op(input, other):
        ad, bd = binary_arrays(input, other)
        if ad is None:
            return NotImplemented
        if ad.dtype.kind == "f" or getattr(bd, "dtype", np.dtype("i")).kind == "f":
            raise RuntimeError(f'"{name}_cpu" not implemented for \'Float\'')
        return wrap(np.asarray(npfn(ad, bd)))
    return op


bitwise_and = _logical(np.bitwise_and, "bitwise_and")
bitwise_or = _logical(np.bitwise_or, "bitwise_or")
bitwise_xor = _logical(np.bitwise_xor, "bitwise_xor")


def logical_not(input):
    return wrap(np.asarray(np.logical_not(input._data)))


def logical_and(input, other):
    return wrap(np.asarray(np.logical_and(input._data, other._data)))


def logical_or(input, other):
    return wrap(np.asarray(np.logical_or(input._data, other._data)))


def bitwise_not(input):
    if input._data.dtype.kind == "f":
        raise RuntimeError("\"bitwise_not_cpu\" not implemented for 'Float'")
    return wrap(np.asarray(np.invert(input._data)))


def isnan(input):
    return wrap(np.asarray(np.isnan(input._data)))


def isinf(input):
    return wrap(np.asarray(np.isinf(input._data)))


def isfinite(input):
    return wrap(np.asarray(np.isfinite(input._data)))


def equal(input, other):
    return input._data.shape == other._data.shape and bool(np.all(input._data == other._data))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(np.allclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return wrap(np.asarray(np.isclose(input._data, other._data, rtol=rtol, atol=atol,
                                      equal_nan=equal_nan)))
