"""The ctx of a custom Function, which is also its graph node (as in
PyTorch: `y.grad_fn` of `XFunction.apply(x)` is the ctx its forward saw).

The node has one slot per forward output (tensor or not), so `backward`
receives one gradient per output; it hands back one gradient per forward
input, checked here against the inputs' shapes before the engine sends any
of them on (a wrong gradient leaves every `.grad` untouched)."""
from .. import _public_name
from .._backend import np

from . import _saved_hooks, graph as _graph
from .graph import _FUNCTION_MODULE, FREED_MESSAGE, Node

__all__ = []


class FunctionCtx:
    """What `forward` / `setup_context` record for `backward`."""

    # Class defaults: a ctx that never calls these pays nothing for them.
    _to_save = ()
    _dirty = ()
    _non_differentiable = ()
    _materialize = True
    needs_input_grad = ()
    _freed = False
    _packed = None      # the saved tensors after forward: see _pack below

    def save_for_backward(self, *tensors):
        from .._tensor import Tensor
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError("save_for_backward can only save variables, but argument "
                                f"{i} is of type {type(t).__name__}")
        self._to_save = tensors

    def save_for_forward(self, *tensors):
        self.saved_for_forward = tensors

    def mark_dirty(self, *tensors):
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors):
        self._non_differentiable = tensors

    def set_materialize_grads(self, value):
        self._materialize = bool(value)

    def _no_reading(self):
        raise AttributeError(f"attribute 'materialize_grads' of '{_public_name.name}._C."
                             "_FunctionBase' objects is not readable")

    def _set_materialize(self, value):
        self._materialize = bool(value)

    # (write-only, as PyTorch's: set_materialize_grads is the method)
    materialize_grads = property(_no_reading, _set_materialize)

    # What forward marked, until it returns (then None, as PyTorch's)
    to_save = property(lambda self: self._to_save or None)
    dirty_tensors = property(
        lambda self: None if self._packed is not None else (self._dirty or None))
    non_differentiable = property(
        lambda self: None if self._packed is not None else (self._non_differentiable or None))

    _in_jvp = False
    saved_for_forward = ()

    @property
    def saved_tensors(self):
        if self._in_jvp:        # (inside jvp: what save_for_forward kept)
            return tuple(self.saved_for_forward)
        if self._freed:
            raise RuntimeError(FREED_MESSAGE)
        packed = self._packed
        if packed is None:      # still inside forward / setup_context
            return self._to_save
        return tuple(_unpack(self, p) for p in packed)

    @property
    def saved_variables(self):
        import warnings
        warnings.warn("'saved_variables' is deprecated; use 'saved_tensors'", DeprecationWarning,
                      stacklevel=2)
        return self.saved_tensors


class _SavedOutput:
    """An output saved by its own node: kept as its array and version
    counter, not as the Tensor (which points back at the node: a cycle)."""
    __slots__ = ("data", "nr", "vc", "version", "dtype_name")

    def __init__(self, t, nr):
        if t._vc is None:
            t._vc = [0]     # shared from now on, so a later in-place change is seen
        self.data, self.nr, self.vc, self.version = t._data, nr, t._vc, t._vc[0]


def _pack(ctx, outputs):
    """Freeze what forward saved: each tensor with its version now, or what
    the saved-tensor pack hook made of it (graph.saved_tensors_hooks)."""
    hooks = _saved_hooks.current() if _graph._hooks_depth else None
    packed = []
    for t in ctx._to_save:
        if t is None:
            packed.append(None)
            continue
        nr = next((k for k, o in enumerate(outputs) if o is t), None)
        if hooks is not None:
            packed.append(_saved_hooks.pack(hooks, t, nr is not None and t._grad_fn is ctx))
            continue
        if nr is not None and t._grad_fn is ctx:
            packed.append(_SavedOutput(t, nr))
        else:
            # (read as a node reads it: an inference tensor refuses to be saved)
            vc = t._vc
            packed.append((t, 0 if vc is None else vc[0]))
    ctx._packed = packed
    ctx._to_save = ()


