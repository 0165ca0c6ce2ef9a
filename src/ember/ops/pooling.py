"""Pooling ops: max and average pools over 1-3 spatial dims (this file),
adaptive pools and max_unpool (pooling_adaptive.py); the arithmetic is in
pooling_plans.py, PyTorch's argument checks in pooling_checks.py.

As in PyTorch, the 1-d pools are the 2-d ones on an input unsqueezed at
dim -2 (their graphs read Squeeze <- MaxPool2DWithIndices <- Unsqueeze), and
one node is recorded per pool, named as PyTorch names it.
"""
from .._layout import c_strided, in_input_format
from .. import _dtype as D
from .._backend import np
from ._common import keep_index, recorded, wrap
from ._registry import register
from . import shape as _S
from .pooling_checks import (WORDS, dim_range, ints, kernel_dtype, one_int, output_size,
                             shape_check, size_of_dim, spread)
from .pooling_plans import StridedGather, node_family, strided_max
from .pooling_sums import StridedSum, WindowSum

__all__ = ["max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices",
           "avg_pool1d"]


# (the arguments as PyTorch's nodes show them: sizes spread over the dims, a
# stride not given as ())
MAX_NODES = {n: node_family(f"MaxPool{n}DWithIndices", True, (
    "ceil_mode", "dilation", "kernel_size", "padding", "stride")) for n in (2, 3)}
AVG_NODES = {n: node_family(f"AvgPool{n}D", False, (
    "ceil_mode", "count_include_pad", "divisor_override", "kernel_size", "padding", "stride"))
    for n in (2, 3)}


def _given_stride(stride, s):
    return () if stride is None or (isinstance(stride, (tuple, list)) and not stride) \
        else tuple(s)


def pool_args(n, name, kernel_size, stride, padding, dilation=None, style="either"):
    """kernel, stride, padding (and dilation) as n-tuples, with the messages of
    PyTorch's `name` (its 3-d average pool words them slightly otherwise)."""
    w = WORDS[n]
    either = "either " if style == "either" else ""
    k = spread(ints(kernel_size, "kernel_size", name, 2), n,
               f"{name}: kernel_size must {either}be a single int, or a tuple of {w} ints")
    if stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0):
        s = k
    else:
        s = spread(ints(stride, "stride", name, 3), n,
                   f"{name}: stride must {either}be omitted, a single int, or a tuple of {w} ints")
    p = spread(ints(padding, "padding", name, 4), n,
               f"{name}: padding must {either}be a single int, or a tuple of {w} ints")
    if dilation is None:
        return k, s, p
    d = spread(ints(dilation, "dilation", name, 5), n,
               f"{name}: dilation must be either a single int, or a tuple of {w} ints")
    return k, s, p, d


def _rank(x, n):
    if x.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"non-empty {n + 1}D or {n + 2}D (batch mode) tensor expected for input")


def _max_pool(input, n, kernel_size, stride, padding, dilation, ceil_mode, with_indices=True):
    """(values, indices) of PyTorch's max_pool{n}d_with_indices (indices None
    unless `with_indices`)."""
    name = f"max_pool{n}d"
    k, s, p, d = pool_args(n, name, kernel_size, stride, padding, dilation)
    x = input._data
    _rank(x, n)
    spatial = x.shape[-n:]
    out = tuple(output_size(L, *a, ceil_mode) for L, a in zip(spatial, zip(k, p, s, d)))
    shape_check(x, k, s, p, d, out, fn3d="max_pool3d_with_indices_out_cpu_template()")
    if x.dtype.kind in "bc":
        kernel_dtype(x, name, integers=False)
    values, which = strided_max(x, k, s, p, d, out)
    plan = StridedGather(which, spatial, (k, s, p, d, out), MAX_NODES[n])
    arguments = (bool(ceil_mode), tuple(d), tuple(k), tuple(p), _given_stride(stride, s))
    result = recorded(plan.node, in_input_format(values, x), (input,), (plan, arguments))
    # (the indices, when asked for: PyTorch's max_pool2d without them is a kernel of its own)
    if not with_indices:
        return result, None
    indices = wrap(in_input_format(plan.flat_indices(), x))
    return keep_index(result, indices), indices     # (kept, as PyTorch's node saves them)


