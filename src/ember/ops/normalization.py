"""Normalisation ops of the torch namespace: batch_norm, layer_norm and
group_norm record one node each (PyTorch's Native*Backward0, with the
closed-form gradients); instance_norm is batch_norm over a (1, N*C, ...)
view and rms_norm is composed of pointwise ops, as PyTorch builds them.
Dropout ops: normalization_dropout.py.

Each backward formula has two faces, chosen by `xp.recording`: on arrays it
reuses the statistics saved by the forward; on Tensors (create_graph=True)
it recomputes them from the input with recorded ops, so that the gradient is
itself differentiable in the input, the weight and the incoming gradient."""
from .._python_data import _tname
from .. import _meta
import math

from .. import _layout as _L
from .. import _dtype as D
from .._fma import _fma32, _fma32_blocks, _fma64
from . import _bn_rows
from ._bn_half import bn_half_stats as _bn_half_stats
from ._common import np, recorded, wrap, tracked
from ._registry import grad_fn, register, tensor_field
from ..autograd._saved_fields import constant

__all__ = []


def _const(xp, a):
    return wrap(np.asanyarray(a)) if xp.recording else a


def _other_axes(ndim):
    """Every axis but the channel axis (1): what batch norm reduces over."""
    return (0,) + tuple(range(2, ndim))


def _channel_shape(ndim, c):
    return (1, c) + (1,) * (ndim - 2)


def _normalized_grad(xp, gs, x, axes, eps, mean=None, rstd=None):
    """The gradient through (x - mean) * rstd over `axes` (mean and variance
    taken there) for the incoming gradient `gs`. Without `mean`/`rstd` both
    are recomputed from `x`, so the result is differentiable in `x` again."""
    if mean is None:
        mean = xp.mean_keep(x, axes)
        xc = x - mean
        rstd = (xp.mean_keep(xc * xc, axes) + eps) ** -0.5
    else:
        xc = x - mean
    xhat = xc * rstd
    return rstd * (gs - xp.mean_keep(gs, axes) - xhat * xp.mean_keep(gs * xhat, axes))


# -- batch_norm -------------------------------------------------------------------
def _bn_invstd(rv, eps):
    # (eval mode: PyTorch takes 1 / sqrt(var + eps) in the input's precision)
    return 1 / np.sqrt(rv + rv.dtype.type(eps))


def _plane_sum(a3):
    """Per-channel sum of (N, C, S) `a3`: a vector sum per (sample, channel)
    plane, the planes added in double (the order of PyTorch's kernels); for
    small planes one float reduction over the samples."""
    n, c, s = a3.shape
    if s >= 16:
        return np.matmul(a3, np.ones(s, a3.dtype)).sum(axis=0, dtype=np.float64)
    if s == 1:
        return np.matmul(np.ones(n, a3.dtype), a3.reshape(n, c)).astype(np.float64)
    return np.einsum("ncs->c", a3).astype(np.float64)


def _plane_dot(a3, b3):
    """Per-channel sum of a3 * b3, as _plane_sum (a BLAS dot per plane)."""
    if a3.shape[2] >= 16:
        return np.matmul(a3[:, :, None, :], b3[:, :, :, None])[:, :, 0, 0] \
            .sum(axis=0, dtype=np.float64)
    return np.einsum("ncs,ncs->c", a3, b3).astype(np.float64)


# Above this many elements the fused multiply-adds of PyTorch's kernels are
# rounded twice (product, then sum): the exact emulation costs about as much
# again as the rest of a big batch norm's forward and backward.
_FUSED_MAX = 1 << 20


def _fused(x, a, b):
    """x * a + b rounded once, as PyTorch's contracted kernels (float32 and
    float64; see _FUSED_MAX)."""
    if x.size > _FUSED_MAX:
        out = np.multiply(x, a)
        out += b
        return out
    return _fma32_blocks(x, a, b) if x.dtype == np.float32 else _fma64(x, a, b).astype(x.dtype)


