"""Losses that PyTorch computes in one kernel, with one node each:
binary_cross_entropy (+ _with_logits); and the nodes of mse_loss and
nll_loss, whose forwards live in nn/_functional/loss.py. Their sisters:
loss_pointwise.py (smooth_l1, huber, soft_margin), loss_margin.py
(multi-class margins), loss_composite.py (the torch.* losses ATen composes
of other ops) and loss_ctc.py. nn.functional adds PyTorch's Python-side
checks.

Each forward takes the reduction by name ('none', 'mean', 'sum'); the
torch.* functions take ATen's enum (0, 1, 2) and translate. A formula
scales by `norm` (1/numel for 'mean'), so one formula serves every
reduction: under 'none' the incoming gradient has the loss's shape, else it
is a 0-d tensor that broadcasts.
"""
from .. import _meta
from .._backend import np

from .. import _dtype as D
from ..autograd.grad_mode import _state
from ._common import (_VALUE_BASED_CASTING, broadcast_error, kernel_refuses, kernel_node,
                      no_complex_autograd, recorded, wrap)
from ._registry import grad_fn, register, tensor_field
from ._summation import torch_sum
from ._vml import log as _log, log1p as _log1p
from . import _glibc
from .activation_smooth import _logsigmoid_forward

__all__ = ["binary_cross_entropy_with_logits"]

def reduction_name(enum):
    """ATen's reduction enum as a name: 1 mean, 2 sum, anything else none
    (what torch.* does with other integers)."""
    if isinstance(enum, str):
        return enum
    return {1: "mean", 2: "sum"}.get(int(enum), "none")


def reduce(data, reduction):
    """An elementwise loss reduced as ATen's apply_loss_reduction does."""
    if reduction == "none":
        return data
    total = torch_sum(_meta.ascontiguousarray(data), None)
    if reduction == "mean":
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asanyarray(total / data.dtype.type(data.size) if data.size
                              else data.dtype.type(np.nan))
    return np.asanyarray(total)


def norm(reduction, n):
    return 1.0 / n if reduction == "mean" and n else 1.0


def const(xp, a):
    """A constant array (a weight) in the formula's namespace."""
    return wrap(a) if xp.recording and a is not None else a


def check_not_differentiable(fname, **tensors):
    """ATen's refusal of a gradient for an argument it never differentiates."""
    if not _state.enabled:
        return
    for arg, t in tensors.items():
        if t is not None and t._requires_grad:
            raise RuntimeError(f"The function '{fname}' is not differentiable with respect to "
                               f"argument '{arg}'. This input cannot have requires_grad True.")


def check_same_dtype(input, other):
    if other is not None and other.dtype is not input.dtype:
        raise RuntimeError(f"Found dtype {D.SCALAR_NAMES[other.dtype]} but expected "
                           f"{D.SCALAR_NAMES[input.dtype]}")


def check_scalar_type(input, other):
    """A kernel's refusal of a second tensor (a weight) of another dtype."""
    if other is not None and other.dtype is not input.dtype:
        raise RuntimeError(f"expected scalar type {D.SCALAR_NAMES[input.dtype]} but found "
                           f"{D.SCALAR_NAMES[other.dtype]}")


def _float_arrays(input, *others, promote=False):
    """The arrays of `input` and the others (None stays None), in input's
    dtype, or in their promoted dtype (a kernel that promotes)."""
    dt = input.dtype
    if promote:
        for t in others:
            if t is not None:
                dt = D.promote_types(dt, t.dtype)
    dt = dt._np
    return [None if t is None else t._data.astype(dt, copy=False) for t in (input,) + others]


def _weighted(xp, v, weight):
    return v if weight is None else v * const(xp, weight)


# -- mse_loss and nll_loss (their forwards: nn/_functional/loss.py) ---------------------
def _mse_kernel(xp, g, x, t, reduction, n):
    """mse_loss_backward: its derivative in x (in t, swap them)."""
    scale = 2.0 / n if reduction == "mean" else 2.0
    return scale * (x - t) * g


