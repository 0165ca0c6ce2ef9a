"""The sorting family against PyTorch: values, indices, dtypes, named-tuple
reprs, keyword arguments, NaN, ties, empty and 0-d inputs, errors."""
import math

import numpy as np
import pytest

import ember
from compare_torch import check_error
from sorting_checks import (DISTINCT, DTYPES, NAN, ROWS, ROWS_DISTINCT_MIDDLE, check,
                            check_tuple_out, grad_of, t)

torch = pytest.importorskip("torch")


# -- sort, argsort, msort ---------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("descending", [False, True])
def test_sort_stable_matches_torch_for_every_dtype(dtype, descending):
    data = np.random.default_rng(1).integers(0, 4, (3, 50)).tolist()
    check(lambda T: T.sort(t(T, data, dtype), dim=1, descending=descending, stable=True),
          exact=True)
    check(lambda T: T.argsort(t(T, data, dtype), dim=0, descending=descending, stable=True),
          exact=True)


def test_sort_nan_is_largest_and_repr():
    check(lambda T: T.sort(t(T, ROWS), stable=True), reprs=True)
    check(lambda T: T.sort(t(T, ROWS), dim=0, descending=True, stable=True), reprs=True)
    check(lambda T: t(T, ROWS).msort())
    check(lambda T: t(T, ROWS).sort(descending=True)[0])
    check(lambda T: T.sort(t(T, DISTINCT, requires_grad=True), 0), reprs=True)


def test_sort_grad_fn_follows_the_overload():
    check(lambda T: T.sort(t(T, DISTINCT, requires_grad=True)).values)
    check(lambda T: T.sort(t(T, DISTINCT, requires_grad=True), stable=False).values)
    check(lambda T: T.argsort(t(T, DISTINCT, requires_grad=True)))


def test_sort_edge_shapes():
    check(lambda T: T.sort(T.tensor(3.0)), reprs=True)
    check(lambda T: T.sort(T.zeros(2, 0), 1))
    check(lambda T: T.sort(T.zeros(0)))
    check(lambda T: T.argsort(T.tensor(2)))
    check(lambda T: T.sort(t(T, DISTINCT).t(), dim=1, stable=True))


def test_sort_out_and_errors():
    check_tuple_out(lambda T, out: T.sort(t(T, DISTINCT), 1, out=out))
    check_error(lambda T: (t(T, DISTINCT),), lambda T, x: T.sort(x, 2))
    check_error(lambda T: (t(T, DISTINCT),), lambda T, x: x.argsort(-3))
    check(lambda T: T.sort(t(T, DISTINCT), out=T.empty(0)), message=False)


# -- topk, kthvalue ---------------------------------------------------------

@pytest.mark.parametrize("largest", [True, False])
def test_topk(largest):
    check(lambda T: T.topk(t(T, DISTINCT), 2, largest=largest), reprs=True)
    check(lambda T: t(T, DISTINCT).topk(3, 0, largest, True))
    check(lambda T: T.topk(t(T, [[1.0, NAN, 3.0]]), 2, largest=largest))
    check(lambda T: T.topk(t(T, [5, 1, 3], "int32"), 2, largest=largest))
    check(lambda T: T.topk(t(T, DISTINCT), 0))
    check(lambda T: T.topk(T.tensor(2.0), 1))


@pytest.mark.parametrize("shape, k, dim", [((50,), 5, 0), ((7, 30), 4, 1), ((30, 7), 3, 0),
                                           ((5, 6, 7), 7, 2), ((40,), 40, 0)])
def test_topk_partitioned_matches_torch(shape, k, dim):
    data = np.random.default_rng(k).standard_normal(shape).tolist()
    for largest in (True, False):
        check(lambda T: T.topk(t(T, data), k, dim, largest))


@pytest.mark.parametrize("shape, k, dim", [((3, 4), 2, 1), ((2, 9, 3), 5, 1), ((40, 3), 7, 0),
                                           ((200,), 3, 0), ((129,), 2, 0)])
