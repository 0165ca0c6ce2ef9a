"""ember.backends: PyTorch's backend switches, as a build with only the CPU
has them.

The flags are settable and checked as PyTorch checks them (scripts set
`cudnn.deterministic = True`, `cuda.matmul.allow_tf32 = True`); the
accelerators report themselves unavailable. Ember computes with NumPy, so
no flag changes a result: cuDNN, TF32 and oneDNN are never used.
MKL, OpenMP and oneDNN (mkldnn) report themselves unavailable, since Ember
uses none of them (PyTorch's wheels have them)."""
import contextlib
import types

from .. import _settings
from ._flags import FlagModule, flag_setter

__all__ = ["cpu", "cuda", "cudnn", "mps", "mkldnn", "mkl", "openmp", "opt_einsum"]


def _false(*args, **kwargs):
    return False


def _true():
    return True


def _none():
    return None


def _raising(exc_type, message):
    def fail(*args, **kwargs):
        raise exc_type(message)
    return fail


class _Cudnn(FlagModule):
    _bools = {"enabled": "set_enabled_cudnn", "benchmark": "set_benchmark_cudnn",
              "deterministic": "set_deterministic_cudnn",
              "allow_tf32": "set_allow_tf32_cublas"}


cudnn = _Cudnn("ember.backends.cudnn", "cuDNN's switches (cuDNN is never used).",
               enabled=True, benchmark=False, deterministic=False, allow_tf32=True,
               benchmark_limit=None, is_available=_false, version=_none,
               is_acceptable=_false)
cudnn.set_flags = flag_setter(cudnn, ("enabled", "benchmark", "benchmark_limit",
                                      "deterministic", "allow_tf32"))


@contextlib.contextmanager
def _cudnn_flags(enabled=False, benchmark=False, benchmark_limit=10, deterministic=False,
                 allow_tf32=True):
    # benchmark_limit is kept only where cuDNN is available, as in PyTorch
    before = cudnn.set_flags(enabled, benchmark, None, deterministic, allow_tf32)
    try:
        yield
    finally:
        cudnn.set_flags(*before)


cudnn.flags = _cudnn_flags


class cuBLASModule:
    """cuda.matmul: cuBLAS's switches. allow_tf32 is the float32 matmul
    precision seen from CUDA: True is "high", False "highest"."""

    _bools = {"allow_tf32": "set_allow_tf32_cublas",
              "allow_fp16_accumulation": "set_allow_fp16_accumulation_cublas"}
    _reductions = ("allow_fp16_reduced_precision_reduction",
                   "allow_bf16_reduced_precision_reduction")

    def __init__(self):
        object.__setattr__(self, "_values", {
            "allow_fp16_reduced_precision_reduction": True,
            "allow_bf16_reduced_precision_reduction": True, "allow_fp16_accumulation": False})

    def __getattr__(self, name):
        if name == "allow_tf32":
            return _settings.get_float32_matmul_precision() != "highest"
        if name in self._values:
            return self._values[name]
        raise AttributeError("Unknown attribute " + name)

    def __setattr__(self, name, value):
        if name in self._bools and type(value) is not bool:
            raise RuntimeError(f"{self._bools[name]} expects a bool, but got "
                               f"{type(value).__name__}")
        if name in self._reductions and not isinstance(value, (bool, tuple, list)):
            raise TypeError(f"{name} expects a bool or a tuple/list of bools, but got "
                            f"{type(value)}")
        if name == "allow_tf32":
            _settings.set_float32_matmul_precision("high" if value else "highest")
        elif name in self._values:
            self._values[name] = value
        else:
            raise AttributeError("Unknown attribute " + name)


class _CudaModule(FlagModule):
    pass


# The attention kernels' switches, read by scaled_dot_product_attention and set
# by nn.attention.sdpa_kernel ("overrideable" has no switch functions, as in PyTorch).
_sdp = {"flash": True, "mem_efficient": True, "math": True, "cudnn": True, "overrideable": True}


def _sdp_switch(kind, setter):
    def enabled():
        return _sdp[kind]

    def enable(enabled):
        if type(enabled) is not bool:
            raise RuntimeError(f"{setter} expects a bool, but got {type(enabled).__name__}")
        _sdp[kind] = enabled
    return enabled, enable


_switches = {}
for _kind, _setter in (("flash", "set_sdp_use_flash"), ("mem_efficient", "set_sdp_use_mem_efficient"),
                       ("math", "set_sdp_use_math"), ("cudnn", "set_sdp_use_cudnn")):
    _on, _enable = _sdp_switch(_kind, _setter)
    _switches[f"{_kind}_sdp_enabled"] = _on
    _switches[f"enable_{_kind}_sdp"] = _enable

cuda = _CudaModule("ember.backends.cuda", "CUDA's switches (CUDA is never built in).",
                   is_built=_false, matmul=cuBLASModule(),
                   is_flash_attention_available=_false,
                   preferred_linalg_library=lambda backend=None: "default",
                   preferred_blas_library=lambda backend=None: "cublas", **_switches)

mps = FlagModule("ember.backends.mps", "Apple's GPUs (never available).",
                 is_available=_false, is_built=_false,
                 is_macos13_or_newer=_raising(
                     RuntimeError, "Cannot execute isOnMacOSorNewer() without MPS backend."),
                 is_macos_or_newer=_raising(
                     RuntimeError, "Cannot execute isOnMacOSorNewer() without MPS backend."))

cpu = types.ModuleType("ember.backends.cpu")
cpu.__dict__.update(get_cpu_capability=lambda: "DEFAULT")


class _Mkldnn(FlagModule):
    _bools = {"enabled": "set_enabled_mkldnn", "deterministic": "set_deterministic_mkldnn"}


mkldnn = _Mkldnn("ember.backends.mkldnn", "oneDNN's switches (oneDNN is never used).",
                 is_available=_false, enabled=False, deterministic=False)
mkl = FlagModule("ember.backends.mkl", is_available=_false)
openmp = FlagModule("ember.backends.openmp", is_available=_false)

from . import opt_einsum  # noqa: E402
