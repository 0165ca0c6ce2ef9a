"""Indexing (`t[...]`, `t[...] = v`) and its derivatives.

Like PyTorch, a basic index is applied one item at a time (an int selects,
a slice slices, None unsqueezes), each a view with its own node; advanced
indices (integer lists/tensors, bool masks) are applied last, by one
IndexBackward0 node. Every backward formula scatters the gradient into
zeros of the input's shape at the same key (`xp.index_backward`).

Assignment writes in place: through a basic key it is a copy into a view
(CopySlices), through an advanced key an index_put (IndexPutBackward0).
"""
import operator
import warnings

from .._backend import cast, quiet_call
from .._python_data import _scalar_to, scalar_arg
from .._settings import triggered
from ..autograd import _forward
from ._common import D, Tensor, np, recorded, tracked
from ._registry import grad_fn, tensor_field
from ..autograd._saved_fields import constant


def _scatter(xp, g, shape, key):
    return xp.index_backward(g, shape, key, False)


def _slice_part(part, default):
    """A slice's start, end or step as PyTorch's SliceBackward0 keeps it (the
    key's last item is the slice)."""
    def get(node):
        v = getattr(node._ctx[1][-1], part)
        return default if v is None else operator.index(v)
    return get


def slice_along(input, d, start, end, given_dim):
    """input[start:end] along dim `d` (given as `given_dim`), always recorded:
    the composites' at::slice (an end of None stays None in the node)."""
    return _slice(input, d, slice(start, end), given_dim)


_INT64_MAX = 2 ** 63 - 1
# (`given_dim`: the dim as the caller gave it, which PyTorch's node shows; the
# index is the key's item before its trailing Ellipsis)
SelectBackward0 = grad_fn("SelectBackward0", self=_scatter, saved={
    "dim": "given_dim", "index": lambda node: node._ctx[1][-2], "self_sym_sizes": "shape"})
SliceBackward0 = grad_fn("SliceBackward0", self=_scatter, saved={
    "dim": "given_dim", "start": _slice_part("start", 0), "end": _slice_part("stop", None),
    "step": _slice_part("step", 1), "self_sym_sizes": "shape"})
def _given_indices(advanced):
    """PyTorch's `indices` of an index, from getitem's (dim, array) pairs:
    one per dim up to the last indexed one, None where a dim is not indexed,
    a bool mask as it was given."""
    out, at = [], 0     # (at: the next dim not yet indexed; a mask spans its ndim dims)
    for d, arr in advanced:
        out += [None] * (d - at)
        out.append(arr)
        at = d + (arr.ndim if arr.dtype == np.bool_ else 1)
    return tuple(out)


IndexBackward0 = grad_fn("IndexBackward0", saved={
    "indices": tensor_field(("advanced", _given_indices)), "self_sym_sizes": "shape"},
    self=lambda xp, g, shape, key: xp.index_backward(g, shape, key, True))
# The overwritten region gets no gradient; the values get the region's gradient
# (duplicate indices each get it, as in PyTorch).
def _put_indices(node):
    """PyTorch's `indices` of an assignment's advanced key (its NumPy key:
    arrays, `:` and `...`), as _given_indices makes them."""
    items, ndim = constant(node, "key"), len(node._shape)
    pairs, d = [], 0
    for i, k in enumerate(items):
        if k is Ellipsis:
            d = ndim - sum(np.ndim(j) if np.asarray(j).dtype == np.bool_ else 1
                           for j in items[i + 1:])
        elif isinstance(k, slice):
            d += 1
        else:
            k = np.asarray(k)
            pairs.append((d, k))
            d += k.ndim if k.dtype == np.bool_ else 1
    return _given_indices(pairs)


IndexPutBackward0 = grad_fn("IndexPutBackward0", saved={
                            "accumulate": lambda node: False,
                            "indices": tensor_field(_put_indices)},
                            self=lambda xp, g, key: xp.index_fill(g, key, 0),
                            values=lambda xp, g, key: g[key])
CopySlices = grad_fn("CopySlices", self=lambda xp, g, key: xp.index_fill(g, key, 0),
                     src=lambda xp, g, key: g[key])
CopySlices._full_name = "ember::autograd::CopySlices"
FillBackward3 = grad_fn("FillBackward3", self=lambda xp, g: g * 0,
                        value=lambda xp, g: xp.sum(g, None))

