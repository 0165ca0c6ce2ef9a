"""Floating-point steps of ATen's random transforms as GCC builds them: fused
multiply-adds (it contracts ``a * b + c``) emulated exactly in NumPy, and
c10::Half's conversion through float. _random and _ranges use them."""
from ._backend import np
from ._meta import is_meta, meta_array


def _two_sum(a, b):
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _fma32(a, b, c):
    """float32 fma(a, b, c): the product is exact in float64, and a float64 sum
    rounds to float32 wrongly only when it lands exactly on a float32 midpoint
    (checked for the normal float32 range, where all our values live)."""
    p = np.multiply(a, b, dtype=np.float64)
    s = np.add(p, c, dtype=np.float64)
    r = s.astype(np.float32)
    if is_meta(s):      # (no values: nothing lands on a midpoint)
        return r
    bits = s.view(np.uint64)
    idx = np.flatnonzero((bits & np.uint64(0x1FFFFFFF)) == np.uint64(0x10000000))
    if idx.size:
        pi, si = np.broadcast_to(p, s.shape).ravel()[idx], s.ravel()[idx]
        ci = np.broadcast_to(np.asarray(c, np.float64), s.shape).ravel()[idx]
        err = _two_sum(pi, ci)[1]
        step = np.where(err == 0, 0, np.where((err > 0) == (si > 0), 1, -1))
        si = (si.view(np.int64) + step).view(np.float64)
        r.ravel()[idx] = si.astype(np.float32)
    return r


_SPLIT_MAX = 2.0 ** 996      # beyond it, Veltkamp's split (times 2**27 + 1) overflows


def _fma32_blocks(x, a, b):
    """_fma32(x, a, b) for a large float32 `x` (a and b broadcast to it): the
    double products and sums are made a block of rows at a time, in cache,
    and only a block with a sum on a float32 midpoint takes _fma32's repair."""
    if is_meta(x):      # (shapes only: the meta device has no values to fuse)
        return meta_array(x.shape, np.float32)
    out = np.empty(x.shape, np.float32)
    # (widened once, before broadcasting: a row of alpha, not every element)
    a, b = (np.broadcast_to(np.asarray(v, np.float64), x.shape) for v in (a, b))
    rows = max(1, (1 << 16) // max(1, x[0].size)) if x.ndim else 1
    if x.ndim == 0 or rows >= len(x):
        return _fma32(x, a, b)
    buf = np.empty((rows,) + x.shape[1:], np.float64)
    bits = buf.view(np.uint64)
    low = np.empty_like(bits)
    for i in range(0, len(x), rows):
        k = min(rows, len(x) - i)
        s = buf[:k]
        np.multiply(x[i:i + k], a[i:i + k], out=s)
        s += b[i:i + k]
        np.bitwise_and(bits[:k], np.uint64(0x1FFFFFFF), out=low[:k])
        if np.any(low[:k] == np.uint64(0x10000000)):
            out[i:i + k] = _fma32(x[i:i + k], a[i:i + k], b[i:i + k])
        else:
            out[i:i + k] = s
    return out


def _fma64(a, b, c):
    """float64 fma(a, b, c) by Boldo & Melquiond's emulation: exact product and
    sum, then a round-to-odd tail so the final addition rounds only once.
    A factor too large to split (uniform_ over a range wider than ~1e300,
    normal with such a std) is scaled down by 2**-64, and c and the result
    with it: powers of two are exact, so only a c that the scaling makes
    subnormal, far below the result's last bit, can lose anything."""
    a, b, c = (np.asarray(v, np.float64) for v in (a, b, c))
    # (NaN compares False: left unscaled)
    if not any(v.size and np.abs(v).max() > _SPLIT_MAX for v in (a, b)):
        return _fma64_split(a, b, c)
    sa, sb = (np.where(np.abs(v) > _SPLIT_MAX, 2.0 ** -64, 1.0) for v in (a, b))
    with np.errstate(over="ignore"):        # (a result beyond float64 is inf, as fma's)
        return _fma64_split(a * sa, b * sb, c * (sa * sb)) / (sa * sb)


def _fma64_split(a, b, c):
    uh = a * b
    ta, tb = a * 134217729.0, b * 134217729.0  # Veltkamp split into 26-bit halves
    ah, bh = ta - (ta - a), tb - (tb - b)
    al, bl = a - ah, b - bh
    ul = ((ah * bh - uh) + ah * bl + al * bh) + al * bl
    th, tl = _two_sum(c, uh)
    v, e = _two_sum(tl, ul)
    bits = np.array(v, np.float64).view(np.int64)
    bits += ((e != 0) & ((bits & 1) == 0)) * np.where((e > 0) == (v > 0), 1, -1)
    return th + bits.view(np.float64)


def _f16(x):
    """Conversion to c10::Half, which always goes through float."""
    return np.asarray(x).astype(np.float32).astype(np.float16)
