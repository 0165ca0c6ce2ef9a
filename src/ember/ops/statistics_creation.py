"""Creation functions: range (deprecated), empty_strided, asarray, frombuffer,
from_file."""
import math
import warnings

from .. import _public_name
from .._layout import factory
from .. import _creation as C
from .._device import _target_device
from .._python_data import warn_if_read_only
from .._ranges import _number
from ._common import D, Tensor, np
from ._registry import register

__all__ = ["range", "empty_strided", "asarray", "frombuffer", "from_file"]


@factory
def range(start=None, end=None, step=1, *, dtype=None, layout=None, device=None,
          requires_grad=False):
    warnings.warn(f"{_public_name.name}.range is deprecated and will be removed in a future "
                  "release because "
                  "its behavior is inconsistent with Python's range builtin. Instead, use "
                  f"{_public_name.name}.arange, which produces values in [start, end).",
                  UserWarning, stacklevel=4)
    dt = C._check_dtype(dtype, "range") or D._default[0]
    dev = _target_device(device)
    if start is None:
        raise TypeError('range() missing 2 required positional argument: "start", "end"')
    if end is None:
        raise TypeError('range() missing 1 required positional arguments: "end"')
    start, end, step = (_number(v) for v in (start, end, step))
    fs, fe, fst = float(start), float(end), float(step)
    if not (fst > 0 or fst < 0):
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(fs) and math.isfinite(fe)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if not ((fst > 0 and fe >= fs) or (fst < 0 and fe <= fs)):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    n = int(math.floor((fe - fs) / fst)) + 1
    if dt.is_floating_point:
        acc = np.float32 if dt is D.float16 else np.float64
        data = acc(fs) + np.arange(n, dtype=acc) * acc(fst)
    else:
        data = np.int64(start) + np.arange(n, dtype=np.int64) * np.int64(step)
    return C._finish(data.astype(dt._np), requires_grad, dev)


@factory
def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False,
                  pin_memory=False):
    dt = C._check_dtype(dtype, "empty_strided") or D._default[0]
    dev = _target_device(device)
    size = C._size_args((size,), "empty_strided", varargs=False)
    stride = tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError(f"dimensionality of sizes ({len(size)}) must match dimensionality of "
                           f"strides ({len(stride)})")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and "
                           f"strides={list(stride)}")
    if dev == "meta" and stride != C.empty(*size, device="meta").stride():
        raise NotImplementedError("empty_strided: meta tensors in Ember are contiguous; "
                                  f"strides {list(stride)} are not supported there")
    # (zero-filled storage: uninitialised memory would make runs unrepeatable)
    n = 0 if 0 in size else 1 + sum((s - 1) * st for s, st in zip(size, stride))
    item = np.dtype(dt._np).itemsize
    storage = np.zeros(n, dt._np)
    data = np.lib.stride_tricks.as_strided(storage, size, tuple(st * item for st in stride))
    return C._finish(data, requires_grad, dev)


_REQUIRES_GRAD_UNSET = object()


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=_REQUIRES_GRAD_UNSET):
    dtype = C._check_dtype(dtype, "asarray")
    dev = _target_device(device)
    if isinstance(obj, Tensor):
        t = _asarray_tensor(obj, dtype, copy, requires_grad)
        return t if device is None else t.to(device)
    t = _asarray_other(obj, dtype, copy, requires_grad)
    return t if dev != "meta" else C._finish(t._data, t.requires_grad, dev)


def _asarray_other(obj, dtype, copy, requires_grad):
    rg = False if requires_grad is _REQUIRES_GRAD_UNSET else bool(requires_grad)
    if isinstance(obj, np.generic):         # a NumPy scalar: a 0-d array, not a buffer
        obj = np.asanyarray(obj)
    if isinstance(obj, np.ndarray) or _is_buffer(obj):
        arr = obj if isinstance(obj, np.ndarray) else np.frombuffer(
            obj, (dtype or D._default[0])._np)
        if isinstance(obj, np.ndarray):
            D.from_numpy_dtype(arr.dtype)
            warn_if_read_only(arr)
            if any(st < 0 for st in arr.strides):
                raise ValueError(
                    "At least one stride in the given numpy array is negative, and tensors with "
                    "negative strides are not currently supported. (You can probably work "
                    "around this by making a copy of your array  with array.copy().) ")
        if dtype is not None and dtype._np != arr.dtype:
            if copy is False:
                raise ValueError(f"can't alias tensor with dtype '{_ATEN[arr.dtype]}' into "
                                 f"dtype '{_ATEN[np.dtype(dtype._np)]}'.")
            arr = arr.astype(dtype._np)
        elif copy:
            arr = arr.copy()
        return C._finish(arr, rg)
    if copy is False:
        raise ValueError("can't alias arbitrary sequence into a tensor.")
    return C._finish(np.array(C._to_array(obj, dtype), copy=True), rg)


