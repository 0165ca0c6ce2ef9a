"""torch.embedding_bag: sums, means or maxima of bags of embedding rows.

A bag is a run of positions of the 1-D `indices` (bag b starts at
offsets[b]). With include_last_offset the last offset is not a bag's start,
and the last bag runs to the input's end even where that offset stops short
of it, as ATen's generic CPU kernel reads it (its float32 'sum' fast path
stops there instead). Every
mode is a gather of rows followed by one reduction over each bag's run; the
gradient of weight is one scatter-add of the bags' gradient rows, weighted
per position (ops/embedding.py's primitives and `coef`).
"""
from operator import itemgetter

from .. import _dtype as D
from ._common import Tensor, keep_index, np, recorded, tracked
from ._registry import grad_fn, register, tensor_field
from .embedding import (EmbeddingBagBackwardBackward0, _tensor_type_name, check_indices,
                        check_sparse, grad_coef)
from .loss import const

__all__ = ["embedding_bag"]

_MODES = {0: "sum", 1: "mean", 2: "max"}


def _weight_grad(xp, grad, per_sample_weights, indices, bag, num_weights, coef, keep):
    rows = xp.embedding_rows(grad, bag)
    if coef is not None:
        rows = rows * const(xp, coef)
    if per_sample_weights is not None:
        rows = rows * xp.reshape(per_sample_weights, (indices.size, 1))
    return xp.embedding_scatter(rows, indices, num_weights, EmbeddingBagBackwardBackward0)


def _per_sample_weights_grad(xp, grad, weight, per_sample_weights, indices, bag, keep):
    # (per_sample_weights is named, unread, because PyTorch saves it whenever
    # the node is made: changing it in place before backward is an error there)
    dots = xp.sum(xp.embedding_rows(grad, bag) * xp.embedding_rows(weight, indices), (1,))
    return dots if keep is None else dots * const(xp, keep)


# What PyTorch's node shows besides the weights: the arguments as given
# (indices and offsets in their own dtype, the padding row or -1) and the
# op's other three outputs, kept as one constant `shown` in this order.
_SHOWN = ("indices", "offsets", "mode", "padding_idx", "result1", "result2", "result3",
          "scale_grad_by_freq", "sparse")
_FIELDS = {f: tensor_field(("shown", itemgetter(k))) if f in ("indices", "offsets") or
           f.startswith("result") else ("shown", itemgetter(k)) for k, f in enumerate(_SHOWN)}
EmbeddingBagBackward0 = grad_fn(
    "EmbeddingBagBackward0", saved={**_FIELDS, "weight_sym_argsize_0": "num_weights"},
    weight=_weight_grad, per_sample_weights=_per_sample_weights_grad)


