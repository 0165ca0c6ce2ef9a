"""linalg.inv(_ex), cholesky(_ex) and eigvals on singular, non-positive-
definite and non-finite matrices, against PyTorch: inv_ex's inverse holds
what LAPACK's LU solve computes there (infinities and NaNs), cholesky_ex
potrf's partial factor, eigvals NaN for a matrix with an infinity only."""
import math

import pytest

from compare_torch import check
from test_linalg_nonfinite import _linalg_error_as_runtime

NAN, INF = math.nan, math.inf

SINGULAR = [[[0.0, 0.0], [0.0, 0.0]], [[1.0, 2.0], [2.0, 4.0]], [[0.0, 1.0], [0.0, 1.0]],
            [[1.0, 2.0], [0.0, 0.0]], [[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 0.0]],
            [[2.0, 1.0, 1.0], [4.0, 2.0, 2.0], [1.0, 3.0, 5.0]],
            [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [4.0, 5.0, 6.0]],
            [[NAN, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, INF]], [[1.0, INF], [2.0, 3.0]],
            [[INF, 1.0], [2.0, 3.0]]]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("m", SINGULAR)
def test_inv_ex_of_a_singular_matrix(m, dtype):
    check(lambda T: tuple(T.linalg.inv_ex(T.tensor(m, dtype=getattr(T, dtype)))))
    check(lambda T: tuple(T.linalg.inv_ex(T.tensor(m, dtype=T.float64).mT)))


def test_inv_ex_of_a_mixed_batch():
    def batch(T, dtype=None):
        return T.stack([T.eye(2), T.tensor([[1.0, 2.0], [2.0, 4.0]]), T.zeros(2, 2),
                        T.tensor([[4.0, 1.0], [1.0, 3.0]])]).to(dtype or T.float32)
    check(lambda T: tuple(T.linalg.inv_ex(batch(T))))
    check(lambda T: tuple(T.linalg.inv_ex(batch(T, T.complex128))))
    for op in (lambda T: T.linalg.inv(batch(T)), lambda T: T.inverse(batch(T)),
               lambda T: T.linalg.inv_ex(batch(T), check_errors=True),
               lambda T: T.linalg.inv(batch(T)[1]), lambda T: T.linalg.inv(batch(T)[2])):
        err = check(_linalg_error_as_runtime(op))
        assert err is not None and "is zero, the inversion could not be completed" in str(err)


CHOLESKY = [[[1.0, 2.0, 3.0], [2.0, 4.0, 5.0], [3.0, 5.0, 7.0]],
            [[4.0, 2.0, 3.0, 1.0], [2.0, 5.0, 5.0, 2.0], [3.0, 5.0, 2.0, 3.0],
             [1.0, 2.0, 3.0, 9.0]],
            [[-1.0, 2.0], [2.0, 3.0]], [[0.0, 0.0], [0.0, 0.0]], [[1.0, 2.0], [2.0, 4.0]],
            [[NAN, 1.0], [2.0, 3.0]], [[4.0, NAN], [NAN, 3.0]], [[INF, 1.0], [1.0, 3.0]],
            [[4.0, 1.0, 2.0], [1.0, INF, 1.0], [2.0, 1.0, 3.0]],
            [[INF, 1.0, 2.0], [1.0, 4.0, 1.0], [2.0, 1.0, 3.0]]]


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("m", CHOLESKY)
def test_cholesky_ex_returns_the_partial_factor(m, dtype, upper):
    check(lambda T: tuple(T.linalg.cholesky_ex(T.tensor(m, dtype=getattr(T, dtype)),
                                               upper=upper)))


def test_cholesky_ex_of_a_mixed_batch():
    def batch(T):
        return T.stack([T.eye(3), T.tensor(CHOLESKY[0]), T.zeros(3, 3),
                        T.tensor([[4.0, 1 + 2j, 1j], [1 - 2j, 1.0, 0.0], [-1j, 0.0, 3.0]]).real])
    check(lambda T: tuple(T.linalg.cholesky_ex(batch(T))))
    check(lambda T: tuple(T.linalg.cholesky_ex(
        T.tensor([[4.0, 1 + 2j, 1j], [1 - 2j, 1.0, 0.0], [-1j, 0.0, 3.0]]))))
    for op in (lambda T: T.linalg.cholesky(batch(T)),
               lambda T: T.linalg.cholesky_ex(batch(T), check_errors=True),
               lambda T: T.linalg.cholesky_ex(batch(T)[2], check_errors=True)):
        err = check(_linalg_error_as_runtime(op))
        assert err is not None and "is not positive-definite" in str(err)


