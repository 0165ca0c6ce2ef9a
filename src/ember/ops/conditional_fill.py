"""masked_fill (and masked_fill_): where a boolean mask holds, a number or a
0-d tensor's value; elsewhere the input, which gets the gradient there."""
from .._meta import is_meta
from ._common import D, Tensor, broadcast_error, keep_index, np, recorded
from ._registry import grad_fn, register, tensor_field
from .indexing_assign import _scalar_value, expanded_inplace
from ._index_kernel import contiguous

__all__ = ["masked_fill"]


def _unfilled_grad(xp, g, mask):
    if xp.recording:    # (grad.masked_fill(mask, 0), as derivatives.yaml)
        return g.masked_fill(_as_tensor(mask), 0)
    return xp.where(mask, 0, g)


def _fill_value_grad(xp, g, mask):
    if xp.recording:    # (masked_fill_backward: grad.masked_select(mask).sum())
        return g.masked_select(_as_tensor(mask)).sum()
    return xp.sum(xp.where(mask, g, 0), None)


def _as_tensor(a):
    return a if isinstance(a, Tensor) else Tensor._wrap(np.asanyarray(a))


MaskedFillBackward0 = grad_fn("MaskedFillBackward0", saved={"mask": tensor_field("mask")},
                              self=_unfilled_grad)
# A value tensor: PyTorch's masked_fill.Tensor, whose value gets the gradient
# of every filled place.
MaskedFillBackward1 = grad_fn("MaskedFillBackward1", saved={"mask": tensor_field("mask")},
                              self=_unfilled_grad, value=_fill_value_grad)



def masked_fill(input, mask, value):
    """Where `mask` holds, `value` (a number or a 0-d tensor); elsewhere the
    input (gradient flows there)."""
    return _masked_fill(input, mask, value, False)


def _masked_fill_in_place(input, mask, value):
    return _masked_fill(input, mask, value, True)


def _masked_fill(input, mask, value, in_place):
    # (PyTorch's masked_fill broadcasts mask and input first, then fills a
    # clone with masked_fill_, which checks the value, the mask's dtype, and
    # then that the mask expands to the input)
    m = mask._data
    if not in_place:
        try:
            np.broadcast_shapes(m.shape, input._data.shape)
        except ValueError:
            raise broadcast_error(m.shape, input._data.shape) from None
    if isinstance(value, Tensor) and value._data.ndim:
        raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got "
                           f"tensor with {value._data.ndim} dimension(s).")
    if m.dtype != np.bool_:
        raise RuntimeError(
            f"masked_fill_ only supports boolean masks, but got mask with dtype "
            f"{D.C_NAMES[mask.dtype]}")
    x = input._data
    if isinstance(value, Tensor):
        # (PyTorch fills with its item(), converted as c10 converts a number;
        # a meta value has no item: its dtype alone)
        v = value._data.astype(x.dtype) if is_meta(value._data) else \
            _scalar_value(value._data.item(), x.dtype)
        try:
            data = contiguous(np.where(m, v, x))
        except ValueError:
            raise broadcast_error(x.shape, m.shape) from None
        return keep_index(recorded(MaskedFillBackward1, data, (input, value), (m,)), mask)
    try:
        data = contiguous(np.where(m, _scalar_value(value, x.dtype), x))
    except ValueError:
        raise broadcast_error(x.shape, m.shape) from None
    return keep_index(recorded(MaskedFillBackward0, data, (input,), (m,)), mask)


# (its own in-place variant: the registry's generic check calls an op with
# its sample tensors alone, and a mask cannot be one; tests/test_copies.py
# checks masked_fill_ beside PyTorch)
def _masked_fill_fails_first(t, mask, value):
    # (the value's dims and the mask's dtype come before the warning about
    # an expanded tensor)
    return (not isinstance(mask, Tensor) or mask._data.dtype != np.bool_
            or isinstance(value, Tensor) and value._data.ndim > 0)


masked_fill = register(masked_fill, inplace=expanded_inplace(
                           _masked_fill_in_place, "masked_fill_", 2450, "tensor[mask] = scalar",
                           _masked_fill_fails_first),
                       node=MaskedFillBackward0, out=False, quiet=True)