def _avg_divisor(spatial, k, s, p, out, count_include_pad, divisor_override):
    """PyTorch's divisor of each window: its size within the input and its
    padding (or within the input only), a product over the axes."""
    if divisor_override is not None:
        return divisor_override
    div = None
    for a, (L, kk, ss, pp, o) in enumerate(zip(spatial, k, s, p, out)):
        start = np.arange(o, dtype=np.int64) * ss - pp
        end = np.minimum(start + kk, L + pp)
        n_a = end - start if count_include_pad else \
            np.minimum(end, L) - np.maximum(start, 0)
        shape = [1] * len(spatial)
        shape[a] = o
        n_a = n_a.reshape(shape)
        div = n_a if div is None else div * n_a
    return div


def _avg_pool(input, n, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override):
    name = f"avg_pool{n}d"
    k, s, p = pool_args(n, name, kernel_size, stride, padding,
                        style="either" if n == 2 else "plain")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    x = input._data
    if n == 2:
        size_of_dim(x.shape, -3)
    else:
        _rank(x, n)
    spatial = x.shape[-n:]
    out = tuple(output_size(L, kk, pp, ss, 1, ceil_mode)
                for L, kk, pp, ss in zip(spatial, k, p, s))
    shape_check(x, k, s, p, (1,) * n, out, avg3d=n == 3, fn3d="avg_pool3d()")
    kernel_dtype(x, name if n == 2 else "avg_pool3d_out_frame", byte=False, halves=n < 3)
    axes = [StridedSum(L, kk, ss, pp, o) for L, kk, ss, pp, o in zip(spatial, k, s, p, out)]
    div = _avg_divisor(spatial, k, s, p, out, count_include_pad, divisor_override)
    plan = WindowSum(axes, div, AVG_NODES[n])
    arguments = (bool(ceil_mode), bool(count_include_pad), divisor_override, tuple(k), tuple(p),
                 _given_stride(stride, s))
    if x.dtype == D._BF16_NP:   # (summed in float32, as PyTorch's kernel)
        return recorded(plan.node,
                        in_input_format(plan.forward(x.astype(np.float32)).astype(x.dtype), x),
                        (input,), (plan, arguments))
    return recorded(plan.node, in_input_format(plan.forward(x), x), (input,), (plan, arguments))


def as_2d(fn, input, *args):
    """A 1-d pool as PyTorch runs it: the 2-d pool of input.unsqueeze(-2)."""
    res = fn(_S.unsqueeze(input, -2), *args)
    if isinstance(res, tuple):
        return tuple(_S.squeeze(r, -2) for r in res)
    return _S.squeeze(res, -2)


