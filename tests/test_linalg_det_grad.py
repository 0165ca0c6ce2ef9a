"""det's, slogdet's and logdet's gradients as PyTorch gives them, singular
matrices included: det's is 0 where det is (the zero right-hand side of
LAPACK's solve, signed zeros as PyTorch's), slogdet's inf and NaN in
PyTorch's places (a zero pivot divides), for a matrix laid out by rows (LU
of A^T) or by columns (LU of A); under create_graph=True, a solve, or the
SVD path for a singular det."""
import numpy as np
import pytest

import ember
from compare_torch import check

_MATRICES = {
    "rank 1, symmetric": [[1.0, 2.0], [2.0, 4.0]],
    "rank 1": [[1.0, 2.0], [3.0, 6.0]],
    "zero column": [[0.0, 1.0], [0.0, 2.0]],
    "zero": [[0.0, 0.0], [0.0, 0.0]],
    "diag(1, 1, 0)": [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]],
    "1..9": [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]],
    "invertible": [[2.0, 1.0], [1.0, 3.0]],
    "pivoting": [[4.0, 7.0], [2.0, 6.0]],
    "random 4x4": np.random.default_rng(0).standard_normal((4, 4)).tolist(),
}
_GRADS = {
    "det": lambda T, a: T.linalg.det(a),
    "slogdet": lambda T, a: T.linalg.slogdet(a)[1],
    "logdet": lambda T, a: a.logdet(),
}


def _matrix(T, m, dtype, layout):
    a = T.tensor(m, dtype=getattr(T, dtype))
    return (a if layout == "rows" else a.t().contiguous().t()).requires_grad_()


@pytest.mark.parametrize("layout", ["rows", "columns"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(_MATRICES))
@pytest.mark.parametrize("op", list(_GRADS))
def test_gradient_as_pytorch(op, name, dtype, layout):
    def f(T):
        a = _matrix(T, _MATRICES[name], dtype, layout)
        return T.autograd.grad(_GRADS[op](T, a), a)[0]
    rounding = _singular_by_rounding(name, dtype, layout)
    if rounding == "ours exact":
        # (a singular matrix whose LU PyTorch's LAPACK, on this CPU, rounds
        # to a tiny nonzero pivot (MKL fuses the update's multiply-add on
        # some CPUs, not on others): its gradient is then the inverse's
        # rounding noise, or the adjugate; Ember's LU finds the exact zero
        # pivot, as PyTorch's does elsewhere, and gives that zero's answer)
        e = f(ember).numpy()
        assert (e == 0).all() if op == "det" else not np.isfinite(e).all()
        return
    if rounding == "both rounded" and op != "det":
        # (both LUs round the last pivot to a tiny number, each its own, as
        # NumPy's OpenBLAS and PyTorch's MKL do on some CPUs: log|det|'s
        # gradient, A^-T, is then 1 / that pivot's noise in both, equal in
        # neither; Ember's must still be an inverse of A^T, to the pivot's
        # precision. det's gradient, the adjugate, stays comparable.)
        a = np.array(_MATRICES[name])
        e = f(ember).numpy().astype(np.float64)
        assert np.isfinite(e).all() and np.abs(e).max() > 1e12
        assert np.abs(a.T @ e - np.eye(len(a))).max() <= 1e-12 * np.abs(a).max() * np.abs(e).max()
        return
    e = check(f, rtol=2e-5 if dtype == "float32" else 1e-12)
    torch = pytest.importorskip("torch")
    t = f(torch)
    if not np.isfinite(t.numpy()).all() or (t.numpy() == 0).all():
        # (where PyTorch's answer is its solve's zeros, infs and NaNs: theirs exactly)
        np.testing.assert_array_equal(np.signbit(e.numpy()), np.signbit(t.numpy()))


def _singular_by_rounding(name, dtype, layout):
    """For a singular matrix whose two LUs disagree on its determinant,
    which of them rounded the last pivot to a tiny number rather than 0:
    "ours exact" (PyTorch's did), "both rounded" (each to its own noise),
    or None (they agree, or the matrix is invertible)."""
    try:
        import torch
    except ImportError:
        return None
    if np.linalg.matrix_rank(np.array(_MATRICES[name])) == len(_MATRICES[name]):
        return None
    ours = _matrix(ember, _MATRICES[name], dtype, layout).det().item()
    theirs = _matrix(torch, _MATRICES[name], dtype, layout).det().item()
    if ours == theirs or theirs == 0:
        return None
    return "ours exact" if ours == 0 else "both rounded"


@pytest.mark.parametrize("name", list(_MATRICES))
@pytest.mark.parametrize("op", ["det", "slogdet"])
def test_gradient_under_create_graph(op, name):
    """A solve, LinalgSolveExBackward0; for a singular det, the SVD path (its
    matmul at the end); slogdet of a singular matrix: the solve's error."""
    def f(T):
        a = _matrix(T, _MATRICES[name], "float64", "rows")
        try:
            g = T.autograd.grad(_GRADS[op](T, a), a, create_graph=True)[0]
        except RuntimeError as e:
            return type(e).__name__, str(e).replace("torch.", "")
        # (not of the zero matrix: its repeated singular values make PyTorch's
        # SVD backward NaN, Ember's finite)
        second = None if name == "zero" else T.autograd.grad(g.sum(), a)[0]
        return g, type(g.grad_fn).__name__, second
    check(f, rtol=1e-9, atol=1e-12)


def test_a_batch_with_one_singular_matrix():
    def f(T):
        a = T.tensor([[[1.0, 2.0], [2.0, 4.0]], [[2.0, 1.0], [1.0, 3.0]]], dtype=T.float64,
                     requires_grad=True)
        plain = T.autograd.grad(a.det().sum(), a)[0]
        g = T.autograd.grad(a.det().sum(), a, create_graph=True)[0]
        return plain, g, T.autograd.grad(g.sum(), a)[0]
    check(f, rtol=1e-12, atol=1e-12)


def test_complex_gradients():
    def f(T):
        c = T.tensor([[1 + 1j, 2], [0.5j, 3]], dtype=T.complex128, requires_grad=True)
        return (T.autograd.grad(c.det().abs(), c)[0],
                T.autograd.grad(T.linalg.slogdet(c)[1], c)[0])
    check(f, rtol=1e-12)


def test_gradcheck_and_gradgradcheck():
    a = ember.tensor(_MATRICES["random 4x4"], dtype=ember.float64, requires_grad=True)
    for fn in (ember.linalg.det, lambda x: ember.linalg.slogdet(x)[1]):
        assert ember.autograd.gradcheck(fn, (a,))
        assert ember.autograd.gradgradcheck(fn, (a,))
