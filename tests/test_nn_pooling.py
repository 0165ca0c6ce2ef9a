"""Max and average pools (nn.functional and the torch namespace) against
PyTorch: values, indices, input gradients and grad_fn chains over many
configurations (odd sizes, padding, dilation, ceil_mode, count_include_pad,
divisor_override, float32/float64, unbatched, ties and NaN), and
gradcheck/gradgradcheck in float64. Adaptive pools, lp pools and max_unpool
are in test_nn_pooling_adaptive.py; errors and modules in
test_nn_pooling_modules.py."""
import numpy as np
import pytest

import ember
from compare_torch import chain

torch = pytest.importorskip("torch")


def distinct(shape, seed, dtype=np.float64):
    """Values without ties (so the argmax is unambiguous under finite differences)."""
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    return ((rng.permutation(n) + rng.uniform(0.1, 0.9, n)) / n * 4 - 2).reshape(shape) \
        .astype(dtype)


def compare_pool(f, x, rtol=1e-6, atol=1e-7, grad=True):
    """f(F, x) in Ember and PyTorch: values (and indices), grad_fn chains, and
    the input gradient of a random upstream gradient."""
    import ember.nn.functional as EF
    import torch.nn.functional as TF
    e = ember.tensor(x, requires_grad=grad)
    t = torch.tensor(x, requires_grad=grad)
    eo, to = f(EF, e), f(TF, t)
    if isinstance(to, tuple):
        assert isinstance(eo, tuple) and len(eo) == len(to)
        np.testing.assert_array_equal(eo[1].numpy(), to[1].numpy(), strict=True)
        assert eo[1].dtype == ember.int64
        eo, to = eo[0], to[0]
    assert eo.dtype.name == str(to.dtype).replace("torch.", "")
    assert tuple(eo.shape) == tuple(to.shape)
    np.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), rtol=rtol, atol=atol,
                               equal_nan=True)
    if not grad:
        return eo
    assert chain(eo) == chain(to)
    g = np.random.default_rng(5).standard_normal(tuple(to.shape)).astype(x.dtype)
    eo.backward(ember.tensor(g))
    to.backward(torch.tensor(g))
    np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=rtol * 10, atol=atol * 10)
    return eo


