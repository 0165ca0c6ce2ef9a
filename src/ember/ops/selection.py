"""Ops that pick or reorder elements, and running sums, with their
derivatives: index_select, gather, masked_select, flip, cumsum, norm, and
the rounding ops (flat almost everywhere: zero gradient)."""
from .. import _layout as _L
from .. import _meta
from .._meta import is_meta
from ._common import (D, Tensor, as_dims, broadcast_error, keep_index, kernel_refuses, np,
                      recorded, wrap_dim)
from .pointwise import _KEEPS_DTYPE
from ._int_args import REQUIRED, require_dim
from ._out import computed_in_out_dtype
from ._registry import REGISTRY, grad_fn, register, tensor_field
from ..autograd._saved_fields import given_dims
from ._xp import provide, running
from ._index_kernel import contiguous
from ._out import same_dtype
from ._keywords import Unset

__all__ = ["index_select", "gather", "masked_select", "flip", "cumsum", "norm", "floor",
           "ceil", "round", "trunc", "frac"]


# Recorded (create_graph), these put the gradient back as PyTorch's formulas
# do: index_add, scatter_add, masked_scatter into zeros (a 0-d input's one
# element as on arrays).
def _index_select_grad(xp, g, shape, key, given_dim, index):
    if xp.recording and len(shape) == g.ndim:
        return g.new_zeros(shape).index_add(given_dim, Tensor._wrap(index.reshape(-1)), g)
    return xp.index_backward(g, shape, key, True)


def _gather_grad(xp, g, self, shape, key, given_dim, index):
    if xp.recording and self.ndim and index.ndim:
        return g.new_zeros(shape).scatter_add(given_dim, Tensor._wrap(index), g)
    return xp.index_backward(g, shape, key, True)


def _masked_select_grad(xp, g, self, shape, key, mask):
    if xp.recording:
        return g.new_zeros(shape).masked_scatter(Tensor._wrap(mask), g)
    return xp.index_backward(g, shape, key, True)


IndexSelectBackward0 = grad_fn("IndexSelectBackward0", saved={
    "dim": "given_dim", "index": tensor_field("index"), "self_sym_sizes": "shape"},
    self=_index_select_grad)
# PyTorch's gather and masked_select backward take `self` (for its sizes), so
# `self` is saved and changing it in place is an error, as in PyTorch.
GatherBackward0 = grad_fn("GatherBackward0", saved={
    "dim": "given_dim", "index": tensor_field("index"), "sparse_grad": lambda node: False},
    self=_gather_grad)
MaskedSelectBackward0 = grad_fn("MaskedSelectBackward0", saved={"mask": tensor_field("mask")},
                                self=_masked_select_grad)
FlipBackward0 = grad_fn("FlipBackward0", saved={"dims": "given_dims"}, self=lambda xp, g, dims: xp.flip(g, dims))
# The gradient of a running sum is the running sum of the gradient, backwards.
CumsumBackward0 = grad_fn("CumsumBackward0", saved={"dim": "given_dim"}, self=lambda xp, g, dim: xp.flip(
    xp.cumsum(xp.flip(g, (dim,)), dim), (dim,)))

def _zero(xp, g):
    return xp.zeros_like(g)


def _rounding_input(x, kernel, ints=True):
    """PyTorch's kernels refuse bool; integers are already whole (`ints`) or
    refused too."""
    if x.dtype.kind == "c" and kernel in ("floor_vml_cpu", "ceil_vml_cpu", "trunc_vml_cpu"):
        raise NotImplementedError(f"{kernel[:-8]} is not supported for complex inputs")
    if x.dtype.kind in "bc" or (x.dtype.kind in "iu" and not ints):
        raise NotImplementedError(f'"{kernel}" not implemented for '
                                  f"'{D.SCALAR_NAMES[D._BY_NP[x.dtype]]}'")
    return x.dtype.kind in "iu"


