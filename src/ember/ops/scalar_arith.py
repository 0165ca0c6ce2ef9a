"""ATen's C++ arithmetic between a tensor and a Scalar, as its composites and
derivative formulas record it.

Python's `t * 2` wraps the number in a 0-d tensor: MulBackward0, like any
product. C++'s `t * 2` inside ATen is another overload, `mul.Scalar`:
MulBackward1, whose field `_saved_other` is the number. So the graph that
PyTorch records for a composite (diff, ndtr) or for a second derivative (a
formula such as gelu's `2 * pdf - x * x * pdf` under create_graph) holds
these nodes:

    t + c   AddBackward1        c + t   the same
    t - c   SubBackward1        c - t   a tensor filled with c, then sub_: SubBackward0
    t * c   MulBackward1        c * t   the same
    t / c   DivBackward1        c / t   a tensor filled with c, then div_: DivBackward0

Formulas reach them as xp.add_scalar, xp.sub_scalar, xp.mul_scalar,
xp.div_scalar, xp.scalar_sub and xp.scalar_div: on arrays (a plain backward)
they are the plain arithmetic.
"""
import operator

from .. import _meta
from ._common import D, binary_arrays, np, recorded, wrap
from ._number_operand import NUMBER_ARRAYS
from .complex_parts import _conj_array, _conj_recorded
from ._registry import grad_fn
from ._xp import provide

__all__ = []

AddBackward1 = grad_fn("AddBackward1", self=lambda xp, g: g)
SubBackward1 = grad_fn("SubBackward1", self=lambda xp, g: g)
# (the Scalar is the node's field `other`; its formula is C++'s grad * other)
MulBackward1 = grad_fn("MulBackward1", saved={"other": "other"},
                       self=lambda xp, grad, other: xp.mul_scalar(grad, xp.conj(other)))
DivBackward1 = grad_fn("DivBackward1", saved={"other": "other"},
                       self=lambda xp, grad, other: xp.div_scalar(grad, xp.conj(other)))


def _arrays(t, c):
    # (the number in t's dtype, or the promoted one: an int tensor times 0.5 is float)
    return binary_arrays(t, c)


def add_scalar(t, c):
    a, b = _arrays(t, c)
    return recorded(AddBackward1, a + b, (t,))


def sub_scalar(t, c):
    a, b = _arrays(t, c)
    return recorded(SubBackward1, a - b, (t,))


def mul_scalar(t, c):
    a, b = _arrays(t, c)
    return recorded(MulBackward1, a * b, (t,), (c,))


def div_scalar(t, c):
    a, b = _arrays(t, c)
    return recorded(DivBackward1, a / b, (t,), (c,))


def _filled(c, t):
    # (at::empty_like(t).fill_(c): t's dtype, so an integer t gives an integer
    # difference and a bool t a bool one, which sub_ then refuses)
    a = t._data
    return wrap(_meta.full_for(a.shape, c, a.dtype, a))     # (on t's device)


def scalar_sub(c, t):
    return _filled(c, t) - t


def scalar_div(c, t):
    return _filled(c, t) / t


def _tensor_scalar(op):
    """`op` of an array and a Python number as ATen's Scalar overloads run
    it: float16 and bfloat16 in float32 with the number unrounded, the result
    rounded once (NumPy would round the number to float16 first, and
    ml_dtypes would leave bfloat16 beside a float in float32); other
    dtypes: the operator's C function."""
    def on_arrays(x, c):
        if getattr(x, "dtype", None) in _HALF and not isinstance(c, complex):
            return op(x.astype(np.float32), np.float32(c)).astype(x.dtype)
        return op(x, c)
    return on_arrays


def _scalar_tensor(op):
    """`op` of a number and an array, the number first filled in the array's
    dtype (at::empty_like(t).fill_(c)), then the op of two arrays."""
    def on_arrays(c, x):
        if getattr(x, "dtype", None) in _HALF and not isinstance(c, complex):
            return op(x.dtype.type(c), x)
        return op(c, x)
    return on_arrays


_HALF = D.HALF_NP
provide("add_scalar", _tensor_scalar(operator.add), add_scalar)
provide("sub_scalar", _tensor_scalar(operator.sub), sub_scalar)
provide("mul_scalar", _tensor_scalar(operator.mul), mul_scalar)
provide("div_scalar", _tensor_scalar(operator.truediv), div_scalar)
provide("scalar_sub", _scalar_tensor(operator.sub), scalar_sub)
provide("scalar_div", _scalar_tensor(operator.truediv), scalar_div)


# -- MulBackward0's and DivBackward0's g * conj(other), g / conj(other) --------
# (x * 2 saved the 2: a Python number, converted at every call for as much as
# the product costs; the 0-d array of g's dtype kept for it (NUMBER_ARRAYS,
# made by the forward) is the same operand, as NumPy's weak scalar rules read
# the number in g's dtype). Other operands: _conj_array's test, inline, so
# that a product of two tensors still costs one call, as `g * xp.conj(other)`
# did. (One frame per call: this runs for every mul and div node.)
def _conj_operand(op):
    def on_arrays(g, other):
        if other.__class__ is float or other.__class__ is int:
            cache = NUMBER_ARRAYS.get(g.dtype)
            kept = None if cache is None else cache.get(other)
            return op(g, other if kept is None else kept)
        return op(g, other.conj() if other.__class__ is _NDARRAY else _conj_array(other))
    return on_arrays


_mul_conj = _conj_operand(operator.mul)
_div_conj = _conj_operand(operator.truediv)
_NDARRAY = np.ndarray
provide("mul_conj", _mul_conj, lambda g, other: g * _conj_recorded(other))
provide("div_conj", _div_conj, lambda g, other: g / _conj_recorded(other))
