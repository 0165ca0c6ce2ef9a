"""masked_scatter, put, take, take_along_dim and argwhere: ops addressing
the input's elements by mask or by flat position (see scatter.py)."""
from .. import _meta
from .. import _dtype as D
from .._settings import warn_at_caller
from ._common import broadcast_error, keep_index, np, recorded, wrap, wrap_dim
from ._registry import grad_fn, register, tensor_field
from .scatter import Key
from .scatter_checks import need_tensor
from ._index_kernel import contiguous, like
from ._out import same_dtype

__all__ = ["masked_scatter", "put", "take", "take_along_dim", "argwhere"]


def _dtype_name(a):
    return D.SCALAR_NAMES[D._BY_NP[a.dtype]]


# The source's first elements (as many as the mask holds) fill the masked
# places in order: they get those places' gradient, the rest of it none.
def _mask_of(g, key):
    m = np.zeros(g.shape, np.bool_)
    m[key] = True
    return m


def _masked_scatter_source_grad(xp, g, key, n, src_shape):
    if xp.recording and g.ndim:
        # PyTorch's masked_scatter_backward: its own node
        m = _mask_of(g, key)
        return recorded(MaskedScatterBackwardBackward0, _masked_part(g._data, m, n, src_shape),
                        (g,), (m,))
    return xp.reshape(xp.index_backward(
        xp.reshape(g[key], (n,)), (int(np.prod(src_shape)),), (slice(0, n),), False), src_shape)


def _masked_part(g, m, n, src_shape):
    """The masked places' values, in order, then zeros: source-shaped."""
    out = np.zeros(int(np.prod(src_shape)), g.dtype)
    out[:n] = g[m]
    return out.reshape(src_shape)


def _scatter_back(xp, grad, mask):
    """masked_scatter_backward's own gradient: zeros_like(grad_output)
    .masked_scatter(mask, grad)."""
    if xp.recording:
        return grad.new_zeros(mask.shape).masked_scatter(wrap(mask), grad)
    out = np.zeros(mask.shape, grad.dtype)
    out[mask] = grad.reshape(-1)[:int(mask.sum())]
    return out


MaskedScatterBackwardBackward0 = grad_fn("MaskedScatterBackwardBackward0",
                                         grad_output=_scatter_back)
# (recorded, self's gradient is derivatives.yaml's grad.masked_fill(mask, 0))
MaskedScatterBackward0 = grad_fn(
    "MaskedScatterBackward0", saved={"mask": tensor_field("mask"), "source_sym_sizes": "src_shape"},
    self=lambda xp, g, key: g.masked_fill(wrap(_mask_of(g, key)), 0)
    if xp.recording and g.ndim else xp.index_fill(g, key, 0),
    source=_masked_scatter_source_grad)


def masked_scatter(input, mask, source):
    """`input` with the places `mask` holds filled by `source`'s elements in order."""
    need_tensor(mask, "masked_scatter", "mask", 1)
    need_tensor(source, "masked_scatter", "source", 2)
    m = mask._data
    if m.dtype == np.uint8:
        # PyTorch warns of the deprecation, then refuses the mask all the same.
        warn_at_caller("masked_scatter_ received a mask with dtype torch.uint8, this behavior is "
                       "now deprecated,please use a mask with dtype torch.bool instead.",
                       cpp="aten/src/ATen/native/TensorAdvancedIndexing.cpp:3130")
    if m.dtype != np.bool_:
        raise RuntimeError("masked_scatter_ only supports boolean masks, but got mask with "
                           f"dtype {_dtype_name(m)}")
    x, s = input._data, source._data
    if s.dtype != x.dtype:
        raise RuntimeError("masked_scatter: expected self and source to have same dtypes but "
                           f"got{_dtype_name(x)} and {_dtype_name(s)}")
    try:
        shape = np.broadcast_shapes(x.shape, m.shape)
    except ValueError:
        raise broadcast_error(m.shape, x.shape) from None
    if shape:
        key = np.nonzero(np.broadcast_to(m, shape))
        n = key[0].size
    else:
        key, n = (bool(m),), int(m)
    if n > s.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    data = _meta.array_copy(np.broadcast_to(x, shape), order="C")
    data[key] = s.reshape(-1)[:n]
    return keep_index(recorded(MaskedScatterBackward0, data, (input, source), (key, n, s.shape, m)),
                      mask)


def _flat_key(x, index, name, with_source=None):
    """The places of `x` that flat positions `index` name, checked as
    PyTorch's take/put do (negative positions count from the end)."""
    need_tensor(index, name.rstrip("_"), "index", 1)
    idx = index._data
    if idx.dtype != np.int64:
        raise RuntimeError(f"{name}(): Expected a long tensor for index, but got "
                           f"{_dtype_name(idx)}")
    if with_source is not None:
        need_tensor(with_source, name.rstrip("_"), "source", 2)
        s = with_source._data
        if s.dtype != x.dtype:
            raise RuntimeError(f"{name}(): self and source expected to have the same dtype, but "
                               f"got self.dtype = {_dtype_name(x)} and source.dtype = "
                               f"{_dtype_name(s)}")
        if s.size != idx.size:
            raise IndexError(f"{name}(): Expected source and index to have the same number of "
                             f"elements, but got source.numel() = {s.size}, index.numel() = "
                             f"{idx.size}")
    if idx.size and x.size == 0:
        raise IndexError("take(): tried to take from an empty tensor" if name == "take" else
                         f"{name}(): Tried to put elements into an empty tensor")
    bad = (idx < -x.size) | (idx >= x.size)
    if bad.any():
        raise IndexError(f"out of range: tried to access index {idx[bad][0]} on a tensor of "
                         f"{x.size} elements.")
    flat = np.where(idx < 0, idx + x.size, idx)
    return Key(np.unravel_index(flat, x.shape) if x.ndim else (flat,))


