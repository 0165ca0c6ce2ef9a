"""Tensor creation: tensor, as_tensor, from_numpy, zeros, ones, full, empty,
eye, arange, linspace, logspace and the *_like variants."""
import math
import operator
import warnings

from ._layout import factory, laid_out, preserve_format
from ._backend import np

from . import _dtype as D
from ._device import (device, _check_device, _target_device, get_default_device,  # noqa: F401
                      set_default_device)
from ._meta import is_meta, meta_array
from ._tensor import Tensor

__all__ = ["tensor", "as_tensor", "from_numpy", "zeros", "ones", "full", "empty", "eye",
           "arange", "linspace", "logspace", "zeros_like", "ones_like", "full_like",
           "empty_like", "device", "scalar_tensor"]

_wrap = Tensor._wrap

# dtype= also takes Python's own types, as PyTorch's argument parser does.
_PY_DTYPES = {int: D.int64, float: D.float64, bool: D.bool_, complex: D.complex128}


def _tname(x):
    """A value's type as PyTorch's argument errors print it: the C type's
    tp_name, which for a class defined in Python is its bare name."""
    t = type(x)
    if isinstance(x, Tensor):
        return "Tensor"
    if t.__module__ == "builtins" or t.__flags__ & 1 << 9:     # Py_TPFLAGS_HEAPTYPE
        return t.__name__
    return f"{t.__module__}.{t.__qualname__}"


def _check_dtype(dtype, fn):
    """The dtype argument as an ember dtype (or None); TypeError as PyTorch's."""
    if dtype is None or isinstance(dtype, D.dtype):
        return dtype
    if isinstance(dtype, type) and dtype in _PY_DTYPES:
        return _PY_DTYPES[dtype]
    raise TypeError(f"{fn}(): argument 'dtype' must be ember.dtype, not {_tname(dtype)}")


def _finish(data, requires_grad, dev="cpu"):
    if requires_grad and not D.can_require_grad(data.dtype):
        # The factories' wording (capital O), not requires_grad_()'s.
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    if dev == "meta" and not is_meta(data):
        data = meta_array(data.shape, data.dtype)
    t = _wrap(data)
    if requires_grad:
        t.requires_grad_(True)
    return t


# Integer limits, and the names PyTorch's checked conversions print: tensor()
# (`unpackIntegral`) and Scalar.to<T>() (range factories) word them differently.
_LIMITS = {np.dtype(t): (int(np.iinfo(t).min), int(np.iinfo(t).max))
           for t in (np.int64, np.int32, np.int16, np.int8, np.uint8)}
_CPP_NAMES = {np.dtype(np.int64): "int64_t", np.dtype(np.int32): "int",
              np.dtype(np.int16): "int16_t", np.dtype(np.int8): "int8_t",
              np.dtype(np.uint8): "uint8_t", np.dtype(np.float16): "c10::Half",
              np.dtype(np.float32): "float", np.dtype(np.float64): "double"}


def _overflow(name):
    return RuntimeError(f"value cannot be converted to type {name} without overflow")


def _int_fits(v, dt):
    """c10's overflows() for an integer source: unsigned targets also take
    negatives down to -max (they wrap)."""
    lo, hi = _LIMITS[dt]
    return lo <= v <= hi or (lo == 0 and -hi <= v < 0)


def _wrap_int(v, dt):
    lo, hi = _LIMITS[dt]
    v &= (hi - lo)
    return v + 2 * lo if lo and v > hi else v


def _scalar_to(v, dt, name=None):
    """Scalar.to<T>(): checked conversion of a Python number to dtype `dt`."""
    dt = np.dtype(dt)
    name = name or _CPP_NAMES[dt]
    if dt.kind == "b":
        return bool(v)
    if dt.kind == "f":
        if isinstance(v, (bool, int)) and not -2 ** 63 <= v < 2 ** 64:
            raise _overflow("int64_t")
        f = float(v)
        if math.isfinite(f) and abs(f) > np.finfo(dt).max:
            raise _overflow(name)
        return np.float32(f).astype(dt) if dt == np.float16 else dt.type(f)
    if isinstance(v, float):
        lo, hi = _LIMITS[dt]
        if not lo <= v <= hi:   # NaN fails this too
            raise _overflow(name)
        return int(v)
    if not (-2 ** 63 <= v < 2 ** 63 and _int_fits(v, dt)):
        raise _overflow(name)
    return _wrap_int(int(v), dt)


# ---------------------------------------------------------------- tensor(data)
def _is_seq(x):
    return isinstance(x, (list, tuple, str, range, np.ndarray)) or (
        isinstance(x, Tensor) and x.dim() > 0)


def _items(x):
    return x.unbind(0) if isinstance(x, Tensor) else list(x)


def _compute_sizes(data):
    """PyTorch walks the first element of each level for the shape; a str is
    a sequence whose items are strs, hence its "too many dimensions"."""
    sizes, seq = [], data
    while _is_seq(seq):
        n = len(seq)
        sizes.append(n)
        if len(sizes) > 64:
            raise ValueError(f"too many dimensions '{type(seq).__name__}'")
        if n == 0:
            break
        seq = _items(seq)[0]
    return sizes


