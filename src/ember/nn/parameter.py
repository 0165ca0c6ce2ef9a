"""nn.Parameter and nn.Buffer: tensors that a Module registers by assignment."""
from collections import OrderedDict

from .._public_name import PublicClass
from .._subclass import disabled_impl
from .._tensor import Tensor

__all__ = ["Parameter", "Buffer", "UninitializedParameter", "UninitializedBuffer", "is_lazy",
           "UninitializedTensorMixin"]


class _ParameterMeta(PublicClass):
    # As torch: a plain Tensor flagged `_is_param` also counts as a Parameter.
    def __instancecheck__(cls, instance):
        if cls is Parameter and isinstance(instance, Tensor) and instance._is_param:
            return True
        return super().__instancecheck__(instance)


class Parameter(Tensor, metaclass=_ParameterMeta):
    """A leaf tensor that shares `data`'s array (and version counter) and
    requires grad by default."""
    __slots__ = ()
    # (as PyTorch's: ops on a parameter give plain Tensors)
    __torch_function__ = disabled_impl
    _is_param = True

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from .._creation import empty
            data = empty(0)
        if not isinstance(data, Tensor):
            data.detach     # (PyTorch detaches what is not a tensor: Python's AttributeError)
        if type(data) is Tensor or type(data) is Parameter:
            return Tensor._make_subclass(cls, data, requires_grad)
        # A tensor of a subclass of the program's stays of its class, marked
        # as a parameter (isinstance(t, Parameter) holds), as in PyTorch.
        t = data.detach()._requiring_grad(requires_grad)
        if type(t) is not type(data):
            raise RuntimeError(
                f"Creating a Parameter from an instance of type {type(data).__name__} requires "
                "that detach() returns an instance of the same type, but return type "
                f"{type(t).__name__} was found instead. To use the type as a Parameter, please "
                "correct the detach() semantics defined by its __torch_dispatch__() "
                "implementation.")
        t._is_param = True
        return t

    def __init__(self, data=None, requires_grad=True):
        pass    # all done in __new__; Tensor.__init__ is the legacy constructor

    def __repr__(self):
        return "Parameter containing:\n" + Tensor.__repr__(self)

    __str__ = __repr__

    def __deepcopy__(self, memo):
        # PyTorch's: a new parameter of a copy of the data (no grad, no
        # attributes of its user's)
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(Tensor._wrap(self._data.copy(order="K")), self._requires_grad)
        memo[id(self)] = result
        return result

    def __reduce_ex__(self, proto):
        # PyTorch's: the data pickled as a tensor (its storage, offset and strides)
        from .. import _unpickle_torch as U
        from .._utils import _user_state
        from ..utils.hooks import warn_if_has_hooks
        warn_if_has_hooks(self)
        state = _user_state(self)
        if not state:
            return (U._rebuild_parameter, (self.data, self._requires_grad, OrderedDict()))
        return (U._rebuild_parameter_with_state,
                (self.data, self._requires_grad, OrderedDict(), state))


def _rebuild_parameter(data, requires_grad):
    # (what a pickle of an older Ember calls)
    return Parameter(Tensor._wrap(data), requires_grad)


class _BufferMeta(PublicClass):
    def __instancecheck__(cls, instance):
        if cls is Buffer and isinstance(instance, Tensor) and \
                instance.__dict__.get("_is_buffer", False):
            return True
        return super().__instancecheck__(instance)


class Buffer(Tensor, metaclass=_BufferMeta):
    """Marks a tensor as a buffer when assigned to a Module attribute;
    `Buffer(t)` is a plain detached Tensor, as in torch."""
    __slots__ = ()
    __torch_function__ = disabled_impl

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            from .._creation import empty
            data = empty(0)
        t = data.detach()
        t._requires_grad = data._requires_grad
        t.persistent = persistent
        t._is_buffer = True
        return t


_NO_SHAPE = ("Can't access the shape of an uninitialized parameter or buffer. This error "
             "usually happens in `load_state_dict` when trying to load an uninitialized "
             "parameter into an initialized one. Call `forward` to initialize the parameters "
             "before accessing their attributes.")


class UninitializedTensorMixin:
    """A tensor whose shape is not known yet: it holds an empty array of the
    dtype it will have, and `materialize` gives it its shape and its final class."""
    __slots__ = ()
    __torch_function__ = disabled_impl     # (its methods refuse: below)

    def materialize(self, shape, device=None, dtype=None):
        from .._creation import empty
        dtype = self.dtype if dtype is None else dtype
        self._data = empty(shape, dtype=dtype)._data
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError(_NO_SHAPE)

    def share_memory_(self):
        raise RuntimeError(
            "Can't share memory on an uninitialized parameter or buffer. Call `forward` to "
            "initialize the parameters before calling `module.share_memory()`.")

    def to(self, *args, **kwargs):
        # Module.to/double/...: the new dtype is kept for materialize, the class stays.
        moved = Tensor._wrap(self._data).to(*args, **kwargs)
        if moved.dtype is self.dtype:
            return self
        # (torch's Parameter turns subclass wrapping off: a converted
        # UninitializedParameter is a plain empty Tensor; a buffer stays lazy)
        return moved if isinstance(self, Parameter) else self._like(moved.dtype)

    def __repr__(self):
        return f"<{type(self).__name__}>"

    def __str__(self):
        return self.__repr__()

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = self._like(self.dtype)
        return memo[id(self)]

    def __reduce_ex__(self, proto):
        return (type(self), (self.requires_grad,))


