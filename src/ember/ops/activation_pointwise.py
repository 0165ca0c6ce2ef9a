"""Piecewise activations of torch.nn: the ELU family (elu, celu, selu), the
shrinks, threshold, hardtanh (relu6), hardsigmoid, hardswish and leaky_relu.

Forwards and derivatives are ATen's (Activation.cpp, derivatives.yaml),
including which side of a kink gets which gradient. An in-place variant
whose PyTorch node reads the result (EluBackward1, LeakyReluBackward1, ...)
records that node with the result saved, so no copy of the input is kept;
the others overwrite a snapshot (ops/inplace.py make_inplace), as PyTorch's
codegen saves the original input for them.
"""
from .. import _dtype as D
from .._backend import restore, silence
from ._common import checked_scalar, kernel_node, np, recorded
from .pointwise import _KEEPS_DTYPE, _zeros_like_grad
from ._arg_refusals import refusing
from ._registry import grad_fn, in_opmath, not_implemented, register
from .indexing_assign import _scalar_value
from .inplace import check_inplace, commit_inplace, make_inplace

__all__ = ["celu", "celu_", "selu", "selu_", "hardshrink", "threshold", "threshold_"]

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def floating(input, kernel):
    """The input's array; PyTorch's kernels of these ops take floats only."""
    x = input._data
    if not D.is_float_np(x.dtype):
        raise NotImplementedError(f'"{kernel}" not implemented for '
                                  f"'{D.SCALAR_NAMES[input.dtype]}'")
    return x


def run(forward, x, *args):
    """forward(x, *args) with NumPy's overflow warnings silenced (PyTorch is silent)."""
    token = silence()
    try:
        return np.asanyarray(forward(x, *args))
    finally:
        restore(token)


def into(input, node, data, ctx=()):
    """`input` overwritten with `data`, recorded as `node` (a node reading
    `result`, so nothing of the old value needs keeping)."""
    return commit_inplace(input, recorded(node, data, (input,), ctx))


def same_dtype(x, *values):
    """Python numbers as scalars of x's dtype (ATen casts its Scalars to the kernel's type)."""
    t = x.dtype.type
    return tuple(t(v) for v in values)


def pick(xp, cond, a, b):
    """where(cond, a, b). On arrays, with a and b finite, a blend by the mask:
    NumPy's where is several times slower on a mask without a pattern."""
    if xp.recording:
        return xp.where(cond, a, b)
    return a * cond + b * ~cond


# -- ELU family: scale * (x if x > 0 else alpha * (exp(x * input_scale) - 1)) --
def _elu_forward(x, alpha, scale, input_scale):
    if x.dtype in D.HALF_NP:
        # (ATen's reduced-float kernel: float32 coefficients, float32 math,
        # one rounding)
        return _elu_forward(x.astype(np.float32), alpha, scale, input_scale).astype(x.dtype)
    neg, pos, ipt = same_dtype(x, alpha, scale, input_scale)
    neg = neg * pos     # (ATen multiplies the coefficients in the kernel's type)
    # The two sides as a sum, each zero on the other's side (faster than a
    # where): fmin keeps NaN out of the negative side, maximum keeps it in the
    # positive one, as ATen's `x <= 0 ? ... : x * scale` sends NaN there.
    if scale == 1 and input_scale == 1:
        return np.expm1(np.fmin(0, x)) * neg + np.maximum(0, x)
    return np.expm1(np.fmin(0, x) * ipt) * neg + np.maximum(0, x) * pos


def _elu_grad(xp, g, self, alpha, scale, input_scale):
    if xp.recording:
        return elu_backward(g, alpha, scale, input_scale, False, self)
    e = np.exp(np.fmin(self, 0) * input_scale)      # (finite: 1 on the positive side)
    return pick(xp, self <= 0, g * input_scale * (alpha * scale) * e, g * scale)


NEGATIVE_SLOPE_INPLACE = ("In-place {} backward calculation is triggered with a negative slope "
                          "which is not supported. This is caused by calling in-place forward "
                          "function with a negative slope, please call out-of-place version "
                          "instead.")


