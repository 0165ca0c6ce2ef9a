"""The operands and values of rounded division (floor and trunc division,
//, % and fmod), and a tensor argument that may be a Python number: the
arithmetic in pointwise.py builds on these."""
from .._python_data import _tname
from .._backend import restore, silence
from ._common import D, Tensor, binary_arrays, broadcast_error, np, wrap
from ._number_operand import opmath_scalar

__all__ = ["_tensor_operand", "_integer_division_arrays", "_rounded_division"]


def wrapped_number(x, other=None):
    """The number `x`, first operand of a binary op, as a 0-d tensor. PyTorch's
    wrapped number yields to any tensor's dtype in its category (7 // an int8
    tensor is int8, even a 0-d one): beside the tensor `other`, it takes the
    dtype the two promote to; alone, its own (int64, the default float...)."""
    dt = D.scalar_dtype(x) if not isinstance(other, Tensor) else D.with_scalar(other.dtype, x)
    return wrap(np.asanyarray(x).astype(dt._np))


def _tensor_operand(x, name, pos, other=None):
    """A tensor argument, or a Python number as the 0-d tensor PyTorch wraps it
    in (so it still promotes as a scalar: see wrapped_number)."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (int, float, bool, complex, np.number, np.bool_)):
        return wrapped_number(x, other)
    raise TypeError(f"{name}(): argument 'input' (position {pos}) must be Tensor, "
                    f"not {_tname(x)}")


def _integer_division_arrays(input, other, kernel):
    """Operands of //, % and fmod, with PyTorch's refusals: no bool kernel,
    and an integer division by zero raises instead of giving 0."""
    ad, bd = binary_arrays(_tensor_operand(input, kernel, 1, other), other)
    if ad is None:
        return None, None
    if ad.dtype.kind in "bc":
        raise NotImplementedError(f'"{kernel}_cpu" not implemented for '
                                  f"'{D.SCALAR_NAMES[D._BY_NP[ad.dtype]]}'")
    if ad.dtype.kind in "iu" and np.any(np.asanyarray(bd) == 0) and ad.size:
        # (no element divided, no error: an empty tensor // 0 is empty)
        raise RuntimeError("ZeroDivisionError")
    return ad, bd


def _rounded_division(input, other, kernel, floor):
    """Floor or trunc division's values (None for an operand that is not a
    number). float16 and bfloat16 by a scalar divisor are computed in float32,
    the divisor unrounded (opmath_scalar); by a tensor, every step is rounded
    to the dtype, as PyTorch's kernels do."""
    ad, bd = _integer_division_arrays(input, other, kernel)
    if ad is None:
        return None
    dt, stepwise = ad.dtype, False
    if dt in D.HALF_NP:
        scalar = opmath_scalar(input, other)
        stepwise = scalar is None
        if not stepwise:
            ad, bd = ad.astype(np.float32), scalar
    token = silence()
    try:
        if floor:
            data = _floor_stepwise(ad, bd) if stepwise else np.floor_divide(ad, bd)
        elif ad.dtype.kind == "f" or stepwise:
            data = np.trunc(np.true_divide(ad, bd))
        else:
            data = _int_trunc(ad, bd)
    except ValueError:
        raise broadcast_error(np.shape(ad), np.shape(bd)) from None
    finally:
        restore(token)
    return np.asanyarray(data).astype(dt, copy=False)


def _floor_stepwise(a, b):
    """c10's div_floor_floating with each operation rounded to a's dtype."""
    t = a.dtype.type
    mod = np.fmod(a, b)
    div = (a - mod) / b
    div = np.where((mod != 0) & ((b < 0) != (mod < 0)), div - t(1), div).astype(a.dtype)
    floor = np.floor(div)
    floor = np.where(div - floor > t(0.5), floor + t(1), floor).astype(a.dtype)
    return np.where(b == 0, a / b, np.where(div == 0, np.copysign(t(0), a / b), floor))


def _int_trunc(a, b):
    q = np.floor_divide(a, b)
    return np.where((np.remainder(a, b) != 0) & ((a < 0) != (b < 0)), q + 1, q)
