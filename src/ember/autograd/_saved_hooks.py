"""Saved-tensor hooks (torch.autograd.graph.saved_tensors_hooks, save_on_cpu,
disable_saved_tensors_hooks) and `grad_fn._saved_<name>`.

Inside a `saved_tensors_hooks(pack, unpack)` block, every tensor a node saves
(an input, or the op's own output) goes through `pack` as the node is made,
and the node keeps what `pack` returned; when a formula needs it, `unpack`
turns it back into a tensor, which takes the original's place in the graph
(its grad_fn, or its leaf's accumulator). As in PyTorch, a value saved
through hooks is not version-checked: the hooks own it.

The hook stack is per thread; graph.py's `_hooks_depth` counts open blocks
in all threads, so that Node.__init__ pays one flag check when none is open.
"""
import contextlib
import threading
import weakref

from . import graph as _graph
from .grad_mode import _state as _grad_state

__all__ = ["saved_tensors_hooks", "save_on_cpu", "disable_saved_tensors_hooks"]


class _HookState(threading.local):
    stack = ()          # (pack, unpack) pairs, innermost last
    disabled = None     # the error message while disable_saved_tensors_hooks is active


_state = _HookState()


class saved_tensors_hooks:
    """Context manager: tensors saved for backward inside the block are
    packed with `pack_hook(tensor) -> anything` and unpacked with
    `unpack_hook(packed) -> Tensor` when backward needs them. Blocks nest:
    the innermost pair is used."""

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        if _state.disabled is not None:
            raise RuntimeError(_state.disabled)
        if not (callable(self.pack_hook) and callable(self.unpack_hook)):
            raise TypeError(   # (PyTorch's binding's words)
                "_push_saved_tensors_default_hooks(): incompatible function arguments. The "
                "following argument types are supported:\n    1. (arg0: collections.abc.Callable,"
                " arg1: collections.abc.Callable) -> None\n\nInvoked with: "
                f"{self.pack_hook!r}, {self.unpack_hook!r}")
        _state.stack = _state.stack + ((self.pack_hook, self.unpack_hook),)
        _graph._hooks_depth += 1
        _graph._refresh_extras()

    def __exit__(self, *args):
        _state.stack = _state.stack[:-1]
        _graph._hooks_depth -= 1
        _graph._refresh_extras()


class save_on_cpu(saved_tensors_hooks):
    """Saved tensors are kept on the CPU and moved back to their device when
    unpacked (Ember's tensors are on the CPU already: the moves change
    nothing, but the hooks run as PyTorch's do)."""

    def __init__(self, pin_memory=False, device_type="cuda"):
        import ember
        from .. import _creation
        device_module = getattr(ember, device_type, ember.cuda)

        def pack_to_cpu(tensor):
            if not pin_memory:
                return (tensor.device, tensor.cpu())
            # Pinned only where the device module says it is available: the CPU
            # always is, and then empty() refuses pinned memory, as PyTorch's.
            is_pinnable = ((device_type == "cpu" or device_module.is_available())
                           and not tensor.is_sparse)
            packed = _creation.empty(tensor.size(), dtype=tensor.dtype, layout=tensor.layout,
                                     pin_memory=is_pinnable)
            packed.copy_(tensor, non_blocking=is_pinnable)
            return (tensor.device, packed)

        def unpack_from_cpu(packed):
            device, tensor = packed
            return tensor.to(device, non_blocking=pin_memory)

        super().__init__(pack_to_cpu, unpack_from_cpu)


@contextlib.contextmanager
def disable_saved_tensors_hooks(error_message):
    """Inside the block, registering saved-tensor hooks raises
    RuntimeError(error_message); so does entering it while hooks are on."""
    prev = _state.disabled
    try:
        _state.disabled = error_message
        if _state.stack:
            raise RuntimeError(error_message)
        yield
    finally:
        _state.disabled = prev


# -- packing and unpacking ------------------------------------------------------
PACK_INPLACE_MESSAGE = (
    "A saved tensor pack hook is modifying its input in place. Tensors provided as input "
    "to pack hook cannot be modified by in-place operations as this can lead to unexpected "
    "side-effects. Please open an issue if you need to perform in-place operations on the "
    "input to a pack hook.")


class _Packed:
    """A saved tensor as its pack hook left it, with what the unpacked tensor
    needs to take the original's place: its grad_fn and output number, or
    (`output`) that it is an output of the node holding it, and for a leaf
    that requires grad, its accumulator."""
    __slots__ = ("value", "unpack_hook", "grad_fn", "nr", "requires_grad", "acc", "output",
                 "shape")

    def __init__(self, value, unpack_hook, t, output):
        self.value, self.unpack_hook, self.output = value, unpack_hook, output
        self.shape = t._data.shape      # (what to_dot draws of it)
        self.nr = t._output_nr
        self.grad_fn = None if output else t._grad_fn
        self.requires_grad = t._requires_grad
        self.acc = (_graph.grad_accumulator(t)
                    if not output and t._requires_grad and t._grad_fn is None else None)

    def get(self, node, as_tensor):
        """The unpacked tensor (a Tensor in the graph when `as_tensor`, else its array)."""
        from .._tensor import Tensor
        u = self.unpack_hook(self.value)
        if not isinstance(u, Tensor):
            raise TypeError("Output of saved tensor unpack_hook expected to be a Tensor but "
                            f"got result of type {type(u).__name__}")
        if not as_tensor:
            return u._data
        if self.output:
            t = Tensor._from_node(u._data, node)
        else:
            t = Tensor._wrap(u._data, self.requires_grad)
            t._grad_fn = self.grad_fn
            if self.acc is not None:
                t._acc = weakref.ref(self.acc)
        t._output_nr = self.nr
        return t


