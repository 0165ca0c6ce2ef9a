"""ATen's rules for the strides of views, where NumPy's reshape picks others.

Only the strides of a view's size-1 dims (and every stride of an empty
tensor) are free: the others address the elements. NumPy's reshape chooses
those free ones by its own rules (a C-contiguous array's canonical strides,
a trailing new 1 the stride of the dim before it, an empty array all-zero
strides); ATen by inferUnsqueezeGeometry, computeStride, inferSqueezeGeometry
and inferExpandGeometry, and stride() reports an empty tensor's as a
contiguous one's. Each op (shape.py's views, indexing's empty slices,
rearrange_views' diagonal, unfold and in-place squeeze_/unsqueeze_) asks
NumPy for the view, then, only where the two rules can disagree, lays it out
as ATen does with these helpers. With them ATen's infer_size: the sizes (a -1
inferred) that view and reshape compute those strides for.
"""

from .. import _layout as _L, _meta
from .._meta import is_meta
from ._common import np, wrap_dim


def strides_of(x):
    """`x`'s strides in bytes as stride() reads them: NumPy's all-zero
    strides of an empty array as a contiguous tensor's."""
    st = x.strides
    if not x.size and not any(st):
        item = x.itemsize
        st = tuple(s * item for s in _L.contiguous_strides(x.shape))
    return st


def restrided(data, x, strides):
    """The view `data` of `x` with the byte `strides` (which differ from its
    own only where they address nothing), on `x`'s memory."""
    if data.strides == strides or is_meta(x):
        return data
    return _meta.as_strided(x, data.shape, strides, writeable=data.flags.writeable)


def laid_out_empty(x):
    """An empty `x` carrying the strides stride() reads for it (NumPy gives
    an empty array all-zero strides), so that a view NumPy takes of it
    (a permutation, a slice, a diagonal) has the strides ATen's has."""
    return restrided(x, x, strides_of(x))


class _Interface:
    """An array interface hung on the array whose memory it describes (as
    NumPy's as_strided hangs its own: ember._storage looks through it)."""
    __slots__ = ("__array_interface__", "base")

    def __init__(self, interface, base):
        self.__array_interface__ = interface
        self.base = base


def empty_basic_view(x, key):
    """x[key] (a basic key: slices, then maybe an int and an Ellipsis) when
    it has no elements, placed and strided as ATen's: from x's strides as
    stride() reads them, and an empty slice at its start with its step
    (NumPy places an empty slice at its dim's start with step 1)."""
    xs = x if x.size else laid_out_empty(x)
    data = xs[key]
    extra, strides = 0, list(data.strides)
    for i, k in enumerate(key):
        if k.__class__ is not slice:
            break       # (an int, then the Ellipsis: NumPy's place and strides)
        r = range(*k.indices(xs.shape[i]))
        if not r:
            extra += r.start * xs.strides[i]
            strides[i] = r.step * xs.strides[i]
    strides = tuple(strides)
    if (not extra and strides == data.strides) or is_meta(x):
        return data
    iface = dict(data.__array_interface__)
    iface["data"] = (iface["data"][0] + extra, not data.flags.writeable)
    iface["strides"] = strides
    out = np.asarray(_Interface(iface, xs))
    return out if out.dtype == x.dtype else out.view(x.dtype)


def view_strides(oldshape, oldstride, newshape, itemsize):
    """ATen's computeStride in bytes: the strides of the view of a tensor
    of `oldshape` and `oldstride` as `newshape` (None where none exists)."""
    if not oldshape:
        return (itemsize,) * len(newshape)
    if 0 in oldshape:
        if tuple(oldshape) == tuple(newshape):
            return tuple(oldstride)
        return tuple(s * itemsize for s in _L.contiguous_strides(newshape))
    newstride = [0] * len(newshape)
    view_d = len(newshape) - 1
    base = oldstride[-1]
    tensor_numel = view_numel = 1
    for tensor_d in range(len(oldshape) - 1, -1, -1):
        tensor_numel *= oldshape[tensor_d]
        if tensor_d == 0 or (oldshape[tensor_d - 1] != 1
                             and oldstride[tensor_d - 1] != tensor_numel * base):
            while view_d >= 0 and (view_numel < tensor_numel or newshape[view_d] == 1):
                newstride[view_d] = view_numel * base
                view_numel *= newshape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if tensor_d > 0:
                base = oldstride[tensor_d - 1]
                tensor_numel = view_numel = 1
    return tuple(newstride) if view_d == -1 else None


