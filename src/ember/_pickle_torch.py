"""Pickling Ember objects the way `torch.save` pickles PyTorch's.

A tensor pickles as PyTorch's does: `torch._utils._rebuild_tensor_v2(storage,
offset, size, stride, requires_grad, OrderedDict())`, where `storage` is a
persistent id `('storage', torch.FloatStorage, key, 'cpu', numel)` naming a
record written beside the pickle. Dtypes, `Size` and `device` pickle under
PyTorch's names too, so real `torch.load` (weights-only) reads the file.

Storages are NumPy's buffers: tensors that view one buffer (a tensor and its
slices, a weight and its transpose) share one storage in the file and share
memory again once loaded, as in PyTorch.

The pure-Python pickler is used because it lets a stand-in object be written
as any GLOBAL `module name` without importing that module (torch is not
imported, nor needed).
"""
import io
import pickle
import types
from collections import OrderedDict

from ._backend import np

from . import _dtype as D
from ._creation import device
from ._tensor import Tensor, Size


class TorchName:
    """A global of PyTorch's, written into the pickle by name only."""
    __slots__ = ("module", "name")

    def __init__(self, module, name):
        self.module, self.name = module, name

    def __repr__(self):
        return f"{self.module}.{self.name}"

    def __call__(self, *args):      # pickle's save_reduce insists on a callable
        raise TypeError(f"{self!r} is a name written into a pickle, not a function")


REBUILD_TENSOR = TorchName("torch._utils", "_rebuild_tensor_v2")
REBUILD_PARAMETER = TorchName("torch._utils", "_rebuild_parameter")
REBUILD_PARAMETER_WITH_STATE = TorchName("torch._utils", "_rebuild_parameter_with_state")
REBUILD_FROM_TYPE = TorchName("torch._tensor", "_rebuild_from_type_v2")
TORCH_TENSOR = TorchName("torch", "Tensor")
TORCH_SIZE = TorchName("torch", "Size")
TORCH_DEVICE = TorchName("torch", "device")
STORAGE_TYPES = {d: TorchName("torch", D.SCALAR_NAMES[d] + "Storage")
                 for d in D._HELD}
DTYPES = {d: TorchName("torch", d.name) for d in D._HELD + D.UINTS}
# uint16/32/64 have no typed storage class: PyTorch saves their bytes as an
# UntypedStorage (its numel in bytes) and names the dtype in _rebuild_tensor_v3.
REBUILD_TENSOR_V3 = TorchName("torch._utils", "_rebuild_tensor_v3")
STORAGE_TYPES.update(dict.fromkeys(D.UINTS, TorchName("torch.storage", "UntypedStorage")))


def _user_state(t):
    """Attributes a user set on a tensor (Ember's own start with '_')."""
    return {k: v for k, v in t.__dict__.items() if not k.startswith("_")}


def _buffer_of(arr):
    """(owner, its bytes as a flat uint8 array, element offset, element
    strides) of the memory `arr` views, or None where that memory is not one
    storage of arr's dtype (negative strides, an odd owner)."""
    item = arr.itemsize
    if arr.size == 0 or any(s < 0 or s % item for s in arr.strides):
        return None
    owner = arr
    while isinstance(owner.base, np.ndarray):
        owner = owner.base
    if not (owner.flags.c_contiguous or owner.flags.f_contiguous):
        return None
    raw = owner.ravel(order="K").view(np.uint8)
    start = arr.__array_interface__["data"][0] - raw.__array_interface__["data"][0]
    if start < 0 or start % item or raw.nbytes % item:
        return None
    return owner, raw, start // item, tuple(s // item for s in arr.strides)


