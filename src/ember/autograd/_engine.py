"""The backward engine: iterative, as PyTorch's engine.cpp.

`run_backward` reads as its phases:

1. find the roots: the node behind each output (its grad_fn, or the
   AccumulateGrad of a leaf);
2. count dependencies: walk the graph from the roots once (an explicit stack,
   never recursion), counting for every node how many edges lead into it; with
   `inputs`, also mark which nodes lead to one (only those run) (_graph_walk.py);
3. run ready nodes: a node runs when every gradient bound for it has arrived
   (its count fell to 0); of the ready ones, the one made last (the highest
   sequence number), and a leaf's AccumulateGrad before any, as PyTorch's
   ReadyQueue orders them. Its gradient first meets the output's hooks and
   retain_grad, and is captured if it is a target. Otherwise the node's
   formulas give one gradient per input (inline here, or through
   _node_gradients.py where hooks, anomaly mode or the meta device must see
   them), and each is sent on into the buffer of the node it points to, summed
   to that node's shape and cast to its dtype (_receive; a bias gradient's sum
   inline). A leaf's gradient, once complete, is accumulated into its `.grad`
   right there, before the next node runs (then its post-accumulate hooks);
   through the ready queue instead where hooks, targets or a profiler are to
   see its AccumulateGrad;
4. return what was captured (autograd.grad), or nothing.

Gradients are bare NumPy arrays in a plain backward and Tensors (recorded)
with create_graph=True; the formulas are the same either way (see graph.py).
"""
import itertools

from .._backend import np

from . import _profiler_hooks as _profiling
from . import anomaly_mode as _anomaly_mode, graph as _graph
from .._backend import restore, silence
from .._meta import is_meta
from .grad_mode import _state
from .graph import RESULT, AccumulateGrad
from ._saved_hooks import _Packed
from ._graph_walk import (_count_dependencies, _enqueue, _finish, _leads_on, _made_ready,
                          _prune, _sequence_nr, complete_deferred)
from ._accumulate import _accumulate
from ..ops._summation import column_sums
from ._engine_hooks import (_as_tensor, _output_hooks, _post_accumulate, _retain,
                            _run_tensor_hooks)
from ._node_gradients import (_anomaly_gradients, _invalid_gradient, _meta_gradients,
                              _node_gradients)
from .. import ops as _ops
from . import _retain as _retain_moves
from .._tensor import Tensor

_NP = _ops.NUMPY
_TS = _ops.TENSOR


def gradient_edge(t):
    fn = t._grad_fn
    if fn is not None:
        return fn
    if t._requires_grad:
        return _graph.grad_accumulator(t)
    return None


def run_backward(roots, root_grads, retain_graph, create_graph, inputs=None,
                 capture=False, allow_unused=False):
    """Backpropagate `root_grads` from the tensors `roots`.

    Without `capture`, gradients are accumulated into the `.grad` of leaves
    (only of `inputs` when given). With `capture` (autograd.grad), the
    gradients reaching `inputs` are returned and no `.grad` is touched."""
    xp = _TS if create_graph else _NP
    # 1. the roots, and where gradients must stop (node -> positions in `inputs`)
    root_nodes = _root_nodes(roots)
    targets = _targets(inputs)
    if create_graph or _profiling.active or _graph._anomaly:
        complete_deferred(root_nodes)   # (they see the graph whole: Node._deferred)
    # 2. dependencies
    deps = _count_dependencies(root_nodes)
    if _retain_moves._pending:
        _retain_moves.resolve(deps)   # (views used since their base changed: see _retain.py)
    needed = _prune(deps, targets) if targets is not None else None
    buffers = {}
    for t, node, g in zip(roots, root_nodes, root_grads):
        _receive(buffers, node, t._output_nr, g, create_graph, xp)
    captured = [None] * len(inputs) if capture else None
    # 3. run ready nodes, recording only if asked to (create_graph)
    # (formulas compute inf and nan silently, as PyTorch's do)
    prev_mode, prev_formulas = _state.enabled, _state.formulas
    _state.enabled = create_graph
    _state.formulas = create_graph      # (see grad_mode._State.formulas)
    token = silence()
    _final_callbacks.append([])
    running.append((next(_task_ids), deps, needed, capture))
    try:
        _run_ready_nodes(root_nodes, deps, buffers, targets, needed, captured, xp,
                         retain_graph, create_graph, inputs,
                         not create_graph and any([is_meta(t._data) for t in roots]))
        _run_final_callbacks(_final_callbacks[-1])
    except Exception as exc:
        if _graph._anomaly:
            _anomaly_mode.warn_failed(exc, _run_ready_nodes.__code__)
        raise
    finally:
        _final_callbacks.pop()
        running.pop()
        restore(token)
        _state.enabled, _state.formulas = prev_mode, prev_formulas
    # 4. what autograd.grad returns
    if capture:
        return _captured(captured, allow_unused)
    return None


