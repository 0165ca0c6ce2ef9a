"""Custom differentiable functions: subclass Function, write forward and
backward as static methods, call `.apply(...)`, as in PyTorch."""
from .._backend import np

from .graph import Node
from .grad_mode import _state

__all__ = ["Function", "FunctionCtx", "once_differentiable"]


class FunctionCtx:
    """The `ctx` passed to forward/backward."""

    def __init__(self):
        self._to_save = ()
        self._saved_versions = ()
        self._freed = False
        self.needs_input_grad = ()
        self.materialize_grads = True
        self._dirty = ()
        self._non_differentiable = ()

    def save_for_backward(self, *tensors):
        self._to_save = tensors
        self._saved_versions = tuple(t._version if t is not None else None for t in tensors)

    @property
    def saved_tensors(self):
        from .graph import FREED_MESSAGE, _inplace_message
        if self._freed:
            raise RuntimeError(FREED_MESSAGE)
        for t, v in zip(self._to_save, self._saved_versions):
            if t is not None and t._version != v:
                raise RuntimeError(_inplace_message(t, t.grad_fn, t._version, v))
        return self._to_save

    def mark_dirty(self, *tensors):
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors):
        self._non_differentiable = tensors

    def set_materialize_grads(self, value):
        self.materialize_grads = value


class BackwardCFunction(Node, FunctionCtx):
    """The node of one `Function.apply` call; it is also the ctx, as in PyTorch."""
    def __init__(self, next_functions, shape, dtype):
        Node.__init__(self, next_functions, (), (), None, shape, dtype)
        FunctionCtx.__init__(self)

    def name(self):
        return type(self).__name__

    def apply(self, xp, grad, create_graph, needs):
        from .._tensor import Tensor
        g = grad if create_graph else Tensor._wrap(np.asarray(grad))
        grads = self._forward_cls.backward(self, g)
        if not isinstance(grads, tuple):
            grads = (grads,)
        n = len(self._positions)
        if len(grads) < n or any(g is not None for g in grads[n:]):
            raise RuntimeError(
                f"function {self.name()} returned an incorrect number of gradients "
                f"(expected {n}, got {len(grads)})")
        out = []
        for pos, need in zip(self._positions, needs):
            g_i = grads[pos]
            if g_i is None or not need:
                out.append(None)
            elif create_graph:
                out.append(g_i)
            else:
                out.append(g_i._data if isinstance(g_i, Tensor) else np.asarray(g_i))
        return tuple(out)

    def _release(self):
        self._freed = True
        self._to_save = ()


class _FunctionMeta(type):
    def __init__(cls, name, bases, attrs):
        super().__init__(name, bases, attrs)
        # Each Function gets its own node class, named as PyTorch names it.
        cls._backward_cls = type(name + "Backward", (BackwardCFunction,),
                                 {"__slots__": (), "_forward_cls": cls})


class Function(metaclass=_FunctionMeta):
    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError

    @classmethod
    def apply(cls, *args, **kwargs):
        from .._tensor import Tensor
        from ..ops._common import edge, NONE_EDGE
        positions = []
        tensor_args = []
        for i, a in enumerate(args):
            if isinstance(a, Tensor):
                positions.append(i)
                tensor_args.append(a)
        tracked = _state.enabled and any(t._requires_grad for t in tensor_args)
        node = cls._backward_cls(tuple(edge(a) if isinstance(a, Tensor) else NONE_EDGE
                                       for a in args), None, None)
        node._positions = tuple(range(len(args)))
        node.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        uses_setup = cls.setup_context is not Function.setup_context
        prev = _state.enabled
        _state.enabled = False
        try:
            output = cls.forward(*args, **kwargs) if uses_setup else cls.forward(node, *args, **kwargs)
        finally:
            _state.enabled = prev
        if uses_setup:
            cls.setup_context(node, args, output)
        if not tracked:
            return output
        outs = output if isinstance(output, tuple) else (output,)
        first = outs[0]
        if not isinstance(first, Tensor):
            return output
        node._shape, node._dtype = first._data.shape, first._data.dtype
        results = []
        for k, o in enumerate(outs):
            if isinstance(o, Tensor) and k == 0 and not any(o is t for t in node._non_differentiable):
                if o._grad_fn is None and o._requires_grad and not any(o is d for d in node._dirty):
                    o = Tensor._wrap(o._data)
                if any(o is t for t in tensor_args) and not any(o is d for d in node._dirty):
                    o = Tensor._wrap(o._data)    # an input returned as is: a view of it
                o._grad_fn = node
                o._requires_grad = True
            results.append(o)
        return tuple(results) if isinstance(output, tuple) else results[0]


def once_differentiable(fn):
    return fn
