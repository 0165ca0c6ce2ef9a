"""torch.linalg's inverses and linear solvers: inv, inv_ex, det, slogdet,
solve, solve_ex, solve_triangular, cholesky, cholesky_ex, and the old torch
names built on them. The arithmetic is LAPACK's, through numpy.linalg; the
derivative formulas are PyTorch's (FunctionsManual.cpp), written against
`xp` so that their own derivatives are recorded under create_graph=True."""

from .. import return_types as RT
from ._common import D, Tensor, np, recorded, recorded_multi
from ._int_args import REQUIRED, missing_arguments
from ._out import same_dtype
from ._registry import grad_fn, register, tensor_field
from ._xp import provide
from .linalg_det_grad import det_grad, factors_transpose, slogdet_grad
from .linalg_common import (at_least_2d, column_major, float_input, inv_info, lu_np, mH, np_dtype,
                            np_solve, singular_error, solve_arrays, square, vector_rhs, warn_once)
from .linalg_singular import cholesky_partial, inv_arrays

__all__ = ["inv", "inv_ex", "det", "slogdet", "solve", "solve_ex", "solve_triangular",
           "cholesky", "cholesky_ex", "tri_mask", "tri_part"]


def tri_mask(xp, x, upper, k=0):
    """triu(ones, k) (upper) or tril(ones, -k) of x's matrix shape and dtype:
    a constant the formulas multiply by (no triu/tril op needed)."""
    m, n = xp.data(x).shape[-2:]
    ones = np.ones((m, n), np_dtype(xp, x))
    return np.triu(ones, k) if upper else np.tril(ones, -k)


def tri_part(xp, x, upper, k=0):
    """x's upper (from diagonal k) or lower (to -k) triangle: recorded, the
    triu / tril derivatives.yaml calls; on arrays, a product with the mask."""
    if xp.recording:
        return x.triu(k) if upper else x.tril(-k)
    return x * tri_mask(xp, x, upper, k)


# --- inv ------------------------------------------------------------------

LinalgInvExBackward0 = grad_fn(
    "LinalgInvExBackward0", outputs=("inverse",), saved={"inverse": tensor_field("inverse")},
    A=lambda xp, grad, inverse: -xp.matmul(xp.matmul(mH(xp, inverse), grad[0]),
                                           mH(xp, inverse)))


def _inv_ex(A, check_errors, name):
    square(A, "linalg.inv")     # (inv_ex's checks are inv's, by name too)
    inverse, info = inv_arrays(A._data, name, check_errors)
    inverse = column_major(inverse)
    return recorded_multi(LinalgInvExBackward0, [inverse, info], (A,), (), (True, False))


def inv_ex(A, *, check_errors=False):
    return RT.linalg_inv_ex._of(*_inv_ex(A, check_errors, "linalg.inv_ex"))


def inv(A):
    return _inv_ex(A, True, "linalg.inv")[0]


# --- det, slogdet ---------------------------------------------------------

# (the LU factorisation det computes, which PyTorch's node keeps)
_LU_FIELDS = {"LU": tensor_field("LU"), "pivots": tensor_field("pivots")}
LinalgDetBackward0 = grad_fn("LinalgDetBackward0", saved=_LU_FIELDS, A=det_grad)
LinalgSlogdetBackward0 = grad_fn(
    "LinalgSlogdetBackward0", outputs=("sign", "logabsdet"),
    saved={**_LU_FIELDS, "sign": tensor_field("sign")}, A=slogdet_grad)


def _lu_diagonal(A):
    """PyTorch's det and slogdet read the LU factorisation: of A^T for a real
    contiguous A (an F-contiguous matrix LAPACK needs no copy of), of A
    otherwise. (the sign of the pivots' permutation, U's diagonal). Using
    PyTorch's factorisation gives its rounding (det [[4, 7], [2, 6]] in
    float32 is 10.000002) and its signed zeros (det [[1, 2], [2, 4]] is -0.)."""
    a = A._data
    if factors_transpose(a):
        a = np.swapaxes(a, -1, -2)
    LU, pivots, _ = lu_np(a)
    swaps = np.count_nonzero(pivots != np.arange(1, pivots.shape[-1] + 1), axis=-1)
    parity = np.where(swaps % 2 == 1, -1, 1).astype(LU.real.dtype)
    return parity, np.diagonal(LU, 0, -2, -1), (LU, pivots)


