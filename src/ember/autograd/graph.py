"""Graph nodes: what `tensor.grad_fn` is.

A node is created by every recorded op. It holds `next_functions` (one
`(node, input_nr)` edge per input, as PyTorch exposes it), the values its
derivative formulas need (`_kept`: tensors, freed after backward; `_ctx`:
plain constants such as shapes, kept), and the metadata of the tensor it
produced (`_shape`, `_dtype`), which the engine uses to undo broadcasting and
cast gradients in one place instead of in every formula.

Derivative formulas live in the op catalogue (`ember/ops/`). Each is written
once against an array namespace `xp`: the engine passes NumPy and raw arrays
for a plain backward, and Ember itself and Tensors when `create_graph=True`,
so the same formula runs fast or records a graph for higher derivatives.
"""
import itertools
import os
import traceback
import weakref
from typing import NamedTuple, Optional

from . import _forward
from .. import _public_name
from .._removable_handle import RemovableHandle
from .grad_mode import formulas_running
from ._inplace_messages import inplace_message as _inplace_message

__all__ = ["Node", "saved_tensors_hooks", "save_on_cpu", "disable_saved_tensors_hooks",
           "GradientEdge", "get_gradient_edge", "increment_version", "register_multi_grad_hook"]

# Per-node work that only some modes need (anomaly mode's forward traceback,
# saved-tensor hooks): Node.__init__ checks the one flag `_extras`, true while
# any of them is in use (in any thread).
_extras = False
_anomaly = False        # anomaly_mode.py sets these two
_check_nan = True
_hooks_depth = 0        # saved_tensors_hooks blocks open, all threads (_saved_hooks.py)
# True once any node has been given a hook or a retained gradient (the four
# places that do: Node.register_hook and register_prehook, Tensor.register_hook
# and retain_grad); until then the engine need not look at each node for them.
node_hooks = False
# The node whose formulas run (anomaly mode, create_graph): nodes recorded by
# them remember it as their "parent_", as PyTorch's.
_parent = None


# Sets that collect the id of every node made while they are here (a
# non-reentrant checkpoint's forward: utils/checkpoint.py).
_node_collectors = []


def _refresh_extras():
    global _extras
    _extras = _anomaly or _hooks_depth > 0 or bool(_node_collectors)

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved "
    "tensors after they have already been freed). Saved intermediate values of the "
    "graph are freed when you call .backward() or autograd.grad(). Specify "
    "retain_graph=True if you need to backward through the graph a second time or "
    "if you need to access saved tensors after calling backward.")


class _Result:
    """Marks the place of the op's own output among the saved values.

    The output is kept as a bare array: a Tensor there would point back at
    its own grad_fn and make a reference cycle."""

    def __repr__(self):
        return "RESULT"


RESULT = _Result()
_NOT_A_TENSOR = object()     # (what getattr(saved, "_vc", ...) gives for a non-tensor)


# Every node's sequence number, in the order they were made: the engine runs
# the ready node of the highest first, as PyTorch's ReadyQueue does (so a
# branch made last runs first), and a leaf's AccumulateGrad before any.
_sequence = itertools.count()
_LEAF_SEQUENCE_NR = 2 ** 64 - 1     # (PyTorch's UINT64_MAX)
_FUNCTION_MODULE = "ember.autograd.function"


def _field(i):
    # (a name for one entry of Node._st, for the code that is not hot; a
    # write replaces the tuple)
    def set_field(node, value):
        st = node._st
        node._st = st[:i] + (value,) + st[i + 1:]
    return property(lambda node: node._st[i], set_field)


