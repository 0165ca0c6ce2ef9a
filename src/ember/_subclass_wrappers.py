"""The dispatching wrappers `_subclass` installs: over a subclass's inherited
methods, operators and properties, and (once) over the public functions."""
import functools
import sys
import types

from ._subclass import NAMES, NOT_HANDLED, _state, call_mode, handle, overloaded_args
from ._tensor import Tensor

# Operators and the Tensor method PyTorch hands to __torch_function__ for
# them (the operator itself where it names none).
_OPERATORS = {
    "__abs__": "abs", "__neg__": "neg", "__pos__": "positive", "__invert__": None,
    "__add__": "add", "__radd__": "add", "__sub__": "sub", "__rsub__": None,
    "__mul__": "mul", "__rmul__": "mul", "__truediv__": "div", "__rtruediv__": None,
    "__floordiv__": None, "__rfloordiv__": None, "__mod__": "remainder", "__rmod__": None,
    "__pow__": "pow", "__rpow__": None, "__matmul__": "matmul", "__rmatmul__": None,
    "__and__": None, "__rand__": "bitwise_and", "__or__": None, "__ror__": "bitwise_or",
    "__xor__": None, "__rxor__": "bitwise_xor", "__lshift__": None, "__rlshift__": None,
    "__rshift__": None, "__rrshift__": None,
    "__eq__": None, "__ne__": "ne", "__lt__": "lt", "__le__": "le", "__gt__": "gt",
    "__ge__": "ge",
    "__iadd__": "add_", "__isub__": "sub_", "__imul__": "mul_", "__itruediv__": "div_",
    "__ifloordiv__": "floor_divide_", "__imod__": "remainder_", "__ipow__": "pow_",
    "__iand__": None, "__ior__": None, "__ixor__": None, "__ilshift__": None,
    "__irshift__": None,
}
# Other special methods that dispatch as themselves (__str__ as __repr__).
_SPECIAL = {"__getitem__": None, "__setitem__": None, "__len__": None, "__repr__": None,
            "__str__": "__repr__", "__format__": None, "__reversed__": None,
            "__contains__": None, "__float__": None, "__int__": None, "__bool__": None,
            "__index__": None, "__complex__": None, "__deepcopy__": None}
# Tensor's methods that stay as they are: how a subclass is made (the
# protocol itself, __torch_function__, is a classmethod: never wrapped).
_KEEP = {"as_subclass"}


_UNARY = ("__abs__", "__neg__", "__pos__", "__invert__")


def _dispatching(orig, func, binary=False):
    """`orig` (a Tensor method) that first hands the call to the
    __torch_function__ of its arguments, as `func` (None: as itself)."""
    def method(self, *args, **kwargs):
        if _state.modes and not _state.all_off:
            result = call_mode(func, (self, *args), kwargs or None)
            if result is not NOT_HANDLED:
                return result
        if _state.subclass_off or _state.all_off:
            return orig(self, *args, **kwargs)
        found = overloaded_args((self, *args), kwargs)
        if not found:
            return orig(self, *args, **kwargs)
        if not binary:
            return handle(func, found, (self, *args), kwargs or None)
        try:
            return handle(func, found, (self, *args), kwargs or None)
        except TypeError:
            # (as PyTorch's operators: Python then tries the other operand,
            # or says the operand types are unsupported)
            return NotImplemented
    functools.update_wrapper(method, orig)
    if func is None:    # (the closure reads it when called)
        func = method
    return method


def _dispatching_property(prop):
    getter = prop.__get__

    def get(self):
        if _state.modes and not _state.all_off:
            result = call_mode(getter, (self,), None)
            if result is not NOT_HANDLED:
                return result
        if _state.subclass_off or _state.all_off:
            return prop.fget(self)
        found = overloaded_args((self,))
        if not found:
            return prop.fget(self)
        return handle(getter, found, (self,), None)
    return property(get, prop.fset, prop.fdel, prop.__doc__)


def _iter(self):
    # PyTorch's: the tensor unbound along dim 0 (so each row is converted)
    if self.dim() == 0:
        return Tensor.__iter__(self)
    return iter(self.unbind(0))


