"""Tensor creation: tensor, as_tensor, from_numpy, zeros, ones, full, empty,
eye, arange, linspace, logspace and the *_like variants."""
from ._settings import warn_at_caller

from ._layout import factory, laid_out, preserve_format
from ._backend import np

from . import _dtype as D
from ._device import (device, _check_device, _target_device, get_default_device,  # noqa: F401
                      set_default_device)
from ._meta import is_meta, meta_array
from ._tensor import Tensor
from ._python_data import (_CPP_NAMES, dtype_arg, _overflow, _scalar_to, _tname, _to_array, numpy_arg,
                           scalar_arg, warn_if_read_only)

__all__ = ["tensor", "as_tensor", "from_numpy", "zeros", "ones", "full", "empty", "eye",
           "arange", "linspace", "logspace", "zeros_like", "ones_like", "full_like",
           "empty_like", "device", "scalar_tensor"]

_wrap = Tensor._wrap

_check_dtype = dtype_arg


def _finish(data, requires_grad, dev="cpu"):
    if requires_grad and not D.can_require_grad(data.dtype):
        # The factories' wording (capital O), not requires_grad_()'s.
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    if dev == "meta" and not is_meta(data):
        data = meta_array(data.shape, data.dtype)
    t = _wrap(data)
    if requires_grad:
        t._requiring_grad(True)
    return t


@factory
def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    dtype = _check_dtype(dtype, "tensor")
    dev = _target_device(device, copying=True)
    if isinstance(data, Tensor):
        warn_at_caller(
            "To copy construct from a tensor, it is recommended to use "
            "sourceTensor.detach().clone() or sourceTensor.detach().clone()."
            "requires_grad_(True), rather than torch.tensor(sourceTensor).")
    if isinstance(data, Tensor) and data.is_meta:
        return _finish(data._data.copy(), requires_grad, dev)
    if getattr(data, "_typed_dtype", None) is not None:
        # a TypedStorage: a tensor over its memory, not a copy (as PyTorch's)
        from ._typed_storage import tensor_of_storage
        return _finish(tensor_of_storage(data, dtype or D._default[0])._data, requires_grad, dev)
    return _finish(np.array(_to_array(data, dtype), copy=True), requires_grad, dev)


def as_tensor(data, dtype=None, device=None):
    dtype = _check_dtype(dtype, "as_tensor")
    if isinstance(data, Tensor):
        t = data if dtype is None or dtype is data.dtype else data.to(dtype)
        return t if device is None else t.to(device)
    dev = _target_device(device, copying=True)
    if isinstance(data, np.ndarray) and (dtype is None or dtype._np == data.dtype):
        t = from_numpy(data)
    else:
        warn_if_read_only(data)
        t = _wrap(_to_array(data, dtype))
    return _finish(t._data, False, dev) if dev == "meta" else t


def from_numpy(ndarray):
    if not isinstance(ndarray, np.ndarray):
        kind = type(ndarray)     # (named as its C type is: numpy.float64, list)
        name = f"numpy.{kind.__name__}" if kind.__module__ == "numpy" else kind.__name__
        raise TypeError(f"expected np.ndarray (got {name})")
    numpy_arg(ndarray)
    warn_if_read_only(ndarray)
    return _wrap(ndarray)


@factory
def scalar_tensor(s, *, dtype=None, layout=None, device=None, pin_memory=False,
                  requires_grad=False):
    dtype = _check_dtype(dtype, "scalar_tensor") or D._default[0]
    if isinstance(s, (complex, np.complexfloating)) and not dtype.is_complex:
        if s.imag:
            raise _overflow(_CPP_NAMES.get(dtype._np, "bool"))
        s = s.real
    unsigned = dtype in D.UINTS and not isinstance(s, Tensor)
    if unsigned:    # (an int wraps, exactly: not through a double)
        s = int(s) % 2 ** (8 * dtype.itemsize) if isinstance(s, (int, np.integer)) \
            else int(float(s))
    return tensor(s if dtype.is_complex or unsigned else float(s), dtype=dtype,
                  device=device, requires_grad=requires_grad)


def _is_int(s):
    return isinstance(s, (int, np.integer)) or (
        isinstance(s, Tensor) and s.dim() == 0 and s.dtype._category == D._INT) or (
        isinstance(s, np.ndarray) and s.ndim == 0 and s.dtype.kind in "iu")


def _size_args(size, fn, varargs=True):
    """A size as sizes... or one sequence, with the argument parser's errors."""
    if varargs and not size:
        from .ops._int_args import missing_arguments
        raise missing_arguments(fn, "size")
    if len(size) == 1 and not (varargs and _is_int(size[0]) and not isinstance(size[0], bool)):
        if not isinstance(size[0], (tuple, list)):
            raise TypeError(f"{fn}(): argument 'size' (position 1) must be tuple of ints, "
                            f"not {_tname(size[0])}")
        size = tuple(size[0])
    for i, s in enumerate(size):
        # The parser matches on the first element, then unpacks the rest.
        if i == 0 and (not _is_int(s) or isinstance(s, bool)):
            raise TypeError(f"{fn}(): argument 'size' (position 1) must be tuple of ints, "
                            f"but found element of type {_tname(s)} at pos 0")
        if not _is_int(s):
            raise TypeError(f"{fn}(): argument 'size' failed to unpack the object at pos "
                            f"{i + 1} with error \"type must be tuple of ints,but got "
                            f"{_tname(s)}\"")
    size = tuple(int(s) for s in size)
    for s in size:
        if s < 0:
            if fn == "zeros":
                raise RuntimeError("zeros: Dimension size must be non-negative.")
            raise RuntimeError(
                f"Trying to create tensor with negative dimension {s}: {list(size)}")
    return size


