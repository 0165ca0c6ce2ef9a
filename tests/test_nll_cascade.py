"""nll_loss's sum and mean reductions add the picked losses in PyTorch's
cascade order (ops/_nll_cascade.py): bit for bit PyTorch's, for batches
that cross its 16- and 256-element levels, ignored targets (which shift the
cascade's cuts), class weights (their total the same way), every layout
nll_loss takes and the float types it takes."""
import numpy as np
import pytest

from compare_torch import check

torch = pytest.importorskip("torch")

SHAPES = [(1, 3), (16, 2), (17, 4), (255, 3), (257, 2), (700, 5), (4,), (2, 3, 40),
          (3, 4, 9, 11), (2, 3, 5, 4, 7)]


def _case(T, shape, dtype, seed, ignore, weighted, reduction):
    rng = np.random.default_rng(seed)
    n_classes = shape[1] if len(shape) > 1 else shape[0]
    x = T.tensor(rng.standard_normal(shape).astype(np.float32) * 3).to(getattr(T, dtype))
    t_shape = (shape[0],) + shape[2:] if len(shape) > 1 else ()
    t = rng.integers(0, n_classes, t_shape)
    if ignore:
        t = np.where(rng.random(t_shape) < 0.3, -100, t)
        t.reshape(-1)[::16] = -100      # (the cascade's cut points themselves)
    w = T.tensor(rng.random(n_classes).astype(np.float32)).to(x.dtype) if weighted else None
    return T.nn.functional.nll_loss(x, T.tensor(t), weight=w, reduction=reduction)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("ignore", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_nll_loss_reductions_bit_for_bit(shape, ignore, weighted, reduction):
    for seed in range(3):
        check(lambda T: _case(T, shape, "float32", seed, ignore, weighted, reduction),
              exact=True)


@pytest.mark.parametrize("dtype", ["float64", "bfloat16", "float16"])
@pytest.mark.parametrize("shape", [(300, 3), (3, 4, 9, 11)])
def test_nll_loss_reductions_other_dtypes(dtype, shape):
    for ignore in (False, True):
        check(lambda T: _case(T, shape, dtype, 1, ignore, True, "mean"), exact=True)


def test_all_ignored_mean_is_nan_sum_zero():
    check(lambda T: [T.nn.functional.nll_loss(T.zeros(20, 3), T.full((20,), -100),
                                              reduction=r) for r in ("mean", "sum")],
          exact=True)


def test_cascade_sum_matches_a_sequential_model():
    # (the cascade spelled out as PyTorch's loop, for long runs of ignored
    # targets: the ragged-segment path)
    from ember.ops._nll_cascade import cascade_sum
    rng = np.random.default_rng(3)
    n = 70000
    vals = rng.standard_normal(n).astype(np.float32)
    keep = np.ones(n, bool)
    keep[100:40000] = False
    keep[::7] = True
    partial = [np.float32(0)] * 8
    for b in range(n):
        if not keep[b]:
            continue
        partial[0] = np.float32(partial[0] + vals[b])
        for j in range(7):
            if b & (15 << (4 * j)):
                break
            partial[j + 1] = np.float32(partial[j + 1] + partial[j])
            partial[j] = np.float32(0)
    expected = np.float32(0)
    for p in partial:
        expected = np.float32(expected + p)
    kept = np.flatnonzero(keep)
    assert cascade_sum(vals[kept], kept) == expected
