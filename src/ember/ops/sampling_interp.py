"""Interpolation: the upsample kernels F.interpolate runs (torch._C._nn's
upsample_nearest1d ... upsample_bicubic2d, _upsample_bilinear2d_aa), each a
plan of per-axis gathers (sampling_resample.py).

Indices and weights follow PyTorch's CPU kernels (UpSample.h,
UpSampleKernel.cpp) to the rounding: the source index of output j is
area_pixel_compute_source_index in the input's own float type; nearest
computes in float32 whatever the input; bicubic is Keys' kernel with
A = -0.75 and indices clamped at the border; antialiasing widens the
triangle (cubic with A = -0.5, or Lanczos-3) filter by the downscaling
factor and normalises the weights, as Pillow does. The last axis is gathered first, so
the sums are grouped as PyTorch's nested kernel groups them.
"""
import math

from .. import _dtype as D
from .._backend import np
from ._common import wrap
from .sampling_resample import axis_step, resample, resample_nodes
from .sampling_uint8 import resize_uint8

__all__ = ["upsample"]

_KIND = {"nearest": "Nearest", "nearest-exact": "NearestExact", "linear": "Linear",
         "bilinear": "Bilinear", "bicubic": "Bicubic", "trilinear": "Trilinear",
         "lanczos": "Lanczos"}
_NODES = {}


def _node(mode, n, antialias):
    name = f"Upsample{_KIND[mode]}{n}D{'Aa' if antialias else ''}Backward0"
    if name not in _NODES:
        _NODES[name] = resample_nodes(name)
    return _NODES[name]


def _scales_value(scale, n_in, n_out, ft):
    """compute_scales_value: 1/scale_factor when one was given, else in/out."""
    if scale is not None and scale > 0:
        return ft(1.0 / scale)
    return ft(n_in) / ft(n_out)


def _area_scale(n_in, n_out, align_corners, scale, ft):
    if align_corners:
        return ft(n_in - 1) / ft(n_out - 1) if n_out > 1 else ft(0)
    return _scales_value(scale, n_in, n_out, ft)


def _source_index(scale, n_out, align_corners, cubic, ft):
    j = np.arange(n_out, dtype=ft)
    if align_corners:
        return scale * j
    src = scale * (j + ft(0.5)) - ft(0.5)
    return src if cubic else np.maximum(src, ft(0))


def _guard(src, n_in):
    """guard_index_and_lambda: the index below, and the fraction past it."""
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    lam = np.clip(src - i0.astype(src.dtype), 0, 1).astype(src.dtype)
    return i0, lam


def _nearest(n_in, n_out, scale, exact):
    if not exact and n_out == n_in:
        return np.arange(n_out)
    if not exact and n_out == 2 * n_in:
        return np.arange(n_out) >> 1
    s = _scales_value(scale, n_in, n_out, np.float32)
    j = np.arange(n_out)
    if exact:
        # ((j + 0.5) * scale) is a double in the kernel, rounded to float for floorf.
        pos = ((j + 0.5) * np.float64(s)).astype(np.float32)
    else:
        pos = j.astype(np.float32) * s
    return np.minimum(np.floor(pos).astype(np.int64), n_in - 1)


def _linear(n_in, n_out, align_corners, scale, ft):
    src = _source_index(_area_scale(n_in, n_out, align_corners, scale, ft), n_out,
                        align_corners, False, ft)
    i0, lam = _guard(src, n_in)
    i1 = i0 + (i0 < n_in - 1)
    return np.stack([i0, i1]), np.stack([ft(1) - lam, lam])


def _cubic_coefficients(t, a):
    def near(x):    # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):     # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    one = t.dtype.type(1)
    return np.stack([far(t + one), near(t), near(one - t), far(2 * one - t)])


def _cubic(n_in, n_out, align_corners, scale, ft):
    src = _source_index(_area_scale(n_in, n_out, align_corners, scale, ft), n_out,
                        align_corners, True, ft)
    i0, t = _guard(src, n_in)
    idx = np.clip(i0[None] + np.arange(-1, 3)[:, None], 0, n_in - 1)
    return idx, _cubic_coefficients(t, ft(-0.75)).astype(ft)


def _aa_filter(mode, x):
    x = np.abs(x)
    if mode == "bilinear":
        return np.where(x < 1, 1 - x, 0).astype(x.dtype)
    if mode == "lanczos":     # Lanczos-3: sinc(x) sinc(x / 3) on |x| < 3
        return np.where(x < 3, np.sinc(x) * np.sinc(x / 3), 0).astype(x.dtype)
    a = x.dtype.type(-0.5)
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    far = (((x - 5) * x + 8) * x - 4) * a
    return np.where(x < 1, near, np.where(x < 2, far, 0)).astype(x.dtype)


