"""What torch's per-parameter optimizers share: argument checks, the
`fused`/`foreach`/`capturable`/`differentiable` rules, the scalar `step`
state, and one step loop that hands each parameter's arrays to the
optimizer's update (torch's single-tensor path, written on NumPy arrays).

Updates run on the arrays in place, with no graph recorded (torch's
`no_grad` step); complex parameters are updated through their real views,
as torch's `view_as_real`.
"""
from .._backend import np, restore, silence

from .. import _dtype as D
from .._creation import tensor
from .._tensor import Tensor
from .optimizer import Optimizer

__all__ = []

FUSED_DEVICES = ['mps', 'cuda', 'xpu', 'hpu', 'cpu', 'mtia', 'privateuseone']
CAPTURABLE_DEVICES = ['cuda', 'xpu', 'hpu', 'privateuseone', 'xla']


def value(x):
    """A hyper-parameter for the update arithmetic. torch keeps a Tensor lr (or
    beta) a 0-d tensor, so its arithmetic rounds to that tensor's dtype: a
    NumPy scalar of the same dtype does the same."""
    if x.__class__ is float or x.__class__ is int:   # (the common case, without isinstance)
        return x
    return x._data.reshape(())[()] if isinstance(x, Tensor) else x


def weak(x, like):
    """The Python number `x` as `like`'s NumPy type when `like` is a NumPy
    scalar or array (a Tensor hyper-parameter's value, a 0-d state entry), so
    that scalar arithmetic rounds in that dtype as torch's 0-d tensors do.
    NumPy 2 converts a Python operand so by itself (NEP 50); NumPy 1 widened a
    float32 scalar met with a Python number to float64."""
    if isinstance(like, (np.generic, np.ndarray)) and not isinstance(x, (np.generic, np.ndarray)):
        return like.dtype.type(x)
    return x


def check_lr(lr, sgd=False):
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    # (SGD writes `lr < 0.0`, the others `not 0.0 <= lr`: a string lr's
    # TypeError names the comparison)
    if (lr < 0.0) if sgd else not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def check_betas(betas):
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")


def check_nonneg(what, value):
    """torch's `Invalid <what> value: <value>` for a negative hyper-parameter."""
    if not 0.0 <= value:
        raise ValueError(f"Invalid {what}: {value}")


def check_fused(fused, foreach, differentiable):
    """The constructor's rules for `fused=True` (after the groups are built)."""
    if fused:
        if differentiable:
            raise RuntimeError("`fused` does not support `differentiable`")
        if foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")


def check_fused_param(p):
    if not p.is_floating_point():
        raise RuntimeError(
            "`fused=True` requires all the params to be floating point Tensors of supported "
            f"devices: {FUSED_DEVICES} but {p.dtype} and cpu")


def scalar_dtype(fused=False):
    if fused:
        return D.float32
    return D.float64 if D.get_default_dtype() == D.float64 else D.float32


def scalar_state(value, fused=False):
    """A 0-d state entry such as 'step', held as torch holds it."""
    return tensor(float(value), dtype=scalar_dtype(fused))


def check_differentiable(group, params):
    """torch runs a differentiable step with grad on, so an in-place update of a
    leaf that requires grad fails. Ember does not record optimizer steps: with
    nothing that requires grad there is nothing to record and the plain step
    gives torch's values; otherwise it refuses."""
    if not group.get("differentiable"):
        return
    if any(p.is_leaf and p.requires_grad for p in params):
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                           "operation.")
    if any(p.requires_grad or p._grad.requires_grad for p in params):
        raise NotImplementedError("ember.optim: differentiable=True (recording the optimizer "
                                  "step in autograd) is not supported")


def check_capturable(group, what="params and state_steps", devices=CAPTURABLE_DEVICES):
    # CPU tensors never satisfy torch's capturable device rule.
    if group.get("capturable"):
        raise AssertionError(f"If capturable=True, {what} must be on supported devices: "
                             f"{devices}.")


def real(a):
    """The real view torch's `view_as_real` gives (elementwise updates only)."""
    return a.view(a.real.dtype) if np.iscomplexobj(a) else a


def lerp_(a, b, w):
    """a.lerp_(b, w) with torch's choice of formula by |w|."""
    if abs(w) < 0.5:
        a += w * (b - a)
    else:
        a[...] = b - (b - a) * (weak(1, w) - w)


def upgrade_scalar_state(optimizer, keys):
    """__setstate__: old checkpoints kept 'step' (and friends) as Python numbers."""
    for group in optimizer.param_groups:
        for p in group["params"]:
            p_state = optimizer.state.get(p, [])
            if len(p_state) != 0:
                for key in keys:
                    if key in p_state and not isinstance(p_state[key], Tensor):
                        p_state[key] = scalar_state(p_state[key], group.get("fused"))


class PerParameter(Optimizer):
    """A torch optimizer whose update is elementwise per parameter.

    Subclasses give `_new_state(p, group)` (an ordered dict of Tensors, as
    torch's lazy state initialisation) and `_update(param, grad, state, hp,
    step)` on arrays: `param`, `grad` (maximize already applied) and the
    state's arrays, all as real views; `hp` is the group with `lr` as a
    number; `step` is the new value of state['step'] (a float).
    """
    _group_flags = {"foreach": None, "maximize": False, "differentiable": False}
    _scalar_keys = ("step",)
    _capturable_what = "params and state_steps"
    _capturable_devices = CAPTURABLE_DEVICES

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            for key, value in self._group_flags.items():
                group.setdefault(key, value)
        upgrade_scalar_state(self, self._scalar_keys)

    def _new_state(self, p, group):
        raise NotImplementedError

    def _update(self, param, grad, state, hp, step):
        raise NotImplementedError

    def _check_group(self, group):
        """Per-step checks of a group's settings (torch's _init_group raises them)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Each of PyTorch's optimizers has a step of its own, which Python
        # names in its errors and reprs (Adam.step(), not this shared loop's).
        if cls.step is PerParameter.step and cls.__module__.startswith("ember."):
            def step(self, closure=None):
                return PerParameter.step(self, closure)
            step.__qualname__ = f"{cls.__qualname__}.step"
            step.__module__ = cls.__module__
            cls.step = step

    def step(self, closure=None):
        loss = self._evaluate(closure)
        for group in self.param_groups:
            params = [p for p in group["params"] if p._grad is not None]
            if not params:
                continue
            check_differentiable(group, params)
            if group.get("fused"):
                for p in params:
                    check_fused_param(p)
            check_capturable(group, self._capturable_what, self._capturable_devices)
            self._check_group(group)
            hp = dict(group, lr=value(group["lr"]))
            for p in params:
                state = self.state[p]
                if len(state) == 0:
                    state.update(self._new_state(p, group))
                step = None
                if isinstance(state.get("step"), Tensor):
                    step_t = state["step"]
                    step_t._data += 1
                    step = step_t.item()
                grad = p._grad._data
                if group.get("maximize"):
                    grad = -grad
                arrays = {k: real(v._data) for k, v in state.items()
                          if isinstance(v, Tensor) and k != "step"}
                # (an infinite gradient makes inf and NaN silently, as in PyTorch)
                token = silence()
                try:
                    self._update(real(p._data), real(grad), arrays, hp, step)
                finally:
                    restore(token)
                p._bump()
                for v in state.values():
                    if isinstance(v, Tensor):
                        v._bump()
        return loss


def with_weight_decay(grad, param, weight_decay):
    """grad.add(param, alpha=weight_decay), a new array."""
    return grad + weight_decay * param if weight_decay != 0 else grad
