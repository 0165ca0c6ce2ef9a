"""torch.linalg rows of the complex catalogue (tests/test_complex_ops.py),
and (OTHER_ROWS) the ops beyond linalg that complex support reached later:
logaddexp, logcumsumexp, distances, renorm, cov/corrcoef, convolutions.
Square inputs are made well conditioned (4 I added) or Hermitian
positive-definite (x x^H + I) where the op needs it. Factorisations are
sampled through quantities their gauge cannot change, as PyTorch's own
tests do: an SVD or eigenvectors are fixed only up to a phase per column
(and eig's order is LAPACK's), so the rows use U Vh, |V|^2, Q diag(R),
sum_j |V_ij|^2 L_j, ..."""
import warnings

C, R = "c", "r"
M33, M43, M34, B233 = ((3, 3), C), ((4, 3), C), ((3, 4), C), ((2, 3, 3), C)


def well(T, x):
    return x + 4 * T.eye(x.shape[-1], dtype=x.dtype)


def hpd(T, x):
    return x @ x.mH + T.eye(x.shape[-1], dtype=x.dtype)


def quiet(f):
    """f without the deprecation warnings of the old torch names."""
    def run(T, *xs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return f(T, *xs)
    return run


def qr_q(T, x, mode="reduced"):
    Q, R_ = T.linalg.qr(x, mode=mode)
    return Q * T.linalg.diagonal(R_).unsqueeze(-2)


def qr_r(T, x):
    _, R_ = T.linalg.qr(x)
    return R_ * T.linalg.diagonal(R_).conj().unsqueeze(-1)


def svd_uvh(T, x, full=False):
    U, S, Vh = T.linalg.svd(x, full_matrices=full)
    k = S.shape[-1]
    U = U[..., :k] if U.shape[-1] > k else U        # (a full slice is a view of
    Vh = Vh[..., :k, :] if Vh.shape[-2] > k else Vh  # another name in PyTorch)
    return (U * S.unsqueeze(-2)) @ Vh + U @ Vh


def eig_mix(T, L, V):
    """sum_j |V_ij|^2 f(L_j): the same whatever the phases and order of the pairs."""
    return ((V * V.conj()) * L.unsqueeze(-2)).sum(-1)


def lu_parts(T, x):
    P, L, U = T.linalg.lu(x)
    return L @ U + P.to(x.dtype)


ROWS = [
    ("linalg.inv", lambda T, x: T.linalg.inv(well(T, x)), [M33]),
    ("linalg.inv_batched", lambda T, x: T.linalg.inv(well(T, x)), [B233]),
    ("linalg.inv_ex", lambda T, x: T.linalg.inv_ex(well(T, x)).inverse, [M33]),
    ("inverse", lambda T, x: well(T, x).inverse(), [M33]),
    ("linalg.det", lambda T, x: T.linalg.det(x), [M33]),
    ("det_batched", lambda T, x: x.det(), [B233]),
    ("linalg.slogdet", lambda T, x: (lambda r: r.sign * r.logabsdet)(T.linalg.slogdet(x)), [M33]),
    ("slogdet_sign", lambda T, x: T.slogdet(x)[0], [M33]),
    ("logdet", lambda T, x: T.logdet(hpd(T, x)), [M33]),
    ("linalg.solve", lambda T, a, b: T.linalg.solve(well(T, a), b), [M33, ((3, 2), C)]),
    ("linalg.solve_vec", lambda T, a, b: T.linalg.solve(well(T, a), b), [B233, ((3,), C)]),
    ("linalg.solve_right", lambda T, a, b: T.linalg.solve(well(T, a), b, left=False),
     [M33, ((2, 3), C)]),
    ("linalg.solve_ex", lambda T, a, b: T.linalg.solve_ex(well(T, a), b).result,
     [M33, ((3, 2), C)]),
    ("linalg.solve_triangular", lambda T, a, b: T.linalg.solve_triangular(
        well(T, a).triu(), b, upper=True), [M33, ((3, 2), C)]),
    ("linalg.solve_triangular_right_unit", lambda T, a, b: T.linalg.solve_triangular(
        well(T, a).tril(), b, upper=False, left=False, unitriangular=True), [M33, ((2, 3), C)]),
    ("triangular_solve", quiet(lambda T, b, a: T.triangular_solve(b, well(T, a)).solution),
     [((3, 2), C), M33]),
    ("triangular_solve_transpose", quiet(lambda T, b, a: T.triangular_solve(
        b, well(T, a), upper=False, transpose=True).solution), [((3, 2), C), M33]),
    ("linalg.cholesky", lambda T, x: T.linalg.cholesky(hpd(T, x)), [M33]),
    ("linalg.cholesky_upper", lambda T, x: T.linalg.cholesky(hpd(T, x), upper=True), [M33]),
    ("linalg.cholesky_ex", lambda T, x: T.linalg.cholesky_ex(hpd(T, x)).L, [B233]),
    ("cholesky", quiet(lambda T, x: T.cholesky(hpd(T, x))), [M33]),
    ("cholesky_solve", lambda T, b, x: T.cholesky_solve(b, T.linalg.cholesky(hpd(T, x))),
     [((3, 2), C), M33]),
    ("cholesky_solve_upper", lambda T, b, x: T.cholesky_solve(
        b, T.linalg.cholesky(hpd(T, x), upper=True), upper=True), [((3, 2), C), M33]),
    ("cholesky_inverse", lambda T, x: T.cholesky_inverse(T.linalg.cholesky(hpd(T, x))), [M33]),
    ("linalg.qr_q", lambda T, x: qr_q(T, x), [M43]),
    ("linalg.qr_r", lambda T, x: qr_r(T, x), [M43]),
    ("linalg.qr_wide", lambda T, x: qr_q(T, x) + qr_r(T, x)[..., :3], [M34]),
    ("linalg.svd", lambda T, x: svd_uvh(T, x), [M43]),
    ("linalg.svd_wide", lambda T, x: svd_uvh(T, x), [M34]),
    ("linalg.svd_full", lambda T, x: svd_uvh(T, x, True), [M43]),
    ("linalg.svd_full_wide", lambda T, x: svd_uvh(T, x, True), [M34]),
    ("linalg.svd_abs_u", lambda T, x: T.linalg.svd(x, full_matrices=False).U.abs(), [M43]),
    ("linalg.svdvals", lambda T, x: T.linalg.svdvals(x), [M43]),
    ("svd", lambda T, x: (lambda r: r.U @ r.V.mH + r.S.sum())(T.svd(x)), [M34]),
    ("linalg.eigh", lambda T, x: (lambda r: eig_mix(T, r.eigenvalues, r.eigenvectors))(
        T.linalg.eigh(hpd(T, x))), [M33]),
    ("linalg.eigh_upper", lambda T, x: (lambda r: r.eigenvectors.abs())(
        T.linalg.eigh(hpd(T, x), UPLO="U")), [M33]),
    ("linalg.eigvalsh", lambda T, x: T.linalg.eigvalsh(hpd(T, x)), [B233]),
    ("linalg.eig", lambda T, x: (lambda r: eig_mix(T, r.eigenvalues, r.eigenvectors))(
        T.linalg.eig(x)), [M33]),
    ("linalg.eig_values", lambda T, x: (T.linalg.eig(x).eigenvalues ** 2).sum(), [M33]),
    ("linalg.eig_real", lambda T, x: (lambda r: eig_mix(T, r.eigenvalues, r.eigenvectors))(
        T.linalg.eig(x)), [((3, 3), R)]),
    ("linalg.eigvals", lambda T, x: (T.linalg.eigvals(x) ** 3).sum(-1), [B233]),
    ("linalg.pinv", lambda T, x: T.linalg.pinv(x), [M43]),
    ("linalg.pinv_wide", lambda T, x: T.linalg.pinv(x), [M34]),
    ("linalg.pinv_hermitian", lambda T, x: T.linalg.pinv(hpd(T, x), hermitian=True), [M33]),
    ("pinverse", lambda T, x: T.pinverse(x), [M34]),
    ("linalg.lstsq", lambda T, a, b: T.linalg.lstsq(a, b).solution, [M43, ((4, 2), C)]),
    ("linalg.lstsq_residuals", lambda T, a, b: (lambda r: r.solution.sum() * r.residuals)(
        T.linalg.lstsq(a, b, driver="gelsd")), [M43, ((4, 2), C)]),
    ("linalg.matrix_norm", lambda T, x: T.linalg.matrix_norm(x), [M34]),
    ("linalg.matrix_norm_nuc", lambda T, x: T.linalg.matrix_norm(x, "nuc"), [M34]),
    ("linalg.matrix_norm_2", lambda T, x: T.linalg.matrix_norm(x, 2), [B233]),
    ("linalg.matrix_norm_-2", lambda T, x: T.linalg.matrix_norm(x, -2), [M43]),
    ("linalg.matrix_norm_1", lambda T, x: T.linalg.matrix_norm(x, 1), [M34]),
    ("linalg.matrix_norm_inf", lambda T, x: T.linalg.matrix_norm(x, float("inf")), [M34]),
    ("linalg.norm", lambda T, x: T.linalg.norm(x), [M34]),
    ("linalg.norm_ord", lambda T, x: T.linalg.norm(x, 3, dim=1), [M34]),
    ("linalg.vector_norm_inf", lambda T, x: T.linalg.vector_norm(x, float("inf")), [M34]),
    ("linalg.cond", lambda T, x: T.linalg.cond(x), [M33]),
    ("linalg.matrix_exp", lambda T, x: T.linalg.matrix_exp(x), [M33]),
    ("linalg.matrix_power", lambda T, x: T.linalg.matrix_power(x, 3), [M33]),
    ("linalg.matrix_power_neg", lambda T, x: T.linalg.matrix_power(well(T, x), -2), [M33]),
    ("linalg.lu_factor", lambda T, x: T.linalg.lu_factor(x).LU, [M33]),
    ("linalg.lu", lambda T, x: lu_parts(T, x), [B233]),
    ("linalg.lu_solve", lambda T, a, b: T.linalg.lu_solve(*T.linalg.lu_factor(well(T, a)), b),
     [M33, ((3, 2), C)]),
    ("linalg.lu_solve_adjoint", lambda T, a, b: T.linalg.lu_solve(
        *T.linalg.lu_factor(well(T, a)), b, adjoint=True, left=False), [M33, ((2, 3), C)]),
    ("lu_unpack", lambda T, x: (lambda r: r.L @ r.U)(T.lu_unpack(*T.linalg.lu_factor(x))),
     [M33]),
    ("linalg.householder_product", lambda T, a, t: T.linalg.householder_product(a, t),
     [M43, ((2,), C)]),
    ("linalg.vecdot", lambda T, x, y: T.linalg.vecdot(x, y), [M34, M34]),
    ("linalg.vecdot_1d", lambda T, x, y: T.linalg.vecdot(x, y), [((4,), C), ((4,), C)]),
    ("linalg.vander", lambda T, x: T.linalg.vander(x), [((3,), C)]),
    ("linalg.tensorinv", lambda T, x: T.linalg.tensorinv(well(T, x.reshape(4, 4)).reshape(
        4, 2, 2), ind=1), [((2, 8), C)]),
    ("linalg.tensorsolve", lambda T, a, b: T.linalg.tensorsolve(well(T, a.reshape(6, 6))
                                                                .reshape(2, 3, 6), b),
     [((6, 6), C), ((2, 3), C)]),
    ("linalg.multi_dot", lambda T, a, b, c: T.linalg.multi_dot([a, b, c]),
     [M34, ((4, 2), C), ((2, 3), C)]),
]

F_ = lambda T: T.nn.functional    # noqa: E731

OTHER_ROWS = [
    ("logaddexp", lambda T, x, y: T.logaddexp(x, y), [M34, ((4,), C)]),
    ("logcumsumexp", lambda T, x: T.logcumsumexp(x, 1), [M34]),
    ("logcumsumexp_dim0", lambda T, x: x.logcumsumexp(0), [M43]),
    ("dist", lambda T, x, y: T.dist(x, y), [M34, M34]),
    ("dist_p3", lambda T, x, y: T.dist(x, y, 3), [M34, ((4,), C)]),
    ("pairwise_distance", lambda T, x, y: F_(T).pairwise_distance(x, y), [M34, M34]),
    ("triplet_margin_loss", lambda T, x, y, z: F_(T).triplet_margin_loss(x, y, z, margin=4.0),
     [M34, M34, M34]),
    ("renorm", lambda T, x: T.renorm(x, 2, 0, 1.0), [M34]),
    ("renorm_p3", lambda T, x: x.renorm(3, 1, 0.8), [M34]),
    ("cov", lambda T, x: T.cov(x), [((3, 5), C)]),
    ("corrcoef", lambda T, x: T.corrcoef(x), [((3, 5), C)]),
    ("conv1d", lambda T, x, w, b: F_(T).conv1d(x, w, b), [((2, 3, 6), C), ((4, 3, 2), C),
                                                          ((4,), C)]),
    ("conv1d_dilated_nobias", lambda T, x, w: F_(T).conv1d(x, w, dilation=2, padding=1),
     [((3, 6), C), ((2, 3, 2), C)]),
    ("conv2d", lambda T, x, w: F_(T).conv2d(x, w, stride=2), [((1, 2, 5, 4), C),
                                                              ((3, 2, 2, 2), C)]),
    ("conv_transpose1d", lambda T, x, w, b: F_(T).conv_transpose1d(x, w, b, stride=2),
     [((1, 3, 4), C), ((3, 2, 2), C), ((2,), C)]),
]
