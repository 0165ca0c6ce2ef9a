"""ember.utils.dlpack: exchanging tensors with other libraries through
DLPack, on NumPy's implementation (zero copy both ways).

`Tensor.__dlpack__` exports the tensor's memory; `from_dlpack` takes any
object with `__dlpack__` (a NumPy array, a PyTorch tensor, another Ember
tensor) or a capsule from `to_dlpack`, and shares its memory. A capsule of
DLPack before 1.0 (PyTorch's `to_dlpack` makes these) cannot say whether
its memory may be written: NumPy reads such memory as read-only, and Ember
copies it.

NumPy 1.x knows only those older capsules: its `__dlpack__` takes no
`max_version` (Ember's then makes an old-style capsule, as the DLPack
standard lets a producer do) and it reads every import as read-only, so
there Ember shares memory only with a NumPy array or an Ember tensor it is
handed directly, and copies the rest."""
import enum

from .._backend import np
from .._tensor import Tensor

__all__ = ["DLDeviceType", "from_dlpack", "to_dlpack"]


class DLDeviceType(enum.IntEnum):
    kDLCPU = 1
    kDLCUDA = 2
    kDLCUDAHost = 3
    kDLOpenCL = 4
    kDLVulkan = 7
    kDLMetal = 8
    kDLVPI = 9
    kDLROCM = 10
    kDLROCMHost = 11
    kDLExtDev = 12
    kDLCUDAManaged = 13
    kDLOneAPI = 14
    kDLWebGPU = 15
    kDLHexagon = 16
    kDLMAIA = 17


def _exportable(self):
    if self._requires_grad:
        raise BufferError("Can't export tensors that require gradient, use tensor.detach()")
    if self.is_meta:
        raise BufferError("Cannot pack tensors on meta")


def _numpy_has_versioned():
    """Whether NumPy's `ndarray.__dlpack__` takes `max_version` (NumPy 2.1 on)."""
    try:
        np.empty(0).__dlpack__(max_version=(1, 0))
    except TypeError:
        return False
    return True


_VERSIONED = _numpy_has_versioned()


def _legacy_dlpack(data, dl_device, copy):
    # What NumPy 2 does with these arguments, on NumPy 1.x's old-style capsule.
    if dl_device is not None and tuple(dl_device) != (DLDeviceType.kDLCPU, 0):
        raise BufferError("unsupported device requested")
    return (data.copy() if copy else data).__dlpack__()


def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
    """A DLPack capsule of this tensor's memory (versioned when `max_version`
    asks for DLPack 1.0 or later and NumPy can make one)."""
    _exportable(self)
    if stream is not None:
        raise AssertionError("stream should be None on cpu.")
    if not _VERSIONED:
        return _legacy_dlpack(self._data, dl_device, copy)
    kwargs = {"max_version": max_version} if max_version is not None else {}
    if dl_device is not None:
        kwargs["dl_device"] = dl_device
    if copy is not None:
        kwargs["copy"] = copy
    return self._data.__dlpack__(**kwargs)


def __dlpack_device__(self):
    return (DLDeviceType.kDLCPU, 0)


class _Capsule:
    """A bare capsule, presented to NumPy as a producer."""

    def __init__(self, capsule):
        self._capsule = capsule

    def __dlpack__(self, **kwargs):
        return self._capsule

    def __dlpack_device__(self):
        return (DLDeviceType.kDLCPU, 0)


def to_dlpack(tensor):
    """A DLPack 1.0 capsule of `tensor`'s memory, for one from_dlpack."""
    return tensor.__dlpack__(max_version=(1, 0))


def from_dlpack(ext_tensor):
    """A tensor sharing the memory of `ext_tensor`: an object with
    `__dlpack__` and `__dlpack_device__`, or a DLPack capsule."""
    from .._creation import from_numpy
    producer = ext_tensor if hasattr(ext_tensor, "__dlpack__") else _Capsule(ext_tensor)
    try:
        array = np.from_dlpack(producer)
    except (TypeError, ValueError):
        if producer is ext_tensor:
            raise
        raise RuntimeError(
            "from_dlpack received an invalid capsule. Note that DLTensor capsules can be "
            "consumed only once, so you might have already constructed a tensor from it once."
        ) from None
    if not array.flags.writeable:
        array = _writable_source(ext_tensor, array)
    return from_numpy(array)


def _writable_source(ext_tensor, array):
    """`array` (read-only) made writable without a copy where its producer's
    memory is known to be writable: on NumPy 1.x, whose imports are all
    read-only, a NumPy array or an Ember tensor's array, which `array` views
    whole. Otherwise a copy."""
    source = ext_tensor._data if isinstance(ext_tensor, Tensor) else ext_tensor
    if isinstance(source, np.ndarray) and source.flags.writeable:
        return source.view()
    return array.copy()


Tensor.__dlpack__ = __dlpack__
Tensor.__dlpack_device__ = __dlpack_device__
