"""Helpers shared by the nn.functional families."""
from ..._backend import np
from ..._dtype import SCALAR_NAMES
from ...ops import pointwise as _P
from ...ops._common import tracked as _tracked, wrap  # noqa: F401 (shared)
from ...ops._xp import NUMPY


def _const(xp, arr):
    """A constant array, as the formula's namespace wants it."""
    return arr if xp is NUMPY else wrap(arr)


def _exp(xp, x):
    return np.exp(x) if xp is NUMPY else _P.exp(x)


def _type_name(t):
    return SCALAR_NAMES[t.dtype]