@pytest.mark.parametrize("largest", [True, False])
def test_topk_unsorted_in_pytorchs_order(shape, k, dim, largest):
    # sorted=False returns what PyTorch's nth_element leaves, in its order
    # (k * 64 > n; from 64k <= n PyTorch's partial_sort sorts anyway)
    data = np.random.default_rng(sum(shape) + k).standard_normal(shape).astype(np.float32)
    data.reshape(-1)[::11] = np.round(data.reshape(-1)[::11])    # (some ties)
    check(lambda T: T.topk(T.tensor(data), k, dim, largest, sorted=False))


def test_topk_errors():
    for k in (5, -1):
        check_error(lambda T: (t(T, DISTINCT),), lambda T, x: T.topk(x, k))
    check_error(lambda T: (T.tensor(2.0),), lambda T, x: T.topk(x, 2))
    check(lambda T: T.topk(t(T, DISTINCT), 1, out=T.empty(0)), message=False)


def test_kthvalue():
    check(lambda T: T.kthvalue(t(T, DISTINCT), 2), reprs=True)
    check(lambda T: t(T, DISTINCT).kthvalue(3, 0, True))
    check(lambda T: T.kthvalue(t(T, [[1.0, NAN, 3.0]]), 3))
    check(lambda T: T.kthvalue(t(T, [7, 1, 3], "int64"), 1, keepdim=True))
    check(lambda T: T.kthvalue(T.tensor(3.0), 1), reprs=True)
    check_tuple_out(lambda T, out: T.kthvalue(t(T, DISTINCT), 2, dim=1, out=out))


def test_kthvalue_errors():
    for k in (0, 5):
        check_error(lambda T: (t(T, DISTINCT),), lambda T, x: T.kthvalue(x, k))
    check_error(lambda T: (T.zeros(3, 0),), lambda T, x: T.kthvalue(x, 1, 1))


# -- median, nanmedian, mode ------------------------------------------------

def test_median():
    check(lambda T: T.median(t(T, DISTINCT)))
    check(lambda T: T.median(t(T, ROWS)))
    check(lambda T: T.median(t(T, ROWS[1:])))
    check(lambda T: T.median(t(T, [4, 1, 3, 2], "int32")))
    check(lambda T: T.median(T.tensor([])))
    # (which index of equal values median reports is implementation-defined:
    # here the middle values are distinct)
    check(lambda T: T.median(t(T, ROWS_DISTINCT_MIDDLE), 1), reprs=True)
    check(lambda T: t(T, DISTINCT).median(0, keepdim=True))
    check(lambda T: T.median(T.tensor(3.0), 0), reprs=True)
    check(lambda T: T.median(t(T, DISTINCT, requires_grad=True)))


def test_nanmedian():
    check(lambda T: T.nanmedian(t(T, ROWS)))
    check(lambda T: T.nanmedian(t(T, [NAN, NAN])))
    check(lambda T: T.nanmedian(t(T, ROWS), 1), reprs=True)
    check(lambda T: T.nanmedian(t(T, [[NAN, NAN], [1.0, NAN]]), 1, True))
    check(lambda T: T.nanmedian(t(T, [[5, 1, 2], [0, 4, 4]], "int64"), 1))
    check(lambda T: T.nanmedian(t(T, DISTINCT, requires_grad=True), 0).values)


def test_median_gradient_is_shared_by_ties():
    grad_of(lambda T, x: T.median(x), [[1.0, 2.0, 2.0], [2.0, 0.0, 5.0]])
    grad_of(lambda T, x: T.median(x), [1.0, NAN, 2.0, NAN])
    grad_of(lambda T, x: T.nanmedian(x), [1.0, NAN, 2.0, 1.0])


def test_median_out():
    check_tuple_out(lambda T, out: T.median(t(T, ROWS_DISTINCT_MIDDLE), 1, out=out))
    check_tuple_out(lambda T, out: T.nanmedian(t(T, ROWS), 0, True, out=out))
    check(lambda T: T.median(t(T, ROWS), out=T.empty(0)))
    check_error(lambda T: (T.zeros(2, 0),), lambda T, x: T.median(x, 1))


