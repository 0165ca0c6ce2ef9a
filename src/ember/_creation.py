"""Tensor creation: tensor, as_tensor, from_numpy, zeros, ones, full, empty,
eye, arange, linspace, logspace and the *_like variants."""
import math
import warnings

import numpy as np

from . import _dtype as D
from ._tensor import Tensor

__all__ = ["tensor", "as_tensor", "from_numpy", "zeros", "ones", "full", "empty", "eye",
           "arange", "linspace", "logspace", "zeros_like", "ones_like", "full_like",
           "empty_like", "device", "scalar_tensor"]

_wrap = Tensor._wrap
_DEVICES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve",
            "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia",
            "privateuseone")


class device:
    """torch.device; only 'cpu' holds data here."""
    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        if ":" in type:
            type, _, idx = type.partition(":")
            index = int(idx)
        if type not in _DEVICES:
            raise RuntimeError(
                "Expected one of " + ", ".join(_DEVICES) +
                f" device type at start of device string: {type}")
        self.type = type
        self.index = index

    def __repr__(self):
        idx = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{idx})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))


def _check_device(dev):
    if dev is None:
        return
    d = device(dev) if not isinstance(dev, device) else dev
    if d.type not in ("cpu", "meta"):
        raise RuntimeError(
            f"Ember runs on the CPU only (NumPy): device '{d}' is not available")


def _check_dtype(dtype, fn):
    if dtype is not None and not isinstance(dtype, D.dtype):
        raise TypeError(
            f"{fn}(): argument 'dtype' must be torch.dtype, not {type(dtype).__name__}")


def _finish(data, requires_grad, dtype=None):
    t = _wrap(data)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _infer_np_dtype(data):
    """Python data -> NumPy array with PyTorch's inferred dtype."""
    arr = np.array(data)
    kind = arr.dtype.kind
    if kind == "f":
        return arr.astype(D._default[0]._np, copy=False)
    if kind in "iu":
        return arr.astype(np.int64, copy=False)
    if kind == "b":
        return arr
    if kind == "c":
        raise TypeError("complex tensors are not supported by ember")
    raise TypeError(f"new(): invalid data type '{arr.dtype.name if kind != 'U' else 'str'}'")


def _to_array(data, dtype):
    if isinstance(data, Tensor):
        arr = data._data
    elif isinstance(data, np.ndarray):
        D.from_numpy_dtype(data.dtype)
        arr = data
    elif isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in _flat(data)):
        arr = _infer_np_dtype(_tensors_to_lists(data))
        if all(isinstance(x, Tensor) for x in _flat(data)):
            dt = _flat_dtype(data)
            arr = arr.astype(dt._np)
    elif isinstance(data, np.generic):
        arr = np.asarray(data)
    else:
        arr = _infer_np_dtype(data)
    if dtype is not None:
        arr = arr.astype(dtype._np, copy=False)
    return arr


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


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    _check_dtype(dtype, "tensor")
    _check_device(device)
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use "
            "sourceTensor.detach().clone() or sourceTensor.detach().clone()."
            "requires_grad_(True), rather than torch.tensor(sourceTensor).",
            UserWarning, stacklevel=2)
    arr = np.array(_to_array(data, dtype), copy=True)
    if requires_grad and arr.dtype.kind not in "fc":
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    return _finish(arr, requires_grad)


def as_tensor(data, dtype=None, device=None):
    _check_device(device)
    if isinstance(data, Tensor):
        return data if dtype is None or dtype is data.dtype else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or dtype._np == data.dtype):
        return from_numpy(data)
    return _wrap(_to_array(data, dtype))


def from_numpy(ndarray):
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    D.from_numpy_dtype(ndarray.dtype)
    return _wrap(ndarray)


def scalar_tensor(s, *, dtype=None, requires_grad=False):
    return tensor(float(s), dtype=dtype or D._default[0], requires_grad=requires_grad)


def _size_args(size, fn):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for s in size:
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(
                f"{fn}(): argument 'size' (position 1) must be tuple of ints, but found "
                f"element of type {type(s).__name__} at pos 0")
        if s < 0:
            raise RuntimeError(
                f"Trying to create tensor with negative dimension {s}: {list(size)}")
    return tuple(int(s) for s in size)


