"""index_add, index_copy, index_fill, index_reduce and index_put: a whole
slice of the input along `dim` per index (see scatter.py for the key)."""

from .._python_data import _tname
from .. import _meta
from .. import _dtype as D
from .._settings import warn_once
from ._common import Tensor, keep_index, kernel_refuses, no_complex_autograd, np, recorded, wrap_dim
from ._index_kernel import like
from .indexing_assign import _scalar_value, expanded_inplace
from ._out import same_dtype
from ._registry import grad_fn, register, tensor_field
from ._xp import provide
from .scatter import (Key, _reduce_formulas, check_reduce_dtype, fill_at, reduce_at, selected,
                      write_at)
from .scatter_checks import bool_key, invalid_combination, need_tensor

__all__ = ["index_add", "index_copy", "index_fill", "index_reduce", "index_put"]


def _dtype_name(a):
    return D.SCALAR_NAMES[D._BY_NP[a.dtype]]


def _key(x, d, idx):
    """The places of a slice-wise index: `idx` along `d`, all of the rest."""
    if x.ndim == 0:
        return bool_key(x, idx)
    return Key((slice(None),) * d + (idx.reshape(-1),))


def _same_device(name, x, idx, s):
    """index_add's and index_copy's device check (index_fill's value counts
    as a source on self's device)."""
    devs = ["meta" if _meta.is_meta(a) else "cpu" for a in (x, idx, s)]
    if devs[0] != devs[1] or devs[0] != devs[2]:
        raise RuntimeError(f"{name}(): self, index and source expected to be in the same device, "
                           f"but got (self) {devs[0]}, (index) {devs[1]}, and (source) {devs[2]}")


def _slice_checks(input, dim, index, source, name):
    """index_add's and index_reduce's checks: (input array, dim, index, source array)."""
    need_tensor(index, name.rstrip("_"), "index", 2)
    need_tensor(source, name.rstrip("_"), "source", 3)
    x = input._data
    d = wrap_dim(dim, x.ndim)
    idx = index._data
    if idx.dtype not in (np.int32, np.int64):
        kind = _dtype_name(idx) if idx is not None else _tname(index)
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index but got: {kind}")
    if idx.ndim > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector, but got dim: {idx.ndim} "
                         f"with type: {_dtype_name(idx)} and size: {list(idx.shape)}")
    s = source._data
    if s.dtype != x.dtype:
        raise RuntimeError(f"{name}(): self ({_dtype_name(x)}) and source ({_dtype_name(s)}) "
                           "must have the same scalar type")
    along = s.shape[d] if s.ndim else 1
    if idx.size != along:
        raise RuntimeError(f"{name}(): Number of indices ({idx.size}) should be equal to "
                           f"source.size(dim): ({along}), for dim: {d}")
    if s.ndim != x.ndim or any(a != b for i, (a, b) in enumerate(zip(x.shape, s.shape))
                               if i != d):
        raise RuntimeError("source tensor shape must match self tensor shape, excluding the "
                           f"specified dimension. Got self.shape = {list(x.shape)} "
                           f"source.shape = {list(s.shape)}")
    return x, d, idx, s


def _source_values(s, x):
    return s.reshape(-1) if x.ndim == 0 else s


# PyTorch's nodes show the dim and index as given; index_add keeps the
# index only when the source requires grad.
_GIVEN = {"dim": "given_dim", "index": tensor_field("index")}
# PyTorch's source formulas read the source (its dim), so it is saved.
def _slices_of(xp, g, source, key):
    """g's slices at the index: recorded, derivatives.yaml's
    grad.index_select(dim, index).expand_as(source)."""
    if xp.recording and g.ndim and source.ndim == g.ndim:
        return selected(xp, g, key).expand_as(source)
    return xp.take_at(g, key)


IndexAddBackward0 = grad_fn("IndexAddBackward0", saved={
    "alpha": "alpha", "dim": ("given", lambda given: given[0]), "source_dim": "source_dim",
    "index": tensor_field(("given", lambda given: given[1]), needs=1)},
    self=lambda xp, g: g,
    source=lambda xp, g, source, key, alpha: _slices_of(xp, g, source, key)
    if alpha == 1 else xp.mul_scalar(_slices_of(xp, g, source, key), alpha))


