"""SLEEF's float32 exp and log in NumPy, bit for bit: they reproduce
PyTorch's CPU bits where its kernels call Vectorized<float>::exp() and
::log(), i.e. Sleef_expf16_u10 and Sleef_logf16_u10 (AVX-512; the AVX2
Sleef_expf8_u10 / Sleef_logf8_u10 run the same algorithm, lane by lane, with
the same fused multiply-adds: sleefsimdsp.c's xexpf and xlogf_u1).

Not torch.exp and torch.log themselves: on an MKL build (PyTorch's x86
wheels) those go through MKL's VML (vsExp, vsLn), which this does not
reproduce. The softmax kernels (SoftMaxKernel.cpp, LogSoftmaxKernelImpl.h)
call Sleef directly, and `softmax_lastdim` / `log_softmax_lastdim` below
follow their order of operations: the row's max, exp(x - max), the sum in
16 vector lanes (AVX-512) folded by halves (vec_reduce_all), or one after
another for a row shorter than a vector, then log(sum) or 1 / sum.

A float32 fma(a, b, c) is emulated exactly: a * b is exact in float64, and
the float64 sum rounds to float32 wrongly only when it falls exactly on a
float32 midpoint, which is checked and repaired (`_fma32`).
"""
import os

from .._backend import np
from .._meta import is_meta
from . import _glibc

__all__ = ["expf", "logf", "log1pf", "fma32", "softmax_lastdim", "log_softmax_lastdim",
           "softmax_backward_lastdim", "log_softmax_backward_lastdim", "sigmoid",
           "in_runs", "takes_runs", "exp_of_negated"]

_F = np.float32
_D = np.float64
_R_LN2 = _F(1.442695040888963407359924681001892137426645954152985934135449406931)
_L2U = _F(0.693145751953125)
_L2L = _F(1.428606765330187045e-06)
_EXP_POLY = tuple(_F(c) for c in (0.000198527617612853646278381, 0.00139304355252534151077271,
                                  0.00833336077630519866943359, 0.0416664853692054748535156,
                                  0.166666671633720397949219, 0.5))
_LOG_POLY = tuple(_F(c) for c in (0.3027294874, 0.3996108174, 0.6666694880))
_LN2_HI, _LN2_LO = _F(0.69314718246459960938), _F(-1.904654323148236017e-09)
_MID_MASK, _MID = np.uint64(0x1FFFFFFF), np.uint64(0x10000000)
_LANES = 16


def _two_sum_err(a, b, s):
    """The rounding error of s = a + b (Knuth's TwoSum)."""
    bb = s - a
    return (a - (s - bb)) + (b - bb)


def _round32(t, p, c, tiny=True):
    """float32 of the float64 sum t = p + c (p, c exact float64), rounding
    once: a t on a float32 midpoint that is not the exact sum steps one
    float64 ulp toward the exact sum first. (tiny=False: no t is below
    float32's normal range, where the midpoints lie elsewhere.)"""
    bits = t.view(np.uint64)
    mid = (bits & _MID_MASK) == _MID
    if tiny:
        a = np.abs(t)
        small = a < _D(2.0 ** -126)
        if small.any():
            k = a * _D(2.0 ** 150)      # (a midpoint: an odd multiple of 2**-150)
            mid = np.where(small, (k == np.floor(k)) & (np.fmod(k, 2) == 1), mid)
    if mid.any():
        # (where the float64 sum was inexact, one float64 unit toward the
        # exact sum; whole arrays: a training step's are small, and NumPy's
        # calls cost more than its loops)
        step = np.where(mid, np.sign(_two_sum_err(p, c, t)), 0)     # (inf - inf: NaN)
        step *= np.sign(t)
        t = (t.view(np.int64) + step.astype(np.int64)).view(_D)
    return t.astype(_F)


def _fma32(a, b, c, tiny=True):
    """fma(a, b, c) of float32 operands, rounded once to float32 (tiny:
    see _round32)."""
    p = np.multiply(a, b, dtype=_D)
    c = np.asarray(c, _D)
    return _round32(p + c, p, c, tiny)


def fma32(a, b, c):
    """fma(a, b, c) of float32 arrays, rounded once (the fused multiply-adds
    GCC makes of PyTorch's a * b + c in its float32 kernels)."""
    with np.errstate(all="ignore"):
        return _fma32(a, b, c)


def _pow2(q):
    """2.0f ** q for integer q in float32's normal exponent range."""
    return ((q + 127) << 23).astype(np.int32).view(_F)


