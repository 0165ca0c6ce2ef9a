"""Reductions and their derivatives: sum, mean, prod, max, min, amax, amin,
argmax, argmin (var and std: reduction_moments.py).

The gradient of a reduction is the incoming gradient put back in the reduced
dims (`xp.unreduce`) and expanded to the input's shape.
"""
import builtins
import math

from .. import return_types
from .._layout import c_strided
from ._summation import torch_sum
from ._common import D, Tensor, as_dims, keep_index, kernel_refuses, np, recorded, wrap, wrap_dim, tracked
from ._out import computed_in_out_dtype, into, same_dtype
from ._registry import REGISTRY, grad_fn, register, tensor_field
from ..autograd._saved_fields import given_dims
from . import _int_args, _keywords
from ._missing import shown


def _unreduce(xp, g, shape, dims, keepdim):
    """Give `g` the reduced dims back (as size 1) and expand it to `shape`."""
    if not keepdim and dims is not None:
        if xp.recording:
            # PyTorch's sum_backward: one unsqueeze per reduced dim
            for d in sorted(dims) if shape else ():
                g = g.unsqueeze(d)
        else:
            g = xp.reshape(g, _kept_shape(shape, dims))
    return xp.expand(g, shape)


def _mean_grad(xp, g, shape, dims, keepdim, n):
    """PyTorch's mean_backward: the sum's gradient, then divided by the
    count (a C++ Scalar division, DivBackward1, when recorded); on arrays
    the small gradient is divided before it is expanded."""
    if xp.recording:
        return xp.div_scalar(_unreduce(xp, g, shape, dims, keepdim), n)
    return _unreduce(xp, g / n, shape, dims, keepdim)


def _kept_shape(shape, dims):
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


def _even_share(xp, g, x, r, shape, dims, keepdim):
    """Ties share the gradient evenly: PyTorch's evenly_distribute_backward
    (max(), min(): the share filled into zeros where the mask holds,
    MaskedFillBackward1 when recorded) and scale_grad_by_count (amax,
    amin: the share times the mask, MulBackward0)."""
    if dims is None:
        # (a NaN max: the NaNs share it, as PyTorch's CPU kernel has it)
        if np.isnan(xp.data(r)):
            mask = x.isnan() if xp.recording else np.isnan(x)
        else:
            mask = x == r
        if xp.recording:
            return g.new_zeros(shape).masked_fill(mask, g / mask.sum())
        return xp.where(mask, g / mask.sum(), 0)
    if not keepdim:
        kept = _kept_shape(shape, dims)
        g, r = xp.reshape(g, kept), xp.reshape(r, kept)
    mask = x == r
    if xp.recording:    # (an Ember bool tensor)
        return g / mask.sum(dims, keepdim=True) * mask
    # (a product, as PyTorch's: a NaN max matches nothing, and 0 * (g / 0)
    # gives its whole row NaN)
    return xp.expand(g / mask.sum(dims, keepdims=True), shape) * mask


# (`dim` as the caller gave it: PyTorch shows that, not the wrapped dims)
_SIZES = {"self_sym_sizes": "shape"}
_DIMS = {"dim": "dim", "keepdim": "keepdim", **_SIZES}
_NUMEL = {"self_sym_numel": lambda node: math.prod(node._ctx[0])}
SumBackward0 = grad_fn("SumBackward0", saved=_SIZES, self=lambda xp, g, shape: xp.expand(g, shape))
SumBackward1 = grad_fn("SumBackward1", saved=_DIMS, self=lambda xp, g, shape, dims, keepdim:
                       _unreduce(xp, g, shape, dims, keepdim))
MeanBackward0 = grad_fn("MeanBackward0", saved={**_SIZES, **_NUMEL},
                        self=lambda xp, g, shape, n: xp.div_scalar(xp.expand(g, shape), n)
                        if xp.recording else xp.expand(g / n, shape))
MeanBackward1 = grad_fn("MeanBackward1", saved={**_DIMS, **_NUMEL}, self=_mean_grad)
ProdBackward0 = grad_fn("ProdBackward0", self=lambda xp, g, self, result:
                        _prod_grad(xp, g, xp.conj(self), xp.conj(result), None, False))
ProdBackward1 = grad_fn("ProdBackward1", saved={"dim": "given_dim", "keepdim": "keepdim"},
                        self=lambda xp, g, self, result, dims, keepdim:
                        _prod_grad(xp, g, xp.conj(self), xp.conj(result), dims[0], keepdim))


