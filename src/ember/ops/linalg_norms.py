"""Norms: linalg.vector_norm, linalg.matrix_norm, linalg.norm, and the
dispatch of the old torch.norm, each built as PyTorch builds it (so the
graphs hold the same nodes)."""
import math

from .._layout import c_strided
from ._common import D, Tensor, as_dims, np, recorded, wrap_dim
from ._out import same_dtype
from ._registry import grad_fn, register
from . import _keywords
from ._int_args import type_name
from ..autograd._saved_fields import given_dims
from .linalg_common import at_least_2d

__all__ = ["vector_norm", "matrix_norm", "norm", "torch_norm"]


def _keep_shape(xp, t, shape, dims):
    """t reduced over `dims` without keepdim, reshaped as with keepdim."""
    return xp.reshape(t, tuple(1 if i in dims else s for i, s in enumerate(shape)))


def _vector_norm_grad(xp, g, x, r, p, dims, keepdim):
    """PyTorch's linalg_vector_norm_backward (sgn: the sign of a real x, x/|x|
    of a complex one)."""
    if xp.recording:
        return _vector_norm_grad_recorded(g, x, r, p, dims, keepdim)
    shape = x.shape
    dims = tuple(range(len(shape))) if dims is None else dims
    if not keepdim:
        g, r = _keep_shape(xp, g, shape, dims), _keep_shape(xp, r, shape, dims)
    if p == 0:      # (norm_backward's undefined gradient: x.grad stays None)
        return None
    if p == 1:
        return xp.sgn(x) * g
    if p == 2:
        # (in the recorded form's order, grad * (x / norm): the half types
        # round after each op)
        return g * xp.where(r == 0, 0, x / xp.where(r == 0, 1, r))
    if math.isinf(p):
        # amax's rule: the gradient shared among the elements that reach the max
        mask = (np.abs(xp.data(x)) == xp.data(r)).astype(xp.data(x).dtype)
        return xp.sgn(x) * (g * (mask / mask.sum(dims if x.ndim else None, keepdims=True)))
    # (pow_number: PyTorch's pow by a number, whose half types round once;
    # `**` would leave that to ml_dtypes, whose rules changed in 0.7)
    pow_ = xp.pow_number
    safe = xp.where(r == 0, 1, r)
    if p < 1:
        scaled = xp.sgn(x) * xp.where(x == 0, 0, pow_(abs(x), p - 1))
        return scaled * g * pow_(r, 1 - p)
    scaled = xp.sgn(x) * pow_(abs(x), p - 1) if p < 2 else x * pow_(abs(x), p - 2)
    return scaled * xp.where(r == 0, 0, g / pow_(safe, p - 1))


def _vector_norm_grad_recorded(g, x, r, p, dims, keepdim):
    """FunctionsManual's norm_backward, as it writes it (create_graph): the
    reduced dims unsqueezed back one by one (none for a norm of all of x:
    the 0-d gradient broadcasts), the zero norms masked_fill'ed."""
    if not keepdim and x.ndim and dims is not None:
        for d in sorted(dims):
            g, r = g.unsqueeze(d), r.unsqueeze(d)
    if p == 0:      # (norm_backward's undefined gradient: x.grad stays None)
        return None
    if p == 1:
        return x.sgn() * g
    if p == 2:
        return g * (x / r).masked_fill(r == 0, 0)
    if math.isinf(p):
        a = x.abs()
        mask = (a == r) | a.isnan()
        every = tuple(range(x.ndim)) if dims is None else dims
        return x.sgn() * ((g / mask.sum(every, keepdim=True)) * mask)
    if p < 1:
        scaled = x.sgn() * (x.abs() ** (p - 1)).masked_fill(x == 0, 0)
        return scaled * g * r ** (1 - p)
    scaled = x.sgn() * x.abs() ** (p - 1) if p < 2 else x * x.abs() ** (p - 2)
    return scaled * (g / r ** (p - 1)).masked_fill(r == 0, 0)


LinalgVectorNormBackward0 = grad_fn(
    "LinalgVectorNormBackward0",
    saved={"dim": "given_dim", "keepdim": "keepdim", "ord": "given_ord"}, self=lambda xp, g, self, result, ord, dim, keepdim:
    _vector_norm_grad(xp, g, self, result, ord, dim, keepdim))