def det(A):
    square(A, "linalg.det")
    parity, diagonal, factors = _lu_diagonal(A)
    with np.errstate(over="ignore"):
        result = np.asanyarray(parity * np.prod(diagonal, axis=-1))
    return recorded(LinalgDetBackward0, result, (A,), factors)


def _slogdet(A, name):
    square(A, name)
    parity, diagonal, factors = _lu_diagonal(A)
    magnitude = np.abs(diagonal)
    with np.errstate(divide="ignore", invalid="ignore"):
        if diagonal.dtype.kind == "c":
            unit = np.where(magnitude == 0, 0, diagonal / np.where(magnitude == 0, 1, magnitude))
        else:   # (PyTorch's sgn of a real: (0 < x) - (x < 0), so 1 for inf and 0 for NaN)
            unit = (diagonal > 0).astype(magnitude.dtype) - (diagonal < 0)
        sign = np.prod(unit, axis=-1) * parity
        logabsdet = np.sum(np.log(magnitude), axis=-1)
    return recorded_multi(LinalgSlogdetBackward0, [np.asanyarray(sign), np.asanyarray(logabsdet)],
                          (A,), factors)


def slogdet(A):
    return RT.linalg_slogdet._of(*_slogdet(A, "linalg.slogdet"))


def torch_slogdet(input):
    return RT.slogdet._of(*_slogdet(input, "linalg.slogdet"))


def logdet(input):
    """log det: NaN where a real determinant is negative (PyTorch's where
    over slogdet, so the graph is the same); of a complex one, log(sign) +
    log|det|."""
    from .conditional import where
    sign, logabsdet = _slogdet(input, "logdet")
    if input.is_complex():
        from .pointwise import log
        return log(sign) + logabsdet
    nan = Tensor._wrap(np.array(np.nan, input._data.dtype))
    return where(Tensor._wrap(np.asanyarray(sign._data < 0)), nan, logabsdet)


# --- solve ----------------------------------------------------------------

def _nan(dtype):
    """LAPACK's NaN of a failed element: NaN in both parts of a complex one."""
    return complex(np.nan, np.nan) if dtype.kind == "c" else np.nan


def where_ok(fn, a, info):
    """fn of the batch elements whose LAPACK `info` is 0; NaN elsewhere."""
    out = np.full(a.shape, _nan(a.dtype), a.dtype)
    ok = info == 0
    if a.ndim > 2:
        out[ok] = fn(a[ok])
    return out


# (a vector B is a column: PyTorch refuses it where left=False)
def _as_matrix(x, vec):
    return x[..., None] if vec else x


def _as_given(x, vec):
    return x[..., 0] if vec else x


def _solve_grad_B(xp, g, A, left, vec):
    g = _as_matrix(g, vec)
    gB = xp.solve(mH(xp, A), g) if left else mH(xp, xp.solve(A, mH(xp, g)))
    return gB


def _solve_grad_A(xp, g, A, X, left, vec):
    gB = _solve_grad_B(xp, g, A, left, vec)
    X = _as_matrix(X, vec)
    return -xp.matmul(gB, mH(xp, X)) if left else -xp.matmul(mH(xp, X), gB)


def _solve_factor(k):
    """A field of the LU factorisation of A (0: LU, 1: pivots) that PyTorch's
    solve computes and keeps; Ember's solver does not return it, so it is
    factored again from the saved A when read."""
    return tensor_field(lambda node: lu_np(node._saved_A._data)[k])