def test_mode():
    check(lambda T: T.mode(t(T, [[1.0, 2.0, 2.0, 1.0, 0.0], [3, 3, 1, 1, 1]])), reprs=True)
    check(lambda T: T.mode(t(T, [[1, 2, 2], [3, 1, 1], [1, 2, 1]], "int64"), 0, True))
    check(lambda T: t(T, [True, False, False]).mode())
    check(lambda T: T.mode(T.tensor(4.0)))
    check_tuple_out(lambda T, out: T.mode(t(T, [[7.0]]), out=out))
    check_error(lambda T: (T.tensor([]),), lambda T, x: T.mode(x))

    grad_of(lambda T, x: T.mode(x, 1).values, [[1.0, 2.0, 2.0, 1.0], [3.0, 3.0, 1.0, 0.5]])


@pytest.mark.parametrize("seed", range(6))
def test_mode_index_past_sixteen_elements_is_pytorchs(seed):
    """PyTorch's mode sorts with std::sort, unstable past 16 elements: the
    reported index of a tied run is the one that sort leaves last (20 zeros
    report index 1, not 19)."""
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, 1 + seed, (3, 17 + 300 * seed))
    check(lambda T: T.mode(T.tensor(rows), 1))
    check(lambda T: T.mode(T.tensor(rows.T.astype(np.float32)), 0, True))
    check(lambda T: T.mode(T.zeros(20)))
    check(lambda T: T.mode(T.tensor(np.sort(rows, 1)[:, ::-1].copy()), -1))


# -- quantile ---------------------------------------------------------------

@pytest.mark.parametrize("mode", ["linear", "lower", "higher", "midpoint", "nearest"])
def test_quantile_interpolations(mode):
    data = np.random.default_rng(3).standard_normal((4, 7)).tolist()
    q = [0.0, 0.25, 0.5, 0.9, 1.0]
    for fn in ("quantile", "nanquantile"):
        check(lambda T: getattr(T, fn)(t(T, data), t(T, q), dim=1, interpolation=mode))
        check(lambda T: getattr(T, fn)(t(T, data), 0.35, dim=0, keepdim=True,
                                       interpolation=mode))
        check(lambda T: getattr(T, fn)(t(T, data, "float64"), t(T, q, "float64"),
                                       interpolation=mode, keepdim=True))
        check(lambda T: getattr(T, fn)(t(T, ROWS), t(T, q), 1, interpolation=mode))


def test_quantile_shapes():
    check(lambda T: T.quantile(T.tensor(2.0), 0.5))
    check(lambda T: T.quantile(T.tensor(2.0), 0.5, dim=0, keepdim=True))
    check(lambda T: T.quantile(T.rand(2, 3, 4), T.tensor([0.1, 0.6]), dim=1, keepdim=True)
          .shape)
    check(lambda T: T.quantile(T.tensor([1.0, 2.0]), 1))
    check(lambda T: T.nanquantile(t(T, [NAN, NAN]), 0.5))
    check(lambda T: T.quantile(t(T, DISTINCT), 0.5, 1, out=T.empty(0)))


@pytest.mark.parametrize("data, call", [
    ([], lambda T, x: T.quantile(x, 0.5)), ([1, 2], lambda T, x: T.quantile(x, 0.5)),
    ([1.0, 2.0], lambda T, x: T.quantile(x, 1.5)),
    ([1.0, 2.0], lambda T, x: T.nanquantile(x, -0.25)),
    ([1.0, 2.0], lambda T, x: T.quantile(x, T.tensor([0.5, 2.0]))),
    ([1.0, 2.0], lambda T, x: T.quantile(x, T.tensor([[0.5]]))),
    ([1.0, 2.0], lambda T, x: T.quantile(x, T.tensor([0.5], dtype=T.float64))),
    ([1.0, 2.0], lambda T, x: T.quantile(x, 0.5, interpolation="mean")),
    ([1.0, 2.0], lambda T, x: T.quantile(x, 0.5, dim=1)),
])
def test_quantile_errors(data, call):
    check_error(lambda T: (T.tensor(data),), call)