class Node:
    # What each node holds, in one tuple `_st`: (next_functions, _kept,
    # _versions, _ctx, _result, _shape, _dtype, _seq). Each op's node is a
    # class of its own, so an attribute site that reads or writes nodes sees
    # a new class at each node, and CPython's specialized slot access, keyed
    # by class, gives way to the generic one: about 170 instructions more an
    # access, 3K a node of a backward of small ops. One slot, then a tuple's
    # entries (specialized), keeps the recording and the engine on the fast
    # path. A tuple rather than a list: a backward's release makes a new one,
    # but tuples come from CPython's free lists, where a list per node would
    # count towards the garbage collector's next run (it then ran once per
    # call of benchmarks/run.py's op chain: +1.7%, against -2.8% this way).
    # The names below are the same entries (a write makes a new tuple), for
    # everything else.
    __slots__ = ("_st", "__dict__", "__weakref__")
    next_functions, _kept, _versions, _ctx, _result, _shape, _dtype, _seq = map(_field, range(8))

    # A node made in a cheaper form than PyTorch's graph has it completes
    # itself (_complete) before anything sees it (ops/_linear.py).
    _deferred = False
    next_functions = property(lambda node: _completed_edges(node), next_functions.fset)

    # One formula per input, in input order: formula(xp, grad, *saved, *ctx).
    formulas = ()
    # Rarely set, so kept out of the slots: a new node pays nothing for them.
    _pre_hooks = None    # tensor hooks of the output: fn(grad) -> grad or None
    _post_hooks = None   # fn(grad_inputs, grad_outputs)
    _retain = None       # weakref to the output tensor that retains its grad
    # ((tensor, version), ...): inputs without a gradient the formulas read,
    # an index or a mask, checked as saved tensors are (ops/_common.keep_index)
    _guards = None
    # The engine runs `formulas` itself, and frees what they read, unless a
    # subclass overrides apply() or _release().
    _simple = True
    # What to save for which inputs (ops/_registry.py grad_fn); None: nothing.
    _plans = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__init__" in cls.__dict__ and cls._plans is not None:
            raise TypeError(f"{cls.__name__}: a registry node class keeps Node.__init__")
        cls._simple = cls.apply is Node.apply and cls._release is Node._release
        # (C++ nodes print as <class 'SinBackward0'>; Python Functions' keep theirs)
        if cls.__module__ != _FUNCTION_MODULE:
            cls.__module__ = "builtins"

    def __init__(self, next_functions, saved, ctx, result, shape, dtype):
        # (ops/_common.recorded makes the registry's nodes itself, without
        # this call: a subclass with _plans may not override __init__)
        self._st = (next_functions, saved, saved_versions(saved) if saved else None, ctx, result,
                    shape, dtype, next(_sequence))
        if _extras:
            _node_extras(self, saved, result)

    def name(self):
        full = self._full_name
        if full is None:
            return type(self).__name__
        # (the library as the program calls it: torch::autograd::CopySlices under ember.run)
        return _public_name.name + full[len("ember"):] if full.startswith("ember::") else full

    # Nodes PyTorch implements in C++ outside the generated ones name
    # themselves with their namespace (CopySlices, AccumulateGrad).
    _full_name = None
    # A node of several outputs (unbind, split) has a shape per output and
    # receives a list of gradients, None where an output got none.
    _multi = False
    # Its outputs are views (unbind, split): none may be changed in place.
    _multi_view = False

    def __repr__(self):
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    def __dir__(self):
        # What a user listing a node's attributes sees: PyTorch's (its public
        # names, `_saved_*`), not the engine's own slots and tables.
        return [n for n in super().__dir__()
                if n.startswith(("_saved_", "_raw_saved_", "__"))
                or not n.startswith("_") and n not in _ENGINE_NAMES]

    def __call__(self, *grads, **kwargs):
        """The node's backward on `grads` (one per output), as PyTorch's
        Node.__call__: each input's gradient, before broadcasting is undone
        (recorded under grad mode); a tensor for a node of one input."""
        from .. import ops
        from .._tensor import Tensor
        if kwargs:
            raise TypeError("keyword arguments are not supported")
        n = len(self._shape) if self._multi else 1
        if len(grads) != n:
            raise TypeError(f"expected {n} arguments, got {len(grads)} instead")
        for i, g in enumerate(grads):
            if g is not None and not isinstance(g, Tensor):
                raise TypeError(f"argument {i} is not a Variable")
        needs = [fn is not None for fn, _ in self.next_functions]
        if all(g is None for g in grads):
            out = (None,) * len(needs)
        else:
            with formulas_running():
                out = self.apply(ops.TENSOR, list(grads) if self._multi else grads[0], True,
                                 needs)
        return out[0] if len(out) == 1 else tuple(out)

    def _sequence_nr(self):
        """The order this node was made in (a leaf's AccumulateGrad: 2**64 - 1):
        of the nodes ready in a backward, the highest runs first."""
        return self._st[7]

    @property
    def requires_grad(self):
        """Whether any input of this node needs a gradient (a leaf's node: yes)."""
        return any(fn is not None for fn, _ in self.next_functions)

    @property
    def metadata(self):
        """A dict for the user's own notes about this node, made on first use."""
        d = self.__dict__
        if "_metadata" not in d:
            d["_metadata"] = {}
        return d["_metadata"]

    # -- hooks, as torch.autograd.graph.Node ---------------------------------
    def register_hook(self, fn):
        """fn(grad_inputs, grad_outputs) runs after this node's formulas."""
        global node_hooks
        if self._deferred:      # (the hook sees the inputs' gradients as PyTorch's graph has them)
            self._complete()
        node_hooks = True
        if self._post_hooks is None:
            self._post_hooks = []
        self._post_hooks.append(fn)
        return RemovableHandle.in_list(self._post_hooks, fn)

    def register_prehook(self, fn):
        """fn(grad_outputs) runs before this node's formulas, after the output
        tensors' own hooks; it may return replacements. It is kept with those
        hooks: among them for a node of one output, under key -1 for a node
        of several (whose tensor hooks are kept per output)."""
        global node_hooks
        node_hooks = True
        if self._multi:
            if self._pre_hooks is None:
                self._pre_hooks = {}
            hooks, entry = self._pre_hooks.setdefault(-1, []), fn
        else:
            if self._pre_hooks is None:
                self._pre_hooks = []
            hooks, entry = self._pre_hooks, _NodePreHook(fn)
        hooks.append(entry)
        return RemovableHandle.in_list(hooks, entry)

    # -- running the formulas -------------------------------------------------
    def _unpack(self, create_graph):
        """The saved values (arrays, or Tensors under create_graph) followed by
        the constants: the formulas' arguments, as a list."""
        st = self._st
        saved = st[1]
        if saved is None:
            raise RuntimeError(FREED_MESSAGE)
        if self._guards is not None:
            for t, version in self._guards:
                vc = t._vc
                if vc is not None and vc[0] != version:
                    raise RuntimeError(_inplace_message(t, self, vc[0], version))
        if not saved:
            return st[3]
        versions = st[2]
        if versions is None:        # (numbers alone: see __init__)
            out = list(saved)
            ctx = st[3]
            if ctx:
                out += ctx
            return out
        out = []
        i = -1
        for s in saved:     # (a counter, not zip(): cheaper for the usual 1-2 values)
            i += 1
            vc = getattr(s, "_vc", _NOT_A_TENSOR)
            if vc is not _NOT_A_TENSOR:
                if vc is not None and vc[0] != versions[i]:
                    if self._deferred:      # (the message names what PyTorch's graph saved)
                        self._complete()
                        return self._unpack(create_graph)
                    raise RuntimeError(_inplace_message(s, self, vc[0], versions[i]))
                if not create_graph:
                    s = s._data
            elif s is RESULT:
                v = versions[i]
                if v.__class__ is list and v[0] != 0:
                    raise RuntimeError(_inplace_message(None, self, v[0], 0))
                if create_graph:
                    from .._tensor import Tensor
                    s = Tensor._from_node(self._result, self)
                    tangent = self.__dict__.get("_result_tangent")
                    if tangent is not None:     # (forward mode over this backward)
                        _forward.set_tangent(s, tangent)
                else:
                    s = self._result
            elif s.__class__ is _saved_hooks._Packed:
                s = s.get(self, create_graph)
            out.append(s)
        # (read afresh: iterating a checkpoint's pending values recomputes
        # them, which gives the node new fields)
        ctx = self._st[3]
        if ctx:
            out += ctx
        return out

    def _unpack_slot(self, k, s):
        """One saved value, as a Tensor in the graph (`grad_fn._saved_<name>`)."""
        if s is RESULT:
            v = self._versions[k]
            if v.__class__ is list and v[0] != 0:
                raise RuntimeError(_inplace_message(None, self, v[0], 0))
            from .._tensor import Tensor
            return Tensor._from_node(self._result, self)
        if s.__class__ is _saved_hooks._Packed:
            return s.get(self, True)
        vc = getattr(s, "_vc", None)
        if vc is not None and vc[0] != self._versions[k]:
            raise RuntimeError(_inplace_message(s, self, vc[0], self._versions[k]))
        return s

    def apply(self, xp, grad, create_graph, needs):
        """Gradients for each input (None where `needs` says it is not wanted)."""
        args = self._unpack(create_graph)
        return tuple(f(xp, grad, *args) if need else None
                     for f, need in zip(self.formulas, needs))

    def _release(self):
        st = self._st
        if st[1]:
            self._st = (st[0], None, st[2], st[3], None, st[5], st[6], st[7])


