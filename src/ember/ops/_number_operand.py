"""A Python number as an op's operand (`y * 2`, `x + 1`): the 0-d arrays
kept for the common ones, the op on them without binary_arrays's frames,
and the float32 scalar that float16 and bfloat16 products read."""
from .._backend import np, quiet_call, restore, silence
from ._common import _VALUE_BASED_CASTING, D, Tensor, _result_dtype, recorded

__all__ = ["NUMBER_ARRAYS", "number_array", "with_number", "opmath_scalar"]

# 0-d arrays of the numbers that ops meet most often (y * 2, x + 1), for each
# float dtype. NumPy multiplies by a 0-d array of the array's own dtype in
# about half the time it takes to convert a Python number on every call
# (measured: 0.31 against 0.60 us for 25 float32 elements). The value is the
# same: the number rounded to the dtype, as NumPy does with a Python number
# and as PyTorch does with a CPU scalar.
NUMBER_ARRAYS = {np.dtype(np.float32): {}, np.dtype(np.float64): {}}
_NUMBER_CACHE_SIZE = 1024


def number_array(cache, dt, b):
    """The Python number `b` as a 0-d array of `dt`, kept in `cache`
    (NUMBER_ARRAYS[dt]); `b` itself where it is not kept. Zeros are never
    kept, because 0.0 and -0.0 are one key; nor NaN, which never finds
    itself; nor infinities and numbers beyond 2**53, whose conversion (an
    int's in particular) need not round as NumPy rounds a Python number."""
    if not 0 < abs(b) <= 9007199254740992 or len(cache) >= _NUMBER_CACHE_SIZE:
        if b.__class__ is int and not -9223372036854775808 <= b <= 18446744073709551615:
            D.check_int_scalar(b)
        return b
    a = cache[b] = np.array(b, dt)
    return a


def with_number(forward, node, a, b, ctx=()):
    """`forward` of the float tensor `a` (a Tensor itself, not a subclass)
    and the Python number `b`, or None where that is not the case: the path
    of `y * 2` and `x + 1`, which takes what _binary would, without its
    frames (binary_arrays's answer here: `a`'s array and `b` unchanged)."""
    if a.__class__ is not Tensor:
        return None
    ad = a._data
    cache = NUMBER_ARRAYS.get(ad.dtype)
    if cache is None:
        return None
    bd = cache.get(b)
    if bd is None:
        bd = number_array(cache, ad.dtype, b)
        if bd is b and _VALUE_BASED_CASTING:
            # (NumPy 1.x would widen by value: the number as the tensor's
            # dtype, as binary_arrays gives it there)
            bd = quiet_call(ad.dtype.type, b)
    token = silence()
    try:
        data = forward(ad, bd)
    finally:
        restore(token)
    return recorded(node, data, (a, b), ctx)


def opmath_scalar(input, other):
    """PyTorch's mul, div and floor division of a float16 or bfloat16 tensor
    by a number (or a 0-d tensor) in second place read that scalar in
    float32, their compute type, without rounding it to the tensor's dtype
    first (add, sub, remainder, pow... round it first): the scalar as
    float32, or None where that does not apply."""
    dt = input._data.dtype
    if dt not in D.HALF_NP:
        return None
    if isinstance(other, Tensor):
        od = other._data
        if od.ndim or od.dtype.kind == "c" or _result_dtype(input, other) is not input.dtype:
            return None
        return quiet_call(np.float32, od)
    if isinstance(other, (bool, int, float, np.bool_, np.integer, np.floating)):
        # (beyond float32: inf, silently, as PyTorch's conversion)
        return quiet_call(np.float32, other)
    return None