# -- counting and binning ----------------------------------------------------

@pytest.mark.parametrize("dtype", ["int64", "float32", "uint8", "bool"])
def test_unique(dtype):
    data = [[3, 1, 2], [1, 3, 1], [3, 1, 2]]
    for kw in ({}, {"return_inverse": True}, {"return_counts": True},
               {"return_inverse": True, "return_counts": True}):
        check(lambda T: T.unique(t(T, data, dtype), **kw))
        check(lambda T: t(T, data, dtype).unique(sorted=False, **kw))
        check(lambda T: T.unique(t(T, data, dtype), dim=0, **kw))
        check(lambda T: T.unique(t(T, data, dtype), dim=1, **kw))
        check(lambda T: T.unique_consecutive(t(T, data, dtype), **kw))
        check(lambda T: T.unique_consecutive(t(T, data, dtype), dim=0, **kw))
        check(lambda T: t(T, [[1, 1, 2, 2], [1, 1, 3, 2]], dtype).unique_consecutive(dim=1, **kw))


def test_unique_nan_and_grad():
    check(lambda T: T.unique(t(T, [NAN, 1.0, NAN, 1.0, 0.0]), return_inverse=True,
                             return_counts=True))
    check(lambda T: T.unique(t(T, DISTINCT, requires_grad=True)))
    check(lambda T: T.unique(T.tensor(2.0), return_inverse=True))
    check(lambda T: T.unique_consecutive(T.tensor([]), return_counts=True))


@pytest.mark.parametrize("right", [False, True])
def test_searchsorted_and_bucketize(right):
    seq = [1.0, 2.0, 2.0, 4.0]
    vals = [[0.5, 2.0], [4.0, 5.0]]
    check(lambda T: T.searchsorted(t(T, seq), t(T, vals), right=right))
    check(lambda T: T.searchsorted(t(T, seq), t(T, vals), side="right" if right else "left",
                                   out_int32=True))
    check(lambda T: T.searchsorted(t(T, seq), 2.0, right=right))
    check(lambda T: T.searchsorted(t(T, [[1, 3, 5], [2, 2, 6]]), t(T, [[3, 4], [2, 7]]),
                                   right=right))
    check(lambda T: T.searchsorted(t(T, [4.0, 1.0, 2.0]), t(T, vals), right=right,
                                   sorter=t(T, [1, 2, 0])))
    check(lambda T: T.bucketize(t(T, vals), t(T, seq), right=right))
    check(lambda T: T.bucketize(3, t(T, seq), out_int32=True, right=right))
    check(lambda T: T.searchsorted(t(T, seq), t(T, vals), right=right,
                                   out=T.empty(0, dtype=T.int64)))


@pytest.mark.parametrize("seq, call", [
    ([1.0, 2.0], lambda T, s, v: T.searchsorted(s, v, side="middle")),
    ([1.0, 2.0], lambda T, s, v: T.searchsorted(s, v, side="left", right=True)),
    ([[1.0, 2.0]], lambda T, s, v: T.searchsorted(s, T.tensor([1.5, 2.0]))),
    ([[1.0, 2.0]], lambda T, s, v: T.searchsorted(s, 1.0)),
    ([1.0, 2.0], lambda T, s, v: T.searchsorted(s, v, sorter=T.tensor([0]))),
    ([1.0, 2.0], lambda T, s, v: T.searchsorted(s, v, sorter=T.tensor([0, 2]))),
    ([[1.0, 2.0]], lambda T, s, v: T.bucketize(v, s)),
])
def test_searchsorted_errors(seq, call):
    check_error(lambda T: (T.tensor(seq), T.tensor([1.5])), call)


