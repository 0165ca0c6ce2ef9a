"""Shape ops (views, concatenation, copies) and their derivatives.

A view shares its input's memory and version counter, as in PyTorch: an
in-place change through the view is seen by the base and vice versa.
"""


from .. import _meta
from .._backend import cast, quiet_call, round_double_for_half
from .._settings import warn_once

from .. import _layout as _L
from .._meta import is_meta
from ..autograd import _forward
from . import _common
from . import _view_grads as V, _view_history
from ._common import D, Tensor, dim_items, np, recorded, tangents_paused, tensor_arg, wrap, wrap_dim
from ._registry import grad_fn, register
from ._missing import MISSING
from ._size_args import keyword_size, size_arg
from ._view_strides import (_infer_shape, _kept_strides, as_view, laid_out_empty,
                            squeeze_strided, unsqueeze_strided)
from .._size import int_value

__all__ = ["reshape", "flatten", "unflatten", "squeeze", "unsqueeze", "t", "transpose",
           "swapaxes", "swapdims", "permute", "clone", "narrow", "select", "as_strided", "as_strided_"]
# (cat, concat, concatenate, stack are declared in rearrange_grid.py; as_strided and
# as_strided_, views the registry's in-place variants cannot express, are
# defined in rearrange_views.py and exported from here)
# (repeat is a Tensor method only, as in PyTorch)


# reshape(copy=False), which fails rather than copy, is NumPy 2.1's.
_RESHAPE_HAS_COPY = np.lib.NumpyVersion(np.__version__) >= "2.1.0"

def _reshape_back(xp, g, shape):
    return xp.reshape(g, shape)


def _identity(xp, g):
    return g


ViewBackward0 = grad_fn("ViewBackward0", saved={"self_sym_sizes": "shape"}, self=_reshape_back)
ReshapeAliasBackward0 = grad_fn("ReshapeAliasBackward0", saved={"self_sym_sizes": "shape"},
                                self=_reshape_back)
UnsafeViewBackward0 = grad_fn("UnsafeViewBackward0", saved={"self_sym_sizes": "shape"}, self=_reshape_back)
# (`given_*`: a dim as the caller gave it, which is what PyTorch's node shows)
UNSQUEEZED = {"dim": "given_dim"}
SQUEEZED = {"dim": "given_dim", "self_sym_sizes": "shape"}


UnsqueezeBackward0 = grad_fn("UnsqueezeBackward0", saved=UNSQUEEZED, self=V.squeeze_back)
SqueezeBackward0 = grad_fn("SqueezeBackward0", saved={"self_sym_sizes": "shape"},
                           self=V.unsqueeze_all)
SqueezeBackward1 = grad_fn("SqueezeBackward1", saved=SQUEEZED, self=V.unsqueeze_to)
SqueezeBackward2 = grad_fn("SqueezeBackward2", saved=SQUEEZED, self=V.unsqueeze_to)
ExpandBackward0 = grad_fn("ExpandBackward0", saved={"self_sym_sizes": "shape"}, 
                         self=lambda xp, g, shape: xp.sum_to(g, shape))
TBackward0 = grad_fn("TBackward0", self=lambda xp, g: xp.t(g))
TRANSPOSED = {"dim0": "given_dim0", "dim1": "given_dim1"}
TransposeBackward0 = grad_fn("TransposeBackward0", saved=TRANSPOSED,
                             self=lambda xp, g, dim0, dim1: xp.transpose(g, dim0, dim1))
PermuteBackward0 = grad_fn("PermuteBackward0", saved={"dims": "given_dims"},
                           self=lambda xp, g, inverse: xp.permute(g, inverse))
CloneBackward0 = grad_fn("CloneBackward0", self=_identity)
AliasBackward0 = grad_fn("AliasBackward0", self=_identity)
# The engine casts the gradient back to the input's dtype.
ToCopyBackward0 = grad_fn("ToCopyBackward0", self=_identity)


