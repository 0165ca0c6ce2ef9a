"""nn.Parameter and nn.Buffer: tensors that a Module registers by assignment."""
from .._tensor import Tensor

__all__ = ["Parameter", "Buffer"]


class _ParameterMeta(type):
    # As torch: a plain Tensor flagged `_is_param` also counts as a Parameter.
    def __instancecheck__(cls, instance):
        if cls is Parameter and isinstance(instance, Tensor) and instance._is_param:
            return True
        return super().__instancecheck__(instance)


class Parameter(Tensor, metaclass=_ParameterMeta):
    """A leaf tensor that shares `data`'s array (and version counter) and
    requires grad by default."""
    __slots__ = ()
    _is_param = True

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from .._creation import empty
            data = empty(0)
        if requires_grad and data._data.dtype.kind not in "fc":
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients")
        p = object.__new__(cls)
        p._data = data._data
        p._requires_grad = bool(requires_grad)
        p._grad_fn = None
        p._vc = data._share_vc()
        return p

    def __init__(self, data=None, requires_grad=True):
        pass    # all done in __new__; Tensor.__init__ is the legacy constructor

    def __repr__(self):
        return "Parameter containing:\n" + Tensor.__repr__(self)

    __str__ = __repr__

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(Tensor._wrap(self._data.copy()), self._requires_grad)
        if self._grad is not None:
            result._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = result
        return result

    def __reduce_ex__(self, proto):
        return (_rebuild_parameter, (self._data, self._requires_grad))


def _rebuild_parameter(data, requires_grad):
    return Parameter(Tensor._wrap(data), requires_grad)


class _BufferMeta(type):
    def __instancecheck__(cls, instance):
        if cls is Buffer and isinstance(instance, Tensor) and \
                instance.__dict__.get("_is_buffer", False):
            return True
        return super().__instancecheck__(instance)


class Buffer(Tensor, metaclass=_BufferMeta):
    """Marks a tensor as a buffer when assigned to a Module attribute;
    `Buffer(t)` is a plain detached Tensor, as in torch."""
    __slots__ = ()

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            from .._creation import empty
            data = empty(0)
        t = data.detach()
        t._requires_grad = data._requires_grad
        t.persistent = persistent
        t._is_buffer = True
        return t
