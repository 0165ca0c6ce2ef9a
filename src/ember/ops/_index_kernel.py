"""PyTorch's at::index after the Python key is applied: its checks, in its
order, and where its kernel puts the result's elements.

at::index checks the index tensors' dtypes, replaces each mask by its
nonzero() columns (checking the mask's shape), broadcasts the indices, and
only then (in the kernel, element by element) checks bounds. Its output is
allocated by TensorIterator, whose dim order follows the strides of the
source restrided to the result's shape and of the indices; so the result is
contiguous for a contiguous source, and follows a permuted one's layout.
"""
from .. import _layout as _L
from .._backend import np
from .._settings import warn_at_caller

_INDEX_DTYPES = (np.int64, np.int32, np.uint8, np.bool_)
UINT8_WARNING = ("indexing with dtype torch.uint8 is now deprecated, please use a dtype "
                 "torch.bool instead.")
UINT8_SOURCE = "aten/src/ATen/native/IndexingUtils.h:37"


def check_types(arrays):
    """checkIndexTensorTypes: before anything else."""
    for arr in arrays:
        if arr.dtype.type not in _INDEX_DTYPES:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")


def expand(advanced, shape):
    """expandTensors: at::index's list of indices of a tensor of `shape`, None
    for a dim not indexed, a mask replaced by its nonzero() columns after
    its shape is checked against the dims it covers."""
    out = []
    for d, arr in advanced:
        out += [None] * (d - len(out))
        if arr.dtype == np.uint8:
            warn_at_caller(UINT8_WARNING, cpp=UINT8_SOURCE)
            arr = arr.astype(bool)
        if arr.dtype == np.bool_:
            for j, s in enumerate(arr.shape):
                if len(out) + j >= len(shape) or shape[len(out) + j] != s:
                    raise IndexError(
                        f"The shape of the mask {list(arr.shape)} at index {j} does not match "
                        f"the shape of the indexed tensor {list(shape)} at index {len(out) + j}")
            # (a 0-d mask's nonzero() has no columns: it indexes nothing)
            out.extend(np.nonzero(arr) if arr.ndim else ())
        else:
            out.append(arr)
    return out


def broadcast_shape(indices):
    """The indices' broadcast shape; None when there are none."""
    shapes = [a.shape for a in indices if a is not None]
    if not shapes:
        return None
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together "
                         "with shapes " + ", ".join(str(list(s)) for s in shapes)) from None


# (PyTorch's kernel's words when no index is left: index_put_ given none, or
# only 0-d masks)
NO_INDEX = RuntimeError("ntensor >= 3 INTERNAL ASSERT FAILED at \"/__w/pytorch/pytorch/aten/src/"
                        "ATen/native/cpu/IndexKernelUtils.h\":8, please report a bug to PyTorch. ")


def _front(shape, strides, indices):
    """transposeToFront when the indexed dims are not adjacent; then the
    number of dims before them."""
    at = [i for i, a in enumerate(indices) if a is not None]
    if at[-1] - at[0] + 1 != len(at):
        order = at + [i for i, a in enumerate(indices) if a is None]
        return ([shape[i] for i in order], [strides[i] for i in order],
                [indices[i] for i in order], 0)
    return list(shape), list(strides), indices, at[0]


def check_bounds(shape, indices, bshape, numel):
    """The kernel's bounds check: the first bad index it meets, element by
    element (each element's indices in order); none when nothing is read.
    `dimension` counts the index tensors."""
    sizes = [shape[i] for i, a in enumerate(indices) if a is not None]
    arrays = [a for a in indices if a is not None]
    if any(s == 0 for s in sizes) and 0 not in bshape:
        raise IndexError("index is out of bounds for dimension with size 0")
    if not numel:
        return False
    bad = [(a < -s) | (a >= s) for a, s in zip(arrays, sizes)]
    if not any(b.any() for b in bad):
        return True
    flags = np.stack([np.broadcast_to(b, bshape).reshape(-1) for b in bad], axis=1)
    pos, j = divmod(int(np.argmax(flags.reshape(-1))), len(arrays))
    value = int(np.broadcast_to(arrays[j], bshape).reshape(-1)[pos])
    raise IndexError(f"index {value} is out of bounds for dimension {j} with size {sizes[j]}")


def layout(y, indices, bshape):
    """The shape and strides (in elements) of at::index's output, as
    TensorIterator allocates it."""
    item = y.itemsize
    indices = list(indices) + [None] * (y.ndim - len(indices))
    shape, strides, indices, before = _front(y.shape, [s // item for s in y.strides], indices)
    n = sum(a is not None for a in indices)
    after = len(shape) - before - n
    out_shape = tuple(shape[:before]) + tuple(bshape) + tuple(shape[before + n:])
    src = strides[:before] + [0] * len(bshape) + strides[before + n:]
    ops = [src]
    for a in indices:
        if a is not None:
            a = np.broadcast_to(a, bshape).reshape((1,) * before + tuple(bshape) + (1,) * after)
            ops.append([0 if s == 1 and o != 1 else st // a.itemsize
                        for s, o, st in zip(a.shape, out_shape, a.strides)])
    nd = len(out_shape)
    if nd <= 1 or (not before and not after and all(
            _contiguous(out_shape, st) for st in ops)):
        return out_shape, _L.contiguous_strides(out_shape)
    perm = list(reversed(_L.sorted_dims(out_shape, ops)))     # (innermost first)
    if perm == list(range(nd - 1, -1, -1)):
        return out_shape, _L.contiguous_strides(out_shape)
    st, step = [0] * nd, 1
    for p in perm:
        st[p], step = step, step * out_shape[p]
    return out_shape, tuple(st)


def _contiguous(shape, strides):
    if 0 in shape:
        return True
    step = 1
    for s, st in zip(reversed(shape), reversed(strides)):
        if s != 1:
            if st != step:
                return False
            step *= s
    return True


def like(data, x):
    """`data` (of x's shape) laid out as x.clone() lays x out: a dense x's
    strides kept, any other x's order of dims (PyTorch's preserve_format,
    which index_fill, put and index_put start from)."""
    if x.flags.c_contiguous or data.ndim < 2:
        return data
    out = np.empty_like(x, order="K")
    out[...] = data
    return out


def contiguous(data):
    """`data` as a fresh contiguous tensor's memory (PyTorch's strides even
    when empty, where NumPy's are 0)."""
    return laid_out(data, _L.contiguous_strides(data.shape))


def laid_out(data, strides):
    """`data` in memory with `strides` (elements), as a fresh array."""
    if type(data) is not np.ndarray:
        return data     # (a meta array has no memory to lay out)
    if tuple(s // data.itemsize for s in data.strides) == strides and data.size:
        return data
    buf = np.empty(data.size, data.dtype)
    out = np.lib.stride_tricks.as_strided(buf, data.shape, tuple(s * data.itemsize
                                                                  for s in strides))
    out[...] = data
    return out