def _view_of(data, input, node, ctx=()):
    """A view result: shares memory and the version counter with `input`."""
    view_tangent = _forward.view_tangent(input, data) if _common.forward_ad else None
    if view_tangent is None:
        out = recorded(node, data, (input,), ctx)
    else:
        with tangents_paused():
            out = recorded(node, data, (input,), ctx)
        _forward.set_tangent(out, view_tangent)
    out._vc = input._share_vc()
    out._base = input if input._base is None else input._base
    if input._requires_grad:
        if out._grad_fn is None:
            # Made without grad (no_grad): still a leaf that requires grad, as in PyTorch.
            out._requires_grad = True
            _view_history.watch(out, out._base, _view_history.NO_GRAD_VIEW)
        elif out._base._grad_fn is not None:
            _view_history.watch(out, out._base)
    return out


def _shape_arg(shape, name=None):
    """A method's *sizes as a tuple of ints; with the op's `name`, checked as
    PyTorch's parser checks them (_size_args.py)."""
    if name is not None:
        return size_arg(shape, name)
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


def view(input, *shape, size=MISSING, dtype=None):
    if size is not MISSING:     # (x.view(size=(3, 2)): the sizes by keyword)
        shape = (keyword_size(size, "view", shape, None if dtype is None else {"dtype": dtype}),)
    elif dtype is not None and not shape:
        shape = (dtype,)
    if len(shape) == 1 and isinstance(shape[0], D.dtype):
        from .rearrange_views import view_dtype
        return view_dtype(input, shape[0])
    x = input._data
    n, xshape = x.size, x.shape
    shape = _infer_shape(_shape_arg(shape, "view"), n)
    try:
        if _RESHAPE_HAS_COPY:
            data = x.reshape(shape, copy=False)     # raises instead of copying
        else:
            data = x.view()     # NumPy < 2.1; setting .shape is deprecated in NumPy 2.5
            data.shape = shape  # raises instead of copying when no view exists
    except (AttributeError, ValueError):
        raise RuntimeError(NO_VIEW) from None
    if not n or (1 in shape and 1 in xshape):
        data = as_view(x, data)
    return _view_of(data, input, ViewBackward0, (xshape,))


NO_VIEW = ("view size is not compatible with input tensor's size and stride (at least one "
           "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")


def reshape(input, *sizes, shape=MISSING):
    x = input._data
    if shape is not MISSING:
        sizes = (keyword_size(shape, "reshape", sizes),)
    n, xshape = x.size, x.shape
    shape = _infer_shape(_shape_arg(sizes, "reshape"), n)
    data = x.reshape(shape)
    if x.flags.c_contiguous or is_meta(x):
        # (a meta tensor is contiguous, as its stride() says: its zero
        # strides are no layout)
        if not n or (1 in shape and 1 in xshape):
            data = as_view(x, data)
        return _view_of(data, input, ViewBackward0, (xshape,))
    if np.shares_memory(data, x):
        # A view of a non-contiguous tensor: PyTorch's _reshape_alias.
        if not n or (1 in shape and 1 in xshape):
            data = as_view(x, data)
        return _view_of(data, input, ReshapeAliasBackward0, (xshape,))
    # No view exists: PyTorch copies (CloneBackward0) then views (UnsafeViewBackward0).
    return _unsafe_view(clone(input), shape)


def _unsafe_view(input, shape):
    x = input._data
    data = x.reshape(shape)
    return recorded(UnsafeViewBackward0, data, (input,), (x.shape,))


def flatten(input, start_dim=0, end_dim=-1):
    x = input._data
    if x.ndim == 0:
        wrap_dim(start_dim, 1), wrap_dim(end_dim, 1)    # (a scalar's dims wrap as a 1-d's)
        return reshape(input, 1)
    s, e = wrap_dim(start_dim, x.ndim), wrap_dim(end_dim, x.ndim)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    n = 1
    for d in x.shape[s:e + 1]:
        n *= d
    return reshape(input, x.shape[:s] + (n,) + x.shape[e + 1:])


