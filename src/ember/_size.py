"""torch.Size."""
import math
import operator
import sys

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
        return Size(tuple.__add__(self, tuple(other)))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def __mul__(self, n):
        return Size(tuple.__mul__(self, n))

    __rmul__ = __mul__


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
    raise int_argument_error(value, param)


def int_argument_error(value, param):
    """PyTorch's TypeError for an `int` parameter given `value`, the op and
    the parameter those of the innermost registered op (ops/_registry.py)
    that took the value as an argument, its position counted as a method's
    (after self); the registry's wrapper, which knows whether a function or
    a method was called, words it again (int_argument_error_at). The value
    rides along as `error.int_value`."""
    from ._python_data import _tname    # (imports Tensor, which imports this module)
    from .ops._registry import op_codes
    codes = op_codes()
    name = position = None
    frame = sys._getframe(1)
    while frame is not None and name is None:
        code = frame.f_code
        if code in codes:
            params = code.co_varnames[:code.co_argcount]
            found = [i for i, p in enumerate(params) if frame.f_locals.get(p) is value]
            if found:
                name, param, position = codes[code], params[found[0]], found[0]
                # the call as the op's parameters hold it (those still at
                # their defaults left out): the parser's words for an op of
                # several signatures ("received an invalid combination")
                defaults = code.co_consts and frame.f_globals.get(code.co_name)
                given = _given(frame, params, getattr(defaults, "__defaults__", None))
        frame = frame.f_back
    del frame
    if name is not None:
        from .ops._parser_types import parser_type_error
        worded = parser_type_error(name, True, given, {})
        if worded is not None and "invalid combination" in str(worded):
            worded.int_value = value
            return worded
    where = "" if position is None else f" (position {position})"
    error = TypeError(f"{name + '(): ' if name else ''}argument '{param}'{where} must be int, "
                      f"not {_tname(value)}")
    error.int_value = value
    return error


def _given(frame, params, defaults):
    """The positional arguments of the call running in `frame`: its
    parameters' values, up to the first still at its default."""
    values = [frame.f_locals.get(p) for p in params]
    if defaults:
        first = len(params) - len(defaults)
        for i, default in enumerate(defaults):
            if values[first + i] is default:
                return tuple(values[:first + i])
    return tuple(values)


def int_argument_error_at(error, name, function, method, args, kwargs):
    """`error` (int_argument_error's) as PyTorch words it for the call
    `name(*args, **kwargs)` of `function` (`method`: called as a Tensor
    method, whose args begin with self): the argument found by identity,
    named as `function` names it; `error` itself if it is not there."""
    import inspect
    from ._python_data import _tname
    value = error.int_value
    params = [p.name for p in inspect.signature(function).parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    worded = None
    for i, arg in enumerate(args):
        if arg is value and i < len(params):
            worded = TypeError(f"{name}(): argument '{params[i]}' (position "
                               f"{i if method else i + 1}) must be int, not {_tname(value)}")
            break
    else:
        for key, arg in kwargs.items():
            if arg is value:
                worded = TypeError(f"{name}(): argument '{key}' must be int, not {_tname(value)}")
    if worded is None:
        return error
    worded.int_value = value        # (a function form's wrapper around the method's words it again)
    return worded
