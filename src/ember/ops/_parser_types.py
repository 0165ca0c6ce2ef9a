"""PyTorch's TypeError for arguments of the wrong type, from the signatures
PyTorch's argument parser holds (ops/_parser_signatures_*.py): asked on the
error path only, after an op failed on an argument it cannot use (a string
where a number goes, a NumPy array where a tensor goes).

PyTorch parses a call before running anything. When no signature takes the
arguments it counts the signatures that could take so many: for one, it names
the first argument of the wrong type (`add(): argument 'alpha' must be Number,
not str`); for several, it lists them all (`clamp() received an invalid
combination of arguments - got (Tensor, str), but expected one of: ...`),
and under each signature whose text splits, at its commas, into as many
pieces as arguments were given, the arguments marked `!` where that piece's
type name is not the argument's own type name (torch/csrc/utils/
invalid_arguments.cpp: a name match, so a `Number` piece marks every
argument, and a piece with a default names its type "Tensor min =").
"""
from .._backend import np
from .._tensor import Tensor
from ._arg_refusals import _detail, _got
from ._missing import shown
from ._int_args import is_index, is_int
from ._scalars import NUMBER_TYPES as _NUMBERS

# The ops whose Tensor parameters take a number too, as a wrapped number
# (python_arg_parser.cpp's should_allow_numbers_as_tensors)
_NUMBERS_AS_TENSORS = frozenset(
    f"{op}{suffix}" for op in ("add", "div", "divide", "mul", "multiply", "sub", "subtract",
                               "true_divide", "floor_divide") for suffix in ("", "_", "_out")
) | {"to", "_to_copy", "copy_", "_conj"}
_MISMATCH = "      didn't match because some of the arguments have invalid types: "


def _param(piece):
    """(type, name, required) of one parameter text, `Tensor min = None`;
    a type that takes None ends in "?" (a parameter defaulting to None)."""
    head, eq, default = piece.partition(" = ")
    kind, _, name = head.rpartition(" ")
    return kind + "?" * (default == "None"), name, not eq


def _signature(text):
    """The parameters of a signature text, the keyword-only marker giving
    the count of those that may come by position."""
    params, positional = [], None
    for piece in text[1:-1].split(", "):
        if piece == "*":
            positional = len(params)
        elif piece:
            params.append(_param(piece))
    return params, len(params) if positional is None else positional


def _accepts(kind, value, numbers=False):
    """Whether the parser takes `value` for a parameter of type `kind` (an
    unknown kind takes anything: only a sure mismatch is refused); `numbers`:
    a Tensor parameter takes a number too."""
    if value is None:
        return kind.endswith("?")
    kind = kind.rstrip("?")
    if kind == "Tensor":
        return isinstance(value, Tensor) or numbers and isinstance(value, _NUMBERS)
    if kind in ("Number", "float", "complex"):
        if isinstance(value, Tensor):       # (a 0-d tensor outside the graph)
            return value._data.ndim == 0 and not value._requires_grad
        return isinstance(value, _NUMBERS) and (kind != "float" or not isinstance(
            value, (complex, np.complexfloating)))
    if kind == "int":
        # (a bool is no int to the parser; an int list's parameter or a SymInt,
        # printed "int" too, takes a 0-d integer array and a one-element tensor)
        return is_index(value) if isinstance(value, np.ndarray) else is_int(value)
    if kind == "tuple of ints":
        # (a bool, a float or a float tensor is no int list's, nor any of its
        # one-int forms; the rest is left to the op)
        if isinstance(value, Tensor):
            return value._data.dtype.kind in "iu"
        if isinstance(value, (list, tuple)):
            # (the parser looks at the first item only: the rest fail to unpack, in the op)
            return not value or _accepts("int", value[0])
        return not isinstance(value, (bool, np.bool_, float, np.floating, str))
    if kind == "bool":
        return isinstance(value, (bool, np.bool_))
    if kind == "str":
        return isinstance(value, str)
    if kind == "torch.dtype":       # (Python's number types stand for dtypes too)
        from .._dtype import dtype
        from .._python_data import _PY_DTYPES
        return isinstance(value, dtype) or isinstance(value, type) and value in _PY_DTYPES
    return True


def _binds(signature, args, kwargs):
    """The parameters the call gives, in order, if `signature` can bind it
    by count and names (types aside); None otherwise."""
    params, positional = signature
    if len(args) > positional:
        return None
    names = {name for _, name, _ in params}
    if any(k not in names for k in kwargs):
        return None
    given = []
    for i, (kind, name, required) in enumerate(params):
        if i < len(args):
            given.append((kind, name, required, args[i], i))
        elif name in kwargs:
            given.append((kind, name, required, kwargs[name], None))
        elif required:
            return None
    return given