ZERO_DIM_MESSAGE = ("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                    "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")


def _basic(input, key, node, given_dim):
    """One basic-index step: a view of `input` recorded as `node`."""
    from .shape import _view_of
    x = input._data
    return _view_of(x[key], input, node, (x.shape, key, given_dim))


def _select(input, d, i, orig_dim, given_dim=None):
    x = input._data
    if x.ndim == 0:
        raise IndexError(ZERO_DIM_MESSAGE)
    size = x.shape[d]
    if not -size <= i < size:
        raise IndexError(f"index {i} is out of bounds for dimension {orig_dim} with size {size}")
    # (The Ellipsis makes NumPy answer a 0-d view, not a copied scalar, so
    # that an in-place change of the element reaches `input`: `v[i] += 1`.)
    return _basic(input, (slice(None),) * d + (i, Ellipsis), SelectBackward0,
                  d if given_dim is None else given_dim)


def _slice(input, d, s, given_dim=None):
    if s.step is not None and s.step <= 0:
        if s.step == 0:
            raise ValueError("slice step cannot be zero")
        raise ValueError("step must be greater than zero")
    return _basic(input, (slice(None),) * d + (s,), SliceBackward0,
                  d if given_dim is None else given_dim)


def _explicit(s):
    """A slice of an index as PyTorch's indexing passes it on: a missing start
    is 0 and a missing end INT64_MAX (SliceBackward0 shows them so; the
    composites' own slices keep a missing end as None)."""
    return slice(0 if s.start is None else s.start,
                 _INT64_MAX if s.stop is None else s.stop, s.step)


def _whole(s, length):
    """Does PyTorch's indexing skip this slice (no view, no node)? It skips one
    written to start at 0 with step 1 and stop at or past the end (`:`,
    `0:`, `:n` with n >= length; not `-n:`), except a lone slice in a read."""
    try:
        return ((s.start is None or operator.index(s.start) == 0)
                and (s.step is None or operator.index(s.step) == 1)
                and (s.stop is None or operator.index(s.stop) >= length))
    except TypeError:
        return False


def _skipped_slices(items, shape):
    """The positions in the key of the slices PyTorch skips (see _whole)."""
    consumed = sum(_dims_taken(k) for k in items)
    skipped, od = set(), 0
    for i, k in enumerate(items):
        if k is Ellipsis:
            od += len(shape) - consumed
        elif isinstance(k, slice):
            if od < len(shape) and _whole(k, shape[od]):
                skipped.add(i)
            od += 1
        else:
            od += _dims_taken(k)
    return skipped


def _normalize_key(key, warn=True):
    """PyTorch's reading of a key: a list holding sequences, slices or None is
    a tuple (deprecated), a range or tuple inside the key is an index list, a
    uint8 tensor is a mask, a str is refused."""
    if isinstance(key, list) and any(
            isinstance(k, (list, tuple, slice, Tensor, np.ndarray)) or k is None or k is Ellipsis
            for k in key):
        if warn:
            warnings.warn("Using a non-tuple sequence for multidimensional indexing is deprecated "
                          "and will be changed in pytorch 2.9; use x[tuple(seq)] instead of "
                          "x[seq]. In pytorch 2.9 this will be interpreted as tensor index, "
                          "x[torch.tensor(seq)], which will result either in an error or a "
                          "different result", UserWarning, stacklevel=3)
        key = tuple(key)
    if not isinstance(key, tuple):
        key = (key,)
    out = []
    for k in key:
        if isinstance(k, (str, bytes)):
            raise TypeError(f"new(): invalid data type '{type(k).__name__}'")
        if isinstance(k, (range, tuple)):
            # Any other sequence is read as torch.tensor(seq) would read it.
            k = list(k)
        if isinstance(k, Tensor) and k._data.dtype == np.uint8:
            warn and warnings.warn("indexing with dtype torch.uint8 is now deprecated, please use a "
                                   "dtype torch.bool instead."
                                   + triggered("aten/src/ATen/native/IndexingUtils.h:37"),
                                   UserWarning, stacklevel=3)
            k = Tensor._wrap(k._data.astype(bool))
        out.append(k)
    return tuple(out)


def _advanced_array(item, dim_size, d):
    if isinstance(item, Tensor):
        arr = item._data
    else:
        arr = np.asarray(item)
        if arr.size == 0:
            arr = arr.astype(np.int64)      # an empty index list is int64, as PyTorch's
    if arr.dtype.kind == "f":
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    if arr.dtype.kind in "iu" and arr.size:
        bad = arr[(arr >= dim_size) | (arr < -dim_size)]
        if bad.size:
            raise IndexError(
                f"index {int(bad.flat[0])} is out of bounds for dimension {d} with size {dim_size}")
    return arr


def _is_advanced(item):
    if isinstance(item, Tensor):
        return not (item._data.ndim == 0 and item._data.dtype.kind in "iu")
    return isinstance(item, (list, np.ndarray, bool, np.bool_))


def getitem(input, key):
    from .shape import alias, unsqueeze
    if isinstance(key, slice):
        # A lone slice is always recorded, even `t[:]` (PyTorch's fast path).
        if input._data.ndim == 0:
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
        return _slice(input, 0, _explicit(key))
    if key is Ellipsis:
        return alias(input)
    key = _normalize_key(key)
    x = input._data
    consumed = sum(_dims_taken(k) for k in key)
    if consumed > x.ndim:
        if x.ndim == 0 and len(key) == 1:
            raise IndexError(ZERO_DIM_MESSAGE)
        raise IndexError(f"too many indices for tensor of dimension {x.ndim}")
    out, d, od, advanced = input, 0, 0, []
    for item in key:
        if item is Ellipsis:
            skip = x.ndim - consumed
            d, od = d + skip, od + skip
        elif item is None:
            out = unsqueeze(out, d)
            d += 1
        elif isinstance(item, slice):
            if not _whole(item, x.shape[od]):
                out = _slice(out, d, _explicit(item))
            d, od = d + 1, od + 1
        elif isinstance(item, (bool, np.bool_)):
            # x[True] is x[None] masked by [True]: a new dim of size 1 (or 0).
            out = unsqueeze(out, d)
            advanced.append((d, np.array([bool(item)])))
            d += 1
        elif _is_advanced(item):
            arr = _advanced_array(item, out._data.shape[d] if d < out._data.ndim else 0, od)
            if arr.dtype == np.bool_:
                _check_mask(arr, out._data.shape, d)
            advanced.append((d, arr))
            step = arr.ndim if arr.dtype == np.bool_ else 1
            d, od = d + step, od + step
        else:
            try:
                i = item.__index__()
            except (AttributeError, TypeError):
                raise IndexError(
                    "only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                    f"Variables are valid indices (got {type(item).__name__})") from None
            out = _select(out, d, i, od)
            od += 1
    if not advanced:
        return alias(input) if out is input else out
    nkey = _advanced_key(advanced)
    y = out._data
    try:
        data = y[nkey]
    except IndexError as e:
        raise IndexError(_broadcast_message(nkey)) from e
    return recorded(IndexBackward0, data, (out,), (y.shape, nkey, advanced))


def _dims_taken(item):
    if item is None or item is Ellipsis or isinstance(item, (bool, np.bool_)):
        return 0
    if isinstance(item, (Tensor, np.ndarray)) and item.dtype in (D.bool_, np.bool_):
        return item.ndim
    return 1


def _advanced_key(advanced):
    nkey = []
    for d, arr in advanced:
        filled = sum(a.ndim if isinstance(a, np.ndarray) and a.dtype == np.bool_ else 1
                     for a in nkey)
        nkey.extend([slice(None)] * (d - filled))
        nkey.append(arr)
    return tuple(nkey)


def _broadcast_message(nkey):
    shapes = [list(a.shape) for a in nkey if isinstance(a, np.ndarray)]
    return ("shape mismatch: indexing tensors could not be broadcast together with shapes "
            + ", ".join(str(s) for s in shapes))


def _check_mask(mask, shape, d):
    for j, s in enumerate(mask.shape):
        if d + j >= len(shape) or shape[d + j] != s:
            raise IndexError(
                f"The shape of the mask {list(mask.shape)} at index {j} does not match the "
                f"shape of the indexed tensor {list(shape)} at index {d + j}")


# -- assignment --------------------------------------------------------------
def _last_view_op(items, skipped):
    """The view op PyTorch applies last for a basic key (what its errors name)."""
    for i in range(len(items) - 1, -1, -1):
        k = items[i]
        if isinstance(k, slice) and i not in skipped:
            return "Slice"
        if isinstance(k, (int, np.integer)) and not isinstance(k, bool):
            return "Select"
    return "Alias"


def setitem(input, key, value):
    """t[key] = value, in place, recorded as PyTorch records it: through the
    view the basic part of the key makes (CopySlices), else index_put
    (IndexPutBackward0), or a whole-tensor fill/copy for `t[...] = v`."""
    from .inplace import CopyBackwards, check_inplace, commit_inplace
    from .shape import expand, reshape
    if not isinstance(value, (Tensor, int, float, complex, bool, np.number, np.bool_)):
        raise TypeError(f"can't assign a {_type_name(value)} to a {input.type()}")
    x = input._data
    items = key if isinstance(key, tuple) else (key,)
    skipped = _skipped_slices(items, x.shape)
    basic, through_view = _is_basic(key), _makes_view(items, skipped)
    view = getitem(Tensor._wrap(x), key)._data      # raises PyTorch's index errors
    if isinstance(value, Tensor):
        v = value._data
        if not basic and v.dtype != x.dtype:
            raise RuntimeError(
                "Index put requires the source and destination dtypes match, got "
                f"{D.SCALAR_NAMES[input.dtype]} for the destination and "
                f"{D.SCALAR_NAMES[value.dtype]} for "
                "the source.")
        _check_broadcast(v.shape, view.shape, basic, value)
    elif x.dtype in D.HALF_NP and isinstance(value, (int, float, complex, np.number)):
        # (PyTorch sets a float16 or bfloat16 element from a double tensor:
        # the number checked as a double, then cast, so out of range is inf)
        v = quiet_call(np.float32, _scalar_to(scalar_arg(value, setitem=True), np.float64))
        v = cast(v, x.dtype)
    else:
        v = _scalar_value(scalar_arg(value, setitem=True), x.dtype)
    check_inplace(input, through_view=through_view,
                  view_op=_last_view_op(items, skipped) if through_view else None)
    nkey = _numpy_key(key, x)
    # (a float source into an integer tensor converts NaN and inf silently, as PyTorch)
    if not tracked(input, value):
        quiet_call(x.__setitem__, nkey, v)
        input._bump()
        return
    new = x.copy()
    quiet_call(new.__setitem__, nkey, v)
    before = Tensor._wrap(x, input._requires_grad)
    before._grad_fn = input._grad_fn
    _forward.carry(input, before)
    src = value if isinstance(value, Tensor) else None
    # PyTorch's copy_to: a source of the target's shape is copied, a 0-d one
    # filled in, any other broadcast through view + expand nodes.
    fill = src is None or (v.ndim == 0 and view.ndim != 0)
    if not fill and basic and v.shape != view.shape:
        if v.ndim < view.ndim:
            src = reshape(src, (1,) * (view.ndim - v.ndim) + v.shape)
        src = expand(src, view.shape)
    if all(k is Ellipsis or i in skipped for i, k in enumerate(items)):
        # The key names the whole tensor (`...`, `:`): PyTorch fills or
        # copies into it, with no view between.
        result = recorded(FillBackward3 if fill else CopyBackwards, new, (before, src))
    else:
        node = CopySlices if through_view else IndexPutBackward0
        result = recorded(node, new, (before, src), (nkey,))
    commit_inplace(input, result)


def _makes_view(items, skipped):
    """Does the basic part of the key make a view (an int, a slice PyTorch
    does not skip, None)? Then PyTorch writes through that view."""
    return any(k is None or (isinstance(k, slice) and i not in skipped) or (
        isinstance(k, (int, np.integer)) and not isinstance(k, (bool, np.bool_))) or (
        isinstance(k, Tensor) and k._data.ndim == 0 and k._data.dtype.kind in "iu")
        for i, k in enumerate(items))


def _is_basic(key):
    items = key if isinstance(key, tuple) else (key,)
    return all(k is None or k is Ellipsis or isinstance(k, slice) or (
        isinstance(k, (int, np.integer)) and not isinstance(k, (bool, np.bool_))) or (
        isinstance(k, Tensor) and k._data.ndim == 0 and k._data.dtype.kind in "iu")
        for k in items)


def _numpy_key(key, x):
    """The key as NumPy reads it for assignment (Tensors as arrays, a uint8
    tensor as a mask, a list holding sequences as a tuple)."""
    # (its warnings were given already; not by catch_warnings, whose entry
    # resets Python's once-per-line record of the script's own warnings)
    items = _normalize_key(key, warn=False)
    return tuple(k._data if isinstance(k, Tensor) else k for k in items)


def _scalar_value(value, dtype):
    """A Python number as a tensor of `dtype` takes it: c10's checked
    conversion (_python_data._scalar_to) for a real dtype."""
    if dtype.kind != "c":
        value = _scalar_to(scalar_arg(value), dtype)
    return cast(np.asarray(value), dtype)


def _check_broadcast(vshape, target, basic, value):
    # PyTorch drops the value's leading size-1 dims before matching.
    while vshape and vshape[0] == 1 and len(vshape) > len(target):
        vshape = vshape[1:]
    try:
        np.broadcast_to(np.empty(vshape, np.bool_), target)
    except ValueError:
        if basic and len(vshape) > len(target):
            raise RuntimeError(
                f"expand({value.type()}{{{list(vshape)}}}, size={list(target)}): the number of "
                f"sizes provided ({len(target)}) must be greater or equal to the number of "
                f"dimensions in the tensor ({len(vshape)})") from None
        if not basic:
            while vshape and vshape[0] == 1:
                vshape = vshape[1:]
            raise RuntimeError(
                f"shape mismatch: value tensor of shape {list(vshape)} cannot be broadcast to "
                f"indexing result of shape {list(target)}") from None
        lead = len(target) - len(vshape)
        for i, s in enumerate(vshape):
            j = i + lead
            if j >= 0 and s != 1 and s != target[j]:
                raise RuntimeError(
                    f"The expanded size of the tensor ({target[j]}) must match the existing "
                    f"size ({s}) at non-singleton dimension {j}.  Target sizes: "
                    f"{list(target)}.  Tensor sizes: {list(vshape)}") from None


def _type_name(value):
    t = type(value)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__name__}"
