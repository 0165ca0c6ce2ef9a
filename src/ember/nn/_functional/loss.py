"""nn.functional losses."""
import warnings

from ..._backend import np, restore, silence
from ..._meta import is_meta
from ... import _dtype as D
from ..._settings import warn_at_caller
from ...ops import pointwise as _P
from ...ops._common import Tensor, keep_index, kernel_refuses, recorded, wrap
from ...ops import _autocast
from ...ops._nll_cascade import cascade_sum
from ...ops._summation import torch_sum
from ...ops.scalar_arith import div_scalar
from ...ops.loss import (MseLossBackward0, NllLoss2DBackward0, NllLossBackward0,
                         check_not_differentiable, check_scalar_type)
from ._common import _tracked, _type_name
from .activation import log_softmax

__all__ = ["mse_loss", "l1_loss", "nll_loss", "cross_entropy"]  # (+ loss_extra.py's, below)


# -- losses ---------------------------------------------------------------------
def _legacy_get_string(size_average, reduce, stacklevel=3):
    if size_average is None:
        size_average = True
    if reduce is None:
        reduce = True
    ret = "mean" if size_average and reduce else "sum" if reduce else "none"
    warnings.warn(f"size_average and reduce args will be deprecated, please use "
                  f"reduction='{ret}' instead.", stacklevel=stacklevel)
    return ret


def _reduction(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        reduction = _legacy_get_string(size_average, reduce)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _check_broadcast(input, target):
    if not isinstance(target, Tensor):
        target.size()       # (PyTorch's first use of target: its AttributeError for a number)
    a, b = input._data.shape, target._data.shape
    if a != b:
        warn_at_caller(
            f"Using a target size ({target.size()}) that is different to the input size "
            f"({input.size()}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.")
        for i in range(1, min(len(a), len(b)) + 1):
            if a[-i] != b[-i] and a[-i] != 1 and b[-i] != 1:
                raise RuntimeError(
                    f"The size of tensor a ({a[-i]}) must match the size of tensor b "
                    f"({b[-i]}) at non-singleton dimension {max(len(a), len(b)) - i}")


def _weighted_reduction(loss, weight, reduction):
    """PyTorch's Python-side weighted mse/l1: 'mean' divides by the weights' sum."""
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.sum() / weight.sum()
    raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', "
                     "'sum'.")


def _legacy_only(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        return _legacy_get_string(size_average, reduce)
    return reduction


def _check_weight_size(weight, input):
    if weight._data.shape != input._data.shape:
        raise ValueError("Weights and input must have the same size.")


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    _check_broadcast(input, target)
    if weight is not None:
        reduction = _legacy_only(size_average, reduce, reduction)
        _check_weight_size(weight, input)
        return _weighted_reduction(_P.pow(input - target, 2) * weight, weight, reduction)
    reduction = _reduction(size_average, reduce, reduction)
    # (PyTorch broadcasts the two first: a 0-d target promotes as a full one)
    dt = D.promote_types(input.dtype, target.dtype)._np
    a, b = input._data.astype(dt, copy=False), target._data.astype(dt, copy=False)
    if a.dtype.kind in "biuc":      # (the kernel has float types only)
        raise kernel_refuses("mse_cpu", a.dtype)
    token = silence()       # (an overflow is inf, without NumPy's warning)
    try:
        d = a - b
        sq = d * d
        if reduction == "none":
            data = sq
        else:
            # Summed in PyTorch's order, so the loss has PyTorch's last digits.
            data = torch_sum(sq, None)
            if reduction == "mean":
                data = data / sq.dtype.type(max(sq.size, 1))
    finally:
        restore(token)
    if _tracked(input, target):
        return recorded(MseLossBackward0, data, (input, target), (reduction, max(sq.size, 1)))
    return wrap(np.asarray(data))


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    _check_broadcast(input, target)
    if weight is not None:
        reduction = _legacy_only(size_average, reduce, reduction)
        _check_weight_size(weight, input)
        return _weighted_reduction(_P.abs(input - target) * weight, weight, reduction)
    reduction = _reduction(size_average, reduce, reduction)
    if input._data.shape != target._data.shape:
        # (PyTorch broadcasts the two first: a 0-d target promotes as a full one)
        from ...ops.rearrange_grid import broadcast_tensors
        input, target = broadcast_tensors(input, target)
    loss = _P.abs(input - target)
    return loss if reduction == "none" else loss.mean() if reduction == "mean" else loss.sum()




def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    x, t = input._data, target._data
    # ATen's nll_loss_nd checks the batch size (and the target's size beyond
    # 4-d) before its kernels: _nll makes their checks, in their order.
    if x.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {x.ndim})")
    if x.ndim > 1 and (t.ndim == 0 or t.shape[0] != x.shape[0]):
        raise ValueError(f"Expected input batch_size ({x.shape[0]}) to match target "
                         f"batch_size ({t.shape[0] if t.ndim else 0}).")
    if x.ndim <= 2:
        return _nll(input, target, weight, ignore_index, reduction, NllLossBackward0)
    if x.ndim == 4:
        return _nll(input, target, weight, ignore_index, reduction, NllLoss2DBackward0)
    n, c = x.shape[:2]
    if t.shape[1:] != x.shape[2:]:
        raise RuntimeError(f"Expected target size {[n] + list(x.shape[2:])}, got "
                           f"{list(t.shape)}")
    # PyTorch flattens the spatial dims into a 4-D problem, and views the result back.
    dense = input.contiguous()
    flat = dense.view(n, c, 0, 0) if x.size == 0 else dense.view(n, c, 1, -1)
    flat_t = target.reshape(n, 0, 0) if t.size == 0 else target.reshape(n, 1, -1)
    out = _nll(flat, flat_t, weight, ignore_index, reduction, NllLoss2DBackward0)
    return out.view((n,) + x.shape[2:]) if reduction == "none" else out


