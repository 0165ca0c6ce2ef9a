"""Activations with more than a pointwise rule: prelu (a learnt slope per
channel), rrelu (random slopes, drawn as ATen draws them) and glu (one half
of the input gating the other)."""
from .. import _dtype as D
from .. import _random
from ._common import Tensor, kernel_node, np, recorded, wrap_dim
from ._arg_refusals import refusing
from ._registry import grad_fn, register, tensor_field
from ..autograd._saved_fields import constant
from .activation_pointwise import (floating, into, leaky_relu_data, leaky_relu_grad,
                                   leaky_relu_grad_of_result, run)
from .inplace import check_inplace
from .shape import reshape

__all__ = ["prelu", "rrelu", "rrelu_"]


# -- prelu: x if x > 0 else weight * x, weight broadcast over dim 1 -----------------------
# ATen's _prelu_kernel_backward gives both gradients; under create_graph
# each is recorded as PyTorch's node, with derivatives.yaml's formulas for
# the output it stands for (PyTorch records one node with two outputs).
def _prelu_input_grad(xp, g, self, weight):
    if xp.recording:
        return kernel_node(PreluKernelBackwardBackward0, _prelu_input_grad, (g, self, weight),
                           elementwise=True)
    return xp.where(self > 0, g, weight * g)


def _prelu_weight_grad(xp, g, self, weight):
    if xp.recording:
        return kernel_node(_PreluWeightBackwardBackward0, _prelu_weight_grad, (g, self, weight),
                           elementwise=True)
    return xp.where(self > 0, 0, self * g)


PreluKernelBackward0 = grad_fn(
    "PreluKernelBackward0", self=_prelu_input_grad,
    # (one ATen formula gives both gradients: it keeps the weight whenever either is wanted)
    weight=_prelu_weight_grad)
PreluKernelBackwardBackward0 = grad_fn(
    "PreluKernelBackwardBackward0",
    grad_output=lambda xp, grad, self, weight: xp.where(self >= 0, grad, grad * weight),
    self=lambda xp, grad, self: xp.zeros_like(self),
    weight=lambda xp, grad, grad_output, self: xp.where(self >= 0, 0, grad_output * grad))
_PreluWeightBackwardBackward0 = grad_fn(
    "PreluKernelBackwardBackward0",
    grad_output=lambda xp, grad, self: xp.where(self >= 0, 0, grad * self),
    self=lambda xp, grad, grad_output, self: xp.where(self >= 0, 0, grad_output * grad),
    weight=lambda xp, grad, weight: xp.zeros_like(weight))


def prelu(input, weight):
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"prelu: Type promoting not supported. Got "
                           f"{D.SCALAR_NAMES[input.dtype]} and {D.SCALAR_NAMES[weight.dtype]}")
    ndim, n = input._data.ndim, weight._data.size
    if n != 1:
        if ndim == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        channels = input._data.shape[1] if ndim > 1 else 1
        if channels != n:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found "
                               f"parameter numbers = {n} and channel size = {channels}.")
    if weight._data.ndim > 1:
        raise RuntimeError("prelu: Expected `weight` to be a scalar or 1D tensor, but got: "
                           f"ndim = {weight._data.ndim}")
    x = floating(input, "prelu_cpu")
    if ndim != weight._data.ndim:
        # (as ATen: a view of the weight with the input's rank, channels on dim 1)
        weight = reshape(weight, (1, n) + (1,) * (ndim - 2) if ndim > 1 else (1,) * ndim)
    data = run(lambda v, w: np.where(v > 0, v, w * v), x, weight._data)
    return recorded(PreluKernelBackward0, data, (input, weight))


# -- rrelu ---------------------------------------------------------------------------------
def _rrelu_grad(leaky_grad, twice):
    """rrelu_with_noise_backward; recorded (create_graph) as PyTorch's one
    node, RreluWithNoiseBackwardBackward0 (`twice()`: made below)."""
    def formula(xp, g, x, noise, lower, upper, training):
        if xp.recording:
            return kernel_node(twice(), formula, (g, x), (noise, lower, upper, training),
                               elementwise=True)
        if training and upper - lower > 1e-6:
            return g * noise
        return leaky_grad(xp, g, x, (lower + upper) / 2)
    return formula


def _noise_shown(node):
    # Out of training PyTorch's noise is an uninitialized tensor of the
    # input's shape (empty_like); Ember makes none, and shows zeros there.
    noise = constant(node, "noise")
    return np.zeros(node._shape, node._dtype) if noise is None else noise


_RRELU_FIELDS = {"lower": "lower", "noise": tensor_field(_noise_shown), "training": "training",
                 "upper": "upper"}
RreluWithNoiseBackward0 = grad_fn(
    "RreluWithNoiseBackward0", saved=_RRELU_FIELDS,
    self=lambda xp, g, self, noise, lower, upper, training: _RRELU_GRAD(
        xp, g, self, noise, lower, upper, training))
RreluWithNoiseBackward1 = grad_fn(
    "RreluWithNoiseBackward1", saved=_RRELU_FIELDS,
    self=lambda xp, g, result, noise, lower, upper, training: _RRELU_GRAD_OF_RESULT(
        xp, g, result, noise, lower, upper, training))
