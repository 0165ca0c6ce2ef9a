"""`torch.utils.hooks`: the handle every `register_*_hook` returns (defined
in _removable_handle, below autograd), and the warning that hooks are not
saved with a tensor.

At the bottom of the package (nothing here imports nn, optim or ops), so
modules, optimizers and tensors share one handle type.
"""
import warnings

from .. import _public_name
from .._removable_handle import RemovableHandle

__all__ = ["RemovableHandle", "unserializable_hook", "warn_if_has_hooks"]


def add_hook(hooks, hook):
    """Put `hook` in the dict `hooks`; the handle takes it out again."""
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    return handle


def unserializable_hook(f):
    """Mark `f` as a tensor hook that is not meant to be saved: saving a
    tensor that has it gives no warning."""
    f.__torch_unserializable__ = True
    return f


def warn_if_has_hooks(tensor):
    """Hooks are never saved with a tensor: say so for each one not marked
    with unserializable_hook."""
    for hook in tensor._registered_hooks():
        if not hasattr(hook, "__torch_unserializable__"):
            warnings.warn(f"backward hook {hook!r} on tensor will not be serialized.  If this "
                          "is expected, you can decorate the function with "
                          f"@{_public_name.name}.utils.hooks.unserializable_hook to suppress this "
                          "warning",
                          stacklevel=2)