def _mse_slope(xp, g, self, target, reduction, n):
    """The second derivative (mse_loss_double_backward) times g."""
    return _per_element(xp, xp.mul_scalar(g, 2), reduction, n)


# (PyTorch's nodes keep the reduction as its enum: none 0, mean 1, sum 2)
REDUCTION = ("reduction", {"none": 0, "mean": 1, "sum": 2}.__getitem__)
_MSE = {"reduction": REDUCTION}
MseLossBackward0 = grad_fn(
    "MseLossBackward0", saved=_MSE,
    self=lambda xp, g, self, target, reduction, n: _twice(
        xp, MseLossBackwardBackward0, _mse_kernel, g, self, target, reduction, n),
    target=lambda xp, g, self, target, reduction, n: _twice(
        xp, MseLossBackwardBackward0, _mse_kernel, g, target, self, reduction, n))


def _twice(xp, node, kernel, g, x, t, *consts):
    """A pointwise loss's backward kernel; under create_graph, its one node."""
    if xp.recording:
        return kernel_node(node, kernel, (g, x, t), consts)
    return kernel(xp, g, x, t, *consts)


def _per_element(xp, g, reduction, n):
    return xp.div_scalar(g, n) if reduction == "mean" else g


def _kernel_transpose(xp, node, kernel, grad, grad_output, self, target, reduction, *consts):
    """A loss kernel's derivative in its grad_output: the kernel itself under
    'none'; else (a 0-d grad_output) the kernel at ones, summed against grad."""
    if reduction == "none":
        return _twice(xp, node, kernel, grad, self, target, *consts)
    ones = const(xp, np.ones(xp.data(grad_output).shape, xp.data(grad).dtype))
    return xp.sum(_twice(xp, node, kernel, ones, self, target, *consts) * grad, None)


MseLossBackwardBackward0 = grad_fn(
    "MseLossBackwardBackward0", saved=_MSE,
    grad_output=lambda xp, grad, grad_output, self, target, reduction, n: _kernel_transpose(
        xp, MseLossBackwardBackward0, _mse_kernel, grad, grad_output, self, target, reduction,
        reduction, n),
    self=lambda xp, grad, grad_output, self, target, reduction, n: _mse_slope(
        xp, grad * grad_output, self, target, reduction, n),
    target=lambda xp, grad, grad_output, self, target, reduction, n: -_mse_slope(
        xp, grad * grad_output, self, target, reduction, n))


def _nll_kernel(xp, g, self, coef, reduction, total, kept_shape, *fields):
    # (`self` goes unread, but PyTorch's node saves it: changing the input in
    # place before backward is refused there too)
    c = const(xp, coef)
    if reduction == "none":
        return c * xp.reshape(g, kept_shape)
    if reduction == "mean":
        return c * (g / total)
    return c * g


def _nll_grad(twice):
    def formula(xp, g, self, coef, reduction, total, kept_shape, ignore_index, target, weight):
        if xp.recording:
            return kernel_node(_NLL_TWICE[twice], _nll_kernel, (g, self),
                               (coef, reduction, total, kept_shape, ignore_index, target, weight))
        return _nll_kernel(xp, g, self, coef, reduction, total, kept_shape)
    return formula


def _nll_of_grad(xp, grad, coef, reduction, total, kept_shape):
    """nll_loss's derivative in its grad_output: nll_loss of `grad` (the
    loss is linear in the input: the kernel's weights, summed)."""
    weighted = const(xp, coef) * grad
    if reduction == "none":
        class_dim = 1 if len(kept_shape) > 1 else 0
        return xp.reshape(xp.sum(weighted, (class_dim,)), kept_shape[:1] + kept_shape[2:])
    loss = xp.sum(weighted, None)
    return loss / total if reduction == "mean" else loss