# The callbacks queued during each running backward (innermost last), run
# when its graph is done: DistributedDataParallel waits for its gradient
# all-reduces there.
_final_callbacks = []


# The running backward passes, innermost last: (id, the nodes the walk
# reached, which of them lead to a target, whether autograd.grad runs it):
# register_multi_grad_hook asks.
running = []
_task_ids = itertools.count()


def queue_callback(callback):
    """Run `callback()` once the current backward pass has run its graph
    (Variable._execution_engine.queue_callback)."""
    if not _final_callbacks:
        raise RuntimeError("Final callbacks can only be installed during backward pass.")
    _final_callbacks[-1].append(callback)


def _run_final_callbacks(callbacks):
    i = 0
    while i < len(callbacks):       # (a callback may queue another)
        callbacks[i]()
        i += 1


def _root_nodes(roots):
    nodes = []
    for i, t in enumerate(roots):
        node = gradient_edge(t)
        if node is None:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn")
        nodes.append(node)
    return nodes


def _targets(inputs):
    """node -> [(place in inputs, output_nr)]: where each input's gradient
    arrives (a tensor, or a GradientEdge: a node and one of its outputs)."""
    if inputs is None:
        return None
    targets = {}
    for i, t in enumerate(inputs):
        if isinstance(t, _graph.GradientEdge):
            node, nr = t.node, t.output_nr
        else:
            if "_retain_at" in t.__dict__:
                _retain_moves.read(t)     # (PyTorch reads its grad_fn: see _retain.py)
            node, nr = gradient_edge(t), t._output_nr if t._grad_fn is not None else 0
        if node is None:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
        targets.setdefault(node, []).append((i, nr))
    return targets


def _arrived(node, grad, nr):
    """What reached output `nr` of `node` (a node of several outputs gets a list)."""
    return grad[nr] if node._multi and grad is not None else grad


