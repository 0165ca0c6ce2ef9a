"""torch.linalg's factorisations: qr, svd, svdvals, eigh, eigvalsh, pinv,
matrix_rank, matrix_exp, cond, and the old torch names (torch.svd, torch.qr,
torch.pinverse, torch.matrix_exp). LAPACK through numpy.linalg; derivatives
as PyTorch's svd_backward, linalg_eig_backward, linalg_qr_backward,
pinv_backward and the matrix-function block rule for matrix_exp."""
from .. import return_types as RT
from ._common import D, Tensor, np, recorded, recorded_multi, tracked
from ._out import same_dtype
from ._registry import grad_fn, register
from ._xp import provide
from .linalg_common import (at_least_2d, const, diag_embed, eye_as, float_input, mT, np_dtype,
                            square, warn_once)
from .linalg_solvers import tri_mask    # (and xp.solve_triangular, xp.inv, provided there)

__all__ = ["qr", "svd", "svdvals", "eigh", "eigvalsh", "pinv", "matrix_rank", "matrix_exp",
           "cond"]


def _given(xp, g):
    """Did a gradient arrive for this output (not the zeros a multi-output
    node is handed for an unused one)?"""
    return bool(np.any(xp.data(g)))


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
    gA = xp.matmul(gR, mT(xp, R)) - xp.matmul(mT(xp, Q), gQ)
    if m >= n:
        upper = gA * tri_mask(xp, gA, True)
        gA = xp.matmul(Q, upper + mT(xp, upper * tri_mask(xp, gA, True, 1))) + gQ
        return xp.solve_triangular(mT(xp, R), gA, False, False, False)
    skew = -gA + mT(xp, gA)
    gA = xp.matmul(Q, skew * tri_mask(xp, skew, False))
    gA = xp.solve_triangular(mT(xp, R[..., :m]), gA, False, False, False)
    pad = np.eye(m, n, dtype=np_dtype(xp, gA))      # [I_m 0]: gA placed in the first m columns
    return xp.matmul(gA, const(xp, pad)) + xp.matmul(Q, gR)


LinalgQrBackward0 = grad_fn("LinalgQrBackward0", outputs=("Q", "R"),
                            A=lambda xp, grad, Q, R, mode: _qr_grad(xp, grad, Q, R, mode))


def _qr(A, mode):
    if mode not in _QR_MODES:
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    at_least_2d(A, "linalg.qr")
    float_input(A, "linalg.qr")
    a = A._data
    if mode == "r":
        R = np.linalg.qr(a, mode="r")
        Q = np.zeros((0,), a.dtype)
    else:
        Q, R = np.linalg.qr(a, mode=mode)
    return recorded_multi(LinalgQrBackward0, [Q, R], (A,), (mode,))


def qr(A, mode="reduced"):
    return RT.linalg_qr(*_qr(A, mode))


def torch_qr(input, some=True):
    warn_once("torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a "
              "future PyTorch release.\nThe boolean parameter 'some' has been replaced with "
              "a string parameter 'mode'.\nQ, R = torch.qr(A, some)\nshould be replaced with"
              "\nQ, R = torch.linalg.qr(A, 'reduced' if some else 'complete')")
    return RT.qr(*_qr(input, "reduced" if some else "complete"))


# --- svd ------------------------------------------------------------------

def _svd_grad(xp, grad, U, S, Vh, full_matrices):
    """PyTorch's svd_backward (real case)."""
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
        UhgU = xp.matmul(mT(xp, U), gU)
        UhgU = UhgU - mT(xp, UhgU)
    if has_v:
        VhgV = xp.matmul(Vh, mT(xp, gVh))
        VhgV = VhgV - mT(xp, VhgV)
    if has_u and has_v:
        gA = (UhgU * S[..., None, :] + S[..., :, None] * VhgV) / E
    elif has_u:
        gA = (UhgU / E) * S[..., None, :]
    else:
        gA = S[..., :, None] * (VhgV / E)
    gA = gA + diag_embed(xp, gS)
    if m > n and has_u:
        gA = xp.matmul(U, gA)
        gUSinv = gU / S[..., None, :]
        gA = gA + gUSinv - xp.matmul(U, xp.matmul(mT(xp, U), gUSinv))
        return xp.matmul(gA, Vh)
    if m < n and has_v:
        gA = xp.matmul(gA, Vh)
        SinvgVh = gVh / S[..., :, None]
        gA = gA + SinvgVh - xp.matmul(xp.matmul(SinvgVh, mT(xp, Vh)), Vh)
        return xp.matmul(U, gA)
    return (xp.matmul(U, xp.matmul(gA, Vh)) if m >= n
            else xp.matmul(xp.matmul(U, gA), Vh))