# -- the torch-namespace ops -----------------------------------------------------
def _check_max_pool1d(x, k, s, p, d, ceil_mode):
    """max_pool1d's own checks (the path without indices)."""
    if x.ndim not in (2, 3) or 0 in x.shape[x.ndim - 2:]:
        raise RuntimeError("max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim "
                           f"batch size for input, but got:{list(x.shape)}")
    if len(k) != 1:
        raise RuntimeError("max_pool1d() kernel_size must be an int, list of ints or tuple of "
                           f"ints of size 1 but got size {len(k)}")
    if len(s) > 1:
        raise RuntimeError("max_pool1d() stride must be None, an int, list of ints, or tuple of "
                           f"ints of size 1 but got size {len(s)}")
    if len(p) != 1:
        raise RuntimeError("max_pool1d() padding must be an int, list of ints, or tuple of ints "
                           f"of size 1 but got size {len(p)}")
    if len(d) != 1:
        raise RuntimeError("max_pool1d() dilation must be an int, list of ints or tuple of ints "
                           f"of size 1 but got size {len(d)}")
    s = s or k
    (k,), (s,), (p,), (d,) = k, s, p, d
    if k <= 0:
        raise RuntimeError(f"max_pool1d() kernel_size must be greater than zero, but got {k}")
    if s <= 0:
        raise RuntimeError(f"max_pool1d() stride must be greater than zero, but got {s}")
    if p < 0:
        raise RuntimeError(f"max_pool1d() padding must be non-negative, but got {p}")
    if p > k // 2:
        raise RuntimeError("max_pool1d() padding should be at most half of kernel size, but got "
                           f"padding={p} and kernel_size={k}")
    if d <= 0:
        raise RuntimeError(f"max_pool1d() dilation must be greater than zero, but got {d}")
    o = output_size(x.shape[-1], k, p, s, d, ceil_mode)
    if o <= 0:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {o}")


def _ints_or_empty(value, name, where, pos):
    if value is None:
        return ()
    return ints(value, name, where, pos)


def max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1,
                            ceil_mode=False):
    k = ints(kernel_size, "kernel_size", "max_pool1d_with_indices", 2)
    s = _ints_or_empty(stride, "stride", "max_pool1d_with_indices", 3) or k
    p = ints(padding, "padding", "max_pool1d_with_indices", 4)
    d = ints(dilation, "dilation", "max_pool1d_with_indices", 5)
    dim_range(input._data, "max_pool1d", 2, 4)
    for name, v in (("kernel_size", k), ("stride", s), ("padding", p), ("dilation", d)):
        one_int(v, "max_pool1d", name)
    return as_2d(_max_pool, input, 2, (1, k[0]), (1, s[0]), (0, p[0]), (1, d[0]), ceil_mode)


def max_pool1d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    k = ints(kernel_size, "kernel_size", "max_pool1d", 2)
    s = _ints_or_empty(stride, "stride", "max_pool1d", 3)
    p = ints(padding, "padding", "max_pool1d", 4)
    d = ints(dilation, "dilation", "max_pool1d", 5)
    _check_max_pool1d(input._data, k, s, p, d, ceil_mode)
    if not input._requires_grad:
        kernel_dtype(input._data, "max_pool1d_impl", integers=False)
    out = max_pool1d_with_indices(input, k, s, p, d, ceil_mode)[0]
    if not input._requires_grad:
        # (PyTorch's max_pool1d_impl, run without grad, allocates a contiguous
        # output; the 2-D path keeps a channels-last-like one)
        out._data = c_strided(out._data)
    return out


def max_pool2d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _max_pool(input, 2, kernel_size, stride, padding, dilation, ceil_mode, False)[0]


def max_pool3d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _max_pool(input, 3, kernel_size, stride, padding, dilation, ceil_mode, False)[0]


def avg_pool1d(input, kernel_size, stride=(), padding=0, ceil_mode=False,
               count_include_pad=True):
    k = ints(kernel_size, "kernel_size", "avg_pool1d", 2)
    s = _ints_or_empty(stride, "stride", "avg_pool1d", 3) or k
    p = ints(padding, "padding", "avg_pool1d", 4)
    dim_range(input._data, "avg_pool1d", 2, 4)
    for name, v in (("kernel_size", k), ("stride", s), ("padding", p)):
        one_int(v, "avg_pool1d", name)
    return as_2d(_avg_pool, input, 2, (1, k[0]), (1, s[0]), (0, p[0]), ceil_mode,
                 count_include_pad, None)


for _f in (max_pool1d, max_pool2d, max_pool3d, max_pool1d_with_indices, avg_pool1d):
    register(_f, method=False, out=False)

from .pooling_adaptive import *  # noqa: E402,F401,F403
from . import pooling_adaptive as _adaptive  # noqa: E402

__all__ += _adaptive.__all__
