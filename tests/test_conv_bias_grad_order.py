"""The bias' gradient of a convolution, bit for bit as PyTorch's CPU build
sums it (ATen's order, or oneDNN's run-by-run order when ATen picks oneDNN).
Behind a batch norm that gradient is pure rounding noise, which Adam turns
into full-size steps: a learner's CNN then trains differently unless the
order is the same (see ops/convolution.py, _bias_grad)."""
import numpy as np
import pytest

import ember
from cpu_kind import avx2_rounds_otherwise, blas_rounds_otherwise

torch = pytest.importorskip("torch")

CASES = {
    # name: (function, input shape, weight shape, kwargs)
    "conv2d_batch64": ("conv2d", (64, 3, 14, 14), (16, 3, 3, 3), {}),
    "conv2d_batch7": ("conv2d", (7, 3, 12, 12), (16, 3, 3, 3), {}),
    "conv2d_padded": ("conv2d", (32, 16, 10, 10), (32, 16, 3, 3), {"padding": 1}),
    "conv2d_strided": ("conv2d", (8, 3, 12, 12), (6, 3, 3, 3), {"stride": 2, "padding": 1}),
    "conv2d_dilated": ("conv2d", (8, 3, 12, 12), (6, 3, 3, 3), {"dilation": 2}),
    "conv2d_pointwise": ("conv2d", (16, 4, 10, 10), (8, 4, 1, 1), {}),
    "conv2d_one_channel": ("conv2d", (8, 3, 12, 12), (1, 3, 3, 3), {}),
    "conv2d_depthwise": ("conv2d", (8, 4, 12, 12), (4, 1, 3, 3), {"groups": 4}),
    "conv2d_batch1_large": ("conv2d", (1, 3, 32, 32), (6, 3, 5, 5), {}),
    "conv2d_batch1_small": ("conv2d", (1, 1, 8, 8), (8, 1, 3, 3), {}),     # ATen's own kernel
    "conv1d": ("conv1d", (8, 3, 30), (6, 3, 3), {}),
    "conv3d": ("conv3d", (4, 2, 6, 6, 6), (3, 2, 3, 3, 3), {}),
    "conv_transpose2d": ("conv_transpose2d", (8, 3, 10, 10), (3, 6, 3, 3), {}),
    "conv_transpose1d": ("conv_transpose1d", (8, 3, 10), (3, 6, 3), {}),
    "conv_transpose2d_batch1": ("conv_transpose2d", (1, 3, 10, 10), (3, 6, 3, 3), {}),
}


# (measured on AVX-512 CPUs; oneDNN's AVX2 kernels sum the runs otherwise)
_ONEDNN_ORDER = avx2_rounds_otherwise("oneDNN's order of the bias' sum")


def _bias_grad(T, case, threads, cancel=True):
    fn, xs, ws, kwargs = CASES[case]
    rng = np.random.default_rng(sum(map(ord, case)))
    x = T.tensor(rng.standard_normal(xs, dtype=np.float32))
    w = T.tensor(rng.standard_normal(ws, dtype=np.float32))
    channels = ws[1] if "transpose" in fn else ws[0]
    b = T.zeros(channels, requires_grad=True)
    y = getattr(T.nn.functional, fn)(x, w, b, **kwargs)
    g = rng.standard_normal(tuple(y.shape))
    if cancel:      # each channel's values summing to (almost) 0, as behind a batch norm
        g -= g.mean(axis=tuple(i for i in range(g.ndim) if i != 1), keepdims=True)
    g = T.tensor(g.astype(np.float32))
    before = T.get_num_threads()
    T.set_num_threads(threads)
    try:
        y.backward(g)
    finally:
        T.set_num_threads(before)
    return b.grad.numpy()


@_ONEDNN_ORDER
@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("case", sorted(CASES))
def test_bias_gradient_that_cancels_out_bit_for_bit(case, threads):
    expected = _bias_grad(torch, case, threads)
    got = _bias_grad(ember, case, threads)
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("case", sorted(CASES))
def test_bias_gradient_that_does_not_cancel_out(case):
    """(ATen's order: oneDNN's differs in the last bit at most)"""
    expected = _bias_grad(torch, case, 1, cancel=False)
    got = _bias_grad(ember, case, 1, cancel=False)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


def test_bias_before_batch_norm_gets_pytorchs_noise(request):
    """conv -> batch norm: the bias' gradient is rounding noise (the norm
    removes the mean), yet the same noise as PyTorch's, so a first Adam
    step moves the bias as PyTorch's does. (The noise follows the
    convolution's output bits too: Ember's BLAS must round as oneDNN.)"""
    blas_rounds_otherwise(request, "a convolution's output, then oneDNN's order of the bias' sum")
    def run(T):
        T.manual_seed(0)
        conv, bn = T.nn.Conv2d(1, 8, 3, padding=1), T.nn.BatchNorm2d(8)
        opt = T.optim.Adam(conv.parameters(), lr=1e-2)
        x, w = T.randn(64, 1, 8, 8), T.randn(64, 8, 8, 8)
        before = T.get_num_threads()
        T.set_num_threads(1)
        try:
            (bn(conv(x)) * w).sum().backward()
        finally:
            T.set_num_threads(before)
        grad = conv.bias.grad.numpy().copy()
        opt.step()
        return grad, conv.bias.detach().numpy().copy()
    (g_e, b_e), (g_t, b_t) = run(ember), run(torch)
    assert np.abs(g_t).max() < 1e-3      # noise, not a gradient
    np.testing.assert_array_equal(g_e, g_t)
    np.testing.assert_array_equal(b_e, b_t)
