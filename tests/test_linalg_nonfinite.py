"""torch.linalg on matrices with NaN and infinity, against PyTorch: the SVD
family refuses a NaN with PyTorch's LinAlgError (LAPACK 3.10's info -4)
instead of NumPy's, and gives NaN singular values for an infinity instead of
looping forever in OpenBLAS; eigh, cholesky and matrix_exp fail or give NaN
as PyTorch does."""
import math

import pytest

import ember
from compare_torch import check

NAN, INF = math.nan, math.inf


def _matrix(T, bad, batched=False):
    a = T.tensor([[bad, 1.0, 0.5], [2.0, 3.0, 1.0], [0.1, 0.2, 4.0]])
    return T.stack([T.eye(3), a]) if batched else a


def _linalg_error_as_runtime(fn):
    """The libraries' LinAlgError classes differ (torch._C's, ember._C's):
    the type is checked here, the message by check()."""
    def run(T):
        try:
            return fn(T)
        except T.linalg.LinAlgError as e:
            raise RuntimeError(str(e)) from None
    return run


SVD_FAMILY = {
    "svd": lambda T, a: T.linalg.svd(a),
    "svd_reduced": lambda T, a: T.linalg.svd(a, full_matrices=False),
    "svdvals": lambda T, a: T.linalg.svdvals(a),
    "pinv": lambda T, a: T.linalg.pinv(a),
    "matrix_rank": lambda T, a: T.linalg.matrix_rank(a),
    "cond": lambda T, a: T.linalg.cond(a),
    "matrix_norm_2": lambda T, a: T.linalg.matrix_norm(a, 2),
    "matrix_norm_nuc": lambda T, a: T.linalg.matrix_norm(a, "nuc"),
    "torch_svd": lambda T, a: T.svd(a),
    "svd_lowrank": lambda T, a: T.svd_lowrank(a, q=2)[1],
}


@pytest.mark.parametrize("batched", [False, True])
@pytest.mark.parametrize("name", sorted(SVD_FAMILY))
def test_svd_family_refuses_nan(name, batched):
    op = SVD_FAMILY[name]
    err = check(_linalg_error_as_runtime(lambda T: op(T, _matrix(T, NAN, batched))))
    assert err is not None and "non-finite values" in str(err)


@pytest.mark.parametrize("name", ["svdvals", "pinv", "matrix_rank", "cond", "matrix_norm_2",
                                  "matrix_norm_nuc"])
def test_svd_family_on_infinity_gives_nan_singular_values(name):
    # (a finite matrix beside it in the batch keeps its values)
    check(lambda T: SVD_FAMILY[name](T, _matrix(T, INF, batched=True)), atol=1e-6)
    check(lambda T: SVD_FAMILY[name](T, _matrix(T, -INF)), atol=1e-6)


def test_svd_on_infinity_returns_nan_singular_values():
    out = ember.linalg.svd(_matrix(ember, INF))
    assert all(math.isnan(v) for v in out.S.tolist())
    assert out.U.shape == (3, 3) and out.Vh.shape == (3, 3)


def test_lstsq_on_infinity_returns():
    # (PyTorch's gelss gives zeros of rank 0 with NaN singular values)
    check(lambda T: tuple(T.linalg.lstsq(_matrix(T, INF), T.ones(3, 1), driver="gelss")),
          atol=1e-6)


def test_eigh_refuses_nan_with_pytorchs_error():
    # (the error code is LAPACK's info: OpenBLAS's and MKL's agree on this matrix)
    pytest.importorskip("scipy")

    def eigh(T):
        a = T.eye(3) * 2 + 0.1
        a[2, 2] = NAN
        return T.linalg.eigh(T.stack([T.eye(3), a]))
    err = check(_linalg_error_as_runtime(eigh))
    assert err is not None and "(Batch element 1)" in str(err)


def test_eigvalsh_refuses_nan_with_linalg_error():
    a = ember.eye(3) * 2 + 0.1
    a[2, 0] = NAN
    with pytest.raises(ember.linalg.LinAlgError, match=r"^linalg.eigh: The algorithm failed to "
                       "converge because the input matrix is ill-conditioned"):
        ember.linalg.eigvalsh(a)


@pytest.mark.parametrize("pos", [(0, 0), (1, 0), (2, 2), (2, 1)])
def test_cholesky_stops_at_a_nan_pivot(pos):
    def chol(T):
        a = T.eye(3) * 2 + 0.1
        a[pos] = NAN
        return T.linalg.cholesky(a)
    check(_linalg_error_as_runtime(chol))
    check(lambda T: T.linalg.cholesky_ex(T.stack([T.eye(3), T.eye(3).index_put_(
        (T.tensor(pos[0]), T.tensor(pos[1])), T.tensor(NAN))])).info)


@pytest.mark.parametrize("bad", [INF, -INF, NAN])
def test_matrix_exp_of_a_nonfinite_matrix_is_nan(bad):
    check(lambda T: T.linalg.matrix_exp(T.stack([T.tensor([[bad, 1.0], [2.0, 3.0]]),
                                                 T.tensor([[0.1, 0.2], [0.3, 0.4]])])))


def test_linalg_error_is_ember_c_class():
    assert ember.linalg.LinAlgError is ember._C._LinAlgError
    assert repr(ember.linalg.LinAlgError) == "<class 'ember._C._LinAlgError'>"


@pytest.mark.parametrize("matrix", [[[INF, 1.0], [1.0, 2.0]], [[4.0, 2.0], [2.0, NAN]],
                                    [[-INF, 1.0], [1.0, 2.0]]])
def test_slogdet_signs_a_nonfinite_pivot_as_pytorchs_sgn(matrix):
    """The sign is the product of the LU pivots' sgn: 1 for inf, 0 for NaN
    (not inf / inf, which is NaN)."""
    check(lambda T: tuple(T.linalg.slogdet(T.tensor(matrix))))
    check(lambda T: tuple(T.slogdet(T.tensor(matrix))))


def test_eigvals_of_an_infinite_matrix_is_nan_in_both_parts():
    check(lambda T: T.linalg.eigvals(T.tensor([[INF, 1.0], [1.0, 2.0]])))
