"""PyTorch's CPU sort(stable=False) among tied values: the order libstdc++'s
std::sort leaves them in.

ATen's sort kernel (native/cpu/SortingKernel.cpp; this build has no
x86-simd-sort) runs std::sort on (value, index) pairs, comparing values only,
NaN the largest (the smallest when descending). Two exceptions: an input with
stride 0 along the dim is not sorted at all (its indices are 0, 1, ...), and
a 1-d integer (not bool) input of 32768 elements or more sorted ascending goes
to fbgemm's radix sort, which is stable. `stable_rows` says where.

std::sort is introsort: while a run is longer than 16 it moves the median of
(first + 1, middle, last - 1) to the front and runs the unguarded Hoare
partition on the rest (after 2 * floor(log2(n)) levels, heapsort instead);
then one insertion sort over everything, which is a stable sort of what the
partitions left. Where a row has no two equal values NumPy's answer is the
only one; rows with ties are replayed here, every run of one level at once,
with NumPy:

The partition of [f, l) around pivot p swaps the i-th entry from the left
(from f + 1) that is not < p with the i-th from the right that is not > p,
for as long as the first lies left of the second: m swaps, m found by a
binary search over i (the condition holds for a prefix of i); the cut is the
(m + 1)-th left stopper or the m-th right stopper, whichever comes first.

The replay runs on integer keys: each value's first place in sorted order.
Rows longer than EXACT_MAX are not replayed (their ties keep NumPy's order),
nor any where more than BUDGET entries would be.
"""
from .._backend import np
from ._topk_ties import _THRESHOLD, _heap_select, _sort_heap

__all__ = ["stable_rows", "unstable_argsort", "std_sort_rows", "EXACT_MAX"]

_RADIX_MIN = 32768      # at::internal::GRAIN_SIZE: fbgemm's radix sort from here
# Longer rows keep NumPy's order among ties: the replay costs about 0.25 us
# an element a level (a row of 2 ** 18 normal floats, where a few thousand
# values repeat: ~40 ms against PyTorch's ~20 ms; of 2 ** 20: ~250 ms
# against ~90 ms, so the 1M-element sort would cost 10x what it does).
EXACT_MAX = 1 << 18
# nor, past this many entries in rows with ties in one call, any row (a row
# where every value repeats costs ~0.45 us an entry: ~1 s at the budget)
BUDGET = 1 << 21


def stable_rows(x, d, descending, source_strides=None):
    """Whether PyTorch's unstable sort of `x` along `d` is stable anyway:
    stride 0 along `d` in the input as given (`source_strides`; then it
    sorts nothing), or the radix sort of a long 1-d integer input."""
    strides = x.strides if source_strides is None or len(source_strides) != x.ndim \
        else source_strides
    if x.shape[d] > 1 and strides[d] == 0:
        return True
    return (x.ndim == 1 and not descending and x.dtype.kind in "iu"
            and x.size >= _RADIX_MIN)


def unstable_argsort(x, d, descending, fast):
    """PyTorch's indices for sort(x, d, descending, stable=False), given
    `fast`: any order that sorts x along `d` (NaN last, first when
    descending)."""
    n = x.shape[d]
    if n <= _THRESHOLD or n > EXACT_MAX or x.size == 0:
        return fast
    rows = np.moveaxis(x, d, -1).reshape(-1, n)
    moved = np.moveaxis(fast, d, -1)
    order = moved.reshape(-1, n)
    s = np.take_along_axis(rows, order, 1) if rows.shape[0] > 1 else rows[:, order[0]]
    new = s[:, 1:] != s[:, :-1]
    if s.dtype.kind in "fc":
        nan = np.isnan(s)
        if nan.any():
            new &= ~(nan[:, 1:] & nan[:, :-1])
    tied = ~new.all(axis=1)
    if not tied.any():
        return fast
    r = np.flatnonzero(tied)
    if r.size * n > BUDGET:
        return fast
    starts = np.ones((r.size, n), bool)
    starts[:, 1:] = new[r]
    # (each value's key: where its run of equal values starts in sorted order)
    first = np.where(starts, np.arange(n), 0)
    np.maximum.accumulate(first, axis=1, out=first)
    keys = np.empty((r.size, n), np.int64)
    np.put_along_axis(keys, order[r], first, 1)
    out = order.copy() if moved.flags.c_contiguous else order
    out[r] = std_sort_rows(keys)
    return np.moveaxis(out.reshape(moved.shape), -1, d)


