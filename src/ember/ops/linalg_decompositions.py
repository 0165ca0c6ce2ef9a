"""torch.linalg's factorisations: qr, svd, svdvals, eigh, eigvalsh, pinv,
matrix_rank, matrix_exp, cond, and the old torch names (torch.svd, torch.qr,
torch.pinverse, torch.matrix_exp). LAPACK through numpy.linalg; derivatives
as PyTorch's svd_backward, linalg_eig_backward, linalg_qr_backward,
pinv_backward and the matrix-function block rule for matrix_exp."""
from .. import return_types as RT
from ._common import D, Tensor, np, recorded, recorded_multi, tracked
from ._out import same_dtype
from ._registry import grad_fn, register, tensor_field
from ._xp import provide
from .linalg_common import (at_least_2d, column_major, const, diag, diag_embed, eye_as,
                            eigh_np, float_input, mH, np_dtype, square, svd_np,
                            warn_once)
from .linalg_solvers import tri_mask    # (and xp.solve_triangular, xp.inv, provided there)

__all__ = ["qr", "svd", "svdvals", "eigh", "eigvalsh", "pinv", "matrix_rank", "matrix_exp",
           "cond"]


def _given(xp, g):
    """Did a gradient arrive for this output (not the zeros a multi-output
    node is handed for an unused one)?"""
    return bool(np.any(xp.data(g)))


def _stand_in():
    """Is the gradient forward-mode AD's stand-in (any value: only the
    formula's linearity is used), not one a loss produced?"""
    from ..autograd._forward import DERIVING
    return DERIVING[0] > 0


# --- qr -------------------------------------------------------------------

_QR_MODES = ("reduced", "complete", "r")


def _qr_grad(xp, grad, Q, R, mode):
    gQ, gR = grad
    if mode == "r":
        raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when "
                           "mode='r'. Please use linalg.qr(A, mode='reduced') if you are going "
                           "to differentiate through linalg.qr.")
    m, n = Q.shape[-2], R.shape[-1]
    if mode == "complete" and m > n:
        raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and "
                           "nrows > ncols.")
    gA = xp.matmul(gR, mH(xp, R)) - xp.matmul(mH(xp, Q), gQ)
    if m >= n:
        # X + X^H for X = triu(gA), the diagonal's real part halved
        strict = gA * tri_mask(xp, gA, True, 1)
        sym = strict + mH(xp, strict) + diag_embed(xp, xp.real(diag(xp, gA)))
        gA = xp.matmul(Q, sym) + gQ
        return xp.solve_triangular(mH(xp, R), gA, False, False, False)
    # tril(X - X^H) for X = -gA, the (imaginary) diagonal halved
    skew = -gA + mH(xp, gA)
    lower = skew * tri_mask(xp, skew, False) - diag_embed(xp, diag(xp, skew)) * 0.5
    gA = xp.matmul(Q, lower)
    gA = xp.solve_triangular(mH(xp, R[..., :m]), gA, False, False, False)
    pad = np.eye(m, n, dtype=np_dtype(xp, gA))      # [I_m 0]: gA placed in the first m columns
    return xp.matmul(gA, const(xp, pad)) + xp.matmul(Q, gR)


LinalgQrBackward0 = grad_fn("LinalgQrBackward0", outputs=("Q", "R"), saved={
                                "Q": tensor_field("Q"), "R": tensor_field("R"), "mode": "mode"},
                            A=lambda xp, grad, Q, R, mode: _qr_grad(xp, grad, Q, R, mode))


def _qr(A, mode):
    if mode not in _QR_MODES:
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    at_least_2d(A, "linalg.qr")
    float_input(A, "linalg.qr", low_precision=True)
    if A._data.dtype.itemsize == 2:
        # (LAPACK's geqrf has no half-precision kernel)
        raise NotImplementedError(f"\"geqrf_cpu\" not implemented for "
                                  f"'{D.SCALAR_NAMES[A.dtype]}'")
    a = A._data
    if mode == "r":
        R = np.linalg.qr(a, mode="r")
        Q = np.zeros((0,), a.dtype)
    else:
        Q, R = np.linalg.qr(a, mode=mode)
    return recorded_multi(LinalgQrBackward0, [column_major(Q), column_major(R)], (A,), (mode,))


def qr(A, mode="reduced"):
    return RT.linalg_qr._of(*_qr(A, mode))


