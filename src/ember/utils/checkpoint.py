"""Activation checkpointing: trade compute for memory, as torch.utils.checkpoint.

A checkpointed function keeps only its inputs; what its ops would have saved
for backward is recomputed, by running the function again, when backward
needs it. With `preserve_rng_state` the recomputation starts from the random
state the forward started from, so dropout draws the same mask.

Two variants, as in PyTorch:
- reentrant (`use_reentrant=True`): the forward runs under no_grad and the
  output gets one node, CheckpointFunctionBackward, whose backward reruns the
  function and runs a backward of its own inside (gradients of parameters
  used inside go straight to their `.grad`, so `autograd.grad` cannot see
  them, and at least one input must require grad);
- non-reentrant (`use_reentrant=False`): the forward records its graph as
  usual (grad_fn names are those of the ops), then every node it made drops
  its saved values. The first node that unpacks them reruns the function and
  takes the recomputed values, so `autograd.grad`, keyword arguments and
  inputs that do not require grad all work.
"""
import contextlib
import sys
import warnings
import weakref

from .._backend import np

from ..autograd import graph as _graph
from ..autograd.graph import _FUNCTION_MODULE, FREED_MESSAGE, AccumulateGrad, Node
from ..autograd.grad_mode import enable_grad, is_grad_enabled, no_grad

__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointError", "detach_variable",
           "check_backward_validity", "noop_context_fn", "set_checkpoint_debug_enabled",
           "set_checkpoint_early_stop"]

_DETERMINISM_CHECKS = ("default", "none")


class CheckpointError(RuntimeError):
    pass


_debug_enabled = None     # set_checkpoint_debug_enabled: overrides `debug` when not None
_early_stop = None


@contextlib.contextmanager
def set_checkpoint_debug_enabled(enabled):
    """Within: every checkpoint runs with debug=`enabled` (None: as passed)."""
    global _debug_enabled
    prev, _debug_enabled = _debug_enabled, enabled
    try:
        yield
    finally:
        _debug_enabled = prev


@contextlib.contextmanager
def set_checkpoint_early_stop(enable):
    """Accepted as PyTorch's: Ember's recomputation always runs the whole
    function, which gives the same values as stopping early."""
    global _early_stop
    prev, _early_stop = _early_stop, enable
    try:
        yield
    finally:
        _early_stop = prev


def noop_context_fn():
    return contextlib.nullcontext(), contextlib.nullcontext()


def _is_tensor(x):
    from .._tensor import Tensor
    return isinstance(x, Tensor)


def detach_variable(inputs):
    if not isinstance(inputs, tuple):
        raise RuntimeError("Only tuple of tensors is supported. Got Unsupported input type: "
                           f"{type(inputs).__name__}")
    return tuple(_detached(x) for x in inputs)


def _detached(x):
    if not _is_tensor(x):
        return x
    d = x.detach()
    d.requires_grad_(x.requires_grad)
    return d


def check_backward_validity(inputs):
    if not any(x.requires_grad for x in inputs if _is_tensor(x)):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None",
                      stacklevel=3)


@contextlib.contextmanager
def _rng_as_in_forward(state):
    """Run with the random state the forward started from (None: as it is),
    restoring the caller's state afterwards (torch.random.fork_rng)."""
    if state is None:
        yield
        return
    from .._random import default_generator
    outer = default_generator.get_state()
    default_generator.set_state(state)
    try:
        yield
    finally:
        default_generator.set_state(outer)


def _rng_state(preserve):
    if not preserve:
        return None
    from .._random import default_generator
    return default_generator.get_state()


def _flat_tensors(obj, out):
    """The tensors in a (nested) tuple, list or dict, in order."""
    if _is_tensor(obj):
        out.append(obj)
    elif isinstance(obj, (tuple, list)):
        for o in obj:
            _flat_tensors(o, out)
    elif isinstance(obj, dict):
        for o in obj.values():
            _flat_tensors(o, out)
    return out


_USE_REENTRANT_WARNING = (
    "ember.utils.checkpoint: the use_reentrant parameter should be passed explicitly. "
    "Starting in PyTorch 2.9, calling checkpoint without use_reentrant will raise an "
    "exception. use_reentrant=False is recommended, but if you need to preserve the "
    "current default behavior, you can pass use_reentrant=True. Refer to docs for more "
    "details on the differences between the two variants.")

