"""Window functions: hann, hamming, blackman, bartlett, kaiser, computed as
ATen computes them, step by step in the requested dtype (so float32 windows
round as PyTorch's do)."""
from .. import _meta
import math

from .._layout import factory
from .. import _creation as C
from .._device import _target_device
from ._common import D, np
from ._registry import register
from . import special_tables as _tables
from .sorting_counting import _C_NAMES

__all__ = ["hann_window", "hamming_window", "blackman_window", "bartlett_window",
           "kaiser_window"]


_UNSET = object()     # an argument not given (PyTorch's overloads tell them apart)


def _overloads(name, window_length, periodic, **extra):
    """PyTorch's argument parser: periodic is a bool, and each shape parameter
    (alpha, beta) needs every parameter before it."""
    given = [("periodic", periodic)] + list(extra.items())
    seen_gap = False
    ok = True
    for key, value in given:
        if value is _UNSET:
            seen_gap = True
        elif seen_gap or (key == "periodic" and not isinstance(value, bool)):
            ok = False
    if not ok:
        got = [C._tname(window_length)] + [f"{k}={C._tname(v)}" for k, v in given
                                           if v is not _UNSET]
        raise TypeError(f"{name}() received an invalid combination of arguments - got "
                        f"({', '.join(got)})")
    return True if periodic is _UNSET else periodic


def _window(name, window_length, periodic, dtype, device, requires_grad, values):
    """The checks and special lengths every window shares; `values(n, dt)`
    computes the symmetric window of length n (n >= 2)."""
    dt = C._check_dtype(dtype, name) or D._default[0]
    dev = _target_device(device)
    if not C._is_int(window_length) or isinstance(window_length, bool):
        raise TypeError(f"{name}(): argument 'window_length' (position 1) must be int, not "
                        f"{C._tname(window_length)}")
    if not dt.is_floating_point:
        raise RuntimeError(
            f"{name} expects floating point dtypes, got: TensorOptions(dtype="
            f"{_C_NAMES[dt._np]}, "
            f"device=cpu, layout=Strided (default), requires_grad=false (default), "
            f"pinned_memory=false, memory_format=(nullopt))")
    n = int(window_length)
    if n < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got window_length={n}")
    if n <= 1:
        return C._finish(np.ones((n,), dt._np), requires_grad, dev)
    data = values(n + 1 if periodic else n, dt._np)
    return C._finish(_meta.ascontiguousarray(data[:n]), requires_grad, dev)


def _arange(n, dt):
    return np.arange(n, dtype=np.float64).astype(dt)


def _cos(x):
    """cos rounded from double: PyTorch's vectorised float kernel is within an
    ulp of the true value, which NumPy's float32 cos is less often."""
    return np.cos(x.astype(np.float64)).astype(x.dtype)


def _scaled(n, dt, factor):
    """arange(n) * factor in dtype `dt` (PyTorch rounds the double factor to the dtype)."""
    return _arange(n, dt) * dt.type(factor)


def _raised_cosine(alpha, beta):
    """alpha - beta cos(2 pi k / (n - 1)): hamming's window, and hann's (0.5, 0.5)."""
    def values(n, dt):
        return _cos(_scaled(n, dt, math.pi * 2.0 / (n - 1))) * dt.type(-beta) + dt.type(alpha)
    return values


@factory
def hamming_window(window_length, periodic=_UNSET, alpha=_UNSET, beta=_UNSET, *, dtype=None,
                   layout=None, device=None, pin_memory=False, requires_grad=False):
    periodic = _overloads("hamming_window", window_length, periodic, alpha=alpha, beta=beta)
    alpha = 0.54 if alpha is _UNSET else float(alpha)
    beta = 0.46 if beta is _UNSET else float(beta)

    return _window("hamming_window", window_length, periodic, dtype, device, requires_grad,
                   _raised_cosine(alpha, beta))