LinalgSvdBackward0 = grad_fn(
    "LinalgSvdBackward0", outputs=("U", "S", "Vh"),
    A=lambda xp, grad, U, S, Vh, full_matrices: _svd_grad(xp, grad, U, S, Vh, full_matrices))


def _svd(A, full_matrices, name="linalg.svd"):
    at_least_2d(A, name)
    float_input(A, name)
    U, S, Vh = np.linalg.svd(A._data, full_matrices=full_matrices)
    return recorded_multi(LinalgSvdBackward0, [U, S, Vh], (A,), (full_matrices,))


def _no_driver(driver):
    if driver is not None:
        raise RuntimeError("torch.linalg.svd: keyword argument `driver=` is only supported on "
                           "CUDA inputs with cuSOLVER backend.")


def svd(A, full_matrices=True, *, driver=None):
    _no_driver(driver)
    return RT.linalg_svd(*_svd(A, full_matrices))


def svdvals(A, *, driver=None):
    _no_driver(driver)
    if not tracked(A):
        at_least_2d(A, "linalg.svd")
        float_input(A, "linalg.svd")
        return Tensor._wrap(np.linalg.svd(A._data, compute_uv=False))
    return _svd(A, False)[1]


def torch_svd(input, some=True, compute_uv=True):
    """The old torch.svd: V rather than Vh; without compute_uv, U and V are
    zeros (of the full shapes) and only S is computed."""
    from .shape import transpose
    if not compute_uv:
        m, n = input._data.shape[-2:]
        batch, dt = input._data.shape[:-2], input._data.dtype
        return RT.svd(Tensor._wrap(np.zeros(batch + (m, m), dt)), svdvals(input),
                      Tensor._wrap(np.zeros(batch + (n, n), dt)))
    U, S, Vh = _svd(input, not some)
    return RT.svd(U, S, transpose(Vh, -2, -1))


# --- eigh -----------------------------------------------------------------

def _eigh_grad(xp, grad, L, V):
    """PyTorch's linalg_eig_backward, Hermitian case."""
    gL, gV = grad
    if not _given(xp, gV):
        return xp.matmul(V * gL[..., None, :], mT(xp, V))
    VhgV = xp.matmul(mT(xp, V), gV)
    VhgV = (VhgV - mT(xp, VhgV)) * 0.5
    E = L[..., None, :] - L[..., :, None] + eye_as(xp, L)
    gA = VhgV / E + diag_embed(xp, gL)
    return xp.matmul(V, xp.matmul(gA, mT(xp, V)))


LinalgEighBackward0 = grad_fn("LinalgEighBackward0", outputs=("L", "V"),
                              A=lambda xp, grad, L, V: _eigh_grad(xp, grad, L, V))


def _eigh(A, UPLO, name):
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    square(A, name, check_float=False)
    if A._data.dtype.kind != "f":
        raise NotImplementedError(f"\"linalg_eigh_cpu\" not implemented for "
                                  f"'{D.SCALAR_NAMES[A.dtype]}'")
    L, V = np.linalg.eigh(A._data, UPLO=UPLO)
    return recorded_multi(LinalgEighBackward0, [L, V], (A,))


def eigh(A, UPLO="L"):
    return RT.linalg_eigh(*_eigh(A, UPLO, "linalg.eigh"))


def eigvalsh(A, UPLO="L"):
    if not tracked(A) and UPLO in ("L", "U"):
        square(A, "linalg.eigh")
        float_input(A, "linalg.eigh")
        return Tensor._wrap(np.linalg.eigvalsh(A._data, UPLO=UPLO))
    return _eigh(A, UPLO, "linalg.eigh")[0]


# --- pinv, matrix_rank ----------------------------------------------------