MAX_CASES = [
    # (n, shape, kernel, stride, padding, dilation, ceil_mode)
    (1, (2, 3, 9), 3, None, 0, 1, False),
    (1, (2, 3, 10), 3, 2, 1, 1, True),
    (1, (3, 11), 2, 3, 1, 3, True),
    (1, (1, 1, 5), 5, 1, 2, 1, False),
    (2, (2, 3, 7, 7), 2, None, 0, 1, False),
    (2, (2, 3, 7, 7), 2, None, 0, 1, True),
    (2, (2, 2, 9, 8), 3, 2, 1, 2, True),
    (2, (2, 2, 9, 8), (3, 2), (2, 1), (1, 0), (1, 3), False),
    (2, (3, 6, 5), (2, 3), 1, (1, 1), 1, True),
    (2, (1, 1, 4, 4), 4, 1, 2, 1, False),
    (2, (2, 3, 5, 6), 1, 2, 0, 1, True),
    (3, (2, 2, 4, 5, 6), 2, None, 0, 1, False),
    (3, (2, 2, 5, 5, 6), 3, 2, 1, (1, 2, 1), True),
    (3, (2, 5, 4, 7), (2, 1, 3), (1, 2, 2), (1, 0, 1), 1, True),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", MAX_CASES, ids=[str(i) for i in range(len(MAX_CASES))])
def test_max_pool_vs_torch(case, dtype):
    n, shape, k, s, p, d, ceil = case
    x = distinct(shape, len(shape) + k if isinstance(k, int) else 7, dtype)
    name = f"max_pool{n}d"
    compare_pool(lambda F, x: getattr(F, name)(x, k, s, p, d, ceil, True), x)
    compare_pool(lambda F, x: getattr(F, name)(x, k, s, p, d, ceil), x)
    compare_pool(lambda F, x: getattr(F, name)(x, k, s, p, d, ceil_mode=ceil), x, grad=False)
    compare_pool(lambda F, x: getattr(F, f"{name}_with_indices")(x, k, s, p, d, ceil), x)


def test_max_pool_ties_nan_and_infinities_vs_torch():
    x = np.array([[[[1.0, np.nan, 3, np.nan, 0],
                    [5, 5, 7, 7, 0],
                    [np.nan, 1, 2, 2, 2],
                    [1, 1, -np.inf, -np.inf, 2],
                    [-np.inf, -np.inf, -np.inf, -np.inf, 1]]]])
    for f in (lambda F, x: F.max_pool2d(x, 2, return_indices=True),
              lambda F, x: F.max_pool2d(x, 3, 1, 1, return_indices=True),
              lambda F, x: F.max_pool2d(x, 2, 2, 1, 2, True, True),
              lambda F, x: F.max_pool1d(x[0, 0], 3, 1, 1, return_indices=True),
              lambda F, x: F.max_pool3d(x, 2, 1, 1, return_indices=True)):
        compare_pool(f, x, grad=False)
    x = np.full((1, 1, 3, 3), -np.inf)      # windows of -inf: the first valid position
    compare_pool(lambda F, x: F.max_pool2d(x, 2, 1, 1, return_indices=True), x)


def test_max_pool_integers_and_half_vs_torch():
    x = np.random.default_rng(0).integers(-5, 5, (2, 3, 7, 6))
    compare_pool(lambda F, x: F.max_pool2d(x, 3, 2, 1, return_indices=True), x, grad=False)
    compare_pool(lambda F, x: F.max_pool3d(x, 2, 1, return_indices=True), x, grad=False)
    compare_pool(lambda F, x: F.max_pool1d(x[0], 2, return_indices=True), x, grad=False)
    compare_pool(lambda F, x: F.max_pool2d(x, 2), x.astype(np.int32), grad=False)
    compare_pool(lambda F, x: F.max_pool2d(x, 2), distinct((2, 5, 5), 0, np.float16), grad=False)


AVG_CASES = [
    # (n, shape, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)
    (1, (2, 3, 9), 3, None, 0, False, True, None),
    (1, (2, 3, 10), 3, 2, 1, True, False, None),
    (1, (3, 8), 4, 3, 2, True, True, None),
    (2, (2, 3, 7, 7), 2, None, 0, False, True, None),
    (2, (2, 3, 7, 7), 2, None, 0, True, True, None),
    (2, (2, 2, 9, 8), 3, 2, 1, True, False, None),
    (2, (2, 2, 9, 8), 3, 2, 1, True, True, None),
    (2, (2, 2, 9, 8), (3, 2), (2, 1), (1, 0), False, True, 5),
    (2, (3, 6, 5), (2, 3), 1, (1, 1), True, False, 2),
    (3, (2, 2, 4, 5, 6), 2, None, 0, False, True, None),
    (3, (2, 2, 5, 5, 6), 3, 2, 1, True, False, None),
    (3, (2, 5, 4, 7), (2, 1, 3), (1, 2, 2), (1, 0, 1), True, True, 7),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", AVG_CASES, ids=[str(i) for i in range(len(AVG_CASES))])
def test_avg_pool_vs_torch(case, dtype):
    n, shape, k, s, p, ceil, cip, div = case
    x = distinct(shape, 3, dtype)
    rtol = 1e-5 if dtype == np.float32 else 1e-6
    if n == 1:
        compare_pool(lambda F, x: F.avg_pool1d(x, k, s, p, ceil, cip), x, rtol)
    else:
        fn = f"avg_pool{n}d"
        compare_pool(lambda F, x: getattr(F, fn)(x, k, s, p, ceil, cip, div), x, rtol)
        compare_pool(lambda F, x: getattr(F, fn)(x, k, s, p, ceil_mode=ceil,
                                                 count_include_pad=cip,
                                                 divisor_override=div), x, rtol, grad=False)


def test_avg_pool_integers_vs_torch():
    x = np.random.default_rng(0).integers(-9, 9, (2, 3, 7, 6))
    compare_pool(lambda F, x: F.avg_pool2d(x, 3, 2, 1), x, grad=False)
    compare_pool(lambda F, x: F.avg_pool2d(x, 3, 2, 1, True, False, 4), x, grad=False)
    compare_pool(lambda F, x: F.avg_pool1d(x[0], 3, 1, 1), x, grad=False)
    compare_pool(lambda F, x: F.avg_pool3d(x, 2, 1), x, grad=False)


def test_torch_namespace_forms_vs_torch():
    x = distinct((2, 3, 9), 1)
    compare_pool(lambda F, x: (ember if F.__name__.startswith("ember") else torch)
                 .max_pool1d(x, 2, 1, 1, 1, True), x)
    for lib_f in (lambda T, x: T.max_pool2d(x[None], 2),
                  lambda T, x: T.max_pool3d(x[None, None], 2, 1),
                  lambda T, x: T.max_pool1d_with_indices(x, 3, 2, 1),
                  lambda T, x: T.avg_pool1d(x, 3, 2, 1, True, False),
                  lambda T, x: T.adaptive_avg_pool1d(x, 4),
                  lambda T, x: T.adaptive_max_pool1d(x, 4)):
        compare_pool(lambda F, x: lib_f(ember if F.__name__.startswith("ember") else torch, x),
                     x)


def test_empty_batch_vs_torch():
    x = np.zeros((0, 2, 6, 6))
    compare_pool(lambda F, x: F.max_pool2d(x, 2, return_indices=True), x, grad=False)
    compare_pool(lambda F, x: F.avg_pool2d(x, 3, 2, 1), x, grad=False)
    compare_pool(lambda F, x: F.max_pool1d(x, 2), x[:, :1, 0], grad=False)


def _ember_input(shape, seed=2):
    return ember.tensor(distinct(shape, seed), requires_grad=True)


GRADCHECK = [
    ("max1", lambda F, x: F.max_pool1d(x, 3, 2, 1, 2, True), (2, 2, 9)),
    ("max2", lambda F, x: F.max_pool2d(x, 3, 2, 1, (2, 1), True), (2, 2, 7, 6)),
    ("max2_overlap_unbatched", lambda F, x: F.max_pool2d(x, 3, 1, 1), (2, 5, 4)),
    ("max3", lambda F, x: F.max_pool3d(x, 2, (1, 2, 1), 1, 1, True), (1, 2, 3, 4, 3)),
    ("avg1", lambda F, x: F.avg_pool1d(x, 3, 2, 1, True, False), (2, 2, 8)),
    ("avg2", lambda F, x: F.avg_pool2d(x, 3, 2, 1, True, False), (2, 2, 7, 6)),
    ("avg2_divisor", lambda F, x: F.avg_pool2d(x, 2, 1, 1, divisor_override=3), (2, 4, 5)),
    ("avg3", lambda F, x: F.avg_pool3d(x, 2, 1, 1, True, True), (1, 2, 3, 4, 3)),
]


@pytest.mark.parametrize("row", GRADCHECK, ids=[r[0] for r in GRADCHECK])
def test_gradcheck_and_gradgradcheck(row):
    _, f, shape = row
    import ember.nn.functional as F
    x = _ember_input(shape)
    assert ember.autograd.gradcheck(lambda x: f(F, x), (x,), eps=1e-6, atol=1e-5)
    assert ember.autograd.gradgradcheck(lambda x: f(F, x), (x,), eps=1e-6, atol=1e-4)


def test_double_backward_vs_torch():
    """The gradient of a gradient (create_graph=True) through each pool."""
    x = distinct((2, 2, 6, 5), 4)
    w = distinct((2, 2, 6, 5), 9)
    for f in (lambda F, x: F.max_pool2d(x, 3, 2, 1),
              lambda F, x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False),
              lambda F, x: F.adaptive_avg_pool2d(x, (4, 3)),
              lambda F, x: F.adaptive_max_pool2d(x, (4, 3))):
        results = []
        for T in (ember, torch):
            xt = T.tensor(x, requires_grad=True)
            y = f(T.nn.functional, xt * xt)
            (g,) = T.autograd.grad((y * y).sum(), xt, create_graph=True)
            (g * T.tensor(w)).sum().backward()
            results.append((g.detach().numpy(), xt.grad.numpy()))
        for a, b in zip(*results):
            np.testing.assert_allclose(a, b, rtol=1e-10)


def test_gradient_of_a_constant_upstream_requires_grad_vs_torch():
    """PyTorch's pool backward takes the pool's input: a gradient made with
    create_graph=True requires grad even when the upstream one is constant,
    and its own gradient with respect to the input is zero."""
    x = distinct((1, 2, 5, 4), 8)
    for f in (lambda F, x: F.max_pool2d(x, 2, 1),
              lambda F, x: F.avg_pool3d(x, 2, 1, 1),
              lambda F, x: F.adaptive_avg_pool2d(x, (2, 3)),
              lambda F, x: F.adaptive_max_pool2d(x, 3)):
        results = []
        for T in (ember, torch):
            xt = T.tensor(x, requires_grad=True)
            (g,) = T.autograd.grad(f(T.nn.functional, xt).sum(), xt, create_graph=True)
            assert g.requires_grad
            names = chain(g)
            (g * T.tensor(x)).sum().backward()
            results.append((names, g.detach().numpy(), xt.grad.numpy()))
        (en, eg, ex), (tn, tg, tx) = results
        assert en[0] == tn[0]
        np.testing.assert_allclose(eg, tg, rtol=1e-12)
        np.testing.assert_array_equal(ex, tx)


def test_half_precision_sums_in_float_vs_torch():
    x = distinct((2, 3, 9, 9), 0, np.float16)
    for f in (lambda F, x: F.avg_pool2d(x, 3, 2, 1),
              lambda F, x: F.avg_pool2d(x, 5, 1, 2, count_include_pad=False),
              lambda F, x: F.adaptive_avg_pool2d(x, 4),
              lambda F, x: F.max_pool2d(x, 3, 2, 1, return_indices=True)):
        compare_pool(f, x, rtol=0, atol=0, grad=False)
