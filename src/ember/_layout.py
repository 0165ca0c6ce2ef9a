"""torch.layout and torch.memory_format, and the factory options checked in
one place.

Ember's tensors are NumPy arrays, so the only layout is strided; a sparse
layout or pinned memory raises rather than being ignored. Memory formats are
real: channels_last is an array whose strides put the channels last, as
PyTorch lays it out, so `stride()` and `is_contiguous(memory_format=...)`
answer as PyTorch's do.
"""
import functools
import inspect

from ._backend import np

__all__ = ["layout", "strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr",
           "sparse_bsc", "jagged", "memory_format", "contiguous_format", "channels_last",
           "channels_last_3d", "preserve_format", "legacy_contiguous_format"]


class _Named:
    __slots__ = ("_name",)

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return "torch." + self._name

    def __reduce__(self):
        # (pickled by name, so a loaded object is the module's own)
        return self._name


class layout(_Named):
    __slots__ = ()


class memory_format(_Named):
    __slots__ = ()


for _cls in (layout, memory_format):
    _cls.__module__ = "ember"

strided, sparse_coo, sparse_csr, sparse_csc, sparse_bsr, sparse_bsc, _mkldnn, jagged = (
    layout(n) for n in ("strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr",
                        "sparse_bsc", "_mkldnn", "jagged"))
contiguous_format, channels_last, channels_last_3d, preserve_format, legacy_contiguous_format = (
    memory_format(n) for n in ("contiguous_format", "channels_last", "channels_last_3d",
                               "preserve_format", "legacy_contiguous_format"))

# memory format -> (rank it needs, order of dims from outermost to innermost)
_ORDERS = {channels_last: (4, (0, 2, 3, 1)), channels_last_3d: (5, (0, 2, 3, 4, 1))}


def _type_name(x):
    return type(x).__name__


def check_layout(fn, value):
    if value is None or value is strided:
        return
    if not isinstance(value, layout):
        raise TypeError(f"{fn}(): argument 'layout' must be torch.layout, not {_type_name(value)}")
    raise RuntimeError(f"{fn}(): Ember has only the strided layout, not {value!r}")


def check_pin_memory(pin_memory):
    if pin_memory:
        raise RuntimeError("pin_memory=True requires a CUDA or other accelerator backend; no "
                           "pinned memory allocator is available on this system.")


def check_memory_format(fn, value):
    if value is not None and not isinstance(value, memory_format):
        raise TypeError(f"{fn}(): argument 'memory_format' must be torch.memory_format, not "
                        f"{_type_name(value)}")


def _rank_check(fmt, ndim):
    rank = _ORDERS[fmt][0]
    if ndim != rank:
        raise RuntimeError(f"required rank {rank} tensor to use {fmt._name} format")


def laid_out(data, fmt, like=None):
    """`data` (a fresh C-contiguous array) in memory format `fmt`; for
    preserve_format, in the layout of `like` (its dims' order where it has
    gaps), as PyTorch's *_like factories and clone do."""
    if fmt is None or fmt is contiguous_format or fmt is legacy_contiguous_format:
        return data
    if fmt is preserve_format:
        if like is None or like.flags.c_contiguous or type(like) is not type(data):
            return data     # (a meta input's "layout" says nothing of a CPU result's)
        return in_order(data, dense_order(like.shape, like.strides))
    _rank_check(fmt, data.ndim)
    order = _ORDERS[fmt][1]
    # (a fresh array, not ascontiguousarray: numpy takes an array whose only
    # misplaced stride is a size-1 dim's as contiguous already, while
    # PyTorch gives that dim its channels-last stride too)
    out = np.empty(tuple(data.shape[i] for i in order), data.dtype)
    out[...] = data.transpose(order)
    return out.transpose(np.argsort(order))


def in_order(data, order):
    """`data` in a fresh array whose dims lie in memory in `order`
    (outermost first); `data` itself when it is C-contiguous already and
    that is the order asked."""
    if type(data) is not np.ndarray:
        return data     # (a meta array has no memory to lay out)
    if order == tuple(range(len(order))):
        return np.ascontiguousarray(data)
    out = np.empty(tuple(data.shape[i] for i in order), data.dtype)
    out[...] = data.transpose(order)
    return out.transpose(np.argsort(order))


