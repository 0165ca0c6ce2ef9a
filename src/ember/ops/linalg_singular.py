"""What PyTorch's LAPACK calls leave where a matrix has no inverse or no
Cholesky factor, which NumPy refuses to compute.

inv_ex solves A X = I with A's LU factorisation (getrf, getrs): where a
pivot is zero the triangular solves divide by it, so the inverse holds the
infinities and NaNs of that arithmetic ([[1, 2], [2, 4]] gives [[-inf, inf],
[inf, -inf]], zeros give NaN but for an inf in the last corner); a matrix
with a NaN or an infinity goes the same way (NaN everywhere for a NaN).
cholesky_ex returns potrf's partial factor: the columns before the failing
one factored, the failing pivot's updated value on the diagonal, the rest of
A's triangle as it was (unblocked potrf, as MKL's for the sizes measured)."""
from .._meta import is_meta
from ._common import np
from .linalg_common import INV_TEXT, lu_np, singular_error
from .linalg_det_grad import _swap_rows

__all__ = ["inv_arrays", "cholesky_partial"]


def _divide(x, d):
    """x / d; for complex numbers as MKL's triangular solve divides, by
    Smith's formula without C99's recovery of infinities, so a zero d gives
    NaN in both parts (NumPy's gives inf)."""
    if x.dtype.kind != "c":
        return x / d
    xr, xi, dr, di = x.real, x.imag, d.real, d.imag
    big = np.abs(dr) >= np.abs(di)
    r = np.where(big, di / dr, dr / di)
    den = np.where(big, dr + di * r, di + dr * r)
    re = np.where(big, xr + xi * r, xr * r + xi) / den
    im = np.where(big, xi - xr * r, xi * r - xr) / den
    return _complex(re, im, x.dtype)


def _complex(re, im, dtype):
    out = np.empty(re.shape, dtype)
    out.real, out.imag = re, im
    return out


def _lu_inverse(LU, pivots):
    """getrs(LU, pivots, I): the row interchanges, then L's and U's
    substitutions row by row, no zero right-hand side skipped."""
    n = LU.shape[-1]
    b = np.array(np.broadcast_to(np.eye(n, dtype=LU.dtype), LU.shape))
    with np.errstate(all="ignore"):
        _swap_rows(b, pivots, False)
        for i in range(1, n):
            b[:, i] -= np.sum(LU[:, i, :i, None] * b[:, :i], axis=1)
        for i in reversed(range(n)):
            rest = np.sum(LU[:, i, i + 1:, None] * b[:, i + 1:], axis=1)
            b[:, i] = _divide(b[:, i] - rest, LU[:, i, i, None])
    return b


def inv_arrays(a, name, check):
    """(inverse, info) of a batch of square matrices, info getrf's: the
    first zero pivot (1-based) of each, 0 where there is none."""
    if is_meta(a) or a.size == 0:
        return np.linalg.inv(a), np.zeros(a.shape[:-2], np.int32)
    LU, pivots, info = lu_np(a)
    if check and info.any():
        raise singular_error(name, info, INV_TEXT)
    # (NumPy's inverse where it is one; the LU's arithmetic elsewhere)
    plain = np.array((info == 0) & np.isfinite(a).all(axis=(-2, -1)))
    out = np.empty(a.shape, LU.dtype)
    if plain.any():
        try:
            out[plain] = np.linalg.inv(a[plain])
        except np.linalg.LinAlgError:   # (a pivot NumPy's LAPACK rounds to zero)
            plain[...] = False
    rest = ~plain
    if rest.any():
        out[rest] = _lu_inverse(LU[rest], pivots[rest])
    return out, info


def cholesky_partial(a):
    """(L, info) of LAPACK's unblocked potrf on the lower triangles of a
    batch: column by column, each pivot a[j, j] - |L[j, :j]|^2 tested for
    being positive (NaN is not); where one is not, it is stored and the
    element's factorisation stops there, info its 1-based order. MKL's
    float32 potrf scales a column by a reciprocal of the pivot refined by a
    Newton step, which an infinite pivot makes NaN (and the next pivot)."""
    n = a.shape[-1]
    dtype = np.result_type(a.dtype, np.float32)
    L = np.tril(np.array(a, dtype)).reshape((-1, n, n))
    info = np.zeros(L.shape[0], np.int32)
    alive = np.ones(L.shape[0], bool)
    fused_reciprocal = L.dtype == np.float32
    with np.errstate(all="ignore"):
        for j in range(n):
            row = L[:, j, :j]
            ajj = L[:, j, j].real - np.sum((row * row.conj()).real, axis=-1)
            bad = alive & ~(ajj > 0)
            L[bad, j, j] = ajj[bad]
            info[bad] = j + 1
            alive &= ~bad
            live = L[alive]
            d = np.sqrt(ajj[alive])
            live[:, j, j] = d
            below = live[:, j + 1:, :j] * row[alive][:, None, :].conj()
            scale = 1 / d
            if fused_reciprocal:    # (Newton's step on a reciprocal: 1/inf is NaN)
                scale[np.isinf(d)] = np.nan
            live[:, j + 1:, j] = (live[:, j + 1:, j] - below.sum(-1)) * scale[:, None]
            L[alive] = live
    return L.reshape(a.shape), info.reshape(a.shape[:-2])
