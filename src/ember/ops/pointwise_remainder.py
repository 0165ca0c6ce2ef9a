"""floor_divide, remainder and fmod (re-exported by pointwise.py): the
division ops whose gradients are flat but for jumps."""
from ._common import D, Tensor, broadcast_error, np, recorded
from ._registry import element_wise, grad_fn, not_implemented, register
from .pointwise_rounding import _integer_division_arrays, _rounded_division, _tensor_operand

__all__ = ["floor_divide", "remainder", "fmod"]


FloorDivideNotImplemented = not_implemented("floor_divide", "self", "other")


def floor_divide(input, other):
    input = _tensor_operand(input, "div_floor", 1, other)
    data = _rounded_division(input, other, "div_floor", True)
    return NotImplemented if data is None else recorded(FloorDivideNotImplemented, data,
                                                        (input, other))


# The remainder is flat in `other` but for jumps: d/d(other) of
# self - other * floor(self / other) is -floor(self / other) (trunc for fmod).
RemainderBackward0 = grad_fn("RemainderBackward0", self=lambda xp, g: g)
RemainderBackward1 = grad_fn("RemainderBackward1", self=lambda xp, g: g,
                             other=lambda xp, g, self, other: -g * xp.floor(self / other))
FmodBackward0 = grad_fn("FmodBackward0", self=lambda xp, g: g)
FmodBackward1 = grad_fn("FmodBackward1", self=lambda xp, g: g,
                        other=lambda xp, g, self, other: -g * xp.trunc(self / other))
# (element by element: their forward-mode formulas are derived, autograd/_forward.py)
for _node in (RemainderBackward0, RemainderBackward1, FmodBackward0, FmodBackward1):
    element_wise(_node)


def _division_remainder(name, forward, by_scalar, by_tensor, input, other):
    ad, bd = _integer_division_arrays(input, other, name)
    if ad is None:
        return NotImplemented
    try:
        data = forward(ad, bd)
    except ValueError:
        raise broadcast_error(np.shape(ad), np.shape(bd)) from None
    if isinstance(other, Tensor):
        return recorded(by_tensor, data, (input, other))
    return recorded(by_scalar, data, (input,))


def _remainder(a, b):
    """PyTorch's remainder: fmod, moved by b where the signs differ; a zero
    keeps fmod's sign (the dividend's), where NumPy's takes the divisor's."""
    if not D.is_float_np(np.asanyarray(a).dtype):
        return np.remainder(a, b)
    m = np.fmod(a, b)
    moved = (m != 0) & ((b < 0) != (m < 0))
    return np.where(moved, m + b, m).astype(m.dtype, copy=False) if moved.any() else m


# remainder(Scalar self, Tensor other) is an overload of its own, without a derivative
RemainderNotImplemented = not_implemented("remainder", "self", "other")


def remainder(input, other):
    if not isinstance(input, Tensor) and isinstance(other, Tensor):
        return _division_remainder("remainder", _remainder, None, RemainderNotImplemented,
                                   _tensor_operand(input, "remainder", 1, other), other)
    return _division_remainder("remainder", _remainder, RemainderBackward0,
                               RemainderBackward1, input, other)


def fmod(input, other):
    if not isinstance(input, Tensor) or not isinstance(
            other, (Tensor, bool, int, float, complex, np.bool_, np.number)):
        from .conditional import overloads_error
        raise overloads_error("fmod", (input, other))    # (no operator: never NotImplemented)
    return _division_remainder("fmod", np.fmod, FmodBackward0, FmodBackward1, input, other)


remainder = register(remainder, inplace=True)
fmod = register(fmod, inplace=True)
floor_divide = register(floor_divide, inplace=True)
