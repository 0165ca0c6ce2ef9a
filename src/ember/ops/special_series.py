"""The error and gamma families on float64 NumPy arrays: the numerical
kernels of ops/special_functions.py.

Every kernel works with NumPy alone, by the algorithms PyTorch's CPU kernels
use (Cephes's, aten/src/ATen/native/Math.h) or series accurate to float64;
where SciPy is installed its ufuncs serve as a faster path for the common
region, and PyTorch's own conventions at poles, infinities and out-of-domain
points are applied after either path, so both give PyTorch's values.
Loops run over series terms or recurrence steps, never over elements.
"""
import functools
import math

from .._backend import np, optional

from . import special_tables as _T

# optional: a fast path, never required (imported when first used)
_sc = optional("scipy.special")


def scipy_special():
    """SciPy's special module, or None (tests switch the fast path off by
    setting `_sc` to None)."""
    return _sc


def quiet(kernel):
    """Kernels produce inf and nan on purpose (poles, out of domain)."""
    @functools.wraps(kernel)
    def run(*args):
        with np.errstate(all="ignore"):
            return kernel(*args)
    return run


def piecewise(mask, x, where_true, where_false):
    """where_true(x[mask]) and where_false(x[~mask]), each computed only on
    its own elements (no work, and no warnings, for the others)."""
    out = np.empty(x.shape, np.result_type(x, np.float64) if x.dtype.kind != "f" else x.dtype)
    if mask.any():
        out[mask] = where_true(x[mask])
    if not mask.all():
        out[~mask] = where_false(x[~mask])
    return out


def horner(z, coeffs):
    """sum coeffs[i] * z**(n-1-i), highest power first (Cephes's polevl)."""
    r = np.zeros_like(z) + coeffs[0]
    for c in coeffs[1:]:
        r = r * z + c
    return r


def chbevl(x, coeffs):
    """Cephes's Chebyshev series evaluation."""
    b0, b1, b2 = np.zeros_like(x) + coeffs[0], np.zeros_like(x), np.zeros_like(x)
    for c in coeffs[1:]:
        b2, b1 = b1, b0
        b0 = x * b1 - b2 + c
    return 0.5 * (b0 - b2)


_ISPI = 0.56418958354775628694807945156      # 1 / sqrt(pi)
_ERFCX_ROWS = np.array(_T.ERFCX_Y100)


def _erfcx_y100(y100):
    """The Faddeeva package's erfcx on [0, 50] through y = 4 / (4 + x): a
    polynomial per hundredth of y."""
    k = np.fmax(np.fmin(y100, 99.0), 0.0).astype(np.int64)     # (fmax: NaN to 0)
    t = 2 * y100 - (2 * k + 1)
    rows = _ERFCX_ROWS[k]
    r = rows[..., 6]
    for i in range(5, -1, -1):
        r = rows[..., i] + r * t
    return r


@quiet
def erfcx(x):
    if _sc is not None:
        return _sc.erfcx(x)
    ax = np.abs(x)
    big = x * x
    # beyond 50 a continued fraction (its first term alone beyond 5e7)
    fraction = _ISPI * (big * (big + 4.5) + 2) / (ax * (big * (big + 5) + 3.75))
    pos = np.where(ax > 5e7, _ISPI / ax,
                   np.where(ax > 50, fraction, _erfcx_y100(400 / (4 + ax))))
    neg = np.where(x < -26.7, np.inf, 2 * np.exp(big) - np.where(x < -6.1, 0.0, pos))
    return np.where(x >= 0, pos, np.where(np.isnan(x), x, neg))


def _exp_minus_square(x):
    """exp(-x*x) without the rounding of x*x: x split into a 24-bit head
    (whose square is exact) and a tail."""
    head = x.astype(np.float32).astype(np.float64)
    return np.exp(-head * head) * np.exp(-(x - head) * (x + head))


def _erf_series(x):
    """Maclaurin series of erf, for |x| < 0.5 (18 terms reach float64)."""
    z = x * x
    term, total = x.copy(), x.copy()
    bound = float(np.max(z, initial=0.0))     # terms shrink like bound**n / n!
    size = 1.0
    for n in range(1, 18):
        term = term * -z / n
        total = total + term / (2 * n + 1)
        size = size * bound / n
        if size < 1e-17:
            break
    return total * (2 * _ISPI)


def _erfc_nonneg(ax):
    ax = np.minimum(ax, 40.0)      # erfc(40) is 0 already; inf * 0 would not be
    return erfcx(ax) * _exp_minus_square(ax)