def invalid_arguments(name, texts, args, kwargs):
    """PyTorch's TypeError for `name(*args, **kwargs)` (a method's arguments
    after self) if `texts`, its signatures, bind the call by count and names
    but none takes the arguments' types; None otherwise (the call's problem
    is another, which the op words itself)."""
    signatures = [_signature(t) for t in texts]
    bound = [b for b in (_binds(s, args, kwargs) for s in signatures) if b is not None]
    numbers = name in _NUMBERS_AS_TENSORS
    if not bound or any(all(_accepts(k, v, numbers) for k, _, _, v, _ in b) for b in bound):
        return None
    n = len(args) + len(kwargs)
    plausible = [s for s in signatures if sum(r for _, _, r in s[0]) <= n <= len(s[0])]
    if len(plausible) == 1:
        given = _binds(plausible[0], args, kwargs)
        for kind, param, _, value, position in given or ():
            if not _accepts(kind, value, numbers):
                where = "" if position is None else f" (position {position + 1})"
                return TypeError(f"{name}(): argument '{param}'{where} must be "
                                 f"{shown(kind.rstrip('?'))}, not {_got(value)}")
        return None
    return TypeError(_combination(name, texts, args, kwargs))


def _ordered(kwargs):
    # (the parser's hash map of so few keywords lists the last given first)
    return list(reversed(kwargs.items()))


def _combination(name, texts, args, kwargs):
    got = ", ".join([_got(a) for a in args] + [f"{k}={_got(v)}" for k, v in _ordered(kwargs)])
    if kwargs and not args:
        got += ", "
    lines = [f"{name}() received an invalid combination of arguments - got ({got}), "
             "but expected one of:\n"]
    for text in texts:
        lines.append(f" * {shown(text)}\n")
        pieces = [_legacy_piece(p) for p in text[1:-1].split(", ")]
        if len(pieces) != len(args) + len(kwargs):
            continue
        start = max(len(pieces) - len(kwargs), 0)
        unmatched = [k for k, _ in _ordered(kwargs)
                     if k not in [n for _, n in pieces[start:]]]
        if unmatched:
            lines.append("      didn't match because some of the keywords were incorrect: "
                         + ", ".join(unmatched) + "\n")
            continue
        marked = []
        for i, (kind, piece_name) in enumerate(pieces):
            keyword = i >= len(args)
            value = kwargs[piece_name] if keyword else args[i]
            desc = (f"{piece_name}=" if keyword else "") + _detail(value)
            marked.append(desc if _name_matches(kind, value) else f"!{desc}!")
        tail = "" if args else ", "
        lines.append(f"{_MISMATCH}({', '.join(marked)}{tail})\n")
    return "".join(lines)


def _legacy_piece(piece):
    """(type, name) of a signature piece as invalid_arguments.cpp splits it:
    at its last space (so `Tensor min = None` is type "Tensor min =", name
    "None", and the marker `*` a piece of its own)."""
    kind, _, name = piece.rpartition(" ")
    return kind, name


def _name_matches(kind, value):
    """invalid_arguments.cpp's test: the type name, not the parser's rules."""
    tp = _got(value)
    if kind == "float":
        return tp in ("float", "int")
    if kind == "int":
        return tp == "int"
    return tp == kind


def parser_type_error(name, method, args, kwargs):
    """The TypeError PyTorch's parser gives the call `name(*args, **kwargs)`
    (a method's args begin with self) for an argument of the wrong type, or
    None (a name whose signatures PyTorch's tables do not hold in full, or a
    call whose types some signature takes)."""
    from ._missing import tables
    found = tables("METHODS" if method else "FUNCTIONS").get(name)
    if found is None or found[1][0] not in ("overload", "overloads"):
        return None
    parsed, entry = found
    if method:
        if not args or not isinstance(args[0], Tensor):
            return None     # (a method's wrapper serving the function form: not its call)
        args = args[1:]
    try:
        return invalid_arguments(parsed, entry[1:], tuple(args), dict(kwargs))
    except KeyError:        # (a keyword the parser's own lookup would not find)
        return None


def overloads_listed(name, args, kwargs, table="FUNCTIONS"):
    """The parser's TypeError listing the overloads of the function (or, with
    table "METHODS", the method) `name`, for a call none of them can bind (an
    argument too many, a keyword none has)."""
    from ._missing import tables
    parsed, entry = tables(table)[name]
    return TypeError(_combination(parsed, entry[1:], tuple(args), dict(kwargs)))


def refuse_types(name, method, args, kwargs):
    """On an op's error path: raise the parser's TypeError if an argument's
    type is what failed (see parser_type_error); return otherwise."""
    error = parser_type_error(name, method, args, kwargs)
    if error is not None:
        raise error from None


def typed(function, name, method):
    """`function` (an op's method or function form) whose failures on an
    argument of the wrong type are the parser's TypeError."""
    from ._operand_refusal import stand_in

    def call(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except (TypeError, ValueError, AttributeError):
            refuse_types(name, method, args, kwargs)
            raise
    return stand_in(call, function, name)


def too_many_positional(name, args, kwargs):
    """PyTorch's TypeError for the method `name` (of one positional
    parameter) given `args`, more: its signatures listed where it has
    several, Python's count otherwise."""
    from ._missing import tables
    found = tables("METHODS").get(name)
    if found is not None and found[1][0] == "overloads":
        return overloads_listed(name, args, kwargs, "METHODS")
    return TypeError(f"{name}() takes 1 positional argument but {len(args)} were given")