def test_histc():
    data = [[0.5, 1.0, 2.0], [2.0, -3.0, 7.5]]
    check(lambda T: T.histc(t(T, data)))
    check(lambda T: T.histc(t(T, data), bins=4, min=0, max=2))
    check(lambda T: t(T, data, "float64").histc(5, -3, 7.5))
    check(lambda T: T.histc(t(T, [2.0, 2.0]), 3))
    check(lambda T: T.histc(T.tensor([]), 3))
    check(lambda T: T.histc(t(T, [0.1, 0.2, 0.3, 0.4, NAN]), 4, min=0.1, max=0.4))
    check(lambda T: T.histc(t(T, data), 3, out=T.empty(0)))
    check_error(lambda T: (t(T, [1, 2]),), lambda T, x: T.histc(x))
    check_error(lambda T: (t(T, data),), lambda T, x: T.histc(x, min=2, max=1))
    check_error(lambda T: (t(T, data),), lambda T, x: T.histc(x, bins=-1))
    check_error(lambda T: (t(T, data),), lambda T, x: T.histc(x, min=0, max=math.inf))


def test_histogram():
    data = np.random.default_rng(5).standard_normal(50).astype(np.float32).tolist()
    check(lambda T: T.histogram(t(T, data)), rtol=1e-5, reprs=False)
    check(lambda T: T.histogram(t(T, data), 7, range=(-1.0, 1.0), density=True), rtol=1e-5)
    check(lambda T: T.histogram(t(T, data), t(T, [-2.0, -0.5, 0.0, 3.0]),
                                weight=T.ones(50) * 2, density=True), rtol=1e-5)
    check(lambda T: t(T, [1.0, 1.0]).histogram(4))
    check(lambda T: T.histogram(t(T, [1.0, 2.0]), 2), reprs=True)
    check_tuple_out(lambda T, out: T.histogram(t(T, data), 3, out=out), ("float32", "float32"))
    check_error(lambda T: (t(T, [1.0]),), lambda T, x: T.histogram(x, T.tensor([0.0, 1.0],
                                                                                dtype=T.float64)))
    check_error(lambda T: (t(T, [1, 2]),), lambda T, x: T.histogram(x, 2))
    check_error(lambda T: (t(T, [1.0]),), lambda T, x: T.histogram(x, 2, range=(1.0, 0.0)))
    check_error(lambda T: (t(T, [1.0]),), lambda T, x: T.histogram(x, 2, weight=T.ones(2)))


def test_bincount():
    check(lambda T: T.bincount(t(T, [1, 2, 2, 5])))
    check(lambda T: T.bincount(t(T, [1, 2, 2], "uint8"), minlength=6))
    check(lambda T: T.bincount(T.tensor([], dtype=T.int64), minlength=2))
    for w in ("float32", "float64", "int64"):
        check(lambda T: t(T, [1, 2, 2]).bincount(t(T, [0.5, 1, 2], w)))
    check_error(lambda T: (t(T, [1, -1]),), lambda T, x: T.bincount(x))
    check_error(lambda T: (t(T, [[1]]),), lambda T, x: T.bincount(x))
    check_error(lambda T: (t(T, [1.0]),), lambda T, x: T.bincount(x))
    check_error(lambda T: (t(T, [1]),), lambda T, x: T.bincount(x, minlength=-1))
    check_error(lambda T: (t(T, [1]),), lambda T, x: T.bincount(x, T.ones(2)))


def test_count_nonzero():
    data = [[0.0, 1.0, 2.0], [0.0, 0.0, -1.0]]
    check(lambda T: T.count_nonzero(t(T, data)))
    check(lambda T: t(T, data).count_nonzero(1))
    check(lambda T: T.count_nonzero(t(T, data), dim=(0, -1)))
    check(lambda T: T.count_nonzero(t(T, [True, False])))
    check(lambda T: T.count_nonzero(T.tensor(3), 0))
    check_error(lambda T: (t(T, data),), lambda T, x: T.count_nonzero(x, (1, 1)))


