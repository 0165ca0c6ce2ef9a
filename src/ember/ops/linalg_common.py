"""What the torch.linalg ops share: PyTorch's argument checks and error
texts, a batched LU factorisation (NumPy has none; it also tells which
pivot of which batch element failed, as LAPACK's `info` does for PyTorch),
and the matrix helpers the derivative formulas are written with."""
from .._meta import is_meta, meta_array
from .._settings import warn_once  # noqa: F401  (for the linalg modules)
from .._backend import cpu_features, cpu_vendor, lapack
from .._fma import _fma32
from ._common import D, Tensor, np

__all__ = ["LinAlgError", "column_major", "float_input", "square", "at_least_2d", "mT", "mH",
           "eye_as", "diag_embed", "diag", "lu_np", "singular_error", "const", "vector_rhs",
           "np_dtype", "svd_np", "eigh_np"]


class _LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a matrix function failed on its input
    (singular, not positive-definite). PyTorch's class is torch._C._LinAlgError,
    so `type(e).__name__` prints `_LinAlgError`."""
    __module__ = "ember._C"     # (where ember._C finds it: `<class 'torch._C._LinAlgError'>`)


LinAlgError = _LinAlgError


def column_major(a):
    """`a`, or a copy of it, with each matrix stored by columns, one after
    another: how LAPACK writes a result, and so how PyTorch lays out the
    matrices its LAPACK ops return (inv, cholesky, solve, qr, eigh, svd's
    U and Vh, lu_factor, ...)."""
    if a.ndim < 2 or type(a) is not np.ndarray:
        return a
    m, n = a.shape[-2:]
    step = a.itemsize
    expected = [0] * a.ndim
    expected[-2], expected[-1] = step, step * max(m, 1)
    step *= max(m, 1) * max(n, 1)
    for d in range(a.ndim - 3, -1, -1):
        expected[d] = step
        step *= max(a.shape[d], 1)
    if tuple(expected) == a.strides:
        return a
    out = np.empty(a.shape[:-2] + (n, m), a.dtype).swapaxes(-1, -2)
    out[...] = a
    return out


def _low_precision(name):
    return lambda dt: RuntimeError(f"{name}: Low precision dtypes not supported. Got "
                                   f"{D.SCALAR_NAMES[dt]}")


def _no_kernel(kernel):
    return lambda dt: NotImplementedError(f'"{kernel}" not implemented for '
                                          f"'{D.SCALAR_NAMES[dt]}'")


# The LAPACK-backed ops refuse float16 and bfloat16, each in its own words
# (NumPy's linalg would raise a TypeError of its own for float16).
_HALF_REFUSALS = {
    "linalg.inv": _low_precision("linalg.inv"), "linalg.inv_ex": _low_precision("linalg.inv"),
    "linalg.slogdet": _low_precision("linalg.slogdet"), "linalg.det": _no_kernel("lu_cpu"),
    "linalg.solve": _no_kernel("lu_cpu"), "linalg.cholesky": _no_kernel("cholesky_cpu"),
    "linalg.cholesky_ex": _no_kernel("cholesky_cpu"), "linalg.svd": _no_kernel("linalg_svd_cpu"),
    "linalg.solve_ex": _no_kernel("lu_cpu"), "logdet": _low_precision("logdet"),
    "linalg.solve_triangular": _no_kernel("triangular_solve_cpu"),
    "cholesky": _no_kernel("cholesky_cpu"),
    "linalg.householder_product": _no_kernel("orgqr_cpu"),
    "linalg.lstsq": lambda dt: RuntimeError(
        "This function doesn't handle types other than float and double"),
}


# Integer and bool inputs: the ops PyTorch checks with checkFloatingOrComplex
# name the op the check is written in (the _ex variants run their plain
# op's check); the others reach their kernel's dtype dispatch and refuse there.
_CHECKED_AS = {"linalg.inv_ex": "linalg.inv", "linalg.solve_ex": "linalg.solve",
               "linalg.cholesky_ex": "linalg.cholesky"}
_NON_FLOAT_REFUSALS = {
    "cholesky": _no_kernel("cholesky_cpu"), "linalg.eigh": _no_kernel("linalg_eigh_cpu"),
    "linalg.solve_triangular": _no_kernel("triangular_solve_cpu"),
    "linalg.householder_product": _no_kernel("orgqr_cpu"),
    "linalg.lstsq": _HALF_REFUSALS["linalg.lstsq"],
}


def kernel_dtype(t, kernel):
    """A LAPACK kernel's dtype dispatch: float32, float64 and the complex types."""
    if t._data.dtype.kind not in "fc" or t._data.dtype in D.HALF_NP:
        raise _no_kernel(kernel)(t.dtype)


def float_input(t, name, low_precision=False):
    """PyTorch's checkFloatingOrComplex; `low_precision` lets bfloat16 through."""
    if t._data.dtype in D.HALF_NP and name in _HALF_REFUSALS:
        raise _HALF_REFUSALS[name](t.dtype)
    if t._data.dtype.kind not in "fc" and not (low_precision and D.is_float_np(t._data.dtype)):
        if name in _NON_FLOAT_REFUSALS:
            raise _NON_FLOAT_REFUSALS[name](t.dtype)
        raise RuntimeError(f"{_CHECKED_AS.get(name, name)}: Expected a floating point or "
                           f"complex tensor as input. Got {D.SCALAR_NAMES[t.dtype]}")


