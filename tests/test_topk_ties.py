"""topk among tied values (ops/_topk_ties.py): the indices PyTorch's CPU
kernel picks and the order it returns them in, against PyTorch on random
inputs full of ties (small integers, zeros, NaNs), every k, both `largest`,
both `sorted`, several dims and dtypes."""
import numpy as np
import pytest

import ember
from ember.ops import _topk_ties

torch = pytest.importorskip("torch")


def _tied(rng, shape, levels, dtype, nan_rate=0.0):
    x = rng.integers(0, levels, shape).astype(dtype)
    if nan_rate:
        x[rng.random(shape) < nan_rate] = np.nan
    return x


def _same_as_torch(x, k, dim, largest, sorted):
    """Ember's topk of `x` is PyTorch's: exactly where PyTorch's order is
    defined by ties or by sorting; otherwise (an untied row, unsorted) the
    same entries, in sorted order."""
    want = torch.topk(torch.from_numpy(x), k, dim, largest, sorted)
    got = ember.topk(ember.tensor(x), k, dim, largest, sorted)
    wi, gi = want.indices.numpy(), got.indices.numpy()
    wv, gv = want.values.numpy(), got.values.numpy()
    assert gv.dtype == wv.dtype and gi.dtype == wi.dtype == np.int64
    np.testing.assert_array_equal(np.take_along_axis(x, gi, dim), gv)
    if sorted or k == 0:
        np.testing.assert_array_equal(gi, wi)
        np.testing.assert_array_equal(gv, wv)
        return
    rows_x = np.moveaxis(x, dim, -1).reshape(-1, x.shape[dim])
    rows_w = np.moveaxis(wi, dim, -1).reshape(-1, k)
    rows_g = np.moveaxis(gi, dim, -1).reshape(-1, k)
    vals = np.take_along_axis(rows_x, np.sort(rows_g, axis=1), 1)
    best = -np.sort(-vals, 1) if largest else np.sort(vals, 1)
    tied = _topk_ties.tied_rows(rows_x, best, 1, k)
    tied = np.zeros(len(rows_x), bool) if tied is None else tied[:, 0]
    for r in range(len(rows_x)):
        if tied[r]:
            np.testing.assert_array_equal(rows_g[r], rows_w[r])
        else:
            assert sorted_set(rows_g[r]) == sorted_set(rows_w[r])


def sorted_set(a):
    return np.sort(a).tolist()


@pytest.mark.parametrize("n", [1, 2, 3, 5, 16, 17, 40, 130, 300])
@pytest.mark.parametrize("levels", [1, 2, 4])
def test_rows_of_small_integers_every_k(n, levels):
    rng = np.random.default_rng(n * 10 + levels)
    x = _tied(rng, (3, n), levels, np.float32)
    ks = range(0, n + 1) if n <= 40 else sorted({0, 1, 2, 3, n // 64, n // 64 + 1, n // 2,
                                                 n - 1, n})
    for k in ks:
        for largest in (True, False):
            for s in (True, False):
                _same_as_torch(x, k, 1, largest, s)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16, np.int64,
                                   np.int32, np.int16, np.int8, np.uint8])
def test_dtypes(dtype):
    rng = np.random.default_rng(7)
    x = _tied(rng, (4, 70), 3, dtype)
    for k in (1, 2, 5, 35, 69, 70):
        for largest in (True, False):
            for s in (True, False):
                _same_as_torch(x, k, -1, largest, s)


