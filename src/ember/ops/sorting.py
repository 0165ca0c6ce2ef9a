"""Sorting and order statistics: sort, argsort, msort, topk, kthvalue,
median, nanmedian, mode; the rest of the family lives in sorting_*.py
(quantiles; counting and binning; running and difference ops).

NaN sorts as the largest value, as in PyTorch. The gradient of an op that
picks elements goes back to the picked positions (PyTorch's
value_selecting_reduction_backward); indices never require grad.
"""
from .. import _layout as _L
from .._layout import c_strided
from .. import return_types
from .._meta import is_meta, meta_array
from ._common import D, keep_index, kernel_refuses, np, recorded, wrap, wrap_dim, tracked
from ._out import into
from ._out import same_dtype
from ._registry import grad_fn, register, tensor_field
from . import _introsort, _topk_ties
from .reduction import _NO_DIM, _NO_KEEPDIM, one_dim_keepdim, select_back
from ._topk_ties import _THRESHOLD as THRESHOLD, _sort as _std_sort
from .._size import int_value
from . import _keywords


def selected_grad(xp, grad, shape, key):
    """The gradient of picked elements: `grad` put back where they came from
    (summed where one element was picked twice, as in cummax)."""
    return xp.index_backward(grad, shape, key, True)


def _picked_grad(xp, grad, shape, key, given_dim, indices, keepdim, input_shape):
    """Recorded, PyTorch's value_selecting_reduction_backward: a scatter
    into zeros (a 0-d input's one element is put back as before)."""
    if xp.recording and input_shape:
        return select_back(grad, input_shape, wrap_dim(given_dim, len(input_shape)), indices,
                           keepdim)
    return xp.index_backward(grad, shape, key, True)


def _sorted_grad(xp, grad, shape, key, given_dim, indices, input_shape):
    return _picked_grad(xp, grad, shape, key, given_dim, indices, True, input_shape)


# (record_selection passes the dim as given, the indices, for the reductions
# keepdim, and the input's own shape (x is a 0-d input's one element): PyTorch's fields)
SELECTED = {"dim": "given_dim", "indices": tensor_field("indices"),
            "self_sym_sizes": "input_shape"}
_REDUCED = {"dim": "given_dim", "indices": tensor_field("indices"), "keepdim": "keepdim",
            "self_sym_sizes": "input_shape"}
SortBackward0 = grad_fn("SortBackward0", saved=SELECTED, self=_sorted_grad)
SortBackward1 = grad_fn("SortBackward1", saved=SELECTED, self=_sorted_grad)
TopkBackward0 = grad_fn("TopkBackward0", saved=SELECTED, self=_sorted_grad)
KthvalueBackward0 = grad_fn("KthvalueBackward0", saved=_REDUCED, self=_picked_grad)
MedianBackward1 = grad_fn("MedianBackward1", saved=_REDUCED, self=_picked_grad)
NanmedianBackward1 = grad_fn("NanmedianBackward1", saved=_REDUCED, self=_picked_grad)
ModeBackward0 = grad_fn("ModeBackward0", saved=_REDUCED, self=_picked_grad)


def _even_share(xp, grad, self, result):
    """PyTorch's evenly_distribute_backward: the elements equal to the
    result (NaNs, when it is NaN) share the gradient."""
    x, r = xp.data(self), xp.data(result)
    mask = np.isnan(x) if np.isnan(r) else x == r
    if xp.recording:    # (a fill into zeros: MaskedFillBackward1)
        return grad.new_zeros(x.shape).masked_fill(wrap(mask), grad / int(np.count_nonzero(mask)))
    return xp.where(mask, grad / int(np.count_nonzero(mask)), 0)


MedianBackward0 = grad_fn("MedianBackward0", self=_even_share)
NanmedianBackward0 = grad_fn("NanmedianBackward0", self=_even_share)


def select_key(idx, d, kept):
    """The full index key that reads input[..., idx, ...] along `d`: `idx`
    along `d`, each other dim's own positions. `kept`: `idx` still has `d`."""
    nd = idx.ndim
    key = []
    for i in range(nd if kept else nd + 1):
        if i == d:
            key.append(idx)
            continue
        ax = i if kept or i < d else i - 1
        shape = [1] * nd
        shape[ax] = idx.shape[ax]
        key.append(np.arange(idx.shape[ax]).reshape(shape))
    return tuple(key)


def _ordered(x):
    return x.astype(np.float32) if x.dtype == D._BF16_NP else x