def torch_qr(input, some=True):
    warn_once("torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a "
              "future PyTorch release.\nThe boolean parameter 'some' has been replaced with "
              "a string parameter 'mode'.\nQ, R = torch.qr(A, some)\nshould be replaced with"
              "\nQ, R = torch.linalg.qr(A, 'reduced' if some else 'complete')",
              cpp="aten/src/ATen/native/BatchLinearAlgebra.cpp:2505")
    return RT.qr._of(*_qr(input, "reduced" if some else "complete"))


# --- svd ------------------------------------------------------------------

_SVD_PHASE = ("svd_backward: The singular vectors in the complex case are specified up to "
              "multiplication by e^{i phi}. The specified loss function depends on this phase "
              "term, making it ill-defined.")


def _svd_grad(xp, grad, U, S, Vh, full_matrices):
    """PyTorch's svd_backward."""
    gU, gS, gVh = grad
    k = S.shape[-1]
    if full_matrices:
        U, Vh, gU, gVh = U[..., :k], Vh[..., :k, :], gU[..., :k], gVh[..., :k, :]
    m, n = U.shape[-2], Vh.shape[-1]
    has_u, has_v = _given(xp, gU), _given(xp, gVh)
    if not has_u and not has_v:
        return (xp.matmul(U, gS[..., :, None] * Vh) if m >= n
                else xp.matmul(U * gS[..., None, :], Vh))
    S2 = S * S
    E = S2[..., None, :] - S2[..., :, None] + eye_as(xp, S, k)
    if has_u:
        UhgU = xp.matmul(mH(xp, U), gU)
        UhgU = UhgU - mH(xp, UhgU)
    if has_v:
        VhgV = xp.matmul(Vh, mH(xp, gVh))
        VhgV = VhgV - mH(xp, VhgV)
    complex_ = xp.is_complex(U)
    if complex_ and not _stand_in():
        im_u = np.imag(np.diagonal(xp.data(UhgU), 0, -2, -1)) if has_u else 0
        im_v = np.imag(np.diagonal(xp.data(VhgV), 0, -2, -1)) if has_v else 0
        if not np.allclose(im_u + np.zeros(xp.data(S).shape), -im_v, rtol=1e-2, atol=1e-2):
            raise RuntimeError(_SVD_PHASE)
    if has_u and has_v:
        gA = (UhgU * S[..., None, :] + S[..., :, None] * VhgV) / E
    elif has_u:
        gA = (UhgU / E) * S[..., None, :]
    else:
        gA = S[..., :, None] * (VhgV / E)
    gA = gA + diag_embed(xp, gS)
    if complex_ and has_u and has_v:
        gA = gA + diag_embed(xp, diag(xp, UhgU) / (S * 2))
    if m > n and has_u:
        gA = xp.matmul(U, gA)
        gUSinv = gU / S[..., None, :]
        gA = gA + gUSinv - xp.matmul(U, xp.matmul(mH(xp, U), gUSinv))
        return xp.matmul(gA, Vh)
    if m < n and has_v:
        gA = xp.matmul(gA, Vh)
        SinvgVh = gVh / S[..., :, None]
        gA = gA + SinvgVh - xp.matmul(xp.matmul(SinvgVh, mH(xp, Vh)), Vh)
        return xp.matmul(U, gA)
    return (xp.matmul(U, xp.matmul(gA, Vh)) if m >= n
            else xp.matmul(xp.matmul(U, gA), Vh))


LinalgSvdBackward0 = grad_fn(
    "LinalgSvdBackward0", outputs=("U", "S", "Vh"), saved={
        "S": tensor_field("S"), "S_sym_argsize_minus_1": ("S", lambda S: S.shape[-1]),
        "U": tensor_field("U"), "Vh": tensor_field("Vh"), "full_matrices": "full_matrices"},
    A=lambda xp, grad, U, S, Vh, full_matrices: _svd_grad(xp, grad, U, S, Vh, full_matrices))


def _svd(A, full_matrices, name="linalg.svd"):
    at_least_2d(A, name)
    float_input(A, name)
    U, S, Vh = svd_np(A._data, full_matrices=full_matrices)
    return recorded_multi(LinalgSvdBackward0, [column_major(U), S, column_major(Vh)], (A,),
                          (full_matrices,))


def _no_driver(driver):
    if driver is not None:
        raise RuntimeError("torch.linalg.svd: keyword argument `driver=` is only supported on "
                           "CUDA inputs with cuSOLVER backend.")


def svd(A, full_matrices=True, *, driver=None):
    _no_driver(driver)
    return RT.linalg_svd._of(*_svd(A, full_matrices))