def _check(weight, indices, offsets, mode, per_sample_weights, include_last_offset,
           padding_idx):
    """ATen's argument checks, in its order and words; the padding index as
    a row number (-1: none)."""
    w = weight._data
    if w.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    n = w.shape[0]
    if padding_idx is None:
        padding_idx = -1
    else:
        if not -n <= padding_idx < n:
            raise RuntimeError(f"padding_idx must be within the number of embeddings, {-n} "
                               f"through {n - 1}, but got {padding_idx}")
        padding_idx %= n
    check_indices(indices, "embedding_bag")
    if offsets._data.dtype not in (np.int64, np.int32):
        raise RuntimeError(
            # (ATen's check names the offsets 'indices', #1)
            "Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got {_tensor_type_name(offsets)} instead (while checking "
            "arguments for embedding_bag)")
    if w.dtype not in (np.float16, np.float32, np.float64) and weight.dtype is not D.bfloat16:
        raise RuntimeError(
            "Expected tensor for argument #1 'weight' to have one of the following scalar "
            f"types: Half, BFloat16, Float, Double; but got {_tensor_type_name(weight)} instead "
            "(while checking arguments for embedding_bag)")
    if offsets._data.ndim != 1:
        raise RuntimeError(f"offsets has to be a 1D Tensor, but got Tensor of dimension "
                           f"{offsets._data.ndim}")
    if indices._data.ndim != 1:
        # (PyTorch's kernel reads a 2-D one in ways of its own; F.embedding_bag flattens it)
        raise RuntimeError(f"embedding_bag: indices has to be a 1D Tensor, but got Tensor of "
                           f"dimension {indices._data.ndim}")
    if mode not in _MODES:
        raise RuntimeError("`mode` must be sum, mean, or max.")
    offs, m = offsets._data, indices._data.shape[0]
    if offs.size:
        if offs[0] != 0:
            raise RuntimeError(
                "offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start "
                f"from position 0. However, got {offs[0]}\n[ {offsets.type()}{{}} ]")
        if offs[-1] > m:
            raise RuntimeError(f"offsets[-1] can not be greater than input's length {m} but got "
                               f"offsets[-1] of {offs[-1]}")
    if per_sample_weights is not None:
        if mode != 0:
            raise RuntimeError("embedding_bag: per_sample_weights only supported with "
                               "mode='sum'")
        if per_sample_weights.dtype is not weight.dtype:
            raise RuntimeError(
                "Expected tensor for argument #1 'weight' to have the same type as tensor for "
                f"argument #1 'per_sample_weights'; but type {_tensor_type_name(weight)} does "
                f"not equal {_tensor_type_name(per_sample_weights)} (while checking arguments "
                "for embedding_bag)")
        if per_sample_weights._data.ndim != 1 or per_sample_weights._data.size != m:
            raise RuntimeError("embedding_bag: per_sample_weights has to be a 1-D tensor with "
                               f"one weight per index ({m}), but got shape "
                               f"{list(per_sample_weights.shape)}")
    if include_last_offset and offs.size < 1:
        raise RuntimeError("include_last_offset: number of offset should be at least 1")
    bags = offs.size - 1 if include_last_offset else offs.size
    if bags == 0 and m:
        # (PyTorch crashes here)
        raise RuntimeError(f"embedding_bag: offsets name no bag, but indices has {m} elements")
    idx = indices._data.astype(np.int64, copy=False)
    bad = idx[(idx < 0) | (idx >= n)]
    if bad.size:
        raise RuntimeError("embedding_bag: Expected idx >= 0 && idx < num_embeddings but found "
                           f"idx to be {bad[0]}")
    return idx, padding_idx


def _bag_sums(vals, starts, n_bags):
    """Each bag's sum of rows: bags are runs of positions, so one
    np.add.reduceat over the runs of the bags that have any."""
    out = np.zeros((n_bags,) + vals.shape[1:], vals.dtype)
    used = np.flatnonzero(np.diff(np.append(starts, vals.shape[0])) > 0)
    if used.size:
        out[used] = np.add.reduceat(vals, starts[used], axis=0)
    return out


def _bag_max(rows, bag, keep, counts, starts):
    """Each bag's maximum per column over its kept positions (0 for a bag
    with none), the position that first reaches it (ATen keeps the first of
    ties), and a mask of those winning positions."""
    m, dim = rows.shape
    out = np.zeros((counts.size, dim), rows.dtype)
    winners = np.zeros((counts.size, dim), np.int64)
    mask = np.zeros(rows.shape, rows.dtype)
    if m == 0:
        return out, winners, mask
    vals = rows if keep is None else np.where(keep[:, None], rows, rows.dtype.type(-np.inf))
    used = np.flatnonzero(np.diff(np.append(starts, m)) > 0)   # bags with positions
    firsts = starts[used]
    top = np.maximum.reduceat(vals, firsts, axis=0)
    hit = vals == top[np.searchsorted(used, bag)]
    if keep is not None:
        hit &= keep[:, None]
    first = np.minimum.reduceat(np.where(hit, np.arange(m)[:, None], m), firsts, axis=0)
    live = counts[used] > 0
    used, top, first = used[live], top[live], first[live]
    out[used] = top
    winners[used] = first
    mask[first, np.arange(dim)] = 1
    return out, winners, mask


