"""Batch norm's per-channel sums over an (N, C) input (BatchNorm1d on 2-d
batches), in the order of PyTorch's CPU kernels for that layout (its
"channels last" ones, batch_norm_kernel.cpp), thread count included.

With T = get_num_threads() and more rows than threads, the rows are cut into
runs of ceil(N / T), as at::parallel_for hands them to threads; each run adds
its rows one after the other into a vector of C sums in the input's dtype
(products contracted into fused multiply-adds, as GCC builds the kernel);
then each channel's run sums are added in double, in thread order. With no
more rows than threads the forward takes one of two other paths (below).
The numbers then depend on the thread count exactly as PyTorch's do."""
from .._backend import np
from .._meta import is_meta, meta_array
from .._fma import _fma32, _fma64, _two_sum


def _runs(n, threads):
    size = -(-n // threads)
    return [slice(i, min(i + size, n)) for i in range(0, n, size)]


def _threads():
    from .._misc import get_num_threads
    return get_num_threads()


def _row_sum(rows):
    """Down the rows, in sequence, in the rows' dtype (accumulate: NumPy's
    reduce would sum a lone column pairwise)."""
    if not len(rows):
        return np.zeros(rows.shape[1], rows.dtype)
    return np.add.accumulate(rows, axis=0)[-1]


def fused_row_dot(a, b=None):
    """acc = fma(a_row, b_row, acc) down the rows (b defaults to a), acc in
    the rows' dtype."""
    b = a if b is None else b
    acc = np.zeros(a.shape[1], a.dtype)
    if a.dtype == np.float32 and len(a):
        # A float32 product is exact in double, so each step is a double sum
        # rounded to float32 (one ufunc: float32 + float64 computes in double,
        # the result cast), which is fma's unless that double sum was itself
        # rounded and fell on a float32 midpoint (checked once at the end).
        products = np.multiply(a, b, dtype=np.float64)
        steps = np.empty(a.shape, np.float32)
        np.add(acc, products[0], out=steps[0], casting="unsafe")
        for i in range(1, len(products)):
            np.add(steps[i - 1], products[i], out=steps[i], casting="unsafe")
        before = np.zeros(products.shape)
        before[1:] = steps[:-1]
        sums = products + before
        midpoint = (sums.view(np.uint64) & np.uint64(0x1FFFFFFF)) == np.uint64(0x10000000)
        # (a sum of two float32 values, g = 1 behind .sum(), is exact in
        # double and often lands on a midpoint: rounded correctly already)
        if not (midpoint.any() and np.any(midpoint & (_two_sum(products, before)[1] != 0))):
            return steps[-1]
    fma = _fma32 if a.dtype == np.float32 else _fma64
    for x, y in zip(a, b):
        acc = fma(x, y, acc).astype(a.dtype, copy=False)
    return acc


def _in_double(parts):
    total = np.zeros(parts[0].shape, np.float64)
    for p in parts:
        total = total + p.astype(np.float64)
    return total


def stats(rows, centred):
    """(mean, centred rows, sum of squares) of training-mode batch norm;
    `centred(mean)` gives the rows minus the mean."""
    n, c = rows.shape
    dt = rows.dtype
    if is_meta(rows):       # (the meta device: shapes, no sums)
        mean = meta_array((c,), dt)
        return mean, centred(mean), meta_array((c,), dt)
    threads = _threads()
    if n > threads:
        runs = _runs(n, threads)
        mean = (_in_double([_row_sum(rows[r]) for r in runs]) / n).astype(dt)
        dev = centred(mean)
        squares = _in_double([fused_row_dot(dev[r]) for r in runs]).astype(dt)
        return mean, dev, squares
    if threads == 1 or c <= 16 or c > 2048:
        # one vector of sums down all rows, divided in the dtype
        mean = _row_sum(rows) / dt.type(max(n, 1))
        dev = centred(mean)
        return mean, dev, fused_row_dot(dev)
    # one channel per thread: double sums (of the dtype's squares)
    mean = (np.add.accumulate(rows.astype(np.float64), axis=0)[-1] / n).astype(dt)
    dev = centred(mean)
    squares = np.add.accumulate(np.square(dev).astype(np.float64), axis=0)[-1]
    return mean, dev, squares.astype(dt)


def grad_sums(g, dev):
    """(sum of g, sum of dev * g) per channel for the backward, each rounded
    to the dtype after the runs' double sum."""
    n = g.shape[0]
    if not n:
        return np.zeros(g.shape[1], g.dtype), np.zeros(g.shape[1], g.dtype)
    if is_meta(g) or is_meta(dev):
        return meta_array(g.shape[1:], g.dtype), meta_array(g.shape[1:], g.dtype)
    runs = _runs(n, _threads())
    grad_sum = _in_double([_row_sum(g[r]) for r in runs]).astype(g.dtype)
    dotp = _in_double([fused_row_dot(dev[r], g[r]) for r in runs]).astype(g.dtype)
    return grad_sum, dotp
