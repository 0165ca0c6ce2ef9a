"""Tensor.untyped_storage() and storage_offset(): the bytes a tensor views.

A tensor's storage is the NumPy buffer at the root of its array's `base`
chain; views share it, so `a.untyped_storage().data_ptr()` tells whether two
tensors share memory, as in PyTorch."""
from ._backend import np

from . import _public_name
from ._meta import is_meta
from ._tensor import Tensor

__all__ = ["UntypedStorage"]


def _root(arr):
    """The array that owns arr's memory. (NumPy's as_strided hangs its view
    on a DummyArray holding the array it was taken from: looked through.)"""
    while True:
        base = arr.base
        if not isinstance(base, np.ndarray):
            base = getattr(base, "base", None)
            if not isinstance(base, np.ndarray):
                return arr
        arr = base


def _ptr(arr):
    return arr.__array_interface__["data"][0]


def _from_sequence(seq):
    if not isinstance(seq, (list, tuple, range, str)):
        raise RuntimeError(f"{_public_name.name}.UntypedStorage(): Expected a sequence type, "
                           f"but got {type(seq).__name__}")
    for v in seq:
        if not isinstance(v, int) or isinstance(v, bool):
            raise RuntimeError(
                "ember.UntypedStorage(): tried to construct a storage from a sequence "
                f"({type(seq).__name__}), but one of the items was of type "
                f"{type(v).__name__} instead of int")
    # (each value's low byte, as PyTorch's conversion to uint8 keeps)
    return (np.array(list(seq), np.int64) % 256).astype(np.uint8)


class UntypedStorage:
    """The bytes of a tensor's memory (read-only here). UntypedStorage(),
    (n) and (sequence of ints) make new bytes, as in PyTorch."""

    def __init__(self, *args, device=None):
        from ._device import device as _device
        if device is not None and _device(device).type != "cpu":
            raise RuntimeError(f"ember: an UntypedStorage lives on the CPU, not {device}")
        if len(args) > 1:
            raise TypeError(
                "ember.UntypedStorage() received an invalid combination of arguments - got ("
                + ", ".join(type(a).__name__ for a in args) + "), but expected one of:\n"
                " * (*, int allocator = None, ember.device device = None)\n"
                " * (int size, *, int allocator = None, ember.device device = None)\n"
                " * (object sequence, *, int allocator = None, ember.device device = None)\n")
        arg = args[0] if args else 0
        if isinstance(arg, int) and not isinstance(arg, bool):
            if arg < 0:
                raise RuntimeError(f"ember: a storage cannot have {arg} bytes")
            data = np.zeros(arg, np.uint8)
        else:
            data = _from_sequence(arg)
        self._array, self._meta = data, False

    @classmethod
    def _of(cls, array, meta=False):
        """The storage whose memory is `array` (the root of a tensor's base chain)."""
        s = object.__new__(cls)
        s._array, s._meta = array, meta
        return s

    def __reduce__(self):
        # A storage pickles its own copy of the bytes, as PyTorch's: tensors
        # pickled together do not share memory once read back (copy.copy's,
        # which do not pickle, still do).
        if self._meta:
            return (_MetaStorage, (self._nbytes,))
        return (_storage_of, (self._array.copy(order="K"),))

    def nbytes(self):
        return self._array.nbytes

    size = nbytes

    def __len__(self):
        return self._array.nbytes

    def element_size(self):
        return 1

    @property
    def device(self):
        from ._device import device
        return device("meta" if self._meta else "cpu")

    def is_shared(self):
        return False

    def share_memory_(self):
        return self     # (ordinary NumPy memory: see Tensor.share_memory_)

    def data_ptr(self):
        # (PyTorch's storage of no bytes has no memory: a null pointer)
        return 0 if self._meta or not self._array.nbytes else _ptr(self._array)

    def _bytes(self):
        if self._meta:
            raise NotImplementedError("Cannot copy out of meta tensor; no data!")
        return np.ascontiguousarray(self._array).view(np.uint8).reshape(-1)

    def tolist(self):
        return self._bytes().tolist()

    def __getitem__(self, i):
        return int(self._bytes()[i])

    def __repr__(self):
        body = "\n".join(f" {b}" for b in self.tolist()) if not self._meta else " ..."
        return (f"{body or ' '}\n[ember.storage.UntypedStorage(device={self.device}) of size "
                f"{self.nbytes()}]")

    __str__ = __repr__


def untyped_storage(self):
    data = self._data
    if is_meta(data):
        return _MetaStorage(data.size * data.itemsize)
    return UntypedStorage._of(_root(data))


class _MetaStorage(UntypedStorage):
    def __init__(self, nbytes):
        self._array, self._meta, self._nbytes = None, True, nbytes

    def nbytes(self):
        return self._nbytes

    size = __len__ = nbytes


def _storage_of(array):
    return UntypedStorage._of(array)


def storage_offset(self):
    if is_meta(self._data):
        return 0
    return (_ptr(self._data) - _ptr(_root(self._data))) // self._data.itemsize


Tensor.untyped_storage = untyped_storage
Tensor.storage_offset = storage_offset
