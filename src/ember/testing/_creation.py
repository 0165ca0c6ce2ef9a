"""torch.testing.make_tensor: a tensor of random values in [low, high) for
tests, with PyTorch's defaults per dtype and its argument checks."""
import collections.abc
import math
import warnings

from .. import _dtype as D
from .._typeinfo import finfo, iinfo

__all__ = ["make_tensor"]

_INTEGRAL = (D.uint8, D.int8, D.int16, D.int32, D.int64)
_BOOLEAN_OR_INTEGRAL = (D.bool_, *_INTEGRAL)
_FLOATING = (D.float16, D.bfloat16, D.float32, D.float64)
_COMPLEX = (D.complex32, D.complex64, D.complex128)


def _interval(low, high, dtype, lowest, highest, default_low, default_high):
    """[low, high) checked and clamped to what `dtype` holds; integral bounds
    are ceiled (randint's upper bound is exclusive, so it is ceiled too)."""
    low = default_low if low is None else low
    high = default_high if high is None else high
    if any(isinstance(v, float) and math.isnan(v) for v in (low, high)):
        raise ValueError(f"`low` and `high` cannot be NaN, but got {low=} and {high=}")
    if low == high and dtype in _FLOATING + _COMPLEX:
        warnings.warn("Passing `low==high` to `torch.testing.make_tensor` for floating or "
                      "complex types is deprecated since 2.1 and will be removed in 2.3. "
                      "Use `torch.full(...)` instead.", FutureWarning, stacklevel=4)
    elif low >= high:
        raise ValueError(f"`low` must be less than `high`, but got {low} >= {high}")
    elif high < lowest or low >= highest:
        raise ValueError(f"The value interval specified by `low` and `high` is [{low}, {high}), "
                         f"but {dtype} only supports [{lowest}, {highest})")
    low, high = min(max(low, lowest), highest), min(max(high, lowest), highest)
    if dtype in _BOOLEAN_OR_INTEGRAL:
        return math.ceil(low), math.ceil(high)
    return low, high


def _uniform(t, low, high):
    # uniform_ needs high - low to fit the dtype: draw half the range, double it
    if high - low >= finfo(t.dtype).max:
        return t.uniform_(low / 2, high / 2).mul_(2)
    return t.uniform_(low, high)


def make_tensor(*shape, dtype, device, low=None, high=None, requires_grad=False,
                noncontiguous=False, exclude_zero=False, memory_format=None):
    """A tensor of `shape` filled with values drawn uniformly from [low, high)
    (default [-9, 9) for floating and complex dtypes, [-9, 10) for integers,
    clamped to the dtype's range; bool draws False and True).

    noncontiguous: the result is a strided view (every other element of a
    tensor twice as long in its last dimension); memory_format: it is laid
    out in that format; exclude_zero: zeros are replaced by 1 (integers) or
    the dtype's smallest normal number. It draws as PyTorch's does (randint,
    uniform_), so after the same manual_seed the values are PyTorch's."""
    from .._creation import empty
    from .._sampling import randint
    if len(shape) == 1 and isinstance(shape[0], collections.abc.Sequence):
        shape = shape[0]
    shape = tuple(shape)
    if noncontiguous and memory_format is not None:
        raise ValueError("The parameters `noncontiguous` and `memory_format` are mutually "
                         f"exclusive, but got {noncontiguous=} and {memory_format=}")
    if requires_grad and dtype in _BOOLEAN_OR_INTEGRAL:
        raise ValueError("`requires_grad=True` is not supported for boolean and integral "
                         f"dtypes, but got {dtype=}")
    noncontiguous = noncontiguous and math.prod(shape) > 1
    if noncontiguous:
        # twice as long, so the view's neighbours differ from the elements skipped
        shape = (*shape[:-1], 2 * shape[-1])
    if dtype is D.bool_:
        low, high = _interval(low, high, dtype, 0, 2, 0, 2)
        result = randint(low, high, shape, device=device, dtype=dtype)
    elif dtype in _INTEGRAL:
        info = iinfo(dtype)
        # randint's bounds pass through int64, which cannot hold int64's max + 1
        highest = info.max + (1 if dtype is not D.int64 else 0)
        low, high = _interval(low, high, dtype, info.min, highest, -9, 10)
        result = randint(low, high, shape, device=device, dtype=dtype)
    elif dtype in _FLOATING + _COMPLEX:
        info = finfo(dtype)
        low, high = _interval(low, high, dtype, info.min, info.max, -9, 9)
        if dtype is D.bfloat16:
            # Ember's uniform_ has no bfloat16 kernel: float32 rounded gives PyTorch's values
            result = _uniform(empty(shape, device=device, dtype=D.float32), low, high)
            result = result.to(dtype)
        else:
            result = empty(shape, device=device, dtype=dtype)
            if dtype in _COMPLEX:
                from .. import view_as_real
                _uniform(view_as_real(result), low, high)
            else:
                _uniform(result, low, high)
    else:
        raise TypeError(f"The requested dtype '{dtype}' is not supported by "
                        "torch.testing.make_tensor(). To request support, file an issue at: "
                        "https://github.com/pytorch/pytorch/issues")
    if noncontiguous:
        result = result[..., 1::2]      # offset by one to catch offset bugs too
    elif memory_format is not None:
        result = result.clone(memory_format=memory_format)
    if exclude_zero:
        result[result == 0] = 1 if dtype in _BOOLEAN_OR_INTEGRAL else finfo(dtype).tiny
    if dtype in _FLOATING + _COMPLEX:
        result.requires_grad = requires_grad
    return result
