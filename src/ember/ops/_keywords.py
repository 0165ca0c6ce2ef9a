"""Keyword arguments as PyTorch's argument parser takes them, on the error path.

PyTorch's parser takes NumPy's names for four parameters: `x`, `a` or `x1`
for `input`, `x2` for `other`, `axis` for `dim`, `keepdims` for `keepdim`
(`torch.sum(t, axis=0, keepdims=True)`, `torch.add(x1=a, x2=b)`), and calls a
function's tensor `input` whatever the op's own code names it (`self`, `A`).
Ember's ops are plain Python functions: such a call fails to bind, with
Python's TypeError. The op's wrapper catches it (a `try` costs the common
call nothing) and `retry` renames the keywords and calls again; a call that
still cannot bind gets Python's message with the op's public name, as
PyTorch's parser words it (`sin() got an unexpected keyword argument 'foo'`).
"""
import inspect
import re
import types

from .._subclass import NOT_HANDLED, RENAMING_LAYERS, tensor_like_call
from . import _missing
from ._missing import MISSING, is_missing  # noqa: F401 (for the wrappers)
from ._int_args import type_name

# NumPy's name -> PyTorch's
ALIASES = {"x": "input", "a": "input", "x1": "input", "x2": "other", "axis": "dim",
           "keepdims": "keepdim"}

# PyTorch's functions written in Python (torch/functional.py, torch/_tensor.py):
# Python binds their keywords, under their own names only
PYTHON_LEVEL = frozenset([
    "atleast_1d", "atleast_2d", "atleast_3d", "broadcast_shapes", "broadcast_tensors",
    "cartesian_prod", "block_diag", "cdist", "chain_matmul", "einsum", "istft", "lu", "norm",
    "meshgrid", "pca_lowrank", "split", "stft", "svd_lowrank", "tensordot", "unique",
    "unique_consecutive", "unravel_index", "resize", "resize_as"])

# PyTorch's Tensor methods written in Python (torch/_tensor.py) that are
# registry ops: as methods, these take no NumPy names either
# (x.unflatten(axis=0, ...) is refused). resize and resize_as, the others
# Ember has, are plain functions named Tensor.resize(_as) (_resize.py).
PYTHON_LEVEL_METHODS = frozenset([
    "istft", "lu", "norm", "split", "stft", "unflatten", "unique", "unique_consecutive"])

# the functions Ember declares under those names (ops/_registry.py's register)
AS_WRITTEN = set()

_PARAMETERS = {}
_BAD_ARG = re.compile(r"^[\w.]+\(\): ")
_BINDING = re.compile(r"^[\w.<>]+\(\) (?=got |missing |takes )")


