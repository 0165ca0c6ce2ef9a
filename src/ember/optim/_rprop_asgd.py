"""optim.Rprop (sign-based step sizes) and optim.ASGD (averaged SGD), as
torch's single-tensor paths."""
from .._backend import np

from .._creation import full_like, zeros_like
from ._base import PerParameter, check_lr, check_nonneg, scalar_state, weak, with_weight_decay
from .optimizer import _to_scalar

__all__ = ["Rprop", "ASGD"]

_FLAGS = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}


class Rprop(PerParameter):
    _group_flags = _FLAGS

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach,
                        maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    def _new_state(self, p, group):
        lr = group["lr"]
        init = complex(lr, lr) if p.is_complex() else _to_scalar(lr)
        return {"step": scalar_state(0.0), "prev": zeros_like(p),
                "step_size": full_like(p._grad, init)}

    def _update(self, p, grad, state, hp, step):
        etaminus, etaplus = hp["etas"]
        step_size_min, step_size_max = hp["step_sizes"]
        prev, step_size = state["prev"], state["step_size"]
        sign = np.sign(grad * prev)
        sign[sign > 0] = etaplus
        sign[sign < 0] = etaminus
        sign[sign == 0] = 1
        step_size *= sign
        np.clip(step_size, step_size_min, step_size_max, out=step_size)
        grad = grad.copy()
        grad[sign == etaminus] = 0
        p += (-1 * np.sign(grad)) * step_size
        prev[...] = grad


class ASGD(PerParameter):
    _group_flags = _FLAGS
    _scalar_keys = ("step", "eta", "mu")
    _capturable_what = "params, mus, etas, and state_steps"

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0,
                 foreach=None, maximize=False, differentiable=False, capturable=False):
        check_lr(lr)
        check_nonneg("weight_decay value", weight_decay)
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    def _new_state(self, p, group):
        return {"step": scalar_state(0.0), "eta": scalar_state(_to_scalar(group["lr"])),
                "mu": scalar_state(1.0), "ax": zeros_like(p)}

    def _update(self, p, grad, state, hp, step):
        lr, lambd, alpha, t0 = hp["lr"], hp["lambd"], hp["alpha"], hp["t0"]
        grad = with_weight_decay(grad, p, hp["weight_decay"])
        eta, mu, ax = state["eta"], state["mu"], state["ax"]
        eta_value = float(eta)
        p *= 1 - lambd * eta_value
        p += (-eta_value) * grad
        if float(mu) != 1:
            ax += (p - ax) * mu
        else:
            ax[...] = p
        # in a Tensor lr's dtype, as torch's as_tensor(lr / ...)
        decay = weak(1, lr) + weak(lambd, lr) * lr * weak(step, lr)
        eta[...] = lr / decay ** weak(alpha, lr)
        mu[...] = 1 / max(1, step - t0)
