"""Walks of the graph a backward pass makes before and around running it
(engine.cpp's compute_dependencies and the exec_info of a backward with
`inputs`): how many edges lead into each node, and which nodes lead to a
target; and the queue of ready nodes, in PyTorch's order (its ReadyQueue)."""
import bisect
import collections

# The key the engine's ready queue is kept sorted by (autograd/graph.py)
def _sequence_nr(node):
    return node._st[7]


def _count_dependencies(root_nodes):
    """How many edges lead into each node, walking the graph once from the roots."""
    # (a deque: a list resizes as a chain takes it from one node to none and back)
    stack = collections.deque(dict.fromkeys(root_nodes))
    deps = dict.fromkeys(stack, 0)
    get = deps.get
    while stack:
        node = stack.pop()
        for nxt, _nr in node._st[0]:      # (next_functions)
            if nxt is not None:
                n = get(nxt)
                if n is None:
                    deps[nxt] = 1
                    stack.append(nxt)
                else:
                    deps[nxt] = n + 1
    return deps


def _prune(deps, targets):
    """Which nodes lead to a target: only those need to run (autograd.grad and
    backward(inputs=...) do not touch the rest of the graph). `deps`: each
    node's count of incoming edges, as _count_dependencies gives them."""
    # Kahn's order from the roots: every node after all nodes pointing to it.
    indeg = dict(deps)
    topo = [n for n, d in indeg.items() if d == 0]
    i = 0
    while i < len(topo):
        for nxt, _ in topo[i]._st[0]:
            if nxt is not None:
                indeg[nxt] -= 1
                if indeg[nxt] == 0:
                    topo.append(nxt)
        i += 1
    needed = {}
    for node in reversed(topo):
        needed[node] = node in targets or any(
            nxt is not None and needed.get(nxt, False) for nxt, _ in node._st[0])
    return needed


def _leads_on(node, needed):
    return any(nxt is not None and needed.get(nxt, False) for nxt, _ in node._st[0])


def _finish(node, deps, ready):
    for nxt, _nr in node._st[0]:
        if nxt is not None:
            deps[nxt] -= 1
            if deps[nxt] == 0:
                _queue(ready, nxt)


def _queue(ready, node):
    """Put `node` in the ready queue, which stays in sequence order."""
    if not ready or ready[-1]._st[7] < node._st[7]:     # (the usual place: no search)
        ready.append(node)
    else:
        bisect.insort(ready, node, key=_sequence_nr)


def _enqueue(node, grad, ready, buffers):
    """A ready node waits its turn in the queue, and its gradient in the buffers."""
    _queue(ready, node)
    if grad is not None:
        buffers[node] = grad


def _made_ready(node, grad, carry, carried, ready, buffers):
    """`node` is ready, with `grad`: which ready node runs next, in hand (the
    highest sequence number), and its gradient. The others wait in the queue."""
    seq = node._st[7]
    if carry is not None:
        if carry._st[7] > seq:
            _enqueue(node, grad, ready, buffers)
            return carry, carried
        _enqueue(carry, carried, ready, buffers)
    elif ready and ready[-1]._st[7] > seq:
        _enqueue(node, grad, ready, buffers)
        return None, None
    return node, grad


def complete_deferred(root_nodes):
    """Complete every deferred node the roots lead to (Node._deferred), for a
    backward that records, profiles or runs under anomaly mode."""
    seen = set()
    stack = list(root_nodes)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if node._deferred:
            node._complete()
        stack.extend(nxt for nxt, _nr in node._st[0] if nxt is not None)


def edge_split(node, new, child):
    """A deferred `node` was completed: `new` now stands on its edge to
    `child`. A running backward that counted that edge counts it through
    `new` (a hook may look at the graph while it runs)."""
    from ._engine import running
    for _id, deps, needed, _capture in running:
        if node in deps:
            deps[new] = 1
            if needed is not None:
                needed[new] = needed.get(child, False)
