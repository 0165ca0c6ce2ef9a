"""PyTorch's CPU topk and kthvalue among tied values: which entries they pick
and in which order topk returns them.

Its kernel (ATen's TopKImpl.h, topk_impl_loop) fills (value, index) pairs and
compares values only (NaN largest), so among equal values the answer is
whatever libstdc++ leaves in front:
- k * 64 <= n: std::partial_sort (heap select, then sort_heap), whatever
  `sorted` says;
- otherwise std::nth_element on the k-th place and, when `sorted`, std::sort
  (introsort, then a final insertion sort) of the first k - 1 only.
Where no tie touches the picked values the answer is plain arithmetic and
stays with NumPy; `tied_rows` finds the rows where one does, and `replay`
runs the libstdc++ algorithms step by step (in Python, so only there).

kthvalue runs ATen's own quickselect (Sorting.cpp, quick_select_template,
Sedgewick's partition), replayed by `quick_select` for the rows where the
k-th value is tied.

The replays work on integer keys (`rank_keys`) whose ascending order is
topk's preference, so every comparison is a plain `<` on ints.
"""
from .._backend import np

__all__ = ["topk_set", "rank_keys", "replay", "tied_rows", "same", "quick_select"]

_THRESHOLD = 16     # libstdc++'s _S_threshold: introsort leaves runs this short


def same(a, b):
    """Equal, NaN equal to NaN (the comparators never order two NaNs)."""
    eq = a == b
    if a.dtype.kind == "f":
        eq |= np.isnan(a) & np.isnan(b)
    return eq


def tied_rows(x, vals, d, k):
    """Where (x's shape, size 1 along `d`) x has a tie along `d` that can
    move topk's answer, given `vals`, the k values picked, best first: two
    picked values equal, or the k-th equal to another entry. None when
    nowhere: that is decided by whole-array reductions first, since it is
    the common case and topk's fast path pays for it."""
    lead = (slice(None),) * d
    kth = vals[lead + (slice(k - 1, k),)]
    lo, hi = vals[lead + (slice(0, -1),)], vals[lead + (slice(1, None),)]
    cut = x == kth if k < x.shape[d] else None
    adj = lo == hi
    # NaNs come first or last among the picked: any is at one end.
    if vals.dtype.kind == "f" and (np.isnan(kth).any() or np.isnan(vals[lead + (0,)]).any()):
        if cut is not None:
            cut |= np.isnan(x) & np.isnan(kth)
        adj |= np.isnan(lo) & np.isnan(hi)
    # Each k-th value matches itself (a NaN too, above): more is a tie.
    if not adj.any() and (cut is None or np.count_nonzero(cut) == kth.size):
        return None
    flag = adj.any(axis=d, keepdims=True)
    if cut is not None:
        flag |= np.count_nonzero(cut, axis=d, keepdims=True) > 1
    return flag


def rank_keys(row, largest):
    """Ints ordered as topk prefers the entries of the 1-d `row` (the best
    first; equal values, and all NaNs, equal)."""
    _, rank = np.unique(row, return_inverse=True)   # NaNs sort last, as one value
    rank = rank.reshape(-1).astype(np.int64)
    return (-rank if largest else rank).tolist()


def replay(keys, k, sorted=True):
    """The indices PyTorch's topk returns, in its order, for entries with
    these keys (ascending = preferred)."""
    n = len(keys)
    a = list(zip(keys, range(n)))
    if k * 64 <= n:
        _heap_select(a, 0, k, n)
        _sort_heap(a, 0, k)
    else:
        _nth_element(a, k - 1, n)
        if sorted and k > 1:
            _sort(a, 0, k - 1)
    return [i for _, i in a[:k]]


def topk_set(values, k, largest):
    """Indices (int64, in no particular order) of the k entries of the 1-d
    array `values` that torch.topk(values, k, largest=largest) returns."""
    if k == 0:
        return np.zeros(0, np.int64)
    order = _best_first(values, largest)
    if k < values.size and same(values[order[k - 1]], values[order[k]]):
        return np.array(replay(rank_keys(values, largest), k), np.int64)
    return order[:k].astype(np.int64)


def _best_first(values, largest):
    if not largest:
        return np.argsort(values, kind="stable")
    return (values.size - 1) - np.argsort(values[::-1], kind="stable")[::-1]