_NLL_FIELDS = {"ignore_index": "ignore_index", "reduction": REDUCTION,
               "target": tensor_field("target"), "total_weight": tensor_field(("total", np.asarray)),
               "weight": tensor_field("weight")}
NllLossBackward0 = grad_fn("NllLossBackward0", saved=_NLL_FIELDS, self=_nll_grad(0))
NllLoss2DBackward0 = grad_fn("NllLoss2DBackward0", saved=_NLL_FIELDS, self=_nll_grad(1))
# (derivatives.yaml: in grad_output, nll_loss of grad; in self, zeros)
_NLL_TWICE = tuple(grad_fn(
    name, saved={k: _NLL_FIELDS[k] for k in ("ignore_index", "reduction", "target", "weight")},
    grad_output=lambda xp, grad, coef, reduction, total, kept_shape, ignore_index, target, weight:
    _nll_of_grad(xp, grad, coef, reduction, total, kept_shape),
    self=lambda xp, grad: xp.zeros_like(grad))
    for name in ("NllLossBackwardBackward0", "NllLoss2DBackwardBackward0"))


# -- binary cross entropy ---------------------------------------------------------------
def _bce_self(xp, g, self, target, weight, reduction, n):
    if xp.recording:    # (binary_cross_entropy_backward: its own node)
        return kernel_node(BinaryCrossEntropyBackwardBackward0, _bce_self, (g, self, target),
                           (weight, reduction, n))
    d = (1 - self) * self
    d = xp.where(d < 1e-12, 1e-12, d)
    # (then weight, then the mean's division: ATen's mul_ and div_(numel), in that order)
    return _per_element(xp, _weighted(xp, g * (self - target) / d, weight), reduction, n)


def _bce_target(xp, g, self, weight, reduction, n):
    if xp.recording:    # (binary_cross_entropy_target_backward, as ATen writes it)
        return _per_element(xp, _weighted(xp, -self.logit() * g, weight), reduction, n)
    # (-logit(x), unclamped, as ATen's binary_cross_entropy_target_backward)
    return _weighted(xp, g * (xp.log(1 - self) - xp.log(self)), weight) * norm(reduction, n)


# binary_cross_entropy_backward's derivatives (FunctionsManual's
# binary_cross_entropy_double_backward and its grad_output/target forms)
_BCE_EPS = 1e-12


def _bce_slope(xp, grad, grad_output, self, target, weight, reduction, n):
    num = self * self - xp.mul_scalar(self, 2) * target + target
    den = (xp.add_scalar(self, _BCE_EPS) ** 2
           * xp.add_scalar(xp.scalar_sub(1, self), _BCE_EPS) ** 2)
    gi = _weighted(xp, num / den * (grad * grad_output), weight)
    return _per_element(xp, gi, reduction, n)


def _bce_of_grad(xp, grad, self, target, weight, reduction, n):
    ggo = _weighted(xp, (self - target) / (xp.add_scalar(self, _BCE_EPS)
                                           * xp.add_scalar(xp.scalar_sub(1, self), _BCE_EPS)),
                    weight) * grad
    if reduction == "none":
        return ggo
    total = xp.sum(ggo, None)
    return xp.div_scalar(total, n) if reduction == "mean" else total


def _bce_target_slope(xp, grad, grad_output, self, target, weight, reduction, n):
    res = _weighted(xp, -grad * grad_output, weight)
    den = xp.scalar_sub(1, self) * self
    den = xp.where(den < _BCE_EPS, _BCE_EPS, den)
    return _per_element(xp, res / den, reduction, n)


_BCE_FIELDS = {"reduction": REDUCTION, "weight": tensor_field("weight")}
BinaryCrossEntropyBackward0 = grad_fn("BinaryCrossEntropyBackward0", self=_bce_self,
                                      saved=_BCE_FIELDS, target=_bce_target)