def index_add(input, dim, index, source, *, alpha=1):
    """`input` with `alpha * source` added to the slices `index` names along `dim`."""
    x, d, idx, s = _slice_checks(input, dim, index, source, "index_add_")
    _same_device("index_add", x, idx, s)
    size = x.shape[d] if x.ndim else 1
    bad = (idx < 0) | (idx >= size)
    if bad.any():
        # (PyTorch adds along the first or last dim by scatter_add, whose
        # words these are, for an int64 index; elsewhere slice by slice)
        if x.ndim < 2 or idx.dtype != np.int64 or d not in (0, x.ndim - 1):
            raise IndexError("index out of range in self")
        raise RuntimeError(f"index {idx[bad][0]} is out of bounds for dimension {d} with size "
                           f"{size}")
    if x.dtype.kind in "iu" or x.dtype.kind == "b":
        alpha = int(alpha)
    vals = _source_values(s, x)
    if alpha != 1:
        vals = (vals * alpha).astype(x.dtype)
    key = _key(x, d, idx)
    data = write_at(x, key, vals, np.add)
    # (input's gradient is the gradient itself: the index is kept for source's)
    return keep_index(recorded(IndexAddBackward0, data, (input, source),
                               (key, alpha, (dim, index._data), s.ndim)),
                      index if source._requires_grad else None)


IndexCopyBackward0 = grad_fn("IndexCopyBackward0", saved={**_GIVEN, "source_dim": "source_dim"},
                             self=lambda xp, g, key, given_dim, index:
                             xp.index_fill_at(g, key, given_dim, index),
                             source=lambda xp, g, source, key: _slices_of(xp, g, source, key))


def index_copy(input, dim, index, source):
    """`input` with the slices `index` names along `dim` replaced by `source`'s."""
    need_tensor(index, "index_copy", "index", 2)
    need_tensor(source, "index_copy", "source", 3)
    x = input._data
    _same_device("index_copy", x, index._data, source._data)
    d = wrap_dim(dim, x.ndim)
    idx = index._data
    if idx.dtype != np.int64:
        raise RuntimeError("index_copy_(): Expected a long tensor for index, but got "
                           f"{_dtype_name(idx)}")
    if idx.ndim > 1:
        raise IndexError(f"index_copy_(): Index should have dimension 1 or 0 (got {idx.ndim})")
    s = source._data
    # (PyTorch counts a scalar source's indices and checks dimensionality before dtypes)
    if s.ndim == 0 and idx.size != 1:
        raise IndexError("index_copy_(): When source is scalar, index should have one element "
                         f"(got {idx.size})")
    if x.ndim and s.ndim and s.ndim != x.ndim or (x.ndim > 1 and s.ndim == 0):
        raise IndexError("index_copy_(): When source and destination are not scalars, their "
                         f"dimensionality must match. Source dimensionality ({s.ndim}), "
                         f"destination dimensionality ({x.ndim})")
    if s.dtype != x.dtype:
        raise RuntimeError("index_copy_(): self and source expected to have the same dtype, "
                           f"but got (self) {_dtype_name(x)} and (source) {_dtype_name(s)}")
    xrest = x.shape[:d] + x.shape[d + 1:]
    srest = s.shape[:d] + s.shape[d + 1:]
    if s.ndim and xrest != srest:
        raise RuntimeError(
            "index_copy_(): Source/destination tensor must have same slice shapes. Destination "
            f"slice shape: {' '.join(map(str, xrest))} at dimension {d} and source slice shape: "
            f"{' '.join(map(str, srest))} at dimension 0.")
    along = s.shape[d] if s.ndim else 1
    if idx.size != along:
        raise IndexError(f"index_copy_(): Number of indices ({idx.size}) should be equal to "
                         f"source.size(dim) ({along})")
    size = x.shape[d] if x.ndim else 1
    bad = (idx < 0) | (idx >= size)
    if bad.any():
        raise IndexError(f"index_copy_(): index {idx[bad][0]} is out of bounds for dimension "
                         f"{d} with size {size}")
    key = _key(x, d, idx)
    data = write_at(x, key, _source_values(s, x))
    return keep_index(recorded(IndexCopyBackward0, data, (input, source), (key, dim, idx, s.ndim)),
                      index)


# (the dim and index reach index_fill_at: its recorded node shows them too;
# index_reduce's formulas, shared with scatter_reduce, pass none)
IndexFillBackward0 = grad_fn("IndexFillBackward0", saved=_GIVEN,
                             self=lambda xp, g, key, given_dim, index:
                             xp.index_fill_at(g, key, given_dim, index))
# A value tensor gets the gradient of every filled place, each once.
IndexFillBackward1 = grad_fn("IndexFillBackward1", saved=_GIVEN,
                             self=lambda xp, g, key, given_dim, index:
                             xp.index_fill_at(g, key, given_dim, index),
                             value=lambda xp, g, unique_key: xp.sum(selected(xp, g, unique_key),
                                                                    None))


# (recorded as PyTorch's formulas do it, grad.index_fill(dim, index, 0))
provide("index_fill_at", lambda g, key, dim=None, index=None: fill_at(g, key),
        lambda g, key, dim=None, index=None: recorded(
            IndexFillBackward0, fill_at(g._data, key), (g,), (key, dim, index)))

