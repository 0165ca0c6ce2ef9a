"""The meta device: tensors with a shape and a dtype but no data.

A meta tensor's array is a `MetaArray`: a NumPy array of zero strides over
one element, so `empty(2**10, 3, 2**16, 2**16, device="meta")` allocates
nothing. NumPy hands every ufunc and array function that sees one to the
hooks below, which compute only the result's shape and dtype (from one-
element stand-ins) and answer another MetaArray: Ember's ops run unchanged
and give meta results. Views (reshape, transpose, basic indexing) are views
of zero strides, free already. A MetaArray reports `np.ndarray` as its
`__class__`, so Ember's fast paths (`data.__class__ is np.ndarray`) do not
convert it to a plain array and lose the meta-ness.
"""
from ._backend import np

__all__ = ["MetaArray", "meta_array", "is_meta", "ascontiguousarray", "empty_for", "full_for", "array_copy", "as_strided",
           "no_meta_kernel", "same_device"]

_ONE = {}   # one zero element per dtype: the memory every MetaArray views

# Nonzero while a backward from a meta root runs (autograd/_engine.py): its
# formulas' own NumPy constants (ones to sum with, zeros to scatter into)
# meet meta gradients, and count as meta; the user's tensors all are.
lenient = 0


class _Memory(np.ndarray):
    """The element a MetaArray views: its own type, so that NumPy keeps a
    view's `base` chain pointing at a MetaArray (see `revive`)."""


def meta_array(shape, dtype):
    dtype = np.dtype(dtype)
    one = _ONE.get(dtype)
    if one is None:
        one = _ONE[dtype] = np.zeros((), dtype).view(_Memory)
    shape = tuple(shape)
    return np.ndarray.__new__(MetaArray, shape, dtype, buffer=one, strides=(0,) * len(shape))


def kept_meta(data):
    """`data`, as a MetaArray again where np.asarray() dropped a meta
    array's type (its base keeps it). Tensor._wrap, _from_node and
    ops/_common.recorded ask only while `_ONE` is not empty: until a meta
    array is made, none can be a base."""
    if type(data.base) is MetaArray and type(data) is not MetaArray:
        return data.view(MetaArray)
    return data


def is_meta(arr):
    return type(arr) is MetaArray


def empty_for(shape, dtype, *operands):
    """np.empty for an op's result that its operands' values are written
    into: a meta array when one of them is meta."""
    if any(type(a) is MetaArray for a in operands):
        return meta_array(shape, dtype)
    return np.empty(shape, dtype)


def full_for(shape, fill, dtype, *operands):
    """np.full for an op's result that its operands' values are written
    into (padding, a diagonal): a meta array when one of them is meta."""
    if any(type(a) is MetaArray for a in operands):
        return meta_array(shape, dtype)
    return np.full(shape, fill, dtype)


def array_copy(a, order="K"):
    """np.array(a, order=order): a copy, meta for a meta array (NumPy's
    np.array drops the subclass, and would copy every element it views)."""
    if type(a) is MetaArray:
        return meta_array(a.shape, a.dtype)
    return np.array(a, order=order)


def as_strided(x, shape=None, strides=None, writeable=True):
    """np.lib.stride_tricks.as_strided, meta for a meta array (its views
    have zero strides whatever the ones asked)."""
    if type(x) is MetaArray:
        return meta_array(x.shape if shape is None else shape, x.dtype)
    return np.lib.stride_tricks.as_strided(x, shape, strides, writeable=writeable)


def ascontiguousarray(a, dtype=None):
    """np.ascontiguousarray, keeping a meta array meta: NumPy's own (C code
    that asks no hook) answers a plain CPU view of its one element."""
    if type(a) is MetaArray:
        return a if dtype is None else a.astype(dtype)
    return np.ascontiguousarray(a, dtype)