def _is_buffer(obj):
    try:
        memoryview(obj)
    except TypeError:
        return False
    return not isinstance(obj, (str, int, float, bool))


def _asarray_tensor(t, dtype, copy, requires_grad):
    if requires_grad is _REQUIRES_GRAD_UNSET:
        if t.requires_grad:
            warnings.warn(f"{_public_name.name}.asarray: unspecified requires_grad now defaults to "
                          "obj.requires_grad instead of False. Pass requires_grad=False "
                          "explicitly to get the old behavior and silence this warning.",
                          UserWarning, stacklevel=4)
        requires_grad = t.requires_grad
    if dtype is not None and dtype is not t.dtype:
        if copy is False:
            raise ValueError(f"can't alias tensor with dtype '{_ATEN[t._data.dtype]}' into "
                             f"dtype '{_ATEN[np.dtype(dtype._np)]}'.")
        t = t.to(dtype)
    elif copy:
        t = t.clone()
    if not requires_grad:
        return t.detach() if t.requires_grad else t
    if t.requires_grad:
        return t
    return t._requiring_grad(True)


# ATen's scalar type names, which asarray's messages print
_ATEN = {np.dtype(k): v for k, v in {
    "float16": "Half", "float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int",
    "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}.items()}


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    dt = C._check_dtype(dtype, "frombuffer")
    try:
        view = memoryview(buffer)
    except TypeError:
        raise ValueError("object does not implement Python buffer protocol.") from None
    length = view.nbytes
    item = np.dtype(dt._np).itemsize
    count, offset = int(count), int(offset)
    if length == 0 or count == 0:
        raise ValueError(f"both buffer length ({length}) and count ({count}) must not be 0")
    if not 0 <= offset < length:
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than "
                         f"buffer length ({length} bytes) minus 1")
    if count < 0:
        if (length - offset) % item:
            raise ValueError(f"buffer length ({length - offset} bytes) after offset ({offset} "
                             f"bytes) must be a multiple of element size ({item})")
        count = (length - offset) // item
    elif offset + count * item > length:
        raise ValueError(f"requested buffer length ({count} * {item} bytes) after offset "
                         f"({offset} bytes) must not be greater than actual buffer length "
                         f"({length} bytes)")
    data = np.frombuffer(buffer, dt._np, count, offset)
    if not data.flags.writeable:
        # (PyTorch warns and shares the memory anyway; NumPy refuses writes
        # to read-only memory, so the tensor holds a copy)
        data = data.copy()
    return C._finish(data, requires_grad)


def from_file(filename, shared=None, size=0, *, dtype=None, layout=None, device=None,
              pin_memory=False, requires_grad=False):
    """A tensor of `size` elements memory-mapped from the file, as PyTorch's
    mmap: shared=True maps it MAP_SHARED (writes reach the file, which is
    made or grown to fit), otherwise MAP_PRIVATE (copy on write; the file
    must hold the elements)."""
    import os
    dt = C._check_dtype(dtype, "from_file") or D._default[0]
    _target_device(device)
    item = np.dtype(dt._np).itemsize
    size, need = int(size), int(size) * item
    filename = os.fspath(filename)
    if shared:
        with open(filename, "ab") as f:     # (made if needed, grown to fit)
            if f.seek(0, os.SEEK_END) < need:
                f.truncate(need)
    else:
        try:
            have = os.path.getsize(filename)
        except OSError as e:
            raise RuntimeError(f"unable to open file <{filename}> in read-only mode: "
                               f"{e.strerror} ({e.errno})") from None
        if have < need:
            raise RuntimeError(f"file <{filename}> size <{have}> is smaller than the required "
                               f"mapping size <{need}>")
    if size == 0:
        data = np.empty(0, dt._np)
    else:
        # (a plain ndarray over the mapping: writes go to it, as the tensor's)
        data = np.memmap(filename, dt._np, "r+" if shared else "c", shape=(size,)).view(
            np.ndarray)
    return C._finish(data, requires_grad)


register(range, method=False)
register(empty_strided, method=False, out=False)
register(asarray, method=False, out=False)
register(frombuffer, method=False, out=False)
register(from_file, method=False, out=False)
