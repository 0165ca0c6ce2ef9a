"""Fractional max pooling (Graham, 2014), as ATen's FractionalMaxPool2d/3d:
pseudo-random window starts from one uniform sample per plane and spatial
dimension, then a max over each fixed-size window."""
import math

from ..._backend import np
from ... import _sampling
from ...ops._common import keep_index, recorded, wrap
from ...ops.pooling_checks import ints
from ...ops.pooling_plans import Gather, node_family

__all__ = ["fractional_max_pool2d", "fractional_max_pool3d",
           "fractional_max_pool2d_with_indices", "fractional_max_pool3d_with_indices"]

_NODES = {n: node_family(f"FractionalMaxPool{n}D", True) for n in (2, 3)}
# Which column of a plane's samples drives each spatial dim: ATen's 2-d kernel
# reads (W, H), its 3-d one (T, H, W).
_SAMPLE_COLUMN = {2: (1, 0), 3: (0, 1, 2)}


def _starts(samples, in_size, out_size, k):
    """Window starts per plane, (planes, out_size): ATen's interval sequence,
    computed in the input's dtype as the kernel does (it truncates to int)."""
    dt = samples.dtype
    seq = np.empty((samples.shape[0], out_size), np.int64)
    if out_size > 1:
        alpha = dt.type(in_size - k) / dt.type(out_size - 1)
        i = np.arange(out_size - 1).astype(dt)
        s = samples[:, None]
        seq[:, :-1] = (((i + s) * alpha).astype(np.int64)
                       - (s * alpha).astype(np.int64))
    if out_size > 0:
        seq[:, -1] = in_size - k
    return seq


def _pool(x, n, k, out, samples):
    """(values, flat indices within each plane) for x of shape lead + spatial."""
    spatial, lead = x.shape[-n:], x.shape[:-n]
    planes = math.prod(lead)
    samples = samples.reshape(-1, n)[:planes]
    strides = [math.prod(spatial[d + 1:]) for d in range(n)]
    idx = np.zeros((planes,) + tuple(out) + tuple(k), np.int64)
    first = np.zeros((planes,) + tuple(out), np.int64)
    for d in range(n):
        start = _starts(samples[:, _SAMPLE_COLUMN[n][d]], spatial[d], out[d], k[d]) * strides[d]
        shape = [planes] + [1] * n
        shape[1 + d] = out[d]
        first += start.reshape(shape)
        shape = shape + [1] * n
        shape[1 + n + d] = k[d]
        idx += (start[:, :, None] + np.arange(k[d]) * strides[d]).reshape(shape)
    n_out, n_k = math.prod(out), math.prod(k)
    if n_k == 0:
        # an empty window: -inf, indexed at its (unread) first position, as ATen
        return np.full(lead + tuple(out), -np.inf, x.dtype), first.reshape(lead + tuple(out))
    idx = idx.reshape(planes, n_out, n_k)
    flat = x.reshape(planes, math.prod(spatial))
    vals = np.take_along_axis(flat, idx.reshape(planes, n_out * n_k), 1).reshape(idx.shape)
    pick = np.argmax(vals, -1)      # the first maximum in scan order
    nan = np.isnan(vals)
    if nan.any():                   # ... but the last NaN (ATen's `val > max || isnan(val)`)
        last_nan = n_k - 1 - np.argmax(nan[..., ::-1], -1)
        pick = np.where(nan.any(-1), last_nan, pick)
    pick = pick[..., None]
    values = np.take_along_axis(vals, pick, -1).reshape(lead + tuple(out))
    indices = np.take_along_axis(idx, pick, -1).reshape(lead + tuple(out))
    return values, indices


