"""LU and least squares: linalg.lu_factor, lu_factor_ex, lu, lu_solve,
lstsq, and the old torch.lu, torch.lu_unpack, torch.lu_solve. The LU is the
batched partial-pivoting factorisation of linalg_common (LAPACK's getrf
pivots and info); the derivatives are PyTorch's linalg_lu_backward, the
solve rule pushed through A = P L U, and linalg_lstsq_backward."""
from .. import return_types as RT
from ._common import D, Tensor, broadcast_error, np, recorded_multi, tracked
from .._layout import c_strided
from ._out import same_dtype
from ._registry import grad_fn, register, tensor_field
from .linalg_common import (at_least_2d, column_major, const, float_input, lu_np, mH, np_dtype,
                            vector_rhs, np_solve, singular_error, warn_once)
from .linalg_decompositions import _pinv_grad, pinv
from .linalg_solvers import tri_mask
from . import _lstsq_drivers as _drivers

__all__ = ["lu_factor", "lu_factor_ex", "lu", "lu_solve", "lstsq", "lu_unpack"]


def permutation(pivots, m, dtype):
    """P of A = P L U from LAPACK's 1-based row swaps (applied in order)."""
    piv = np.asanyarray(pivots).astype(np.int64) - 1
    batch = piv.shape[:-1]
    nb = int(np.prod(batch))
    perm = np.broadcast_to(np.arange(m), batch + (m,)).copy().reshape(nb, m)
    flat = piv.reshape(nb, piv.shape[-1])
    rows = np.arange(perm.shape[0])
    for i in range(flat.shape[-1]):
        j = flat[:, i]
        a, b = perm[:, i].copy(), perm[rows, j].copy()
        perm[:, i], perm[rows, j] = b, a
    eye = np.eye(m, dtype=dtype)
    return np.swapaxes(eye[perm], -1, -2).reshape(batch + (m, m))


def _unpack(xp, LU):
    """L (unit lower) and U of a square packed LU, as products with masks."""
    L = LU * tri_mask(xp, LU, False, 1) + const(xp, np.eye(LU.shape[-1], dtype=np_dtype(xp, LU)))
    return L, LU * tri_mask(xp, LU, True)


def _lu_grad(xp, gL, gU, P, L, U):
    """PyTorch's linalg_lu_backward, square case."""
    if L.shape[-2] != U.shape[-1]:
        raise NotImplementedError("the derivative of the LU decomposition of a non-square "
                                  "matrix is not implemented in Ember yet")
    gA = xp.matmul(mH(xp, L), gL) * tri_mask(xp, L, False, 1) \
        + xp.matmul(gU, mH(xp, U)) * tri_mask(xp, U, True)
    gA = xp.solve_triangular(mH(xp, U), gA, False, False, False)
    gA = xp.solve_triangular(mH(xp, L), gA, True, True, True)
    return xp.matmul(const(xp, P), gA)


def _lu_factor_grad(xp, g, LU, P):
    if LU.shape[-2] != LU.shape[-1]:
        _lu_grad(xp, g, g, P, LU[..., :1], LU)      # raises: non-square
    L, U = _unpack(xp, LU)
    return _lu_grad(xp, g, g, P, L, U)


# (pivot is always True: LU without pivoting is refused on the CPU)
LinalgLuFactorExBackward0 = grad_fn(
    "LinalgLuFactorExBackward0", outputs=("LU",), saved={
        "LU": tensor_field("LU"), "pivot": lambda node: True, "pivots": tensor_field("pivots")},
    A=lambda xp, grad, LU, P: _lu_factor_grad(xp, grad[0], LU, P))
LinalgLuBackward0 = grad_fn(
    "LinalgLuBackward0", outputs=("L", "U"), saved={
        "L": tensor_field("L"), "P": tensor_field("P"), "U": tensor_field("U"),
        "pivot": lambda node: True},
    A=lambda xp, grad, L, U, P: _lu_grad(xp, grad[0], grad[1], P, L, U))


def _factor(A, pivot, name):
    if not pivot:
        raise RuntimeError(f"{name}: LU without pivoting is not implemented on the CPU")
    if A._data.ndim < 2:
        raise RuntimeError(f"torch.lu_factor: Expected tensor with 2 or more dimensions. Got size: "
                           f"{list(A._data.shape)} instead")
    if A._data.dtype.kind not in "fc" or A._data.dtype in D.HALF_NP:
        raise NotImplementedError(f"\"lu_cpu\" not implemented for '{D.SCALAR_NAMES[A.dtype]}'")
    return lu_np(A._data)


