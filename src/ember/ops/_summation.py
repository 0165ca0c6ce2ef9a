"""Floating-point sums in PyTorch's order of additions.

A float32 sum's last bits depend on the order of its additions, and those
bits show (a bias gradient printed as a Python float). PyTorch's CPU sum
(aten/src/ATen/native/cpu/SumKernel.cpp, `cascade_sum`) adds a reduced
axis in four interleaved partial sums ("ilp" 4), each a cascade of 4
levels of sequential sums, and a contiguous axis in vector lanes (AVX2: 8
float32 or 4 float64 lanes) summed the same way and then lane by lane.
`torch_sum` reproduces that for the layouts training code meets (a whole
tensor, leading axes, trailing axes, axes on both sides of the kept ones as
a per-channel sum: adjacent reduced axes are one, as PyTorch's iterator
coalesces them; a transposed array as its memory order) and leaves the rest
to NumPy.
"""
from .._backend import np
from .._dtype import HALF_NP
from .._layout import c_strided

__all__ = ["torch_sum", "column_sums"]

_LANES = {np.dtype(np.float32): 8, np.dtype(np.float64): 4}
_ZERO = {np.dtype(np.float32): np.float32(0), np.dtype(np.float64): np.float64(0)}
_GRAIN = 32768   # above this, PyTorch splits a single reduction across threads
_SHORT = 67      # vectors a row_sum takes in four single sequential runs (16 rows each, + 3)


def column_sums(x):
    """torch_sum(x, (0,)) of a 2-D array: a bias gradient, the commonest sum
    in training (the engine sums one per nn.Linear in every backward)."""
    r = _small_batch_sum(x)
    return torch_sum(x, (0,)) if r is None else r


def _small_batch_sum(x):
    """Axis 0 of a 2-D float32/float64 array of 2 to 16 C-ordered rows, or
    None for any other."""
    rows, m = x.shape
    lanes = _LANES.get(x.dtype)
    if lanes is not None and 1 < rows <= 16 and m and x.flags.c_contiguous:
        return _few_rows_sum(x, rows, m, lanes)
    return None


def torch_sum(x, axes, keepdims=False):
    """x.sum(axis=axes, keepdims=keepdims) with PyTorch's rounding where known."""
    lanes = _LANES.get(x.dtype)
    nd = x.ndim
    if axes is None and lanes is not None and nd and 0 < x.size <= _GRAIN \
            and x.flags.c_contiguous:
        # The whole tensor (a loss), first: one reduction of the flat array
        r = np.asanyarray(_flat(x.reshape(-1), lanes))
        return r.reshape((1,) * nd) if keepdims else r
    if lanes is not None and nd == 2 and (axes == (0,) or axes == [0]):
        # (column_sums' case, as a keepdims sum may ask it)
        r = _small_batch_sum(x)
        if r is not None:
            return r.reshape(1, -1) if keepdims else r
    if x.dtype in HALF_NP:
        # PyTorch's kernels accumulate float16 and bfloat16 in float32 and
        # round once; NumPy would round after every addition (a bias
        # gradient under autocast is such a sum).
        return np.asanyarray(torch_sum(x.astype(np.float32), axes, keepdims)).astype(x.dtype)
    if lanes is not None and nd > 1 and x.size and not x.flags.c_contiguous:
        dense = _in_memory_order(x, axes, keepdims)
        if dense is not None:
            return c_strided(dense)
    if lanes is None or nd == 0 or not x.flags.c_contiguous or x.size == 0:
        # (PyTorch's reductions give a contiguous result, whatever the input's
        # layout; a 0-d tensor's dim 0 is its one element)
        return c_strided(np.asanyarray(x.sum(axis=axes if nd else None, keepdims=keepdims)))
    if axes is None:
        return np.asanyarray(x.sum(keepdims=keepdims))
    shape = x.shape
    axes = tuple(sorted(a % nd for a in axes))
    # Size-1 dims drop out of PyTorch's iteration, so they decide nothing.
    reduced = [i for i in axes if shape[i] > 1]
    kept = [i for i in range(nd) if i not in axes and shape[i] > 1]
    if not reduced:
        r = x + x.dtype.type(0)
    elif not kept:
        if x.size > _GRAIN:
            return np.asanyarray(x.sum(axis=axes, keepdims=keepdims))
        r = _flat(x.reshape(-1), lanes)
    elif _one_block(reduced, shape) and min(kept) > reduced[-1]:
        r = _outer(x.reshape(_count(reduced, shape), -1), lanes)
    elif _one_block(reduced, shape) and max(kept) < reduced[0]:
        r = _inner(x.reshape(-1, _count(reduced, shape)), lanes)
    elif x.size <= _GRAIN and _one_block(kept, shape) and reduced[0] < kept[0] < reduced[-1] \
            and _one_block([i for i in reduced if i < kept[0]], shape) \
            and _one_block([i for i in reduced if i > kept[-1]], shape):
        # (beyond the grain NumPy's sum, about 3 times faster: a convolution's
        # bias gradient in training is such a sum)
        r = _around(x, reduced, kept, lanes)
    else:
        return np.asanyarray(x.sum(axis=axes, keepdims=keepdims))
    out_shape = tuple(1 if i in axes else s for i, s in enumerate(shape)) if keepdims else \
        tuple(s for i, s in enumerate(shape) if i not in axes)
    return np.asanyarray(r, dtype=x.dtype).reshape(out_shape)


