"""ember.mps: torch.mps as PyTorch exposes it away from Apple's GPUs: no
device, and whatever needs one raises PyTorch's RuntimeError."""
from .. import _accelerator as _A

__all__ = ["is_available", "device_count", "synchronize", "empty_cache", "manual_seed", "seed",
           "get_rng_state", "set_rng_state", "current_allocated_memory",
           "driver_allocated_memory", "recommended_max_memory",
           "set_per_process_memory_fraction", "compile_shader", "Event"]


def _without(call):
    return _A.raising(RuntimeError, f"Cannot execute {call}() without MPS backend.")


def is_available():
    return False


def device_count():
    return 0


def manual_seed(seed):
    int(seed)       # checked; there is no MPS generator to seed
    return None


synchronize = _without("deviceSynchronize")
empty_cache = _without("emptyCache")
seed = get_rng_state = set_rng_state = _without("getDefaultGenerator")
current_allocated_memory = _without("getCurrentAllocatedMemory")
driver_allocated_memory = _without("getDriverAllocatedMemory")
recommended_max_memory = _without("getRecommendedMaxMemory")
set_per_process_memory_fraction = _without("setMemoryFraction")
compile_shader = _A.raising(RuntimeError, "MPS is not available")


class Event:
    """An MPS event, which cannot be made without the MPS backend."""

    def __init__(self, enable_timing=False):
        raise RuntimeError("Cannot execute acquireEvent() without MPS backend.")
