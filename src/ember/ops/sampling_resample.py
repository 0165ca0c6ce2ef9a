"""Separable resampling: the one machine under reflection and replication
padding and every interpolation mode of F.interpolate.

Each of those ops maps input to output one spatial axis at a time: output
position j along an axis is a weighted sum of K input positions,
sum_k w[k, j] * x[idx[k, j]] (K = 1 for nearest and padding, 2 for linear,
4 for cubic, more with antialiasing). A *plan* is the tuple of such axis
steps, ((axis, idx, w or None, n_in, runs, dense matrix or None), ...),
computed once per call from the sizes. The forward gathers along each axis
in turn; the backward is the adjoint, a weighted scatter-add per axis in
reverse order (a BLAS product for small axes, np.add.reduceat over runs of
equal positions otherwise). Both are linear in their argument, so each is the other's
derivative and double backward costs nothing more: the node pair
(`XBackward0`, `XBackwardBackward0`, as PyTorch names them) is made once.
"""
from .. import _meta
from .._layout import in_input_format
from .._backend import quiet_call
from ._common import D, np, recorded
from ._registry import grad_fn
from ._xp import provide

__all__ = ["resample", "resample_adjoint", "resample_nodes", "gather", "scatter"]


# Below this many matrix entries (m * n) an axis step runs as one BLAS
# product with its dense (m, n) matrix of weights, which beats any gather
# or scatter on small images; NaN and inf would leak through its zeros
# (0 * inf), so arrays holding them take the gather/scatter path.
DENSE_LIMIT = 1 << 14


def _dense_ok(x, step):
    return step[5] is not None and x.dtype.kind == "f" and x.size and np.isfinite(x).all()


def _apply_dense(x, axis, matrix):
    """x with its `axis` (length matrix.shape[1]) mapped through matrix (rows: new length)."""
    a, n = x.shape[:axis], x.shape[axis]
    if axis == x.ndim - 1:
        out = x.reshape(-1, n) @ matrix.T.astype(x.dtype, copy=False)
        return out.reshape(a + (matrix.shape[0],))
    b = x.shape[axis + 1:]
    x3 = x.reshape(int(np.prod(a, dtype=np.int64)), n, -1)
    out = np.matmul(matrix.astype(x.dtype, copy=False), x3)
    return out.reshape(a + (matrix.shape[0],) + b)


def gather(x, plan):
    """The plan applied to array `x` (forward)."""
    for step in plan:
        axis, idx, w = step[:3]
        if w is None or _meta.is_meta(x):
            # one tap, weight 1: a plain take is the fastest (and a meta
            # input's result is its shape alone, whatever the weights)
            x = np.take(x, idx[0], axis=axis)
            continue
        if _dense_ok(x, step):
            x = _apply_dense(x, axis, step[5])
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
    value is sent back, times its weight, to the input positions it read.
    Per tap, the outputs are put in order of the position they read
    (precomputed), and each run reading one position is summed by
    np.add.reduceat, along the axis, without a Python loop over rows."""
    for step in reversed(plan):
        axis, idx, w, n, runs, matrix = step
        if _dense_ok(g, step):
            g = _apply_dense(g, axis, matrix.T)
            continue
        shape = list(g.shape)
        shape[axis] = n
        out = None
        bshape = (-1,) + (1,) * (g.ndim - axis - 1)
        lead = (slice(None),) * axis
        for k, (order, starts, uniq) in enumerate(runs):
            vals = g if w is None else g * w[k].reshape(bshape)
            if order is not None:
                vals = np.take(vals, order, axis=axis)
            sums = np.add.reduceat(vals, starts, axis=axis) if len(starts) != idx.shape[1] \
                else vals
            if uniq is None and out is None:
                out = np.array(sums, copy=True) if sums is g else sums
                continue
            if out is None:
                out = np.zeros(shape, g.dtype)
            out[lead + (slice(None) if uniq is None else uniq,)] += sums
        g = out if out is not None else np.zeros(shape, g.dtype)
    return _meta.ascontiguousarray(g)


def _in_float32(fn, x, plan):
    """Half precision is computed in float32 and rounded once, as PyTorch's
    opmath does (a plain take needs no arithmetic; its adjoint sums).
    (Silenced: an infinity times a zero weight is NaN, without a warning.)"""
    if x.dtype in D.HALF_NP and (
            fn is scatter or any(s[2] is not None for s in plan)):
        return quiet_call(fn, x.astype(np.float32), plan).astype(x.dtype)
    return quiet_call(fn, x, plan)


def resample(x, plan, node):
    """Tensor `x` resampled by `plan`, recorded as `node` (from resample_nodes)."""
    # (in the input's memory format, as PyTorch's upsample kernels allocate it)
    return recorded(node, in_input_format(_in_float32(gather, x._data, plan), x._data), (x,),
                    (plan, node._pair))


def resample_adjoint(g, plan, node):
    return recorded(node, in_input_format(_in_float32(scatter, g._data, plan), g._data), (g,),
                    (plan, node._pair))


provide("resample", lambda x, plan, node: _in_float32(gather, x, plan), resample)
provide("resample_adjoint", lambda g, plan, node: _in_float32(scatter, g, plan),
        resample_adjoint)


def resample_nodes(name):
    """The node of the op PyTorch calls `name` and the node of its backward,
    each the other's derivative."""
    forward = grad_fn(name, self=lambda xp, g, plan, pair: xp.resample_adjoint(g, plan, pair))
    backward = grad_fn(name.replace("Backward0", "BackwardBackward0"),
                       grad_output=lambda xp, g, plan, pair: xp.resample(g, plan, pair))
    forward._pair, backward._pair = backward, forward
    return forward


def _runs(positions, n):
    """How tap positions group for the scatter: the order that sorts them
    (None if sorted), where each run of one position starts, and the
    positions of the runs (None when they are 0..n-1, every position once)."""
    order = np.argsort(positions, kind="stable")
    if np.array_equal(order, np.arange(len(positions))):
        order = None
    s = positions if order is None else positions[order]
    starts = np.flatnonzero(np.concatenate([[True], s[1:] != s[:-1]]))
    uniq = s[starts]
    if len(uniq) == n and np.array_equal(uniq, np.arange(n)):
        uniq = None
    return order, starts, uniq


def axis_step(axis, idx, w, n):
    """One step of a plan: idx (K, m) int64, w (K, m) or None, n input positions."""
    idx = np.asanyarray(idx, dtype=np.int64)
    if idx.ndim == 1:
        idx = idx[None]
    m = idx.shape[1]
    matrix = None
    if m * n <= DENSE_LIMIT:
        matrix = np.zeros((m, n), np.float64 if w is None else w.dtype)
        rows = np.arange(m)
        for k in range(idx.shape[0]):
            np.add.at(matrix, (rows, idx[k]), 1 if w is None else w[k])
    return (axis, idx, w, n, tuple(_runs(row, n) for row in idx), matrix)
