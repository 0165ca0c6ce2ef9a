"""Distances and norms between rows: cdist, dist, pdist, renorm,
cosine_similarity, pairwise_distance. The first four have PyTorch nodes of
their own; the last two are composed from other ops as ATen composes them
(so the graphs hold the same nodes)."""
from .._python_data import _tname
import math

from .._layout import c_strided
from ..autograd.grad_mode import no_grad
from ..autograd._saved_fields import given_scalar
from ._common import (D, Tensor, _result_dtype, broadcast_error, norm_refuses, np, recorded,
                      tensor_arg, wrap_dim)
from ._arg_refusals import refusing
from ._registry import grad_fn, no_derivative, no_forward_formula, register
from ._xp import NUMPY, provide
from .scalar_arith import add_scalar
from .linalg_norms import _vector_norm_grad, vector_norm

__all__ = ["cdist", "dist", "pdist", "renorm", "cosine_similarity", "pairwise_distance"]


def _norm_array(a, p, axis, keepdim=False):
    """The p-norm of `a` over `axis` as linalg.vector_norm computes it (the
    half types in float32, their accumulation type, and given in it)."""
    ab = np.abs(a.astype(np.float32) if a.dtype in D.HALF_NP else a)
    if p == 2:
        return np.sqrt((ab * ab).sum(axis=axis, keepdims=keepdim))
    if p == math.inf:
        return ab.max(axis=axis, keepdims=keepdim, initial=0)
    if p == -math.inf:
        return ab.min(axis=axis, keepdims=keepdim)
    if p == 0:
        return (ab != 0).sum(axis=axis, keepdims=keepdim).astype(ab.dtype)
    if p == 1:
        return ab.sum(axis=axis, keepdims=keepdim)
    with np.errstate(divide="ignore"):
        return (ab ** p).sum(axis=axis, keepdims=keepdim) ** (1.0 / p)


# (renorm's derivative reads the norm of its input again, recorded under
# create_graph so that a second derivative flows through it)
provide("vector_norm_keep", lambda x, p, dims: _norm_array(x, p, dims, True),
        lambda x, p, dims: vector_norm(x, p, dims, True))


# Rows of x1 taken at a time, so that the pairwise differences held at once
# stay near this many elements (cdist of 10^3 x 10^3 rows needs no gigabytes).
_BLOCK_ELEMENTS = 1 << 21