LinalgSolveExBackward0 = grad_fn(
    "LinalgSolveExBackward0", outputs=("X",), saved={
        "LU": _solve_factor(0), "left": "left", "pivots": _solve_factor(1),
        "result": tensor_field("X")},
    A=lambda xp, grad, A, X, left, vec: _solve_grad_A(xp, grad[0], A, X, left, vec),
    B=lambda xp, grad, A, left, vec: _as_given(_solve_grad_B(xp, grad[0], A, left, vec), vec))


def _same_dtype(A, B, name):
    if A._data.dtype != B._data.dtype:
        raise RuntimeError(f"{name}: Expected A and B to have the same dtype, but found A of type "
                           f"{D.SCALAR_NAMES[A.dtype]} and B of type "
                           f"{D.SCALAR_NAMES[B.dtype]} instead")


def _solve_ex(A, B, left, check_errors, name="linalg.solve"):
    # (solve_ex's checks word themselves as solve's, as PyTorch's do; its
    # singular matrix error names it)
    square(A, "linalg.solve")
    float_input(B, "linalg.solve")
    _same_dtype(A, B, "linalg.solve")
    a, b = A._data, B._data
    vec = vector_rhs(a, b)
    bm = _as_matrix(b, vec)
    n, k = a.shape[-1], bm.shape[-2 if left else -1]
    if n != k:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({n}x{n} and "
                           f"{bm.shape[-2]}x{bm.shape[-1]})")
    if vec and not left:
        raise RuntimeError("linalg.solve: Vector broadcasting of the left hand side is not "
                           "supported for left=False. In this case linalg.solve is equivalent to "
                           "B / A.squeeze(-1)")
    try:
        x = solve_arrays(a, bm, left)
        info = np.zeros(np.broadcast_shapes(a.shape[:-2], bm.shape[:-2]), np.int32)
    except np.linalg.LinAlgError:
        batch = np.broadcast_shapes(a.shape[:-2], bm.shape[:-2])
        info = inv_info(np.broadcast_to(a, batch + a.shape[-2:]))
        if check_errors:
            raise singular_error(f"torch.{name}", info, lambda i: "The solver failed because the "
                                 "input matrix is singular.") from None
        x = np.full(batch + bm.shape[-2:], _nan(a.dtype), a.dtype)
        ok = info == 0
        if batch:
            ab = np.broadcast_to(a, batch + a.shape[-2:])[ok]
            x[ok] = solve_arrays(ab, np.broadcast_to(bm, batch + bm.shape[-2:])[ok], left)
    # (LAPACK's layout: by columns, a batch of vectors too, taken as one
    # matrix; XA = B is solved as its transpose, so by rows)
    x = _as_given(x, vec)
    x = column_major(x) if left else mT_c(x)
    return recorded_multi(LinalgSolveExBackward0, [x, info], (A, B),
                          (left, vec), (True, False))


def solve_ex(A, B, *, left=True, check_errors=False):
    return RT.linalg_solve_ex._of(*_solve_ex(A, B, left, check_errors, "linalg.solve_ex"))


def solve(A, B, *, left=True):
    return _solve_ex(A, B, left, True)[0]


# --- solve_triangular -----------------------------------------------------

def mT_c(x):
    """x laid out by rows: the transpose of a matrix LAPACK wrote by columns."""
    return column_major(x.swapaxes(-1, -2)).swapaxes(-1, -2)


def _triangle(a, upper, unitriangular):
    t = np.triu(a) if upper else np.tril(a)
    if unitriangular:
        n = a.shape[-1]
        t = t.copy()
        t[..., np.arange(n), np.arange(n)] = 1
    return t


def _substitute(t, b, upper):
    """Back/forward substitution, for a triangle with a zero on its diagonal
    (LAPACK's trtrs gives inf/NaN there; numpy's LU solver refuses)."""
    n = t.shape[-1]
    shape = np.broadcast_shapes(t.shape[:-2], b.shape[:-2]) + b.shape[-2:]
    x = np.zeros(shape, np.result_type(t, b))
    with np.errstate(all="ignore"):
        for i in (range(n - 1, -1, -1) if upper else range(n)):
            rest = (t[..., i, :, None] * x).sum(-2)
            x[..., i, :] = (b[..., i, :] - rest) / t[..., i, i, None]
    return x


