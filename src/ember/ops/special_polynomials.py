"""The orthogonal polynomials of torch.special on float64 NumPy arrays, as
PyTorch's kernels compute them (aten/src/ATen/native/Math.h): three-term
recurrences in the degree, trigonometric closed forms for high degrees
inside (-1, 1), and PyTorch's values at the interval's ends. The recurrence
runs once per degree over the whole array, never per element."""
import math

from .._backend import np

from .special_series import quiet


def _recur(n, x, p, q, step, first_k, need=None):
    """q after the recurrence r = step(k, x, p, q) for k = first_k .. n
    where the element needs it (`need`, and a degree of first_k or more), as
    PyTorch's loop runs it, stopping where q is NaN (which it stays).

    Each step runs over the elements still going only (sorted by degree,
    the longest first), and once a few are left each runs on in plain
    Python, so a huge degree costs what PyTorch's scalar loop costs, times a
    constant, never a step over the whole array."""
    x, p, q, n = np.broadcast_arrays(x, p, q, n)
    out = q.copy()
    going = (n >= first_k) & ~np.isnan(q)
    if need is not None:
        going &= need
    at = np.flatnonzero(going)
    if not at.size:
        return out
    at = at[np.argsort(-n.reshape(-1)[at], kind="stable")]
    degree = n.reshape(-1)[at]
    xs, ps, qs = (a.reshape(-1)[at].copy() for a in (x, p, q))
    k, m = first_k, at.size
    while m > _FEW:
        r = step(k, xs[:m], ps[:m], qs[:m])
        ps[:m] = qs[:m]
        qs[:m] = r
        k += 1
        if k % 64 == 0:     # (NaN stays NaN: those are done)
            alive = ~np.isnan(qs[:m])
            if not alive.all():
                order = np.concatenate([np.flatnonzero(alive), np.flatnonzero(~alive),
                                        np.arange(m, at.size)])
                at, degree, xs, ps, qs = (a[order] for a in (at, degree, xs, ps, qs))
                m = int(np.count_nonzero(alive))
        m = int(np.searchsorted(-degree[:m], -k, side="right"))
    scalar = float if xs.dtype == np.float64 else xs.dtype.type
    for i in range(m):
        xi, pi, qi = scalar(xs[i]), scalar(ps[i]), scalar(qs[i])
        for j in range(k, int(degree[i]) + 1):
            if qi != qi:
                break
            pi, qi = qi, step(j, xi, pi, qi)
        qs[i] = qi
    out.reshape(-1)[at] = qs
    return out


_FEW = 4       # (elements still going below which plain Python runs them on)


def _acos(y, libm):
    """arccos of y; where `libm`, C's acos (Python's math), as PyTorch's
    kernel calls it: NumPy's differs from it in the last bit, which a high
    degree multiplies (n * acos(x))."""
    theta = np.arccos(y)
    if libm.any():
        exact = np.frompyfunc(math.acos, 1, 1)(y[libm].astype(np.float64))
        theta[libm] = exact.astype(np.float64).astype(y.dtype)
    return theta


def _degree(n):
    """The degree as PyTorch casts it: truncated; NaN and infinities become
    a negative degree (x86's conversion), whose polynomial is 0."""
    finite = np.isfinite(n) & (np.abs(n) < 2.0 ** 62)
    return np.where(finite, np.trunc(np.where(finite, n, 0)), -1).astype(np.int64)


def _chebyshev(kind, y, n, start, need):
    """T, U, V or W of y (degree n) by recurrence; `start` is the degree-1 value."""
    rec = _recur(n, y, np.ones_like(y), start(y), lambda k, y, p, q: (y + y) * q - p, 2, need)
    return np.where(n == 0, 1.0, rec)


def _ends(kind, y, n):
    """The values at y = 1 and y = -1."""
    odd = n % 2 == 1
    if kind == "t":
        return 1.0, np.where(odd, -1.0, 1.0)
    if kind == "u":
        return n + 1.0, np.where(odd, -(n + 1.0), n + 1.0)
    if kind == "v":
        return 1.0, np.where(odd, -(2.0 * n + 1), 2.0 * n + 1)
    return 2.0 * n + 1, np.where(odd, -1.0, 1.0)


_STARTS = {"t": lambda y: y, "u": lambda y: y + y, "v": lambda y: y + y - 1,
           "w": lambda y: y + y + 1}