def _row_blocks(a, b):
    step = max(1, _BLOCK_ELEMENTS // max(1, b.shape[-2] * b.shape[-1] * max(1, a.ndim - 1)))
    return [slice(i, i + step) for i in range(0, a.shape[-2], step)]


def _cdist_arrays(a, b, p):
    """All row-pair p-norms, block by block of x1's rows."""
    return np.concatenate([_norm_array(a[..., rows, None, :] - b[..., None, :, :], p, -1)
                           for rows in _row_blocks(a, b)], axis=-2)


def _cdist_grads(xp, g, x1, x2, result, p):
    """(grad x1, grad x2) of cdist on arrays, block by block of x1's rows."""
    if p == 2:
        return _euclidean_grads(xp, g, x1, x2, result)
    if p == 0:      # (a count of differing coordinates: PyTorch's kernel gives zeros)
        return xp.zeros_like(x1), xp.zeros_like(x2)
    g1, g2 = [], 0
    for rows in _row_blocks(x1, x2):
        diff = x1[..., rows, None, :] - x2[..., None, :, :]
        per_pair = _vector_norm_grad(xp, g[..., rows, :, None], diff, result[..., rows, :, None],
                                     p, (diff.ndim - 1,), True)
        g1.append(per_pair.sum(-2))
        g2 = g2 - per_pair.sum(-3)
    return np.concatenate(g1, axis=-2), g2


def _euclidean_grads(xp, g, x1, x2, result):
    """PyTorch's _euclidean_dist_backward: by matrix products, 0 where the distance is."""
    ratio = xp.where(result == 0, 0, g / xp.where(result == 0, 1, result))
    return (x1 * xp.sum(ratio, (-1,), True) - xp.matmul(ratio, x2),
            x2 * xp.transpose(xp.sum(ratio, (-2,), True), -1, -2)
            - xp.matmul(xp.transpose(ratio, -1, -2), x1))


def _kernel_node(node, name, inputs):
    return grad_fn(node, **{n: no_derivative(name) for n in ("grad",) + inputs})


def _as_kernel(xp, node, compute, g, *args):
    """A gradient PyTorch computes in one kernel without a derivative of its
    own: under create_graph it is recorded as that kernel's `node` (on the
    gradient and the tensors among `args`), whose backward raises."""
    if not xp.recording:
        return compute(xp, g, *args)
    out = compute(NUMPY, g._data, *[a._data if isinstance(a, Tensor) else a for a in args])
    return recorded(node, np.asanyarray(out), (g,) + tuple(a for a in args if isinstance(a, Tensor)))


_CDIST_BACKWARD = _kernel_node("CdistBackwardBackward0", "_cdist_backward", ("x1", "x2", "cdist"))
# (no forward-mode formula in PyTorch either: its backward kernel is not differentiable)
CdistBackward0 = grad_fn(
    "CdistBackward0", saved={"p": "p"},
    x1=lambda xp, g, x1, x2, result, p: _as_kernel(
        xp, _CDIST_BACKWARD, lambda *a: _cdist_grads(*a)[0], g, x1, x2, result, p),
    x2=lambda xp, g, x1, x2, result, p: _as_kernel(
        xp, _CDIST_BACKWARD, lambda *a: _cdist_grads(*a)[1], g, x1, x2, result, p))
no_forward_formula(CdistBackward0, "_cdist_forward")

# The matrix-product path: |a|^2 + |b|^2 - 2 a.b, whose gradient is the
# 2-norm's (PyTorch's _euclidean_dist_backward is composed, so differentiable).
EuclideanDistBackward0 = grad_fn(
    "EuclideanDistBackward0",
    x1=lambda xp, g, x1, x2, result: _euclidean_grads(xp, g, x1, x2, result)[0],
    x2=lambda xp, g, x1, x2, result: _euclidean_grads(xp, g, x1, x2, result)[1])

_MODES = {"use_mm_for_euclid_dist_if_necessary": 0, "use_mm_for_euclid_dist": 1,
          "donot_use_mm_for_euclid_dist": 2}


def _no_half(name, t):
    """PyTorch's CPU kernels of these take neither float16 nor bfloat16."""
    if t._data.dtype in D.HALF_NP:
        raise NotImplementedError(f'"{name}" not implemented for \'{D.SCALAR_NAMES[t.dtype]}\'')


def _number_arg(p, fn, name, pos):
    if isinstance(p, bool) or not isinstance(p, (int, float)) and not hasattr(p, "__float__"):
        raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be Number, not "
                        f"{_tname(p)}")
    return float(p)


def _euclidean(a, b):
    """PyTorch's _euclidean_dist: by matrix products, clamped away from 0."""
    if a.dtype in D.HALF_NP:
        return _euclidean_half(a, b)
    na = (a * a).sum(-1, keepdims=True)
    nb = (b * b).sum(-1, keepdims=True)
    sq = na - 2 * np.matmul(a, np.swapaxes(b, -1, -2)) + np.swapaxes(nb, -1, -2)
    return np.sqrt(np.maximum(sq, a.dtype.type(1e-30)))


def _euclidean_half(a, b):
    """_euclidean_dist as ATen composes it for float16 and bfloat16: each op
    (square, row sum, the padded matrix product, clamp, sqrt) computes in
    float32 and rounds to the half type; the clamp's 1e-30 is rounded too."""
    h, f = a.dtype, np.float32
    na = (a.astype(f) ** 2).astype(h).astype(f).sum(-1, keepdims=True).astype(h)
    nb = (b.astype(f) ** 2).astype(h).astype(f).sum(-1, keepdims=True).astype(h)
    left = np.concatenate([(a.astype(f) * -2).astype(h), na, np.ones_like(na)], -1)
    right = np.concatenate([b, np.ones_like(nb), nb], -1)
    sq = np.matmul(left.astype(f), np.swapaxes(right, -1, -2).astype(f)).astype(h)
    return np.sqrt(np.maximum(sq, h.type(1e-30)).astype(f)).astype(h)


