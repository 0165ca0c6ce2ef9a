"""layer_norm and group_norm (one node each: NativeLayerNormBackward0,
NativeGroupNormBackward0) and rms_norm (composed of recorded ops, as
PyTorch composes it). Imported by normalization.py."""
import math

from .._layout import c_strided, in_input_format, suggested_format
from ._common import D, kernel_refuses, np, recorded
from ._moments import fma, rowwise_moments
from ._int_args import int_list, is_index, type_name
from ._registry import grad_fn, register, tensor_field
from .scalar_arith import add_scalar
from .normalization import _float_check, _mixed_type, _normalized_grad, _same_dtype
from .shape import contiguous

__all__ = []


def _moments(x2, eps):
    """Mean, 1/sqrt(var + eps) and the centred rows of 2-d `x2`, in its
    dtype, by ATen's RowwiseMoments (Welford's updates in its order: the
    same bits as PyTorch's layer_norm and group_norm)."""
    t = x2.dtype.type
    mean, var = rowwise_moments(x2)
    mean, var = mean[:, None], var[:, None]
    dev = x2 - mean
    rstd = t(1) / np.sqrt(np.maximum(var, t(0)) + t(eps))
    return mean, rstd, dev


def _xhat(xp, x, axes, eps, mean, rstd):
    """The normalised input: from the saved moments on arrays, recomputed
    (and so differentiable) on Tensors."""
    if xp.recording:
        m = xp.mean_keep(x, axes)
        xc = x - m
        return xc * (xp.mean_keep(xc * xc, axes) + eps) ** -0.5
    return (x - mean) * rstd


# -- layer_norm ------------------------------------------------------------------
def _ln_axes(ndim, k):
    return tuple(range(ndim - k, ndim))


def _ln_input_grad(xp, g, input, weight, bias, k, eps, mean, rstd):
    gs = g if weight is None else g * weight
    axes = _ln_axes(input.ndim, k)
    if xp.recording:
        return _normalized_grad(xp, gs, input, axes, eps)
    return _normalized_grad(xp, gs, input, axes, eps, mean, rstd)


# (PyTorch's one formula for the three reads input, weight and bias: all are
# saved whichever of the three requires grad)
_LayerNormFormulas = grad_fn(
    "NativeLayerNormBackward0",
    saved={"normalized_shape": "normalized_shape", "result1": tensor_field("mean"),
           "result2": tensor_field("rstd")},
    input=_ln_input_grad,
    weight=lambda xp, g, input, weight, bias, k, eps, mean, rstd: xp.sum(
        g * _xhat(xp, input, _ln_axes(input.ndim, k), eps, mean, rstd),
        tuple(range(input.ndim - k))),
    bias=lambda xp, g, input, weight, bias, k: xp.sum(g, tuple(range(g.ndim - k))))


class NativeLayerNormBackward0(_LayerNormFormulas):
    """On arrays, PyTorch's kernel: per row ds = sum(g * w * x) and
    db = sum(g * w), then dx = a * g * w + b * x + c with a = rstd."""
    __slots__ = ()

    def apply(self, xp, grad, create_graph, needs):
        if create_graph:
            return super().apply(xp, grad, create_graph, needs)
        x, w, _, k, eps, mean, rstd = self._unpack(False)[:7]
        if x.dtype in D.HALF_NP:    # (computed in float32, as ATen's kernel does)
            grad, x, mean, rstd = (a.astype(np.float32) for a in (grad, x, mean, rstd))
            if w is not None:
                w = w.astype(np.float32)
        with np.errstate(all="ignore"):
            return _ln_backward(grad, x, w, k, mean, rstd, needs)


def _ln_backward(g, x, w, k, mean, rstd, needs):
    n = int(np.prod(g.shape[g.ndim - k:]))
    g2, x2 = g.reshape(-1, n), x.reshape(-1, n)
    mean, rstd = mean.reshape(-1, 1), rstd.reshape(-1, 1)
    dx = dw = db = None
    if needs[0]:
        gw = g2 if w is None else g2 * w.reshape(-1)
        ds = np.einsum("ij,ij->i", gw, x2)[:, None]
        dbs = np.matmul(gw, np.ones(n, gw.dtype))[:, None]
        scale = g.dtype.type(1 / n)
        b = (dbs * mean - ds) * rstd * rstd * rstd * scale
        c = -b * mean - dbs * rstd * scale
        dx = np.multiply(gw, rstd, out=None if w is None else gw)
        t = np.multiply(x2, b)
        t += c
        dx += t
        dx = dx.reshape(g.shape)
    if needs[1]:
        xhat = np.multiply(x2, rstd)
        xhat -= rstd * mean
        dw = np.einsum("ij,ij->j", g2, xhat).reshape(w.shape)
    if needs[2]:
        db = np.matmul(np.ones(g2.shape[0], g2.dtype), g2).reshape(g.shape[g.ndim - k:])
    return dx, dw, db


