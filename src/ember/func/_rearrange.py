"""torch.func.rearrange: einops' rearrange (axes permuted, split, merged,
added or dropped as a pattern says, "b h w c -> b (h w) c").

PyTorch parses the pattern with einops' parser (functorch/einops/_parsing.py)
and runs it with first-class dims; here the same parse, in the same words
for a bad pattern, runs as reshape -> permute -> reshape: the input's dims
split into the pattern's elementary axes, those put in the right side's
order, merged into its groups. A "1" on the left is an axis of size 1 that
PyTorch sums away (a copy, SumBackward1); on the right, a new axis of size 1.
"""
import keyword
import math
import warnings

__all__ = ["rearrange"]

_ELLIPSIS = "\u2026"   # "..." once parsed: one character, as einops has it


class _Side:
    """One side of a pattern: `composition` lists its dims, each a list of
    axis names (a group; [] for an anonymous "1") or _ELLIPSIS."""

    def __init__(self, expression):
        self.identifiers, self.composition = set(), []
        self.has_ellipsis, self.ellipsis_parenthesized, self.non_unitary = False, None, False
        if "." in expression:
            if "..." not in expression:
                raise ValueError("Expression may contain dots only inside ellipsis (...)")
            if expression.count("...") != 1 or expression.count(".") != 3:
                raise ValueError("Expression may contain dots only inside ellipsis (...); "
                                 "only one ellipsis for tensor ")
            expression = expression.replace("...", _ELLIPSIS)
            self.has_ellipsis = True
        group, name = None, None
        for char in expression + " ":
            if char in "() ":
                if name is not None:
                    self._add(name, group)
                name = None
                if char == "(":
                    if group is not None:
                        raise ValueError("Axis composition is one-level (brackets inside "
                                         "brackets not allowed)")
                    group = []
                elif char == ")":
                    if group is None:
                        raise ValueError("Brackets are not balanced")
                    self.composition.append(group)
                    group = None
            elif char.isalnum() or char in ("_", _ELLIPSIS):
                name = char if name is None else name + char
            else:
                raise ValueError(f"Unknown character '{char}'")
        if group is not None:
            raise ValueError(f"Imbalanced parentheses in expression: '{expression}'")

    def _add(self, name, group):
        if name in self.identifiers:
            raise ValueError(f"Indexing expression contains duplicate dimension '{name}'")
        if name == _ELLIPSIS:
            self.identifiers.add(name)
            self.ellipsis_parenthesized = group is not None
            (self.composition if group is None else group).append(name)
            return
        if name.isdecimal():
            if int(name) == 1:
                if group is None:
                    self.composition.append([])     # (a "1" inside a group adds nothing)
                return
            if int(name) < 1:
                raise ValueError(f"Anonymous axis should have positive length, not {int(name)}")
            self.non_unitary = True
            name = f"{name}-axis#{len(self.identifiers)}"   # (never equal to another)
        else:
            _check_name(name)
        self.identifiers.add(name)
        if group is None:
            self.composition.append([name])
        else:
            group.append(name)


def _check_name(name):
    if not name.isidentifier():
        reason = "not a valid python identifier"
    elif name[0] == "_" or name[-1] == "_":
        reason = "axis name should should not start or end with underscore"
    else:
        if keyword.iskeyword(name):
            warnings.warn(f"It is discouraged to use axes names that are keywords: {name}",
                          RuntimeWarning, stacklevel=5)
        if name == "axis":
            warnings.warn("It is discouraged to use 'axis' as an axis name and will raise an "
                          "error in future", FutureWarning, stacklevel=5)
        return
    raise ValueError(f"Invalid axis identifier: {name}\n{reason}")


def _parse(pattern, axes_lengths):
    try:
        left, right = pattern.split("->")
    except ValueError:
        raise ValueError("Pattern must contain a single '->' separator") from None
    if _ELLIPSIS in axes_lengths:
        raise ValueError(f"'{_ELLIPSIS}' is not an allowed axis identifier")
    left, right = _Side(left), _Side(right)
    if not left.has_ellipsis and right.has_ellipsis:
        raise ValueError(f"Ellipsis found in right side, but not left side of a pattern {pattern}")
    if left.has_ellipsis and left.ellipsis_parenthesized:
        raise ValueError(f"Ellipsis is parenthesis in the left side is not allowed: {pattern}")
    for length in axes_lengths.values():
        if type(length) is not int:
            raise TypeError(f"rearrange axis lengths must be integers, got: {type(length)}")
    if left.non_unitary or right.non_unitary:
        raise ValueError("rearrange only supports unnamed axes of size 1")
    difference = left.identifiers ^ right.identifiers
    if difference:
        raise ValueError("Identifiers only on one side of rearrange expression (should be on "
                         f"both): {difference}")
    unmatched = axes_lengths.keys() - left.identifiers
    if unmatched:
        raise ValueError(f"Identifiers not found in rearrange expression: {unmatched}")
    return left, right


