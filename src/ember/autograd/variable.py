"""torch.autograd.Variable: since PyTorch 0.4 every tensor is one.

`isinstance(t, Variable)` holds for any tensor, and `Variable(t,
requires_grad=True)` makes a leaf sharing t's data."""
import warnings

__all__ = ["Variable"]


class VariableMeta(type):
    def __instancecheck__(cls, other):
        from .._tensor import Tensor    # (ember.autograd is imported before Tensor exists)
        return isinstance(other, Tensor)


class Variable(metaclass=VariableMeta):
    def __new__(cls, data=None, requires_grad=False, volatile=False, _grad_fn=None):
        from .._tensor import Tensor
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use "
                          "`with torch.no_grad():` instead.", UserWarning, stacklevel=2)
        if data is None:
            from .._creation import empty
            data = empty(0)
        elif not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        from .. import _dtype as D
        if requires_grad and not D.can_require_grad(data._data.dtype):
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients")
        t = Tensor._wrap(data._data, bool(requires_grad))
        return t


class _ExecutionEngine:
    """Variable._execution_engine: what Python code asks of the engine."""

    @staticmethod
    def queue_callback(callback):
        from ._engine import queue_callback
        queue_callback(callback)


Variable._execution_engine = _ExecutionEngine()
Variable.__module__ = VariableMeta.__module__ = "ember.autograd.variable"
