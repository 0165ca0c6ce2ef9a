"""nn.functional pooling: max, average, adaptive, power-average pools and
max_unpool, as PyTorch's functional.py spells them over its ops."""
from ..._python_data import _tname
from ..._tensor import Tensor as _Tensor
from ...ops import _autocast, pointwise as _P
from ..modules.utils import _pair, _triple
from ...ops import pooling as _pool
from ...ops.pooling import (adaptive_avg_pool1d, avg_pool1d, max_pool1d as _max_pool1d,
                            max_pool1d_with_indices as _max_pool1d_with_indices)
from ...ops.pooling_adaptive import adaptive_avg, adaptive_max, max_unpool
from ...ops.pooling_checks import ints

__all__ = ["max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices",
           "max_pool2d_with_indices", "max_pool3d_with_indices", "avg_pool1d", "avg_pool2d",
           "avg_pool3d", "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d",
           "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool3d",
           "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
           "adaptive_max_pool3d_with_indices", "max_unpool1d", "max_unpool2d", "max_unpool3d",
           "lp_pool1d", "lp_pool2d", "lp_pool3d", "fractional_max_pool2d", "fractional_max_pool3d",
           "fractional_max_pool2d_with_indices", "fractional_max_pool3d_with_indices"]


def _F():
    from .. import functional
    return functional


# -- max pools ------------------------------------------------------------------------
def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    return _max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    return _pool._max_pool(input, 2, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    return _pool._max_pool(input, 3, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    if return_indices:   # (as F's, which refuses a non-tensor in its own name)
        return _F().max_pool1d_with_indices(input, kernel_size, stride, padding, dilation,
                                             ceil_mode)
    return _max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    if return_indices:   # (as F's, which refuses a non-tensor in its own name)
        return _F().max_pool2d_with_indices(input, kernel_size, stride, padding, dilation,
                                             ceil_mode)
    return _pool.max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    if return_indices:   # (as F's, which refuses a non-tensor in its own name)
        return _F().max_pool3d_with_indices(input, kernel_size, stride, padding, dilation,
                                             ceil_mode)
    return _pool.max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode)


# -- average pools --------------------------------------------------------------------
def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    return _pool._avg_pool(input, 2, kernel_size, stride, padding, ceil_mode, count_include_pad,
                           divisor_override)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    return _pool._avg_pool(input, 3, kernel_size, stride, padding, ceil_mode, count_include_pad,
                           divisor_override)


# -- adaptive pools -------------------------------------------------------------------
def _list_with_default(out_size, defaults):
    if isinstance(out_size, int):
        return out_size
    if len(defaults) <= len(out_size):
        raise ValueError(f"Input dimension should be at least {len(out_size) + 1}")
    return [v if v is not None else d for v, d in zip(out_size, defaults[-len(out_size):])]


def adaptive_avg_pool2d(input, output_size):
    return adaptive_avg(input, 2, _list_with_default(output_size, input.shape))


def adaptive_avg_pool3d(input, output_size):
    return adaptive_avg(input, 3, _list_with_default(output_size, input.shape))


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    return _pool.adaptive_max_pool1d(input, output_size)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    return adaptive_max(input, 2, _list_with_default(output_size, input.shape))


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    return adaptive_max(input, 3, _list_with_default(output_size, input.shape))


def adaptive_max_pool1d(input, output_size, return_indices=False):
    out = adaptive_max_pool1d_with_indices(input, output_size)
    return out if return_indices else out[0]


def adaptive_max_pool2d(input, output_size, return_indices=False):
    out = adaptive_max_pool2d_with_indices(input, output_size)
    return out if return_indices else out[0]


def adaptive_max_pool3d(input, output_size, return_indices=False):
    out = adaptive_max_pool3d_with_indices(input, output_size)
    return out if return_indices else out[0]


# -- max_unpool -----------------------------------------------------------------------
def _unpool_output_size(input, kernel_size, stride, padding, output_size):
    n = len(kernel_size)
    input_size = input.shape
    default = [(input_size[-n + d] - 1) * stride[d] + kernel_size[d] - 2 * padding[d]
               for d in range(n)]
    if output_size is None:
        ret = default
    else:
        if len(output_size) == n + 2:
            output_size = output_size[2:]
        if len(output_size) != n:
            raise ValueError(f"output_size should be a sequence containing {n} or {n + 2} "
                             f"elements, but it has a length of '{len(output_size)}'")
        for d in range(n):
            lo, hi = default[d] - stride[d], default[d] + stride[d]
            if not lo < output_size[d] < hi:
                raise ValueError(f'invalid output_size "{output_size}" (dim {d} must be between '
                                 f"{lo} and {hi})")
        ret = output_size
    for d in range(n):
        if ret[d] < 0:
            raise ValueError("max_unpooling: output_size must contain non-negative spatial "
                             f"dimensions, but got output_size[{d}]={ret[d]}")
    return ret


def _unpool_args(n, kernel_size, stride, padding):
    def tup(v, name, pos):
        v = ints(v, name, f"max_unpool{n}d", pos)
        return v * n if len(v) == 1 else v
    kernel_size = tup(kernel_size, "kernel_size", 3)
    stride = tup(stride, "stride", 4) if stride is not None else kernel_size
    return kernel_size, stride, tup(padding, "padding", 5)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    k, s, p = _unpool_args(1, kernel_size, stride, padding)
    size = _unpool_output_size(input, k, s, p, output_size)
    out = max_unpool(input.unsqueeze(-1), indices.unsqueeze(-1), 2, tuple(size) + (1,))
    return out.squeeze(-1)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    k, s, p = _unpool_args(2, kernel_size, stride, padding)
    size = _unpool_output_size(input, k, s, p, output_size)
    return max_unpool(input, indices, 2, tuple(size))


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    k, s, p = _unpool_args(3, kernel_size, stride, padding)
    size = _unpool_output_size(input, k, s, p, output_size)
    return max_unpool(input, indices, 3, tuple(size), s, p)


# -- power-average pools --------------------------------------------------------------
def _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, max_pool, avg_pool, sizes=None):
    """PyTorch's lp_pool{n}d, in its order: `sizes` (the 2-d and 3-d kernel,
    unpacked by the caller first, as PyTorch's `kw, kh = _pair(kernel_size)`)
    multiply only after the average pool has checked the kernel size."""
    if isinstance(norm_type, (int, float)):
        if norm_type == float("inf"):
            return max_pool(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
        if norm_type == -float("inf"):
            return -max_pool(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if stride is not None:
        out = avg_pool(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    else:
        out = avg_pool(input.pow(norm_type), kernel_size, padding=0, ceil_mode=ceil_mode)
    factor = kernel_size
    if sizes is not None:
        factor = 1
        for v in sizes:
            factor = factor * v
    if not isinstance(factor, (int, float, _Tensor)):
        raise TypeError("mul(): argument 'other' (position 1) must be Tensor, not "
                        f"{_tname(factor)}")
    return (_P.sign(out) * _P.relu(_P.abs(out))).mul(factor).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, max_pool1d, avg_pool1d)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    kw, kh = _pair(kernel_size)
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, max_pool2d, avg_pool2d,
                    (kw, kh))


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    kd, kw, kh = _triple(kernel_size)
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, max_pool3d, avg_pool3d,
                    (kd, kw, kh))


from .pooling_fractional import *  # noqa: E402,F401,F403

# (the 3-d and fractional pools and the unpools are on autocast's float32 list)
_autocast.hook_all(globals(), __all__)
