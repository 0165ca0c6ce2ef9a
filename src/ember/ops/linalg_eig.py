"""The eigen-decomposition of a general square matrix: linalg.eig and
linalg.eigvals. Their results are complex whatever the input (a real
matrix's eigenvalues come in conjugate pairs); LAPACK's geev through
numpy.linalg, the eigenvectors of unit norm as PyTorch's. The derivative is
linalg_eig_backward (ops/linalg_decompositions.py), whose complex gradient a
real input receives the real part of."""
from .. import return_types as RT
from .._meta import is_meta, meta_array
from ._common import D, Tensor, np, recorded_multi, tracked
from ._registry import grad_fn, register, tensor_field
from .linalg_common import column_major, square
from .linalg_decompositions import _eig_grad

__all__ = ["eig", "eigvals"]

LinalgEigBackward0 = grad_fn("LinalgEigBackward0", outputs=("eigenvalues", "eigenvectors"),
                             saved={"eigenvalues": tensor_field("eigenvalues"),
                                    "eigenvectors": tensor_field("eigenvectors")},
                             self=lambda xp, grad, eigenvalues, eigenvectors:
                             _eig_grad(xp, grad, eigenvalues, eigenvectors, False))

_COMPLEX = {np.dtype(np.float32): np.complex64, np.dtype(np.float64): np.complex128,
            np.dtype(np.complex64): np.complex64, np.dtype(np.complex128): np.complex128}


def _check(A, name):
    square(A, name, check_float=False)
    dt = A._data.dtype
    if dt not in _COMPLEX:
        if dt.kind in "iub":
            raise RuntimeError(f"Unknown Complex ScalarType for {D.SCALAR_NAMES[A.dtype]}")
        raise NotImplementedError(f"\"linalg_eig_out_cpu\" not implemented for "
                                  f"'{D.SCALAR_NAMES[A.dtype]}'")
    return _COMPLEX[dt]


def _eig(A):
    ct = _check(A, "linalg.eig")
    a = A._data
    if is_meta(a):      # (no values to check or decompose: the shapes alone)
        w, v = meta_array(a.shape[:-1], ct), meta_array(a.shape, ct)
        return recorded_multi(LinalgEigBackward0, [w, v], (A,))
    if not np.all(np.isfinite(a)):
        raise RuntimeError("torch.linalg.eig: input tensor should not contain infs or NaNs.")
    w, v = np.linalg.eig(a)
    return recorded_multi(LinalgEigBackward0, [w.astype(ct), column_major(v.astype(ct))], (A,))


def eig(A):
    return RT.linalg_eig._of(*_eig(A))


def eigvals(A):
    """The eigenvalues; through eig when A requires grad (PyTorch's graph)."""
    if tracked(A):
        return _eig(A)[0]
    ct = _check(A, "linalg.eigvals")
    a = A._data
    if is_meta(a):
        return Tensor._wrap(meta_array(a.shape[:-1], ct))
    # (PyTorch's eigenvalues-only path does not check: LAPACK's result for
    # a matrix with an infinity is NaN in both parts, for a NaN undefined
    # (MKL's gebal refuses it and PyTorch dies); NumPy refuses both. The
    # finite matrices of a batch keep their eigenvalues.)
    finite = np.array(np.isfinite(a).all(axis=(-2, -1)))
    if finite.all():
        return Tensor._wrap(np.linalg.eigvals(a).astype(ct))
    w = np.full(a.shape[:-1], complex(np.nan, np.nan), ct)
    if finite.any():
        w[finite] = np.linalg.eigvals(a[finite])
    return Tensor._wrap(w)


def _castable(name, out, result):
    """eig's out= takes a complex dtype (a cast from complex64 to complex128
    is fine), as PyTorch's "safely castable" check."""
    if out.dtype.is_complex:
        return
    # (eigenvectors: the square result; a batch of n n-vectors of eigenvalues
    # reads the same, and is named as eigenvectors)
    square = result._data.ndim >= 2 and result._data.shape[-1] == result._data.shape[-2]
    which = "eigenvectors" if name == "linalg_eig" and square else "eigenvalues"
    raise RuntimeError(f"torch.{name.replace('_', '.', 1)}: Expected {which} to be safely "
                       f"castable from {D.SCALAR_NAMES[result.dtype]} dtype, but got {which} "
                       f"with dtype {D.SCALAR_NAMES[out.dtype]}")


for _f in (eig, eigvals):
    register(_f, _f.__name__, method=False, namespace="linalg", node=None, out=_castable)