def empty_like(a, dtype=None):
    """A fresh array shaped as `a` and laid out as at::empty_like(a) lays
    out a tensor (preserve_format): `a`'s strides where it is dense, else
    its dims' order (dense_order)."""
    dtype = a.dtype if dtype is None else dtype
    if a.flags.c_contiguous or type(a) is not np.ndarray:
        return np.empty_like(a, dtype)
    order = dense_order(a.shape, a.strides)
    return np.empty(tuple(a.shape[i] for i in order), dtype).transpose(np.argsort(order))


def in_format(a, fmt):
    """`a` (a fresh result) laid out in memory format `fmt` (contiguous
    strides for contiguous_format, size-1 dims included), copied only
    where it is not: what PyTorch's kernels that allocate their output in
    the input's suggest_memory_format give (batch_norm, pooling, ...)."""
    if fmt is contiguous_format:
        return c_strided(a)
    # (size-1 dims too: PyTorch prints their strides)
    return a if _strides_in(a.shape, _ORDERS[fmt][1], a.itemsize) == a.strides \
        else laid_out(a, fmt)


def in_input_format(result, x):
    """`result` (a fresh array, of `x`'s rank) laid out in the memory format
    `x` suggests, as PyTorch's pooling, upsampling, padding and group_norm
    kernels allocate their output: channels-last in, channels-last out,
    contiguous otherwise. (Their 1-D forms run the 2-D ones on an unsqueezed
    input, whose strides decide.)"""
    if type(result) is not np.ndarray or result.ndim != x.ndim:
        return result
    return in_format(result, suggested_format(x))


def c_strided(a):
    """`a`, or a copy of it, with the strides of a contiguous tensor of its
    shape, dims of size 1 included (NumPy counts an array C-contiguous
    whatever stride such a dim has; PyTorch prints it): what PyTorch's
    reductions, scans and softmax give whatever their input's layout."""
    if type(a) is not np.ndarray:
        return a
    if not a.flags.writeable:
        # (a broadcast, or a view of one: a result must be memory of its own)
        return a.copy()
    if a.ndim < 2:
        return a
    if a.flags.c_contiguous:
        expected = a.itemsize
        for n, st in zip(reversed(a.shape), reversed(a.strides)):
            if st != expected:
                break
            expected *= n if n > 1 else 1
        else:
            return a
    out = np.empty(a.shape, a.dtype)
    out[...] = a
    return out


def strides_kept(a):
    """A copy of `a` with `a`'s very strides, gaps included (PyTorch's
    clone_preserve_strides, the *_scatter ops' copy of their input): a fresh
    buffer spanning what `a` spans. A broadcast `a` (its elements
    overlapping) is cloned as clone() does."""
    if a.flags.c_contiguous or type(a) is not np.ndarray:
        return np.array(a, order="C", subok=True)
    if any(s <= 0 and n > 1 for n, s in zip(a.shape, a.strides)):
        return copied_like(a, a)
    span = sum((n - 1) * s for n, s in zip(a.shape, a.strides)) // a.itemsize + 1
    out = np.lib.stride_tricks.as_strided(np.empty(span, a.dtype), a.shape, a.strides)
    out[...] = a
    return out


def copied_like(src, like):
    """`src` (an array of `like`'s shape, a view made from it) copied into
    an array laid out as empty_like(like): what PyTorch's kernels that
    write into an empty_like of their input give (flip, ...)."""
    if like.flags.c_contiguous or type(like) is not np.ndarray:
        return src.copy()
    out = empty_like(like, src.dtype)
    out[...] = src
    return out


def iterated(result, *operands):
    """`result` (an array of the broadcast shape of the array `operands`)
    laid out as PyTorch's TensorIterator lays out an elementwise op's
    output: in the operands' dims order, the first operand deciding
    first (iter_order). Only copies where that is not `result`'s layout."""
    if type(result) is not np.ndarray or result.ndim < 2:
        return result
    operands = [a for a in operands if isinstance(a, np.ndarray)]     # (numbers: no layout)
    if all(a.flags.c_contiguous for a in operands) and result.flags.c_contiguous:
        return result
    order = iter_order(result.shape, operands)
    if _strides_in(result.shape, order, result.itemsize) == result.strides:
        return result
    return in_order(result, order)


def iter_order(shape, operands):
    """The order of the dims (outermost first) of TensorIterator's output
    for `operands` broadcast to `shape` (reorder_dimensions): the first
    operand decides first, a dim it broadcasts (stride 0) deciding nothing."""
    n = len(shape)
    table = []
    for a in operands:
        if a.ndim:
            lead = n - a.ndim
            table.append([0] * lead + [0 if a.shape[i] == 1 and shape[lead + i] != 1
                                       else a.strides[i] for i in range(a.ndim)])
    return sorted_dims(shape, table)