# -- running ops, aminmax ----------------------------------------------------

@pytest.mark.parametrize("name", ["cummax", "cummin"])
def test_cummax_cummin(name):
    check(lambda T: getattr(T, name)(t(T, [1.0, 3, 3, NAN, 2, NAN, 5, -5]), 0), reprs=True)
    check(lambda T: getattr(t(T, [[1, 3, 3], [2, 2, 0]], "int64"), name)(1))
    check(lambda T: getattr(T, name)(t(T, [True, False, True]), 0))
    check(lambda T: getattr(T, name)(T.tensor(2.0), 0))
    check(lambda T: getattr(T, name)(T.zeros(0, 2), 0))
    check_tuple_out(lambda T, out: getattr(T, name)(t(T, DISTINCT), 1, out=out))

    grad_of(lambda T, x: getattr(T, name)(x, 1).values,
            [[1.0, 3.0, 3.0, 2.0], [4.0, 4.0, 0.5, 6.0]], [1.0, 2.0, 3.0, 4.0])


@pytest.mark.parametrize("dtype", ["float32", "int8", "uint8", "bool", "int64"])
def test_cumprod_dtypes(dtype):
    data = [[1, 2, 0], [3, 1, 2]]
    check(lambda T: T.cumprod(t(T, data, dtype), 1))
    check(lambda T: T.cumprod(t(T, data, dtype), 0, dtype=T.float64))


def test_cumprod_gradient_with_zeros():
    for data in ([2.0, 0.0, 3.0, 4.0], [0.0, 0.0, 3.0], [1.5, 2.0, 3.0, 0.0],
                 [[0.0, 2.0, 3.0], [1.0, 2.0, 0.5]]):
        weight = (np.arange(np.size(data)).reshape(np.shape(data)) + 1.0).tolist()
        grad_of(lambda T, x: T.cumprod(x, -1), data, weight)


def test_cumprod_inplace_and_out():
    # (test_registry's in-place check calls ops with tensors only; cumprod needs a dim.)
    check(lambda T: t(T, DISTINCT).cumprod_(1))
    check(lambda T: t(T, [[1, 2], [3, 4]], "int32").cumprod_(0))
    check_error(lambda T: (T.ones(3, requires_grad=True),), lambda T, x: x.cumprod_(0))

    grad_of(lambda T, x: (x * 1).cumprod_(1), DISTINCT)
    check(lambda T: T.cumprod(t(T, DISTINCT), 0, out=T.empty(0)))
    check(lambda T: T.cumprod(T.tensor(3.0), 0))


def test_logcumsumexp():
    check(lambda T: T.logcumsumexp(t(T, [[1.0, -math.inf, 1000.0], [NAN, 0.0, 1.0]]), 1))
    check(lambda T: T.logcumsumexp(T.tensor(2.0), 0))
    check(lambda T: T.logcumsumexp(t(T, DISTINCT), 0, out=T.empty(0)))
    check_error(lambda T: (t(T, [1, 2]),), lambda T, x: T.logcumsumexp(x, 0))

    grad_of(lambda T, x: T.logcumsumexp(x, 1), [[30.0, -2.0, 50.0], [1.0, 0.0, 1.0]],
            [1.0, -2.0, 3.0], rtol=1e-5)


def test_aminmax():
    check(lambda T: T.aminmax(t(T, DISTINCT)), reprs=True)
    check(lambda T: T.aminmax(t(T, DISTINCT), keepdim=True))
    check(lambda T: t(T, ROWS).aminmax(dim=1))
    check(lambda T: T.aminmax(t(T, [[3, 1], [2, 7]], "int64"), dim=0, keepdim=True))
    check(lambda T: T.aminmax(T.tensor(2.0), dim=0))
    check_tuple_out(lambda T, out: T.aminmax(t(T, DISTINCT), dim=1, out=out),
                    ("float32", "float32"))
    check_error(lambda T: (T.tensor([]),), lambda T, x: T.aminmax(x))
    check_error(lambda T: (T.zeros(2, 0),), lambda T, x: T.aminmax(x, dim=1))

    ties = [[1.0, 3.0, 3.0], [1.0, 0.5, 0.5]]
    grad_of(lambda T, x: T.aminmax(x, dim=1).min * 2 + T.aminmax(x, dim=1).max * 3, ties)
    grad_of(lambda T, x: T.aminmax(x).max, ties)
    grad_of(lambda T, x: T.aminmax(x, keepdim=True).min, ties)


