"""Elementwise ops and their derivatives.

Each table row is one op: its name, its forward on NumPy, what its formulas
need saved, and the derivative for each input, in the spirit of PyTorch's
derivatives.yaml. `g` is the incoming gradient, `x` the saved input, `r` the
saved result; `xp` is NumPy or Ember (see autograd/graph.py).
"""
import math

from ._common import (RESULT, D, Tensor, _state, binary_arrays, broadcast_error, derivative,
                      edge, np, record, watch_result, wrap, NONE_EDGE, _INT_BOUNDS)

__all__ = ["neg", "negative", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p",
           "sqrt", "rsqrt", "sin", "cos", "tan", "sinh", "cosh", "tanh", "asin", "acos",
           "atan", "arcsin", "arccos", "arctan", "sigmoid", "relu", "abs", "absolute",
           "sign", "reciprocal", "add", "sub", "subtract", "rsub", "mul", "multiply",
           "div", "divide", "true_divide", "floor_divide", "remainder", "fmod", "pow",
           "square", "float_power"]


_C_INT = {np.dtype(np.int8): "int8_t", np.dtype(np.uint8): "uint8_t",
          np.dtype(np.int16): "int16_t", np.dtype(np.int32): "int", np.dtype(np.int64): "int64_t"}

# -- unary ops ------------------------------------------------------------
# name: (numpy forward, node, saves, promotes ints to float)
_UNARY = {}

_LN2, _LN10 = math.log(2.0), math.log(10.0)


