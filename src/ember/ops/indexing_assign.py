"""t[key] = value, as PyTorch's THPVariable_setitem does it: the value made
a tensor, the key's basic part applied (its errors first), the in-place
check, then a copy into the view (CopySlices) or index_put_ (its masked_fill
shortcut for one mask and one value, else at::index's checks, then the
value's shape, dtype, and the bounds, in that order)."""
from .. import _meta
from .._backend import cast, quiet_call, round_double_for_half
from .._meta import is_meta
from .._python_data import _scalar_to, scalar_arg
from .._settings import warn_at_caller
from ..autograd import _forward
from ._common import D, Tensor, keep_index, np, recorded, tracked
from . import _index_kernel as K
from ._overlap import check_no_partial_overlap
from .indexing import (CopySlices, FillBackward3, IndexPutBackward0, _advanced_array, _is_advanced,
                       _dims_taken, _normalize_key, _skipped_slices, apply_slicing,
                       check_lone_item)


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
    from .inplace import (OVERLAP_MESSAGE, CopyBackwards, check_inplace, commit_inplace,
                          writable)
    from .shape import expand, reshape
    if not isinstance(value, (Tensor, int, float, complex, bool, np.number, np.bool_)):
        raise TypeError(f"can't assign a {_type_name(value)} to a {input.type()}")
    x = input._data
    if isinstance(value, Tensor):
        v = value._data
    elif x.dtype in D.HALF_NP and isinstance(value, (int, float, complex, np.number)):
        # (PyTorch sets a float16 or bfloat16 element from a double tensor:
        # the number checked as a double, then cast, so out of range is inf)
        v = quiet_call(np.float32, _scalar_to(scalar_arg(value, setitem=True), np.float64))
        v = cast(v, x.dtype)
    else:
        v = _scalar_value(scalar_arg(value, setitem=True), x.dtype)
    if key is False:
        return      # (PyTorch's setitem does nothing for it, not even a version bump)
    check_lone_item(input, key)
    items = _normalize_key(key)
    skipped = _skipped_slices(items, x.shape)
    w = Tensor._wrap(x)
    view, advanced = apply_slicing(w, items)      # its select errors come first
    through_view = view is not w
    check_inplace(input, through_view=through_view,
                  view_op=_last_view_op(items, skipped) if through_view else None)
    basic = not advanced
    if not basic and _overlaps(x):
        warn_at_caller(
            "Use of index_put_ on expanded tensors is deprecated. Please clone() the tensor "
            "before performing this operation. This also applies to advanced indexing e.g. "
            "tensor[indices] = tensor",
            cpp="aten/src/ATen/native/TensorAdvancedIndexing.cpp:976")
    masked = not basic and _masked_fill(advanced, v, view._data.shape)
    check_no_partial_overlap(view._data if basic else x, (value,))
    if basic:
        target = view._data.shape
        if isinstance(value, Tensor):
            _check_broadcast(v.shape, target, True, value)
        if _overlaps(view._data):
            raise RuntimeError(OVERLAP_MESSAGE)
    elif not masked:
        y = view._data
        K.check_types([a for _, a in advanced])
        indices = K.expand(advanced, y.shape)
        bshape = K.broadcast_shape(indices)
        target, _ = K.layout(y, indices, bshape)
        if isinstance(value, Tensor):
            _check_broadcast(v.shape, target, False, value)
            if v.dtype != x.dtype:
                raise RuntimeError(
                    "Index put requires the source and destination dtypes match, got "
                    f"{D.SCALAR_NAMES[input.dtype]} for the destination and "
                    f"{D.SCALAR_NAMES[value.dtype]} for the source.")
        # (the kernel checks, and writes, only the elements the result has)
        empty = not K.check_bounds(y.shape, indices, bshape, int(np.prod(target)))
    if masked and isinstance(value, Tensor):
        # (the shortcut fills with value.item(), of any dtype or shape, converted
        # as a number is: a complex one with an imaginary part into a real
        # tensor overflows)
        v = _scalar_value(v.reshape(()).item(), x.dtype)
    nkey = _numpy_key(items, x)
    if v.dtype.kind == "c" and x.dtype.kind != "c":
        v = v.real      # (PyTorch's copy drops the imaginary part, mostly without a word)
    if x.dtype in D.HALF_NP:
        v = round_double_for_half(v, x.dtype)
    # (a float source into an integer tensor converts NaN and inf silently, as
    # PyTorch; nothing is written, or bounds-checked, where the result is empty)
    write = basic or masked or not empty
    if not tracked(input, value):
        write and quiet_call(writable(x).__setitem__, nkey, v)
        input._bump()
        return
    new = x.copy()
    write and quiet_call(new.__setitem__, nkey, v)
    # (written as without grad: into an expanded tensor, only the places named)
    write and quiet_call(writable(x).__setitem__, nkey, v)
    before = Tensor._wrap(x, input._requires_grad)
    before._grad_fn = input._grad_fn
    _forward.carry(input, before)
    src = value if isinstance(value, Tensor) else None
    # PyTorch's copy_to: a source of the target's shape is copied, a 0-d one
    # filled in, any other broadcast through view + expand nodes.
    target = view._data.shape if basic else None
    fill = src is None or (v.ndim == 0 and (not basic or len(target) != 0))
    if not fill and basic and v.shape != target:
        if v.ndim < len(target):
            src = reshape(src, (1,) * (len(target) - v.ndim) + v.shape)
        src = expand(src, target)
    if all(k is Ellipsis or i in skipped for i, k in enumerate(items)):
        # The key names the whole tensor (`...`, `:`): PyTorch fills or
        # copies into it, with no view between.
        result = recorded(FillBackward3 if fill else CopyBackwards, new, (before, src))
    else:
        if through_view:
            result = recorded(CopySlices, new, (before, src), (nkey,))
        else:
            uint8 = any(a.dtype == np.uint8 for _, a in advanced)
            result = recorded(IndexPutBackward0, new, (before, src), (nkey, uint8))
        keep_index(result, *[k for k in (key if isinstance(key, tuple) else (key,))
                             if isinstance(k, Tensor) and _is_advanced(k)])
    commit_inplace(input, result, overlap_checked=True, written=True)


