"""LAPACK's least-squares drivers for torch.linalg.lstsq, on NumPy arrays.

PyTorch's CPU kernel (apply_lstsq) hands each matrix to LAPACK's
  gels   QR (m >= n) or LQ (m < n) of A, then a triangular solve: A is
         assumed to have full rank; an exactly zero diagonal element of the
         triangular factor is LAPACK's info > 0, a tiny one gives huge values;
  gelsy  QR with column pivoting (geqp3), the rank found by incremental
         condition estimation (laic1) of the pivoted R against rcond, then
         the minimum-norm solution of the rank-truncated problem;
  gelsd, gelss
         the SVD: singular values s_i <= rcond * s_1 are dropped (gelsd
         takes eps for rcond <= 0 or >= 1, gelss for rcond < 0).
Where SciPy is installed its LAPACK wrappers run the drivers themselves;
without it the NumPy code here follows the same algorithms (tests switch the
SciPy path off by setting _backend._lapack to None).

solve() returns the solutions, LAPACK's rows n:m of B (whose squares sum to
the residuals), the ranks and singular values and LAPACK's infos."""
from .. import _backend
from .._backend import np

# (LAPACK's argument positions of A and B, the numbers of its "illegal value"
# infos: MKL refuses a NaN in either)
NAN_ARGUMENT = {"gels": (5, 7), "gelsy": (4, 6), "gelsd": (4, 6), "gelss": (4, 6)}


def _eps(dtype):
    """LAPACK's dlamch('Epsilon'): half NumPy's eps (rounding arithmetic)."""
    return float(np.finfo(dtype).eps) / 2


def _rank_of_svd(s, rcond, driver, dtype):
    """The singular values gelsd's dlalsd and gelss keep (a boolean mask)."""
    with np.errstate(invalid="ignore"):
        s1 = s[..., :1] if s.shape[-1] else s
        if driver == "gelss":
            r = float(np.finfo(dtype).eps) if rcond < 0 else rcond     # (dlamch('P'))
            thr = np.fmax(r * s1, float(np.finfo(dtype).tiny))            # (NaN: sfmin)
            keep = s > thr
        else:
            r = _eps(dtype) if (rcond <= 0 or rcond >= 1) else rcond    # (NaN stays NaN)
            keep = ~(s <= r * s1)
            if s.shape[-1] == 1:        # (dlalsd's 1 x 1 case: any nonzero value counts)
                keep = s != 0
    return keep & ~np.isnan(s)


def _backsolve(r, c, lower=False):
    """r x = c for triangular r (..., p, p) by substitution, as trsm: a tiny
    diagonal gives huge values, a zero one inf or NaN."""
    p = r.shape[-1]
    x = np.zeros(np.broadcast_shapes(r.shape[:-2], c.shape[:-2]) + c.shape[-2:],
                 np.result_type(r, c))
    order = range(p) if lower else range(p - 1, -1, -1)
    with np.errstate(all="ignore"):
        for i in order:
            done = slice(0, i) if lower else slice(i + 1, p)
            acc = c[..., i, :] - np.einsum("...j,...jk->...k", r[..., i, done], x[..., done, :])
            x[..., i, :] = acc / r[..., i, i][..., None]
    return x


def _mH(a):
    return np.swapaxes(a, -1, -2).conj()


def _first_zero(diag):
    """LAPACK's trtrs info: the 1-based index of the first exactly zero
    diagonal element of each matrix, 0 where none."""
    zero = diag == 0
    return np.where(zero.any(-1), zero.argmax(-1) + 1, 0)


# --- gels -------------------------------------------------------------------

def _gels(a, b):
    m, n = a.shape[-2:]
    if m >= n:
        q, r = np.linalg.qr(a, mode="complete")
        c = _mH(q) @ b
        info = _first_zero(np.diagonal(r[..., :n, :n], 0, -2, -1))
        return _backsolve(r[..., :n, :n], c[..., :n, :]), c[..., n:, :], info
    q, r = np.linalg.qr(_mH(a), mode="reduced")       # (A = R^H Q^H: dgels's LQ)
    info = _first_zero(np.diagonal(r, 0, -2, -1))
    return q @ _backsolve(_mH(r), b, lower=True), None, info