_RRELU_GRAD = _rrelu_grad(leaky_relu_grad, lambda: _TWICE[0])
_RRELU_GRAD_OF_RESULT = _rrelu_grad(leaky_relu_grad_of_result, lambda: _TWICE[1])
# (derivatives.yaml: in grad_output the same backward again; in self zeros,
# yet self makes the result require grad)
def _rrelu_twice(backward):
    return grad_fn("RreluWithNoiseBackwardBackward0", saved=_RRELU_FIELDS,
                   grad_output=lambda xp, grad, self, noise, lower, upper, training: backward(
                       xp, grad, self, noise, lower, upper, training),
                   self=lambda xp, grad: xp.zeros_like(grad))


_TWICE = (_rrelu_twice(_RRELU_GRAD), _rrelu_twice(_RRELU_GRAD_OF_RESULT))


def _rrelu_data(input, lower, upper, training, generator):
    if not lower <= upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    if not training:
        # Evaluation: a leaky relu with the mean slope (and no noise).
        x = floating(input, "leaky_relu_cpu")
        return leaky_relu_data(x, (lower + upper) / 2), None
    x = floating(input, "rrelu_with_noise_out_cpu")
    if x.dtype == np.float16:       # (its kernel has a bfloat16 version, not a float16 one)
        raise NotImplementedError("\"rrelu_with_noise_out_cpu\" not implemented for 'Half'")
    # ATen walks the input in order and draws uniform(lower, upper) as a double
    # (random64's low 53 bits) for each element <= 0, with the bounds first
    # rounded to the kernel's float type; the draw is then rounded to it too.
    work = np.float64 if x.dtype == np.float64 else np.float32
    lo, hi = float(work(lower)), float(work(upper))
    neg = x <= 0
    gen = _random.default_generator if generator is None else generator
    draws = gen._u53(int(np.count_nonzero(neg))) * (hi - lo) + lo
    noise = np.ones(x.shape, x.dtype)
    noise[neg] = draws.astype(work).astype(x.dtype)
    return run(np.multiply, x, noise), noise


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    data, noise = _rrelu_data(input, lower, upper, training, generator)
    return recorded(RreluWithNoiseBackward0, data, (input,),
                    (noise, lower, upper, bool(training)))


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    check_inplace(input)
    data, noise = _rrelu_data(input, lower, upper, training, generator)
    return into(input, RreluWithNoiseBackward1, data, (noise, lower, upper, bool(training)))


# -- glu: a * sigmoid(b), the two halves of `dim` ----------------------------------------
def _glu_grad(xp, g, self, dim, given_dim):
    if xp.recording:
        return kernel_node(GluBackwardBackward0, _glu_grad, (g, self), (dim, given_dim))
    n = self.shape[dim] // 2
    a, b = xp.narrow(self, dim, 0, n), xp.narrow(self, dim, n, n)
    s = xp.sigmoid(b)
    return xp.cat([g * s, g * a * s * (1 - s)], dim)


def _glu_double_backward(xp, grad, grad_output, self, dim):
    """glu_backward's slope in the input (FunctionsManual's glu_double_backward)."""
    n = xp.data(self).shape[dim] // 2
    first_half, second_half = xp.narrow(self, dim, 0, n), xp.narrow(self, dim, n, n)
    sig = xp.sigmoid(second_half)
    one_sub_sig = xp.scalar_sub(1, sig)
    sig_one_sub_sig = sig * one_sub_sig
    gg_first, gg_second = xp.narrow(grad, dim, 0, n), xp.narrow(grad, dim, n, n)
    gg_second_times_first = gg_second * first_half
    gi_first = gg_second * grad_output * sig_one_sub_sig
    second_order = sig_one_sub_sig * one_sub_sig - sig * sig_one_sub_sig
    second_order = second_order * gg_second_times_first
    gi_second = gg_first * grad_output * sig_one_sub_sig + second_order * grad_output
    return xp.cat([gi_first, gi_second], dim)


def _glu_grad_output(xp, grad, self, dim, given_dim):
    """glu_backward's slope in grad_output: glu_backward at ones, times grad,
    its two halves summed."""
    shape = list(xp.data(self).shape)
    shape[dim] //= 2
    n = shape[dim]
    ones = np.ones(shape, xp.data(self).dtype)
    tmp = grad * _glu_grad(xp, Tensor._wrap(ones) if xp.recording else ones, self, dim,
                           given_dim)
    return xp.narrow(tmp, dim, 0, n) + xp.narrow(tmp, dim, n, n)


_GIVEN_DIM = {"dim": "given_dim"}
GluBackward0 = grad_fn("GluBackward0", saved=_GIVEN_DIM, self=_glu_grad)
GluBackwardBackward0 = grad_fn(
    "GluBackwardBackward0", saved=_GIVEN_DIM, grad_output=_glu_grad_output,
    self=lambda xp, grad, grad_output, self, dim: _glu_double_backward(xp, grad, grad_output,
                                                                        self, dim))


def glu(input, dim=-1):
    x = input._data
    if x.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = wrap_dim(dim, x.ndim)
    if x.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size "
                           f"{x.shape[d]}")
    x = floating(input, "glu_cpu")
    a, b = np.split(x, 2, axis=d)
    data = run(lambda p, q: p * (1 / (1 + np.exp(-q))), a, b)
    return recorded(GluBackward0, data, (input,), (d, dim))


prelu = register(refusing(prelu, "prelu"), out=False)
rrelu = register(rrelu, method=False, out=False)
# (torch.rrelu_ has no Tensor method: an op of its own)
rrelu_ = register(rrelu_, method=False, out=False)
