"""Adaptive pools, power-average pools and max_unpool against PyTorch
(values, indices, gradients, grad_fn chains), and gradcheck/gradgradcheck."""
import numpy as np
import pytest

import ember
from compare_torch import check
from test_nn_pooling import compare_pool, distinct

torch = pytest.importorskip("torch")

ADAPTIVE = [
    # (n, shape, output_size)
    (1, (2, 3, 9), 4),
    (1, (3, 7), 7),
    (1, (2, 3, 5), 8),
    (1, (2, 3, 6), 1),
    (2, (2, 3, 7, 9), (3, 4)),
    (2, (2, 3, 7, 9), 5),
    (2, (3, 8, 5), (None, 2)),
    (2, (3, 8, 5), (3, None)),
    (2, (2, 3, 5, 4), (7, 6)),
    (2, (2, 3, 5, 4), 1),
    (2, (2, 3, 5, 4), (1, 3)),
    (3, (2, 2, 5, 6, 7), (2, 3, 4)),
    (3, (2, 5, 6, 7), (3, None, 2)),
    (3, (2, 2, 3, 4, 5), 1),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", ADAPTIVE, ids=[str(i) for i in range(len(ADAPTIVE))])
def test_adaptive_pools_vs_torch(case, dtype):
    n, shape, o = case
    x = distinct(shape, n, dtype)
    rtol = 1e-5 if dtype == np.float32 else 1e-6
    compare_pool(lambda F, x: getattr(F, f"adaptive_avg_pool{n}d")(x, o), x, rtol)
    compare_pool(lambda F, x: getattr(F, f"adaptive_max_pool{n}d")(x, o, True), x)
    compare_pool(lambda F, x: getattr(F, f"adaptive_max_pool{n}d")(x, o), x)
    compare_pool(lambda F, x: getattr(F, f"adaptive_max_pool{n}d_with_indices")(x, o), x)


def test_adaptive_max_ties_and_nan_vs_torch():
    x = np.array([[[[1.0, np.nan, 3, np.nan, 0],
                    [5, 5, 7, 7, 0],
                    [np.nan, 1, 2, 2, 2],
                    [1, 1, -np.inf, -np.inf, 2],
                    [-np.inf, -np.inf, -np.inf, -np.inf, 1]]]])
    for o in (2, 3, (4, 2), 1):
        compare_pool(lambda F, x: F.adaptive_max_pool2d(x, o, True), x, grad=False)
        compare_pool(lambda F, x: F.adaptive_avg_pool2d(x, o), x, grad=False)


def test_adaptive_output_size_zero_vs_torch():
    x = distinct((1, 2, 4, 4), 0)
    compare_pool(lambda F, x: F.adaptive_avg_pool2d(x, 0), x, grad=False)
    compare_pool(lambda F, x: F.adaptive_max_pool2d(x, (0, 2), True), x, grad=False)
    compare_pool(lambda F, x: F.adaptive_avg_pool2d(x, 2), np.zeros((1, 0, 4, 4)), grad=False)


LP = [
    # (n, shape, norm_type, kernel, stride, ceil_mode)
    (1, (2, 3, 9), 2, 3, None, False),
    (1, (3, 10), 3.5, 3, 2, True),
    (1, (2, 3, 9), 1, 2, 1, False),
    (2, (2, 3, 7, 8), 2, 2, None, False),
    (2, (2, 3, 7, 8), 1.5, (3, 2), (2, 1), True),
    (2, (3, 7, 8), float("inf"), 3, 2, True),
    (3, (2, 2, 5, 6, 7), 2, 2, None, False),
    (3, (2, 5, 6, 7), 3, (2, 3, 2), 2, True),
]


@pytest.mark.parametrize("case", LP, ids=[str(i) for i in range(len(LP))])
def test_lp_pool_vs_torch(case):
    n, shape, p, k, s, ceil = case
    # positive inputs: a fractional power of a negative number is NaN in both
    x = np.abs(distinct(shape, 1)) + 0.1
    compare_pool(lambda F, x: getattr(F, f"lp_pool{n}d")(x, p, k, s, ceil), x)
    compare_pool(lambda F, x: getattr(F, f"lp_pool{n}d")(x.float(), p, k, s, ceil),
                 x, rtol=1e-5)


def test_lp_pool_negative_infinity_and_signed_inputs_vs_torch():
    x = distinct((2, 3, 6, 6), 4)
    compare_pool(lambda F, x: F.lp_pool2d(x, float("-inf"), 2), x)
    compare_pool(lambda F, x: F.lp_pool2d(x, 2, 3, 1), x)
    compare_pool(lambda F, x: F.lp_pool1d(x[0], 3, 2), x)


UNPOOL = [
    # (n, shape, kernel, stride, padding, output_size)
    (1, (2, 3, 8), 2, None, 0, None),
    (1, (2, 3, 9), 3, 2, 1, (9,)),
    (2, (2, 3, 8, 6), 2, None, 0, None),
    (2, (2, 3, 7, 9), 3, 2, 1, (7, 9)),
    (2, (3, 7, 9), (3, 2), (2, 3), (1, 0), [2, 3, 7, 9]),
    (3, (2, 2, 4, 6, 4), 2, None, 0, None),
    (3, (2, 5, 6, 7), 3, 2, 1, (5, 6, 7)),
]


@pytest.mark.parametrize("case", UNPOOL, ids=[str(i) for i in range(len(UNPOOL))])
def test_max_unpool_vs_torch(case):
    n, shape, k, s, p, size = case
    x = distinct(shape, 6)

    def f(F, x):
        y, i = getattr(F, f"max_pool{n}d")(x, k, s, p, return_indices=True)
        return getattr(F, f"max_unpool{n}d")(y * 2, i, k, s, p, size)
    compare_pool(f, x)


def _input(shape, seed=3):
    return ember.tensor(distinct(shape, seed), requires_grad=True)


GRADCHECK = [
    ("adaptive_avg1", lambda F, x: F.adaptive_avg_pool1d(x, 4), (2, 7)),
    ("adaptive_avg2", lambda F, x: F.adaptive_avg_pool2d(x, (3, 5)), (1, 2, 5, 4)),
    ("adaptive_avg3", lambda F, x: F.adaptive_avg_pool3d(x, (2, 3, 2)), (2, 3, 4, 3)),
    ("adaptive_max1", lambda F, x: F.adaptive_max_pool1d(x, 4), (2, 7)),
    ("adaptive_max2", lambda F, x: F.adaptive_max_pool2d(x, (3, 5)), (1, 2, 5, 4)),
    ("adaptive_max3", lambda F, x: F.adaptive_max_pool3d(x, (2, 3, 2)), (2, 3, 4, 3)),
    ("lp1", lambda F, x: F.lp_pool1d(x * x + 0.1, 3, 2), (2, 7)),
    ("lp2", lambda F, x: F.lp_pool2d(x, 2, 2, 1, True), (1, 2, 5, 4)),
    ("lp3", lambda F, x: F.lp_pool3d(x * x + 0.1, 1.5, 2), (2, 3, 4, 3)),
    ("unpool1", lambda F, x: F.max_unpool1d(*F.max_pool1d(x, 2, return_indices=True), 2), (2, 8)),
    # (windows that do not overlap: where two windows pick one element, the
    # unpool keeps one of them and is not differentiable, in PyTorch too)
    ("unpool2", lambda F, x: F.max_unpool2d(*F.max_pool2d(x, 3, 3, 1, return_indices=True),
                                            3, 3, 1, (5, 4)), (1, 2, 5, 4)),
    ("unpool3", lambda F, x: F.max_unpool3d(*F.max_pool3d(x, 2, return_indices=True), 2),
     (2, 4, 4, 2)),
]


@pytest.mark.parametrize("row", GRADCHECK, ids=[r[0] for r in GRADCHECK])
def test_gradcheck_and_gradgradcheck(row):
    _, f, shape = row
    import ember.nn.functional as F
    x = _input(shape)
    assert ember.autograd.gradcheck(lambda x: f(F, x), (x,), eps=1e-6, atol=1e-5)
    assert ember.autograd.gradgradcheck(lambda x: f(F, x), (x,), eps=1e-6, atol=1e-4)


@pytest.mark.parametrize("call", [
    lambda F, x: F.avg_pool2d(x, 2),
    lambda F, x: F.avg_pool2d(x, 3, stride=2, padding=1),
    lambda F, x: F.avg_pool2d(x, 3, stride=1, count_include_pad=False, padding=1),
    lambda F, x: F.avg_pool1d(x.flatten(2), 5, stride=3),
    lambda F, x: F.avg_pool3d(x.unsqueeze(0), 2),
    lambda F, x: F.adaptive_avg_pool2d(x, (3, 4)),
    lambda F, x: F.adaptive_avg_pool2d(x, 1),
    lambda F, x: F.adaptive_avg_pool1d(x.flatten(2), 7),
])
def test_avg_pools_add_each_window_as_pytorch(call):
    """Float32 average pools are PyTorch's to the bit: each window summed
    from 0, element after element in row-major order, then divided."""
    x = np.random.default_rng(3).random((2, 3, 12, 11)).astype(np.float32)
    x[0, 0, 0, 0] = -0.0
    check(lambda T: call(T.nn.functional, T.tensor(x)), exact=True)