def _unpack(ctx, p):
    from .._tensor import Tensor
    from .graph import _inplace_message
    if p is None:
        return None
    if p.__class__ is _saved_hooks._Packed:
        return p.get(ctx, True)
    if isinstance(p, _SavedOutput):
        t = Tensor._from_node(p.data, ctx)
        t._output_nr = p.nr
        t._vc = p.vc
        if p.vc[0] != p.version:
            raise RuntimeError(_inplace_message(t, ctx, p.vc[0], p.version, p.nr))
        return t
    t, version = p
    if t._version != version:
        raise RuntimeError(_inplace_message(t, t.grad_fn, t._version, version, t._output_nr))
    return t


class BackwardCFunction(Node, FunctionCtx):
    """The node of one `Function.apply` call."""
    __module__ = _FUNCTION_MODULE     # (as PyTorch's: graph.Node keeps it)
    _multi = True
    # Its outputs that alias an input may not be changed in place (ops/inplace.py).
    _multi_view = "custom"

    def __call__(self, *args, **kwargs):     # (not callable, as PyTorch's)
        raise TypeError(f"'{type(self).__name__}' object is not callable")

    def __init__(self):
        # Filled by Function.apply once forward has run.
        Node.__init__(self, (), (), (), None, (), ())

    def name(self):
        return type(self).__name__

    def __repr__(self):
        # A Python class, unlike the built-in nodes: its repr names its
        # module as PyTorch's does (<torch.autograd.function.FBackward ...>).
        return (f"<{_public_name.name}.autograd.function.{type(self).__name__} object at "
                f"{hex(id(self))}>")

    def apply(self, xp, grad, create_graph, needs):
        from .._tensor import Tensor
        grads = []
        for g, shape, dtype in zip(grad, self._shape, self._dtype):
            if g is not None:
                g = g if create_graph else Tensor._wrap(np.asarray(g))
            elif shape is not None and self._materialize:
                g = Tensor._wrap(np.zeros(shape, dtype))
            grads.append(g)
        result = self._forward_cls._backward_fn()(self, *grads)
        return self._check_gradients(result, needs, create_graph)

    def _check_gradients(self, result, needs, create_graph):
        """PyTorch's checks of what backward returned, all before any is used."""
        from .._tensor import Tensor
        if not isinstance(result, tuple):
            result = (result,)
        n = len(self._is_tensor)
        if len(result) > n and all(r is None for r in result[n:]):
            result = result[:n]
        if len(result) != n:
            raise RuntimeError(f"function {self.name()} returned an incorrect number of "
                               f"gradients (expected {n}, got {len(result)})")
        out = []
        for i, (g, is_tensor) in enumerate(zip(result, self._is_tensor)):
            if not is_tensor:
                if g is not None:
                    raise RuntimeError(
                        f"function {self.name()} returned a gradient different than None at "
                        f"position {i + 1}, but the corresponding forward input was not a "
                        "Variable")
                continue
            if g is not None and not isinstance(g, Tensor):
                raise RuntimeError(f"expected Variable or None (got {type(g).__name__})")
            out.append(g)
        for j, (g, shape, edge) in enumerate(zip(out, self._in_shapes, self._st[0])):
            # (an input that does not require grad has no edge: its gradient is dropped unseen)
            if (g is not None and edge[0] is not None and g._data.shape != shape
                    and not _expandable(shape, g._data.shape)):
                raise RuntimeError(
                    f"Function {self.name()} returned an invalid gradient at index {j} - got "
                    f"{list(g._data.shape)} but expected shape compatible with {list(shape)}")
        return tuple(None if g is None or not need else g if create_graph else g._data
                     for g, need in zip(out, needs))

    def _release(self):
        self._freed = True
        self._packed = ()


def _expandable(shape, to):
    """Can a tensor of `shape` be broadcast to `to` (so a gradient of shape
    `to` sums back to `shape`)?"""
    try:
        return np.broadcast_shapes(shape, to) == tuple(to)
    except ValueError:
        return False


class Error(Node):
    """What a @once_differentiable backward's results point to when they
    require grad (PyTorch's DelayedError makes this node): differentiating
    through them raises."""
    _multi = True
    _full_name = "ember::autograd::Error"
    _message = ("trying to differentiate twice a function that was marked with "
                "@once_differentiable")

    def apply(self, xp, grad, create_graph, needs):
        raise RuntimeError(self._message)
