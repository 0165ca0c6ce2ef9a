"""Sample rows of torch.linalg and the old torch linear-algebra names (see
tests/op_table.py). Square inputs get 4 I added (well conditioned) or are
made x x^T + I (positive-definite) where the op needs it; factorisations are
sampled through functions their sign conventions cannot change (Q diag(R),
U Vh, V * V), so the values compare with PyTorch's LAPACK."""
import math
import warnings

from op_table import ANY

M33, M23, M43, M34 = ((3, 3), ANY), ((2, 3, 3), ANY), ((4, 3), ANY), ((3, 4), ANY)


def well(T, x):
    return x + 4 * T.eye(x.shape[-1], dtype=x.dtype)


def spd(T, x):
    return x @ x.mT + T.eye(x.shape[-1], dtype=x.dtype)


def quiet(f):
    """f run without the deprecation warnings of the old torch names."""
    def run(*args):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return f(*args)
    return run


def qr_q(T, x, mode="reduced"):
    Q, R = T.linalg.qr(x, mode=mode)
    d = T.linalg.diagonal(R)
    return Q * d.unsqueeze(-2)


def qr_r(T, x):
    Q, R = T.linalg.qr(x)
    return R * T.linalg.diagonal(R).unsqueeze(-1)


def svd_uv(T, x, full=False):
    U, S, Vh = T.linalg.svd(x, full_matrices=full)
    return U @ Vh + S.sum()


def eigh_v(T, x, UPLO="L"):
    L, V = T.linalg.eigh(spd(T, x), UPLO=UPLO)
    return V * V * L.unsqueeze(-2)


