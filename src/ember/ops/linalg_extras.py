"""torch.linalg's compositions and helpers: matrix_power, vecdot, diagonal,
matmul, tensorinv, tensorsolve, vander; torch.cholesky_solve,
torch.cholesky_inverse and torch.triangular_solve."""
import math

from .. import return_types as RT
from ._common import D, Tensor, kernel_refuses, np, recorded, recorded_multi, wrap_dim
from ._out import same_dtype
from ._registry import grad_fn, no_derivative, register, tensor_field
from .linalg import matmul
from .linalg_common import column_major, float_input, kernel_dtype, mH, mT, square, warn_once
from .linalg_solvers import inv, inv_ex, solve, tri_mask, tri_part, tri_solve_arrays
from .rearrange_views import DIAGONAL_FIELDS, _diagonal_data
from .shape import ReshapeAliasBackward0, _view_of
from .._size import int_value

__all__ = ["matrix_power", "vecdot", "diagonal", "tensorinv", "tensorsolve"]


def matrix_power(A, n):
    """Binary powering with PyTorch's order of products (n < 0: of the inverse)."""
    from .shape import clone
    square(A, "linalg.matrix_power", check_float=False)
    if n == 0:
        out = clone(A)
        out.copy_(Tensor._wrap(np.broadcast_to(np.eye(A._data.shape[-1], dtype=A._data.dtype),
                                               A._data.shape)))
        return out
    if n < 0:
        A, n = inv(A), -n
        if n == 1:      # (the inverse itself, no clone: PyTorch's graph)
            return A
    if n == 1:
        return clone(A)
    if n == 2:
        return matmul(A, A)
    if n == 3:
        return matmul(matmul(A, A), A)
    z = result = None
    while n > 0:
        bit, n = n % 2, n // 2
        z = A if z is None else matmul(z, z)
        if bit:
            result = z if result is None else matmul(result, z)
    return result


def vecdot(x, y, *, dim=-1):
    """sum(conj(x) * y) over `dim`; of two vectors, vdot (PyTorch's graph)."""
    from .complex_parts import conj
    from .products import vdot
    from .reduction import sum as sum_
    float_input(x, "linalg.vecdot", low_precision=True)
    if x._data.dtype != y._data.dtype:
        raise RuntimeError("linalg.vecdot: Expected x and y to have the same dtype, but found x "
                           f"of type {D.SCALAR_NAMES[x.dtype]} and y of type "
                           f"{D.SCALAR_NAMES[y.dtype]} instead")
    if x._data.ndim == 1 and y._data.ndim == 1:
        return vdot(x, y)
    return sum_((conj(x) if x.is_complex() else x) * y, dim)


# --- diagonal -------------------------------------------------------------

def _diagonal_arrays(a, offset, dim1, dim2):
    return np.diagonal(a, offset, dim1, dim2).copy()


def _diagonal_scatter(g, shape, offset, dim1, dim2):
    """Zeros of `shape` with g on the chosen diagonal."""
    z = np.zeros(shape, g.dtype)
    idx = np.arange(g.shape[-1])
    rows, cols = (idx, idx + offset) if offset >= 0 else (idx - offset, idx)
    moved = np.moveaxis(z, (dim1, dim2), (-2, -1))     # a view: writes reach z
    moved[..., rows, cols] = g
    return z


DiagonalBackwardBackward0 = grad_fn(
    "DiagonalBackwardBackward0",
    grad_output=lambda xp, g, offset, dim1, dim2: _diag_of(xp, g, offset, dim1, dim2))
DiagonalBackward0 = grad_fn(
    "DiagonalBackward0", saved=DIAGONAL_FIELDS,
    self=lambda xp, g, shape, offset, dim1, dim2: _diag_put(xp, g, shape, offset, dim1, dim2))


def _diag_of(xp, g, offset, dim1, dim2):
    if xp.recording:
        return diagonal(g, offset=offset, dim1=dim1, dim2=dim2)
    return _diagonal_arrays(g, offset, dim1, dim2)