def rearrange(tensor, pattern, **axes_lengths):
    """Rearrange `tensor` (or a sequence of tensors, stacked first) as the
    einops `pattern` says; `axes_lengths` give sizes of split axes."""
    from .. import stack
    from .._tensor import Tensor
    if not isinstance(tensor, Tensor):
        tensor = stack(tensor)
    left, right = _parse(pattern, axes_lengths)
    ndim, shape = tensor.dim(), tuple(tensor.shape)
    n_anon = sum(1 for d in left.composition if d == [])
    if left.has_ellipsis:
        n_ellipsis = ndim - (len(left.composition) - 1)
        if n_anon + len(left.identifiers) - 1 > ndim:
            raise ValueError(f"Number of dimensions in pattern ({n_anon + len(left.identifiers) - 1})"
                             " must be less than or equal to the number of dimensions in the "
                             f"tensor ({ndim})")
    else:
        n_ellipsis = 0
        if len(left.composition) != ndim:
            raise ValueError(f"Number of dimensions in pattern ({len(left.composition)}) must be "
                             f"equal to the number of dimensions in the tensor ({ndim})")
    if len(left.identifiers) - left.has_ellipsis + n_ellipsis + n_anon == 0 or (
            left.composition == right.composition == [_ELLIPSIS]):
        return tensor   # an identity on a 0-d tensor; "... -> ..." (PyTorch's too)
    ellipsis_axes = [(_ELLIPSIS, j) for j in range(n_ellipsis)]
    sizes, order, anon, dim = {}, [], [], 0
    for group in left.composition:
        if group == _ELLIPSIS:
            sizes.update(zip(ellipsis_axes, shape[dim:dim + n_ellipsis]))
            order += ellipsis_axes
            dim += n_ellipsis
            continue
        if not group:       # an anonymous 1: summed away, as PyTorch does
            group = [("1", len(anon))]
            anon.append(group[0])
        _split(group, shape[dim], len(order), sizes, axes_lengths)
        order += group
        dim += 1
    right_axes, right_shape = [], []
    for group in right.composition:
        axes = ellipsis_axes if group == _ELLIPSIS else [
            a for name in group for a in (ellipsis_axes if name == _ELLIPSIS else [name])]
        right_axes += axes
        if group == _ELLIPSIS:
            right_shape += [sizes[a] for a in axes]
        else:
            right_shape.append(math.prod(sizes[a] for a in axes))
    x = tensor.reshape([sizes[a] for a in order])
    x = x.permute([order.index(a) for a in right_axes + anon])
    x = x.reshape(right_shape + [sizes[a] for a in anon])
    if anon:
        x = x.sum(tuple(range(len(right_shape), len(right_shape) + len(anon))))
    return x


class DimensionBindError(Exception):
    """A pattern's axis sizes that the tensor's shape contradicts (PyTorch's
    first-class dims raise this; functorch.dim.DimensionBindError there)."""


DimensionBindError.__module__ = "functorch.dim"


def _split(group, length, first, sizes, axes_lengths):
    """The sizes of the axes a dim of `length` splits into (one unknown at
    most); `first` numbers the group's first axis as PyTorch's dims d0, d1..."""
    names = ", ".join(f"d{first + i}" for i in range(len(group)))
    if group[0][0] == "1":      # an anonymous 1 takes any length (PyTorch sums it away)
        sizes[group[0]] = length
        return
    unknown = [i for i, a in enumerate(group) if a not in axes_lengths]
    if len(unknown) > 1:
        raise DimensionBindError("cannot infer the sizes of two dimensions at once "
                                 f"d{first + unknown[0]} and d{first + unknown[1]}")
    for a in group:
        if a in axes_lengths:
            sizes[a] = axes_lengths[a]
    product = math.prod(sizes[a] for a in group if a in axes_lengths)
    if not unknown:
        if product != length:
            raise DimensionBindError(f"Dimension sizes to do not match ({length} != {product}) "
                                     f"when matching dimension pack ({names}{',' * (len(group) == 1)})")
        return
    if length % product:
        shown = tuple(sizes[a] if a in axes_lengths else "?" for a in group)
        raise DimensionBindError("inferred dimension does not evenly fit into larger dimension: "
                                 f"{length} vs {shown}")
    sizes[group[unknown[0]]] = length // product