def no_meta_kernel(op):
    """PyTorch's refusal of an op that has no meta kernel (its value would
    be data: equal, masked_select ...)."""
    return NotImplementedError(
        f"{op}: attempted to run this operator with Meta tensors, but there was no fake impl "
        "or Meta kernel registered. You may have run into this message while using an operator "
        "with PT2 compilation APIs (ember.compile/ember.export); in order to use this operator "
        "with those APIs you'll need to add a fake impl. Please see the following for next "
        "steps:  https://pytorch.org/tutorials/advanced/custom_ops_landing_page.html")


def _no_data(*args, **kwargs):
    raise NotImplementedError("Cannot copy out of meta tensor; no data!")


class MetaArray(np.ndarray):
    @property
    def __class__(self):
        return np.ndarray

    def __repr__(self):
        return f"MetaArray(shape={self.shape}, dtype={self.dtype})"

    __str__ = __repr__

    # Nothing to read or write: reads fail as PyTorch's, writes change nothing.
    tolist = tobytes = _no_data

    def item(self, *args):
        # (PyTorch's words for a meta tensor's one value read: item(), bool(),
        # float(), a data-dependent size)
        raise RuntimeError("Tensor.item() cannot be called on meta tensors")

    def __getitem__(self, key):
        # (advanced indexing copies: a fresh zero-stride array instead, as reshape)
        # (and one element is a 0-d meta array, not a NumPy scalar read from memory)
        r = np.ndarray.__getitem__(self, key)
        if type(r) is MetaArray:
            return r if not any(r.strides) else meta_array(r.shape, r.dtype)
        return meta_array((), r.dtype) if isinstance(r, np.generic) else r

    def __setitem__(self, key, value):
        pass

    def fill(self, value):
        pass

    def __array__(self, dtype=None, copy=None):
        _no_data()

    def __reduce__(self):
        return (meta_array, (self.shape, self.dtype))

    def copy(self, order="C"):
        return meta_array(self.shape, self.dtype)

    def astype(self, dtype, order="K", casting="unsafe", subok=True, copy=True):
        return meta_array(self.shape, dtype)

    # Methods NumPy runs in C without asking the hooks.
    def _arg_reduce(self, axis=None, out=None, *, keepdims=False):
        shape = _reduced_shape(self.shape, "reduce", {"axis": axis, "keepdims": keepdims})
        return meta_array(shape, np.intp)

    argmax = argmin = _arg_reduce

    def argsort(self, axis=-1, kind=None, order=None, **kwargs):
        return meta_array(self.shape if axis is not None else (self.size,), np.intp)

    def argpartition(self, kth, axis=-1, kind=None, order=None):
        return meta_array(self.shape if axis is not None else (self.size,), np.intp)

    def sort(self, axis=-1, kind=None, order=None, **kwargs):
        pass

    def partition(self, kth, axis=-1, kind=None, order=None):
        pass

    def reshape(self, *shape, **kwargs):
        # A reshape NumPy cannot view (of zero strides) copies: that copy
        # would be real memory, read by kernels that walk memory; the
        # meta result is a fresh zero-stride array instead.
        r = np.ndarray.reshape(self, *shape, **kwargs)
        return r if not any(r.strides) else meta_array(r.shape, r.dtype)

    def round(self, decimals=0, out=None):
        return self.copy()

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        out = kwargs.pop("out", None)
        if out is not None and all(o is None for o in out):
            out = None      # (SciPy's ufuncs pass out=None positionally: no out)
        if method == "at":
            return None
        if out is not None and all(is_meta(o) for o in out):
            return out[0] if len(out) == 1 else out
        if out is not None:
            if lenient:
                return out[0] if len(out) == 1 else out
            raise RuntimeError("Tensor on device meta is not on the expected device cpu!")
        if not lenient:
            same_device(inputs)
        if method == "__call__":
            if ufunc.signature and ufunc is not np.matmul:
                raise NotImplementedError(f"ember: {ufunc.__name__} has no meta implementation")
            shape = (_matmul_shape(*[np.shape(x) for x in inputs]) if ufunc.signature
                     else np.broadcast_shapes(*[np.shape(x) for x in inputs]))
            stand = [_stand_in(x, ufunc.signature) for x in inputs]
        elif method in ("reduce", "accumulate"):
            shape = _reduced_shape(inputs[0].shape, method, kwargs)
            stand = [_stand_in(inputs[0], True)]
        elif method == "reduceat":
            shape = list(inputs[0].shape)
            shape[kwargs.get("axis", 0)] = len(inputs[1])
            stand = [_stand_in(inputs[0], True), np.zeros(1, np.intp)]
            kwargs = dict(kwargs, axis=kwargs.get("axis", 0))
        elif method == "outer":
            shape = np.shape(inputs[0]) + np.shape(inputs[1])
            stand = [_stand_in(x, None) for x in inputs]
        else:
            return NotImplemented
        with np.errstate(all="ignore"):
            r = getattr(ufunc, method)(*stand, **kwargs)
        if isinstance(r, tuple):
            return tuple(meta_array(shape, x.dtype) for x in r)
        return meta_array(shape, np.result_type(r))

    def __array_function__(self, func, types, args, kwargs):
        handler = _FUNCTIONS.get(func)
        if handler is not None:
            return handler(*args, **kwargs)
        # Any other function runs on the zero-stride data (the right shapes,
        # no memory to read): what it makes of a meta operand stays meta.
        return _as_meta(func._implementation(*args, **kwargs))


