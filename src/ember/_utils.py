"""What a pickled tensor calls to come back (PyTorch's torch._utils names):
Tensor.__reduce_ex__ writes the tensor as its storage, storage offset,
size and stride, so it reads back as the same view of the same memory
(a step slice keeps its strides; tensors pickled together that share
memory share it again), with a subclass's type and a user's attributes."""
from collections import OrderedDict

from ._backend import np

from ._resize import _view
from ._storage import _ptr, _root
from ._tensor import Tensor, _rebuild
from ._typed_storage import _typed_storage


def reduce_ex(t, proto):
    """Tensor.__reduce_ex__, as PyTorch's: a plain tensor without attributes
    of its user's is _rebuild_tensor_v2's call; any other goes through
    _rebuild_from_type_v2 with its type and attributes."""
    # (the attributes a user set: Ember's own start with '_')
    state = {k: v for k, v in t.__dict__.items() if not k.startswith("_")}
    reduced = _reduce_ex_internal(t)
    if type(t) is Tensor and not state:
        return reduced
    return (_rebuild_from_type_v2, (reduced[0], type(t), reduced[1], state))


def _reduce_ex_internal(t):
    from .utils.hooks import warn_if_has_hooks
    warn_if_has_hooks(t)
    data = t._data
    if t.is_meta or t.__dict__.get("_is_conj") or not _in_storage(data):
        # (memory that is no one storage's, such as NumPy's negative strides: its values)
        return (_rebuild, (np.ascontiguousarray(data), t._requires_grad))
    return (_rebuild_tensor_v2, (_typed_storage(t), t.storage_offset(), tuple(t.shape),
                                 t.stride(), t._requires_grad, OrderedDict()))


def _in_storage(data):
    """Whether `data` is a view, in whole elements, of the flat memory at
    the root of its base chain (what a storage, offset and strides name)."""
    root, item = _root(data), data.itemsize
    return ((root.flags.c_contiguous or root.flags.f_contiguous)
            and not (_ptr(data) - _ptr(root)) % item and not root.nbytes % item
            and all(s >= 0 and not s % item for s in data.strides))


def _rebuild_tensor(storage, storage_offset, size, stride):
    return Tensor._wrap(_view(storage._untyped_storage._array, storage.dtype._np,
                              storage_offset, tuple(size), tuple(stride)))


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                       metadata=None):
    t = _rebuild_tensor(storage, storage_offset, size, stride)
    t.requires_grad = requires_grad
    return t


def _rebuild_from_type_v2(func, new_type, args, state):
    t = func(*args)
    if type(t) is not new_type:
        t = t.as_subclass(new_type)
    setstate = getattr(type(t), "__setstate__", None)
    if setstate is not None:        # (a subclass's own)
        setstate(t, state)
    else:
        t.__dict__.update(state)
    return t