def _shape_list(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _check_normalized(name, input, normalized_shape, weight, bias, star):
    if not isinstance(normalized_shape, (tuple, list)):
        # (an int[] without a size: no lone int stands for it)
        raise TypeError(f"{name}(): argument 'normalized_shape' (position 2) must be tuple of "
                        f"ints, not {type_name(normalized_shape)}")
    shape = int_list(normalized_shape, name, "normalized_shape", 2)
    if not shape:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., "
                           "containing at least one element, but got normalized_shape = []")
    for pname, p in (("weight", weight), ("bias", bias)):
        if p is not None and tuple(p._data.shape) != shape:
            raise RuntimeError(f"Expected {pname} to be of same shape as normalized_shape, but "
                               f"got {pname} of shape {_shape_list(p._data.shape)} and "
                               f"normalized_shape = {_shape_list(shape)}")
    x = input._data
    if x.ndim < len(shape) or x.shape[x.ndim - len(shape):] != shape:
        want = star + ", ".join(str(s) for s in shape)
        raise RuntimeError(f"Given normalized_shape={_shape_list(shape)}, expected input with "
                           f"shape [{want}], but got input of size{_shape_list(x.shape)}")
    return shape


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True):
    return layer_norm_stats(input, normalized_shape, weight, bias, eps)[0]


def layer_norm_stats(input, normalized_shape, weight, bias, eps):
    """layer_norm's output with its mean and rstd (arrays shaped as
    native_layer_norm returns them)."""
    shape = _check_normalized("layer_norm", input, normalized_shape, weight, bias, "*, ")
    x = input._data
    # (float32 parameters with a float16 or bfloat16 input are "mixed":
    # computed in float32; ATen checks them before the input's dtype)
    _mixed_type(x, (weight, bias))
    _float_check(input, "LayerNormKernelImpl")
    k = len(shape)
    lead = x.shape[:x.ndim - k]
    x2 = x.reshape(-1, int(np.prod(shape)))
    # A float16 or bfloat16 input is computed in float32 and rounded once; its
    # mean and rstd are rounded to its dtype too, unless float32 parameters
    # came with it (ATen's "mixed type")
    half = x.dtype in D.HALF_NP
    if half:
        x2 = x2.astype(np.float32)
    with np.errstate(all="ignore"):
        mean, rstd, y = _moments(x2, eps)
        # (PyTorch's order: (x - mean) * rstd, then * gamma + beta, one
        # multiply-add where both are given)
        y *= rstd
        w, b = (None if p is None else p._data.reshape(-1).astype(y.dtype, copy=False)
                for p in (weight, bias))
        if w is not None and b is not None:
            y = fma(y, w, np.broadcast_to(b, y.shape))
        elif w is not None:
            y *= w
        elif b is not None:
            y += b
    if half and all(p is None or p._data.dtype == x.dtype for p in (weight, bias)):
        mean, rstd = mean.astype(x.dtype), rstd.astype(x.dtype)
    stat_shape = lead + (1,) * k
    mean, rstd = mean.reshape(stat_shape), rstd.reshape(stat_shape)
    # (contiguous whatever the input's layout: PyTorch's kernel reads a contiguous copy)
    return recorded(NativeLayerNormBackward0,
                    c_strided(y.reshape(x.shape).astype(x.dtype, copy=False)),
                    (input, weight, bias), (k, float(eps), mean, rstd, tuple(shape))), \
        mean, rstd


layer_norm = register(layer_norm, method=False, out=False)


# -- group_norm ------------------------------------------------------------------
def _gn_shape(shape, groups):
    return (shape[0], groups, -1)


def _channel(xp, p, ndim):
    return xp.reshape(p, (1, -1) + (1,) * (ndim - 2))