@functools.cache
def _wrappers():
    """name -> the dispatching attribute a subclass gets, made once."""
    out = {}
    for name, value in vars(Tensor).items():
        if name in _KEEP:
            continue
        if isinstance(value, property):
            if not name.startswith("_") or name in ("_base", "_version"):
                out[name] = _dispatching_property(value)
                NAMES[value.__get__] = f"ember.Tensor.{name}.__get__"
        elif isinstance(value, types.FunctionType):
            if name in _OPERATORS:
                # (an operator PyTorch hands over as itself: the wrapper, which
                # Tensor gets too, named as the operator)
                binary = not name.startswith("__i") and name not in _UNARY
                target = _OPERATORS[name]
                out[name] = _dispatching(value, getattr(Tensor, target) if target else None,
                                         binary)
                if not target:
                    out[name].__name__ = name
                    out[name].__qualname__ = f"Tensor.{name}"
                    NAMES[out[name]] = f"ember.Tensor.{name}"
            elif name in _SPECIAL:
                out[name] = _dispatching(value, getattr(Tensor, _SPECIAL[name] or name))
            elif not name.startswith("_"):
                out[name] = _dispatching(value, value)
            if name in out and name not in _OPERATORS:
                # (named as Tensor's attribute: new_zeros, whatever its function's name)
                target = _SPECIAL.get(name) or name
                NAMES.setdefault(getattr(Tensor, target), f"ember.Tensor.{target}")
    out["__iter__"] = _iter
    return out


def install(cls):
    """Give `cls` (a Tensor subclass taking part in dispatch) the wrappers
    for what it does not define itself, and turn on the functions' dispatch."""
    own = set()
    for klass in cls.__mro__:
        if klass is Tensor:
            break
        own.update(vars(klass))
    for name, wrapper in _wrappers().items():
        if name not in own:
            setattr(cls, name, wrapper)
    enable_functions()


# The public namespaces whose functions dispatch (in `ember` itself, all but
# those of PyTorch's get_ignored_functions: factories, settings).
_NAMESPACES = ("ember.nn.functional", "ember.linalg", "ember.special", "ember.fft")
_IGNORED = {
    "arange", "are_deterministic_algorithms_enabled", "as_strided", "as_tensor", "asarray",
    "autocast_decrement_nesting", "autocast_increment_nesting", "bartlett_window",
    "blackman_window", "broadcast_shapes", "can_cast", "clear_autocast_cache", "compile",
    "cond", "empty", "empty_permuted", "empty_strided", "eye", "fill", "from_numpy",
    "from_file", "frombuffer", "full", "get_autocast_cpu_dtype", "get_autocast_dtype",
    "get_autocast_gpu_dtype", "get_default_device", "get_default_dtype",
    "get_deterministic_debug_mode", "get_device_module", "get_float32_matmul_precision",
    "get_num_interop_threads", "get_num_threads", "get_rng_state", "hamming_window",
    "hann_window", "init_num_threads", "initial_seed", "is_anomaly_check_nan_enabled",
    "is_anomaly_enabled", "is_autocast_cache_enabled", "is_autocast_cpu_enabled",
    "is_autocast_enabled", "is_deterministic_algorithms_warn_only_enabled", "is_grad_enabled",
    "is_inference_mode_enabled", "is_storage", "is_tensor", "is_warn_always_enabled",
    "kaiser_window", "linspace", "load", "logspace", "manual_seed", "normal", "ones",
    "promote_types", "rand", "rand_like", "randint", "randint_like", "randn", "randn_like",
    "randperm", "range", "result_type", "save", "scalar_tensor", "seed", "set_anomaly_enabled",
    "set_autocast_cache_enabled", "set_autocast_cpu_dtype", "set_autocast_cpu_enabled",
    "set_autocast_dtype", "set_autocast_enabled", "set_autocast_gpu_dtype",
    "set_default_device", "set_default_tensor_type", "set_deterministic_debug_mode",
    "set_float32_matmul_precision", "set_flush_denormal", "set_num_interop_threads",
    "set_num_threads", "set_printoptions", "set_rng_state", "set_warn_always", "tensor",
    "tril_indices", "triu_indices", "typename", "use_deterministic_algorithms", "vander",
    "vmap", "zeros",
}
_enabled = False
_made = {}      # the public function -> its dispatching form
# Counts the swaps both ways: whoever keeps the public functions (vmap's
# wrappers) takes them again when it changed.
generation = 0