class Storages:
    """The storages one save writes, keyed "0", "1", ... in order of first use."""

    def __init__(self, legacy=False):
        self.records = []           # (key, uint8 array, numel), in key order
        self._by_owner = {}         # id(owner) -> (owner, dtype, pid)
        self._legacy = legacy

    def place(self, arr):
        """The persistent id of arr's storage, arr's offset and strides in it."""
        arr = np.asarray(arr)       # Ember may hold a 0-d result as a NumPy scalar
        dtype = D._BY_NP[arr.dtype]
        found = _buffer_of(arr)
        if found is None:       # a storage of its own, as PyTorch's .contiguous() would have
            owner = np.ascontiguousarray(arr)
            found = (owner, owner.reshape(-1).view(np.uint8), 0,
                     tuple(s // arr.itemsize for s in owner.strides))
        owner, raw, offset, strides = found
        entry = self._by_owner.get(id(owner))
        if entry is None:
            key = str(len(self.records))
            numel = raw.nbytes // (1 if dtype in D.UINTS else arr.itemsize)
            pid = ("storage", STORAGE_TYPES[dtype], key, "cpu", numel)
            if self._legacy:
                pid += (None,)
            self.records.append((key, raw, numel))
            # the owner is kept so that its id cannot be reused by another array
            entry = self._by_owner[id(owner)] = (owner, dtype, pid)
        elif entry[1] is not dtype:
            raise RuntimeError("Cannot save multiple tensors or storages that view the same "
                               "data as different types")
        return entry[2], offset, strides


class _StorageRef:
    """Stands in a reduce tuple for the persistent id of a storage."""
    __slots__ = ("pid",)

    def __init__(self, pid):
        self.pid = pid


def _tensor_reduce(t, storages):
    arr = t._data
    pid, offset, strides = storages.place(arr)
    args = (_StorageRef(pid), offset, tuple(arr.shape), strides, t._requires_grad,
            OrderedDict())
    state = _user_state(t)
    cls = type(t)
    if arr.dtype.kind == "u" and arr.dtype.itemsize > 1 and cls is Tensor and not state:
        return REBUILD_TENSOR_V3, args + (D._BY_NP[arr.dtype],)
    if cls is not Tensor:
        # A subclass of the program's pickles as its class (a global that
        # weights-only loading refuses, as PyTorch's); one made a Parameter
        # keeps that mark.
        if t.__dict__.get("_is_param"):
            state["_is_param"] = True
        return REBUILD_FROM_TYPE, (REBUILD_TENSOR, cls, args, state)
    if state:
        return REBUILD_FROM_TYPE, (REBUILD_TENSOR, TORCH_TENSOR, args, state)
    return REBUILD_TENSOR, args


def _parameter_reduce(p):
    data = Tensor._wrap(p._data)
    state = _user_state(p)
    if state:
        return REBUILD_PARAMETER_WITH_STATE, (data, p._requires_grad, OrderedDict(), state)
    return REBUILD_PARAMETER, (data, p._requires_grad, OrderedDict())


def pickler_class(pickle_module):
    """A Pickler of `pickle_module` that writes Ember objects under PyTorch's
    names. It must be pure Python (pickle's own, or dill's): the C pickler
    cannot write a GLOBAL for a module that is not importable."""
    base = pickle._Pickler if pickle_module is pickle else pickle_module.Pickler
    if not (isinstance(base, type) and issubclass(base, pickle._Pickler)):
        raise TypeError(
            f"ember.save: pickle_module {getattr(pickle_module, '__name__', pickle_module)!r} "
            "has a Pickler that is not built on Python's pure-Python pickler "
            "(pickle._Pickler); Ember needs one to write PyTorch's file format")

    class TorchPickler(base):
        dispatch = base.dispatch.copy()

        def __init__(self, file, protocol, storages):
            super().__init__(file, protocol)
            self.storages = storages

        def persistent_id(self, obj):
            return obj.pid if type(obj) is _StorageRef else None

        def reducer_override(self, obj):
            if isinstance(obj, Tensor):
                if getattr(type(obj), "cls_to_become", None) is not None:
                    # An uninitialised (lazy) tensor has no data: it pickles
                    # as its class and requires_grad, as in PyTorch.
                    return NotImplemented
                if type(obj)._is_param:     # (Parameter's class, not a marked subclass)
                    return _parameter_reduce(obj)
                from .utils.hooks import warn_if_has_hooks
                warn_if_has_hooks(obj)
                return _tensor_reduce(obj, self.storages)
            if isinstance(obj, Size):
                return TORCH_SIZE, (tuple(obj),)
            if isinstance(obj, device):
                return TORCH_DEVICE, ((obj.type,) if obj.index is None else (obj.type, obj.index))
            return NotImplemented

        def save_torch_name(self, obj):
            if self.proto >= 4:
                self.save(obj.module)
                self.save(obj.name)
                self.write(pickle.STACK_GLOBAL)
            else:
                self.write(pickle.GLOBAL + obj.module.encode() + b"\n" + obj.name.encode() + b"\n")
            self.memoize(obj)

        def save_dtype(self, obj):
            self.save(DTYPES[obj])

        def save_global(self, obj, name=None):
            try:
                super().save_global(obj, name)
            except pickle.PicklingError:
                # PyTorch saves through the C pickler, whose refusal of a
                # lambda or local function differs (an AttributeError for a
                # local object): ask it for its own error.
                if pickle_module is pickle:
                    try:
                        pickle.Pickler(io.BytesIO(), self.proto).dump(obj)
                    except Exception as native:
                        raise native from None
                raise

        dispatch[TorchName] = save_torch_name
        dispatch[D.dtype] = dispatch[D._UIntDtype] = save_dtype
        dispatch[types.FunctionType] = save_global

    return TorchPickler
