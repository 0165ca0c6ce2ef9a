"""Ops that write values into chosen places of a copy of their input, and
their derivatives: scatter, scatter_add, scatter_reduce (this module);
index_add, index_copy, index_fill, index_reduce, index_put
(scatter_index.py); masked_scatter, put, take, take_along_dim, argwhere
(scatter_take.py); their argument checks (scatter_checks.py).

Each op turns its index into a key (a tuple of index arrays and slices, as
NumPy reads it) naming the places of the input it writes. The forward
writes through the key's flat positions (one ufunc.at or assignment on one
axis); the derivatives use the same key: `xp.take_at(g, key)` gathers,
`xp.scatter_fill(g, key)` blanks the overwritten places,
`xp.add_at(v, shape, key)` adds into them. One reduction core and one set
of derivative formulas serve scatter_reduce and index_reduce alike.
"""
import warnings

from .. import _meta
from ._common import (D, Tensor, checked_scalar, keep_index, kernel_refuses, no_complex_autograd, np,
                      recorded, wrap_dim)
from ._out import same_dtype
from ._registry import grad_fn, register, tensor_field
from ._xp import provide
from .scatter_checks import (bool_key, check_bounds, index_array, invalid_combination,
                             is_number, need_tensor)

__all__ = ["scatter", "scatter_add", "scatter_reduce"]

_MISSING = object()


# -- the reduction core (scatter_reduce, index_reduce) -------------------------
_UFUNCS = {"sum": np.add, "prod": np.multiply, "mean": np.add, "amax": np.maximum,
           "amin": np.minimum}


def _identity(reduce, dtype):
    """The value a reduction starts from where the input is left out."""
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    high = reduce == "amin"
    if D.is_float_np(dtype):
        return np.inf if high else -np.inf
    if dtype.kind == "b":
        return high
    info = np.iinfo(dtype)
    return info.max if high else info.min


class Key(tuple):
    """An op's key (NumPy reads it as the tuple it is), which keeps its flat
    positions once computed: the forward and each backward formula use them."""
    lin = None


def linear_index(key, shape, ravel=True):
    """The flat (C order) positions of the places `key` names, one per element
    of x[key] (raveled, or in x[key]'s shape). A key is index arrays that
    broadcast together (scatter, take), `:` slices with one index vector
    (index_add, ...), or a 0-d input's bool. NumPy's ufunc.at and take are
    many times faster on one flat axis than with a tuple of indices."""
    cached = getattr(key, "lin", None)
    if cached is not None and cached[0] == shape:
        lin = cached[1]
        return np.ravel(lin) if ravel else lin
    nd = len(shape)
    if nd == 0:
        return np.zeros(int(key[0]), np.intp)
    sliced = len(key) < nd or any(isinstance(k, slice) for k in key)
    given, key = key, key + (slice(None),) * (nd - len(key))
    lin, stride = None, 1
    for a in range(nd - 1, -1, -1):
        k = key[a]
        if isinstance(k, slice):
            k = np.arange(shape[a])
        if sliced:      # each axis keeps its place, as NumPy does with one index vector
            k = k.reshape((-1,) + (1,) * (nd - a - 1))
        k = k * stride if stride != 1 else k
        lin = k if lin is None else lin + k
        stride *= shape[a]
    if isinstance(given, Key):
        given.lin = (tuple(shape), lin)
    return np.ravel(lin) if ravel else lin


def _take_at(g, key):
    """g[key] through flat positions."""
    return np.take(g, linear_index(key, g.shape, ravel=False))


def _add_at(v, shape, key):
    """Zeros of `shape` with `v` added at the places `key` names (repeats add up)."""
    out = np.zeros(int(np.prod(shape)), v.dtype)
    np.add.at(out, linear_index(key, shape), np.ravel(v))
    return out.reshape(shape)


def _add_at_recorded(v, shape, key):
    from ._xp import _index_scatter
    return _index_scatter(v, shape, key, True)


def fill_at(g, key):
    """`g` with zeros at the places `key` names."""
    return write_at(g, key, 0)


provide("take_at", _take_at, lambda g, key: g[key])
# (recorded as PyTorch's formulas do it, grad.scatter(dim, index, 0))
provide("scatter_fill", fill_at,
        lambda g, key: recorded(ScatterBackward1, fill_at(g._data, key), (g,), (key,)))
