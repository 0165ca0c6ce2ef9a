"""torch's autocast switches (`torch.is_autocast_enabled`, `set_autocast_dtype`,
...): the thread-local state of ops/_autocast.py, as PyTorch's C++ exposes it."""
import warnings

from .. import _dtype as D
from ..ops._autocast import STATE, DEFAULT_DTYPES, clear_cache

__all__ = ["is_autocast_enabled", "set_autocast_enabled", "get_autocast_dtype",
           "set_autocast_dtype", "is_autocast_cache_enabled", "set_autocast_cache_enabled",
           "clear_autocast_cache", "autocast_increment_nesting", "autocast_decrement_nesting",
           "is_autocast_cpu_enabled", "set_autocast_cpu_enabled", "get_autocast_cpu_dtype",
           "set_autocast_cpu_dtype", "get_autocast_gpu_dtype", "set_autocast_gpu_dtype"]

# The device types PyTorch has an autocast dispatch key for.
_AVAILABLE = {"cpu", "cuda", "mps", "xpu", "hpu", "xla", "ipu", "mtia", "maia", "privateuseone"}


def _device_type(device_type, function, position=0, name="device_type"):
    if not isinstance(device_type, str):
        raise TypeError(f"{function}(): argument '{name}' (position {position + 1}) must be str, "
                        f"not {type(device_type).__name__}")
    from .._creation import device
    return device(device_type).type


def _check_bool(value, function, position, name="enabled"):
    if not isinstance(value, bool):
        raise TypeError(f"{function}(): argument '{name}' (position {position + 1}) must be bool, "
                        f"not {type(value).__name__}")


def is_autocast_enabled(device_type=None):
    """Whether autocast is on for `device_type` (no argument: 'cuda')."""
    kind = "cuda" if device_type is None else _device_type(device_type, "is_autocast_enabled")
    return STATE.enabled.get(kind, False)


def set_autocast_enabled(*args):
    """set_autocast_enabled(device_type, enabled), or (enabled) for 'cuda'."""
    if len(args) == 1:
        kind, enabled = "cuda", args[0]
        _check_bool(enabled, "set_autocast_enabled", 0)
    elif len(args) == 2:
        kind = _device_type(args[0], "set_autocast_enabled")
        enabled = args[1]
        _check_bool(enabled, "set_autocast_enabled", 1)
    else:
        raise TypeError(f"set_autocast_enabled() takes 1 or 2 arguments ({len(args)} given)")
    STATE.enabled[kind] = enabled
    if kind == "cpu":
        STATE.cpu = enabled


def get_autocast_dtype(device_type):
    kind = _device_type(device_type, "get_autocast_dtype")
    if kind not in _AVAILABLE:
        raise RuntimeError("unsupported scalarType")     # (PyTorch's words, for 'meta')
    return STATE.dtype.get(kind, DEFAULT_DTYPES.get(kind, D.float16))


def set_autocast_dtype(device_type, dtype):
    kind = _device_type(device_type, "set_autocast_dtype")
    if not isinstance(dtype, D.dtype):
        raise TypeError("set_autocast_dtype(): argument 'dtype' (position 2) must be "
                        f"torch.dtype, not {type(dtype).__name__}")
    STATE.dtype[kind] = dtype


def is_autocast_cache_enabled():
    return STATE.cache_enabled


def set_autocast_cache_enabled(enabled):
    _check_bool(enabled, "set_autocast_cache_enabled", 0)
    STATE.cache_enabled = enabled


def clear_autocast_cache():
    clear_cache()


def autocast_increment_nesting():
    STATE.nesting += 1
    return STATE.nesting


def autocast_decrement_nesting():
    STATE.nesting -= 1
    return STATE.nesting


def _deprecated(old, new):
    # (PyTorch's C++ TORCH_WARN_DEPRECATION, on every call)
    warnings.warn(f"torch.{old} is deprecated. Please use torch.{new} instead.",
                  DeprecationWarning, stacklevel=3)


def is_autocast_cpu_enabled():
    _deprecated("is_autocast_cpu_enabled()", "is_autocast_enabled('cpu')")
    return is_autocast_enabled("cpu")


def set_autocast_cpu_enabled(enabled):
    _deprecated("set_autocast_cpu_enabled(enabled)", "set_autocast_enabled('cpu', enabled)")
    set_autocast_enabled("cpu", enabled)


def get_autocast_cpu_dtype():
    _deprecated("get_autocast_cpu_dtype()", "get_autocast_dtype('cpu')")
    return get_autocast_dtype("cpu")


def set_autocast_cpu_dtype(dtype):
    _deprecated("set_autocast_cpu_dtype(dtype)", "set_autocast_dtype('cpu', dtype)")
    set_autocast_dtype("cpu", dtype)


def get_autocast_gpu_dtype():
    _deprecated("get_autocast_gpu_dtype()", "get_autocast_dtype('cuda')")
    return get_autocast_dtype("cuda")


def set_autocast_gpu_dtype(dtype):
    _deprecated("set_autocast_gpu_dtype(dtype)", "set_autocast_dtype('cuda', dtype)")
    set_autocast_dtype("cuda", dtype)