def _rounding(name, fn, node_name, formula=_zero, aliases=(), ints=True):
    """Declare a rounding op: flat almost everywhere, so its gradient is zero
    (frac's is the identity). An integer tensor is its own rounding."""
    node = grad_fn(node_name, self=formula)
    kernel = f"{name}_vml_cpu" if ints else f"{name}_cpu"

    def op(input):
        x = input._data
        whole = _rounding_input(x, kernel, ints)
        return recorded(node, x.copy() if whole else fn(x), (input,))
    provide(name, fn, op)
    return register(op, name, inplace=True, node=node, inplace_function=True,
                    aliases=aliases, out=_KEEPS_DTYPE)


floor = _rounding("floor", np.floor, "FloorBackward0")
ceil = _rounding("ceil", np.ceil, "CeilBackward0")
trunc = fix = _rounding("trunc", np.trunc, "TruncBackward0", aliases=["fix"])
frac = _rounding("frac", lambda x: x - np.trunc(x), "FracBackward0", lambda xp, g: g,
                 ints=False)
RoundBackward0 = grad_fn("RoundBackward0", self=_zero)
RoundBackward1 = grad_fn("RoundBackward1", self=lambda xp, g, decimals: xp.zeros_like(g))


_NO_DECIMALS = Unset("decimals")


def round(input, *, decimals=_NO_DECIMALS):
    x = input._data
    if decimals is _NO_DECIMALS:
        whole = _rounding_input(x, "round_vml_cpu")
        return recorded(RoundBackward0, x.copy() if whole else np.round(x), (input,))
    # (decimals given, 0 too: PyTorch's round.decimals, whose kernels take no integers)
    _rounding_input(x, "round_vml_cpu" if decimals == 0 else "round_cpu", ints=False)
    return recorded(RoundBackward1, _round_decimals(x, decimals), (input,), (decimals,))


def special_round(input, *, decimals=0):
    """torch.special.round: PyTorch's round.decimals always (integers refused)."""
    return round(input, decimals=decimals)


def _round_decimals(x, decimals):
    """np.round(x, decimals); float16 and bfloat16 scaled, rounded and
    unscaled in float32 as PyTorch's kernel does (opmath), rounded once."""
    if x.dtype not in D.HALF_NP:
        return np.round(x, decimals)
    f, scale = x.astype(np.float32), np.float32(10.0 ** abs(decimals))
    r = np.rint(f / scale) * scale if decimals < 0 else np.rint(f * scale) / scale
    return r.astype(x.dtype)


round = register(round, inplace=True, node=RoundBackward0, inplace_function=True,
                 out=_KEEPS_DTYPE)


def _index_array(index, name, sep="/"):
    if not isinstance(index, Tensor):
        # (as the method counts; the function's wrapper, ops/_operand_refusal.py, checks first)
        from .conditional import _arg_type
        raise TypeError(f"{name}(): argument 'index' (position 2) must be Tensor, not "
                        f"{_arg_type(index)}")
    if index._data.dtype not in (np.int32, np.int64):
        raise RuntimeError(f"{name}(): Expected dtype int32{sep}int64 for index")
    return index._data


def index_select(input, dim, index):
    x = input._data
    d = wrap_dim(dim, x.ndim)
    if isinstance(index, Tensor) and index._data.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    given_index = _index_array(index, "index_select", " or ")
    idx = given_index.reshape(-1)
    if x.ndim == 0 and idx.size != 1:
        raise RuntimeError("index_select(): Index to scalar can have only 1 value, got "
                           f"{idx.size} value(s)")
    size = x.shape[d] if x.ndim else 1
    bad = (idx < 0) | (idx >= size)
    if x.ndim > 1 and idx.size and x.size == 0 and size == 0:
        raise RuntimeError("index_select(): self indexing axis dim should be positive")
    if bad.any():
        # PyTorch's kernel for dim 1 of a matrix (or more) checks all the
        # indices first and names the first bad one; the others stop at it.
        if x.ndim > 1 and (d == 1 or x.size == 0):
            raise RuntimeError(f"INDICES element is out of DATA bounds, "
                               f"id={idx[bad.argmax()]} axis_dim={size}")
        raise IndexError("index out of range in self")
    xs = x.reshape(x.shape or (1,))     # a 0-d input as one element along dim 0
    key = (slice(None),) * d + (idx,)
    data = contiguous(xs[key].reshape(x.shape if x.ndim == 0 else xs[key].shape))
    return keep_index(recorded(IndexSelectBackward0, data, (input,),
                               (xs.shape, key, dim, given_index)), index)


