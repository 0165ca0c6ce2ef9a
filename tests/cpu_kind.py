"""What the tests know of this CPU's vector units: PyTorch's CPU build picks
its kernels by them (oneDNN for bfloat16 where AVX-512 has BW, VL and DQ;
8-lane AVX2 kernels, or 16-lane AVX-512 ones, which add in another order).
Ember reproduces the rounding PyTorch gives on AVX-512 CPUs; a test of
those bits that an AVX2 CPU's PyTorch rounds otherwise is marked with
`avx2_rounds_otherwise`."""
import pytest


def cpu_has(flag):
    """Whether this (Linux) machine's CPU has `flag`; None where unknown."""
    try:
        with open("/proc/cpuinfo") as f:
            return any(line.startswith("flags") and flag in line.split() for line in f)
    except OSError:
        return None


AVX512 = cpu_has("avx512f")
ONEDNN_BFLOAT16 = AVX512 is not False and all(
    cpu_has(f) is not False for f in ("avx512bw", "avx512vl", "avx512dq"))


def avx2_rounds_otherwise(what):
    """An xfail (not strict: some cases agree) where the CPU has no AVX-512."""
    return pytest.mark.xfail(AVX512 is False, strict=False,
                             reason=f"{what}: PyTorch's kernels on a CPU without AVX-512 "
                                    "add in another order than Ember reproduces")


def marked(names, differs):
    """pytest params of `names`, those in `differs` ({name: what}) marked
    avx2_rounds_otherwise."""
    return [pytest.param(n, marks=avx2_rounds_otherwise(differs[n])) if n in differs else n
            for n in names]
