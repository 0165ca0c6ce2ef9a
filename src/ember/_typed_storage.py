"""The legacy typed storages: Tensor.storage(), storage_type(),
ember.TypedStorage and FloatStorage & co.

A TypedStorage is an UntypedStorage (the bytes at the root of a tensor's
base chain, see _storage.py) read as one dtype; its elements are the
memory itself, so writing one changes every tensor viewing it."""
import warnings

from ._backend import np

from . import _dtype as D, _public_name
from ._storage import UntypedStorage
from ._tensor import Tensor

__all__ = ["TypedStorage", "UntypedStorage", "Storage", "FloatStorage", "DoubleStorage",
           "HalfStorage", "BFloat16Storage", "LongStorage", "IntStorage", "ShortStorage",
           "CharStorage", "ByteStorage", "BoolStorage", "ComplexFloatStorage",
           "ComplexDoubleStorage"]

_warned = [False]


def _warn_typed_storage_removal(stacklevel=2):
    # once per process, as PyTorch's
    if not _warned[0]:
        warnings.warn(
            "TypedStorage is deprecated. It will be removed in the future and UntypedStorage "
            "will be the only storage class. This should only matter to you if you are using "
            "storages directly.  To access UntypedStorage directly, use "
            "tensor.untyped_storage() instead of tensor.storage()",
            UserWarning, stacklevel=stacklevel + 1)
        _warned[0] = True


def _reset_warn_typed_storage_removal():
    _warned[0] = False


_ARGS = ("TypedStorage.__init__ received an invalid combination of arguments. Expected one "
         "of:\n * (*, ember.device device, ember.dtype dtype)\n * (int size, *, ember.device "
         "device, ember.dtype dtype)\n * (Sequence data, *, ember.device device, ember.dtype "
         "dtype)\n * (*, UntypedStorage wrap_storage, ember.dtype dtype)")


