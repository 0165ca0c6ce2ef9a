"""Copying and pickling a tensor, as PyTorch's Tensor.__deepcopy__ and
__reduce_ex__ do. A pickled tensor calls what PyTorch's torch._utils names
to come back: its storage, storage offset, size and stride, so it reads back
as the same view (a step slice keeps its strides), with a subclass's type and
its user's attributes. A deep copy copies the storage once per deepcopy
call, so views copied together view one copy."""
import copy
from collections import OrderedDict

from ._backend import np

from ._inference import INFERENCE_VC
from ._resize import _view
from ._storage import _ptr, _root
from ._tensor import Tensor, _rebuild
from ._typed_storage import _typed_storage


def reduce_ex(t, proto):
    """Tensor.__reduce_ex__, as PyTorch's: a plain tensor without attributes
    of its user's is _rebuild_tensor_v2's call; any other goes through
    _rebuild_from_type_v2 with its type and attributes."""
    state = _user_state(t)
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


def _user_state(t):
    # (the attributes a user set: Ember's own start with '_')
    return {k: v for k, v in t.__dict__.items() if not k.startswith("_")}


def deepcopy(t, memo):
    if t._grad_fn is not None:
        raise RuntimeError(
            "Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
            "protocol at the moment.  If you were attempting to deepcopy a module, this may be "
            "because of a torch.nn.utils.weight_norm usage, see "
            "https://github.com/pytorch/pytorch/pull/103001")
    if id(t) in memo:
        return memo[id(t)]
    cls = type(t)
    if cls is not Tensor and type(t.new_empty([])) is not cls:
        raise RuntimeError(
            "The default implementation of __deepcopy__() for non-wrapper subclasses only works "
            "for subclass types that implement new_empty() and for which that function returns "
            "another instance of the same subclass. You should either properly implement "
            "new_empty() for your subclass or override __deepcopy__() if it is intended "
            "behavior for new_empty() to return an instance of a different type.")
    data = t._data
    root = _root(data)
    if t.is_meta or not _in_storage(data):
        array = data.copy()
    else:
        # (the storage's copy, made once per deepcopy call: views copied together share it)
        copied = memo.get(id(root))
        if copied is None:
            copied = memo[id(root)] = root.copy(order="K")
            memo.setdefault(id(memo), []).append(root)     # (copy.deepcopy's keep-alive list)
        array = _view(copied, data.dtype, t.storage_offset(), data.shape, t.stride())
    new = Tensor._wrap(array)
    if cls is not Tensor:
        new = new.as_subclass(cls)
    new._requires_grad = t._requires_grad
    if new._vc is not INFERENCE_VC:
        new._vc = [1]   # (PyTorch's copy is set_ onto the new storage: version 1)
    if t._grad is not None:
        new._grad = t._grad.__deepcopy__(memo)
    new.__dict__.update(copy.deepcopy(_user_state(t), memo))
    memo[id(t)] = new
    return new