@quiet
def erf(x):
    if _sc is not None:
        return _sc.erf(x)
    return piecewise(np.abs(x) < 0.5, x, _erf_series,
                     lambda v: np.sign(v) * (1 - _erfc_nonneg(np.abs(v))))


@quiet
def erfc(x):
    if _sc is not None:
        return _sc.erfc(x)
    def tail(v):
        t = _erfc_nonneg(np.abs(v))
        return np.where(v < 0, 2 - t, t)
    return piecewise(np.abs(x) < 0.5, x, lambda v: 1 - _erf_series(v), tail)


@quiet
def erfinv(y):
    """PyTorch's calc_erfinv: a rational first guess, two Newton steps."""
    if _sc is not None:
        return _sc.erfinv(y)
    ay = np.abs(y)
    z = y * y
    central = y * (((-0.140543331 * z + 0.914624893) * z - 1.645349621) * z + 0.886226899) / (
        (((0.012229801 * z - 0.329097515) * z + 1.442710462) * z - 2.118377725) * z + 1)
    w = np.sqrt(-np.log((1 - ay) / 2))
    num = ((1.641345311 * w + 3.429567803) * w - 1.624906493) * w - 1.970840454
    tail = np.copysign(num, y) / ((1.637067800 * w + 3.543889200) * w + 1)
    x = np.where(ay <= 0.7, central, tail)
    for _ in range(2):
        x = x - (erf(x) - y) / (2 * _ISPI * np.exp(-x * x))
    x = np.where(ay == 1, np.copysign(np.inf, y), x)
    return np.where(ay > 1, np.nan, x)


@quiet
def ndtri(y):
    """Cephes's ndtri, as PyTorch's calc_ndtri."""
    if _sc is not None:
        return _sc.ndtri(y)
    s2pi = 2.50662827463100050242
    e2 = 0.13533528323661269189         # exp(-2)
    code = y > 1 - e2
    yy = np.where(code, 1 - y, y)
    c = yy - 0.5
    c2 = c * c
    central = (c + c * (c2 * horner(c2, _T.NDTRI_P0) / horner(c2, _T.NDTRI_Q0))) * s2pi
    x = np.sqrt(-2 * np.log(yy))
    x0 = x - np.log(x) / x
    z = 1 / x
    x1 = np.where(x < 8, z * horner(z, _T.NDTRI_P1) / horner(z, _T.NDTRI_Q1),
                  z * horner(z, _T.NDTRI_P2) / horner(z, _T.NDTRI_Q2))
    tail = np.where(code, x0 - x1, x1 - x0)
    r = np.where(yy > e2, central, tail)
    r = np.where(y == 0, -np.inf, np.where(y == 1, np.inf, r))
    return np.where((y < 0) | (y > 1), np.nan, r)


@quiet
def log_ndtr(x):
    if _sc is not None:
        return _sc.log_ndtr(x)
    t = x * math.sqrt(0.5)
    lower = x < -1
    return np.where(lower, np.log(erfcx(-t) / 2) - t * t,
                    np.log1p(-erfc(np.where(lower, 0.0, t)) / 2))


# -- the gamma family ---------------------------------------------------------

_STIRLING = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156)
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def _shift_up(z, limit):
    """z raised by whole steps to at least `limit`: (z + k, the product of
    z, z+1, ..., z+k-1)."""
    prod = np.ones_like(z)
    for _ in range(int(limit) + 1):
        low = z < limit
        if not low.any():
            break
        prod = np.where(low, prod * z, prod)
        z = np.where(low, z + 1, z)
    return z, prod


def _abs_sinpi(x):
    """|sin(pi x)|, exactly 0 at integers: the argument reduced first."""
    return np.abs(np.sin(math.pi * (x - np.round(x))))


@quiet
def lgamma(x):
    if _sc is not None:
        return np.where(x == -np.inf, np.inf, _sc.gammaln(x))
    reflect = x < 0.5
    z = np.where(reflect, 1 - x, x)
    z, prod = _shift_up(np.where(np.isfinite(z), z, 10.0), 10)
    inv = 1 / (z * z)
    series = horner(inv, _STIRLING[::-1]) / z
    lg = (z - 0.5) * np.log(z) - z + _HALF_LOG_2PI + series - np.log(prod)
    lg = np.where(np.isfinite(x), lg, np.abs(x))
    refl = np.log(math.pi / _abs_sinpi(x)) - lg
    return np.where(reflect & np.isfinite(x), refl, lg)


