"""torch.device, the default device (`set_default_device`, `with
device(...)`) and which devices Ember can make tensors on: the CPU, and meta
(shapes without data); CUDA and the rest raise PyTorch's errors."""

from . import _public_name

_DEVICES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve",
            "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia",
            "privateuseone")


_builtin_type = type


def _parse(string):
    """(type, index or None) of a device string, as c10::Device parses it:
    letters and underscores, then optionally ':' and an index without
    leading zeros."""
    if not string:
        raise RuntimeError("Device string must not be empty")
    name, colon, idx = string.partition(":")
    if not (name and all(c.isascii() and (c.isalpha() or c == "_") for c in name)) or (
            colon and not (idx.isascii() and idx.isdigit() and (idx == "0" or idx[0] != "0"))):
        raise RuntimeError(f"Invalid device string: '{string}'")
    if name not in _DEVICES:
        raise RuntimeError("Expected one of " + ", ".join(_DEVICES) +
                           f" device type at start of device string: {name}")
    return name, int(idx) if colon else None


class device(metaclass=_public_name.PublicClass):
    """torch.device; only 'cpu' holds data here."""
    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, int) and not isinstance(type, bool):
            # an index alone names the current accelerator: none here
            if type < 0:
                raise RuntimeError("Device index must not be negative")
            raise RuntimeError("Cannot access accelerator device when none is available.")
        elif not isinstance(type, str):
            raise TypeError(
                "device() received an invalid combination of arguments - got "
                f"({_builtin_type(type).__name__}), but expected one of:\n"
                " * (ember.device device)\n"
                "      didn't match because some of the arguments have invalid types: "
                f"(!{_builtin_type(type).__name__}!)\n"
                " * (str type, int index = -1)\n")
        if index is not None and (isinstance(index, bool) or not isinstance(index, int)):
            raise TypeError("device(): argument 'index' (position 2) must be int, not "
                            f"{_builtin_type(index).__name__}")
        name, idx = _parse(type)
        if idx is not None and index is not None:
            raise RuntimeError("type (string) must not include an index because index was "
                               f"passed explicitly: {type}")
        if index is not None and index < 0:
            raise RuntimeError("Device index must not be negative")
        type, index = name, idx if index is None else index
        self.type = type
        self.index = index

    def __repr__(self):
        idx = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{idx})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        # (devices compare with devices only, as PyTorch's: device('cpu') ==
        # 'cpu' is False, a string is never a device; Ember's own code
        # compares the type strings _check_device returns)
        if not isinstance(other, device):
            return NotImplemented
        return (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    # `with ember.device("meta"):` makes it the factories' default device.
    def __enter__(self):
        _device_stack.append(self)
        return self

    def __exit__(self, *exc):
        _device_stack.pop()

    def __reduce__(self):
        return (device, (self.type, self.index))


device.__module__ = "ember"
_device_stack = []          # the devices of the `with device(...)` blocks entered
_default_device = [None]    # set_default_device's


def set_default_device(device):
    """The device the factories use when given none (None: the CPU again)."""
    # (checked when used, as PyTorch's: setting "cuda" succeeds, using it fails)
    _default_device[0] = None if device is None else _as_device(device)


def get_default_device():
    d = _device_stack[-1] if _device_stack else _default_device[0] or device("cpu")
    _check_device(d)
    return d


def _as_device(dev):
    if isinstance(dev, device):
        return dev
    if isinstance(dev, int) and not isinstance(dev, bool):
        return device("cuda", dev)      # PyTorch reads a bare index as a CUDA device
    return device(dev)


_BACKEND_NAMES = {"mps": "MPS", "xla": "XLA", "xpu": "XPU", "hip": "HIP", "ipu": "IPU",
                  "hpu": "HPU", "lazy": "Lazy", "mtia": "MTIA", "maia": "MAIA", "ve": "VE",
                  "vulkan": "Vulkan"}


def _check_device(dev, copying=False):
    """The device type ("cpu" or "meta") `dev` names; PyTorch's errors for a
    device this build has no kernels for. `copying`: data is being copied
    there (torch.tensor, Tensor.to), which PyTorch refuses earlier for a
    device named without an index."""
    if dev is None:
        return "cpu"
    d = _as_device(dev)
    if d.type in ("cpu", "meta"):
        return d.type
    if d.type in ("cuda", "xpu"):
        raise AssertionError(f"Torch not compiled with {d.type.upper()} enabled")
    if copying and d.index is None:
        raise RuntimeError(f"PyTorch is not linked with support for {d.type} devices")
    raise NotImplementedError(
        "Could not run 'aten::empty.memory_format' with arguments from the "
        f"'{_BACKEND_NAMES.get(d.type, d.type)}' backend. This could be because the operator "
        "doesn't exist for this backend, or was omitted during the selective/custom build "
        "process (if using custom build).")


def _target_device(dev, copying=False):
    """A factory's device: `dev`, else the default device."""
    if dev is None:
        if not _device_stack and _default_device[0] is None:
            return "cpu"
        dev = get_default_device()
    return _check_device(dev, copying)
