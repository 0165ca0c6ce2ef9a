"""Integer arguments checked as PyTorch's argument parser checks them: an
op declaring `ints={"dim": "int", "dims": "tuple of ints"}` refuses a
float (or a bool, or a float tensor) there with PyTorch's TypeError, where
Python code would quietly take 2.0 for 2. The message names the argument's
position as the call gave it: counted after `self` for a method, from the
first argument for a function, none for a keyword."""
import inspect

from .._backend import np
from .._tensor import Tensor


def type_name(value):
    """The name PyTorch's parser prints: the C type's tp_name."""
    if isinstance(value, Tensor):
        return "Tensor"
    t = type(value)
    module = t.__module__
    return t.__name__ if module == "builtins" else f"{module.split('.')[0]}.{t.__name__}"


def is_int(value):
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, (int, np.integer)):
        return True
    return (isinstance(value, Tensor) and value._data.size == 1
            and value._data.dtype.kind in "iu")


def is_index(value, bools=False):
    """An int as the parser reads an int or int-list argument: a Python or
    NumPy int (not a bool, unless `bools`: an int list's later elements), or
    a 0-d integer or bool tensor (avg_pool2d(x, torch.tensor(2)))."""
    if isinstance(value, (bool, np.bool_)):
        return bools
    if isinstance(value, (int, np.integer)):
        return True
    if isinstance(value, np.ndarray):   # (a 0-d integer array: NumPy's __index__ takes it)
        return value.ndim == 0 and value.dtype.kind in "iu"
    return (isinstance(value, Tensor) and value._data.ndim == 0
            and value._data.dtype.kind in "iub")


def int_list(value, fname, name, position=None):
    """An int or a list of ints, as a tuple, checked as PyTorch's parser
    checks an int[] argument: by its first element (`but found element of
    type str at pos 0`), the others as it unpacks them."""
    where = _where(fname, name, position)
    if not isinstance(value, (tuple, list)):
        if not is_index(value):
            raise TypeError(f"{where} must be tuple of ints, not {type_name(value)}")
        return (int(value),)
    if value and not is_index(value[0]):
        raise TypeError(f"{where} must be tuple of ints, but found element of type "
                        f"{type_name(value[0])} at pos 0")
    for i, v in enumerate(value[1:], 2):
        if not is_index(v, bools=True):
            # (the parser counts the elements from 1 here)
            raise TypeError(f"{fname}(): argument '{name}' failed to unpack the object at pos "
                            f"{i} with error \"type must be tuple of ints,but got "
                            f"{type_name(v)}\"")
    return tuple(int(v) for v in value)


def is_list_int(value, i):
    """Element `i` of an int list is an int: after the first, a bool too,
    as the parser reads a list's later elements (_common.dim_items)."""
    return is_int(value) or (i > 0 and value.__class__ is bool)


def is_dims(value):
    """An int, or a tuple or list of them."""
    return is_int(value) or (isinstance(value, (tuple, list)) and all(
        is_list_int(v, i) for i, v in enumerate(value)))


def _where(fname, name, position):
    at = "" if position is None else f" (position {position})"
    return f"{fname}(): argument '{name}'{at}"


def _is_number(value):
    if isinstance(value, Tensor):
        return value._data.size == 1
    return isinstance(value, (int, float, complex, np.number, np.bool_))


def check(value, kind, fname, name, position):
    if kind == "Number":
        if not _is_number(value):
            raise TypeError(f"{_where(fname, name, position)} must be Number, not "
                            f"{type_name(value)}")
        return
    if kind == "int":
        if not is_int(value):
            raise TypeError(f"{_where(fname, name, position)} must be int, not "
                            f"{type_name(value)}")
        return
    if kind == "int[]":
        # (an int list of no fixed size, flip's and tile's dims: no lone int;
        # by keyword, a first element of the wrong type is the list's)
        if position is None and isinstance(value, (tuple, list)) and value \
                and not is_index(value[0]):
            raise TypeError(f"{_where(fname, name, None)} must be tuple of ints, not "
                            f"{type_name(value)}")
        if not isinstance(value, (tuple, list)):
            raise TypeError(f"{_where(fname, name, position)} must be tuple of ints, not "
                            f"{type_name(value)}")
        int_list(value, fname, name, position)
        return
    # "tuple of ints": one int, or a sequence of them
    if is_int(value):
        return
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"{_where(fname, name, position)} must be tuple of ints, not "
                        f"{type_name(value)}")
    for i, v in enumerate(value):
        if not is_list_int(v, i):
            raise TypeError(f"{_where(fname, name, position)} must be tuple of ints, but "
                            f"found element of type {type_name(v)} at pos {i}")


def checked(function, fname, ints, method):
    """`function` checking the `ints` it declares before it runs; `method`:
    called as a Tensor method (positions counted after self)."""
    params = inspect.signature(inspect.unwrap(function)).parameters
    names = list(params)
    # (a parameter defaulting to None is PyTorch's `int?`: None is taken, argmax(dim=None))
    spec = tuple((names.index(n), n, kind, params[n].default is None) for n, kind in ints.items())
    offset = 0 if method else 1
    # (more arguments in place than it takes: Python's binding error first)
    most = (1 << 30 if any(p.kind is p.VAR_POSITIONAL for p in params.values()) else
            sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params.values()))

    def op(*args, **kwargs):
        for i, n, kind, optional in spec if len(args) <= most else ():
            if i < len(args):
                if args[i] is not None or not optional:
                    check(args[i], kind, fname, n, i + offset)
            elif n in kwargs:
                if kwargs[n] is not None or not optional:
                    check(kwargs[n], kind, fname, n, None)
        try:
            return function(*args, **kwargs)
        except AttributeError:
            if not method:
                from ._call_forms import refuse_non_tensor
                refuse_non_tensor(fname, args, kwargs)
            raise
        except TypeError as e:
            from ._int_words import reword_int
            reword_int(e, fname, function, method, args, kwargs)
            raise
    op.__name__ = op.__qualname__ = getattr(function, "__name__", fname)
    op.__doc__ = function.__doc__
    op.__wrapped__ = function
    return op


class _Required:
    """The default of an argument PyTorch's signature requires (`dim` of
    cumsum): left out, the call raises PyTorch's message, not Python's."""
    __slots__ = ()

    def __repr__(self):
        return "<required>"


REQUIRED = _Required()


def missing_arguments(name, *names):
    """PyTorch's parser's TypeError for required arguments left out (its
    plural is inverted: 'missing 1 required positional arguments')."""
    plural = "s" if len(names) == 1 else ""
    listed = ", ".join(f'"{n}"' for n in names)
    return TypeError(f"{name}() missing {len(names)} required positional argument{plural}: {listed}")


def require_dim(name, dim):
    if dim is REQUIRED:
        raise missing_arguments(name, "dim")
    return dim