def _elu_grad_of_result(xp, g, result, alpha, scale, input_scale):
    if alpha < 0:
        raise RuntimeError(NEGATIVE_SLOPE_INPLACE.format("elu"))
    if xp.recording:
        return elu_backward(g, alpha, scale, input_scale, True, result)
    return np.where(result <= 0, g * input_scale * (result + alpha * scale), g * scale)


_ELU = {"alpha": "alpha", "scale": "scale", "input_scale": "input_scale"}
EluBackward0 = grad_fn("EluBackward0", opmath=True, saved=_ELU, self=_elu_grad)
EluBackward1 = grad_fn("EluBackward1", opmath=True, saved=_ELU, self=_elu_grad_of_result)
CeluBackward0 = grad_fn("CeluBackward0", opmath=True, saved={"alpha": "alpha"}, self=_elu_grad)
CeluBackward1 = grad_fn("CeluBackward1", opmath=True, saved={"alpha": "alpha"}, self=_elu_grad_of_result)
_ELU_ON_ARRAYS = {False: in_opmath(_elu_grad), True: _elu_grad_of_result}


def _elu_kernel(xp, g, self_or_result, alpha, scale, input_scale, is_result):
    """elu_backward (its formulas record it as its node under create_graph)."""
    return _ELU_ON_ARRAYS[is_result](xp, g, self_or_result, alpha, scale, input_scale)


def elu_backward(g, alpha, scale, input_scale, is_result, self_or_result):
    """ATen's elu_backward on Tensors (create_graph): its one node,
    EluBackwardBackward0, whose inputs are grad_output and self_or_result."""
    return kernel_node(EluBackwardBackward0, _elu_kernel, (g, self_or_result),
                       (alpha, scale, input_scale, is_result), elementwise=True)


def _elu_double_backward(xp, grad, grad_output, alpha, scale, input_scale, is_result,
                         self_or_result):
    """elu_backward's slope in self_or_result (FunctionsManual's
    elu_double_backward): only the exponential side bends."""
    negative = self_or_result < 0
    scaled = xp.mul_scalar(grad * grad_output, input_scale)
    if is_result:
        return scaled * negative
    return _elu_kernel(xp, scaled, self_or_result, alpha, scale, input_scale, False) * negative


EluBackwardBackward0 = grad_fn(
    "EluBackwardBackward0", saved={**_ELU, "is_result": "is_result"},
    grad_output=lambda xp, grad, alpha, scale, input_scale, is_result, self_or_result:
    _elu_kernel(xp, grad, self_or_result, alpha, scale, input_scale, is_result),
    self_or_result=_elu_double_backward)


def elu_family(input, alpha, scale, input_scale, node, inplace=False, grad_input_scale=None):
    if inplace:
        check_inplace(input)
    x = floating(input, "elu_cpu")
    data = run(_elu_forward, x, alpha, scale, input_scale)
    ctx = (alpha, scale, input_scale if grad_input_scale is None else grad_input_scale)
    return into(input, node, data, ctx) if inplace else recorded(node, data, (input,), ctx)


def elu(input, alpha=1.0):
    # (scales as ATen passes them, ints: the node shows them so)
    return elu_family(input, alpha, 1, 1, EluBackward0)


def elu_(input, alpha=1.0):
    return elu_family(input, alpha, 1, 1, EluBackward1, inplace=True)


def _celu(input, alpha, node, inplace):
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    # PyTorch's derivative divides by alpha rounded to float32 first (alpha.toFloat()).
    return elu_family(input, alpha, 1, 1.0 / alpha, node, inplace,
                      grad_input_scale=1.0 / float(np.float32(alpha)))


def celu(input, alpha=1.0):
    return _celu(input, alpha, CeluBackward0, False)


def celu_(input, alpha=1.0):
    return _celu(input, alpha, CeluBackward1, True)


def selu(input):
    return elu_family(input, SELU_ALPHA, SELU_SCALE, 1, EluBackward0)


