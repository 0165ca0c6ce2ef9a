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
    if isinstance(padding, Iterable):
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
        # value before padding, as torch (users see the order in __dict__)
        Module.__init__(self)
        self.value = value
        self.padding = _sides(padding, self._n)

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


class CircularPad1d(_CircularPadNd):
    _n = 1


class ConstantPad1d(_ConstantPadNd):
    _n = 1


class ReflectionPad1d(_ReflectionPadNd):
    _n = 1


class ReplicationPad1d(_ReplicationPadNd):
    _n = 1


class ZeroPad1d(_Zero, ConstantPad1d):
    pass


class CircularPad2d(_CircularPadNd):
    _n = 2


class ConstantPad2d(_ConstantPadNd):
    _n = 2


class ReflectionPad2d(_ReflectionPadNd):
    _n = 2


class ReplicationPad2d(_ReplicationPadNd):
    _n = 2


class ZeroPad2d(_Zero, ConstantPad2d):
    pass


class CircularPad3d(_CircularPadNd):
    _n = 3


class ConstantPad3d(_ConstantPadNd):
    _n = 3


class ReflectionPad3d(_ReflectionPadNd):
    _n = 3


class ReplicationPad3d(_ReplicationPadNd):
    _n = 3


class ZeroPad3d(_Zero, ConstantPad3d):
    pass


from .utils import _own, _own_init  # noqa: E402
# (PyTorch's classes each define __init__: its name is in a missing argument's error)
_own_init(CircularPad1d, ConstantPad1d, ReflectionPad1d, ReplicationPad1d, ZeroPad1d,
          CircularPad2d, ConstantPad2d, ReflectionPad2d, ReplicationPad2d, ZeroPad2d,
          CircularPad3d, ConstantPad3d, ReflectionPad3d, ReplicationPad3d, ZeroPad3d)
_own((_CircularPadNd,), "extra_repr")
_own((_ReflectionPadNd, _ReplicationPadNd), "forward", "extra_repr")
_own((CircularPad1d, CircularPad2d, CircularPad3d), "_check_input_dim")
_own((ZeroPad1d, ZeroPad2d, ZeroPad3d), "extra_repr")
