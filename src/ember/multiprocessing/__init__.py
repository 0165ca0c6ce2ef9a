"""torch.multiprocessing: Python's multiprocessing, plus the sharing-strategy
setting and `spawn`/`start_processes`.  Ember tensors cross processes by
pickling (their data is copied, not shared), so the strategy is recorded for
scripts that set it and changes nothing."""
import multiprocessing
import sys
from multiprocessing import *  # noqa: F401,F403

# (torch.multiprocessing.spawn is both this module and, once imported, the function)
from .spawn import (ENV_VAR_PARALLEL_START, ProcessContext,  # noqa: F401
                    ProcessExitedException, ProcessRaisedException, SpawnContext, spawn,
                    start_processes)

__all__ = ["set_sharing_strategy", "get_sharing_strategy", "get_all_sharing_strategies",
           *multiprocessing.__all__]

if sys.platform in ("darwin", "win32"):
    _sharing_strategy = "file_system"
    _all_sharing_strategies = {"file_system"}
else:
    _sharing_strategy = "file_descriptor"
    _all_sharing_strategies = {"file_descriptor", "file_system"}


def set_sharing_strategy(new_strategy):
    global _sharing_strategy
    if new_strategy not in _all_sharing_strategies:
        raise AssertionError(f"invalid sharing strategy {new_strategy!r}, expected one of "
                             f"{_all_sharing_strategies}")
    _sharing_strategy = new_strategy


def get_sharing_strategy():
    return _sharing_strategy


def get_all_sharing_strategies():
    return _all_sharing_strategies