def _extreme_all_grad(xp, g, self, result):
    return _even_share(xp, g, self, result, self.shape, None, False)


def _extreme_dims_grad(xp, g, self, result, dims, keepdim):
    return _even_share(xp, g, self, result, self.shape, dims, keepdim)


# max/min over one dim pick one index: the gradient goes there only.
def _picked_grad(xp, g, shape, dim, keepdim, onehot, given_dim, indices):
    if xp.recording:
        return select_back(g, shape, dim, indices, keepdim)
    return xp.where(onehot, _unreduce(xp, g, shape, (dim,), keepdim), 0)


def select_back(g, shape, dim, indices, keepdim):
    """PyTorch's value_selecting_reduction_backward, recorded: `g` scattered
    into zeros at `indices` (an array) along `dim` (ScatterBackward0), each
    unsqueezed first where the reduction dropped `dim`."""
    if not keepdim and shape:
        g, indices = g.unsqueeze(dim), np.expand_dims(indices, dim)
    return g.new_zeros(shape).scatter(dim, wrap(indices), g)


MaxBackward1 = grad_fn("MaxBackward1", self=_extreme_all_grad)
MinBackward1 = grad_fn("MinBackward1", self=_extreme_all_grad)
_AMAX = {"dim": "given_dim", "keepdim": "keepdim"}
AmaxBackward0 = grad_fn("AmaxBackward0", saved=_AMAX, self=_extreme_dims_grad)
AminBackward0 = grad_fn("AminBackward0", saved=_AMAX, self=_extreme_dims_grad)
_PICKED = {"dim": "given_dim", "indices": tensor_field("indices"), "keepdim": "keepdim",
           "self_sym_sizes": "shape"}
MaxBackward0 = grad_fn("MaxBackward0", saved=_PICKED, self=_picked_grad)
MinBackward0 = grad_fn("MinBackward0", saved=_PICKED, self=_picked_grad)
def _prod_grad(xp, g, x, r, dim, keepdim):
    """PyTorch's prod_backward: g * result / input when no input is zero,
    else g times the product of the others, from running products that are
    safe at zeros (and, recorded, differentiable again)."""
    if x.ndim == 0:
        return g
    if dim is not None and not keepdim:
        kept = _kept_shape(x.shape, (dim,))
        g, r = xp.reshape(g, kept), xp.reshape(r, kept)
    data = xp.data(x)
    zeros = int(np.count_nonzero(data == 0))
    if not zeros:
        return g * (r / x)
    if dim is None:
        if not xp.recording and zeros > 1:
            return np.zeros_like(x)     # PyTorch's shortcut when no graph is wanted
        return xp.reshape(_prod_grad(xp, g, xp.reshape(x, (-1,)), r, 0, True), x.shape)
    if x.shape[dim] == 1:
        return g
    if not xp.recording:
        return g * xp.prod_others(x, r, dim)
    left = _exclusive_cumprod(xp, x, dim)
    right = xp.flip(_exclusive_cumprod(xp, xp.flip(x, (dim,)), dim), (dim,))
    return g * (left * right)


def _exclusive_cumprod(xp, x, dim):
    """[1, x0, x0 x1, ...] along `dim` from products and shifts only (a
    Hillis-Steele scan, log2(n) steps), so that every derivative is exact at zeros."""
    n = x.shape[dim]

    def ones(k):
        return wrap(np.ones(_sized(x.shape, dim, k), x._data.dtype))

    p = xp.cat([ones(1), xp.narrow(x, dim, 0, n - 1)], dim)
    step = 1
    while step < n:
        p = p * xp.cat([ones(step), xp.narrow(p, dim, 0, n - step)], dim)
        step *= 2
    return p


def _sized(shape, dim, k):
    return tuple(k if i == dim else s for i, s in enumerate(shape))


def _dims_or_none(input, dim, name=None):
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return None
    if not _int_args.is_dims(dim):
        _refuse_dims(dim, name)
    dims = as_dims(dim, input._data.ndim)
    seen = set()
    for d in dims:
        if d in seen:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        seen.add(d)
    return dims


_DTYPE_OVERLOADS = (" * (*, torch.dtype dtype = None)\n"
                    " * (tuple of ints dim, bool keepdim = False, *, torch.dtype dtype = None)\n")