def _lanes_total(acc):
    """An 8-lane float32 accumulator's total, as PyTorch's AVX2 vec_reduce_all
    adds it: lanes 4 apart, then 2, then 1."""
    for step in (4, 2, 1):
        acc = acc + acc[:, np.arange(8) ^ step]
    return acc[:, 0]


def _vec_sums(planes, other=None):
    """Each row's sum (or its dot product with `other`'s row), as PyTorch's
    vec::reduce_all (map2_reduce_all) adds a float32 plane in batch norm's
    backward: 8 lanes, vector after vector, the partial tail fused (its
    multiply-add contracted), then the lanes; under 8 values, in sequence."""
    terms = planes if other is None else planes * other
    p, size = terms.shape
    if size < 8:
        return np.add.accumulate(terms, axis=1)[:, -1]
    whole = size - size % 8
    # (vector by vector: NumPy's reduce along an outer axis adds in sequence)
    acc = np.add.reduce(_meta.ascontiguousarray(terms[:, :whole].reshape(p, -1, 8)
                                             .transpose(1, 0, 2)), axis=0)
    if whole < size:
        t = size - whole
        acc[:, :t] = acc[:, :t] + terms[:, whole:] if other is None else \
            _fma32(planes[:, whole:], other[:, whole:], acc[:, :t])
    return _lanes_total(acc)


def _planes_total(per_plane, n, c):
    """(n * c) plane totals added over the batch in double, in sequence."""
    return np.add.accumulate(per_plane.reshape(n, c).astype(np.float64), axis=0)[-1]


class _Layout:
    """An (N, C, ...) array seen for per-channel arithmetic. NumPy multiplies
    by a contiguous row at the speed of a scalar, but by a (C, 1) column at
    two thirds of it: with enough samples, a per-channel vector is laid out
    along one sample's C*S elements (`row`) and the data seen as (N, C*S)."""
    __slots__ = ("shape3", "flat", "s")

    def __init__(self, shape):
        n, c = shape[0], shape[1]
        self.s = s = math.prod(shape[2:])
        self.shape3 = (n, c, s)
        self.flat = (n, c * s) if s == 1 or n >= 4 else self.shape3

    def row(self, v):
        if self.s == 1:
            return v
        return np.repeat(v, self.s) if len(self.flat) == 2 else v[:, None]


def _bn_stats(x3, xf, lay, count):
    """Mean, centred input and sum of squares of training-mode batch norm, in
    the order of PyTorch's kernels: planes of several values sum in double
    (float32's squares rounded first); one value per channel (BatchNorm1d,
    N x C x 1 x 1) as its kernel for rows of channels (_bn_rows.py)."""
    dt = x3.dtype
    if lay.s != 1 or dt not in (np.float32, np.float64):
        mean = (np.einsum("ncs->c", x3, dtype=np.float64) / count).astype(dt)
        dev = np.subtract(xf, lay.row(mean))
        d3 = dev.reshape(lay.shape3)
        squares = _plane_dot(d3, d3) if dt != np.float32 else \
            np.einsum("ncs->c", d3 * d3, dtype=np.float64)
        return mean, dev, squares.astype(dt)
    rows = x3.reshape(x3.shape[0], x3.shape[1])
    return _bn_rows.stats(rows, lambda mean: np.subtract(xf, mean))