def _float_dtype(x, dtype, name):
    """PyTorch's checks of a norm's dtype=: floating point or complex, of
    the input's kind, not narrower than the input's."""
    if dtype is None:
        return
    got = D.SCALAR_NAMES[dtype]
    if not (dtype.is_floating_point or dtype.is_complex):
        raise RuntimeError(f"{name}: dtype should be floating point or complex, but got {got}")
    if x.is_complex() != dtype.is_complex:
        kind = "complex for complex" if x.is_complex() else "real for real"
        raise RuntimeError(f"{name}: dtype should be {kind} inputs, but got {got}")
    if D.promote_types(x.dtype, dtype) is not dtype:    # (bfloat16 with float16 too)
        raise RuntimeError(f"{name}: the dtype of the input ({D.SCALAR_NAMES[x.dtype]}) should be "
                           f"convertible without narrowing to the specified dtype ({got})")


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    name = "linalg.vector_norm"
    if keepdim.__class__ is not bool:
        raise _keywords.not_bool(keepdim, "keepdim", "linalg_vector_norm")
    low = x._data.dtype == D._BF16_NP
    if x._data.dtype.kind not in "fc" and not low:
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                           f"Got {D.SCALAR_NAMES[x.dtype]}")
    _float_dtype(x, dtype, name)
    a = x._data if dtype is None else x._data.astype(dtype._np)
    out_dtype = a.real.dtype
    if a.dtype in D.HALF_NP:      # (accumulated in float32, as PyTorch's kernel)
        a = a.astype(np.float32)
    p = float(ord)
    dims = as_dims(dim, a.ndim) if dim is not None and dim not in ((), []) else None
    if (p < 0 or p == math.inf) and a.size == 0:
        _no_identity(a, p, dim if dims is not None else None)
    ab = np.abs(a)
    ax = dims if a.ndim else None     # (a 0-d tensor's dim 0 is its one element)
    if p == 2:
        data = np.sqrt((ab * ab).sum(axis=ax, keepdims=keepdim))
    elif p == math.inf:
        data = ab.max(axis=ax, keepdims=keepdim)
    elif p == -math.inf:
        data = ab.min(axis=ax, keepdims=keepdim)
    elif p == 0:
        data = (ab != 0).sum(axis=ax, keepdims=keepdim)
    elif p == 1:
        data = ab.sum(axis=ax, keepdims=keepdim)
    else:
        with np.errstate(divide="ignore"):
            data = (ab ** p).sum(axis=ax, keepdims=keepdim) ** (1.0 / p)
    return recorded(LinalgVectorNormBackward0,
                    c_strided(np.asanyarray(data, ab.dtype).astype(out_dtype)),
                    (x,), (p, dims, keepdim, None if dim is None else given_dims(dim), ord))


def _no_identity(a, p, dim):
    """PyTorch's refusal of a max, min or negative-power norm over nothing."""
    head = f"linalg.vector_norm cannot compute the {p:g} norm on "
    if dim is None:
        raise RuntimeError(head + "an empty tensor because the operation does not have an "
                           "identity")
    for d in (dim if isinstance(dim, (tuple, list)) else (dim,)):
        if a.shape[as_dims(d, a.ndim)[0]] == 0:     # ("{d}because": PyTorch's words, as written)
            raise RuntimeError(head + f"the dimension {d}because this dimension is empty and "
                               "the operation does not have an identity")