def _tail(a, b):
    """Rows n:m of Q^H B for A = Q R: what LAPACK leaves below the solution
    (their squares sum to the residuals)."""
    n = a.shape[-1]
    q = np.linalg.qr(a, mode="complete")[0]
    return (_mH(q) @ b)[..., n:, :]


# --- gelsy: QR with column pivoting and incremental condition estimation -----

def _larfg(alpha, x):
    """LAPACK's larfg: beta, v and tau of H = I - tau [1; v] [1; v]^H with
    H^H [alpha; x] = [beta; 0]."""
    xnorm = float(np.linalg.norm(x)) if x.size else 0.0
    alphr, alphi = float(np.real(alpha)), float(np.imag(alpha))
    if xnorm == 0 and alphi == 0:
        return alpha, x, 0
    norm = float(np.sqrt(alphr * alphr + alphi * alphi + xnorm * xnorm))
    beta = -norm if alphr >= 0 else norm
    tau = complex((beta - alphr) / beta, -alphi / beta) if np.iscomplexobj(x) \
        else (beta - alphr) / beta
    return beta, x / (alpha - beta), tau


def _geqp3(a):
    """LAPACK's geqp3 (as its unblocked laqp2): Householder QR with column
    pivoting, the column of largest remaining norm first (ties to the lowest
    index), the norms downdated and recomputed where cancellation threatens.
    Returns the reflectors below R in `a`, their taus, and the permutation."""
    a = np.array(a)
    m, n = a.shape
    jpvt = np.arange(n)
    vn1 = np.linalg.norm(a, axis=0) if m else np.zeros(n)
    vn2 = vn1.copy()
    tau = np.zeros(min(m, n), a.dtype)
    tol3z = np.sqrt(_eps(a.dtype))
    for i in range(min(m, n)):
        p = i + int(np.argmax(vn1[i:]))
        if p != i:
            a[:, [i, p]] = a[:, [p, i]]
            jpvt[[i, p]] = jpvt[[p, i]]
            vn1[p], vn2[p] = vn1[i], vn2[i]
        beta, v, t = _larfg(a[i, i], a[i + 1:, i])
        a[i, i], a[i + 1:, i], tau[i] = beta, v, t
        if i + 1 < n:
            if t != 0:
                u = np.concatenate([[1], v]).astype(a.dtype)
                a[i:, i + 1:] -= np.conj(t) * np.outer(u, u.conj() @ a[i:, i + 1:])
            j = np.arange(i + 1, n)
            j = j[vn1[j] != 0]
            with np.errstate(invalid="ignore", divide="ignore"):
                temp = np.maximum(1 - (np.abs(a[i, j]) / vn1[j]) ** 2, 0)
                temp2 = temp * (vn1[j] / vn2[j]) ** 2
            again = temp2 <= tol3z
            vn1[j[~again]] *= np.sqrt(temp[~again])
            fresh = np.linalg.norm(a[i + 1:, j[again]], axis=0) if i + 1 < m else 0
            vn1[j[again]] = fresh
            vn2[j[again]] = fresh
    return a, tau, jpvt


