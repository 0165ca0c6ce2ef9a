"""cat and stack: the inputs joined along a dim (one node each, whose
formulas hand each input its part of the gradient), with PyTorch's checks
and dtype promotion, and its layout for channels-last inputs."""
from .._python_data import _tname
from .. import _dtype as D, _layout as _L, _public_name
from ..autograd._saved_fields import add_fields
from ._common import Node, Tensor, np, recorded, wrap, wrap_dim
from ._missing import MISSING

__all__ = []


class CatBackward0(Node):
    """Each input gets its slice of the gradient along `dim`."""
    __slots__ = ()

    def apply(self, xp, grad, create_graph, needs):
        dim, sizes = self._ctx[:2]
        out, start = [], 0
        for size, need in zip(sizes, needs):
            out.append(xp.narrow(grad, dim, start, size) if need else None)
            start += size
        return tuple(out)


class StackBackward0(Node):
    """Each input gets its index of the gradient along the new `dim`."""
    __slots__ = ()

    def apply(self, xp, grad, create_graph, needs):
        dim = self._ctx[0]
        return tuple(xp.select(grad, dim, i) if need else None for i, need in enumerate(needs))


# (the dim as given, the last of their constants)
add_fields(CatBackward0, ("dim", "sizes", "given_dim"), {"dim": "given_dim"})
add_fields(StackBackward0, ("dim", "given_dim"), {"dim": "given_dim"})


def _same_dtype(tensors, name):
    dt = tensors[0].dtype
    for t_ in tensors[1:]:
        if t_.dtype is not dt:
            dt = D.promote_types(dt, t_.dtype)
    return [t_._data.astype(dt._np, copy=False) for t_ in tensors]


def tensor_list(tensors, name):
    """A sequence of tensors, checked as PyTorch's argument parser does."""
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, "
                        f"not {_tname(tensors)}")
    for i, t_ in enumerate(tensors):
        if not isinstance(t_, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{_tname(t_)}")
    return list(tensors)


def _dim_or_axis(name, dim, axis):
    """PyTorch's parser takes NumPy's `axis` for `dim` (not both); a dim
    given as None is refused, not read as 0."""
    if axis is not MISSING:
        if dim is not MISSING:
            raise TypeError(f"{name}() got an unexpected keyword argument 'axis'")
        dim = axis
    if dim is MISSING:
        return 0
    if dim is None:
        raise TypeError(f"{name}(): argument 'dim' must be int, not NoneType")
    return dim


def cat(tensors, dim=MISSING, *, axis=MISSING):
    dim = _dim_or_axis("cat", dim, axis)
    tensors = tensor_list(tensors, "cat")
    if not tensors:
        raise ValueError(f"{_public_name.name}.cat(): expected a non-empty list of Tensors")
    for i, t_ in enumerate(tensors):
        if t_._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    arrays = _same_dtype(tensors, "cat")
    # Legacy rule: 1-D empty tensors are skipped.
    keep = [i for i, a in enumerate(arrays) if not (a.ndim == 1 and a.size == 0)]
    if not keep:
        return wrap(arrays[0].copy())
    ref = arrays[keep[0]]
    d = wrap_dim(dim, ref.ndim)
    for i in keep:
        a = arrays[i]
        if a.ndim != ref.ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {ref.ndim} and {a.ndim}")
        for j in range(ref.ndim):
            if j != d and a.shape[j] != ref.shape[j]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size "
                    f"{ref.shape[j]} but got size {a.shape[j]} for tensor number {i} in the list.")
    data = _L.c_strided(np.concatenate([arrays[i] for i in keep], axis=d))
    # (PyTorch's cat: the inputs' memory format where they all suggest the same one)
    fmt = _L.suggested_format(ref)
    if fmt is not _L.contiguous_format and all(
            _L.suggested_format(arrays[i]) is fmt for i in keep):
        data = _L.laid_out(data, fmt)
    sizes = tuple(0 if a.ndim == 1 and a.size == 0 else a.shape[d] for a in arrays)
    return recorded(CatBackward0, data, tuple(tensors), (d, sizes, dim))


def stack(tensors, dim=MISSING, *, axis=MISSING):
    dim = _dim_or_axis("stack", dim, axis)
    tensors = tensor_list(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    arrays = _same_dtype(tensors, "stack")
    for i, a in enumerate(arrays):
        if a.shape != arrays[0].shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(arrays[0].shape)} "
                f"at entry 0 and {list(a.shape)} at entry {i}")
    d = wrap_dim(dim, arrays[0].ndim + 1)
    data = _L.c_strided(np.stack(arrays, axis=d))
    ref = arrays[0]
    fmt = _L.suggested_format(ref)
    if fmt is not _L.contiguous_format and d < ref.ndim and all(
            _L.suggested_format(a) is fmt for a in arrays[1:]):
        # (channels-last inputs stack in their layout, the new dim where
        # unsqueeze puts it: just outside the dim it comes before)
        strides = ref.strides[:d] + (ref.shape[d] * ref.strides[d],) + ref.strides[d:]
        data = _L.in_order(data, _L.dense_order(data.shape, strides))
    return recorded(StackBackward0, data, tuple(tensors), (d, dim))
