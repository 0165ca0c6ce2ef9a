"""LayerNorm, GroupNorm, RMSNorm and LocalResponseNorm."""
import numbers

from ... import _creation
from ..._backend import np
from ..._dtype import SCALAR_NAMES, is_float_np
from ..._tensor import Tensor
from ...autograd.function import Function
from ...autograd.grad_mode import is_grad_enabled
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["LocalResponseNorm", "CrossMapLRN2d", "LayerNorm", "GroupNorm", "RMSNorm"]


class LocalResponseNorm(Module):
    __constants__ = ["size", "alpha", "beta", "k"]

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, input):
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


def _running_sums(first, adds, subs):
    """Along axis 1, the running sum of first..., +adds[0], -subs[0], +adds[1], ...,
    one term at a time as torch's channel loop adds them (so rounded the same
    way); the sum after each subtraction is at positions len(first) - 1 + 2c,
    after each addition at len(first) + 2c."""
    n, c = adds.shape[:2]
    terms = np.empty((n, first.shape[1] + 2 * c) + adds.shape[2:], adds.dtype)
    terms[:, :first.shape[1]] = first
    terms[:, first.shape[1]::2] = adds
    terms[:, first.shape[1] + 1::2] = -subs
    return np.cumsum(terms, axis=1, dtype=adds.dtype)


def _shifted(x, lo, hi, shift):
    """x[:, c + shift] for channels lo <= c < hi (of 1..C-1), zero elsewhere."""
    out = np.zeros((x.shape[0], x.shape[1] - 1) + x.shape[2:], x.dtype)
    if hi > lo:
        out[:, lo - 1:hi - 1] = x[:, lo + shift:hi + shift]
    return out


def _cross_map_forward(ctx, input, size, alpha=1e-4, beta=0.75, k=1):
    ctx.size, ctx.alpha, ctx.beta, ctx.k = size, alpha, beta, k
    if input.dim() != 4:
        raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.dim()}D instead.")
    x = input._data
    if not is_float_np(x.dtype):
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{SCALAR_NAMES[input.dtype]}")
    channels = x.shape[1]
    sq = x * x
    pre_pad = int((size - 1) / 2 + 1)
    # torch's legacy loop: channel c adds square c + pre_pad - 1 and drops
    # square c - pre_pad only for c > pre_pad (so square 0 is never dropped)
    scale = _running_sums(sq[:, :min(pre_pad, channels)],
                          _shifted(sq, 1, channels - pre_pad + 1, pre_pad - 1),
                          _shifted(sq, pre_pad + 1, channels, -pre_pad))
    scale = scale[:, min(pre_pad, channels) - 1::2]
    dt = x.dtype.type
    scale = scale * dt(alpha / size) + dt(k)
    ctx.scale = scale
    output = Tensor._wrap(np.power(scale, dt(-beta)) * x)
    ctx.save_for_backward(input, output)
    return output


def _cross_map_backward(ctx, grad_output):
    input, output = ctx.saved_tensors
    if is_grad_enabled() and output.requires_grad:
        raise RuntimeError("mul(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")
    size, scale, x, g = ctx.size, ctx.scale, input._data, grad_output._data
    dt = x.dtype.type
    channels = x.shape[1]
    inverse_pre_pad = int(size - (size - 1) / 2)
    if inverse_pre_pad + channels > channels + size - 1:
        raise RuntimeError(f"start ({inverse_pre_pad}) + length ({channels}) exceeds dimension "
                           f"size ({channels + size - 1}).")
    padded = np.zeros((x.shape[0], channels + size - 1) + x.shape[2:], x.dtype)
    padded[:, inverse_pre_pad:inverse_pre_pad + channels] = g * output._data / scale
    # accum for channel c: sum of padded[c .. c + size - 1], kept as a running sum
    first = padded[:, :size - 1].sum(axis=1, keepdims=True)
    accum = _running_sums(first, padded[:, size - 1:], padded[:, :channels])[:, 1::2]
    cache_ratio_value = dt(2 * ctx.alpha * ctx.beta / size)
    grad_input = np.power(scale, dt(-ctx.beta)) * g + (-cache_ratio_value) * x * accum
    return Tensor._wrap(grad_input), None, None, None, None


# PyTorch's legacy torch.nn._functions.CrossMapLRN2d: its node is "CrossMapLRN2dBackward".
_CrossMapLRN2dFunction = type("CrossMapLRN2d", (Function,), {
    "forward": staticmethod(_cross_map_forward), "backward": staticmethod(_cross_map_backward)})


class CrossMapLRN2d(Module):
    """Local response normalisation across channels of a 4-d input, as
    torch's legacy Lua-Torch port computes it (including its window, which
    keeps channel 0 in every sum, and its backward, which is not that
    window's exact derivative)."""

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1):
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, input):
        return _CrossMapLRN2dFunction.apply(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


def _as_shape(normalized_shape):
    if isinstance(normalized_shape, numbers.Integral):
        normalized_shape = (normalized_shape,)
    return tuple(normalized_shape)


def _affine(module, affine, bias, shape, factory):
    """The weight (and bias) of LayerNorm and GroupNorm, or None for each."""
    module.register_parameter(
        "weight", Parameter(_creation.empty(shape, **factory)) if affine else None)
    module.register_parameter(
        "bias", Parameter(_creation.empty(shape, **factory)) if affine and bias else None)


def _reset_affine(module):
    if module.weight is not None:
        init.ones_(module.weight)
    if module.bias is not None:
        init.zeros_(module.bias)


class LayerNorm(Module):
    __constants__ = ["normalized_shape", "eps", "elementwise_affine"]

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True,
                 device=None, dtype=None):
        super().__init__()
        factory = {"device": device, "dtype": dtype}
        self.normalized_shape = _as_shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        _affine(self, self.elementwise_affine, bias, self.normalized_shape, factory)
        self.reset_parameters()

    def reset_parameters(self):
        _reset_affine(self)

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")


class GroupNorm(Module):
    __constants__ = ["num_groups", "num_channels", "eps", "affine"]

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None, dtype=None,
                 *, bias=True):
        super().__init__()
        factory = {"device": device, "dtype": dtype}
        if num_channels % num_groups != 0:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups "
                             f"({num_groups})")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        _affine(self, self.affine, bias, num_channels, factory)
        self.reset_parameters()

    def reset_parameters(self):
        _reset_affine(self)

    def forward(self, input):
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, "
                f"affine={self.affine}, bias={self.bias is not None}")


class RMSNorm(Module):
    __constants__ = ["normalized_shape", "eps", "elementwise_affine"]

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, device=None,
                 dtype=None):
        super().__init__()
        self.normalized_shape = _as_shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if self.elementwise_affine:
            self.weight = Parameter(_creation.empty(self.normalized_shape, device=device,
                                                    dtype=dtype))
        else:
            self.register_parameter("weight", None)
        self.reset_parameters()

    def reset_parameters(self):
        if self.elementwise_affine:
            init.ones_(self.weight)

    def forward(self, x):
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")