provide("add_at", _add_at, _add_at_recorded)


def write_at(x, key, vals, ufunc=None):
    """A copy of `x` with `vals` written into (or, with `ufunc`, combined
    into) the places `key` names; a later write to one place wins."""
    out = _meta.array_copy(x, order="C")
    flat, lin = out.reshape(-1), linear_index(key, x.shape)
    vals = np.asanyarray(vals)
    if vals.ndim:
        vals = vals.reshape(-1) if vals.size == lin.size else np.broadcast_to(
            vals, x[key].shape).reshape(-1)
    if ufunc is None:
        flat[lin] = vals
    else:
        ufunc.at(flat, lin, vals)
    return out


def _counts(shape, key, include_self):
    """How many values each place of the result is the mean of (at least 1)."""
    size = int(np.prod(shape))
    count = np.bincount(linear_index(key, shape), minlength=size)
    if include_self:
        count += 1
    count[count == 0] = 1
    return count.reshape(shape)


def reduce_at(x, key, vals, reduce, include_self):
    """`x` with `vals` reduced into the places `key` names (on arrays)."""
    if not include_self:
        x = write_at(x, key, _identity(reduce, x.dtype))
    out = write_at(x, key, vals, _UFUNCS[reduce])
    if reduce == "mean":
        count = _counts(x.shape, key, include_self)
        out = out / count if x.dtype.kind == "c" or D.is_float_np(x.dtype) \
            else np.floor_divide(out, count)
        out = out.astype(x.dtype, copy=False)
    return out


def _scattered(x, key, vals, reduce, include_self):
    """reduce_at for the scatter ops given a src tensor: PyTorch's scatter
    kernel sums (and averages) float16 and bfloat16 in float, rounding once
    at the end (index_add and index_reduce stay in the dtype, as its own)."""
    if reduce in ("sum", "mean") and x.dtype in D.HALF_NP:
        wide = reduce_at(x.astype(np.float32), key, np.asarray(vals, np.float32), reduce,
                         include_self)
        return wide.astype(x.dtype)
    return reduce_at(x, key, vals, reduce, include_self)


def _reduce_at_recorded(x, key, vals, reduce, include_self):
    """reduce_at on tensors, recorded (prod's derivative reads it)."""
    data = reduce_at(x._data, key, vals._data, reduce, include_self)
    return recorded(ScatterReduceBackward0, data, (x, vals),
                    (key, None, vals._data.shape, reduce, include_self))


provide("reduce_at", reduce_at, _reduce_at_recorded)


def _fit(v, sub, shape, node):
    """The source's gradient `v` (shaped as the index). A source larger than
    the index: PyTorch's engine refuses the gradient (it checks the shape),
    so the backward fails as there."""
    if sub is not None:
        got = [s.stop for s in sub]
        raise RuntimeError(f"Function {node} returned an invalid gradient at index 1 - got "
                           f"{got} but expected shape compatible with {list(shape)}")
    return v


def _gathered(xp, g, key):
    """g at the scattered places: recorded, derivatives.yaml's
    grad.gather(dim, index) (GatherBackward0)."""
    idx = key.given[1] if xp.recording else None
    if idx is not None and idx.size and max(idx.ndim, 1) == max(g.ndim, 1):
        return g.gather(key.given[0], Tensor._wrap(idx))
    return xp.take_at(g, key)


def selected(xp, g, key):
    """g's slices at a slice-wise key ((:,) * dim + (index,)): recorded,
    index_select (IndexSelectBackward0), as index_reduce's and index_fill's
    formulas are written."""
    last = key[-1] if xp.recording and len(key) else None
    if isinstance(last, np.ndarray) and last.dtype != np.bool_ and g.ndim >= len(key) and \
            all(k == slice(None) for k in key[:-1]):
        return g.index_select(len(key) - 1, Tensor._wrap(last))
    return xp.take_at(g, key)


def _picked(xp, v, key, source):
    """v at the reduced places: scatter_reduce's grad.gather, index_reduce's
    grad.index_select, when recorded."""
    return _gathered(xp, v, key) if source == "src" else selected(xp, v, key)


def _refuse(xp, g, message):
    raise RuntimeError(message)


