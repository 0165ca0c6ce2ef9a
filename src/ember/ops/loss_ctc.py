"""torch.ctc_loss: the connectionist temporal classification loss.

The forward (alpha) and backward (beta) recursions run in log space over
every batch entry and every position of the blank-extended target at once;
only time is a Python loop. As in PyTorch, the gradient given for
log_probs is exp(log_probs) - exp(log(alpha*beta per class) + nll -
log_probs): the true gradient as seen through the log_softmax that makes
log_probs (PyTorch's choice, kept). PyTorch has no second derivative for
it, and neither has Ember: using one raises PyTorch's error."""
from .._python_data import _tname
from .._backend import np

from ._common import Tensor, recorded, wrap
from .conditional import where
from ._registry import grad_fn, no_forward_formula, not_implemented, register, tensor_field
from ..autograd._saved_fields import constant
from .loss import reduction_name, refuse_dtype

__all__ = ["ctc_loss"]

_CHECKING = " (while checking arguments for ctc_loss_allocate_outputs)"


def _logsumexp(*terms):
    """Elementwise log(sum(exp(terms))), -inf where every term is -inf."""
    stacked = np.stack(terms)
    m = stacked.max(0)
    safe = np.where(np.isfinite(m), m, 0)
    with np.errstate(divide="ignore"):
        return np.log(np.exp(stacked - safe).sum(0)) + safe


def _extended(targets, blank):
    """The targets with blanks between and around ((N, 2S+1)), and where a
    path may skip a blank (the labels on either side differ)."""
    n, s = targets.shape
    ext = np.full((n, 2 * s + 1), blank, np.int64)
    ext[:, 1::2] = targets
    skip = np.zeros(ext.shape, bool)
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    return ext, skip


def _alphas(lp, ext, skip):
    """log alpha for every time step (T, N, L) (rows past an entry's input
    length are computed too; nothing reads them)."""
    T = lp.shape[0]
    emit = np.take_along_axis(lp, np.broadcast_to(ext, (T,) + ext.shape), 2)   # (T, N, L)
    alpha = np.full(emit.shape, -np.inf)
    alpha[0, :, :2] = emit[0, :, :2]
    ninf = np.full((lp.shape[1], 1), -np.inf)
    for t in range(1, T):
        prev = alpha[t - 1]
        one = np.concatenate([ninf, prev[:, :-1]], 1)
        two = np.where(skip, np.concatenate([ninf, ninf, prev[:, :-2]], 1), -np.inf)
        alpha[t] = _logsumexp(prev, one, two) + emit[t]
    return alpha


def _betas(emit, ext, skip, il, tl):
    """log beta (T, N, L), each entry started at its own last time step."""
    T, N, L = emit.shape
    beta = np.full(emit.shape, -np.inf)
    start = np.full((N, L), -np.inf)
    rows = np.arange(N)
    skip_next = np.zeros_like(skip)
    skip_next[:, :-2] = skip[:, 2:]
    ninf = np.full((N, 1), -np.inf)
    nxt = np.full((N, L), -np.inf)
    for t in range(T - 1, -1, -1):
        one = np.concatenate([nxt[:, 1:], ninf], 1)
        two = np.where(skip_next, np.concatenate([nxt[:, 2:], ninf, ninf], 1), -np.inf)
        cur = _logsumexp(nxt, one, two) + emit[t]
        start[:] = -np.inf
        start[rows, 2 * tl] = emit[t, rows, 2 * tl]
        has = tl > 0
        start[rows[has], 2 * tl[has] - 1] = emit[t, rows[has], 2 * tl[has] - 1]
        last = (il - 1 == t)[:, None]
        cur = np.where(last, start, np.where((il - 1 < t)[:, None], -np.inf, cur))
        beta[t] = nxt = cur
    return beta


def _ctc_grad(xp, g, log_probs, alpha, nll, ext, skip, il, tl, zero_infinity):
    if xp.recording:
        raw = _ctc_grad_arrays(g._data, log_probs._data, alpha, nll, ext, skip, il, tl,
                               zero_infinity)
        return recorded(CtcLossBackwardNotImplemented, raw, (g, log_probs))
    return _ctc_grad_arrays(g, log_probs, alpha, nll, ext, skip, il, tl, zero_infinity)


