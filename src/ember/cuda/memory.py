"""ember.cuda.memory: torch.cuda.memory of a build without CUDA. Its public
functions are ember.cuda's own; the private recording helpers, which
scripts call to capture memory snapshots, fail as PyTorch's wrappers do
on reaching the bindings its CPU build lacks."""
from .. import _accelerator as _A
from . import (empty_cache, list_gpu_processes, max_memory_allocated, max_memory_cached,
               max_memory_reserved, mem_get_info, memory_allocated, memory_cached,
               memory_reserved, memory_snapshot, memory_stats, memory_stats_as_nested_dict,
               memory_summary, reset_accumulated_memory_stats, reset_max_memory_allocated,
               reset_max_memory_cached, reset_peak_memory_stats, set_per_process_memory_fraction,
               get_allocator_backend)

__all__ = ["empty_cache", "list_gpu_processes", "max_memory_allocated", "max_memory_cached",
           "max_memory_reserved", "mem_get_info", "memory_allocated", "memory_cached",
           "memory_reserved", "memory_snapshot", "memory_stats", "memory_stats_as_nested_dict",
           "memory_summary", "reset_accumulated_memory_stats", "reset_max_memory_allocated",
           "reset_max_memory_cached", "reset_peak_memory_stats", "set_per_process_memory_fraction",
           "get_allocator_backend"]

_snapshot = _dump_snapshot = _A.missing_binding("_cuda_memorySnapshot")


def _record_memory_history(enabled="all", *args, **kwargs):
    # a bool is the old signature, which PyTorch sends to the legacy binding
    legacy = isinstance(enabled, bool)
    _A.missing_binding("_cuda_record_memory_history" + ("_legacy" if legacy else ""))()
