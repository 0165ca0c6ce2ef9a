"""optim.Adagrad, Adadelta, RMSprop and Adamax: the optimizers that scale
each coordinate by an accumulated gradient magnitude, as torch's
single-tensor paths, operation by operation (so float32 results agree to
rounding)."""
from .._backend import np

from .._creation import full_like, zeros_like
from ._base import (CAPTURABLE_DEVICES, PerParameter, check_betas, check_fused,
                    check_fused_param, check_lr, check_nonneg, lerp_, scalar_state,
                    with_weight_decay)

__all__ = ["Adagrad", "Adadelta", "RMSprop", "Adamax"]


class Adagrad(PerParameter):
    _group_flags = {"foreach": None, "maximize": False, "differentiable": False,
                    "fused": None}

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0,
                 initial_accumulator_value=0, eps=1e-10, foreach=None, *, maximize=False,
                 differentiable=False, fused=None):
        check_lr(lr)
        check_nonneg("lr_decay value", lr_decay)
        check_nonneg("weight_decay value", weight_decay)
        check_nonneg("initial_accumulator_value value", initial_accumulator_value)
        check_nonneg("epsilon value", eps)
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        check_fused(fused, foreach, differentiable)
        # torch fills Adagrad's state eagerly, at construction.
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p] = self._new_state(p, group)

    def _new_state(self, p, group):
        if group["fused"]:
            check_fused_param(p)
        init = self.defaults["initial_accumulator_value"]
        return {"step": scalar_state(0.0, group["fused"]),
                "sum": full_like(p, complex(init, init) if p.is_complex() else init)}

    def share_memory(self):
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p]["sum"].share_memory_()

    def _update(self, p, grad, state, hp, step):
        grad = with_weight_decay(grad, p, hp["weight_decay"])
        clr = hp["lr"] / (1 + (step - 1) * hp["lr_decay"])
        s = state["sum"]
        s += grad * grad
        std = np.sqrt(s)
        std += hp["eps"]
        p += ((-clr) * grad) / std


class Adadelta(PerParameter):
    _group_flags = {"foreach": None, "maximize": False, "differentiable": False,
                    "capturable": False}
    _capturable_devices = CAPTURABLE_DEVICES[:-1]   # torch's Adadelta excludes xla

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        check_nonneg("epsilon value", eps)
        check_nonneg("weight_decay value", weight_decay)
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=capturable, foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def _new_state(self, p, group):
        return {"step": scalar_state(0.0), "square_avg": zeros_like(p),
                "acc_delta": zeros_like(p)}

    def _update(self, p, grad, state, hp, step):
        rho, eps = hp["rho"], hp["eps"]
        grad = with_weight_decay(grad, p, hp["weight_decay"])
        square_avg, acc_delta = state["square_avg"], state["acc_delta"]
        square_avg *= rho
        square_avg += ((1 - rho) * grad) * grad
        std = np.sqrt(square_avg + eps)
        delta = np.sqrt(acc_delta + eps)
        delta /= std
        delta *= grad
        acc_delta *= rho
        acc_delta += ((1 - rho) * delta) * delta
        p += (-hp["lr"]) * delta


class RMSprop(PerParameter):
    _group_flags = {"momentum": 0, "centered": False, "foreach": None, "maximize": False,
                    "differentiable": False, "capturable": False}

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        check_lr(lr)
        check_nonneg("epsilon value", eps)
        check_nonneg("momentum value", momentum)
        check_nonneg("weight_decay value", weight_decay)
        check_nonneg("alpha value", alpha)
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def _new_state(self, p, group):
        state = {"step": scalar_state(0.0), "square_avg": zeros_like(p)}
        if group["momentum"] > 0:
            state["momentum_buffer"] = zeros_like(p)
        if group["centered"]:
            state["grad_avg"] = zeros_like(p)
        return state

    def _update(self, p, grad, state, hp, step):
        alpha, momentum = hp["alpha"], hp["momentum"]
        grad = with_weight_decay(grad, p, hp["weight_decay"])
        square_avg = state["square_avg"]
        square_avg *= alpha
        square_avg += ((1 - alpha) * grad) * grad
        if hp["centered"]:
            grad_avg = state["grad_avg"]
            lerp_(grad_avg, grad, 1 - alpha)
            avg = np.sqrt(square_avg + (-1 * grad_avg) * grad_avg)
        else:
            avg = np.sqrt(square_avg)
        avg += hp["eps"]
        if momentum > 0:
            buf = state["momentum_buffer"]
            buf *= momentum
            buf += grad / avg
            p += (-hp["lr"]) * buf
        else:
            p += ((-hp["lr"]) * grad) / avg


class Adamax(PerParameter):
    _group_flags = {"foreach": None, "maximize": False, "differentiable": False,
                    "capturable": False}

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False, capturable=False):
        check_lr(lr)
        check_nonneg("epsilon value", eps)
        check_betas(betas)
        check_nonneg("weight_decay value", weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    def _new_state(self, p, group):
        return {"step": scalar_state(0.0), "exp_avg": zeros_like(p), "exp_inf": zeros_like(p)}

    def _update(self, p, grad, state, hp, step):
        beta1, beta2 = hp["betas"]
        grad = with_weight_decay(grad, p, hp["weight_decay"])
        exp_avg, exp_inf = state["exp_avg"], state["exp_inf"]
        lerp_(exp_avg, grad, 1 - beta1)
        exp_inf *= beta2
        np.maximum(exp_inf, np.abs(grad) + hp["eps"], out=exp_inf)
        clr = hp["lr"] / (1 - beta1 ** step)
        p += ((-clr) * exp_avg) / exp_inf
