"""The fast paths a LeNet-5 training step runs, against PyTorch: the max
pool backward for windows that tile the input (stride = kernel, no padding,
no dilation; any untiled rows and columns at the ends get no gradient),
the stride-1 convolution input gradient (batch innermost) and the weight
gradient, in float32 and float64, with gradcheck and gradgradcheck; and
glibc keeping freed heap pages (no page faults for recurring temporaries)."""
import platform
import sys

import numpy as np
import pytest

import ember
from compare_torch import check

pytest.importorskip("torch")


def _pool_input(T, shape, seed, ties=False, dtype="float32"):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    if ties:        # (PyTorch's gradient goes to the first maximum of a window)
        x = np.round(x)
    return T.tensor(x.astype(dtype), requires_grad=True)


def _pool_grads(T, fn, shape, seed, ties=False, upstream=None):
    x = _pool_input(T, shape, seed, ties)
    y = fn(T, x)
    g = np.random.default_rng(seed + 1).standard_normal(tuple(y.shape)).astype(np.float32)
    if upstream is not None:
        g.reshape(-1)[::3] = upstream
    y.backward(T.tensor(g))
    return y, x.grad


POOLS = [
    ((2, 3, 28, 28), lambda T, x: T.nn.functional.max_pool2d(x, 2)),
    ((3, 5, 7, 9), lambda T, x: T.nn.functional.max_pool2d(x, 2)),                # odd ends
    ((2, 3, 9, 8), lambda T, x: T.nn.functional.max_pool2d(x, (3, 2))),
    ((4, 7, 10), lambda T, x: T.nn.functional.max_pool2d(x, (2, 3), (2, 3))),     # unbatched
    ((2, 2, 5, 7, 6), lambda T, x: T.nn.functional.max_pool3d(x, (2, 3, 2))),
    ((3, 4, 11), lambda T, x: T.nn.functional.max_pool1d(x, 3)),
    ((2, 3, 8, 8), lambda T, x: T.nn.MaxPool2d(2, return_indices=True)(x)[0]),
    ((2, 3, 8, 9), lambda T, x: T.nn.functional.max_pool2d(x, 1)),
]


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("case", range(len(POOLS)))
def test_tiled_max_pool_backward(case, ties):
    shape, fn = POOLS[case]
    check(lambda T: _pool_grads(T, fn, shape, case, ties))


@pytest.mark.parametrize("value", [np.inf, -np.inf, np.nan])
@pytest.mark.parametrize("fn", [POOLS[1][1], lambda T, x: T.nn.functional.max_pool2d(x, 3, 2, 1)],
                         ids=["tiled", "overlapping"])
def test_max_pool_backward_nonfinite_upstream(fn, value):
    # an inf or nan upstream gradient reaches only the winners' places (not
    # NaN from inf * 0 elsewhere)
    check(lambda T: _pool_grads(T, fn, POOLS[1][0], 3, upstream=value))


def test_tiled_max_pool_gradcheck():
    x = _pool_input(ember, (2, 2, 5, 7), 4, dtype="float64")
    f = lambda x: ember.nn.functional.max_pool2d(x, 2)         # noqa: E731
    assert ember.autograd.gradcheck(f, (x,), eps=1e-6, atol=1e-4)
    assert ember.autograd.gradgradcheck(f, (x,), eps=1e-6, atol=1e-4)


CONVS = [   # (input shape, weight shape, keyword arguments)
    ((64, 1, 28, 28), (6, 1, 5, 5), dict(padding=2)),     # LeNet-5's two
    ((64, 6, 14, 14), (16, 6, 5, 5), {}),
    ((3, 4, 9, 7), (6, 2, 3, 2), dict(padding=(1, 2), dilation=(2, 1), groups=2)),
    ((1, 2, 6, 5, 7), (3, 2, 2, 3, 2), dict(padding=(0, 1, 1), dilation=(1, 1, 2))),
    ((5, 3, 11), (4, 3, 4), dict(padding=3)),
    ((2, 3, 4, 4), (2, 3, 1, 1), {}),
]


def _conv_grads(T, x_shape, w_shape, kw, seed, dtype):
    rng = np.random.default_rng(seed)
    x = T.tensor(rng.standard_normal(x_shape).astype(dtype), requires_grad=True)
    w = T.tensor(rng.standard_normal(w_shape).astype(dtype), requires_grad=True)
    b = T.tensor(rng.standard_normal(w_shape[0]).astype(dtype), requires_grad=True)
    fn = getattr(T.nn.functional, f"conv{len(x_shape) - 2}d")
    y = fn(x, w, b, **kw)
    y.backward(T.tensor(rng.standard_normal(tuple(y.shape)).astype(dtype)))
    return y, x.grad, w.grad, b.grad


@pytest.mark.parametrize("dtype,rtol,atol", [("float32", 1e-3, 1e-2), ("float64", 1e-10, 1e-10)])
@pytest.mark.parametrize("case", range(len(CONVS)))
def test_unit_stride_conv_gradients(case, dtype, rtol, atol):
    x_shape, w_shape, kw = CONVS[case]
    check(lambda T: _conv_grads(T, x_shape, w_shape, kw, case, dtype), rtol=rtol, atol=atol)


@pytest.mark.parametrize("case", [2, 3, 4])
def test_unit_stride_conv_gradcheck(case):
    x_shape, w_shape, kw = CONVS[case]
    rng = np.random.default_rng(case)
    x = ember.tensor(rng.standard_normal(x_shape), requires_grad=True)
    w = ember.tensor(rng.standard_normal(w_shape), requires_grad=True)
    fn = getattr(ember.nn.functional, f"conv{len(x_shape) - 2}d")
    f = lambda x, w: fn(x, w, **kw)         # noqa: E731
    assert ember.autograd.gradcheck(f, (x, w), eps=1e-6, atol=1e-5)
    assert ember.autograd.gradgradcheck(f, (x, w), eps=1e-6, atol=1e-5)


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="glibc's malloc only")
def test_freed_arrays_reuse_their_pages():
    resource = pytest.importorskip("resource")
    # eight 1 MiB temporaries at a time, as a training step makes them: by
    # default glibc trims them from its heap when freed and faults them in again
    for _ in range(3):
        arrays = [np.ones(1 << 18, np.float32) for _ in range(8)]
        del arrays
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(20):
        arrays = [np.ones(1 << 18, np.float32) for _ in range(8)]
        del arrays
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
    assert faults < 100, faults     # (2,000+ without; one pass is 2,048 pages)
