"""glibc's expf in NumPy, bit for bit: what PyTorch's scalar kernels get
from std::exp on Linux (the tail of a vectorised loop, lanes that fill no
vector). Its error bound is 0.502 ulp, so it is the correctly rounded value
for all but about 1 in 2000 inputs, which it rounds the other way.

The algorithm is glibc's (sysdeps/ieee754/flt-32/e_expf.c, from Arm's
optimized-routines): exp(x) = 2^(k/32) * 2^(r/32) in double, a table of
2^(i/32) and a cubic, rounded once to float. x86_64 glibc runs its FMA
build, whose three fused multiply-adds differ from this unfused double
arithmetic by a double unit at most, which rounding to float32 absorbs:
tests/test_sleef_dim.py compares it with the system's expf.
"""
from .._backend import np

__all__ = ["expf"]

_F, _D, _U = np.float32, np.float64, np.uint64
_N = 32
# 2^(i/32) with i << 47 taken off their bits: adding k << 47 then restores
# the entry and puts 2^(k // 32) in its exponent
_TABLE = np.array([
    0x3ff0000000000000, 0x3fefd9b0d3158574, 0x3fefb5586cf9890f, 0x3fef9301d0125b51,
    0x3fef72b83c7d517b, 0x3fef54873168b9aa, 0x3fef387a6e756238, 0x3fef1e9df51fdee1,
    0x3fef06fe0a31b715, 0x3feef1a7373aa9cb, 0x3feedea64c123422, 0x3feece086061892d,
    0x3feebfdad5362a27, 0x3feeb42b569d4f82, 0x3feeab07dd485429, 0x3feea47eb03a5585,
    0x3feea09e667f3bcd, 0x3fee9f75e8ec5f74, 0x3feea11473eb0187, 0x3feea589994cce13,
    0x3feeace5422aa0db, 0x3feeb737b0cdc5e5, 0x3feec49182a3f090, 0x3feed503b23e255d,
    0x3feee89f995ad3ad, 0x3feeff76f2fb5e47, 0x3fef199bdd85529c, 0x3fef3720dcef9069,
    0x3fef5818dcfba487, 0x3fef7c97337b9b5f, 0x3fefa4afa2a490da, 0x3fefd0765b6e4540], _U)
_INV_LN2_N = _D(float.fromhex("0x1.71547652b82fep+0") * _N)
_C0, _C1, _C2 = (_D(float.fromhex(c) / _N ** p) for c, p in (
    ("0x1.c6af84b912394p-5", 3), ("0x1.ebfce50fac4f3p-3", 2), ("0x1.62e42ff0c52d6p-1", 1)))
_SHIFT = _D(float.fromhex("0x1.8p+52"))     # (z + SHIFT rounds z to an integer, in the low bits)
_MASK, _TO_EXPONENT = _U(_N - 1), _U(52 - 5)
_LOW, _HIGH = _D(-150), _D(100)


def expf(x):
    """glibc's expf of a float32 array."""
    with np.errstate(all="ignore"):
        z = x.astype(_D)
        # (glibc's special cases: below -103.97 the result is 0, above 88.73
        # inf, as the clamped arguments give; NaN passes)
        np.maximum(z, _LOW, out=z)
        np.minimum(z, _HIGH, out=z)
        z *= _INV_LN2_N
        shifted = z + _SHIFT
        ki = shifted.view(_U)
        r = z - (shifted - _SHIFT)
        s = _TABLE[ki & _MASK]
        s += ki << _TO_EXPONENT
        y = _C0 * r
        y += _C1
        y *= r * r
        c = _C2 * r
        c += 1
        y += c
        y *= s.view(_D)
        return y.astype(_F)