def _laic1(job, x, sest, w, gamma, eps):
    """LAPACK's laic1: one step of incremental condition estimation; job 1
    the largest singular value, job 2 the smallest. Returns (sestpr, s, c)."""
    alpha = np.vdot(x, w)
    absalp, absgam, absest = abs(alpha), abs(gamma), abs(sest)
    conj = np.conj
    if job == 1:
        if sest == 0:
            s1 = max(absgam, absalp)
            if s1 == 0:
                return 0.0, 0, 1
            s, c = alpha / s1, gamma / s1
            tmp = np.sqrt(abs(s) ** 2 + abs(c) ** 2)
            return s1 * tmp, s / tmp, c / tmp
        if absgam <= eps * absest:
            tmp = max(absest, absalp)
            return tmp * np.sqrt((absest / tmp) ** 2 + (absalp / tmp) ** 2), 1, 0
        if absalp <= eps * absest:
            return (absest, 1, 0) if absgam <= absest else (absgam, 0, 1)
        if absest <= eps * absalp or absest <= eps * absgam:
            big = absalp if absgam <= absalp else absgam
            tmp = (absgam if absgam <= absalp else absalp) / big
            scl = np.sqrt(1 + tmp * tmp)
            return big * scl, (alpha / big) / scl, (gamma / big) / scl
        zeta1, zeta2 = absalp / absest, absgam / absest
        b = (1 - zeta1 * zeta1 - zeta2 * zeta2) * 0.5
        c = zeta1 * zeta1
        t = c / (b + np.sqrt(b * b + c)) if b > 0 else np.sqrt(b * b + c) - b
        sine, cosine = -(alpha / absest) / t, -(gamma / absest) / (1 + t)
        tmp = np.sqrt(abs(sine) ** 2 + abs(cosine) ** 2)
        return np.sqrt(t + 1) * absest, sine / tmp, cosine / tmp
    if sest == 0:
        sine, cosine = (1, 0) if max(absgam, absalp) == 0 else (-conj(gamma), conj(alpha))
        s1 = max(abs(sine), abs(cosine))
        s, c = sine / s1, cosine / s1
        tmp = np.sqrt(abs(s) ** 2 + abs(c) ** 2)
        return 0.0, s / tmp, c / tmp
    if absgam <= eps * absest:
        return absgam, 0, 1
    if absalp <= eps * absest:
        return (absgam, 0, 1) if absgam <= absest else (absest, 1, 0)
    if absest <= eps * absalp or absest <= eps * absgam:
        if absgam <= absalp:
            tmp = absgam / absalp
            scl = np.sqrt(1 + tmp * tmp)
            return (absest * (tmp / scl), -(conj(gamma) / absalp) / scl,
                    (conj(alpha) / absalp) / scl)
        tmp = absalp / absgam
        scl = np.sqrt(1 + tmp * tmp)
        return absest / scl, -(conj(gamma) / absgam) / scl, (conj(alpha) / absgam) / scl
    zeta1, zeta2 = absalp / absest, absgam / absest
    norma = max(1 + zeta1 * zeta1 + zeta1 * zeta2, zeta1 * zeta2 + zeta2 * zeta2)
    if 1 + 2 * (zeta1 - zeta2) * (zeta1 + zeta2) >= 0:     # (root close to zero)
        b = (zeta1 * zeta1 + zeta2 * zeta2 + 1) * 0.5
        c = zeta2 * zeta2
        t = c / (b + np.sqrt(abs(b * b - c)))
        sine, cosine = (alpha / absest) / (1 - t), -(gamma / absest) / t
        sestpr = np.sqrt(t + 4 * eps * eps * norma) * absest
    else:                                                   # (closer to one: shifted)
        b = (zeta2 * zeta2 + zeta1 * zeta1 - 1) * 0.5
        c = zeta1 * zeta1
        t = -c / (b + np.sqrt(b * b + c)) if b >= 0 else b - np.sqrt(b * b + c)
        sine, cosine = -(alpha / absest) / t, -(gamma / absest) / (1 + t)
        sestpr = np.sqrt(1 + t + 4 * eps * eps * norma) * absest
    tmp = np.sqrt(abs(sine) ** 2 + abs(cosine) ** 2)
    return sestpr, sine / tmp, cosine / tmp


def ice_rank(r, rcond):
    """gelsy's rank: grow the leading triangle of the pivoted R while the
    incremental estimates keep smax * rcond <= smin."""
    mn = min(r.shape)
    smax = abs(r[0, 0]) if mn else 0
    if smax == 0:
        return 0
    eps = _eps(r.dtype)
    smin, xmin, xmax, rank = smax, np.ones(1, r.dtype), np.ones(1, r.dtype), 1
    while rank < mn:
        col, gamma = r[:rank, rank], r[rank, rank]
        sminpr, s1, c1 = _laic1(2, xmin, smin, col, gamma, eps)
        smaxpr, s2, c2 = _laic1(1, xmax, smax, col, gamma, eps)
        if not smaxpr * rcond <= sminpr:
            break
        xmin = np.append(s1 * xmin, c1).astype(r.dtype)
        xmax = np.append(s2 * xmax, c2).astype(r.dtype)
        smin, smax, rank = sminpr, smaxpr, rank + 1
    return rank


