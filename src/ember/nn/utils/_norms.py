"""The norms weight_norm and spectral_norm are built from: torch's
norm_except_dim and _weight_norm (one WeightNormInterfaceBackward0 node for
dim 0 or the last dim, as torch's fused kernel; composed otherwise), and
F.normalize."""
from .._functional.distance import normalize  # noqa: F401  (the power iterations use it)
from ..._backend import np
from ...ops._common import recorded
from ...ops._registry import grad_fn


def _wn_grad_v(xp, grad, v, g, dims):
    norms = xp.sqrt(xp.sum(v * v, dims, True))
    return (g / norms) * (grad - v * (xp.sum(grad * v, dims, True) / (norms * norms)))


def _wn_grad_g(xp, grad, v, dims):
    return xp.sum(grad * v, dims, True) / xp.sqrt(xp.sum(v * v, dims, True))


WeightNormInterfaceBackward0 = grad_fn("WeightNormInterfaceBackward0", v=_wn_grad_v,
                                       g=_wn_grad_g)


def norm_except_dim(v, pow=2, dim=0):
    """The `pow`-norm of v over every dim but `dim`, shaped to broadcast
    against v (dim -1: the norm of the whole tensor)."""
    if dim == -1:
        return v.norm(pow)
    if dim == 0:
        shape = (v.shape[0],) + (1,) * (v.dim() - 1)
        return v.contiguous().view(v.shape[0], -1).norm(pow, 1).view(shape)
    if dim == v.dim() - 1:
        shape = (1,) * (v.dim() - 1) + (v.shape[-1],)
        return v.contiguous().view(-1, v.shape[-1]).norm(pow, 0).view(shape)
    return norm_except_dim(v.transpose(0, dim), pow, 0).transpose(0, dim)


def weight_norm(v, g, dim=0):
    """torch._weight_norm: v * (g / ||v||), the norm over every dim but `dim`."""
    if dim not in (0, v.dim() - 1):
        return v * (g / norm_except_dim(v, 2, dim))
    dims = tuple(d for d in range(v.dim()) if d != dim)
    vd = v._data
    norms = np.sqrt(np.sum(vd * vd, axis=dims, keepdims=True))
    data = (vd * (g._data / norms)).astype(np.result_type(vd, g._data), copy=False)
    return recorded(WeightNormInterfaceBackward0, data, (v, g), (dims,))
