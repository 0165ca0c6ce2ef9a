"""einsum, as PyTorch computes it: every operand is brought to one common
layout (output labels first, then the contracted ones; a repeated label
taken as a diagonal; a missing one as a size-1 dim), then the operands are
contracted left to right, two at a time, each pair as one batched matrix
product of permuted and reshaped views (BLAS, no loop over elements).

Built from Ember's recorded ops (permute, unsqueeze, diagonal, sum,
reshape, bmm, mul), so the graph has PyTorch's nodes and second derivatives
come for free.
"""
from .._python_data import _tname
from .. import _meta
from ._common import Tensor, np, tracked
from ._registry import grad_fn, register
from .products_reshape import reshape_as_torch

__all__ = ["einsum"]

_ELLIPSIS = 52          # label numbers: 'A'-'Z' are 0-25, 'a'-'z' 26-51


def _label(c):
    return ord(c) - (ord("A") if c <= "Z" else ord("a") - 26)


def _is_label(c):
    return "a" <= c <= "z" or "A" <= c <= "Z"


def _letter(n):
    return chr(ord("A") + n) if n < 26 else chr(ord("a") + n - 26)


# ------------------------------------------------------------------ the diagonal view

def _diagonal_back(xp, g, shape, dim1, dim2):
    """The diagonal's gradient: g laid on the (dim1, dim2) diagonal of zeros,
    i.e. g's last dim moved to dim1, a size-1 dim at dim2, times the identity;
    recorded, PyTorch's diagonal_backward node."""
    if xp.recording:
        from .rearrange_views import _diagonal_grad
        return _diagonal_grad(xp, g, shape, 0, dim1, dim2)
    nd = len(shape)
    order = list(range(nd - 2))
    order.insert(dim1, nd - 2)
    spread = list(shape)
    spread[dim2] = 1
    g = xp.reshape(xp.permute(g, tuple(order)), tuple(spread))
    eye_shape = [1] * nd
    eye_shape[dim1] = eye_shape[dim2] = shape[dim1]
    eye = np.eye(shape[dim1], dtype=xp.data(g).dtype).reshape(eye_shape)
    return g * (Tensor._wrap(eye) if xp.recording else eye)


DiagonalBackward0 = grad_fn("DiagonalBackward0", self=_diagonal_back, saved={
    "dim1": "dim1", "dim2": "dim2", "offset": lambda node: 0, "self_sym_sizes": "shape"})


def _diagonal(t, dim1, dim2):
    """t.diagonal(0, dim1, dim2) of a square (dim1, dim2) pair, dim1 < dim2:
    a view, the diagonal last."""
    from .shape import _view_of
    x = t._data
    keep = [d for d in range(x.ndim) if d not in (dim1, dim2)]
    shape = tuple(x.shape[d] for d in keep) + (x.shape[dim1],)
    strides = tuple(x.strides[d] for d in keep) + (x.strides[dim1] + x.strides[dim2],)
    data = _meta.as_strided(x, shape, strides, writeable=x.flags.writeable)
    return _view_of(data, t, DiagonalBackward0, (x.shape, dim1, dim2))


def _movedim(B, t, src, dst):
    order = list(range(len(B.shape(t))))
    order.insert(dst, order.pop(src))
    return B.permute(t, order)


# ------------------------------------------------------------------ two backends

def _array_diagonal(x, dim1, dim2):
    keep = [d for d in range(x.ndim) if d not in (dim1, dim2)]
    shape = tuple(x.shape[d] for d in keep) + (x.shape[dim1],)
    strides = tuple(x.strides[d] for d in keep) + (x.strides[dim1] + x.strides[dim2],)
    return _meta.as_strided(x, shape, strides, writeable=False)


def _on_arrays(op):
    """An Ember op run on arrays without recording: the same checks, dtypes and errors."""
    return lambda *xs: op(*[Tensor._wrap(x) for x in xs])._data


