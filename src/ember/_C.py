"""torch._C, as far as scripts reach into it for switches of the TorchScript
runtime. Ember has no TorchScript, so these switches change nothing that
Ember computes; they keep PyTorch's arguments, return values and errors so
that a script which flips them runs unchanged. Generator lives here too, as
torch's (its reprs name torch._C.Generator), and the switches of
__torch_function__. Every other name is missing
(AttributeError), as with any API Ember does not have."""
from ._random import Generator  # noqa: F401
from .ops.linalg_common import _LinAlgError  # noqa: F401
# (the __torch_function__ switches: ember/_subclass.py)
from ._subclass import (DisableTorchFunction, DisableTorchFunctionSubclass,  # noqa: F401
                        disabled_impl as _disabled_torch_function_impl,
                        is_enabled as _is_torch_function_enabled)

_jit_autocast = True


def _incompatible(name, signature, args, kwargs):
    """pybind11's refusal of a call that matches no overload."""
    given = ", ".join(repr(a) for a in args)
    if kwargs:
        given += ("; " if args else "") + "kwargs: " + ", ".join(
            f"{k}={v!r}" for k, v in kwargs.items())
    return TypeError(f"{name}(): incompatible function arguments. The following argument types "
                     f"are supported:\n    1. {signature}\n\nInvoked with: {given}")


def _pybind_bool(value):
    """The bool pybind11 makes of an argument, or None where it refuses it:
    None is False, anything with __bool__ converts, the rest (a str, a list)
    is refused."""
    if value is None:
        return False
    if hasattr(type(value), "__bool__"):
        return bool(value)
    return None


def _jit_set_autocast_mode(*args, **kwargs):
    """Switches the TorchScript autocast pass and returns its previous state."""
    global _jit_autocast
    enabled = _pybind_bool(args[0]) if len(args) == 1 and not kwargs else None
    if enabled is None:
        raise _incompatible("_jit_set_autocast_mode", "(arg0: bool) -> bool", args, kwargs)
    previous, _jit_autocast = _jit_autocast, enabled
    return previous


def _get_tracing_state():
    """None: nothing is ever being traced in Ember (torch.jit.trace returns its
    function unchanged)."""
    return None
