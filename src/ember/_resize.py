"""Tensor.resize_, resize_as_, set_ and is_set_to: a tensor takes another
geometry over its storage (or another storage), and the deprecated
out-of-place resize/resize_as.

Ember's storage is the NumPy array at the root of a tensor's `base` chain
(see _storage.py). A new geometry is a new view of that root, so the
tensor keeps sharing memory with its views. When resize_ needs more memory
than the storage has, the tensor gets a larger copy of it: unlike PyTorch,
whose storage grows in place, views made earlier keep the old memory."""
from ._backend import np

from . import _dtype as D
from . import _layout as _L
from ._meta import is_meta, meta_array
from ._storage import _ptr, _root
from ._tensor import Tensor
from .autograd.function import Function
from .autograd.grad_mode import _state
from .ops._common import recorded
from .ops._registry import grad_fn
from .ops.inplace import check_inplace
from .ops._missing import MISSING
from .ops._size_args import keyword_size


def _sizes(args, fn):
    from ._creation import _size_args
    try:
        return _size_args(args, fn)
    except RuntimeError as e:
        if "negative dimension" not in str(e):
            raise
    raise RuntimeError("numel: integer multiplication overflow")


def _buffer(root):
    """`root` as something np.ndarray(buffer=...) takes, whose views keep
    `root` as their base."""
    if root.flags.c_contiguous:
        return root
    if root.flags.f_contiguous:
        return root.T
    raise RuntimeError("ember: this tensor's storage is not a contiguous NumPy buffer; "
                       "set_ and resize_ cannot re-view it")


def _view(root, dtype, offset, shape, stride):
    """A view of `root`'s bytes: `offset` and `stride` in elements of `dtype`."""
    item = np.dtype(dtype).itemsize
    return np.ndarray(shape, dtype, buffer=_buffer(root), offset=offset * item,
                      strides=tuple(s * item for s in stride))


def _format_strides(shape, memory_format):
    """The strides resize_ gives `shape` in `memory_format`."""
    if memory_format in (None, _L.contiguous_format):
        return _L.contiguous_strides(shape)
    if memory_format is _L.preserve_format:
        raise RuntimeError("Unsupported memory formatPreserve")
    rank = 4 if memory_format is _L.channels_last else 5
    if memory_format not in (_L.channels_last, _L.channels_last_3d):
        _L.check_memory_format("resize_", memory_format)
    if len(shape) != rank:
        raise RuntimeError(f"required rank {rank} tensor to use "
                           f"{'channels_last' if rank == 4 else 'channels_last_3d'} format")
    # channels last: the channel dim varies fastest, then the spatial ones
    order = (0,) + tuple(range(2, rank)) + (1,)
    inner = _L.contiguous_strides(tuple(shape[d] for d in order))
    st = [0] * rank
    for d, s in zip(order, inner):
        st[d] = s
    return tuple(st)


def _refuse_grad(self):
    if self._requires_grad:
        raise RuntimeError("cannot resize variables that require grad")


