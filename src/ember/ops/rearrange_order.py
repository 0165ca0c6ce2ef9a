"""Reordering and repeating: tile repeat_interleave roll rot90 fliplr flipud
movedim moveaxis ravel, and the splits tensor_split hsplit vsplit dsplit
(each piece a slice view, as PyTorch's are)."""
from .._python_data import _tname
from .._layout import c_strided, copied_like, in_format, suggested_format
from .. import _public_name
from .._backend import np

from .. import _dtype as D
from ._common import Tensor, dim_items, recorded, wrap, wrap_dim
from ._registry import grad_fn, register
from ..autograd._saved_fields import given_dims
from ._xp import provide
from . import _int_args, _keywords, shape as S
from .indexing import _slice
from .selection import FlipBackward0, flip, index_select

__all__ = ["tile", "repeat_interleave", "roll", "rot90", "fliplr", "flipud", "movedim",
           "ravel", "tensor_split", "hsplit", "vsplit", "dsplit"]


def tile(input, dims):
    x = input._data
    dims = tuple(int(v) for v in dims)      # (a list of ints: register's ints= checks it)
    dims = (1,) * (x.ndim - len(dims)) + dims
    shape = (1,) * (len(dims) - x.ndim) + x.shape
    for s, r in zip(shape, dims):
        if r < 0:
            out = [s_ * r_ for s_, r_ in zip(shape, dims)]
            raise RuntimeError(f"Trying to create tensor with negative dimension {s * r}: {out}")
    return S.repeat(input, dims)


register(tile, out=False, node=S.RepeatBackward0, method="*dims", ints={"dims": "int[]"})


def _repeat_counts(repeats, output_size):
    """The 1-argument form: index i repeated repeats[i] times."""
    r = repeats._data
    if r.ndim != 1:
        raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
    if r.dtype.kind not in "iu":
        raise NotImplementedError('"repeat_interleave_cpu" not implemented for '
                                  f"'{D.SCALAR_NAMES[repeats.dtype]}'")
    if r.size and r.min() < 0:
        raise RuntimeError("repeats can not be negative")
    out = np.repeat(np.arange(r.size, dtype=r.dtype), r)
    if output_size is not None and output_size != out.size:
        raise RuntimeError("allocated size does not match required size")
    return out


def repeat_interleave(input=None, repeats=None, dim=None, *, output_size=None):
    if input is None or repeats is None:
        # The 1-argument form, repeat_interleave(repeats): the indices.
        if (input is None) == (repeats is None) or dim is not None:
            raise TypeError("repeat_interleave() received an invalid combination of arguments")
        return wrap(_repeat_counts(repeats if input is None else input, output_size))
    if not (isinstance(repeats, Tensor) or _int_args.is_int(repeats)):
        # (the method's words: x.repeat_interleave(2.5))
        raise TypeError(
            "repeat_interleave() received an invalid combination of arguments - got "
            f"({_int_args.type_name(repeats)}), but expected one of:\n"
            " * (Tensor repeats, int dim = None, *, int output_size = None)\n"
            " * (int repeats, int dim = None, *, int output_size = None)\n")
    flat = S.flatten(input) if dim is None else input
    d = wrap_dim(0 if dim is None else dim, flat._data.ndim)
    size = flat._data.shape[d] if flat._data.ndim else 1
    if isinstance(repeats, Tensor):
        r = repeats._data
        if r.ndim == 0 or (r.ndim == 1 and r.size == 1):
            r = np.broadcast_to(r.reshape(1), (size,))
        elif r.ndim == 1:
            if r.size != size:
                raise RuntimeError("repeats must have the same size as input along dim, but got "
                                   f"repeats.size(0) = {r.size} and input.size(0) = {size}")
        else:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        index = _repeat_counts(wrap(r), output_size)
        return index_select(flat, d, wrap(index.astype(np.int64, copy=False)))
    repeats = int(repeats)
    if repeats < 0:
        raise RuntimeError("Repeats must be non-negative")
    if output_size is not None and output_size != size * repeats:
        raise RuntimeError(f"repeat_interleave: Invalid output_size, expected {size * repeats} "
                           f"but got {output_size}")
    # PyTorch's recipe: a new axis after dim, expanded, copied, merged back.
    x = S.unsqueeze(flat, d + 1)
    shape = list(x._data.shape)
    shape[d + 1] = repeats
    return S.flatten(S.clone(S.expand(x, shape)), d, d + 1)


register(repeat_interleave, out=False)