def _bn_forward(x, w, b, rm, rv, training, momentum, eps, keep, stats_dtype=None):
    """Output, saved mean and saved invstd (empty in eval mode) of batch norm,
    and (training, when `keep`) the centred input for the backward pass;
    running stats updated in place (the unbiased variance, as PyTorch).
    With `stats_dtype`, the saved mean and invstd are stored in it (a half
    type) and the output normalised with those, as ATen's kernel does."""
    dt = x.dtype
    lay = _Layout(x.shape)
    x3, xf = x.reshape(lay.shape3), x.reshape(lay.flat)
    count = x3.shape[0] * x3.shape[2]
    dev = None
    with np.errstate(all="ignore"):
        if training and stats_dtype is not None:
            mean, dev, var_sum = _bn_stats(x3, xf, lay, count)
            mean, invstd = _bn_half_stats(mean, var_sum, count, rm, rv, momentum, eps,
                                          stats_dtype)
            use_mean, alpha = mean.astype(dt), invstd.astype(dt)
        elif training:
            mean, dev, var_sum = _bn_stats(x3, xf, lay, count)
            var = var_sum / dt.type(count)
            invstd = np.where(var + eps == 0, 0, 1 / np.sqrt(var.astype(np.float64) + eps)) \
                .astype(dt)
            m = dt.type(momentum)
            if rm is not None:
                rm._data[...] = m * mean + dt.type(1 - momentum) * rm._data.astype(dt)
                rm._bump()
            if rv is not None:
                unbiased = var_sum / dt.type(count - 1)
                # (PyTorch's kernel fuses this multiply-add: one rounding)
                # (the product in float64 whatever NumPy's casting rules:
                # NumPy 1.x keeps float32 for a float64 scalar times a float32 array)
                rv._data[...] = (unbiased.astype(np.float64) * float(m)
                                 + (dt.type(1 - momentum) * rv._data.astype(dt))).astype(dt)
                rv._bump()
            use_mean, alpha = mean, invstd
        else:
            mean = invstd = np.empty(0, dt if stats_dtype is None else stats_dtype)
            use_mean = rm._data.astype(dt)
            alpha = _bn_invstd(rv._data.astype(dt), eps)
        if w is not None:
            alpha = alpha * w._data.astype(dt, copy=False)
        # PyTorch's kernel (both modes) forms beta = bias - mean * alpha and
        # the output x * alpha + beta, each a fused multiply-add (one rounding)
        fma = _fma32 if dt == np.float32 else _fma64
        beta = fma(-use_mean, alpha,
                   0.0 if b is None else b._data.astype(dt, copy=False)).astype(dt)
        out = _fused(xf, lay.row(alpha), lay.row(beta))
    return out.reshape(x.shape), mean, invstd, (dev if keep else None)


def _bn_input_grad(xp, g, input, weight, running_mean, running_var, save_mean, save_invstd,
                   training, eps):
    c = input.shape[1]
    shape = _channel_shape(input.ndim, c)
    w = 1 if weight is None else xp.reshape(weight, shape)
    if not training:
        inv = _const(xp, _bn_invstd(running_var, eps).reshape(shape))
        return g * (w * inv)
    axes = _other_axes(input.ndim)
    if xp.recording:
        return _normalized_grad(xp, g * w, input, axes, eps)
    return _normalized_grad(xp, g * w, input, axes, eps, save_mean.reshape(shape),
                            save_invstd.reshape(shape))


def _bn_xhat(xp, input, running_mean, running_var, save_mean, save_invstd, training, eps):
    shape = _channel_shape(input.ndim, input.shape[1])
    axes = _other_axes(input.ndim)
    if training and xp.recording:
        mean = xp.mean_keep(input, axes)
        xc = input - mean
        return xc * (xp.mean_keep(xc * xc, axes) + eps) ** -0.5
    if training:
        mean, inv = save_mean, save_invstd
    else:
        mean, inv = running_mean, _bn_invstd(running_var, eps)
    return (input - _const(xp, mean.reshape(shape))) * _const(xp, inv.reshape(shape))


def _bn_weight_grad(xp, g, input, weight, running_mean, running_var, save_mean, save_invstd,
                    training, eps):
    xhat = _bn_xhat(xp, input, running_mean, running_var, save_mean, save_invstd, training, eps)
    return xp.sum(g * xhat, _other_axes(g.ndim))