def resize_(self, *sizes, size=MISSING, memory_format=None):
    if size is not MISSING:
        sizes = (keyword_size(size, "resize_", sizes),)
    _refuse_grad(self)
    shape = _sizes(sizes, "resize_")
    check_inplace(self)     # (an inference tensor outside inference mode)
    x = self._data
    if shape == x.shape and memory_format is None:
        return self
    stride = _format_strides(shape, memory_format)
    if is_meta(x):
        self._data = meta_array(shape, x.dtype)
        self._bump()
        return self
    root = _root(x)
    item = x.itemsize
    offset = (_ptr(x) - _ptr(root)) // item
    need = (offset + int(np.prod(shape, dtype=np.int64))) * item
    if need > root.nbytes:
        # PyTorch grows the storage in place; NumPy cannot, so this tensor
        # gets a larger copy (zero-filled past the old bytes).
        grown = np.zeros(-(-need // item), x.dtype)
        grown.view(np.uint8)[:root.nbytes] = _buffer(root).reshape(-1).view(np.uint8)
        root = grown
    self._data = _view(root, x.dtype, offset, shape, stride)
    self._bump()
    return self


def resize_as_(self, the_template, memory_format=None):
    if not isinstance(the_template, Tensor):
        raise TypeError("resize_as_(): argument 'the_template' (position 1) must be Tensor, "
                        f"not {type(the_template).__name__}")
    return resize_(self, the_template.shape, memory_format=memory_format)


class Resize(Function):
    """The deprecated out-of-place resize: only a new shape of as many elements."""

    @staticmethod
    def forward(ctx, tensor, sizes):
        numel = 1
        for s in sizes:
            numel = numel * s   # (a tuple in sizes repeats, as in PyTorch's message)
        ctx.sizes, ctx.numel = sizes, numel
        if tensor.numel() != numel:
            raise RuntimeError(
                f"requested resize to {'x'.join(map(str, sizes))} ({numel} elements in total), "
                f"but the given tensor has a size of {'x'.join(map(str, tensor.size()))} "
                f"({tensor.numel()} elements). autograd's resize can only change the shape of a "
                "given tensor, while preserving the number of elements. ")
        ctx.input_sizes = tensor.size()
        if tensor.is_contiguous():
            return tensor.new(tensor).contiguous().view(*sizes)
        return tensor.contiguous().view(*sizes)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output.contiguous().view(ctx.input_sizes), None


def resize(self, *sizes):
    import warnings
    warnings.warn("non-inplace resize is deprecated", UserWarning, stacklevel=2)
    return Resize.apply(self, sizes)


def resize_as(self, tensor):
    import warnings
    warnings.warn("non-inplace resize_as is deprecated", UserWarning, stacklevel=2)
    return Resize.apply(self, tensor.size())


# (Python's binding errors name them as PyTorch's, methods of torch/_tensor.py:
# "Tensor.resize() got an unexpected keyword argument 'axis'")
resize.__qualname__, resize_as.__qualname__ = "Tensor.resize", "Tensor.resize_as"


# -- set_ ------------------------------------------------------------------------

_SET_OVERLOADS = (
    "set_() received an invalid combination of arguments - got ({got}), but expected one of:\n"
    " * ()\n"
    " * (ember.Storage source)\n"
    " * (ember.Storage source, int storage_offset, tuple of ints size, tuple of ints stride "
    "= None)\n"
    " * (Tensor source)\n"
    " * (Tensor source, int storage_offset, tuple of ints size, tuple of ints stride = None)\n")


def _type_name(v):
    from ._python_data import _tname
    if _is_storage(v):
        return f"ember.storage.{type(v).__name__}"
    return _tname(v)


def _set_args(args, kwargs):
    """(source, storage_offset, size, stride) as PyTorch's parser takes them."""
    names = ("source", "storage_offset", "size", "stride")
    bound = dict(zip(names, args))
    unknown = set(kwargs) - set(names)
    if len(args) > 4 or unknown or set(bound) & set(kwargs):
        raise TypeError(_SET_OVERLOADS.format(got=", ".join(
            [_type_name(a) for a in args] + [f"{k}={_type_name(v)}" for k, v in kwargs.items()])))
    bound.update(kwargs)
    source = bound.get("source")
    offset, size, stride = (bound.get(n) for n in names[1:])
    geometry = (offset, size) != (None, None) or stride is not None
    ok = (source is None and not geometry) or (
        (isinstance(source, Tensor) or _is_storage(source)) and (not geometry or (
            _is_int(offset) and _is_ints(size) and (stride is None or _is_ints(stride)))))
    if not ok:
        raise TypeError(_SET_OVERLOADS.format(got=", ".join(
            [_type_name(a) for a in args] + [f"{k}={_type_name(v)}" for k, v in kwargs.items()])))
    return source, geometry, offset, size, stride


def _is_storage(v):
    return getattr(type(v), "_ember_storage", False)


def _is_int(v):
    return not isinstance(v, bool) and hasattr(v, "__index__")


def _is_ints(v):
    return isinstance(v, (tuple, list)) and all(_is_int(s) for s in v)


def _storage_root(self, source):
    """The root array of `source` (a tensor or a storage) and its offset in
    elements of self's dtype, checking dtypes as PyTorch does."""
    dt = self._data.dtype
    if isinstance(source, Tensor):
        if source._data.dtype != dt:
            raise RuntimeError(f"Could not set tensor of type {D.C_NAMES[source.dtype]} to a "
                               f"tensor of type {D.C_NAMES[self.dtype]}")
        root = _root(source._data)
        return root, (_ptr(source._data) - _ptr(root)) // dt.itemsize
    storage_dtype = getattr(source, "_typed_dtype", None)
    if storage_dtype is not None and storage_dtype._np != dt:
        raise RuntimeError(
            f"Expected a Storage of type {D.C_NAMES[self.dtype]} or an UntypedStorage, but got "
            f"type {D.SCALAR_NAMES[storage_dtype]} for argument 1 'storage'")
    untyped = source if storage_dtype is None else source._untyped_storage
    if untyped._meta:
        raise NotImplementedError("ember: set_ of meta tensors is not supported")
    return untyped._array, 0


def _check_bounds(root, item, offset, size, stride):
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    if any(s < 0 for s in size) or any(s < 0 for s in stride):
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and "
                           f"strides={list(stride)}")
    need = 0 if 0 in size else offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))
    if need * item > root.nbytes:
        # PyTorch grows a resizable storage that is too small. Ember's is NumPy
        # memory, which cannot grow under the tensors sharing it: PyTorch's
        # answer for a storage NumPy shares (see README).
        raise RuntimeError("Trying to resize storage that is not resizable")


