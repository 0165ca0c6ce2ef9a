"""torch.autograd.graph.register_multi_grad_hook: one hook over the
gradients of several tensors, called once per backward pass, when all of
those the pass computes have arrived ("all"), or at the first ("any")."""
from .._public_name import PublicRepr

__all__ = ["register_multi_grad_hook"]


def _task_id():
    """The running backward pass's id (-1 outside one)."""
    from ._engine import running
    return running[-1][0] if running else -1


def _will_execute(tensor):
    """Whether the running backward pass computes `tensor`'s gradient: its
    node was reached and (with inputs= or autograd.grad) leads to a target."""
    from ._engine import gradient_edge, running
    _, deps, needed, capture = running[-1]
    if capture and tensor.grad_fn is None:
        raise RuntimeError("A leaf node was passed to _will_engine_execute_node but we are "
                           "currently running autograd.grad(). This is currently not supported.")
    node = gradient_edge(tensor)
    return node in deps and (needed is None or needed.get(node, False))


class _MultiHandle(PublicRepr):
    """The handles of the hooks on each tensor: removed together."""
    __module__ = "ember.autograd.graph"     # (where PyTorch's is, and ours is reached)

    def __init__(self, handles):
        self.handles = handles

    def remove(self):
        for handle in self.handles:
            handle.remove()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def register_multi_grad_hook(tensors, fn, *, mode="all"):
    """fn(grads) once every gradient of `tensors` this backward pass computes
    has arrived (None for the others), or, with mode="any", fn(grad) with the
    first one."""
    if mode not in ("all", "any"):
        raise ValueError(f"Expects mode to be one of ('all', 'any') but got {mode}")
    tensors = tuple(tensors)
    if mode == "all":
        pending = {}    # task id -> [grads so far, how many are still to come]

        def inner(i):
            def hook(grad):
                task = _task_id()
                if task not in pending:
                    pending[task] = [[None] * len(tensors),
                                     sum(map(_will_execute, tensors))]
                entry = pending[task]
                entry[0][i] = grad
                entry[1] -= 1
                if entry[1] == 0:
                    del pending[task]
                    fn(entry[0])
            return hook
        return _MultiHandle(tuple(t.register_hook(inner(i)) for i, t in enumerate(tensors)))
    ran = set()

    def first(grad):
        task = _task_id()
        if task not in ran:
            ran.add(task)
            fn(grad)
    return _MultiHandle(tuple(t.register_hook(first) for t in tensors if t.requires_grad))