def _lu_factor_ex(A, pivot, check_errors, name):
    LU, piv, info = _factor(A, pivot, name)
    if check_errors and info.any():
        raise singular_error(f"torch.{name}", info, lambda i: (
            f"U[{i},{i}] is zero and using it on lu_solve would result in a division by zero. "
            "If you still want to perform the factorization, consider calling linalg.lu(A, "
            "pivot) or linalg.lu_factor_ex(A, pivot)"))
    P = permutation(piv, LU.shape[-2], LU.dtype) if tracked(A) else None
    return recorded_multi(LinalgLuFactorExBackward0, [column_major(LU), piv, info], (A,),
                          (P, piv),
                          (True, False, False))


def lu_factor_ex(A, *, pivot=True, check_errors=False):
    return RT.linalg_lu_factor_ex._of(*_lu_factor_ex(A, pivot, check_errors, "linalg.lu_factor_ex"))


def lu_factor(A, *, pivot=True):
    return RT.linalg_lu_factor._of(*_lu_factor_ex(A, pivot, True, "linalg.lu_factor")[:2])


def _split(LU):
    """L (m x k, unit lower) and U (k x n) of a packed LU."""
    m, n = LU.shape[-2:]
    k = min(m, n)
    L = c_strided(np.tril(LU[..., :, :k], -1))    # (by rows, as PyTorch's lu_unpack)
    L[..., np.arange(k), np.arange(k)] = 1
    return L, c_strided(np.triu(LU[..., :k, :]))


def lu(A, *, pivot=True):
    LU, piv, _ = _factor(A, pivot, "linalg.lu")
    L, U = _split(LU)
    P = permutation(piv, LU.shape[-2], LU.dtype)
    # (P, L and U are made from LU by rows, as PyTorch's lu_unpack makes them)
    return RT.linalg_lu._of(*recorded_multi(LinalgLuBackward0, [c_strided(P), L, U], (A,), (P,),
                                        (False, True, True)))


def _unpack_grad(xp, gL, gU, shape):
    """L's gradient below the diagonal and U's on and above it, placed in the
    m x n packed matrix (padding by products with [I 0] for non-square LU).
    Only LU's shape is kept, as PyTorch keeps."""
    m, n = shape[-2:]
    k = min(m, n)
    dt = np_dtype(xp, gL)
    gL = xp.matmul(gL, const(xp, np.eye(k, n, dtype=dt)))
    gU = xp.matmul(const(xp, np.eye(m, k, dtype=dt)), gU)
    ones = np.ones((m, n), dt)
    return gL * np.tril(ones, -1) + gU * np.triu(ones)


LuUnpackBackward0 = grad_fn("LuUnpackBackward0", outputs=("L", "U"), saved={
                            "LU_data_sym_argsize_minus_1": ("shape", lambda s: s[-1]),
                            "LU_data_sym_argsize_minus_2": ("shape", lambda s: s[-2])},
                            LU_data=lambda xp, grad, shape: _unpack_grad(xp, grad[0], grad[1],
                                                                         shape))


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True):
    """(P, L, U) of a packed LU; the L and U gradients go back into LU."""
    LU = LU_data._data
    P = permutation(LU_pivots._data, LU.shape[-2], LU.dtype) if unpack_pivots \
        else np.zeros((0,), LU.dtype)
    if not unpack_data:
        empty = np.zeros((0,), LU.dtype)
        return RT.lu_unpack._of(Tensor._wrap(P), Tensor._wrap(empty), Tensor._wrap(empty.copy()))
    L, U = _split(LU)
    return RT.lu_unpack._of(*recorded_multi(LuUnpackBackward0, [c_strided(P), L, U], (LU_data,),
                                        (LU.shape,),
                                        (False, True, True)))


# --- lu_solve ---------------------------------------------------------------

def _lu_solve_grads(xp, g, LU, P, X, left, adjoint):
    """Gradients of X = op(A)^{-1} B (or B op(A)^{-1}) with A = P L U: the
    solve rule for A, then through the product (tril of the L part, triu
    of the U part: PyTorch's packed-LU gradient)."""
    L, U = _unpack(xp, LU)
    A = xp.matmul(const(xp, P), xp.matmul(L, U))
    Aop = mH(xp, A) if adjoint else A
    if left:
        gB = xp.solve(mH(xp, Aop), g)
        gAop = -xp.matmul(gB, mH(xp, X))
    else:
        gB = mH(xp, xp.solve(Aop, mH(xp, g)))
        gAop = -xp.matmul(mH(xp, X), gB)
    gA = mH(xp, gAop) if adjoint else gAop
    PtgA = xp.matmul(const(xp, np.swapaxes(P, -1, -2)), gA)
    gLU = xp.matmul(PtgA, mH(xp, U)) * tri_mask(xp, LU, False, 1) \
        + xp.matmul(mH(xp, L), PtgA) * tri_mask(xp, LU, True)
    return gLU, gB