# What an uninitialised tensor still allows (torch's _allowed_methods, plus the
# object protocol Python and Ember's own bookkeeping rely on); every other
# Tensor method raises, as torch's __torch_function__ makes them.
_ALLOWED = {"size", "copy_", "is_complex", "is_floating_point", "half", "float", "double",
            "char", "short", "int", "long", "cuda", "cpu", "to", "get_device"}
_OBJECT_PROTOCOL = {"__init__", "__new__", "__repr__", "__str__", "__hash__", "__eq__", "__ne__",
                    "__getattribute__", "__getattr__", "__setattr__", "__delattr__", "__dir__",
                    "__reduce__", "__reduce_ex__", "__deepcopy__", "__copy__", "__getstate__",
                    "__setstate__", "__format__", "__sizeof__", "__init_subclass__",
                    "__subclasshook__", "__class_getitem__", "__array__", "__array_ufunc__",
                    "__array_function__", "__array_wrap__", "__torch_function__"}


# How PyTorch's refusal names a method: most are methods of its C base class,
# under their own name or the one an operator calls (`p + 1` is `add`);
# those written in Python (torch/_tensor.py) are functions; indexing is a slot.
_METHOD_OF = {"ndimension": "dim", "nelement": "numel", "__iter__": "dim", "__add__": "add",
              "__radd__": "add", "__sub__": "sub", "__mul__": "mul", "__rmul__": "mul",
              "__truediv__": "div", "__mod__": "remainder", "__neg__": "neg",
              "__pos__": "positive", "__abs__": "abs", "__rand__": "bitwise_and",
              "__ror__": "bitwise_or", "__rxor__": "bitwise_xor", "__lt__": "lt", "__le__": "le",
              "__gt__": "gt", "__ge__": "ge", "__iadd__": "add_", "__isub__": "sub_",
              "__imul__": "mul_", "__itruediv__": "div_", "__ifloordiv__": "floor_divide_",
              "__imod__": "remainder_", "__matmul__": "matmul"}
_FUNCTION_OF = {"__rtruediv__": "Tensor.__rdiv__", "__pow__": "TensorBase.pow",
                "__ipow__": "TensorBase.pow_",
                **{name: f"Tensor.{name}" for name in (
                    "__deepcopy__", "__floordiv__", "__len__", "__rfloordiv__", "__rlshift__",
                    "__rmatmul__", "__rmod__", "__rpow__", "__rrshift__", "__rsub__", "backward",
                    "istft", "lu", "norm", "register_hook", "split", "stft", "unflatten",
                    "unique", "unique_consecutive")}}
_SLOTS = {"__getitem__", "__setitem__"}


def _refusal(self, name):
    from .. import _public_name
    base = f"'{_public_name.name}._C.TensorBase'"
    if name in _FUNCTION_OF:
        what = f"<function {_FUNCTION_OF[name]} at {id(getattr(Tensor, name)):#x}>"
    elif name in _SLOTS:
        what = f"<slot wrapper '{name}' of {base} objects>"
    else:
        what = f"<method '{_METHOD_OF.get(name, name)}' of {base} objects>"
    return ValueError(
        f"Attempted to use an uninitialized parameter in {what}. This error happens when you "
        "are using a `LazyModule` or explicitly manipulating "
        f"`{_public_name.name}.nn.parameter.{type(self).__name__}` objects. When using "
        "LazyModules Call `forward` with a dummy batch to initialize the parameters before "
        f"calling {_public_name.name} functions")


def _refuse(name):
    def method(self, *args, **kwargs):
        raise _refusal(self, name)
    method.__name__ = name
    return method



def _guard_methods(mixin):
    for name, attr in vars(Tensor).items():
        dunder = name.startswith("__") and name.endswith("__")
        if name in _ALLOWED or name in vars(mixin) or name in _OBJECT_PROTOCOL \
                or (name.startswith("_") and not dunder):
            continue
        if callable(attr) and not isinstance(attr, (type, staticmethod, classmethod, property)):
            setattr(mixin, name, _refuse(name))


_guard_methods(UninitializedTensorMixin)


def is_lazy(param):
    """Whether `param` is an UninitializedParameter or an UninitializedBuffer."""
    return isinstance(param, UninitializedTensorMixin)


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A Parameter whose shape is still unknown (a lazy module's, until its
    first forward); it becomes a plain Parameter when materialised."""
    __slots__ = ()
    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        from .._creation import empty
        return Parameter.__new__(cls, empty(0, device=device, dtype=dtype), requires_grad)

    def __init__(self, requires_grad=True, device=None, dtype=None):
        pass

    def _like(self, dtype):
        return type(self)(self.requires_grad, None, dtype)


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A buffer whose shape is still unknown; it becomes a plain Tensor when
    materialised."""
    __slots__ = ()
    cls_to_become = Tensor

    def __new__(cls, requires_grad=False, device=None, dtype=None, persistent=True):
        from .._creation import empty
        t = object.__new__(cls)
        data = empty(0, device=device, dtype=dtype, requires_grad=requires_grad)
        t._data, t._requires_grad, t._grad_fn = data._data, data._requires_grad, None
        t._vc = data._share_vc()
        t.persistent = persistent
        t._is_buffer = True
        return t

    def __init__(self, requires_grad=False, device=None, dtype=None, persistent=True):
        pass

    def _like(self, dtype):
        return type(self)(self.requires_grad, None, dtype, self.persistent)

    def __deepcopy__(self, memo):
        # (torch gives UninitializedParameter alone a __deepcopy__: a buffer's
        # copy goes through Tensor's, which refuses it)
        raise _refusal(self, "__deepcopy__")
