"""Padding modules: F.pad with a fixed padding (an int for every side, or
one (left, right, top, bottom, front, back) tuple)."""
from collections.abc import Iterable

from .. import functional as F
from .module import Module

__all__ = ["CircularPad1d", "CircularPad2d", "CircularPad3d", "ConstantPad1d", "ConstantPad2d",
           "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
           "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "ZeroPad1d", "ZeroPad2d",
           "ZeroPad3d"]


def _sides(padding, n):
    """PyTorch's _ntuple(2n): a sequence as a tuple, a number for every side."""
    if isinstance(padding, Iterable) and not isinstance(padding, str):
        return tuple(padding)
    return (padding,) * (2 * n)


class _PadNd(Module):
    __constants__ = ["padding"]
    _mode = "constant"
    _n = 0

    def __init__(self, padding):
        super().__init__()
        self.padding = _sides(padding, self._n)

    def forward(self, input):
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self):
        return f"{self.padding}"


class _CircularPadNd(_PadNd):
    _mode = "circular"

    def _check_input_dim(self, input):
        if input.dim() not in (self._n + 1, self._n + 2):
            raise ValueError(f"expected {self._n + 1}D or {self._n + 2}D input (got "
                             f"{input.dim()}D input)")

    def forward(self, input):
        self._check_input_dim(input)
        return F.pad(input, self.padding, "circular")


class _ReflectionPadNd(_PadNd):
    _mode = "reflect"


class _ReplicationPadNd(_PadNd):
    _mode = "replicate"


class _ConstantPadNd(_PadNd):
    __constants__ = ["padding", "value"]

    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class _Zero:
    """ZeroPadNd is ConstantPadNd with value 0 (a subclass, as in PyTorch)."""
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


def _sized(bases, name, n):
    return type(name, bases, {"_n": n, "__module__": __name__, "__qualname__": name})


for _n in (1, 2, 3):
    for _base, _kind in ((_CircularPadNd, "Circular"), (_ReflectionPadNd, "Reflection"),
                         (_ReplicationPadNd, "Replication"), (_ConstantPadNd, "Constant")):
        globals()[f"{_kind}Pad{_n}d"] = _sized((_base,), f"{_kind}Pad{_n}d", _n)
    globals()[f"ZeroPad{_n}d"] = _sized((_Zero, globals()[f"ConstantPad{_n}d"]), f"ZeroPad{_n}d",
                                        _n)
del _base, _kind, _n