def _infer_dtype(x):
    if isinstance(x, str):
        raise TypeError("new(): invalid data type 'str'")
    if isinstance(x, (np.ndarray, np.generic)):   # before float: np.float64 is a float
        return D.from_numpy_dtype(x.dtype)
    if isinstance(x, bool):
        return D.bool_
    if isinstance(x, int):
        return D.int64
    if isinstance(x, float):
        return D._default[0]
    if isinstance(x, Tensor):
        return x.dtype
    if isinstance(x, complex):
        return D.default_complex()
    if isinstance(x, (list, tuple, range)):
        dt = None
        for item in x:
            d = _infer_dtype(item)
            dt = d if dt is None else D.promote_types(dt, d)
        return dt or D._default[0]
    raise RuntimeError(f"Could not infer dtype of {type(x).__name__}")


def _store_scalar(x, dt):
    """One element converted as PyTorch's store_scalar does: checked for ints,
    and only true Python floats (np.float64 is one) pass as floats there."""
    if isinstance(x, (Tensor, np.ndarray)):
        x = x.item()
    if dt.kind == "c":
        if not isinstance(x, (int, float, complex, np.number, np.bool_)):
            raise TypeError(f"must be real number, not {_tname(x)}")
        return complex(x)
    if dt.kind == "f":
        if not isinstance(x, (int, float, np.number, np.bool_)):
            raise TypeError(f"must be real number, not {_tname(x)}")
        return float(x)
    if isinstance(x, float) or (dt.kind == "b" and isinstance(x, np.bool_)):
        return bool(x) if dt.kind == "b" else _scalar_to(float(x), dt, dt.name)
    try:
        v = operator.index(x)
    except TypeError:
        raise TypeError(f"'{_tname(x)}' object cannot be interpreted as an integer") from None
    if dt.kind == "b":
        return bool(v)
    if not -2 ** 63 <= v < 2 ** 63:
        raise ValueError("Overflow when unpacking long long")
    return _scalar_to(v, dt, dt.name)


def _store(x, sizes, dim, dt, out):
    if dim == len(sizes):
        out.append(_store_scalar(x, dt))
        return
    if not _is_seq(x):
        raise TypeError("not a sequence")
    items = _items(x)
    if len(items) != sizes[dim]:
        raise ValueError(f"expected sequence of length {sizes[dim]} at dim {dim} "
                         f"(got {len(items)})")
    for item in items:
        _store(item, sizes, dim + 1, dt, out)


def _from_python_slow(data, dtype):
    """PyTorch's element-by-element path: its errors, its checked conversions."""
    sizes = _compute_sizes(data)
    dtype = dtype or _infer_dtype(data)
    if 0 in sizes:   # nothing is stored, so nothing more is checked
        return np.zeros(sizes, dtype._np)
    flat = []
    _store(data, sizes, 0, dtype._np, flat)
    wide = np.float64 if dtype.is_floating_point else np.complex128 if dtype.is_complex else None
    return _cast_wide(np.array(flat, dtype=wide).reshape(sizes), dtype)


def _cast_wide(arr, dtype):
    # c10::Half converts from double through float.
    if dtype is D.float16 and arr.dtype != np.float32:
        arr = arr.astype(np.float32)
    return arr.astype(dtype._np, copy=False)


def _leaf_types(x):
    """The types of the numbers in nested lists (C-speed per innermost list);
    None where the nesting is uneven."""
    if not isinstance(x, (list, tuple)):
        return {type(x)}
    if not x or not isinstance(x[0], (list, tuple)):
        return set(map(type, x))
    out = set()
    for item in x:
        t = _leaf_types(item) if isinstance(item, (list, tuple)) else None
        if t is None:
            return None
        out |= t
    return out


def _from_python(data, dtype):
    if isinstance(data, str):
        raise TypeError("new(): invalid data type 'str'")
    kinds = _leaf_types(data)
    if kinds is None or not kinds <= {int, float, bool, complex}:
        # NumPy scalars, None, strings...: PyTorch types and checks them one by one.
        return _from_python_slow(data, dtype)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            arr = np.array(data)
    except (ValueError, TypeError, OverflowError):
        arr = None
    # NumPy's own inference is the fast path; anything it would do differently
    # from PyTorch (ragged, objects, ints past int64) takes PyTorch's path.
    if (arr is None or arr.dtype.kind not in "biufc" or arr.dtype == np.uint64
            or (arr.dtype.kind == "f" and float not in kinds)):
        return _from_python_slow(data, dtype)
    if arr.dtype.kind == "c" and dtype is None:
        dtype = D.default_complex()
    if dtype is not None and dtype.is_complex:
        return arr.astype(dtype._np) if arr.dtype.kind != "f" or float in kinds else \
            _from_python_slow(data, dtype)
    if arr.dtype.kind == "c":   # into a real dtype: PyTorch's own refusal
        return _from_python_slow(data, dtype)
    if dtype is None:
        dtype = {"f": D._default[0], "b": D.bool_}.get(arr.dtype.kind, D.int64)
    if dtype.is_floating_point:
        return _cast_wide(arr.astype(np.float64, copy=False), dtype)
    if dtype is D.bool_ or arr.dtype.kind == "b":
        return arr.astype(dtype._np)
    lo, hi = _LIMITS[dtype._np]
    if arr.dtype.kind == "f":
        # Ints beside floats would have gone through double: PyTorch keeps them exact.
        ok = int not in kinds and bool(((arr >= lo) & (arr <= hi)).all())   # NaN fails
        return np.trunc(arr).astype(dtype._np) if ok else _from_python_slow(data, dtype)
    ok = bool(((arr >= (-hi if lo == 0 else lo)) & (arr <= hi)).all())
    return arr.astype(dtype._np) if ok else _from_python_slow(data, dtype)