def _fractional(input, n, kernel_size, output_size, output_ratio, _random_samples):
    name = f"fractional_max_pool{n}d"
    if output_size is None and output_ratio is None:
        raise ValueError(f"{name} requires specifying either an output_size or an output_ratio")
    if output_size is None:
        # (the 2-d function takes len() of the ratio first, so a bare float is a TypeError)
        if n == 2 and len(output_ratio) > 2:
            raise ValueError("fractional_max_pool2d requires output_ratio to either be a single "
                             "Int or tuple of Ints.")
        ratio = tuple(output_ratio) if isinstance(output_ratio, (tuple, list)) \
            else (output_ratio,) * n
        output_size = [int(input.size(d - n) * ratio[d]) for d in range(n)]
    if _random_samples is None:
        n_batch = 1 if input.dim() == n + 1 else input.size(0)
        _random_samples = _sampling.rand(n_batch, input.size(-n - 1), n, dtype=input.dtype,
                                         device=input.device)
    k = ints(kernel_size, "kernel_size", name, 2)
    out = ints(output_size, "output_size", name, 3)
    k, out = (k * n if len(k) == 1 else k), (out * n if len(out) == 1 else out)
    which = "Ints" if n == 2 else "three Ints"
    if len(k) != n:
        raise RuntimeError(f"{name}: kernel_size must either be a single Int or tuple of {which}")
    if len(out) != n:
        raise RuntimeError(f"{name}: output_size must either be a single Int or tuple of {which}")
    _check(input._data, n, k, out, _random_samples._data)
    values, indices = _pool(input._data, n, k, out, _random_samples._data)
    plan = Gather(indices, input._data.shape[-n:], True, _NODES[n])
    indices = wrap(indices)     # (kept, as PyTorch's node saves them)
    return keep_index(recorded(plan.node, values, (input,), (plan,)), indices), indices


def _check(x, n, k, out, samples):
    """ATen's meta checks, then fractional_max_pool_check_shape, then the
    kernel's dtype dispatch."""
    where = "fractional_max_pool2d()" if n == 2 else "fractional_max_pool3d_out()"
    if x.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"{where}: Expected {n + 1}D or {n + 2}D tensor, but got: "
                           f"{list(x.shape)}")
    for i in range(1, x.ndim):
        if x.shape[i] <= 0:
            raise RuntimeError(f"{where}: Expected input to have non-zero size for non-batch "
                               f"dimensions, but got{list(x.shape)} with dimension {i} being "
                               "empty.")
    spatial = x.shape[-n:]
    names = ("height", "width") if n == 2 else ("time", "height", "width")
    # (2-d: out + k - 1 <= in, height first; 3-d: strictly less, width before height)
    order = (0, 1) if n == 2 else (0, 2, 1)
    for d in order:
        bad = out[d] + k[d] - 1 > spatial[d] if n == 2 else out[d] + k[d] - 1 >= spatial[d]
        if bad:
            raise RuntimeError(f"{where}: pool {names[d]} {k[d]} too large relative to input "
                               f"{names[d]} {spatial[d]}")
    full = list(x.shape[:-n]) + list(out)
    if any(v < 0 for v in full):
        raise RuntimeError(f"Trying to create tensor with negative dimension "
                           f"{min(v for v in full if v < 0)}: {full}")
    if samples.dtype != x.dtype:
        raise RuntimeError("Expect _random_samples to have the same dtype as input")
    if samples.ndim != 3:
        raise RuntimeError(f"Expect _random_samples to have 3 dimensions, got {samples.ndim}")
    batch, channels = (1, x.shape[0]) if x.ndim == n + 1 else x.shape[:2]
    if samples.shape[0] < batch:
        raise RuntimeError("Expect _random_samples.size(0) no less then input batch size.")
    if samples.shape[1] != channels:
        raise RuntimeError("Expect _random_samples.size(1) equals to input channel size.")
    if samples.shape[2] != n:
        raise RuntimeError(f"Expect _random_samples.size(2) equals to {n}; got "
                           f"{samples.shape[2]}.")
    from ... import _dtype as D
    if not D.is_float_np(x.dtype):
        raise NotImplementedError(f'"fractional_max_pool{n}d_out_frame" not implemented for '
                                  f"'{D.SCALAR_NAMES[D.from_numpy_dtype(x.dtype)]}'")


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    return _fractional(input, 2, kernel_size, output_size, output_ratio, _random_samples)


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    return _fractional(input, 3, kernel_size, output_size, output_ratio, _random_samples)


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None,
                          return_indices=False, _random_samples=None):
    out = fractional_max_pool2d_with_indices(input, kernel_size, output_size, output_ratio,
                                             return_indices, _random_samples)
    return out if return_indices else out[0]


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None,
                          return_indices=False, _random_samples=None):
    out = fractional_max_pool3d_with_indices(input, kernel_size, output_size, output_ratio,
                                             return_indices, _random_samples)
    return out if return_indices else out[0]
