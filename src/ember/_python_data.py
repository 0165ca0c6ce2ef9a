"""Python data (nested lists, scalars, NumPy arrays, tensors) as the NumPy
array `torch.tensor` makes of it: PyTorch's dtype inference, its overflow
checks and its errors."""
import math
import operator

from ._backend import cast, np

from . import _dtype as D
from ._settings import warn_at_caller
from ._tensor import Tensor

# Integer limits, and the names PyTorch's checked conversions print: tensor()
# (`unpackIntegral`) and Scalar.to<T>() (range factories) word them differently.
_LIMITS = {np.dtype(t): (int(np.iinfo(t).min), int(np.iinfo(t).max))
           for t in (np.int64, np.int32, np.int16, np.int8, np.uint8, np.uint16, np.uint32,
                     np.uint64)}
_CPP_NAMES = {np.dtype(np.int64): "int64_t", np.dtype(np.int32): "int",
              np.dtype(np.int16): "int16_t", np.dtype(np.int8): "int8_t",
              np.dtype(np.uint8): "uint8_t", np.dtype(np.uint16): "uint16_t",
              np.dtype(np.uint32): "uint32_t", np.dtype(np.uint64): "uint64_t",
              np.dtype(np.float16): "c10::Half",
              np.dtype(np.float32): "float", np.dtype(np.float64): "double"}
D.on_bfloat16(lambda bf16: _CPP_NAMES.__setitem__(bf16, "c10::BFloat16"))


# dtype= also takes Python's own types, as PyTorch's argument parser does.
_PY_DTYPES = {int: D.int64, float: D.float64, bool: D.bool_, complex: D.complex128}


def dtype_arg(dtype, fn):
    """The dtype argument of `fn` as an ember dtype (or None); TypeError as
    PyTorch's parser words a value of another type."""
    if dtype is None or isinstance(dtype, D.dtype):
        return dtype
    if isinstance(dtype, type) and dtype in _PY_DTYPES:
        return _PY_DTYPES[dtype]
    from . import _public_name
    raise TypeError(f"{fn}(): argument 'dtype' must be {_public_name.name}.dtype, "
                    f"not {_tname(dtype)}")


def _tname(x):
    """A value's type as PyTorch's argument errors print it: the C type's
    tp_name, which for a class defined in Python is its bare name."""
    t = type(x)
    if isinstance(x, Tensor):
        return "Tensor"
    if t.__module__ == "builtins" or t.__flags__ & 1 << 9:     # Py_TPFLAGS_HEAPTYPE
        return t.__name__
    return f"{t.__module__}.{t.__qualname__}"


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


def scalar_arg(v, setitem=False):
    """A Python int as PyTorch's argument parser takes a Scalar: one beyond
    64 bits fails there (`x[i] = v` reads a long long, with its own message)."""
    if v.__class__ is int and not -2 ** 63 <= v < 2 ** (63 if setitem else 64):
        if setitem:
            raise ValueError("Overflow when unpacking long long")
        raise OverflowError("int too big to convert" if v > 0
                            else "can't convert negative int to unsigned")
    return v


def _scalar_to(v, dt, name=None):
    """Scalar.to<T>(): checked conversion of a Python number to dtype `dt`."""
    dt = np.dtype(dt)
    if dt.kind == "b":
        return bool(v)
    name = name or _CPP_NAMES[dt]
    if isinstance(v, (complex, np.complexfloating)):
        if v.imag:      # (a real dtype takes a complex number without its imaginary part)
            raise _overflow(name)
        v = v.real
    if dt.kind == "f" or dt == D._BF16_NP:
        if isinstance(v, (bool, int)) and not -2 ** 63 <= v < 2 ** 64:
            raise _overflow("int64_t")
        f = float(v)
        half = dt in D.HALF_NP
        if math.isfinite(f) and abs(f) > float((D._ml_dtypes.finfo if dt == D._BF16_NP
                                                else np.finfo)(dt).max):
            raise _overflow(name)
        # (c10 makes a Half or BFloat16 from a float: a double is rounded twice)
        return np.float32(f).astype(dt) if half else dt.type(f)
    if isinstance(v, float):
        lo, hi = _LIMITS[dt]
        if not lo <= v <= hi:   # NaN fails this too
            raise _overflow(name)
        return int(v)
    if dt == _U64 and 0 <= v < 2 ** 64:
        return int(v)
    if not (-2 ** 63 <= v < 2 ** 63 and _int_fits(v, dt)):
        raise _overflow(name)
    return _wrap_int(int(v), dt)


def numpy_arg(arr):
    """A NumPy array a tensor is made from or over: PyTorch's errors for a
    dtype it lacks and for negative strides (a[::-1], img[..., ::-1])."""
    D.from_numpy_dtype(arr.dtype)
    if any(s < 0 for s in arr.strides):
        raise ValueError(
            "At least one stride in the given numpy array is negative, and tensors with "
            "negative strides are not currently supported. (You can probably work around this "
            "by making a copy of your array  with array.copy().) ")
    return arr


