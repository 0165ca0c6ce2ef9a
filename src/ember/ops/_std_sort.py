"""libstdc++'s std::sort (introsort: median-of-three quicksort down to runs
of 16, heapsort past the depth limit, then one insertion sort), comparing
keys only. PyTorch's CPU mode sorts (value, index) pairs with it and
reports the index that lands last in the mode's run: std::sort is not
stable, so that index is not the run's largest, and only this same
sequence of swaps finds it."""

THRESHOLD = 16


def std_sort(items):
    """Sort `items`, a list of (key, payload) pairs, in place as
    std::sort(begin, end, [](a, b) { return a.first < b.first; })."""
    n = len(items)
    if n > 1:
        _introsort_loop(items, 0, n, 2 * (n.bit_length() - 1))
        _final_insertion_sort(items, 0, n)
    return items


def _introsort_loop(a, first, last, depth):
    while last - first > THRESHOLD:
        if depth == 0:
            _heap_sort(a, first, last)
            return
        depth -= 1
        cut = _partition_pivot(a, first, last)
        _introsort_loop(a, cut, last, depth)
        last = cut


def _partition_pivot(a, first, last):
    mid = first + (last - first) // 2
    _move_median_to_first(a, first, first + 1, mid, last - 1)
    # the unguarded partition of [first + 1, last) around a[first]
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


def _move_median_to_first(a, result, i, j, k):
    x, y, z = a[i][0], a[j][0], a[k][0]
    if x < y:
        m = j if y < z else k if x < z else i
    else:
        m = i if x < z else k if y < z else j
    a[result], a[m] = a[m], a[result]


def _final_insertion_sort(a, first, last):
    if last - first > THRESHOLD:
        _insertion_sort(a, first, first + THRESHOLD)
        for i in range(first + THRESHOLD, last):
            _linear_insert(a, i)
    else:
        _insertion_sort(a, first, last)


def _insertion_sort(a, first, last):
    for i in range(first + 1, last):
        if a[i][0] < a[first][0]:
            a[first:i + 1] = [a[i]] + a[first:i]
        else:
            _linear_insert(a, i)


def _linear_insert(a, last):
    val = a[last]
    nxt = last - 1
    while val[0] < a[nxt][0]:
        a[last] = a[nxt]
        last = nxt
        nxt -= 1
    a[last] = val


# -- heapsort (std::__partial_sort over the whole range) -----------------------

def _heap_sort(a, first, last):
    n = last - first
    if n >= 2:
        parent = (n - 2) // 2
        while True:
            _adjust_heap(a, first, parent, n, a[first + parent])
            if parent == 0:
                break
            parent -= 1
    while last - first > 1:
        last -= 1
        value = a[last]
        a[last] = a[first]
        _adjust_heap(a, first, 0, last - first, value)


def _adjust_heap(a, first, hole, n, value):
    top = hole
    child = hole
    while child < (n - 1) // 2:
        child = 2 * (child + 1)
        if a[first + child][0] < a[first + child - 1][0]:
            child -= 1
        a[first + hole] = a[first + child]
        hole = child
    if n % 2 == 0 and child == (n - 2) // 2:
        child = 2 * (child + 1)
        a[first + hole] = a[first + child - 1]
        hole = child - 1
    parent = (hole - 1) // 2
    while hole > top and a[first + parent][0] < value[0]:
        a[first + hole] = a[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    a[first + hole] = value
