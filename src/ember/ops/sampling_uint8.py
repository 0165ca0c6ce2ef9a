"""Bilinear and bicubic resizing of uint8 images, as PyTorch computes it
(Pillow-SIMD's fixed-point kernel, UpSampleKernelAVXAntialias.h): per axis,
W first then H, skipping an axis whose size does not change, the double
weights are scaled to int16 with the most precision bits that keep the
largest weight under 2**15; each pass sums integer products, adds half a
unit, shifts and clamps to 0..255 (so the intermediate image is uint8 too).
Bilinear (with or without antialias) and antialiased bicubic match PyTorch
bit for bit; plain bicubic differs by 1 or 2 levels on a few pixels in a thousand
(PyTorch's rounding there is not this scheme's; not yet found).
"""
from .. import _meta
import math

from .._backend import np

__all__ = ["resize_uint8"]


def _filter(mode, antialias, x):
    x = np.abs(x)
    if mode == "bilinear":
        return np.where(x < 1, 1 - x, 0.0)
    a = -0.5 if antialias else -0.75      # Keys' A for the AA kernel, PyTorch's otherwise
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    far = (((x - 5) * x + 8) * x - 4) * a
    return np.where(x < 1, near, np.where(x < 2, far, 0.0))


def _scale(n_in, n_out, align_corners, scale):
    if align_corners:
        return (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    return 1.0 / scale if scale is not None and scale > 0 else n_in / n_out


def _int16_weights(mode, n_in, n_out, align_corners, scale, antialias):
    """(indices (K, m), int16 weights (K, m), precision bits)."""
    if mode == "bicubic" and not antialias:
        # Keys' kernel at A = -0.75 with indices clamped at the border, as the
        # float kernel reads them (the window is not cut and renormalised).
        from .sampling_interp import _cubic
        idx, w = _cubic(n_in, n_out, align_corners, scale, np.float64)
        return (idx,) + _to_int16(w)
    s = _scale(n_in, n_out, align_corners, scale)
    interp = 2 if mode == "bilinear" else 4
    if antialias:
        support = interp * 0.5 * s if s >= 1 else interp * 0.5
        k = int(math.ceil(support)) * 2 + 1
    else:
        support, k = interp * 0.5, interp
    delta = 0.5 if align_corners and not antialias else 0.0
    center = s * (np.arange(n_out) + 0.5 - delta)
    invscale = 1.0 / s if s >= 1 and antialias else 1.0
    xmin = np.maximum((center - support + 0.5 + delta).astype(np.int64), 0)
    xsize = np.clip(np.minimum((center + support + 0.5 + delta).astype(np.int64), n_in) - xmin,
                    0, k)
    j = np.arange(k)[:, None]
    w = np.where(j < xsize, _filter(mode, antialias, (j + xmin - center + 0.5 - delta) * invscale),
                 0.0)
    total = w.sum(axis=0)
    w = np.where(total != 0, w / np.where(total != 0, total, 1.0), w)
    return (np.minimum(j + xmin, n_in - 1),) + _to_int16(w)


def _to_int16(w):
    """The weights in fixed point, with as many fraction bits as int16 allows."""
    w_max = w.max()
    precision = 0
    while precision < 22 and int(0.5 + w_max * (1 << (precision + 1))) < (1 << 15):
        precision += 1
    scaled = w * (1 << precision)
    w16 = np.where(scaled < 0, np.trunc(scaled - 0.5), np.trunc(scaled + 0.5)).astype(np.int64)
    return w16, precision


def resize_uint8(x, mode, out_sizes, scales, align_corners, antialias):
    """x: uint8 array (N, C, H, W) -> (N, C, *out_sizes)."""
    for axis in (3, 2):
        n_in, n_out = x.shape[axis], out_sizes[axis - 2]
        if n_in == n_out:
            continue
        idx, w16, precision = _int16_weights(mode, n_in, n_out, bool(align_corners),
                                             scales[axis - 2], antialias)
        shape = (-1,) + (1,) * (x.ndim - axis - 1)
        acc = np.full((1,) * x.ndim, 1 << (precision - 1), np.int64)
        for k in range(idx.shape[0]):
            acc = acc + np.take(x, idx[k], axis=axis).astype(np.int64) * w16[k].reshape(shape)
        x = np.clip(acc >> precision, 0, 255).astype(np.uint8)
    return _meta.ascontiguousarray(x)
