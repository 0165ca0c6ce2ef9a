"""Matrix products and their derivatives: mm, addmm, bmm, mv, dot, inner, outer,
matmul.

`matmul` dispatches as PyTorch's does, so the same nodes appear in the graph
(DotBackward0, MvBackward0, MmBackward0, BmmBackward0 wrapped in views). The
products themselves are NumPy's, i.e. the BLAS underneath.
"""

from operator import attrgetter

from .. import _meta
from .._meta import is_meta
from .._backend import restore, silence
from ._common import D, Tensor, checked_scalar, np, recorded
from ._out import same_dtype
from ._registry import grad_fn, register
from ..autograd._saved_fields import constant
from ._autocast import LOWER, STATE as _AUTOCAST, dispatch as _autocast
from ._xp import matmul_wide, provide
from ._small_bmm import bmm_arrays
from ._matmul_impl import matmul_impl
from .shape import _unsafe_view, contiguous, expand, reshape, squeeze, transpose, unsqueeze
from .shape import t as _t
from .rearrange_views import squeeze_  # (after shape, which loads it)


def _mT(xp, m):
    return xp.transpose(m, -1, -2)


def _mH(xp, m):
    """The conjugate transpose (of a real matrix: its transpose, no copy)."""
    return xp.conj(xp.transpose(m, -1, -2))


# `matmul_as(x, y, f_order)` is x @ y laid out F-ordered when the input whose
# gradient it is was a transposed view (`self_f`, `mat2_f`): for nn.Linear's
# `weight.t()` the weight's gradient then comes out C-ordered, with no
# transposing copy. The layout is a constant, not the input itself: a
# formula that only needs mat2 must not keep self.
def _layout_fields(**positions):
    """PyTorch's `<name>_sym_sizes` and `<name>_sym_strides` fields, from the
    constant `<name>_layout`: (shape, byte strides, itemsize), which costs the
    forward three attribute reads. `positions`: {input name: its position
    among the node's inputs}; PyTorch keeps an input's strides (in elements)
    only when it requires grad, and shows () otherwise."""
    fields = {}
    for name, i in positions.items():
        fields[f"{name}_sym_sizes"] = (f"{name}_layout", lambda v: v[0])
        fields[f"{name}_sym_strides"] = _strides_of(f"{name}_layout", i)
    return fields


