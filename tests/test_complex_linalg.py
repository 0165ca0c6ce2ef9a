"""torch.linalg on complex tensors beyond the catalogue rows
(tests/complex_linalg_rows.py): eig's results and refusals, the phase
(gauge) errors of svd/eig/eigh backward, out= dtypes, and the values of
the norms and condition numbers, each against PyTorch."""
import numpy as np
import pytest

import ember
from compare_torch import check, check_error


def _c(shape, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(shape) + 1j * rng.standard_normal(shape)


A = _c((3, 3))


def _eig_mix(L, V):
    return ((V * V.conj()) * L.unsqueeze(-2)).sum(-1)


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64", "complex128"])
def test_eig_eigvals_values_and_dtypes(dtype):
    data = A.real if dtype.startswith("float") else A

    def f(T):
        x = T.tensor(data, dtype=getattr(T, dtype))
        L, V = T.linalg.eig(x)
        w = T.linalg.eigvals(x)
        # sorted by value: LAPACK's order is its own
        key = lambda t: t.real * 1000 + t.imag    # noqa: E731
        return (L.dtype, V.dtype, w.dtype, T.sort(key(w)).values, _eig_mix(L, V),
                (x.to(L.dtype) @ V - V * L).abs().max() < 1e-4)
    check(f, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("op", [
    lambda T, x: T.linalg.eig(x[:, :2]), lambda T, x: T.linalg.eig(x[0]),
    lambda T, x: T.linalg.eig(x.to(T.int64)), lambda T, x: T.linalg.eigvals(x.to(T.int64)),
    lambda T, x: T.linalg.eig(x.to(T.float16)),
    lambda T, x: T.linalg.eig(T.tensor([[1.0, float("nan")], [0.0, 1.0]])),
    lambda T, x: T.linalg.eig(x, out=(T.empty(0, dtype=T.complex64), T.empty(0))),
    lambda T, x: T.linalg.eigvals(x, out=T.empty(0)),
])
def test_eig_refusals_as_pytorch(op):
    check_error(lambda T: (T.tensor(A.real, dtype=T.float32),), op)


def test_eig_out_casts_to_a_wider_complex():
    def f(T):
        x = T.tensor(A.real, dtype=T.float32)
        L, V = T.empty(0, dtype=T.complex128), T.empty(0, dtype=T.complex64)
        T.linalg.eig(x, out=(L, V))
        return L.dtype, V.dtype, _eig_mix(L.to(V.dtype), V)
    check(f, rtol=1e-5)


def _phase_dependent(T, which):
    x = T.tensor(A, requires_grad=True)
    if which == "svd_u":
        out = T.linalg.svd(x).U.sum()
    elif which == "svd_vh":
        out = T.linalg.svd(x).Vh[0].sum()
    elif which == "eig":
        out = T.linalg.eig(x).eigenvectors.sum()
    else:
        out = T.linalg.eigh(x @ x.mH).eigenvectors[0].sum()
    return (out.real + out.imag).backward()


@pytest.mark.parametrize("which", ["svd_u", "svd_vh", "eig", "eigh"])
def test_phase_dependent_losses_refused_as_pytorch(which):
    check(lambda T: _phase_dependent(T, which))


@pytest.mark.parametrize("ord", [None, 2, -2, 1, -1, float("inf"), "fro", "nuc"])
def test_cond_and_matrix_norms_of_complex(ord):
    def f(T):
        x = T.tensor(A)
        return T.linalg.cond(x, ord), T.linalg.norm(x, ord), (
            T.linalg.matrix_norm(x, ord) if ord is not None else None)
    check(f, rtol=1e-10)


def test_cond_of_a_singular_complex_matrix_is_inf():
    check(lambda T: T.linalg.cond(T.ones(2, 2, dtype=T.complex64) * (1 + 1j), 1))


@pytest.mark.parametrize("driver", [None, "gels", "gelsd", "gelss"])
def test_lstsq_complex_results_and_dtypes(driver):
    def f(T):
        r = T.linalg.lstsq(T.tensor(_c((5, 3), 1), dtype=T.complex64),
                           T.tensor(_c((5, 2), 2), dtype=T.complex64), driver=driver)
        return tuple(r)
    check(f, rtol=1e-4, atol=1e-5)


def test_vecdot_conjugates_its_first_argument_and_checks_dtypes():
    check(lambda T: (T.linalg.vecdot(T.tensor(A), T.tensor(A * 2j)),
                     T.linalg.vecdot(T.tensor(A[0]), T.tensor(A[1]))), rtol=1e-12)
    check_error(lambda T: (T.ones(3), T.ones(3, dtype=T.float64)),
                lambda T, x, y: T.linalg.vecdot(x, y))
    check_error(lambda T: (T.ones(3, dtype=T.int64),), lambda T, x: T.linalg.vecdot(x, x))


def test_pinv_matrix_rank_of_complex_as_pytorch():
    low = _c((4, 2), 3) @ _c((2, 3), 4)
    check(lambda T: (T.linalg.matrix_rank(T.tensor(low)), T.linalg.pinv(T.tensor(low)),
                     T.linalg.matrix_rank(T.tensor(low @ low.conj().T), hermitian=True)),
          rtol=1e-8, atol=1e-10)


def test_lu_pivots_of_complex_as_lapack():
    # |re| + |im| picks the pivot, as LAPACK's izamax: row 1 here, not row 0
    m = np.array([[1.4 + 0j, 1], [1 + 1j, 2]])
    check(lambda T: tuple(T.linalg.lu_factor(T.tensor(m))), rtol=1e-12)


@pytest.mark.parametrize("create_graph", [False, True])
def test_complex_det_gradient_at_a_singular_matrix(create_graph):
    """conj(w * cofactors) for Re(w det(A)) under create_graph=True (the SVD
    path); zeros otherwise, where det's LU makes det exactly 0 (as
    tests/test_linalg.py's real case)."""
    m = np.array([[1 + 1j, 2 - 1j, 0.5], [2 + 2j, 4 - 2j, 1], [1j, 3, -1 + 1j]])
    a = ember.tensor(m, requires_grad=True)
    det = ember.linalg.det(a)
    assert det.item() == 0
    grad, = ember.autograd.grad((det * (1 - 2j)).real, a, create_graph=create_graph)
    cofactors = [[(-1) ** (i + j) * np.linalg.det(np.delete(np.delete(m, i, 0), j, 1))
                  for j in range(3)] for i in range(3)]
    want = np.conj((1 - 2j) * np.array(cofactors)) if create_graph else 0
    np.testing.assert_allclose(grad.detach().numpy(), want, atol=1e-12)
    assert np.abs(cofactors).max() > 1


@pytest.mark.parametrize("op", [
    lambda T, x: T.linalg.vector_norm(x, dtype=T.float64),
    lambda T, x: T.linalg.vector_norm(x.real, dtype=T.complex128),
    lambda T, x: T.linalg.vector_norm(x, dtype=T.complex64),
    lambda T, x: T.linalg.vector_norm(x.real, dtype=T.float32),
    lambda T, x: T.linalg.matrix_norm(x, "nuc", dtype=T.float32),
    lambda T, x: T.linalg.norm(x, dtype=T.int64),
    lambda T, x: T.linalg.matrix_rank(x, rtol=T.tensor(1j)),
    lambda T, x: T.linalg.pinv(x, atol=T.tensor(1j), rtol=T.tensor(1j)),
])
def test_norm_dtypes_and_complex_tolerances_refused_as_pytorch(op):
    check_error(lambda T: (T.tensor(A),), op)


def test_norm_dtype_widening_and_failed_solves_of_complex():
    def f(T):
        x = T.tensor(A, dtype=T.complex64)
        singular = T.zeros(2, 3, 3, dtype=T.complex64)
        singular[1] = T.eye(3)
        return (T.linalg.vector_norm(x, dtype=T.complex128),
                T.linalg.matrix_norm(x, 1, dtype=T.complex128),
                tuple(T.linalg.solve_ex(singular, T.ones(2, 3, 1, dtype=T.complex64))),
                tuple(T.linalg.inv_ex(singular)), T.svd(x, compute_uv=False).V.resolve_conj())
    check(f, rtol=1e-6)


def _changed_output(T, op):
    A = T.tensor([[2.0 + 1j, 1.0], [1.0, 3.0 - 1j]], requires_grad=True)
    outs = op(T, A)
    outs[0].mul_(2)
    sum(o.abs().sum() for o in outs if o.requires_grad).backward()


@pytest.mark.parametrize("op", [
    lambda T, A: T.linalg.qr(A), lambda T, A: T.linalg.inv_ex(A), lambda T, A: T.linalg.slogdet(A),
    lambda T, A: T.linalg.eigh(A @ A.mH), lambda T, A: T.linalg.cholesky_ex(A @ A.mH),
    lambda T, A: T.linalg.solve_ex(A, A), lambda T, A: T.linalg.lu_factor_ex(A),
])
def test_saved_outputs_changed_in_place_refused_as_pytorch(op):
    """A multi-output op's saved outputs carry version counters: changing one
    in place makes backward raise PyTorch's message (linalg.cond with p other
    than None/+-2 masks its inverse in place, so its backward raises too)."""
    check(lambda T: _changed_output(T, op))


def test_cond_backward_through_the_masked_inverse_raises_as_pytorch():
    def f(T):
        x = T.tensor(A + 4 * np.eye(3), requires_grad=True)
        T.linalg.cond(x, "fro").backward()
    check(f)