def _run_ready_nodes(root_nodes, deps, buffers, targets, needed, captured, xp,
                     retain_graph, create_graph, inputs, meta=False):
    # The ready nodes, in PyTorch's order: the highest sequence number last
    # (popped first), leaves' AccumulateGrad (the highest of all) on top
    ready = sorted([n for n in dict.fromkeys(root_nodes) if deps.get(n, 0) == 0],
                   key=_sequence_nr)
    pop = ready.pop
    leaves = []
    node_gradients, accumulate = _node_gradients, _accumulate
    if _graph._anomaly:     # each node's errors and NaNs are reported (anomaly_mode.py)
        node_gradients = _anomaly_gradients
    if _profiling.active:   # a profiler times each node (autograd/_profiler_hooks.py)
        node_gradients, accumulate = _profiling.timed_nodes(node_gradients, accumulate)
    if meta:                # a meta graph's gradients stay meta (_meta_gradients)
        node_gradients = _meta_gradients(node_gradients)
    # Whether a registry node may run its formulas right here (spelled out: once per node)
    inline = node_gradients is _node_gradients and needed is None
    # Whether a leaf may take its gradient as soon as it is complete, rather
    # than from the ready queue (where targets, hooks or a profiler see it)
    plain_leaves = inline and targets is None and accumulate is _accumulate
    # The node the last one's edges made ready, with its gradient in hand,
    # where it would be the next popped: it skips the buffers and the queue
    # (in a chain, every node: 3.5% of a backward of small ops)
    carry = carried = None
    while True:
        if carry is not None:
            node, grad = carry, carried
            carry = carried = None
        elif ready:
            node = pop()
            grad = buffers.pop(node, None)
        else:
            break
        # (until some node has hooks, none is asked; read for each node, as
        # one may be given a hook while this runs)
        if _graph.node_hooks and grad is not None and (node._pre_hooks is not None
                                                       or node._retain is not None) \
                and type(node) is not AccumulateGrad:     # (a leaf's: below)
            grad = _output_hooks(node, grad, create_graph)
        if targets is not None and node in targets:
            if captured is not None:
                if type(node) is AccumulateGrad and grad is not None and node.variable._hooks:
                    # a leaf's own hooks see (and may replace) what autograd.grad returns
                    grad = _run_tensor_hooks(node.variable._hooks, grad, create_graph)
                for i, nr in targets[node]:
                    captured[i] = _arrived(node, grad, nr)
                # A captured leaf is not accumulated into, and the walk
                # stops at a captured node unless other targets lie beyond.
                if type(node) is AccumulateGrad or not _leads_on(node, needed):
                    if not retain_graph:
                        node._release()
                    _finish(node, deps, ready)
                    continue
            elif type(node) is not AccumulateGrad and grad is not None:
                # backward(inputs=[non_leaf]) fills that tensor's .grad.
                for i, nr in targets[node]:
                    g = _arrived(node, grad, nr)
                    if g is not None and not inputs[i].__dict__.get("_retains"):
                        _retain(inputs[i], g, create_graph)     # (else its retain_grad did)
        if type(node) is AccumulateGrad:
            if grad is not None and captured is None:
                if _graph.node_hooks and node._pre_hooks is not None:
                    # PyTorch's order: the leaf's own hooks, then the node's pre-hooks
                    var = node.variable
                    if var._hooks:
                        grad = _run_tensor_hooks(var._hooks, grad, create_graph)
                    grad = _run_tensor_hooks(node._pre_hooks, grad, create_graph)
                    accumulate(var, grad, create_graph, True)
                else:
                    accumulate(node.variable, grad, create_graph)
                if node.variable._post_acc_hooks:
                    _post_accumulate(node.variable)
                if _graph.node_hooks and node._post_hooks is not None:
                    # (it has no inputs: it returns nothing)
                    for hook in node._post_hooks:
                        hook((), (_as_tensor(grad),))
            continue
        # (the node's fields, read from its tuple: Node's comment says why)
        st = node._st
        nexts = st[0]
        if inline and grad is not None and node._simple \
                and (not _graph.node_hooks or node._post_hooks is None):
            saved = st[1]
            # (Node._unpack's common cases, inline, by what was saved: a call
            # per node saved)
            if not saved:
                args = st[3] if saved is not None else node._unpack(create_graph)
            elif st[2] is None:
                # numbers alone saved (x * 2 saved the 2): nothing to check or
                # convert
                ctx = st[3]
                args = (*saved, *ctx) if ctx else saved
            elif create_graph or saved.__class__ is not tuple:
                args = node._unpack(create_graph)
                st = node._st       # (a checkpoint's recomputation gives new fields)
            elif len(saved) == 1:
                s = saved[0]
                if s is RESULT and st[2][0].__class__ is list and st[2][0][0] == 0:
                    # the node's own output, unchanged since (relu's)
                    ctx = st[3]
                    args = (st[4], *ctx) if ctx else (st[4],)
                elif s.__class__ is Tensor and (s._vc is None or not s._vc[0] != st[2][0]):
                    # one tensor, unchanged since (sin's input): its array (the
                    # test is its !=: the version of a tensor detach_() was
                    # called on raises there)
                    ctx = st[3]
                    args = (s._data, *ctx) if ctx else (s._data,)
                else:
                    args = node._unpack(create_graph)
                    st = node._st
            elif len(saved) == 2 and saved[1].__class__ is Tensor \
                    and (saved[1]._vc is None or saved[1]._vc[0] == st[2][1]) \
                    and (saved[0] is None or saved[0].__class__ is not _Packed
                         and isinstance(saved[0], Tensor)
                         and (saved[0]._vc is None or saved[0]._vc[0] == st[2][0])):
                # two tensors saved, or None and a tensor, unchanged since
                # (nn.Linear's weight and x): their arrays, as _unpack gives them
                ctx = st[3]
                a = saved[0]
                args = (None if a is None else a._data, saved[1]._data, *ctx)
            else:
                args = node._unpack(create_graph)
                st = node._st
            fs = node.formulas
            if len(args) == 1:
                # (one value read, as sin's input: a call of fixed arity,
                # which CPython makes inline; `*args` builds a list, then a
                # tuple, and calls through C)
                a = args[0]
                if len(fs) == 1:
                    grads = (fs[0](xp, grad, a),)
                elif len(fs) == 2:
                    grads = (fs[0](xp, grad, a) if nexts[0][0] is not None else None,
                             fs[1](xp, grad, a) if nexts[1][0] is not None else None)
                else:
                    grads = tuple([f(xp, grad, a) if nf[0] is not None else None
                                   for f, nf in zip(fs, nexts)])
            elif len(args) == 2 and len(fs) == 2:      # (mul, div: the same, for two)
                a, b = args
                grads = (fs[0](xp, grad, a, b) if nexts[0][0] is not None else None,
                         fs[1](xp, grad, a, b) if nexts[1][0] is not None else None)
            elif len(fs) == 1:
                grads = (fs[0](xp, grad, *args),)
            elif len(fs) == 2:
                grads = (fs[0](xp, grad, *args) if nexts[0][0] is not None else None,
                         fs[1](xp, grad, *args) if nexts[1][0] is not None else None)
            elif len(fs) == 3:      # (addmm: nn.Linear's node)
                grads = (fs[0](xp, grad, *args) if nexts[0][0] is not None else None,
                         fs[1](xp, grad, *args) if nexts[1][0] is not None else None,
                         fs[2](xp, grad, *args) if nexts[2][0] is not None else None)
            else:
                grads = tuple([f(xp, grad, *args) if nf[0] is not None else None
                               for f, nf in zip(fs, nexts)])
            if not retain_graph and saved:
                # (Node._release, inline: _kept and _result dropped)
                node._st = (nexts, None, st[2], st[3], None, st[5], st[6], st[7])
        else:
            grads = node_gradients(node, grad, nexts, needed, xp, create_graph)
            if not retain_graph and node._st[1]:
                node._release()
        # Send each input's gradient on; a node is ready once all have arrived.
        # (a counter: zip() of one or two pairs costs twice the loop)
        i = -1
        for nxt, nr in nexts:
            i += 1
            if nxt is None:
                continue
            d = deps[nxt] - 1
            deps[nxt] = d
            g = grads[i]
            if g is not None:
                data = g._data if create_graph else g
                # (a node of several outputs never passes: its _shape is a
                # tuple of shapes, and _receive keeps one gradient per output)
                ns = nxt._st        # (its _shape, _dtype)
                if data.shape != ns[5] or (data.dtype is not ns[6] and data.dtype != ns[6]):
                    shape = ns[5]
                    if data.ndim == 2 and len(shape) == 1 and data.shape[1] == shape[0] \
                            and data.dtype is ns[6] and not create_graph:
                        # a bias gradient (_receive's commonest sum, spelled out)
                        g = column_sums(data)
                    else:
                        try:
                            _receive(buffers, nxt, nr, g, create_graph, xp)
                        except ValueError:
                            raise _invalid_gradient(node, i, data.shape, nxt, nr) from None
                        g = None
            if d:       # (the common case, spelled out: it runs for every edge)
                if g is not None:
                    old = buffers.get(nxt)
                    buffers[nxt] = g if old is None else old + g
                continue
            # `nxt` is ready: all its gradients are here (the buffers are
            # empty while the graph is a chain and its leaves)
            if buffers:
                old = buffers.pop(nxt, None)
                if old is not None:
                    g = old if g is None else old + g
            if type(nxt) is AccumulateGrad:
                leaves.append((nxt, g))
            elif carry is None and not ready:     # (a chain's: the next to run)
                carry, carried = nxt, g
            else:
                carry, carried = _made_ready(nxt, g, carry, carried, ready, buffers)
        if leaves:
            # Drop this node's gradients now: a leaf's .grad may take the
            # array over if nothing else holds it (_accumulate). (Only here:
            # an array this node sent to a node that is not ready yet is added
            # to before that node runs, or a later node's locals replace it.)
            grads = g = grad = data = old = None
            # Leaves' gradients are accumulated first, as PyTorch's engine
            # does (so DDP's buckets fill, and start, while backward goes on),
            # in the order of the node's inputs
            if plain_leaves and not _graph.node_hooks:
                # here and now: what the loop's AccumulateGrad case would do
                leaves.reverse()
                while leaves:
                    leaf, g = leaves.pop()      # (g: the array's only holder, if any)
                    if g is not None:
                        var = leaf.variable
                        accumulate(var, g, create_graph)
                        g = None
                        if var._post_acc_hooks:
                            _post_accumulate(var)
            else:
                if carry is not None:       # (the leaves run first, then the carried node)
                    _enqueue(carry, carried, ready, buffers)
                    carry = carried = None
                for leaf, g in reversed(leaves):    # (popped from the end)
                    if g is not None:
                        buffers[leaf] = g
                    ready.append(leaf)
                leaves.clear()
                g = None