def std_sort_rows(keys):
    """The indices std::sort leaves along each row of `keys` (int, 2-d: each
    row's keys are where the value starts in sorted order, 0 <= key < n)."""
    count, n = keys.shape
    step = max(1, (1 << 30) // n)       # (keys of a batch of rows below 2 ** 31)
    if count > step:
        return np.concatenate([std_sort_rows(keys[i:i + step]) for i in range(0, count, step)])
    total = count * n
    offsets = np.arange(count, dtype=np.int64) * n
    key = (keys.astype(np.int64) + offsets[:, None]).reshape(-1)   # (unique to their row)
    # Each entry as one int64: key above, index below (a swap moves both).
    w = (key << 32) | np.tile(np.arange(n, dtype=np.int64), count)
    # Where a run holds no two equal keys it no longer matters: `ties[k]`
    # counts the tied keys below k (each run's keys lie in [low, high]).
    group = np.bincount(key, minlength=total)
    ties = np.zeros(total + 1, np.int64)
    np.cumsum(group > 1, out=ties[1:])
    placed = np.empty_like(w)
    start, size = offsets.copy(), np.full(count, n, np.int64)
    low, high = offsets.copy(), offsets + (n - 1)
    depth = 2 * (n.bit_length() - 1)
    while size.size:
        if depth == 0:
            _heapsort_runs(w, size)
            _place(placed, w, start, size)
            break
        depth -= 1
        cut, pivot = _partition(w, size)
        left = cut - (np.cumsum(size) - size)
        size = np.stack([left, size - left], 1).reshape(-1)
        start = np.stack([start, start + left], 1).reshape(-1)
        above = pivot + (group[pivot] == 1)     # (an untied pivot stays on the left)
        low = np.stack([low, above], 1).reshape(-1)
        high = np.stack([pivot, high], 1).reshape(-1)
        keep = (size > _THRESHOLD) & (ties[high + 1] > ties[low])
        if not keep.all():
            done = np.repeat(~keep, size)
            _place(placed, w[done], start[~keep], size[~keep])
            w = w[~done]
            start, size, low, high = start[keep], size[keep], low[keep], high[keep]
    return _final_order(placed, count, n)


def _place(placed, w, start, size):
    """Runs laid end to end in `w` put at their places `start`."""
    at = np.arange(w.size) + np.repeat(start - (np.cumsum(size) - size), size)
    placed[at] = w


def _final_order(placed, count, n):
    """The final insertion sort: stable, by key, of where everything was
    left. An untied entry goes to its key; tied ones by place within key."""
    key, index = placed >> 32, placed & 0xFFFFFFFF
    out = np.empty(count * n, np.int64)
    sizes = np.bincount(key, minlength=count * n)
    tied = sizes[key] > 1
    out[key[~tied]] = index[~tied]
    # (the tied ones as key above, place below: sorted, each run of a key in place order)
    both = np.sort((placed[tied] & ~0xFFFFFFFF) | np.flatnonzero(tied))
    tk = both >> 32
    starts = np.ones(tk.size, bool)
    starts[1:] = tk[1:] != tk[:-1]
    at = np.arange(tk.size)
    rank = at - np.maximum.accumulate(np.where(starts, at, 0))
    out[tk + rank] = index[both & 0xFFFFFFFF]
    return out.reshape(count, n)


def _partition(w, size):
    """One level: each run of `w` (laid end to end, `size` long each)
    partitioned as std::__unguarded_partition_pivot does, in place.
    Returns each run's cut (as a place in w) and its pivot's key."""
    first = np.cumsum(size) - size
    last = first + size
    # __move_median_to_first(first, first + 1, mid, last - 1)
    a, b, c = first + 1, first + size // 2, last - 1
    x, y, z = w[a] >> 32, w[b] >> 32, w[c] >> 32
    xy, yz, xz = x < y, y < z, x < z
    pick = np.where(xy, np.where(yz, b, np.where(xz, c, a)),
                    np.where(xz, a, np.where(yz, c, b)))
    _swap(w, first, pick)
    pivot = w[first] >> 32
    ge = w >= np.repeat(pivot << 32, size)  # the left scan stops at !(key < pivot)
    ge[first] = False                       # (from first + 1)
    gi = np.flatnonzero(ge)
    del ge
    li = np.flatnonzero(w <= np.repeat((pivot << 32) | 0xFFFFFFFF, size))  # !(pivot < key)
    # (the runs lie end to end: each one's stoppers follow the one before's)
    g0 = np.searchsorted(gi, first)
    n_ge = np.diff(g0, append=gi.size)
    l0 = np.searchsorted(li, first)
    n_le = np.diff(l0, append=li.size)
    r_last = l0 + n_le - 1      # li[r_last - i]: the i-th from the right
    lo = np.zeros(size.size, np.int64)
    hi = np.minimum(n_ge, n_le)
    busy = np.flatnonzero(lo < hi)
    while busy.size:
        lb, hb = lo[busy], hi[busy]
        mid = (lb + hb) >> 1
        swapped = gi[g0[busy] + mid] < li[r_last[busy] - mid]
        lo[busy] = np.where(swapped, mid + 1, lb)
        hi[busy] = np.where(swapped, hb, mid)
        busy = busy[lo[busy] < hi[busy]]
    m = lo
    swaps = int(m.sum())
    if swaps:
        i = np.arange(swaps)
        before = np.cumsum(m) - m
        _swap(w, gi[np.repeat(g0 - before, m) + i], li[np.repeat(r_last + before, m) - i])
    # the cut: the next left stopper, or the last swapped right one (else last)
    nxt = np.where(m < n_ge, gi[np.minimum(g0 + m, max(gi.size - 1, 0))], last)
    prev = np.where(m > 0, li[np.minimum(r_last - m + 1, li.size - 1)], last)
    return np.minimum(nxt, prev), pivot


def _swap(w, i, j):
    w[i], w[j] = w[j], w[i]


def _heapsort_runs(w, size):
    """Runs that ran out of depth: std::__partial_sort(first, last, last), a
    heapsort, replayed in Python (inputs built to defeat median-of-three)."""
    at = 0
    for length in size.tolist():
        pairs = [(v >> 32, v) for v in w[at:at + length].tolist()]
        _heap_select(pairs, 0, length, length)
        _sort_heap(pairs, 0, length)
        w[at:at + length] = [v for _, v in pairs]
        at += length
