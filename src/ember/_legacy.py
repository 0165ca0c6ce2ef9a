"""PyTorch's legacy constructors: torch.FloatTensor & co., Tensor(...),
Tensor.new(...) and Tensor.new_tensor(...).

`torch.FloatTensor` is not a subclass of Tensor: calling it makes a Tensor of
its dtype, and `isinstance(t, torch.FloatTensor)` asks for that dtype."""
from ._settings import warn_at_caller

from ._backend import np

from . import _dtype as D, _public_name
from ._creation import _check_dtype, _size_args, device as _device
from ._python_data import _tname, _to_array, warn_if_read_only
from ._tensor import Tensor, Size
from ._dtype import LEGACY_TENSOR_NAMES

_ARG_ERROR = (
    "new() received an invalid combination of arguments - got ({got}), but expected one of:\n"
    " * (*, ember.device device = None)\n"
    "      didn't match because some of the {why}\n"
    " * (ember.Storage storage)\n"
    " * (Tensor other)\n"
    " * (tuple of ints size, *, ember.device device = None)\n"
    " * (object data, *, ember.device device = None)\n")


def _options(dt):
    return (f"TensorOptions(dtype={D.C_NAMES[dt]}, device=cpu, layout=Strided, "
            "requires_grad=false (default), pinned_memory=false (default), "
            "memory_format=(nullopt))")


def legacy_new(dtype, args, kwargs, check_other=True):
    """What `FloatTensor(...)`, `Tensor(...)` and `t.new(...)` make: sizes give a
    (zero-filled) tensor, a sequence gives its data in `dtype`, a tensor gives
    an alias of itself."""
    dev = kwargs.pop("device", None)
    if kwargs:
        got = ", ".join([_tname(a) for a in args] +
                        [f"{k}={_tname(v)}".replace("dtype=dtype", "dtype=ember.dtype")
                         for k, v in kwargs.items()])
        raise TypeError(_ARG_ERROR.format(
            got=got, why="keywords were incorrect: " + ", ".join(kwargs)))
    if dev is not None:
        d = dev if isinstance(dev, _device) else _device(dev)
        if d.type != "cpu":
            raise RuntimeError("legacy constructor expects device type: cpu but device "
                               f"type: {d.type} was passed")
    if not args:
        return Tensor._wrap(np.zeros(0, dtype._np))
    first = args[0]
    if len(args) == 1 and getattr(first, "_ember_storage", False):
        from ._typed_storage import tensor_of_storage     # (its memory, shared)
        return Tensor._wrap(tensor_of_storage(first, dtype, argument=True)._data)
    if len(args) == 1 and isinstance(first, Tensor):
        if check_other and first.dtype is not dtype:
            raise TypeError(f"expected {_options(dtype)} (got {_options(first.dtype)})")
        from .ops.shape import alias
        return alias(first)
    if len(args) == 1 and not isinstance(first, Size) and (
            isinstance(first, (list, tuple, range, np.ndarray, str))
            or not hasattr(first, "__index__")):
        if isinstance(first, str):
            raise TypeError("new(): invalid data type 'str'")
        if not isinstance(first, (list, tuple, range, np.ndarray)):
            raise TypeError(f"new(): data must be a sequence (got {_tname(first)})")
        warn_if_read_only(first)
        return Tensor._wrap(np.array(_to_array(first, dtype), copy=True))
    if isinstance(first, Tensor) and len(args) > 1:
        names = [_tname(a) for a in args]
        raise TypeError(_ARG_ERROR.format(
            got=", ".join(names), why="arguments have invalid types: (" +
            ", ".join(f"!{n}!" for n in names) + ")"))
    return Tensor._wrap(np.zeros(_size_args(args, "new"), dtype._np))


class tensortype(type):
    """The metaclass of torch.FloatTensor & co. (PyTorch's `tensortype`)."""

    def __call__(cls, *args, **kwargs):
        return legacy_new(cls.dtype, args, kwargs)

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype

    def __subclasscheck__(cls, sub):
        return sub is cls

    def __repr__(cls):
        return f"<class '{_public_name.name}.{cls.__name__}'>"


def _legacy_type(d):
    name = LEGACY_TENSOR_NAMES[d]
    return tensortype(name, (), {"dtype": d, "is_cuda": False, "is_sparse": False,
                                  "layout": "strided", "__module__": "ember"})


tensortype.__module__ = "ember"
FloatTensor, DoubleTensor, HalfTensor, BFloat16Tensor = (
    _legacy_type(d) for d in (D.float32, D.float64, D.float16, D.bfloat16))
LongTensor, IntTensor, ShortTensor, CharTensor, ByteTensor, BoolTensor = (
    _legacy_type(d) for d in (D.int64, D.int32, D.int16, D.int8, D.uint8, D.bool_))
BY_DTYPE = {t.dtype: t for t in (FloatTensor, DoubleTensor, HalfTensor, BFloat16Tensor,
                                 LongTensor, IntTensor, ShortTensor, CharTensor, ByteTensor,
                                 BoolTensor)}


def new(self, *args, **kwargs):
    """Tensor.new: the legacy constructor of self's dtype."""
    return legacy_new(self.dtype, args, kwargs)


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    from ._creation import _check_device, _finish
    dtype = _check_dtype(dtype, "new_tensor") or self.dtype
    _check_device(device)
    if isinstance(data, Tensor):
        warn_at_caller(
            "To copy construct from a tensor, it is recommended to use "
            "sourceTensor.detach().clone() or sourceTensor.detach().clone()."
            "requires_grad_(True), rather than tensor.new_tensor(sourceTensor).")
    return _finish(np.array(_to_array(data, dtype), copy=True), requires_grad)


Tensor.new = new
Tensor.new_tensor = new_tensor