def _receive(buffers, node, nr, g, create_graph, xp):
    """Add gradient `g` for output `nr` of `node` into its buffer, summed to
    the output's shape and cast to its dtype: the one place broadcasting is
    undone. A node of several outputs keeps one gradient per output."""
    st = node._st       # (its _shape, _dtype)
    if node._multi:
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * len(st[5])
        shape, dtype = st[5][nr], st[6]
        if isinstance(dtype, tuple):
            dtype = dtype[nr]
    else:
        shape, dtype = st[5], st[6]
    data = g._data if create_graph else g
    if data.shape != shape:
        g = xp.sum_to(g, shape)
        data = g._data if create_graph else g
    if data.dtype != dtype:
        g = xp.cast(g, dtype)
    if node._multi:
        buf[nr] = g if buf[nr] is None else buf[nr] + g
    else:
        old = buffers.get(node)
        buffers[node] = g if old is None else old + g


def _captured(captured, allow_unused):
    for i, g in enumerate(captured):
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used "
                    "in the graph. Set allow_unused=True if this is the desired behavior.")
        else:
            if g.__class__ is np.ndarray and g.ndim and min(g.strides) < 0:
                # (a flip in a formula is a NumPy view with negative strides,
                # which no PyTorch tensor has: PyTorch's flip writes a copy)
                g = np.ascontiguousarray(g)
            captured[i] = _as_tensor(g)
    return captured