def _strides_of(const, i):
    def strides(node):
        shape, strides, itemsize = constant(node, const)
        if node.next_functions[i][0] is None:
            return ()
        return tuple(s // itemsize for s in strides)
    return strides


def _layout(a):
    return a.shape, a.strides, a.itemsize


def _mat1_grad(xp, g, mat2, alpha, mat1_f):
    """mm_mat1_backward; recorded (create_graph) as ATen writes it, so the
    graph has its nodes: t() and mm, for a column-major mat1 the product
    transposed."""
    if xp.recording:
        if mat1_f:
            return _scaled(xp, xp.t(xp.matmul(xp.conj(mat2), xp.t(g))), alpha)
        return _scaled(xp, xp.matmul(g, xp.conj(xp.t(mat2))), alpha)
    # (on arrays: .T, conjugated only if complex; nn.Linear's backward is hot)
    m = mat2.T if mat2.dtype.kind != "c" else mat2.T.conj()
    r = xp.matmul_as(g, m, mat1_f)
    return r if alpha == 1 else _scaled(xp, r, alpha)


def _mat2_grad(xp, g, mat1, alpha, mat2_f):
    """mm_mat2_backward (as _mat1_grad)."""
    if xp.recording:
        if mat2_f:
            return _scaled(xp, xp.t(xp.matmul(xp.t(g), xp.conj(mat1))), alpha)
        return _scaled(xp, xp.matmul(xp.conj(xp.t(mat1)), g), alpha)
    m = mat1.T if mat1.dtype.kind != "c" else mat1.T.conj()
    r = xp.matmul_as(m, g, mat2_f)
    return r if alpha == 1 else _scaled(xp, r, alpha)


MmBackward0 = grad_fn(
    "MmBackward0", saved=_layout_fields(self=0, mat2=1),
    self=lambda xp, g, mat2, self_f: _mat1_grad(xp, g, mat2, 1, self_f),
    mat2=lambda xp, g, self, mat2_f: _mat2_grad(xp, g, self, 1, mat2_f))
AddmmBackward0 = grad_fn(
    "AddmmBackward0", saved={"alpha": "alpha", "beta": "beta",
                             **_layout_fields(mat1=1, mat2=2)},
    self=lambda xp, g, beta: _scaled(xp, g, beta),
    mat1=_mat1_grad, mat2=_mat2_grad)
# (bmm's formulas transpose dims 1 and 2, as derivatives.yaml's)
BmmBackward0 = grad_fn("BmmBackward0",
                       self=lambda xp, g, mat2: xp.bmm(g, xp.conj(xp.transpose(mat2, 1, 2))),
                       mat2=lambda xp, g, self: xp.bmm(xp.conj(xp.transpose(self, 1, 2)), g))
MvBackward0 = grad_fn("MvBackward0",
                      self=lambda xp, g, vec: xp.outer(g, xp.conj(vec)),
                      vec=lambda xp, g, self: xp.matmul(xp.conj(xp.t(self)), g)
                      if xp.recording else xp.matmul(_mH(xp, self), g))
DotBackward0 = grad_fn("DotBackward0",
                       self=lambda xp, g, tensor: g * xp.conj(tensor),
                       tensor=lambda xp, g, self: g * xp.conj(self))


def _f_order(t):
    """Is t a transposed view (F-ordered, not C-ordered)?"""
    flags = t._data.flags
    return flags.f_contiguous and not flags.c_contiguous


def _scaled(xp, x, alpha):
    """x times conj(alpha) (a scalar factor's derivative is its conjugate):
    ATen's maybe_multiply, a Scalar product (MulBackward1) when recorded."""
    if alpha == 1:
        return x
    return xp.mul_scalar(x, alpha.conjugate() if isinstance(alpha, complex) else alpha)


def _same_dtype(a, b):
    if a._data.dtype != b._data.dtype:
        raise RuntimeError("expected m1 and m2 to have the same dtype, but got: "
                           f"{D.C_NAMES[a.dtype]} != {D.C_NAMES[b.dtype]}")


def opmath(np_dtype):
    """The dtype a product kernel computes in, and checks beta and alpha
    against: float32 for the half-precision ones."""
    return np.dtype(np.float32) if np_dtype in D.HALF_NP else np_dtype


def rounded(out, dtype):
    """A product's result in its operands' dtype: ml_dtypes' matmul of
    bfloat16 gives float32 (accumulated in it, as PyTorch's bfloat16 kernels
    are), rounded to bfloat16 once here."""
    return out if out.dtype == dtype else out.astype(dtype)


def _product(node, forward, a, b, ctx=()):
    token = silence()       # (an overflow is inf, as in PyTorch, without NumPy's warning)
    try:
        out = forward(a._data, b._data)
    finally:
        restore(token)
    if out.dtype != a._data.dtype:      # (inline: mm is hot; see rounded)
        out = out.astype(a._data.dtype)
    return recorded(node, out, (a, b), ctx)


def mm(input, mat2):
    if _AUTOCAST.cpu:
        return _autocast(mm, LOWER, (input, mat2), {})
    if input._data.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2._data.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    (n, k), (k2, m) = input._data.shape, mat2._data.shape
    if k != k2:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({n}x{k} and {k2}x{m})")
    _same_dtype(input, mat2)
    no_bool(input._data, "addmm_impl_cpu_")
    return _product(MmBackward0, matmul_wide, input, mat2, (
        _f_order(input), _f_order(mat2), _layout(input._data), _layout(mat2._data)))


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """beta * input + alpha * (mat1 @ mat2): what nn.Linear runs."""
    if _AUTOCAST.cpu:
        return _autocast(addmm, LOWER, (input, mat1, mat2), {"beta": beta, "alpha": alpha})
    prod, ctx = addmm_product(input, mat1, mat2._data, beta, alpha)
    return recorded(AddmmBackward0, prod, (input, mat1, mat2), ctx)


def addmm_product(input, mat1, b, beta=1, alpha=1):
    """addmm's checks and product, and the constants its node keeps (`b`:
    mat2's array)."""
    a = mat1._data
    _addmm_checks(input, mat1, b)
    # (an integral product takes integral factors; a real one, real factors;
    # small ints, nn.Linear's 1 and 1, are taken as they are without a call)
    if not (beta.__class__ is int and alpha.__class__ is int
            and -65504 <= beta <= 65504 and -65504 <= alpha <= 65504):
        beta = checked_scalar(opmath(a.dtype), beta)
        alpha = checked_scalar(opmath(a.dtype), alpha)
    # (half precision: the product stays in float32 until the input is added,
    # then is rounded once, as PyTorch's gemm with beta does)
    token = silence()
    try:
        prod = _matmul_t(a, b, narrow=False)
        if alpha != 1:
            prod *= alpha
        if beta != 0:       # beta 0 ignores the input, NaN and inf included
            # (in place: a fresh array)
            prod += input._data if beta == 1 else input._data.astype(prod.dtype, copy=False) * beta
    finally:
        restore(token)
    if prod.dtype != a.dtype:      # (inline: addmm is hot; see rounded)
        prod = prod.astype(a.dtype)
    return prod, addmm_consts(a, b, beta, alpha)


def addmm_consts(a, b, beta=1, alpha=1):
    """The constants AddmmBackward0 keeps for mat1's array `a` and mat2's
    `b`. (_f_order and _layout spelled out: four calls fewer per nn.Linear
    forward.)"""
    fa, fb = a.flags, b.flags
    return (beta, alpha, fa.f_contiguous and not fa.c_contiguous,
            fb.f_contiguous and not fb.c_contiguous, (a.shape, a.strides, a.itemsize),
            (b.shape, b.strides, b.itemsize))


def _addmm_checks(input, mat1, b):
    """PyTorch's checks, in its order: dtypes, ranks, inner sizes, then the
    input expanded to the product's shape (`b`: mat2's array). (A dtype is
    compared by identity first: nn.Linear calls this per forward.)"""
    a, c = mat1._data, input._data
    dt = b.dtype
    if a.dtype is dt and c.dtype is dt and a.ndim == 2 and b.ndim == 2 \
            and a.shape[1] == b.shape[0] and c.shape == (b.shape[1],) and dt.kind == "f":
        return      # (nn.Linear's case: every check below passes)
    names = D.SCALAR_NAMES
    if c.dtype is not dt and c.dtype != dt:
        raise RuntimeError("self and mat2 must have the same dtype, but got "
                           f"{names[input.dtype]} and {names[D.from_numpy_dtype(dt)]}")
    if a.dtype is not dt and a.dtype != dt:
        raise RuntimeError("mat1 and mat2 must have the same dtype, but got "
                           f"{names[mat1.dtype]} and {names[D.from_numpy_dtype(dt)]}")
    if a.ndim != 2 or b.ndim != 2:     # (one test for both)
        name, m = ("mat1", a) if a.ndim != 2 else ("mat2", b)
        raise RuntimeError(f"{name} must be a matrix, got {m.ndim}-D tensor")
    (n, k), (k2, m) = a.shape, b.shape
    if k != k2:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({n}x{k} and {k2}x{m})")
    shape = c.shape
    if shape != (m,) and shape != (n, m):     # (nn.Linear's bias: nothing to check)
        expand(Tensor._wrap(c), (n, m))   # raises expand's own errors
    if dt.kind == "b":
        no_bool(a, "addmm_impl_cpu_")


def no_bool(a, kernel):
    """PyTorch's CPU kernels for products take no booleans."""
    if a.dtype == np.bool_:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def _matmul_t(a, b, narrow=True):
    """a @ b for nn.Linear's `x @ weight.t()`: with few rows and a long inner
    dimension, OpenBLAS multiplies much faster as (weight @ x.T).T (measured:
    16x1000 @ 1000x100 in 47 us instead of 78 us); the result is made
    C-ordered again, as PyTorch's is."""
    # (np.matmul itself unless half precision: nn.Linear's forward is hot)
    if a.dtype in D.HALF_NP:
        def product(x, y):
            return matmul_wide(x, y, narrow=narrow)
    else:
        product = np.matmul
    if (a.shape[0] <= 64 and a.shape[1] >= 256 and b.shape[1] >= 64
            and b.flags.f_contiguous and not b.flags.c_contiguous):
        return _meta.ascontiguousarray(product(b.T, a.T).T)
    return product(a, b)


def bmm(input, mat2):
    if _AUTOCAST.cpu:
        return _autocast(bmm, LOWER, (input, mat2), {})
    bmm_checks(input._data, mat2._data)
    no_bool(input._data, "bmm")     # (the kernel's dispatch, before its dtype check)
    if input._data.dtype != mat2._data.dtype:
        raise RuntimeError(f"expected scalar type {D.SCALAR_NAMES[input.dtype]} but found "
                           f"{D.SCALAR_NAMES[mat2.dtype]}")
    return _product(BmmBackward0, bmm_arrays, input, mat2)


# (bmm's formulas are batched products again: bmm itself when recorded)
provide("bmm", bmm_arrays, bmm)


def bmm_checks(a, b):
    """PyTorch's rank and size checks of batch1 @ batch2 (arrays)."""
    if a.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    (nb, _, k), (nb2, k2, _) = a.shape, b.shape
    if (nb2, k2) != (nb, k):
        raise RuntimeError(
            "Expected size for first two dimensions of batch2 tensor to be: "
            f"[{nb}, {k}] but got: [{nb2}, {k2}].")


def mv(input, vec):
    m, v = input._data, vec._data
    if m.ndim != 2 or v.ndim != 1 or m.shape[1] != v.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({m.shape[0] if m.ndim else 0}), mat "
            f"({'x'.join(map(str, m.shape))}), vec ({v.shape[0] if v.ndim else 0})")
    if m.dtype != v.dtype:
        # (at::mv runs addmv into a result of vec's dtype: its check lists all three)
        names = [D.SCALAR_NAMES[x.dtype] for x in (vec, input, vec)]
        raise RuntimeError("addmv input tensors must have the same dtype, but got "
                           f"{names[0]}, {names[1]}, and {names[2]}")
    no_bool(m, "addmv_impl_cpu")
    return _product(MvBackward0, matmul_wide, input, vec)


