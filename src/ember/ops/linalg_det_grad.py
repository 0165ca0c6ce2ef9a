"""The derivatives of det and slogdet: PyTorch's linalg_det_backward and
slogdet_backward (FunctionsManual.cpp).

Both solve A^H X = D with the LU factorisation the forward computed, D the
diagonal matrix of the incoming gradients (times conj(det) for det). Where A
is singular, what PyTorch gives is what LAPACK's triangular solves give
there, so they are written out here as LAPACK writes them: det's gradient is
0 where det is 0 (trsm skips a zero right-hand side, and a zero det makes D
zero), slogdet's is inf and NaN (a zero pivot divides). Under
create_graph=True the formulas are recorded: a solve, and for a singular A
det's gradient through the SVD, which needs no inverse."""
from ._common import np
from .linalg_common import mH

__all__ = ["det_grad", "factors_transpose", "slogdet_grad"]


def _swap_rows(b, pivots, reverse):
    """The row interchanges of LAPACK's 1-based pivots (laswp), applied to
    b (..., n, m) in place, in order or in reverse (P^T b, or P b)."""
    n = pivots.shape[-1]
    flat_b = b.reshape((-1,) + b.shape[-2:])
    flat_p = pivots.reshape(-1, n) - 1
    rows = np.arange(flat_b.shape[0])
    for i in (reversed(range(n)) if reverse else range(n)):
        p = flat_p[:, i]
        kept = flat_b[rows, i].copy()
        flat_b[rows, i] = flat_b[rows, p]
        flat_b[rows, p] = kept


def _substitute(t, b, lower, unit, skip_zeros):
    """Solve T X = B for triangular T, column by column as the reference
    trsm does (Left, NoTrans): a row's value divides by the diagonal, then
    is taken from the rows after it; skip_zeros leaves a zero value alone, as
    trsm does (so a zero B stays zero, signs included, however singular T)."""
    n = t.shape[-1]
    for k in (range(n) if lower else reversed(range(n))):
        bk = b[..., k, :]
        live = bk != 0 if skip_zeros else np.ones(bk.shape, bool)
        if not unit:
            bk = np.where(live, bk / t[..., k, k, None], bk)
            b[..., k, :] = bk
        rest = slice(k + 1, None) if lower else slice(0, k)
        update = bk[..., None, :] * t[..., rest, k, None]
        b[..., rest, :] = np.where(live[..., None, :], b[..., rest, :] - update, b[..., rest, :])
    return b


def _solve_adjoint(A, LU, pivots, d, skip_zeros):
    """X with A^H X = d, from the LU the forward computed: of A^T for a real
    A laid out by rows (PyTorch's, which LAPACK reads without a copy), where
    A^H X = d is LU's own system, else of A."""
    n = LU.shape[-1]
    strict = np.tril(np.ones((n, n), bool), -1)
    L = np.where(strict, LU, 0) + np.eye(n, dtype=LU.dtype)
    U = np.where(strict, 0, LU)
    b = np.array(np.broadcast_to(d, LU.shape[:-2] + d.shape[-2:]), LU.dtype)
    with np.errstate(all="ignore"):
        if factors_transpose(A):
            _swap_rows(b, pivots, False)
            return _substitute(U, _substitute(L, b, True, True, skip_zeros), False, False,
                               skip_zeros)
        # A = P L U, so A^H = U^H L^H P^T: U^H is lower, L^H upper (unit)
        b = _substitute(_adjoint(L), _substitute(_adjoint(U), b, True, False, skip_zeros),
                        False, True, skip_zeros)
        _swap_rows(b, pivots, True)
        return b


def _adjoint(a):
    return np.conj(np.swapaxes(a, -1, -2))


def factors_transpose(a):
    """Whether det's and slogdet's forward factors A^T (linalg_solvers.
    _lu_diagonal), as PyTorch's does: a real A laid out by rows."""
    return a.dtype.kind != "c" and a.flags.c_contiguous


def _diagonal(v, n):
    """The (..., n, n) matrices with v (...) on their diagonals (and +0.
    elsewhere, whatever v's sign: a product with the identity gives -0.)."""
    return np.where(np.eye(n, dtype=bool), v[..., None, None], np.zeros((), v.dtype))


def det_grad(xp, g, A, result, LU, pivots):
    """g conj(det) A^{-H}: a solve with A's LU; recorded, a solve of A^H, or
    through the SVD where a determinant is 0 (PyTorch's singular path)."""
    det = result
    n = xp.data(A).shape[-1]
    if not xp.recording:
        d = _diagonal(np.asanyarray(g * np.conj(det)), n)
        return _solve_adjoint(A, LU, pivots, d, skip_zeros=True)
    if n == 0:
        return xp.zeros_like(A)
    singular = det._data == 0
    if not singular.any():
        return _solved_det_grad(xp, g, A, det)
    if singular.all():
        return _singular_det_grad(g, A)
    # (a batch of both: each part by its own path, put in place, as PyTorch)
    from .._tensor import Tensor
    mask = Tensor._wrap(singular)
    out = xp.zeros_like(A).index_put((~mask,), _solved_det_grad(xp, g[~mask], A[~mask],
                                                                det[~mask]))
    return out.index_put((mask,), _singular_det_grad(g[mask], A[mask]))


def _solved_det_grad(xp, g, A, det):
    """A^H X = diag(g conj(det)), solved (recorded)."""
    from .linalg_solvers import solve
    eye = np.eye(xp.data(A).shape[-1], dtype=xp.data(A).dtype)
    return solve(mH(xp, A), (g * xp.conj(det))[..., None, None] * eye)


def _singular_det_grad(g, A):
    """U diag(d prod(S)/dS) Vh times conj(det U det Vh) g: det's gradient
    from A = U diag(S) Vh, where no inverse exists (recorded)."""
    from .._creation import ones
    from .linalg_decompositions import svd
    from .linalg_solvers import det
    from .shape_join import cat
    U, S, Vh = svd(A)
    alpha = (det(U) * det(Vh)).conj() * g
    n = S.shape[-1]
    one = ones(S.shape[:-1] + (1,), dtype=S.dtype)
    before = cat([one, S.narrow(-1, 0, n - 1)], -1).cumprod(-1)
    after = cat([one, S.narrow(-1, 1, n - 1).flip(-1)], -1).cumprod(-1).flip(-1)
    D = alpha.unsqueeze(-1) * (before * after).conj()
    return (U * D.unsqueeze(-2)) @ Vh


def slogdet_grad(xp, grad, A, sign, LU, pivots):
    """(g_logabsdet - i Im(conj(g_sign) sign)) A^{-H}: a real sign has no
    derivative. A singular A gives LAPACK's inf and NaN, as PyTorch does."""
    g_sign, g = grad
    if xp.is_complex(A):
        g = g - xp.imag(xp.conj(g_sign) * sign) * 1j
    n = xp.data(A).shape[-1]
    if not xp.recording:
        return _solve_adjoint(A, LU, pivots, _diagonal(np.asanyarray(g), n), skip_zeros=False)
    from .linalg_solvers import solve
    return solve(mH(xp, A), g[..., None, None] * np.eye(n, dtype=xp.data(A).dtype))
