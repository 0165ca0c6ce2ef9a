"""torch.Size."""
import math
import operator

from ._backend import np as _np
from . import _public_name


__all__ = ["Size"]


class Size(tuple, metaclass=_public_name.PublicClass):
    """torch.Size: a tuple of ints that prints as `ember.Size([2, 3])` (torch.Size
    under use_as_torch)."""

    def __new__(cls, sizes=()):
        sizes = tuple(sizes)
        for i, s in enumerate(sizes):
            if not hasattr(s, "__index__") or isinstance(s, float):
                raise TypeError(f"{_public_name.name}.Size() takes an iterable of 'int' (item {i} is "
                                f"'{type(s).__name__}')")
        return tuple.__new__(cls, (int(s) for s in sizes))

    def __repr__(self):
        return f"{_public_name.name}.Size({list(self)})"

    __str__ = __repr__

    def numel(self):
        return math.prod(self)

    def __getitem__(self, i):
        r = tuple.__getitem__(self, i)
        return Size(r) if isinstance(i, slice) else r

    def __add__(self, other):
        # (PyTorch's: tuples only, else the other operand's __radd__, else its words)
        if isinstance(other, tuple):
            return Size(tuple.__add__(self, other))
        return _reflected(self, other, "__radd__", TypeError(
            f"can only concatenate tuple (not {type(other).__name__}) to {_public_name.name}.Size"))

    def __radd__(self, other):
        if isinstance(other, tuple):
            return Size(other + tuple(self))
        if isinstance(other, list):
            raise TypeError(f'can only concatenate list (not "{_public_name.name}.Size") to list')
        return NotImplemented

    def __mul__(self, n):
        try:
            n = operator.index(n)
        except TypeError:
            return _reflected(self, n, "__rmul__", TypeError(
                f"can't multiply sequence by non-int of type '{type(n).__name__}'"))
        return Size(tuple.__mul__(self, n))

    __rmul__ = __mul__


def _reflected(size, other, method, error):
    """other's reflected method of size (an array's __radd__), or `error`."""
    reflected = getattr(type(other), method, None)
    result = NotImplemented if reflected is None else reflected(other, size)
    if result is NotImplemented:
        raise error
    return result


def _wrap_dim(dim, ndim):
    if dim.__class__ is not int:
        dim = int_value(dim)
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def _dim_arg(name, dim):
    """A dim argument other than an int (int_value), or PyTorch's refusal."""
    try:
        return int_value(dim)
    except TypeError:
        pass
    from ._python_data import _tname    # (imports Tensor, which imports this module)
    raise TypeError(f"{name}(): argument 'dim' (position 1) must be int, not {_tname(dim)}")


def int_value(value, param="dim"):
    """The value of an int parameter (a dim, an index, a count) other than a
    Python int: what has __index__ (a NumPy integer or 0-d integer array)
    but a bool, or an integral tensor of one element; for anything else (a
    bool, a float, a float tensor) the parser's TypeError. (PyTorch's parser
    takes the 0-d array and the one-element tensor where a parameter is a
    SymInt or an int list, not where it is a plain int: not told apart here.)"""
    if value.__class__ is int:
        return value
    if value.__class__ is not bool and not isinstance(value, _np.bool_):
        data = getattr(value, "_data", None)
        if data is not None and hasattr(value, "_requires_grad"):
            if data.size == 1 and data.dtype.kind in "iu":
                return int(data.reshape(()))
        else:
            try:
                return operator.index(value)
            except TypeError:
                pass
    from .ops._int_words import int_argument_error     # (the error path: ops import this module)
    raise int_argument_error(value, param)