_FILL_SIGNATURES = ((("int dim", "Tensor index", "Tensor value"), False),
                    (("int dim", "Tensor index", "Number value"), False))


def index_fill(input, dim, index, value):
    """`input` with the slices `index` names along `dim` set to `value`."""
    if (not isinstance(value, (Tensor, int, float, bool, complex, np.number, np.bool_))
            or not isinstance(index, Tensor) or not isinstance(dim, (int, np.integer))):
        raise invalid_combination("index_fill", (dim, index, value), {}, _FILL_SIGNATURES)
    x = input._data
    # (PyTorch fills through index_copy, its value a source on self's device)
    _same_device("index_copy", x, index._data, x)
    if isinstance(value, (complex, np.complexfloating)) and x.dtype.kind != "c":
        raise RuntimeError("index_fill_(): Converting complex Scalar to non-complex type is not "
                           "supported")
    if isinstance(value, Tensor) and value._data.ndim:
        raise RuntimeError("index_fill_ only supports a 0-dimensional value tensor, but got "
                           f"tensor with {value._data.ndim} dimension(s).")
    idx = given = index._data
    if idx.dtype != np.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    d = wrap_dim(dim, x.ndim)
    if idx.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    size = x.shape[d] if x.ndim else 1
    bad = (idx < -size) | (idx >= size)
    if bad.any():
        raise IndexError(f"index {idx[bad][0]} is out of bounds for dimension {d} with size "
                         f"{size}")
    idx = np.where(idx < 0, idx + size, idx)
    key = _key(x, d, idx)
    # (a number, or a tensor's item(), as c10 converts it: refused where it
    # overflows the dtype)
    v = _scalar_value(value._data.item() if isinstance(value, Tensor) else value, x.dtype)
    data = like(write_at(x, key, v), x)
    if isinstance(value, Tensor):
        return keep_index(recorded(IndexFillBackward1, data, (input, value),
                                   (key, dim, given, _key(x, d, np.unique(idx)))), index)
    return keep_index(recorded(IndexFillBackward0, data, (input,), (key, dim, given)), index)


IndexReduceBackward0 = grad_fn("IndexReduceBackward0", saved={
    **_GIVEN, "include_self": "include_self", "reduce": "reduce"}, **_reduce_formulas("source"))


def index_reduce(input, dim, index, source, reduce, *, include_self=True):
    """`source` reduced into the slices `index` names along `dim` with 'prod',
    'mean', 'amax' or 'amin'; `include_self=False` leaves out the input's own
    values there."""
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError("index_reduce(): Expected reduce to be one of prod, mean, amax or "
                           f"amin but got {reduce}.")
    x, d, idx, s = _slice_checks(input, dim, index, source, "index_reduce_")
    # (the kernel's note, after the checks of its meta function)
    warn_once("index_reduce() is in beta and the API may change at any time.",
              cpp="aten/src/ATen/native/TensorAdvancedIndexing.cpp:1523")
    size = x.shape[d] if x.ndim else 1
    if ((idx < 0) | (idx >= size)).any():
        raise IndexError("index out of range in self")
    if not include_self and (x.dtype.kind == "c" or x.dtype == np.bool_):
        # (its kernel's dispatch: every real type but bool)
        raise kernel_refuses("index_reduce_func_exclude_input_init", x.dtype)
    check_reduce_dtype(x, reduce, "div_floor_cpu")
    if x.dtype.kind == "c" and reduce in ("amax", "amin"):
        raise kernel_refuses("maximum_cpu" if reduce == "amax" else "minimum_cpu", x.dtype)
    key = _key(x, d, idx)
    data = reduce_at(x, key, _source_values(s, x), reduce, include_self)
    no_complex_autograd("index_reduce", data, input, source)
    return keep_index(recorded(IndexReduceBackward0, data, (input, source),
                               (key, None, s.shape, reduce, include_self, dim, idx)), index)


# index_put: the overwritten places get no gradient unless accumulating; the
# values get their places' gradient (repeated indices each get it).
def _index_put_self_grad(xp, g, key, accumulate):
    if accumulate:
        return g
    if xp.recording:    # (derivatives.yaml's grad.index_put(indices, zeros_like(values), false))
        return g.index_put(tuple(Tensor._wrap(k) for k in key), g.new_zeros(()))
    return xp.index_fill(g, key, 0)


IndexPutBackward0 = grad_fn("IndexPutBackward0", saved={
                            "accumulate": "accumulate", "indices": tensor_field("indices")},
                            self=_index_put_self_grad,
                            values=lambda xp, g, key: g[key])