def unflatten(input, dim, sizes):
    x = input._data
    d = wrap_dim(dim, x.ndim)
    sizes = tuple(int(v) for v in sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    try:
        sizes = _infer_shape(sizes, x.shape[d])
    except RuntimeError as e:
        # Only a size mismatch gets unflatten's own wording in PyTorch.
        if not str(e).startswith("shape '"):
            raise
        raise RuntimeError(
            f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim "
            f"{d} ({x.shape[d]}) in the input tensor") from None
    return view(input, x.shape[:d] + sizes + x.shape[d + 1:])


def squeezed(x, dim, name="squeeze"):
    """The shape `x` squeezes to, and the node PyTorch records for the form."""
    if dim is None:
        return tuple(s for s in x.shape if s != 1), SqueezeBackward0
    if isinstance(dim, (tuple, list)):
        if dim and (dim[0] is None or isinstance(dim[0], (str, float))):
            from ._int_words import int_argument_error      # (no signature takes it)
            raise int_argument_error(dim, "dim")
        dim = dim_items(dim)
        for i, d in enumerate(dim[1:], 2):
            if d is None or isinstance(d, (str, float)):
                # (the parser takes the list by its first item: the rest fail to unpack)
                raise TypeError(f"{name}(): argument 'dim' failed to unpack the object at "
                                f"pos {i} with error \"type must be tuple of ints,but got "
                                f"{type(d).__name__}\"")
        dims = {wrap_dim(d, x.ndim) for d in dim}
        if len(dims) != len(dim):
            d = next(d for i, d in enumerate(dim)
                     if wrap_dim(d, x.ndim) in {wrap_dim(e, x.ndim) for e in dim[:i]})
            raise RuntimeError(f"dim {wrap_dim(d, x.ndim)} appears multiple times in the list "
                               "of dims")
        return (tuple(s for i, s in enumerate(x.shape) if not (i in dims and s == 1)),
                SqueezeBackward2)
    d = wrap_dim(dim, x.ndim)
    if x.ndim and x.shape[d] == 1:
        return x.shape[:d] + x.shape[d + 1:], SqueezeBackward1
    return x.shape, SqueezeBackward1


def squeeze(input, dim=MISSING):
    dim = squeeze_dim(dim)
    x = input._data
    shape, node = squeezed(x, dim)
    data = x.reshape(shape)
    if 1 in shape or not data.size:
        data = squeeze_strided(x, dim, data)
    return _view_of(data, input, node, squeeze_ctx(x, dim))


def squeeze_dim(dim):
    """squeeze's dim as given: None for all dims where it was left out. PyTorch's
    parser takes no None for it (its dim is an int or a tuple of ints): the
    op's wrapper words the refusal as the parser does."""
    if dim is MISSING:
        return None
    if dim is None:
        from ._int_words import int_argument_error
        raise int_argument_error(dim, "dim")
    return dim


def squeeze_ctx(x, dim):
    """A squeeze node's constants: the input's shape, and the dim(s) as given."""
    if dim is None:
        return (x.shape,)
    return (x.shape, tuple(dim) if isinstance(dim, (tuple, list)) else dim)


def unsqueeze(input, dim):
    x = input._data
    d = wrap_dim(dim, x.ndim + 1)
    sh = x.shape
    data = x.reshape(sh[:d] + (1,) + sh[d:])
    if 1 in sh or not x.size or (d == len(sh) and not x.flags.c_contiguous):
        data = unsqueeze_strided(x, d, data)
    return _view_of(data, input, UnsqueezeBackward0, (sh, dim))


_NEGATIVE_SIZE = "numel: integer multiplication overflow"     # (PyTorch's words for it)


def expand(input, *sizes, size=MISSING, implicit=False):
    x = input._data
    if size is not MISSING:
        sizes = (keyword_size(size, "expand", sizes),)
    if implicit is not False and implicit is not True:
        # (a flag PyTorch's tracer reads: no effect on the result)
        raise TypeError(f"expand(): argument 'implicit' must be bool, not "
                        f"{type(implicit).__name__}")
    sizes = _shape_arg(sizes, "expand")
    if len(sizes) < x.ndim:
        raise RuntimeError(
            f"expand({input.type()}{{{list(x.shape)}}}, size={list(sizes)}): the number of "
            "sizes provided (%d) must be greater or equal to the number of dimensions in "
            "the tensor (%d)" % (len(sizes), x.ndim))
    lead = len(sizes) - x.ndim
    for i, s in enumerate(sizes[:lead]):
        if s == -1 and x.ndim:
            raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a "
                               f"leading, non-existing dimension {i}")
        if s < 0:
            raise RuntimeError(_NEGATIVE_SIZE)
    target = tuple(s if s != -1 else x.shape[i - lead] for i, s in enumerate(sizes))
    for i, s in enumerate(x.shape):
        if s != 1 and s != target[i + lead]:
            raise RuntimeError(
                f"The expanded size of the tensor ({target[i + lead]}) must match the existing "
                f"size ({s}) at non-singleton dimension {i + lead}.  Target sizes: "
                f"{list(sizes)}.  Tensor sizes: {list(x.shape)}")
    if any(n < 0 for n in target):      # (-2 at a dim of size 1)
        raise RuntimeError(_NEGATIVE_SIZE)
    data = np.broadcast_to(x, target)
    if 1 in target or not data.size:
        data = _kept_strides(x, data)
    if x.flags.writeable and not any(st == 0 and n > 1 for st, n in zip(data.strides, target)):
        # (NumPy's broadcast is read-only even where nothing repeats, as in
        # expand to the same shape: PyTorch writes through such a view; a
        # true broadcast stays read-only, in-place ops refuse it as PyTorch does)
        data = _meta.as_strided(x, data.shape, data.strides, writeable=True)
    return _view_of(data, input, ExpandBackward0, (x.shape,))


