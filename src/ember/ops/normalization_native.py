"""The ATen kernels behind the normalisations, as PyTorch exposes them:
native_layer_norm, native_batch_norm, native_group_norm (each the output
with its statistics) and native_dropout (the output with its mask)."""
from .. import _meta
from .. import _layout as _L
from .. import _random as R
from ._common import D, np, recorded, wrap
from ._registry import grad_fn, register, tensor_field
from .normalization import batch_norm_stats
from .normalization_layer import group_norm_stats, layer_norm_stats

__all__ = ["native_layer_norm", "native_batch_norm", "native_group_norm", "native_dropout"]


def _stat(a, dtype):
    return wrap(_meta.ascontiguousarray(a).astype(dtype, copy=False))


def native_layer_norm(input, normalized_shape, weight, bias, eps):
    y, mean, rstd = layer_norm_stats(input, normalized_shape, weight, bias, eps)
    # (a half input's statistics in its own dtype unless float32 parameters
    # came with it: PyTorch's mixed kernel)
    dt = mean.dtype if any(p is not None for p in (weight, bias)) else input._data.dtype
    return y, _stat(mean, dt), _stat(rstd, dt)


def native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps):
    y, mean, invstd = batch_norm_stats(input, weight, bias, running_mean, running_var,
                                       training, momentum, eps)
    return y, _stat(mean, mean.dtype), _stat(invstd, invstd.dtype)


def native_group_norm(input, weight, bias, N, C, HxW, group, eps):
    """The statistics come back as (N, group) tensors. (PyTorch makes them
    differentiable outputs of the node; here they are constants.)"""
    x = input._data
    if not _L.is_laid_out(x, _L.suggested_format(x)):
        # (the kernel reads the input as it lies: F.group_norm makes it contiguous first)
        raise RuntimeError("Expected X.is_contiguous(memory_format) to be true, but got false.  "
                           "(Could this error message be improved?  If so, please report an "
                           "enhancement request to PyTorch.)")
    if input._data.size != N * C * HxW:
        raise RuntimeError("Expected X.numel() == N * C * HxW to be true, but got false.  "
                           "(Could this error message be improved?  If so, please report an "
                           "enhancement request to PyTorch.)")
    y, mean, rstd = group_norm_stats(input, group, weight, bias, eps)
    return y, _stat(mean.reshape(N, group), mean.dtype), _stat(rstd.reshape(N, group),
                                                                 rstd.dtype)


NativeDropoutBackward0 = grad_fn(
    "NativeDropoutBackward0", saved={"p": "p", "result1": tensor_field("result1")},
    self=lambda xp, g, mask, scale: g * (wrap(mask) if xp.recording else mask) * scale)


def native_dropout(input, p, train):
    """ATen's CPU kernel: a Bernoulli(1 - p) mask (drawn as dropout draws
    it), the input times the mask times 1/(1-p) (0 when p is 1); out of
    training a copy and a mask of ones."""
    x = input._data
    if x.size == 0:
        return input, wrap(np.empty(x.shape, x.dtype))
    if train is None or train:
        keep = 1.0 - p
        if not 0 <= keep <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={keep:g}")
        scale = 0.0 if keep == 0 else 1.0 / keep
        # (the mask is an empty_like of the input, drawn in its memory order)
        noise = R.drawn_like(x, lambda shape, _: R.bernoulli_scalar(keep, shape, x.dtype))
        if x.dtype.kind in "biu":
            raise RuntimeError("result type Float can't be cast to the desired output type "
                               f"{D.SCALAR_NAMES[input.dtype]}")
        data = (x * noise) * x.dtype.type(scale)
        mask = noise != 0
    else:
        # (a clone and a ones_like: both in the input's layout)
        scale, data, mask = 1.0, _L.copied_like(x, x), _L.empty_like(x, np.bool_)
        mask[...] = True
    out = recorded(NativeDropoutBackward0, data, (input,), (mask.astype(x.dtype), scale, p, mask))
    return out, wrap(mask)


for _op in (native_layer_norm, native_batch_norm, native_group_norm):
    register(_op, method=False, out=False)
register(native_dropout, method=False, out=False, node=NativeDropoutBackward0)
