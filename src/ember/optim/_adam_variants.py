"""optim.NAdam and optim.RAdam: Adam with Nesterov momentum and with a
rectified variance, as torch's single-tensor paths."""
from .._backend import np

from .._creation import zeros_like
from ._base import (PerParameter, check_betas, check_lr, check_nonneg, lerp_, scalar_state,
                    weak)

__all__ = ["NAdam", "RAdam"]

_FLAGS = {"maximize": False, "foreach": None, "capturable": False, "differentiable": False,
          "decoupled_weight_decay": False}


def _adam_checks(lr, betas, eps, weight_decay):
    check_lr(lr)
    check_nonneg("epsilon value", eps)
    check_betas(betas)
    check_nonneg("weight_decay value", weight_decay)


def _decay(p, grad, hp):
    """Weight decay: decoupled (p *= 1 - lr * wd) or added to the gradient."""
    weight_decay = hp["weight_decay"]
    if weight_decay == 0:
        return grad
    if hp["decoupled_weight_decay"]:
        p *= 1 - hp["lr"] * weight_decay
        return grad
    return grad + weight_decay * p


def _moments(grad, state, beta1, beta2):
    lerp_(state["exp_avg"], grad, 1 - beta1)
    v = state["exp_avg_sq"]
    v *= beta2
    v += ((1 - beta2) * grad) * grad


class NAdam(PerParameter):
    _group_flags = _FLAGS
    _scalar_keys = ("step", "mu_product")
    _capturable_what = "params, mu_products and state_steps"

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        _adam_checks(lr, betas, eps, weight_decay)
        check_nonneg("momentum_decay value", momentum_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def _new_state(self, p, group):
        return {"step": scalar_state(0.0), "mu_product": scalar_state(1.0),
                "exp_avg": zeros_like(p), "exp_avg_sq": zeros_like(p)}

    def _update(self, p, grad, state, hp, step):
        beta1, beta2 = hp["betas"]
        lr, momentum_decay = hp["lr"], hp["momentum_decay"]
        bias_correction2 = 1 - beta2 ** step
        grad = _decay(p, grad, hp)
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
        # mu_product is a 0-d tensor of the scalar dtype: it accumulates rounded.
        mu_product = state["mu_product"]
        mu_product *= weak(mu, mu_product)
        mu_product = float(mu_product)
        mu_product_next = mu_product * mu_next
        _moments(grad, state, beta1, beta2)
        denom = np.sqrt(state["exp_avg_sq"] / bias_correction2)
        denom += hp["eps"]
        p += ((-lr * (1.0 - mu) / (1.0 - mu_product)) * grad) / denom
        p += (((-lr * mu_next) / (1.0 - mu_product_next)) * state["exp_avg"]) / denom


class RAdam(PerParameter):
    _group_flags = _FLAGS

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False,
                 capturable=False, differentiable=False):
        _adam_checks(lr, betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def _new_state(self, p, group):
        return {"step": scalar_state(0.0), "exp_avg": zeros_like(p),
                "exp_avg_sq": zeros_like(p)}

    def _update(self, p, grad, state, hp, step):
        beta1, beta2 = hp["betas"]
        lr = hp["lr"]
        grad = _decay(p, grad, hp)
        _moments(grad, state, beta1, beta2)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        bias_corrected_exp_avg = state["exp_avg"] / bias_correction1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                    / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive_lr = (bias_correction2 ** 0.5) / (np.sqrt(state["exp_avg_sq"]) + hp["eps"])
            p -= ((bias_corrected_exp_avg * lr) * adaptive_lr) * rect
        else:
            p -= bias_corrected_exp_avg * lr