def _roll_args(x, shifts, dims):
    shifts = (int(shifts),) if not isinstance(shifts, (list, tuple)) else tuple(shifts)
    dims = () if dims is None else (dims,) if not isinstance(dims, (list, tuple)) else \
        tuple(dim_items(dims))
    if not shifts:
        raise RuntimeError("`shifts` required")
    if len(shifts) != len(dims) and not (not dims and len(shifts) == 1):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                           f"dims:{len(dims)}")
    if dims and x.ndim == 0:    # (a 0-d tensor has no dim 0 to roll along, nor -1)
        raise IndexError(f"Dimension specified as {dims[0]} but tensor has no dimensions")
    dims = tuple(wrap_dim(d, x.ndim) for d in dims)
    return shifts, dims or None


RollBackward0 = grad_fn("RollBackward0", saved={"dims": "given_dims", "shifts": "shifts"},
                        self=lambda xp, g, shifts, dims:
                        xp.roll(g, tuple(-s for s in shifts), dims))


def roll(input, shifts, dims=None):
    x = input._data
    given = () if dims is None else given_dims(dims)
    shifts, dims = _roll_args(x, shifts, dims)
    data = np.roll(x, shifts[0] if dims is None else shifts, dims)
    # (PyTorch rolls by cat: a flat roll is contiguous, a roll along dims
    # in the input's suggested memory format)
    data = c_strided(data) if dims is None else in_format(data, suggested_format(x))
    return recorded(RollBackward0, data, (input,), (shifts, dims, given))


def _np_roll(x, shifts, dims):
    return np.roll(x, shifts[0] if dims is None else shifts, dims)


provide("roll", _np_roll, roll)
register(roll, out=False, node=RollBackward0,
         ints={"shifts": "tuple of ints", "dims": "tuple of ints"})

Rot90Backward0 = grad_fn("Rot90Backward0", saved={"dims": "given_dims", "k": "k"},
                         self=lambda xp, g, k, dims: xp.rot90(g, -k, dims))


def rot90(input, k=1, dims=(0, 1)):
    x = input._data
    dims = given = tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if x.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {x.ndim}")
    dims = (wrap_dim(dims[0], x.ndim), wrap_dim(dims[1], x.ndim))     # (range checked first)
    if dims[0] == dims[1]:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {given[0]} "
                           f"and dim1 = {given[1]}")
    data = _rotated(x, int(k) % 4, dims)
    return recorded(Rot90Backward0, data, (input,), (int(k), dims, given))


def _rotated(x, k, dims):
    """np.rot90 laid out as PyTorch's: a flip (in the input's layout)
    transposed for an odd k, a contiguous copy for k = 0."""
    if k == 0:
        return c_strided(x.copy())
    if k == 2:
        return copied_like(np.flip(x, dims), x)
    flipped = copied_like(np.flip(x, dims[1] if k == 1 else dims[0]), x)
    return flipped.swapaxes(*dims)


provide("rot90", lambda x, k, dims: _rotated(x, k % 4, dims), rot90)
register(rot90, out=False, node=Rot90Backward0, ints={"k": "int", "dims": "tuple of ints"})


def fliplr(input):
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, (1,))


def flipud(input):
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, (0,))


register(fliplr, out=False, node=FlipBackward0)
register(flipud, out=False, node=FlipBackward0)


def movedim(input, source, destination):
    x = input._data
    src = dim_items(source) if isinstance(source, (list, tuple)) else [source]
    dst = dim_items(destination) if isinstance(destination, (list, tuple)) else [destination]
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({src} dims) "
                           f"should contain the same number of dims as destination ({dst} dims)")
    for name, given in (("source", src), ("destination", dst)):
        if len({wrap_dim(d, x.ndim) for d in given}) != len(given):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({given})")
    src = [wrap_dim(d, x.ndim) for d in src]
    dst = [wrap_dim(d, x.ndim) for d in dst]
    if x.ndim == 0:
        return S.alias(input)
    order = [-1] * x.ndim
    for s, d in zip(src, dst):
        order[d] = s
    rest = iter(d for d in range(x.ndim) if d not in src)
    order = [o if o >= 0 else next(rest) for o in order]
    return S.permute(input, order)


register(movedim, out=False, aliases=("moveaxis",), node=S.PermuteBackward0)


def ravel(input):
    return S.view(S.contiguous(input), -1)


register(ravel, out=False, node=S.ViewBackward0)


def _piece(input, d, start, stop):
    return _slice(input, d, slice(start, stop))     # (always recorded: at::slice)


_UNSET = _keywords.Unset("argument")