_SEQUENTIAL_WARNING = (
    "ember.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter should be "
    "passed explicitly. In version 2.9 we will raise an exception if use_reentrant is not "
    "passed. use_reentrant=False is recommended, but if you need to preserve the current "
    "default behavior, you can pass use_reentrant=True. Refer to docs for more details on "
    "the differences between the two variants.")


def checkpoint(function, *args, use_reentrant=None, context_fn=noop_context_fn,
               determinism_check="default", debug=False, early_stop=True, **kwargs):
    """Run `function(*args, **kwargs)` keeping only its inputs for backward.

    preserve_rng_state (keyword, default True): recompute from the forward's
    random state. context_fn: returns two context managers, for the forward
    and for the recomputation. determinism_check: "default" checks that the
    recomputation made the same nodes with the same shapes and dtypes; "none"
    does not. debug: a failed check also lists the nodes the forward made.
    early_stop: accepted; the recomputation always runs the whole function
    (the values are the same). The last four are non-reentrant only.
    """
    if use_reentrant is None:
        warnings.warn(_USE_REENTRANT_WARNING, stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs and use_reentrant:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))
    if use_reentrant:
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError("Passing `context_fn` or `debug` is only supported when "
                             "use_reentrant=False.")
        return _checkpoint_reentrant(function, preserve, args)
    if _debug_enabled is not None:
        debug = _debug_enabled
    if debug and context_fn is not noop_context_fn:
        raise ValueError("debug=True is incompatible with non-default context_fn")
    if determinism_check not in _DETERMINISM_CHECKS:
        raise ValueError(f"determinism_check should be one of {list(_DETERMINISM_CHECKS)}, "
                         f"but got {determinism_check}")
    return _checkpoint_non_reentrant(function, preserve, context_fn, determinism_check,
                                     debug, args, kwargs)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Run `functions` (an nn.Sequential or a list of callables) in order,
    checkpointing each of `segments` chunks but the last."""
    if use_reentrant is None:
        warnings.warn(_SEQUENTIAL_WARNING, stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))
    from ..nn import Sequential      # (lazily: utils sits below nn)
    if isinstance(functions, Sequential):
        functions = list(functions.children())

    def run(start, end):
        def forward(x):
            for j in range(start, end + 1):
                x = functions[j](x)
            return x
        return forward

    segment_size = len(functions) // segments
    end = -1
    for start in range(0, segment_size * (segments - 1), segment_size):
        end = start + segment_size - 1
        input = checkpoint(run(start, end), input, use_reentrant=use_reentrant,
                           preserve_rng_state=preserve)
    return run(end + 1, len(functions) - 1)(input)


# -- reentrant -----------------------------------------------------------------
class CheckpointFunctionBackward(Node):
    """The one node of a reentrant checkpoint. Its inputs are those of
    PyTorch's CheckpointFunction.apply(run_function, preserve_rng_state, *args):
    two non-tensors, then the function's arguments."""
    __module__ = _FUNCTION_MODULE     # (as PyTorch's: graph.Node keeps it)
    __slots__ = ()

    @property
    def saved_tensors(self):
        if self._kept is None:
            raise RuntimeError(FREED_MESSAGE)
        # (each checked for in-place changes, or unpacked by saved-tensor hooks)
        return tuple(self._unpack_slot(k, s) for k, s in enumerate(self._kept))

    def apply(self, xp, grad, create_graph, needs):
        from ..autograd import backward
        if not _is_checkpoint_valid():
            raise RuntimeError(
                "When use_reentrant=True, ember.utils.checkpoint is incompatible with .grad() "
                "or passing an `inputs` parameter to .backward(). To resolve this error, you "
                "can either set use_reentrant=False, or call .backward() without passing the "
                "`inputs` argument.")
        if self._kept is None:
            raise RuntimeError(FREED_MESSAGE)
        fn, args, tensor_positions, rng, out_positions = self._ctx
        tensors = self.saved_tensors
        args = list(args)
        for pos, t in zip(tensor_positions, tensors):
            args[pos] = t
        with _rng_as_in_forward(rng):
            detached = detach_variable(tuple(args))
            with enable_grad():
                outputs = fn(*detached)
        if _is_tensor(outputs):
            outputs = (outputs,)
        grads = grad if self._multi else [grad]
        with_grad, their_grads = [], []
        for pos, g in zip(out_positions, grads):
            out = outputs[pos]
            if _is_tensor(out) and out.requires_grad:
                from .._tensor import Tensor
                with_grad.append(out)
                if g is None:       # (materialized, as a Function's backward sees it)
                    g = np.zeros_like(out._data)
                their_grads.append(g if isinstance(g, Tensor) else Tensor._wrap(g))
        if not with_grad:
            raise RuntimeError("none of output has requires_grad=True, "
                               "this checkpoint() is not necessary")
        backward(with_grad, their_grads)
        result = [None, None]
        for d, need in zip(detached, needs[2:]):
            g = d.grad if _is_tensor(d) and need else None
            result.append(g if g is None or create_graph else g._data)
        return tuple(result)


