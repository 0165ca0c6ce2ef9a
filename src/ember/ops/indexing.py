"""Indexing (`t[...]`, `t[...] = v`) and its derivatives.

Like PyTorch, a basic index is applied one item at a time (an int selects,
a slice slices, None unsqueezes), each a view with its own node; advanced
indices (integer lists/tensors, bool masks) are applied last, by one
IndexBackward0 node. Every backward formula scatters the gradient into
zeros of the input's shape at the same key (`xp.index_backward`).
"""
from ._common import D, Tensor, _state, derivative, np, record, wrap

N = derivative

_scatter = lambda xp, g, shape, key: xp.index_backward(g, shape, key, False)
SelectBackward0 = N("SelectBackward0", self=_scatter)
SliceBackward0 = N("SliceBackward0", self=_scatter)
IndexBackward0 = N("IndexBackward0",
                   self=lambda xp, g, shape, key: xp.index_backward(g, shape, key, True))


def _basic(input, key, node):
    """One basic-index step: a view of `input` recorded as `node`."""
    from .shape import _view_of
    x = input._data
    return _view_of(x[key], input, node, (x.shape, key))


def _select(input, d, i):
    x = input._data
    if x.ndim == 0:
        raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                         "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
    size = x.shape[d]
    if not -size <= i < size:
        raise IndexError(f"index {i} is out of bounds for dimension {d} with size {size}")
    return _basic(input, (slice(None),) * d + (i,), SelectBackward0)


def _slice(input, d, s):
    return _basic(input, (slice(None),) * d + (s,), SliceBackward0)


def _is_advanced(item):
    return isinstance(item, (list, np.ndarray, Tensor)) and not (
        isinstance(item, Tensor) and item._data.ndim == 0 and item._data.dtype.kind in "iu")


def _advanced_array(item, dim_size, d):
    arr = item._data if isinstance(item, Tensor) else np.asarray(item)
    if arr.dtype.kind == "f":
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    if arr.dtype.kind in "iu" and arr.size:
        bad = arr[(arr >= dim_size) | (arr < -dim_size)]
        if bad.size:
            raise IndexError(
                f"index {int(bad.flat[0])} is out of bounds for dimension {d} with size {dim_size}")
    return arr


def getitem(input, key):
    from .shape import alias, unsqueeze
    if not isinstance(key, tuple):
        # A lone slice is always recorded, even `t[:]` (PyTorch's fast path).
        if isinstance(key, slice):
            if input._data.ndim == 0:
                raise IndexError("invalid index of a 0-dim tensor.")
            return _slice(input, 0, key)
        if key is Ellipsis:
            return alias(input)
        key = (key,)
    x = input._data
    consumed = 0
    for item in key:
        if item is None or item is Ellipsis:
            continue
        if isinstance(item, (Tensor, np.ndarray)) and item.dtype in (D.bool_, np.bool_):
            consumed += item.ndim
        else:
            consumed += 1
    if consumed > x.ndim:
        raise IndexError(f"too many indices for tensor of dimension {x.ndim}")
    out, d, advanced = input, 0, []
    for item in key:
        if isinstance(item, (bool, np.bool_)):
            item = Tensor._wrap(np.asarray(item))
        if item is Ellipsis:
            d += x.ndim - consumed
        elif item is None:
            out = unsqueeze(out, d)
            d += 1
        elif isinstance(item, slice):
            if item != slice(None):
                out = _slice(out, d, item)
            d += 1
        elif _is_advanced(item):
            arr = _advanced_array(item, out._data.shape[d] if d < out._data.ndim else 0, d)
            if arr.dtype == np.bool_:
                _check_mask(arr, out._data.shape, d)
            advanced.append((d, arr))
            d += arr.ndim if arr.dtype == np.bool_ else 1
        else:
            try:
                i = item.__index__()
            except (AttributeError, TypeError):
                raise IndexError(
                    "only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                    f"Variables are valid indices (got {type(item).__name__})") from None
            out = _select(out, d, i)
    if not advanced:
        if out is input:
            return alias(input)
        return out
    nkey = []
    for d, arr in advanced:
        nkey.extend([slice(None)] * (d - len(nkey) - _mask_extra(nkey)))
        nkey.append(arr)
    nkey = tuple(nkey)
    y = out._data
    data = y[nkey]
    if out._requires_grad and _state.enabled:
        return record(data, IndexBackward0, (out,), (), (y.shape, nkey))
    return wrap(data)


def _mask_extra(nkey):
    return sum(a.ndim - 1 for a in nkey if isinstance(a, np.ndarray) and a.dtype == np.bool_)


def _check_mask(mask, shape, d):
    for j, s in enumerate(mask.shape):
        if d + j >= len(shape) or shape[d + j] != s:
            raise IndexError(
                f"The shape of the mask {list(mask.shape)} at index {j} does not match the "
                f"shape of the indexed tensor {list(shape)} at index {d + j}")


def _numpy_key(key):
    """A key with Tensors replaced by arrays (for assignment)."""
    if not isinstance(key, tuple):
        key = (key,)
    return tuple(k._data if isinstance(k, Tensor) else k for k in key)


CopySlices = N("CopySlices",
               self=lambda xp, g, key: xp.index_fill(g, key, 0),
               src=lambda xp, g, key: g[key])


def setitem(input, key, value):
    """t[key] = value, in place; recorded as CopySlices when grad is involved."""
    from .inplace import check_inplace, commit_inplace
    nkey = _numpy_key(key)
    check_inplace(input)
    v = value._data if isinstance(value, Tensor) else value
    tracked = _state.enabled and (input._requires_grad or (
        isinstance(value, Tensor) and value._requires_grad))
    if not tracked:
        input._data[nkey] = v
        input._bump()
        return
    if not isinstance(value, Tensor):
        value = wrap(np.asarray(v, dtype=input._data.dtype))
    new = input._data.copy()
    new[nkey] = v
    before = Tensor._wrap(input._data, input._requires_grad)
    before._grad_fn = input._grad_fn
    result = record(new, CopySlices, (before, value), (), (nkey,))
    commit_inplace(input, result)
