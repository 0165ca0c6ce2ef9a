"""optim.SGD: torch's `_single_tensor_sgd` on the parameters' arrays.

The update follows torch's order of operations (maximize, weight decay,
momentum buffer, nesterov, then `param.add_(grad, alpha=-lr)`). Each
`a.add_(b, alpha=c)` is add_scaled_, which rounds once as torch's fused
kernel does when SciPy's BLAS is there (then the parameters are torch's bit
for bit), and twice without it (at most an ulp apart).
"""
from .._backend import add_scaled_, np

from .._tensor import Tensor
from ._base import check_differentiable, check_fused, check_fused_param, check_lr, value
from .optimizer import Optimizer

__all__ = ["SGD", "sgd"]


class SGD(Optimizer):
    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False, foreach=None, differentiable=False,
                 fused=None):
        check_lr(lr, sgd=True)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                        foreach=foreach, differentiable=differentiable, fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        check_fused(fused, foreach, differentiable)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("nesterov", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("differentiable", False)
            group.setdefault("fused", False)

    def step(self, closure=None):
        loss = self._evaluate(closure)
        for group in self.param_groups:
            with_grad = [p for p in group["params"] if p._grad is not None]
            check_differentiable(group, with_grad)
            if group["fused"]:
                for p in with_grad:
                    check_fused_param(p)
            lr = value(group["lr"])
            momentum = group["momentum"]
            weight_decay = value(group["weight_decay"])
            if momentum == 0 and weight_decay == 0 and not group["maximize"]:
                # Plain SGD, the common case: p.add_(g, alpha=-lr).
                for p in group["params"]:
                    g = p._grad
                    if g is not None:
                        add_scaled_(p._data, g._data, -lr)
                        p._bump()
                continue
            params, grads, bufs = [], [], []
            for p in group["params"]:
                if p._grad is not None:
                    params.append(p)
                    grads.append(p._grad)
                    if momentum != 0:
                        bufs.append(self.state[p].get("momentum_buffer"))
            sgd(params, grads, bufs, weight_decay=weight_decay, momentum=momentum, lr=lr,
                dampening=group["dampening"], nesterov=group["nesterov"],
                maximize=group["maximize"])
            if momentum != 0:
                for p, buf in zip(params, bufs):
                    self.state[p]["momentum_buffer"] = buf
        return loss


def sgd(params, d_p_list, momentum_buffer_list, has_sparse_grad=False, foreach=None,
        fused=None, grad_scale=None, found_inf=None, *, weight_decay, momentum, lr, dampening,
        nesterov, maximize):
    """The functional form: updates `params` in place; new momentum buffers
    are put into `momentum_buffer_list`."""
    for i, param in enumerate(params):
        p = param._data
        grad = d_p_list[i]._data
        if maximize:
            grad = -grad
        if weight_decay != 0:
            grad = add_scaled_(grad.copy(), p, weight_decay)
        if momentum != 0:
            buf = momentum_buffer_list[i]
            if buf is None:
                buf = Tensor._wrap(np.array(grad, copy=True))
                momentum_buffer_list[i] = buf
            else:
                b = buf._data
                b *= momentum
                add_scaled_(b, grad, 1 - dampening)
                buf._bump()
            grad = add_scaled_(grad.copy(), buf._data, momentum) if nesterov else buf._data
        add_scaled_(p, grad, -lr)
        param._bump()
