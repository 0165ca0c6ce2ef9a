"""Products beyond the matrix product: tensordot, kron, cross, vdot, the
`add*` family (baddbmm addbmm addmv addr: beta * input + alpha * product),
chain_matmul and linalg.multi_dot; einsum lives in products_einsum.py.

Where PyTorch composes an op out of others (tensordot, kron, multi_dot,
einsum) Ember composes it out of the same recorded ops, so the graph has the
nodes PyTorch's has and second derivatives come for free; the fused ops
(baddbmm, addr, ...) have their own node and one BLAS call forward.
"""
from .._python_data import _tname
from .._layout import c_strided, iterated
from .._settings import warn_once
from ._common import D, Tensor, checked_scalar, dim_items, np, recorded, tensor_arg, wrap_dim
from ._out import same_dtype
from .linalg import _DOT, _TENSORDOT
from ._registry import grad_fn, register
from ._xp import matmul_wide, provide
from ._small_bmm import bmm_arrays
from . import linalg as _L
from .products_reshape import reshape_as_torch
from .linalg import MmBackward0
from .pointwise import MulBackward0
from .products_einsum import einsum  # noqa: F401  (declared there)

__all__ = ["tensordot", "kron", "cross", "linalg_cross", "vdot", "baddbmm", "addbmm", "addmv",
           "addr", "chain_matmul", "multi_dot", "einsum"]


def _mT(xp, m):
    return xp.transpose(m, -1, -2)


def _mH(xp, m):
    return xp.conj(xp.transpose(m, -1, -2))


def _times(xp, x, c):
    """x times conj(c) (a scalar factor's derivative is its conjugate):
    derivatives.yaml's maybe_multiply, a Scalar product when recorded."""
    return x if c == 1 else xp.mul_scalar(x, c.conjugate() if isinstance(c, complex) else c)


def _batched(xp, g, batch):
    """addbmm's gradient given the batch dim back, as derivatives.yaml's
    grad.unsqueeze(0).expand(...) when recorded (matmul broadcasts it on arrays)."""
    if xp.recording:
        return g.unsqueeze(0).expand((batch.shape[0],) + tuple(g.shape))
    return g


def _mt(xp, m):
    """A matrix's transpose: t() when recorded, as derivatives.yaml's grad.t()."""
    return xp.t(m) if xp.recording else _mT(xp, m)


LinalgCrossBackward0 = grad_fn(
    "LinalgCrossBackward0", saved={"dim": "given_dim"},
    self=lambda xp, g, other, dim: xp.linalg_cross(xp.conj(other), g, dim),
    other=lambda xp, g, self, dim: xp.linalg_cross(g, xp.conj(self), dim))
VdotBackward0 = grad_fn("VdotBackward0",
                        self=lambda xp, g, other: xp.conj(g) * other,
                        other=lambda xp, g, self: g * self)
BaddbmmBackward0 = grad_fn(
    "BaddbmmBackward0", saved={"alpha": "alpha", "beta": "beta"},
    self=lambda xp, g, beta: _times(xp, g, beta),
    batch1=lambda xp, g, batch2, alpha: _times(xp, xp.bmm(g, _mH(xp, batch2)), alpha),
    batch2=lambda xp, g, batch1, alpha: _times(xp, xp.bmm(_mH(xp, batch1), g), alpha))
# addbmm's output is one matrix for the whole batch: its gradient reaches
# every batch element.
AddbmmBackward0 = grad_fn(
    "AddbmmBackward0", saved={
        "alpha": "alpha", "batch1_sym_argsize_0": ("sizes", lambda s: s[0]),
        "batch1_sym_argsize_1": ("sizes", lambda s: s[1]),
        "batch2_sym_argsize_2": ("sizes", lambda s: s[2]), "beta": "beta"},
    self=lambda xp, g, beta: _times(xp, g, beta),
    batch1=lambda xp, g, batch2, alpha: _times(
        xp, xp.bmm(_batched(xp, g, batch2), _mH(xp, batch2)), alpha),
    batch2=lambda xp, g, batch1, alpha: _times(
        xp, xp.bmm(_mH(xp, batch1), _batched(xp, g, batch1)), alpha))
