"""Ops with several outputs and their derivatives: unbind, split, chunk.

Each call records one node whose outputs are all the pieces (PyTorch's
UnbindBackward0 / SplitBackward0 / SplitWithSizesBackward0), through the one
recording path for several outputs (recorded_multi); its backward puts the
pieces' gradients back together, zeros for pieces that got none.
"""
import builtins

from . import _view_history
from ._common import Tensor, recorded_multi, wrap_dim
from ._int_args import int_list, is_int
from .conditional import _arg_type
from ._registry import grad_fn, register

__all__ = ["unbind", "split", "chunk"]


def _pieces_node(name, join, saved):
    """A node whose outputs are all the pieces: its backward joins their
    gradients (zeros for pieces that got none) with `join` (stack or cat).
    Its constants: the wrapped dim, then those of `saved` (PyTorch's fields)."""
    node = grad_fn(name, outputs=(), saved=saved,
                   self=lambda xp, grad, dim: join(xp)(list(grad), dim))
    node._multi_view = True     # pieces are views: none may change in place
    return node


# (`given_dim`: the dim as the caller gave it, which PyTorch's node shows)
UnbindBackward0 = _pieces_node("UnbindBackward0", lambda xp: xp.stack, {"dim": "given_dim"})
SplitBackward0 = _pieces_node("SplitBackward0", lambda xp: xp.cat, {
    "dim": "given_dim", "self_sym_sizes": "shape", "split_size": "sizes"})
SplitWithSizesBackward0 = _pieces_node("SplitWithSizesBackward0", lambda xp: xp.cat, {
    "dim": "given_dim", "self_sym_sizes": "shape", "split_sizes": "sizes"})


def _record_pieces(input, arrays, node_cls, ctx):
    pieces = recorded_multi(node_cls, arrays, (input,), ctx)
    vc = input._share_vc()
    base = input if input._base is None else input._base
    for t in pieces:
        # Each piece is a view: it shares memory and the version counter (and,
        # made without grad, still requires it, as in PyTorch).
        t._vc, t._base = vc, base
        if input._requires_grad:
            if t._grad_fn is None:
                t._requires_grad = True
                _view_history.watch(t, base, _view_history.NO_GRAD_VIEW)
            elif base._grad_fn is not None:
                _view_history.watch(t, base)
    return pieces


def unbind(input, dim=0):
    x = input._data
    if x.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = wrap_dim(dim, x.ndim)
    arrays = [x[(slice(None),) * d + (i,)] for i in range(x.shape[d])]
    return _record_pieces(input, arrays, UnbindBackward0, (d, dim))


def _split_arg(s, dim):
    """As PyTorch's Tensor.split reads it: a tensor is an int where int()
    takes it; an int (a bool refused) splits in equal parts (the parser's
    `split`), anything else is read as split_with_sizes's tuple of ints."""
    if isinstance(s, Tensor):
        try:
            s = int(s)
        except ValueError:
            pass
    if isinstance(s, int):
        if s.__class__ is bool or not is_int(dim):
            raise _split_refused(s, dim)
        return s
    if not isinstance(s, (tuple, list)):
        raise TypeError("split_with_sizes(): argument 'split_sizes' (position 2) must be tuple "
                        f"of ints, not {_arg_type(s)}")
    if not is_int(dim):
        raise TypeError("split_with_sizes(): argument 'dim' (position 3) must be int, not "
                        f"{_arg_type(dim)}")
    return list(int_list(s, "split_with_sizes", "split_sizes", 2))


def _split_refused(s, dim):
    """The parser's TypeError for split(int split_size, int dim) given a
    bool size or a dim that is no int: both signatures listed, each marking
    its arguments from the first that does not match on."""
    types = (_arg_type(s), _arg_type(dim))
    lines = ""
    for kind, size_ok in (("int", s.__class__ is not bool), ("tuple of ints", False)):
        marks, bad = [], False
        for name, ok in zip(types, (size_ok, is_int(dim))):
            bad = bad or not ok
            marks.append(f"!{name}!" if bad else name)
        lines += (f" * (Tensor input, {kind} split_size, int dim = 0)\n      didn't match "
                  f"because some of the arguments have invalid types: (Tensor, "
                  f"{', '.join(marks)})\n")
    return TypeError("split() received an invalid combination of arguments - got (Tensor, "
                     f"{', '.join(types)}), but expected one of:\n" + lines)


def split(tensor, split_size_or_sections, dim=0):
    # (PyTorch's torch.split and Tensor.split are Python: their parameters'
    # names are keywords, tensor= here, split_size= for the method)
    input = tensor
    split_size_or_sections = _split_arg(split_size_or_sections, dim)
    x = input._data
    if x.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = wrap_dim(dim, x.ndim)
    size = x.shape[d]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step < 0:
            raise RuntimeError(
                f"split expects split_size be non-negative, but got split_size={step}")
        if step == 0 and size != 0:
            raise RuntimeError("split_size can only be 0 if dimension size is 0, but got "
                               f"dimension size of {size}")
        sizes = [builtins.min(step, size - s) for s in range(0, size, step or 1)] or [0]
        node_cls, given = SplitBackward0, step
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if builtins.any(s < 0 for s in sizes):
            raise RuntimeError("split_with_sizes expects split_sizes have only non-negative "
                               f"entries, but got split_sizes={sizes}")
        if builtins.sum(sizes) != size:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {size} (input "
                f"tensor's size at dimension {d}), but got split_sizes={sizes}")
        node_cls, given = SplitWithSizesBackward0, tuple(split_size_or_sections)
    arrays, start = [], 0
    for s in sizes:
        arrays.append(x[(slice(None),) * d + (slice(start, start + s),)])
        start += s
    return _record_pieces(input, arrays, node_cls, (d, dim, x.shape, given))


def chunk(input, chunks, dim=0):
    if input._data.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = wrap_dim(dim, input._data.ndim)
    size = input._data.shape[d]
    if size == 0:
        # PyTorch keeps the asked-for number of empty pieces.
        return split(input, [0] * chunks, dim)
    return split(input, -(-size // chunks), dim)


unbind = register(unbind, out=False, quiet=True)
split = register(split, out=False, quiet=True)
chunk = register(chunk, out=False, quiet=True, ints={"chunks": "int", "dim": "int"})
