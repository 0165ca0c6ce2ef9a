"""torch.overrides, honest about Ember: Ember's own ops never dispatch to
`__torch_function__` (Tensor subclasses defining it are refused, see
ember._subclass), so `has_torch_function*` are False for Ember tensors and no
function is overridable.  Library code that checks `has_torch_function` and
calls `handle_torch_function` still gets PyTorch's protocol for objects of
its own types that define `__torch_function__`.  TorchFunctionMode cannot
be entered: no Ember op would consult it."""
import contextlib
import functools
import warnings
from collections import defaultdict

__all__ = ["get_ignored_functions", "get_overridable_functions", "get_testing_overrides",
           "handle_torch_function", "has_torch_function", "resolve_name", "is_tensor_like",
           "is_tensor_method_or_property", "wrap_torch_function", "enable_reentrant_dispatch",
           "redispatch_function"]


def _overloaded_args(relevant_args):
    """The arguments whose types define __torch_function__, subclasses first."""
    types, overloaded = set(), []
    for arg in relevant_args:
        arg_type = type(arg)
        if arg_type in types or not hasattr(arg_type, "__torch_function__"):
            continue
        types.add(arg_type)
        index = next((i for i, old in enumerate(overloaded)
                      if issubclass(arg_type, type(old))), len(overloaded))
        overloaded.insert(index, arg)
    return overloaded


def has_torch_function(relevant_args):
    if not isinstance(relevant_args, (tuple, list)):
        raise TypeError("expected a sequence")
    return bool(_overloaded_args(relevant_args))


def has_torch_function_unary(arg):
    return bool(_overloaded_args((arg,)))


def has_torch_function_variadic(*args):
    return bool(_overloaded_args(args))


def handle_torch_function(public_api, relevant_args, *args, **kwargs):
    """Calls the `__torch_function__` of the overloaded arguments in turn."""
    overloaded = _overloaded_args(relevant_args)
    types = tuple(map(type, overloaded))
    for arg in overloaded:
        method = arg.__torch_function__
        if getattr(method, "__self__", None) is arg:
            warnings.warn("Defining your `__torch_function__ as a plain method is deprecated and "
                          "will be an error in future, please define it as a classmethod.",
                          DeprecationWarning, stacklevel=2)
        result = method(public_api, types, args, kwargs)
        if result is not NotImplemented:
            return result
    raise TypeError(f"no implementation found for '{public_api.__module__}."
                    f"{public_api.__name__}' on types that implement __torch_function__: "
                    f"{[type(a) for a in overloaded]}")


def wrap_torch_function(dispatcher):
    def inner(func):
        @functools.wraps(func)
        def wrapped(*args, **kwargs):
            relevant_args = dispatcher(*args, **kwargs)
            if has_torch_function(relevant_args):
                return handle_torch_function(wrapped, relevant_args, *args, **kwargs)
            return func(*args, **kwargs)
        return wrapped
    return inner


def is_tensor_like(inp):
    from ._tensor import Tensor
    return isinstance(inp, Tensor) or hasattr(inp, "__torch_function__")


def is_tensor_method_or_property(func):
    from ._tensor import Tensor
    return any(func is v for v in vars(Tensor).values()) or \
        getattr(func, "__name__", None) == "__get__"


@functools.cache
def get_ignored_functions():
    """Every public function: none of Ember's dispatch to __torch_function__."""
    import ember
    from .nn import functional
    from ._tensor import Tensor
    found = set()
    for namespace in (ember, functional):
        for name in dir(namespace):
            value = getattr(namespace, name)
            if not name.startswith("_") and callable(value) and not isinstance(value, type):
                found.add(value)
    found.update(v for k, v in vars(Tensor).items() if callable(v) and not k.startswith("__"))
    return found


def get_overridable_functions():
    return defaultdict(list)


def get_testing_overrides():
    return {}


def get_default_nowrap_functions():
    return set()


def resolve_name(f):
    """None: no Ember function is overridable, so none has a dispatch name."""
    return None


@contextlib.contextmanager
def enable_reentrant_dispatch():
    yield


def redispatch_function(func, types, args, kwargs):
    raise NotImplementedError("Ember has no dispatcher to redispatch to.")


class TorchFunctionMode:
    """Subclassable so library code defines; entering raises, as no Ember op
    would call its __torch_function__."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        raise NotImplementedError()

    def __enter__(self):
        raise NotImplementedError(
            f"{type(self).__name__}: Ember's ops do not dispatch to __torch_function__, so a "
            "TorchFunctionMode would never be called.")

    def __exit__(self, *exc):
        return None

    @classmethod
    def push(cls, *args, **kwargs):
        return cls(*args, **kwargs).__enter__()


class BaseTorchFunctionMode(TorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        return func(*args, **(kwargs or {}))


def _is_torch_function_mode_enabled():
    return False