# (PyTorch's one formula for the three reads the input and the weight, so
# both are saved whichever of the three requires grad)
def _batch_stat(node, name):
    """save_mean or save_invstd as PyTorch's node shows them: empty outside training."""
    stat = constant(node, name)
    return stat if constant(node, "training") else stat[:0]


# (running_mean and running_var: the buffers themselves, which PyTorch's
# node shows, updated; result1 and result2 are empty outside training)
_BatchNormFormulas = grad_fn(
    "NativeBatchNormBackward0",
    saved={"eps": "eps", "result1": tensor_field(lambda node: _batch_stat(node, "save_mean")),
           "result2": tensor_field(lambda node: _batch_stat(node, "save_invstd")),
           "running_mean": tensor_field(("buffers", lambda b: b[0])),
           "running_var": tensor_field(("buffers", lambda b: b[1])), "training": "training"},
    input=_bn_input_grad,
    weight=_bn_weight_grad,
    bias=lambda xp, g, input, weight, *rest: xp.sum(g, _other_axes(g.ndim)))


class NativeBatchNormBackward0(_BatchNormFormulas):
    """On arrays the three gradients share their per-channel sums, and reuse
    the centred input the forward pass kept (`_centered`)."""
    __slots__ = ()

    def apply(self, xp, grad, create_graph, needs):
        if create_graph:
            return super().apply(xp, grad, create_graph, needs)
        x, w, rm, rv, mean, invstd, training, eps = self._unpack(False)[:8]
        centered = self.__dict__.pop("_centered", None)
        if x.dtype in D.HALF_NP:      # (computed in float32: see batch_norm)
            if mean.dtype in D.HALF_NP:
                # (the kernel centres x on the saved mean, rounded to the half type)
                centered = None
            grad, x, mean, invstd = (a.astype(np.float32) for a in (grad, x, mean, invstd))
            w, rm, rv = (None if a is None else a.astype(np.float32) for a in (w, rm, rv))
        # The kept centred input becomes the input's gradient (one array
        # fewer); a second backward (retain_graph) recomputes it from x.
        with np.errstate(all="ignore"):
            return _bn_backward(grad, x, w, rm, rv, mean, invstd, training, eps, needs, centered)

    def _release(self):
        super()._release()
        self.__dict__.pop("_centered", None)


