"""Tensor subclasses and `__torch_function__`, as PyTorch's torch.overrides.

In PyTorch every public function, Tensor method, operator and property
checks its arguments for a Tensor subclass (or another type) that defines
`__torch_function__`, and hands the call to it. The default one, Tensor's
own, runs the call with that check off and gives the result the subclass's
class: `x.as_subclass(MyT) + 1` is a MyT.

Ember pays for the check only in a program that uses it (ember/_subclass_wrappers.py):
when a subclass is defined, its class gets a dispatching wrapper for each of
Tensor's methods, operators and properties it does not define itself, and
the public functions of `ember`, `nn.functional`, `linalg`, `special` and
`fft`, and Tensor's operators, are replaced, once, by dispatching ones;
entering a TorchFunctionMode also wraps Tensor's own methods and properties
and the factories. Types that are not Tensors but define
`__torch_function__` (the "tensor-like" of the Extending-PyTorch note) take
part in the functions' dispatch. `__torch_dispatch__` is not supported.
"""
import functools
import os
import sys
import threading

from . import _public_name
from ._tensor import Tensor

__all__ = ["DisableTorchFunction", "DisableTorchFunctionSubclass", "disabled_impl",
           "is_enabled", "overloaded_args", "handle", "convert", "default_nowrap",
           "tensor_like_call", "NOT_HANDLED", "call_mode"]


class _State(threading.local):
    subclass_off = 0    # DisableTorchFunctionSubclass blocks open in this thread
    all_off = 0         # DisableTorchFunction blocks (modes too)

    def __init__(self):
        self.modes = []     # TorchFunctionModes entered in this thread, innermost last
        self.running = []   # the calls Tensor.__torch_function__ is running


_state = _State()


def disabled_impl(func, types, args=(), kwargs=None):
    """`torch._C._disabled_torch_function_impl`: a class whose
    __torch_function__ is this one (Parameter) takes no part in dispatch."""
    with DisableTorchFunctionSubclass():
        return func(*args, **(kwargs or {}))


class DisableTorchFunctionSubclass:
    """Within it, Tensor subclasses' __torch_function__ is not called."""

    def __enter__(self):
        _state.subclass_off += 1
        return self

    def __exit__(self, *exc):
        _state.subclass_off -= 1


class DisableTorchFunction:
    """Within it, no type's __torch_function__ is called."""

    def __enter__(self):
        _state.all_off += 1
        return self

    def __exit__(self, *exc):
        _state.all_off -= 1


def is_enabled():
    return not (_state.subclass_off or _state.all_off)


# type -> whether its instances take part in dispatch
_TAKES_PART = {Tensor: False, int: False, float: False, bool: False, type(None): False,
               str: False, complex: False, slice: False, type(Ellipsis): False}


def _takes_part(cls):
    known = _TAKES_PART.get(cls)
    if known is None:
        impl = getattr(cls, "__torch_function__", None)
        known = impl is not None and getattr(impl, "__func__", impl) is not disabled_impl \
            and not _pytorchs(cls)
        _TAKES_PART[cls] = known
    return known


def _pytorchs(cls):
    """Whether `cls` is real PyTorch's tensor class (or one made from it): its
    __torch_function__ calls back with PyTorch's switch off, not Ember's, so
    it takes no part in Ember's dispatch (ember.from_dlpack(torch_tensor))."""
    return any(k.__name__ == "TensorBase" and k.__module__ == "torch._C" for k in cls.__mro__)


def _add(arg, found):
    cls = type(arg)
    if not _takes_part(cls) or (_state.subclass_off and issubclass(cls, Tensor)):
        return
    if any(type(a) is cls for a in found):
        return
    # (a subclass goes before its bases, otherwise the order of the arguments)
    for i, a in enumerate(found):
        if issubclass(cls, type(a)):
            found.insert(i, arg)
            return
    found.append(arg)


def overloaded_args(args, kwargs=None):
    """The arguments whose types' __torch_function__ is called, in PyTorch's
    order; lists and tuples of arguments are looked into (torch.cat)."""
    found = []
    if _state.all_off:
        return found
    for a in (args if not kwargs else (*args, *kwargs.values())):
        if a.__class__ in (list, tuple):
            for b in a:
                _add(b, found)
        else:
            _add(a, found)
    return found


# func -> how PyTorch's dispatch errors name it (torch.add, torch.Tensor.add,
# torch.Tensor.shape.__get__): filled in as the wrappers are made
NAMES = {}


NOT_HANDLED = object()
_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


# The code of the layers that only rename NumPy's keywords before the public
# form proper (ops/_keywords.py's numpy_names): tensor_like_call looks
# through them, to the program's own call.
RENAMING_LAYERS = set()


def tensor_like_call(function, args, kwargs):
    """After `function` (a layer of a public function) failed on its
    arguments: if one is a tensor-like that is no Tensor (the Extending-PyTorch
    note's ScalarTensor), the call made again through the dispatching public
    function, so that its __torch_function__ gets it; else NOT_HANDLED. (Only
    the error path pays: a program without such types never gets here.)"""
    found = overloaded_args(args, kwargs)
    if not found or all(isinstance(a, Tensor) for a in found):
        return NOT_HANDLED
    # Only the layer the program called hands the call over: an inner one
    # (an op under its out= wrapper, called by Ember's own code) sees its
    # arguments filled in, dtype=None and the like, and one function may be
    # both a method and an inner layer of the function.
    caller = sys._getframe(2)
    while caller.f_code in RENAMING_LAYERS:     # (as if the program called the layer below)
        caller = caller.f_back
    if caller.f_code.co_filename.startswith(_PACKAGE):
        return NOT_HANDLED
    from . import _subclass_wrappers
    _subclass_wrappers.enable_functions()
    public = _subclass_wrappers.dispatching_form(getattr(function, "_renamed_by", function))
    if public is not None:
        return public(*args, **(kwargs or {}))
    if any(function is method for method in vars(Tensor).values()):
        return handle(function, found, args, kwargs or None)
    return NOT_HANDLED


