"""Old or rarely used ops of PyTorch's namespace: adjoint, vander (the old
one, not linalg.vander), frobenius_norm and nuclear_norm (left in PyTorch
for the JIT)."""
from .._settings import warn_once
from ._common import D, norm_refuses, np, recorded, tensor_arg, wrap_dim
from ._registry import register
from . import _int_args, complex_parts, shape as S
from .statistics_distance import NormBackward1, _norm_array

__all__ = ["adjoint", "vander", "frobenius_norm", "nuclear_norm"]


# PyTorch's deprecation notes for a 0-d input, which these return as it is
# (conjugated for the conjugate transposes), and the ATen lines giving them.
_ZERO_D = {
    "mT": ("Tensor.mT is deprecated on 0-D tensors. This function is the identity in these "
           "cases.", 4373),
    "mH": ("Tensor.mH is deprecated on 0-D tensors. Consider using x.conj().", 4382),
    "H": ("Tensor.H is deprecated on 0-D tensors. Consider using x.conj().", 4335),
    "adjoint()": ("adjoint() is deprecated on 0-D tensors. Consider using x.conj().", 4390),
}


def matrices(x, what):
    """x, refused (with the name of the property or method) at 1 dim; None
    (after PyTorch's deprecation note) at 0 dims."""
    n = x._data.ndim
    if n < 2:
        if n == 0:
            message, line = _ZERO_D[what]
            warn_once(message, cpp=f"aten/src/ATen/native/TensorShape.cpp:{line}")
            return None
        raise RuntimeError(f"tensor.{what} is only supported on matrices or batches of matrices. "
                           f"Got {n}-D tensor.")
    return x


def matrix_transpose(x):
    """x.mT: the last two dims swapped (a 0-d tensor itself)."""
    m = matrices(x, "mT")
    return x if m is None else S.transpose(m, -2, -1)


def conj_transpose(x, what):
    m = matrices(x, what)
    return complex_parts.conj(x if m is None else S.transpose(m, -2, -1))


def hermitian(x):
    """x.H: of a matrix only (a 0-d tensor is conjugated, as deprecated)."""
    n = x._data.ndim
    if n == 1 or n > 2:
        hint = " For batches of matrices, consider using tensor.mH" if n > 2 else ""
        raise RuntimeError("tensor.H is only supported on matrices (2-D tensors). Got "
                           f"{n}-D tensor.{hint}")
    return conj_transpose(x, "H")


def adjoint(input):
    return conj_transpose(input, "adjoint()")


def vander(x, N=None, increasing=False):
    """ATen's recipe, op by op (so the graph is PyTorch's: CopySlices, and a
    flip when decreasing): ones, then x repeated and multiplied along the
    row in place. Integers and bools come out as int64, as cumprod's do.
    ATen's cumprod_out(rest, rest) overwrites the input its node saved, so
    a backward through PyTorch's vander fails its version check: the
    product is written back the same way here, and fails the same way."""
    from .. import _creation
    tensor_arg(x, "vander", "x")
    if x._data.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x._data.shape[0]
    if N is not None:
        n = N
        if n < 0:
            raise RuntimeError("N must be non-negative.")
    dt = x.dtype if x._data.dtype.kind in "fcV" else D.int64
    result = _creation.empty(x._data.shape[0], n, dtype=dt)
    if n > 0:
        result.select(1, 0).fill_(1)
        if n > 1:
            rest = result[:, 1:]
            rest.copy_(x.unsqueeze(1).expand(x._data.shape[0], n - 1))
            rest.copy_(rest.cumprod(1))
    return result if increasing else result.flip(1)


def frobenius_norm(input, dim=_int_args.REQUIRED, keepdim=False):
    """at::norm(input, 2, dim, keepdim): NormBackward1, and norm()'s checks."""
    _int_args.require_dim("frobenius_norm", dim)
    warn_once("at::frobenius_norm is deprecated and it is just left for JIT compatibility. It "
              "will be removed in a future PyTorch release. Please use `linalg.vector_norm(A, "
              "2., dim, keepdim)` instead", cpp="aten/src/ATen/native/LinearAlgebra.cpp:3175")
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    if len(dims) > 2:
        raise RuntimeError(f"Expected at most 2 dimensions, but got {len(dims)} dimensions "
                           "instead.")
    a = input._data
    if a.dtype.kind not in "fc" and a.dtype != D._BF16_NP:
        raise norm_refuses(input.dtype)
    axes = tuple(wrap_dim(d, a.ndim) for d in dims) or None
    if axes is not None and len(set(axes)) != len(axes):
        raise RuntimeError(f"dim {axes[0]} appears multiple times in the list of dims")
    wide = a.astype(np.float32) if a.dtype == D._BF16_NP else a
    data = np.asanyarray(_norm_array(wide, 2.0, axes, keepdim), a.real.dtype)
    return recorded(NormBackward1, data, (input,), (2.0, axes, keepdim, dims))


def nuclear_norm(input, dim=None, keepdim=False):
    """linalg.matrix_norm(input, 'nuc', dim, keepdim); also called
    nuclear_norm(input, keepdim) as PyTorch's first overload."""
    warn_once("at::nuclear_norm is deprecated and it is just left for JIT compatibility. It "
              "will be removed in a future PyTorch release. Please use `linalg.matrix_norm(A, "
              "'nuc', dim, keepdim)` instead", cpp="aten/src/ATen/native/LinearAlgebra.cpp:3229")
    from .linalg_norms import matrix_norm
    if isinstance(dim, bool):
        dim, keepdim = None, dim
    if dim is None:
        dim = (-2, -1)
    dim = tuple(dim)
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got "
                           f"{' '.join(str(d) for d in dim)}")
    return matrix_norm(input, "nuc", dim, keepdim)


register(adjoint, out=False)
register(vander, method=False, out=False)
register(frobenius_norm, method=False)
register(nuclear_norm, method=False)
