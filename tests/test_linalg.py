"""torch.linalg and the old torch linear-algebra names beyond the op rows:
keyword arguments, result types and reprs, dtype rules, PyTorch's errors,
batches, empty and non-contiguous inputs (see tests/op_table_linalg.py for
values, gradients and graphs)."""
import math
import warnings

import numpy as np
import pytest

import ember
from compare_torch import check, check_error

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(7)
SQ = RNG.standard_normal((3, 3)) + 4 * np.eye(3)
BATCH = RNG.standard_normal((2, 3, 3)) + 4 * np.eye(3)
TALL = RNG.standard_normal((4, 3))
WIDE = RNG.standard_normal((3, 4))
RHS = RNG.standard_normal((3, 2))
SPD = SQ @ SQ.T + np.eye(3)
SINGULAR = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])


def t(T, a, dtype="float64"):
    return T.tensor(a, dtype=getattr(T, dtype))


def fields(result):
    """A named tuple's fields as a plain tuple (the two libraries' named
    tuple classes differ; their contents are compared)."""
    return tuple(result)


# --- values and keyword arguments ---------------------------------------------

@pytest.mark.parametrize("fn", [
    lambda T: T.linalg.inv(t(T, BATCH)),
    lambda T: fields(T.linalg.inv_ex(t(T, SQ, "float32"))),
    lambda T: T.linalg.det(t(T, BATCH)),
    lambda T: T.linalg.det(t(T, SINGULAR)),
    lambda T: fields(T.linalg.slogdet(t(T, -SQ))),
    lambda T: T.logdet(t(T, -SQ)),
    lambda T: T.linalg.solve(t(T, SQ), t(T, RHS)),
    lambda T: T.linalg.solve(t(T, BATCH), t(T, RHS[:, 0])),
    lambda T: T.linalg.solve(t(T, SQ), t(T, RHS.T), left=False),
    lambda T: fields(T.linalg.solve_ex(t(T, SQ), t(T, RHS), check_errors=True)),
    lambda T: T.linalg.solve_triangular(t(T, SQ), t(T, RHS), upper=False, unitriangular=True),
    lambda T: T.linalg.solve_triangular(t(T, SQ), t(T, RHS.T), upper=True, left=False),
    lambda T: T.linalg.cholesky(t(T, SPD), upper=True),
    # (upper=True reads A's upper triangle, lower=False its lower one)
    lambda T: T.linalg.cholesky(t(T, np.triu(SPD) + 2 * np.tril(SPD, -1)), upper=True),
    lambda T: T.linalg.cholesky(t(T, np.triu(SPD) + 2 * np.tril(SPD, -1))),
    lambda T: fields(T.linalg.cholesky_ex(t(T, np.tril(SPD) + 2 * np.triu(SPD, 1)), upper=True)),
    lambda T: fields(T.linalg.cholesky_ex(t(T, SPD))),
    lambda T: T.linalg.qr(t(T, TALL), mode="r")[1].abs(),
    lambda T: T.linalg.qr(t(T, TALL), mode="complete")[0].shape,
    lambda T: T.linalg.svd(t(T, TALL))[0].shape,
    lambda T: T.linalg.svdvals(t(T, BATCH)),
    lambda T: T.linalg.eigvalsh(t(T, SQ), UPLO="U"),
    lambda T: T.linalg.eigh(t(T, SPD)).eigenvalues,
    lambda T: T.linalg.vector_norm(t(T, TALL), 0),
    lambda T: T.linalg.vector_norm(t(T, TALL, "float32"), dtype=T.float64),
    lambda T: T.linalg.vector_norm(t(T, TALL), math.inf, dim=(0, 1), keepdim=True),
    lambda T: [T.linalg.matrix_norm(t(T, BATCH), o) for o in
               ("fro", "nuc", math.inf, -math.inf, 1, -1, 2, -2)],
    lambda T: T.linalg.matrix_norm(t(T, BATCH), "nuc", dim=(0, 2), keepdim=True),
    lambda T: [T.linalg.norm(t(T, TALL), o) for o in (None, "fro", "nuc", 1, 2, math.inf)],
    lambda T: T.linalg.norm(t(T, BATCH), dim=(1, 2)),
    lambda T: T.linalg.norm(t(T, WIDE[0]), 3),
    lambda T: T.norm(t(T, BATCH), p="nuc", dim=(1, 2)),
    lambda T: T.norm(t(T, BATCH), 2.5, dim=1, keepdim=True),
    lambda T: T.linalg.pinv(t(T, WIDE), atol=0.5),
    lambda T: T.linalg.pinv(t(T, SINGULAR), rtol=1e-3),
    lambda T: T.linalg.pinv(t(T, SPD), hermitian=True),
    lambda T: T.linalg.pinv(t(T, BATCH), atol=t(T, [1.0, 5.0]), rtol=t(T, [0.0, 0.1])),
    lambda T: T.linalg.matrix_rank(t(T, BATCH), atol=t(T, [1.0, 5.0])),
    lambda T: T.pinverse(t(T, SINGULAR), rcond=1e-2),
    lambda T: T.linalg.matrix_rank(t(T, SINGULAR)),
    lambda T: T.linalg.matrix_rank(t(T, BATCH), atol=4.0, rtol=0.1),
    lambda T: T.linalg.matrix_rank(t(T, SPD), hermitian=True),
    lambda T: T.linalg.matrix_power(t(T, SQ), 0),
    lambda T: T.linalg.matrix_power(t(T, SQ.astype(np.int64), "int64"), 3),
    lambda T: T.linalg.matrix_power(t(T, SQ), -3),
    lambda T: T.linalg.matrix_exp(t(T, 3 * BATCH)),
    lambda T: T.linalg.matrix_exp(t(T, np.zeros((0, 0)))),
    lambda T: [T.linalg.cond(t(T, SQ), p) for p in (None, "fro", "nuc", math.inf, -1, 2, -2)],
    lambda T: T.linalg.cond(t(T, SINGULAR), 1),
    lambda T: T.linalg.vander(t(T, RHS[:, 0]), N=5),
    lambda T: T.linalg.vander(t(T, np.arange(3), "int64")),
    lambda T: T.linalg.tensorinv(t(T, SQ.reshape(3, 3, 1)), ind=2),
    lambda T: T.linalg.tensorsolve(t(T, np.eye(6).reshape(2, 3, 6)), t(T, TALL[:2, :3]),
                                   dims=(0, 1)),
    lambda T: T.linalg.diagonal(t(T, BATCH), offset=-1),
    lambda T: T.linalg.vecdot(t(T, TALL), t(T, TALL), dim=0),
    lambda T: T.linalg.matmul(t(T, BATCH), t(T, RHS)),
    lambda T: fields(T.linalg.lstsq(t(T, TALL), t(T, TALL[:, :2]), driver="gelss")),
    lambda T: fields(T.linalg.lstsq(t(T, TALL), t(T, TALL[:, :2]), driver="gels")),
    lambda T: fields(T.linalg.lstsq(t(T, TALL), t(T, TALL[:, 0]), rcond=0.5, driver="gelsd")),
    lambda T: fields(T.linalg.lu(t(T, BATCH))),
    lambda T: fields(T.linalg.lu_factor_ex(t(T, SINGULAR))),
    lambda T: T.linalg.lu_solve(*T.linalg.lu_factor(t(T, SQ)), t(T, RHS), adjoint=True),
    lambda T: fields(T.lu_unpack(*T.linalg.lu_factor(t(T, TALL)))),
    lambda T: fields(T.lu_unpack(*T.linalg.lu_factor(t(T, SQ)), unpack_pivots=False)),
    lambda T: fields(T.svd(t(T, WIDE), compute_uv=False)),
    lambda T: T.svd(t(T, WIDE), some=False)[2].shape,
    lambda T: fields(T.qr(t(T, TALL), some=False))[0].shape,
    lambda T: T.lu(t(T, SQ), get_infos=True)[2],
    lambda T: T.cholesky_solve(t(T, RHS), T.linalg.cholesky(t(T, SPD))),
    lambda T: T.cholesky_inverse(T.linalg.cholesky(t(T, SPD), upper=True), upper=True),
    lambda T: fields(T.triangular_solve(t(T, RHS), t(T, SQ), transpose=True)),
    lambda T: t(T, SQ).det(),
    lambda T: t(T, SQ).inverse(),
    lambda T: t(T, SQ).matrix_power(2),
    lambda T: t(T, SQ).slogdet()[1],
    lambda T: T.linalg.householder_product(t(T, BATCH), t(T, BATCH[:, 0])),
    lambda T: T.orgqr(t(T, TALL), t(T, TALL[:3, 0])),
])
def test_values_as_torch(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(fn, rtol=1e-6, atol=1e-10)


def test_float32_results_keep_their_dtype():
    check(lambda T: [T.linalg.inv(t(T, SQ, "float32")), T.linalg.det(t(T, SQ, "float32")),
                     T.linalg.svdvals(t(T, TALL, "float32")),
                     T.linalg.norm(t(T, TALL, "float32"))], rtol=1e-5)


def test_non_contiguous_and_empty_inputs():
    check(lambda T: T.linalg.inv(t(T, SQ).mT), rtol=1e-6)
    check(lambda T: T.linalg.solve(t(T, SQ).mT, t(T, RHS.T).mT), rtol=1e-6)
    check(lambda T: T.linalg.det(t(T, np.zeros((2, 0, 0)))))
    check(lambda T: T.linalg.inv(t(T, np.zeros((0, 3, 3)))))
    check(lambda T: T.linalg.svdvals(t(T, TALL)[::2]), rtol=1e-6)
    empty, wide0 = np.zeros((2, 0, 0)), np.zeros((0, 3))
    for fn in (lambda T: fields(T.linalg.lu_factor(t(T, empty))),
               lambda T: fields(T.linalg.lu(t(T, empty))),
               lambda T: fields(T.linalg.slogdet(t(T, empty))),
               lambda T: fields(T.linalg.qr(t(T, wide0))),
               lambda T: fields(T.linalg.svd(t(T, wide0))),
               lambda T: T.linalg.pinv(t(T, wide0)),
               lambda T: T.linalg.matrix_rank(t(T, wide0)),
               lambda T: T.linalg.matrix_exp(t(T, empty)),
               lambda T: T.linalg.vector_norm(t(T, 3.0)),
               lambda T: T.linalg.solve(t(T, np.stack([2 * np.eye(3)] * 2)[:, None]),
                                        t(T, np.ones((3, 3, 1)))),
               lambda T: T.linalg.lu_solve(*T.linalg.lu_factor(t(T, 2 * np.eye(3))),
                                           t(T, np.ones((2, 3, 1))))):
        check(fn)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_named_tuples_and_reprs():
    r = ember.linalg.slogdet(ember.eye(2))
    assert type(r).__name__ == "linalg_slogdet" and r.sign.item() == 1.0
    want = repr(torch.linalg.slogdet(torch.eye(2))).replace("torch.", "ember.")
    assert repr(r) == want
    for e, tr in ((ember.linalg.qr(ember.eye(2)), torch.linalg.qr(torch.eye(2))),
                  (ember.linalg.lstsq(ember.eye(2), ember.eye(2)),
                   torch.linalg.lstsq(torch.eye(2), torch.eye(2))),
                  (ember.linalg.lu(ember.eye(2)), torch.linalg.lu(torch.eye(2))),
                  (ember.slogdet(ember.eye(2)), torch.slogdet(torch.eye(2))),
                  (ember.svd(ember.eye(2)), torch.svd(torch.eye(2))),
                  (ember.lu(ember.eye(2), get_infos=True), torch.lu(torch.eye(2), get_infos=True)),
                  (ember.triangular_solve(ember.eye(2), ember.eye(2)),
                   torch.triangular_solve(torch.eye(2), torch.eye(2)))):
        # (LAPACK builds differ in the sign of exact zeros in Q, -0. or 0.,
        # which also changes the printed column widths)
        def plain(text):
            return "".join(text.split()).replace("-0.", "0.")
        assert plain(repr(e)) == plain(repr(tr).replace("torch.", "ember."))


# --- gradients a row cannot express -------------------------------------------

def test_gradients_of_several_outputs_and_keyword_forms():
    def both(T):
        a = t(T, TALL).requires_grad_()
        U, S, Vh = T.linalg.svd(a, full_matrices=False)
        L, V = T.linalg.eigh(a.mT @ a)
        (U.abs().sum() + S.sum() + (V * V).sum() + L.sum()).backward()
        return a.grad
    check(both, rtol=1e-8, atol=1e-10)


def test_qr_mode_r_and_complete_are_not_differentiable():
    for mode, text in (("r", "mode='r'"), ("complete", "mode='complete' and nrows > ncols")):
        def run(T, mode=mode):
            a = t(T, TALL).requires_grad_()
            T.linalg.qr(a, mode=mode)[1].sum().backward()
        err = check(run)
        assert text in str(err)


@pytest.mark.parametrize("create_graph", [False, True])
def test_det_gradient_at_a_singular_matrix(create_graph):
    """PyTorch's formula, g det(A) A^{-H} as a solve with det's LU: zeros
    where that LU makes det exactly 0 (a zero right-hand side stays zero in
    LAPACK's triangular solves). Under create_graph=True the singular path
    through the SVD: the cofactor matrix (the adjugate's transpose)."""
    a = ember.tensor(SINGULAR, requires_grad=True)
    det = ember.linalg.det(a)
    assert det.item() == 0      # (the LU's last pivot is exactly 0)
    grad, = ember.autograd.grad(det, a, create_graph=create_graph)
    cofactors = [[(-1) ** (i + j) * np.linalg.det(np.delete(np.delete(SINGULAR, i, 0), j, 1))
                  for j in range(3)] for i in range(3)]
    assert np.abs(cofactors).max() > 1     # not the zero matrix
    np.testing.assert_allclose(grad.detach().numpy(), cofactors if create_graph else 0,
                               atol=1e-12)


# --- errors -------------------------------------------------------------------

@pytest.mark.parametrize("op", [
    lambda T: T.linalg.inv(t(T, TALL)),
    lambda T: T.linalg.inv(t(T, RHS[:, 0])),
    lambda T: T.linalg.inv(T.ones(3, 3, dtype=T.long)),
    lambda T: T.linalg.det(t(T, TALL)),
    lambda T: T.linalg.det(T.ones(3, 3, dtype=T.int32)),
    lambda T: T.linalg.slogdet(t(T, WIDE)),
    lambda T: T.logdet(t(T, WIDE)),
    lambda T: T.linalg.solve(t(T, TALL), t(T, RHS)),
    lambda T: T.linalg.solve(t(T, SQ), t(T, TALL)),
    lambda T: T.linalg.solve(t(T, SQ), t(T, RHS, "float32")),
    lambda T: T.linalg.solve(T.ones(3, 3, dtype=T.long), T.ones(3, dtype=T.long)),
    # a vector B is a column, which XA = B refuses (a 1x1 A with its own words)
    lambda T: T.linalg.solve(t(T, SQ), t(T, RHS[:, 0]), left=False),
    lambda T: T.linalg.solve(t(T, BATCH), t(T, RHS[:, 0]), left=False),
    lambda T: T.linalg.solve(t(T, SQ[:1, :1]), t(T, RHS[:1, 0]), left=False),
    # (solve_ex's checks word themselves as solve's)
    lambda T: T.linalg.solve_ex(t(T, TALL), t(T, RHS)),
    lambda T: T.linalg.solve_ex(t(T, SQ), t(T, RHS), left=False),
    lambda T: T.linalg.solve_ex(t(T, SQ), t(T, RHS, "float32")),
    lambda T: T.linalg.solve_triangular(t(T, SQ), t(T, RHS[:, 0]), upper=True),
    lambda T: T.linalg.cholesky(t(T, TALL)),
    lambda T: T.linalg.qr(t(T, TALL), mode="full"),
    lambda T: T.linalg.qr(T.ones(3, 3, dtype=T.long)),
    lambda T: T.linalg.svd(t(T, TALL), driver="gesvd"),
    lambda T: T.linalg.svd(T.ones(3, 3, dtype=T.long)),
    lambda T: T.linalg.eigh(t(T, SQ), UPLO="X"),
    lambda T: T.linalg.eigh(T.ones(3, 3, dtype=T.long)),
    lambda T: T.linalg.vector_norm(T.ones(3, dtype=T.long)),
    lambda T: T.linalg.vector_norm(t(T, TALL), dtype=T.long),
    lambda T: T.linalg.matrix_norm(t(T, RHS[:, 0])),
    lambda T: T.linalg.matrix_norm(t(T, TALL), 3),
    lambda T: T.linalg.matrix_norm(T.ones(3, 3, dtype=T.long)),
    lambda T: T.linalg.norm(t(T, BATCH), "fro"),
    lambda T: T.linalg.norm(t(T, BATCH), 2),
    lambda T: T.linalg.norm(t(T, RHS[:, 0]), "fro"),
    lambda T: T.linalg.matrix_power(t(T, TALL), 2),
    lambda T: T.linalg.matrix_power(T.ones(3, 3, dtype=T.long), -1),
    lambda T: T.linalg.pinv(T.ones(3, 3, dtype=T.long)),
    lambda T: T.linalg.matrix_rank(T.ones(3, 3, dtype=T.long)),
    lambda T: T.linalg.matrix_exp(t(T, TALL)),
    lambda T: T.linalg.cond(t(T, TALL), 1),
    lambda T: T.linalg.lstsq(t(T, TALL), t(T, RHS)),
    lambda T: T.linalg.lstsq(t(T, TALL), t(T, TALL), driver="x"),
    lambda T: T.linalg.lstsq(t(T, TALL), t(T, TALL, "float32")),
    lambda T: T.linalg.lu_factor(t(T, SQ), pivot=False),
    lambda T: T.linalg.lu_factor(t(T, RHS[:, 0])),
    lambda T: T.linalg.lu_factor(T.ones(3, 3, dtype=T.long)),
    lambda T: T.linalg.lu_solve(*T.linalg.lu_factor(t(T, SQ)), t(T, RHS[:, 0])),
    lambda T: T.linalg.tensorinv(t(T, TALL), ind=1),
    lambda T: T.linalg.tensorinv(t(T, SQ), ind=0),
    lambda T: T.linalg.vander(t(T, RHS[:, 0]), N=1),
    lambda T: T.linalg.householder_product(t(T, WIDE), t(T, RHS[:2, 0])),
    lambda T: T.linalg.householder_product(t(T, TALL), t(T, TALL[:, 0])),
    lambda T: T.linalg.householder_product(t(T, TALL), t(T, RHS[:2, 0], "float32")),
    lambda T: T.linalg.householder_product(t(T, TALL), t(T, RHS[:2])),
])
def test_errors_as_torch(op):
    check_error(lambda T: (), lambda T: op(T))


SINGULAR_CASES = [
    (lambda T, a: T.linalg.inv(a), "The diagonal element 3 is zero"),
    (lambda T, a: T.inverse(a), "The diagonal element 3 is zero"),
    (lambda T, a: T.linalg.inv_ex(a, check_errors=True), "The diagonal element 3 is zero"),
    (lambda T, a: T.linalg.solve(a, T.ones(3, dtype=a.dtype)), "The solver failed because"),
    (lambda T, a: T.linalg.cholesky(a), "leading minor of order 2 is not positive-definite"),
    (lambda T, a: T.linalg.cholesky_ex(a, check_errors=True), "linalg.cholesky_ex:"),
    (lambda T, a: T.linalg.matrix_power(a, -1), "The diagonal element 3 is zero"),
    (lambda T, a: T.linalg.lu_factor(a), "U[3,3] is zero"),
]


@pytest.mark.parametrize("case", range(len(SINGULAR_CASES)))
def test_singular_inputs_raise_linalg_errors(case):
    op, text = SINGULAR_CASES[case]
    for batched in (False, True):
        def setup(T):
            a = SINGULAR if "minor" not in text and "cholesky" not in text else \
                np.array([[1.0, 2.0, 0.0], [2.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
            if batched:
                a = np.stack([np.eye(3), a])
            return (t(T, a),)
        check_error(setup, lambda T, a: _as_runtime_error(op, T, a), message=text)
        with pytest.raises(ember.linalg.LinAlgError):
            op(ember, *setup(ember))
    assert issubclass(torch.linalg.LinAlgError, RuntimeError)
    assert issubclass(ember.linalg.LinAlgError, RuntimeError)


def _as_runtime_error(op, T, a):
    """The libraries' LinAlgError classes differ; their messages are compared."""
    try:
        return op(T, a)
    except T.linalg.LinAlgError as e:
        raise RuntimeError(str(e)) from None


def test_ex_variants_report_info_without_raising():
    def run(T):
        a = t(T, np.stack([np.eye(3), SINGULAR]))
        return [T.linalg.inv_ex(a).info, T.linalg.solve_ex(a, t(T, RHS)).info,
                T.linalg.cholesky_ex(t(T, -SPD)).info, T.linalg.lu_factor_ex(a).info]
    check(run)


def test_deprecated_torch_names_warn_once():
    from ember import _settings
    _settings._WARNED.clear()
    with pytest.warns(UserWarning, match="torch.cholesky is deprecated"):
        ember.cholesky(ember.tensor(SPD))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ember.cholesky(ember.tensor(SPD))
    ember.set_warn_always(True)         # then every call warns, as in PyTorch
    try:
        with pytest.warns(UserWarning, match="torch.cholesky is deprecated"):
            ember.cholesky(ember.tensor(SPD))
    finally:
        ember.set_warn_always(False)


def test_geqrf_as_pytorch():
    # LAPACK's compact QR: both libraries call geqrf, so the reflectors and
    # tau agree to rounding; its outputs record a node without a derivative
    data = [[2.0, 1.0, 3.0], [4.0, -1.0, 0.0], [1.0, 5.0, 2.0], [0.0, 1.0, 1.0]]
    check(lambda T: tuple(T.geqrf(T.tensor(data, dtype=T.float64, requires_grad=True))),
          rtol=1e-12, atol=1e-12)
    check(lambda T: tuple(T.tensor(data).T.geqrf()), rtol=1e-5, atol=1e-6)
    check(lambda T: (T.geqrf(T.ones(2, 3, 2)).tau.shape, tuple(T.geqrf(T.ones(0, 3))),
                     tuple(T.geqrf(T.ones(3, 0))), type(T.geqrf(T.eye(2))).__name__))
    for bad in (lambda T: T.ones(3), lambda T: T.ones(2, 2, dtype=T.long),
                lambda T: T.ones(2, 2, dtype=T.float16)):
        check_error(lambda T, bad=bad: (bad(T),), lambda T, x: T.geqrf(x))
    check_error(lambda T: (T.geqrf(T.ones(3, 2, requires_grad=True)).a,),
                lambda T, a: a.sum().backward())


@pytest.mark.parametrize("m", [[[1.0, 2.0], [2.0, 4.0]], [[2.0, 4.0], [1.0, 2.0]], [[0.0, 0.0], [0.0, 0.0]],
                               [[0.0, 1.0], [0.0, 2.0]], [[0.0, -1.0], [0.0, 2.0]],
                               [[-1.0, 0.0], [0.0, 0.0]], [[4.0, 7.0], [2.0, 6.0]], [[0.0, 1.0], [1.0, 0.0]]])
def test_det_and_slogdet_read_pytorchs_lu_with_its_signed_zeros_and_rounding(m):
    """det of a singular matrix is -0. where PyTorch's LU of A^T says so, and
    float32 det [[4, 7], [2, 6]] is PyTorch's 10.000002 (the product of the
    pivots of A^T), not NumPy's 10."""
    def run(T):
        a = T.tensor(m)
        sign, logabsdet = T.linalg.slogdet(a)
        return [T.linalg.det(a), T.linalg.det(a.T), T.det(a.double()), sign, logabsdet,
                T.linalg.det(T.stack([a, a.T]))]
    check(run)
    torch = pytest.importorskip("torch")
    for e, t in zip(run(ember), run(torch)):
        assert np.array_equal(np.signbit(e.numpy()), np.signbit(t.numpy()))
        assert np.array_equal(e.numpy(), t.numpy())


def test_linalg_error_class_is_named_as_pytorchs():
    try:
        ember.linalg.inv(ember.zeros(2, 2))
    except ember.linalg.LinAlgError as e:
        assert type(e).__name__ == "_LinAlgError"
    torch = pytest.importorskip("torch")
    assert torch.linalg.LinAlgError.__name__ == "_LinAlgError"


def test_triangular_solve_warns_its_deprecation_as_pytorch():
    from ember import _settings
    torch = pytest.importorskip("torch")
    _settings._WARNED.clear()
    messages = []
    for T in (torch, ember):
        T.set_warn_always(True)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                T.triangular_solve(T.ones(2, 1), T.eye(2))
        finally:
            T.set_warn_always(False)
        messages.append([str(w.message) for w in caught])
    assert messages[0] == messages[1] and len(messages[0]) == 1


@pytest.mark.parametrize("call", [
    lambda T: T.linalg.vector_norm(T.ones(2), "fro"), lambda T: T.linalg.vector_norm(T.ones(2), ord=None),
    lambda T: T.linalg.vector_norm(T.ones(2).int(), ord="fro"),
    lambda T: T.linalg.solve_triangular(T.eye(2), T.ones(2, 1))])
def test_argument_errors_as_pytorchs_parser(call):
    check_error(lambda T: (), lambda T: call(T))


def test_vector_norm_takes_any_number_as_ord():
    check(lambda T: [T.linalg.vector_norm(T.tensor([3.0, -4.0]), o)
                     for o in (1, 2.0, float("inf"), -float("inf"), 0, True, T.tensor(3.0))])


@pytest.mark.parametrize("call", [
    lambda T: T.linalg.matrix_norm(T.ones(2), "bad"), lambda T: T.linalg.matrix_norm(T.ones(2), 3),
    lambda T: T.linalg.matrix_norm(T.ones(2, 2).int(), 3.5), lambda T: T.ones(2).norm(p="bad")])
def test_matrix_norm_checks_its_order_first_as_pytorch(call):
    check_error(lambda T: (), lambda T: call(T))


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_qr_and_orthogonal_init_refuse_half_precision(dtype):
    # LAPACK's geqrf has no half kernel: PyTorch refuses after its checks
    # (and orthogonal_ after drawing its normal sample).
    torch = pytest.importorskip("torch")
    said = []
    for T in (torch, ember):
        T.manual_seed(0)
        for call in (lambda: T.linalg.qr(T.eye(3, dtype=getattr(T, dtype))),
                     lambda: T.nn.init.orthogonal_(T.empty(3, 3, dtype=getattr(T, dtype)))):
            with pytest.raises(NotImplementedError) as info:
                call()
            said.append(str(info.value))
        said.append(T.rand(1).item())
    assert said[:3] == said[3:]
