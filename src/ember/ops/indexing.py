"""Indexing (`t[...]`, `t[...] = v`) and its derivatives.

Like PyTorch, a basic index is applied one item at a time (an int selects,
a slice slices, None unsqueezes), each a view with its own node; advanced
indices (integer lists/tensors, bool masks) are applied last, by one
IndexBackward0 node. Every backward formula scatters the gradient into
zeros of the input's shape at the same key (`xp.index_backward`).

Assignment (indexing_assign.py) writes in place: through a basic key it is
a copy into a view (CopySlices), through an advanced key an index_put
(IndexPutBackward0).
"""
from .._python_data import _tname
import operator

from .._settings import warn_at_caller
from ._common import D, Tensor, keep_index, np, recorded
from ._registry import grad_fn, tensor_field
from ..autograd._saved_fields import constant
from . import _index_kernel as K
from .inplace import FillBackward3  # noqa: F401 (t[k] = v fills as fill_ does)


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
def _select_grad(xp, g, shape, key):
    """Recorded (create_graph), PyTorch's select_backward: one node,
    SelectBackwardBackward0, whose own gradient selects again."""
    if xp.recording and len(key) >= 2 and key[-1] is Ellipsis:
        from ._xp import _index_backward
        return recorded(SelectBackwardBackward0, _index_backward(g._data, shape, key, False),
                        (g,), (len(key) - 2, key[-2]))
    return xp.index_backward(g, shape, key, False)


SelectBackwardBackward0 = grad_fn("SelectBackwardBackward0",
                                  grad_output=lambda xp, g, dim, index: xp.select(g, dim, index))
