"""Small top-level helpers of PyTorch's namespace: is_tensor, numel,
Tensor.to, nonzero, Tensor.cuda/xpu/pin_memory on a build without them."""

from . import _layout as _L
from ._layout import factory
from ._backend import np

from . import _dtype as D
from ._creation import device as _device, _check_device
from ._tensor import Tensor
from ._to_args import parse as _parse_to
from .ops._missing import MISSING
from .ops._size_args import keyword_size

__all__ = ["is_tensor", "is_floating_point", "numel", "nonzero", "result_type",
           "can_cast", "is_storage", "nonzero_static"]
# (parse_to_device is shared with nn.Module.to; not part of the public namespace)


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_storage(obj):
    return getattr(type(obj), "_ember_storage", False)


def is_floating_point(input):
    return D.is_float_np(input._data.dtype)


def numel(input):
    try:
        return input._data.size
    except AttributeError:
        from .ops._common import tensor_arg
        raise tensor_arg(input, "numel") from None


def result_type(tensor1, tensor2):
    from .ops._common import _result_dtype
    a = tensor1 if isinstance(tensor1, Tensor) else Tensor._wrap(
        np.asarray(tensor1, D.scalar_dtype(tensor1)._np))
    if not isinstance(tensor2, Tensor):
        return D.with_scalar(a.dtype, tensor2)
    return _result_dtype(a, tensor2)


def can_cast(from_, to):
    return from_._category <= to._category


def nonzero(input, *, as_tuple=False, out=None):
    try:
        x = input._data
    except AttributeError:
        from .ops._common import tensor_arg
        raise tensor_arg(input, "nonzero") from None
    if out is not None:
        _check_nonzero_out(out, as_tuple)
    if x.ndim == 0:     # one element, no dimension to index
        k = int(bool(x))
        if as_tuple:
            return (Tensor._wrap(np.zeros(k, np.int64)),)
        rows = np.zeros((k, 0), np.int64)
    else:
        idx = np.nonzero(x)
        if as_tuple:
            return tuple(Tensor._wrap(i.astype(np.int64)) for i in idx)
        # (PyTorch's kernel writes the rows column by column: stride (1, n))
        rows = np.stack(idx).astype(np.int64, copy=False).T
    if out is None:
        return Tensor._wrap(rows)
    from .ops._out import write
    write(out, Tensor._wrap(rows))
    return out


def _check_nonzero_out(out, as_tuple):
    if not isinstance(out, Tensor):
        from .ops._common import _tname
        raise TypeError(f"nonzero(): argument 'out' must be Tensor, not {_tname(out)}")
    if as_tuple:
        raise RuntimeError("nonzero does not support the out kwarg when as_tuple is True")
    if out.dtype is not D.int64:
        raise RuntimeError("nonzero: Expected out tensor to have scalar type Long but got "
                           f"scalar type{D.SCALAR_NAMES[out.dtype]}")


def nonzero_static(input, *, size, fill_value=-1, out=None):
    """nonzero's rows, cut or padded with fill_value to `size` rows."""
    for name, v in (("size", size), ("fill_value", fill_value)):
        if isinstance(v, bool) or not hasattr(v, "__index__"):
            raise TypeError(f"nonzero_static(): argument '{name}' must be int, not "
                            f"{type(v).__name__}")
    if size < 0:
        raise RuntimeError("nonzero_static: 'size' must be an non-negative integer")
    if out is not None and out.dtype is not D.int64:
        raise RuntimeError("nonzero_static: Expected out tensor to have scalar type Long but "
                           f"got scalar type{D.SCALAR_NAMES[out.dtype]}")
    found = nonzero(input)._data[:size]
    rows = np.full((size, input._data.ndim), fill_value, np.int64)
    rows[:len(found)] = found
    if out is None:
        return Tensor._wrap(rows)
    out.resize_(rows.shape)
    out._data[...] = rows
    out._bump()
    return out


def parse_to_device(args, kwargs, check=True):
    """The (dtype, copy) that Tensor.to / Module.to are asked for, the device
    type (None: any; devices other than the CPU and meta are refused, as on a
    PyTorch build without CUDA) and the memory format (None: keep); copy is
    None when not given.
    check=False: the device is returned
    unchecked (Module.to, which fails only on its first tensor)."""
    dev, dtype, copy, memory_format = _parse_to(args, kwargs)
    _L.check_memory_format("to", memory_format)
    if dev is not None and not isinstance(dev, _device):
        dev = _device(dev if isinstance(dev, str) else int(dev))   # (an index alone raises)
    if memory_format is _L.preserve_format:
        memory_format = None
    if dev is None or not check:
        return dtype, copy, dev, memory_format
    return dtype, copy, _check_device(dev, copying=True), memory_format