BinaryCrossEntropyBackwardBackward0 = grad_fn(
    "BinaryCrossEntropyBackwardBackward0", saved=_BCE_FIELDS,
    grad_output=lambda xp, grad, self, target, weight, reduction, n: _bce_of_grad(
        xp, grad, self, target, weight, reduction, n),
    self=_bce_slope, target=_bce_target_slope)


def refuse_dtype(kernel, x, halves=True):
    """PyTorch's floating-only loss kernels name themselves refusing another
    dtype: complex, integers and bool, and float16 and bfloat16 where the
    kernel has no half-precision version (`halves` False)."""
    dt = x.dtype
    if not D.is_float_np(dt) or (not halves and dt in D.HALF_NP):
        raise kernel_refuses(kernel, dt)


def check_output_cast(common, out):
    """A kernel writing into a tensor of dtype `out` (ATen's in-place steps,
    or an output made like the input) from values of dtype `common`."""
    if common._category > out._category:
        raise RuntimeError(f"result type {D.SCALAR_NAMES[common]} can't be cast to the desired "
                           f"output type {D.SCALAR_NAMES[out]}")


def _check_probabilities(x, t):
    """ATen's kernel checks each element's input, then its target, in order:
    the first element out of [0, 1] (or NaN) names which one is wrong."""
    bad_x = ~((x >= 0) & (x <= 1))
    bad = bad_x | ~((t >= 0) & (t <= 1))
    if bad.any():
        first = np.unravel_index(np.argmax(bad), bad.shape)
        which = "input" if np.broadcast_to(bad_x, bad.shape)[first] else "target"
        raise RuntimeError(f"all elements of {which} should be between 0 and 1")


_GLIBC_MAX = 1 << 15


def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    """ATen's binary_cross_entropy: each log clamped below at -100."""
    check_same_dtype(input, target)
    x, t, w = _float_arrays(input, target, weight)
    refuse_dtype("binary_cross_entropy", x)
    _check_probabilities(x, t)
    check_not_differentiable("binary_cross_entropy", weight=weight)
    floor = x.dtype.type(-100)     # (typed: NumPy 1.x widens a 0-d result with a Python int)
    # (std::log and std::log1p, element by element: glibc's logf and log1pf
    # for float32, ported bit for bit in _glibc; past _GLIBC_MAX elements,
    # where the ports' passes would cost, NumPy's loops)
    log, log1p = ((_glibc.logf, _glibc.log1pf)
                  if x.dtype == np.float32 and x.size <= _GLIBC_MAX and not _meta.is_meta(x)
                  else (_log, _log1p))
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = (t - x.dtype.type(1)) * np.maximum(log1p(-x), floor) \
            - t * np.maximum(log(x), floor)
    if w is not None:
        loss = loss * w
    data = reduce(loss, reduction)
    return recorded(BinaryCrossEntropyBackward0, data, (input, target),
                    (w, reduction, loss.size))


# -- binary cross entropy with logits ------------------------------------------------------
def log_sigmoid(xp, x):
    """log(sigmoid(x)) without overflow: min(x, 0) - log1p(exp(-|x|))."""
    return xp.where(x < 0, x, 0.0) - xp.log1p(xp.exp(-xp.abs(x)))


def _check_broadcast_into(a, b, shape):
    """ATen's errors where a weight does not broadcast with the loss (whose
    shape, the input's, the in-place weighting keeps)."""
    if a is None or b is None:
        return
    try:
        full = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise broadcast_error(a.shape, b.shape) from None
    if full != tuple(shape) and a.shape == tuple(shape):
        raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast shape "
                           f"{list(full)}")


def _bcel_self(xp, g, self, target, weight, pos_weight, reduction, n):
    if pos_weight is None:
        d = xp.sigmoid(self) - target
    else:
        pt = const(xp, pos_weight) * target
        d = (xp.add_scalar(pt, 1) - target) * xp.sigmoid(self) - pt
    return _bcel_mean(xp, _weighted(xp, d * g, weight), reduction, n)