def dense_order(shape, strides):
    """The order of the dims (outermost first) that PyTorch's
    infer_dense_strides gives a result laid out like a tensor of these
    strides (empty_like, clone, sort, ...). NumPy's order "K" differs for a
    broadcast dim: it puts a stride-0 dim innermost, PyTorch keeps its place."""
    return sorted_dims(shape, [strides])


def sorted_dims(shape, table):
    """PyTorch's insertion sort of the dims by the rows of strides in
    `table`, each row deciding where the ones before it tie: the smaller
    stride inner, a stride 0 comparing with nothing, and on equal strides
    the larger dim outer. (With incomparable pairs the result depends on the
    algorithm, so it is PyTorch's, step by step.)"""
    n = len(shape)
    perm = list(range(n - 1, -1, -1))       # innermost first
    for i in range(1, n):
        d1 = i
        for d0 in range(i - 1, -1, -1):
            c = dims_compared(shape, table, perm[d0], perm[d1])
            if c > 0:
                perm[d0], perm[d1] = perm[d1], perm[d0]
                d1 = d0
            elif c < 0:
                break
    return tuple(reversed(perm))


def dims_compared(shape, table, d0, d1):
    """sorted_dims' comparison: 1 where dim d0 goes inside d1, -1 where
    outside, 0 where the strides do not tell."""
    for st in table:
        s0, s1 = st[d0], st[d1]
        if s0 == 0 or s1 == 0:
            continue
        if s0 != s1:
            return 1 if s0 > s1 else -1
        if shape[d0] > shape[d1]:
            return 1
    return 0


def contiguous_strides(shape):
    """A contiguous tensor's strides, in elements (a size-0 dim counts as 1,
    as PyTorch's contiguous strides)."""
    st, step = [], 1
    for s in reversed(shape):
        st.insert(0, step)
        step *= max(s, 1)
    return tuple(st)


def _strides_in(shape, order, itemsize):
    """The strides (in bytes) of a dense array of `shape` whose dims lie in
    memory in `order` (outermost first), size-1 dims included."""
    strides, step = [0] * len(shape), itemsize
    for d in reversed(order):
        strides[d] = step
        step *= max(shape[d], 1)
    return tuple(strides)


def _dense(a):
    """Non-overlapping and dense: the elements fill exactly their span."""
    span = sum((n - 1) * abs(s) for n, s in zip(a.shape, a.strides)) + a.itemsize
    return a.size == 0 or span == a.size * a.itemsize


def suggested_format(a):
    """PyTorch's suggest_memory_format of an array: channels_last(_3d) where
    its strides read as such by PyTorch's heuristic (is_channels_last_strides_2d/3d:
    ambiguous size-1 dims lean to contiguous), else contiguous_format."""
    for fmt, (rank, order) in _ORDERS.items():
        if a.ndim == rank and _strides_like(a, order):
            return fmt
    return contiguous_format