def svdvals(A, *, driver=None):
    _no_driver(driver)
    if not tracked(A):
        at_least_2d(A, "linalg.svd")
        float_input(A, "linalg.svd")
        return Tensor._wrap(svd_np(A._data, compute_uv=False))
    return _svd(A, False)[1]


def torch_svd(input, some=True, compute_uv=True):
    """The old torch.svd: V rather than Vh; without compute_uv, U and V are
    zeros (of the full shapes) and only S is computed."""
    from .shape import transpose
    if not compute_uv:
        m, n = input._data.shape[-2:]
        batch, dt = input._data.shape[:-2], input._data.dtype
        # (V is PyTorch's Vh.mH: conjugated zeros, -0 imaginary parts)
        return RT.svd._of(Tensor._wrap(np.zeros(batch + (m, m), dt)), svdvals(input),
                      Tensor._wrap(np.conj(np.zeros(batch + (n, n), dt))))
    U, S, Vh = _svd(input, not some)
    return RT.svd._of(U, S, transpose(Vh, -2, -1) if not Vh.is_complex() else Vh.mH)


# --- eigh -----------------------------------------------------------------

def _eig_grad(xp, grad, L, V, hermitian):
    """PyTorch's linalg_eig_backward: V^{-H} (diag(gL) + P(V^H gV) / conj(E))
    V^H, P projecting onto the skew-Hermitian matrices (Hermitian case, where
    V^{-H} = V) or removing V^H V diag(Re(V^H gV)) (unit-norm columns)."""
    gL, gV = grad
    if not _given(xp, gV):
        if hermitian:
            return xp.matmul(V * gL[..., None, :], mH(xp, V))
        return xp.solve(mH(xp, V), gL[..., :, None] * mH(xp, V))
    VhgV = xp.matmul(mH(xp, V), gV)
    if xp.is_complex(V) and not _stand_in():
        im = np.imag(np.diagonal(xp.data(VhgV), 0, -2, -1))
        if not np.allclose(im, 0, rtol=1e-2, atol=1e-2):
            raise RuntimeError(f"{'linalg_eigh_backward' if hermitian else 'linalg_eig_backward'}"
                               ": The eigenvectors in the complex case are specified up to "
                               "multiplication by e^{i phi}. The specified loss function "
                               "depends on this quantity, so it is ill-defined.")
    if hermitian:
        VhgV = (VhgV - mH(xp, VhgV)) * 0.5
    else:
        VhgV = VhgV - xp.matmul(mH(xp, V), V * xp.real(diag(xp, VhgV))[..., None, :])
    Lc = xp.conj(L)
    gA = VhgV / (Lc[..., None, :] - Lc[..., :, None] + eye_as(xp, L))
    if _given(xp, gL):      # the diagonal is gL's
        gA = gA * (1 - eye_as(xp, L)) + diag_embed(xp, gL)
    if hermitian:
        return xp.matmul(V, xp.matmul(gA, mH(xp, V)))
    return xp.solve(mH(xp, V), xp.matmul(gA, mH(xp, V)))


LinalgEighBackward0 = grad_fn("LinalgEighBackward0", outputs=("L", "V"), saved={
                                  "eigenvalues": tensor_field("L"),
                                  "eigenvectors": tensor_field("V")},
                              A=lambda xp, grad, L, V: _eig_grad(xp, grad, L, V, True))


def _eigh(A, UPLO, name):
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    square(A, name, check_float=False)
    if A._data.dtype.kind not in "fc" or A._data.dtype in D.HALF_NP:
        raise NotImplementedError(f"\"linalg_eigh_cpu\" not implemented for "
                                  f"'{D.SCALAR_NAMES[A.dtype]}'")
    L, V = eigh_np(A._data, UPLO)
    return recorded_multi(LinalgEighBackward0, [L, column_major(V)], (A,))


def eigh(A, UPLO="L"):
    return RT.linalg_eigh._of(*_eigh(A, UPLO, "linalg.eigh"))


def eigvalsh(A, UPLO="L"):
    if not tracked(A) and UPLO in ("L", "U"):
        square(A, "linalg.eigh")
        float_input(A, "linalg.eigh")
        return Tensor._wrap(eigh_np(A._data, UPLO, vectors=False))
    return _eigh(A, UPLO, "linalg.eigh")[0]


# --- pinv, matrix_rank ----------------------------------------------------