def index_put(input, indices, values, accumulate=False):
    """`input` with `values` put at the places `indices` (a tuple of index
    tensors, as in input[indices] = values) name; `accumulate` adds them.
    PyTorch's order: the count of indices, the masked_fill shortcut (one
    mask, one value), at::index's checks, the value's shape, its dtype,
    then the bounds."""
    from .indexing_assign import _masked_fill, _scalar_value
    from . import _index_kernel as K
    if not isinstance(indices, (tuple, list)):
        raise TypeError("index_put(): argument 'indices' (position 1) must be tuple of Tensors, "
                        f"not {_tname(indices)}")
    for i, k in enumerate(indices):
        if not isinstance(k, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{_tname(k)}")
    need_tensor(values, "index_put", "values", 2)
    x = input._data
    keys = tuple(indices)
    if not keys and not accumulate and values._data.size == 1:
        # (PyTorch's words: its masked_fill shortcut taken with no mask)
        raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype "
                           "nullptr (uninitialized)" if x.ndim == 0
                           else "sym_strides() called on an undefined Tensor")
    if len(keys) > x.ndim:
        raise IndexError(f"too many indices for tensor of dimension {x.ndim} (got {len(keys)})")
    advanced, d = [], 0
    for k in keys:
        advanced.append((d, k._data))
        d += k._data.ndim if k._data.dtype in (np.bool_, np.uint8) else 1
    v = values._data
    empty = False
    masked = not accumulate and _masked_fill(advanced, v, x.shape)
    if masked:
        v = _scalar_value(v.reshape(()).item(), x.dtype)
    else:
        K.check_types([a for _, a in advanced])
        expanded = K.expand(advanced, x.shape)
        bshape = K.broadcast_shape(expanded)
        target = x.shape if bshape is None else K.layout(x, expanded, bshape)[0]
        try:
            if len(v.shape) > len(target):
                raise ValueError
            np.broadcast_to(np.empty(v.shape, np.bool_), target)
        except ValueError:
            raise RuntimeError(f"shape mismatch: value tensor of shape {list(v.shape)} cannot be "
                               f"broadcast to indexing result of shape {list(target)}") from None
        if v.dtype != x.dtype:
            raise RuntimeError(
                "Index put requires the source and destination dtypes match, got "
                f"{_dtype_name(x)} for the destination and {_dtype_name(v)} for the source.")
        if bshape is None:
            raise K.NO_INDEX
        empty = not K.check_bounds(x.shape, expanded, bshape, int(np.prod(target)))
    # (an empty result's indices are never checked: harmless ones for the gradient)
    key = tuple(a.astype(bool) if a.dtype == np.uint8 else
                np.zeros_like(a) if empty and a.dtype != np.bool_ else a
                for _, a in advanced if a.ndim or a.dtype not in (np.bool_, np.uint8))
    if masked:
        # (masked_fill: the mask takes the first dims, a 0-d one all)
        m = advanced[0][1].astype(bool)
        key = (np.broadcast_to(m.reshape(m.shape + (1,) * (x.ndim - m.ndim)), x.shape),)
    data = _meta.array_copy(x, order="K")     # (index_put starts from x.clone(): x's layout)
    if empty:
        pass
    elif accumulate:
        np.add.at(data, key, np.broadcast_to(v, target))
    else:
        data[key] = v
    return keep_index(recorded(IndexPutBackward0, data, (input, values),
                               (key, accumulate, tuple(k._data for k in keys))), *keys)


register(index_add, inplace=True, node=IndexAddBackward0, out=same_dtype())
register(index_copy, inplace=True, node=IndexCopyBackward0, out=same_dtype())
def _fill_fails_first(t, dim, index, value):
    # (the index's dtype, the value's dims, the arguments' kinds come before
    # the warning about an expanded tensor)
    return (not isinstance(index, Tensor) or index._data.dtype != np.int64
            or not isinstance(value, (Tensor, int, float, bool, complex, np.number, np.bool_))
            or isinstance(value, Tensor) and value._data.ndim > 0)


def _put_fails_first(t, indices, values, accumulate=False):
    return (not isinstance(indices, (tuple, list)) or not isinstance(values, Tensor)
            or not all(isinstance(k, Tensor) for k in indices) or len(indices) > t._data.ndim)


register(index_fill, node=IndexFillBackward0, out=False, inplace=expanded_inplace(
    index_fill, "index_fill_", 1913, "tensor[mask] = scalar", _fill_fails_first))
register(index_reduce, inplace=True, node=IndexReduceBackward0, out=same_dtype())
# (torch.index_put_ is a function too)
register(index_put, node=IndexPutBackward0, out=False, inplace_function=True,
         inplace=expanded_inplace(index_put, "index_put_", 976, "tensor[indices] = tensor",
                                  _put_fails_first, lambda t, i, v, accumulate=False: accumulate))