def embedding_bag(weight, indices, offsets, scale_grad_by_freq=False, mode=0, sparse=False,
                  per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """(output, offset2bag, bag_size, max_indices): output[b] is the sum
    (mode 0; weighted by per_sample_weights if given), mean (1) or maximum
    (2) of weight's rows at the indices of bag b; positions holding
    padding_idx are left out of the bag (and of its size); an empty bag gives
    zeros. The other three are ATen's bookkeeping: each position's bag; the
    bags' sizes (mean and max); the mean's sizes again, or the max's winning
    rows."""
    idx, padding_idx = _check(weight, indices, offsets, mode, per_sample_weights,
                              include_last_offset, padding_idx)
    check_sparse(sparse, weight, "embedding_bag")
    w = weight._data
    offs = offsets._data.astype(np.int64, copy=False)
    starts = offs[:-1] if include_last_offset else offs
    n_bags, m = starts.size, idx.size
    bag = np.searchsorted(starts, np.arange(m), side="right") - 1
    keep = idx != padding_idx if padding_idx >= 0 and (idx == padding_idx).any() else None
    counts = np.bincount(bag if keep is None else bag[keep], minlength=n_bags)
    rows = np.take(w, idx, axis=0)
    is_tracked = tracked(weight, per_sample_weights)
    coef, max_indices = None, np.zeros(n_bags, np.int64)
    if mode == 2:
        out, winners, coef = _bag_max(rows, bag, keep, counts, starts)
        max_indices = np.where(counts[:, None] > 0, idx[winners] if m else 0, 0)
    else:
        keep_col = None if keep is None else keep.astype(w.dtype)[:, None]
        vals = rows if keep_col is None else rows * keep_col
        if per_sample_weights is not None:
            vals = vals * per_sample_weights._data[:, None]
        out = _bag_sums(vals, starts, n_bags)
        coef = keep_col
        if mode == 1:
            size = np.maximum(counts, 1).astype(w.dtype)
            out /= size[:, None]
            if is_tracked:
                inv = (1 / size[bag])[:, None]
                coef = inv if coef is None else coef * inv
            max_indices = counts
        if is_tracked:
            coef = grad_coef(idx, w.dtype, -1, scale_grad_by_freq, coef)
    # (int32 bookkeeping when indices and offsets are both int32, as ATen's)
    it = np.int32 if indices._data.dtype == offsets._data.dtype == np.int32 else np.int64
    offset2bag = np.zeros(0, it) if _sums_fast(weight, per_sample_weights, mode, padding_idx) \
        else bag.astype(it)
    others = (offset2bag, (counts if mode else np.zeros(n_bags)).astype(it),
              max_indices.astype(it))
    result = recorded(EmbeddingBagBackward0, out, (weight, per_sample_weights),
                      (idx, bag, w.shape[0], coef,
                       None if keep is None else keep.astype(w.dtype),
                       (indices._data, offsets._data, mode, padding_idx) + others
                       + (bool(scale_grad_by_freq), bool(sparse))))
    others = tuple(Tensor._wrap(a) for a in others)
    # (what the node reads, kept as PyTorch's node saves them)
    return (keep_index(result, indices, offsets, *others),) + others


def _sums_fast(weight, per_sample_weights, mode, padding_idx):
    """Does ATen take its fast path for sums, which skips offset2bag (then
    given as an empty tensor): float32 or half rows of unit stride, no
    padding_idx, contiguous per-sample weights?"""
    w, psw = weight._data, per_sample_weights
    return (mode == 0 and padding_idx < 0 and weight.dtype in (D.float32, D.float16, D.bfloat16)
            and w.strides[1] == w.itemsize
            and (psw is None or psw._data.strides[0] == psw._data.itemsize))


embedding_bag = register(embedding_bag, method=False, out=False)