def gather(input, dim, index, *, sparse_grad=False):
    if sparse_grad:
        # (PyTorch would give input a sparse gradient; Ember has no sparse tensors)
        raise NotImplementedError("gather(sparse_grad=True): ember has no sparse tensors; "
                                  "use sparse_grad=False (a dense gradient)")
    x = input._data
    d = wrap_dim(dim, x.ndim)
    idx = _index_array(index, "gather")
    if max(idx.ndim, 1) != max(x.ndim, 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    # A 0-d input or index counts as one element along one dim.
    xs, ids = x.reshape(x.shape or (1,)), idx.reshape(idx.shape or (1,))
    if ids.size:
        for i, (n, m) in enumerate(zip(ids.shape, xs.shape)):
            if i != d and n > m:
                raise RuntimeError(
                    f"Size does not match at dimension {i} expected index {list(idx.shape)} to "
                    f"be no larger than self {list(x.shape)} apart from dimension {d}")
        bad = (ids < 0) | (ids >= xs.shape[d])
        if bad.any():
            order = _gather_order(xs.shape, d, ids.shape)
            first = np.transpose(ids, order)[np.transpose(bad, order)][0]
            raise RuntimeError(f"index {first} is out of bounds for dimension {d} with size "
                               f"{xs.shape[d]}")
    # The full key: idx along `dim`, each other dim's own position.
    key = tuple(ids if i == d else np.arange(s).reshape((-1,) + (1,) * (ids.ndim - i - 1))
                for i, s in enumerate(ids.shape))
    data = contiguous(xs[key].reshape(idx.shape))
    # (For a 0-d input the engine sums the (1,) gradient back to ().)
    return keep_index(recorded(GatherBackward0, data, (input,), (xs.shape, key, dim, idx)), index)


def _gather_order(shape, d, ishape):
    """The axis order in which PyTorch's CPU gather kernel visits the index
    (it reports the first bad index it meets): the dims that TensorIterator
    cannot merge with the last one outermost in order, then `d`, then that
    merged innermost block. Modelled for contiguous tensors."""
    nd = len(ishape)
    if d == nd - 1:
        return tuple(range(nd))
    # Strides of the input restrided to the index's shape (0 along d) and
    # of the (contiguous) result, tried innermost first as TensorIterator does.
    self_st = [int(np.prod(shape[i + 1:])) if i != d else 0 for i in range(nd)]
    out_st = [int(np.prod(ishape[i + 1:])) for i in range(nd)]
    sizes = [1 if i == d else n for i, n in enumerate(ishape)]
    inner, size, st = [nd - 1], sizes[-1], (self_st[-1], out_st[-1])
    for i in range(nd - 2, -1, -1):
        if not (size == 1 or sizes[i] == 1 or (st[0] * size == self_st[i]
                                                and st[1] * size == out_st[i])):
            break
        if size == 1:
            st = (self_st[i], out_st[i])
        inner.append(i)
        size *= sizes[i]
    inner = sorted(i for i in inner if i != d)
    outer = [i for i in range(nd) if i not in inner and i != d]
    return tuple(outer + [d] + inner)


def masked_select(input, mask):
    from .scatter_checks import need_tensor
    need_tensor(mask, "masked_select", "mask", 1)
    if mask._data.dtype != np.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    try:
        m, x = np.broadcast_arrays(mask._data, input._data)
    except ValueError:
        raise broadcast_error(mask._data.shape, input._data.shape) from None
    if is_meta(m) or is_meta(x):
        raise _meta.no_meta_kernel("aten::masked_select")
    key = np.nonzero(m) if m.ndim else (m,)   # (a 0-d mask: NumPy's own reading, 1 or 0 elements)
    data = contiguous(x[key])
    # (a broadcast input gets no ExpandBackward0, as in PyTorch 2.13: the
    # engine sums the gradient back to its shape; the node keeps the mask given)
    return keep_index(recorded(MaskedSelectBackward0, data, (input,), (x.shape, key, mask._data)),
                      mask)


def flip(input, dims):
    x = input._data
    given, dims = given_dims(dims), as_dims(dims, x.ndim)
    for i, d in enumerate(dims):
        if d in dims[:i]:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    data = _L.copied_like(np.flip(x, dims) if x.ndim else x, x)
    return recorded(FlipBackward0, data, (input,), (dims, given))


def scan_input(input, dim, dtype, name="cumsum"):
    """The array a running sum or product accumulates (in `dtype`, or int64
    for integers and bool, as PyTorch), and the dim."""
    x = input._data
    if dtype is not None:
        if dtype is D.bool_:
            raise kernel_refuses(f"{name}_out_cpu", np.dtype(np.bool_))
        x = x.astype(dtype._np)
    elif x.dtype.kind in "biu":
        x = x.astype(np.int64)
    return x, wrap_dim(dim, x.ndim)


def scan_inplace(op):
    """cumsum_/cumprod_: PyTorch's in-place scans take dtype= but write only
    into a tensor of that dtype (the generic in-place path would cast)."""
    from .inplace import make_inplace
    generic = make_inplace(op)

    def method(self, *args, **kwargs):
        dtype = kwargs.get("dtype")
        if isinstance(dtype, D.dtype) and isinstance(self, Tensor) and dtype is not self.dtype:
            raise RuntimeError(f"Bad in-place call: input tensor dtype {D.C_NAMES[self.dtype]} "
                               f"and output tensor dtype {D.C_NAMES[dtype]} should match")
        return generic(self, *args, **kwargs)
    method.__name__ = method.__qualname__ = generic.__name__
    return method


def cumsum(input, dim=REQUIRED, *, dtype=None):
    x, d = scan_input(input, require_dim("cumsum", dim), dtype)
    data = running(np.cumsum, x, d)
    if D.is_float_np(data.dtype) and data.size:
        # (PyTorch's sums start from +0.: cumsum([-0.]) is [0.])
        data = data + data.dtype.type(0)
    return recorded(CumsumBackward0, data, (input,), (d, dim))


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """torch.norm: routed to linalg.vector_norm / linalg.matrix_norm as
    torch/functional.py routes it ('fro' is the 2-norm, 'nuc' a matrix norm)."""
    from .linalg_norms import torch_norm
    return torch_norm(input, p, dim, keepdim, dtype)


cumsum = register(cumsum, inplace=scan_inplace(cumsum))
REGISTRY["cumsum"] = REGISTRY["cumsum"]._replace(public=computed_in_out_dtype(REGISTRY["cumsum"]))
# (PyTorch's out= for these: the result's dtype exactly, in each op's words)
index_select = register(index_select, out=same_dtype(
    "index_select(): self and result must have the same scalar type"))
# (no floating-point work: it skips the silencing wrapper)
gather = register(gather, node=GatherBackward0, quiet=True, out=same_dtype())
masked_select = register(masked_select, out=same_dtype(
    "masked_select(): self and result must have the same scalar type"))
flip = register(flip, out=False, method="*dims", ints={"dims": "int[]"})
norm = register(norm)