def dot(input, tensor):
    vector_pair_checks(input, tensor)
    return _product(DotBackward0, np.dot, input, tensor)


def vector_pair_checks(input, tensor):
    """dot's (and vdot's) checks: two 1-D tensors of one size and dtype."""
    a, b = input._data, tensor._data
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(
            f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.shape != b.shape:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] "
            f"to have the same number of elements, but got {a.shape[0]} and {b.shape[0]} "
            "elements respectively")
    if a.dtype != b.dtype:
        raise RuntimeError("dot : expected both vectors to have same dtype, but found "
                           f"{D.SCALAR_NAMES[input.dtype]} and {D.SCALAR_NAMES[tensor.dtype]}")
    no_bool(a, "dot")


def inner(input, other):
    """Sum over the last dims: a * b for a 0-d operand, else tensordot over
    (-1, -1), as PyTorch records it."""
    from .products import _tensordot
    a, b = input._data, other._data
    if a.ndim == 0 or b.ndim == 0:
        return input * other
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError("inner() the last dimension must match on both input tensors but "
                           f"got shapes {list(a.shape)} and {list(b.shape)}")
    if a.dtype != b.dtype:
        raise RuntimeError("both inputs should have same dtype")
    return _tensordot(input, other, [-1], [-1])


def outer(input, vec2):
    for name, t in (("self", input), ("vec2", vec2)):
        if t._data.ndim != 1:
            raise RuntimeError(
                f"outer: Expected 1-D argument {name}, but got {t._data.ndim}-D")
    # PyTorch: outer(a, b) = a.reshape(-1, 1) * b
    return reshape(input, -1, 1) * vec2


