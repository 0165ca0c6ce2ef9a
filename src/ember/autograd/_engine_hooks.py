"""The engine's hooks: a tensor's hooks and retain_grad as its gradient
arrives, a node's pre-hooks, post-accumulate hooks (see _engine.py)."""
from .._backend import np
from .._tensor import Tensor
from .graph import _NodePreHook

__all__ = []


def _as_tensor(g):
    if g is None or isinstance(g, Tensor):
        return g
    return Tensor._wrap(np.asarray(g))


def _run_tensor_hooks(hooks, grad, create_graph):
    g = _as_tensor(grad)
    for hook in list(hooks):
        new = hook(g)
        if new is not None:
            _check_hook_result(hook, g, new)
            g = new
    return g if create_graph else g._data


def _check_hook_result(hook, old, new):
    """A hook may replace the gradient, but not by one of another kind (PyTorch's checks)."""
    if not isinstance(new, Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type(new).__name__}'")
    name = getattr(hook, "__name__", type(hook).__name__)
    if new._data.dtype != old._data.dtype:
        raise RuntimeError(f"hook '{name}' has changed the type of value (was {old.type()} "
                           f"got {new.type()})")
    if new._data.shape != old._data.shape:
        raise RuntimeError(f"hook '{name}' has changed the size of value")


def _post_accumulate(var):
    """Tensor.register_post_accumulate_grad_hook: hook(leaf), once its .grad is final."""
    for hook in list(var._post_acc_hooks):
        hook(var)


def _output_hooks(node, grad, create_graph):
    """The arriving gradient meets the output tensor's hooks and retain_grad
    (per output for a node of several outputs)."""
    if node._multi:
        for nr, g in enumerate(grad):
            if g is None:
                continue
            if node._pre_hooks is not None and nr in node._pre_hooks:
                g = grad[nr] = _run_tensor_hooks(node._pre_hooks[nr], g, create_graph)
            if node._retain is not None and nr in node._retain:
                _retain(node._retain[nr](), g, create_graph)
        if node._pre_hooks is not None and -1 in node._pre_hooks:
            grad = _run_node_pre_hooks(node._pre_hooks[-1], grad, create_graph)
        return grad
    hooks = node._pre_hooks
    if hooks is None:
        if node._retain is not None:
            _retain(node._retain(), grad, create_graph)
        return grad
    # PyTorch's order: the tensor's hooks, retain_grad, then the node's pre-hooks
    # (kept in the same list: see Node.register_prehook).
    grad = _run_tensor_hooks([h for h in hooks if h.__class__ is not _NodePreHook],
                             grad, create_graph)
    if node._retain is not None:
        _retain(node._retain(), grad, create_graph)
    node_hooks = [h for h in hooks if h.__class__ is _NodePreHook]
    return _run_tensor_hooks(node_hooks, grad, create_graph) if node_hooks else grad


def _run_node_pre_hooks(hooks, grad, create_graph):
    """Node.register_prehook on a node of several outputs: fn(grad_outputs)."""
    gs = tuple(_as_tensor(g) for g in grad)
    for hook in list(hooks):
        res = hook(gs)
        if res is not None:
            gs = tuple(res)
    return [None if g is None else g if create_graph else g._data for g in gs]


def _retain(t, grad, create_graph):
    if t is None:
        return
    g = grad.clone() if create_graph else Tensor._wrap(np.array(grad))
    if t._grad is None:
        t._grad = g
    else:
        t._grad = t._grad + g
