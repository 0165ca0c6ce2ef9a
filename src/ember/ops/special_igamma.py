"""The regularized incomplete gamma functions P(a, x) (gammainc) and
Q(a, x) (gammaincc) on float64 NumPy arrays, by PyTorch's calc_igamma and
calc_igammac (SciPy's igam.c): the same regions (power series, continued
fraction, the uniform asymptotic expansion where a ~ x), each computed on
its own elements only. SciPy's ufuncs are the optional fast path outside
the asymptotic region (PyTorch's expansion there divides by sqrt(2 pi a)
with a float32 pi, which shows in the 10th digit)."""
import math

from .._backend import np

from . import special_series as _S
from .special_series import erfc, lgamma, quiet
from .special_tables_igamma import IGAM_D

_MACHEP = 1.11022302462515654042E-16
_D = np.array(IGAM_D)
_PI_FLOAT = float(np.float32(math.pi))


def _prefactor(a, x):
    """x**a exp(-x) / Gamma(a), in logs."""
    return np.exp(a * np.log(x) - x - lgamma(a))


def _lower_series(a, x):
    """P(a, x) = x**a e**-x / Gamma(a+1) * sum x**n / ((a+1)...(a+n))."""
    term = np.ones_like(x)
    total = np.ones_like(x)
    live = np.ones(x.shape, bool)
    ap = a.copy()
    for _ in range(2000):
        ap = ap + 1
        term = np.where(live, term * x / ap, term)
        total = np.where(live, total + term, total)
        live &= term > _MACHEP * total
        if not live.any():
            break
    return total * _prefactor(a, x) / a


def _upper_series(a, x):
    """Q(a, x) for small x (DLMF 8.7.3), without P's cancellation."""
    fac = np.ones_like(x)
    total = np.zeros_like(x)
    live = np.ones(x.shape, bool)
    for n in range(1, 2000):
        fac = fac * -x / n
        term = fac / (a + n)
        total = np.where(live, total + term, total)
        live &= ~(np.abs(term) <= _MACHEP * np.abs(total))
        if not live.any():
            break
    logx = np.log(x)
    return -np.expm1(a * logx - lgamma(1 + a)) - np.exp(a * logx - lgamma(a)) * total


def _upper_fraction(a, x):
    """Q(a, x) by Cephes's continued fraction (igamc)."""
    y = 1 - a
    z = x + y + 1
    c = np.zeros_like(x)
    pkm2, qkm2 = np.ones_like(x), x.copy()
    pkm1, qkm1 = x + 1, z * x
    ans = pkm1 / qkm1
    live = np.ones(x.shape, bool)
    for _ in range(2000):
        c, y, z = c + 1, y + 1, z + 2
        yc = y * c
        pk = pkm1 * z - pkm2 * yc
        qk = qkm1 * z - qkm2 * yc
        nz = qk != 0
        r = np.where(nz, pk / np.where(nz, qk, 1), ans)
        t = np.where(nz, np.abs((ans - r) / r), 1.0)
        ans = np.where(live, r, ans)
        scale = np.where(np.abs(pk) > 4.503599627370496e15, 2.22044604925031308085e-16, 1.0)
        pkm2, pkm1 = np.where(live, pkm1 * scale, pkm2), np.where(live, pk * scale, pkm1)
        qkm2, qkm1 = np.where(live, qkm1 * scale, qkm2), np.where(live, qk * scale, qkm1)
        live &= ~(t <= _MACHEP)
        if not live.any():
            break
    return ans * _prefactor(a, x)


def _asymptotic(a, x, lower):
    """P or Q by the uniform expansion in eta (DLMF 8.12.3/8.12.4)."""
    sgn = -1.0 if lower else 1.0
    sigma = (x - a) / a
    eta = np.sign(x - a) * np.sqrt(-2 * (np.log1p(sigma) - sigma))
    res = 0.5 * erfc(sgn * eta * np.sqrt(a / 2))
    total = np.zeros_like(a)
    afac = np.ones_like(a)
    old = np.full(a.shape, np.inf)
    going = np.ones(a.shape, bool)
    powers = [np.ones_like(eta)]
    for _ in range(24):
        powers.append(powers[-1] * eta)
    for k in range(25):
        ck = np.full(a.shape, _D[k, 0])
        live = np.ones(a.shape, bool)
        for n in range(1, 25):
            term = _D[k, n] * powers[n]
            ck = np.where(live, ck + term, ck)
            live &= ~(np.abs(term) < _MACHEP * np.abs(ck))
            if not live.any():
                break
        term = ck * afac
        going &= ~(np.abs(term) > old)
        total = np.where(going, total + term, total)
        going &= ~(np.abs(term) < _MACHEP * np.abs(total))
        if not going.any():
            break
        old = np.where(going, np.abs(term), old)
        afac = afac / a
    return res + sgn * np.exp(-0.5 * a * eta * eta) * total / np.sqrt(2 * _PI_FLOAT * a)


def _edges(a, x, upper):
    """PyTorch's values at the edges of the domain (NaN where none), and
    where the functions proper are computed."""
    lo, hi = (1.0, 0.0) if upper else (0.0, 1.0)
    r = np.full(a.shape, np.nan)
    r = np.where(np.isinf(x), hi, r)
    r = np.where(np.isinf(a), np.where(np.isinf(x), np.nan, lo), r)
    r = np.where(x == 0, lo, r)
    r = np.where(a == 0, np.where(x > 0, hi, np.nan), r)
    r = np.where((x < 0) | (a < 0), np.nan, r)
    inner = (a > 0) & (x > 0) & np.isfinite(a) & np.isfinite(x)
    return r, inner


def _fill(out, mask, fn, a, x):
    if mask.any():
        out[mask] = fn(a[mask], x[mask])


def _upper(a, x):
    """Q on the inner domain, region by region as calc_igammac."""
    q = np.empty_like(a)
    below = lambda a_, x_: 1 - _lower_series(a_, x_)
    big = x > 1.1
    small = x <= 0.5
    with np.errstate(divide="ignore"):
        series_p = np.where(big, x < a, np.where(small, -0.4 / np.log(x) < a, x * 1.1 < a))
    _fill(q, series_p, below, a, x)
    _fill(q, big & ~series_p, _upper_fraction, a, x)
    _fill(q, ~big & ~series_p, _upper_series, a, x)
    return q


@quiet
def gammainc(a, x, upper=False):
    a, x = np.broadcast_arrays(np.asanyarray(a, np.float64), np.asanyarray(x, np.float64))
    r, inner = _edges(a, x, upper)
    if not inner.any():
        return r
    ai, xi = a[inner], x[inner]
    gap = np.abs(xi - ai) / ai
    asym = ((ai > 20) & (ai < 200) & (gap < 0.3)) | ((ai > 200) & (gap < 4.5 / np.sqrt(ai)))
    v = np.empty_like(ai)
    _fill(v, asym, lambda a_, x_: _asymptotic(a_, x_, not upper), ai, xi)
    rest = ~asym
    if _S._sc is not None:
        _fill(v, rest, _S._sc.gammaincc if upper else _S._sc.gammainc, ai, xi)
    elif upper:
        _fill(v, rest, _upper, ai, xi)
    else:
        beyond = rest & (xi > 1) & (xi > ai)
        _fill(v, beyond, lambda a_, x_: 1 - _upper(a_, x_), ai, xi)
        _fill(v, rest & ~beyond, _lower_series, ai, xi)
    r[inner] = v
    return r


@quiet
def gammaincc(a, x):
    return gammainc(a, x, True)