def _antialiased(mode, n_in, n_out, align_corners, scale, ft):
    """_compute_index_ranges_weights: a filter support widened by the scale
    when downsampling, weights normalised to sum to one."""
    s = _area_scale(n_in, n_out, align_corners, scale, ft)
    interp = {"bilinear": 2, "bicubic": 4, "lanczos": 6}[mode]
    support = ft(interp * 0.5) * s if s >= 1 else ft(interp * 0.5)
    k = int(math.ceil(float(support))) * 2 + 1
    center = s * (np.arange(n_out, dtype=ft) + ft(0.5))
    invscale = ft(1) / s if s >= 1 else ft(1)
    xmin = np.maximum((center - support + ft(0.5)).astype(np.int64), 0)
    xsize = np.minimum((center + support + ft(0.5)).astype(np.int64), n_in) - xmin
    xsize = np.clip(xsize, 0, k)
    j = np.arange(k)[:, None]
    w = _aa_filter(mode, ((j + xmin).astype(ft) - center + ft(0.5)) * invscale)
    w = np.where(j < xsize, w, ft(0))
    total = w.sum(axis=0)
    w = np.where(total != 0, w / np.where(total != 0, total, ft(1)), w).astype(ft)
    return np.minimum(j + xmin, n_in - 1), w


_DTYPE_KERNEL = {("nearest", 2): "upsample_nearest2d_channels_last",
                 ("nearest-exact", 2): "upsample_nearest2d_channels_last",
                 ("bilinear", 2): "upsample_bilinear2d_channels_last",
                 ("nearest", 1): "compute_indices_weights_nearest",
                 ("nearest", 3): "compute_indices_weights_nearest",
                 ("nearest-exact", 1): "compute_indices_weights_nearest",
                 ("nearest-exact", 3): "compute_indices_weights_nearest",
                 ("linear", 1): "compute_indices_weights_linear",
                 ("trilinear", 3): "compute_indices_weights_linear",
                 ("bicubic", 2): "compute_indices_weights_cubic"}


def _check(input, mode, n, out_sizes, antialias):
    x = input._data
    letters = ("D", "H", "W")[3 - n:]
    if any(o <= 0 for o in out_sizes) or any(s <= 0 for s in x.shape[2:]):
        ins = ", ".join(f"{c}: {s}" for c, s in zip(letters, x.shape[2:]))
        outs = ", ".join(f"{c}: {s}" for c, s in zip(letters, out_sizes))
        sep = " and" if n == 1 else ""
        raise RuntimeError("Input and output sizes should be greater than 0, but got input "
                           f"({ins}){sep} output ({outs})")
    if x.shape[1] == 0:
        raise RuntimeError(f"Non-empty {n + 2}D data tensor expected but got a tensor with "
                           f"sizes {list(x.shape)}")
    if D.is_float_np(x.dtype):
        return
    kernel = "compute_index_ranges_weights" if antialias else _DTYPE_KERNEL[mode, n]
    if x.dtype == np.uint8 and not antialias and mode in ("nearest", "nearest-exact"):
        return
    if x.dtype == np.uint8 and mode in ("bilinear", "bicubic"):
        return
    raise NotImplementedError(f'"{kernel}" not implemented for '
                              f"'{D.SCALAR_NAMES[input.dtype]}'")


def output_sizes(in_sizes, size, scales):
    """The kernel's output size: the given one, or floor(in * scale)."""
    if size is not None:
        return [int(s) for s in size]
    return [int(math.floor(n * float(s))) for n, s in zip(in_sizes, scales)]


def upsample(input, mode, size, scales, align_corners=None, antialias=False):
    """One of PyTorch's upsample kernels. `size` (ints) or `scales` (floats,
    one per spatial dim) as F.interpolate passes them; `scales` are also the
    kernel's scale factors when no size was given."""
    x = input._data
    n = x.ndim - 2
    in_sizes = x.shape[2:]
    out_sizes = output_sizes(in_sizes, size, scales)
    if size is not None:
        scales = [None] * n
    _check(input, mode, n, out_sizes, antialias)
    if x.dtype == np.uint8 and mode in ("bilinear", "bicubic"):
        return wrap(resize_uint8(x, mode, out_sizes, scales, align_corners, antialias))
    ft = x.dtype.type if x.dtype.kind == "f" and x.dtype.itemsize >= 4 else np.float32
    plan = []
    for axis in range(x.ndim - 1, 1, -1):     # last axis first: PyTorch's grouping
        n_in, n_out, scale = in_sizes[axis - 2], out_sizes[axis - 2], scales[axis - 2]
        if mode in ("nearest", "nearest-exact"):
            plan.append(axis_step(axis, _nearest(n_in, n_out, scale, mode != "nearest"),
                                  None, n_in))
            continue
        if antialias:
            idx, w = _antialiased(mode, n_in, n_out, align_corners, scale, ft)
        elif mode == "bicubic":
            idx, w = _cubic(n_in, n_out, align_corners, scale, ft)
        else:
            idx, w = _linear(n_in, n_out, align_corners, scale, ft)
        plan.append(axis_step(axis, idx, w, n_in))
    return resample(input, tuple(plan), _node(mode, n, antialias))