def _backends():
    """The steps einsum takes, as recorded Ember ops (the graph PyTorch
    builds), and on bare arrays (nothing to record: no per-op bookkeeping)."""
    from types import SimpleNamespace
    from . import linalg, reduction, shape
    recorded_ops = SimpleNamespace(
        shape=lambda x: x._data.shape, permute=shape.permute, unsqueeze=shape.unsqueeze,
        diagonal=_diagonal, sum=reduction.sum, reshape=reshape_as_torch, view=shape.view,
        bmm=linalg.bmm, mul=lambda a, b: a * b)
    array_ops = SimpleNamespace(
        shape=lambda x: x.shape, permute=np.transpose,
        unsqueeze=lambda x, d: x.reshape(x.shape[:d] + (1,) + x.shape[d:]),
        diagonal=_array_diagonal,
        sum=lambda x, dims, keepdim=False: _on_arrays(
            lambda t: reduction.sum(t, dims, keepdim))(x),
        reshape=np.reshape, view=np.reshape, bmm=_on_arrays(linalg.bmm),
        mul=_on_arrays(lambda a, b: a * b))
    return recorded_ops, array_ops


_BACKENDS = []
_PARSED = {}


# ------------------------------------------------------------------ the equation

def einsum(*args):
    if len(args) < 2:
        raise ValueError("einsum(): must specify the equation string and at least one operand, "
                         "or at least one operand and its subscripts list")
    if isinstance(args[0], Tensor):
        # The sublist form: op1, [0, 1], op2, [1, 2], ..., [output].
        def letters(sub):
            return "".join("..." if s is Ellipsis else _sublist_letter(s) for s in sub)
        equation = ",".join(letters(sub) for sub in args[1::2])
        if len(args) % 2 == 1:
            equation += "->" + letters(args[-1])
            operands = args[:-1:2]
        else:
            operands = args[::2]
    else:
        equation, operands = args[0], args[1:]
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        return einsum(equation, *operands[0])     # the old form: operands in one list
    return _einsum(equation, list(operands))


def _sublist_letter(n):
    if 0 <= n < 52:
        return _letter(n)
    raise ValueError("einsum(): subscript in subscript list is not within the valid range [0, 52)")


def _parse_inputs(lhs, num_ops):
    op_labels = [[] for _ in range(num_ops)]
    cur, ell_seen, i = 0, False, 0
    while i < len(lhs):
        c = lhs[i]
        if c == " ":
            pass
        elif c == ".":
            if ell_seen:
                raise RuntimeError(f"einsum(): found '.' for operand {cur} for which an "
                                   "ellipsis was already found")
            if not (i + 2 < len(lhs) and lhs[i + 1] == "." and lhs[i + 2] == "."):
                raise RuntimeError(f"einsum(): found '.' for operand {cur} that is not part "
                                   "of any ellipsis")
            i += 2
            op_labels[cur].append(_ELLIPSIS)
            ell_seen = True
        elif c == ",":
            cur += 1
            if cur >= num_ops:
                raise RuntimeError(
                    "einsum(): fewer operands were provided than specified in the equation")
            ell_seen = False
        elif _is_label(c):
            op_labels[cur].append(_label(c))
        else:
            raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the equation "
                               "string, subscripts must be in [a-zA-Z]")
        i += 1
    if cur != num_ops - 1:
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    return op_labels


def _layout(equation, op_labels, operands):
    """Each label's position in the common layout (output dims first), the
    ellipsis dims' first position, their number, and the output's rank."""
    counts = [0] * 52
    ell_num_dim = 0
    for i, (labels, op) in enumerate(zip(op_labels, operands)):
        ndim = op._data.ndim
        nlabels = sum(1 for s in labels if s != _ELLIPSIS)
        has_ell = nlabels != len(labels)
        for s in labels:
            if s != _ELLIPSIS:
                counts[s] += 1
        if has_ell:
            ell_num_dim = max(ell_num_dim, ndim - nlabels)
        if (nlabels > ndim) if has_ell else (nlabels != ndim):
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({nlabels}) "
                + ("is more than" if has_ell else "does not match")
                + f" the number of dimensions ({ndim}) for operand {i}"
                + ("" if has_ell else " and no ellipsis was given"))
    perm_index = [-1] * 52
    arrow = equation.find("->")
    nxt, ell_index, ell_in_output = 0, 0, False
    if arrow < 0:
        # Implicit output: the ellipsis dims, then the labels seen once, in order.
        nxt, ell_in_output = ell_num_dim, True
        for s in range(52):
            if counts[s] == 1:
                perm_index[s] = nxt
                nxt += 1
    else:
        rhs, i = equation[arrow + 2:], 0
        while i < len(rhs):
            c = rhs[i]
            if c == " ":
                pass
            elif c == ".":
                if ell_in_output:
                    raise RuntimeError("einsum(): found '.' for output but an ellipsis (...) "
                                       "was already found")
                if not (i + 2 < len(rhs) and rhs[i + 1] == "." and rhs[i + 2] == "."):
                    raise RuntimeError("einsum(): found '.' for output that is not part of any "
                                       "ellipsis (...)")
                i += 2
                ell_index, ell_in_output = nxt, True
                nxt += ell_num_dim
            elif _is_label(c):
                s = _label(c)
                if counts[s] == 0 or perm_index[s] != -1:
                    why = ("appears more than once in the output" if perm_index[s] != -1 else
                           "does not appear in the equation for any input operand")
                    raise RuntimeError(f"einsum(): output subscript {c} {why}")
                perm_index[s] = nxt
                nxt += 1
            else:
                raise RuntimeError(f"einsum(): invalid subscript given at index {arrow + 2 + i} "
                                   "in the equation string, subscripts must be in [a-zA-Z]")
            i += 1
    out_num_dim = nxt
    if not ell_in_output:
        ell_index = nxt
        nxt += ell_num_dim
    for s in range(52):
        if counts[s] > 0 and perm_index[s] == -1:
            perm_index[s] = nxt
            nxt += 1
    return perm_index, ell_index, ell_num_dim, out_num_dim, nxt