def _gelsy_one(a, b, rcond):
    """One matrix: gelsy's minimum-norm solution of the rank-truncated
    problem (n x k) and the rank."""
    m, n = a.shape
    if not np.isfinite(a).all() or not np.abs(a).max() > 0:
        return np.zeros((n, b.shape[-1]), a.dtype), 0   # (PyTorch: zeros, rank 0)
    qr, tau, jpvt = _geqp3(a)
    rank = ice_rank(np.triu(qr[:min(m, n)]), rcond)
    c = np.array(b)
    for i in range(min(m, n)):         # (c = Q^H b)
        u = np.concatenate([[1], qr[i + 1:, i]]).astype(a.dtype)
        c[i:] -= np.conj(tau[i]) * np.outer(u, u.conj() @ c[i:])
    t = np.triu(qr[:rank])
    if rank == n:
        y = _backsolve(t, c[:rank])
    else:                               # (T = Rz^H Qz^H: y = Qz Rz^-H c)
        qz, rz = np.linalg.qr(_mH(t))
        y = qz @ _backsolve(_mH(rz), c[:rank], lower=True)
    x = np.empty((n, b.shape[-1]), a.dtype)
    x[jpvt] = y
    return x, rank


# --- the NumPy path ------------------------------------------------------------

def _numpy(a, b, rcond, driver):
    """a (N, m, n), b (N, m, k), nonempty: (x, tail, rank, sv, info)."""
    m, n = a.shape[-2:]
    N, real = a.shape[0], np.finfo(a.dtype).dtype
    info = np.zeros(N, np.int64)
    rank = np.zeros(N, np.int64)
    sv = np.zeros((N, 0), real)
    tail = None
    if driver == "gels":
        x, tail, info = _gels(a, b)
    elif driver == "gelsy":
        x = np.empty((N, n, b.shape[-1]), a.dtype)
        for i in range(N):
            x[i], rank[i] = _gelsy_one(a[i], b[i], rcond)
    else:
        from .linalg_common import svd_np
        u, sv, vh = svd_np(a, full_matrices=False)
        keep = _rank_of_svd(sv, rcond, driver, a.dtype)
        with np.errstate(divide="ignore"):
            s_inv = np.where(keep, 1 / np.where(keep, sv, 1), 0).astype(a.dtype)
        x = _mH(vh) @ (s_inv[..., :, None] * (_mH(u) @ b))
        rank = keep.sum(-1).astype(np.int64)
        if m > n:
            tail = _tail(a, b)
    return x, tail, rank, sv.astype(real), info


# --- the SciPy (LAPACK) path -----------------------------------------------------

_PREFIX = {"f": "s", "d": "d", "F": "c", "D": "z"}


def _scipy(lp, a, b, rcond, driver):
    m, n = a.shape[-2:]
    N, k, real = a.shape[0], b.shape[-1], np.finfo(a.dtype).dtype
    p = _PREFIX[a.dtype.char]
    fn = getattr(lp, p + driver)
    size = getattr(lp, p + driver + "_lwork")
    if driver in ("gelsy", "gelsd", "gelss"):
        work = size(m, n, k, rcond)
    else:
        work = size(m, n, k)
    lwork = max(1, int(np.real(work[0])))
    x = np.empty((N, max(m, n), k), a.dtype)
    rank = np.zeros(N, np.int64)
    sv = np.zeros((N, min(m, n) if driver in ("gelsd", "gelss") else 0), real)
    info = np.zeros(N, np.int64)
    for i in range(N):
        bb = np.zeros((max(m, n), k), a.dtype, order="F")
        bb[:m] = b[i]
        ai = np.asfortranarray(a[i])
        if driver == "gels":
            out = fn(ai, bb, lwork=lwork)
            x[i], info[i] = out[1], out[-1]
        elif driver == "gelsy":
            out = fn(ai, bb, np.zeros(n, np.int32), rcond, lwork)
            x[i], rank[i], info[i] = out[1], out[3], out[4]
        elif driver == "gelsd":
            extra = [int(v) for v in work[1:-1]]
            out = fn(ai, bb, lwork, *extra, cond=rcond)
            x[i], sv[i], rank[i], info[i] = out
        else:
            out = fn(ai, bb, cond=rcond, lwork=lwork)
            x[i], sv[i], rank[i], info[i] = out[1], out[2], out[3], out[-1]
    tail = x[:, n:] if m > n else None
    return x[:, :n], tail, rank, sv, info


