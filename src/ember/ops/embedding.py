"""Embeddings: torch.embedding, torch.embedding_renorm_ (this module) and
torch.embedding_bag (embedding_bag.py). nn.functional adds PyTorch's
Python-side checks (padding_idx wrapping, max_norm).

A lookup is one gather of weight rows (np.take); its gradient is one
scatter-add of the gradient's rows into the rows they came from (one
np.bincount). Both are linear, and each
is the other's adjoint, so the two are offered to formulas as
`xp.embedding_rows` (gather) and `xp.embedding_scatter` (scatter-add): on
Tensors each is recorded with the other as its derivative, so double (and
higher) backward works with the same formulas. Per-position factors
(padding rows left out, 1/frequency, a bag's 1/size, the max mode's
winners) are constant arrays `coef` that multiply the rows before the
scatter.
"""
from .. import _dtype as D
from ._common import _state, keep_index, no_complex_autograd, norm_refuses, np, recorded, tracked
from ._registry import grad_fn, register, tensor_field
from ._xp import provide
from .inplace import _overwrite, check_inplace
from .loss import const

__all__ = ["embedding", "embedding_renorm_"]


# -- checks, in PyTorch's words -------------------------------------------------------
def _tensor_type_name(t):
    """How ATen's checkScalarTypes names a tensor type: the legacy name where
    there is one (torch.FloatTensor), else the backend's (CPUBoolType)."""
    name = D.SCALAR_NAMES[t.dtype]
    if name in ("Bool", "BFloat16") or t.dtype.is_complex:
        return f"CPU{name}Type"
    return t.type().replace("ember.", "torch.")


def check_indices(indices, fn, arg=1):
    """Indices must be int64 or int32 (ATen's checkScalarTypes)."""
    if indices._data.dtype not in (np.int64, np.int32):
        raise RuntimeError(
            f"Expected tensor for argument #{arg} 'indices' to have one of the following scalar "
            f"types: Long, Int; but got {_tensor_type_name(indices)} instead (while checking "
            f"arguments for {fn})")


def index_array(indices, num_weights):
    """The indices as a flat int64 array, all in [0, num_weights)."""
    idx = indices._data.reshape(-1).astype(np.int64, copy=False)
    if idx.size and (idx.min() < 0 or idx.max() >= num_weights):
        raise IndexError("index out of range in self")
    return idx


# -- the two linear primitives ------------------------------------------------------
def row_scatter(vals, idx, n):
    """(n, D) zeros with each row vals[j] added into row idx[j]: one
    np.bincount over the flat positions idx[j] * D + column. It adds in
    index order in float64 (so float64 sums are ATen's to the bit; float32
    ones are rounded once, at the end)."""
    d = vals.shape[1]
    if vals.dtype.kind == "c" or idx.size == 0 or d == 0:
        out = np.zeros((n, d), vals.dtype)
        np.add.at(out, idx, vals)
        return out
    pos = (idx[:, None] * d + np.arange(d)).reshape(-1)
    out = np.bincount(pos, vals.reshape(-1), n * d)
    return out.astype(vals.dtype, copy=False).reshape(n, d)


def _rows(x, idx):
    return np.take(x, idx, axis=0)


def _rows_recorded(x, idx):
    return recorded(EmbeddingBackward0, _rows(x._data, idx), (x,),
                    (idx, x._data.shape[0], None, (idx, -1, False, False)))


def _scatter(vals, idx, n, node):
    return row_scatter(vals, idx, n)


def _scatter_recorded(vals, idx, n, node):
    return recorded(node, row_scatter(vals._data, idx, n), (vals,), (idx,))


provide("embedding_rows", _rows, _rows_recorded)
provide("embedding_scatter", _scatter, _scatter_recorded)


def _embedding_grad(xp, grad, indices, num_weights, coef):
    rows = xp.reshape(grad, (indices.size, grad.shape[-1]))
    if coef is not None:
        rows = rows * const(xp, coef)
    return xp.embedding_scatter(rows, indices, num_weights, EmbeddingDenseBackwardBackward0)


def _scatter_adjoint(xp, grad, indices):
    return xp.embedding_rows(grad, indices)


# (`indices` as given, padding_idx as passed: -1 for none, which PyTorch's
# unsigned field shows as 2**64 - 1)
EmbeddingBackward0 = grad_fn("EmbeddingBackward0", weight=_embedding_grad, saved={
    "indices": tensor_field(("given", lambda g: g[0])), "padding_idx": ("given", lambda g: g[1]),
    "scale_grad_by_freq": ("given", lambda g: g[2]), "sparse": ("given", lambda g: g[3]),
    "weight_sym_argsize_0": "num_weights"})
EmbeddingDenseBackwardBackward0 = grad_fn("EmbeddingDenseBackwardBackward0",
                                          grad_output=_scatter_adjoint)
EmbeddingBagBackwardBackward0 = grad_fn("EmbeddingBagBackwardBackward0",
                                        grad_output=_scatter_adjoint)


