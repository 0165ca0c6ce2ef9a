"""Tensor.to's arguments read as PyTorch's argument parser reads them: three
overloads, tried in order, the first that takes every argument wins.

    (device device = None, dtype dtype = None, bool non_blocking = False,
     bool copy = False, *, memory_format memory_format = None)
    (dtype dtype, bool non_blocking = False, bool copy = False, *, ...)
    (Tensor tensor, bool non_blocking = False, bool copy = False, *, ...)

A Python number passes for the tensor (`t.to(1.5)` is `t.to(float64)`) and
Python's float, int, bool and complex types pass for a dtype."""
from . import _dtype as D
from . import _layout as _L
from . import _public_name
from ._backend import np
from ._device import device as _device
from ._tensor import Tensor

_OVERLOADS = (
    " * ({0}.device device = None, {0}.dtype dtype = None, bool non_blocking = False, "
    "bool copy = False, *, {0}.memory_format memory_format = None)\n"
    " * ({0}.dtype dtype, bool non_blocking = False, bool copy = False, *, "
    "{0}.memory_format memory_format = None)\n"
    " * (Tensor tensor, bool non_blocking = False, bool copy = False, *, "
    "{0}.memory_format memory_format = None)\n")

_PY_TYPES = {float: D.float64, int: D.int64, bool: D.bool_, complex: D.complex128}


def _is_index(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def _is_device(v):
    return v is None or isinstance(v, (_device, str)) or _is_index(v)


def _is_dtype(v, optional=False):
    return (optional and v is None) or isinstance(v, D.dtype) or (
        isinstance(v, type) and v in _PY_TYPES)


def _is_tensor(v):
    return isinstance(v, (Tensor, int, float, complex, bool))


def _is_flag(v):
    return isinstance(v, bool)


def _is_format(v):
    return v is None or isinstance(v, _L.memory_format)


_SIGNATURES = (
    (("device", _is_device), ("dtype", lambda v: _is_dtype(v, True)),
     ("non_blocking", _is_flag), ("copy", _is_flag)),
    (("dtype", _is_dtype), ("non_blocking", _is_flag), ("copy", _is_flag)),
    (("tensor", _is_tensor), ("non_blocking", _is_flag), ("copy", _is_flag)),
)


def _match(signature, args, kwargs):
    if len(args) > len(signature):
        return None
    names = dict(signature)
    got = {}
    for (name, fits), value in zip(signature, args):
        if not fits(value):
            return None
        got[name] = value
    for name, value in kwargs.items():
        if name == "memory_format":
            fits = _is_format
        elif name in names and name not in got:
            fits = names[name]
        else:
            return None
        if not fits(value):
            return None
        got[name] = value
    required = signature[0][0]
    if required != "device" and required not in got:
        return None
    return got


def _type_name(v):
    if isinstance(v, Tensor):
        return "Tensor"
    t = type(v)
    if t.__module__ == "builtins":
        return t.__name__
    return f"{_public_name.public_module(t.__module__)}.{t.__qualname__}"


def _invalid(args, kwargs):
    # (PyTorch lists keyword arguments last first; alone, each is followed by ", ")
    kws = [f"{k}={_type_name(v)}" for k, v in reversed(kwargs.items())]
    if args:
        got = ", ".join([_type_name(a) for a in args] + kws)
    else:
        got = "".join(k + ", " for k in kws)
    return TypeError(f"to() received an invalid combination of arguments - "
                     f"{'got (' + got + ')' if args or kwargs else 'got no arguments'}, "
                     f"but expected one of:\n{_OVERLOADS.format(_public_name.name)}")


_TYPES = {"device": "{0}.device", "dtype": "{0}.dtype", "non_blocking": "bool", "copy": "bool",
          "memory_format": "{0}.memory_format"}


def _only_overload_error(args, kwargs):
    """PyTorch's own complaint when the first overload is the only one that
    takes as many arguments as were given (five, memory_format counted): its
    parser then reports that overload's first fault, not the combination."""
    signature = _SIGNATURES[0]
    if len(args) > len(signature):
        return TypeError(f"to() takes from 0 to {len(signature)} positional arguments but "
                         f"{len(args)} were given")
    names = dict(signature, memory_format=_is_format)
    for i, ((name, fits), value) in enumerate(zip(signature, args)):
        if not fits(value):
            return TypeError(f"to(): argument '{name}' (position {i + 1}) must be "
                             f"{_TYPES[name].format(_public_name.name)}, not {_type_name(value)}")
    for name, value in kwargs.items():
        if name not in names:
            return TypeError(f"to() got an unexpected keyword argument '{name}'")
        if name in dict(signature[:len(args)]):
            return TypeError(f"to() got multiple values for argument '{name}'")
        if not names[name](value):
            return TypeError(f"to(): argument '{name}' must be "
                             f"{_TYPES[name].format(_public_name.name)}, not {_type_name(value)}")
    return _invalid(args, kwargs)


def parse(args, kwargs):
    """(device or None, dtype or None, copy (None: not given), memory_format
    or None) that to(*args, **kwargs) asks for; PyTorch's TypeError for what no overload
    takes. The device is as given (a str, an index or a device)."""
    for signature in _SIGNATURES:
        got = _match(signature, args, kwargs)
        if got is not None:
            break
    else:
        if len(args) + len(kwargs) == len(_SIGNATURES[0]) + 1:
            raise _only_overload_error(args, kwargs)
        raise _invalid(args, kwargs)
    dtype = got.get("dtype")
    if isinstance(dtype, type):
        dtype = _PY_TYPES[dtype]
    dev = got.get("device")
    if "tensor" in got:
        other = got["tensor"]
        if isinstance(other, Tensor):
            dtype, dev = other.dtype, other.device
        else:
            dtype = _PY_TYPES[bool if isinstance(other, bool) else type(other)] \
                if type(other) in _PY_TYPES else D.float64
    return dev, dtype, got.get("copy"), got.get("memory_format")