def _refuse_dims(dim, name):
    """A dim that is not an int or a sequence of them: sum's and mean's
    words as PyTorch's parser gives them for the method (x.sum(0.5)); other
    reductions name the argument as their one signature does."""
    if name in ("sum", "mean"):
        raise TypeError(f"{name}() received an invalid combination of arguments - got "
                        f"({_int_args.type_name(dim)}), but expected one of:\n"
                        f"{shown(_DTYPE_OVERLOADS)}")
    try:
        _int_args.check(dim, "tuple of ints", name or "reduction", "dim", None)
    except TypeError as e:
        raise _keywords.wrong_type(e, "dim") from None


def _mean(x, dims, keepdim):
    """PyTorch's mean: its sum (in its order of additions) divided by the count."""
    n = x.size if dims is None or not x.ndim else int(np.prod([x.shape[d] for d in dims]))
    return np.asanyarray(torch_sum(x, dims, keepdim) / x.dtype.type(n))


def _accumulation_input(input, dtype):
    """sum and prod work in `dtype` if given, and integers (bool too) in int64."""
    x = input._data
    if dtype is not None:
        return x.astype(dtype._np)
    if x.dtype.kind in "biu":
        return x.astype(np.int64)
    return x


def _in_dtype(out, dtype):
    # (NumPy sums and multiplies small integers and bools in int64; a dtype
    # given is the result's, its wrap-around the same)
    return out if dtype is None or out.dtype == dtype._np else np.asanyarray(out).astype(dtype._np)


# The defaults of the reductions whose signatures without a dim take no
# keepdim (x.sum(keepdim=True) binds none of sum's), and where a dim given,
# None or () included, is another signature: x.sum(dim=None, keepdim=True) is
# SumBackward1, all dims kept; x.sum() SumBackward0. (max and min have no
# signature taking dim=None.)
_NO_DIM, _NO_KEEPDIM = _keywords.Unset("dim"), _keywords.Unset("keepdim")


def _all_dims_or_keepdim(dim, keepdim, name):
    """keepdim of a reduction given a dim, checked (False if left out); the
    call refused where keepdim comes without a dim."""
    if dim is _NO_DIM:
        if keepdim is not _NO_KEEPDIM:
            raise _keywords.unbound_call()
        return False
    if keepdim is _NO_KEEPDIM:
        return False
    if keepdim.__class__ is not bool:
        raise _keywords.not_bool(keepdim, "keepdim", name)
    return keepdim


def _given_dims(input, dim, name):
    """The dims a dim argument reduces: all of them for None or ()."""
    dims = _dims_or_none(input, dim, name)
    return tuple(range(input._data.ndim)) if dims is None else dims


def sum(input, dim=_NO_DIM, keepdim=_NO_KEEPDIM, *, dtype=None):
    if dim is _NO_DIM and keepdim is _NO_KEEPDIM:     # (the commonest: loss.sum())
        x = input._data
        if dtype is None and x.dtype.kind in "fc":      # (a float's: itself, summed)
            return recorded(SumBackward0, torch_sum(x, None), (input,), (x.shape,))
        x = _accumulation_input(input, dtype)
        return recorded(SumBackward0, _in_dtype(torch_sum(x, None), dtype), (input,), (x.shape,))
    keepdim = _all_dims_or_keepdim(dim, keepdim, "sum")
    x = _accumulation_input(input, dtype)
    dims = _given_dims(input, dim, "sum")
    return recorded(SumBackward1, _in_dtype(torch_sum(x, dims, keepdim), dtype), (input,),
                    (x.shape, dims, keepdim, None if dim is None else given_dims(dim)))


def mean(input, dim=_NO_DIM, keepdim=_NO_KEEPDIM, *, dtype=None):
    keepdim = _all_dims_or_keepdim(dim, keepdim, "mean")
    x = input._data
    if dtype is not None:
        x = x.astype(dtype._np)
    low = x.dtype in D.HALF_NP
    if x.dtype.kind not in "fc" and not low:
        raise RuntimeError(
            "mean(): could not infer output dtype. "
            f"{'Input' if dtype is None else 'Optional'} dtype must be either a floating "
            f"point or complex dtype. Got: {D.SCALAR_NAMES[dtype or input.dtype]}")
    # (half precision: summed and divided in float32, rounded once, as PyTorch's CPU mean)
    xs = x.astype(np.float32) if low else x
    if dim is _NO_DIM:
        return recorded(MeanBackward0, _lowered(_mean(xs, None, False), x.dtype), (input,),
                        (x.shape, builtins.max(x.size, 1)))
    dims = _given_dims(input, dim, "mean")
    n = math.prod([x.shape[d] for d in dims]) if x.ndim else 1
    return recorded(MeanBackward1, _lowered(_mean(xs, dims, keepdim), x.dtype), (input,),
                    (x.shape, dims, keepdim, n, None if dim is None else given_dims(dim)))


