"""Products in float16 and bfloat16 against PyTorch, bit for bit: PyTorch's
CPU kernels accumulate in float32 and add the bias (beta * input, a
convolution's bias) before their one rounding, so a result rounded first and
added to after differs in the last bit of a quarter of its elements."""
import numpy as np
import pytest

from compare_torch import check
from cpu_kind import avx2_rounds_otherwise
from ember.ops._conv_backend import ONEDNN_FLOAT16

torch = pytest.importorskip("torch")

DTYPES = ["bfloat16", "float16"]


def widened(fn, dtype):
    """fn's result, checked to be of `dtype`, in float32 (exactly: the
    comparison goes through NumPy, which has no bfloat16)."""
    def run(T):
        out = fn(T)
        assert out.dtype == getattr(T, dtype)
        return out.float()
    return run


def half(T, dtype, *shape, seed=0, scale=1.0):
    data = np.random.default_rng(seed).standard_normal(shape).astype(np.float32) * scale
    return T.tensor(data).to(getattr(T, dtype))


def _products(T, dtype, op):
    a, b, c = half(T, dtype, 6, 20, seed=1), half(T, dtype, 20, 8, seed=2), \
        half(T, dtype, 6, 8, seed=3)
    a3, b3 = half(T, dtype, 2, 6, 20, seed=4), half(T, dtype, 2, 20, 8, seed=5)
    v, c6 = half(T, dtype, 20, seed=6), half(T, dtype, 6, seed=7)
    return {
        "addmm": lambda: T.addmm(c, a, b),
        "addmm_scaled": lambda: T.addmm(c, a, b, beta=0.5, alpha=1.5),
        "addmm_row_bias": lambda: T.addmm(c[0], a, b),
        "linear_3d": lambda: T.nn.functional.linear(a3, b.T, c[0]),
        "baddbmm": lambda: T.baddbmm(c, a3, b3, beta=0.25, alpha=2),
        "addbmm": lambda: T.addbmm(c, a3, b3),
        "addbmm_scaled": lambda: T.addbmm(c, a3, b3, beta=0.5, alpha=1.5),
        "addmv": lambda: T.addmv(c6, a, v, beta=0.5),
    }[op]()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", ["addmm", "addmm_scaled", "addmm_row_bias", "linear_3d",
                                "baddbmm", "addbmm", "addbmm_scaled", "addmv"])
def test_products_with_an_input_round_once_as_pytorch(dtype, op):
    check(widened(lambda T: _products(T, dtype, op), dtype), exact=True)


def _conv(T, dtype, op):
    F = T.nn.functional
    x = half(T, dtype, 2, 3, 12, 12, seed=1)
    w = half(T, dtype, 8, 3, 3, 3, seed=2, scale=0.2)
    b = half(T, dtype, 8, seed=3, scale=0.1)
    return {
        "conv2d": lambda: F.conv2d(x, w, b),
        "conv2d_grouped": lambda: F.conv2d(x[:, :2], w[:, :1], b, groups=2, padding=1),
        "conv1d": lambda: F.conv1d(x.flatten(2), w.flatten(2), b),
        "conv_transpose2d": lambda: F.conv_transpose2d(x, w.transpose(0, 1), b),
        "conv_transpose2d_strided": lambda: F.conv_transpose2d(x, w.transpose(0, 1), b,
                                                               stride=2, padding=1),
    }[op]()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", ["conv2d", "conv2d_grouped", "conv1d", "conv_transpose2d",
                                "conv_transpose2d_strided"])
def test_convolutions_round_as_pytorch(dtype, op, request):
    # bfloat16: oneDNN sums in float32 and adds the bias before rounding.
    # float16: the convolution's float32 sums, rounded with the bias; the
    # transposed one is PyTorch's slow kernel, whose columns are rounded to
    # float16 and summed in it, except on CPUs with AVX512-FP16, where
    # oneDNN takes it (float32 sums, rounded once). (float32 sums in another
    # order round a float16 element differently now and then, hence the
    # tolerance of one unit in the last place there.)
    if dtype == "bfloat16" and op.startswith("conv_transpose"):
        # (without AVX-512, ATen's slow kernel takes bfloat16 too)
        request.applymarker(avx2_rounds_otherwise("a transposed bfloat16 convolution"))
    if dtype == "float16" and (ONEDNN_FLOAT16 or not op.startswith("conv_transpose")):
        check(widened(lambda T: _conv(T, dtype, op), dtype), rtol=2 ** -10, atol=2 ** -14)
    else:
        check(widened(lambda T: _conv(T, dtype, op), dtype), exact=True)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", ["addmm", "baddbmm", "addbmm", "addmv", "addr"])
@pytest.mark.parametrize("value", [1e39, 1e5, 0.5])
def test_beta_is_checked_against_the_kernels_type(dtype, op, value):
    # addmm's family computes half precision in float32 and checks beta as a
    # float; addmv and addr check it as the tensors' own type. A bfloat16
    # beta was taken as an integer (0.5 became 0).
    def run(T):
        m, v = half(T, dtype, 2, 2, seed=1), half(T, dtype, 2, seed=2)
        m3 = half(T, dtype, 1, 2, 2, seed=3)
        return {"addmm": lambda: T.addmm(m, m, m, beta=value),
                "baddbmm": lambda: T.baddbmm(m3, m3, m3, beta=value),
                "addbmm": lambda: T.addbmm(m, m3, m3, beta=value),
                "addmv": lambda: T.addmv(v, m, v, beta=value),
                "addr": lambda: T.addr(m, v, v, beta=value)}[op]()
    check(widened(run, dtype), exact=True)