def _bn_backward(g, x, w, rm, rv, mean, invstd, training, eps, needs, dev):
    dt = g.dtype
    lay = _Layout(g.shape)
    g3, gf = g.reshape(lay.shape3), g.reshape(lay.flat)
    count = g3.shape[0] * g3.shape[2]
    n, c, size = lay.shape3
    by_rows = size == 1 and dt in (np.float32, np.float64)
    exact = by_rows or (dt == np.float32 and size > 1 and n * c > 0)
    if not training:
        # (the kernel for rows of channels adds eps to the variance in double)
        mean, invstd = rm.astype(dt), (1 / np.sqrt(rv.astype(np.float64) + eps)).astype(dt) \
            if by_rows else _bn_invstd(rv.astype(dt), eps)
    dx = dw = db = dotp = None
    if by_rows:
        if dev is None:
            dev = np.subtract(x.reshape(lay.flat), mean)
        grad_sum, dotp = _bn_rows.grad_sums(gf, dev)
    else:
        grad_sum = _planes_total(_vec_sums(g3.reshape(-1, size)), n, c) if exact \
            else _plane_sum(g3)
    if not by_rows and (needs[1] or (needs[0] and training)):
        if dev is None:
            dev = np.subtract(x.reshape(lay.flat), lay.row(mean))
        dotp = _planes_total(_vec_sums(dev.reshape(-1, size), g3.reshape(-1, size)), n, c) \
            if exact else _plane_dot(dev.reshape(lay.shape3), g3)
    scale = invstd if w is None else invstd * w
    if needs[0]:
        if training and by_rows:
            # (g - mean(g) - xc * k) * invstd * w: the kernel's whole vectors
            # (32 bytes) contract xc * k into a fused multiply-add, its tail not
            k = dotp * invstd * invstd / dt.type(count)
            dx = np.subtract(gf, grad_sum / dt.type(count))
            whole = c - c % (32 // dt.itemsize)
            if whole:
                dx[:, :whole] = _fused(-dev[:, :whole], k[:whole], dx[:, :whole])
            dx[:, whole:] -= dev[:, whole:] * k[whole:]
            dx *= invstd
            if w is not None:
                dx *= w
        elif by_rows:
            dx = gf * invstd
            if w is not None:
                dx *= w
        elif training and exact:
            # fma(-xc, k, g - mean(g)) * invstd * w, as PyTorch's kernel
            k = dotp.astype(dt) * invstd * invstd / dt.type(count)
            dx = _fused(-dev, lay.row(k), gf - lay.row((grad_sum / count).astype(dt)))
            dx *= lay.row(invstd)
            if w is not None:
                dx *= lay.row(w)
        elif training:
            # (g - mean(g) - xc * k) * invstd * w, as PyTorch's kernel
            k = dotp.astype(dt) * invstd * invstd / dt.type(count)
            dx = np.multiply(dev, lay.row(k), out=dev)
            dx += lay.row((grad_sum / count).astype(dt))
            np.subtract(gf, dx, out=dx)
            dx *= lay.row(scale)
        else:
            dx = gf * lay.row(scale)
        dx = dx.reshape(g.shape)
    if needs[1]:
        dw = (dotp * invstd).astype(dt)
    if needs[2]:
        db = grad_sum.astype(dt)
    return dx, dw, db


def _check_features(name, t, c):
    if t is not None and t._data.size != c:
        raise RuntimeError(f"{name} should contain {c} elements not {t._data.size}")


def _same_dtype(input, *others):
    """PyTorch's CPU kernels take parameters of the input's dtype only."""
    dt = input._data.dtype
    for t in others:
        if t is not None and t._data.dtype != dt:
            raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")


def _mixed_type(x, params):
    """ATen's CPU rule for the norms' dtypes: parameters (and statistics)
    whose first differs from the input's dtype are "mixed", allowed only as
    float32 ones with a float16 or bfloat16 input; otherwise each must have
    the input's dtype, which its kernel reads them as. Whether the kernel
    computes in float32: a float16 or bfloat16 input with float32
    parameters, or none."""
    first = next((t for t in params if t is not None), None)
    if first is None or first._data.dtype == x.dtype:
        for t in params:
            if t is not None and t._data.dtype != x.dtype:
                raise RuntimeError(f"expected scalar type {_scalar_name(x.dtype)} but found "
                                   f"{_scalar_name(t._data.dtype)}")
        return first is None and x.dtype.itemsize == 2
    if any(t is not None and t._data.dtype != np.float32 for t in params):
        raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
    if x.dtype.itemsize != 2:
        raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")
    return True


def _scalar_name(np_dtype):
    return D.SCALAR_NAMES[D._BY_NP[np.dtype(np_dtype)]]


def _float_check(input, op):
    if not D.is_float_np(input._data.dtype):
        raise NotImplementedError(f'"{op}" not implemented for '
                                  f"'{D.SCALAR_NAMES[input.dtype]}'")


def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps,
               cudnn_enabled):
    return batch_norm_stats(input, weight, bias, running_mean, running_var, training, momentum,
                            eps)[0]