def selu_(input):
    return elu_family(input, SELU_ALPHA, SELU_SCALE, 1, EluBackward1, inplace=True)


def _twice(name, formula, *fields):
    """PyTorch's node `name` for the recorded (create_graph) backward of a
    piecewise-linear activation: inputs grad_output (whose gradient is the
    same formula again) and self (zero, yet it makes the result require
    grad, so that a second derivative is zeros rather than an error); its
    `_saved_*` fields are the constants `fields` names."""
    return grad_fn(name, saved={f: f for f in fields}, grad_output=formula, self=_zeros_like_grad)


# -- leaky_relu ---------------------------------------------------------------------
def leaky_relu_grad(xp, g, self, negative_slope):
    if xp.recording:
        return kernel_node(LeakyReluBackwardBackward0, leaky_relu_grad, (g, self),
                           (negative_slope,), elementwise=True)
    return pick(xp, self > 0, g, g * negative_slope)


LeakyReluBackwardBackward0 = _twice("LeakyReluBackwardBackward0", leaky_relu_grad, "negative_slope")


def leaky_relu_grad_of_result(xp, g, result, negative_slope):
    if negative_slope < 0:
        raise RuntimeError(
            NEGATIVE_SLOPE_INPLACE.format("leakyReLu") + " File an issue at "
            "https://github.com/pytorch/pytorch if you do require supporting in-place leakRelu "
            "backward calculation with negative slope")
    return xp.where(result > 0, g, g * negative_slope)


_SLOPE = {"negative_slope": "negative_slope"}
LeakyReluBackward0 = grad_fn("LeakyReluBackward0", opmath=True, saved=_SLOPE, self=leaky_relu_grad)
LeakyReluBackward1 = grad_fn("LeakyReluBackward1", saved=_SLOPE, self=leaky_relu_grad_of_result)


def leaky_relu_data(x, negative_slope):
    (slope,) = same_dtype(x, negative_slope)
    # x > 0 ? x : x * slope is the larger of the two for a slope up to 1, the smaller above.
    return run(np.maximum if slope <= 1 else np.minimum, x, x * slope)


def leaky_relu(input, negative_slope=0.01):
    data = leaky_relu_data(floating(input, "leaky_relu_cpu"), negative_slope)
    return recorded(LeakyReluBackward0, data, (input,), (negative_slope,))


def leaky_relu_(input, negative_slope=0.01):
    check_inplace(input)
    data = leaky_relu_data(floating(input, "leaky_relu_cpu"), negative_slope)
    return into(input, LeakyReluBackward1, data, (negative_slope,))


# -- shrinks and threshold --------------------------------------------------------
def _shrink_grad(xp, g, self, lambd):
    return xp.where((self >= -lambd) & (self <= lambd), 0, g)


def _hardshrink_grad(xp, g, self, lambd):
    if xp.recording:
        return kernel_node(HardshrinkBackwardBackward0, _hardshrink_grad, (g, self), (lambd,),
                           elementwise=True)
    return _shrink_grad(xp, g, self, lambd)


def _softshrink_grad(xp, g, self, lambd):
    if xp.recording:
        return kernel_node(SoftshrinkBackwardBackward0, _softshrink_grad, (g, self), (lambd,),
                           elementwise=True)
    return _shrink_grad(xp, g, self, lambd)


HardshrinkBackward0 = grad_fn("HardshrinkBackward0", saved={"lambd": "lambd"},
                              self=_hardshrink_grad)
SoftshrinkBackward0 = grad_fn("SoftshrinkBackward0", saved={"lambd": "lambd"},
                              self=_softshrink_grad)
HardshrinkBackwardBackward0 = _twice("HardshrinkBackwardBackward0", _hardshrink_grad, "lambd")
SoftshrinkBackwardBackward0 = _twice("SoftshrinkBackwardBackward0", _softshrink_grad, "lambd")


