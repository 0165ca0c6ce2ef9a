"""What the globals in a PyTorch checkpoint mean in Ember.

`torch.save` pickles a tensor as a call of `torch._utils._rebuild_tensor_v2`
on a storage; this module holds Ember's versions of those rebuild functions,
the storage they rebuild from, and the table from PyTorch's global names to
Ember's objects that both unpicklers (the weights-only one and the full one)
read.
"""
import codecs
import warnings
from collections import Counter, OrderedDict

from ._backend import np

from . import _dtype as D
from ._creation import device
from ._tensor import Tensor, Size
from .nn.parameter import Parameter


class TypedStorage:
    """A storage read from a checkpoint: a flat NumPy array of one dtype.
    It is what a `map_location` callable receives."""

    def __init__(self, array, dtype):
        self._array = array
        self.dtype = dtype

    device = device("cpu")
    is_cuda = False

    def size(self):
        return self._array.size

    __len__ = size

    def nbytes(self):
        return self._array.nbytes

    def element_size(self):
        return self._array.itemsize

    def cpu(self):
        return self

    def cuda(self, *args, **kwargs):
        raise AssertionError("Torch not compiled with CUDA enabled")

    def to(self, *args, **kwargs):
        dev = kwargs.get("device", args[0] if args else "cpu")
        if str(dev) != "cpu":
            _restore_location(self, str(dev))
        return self

    def __repr__(self):
        return f"TypedStorage(dtype={self.dtype}, size={self.size()})"


class StorageType:
    """A storage class named in a checkpoint (torch.FloatStorage): its dtype."""

    def __init__(self, dtype):
        self.dtype = dtype

    def __repr__(self):
        return f"StorageType(dtype={self.dtype})"


_CUDA_MESSAGE = (
    "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is "
    "False. If you are running on a CPU-only machine, please use torch.load with "
    "map_location=torch.device('cpu') to map your storages to the CPU.")


def _restore_location(storage, location):
    """The storage at `location`; Ember has only the CPU."""
    if location == "cpu":
        return storage
    from ._package_registry import registered_restore
    restored = registered_restore(storage, location)
    if restored is not None:
        return restored
    if location == "cuda" or location.startswith("cuda:"):
        raise RuntimeError(_CUDA_MESSAGE)
    if location in ("mps", "meta") or location.split(":")[0] in ("mps", "xpu", "hpu", "mtia"):
        raise RuntimeError(f"torch.UntypedStorage(): Storage device not recognized: {location}"
                           " (Ember has only the CPU)")
    raise RuntimeError("don't know how to restore data location of "
                       f"torch.storage.UntypedStorage (tagged with {location})")


def location_restorer(map_location):
    """restore(storage, location) for torch.load's `map_location`."""
    if map_location is None:
        return _restore_location
    if isinstance(map_location, dict):
        return lambda s, loc: _restore_location(s, str(map_location.get(loc, loc)))
    if isinstance(map_location, (str, bytes, device)):
        where = (map_location.decode() if isinstance(map_location, bytes)
                 else str(map_location))
        return lambda s, loc: _restore_location(s, where)

    def restore(storage, location):
        result = map_location(storage, location)
        if result is None:
            return _restore_location(storage, location)
        if not isinstance(result, TypedStorage):
            raise TypeError(f"map_location must return a storage or None, "
                            f"got {type(result).__name__}")
        return result
    return restore


# -- rebuilding tensors (the functions PyTorch's pickles call) ----------------