def quick_select(keys, k):
    """The index kthvalue returns for the (k + 1)-th smallest of entries with
    these keys (ascending: NaN's the largest, as kthvalue's gt_or_nan)."""
    a = list(zip(keys, range(len(keys))))
    lo, hi = 0, len(a) - 1
    while hi > lo:
        if hi == lo + 1:
            if a[lo][0] > a[hi][0]:
                a[lo], a[hi] = a[hi], a[lo]
            break
        mid = (lo + hi) >> 1
        a[mid], a[lo + 1] = a[lo + 1], a[mid]
        if a[lo + 1][0] > a[hi][0]:
            a[lo + 1], a[hi] = a[hi], a[lo + 1]
        if a[lo][0] > a[hi][0]:
            a[lo], a[hi] = a[hi], a[lo]
        if a[lo + 1][0] > a[lo][0]:
            a[lo + 1], a[lo] = a[lo], a[lo + 1]
        i, j, pivot = lo + 1, hi, a[lo][0]
        while True:
            i += 1
            while pivot > a[i][0]:
                i += 1
            j -= 1
            while a[j][0] > pivot:
                j -= 1
            if j < i:
                break
            a[i], a[j] = a[j], a[i]
        a[lo], a[j] = a[j], a[lo]
        if j <= k:
            lo = i
        if j >= k:
            hi = j - 1
    return a[k][1]


# -- libstdc++ (bits/stl_algo.h, bits/stl_heap.h), on a[first:last] ------------
def _nth_element(a, nth, last):
    first = 0
    depth = 2 * (last.bit_length() - 1)
    while last - first > 3:
        if depth == 0:
            _heap_select(a, first, nth + 1, last)
            a[first], a[nth] = a[nth], a[first]
            return
        depth -= 1
        cut = _partition_pivot(a, first, last)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(a, first, last)


def _sort(a, first, last):
    _introsort_loop(a, first, last, 2 * ((last - first).bit_length() - 1))
    if last - first > _THRESHOLD:
        _insertion_sort(a, first, first + _THRESHOLD)
        for i in range(first + _THRESHOLD, last):
            _linear_insert(a, i)
    else:
        _insertion_sort(a, first, last)


def _introsort_loop(a, first, last, depth):
    while last - first > _THRESHOLD:
        if depth == 0:
            _heap_select(a, first, last, last)
            _sort_heap(a, first, last)
            return
        depth -= 1
        cut = _partition_pivot(a, first, last)
        _introsort_loop(a, cut, last, depth)
        last = cut


def _partition_pivot(a, first, last):
    mid = first + (last - first) // 2
    _median_to_first(a, first, first + 1, mid, last - 1)
    pivot = a[first][0]
    lo, hi = first + 1, last
    while True:
        while a[lo][0] < pivot:
            lo += 1
        hi -= 1
        while pivot < a[hi][0]:
            hi -= 1
        if not lo < hi:
            return lo
        a[lo], a[hi] = a[hi], a[lo]
        lo += 1


def _median_to_first(a, result, i, j, m):
    x, y, z = a[i][0], a[j][0], a[m][0]
    if x < y:
        pick = j if y < z else (m if x < z else i)
    elif x < z:
        pick = i
    else:
        pick = m if y < z else j
    a[result], a[pick] = a[pick], a[result]


def _insertion_sort(a, first, last):
    for i in range(first + 1, last):
        item = a[i]
        if item[0] < a[first][0]:
            a[first + 1:i + 1] = a[first:i]
            a[first] = item
        else:
            _linear_insert(a, i)


def _linear_insert(a, i):
    item = a[i]
    key = item[0]
    j = i - 1
    while key < a[j][0]:
        a[j + 1] = a[j]
        j -= 1
    a[j + 1] = item


# -- the heap: a max-heap under `<` on the keys, a[first:first + length] --------
def _heap_select(a, first, middle, last):
    length = middle - first
    if length >= 2:
        parent = (length - 2) // 2
        while True:
            _adjust_heap(a, first, parent, length, a[first + parent])
            if parent == 0:
                break
            parent -= 1
    for i in range(middle, last):
        if a[i][0] < a[first][0]:
            item = a[i]
            a[i] = a[first]
            _adjust_heap(a, first, 0, length, item)


def _sort_heap(a, first, last):
    while last - first > 1:
        last -= 1
        item = a[last]
        a[last] = a[first]
        _adjust_heap(a, first, 0, last - first, item)


def _adjust_heap(a, first, hole, length, item):
    top = hole
    child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if a[first + child][0] < a[first + child - 1][0]:
            child -= 1
        a[first + hole] = a[first + child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        a[first + hole] = a[first + child - 1]
        hole = child - 1
    key = item[0]
    parent = (hole - 1) // 2
    while hole > top and a[first + parent][0] < key:
        a[first + hole] = a[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    a[first + hole] = item