def expand_as(input, other):
    return expand(input, tensor_arg(other, "expand_as", "other")._data.shape)


def t(input):
    try:
        x = input._data
    except AttributeError:
        raise tensor_arg(input, "t") from None
    if x.ndim > 2:
        raise RuntimeError(
            f"t() expects a tensor with <= 2 dimensions, but self is {x.ndim}D")
    if not x.size:
        x = laid_out_empty(x)
    return _view_of(x.T, input, TBackward0)


def transpose(input, dim0, dim1):
    x = input._data
    d0, d1 = wrap_dim(dim0, x.ndim), wrap_dim(dim1, x.ndim)
    data = np.swapaxes(x if x.size else laid_out_empty(x), d0, d1) if x.ndim else x.view()
    # (x.view(): a 0-d tensor's dims 0 and -1)
    return _view_of(data, input, TransposeBackward0, (d0, d1, dim0, dim1))


swapaxes = swapdims = transpose


def permute(input, *order, dims=MISSING):
    x = input._data
    if dims is not MISSING:
        order = (keyword_size(dims, "permute", order),)
    dims = _shape_arg(order, "permute")
    if len(dims) != x.ndim:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the "
            f"length of the desired ordering of dimensions i.e. input.dim() = {x.ndim} is not "
            f"equal to len(dims) = {len(dims)}")
    given, dims = tuple(dims), tuple(wrap_dim(d, x.ndim) for d in dims)
    if len(set(dims)) != len(dims):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    inverse = tuple(np.argsort(dims))
    data = (x if x.size else laid_out_empty(x)).transpose(dims)
    return _view_of(data, input, PermuteBackward0, (inverse, given))


def contiguous(input, memory_format=_L.contiguous_format):
    x = input._data
    if (x.flags.c_contiguous or is_meta(x)) and memory_format is _L.contiguous_format:
        return input        # (a meta tensor is contiguous, as its stride() says)
    _L.check_memory_format("contiguous", memory_format)
    if memory_format is _L.preserve_format:
        raise RuntimeError("preserve memory format is unsupported by the contiguous operator")
    if _L.is_laid_out(x, memory_format):
        return input
    return recorded(CloneBackward0, _L.laid_out(x.copy(), memory_format), (input,))


def clone(input, *, memory_format=_L.preserve_format):
    try:
        x = input._data
    except AttributeError:
        raise tensor_arg(input, "clone") from None
    if memory_format is not _L.preserve_format or not x.flags.c_contiguous:
        _L.check_memory_format("clone", memory_format)
        return recorded(CloneBackward0, _L.laid_out(x.copy(), memory_format, like=x), (input,))
    return recorded(CloneBackward0, x.copy(), (input,))


def alias(input):
    return _view_of(input._data.view(), input, AliasBackward0)


