"""Anomaly detection: `detect_anomaly`, `set_detect_anomaly`, as PyTorch's.

While it is on, every node remembers the forward traceback where it was made
(graph.py, `Node.__init__`), and the engine checks each node's gradients for
NaN and, when a node's backward fails, warns with that traceback before
re-raising (_engine.py). The switch is process-wide, as PyTorch's.
"""
import warnings

from .._backend import np
from .. import _dtype as D
from .._settings import triggered

from . import graph as _graph

__all__ = ["detect_anomaly", "set_detect_anomaly"]


def is_anomaly_enabled():
    return _graph._anomaly


def is_anomaly_check_nan_enabled():
    return _graph._check_nan


def set_anomaly_enabled(enabled, check_nan=True):
    _graph._anomaly = bool(enabled)
    _graph._check_nan = bool(check_nan)
    _graph._refresh_extras()


class detect_anomaly:
    """Context manager that turns anomaly detection on inside the block
    (with NaN checks unless `check_nan=False`)."""

    def __init__(self, check_nan=True):
        self.prev = is_anomaly_enabled()
        self.check_nan = check_nan
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime "
                      "and should only be enabled for debugging.", stacklevel=2)

    def __enter__(self):
        set_anomaly_enabled(True, self.check_nan)

    def __exit__(self, *args):
        set_anomaly_enabled(self.prev, self.prev_check_nan)


class set_detect_anomaly:
    """Set anomaly detection on or off, at once (a plain call) or for a block
    (a context manager, restoring the previous setting on exit)."""

    def __init__(self, mode, check_nan=True):
        self.prev = is_anomaly_enabled()
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        set_anomaly_enabled(mode, check_nan)

    def __enter__(self):
        pass

    def __exit__(self, *args):
        set_anomaly_enabled(self.prev, self.prev_check_nan)


# -- what the engine does under anomaly mode -------------------------------------
_NO_FORWARD_INFO = ("No forward pass information available. Enable detect anomaly during "
                    "forward pass for more information.")


def has_nan(a):
    return D.can_require_grad(a.dtype) and bool(np.isnan(a).any())


def warn_failed(exc, loop_code):
    """Backward failed with `exc`: warn as PyTorch does about the node that
    was running. That node is read from the traceback (the frame of the
    engine's loop, `loop_code`), so the loop pays nothing to keep it."""
    tb, node = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code is loop_code:
            node = tb.tb_frame.f_locals.get("node")
            break
        tb = tb.tb_next
    if node is not None:
        _print_stack(node)


def _print_stack(node):
    """The node's forward traceback, then those of the nodes whose backward
    recorded it (create_graph), one warning each, as PyTorch's."""
    meta = node.__dict__.get("_metadata", {})
    stack = meta.get("traceback_")
    if stack is None:
        warnings.warn(f"Error detected in {node.name()}. {_NO_FORWARD_INFO}", stacklevel=4)
        return
    warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that caused "
                  "the error:\n" + "".join(stack)
                  + triggered("torch/csrc/autograd/python_anomaly_mode.cpp:122"), stacklevel=4)
    parent = meta.get("parent_")
    while parent is not None:
        meta = parent.__dict__.get("_metadata", {})
        stack = meta.get("traceback_")
        if stack is None:
            warnings.warn(f"Error detected in {parent.name()}. {_NO_FORWARD_INFO}",
                          stacklevel=4)
        else:
            warnings.warn(f"\n\nPrevious calculation was induced by {parent.name()}. Traceback "
                          "of forward call that induced the previous calculation:\n"
                          + "".join(stack), stacklevel=4)
        parent = meta.get("parent_")