AddmvBackward0 = grad_fn(
    "AddmvBackward0", saved={"alpha": "alpha", "beta": "beta"},
    self=lambda xp, g, beta: _times(xp, g, beta),
    mat=lambda xp, g, vec, alpha: _times(xp, xp.outer(g, xp.conj(vec)), alpha),
    vec=lambda xp, g, mat, alpha: _times(xp, xp.matmul(xp.conj(_mt(xp, mat)), g), alpha))
AddrBackward0 = grad_fn(
    "AddrBackward0", saved={"alpha": "alpha", "beta": "beta"},
    self=lambda xp, g, beta: _times(xp, g, beta),
    vec1=lambda xp, g, vec2, alpha: _times(xp, xp.matmul(g, xp.conj(vec2)), alpha),
    vec2=lambda xp, g, vec1, alpha: _times(xp, xp.matmul(_mt(xp, g), xp.conj(vec1)), alpha))


def _plus_scaled(prod, beta, input, alpha):
    """beta * input + alpha * prod, in prod's (fresh) array; beta 0 ignores
    the input, NaN and inf included, as PyTorch does."""
    if alpha != 1:
        prod *= alpha
    if beta != 0:
        # (a half-precision input is scaled in prod's float32, not rounded first)
        prod += input if beta == 1 else input.astype(prod.dtype, copy=False) * beta
    return prod


def _integral_scalars(dtype, beta, alpha):
    """beta and alpha as the product's kernel takes them: truncated for an
    integral one, a complex factor refused by a real one."""
    if dtype.kind == "b":
        return int(beta), int(alpha)
    return checked_scalar(dtype, beta), checked_scalar(dtype, alpha)


def _expand_check(input, shape):
    from .shape import expand
    if input._data.shape != tuple(shape):
        expand(Tensor._wrap(input._data), shape)        # raises expand's own errors


# ----------------------------------------------------------------------------- tensordot

def tensordot(a, b, dims=2):
    """Contract `dims` of a with those of b: permute both so the contracted
    dims meet, then one matrix product (PyTorch's own decomposition)."""
    dims_a, dims_b = _tensordot_dims(a, b, dims)
    if len(dims_a) != len(dims_b):
        raise RuntimeError("both dimension lists should have same length")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError("both inputs should have same dtype")
    return _tensordot(a, b, dims_a, dims_b)


def _tensordot_dims(a, b, dims):
    if isinstance(dims, Tensor):
        if dims.numel() > 1:
            return [int(d) for d in dims._data[0]], [int(d) for d in dims._data[1]]
        dims = int(dims._data.reshape(()))
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        return list(range(-dims, 0)), list(range(dims))
    if isinstance(dims, (tuple, list)):
        dims_a, dims_b = dims
        for pos, (name, d) in enumerate((("dims_self", dims_a), ("dims_other", dims_b))):
            if not isinstance(d, (tuple, list)):
                raise TypeError(f"tensordot(): argument '{name}' (position {pos + 3}) must be "
                                f"tuple of ints, not {_tname(d)}")
        return dim_items(dims_a), dim_items(dims_b)
    if isinstance(dims, (int, np.integer)) and not isinstance(dims, bool):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(a._data.ndim, b._data.ndim):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        return list(range(-dims, 0)), list(range(dims))
    raise RuntimeError("tensordot expects dims to be int or tuple[list[int], list[int]] or "
                       f"list[list[int]] containing two lists, but got dims={dims}")


def _dim_set(dims, ndim):
    seen = set()
    for d in dim_items(dims):
        d = wrap_dim(d, ndim)
        if d in seen:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        seen.add(d)
    return seen


