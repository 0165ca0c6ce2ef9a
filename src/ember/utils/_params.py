"""What modules and optimizers both do to parameters (kept here, below both,
so that optim does not import nn)."""
from .. import _public_name
from .._tensor import Tensor

__all__ = ["typename", "zero_grads"]


def typename(obj):
    """torch.typename: 'torch.FloatTensor' for a tensor, else the qualified type name."""
    if isinstance(obj, Tensor):
        return obj.type()
    cls = obj if isinstance(obj, type) else type(obj)
    module = _public_name.public_module(cls.__module__ or "")
    return cls.__qualname__ if module in ("", "builtins") else f"{module}.{cls.__qualname__}"


def zero_grads(params, set_to_none=True):
    """What Module.zero_grad and Optimizer.zero_grad do to each parameter."""
    for p in params:
        g = p._grad
        if g is None:
            continue
        if set_to_none:
            p._grad = None
        else:
            if g._grad_fn is not None:
                g.detach_()
            else:
                g.requires_grad_(False)
            g.zero_()
