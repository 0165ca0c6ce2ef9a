"""optim.Adam and optim.AdamW: torch's `_single_tensor_adam` on the arrays.

Each line mirrors torch's: `exp_avg.lerp_(grad, 1 - beta1)`,
`exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)`, the bias
corrections as Python floats, `denom = sqrt(v) / sqrt(bc2) + eps`, and
`param.addcdiv_(exp_avg, denom, value=-step_size)`; scalars enter the
float32 arithmetic as float32, as in torch's kernels.
"""
from .._backend import np
from .. import _dtype as D

from .._creation import zeros_like
from .._tensor import Tensor
from ._base import (PerParameter, check_betas, check_fused, check_lr, lerp_, scalar_state, value,
                    weak)

__all__ = ["Adam", "AdamW"]


class Adam(PerParameter):
    _group_flags = {"amsgrad": False, "maximize": False, "foreach": None,
                    "capturable": False, "differentiable": False,
                    "decoupled_weight_decay": False, "fused": None}

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        if isinstance(lr, Tensor):
            if foreach and not capturable:
                raise ValueError("lr as a Tensor is not supported for capturable=False and "
                                 "foreach=True")
        check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        check_betas(betas)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not ((isinstance(betas[0], float) and isinstance(betas[1], float))
                or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))):
            raise ValueError("betas must be either both floats or both Tensors")
        for i in (0, 1):
            if isinstance(betas[i], Tensor):
                if not capturable and foreach:
                    raise ValueError(f"betas[{i}] as a Tensor is not supported for "
                                     "capturable=False and foreach=True")
                if betas[i].numel() != 1:
                    raise ValueError(f"Tensor betas[{i}] must be 1-element")
        # torch's _to_scalar: a 1-element Tensor beta is kept as a 0-d Tensor.
        betas = tuple(b.reshape(()) if isinstance(b, Tensor) else b for b in betas)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)
        check_fused(fused, foreach, differentiable)

    def _check_group(self, group):
        if group["foreach"] and isinstance(group["lr"], Tensor) and not group["capturable"]:
            raise RuntimeError("lr as a Tensor is not supported for capturable=False and "
                               "foreach=True")

    def _new_state(self, p, group):
        state = {"step": scalar_state(0.0, group["fused"]),
                 "exp_avg": zeros_like(p), "exp_avg_sq": zeros_like(p)}
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = zeros_like(p)
        return state

    def _update(self, p, grad, state, hp, step):
        beta1, beta2 = (value(b) for b in hp["betas"])
        lr, weight_decay, eps = hp["lr"], hp["weight_decay"], hp["eps"]
        # A Tensor lr or beta is a NumPy scalar here: `weak` keeps the scalar
        # arithmetic in its dtype on NumPy 1 too.
        # (torch's kernels compute float16 and bfloat16 in float32, with
        # float32 scalars, rounding once per op: the fused ones here too,
        # lerp_, addcmul_, addcdiv_; NumPy would widen a bfloat16 array met
        # with a Python float to float64)
        half = p.dtype in D.HALF_NP
        wide, num = (_wide, _float32) if half else (_same, _same)
        if weight_decay != 0:
            if hp["decoupled_weight_decay"]:
                p *= num(weak(1, lr) - lr * weak(weight_decay, lr))
            else:
                grad = (wide(grad) + weight_decay * wide(p)).astype(p.dtype, copy=False)
        grad = wide(grad)
        md, vd = state["exp_avg"], state["exp_avg_sq"]
        # torch lerps with a Tensor beta1 cast to the parameter's dtype
        lerp_beta1 = p.dtype.type(beta1) if isinstance(beta1, np.generic) else beta1
        lerp_(md, grad, weak(1, lerp_beta1) - lerp_beta1)
        vd *= num(beta2)
        vd += ((weak(1, beta2) - beta2) * grad) * grad
        bias_correction1 = weak(1, beta1) - beta1 ** weak(step, beta1)
        bias_correction2 = weak(1, beta2) - beta2 ** weak(step, beta2)
        step_size = weak(lr, bias_correction1) / weak(bias_correction1, lr)
        bias_correction2_sqrt = bias_correction2 ** weak(0.5, bias_correction2)
        if hp["amsgrad"]:
            mx = state["max_exp_avg_sq"]
            np.maximum(mx, vd, out=mx)
            denom = np.sqrt(mx) / num(bias_correction2_sqrt)
        else:
            denom = np.sqrt(vd) / num(bias_correction2_sqrt)
        if half:
            denom = denom.astype(p.dtype)
        denom += num(eps)
        p += ((-step_size) * wide(md)) / denom


def _wide(a):
    return a.astype(np.float32)


def _same(a):
    return a


def _float32(x):
    return np.float32(x) if x.__class__ in (float, int) else x


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