def call_mode(func, args, kwargs):
    """The innermost TorchFunctionMode's __torch_function__ for this call,
    run with that mode off (so the calls it makes reach the next mode, or
    the function itself), as PyTorch's; NOT_HANDLED where it returns
    NotImplemented."""
    modes = _state.modes
    mode = modes.pop()
    try:
        kinds = tuple(type(a) for a in overloaded_args(args, kwargs))
        result = mode.__torch_function__(func, kinds, args, kwargs)
    finally:
        modes.append(mode)
    return NOT_HANDLED if result is NotImplemented else result


def _dispatch_name(func):
    try:
        name = NAMES.get(func)
    except TypeError:       # (unhashable)
        name = None
    if name is None:
        module = getattr(func, "__module__", None) or "ember"
        name = f"{module}.{getattr(func, '__qualname__', getattr(func, '__name__', func))}"
    return _public_name.public_module(name)


def handle(func, overloaded, args, kwargs, python_function=False):
    """Call the overloaded arguments' __torch_function__ in turn until one
    does not return NotImplemented."""
    kinds = tuple(type(a) for a in overloaded)
    for arg in overloaded:
        result = arg.__torch_function__(func, kinds, args, kwargs)
        if result is not NotImplemented:
            return result
    name = _dispatch_name(func)
    if python_function:
        raise TypeError(f"no implementation found for '{name}' on types that implement "
                        f"__torch_function__: {list(kinds)}")
    lines = "".join(f"\n  - tensor subclass "
                    f"{_public_name.class_repr(k) if k.__module__.startswith('ember') else k}"
                    for k in kinds)
    raise TypeError(f"Multiple dispatch failed for '{name}'; all __torch_function__ handlers "
                    f"returned NotImplemented:\n{lines}\n\nFor more information, try "
                    "re-running with TORCH_LOGS=not_implemented")


def convert(ret, cls):
    """PyTorch's _convert: Tensors in the result (and in tuples and lists of
    it) made instances of `cls`."""
    if cls is Tensor:
        return ret
    if isinstance(ret, Tensor) and not isinstance(ret, cls):
        return ret.as_subclass(cls)
    if isinstance(ret, (tuple, list)):
        items = [convert(r, cls) for r in ret]
        return type(ret)._make(items) if hasattr(type(ret), "_make") else type(ret)(items)
    return ret


@functools.cache
def default_nowrap():
    """What the default __torch_function__ returns as it is: the getters of
    `.grad` and `._base` (a gradient stays the class autograd made it)."""
    return {vars(Tensor)[name].__get__ for name in ("grad", "_base")
            if isinstance(vars(Tensor).get(name), property)}


def _tensor_torch_function(cls, func, types, args=(), kwargs=None):
    """Tensor's own __torch_function__: the call run without dispatch, its
    Tensors made instances of `cls`."""
    if kwargs is None:
        kwargs = {}
    if not all(issubclass(cls, t) for t in types):
        return NotImplemented
    running = _state.running
    if any(f is func for f in running):
        # Called back while running this very call: by another library (real
        # PyTorch's torch.add handed an Ember tensor calls here again from
        # inside func), which would only call back again.
        return NotImplemented
    running.append(func)
    try:
        with DisableTorchFunctionSubclass():
            ret = func(*args, **kwargs)
            if func in default_nowrap():
                return ret
            return convert(ret, cls)
    finally:
        running.pop()


_tensor_torch_function.__name__ = "__torch_function__"
_tensor_torch_function.__qualname__ = "Tensor.__torch_function__"
Tensor.__torch_function__ = classmethod(_tensor_torch_function)


def check_tensor_class(cls):
    """PyTorch's refusal of a class that is no Tensor subclass (as_subclass, _make_subclass)."""
    if not (isinstance(cls, type) and issubclass(cls, Tensor)):
        raise TypeError("Creating a Tensor subclass from a class that does not inherit from "
                        "Tensor is not possible. Make sure your class inherits from Tensor.")


def _make_subclass(cls, data, require_grad=False):
    """A leaf of class `cls` sharing `data`'s array and version counter
    (PyTorch's Tensor._make_subclass: what Parameter and subclasses' own
    __new__ are made with)."""
    from . import _dtype as D
    from ._python_data import _tname
    check_tensor_class(cls)
    if not isinstance(data, Tensor):
        raise TypeError("_make_subclass(): argument 'data' (position 2) must be Tensor, not "
                        f"{_tname(data)}")
    if type(require_grad) is not bool:
        raise TypeError("_make_subclass(): argument 'require_grad' (position 3) must be "
                        f"bool, not {_tname(require_grad)}")
    if require_grad and not D.can_require_grad(data._data.dtype):
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    t = object.__new__(cls)
    t._data = data._data
    t._requires_grad = require_grad
    t._grad_fn = None
    t._vc = data._share_vc()
    return t


Tensor._make_subclass = staticmethod(_make_subclass)


def __init_subclass__(cls, **kwargs):
    super(Tensor, cls).__init_subclass__(**kwargs)
    if "__torch_dispatch__" in cls.__dict__:
        raise NotImplementedError(
            f"{cls.__qualname__} defines __torch_dispatch__, which Ember does not support: "
            "Ember has no dispatcher below its Python ops to call it. __torch_function__ is "
            "supported.")
    if _takes_part(cls):
        from . import _subclass_wrappers
        _subclass_wrappers.install(cls)


Tensor.__init_subclass__ = classmethod(__init_subclass__)
