"""Grids, broadcasting and stacking: meshgrid cartesian_prod combinations
broadcast_to broadcast_tensors broadcast_shapes atleast_1d/2d/3d hstack
vstack dstack column_stack row_stack, and cat's aliases concat and
concatenate. Each is PyTorch's own composition of views and cat, so the
recorded graph (grad_fn names included) is PyTorch's."""
import warnings

from .. import _public_name
from .._settings import triggered
from .._tensor import Size
from ._common import Tensor, broadcast_error, np
from ._registry import register
from . import shape as S
from .selection import masked_select

__all__ = ["meshgrid", "cartesian_prod", "combinations", "broadcast_to", "broadcast_tensors",
           "broadcast_shapes", "atleast_1d", "atleast_2d", "atleast_3d", "hstack", "vstack",
           "dstack", "column_stack"]


_tensor_list = S.tensor_list


def _varargs(tensors, name):
    """f(a, b) or f([a, b])."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tensors[0]
    return _tensor_list(tensors, name)


def meshgrid(*tensors, indexing=None):
    if indexing is None:
        warnings.warn(f"{_public_name.name}.meshgrid: in an upcoming release, it will be "
                      "required to pass the "
                      "indexing argument."
                      + triggered("aten/src/ATen/native/TensorShape.cpp:4215"),
                      UserWarning, stacklevel=2)
        indexing = "ij"
    tensors = _varargs(tensors, "meshgrid")
    return _meshgrid(tensors, indexing)


def _meshgrid(tensors, indexing):
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    if any(t.dtype is not tensors[0].dtype for t in tensors):
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    for t in tensors:
        if t._data.ndim > 1:
            raise RuntimeError(f"{_public_name.name}.meshgrid: Expected 0D or 1D tensor in "
                               "the tensor list but "
                               f"got: {t}")
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'{_public_name.name}.meshgrid: indexing must be one of "xy" or '
                           '"ij", but '
                           f"received: {indexing}")
    swap = indexing == "xy" and len(tensors) >= 2
    if swap:
        tensors = [tensors[1], tensors[0]] + tensors[2:]
    shape = tuple(t._data.size for t in tensors)
    grids = []
    for i, t in enumerate(tensors):
        view_shape = (1,) * i + (-1,) + (1,) * (len(tensors) - i - 1)
        grids.append(S.expand(S.view(t, view_shape), shape))
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


register(meshgrid, method=False, out=False)


def _vector(t):
    if t._data.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(t._data.shape)}")


def cartesian_prod(*tensors):
    tensors = _varargs(tensors, "cartesian_prod")
    for t in tensors:
        _vector(t)
    if len(tensors) == 1:
        return tensors[0]
    grids = _meshgrid(tensors, "ij")
    return S.stack([S.flatten(g) for g in grids], 1)


register(cartesian_prod, method=False, out=False)


def combinations(input, r=2, with_replacement=False):
    _vector(input)
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return Tensor._wrap(np.empty(0, input._data.dtype))
    n = input._data.size
    grids = _meshgrid([input] * r, "ij")
    # Index tuples in order: i < j < k ... (i <= j <= ... with replacement).
    index = np.indices((n,) * r)
    compare = np.less_equal if with_replacement else np.less
    keep = np.logical_and.reduce(compare(index[:-1], index[1:]), axis=0) if r > 1 else \
        np.ones(n, bool)
    mask = Tensor._wrap(keep)
    return S.stack([masked_select(g, mask) for g in grids], 1)


register(combinations, method=False, out=False)


def broadcast_to(input, size):
    return S.expand(input, size)


register(broadcast_to, out=False, node=S.ExpandBackward0, method="size")


def broadcast_tensors(*tensors):
    tensors = _varargs(tensors, "broadcast_tensors")
    shape = ()
    for t in tensors:
        try:
            shape = np.broadcast_shapes(shape, t._data.shape)
        except ValueError:
            raise broadcast_error(shape, t._data.shape) from None
    # A tensor already of the common shape is returned as it is (PyTorch's expand_outplace).
    return tuple(t if t._data.shape == shape else S.expand(t, shape) for t in tensors)


register(broadcast_tensors, method=False, out=False)


def broadcast_shapes(*shapes):
    """PyTorch's reference algorithm, with its messages."""
    shapes = tuple((int(s),) if isinstance(s, (int, np.integer)) else s
                   for s in shapes if s is not None)
    if not shapes:
        return Size(())
    for s in shapes:
        if not isinstance(s, (list, tuple, str)):
            raise RuntimeError("Input shapes should be of type ints, a tuple of ints, or a list "
                               f"of ints, got {s}")
    common = [1] * max(len(s) for s in shapes)
    for k, s in enumerate(shapes):
        for i in range(-1, -1 - len(s), -1):
            if s[i] == common[i]:
                continue
            if common[i] == 1:
                if s[i] < 0:
                    raise ValueError("Attempting to broadcast a dimension with negative length!")
                common[i] = s[i]
            if s[i] != 1 and common[i] != s[i]:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {s[i]} at {i}! Mismatching "
                    f"argument at index {k} had {s}; but expected shape should be broadcastable "
                    f"to {common}")
    return Size(common)