LinalgLuSolveBackward0 = grad_fn(
    "LinalgLuSolveBackward0", saved={
        "adjoint": "adjoint", "left": "left", "pivots": tensor_field("pivots")},
    LU=lambda xp, g, LU, result, P, left, adjoint:
        _lu_solve_grads(xp, g, LU, P, result, left, adjoint)[0],
    B=lambda xp, g, LU, result, P, left, adjoint:
        _lu_solve_grads(xp, g, LU, P, result, left, adjoint)[1])


def lu_solve(LU, pivots, B, *, left=True, adjoint=False):
    from ._common import recorded
    name = "linalg.lu_solve"
    at_least_2d(LU, name, "LU")
    at_least_2d(B, name, "B")
    lu_, b = LU._data, B._data
    P = permutation(pivots._data, lu_.shape[-2], lu_.dtype)
    L, U = _split(lu_)
    A = P @ L @ U
    if adjoint:
        A = np.swapaxes(A, -1, -2).conj()
    x = np_solve(A, b) if left else np.swapaxes(
        np_solve(np.swapaxes(A, -1, -2), np.swapaxes(b, -1, -2)), -1, -2)
    x = column_major(x) if left else column_major(x.swapaxes(-1, -2)).swapaxes(-1, -2)
    return recorded(LinalgLuSolveBackward0, x, (LU, B), (P, left, adjoint, pivots._data))


def torch_lu_solve(b, LU_data, LU_pivots):
    warn_once("torch.lu_solve is deprecated in favor of torch.linalg.lu_solveand will be removed "
              "in a future PyTorch release.\nNote that torch.linalg.lu_solve has its arguments "
              "reversed.\nX = torch.lu_solve(B, LU, pivots)\nshould be replaced with\n"
              "X = torch.linalg.lu_solve(LU, pivots, B)",
              cpp="aten/src/ATen/native/BatchLinearAlgebra.cpp:2230")
    return lu_solve(LU_data, LU_pivots, b)


def torch_lu(A, pivot=True, get_infos=False):
    """torch.lu / Tensor.lu: (LU, pivots), and the infos with get_infos."""
    warn_once("torch.lu is deprecated in favor of torch.linalg.lu_factor / "
              "torch.linalg.lu_factor_ex and will be removed in a future PyTorch release.\n"
              "LU, pivots = torch.lu(A, compute_pivots)\nshould be replaced with\n"
              "LU, pivots = torch.linalg.lu_factor(A, compute_pivots)\nand\n"
              "LU, pivots, info = torch.lu(A, compute_pivots, get_infos=True)\n"
              "should be replaced with\nLU, pivots, info = torch.linalg.lu_factor_ex(A, "
              "compute_pivots)", cpp="aten/src/ATen/native/BatchLinearAlgebra.cpp:2073")
    LU, piv, info = _lu_factor_ex(A, pivot, False, "linalg.lu_factor_ex")
    return RT._lu_with_info._of(LU, piv, info) if get_infos else (LU, piv)


# --- lstsq ------------------------------------------------------------------

_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


def _lstsq_grads(xp, grad, A, B, X, residuals, vec):
    gX, gR = grad
    if vec:
        gX, B, X = gX[..., None], B[..., None], X[..., None]
    pinvA = xp.pinv(A)
    gA = _pinv_grad(xp, xp.matmul(gX, mH(xp, B)), A, pinvA)
    gB = xp.matmul(mH(xp, pinvA), gX)
    if residuals.shape[-1] and np.any(xp.data(gR)):
        r = xp.matmul(A, X) - B
        gL = gR[..., None, :]
        gA = gA + xp.matmul(gL * r, mH(xp, X)) * 2
        gB = gB - gL * r * 2
    return gA, (gB[..., 0] if vec else gB)


LinalgLstsqBackward0 = grad_fn(
    "LinalgLstsqBackward0", outputs=("solution", "residuals"),
    saved={"solution": tensor_field("solution")},
    self=lambda xp, grad, self, b, solution, residuals, vec:
        _lstsq_grads(xp, grad, self, b, solution, residuals, vec)[0],
    b=lambda xp, grad, self, b, solution, residuals, vec:
        _lstsq_grads(xp, grad, self, b, solution, residuals, vec)[1])
LinalgLstsqBackward0._unsaved_outputs = ("residuals",)


def _lstsq_layout(x, m):
    """x (n x k solutions) as LAPACK's gels family leaves them: the first n
    rows of a max(m, n) x k buffer stored by columns."""
    n = x.shape[-2]
    if type(x) is not np.ndarray or m <= n:
        return column_major(x)
    out = np.empty(x.shape[:-2] + (x.shape[-1], m), x.dtype).swapaxes(-1, -2)[..., :n, :]
    out[...] = x
    return out