def _flat_view(x):
    return x.reshape(1) if x.ndim == 0 else x


def _take_grad(xp, g, self, key, index):
    if xp.recording and self.ndim:    # (take_backward: zeros.put_(index, grad, True))
        return g.new_zeros(self.shape).put(wrap(index), g, accumulate=True)
    return xp.add_at(g, self.shape if self.ndim else (1,), key)


TakeBackward0 = grad_fn("TakeBackward0", saved={"index": tensor_field("index")}, self=_take_grad)


def take(input, index):
    """The elements of `input` (read as flat) at the positions `index` holds."""
    x = input._data
    key = _flat_key(x, index, "take")
    return keep_index(recorded(TakeBackward0, contiguous(_flat_view(x)[key]), (input,),
                               (key, index._data)), index)


def _put_self_grad(xp, g, key, accumulate):
    if accumulate:
        return g
    if xp.recording and g.ndim:     # (grad.put(index, zeros_like(source), false))
        pos = _flat_positions(g, key)
        return g.put(wrap(pos), g.new_zeros(pos.shape))
    return xp.index_fill(g, key, 0)


def _put_source_grad(xp, g, source, key):
    if not g.ndim:
        return xp.expand(g, source.shape)
    if xp.recording:                # (grad.take(index).reshape_as(source))
        return g.take(wrap(_flat_positions(g, key))).reshape(source.shape)
    return xp.reshape(xp.take_at(g, key), source.shape)


def _flat_positions(g, key):
    return np.ravel_multi_index(key, g.shape).astype(np.int64)


PutBackward0 = grad_fn("PutBackward0", saved={"accumulate": "accumulate",
                                              "index": tensor_field("index")},
                       self=_put_self_grad, source=_put_source_grad)


def put(input, index, source, accumulate=False):
    """`input` (read as flat) with `source` put at the positions `index` holds;
    `accumulate` adds instead (repeated positions then add up)."""
    x = input._data
    key = _flat_key(x, index, "put_", source)
    data = _meta.array_copy(x, order="C")
    flat, vals = data.reshape(-1), source._data.reshape(-1)
    pos = np.ravel_multi_index(key, x.shape).reshape(-1) if x.ndim else key[0].reshape(-1)
    if accumulate:
        np.add.at(flat, pos, vals)
    else:
        flat[pos] = vals
    if x.ndim == 0:     # the gradient's key: its one element, written or not
        key = (bool(vals.size > 0),)
    # (put starts from x.clone(), in x's layout)
    return keep_index(recorded(PutBackward0, like(data, x), (input, source),
                               (key, accumulate, index._data)), index)


def take_along_dim(input, indices, dim=None):
    """gather with `indices` broadcast against `input` (outside `dim`); no dim:
    along the flattened input."""
    from .selection import gather
    from .shape import expand, view
    x = input._data
    need_tensor(indices, "take_along_dim", "indices", 1)
    idx = indices._data
    if _meta.is_meta(x) != _meta.is_meta(idx):
        devs = ["meta" if _meta.is_meta(a) else "cpu" for a in (x, idx)]
        raise RuntimeError(f"Expected tensor to have {devs[0]} Device, but got tensor with "
                           f"{devs[1]} Device (while checking arguments for "
                           "torch.take_along_dim():)")
    if dim is None:
        return gather(view(input, -1), 0, view(indices, -1))
    if idx.ndim != x.ndim:
        raise RuntimeError("torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {x.ndim} dimensions for input, and "
                           f"{idx.ndim} dimensions for indices")
    if idx.dtype != np.int64:
        raise RuntimeError("torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{_dtype_name(idx)}")
    if x.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = wrap_dim(dim, x.ndim)
    sizes = x.shape[:d] + idx.shape[d:d + 1] + x.shape[d + 1:]
    try:
        shape = np.broadcast_shapes(sizes, idx.shape)
    except ValueError:
        raise broadcast_error(sizes, idx.shape) from None
    # PyTorch wraps the indices into range along `dim` here (Python's modulo).
    size = x.shape[d] if x.ndim else 1
    if size == 0 and idx.size:
        raise RuntimeError("ZeroDivisionError")     # (PyTorch's words: its modulo by 0)
    ids = np.broadcast_to(idx % size if size else idx, shape)
    wide = shape[:d] + x.shape[d:d + 1] + shape[d + 1:]
    return gather(expand(input, wide), d, wrap(_meta.ascontiguousarray(ids)))


def argwhere(input):
    """The positions of `input`'s nonzero elements, one row each."""
    return wrap(np.argwhere(input._data).astype(np.int64, copy=False))


register(masked_scatter, inplace=True, node=MaskedScatterBackward0, out=False)
register(take, node=TakeBackward0, out=same_dtype(
    "take(): self and out expected to have the same dtype, but got self.dtype = {s} and "
    "out.dtype = {os}"))
register(put, inplace=True, node=PutBackward0, out=False)
register(take_along_dim, out=same_dtype())
register(argwhere, out=False)
