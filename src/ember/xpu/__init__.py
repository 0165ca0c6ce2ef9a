"""ember.xpu: torch.xpu as a PyTorch build without Intel GPU support
exposes it: no devices, nothing allocated, seeding accepted and ignored, and
`AssertionError: Torch not compiled with XPU enabled` for what needs one."""
import contextlib as _contextlib

from .. import _accelerator as _A

__all__ = ["is_available", "device_count", "is_initialized", "init", "current_device",
           "set_device", "synchronize", "get_device_name", "get_device_properties",
           "get_device_capability", "empty_cache", "memory_allocated", "max_memory_allocated",
           "memory_reserved", "max_memory_reserved", "memory_stats", "reset_peak_memory_stats",
           "mem_get_info", "manual_seed", "manual_seed_all", "seed", "seed_all",
           "initial_seed", "get_rng_state", "set_rng_state", "get_rng_state_all",
           "is_bf16_supported", "is_tf32_supported", "get_arch_list", "device", "stream",
           "Stream", "Event", "current_stream", "default_generators"]

_unavailable = _A.raising(AssertionError, "Torch not compiled with XPU enabled")


def is_available():
    return False


def device_count():
    return 0


def is_initialized():
    return False


init = current_device = set_device = synchronize = get_device_name = _unavailable
get_device_properties = get_device_capability = mem_get_info = _unavailable
initial_seed = get_rng_state = current_stream = _unavailable
empty_cache = seed = seed_all = _A.nothing
memory_allocated = max_memory_allocated = memory_reserved = max_memory_reserved = _A.zero
memory_stats = _A.no_stats
reset_peak_memory_stats = _A.missing_binding("_xpu_resetPeakMemoryStats")


def manual_seed(seed):
    int(seed)
    return None


manual_seed_all = manual_seed


def set_rng_state(new_state, device="xpu"):
    new_state.clone()
    return None


def get_rng_state_all():
    return []


def is_bf16_supported(including_emulation=True):
    return False


def is_tf32_supported():
    return False


def get_arch_list():
    return []


class device(_A.DeviceContext):
    """`with ember.xpu.device(i)`: entering fails for any index."""

    _kind = "xpu"
    _refusal = (NotImplementedError, "PyTorch was compiled without XPU support")


def stream(stream):
    return _contextlib.nullcontext()


Stream = _A.dummy("Stream")
Event = _A.dummy("Event")
default_generators = ()