def cdist(x1, x2, p=2.0, compute_mode=None):
    if compute_mode is None:
        compute_mode = "use_mm_for_euclid_dist_if_necessary"
    if compute_mode not in _MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    mode = _MODES[compute_mode]
    tensor_arg(x1, "cdist", "x1")
    tensor_arg(x2, "cdist", "x2", 2)
    for name, t in (("X1", x1), ("X2", x2)):
        if t._data.dtype.kind != "f" and t._data.dtype not in D.HALF_NP:
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: "
                               f"{D.SCALAR_NAMES[t.dtype]}")
    for name, t in (("X1", x1), ("X2", x2)):
        if t._data.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: "
                               f"{t._data.ndim}D")
    a, b = x1._data, x2._data
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {a.shape[-1]} "
                           f"X2: {b.shape[-1]}")
    p = float(p)
    if not p >= 0:
        raise RuntimeError("cdist only supports non-negative p values")
    r1, r2 = a.shape[-2], b.shape[-2]
    by_mm = p == 2 and (mode == 1 or (mode == 0 and (r1 > 25 or r2 > 25)))
    if not by_mm:
        # (the kernel, which has no half version, is chosen by x1's dtype
        # before the dtypes are compared; the products path is composite)
        _no_half("cdist", x1)
        if a.dtype != b.dtype:
            raise RuntimeError(f"expected scalar type {D.SCALAR_NAMES[x1.dtype]} but found "
                               f"{D.SCALAR_NAMES[x2.dtype]}")
    try:
        batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise broadcast_error(a.shape[:-2], b.shape[:-2]) from None
    out_shape = batch + (r1, r2)
    if by_mm:
        if a.dtype != b.dtype:
            raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                               f"{D.C_NAMES[x1.dtype]} != {D.C_NAMES[x2.dtype]}")
        return _cdist_by_mm(x1, x2, batch, out_shape)
    if a.shape[-1] == 0:
        data = np.zeros(out_shape, a.dtype)
    else:
        data = np.asanyarray(_cdist_arrays(a, b, p), a.dtype)
    # (a fresh contiguous array: ascontiguousarray keeps a broadcast whose
    # dims are all of size 1, which is read-only and strided 0)
    data = c_strided(np.broadcast_to(data, out_shape))
    return recorded(CdistBackward0, data, (x1, x2), (p,))


def _flat_batch(t, batch, n):
    """ATen's t.expand(batch + t's matrix).reshape(n, rows, cols): a view, or
    a contiguous copy then a view."""
    e = t.expand(batch + tuple(t.shape[-2:]))
    if not e._data.flags.c_contiguous:
        e = e.clone()
    return e.view(n, *t.shape[-2:])


def _cdist_by_mm(x1, x2, batch, out_shape):
    n = int(np.prod(batch, dtype=np.int64))
    if n != 1:
        x1, x2 = _flat_batch(x1, batch, n), _flat_batch(x2, batch, n)
    data = _euclidean(x1._data, x2._data).astype(x1._data.dtype, copy=False)
    return recorded(EuclideanDistBackward0, data, (x1, x2)).view(out_shape)


# (p as given: PyTorch's node shows dist(x, y, 2) with the int 2)
DistBackward0 = grad_fn(
    "DistBackward0", saved={"p": ("given_p", given_scalar)},
    self=lambda xp, g, self, other, result, p: _vector_norm_grad(
        xp, g, self - other, result, p, None, False),
    other=lambda xp, g, self, other, result, p: _negated(_vector_norm_grad(
        xp, g, self - other, result, p, None, False)))