@pytest.mark.parametrize("n", [7, 33, 200])
def test_nans(n):
    rng = np.random.default_rng(n)
    x = _tied(rng, (5, n), 3, np.float64, nan_rate=0.3)
    x[0] = np.nan
    x[1] = 0.0
    for k in sorted({1, 2, 3, n // 2, n - 1, n}):
        for largest in (True, False):
            for s in (True, False):
                _same_as_torch(x, k, 1, largest, s)


@pytest.mark.parametrize("dim", [0, 1, 2, -1])
def test_other_dims(dim):
    rng = np.random.default_rng(dim + 5)
    x = _tied(rng, (6, 5, 7), 2, np.float32)
    for k in range(0, x.shape[dim] + 1):
        for largest in (True, False):
            for s in (True, False):
                _same_as_torch(x, k, dim, largest, s)


def test_examples_from_the_report():
    def both(f):
        assert f(ember).indices.tolist() == f(torch).indices.tolist()
    both(lambda T: T.zeros(10).topk(3))
    both(lambda T: T.tensor([5, 5, 5, 5]).topk(2, largest=False))
    both(lambda T: T.tensor([[1., 1, 1], [2, 2, 2]]).topk(2, dim=1))
    both(lambda T: T.zeros(1000).topk(5))          # the heap path (k * 64 <= n)
    both(lambda T: T.zeros(3000).topk(40, sorted=False))
    both(lambda T: T.zeros(100).topk(60, sorted=False))


def test_mixed_rows_replay_only_the_tied_ones():
    x = np.array([[3.0, 1.0, 2.0, 0.0], [1.0, 1.0, 1.0, 1.0]], np.float32)
    rows = x
    vals = -np.sort(-x, 1)[:, :2]
    assert _topk_ties.tied_rows(rows, vals, 1, 2)[:, 0].tolist() == [False, True]
    assert _topk_ties.tied_rows(rows[:1], vals[:1], 1, 2) is None
    _same_as_torch(x, 2, 1, True, True)


def test_gradient_goes_to_the_picked_entries():
    for T in (ember, torch):
        x = T.zeros(2, 6, dtype=T.float64, requires_grad=True)
        T.topk(x, 3, 1).values.sum().backward()
        if T is ember:
            got = x.grad.numpy()
        else:
            want = x.grad.numpy()
    np.testing.assert_array_equal(got, want)


def test_topk_set_matches_the_indices():
    rng = np.random.default_rng(3)
    x = _tied(rng, 500, 2, np.float64, nan_rate=0.1)
    for k in (1, 7, 8, 250, 499):
        for largest in (True, False):
            want = torch.topk(torch.from_numpy(x), k, largest=largest).indices.numpy()
            assert sorted_set(_topk_ties.topk_set(x, k, largest)) == sorted_set(want)


def _index_ops_agree(f, shapes, levels=(1, 2, 4), nan_rates=(0.0, 0.3), seed=0):
    rng = np.random.default_rng(seed)
    for shape in shapes:
        for lv in levels:
            for nan in nan_rates:
                x = _tied(rng, shape, lv, np.float32, nan)
                for T_args in f(x):
                    want, got = T_args(torch, torch.from_numpy(x)), T_args(ember, ember.tensor(x))
                    np.testing.assert_array_equal(got.indices.numpy(), want.indices.numpy())
                    np.testing.assert_array_equal(got.values.numpy(), want.values.numpy())


SHAPES = [(4, 1), (4, 2), (4, 5), (4, 16), (4, 17), (3, 40), (2, 300)]


def test_kthvalue_picks_pytorchs_among_equal():
    # ATen's quickselect, replayed where the k-th value is tied.
    _index_ops_agree(lambda x: [
        (lambda T, t, k=k, d=d: T.kthvalue(t, k, d))
        for d in (0, 1) for k in sorted({1, 2, (x.shape[d] + 1) // 2, x.shape[d]})
        if k <= x.shape[d]], SHAPES)
    _index_ops_agree(lambda x: [lambda T, t: T.kthvalue(t, 3, 1, keepdim=True)],
                     [(3, 5)], nan_rates=(0.0,), levels=(1,), seed=1)


def test_median_dim_picks_pytorchs_among_equal():
    # nth_element with ties broken by index: the stable sort's middle.
    _index_ops_agree(lambda x: [lambda T, t: T.median(t, 1), lambda T, t: T.median(t, 0),
                                lambda T, t: T.nanmedian(t, 1)], SHAPES)
    for dtype in (np.int64, np.int8):
        x = _tied(np.random.default_rng(2), (5, 30), 3, dtype)
        want, got = torch.from_numpy(x).median(1), ember.tensor(x).median(1)
        np.testing.assert_array_equal(got.indices.numpy(), want.indices.numpy())


def test_short_unstable_sort_is_stable_as_pytorchs():
    # std::sort is an insertion sort on up to 16 entries.
    _index_ops_agree(lambda x: [
        (lambda T, t, s=s, desc=desc: T.sort(t, dim=1, descending=desc, stable=s))
        for s in (False, True) for desc in (False, True)] + [
        lambda T, t: T.sort(t, 1), lambda T, t: T.sort(t, 1, descending=True)],
        [(4, 1), (4, 2), (6, 5), (6, 16)])


def test_multinomial_without_replacement_over_zero_probabilities():
    # PyTorch draws by topk of p / Exponential(1): zero probabilities tie.
    p = np.array([[0.5, 0, 0, 0, 0, 0.3, 0, 0, 0, 0.2] * 3] * 4, np.float32)
    for seed in range(5):
        ember.manual_seed(seed)
        torch.manual_seed(seed)
        np.testing.assert_array_equal(ember.multinomial(ember.tensor(p), 12).numpy(),
                                      torch.multinomial(torch.tensor(p), 12).numpy())
