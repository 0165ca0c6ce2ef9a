"""The samplers PyTorch computes one double at a time with C's libm
(exponential_, cauchy_, log_normal_, geometric_): NumPy's vectorised
log/tan/exp differ from libm in the last bit, so each value is taken through
Python's math, which is libm. Their uniforms come from _random's generator."""
import math

from ._backend import np
from . import _dtype as D
from ._random import _gen, _normal_scalar, _numel

__all__ = ["exponential", "cauchy", "log_normal", "geometric"]


def exponential(shape, lambd=1.0, np_dtype=np.float32, gen=None):
    """Tensor.exponential_: -1/lambd * log1p(-u) in double for every dtype, u a 53-bit
    uniform; C's log1p (math.log1p), because NumPy's differs from it in the last bit."""
    shape, n = _numel(shape)
    u = _gen(gen)._u53(n)
    return _cast_double(_per_element(math.log1p, -u) * (-1.0 / float(lambd)), np_dtype, shape)


def _per_element(fn, u):
    """``fn`` (C's libm, as Python's math) on each double of ``u``: NumPy's
    vectorised tan/log/log1p differ from libm in the last bit."""
    return np.frompyfunc(fn, 1, 1)(u).astype(np.float64)


def _cast_double(r, np_dtype, shape):
    if np.dtype(np_dtype) in D.HALF_NP:
        r = r.astype(np.float32)    # (c10::Half and BFloat16 convert a double through float)
    return np.asarray(r, np_dtype).reshape(shape)


def cauchy(shape, median=0.0, sigma=1.0, np_dtype=np.float32, gen=None):
    """Tensor.cauchy_: median + sigma * tan(pi * (u - 0.5)) in double, u a 53-bit uniform."""
    shape, n = _numel(shape)
    u = _gen(gen)._u53(n)
    r = float(median) + float(sigma) * _per_element(math.tan, math.pi * (u - 0.5))
    return _cast_double(r, np_dtype, shape)


def log_normal(shape, mean=1.0, std=2.0, np_dtype=np.float32, gen=None):
    """Tensor.log_normal_: exp of at::normal_distribution<double>, one value at a
    time whatever the size (no vectorised path)."""
    g = _gen(gen)
    shape, n = _numel(shape)
    return _cast_double(_per_element(math.exp, _normal_scalar(g, n, mean, std)), np_dtype, shape)


def geometric(shape, p, np_dtype=np.float32, gen=None):
    """Tensor.geometric_: ceil(log(u) / log1p(-p)) in double, u a 53-bit uniform."""
    shape, n = _numel(shape)
    u = _gen(gen)._u53(n)
    r = np.ceil(_per_element(math.log, u) / math.log1p(-float(p)))
    return _cast_double(r, np_dtype, shape)