def record_selection(node, input, x, values, idx, d, kept, result_t, dim, like=None):
    """`values` recorded as picked from `x` (the input as an array with at
    least one dim) at `idx` along `d` (given as `dim`); the indices as a
    plain tensor. Both laid out as a tensor like `like` (sort's outputs, as
    at::empty_like), or contiguous (a reduction's, a scan's, topk's)."""
    if values.dtype != input._data.dtype:      # (bfloat16, ordered as float32)
        values = values.astype(input._data.dtype)
    if like is None:
        values, idx = c_strided(values), c_strided(idx)
    elif not like.flags.c_contiguous:
        order = _L.dense_order(like.shape, like.strides)
        values, idx = _L.in_order(values, order), _L.in_order(idx, order)
    key = select_key(idx, d, kept) if tracked(input) else None
    if input._data.ndim == 0:
        values, idx = values.reshape(()), idx.reshape(())
    consts = node._consts
    ctx = (x.shape, key, dim, idx) + ((kept,) if "keepdim" in consts else ()) + (
        (input._data.shape,) if "input_shape" in consts else ())
    indices = wrap(idx)     # (the node reads them: kept, as PyTorch's node saves them)
    return result_t._of(keep_index(recorded(node, values, (input,), ctx), indices), indices)


def argsort_array(x, d, descending=False, stable=False, strides=None):
    """np.argsort along `d`, NaN last (first when descending); stable keeps
    ties in their order in both directions. Unstable: PyTorch's order among
    ties (std::sort's, replayed by _introsort.py where a row has ties; its
    insertion sort on 16 entries or fewer is stable). `strides`: the input's,
    where `x` is a copy of it."""
    if not stable and _introsort.stable_rows(x, d, descending, strides):
        stable = True
    kind = "stable" if stable or x.shape[d] <= THRESHOLD else None
    if kind and x.dtype.kind in "iu" and x.itemsize > 2 and x.size > 4096 and not is_meta(x):
        x = _narrow(x)      # (NumPy's stable sort of 16-bit ints is a radix sort)
    if not descending:
        idx = np.argsort(x, axis=d, kind=kind)
    else:
        # Sorting the reversed array ascending and reversing the result puts
        # NaN first and keeps ties in their original order.
        rev = (slice(None),) * d + (slice(None, None, -1),)     # (np.flip, without its checks)
        idx = (x.shape[d] - 1) - np.argsort(x[rev], axis=d, kind=kind)[rev]
    if kind is None and not is_meta(x):
        idx = _introsort.unstable_argsort(x, d, descending, idx)
    return idx


def _narrow(x):
    lo, hi = int(x.min()), int(x.max())
    if -32768 <= lo and hi < 32768:
        return x.astype(np.int16)
    return x.astype(np.uint16) if 0 <= lo and hi < 65536 else x


def as_1d(input, dim):
    """The input's array (a 0-d input as one element) and the wrapped dim;
    bfloat16 as float32, exactly (NumPy's sorts of ml_dtypes' bfloat16 lose
    their order at a NaN): record_selection gives the values back in it."""
    x = _ordered(input._data)
    d = wrap_dim(dim, x.ndim)
    return (x.reshape(1) if x.ndim == 0 else x), d


def _take(x, idx, d):
    if x.ndim == 1:
        return x[idx]
    if x.ndim == 2:     # (a batch of rows: index directly, without take_along_axis's checks)
        if d:
            return x[np.arange(x.shape[0])[:, None], idx]
        return x[idx, np.arange(x.shape[1])]
    return np.take_along_axis(x, idx, axis=d)


_NOT_GIVEN = object()


def _orderable(x, name):
    if x.dtype.kind == "c":
        raise RuntimeError(f" {name} does not support complex dtypes on CPU")


def sort(input, dim=-1, descending=False, *, stable=_NOT_GIVEN):
    _sort_flags(descending, stable, "sort")
    x, d = as_1d(input, dim)
    _orderable(x, "Sort")
    # PyTorch's sort.stable overload (SortBackward1) is chosen by passing `stable`.
    node = SortBackward0 if stable is _NOT_GIVEN else SortBackward1
    idx = argsort_array(x, d, descending, bool(stable) and stable is not _NOT_GIVEN,
                        input._data.strides)
    return record_selection(node, input, x, _take(x, idx, d), idx, d, True, return_types.sort,
                            dim, like=x)


def _sort_flags(descending, stable, name):
    if descending.__class__ is not bool:
        raise _keywords.not_bool(descending, "descending", name)
    if stable.__class__ is not bool and stable is not _NOT_GIVEN and stable is not None:
        raise _keywords.not_bool(stable, "stable", name)


