"""ember.cuda: torch.cuda as a PyTorch build without CUDA exposes it.

Asking about the machine is answered (no devices, nothing allocated); seeding
is accepted and does nothing, as PyTorch queues it for a CUDA that never
starts; anything that needs a GPU raises PyTorch's error, most often
`AssertionError: Torch not compiled with CUDA enabled`. Each answer and
error was read off PyTorch 2.13's CPU build."""
import contextlib as _contextlib
import warnings as _warnings

from .. import _accelerator as _A
from .._accelerator import (device_count, get_arch_list, get_rng_state_all, is_available,
                            is_bf16_supported, is_initialized, is_tf32_supported, manual_seed)

__all__ = ["is_available", "device_count", "is_initialized", "init", "current_device",
           "set_device", "synchronize", "get_device_name", "get_device_properties",
           "get_device_capability", "empty_cache", "memory_allocated", "max_memory_allocated",
           "memory_reserved", "max_memory_reserved", "memory_cached", "max_memory_cached",
           "memory_stats", "memory_stats_as_nested_dict", "memory_summary", "memory_snapshot",
           "reset_peak_memory_stats", "reset_max_memory_allocated", "reset_max_memory_cached",
           "reset_accumulated_memory_stats", "mem_get_info", "set_per_process_memory_fraction",
           "manual_seed", "manual_seed_all", "seed", "seed_all", "initial_seed",
           "get_rng_state", "set_rng_state", "get_rng_state_all", "set_rng_state_all",
           "is_bf16_supported", "is_tf32_supported", "get_arch_list", "get_gencode_flags",
           "device", "device_of", "stream", "Stream", "Event", "current_stream",
           "default_stream", "is_current_stream_capturing", "ipc_collect", "CUDAGraph",
           "utilization", "temperature", "power_draw", "clock_rate", "list_gpu_processes",
           "OutOfMemoryError", "default_generators", "amp", "nvtx", "memory"]

_NOT_COMPILED = "Torch not compiled with CUDA enabled"
# (Tensor.type() given a torch.cuda type: PyTorch's CPU build tries to load
# its CUDA library, and fails so)
_NO_ATEN_CUDA = (
    "Cannot initialize CUDA without ATen_cuda library. PyTorch splits its backend into two "
    "shared libraries: a CPU library and a CUDA library; this error has occurred because you "
    "are trying to use some CUDA functionality, but the CUDA library has not been loaded by the "
    "dynamic linker for some reason.  The CUDA library MUST be loaded, EVEN IF you don't "
    "directly use any symbols from the CUDA library! One common culprit is a lack of "
    "-Wl,--no-as-needed in your link arguments; many dynamic linkers will delete dynamic "
    "library dependencies if you don't depend on any of their symbols.  You can check if this "
    "has occurred by using ldd on your binary to see if there is a dependency on *_cuda.so "
    "library.")


def refuse_tensor_type(name):
    """Tensor.type()'s refusal of a CUDA tensor type, named as PyTorch reads
    it ("torch.cuda.FloatTensor")."""
    if name.startswith(("torch.cuda.", "ember.cuda.")):
        raise RuntimeError(_NO_ATEN_CUDA)
_unavailable = _A.raising(AssertionError, _NOT_COMPILED)


def _is_compiled():
    return False


init = current_device = synchronize = get_device_name = _unavailable
get_device_properties = get_device_capability = mem_get_info = _unavailable
set_per_process_memory_fraction = initial_seed = get_rng_state = _unavailable
current_stream = default_stream = ipc_collect = caching_allocator_alloc = _unavailable

empty_cache = _A.nothing
memory_allocated = max_memory_allocated = memory_reserved = max_memory_reserved = _A.zero
memory_stats = _A.no_stats
memory_stats_as_nested_dict = _A.returning(dict)
reset_peak_memory_stats = _A.missing_binding("_cuda_resetPeakMemoryStats")
reset_accumulated_memory_stats = _A.missing_binding("_cuda_resetAccumulatedMemoryStats")
memory_snapshot = _A.missing_binding("_cuda_memorySnapshot")
get_allocator_backend = _A.missing_binding("_cuda_getAllocatorBackend")