def warn_if_read_only(arr):
    """PyTorch's once-per-process note where a tensor is made from a read-only
    NumPy array (from_numpy, as_tensor, asarray, the legacy constructors)."""
    if isinstance(arr, np.ndarray) and not arr.flags.writeable:
        warn_at_caller("The given NumPy array is not writable, and PyTorch does not support "
                       "non-writable tensors. This means writing to this tensor will result in "
                       "undefined behavior. You may want to copy the array to protect its data or "
                       "make it writable before converting it to a tensor. This type of warning "
                       "will be suppressed for the rest of this program.", once=True,
                       cpp="torch/csrc/utils/tensor_numpy.cpp:213")


# ---------------------------------------------------------------- tensor(data)
# What PyTorch's shape walk (PySequence_Check) descends into. A tensor is
# not one: a tensor inside a list is a number there (so [t([1.]), t([2.])]
# has shape [2]), though where the shape says a sequence goes, a tensor's
# items are read like a list's.
_SEQUENCES = (list, tuple, str, range, np.ndarray)


def _is_seq(x):
    return isinstance(x, _SEQUENCES) or (isinstance(x, Tensor) and x.dim() > 0)


def _items(x):
    return x.unbind(0) if isinstance(x, Tensor) else list(x)


def _compute_sizes(data):
    """PyTorch walks the first element of each level for the shape; a str is
    a sequence whose items are strs, hence its "too many dimensions"."""
    sizes, seq = [], data
    while isinstance(seq, _SEQUENCES):
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
    kind = "f" if dt == D._BF16_NP else dt.kind     # (bfloat16's kind is "V")
    if isinstance(x, (Tensor, np.ndarray)):
        # Read through Python's number protocols, as PyTorch does: their
        # errors for several elements (or a float array for an integer).
        x = complex(x) if kind == "c" else float(x) if kind == "f" else operator.index(x)
    if kind == "c":
        if not isinstance(x, (int, float, complex, np.number, np.bool_)):
            raise TypeError(f"must be real number, not {_tname(x)}")
        return complex(x)
    if kind == "f":
        if not isinstance(x, (int, float, np.number, np.bool_)):
            raise TypeError(f"must be real number, not {_tname(x)}")
        return float(x)
    if kind == "b" and isinstance(x, (complex, np.complexfloating)):
        return bool(x)      # (PyTorch's bool unpacking takes a complex number: nonzero)
    if dt == _U64:
        return _unsigned_long_long(x)
    if isinstance(x, float) or (kind == "b" and isinstance(x, np.bool_)):
        return bool(x) if kind == "b" else _scalar_to(float(x), dt, dt.name)
    try:
        v = operator.index(x)
    except TypeError:
        raise TypeError(f"'{_tname(x)}' object cannot be interpreted as an integer") from None
    if kind == "b":
        return bool(v)
    if not -2 ** 63 <= v < 2 ** 63:
        raise ValueError("Overflow when unpacking long long")
    return _scalar_to(v, dt, dt.name)


_U64 = np.dtype(np.uint64)


def _unsigned_long_long(x):
    """A uint64 element: PyTorch unpacks an unsigned long long (no float,
    no negative number)."""
    if isinstance(x, (float, np.floating)):
        raise TypeError("an integer is required")
    v = operator.index(x)
    if v < 0:
        raise OverflowError("can't convert negative int to unsigned")
    if v >= 2 ** 64:
        raise OverflowError("int too big to convert")
    return v


def _store(x, sizes, dim, dt, out):
    if isinstance(x, np.ndarray):
        warn_at_caller("Creating a tensor from a list of numpy.ndarrays is extremely slow. Please "
                       "consider converting the list to a single numpy.ndarray with numpy.array() "
                       "before converting to a tensor.", once=True,
                       cpp="torch/csrc/utils/tensor_new.cpp:252")
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
    wide = np.float64 if dtype.is_floating_point else np.complex128 if dtype.is_complex else \
        np.uint64 if dtype is D.uint64 else None
    return _cast_wide(np.array(flat, dtype=wide).reshape(sizes), dtype)


def _cast_wide(arr, dtype):
    # c10::Half and c10::BFloat16 convert from double through float.
    # A value past the type's range is inf, quietly, as PyTorch's cast.
    with np.errstate(over="ignore"):
        if dtype._np in D.HALF_NP and arr.dtype != np.float32:
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
        # (no catch_warnings: entering one resets Python's once-per-line
        # record, so a script's own warnings would repeat; NumPy >= 1.24
        # raises for ragged data instead of warning)
        arr = np.array(data)
    except (ValueError, TypeError, OverflowError):
        arr = None
    # NumPy's own inference is the fast path; anything it would do differently
    # from PyTorch (ragged, objects, ints past int64) takes PyTorch's path.
    if (arr is None or arr.dtype.kind not in "biufc" or arr.dtype == np.uint64
            or (arr.dtype.kind == "f" and float not in kinds) or dtype is D.uint64):
        return _from_python_slow(data, dtype)
    if arr.dtype.kind == "c" and dtype is None:
        dtype = D.default_complex()
    if dtype is not None and dtype.is_complex:
        if arr.dtype.kind == "f" and float not in kinds:
            return _from_python_slow(data, dtype)
        return _cast_wide(arr, dtype)
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
        arr = numpy_arg(data)
    elif isinstance(data, (list, tuple)) and _has_tensor(data):
        return _from_python_slow(data, dtype)
    else:
        return _from_python(data, dtype)
    if dtype is not None:
        arr = cast(arr, dtype._np, copy=False)
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
