"""PyTorch's TypeError for an int parameter (a dim, an index, k) given what
its argument parser refuses (_size.int_value): a bool, a float, a float
tensor. The error is raised deep inside an op; it names the innermost
registered op that took the value as an argument, found among the frames,
and the registry's wrappers, which know the call, word it again."""
import inspect
import sys

from .._python_data import _tname
from ._keywords import ALIASES
from ._parser_types import parser_type_error


def int_argument_error(value, param):
    """PyTorch's TypeError for an `int` parameter given `value`, the op and
    the parameter those of the innermost registered op (ops/_registry.py)
    that took the value as an argument, its position counted as a method's
    (after self); the registry's wrapper, which knows whether a function or
    a method was called, words it again (int_argument_error_at). The value
    rides along as `error.int_value`."""
    codes = op_codes()
    name = position = None
    frame = sys._getframe(1)
    while frame is not None and name is None:
        code = frame.f_code
        if code in codes:
            params = code.co_varnames[:code.co_argcount]
            found = [i for i, p in enumerate(params) if frame.f_locals.get(p) is value]
            if found:
                (name, defaults), param, position = codes[code], params[found[0]], found[0]
                # the call as the op's parameters hold it (those still at
                # their defaults left out): the parser's words for an op of
                # several signatures ("received an invalid combination")
                given = _given(frame, params, defaults)
        frame = frame.f_back
    del frame
    if name is not None:
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
                # (NumPy's name for it, `axis`, is the parameter's own in PyTorch's words)
                key = ALIASES[key] if ALIASES.get(key) in params else key
                worded = TypeError(f"{name}(): argument '{key}' must be int, not {_tname(value)}")
    if worded is None:
        return error
    worded.int_value = value        # (a function form's wrapper around the method's words it again)
    return worded


def reword_int(error, name, function, method, args, kwargs):
    """Raise `error` in PyTorch's words for this call if it is an `int`
    argument's refusal (int_argument_error); return otherwise."""
    if hasattr(error, "int_value"):
        raise int_argument_error_at(error, name, function, method, args, kwargs) from None


_OP_CODES = {}


def op_codes():
    """code object -> (op name, the function's defaults), of every
    registered op's own function (what an error raised inside an op looks
    for among the frames)."""
    if not _OP_CODES:
        from ._registry import REGISTRY
        for key, info in REGISTRY.items():
            # (an in-place variant declared with its own checks is named too: transpose_)
            own = ((info.inplace, info.name + "_"),) if callable(info.inplace) else ()
            for function, name in ((info.function, info.name),) + own:
                function = inspect.unwrap(function)
                code = getattr(function, "__code__", None)
                if code is not None:
                    _OP_CODES.setdefault(code, (name, function.__defaults__))
    return _OP_CODES
