"""PyTorch's gamma, Dirichlet, Poisson and binomial samplers, draw for draw.

ATen's rejection samplers (`sample_gamma`: Marsaglia and Tsang's method,
boosted for alpha < 1; `sample_poisson` and `btrs`: Hoermann's transformed
rejection; and the inversions for small rates and counts) take their
uniforms and normals one at a time from the generator
(`at::uniform_real_distribution<double>`, `at::normal_distribution<double>`,
whose cached second Box-Muller value is the generator's), element after
element in memory order (`cpu_serial_kernel`). Its arithmetic mixes the
element type with double and float literals, and each step rounds where
C++ rounds it: for a float32 tensor, `alpha + 1`, `alpha - 1/3` and
`count * prob` are float operations. Distributions.cpp is built without
FMA, so nothing is contracted.
"""
import math

from ._backend import np
from ._random import _gen

__all__ = ["standard_gamma", "dirichlet", "poisson", "binomial"]

_F32 = np.float32
_THIRD_F = float(_F32(1.0) / _F32(3.0))    # 1.0f / 3.0f
_C0331_F = float(_F32(0.0331))              # 0.0331f


class _Stream:
    """The generator's 32-bit words read ahead in blocks (one NumPy call per
    draw would dominate the cost); close() leaves the generator exactly past
    the words used, as if they had been drawn one at a time."""

    def __init__(self, g, n):
        self.g, self.saved, self.fresh = g, g._engine.state, g._fresh
        self.words, self.used = g._raw32(n).tolist(), 0

    def u53(self):
        """uniform_real_distribution<double>(0, 1): 53 low bits of random64."""
        i = self.used
        if i + 2 > len(self.words):
            self.words += self.g._raw32(len(self.words) + 64).tolist()
        self.used = i + 2
        return (((self.words[i] & 0x1FFFFF) << 32) | self.words[i + 1]) * 2.0 ** -53

    def close(self):
        self.g._engine.state, self.g._fresh = self.saved, self.fresh
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


def _div0(a, b):
    """a / b as C divides doubles (inf or NaN where b is 0)."""
    if b:
        return a / b
    return math.nan if a == 0 or a != a else math.copysign(math.inf, a) * math.copysign(1, b)


def _floor(v):
    return math.floor(v) if math.isfinite(v) else v


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


def _sample_poisson(lam, uniform):
    """ATen's sample_poisson: Hoermann's transformed rejection from rate 10,
    else the product of uniforms against exp(-rate). A bad rate is refused
    when its turn comes (the draws before it are made)."""
    if not lam >= 0:    # NaN too
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    if lam >= 10:
        slam, loglam = math.sqrt(lam), math.log(lam)
        b = 0.931 + 2.53 * slam
        a = -0.059 + 0.02483 * b
        invalpha = 1.1239 + 1.1328 / (b - 3.4)
        vr = 0.9277 - 3.6224 / (b - 2)
        while True:
            u = uniform() - 0.5
            v = uniform()
            us = 0.5 - abs(u)
            t = (_div(2 * a, us) + b) * u + lam + 0.43
            k = math.floor(t) if math.isfinite(t) else -1    # (int64_t of -inf: negative)
            if us >= 0.07 and v <= vr:
                return k
            if k < 0 or (us < 0.013 and v > us):
                continue
            if (_log(v) + math.log(invalpha) - math.log(a / (us * us) + b)
                    <= -lam + k * loglam - math.lgamma(k + 1.0)):
                return k
    if lam == 0:
        return 0
    enlam, x, prod = math.exp(-lam), 0, 1.0
    while True:
        prod *= uniform()
        if not prod > enlam:
            return x
        x += 1


def poisson(rate, gen=None):
    """torch.poisson of an array: PyTorch's draws, in the rate's dtype."""
    r = np.asarray(rate)
    flat = np.ascontiguousarray(r, np.float64).reshape(-1).tolist()
    stream = _Stream(_gen(gen), 4 * len(flat) + 64)
    try:
        draws = [_sample_poisson(v, stream.u53) for v in flat]
    finally:
        stream.close()
    return np.array(draws, np.float64).reshape(r.shape).astype(r.dtype)


_TAIL = (0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509,
         0.0166446911898211, 0.0138761288230707, 0.0118967099458917, 0.0104112652619720,
         0.00925546218271273, 0.00833056343336287)


def _stirling_tail(k):
    """log(k!) less Stirling's approximation of it (ATen's stirling_approx_tail)."""
    if k <= 9:
        return _TAIL[int(k)]
    kp1sq = (k + 1) * (k + 1)
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1)


def _btrs(count, prob, f, uniform):
    """ATen's btrs (Hoermann's transformed rejection) for count * prob >= 10;
    `f` rounds what ATen computes in the element type."""
    stddev = math.sqrt(f(f(count * prob) * f(1 - prob)))
    b = 1.15 + 2.53 * stddev
    a = -0.0873 + 0.0248 * b + 0.01 * prob
    c = f(count * prob) + 0.5
    v_r = 0.92 - 4.2 / b
    r = f(prob / f(1 - prob))
    alpha = (2.83 + 5.1 / b) * stddev
    m = _floor(f(f(count + 1) * prob))
    while True:
        u = uniform() - 0.5
        v = uniform()
        us = 0.5 - abs(u)
        k = f(_floor((_div(2 * a, us) + b) * u + c))
        if k < 0 or k > count:
            continue
        if us >= 0.07 and v <= v_r:
            return k
        v = _log(v * alpha / (a / (us * us) + b))
        upper = ((m + 0.5) * _log(_div0(m + 1, r * (count - m + 1)))
                 + f(count + 1) * _log(_div0(count - m + 1, f(f(count - k) + 1)))
                 + (k + 0.5) * _log(_div0(r * f(f(count - k) + 1), f(k + 1)))
                 + _stirling_tail(m) + _stirling_tail(count - m)
                 - _stirling_tail(k) - _stirling_tail(f(count - k)))
        if v <= upper:
            return k


def _inversion(count, prob, f, uniform):
    """ATen's binomial_inversion: geometric gaps until past count."""
    logprob = f(math.log1p(-prob))
    geom_sum, num = 0.0, 0
    while True:
        geom_sum += math.ceil(_log(uniform()) / logprob)
        if geom_sum > count:
            return num
        num += 1


def _sample_binomial(count, prob, f, uniform):
    if not count > 0 or not prob > 0:
        return 0.0 if count <= 0 or prob <= 0 else math.nan
    if prob >= 1:
        return count
    if prob <= 0.5:
        if f(count * prob) >= 10:
            return _btrs(count, prob, f, uniform)
        return _inversion(count, prob, f, uniform)
    q = f(1.0 - prob)
    if f(count * q) >= 10:
        return f(count - _btrs(count, q, f, uniform))
    return f(count - _inversion(count, q, f, uniform))


def binomial(count, prob, gen=None):
    """torch.binomial of two arrays of one shape: PyTorch's draws, in their dtype."""
    c, p = np.asarray(count), np.asarray(prob)
    f = _f32 if c.dtype == np.float32 else float
    cs = np.ascontiguousarray(c, np.float64).reshape(-1).tolist()
    ps = np.ascontiguousarray(p, np.float64).reshape(-1).tolist()
    stream = _Stream(_gen(gen), 4 * len(cs) + 64)
    try:
        draws = [_sample_binomial(n, q, f, stream.u53) for n, q in zip(cs, ps)]
    finally:
        stream.close()
    return np.array(draws, np.float64).reshape(c.shape).astype(c.dtype)
