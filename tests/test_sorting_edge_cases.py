"""The sorting family against PyTorch: dtype rules and edge cases."""
import pytest

import ember

from compare_torch import check_error
from sorting_checks import NAN, check, t

torch = pytest.importorskip("torch")


# -- dtype rules and edge cases ----------------------------------------------

EDGE_CASES = {
    "searchsorted_int_seq_float_values":
        lambda T: T.searchsorted(T.tensor([1, 3, 5]), T.tensor([2.5, 3.0])),
    "searchsorted_float_seq_int_values":
        lambda T: T.searchsorted(T.tensor([1.0, 3, 5]), T.tensor([2, 3])),
    "searchsorted_scalar": lambda T: T.searchsorted(T.tensor([1.0, 3, 5]), 3),
    "searchsorted_float_scalar_int_seq": lambda T: T.searchsorted(T.tensor([1, 3, 5]), 2.5),
    "searchsorted_rows_sorter": lambda T: T.searchsorted(
        T.tensor([[5.0, 1, 3], [2, 9, 4]]), T.tensor([[2.0], [5.0]]),
        sorter=T.tensor([[1, 2, 0], [0, 2, 1]])),
    "searchsorted_bool": lambda T: T.searchsorted(T.tensor([True]), T.tensor([True])),
    "searchsorted_int_seq_bool_values": lambda T: T.searchsorted(T.tensor([1]), T.tensor([True])),
    "bucketize_int_input": lambda T: T.bucketize(T.tensor([[1, 5], [3, 9]]), T.tensor([2.0, 4.0])),
    "unique_float_unsorted": lambda T: T.unique(T.tensor([3.0, 1.0, 2.0, 1.0, 5.0, 0.5]),
                                                sorted=False, return_inverse=True),
    "unique_dim_of_0d": lambda T: T.unique(T.tensor(3.0), dim=0),
    "unique_dim_empty": lambda T: T.unique(T.zeros(0, 2), dim=0),
    "unique_consecutive_0d": lambda T: T.unique_consecutive(T.tensor(3.0), return_inverse=True,
                                                            return_counts=True),
    "unique_consecutive_dim_of_0d": lambda T: T.unique_consecutive(T.tensor(3.0), dim=0),
    "count_nonzero_no_dims": lambda T: T.count_nonzero(T.tensor([[1, 0], [2, 2]]), dim=()),
    "count_nonzero_list": lambda T: T.count_nonzero(T.tensor([[1, 0], [2, 2]]), [0]),
    "median_bool": lambda T: T.median(T.tensor([True, False, True])),
    "median_dim_bool": lambda T: T.median(T.tensor([True]), 0),
    "nanmedian_bool": lambda T: T.nanmedian(T.tensor([True])),
    "kthvalue_bool": lambda T: T.kthvalue(T.tensor([True, False]), 1),
    "topk_bool": lambda T: T.topk(T.tensor([True, False, True]), 2),
    "kthvalue_int_keepdim": lambda T: T.kthvalue(T.tensor([[3, 1, 2]]), 2, -1, True),
    "bincount_bool": lambda T: T.bincount(T.tensor([True, False, True])),
    "cumprod_bool": lambda T: T.cumprod(T.tensor([True, False]), 0),
    "logcumsumexp_empty": lambda T: T.logcumsumexp(T.zeros(0, 2), 0),
    "logcumsumexp_half": lambda T: T.logcumsumexp(T.tensor([1.0, 2.0], dtype=T.float16), 0),
    "histc_double": lambda T: T.histc(T.tensor([0.1, 0.2, 0.3], dtype=T.float64), bins=3,
                                      min=0.1, max=0.3),
    "histc_half": lambda T: T.histc(T.tensor([1.0, 2.0], dtype=T.float16), 2),
    "histogram_int_edges": lambda T: T.histogram(T.tensor([1.0, 2.0]), bins=T.tensor([0, 1, 2])),
    "diff_n0_keeps_graph": lambda T: T.diff(T.tensor([1.0, 2.0], requires_grad=True), 0),
    "aminmax_bool": lambda T: T.aminmax(T.tensor([True, False])),
    "quantile_int_q": lambda T: T.quantile(T.tensor([1.0, 2.0, 3.0]), 1),
    "cummax_half": lambda T: T.cummax(T.tensor([1.0, 2.0, 0.5], dtype=T.float16), 0),
    "sort_half": lambda T: T.sort(T.tensor([1.0, 2.0, 0.5], dtype=T.float16)),
    "median_half": lambda T: T.median(T.tensor([1.0, 2.0, 0.5], dtype=T.float16)),
    "trapezoid_int_x": lambda T: T.trapezoid(T.tensor([1.0, 2.0, 3.0]), T.tensor([0, 1, 3])),
    "trapezoid_int_y_dx": lambda T: T.trapezoid(T.tensor([1, 2, 3]), dx=2),
    "cumulative_trapezoid_empty": lambda T: T.cumulative_trapezoid(T.zeros(2, 0)),
}


@pytest.mark.parametrize("name", list(EDGE_CASES))
def test_edge_cases(name):
    check(EDGE_CASES[name])