def _completed_edges(node):
    """next_functions: the node's edges, it and the nodes they lead to completed."""
    if node._deferred:
        node._complete()
    nexts = node._st[0]
    for fn, _nr in nexts:
        if fn is not None and fn._deferred:
            fn._complete()
    return nexts


# The package's own frames end a forward traceback: PyTorch's ops are C++ and
# leave none, so the stack stops at the user's call.
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.realpath(__file__))) + os.sep


def _forward_stack():
    frames = traceback.extract_stack()
    n = len(frames)
    while n and os.path.realpath(frames[n - 1].filename).startswith(_PACKAGE_DIR):
        n -= 1
    # Under `python -m ember.run script.py` the stack starts in runpy and the
    # runner: PyTorch's, from `python script.py`, starts at the script.
    first = 0
    while first < n and (frames[first].filename.startswith("<frozen runpy")   # (3.10: runpy.py)
                         or os.path.basename(frames[first].filename) == "runpy.py"
                         or os.path.realpath(frames[first].filename).startswith(_PACKAGE_DIR)):
        first += 1
    return traceback.format_list(frames[first:n] if first < n else frames[:n])


def saved_versions(saved):
    """The version of each saved value when it was saved, against which a
    formula checks it (ops/_common.py's `recorded` inlines the common
    cases). A saved input remembers its version, so that a later in-place
    change is caught when the formula unpacks it; a saved output's is set by
    watch_result. None where only numbers are saved (x * 2 saves the 2):
    there is nothing to check."""
    versions, plain = [], True
    for v in saved:         # a loop: cheaper than a comprehension for 1-3 values
        vc = getattr(v, "_vc", _NOT_A_TENSOR)
        if vc is _NOT_A_TENSOR:
            versions.append(0)
            if v is RESULT:
                plain = False
        else:
            plain = False
            versions.append(0 if vc is None else vc[0])
    return None if plain else versions


