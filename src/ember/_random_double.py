"""Tensor.cauchy_, log_normal_ and geometric_: one double per element, through
C's libm (Python's math), rounded to the tensor's dtype, as ATen's kernels."""
import math

from ._backend import np
from ._random import _F16, _gen, _normal_scalar, _numel

__all__ = ["cauchy", "log_normal", "geometric"]


def _per_element(fn, u):
    """``fn`` applied with C's libm (Python's math) to each double of ``u``:
    NumPy's vectorised tan/log differ from libm in the last bit."""
    return np.frompyfunc(fn, 1, 1)(u).astype(np.float64)


def _cast_double(r, np_dtype, shape):
    if np.dtype(np_dtype) == _F16:
        r = r.astype(np.float32)    # c10::Half converts a double through float
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
