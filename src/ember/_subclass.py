"""Subclassing Tensor: a subclass gets Tensor's methods, but PyTorch's
override protocols are left out. Ember's ops never call a subclass's
__torch_function__ or __torch_dispatch__, so a subclass that defines one
(and would silently lose what it relies on) is refused when it is defined."""
from ._tensor import Tensor

_HOOKS = ("__torch_function__", "__torch_dispatch__")


def __init_subclass__(cls, **kwargs):
    super(Tensor, cls).__init_subclass__(**kwargs)
    for hook in _HOOKS:
        if hook in cls.__dict__:
            raise NotImplementedError(
                f"{cls.__qualname__} defines {hook}, which Ember does not support: Ember's "
                "ops do not dispatch to Tensor subclasses (torch.overrides' protocols are "
                f"left out), so {hook} would never be called. Subclass Tensor without it, or "
                "hold the tensor in an object of your own.")


Tensor.__init_subclass__ = classmethod(__init_subclass__)
