"""ember.utils.dlpack: exchanging tensors with other libraries through
DLPack, on NumPy's implementation (zero copy both ways).

`Tensor.__dlpack__` exports the tensor's memory; `from_dlpack` takes any
object with `__dlpack__` (a NumPy array, a PyTorch tensor, another Ember
tensor) or a capsule from `to_dlpack`, and shares its memory. A capsule of
DLPack before 1.0 (PyTorch's `to_dlpack` makes these) cannot say whether
its memory may be written: NumPy reads such memory as read-only, and Ember
copies it."""
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


def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
    """A DLPack capsule of this tensor's memory (versioned when `max_version`
    asks for DLPack 1.0 or later)."""
    _exportable(self)
    if stream is not None:
        raise AssertionError("stream should be None on cpu.")
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
        array = array.copy()
    return from_numpy(array)


Tensor.__dlpack__ = __dlpack__
Tensor.__dlpack_device__ = __dlpack_device__