def _node_extras(node, saved, result):
    """What Node.__init__ does while `_extras` is set."""
    if _anomaly:
        meta = node.metadata
        meta["traceback_"] = _forward_stack()
        if _parent is not None:
            meta["parent_"] = _parent
    if _hooks_depth and saved:
        _saved_hooks.pack_node(node, saved, result)
    for created in _node_collectors:
        created.add(id(node))


# Node attributes that are the engine's, not PyTorch's (hidden from dir())
_ENGINE_NAMES = frozenset(("apply", "formulas"))


class AccumulateGrad(Node):
    """The node at a leaf that requires grad: adds the arriving gradient to `.grad`."""
    __slots__ = ("variable",)

    def __init__(self, *args, **kwargs):
        # (as PyTorch's class refuses: grad_accumulator makes them)
        raise RuntimeError("Cannot construct")

    _full_name = "ember::autograd::AccumulateGrad"

    requires_grad = True

    def __call__(self, grad):
        """Accumulate `grad` into the leaf's .grad (its hooks first)."""
        from ._engine import _accumulate
        _accumulate(self.variable, grad, True)
        return ()

    def __repr__(self):
        return f"<AccumulateGrad object at {hex(id(self))}>"


class _NodePreHook:
    """A node pre-hook fn(grad_outputs) seen as a tensor hook fn(grad)."""

    def __init__(self, fn):
        self.fn = fn
        self.__name__ = getattr(fn, "__name__", type(fn).__name__)

    def __call__(self, grad):
        res = self.fn((grad,))
        return None if res is None else res[0]


class GradientEdge(NamedTuple):
    """Where a gradient arrives in the graph: a node and one of its outputs
    (autograd.grad takes one where it takes a tensor)."""
    node: Node
    output_nr: int
    ownership_token: Optional[Node] = None


def get_gradient_edge(tensor):
    """The edge of `tensor`'s gradient: its grad_fn (or, for a leaf, its
    AccumulateGrad node) and its output number there."""
    if not tensor.requires_grad:
        raise RuntimeError("It is not possible to get the gradient edge for a Tensor that does "
                           "not require gradients")
    node = tensor._grad_fn
    if node is None:
        return GradientEdge(grad_accumulator(tensor), 0)
    return GradientEdge(node, tensor._output_nr)


def increment_version(tensor):
    """Count an in-place change made behind autograd's back (a tensor, or several)."""
    from .._tensor import Tensor
    for t in (tensor,) if isinstance(tensor, Tensor) else tensor:
        if not t.is_inference():
            t._bump()


def grad_accumulator(t):
    """The leaf's AccumulateGrad node, made once and held weakly by the tensor
    (the graph holds it strongly), as in PyTorch."""
    ref = t._acc
    acc = ref() if ref is not None else None
    if acc is None:
        # (made here, not by the class's call: a frame less per parameter and step)
        acc = object.__new__(AccumulateGrad)
        data = t._data
        # (Node.__init__'s fields, but no sequence number drawn, as in PyTorch)
        acc._st = ((), (), None, (), None, data.shape, data.dtype, _LEAF_SEQUENCE_NR)
        acc.variable = t
        if _extras:
            _node_extras(acc, (), None)
        t._acc = weakref.ref(acc)
    return acc
from ._dot import to_dot  # noqa: E402,F401
from ._multi_grad_hook import _MultiHandle, register_multi_grad_hook  # noqa: E402,F401
from . import _saved_hooks  # noqa: E402
from ._saved_hooks import (saved_tensors_hooks, save_on_cpu,  # noqa: E402,F401
                           disable_saved_tensors_hooks)
