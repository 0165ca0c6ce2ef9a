"""Reductions and their derivatives: sum, mean, prod, max, min, amax, amin,
argmax, argmin, var, std.

The gradient of a reduction is the incoming gradient put back in the reduced
dims (`xp.unreduce`) and expanded to the input's shape.
"""
import builtins
from collections import namedtuple

from ._summation import torch_sum
from ._common import (RESULT, D, Tensor, _state, as_dims, derivative, np, record, wrap,
                      wrap_dim)

N = derivative


def _unreduce(xp, g, shape, dims, keepdim):
    """Give `g` the reduced dims back (as size 1) and expand it to `shape`."""
    if not keepdim and dims is not None:
        g = xp.reshape(g, _kept_shape(shape, dims))
    return xp.expand(g, shape)


def _kept_shape(shape, dims):
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


def _even_share(xp, g, x, r, shape, dims, keepdim):
    """Ties share the gradient evenly (PyTorch's evenly_distribute_backward)."""
    if dims is None:
        mask = x == r
        return xp.where(mask, g / mask.sum(), 0)
    if not keepdim:
        kept = _kept_shape(shape, dims)
        g, r = xp.reshape(g, kept), xp.reshape(r, kept)
    mask = x == r
    count = mask.sum(dims, keepdims=True) if isinstance(mask, np.ndarray) \
        else mask.sum(dims, keepdim=True)
    return xp.where(mask, xp.expand(g / count, shape), 0)


SumBackward0 = N("SumBackward0", self=lambda xp, g, shape: xp.expand(g, shape))
SumBackward1 = N("SumBackward1", self=lambda xp, g, shape, dims, keepdim:
                 _unreduce(xp, g, shape, dims, keepdim))
MeanBackward0 = N("MeanBackward0", self=lambda xp, g, shape, n: xp.expand(g / n, shape))
MeanBackward1 = N("MeanBackward1", self=lambda xp, g, shape, dims, keepdim, n:
                  _unreduce(xp, g / n, shape, dims, keepdim))
ProdBackward0 = N("ProdBackward0", self=lambda xp, g, x, r:
                  xp.expand(g, x.shape) * xp.prod_others(x, r, None))
ProdBackward1 = N("ProdBackward1", self=lambda xp, g, x, r, dims, keepdim:
                  _unreduce(xp, g, x.shape, dims, keepdim) * xp.prod_others(
                      x, r if keepdim else xp.reshape(r, _kept_shape(x.shape, dims)), dims[0]))
MaxBackward1 = N("MaxBackward1", self=lambda xp, g, x, r: _even_share(
    xp, g, x, r, x.shape, None, False))
MinBackward1 = N("MinBackward1", self=MaxBackward1.formulas[0])
AmaxBackward0 = N("AmaxBackward0", self=lambda xp, g, x, r, dims, keepdim: _even_share(
    xp, g, x, r, x.shape, dims, keepdim))
AminBackward0 = N("AminBackward0", self=AmaxBackward0.formulas[0])
# max/min over one dim pick one index: the gradient goes there only.
MaxBackward0 = N("MaxBackward0", self=lambda xp, g, shape, dim, keepdim, onehot: xp.where(
    onehot, _unreduce(xp, g, shape, (dim,), keepdim), 0))
MinBackward0 = N("MinBackward0", self=MaxBackward0.formulas[0])
VarBackward0 = N("VarBackward0", self=lambda xp, g, x, dims, correction, keepdim, n:
                 _unreduce(xp, g, x.shape, dims, keepdim) * (2.0 / builtins.max(n - correction, 0))
                 * (x - xp.mean_keep(x, dims)))
StdBackward0 = N("StdBackward0", self=lambda xp, g, x, r, dims, correction, keepdim, n:
                 _unreduce(xp, g / (r * builtins.max(n - correction, 0)), x.shape, dims, keepdim)
                 * (x - xp.mean_keep(x, dims)))


