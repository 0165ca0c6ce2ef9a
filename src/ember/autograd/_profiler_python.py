"""with_stack: the Python functions the profiled code runs, as events, the way
PyTorch 2.x's profiler records them: "ws.py(5): forward" for a Python
function (path relative to its sys.path entry, the line it was called at the
start), "<built-in function print>" for a builtin, "nn.Module: Net_0" for a
module's call. Ember's own functions are not shown (PyTorch's ops are not
Python either): the ops inside them are.

A `sys.setprofile` hook while a profiler with `with_stack` records; the frames
already running when it starts open at the start, those still running at the
end close there.
"""
import os
import sys
from functools import lru_cache
from time import perf_counter_ns

__all__ = []

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _package_dirs(names):
    """The directories of the packages Ember computes with (found, not imported)."""
    import importlib.util
    found = []
    for name in names:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        for location in (spec.submodule_search_locations or []) if spec else []:
            found.append(os.path.abspath(location) + os.sep)
    return tuple(found)


# Ember's own code and the libraries its ops run on (PyTorch's kernels are
# C++, so a NumPy function or builtin an op calls is no Python event there).
_LIBRARIES = (_PACKAGE,) + _package_dirs(("numpy", "scipy", "ml_dtypes", "threadpoolctl"))


@lru_cache(maxsize=None)
def _hidden(path):
    """Ember's own code, the libraries under it, and the import machinery
    its functions' imports run."""
    return path.startswith("<frozen importlib") or os.path.abspath(path).startswith(_LIBRARIES)


@lru_cache(maxsize=None)
def _short(path):
    """The path as an import would name it: relative to the longest sys.path entry."""
    full = os.path.abspath(path) if os.sep in path else path
    best = ""
    for entry in sys.path:
        entry = os.path.abspath(entry or os.curdir).rstrip(os.sep) + os.sep
        if full.startswith(entry) and len(entry) > len(best):
            best = entry
    return full[len(best):] if best else path


def _frame_name(frame):
    return f"{_short(frame.f_code.co_filename)}({frame.f_lineno}): {frame.f_code.co_name}"


class Tracer:
    """Records Python calls outside Ember into `events` (raw events)."""

    def __init__(self, events):
        from ..nn.modules.module import Module
        self._append = events.append
        self._module_call = Module.__call__.__code__
        self._open = {}         # frame -> its event
        self._builtins = []     # events of builtins running, innermost last
        self._module_ids = {}   # (class, id) -> n, for "nn.Module: Net_<n>"
        self._previous = None

    def start(self):
        now = perf_counter_ns()
        frames, f = [], sys._getframe(1)
        while f is not None:
            if not _hidden(f.f_code.co_filename):
                frames.append(f)
            f = f.f_back
        for frame in reversed(frames):
            self._opened(frame, _frame_name(frame), now)
        self._previous = sys.getprofile()
        sys.setprofile(self._event)

    def stop(self):
        sys.setprofile(self._previous)
        self._open.clear()
        self._builtins.clear()

    def _opened(self, key, name, now=None):
        ev = [name, now or perf_counter_ns(), 0, {"python": True}]
        self._append(ev)
        if key is not None:
            self._open[key] = ev
        return ev

    def _event(self, frame, event, arg):
        code = frame.f_code
        if event == "call":
            if code is self._module_call:
                self._opened(frame, self._module_name(frame.f_locals.get("self")))
            elif not _hidden(code.co_filename):
                self._opened(frame, _frame_name(frame))
        elif event == "return":
            ev = self._open.pop(frame, None)
            if ev is not None:
                ev[2] = perf_counter_ns()
        elif event == "c_call":
            if not _hidden(code.co_filename):
                self._builtins.append(self._opened(None, repr(arg)))
            else:
                self._builtins.append(None)
        elif self._builtins:        # c_return, c_exception
            ev = self._builtins.pop()
            if ev is not None:
                ev[2] = perf_counter_ns()

    def _module_name(self, module):
        cls = type(module)
        key = (cls, id(module))
        if key not in self._module_ids:
            self._module_ids[key] = sum(1 for c, _ in self._module_ids if c is cls)
        return f"nn.Module: {cls.__name__}_{self._module_ids[key]}"