def argsort(input, dim=-1, descending=False, *, stable=False):
    _sort_flags(descending, stable, "argsort")
    x, d = as_1d(input, dim)
    _orderable(x, "Sort")
    idx = argsort_array(x, d, descending, stable, input._data.strides)
    return wrap(_L.laid_out(idx.reshape(input._data.shape), _L.preserve_format, like=x))


def msort(input):
    return sort(input, 0).values


def topk(input, k, dim=-1, largest=True, sorted=True):
    for name, flag in (("largest", largest), ("sorted", sorted)):
        if flag.__class__ is not bool:
            raise _keywords.not_bool(flag, name, "topk")
    x, d = as_1d(input, dim)
    k = int_value(k, "k")
    _orderable(x, "topk")
    if x.dtype == np.bool_:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    if not 0 <= k <= x.shape[d]:
        raise RuntimeError("selected index k out of range")
    idx, values = topk_arrays(x, k, d, largest, sorted)
    return record_selection(TopkBackward0, input, x, values, idx, d, True, return_types.topk,
                            dim)


def topk_arrays(x, k, d, largest=True, sorted=True):
    """torch.topk's indices and values along `d` of the array `x`."""
    # The k picked by a partition, then sorted; rows where ties decide what
    # is picked or its order get PyTorch's own choice (_topk_ties.py), and
    # so does an unsorted result where PyTorch's nth_element decides its
    # order (k * 64 > n), up to _REPLAYED elements (the replay runs in
    # Python; beyond, an unsorted result comes sorted).
    n = x.shape[d]
    if is_meta(x):      # (no values to order: the shapes alone)
        shape = x.shape[:d] + (k,) + x.shape[d + 1:]
        return meta_array(shape, np.int64), meta_array(shape, x.dtype)
    if 0 < k < n and n > 64:     # (short rows: one sort costs less than partition + sort)
        picked = np.argpartition(x, n - k if largest else k - 1, axis=d)
        picked = picked[(slice(None),) * d + (slice(n - k, n) if largest else slice(0, k),)]
        order = argsort_array(_take(x, picked, d), d, largest, True)
        idx = _take(picked, order, d)
    else:
        idx = argsort_array(x, d, largest, True)[(slice(None),) * d + (slice(0, k),)]
    values = _take(x, idx, d)
    if k == 0:
        return idx, values
    return _ties_as_pytorch(x, d, k, largest, sorted, idx, values)


_REPLAYED = 1 << 16


def _ties_as_pytorch(x, d, k, largest, sorted, idx, values):
    if not sorted and 1 < k and k * 64 > x.shape[d] and x.size <= _REPLAYED:
        tied = np.ones(x.shape[:d] + (1,) + x.shape[d + 1:], bool)    # (every row)
    else:
        tied = _topk_ties.tied_rows(x, values, d, k)
    if tied is None:
        return idx, values
    idx = _redo_rows(x, d, idx, tied, lambda row: _topk_ties.replay(
        _topk_ties.rank_keys(row, largest), k, sorted))
    return idx, _take(x, idx, d)


def _redo_rows(x, d, idx, rows_flag, pick):
    """`idx` (along `d`) with the rows where `rows_flag` (size 1 along `d`)
    is set replaced by pick(row of x)."""
    rows = np.moveaxis(x, d, -1).reshape(-1, x.shape[d])
    moved = np.moveaxis(idx, d, -1)
    out = moved.reshape(-1, moved.shape[-1]).copy()
    for r in np.flatnonzero(np.moveaxis(rows_flag, d, -1)).tolist():
        out[r] = pick(rows[r])
    return np.moveaxis(out.reshape(moved.shape), -1, d)


def _no_bool(x, kernel):
    """The selection kernels have no bool (nor complex) version."""
    if x.dtype == np.bool_ or x.dtype.kind == "c":
        raise kernel_refuses(kernel, x.dtype)


def _check_reduced_dim(x, d, name):
    if x.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _pick(input, x, d, keepdim, idx, node, result_t, dim):
    """The values at `idx` (one per slice along `d`, kept as size 1)."""
    values = np.take_along_axis(x, idx, axis=d)
    if not keepdim:
        values, idx = values.squeeze(d), idx.squeeze(d)
    return record_selection(node, input, x, values, idx, d, keepdim, result_t, dim)