def _not_differentiable(xp, grad):
    raise RuntimeError("derivative for set_ is not implemented")


# (PyTorch's node for set_: the result requires grad, and backward raises)
SetBackward = grad_fn("NotImplemented", self=_not_differentiable, source=_not_differentiable)


def set_(self, *args, **kwargs):
    source, geometry, offset, size, stride = _set_args(args, kwargs)
    if isinstance(source, Tensor) and source.dtype != self.dtype:
        raise RuntimeError(f"Could not set tensor of type {D.C_NAMES[source.dtype]} to a tensor "
                           f"of type {D.C_NAMES[self.dtype]}")
    check_inplace(self)
    dt = self._data.dtype
    if is_meta(self._data) or (isinstance(source, Tensor) and is_meta(source._data)):
        raise NotImplementedError("ember: set_ of meta tensors is not supported")
    if source is None:
        data = _view(np.zeros(0, dt), dt, 0, (0,), (1,))
    else:
        root, base = _storage_root(self, source)
        if isinstance(source, Tensor) and not geometry:
            data = source._data
        elif not geometry:
            data = _view(root, dt, 0, (root.nbytes // dt.itemsize,), (1,))
        else:
            size = tuple(int(s) for s in size)
            stride = _L.contiguous_strides(size) if stride is None else tuple(int(s) for s in stride)
            if len(stride) != len(size):
                raise RuntimeError("mismatch in length of strides and shape")
            offset = base + int(offset)
            _check_bounds(root, dt.itemsize, offset, size, stride)
            data = _view(root, dt, offset, size, stride)
    grads = [t for t in (self, source) if isinstance(t, Tensor) and t._requires_grad]
    self._data = data
    self._bump()
    if grads and _state.enabled:
        out = recorded(SetBackward, data, (_old(self), source if isinstance(source, Tensor) else
                                    Tensor._wrap(data)))
        self._grad_fn, self._requires_grad, self._output_nr = out._grad_fn, True, 0
    return self


def _old(self):
    """self as it was in the graph, for the node that replaces its grad_fn."""
    old = Tensor._wrap(self._data, self._requires_grad)
    old._grad_fn, old._output_nr = self._grad_fn, self._output_nr
    return old


def is_set_to(self, tensor):
    if not isinstance(tensor, Tensor):
        raise TypeError("is_set_to(): argument 'tensor' (position 1) must be Tensor, not "
                        f"{type(tensor).__name__}")
    a, b = self._data, tensor._data
    if is_meta(a) or is_meta(b):
        return False
    return (_root(a) is _root(b) and _ptr(a) == _ptr(b) and a.shape == b.shape
            and a.strides == b.strides and a.dtype == b.dtype)


# -- shared memory ---------------------------------------------------------------

def share_memory_(self):
    """PyTorch moves the storage to shared memory; Ember's tensors live in
    ordinary NumPy memory, so this only returns self (see README)."""
    return self


def is_shared(self):
    return False


for _fn in (resize_, resize_as_, resize, resize_as, set_, is_set_to, share_memory_, is_shared):
    setattr(Tensor, _fn.__name__, _fn)