def _to_array(data, dtype):
    if isinstance(data, Tensor):
        arr = data._data
    elif isinstance(data, np.ndarray):
        D.from_numpy_dtype(data.dtype)
        arr = data
    elif isinstance(data, (list, tuple)) and _has_tensor(data):
        arr = _from_python(_tensors_to_lists(data), None)
        if all(isinstance(x, Tensor) for x in _flat(data)):
            dt = _flat_dtype(data)
            arr = arr.astype(dt._np)
    else:
        return _from_python(data, dtype)
    if dtype is not None:
        arr = arr.astype(dtype._np, copy=False)
    return arr


def _has_tensor(data):
    kinds = _leaf_types(data)
    if kinds is None:   # uneven nesting: walk it
        return any(isinstance(x, Tensor) for x in _flat(data))
    return any(issubclass(k, Tensor) for k in kinds)


def _flat(data):
    for x in data:
        if isinstance(x, (list, tuple)):
            yield from _flat(x)
        else:
            yield x


def _flat_dtype(data):
    dts = [x.dtype for x in _flat(data)]
    dt = dts[0]
    for d in dts[1:]:
        dt = D.promote_types(dt, d)
    return dt


def _tensors_to_lists(data):
    if isinstance(data, Tensor):
        return data._data.tolist()
    if isinstance(data, (list, tuple)):
        return [_tensors_to_lists(x) for x in data]
    return data


@factory
def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    dtype = _check_dtype(dtype, "tensor")
    dev = _target_device(device)
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use "
            "sourceTensor.detach().clone() or sourceTensor.detach().clone()."
            "requires_grad_(True), rather than torch.tensor(sourceTensor).",
            UserWarning, stacklevel=2)
    if isinstance(data, Tensor) and data.is_meta:
        return _finish(data._data.copy(), requires_grad, dev)
    return _finish(np.array(_to_array(data, dtype), copy=True), requires_grad, dev)


def as_tensor(data, dtype=None, device=None):
    dtype = _check_dtype(dtype, "as_tensor")
    if isinstance(data, Tensor):
        t = data if dtype is None or dtype is data.dtype else data.to(dtype)
        return t if device is None else t.to(device)
    dev = _target_device(device)
    if isinstance(data, np.ndarray) and (dtype is None or dtype._np == data.dtype):
        t = from_numpy(data)
    else:
        t = _wrap(_to_array(data, dtype))
    return _finish(t._data, False, dev) if dev == "meta" else t


def from_numpy(ndarray):
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    D.from_numpy_dtype(ndarray.dtype)
    return _wrap(ndarray)


@factory
def scalar_tensor(s, *, dtype=None, layout=None, device=None, pin_memory=False,
                  requires_grad=False):
    dtype = _check_dtype(dtype, "scalar_tensor") or D._default[0]
    if isinstance(s, (complex, np.complexfloating)) and not dtype.is_complex:
        if s.imag:
            raise _overflow(_CPP_NAMES.get(dtype._np, "bool"))
        s = s.real
    return tensor(s if dtype.is_complex else float(s), dtype=dtype, device=device,
                  requires_grad=requires_grad)


def _is_int(s):
    return isinstance(s, (int, np.integer)) or (
        isinstance(s, Tensor) and s.dim() == 0 and s.dtype._category == D._INT)


def _size_args(size, fn, varargs=True):
    """A size as sizes... or one sequence, with the argument parser's errors."""
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
    if isinstance(value, (complex, np.complexfloating)) and dt.kind != "c":
        if value.imag:      # (a real dtype takes a complex number without its imaginary part)
            raise _overflow(_CPP_NAMES.get(dt, "bool"))
        value = value.real
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
    fill_value = _fill_value_arg("full_like", fill_value)
    return _filled("full_like", (input._data.shape,), fill_value,
                   _check_dtype(dtype, "full_like") or input.dtype, requires_grad,
                   _like_device(input, device), memory_format=memory_format,
                   like=input._data)


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
