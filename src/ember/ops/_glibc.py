"""glibc's expf, logf and log1pf in NumPy, bit for bit: what PyTorch's
scalar kernels get from std::exp, std::log and std::log1p on Linux (the tail
of a vectorised loop, lanes that fill no vector, kernels with no vector
form such as binary_cross_entropy's). They are not the correctly rounded
values: expf rounds the other way for about 1 input in 2000, logf 1 in
140, log1pf (fdlibm's float algorithm, until glibc 2.40) 1 in 13.

expf and logf are glibc's since 2.28 (sysdeps/ieee754/flt-32, from Arm's
optimized-routines): a table and a short polynomial in double, rounded once
to float. x86_64 glibc runs their FMA builds, whose fused multiply-adds
differ from the unfused double arithmetic here by a double unit at most,
which rounding to float32 absorbs but for two of expf's inputs (a fix-up
table; every float32 from -104 to 89 was compared). tests/test_glibc.py
compares each with the system's libm.
"""
from .._backend import np

__all__ = ["expf", "logf", "log1pf"]

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


def _one_d(f):
    """f for 0-d arrays too (NumPy's ufuncs give 0-d results as scalars,
    which take no item assignment)."""
    def g(x):
        return f(x.reshape(1)).reshape(()) if not x.ndim else f(x)
    g.__name__, g.__doc__ = f.__name__, f.__doc__
    return g


@_one_d
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
        out = y.astype(_F)
    # (the only float32 inputs, of all from -104 to 89, where the FMA build's
    # last double bit moves the float's: compared one by one with glibc 2.36;
    # two compares cost a microsecond, np.isin eight)
    bits = x.view(np.uint32)
    for key, value in _EXPF_FMA_FIXES:
        hit = bits == key
        if hit.any():
            out[hit] = value
    return out


_EXPF_FMA_FIXES = tuple((np.uint32(k), np.uint32(v).view(_F)) for k, v in (
    (0x4202422f, 0x56fc9f1c), (0xc27c65d9, 0x11fa2993)))    # 32.564632, -63.09946


# logf (e_logf.c): log(x) = k*ln2 + log(c) + log1p(z/c - 1), c the centre
# of one of 16 subintervals of [0x3f330000, 2 * 0x3f330000) that z falls in
_LOG_INVC = np.array([float.fromhex(h) for h in (
    "0x1.661ec79f8f3bep+0", "0x1.571ed4aaf883dp+0", "0x1.49539f0f010bp+0",
    "0x1.3c995b0b80385p+0", "0x1.30d190c8864a5p+0", "0x1.25e227b0b8eap+0",
    "0x1.1bb4a4a1a343fp+0", "0x1.12358f08ae5bap+0", "0x1.0953f419900a7p+0", "0x1p+0",
    "0x1.e608cfd9a47acp-1", "0x1.ca4b31f026aap-1", "0x1.b2036576afce6p-1",
    "0x1.9c2d163a1aa2dp-1", "0x1.886e6037841edp-1", "0x1.767dcf5534862p-1")])
_LOG_LOGC = np.array([float.fromhex(h) for h in (
    "-0x1.57bf7808caadep-2", "-0x1.2bef0a7c06ddbp-2", "-0x1.01eae7f513a67p-2",
    "-0x1.b31d8a68224e9p-3", "-0x1.6574f0ac07758p-3", "-0x1.1aa2bc79c81p-3",
    "-0x1.a4e76ce8c0e5ep-4", "-0x1.1973c5a611cccp-4", "-0x1.252f438e10c1ep-5", "0x0p+0",
    "0x1.aa5aa5df25984p-5", "0x1.c5e53aa362eb4p-4", "0x1.526e57720db08p-3",
    "0x1.bc2860d22477p-3", "0x1.1058bc8a07ee1p-2", "0x1.4043057b6ee09p-2")])
_LOG_A0, _LOG_A1, _LOG_A2 = (_D(float.fromhex(h)) for h in (
    "-0x1.00ea348b88334p-2", "0x1.5575b0be00b6ap-2", "-0x1.ffffef20a4123p-2"))
_LN2 = _D(float.fromhex("0x1.62e42fefa39efp-1"))
_OFF = np.uint32(0x3f330000)


@_one_d
def logf(x):
    """glibc's logf of a float32 array (0: -inf, negatives and NaN: NaN)."""
    with np.errstate(all="ignore"):
        bad = ~(x > 0) | (x == np.inf)
        xs = np.where(bad, _F(1), x)
        tiny = xs < _F(2.0 ** -126)      # (subnormals, scaled up by 2**23 first)
        if tiny.any():
            xs = np.where(tiny, xs * _F(2.0 ** 23), xs)
        ix = xs.view(np.uint32)
        tmp = ix - _OFF
        i = (tmp >> np.uint32(19)) & np.uint32(15)
        k = (tmp.view(np.int32) >> np.int32(23)) - np.where(tiny, np.int32(23), np.int32(0))
        z = (ix - (tmp & np.uint32(0xff800000))).view(_F).astype(_D)
        r = z * _LOG_INVC[i]
        r -= 1
        y0 = _LOG_LOGC[i] + k * _LN2
        r2 = r * r
        y = _LOG_A1 * r
        y += _LOG_A2
        y += _LOG_A0 * r2
        y *= r2
        y0 += r
        y += y0
        out = y.astype(_F)
        if bad.any():
            out[bad] = np.where(x[bad] == 0, _F(-np.inf), np.where(x[bad] == np.inf, x[bad],
                                                                    _F(np.nan)))
    return out