def grad_coef(idx, dtype, padding_idx=-1, scale_grad_by_freq=False, base=None):
    """The factor of each position's gradient row, shape (M, 1) (or base's
    shape): 0 at padding_idx, 1/(the index's count in the batch) when
    scaling by frequency; None when every factor is 1."""
    coef = base
    if scale_grad_by_freq and idx.size:
        counts = np.bincount(idx)
        f = (1.0 / counts[idx]).astype(dtype)[:, None]
        coef = f if coef is None else coef * f
    if padding_idx >= 0 and (idx == padding_idx).any():
        keep = (idx != padding_idx).astype(dtype)[:, None]
        coef = keep if coef is None else coef * keep
    return coef


def check_sparse(sparse, weight, fn):
    """A sparse gradient needs sparse tensors, which Ember does not have: the
    lookup itself works, recording it for a sparse gradient does not."""
    if sparse and _state.enabled and weight._requires_grad:
        raise NotImplementedError(
            f"{fn}: sparse=True asks for a sparse gradient of weight, and Ember has no sparse "
            "tensors; use sparse=False (the dense gradient holds the same values)")


def embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    """weight's rows at `indices`: shape indices.shape + (embedding_dim,).
    Row padding_idx gets no gradient; scale_grad_by_freq divides each row's
    gradient by how often its index occurs in `indices`."""
    w = weight._data
    if w.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    check_indices(indices, "embedding")
    idx = index_array(indices, w.shape[0])
    check_sparse(sparse, weight, "embedding")
    out = _rows(w, idx).reshape(indices._data.shape + w.shape[1:])
    no_complex_autograd("embedding", out, weight)
    coef = grad_coef(idx, w.dtype, int(padding_idx), scale_grad_by_freq) \
        if tracked(weight) else None
    return keep_index(recorded(EmbeddingBackward0, out, (weight,), (idx, w.shape[0], coef, (
        indices._data, int(padding_idx), bool(scale_grad_by_freq), bool(sparse)))), indices)


# -- max_norm: renormalising the looked-up rows in place ---------------------------------
def row_norms(rows, p):
    """Each row's p-norm, as Tensor.norm(p) computes it for any p."""
    a = np.abs(rows)
    if p == np.inf:
        return a.max(axis=1)
    if p == -np.inf:
        return a.min(axis=1)
    if p == 0:
        return (a != 0).sum(axis=1).astype(rows.dtype)
    if p == 1:
        return a.sum(axis=1)
    if p == 2:
        return np.sqrt((a * a).sum(axis=1))
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        return (a ** p).sum(axis=1) ** (1.0 / p)


def embedding_renorm_(input, indices, max_norm, norm_type):
    """Scale in place each row of `input` that `indices` names (once each)
    whose norm_type-norm exceeds max_norm, by max_norm / (norm + 1e-7)."""
    check_inplace(input)
    w = input._data
    check_indices(indices, "embedding_renorm_", 2)
    if w.ndim != 2:
        raise RuntimeError(f"Expected 2-dimensional tensor, but got {w.ndim}-dimensional tensor "
                           "for argument #1 'self' (while checking arguments for "
                           "embedding_renorm_)")
    n = w.shape[0]
    rows = np.unique(indices._data.reshape(-1).astype(np.int64, copy=False))
    # (checked before any row changes: PyTorch fails part-way, having changed the rows before)
    bad = rows[(rows < -n) | (rows >= n)]
    # (PyTorch takes the norm of each row in sorted order: an integer weight is
    # refused at the first row's norm, unless selecting that row fails first)
    refused = w.dtype.kind not in "fc" and not D.is_float_np(w.dtype) and rows.size
    if bad.size and not (refused and bad[0] != rows[0]):
        raise IndexError(f"select(): index {bad[0]} out of range for tensor of size "
                         f"{list(w.shape)} at dimension 0")
    if refused:
        raise norm_refuses(input.dtype)
    rows = np.unique(np.where(rows < 0, rows + n, rows))
    norms = row_norms(w[rows], float(norm_type)).astype(np.float64)
    over = norms > max_norm
    rows, scale = rows[over], (max_norm / (norms[over] + 1e-7)).astype(w.dtype)[:, None]
    if _state.enabled and input._requires_grad:
        # (recorded, as PyTorch does, with a node whose backward refuses)
        new = w.copy()
        new[rows] *= scale
        return _overwrite(input, new, EmbeddingRenormBackward0, (input,))
    w[rows] *= scale
    input._bump()
    return input


EmbeddingRenormBackward0 = grad_fn("EmbeddingRenormBackward0", self=lambda xp, grad: _no_renorm())


def _no_renorm():
    raise NotImplementedError("the derivative for 'embedding_renorm' is not implemented.")


embedding = register(embedding, method=False, out=False)
embedding_renorm_ = register(embedding_renorm_, method=False, out=False)

from .embedding_bag import embedding_bag  # noqa: E402 (its sister module reads this one's helpers)

__all__ += ["embedding_bag"]
