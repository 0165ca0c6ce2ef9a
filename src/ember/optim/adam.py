"""optim.Adam and optim.AdamW: torch's `_single_tensor_adam` on the arrays.

Each line mirrors torch's: `exp_avg.lerp_(grad, 1 - beta1)`,
`exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)`, the bias
corrections as Python floats, `denom = sqrt(v) / sqrt(bc2) + eps`, and
`param.addcdiv_(exp_avg, denom, value=-step_size)`; scalars enter the
float32 arithmetic as float32, as in torch's kernels.
"""
from .._backend import np

from .. import _dtype as D
from .._creation import tensor, zeros_like
from .._tensor import Tensor
from .optimizer import Optimizer, _to_scalar

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not ((isinstance(betas[0], float) and isinstance(betas[1], float))
                or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))):
            raise ValueError("betas must be either both floats or both Tensors")
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("amsgrad", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("capturable", False)
            group.setdefault("differentiable", False)
            group.setdefault("decoupled_weight_decay", False)
            group.setdefault("fused", None)
            for p in group["params"]:
                p_state = self.state.get(p, [])
                if len(p_state) != 0 and not isinstance(p_state["step"], Tensor):
                    p_state["step"] = tensor(float(p_state["step"]), dtype=_scalar_dtype())

    def step(self, closure=None):
        loss = self._evaluate(closure)
        for group in self.param_groups:
            beta1, beta2 = (_to_scalar(b) for b in group["betas"])
            lr = _to_scalar(group["lr"])
            weight_decay, eps = group["weight_decay"], group["eps"]
            amsgrad, maximize = group["amsgrad"], group["maximize"]
            decoupled = group["decoupled_weight_decay"]
            for p in group["params"]:
                if p._grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = tensor(0.0, dtype=_scalar_dtype())
                    state["exp_avg"] = zeros_like(p)
                    state["exp_avg_sq"] = zeros_like(p)
                    if amsgrad:
                        state["max_exp_avg_sq"] = zeros_like(p)
                _adam_update(p, state, beta1, beta2, lr, weight_decay, eps, amsgrad,
                             maximize, decoupled)
        return loss


def _scalar_dtype():
    return D.float64 if D.get_default_dtype() == D.float64 else D.float32


def _adam_update(param, state, beta1, beta2, lr, weight_decay, eps, amsgrad, maximize,
                 decoupled):
    p = param._data
    grad = param._grad._data
    if maximize:
        grad = -grad
    step_t = state["step"]
    step_t._data += 1
    step_t._bump()
    if weight_decay != 0:
        if decoupled:
            p *= 1 - lr * weight_decay
        else:
            grad = grad + weight_decay * p
    m, v = state["exp_avg"], state["exp_avg_sq"]
    md, vd = m._data, v._data
    # lerp_(grad, w): torch picks the formula by |w| for accuracy.
    w = 1 - beta1
    if abs(w) < 0.5:
        md += w * (grad - md)
    else:
        md[...] = grad - (grad - md) * (1 - w)
    vd *= beta2
    vd += ((1 - beta2) * grad) * grad
    m._bump()
    v._bump()
    step = step_t.item()
    bias_correction1 = 1 - beta1 ** step
    bias_correction2 = 1 - beta2 ** step
    step_size = lr / bias_correction1
    bias_correction2_sqrt = bias_correction2 ** 0.5
    if amsgrad:
        mx = state["max_exp_avg_sq"]
        np.maximum(mx._data, vd, out=mx._data)
        mx._bump()
        denom = np.sqrt(mx._data) / bias_correction2_sqrt
    else:
        denom = np.sqrt(vd) / bias_correction2_sqrt
    denom += eps
    p += ((-step_size) * md) / denom
    param._bump()


class AdamW(Adam):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False,
                 differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable,
                         differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