def same_device(operands):
    """PyTorch's device check of an op's operands: meta and CPU arrays do not
    mix, except a 0-d CPU one (a scalar). The first array operand's device
    is the one expected: a CPU one first names meta the stray."""
    arrays = [x for x in operands if isinstance(x, np.ndarray) and (x.ndim or is_meta(x))]
    if any(not is_meta(x) for x in arrays):
        if not is_meta(arrays[0]):
            raise RuntimeError("Tensor on device meta is not on the expected device cpu!")
        raise RuntimeError("Tensor on device cpu is not on the expected device meta!")


def _as_meta(result):
    if type(result) is np.ndarray or (type(result) is MetaArray and any(result.strides)):
        return meta_array(result.shape, result.dtype)
    if type(result) in (tuple, list):
        return type(result)(_as_meta(r) for r in result)
    if isinstance(result, np.generic):      # (a reduction to one value: 0-d meta)
        return meta_array((), result.dtype)
    return result


def _stand_in(x, signature):
    """A one-element array of x's dtype (with its dims, for a gufunc or a
    reduction)."""
    if not isinstance(x, np.ndarray):
        return x    # a Python scalar keeps its weak promotion
    # (with x's number of dims even for a plain ufunc: NumPy 1.x promotes a
    # 0-d array by value, like a Python scalar)
    return np.zeros(tuple(min(s, 1) for s in x.shape), x.dtype)


def _matmul_shape(a, b):
    if not a or not b:
        raise ValueError("matmul: Input operand does not have enough dimensions")
    a2, b2 = (a if len(a) > 1 else (1,) + a), (b if len(b) > 1 else b + (1,))
    if a2[-1] != b2[-2]:
        raise ValueError("matmul: Input operand 1 has a mismatch in its core dimension 0")
    shape = np.broadcast_shapes(a2[:-2], b2[:-2]) + (a2[-2], b2[-1])
    if len(a) == 1:
        shape = shape[:-2] + shape[-1:]
    if len(b) == 1:
        shape = shape[:-1]
    return shape


def _reduced_shape(shape, method, kwargs):
    if method == "accumulate":
        return shape
    axis = kwargs.get("axis", 0)
    axes = range(len(shape)) if axis is None else (
        (axis,) if isinstance(axis, (int, np.integer)) else axis)
    axes = {a % max(len(shape), 1) for a in axes}
    if kwargs.get("keepdims"):
        return tuple(1 if i in axes else s for i, s in enumerate(shape))
    return tuple(s for i, s in enumerate(shape) if i not in axes)