def _negated(grad):
    if grad is None:    # (p = 0: norm_backward's undefined gradient, negated)
        raise RuntimeError("Expected a proper Tensor but got None (or an undefined Tensor in "
                           "C++) for argument #0 'self'")
    return -grad


def dist(input, other, p=2):
    for name, pos, v in (("input", 1, input), ("other", 2, other)):
        if not isinstance(v, Tensor):
            raise TypeError(f"dist(): argument '{name}' (position {pos}) must be Tensor, not "
                            f"{_tname(v)}")
    a, b = input._data, other._data
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise broadcast_error(a.shape, b.shape) from None
    # PyTorch's dist is norm(input - other): the subtraction refuses bools first
    from .pointwise import _no_bool_sub
    if a.dtype == np.bool_ or b.dtype == np.bool_:
        _no_bool_sub(input, other)
    dt = _result_dtype(input, other)
    if not (dt.is_floating_point or dt.is_complex):
        raise norm_refuses(dt)
    diff = a.astype(dt._np, copy=False) - b.astype(dt._np, copy=False)
    given_p, p = p, _number_arg(p, "dist", "p", 3)
    # (the norm of a complex difference is real)
    data = np.asanyarray(_norm_array(np.broadcast_to(diff, shape), p, None), diff.real.dtype)
    return recorded(DistBackward0, data, (input, other), (p, given_p))


def _pdist_grad(xp, g, self, result, p):
    """Each pair's norm gradient, added to its first row and taken from its
    second; a block of pairs at a time."""
    i, j = np.triu_indices(self.shape[0], 1)
    out = np.zeros_like(self)
    if p == 0:      # (a count of differing coordinates: PyTorch's kernel gives zeros)
        return out
    step = max(1, _BLOCK_ELEMENTS // max(1, self.shape[1]))
    for k in range(0, len(i), step):
        bi, bj, part = i[k:k + step], j[k:k + step], slice(k, k + step)
        per_pair = _vector_norm_grad(xp, g[part, None], self[bi] - self[bj],
                                     result[part, None], p, (1,), True)
        np.add.at(out, bi, per_pair)
        np.add.at(out, bj, -per_pair)
    return out


_PDIST_BACKWARD = _kernel_node("PdistBackwardBackward0", "_pdist_backward", ("self", "pdist"))
PdistBackward0 = grad_fn("PdistBackward0", saved={"p": "p"},
                         self=lambda xp, g, self, result, p: _as_kernel(
    xp, _PDIST_BACKWARD, _pdist_grad, g, self, result, p))
no_forward_formula(PdistBackward0, "_pdist_forward")


def pdist(input, p=2):
    x = input._data
    if x.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {x.ndim}D")
    if x.dtype.kind != "f" and x.dtype not in D.HALF_NP:
        raise RuntimeError("pdist only supports floating-point dtypes")
    p = float(p)
    if not p >= 0:
        raise RuntimeError("pdist only supports non-negative p values")
    _no_half("pdist", input)
    i, j = np.triu_indices(x.shape[0], 1)
    data = np.asanyarray(_cdist_arrays(x, x, p)[i, j], x.dtype)
    return recorded(PdistBackward0, data, (input,), (p,))


def _renorm_grad(xp, g, self, p, dim, maxnorm):
    dims = tuple(d for d in range(len(self.shape)) if d != dim)
    norm = xp.vector_norm_keep(self, p, dims)
    # (the norm is real: the real part of conj(self) * g reaches it)
    nb = _vector_norm_grad(xp, xp.sum(xp.real(xp.conj(self) * g), dims, True), self, norm, p,
                           dims, True)
    inv = 1 / (norm + 1e-7)
    return xp.where(norm > maxnorm, maxnorm * inv * (g - inv * nb), g)


RenormBackward0 = grad_fn("RenormBackward0", self=_renorm_grad, saved={
    "dim": "given_dim", "maxnorm": ("given_maxnorm", given_scalar),
    "p": ("given_p", given_scalar)})


def renorm(input, p, dim, maxnorm):
    x = input._data
    # (PyTorch's node shows the arguments as given: an int p stays an int)
    given = (dim, maxnorm, p)
    p, maxnorm = float(p), float(maxnorm)
    if x.dtype.kind != "c" and not D.is_float_np(x.dtype):
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {D.SCALAR_NAMES[input.dtype]}")
    if not p > 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if not maxnorm >= 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm:g}")
    dim = wrap_dim(dim, x.ndim)
    if x.ndim <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {x.ndim} dimensions")
    dims = tuple(d for d in range(x.ndim) if d != dim)
    norm = _norm_array(x, p, dims, True)
    factor = np.where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0).astype(x.dtype)
    # (contiguous, whatever the input's layout, as PyTorch's structured kernel allocates it)
    return recorded(RenormBackward0, c_strided(x * factor), (input,), (p, dim, maxnorm) + given)