def _nll_checks(input, target, weight, node):
    """The checks of ATen's nll_loss_forward / nll_loss2d_forward after its
    autograd layer's, in their order: the target's rank, its dtype, its
    shape against the input's, the weight's size."""
    x, t = input._data, target._data
    spatial = node is NllLoss2DBackward0
    if not spatial and t.ndim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if spatial and t.ndim != 3:
        raise RuntimeError("only batches of spatial targets supported (3D tensors) but got "
                           f"targets of dimension: {t.ndim}")
    if t.dtype not in (np.int64, np.uint8):
        raise RuntimeError("expected target dtype to be Long or Byte, but got "
                           + _type_name(target))
    if x.ndim == 1 and t.ndim == 1 and t.shape[0] != 1:
        raise ValueError("For 1D input, 1D target must have size 1, but got target size: "
                         f"{t.shape[0]}")
    if spatial and t.shape[1:] != x.shape[2:]:
        raise RuntimeError(f"size mismatch (got input: {list(x.shape)} , target: "
                           f"{list(t.shape)}")
    if weight is not None and (weight._data.size != x.shape[-1 if not spatial else 1]
                               or not spatial and weight._data.ndim != 1):
        raise RuntimeError(
            "weight tensor should be defined either for all or no classes" if spatial else
            f"weight tensor should be defined either for all {x.shape[-1]} classes or no "
            f"classes but got weight tensor of shape: {list(weight.shape)}")


def _nll(input, target, weight, ignore_index, reduction, node):
    """nll_loss of a 1-, 2- or 4-d input (recorded as `node`)."""
    check_not_differentiable("nll_loss_forward" if node is NllLossBackward0
                             else "nll_loss2d_forward", weight=weight)
    _nll_checks(input, target, weight, node)
    if input._data.dtype.kind in "biu":
        frame = "nll_loss_out_frame" if node is NllLossBackward0 else "nll_loss2d_forward_out_frame"
        raise NotImplementedError(f'"{frame}" not implemented for \'{_type_name(input)}\'')
    check_scalar_type(input, weight)
    x, t = input._data, target._data
    xs, ts = (x[None], t.reshape(1)) if x.ndim == 1 else (x, t)
    if x.dtype.kind == "c":
        raise kernel_refuses("nll_loss_out_frame" if node is NllLossBackward0
                             else "nll_loss2d_forward_out_frame", x.dtype)
    n_classes = xs.shape[1]
    lo, hi = (int(ts.min()), int(ts.max())) if ts.size else (0, -1)
    # (a target of ignore_index is no index: only the others are checked)
    every = not lo <= ignore_index <= hi
    if every:
        valid, safe = None, ts
    else:
        valid = ts != ignore_index
        every = bool(valid.all())
        safe = np.where(valid, ts, 0)
        if safe.size:
            lo, hi = int(safe.min()), int(safe.max())
    if lo < 0 or hi >= n_classes:
        bad = (safe < 0) | (safe >= n_classes)
        raise IndexError(f"Target {int(ts[bad].reshape(-1)[0])} is out of bounds.")
    if weight is not None:
        # (a typed 0: NumPy 1 has no bfloat16-int promotion)
        w = weight._data.astype(x.dtype)[safe]
        w = w if every else np.where(valid, w, x.dtype.type(0)).astype(x.dtype)
    else:
        w = None if every else valid.astype(x.dtype)    # (None: ones)
    if xs.ndim == 2:        # (a batch of rows: each row's target picked directly)
        at = (_row_numbers(xs.shape[0]), safe)
        picked = xs[at]
    else:
        xm = np.moveaxis(xs, 1, -1)
        picked = np.take_along_axis(xm, safe[..., None], -1)[..., 0]
    if reduction == "none":
        data = -picked if w is None else -picked * w
        data = data.reshape(t.shape) if x.ndim > 1 else data.reshape(())
        total = x.dtype.type(ts.size) if w is None else w.sum()
    elif is_meta(picked):       # (shapes only: nothing to add up)
        data = total = picked.sum()
    else:
        losses = (-picked if w is None else -picked * w).reshape(-1)
        kept = _row_numbers(ts.size) if every else np.flatnonzero(valid)
        data = cascade_sum(losses if every else losses[kept], kept)
        total = x.dtype.type(kept.size) if weight is None else \
            cascade_sum(w.reshape(-1)[kept], kept)
        if reduction == "mean":
            with np.errstate(invalid="ignore", divide="ignore"):
                data = x.dtype.type(data / total)
    if not _tracked(input):
        return wrap(np.asarray(data, x.dtype))
    # (the gradient's pattern, -weight at each target, kept for backward)
    minus_w = -1 if w is None else -w
    if xs.ndim == 2:
        coef = np.zeros(xs.shape, x.dtype)
        coef[at] = minus_w
        coef = coef.reshape(x.shape)
    else:
        coef = np.zeros_like(xm)
        np.put_along_axis(coef, safe[..., None], np.asarray(minus_w, x.dtype)[..., None], -1)
        coef = np.moveaxis(coef, -1, 1).reshape(x.shape)
    shape = np.shape(data)
    kept = shape[:1] + (1,) + shape[1:] if x.ndim > 1 else ()
    return keep_index(recorded(node, np.asarray(data, x.dtype), (input,),
                               (coef, reduction, total, kept, ignore_index, t,
                                None if weight is None else weight._data)), target, weight)


