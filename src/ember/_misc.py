"""Small parts of PyTorch's top-level namespace: constants, thread and
determinism settings, dtype limits, typename, is_nonzero, compile, the
default device."""
import math
import os

from ._backend import np

from . import _dtype as D
from ._compile import compile
from ._device import get_default_device, set_default_device
from ._device_factories import (arange, linspace, logspace, normal, rand, rand_like, randint,
                                randint_like, randn, randn_like, randperm)
from ._legacy import (BFloat16Tensor, BoolTensor, ByteTensor, CharTensor, DoubleTensor,
                      FloatTensor, HalfTensor, IntTensor, LongTensor, ShortTensor)
from ._tensor import Tensor
from . import _storage  # noqa: F401  (Tensor.untyped_storage, storage_offset)
from ._random import Generator
from ._typeinfo import finfo, iinfo

__all__ = ["bfloat16", "finfo", "iinfo", "pi", "e", "inf", "nan", "newaxis",
           "set_num_threads", "get_num_threads", "set_num_interop_threads",
           "get_num_interop_threads", "use_deterministic_algorithms",
           "are_deterministic_algorithms_enabled", "is_deterministic_algorithms_warn_only_enabled",
           "set_deterministic_debug_mode", "get_deterministic_debug_mode", "is_nonzero",
           "typename", "compile", "set_default_device", "get_default_device",
           "FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor", "LongTensor",
           "IntTensor", "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor",
           # the factories, with their device= honoured
           "rand", "randn", "randint", "randperm", "normal", "rand_like", "randn_like",
           "randint_like", "arange", "linspace", "logspace"]

Generator.__module__ = "ember"   # printed as a public class, as torch's
bfloat16 = D.bfloat16
pi, e, inf, nan = math.pi, math.e, math.inf, math.nan
newaxis = None


def _cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:      # not on Linux
        return os.cpu_count() or 1


_threads = {"intra": _cores(), "inter": _cores()}


def _thread_count(n, fn):
    if isinstance(n, bool) or not isinstance(n, int):
        raise RuntimeError(f"{fn} expects an int, but got {type(n).__name__}")
    if n <= 0:
        raise RuntimeError(f"{fn} expects a positive integer")
    return n


def set_num_threads(int):
    # NumPy's BLAS pool is sized at its start; Ember only remembers the number.
    _threads["intra"] = _thread_count(int, "set_num_threads")


def get_num_threads():
    return _threads["intra"]


def set_num_interop_threads(int):
    _threads["inter"] = _thread_count(int, "set_num_interop_threads")


def get_num_interop_threads():
    return _threads["inter"]


# Every Ember kernel is deterministic (NumPy on the CPU): the flags are only kept.
_deterministic = {"mode": False, "warn_only": False}


def use_deterministic_algorithms(mode, *, warn_only=False):
    if not isinstance(mode, bool):
        raise TypeError("_set_deterministic_algorithms(): argument 'mode' (position 1) must be "
                        f"bool, not {type(mode).__name__}")
    _deterministic.update(mode=mode, warn_only=bool(warn_only))


def are_deterministic_algorithms_enabled():
    return _deterministic["mode"]


def is_deterministic_algorithms_warn_only_enabled():
    return _deterministic["warn_only"]


def set_deterministic_debug_mode(debug_mode):
    names = {"default": 0, "warn": 1, "error": 2}
    if isinstance(debug_mode, str):
        if debug_mode not in names:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, "
                               f"`warn`, `error`, but got {debug_mode}")
        debug_mode = names[debug_mode]
    if debug_mode not in (0, 1, 2):
        raise RuntimeError("invalid value of debug_mode, expected 0, 1, or 2, but got "
                           f"{debug_mode}")
    use_deterministic_algorithms(debug_mode > 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode():
    if not _deterministic["mode"]:
        return 0
    return 1 if _deterministic["warn_only"] else 2


def is_nonzero(input):
    n = input._data.size
    if n == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if n > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input._data.reshape(()))


Tensor.is_nonzero = is_nonzero


def typename(obj):
    """The dotted type name of `obj` (a tensor's legacy type string)."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:
        module = obj.__class__.__module__ or ""
        qualname = obj.__class__.__qualname__
    return qualname if module in ("", "builtins") else f"{module}.{qualname}"


def _apply_(self, callable):
    """Tensor.apply_: `callable` on each element, in place (CPU only, slow)."""
    if self._requires_grad:
        raise RuntimeError("Can't call apply_() on Variable that requires grad. Use "
                           "var.detach().apply_() instead.")
    flat = self._data.reshape(-1)
    values = [callable(v) for v in flat.tolist()]
    self._data[...] = np.array(values, dtype=np.float64 if self.is_floating_point() else None
                               ).astype(self._data.dtype).reshape(self._data.shape)
    self._bump()
    return self


Tensor.apply_ = _apply_
