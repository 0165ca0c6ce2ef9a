"""A size given as several ints or one sequence (`x.view(2, 6)`,
`x.reshape((2, 6))`), read as PyTorch's argument parser reads an IntArrayRef:
its errors for a float, None, ... in it, where int() would truncate 2.5 to 2."""
from .._backend import np
from .._tensor import Tensor
from ._operand_refusal import stand_in
from .conditional import _arg_type
from ._int_args import is_index, missing_arguments

# op -> (its parameter's name, the overloads PyTorch lists where it has several)
_VIEW = (" * (torch.dtype dtype)\n", " * (tuple of ints size)\n")
PARAMETERS = {"view": ("size", _VIEW), "reshape": ("shape", None), "expand": ("size", None),
              "repeat": ("repeats", None), "permute": ("dims", None), "resize_": ("size", None),
              "new_zeros": ("size", None), "new_ones": ("size", None),
              "new_empty": ("size", None)}

_MISMATCH = "      didn't match because some of the arguments have invalid types: ({})\n"


def _int_like(v, first):
    if isinstance(v, Tensor):
        return v._data.ndim == 0 and v._data.dtype.kind in "iu"
    if isinstance(v, (bool, np.bool_)):
        return not first        # a leading bool does not start a size
    if isinstance(v, np.ndarray):
        return is_index(v)
    return hasattr(type(v), "__index__")


def _detail(v):
    if isinstance(v, tuple):         # (written as Python writes a tuple: "(int,)")
        return f"tuple of ({', '.join(_arg_type(e) for e in v)}{',' if len(v) == 1 else ''})"
    return _arg_type(v, detail=True)


def _overloads_error(name, args, overloads, marked):
    lines = "".join(o + (_MISMATCH.format(", ".join(f"!{_detail(a)}!" for a in args))
                         if marked else "") for o in overloads)
    return TypeError(f"{name}() received an invalid combination of arguments - got "
                     f"({', '.join(_arg_type(a) for a in args)}), but expected one of:\n" + lines)


def size_arg(args, name, position=1):
    """The ints of `args` (a method's *sizes) for op `name`, or PyTorch's
    TypeError (`position`: the parameter's, 2 for the function's)."""
    seq = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
    for v in seq:
        if type(v) is not int:
            break
    else:       # plain ints: nothing to check (the hot path)
        if args:
            return tuple(seq)
    param, overloads = PARAMETERS[name]
    if not args:
        if overloads:
            raise _overloads_error(name, args, overloads, False)
        raise missing_arguments(name, param)
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        seq = args[0]
        if seq and not _int_like(seq[0], True):
            if overloads:
                raise _overloads_error(name, args, overloads, True)
            raise TypeError(f"{name}(): argument '{param}' (position {position}) must be tuple of "
                            f"ints, but found element of type {_arg_type(seq[0])} at pos 0")
    elif len(args) == 1:
        if not _int_like(args[0], True):
            if overloads:
                raise _overloads_error(name, args, overloads, True)
            raise TypeError(f"{name}(): argument '{param}' (position {position}) must be tuple of "
                            f"ints, not {_arg_type(args[0])}")
        seq = args
    else:
        if args and not _int_like(args[0], True):
            if overloads:
                raise _overloads_error(name, args, overloads, False)
            raise TypeError(f"{name}() takes 1 positional argument but {len(args)} were given")
        seq = args
    for i, v in enumerate(seq[1:], 2):
        if not _int_like(v, False):
            raise TypeError(f"{name}(): argument '{param}' failed to unpack the object at pos "
                            f"{i} with error \"type must be tuple of ints,but got "
                            f"{_arg_type(v)}\"")
    return tuple(int(s) for s in seq)


def keyword_size(value, name, args=(), others=None):
    """The sizes of op `name` given by keyword (x.view(size=(3, 2)),
    torch.permute(x, dims=(1, 0))): one sequence, read as the parser reads an
    IntArrayRef given by keyword; `args`, sizes also given in place, and
    `others`, the op's other keywords, for view's overloads' listing."""
    param, overloads = PARAMETERS[name]
    sequence = isinstance(value, (tuple, list))
    if overloads and (args or others or not sequence
                      or not all(_int_like(v, i == 0) for i, v in enumerate(value))):
        from ._parser_types import _combination
        texts = [o.strip()[2:] for o in overloads]
        raise TypeError(_combination(name, texts, args, {param: value, **(others or {})}))
    if args:
        raise TypeError(f"{name}() got multiple values for argument '{param}'")
    if not sequence or (value and not _int_like(value[0], True)):
        # (by keyword, a sequence that does not start with an int is the
        # wrong type as a whole: no "found element of type" as in place)
        raise TypeError(f"{name}(): argument '{param}' must be tuple of ints, not "
                        f"{_arg_type(value)}")
    return size_arg((value,), name)


def function_form(function, name):
    """torch.reshape(input, shape), torch.permute(input, dims): the sizes one
    argument, the function's second, in place or by keyword."""
    param = PARAMETERS[name][0]

    def named(input, *args, **kwargs):
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                            f"{_arg_type(input)}")
        if len(args) > 1:
            raise TypeError(f"{name}() takes 2 positional arguments but {len(args) + 1} were "
                            "given")
        if args:
            if not isinstance(args[0], (tuple, list)):    # (the method takes a lone int)
                raise TypeError(f"{name}(): argument '{param}' (position 2) must be tuple of "
                                f"ints, not {_arg_type(args[0])}")
            if not kwargs:
                return function(input, size_arg(args, name, 2))
        elif param not in kwargs:
            raise missing_arguments(name, param)
        for key in kwargs:
            if key != param:
                raise TypeError(f"{name}() got an unexpected keyword argument '{key}'")
        return function(input, keyword_size(kwargs[param], name, args))
    return stand_in(named, function, name)