# -- array functions that would compute or allocate ---------------------------
def _like(a, dtype=None, *args, shape=None, **kwargs):
    return meta_array(a.shape if shape is None else shape, a.dtype if dtype is None else dtype)


def _full_like(a, fill_value, dtype=None, *args, shape=None, **kwargs):
    return _like(a, dtype, shape=shape)


def _copy(a, *args, **kwargs):
    return meta_array(np.shape(a), a.dtype)


def _concatenate(arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    arrays = list(arrays)
    stand = [np.zeros(tuple(min(s, 1) for s in a.shape), a.dtype) for a in arrays]
    if axis is None:
        return meta_array((sum(a.size for a in arrays),), np.concatenate(stand, None).dtype)
    r = np.concatenate(stand, axis)
    shape = list(arrays[0].shape)
    shape[axis % len(shape)] = sum(a.shape[axis] for a in arrays)
    return meta_array(shape, r.dtype if dtype is None else dtype)


def _stack(arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    arrays = list(arrays)
    shape = list(arrays[0].shape)
    axis = axis % (len(shape) + 1)
    dt = np.result_type(*arrays) if dtype is None else dtype
    return meta_array(shape[:axis] + [len(arrays)] + shape[axis:], dt)


def _dot(a, b, out=None):
    a, b = np.asanyarray(a), np.asanyarray(b)
    if a.ndim <= 2 and b.ndim <= 2:
        return np.matmul(a, b) if a.ndim and b.ndim else np.multiply(a, b)
    shape = a.shape[:-1] + b.shape[:-2] + b.shape[-1:]
    return meta_array(shape, np.result_type(a, b))


def _where(cond, *xy):
    if not xy:
        _no_data()
    arrays = (cond,) + xy
    return meta_array(np.broadcast_shapes(*[np.shape(x) for x in arrays]),
                      np.result_type(*xy))


def _copyto(dst, src, casting="same_kind", where=True):
    pass


def _broadcast_to(array, shape, subok=False):
    return np.broadcast_to._implementation(array, shape, subok=True)


def _broadcast_arrays(*args, subok=False):
    # (a 0-d CPU operand broadcast beside a meta one is meta, as the ufunc
    # hook lets a 0-d one mix, PyTorch's rule for CPU scalars)
    res = np.broadcast_arrays._implementation(*args, subok=True)
    return type(res)(meta_array(r.shape, r.dtype) if not is_meta(r) and not np.ndim(a) else r
                     for a, r in zip(args, res))


def _data_dependent(*args, **kwargs):
    raise NotImplementedError("Cannot copy out of meta tensor; no data!")


def _nonzero(*args, **kwargs):
    # (PyTorch's words for nonzero, and for what it runs: a boolean mask's indexing)
    raise NotImplementedError(
        "The register_meta function for ember.nonzero() raises unimplemented by default, as a "
        "correct data-independent implementation does not exist. This implementation returns a "
        "fake value, assuming all elements of the tensor are non-zero. To enable this "
        "registration, please set "
        "'ember.fx.experimental._config.meta_nonzero_assume_all_nonzero' to True.")


_FUNCTIONS = {
    np.empty_like: _like, np.zeros_like: _like, np.ones_like: _like,
    np.full_like: _full_like, np.copy: _copy, np.ascontiguousarray: _copy,
    np.asfortranarray: _copy, np.concatenate: _concatenate, np.stack: _stack,
    np.dot: _dot, np.where: _where, np.copyto: _copyto, np.broadcast_to: _broadcast_to,
    np.broadcast_arrays: _broadcast_arrays,
    np.nonzero: _nonzero, np.unique: _data_dependent, np.argwhere: _nonzero,
    np.flatnonzero: _nonzero,
}
