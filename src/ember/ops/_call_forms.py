"""The forms a registered op is called in (ops/_registry.py makes them):
the op run with NumPy's warnings silenced (_quietly), the function form
taking `out=` (with_out), the function form of an op that is its own
method (function_form); each words a refused call as PyTorch's parser does
for that form."""
from inspect import CO_VARARGS, CO_VARKEYWORDS

from .._backend import restore, silence
from .._subclass import NOT_HANDLED, tensor_like_call
from . import _keywords
from ._parser_types import refuse_types
from ._int_words import reword_int

__all__ = ["refuse_non_tensor", "with_out", "function_form", "refused_call"]


def refuse_non_tensor(name, args, kwargs):
    """After an AttributeError in op `name`: PyTorch's parser TypeError if
    the op's first argument is no Tensor (torch.sum([1, 2])). Otherwise the
    error was the op's own: the caller re-raises it. (Only the error path
    pays: a try costs a call nothing.)"""
    from .._tensor import Tensor
    value = args[0] if args else kwargs.get("input")
    if (args or "input" in kwargs) and not isinstance(value, Tensor):
        from ._common import tensor_arg
        try:
            tensor_arg(value, name)
        except TypeError as e:
            raise e from None       # (PyTorch's parser error stands alone)


def _quietly(function, method=True):
    """`function` run with NumPy's warnings silenced, its binding errors in
    PyTorch's words (as the `method` or as the function form)."""
    def op(*args, **kwargs):
        token = silence()
        try:
            return function(*args, **kwargs)
        except AttributeError:
            result = tensor_like_call(op, args, kwargs)
            if result is not NOT_HANDLED:
                return result
            refuse_types(op.__name__, method, args, kwargs)
            if "dtype" in kwargs:
                result = _dtype_keyword(op, args, kwargs)
                if result is not NOT_HANDLED:
                    return result
            refuse_non_tensor(op.__name__, args, kwargs)
            raise
        except TypeError as e:
            result = tensor_like_call(op, args, kwargs)
            if result is not NOT_HANDLED:
                return result
            refuse_types(op.__name__, method, args, kwargs)
            if "dtype" in kwargs:
                result = _dtype_keyword(op, args, kwargs)
                if result is not NOT_HANDLED:
                    return result
            # (one wrapper serves a function-only op's calls: never a method's)
            from ._registry import REGISTRY     # (the error path: the registry imports this)
            info = REGISTRY.get(op.__name__)
            reword_int(e, op.__name__, function, method and (info is None or bool(info.method)),
                       args, kwargs)
            # (NumPy's and PyTorch's names for the keywords: ops/_keywords.py)
            try:
                return _keywords.retry(function, op.__name__, args, kwargs, e, method)
            except TypeError as refused:
                if op._of is None:
                    raise
                raise as_called(refused, op._of, op.__name__) from None
        except ValueError:      # (float("x") in an op: a string where a number goes)
            refuse_types(op.__name__, method, args, kwargs)
            raise
        finally:
            restore(token)
    op._form = "method" if method else "function"
    op._renames = True      # (retry renames NumPy's keywords: _keywords.numpy_names)
    op._of = None       # (an alias's wrapper: the op's own name, which its errors say)
    # (published under an alias, keywords.under_name: a wrapper naming the alias)
    op._under_name = lambda alias: _alias_op(function, method, alias, op.__name__)
    # (the function's name until register gives the public one: what errors print)
    op.__name__ = op.__qualname__ = function.__name__
    op.__doc__ = function.__doc__
    op.__wrapped__ = function
    return op


def _dtype_keyword(op, args, kwargs):
    """After op failed: the call again with dtype=float (int, bool,
    complex) as the dtype PyTorch's parser reads it as, or the parser's
    TypeError for a dtype= of another type; NOT_HANDLED where dtype= was
    a dtype (the failure was another's)."""
    from .._dtype import dtype
    given = kwargs["dtype"]
    if given is None or isinstance(given, dtype):
        return NOT_HANDLED
    from .._python_data import dtype_arg
    return op(*args, **{**kwargs, "dtype": dtype_arg(given, op.__name__)})


def _alias_op(function, method, alias, name):
    op = _quietly(function, method)
    op.__name__ = op.__qualname__ = alias
    op._of = name
    return op


def as_called(error, name, called):
    """A TypeError that op `name` worded with its own name, in the name the
    caller used (PyTorch's parser words its refusals with the alias called:
    `concatenate(): argument 'tensors' ...`, `arctan2(): ...`); a kernel's
    RuntimeError keeps the op's name, as PyTorch's does."""
    text = str(error)
    if called != name and type(error) is TypeError and text.startswith(name + "("):
        return TypeError(called + text[len(name):])
    return error


