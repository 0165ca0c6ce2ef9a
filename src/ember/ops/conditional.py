"""Ops that pick between values, and their derivatives: where, clamp,
maximum, minimum. The gradient flows to whichever value was picked."""
from .pointwise import _tensor_operand
from ._common import (D, Tensor, _state, binary_arrays, broadcast_error, derivative, np, record,
                      wrap, _result_dtype)

__all__ = ["where", "clamp", "clip", "clamp_min", "clamp_max", "maximum", "minimum",
           "masked_fill"]


N = derivative

WhereBackward0 = N("WhereBackward0",
                   self=lambda xp, g, cond: xp.where(cond, g, 0),
                   other=lambda xp, g, cond: xp.where(cond, 0, g))
ClampBackward1 = N("ClampBackward1", self=lambda xp, g, x, lo, hi: xp.where(
    _inside(x, lo, hi), g, 0))
ClampMinBackward0 = N("ClampMinBackward0", self=lambda xp, g, x, lo: xp.where(x >= lo, g, 0))
ClampMaxBackward0 = N("ClampMaxBackward0", self=lambda xp, g, x, hi: xp.where(x <= hi, g, 0))
# Ties split the gradient in half, as PyTorch does.
MaximumBackward0 = N("MaximumBackward0",
                     self=lambda xp, g, a, b: xp.where(a == b, g / 2, xp.where(a > b, g, 0)),
                     other=lambda xp, g, a, b: xp.where(a == b, g / 2, xp.where(a < b, g, 0)))
MinimumBackward0 = N("MinimumBackward0",
                     self=lambda xp, g, a, b: xp.where(a == b, g / 2, xp.where(a < b, g, 0)),
                     other=lambda xp, g, a, b: xp.where(a == b, g / 2, xp.where(a > b, g, 0)))


def _inside(x, lo, hi):
    if lo is None:
        return x <= hi
    if hi is None:
        return x >= lo
    return (x >= lo) & (x <= hi)


def where(condition, input=None, other=None):
    if input is None and other is None:
        from .. import nonzero
        return nonzero(condition, as_tuple=True)
    cond = condition._data
    if cond.dtype != np.bool_:
        raise RuntimeError(
            f"where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{_dt_name(condition.dtype)}")
    a = input if isinstance(input, Tensor) else None
    b = other if isinstance(other, Tensor) else None
    ref = a if a is not None else b
    if a is not None and b is not None:
        dt = _result_dtype(a, b)._np
        ad, bd = a._data.astype(dt, copy=False), b._data.astype(dt, copy=False)
    elif ref is not None:
        rd = ref._data
        scalar = other if a is not None else input
        if isinstance(scalar, float) and rd.dtype.kind != "f":
            rd = rd.astype(D._default[0]._np)
        sd = np.asarray(scalar, dtype=rd.dtype)
        ad, bd = (rd, sd) if a is not None else (sd, rd)
    else:
        dt = D.promote_types(D.scalar_dtype(input), D.scalar_dtype(other))._np
        ad, bd = np.asarray(input, dt), np.asarray(other, dt)
    try:
        data = np.asarray(np.where(cond, ad, bd))
    except ValueError:
        raise broadcast_error(ad.shape, bd.shape) from None
    if _state.enabled and ((a is not None and a._requires_grad) or
                           (b is not None and b._requires_grad)):
        return record(data, WhereBackward0, (input, other), (), (cond,))
    return wrap(data)


def _dt_name(dt):
    return repr(dt).replace("ember.", "")


def clamp(input, min=None, max=None):
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        out = input
        if min is not None:
            out = maximum(out, _tensor_operand(min, "clamp", 2))
        if max is not None:
            out = minimum(out, _tensor_operand(max, "clamp", 3))
        return out
    x = input._data
    if x.dtype.kind != "f" and isinstance(min, float) or isinstance(max, float) and x.dtype.kind != "f":
        x = x.astype(D._default[0]._np)
    data = x
    if min is not None:
        data = np.maximum(data, np.asarray(min, x.dtype))
    if max is not None:
        data = np.minimum(data, np.asarray(max, x.dtype))
    if data is x:
        data = x.copy()
    data = np.asarray(data)
    if input._requires_grad and _state.enabled:
        return record(data, ClampBackward1, (input,), (input,), (min, max))
    return wrap(data)


clip = clamp


def clamp_min(input, min):
    data = np.asarray(np.maximum(input._data, np.asarray(min, input._data.dtype)))
    if input._requires_grad and _state.enabled:
        return record(data, ClampMinBackward0, (input,), (input,), (min,))
    return wrap(data)


def clamp_max(input, max):
    data = np.asarray(np.minimum(input._data, np.asarray(max, input._data.dtype)))
    if input._requires_grad and _state.enabled:
        return record(data, ClampMaxBackward0, (input,), (input,), (max,))
    return wrap(data)


def _pairwise(npfn, node, input, other):
    if not isinstance(other, Tensor):
        raise TypeError(f"{npfn.__name__}(): argument 'other' (position 2) must be Tensor, "
                        f"not {type(other).__name__}")
    ad, bd = binary_arrays(input, other)
    try:
        data = np.asarray(npfn(ad, bd))
    except ValueError:
        raise broadcast_error(ad.shape, bd.shape) from None
    if _state.enabled and (input._requires_grad or other._requires_grad):
        return record(data, node, (input, other), (input, other))
    return wrap(data)


def maximum(input, other):
    return _pairwise(np.maximum, MaximumBackward0, input, other)


def minimum(input, other):
    return _pairwise(np.minimum, MinimumBackward0, input, other)


MaskedFillBackward0 = N("MaskedFillBackward0", self=lambda xp, g, mask: xp.where(mask, 0, g))


def masked_fill(input, mask, value):
    """Where `mask` holds, `value`; elsewhere the input (gradient flows there)."""
    m = mask._data
    if m.dtype != np.bool_:
        raise RuntimeError(
            f"masked_fill_ only supports boolean masks, but got mask with dtype "
            f"{_dt_name(mask.dtype)}")
    x = input._data
    v = value._data if isinstance(value, Tensor) else value
    try:
        data = np.where(m, np.asarray(v, x.dtype), x)
    except ValueError:
        raise broadcast_error(x.shape, m.shape) from None
    if input._requires_grad and _state.enabled:
        return record(data, MaskedFillBackward0, (input,), (), (m,))
    return wrap(data)