def _tensordot(a, b, dims_a, dims_b):
    from .reduction import sum as _sum
    from .shape import permute, flatten, squeeze
    sa, sb = a._data.shape, b._data.shape
    t1, t2, csize = a, b, 1
    for da, db in zip(dims_a, dims_b):
        s1, s2 = sa[wrap_dim(da, len(sa))], sb[wrap_dim(db, len(sb))]
        # (a broadcast dim is summed right away, in the input's dtype: an
        # integer one is not widened to int64 as a plain sum would)
        if s2 == 1:
            t1 = _sum(t1, da, True, dtype=t1.dtype)
        elif s1 == 1:
            t2 = _sum(t2, db, True, dtype=t2.dtype)
        elif s1 != s2:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {s1} "
                               f"in dim {da} and second has size {s2} in dim {db}")
        else:
            csize *= s1
    cdims_a, cdims_b = _dim_set(dims_a, len(sa)), _dim_set(dims_b, len(sb))
    free_a = [i for i in range(len(sa)) if i not in cdims_a]
    free_b = [i for i in range(len(sb)) if i not in cdims_b]
    rsizes = tuple(t1._data.shape[i] for i in free_a) + tuple(t2._data.shape[i] for i in free_b)
    size1 = int(np.prod([t1._data.shape[i] for i in free_a]))
    size2 = int(np.prod([t2._data.shape[i] for i in free_b]))
    # (the contracted dims as given: PyTorch's PermuteBackward0 shows them so)
    t1 = permute(t1, free_a + list(dims_a))
    t2 = permute(t2, list(dims_b) + free_b)
    if size1 != 1 or size2 != 1:
        t1 = reshape_as_torch(t1, (size1, csize))
        t2 = reshape_as_torch(t2, (csize, size2))
        return reshape_as_torch(_L.mm(t1, t2), rsizes)
    # A full contraction: dot when both are contiguous, else mul and sum.
    if t1._data.flags.c_contiguous and t2._data.flags.c_contiguous:
        return reshape_as_torch(_L.dot(flatten(t1), flatten(t2)), rsizes)
    return reshape_as_torch(_sum(squeeze(t1) * squeeze(t2), dtype=t1.dtype), rsizes)


# ----------------------------------------------------------------------------- kron

def kron(input, other):
    """Every product a[i] * b[j], laid out block by block: both viewed with
    interleaved size-1 dims, multiplied (broadcast), viewed back."""
    from .shape import _unsafe_view
    sa, sb = input._data.shape, other._data.shape
    n = max(len(sa), len(sb))
    sa, sb = (1,) * (n - len(sa)) + sa, (1,) * (n - len(sb)) + sb
    a_shape = tuple(x for s in sa for x in (s, 1))
    b_shape = tuple(x for s in sb for x in (1, s))
    prod = _unsafe_view(input, a_shape) * _unsafe_view(other, b_shape)
    return _unsafe_view(prod, tuple(x * y for x, y in zip(sa, sb)))


# ----------------------------------------------------------------------------- cross

def linalg_cross(input, other, *, dim=-1):
    a = tensor_arg(input, "linalg_cross")._data
    b = tensor_arg(other, "linalg_cross", "other", 2)._data
    if a.ndim != b.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    d = wrap_dim(dim, a.ndim)
    if a.shape[d] != 3 or b.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. "
                           f"Got {a.shape[d]} and {b.shape[d]}")
    _L.no_bool(a, "cross")      # (the kernel's dispatch refuses a bool input first)
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected scalar type {D.SCALAR_NAMES[input.dtype]} but found "
                           f"{D.SCALAR_NAMES[other.dtype]}")
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        from ._common import broadcast_error
        raise broadcast_error(a.shape, b.shape) from None
    return recorded(LinalgCrossBackward0, _np_cross(a, b, d), (input, other), (d, dim))


def _np_cross(a, b, dim):
    out = np.cross(a, b, axis=dim)
    # (contiguous, as PyTorch's linalg_cross allocates its output)
    return c_strided(out.astype(a.dtype, copy=False) if out.dtype != a.dtype else out)