def _filled(fn, size, value, dtype, requires_grad, device, varargs=True, memory_format=None,
            like=None):
    dtype = _check_dtype(dtype, fn)
    dev = _target_device(device)
    shape = _size_args(size, fn, varargs)
    dt = (dtype or D._default[0])._np
    if dt.kind != "c":
        value = _scalar_to(scalar_arg(value), dt)      # (PyTorch's checked conversion)
    if dev == "meta":
        data = meta_array(shape, dt)
    else:
        data = np.zeros(shape, dt) if value == 0 else np.full(shape, value, dt)
        if memory_format is not None:
            data = laid_out(data, memory_format, like)
    return _finish(data, requires_grad)


@factory
def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False):
    return _filled("zeros", size, 0, dtype, requires_grad, device)


@factory
def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False):
    return _filled("ones", size, 1, dtype, requires_grad, device)


@factory
def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          memory_format=None, pin_memory=False):
    # Zero-filled: NumPy's uninitialised memory would make runs unrepeatable.
    if memory_format is preserve_format:
        raise RuntimeError("unsupported memory format Preserve")
    return _filled("empty", size, 0, dtype, requires_grad, device, memory_format=memory_format)


@factory
def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):
    try:
        shape = _size_args((size,), "full", varargs=False)
    except RuntimeError:    # a negative size: found after the parser's type checks
        _fill_value_arg("full", fill_value)
        raise
    value = _fill_value_arg("full", fill_value)
    dtype = _check_dtype(dtype, "full")
    if dtype is None:       # (a NumPy bool takes the default dtype)
        dtype = D._default[0] if isinstance(value, np.bool_) else D.scalar_dtype(value)
    return _filled("full", (shape,), value, dtype, requires_grad, device, varargs=False)


def _fill_value_arg(fn, value):
    """fill_value as PyTorch's argument parser takes a Number: a Python or
    NumPy number, or a 0-d tensor that does not require grad (its value)."""
    if isinstance(value, Tensor):
        if value._data.ndim == 0 and not value._requires_grad:
            return value._data.item()
    elif isinstance(value, (int, float, complex, np.number, np.bool_)):
        return value
    raise TypeError(f"{fn}(): argument 'fill_value' (position 2) must be Number, not "
                    f"{_tname(value)}")


def _like(fn, value):
    def like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
             memory_format=preserve_format, pin_memory=False):
        _tensor_input(fn, input)
        return _filled(fn, (input._data.shape,), value,
                       _check_dtype(dtype, fn) or input.dtype, requires_grad,
                       _like_device(input, device), memory_format=memory_format,
                       like=input._data)
    like.__name__ = fn
    return factory(like)


zeros_like = _like("zeros_like", 0)
ones_like = _like("ones_like", 1)
empty_like = _like("empty_like", 0)


@factory
def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=preserve_format, pin_memory=False):
    _tensor_input("full_like", input)
    fill_value = _fill_value_arg("full_like", fill_value)
    return _filled("full_like", (input._data.shape,), fill_value,
                   _check_dtype(dtype, "full_like") or input.dtype, requires_grad,
                   _like_device(input, device), memory_format=memory_format,
                   like=input._data)


def _tensor_input(fn, input):
    if not isinstance(input, Tensor):      # (np.ones(3): PyTorch's parser refuses it)
        raise TypeError(f"{fn}(): argument 'input' (position 1) must be Tensor, not "
                        f"{_tname(input)}")


def _like_device(input, device):
    """A *_like factory makes its tensor on the input's device unless told."""
    if device is None:
        return "meta" if is_meta(input._data) else "cpu"
    return device


@factory
def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
        pin_memory=False):
    for name, v in (("n", n), ("m", m)):
        if v is not None and (not _is_int(v) or isinstance(v, bool)):
            if name == "m":     # eye(n, m) has no signature for it
                raise TypeError(f"eye() received an invalid combination of arguments - got "
                                f"(int, {_tname(v)})")
            raise TypeError(f"eye(): argument 'n' (position 1) must be int, not {_tname(v)}")
    dtype = _check_dtype(dtype, "eye")
    dev = _target_device(device)
    n, m = int(n), int(n if m is None else m)
    if n < 0 or m < 0:
        raise RuntimeError(f"{'n' if n < 0 else 'm'} must be greater or equal to 0, "
                           f"got {n if n < 0 else m}")
    dt = (dtype or D._default[0])._np
    data = meta_array((n, m), dt) if dev == "meta" else np.eye(n, m, dtype=dt)
    return _finish(data, requires_grad)


def _legacy_tensor_data(args, kwargs):
    """torch.Tensor(...) legacy constructor: sizes or data, default dtype; a
    tensor is taken as it is (its data shared)."""
    from ._legacy import legacy_new
    return legacy_new(D._default[0], args, dict(kwargs), check_other=False)._data


# The range factories live in their own module, which needs the helpers above.
from ._ranges import arange, linspace, logspace  # noqa: E402,F401