def _unary(name, forward, node, saves, to_float=True):
    """Define `name(input)` from a forward and its Node class."""
    saved = (RESULT,) if saves == "result" else ("self",) if saves == "self" else ()

    def op(input):
        x = input._data
        if x.dtype.kind == "b" and name == "neg":
            raise RuntimeError(
                "Negation, the `-` operator, on a bool tensor is not supported. If you are "
                "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
        if to_float and x.dtype.kind in "biu":
            x = x.astype(D._default[0]._np)
        data = forward(x)
        if data.__class__ is not np.ndarray:
            data = np.asarray(data)
        if input._requires_grad and _state.enabled:
            if saved == (RESULT,):
                n = node((edge(input),), saved, (), data, data.shape, data.dtype)
                return watch_result(n, Tensor._from_node(data, n))
            s = (input,) if saved else ()
            return Tensor._from_node(data, node((edge(input),), s, (), None, data.shape,
                                                data.dtype))
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
    """A tensor argument, or a Python number as the 0-d tensor PyTorch wraps it
    in (so it still promotes as a scalar)."""
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
    _no_bool_sub(input, other)
    if alpha == 1:
        return _binary(np.subtract, SubBackward0, input, other, False, _ALPHA_1)
    return _binary(lambda p, q: p - q * alpha, SubBackward0, input, other, False, (alpha,))


_ALPHA_1 = (1,)


def _no_bool_sub(a, b):
    a_bool = a._data.dtype.kind == "b"
    b_bool = (b._data.dtype.kind == "b") if isinstance(b, Tensor) else isinstance(b, (bool, np.bool_))
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
    if isinstance(other, Tensor):
        return sub(other, input, alpha=alpha)
    _no_bool_sub(input, other)
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
        if rounding_mode not in ("trunc", "floor"):
            raise RuntimeError(
                "div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                f"found '{rounding_mode}'")
        ad, bd = _integer_division_arrays(input, other, "div_" + rounding_mode)
        if ad is None:
            return NotImplemented
        try:
            if rounding_mode == "floor":
                data = np.floor_divide(ad, bd)
            elif ad.dtype.kind == "f":
                data = np.trunc(np.true_divide(ad, bd))
            else:
                data = _int_trunc(ad, bd)
        except ValueError:
            raise broadcast_error(np.shape(ad), np.shape(bd)) from None
        return _zero_grad_result(data, input, other)
    ad = input._data
    if ad.dtype.kind != "f" and not (isinstance(other, Tensor) and other._data.dtype.kind == "f") \
            and not isinstance(other, float):
        # Integer true division gives the default float dtype in PyTorch.
        input = wrap(ad.astype(D._default[0]._np))
    return _binary(np.true_divide, DivBackward0, input, other, True)


def _int_trunc(a, b):
    q = np.floor_divide(a, b)
    return np.where((np.remainder(a, b) != 0) & ((a < 0) != (b < 0)), q + 1, q)


# Rounded division is flat almost everywhere: its gradient is zero.
DivBackward2 = N("DivBackward2", self=lambda xp, g: g * 0, other=lambda xp, g: g * 0)


def _zero_grad_result(data, a, b):
    if data.__class__ is not np.ndarray:
        data = np.asarray(data)
    ins = (a, b)
    if _state.enabled and any(isinstance(t, Tensor) and t._requires_grad for t in ins):
        return record(data, DivBackward2, ins)
    return wrap(data)


true_divide = divide = div
multiply = mul
subtract = sub


def _integer_division_arrays(input, other, kernel):
    """Operands of //, % and fmod, with PyTorch's refusals: no bool kernel,
    and an integer division by zero raises instead of giving 0."""
    ad, bd = binary_arrays(_tensor_operand(input, kernel, 1), other)
    if ad is None:
        return None, None
    if ad.dtype.kind == "b":
        raise NotImplementedError(f'"{kernel}_cpu" not implemented for \'Bool\'')
    if ad.dtype.kind in "iu" and np.any(np.asarray(bd) == 0):
        raise RuntimeError("ZeroDivisionError")
    return ad, bd


def floor_divide(input, other):
    return div(input, other, rounding_mode="floor")


def remainder(input, other):
    ad, bd = _integer_division_arrays(input, other, "remainder")
    if ad is None:
        return NotImplemented
    try:
        return wrap(np.asarray(np.remainder(ad, bd)))
    except ValueError:
        raise broadcast_error(np.shape(ad), np.shape(bd)) from None


def fmod(input, other):
    ad, bd = _integer_division_arrays(input, other, "fmod")
    return wrap(np.asarray(np.fmod(ad, bd)))


def _int_power(base, exp):
    """Integer powers as PyTorch: a negative exponent gives 0, except for
    bases 1 and -1 (NumPy refuses negative integer powers)."""
    neg = exp < 0
    if not np.any(neg):
        return np.power(base, exp)
    pos = np.power(base, np.where(neg, 0, exp))
    ones = np.where(np.asarray(base) == -1, np.where(exp % 2 == 0, 1, -1), 0)
    ones = np.where(np.asarray(base) == 1, 1, ones)
    return np.where(neg, ones, pos).astype(pos.dtype)


def pow(input, exponent):
    if not isinstance(input, Tensor):
        # scalar ** tensor: the scalar takes part in promotion like a 0-d tensor.
        base = input.item() if isinstance(input, np.generic) else input
        ed = exponent._data
        if ed.dtype.kind == "b" and isinstance(base, bool):
            raise NotImplementedError("\"pow\" not implemented for 'Bool'")
        elif ed.dtype.kind != "f" and isinstance(base, float):
            data = np.asarray(np.power(base, ed.astype(D._default[0]._np)))
        elif ed.dtype.kind in "biu":
            b_arr = np.array(base).astype(ed.dtype if ed.dtype.kind != "b" else np.int64)
            data = np.asarray(_int_power(b_arr, ed.astype(b_arr.dtype)))
        else:
            data = np.asarray(np.power(ed.dtype.type(base), ed))
        if exponent._requires_grad and _state.enabled:
            node = PowBackward2(((edge(exponent)),), (RESULT,), (base,), data,
                                data.shape, data.dtype)
            return watch_result(node, Tensor._from_node(data, node))
        return wrap(data)
    if isinstance(exponent, Tensor):
        ad, bd = binary_arrays(input, exponent)
        if ad.dtype.kind == "b":
            raise NotImplementedError("\"pow\" not implemented for 'Bool'")
        try:
            data = np.asarray(_int_power(ad, bd) if ad.dtype.kind in "iu" else np.power(ad, bd))
        except ValueError:
            raise broadcast_error(ad.shape, bd.shape) from None
        if _state.enabled and (input._requires_grad or exponent._requires_grad):
            node = PowBackward1((edge(input), edge(exponent)), (input, exponent, RESULT), (),
                                data, data.shape, data.dtype)
            return watch_result(node, Tensor._from_node(data, node))
        return wrap(data)
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
    data = np.asarray(ad * ad if p == 2 else np.power(ad, p))
    if input._requires_grad and _state.enabled:
        return record(data, PowBackward0, (input,), (input,), (exponent,))
    return wrap(data)


def square(input):
    return pow(input, 2)


def float_power(input, exponent):
    return pow(input.double() if isinstance(input, Tensor) else input,
               exponent.double() if isinstance(exponent, Tensor) else exponent)