def set_device(device):
    """Selecting a device: -1 (none) is accepted; any other fails."""
    idx = _A.device_index(device, "cuda")
    if idx is None:
        raise ValueError("Expected a torch.device with a specified index or an integer, "
                         f"but got:{device}")
    if idx >= 0:
        raise AttributeError("module 'torch._C' has no attribute '_cuda_setDevice'")


def _renamed(old, new):
    def counter(device=None):
        _warnings.warn(f"`torch.cuda.{old}` has been renamed to `torch.cuda.{new}`",
                      FutureWarning, stacklevel=2)
        return 0
    counter.__name__ = old
    return counter


memory_cached = _renamed("memory_cached", "memory_reserved")
max_memory_cached = _renamed("max_memory_cached", "max_memory_reserved")


def _resets_all_peaks(name):
    """The old resets, which PyTorch keeps as a warning and a call of
    reset_peak_memory_stats (which then fails without CUDA)."""
    def reset(device=None):
        _warnings.warn(f"torch.cuda.{name} now calls torch.cuda.reset_peak_memory_stats, "
                       "which resets /all/ peak memory stats.", FutureWarning, stacklevel=2)
        return reset_peak_memory_stats(device=device)
    reset.__name__ = name
    return reset


reset_max_memory_allocated = _resets_all_peaks("reset_max_memory_allocated")
reset_max_memory_cached = _resets_all_peaks("reset_max_memory_cached")


def memory_summary(device=None, abbreviated=False):
    # PyTorch formats stats that a build without CUDA never has
    raise KeyError("allocated_bytes.all.current")


manual_seed_all = manual_seed
seed = seed_all = _A.nothing


def set_rng_state(new_state, device="cuda"):
    new_state.clone()
    return None


def set_rng_state_all(new_states):
    for state in new_states:
        set_rng_state(state)


def get_gencode_flags():
    return ""


class device(_A.DeviceContext):
    """`with ember.cuda.device(i)`: fails on entering unless i is -1."""


class device_of(device):
    """The device of a tensor's data, as a context: a CPU tensor's is none (-1)."""

    def __init__(self, obj):
        super().__init__(-1)


def stream(stream):
    """`with ember.cuda.stream(s)`: with no CUDA there is only the CPU's order."""
    return _contextlib.nullcontext()


class Stream:
    def __new__(cls, *args, **kwargs):
        raise RuntimeError("torch.cuda.Stream requires CUDA support")


Event = _A.dummy("Event")
CUDAGraph = _A.dummy("CUDAGraph")


def is_current_stream_capturing():
    raise RuntimeError("Tried to instantiate dummy base class _cuda_isCurrentStreamCapturing")


_NO_NVML = "nvidia-ml-py does not seem to be installed or it can't be imported."
utilization = temperature = power_draw = clock_rate = _A.raising(ModuleNotFoundError, _NO_NVML)


def list_gpu_processes(device=None):
    return "pynvml module not found, please install nvidia-ml-py"


class OutOfMemoryError(RuntimeError):
    """Raised when a device runs out of memory (never, on the CPU)."""


OutOfMemoryError.__module__ = "ember"
default_generators = ()
globals().update(_A.legacy_types("cuda", _NOT_COMPILED + "."))


class _Nvtx:
    """ember.cuda.nvtx: NVTX's profiler ranges, which need a CUDA build."""

    range_push = range_pop = range_start = range_end = mark = _A.raising(
        RuntimeError, "NVTX functions not installed. Are you sure you have a CUDA build?")

    def range(self, msg, *args, **kwargs):
        return _NvtxRange()


class _NvtxRange(_contextlib.ContextDecorator):
    def __enter__(self):
        _Nvtx.range_push(self)

    def __exit__(self, *exc):
        return False


nvtx = _Nvtx()

from . import amp, memory  # noqa: E402