def _f32(bits):
    return np.uint32(bits).view(_F)


# log1pf (s_log1pf.c, fdlibm's, in float arithmetic; glibc before 2.40: see
# log1pf): log1p(x) = k*ln2 + log(1 + f), f in [sqrt(2)/2 - 1, sqrt(2) - 1],
# log(1 + f) = f - (hfsq - s*(hfsq + R)), s = f / (2 + f), R a polynomial in s*s
_LN2_HI, _LN2_LO = _f32(0x3f317180), _f32(0x3717f7d1)
_LP = tuple(_f32(b) for b in (0x3F2AAAAB, 0x3ECCCCCD, 0x3E924925, 0x3E638E29, 0x3E3A3325,
                              0x3E1CD04F, 0x3E178897))
_TWO_THIRDS, _HALF32, _ONE32, _TWO32 = _f32(0x3f2aaaab), _F(0.5), _F(1), _F(2)
_I = np.int32


def _log1pf_fdlibm(x):
    hx = x.view(_I)
    ax = hx & _I(0x7fffffff)
    with np.errstate(all="ignore"):
        small = hx < _I(0x3ed413d7)                     # x < 0.41422 (negatives too)
        direct = small & ((hx > 0) | (hx <= _I(-1097468385)))   # (0xbe95f61f): k = 0, f = x
        # k != 0: 1 + x = 2**k * u, u in [sqrt(2)/2, sqrt(2)), c the rounding of 1 + x
        u = np.where(hx < _I(0x5a000000), _ONE32 + x, x)
        hu = u.view(_I)
        k = (hu >> _I(23)) - _I(127)
        c = np.where(k > 0, _ONE32 - (u - x), x - (u - _ONE32))
        c /= u
        c = np.where(hx < _I(0x5a000000), c, _F(0))
        hu = hu & _I(0x007fffff)
        low = hu < _I(0x3504f7)
        u = np.where(low, hu | _I(0x3f800000), hu | _I(0x3f000000)).view(_F)
        k = np.where(low, k, k + 1)
        hu = np.where(low, hu, (_I(0x00800000) - hu) >> _I(2))
        f = np.where(direct, x, u - _ONE32)
        k = np.where(direct, 0, k)
        hu = np.where(direct, 1, hu)
        c = np.where(direct, _F(0), c)
        kf = k.astype(_F)
        hfsq = _HALF32 * f * f
        # |f| < 2**-20
        r_tiny = hfsq * (_ONE32 - _TWO_THIRDS * f)
        tiny_out = np.where(k == 0, f - r_tiny,
                            kf * _LN2_HI - ((r_tiny - (kf * _LN2_LO + c)) - f))
        zero_out = np.where(k == 0, _F(0), kf * _LN2_HI + (c + kf * _LN2_LO))
        tiny_out = np.where(f == 0, zero_out, tiny_out)
        s = f / (_TWO32 + f)
        z = s * s
        R = z * _LP[6]
        for lp in _LP[5::-1]:
            R += lp
            R *= z
        out = np.where(k == 0, f - (hfsq - s * (hfsq + R)),
                       kf * _LN2_HI - ((hfsq - (s * (hfsq + R) + (kf * _LN2_LO + c))) - f))
        out = np.where(hu == 0, tiny_out, out)
        # |x| < 2**-29: x, or x - x*x/2 from 2**-54 up
        out = np.where(small & (ax < _I(0x31000000)),
                       np.where(ax < _I(0x24800000), x, x - x * x * _HALF32), out)
        out = np.where(small & (ax >= _I(0x3f800000)),
                       np.where(x == -1, _F(-np.inf), _F(np.nan)), out)
        return np.where(hx >= _I(0x7f800000), x + x, out)


@_one_d
def log1pf(x):
    """glibc's log1pf of a float32 array: fdlibm's before glibc 2.40, the
    correctly rounded value (CORE-MATH's) from then on and elsewhere."""
    if _FDLIBM_LOG1PF:
        return _log1pf_fdlibm(x)
    with np.errstate(all="ignore"):
        return np.log1p(x.astype(_D)).astype(_F)


def _glibc_version():
    import os
    try:
        name, version = os.confstr("CS_GNU_LIBC_VERSION").split()
        return tuple(int(v) for v in version.split(".")[:2]) if name == "glibc" else None
    except (AttributeError, ValueError, OSError):
        return None


_VERSION = _glibc_version()
_FDLIBM_LOG1PF = _VERSION is not None and _VERSION < (2, 40)