def _parameters(function):
    """`function`'s keyword-bindable parameter names, in order (None when it
    takes **kwargs: then a name it refuses was not refused by binding)."""
    names = _PARAMETERS.get(function)
    if names is None:
        if inspect.unwrap(function) in AS_WRITTEN:
            _PARAMETERS[function] = ()
            return None
        try:
            params = inspect.signature(function).parameters.values()
        except (TypeError, ValueError):
            params = ()
        if any(p.kind is p.VAR_KEYWORD for p in params):
            names = ()
        else:
            names = tuple(p.name for p in params
                          if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
        _PARAMETERS[function] = names
    return names or None


def renamed(function, kwargs, method=False):
    """`kwargs` with PyTorch's names (and NumPy's) as `function` names its
    parameters; None when there is nothing to rename. (A `method` has its
    tensor: NumPy's names for it are not taken.)"""
    if not kwargs:
        return None
    params = _parameters(function)
    if params is None:
        return None
    out, changed = {}, False
    for key, value in kwargs.items():
        if key not in params:
            name = ALIASES.get(key, key)
            if method and name == "input":
                name = key
            if name == "input" and name not in params and params[0] not in kwargs:
                name = params[0]        # (the op's own name for its tensor: self, A)
            if name in params and name not in kwargs and name not in out:
                out[name] = value
                changed = True
                continue
        out[key] = value
    return out if changed else None


def retry(function, name, args, kwargs, error, method=True):
    """After `function(*args, **kwargs)` raised TypeError `error`: the call
    again with the keywords renamed, or `error` in PyTorch's words (those of
    the method, or of the function where not `method`)."""
    again = renamed(function, kwargs)
    if again is not None:
        try:
            return function(*args, **again)
        except TypeError as second:
            if getattr(second, "unbound", False):
                error = second      # (renamed, it binds no signature: worded below)
            elif named(second, name) is second:
                raise
            # (the renamed call cannot bind either: PyTorch's parser names
            # the first keyword it could not place, NumPy's name included)
    if _missing.is_missing(error):
        parsed = parser_words(error, function, name, args, kwargs, method)
        if parsed is not None:
            raise parsed from None
    listed = _overloads_refused(error, name, args, kwargs, method)
    if listed is not None:
        raise listed from None
    renamed_error = named(error, name)
    if renamed_error is error:
        raise error
    raise renamed_error from None


_BINDING_REFUSED = re.compile(r"^[\w.<>]+\(\) (got an unexpected keyword argument|got multiple "
                              r"values for argument|takes from \d+ to \d+ positional)")


def _overloads_refused(error, name, args, kwargs, method):
    """PyTorch's parser's words for a call Python refused to bind (a keyword
    the op has not, an argument too many) to an op of several signatures:
    they are listed (one signature's refusal is worded as Python's); None
    where the op has one."""
    if type(error) is not TypeError or not _BINDING_REFUSED.match(str(error)):
        return None
    table, given = "FUNCTIONS", args
    if method and args and name in _missing.tables("METHODS"):
        table, given = "METHODS", args[1:]
    entry = _missing.tables(table).get(name)
    if entry is None or entry[1][0] != "overloads":
        return None
    # (PyTorch's print_error: where one signature alone takes as many
    # arguments as were given, that signature's own refusal is the error)
    count = len(given) + len(kwargs)
    if sum(low <= count <= high for low, high in map(_arity, entry[1][1:])) == 1:
        return None
    from ._parser_types import overloads_listed
    return overloads_listed(name, given, kwargs, table)


def _arity(signature):
    """(fewest, most) arguments a listed signature "(Tensor input, int dim = 0)" takes."""
    params, depth, start = [], 0, 1
    for i, ch in enumerate(signature):
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        if (ch == "," and depth == 1) or (ch == ")" and depth == 0):
            params.append(signature[start:i].strip())
            start = i + 1
    params = [p for p in params if p and p != "*"]
    return sum("=" not in p for p in params), len(params)


def missing_error(name, args, kwargs, method=True, unbound=False):
    """PyTorch's error for op `name` called without a required argument
    (or, `unbound`, called in a way none of its signatures binds: see
    unbound_call): the method's words where the op is one (self given: the
    function form words it again, ops/_registry.py's with_out), else the
    function's."""
    table, given = "FUNCTIONS", args
    if method and args and name in _missing.tables("METHODS"):
        table, given = "METHODS", args[1:]
    error = _missing.parser_error(table, name, given, kwargs)
    if unbound and (error is None or "() missing " not in str(error)):
        # (short of nothing, or of an argument of several signatures alike:
        # the parser lists them, marking why each did not match)
        from ._parser_types import overloads_listed
        error = overloads_listed(name, given, kwargs, table)
        error.unbound = True
    if error is not None:
        error.ember_call = True     # (words a function form may put its own way)
    return error


class Unset:
    """A parameter's default telling "left out" from every value a caller
    may give, None included (where PyTorch's signatures differ on it)."""
    __slots__ = ("_name",)

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return f"<no {self._name}>"


def unbound_call():
    """What an op raises for a call that binds none of PyTorch's signatures
    of it although Python binds it (x.max(keepdim=True): PyTorch's max has
    no keepdim without a dim): its wrapper words it as the parser does, with
    the signatures of the form called."""
    error = TypeError("a call no signature of the op binds")
    error.ember_call = error.unbound = True
    return error


def not_bool(value, name, op):
    """What an op raises for a flag (keepdim, descending) that is no bool,
    which PyTorch's parser refuses: the op's wrapper words it as the parser
    does for the form called (the signatures listed where several fit, the
    position of a flag given in place)."""
    return wrong_type(TypeError(f"{op}(): argument '{name}' must be bool, not "
                                f"{type_name(value)}"), name)


def wrong_type(error, name):
    """TypeError `error`, worded "op(): argument 'name' must be ...", marked
    for the op's wrapper to word as the parser does (see not_bool)."""
    error.ember_call, error.bad_arg = True, name
    return error


def parser_words(error, function, name, args, kwargs, method):
    """The parser's TypeError for a call `error` says it refuses: an
    argument left out, a call no signature binds (unbound_call), an
    argument of the wrong type (not_bool); None where there is none."""
    bad = getattr(error, "bad_arg", None)
    if bad is None:
        return missing_error(name, args, kwargs, method, getattr(error, "unbound", False))
    # (a function-only op's one wrapper serves its calls as a method's)
    from ._registry import REGISTRY
    info = REGISTRY.get(name)
    method = method and (info is None or bool(info.method))
    from ._parser_types import parser_type_error
    worded = parser_type_error(name, method, args, kwargs)
    if worded is None:      # (one signature: the parser names the argument)
        # (with its position where given in place, the op as called)
        text = _BAD_ARG.sub(f"{name}(): ", str(error), count=1)
        try:
            at = list(inspect.signature(function).parameters).index(bad)
        except (TypeError, ValueError):     # (no function given, or no such parameter)
            at = len(args)
        head = f"argument '{bad}'"
        # (a method's words, worded again by the function form: its position)
        text = re.sub(re.escape(head) + r" \(position \d+\)", head, text, count=1)
        if at < len(args):
            text = text.replace(head, f"{head} (position {at + (0 if method else 1)})", 1)
        worded = TypeError(text)
    worded.ember_call, worded.bad_arg = True, bad
    return worded


def reword_missing(error, name, args, kwargs, function=None):
    """After TypeError `error` of the function form `name(*args, **kwargs)`:
    the parser's words for it, if the call left out a required argument
    (the op words it as its method, or wrappers' keywords were counted), or
    gave one the op refuses as the parser does (not_bool)."""
    if _missing.is_missing(error):
        parsed = parser_words(error, function, name, args, kwargs, False)
        if parsed is not None:
            raise parsed from None


def named(error, name):
    """Python's binding TypeError naming the op as the user called it
    (`abs()`, not the code's `declare_unary.<locals>.op()`), its tensor
    `input`, as PyTorch's parser names it."""
    text = str(error)
    if type(error) is not TypeError or not _BINDING.match(text):
        return error
    text = _BINDING.sub(f"{name}() ", text).replace("argument 'self'", "argument 'input'")
    return TypeError(text)


def under_name(function, name):
    """`function` published under another name (`arccos` for `acos`): a copy
    sharing its code, defaults and closure, so that Python's binding errors
    name what the user called, as PyTorch's do."""
    if name == function.__name__ or not isinstance(function, types.FunctionType):
        return function
    remake = getattr(function, "_under_name", None)
    if remake is not None:
        copy = remake(name)
    else:
        copy = types.FunctionType(function.__code__, function.__globals__, name,
                                  function.__defaults__, function.__closure__)
        copy.__kwdefaults__ = function.__kwdefaults__
    copy.__dict__.update(function.__dict__)
    copy.__dict__.pop("_under_name", None)
    copy.__qualname__ = name
    copy.__doc__ = function.__doc__
    copy.__wrapped__ = function
    copy._stands_in = True      # (tests/test_registry.py looks through it)
    return copy


def taking_aliases(function, name):
    """A public function written out by hand (mean's, with its out=), taking
    PyTorch's and NumPy's keyword names as the registry's wrappers do."""
    def public(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except TypeError as e:
            result = tensor_like_call(public, args, kwargs)
            if result is not NOT_HANDLED:
                return result
            from ._parser_types import refuse_types
            refuse_types(name, False, args, kwargs)     # (the function's words)
            return retry(function, name, args, kwargs, e, method=False)
    public.__name__ = public.__qualname__ = name
    public.__doc__ = function.__doc__
    public.__wrapped__ = function
    return public


def _python_level_method(function, name):
    """Method `name`, one of PyTorch's written in Python: its binding errors
    name it as Python names that method (`Tensor.unflatten() got an
    unexpected keyword argument 'axis'`), and it takes no NumPy names."""
    def public(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except TypeError as e:
            text = str(e)
            if type(e) is not TypeError or not _BINDING.match(text):
                raise
            raise TypeError(_BINDING.sub(f"Tensor.{name}() ", text)) from None
    public.__name__ = public.__qualname__ = name
    public.__doc__ = function.__doc__
    public.__wrapped__ = function
    public._renames = None
    public._stands_in = True    # (tests/test_registry.py looks through it)
    return public


# What NumPy's names stand for, as a function's and as a method's parameters
_TAKES_NUMPY_NAMES = (frozenset(["input", "other", "dim", "keepdim"]),
                      frozenset(["other", "dim", "keepdim"]))


def numpy_names(function, name, method):
    """The public form `function` of op `name` (a `method`, or the function)
    taking NumPy's keyword names as PyTorch's parser does (`x.squeeze(axis=0)`,
    `torch.eq(a, x2=b)`), for the forms whose wrapper does not rename them on
    its error path; `function` itself where it has no parameter they name,
    or where a wrapper inside it renames them already (ops/_call_forms.py's
    _quietly and with_out), or says not to (`_renames` None)."""
    if method and name in PYTHON_LEVEL_METHODS:
        return _python_level_method(function, name)
    inner = function
    while inner is not None:
        if getattr(inner, "_renames", False) is not False:
            return function
        inner = getattr(inner, "__wrapped__", None)
    params = _parameters(function)
    if not params or not _TAKES_NUMPY_NAMES[bool(method)].intersection(params):
        return function

    def public(*args, **kwargs):
        if kwargs:
            again = renamed(function, kwargs, method)
            if again is not None:
                kwargs = again
        return function(*args, **kwargs)
    public.__name__ = public.__qualname__ = name
    public.__doc__ = function.__doc__
    public.__wrapped__ = function
    public._renames = True
    public._stands_in = True    # (tests/test_registry.py looks through it)
    # (a tensor-like's call, refused by `function`, is handed to the
    # dispatching form of this one: _subclass.tensor_like_call)
    RENAMING_LAYERS.add(public.__code__)
    if not method:
        function._renamed_by = public
    return public