_MATRIX_ORDS = ("fro", "nuc", math.inf, -math.inf, 1, -1, 2, -2)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """PyTorch's composition: 'fro' a vector norm; 'nuc', 2, -2 from the
    singular values of A with `dim` moved last; 1, -1, inf, -inf the max/min
    of column (or row) absolute sums."""
    if keepdim.__class__ is not bool:
        raise _keywords.not_bool(keepdim, "keepdim", "linalg_matrix_norm")
    from .linalg_decompositions import svdvals
    from .reduction import amin, sum as sum_
    from .shape import permute, unsqueeze
    name = "linalg.matrix_norm"
    # (PyTorch checks the order first, before A's dims and dtype)
    if isinstance(ord, str):
        if ord not in ("fro", "nuc"):
            raise RuntimeError(f"{name}: Order {ord} not supported.")
    elif ord not in _MATRIX_ORDS:
        raise RuntimeError(f"{name}: Order {_ord_text(ord)} not supported.")
    at_least_2d(A, name)
    if A._data.dtype.kind != "c" and not D.is_float_np(A._data.dtype):
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                           f"Got {D.SCALAR_NAMES[A.dtype]}")
    if ord in ("nuc", 2, -2) and A._data.dtype in D.HALF_NP:     # (an SVD: no half kernel)
        raise RuntimeError(f"{name}: Low precision dtypes not supported. Got "
                           f"{D.SCALAR_NAMES[A.dtype]}")
    _float_dtype(A, dtype, name)
    nd = A._data.ndim
    if len(dim) != 2:
        raise RuntimeError(f"{name}: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
    d0, d1 = (wrap_dim(d, nd) for d in dim)
    if d0 == d1:
        raise RuntimeError(f"{name}: dims must be different. Got ({dim[0]}, {dim[1]})")
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim, dtype=dtype)
    if dtype is not None:
        A = A.to(dtype)
    if ord in ("nuc", 2, -2):
        rest = [i for i in range(nd) if i not in (d0, d1)]
        S = svdvals(permute(A, tuple(rest) + (d0, d1)))
        out = sum_(S, -1, keepdim) if ord == "nuc" else (_amax if ord == 2 else amin)(
            S, -1, keepdim)
        if keepdim:
            order = tuple(rest) + (d0, d1)
            out = permute(unsqueeze(out, -1), tuple(order.index(i) for i in range(nd)))
        return out
    if abs(ord) == math.inf:
        d0, d1 = d1, d0
    if not keepdim and d0 < d1:
        d1 -= 1
    sums = vector_norm(A, 1.0, (d0,), keepdim)
    return (_amax if ord > 0 else amin)(sums, d1, keepdim)


def _amax(x, dim, keepdim):
    """amax, but 0 over an empty dim: a positive-order norm of an empty
    matrix (PyTorch's zeros, with no history; amin still refuses)."""
    from .reduction import amax
    if x._data.shape[dim] == 0:
        shape = list(x._data.shape)
        if keepdim:
            shape[dim] = 1
        else:
            del shape[dim]
        return Tensor._wrap(np.zeros(shape, x._data.dtype))
    return amax(x, dim, keepdim)


def _ord_text(ord):
    return ("inf" if ord > 0 else "-inf") if isinstance(ord, float) and math.isinf(ord) else ord


def _dim_list(dim):
    return None if dim is None else ((dim,) if isinstance(dim, int) else tuple(dim))


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    name = "linalg.norm"
    if keepdim.__class__ is not bool:
        raise _keywords.not_bool(keepdim, "keepdim", "linalg_norm")
    dims = _dim_list(dim)
    if dims is not None:
        if len(dims) not in (1, 2):
            raise RuntimeError(f"{name}: If dim is specified, it must be of length 1 or 2. "
                               f"Got {list(dims)}")
    elif ord is not None and A._data.ndim not in (1, 2):
        raise RuntimeError(f"{name}: If dim is not specified but ord is, the input must be 1D "
                           f"or 2D. Got {A._data.ndim}D.")
    if ord is not None and (isinstance(ord, str) or (dims is not None and len(dims) == 2)
                            or (dims is None and A._data.ndim == 2)):
        return matrix_norm(A, ord, dims if dims is not None else (0, 1), keepdim, dtype=dtype)
    return vector_norm(A, 2.0 if ord is None else ord, dims, keepdim, dtype=dtype)


def torch_norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """torch.norm, as torch/functional.py routes it to the linalg norms."""
    if keepdim.__class__ is not bool:
        # (torch.norm is Python: it hands keepdim in place to the linalg op)
        raise TypeError("linalg_vector_norm(): argument 'keepdim' (position 4) must be bool, "
                        f"not {type_name(keepdim)}")
    dims = _dim_list(dim)
    if isinstance(p, str):
        if p == "fro" and (dims is None or len(dims) <= 2):
            return vector_norm(input, 2, dims, keepdim, dtype=dtype)
        return matrix_norm(input, p, dims if dims is not None else tuple(range(input._data.ndim)),
                           keepdim, dtype=dtype)
    return vector_norm(input, 2.0 if p is None else p, dims, keepdim, dtype=dtype)


register(vector_norm, "vector_norm", method=False, namespace="linalg", node=None,
         out=same_dtype(), ints={"ord": "Number"})
register(matrix_norm, "matrix_norm", method=False, namespace="linalg", node=None,
         out=same_dtype("linalg.matrix_norm expected out tensor dtype {s} but got: {os}"))
register(norm, "norm", method=False, namespace="linalg", node=None,
         out=same_dtype("linalg.norm expected out tensor dtype {s} but got: {os}"))
