"""sort(stable=False) among tied values (ops/_introsort.py): the indices
PyTorch's CPU kernel (libstdc++'s std::sort; stable where it sorts nothing or
uses fbgemm's radix sort) returns, against PyTorch on random inputs full of
ties: rows of 17 to 300 entries and a few thousand, every dtype, both
directions, NaN, every dim, views that are not contiguous, argsort and msort."""
import numpy as np
import pytest

import ember
from ember.ops import _introsort

torch = pytest.importorskip("torch")

DTYPES = [np.float32, np.float64, np.float16, np.int64, np.int32, np.int16, np.int8,
          np.uint8, np.bool_]


def _tied(rng, shape, levels, dtype, nan_rate=0.0):
    x = rng.integers(0, levels, shape)
    x = (x > 0) if dtype is np.bool_ else x.astype(dtype)
    if nan_rate:
        x[rng.random(shape) < nan_rate] = np.nan
    return x


def _same(t, e, dim=-1, descending=False):
    want = torch.sort(t, dim=dim, descending=descending)
    got = ember.sort(e, dim=dim, descending=descending)
    np.testing.assert_array_equal(got.indices.numpy(), want.indices.numpy())
    np.testing.assert_array_equal(got.values.float().numpy(), want.values.float().numpy())
    want_a = torch.argsort(t, dim=dim, descending=descending)
    np.testing.assert_array_equal(ember.argsort(e, dim=dim, descending=descending).numpy(),
                                  want_a.numpy())


def _check(x, dim=-1, descending=False):
    _same(torch.from_numpy(x), ember.tensor(x), dim, descending)


@pytest.mark.parametrize("n", list(range(17, 40)) + [47, 64, 65, 100, 129, 200, 257, 300])
@pytest.mark.parametrize("levels", [1, 2, 5, 40])
def test_rows_of_small_integers(n, levels):
    rng = np.random.default_rng(n * 100 + levels)
    x = _tied(rng, (4, n), levels, np.float32)
    for descending in (False, True):
        _check(x, 1, descending)


@pytest.mark.parametrize("n", [2000, 3001, 5000])
def test_long_rows(n):
    rng = np.random.default_rng(n)
    for levels in (3, 100, n // 3):
        x = _tied(rng, (2, n), levels, np.float64)
        for descending in (False, True):
            _check(x, -1, descending)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("descending", [False, True])
def test_dtypes(dtype, descending):
    rng = np.random.default_rng(3)
    for n in (17, 70, 300, 2500):
        _check(_tied(rng, (3, n), 4, dtype), 1, descending)


def test_bfloat16():
    rng = np.random.default_rng(4)
    x = _tied(rng, (3, 150), 6, np.float32, nan_rate=0.1)
    for descending in (False, True):
        _same(torch.from_numpy(x).bfloat16(), ember.tensor(x).to(ember.bfloat16), 1,
              descending)


@pytest.mark.parametrize("n", [17, 33, 200, 2100])
def test_nans(n):
    rng = np.random.default_rng(n)
    for rate in (0.05, 0.3, 0.9, 1.0):
        for dtype in (np.float32, np.float64, np.float16):
            x = _tied(rng, (3, n), 3, dtype, nan_rate=rate)
            for descending in (False, True):
                _check(x, 1, descending)


def test_infinities_and_signed_zeros():
    rng = np.random.default_rng(5)
    x = rng.choice(np.array([-np.inf, np.inf, 0.0, -0.0, 1.0, np.nan], np.float32), (3, 120))
    for descending in (False, True):
        _check(x, 1, descending)


@pytest.mark.parametrize("dim", [0, 1, 2, -1])
def test_every_dim(dim):
    rng = np.random.default_rng(10 + dim)
    x = _tied(rng, (40, 23, 30), 3, np.float32)
    for descending in (False, True):
        _check(x, dim, descending)


def test_views_that_are_not_contiguous():
    rng = np.random.default_rng(6)
    x = _tied(rng, (60, 80), 4, np.float32)
    t, e = torch.from_numpy(x), ember.tensor(x)
    for descending in (False, True):
        _same(t.t(), e.t(), 1, descending)
        _same(t[:, ::3], e[:, ::3], 1, descending)
        _same(t[::2].t(), e[::2].t(), 0, descending)
        _same(t.t(), e.t(), 0, descending)


def test_stride_zero_is_not_sorted():
    # (PyTorch's kernel leaves the indices 0, 1, ... where the dim has stride 0)
    for dtype in ("float32", "bfloat16", "int64"):
        t = torch.zeros(3, 1, dtype=getattr(torch, dtype)).expand(3, 50)
        e = ember.zeros(3, 1, dtype=getattr(ember, dtype)).expand(3, 50)
        for descending in (False, True):
            _same(t, e, 1, descending)
    _same(torch.ones(1).expand(40), ember.ones(1).expand(40))


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.int16, np.int8, np.uint8])
def test_long_integer_vectors_go_to_radix_sort(dtype):
    # 1-d, ascending, from 32768 entries: fbgemm's radix sort, stable
    rng = np.random.default_rng(7)
    for n in (32767, 32768, 40000):
        x = _tied(rng, (n,), 10, dtype)
        for descending in (False, True):
            _check(x, 0, descending)
    # (not 1-d, or floats: std::sort)
    _check(_tied(rng, (1, 33000), 10, np.int64), 1)
    _check(_tied(rng, (33000,), 10, np.float32), 0)