def at_least_2d(t, name, arg="A"):
    if t._data.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor {arg} must have at least 2 dimensions.")


def square(t, name, arg="A", check_float=True):
    """PyTorch's checks of a (batch of) square matrices, in its order."""
    at_least_2d(t, name, arg)
    m, n = t._data.shape[-2:]
    if m != n:
        raise RuntimeError(f"{name}: {arg} must be batches of square matrices, "
                           f"but they are {m} by {n} matrices")
    if check_float:
        float_input(t, name)


def vector_rhs(A, B):
    """PyTorch's rule for `B` being a (batch of) vector(s) in A X = B."""
    return B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])


def np_dtype(xp, x):
    return xp.data(x).dtype


def const(xp, array):
    """A constant array as the formula's namespace takes it."""
    return Tensor._wrap(array) if xp.recording else array


def mT(xp, x):
    return xp.transpose(x, -1, -2)


def mH(xp, x):
    """The conjugate transpose: the formulas are PyTorch's, written with mH
    (of a real matrix it is mT, xp.conj returning a real input itself)."""
    return xp.conj(xp.transpose(x, -1, -2))


def eye_as(xp, x, n=None):
    """The identity of x's dtype (n x n, n from x's last dim by default)."""
    return np.eye(xp.data(x).shape[-1] if n is None else n, dtype=np_dtype(xp, x))


def diag_embed(xp, v):
    """Batched diagonal matrices with v on the diagonal."""
    return v[..., None, :] * eye_as(xp, v)


def diag(xp, X):
    """The diagonal of (a batch of) square matrices, recorded as products."""
    return xp.sum(X * eye_as(xp, X), (-1,))


def lu_np(a):
    """Batched LU with partial pivoting, as LAPACK's getrf: (LU, pivots
    1-based int32, info int32 = first zero pivot, 1-based, or 0). A Python
    loop over the columns, each step vectorised over the batch."""
    batch, (m, n) = a.shape[:-2], a.shape[-2:]
    k = min(m, n)
    if is_meta(a):      # (no pivots to find: the shapes alone, no singular U)
        return (meta_array(a.shape, a.dtype if a.dtype.kind in "fc" else np.float64),
                meta_array(batch + (k,), np.int32), meta_array(batch, np.int32))
    a = np.array(a, dtype=a.dtype if a.dtype.kind in "fc" else np.float64)
    A = a.reshape((int(np.prod(batch)), m, n))
    nb = A.shape[0]
    piv = np.zeros((nb, k), np.int32)
    info = np.zeros(nb, np.int32)
    rows = np.arange(nb)
    with np.errstate(divide="ignore", invalid="ignore"):
        for j in range(k):
            p = np.argmax(_cabs1(A[:, j:, j]), axis=1) + j
            piv[:, j] = p + 1
            pr = A[rows, p].copy()
            A[rows, p] = A[:, j]
            A[:, j] = pr
            d = A[:, j, j]
            zero = d == 0
            info[(info == 0) & zero] = j + 1
            scale = np.where(zero, 1, d)
            A[:, j + 1:, j] /= scale[:, None]
            if _FUSED_UPDATE and A.dtype == np.float32 and m == n == 2 and j == 0:
                # (MKL's 2x2 float32 update is one fused multiply-add on
                # Intel's AVX-512 CPUs; two roundings on AMD's Zen 4, AVX-512
                # though it has, and on the AVX2 CPUs measured)
                A[:, 1:, 1:] = _fma32(-A[:, 1:, 0, None], A[:, 0, None, 1:], A[:, 1:, 1:])
            else:
                A[:, j + 1:, j + 1:] -= A[:, j + 1:, j, None] * A[:, j, None, j + 1:]
    return A.reshape(a.shape), piv.reshape(batch + (k,)), info.reshape(batch)


_FUSED_UPDATE = bool(cpu_features().get("AVX512F", False)) and cpu_vendor() == "GenuineIntel"


def _cabs1(x):
    """The magnitude LAPACK's pivot search (i?amax) compares: |re| + |im|
    for complex numbers, so the pivots are LAPACK's."""
    return np.abs(x.real) + np.abs(x.imag) if x.dtype.kind == "c" else np.abs(x)


def singular_error(name, infos, text):
    """PyTorch's error for the first failing batch element: `text` formats
    LAPACK's info (1-based)."""
    infos = np.asanyarray(infos)
    bad = np.flatnonzero(infos.reshape(-1))
    i = int(bad[0]) if bad.size else 0
    prefix = f"(Batch element {i}): " if infos.ndim else ""
    return LinAlgError(f"{name}: {prefix}{text(int(infos.reshape(-1)[i]))}")


def inv_info(a):
    return lu_np(a)[2]


INV_TEXT = ("The diagonal element {} is zero, the inversion could not be completed because the "
            "input matrix is singular.").format