def _is_checkpoint_valid():
    """Whether the backward running this node fills `.grad` of every leaf:
    not autograd.grad, nor backward(inputs=...), whose gradients would miss
    what the inner backward sends to the leaves. The engine keeps no state
    for this, so read the `inputs` of the innermost run_backward on the stack."""
    from ..autograd import _engine
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code is _engine.run_backward.__code__:
            return frame.f_locals.get("inputs") is None
        frame = frame.f_back
    return True


def _checkpoint_reentrant(function, preserve, args):
    from ..ops._common import NONE_EDGE, edge
    from .._tensor import Tensor
    check_backward_validity(args)
    rng = _rng_state(preserve)
    with no_grad():
        outputs = function(*args)
    tensors = [a for a in args if _is_tensor(a)]
    if not (is_grad_enabled() and any(t.requires_grad for t in tensors)):
        return outputs
    single = _is_tensor(outputs)
    outs = (outputs,) if single else outputs
    if not isinstance(outs, tuple):
        return outputs
    out_positions = tuple(i for i, o in enumerate(outs) if _is_tensor(o))
    if not out_positions:
        return outputs
    datas = [outs[i]._data for i in out_positions]
    multi = not single
    shape = tuple(d.shape for d in datas) if multi else datas[0].shape
    dtype = tuple(d.dtype for d in datas) if multi else datas[0].dtype
    nexts = (NONE_EDGE, NONE_EDGE) + tuple(edge(a) if _is_tensor(a) else NONE_EDGE
                                           for a in args)
    ctx = (function, tuple(None if _is_tensor(a) else a for a in args),
           tuple(i for i, a in enumerate(args) if _is_tensor(a)), rng, out_positions)
    node = CheckpointFunctionBackward(nexts, tuple(tensors), ctx, None, shape, dtype)
    if not tensors:
        node._versions = ()
    node._multi = multi
    results = list(outs)
    for nr, (i, d) in enumerate(zip(out_positions, datas)):
        t = Tensor._from_node(d, node)
        if nr:
            t._output_nr = nr
        results[i] = t
    return results[0] if single else tuple(results)


