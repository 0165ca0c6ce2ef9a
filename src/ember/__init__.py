"""Ember: PyTorch's eager API (tensors, autograd, nn, optim) on NumPy.

    import ember as torch
"""
import gc as _gc

# Python's cyclic collector ran about 180 times (twice over everything) while
# Ember's modules were imported: 60 ms of a 310 ms import, for objects that
# are none of them garbage. It is paused meanwhile, and resumes even if the
# import fails.
_collecting = _gc.isenabled()
_gc.disable()
try:
    from . import _dtype
    from ._dtype import (dtype, float32, float64, float16, int64, int32, int16, int8, uint8,
                         bool_ as bool, float, double, half, long, int, short,
                         complex64, complex128, complex32, cfloat, cdouble, chalf,
                         uint16, uint32, uint64,
                         get_default_dtype, set_default_dtype, promote_types)
    from ._tensor import Tensor, Size
    from ._layout import *  # noqa: F401,F403  (layouts and memory formats)
    from . import ops as _ops
    from .ops import *  # noqa: F401,F403  (the op catalogue's public functions)
    from ._creation import (tensor, as_tensor, from_numpy, zeros, ones, full, empty, eye, arange,
                            linspace, logspace, zeros_like, ones_like, full_like, empty_like,
                            device, scalar_tensor)
    from ._random import Generator, default_generator, manual_seed, seed, initial_seed
    from ._sampling import (rand, randn, randint, randperm, normal, bernoulli, multinomial,
                            rand_like, randn_like, randint_like, poisson, binomial)
    from ._printing import set_printoptions
    from . import _tensor_str  # noqa: F401  (torch._tensor_str.get_printoptions)
    from .autograd.grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode,
                                     is_grad_enabled, is_inference_mode_enabled)
    from .autograd.anomaly_mode import (is_anomaly_enabled, is_anomaly_check_nan_enabled,
                                        set_anomaly_enabled)
    from ._inference import is_inference
    from . import _extras
    from ._extras import *  # noqa: F401,F403
    from . import autograd, nn, optim, utils, linalg, special, fft, return_types
    from . import serialization  # noqa: E402
    from .serialization import save, load  # noqa: E402
    from ._torch_alias import use_as_torch  # noqa: E402
    from ._misc import *  # noqa: E402,F401,F403  (dtype limits, legacy types, defaults, compile)
    from . import functional, backends  # noqa: E402
    from . import func  # noqa: E402
    from ._namespace_extras import *  # noqa: E402,F401,F403  (sym_*, cond, vmap, ...)
    from ._checks import *  # noqa: E402,F401,F403  (torch._check and its family)
    # (removed from PyTorch: they raise)
    from ._linalg_utils import solve, lstsq, eig, symeig, matrix_rank  # noqa: E402,F401
    from ._lowrank import svd_lowrank, pca_lowrank  # noqa: E402,F401
    from ._deprecated_overloads import install as _install_deprecated  # noqa: E402
    _install_deprecated(globals())  # (add(alpha, other) & co., warning once)
    from . import profiler  # noqa: E402
    from . import distributed  # noqa: E402  (mpi4py is imported only when used)
    from . import testing, cuda, mps, xpu, cpu, accelerator, onnx  # noqa: E402
    from .cuda import OutOfMemoryError  # noqa: E402
    from .utils.dlpack import from_dlpack, to_dlpack  # noqa: E402
    from . import __future__  # noqa: E402,F401  (torch.__future__, not Python's)
    from . import amp  # noqa: E402
    from .amp import GradScaler, autocast  # noqa: E402
    from .amp._state import *  # noqa: E402,F401,F403  (is_autocast_enabled, ...)
    from . import distributions  # noqa: E402  (built on the whole namespace above)

    from . import random  # noqa: E402
    from .random import get_rng_state, set_rng_state  # noqa: E402
finally:
    if _collecting:
        _gc.enable()
    del _collecting

# Namespaces few scripts touch are imported on first use (`ember.jit.ignore`,
# `import ember.multiprocessing`), so that `import ember` does not pay for them.
_ON_FIRST_USE = ("jit", "compiler", "_dynamo", "_C", "types", "overrides", "signal",
                 "multiprocessing", "library", "hub", "futures")


def __getattr__(name):
    if name in _ON_FIRST_USE:
        import importlib
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'ember' has no attribute '{name}'")


def __dir__():
    return sorted(set(globals()) | set(_ON_FIRST_USE))

from . import version  # noqa: E402
from .version import __version__  # noqa: E402

from ._settings import *  # noqa: E402,F401,F403