def _split_spec(name, spec, sections=_UNSET, indices=_UNSET, tensor=_UNSET):
    """The split argument of one of PyTorch's split signatures: positional
    (an int, a list of ints, a tensor) or by its keyword (sections= an int,
    indices= a list of ints, tensor_indices_or_sections= a tensor); a call
    none of them takes is the parser's (its signatures listed)."""
    named = [(k, v) for k, v in (("int", sections), ("tuple of ints", indices),
                                 ("Tensor", tensor)) if v is not _UNSET]
    if len(named) + len(spec) != 1:
        raise _keywords.unbound_call()
    if spec:
        value = spec[0]
        kinds = ("Tensor",) if isinstance(value, Tensor) else ("int", "tuple of ints")
    else:
        (kind, value), = named
        kinds = (kind,)
    if not any(_split_accepts(kind, value) for kind in kinds):
        raise _keywords.unbound_call()
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value[1:], 2):
            if not _int_args.is_index(item, bools=True):
                raise TypeError(f"{name}(): argument 'indices' failed to unpack the object at "
                                f"pos {i} with error \"type must be tuple of ints,but got "
                                f"{_tname(item)}\"")
    return value


def _split_accepts(kind, value):
    if kind == "Tensor":
        return isinstance(value, Tensor)
    if kind == "int":
        return _int_args.is_index(value)
    # (the parser reads a list by its first item)
    return isinstance(value, (list, tuple)) and (not value or _int_args.is_index(value[0]))


def tensor_split(input, *spec, sections=_UNSET, indices=_UNSET,
                 tensor_indices_or_sections=_UNSET, dim=_UNSET):
    if len(spec) == 2 and dim is _UNSET:
        spec, dim = spec[:1], spec[1]
    if len(spec) > 1:
        raise _keywords.unbound_call()
    arg = _split_spec("tensor_split", spec, sections, indices, tensor_indices_or_sections)
    if dim is _UNSET:
        dim = 0
    elif not _int_args.is_index(dim):
        raise _keywords.unbound_call()
    x = input._data
    if x.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a "
                           "tensor with 0 dims")
    d = wrap_dim(dim, x.ndim)
    if isinstance(arg, Tensor) and (sections is _UNSET or arg._data.ndim):
        a = arg._data
        if a.dtype != np.int64:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to have dtype "
                               f"of long, but got {D.SCALAR_NAMES[arg.dtype]}")
        if a.ndim > 1:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to be a "
                               "zero-dimensional or one-dimensional tensor, but got a tensor "
                               f"with {a.ndim} dims")
        arg = int(a) if a.ndim == 0 else [int(v) for v in a]
    size = x.shape[d]
    if not isinstance(arg, (list, tuple)):
        n = int(arg._data.reshape(())) if isinstance(arg, Tensor) else int(arg)
        if n <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {n}")
        small, extra = divmod(size, n)
        bounds = np.cumsum([0] + [small + 1] * extra + [small] * (n - extra)).tolist()
        return tuple(_piece(input, d, a, b) for a, b in zip(bounds, bounds[1:]))
    bounds = [0] + [int(i) for i in dim_items(arg)] + [size]
    return tuple(_piece(input, d, a, b) for a, b in zip(bounds, bounds[1:]))


register(tensor_split, out=False)


def _directional_split(name, min_dim, dim):
    def op(input, *spec, sections=_UNSET, indices=_UNSET):
        indices_or_sections = _split_spec(name, spec, sections, indices)
        if isinstance(indices_or_sections, Tensor) and indices_or_sections._data.ndim:
            raise _keywords.unbound_call()      # (a tensor is no int list's here)
        x = input._data
        if x.ndim < min_dim:
            raise RuntimeError(
                f"{_public_name.name}.{name} requires a tensor with at least {min_dim} "
                "dimension, but got a "
                f"tensor with {x.ndim} dimensions!")
        d = dim(x.ndim)
        if not isinstance(indices_or_sections, (list, tuple)):
            n = int(indices_or_sections)
            if n == 0 or x.shape[d] % n:
                raise RuntimeError(
                    f"{_public_name.name}.{name} attempted to split along dimension {d}, "
                    "but the size of the "
                    f"dimension {x.shape[d]} is not divisible by the split_size {n}!")
        return tensor_split(input, indices_or_sections, d)
    return register(op, name, out=False, method="indices")


hsplit = _directional_split("hsplit", 1, lambda nd: 1 if nd > 1 else 0)
vsplit = _directional_split("vsplit", 2, lambda nd: 0)
dsplit = _directional_split("dsplit", 3, lambda nd: 2)
