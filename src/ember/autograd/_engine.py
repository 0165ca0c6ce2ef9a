"""The backward engine: iterative, as PyTorch's engine.cpp.

1. Walk the graph from the roots once (an explicit stack, never recursion),
   counting for every node how many edges lead into it.
2. Run a ready list: a node runs when every gradient bound for it has arrived
   (its count fell to 0); its formulas' results are summed into the buffers
   of the nodes it points to.

Gradients are bare NumPy arrays in a plain backward and Tensors (recorded)
with create_graph=True; the formulas are the same either way (see graph.py).
"""
import sys

import numpy as np

from . import graph as _graph
from .graph import AccumulateGrad
from .. import ops as _ops

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
    from .._tensor import Tensor
    from .grad_mode import _state

    xp = _TS if create_graph else _NP
    root_nodes = []
    for i, t in enumerate(roots):
        node = gradient_edge(t)
        if node is None:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn")
        root_nodes.append(node)

    # Where the gradients must stop: node -> position in `inputs`.
    targets = None
    if inputs is not None:
        targets = {}
        for i, t in enumerate(inputs):
            node = gradient_edge(t)
            if node is None:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            targets.setdefault(node, []).append(i)

    deps, order = _count_dependencies(root_nodes)
    needed = _prune(order, targets) if targets is not None else None

    buffers = {}
    for t, node, g in zip(roots, root_nodes, root_grads):
        if node._multi:
            _buffer_output(buffers, node, t._output_nr, g, create_graph, xp)
        else:
            buffers[node] = buffers[node] + g if node in buffers else g
    captured = [None] * len(inputs) if capture else None

    prev_mode = _state.enabled
    _state.enabled = create_graph
    try:
        ready = [n for n in dict.fromkeys(root_nodes) if deps.get(n, 0) == 0]
        pop, push = ready.pop, ready.append
        while ready:
            node = pop()
            grad = buffers.pop(node, None)
            if grad is not None:
                if node._multi:
                    _output_hooks(node, grad, create_graph, Tensor)
                else:
                    if node._pre_hooks is not None:
                        grad = _run_tensor_hooks(node._pre_hooks, grad, create_graph, Tensor)
                    if node._retain is not None:
                        _retain(node._retain(), grad, create_graph, Tensor)
            if targets is not None and node in targets:
                if capture:
                    for i in targets[node]:
                        captured[i] = grad
                    # A captured leaf is not accumulated into, and the walk
                    # stops at a captured node unless other targets lie beyond.
                    if type(node) is AccumulateGrad or not _leads_on(node, needed):
                        _release(node, retain_graph)
                        _finish(node, deps, ready)
                        continue
                elif type(node) is not AccumulateGrad and grad is not None:
                    # backward(inputs=[non_leaf]) fills that tensor's .grad.
                    _retain(inputs[targets[node][0]], grad, create_graph, Tensor)
            if type(node) is AccumulateGrad:
                if grad is not None and not capture:
                    _accumulate(node.variable, grad, create_graph, Tensor)
                continue
            nexts = node.next_functions
            if grad is None or (needed is not None and not needed.get(node, False)):
                grads = (None,) * len(nexts)
            elif node._simple and needed is None:
                # The common case, inlined: run the node's formulas.
                saved = node._saved
                args = node._unpack(create_graph) if saved or saved is None else node._ctx
                fs = node.formulas
                if len(fs) == 1:
                    grads = (fs[0](xp, grad, *args),)
                elif len(fs) == 2:
                    grads = (fs[0](xp, grad, *args) if nexts[0][0] is not None else None,
                             fs[1](xp, grad, *args) if nexts[1][0] is not None else None)
                else:
                    grads = tuple([f(xp, grad, *args) if nf[0] is not None else None
                                   for f, nf in zip(fs, nexts)])
            else:
                if needed is None:
                    needs = [nf[0] is not None for nf in nexts]
                else:
                    needs = [nf[0] is not None and needed.get(nf[0], False) for nf in nexts]
                grads = node.apply(xp, grad, create_graph, needs)
            if node._post_hooks is not None and grad is not None:
                for hook in node._post_hooks:
                    hook(tuple(_as_tensor(g, Tensor) for g in grads), (_as_tensor(grad, Tensor),))
            if not retain_graph and node._saved:
                node._release()
            for (nxt, nr), g in zip(nexts, grads):
                if nxt is None:
                    continue
                if g is not None:
                    if nxt._multi:
                        _buffer_output(buffers, nxt, nr, g, create_graph, xp)
                    else:
                        # Undo broadcasting and match dtype: the one place this is done.
                        data = g._data if create_graph else g
                        if data.shape != nxt._shape:
                            g = xp.sum_to(g, nxt._shape)
                            data = g._data if create_graph else g
                        if data.dtype != nxt._dtype:
                            g = xp.cast(g, nxt._dtype)
                        old = buffers.get(nxt)
                        buffers[nxt] = g if old is None else old + g
                d = deps[nxt] - 1
                deps[nxt] = d
                if d == 0:
                    push(nxt)
            # Drop this node's gradients now: a leaf's .grad can then take over
            # the array instead of copying it (see _accumulate).
            grads = g = grad = data = None
    finally:
        _state.enabled = prev_mode

    if capture:
        for i, g in enumerate(captured):
            if g is None:
                if not allow_unused:
                    raise RuntimeError(
                        f"The differentiated Tensor at index {i} appears to not have been used "
                        "in the graph. Set allow_unused=True if this is the desired behavior.")
            else:
                captured[i] = _as_tensor(g, Tensor)
        return captured
    return None