def test_msort_and_method_forms():
    rng = np.random.default_rng(8)
    x = _tied(rng, (90, 5), 3, np.float32)
    t, e = torch.from_numpy(x), ember.tensor(x)
    np.testing.assert_array_equal(ember.msort(e).numpy(), torch.msort(t).numpy())
    w, g = t.sort(dim=0, stable=False), e.sort(dim=0, stable=False)
    np.testing.assert_array_equal(g.indices.numpy(), w.indices.numpy())
    np.testing.assert_array_equal(e.argsort(1, descending=True).numpy(),
                                  t.argsort(1, descending=True).numpy())
    # stable=True keeps ties in order
    w, g = t.sort(dim=0, stable=True), e.sort(dim=0, stable=True)
    np.testing.assert_array_equal(g.indices.numpy(), w.indices.numpy())


def test_seeded_loop_of_shapes():
    rng = np.random.default_rng(9)
    for _ in range(60):
        n = int(rng.integers(17, 400))
        rows = int(rng.integers(1, 5))
        levels = int(rng.integers(1, max(2, n // 2)))
        dtype = DTYPES[int(rng.integers(len(DTYPES)))]
        x = _tied(rng, (rows, n), levels, dtype)
        _check(x, 1, bool(rng.integers(2)))


def test_untied_rows_and_rows_past_the_limit_keep_numpy_order():
    # rows without two equal values have one answer; rows longer than
    # EXACT_MAX are not replayed (NumPy's order among ties)
    x = np.random.default_rng(11).permutation(5000).astype(np.float32)
    _check(x, 0)
    n = _introsort.EXACT_MAX + 1
    x = np.random.default_rng(12).integers(0, 50, n).astype(np.float32)
    got = ember.sort(ember.tensor(x)).indices.numpy()
    np.testing.assert_array_equal(x[got], np.sort(x))


def test_replay_matches_a_python_std_sort():
    # _introsort against the element-by-element libstdc++ replay in _topk_ties
    from ember.ops._topk_ties import _sort
    rng = np.random.default_rng(13)
    for n in (17, 50, 333, 1024):
        keys = np.sort(rng.integers(0, 7, n))
        first = np.searchsorted(keys, keys)
        keys = rng.permutation(first)[None, :]
        pairs = list(zip(keys[0].tolist(), range(n)))
        _sort(pairs, 0, n)
        got = _introsort.std_sort_rows(keys)[0]
        assert got.tolist() == [i for _, i in pairs]