def kthvalue(input, k, dim=-1, keepdim=False):
    if keepdim.__class__ is not bool:
        raise _keywords.not_bool(keepdim, "keepdim", "kthvalue")
    x, d = as_1d(input, dim)
    k = int_value(k, "k")
    _no_bool(x, "kthvalue_cpu")
    _check_reduced_dim(x, d, "kthvalue")
    if not 1 <= k <= x.shape[d]:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    idx = np.take(np.argpartition(x, k - 1, axis=d), [k - 1], axis=d)
    # Which of several equal k-th values: PyTorch's quickselect's (_topk_ties.py).
    same = _topk_ties.same(x, np.take_along_axis(x, idx, axis=d))
    if np.count_nonzero(same) > idx.size:
        tied = np.count_nonzero(same, axis=d, keepdims=True) > 1
        idx = _redo_rows(x, d, idx, tied, lambda row: [_topk_ties.quick_select(
            _topk_ties.rank_keys(row, False), k - 1)])
    return _pick(input, x, d, keepdim, idx, KthvalueBackward0, return_types.kthvalue, dim)


def _lower_median(flat):
    if flat.size == 0:
        return np.array(np.nan, flat.dtype)
    k = (flat.size - 1) // 2
    return np.partition(flat, k)[k]


def _with_dim_out(function, name):
    """`out=` only where the op has a dim (PyTorch's median(input) takes
    none), so these handle it themselves."""
    def public(input, dim=_NO_DIM, keepdim=_NO_KEEPDIM, *, out=None):
        if out is None:
            return function(input, dim, keepdim)
        if dim is _NO_DIM:
            raise TypeError(f'{name}() missing 1 required positional arguments: "dim"')
        return into(out, name, function, (input, dim, keepdim), {})
    public.__name__ = public.__qualname__ = name
    public.__doc__ = function.__doc__
    return public


def _median(input, dim=_NO_DIM, keepdim=_NO_KEEPDIM):
    dim, keepdim = one_dim_keepdim(dim, keepdim, "median")
    _no_bool(input._data, "median_cpu" if dim is None else "median_out")
    if dim is None:
        flat = _ordered(input._data.reshape(-1))
        if flat.dtype.kind == "f" and np.isnan(flat).any():
            value = np.array(np.nan, flat.dtype)
        else:
            value = _lower_median(flat)
        return recorded(MedianBackward0, np.asanyarray(value, input._data.dtype), (input,))
    x, d = as_1d(input, dim)
    _check_reduced_dim(x, d, "median")
    idx = _median_idx(x, d)
    if x.dtype.kind == "f":
        # A slice with NaN has median NaN, at its first NaN.
        nans = np.isnan(x)
        has_nan = nans.any(axis=d, keepdims=True)
        if has_nan.any():
            idx = np.where(has_nan, np.argmax(nans, axis=d, keepdims=True), idx)
    return _pick(input, x, d, keepdim, idx, MedianBackward1, return_types.median, dim)