_ROWS = np.arange(256)


def _row_numbers(n):
    """0, 1, ..., n - 1 (a batch's row numbers: the small ones made once)."""
    return _ROWS[:n] if n <= 256 else np.arange(n)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    reduction = _reduction(size_average, reduce, reduction)
    if label_smoothing > 1.0:     # (PyTorch reads a negative one as none)
        raise RuntimeError("label_smoothing must be between 0.0 and 1.0. Got: "
                           f"{label_smoothing:g}")     # (as C++ prints a double)
    class_dim = 0 if input._data.ndim == 1 else 1
    probs = input._data.shape == target._data.shape
    if probs and not D.is_float_np(target._data.dtype):
        # (soft targets: ATen checks their dtype before anything is computed)
        raise RuntimeError("Expected floating point type for target with class "
                           "probabilities, got " + _type_name(target))
    if probs and ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    logp = log_softmax(input, class_dim)
    n_classes = input._data.shape[class_dim]
    w = None
    if weight is not None:
        if probs and (weight._data.ndim != 1 or weight._data.size != n_classes):
            # (class indices leave the weight to nll_loss's checks, in their order)
            raise RuntimeError(f"cross_entropy: weight tensor should be "
                               f"defined either for all {n_classes} classes or no classes but "
                               f"got weight tensor of shape: {list(weight.shape)}")
    shape = [1] * input._data.ndim     # (the weight's shape against the input's)
    shape[class_dim] = n_classes
    if probs and weight is not None:
        w = weight.reshape(shape)
    if probs:
        # Class probabilities as target.
        if label_smoothing > 0:
            target = target * (1 - label_smoothing) + label_smoothing / n_classes
        prod = logp * target if w is None else logp * target * w
        if reduction == "none":
            return -prod.sum(class_dim)
        if reduction == "sum":
            return -prod.sum()
        s = -prod.sum()
        return div_scalar(s, input._data.size / n_classes)
    nll = nll_loss(logp, target, weight, None, ignore_index, None, reduction)
    if label_smoothing <= 0:
        return nll
    if weight is not None:      # (nll_loss has checked its size)
        w = weight.reshape(shape)
    smooth = -(logp.sum(class_dim) if w is None else (logp * w).sum(class_dim))
    keep = target._data != ignore_index
    smooth = smooth * wrap(keep.astype(smooth._data.dtype))
    if reduction == "mean":
        if weight is not None:
            ret = smooth.sum() / wrap(weight._data[target._data[keep]].sum())
        else:
            ret = smooth.sum() / wrap(np.asarray(keep.sum()))
    elif reduction == "sum":
        ret = smooth.sum()
    else:
        ret = smooth
    return (1 - label_smoothing) * nll + ret * (label_smoothing / n_classes)


# (the losses of autocast's float32 list run in float32 under autocast)
_autocast.hook_all(globals(), __all__)
from . import loss_extra as _extra  # noqa: E402 (it uses _reduction and l1_loss)
from .loss_extra import *  # noqa: E402,F401,F403

__all__ += _extra.__all__