def _lowered(out, dtype):
    """A result computed in float32 for a half-precision input, rounded back."""
    return np.asanyarray(out).astype(dtype) if out.dtype != dtype else out


def prod(input, dim=_NO_DIM, keepdim=_NO_KEEPDIM, *, dtype=None):
    dim, keepdim = one_dim_keepdim(dim, keepdim, "prod")
    x = _accumulation_input(input, dtype)
    if dim is None:
        return recorded(ProdBackward0, _in_dtype(x.prod(), dtype), (input,))
    dims = (wrap_dim(dim, x.ndim),)
    return recorded(ProdBackward1, c_strided(_in_dtype(x.prod(axis=dims if x.ndim else None,
                                                              keepdims=keepdim), dtype)),
                    (input,),
                    (dims, keepdim, dim))


_max_t, _min_t = return_types.max, return_types.min


def _extreme(input, dim, keepdim, other, npfn, argfn, node_all, node_dim, result_t, name):
    if other is not None:
        from .conditional import maximum, minimum
        return (maximum if name == "max" else minimum)(input, other)
    x = input._data
    if x.dtype.kind == "c":
        if dim is None:
            raise kernel_refuses(f"{name}_all", x.dtype)
        raise RuntimeError(f"{name}(): does not support complex input")
    if dim is None:
        if x.size == 0:
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument.")
        return recorded(node_all, npfn(x), (input,))
    d = wrap_dim(dim, x.ndim)
    if x.ndim == 0:
        values, idx = x.copy(), np.zeros((), np.int64)
    else:
        if x.shape[d] == 0:
            raise IndexError(
                f"{name}(): Expected reduction dim {d} to have non-zero size.")
        idx = np.expand_dims(argfn(x, axis=d), d)
        values = np.take_along_axis(x, idx, axis=d)
        if not keepdim:
            values, idx = values.squeeze(d), idx.squeeze(d)
    values = np.asanyarray(values)
    idx = np.asanyarray(idx, dtype=np.int64)
    # (the one-hot mask of the picked indices is made only when recording)
    onehot = _onehot(idx, x.shape, d, keepdim) if tracked(input) else None
    out = recorded(node_dim, values, (input,), (x.shape, d, keepdim, onehot, dim, idx))
    indices = wrap(idx)     # (kept, as PyTorch's node saves them)
    return result_t._of(keep_index(out, indices), indices)


def _onehot(idx, shape, d, keepdim):
    mask = np.zeros(shape, bool)
    if len(shape):
        np.put_along_axis(mask, idx if keepdim else np.expand_dims(idx, d), True, axis=d)
    else:
        mask[()] = True
    return mask




def max(input, dim=_NO_DIM, keepdim=_NO_KEEPDIM, *, other=None):
    if isinstance(dim, Tensor):
        return _extreme(input, None, False, dim, None, None, None, None, None, "max")
    dim, keepdim = one_dim_keepdim(dim, keepdim, "max", listed=True)
    return _extreme(input, dim, keepdim, other, np.max, np.argmax, MaxBackward1, MaxBackward0,
                    _max_t, "max")


def min(input, dim=_NO_DIM, keepdim=_NO_KEEPDIM, *, other=None):
    if isinstance(dim, Tensor):
        return _extreme(input, None, False, dim, None, None, None, None, None, "min")
    dim, keepdim = one_dim_keepdim(dim, keepdim, "min", listed=True)
    return _extreme(input, dim, keepdim, other, np.min, np.argmin, MinBackward1, MinBackward0,
                    _min_t, "min")


def one_dim_keepdim(dim, keepdim, name, listed=False):
    """(dim, keepdim) of a reduction over one int dim or all of them (max,
    min, prod, median): dim None where left out. No signature takes dim=None,
    nor keepdim without a dim: refused as the parser refuses them (max's and
    min's overloads `listed`, the others' 'must be int')."""
    if dim is None:
        if listed:
            raise _keywords.unbound_call()
        raise _keywords.wrong_type(
            TypeError(f"{name}(): argument 'dim' must be int, not NoneType"), "dim")
    keepdim = _all_dims_or_keepdim(dim, keepdim, name)
    return (None if dim is _NO_DIM else dim), keepdim