def batch_norm_stats(input, weight, bias, running_mean, running_var, training, momentum, eps):
    """batch_norm's output with its saved mean and invstd (arrays; empty
    in eval mode), which native_batch_norm returns too."""
    x = input._data
    # (ATen counts no features in an input of fewer than 2 dims: the
    # statistics' sizes are checked against 0 before the input's rank)
    c = x.shape[1] if x.ndim > 1 else 0
    if not isinstance(momentum, (int, float)) or isinstance(momentum, bool):
        raise TypeError(f"batch_norm(): argument 'momentum' (position 7) must be float, not "
                        f"{_tname(momentum)}")
    _check_features("running_mean", running_mean, c)
    if running_mean is None and not training:
        raise RuntimeError("running_mean must be defined in evaluation mode")
    _check_features("running_var", running_var, c)
    if running_var is None and not training:
        raise RuntimeError("running_var must be defined in evaluation mode")
    _check_features("weight", weight, c)
    _check_features("bias", bias, c)
    if x.ndim < 2:
        input.size(1)      # PyTorch's IndexError: "Dimension out of range ..."
    _float_check(input, "batch_norm")
    _mixed_type(x, (weight, bias, running_mean, running_var))
    for t in (running_mean, running_var):
        # (the CPU kernel reads the statistics through 1-d accessors)
        if t is not None and t._data.ndim != 1:
            raise RuntimeError(f"TensorAccessor expected 1 dims but tensor has {t._data.ndim}")
    keep = tracked(input, weight, bias)
    if x.size == 0:
        out, dev = x.copy(), None
        mean = invstd = np.empty(0, x.dtype)
    else:
        # A float16 or bfloat16 input is computed in float32; its statistics
        # are stored in its dtype unless float32 parameters came with it
        half = x.dtype in D.HALF_NP
        f32_params = any(t is not None and t._data.dtype == np.float32
                         for t in (weight, bias, running_mean, running_var))
        out, mean, invstd, dev = _bn_forward(x.astype(np.float32) if half else x, weight, bias,
                                             running_mean, running_var, bool(training),
                                             float(momentum), float(eps), keep,
                                             x.dtype if half and not f32_params else None)
        out = out.astype(x.dtype, copy=False)
    out = _L.in_format(out, _L.suggested_format(x))
    consts = {"running_mean": None if running_mean is None else running_mean._data.copy(),
              "running_var": None if running_var is None else running_var._data.copy(),
              "save_mean": mean, "save_invstd": invstd, "training": bool(training),
              "eps": float(eps), "buffers": (running_mean, running_var)}
    y = recorded(NativeBatchNormBackward0, out, (input, weight, bias),
                 tuple(consts[k] for k in NativeBatchNormBackward0._consts))
    if dev is not None and y._grad_fn is not None:
        y._grad_fn._centered = dev
    return y, mean, invstd


batch_norm = register(batch_norm, method=False, out=False)


def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum,
                  eps, cudnn_enabled):
    """Batch norm of the (1, N*C, ...) view: each sample's channels normalised
    on their own; running stats are the average over the batch."""
    x = input._data
    n, c = x.shape[0], x.shape[1]
    if not use_input_stats and (running_mean is None or running_var is None):
        raise RuntimeError("Expected running_mean and running_var to be defined when "
                           "use_input_stats is false")
    shape = (1, n * c) + x.shape[2:]
    rep = [None if t is None else t.repeat(n) for t in (weight, bias)]
    stats = [None if t is None else wrap(np.tile(t._data, n)) for t in (running_mean,
                                                                         running_var)]
    out = batch_norm(input.reshape(shape) if x.flags.c_contiguous else input.contiguous()
                     .view(shape), rep[0], rep[1], stats[0], stats[1], use_input_stats,
                     momentum, eps, cudnn_enabled)
    for t, s in zip((running_mean, running_var), stats):
        if t is not None and use_input_stats:
            t._data[...] = s._data.reshape(n, c).mean(axis=0).astype(t._data.dtype)
            t._bump()
    return out.view(x.shape)


instance_norm = register(instance_norm, method=False, out=False)


# (sister files: they read the helpers above)
from . import normalization_layer, normalization_dropout  # noqa: E402,F401