def _dims_or_none(input, dim):
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return None
    dims = as_dims(dim, input._data.ndim)
    seen = set()
    for d in dims:
        if d in seen:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        seen.add(d)
    return dims


def _mean(x, dims, keepdim):
    """PyTorch's mean: its sum (in its order of additions) divided by the count."""
    n = x.size if dims is None else int(np.prod([x.shape[d] for d in dims]))
    return np.asarray(torch_sum(x, dims, keepdim) / x.dtype.type(n))


def _accumulation_input(input, dtype):
    """sum and prod work in `dtype` if given, and integers (bool too) in int64."""
    x = input._data
    if dtype is not None:
        return x.astype(dtype._np)
    if x.dtype.kind in "biu":
        return x.astype(np.int64)
    return x


def sum(input, dim=None, keepdim=False, *, dtype=None):
    x = _accumulation_input(input, dtype)
    dims = _dims_or_none(input, dim)
    if dims is None:
        data = torch_sum(x, None)
        if input._requires_grad and _state.enabled:
            return record(data, SumBackward0, (input,), (), (x.shape,))
        return wrap(data)
    data = torch_sum(x, dims, keepdim)
    if input._requires_grad and _state.enabled:
        return record(data, SumBackward1, (input,), (), (x.shape, dims, keepdim))
    return wrap(data)


def mean(input, dim=None, keepdim=False, *, dtype=None):
    x = input._data
    if dtype is not None:
        x = x.astype(dtype._np)
    if x.dtype.kind != "f":
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating "
            f"point or complex dtype. Got: {D.SCALAR_NAMES[input.dtype]}")
    dims = _dims_or_none(input, dim)
    if dims is None:
        data = _mean(x, None, False)
        if input._requires_grad and _state.enabled:
            return record(data, MeanBackward0, (input,), (), (x.shape, builtins.max(x.size, 1)))
        return wrap(data)
    data = _mean(x, dims, keepdim)
    if input._requires_grad and _state.enabled:
        n = int(np.prod([x.shape[d] for d in dims]))
        return record(data, MeanBackward1, (input,), (), (x.shape, dims, keepdim, n))
    return wrap(data)


def prod(input, dim=None, keepdim=False, *, dtype=None):
    x = _accumulation_input(input, dtype)
    if dim is None:
        data = np.asarray(x.prod())
        if input._requires_grad and _state.enabled:
            return record(data, ProdBackward0, (input,), (input, RESULT))
        return wrap(data)
    dims = (wrap_dim(dim, x.ndim),)
    data = np.asarray(x.prod(axis=dims, keepdims=keepdim))
    if input._requires_grad and _state.enabled:
        return record(data, ProdBackward1, (input,), (input, RESULT), (dims, keepdim))
    return wrap(data)


_max_t = namedtuple("max", ["values", "indices"])
_min_t = namedtuple("min", ["values", "indices"])
for _t in (_max_t, _min_t):
    _t.__repr__ = lambda self: (f"ember.return_types.{type(self).__name__}(\n"
                                f"values={self[0]!r},\nindices={self[1]!r})")


def _extreme(input, dim, keepdim, other, npfn, argfn, node_all, node_dim, result_t, name):
    if other is not None:
        from .conditional import maximum, minimum
        return (maximum if name == "max" else minimum)(input, other)
    x = input._data
    if dim is None:
        if x.size == 0:
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument.")
        data = np.asarray(npfn(x))
        if input._requires_grad and _state.enabled:
            return record(data, node_all, (input,), (input, RESULT))
        return wrap(data)
    d = wrap_dim(dim, x.ndim)
    if x.ndim == 0:
        values, idx = x.copy(), np.zeros((), np.int64)
    else:
        if x.shape[d] == 0:
            raise IndexError(
                f"{name}(): Expected reduction dim {d} to have non-zero size.")
        idx = np.expand_dims(argfn(x, axis=d), d)
        values = np.take_along_axis(x, idx, axis=d)
        if not keepdim:
            values, idx = values.squeeze(d), idx.squeeze(d)
    values = np.asarray(values)
    idx = np.asarray(idx, dtype=np.int64)
    if input._requires_grad and _state.enabled:
        onehot = _onehot(idx, x.shape, d, keepdim)
        out = record(values, node_dim, (input,), (), (x.shape, d, keepdim, onehot))
    else:
        out = wrap(values)
    return result_t(out, wrap(idx))