def _ctc_grad_arrays(g, lp, alpha, nll, ext, skip, il, tl, zero_infinity):
    lp64 = lp.astype(np.float64)
    T, N, C = lp.shape
    emit = np.take_along_axis(lp64, np.broadcast_to(ext, (T,) + ext.shape), 2)
    beta = _betas(emit, ext, skip, il, tl)
    ab = alpha + beta                                          # (T, N, L)
    m = ab.max(2, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    onehot = (ext[:, :, None] == np.arange(C)).astype(np.float64)     # (N, L, C)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        lcab = np.log(np.einsum("tnl,nlc->tnc", np.exp(ab - m), onehot)) + m
        grad = np.exp(lp64) - np.exp(lcab + nll[None, :, None] - lp64)
    grad = grad * np.asanyarray(g, np.float64).reshape(1, -1, 1)
    grad[np.arange(T)[:, None] >= il[None, :]] = 0
    if zero_infinity:
        grad[:, nll == np.inf] = 0
    return grad.astype(lp.dtype)


def _log_alpha(node):
    """PyTorch's log_alpha: (batch, time, 2S+1), in the loss's dtype. (PyTorch
    leaves the entries past an entry's input length or its target
    uninitialized; Ember shows the recursion's values there.)"""
    return constant(node, "alpha").transpose(1, 0, 2).astype(node._dtype)


CtcLossBackward0 = no_forward_formula(grad_fn("CtcLossBackward0", saved={
    "blank": "blank", "input_lengths": ("il", lambda v: tuple(v.tolist())),
    "result0": tensor_field(lambda node: constant(node, "nll").astype(node._dtype)),
    "result1": tensor_field(_log_alpha), "target_lengths": ("tl", lambda v: tuple(v.tolist())),
    "targets": tensor_field("targets"), "zero_infinity": "zero_infinity"},
    log_probs=_ctc_grad), "_ctc_loss")
CtcLossBackwardNotImplemented = not_implemented("_ctc_loss_backward", "grad", "log_probs")


def _lengths(v, name):
    if isinstance(v, Tensor):
        if v._data.dtype.kind not in "iu":
            raise RuntimeError(f"{name} must be integral")
        return v._data.astype(np.int64).reshape(-1)
    if isinstance(v, (tuple, list)):
        return np.asanyarray(v, np.int64).reshape(-1)
    raise TypeError(f"ctc_loss(): argument '{name}' must be tuple of ints or Tensor, "
                    f"not {_tname(v)}")


def _padded_targets(targets, tl, batch):
    t = targets._data.astype(np.int64)
    smax = int(tl.max()) if tl.size else 0
    if t.ndim == 1:
        if t.shape[0] != tl.sum():
            raise RuntimeError(f"Expected tensor to have size {int(tl.sum())} at dimension 0, "
                               f"but got size {t.shape[0]} for argument #2 'targets'" + _CHECKING)
        padded = np.zeros((batch, smax), np.int64)
        cols = np.arange(smax)
        keep = cols[None, :] < tl[:, None]
        padded[keep] = t
        return padded
    if t.shape[0] != batch:
        raise RuntimeError(f"Expected tensor to have size {batch} at dimension 0, but got size "
                           f"{t.shape[0]} for argument #2 'targets'" + _CHECKING)
    if t.shape[1] < smax:
        raise RuntimeError(f"Expected tensor to have size at least {smax} at dimension 1, but "
                           f"got size {t.shape[1]} for argument #2 'targets'" + _CHECKING)
    return t[:, :smax]


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=0,
             zero_infinity=False):
    reduction = reduction_name(reduction)
    il = _lengths(input_lengths, "input_lengths")
    tl = _lengths(target_lengths, "target_lengths")
    batched = log_probs.ndim == 3
    if not batched and log_probs.ndim != 2:
        raise RuntimeError(f"Expected 3-dimensional tensor, but got {log_probs.ndim + 1}"
                           "-dimensional tensor for argument #1 'log_probs'" + _CHECKING)
    if log_probs._data.size == 0:
        raise RuntimeError("log_probs tensor must not be empty")
    lp3 = log_probs if batched else log_probs.unsqueeze(1)
    T, N, C = lp3.shape
    if not 0 <= blank < C:
        raise RuntimeError("blank must be in label range")
    if il.size != N:
        raise RuntimeError("input_lengths must be of size batch_size")
    if tl.size != N:
        raise RuntimeError("target_lengths must be of size batch_size")
    padded = _padded_targets(targets, tl, N)
    for v in il:
        if v > T:
            raise RuntimeError(f"Expected input_lengths to have value at most {T}, but got "
                               f"value {int(v)}" + _CHECKING)
    refuse_dtype("ctc_loss_cpu", lp3._data, halves=False)
    ext, skip = _extended(padded, blank)
    with np.errstate(invalid="ignore"):
        alpha = _alphas(lp3._data.astype(np.float64), ext, skip)
        rows = np.arange(N)
        last = alpha[np.maximum(il - 1, 0), rows]                     # (N, L)
        ends = [last[rows, 2 * tl], np.where(tl > 0, last[rows, np.maximum(2 * tl - 1, 0)],
                                            -np.inf)]
        nll = -_logsumexp(*ends)
    # (an entry of no time steps has probability 1 for an empty target, 0 otherwise)
    nll = np.where(il == 0, np.where(tl == 0, 0.0, np.inf), nll)
    res = recorded(CtcLossBackward0, nll.astype(lp3._data.dtype), (lp3,),
                   (alpha, nll, ext, skip, il, tl, bool(zero_infinity), blank,
                    targets._data.astype(np.int64)))
    if zero_infinity:
        res = where(wrap(res._data == np.inf), wrap(np.zeros((), res._data.dtype)), res)
    if reduction == "mean":
        lengths = np.maximum(tl, 1).astype(res._data.dtype)
        return (res / wrap(lengths)).mean()
    if reduction == "sum":
        return res.sum()
    return res if batched else res.squeeze(0)


ctc_loss = register(ctc_loss, method=False, out=False)