# A gradient PyTorch gives once but refuses to differentiate again.
ErrorNode = grad_fn("Error", self=_refuse)


def _reduce_grads(xp, g, x, src, result, key, sub, src_shape, reduce, include_self,
                  source="src"):
    """PyTorch's scatter_reduce_backward / index_reduce_backward, on the key:
    the gradients of the input and of the source."""
    s = src if sub is None else src[sub]
    if reduce == "sum":
        gx, gs = g, _gathered(xp, g, key)
    elif reduce == "mean":
        count = _counts(x.shape, key, include_self)
        gx, gs = g / count, _picked(xp, g, key, source) / _take_at(count, key)
    elif reduce == "prod":
        # Products of the others, safe where an element is 0: the input's
        # zeros are replaced by ones; a source zero alone at its place gets
        # the product of the rest.
        ones_at_zero = xp.where(x == 0, 1, x)
        gx = g * xp.reduce_at(ones_at_zero, key, s, "prod", include_self) / ones_at_zero
        zero = s == 0
        zeros_there = xp.take_at(xp.add_at(xp.where(zero, 1.0, 0.0), x.shape, key), key)
        single = zero & (zeros_there == 1)
        rest = xp.reduce_at(x, key, xp.where(single, 1, s), "prod", include_self)
        gs = xp.where(single, xp.take_at(g * rest, key),
                      xp.take_at(g * result, key) / xp.where(zero, 1, s))
        if xp.recording and (xp.data(zeros_there) > 1).any():
            op = "scatter_reduce" if source == "src" else "index_reduce"
            gs = recorded(ErrorNode, gs._data, (gs,), (
                f"{op}(): Double backward is unsupported for {source} when >1 zeros in "
                f"{source} are scattered to the same position in self",))
    else:
        # amax / amin: the gradient is shared evenly between the ties.
        x_won = xp.where(x == result, 1.0, 0.0)
        s_won = xp.where(s == xp.take_at(result, key), 1.0, 0.0)
        share = g / (x_won + xp.add_at(s_won, x.shape, key))
        gx, gs = x_won * share, s_won * _picked(xp, share, key, source)
    if not include_self:
        gx = xp.scatter_fill(gx, key) if source == "src" else xp.index_fill_at(gx, key)
    return gx, gs


_LAST_GRADS = [None, None]     # (the arguments, their gradients) of the last call


def _reduce_formulas(source):
    """Each input's formula (its part of _reduce_grads); `source`: PyTorch's
    name of the source input ('src' for scatter_reduce, 'source' for
    index_reduce), which is also the parameter the formula reads it by."""
    def part(i):
        def pick(xp, g, x, s, result, key, sub, src_shape, reduce, include_self):
            # The engine asks for the input's gradient, then the source's, with
            # the same `g`: both are computed once.
            last, this = _LAST_GRADS, (g, x, s, result, key, xp)
            if last[0] is not None and all(a is b for a, b in zip(last[0], this)):
                grads = last[1]
                last[:] = (None, None)
            else:
                grads = _reduce_grads(xp, g, x, s, result, key, sub, src_shape, reduce,
                                      include_self, source)
                last[:] = (this, grads) if i == 0 else (None, None)
            return grads[0] if i == 0 else _fit(grads[1], sub, src_shape,
                                                "ScatterReduceBackward0")
        if source == "src":
            return lambda xp, g, self, src, result, key, sub, src_shape, reduce, include_self: \
                pick(xp, g, self, src, result, key, sub, src_shape, reduce, include_self)
        return lambda xp, g, self, source, result, key, sub, src_shape, reduce, include_self: \
            pick(xp, g, self, source, result, key, sub, src_shape, reduce, include_self)
    return {"self": part(0), source: part(1)}


def _given(k):
    # (a key of index_reduce's, which prod's double backward records here,
    # has no `given`)
    return "key", lambda key: getattr(key, "given", (None, None))[k]


ScatterReduceBackward0 = grad_fn("ScatterReduceBackward0", saved={
    "dim": _given(0), "include_self": "include_self", "index": tensor_field(_given(1)),
    "reduce": "reduce"}, **_reduce_formulas("src"))