def _diag_put(xp, g, shape, offset, dim1, dim2):
    if xp.recording:
        return recorded(DiagonalBackwardBackward0,
                        _diagonal_scatter(g._data, shape, offset, dim1, dim2), (g,),
                        (offset, dim1, dim2))
    return _diagonal_scatter(g, shape, offset, dim1, dim2)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    offset = int_value(offset, "offset")
    a = A._data
    d1, d2 = wrap_dim(dim1, a.ndim), wrap_dim(dim2, a.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    # (a view of A, as PyTorch's: its strides, its memory)
    return _view_of(_diagonal_data(a, offset, d1, d2), A, DiagonalBackward0,
                    (a.shape, offset, d1, d2, dim1, dim2))


# --- tensorinv, tensorsolve ------------------------------------------------

def tensorinv(A, ind=2):
    from .shape import reshape
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    shape = tuple(A._data.shape)
    end, start = math.prod(shape[ind:]), math.prod(shape[:ind])
    if end != start:
        raise RuntimeError("Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {end} != {start}")
    result = inv_ex(reshape(A, (end, end)), check_errors=True).inverse
    # PyTorch's inverse is column-major, so its reshape is recorded as an alias
    return recorded(ReshapeAliasBackward0, result._data.reshape(shape[ind:] + shape[:ind]),
                    (result,), ((end, end),))


def tensorsolve(A, B, dims=None):
    from .shape import permute, reshape
    nd = A._data.ndim
    if dims is not None:
        moved = [wrap_dim(d, nd) for d in dims]
        A = permute(A, tuple(i for i in range(nd) if i not in moved) + tuple(moved))
    result_shape = tuple(A._data.shape[B._data.ndim:])
    rp, op = math.prod(result_shape), math.prod(B._data.shape)
    if rp != op:
        raise RuntimeError("Expected self to satisfy the requirement prod(self.shape[other.ndim:])"
                           f" == prod(self.shape[:other.ndim]), but got {rp} != {op}")
    flat = B if B._data.ndim == 1 else reshape(B, (-1,))
    return reshape(solve(reshape(A, (rp, rp)), flat), result_shape)


def vander(x, *, N=None):
    """[1, x, x^2, ...] along a new last dim: PyTorch's cat of ones and a
    running product."""
    from .shape import cat, expand, unsqueeze
    kind = x._data.dtype.kind
    if kind not in "fciu" or x._data.dtype in D.HALF_NP:
        raise RuntimeError("linalg.vander supports floating point, complex, and integer tensors, "
                           f"but got {D.SCALAR_NAMES[x.dtype]}")
    x_ = unsqueeze(x, -1) if x._data.ndim == 0 else x
    n = x_._data.shape[-1] if N is None else N
    if n <= 1:
        raise RuntimeError("N must be greater than 1.")
    shape = tuple(x_._data.shape) + (n - 1,)
    from .sorting_scan import cumprod
    powers = cumprod(expand(unsqueeze(x_, -1), shape), -1)
    ones = Tensor._wrap(np.ones(shape[:-1] + (1,), powers._data.dtype))
    return cat([ones, powers], -1)


# --- the old torch names: cholesky_solve, cholesky_inverse, triangular_solve

def _cholesky_solve_arrays(b, u, upper):
    """A X = b for A = L L^H (= U^H U)."""
    low = np.swapaxes(u, -1, -2).conj() if upper else u
    y = tri_solve_arrays(low, b, False)
    return tri_solve_arrays(np.swapaxes(low, -1, -2).conj(), y, True)


def _cholesky_solve_grads(xp, g, input2, result, upper):
    gB = xp.cholesky_solve(g, input2, upper)
    common = xp.matmul(gB, mH(xp, result))
    common = common + mH(xp, common)
    gL = -xp.matmul(input2, common) if upper else -xp.matmul(common, input2)
    return gB, gL


CholeskySolveBackward0 = grad_fn(
    "CholeskySolveBackward0", saved={"upper": "upper"},
    # (PyTorch's node keeps `self` too, so changing it in place is caught)
    self=lambda xp, g, self, input2, upper: xp.cholesky_solve(g, input2, upper),
    input2=lambda xp, g, self, input2, result, upper:
        _cholesky_solve_grads(xp, g, input2, result, upper)[1])


def cholesky_solve(input, input2, upper=False):
    b, u = input._data, input2._data
    if b.ndim < 2 or u.ndim < 2:
        raise RuntimeError("b should have at least 2 dimensions, but has "
                           f"{b.ndim} dimensions instead" if b.ndim < 2 else
                           f"u should have at least 2 dimensions, but has {u.ndim} dimensions "
                           "instead")
    if b.dtype != u.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type "
                           f"{D.SCALAR_NAMES[input.dtype]} and A of type "
                           f"{D.SCALAR_NAMES[input2.dtype]} instead.")
    if u.shape[-1] != u.shape[-2]:
        raise RuntimeError(f"A must be batches of square matrices, but they are "
                           f"{u.shape[-2]} by {u.shape[-1]} matrices")
    if b.shape[-2] != u.shape[-1]:
        raise RuntimeError(f"Incompatible matrix sizes for cholesky_solve: each A matrix is "
                           f"{u.shape[-1]} by {u.shape[-1]} but each b matrix is "
                           f"{b.shape[-2]} by {b.shape[-1]}")
    kernel_dtype(input, "cholesky_solve_cpu")
    return recorded(CholeskySolveBackward0, column_major(_cholesky_solve_arrays(b, u, upper)),
                    (input, input2), (upper,))


