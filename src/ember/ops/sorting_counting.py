"""Counting and binning: unique, unique_consecutive, searchsorted, bucketize,
histc, histogram, bincount, count_nonzero. None of them is differentiable;
where PyTorch still records a node (unique's values, histogram, weighted
bincount), so does Ember: a backward through it raises PyTorch's error."""
from .._python_data import _tname
import numbers

from .._layout import c_strided
from .. import return_types
from ._common import D, Tensor, checked_scalar, kernel_refuses, np, recorded, wrap, wrap_dim
from ._out import same_dtype
from ._int_args import is_int, type_name
from ._registry import grad_fn, no_derivative, not_implemented, register
from .reduction import _dims_or_none


# C++'s names of the dtypes, which some of PyTorch's messages print, by NumPy dtype
_C_NAMES = {np_dtype: D.C_NAMES[d] for np_dtype, d in D._BY_NP.items()}
D.on_bfloat16(lambda bf16: _C_NAMES.__setitem__(bf16, D.C_NAMES[D.bfloat16]))


def _linspace(lo, hi, steps, dtype):
    """The bin edges, as PyTorch's linspace rounds them."""
    from .._creation import linspace
    return linspace(lo, hi, steps, dtype=dtype)._data


Unique2Backward0 = grad_fn("Unique2Backward0", self=no_derivative("_unique2"))
UniqueDimBackward0 = grad_fn("UniqueDimBackward0", self=no_derivative("unique_dim"))
UniqueConsecutiveBackward0 = grad_fn("UniqueConsecutiveBackward0",
                                     self=no_derivative("unique_consecutive"))
HistogramBackward = not_implemented("histogram", "self", "weight")
BincountBackward = not_implemented("bincount", "weights")


def _results(input, node, values, inverse, counts, return_inverse, return_counts):
    out = [recorded(node, values, (input,))]
    if return_inverse:
        out.append(wrap(inverse.astype(np.int64, copy=False)))
    if return_counts:
        out.append(wrap(counts.astype(np.int64, copy=False)))
    return out[0] if len(out) == 1 else tuple(out)


def _data_dim(x, dim):
    if x.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return wrap_dim(dim, x.ndim)


def _unique_args(op, dim, dim_at, **flags):
    """torch.unique is Python handing its flags by name (and unique_dim's dim
    in place) to an op whose parser takes only bools and an int."""
    if dim is not None and not is_int(dim):
        raise TypeError(f"{op}(): argument 'dim'{dim_at} must be int, not {type_name(dim)}")
    for name, value in flags.items():
        if value.__class__ is not bool:
            raise TypeError(f"{op}(): argument '{name}' must be bool, not {type_name(value)}")


def _empty_along(x, d):
    """unique's answer along dim d of an empty tensor, as PyTorch's
    (_unique_dim_cpu_template): only one dim may be 0, and it must be d; the
    values are the (empty) input's shape, inverse and counts empty."""
    if x.shape.count(0) != 1:
        raise RuntimeError("Number of zero sized dimensions is more than one, so unique cannot "
                           "be applied ")
    if x.shape[d] != 0:
        raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique "
                           "cannot be applied")
    return np.empty(x.shape, x.dtype), np.empty(0, np.int64), np.empty(0, np.int64)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    # (Unsorted results may come in any order: they come sorted.)
    _unique_args("_unique2" if dim is None else "unique_dim", dim, " (position 2)",
                 sorted=sorted, return_inverse=return_inverse, return_counts=return_counts)
    x = input._data
    if x.dtype.kind == "c":
        raise kernel_refuses("unique" if dim is None else "unique_dim", x.dtype)
    keys = x.astype(np.float32) if x.dtype == D._BF16_NP else x     # (see sorting.as_1d)
    if dim is None:
        values, inverse, counts = np.unique(keys.reshape(-1), return_inverse=True,
                                            return_counts=True, equal_nan=False)
        return _results(input, Unique2Backward0, values.astype(x.dtype, copy=False),
                        inverse.reshape(x.shape), counts, return_inverse, return_counts)
    d = _data_dim(x, dim)
    if x.size == 0:
        return _results(input, UniqueDimBackward0, *_empty_along(x, d), return_inverse,
                        return_counts)
    values, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True, axis=d,
                                        equal_nan=False)
    values = values.astype(x.dtype, copy=False)
    return _results(input, UniqueDimBackward0, values, inverse.reshape(-1), counts,
                    return_inverse, return_counts)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    _unique_args("unique_consecutive", dim, "", return_inverse=return_inverse,
                 return_counts=return_counts)
    x = input._data
    if x.dtype.kind == "c":
        raise NotImplementedError(f"\"unique\" not implemented for '{D.SCALAR_NAMES[input.dtype]}'")
    if dim is None:
        rows = x.reshape(-1, 1)
    else:
        d = _data_dim(x, dim)
        if x.size == 0:
            return _results(input, UniqueConsecutiveBackward0, *_empty_along(x, d),
                            return_inverse, return_counts)
        rows = np.moveaxis(x, d, 0).reshape(x.shape[d], -1)
    # A new group starts wherever a slice differs from the one before.
    starts = np.ones(rows.shape[0], bool)
    starts[1:] = (rows[1:] != rows[:-1]).any(axis=1)
    first = np.flatnonzero(starts)
    counts = np.diff(np.append(first, rows.shape[0]))
    inverse = np.cumsum(starts) - 1
    if dim is None:
        values, inverse = x.reshape(-1)[first], inverse.reshape(x.shape)
    else:
        values = np.take(x, first, axis=d)
    return _results(input, UniqueConsecutiveBackward0, values, inverse, counts, return_inverse,
                    return_counts)