def _in_memory_order(x, axes, keepdims):
    """The sum of a permuted dense array (a transpose): PyTorch's iterator
    orders the reduced dims by the input's strides and the kept ones by the
    output's, so where the kept dims lie in memory order the sum is that of
    the contiguous array in memory order, its axes renamed. None otherwise."""
    perm = sorted(range(x.ndim), key=lambda i: -x.strides[i])
    y = x.transpose(perm)
    if not y.flags.c_contiguous:
        return None
    if axes is None:
        r = torch_sum(y, None)
        return r.reshape((1,) * x.ndim) if keepdims else r
    nd = x.ndim
    kept = [i for i in range(nd) if i not in {a % nd for a in axes} and x.shape[i] > 1]
    if any(x.strides[i] < x.strides[j] for i, j in zip(kept, kept[1:])):
        # The kept dims follow the (contiguous) output's order, not memory's:
        # a strided walk this module does not model.
        return None
    where = np.argsort(perm)        # x's axis a is y's axis where[a]
    r = torch_sum(y, tuple(int(where[a % nd]) for a in axes), keepdims=True).transpose(where)
    if not keepdims:
        r = r.reshape(tuple(s for i, s in enumerate(r.shape) if i not in {a % nd for a in axes}))
    return np.asanyarray(r)


def _around(x, reduced, kept, lanes):
    """Reduced dims on both sides of a block of kept ones (a per-channel sum
    over (0, 2, 3)): PyTorch's iterator puts the reduced dims first, the
    trailing block innermost, so each (leading index, kept index) row of the
    trailing block is summed as _inner sums a row, and the rows of each kept
    index are added into its output, from 0, in the leading block's order."""
    shape = x.shape
    lead = _count([i for i in reduced if i < kept[0]], shape)
    inner = _count([i for i in reduced if i > kept[-1]], shape)
    rows = _inner(x.reshape(-1, inner), lanes).reshape(lead, -1)
    return _sequential(np.concatenate([np.zeros((1, rows.shape[1]), x.dtype), rows]), 0)


def _one_block(reduced, shape):
    """Whether the reduced dims are adjacent (size-1 dims between them don't
    count): PyTorch's iterator then coalesces them into one axis."""
    return all(shape[i] == 1 for i in range(reduced[0], reduced[-1] + 1) if i not in reduced)


def _count(dims, shape):
    n = 1
    for i in dims:
        n *= shape[i]
    return n


