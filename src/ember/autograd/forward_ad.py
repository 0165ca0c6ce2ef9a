"""torch.autograd.forward_ad: dual tensors for forward-mode AD.

    with forward_ad.dual_level():
        x = forward_ad.make_dual(primal, tangent)
        y = f(x)
        value, jvp = forward_ad.unpack_dual(y)

How tangents flow through ops: autograd/_forward.py.
"""
from __future__ import annotations     # (ember.Tensor is not yet defined when this loads)

from typing import TYPE_CHECKING, NamedTuple, Optional

from . import _forward
from .grad_mode import _DecoratorContextManager

if TYPE_CHECKING:
    from .._tensor import Tensor

__all__ = ["UnpackedDualTensor", "enter_dual_level", "exit_dual_level", "make_dual",
           "unpack_dual", "dual_level"]


def _set_active(on):
    from ..ops import _common
    _common.forward_ad = on


def enter_dual_level():
    """Open a forward-AD level (only one may be open) and return its number."""
    if _forward.level >= 0:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    _forward.level = 0
    _set_active(True)
    return 0


def exit_dual_level(*, level=None):
    """Close the open level: every tangent made in it is dropped."""
    if level is None:
        level = _forward.level
    if level != _forward.level:
        raise RuntimeError("Trying to exit a forward AD level that was not the last one "
                           "that was created. This is not supported.")
    _set_active(False)
    _forward.clear()
    _forward.level = -1


def _level(level):
    return _forward.level if level is None else level


def make_dual(tensor, tangent, *, level=None):
    """A new tensor sharing `tensor`'s memory, with `tangent` attached as-is."""
    if _level(level) < 0:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, "
                           "make sure to enter_dual_level() first.")
    if tensor.dtype.is_floating_point is False and not tensor.is_complex():
        raise ValueError(
            f"Expected primal to be floating point or complex, but got: {tensor.dtype}")
    if tangent.dtype.is_floating_point is False and not tangent.is_complex():
        raise ValueError(
            f"Expected tangent to be floating point or complex, but got: {tangent.dtype}")
    if tangent.shape != tensor.shape:
        raise RuntimeError(
            "Trying to set a forward gradient that has a different size than that of the "
            f"original Tensor, this is not supported. Tensor is of size {list(tensor.shape)} "
            f"while the given forward gradient is of size {list(tangent.shape)}.")
    # (PyTorch's make_dual is a view of the primal, recorded as one)
    from ..ops.shape import ViewBackward0
    dual = _alias(tensor, ViewBackward0, (tensor._data.shape,))
    _forward.set_tangent(dual, tangent)
    return dual


class UnpackedDualTensor(NamedTuple):
    """What unpack_dual returns: the primal (a view) and the tangent (as-is)."""
    primal: Tensor
    tangent: Optional[Tensor]


def unpack_dual(tensor, *, level=None):
    if _level(level) < 0:
        return UnpackedDualTensor(tensor, None)
    t = _forward.tangent(tensor)
    if t is None:
        return UnpackedDualTensor(tensor, None)
    return UnpackedDualTensor(_alias(tensor, _identity()), t)


def _alias(tensor, node, ctx=()):
    """A view of all of `tensor`, without its tangent."""
    from ..ops._common import tangents_paused
    from ..ops.shape import _view_of
    with tangents_paused():
        return _view_of(tensor._data.view(), tensor, node, ctx)


_IDENTITY = []


def _identity():
    """unpack_dual's node, which PyTorch calls Identity (made on first use:
    the registry is not there yet when autograd is imported)."""
    if not _IDENTITY:
        from ..ops._registry import grad_fn
        _IDENTITY.append(grad_fn("Identity", self=lambda xp, grad: grad))
    return _IDENTITY[0]


class dual_level(_DecoratorContextManager):
    """Context manager (and decorator) inside which forward AD happens."""

    def __enter__(self):
        return enter_dual_level()

    def __exit__(self, exc_type, exc_value, traceback):
        exit_dual_level()