def _bcel_mean(xp, v, reduction, n):
    """The mean's division by the count (ATen's div_(numel); recorded, the
    C++ Scalar division, DivBackward1, of PyTorch's backward functions)."""
    return xp.div_scalar(v, n) if reduction == "mean" and n else v


def _bcel_target(xp, g, self, weight, pos_weight, reduction, n):
    if xp.recording and pos_weight is not None:
        # (binary_cross_entropy_with_logits_target_backward, as it writes it)
        from .activation_smooth import logsigmoid
        d = logsigmoid(-self) - logsigmoid(self) * const(xp, pos_weight)
    else:
        d = -self
        if pos_weight is not None:
            d = d - (const(xp, pos_weight) - 1) * log_sigmoid(xp, self)
    return _bcel_mean(xp, _weighted(xp, d * g, weight), reduction, n)


BinaryCrossEntropyWithLogitsBackward0 = grad_fn(
    "BinaryCrossEntropyWithLogitsBackward0", self=_bcel_self, target=_bcel_target, saved={
        "pos_weight": tensor_field("pos_weight"), "reduction": REDUCTION,
        "weight": tensor_field("weight")})


def _numpy1_arrays(*arrays):
    """0-d arrays as 1-element ones on NumPy 1.x, which takes a 0-d array for
    a scalar that a Python number (1 - t) widens to float64."""
    if not _VALUE_BASED_CASTING:
        return arrays
    return tuple(a.reshape(1) if a is not None and not a.ndim else a for a in arrays)


def _bcel_forward(x, t, w, pw):
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        ls = _logsigmoid_forward(x)[0]      # (at::log_sigmoid's kernel)
        if pw is not None:
            ls = ls * ((pw - 1) * t + 1)
        loss = (1 - t) * x - ls
        if w is not None:
            loss = loss * w
    return loss


def _bcel_target_dtype(input, target):
    """ATen computes the loss as `(1 - target).mul_(input).sub_(...)`: in the
    target's dtype, so a bool or integer target (labels as a LongTensor, a
    usual slip) fails as those in-place ops do."""
    if target.dtype is D.bool_:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    check_output_cast(D.promote_types(target.dtype, input.dtype), target.dtype)


def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=0):
    reduction = reduction_name(reduction)
    check_not_differentiable("binary_cross_entropy_with_logits", weight=weight,
                             pos_weight=pos_weight)
    if input._data.dtype.kind in "biu":
        raise NotImplementedError(f'"log_sigmoid_cpu" not implemented for '
                                  f"'{D.SCALAR_NAMES[input.dtype]}'")
    _bcel_target_dtype(input, target)
    x, t, w, pw = _float_arrays(input, target, weight, pos_weight, promote=True)
    _check_broadcast_into(pw, t, x.shape)
    _check_broadcast_into(x, w, x.shape)
    refuse_dtype("log_sigmoid_cpu", input._data)
    loss = _bcel_forward(*_numpy1_arrays(x, t, w, pw)).reshape(x.shape)
    if target.dtype._category == D._FLOAT and loss.dtype != target._data.dtype:
        loss = loss.astype(target._data.dtype)
    data = reduce(loss, reduction)
    no_complex_autograd("binary_cross_entropy_with_logits", data, input, target)
    return recorded(BinaryCrossEntropyWithLogitsBackward0, data, (input, target),
                    (w, pw, reduction, loss.size))


binary_cross_entropy_with_logits = register(binary_cross_entropy_with_logits, method=False,
                                            out=False)

from . import loss_margin, loss_composite, loss_ctc, loss_pointwise  # noqa: E402,F401 (sisters)
from .loss_composite import *  # noqa: E402,F401,F403
from .loss_ctc import *  # noqa: E402,F401,F403
from .loss_pointwise import *  # noqa: E402,F401,F403

__all__ += loss_composite.__all__ + loss_ctc.__all__