def _cascade(rows):
    """Sum over axis 0 as PyTorch's multi_row_sum: sequential sums of chunks of
    `step` rows (level 1), whose sums are gathered in order into level 2,
    which moves into level 3 every `step` chunks, which moves into level 4
    every `step`**2 chunks; the rows left over are summed apart, and the
    four added last. Each level is one NumPy reduction over groups of `step`
    (PyTorch's loop over chunks, regrouped: the additions are the same)."""
    size = rows.shape[0]
    level_power = max(4, _ceil_log2(size) // 4)
    step = 1 << level_power
    if size <= step:
        # One sequential run from 0: NumPy's reduction over axis 0 is exactly
        # that, but for the 0 it starts from (which turns -0.0 into 0.0).
        return _sequential(rows, 0) + rows.dtype.type(0)
    rest = rows.shape[1:]
    full = size // step
    level2 = _sequential(rows[:full * step].reshape((full, step) + rest), 1)
    acc = []
    for _ in range(2):      # levels 2 and 3: whole groups of `step` go up a level
        whole = len(level2) // step
        acc.append(_sequential(level2[whole * step:], 0))
        level2 = _sequential(level2[:whole * step].reshape((whole, step) + rest), 1)
    acc.append(_sequential(level2, 0))
    # (a sum from +0: -0.0 comes out 0.0, as in PyTorch)
    total = _sequential(rows[full * step:], 0) + rows.dtype.type(0)
    return ((total + acc[0]) + acc[1]) + acc[2]


def _row_sum(x):
    """Reduce axis 0 in four interleaved partial sums, as PyTorch's row_sum:
    rows 4i+j go to partial sum j, the rows left over to partial sum 0, and
    the four are added in order."""
    size = x.shape[0]
    n = size // 4
    if n:
        p = _cascade(x[:n * 4].reshape((n, 4) + x.shape[1:]))
    else:
        p = np.zeros((4,) + x.shape[1:], x.dtype)
    if n * 4 < size:
        p[0] = _sequential(np.concatenate([p[:1], x[n * 4:]]), 0)
    return _sequential(p, 0)


def _few_rows(x, lanes):
    """_outer for at most 16 rows: the cascade is then one sequential run, so
    NumPy's reduction over the rows is right for every column but those left
    over from the groups of 4 vectors, which take row_sum."""
    m = x.shape[1]
    split = _grouped(m, lanes)
    if not split:
        out = _short_rows(x)
    else:
        out = np.add.reduce(x, axis=0)
        if split < m:
            out[split:] = _short_rows(x[:, split:])
    out += 0.0      # PyTorch's sums start from +0: -0.0 comes out 0.0
    return out


def _few_rows_sum(x, rows, m, lanes):
    """Axis 0 of a C-ordered 2-D float32/float64 array of 2 to 16 rows (a
    bias gradient at a small batch): _outer's plan without its general
    bookkeeping. One column is a flat sum (a size-1 dim drops out of
    PyTorch's iteration). For a batch of 4, 8, 12 or 16 and fewer than 4
    vectors a row, inline: row_sum's four partial sums (of rows j, j + 4,
    ...), then the four added in order, from +0."""
    if m == 1:
        return _flat(x.reshape(-1), lanes).reshape(1)
    if not rows & 3 and (m < 4 * lanes if m >= lanes else m < 4):
        partial = x if rows == 4 else x[:4] + x[4:] if rows == 8 else \
            np.add.reduce(x.reshape(rows >> 2, 4, m), axis=0)
        return np.add.reduce(partial, axis=0, initial=0.0)
    return _few_rows(x, lanes)


def _short_rows(x):
    """_row_sum (up to its final -0.0) for at most 4 * 16 rows, where each of
    the four partial sums is one sequential run. (NumPy reduces over rows in
    order; a single column too, while it is shorter than 8.)"""
    rows, width = x.shape
    n = rows // 4
    if not n:
        return np.add.reduce(x, axis=0)
    p = np.add.reduce(x[:n * 4].reshape(n, 4, width), axis=0)
    for r in x[n * 4:]:
        p[0] += r
    return np.add.reduce(p, axis=0)


def _flat(flat, lanes):
    """_inner of one row: the row_sum of its vectors, then the elements left
    over and the lanes, added in order from 0. Up to _SHORT vectors, each of
    row_sum's partial sums is one sequential run."""
    n = flat.shape[0]
    if n == lanes:      # (one vector: its lanes, added in order; a loss of a batch of 8)
        return np.add.accumulate(flat)[-1] + _ZERO[flat.dtype]
    body = n - n % lanes
    if body > _SHORT * lanes:
        return _inner(flat[None], lanes)[0]
    if not body:        # shorter than a vector: row_sum of the elements
        return _short_rows(flat[:, None])[0] + _ZERO[flat.dtype]
    if body == n and not n % (4 * lanes):
        # whole groups of four vectors: _short_rows without its leftovers
        vec = np.add.reduce(np.add.reduce(flat.reshape(-1, 4, lanes), axis=0), axis=0)
    else:
        vec = _short_rows(flat[:body].reshape(-1, lanes))
        if body < n:
            vec = np.concatenate((flat[body:], vec))
    return np.add.accumulate(vec)[-1] + _ZERO[flat.dtype]


def _outer(x, lanes):
    """Reduce axis 0 of a 2-D array as PyTorch's (vectorized_/scalar_)outer_sum:
    columns in groups of 4 vectors (4 scalars when narrower than a vector)
    take one cascade each; the columns left over take row_sum."""
    m = x.shape[1]
    split = _grouped(m, lanes)
    if split == m:
        return _cascade(x)
    if split == 0:
        return _row_sum(x)
    out = np.empty(m, x.dtype)
    out[:split] = _cascade(x[:, :split])
    out[split:] = _row_sum(x[:, split:])
    return out


def _grouped(m, lanes):
    """How many of `m` columns outer_sum takes in whole groups of 4 vectors
    (of 4 scalars when a row is narrower than a vector)."""
    group = 4 * lanes if m >= lanes else 4
    return (m // group) * group


def _inner(rows, lanes):
    """Sum each row (contiguous) as PyTorch's vectorized_inner_sum, or
    row_sum when a row is shorter than a vector."""
    r, n = rows.shape
    if n < lanes:
        return _row_sum(rows.T)
    nv = n // lanes
    if nv == 1:
        # One vector a row: row_sum of one row is that row (-0. made 0.).
        vec = rows[:, :lanes] + rows.dtype.type(0)
    else:
        body = rows[:, :nv * lanes]
        vec = _row_sum(_vectors_first(body, nv, lanes) if r >= _MANY_ROWS
                       else body.reshape(r, nv, lanes).transpose(1, 0, 2))
    # The leftover elements, then the lanes, added one by one from 0.
    tail = rows[:, nv * lanes:]
    if r < _MANY_ROWS:
        acc = np.zeros((1, r), rows.dtype)
        return _sequential(np.concatenate([acc, tail.T, vec.T]), 0)
    # (many rows: a column at a time, where gathering the columns into one
    # array would copy them element by element, and the vectors copied
    # together first, for the same reason)
    acc = np.zeros(r, rows.dtype)
    for cols in (tail, vec):
        for j in range(cols.shape[1]):
            acc += cols[:, j]
    return acc


_MANY_ROWS = 256


def _vectors_first(body, nv, lanes):
    """The rows' vectors, vector j of every row together: (nv, r, lanes),
    contiguous, so that row_sum's reductions over the vectors run over whole
    blocks. (Copied as one `lanes`-element item each: NumPy's element-wise
    transposing copy of such short runs is several times slower.)"""
    r = body.shape[0]
    dt = body.dtype
    items = body.view(np.dtype((np.void, lanes * dt.itemsize)))
    return np.ascontiguousarray(items.T).view(dt).reshape(nv, r, lanes)


def _sequential(a, axis):
    """Sum along `axis` strictly in order. NumPy's reduce is sequential along
    a strided axis but pairwise along a contiguous one; accumulate never is."""
    if a.strides[axis] == a.itemsize and a.shape[axis] > 2:
        return np.add.accumulate(a, axis=axis).take(-1, axis=axis)
    return np.add.reduce(a, axis=axis)


def _ceil_log2(n):
    return 0 if n <= 1 else int(n - 1).bit_length()
