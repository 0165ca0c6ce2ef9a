"""PyTorch's gamma and Dirichlet samplers, draw for draw.

ATen's `sample_gamma` (Marsaglia and Tsang's rejection method, boosted for
alpha < 1) takes its uniforms and normals one at a time from the generator
(`at::uniform_real_distribution<double>`, `at::normal_distribution<double>`,
whose cached second Box-Muller value is the generator's), element after
element in memory order (`cpu_serial_kernel`). Its arithmetic mixes the
element type with double and float literals, and each step rounds where
C++ rounds it: for a float32 tensor, `alpha + 1` and `alpha - 1/3` are float
operations. Distributions.cpp is built without FMA, so nothing is contracted.
"""
import math

from ._backend import np
from ._random import _gen

__all__ = ["standard_gamma", "dirichlet"]

_F32 = np.float32
_THIRD_F = float(_F32(1.0) / _F32(3.0))    # 1.0f / 3.0f
_C0331_F = float(_F32(0.0331))              # 0.0331f


class _Stream:
    """The generator's 32-bit words read ahead in blocks (one NumPy call per
    draw would dominate the cost); close() leaves the generator exactly past
    the words used, as if they had been drawn one at a time."""

    def __init__(self, g, n):
        self.g, self.saved = g, g._engine.state
        self.words, self.used = g._raw32(n).tolist(), 0

    def u53(self):
        """uniform_real_distribution<double>(0, 1): 53 low bits of random64."""
        i = self.used
        if i + 2 > len(self.words):
            self.words += self.g._raw32(len(self.words) + 64).tolist()
        self.used = i + 2
        return (((self.words[i] & 0x1FFFFF) << 32) | self.words[i + 1]) * 2.0 ** -53

    def close(self):
        self.g._engine.state = self.saved
        self.g._raw32(self.used)


def _sampler(stream):
    """The double uniform and normal, one value per call (the normal's cached
    second Box-Muller value is the generator's)."""
    g = stream.g

    def normal():
        cached = g._next_double
        if cached is not None:
            g._next_double = None
            return cached
        u1, u2 = stream.u53(), stream.u53()
        r = math.sqrt(-2.0 * math.log1p(-u2))
        theta = (2.0 * math.pi) * u1
        g._next_double = r * math.sin(theta)
        return r * math.cos(theta)
    return stream.u53, normal


_F32_OVERFLOW = 2.0 ** 128 - 2.0 ** 103      # from here on a double rounds to float inf


def _f32(v):
    """A float operation's result: the double one rounded to float32 (exact for
    one +, -, * or / of floats), overflowing to inf as C++ does, silently."""
    if abs(v) >= _F32_OVERFLOW:
        return math.copysign(math.inf, v)
    return float(_F32(v))


def _pow(a, b):
    try:
        return math.pow(a, b)
    except OverflowError:       # C's pow answers inf
        return math.inf


def _div(a, b):
    return a / b if b else math.copysign(math.inf, b)    # (a is 1.0 here)


def _sqrt(v):
    return math.sqrt(v) if not v < 0 else math.nan


def _log(v):
    return math.log(v) if v > 0 else (-math.inf if v == 0 else math.nan)


def _sample_gamma(alpha, single, uniform, normal):
    """One draw of ATen's sample_gamma<scalar_t, double>; `single`: scalar_t is
    float (its own operations round to float32), else double."""
    scale = 1.0
    if alpha < 1.0:
        if alpha == 0.0:
            return 0.0
        inv = _f32(1.0 / alpha) if single else _div(1.0, alpha)
        scale *= _pow(1 - uniform(), inv)
        alpha = _f32(alpha + 1.0) if single else alpha + 1.0
    d = _f32(alpha - _THIRD_F) if single else alpha - _THIRD_F
    c = _div(1.0, _sqrt(9.0 * d))
    while True:
        while True:
            x = normal()
            y = 1.0 + c * x
            if not y <= 0:
                break
        v = y * y * y
        u = 1 - uniform()
        xx = x * x
        if u < 1.0 - _C0331_F * xx * xx:
            return scale * d * v
        if math.log(u) < 0.5 * xx + d * (1.0 - v + _log(v)):
            return scale * d * v


def _draw_all(alpha, single, gen):
    flat = np.ascontiguousarray(alpha, np.float64).reshape(-1).tolist()
    stream = _Stream(_gen(gen), 6 * len(flat) + 64)   # about 4-6 words a draw
    uniform, normal = _sampler(stream)
    try:
        draws = [_sample_gamma(a, single, uniform, normal) for a in flat]
    finally:
        stream.close()
    return np.array(draws, np.float64).reshape(np.shape(alpha))


def _float_or_double(a, kernel):
    """The kernels are built for float and double only."""
    if a.dtype not in (np.float32, np.float64):
        from .ops._common import kernel_refuses
        raise kernel_refuses(kernel, a.dtype)


def standard_gamma(alpha, gen=None):
    """torch._standard_gamma of an array: Gamma(alpha, 1) draws in alpha's
    dtype, floored at its smallest normal number."""
    a = np.asarray(alpha)
    _float_or_double(a, "gamma_cpu")
    single = a.dtype == np.float32
    r = _draw_all(a, single, gen).astype(a.dtype)
    return _at_least(np.finfo(a.dtype).tiny, r)


def _at_least(low, x):
    """std::max(low, x): low where x is not above it, NaN included."""
    return np.where(low < x, x, low).astype(x.dtype)


def dirichlet(alpha, gen=None):
    """torch._sample_dirichlet of an array: gammas drawn in double (alpha made
    double), floored at double's smallest normal, normalised over the last
    dim in double and rounded to alpha's dtype, kept inside (0, 1)."""
    a = np.asarray(alpha)
    _float_or_double(a, "dirichlet")
    g = _at_least(np.finfo(np.float64).tiny, _draw_all(a, False, gen))
    from .ops._summation import torch_sum
    total = torch_sum(g, (g.ndim - 1,), keepdims=True)
    r = (g / total).astype(a.dtype)
    one_below = np.nextafter(a.dtype.type(1), a.dtype.type(0))
    r = _at_least(np.finfo(a.dtype).tiny, r)
    return np.where(r < one_below, r, one_below).astype(a.dtype), g
