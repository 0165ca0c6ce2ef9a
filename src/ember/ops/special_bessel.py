"""Bessel functions and Airy's Ai on float64 NumPy arrays, by the Cephes
algorithms PyTorch's CPU kernels use (aten/src/ATen/native/Math.h), with
SciPy's ufuncs as an optional faster path for the same values."""
import math

from .._backend import np

from . import special_series as _S
from . import special_tables as _T
from .special_series import chbevl, horner, quiet

_SQRT_2_PI = 0.797884560802865355879892119868763737      # sqrt(2 / pi)
_PI_4, _3PI_4 = 0.785398163397448309615660845819875721, 2.356194490192344928846982537459627163
_2_PI = 0.636619772367581343075535053490057448           # 2 / pi


def _i_chebyshev(ax, small, large, scaled):
    """exp(-|x|) I(|x|) (or I itself) from the two Chebyshev expansions
    over [0, 8] and [8, inf): `small(y)` / `large(y)` give the series parts."""
    near = ax <= 8
    s = np.where(near, small(np.where(near, ax, 0.0)), large(np.where(near, 8.0, ax)))
    return s if scaled else s * np.exp(ax)


_I0_PARTS = (lambda a: chbevl(a / 2 - 2, _T.I0_A),
             lambda a: chbevl(32 / a - 2, _T.I0_B) / np.sqrt(a))
_I1_PARTS = (lambda a: chbevl(a / 2 - 2, _T.I1_A) * a,
             lambda a: chbevl(32 / a - 2, _T.I1_B) / np.sqrt(a))


@quiet
def i0(x, scaled=False):
    if _S._sc is not None:
        return (_S._sc.i0e if scaled else _S._sc.i0)(x)
    ax = np.abs(x)
    return _i_chebyshev(ax, *_I0_PARTS, scaled)


@quiet
def i1(x, scaled=False):
    if _S._sc is not None:
        return (_S._sc.i1e if scaled else _S._sc.i1)(x)
    ax = np.abs(x)
    r = _i_chebyshev(ax, *_I1_PARTS, scaled)
    return np.where(x < 0, -r, r)


def i0e(x):
    return i0(x, True)


def i1e(x):
    return i1(x, True)


@quiet
def k0(x, scaled=False):
    if _S._sc is not None:
        r = (_S._sc.k0e if scaled else _S._sc.k0)(x)
    else:
        near = x <= 2
        xn, xf = np.where(near, x, 1.0), np.where(near, 3.0, x)
        small = chbevl(xn * xn - 2, _T.K0_A) - np.log(0.5 * xn) * i0(xn)
        if scaled:
            small = small * np.exp(xn)
        large = chbevl(8 / xf - 2, _T.K0_B) / np.sqrt(xf)
        if not scaled:
            large = large * np.exp(-xf)
        r = np.where(near, small, large)
    return _k_edges(x, r)


@quiet
def k1(x, scaled=False):
    if _S._sc is not None:
        r = (_S._sc.k1e if scaled else _S._sc.k1)(x)
    else:
        near = x <= 2
        xn, xf = np.where(near, x, 1.0), np.where(near, 3.0, x)
        small = np.log(0.5 * xn) * i1(xn) + chbevl(xn * xn - 2, _T.K1_A) / xn
        if scaled:
            small = small * np.exp(xn)
        large = chbevl(8 / xf - 2, _T.K1_B) / np.sqrt(xf)
        if not scaled:
            large = large * np.exp(-xf)
        r = np.where(near, small, large)
    return _k_edges(x, r)


def _k_edges(x, r):
    return np.where(x == 0, np.inf, np.where(x < 0, np.nan, r))


def k0e(x):
    return k0(x, True)


def k1e(x):
    return k1(x, True)


def _hankel_tail(x, pp, pq, qp, qq, phase, y_kind):
    """The large-argument form shared by J and Y (x > 5):
    sqrt(2/(pi x)) (P cos(x - phase) - 5/x Q sin(x - phase)) for J,
    (P sin + 5/x Q cos) for Y."""
    z = 25 / (x * x)
    p = horner(z, pp) / horner(z, pq)
    q = horner(z, qp) / horner(z, qq)
    c, s = np.cos(x - phase), np.sin(x - phase)
    body = p * s + 5 / x * q * c if y_kind else p * c - 5 / x * q * s
    return body * _SQRT_2_PI / np.sqrt(x)


def _j0_own(x):
    ax = np.abs(x)
    near = ax <= 5
    xn, xf = np.where(near, ax, 1.0), np.where(near, 6.0, ax)
    z = xn * xn
    small = (z - 5.78318596294678452118) * (z - 30.4712623436620863991) * horner(
        z, _T.J0_RP) / horner(z, _T.J0_RQ)
    small = np.where(xn < 1e-5, 1 - z / 4, small)
    return np.where(near, small,
                    _hankel_tail(xf, _T.J0_PP, _T.J0_PQ, _T.J0_QP, _T.J0_QQ, _PI_4, False))


