"""What the tests know of this CPU's vector units: PyTorch's CPU build picks
its kernels by them (oneDNN for bfloat16 where AVX-512 has BW, VL and DQ;
8-lane AVX2 kernels, or 16-lane AVX-512 ones, which add in another order).
Ember reproduces the rounding PyTorch gives on AVX-512 CPUs; a test of
those bits that an AVX2 CPU's PyTorch rounds otherwise is marked with
`avx2_rounds_otherwise`.

Ember's matmuls and convolutions are NumPy's BLAS; PyTorch's are MKL's and
oneDNN's. Where the two sum a dot product's terms in the same order (the
Intel AVX-512 machines these tests were written on) they agree bit for bit;
NumPy's OpenBLAS picks its kernels per CPU model and version, and on others
(AMD Zen 4 with NumPy 2.4's OpenBLAS 0.3.31) they do not. A test whose
printed or compared bits follow a matmul's is marked, at run time, with
`blas_rounds_otherwise`, decided by a probe of both libraries."""
import functools

import pytest


def cpu_has(flag):
    """Whether this (Linux) machine's CPU has `flag`; None where unknown."""
    try:
        with open("/proc/cpuinfo") as f:
            return any(line.startswith("flags") and flag in line.split() for line in f)
    except OSError:
        return None


def cpu_vendor():
    """The CPU's vendor_id ("GenuineIntel", "AuthenticAMD"); None where unknown."""
    try:
        with open("/proc/cpuinfo") as f:
            return next((line.split(":")[1].strip() for line in f
                         if line.startswith("vendor_id")), None)
    except OSError:
        return None


AVX512 = cpu_has("avx512f")
# (MKL, PyTorch's BLAS, takes its AVX-512 kernels on Intel CPUs only)
MKL_AVX512 = AVX512 is not False and cpu_vendor() in ("GenuineIntel", None)
ONEDNN_BFLOAT16 = AVX512 is not False and all(
    cpu_has(f) is not False for f in ("avx512bw", "avx512vl", "avx512dq"))


def avx2_rounds_otherwise(what):
    """An xfail (not strict: some cases agree) where the CPU has no AVX-512."""
    return pytest.mark.xfail(AVX512 is False, strict=False,
                             reason=f"{what}: PyTorch's kernels on a CPU without AVX-512 "
                                    "add in another order than Ember reproduces")


@functools.lru_cache(maxsize=None)
def blas_rounds_as_pytorch():
    """Whether Ember's float32 matmul and convolution (NumPy's BLAS) give
    PyTorch's bits on this machine, at one thread; True without PyTorch
    (nothing to compare with: the tests that would care are skipped)."""
    try:
        import torch
    except ImportError:
        return True
    import numpy as np

    import ember
    rng = np.random.default_rng(0)
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for m, k, n in [(40, 16, 16), (64, 9, 8), (5, 16, 48)]:
            a = rng.standard_normal((m, k), dtype=np.float32)
            b = rng.standard_normal((k, n), dtype=np.float32)
            if not np.array_equal(ember.mm(ember.tensor(a), ember.tensor(b)).numpy(),
                                  torch.mm(torch.tensor(a), torch.tensor(b)).numpy()):
                return False
        x = rng.standard_normal((64, 1, 8, 8), dtype=np.float32)
        w = rng.standard_normal((8, 1, 3, 3), dtype=np.float32)
        return bool(np.array_equal(
            ember.nn.functional.conv2d(ember.tensor(x), ember.tensor(w), padding=1).numpy(),
            torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), padding=1).numpy()))
    finally:
        torch.set_num_threads(before)


def blas_rounds_otherwise(request, what):
    """Marks the running test an xfail (not strict) where PyTorch's kernels
    round otherwise than Ember: no AVX-512, or NumPy's BLAS not summing as
    PyTorch's does here (decided at run time: the probe imports PyTorch)."""
    if AVX512 is False or not blas_rounds_as_pytorch():
        request.applymarker(pytest.mark.xfail(
            strict=False, reason=f"{what}: PyTorch's kernels on this CPU round otherwise than "
                                 "Ember's BLAS (NumPy's) does"))