def _common_float(x1, x2):
    dt = _result_dtype(x1, x2)
    if not dt.is_floating_point:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is "
                           f"{D.SCALAR_NAMES[dt]}")
    return dt


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """ATen's: each side divided by its norm (clamped to eps without
    recording), then the product summed over `dim`."""
    for name, pos, v in (("x1", 1, x1), ("x2", 2, x2)):
        if not isinstance(v, Tensor):
            raise TypeError(f"cosine_similarity(): argument '{name}' (position {pos}) must be "
                            f"Tensor, not {_tname(v)}")
    dt = _common_float(x1, x2)
    # (only integral sides take the common dtype: a float side keeps its own,
    # and the product after expanding promotes as two full tensors)
    x1 = x1.to(dt) if x1._data.dtype.kind in "biu" else x1
    x2 = x2.to(dt) if x2._data.dtype.kind in "biu" else x2
    a, b = x1._data, x2._data
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise broadcast_error(a.shape, b.shape) from None
    given, dim = dim, wrap_dim(dim, len(shape))
    if a.shape != b.shape:
        # (ATen's expand_outplace: both sides expanded, unless they already agree)
        x1, x2 = x1.expand(shape), x2.expand(shape)
    # (norms and sum along `dim` as given: PyTorch's nodes show it)
    n1 = vector_norm(x1, 2, given, True).clone()
    n2 = vector_norm(x2, 2, given, True).clone()
    with no_grad():
        # (PyTorch clamps in place without recording: eps has no gradient)
        n1.clamp_min_(eps)
        n2.clamp_min_(eps)
    return ((x1 / n1) * (x2 / n2)).sum(given)


NormBackward1 = grad_fn(
    "NormBackward1", saved={"dim": "given_dim", "keepdim": "keepdim", "p": "p"}, self=lambda xp, g, self, result, p, dim, keepdim:
    _vector_norm_grad(xp, g, self, result, p, dim, keepdim))


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """ATen's: at::norm(x1 - x2 + eps, p, last dim, keepdim)."""
    nd = max(x1._data.ndim, x2._data.ndim)
    diff = x1 - x2
    # (eps is a double in PyTorch's signature: an integer difference becomes float)
    diff = add_scalar(diff, float(eps))
    a = diff._data
    if a.dtype.kind != "c" and not D.is_float_np(a.dtype):
        raise norm_refuses(diff.dtype)
    p = float(p)
    dims = (wrap_dim(nd - 1, a.ndim),) if a.ndim else None
    data = np.asanyarray(_norm_array(a, p, dims, keepdim), a.real.dtype)
    return recorded(NormBackward1, data, (diff,), (p, dims, keepdim, dims))


cdist = register(cdist, method=False, out=False)
dist = register(dist, out=False)
pdist = register(refusing(pdist, "pdist"), method=False, out=False)
renorm = register(renorm, inplace=True)
cosine_similarity = register(refusing(cosine_similarity, "cosine_similarity"), method=False, out=False)
pairwise_distance = register(refusing(pairwise_distance, "pairwise_distance"), method=False, out=False)