def _pinv_grad(xp, g, A, pinvA):
    """PyTorch's pinv_backward."""
    m, n = A.shape[-2], A.shape[-1]
    pinvAh, gh = mH(xp, pinvA), mH(xp, g)
    mm = xp.matmul
    if m <= n:
        K = mm(gh, pinvA)
        KpinvAh = mm(K, pinvAh)
        return (-mH(xp, mm(pinvA, K)) + KpinvAh - mm(mm(A, pinvA), KpinvAh)
                + mm(mm(pinvAh, pinvA), gh - mm(K, A)))
    K = mm(pinvA, gh)
    pinvAhK = mm(pinvAh, K)
    return (-mH(xp, mm(K, pinvA)) + pinvAhK - mm(mm(pinvAhK, pinvA), A)
            + mm(mm(gh - mm(A, K), pinvA), pinvAh))


LinalgPinvBackward0 = grad_fn("LinalgPinvBackward0", self=lambda xp, g, self, result:
                              _pinv_grad(xp, g, self, result))


def _value(x):
    """A tolerance: a number, or a tensor of one per matrix of the batch
    (broadcast against the spectra's last dim)."""
    return x._data[..., None] if isinstance(x, Tensor) else x


def _tolerance(a, s_max, atol, rtol):
    """PyTorch's cut-off: max(atol, rtol * largest singular value), rtol
    defaulting to eps * max(m, n) when neither is given (0 when only atol is)."""
    if rtol is None:
        rtol = np.finfo(a.dtype).eps * max(a.shape[-2:]) if atol is None else 0.0
    atol = 0.0 if atol is None else _value(atol)
    return np.maximum(atol, _value(rtol) * s_max)


def _spectrum(a, hermitian):
    """(singular values, U, Vh) or, hermitian, (|eigenvalues|, V, signs * V^H)."""
    if hermitian:
        w, v = eigh_np(a)
        return np.abs(w), v, np.swapaxes(v * np.sign(w)[..., None, :], -1, -2).conj()
    u, s, vh = svd_np(a, full_matrices=False)
    return s, u, vh


def _check_pinv_input(A):
    if A._data.dtype.kind not in "fc" or A._data.dtype in D.HALF_NP or A._data.ndim < 2:
        raise RuntimeError(f"linalg.pinv({D.SCALAR_NAMES[A.dtype]}{{{list(A._data.shape)}}}): "
                           "expected a tensor with 2 or more dimensions of float, double, cfloat "
                           "or cdouble types")


def _real_tolerances(name, atol, rtol):
    for which, tol in (("atol", atol), ("rtol", rtol)):
        if isinstance(tol, Tensor) and tol.is_complex():
            raise RuntimeError(f"torch.linalg.{name}: {which} tensor of complex type is not "
                               f"supported. Got {D.SCALAR_NAMES[tol.dtype]}")


def pinv(A, rcond=None, hermitian=False, *, atol=None, rtol=None):
    _check_pinv_input(A)
    _real_tolerances("pinv", atol, rtol)
    a = A._data
    if rcond is not None:
        rtol = rcond
    s, u, vh = _spectrum(a, hermitian)
    s_max = s.max(-1, keepdims=True) if s.shape[-1] else np.zeros(s.shape[:-1] + (1,), s.dtype)
    tol = _tolerance(a, s_max, atol, rtol)
    with np.errstate(divide="ignore"):
        s_inv = np.where(s > tol, 1 / np.where(s > tol, s, 1), 0).astype(a.dtype)
    data = np.swapaxes(vh, -1, -2).conj() @ (s_inv[..., :, None] * np.swapaxes(u, -1, -2).conj())
    return recorded(LinalgPinvBackward0, data, (A,))


def pinverse(input, rcond=1e-15):
    return pinv(input, rtol=rcond)


def matrix_rank(A, tol=None, hermitian=False, *, atol=None, rtol=None):
    if A._data.dtype.kind not in "fc" or A._data.dtype in D.HALF_NP:
        raise RuntimeError("This function doesn't handle types other than float and double")
    at_least_2d(A, "linalg.matrix_rank")
    _real_tolerances("matrix_rank", atol, rtol)
    if tol is not None:
        atol, rtol = tol, 0.0
    a = A._data
    s = np.abs(eigh_np(a, vectors=False)) if hermitian else svd_np(a, compute_uv=False)
    s_max = s.max(-1, keepdims=True) if s.shape[-1] else np.zeros(s.shape[:-1] + (1,), s.dtype)
    return Tensor._wrap(np.asanyarray((s > _tolerance(a, s_max, atol, rtol)).sum(-1), np.int64))


# --- matrix_exp -----------------------------------------------------------