def _amaxmin(input, dim, keepdim, npfn, node, name):
    if keepdim.__class__ is not bool:
        raise _keywords.not_bool(keepdim, "keepdim", name)
    x = input._data
    if x.dtype.kind == "c":
        raise kernel_refuses(f"{name[1:]}_values_cpu", x.dtype)
    if x.size == 0:
        _check_nonempty(x, () if dim is None else (
            tuple(dim) if isinstance(dim, (tuple, list)) else (dim,)), name)
    dims = _dims_or_none(input, dim, name) if not (isinstance(dim, tuple) and dim == ()) else None
    if x.ndim == 0:
        dims = None     # dim 0 or -1 of a 0-d tensor reduces nothing
    return recorded(node, c_strided(npfn(x, axis=dims, keepdims=keepdim)), (input,),
                    (dims if dims is not None else tuple(range(x.ndim)), keepdim,
                     given_dims(dim)))


def _check_nonempty(x, dims, name):
    """PyTorch's zero_numel_check_dims: a reduction with no identity needs a
    dim, and every dim it reduces must be non-empty (named as given)."""
    if not dims:
        raise RuntimeError(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
            "Specify the reduction dim with the 'dim' argument.")
    for d in dims:
        if x.shape[wrap_dim(d, x.ndim)] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def amax(input, dim=(), keepdim=False):
    return _amaxmin(input, dim, keepdim, np.max, AmaxBackward0, "amax")


def amin(input, dim=(), keepdim=False):
    return _amaxmin(input, dim, keepdim, np.min, AminBackward0, "amin")


def argmax(input, dim=None, keepdim=False):
    return _arg(input, dim, keepdim, np.argmax, "argmax")


def argmin(input, dim=None, keepdim=False):
    return _arg(input, dim, keepdim, np.argmin, "argmin")


def _arg(input, dim, keepdim, fn, name):
    if keepdim.__class__ is not bool:
        raise _keywords.not_bool(keepdim, "keepdim", name)
    x = input._data
    if x.dtype.kind == "c" or x.dtype == np.bool_:
        raise RuntimeError(f"{name}(): does not support {'complex' if x.dtype.kind == 'c' else 'bool'} input")
    if x.size == 0:
        # PyTorch raises IndexError for both (unlike max's RuntimeError).
        if dim is None:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for "
                             "input.numel() == 0.")
        d = wrap_dim(dim, x.ndim)
        if x.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    if dim is None:
        r = np.asanyarray(fn(x), dtype=np.int64)
        return wrap(r.reshape((1,) * x.ndim) if keepdim else r)
    d = wrap_dim(dim, x.ndim)
    r = fn(x, axis=d) if x.ndim else np.zeros((), np.int64)
    if keepdim and x.ndim:
        r = np.expand_dims(r, d)
    return wrap(np.asanyarray(r, dtype=np.int64))


sum = register(sum)
mean = register(mean)
prod = register(prod)


for _name in ("sum", "prod"):
    REGISTRY[_name] = REGISTRY[_name]._replace(public=computed_in_out_dtype(REGISTRY[_name]))


def _mean_public(input, dim=_NO_DIM, keepdim=_NO_KEEPDIM, *, dtype=None, out=None):
    """mean with out=: PyTorch's sum into out, then out.div_(count): an
    integral out can't take the float quotient, and a real out takes a
    complex input's real parts."""
    if out is None:
        return mean(input, dim, keepdim, dtype=dtype)
    if dtype is None and isinstance(input, Tensor) and isinstance(out, Tensor):
        inexact = input.dtype.is_floating_point or input.dtype.is_complex
        if inexact and not (out.dtype.is_floating_point or out.dtype.is_complex):
            raise RuntimeError(f"result type {D.SCALAR_NAMES[D._default[0]]} can't be cast to "
                               f"the desired output type {D.SCALAR_NAMES[out.dtype]}")
        if input.dtype.is_complex and not out.dtype.is_complex:
            input = input.real
    return into(out, "mean", mean, (input, dim, keepdim), {"dtype": dtype})


_mean_public.__name__ = _mean_public.__qualname__ = "mean"
_mean_public.__wrapped__ = mean
REGISTRY["mean"] = REGISTRY["mean"]._replace(public=_keywords.taking_aliases(_mean_public, "mean"))
max = register(max, out=same_dtype())
min = register(min, out=same_dtype())
_SAME_AS_INPUT = same_dtype("Expected the dtype for input and out to match, but got {s} for "
                            "input's dtype and {os} for out's dtype.")
amax = register(amax, out=_SAME_AS_INPUT)
amin = register(amin, out=_SAME_AS_INPUT)
argmax = register(argmax, out=same_dtype(), ints={"dim": "int"})
argmin = register(argmin, out=same_dtype(), ints={"dim": "int"})
