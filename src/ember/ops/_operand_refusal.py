"""The named forms of the binary ops behind Python's operators: `x.add(y)`,
`torch.add(x, y)`, `x.add_(y)`. The operator returns NotImplemented for an
operand that is neither a number nor a tensor, so that Python raises its own
TypeError (`x + [1]`); the named forms raise PyTorch's argument error instead,
worded as its argument parser words it for each op's overloads. Ops with
two tensor parameters and no operator (mm, dot, ...) check their types first,
as PyTorch's parser does."""
from .._python_data import _tname
from .._backend import np
from .._tensor import Tensor
from . import _missing
from ._missing import MISSING
from ._parser_types import refuse_types
from .conditional import _arg_type

# The ops (and aliases) whose functions return NotImplemented for such an operand.
OPERATOR_OPS = ("add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide",
                "floor_divide", "remainder", "pow", "eq", "ne", "not_equal", "lt", "less", "le",
                "less_equal", "gt", "greater", "ge", "greater_equal", "bitwise_and",
                "bitwise_or", "bitwise_xor", "rsub")

_MISMATCH = "      didn't match because some of the arguments have invalid types: ({})\n"
_OUT = ", *, Tensor out = None"

# name -> its overloads as PyTorch lists them: the method's (also the in-place
# variant's) and the function's; "{}" marks an overload the operand fails by
# type alone, which PyTorch follows with its "didn't match" line.
_METHOD = (" * (Tensor other)\n{}", " * (Number other)\n{}")
_FUNCTION = {
    "compare": (f" * (Tensor input, Tensor other{_OUT})\n", f" * (Tensor input, Number other{_OUT})\n"),
    "number_self": (f" * (Tensor input, Tensor other{_OUT})\n", " * (Number self, Tensor other)\n{!}",
                    f" * (Tensor input, Number other{_OUT})\n"),
    "no_out": (f" * (Tensor input, Tensor other{_OUT})\n", " * (Tensor input, Number other)\n{t}"),
}
_OVERLOADS = {
    "subtract": ((" * (Tensor other, *, Number alpha = 1)\n", " * (Number other, Number alpha = 1)\n"),
                 (" * (Tensor input, Tensor other, *, Number alpha = 1, Tensor out = None)\n",
                  " * (Tensor input, Number other, Number alpha = 1)\n")),
    "divide": ((" * (Tensor other)\n{}", " * (Tensor other, *, str rounding_mode)\n",
                " * (Number other)\n{}", " * (Number other, *, str rounding_mode)\n"),
               (f" * (Tensor input, Tensor other{_OUT})\n",
                " * (Tensor input, Tensor other, *, str rounding_mode, Tensor out = None)\n",
                " * (Tensor input, Number other)\n{t}",
                " * (Tensor input, Number other, *, str rounding_mode)\n")),
    "pow": ((" * (Tensor exponent)\n{}", " * (Number exponent)\n{}"),
            (f" * (Tensor input, Tensor exponent{_OUT})\n",
             f" * (Number self, Tensor exponent{_OUT})\n",
             f" * (Tensor input, Number exponent{_OUT})\n")),
}
_OVERLOADS["rsub"] = ((), (" * (Tensor input, Tensor other, *, Number alpha = 1)\n",
                          " * (Tensor input, Number other, Number alpha = 1)\n"))
for _name in ("eq", "ne", "not_equal", "lt", "less", "le", "less_equal", "gt", "greater", "ge",
              "greater_equal"):
    _OVERLOADS[_name] = (_METHOD, _FUNCTION["compare"])
for _name in ("remainder", "bitwise_and", "bitwise_or", "bitwise_xor"):
    _OVERLOADS[_name] = (_METHOD, _FUNCTION["number_self"])
for _name in ("multiply", "true_divide", "floor_divide"):
    _OVERLOADS[_name] = (_METHOD, _FUNCTION["no_out"])


def stand_in(named, function, name):
    """`named`, a wrapper that checks or rereads a public form's arguments,
    made to stand for `function` under PyTorch's name of the form."""
    named.__name__ = named.__qualname__ = name
    named.__doc__ = function.__doc__
    named.__wrapped__ = function
    named._stands_in = True     # (tests/test_registry.py looks through it)
    return named