CholeskyInverseBackward0 = grad_fn(
    "CholeskyInverseBackward0", saved={"upper": "upper"}, self=lambda xp, g, self, result, upper:
    _cholesky_inverse_grad(xp, g, self, result, upper))


def _cholesky_inverse_grad(xp, g, L, inverse, upper):
    common = xp.matmul(inverse, xp.matmul(g + mH(xp, g), inverse))
    return -xp.matmul(L, common) if upper else -xp.matmul(common, L)


def cholesky_inverse(input, upper=False):
    u = input._data
    if u.ndim < 2:
        raise RuntimeError(f"Expected input tensor to have at least 2 dimensions, but got "
                           f"{u.ndim} dimensions")
    kernel_dtype(input, "cholesky_inverse_out_cpu")
    eye = np.broadcast_to(np.eye(u.shape[-1], dtype=u.dtype), u.shape)
    return recorded(CholeskyInverseBackward0, column_major(_cholesky_solve_arrays(eye, u, upper)),
                    (input,), (upper,))


def _triangular_solve_grads(xp, g, A, X, upper, transpose, unitriangular):
    """PyTorch's triangular_solve_backward (the gradient of the returned
    copy of A does not reach A)."""
    At = mH(xp, A) if not transpose else xp.conj(A)
    gB = xp.solve_triangular(At, g, (not upper) if not transpose else upper, True, unitriangular)
    gA = (-xp.matmul(xp.conj(X), mT(xp, gB)) if transpose
          else -xp.matmul(gB, mH(xp, X)))
    return gB, tri_part(xp, gA, upper, int(unitriangular))


TriangularSolveBackward0 = grad_fn(
    "TriangularSolveBackward0", outputs=("solution", "cloned_coefficient"), saved={
        "solution": tensor_field("solution"), "transpose": "transpose",
        "unitriangular": "unitriangular", "upper": "upper"},
    # (PyTorch's node keeps `self` too, so changing it in place is caught)
    self=lambda xp, grad, self, A, solution, upper, transpose, unitriangular:
        _triangular_solve_grads(xp, grad[0], A, solution, upper, transpose, unitriangular)[0],
    A=lambda xp, grad, self, A, solution, upper, transpose, unitriangular:
        _triangular_solve_grads(xp, grad[0], A, solution, upper, transpose, unitriangular)[1]
        + grad[1])


