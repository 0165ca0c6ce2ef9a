"""Random pool configurations (valid or not) against PyTorch: the same
values, indices and grad_fn names, or the same error."""
import numpy as np
import pytest

from compare_torch import check

pytest.importorskip("torch")


def _configs(seed, count):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        n = int(rng.integers(1, 4))
        batched = bool(rng.integers(0, 2))
        spatial = tuple(int(v) for v in rng.integers(1, 8, n))
        shape = ((2,) if batched else ()) + (int(rng.integers(1, 4)),) + spatial
        k = tuple(int(v) for v in rng.integers(1, 5, n))
        s = tuple(int(v) for v in rng.integers(1, 4, n))
        p = tuple(int(v) for v in rng.integers(0, 3, n))
        d = tuple(int(v) for v in rng.integers(1, 3, n))
        yield shape, n, k, s, p, d, bool(rng.integers(0, 2)), bool(rng.integers(0, 2))


def _x(T, shape):
    n = int(np.prod(shape))
    vals = np.random.default_rng(n).permutation(n).reshape(shape) / n - 0.5
    return T.tensor(vals, requires_grad=True)


@pytest.mark.parametrize("cfg", list(_configs(0, 120)), ids=lambda c: str(c[:3]))
def test_random_max_pools_vs_torch(cfg):
    shape, n, k, s, p, d, ceil, flag = cfg
    if n == 1:
        k, s, p, d = k[0], s[0], p[0], d[0]
    fn = f"max_pool{n}d"
    check(lambda T: getattr(T.nn.functional, fn)(_x(T, shape), k, s, p, d, ceil, flag))


@pytest.mark.parametrize("cfg", list(_configs(1, 120)), ids=lambda c: str(c[:3]))
def test_random_avg_pools_vs_torch(cfg):
    shape, n, k, s, p, _, ceil, cip = cfg
    if n == 1:
        check(lambda T: T.nn.functional.avg_pool1d(_x(T, shape), k[0], s[0], p[0], ceil, cip))
    else:
        div = None if cip else 3
        fn = f"avg_pool{n}d"
        check(lambda T: getattr(T.nn.functional, fn)(_x(T, shape), k, s, p, ceil, cip, div))


@pytest.mark.parametrize("cfg", list(_configs(2, 60)), ids=lambda c: str(c[:3]))
def test_random_adaptive_pools_vs_torch(cfg):
    shape, n, k, *_ = cfg
    o = tuple(v + 1 for v in k)
    if n == 1:
        o = o[0]
    # (sums that cancel to about zero differ in their last bits)
    check(lambda T: getattr(T.nn.functional, f"adaptive_avg_pool{n}d")(_x(T, shape), o),
          atol=1e-12)
    check(lambda T: getattr(T.nn.functional, f"adaptive_max_pool{n}d")(_x(T, shape), o, True))
