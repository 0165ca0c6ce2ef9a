"""ember.accelerator: torch.accelerator as a PyTorch build with no
accelerator answers it: none available, and what needs one raises
PyTorch's RuntimeError. pytorch/examples' scripts start with
`torch.accelerator.is_available()`."""
from .. import _accelerator as _A

__all__ = ["is_available", "device_count", "current_accelerator", "current_device_index",
           "set_device_index", "synchronize", "current_stream", "set_stream", "empty_cache",
           "memory_allocated", "max_memory_allocated", "memory_reserved",
           "max_memory_reserved", "memory_stats", "reset_peak_memory_stats",
           "reset_accumulated_memory_stats", "get_memory_info", "device_index"]

_NONE = "Cannot access accelerator device when none is available."


def is_available():
    return False


def device_count():
    return 0


def current_accelerator(check_available=False):
    """The accelerator's device type (a torch.device), None when there is none."""
    return None


current_device_index = _A.raising(RuntimeError, _NONE)
set_device_index = _A.raising(RuntimeError, _NONE)
synchronize = current_stream = _A.raising(RuntimeError, _NONE)
set_stream = empty_cache = memory_allocated = max_memory_allocated = _A.raising(RuntimeError, _NONE)
memory_reserved = max_memory_reserved = memory_stats = _A.raising(RuntimeError, _NONE)
reset_peak_memory_stats = reset_accumulated_memory_stats = _A.raising(RuntimeError, _NONE)
get_memory_info = _A.raising(RuntimeError, _NONE)


def _renamed(old, new, name):
    def call(*args, **kwargs):
        import warnings
        warnings.warn(f"Use `{name}` instead.", FutureWarning, stacklevel=2)
        return new(*args, **kwargs)
    call.__name__ = old
    return call


current_device_idx = _renamed("current_device_idx", current_device_index, "current_device_index")
set_device_idx = _renamed("set_device_idx", set_device_index, "set_device_index")


class device_index:
    """`with device_index(i)`: selecting an accelerator, which fails unless i is None."""

    def __init__(self, device, /):
        self.idx = device

    def __enter__(self):
        if self.idx is not None:
            raise RuntimeError(_NONE)

    def __exit__(self, *exc):
        return False