def _rebuild_tensor(storage, storage_offset, size, stride):
    if not isinstance(storage, TypedStorage):
        raise RuntimeError(f"expected a storage to rebuild a tensor, got {type(storage).__name__}")
    size, stride = tuple(size), tuple(stride)
    if len(size) != len(stride):
        raise RuntimeError(f"unequal size length ({len(size)}) and stride length ({len(stride)})")
    if storage_offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {storage_offset}")
    if any(s < 0 for s in size) or any(s < 0 for s in stride):
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and "
                           f"strides={list(stride)}")
    flat = storage._array
    # A checkpoint names where its tensor lies in its storage: check that it
    # lies inside, or the tensor would read memory that is not the file's.
    needed = 0 if 0 in size else storage_offset + sum((n - 1) * s for n, s in zip(size, stride)) + 1
    if needed > flat.size or storage_offset > flat.size:
        item = flat.itemsize
        raise RuntimeError(
            f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
            f"{storage_offset}, and itemsize {item} requiring a storage size of "
            f"{needed * item} are out of bounds for storage of size {flat.nbytes}")
    # (a view whose base is the storage's array, not as_strided's stand-in:
    # tensors loaded from one storage then share it, storage_offset and all;
    # its bytes as the buffer, which NumPy exports for ml_dtypes' bfloat16 too)
    arr = np.ndarray(size, flat.dtype, buffer=flat.view(np.uint8), offset=storage_offset * flat.itemsize,
                     strides=tuple(s * flat.itemsize for s in stride))
    return Tensor._wrap(arr)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                       metadata=None):
    t = _rebuild_tensor(storage, storage_offset, size, stride)
    if metadata:
        raise RuntimeError(f"Ember cannot load a tensor with metadata {metadata!r} "
                           "(conjugate or negative bits)")
    _warn_hooks(backward_hooks)
    t.requires_grad = requires_grad
    return t


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                       dtype, metadata=None):
    if dtype is not storage.dtype:
        storage = TypedStorage(storage._array.view(np.uint8).view(dtype._np), dtype)
    return _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad,
                              backward_hooks, metadata)


def _warn_hooks(backward_hooks):
    if backward_hooks:
        warnings.warn("the checkpoint holds backward hooks of a tensor; they are not restored "
                      "(PyTorch does not save hooks either since 1.0)", stacklevel=3)


def _set_state(obj, state):
    """Restore attributes a user set on a tensor. Ember keeps a tensor's own
    state in attributes that start with '_'; a file may not set those."""
    for k, v in state.items():
        if type(k) is not str or k.startswith("_"):
            raise RuntimeError(f"a checkpoint may not set the attribute {k!r} of a tensor")
        setattr(obj, k, v)
    return obj


def _rebuild_parameter(data, requires_grad, backward_hooks):
    _warn_hooks(backward_hooks)
    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    return _set_state(_rebuild_parameter(data, requires_grad, backward_hooks), state)


def _rebuild_from_type_v2(func, new_type, args, state):
    ret = func(*args)
    if new_type is Parameter and not isinstance(ret, Parameter):
        ret = Parameter(ret, ret.requires_grad)
    elif new_type not in (Tensor, Parameter):
        # (a Tensor subclass of the program's: weights_only refused its name
        # before this; the rest is PyTorch's as_subclass, then its state)
        if not (isinstance(new_type, type) and issubclass(new_type, Tensor)):
            raise RuntimeError(f"Ember cannot rebuild a tensor of type {new_type!r}")
        ret = ret.as_subclass(new_type)
        if state and state.get("_is_param") is True:   # (a Parameter of that class)
            state = {k: v for k, v in state.items() if k != "_is_param"}
            ret._is_param = True
    return _set_state(ret, state) if state else ret


def _rebuild_device_tensor_from_cpu_tensor(data, dtype, device, requires_grad):
    _restore_location(None, str(device))
    return data.to(dtype)._requiring_grad(requires_grad)


def _unsupported(what):
    def refuse(*args, **kwargs):
        raise RuntimeError(f"Ember cannot load {what} from a PyTorch checkpoint")
    refuse.__name__ = "refuse_" + what.replace(" ", "_")
    return refuse


def _get_layout(name):
    if name != "torch.strided":
        raise RuntimeError(f"Ember has only the strided layout, not {name}")
    return "strided"


# -- PyTorch's global names -------------------------------------------------