# --- entry -------------------------------------------------------------------------

def _empty(a, b, driver):
    """min(m, n, k) == 0: LAPACK's quick returns (gels zeroes B; gelsd and
    gelss leave it; the rank is 0)."""
    m, n = a.shape[-2:]
    N, k, real = a.shape[0], b.shape[-1], np.finfo(a.dtype).dtype
    x = np.zeros((N, n, k), a.dtype)
    tail = None
    if m > n:
        tail = np.zeros((N, m - n, k), a.dtype) if driver == "gels" else b[:, n:]
        if n and driver != "gels":
            tail = _tail(a, b)
    sv_len = min(m, n) if driver in ("gelsd", "gelss") else 0
    sv = np.zeros((N, sv_len), real)
    if sv_len:
        from .linalg_common import svd_np
        sv = svd_np(a, compute_uv=False).astype(real)
    return x, tail, np.zeros(N, np.int64), sv, np.zeros(N, np.int64)


def solve(a, b, rcond, driver):
    """Least squares A X = B, batch dims of a (..., m, n) and b (..., m, k)
    broadcast. Returns x (batch, n, k), tail (batch, m - n, k) or None,
    rank and singular values over A's batch dims (where A is broadcast, the
    last matrix's, as PyTorch's loop writes them), infos (batch,)."""
    m, n = a.shape[-2:]
    k = b.shape[-1]
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    N = int(np.prod(batch, dtype=np.int64))
    A = np.broadcast_to(a, batch + (m, n)).reshape((N, m, n))
    B = np.broadcast_to(b, batch + (m, k)).reshape((N, m, k))
    lp = _backend.lapack()
    if min(m, n, k) == 0 or A.shape[0] == 0:
        if driver in ("gelsd", "gelss") and k == 0 and min(m, n) and A.shape[0]:
            raise illegal_argument(4, False)        # (MKL: dlalsd's n = 0; gelss crashes)
        x, tail, rank, sv, info = _empty(A, B, driver)
    elif lp is not None and a.dtype.char in _PREFIX and np.isfinite(a).all():
        x, tail, rank, sv, info = _scipy(lp, A, B, rcond, driver)
    else:
        if driver == "gels":
            # (an infinity: LAPACK scales A by BIGNUM / inf = 0, its finite
            # elements to 0 and the infinity to NaN, before the QR)
            bad = ~np.isfinite(A).all((-2, -1))
            A = np.where(bad[:, None, None] & np.isfinite(A), 0, np.where(bad[:, None, None],
                                                                          np.nan, A))
        x, tail, rank, sv, info = _numpy(A, B, rcond, driver)
    x = x.reshape(batch + (n, k))
    tail = None if tail is None else tail.reshape(batch + tail.shape[-2:])
    rank = rank.reshape(batch)
    sv = sv.reshape(batch + sv.shape[-1:])
    # (over A's batch dims: where A is broadcast, the last matrix's values)
    pick = tuple(slice(-1, None) if a.shape[i] == 1 and batch[i] != 1 else slice(None)
                 for i in range(len(batch)))
    return x, tail, rank[pick], sv[pick + (slice(None),)], info.reshape(batch)


def illegal_argument(number, batched, index=0):
    """PyTorch's internal assert for LAPACK's info < 0 (MKL's answer to a NaN
    in A or B)."""
    prefix = f"(Batch element {index}): " if batched else ""
    return RuntimeError(
        "false INTERNAL ASSERT FAILED at \"/__w/pytorch/pytorch/aten/src/ATen/native/"
        "BatchLinearAlgebra.cpp\":1613, please report a bug to PyTorch. torch.linalg.lstsq: "
        f"{prefix}Argument {number} has illegal value. Most certainly there is a bug in the "
        "implementation calling the backend library.")