# -- scatter, scatter_add, scatter_reduce -----------------------------------------
def _scatter_key(input, dim, index, src, name="scatter"):
    """The checked scatter: (input array, key, source values, sub, source shape).
    `sub` picks the source's part the index covers (None: all of it)."""
    x = input._data
    d = wrap_dim(dim, x.ndim)
    idx = index_array(index, f"{name}(): Expected dtype int32/int64 for index")
    s = None
    if src is not None:
        s = src._data
        if s.dtype != x.dtype:
            raise RuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype")
    xs, ids = x.reshape(x.shape or (1,)), idx.reshape(idx.shape or (1,))
    ss = None if s is None else s.reshape(s.shape or (1,))
    if ids.ndim != xs.ndim and ids.size:
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    if ss is not None and ss.ndim != ids.ndim and ids.size:
        if ids.size and s.ndim:
            wrap_dim(ids.ndim - 1, ss.ndim)     # PyTorch's "Dimension out of range"
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    if ids.size:
        too_big = any(n > m for i, (n, m) in enumerate(zip(ids.shape, xs.shape)) if i != d)
        if ss is not None:
            too_big = too_big or any(n > m for n, m in zip(ids.shape, ss.shape))
        if too_big:
            tail = (f" and to be no larger size than src {list(s.shape)}" if s is not None
                    else "")
            raise RuntimeError(f"Expected index {list(idx.shape)} to be no larger than self "
                               f"{list(x.shape)} apart from dimension {d}{tail}")
        check_bounds(ids, d, xs.shape[d], xs.shape)
    if x.ndim == 0:
        key = Key(bool_key(x, ids))
    elif ids.size == 0:
        key = Key((np.zeros(0, np.intp),) * xs.ndim)    # nothing is written
    else:
        key = Key(ids if i == d else np.arange(n).reshape((-1,) + (1,) * (ids.ndim - i - 1))
                  for i, n in enumerate(ids.shape))
    key.given = (dim, idx)      # (what the nodes show: the dim and index as given)
    sub = vals = None
    if ss is not None:
        sub = None if ss.shape == ids.shape else tuple(slice(0, n) for n in ids.shape)
        vals = ss if sub is None else ss[sub]
        vals = vals.reshape(-1) if x.ndim == 0 or ids.size == 0 else vals
    return x, key, vals, sub, ss


# PyTorch's fields, from the key's `given` (see _scatter_key); scatter_add
# keeps the index only when src requires grad
_SCATTERED = {"dim": ("key", lambda key: key.given[0]),
              "index": tensor_field(("key", lambda key: key.given[1]))}
ScatterBackward0 = grad_fn(
    "ScatterBackward0", saved=_SCATTERED, self=lambda xp, g, key: xp.scatter_fill(g, key),
    src=lambda xp, g, key, sub, src_shape: _fit(_gathered(xp, g, key), sub, src_shape,
                                                "ScatterBackward0"))
ScatterBackward1 = grad_fn("ScatterBackward1", saved=_SCATTERED,
                           self=lambda xp, g, key: xp.scatter_fill(g, key))
ScatterAddBackward0 = grad_fn(
    "ScatterAddBackward0", saved={
        "dim": ("key", lambda key: key.given[0]),
        "index": tensor_field(("key", lambda key: key.given[1]),
                              needs=1)},
    self=lambda xp, g: g,
    src=lambda xp, g, key, sub, src_shape: _fit(_gathered(xp, g, key), sub, src_shape,
                                                "ScatterAddBackward0"))


def _not_implemented(xp, g):
    raise RuntimeError("derivative for aten::scatter is not implemented")


# scatter(..., reduce=...): PyTorch records a node that refuses to differentiate.
NotImplementedScatter = grad_fn("NotImplemented", self=_not_implemented, src=_not_implemented)
NotImplementedScatter._full_name = "ember::autograd::NotImplemented"


_SCATTER_SIGNATURES = ((("int dim", "Tensor index", "Tensor src"), False),
                       (("int dim", "Tensor index", "Tensor src"), True),
                       (("int dim", "Tensor index", "Number value"), False),
                       (("int dim", "Tensor index", "Number value"), True))