def to_dtype(input, dtype, copy=False):
    """Tensor.to(dtype): the same tensor when nothing changes, as PyTorch."""
    if dtype._np == input._data.dtype and not copy:
        return input
    x = input._data
    if x.dtype.kind == "c" and not dtype.is_complex:
        if dtype is D.bool_:
            return wrap(x != 0)
        if dtype.is_floating_point:     # (PyTorch's TORCH_WARN_ONCE)
            warn_once("Casting complex values to real discards the imaginary part",
                      cpp="aten/src/ATen/native/Copy.cpp:307")
        x = x.real
    if x.flags.c_contiguous:
        data = cast(x, dtype._np)
    else:   # (astype's order "K" is not PyTorch's for a broadcast dim)
        data = _L.empty_like(x, dtype._np)
        if dtype._np in D.HALF_NP:
            x = round_double_for_half(x, dtype._np)
        quiet_call(np.copyto, data, x, "unsafe")
    if not (dtype.is_floating_point or dtype.is_complex):
        return wrap(data)
    return recorded(ToCopyBackward0, data, (input,))


def narrow(input, dim, start, length):
    from .indexing import _slice
    # (PyTorch's two signatures: start an int, or a 0-d integer tensor;
    # a bool or a float refused by its parser)
    if isinstance(start, Tensor):
        s = start._data
        if s.ndim or s.dtype.kind not in "iu":
            raise RuntimeError("start must be an 0-dim integral Tensor.")
        start = int(s)
    else:
        start = int_value(start, "start")
    length = int_value(length, "length")
    x = input._data
    if x.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    d = wrap_dim(dim, x.ndim)
    size = x.shape[d]
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], "
                         f"but got {start})")
    if start < 0:
        start += size
    if start > size - length:
        raise RuntimeError(
            f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    # (always recorded: at::slice, along `dim` as given)
    return _slice(input, d, slice(start, start + length), dim)


def select(input, dim, index):
    from .indexing import _select
    x = input._data
    if x.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, x.ndim)
    index = int_value(index, "index")
    if not -x.shape[d] <= index < x.shape[d]:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(x.shape)} at dimension {d}")
    return _select(input, d, index, d, dim)


RepeatBackward0 = grad_fn("RepeatBackward0", saved={"repeats": "repeats", "self_sym_sizes": "shape"},
                          self=V.repeat_grad)


def repeat(input, *sizes, repeats=MISSING):
    x = input._data
    if repeats is not MISSING:
        sizes = (keyword_size(repeats, "repeat", sizes),)
    sizes = _shape_arg(sizes, "repeat")
    if len(sizes) < x.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number "
                           "of dimensions of tensor")
    padded = (1,) * (len(sizes) - x.ndim) + x.shape
    target = [r * s for r, s in zip(sizes, padded)]
    for n in target:
        if n < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {target}")
    # (c_strided: np.tile copies in the input's order where every count is 1)
    data = _L.c_strided(np.tile(x.reshape(padded), sizes))
    split = tuple(v for r, s in zip(sizes, padded) for v in (r, s))
    axes = tuple(range(0, 2 * len(sizes), 2))
    return recorded(RepeatBackward0, data, (input,), (split, axes, x.shape, tuple(sizes)))


# Declarations (squeeze, unsqueeze, t, transpose: in rearrange_views.py, with
# their in-place view variants). Views and reshapes never warn: no wrapper.
view = register(view, namespace=None, quiet=True)
expand = register(expand, namespace=None, quiet=True)
expand_as = register(expand_as, namespace=None, quiet=True)
contiguous = register(contiguous, namespace=None, quiet=True)
repeat = register(repeat, namespace=None, quiet=True)
reshape = register(reshape, out=False, quiet=True)
flatten = register(flatten, out=False, quiet=True, ints={"start_dim": "int", "end_dim": "int"})
unflatten = register(unflatten, out=False, quiet=True,
                     ints={"dim": "int", "sizes": "int[]"})
permute = register(permute, out=False, quiet=True)
clone = register(clone, out=False, quiet=True)
narrow = register(narrow, out=False, quiet=True)
select = register(select, out=False, quiet=True)

from .rearrange_views import as_strided, as_strided_  # noqa: E402  (it builds on this module)
from .shape_join import (CatBackward0, StackBackward0, cat, stack,  # noqa: E402,F401
                         tensor_list)