def cross(input, other, dim=None):
    """torch.cross: without `dim`, the first dim of size 3 (deprecated, with
    PyTorch's warning; linalg.cross takes the last)."""
    if dim is None:
        warn_once("Using torch.cross without specifying the dim arg is deprecated.\nPlease "
                     "either pass the dim explicitly or simply use torch.linalg.cross.\nThe "
                     "default value of dim will change to agree with that of linalg.cross in a "
                     "future release.", cpp="aten/src/ATen/native/Cross.cpp:63")
        sizes = np.broadcast_shapes(input._data.shape, other._data.shape) \
            if input._data.ndim == other._data.ndim else input._data.shape
        dim = next((i for i, s in enumerate(sizes) if s == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    return linalg_cross(input, other, dim=dim)


provide("linalg_cross", _np_cross, lambda a, b, dim: linalg_cross(a, b, dim=dim))


# ----------------------------------------------------------------------------- vdot

def vdot(input, other):
    _L.vector_pair_checks(input, other)
    return recorded(VdotBackward0, np.vdot(input._data, other._data), (input, other))


# ----------------------------------------------------------------------------- add* family

def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta * input + alpha * (batch1 @ batch2), batch by batch."""
    b1, b2 = batch1._data, batch2._data
    # PyTorch expands the input to the product's shape first of all.
    _expand_check(input, (b1.shape[wrap_dim(0, b1.ndim)], b1.shape[wrap_dim(1, b1.ndim)],
                          b2.shape[wrap_dim(2, b2.ndim)]))
    if input._data.dtype != b1.dtype:
        raise RuntimeError(f"Input dtypes must be the same, got: input "
                           f"{D.C_NAMES[input.dtype]}, batch1: {D.C_NAMES[batch1.dtype]}, "
                           f"batch2: {D.C_NAMES[batch2.dtype]}")
    if b1.dtype != b2.dtype:
        raise RuntimeError(f"expected scalar type {D.SCALAR_NAMES[batch1.dtype]} but found "
                           f"{D.SCALAR_NAMES[batch2.dtype]}")
    _L.bmm_checks(b1, b2)
    _L.no_bool(b1, "baddbmm")
    beta, alpha = _integral_scalars(_L.opmath(b1.dtype), beta, alpha)
    prod = _plus_scaled(bmm_arrays(b1, b2, narrow=False), beta, input._data, alpha)
    return recorded(BaddbmmBackward0, _L.rounded(prod, b1.dtype), (input, batch1, batch2), (beta, alpha))


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta * input + alpha * sum_b(batch1[b] @ batch2[b]): the batch folded
    into the inner dimension, one matrix product."""
    b1, b2 = batch1._data, batch2._data
    for name, t in (("batch1", b1), ("batch2", b2)):
        if t.ndim != 3:
            raise RuntimeError(f"{name} must be a 3D tensor")
    if b1.shape[0] != b2.shape[0]:
        raise RuntimeError("batch1 and batch2 must have same number of batches, got "
                           f"{b1.shape[0]} and {b2.shape[0]}")
    (nb, n, k), (_, k2, m) = b1.shape, b2.shape
    if k != k2:
        raise RuntimeError(f"Incompatible matrix sizes for bmm ({n}x{k} and {k2}x{m})")
    _expand_check(input, (n, m))
    for name, t in (("self", input), ("mat1", batch1)):
        if t._data.dtype != b2.dtype:
            raise RuntimeError(f"{name} and mat2 must have the same dtype, but got "
                               f"{D.SCALAR_NAMES[t.dtype]} and {D.SCALAR_NAMES[batch2.dtype]}")
    _L.no_bool(b1, "addmm_impl_cpu_")
    beta, alpha = _integral_scalars(_L.opmath(b1.dtype), beta, alpha)
    if b1.dtype in D.HALF_NP and nb:
        # PyTorch adds one batch's product at a time into the half-precision
        # result (an addmm_ each, rounded each time), not the folded sum.
        prod = input._data
        for i in range(nb):
            prod = _L.rounded(_plus_scaled(matmul_wide(b1[i], b2[i], narrow=False),
                                           beta if i == 0 else 1, prod, alpha), b1.dtype)
    else:
        folded = matmul_wide(b1.transpose(1, 0, 2).reshape(n, nb * k), b2.reshape(nb * k, m),
                             narrow=False)
        prod = _plus_scaled(folded, beta, input._data, alpha)
    return recorded(AddbmmBackward0, _L.rounded(prod, b1.dtype), (input, batch1, batch2),
                    (beta, alpha, b1.shape[:2] + b2.shape[2:]))


def addmv(input, mat, vec, *, beta=1, alpha=1):
    """beta * input + alpha * (mat @ vec)."""
    x, m, v = input._data, mat._data, vec._data
    if not (m.ndim == 2 and v.ndim == 1 and x.ndim <= 1):
        raise RuntimeError(f"vector + matrix @ vector expected, got {x.ndim}, {m.ndim}, {v.ndim}")
    if m.shape[1] != v.shape[0] or (x.size != m.shape[0] and x.size != 1):
        raise RuntimeError(f"size mismatch, got input ({x.shape[0] if x.ndim else x.size}), "
                           f"mat ({m.shape[0]}x{m.shape[1]}), vec ({v.shape[0]})")
    if not x.dtype == m.dtype == v.dtype:
        raise RuntimeError("addmv input tensors must have the same dtype, but got "
                           f"{D.SCALAR_NAMES[input.dtype]}, {D.SCALAR_NAMES[mat.dtype]}, and "
                           f"{D.SCALAR_NAMES[vec.dtype]}")
    _L.no_bool(m, "addmv_impl_cpu")
    beta, alpha = _integral_scalars(m.dtype, beta, alpha)
    prod = _plus_scaled(matmul_wide(m, v, narrow=False), beta, x, alpha)
    return recorded(AddmvBackward0, _L.rounded(prod, m.dtype), (input, mat, vec), (beta, alpha))


def addr(input, vec1, vec2, *, beta=1, alpha=1):
    """beta * input + alpha * outer(vec1, vec2), in the three inputs' promoted dtype."""
    for name, t in (("vec1", vec1), ("vec2", vec2)):
        if t._data.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {t._data.ndim}-D")
    v1, v2 = vec1._data, vec2._data
    _expand_check(input, (v1.shape[0], v2.shape[0]))
    dt = D.promote_types(D.promote_types(input.dtype, vec1.dtype), vec2.dtype)._np
    for name, c in (("beta", beta), ("alpha", alpha)):      # (ATen's check_addr_scalar)
        boolean = isinstance(c, (bool, np.bool_))
        if boolean and dt != np.bool_:
            raise RuntimeError(f"Boolean {name} only supported for Boolean results.")
        if dt.kind in "biu" and not (boolean or isinstance(c, (int, np.integer))):
            raise RuntimeError(f"For integral input tensors, argument {name} must not be a "
                               "floating point number.")
    if dt == np.bool_:
        # Boolean addr: (beta and input) or (alpha and the outer "and").
        prod = np.outer(v1, v2) & bool(alpha)
        if beta:
            prod = prod | input._data
        return recorded(AddrBackward0, prod, (input, vec1, vec2), (beta, alpha))
    beta, alpha = checked_scalar(dt, beta), checked_scalar(dt, alpha)
    if dt in D.HALF_NP:     # (the kernel's factors are of the tensors' own type)
        beta, alpha = (float(np.asanyarray(c, np.float32).astype(dt)) for c in (beta, alpha))
    prod = _plus_scaled(np.outer(v1.astype(dt, copy=False), v2.astype(dt, copy=False)),
                        beta, input._data.astype(dt, copy=False), alpha)
    # (TensorIterator's layout: input first, then vec1 as a column, vec2 as a row)
    prod = iterated(prod, input._data, v1[:, None], v2[None, :])
    return recorded(AddrBackward0, prod, (input, vec1, vec2), (beta, alpha))


# ----------------------------------------------------------------------------- chains

def multi_dot(tensors):
    """A @ B @ ... in the cheapest order (PyTorch's: its cost rule for three,
    the matrix-chain order beyond); a 1-D first or last tensor is a row or
    column vector, dropped from the result."""
    from .shape import unsqueeze, view
    tensors = list(tensors)
    n = len(tensors)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    first, last = tensors[0]._data.ndim, tensors[-1]._data.ndim
    for pos, nd in (("first", first), ("last", last)):
        if nd not in (1, 2):
            raise RuntimeError(f"multi_dot(): the {pos} tensor must be 1D or 2D but got {nd}D")
    for i in range(1, n - 1):
        if tensors[i]._data.ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got "
                               f"{tensors[i]._data.ndim}D")
    dt = tensors[0]._data.dtype
    for i in range(1, n):
        if tensors[i]._data.dtype != dt:
            raise RuntimeError(
                "multi_dot(): all tensors must have be the same dtype but tensor 0 is "
                f"{D.C_NAMES[tensors[0].dtype]} and tensor {i} {D.C_NAMES[tensors[i].dtype]}")
    out_shape = []
    if first == 1:
        tensors[0] = unsqueeze(tensors[0], 0)
    else:
        out_shape.append(tensors[0]._data.shape[0])
    if last == 1:
        tensors[-1] = unsqueeze(tensors[-1], -1)
    else:
        out_shape.append(tensors[-1]._data.shape[1])
    for i in range(1, n):
        s0, s1 = tensors[i - 1]._data.shape, tensors[i]._data.shape
        if s0[1] != s1[0]:
            raise RuntimeError(
                f"multi_dot(): tensors {i - 1} and {i} with shapes "
                f"{list(tensors[i - 1].shape)} and {list(tensors[i].shape)} cannot be multiplied")
    return view(_chain(tensors), tuple(out_shape))


def _chain(ts):
    n = len(ts)
    if n == 2:
        return _L.mm(ts[0], ts[1])
    if n == 3:
        a, b = ts[0]._data.shape
        c, d = ts[2]._data.shape
        if a * c * (b + d) > b * d * (a + c):
            return _L.mm(ts[0], _L.mm(ts[1], ts[2]))
        return _L.mm(_L.mm(ts[0], ts[1]), ts[2])
    p = [t._data.shape[0] for t in ts] + [ts[-1]._data.shape[1]]
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + p[i] * p[k + 1] * p[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k

    def build(i, j):
        if i == j:
            return ts[i]
        k = split[i][j]
        return _L.mm(build(i, k), build(k + 1, j))
    return build(0, n - 1)


def chain_matmul(*matrices):
    if len(matrices) == 1 and isinstance(matrices[0], (list, tuple)):
        matrices = tuple(matrices[0])
    for i, m in enumerate(matrices):    # (the argument parser's check, before the warning)
        if not isinstance(m, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {_tname(m)}")
    warn_once("torch.chain_matmul is deprecated and will be removed in a future PyTorch "
                 "release. Use torch.linalg.multi_dot instead, which accepts a list of two or "
                 "more tensors rather than multiple parameters.",
              cpp="aten/src/ATen/native/LinearAlgebra.cpp:1102")
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for m in matrices:
        if m._data.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {m._data.ndim}, expected 2 instead.")
    if len(matrices) == 1:
        from .shape import clone
        return clone(matrices[0])
    return multi_dot(matrices)


register(tensordot, method=False, node=MmBackward0, out=_TENSORDOT)
register(kron, node=MulBackward0)
register(cross, out=same_dtype())            # (warns without dim: out= is checked in test_products)
register(linalg_cross, "cross", namespace="linalg", method=False, node=LinalgCrossBackward0,
         out=same_dtype())
register(vdot, node=VdotBackward0, out=_DOT)
register(baddbmm, inplace=True, node=BaddbmmBackward0, out=same_dtype())
register(addbmm, inplace=True, node=AddbmmBackward0,
         out=same_dtype("self and mat2 must have the same dtype, but got {os} and {s}"))
register(addmv, inplace=True, node=AddmvBackward0, inplace_function=True, out=same_dtype())
register(addr, inplace=True, node=AddrBackward0)
_MULTI_DOT = same_dtype("multi_dot(): expected out tensor to have dtype {c} but got {oc}")
register(chain_matmul, method=False, out=_MULTI_DOT)    # (warns: out= is checked in test_products)
register(multi_dot, namespace="linalg", method=False, out=_MULTI_DOT)