def ger(input, vec2):
    # PyTorch 2.13 no longer warns that ger is deprecated.
    return outer(input, vec2)


def matmul(input, other):
    """at::matmul (_matmul_impl): dot, mv, mm by rank; an N-D operand against
    a 1-D or 2-D one folded into one mm or mv (should_fold), else the batch
    dims broadcast and one bmm, so the graph has PyTorch's nodes."""
    if _AUTOCAST.cpu:
        return _autocast(matmul, LOWER, (input, other), {})
    a, b = input._data, other._data
    da, db = a.ndim, b.ndim
    # (ranks 1 and 2, and two batches, inline as in _matmul: the hot path)
    if da == 2:
        if db == 2:
            return mm(input, other)
        if db == 1:
            return mv(input, other)
    elif da == 1:
        if db == 1:
            return dot(input, other)
        if db == 2:
            return squeeze_(mm(unsqueeze(input, 0), other), 0)    # in place, as PyTorch
    elif da > 2 and db > 2:
        return _broadcast_bmm(input, other, a.shape, b.shape, da, db)
    return _matmul(input, other, a.shape, b.shape, da, db)


def _strides(t):
    """A tensor's array's strides (a meta tensor's: contiguous, as its
    stride() says)."""
    x = t._data
    if not is_meta(x):
        return x.strides
    out, step = [], 1
    for size in reversed(x.shape):
        out.append(step)
        step *= max(size, 1)
    return tuple(reversed(out))