def triangular_solve(input, A, upper=True, transpose=False, unitriangular=False):
    warn_once("torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangular"
              "and will be removed in a future PyTorch release.\ntorch.linalg.solve_triangular "
              "has its arguments reversed and does not return a copy of one of the inputs.\n"
              "X = torch.triangular_solve(B, A).solution\nshould be replaced with\n"
              "X = torch.linalg.solve_triangular(A, B).",
              cpp="aten/src/ATen/native/BatchLinearAlgebra.cpp:2273")
    b, a = input._data, A._data
    if b.dtype != a.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type "
                           f"{D.SCALAR_NAMES[input.dtype]} and A of type "
                           f"{D.SCALAR_NAMES[A.dtype]} instead.")
    if b.dtype.kind not in "fc" or b.dtype in D.HALF_NP:     # (LAPACK's four types only)
        raise kernel_refuses("triangular_solve_cpu", b.dtype)
    t = np.swapaxes(a, -1, -2) if transpose else a
    x = tri_solve_arrays(t, b, upper != transpose, True, unitriangular)
    return RT.triangular_solve._of(*recorded_multi(
        TriangularSolveBackward0, [column_major(x), column_major(a.copy())], (input, A),
        (upper, transpose, unitriangular)))


# --- householder_product ------------------------------------------------------

def _reflectors(A, tau, ops):
    """Q = H_1 ... H_k I[:, :n] with H_i = I - tau_i v_i v_i^T, v_i the i-th
    column of A below the diagonal with a 1 on it. `ops` (NumPy or Ember)
    runs the same arithmetic on arrays or, recorded, on tensors."""
    m, n = A.shape[-2:]
    k = tau.shape[-1]
    dt = ops.dtype(A)
    eye = np.eye(m, dtype=dt)
    Q = ops.const(np.broadcast_to(eye[:, :n], tuple(A.shape[:-2]) + (m, n)).copy())
    for i in range(k - 1, -1, -1):
        below = np.zeros(m, dt)
        below[i + 1:] = 1
        v = A[..., :, i] * ops.const(below) + ops.const(eye[i])
        Q = Q - tau[..., i, None, None] * ops.matmul(v[..., :, None],
                                                     ops.matmul(ops.conj(v)[..., None, :], Q))
    return Q


class _ArrayOps:
    conj = staticmethod(np.conj)
    dtype = staticmethod(lambda x: x.dtype)
    const = staticmethod(lambda a: a)
    matmul = staticmethod(np.matmul)


class _TensorOps:
    conj = staticmethod(lambda x: x.conj() if x.is_complex() else x)
    dtype = staticmethod(lambda x: x._data.dtype)
    const = staticmethod(Tensor._wrap)
    matmul = staticmethod(matmul)


def _householder_grads(xp, g, A, tau):
    """The reflectors' product differentiated by recording it (on fresh
    leaves for a plain backward; on the saved inputs themselves under
    create_graph, so the result is differentiable again)."""
    from ..autograd import grad
    from ..autograd.grad_mode import enable_grad
    plain = not xp.recording
    if plain:
        A = Tensor._wrap(A)._requiring_grad(True)
        tau = Tensor._wrap(tau)._requiring_grad(True)
        g = Tensor._wrap(g)
    else:
        # (constants here when forward-mode AD derives its formula from this one)
        A, tau = (t if t.requires_grad else t.detach()._requiring_grad(True) for t in (A, tau))
    wanted = [A, tau]
    with enable_grad():
        Q = _reflectors(A, tau, _TensorOps)
        found = grad(Q, wanted, g, create_graph=not plain, allow_unused=True)
    by_id = {id(t): r for t, r in zip(wanted, found)}
    out = []
    for t in (A, tau):
        r = by_id.get(id(t))
        if r is None:
            r = Tensor._wrap(np.zeros(t._data.shape, t._data.dtype))
        out.append(r._data if plain else r)
    return out


# (`result` named, unread: PyTorch's node keeps it, so changing it in place
# before backward is an error there)
LinalgHouseholderProductBackward0 = grad_fn(
    "LinalgHouseholderProductBackward0",
    input=lambda xp, g, input, tau, result: _householder_grads(xp, g, input, tau)[0],
    tau=lambda xp, g, input, tau, result: _householder_grads(xp, g, input, tau)[1])