def _bisect_with_nan(seq, values, right):
    """PyTorch's bisection, step for step, where a NaN takes part: its test
    `!(mid >= value)` (`!(mid > value)` for right) is true for any NaN, so a
    NaN value lands at the end and a NaN in `seq` sends the search right
    (NumPy instead orders NaN after every number)."""
    n = seq.shape[-1]
    rows = seq.reshape(-1, n)
    vals = values.reshape(rows.shape[0] if seq.ndim > 1 else 1, -1)
    r = np.arange(vals.shape[0])[:, None]
    lo = np.zeros(vals.shape, np.int64)
    hi = np.full(vals.shape, n, np.int64)
    while True:
        active = lo < hi
        if not active.any():
            return lo.reshape(values.shape)
        mid = (lo + hi) >> 1
        at = rows[r, np.minimum(mid, n - 1)]
        go_right = ~(at > vals) if right else ~(at >= vals)
        lo = np.where(active & go_right, mid + 1, lo)
        hi = np.where(active & ~go_right, mid, hi)


def _search_rows(seq, values, right):
    """np.searchsorted of each row of `values` in the same row of `seq`, all
    rows at once: one sort of both by (row, value), queries put before equal
    elements of `seq` (after them for `right`)."""
    rows, n = seq.shape
    m = values.shape[1]
    row = np.concatenate([np.repeat(np.arange(rows), n), np.repeat(np.arange(rows), m)])
    keys = np.concatenate([seq.reshape(-1), values.reshape(-1)])
    is_query = np.zeros(keys.size, bool)
    is_query[seq.size:] = True
    order = np.lexsort((is_query if right else ~is_query, keys, row))
    from_seq = ~is_query[order]
    seq_before = np.cumsum(from_seq) - from_seq
    picked = order[~from_seq] - seq.size
    out = np.empty(values.size, np.int64)
    out[picked] = seq_before[~from_seq] - (picked // m) * n
    return out.reshape(values.shape)


def _search(seq, values, right, out_int32, sorter=None):
    """Positions of `values` (array) in the sorted last dim of `seq`."""
    from .elementwise_ternary import result_type
    # (PyTorch's common dtype, a 0-d input ranking lower; bfloat16 too)
    dt = result_type(wrap(seq), wrap(values))._np
    if dt.kind == "c":
        raise kernel_refuses("searchsorted_out_cpu", dt)
    if sorter is not None:
        seq = np.take_along_axis(seq, sorter, axis=-1)
    if dt == np.bool_:
        raise NotImplementedError("\"searchsorted_out_cpu\" not implemented for 'Bool'")
    seq, values = seq.astype(dt, copy=False), values.astype(dt, copy=False)
    if dt == D._BF16_NP:    # (NumPy's search in ml_dtypes' bfloat16 does not put NaN last)
        seq, values = seq.astype(np.float32), values.astype(np.float32)
    side = "right" if right else "left"
    if values.dtype.kind == "f" and (np.isnan(seq).any() or np.isnan(values).any()):
        pos = _bisect_with_nan(seq, values, right)
    elif seq.ndim == 1:
        pos = np.searchsorted(seq, values, side=side)
    else:
        lead = seq.shape[:-1]
        pos = _search_rows(seq.reshape(-1, seq.shape[-1]),
                           values.reshape(int(np.prod(lead)), -1), right).reshape(values.shape)
    return wrap(np.asanyarray(pos, np.int32 if out_int32 else np.int64))


def _value_array(value, like):
    if isinstance(value, Tensor):
        return value._data
    if not isinstance(value, numbers.Number):
        raise TypeError(f"searchsorted(): argument 'input' must be Tensor or Number, not "
                        f"{_tname(value)}")
    if isinstance(value, (bool, complex)):
        return np.asanyarray(value, np.bool_ if isinstance(value, bool) else D.default_complex()._np)
    return np.asanyarray(value, like.dtype if isinstance(value, float) and like.dtype.kind == "f"
                      else D._default[0]._np if isinstance(value, float) else np.int64)


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None,
                 sorter=None):
    name = "torch.searchsorted()"
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"{name}: side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError(f"{name}: side and right can't be set to opposites, got side of "
                               "left while right was True")
        right = side == "right"
    seq = sorted_sequence._data
    values = _value_array(input, seq)
    if seq.ndim != 1:
        if values.ndim == 0:
            raise RuntimeError(
                f"{name}: input value can be a scalar only when boundaries tensor dimension "
                f"is 1, but we got boundaries tensor dim({seq.ndim}) and input value's "
                f"dim({values.ndim}) numel({values.size})")
        if seq.shape[:-1] != values.shape[:-1] or values.ndim != seq.ndim:
            raise RuntimeError(
                f"{name}: boundaries tensor should be 1 dimension or the first N-1 dimensions "
                "of boundaries tensor and input value tensor must match, but we got boundaries "
                f"tensor {list(seq.shape)} and input value tensor {list(values.shape)}")
    order = None
    if sorter is not None:
        order = sorter._data
        if order.shape != seq.shape:
            raise RuntimeError(
                f"{name}: boundary and sorter must have the same size, but got boundary tensor "
                f"{list(seq.shape)}and got sorter tensor {list(order.shape)}")
        if order.dtype != np.int64:
            raise RuntimeError(f"{name}: sorter must be a tensor of long dtype but got dtype "
                               f"{D.SCALAR_NAMES[sorter.dtype]}")
        if order.size and (order.min() < 0 or order.max() >= seq.shape[-1]):
            raise RuntimeError(f"{name}: sorter index out of range")
    return _search(seq, values, right, out_int32, order)