def _torch_globals():
    """PyTorch's weights-only allow-list, each name with what it means in Ember."""
    g = {
        "collections.OrderedDict": OrderedDict,
        "collections.Counter": Counter,
        "torch.nn.parameter.Parameter": Parameter,
        "torch.serialization._get_layout": _get_layout,
        "torch.Size": Size,
        "torch.Tensor": Tensor,
        "torch.device": device,
        "_codecs.encode": codecs.encode,
        "builtins.bytearray": bytearray,
        "builtins.set": set,
        "builtins.complex": complex,
        "torch._utils._rebuild_tensor": _rebuild_tensor,
        "torch._utils._rebuild_tensor_v2": _rebuild_tensor_v2,
        "torch._utils._rebuild_tensor_v3": _rebuild_tensor_v3,
        "torch._utils._rebuild_parameter": _rebuild_parameter,
        "torch._utils._rebuild_parameter_with_state": _rebuild_parameter_with_state,
        "torch._tensor._rebuild_from_type_v2": _rebuild_from_type_v2,
        "torch._utils._rebuild_device_tensor_from_cpu_tensor":
            _rebuild_device_tensor_from_cpu_tensor,
        "torch.storage.UntypedStorage": StorageType(D.uint8),
    }
    for what, fn in [("quantized tensors", "_rebuild_qtensor"),
                     ("sparse tensors", "_rebuild_sparse_tensor"),
                     ("meta tensors", "_rebuild_meta_tensor_no_storage"),
                     ("nested tensors", "_rebuild_nested_tensor"),
                     ("tensor subclasses", "_rebuild_wrapper_subclass"),
                     ("tensors saved from NumPy", "_rebuild_device_tensor_from_numpy")]:
        g["torch._utils." + fn] = _unsupported(what)
    for d in D.UINTS:       # (their tensors are saved with untyped storages)
        g["torch." + d.name] = d
    for d in D._HELD:       # (bfloat16 too, where ml_dtypes gives NumPy one)
        g["torch." + d.name] = d
        storage = StorageType(d)
        g[f"torch.{D.SCALAR_NAMES[d]}Storage"] = storage
        g[f"torch.cuda.{D.SCALAR_NAMES[d]}Storage"] = storage
    return g


TORCH_GLOBALS = _torch_globals()

# Names on PyTorch's allow-list that stand for what Ember does not have yet.
_MISSING = (
    [f"torch.{n}" for n in ("bfloat16", "complex32", "qint8", "quint8", "qint32", "quint4x2",
                            "quint2x4", "bits1x8", "bits2x4", "bits4x2", "bits8", "bits16",
                            "float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2",
                            "float8_e5m2fnuz", "float8_e8m0fnu", "float4_e2m1fn_x2",
                            "per_tensor_affine", "per_tensor_symmetric", "per_channel_affine",
                            "per_channel_symmetric", "per_channel_affine_float_qparams")]
    + [f"torch.int{i}" for i in range(1, 8)] + [f"torch.uint{i}" for i in range(1, 8)]
    + [f"torch{dev}.{n}Storage" for dev in ("", ".cuda")
       for n in ("BFloat16",)]
    + [f"torch.{n}Storage" for n in ("QInt8", "QUInt8", "QInt32", "QUInt4x2", "QUInt2x4")]
    + ["torch.storage.TypedStorage"]
    + [f"torch{kind}.{n}Tensor" for kind in ("", ".cuda", ".sparse", ".cuda.sparse")
       for n in ("BFloat16", "Bool", "Byte", "Char", "Double", "Float", "Half", "Int", "Long",
                 "Short")]
)
MISSING_GLOBALS = frozenset(_MISSING)


def missing(full_name):
    """The error for a name PyTorch allows but Ember cannot build."""
    absent = "complex32" if D.bfloat16 in D._HELD else "bfloat16 (no ml_dtypes), complex32"
    return RuntimeError(f"this checkpoint uses {full_name}, which Ember does not have "
                        f"(Ember has no {absent}, quantized or legacy tensor types yet)")