_PSI_A = (8.33333333333333333333E-2, -2.10927960927960927961E-2, 7.57575757575757575758E-3,
          -4.16666666666666666667E-3, 3.96825396825396825397E-3, -8.33333333333333333333E-3,
          8.33333333333333333333E-2)
_PSI_10 = 2.25175258906672110764


def _digamma_positive(x):
    """Cephes's psi for x > 0: up to 10 by recurrence, then asymptotic."""
    acc = np.zeros_like(x)
    for _ in range(10):
        low = x < 10
        if not low.any():
            break
        acc = np.where(low, acc - 1 / x, acc)
        x = np.where(low, x + 1, x)
    z = 1 / (x * x)
    y = np.where(x < 1e17, z * horner(z, _PSI_A), 0.0)
    return np.where(x == 10, acc + _PSI_10, acc + np.log(x) - 0.5 / x - y)


@quiet
def digamma(x):
    """PyTorch's calc_digamma (reflection for x < 0 through the fractional
    part, which keeps tan(pi r) accurate)."""
    neg = x < 0
    if _sc is not None:
        r = _sc.psi(x)
    else:
        r = _digamma_positive(np.where(neg, 1 - x, x))
        frac = np.fmod(x, 1.0)
        r = np.where(neg, r - math.pi / np.tan(math.pi * frac), r)
    r = np.where(neg & (x == np.trunc(x)), np.nan, r)
    return np.where(x == 0, np.copysign(np.inf, -x), r)


@quiet
def trigamma(x):
    """PyTorch's trigamma (a reflection, six recurrence steps, asymptotic);
    its sin(pi x) is not reduced, so negative integers give PyTorch's huge
    finite values, not inf."""
    reflect = x < 0.5
    sign = np.where(reflect, -1.0, 1.0)
    result = np.where(reflect, -(math.pi * math.pi) / np.sin(math.pi * x) ** 2, 0.0)
    x = np.where(reflect, 1 - x, x)
    for _ in range(6):
        result = result + 1 / (x * x)
        x = x + 1
    ixx = 1 / (x * x)
    result = result + (1 + 1 / (2 * x) + ixx * (1 / 6 - ixx * (1 / 30 - ixx * (1 / 42)))) / x
    return sign * result


_ZETA_A = (12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9,
           7.47242496e10, -2.950130727918164224e12, 1.1646782814350067249e14,
           -4.5979787224074726105e15, 1.8152105401943546773e17, -7.1661652561756670113e18)
_MACHEP = 1.11022302462515654042E-16


def _zeta_own(x, q):
    """Cephes's Hurwitz zeta (PyTorch's zeta): direct sum, then the
    Euler-Maclaurin tail."""
    s = q ** -x
    a = q.copy()
    b = np.zeros_like(s)
    done = np.zeros(s.shape, bool)
    i = 0
    while True:
        going = ~done & ((i < 9) | (a <= 9.0))
        if not going.any():
            break
        i += 1
        a = np.where(going, a + 1, a)
        b = np.where(going, a ** -x, b)
        s = np.where(going, s + b, s)
        done |= going & (np.abs(b) < _MACHEP * np.abs(s))
    w = a
    tail = ~done
    s = np.where(tail, s + b * w / (x - 1) - 0.5 * b, s)
    a_, k = np.ones_like(s), np.zeros_like(s)
    for coef in _ZETA_A:
        a_ = a_ * (x + k)
        b = b / w
        t = a_ * b / coef
        s = np.where(tail, s + t, s)
        tail = tail & ~(np.abs(t / s) < _MACHEP)
        k = k + 1
        a_ = a_ * (x + k)
        b = b / w
        k = k + 1
    return s


@quiet
def zeta(x, q):
    x, q = np.broadcast_arrays(np.asanyarray(x, np.float64), np.asanyarray(q, np.float64))
    nonpos = q <= 0
    if _sc is not None and not nonpos.any():
        r = _sc.zeta(x, q)
    else:
        r = _zeta_own(x.copy(), np.where(nonpos & (q == np.floor(q)), 1.0, q))
    r = np.where(nonpos & (x != np.floor(x)), np.nan, r)
    r = np.where(nonpos & (q == np.floor(q)), np.inf, r)
    r = np.where(x < 1, np.nan, r)
    return np.where(x == 1, np.inf, r)


def polygamma(n, x):
    if n == 0:
        return digamma(x)
    if n == 1:
        return trigamma(x)
    return (1.0 if n % 2 else -1.0) * float(math.factorial(n)) * zeta(np.float64(n + 1), x)