def _einsum(equation, operands):
    if not isinstance(equation, str):
        raise TypeError("einsum(): argument 'equation' (position 1) must be str, not "
                        f"{_tname(equation)}")
    for i, op in enumerate(operands):
        if not isinstance(op, Tensor):
            kind = type(op)
            name = kind.__name__ if kind.__module__ == "builtins" else \
                f"{kind.__module__}.{kind.__qualname__}"
            raise TypeError(f"expected Tensor as element {i} in argument 1, but got {name}")
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    # The parse depends on the equation and the operands' ranks only.
    key = (equation, tuple(op._data.ndim for op in operands))
    parsed = _PARSED.get(key)
    if parsed is None:
        arrow = equation.find("->")
        op_labels = _parse_inputs(equation if arrow < 0 else equation[:arrow], len(operands))
        parsed = op_labels, _layout(equation, op_labels, operands)
        if len(_PARSED) > 512:
            _PARSED.clear()
        _PARSED[key] = parsed
    op_labels, layout = parsed
    if not _BACKENDS:
        _BACKENDS.extend(_backends())
    recorded_ops, array_ops = _BACKENDS
    # With nothing to record, several operands are contracted on the arrays
    # (the result is a fresh array; one operand's result is a view of it, so
    # that one always goes through the recorded, view-aware ops).
    if len(operands) > 1 and not tracked(*operands):
        return Tensor._wrap(np.asanyarray(_contract(array_ops, op_labels, layout,
                                                 [op._data for op in operands])))
    return _contract(recorded_ops, op_labels, layout, operands)