def tri_solve_arrays(a, b, upper, left=True, unitriangular=False):
    t = _triangle(a, upper, unitriangular)
    if not left:
        return np.swapaxes(tri_solve_arrays(np.swapaxes(t, -1, -2), np.swapaxes(b, -1, -2),
                                            not upper), -1, -2)
    try:
        return np_solve(t, b)
    except np.linalg.LinAlgError:
        return _substitute(t, b, upper)


def _tri_grad_B(xp, g, A, upper, left, unitriangular):
    return xp.solve_triangular(mH(xp, A), g, not upper, left, unitriangular)


def _tri_grad_A(xp, g, A, X, upper, left, unitriangular):
    gB = _tri_grad_B(xp, g, A, upper, left, unitriangular)
    gA = -xp.matmul(gB, mH(xp, X)) if left else -xp.matmul(mH(xp, X), gB)
    return tri_part(xp, gA, upper, int(unitriangular))


LinalgSolveTriangularBackward0 = grad_fn(
    "LinalgSolveTriangularBackward0",
    saved={"left": "left", "unitriangular": "unitriangular", "upper": "upper"},
    self=lambda xp, g, self, result, upper, left, unitriangular:
        _tri_grad_A(xp, g, self, result, upper, left, unitriangular),
    # (`result` named, unread: one PyTorch formula for both inputs keeps it)
    B=lambda xp, g, self, result, upper, left, unitriangular:
        _tri_grad_B(xp, g, self, upper, left, unitriangular))


def solve_triangular(A, B, *, upper=REQUIRED, left=True, unitriangular=False):
    if upper is REQUIRED:
        raise missing_arguments("linalg_solve_triangular", "upper")
    name = "linalg.solve_triangular"
    at_least_2d(A, name)
    at_least_2d(B, name, "B")
    square(A, name)
    float_input(B, name)
    _same_dtype(A, B, name)
    a, b = A._data, B._data
    if (b.shape[-2] if left else b.shape[-1]) != a.shape[-1]:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation {eq} "
                           f"({a.shape[-1]}x{a.shape[-1]} and {b.shape[-2]}x{b.shape[-1]})")
    x = column_major(tri_solve_arrays(a, b, upper, left, unitriangular))
    return recorded(LinalgSolveTriangularBackward0, x, (A, B), (upper, left, unitriangular))


# --- cholesky -------------------------------------------------------------

def _cholesky_grad(xp, gL, L, upper):
    """PyTorch's cholesky_backward: L^{-H} Phi L^{-1} with Phi the
    Hermitian part of tril(L^H gL), diagonal halved."""
    if upper:
        L, gL = mH(xp, L), mH(xp, gL)
    gA = tri_part(xp, xp.matmul(mH(xp, L), gL), False)
    gA = xp.mul_scalar(gA + mH(xp, tri_part(xp, gA, False, 1)), 0.5)
    gA = xp.solve_triangular(mH(xp, L), gA, True, True, False)
    return xp.solve_triangular(L, gA, False, False, False)


LinalgCholeskyExBackward0 = grad_fn(
    "LinalgCholeskyExBackward0", outputs=("L",), saved={"L": tensor_field("L"), "upper": "upper"},
    self=lambda xp, grad, L, upper: _cholesky_grad(xp, grad[0], L, upper))
CholeskyBackward0 = grad_fn("CholeskyBackward0", saved={"upper": "upper"},
                            self=lambda xp, g, result, upper:
                            _cholesky_grad(xp, g, result, upper))

_CHOL_TEXT = ("The factorization could not be completed because the input is not "
              "positive-definite (the leading minor of order {} is not positive-definite).").format