def _strides_like(a, order):
    strides = [s // a.itemsize for s in a.strides]
    if strides[1] == 0:
        return False
    low = 0
    for d in reversed(order):      # the innermost dim (C) first
        if a.shape[d] == 0 or strides[d] < low or (d == 0 and low == strides[1]):
            return False
        low = strides[d] * (a.shape[d] if a.shape[d] > 1 else 1)
    return True


def is_laid_out(a, fmt):
    """Tensor.is_contiguous(memory_format=fmt), ignoring the strides of
    dims of size 1 as PyTorch does."""
    if fmt is None or fmt in (contiguous_format, preserve_format, legacy_contiguous_format):
        # (a meta array is contiguous, as Tensor.stride() says: no layout)
        return a.flags.c_contiguous or type(a) is not np.ndarray
    if a.ndim != _ORDERS[fmt][0]:
        return False
    expected = 1
    for d in reversed(_ORDERS[fmt][1]):
        if a.shape[d] != 1 and a.strides[d] != expected * a.itemsize:
            return False
        expected *= a.shape[d]
    return True


def factory(fn):
    """PyTorch's factory keywords, handled for `fn` in one place: `layout`
    (strided only), `pin_memory` (no accelerator here), `memory_format`
    and `out=` (the result written into `out`, which takes its dtype when
    none is given and is resized silently, as PyTorch's factories do).
    Only the keywords `fn` declares are taken."""
    name = fn.__name__
    params = inspect.signature(fn).parameters
    takes = {k for k in ("out", "layout", "pin_memory", "memory_format") if k in params}
    # (`zeros(*size)`: PyTorch's parser takes the size by keyword too)
    if any(p.kind is p.VAR_POSITIONAL and p.name == "size" for p in params.values()):
        takes.add("size")

    @functools.wraps(fn)
    def make(*args, **kwargs):
        try:
            if not args and not kwargs and name in ("rand", "randn"):
                # (nothing to match either of its two signatures with)
                raise TypeError(f"{name}() received an invalid combination of arguments - got "
                                f"(), but expected one of:\n * {_SAMPLED[0]}\n * {_SAMPLED[1]}\n")
            if not takes.intersection(kwargs):
                return fn(*args, **kwargs)
            if "size" in kwargs and "size" in takes:
                args = _size_keyword(name, args, kwargs)
            if not takes.intersection(kwargs):
                return fn(*args, **kwargs)
            check_layout(name, kwargs.pop("layout", None) if "layout" in takes else None)
            check_pin_memory(kwargs.pop("pin_memory", False) if "pin_memory" in takes else False)
            if "memory_format" in kwargs:
                check_memory_format(name, kwargs["memory_format"])
            out = kwargs.pop("out", None) if "out" in takes else None
            if out is None:
                return fn(*args, **kwargs)
            return _into(name, out, fn, args, kwargs)
        except TypeError as e:
            # (an argument left out: PyTorch's parser's words, ops/_missing.py)
            from .ops._keywords import reword_missing
            reword_missing(e, name, args, kwargs)
            raise
    return make


# The factories whose size PyTorch's parser matches against two signatures
# (with and without a generator): a size given twice fails both.
_SAMPLED = ("(tuple of ints size, *, torch.Generator generator, Tensor out = None, torch.dtype "
            "dtype = None, torch.layout layout = None, torch.device device = None, bool "
            "pin_memory = False, bool requires_grad = False)",
            "(tuple of ints size, *, Tensor out = None, torch.dtype dtype = None, torch.layout "
            "layout = None, torch.device device = None, bool pin_memory = False, bool "
            "requires_grad = False)")


def _size_keyword(name, args, kwargs):
    """`size=` popped from kwargs as the one positional argument (a sequence,
    as PyTorch's parser wants it by keyword)."""
    size = kwargs.pop("size")
    if args:
        if name in ("rand", "randn"):
            got = ", ".join([type(a).__name__ for a in args] + [f"size={type(size).__name__}"])
            raise TypeError(f"{name}() received an invalid combination of arguments - got "
                            f"({got}), but expected one of:\n * {_SAMPLED[0]}\n * "
                            f"{_SAMPLED[1]}\n")
        raise TypeError(f"{name}() got multiple values for argument 'size'")
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"{name}(): argument 'size' must be tuple of ints, not "
                        f"{type(size).__name__}")
    return (tuple(size),)


def _into(name, out, fn, args, kwargs):
    from ._tensor import Tensor
    from ._dtype import SCALAR_NAMES
    from .autograd.grad_mode import _state
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {_type_name(out)}")
    if _state.enabled and (out._requires_grad or kwargs.get("requires_grad")):
        raise RuntimeError(f"aten::{name}(): functions with out=... arguments don't support "
                           "automatic differentiation, but one of the arguments requires grad.")
    dtype = kwargs.get("dtype")
    if dtype is not None and dtype != out.dtype:
        raise RuntimeError(f"dtype {SCALAR_NAMES[dtype]} does not match dtype of out parameter "
                           f"({SCALAR_NAMES[out.dtype]})")
    kwargs["dtype"] = out.dtype
    result = fn(*args, **kwargs)._data
    if result.shape == out._data.shape:
        out._data[...] = result
    else:
        out._data = result
    out._bump()
    return out


def obeys_grad_layout(grad, data):
    """PyTorch's layout contract for a leaf's `.grad`: the leaf's strides
    where the leaf is dense (dims of size 1 aside), else C-contiguous."""
    if grad.flags.c_contiguous and data.flags.c_contiguous:
        return True
    if not _dense(data):
        return grad.flags.c_contiguous
    return all(n == 1 and g != 0 or g == d
               for n, g, d in zip(data.shape, grad.strides, data.strides))


def grad_laid_out(grad, data):
    """A copy of `grad` in `data`'s dtype that obeys the layout contract."""
    if data.flags.c_contiguous or not _dense(data):
        return np.array(grad, dtype=data.dtype, order="C", subok=True)   # (a meta grad stays meta)
    out = np.empty_like(data, order="K")
    out[...] = grad
    return out
