"""The pointwise losses of one ATen kernel each: smooth_l1_loss, huber_loss,
soft_margin_loss (sisters of loss.py, whose helpers they share)."""
from .._backend import np, restore, silence

from .. import _dtype as D
from ._common import no_complex_autograd, recorded
from ._registry import grad_fn
from .loss import (_float_arrays, _kernel_transpose, _per_element, _twice, broadcast_error,
                   REDUCTION, check_not_differentiable, check_output_cast, norm, reduce,
                   refuse_dtype)

__all__ = ["smooth_l1_loss", "huber_loss", "soft_margin_loss", "SmoothL1LossBackward0",
           "SmoothL1LossBackwardBackward0", "HuberLossBackward0", "HuberLossBackwardBackward0",
           "SoftMarginLossBackward0"]


# (each backward kernel, in self or, arguments swapped, in target, is one node
# under create_graph, as mse_loss's)
def _smooth_l1_kernel(xp, g, x, t, beta, reduction, n):
    d = x - t
    inner = xp.where(d <= -beta, -1.0, xp.where(d >= beta, 1.0, d / beta))
    return inner * g * norm(reduction, n)


def _smooth_l1_slope(xp, g, self, target, beta, reduction, n):
    if beta == 0:   # (ATen's guard against dividing by zero)
        return xp.zeros_like(g)
    return _per_element(xp, xp.div_scalar(g * (abs(self - target) < beta), beta), reduction, n)


def _loss_nodes(name, kernel, slope, fields):
    """A pointwise loss's node and its backward kernel's node: the formulas
    take the loss's constants (`fields`' keys first, then reduction, n)."""
    twice = grad_fn(
        f"{name}BackwardBackward0", saved=fields,
        grad_output=lambda xp, grad, grad_output, self, target, c, reduction, n:
        _kernel_transpose(xp, twice, kernel, grad, grad_output, self, target, reduction,
                          c, reduction, n),
        self=lambda xp, grad, grad_output, self, target, c, reduction, n:
        slope(xp, grad * grad_output, self, target, c, reduction, n),
        target=lambda xp, grad, grad_output, self, target, c, reduction, n:
        -slope(xp, grad * grad_output, self, target, c, reduction, n))
    once = grad_fn(
        f"{name}Backward0", saved=fields,
        self=lambda xp, g, self, target, c, reduction, n:
        _twice(xp, twice, kernel, g, self, target, c, reduction, n),
        target=lambda xp, g, self, target, c, reduction, n:
        _twice(xp, twice, kernel, g, target, self, c, reduction, n))
    return once, twice


SmoothL1LossBackward0, SmoothL1LossBackwardBackward0 = _loss_nodes(
    "SmoothL1Loss", _smooth_l1_kernel, _smooth_l1_slope,
    {"beta": "c", "reduction": ("reduction", REDUCTION[1])})


def _binary_loss_arrays(input, target, promote):
    """Both sides broadcast, in input's dtype or (a kernel that promotes) the common one."""
    x, t = _float_arrays(input, target, promote=promote)
    try:
        return np.broadcast_arrays(x, t)
    except ValueError:
        raise broadcast_error(x.shape, t.shape) from None


def smooth_l1_loss(input, target, reduction="mean", beta=1.0):
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    x, t = _binary_loss_arrays(input, target, True)
    refuse_dtype("smooth_l1_cpu", x)
    token = silence()       # (an infinity's loss is inf, without NumPy's warning)
    try:
        z = np.abs(x - t)
        loss = np.where(z < beta, 0.5 * z * z / beta if beta else z, z - 0.5 * beta)
        loss = reduce(loss.astype(x.dtype), reduction)
    finally:
        restore(token)
    return recorded(SmoothL1LossBackward0, loss, (input, target), (float(beta), reduction, z.size))


def _huber_kernel(xp, g, x, t, delta, reduction, n):
    if x.dtype != t.dtype:
        # (ATen's huber_loss_backward, unlike its forward, does not promote)
        names = [D.SCALAR_NAMES[D._BY_NP[d] if isinstance(d, np.dtype) else d]
                 for d in (t.dtype, x.dtype)]
        raise RuntimeError("Found dtype {} but expected {}".format(*names))
    d = x - t
    inner = xp.where(d < -delta, -delta, xp.where(d > delta, delta, d))
    return inner * g * norm(reduction, n)


def _huber_slope(xp, g, self, target, delta, reduction, n):
    return _per_element(xp, g * (abs(self - target) < delta), reduction, n)


HuberLossBackward0, HuberLossBackwardBackward0 = _loss_nodes(
    "HuberLoss", _huber_kernel, _huber_slope,
    {"delta": "c", "reduction": ("reduction", REDUCTION[1])})


def huber_loss(input, target, reduction="mean", delta=1.0):
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    # (its output is made like the input; the kernel runs in the common dtype)
    common = D.promote_types(input.dtype, target.dtype)
    check_output_cast(common, input.dtype)
    x, t = _binary_loss_arrays(input, target, False)
    refuse_dtype("huber_cpu", x)
    token = silence()
    try:
        z = np.abs(x - t)
        loss = reduce(np.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta)).astype(x.dtype),
                      reduction)
    finally:
        restore(token)
    return recorded(HuberLossBackward0, loss, (input, target), (float(delta), reduction, z.size))


def _soft_margin_self(xp, g, self, target, reduction, n):
    z = xp.exp(-target * self)
    return -target * z / (1 + z) * g * norm(reduction, n)


SoftMarginLossBackward0 = grad_fn("SoftMarginLossBackward0", self=_soft_margin_self)


def soft_margin_loss(input, target, reduction="mean"):
    check_not_differentiable("soft_margin_loss", target=target)
    # ATen: neg_out(output like input, input).mul_(target).exp_().log1p_()
    if input.dtype is D.bool_:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If "
                           "you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")
    check_output_cast(D.promote_types(input.dtype, D.promote_types(target.dtype, D.float32)),
                      input.dtype)
    x, t = _binary_loss_arrays(input, target, False)
    with np.errstate(over="ignore"):
        loss = np.log1p(np.exp(-x * t))
    no_complex_autograd("soft_margin_loss", loss, input, target)
    return recorded(SoftMarginLossBackward0, reduce(loss, reduction), (input, target),
                    (reduction, loss.size))
