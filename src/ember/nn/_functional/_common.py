"""Helpers shared by the nn.functional families."""
from ..._backend import np
from ..._dtype import SCALAR_NAMES
from ...autograd.grad_mode import _state
from ...ops import pointwise as _P
from ...ops._common import wrap
from ...ops._xp import NUMPY


def _tracked(*tensors):
    return _state.enabled and any(t is not None and t._requires_grad for t in tensors)


def _const(xp, arr):
    """A constant array, as the formula's namespace wants it."""
    return arr if xp is NUMPY else wrap(arr)


def _exp(xp, x):
    return np.exp(x) if xp is NUMPY else _P.exp(x)


def _type_name(t):
    return SCALAR_NAMES[t.dtype]