def _overlaps(a):
    """Do elements share memory (an expanded tensor; a meta tensor has none)?"""
    return (a.size > 1 and not is_meta(a)
            and any(s == 0 and n > 1 for s, n in zip(a.strides, a.shape)))


def _masked_fill(advanced, v, shape):
    """Does index_put_ take its masked_fill shortcut: one value, and one
    index, a bool mask (checked against the dims it covers)? A uint8 one
    then fails there."""
    if v.size != 1 or len(advanced) != 1 or advanced[0][1].dtype not in (np.bool_, np.uint8):
        return False
    d, mask = advanced[0]
    for j, s in enumerate(mask.shape):
        if d + j >= len(shape) or shape[d + j] != s:
            raise IndexError(
                f"The shape of the mask {list(mask.shape)} at index {j} does not match "
                f"the shape of the indexed tensor {list(shape)} at index {d + j}")
    if mask.dtype == np.uint8:
        raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype "
                           "unsigned char")
    return True


def _numpy_key(items, x):
    """The (normalized) key as NumPy reads it for assignment: tensors as
    arrays (a uint8 one as a mask), each ... as the dims it stands for."""
    rest = x.ndim - sum(_dims_taken(k) for k in items)
    out = []
    for k in items:
        if k is Ellipsis:
            # (PyTorch reads each ... as the dims not named; a second one then
            # stands for none that remain)
            out.extend([slice(None)] * rest)
            rest = 0
            continue
        if isinstance(k, Tensor):
            k = k._data
            if k.ndim and k.dtype == np.uint8:
                k = k.astype(bool)
            elif not k.ndim and k.dtype == np.uint8:
                k = np.bool_(k)
        elif isinstance(k, (list, np.ndarray)):
            k = _advanced_array(k)
            k = k.astype(bool) if k.dtype == np.uint8 else k
        out.append(k)
    return _as_selected(tuple(out), x.shape)