def bucketize(input, boundaries, *, out_int32=False, right=False):
    b = boundaries._data
    if b.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({b.ndim})")
    return _search(b, _value_array(input, b), right, out_int32)


def _float_only(input, kernel, half=True):
    dt = input._data.dtype
    if not D.is_float_np(dt) or (not half and dt in D.HALF_NP):
        raise NotImplementedError(
            f"\"{kernel}\" not implemented for '{D.SCALAR_NAMES[input.dtype]}'")


def histc(input, bins=100, min=0, max=0):
    # (a complex input stops at the min/max PyTorch takes first)
    if input._data.dtype.kind == "c":
        _float_only(input, "aminmax_cpu")
    x = input._data
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    lo, hi = float(min), float(max)
    if lo == hi and x.size:
        lo, hi = float(x.min()), float(x.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{lo:g}, {hi:g}] is not finite")
    if not lo < hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    if not D.is_float_np(x.dtype):
        # (the edges are a linspace in the input's dtype, which refuses bool
        # and converts the range as c10 does, before the kernel refuses integers)
        if x.dtype == np.bool_:
            raise kernel_refuses("linspace_cpu", x.dtype)
        checked_scalar(x.dtype, lo), checked_scalar(x.dtype, hi)
        _float_only(input, "histogram_cpu")
    edges = _linspace(lo, hi, bins + 1, input.dtype)
    first, last = edges[0], edges[-1]
    x = x.reshape(-1)
    x = x[(x >= first) & (x <= last)]
    # PyTorch's linear kernel, in the input's dtype: the bin is read off the
    # position, the right edge belonging to the last bin.
    pos = ((x - first) * x.dtype.type(bins) / (last - first)).astype(np.int64)
    pos = np.minimum(pos, bins - 1)
    return wrap(np.bincount(pos, minlength=bins).astype(input._data.dtype))


def same_dtype_edges(points, edges, dim):
    """PyTorch's check (histogram's too, which runs histogramdd's kernel)."""
    if edges.dtype != points.dtype:
        raise RuntimeError("torch.histogramdd: input tensor and bins tensors should have the "
                           f"same dtype, but got input with dtype {_C_NAMES[points.dtype]} and "
                           f"bins for dimension {dim} with dtype {_C_NAMES[edges.dtype]}")


