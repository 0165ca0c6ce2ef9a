"""Where a tensor's retain_grad sits: on the node of its current value.

retain_grad registers on the tensor's grad_fn (`node._retain`). An in-place
op gives the tensor a new grad_fn; PyTorch then moves the retain to it
(update_tensor_hooks_on_new_gradfn), so `.grad` is the gradient of the
tensor's current value, while hooks registered before stay with the old
node (and see the old value's gradient). The moves, as PyTorch makes them:

- an in-place op on the tensor (rebase_history): at once;
- an in-place op on a view of the tensor: the tensor (the base) takes a
  CopySlices node, and its retain moves to it at once; the view's own,
  to its regenerated node, at once too;
- a change of the base, or of another view of it, seen by a view: PyTorch
  regenerates the view's grad_fn, and moves its retain, when that grad_fn
  is next read (an op on the view, `.grad_fn`, register_hook, printing it).
  Ember regenerates at the change (ops/_view_history.py) and defers the
  move: it is made when `.grad_fn` is read or register_hook is called, or
  when a backward's graph reaches the view's new node (an op used it).
  Until then the retain stays on the old node. (One difference remains: a
  view used by an op whose result no backward reaches keeps its retain on
  the old node, where PyTorch's moved when the op read its grad_fn.)
- an in-place op that changes only the geometry (`t_()`, `unsqueeze_()`):
  never; the retain stays with the old node.

`t._retain_at` is (node, output_nr), where t's retain sits;
`t._retain_regen`, the regenerated node a deferred move goes to.
"""
import weakref

__all__ = []

# Views whose retain awaits a move (weak references; see resolve).
_pending = []


def attach(t, node, nr):
    """Register t's retain on output `nr` of `node`."""
    if node._multi:
        # One per output of unbind/split: {output_nr: weakref}.
        if node._retain is None:
            node._retain = {}
        node._retain[nr] = weakref.ref(t)
    else:
        node._retain = weakref.ref(t)
    t._retain_at = (node, nr)


def _detach(t, node, nr):
    retain = node._retain
    if retain is None:
        return
    if node._multi:
        ref = retain.get(nr)
        if ref is not None and ref() is t:
            del retain[nr]
            if not retain:
                node._retain = None
    elif retain() is t:
        node._retain = None


def follow(t):
    """Move t's retain (if it retains) to its current grad_fn: after an
    in-place op on it or through a view of it."""
    at = t.__dict__.get("_retain_at")
    new = t._grad_fn
    if at is None or new is None:
        return
    t.__dict__.pop("_retain_regen", None)
    old, nr = at
    if old is new and nr == t._output_nr:
        return
    _detach(t, old, nr)
    attach(t, new, t._output_nr)


def read(t):
    """t's grad_fn is read: a pending move is made (to the node the
    regeneration made: an in-place op that changes only the view's geometry,
    `t_()`, gives it a node of its own, and the retain stays where it was,
    as PyTorch's)."""
    regen = t.__dict__.get("_retain_regen")
    if regen is not None:
        if regen is t._grad_fn:
            follow(t)
        else:
            del t._retain_regen


def defer(view):
    """The view's grad_fn was regenerated after its base changed: its retain
    moves when PyTorch would regenerate, on the next read (see resolve)."""
    if "_retain_at" in view.__dict__:
        view._retain_regen = view._grad_fn
        _pending.append(weakref.ref(view))


def resolve(nodes):
    """At the start of a backward over `nodes` (the nodes its walk reaches):
    a pending view whose new node is among them was used since it changed
    (PyTorch read its grad_fn then), so its retain moves there now."""
    keep = []
    for ref in _pending:
        t = ref()
        if t is None:
            continue
        regen = t.__dict__.get("_retain_regen")
        if regen is None:
            continue            # (moved already, or not to be)
        if regen is not t._grad_fn:
            del t._retain_regen
        elif regen in nodes:
            follow(t)
        else:
            keep.append(ref)
    _pending[:] = keep
