"""Adaptive pools (PyTorch's windows [floor(i*L/o), ceil((i+1)*L/o))) and
max_unpool, on the plans of pooling_plans.py."""
from .._layout import in_input_format
from .._backend import np
from . import reduction as _R
from ._common import keep_index, recorded, wrap
from ._registry import register
from .pooling_checks import dim_range, ints, kernel_dtype, one_int
from .pooling_plans import (Gather, adaptive_bounds, adaptive_windows, node_family,
                            unpool_nodes, window_max)
from .pooling_sums import RangeSum, WindowSum

__all__ = ["adaptive_avg_pool1d", "adaptive_max_pool1d"]


ADAPTIVE_AVG_NODES = {n: node_family(f"AdaptiveAvgPool{n}D", False) for n in (2, 3)}
ADAPTIVE_MAX_NODES = {n: node_family(f"AdaptiveMaxPool{n}D", True) for n in (2, 3)}
UNPOOL_NODES = {n: unpool_nodes(n) for n in (2, 3)}


def adaptive_avg(input, n, output_size):
    """at::adaptive_avg_pool{n}d: a mean where every window is the whole
    plane (output size 1), else one node."""
    name = f"adaptive_avg_pool{n}d"
    o = ints(output_size, "output_size", name, 2)
    if len(o) == 1:
        o = o * n
    if len(o) != n:
        raise RuntimeError(f"{name}: output_size must be {n}")
    if any(v < 0 for v in o):
        shown = f"{o[0]}, {o[1]}" if n == 2 else f"{o[0]}, {o[1]},{o[2]}"
        raise RuntimeError(f"{name}: elements of output_size must be greater than or equal to 0 "
                           f"but received {{{shown}}}")
    if all(v == 1 for v in o):
        out = _R.mean(input, tuple(range(-1, -n - 1, -1)), True)
        if n == 2:
            # (PyTorch restrides the mean of a channels-last input as channels-last)
            out._data = in_input_format(out._data, input._data)
        return out
    x = input._data
    if x.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"{name}(): Expected {n + 1}D or {n + 2}D tensor, but got "
                           f"{list(x.shape)}")
    for i in range(-n, 0):
        if x.shape[i] <= 0:
            raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch "
                               f"dimensions, but input has sizes {list(x.shape)} with dimension "
                               f"{i + x.ndim} being empty")
    kernel_dtype(x, name if n == 2 else f"{name}_cpu", integers=False)
    spatial = x.shape[-n:]
    axes, div = [], None
    for a, (L, oo) in enumerate(zip(spatial, o)):
        start, end = adaptive_bounds(L, oo)
        axes.append(RangeSum(L, start, end))
        shape = [1] * n
        shape[a] = oo
        length = (end - start).reshape(shape)
        div = length if div is None else div * length
    plan = WindowSum(axes, div, ADAPTIVE_AVG_NODES[n])
    return recorded(plan.node, in_input_format(plan.forward(x), x), (input,), (plan,))


def adaptive_max(input, n, output_size):
    """(values, indices) of at::adaptive_max_pool{n}d."""
    name = f"adaptive_max_pool{n}d"
    o = ints(output_size, "output_size", name, 2)
    if len(o) == 1:
        o = o * n
    x = input._data
    if x.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"{name}(): Expected {n + 1}D or {n + 2}D tensor, but got: "
                           f"{list(x.shape)}")
    for i in range(1, x.ndim):
        if x.shape[i] <= 0:
            raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch "
                               f"dimensions, but input has sizes {list(x.shape)} with dimension "
                               f"{i} being empty")
    if len(o) != n:
        raise RuntimeError(f"{name}(): internal error: output_size.size() must be {n}")
    full = list(x.shape[:-n]) + list(o)
    for v in full:
        if v < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {v}: {full}")
    kernel_dtype(x, name if n == 2 else f"{name}_cpu", integers=False)
    spatial = x.shape[-n:]
    values, indices = window_max(x, [adaptive_windows(L, oo) for L, oo in zip(spatial, o)])
    plan = Gather(indices, spatial, True, ADAPTIVE_MAX_NODES[n])
    indices = wrap(in_input_format(indices, x))     # (kept, as PyTorch's node saves them)
    return keep_index(recorded(plan.node, in_input_format(values, x), (input,), (plan,)),
                      indices), indices