def _to(self, *args, **kwargs):
    """Tensor.to(dtype) / to(device) / to(other) / to(device, dtype)."""
    from .ops.shape import to_dtype
    dtype, copy, dev, memory_format = parse_to_device(args, kwargs)
    if dev is not None and (dev == "meta") != self.is_meta:
        return _to_device(self, dev, dtype)
    if memory_format is _L.legacy_contiguous_format:
        memory_format = _L.contiguous_format
    # PyTorch keeps the tensor when the format its strides suggest is the one
    # asked for (so an ambiguous N1HW tensor is restrided, as `contiguous` isn't)
    if memory_format is not None and (copy or _L.suggested_format(self._data)
                                      is not memory_format):
        # (a copy, recorded as PyTorch records it: ToCopyBackward0)
        out = to_dtype(self, dtype or self.dtype, True)
        # (a fresh C-ordered array: numpy keeps a size-1 dim's odd stride)
        out._data = _L.laid_out(np.array(out._data, order="C"), memory_format)
        return out
    if dtype is None:
        return self.clone() if copy else self
    return to_dtype(self, dtype, copy)


def _to_device(self, dev, dtype):
    if dev == "cpu":
        raise NotImplementedError("Cannot copy out of meta tensor; no data!")
    from ._meta import meta_array
    # Recorded as a dtype change (its gradient is the same), under PyTorch's name.
    from .ops.shape import to_dtype
    src = self if dtype is None or dtype is self.dtype else to_dtype(self, dtype, False)
    out = Tensor._wrap(meta_array(src._data.shape, src._data.dtype))
    if src._requires_grad:
        from .ops._common import recorded
        from .ops.shape import ToCopyBackward0
        out = recorded(ToCopyBackward0, out._data, (src,))
    return out


Tensor.to = _to


def _conversion(name, dtype):
    # x.float(), x.long(), ...: to(dtype), differentiable
    def convert(self):
        return self.to(dtype)
    convert.__name__ = name
    convert.__qualname__ = f"Tensor.{name}"
    return convert


for _name, _dtype in (("float", D.float32), ("double", D.float64), ("half", D.float16),
                      ("bfloat16", D.bfloat16), ("long", D.int64), ("int", D.int32),
                      ("short", D.int16), ("char", D.int8), ("byte", D.uint8),
                      ("bool", D.bool_), ("cfloat", D.complex64), ("cdouble", D.complex128),
                      ("chalf", D.complex32)):
    setattr(Tensor, _name, _conversion(_name, _dtype))



def _nonzero_method(self, *, as_tuple=False):
    return nonzero(self, as_tuple=as_tuple)     # (the method takes no out=)


_nonzero_method.__name__ = _nonzero_method.__qualname__ = "nonzero"
Tensor.nonzero = _nonzero_method
Tensor.nonzero_static = nonzero_static


_NO_ACCELERATOR = "Cannot access accelerator device when none is available."


_NOT_BUILT = {
    "cuda": (AssertionError, "Torch not compiled with CUDA enabled"),
    "xpu": (AssertionError, "Torch not compiled with XPU enabled"),
    "ipu": (RuntimeError, "PyTorch is not linked with support for ipu devices"),
    "mtia": (AssertionError, "Torch not compiled with MTIA enabled. Ensure you have `import "
             "mtia.host_runtime.torch_mtia.dynamic_library` in your python src file and include "
             "`//mtia/host_runtime/torch_mtia:torch_mtia` as your target dependency!")}


def _accelerator_copy(kind):
    """Tensor.cuda / xpu / ipu / mtia on a build without them (torch.cuda is
    ember.cuda): the device argument is checked first, as PyTorch's."""
    def copy(self, device=None, non_blocking=False, memory_format=None):
        if device is not None:
            if isinstance(device, bool) or not isinstance(device, (int, str, _device)):
                raise TypeError(f"{kind}(): argument 'device' (position 1) must be "
                                f"torch.device, not {type(device).__name__}")
            if _device(device).type != kind:    # (an index alone raises here)
                raise RuntimeError(f"Invalid device, must be "
                                   f"{'MTIA' if kind == 'mtia' else kind} device")
        exc, message = _NOT_BUILT[kind]
        raise exc(message)
    copy.__name__ = kind
    return copy


def _pin_memory(self, device=None):
    """Page-locked memory is for copies to an accelerator, which there is none of."""
    raise RuntimeError(_NO_ACCELERATOR)


for _kind in _NOT_BUILT:
    setattr(Tensor, _kind, _accelerator_copy(_kind))
Tensor.pin_memory = _pin_memory
Tensor.is_pinned = lambda self, device=None: False


def _new_like(fill):
    def new(self, *sizes, size=MISSING, dtype=None, device=None, requires_grad=False,
            layout=None, pin_memory=False):
        from ._creation import _filled, _like_device
        if size is not MISSING:
            sizes = (keyword_size(size, "new_" + fill, sizes),)
        return _filled("new_" + fill, sizes, 0 if fill in ("zeros", "empty") else 1,
                       dtype or self.dtype, requires_grad, _like_device(self, device))
    new.__name__ = "new_" + fill
    return factory(new)


@factory
def _new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False,
              layout=None, pin_memory=False):
    from ._creation import _filled, _like_device
    return _filled("new_full", (size,), fill_value, dtype or self.dtype, requires_grad,
                   _like_device(self, device), varargs=False)


Tensor.new_zeros = _new_like("zeros")
Tensor.new_ones = _new_like("ones")
Tensor.new_empty = _new_like("empty")
Tensor.new_full = _new_full