def _expm(a):
    """exp(A) by scaling and squaring a degree-18 Taylor polynomial (in
    float64): A / 2^s has norm below 1/2, so the truncation error is below
    2^-19 / 19!."""
    x = a.astype(np.complex128 if a.dtype.kind == "c" else np.float64)
    n = x.shape[-1]
    if x.size == 0:
        return x.astype(a.dtype)
    finite = np.isfinite(x).all(axis=(-2, -1), keepdims=True)
    if not finite.all():
        # (a matrix with an infinity or NaN is all NaN, as PyTorch's; the
        # finite ones choose the scaling)
        x = np.where(finite, x, np.nan)
    norm = np.abs(np.where(finite, x, 0)).sum(-2).max()
    s = max(0, int(np.ceil(np.log2(norm / 0.5)))) if norm > 0.5 else 0
    x = x / 2.0 ** s
    eye = np.eye(n, dtype=x.dtype)
    r = eye + x / 18
    for k in range(17, 0, -1):
        r = eye + (x @ r) / k
    for _ in range(s):
        r = r @ r
    return r.astype(a.dtype)


def _matrix_exp_grad(xp, g, A):
    """The gradient is the top-right block of exp([[A^H, g], [0, A^H]])."""
    n = A.shape[-1]
    At = mH(xp, A)
    top = xp.cat([At, g], -1)
    bottom = xp.cat([At * 0, At], -1)
    return xp.matrix_exp(xp.cat([top, bottom], -2))[..., :n, n:]


LinalgMatrixExpBackward0 = grad_fn("LinalgMatrixExpBackward0",
                                   self=lambda xp, g, self: _matrix_exp_grad(xp, g, self))


def matrix_exp(A):
    square(A, "linalg.matrix_exp")
    return recorded(LinalgMatrixExpBackward0, _expm(A._data), (A,))


provide("matrix_exp", _expm, matrix_exp)


# --- cond -----------------------------------------------------------------

def cond(A, p=None):
    """PyTorch's composite: the ratio of extreme singular values for
    p in (None, 2, -2), sum(S) * sum(1 / S) for 'nuc' (so not inf where A
    is singular: about 1e16 for [[1, 2], [2, 4]], NaN for zeros), else
    norm(A) * norm(A^{-1}) (inf where A is singular)."""
    from .linalg_norms import matrix_norm
    from .linalg_solvers import inv_ex
    from .shape import squeeze
    at_least_2d(A, "linalg.cond")
    if isinstance(p, str):      # ('fro', 'nuc': square first, even when empty)
        square(A, f"linalg.cond(ord={p})")
    if A._data.size == 0:   # (PyTorch's zeros, of the batch's shape)
        return Tensor._wrap(np.zeros(A._data.shape[:-2], A._data.real.dtype))
    if p in (None, 2, -2):
        S = svdvals(A)
        # (the first and last singular values as PyTorch's narrows take them)
        n = S._data.shape[-1]
        first, last = S.narrow(-1, 0, 1), S.narrow(-1, n - 1, 1)
        ratio = first / last if p != -2 else last / first
        return squeeze(ratio, -1)
    square(A, f"linalg.cond(ord={p})")
    if p == "nuc":      # (PyTorch's: sum(S) * sum(1 / S), NaN for a zero matrix)
        S = svdvals(A)
        return S.sum(-1) * S.reciprocal().sum(-1)
    inverse, info = inv_ex(A)
    # PyTorch's _linalg_cond_helper: inf for singular matrices, in place, and
    # 0 * inf (a zero matrix) made inf
    inverse.masked_fill_(Tensor._wrap(info._data[..., None, None] > 0), np.inf)
    out = matrix_norm(A, p) * matrix_norm(inverse, p)
    return out.nan_to_num_(np.inf, np.inf, -np.inf)


# (the decompositions check out='s dtype; pinv, matrix_rank and cond cast into it)
for _f, _node, _out in ((qr, None, same_dtype()), (svd, None, same_dtype()),
                        (svdvals, None, same_dtype()), (eigh, None, same_dtype()),
                        (eigvalsh, None, same_dtype()), (pinv, LinalgPinvBackward0, True),
                        (matrix_rank, None, True), (cond, None, True)):
    register(_f, _f.__name__, method=False, namespace="linalg", node=_node, out=_out)
register(torch_qr, "qr", node=None, out=same_dtype())
register(torch_svd, "svd", node=None, out=same_dtype())
register(pinverse, "pinverse", node=None, out=False)
register(matrix_exp, "matrix_exp", namespace="linalg", node=LinalgMatrixExpBackward0, out=False)
register(matrix_exp, "matrix_exp", node=LinalgMatrixExpBackward0, out=False)
from . import statistics  # noqa: E402,F401