# Degrees above which PyTorch uses the closed form inside (-1, 1).
_CLOSED_FROM = {False: {"t": 6, "u": 8, "v": 8, "w": 8}, True: {"t": 6, "u": 6, "v": 6, "w": 4}}


@quiet
def chebyshev(kind, x, n, shifted=False):
    x, n = np.broadcast_arrays(np.asanyarray(x), np.asanyarray(n, np.float64))
    n = _degree(n)
    y = x + x - 1 if shifted else x
    # (the recurrence only where neither the closed form nor an end's value serves)
    closed = (n > _CLOSED_FROM[shifted][kind]) & (np.abs(y) < 1)
    end = (x == 1) | (x == 0) if shifted else np.abs(y) == 1
    r = _chebyshev(kind, y, np.maximum(n, 0), _STARTS[kind], ~closed & ~end)
    theta = _acos(np.clip(y, -1, 1), closed)
    n_int, n = n, n.astype(y.dtype)     # the closed forms in the input's precision
    if kind == "t":
        r = np.where(closed, np.cos(n * theta), r)
    elif kind == "u":
        s = np.sin(theta)
        r = np.where(closed, np.where(s != 0, np.sin((n + 1) * theta) / s,
                                      (n + 1) * np.cos((n + 1) * theta) / y), r)
    else:
        at_pole, sign_pole = _ends(kind, y, n_int)
        if kind == "v":
            ok = np.sin(theta / 2) != 1
            form = np.cos((n + 0.5) * theta) / np.cos(theta / 2)
            pole = sign_pole
        else:
            ok = np.cos(theta / 2) != 1
            form = np.sin((n + 0.5) * theta) / np.sin(theta / 2)
            pole = np.where(y > 0, at_pole, sign_pole)
        r = np.where(closed, np.where(ok, form, pole), r)
    one, minus_one = _ends(kind, y, n_int)
    if shifted:
        r = np.where(x == 1, one, np.where(x == 0, minus_one, r))
    else:
        r = np.where(y == 1, one, np.where(y == -1, minus_one, r))
    return np.where(n < 0, 0.0, r)


@quiet
def hermite_h(x, n, limit):
    x, n = np.broadcast_arrays(np.asanyarray(x), np.asanyarray(n, np.float64))
    n = _degree(n)
    # H_{m+1} = 2x H_m - 2m H_{m-1}, written with k = 2m as PyTorch does
    rec = _recur(n, x, np.ones_like(x), x + x,
                 lambda k, x, p, q: (x + x) * q - (2 * k - 2) * p, 2, n <= limit)
    r = np.where(n == 0, 1.0, np.where(n == 1, x + x, rec))
    r = np.where(n > limit, np.nan, r)
    return np.where(n < 0, 0.0, r)


@quiet
def hermite_he(x, n, limit):
    x, n = np.broadcast_arrays(np.asanyarray(x), np.asanyarray(n, np.float64))
    n = _degree(n)
    rec = _recur(n, x, np.ones_like(x), x.copy(), lambda k, x, p, q: x * q - (k - 1) * p,
                 2, n <= limit)
    r = np.where(n == 0, 1.0, np.where(n == 1, x, rec))
    r = np.where(n > limit, np.nan, r)
    return np.where(n < 0, 0.0, r)


@quiet
def laguerre_l(x, n):
    x, n = np.broadcast_arrays(np.asanyarray(x), np.asanyarray(n, np.float64))
    n = _degree(n)
    rec = _recur(n, x, np.ones_like(x), 1 - x,
                 lambda k, x, p, q: ((2 * k - 2 + (1 - x)) * q - (k - 1) * p) / k, 2, x != 0)
    r = np.where(n == 0, 1.0, rec)
    r = np.where(x == 0, 1.0, r)
    return np.where(n < 0, 0.0, r)


@quiet
def legendre_p(x, n):
    x, n = np.broadcast_arrays(np.asanyarray(x), np.asanyarray(n, np.float64))
    n = _degree(n)
    rec = _recur(n, x, np.ones_like(x), x.copy(),
                 lambda k, x, p, q: ((2 * k - 1) * x * q - (k - 1) * p) / k, 2, np.abs(x) != 1)
    r = np.where(n == 0, 1.0, rec)
    r = np.where(x == 1, 1.0, np.where(x == -1, np.where(n % 2 == 1, -1.0, 1.0), r))
    return np.where(n < 0, 0.0, r)
