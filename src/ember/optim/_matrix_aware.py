"""optim.Adafactor (factored second moments for matrices) and optim.Muon
(orthogonalised momentum for 2-D parameters), as torch's single-tensor
paths."""
import math

from .._backend import np

from .._creation import zeros_like
from .._tensor import Tensor
from ._base import PerParameter, lerp_, scalar_state, value, weak
from .optimizer import Optimizer

__all__ = ["Adafactor", "Muon"]


def _norm(a, axis=None):
    return np.sqrt(np.sum(a * a, axis=axis, keepdims=axis is not None))


class Adafactor(PerParameter):
    _group_flags = {"foreach": None}

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0,
                 weight_decay=0.0, *, foreach=None, maximize=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d,
                        weight_decay=weight_decay, foreach=foreach, maximize=maximize)
        super().__init__(params, defaults)

    def _new_state(self, p, group):
        grad = p._grad
        state = {"step": scalar_state(0.0)}
        if grad.dim() > 1:
            state["row_var"] = Tensor._wrap(np.zeros(grad.shape[:-1] + (1,), grad._data.dtype))
            state["col_var"] = Tensor._wrap(
                np.zeros(grad.shape[:-2] + (1,) + grad.shape[-1:], grad._data.dtype))
        else:
            state["variance"] = zeros_like(grad)
        return state

    def _update(self, p, grad, state, hp, step):
        lr, weight_decay, d = hp["lr"], hp["weight_decay"], hp["d"]
        eps1, eps2 = hp["eps"]
        if eps1 is None:
            eps1 = float(np.finfo(p.dtype).eps)
        one_minus_beta2_t = step ** hp["beta2_decay"]
        rho_t = min(lr, 1 / step ** 0.5)
        alpha = max(eps2, float(_norm(p)) / p.size ** 0.5) * rho_t
        if weight_decay != 0:
            p *= 1 - lr * weight_decay
        if grad.ndim > 1:
            row_var, col_var = state["row_var"], state["col_var"]
            lerp_(row_var, _norm(grad, -1) ** 2 / grad.shape[-1], one_minus_beta2_t)
            lerp_(col_var, _norm(grad, -2) ** 2 / grad.shape[-2], one_minus_beta2_t)
            var_estimate = row_var @ col_var
            var_estimate /= np.maximum(row_var.mean(axis=-2, keepdims=True), eps1)
        else:
            variance = state["variance"]
            lerp_(variance, grad * grad, one_minus_beta2_t)
            var_estimate = variance.copy()
        update = 1 / np.sqrt(np.maximum(var_estimate, eps1 * eps1))
        update *= grad
        denom = max(1.0, float(_norm(update)) / (update.size ** 0.5 * d))
        p += (-alpha / denom) * update


def _bf16(a):
    """Round float32 values to bfloat16 (nearest, ties to even), kept as float32:
    torch runs Muon's Newton-Schulz iteration in bfloat16."""
    a = np.asarray(a, dtype=np.float32)
    bits = a.view(np.uint32).astype(np.uint64)
    u = np.uint64      # (typed constants: NumPy 1.x turns uint64 with a Python int to float)
    bits = (bits + u(0x7FFF) + ((bits >> u(16)) & u(1))) & u(0xFFFF0000)
    out = bits.astype(np.uint32).view(np.float32)
    return np.where(np.isnan(a), a, out)


def _zeropower_via_newtonschulz(grad, ns_coefficients, ns_steps, eps):
    if ns_steps >= 100:
        raise ValueError("Number of steps must be less than 100 for computational efficiency")
    if grad.ndim != 2:
        raise ValueError("Input tensor gradient must be a 2D matrix")
    if len(ns_coefficients) != 3:
        raise ValueError("Coefficients must be a tuple of exactly 3 values")
    a, b, c = ns_coefficients
    x = _bf16(grad)
    tall = grad.shape[0] > grad.shape[1]
    if tall:
        x = x.T
    x = _bf16(x / max(float(_bf16(_norm(x))), eps))
    for _ in range(ns_steps):
        gram = _bf16(x @ x.T)
        gram_update = _bf16(b * gram + c * (gram @ gram))
        x = _bf16(a * x + gram_update @ x)
    return x.T if tall else x


def _adjust_lr(lr, adjust_lr_fn, param_shape):
    A, B = param_shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        adjusted_ratio = math.sqrt(max(1, A / B))
    elif adjust_lr_fn == "match_rms_adamw":
        adjusted_ratio = 0.2 * math.sqrt(max(A, B))
    else:
        adjusted_ratio = 1.0
    return lr * weak(adjusted_ratio, lr)


class Muon(Optimizer):
    def __init__(self, params, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
                 ns_coefficients=(3.4445, -4.775, 2.0315), eps=1e-7, ns_steps=5,
                 adjust_lr_fn=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 <= momentum:
            raise ValueError(f"momentum should be >= 0 but is: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight decay should be >= 0 but is: {weight_decay}")
        if adjust_lr_fn is not None and adjust_lr_fn not in ["original", "match_rms_adamw"]:
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        defaults = dict(lr=lr, weight_decay=weight_decay, momentum=momentum, nesterov=nesterov,
                        ns_coefficients=ns_coefficients, eps=eps, ns_steps=ns_steps,
                        adjust_lr_fn=adjust_lr_fn)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError("Muon only supports 2D parameters whereas we found a "
                                     f"parameter with size: {p.size()}")

    def step(self, closure=None):
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, momentum = value(group["lr"]), group["momentum"]
            for p in group["params"]:
                if p._grad is None:
                    continue
                state = self.state[p]
                if "momentum_buffer" not in state:
                    state["momentum_buffer"] = zeros_like(p._grad)
                grad, buf = p._grad._data, state["momentum_buffer"]._data
                if grad.ndim != 2:
                    raise ValueError("Param gradient must be a 2D matrix")
                lerp_(buf, grad, 1 - momentum)
                if group["nesterov"]:
                    update = grad.copy()
                    lerp_(update, buf, momentum)
                else:
                    update = buf
                update = _zeropower_via_newtonschulz(update, group["ns_coefficients"],
                                                     group["ns_steps"], group["eps"])
                adjusted_lr = _adjust_lr(lr, group["adjust_lr_fn"], p.shape)
                d = p._data
                d *= weak(1, lr) - lr * weak(group["weight_decay"], lr)
                d += (-adjusted_lr) * update
                p._bump()
                state["momentum_buffer"]._bump()
        return loss