register(broadcast_shapes, method=False, out=False)


def _atleast(n, reshape):
    def op(*tensors):
        one = len(tensors) == 1 and isinstance(tensors[0], Tensor)
        tensors = [tensors[0]] if one else _varargs(tensors, f"atleast_{n}d")
        out = tuple(reshape(t) if t._data.ndim < n else t for t in tensors)
        return out[0] if one else out
    return register(op, f"atleast_{n}d", method=False, out=False)


atleast_1d = _atleast(1, lambda t: S.reshape(t, 1))
atleast_2d = _atleast(2, lambda t: S.reshape(t, 1, 1) if t._data.ndim == 0
                      else S.unsqueeze(t, 0))
atleast_3d = _atleast(3, lambda t: S.reshape(t, 1, 1, 1) if t._data.ndim == 0 else
                      S.unsqueeze(S.unsqueeze(t, 0), -1) if t._data.ndim == 1 else
                      S.unsqueeze(t, -1))


def _cat_of(name, prepare, dim):
    def op(tensors):
        tensors = [prepare(t) for t in _tensor_list(tensors, name)]
        if not tensors:
            raise RuntimeError(f"{name} expects a non-empty TensorList")
        return S.cat(tensors, dim(tensors))
    return op


hstack = _cat_of("hstack", lambda t: atleast_1d(t),
                 lambda ts: 0 if ts[0]._data.ndim == 1 else 1)
vstack = _cat_of("vstack", lambda t: atleast_2d(t), lambda ts: 0)
dstack = _cat_of("dstack", lambda t: atleast_3d(t), lambda ts: 2)
column_stack = _cat_of("column_stack", lambda t: S.reshape(t, t._data.size, 1)
                       if t._data.ndim <= 1 else t, lambda ts: 1)
register(hstack, "hstack", method=False, node=S.CatBackward0)
register(vstack, "vstack", method=False, aliases=("row_stack",), node=S.CatBackward0)
register(dstack, "dstack", method=False, node=S.CatBackward0)
register(column_stack, "column_stack", method=False, node=S.CatBackward0)
def _cat_out(name, out, result):
    """cat's own words for an out= its inputs' type can't be cast to."""
    from .._dtype import SCALAR_NAMES
    from .inplace import _castable
    src, dst = result._data.dtype, out._data.dtype
    if src != dst and not _castable(src, dst):
        raise TypeError("torch.cat(): input types can't be cast to the desired output type "
                        f"{SCALAR_NAMES[out.dtype]}")


register(S.cat, "cat", method=False, aliases=("concat", "concatenate"), node=S.CatBackward0,
         out=_cat_out)
register(S.stack, "stack", method=False, node=S.StackBackward0)