# Each Horner step of xexpf's polynomial lands in one binade (|s| <= ln2 / 2),
# so its float32 rounding is a float64 addition of 1.5 * 2**(52 + the binade's
# last float32 bit): fma(u, s, c) == (u * s + (c + M)) - M, one rounding.
# The last step, 0.5 + u * s, is below 0.5 for s < 0 and from 0.5 up for s >= 0;
# 0.5 lies on both grids (an even multiple), so u * s is rounded there alone.
# (Small arrays are what a training step meets: every NumPy call counts, and
# the constants are NumPy scalars made once.)
_EXP_C0 = _D(_EXP_POLY[0])
_EXP_STEPS = tuple((_D(c) + _D(1.5 * 2.0 ** (52 + g)), _D(1.5 * 2.0 ** (52 + g))) for c, g in zip(
    _EXP_POLY[1:5], (-33, -30, -28, -26)))
# (the last step's magic: 1.5 * 2**27 for s < 0, 1.5 * 2**28 from 0 up, as
# mid + copysign(spread, s); -0.0 takes the first, and rounds to 0 either way)
_HALF_MAGIC_MID, _HALF_MAGIC_SPREAD = _D(1.125 * 2.0 ** 28), _D(0.375 * 2.0 ** 28)
_EXP_LO, _EXP_HI, _ONE, _HALF = _F(-105), _F(101), _F(1), _D(0.5)
_L2_D = _D(_L2U) + _D(_L2L)     # (exact)
_BLOCK = 1 << 14


def expf(d):
    """Sleef_expf_u10 (xexpf) of a float32 array: exp(x) for x > 100 is inf,
    for x < -104 is 0 (as the computed value there is)."""
    with np.errstate(all="ignore"):
        return _expf(np.asarray(d, _F))


def _expf(d):
    """expf, NumPy's warnings left to the caller to silence."""
    if not d.ndim:      # (NumPy's ufuncs give 0-d results as scalars)
        return _expf_block(d.reshape(1)).reshape(())
    if d.size <= _BLOCK:
        return _expf_block(d)
    out = np.empty(d.shape, _F)
    flat, res = d.reshape(-1), out.reshape(-1)
    for i in range(0, flat.size, _BLOCK):
        res[i:i + _BLOCK] = _expf_block(flat[i:i + _BLOCK])
    return out


def _expf_block(d):
    dc = np.maximum(d, _EXP_LO)                 # (NaN stays)
    np.minimum(dc, _EXP_HI, out=dc)
    q = dc * _R_LN2
    np.rint(q, out=q)
    # s = fma(q, -L2L, fma(q, -L2U, d)): the inner fma is exact, and so is
    # d - q * (L2U + L2L) in float64 (L2U + L2L has 44 bits, q 8): one rounding
    t = q.astype(_D)
    t *= _L2_D
    np.subtract(dc.astype(_D), t, out=t)
    s = t.astype(_F)
    s64 = s.astype(_D)      # (float64 from here: NumPy's mixed-type calls cost twice)
    u = s64 * _EXP_C0
    u += _EXP_STEPS[0][0]
    u -= _EXP_STEPS[0][1]
    for c_magic, magic in _EXP_STEPS[1:]:
        u *= s64
        u += c_magic
        u -= magic
    u *= s64
    magic = np.copysign(_HALF_MAGIC_SPREAD, s64)
    magic += _HALF_MAGIC_MID
    u += magic
    u -= magic
    u += _HALF
    p = (s * s).astype(_D)                       # (s * s rounded to float32 first)
    p *= u
    t = p + s64
    v = _round32(t, p, s64, tiny=False)     # (s * s is 0 unless |s| >= 2**-75)
    v += _ONE
    return np.ldexp(v, q.astype(np.int32))      # (vldexp2's two steps round once)


def _df_add2(x, y):
    s = x + y
    v = s - x
    return s, (x - (s - v)) + (y - v)


def logf(d):
    """Sleef_logf_u10 (xlogf_u1) of a float32 array; log(0) = -inf,
    log(inf) = inf, negatives NaN."""
    with np.errstate(all="ignore"):
        return _logf(np.asarray(d, _F))


def _logf(d):
    """logf, NumPy's warnings left to the caller to silence. Inputs from 1
    to 32768 (softmax's row sums) are the correctly rounded logarithm, then
    Sleef's own last bit where a table says it differs (make_sleef_log_table
    in tools/); any other input goes through the emulation."""
    if not d.ndim:
        return _logf(d.reshape(1)).reshape(())
    table = _log_table()
    if table is None or not d.size or not (_LOG_LO <= d.min() and d.max() <= _LOG_HI):
        return _logf_sleef(d)
    keys, values = table
    r = _rounded_log(d)
    bits = d.view(np.uint32)
    at = np.searchsorted(keys, bits)            # (keys end with a sentinel past the range)
    hit = keys[at] == bits
    if hit.any():
        r[hit] = values[at[hit]]
    return r


