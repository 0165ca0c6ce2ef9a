"""The elementwise family: binary and ternary pointwise ops, more unary
ones, and the reductions that go with them (see the elementwise_*.py
modules, each declaring its ops in the registry); here, the shift
operators of Tensor."""
from .._backend import np

from .._tensor import Tensor
from . import elementwise_binary, elementwise_reduce, elementwise_ternary, elementwise_unary
from .elementwise_binary import *  # noqa: F401,F403
from .elementwise_reduce import *  # noqa: F401,F403
from .elementwise_ternary import *  # noqa: F401,F403
from .elementwise_unary import *  # noqa: F401,F403
from .inplace import make_inplace

__all__ = (elementwise_binary.__all__ + elementwise_reduce.__all__ + elementwise_ternary.__all__
           + elementwise_unary.__all__)

_shl, _shr = elementwise_binary.bitwise_left_shift, elementwise_binary.bitwise_right_shift


def _reflected(shift):
    # `2 << t`: the number is the shifted value.
    def reflected(self, other):
        if not isinstance(other, (int, float, bool, complex, np.number, np.bool_)):
            return NotImplemented
        return shift(other, self)
    return reflected


Tensor.__lshift__ = _shl
Tensor.__rshift__ = _shr
Tensor.__rlshift__ = _reflected(_shl)
Tensor.__rrshift__ = _reflected(_shr)
Tensor.__ilshift__ = make_inplace(_shl, "__ilshift__")
Tensor.__irshift__ = make_inplace(_shr, "__irshift__")