_requires_grad = attrgetter("_requires_grad")
_matmul = matmul_impl(
    dot=dot, mv=mv, mm=mm, bmm=bmm, reshape=reshape, expand=expand, unsqueeze=unsqueeze,
    squeeze=squeeze, squeeze_=squeeze_, transpose=transpose, t=_t, contiguous=contiguous,
    unsafe_view=_unsafe_view, strides=_strides, folds=_requires_grad, squeezes=_requires_grad)
_broadcast_bmm = _matmul.broadcast_bmm


# (nn.functional.linear is declared with nn.functional; these are torch's.)
# `node`: the op's own node, or for a composite op the product node it ends
# in; an op with a node is called with tensors alone by the registry tests,
# out= included (ger warns, so it has none and is checked in test_products).
_DOT = same_dtype("result dtype {os} does not match input dtype {s}")
_TENSORDOT = same_dtype("tensordot: Expected the output tensor to have dtype {s}, but got an "
                        "output tensor with dtype {os}")
for _op, _node, _out in ((mm, MmBackward0, same_dtype()), (bmm, BmmBackward0, same_dtype()),
                         (mv, MvBackward0, same_dtype()), (dot, DotBackward0, _DOT),
                         (inner, MmBackward0, _TENSORDOT), (outer, MmBackward0, True),
                         (ger, None, True), (matmul, MmBackward0, same_dtype())):
    register(_op, node=_node, out=_out)
# (torch.linalg.matmul is torch.matmul, whose method Tensor.matmul is.)
register(matmul, namespace="linalg", node=MmBackward0, out=same_dtype())
register(addmm, inplace=True, node=AddmmBackward0, out=same_dtype())