def _is_int(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


class TypedStorage:
    is_sparse = False
    _ember_storage = True

    def __init__(self, *args, device=None, dtype=None, wrap_storage=None, _internal=False):
        if not _internal:
            _warn_typed_storage_removal()
        if wrap_storage is not None:
            if args:
                raise RuntimeError(_ARGS + "\nNo positional arguments should be given when "
                                   "using 'wrap_storage'")
            if dtype is None:
                raise RuntimeError(_ARGS + "\nArgument 'dtype' must be specified")
            if not isinstance(dtype, D.dtype):
                raise TypeError(_ARGS + "\nArgument 'dtype' must be "
                                f"{_public_name.name}.dtype, not {type(dtype)}")
            if not isinstance(wrap_storage, UntypedStorage):
                raise TypeError(_ARGS + "\nArgument 'wrap_storage' must be UntypedStorage, but "
                                f"got {type(wrap_storage)}")
            self.dtype, self._untyped_storage = dtype, wrap_storage
            return
        if dtype is not None and not isinstance(dtype, D.dtype):
            raise RuntimeError(f"expected {_public_name.name}.dtype, but got {type(dtype)}")
        self.dtype = D.get_default_dtype() if dtype is None else dtype
        if len(args) > 1:
            raise RuntimeError(_ARGS + "\nToo many positional arguments")
        if not args or _is_int(args[0]):
            n = int(args[0]) if args else 0
            self._untyped_storage = UntypedStorage(n * self._element_size(), device=device)
        elif isinstance(args[0], (list, tuple, range)):
            from ._creation import tensor
            data = tensor(args[0], dtype=self.dtype, device=device)
            self._untyped_storage = data.untyped_storage()
        else:
            raise TypeError(_ARGS + f"\nArgument type not recognized: {type(args[0])}")

    # -- what it holds ----------------------------------------------------------------
    @property
    def _typed_dtype(self):     # (read by Tensor.set_)
        return self.dtype

    def _element_size(self):
        return np.dtype(self.dtype._np).itemsize

    def element_size(self):
        _warn_typed_storage_removal()
        return self._element_size()

    def _size(self):
        return self._untyped_storage.nbytes() // self._element_size()

    def size(self):
        _warn_typed_storage_removal()
        return self._size()

    def __len__(self):
        _warn_typed_storage_removal()
        return self._size()

    def nbytes(self):
        _warn_typed_storage_removal()
        return self._untyped_storage.nbytes()

    def untyped(self):
        _warn_typed_storage_removal()
        return self._untyped_storage

    @property
    def device(self):
        _warn_typed_storage_removal()
        return self._untyped_storage.device

    @property
    def is_cuda(self):
        _warn_typed_storage_removal()
        return False

    def data_ptr(self):
        _warn_typed_storage_removal()
        return self._untyped_storage.data_ptr()

    def is_shared(self):
        _warn_typed_storage_removal()
        return False

    def share_memory_(self):
        _warn_typed_storage_removal()
        return self

    def cpu(self):
        _warn_typed_storage_removal()
        return self

    def type(self, dtype=None, non_blocking=False):
        _warn_typed_storage_removal()
        if dtype is not None:
            raise NotImplementedError("ember: TypedStorage.type(dtype) is not supported")
        return f"{_public_name.name}.{self._get_legacy_storage_class().__name__}"

    def _get_legacy_storage_class(self):
        return _BY_DTYPE.get(self.dtype)

    # -- elements ---------------------------------------------------------------------
    def _tensor(self):
        """All the elements, as a tensor viewing the storage's memory."""
        from ._resize import _view
        if self._untyped_storage._meta:
            raise NotImplementedError("Not available for 'meta' device type")
        return Tensor._wrap(_view(self._untyped_storage._array, self.dtype._np, 0,
                                  (self._size(),), (1,)))

    def _index(self, idx, slices=False):
        if isinstance(idx, slice):
            if slices:
                return idx
            raise RuntimeError("slices are only supported in UntypedStorage.__getitem__")
        if not _is_int(idx):
            raise RuntimeError(f"can't index a {type(self)} with {type(idx)}")
        n = self._size()
        if not -n <= idx < n:
            raise IndexError(f"index {idx} out of range for storage of size {n}")
        return idx % n if n else idx

    def __getitem__(self, idx):
        _warn_typed_storage_removal()
        return self._tensor()[self._index(idx)].item()

    def __setitem__(self, idx, value):
        _warn_typed_storage_removal()
        if is_storage(value):
            raise RuntimeError(f"cannot set item with value type {type(value)}")
        self._tensor()[self._index(idx, slices=True)] = value

    def tolist(self):
        _warn_typed_storage_removal()
        return self._tensor().tolist()

    def __iter__(self):
        _warn_typed_storage_removal()
        return iter(self._tensor().tolist())

    def __str__(self):
        _warn_typed_storage_removal()
        info = (f"[ember.storage.TypedStorage(dtype={self.dtype}, "
                f"device={self._untyped_storage.device}) of size {self._size()}]")
        if self._untyped_storage._meta:
            return "...\n" + info
        return " " + "\n ".join(str(v) for v in self._tensor().tolist()) + "\n" + info

    def __repr__(self):
        _warn_typed_storage_removal()
        return str(self)


TypedStorage.__module__ = "ember.storage"


class _LegacyStorageMeta(type):
    """FloatStorage & co.: calling one makes a TypedStorage of its dtype;
    isinstance asks for that dtype."""

    def __call__(cls, *args, wrap_storage=None, dtype=None, device=None, _internal=False):
        if not _internal:
            _warn_typed_storage_removal()
        error = (f"{cls!r}.__new__ received an invalid combination of arguments. Expected one "
                 "of:\n * no arguments\n * (int size)\n * (Sequence data)\n * (*, "
                 "UntypedStorage wrap_storage)")
        for name, value in (("device", device), ("dtype", dtype)):
            if value is not None:
                raise RuntimeError(error + f"\nKeyword argument '{name}' cannot be specified")
        if wrap_storage is not None:
            if args:
                raise RuntimeError(error + "\nNo positional arguments should be given when "
                                   "using 'wrap_storage'")
            if not isinstance(wrap_storage, UntypedStorage):
                raise TypeError(error + "\nArgument 'wrap_storage' must be UntypedStorage, but "
                                f"got {type(wrap_storage)}")
            return TypedStorage(wrap_storage=wrap_storage, dtype=cls.dtype, _internal=True)
        if len(args) > 1:
            raise RuntimeError(error + "\nToo many positional arguments")
        if args and not _is_int(args[0]) and not isinstance(args[0], (list, tuple, range)):
            raise TypeError(error + f"\nArgument type not recognized: {type(args[0])}")
        return TypedStorage(*args, dtype=cls.dtype, _internal=True)

    def __instancecheck__(cls, obj):
        return type(obj) is TypedStorage and obj.dtype is cls.dtype

    def __repr__(cls):
        return f"<class 'ember.{cls.__name__}'>"


def _legacy(name, dtype):
    return _LegacyStorageMeta(name, (TypedStorage,), {"dtype": dtype, "__module__": "ember"})


FloatStorage, DoubleStorage, HalfStorage, BFloat16Storage = (
    _legacy(n, d) for n, d in (("FloatStorage", D.float32), ("DoubleStorage", D.float64),
                               ("HalfStorage", D.float16), ("BFloat16Storage", D.bfloat16)))
LongStorage, IntStorage, ShortStorage, CharStorage, ByteStorage, BoolStorage = (
    _legacy(n, d) for n, d in (("LongStorage", D.int64), ("IntStorage", D.int32),
                               ("ShortStorage", D.int16), ("CharStorage", D.int8),
                               ("ByteStorage", D.uint8), ("BoolStorage", D.bool_)))
ComplexFloatStorage, ComplexDoubleStorage = (
    _legacy(n, d) for n, d in (("ComplexFloatStorage", D.complex64),
                               ("ComplexDoubleStorage", D.complex128)))
Storage = FloatStorage      # (PyTorch's alias)
_BY_DTYPE = {c.dtype: c for c in (FloatStorage, DoubleStorage, HalfStorage, BFloat16Storage,
                                  LongStorage, IntStorage, ShortStorage, CharStorage,
                                  ByteStorage, BoolStorage, ComplexFloatStorage,
                                  ComplexDoubleStorage)}
UntypedStorage.__module__ = "ember.storage"
UntypedStorage._ember_storage = True


def _typed_storage(self):
    return TypedStorage(wrap_storage=self.untyped_storage(), dtype=self.dtype, _internal=True)


def storage(self):
    _warn_typed_storage_removal(stacklevel=2)
    return _typed_storage(self)


def storage_type(self):
    _warn_typed_storage_removal()
    return _typed_storage(self)._get_legacy_storage_class()


Tensor.storage = storage
Tensor.storage_type = storage_type


def tensor_of_storage(source, dtype, argument=False):
    """The tensor over all of `source`'s memory, as torch.tensor(storage)
    and (argument=True: their wording) the legacy constructors make it."""
    given = getattr(source, "_typed_dtype", None)
    if given is not None and given is not dtype:
        got = (f"type {D.SCALAR_NAMES[given]} for argument 1 'storage'" if argument
               else D.SCALAR_NAMES[given])
        raise RuntimeError(f"Expected a Storage of type {D.SCALAR_NAMES[dtype]} or an "
                           f"UntypedStorage, but got {got}")
    untyped = source._untyped_storage if given is not None else source
    return TypedStorage(wrap_storage=untyped, dtype=dtype, _internal=True)._tensor()


def is_storage(obj):
    return type(obj) in (TypedStorage, UntypedStorage)