_LOG_LO, _LOG_HI = _F(1), _F(32768)


def _rounded_log(d):
    """The correctly rounded float32 log (a double's, rounded once): what
    the table's entries are one unit from."""
    return np.log(d.astype(_D)).astype(_F)

_LOG_TABLE = []
_LOG_TABLE_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_sleef_log_table.npz")


def _log_table():
    """(sorted input bits, Sleef's logf there) from the shipped table, loaded
    at first use; None without the file (every log is then emulated)."""
    if not _LOG_TABLE:
        try:
            with np.load(_LOG_TABLE_FILE, allow_pickle=False) as z:
                up, down = (np.cumsum(z[k], dtype=np.uint32) for k in ("up", "down"))
                near_keys, near_vals = z["near_keys"], z["near_vals"]
        except OSError:
            _LOG_TABLE.append(None)
            return None
        keys = np.concatenate((up, down))
        with np.errstate(all="ignore"):
            rounded = _rounded_log(keys.view(_F)).view(np.int32)
        step = np.concatenate((np.ones(up.size, np.int32), -np.ones(down.size, np.int32)))
        keys = np.concatenate((keys, near_keys, [np.uint32(0xFFFFFFFF)]))
        values = np.concatenate(((rounded + step).view(_F), near_vals, [_F(0)]))
        order = np.argsort(keys, kind="stable")
        _LOG_TABLE.append((keys[order], values[order]))
    return _LOG_TABLE[0]


def scan_log_table(block=1 << 18):
    """Where float32(log(double(x))) misses Sleef's logf for float32 x in
    [1, 32768]: the bits of x one unit below (up), one above (down), and
    those near a float32 midpoint with their values (tools/make_sleef_log_table)."""
    lo, hi = int(_LOG_LO.view(np.uint32)), int(_LOG_HI.view(np.uint32)) + 1
    up, down, near_keys, near_vals = [], [], [], []
    with np.errstate(all="ignore"):
        for a in range(lo, hi, block):
            bits = np.arange(a, min(a + block, hi), dtype=np.uint32)
            exact = _logf_sleef(bits.view(_F))
            wide = np.log(bits.view(_F).astype(_D))
            step = exact.view(np.int32) - _rounded_log(bits.view(_F)).view(np.int32)
            # (distance from a float32 midpoint, in double units; a miss by
            # more than a unit, were there one, is kept with its value too)
            near = np.abs((wide.view(np.uint64) & _MID_MASK).astype(np.int64)
                          - np.int64(_MID)) < 128
            near |= np.abs(step) > 1
            up.append(bits[(step == 1) & ~near])
            down.append(bits[(step == -1) & ~near])
            near_keys.append(bits[near])
            near_vals.append(exact[near])
    return tuple(np.concatenate(v) for v in (up, down, near_keys, near_vals))


def _log_core(e, nx, dx, dy):
    """What xlogf_u1 and xlog1pf share: e * ln2 (a double-float) plus
    2 * atanh(x) for x = dfdiv((nx, 0), (dx, dy)), a polynomial in x * x."""
    # s = dfmul((ln2 hi, lo), e): its low part's fma is exact in float64
    sx = _LN2_HI * e
    e64 = e.astype(_D)
    sy = ((e64 * _D(_LN2_HI) - sx) + e64 * _D(_LN2_LO)).astype(_F)
    # dfdiv: the numerator's low part is 0, so its fma(ny, t, u) is u
    t = _F(1) / dx
    qx = nx * t
    t64 = t.astype(_D)
    uu = (t64 * nx - qx).astype(_F)                           # (exact)
    w = (_D(1) - t64 * dx).astype(_F)                         # (exact before rounding)
    w = _fma32(-dy, t, w, False)
    qy = _fma32(qx, w, uu, False)
    x2 = qx * qx
    tt = _fma32(_LOG_POLY[0], x2, _LOG_POLY[1], False)
    tt = _fma32(tt, x2, _LOG_POLY[2], False)
    # s = dfadd(s, dfscale(x, 2)); s = dfadd(s, x2 * x * t)
    bx = qx * _F(2)
    s0 = sx + bx
    sy = (((sx - s0) + bx) + sy) + qy * _F(2)
    z = (x2 * qx) * tt
    s1 = s0 + z
    sy = ((s0 - s1) + z) + sy
    return s1 + sy


