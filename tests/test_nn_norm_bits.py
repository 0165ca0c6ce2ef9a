"""Batch norm in float32 against PyTorch bit for bit: its kernels' order of
additions and their fused multiply-adds (forward, statistics, backward)."""
import numpy as np
import pytest

import ember
from compare_torch import check

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize("shape", [(1, 8, 64, 64), (4, 3, 5, 5), (16, 6, 2, 2), (32, 10),
                                   (2, 4, 17), (64, 5, 1, 1), (3, 20), (2, 40)])
def test_batchnorm_float32_output_and_stats_to_the_bit(shape, threads, request):
    """float32 batch norm is PyTorch's bit for bit, training and eval: its
    kernel forms the output as fma(x, alpha, beta), beta = fma(-mean, alpha,
    bias); one value per channel sums its statistics in runs of rows, one
    per thread, in float, the squares fused in, the runs added in double
    (ops/_bn_rows.py); larger planes sum in double."""
    x = (np.random.default_rng(0).standard_normal(shape) * 2 + 0.5).astype(np.float32)
    c = shape[1]
    before = torch.get_num_threads(), ember.get_num_threads()
    torch.set_num_threads(threads)
    ember.set_num_threads(threads)
    request.addfinalizer(lambda: (torch.set_num_threads(before[0]),
                                  ember.set_num_threads(before[1])))

    def run(T):
        m = (T.nn.BatchNorm2d if len(shape) == 4 else T.nn.BatchNorm1d)(c)
        with T.no_grad():
            m.weight.copy_(T.linspace(-1.5, 2.0, c))
            m.bias.copy_(T.linspace(0.3, -0.7, c))
        y = m(T.tensor(x))
        m.eval()
        return y, m(T.tensor(x[::-1].copy())), m.running_mean, m.running_var
    check(run, exact=True)


def test_batchnorm_fused_square_sum_midpoint_falls_back_to_fma():
    """A double sum on a float32 midpoint that the double sum itself rounded
    is redone by the exact fma emulation (ties to even); one that the double
    sum holds exactly (1 + 2**-24, a sum of two float32 values) is right as
    it is."""
    from ember.ops._bn_rows import fused_row_dot
    from ember._fma import _fma32
    for rows in ([[1.0, 3.0], [2.0 ** -12, 0.5], [2.0 ** -12, 0.25]],
                 [[1.0 + 2.0 ** -23], [2.0 ** -12 + 2.0 ** -35], [2.0 ** -40]]):
        rows = np.array(rows, np.float32)
        expected = np.zeros(rows.shape[1], np.float32)
        for row in rows:
            expected = _fma32(row, row, expected)
        np.testing.assert_array_equal(fused_row_dot(rows), expected)


def test_blocked_fma_is_the_exact_fma():
    """The blocked float32 fma (batch norm's output on big inputs) equals the
    exact emulation, a block with a midpoint sum (1 + 2**-24) included."""
    from ember._fma import _fma32, _fma32_blocks
    rng = np.random.default_rng(1)
    x = rng.standard_normal((8, 1 << 14)).astype(np.float32)
    a = rng.standard_normal(1 << 14).astype(np.float32)
    b = rng.standard_normal(1 << 14).astype(np.float32)
    x[5, 7], a[7], b[7] = 1.0, 1.0, 2.0 ** -24
    np.testing.assert_array_equal(_fma32_blocks(x, a, b), _fma32(x, a, b))
    assert _fma32_blocks(x, a, b)[5, 7] == np.float32(1.0)


@pytest.mark.parametrize("shape", [(1, 8, 16, 16), (4, 3, 5, 5), (8, 6, 2, 2), (3, 4, 13)])
def test_batchnorm_float32_backward_to_the_bit(shape, request):
    """Training-mode gradients are PyTorch's bit for bit where a channel has
    planes of several values: its vectorised plane sums (8 lanes, the tail
    fused), the planes added in double, dx = fma(-xc, k, g - mean(g)) *
    invstd * w."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    request.addfinalizer(lambda: torch.set_num_threads(threads))
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(shape) * 2 + 0.5).astype(np.float32)
    g = rng.standard_normal(shape).astype(np.float32)

    def run(T):
        m = (T.nn.BatchNorm2d if len(shape) == 4 else T.nn.BatchNorm1d)(shape[1])
        with T.no_grad():
            m.weight.copy_(T.linspace(-1.5, 2.0, shape[1]))
        xt = T.tensor(x, requires_grad=True)
        m(xt).backward(T.tensor(g))
        return xt.grad, m.weight.grad, m.bias.grad
    check(run, exact=True)


@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("n,c", [(16, 5), (64, 32), (7, 3), (3, 17), (2, 40), (9, 1)])
def test_batchnorm1d_backward_to_the_bit(n, c, dtype, training, threads, request):
    """BatchNorm1d on (N, C): output, running stats, and the input's,
    weight's and bias' gradients bit for bit at 1 to 3 threads (the rows
    split per thread, whole 32-byte vectors of channels fused, the tail not)."""
    before = torch.get_num_threads(), ember.get_num_threads()
    request.addfinalizer(lambda: (torch.set_num_threads(before[0]),
                                  ember.set_num_threads(before[1])))
    rng = np.random.default_rng(n * 100 + c)
    x = rng.standard_normal((n, c)) + 1
    g = rng.standard_normal((n, c))
    w, b = rng.uniform(0.5, 1.5, c), rng.uniform(-1, 1, c)
    rm, rv = rng.standard_normal(c), rng.uniform(0.5, 2, c)

    def run(T):
        T.set_num_threads(threads)
        dt = getattr(T, dtype)
        xt = T.tensor(x, dtype=dt, requires_grad=True)
        bn = T.nn.BatchNorm1d(c).to(dt)
        with T.no_grad():
            bn.weight.copy_(T.tensor(w))
            bn.bias.copy_(T.tensor(b))
            if not training:
                bn.running_mean.copy_(T.tensor(rm))
                bn.running_var.copy_(T.tensor(rv))
        bn.train(training)
        y = bn(xt)
        y.backward(T.tensor(g, dtype=dt))
        return y, xt.grad, bn.weight.grad, bn.bias.grad, bn.running_mean, bn.running_var
    check(run, exact=True)
