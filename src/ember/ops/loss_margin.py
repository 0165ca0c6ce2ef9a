"""The multi-class margin losses, one node each as in PyTorch:
multi_margin_loss and multilabel_margin_loss. Both work on a (frames,
classes) view of the input, all frames and classes at once."""
from .._backend import np

from .. import _dtype as D
from ._common import keep_index, recorded
from ._registry import grad_fn
from .loss import (check_not_differentiable, check_scalar_type, const, norm, reduce,
                   refuse_dtype)

__all__ = []


def _frames(x):
    """(frames, classes) of a 0-, 1- or 2-d input, or None for another rank."""
    if x.ndim == 0:
        return 1, 1
    if x.ndim == 1:
        return 1, x.shape[0]
    if x.ndim == 2:
        return x.shape
    return None


def _nonempty_error(x):
    return RuntimeError("Expected non-empty vector or matrix with optional 0-dim batch size, "
                        f"but got: {list(x.shape)}")


def _long_target(target):
    if target._data.dtype != np.int64:
        raise RuntimeError(f"expected scalar type Long but found {D.SCALAR_NAMES[target.dtype]}")


def _per_frame(xp, g, reduction, frames, shape):
    """The incoming gradient as a (frames, 1) column, scaled for 'mean'."""
    if reduction == "none" and frames:
        return xp.reshape(g, (frames, 1))
    return g * norm(reduction, frames)


def _out_shape(loss, reduction, target_ndim):
    """'none' keeps a frame axis only where the target has one."""
    if reduction != "none":
        return reduce(loss, reduction)
    return loss if target_ndim > 0 else loss.reshape(())


# -- multi_margin_loss ---------------------------------------------------------------------
def _mm_self(xp, g, self, onehot, active, wy, p, margin, reduction, shape):
    frames, classes = shape
    x = xp.reshape(self, shape)
    if p == 1:
        d = const(xp, active * wy) / classes
    else:
        z = margin - xp.sum(x * const(xp, onehot), (1,), True) + x
        d = 2.0 * z * const(xp, active * wy) / classes
    d = d - const(xp, onehot) * xp.sum(d, (1,), True)
    return xp.reshape(d * _per_frame(xp, g, reduction, frames, shape), self.shape)


MultiMarginLossBackward0 = grad_fn("MultiMarginLossBackward0", self=_mm_self)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, reduction="mean"):
    x, t = input._data, target._data
    shape = _frames(x)
    if shape is None or x.size == 0 and x.ndim != 2:
        raise _nonempty_error(x)
    frames, classes = shape
    if t.ndim > 1 or t.size != frames:
        raise RuntimeError(
            "multi_margin_loss: target tensor should be 1-D with size equal to the number of "
            f"input samples (batch size). Expected target size [{frames}], but got "
            f"{list(t.shape)}. Input has shape {list(x.shape)}.")
    if weight is not None and (weight._data.ndim > 1 or weight._data.size != classes):
        raise RuntimeError(f"inconsistent weight size, expected {classes} but got "
                           f"{list(weight.shape)}")
    if x.dtype.kind in "biu":
        raise NotImplementedError('"multi_margin_loss_cpu_kernel" not implemented for '
                                  f"'{D.SCALAR_NAMES[input.dtype]}'")
    _long_target(target)
    check_scalar_type(input, weight)
    check_not_differentiable("multi_margin_loss", weight=weight)
    refuse_dtype("multi_margin_loss_cpu_kernel", x, halves=False)
    y = t.reshape(frames)
    if ((y < 0) | (y >= classes)).any():
        raise RuntimeError("target out of range")
    x2 = x.reshape(shape)
    onehot = np.zeros(shape, x.dtype)
    onehot[np.arange(frames), y] = 1
    z = margin - x2[np.arange(frames), y][:, None] + x2
    active = ((z > 0) & (onehot == 0)).astype(x.dtype)
    wy = np.ones((frames, 1), x.dtype) if weight is None else \
        weight._data.reshape(-1)[y][:, None].astype(x.dtype)
    h = z * active if p == 1 else z * z * active
    loss = (h * wy).sum(1) / x.dtype.type(classes)
    data = _out_shape(loss, reduction, t.ndim)
    return keep_index(recorded(MultiMarginLossBackward0, data, (input,),
                               (onehot, active, wy, p, float(margin), reduction, shape)),
                      target, weight)


# -- multilabel_margin_loss ------------------------------------------------------------------
def _mlm_self(xp, g, self, slope, reduction, shape):
    # (piecewise linear: the slope of each input is fixed by the forward)
    frames = shape[0]
    return xp.reshape(const(xp, slope) * _per_frame(xp, g, reduction, frames, shape),
                      self.shape)


MultilabelMarginLossBackward0 = grad_fn("MultilabelMarginLossBackward0", self=_mlm_self)


def multilabel_margin_loss(input, target, reduction="mean"):
    x, t = input._data, target._data
    shape = _frames(x)
    if shape is None or x.ndim and x.shape[-1] == 0:
        raise _nonempty_error(x)
    frames, classes = shape
    if (t.ndim > 1 or t.size != classes) if x.ndim <= 1 else (t.shape != tuple(shape)):
        raise RuntimeError(f"inconsistent target size: {list(t.shape)} for input of size: "
                           f"{list(x.shape)}")
    _long_target(target)
    refuse_dtype("multilabel_margin_loss_forward_out_frame", x, halves=False)
    if ((t < -1) | (t >= classes)).any():
        raise RuntimeError("argument #2 'target' is out of range")
    x2, t2 = x.reshape(shape), t.reshape(shape)
    # The labels count up to each row's first -1; a repeated label counts twice.
    listed = np.cumprod(t2 != -1, axis=1).astype(bool)
    k = int(listed.sum(1).max()) if frames else 0
    listed, labels = listed[:, :k], np.where(listed, t2, 0)[:, :k]
    rows = np.arange(frames)[:, None]
    others = np.ones(shape, bool)
    others[np.broadcast_to(rows, labels.shape)[listed], labels[listed]] = False
    z = 1 - x2[rows, labels][:, :, None] + x2[:, None, :]      # [n, k, i] = 1 - x_label + x_i
    live = (z > 0) & others[:, None, :] & listed[:, :, None]
    loss = np.where(live, z, 0).sum((1, 2)) / x.dtype.type(classes)
    slope = live.sum(1).astype(x.dtype)
    np.add.at(slope, (np.broadcast_to(rows, labels.shape), labels), -live.sum(2))
    slope /= x.dtype.type(classes)
    data = _out_shape(loss, reduction, x.ndim - 1)
    return keep_index(recorded(MultilabelMarginLossBackward0, data, (input,),
                               (slope, reduction, shape)), target)