_replaced = []  # (owner, name, what it held): what disable_functions puts back


def enable_functions():
    """Replace the public functions by dispatching ones (once per process)."""
    global _enabled, generation
    if _enabled:
        return
    _enabled = True
    generation += 1
    # Tensor's own operators too: `parameter + sub` runs Parameter's, which
    # must see the subclass (Python tries a reflected operator first only
    # for the left operand's subclasses).
    wrappers = _wrappers()
    for name in _OPERATORS:
        _replaced.append((Tensor, name, vars(Tensor)[name]))
        setattr(Tensor, name, wrappers[name])
    _swap_functions(ignored=False)


def _swap_functions(ignored):
    """Put the dispatching forms in place of the public functions: those PyTorch
    lists as ignored (factories, settings: only modes see them), or the rest."""
    import ember
    for module in (ember, *(sys.modules[n] for n in _NAMESPACES)):
        functional = module.__name__.endswith("functional")
        for name, value in list(vars(module).items()):
            if name.startswith("_") or not isinstance(value, types.FunctionType) or \
                    (module is ember and name in _IGNORED) != ignored:
                continue
            public = _made.get(value)
            if public is None:
                public = _made[value] = _Dispatching(value, functional, ignored)
                NAMES[public] = f"{'ember.nn.functional' if functional else module.__name__}" \
                                f".{name}"
            _replaced.append((module, name, value))
            setattr(module, name, public)


def enable_modes():
    """What a TorchFunctionMode needs besides the functions: every method and
    property of Tensor itself dispatching (plain tensors' calls reach a mode)."""
    enable_functions()
    if vars(Tensor).get("add") is _wrappers()["add"]:
        return
    _swap_functions(ignored=True)
    for name, wrapper in _wrappers().items():
        if name not in _OPERATORS:
            _replaced.append((Tensor, name, vars(Tensor)[name]))
            setattr(Tensor, name, wrapper)


def disable_functions():
    """Put the plain public functions and operators back (the test suite
    does, after a test that defined a subclass); subclasses defined so far
    keep their own wrappers, and the next one turns dispatch on again."""
    global _enabled, generation
    generation += 1
    while _replaced:
        owner, name, value = _replaced.pop()
        setattr(owner, name, value)
    _made.clear()
    _enabled = False


class _Dispatching:
    """A public function that first hands the call to the __torch_function__
    of its arguments. It equals (and hashes as) the function it replaced, so
    that a table of overrides keyed by `torch.add` before the replacement
    still finds it; it binds as a method only where the function did."""

    def __init__(self, orig, python_function, ignored=False):
        functools.update_wrapper(self, orig)
        self._python, self._ignored = python_function, ignored

    def __call__(self, *args, **kwargs):
        if _state.modes and not _state.all_off:
            result = call_mode(self, args, kwargs or None)
            if result is not NOT_HANDLED:
                return result
        if self._ignored:
            return self.__wrapped__(*args, **kwargs)
        found = overloaded_args(args, kwargs)
        if not found:
            return self.__wrapped__(*args, **kwargs)
        return handle(self, found, args, kwargs or None, self._python)

    def __eq__(self, other):
        return other is self or other is self.__wrapped__ or \
            isinstance(other, _Dispatching) and other.__wrapped__ is self.__wrapped__

    def __hash__(self):
        return hash(self.__wrapped__)

    def __repr__(self):
        return repr(self.__wrapped__)

    def __get__(self, obj, owner=None):
        # (a class attribute binds, as the Python function it replaced did)
        return self if obj is None else types.MethodType(self, obj)

    def __reduce__(self):
        # (pickled as where the program finds it: ember.add, ember.nn.functional.relu)
        module, _, name = NAMES[self].rpartition(".")
        return _public_function, (module, name)


def _public_function(module, name):
    import importlib
    return getattr(importlib.import_module(module), name)


def dispatching_form(function):
    """The dispatching form of the public function `function` (None for
    anything else)."""
    return _made.get(function)
