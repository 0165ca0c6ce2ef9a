"""ATen's _matmul_impl (with should_fold and the broadcast bmm), as a
builder of it from the products, views and predicates given: the one matmul
algorithm behind linalg.matmul (its own ops, folding where an operand
requires grad) and vmap's matmul rule (func/_batching_products: per-level
views and batched products). Apart from linalg.py, which builds its
`_matmul` from it at import, for that module's size; matmul's hot path
(ranks 1 and 2, two batches) stays inline in linalg.matmul.
"""

import math

from ._common import broadcast_error, np


def matmul_impl(*, dot, mv, mm, bmm, reshape, expand, unsqueeze, squeeze, squeeze_,
                transpose, t, contiguous, unsafe_view, strides, folds, squeezes):
    """ATen's _matmul_impl made of the given ops, as `impl(t1, t2, sa, sb,
    d1, d2)` (`sa`, `sb`: the operands' shapes; `d1`, `d2`: their lengths):
    linalg.matmul's (linalg's ops) and vmap's on batched values
    (func/_batching_products), which call their own products and views.
    `strides(x)`: x's strides (any unit); `folds(x)`: does x require grad
    (should_fold then folds the other operand, so that x's gradient is one
    mm, not a batch summed); `squeezes(x)`: does a 3-D x's batch of one go
    through the fold (ATen: x requires grad, or is a tensor subclass).
    `impl.broadcast_bmm`: its path for two batches (the same arguments)."""

    def impl(t1, t2, sa, sb, d1, d2):
        if d1 > 2 and d2 > 2:       # (first: the common case of two batches)
            return broadcast_bmm(t1, t2, sa, sb, d1, d2)
        if d1 == 0 or d2 == 0:
            raise RuntimeError(
                f"both arguments to matmul need to be at least 1D, but they are {d1}D and {d2}D")
        if d1 <= 2 and d2 <= 2:
            if d1 == 1:
                if d2 == 1:
                    return dot(t1, t2)
                return squeeze_(mm(unsqueeze(t1, 0), t2), 0)    # in place, as PyTorch
            return mv(t1, t2) if d2 == 1 else mm(t1, t2)
        # should_fold: the larger operand (3-D or more, against 1-D or 2-D)
        # folded into a matrix where the smaller one requires grad, else only
        # where the fold is a view (a 2-D t1's never: the transposed product
        # would be copied back)
        if d1 > d2:
            if not (folds(t2) or _fold_is_view(sa, strides(t1))):
                return broadcast_bmm(t1, t2, sa, sb, d1, d2)
            rows, other, sizes, columns = t1, t2, sa, sb[1] if d2 == 2 else None
        else:
            if not (folds(t1) or d1 == 1 and _fold_is_view(sb, strides(t2), True)):
                return broadcast_bmm(t1, t2, sa, sb, d1, d2)
            # the larger operand second: folded transposed (before t1's t(),
            # as ATen), and the result transposed back (a copy: CloneBackward0)
            rows, other = transpose(t2, -2, -1), t(t1) if d1 == 2 else t1
            sizes, columns = sb[:-2] + sb[:-3:-1], sa[0] if d1 == 2 else None
        lead = sizes[:-1]
        folded = reshape(rows, math.prod(lead), sizes[-1])
        if columns is None:     # (times a vector)
            return unsafe_view(mv(folded, other), lead)
        out = unsafe_view(mm(folded, other), lead + (columns,))
        return contiguous(transpose(out, -2, -1)) if d1 == 2 else out

    def broadcast_bmm(t1, t2, sa, sb, d1, d2):
        """The batch dims broadcast (expand, reshape to one batch), one bmm."""
        n = sa[-2] if d1 > 1 else 1
        m1 = sa[-1]
        batch1 = sa[:-2]
        m2 = sb[-2] if d2 > 1 else sb[0]
        p = sb[-1] if d2 > 1 else 1
        batch2 = sb[:-2]
        if d1 == 3 and d2 == 3 and batch1[0] != batch2[0]:
            # (a batch of one that requires grad goes through the fold instead)
            if batch1[0] == 1 and squeezes(t1):
                return impl(squeeze(t1, 0), t2, sa[1:], sb, 2, 3)
            if batch2[0] == 1 and squeezes(t2):
                return impl(t1, squeeze(t2, 0), sa, sb[1:], 3, 2)
        try:
            shape = np.broadcast_shapes(batch1, batch2)
        except ValueError:
            raise broadcast_error(batch1, batch2) from None
        size = math.prod(shape)
        t1 = reshape(expand(t1, shape + (n, m1)), size, n, m1)
        if d2 == 1:     # (d1 > 2 here: 1-D and 2-D against a vector are dot and mv)
            t2 = unsqueeze(reshape(expand(t2, shape + (m2,)), size, m2), 2)
            return unsafe_view(squeeze(bmm(t1, t2), -1), shape + (n,))
        t2 = reshape(expand(t2, shape + (m2, p)), size, m2, p)
        return unsafe_view(bmm(t1, t2), shape + ((n, p) if d1 > 1 else (p,)))

    impl.broadcast_bmm = broadcast_bmm
    return impl


def _fold_is_view(shape, strides, transposed=False):
    """Do the dims before the last (of the last two swapped, `transposed`)
    fold into one as a view?"""
    if transposed:
        shape, strides = shape[:-2] + shape[:-3:-1], strides[:-2] + strides[:-3:-1]
    if 0 in shape:
        return True
    for i in range(len(shape) - 2):
        if strides[i] != strides[i + 1] * shape[i + 1]:
            return False
    return True