def householder_product(A, tau):
    name = "torch.linalg.householder_product"
    a, t = A._data, tau._data
    if a.ndim < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    if t.ndim != a.ndim - 1:
        raise RuntimeError(f"{name}: Expected tau to have one dimension less than input, but got "
                           f"tau.ndim equal to {t.ndim} and input.ndim is equal to {a.ndim}")
    if a.shape[-2] < a.shape[-1]:
        raise RuntimeError(f"{name}: input.shape[-2] must be greater than or equal to "
                           "input.shape[-1]")
    if a.shape[-1] < t.shape[-1]:
        raise RuntimeError(f"{name}: input.shape[-1] must be greater than or equal to "
                           "tau.shape[-1]")
    if a.dtype != t.dtype:
        raise RuntimeError(f"{name}: tau dtype {D.SCALAR_NAMES[tau.dtype]} does not match input "
                           f"dtype {D.SCALAR_NAMES[A.dtype]}")
    float_input(A, "linalg.householder_product")
    return recorded(LinalgHouseholderProductBackward0, column_major(_reflectors(a, t, _ArrayOps)),
                    (A, tau))


def orgqr(input, tau):
    return householder_product(input, tau)


GeqrfBackward0 = grad_fn("GeqrfBackward0", outputs=("a", "tau"), self=no_derivative("geqrf"))
_GEQRF_TYPES = {np.dtype(t) for t in (np.float32, np.float64, np.complex64, np.complex128)}


def geqrf(input):
    """LAPACK's geqrf: R above the diagonal and the Householder vectors below
    it, with their scales `tau` (what householder_product and ormqr take).
    NumPy's qr(mode="raw") is that LAPACK call, its result transposed."""
    a = input._data
    if a.ndim < 2:
        raise RuntimeError("torch.geqrf: input must have at least 2 dimensions.")
    if a.dtype not in _GEQRF_TYPES:
        raise kernel_refuses("geqrf_cpu", a.dtype)
    m, n = a.shape[-2:]
    batch = a.shape[:-2]
    out = np.empty(batch + (n, m), a.dtype).swapaxes(-1, -2)    # (LAPACK writes by columns)
    tau = np.zeros(batch + (min(m, n),), a.dtype)
    if a.size:
        for i in np.ndindex(*batch):
            h, t = np.linalg.qr(a[i], mode="raw")
            out[i], tau[i] = h.T, t
    return RT.geqrf._of(*recorded_multi(GeqrfBackward0, [out, tau], (input,)))


def _provide():
    from ._xp import provide
    provide("cholesky_solve", _cholesky_solve_arrays,
            lambda b, u, upper: cholesky_solve(b, u, upper))


_provide()
register(orgqr, "orgqr", node=LinalgHouseholderProductBackward0)
register(geqrf, "geqrf", node=GeqrfBackward0)
register(vecdot, "vecdot", method=False, namespace="linalg", node=None,
         out=same_dtype("linalg.vecdot: Expected out of dtype{s} but found {os}"))
for _f in (tensorinv, tensorsolve, householder_product):
    register(_f, _f.__name__, method=False, namespace="linalg", node=None)
register(diagonal, "diagonal", method=False, namespace="linalg", node=None, out=False)
register(vander, "vander", method=False, namespace="linalg", node=None, out=False)
# (the method is torch.matrix_power's: each form checks n under its own name)
register(matrix_power, "matrix_power", namespace="linalg", method=False, node=None,
         out=same_dtype(), ints={"n": "int"})
register(matrix_power, "matrix_power", node=None, out=same_dtype(), ints={"n": "int"})
register(cholesky_solve, "cholesky_solve", node=CholeskySolveBackward0)
register(cholesky_inverse, "cholesky_inverse", node=CholeskyInverseBackward0)
register(triangular_solve, "triangular_solve", node=None, out=same_dtype())