def _gn_input_grad(xp, g, input, weight, groups, eps, mean, rstd):
    gs = g if weight is None else g * _channel(xp, weight, g.ndim)
    shape3 = _gn_shape(input.shape, groups)
    gs3, x3 = xp.reshape(gs, shape3), xp.reshape(input, shape3)
    if xp.recording:
        dx = _normalized_grad(xp, gs3, x3, (2,), eps)
    else:
        dx = _normalized_grad(xp, gs3, x3, (2,), eps, mean, rstd)
    return xp.reshape(dx, tuple(input.shape))


def _gn_weight_grad(xp, g, input, weight, groups, eps, mean, rstd):
    x3 = xp.reshape(input, _gn_shape(input.shape, groups))
    xhat = xp.reshape(_xhat(xp, x3, (2,), eps, mean, rstd), tuple(input.shape))
    return xp.sum(g * xhat, (0,) + tuple(range(2, g.ndim)))


# (PyTorch's one formula for the three reads the input and the weight)
# (N, C and HxW from the input's sizes; mean and rstd as (N, group))
_GroupNormFormulas = grad_fn(
    "NativeGroupNormBackward0",
    saved={"C": ("sizes", lambda v: v[1]), "HxW": ("sizes", lambda v: v[2]),
           "N": ("sizes", lambda v: v[0]), "eps": "eps", "group": "groups",
           "result1": tensor_field(("mean", lambda m: m.reshape(m.shape[:2]))),
           "result2": tensor_field(("rstd", lambda r: r.reshape(r.shape[:2])))},
    input=_gn_input_grad,
    weight=_gn_weight_grad,
    bias=lambda xp, g, input, weight: xp.sum(g, (0,) + tuple(range(2, g.ndim))))


class NativeGroupNormBackward0(_GroupNormFormulas):
    """On arrays, PyTorch's kernel: per (sample, channel) sums of g * x and
    of g, gathered per group, then dx = c1 * g + c2 * x + c3."""
    __slots__ = ()

    def apply(self, xp, grad, create_graph, needs):
        if create_graph:
            return super().apply(xp, grad, create_graph, needs)
        x, w, groups, eps, mean, rstd = self._unpack(False)[:6]
        with np.errstate(all="ignore"):
            if x.dtype not in D.HALF_NP:
                return _gn_backward(grad, x, w, groups, mean, rstd, needs)
            # float16 and bfloat16 in float32, as PyTorch's kernel computes
            # them, each gradient rounded to its input's dtype
            g32, x32, w32, m32, r32 = (None if a is None else a.astype(np.float32)
                                       for a in (grad, x, w, mean, rstd))
            dx, dw, db = _gn_backward(g32, x32, w32, groups, m32, r32, needs)
            # (the bias, not saved, has the weight's dtype when there is a
            # weight; without one the engine casts its gradient on receipt)
            pdt = np.float32 if w is None else w.dtype
            return (None if dx is None else dx.astype(x.dtype),
                    None if dw is None else dw.astype(pdt), None if db is None else db.astype(pdt))


def _gn_backward(g, x, w, groups, mean, rstd, needs):
    n, c = g.shape[0], g.shape[1]
    cpg = c // groups
    g3, x3 = g.reshape(n, c, -1), x.reshape(n, c, -1)
    d = cpg * g3.shape[2]
    ds = np.einsum("ncs,ncs->nc", g3, x3)
    db = np.einsum("ncs->nc", g3)
    mean, rstd = mean.reshape(n, groups), rstd.reshape(n, groups)
    dx = dw = dbias = None
    if needs[0]:
        wv = np.ones(c, g.dtype) if w is None else w
        dsg = (ds * wv).reshape(n, groups, cpg).sum(axis=2)
        dbg = (db * wv).reshape(n, groups, cpg).sum(axis=2)
        scale = g.dtype.type(1 / d)
        c2 = (dbg * mean - dsg) * rstd * rstd * rstd * scale
        c3 = -c2 * mean - dbg * rstd * scale
        c1 = np.repeat(rstd, cpg, axis=1) * wv
        dx = np.multiply(g3, c1[:, :, None])
        t = np.multiply(x3, np.repeat(c2, cpg, axis=1)[:, :, None])
        t += np.repeat(c3, cpg, axis=1)[:, :, None]
        dx += t
        dx = dx.reshape(g.shape)
    if needs[1]:
        dw = ((ds - db * np.repeat(mean, cpg, axis=1)) * np.repeat(rstd, cpg, axis=1)).sum(0)
    if needs[2]:
        dbias = db.sum(0)
    return dx, dw, dbias


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05, cudnn_enabled=True):
    return group_norm_stats(input, num_groups, weight, bias, eps)[0]