def hardshrink(input, lambd=0.5):
    x = floating(input, "hardshrink_cpu")
    (lam,) = same_dtype(x, lambd)
    data = np.where((x >= -lam) & (x <= lam), x.dtype.type(0), x)
    return recorded(HardshrinkBackward0, data, (input,), (lambd,))


def softshrink(input, lambd=0.5):
    x = floating(input, "softshrink_check")
    if not lambd >= 0:
        limit = float(np.finfo(x.dtype).max)
        raise RuntimeError(f"lambda must be in range [0, {limit:g}] for input dtype "
                           f"{D.SCALAR_NAMES[input.dtype]}, but found {lambd:g}")
    (lam,) = same_dtype(x, lambd)
    # (x * 0 in the middle: NaN stays NaN, as in ATen)
    data = np.where(x > lam, x - lam, np.where(x < -lam, x + lam, x * 0))
    return recorded(SoftshrinkBackward0, data, (input,), (lambd,))


def _threshold_grad(xp, g, self, threshold):
    if xp.recording:
        return kernel_node(ThresholdBackwardBackward1, _threshold_grad, (g, self), (threshold,),
                           elementwise=True)
    return xp.where(self <= threshold, 0, g)


ThresholdBackwardBackward1 = _twice("ThresholdBackwardBackward0", _threshold_grad, "threshold")


ThresholdBackward0 = grad_fn("ThresholdBackward0", saved={"threshold": "threshold"},
                             self=_threshold_grad)
# (threshold_ reads the original input: its in-place form overwrites a snapshot)
ThresholdBackward1 = grad_fn("ThresholdBackward1", saved={"threshold": "threshold"},
                             self=_threshold_grad)


def _threshold_data(input, threshold, value):
    x = input._data
    if x.dtype.kind in "bc":
        raise NotImplementedError("\"threshold_cpu\" not implemented for "
                                  f"'{D.SCALAR_NAMES[D._BY_NP[x.dtype]]}'")
    # (c10's checked conversion to the kernel's type: float32 for the half types)
    kernel = np.dtype(np.float32) if x.dtype in D.HALF_NP else x.dtype
    th, val = (np.asanyarray(checked_scalar(kernel, v)).astype(x.dtype) for v in (threshold, value))
    return np.where(x <= th, val, x)


def threshold(input, threshold, value):
    return recorded(ThresholdBackward0, _threshold_data(input, threshold, value), (input,),
                    (threshold,))


def _threshold_recorded_as_inplace(input, threshold, value):
    return recorded(ThresholdBackward1, _threshold_data(input, threshold, value), (input,),
                    (threshold,))


threshold_ = make_inplace(_threshold_recorded_as_inplace, "threshold_")


# -- hardtanh (and relu6 = hardtanh(0, 6)) --------------------------------------------
def _hardtanh_grad(xp, g, self, min_val, max_val):
    if xp.recording:
        return kernel_node(HardtanhBackwardBackward0, _hardtanh_grad, (g, self),
                           (min_val, max_val), elementwise=True)
    return xp.where((self <= min_val) | (self >= max_val), 0, g)


HardtanhBackwardBackward0 = _twice("HardtanhBackwardBackward0", _hardtanh_grad, "min_val",
                                   "max_val")


_BOUNDS = {"max_val": "max_val", "min_val": "min_val"}
HardtanhBackward0 = grad_fn("HardtanhBackward0", saved=_BOUNDS, self=_hardtanh_grad)
# hardtanh_ reads its result (same name in PyTorch, the same gradient)
HardtanhInplaceBackward0 = grad_fn(
    "HardtanhBackward0", saved=_BOUNDS, self=lambda xp, g, result, min_val, max_val: _hardtanh_grad(
        xp, g, result, min_val, max_val))


