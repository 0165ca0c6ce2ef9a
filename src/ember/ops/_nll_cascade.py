"""nll_loss's reduced sums in PyTorch's order of additions.

PyTorch's CPU nll_loss and nll_loss2d (aten/src/ATen/native/LossNLL.cpp,
LossNLL2d.cpp) add the picked losses, in the target's flat order, into a
cascade of 8 partial sums: level 0 takes each loss; after the loss at flat
index b (an ignored one does not count), level j passes its sum up to
level j+1 while b is a multiple of 16**(j+1). The levels are then added
from 0 up. A float32 mean over a batch of 16 differs from NumPy's pairwise
sum in the last bit, and a training log prints every bit.
"""
from .._backend import np

_LEVELS = 8
_STEP = 16       # 1 << level_power: 4 for any batch under 2**32 elements


def _segment_sums(values, ends):
    """Sequential sums of `values` cut after each index in `ends` (a sorted
    array of positions in `values`), plus the leftover after the last cut."""
    starts = np.concatenate(([0], ends + 1))
    stops = np.concatenate((ends + 1, [values.size]))
    lengths = stops - starts
    width = int(lengths.max()) if lengths.size else 0
    if width * lengths.size > 4 * values.size + 4096:
        # (long runs of ignored targets make ragged segments: each in turn)
        sums = np.array([np.add.accumulate(values[a:b])[-1] if b > a else -0.0
                         for a, b in zip(starts, stops)], values.dtype)
        return sums[:-1], sums[-1]
    # (-0.0 pads: adding it changes no sum, a zero's sign included)
    grid = np.full((lengths.size, max(width, 1)), -0.0, values.dtype)
    rows = np.repeat(np.arange(lengths.size), lengths)
    cols = np.arange(values.size) - np.repeat(starts, lengths)
    grid[rows, cols] = values
    # (an accumulation adds element after element; a reduction may add
    # pairwise, where NumPy sees one contiguous run)
    sums = np.add.accumulate(grid, axis=1)[:, -1]
    return sums[:-1], sums[-1]


def _cascade_loop(values, flat_index):
    """PyTorch's loop itself, on NumPy scalars: faster for a small batch."""
    zero = values.dtype.type(0)
    partial = [zero] * _LEVELS
    for v, b in zip(values, flat_index.tolist()):
        partial[0] = partial[0] + v
        j = 0
        while j + 1 < _LEVELS and not b & (15 << (4 * j)):
            partial[j + 1] = partial[j + 1] + partial[j]
            partial[j] = zero
            j += 1
    total = zero
    for p in partial:
        total = total + p
    return total


def cascade_sum(values, flat_index):
    """The sum of `values` (the kept losses, each at its flat index in the
    target, increasing) as PyTorch's cascade adds them."""
    dtype = values.dtype
    n = values.size
    if 1 < n <= 16 and flat_index[0] == 0 and flat_index[-1] == n - 1:
        # (a whole small batch: the first loss goes up the levels alone, the
        # others add up in level 0, which is added first)
        return dtype.type(np.add.accumulate(values[1:])[-1] + values[0])
    if n <= 64:
        return _cascade_loop(values, flat_index)
    leftovers = []
    level_values, level_index = values, flat_index
    for j in range(1, _LEVELS):
        at_push = (level_index % (_STEP ** j)) == 0
        ends = np.flatnonzero(at_push)
        pushed, left = _segment_sums(level_values, ends)
        leftovers.append(left)
        level_values, level_index = pushed, level_index[ends]
        if level_values.size <= 1:
            # (one value goes up the levels alone: the others add nothing)
            leftovers.extend(level_values)
            break
    else:
        leftovers.append(_segment_sums(level_values, np.array([], np.int64))[1])
    total = dtype.type(0)
    for left in leftovers:
        total = dtype.type(total + left)
    # (levels not reached hold zero: adding them changes nothing)
    return total