def lstsq(A, B, rcond=None, *, driver=None):
    """PyTorch's linalg_lstsq: its checks in its order, then LAPACK's driver
    (see _lstsq_drivers): gels gives no rank, gelsy no residuals, gelsd and
    gelss the singular values; residuals where m > n (for gelsd and gelss
    only where every matrix has rank n), from LAPACK's rows n:m of B."""
    name = "torch.linalg.lstsq"
    a, b = A._data, B._data
    if a.ndim < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    if b.ndim < 1:
        raise RuntimeError(f"{name}: other must have at least 1 dimension.")
    if a.dtype != b.dtype:
        raise RuntimeError(f"{name}: Expected input and other to have the same dtype, but got "
                           f"input's dtype {D.SCALAR_NAMES[A.dtype]} and other's dtype "
                           f"{D.SCALAR_NAMES[B.dtype]}")
    if not 0 <= a.ndim - b.ndim <= 1:
        raise RuntimeError(f"{name}: input.dim() must be greater or equal to other.dim() and "
                           "(input.dim() - other.dim()) <= 1")
    vec = vector_rhs(a, b)
    bm = b[..., None] if vec else b
    if a.shape[-2] != bm.shape[-2]:
        raise RuntimeError(f"{name}: input.size(-2) should match other.size(-1)" if vec else
                           f"{name}: input.size(-2) should match other.size(-2)")
    driver = "gelsy" if driver is None else str(driver).lower()
    if driver not in _DRIVERS:
        raise RuntimeError(f"{name}: parameter `driver` should be one of "
                           "(gels, gelsy, gelsd, gelss)")
    float_input(A, "linalg.lstsq")
    m, n = a.shape[-2:]
    # (PyTorch's default for every driver; a negative rcond reaches LAPACK)
    rcond = float(np.finfo(a.dtype).eps) * max(m, n) if rcond is None else float(rcond)
    try:
        np.broadcast_shapes(a.shape[:-2], bm.shape[:-2])
    except ValueError:
        raise broadcast_error(a.shape[:-2], bm.shape[:-2]) from None
    _refuse_nan(a, bm, driver)
    x, tail, rank, sv, infos = _drivers.solve(a, bm, rcond, driver)
    if infos.any():
        raise singular_error(name, infos if infos.size > 1 else infos.reshape(()), _LSTSQ_TEXT)
    real = np.finfo(a.dtype).dtype      # (residuals and singular values are real for a complex A)
    residuals = np.zeros((0,), real)
    if m > n and driver != "gelsy" and (driver == "gels" or np.all(rank == n)):
        residuals = (np.abs(tail) ** 2).sum(-2).astype(real)
    rank = rank if driver != "gels" else np.zeros((0,), np.int64)
    sv = sv if driver in ("gelsd", "gelss") else np.zeros((0,), real)
    # (LAPACK's solution: by columns, in a buffer of max(m, n) rows)
    x = _lstsq_layout(x, m)
    x = x[..., 0] if vec else x
    sol, res = recorded_multi(LinalgLstsqBackward0, [x, residuals], (A, B), (vec,))
    return RT.linalg_lstsq._of(sol, res, Tensor._wrap(np.asanyarray(rank)), Tensor._wrap(sv))


_LSTSQ_TEXT = ("The least squares solution could not be computed because the input matrix does "
               "not have full rank (error code: {}).").format


def _refuse_nan(a, b, driver):
    """MKL's drivers refuse a NaN in A or B (LAPACK's info -4 or -6; gels's
    -5, -7), which PyTorch reports as an internal assert."""
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    nan_a = np.broadcast_to(np.isnan(a).any((-2, -1)), batch).reshape(-1)
    nan_b = np.broadcast_to(np.isnan(b).any((-2, -1)), batch).reshape(-1)
    bad = nan_a | nan_b
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise _drivers.illegal_argument(_drivers.NAN_ARGUMENT[driver][0 if nan_a[i] else 1],
                                        bad.size > 1, i)


def _provide():
    from ._xp import provide
    provide("pinv", lambda a: np.linalg.pinv(a), lambda A: pinv(A))


_provide()
for _f in (lu_factor, lu_factor_ex, lu, lu_solve, lstsq):
    register(_f, _f.__name__, method=False, namespace="linalg", node=None, out=same_dtype())
register(torch_lu, "lu", node=None, out=False)
register(lu_unpack, "lu_unpack", method=False, node=None, out=same_dtype())
register(torch_lu_solve, "lu_solve", node=None, out=same_dtype())