OPS = [
    ("linalg.inv", lambda T, x: T.linalg.inv(well(T, x)), [M33], True),
    ("linalg.inv_batched", lambda T, x: T.linalg.inv(well(T, x)), [M23], True),
    ("linalg.inv_ex", lambda T, x: T.linalg.inv_ex(well(T, x)).inverse, [M33], True),
    ("inverse", lambda T, x: well(T, x).inverse(), [M33], True),
    ("linalg.det", lambda T, x: T.linalg.det(x), [M23], True),
    ("det", lambda T, x: x.det(), [M33], True),
    ("linalg.slogdet", lambda T, x: T.linalg.slogdet(well(T, x)).logabsdet, [M23], True),
    ("slogdet", lambda T, x: T.slogdet(well(T, x))[1], [M33], True),
    ("logdet", lambda T, x: spd(T, x).logdet(), [M33], True),
    ("linalg.solve", lambda T, a, b: T.linalg.solve(well(T, a), b), [M33, ((3, 2), ANY)], True),
    ("linalg.solve_vector_broadcast", lambda T, a, b: T.linalg.solve(well(T, a), b),
     [M23, ((3,), ANY)], True),
    ("linalg.solve_batch_broadcast", lambda T, a, b: T.linalg.solve(well(T, a), b),
     [M33, ((2, 3, 2), ANY)], True),
    ("linalg.solve_right", lambda T, a, b: T.linalg.solve(well(T, a), b, left=False),
     [M33, ((2, 3), ANY)], True),
    ("linalg.solve_ex", lambda T, a, b: T.linalg.solve_ex(well(T, a), b).result,
     [M33, ((3, 2), ANY)], True),
    ("linalg.solve_triangular", lambda T, a, b: T.linalg.solve_triangular(
        well(T, a), b, upper=True), [M33, ((3, 2), ANY)], True),
    ("linalg.solve_triangular_right_unit", lambda T, a, b: T.linalg.solve_triangular(
        well(T, a), b, upper=False, left=False, unitriangular=True),
     [M33, ((2, 3), ANY)], True),
    ("linalg.solve_triangular_transposed", lambda T, a, b: T.linalg.solve_triangular(
        well(T, a).mT, b, upper=False), [M23, ((3, 1), ANY)], True),
    ("linalg.cholesky", lambda T, x: T.linalg.cholesky(spd(T, x)), [M33], True),
    ("linalg.cholesky_upper", lambda T, x: T.linalg.cholesky(spd(T, x), upper=True), [M33],
     True),
    ("linalg.cholesky_ex", lambda T, x: T.linalg.cholesky_ex(spd(T, x)).L, [M33], True),
    ("cholesky", quiet(lambda T, x: T.cholesky(spd(T, x), upper=True)), [M33], True),
    ("linalg.qr", lambda T, x: qr_q(T, x), [M43], True),
    ("linalg.qr_r_factor", lambda T, x: qr_r(T, x), [M43], True),
    ("linalg.qr_wide", lambda T, x: qr_q(T, x) + qr_r(T, x).sum(), [M34], True),
    ("linalg.qr_complete_wide", lambda T, x: qr_q(T, x, "complete"), [M34], True),
    ("linalg.qr_batched", lambda T, x: qr_q(T, x), [M23], True),
    ("qr", quiet(lambda T, x: T.qr(x)[0] * T.linalg.diagonal(T.qr(x)[1]).unsqueeze(-2)),
     [M43], True),
    ("linalg.svd", lambda T, x: svd_uv(T, x), [M43], True),
    ("linalg.svd_full", lambda T, x: svd_uv(T, x, True), [M33], True),
    ("linalg.svd_batched", lambda T, x: (lambda r: r.U * r.Vh.mT)(T.linalg.svd(x)), [M23], True),
    ("linalg.svdvals", lambda T, x: T.linalg.svdvals(x), [M43], True),
    ("svd", lambda T, x: (lambda r: r.U @ r.V.mT + r.S.sum())(T.svd(x)), [M34], True),
    ("svd_no_uv", lambda T, x: T.svd(x, compute_uv=False).S, [M34], True),
    ("linalg.eigh", lambda T, x: eigh_v(T, x), [M33], True),
    ("linalg.eigh_upper", lambda T, x: eigh_v(T, x, "U"), [M33], True),
    ("linalg.eigh_batched", lambda T, x: (lambda r: r.eigenvectors ** 2 * r.eigenvalues.unsqueeze(
        -2))(T.linalg.eigh(x + x.mT)), [M23], True),
    ("linalg.eigvalsh", lambda T, x: T.linalg.eigvalsh(spd(T, x)), [M33], True),
    # (eig's results are complex: sampled as sum_j |V_ij|^2 L_j, the same whatever
    # the order and phases LAPACK gives the pairs, in real and imaginary parts)
    ("linalg.eig", lambda T, x: (lambda r: T.view_as_real(
        ((r.eigenvectors * r.eigenvectors.conj()) * r.eigenvalues.unsqueeze(-2)).sum(-1)))(
        T.linalg.eig(x)), [M33], True),
    ("linalg.eigvals", lambda T, x: T.view_as_real((T.linalg.eigvals(x) ** 2).sum(-1)), [M23],
     True),
    ("linalg.vector_norm", lambda T, x: T.linalg.vector_norm(x), [M34], True),
    ("linalg.vector_norm_1", lambda T, x: T.linalg.vector_norm(x, 1, dim=1), [M34], True),
    ("linalg.vector_norm_3_keepdim", lambda T, x: T.linalg.vector_norm(
        x, 3, dim=(0, -1), keepdim=True), [M23], True),
    ("linalg.vector_norm_half", lambda T, x: T.linalg.vector_norm(x, 0.5, dim=0), [M34], True),
    ("linalg.vector_norm_1_5", lambda T, x: T.linalg.vector_norm(x, 1.5), [M34], True),
    ("linalg.vector_norm_inf", lambda T, x: T.linalg.vector_norm(x, math.inf, dim=-1), [M34],
     True),
    ("linalg.vector_norm_neg_inf", lambda T, x: T.linalg.vector_norm(x, -math.inf), [M34], True),
    ("linalg.vector_norm_0", lambda T, x: x * T.linalg.vector_norm(x, 0), [M34], True),
    ("linalg.matrix_norm", lambda T, x: T.linalg.matrix_norm(x), [M23], True),
    ("linalg.matrix_norm_nuc", lambda T, x: T.linalg.matrix_norm(x, "nuc"), [M43], True),
    ("linalg.matrix_norm_2_keepdim", lambda T, x: T.linalg.matrix_norm(x, 2, keepdim=True),
     [M23], True),
    ("linalg.matrix_norm_neg2", lambda T, x: T.linalg.matrix_norm(x, -2), [M34], True),
    ("linalg.matrix_norm_1", lambda T, x: T.linalg.matrix_norm(x, 1), [M34], True),
    ("linalg.matrix_norm_neg1_dims", lambda T, x: T.linalg.matrix_norm(x, -1, dim=(0, 2)),
     [M23], True),
    ("linalg.matrix_norm_inf_keepdim", lambda T, x: T.linalg.matrix_norm(
        x, math.inf, keepdim=True), [M23], True),
    ("linalg.matrix_norm_neg_inf", lambda T, x: T.linalg.matrix_norm(x, -math.inf), [M34],
     True),
    ("linalg.norm", lambda T, x: T.linalg.norm(x), [M23], True),
    ("linalg.norm_ord_matrix", lambda T, x: T.linalg.norm(x, "nuc"), [M34], True),
    ("linalg.norm_ord_vector_dim", lambda T, x: T.linalg.norm(x, 3, dim=1), [M34], True),
    ("linalg.norm_ord_2d", lambda T, x: T.linalg.norm(x, 1), [M34], True),
    ("norm_nuc", lambda T, x: T.norm(x, "nuc"), [M34], True),
    ("norm_fro_dims", lambda T, x: T.norm(x, "fro", dim=(0, 1)), [M23], True),
    ("linalg.pinv", lambda T, x: T.linalg.pinv(x), [M43], True),
    ("linalg.pinv_wide", lambda T, x: T.linalg.pinv(x), [M34], True),
    ("linalg.pinv_hermitian", lambda T, x: T.linalg.pinv(spd(T, x), hermitian=True), [M33],
     True),
    ("pinverse", lambda T, x: T.pinverse(x), [M34], True),
    ("linalg.matrix_rank", lambda T, x: x * T.linalg.matrix_rank(x), [M34], True),
    ("linalg.matrix_power", lambda T, x: T.linalg.matrix_power(x, 3), [M33], True),
    ("linalg.matrix_power_neg", lambda T, x: T.linalg.matrix_power(well(T, x), -2), [M33],
     True),
    ("linalg.matrix_power_5_batched", lambda T, x: T.linalg.matrix_power(x * 0.5, 5), [M23],
     True),
    ("matrix_power", lambda T, x: x.matrix_power(2), [M33], True),
    ("linalg.matrix_exp", lambda T, x: T.linalg.matrix_exp(x), [M33], True),
    ("linalg.matrix_exp_batched", lambda T, x: T.linalg.matrix_exp(x), [M23], True),
    ("matrix_exp", lambda T, x: x.matrix_exp(), [M33], True),
    ("linalg.cond", lambda T, x: T.linalg.cond(x), [M43], True),
    ("linalg.cond_neg2", lambda T, x: T.linalg.cond(well(T, x), -2), [M33], True),
    ("linalg.diagonal", lambda T, x: T.linalg.diagonal(x, offset=1), [M23], True),
    ("linalg.diagonal_dims", lambda T, x: T.linalg.diagonal(x, offset=-1, dim1=0, dim2=2),
     [M23], True),
    ("linalg.vecdot", lambda T, x, y: T.linalg.vecdot(x, y), [M34, ((4,), ANY)], True),
    ("linalg.matmul", lambda T, x, y: T.linalg.matmul(x, y), [M43, M34], True),
    ("linalg.tensorinv", lambda T, x: T.linalg.tensorinv(well(T, x).reshape(4, 2, 2), ind=1),
     [((4, 4), ANY)], True),
    ("linalg.tensorsolve", lambda T, a, b: T.linalg.tensorsolve(well(T, a).reshape(6, 2, 3), b),
     [((6, 6), ANY), ((6,), ANY)], True),
    ("linalg.vander", lambda T, x: T.linalg.vander(x), [((2, 3), ANY)], True),
    ("linalg.vander_N", lambda T, x: T.linalg.vander(x, N=4), [((3,), ANY)], True),
    ("cholesky_solve", lambda T, b, x: T.cholesky_solve(b, T.linalg.cholesky(spd(T, x))),
     [((3, 2), ANY), M33], True),
    ("cholesky_solve_upper", lambda T, b, x: T.cholesky_solve(
        b, T.linalg.cholesky(spd(T, x), upper=True), upper=True), [((3, 2), ANY), M33], True),
    ("cholesky_inverse", lambda T, x: T.cholesky_inverse(T.linalg.cholesky(spd(T, x))), [M33],
     True),
    ("triangular_solve", quiet(lambda T, b, a: T.triangular_solve(b, well(T, a)).solution),
     [((3, 2), ANY), M33], True),
    ("triangular_solve_transpose_unit", quiet(lambda T, b, a: T.triangular_solve(
        b, well(T, a), upper=False, transpose=True, unitriangular=True).solution),
     [((3, 2), ANY), M33], True),
    ("linalg.lu_factor", lambda T, x: T.linalg.lu_factor(x).LU, [M23], True),
    ("linalg.lu_factor_ex", lambda T, x: T.linalg.lu_factor_ex(x).LU, [M33], True),
    ("linalg.lu", lambda T, x: (lambda r: r.L * 2 + r.U)(T.linalg.lu(x)), [M23], True),
    ("linalg.lu_solve", lambda T, a, b: T.linalg.lu_solve(*T.linalg.lu_factor(a), b),
     [M33, ((3, 2), ANY)], True),
    ("linalg.lu_solve_adjoint_right", lambda T, a, b: T.linalg.lu_solve(
        *T.linalg.lu_factor(a), b, left=False, adjoint=True), [M23, ((2, 3), ANY)], True),
    ("lu", quiet(lambda T, x: T.lu(x)[0]), [M33], True),
    ("lu_unpack", lambda T, x: (lambda r: r.L + r.U)(T.lu_unpack(*T.linalg.lu_factor(x))),
     [M23], True),
    ("lu_unpack_wide", lambda T, x: (lambda r: r.L.sum() + r.U)(T.lu_unpack(
        x, T.linalg.lu_factor(x.detach()).pivots)), [M34], True),
    ("lu_solve", quiet(lambda T, b, a: T.lu_solve(b, *T.linalg.lu_factor(a))),
     [((3, 2), ANY), M33], True),
    ("linalg.lstsq", lambda T, a, b: T.linalg.lstsq(a, b).solution, [M43, ((4, 2), ANY)],
     True),
    ("linalg.lstsq_residuals", lambda T, a, b: (lambda r: r.solution.sum() + r.residuals)(
        T.linalg.lstsq(a, b, driver="gelsd")), [M43, ((4, 2), ANY)], True),
    ("linalg.lstsq_vector_wide", lambda T, a, b: T.linalg.lstsq(a, b).solution,
     [M34, ((3,), ANY)], True),
    ("linalg.householder_product", lambda T, a, tau: T.linalg.householder_product(a, tau),
     [M43, ((2,), ANY)], True),
    ("orgqr", lambda T, a, tau: a.orgqr(tau), [((2, 3, 3), ANY), ((2, 3), ANY)], True),
    # (geqrf has no derivative: the Q of a constant matrix's reflectors)
    ("geqrf", lambda T, a: T.linalg.householder_product(*T.geqrf(
        (T.arange(24.0, dtype=a.dtype).reshape(2, 4, 3) * 0.7).sin()
        + 2 * T.eye(4, 3, dtype=a.dtype))) * a, [((2, 4, 3), ANY)], True),
]
