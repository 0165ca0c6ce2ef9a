"""Small parts of PyTorch's top-level namespace: constants, thread and
determinism settings, dtype limits, typename, is_nonzero, compile, the
default device."""
import math
import os

from . import _dtype as D, _public_name
from ._compile import compile
from ._device import get_default_device, set_default_device
from ._device_factories import (arange, linspace, logspace, normal, rand, rand_like, randint,
                                randint_like, randn, randn_like, randperm)
from ._legacy import (BFloat16Tensor, BoolTensor, ByteTensor, CharTensor, DoubleTensor,
                      FloatTensor, HalfTensor, IntTensor, LongTensor, ShortTensor)
from ._tensor import Tensor
from . import _storage  # noqa: F401  (Tensor.untyped_storage, storage_offset)
from . import _python_apply  # noqa: F401  (Tensor.apply_, map_)
from . import _tensor_extras  # noqa: F401  (nbytes, is_cpu, output_nr, grad_dtype, ...)
from . import _resize  # noqa: F401  (Tensor.resize_, set_, share_memory_, ...)
from ._resize import resize_as_
from . import _typed_storage, storage  # noqa: F401  (ember.storage)
from ._typed_storage import (TypedStorage, UntypedStorage, Storage, FloatStorage,  # noqa: F401
                             DoubleStorage, HalfStorage, BFloat16Storage, LongStorage,
                             IntStorage, ShortStorage, CharStorage, ByteStorage, BoolStorage,
                             ComplexFloatStorage, ComplexDoubleStorage)
from . import _subclass  # noqa: F401  (subclasses defining __torch_function__ refused)
from ._random import Generator
from ._typeinfo import finfo, iinfo

__all__ = ["resize_as_", "is_distributed", "bfloat16", "finfo", "iinfo", "pi", "e", "inf", "nan", "newaxis",
           "set_num_threads", "get_num_threads", "set_num_interop_threads",
           "get_num_interop_threads", "use_deterministic_algorithms",
           "are_deterministic_algorithms_enabled", "is_deterministic_algorithms_warn_only_enabled",
           "set_deterministic_debug_mode", "get_deterministic_debug_mode", "is_nonzero",
           "typename", "get_device_module", "compile", "set_default_device", "get_default_device",
           "FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor", "LongTensor",
           "IntTensor", "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor",
           # the factories, with their device= honoured
           "rand", "randn", "randint", "randperm", "normal", "rand_like", "randn_like",
           "randint_like", "arange", "linspace", "logspace"]

__all__ += _typed_storage.__all__
Generator.__module__ = "ember._C"   # torch's is torch._C.Generator (reprs, pickles)
bfloat16 = D.bfloat16
pi, e, inf, nan = math.pi, math.e, math.inf, math.nan
newaxis = None


def is_distributed(input):
    return False


def _cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:      # not on Linux
        return os.cpu_count() or 1


def _start_threads():
    """The intra-op pool's size at start, as PyTorch's CPU build sizes it:
    MKL's count, set by MKL_NUM_THREADS or else OMP_NUM_THREADS (its first
    entry), at most the machine's CPUs; otherwise the CPUs we may run on.
    (NumPy's OpenBLAS reads OMP_NUM_THREADS too.)"""
    for name in ("MKL_NUM_THREADS", "OMP_NUM_THREADS"):
        value = os.environ.get(name, "").split(",")[0].strip()
        if value.isdigit() and int(value) > 0:
            return min(int(value), os.cpu_count() or 1)
    return _cores()


_threads = {"intra": _start_threads(), "inter": _cores(), "inter_set": False}


def _thread_count(n, fn):
    if isinstance(n, bool) or not isinstance(n, int):
        raise RuntimeError(f"{fn} expects an int, but got {type(n).__name__}")
    if n <= 0:
        raise RuntimeError(f"{fn} expects a positive integer")
    return n


def _limit_blas(n):
    """Sizes the BLAS pool behind NumPy's matrix products (OpenBLAS, MKL, ...)
    through threadpoolctl; without it the pool keeps the size it started with."""
    try:
        import threadpoolctl
    except ImportError:
        return
    threadpoolctl.threadpool_limits(limits=n, user_api="blas")


def set_num_threads(int):
    """The number of threads for the work within one op: the BLAS threads of
    NumPy's matrix products, set through threadpoolctl when it is installed
    (without it, the number is only remembered; OPENBLAS_NUM_THREADS, set
    before Ember starts, sizes the pool then). Ember's other kernels are
    NumPy's, which run on one thread."""
    _threads["intra"] = _thread_count(int, "set_num_threads")
    _limit_blas(_threads["intra"])


def get_num_threads():
    return _threads["intra"]


def set_num_interop_threads(int):
    """The number of threads for running ops side by side (Ember runs them one
    after another); as in PyTorch, it can be set once."""
    n = _thread_count(int, "set_num_interop_threads")
    if _threads["inter_set"]:
        raise RuntimeError("Error: cannot set number of interop threads after parallel work "
                           "has started or set_num_interop_threads called")
    _threads.update(inter=n, inter_set=True)


def get_num_interop_threads():
    return _threads["inter"]


# Every Ember kernel is deterministic (NumPy on the CPU): the flags are only kept.
_deterministic = {"mode": False, "warn_only": False}


def use_deterministic_algorithms(mode, *, warn_only=False):
    if not isinstance(mode, bool):
        raise TypeError("_set_deterministic_algorithms(): argument 'mode' (position 1) must be "
                        f"bool, not {type(mode).__name__}")
    if not isinstance(warn_only, bool):
        raise TypeError("_set_deterministic_algorithms(): argument 'warn_only' must be bool, "
                        f"not {type(warn_only).__name__}")
    _deterministic.update(mode=mode, warn_only=warn_only)


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
    module = _public_name.public_module(module)
    return qualname if module in ("", "builtins") else f"{module}.{qualname}"


def get_device_module(device=None):
    """The module of a device type (`ember.cuda` for "cuda:0"); with no
    device, the current accelerator's, which is the CPU's (`ember.cpu`)."""
    import sys
    from ._device import device as device_type
    if isinstance(device, device_type):
        name = device.type
    elif isinstance(device, str):
        name = device_type(device).type
    elif device is None:
        name = "cpu"
    else:
        raise RuntimeError(
            f"Invalid value of device '{device}', expect torch.device, str, or None")
    module = getattr(sys.modules["ember"], name, None)
    if module is None:
        raise RuntimeError(f"Device '{name}' does not have a corresponding module registered "
                           f"as 'ember.{name}'.")
    return module
