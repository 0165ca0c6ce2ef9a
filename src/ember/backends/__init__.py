"""ember.backends: PyTorch's backend switches, on a build with only the CPU.

The flags are settable (scripts set `cudnn.deterministic = True`), and the
accelerators report themselves unavailable."""
import types

__all__ = ["cpu", "cuda", "cudnn", "mps", "mkldnn", "mkl", "openmp"]


def _false():
    return False


def _true():
    return True


cudnn = types.ModuleType("ember.backends.cudnn")
cudnn.__dict__.update(enabled=True, benchmark=False, deterministic=False, allow_tf32=True,
                      benchmark_limit=10, is_available=_false, version=lambda: None)

cuda = types.ModuleType("ember.backends.cuda")
cuda.__dict__.update(
    is_built=_false,
    matmul=types.SimpleNamespace(allow_tf32=False, allow_fp16_reduced_precision_reduction=True,
                                 allow_bf16_reduced_precision_reduction=True),
    flash_sdp_enabled=_true, mem_efficient_sdp_enabled=_true, math_sdp_enabled=_true,
    preferred_linalg_library=lambda backend=None: "default")

mps = types.ModuleType("ember.backends.mps")
mps.__dict__.update(is_available=_false, is_built=_false)

cpu = types.ModuleType("ember.backends.cpu")
cpu.__dict__.update(get_cpu_capability=lambda: "DEFAULT")

mkldnn = types.ModuleType("ember.backends.mkldnn")
mkldnn.__dict__.update(is_available=_false, enabled=False)
mkl = types.ModuleType("ember.backends.mkl")
mkl.__dict__.update(is_available=_false)
openmp = types.ModuleType("ember.backends.openmp")
openmp.__dict__.update(is_available=_false)