def wrap_int32(x):
    return Tensor._wrap(np.asanyarray(x, np.int32))


def np_solve(a, b):
    """np.linalg.solve with a matrix right-hand side, batch dims broadcast
    first: NumPy 1.x reads a `b` of one dim less than `a` as a stack of
    vectors, NumPy 2 as one matrix."""
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    return np.linalg.solve(np.broadcast_to(a, batch + a.shape[-2:]),
                           np.broadcast_to(b, batch + b.shape[-2:]))


# (LAPACK's LU factorisation and its solve, by dtype)
_LU = {np.dtype(np.float32): ("sgetrf", "sgetrs"), np.dtype(np.float64): ("dgetrf", "dgetrs")}


def solve_arrays(a, b, left):
    """A X = B (left) or X A = B for matrices B, batch dims broadcast."""
    if not left:        # (X A = B is A^T X^T = B^T)
        return np.swapaxes(solve_arrays(np.swapaxes(a, -1, -2), np.swapaxes(b, -1, -2), True),
                           -1, -2)
    lp = lapack()
    if lp is not None and a.ndim == 2 and b.ndim == 2 and a.dtype == b.dtype \
            and a.dtype in _LU and a.size:
        # One matrix: LAPACK's LU straight (NumPy's solve takes twice as
        # long). LAPACK reads a matrix by columns, so a matrix laid out by
        # rows would be copied transposed first, a fifth of the time at
        # 256x256. As PyTorch's linalg_solve_ex does, such an A is factored
        # as A^T (by columns as it stands) and A^T's system solved transposed.
        getrf, getrs = (getattr(lp, name) for name in _LU[a.dtype])
        trans = int(a.flags.c_contiguous)
        lu, pivots, info = getrf(a.T if trans else a)
        if info > 0:
            raise np.linalg.LinAlgError("Singular matrix")
        return getrs(lu, pivots, b, trans=trans)[0]
    return np_solve(a, b)


_SVD_NONFINITE = "The algorithm failed to converge because the input matrix contained non-finite values."
_EIGH_FAILED = ("The algorithm failed to converge because the input matrix is ill-conditioned or "
                "has too many repeated eigenvalues")


def _batch_prefix(a, i):
    """PyTorch's "(Batch element i): " for matrix i of a batch (nothing for one matrix)."""
    return f"(Batch element {i}): " if a.ndim > 2 else ""


def svd_np(a, full_matrices=True, compute_uv=True, name="linalg.svd"):
    """np.linalg.svd as PyTorch's gesdd meets non-finite input. A matrix with
    a NaN fails (LAPACK 3.10's info -4), with PyTorch's message. One with an
    infinity (which LAPACK's scaling turns into NaN) gets NaN singular values
    and, for its singular vectors, the identity's columns: MKL's are
    permutations there, and NumPy's OpenBLAS would never return."""
    finite = np.isfinite(a).all(axis=(-2, -1))
    if finite.all():
        return np.linalg.svd(a, full_matrices=full_matrices, compute_uv=compute_uv)
    nan = np.isnan(a).any(axis=(-2, -1))
    if nan.any():
        first = int(np.flatnonzero(nan.reshape(-1))[0])
        raise LinAlgError(f"{name}: {_batch_prefix(a, first)}{_SVD_NONFINITE}")
    bad = ~finite[..., None, None]
    res = np.linalg.svd(np.where(bad, 0, a), full_matrices=full_matrices, compute_uv=compute_uv)
    if not compute_uv:
        return np.where(bad[..., 0], np.nan, res).astype(res.dtype)
    u, s, vh = res
    s = np.where(bad[..., 0], np.nan, s).astype(s.dtype)
    u = np.where(bad, np.eye(*u.shape[-2:], dtype=u.dtype), u)
    vh = np.where(bad, np.eye(*vh.shape[-2:], dtype=vh.dtype), vh)
    return u, s, vh


def eigh_np(a, UPLO="L", vectors=True):
    """np.linalg.eigh (or eigvalsh), failing as PyTorch's does: its
    LinAlgError for the first matrix that failed, with LAPACK's info where
    SciPy gives it (MKL's and OpenBLAS's infos can differ)."""
    try:
        return np.linalg.eigh(a, UPLO=UPLO) if vectors else np.linalg.eigvalsh(a, UPLO=UPLO)
    except np.linalg.LinAlgError:
        pass
    from .._backend import lapack
    lp = lapack()
    mats = a.reshape((-1,) + a.shape[-2:])
    for i, m in enumerate(mats):
        try:
            (np.linalg.eigh if vectors else np.linalg.eigvalsh)(m, UPLO=UPLO)
        except np.linalg.LinAlgError:
            break
    code = ""
    if lp is not None and a.dtype.char in "fdFD":
        fn = getattr(lp, {"f": "ssyevd", "d": "dsyevd", "F": "cheevd", "D": "zheevd"}[a.dtype.char])
        code = f" (error code: {int(fn(mats[i], compute_v=int(vectors), lower=int(UPLO == 'L'))[-1])})"
    raise LinAlgError(f"linalg.eigh: {_batch_prefix(a, i)}{_EIGH_FAILED}{code}.")