def with_out(function, name, check=None, called=None):
    """`function` taking `out=`: the result written into the given tensor(s)
    (ops/_out.py), after `check(name, out, result)` where the op checks its
    out= itself. Only the function form pays for the extra call."""
    from ._out import into

    said = called or name       # (the name the caller used: what refusals say)
    params = _plain_parameters(function)
    if params is not None:
        # The op's own parameters spelled out: a cheaper call than *args, **kwargs.
        make = _WITH_OUT.get(params)
        if make is None:
            # (a function's tensor is `input` to PyTorch's parser, whatever the
            # op's code calls it: torch.add(input=a, other=b))
            ps = ", ".join("input" if p == "self" else p for p in params)
            comma = "," if ps else ""
            namespace = {"as_called": as_called}
            exec(compile(
                f"def make(function, name, said, check, into, refuse, tensor_like, none, types, "
                f"ints):\n"
                f"    def public({ps}{comma} *, out=None):\n"
                f"        try:\n"
                f"            if out is None:\n"
                f"                return function({ps})\n"
                f"            return into(out, name, function, ({ps}{comma}), {{}}, check)\n"
                f"        except (AttributeError, TypeError, ValueError) as e:\n"
                f"            result = tensor_like(public, ({ps}{comma}), {{}})\n"
                f"            if result is not none:\n"
                f"                return result\n"
                f"            types(said, False, ({ps}{comma}), {{}} if out is None else "
                f"{{'out': out}})\n"
                f"            ints(e, said, function, False, ({ps}{comma}), {{}})\n"
                f"            if isinstance(e, ValueError):\n"
                f"                raise\n"
                f"            if isinstance(e, AttributeError):\n"
                f"                refuse(said, ({ps}{comma}), {{}})\n"
                f"            if said != name:\n"
                f"                raise as_called(e, name, said) from None\n"
                f"            raise\n"
                f"    return public\n", __file__, "exec"), namespace)
            make = _WITH_OUT[params] = namespace["make"]
        public = make(function, name, said, check, into, refuse_non_tensor,
                      tensor_like_call, NOT_HANDLED, refuse_types, reword_int)
        # (no renaming, and none added: these are the hottest forms, torch.sin,
        # torch.add, and NumPy's names of their tensors are rare: a wrapper
        # there would cost every call a frame)
        public._renames = None
    else:
        def public(*args, out=None, **kwargs):
            try:
                if out is None:
                    return function(*args, **kwargs)
                return into(out, name, function, args, kwargs, check)
            except (AttributeError, TypeError, ValueError) as e:
                given = kwargs if out is None else {**kwargs, "out": out}
                result = refused_call(e, public, said, function, args, kwargs, given)
                if result is not NOT_HANDLED:
                    return result
                if isinstance(e, AttributeError):
                    refuse_non_tensor(said, args, kwargs)
                if not isinstance(e, TypeError):
                    raise
                # (the function's words: the method's are the op's own)
                _keywords.reword_missing(e, said, args, given, function)
                again = _keywords.renamed(function, kwargs)
                if again is None:
                    renamed_error = as_called(_keywords.named(e, said), name, said)
                    if renamed_error is e:
                        raise
                    raise renamed_error from None
                return public(*args, out=out, **again)
        public._renames = True
    public.__name__ = public.__qualname__ = function.__name__
    public.__doc__ = function.__doc__
    public.__wrapped__ = function
    # (published under an alias, keywords.under_name: the same wrapper, naming
    # the alias, as PyTorch's parser does, when an argument is left out)
    public._under_name = lambda alias: with_out(function, name, check, alias)
    return public


_WITH_OUT = {}


def _made(text, namespace=None):
    """The function that `text` (ours, made from declarations) defines, its
    code filed under this module: a traceback through it (anomaly mode's
    forward trace) then counts it among Ember's own frames, not as a
    "<string>" whose line another module's source could stand in for."""
    return eval(compile(text, __file__, "eval"), {} if namespace is None else namespace)


def _plain_parameters(function):
    """The names of `function`'s parameters when they are all plain
    positional ones without defaults (sin(input), mul(input, other)); None
    otherwise."""
    code = getattr(function, "__code__", None)
    if (code is None or function.__defaults__ or function.__kwdefaults__
            or code.co_kwonlyargcount or code.co_flags & (CO_VARARGS | CO_VARKEYWORDS)):
        return None
    return code.co_varnames[:code.co_argcount]


def function_form(function):
    """The function form of an op that is its own method (torch.unsqueeze
    and Tensor.unsqueeze: one Python function, with no wrapper on the hot
    path): the same call, but a refused argument worded as the function's
    (the tensor is argument 1, where a method counts from after self)."""
    def op(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except (AttributeError, TypeError) as e:
            # (a tensor-like that is no Tensor gets the call through its
            # __torch_function__; anything else no Tensor, the parser's error)
            result = refused_call(e, op, function.__name__, function, args, kwargs, kwargs)
            if result is not NOT_HANDLED:
                return result
            if isinstance(e, AttributeError):
                refuse_non_tensor(function.__name__, args, kwargs)
            raise
    op.__name__ = op.__qualname__ = op._op_name = function.__name__
    op.__doc__ = function.__doc__
    op.__wrapped__ = function
    return op


def refused_call(error, public, name, function, args, kwargs, given):
    """After the function form `public` of op `name` failed on its call with
    `error`: what a tensor-like argument's __torch_function__ returns; else
    PyTorch's parser error for a refused argument, as the function form
    words it, is raised; else NOT_HANDLED (`error` stands). `given`: the
    keywords as the caller gave them, out= and dtype= among them."""
    result = tensor_like_call(public, args, kwargs)
    if result is not NOT_HANDLED:
        return result
    refuse_types(name, False, args, given)
    reword_int(error, name, function, False, args, kwargs)
    return NOT_HANDLED
