"""torch.overrides: the `__torch_function__` protocol (ember/_subclass.py
runs it for Ember's own functions, methods and properties; library code
calls `has_torch_function` and `handle_torch_function` for its own).
TorchFunctionMode works as PyTorch's (not TorchDispatchMode: Ember has no
dispatcher below its Python ops)."""
import contextlib
import functools
import warnings
from collections import defaultdict

from . import _public_name, _subclass

__all__ = ["get_ignored_functions", "get_overridable_functions", "get_testing_overrides",
           "handle_torch_function", "has_torch_function", "resolve_name", "is_tensor_like",
           "is_tensor_method_or_property", "wrap_torch_function", "enable_reentrant_dispatch",
           "redispatch_function"]


def has_torch_function(relevant_args):
    if not isinstance(relevant_args, (tuple, list)):
        raise TypeError("expected a sequence")
    return bool(_subclass.overloaded_args(relevant_args))


def has_torch_function_unary(arg):
    return bool(_subclass.overloaded_args((arg,)))


def has_torch_function_variadic(*args):
    return bool(_subclass.overloaded_args(args))


def handle_torch_function(public_api, relevant_args, *args, **kwargs):
    """Calls the `__torch_function__` of the overloaded arguments in turn."""
    overloaded = _subclass.overloaded_args(relevant_args)
    for arg in overloaded:
        method = arg.__torch_function__
        if getattr(method, "__self__", None) is arg:
            warnings.warn("Defining your `__torch_function__ as a plain method is deprecated and "
                          "will be an error in future, please define it as a classmethod.",
                          DeprecationWarning, stacklevel=2)
    return _subclass.handle(public_api, overloaded, args, kwargs, python_function=True)


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


# The Tensor attributes PyTorch 2.13's list names (some of them, new_zeros
# or stride, reach __torch_function__ all the same, in PyTorch as in Ember)
_IGNORED_TENSOR = """
__class__ __delattr__ __delitem__ __dir__ __getattribute__ __hash__ __init__ __init_subclass__
__iter__ __new__ __setattr__ __subclasshook__ __torch_dispatch__ __torch_function__
_addmm_activation _conj _conj_physical _dtensor__new__ _fix_weakref _is_all_true _is_any_true
_is_zerotensor _lazy_clone _make_subclass _make_wrapper_subclass _neg_view _philox_normal_
_philox_uniform_ _reduce_ex_internal _rev_view_func_unsafe _to_sparse _to_sparse_bsc
_to_sparse_bsr _to_sparse_csc _to_sparse_csr _typed_storage _use_count _view_func
_view_func_unsafe as_subclass eig lstsq new new_empty new_empty_strided new_full new_ones
new_tensor new_zeros reinforce solve stride symeig to_padded_tensor to_sparse_bsc to_sparse_bsr
to_sparse_coo to_sparse_csc to_sparse_csr unflatten""".split()


@functools.cache
def get_ignored_functions():
    """The public functions that never dispatch (factories, settings), and
    the Tensor attributes PyTorch's list names."""
    import ember
    from ._subclass_wrappers import _IGNORED
    from ._tensor import Tensor
    ignored = {getattr(ember, n) for n in _IGNORED if callable(getattr(ember, n, None))}
    return ignored | {getattr(Tensor, n) for n in _IGNORED_TENSOR if hasattr(Tensor, n)}


def get_overridable_functions():
    """namespace -> the functions in it that dispatch, as PyTorch's."""
    import sys
    import ember
    from ._subclass_wrappers import _NAMESPACES, _wrappers
    from ._tensor import Tensor
    ignored = get_ignored_functions()
    out = defaultdict(list)
    for module in (ember, *(sys.modules[n] for n in _NAMESPACES)):
        for name in dir(module):
            value = getattr(module, name)
            if not name.startswith("_") and callable(value) and not isinstance(value, type) \
                    and not isinstance(value, type(ember)) and value not in ignored:
                out[module].append(value)
    for name in _wrappers():
        value = vars(Tensor).get(name)
        if value is not None:
            out[Tensor].append(value.__get__ if isinstance(value, property) else value)
    return out


def get_testing_overrides():
    return {}


def get_default_nowrap_functions():
    return set(_subclass.default_nowrap())


def resolve_name(f):
    """The name a dispatch error gives `f` (torch.add, torch.Tensor.add)."""
    from ._subclass_wrappers import _wrappers
    _wrappers()     # (names Tensor's methods and properties)
    try:
        if f in _subclass.NAMES:
            return _subclass._dispatch_name(f)
    except TypeError:       # (unhashable)
        return None
    for funcs in get_overridable_functions().values():
        if any(f is g or f == g for g in funcs):
            return _subclass._dispatch_name(f)
    if f in get_ignored_functions():
        return _public_name.public_module(f"ember.{f.__name__}")
    return None


@contextlib.contextmanager
def enable_reentrant_dispatch():
    yield


def redispatch_function(func, types, args, kwargs):
    raise NotImplementedError("Ember has no dispatcher to redispatch to.")


class TorchFunctionMode:
    """Overrides every function, method and property call within its `with`
    block: its __torch_function__ gets each, and the calls it makes go on to
    the next mode out (or the function itself), as in PyTorch. Entering the
    first one turns dispatch on for plain Tensors' methods too
    (ember/_subclass_wrappers.py)."""

    inner: "TorchFunctionMode"

    def __init__(self):
        pass

    def __torch_function__(self, func, types, args=(), kwargs=None):
        raise NotImplementedError

    def __enter__(self):
        from ._subclass_wrappers import enable_modes
        enable_modes()
        _subclass._state.modes.append(self)
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        _subclass._state.modes.pop()

    @classmethod
    def push(cls, *args, **kwargs):
        warnings.warn(
            "`Mode.push()` is no longer necessary and can be replaced with just `with Mode()`",
            stacklevel=2)
        return cls(*args, **kwargs)


class BaseTorchFunctionMode(TorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        return func(*args, **(kwargs or {}))


def _is_torch_function_mode_enabled():
    return bool(_subclass._state.modes) and not _subclass._state.all_off