def as_view(x, data):
    """`data`, NumPy's reshape of `x` into a view, with ATen's view strides.
    NumPy's are the same (a new 1 gets the span of the dims after it in
    both, a trailing one the stride of x's last dim) but where x has dims
    of size 1 of its own and the view has some (NumPy drops x's and lays
    out a C-contiguous array anew), or no elements: only then is this called."""
    sh, st = x.shape, x.strides
    if x.size and x.flags.c_contiguous:
        # NumPy lays the view of a C-contiguous array out canonically, as
        # ATen does one of canonical strides (a common case: a batch of 1)
        step = x.itemsize
        for i in range(len(sh) - 1, -1, -1):
            if st[i] != step:
                break
            step *= sh[i]
        else:
            return data
    st = view_strides(sh, strides_of(x), data.shape, x.itemsize)
    return data if st is None else restrided(data, x, st)


def unsqueezed(x, d):
    """`x` with a dim of size 1 at `d` (wrapped), a view strided as ATen's
    inferUnsqueezeGeometry."""
    sh = x.shape
    data = x.reshape(sh[:d] + (1,) + sh[d:])
    if 1 in sh or not x.size or (d == len(sh) and not x.flags.c_contiguous):
        data = unsqueeze_strided(x, d, data)
    return data


def unsqueeze_strided(x, d, data):
    """`data`, NumPy's reshape of `x` with a new 1 at `d`, strided as ATen's
    inferUnsqueezeGeometry: the new dim's stride is the span of the dim it
    lands before (1 at the end); the others keep theirs. NumPy's is the same
    but where x has dims of size 1 or no elements (their strides free), or
    the new dim is last and x not contiguous (NumPy gives it the stride of
    the dim before): only then is this called."""
    st = strides_of(x)
    new = x.shape[d] * st[d] if d < x.ndim else x.itemsize
    return restrided(data, x, st[:d] + (new,) + st[d:])


def squeezed_data(x, dim, shape):
    """`x` squeezed to `shape` (squeezed()'s), strided as ATen's."""
    data = x.reshape(shape)
    if 1 in shape or not data.size:
        data = squeeze_strided(x, dim, data)
    return data


def squeeze_strided(x, dim, data):
    """`data`, NumPy's reshape of `x` squeezed along `dim` (as given; None
    for all dims), keeping the strides of the dims it keeps, as ATen's
    inferSqueezeGeometry. NumPy's are the same but where a dim of size 1 is
    kept or nothing is left (their strides free): only then is this called."""
    nd, sh = x.ndim, x.shape
    if dim is None:
        keep = [i for i in range(nd) if sh[i] != 1]
    elif isinstance(dim, (tuple, list)):
        dims = {wrap_dim(e, nd) for e in dim}
        keep = [i for i in range(nd) if not (i in dims and sh[i] == 1)]
    else:
        e = wrap_dim(dim, nd) if nd else -1
        keep = [i for i in range(nd) if i != e or sh[i] != 1]
    st = strides_of(x)
    return restrided(data, x, tuple(st[i] for i in keep))


def _kept_strides(x, data):
    """`data` (NumPy's broadcast of `x`, which gives every dim of size 1
    stride 0, and an empty array all-zero strides) with the strides
    PyTorch's expand gives its size-1 dims: a dim of `x` keeps its stride,
    a new one gets the span of the dims inside it (inferExpandGeometry)."""
    strides = list(data.strides)
    lead = data.ndim - x.ndim
    inner = 0
    xst = strides_of(x)
    for i in range(data.ndim - 1, -1, -1):
        if i >= lead and data.shape[i] == x.shape[i - lead]:
            strides[i] = xst[i - lead]     # (an empty x's too: NumPy's are zero)
        elif data.shape[i] == 1:
            strides[i] = inner
        inner = strides[i] * data.shape[i]
    if tuple(strides) == data.strides:
        return data
    return _meta.as_strided(x, data.shape, strides, writeable=False)


def _infer_shape(shape, numel):
    """ATen's infer_size: the checks run in its order, so the first error wins."""
    infer, known = None, 1
    for i, s in enumerate(shape):
        if s == -1:
            if infer is not None:
                raise RuntimeError("only one dimension can be inferred")
            infer = i
        elif s >= 0:
            known *= s
        else:
            raise RuntimeError(
                f"invalid shape dimension {s} at index {i} of shape {list(shape)}")
    if numel == known or (infer is not None and known > 0 and numel % known == 0):
        if infer is None:
            return shape
        if known == 0:
            raise RuntimeError(
                f"cannot reshape tensor of 0 elements into shape {list(shape)} because the "
                "unspecified dimension size -1 can be any value and is ambiguous")
        return shape[:infer] + (numel // known,) + shape[infer + 1:]
    raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