def _cholesky_arrays(a, upper, check_errors, name):
    if a.size == 0:     # (no pivot to test: the empty factor)
        return column_major(np.array(a)), np.zeros(a.shape[:-2], np.int32)
    if upper:
        # (U reads A's upper triangle, as LAPACK's potrf('U'): the lower one
        # of A^H, whose factor is U^H; NumPy reads the lower one)
        a = np.swapaxes(a, -1, -2).conj()
    try:
        low = np.linalg.cholesky(a)
        # (OpenBLAS's potrf carries a NaN pivot through; LAPACK stops there;
        # MKL's float32 one makes NaN of the column below an infinite pivot)
        pivots = np.diagonal(low, axis1=-2, axis2=-1)
        failed = np.isnan(pivots).any() or (low.dtype == np.float32 and np.isinf(pivots).any())
    except np.linalg.LinAlgError:
        failed = True
    info = np.zeros(a.shape[:-2], np.int32)
    if failed:
        # (the partial factor potrf leaves, and its info)
        low, info = cholesky_partial(a)
        if check_errors and info.any():
            raise singular_error(name, info, _CHOL_TEXT) from None
    return column_major(np.swapaxes(low, -1, -2).conj() if upper else low), info


def _cholesky_ex(A, upper, check_errors, name):
    square(A, "linalg.cholesky")    # (cholesky_ex's checks are cholesky's, by name too)
    L, info = _cholesky_arrays(A._data, upper, check_errors, name)
    return recorded_multi(LinalgCholeskyExBackward0, [L, info], (A,), (upper,), (True, False))


def cholesky_ex(A, *, upper=False, check_errors=False):
    return RT.linalg_cholesky_ex._of(*_cholesky_ex(A, upper, check_errors, "linalg.cholesky_ex"))


def cholesky(A, *, upper=False):
    return _cholesky_ex(A, upper, True, "linalg.cholesky")[0]


def torch_cholesky(input, upper=False):
    warn_once(
        "torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a "
        "future PyTorch release.\nL = torch.cholesky(A)\nshould be replaced with\n"
        "L = torch.linalg.cholesky(A)\nand\nU = torch.cholesky(A, upper=True)\n"
        "should be replaced with\nU = torch.linalg.cholesky(A).mH\nThis transform will produce "
        "equivalent results for all valid (symmetric positive definite) inputs.",
        cpp="aten/src/ATen/native/BatchLinearAlgebra.cpp:1765")
    square(input, "cholesky")
    L, _ = _cholesky_arrays(input._data, upper, True, "cholesky")
    return recorded(CholeskyBackward0, L, (input,), (upper,))


# --- what the formulas call -----------------------------------------------

provide("inv", np.linalg.inv, inv)
provide("solve", np.linalg.solve, lambda A, B: solve(A, B))
provide("solve_triangular",
        lambda a, b, upper, left, unit: tri_solve_arrays(a, b, upper, left, unit),
        lambda A, B, upper, left, unit: solve_triangular(A, B, upper=upper, left=left,
                                                         unitriangular=unit))

# (node: the op's own single-output node, for the registry's out= checks)
# (a linalg op whose name is also a Tensor method is that method when the
# torch-namespace op is the same function: det, matrix_power, matrix_exp)
for _f, _node, _out in ((inv, None, same_dtype()), (inv_ex, None, same_dtype()),
                        (slogdet, None, same_dtype()), (solve, None, same_dtype()),
                        (solve_ex, None, same_dtype()),
                        (solve_triangular, LinalgSolveTriangularBackward0,
                         same_dtype("expected scalar type {s} but found {os}")),
                        (cholesky, None, same_dtype()), (cholesky_ex, None, same_dtype())):
    register(_f, _f.__name__, method=False, namespace="linalg", node=_node, out=_out)
register(det, "det", namespace="linalg", node=LinalgDetBackward0, out=same_dtype())
register(det, "det", node=LinalgDetBackward0, out=False)


def inverse(input):
    return inv(input)


register(inverse, "inverse", node=None, out=same_dtype())
register(torch_slogdet, "slogdet", node=None, out=same_dtype())
register(logdet, "logdet", node=None, out=False)
register(torch_cholesky, "cholesky", node=CholeskyBackward0)

from . import linalg_norms, linalg_extras, linalg_lu, linalg_eig  # noqa: E402,F401  (declared with the solvers)