def _count_dependencies(root_nodes):
    """How many edges lead into each node, walking the graph once from the roots."""
    stack = list(dict.fromkeys(root_nodes))
    deps = dict.fromkeys(stack, 0)
    order = stack[:]
    get = deps.get
    while stack:
        node = stack.pop()
        for nxt, _nr in node.next_functions:
            if nxt is not None:
                n = get(nxt)
                if n is None:
                    deps[nxt] = 1
                    stack.append(nxt)
                    order.append(nxt)
                else:
                    deps[nxt] = n + 1
    return deps, order


def _prune(order, targets):
    """Which nodes lead to a target: only those need to run (autograd.grad and
    backward(inputs=...) do not touch the rest of the graph)."""
    # Kahn's order from the roots: every node after all nodes pointing to it.
    indeg = {}
    for node in order:
        for nxt, _ in node.next_functions:
            if nxt is not None:
                indeg[nxt] = indeg.get(nxt, 0) + 1
    topo = [n for n in order if indeg.get(n, 0) == 0]
    i = 0
    while i < len(topo):
        for nxt, _ in topo[i].next_functions:
            if nxt is not None:
                indeg[nxt] -= 1
                if indeg[nxt] == 0:
                    topo.append(nxt)
        i += 1
    needed = {}
    for node in reversed(topo):
        needed[node] = node in targets or any(
            nxt is not None and needed.get(nxt, False) for nxt, _ in node.next_functions)
    return needed


def _buffer_output(buffers, node, nr, g, create_graph, xp):
    """A node with several outputs (unbind, split) keeps one gradient per output."""
    buf = buffers.get(node)
    if buf is None:
        buf = buffers[node] = [None] * len(node._shape)
    data = g._data if create_graph else g
    if data.shape != node._shape[nr]:
        g = xp.sum_to(g, node._shape[nr])
    if (g._data if create_graph else g).dtype != node._dtype:
        g = xp.cast(g, node._dtype)
    buf[nr] = g if buf[nr] is None else buf[nr] + g


def _leads_on(node, needed):
    return any(nxt is not None and needed.get(nxt, False) for nxt, _ in node.next_functions)


def _finish(node, deps, ready):
    for nxt, _nr in node.next_functions:
        if nxt is not None:
            deps[nxt] -= 1
            if deps[nxt] == 0:
                ready.append(nxt)


def _release(node, retain_graph):
    if not retain_graph:
        node._release()


def _as_tensor(g, Tensor):
    if g is None or isinstance(g, Tensor):
        return g
    return Tensor._wrap(np.asarray(g))


def _run_tensor_hooks(hooks, grad, create_graph, Tensor):
    g = _as_tensor(grad, Tensor)
    for hook in list(hooks):
        new = hook(g)
        if new is not None:
            g = new
    return g if create_graph else g._data


def _output_hooks(node, grads, create_graph, Tensor):
    """Tensor hooks and retain_grad of the outputs of a multi-output node."""
    for nr, g in enumerate(grads):
        if g is None:
            continue
        if node._pre_hooks is not None and nr in node._pre_hooks:
            g = grads[nr] = _run_tensor_hooks(node._pre_hooks[nr], g, create_graph, Tensor)
        if node._retain is not None and nr in node._retain:
            _retain(node._retain[nr](), g, create_graph, Tensor)


def _retain(t, grad, create_graph, Tensor):
    if t is None:
        return
    g = grad if create_graph else Tensor._wrap(np.array(grad))
    if t._grad is None:
        t._grad = g if not create_graph else g
    else:
        t._grad = t._grad + g


def _accumulate(var, grad, create_graph, Tensor):
    """AccumulateGrad: leaf hooks, then `.grad` = grad (a private copy) or += grad."""
    if var._hooks:
        grad = _run_tensor_hooks(var._hooks, grad, create_graph, Tensor)
    if create_graph:
        var._grad = grad if var._grad is None else var._grad + grad
        return
    old = var._grad
    if old is None:
        data = var._data
        if (grad.__class__ is np.ndarray and grad.dtype == data.dtype
                and grad.shape == data.shape and grad.flags.c_contiguous
                and grad.flags.writeable and sys.getrefcount(grad) == _SOLE_REFS
                and (grad.base is None or (grad.base.base is None
                                           and sys.getrefcount(grad.base) == _SOLE_BASE_REFS))):
            # Nobody else holds this array (nor the array it views): take it
            # as `.grad` instead of copying, as PyTorch steals a buffer whose
            # use count is 1.
            var._grad = Tensor._wrap(grad)
        else:
            # A private, writable copy: the same array may reach several leaves,
            # be the caller's `gradient`, or a read-only broadcast view.
            var._grad = Tensor._wrap(np.array(grad, dtype=data.dtype))
    elif old._grad_fn is None and not old._requires_grad:
        old._data += grad
        old._bump()
    else:
        var._grad = old + Tensor._wrap(np.asarray(grad))


def _probe(grad):
    return sys.getrefcount(grad)


def _calibrate():
    """How many references an array has inside _accumulate when the engine's
    local variable is its only holder (measured, not assumed: it depends on
    the interpreter's calling convention)."""
    grad = np.zeros(1)
    sole = _probe(grad)
    view = np.zeros(2)[:1]
    return sole, sys.getrefcount(view.base)


_SOLE_REFS, _SOLE_BASE_REFS = _calibrate()