def _logf_sleef(d):
    """xlogf_u1 step by step, in its AVX-512 form (getexp, getmant,
    fixupimm). (No fma in it lands under float32's normal range: _fma32's
    tiny=False.)"""
    ok = (d > 0) & (d < np.inf)
    every = ok.all()
    dd = d if every else np.where(ok, d, _F(1))
    # vgetexp(d * (1 / 0.75)): floor(log2) of the rounded product (inf: 128)
    v = dd * _F(1.0 / 0.75)
    e = np.frexp(v)[1].astype(_F)
    e -= _F(1)
    if v.max(initial=0) == np.inf:
        e[v == np.inf] = 128
    # vgetmant(d, [0.75, 1.5)): the significand, halved from 1.5 up
    f = np.frexp(dd)[0]
    m = np.where(f < _F(0.75), f * _F(2), f)
    # x = dfdiv(dfadd2(-1, m), dfadd2(1, m)); m - 1 is exact (Sterbenz)
    r = _log_core(e, m - _F(1), *_df_add2(_F(1), m))
    if not every:   # vfixupimm: 0 -> -inf, inf -> inf, below 0 (or -inf) NaN, NaN kept
        r[~ok] = np.where(d[~ok] == 0, _F(-np.inf), np.where(d[~ok] == np.inf, d[~ok],
                                                               _F(np.nan)))
        r = np.where(np.isnan(d), d, r)
    return r


def log1pf(d):
    """Sleef_log1pf_u10 (xlog1pf) of a float32 array, in its AVX-512 form:
    log(2**e * (1 + m)) with 1 + d = 2**e * (1 + m) and m = fma(d, 2**-e,
    2**-e - 1). (Past 1e38 Sleef takes xlogf_u1 of d itself.)"""
    d = np.asarray(d, _F)
    if not d.ndim:
        return log1pf(d.reshape(1)).reshape(())
    with np.errstate(all="ignore"):
        ok = (d > _F(-1)) & (d <= _LOG1P_BOUND)
        every = ok.all()
        dd = d if every else np.where(ok, d, _F(0))
        v = (dd + _F(1)) * _F(1.0 / 0.75)
        e = (np.frexp(v)[1] - 1).astype(_F)      # (vgetexp)
        t = np.ldexp(_F(1), -e.astype(np.int32))
        m = (dd.astype(_D) * t + (t.astype(_D) - 1)).astype(_F)    # (one rounding: exact in double)
        s = _F(2) + m                             # dfadd(2, m): |m| < 2
        r = _log_core(e, m, s, (_F(2) - s) + m)
        if not every:
            big = d > _LOG1P_BOUND
            r = np.where(big, _logf_sleef(np.where(big, d, _F(1))), r)
            r = np.where(d < _F(-1), _F(np.nan), r)
            r = np.where(d == _F(-1), _F(-np.inf), r)
            r = np.where(np.isnan(d), d, r)
        return np.where((d == 0) & np.signbit(d), d, r)     # (-0.0 stays -0.0)


_LOG1P_BOUND = _F(float.fromhex("0x1.2ced32p+126"))


def _lane_sums(e, fused_tail=None):
    """Row sums of a float32 (rows, n) array as Vectorized<float>'s
    reduce_all adds them: rows shorter than a vector one after another,
    others in 16 lanes (a partial last vector into its first lanes), the
    lanes folded by halves. fused_tail: (a, b) whose products make `e`,
    the partial vector's added by a fused multiply-add."""
    n = e.shape[1]
    if n < _LANES:      # (an accumulation adds one after another)
        return np.add.accumulate(e, axis=1)[:, -1]
    k = n // _LANES
    acc = np.add.reduce(e[:, :k * _LANES].reshape(len(e), k, _LANES), axis=1)
    rem = n - k * _LANES
    if rem and fused_tail is None:
        acc[:, :rem] += e[:, k * _LANES:]
    elif rem:
        a, b = (v[:, k * _LANES:] for v in fused_tail)
        acc[:, :rem] = _fma32(a, b, acc[:, :rem])
    while acc.shape[1] > 1:
        h = acc.shape[1] // 2
        acc = acc[:, :h] + acc[:, h:]
    return acc[:, 0]


def _rows(x):
    x = np.ascontiguousarray(x, _F)
    return x.reshape(-1, x.shape[-1]) if x.ndim else x.reshape(1, 1)


