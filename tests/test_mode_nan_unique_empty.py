"""mode where a row holds NaN, nanmedian of all-NaN rows, and unique /
unique_consecutive along a dim of an empty tensor, as PyTorch 2.13's CPU
kernels answer: mode sorts (value, index) pairs with std::sort's `<`, which
cannot order NaN, so the answer is where that sort leaves things (replayed);
nanmedian of all NaN is NaN at index 0; unique along a dim of an empty
tensor needs that dim to be its only 0-sized one. Each case states its
values and runs beside PyTorch where it is installed."""
import math

import numpy as np
import pytest

import ember
from compare_torch import check
from review_checks import HAS_TORCH

NAN = float("nan")


@pytest.mark.parametrize("row, value, index", [
    ([3.0, NAN, 3.0, NAN], 3.0, 0),
    ([2.0, 2.0, NAN, 1.0, 1.0], 2.0, 1),
    ([NAN, 0.0, NAN, -0.0], NAN, 0),
    ([NAN, NAN, NAN], NAN, 0),
    ([1.0, NAN, NAN, 2.0], 1.0, 0),
    ([float("inf"), NAN, float("inf"), NAN], float("inf"), 0),
])
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
def test_mode_with_nan(row, value, index, dtype):
    values, indices = ember.mode(ember.tensor(row, dtype=getattr(ember, dtype)))
    got = values.item()
    assert (math.isnan(got) and math.isnan(value)) or got == value
    assert indices.item() == index
    if HAS_TORCH:
        check(lambda T: tuple(T.mode(T.tensor(row, dtype=getattr(T, dtype)))), exact=True)


def test_mode_with_nan_2d_and_long_rows():
    x = [[NAN, NAN], [1.0, NAN], [NAN, 2.0]]
    values, indices = ember.mode(ember.tensor(x), 1)
    assert indices.tolist() == [0, 0, 0]
    assert np.isnan(values.numpy()[[0, 2]]).all() and values.tolist()[1] == 1.0
    values, indices = ember.mode(ember.tensor(x), 0)
    assert indices.tolist() == [0, 0] and np.isnan(values.numpy()).all()
    if HAS_TORCH:
        check(lambda T: tuple(T.mode(T.tensor(x), 1)), exact=True)
        check(lambda T: tuple(T.mode(T.tensor(x), 0)), exact=True)
        rng = np.random.default_rng(0)
        for n in (5, 16, 17, 40):
            v = rng.integers(0, 4, (20, n)).astype(np.float32)
            v[rng.random((20, n)) < 0.3] = np.nan
            check(lambda T: tuple(T.mode(T.tensor(v), 1)), exact=True)


@pytest.mark.parametrize("x, dim, value, index", [
    ([NAN, NAN, NAN], 0, NAN, 0),
    ([[NAN, NAN], [1.0, NAN]], 1, [NAN, 1.0], [0, 0]),
])
def test_nanmedian_all_nan(x, dim, value, index):
    v, i = ember.nanmedian(ember.tensor(x), dim)
    np.testing.assert_array_equal(v.numpy(), np.array(value, np.float32))
    assert i.tolist() == index
    assert math.isnan(ember.nanmedian(ember.tensor([NAN, NAN])).item())
    if HAS_TORCH:
        check(lambda T: tuple(T.nanmedian(T.tensor(x), dim)), exact=True)
        check(lambda T: T.nanmedian(T.tensor([NAN, NAN])), exact=True)


MORE_THAN_ONE = "Number of zero sized dimensions is more than one, so unique cannot be applied "
NOT_SELECTED = ("There are 0 sized dimensions, and they aren't selected, so unique cannot be "
                "applied")


@pytest.mark.parametrize("op", [
    lambda T, x, d: T.unique(x, dim=d),
    lambda T, x, d: T.unique(x, dim=d, return_inverse=True, return_counts=True),
    lambda T, x, d: T.unique(x, sorted=False, dim=d, return_inverse=True),
    lambda T, x, d: T.unique_consecutive(x, dim=d, return_inverse=True, return_counts=True),
])
@pytest.mark.parametrize("shape, dim, message", [
    ((0,), 0, None), ((0, 3), 0, None), ((3, 0), -1, None), ((2, 0, 3), 1, None),
    ((0, 3), 1, NOT_SELECTED), ((3, 0), 0, NOT_SELECTED), ((2, 3, 0), 0, NOT_SELECTED),
    ((0, 0), 0, MORE_THAN_ONE), ((0, 0), 1, MORE_THAN_ONE),
])
def test_unique_along_a_dim_of_an_empty_tensor(op, shape, dim, message):
    if message is not None:
        with pytest.raises(RuntimeError) as info:
            op(ember, ember.zeros(shape), dim)
        assert str(info.value) == message
    else:
        out = op(ember, ember.zeros(shape), dim)
        out = out if isinstance(out, tuple) else (out,)
        assert tuple(out[0].shape) == shape
        assert all(t.shape == (0,) and t.dtype == ember.int64 for t in out[1:])
    if HAS_TORCH:
        check(lambda T: op(T, T.zeros(shape), dim))