def _hardtanh_data(input, min_val, max_val):
    x = input._data
    if x.dtype.kind == "b":
        raise RuntimeError("Bool inputs not supported for hardtanh")
    if x.dtype.kind == "c":
        raise NotImplementedError("clamp is not supported for complex types")
    if x.dtype.kind in "iu":
        # (ATen takes integer limits with toLong(), truncating, and refuses
        # negative ones for uint8 before clamping)
        min_val, max_val = (checked_scalar(np.dtype(np.int64), v) for v in (min_val, max_val))
        if x.dtype == np.uint8 and (min_val < 0 or max_val < 0):
            raise RuntimeError("cannot do hardtanh on an unsigned type with negative limits")
    lo, hi = (_scalar_value(v, x.dtype) for v in (min_val, max_val))
    return np.minimum(hi, np.maximum(lo, x))     # (x kept of equals: -0. stays)


def hardtanh(input, min_val=-1.0, max_val=1.0):
    return recorded(HardtanhBackward0, _hardtanh_data(input, min_val, max_val), (input,),
                    (min_val, max_val))


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    check_inplace(input)
    return into(input, HardtanhInplaceBackward0, _hardtanh_data(input, min_val, max_val),
                (min_val, max_val))


# -- hardsigmoid and hardswish ---------------------------------------------------------
# (ATen's one_sixth is the float 1.0f / 6.0f, in every dtype)
_ONE_SIXTH = float(np.float32(1) / np.float32(6))
HardsigmoidBackwardNotImplemented = not_implemented("hardsigmoid_backward", "grad_output", "self")


def _hardsigmoid_grad(xp, g, self):
    if xp.recording:
        # PyTorch has no second derivative here: a node that raises if reached.
        data = np.where((self._data > -3) & (self._data < 3), g._data * _ONE_SIXTH, 0)
        return recorded(HardsigmoidBackwardNotImplemented, data.astype(g._data.dtype), (g, self))
    return np.where((self > -3) & (self < 3), g * _ONE_SIXTH, self.dtype.type(0))


HardsigmoidBackward0 = grad_fn("HardsigmoidBackward0", self=_hardsigmoid_grad)
def _hardswish_grad(xp, g, self):
    if xp.recording:
        return kernel_node(HardswishBackwardBackward0, _HARDSWISH_KERNEL, (g, self),
                           elementwise=True)
    return xp.where(self <= -3, 0, xp.where(self < 3, g * (self / 3 + 0.5), g))


HardswishBackward0 = grad_fn("HardswishBackward0", opmath=True, self=_hardswish_grad)
_HARDSWISH_KERNEL = in_opmath(_hardswish_grad)
# (its slope is 1/3 between the kinks: the second derivative of hardswish)
HardswishBackwardBackward0 = grad_fn(
    "HardswishBackwardBackward0", grad_output=_HARDSWISH_KERNEL,
    self=lambda xp, grad, grad_output, self: xp.where(
        (self > -3.0) & (self < 3.0), xp.div_scalar(grad * grad_output, 3.0), 0.0))


def _hardsigmoid_forward(x):
    return np.minimum(np.maximum(x + 3, 0), 6) / 6


def hardsigmoid(input):
    x = floating(input, "hardsigmoid_cpu")
    return recorded(HardsigmoidBackward0, _hardsigmoid_forward(x).astype(x.dtype, copy=False),
                    (input,))


def hardswish(input):
    x = floating(input, "hardswish_cpu")
    data = run(lambda v: v * np.minimum(np.maximum(v + 3, 0), 6) / 6, x)
    return recorded(HardswishBackward0, data.astype(x.dtype, copy=False), (input,))


# (PyTorch saves the original input for these: a snapshot is overwritten)
hardsigmoid_ = make_inplace(hardsigmoid)
hardswish_ = make_inplace(hardswish)

celu = register(celu, method=False, out=False)
selu = register(selu, method=False, out=False)
hardshrink = register(refusing(hardshrink, "hardshrink"), node=HardshrinkBackward0, out=_KEEPS_DTYPE)
threshold = register(threshold, method=False, ints={"threshold": "Number", "value": "Number"})
# torch.celu_ and friends exist without a Tensor method: each is an op of its own.
celu_ = register(celu_, method=False, out=False)
selu_ = register(selu_, method=False, out=False)
threshold_ = register(threshold_, method=False, out=False)