def _is_int(k):
    return isinstance(k, (int, np.integer)) and not isinstance(k, (bool, np.bool_))


def _as_selected(key, shape):
    """`key` as NumPy reads it in PyTorch's layout. PyTorch takes an int as
    a select before indexing by the arrays; NumPy takes it as one more
    array, and where a slice then parts the arrays it puts their dims first
    (x[0, :, [0, 1, 2]]: PyTorch's (slice, list), NumPy's (list, slice)).
    Such a key (ints, slices, integer arrays) is given as arrays alone,
    each shaped for its place in PyTorch's layout."""
    if not any(map(_is_int, key)) or not all(
            _is_int(k) or isinstance(k, slice) or (isinstance(k, np.ndarray) and k.dtype.kind in "iu")
            for k in key):
        return key
    kept = [(k, n) for k, n in zip(key, shape) if not _is_int(k)]     # (after the selects)
    arrays = [i for i, (k, _) in enumerate(kept) if isinstance(k, np.ndarray)]
    if not arrays:
        return key
    block = np.broadcast_shapes(*(kept[i][0].shape for i in arrays))
    # (at::index: the arrays' dims where the first array stands if they are
    # adjacent, else first)
    at = arrays[0] if arrays[-1] - arrays[0] == len(arrays) - 1 else 0
    ndim = len(kept) - len(arrays) + len(block)
    lead = sum(isinstance(kept[j][0], slice) for j in range(at))
    axes, axis = {}, 0      # kept item -> its axis in the result, for the slices
    for j, (k, _) in enumerate(kept):
        axis += len(block) if j == at else 0
        if isinstance(k, slice):
            axes[j], axis = axis, axis + 1
    out, j = [], 0
    for k in key:
        if _is_int(k):
            out.append(k)
            continue
        k, n = kept[j]
        if isinstance(k, slice):
            where = [1] * ndim
            where[axes[j]] = -1
            out.append(np.arange(n)[k].reshape(where))
        else:
            out.append(np.broadcast_to(k, block).reshape(
                (1,) * lead + block + (1,) * (ndim - lead - len(block))))
        j += 1
    return tuple(out)


def _scalar_value(value, dtype):
    """A Python number as a tensor of `dtype` takes it: c10's checked
    conversion (_python_data._scalar_to) for a real dtype."""
    if dtype.kind != "c":
        value = _scalar_to(scalar_arg(value), dtype)
    return cast(np.asanyarray(value), dtype)


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


def expanded_inplace(function, name, line, example, fails_first, accumulates=None):
    """`t.<name>(...)`, the in-place form of `function`, which PyTorch lets
    write into an expanded tensor (one whose elements share memory) with a
    deprecation warning: each place written goes to its memory (the last
    write wins; the places written are those the op changes, all with one
    value), accumulation adds up. `fails_first(t, *args)`: does an error
    come before the warning; `accumulates(t, *args)`: does the op add."""
    from .inplace import check_inplace, make_inplace, writable
    generic = make_inplace(function, name)

    def method(self, *args, **kwargs):
        x = self._data
        w = writable(x) if _overlaps(x) else x
        if w is x or tracked(self, *args, *kwargs.values()) or fails_first(self, *args, **kwargs):
            return generic(self, *args, **kwargs)
        check_inplace(self)
        warn_at_caller(f"Use of {name} on expanded tensors is deprecated. Please clone() the "
                       "tensor before performing this operation. This also applies to advanced "
                       f"indexing e.g. {example}",
                       cpp=f"aten/src/ATen/native/TensorAdvancedIndexing.cpp:{line}")
        old = _meta.array_copy(x)
        new = function(Tensor._wrap(old.copy()), *args, **kwargs)._data
        if accumulates is not None and accumulates(self, *args, **kwargs):
            step = new - old
            at = np.nonzero(step)
            np.add.at(w, at, step[at])
        else:
            places = new != old
            w[places] = new[places]
        self._bump()
        return self
    method.__name__ = method.__qualname__ = name
    return method

