"""Which k entries PyTorch's CPU topk picks, ties included.

Pruning masks are the entries topk picks, and among equal values PyTorch's
choice is whatever libstdc++ leaves in front: its topk kernel runs
std::partial_sort on (value, index) pairs when k * 64 <= n and
std::nth_element otherwise, comparing values only (NaN largest). Where the
k-th value is not tied with one left out, the set is plain arithmetic (NumPy);
where it is, the libstdc++ algorithms are replayed here step by step (in
Python, so only then).
"""
from ..._backend import np

__all__ = ["topk_set"]


def topk_set(values, k, largest):
    """Indices (int64, in no particular order) of the k entries of the 1-d
    array `values` that torch.topk(values, k, largest=largest) returns."""
    n = values.size
    if k == 0:
        return np.zeros(0, np.int64)
    x = values.astype(np.float64)
    # A key whose ascending order is topk's preference (NaN best when
    # largest, worst otherwise, as PyTorch's comparators put it).
    key = np.where(np.isnan(x), np.inf, x)
    if largest:
        key = -key
    nans = np.isnan(x)
    order = np.argsort(key, kind="stable")
    kth = order[k - 1]
    same = (key == key[kth]) & (nans == nans[kth])
    if k == n or not same[order[k]]:
        return order[:k].astype(np.int64)
    return np.array(_select(x.tolist(), k, largest), np.int64)


def _select(values, k, largest):
    """The indices libstdc++ leaves in the first k places."""
    if largest:
        def less(a, b):                 # "a goes before b"
            return (a != a and b == b) or a > b
    else:
        def less(a, b):
            return (a == a and b != b) or a < b
    n = len(values)
    pairs = list(zip(values, range(n)))
    if k * 64 <= n:
        _heap_select(pairs, 0, k, n, less)
    else:
        _nth_element(pairs, k - 1, less)
    return [i for _, i in pairs[:k]]


def _nth_element(a, nth, less):
    first, last = 0, len(a)
    if nth == last:
        return
    depth = 2 * ((last - first).bit_length() - 1)
    while last - first > 3:
        if depth == 0:
            _heap_select(a, first, nth + 1, last, less)
            a[first], a[nth] = a[nth], a[first]
            return
        depth -= 1
        cut = _partition_pivot(a, first, last, less)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(a, first, last, less)


def _partition_pivot(a, first, last, less):
    mid = first + (last - first) // 2
    _median_to_first(a, first, first + 1, mid, last - 1, less)
    pivot = a[first][0]
    lo, hi = first + 1, last
    while True:
        while less(a[lo][0], pivot):
            lo += 1
        hi -= 1
        while less(pivot, a[hi][0]):
            hi -= 1
        if not lo < hi:
            return lo
        a[lo], a[hi] = a[hi], a[lo]
        lo += 1


def _median_to_first(a, result, i, j, m, less):
    x, y, z = a[i][0], a[j][0], a[m][0]
    if less(x, y):
        pick = j if less(y, z) else (m if less(x, z) else i)
    elif less(x, z):
        pick = i
    else:
        pick = m if less(y, z) else j
    a[result], a[pick] = a[pick], a[result]


def _insertion_sort(a, first, last, less):
    for i in range(first + 1, last):
        item = a[i]
        if less(item[0], a[first][0]):
            a[first + 1:i + 1] = a[first:i]
            a[first] = item
        else:
            j = i - 1
            while less(item[0], a[j][0]):
                a[j + 1] = a[j]
                j -= 1
            a[j + 1] = item


# -- the heap (a max-heap under `less`, on a[first:first + length]) -------------
def _heap_select(a, first, middle, last, less):
    length = middle - first
    if length >= 2:
        parent = (length - 2) // 2
        while True:
            _adjust_heap(a, first, parent, length, a[first + parent], less)
            if parent == 0:
                break
            parent -= 1
    for i in range(middle, last):
        if less(a[i][0], a[first][0]):
            item = a[i]
            a[i] = a[first]
            _adjust_heap(a, first, 0, length, item, less)


def _adjust_heap(a, first, hole, length, item, less):
    top = hole
    child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if less(a[first + child][0], a[first + child - 1][0]):
            child -= 1
        a[first + hole] = a[first + child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        a[first + hole] = a[first + child - 1]
        hole = child - 1
    parent = (hole - 1) // 2
    while hole > top and less(a[first + parent][0], item[0]):
        a[first + hole] = a[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    a[first + hole] = item