SelectBackward0 = grad_fn("SelectBackward0", self=_select_grad, saved={
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


def _uint8_again(uint8):
    """PyTorch's backward indexes again with the indices given, so a uint8
    mask warns again."""
    if uint8:
        warn_at_caller(K.UINT8_WARNING, cpp=K.UINT8_SOURCE)


def _index_grad(xp, g, shape, key, uint8):
    _uint8_again(uint8)
    if xp.recording:    # (PyTorch's index_backward: _index_put_impl_ into zeros)
        from ._xp import _index_backward
        return recorded(IndexPutImplBackward0, _index_backward(g._data, shape, key, True), (g,),
                        (key,))
    return xp.index_backward(g, shape, key, True)


IndexPutImplBackward0 = grad_fn("IndexPutImplBackward0",
                                values=lambda xp, g, key: getitem(g, key) if xp.recording
                                else g[key])


def _put_grad(xp, g, key, uint8):
    _uint8_again(uint8)
    if xp.recording and all(isinstance(k, np.ndarray) and k.dtype != np.bool_ for k in key):
        # (derivatives.yaml's grad.index_put(indices, zeros_like(values), false))
        return g.index_put(tuple(Tensor._wrap(k) for k in key), g.new_zeros(()))
    return xp.index_fill(g, key, 0)


def _put_values_grad(xp, g, key, uint8):
    _uint8_again(uint8)
    return g[key]


IndexBackward0 = grad_fn("IndexBackward0", saved={
    "indices": tensor_field(("advanced", _given_indices)), "self_sym_sizes": "shape"},
    self=_index_grad)
# The overwritten region gets no gradient; the values get the region's gradient
# (duplicate indices each get it, as in PyTorch).
def _put_indices(node):
    """PyTorch's `indices` of an assignment's advanced key (its NumPy key:
    arrays, `:` and `...`), as _given_indices makes them."""
    items, ndim = constant(node, "key"), len(node._shape)
    pairs, d = [], 0
    for i, k in enumerate(items):
        if k is Ellipsis:
            d = ndim - sum(np.ndim(j) if np.asanyarray(j).dtype == np.bool_ else 1
                           for j in items[i + 1:])
        elif isinstance(k, slice):
            d += 1
        else:
            k = np.asanyarray(k)
            pairs.append((d, k))
            d += k.ndim if k.dtype == np.bool_ else 1
    return _given_indices(pairs)


IndexPutBackward0 = grad_fn("IndexPutBackward0", saved={
                            "accumulate": lambda node: False,
                            "indices": tensor_field(_put_indices)},
                            self=_put_grad, values=_put_values_grad)
CopySlices = grad_fn("CopySlices", self=lambda xp, g, key: xp.index_fill(g, key, 0),
                     src=lambda xp, g, key: g[key])
CopySlices._full_name = "ember::autograd::CopySlices"

ZERO_DIM_MESSAGE = ("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                    "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")


def _basic(input, key, node, given_dim):
    """One basic-index step: a view of `input` recorded as `node`."""
    from .shape import _view_of
    x = input._data
    data = x[key]
    if not data.size:
        # (NumPy's strides and place of an empty view are not PyTorch's)
        from ._view_strides import empty_basic_view
        data = empty_basic_view(x, key)
    return _view_of(data, input, node, (x.shape, key, given_dim))


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
    """PyTorch's reading of a key: a short list holding sequences, slices,
    None or ... is a tuple (deprecated), a range or tuple inside the key is
    an index list, a str is refused (a str is a sequence of sequences, so
    first read as a tuple, with the warning)."""
    if isinstance(key, (list, str)) and len(key) < 32:
        for k in key:
            if isinstance(k, (list, tuple, range, slice, str, Tensor, np.ndarray)) or k is None \
                    or k is Ellipsis:
                # (the line of python_variable_indexing.cpp that warns)
                line = 359 if k is None or k is Ellipsis else 349
                warn and warn_at_caller(
                    "Using a non-tuple sequence for multidimensional indexing is deprecated "
                    "and will be changed in pytorch 2.9; use x[tuple(seq)] instead of x[seq]. "
                    "In pytorch 2.9 this will be interpreted as tensor index, "
                    "x[torch.tensor(seq)], which will result either in an error or a different "
                    "result", cpp=f"torch/csrc/autograd/python_variable_indexing.cpp:{line}")
                key = tuple(key)
                break
    if not isinstance(key, tuple):
        key = (key,)
    out = []
    for k in key:
        if isinstance(k, (str, bytes)):
            raise TypeError(f"new(): invalid data type '{_tname(k)}'")
        if isinstance(k, (range, tuple)):
            # Any other sequence is read as torch.tensor(seq) would read it.
            k = list(k)
        elif isinstance(k, np.bool_) and hasattr(k, "__index__"):
            # NumPy 1's bool is an int index (with its own deprecation warning),
            # and so it is to PyTorch there; NumPy 2's is none
            k = operator.index(k)
        out.append(k)
    return tuple(out)


def _advanced_array(item):
    """An index tensor's array; a sequence as PyTorch makes one of it: bool
    if it holds bools, else int64 (floats truncated)."""
    if isinstance(item, Tensor):
        return item._data
    try:
        arr = np.asanyarray(item)
        return arr if arr.dtype in (np.bool_, np.uint8) else arr.astype(np.int64)
    except (TypeError, ValueError):
        bad = _not_a_number(item)
        if not bad:
            raise
        raise RuntimeError(f"Could not infer dtype of {_tname(bad[0])}") from None


def _not_a_number(seq):
    """[the first item of a (nested) sequence torch.tensor cannot read], or []."""
    for k in seq:
        if isinstance(k, (list, tuple)):
            bad = _not_a_number(k)
            if bad:
                return bad
        elif not isinstance(k, (int, float, bool, np.number, np.bool_, Tensor)):
            return [k]
    return []


def _is_advanced(item):
    if isinstance(item, Tensor):
        return not (item._data.ndim == 0 and item._data.dtype.kind in "iu")
    return isinstance(item, (list, np.ndarray))


def _as_bool(item):
    """A bool, or a 0-d bool or uint8 tensor or array (read as a bool), else None."""
    if isinstance(item, bool):      # (NumPy's bool is no index to PyTorch)
        return item
    a = item._data if isinstance(item, Tensor) else item
    if isinstance(a, np.ndarray) and not a.ndim and a.dtype in (np.bool_, np.uint8):
        return bool(a)
    return None


def getitem(input, key):
    from .shape import alias
    if isinstance(key, slice):
        # A lone slice is always recorded, even `t[:]` (PyTorch's fast path).
        if input._data.ndim == 0:
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
        return _slice(input, 0, _explicit(key))
    if key is Ellipsis:
        return alias(input)
    check_lone_item(input, key)
    out, advanced = apply_slicing(input, _normalize_key(key))
    if not advanced:
        return alias(input) if out is input else out
    y = out._data
    uint8 = any(a.dtype == np.uint8 for _, a in advanced)
    data, advanced, nkey = _index(y, advanced)
    return keep_index(recorded(IndexBackward0, data, (out,), (y.shape, nkey, uint8, advanced)),
                      *[k for k in (key if isinstance(key, tuple) else (key,))
                        if isinstance(k, Tensor) and _is_advanced(k)])


def check_lone_item(input, key):
    """A key that is one int or one slice PyTorch applies at once: on a 0-d
    tensor its own error (any other key there has too many indices)."""
    if input._data.ndim == 0:
        if isinstance(key, (int, np.integer)) and not isinstance(key, (bool, np.bool_)):
            raise IndexError(ZERO_DIM_MESSAGE)
        if isinstance(key, slice):
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")


def apply_slicing(input, key):
    """PyTorch's applySlicing: the basic items of a (normalized) key applied
    one by one as views (each select checked as it comes); the advanced
    ones collected as (dim of the result, array) pairs for at::index."""
    from .shape import unsqueeze
    x = input._data
    consumed = sum(_dims_taken(k) for k in key)
    if consumed > x.ndim:
        raise IndexError(f"too many indices for tensor of dimension {x.ndim}")
    # (d: the dim of `out` the item applies to; od: of the input)
    out, d, od, advanced = input, 0, 0, []
    for pos, item in enumerate(key):
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
        elif (b := _as_bool(item)) is not None:
            # x[True] is x[None] indexed by [0] (x[False]: by []): a new dim of size 1 (or 0).
            out = unsqueeze(out, d)
            advanced.append((d, np.zeros(int(b), np.int64)))
            d += 1
        elif _is_advanced(item):
            arr = _advanced_array(item)
            advanced.append((d, arr))
            step = arr.ndim if arr.dtype in (np.bool_, np.uint8) else 1
            d, od = d + step, od + step
        else:
            try:
                i = item.__index__()
            except (AttributeError, TypeError):
                t = type(item)
                name = t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__name__}"
                raise IndexError(
                    "only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                    f"Variables are valid indices (got {name})") from None
            # (PyTorch's message names the item's position in the key)
            out = _select(out, d, i, pos)
            od += 1
    return out, advanced


def _index(y, advanced):
    """at::index of `y` by the key's (dim, array) pairs: its checks in its
    order, then its result laid out as PyTorch's kernel lays it out. Also
    the pairs with each uint8 mask made bool, and the NumPy key for the
    gradient (an empty result's indices, never checked, made harmless)."""
    K.check_types([a for _, a in advanced])
    indices = K.expand(advanced, y.shape)
    advanced = [(d, a.astype(bool) if a.dtype == np.uint8 else a) for d, a in advanced]
    bshape = K.broadcast_shape(indices)
    shape, strides = K.layout(y, indices, bshape)
    numel = int(np.prod(shape))
    if not K.check_bounds(y.shape, indices, bshape, numel):
        nkey = _advanced_key([(d, a if a.dtype == np.bool_ else np.zeros_like(a))
                              for d, a in advanced])
        return K.laid_out(np.empty(shape, y.dtype), strides), advanced, nkey
    nkey = _advanced_key(advanced)
    return K.laid_out(y[nkey], strides), advanced, nkey


def _dims_taken(item):
    """count_specified_dimensions: a bool or uint8 tensor takes its ndim."""
    if item is None or item is Ellipsis or isinstance(item, bool):
        return 0
    if isinstance(item, (Tensor, np.ndarray)) and item.dtype in (D.bool_, np.bool_, D.uint8,
                                                                   np.uint8):
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