# -- non-reentrant -------------------------------------------------------------
class _Frame:
    """One non-reentrant checkpoint call: what it needs to run again, and
    which nodes it made (by id, weakly: the nodes hold the frame)."""

    def __init__(self, function, args, kwargs, rng, recompute_context, check, debug):
        self.function, self.args, self.kwargs = function, args, kwargs
        self.rng, self.recompute_context = rng, recompute_context
        self.check, self.debug = check, debug
        self.roots = []         # (weakref to an output's node) per output tensor
        self.region = set()     # ids of the nodes the forward made
        self.names = []         # their names, for debug
        self.done = False

    def inputs(self):
        return _flat_tensors((self.args, self.kwargs), [])

    def recompute(self):
        # On the inputs themselves, not detached copies: the recomputed saved
        # tensors then lead back to the inputs, and create_graph works.
        with _rng_as_in_forward(self.rng), enable_grad(), self.recompute_context:
            outputs = self.function(*self.args, **self.kwargs)
        pairs = self._match(_flat_tensors(outputs, []))
        for old, new in pairs:
            if isinstance(new._kept, _Pending) and not new._kept.frame.done:
                # a checkpoint nested in this one: its values are needed now
                new._kept.frame.recompute()
            if isinstance(old._kept, _Pending):
                old._kept, old._result, old._ctx = new._kept, new._result, new._ctx
        self.done = True

    def _match(self, new_outputs):
        """Pair each node of the forward with the node the recomputation made
        in its place, walking both graphs from the outputs in step."""
        pairs, seen = [], set()
        stack = []
        for ref, new_out in zip(self.roots, new_outputs):
            old = ref() if ref is not None else None
            if old is not None:
                stack.append((old, new_out.grad_fn))
        while stack:
            old, new = stack.pop()
            if old is None or id(old) not in self.region or old in seen:
                continue
            seen.add(old)
            if new is None or type(new) is not type(old) or (
                    self.check == "default" and (new._shape != old._shape
                                                 or new._dtype != old._dtype)):
                self._mismatch(old, new)
            pairs.append((old, new))
            stack.extend(zip((n for n, _ in old.next_functions),
                             (n for n, _ in new.next_functions)))
        return pairs

    def _mismatch(self, old, new):
        if self.check == "none" and new is not None and type(new) is type(old):
            return
        msg = ("ember.utils.checkpoint: Recomputed values for the following tensors have "
               "different metadata than during the forward pass.\n"
               f"node {old.name()}: forward made shape {tuple(old._shape)}, dtype "
               f"{old._dtype}; recomputation made "
               + ("nothing" if new is None else
                  f"{new.name()}, shape {tuple(new._shape)}, dtype {new._dtype}"))
        if self.debug:
            msg += "\nNodes of the original forward:\n" + "\n".join(self.names)
        raise CheckpointError(msg)


class _Pending:
    """In place of a node's saved values until its frame is recomputed."""
    __slots__ = ("frame", "node")

    def __init__(self, frame, node):
        self.frame = frame
        self.node = weakref.ref(node)

    def __bool__(self):
        return True

    def __iter__(self):
        if not self.frame.done:
            self.frame.recompute()
        saved = self.node()._kept
        return iter(saved if isinstance(saved, tuple) else ())


def _strippable(node):
    from ..ops._registry import MultiOutputNode
    return type(node)._simple or isinstance(node, MultiOutputNode)


@contextlib.contextmanager
def _recording_new_nodes(created):
    """Collect the ids of the nodes made within (every node runs
    Node.__init__, which adds its id to each of graph._node_collectors)."""
    _graph._node_collectors.append(created)
    _graph._refresh_extras()
    try:
        yield
    finally:
        # (by identity: remove() would take the first equal set, perhaps another's)
        _graph._node_collectors[:] = [c for c in _graph._node_collectors if c is not created]
        _graph._refresh_extras()


def _checkpoint_non_reentrant(function, preserve, context_fn, check, debug, args, kwargs):
    forward_context, recompute_context = context_fn()
    rng = _rng_state(preserve)
    if not is_grad_enabled():
        return function(*args, **kwargs)
    created = set()
    with forward_context, _recording_new_nodes(created):
        outputs = function(*args, **kwargs)
    frame = _Frame(function, args, kwargs, rng, recompute_context, check, debug)
    # The region: the nodes this forward made that the outputs reach. Nodes
    # made before (the inputs', or those of a tensor the function closes
    # over) keep their values: nothing recomputes them.
    stack = []
    for t in _flat_tensors(outputs, []):
        node = t.grad_fn
        frame.roots.append(weakref.ref(node) if node is not None else None)
        stack.append(node)
    nodes = []
    while stack:
        node = stack.pop()
        if (node is None or id(node) not in created or type(node) is AccumulateGrad
                or id(node) in frame.region):
            continue
        frame.region.add(id(node))
        frame.names.append(node.name())
        nodes.append(node)
        stack.extend(n for n, _ in node.next_functions)
    for node in nodes:
        saved = node._kept
        if not _strippable(node) or not isinstance(saved, tuple):
            continue
        if not saved and not node._ctx:
            continue
        if not saved:
            node._versions = ()
        node._kept, node._result, node._ctx = _Pending(frame, node), None, ()
    return outputs