def _filled(fn, size, value, dtype, requires_grad, device):
    _check_dtype(dtype, fn)
    _check_device(device)
    shape = _size_args(size, fn)
    dt = (dtype or D._default[0])._np
    data = np.zeros(shape, dt) if value == 0 else np.full(shape, value, dt)
    if requires_grad and data.dtype.kind != "f":
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    return _finish(data, requires_grad)


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    return _filled("zeros", size, 0, dtype, requires_grad, device)


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    return _filled("ones", size, 1, dtype, requires_grad, device)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          memory_format=None, pin_memory=False):
    # Zero-filled: NumPy's uninitialised memory would make runs unrepeatable.
    return _filled("empty", size, 0, dtype, requires_grad, device)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad=False):
    if dtype is None:
        dtype = D.scalar_dtype(fill_value.item() if isinstance(fill_value, Tensor) else fill_value)
    return _filled("full", (tuple(size),), fill_value, dtype, requires_grad, device)


def _like(fn, value):
    def like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
             memory_format=None):
        return _filled(fn, (input._data.shape,), value, dtype or input.dtype, requires_grad,
                       device)
    like.__name__ = fn
    return like


zeros_like = _like("zeros_like", 0)
ones_like = _like("ones_like", 1)
empty_like = _like("empty_like", 0)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    return _filled("full_like", (input._data.shape,), fill_value, dtype or input.dtype,
                   requires_grad, device)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    _check_dtype(dtype, "eye")
    data = np.eye(n, n if m is None else m, dtype=(dtype or D._default[0])._np)
    return _finish(data, requires_grad)


def _number(x):
    return x.item() if isinstance(x, Tensor) else x


def arange(start, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False):
    _check_dtype(dtype, "arange")
    start, end, step = _number(start), _number(end), _number(step)
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) / step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    is_float = any(isinstance(v, float) for v in (start, end, step))
    if dtype is None:
        dtype = D._default[0] if is_float else D.int64
    n = math.ceil((end - start) / step)
    # PyTorch computes start + step * i in double for floating types.
    data = (start + step * np.arange(n, dtype=np.float64)).astype(dtype._np) if (
        is_float or dtype.is_floating_point) else np.arange(start, end, step, dtype=dtype._np)
    return _finish(data, requires_grad)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    """As PyTorch's CPU kernel: start + step*i on the first half, end - step*(n-1-i)
    on the second, each a fused multiply-add (one rounding), so the last
    element is exactly `end` and the digits match PyTorch's."""
    _check_dtype(dtype, "linspace")
    start, end = _number(start), _number(end)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dtype = dtype or D._default[0]
    dt = dtype._np if dtype.is_floating_point else np.float64
    wide = np.float64 if dt != np.float64 else np.longdouble
    s, e = dt.type(start), dt.type(end)
    if steps == 1:
        data = np.array([s], dt)
    else:
        step = (e - s) / dt.type(steps - 1) if steps > 1 else dt.type(0)
        i = np.arange(steps)
        lo = wide(s) + wide(step) * i.astype(wide)
        hi = wide(e) - wide(step) * (steps - 1 - i).astype(wide)
        data = np.where(i < steps // 2, lo, hi).astype(dt)
    if not dtype.is_floating_point:
        data = data.astype(dtype._np)
    return _finish(np.ascontiguousarray(data), requires_grad)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    dtype = dtype or D._default[0]
    exps = linspace(start, end, steps, dtype=D.float64)._data
    data = np.power(base, exps).astype(dtype._np)
    return _finish(data, requires_grad)


def _legacy_tensor_data(args, kwargs):
    """torch.Tensor(...) legacy constructor: sizes or data, default dtype."""
    dt = D._default[0]._np
    if len(args) == 1 and isinstance(args[0], (list, tuple, np.ndarray)):
        return np.array(args[0], dtype=dt)
    if len(args) == 1 and isinstance(args[0], Tensor):
        return args[0]._data
    return np.zeros(_size_args(args, "Tensor"), dt)