def _contract(B, op_labels, layout, operands):
    """The einsum of `operands` (tensors or arrays, as backend B takes them)."""
    perm_index, ell_index, ell_num_dim, out_num_dim, n_dims = layout

    # Align every operand to the common layout.
    label_size = [1] * 52
    ell_sizes = [1] * ell_num_dim
    dim_counts = [0] * n_dims
    ops = []
    for i, op in enumerate(operands):
        perm = [-1] * n_dims
        shape = B.shape(op)
        dim = 0
        for s in op_labels[i]:
            if s == _ELLIPSIS:
                ndim = len(shape) - (len(op_labels[i]) - 1)
                for j in range(ell_num_dim - ndim, ell_num_dim):
                    size = B.shape(op)[dim]
                    if size != 1:
                        if ell_sizes[j] != 1 and ell_sizes[j] != size:
                            raise RuntimeError(
                                f"einsum(): dimension {dim} covered by ellipsis in operand {i}"
                                f"has size {size} which does not broadcast with previously seen "
                                f"ellipsis with size {ell_sizes[j]} for the respective dimension")
                        ell_sizes[j] = size
                        dim_counts[ell_index + j] += 1
                    perm[ell_index + j] = dim
                    dim += 1
            elif perm[perm_index[s]] == -1:
                size = B.shape(op)[dim]
                if size != 1:
                    if label_size[s] != 1 and label_size[s] != size:
                        raise RuntimeError(
                            f"einsum(): subscript {_letter(s)} has size {size} for operand {i} "
                            f"which does not broadcast with previously seen size {label_size[s]}")
                    label_size[s] = size
                    dim_counts[perm_index[s]] += 1
                perm[perm_index[s]] = dim
                dim += 1
            else:       # a repeated label: its diagonal
                prev = perm[perm_index[s]]
                a, b = B.shape(op)[dim], B.shape(op)[prev]
                if a != b:
                    raise RuntimeError(f"einsum(): subscript {_letter(s)} is repeated for "
                                       f"operand {i} but the sizes don't match, {a} != {b}")
                op = _movedim(B, B.diagonal(op, prev, dim), -1, prev)
        for k in range(n_dims):
            if perm[k] == -1:
                op = B.unsqueeze(op, dim)
                perm[k] = dim
                dim += 1
        ops.append(B.permute(op, perm))

    # Contract left to right; a dim is summed as soon as one operand is left holding it.
    while len(ops) > 1:
        a, b = ops[0], ops[1]
        del ops[:2]
        sum_dims, a_sum, b_sum = [], [], []
        sa, sb = B.shape(a), B.shape(b)
        for d in range(out_num_dim, n_dims):
            if sa[d] != 1 and sb[d] != 1:
                if sa[d] != sb[d]:
                    raise RuntimeError("non-broadcast dimensions must match")
                dim_counts[d] -= 1
                if dim_counts[d] == 1:
                    sum_dims.append(d)
                    dim_counts[d] = 0
            elif dim_counts[d] == 1:
                if sa[d] != 1:
                    a_sum.append(d)
                    dim_counts[d] = 0
                elif sb[d] != 1:
                    b_sum.append(d)
                    dim_counts[d] = 0
        if a_sum:
            a = B.sum(a, a_sum, True)
        if b_sum:
            b = B.sum(b, b_sum, True)
        ops.insert(0, _sumproduct_pair(B, a, b, sum_dims))

    result = ops[0]
    if n_dims > out_num_dim:
        if len(operands) > 1:
            return B.view(result, B.shape(result)[:out_num_dim])
        return B.sum(result, list(range(out_num_dim, n_dims)))
    return result


def _sumproduct_pair(B, left, right, sum_dims):
    """sum over sum_dims of left * right (both in the common layout, size-1
    where absent), kept as size-1 dims: one bmm of (shared, left-only, summed)
    by (shared, summed, right-only) permuted views."""
    if not sum_dims:
        return B.mul(left, right)
    sl_shape, sr_shape = B.shape(left), B.shape(right)
    summed = set(sum_dims)
    lro, lo, ro = [], [], []
    lro_size = lo_size = ro_size = sum_size = 1
    for i in range(len(sl_shape)):
        sl, sr = sl_shape[i] != 1, sr_shape[i] != 1
        if i in summed:
            if sl and sr:
                if B.shape(left)[i] != B.shape(right)[i]:
                    raise RuntimeError("non-broadcast dimensions must match")
                sum_size *= B.shape(left)[i]
            elif sl:
                left = B.sum(left, [i], True)
            elif sr:
                right = B.sum(right, [i], True)
        elif sl and sr:
            if B.shape(left)[i] != B.shape(right)[i]:
                raise RuntimeError("non-broadcast dimensions must match")
            lro.append(i)
            lro_size *= B.shape(left)[i]
        elif sl:
            lo.append(i)
            lo_size *= B.shape(left)[i]
        else:
            ro.append(i)
            ro_size *= B.shape(right)[i]
    if lo and ro and ro[-1] < lo[0]:
        # The right operand's dims all come first in the output: swapped,
        # bmm lays the result out in the output's order.
        left, right, lo, ro, lo_size, ro_size = right, left, ro, lo, ro_size, lo_size
    out_size = ([B.shape(left)[d] for d in lro] + [B.shape(left)[d] for d in lo]
                + [1] * len(sum_dims) + [B.shape(right)[d] for d in ro])
    lperm = lro + lo + list(sum_dims) + ro
    rperm = lro + list(sum_dims) + ro + lo
    operm = [0] * len(lperm)
    for pos, d in enumerate(lperm):
        operm[d] = pos
    left = B.reshape(B.permute(left, lperm), (lro_size, lo_size, sum_size))
    right = B.reshape(B.permute(right, rperm), (lro_size, sum_size, ro_size))
    return B.permute(B.view(B.bmm(left, right), tuple(out_size)), operm)


register(einsum, method=False, out=False)