def refusal(name, function_form, other, input=None, with_out=False):
    """PyTorch's TypeError for `other`, an operand no overload of `name`
    (an in-place name ends in "_") takes; or for `input`, a number first
    where no overload takes one (the comparisons)."""
    base = name.rstrip("_")
    got = _arg_type(other)
    if input is not None:
        return TypeError(f"{name}() received an invalid combination of arguments - got "
                         f"({_arg_type(input)}, {got}{', out=Tensor' if with_out else ''}), "
                         "but expected one of:\n"
                         + "".join(o.replace("{}", "") for o in _OVERLOADS[base][1]))
    if base in ("add", "sub", "mul", "div"):    # one overload with a Tensor `other`
        return TypeError(f"{name}(): argument 'other' (position {2 if function_form else 1}) "
                         f"must be Tensor, not {got}")
    detail = _arg_type(other, detail=True)
    method, function = _OVERLOADS[base]
    lines = "".join(o.format(_MISMATCH.format(f"!{detail}!")) if "{}" in o else
                    o.replace("{!}", _MISMATCH.format(f"!Tensor!, !{detail}!")).replace(
                        "{t}", _MISMATCH.format(f"Tensor, !{detail}!"))
                    for o in (function if function_form else method))
    return TypeError(f"{name}() received an invalid combination of arguments - got "
                     f"({'Tensor, ' if function_form else ''}{got}), but expected one of:\n"
                     + lines)


def _refuse_missing(error, name, args, kwargs, function_form):
    """After TypeError `error`: the parser's words if the call left out an argument."""
    from ._keywords import is_missing, missing_error
    # (or worded already, under the name of the op this form stands for: div for divide)
    if is_missing(error):
        parsed = missing_error(name, args, kwargs, not function_form)
        if parsed is not None:
            raise parsed from None


def refusing(function, name, function_form):
    """`function` raising PyTorch's error where it would return NotImplemented."""
    def named(*args, **kwargs):
        try:
            result = function(*args, **kwargs)
        except (TypeError, ValueError) as e:
            if isinstance(e, TypeError):
                _refuse_missing(e, name, args, kwargs, function_form)
            refuse_types(name, not function_form, args, kwargs)
            raise
        if result is NotImplemented:
            # (a call leaving out `other` gets the parser's words for it)
            from ._keywords import missing_error
            error = missing_error(name, args, kwargs, not function_form)
            if error is not None:
                raise error
            refuse_types(name, not function_form, args, kwargs)
            other = args[1] if len(args) > 1 else kwargs.get(
                "exponent" if name.startswith("pow") else "other")
            if function_form and args and not isinstance(args[0], Tensor):
                raise refusal(name, function_form, other, args[0], "out" in kwargs)
            raise refusal(name, function_form, other)
        return result
    return stand_in(named, function, name)


# op -> its tensor parameters: (place among the function's arguments, name)
_PAIR = ((0, "input"), (1, "other"))
TENSOR_PARAMETERS = {"matmul": _PAIR, "mm": ((0, "input"), (1, "mat2")),
                     "bmm": ((0, "input"), (1, "mat2")), "dot": ((0, "input"), (1, "tensor")),
                     "mv": ((0, "input"), (1, "vec")), "outer": ((0, "input"), (1, "vec2")),
                     "logical_and": _PAIR, "logical_or": _PAIR, "logical_xor": _PAIR,
                     "equal": _PAIR, "kron": _PAIR, "inner": _PAIR, "vdot": _PAIR,
                     "cross": _PAIR, "ger": ((0, "input"), (1, "vec2")),
                     "gather": ((0, "input"), (2, "index")),
                     "index_select": ((0, "input"), (2, "index")),
                     "take": ((0, "input"), (1, "index")),
                     "put": ((0, "input"), (1, "index"), (2, "source"))}
# (hot methods, which check their index themselves: only their functions are wrapped)
CHECKED_INSIDE = ("gather", "index_select", "take")