def softmax_lastdim(x):
    """PyTorch's float32 softmax over the last axis (_vec_softmax_lastdim)."""
    r = _rows(x)
    with np.errstate(all="ignore"):
        e = _expf(r - r.max(axis=1, keepdims=True))
        e *= (_ONE / _lane_sums(e))[:, None]
    return e.reshape(x.shape)


def log_softmax_lastdim(x):
    """PyTorch's float32 log_softmax over the last axis
    (serial_vec_log_softmax_lastdim_range): x - max - log(sum exp(x - max))."""
    r = _rows(x)
    with np.errstate(all="ignore"):
        s = r - r.max(axis=1, keepdims=True)
        s -= _logf(_lane_sums(_expf(s)))[:, None]
    return s.reshape(x.shape)


def softmax_backward_lastdim(g, y, threads=1):
    """_vec_host_softmax_backward_lastdim: (g - sum(g * y)) * y, the sum in
    map2_reduce_all's lanes. Where parallel_for runs the rows in place (one
    thread, or one row), GCC fuses the partial last vector's multiply and
    add; its OpenMP copy of the loop (`threads` > 1) does not."""
    gr, yr = _rows(g), _rows(y)
    with np.errstate(all="ignore"):
        serial = threads == 1 or len(gr) == 1
        total = _lane_sums(gr * yr, (gr, yr) if serial else None)
        out = gr - total[:, None]
        out *= yr
    return out.reshape(np.shape(y))


def log_softmax_backward_lastdim(g, y):
    """_vec_host_softmax_backward_lastdim for log_softmax: g - exp(y) * sum(g),
    Sleef's exp, the sum in reduce_all's lanes, and one rounding: PyTorch's
    build (GCC, -ffp-contract=fast) fuses the multiply and subtract."""
    gr, yr = _rows(g), _rows(y)
    with np.errstate(all="ignore"):
        e = _expf(yr)
        np.negative(e, out=e)
        out = _fma32(e, _lane_sums(gr)[:, None], gr)   # (GCC fuses x - y * z)
    return out.reshape(np.shape(y))


# (one loop, one thread: PyTorch cuts larger tensors at 32768 elements)
SIGMOID_MAX = 1 << 15


def in_runs(x, vector, scalar):
    """vector(v) on x's elements in whole runs of 32 (two vectors a step)
    and scalar(v) on the n % 32 left, in memory order: a unary or binary
    cpu_kernel_vec's one loop over a dense tensor, whose tail is its scalar
    op. x: dense (see in_memory_order), at most SIGMOID_MAX elements."""
    y, back = in_memory_order(x)
    flat = y.reshape(-1)
    whole = flat.size - flat.size % 32
    out = np.empty_like(flat)
    with np.errstate(all="ignore"):
        if whole:
            out[:whole] = vector(flat[:whole])
        if whole < flat.size:
            out[whole:] = scalar(flat[whole:])
    out = out.reshape(y.shape)
    return out if back is None else out.transpose(back)


def takes_runs(x, g=None):
    """Whether in_runs reproduces PyTorch's kernel over x: float32, 1 to
    SIGMOID_MAX elements of real data, dense for a unary kernel; for a
    binary one, with its other operand g, x C-contiguous and g too or one
    broadcast value (the walk also follows g's layout)."""
    if x.dtype != _F or not 0 < x.size <= SIGMOID_MAX or is_meta(x):
        return False
    if g is None:
        return in_memory_order(x)[0] is not None
    return x.flags.c_contiguous and (g.flags.c_contiguous or not any(g.strides))


def in_memory_order(x):
    """(x's dims permuted into a C-contiguous view, the permutation back or
    None): TensorIterator walks a dense tensor in memory order, whatever its
    dims' order. (None, None) where x is not dense (a broadcast, a slice)."""
    if x.flags.c_contiguous:
        return x, None
    order = np.argsort([-s for s in x.strides], kind="stable")
    y = x.transpose(order)
    return (y, np.argsort(order)) if y.flags.c_contiguous else (None, None)


def exp_of_negated(x):
    """exp(-x): Sleef's exp in runs, glibc's expf after (in_runs)."""
    return in_runs(x, lambda v: _expf(-v), lambda v: _glibc.expf(-v))


def sigmoid(x):
    """PyTorch's float32 sigmoid, 1 / (1 + exp(-x)), bit for bit (see
    exp_of_negated; x dense)."""
    e = exp_of_negated(x)
    e += 1
    return np.divide(1, e, out=e)