def _nanmedian(input, dim=_NO_DIM, keepdim=_NO_KEEPDIM):
    dim, keepdim = one_dim_keepdim(dim, keepdim, "nanmedian")
    _no_bool(input._data, "median_cpu" if dim is None else "median_out")
    if dim is None:
        flat = _ordered(input._data.reshape(-1))
        if flat.dtype.kind == "f":
            flat = flat[~np.isnan(flat)]
        return recorded(NanmedianBackward0, np.asanyarray(_lower_median(flat), input._data.dtype),
                        (input,))
    x, d = as_1d(input, dim)
    _check_reduced_dim(x, d, "nanmedian")
    if x.dtype.kind != "f":
        return _pick(input, x, d, keepdim, _median_idx(x, d), NanmedianBackward1,
                     return_types.nanmedian, dim)
    # The lower median of each slice's numbers; an all-NaN slice gives its first NaN.
    order = np.argsort(x, axis=d, kind="stable")
    count = np.count_nonzero(~np.isnan(x), axis=d, keepdims=True)
    idx = np.take_along_axis(order, np.maximum(count - 1, 0) // 2, axis=d)
    return _pick(input, x, d, keepdim, idx, NanmedianBackward1, return_types.nanmedian, dim)


def _median_idx(x, d):
    """Where each slice's lower median is (kept as size 1 along `d`)."""
    k = (x.shape[d] - 1) // 2
    idx = np.take(np.argpartition(x, k, axis=d), [k], axis=d)
    # PyTorch's nth_element breaks ties by index: among equal medians, the
    # one a stable sort puts at k.
    v = np.take_along_axis(x, idx, axis=d)
    same = x == v
    if np.count_nonzero(same) == idx.size:
        return idx
    below = np.count_nonzero(x < v, axis=d, keepdims=True)
    return np.argmax(np.cumsum(same, axis=d) > k - below, axis=d, keepdims=True)


# (a Python replay of std::sort costs ~2 us an element: past this many the
# largest index of the run is reported, as std::sort gives up to 16 elements)
_STD_SORT_BUDGET = 1 << 20


def _std_sort_mode_index(row):
    """PyTorch's mode_kernel: the pairs (value, index) sorted by std::sort on
    the values; the first longest run wins; its last pair's index."""
    pairs = [(v, i) for i, v in enumerate(row)]
    if pairs:
        _std_sort(pairs, 0, len(pairs))     # (libstdc++'s std::sort, replayed in _topk_ties)
    best, longest, run = 0, 0, 0
    for i in range(len(pairs)):
        run += 1
        if i == len(pairs) - 1 or pairs[i][0] != pairs[i + 1][0]:
            if run > longest:
                best, longest = pairs[i][1], run
            run = 0
    return best


def _safe_mode_index(row):
    """_std_sort_mode_index, or None where NaN sends the replay of an
    unguarded loop past the row's front (undefined in C++ as well)."""
    try:
        return _std_sort_mode_index(row)
    except IndexError:
        return None


def mode(input, dim=-1, keepdim=False):
    if keepdim.__class__ is not bool:
        raise _keywords.not_bool(keepdim, "keepdim", "mode")
    x, d = as_1d(input, dim)
    if x.dtype.kind == "c":
        raise kernel_refuses("mode_cpu", x.dtype)
    _check_reduced_dim(x, d, "mode")
    # Each slice as a row, sorted: the longest run of equal values wins,
    # the smallest value among equally long runs, at its last position.
    rows = np.moveaxis(x, d, -1)
    lead, n = rows.shape[:-1], rows.shape[-1]
    rows = rows.reshape(-1, n)
    order = np.argsort(rows, axis=1, kind="stable")
    s = np.take_along_axis(rows, order, axis=1)
    starts = np.ones(s.shape, bool)
    starts[:, 1:] = s[:, 1:] != s[:, :-1]
    first = np.flatnonzero(starts)                      # each run's flat start
    lengths = np.diff(np.append(first, s.size))
    run_row = first // n
    row_first_run = np.searchsorted(run_row, np.arange(s.shape[0]))
    longest = np.maximum.reduceat(lengths, row_first_run)
    winners = np.flatnonzero(lengths == longest[run_row])
    best = winners[np.searchsorted(run_row[winners], np.arange(s.shape[0]))]
    last_pos = np.maximum.reduceat(order.reshape(-1), first)[best]
    if THRESHOLD < n and rows.size <= _STD_SORT_BUDGET:
        # past 16 elements std::sort is no longer stable: replay it
        replayed = [_safe_mode_index(row) for row in rows.tolist()]
        last_pos = np.array([p if r is None else r for p, r in zip(last_pos.tolist(), replayed)],
                            np.int64)
    elif x.dtype.kind not in "biu" and n and rows.size <= _STD_SORT_BUDGET:
        # (std::sort's `<` cannot order NaN: PyTorch's answer where a row has
        # one is where its sort leaves things, so those rows replay it too)
        for r in np.flatnonzero(np.isnan(rows.astype(np.float64)).any(axis=1)).tolist():
            found = _safe_mode_index(rows[r].tolist())
            last_pos[r] = last_pos[r] if found is None else found
    idx = np.moveaxis(last_pos.reshape(lead + (1,)), -1, d)
    return _pick(input, x, d, keepdim, idx, ModeBackward0, return_types.mode, dim)


register(sort, node=SortBackward0, out=same_dtype())
register(argsort, out=False)
register(msort, node=SortBackward0, out=same_dtype())
register(topk, node=TopkBackward0, out=same_dtype(), ints={"dim": "int"})
register(kthvalue, node=KthvalueBackward0,
         out=same_dtype("output values must be of same type as input"))
median = register(_with_dim_out(_median, "median"), node=MedianBackward0, out=False)
nanmedian = register(_with_dim_out(_nanmedian, "nanmedian"), node=NanmedianBackward0, out=False)
register(mode, node=ModeBackward0,
         out=same_dtype("expected scalar type '{s}' but got '{os}' for values output"))

from . import sorting_quantile, sorting_counting, sorting_scan  # noqa: E402,F401