def test_backward_through_non_differentiable_results_raises_as_torch():
    for fn in (lambda T, x: T.unique(x), lambda T, x: T.unique(x, dim=0),
               lambda T, x: T.unique_consecutive(x), lambda T, x: T.histogram(x, 3).hist,
               lambda T, x: T.bincount(T.tensor([0, 1, 1]), x)):
        check_error(lambda T: (T.tensor([1.0, 2.0, 2.0], requires_grad=True),),
                    lambda T, x: fn(T, x).sum().backward())


def test_quantile_gradient_reaches_q():
    def f(T):
        x = t(T, [[0.3, -1.2, 2.5, 0.7, NAN], [1.1, -0.4, -2.0, 0.9, 0.2]], requires_grad=True)
        q = t(T, [0.1, 0.65], requires_grad=True)
        (T.nanquantile(x, q, dim=1) * t(T, [[1.0, 2.0], [3.0, 4.0]])).sum().backward()
        y = t(T, [[0.3, -1.2, 2.5], [1.1, NAN, -2.0]], requires_grad=True)
        (T.quantile(y, q, dim=1)[:, 0]).sum().backward()
        return x.grad, q.grad, y.grad
    check(f, rtol=1e-5)


def test_nodes_without_a_derivative_are_named_as_pytorchs():
    # histogram and bincount record PyTorch's namespaced NotImplemented node
    def names(T):
        x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        nodes = (T.histogram(x, 3).hist.grad_fn,
                 T.bincount(T.tensor([0, 1, 1]), weights=x).grad_fn)
        return [n.name().split("::", 1)[1] for n in nodes]
    assert names(ember) == names(torch) == ["autograd::NotImplemented"] * 2


@pytest.mark.parametrize("call", [
    lambda T: T.cumsum(T.ones(3)), lambda T: T.ones(3).cumsum(), lambda T: T.cumprod(T.ones(3)),
    lambda T: T.cumsum(T.ones(3), dtype=T.float64), lambda T: T.ones(3).cumprod(dtype=T.float64),
    lambda T: T.cummax(T.ones(3)), lambda T: T.ones(3).cummin(), lambda T: T.logcumsumexp(T.ones(3)),
    lambda T: T.softmax(T.ones(3)), lambda T: T.ones(3).log_softmax(),
    lambda T: T.cumsum(T.ones(3), out=T.ones(3))])
def test_a_forgotten_dim_raises_pytorchs_type_error(call):
    """PyTorch's parser's message (its plural inverted), not Python's."""
    check_error(lambda T: (), lambda T: call(T))


def test_running_sums_and_products_accumulate_as_pytorchs_kernel():
    """double for float32 (and complex<double>), float for the half types,
    each partial result rounded: a float32 running sum of 10**6 times 0.1
    ends at 100000., as in PyTorch; the gradient's reversed cumsum too."""
    def run(T):
        w = T.full((10 ** 5,), 0.1, requires_grad=True)
        w.cumsum(0).sum().backward()
        return [T.full((10 ** 6,), 0.1).cumsum(0)[-10:], T.full((100,), 1.1).cumprod(0),
                T.full((10 ** 4,), 0.1 + 0.1j, dtype=T.complex64).cumsum(0)[-3:],
                T.full((5000,), 0.1, dtype=T.float16).cumsum(0)[-3:].float(),
                T.full((5000,), 0.1, dtype=T.bfloat16).cumsum(0)[-3:].float(),
                T.full((10 ** 5,), 0.1, dtype=T.float64).cumsum(0, dtype=T.float32)[-3:],
                w.grad[:3]]
    e, t = run(ember), run(torch)
    for a, b in zip(e, t):
        assert a.dtype.__repr__().split(".")[-1] == repr(b.dtype).split(".")[-1]
        assert (a.detach().numpy() == b.detach().numpy()).all()


def test_logcumsumexp_of_float_sums_in_double_as_pytorch():
    """(NumPy's float32 running logaddexp drifted 5e-5 over 100000 steps;
    PyTorch's kernel accumulates in double and rounds each result once.)"""
    def run(T):
        return [T.logcumsumexp(T.linspace(-5, 5, 100000), 0)[-1::-997],
                T.logcumsumexp(T.linspace(3, -4, 3000).view(3, 1000), 1)]
    check(run, exact=True)


@pytest.mark.parametrize("call", [
    lambda T: T.histogram(T.tensor([1.0, float("inf")]), bins=2),
    lambda T: T.histogram(T.tensor([1.0, float("nan")]), bins=2),
    lambda T: T.histogram(T.tensor([-float("inf"), 2.0]), bins=3),
    lambda T: T.histogram(T.tensor([1.0, 2.0]), bins=2, range=(0.0, float("inf"))),
    lambda T: T.histogram(T.tensor([1.0, 2.0]), bins=0),
], ids=["inf", "nan", "minus_inf", "infinite_range", "no_bins"])
def test_histogram_refuses_a_range_that_is_not_finite(call):
    """(It returned NaN edges; and its bins message named histogramdd.)"""
    check_error(lambda T: (), call)
