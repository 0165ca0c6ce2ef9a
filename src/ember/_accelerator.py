"""The pieces torch.cuda, torch.xpu and torch.mps share on a build without
them: functions that raise the build's error, answers of zero, the
`with device(i)` context, streams and events that cannot be made."""
import collections

from ._device import device as _device


def raising(exc_type, message):
    """A function that fails as PyTorch's does without the backend."""
    def fail(*args, **kwargs):
        raise exc_type(message)
    return fail


def returning(value):
    def answer(*args, **kwargs):
        return value() if callable(value) else value
    return answer


nothing = returning(None)
zero = returning(0)
no_stats = returning(collections.OrderedDict)


def missing_binding(name):
    """What PyTorch's Python wrappers raise calling a binding its CPU build lacks."""
    return raising(AttributeError, f"module 'torch._C' has no attribute '{name}'")


def dummy(name):
    """A class PyTorch's CPU build defines only as a stand-in that cannot be made."""
    def __new__(cls, *args, **kwargs):
        raise RuntimeError(f"Tried to instantiate dummy base class {name}")
    return type(name, (), {"__new__": __new__})


def device_index(dev, kind):
    """An index from an int, a string or a device of `kind`; None when none
    is named."""
    if isinstance(dev, str):
        dev = _device(dev)
    if isinstance(dev, _device):
        if dev.type != kind:
            raise ValueError(f"Expected a {kind} device, but got: {dev}")
        return dev.index
    if isinstance(dev, int) and not isinstance(dev, bool):
        return dev
    return None


class DeviceContext:
    """`with torch.cuda.device(i)`: entering it selects device i, which a
    build without the backend refuses; -1 (no device) is accepted."""

    _kind = "cuda"
    _refusal = (RuntimeError, "PyTorch was compiled without CUDA support")

    def __init__(self, device):
        self.idx = device_index(device, self._kind)
        self.prev_idx = -1

    def __enter__(self):
        if self.idx is None:
            # PyTorch compares the missing index with -1 and fails this way
            raise TypeError("'<' not supported between instances of 'NoneType' and 'int'")
        if self.idx != -1 or self._refusal[0] is NotImplementedError:
            raise self._refusal[0](self._refusal[1])

    def __exit__(self, *exc):
        return False


def legacy_types(module, message):
    """torch.cuda.FloatTensor and its kin: names that exist, types that cannot
    be made (no tensor is ever an instance)."""
    names = ("Float", "Double", "Half", "BFloat16", "Long", "Int", "Short", "Char", "Byte",
             "Bool")
    out = {}
    for n in names:
        qual = f"ember.{module}.{n}Tensor"

        def __new__(cls, *args, _qual=qual, **kwargs):
            raise TypeError(f"type {_qual} not available. {message}")
        out[f"{n}Tensor"] = type(f"{n}Tensor", (), {"__new__": __new__,
                                                   "__module__": f"ember.{module}"})
    return out