def checking(function, name, function_form):
    """`function` refusing a non-tensor where a tensor parameter goes, with
    PyTorch's message (positions as the function or the method counts them)."""
    params = TENSOR_PARAMETERS[name.rstrip("_")][not function_form:]
    shift = 1 if function_form else 0
    if not function_form and len(params) == 1 and params[0][0] == 1:
        (_, param), = params

        def method(self, other=MISSING, *args, **kwargs):     # (the common case, kept cheap)
            if other is MISSING and param in kwargs:    # (x.mm(mat2=y): by its own name)
                other = kwargs.pop(param)
            if not isinstance(other, Tensor):
                _missing.refuse(name, (self, other))     # (left out: the parser's words)
                raise TypeError(f"{name}(): argument '{param}' (position 1) must be Tensor, "
                                f"not {_arg_type(other)}")
            return function(self, other, *args, **kwargs)
        return stand_in(method, function, name)

    def named(*args, **kwargs):
        for place, param in params:
            if place < len(args) and not isinstance(args[place], Tensor):
                raise TypeError(f"{name}(): argument '{param}' (position {place + shift}) must "
                                f"be Tensor, not {_arg_type(args[place])}")
            if param in kwargs and not isinstance(kwargs[param], Tensor):
                raise TypeError(f"{name}(): argument '{param}' must be Tensor, not "
                                f"{_arg_type(kwargs[param])}")
        try:
            return function(*args, **kwargs)
        except TypeError as e:
            _refuse_missing(e, name, args, kwargs, function_form)
            raise
    return stand_in(named, function, name)


_NUMBERS = (bool, int, float, complex, np.number, np.bool_)


def _marked(kinds, args):
    """PyTorch's "didn't match" line for one overload: the arguments from the
    first that does not fit on are marked."""
    bad = next(i for i, (kind, a) in enumerate(zip(kinds, args)) if not isinstance(a, kind))
    return _MISMATCH.format(", ".join(
        f"!{_arg_type(a, detail=True)}!" if i >= bad else _arg_type(a) for i, a in enumerate(args)))


def index_put_checking(function, name):
    """torch.index_put(_) refusing a non-tensor index, its argument counted
    as the function counts them (from 1; the method counts from 0)."""
    def named(input=MISSING, indices=MISSING, *args, **kwargs):
        if indices is MISSING:      # (left out: the parser's words)
            _missing.refuse(name, (input, indices), kwargs, method=False)
        if isinstance(indices, (tuple, list)):
            for i, k in enumerate(indices):
                if not isinstance(k, Tensor):
                    raise TypeError(f"expected Tensor as element {i} in argument 1, but got "
                                    f"{_tname(k)}")
        return function(input, indices, *args, **kwargs)
    return stand_in(named, function, name)


def masked_fill_checking(function, name, function_form):
    """masked_fill refusing a non-tensor mask, or a value neither a tensor
    nor a number, with PyTorch's message (where it filled with a list)."""
    def named(*args, **kwargs):
        if len(args) == 3 and not (isinstance(args[1], Tensor)
                                   and isinstance(args[2], (Tensor,) + _NUMBERS)):
            given = args if function_form else args[1:]
            head, lead = ("Tensor input, ", (Tensor,)) if function_form else ("", ())
            lines = "".join(
                f" * ({head}Tensor mask, {kind} value)\n"
                + _marked(lead + (Tensor, types), given)
                for kind, types in (("Tensor", Tensor), ("Number", _NUMBERS)))
            raise TypeError(f"{name}() received an invalid combination of arguments - got "
                            f"({', '.join(_arg_type(a) for a in given)}), but expected one of:\n"
                            + lines)
        try:
            return function(*args, **kwargs)
        except TypeError as e:
            _refuse_missing(e, name, args, kwargs, function_form)
            raise
    return stand_in(named, function, name)


def no_rounding_mode(function, name, function_form):
    """true_divide, which PyTorch declares apart from div: no rounding_mode
    (an alias of div here, it took one)."""
    def named(*args, **kwargs):
        if "rounding_mode" in kwargs:
            if function_form:
                raise TypeError(f"{name}() got an unexpected keyword argument 'rounding_mode'")
            got = [_arg_type(a) for a in args[1:]] + [f"{k}={_arg_type(v)}"
                                                       for k, v in kwargs.items()]
            raise TypeError(f"{name}() received an invalid combination of arguments - got "
                            f"({', '.join(got)}), but expected one of:\n * (Tensor other)\n"
                            " * (Number other)\n")
        return function(*args, **kwargs)
    return stand_in(named, function, name)