def current():
    """The innermost (pack, unpack) pair of this thread, or None."""
    stack = _state.stack
    return stack[-1] if stack else None


def pack(hooks, t, output):
    """Run the pack hook on `t` (without recording, as PyTorch does)."""
    pack_hook, unpack_hook = hooks
    before = _version(t)
    prev = _grad_state.enabled
    _grad_state.enabled = False
    try:
        value = pack_hook(t)
    finally:
        _grad_state.enabled = prev
    if _version(t) != before:
        raise RuntimeError(PACK_INPLACE_MESSAGE)
    return _Packed(value, unpack_hook, t, output)


def _version(t):
    # (read as a node reads it: an inference tensor refuses to be saved)
    vc = t._vc
    return 0 if vc is None else vc[0]


def pack_node(node, saved, result):
    """Node.__init__ under hooks: each saved tensor (and the op's own output,
    saved as RESULT) is replaced by what the pack hook made of it."""
    hooks = current()
    if hooks is None:
        return
    from .._tensor import Tensor
    out = []
    for s in saved:
        if s is _graph.RESULT:
            s = pack(hooks, Tensor._from_node(result, node), True)
            node._result = None     # the hooks keep it, or chose not to
        elif isinstance(s, Tensor):
            s = pack(hooks, s, False)
        out.append(s)
    # (no value saved: the node's own empty tuple, FIELDS_KEPT's truth included)
    node._kept = tuple(out) if out else saved


def saved_properties(names):
    """The attributes `grad_fn._saved_<name>` (the input, or `result`, that
    the node saved under that name; None if it saved none there, as its
    formulas did not need it) and `grad_fn._raw_saved_<name>` (that slot as
    a SavedTensor), for a node class whose saved slots are `names`.

    Properties on the class rather than a `__getattr__` on Node: a class
    with `__getattr__` makes every attribute access on every node take
    CPython's slow path, and the engine reads a node's attributes per op."""
    props = {}
    for k, name in enumerate(names):
        props[f"_saved_{name}"] = property(lambda node, k=k: _saved_value(node, k))
        props[f"_raw_saved_{name}"] = property(lambda node, k=k: SavedTensor(node, k))
    return props


# A Python number saved in a tensor's place (x * 3 saves the 3): shown, and
# packed by hooks, as the 0-d tensor PyTorch wraps it in.
_NUMBERS = (int, float, bool, complex)


def _saved_value(node, k):
    saved = node._kept
    if saved is None:
        if not _was_saved(node, k):     # (a slot never filled reads None still)
            return None
        raise RuntimeError(_graph.FREED_MESSAGE)
    if k >= len(saved) or saved[k] is None:
        return None
    value = saved[k]
    if value.__class__ in _NUMBERS:
        # (a number in a tensor's place: PyTorch shows the 0-d tensor it wrapped it in)
        from ._saved_fields import wrapped_number
        return wrapped_number(value)
    return node._unpack_slot(k, value)


def _was_saved(node, k):
    """Whether slot k held a value before backward freed them: whether a
    formula of an input that requires grad (one with an edge) reads it."""
    cls = type(node)
    src = cls._sources[k]
    name = "result" if src is _graph.RESULT else cls._input_names[src]
    return any(fn is not None and name in reads
               for (fn, _), reads in zip(node.next_functions, cls._reads))


class SavedTensor:
    """One saved slot of a node (`grad_fn._raw_saved_<name>`), on which hooks
    can be set after the fact."""
    __slots__ = ("_node", "_k")

    def __init__(self, node, k):
        self._node, self._k = node, k

    def register_hooks(self, pack_hook, unpack_hook):
        """Pack the saved value now with `pack_hook`; `unpack_hook` restores it."""
        if not (callable(pack_hook) and callable(unpack_hook)):
            raise TypeError("register_hooks(): incompatible function arguments: expected "
                            "two callables")
        node, k = self._node, self._k
        saved = node._kept
        if saved is None:
            raise RuntimeError(
                "Calling register_hooks on a saved tensor after it has been freed. Saved "
                "intermediate values of the graph are freed when you call .backward() or "
                "autograd.grad(). Specify retain_graph=True if you need to backward through "
                "the graph a second time or if you need to access saved variables after "
                "calling backward.")
        s = saved[k] if k < len(saved) else None
        if s.__class__ is _Packed:
            raise RuntimeError(
                "Calling register_hooks on a saved tensor whose hooks have already been set. "
                "Hint: only one pair of hooks is allowed at a time.")
        if s is None:
            raise RuntimeError("Calling register_hooks on a saved tensor with value None is "
                               "forbidden")
        from .._tensor import Tensor
        output = s is _graph.RESULT
        if output:
            t = Tensor._from_node(node._result, node)
        elif s.__class__ in _NUMBERS:
            # (a number in a tensor's place: the hooks get the 0-d tensor
            # PyTorch wrapped it in, as `_saved_<name>` shows it)
            from ._saved_fields import wrapped_number
            t = wrapped_number(s)
        else:
            t = s
        packed = pack((pack_hook, unpack_hook), t, output)
        if output:
            node._result = None
        node._kept = saved[:k] + (packed,) + saved[k + 1:]
        if node._versions is None:      # (numbers alone before: the engine unpacks those as they are)
            node._versions = [0] * len(node._kept)

    def unpack(self):
        saved = self._node._kept
        if saved is None:
            raise RuntimeError(_graph.FREED_MESSAGE)
        s = saved[self._k] if self._k < len(saved) else None
        return None if s is None else self._node._unpack_slot(self._k, s)


for _cls in (saved_tensors_hooks, save_on_cpu, SavedTensor):
    _cls.__module__ = "ember.autograd.graph"