# -- diff, trapezoid ---------------------------------------------------------

def test_diff():
    check(lambda T: T.diff(t(T, DISTINCT), n=2))
    check(lambda T: T.diff(t(T, DISTINCT), n=5))
    check(lambda T: T.diff(t(T, DISTINCT), 0))
    check(lambda T: T.diff(t(T, [[1, 5], [2, 2]], "int64"), dim=0,
                           prepend=t(T, [[0, 0]], "int64")))
    check(lambda T: T.diff(t(T, [True, False, False])))
    check(lambda T: T.diff(t(T, DISTINCT), append=T.zeros(3, 2), prepend=T.ones(3, 1)))
    check(lambda T: T.diff(t(T, DISTINCT), out=T.empty(0)))
    check_error(lambda T: (T.tensor(1.0),), lambda T, x: T.diff(x))
    check_error(lambda T: (t(T, DISTINCT),), lambda T, x: T.diff(x, -1))
    check_error(lambda T: (t(T, DISTINCT),), lambda T, x: T.diff(x, prepend=T.ones(3)))
    check_error(lambda T: (t(T, DISTINCT),), lambda T, x: T.diff(x, append=T.ones(2, 1)))


def test_trapezoid():
    y = [[1.0, 2.0, 4.0], [0.5, -1.0, 3.0]]
    for fn in ("trapezoid", "trapz"):
        check(lambda T: getattr(T, fn)(t(T, y)))
        check(lambda T: getattr(T, fn)(t(T, y), dx=2, dim=0))
        check(lambda T: getattr(T, fn)(t(T, y), t(T, [0.0, 1.0, 3.0])))
        check(lambda T: getattr(T, fn)(t(T, y), t(T, [[0.0, 1.0, 3.0], [1.0, 1.5, 2.0]])))
        check(lambda T: getattr(T, fn)(t(T, [1, 2, 4], "int64")))
        check(lambda T: getattr(T, fn)(T.zeros(2, 0)))
        check_error(lambda T: (t(T, y),), lambda T, x: getattr(T, fn)(x, T.ones(2)))
        check_error(lambda T: (t(T, [True]),), lambda T, x: getattr(T, fn)(x))
    check(lambda T: T.cumulative_trapezoid(t(T, y)))
    check(lambda T: T.cumulative_trapezoid(t(T, y), dx=0.5, dim=0))
    check(lambda T: T.cumulative_trapezoid(t(T, y), t(T, [0.0, 1.0, 3.0])))
    check(lambda T: T.cumulative_trapezoid(t(T, [1, 2, 4], "int64")))
    check_error(lambda T: (t(T, y),), lambda T, x: T.cumulative_trapezoid(x, T.ones(2)))
    check(lambda T: T.trapezoid(t(T, y), t(T, [0.0, 1.0, 3.0]), dx=1.0), message=False)


# -- second derivatives through the recorded formulas ------------------------

@pytest.mark.parametrize("name", ["cumprod", "logcumsumexp"])
def test_double_backward_with_create_graph(name):
    def f(T):
        x = t(T, [[0.5, 0.0, 2.0, -1.0], [1.5, -0.5, 0.0, 0.0]], "float64", requires_grad=True)
        y = getattr(T, name)(x, 1)
        (g,) = T.autograd.grad((y * y).sum(), x, create_graph=True)
        (h,) = T.autograd.grad((g * g).sum(), x)
        return g.detach(), h
    check(f, rtol=1e-9)