def _pinv_grad(xp, g, A, pinvA):
    """PyTorch's pinv_backward."""
    m, n = A.shape[-2], A.shape[-1]
    pinvAh, gh = mT(xp, pinvA), mT(xp, g)
    mm = xp.matmul
    if m <= n:
        K = mm(gh, pinvA)
        KpinvAh = mm(K, pinvAh)
        return (-mT(xp, mm(pinvA, K)) + KpinvAh - mm(mm(A, pinvA), KpinvAh)
                + mm(mm(pinvAh, pinvA), gh - mm(K, A)))
    K = mm(pinvA, gh)
    pinvAhK = mm(pinvAh, K)
    return (-mT(xp, mm(K, pinvA)) + pinvAhK - mm(mm(pinvAhK, pinvA), A)
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
    """(singular values, U, Vh) or, hermitian, (|eigenvalues|, V, signs * V^T)."""
    if hermitian:
        w, v = np.linalg.eigh(a)
        return np.abs(w), v, np.swapaxes(v * np.sign(w)[..., None, :], -1, -2)
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    return s, u, vh


def _check_pinv_input(A):
    if A._data.dtype.kind != "f" or A._data.ndim < 2:
        raise RuntimeError(f"linalg.pinv({D.SCALAR_NAMES[A.dtype]}{{{list(A._data.shape)}}}): "
                           "expected a tensor with 2 or more dimensions of float, double, cfloat "
                           "or cdouble types")


def pinv(A, rcond=None, hermitian=False, *, atol=None, rtol=None):
    _check_pinv_input(A)
    a = A._data
    if rcond is not None:
        rtol = rcond
    s, u, vh = _spectrum(a, hermitian)
    s_max = s.max(-1, keepdims=True) if s.shape[-1] else np.zeros(s.shape[:-1] + (1,), a.dtype)
    tol = _tolerance(a, s_max, atol, rtol)
    with np.errstate(divide="ignore"):
        s_inv = np.where(s > tol, 1 / np.where(s > tol, s, 1), 0).astype(a.dtype)
    data = np.swapaxes(vh, -1, -2) @ (s_inv[..., :, None] * np.swapaxes(u, -1, -2))
    return recorded(LinalgPinvBackward0, data, (A,))


def pinverse(input, rcond=1e-15):
    return pinv(input, rtol=rcond)


def matrix_rank(A, tol=None, hermitian=False, *, atol=None, rtol=None):
    if A._data.dtype.kind != "f":
        raise RuntimeError("This function doesn't handle types other than float and double")
    at_least_2d(A, "linalg.matrix_rank")
    if tol is not None:
        atol, rtol = tol, 0.0
    a = A._data
    s = np.abs(np.linalg.eigvalsh(a)) if hermitian else np.linalg.svd(a, compute_uv=False)
    s_max = s.max(-1, keepdims=True) if s.shape[-1] else np.zeros(s.shape[:-1] + (1,), a.dtype)
    return Tensor._wrap(np.asarray((s > _tolerance(a, s_max, atol, rtol)).sum(-1), np.int64))


# --- matrix_exp -----------------------------------------------------------

def _expm(a):
    """exp(A) by scaling and squaring a degree-18 Taylor polynomial (in
    float64): A / 2^s has norm below 1/2, so the truncation error is below
    2^-19 / 19!."""
    x = a.astype(np.float64)
    n = x.shape[-1]
    if x.size == 0:
        return x.astype(a.dtype)
    norm = np.abs(x).sum(-2).max() if x.size else 0.0
    s = max(0, int(np.ceil(np.log2(norm / 0.5)))) if norm > 0.5 else 0
    x = x / 2.0 ** s
    eye = np.eye(n)
    r = eye + x / 18
    for k in range(17, 0, -1):
        r = eye + (x @ r) / k
    for _ in range(s):
        r = r @ r
    return r.astype(a.dtype)


def _matrix_exp_grad(xp, g, A):
    """The gradient is the top-right block of exp([[A^T, g], [0, A^T]])."""
    n = A.shape[-1]
    At = mT(xp, A)
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
    p in (None, 2, -2), else norm(A) * norm(A^{-1}) (inf where A is singular)."""
    from .linalg_norms import matrix_norm
    from .linalg_solvers import inv_ex
    from .shape import squeeze
    if p in (None, 2, -2):
        at_least_2d(A, "linalg.cond")
        S = svdvals(A)
        ratio = S[..., :1] / S[..., -1:] if p != -2 else S[..., -1:] / S[..., :1]
        return squeeze(ratio, -1)
    square(A, f"linalg.cond(ord={p})")
    inverse, info = inv_ex(A)
    out = matrix_norm(A, p) * matrix_norm(inverse, p)
    singular = info._data != 0
    if singular.any():
        # (PyTorch: inf for singular matrices; no gradient flows there.)
        return Tensor._wrap(np.where(singular, np.inf, out._data).astype(out._data.dtype))
    return out


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