@factory
def hann_window(window_length, periodic=_UNSET, *, dtype=None, layout=None, device=None,
                pin_memory=False, requires_grad=False):
    periodic = _overloads("hann_window", window_length, periodic)
    return _window("hann_window", window_length, periodic, dtype, device, requires_grad,
                   _raised_cosine(0.5, 0.5))


@factory
def blackman_window(window_length, periodic=_UNSET, *, dtype=None, layout=None, device=None,
                    pin_memory=False, requires_grad=False):
    periodic = _overloads("blackman_window", window_length, periodic)

    def values(n, dt):
        w = _scaled(n, dt, math.pi / (n - 1))
        return (_cos(w * dt.type(4)) * dt.type(0.08) - _cos(w * dt.type(2)) * dt.type(0.5)
                + dt.type(0.42))
    return _window("blackman_window", window_length, periodic, dtype, device, requires_grad,
                   values)


@factory
def bartlett_window(window_length, periodic=_UNSET, *, dtype=None, layout=None, device=None,
                    pin_memory=False, requires_grad=False):
    periodic = _overloads("bartlett_window", window_length, periodic)

    def values(n, dt):
        w = _scaled(n, dt, 2.0 / (n - 1))
        half = ((n - 1) >> 1) + 1
        w[half:] = w[half:] * dt.type(-1) + dt.type(2)
        return w
    return _window("bartlett_window", window_length, periodic, dtype, device, requires_grad,
                   values)


# PyTorch's kaiser kernel is scalar code whose compiled form fuses a * b - c
# into one rounding (FMA); a wider type computes that product exactly enough:
# double for float, long double for double.
_WIDER = {np.dtype(np.float32): np.float64, np.dtype(np.float64): np.longdouble}


def _fused(a, b, c):
    """a * b - c rounded once, in a's dtype."""
    return (a.astype(_WIDER[a.dtype]) * b - c).astype(a.dtype)


def _chbevl(x, coefficients):
    """Cephes' Chebyshev series, as PyTorch's chbevl computes it."""
    b0, b1, b2 = np.full_like(x, coefficients[0]), np.zeros_like(x), np.zeros_like(x)
    for c in coefficients[1:]:
        b2, b1 = b1, b0
        b0 = _fused(x, b1, b2) + c
    return x.dtype.type(0.5) * (b0 - b2)


_I0_TABLES = {np.dtype(t): (np.asanyarray(_tables.I0_A, t), np.asanyarray(_tables.I0_B, t))
              for t in (np.float32, np.float64)}


def _i0(x):
    """PyTorch's calc_i0 in x's dtype (exp correctly rounded, as glibc's is)."""
    a, b = _I0_TABLES[x.dtype]
    t = x.dtype.type
    x = np.abs(x)
    e = np.exp(x.astype(_WIDER[x.dtype])).astype(x.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        small = e * _chbevl(x / t(2) - t(2), a)
        large = e * _chbevl(t(32) / x - t(2), b) / np.sqrt(x)
    return np.where(x <= 8, small, large)


@factory
def kaiser_window(window_length, periodic=_UNSET, beta=_UNSET, *, dtype=None, layout=None,
                  device=None, pin_memory=False, requires_grad=False):
    periodic = _overloads("kaiser_window", window_length, periodic, beta=beta)
    beta = 12.0 if beta is _UNSET else float(beta)

    def values(n, dt):
        # (half is computed in float, as PyTorch's opmath type for it)
        f = np.float64 if dt == np.float64 else np.float32
        alpha = f((n - 1) / 2.0)
        q = (np.arange(n, dtype=f) - alpha) / alpha
        w = _i0(f(beta) * np.sqrt(np.abs(-_fused(q, q, f(1))))) / _i0(np.array([beta], f))
        return w.astype(dt)
    return _window("kaiser_window", window_length, periodic, dtype, device, requires_grad, values)


for _fn in (hann_window, hamming_window, blackman_window, bartlett_window, kaiser_window):
    register(_fn, method=False, out=False)