def _unsqueezed(input):
    from . import shape as _S
    return _S.unsqueeze(input, -2)


def _squeezed(t):
    from . import shape as _S
    return _S.squeeze(t, -2)


def adaptive_avg_pool1d(input, output_size):
    o = ints(output_size, "output_size", "adaptive_avg_pool1d", 2)
    dim_range(input._data, "adaptive_avg_pool1d", 2, 4)
    one_int(o, "adaptive_avg_pool1d", "output_size")
    return _squeezed(adaptive_avg(_unsqueezed(input), 2, (1, o[0])))


def adaptive_max_pool1d(input, output_size):
    o = ints(output_size, "output_size", "adaptive_max_pool1d", 2)
    dim_range(input._data, "adaptive_max_pool1d", 2, 4)
    one_int(o, "adaptive_max_pool1d", "output_size")
    values, indices = adaptive_max(_unsqueezed(input), 2, (1, o[0]))
    return _squeezed(values), _squeezed(indices)


register(adaptive_avg_pool1d, method=False, out=False)
register(adaptive_max_pool1d, method=False, out=False)


# -- max_unpool --------------------------------------------------------------------
def max_unpool(input, indices, n, output_size, stride=None, padding=None):
    """at::max_unpool{n}d: each value put at its index within its plane."""
    x, idx = input._data, indices._data
    dims = "(height, width)" if n == 2 else "(depth, height, width)"
    count = "two" if n == 2 else "three"
    if n == 2:
        if idx.dtype != np.int64:
            raise RuntimeError("elements in indices should be type int64 but got: "
                               f"{_scalar_name(indices)}")
        if len(output_size) != 2:
            raise RuntimeError(f"There should be exactly two elements {dims} in output_size, but "
                               f"got {len(output_size)} elements.")
        if x.ndim not in (3, 4):
            raise RuntimeError("Input to max_unpooling2d should be a 3d or 4d Tensor, but got a "
                               f"tensor with {x.ndim} dimensions.")
    else:
        if idx.dtype != np.int64:
            raise RuntimeError("elements in indices should be type int64")
        if x.ndim not in (4, 5):
            raise RuntimeError("Input to max_unpooling3d should be a 4d or 5d Tensor, but got a "
                               f"tensor with {x.ndim} dimensions.")
        for what, v in (("output_size", output_size), ("stride", stride), ("padding", padding)):
            if len(v) != 3:
                sep = " " if what == "output_size" else ": "
                raise RuntimeError(f"There should be exactly {count} elements {dims} in {what}, "
                                   f"but got{sep}{len(v)} elements.")
    if x.shape != idx.shape:
        raise RuntimeError("Expected shape of indices to be same as that of the input tensor "
                           f"({list(x.shape)}) but got indices tensor with shape: "
                           f"{list(idx.shape)}")
    fn = "max_unpooling2d_forward_out_cpu()" if n == 2 else "max_unpooling3d_forward_out_cpu()"
    for i in range(1, x.ndim):
        if x.shape[i] <= 0:
            raise RuntimeError(f"{fn}: Expected input to have non-zero size for non-batch "
                               f"dimensions, but got {list(x.shape)} with dimension {i} being "
                               "empty.")
    if n == 3 and not all(v > 0 for v in stride):
        raise RuntimeError(f"strides should be greater than zero, but got stride: {list(stride)}")
    if x.dtype.kind == "c":
        kernel_dtype(x, f"max_unpool{n}d")
    size = int(np.prod(output_size, dtype=np.int64))
    bad = (idx < 0) | (idx >= size)
    if bad.any():
        shown = "x".join(str(v) for v in output_size)
        # (PyTorch's loop over a plane goes on past a bad index and reports
        # the last; across planes its threads decide: here the first plane)
        planes = bad.reshape(int(np.prod(x.shape[:x.ndim - n], dtype=np.int64)), -1)
        plane = int(planes.any(1).argmax())
        first = idx.reshape(planes.shape)[plane][planes[plane]]
        raise RuntimeError(f"Found an invalid max index: {int(first[-1])} (output volumes are of "
                           f"size {shown})")
    plan = Gather(idx, tuple(output_size), False, UNPOOL_NODES[n])
    return recorded(plan.node, plan.adjoint(x), (input,), (plan,))


def _scalar_name(t):
    from .. import _dtype as D
    return D.SCALAR_NAMES[t.dtype]