def _onehot(idx, shape, d, keepdim):
    mask = np.zeros(shape, bool)
    if len(shape):
        np.put_along_axis(mask, idx if keepdim else np.expand_dims(idx, d), True, axis=d)
    else:
        mask[()] = True
    return mask


def max(input, dim=None, keepdim=False, *, other=None):
    if isinstance(dim, Tensor):
        return _extreme(input, None, False, dim, None, None, None, None, None, "max")
    return _extreme(input, dim, keepdim, other, np.max, np.argmax, MaxBackward1, MaxBackward0,
                    _max_t, "max")


def min(input, dim=None, keepdim=False, *, other=None):
    if isinstance(dim, Tensor):
        return _extreme(input, None, False, dim, None, None, None, None, None, "min")
    return _extreme(input, dim, keepdim, other, np.min, np.argmin, MinBackward1, MinBackward0,
                    _min_t, "min")


def _amaxmin(input, dim, keepdim, npfn, node):
    x = input._data
    dims = _dims_or_none(input, dim) if dim != () else None
    data = np.asarray(npfn(x, axis=dims, keepdims=keepdim))
    if input._requires_grad and _state.enabled:
        return record(data, node, (input,), (input, RESULT),
                      (dims if dims is not None else tuple(range(x.ndim)), keepdim))
    return wrap(data)


def amax(input, dim=(), keepdim=False):
    return _amaxmin(input, dim, keepdim, np.max, AmaxBackward0)


def amin(input, dim=(), keepdim=False):
    return _amaxmin(input, dim, keepdim, np.min, AminBackward0)


def argmax(input, dim=None, keepdim=False):
    return _arg(input, dim, keepdim, np.argmax)


def argmin(input, dim=None, keepdim=False):
    return _arg(input, dim, keepdim, np.argmin)


def _arg(input, dim, keepdim, fn):
    x = input._data
    if dim is None:
        r = np.asarray(fn(x), dtype=np.int64)
        return wrap(r.reshape((1,) * x.ndim) if keepdim else r)
    d = wrap_dim(dim, x.ndim)
    r = fn(x, axis=d) if x.ndim else np.zeros((), np.int64)
    if keepdim and x.ndim:
        r = np.expand_dims(r, d)
    return wrap(np.asarray(r, dtype=np.int64))


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _var_std(input, dim, unbiased, keepdim, correction, False)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _var_std(input, dim, unbiased, keepdim, correction, True)


def _var_std(input, dim, unbiased, keepdim, correction, take_sqrt):
    if isinstance(dim, bool):       # var(x, False): the old `unbiased` position
        dim, unbiased = None, dim
    if correction is None:
        correction = 0 if unbiased is False else 1
    x = input._data
    dims = _dims_or_none(input, dim) or tuple(range(x.ndim))
    n = int(np.prod([x.shape[d] for d in dims]))
    data = np.asarray(x.var(axis=dims, ddof=correction, keepdims=keepdim)
                      if n - correction > 0 else
                      np.full(x.mean(axis=dims, keepdims=keepdim).shape, np.nan, x.dtype))
    if take_sqrt:
        data = np.sqrt(data)
    if input._requires_grad and _state.enabled:
        if take_sqrt:
            return record(data, StdBackward0, (input,), (input, RESULT),
                          (dims, correction, keepdim, n))
        return record(data, VarBackward0, (input,), (input,), (dims, correction, keepdim, n))
    return wrap(data)