def group_norm_stats(input, num_groups, weight, bias, eps):
    """group_norm's output with its mean and rstd, (N, groups, 1) arrays."""
    x = input._data
    if not is_index(num_groups):
        raise TypeError("group_norm(): argument 'num_groups' (position 2) must be int, not "
                        f"{type_name(num_groups)}")
    num_groups = int(num_groups)
    if x.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{x.ndim}")
    n, c = x.shape[0], x.shape[1]
    if num_groups <= 0:
        raise RuntimeError(f"Expected num groups to be greater than 0, got {num_groups}")
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by "
                           f"num_groups, but got input of shape {_shape_list(x.shape)} and "
                           f"num_groups={num_groups}")
    wshape = _shape_list(weight._data.shape) if weight is not None else "[0]"
    for pname, p in (("weight", weight), ("bias", bias)):
        if p is not None and (p._data.ndim != 1 or p._data.size != c):
            # (PyTorch prints the weight's shape in both messages)
            raise RuntimeError(f"Expected {pname} to be a vector of size equal to the number of "
                               f"channels in input, but got {pname} of shape {wshape} and "
                               f"input of shape {_shape_list(x.shape)}")
    _float_check(input, "GroupNormKernelImpl")
    w, b = (None if p is None else p._data for p in (weight, bias))
    # PyTorch's CPU kernel computes a float16 or bfloat16 input in float32 and
    # rounds what it returns; float32 parameters may come with it ("mixed
    # type": then its mean and rstd stay float32)
    half = x.dtype in D.HALF_NP
    mixed = half and (w is not None or b is not None) and all(
        p is None or p.dtype == np.float32 for p in (w, b))
    if not mixed:
        _same_dtype(input, weight, bias)
    if half:
        x, w, b = (None if a is None else a.astype(np.float32) for a in (x, w, b))
    with np.errstate(all="ignore"):
        if x.size:
            mean, rstd, dev = _moments(x.reshape(n * num_groups, -1), eps)
        else:
            mean = rstd = np.zeros((n * num_groups, 1), x.dtype)
            dev = x.copy()
        mean, rstd = mean.reshape(n, num_groups, 1), rstd.reshape(n, num_groups, 1)
        # Per (sample, channel): y = (x - mean) * (rstd * gamma) + beta, from
        # the centred rows the moments left
        scale = np.repeat(rstd, c // num_groups, axis=1)            # (N, C, 1)
        if w is not None:
            scale = scale * w.reshape(1, c, 1)
        y = dev.reshape(n, c, -1)
        y *= scale
        if b is not None:
            y += b.reshape(1, c, 1)
    dt = input._data.dtype
    if half and not mixed:
        mean, rstd = mean.astype(dt), rstd.astype(dt)
    sizes = (n, c, math.prod(x.shape[2:]))
    # (in the input's memory format: channels-last in, channels-last out)
    y = in_input_format(y.reshape(x.shape).astype(dt, copy=False), input._data)
    return recorded(NativeGroupNormBackward0, y, (input, weight, bias),
                    (num_groups, float(eps), mean, rstd, sizes)), mean, rstd


group_norm = register(group_norm, method=False, out=False)


# -- rms_norm --------------------------------------------------------------------
def rms_norm(input, normalized_shape, weight=None, eps=None):
    shape = _check_normalized("rms_norm", input, normalized_shape, weight, None, "*")
    if input._data.dtype.kind not in "fc":
        # (PyTorch's composite dispatches on the floating and complex types only)
        raise kernel_refuses("rms_norm", input._data.dtype)
    if eps is None:
        eps = float(np.finfo(input._data.dtype).eps) if input._data.dtype.kind == "f" \
            else float(np.finfo(np.float32).eps)
    # (the normalized dims from the last down, as PyTorch's composite lists them)
    nd = input._data.ndim
    dims = tuple(range(nd - 1, nd - 1 - len(shape), -1))
    ms = input.pow(2).mean(dims, keepdim=True)
    # (PyTorch adds eps as a Scalar, in place: AddBackward1)
    ms = add_scalar(ms, eps)
    out = input * ms.rsqrt()
    out = out if weight is None else out * weight
    # (PyTorch's composite ends with .contiguous() in the input's suggested
    # memory format: a CloneBackward0 where the product is not laid out so)
    return contiguous(out, suggested_format(input._data))


rms_norm = register(rms_norm, method=False, out=False)