def scatter(input, dim, index, src=_MISSING, *, value=_MISSING, reduce=None):
    """Writes `src` (or the number `value`) into `input` at `index` along `dim`;
    `reduce` ('add', 'multiply', deprecated) combines instead of overwriting."""
    args = [a for a in (dim, index, src) if a is not _MISSING]
    kwargs = {k: v for k, v in (("value", value), ("reduce", reduce))
              if v is not _MISSING and v is not None}
    if src is not _MISSING and not isinstance(src, Tensor) and value is _MISSING:
        value, src = src, _MISSING
    if (not isinstance(dim, (int, np.integer)) or not isinstance(index, Tensor)
            or (src is _MISSING) == (value is _MISSING)
            or (src is _MISSING and not is_number(value))
            or (reduce is not None and not isinstance(reduce, str))):
        raise invalid_combination("scatter", args, kwargs, _SCATTER_SIGNATURES)
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    if src is _MISSING:
        x, key, _, _, _ = _scatter_key(input, dim, index, None)
        v = np.asanyarray(checked_scalar(x.dtype, value)).astype(x.dtype)
        if reduce is None:
            return keep_index(recorded(ScatterBackward1, write_at(x, key, v), (input,), (key,)),
                              index)
        vals = np.broadcast_to(v, x[key].shape)
        data = reduce_at(x, key, vals, "sum" if reduce == "add" else "prod", True)
        return recorded(NotImplementedScatter, data, (input,))
    x, key, vals, sub, ss = _scatter_key(input, dim, index, src)
    if reduce is None:
        return keep_index(recorded(ScatterBackward0, write_at(x, key, vals), (input, src),
                                   (key, sub, ss.shape)), index)
    warnings.warn("The reduce argument of torch.scatter with Tensor src is deprecated and will "
                  "be removed in a future PyTorch release. Use torch.scatter_reduce instead for "
                  "more reduction options.", UserWarning, stacklevel=2)
    data = _scattered(x, key, vals, "sum" if reduce == "add" else "prod", True)
    return recorded(NotImplementedScatter, data, (input, src))


def scatter_add(input, dim, index, src):
    need_tensor(index, "scatter_add", "index", 2)
    need_tensor(src, "scatter_add", "src", 3)
    x, key, vals, sub, ss = _scatter_key(input, dim, index, src)
    data = _scattered(x, key, vals, "sum", True)
    # (input's gradient is the gradient itself: the index is kept for src's)
    return keep_index(recorded(ScatterAddBackward0, data, (input, src), (key, sub, ss.shape)),
                      index if src._requires_grad else None)


_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")
_OLD_NAMES = {"max": "amax", "min": "amin"}     # PyTorch still takes these


def check_reduce_dtype(x, reduce, kernel):
    if reduce == "mean" and x.dtype.kind == "b":
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """Reduces `src` into `input` at `index` along `dim` with 'sum', 'prod',
    'mean', 'amax' or 'amin'; `include_self=False` leaves out the input's own
    values where something is scattered."""
    need_tensor(index, "scatter_reduce", "index", 2)
    need_tensor(src, "scatter_reduce", "src", 3)
    reduce = _OLD_NAMES.get(reduce, reduce)
    if reduce not in _REDUCTIONS:
        raise RuntimeError("reduce argument must be either sum, prod, mean, amax or amin, got "
                           f"{reduce}")
    x, key, vals, sub, ss = _scatter_key(input, dim, index, src)
    check_reduce_dtype(x, reduce, "scatter_gather_tensor_cpu_reduce_mean")
    if x.dtype.kind == "c" and reduce in ("amax", "amin"):
        raise kernel_refuses(f"scatter_gather_tensor_cpu_reduce_{reduce}", x.dtype)
    data = _scattered(x, key, vals, reduce, include_self)
    no_complex_autograd("scatter_reduce", data, input, src)
    return keep_index(recorded(ScatterReduceBackward0, data, (input, src),
                               (key, sub, ss.shape, reduce, include_self)), index)


register(scatter, inplace=True, node=ScatterBackward0, out=same_dtype())
register(scatter_add, inplace=True, node=ScatterAddBackward0, out=same_dtype())
register(scatter_reduce, inplace=True, node=ScatterReduceBackward0, out=same_dtype())

from . import scatter_index, scatter_take  # noqa: E402,F401  (declare their ops)
from .scatter_index import *  # noqa: E402,F401,F403
from .scatter_take import *  # noqa: E402,F401,F403
