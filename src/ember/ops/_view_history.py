"""A view's history after its base (or another view of it) changed in place.

PyTorch regenerates such a view's grad_fn: it is then a view of the base's
new history (AsStridedBackward0), so its gradient flows through the in-place
op. PyTorch does it when the grad_fn is next read and finds the version
changed; Ember does it when the version changes (Tensor._bump), which gives
the same node without a check on the recording path. Only views that need
it are watched: those of a base that requires grad, in a WeakSet kept with
the version counter they share (`vc[1]`).

Some views may not be regenerated (their creation forbids it): the outputs
of an op returning several views, and views made in no_grad mode. PyTorch
refuses them when their grad_fn is next read; Ember marks them with a node
that refuses (RefusedView) when read or when backward reaches it.
"""
import weakref

from .. import _tensor
from ..autograd._retain import defer as defer_retain
from ._common import Node, edge, np
from ._registry import grad_fn

NO_GRAD_VIEW = "no_grad"

_NO_GRAD_TAIL = (" with grad mode enabled. Given that this use case is ambiguous and "
                 "error-prone, it is forbidden. You can clarify your code by moving both the "
                 "view and the inplace either both inside the no_grad block (if you don't want "
                 "the inplace to be tracked) or both outside (if you want the inplace to be "
                 "tracked).")
NO_GRAD_MODIFIED = "A view was created in no_grad mode and is being modified inplace" + \
    _NO_GRAD_TAIL
NO_GRAD_BASE_MODIFIED = ("A view was created in no_grad mode and its base or another view of "
                         "its base has been modified inplace" + _NO_GRAD_TAIL)


def multi_view_base_modified(what):
    return (f"{what} is a view and its base or another view of its base has been modified "
            "inplace. This view is the output of a function that returns multiple views. Such "
            "functions do not allow the output views to be modified inplace. You should "
            "replace the inplace operation by an out-of-place one.")


def watch(view, base, creation=None):
    """After making `view` of `base`, which requires grad: keep the view for
    regeneration where that matters, `creation` NO_GRAD_VIEW for one made in
    no_grad mode. A view of a leaf keeps its node: the leaf can only change
    without grad, and the gradient reaches it the same way either side of
    the change (PyTorch would name the view's node AsStridedBackward0). (Nor
    are the views of a tensor that does not require grad watched, at a cost
    for every view of every such tensor, for when it takes a value that does:
    PyTorch's views then follow it.)"""
    if creation is not None:
        view._view_creation = creation
    if base._grad_fn is None:
        return
    vc = view._vc
    if vc.__class__ is not list:
        return      # (an inference tensor's: never changed outside inference mode)
    if len(vc) == 1:
        vc += ([], 64)      # the views, and the length at which to drop the dead ones
    views = vc[1]
    views.append(weakref.ref(view))
    if len(views) >= vc[2]:
        views[:] = [r for r in views if r() is not None]
        vc[2] = max(64, 2 * len(views))


def regenerate(views):
    """After an in-place change of the storage that `views` (weak references)
    share."""
    alive = []
    for r in views:
        view = r()
        if view is not None:
            alive.append(r)
            _regenerate(view)
    views[:] = alive


def _regenerate(view):
    base = view._base
    if not base._requires_grad and view._grad_fn is None:
        return
    creation = view.__dict__.get("_view_creation")
    fn = view._grad_fn
    if creation == NO_GRAD_VIEW:
        view._grad_fn = RefusedView((), (), (NO_GRAD_BASE_MODIFIED,), None, view._data.shape,
                                    view._data.dtype)
    elif fn is not None and fn._multi_view:
        what = f"Output {view._output_nr} of {fn.name().rsplit('Backward', 1)[0]}"
        view._grad_fn = RefusedView((), (), (multi_view_base_modified(what),), None,
                                    view._data.shape, view._data.dtype)
    else:
        view._grad_fn = view_node(base, view)
        view._output_nr = 0
    view._requires_grad = True
    if "_retain_at" in view.__dict__:
        defer_retain(view)      # (its retain_grad moves when PyTorch would: autograd/_retain.py)


class RefusedView(Node):
    """The grad_fn of a view that may not take its base's new history: reading
    it (Tensor.grad_fn) or reaching it in backward raises PyTorch's error."""
    __slots__ = ()

    def apply(self, xp, grad, create_graph, needs):
        raise RuntimeError(self._ctx[0])


_tensor._RefusedView = RefusedView


# -- where a view's elements lie in its base ---------------------------------
class Placement:
    """The view's elements as an index into its base (into the base's
    (re, im) pairs when `parts` is (2,): a real view of a complex base),
    computed when a gradient first needs it."""
    __slots__ = ("_arrays", "_key", "parts", "base_shape")

    def __init__(self, base, view):
        b, v = base._data, view._data
        self.parts = ()
        if b.dtype.kind == "c" and v.dtype.kind != "c":
            self.parts = (2,)
            b = np.lib.stride_tricks.as_strided(b.real, b.shape + (2,),
                                                b.real.strides + (b.real.itemsize,))
        elif b.dtype != v.dtype:
            raise RuntimeError("ember: in-place on a complex view of a real tensor that requires "
                               "grad is not supported")
        self.base_shape = b.shape
        self._arrays, self._key = (b, v), None

    def key(self):
        if self._key is None:
            self._key = _positions(*self._arrays)
            self._arrays = None
        return self._key


def _byte_offsets(a, start):
    out = np.full(a.shape, a.__array_interface__["data"][0] - start, dtype=np.int64)
    for d, (n, s) in enumerate(zip(a.shape, a.strides)):
        shape = [1] * a.ndim
        shape[d] = n
        out = out + (np.arange(n, dtype=np.int64) * s).reshape(shape)
    return out


def _positions(b, v):
    """Each element of `v` (a view into `b`'s memory) as an index of `b`:
    matched by address, so any layout of the base will do."""
    start = b.__array_interface__["data"][0]
    where = _byte_offsets(b, start).ravel()
    order = np.argsort(where, kind="stable")
    found = np.searchsorted(where[order], _byte_offsets(v, start).ravel())
    flat = order[np.minimum(found, where.size - 1)].reshape(v.shape)
    return np.unravel_index(flat, b.shape)


# (PyTorch's node shows the view's geometry in its base's storage: `geometry`;
# an expanded view's elements share places, whose gradients add up)
_GEOMETRY = {"size": ("geometry", lambda g: g[0]), "storage_offset": ("geometry", lambda g: g[2]),
             "stride": ("geometry", lambda g: g[1])}
AsStridedBackward0 = grad_fn(
    "AsStridedBackward0", saved=_GEOMETRY,
    self=lambda xp, g, shape, placement: xp.index_backward(g, shape, placement.key(), True))
# (a real view of a complex base: the key is into the base's (re, im) pairs)
AsStridedRealBackward0 = grad_fn(
    "AsStridedBackward0", saved=_GEOMETRY, self=lambda xp, g, shape, placement:
    xp.view_as_complex(xp.index_backward(g, shape, placement.key(), True)))


def view_node(base, view, placement=None):
    """The node of a view of `base`'s current history, as PyTorch regenerates
    it (AsStridedBackward0)."""
    if placement is None:
        placement = Placement(base, view)
    v, b = view._data, base._data
    offset = (v.__array_interface__["data"][0] - b.__array_interface__["data"][0]) // v.itemsize
    geometry = (v.shape, tuple(st // v.itemsize for st in v.strides), offset)
    node = AsStridedRealBackward0 if placement.parts else AsStridedBackward0
    return node((edge(base),), (), (placement.base_shape, placement, geometry), None, v.shape,
                v.dtype)