def test_eigvals_of_a_batch_with_an_infinite_matrix():
    # (the finite matrices keep their eigenvalues; PyTorch dies on a NaN)
    check(lambda T: T.linalg.eigvals(T.stack([T.tensor([[1.0, 1.0], [2.0, 3.0]]),
                                              T.tensor([[INF, 1.0], [2.0, 3.0]]),
                                              T.tensor([[1.0, 2.0], [2.0, 4.0]]),
                                              T.zeros(2, 2)])), atol=1e-6)
    err = check(lambda T: T.linalg.eig(T.stack([T.eye(2), T.tensor([[1.0, INF], [2.0, 3.0]])])))
    assert "should not contain infs or NaNs" in str(err)


@pytest.mark.parametrize("m", [[[0.0, 0.0], [0.0, 0.0]], [[1.0, 2.0], [2.0, 4.0]],
                               [[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 0.0]]])
def test_eig_of_a_singular_matrix(m):
    check(lambda T: tuple(T.linalg.eig(T.tensor(m, dtype=T.float64))), atol=1e-12)
    check(lambda T: T.linalg.eigvals(T.tensor(m, dtype=T.float64)), atol=1e-12)


@pytest.mark.parametrize("p", [None, 2, -2, "fro", "nuc", INF, -INF, 1, -1])
@pytest.mark.parametrize("m", [[[1.0, 2.0], [2.0, 4.0]], [[0.0, 0.0], [0.0, 0.0]],
                               [[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 0.0]]])
def test_cond_of_a_singular_matrix(m, p):
    # (inf for the norms through the inverse; 'nuc' is sum(S) * sum(1 / S))
    check(lambda T: T.linalg.cond(T.tensor(m, dtype=T.float64), p), rtol=1e-3)
    check(lambda T: T.linalg.cond(T.stack([T.eye(len(m)), T.tensor(m)]).double(), p), rtol=1e-3)


def test_cond_nuc_graph():
    from compare_torch import chain

    def run(T):
        a = T.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=T.float64, requires_grad=True)
        r = T.linalg.cond(a, "nuc")
        r.backward()
        return r, a.grad, chain(r)
    check(run)


@pytest.mark.parametrize("n", [-3, -2, -1, 0, 1, 2, 3, 5])
def test_matrix_power_graph(n):
    from compare_torch import chain

    def run(T):
        a = T.tensor([[2.0, 1.0], [1.0, 3.0]], dtype=T.float64, requires_grad=True)
        r = T.linalg.matrix_power(a, n)
        r.sum().backward()
        return r, a.grad, chain(r)
    check(run, rtol=1e-12)


@pytest.mark.parametrize("call", [lambda T, a: T.linalg.matrix_power(a, 2.0),
                                  lambda T, a: T.matrix_power(a, 2.0),
                                  lambda T, a: a.matrix_power(2.0),
                                  lambda T, a: a.matrix_power(n=-1.0),
                                  lambda T, a: T.linalg.matrix_power(a, n=2.5),
                                  lambda T, a: T.linalg.matrix_power(a, True)])
def test_matrix_power_refuses_a_float_power(call):
    err = check(lambda T: call(T, T.eye(2)))
    assert isinstance(err, TypeError) and "must be int, not" in str(err)


@pytest.mark.parametrize("ord", [0, INF, -INF, -1, -2, 0.5, 1, 2, 3])
@pytest.mark.parametrize("xs", [[0.0, 2.0, -2.0, 1.0], [0.0, 0.0, 3.0], [3.0, -3.0, 3.0, 1.0]])
def test_vector_norm_gradient(xs, ord):
    # (ord 0: PyTorch's norm_backward gives no gradient; inf: ties share it)
    def run(T):
        x = T.tensor(xs, dtype=T.float64, requires_grad=True)
        y = x * 2
        (T.linalg.vector_norm(y, ord) + T.norm(y, ord) + y.sum()).backward()
        return x.grad
    check(run, rtol=1e-12)


def _distance_grads_at_p0(T, which):
    x = T.linspace(0, 1, 6, dtype=T.float64).reshape(3, 2).requires_grad_()
    y = T.linspace(1, 2, 8, dtype=T.float64).reshape(4, 2).requires_grad_()
    if which == "cdist":
        T.cdist(x, y, 0).sum().backward()
        return x.grad, y.grad
    if which == "pdist":
        T.pdist(x, 0).sum().backward()
        return x.grad
    y = y[0].detach().requires_grad_(which == "dist_both")
    T.dist(x[0].detach().requires_grad_(), y, 0).backward()
    return None


@pytest.mark.parametrize("which", ["cdist", "pdist", "dist", "dist_both"])
def test_distances_at_p0_as_torch(which):
    # (cdist and pdist: their kernels' zeros; dist: norm_backward's undefined
    # gradient, which PyTorch cannot negate for `other`)
    check(lambda T: _distance_grads_at_p0(T, which))