def _j1_own(x):
    ax = np.abs(x)
    near = ax <= 5
    xn, xf = np.where(near, ax, 1.0), np.where(near, 6.0, ax)
    z = xn * xn
    small = horner(z, _T.J1_RP) / horner(z, _T.J1_RQ) * xn * (z - 14.6819706421238932572) * (
        z - 49.2184563216946036703)
    r = np.where(near, small,
                 _hankel_tail(xf, _T.J1_PP, _T.J1_PQ, _T.J1_QP, _T.J1_QQ, _3PI_4, False))
    return np.where(x < 0, -r, r)


# J, Y and Ai are always the port: PyTorch's kernels differ from Cephes's
# (and so from SciPy's) in the 12th digit, and these are quick anyway.
j0 = quiet(_j0_own)
j1 = quiet(_j1_own)


@quiet
def y0(x):
    near = x <= 5
    xn, xf = np.where(near, x, 1.0), np.where(near, 6.0, x)
    z = xn * xn
    small = horner(z, _T.Y0_YP) / horner(z, _T.Y0_YQ) + _2_PI * np.log(xn) * _j0_own(xn)
    r = np.where(near, small,
                 _hankel_tail(xf, _T.Y0_PP, _T.Y0_PQ, _T.Y0_QP, _T.Y0_QQ, _PI_4, True))
    return np.where(x == 0, -np.inf, np.where(x < 0, np.nan, r))


@quiet
def y1(x):
    near = x <= 5
    xn, xf = np.where(near, x, 1.0), np.where(near, 6.0, x)
    z = xn * xn
    small = xn * (horner(z, _T.Y1_YP) / horner(z, _T.Y1_YQ)) + _2_PI * (
        _j1_own(xn) * np.log(xn) - 1 / xn)
    r = np.where(near, small,
                 _hankel_tail(xf, _T.Y1_PP, _T.Y1_PQ, _T.Y1_QP, _T.Y1_QQ, _3PI_4, True))
    return np.where(x == 0, -np.inf, np.where(x < 0, np.nan, r))


@quiet
def spherical_j0(x):
    small = np.abs(x) < 0.5
    z = x * x
    series = 1 + z * (-1 / 6 + z * (1 / 120 + z * (-1 / 5040 + z * (
        1 / 362880 + z * (-1 / 39916800 + z * (1 / 6227020800))))))
    r = np.where(small, series, np.sin(x) / np.where(small, 1.0, x))
    return np.where(np.isinf(x), 0.0, r)


def _airy_power_series(x):
    """Ai by its Maclaurin series (f and g of Cephes's airy)."""
    f, g = np.ones_like(x), x.copy()
    k, m, n, z = 1.0, np.ones_like(x), x.copy(), x * x * x
    live = np.ones(x.shape, bool)
    eps = np.finfo(np.float64).eps
    while live.any():
        m = m * z
        k += 1
        m = m / k
        n = n * z
        k += 1
        n = n / k
        m = m / k
        f = np.where(live, f + m, f)
        k += 1
        n = n / k
        g = np.where(live, g + n, g)
        live &= np.abs(m / f) > eps
    return 0.355028053887817239260 * f - 0.258819403792806798405 * g


@quiet
def airy_ai(x):
    neg = x < -2.09
    big = x >= 2.09
    xn = np.where(neg, x, -3.0)
    t = -2 * xn * np.sqrt(-xn) / 3
    z = 1 / t
    zz = z * z
    osc = 5.64189583547756286948e-01 / np.sqrt(np.sqrt(-xn)) * (
        np.sin(t + 0.25 * math.pi) * (1 + zz * horner(zz, _T.AIRY_AFN) / horner(zz, _T.AIRY_AFD))
        - np.cos(t + 0.25 * math.pi) * (z * horner(zz, _T.AIRY_AGN) / horner(zz, _T.AIRY_AGD)))
    xb = np.where(big, x, 3.0)
    zeta = 2 * xb * np.sqrt(xb) / 3
    decay = 5.64189583547756286948e-01 * (horner(1 / zeta, _T.AIRY_AN) / horner(
        1 / zeta, _T.AIRY_AD)) / (2 * np.sqrt(np.sqrt(xb)) * np.exp(zeta))
    series_at = ~neg & ~big
    series = _airy_power_series(np.where(series_at, x, 0.0))
    r = np.where(neg, osc, np.where(big, decay, series))
    r = np.where(x > 103.892, 0.0, r)
    return np.where(np.isinf(x), np.nan, r)