def same_weight_dtype(points, weight):
    """PyTorch's check (before the shapes'), histogram's too."""
    if weight.dtype != points.dtype:
        raise RuntimeError("torch.histogramdd: if weight tensor is provided, input tensor and "
                           "weight tensor should have the same dtype, but got "
                           f"input({_C_NAMES[points.dtype]}), and weight({_C_NAMES[weight.dtype]})")


_HISTOGRAM_OVERLOADS = (
    " * (Tensor input, Tensor bins, *, Tensor weight = None, bool density = False, tuple of "
    "Tensors out = None)\n * (Tensor input, int bins = 100, *, tuple of floats range = None, "
    "Tensor weight = None, bool density = False, tuple of Tensors out = None)\n")


def histogram(input, bins=100, *, range=None, weight=None, density=False):
    if weight is not None and not isinstance(weight, Tensor):
        from .conditional import _arg_type
        given = [_arg_type(input), _arg_type(bins)] + [
            f"{k}={_arg_type(v)}" for k, v in (("range", range), ("weight", weight),
                                               ("density", density)) if v not in (None, False)]
        raise TypeError(f"histogram() received an invalid combination of arguments - got "
                        f"({', '.join(given)}), but expected one of:\n" + _HISTOGRAM_OVERLOADS)
    _float_only(input, "histogramdd", half=False)
    x = input._data
    if isinstance(bins, Tensor):
        edges = bins._data
        same_dtype_edges(x, edges, 0)
        if edges.ndim != 1:
            raise RuntimeError("torch.histogram: bins tensor should have one dimension, but "
                               f"got {edges.ndim} dimensions")
    else:
        if bins <= 0:
            raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for "
                               "dimension 0")
        if range is not None:
            lo, hi = float(range[0]), float(range[1])
        elif x.size:
            lo, hi = float(x.min()), float(x.max())
        else:
            lo, hi = 0.0, 1.0     # (PyTorch's range for no data)
        if not (np.isfinite(lo) and np.isfinite(hi)):     # (an inf or a NaN in the data)
            raise RuntimeError(f"torch.histogramdd: dimension 0's range [{lo:g}, {hi:g}] is not "
                               "finite")
        if lo > hi:
            raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min {lo:g} "
                               f"max {hi:g} for dimension 0")
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        edges = _linspace(lo, hi, bins + 1, input.dtype)
    w = None
    if weight is not None:
        # (PyTorch checks the flattened input, as an (n, 1) one, and weight.)
        w = weight._data.reshape(-1)
        same_weight_dtype(x, w)
        if w.size != x.size:
            raise RuntimeError("torch.histogramdd: if weight tensor is provided it should have "
                               "the same shape as the input tensor excluding its innermost "
                               f"dimension, but got input with shape [{x.size}, 1] and "
                               f"weight with shape [{w.size}]")
    flat = x.reshape(-1)
    nbins = edges.size - 1
    inside = (flat >= edges[0]) & (flat <= edges[-1])
    pos = np.minimum(np.searchsorted(edges, flat[inside], side="right") - 1, nbins - 1)
    hist = np.bincount(pos, None if w is None else w[inside], minlength=nbins).astype(x.dtype)
    if density:
        hist = hist / (hist.sum() * np.diff(edges))
    hist = recorded(HistogramBackward, np.asanyarray(hist, x.dtype), (input, weight))
    return return_types.histogram._of(hist, wrap(edges.copy()))


def bincount(input, weights=None, minlength=0):
    x = input._data
    if x.dtype.kind not in "iu":
        raise NotImplementedError(
            f"\"bincount_cpu\" not implemented for '{D.SCALAR_NAMES[input.dtype]}'")
    if x.ndim != 1 or (x.size and x.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is None:
        return wrap(np.bincount(x, minlength=minlength).astype(np.int64))
    w = weights._data
    if w.ndim != 1 or w.shape[0] != x.shape[0]:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    dt = w.dtype if w.dtype in (np.float32, np.float64) else np.float64
    return recorded(BincountBackward, np.bincount(x, w.astype(np.float64), minlength).astype(dt),
                    (weights,))


def count_nonzero(input, dim=None):
    x = input._data
    dims = _dims_or_none(input, dim)
    if x.ndim == 0 and dims is not None:
        dims = None
    return wrap(c_strided(np.asanyarray(np.count_nonzero(x, axis=dims), np.int64)))


register(unique, out=False)
register(unique_consecutive, out=False)
register(searchsorted, method=False)
register(bucketize, method=False)
register(histc, out=same_dtype("ember.histogram: input tensor and hist tensor should have "
                               "the same dtype, but got input {c} and hist {oc}"))
register(histogram)
register(bincount, out=False)
register(count_nonzero, out=False, method="dim")
