"""Separable resampling: the one machine under reflection and replication
padding and every interpolation mode of F.interpolate.

Each of those ops maps input to output one spatial axis at a time: output
position j along an axis is a weighted sum of K input positions,
sum_k w[k, j] * x[idx[k, j]] (K = 1 for nearest and padding, 2 for linear,
4 for cubic, more with antialiasing). A *plan* is the tuple of such axis
steps, ((axis, idx, w or None, n_in), ...), computed once per call from the
sizes. The forward gathers along each axis in turn; the backward is the
adjoint, a weighted scatter-add per axis (np.bincount over flat indices)
in reverse order. Both are linear in their argument, so each is the other's
derivative and double backward costs nothing more: the node pair
(`XBackward0`, `XBackwardBackward0`, as PyTorch names them) is made once.
"""
from ._common import np, recorded
from ._registry import grad_fn
from ._xp import provide

__all__ = ["resample", "resample_adjoint", "resample_nodes", "gather", "scatter"]


def gather(x, plan):
    """The plan applied to array `x` (forward)."""
    for axis, idx, w, _ in plan:
        if w is None:
            x = np.take(x, idx[0], axis=axis)
            continue
        shape = (-1,) + (1,) * (x.ndim - axis - 1)
        out = None
        for k in range(idx.shape[0]):
            term = np.take(x, idx[k], axis=axis) * w[k].reshape(shape)
            out = term if out is None else out + term
        x = out
    return x


def scatter(g, plan):
    """The adjoint of the plan applied to array `g` (backward): each output
    value is sent back, times its weight, to the input positions it read."""
    for axis, idx, w, n in reversed(plan):
        m = idx.shape[1]
        moved = np.moveaxis(g, axis, -1)
        lead = moved.shape[:-1]
        rows = int(np.prod(lead, dtype=np.int64))
        flat = moved.reshape(rows, m)
        base = (np.arange(rows, dtype=np.int64) * n)[:, None, None]
        where = (base + idx[None, :, :]).reshape(-1)            # (rows, K, m)
        if w is None:
            vals = np.broadcast_to(flat[:, None, :], (rows, idx.shape[0], m))
        else:
            vals = flat[:, None, :] * w[None, :, :]
        out = np.bincount(where, weights=vals.reshape(-1), minlength=rows * n)
        g = np.moveaxis(out.astype(g.dtype, copy=False).reshape(lead + (n,)), -1, axis)
    return np.ascontiguousarray(g)


def resample(x, plan, node):
    """Tensor `x` resampled by `plan`, recorded as `node` (from resample_nodes)."""
    return recorded(node, gather(x._data, plan), (x,), (plan, node._pair))


def resample_adjoint(g, plan, node):
    return recorded(node, scatter(g._data, plan), (g,), (plan, node._pair))


provide("resample", lambda x, plan, node: gather(x, plan), resample)
provide("resample_adjoint", lambda g, plan, node: scatter(g, plan), resample_adjoint)


def resample_nodes(name):
    """The node of the op PyTorch calls `name` and the node of its backward,
    each the other's derivative."""
    forward = grad_fn(name, self=lambda xp, g, plan, pair: xp.resample_adjoint(g, plan, pair))
    backward = grad_fn(name.replace("Backward0", "BackwardBackward0"),
                       grad_output=lambda xp, g, plan, pair: xp.resample(g, plan, pair))
    forward._pair, backward._pair = backward, forward
    return forward


def axis_step(axis, idx, w, n):
    """One step of a plan: idx (K, m) int64, w (K, m) or None."""
    idx = np.asarray(idx, dtype=np.int64)
    if idx.ndim == 1:
        idx = idx[None]
    return (axis, idx, w, n)
