"""torch.nn.attention.bias: causal masks for scaled_dot_product_attention
given as objects, not tensors of booleans. causal_upper_left(L, S) is the
mask of is_causal=True; causal_lower_right(L, S) aligns the triangle to the
last query and key instead (for decoding, where L < S).

A CausalBias is a Tensor (as PyTorch's subclass is) that prints as its
materialised mask. PyTorch routes scaled_dot_product_attention through its
__torch_function__; Ember's scaled_dot_product_attention asks the mask's
class for `_sdpa` instead (its __torch_function__ is the disabled one)."""
import warnings
from enum import IntEnum

from ..._subclass import disabled_impl
from ..._tensor import Tensor

__all__ = ["causal_upper_left", "causal_lower_right", "CausalVariant", "CausalBias"]


class CausalVariant(IntEnum):
    UPPER_LEFT = 1
    LOWER_RIGHT = 2


class CausalBias(Tensor):
    """A causal (triangular) attention mask of seq_len_q x seq_len_kv."""
    __torch_function__ = disabled_impl     # (SDPA asks it for _sdpa instead)

    def __new__(cls, *args, **kwargs):
        return super().__new__(cls)     # (an empty tensor: the mask is made when used)

    def __init__(self, variant, seq_len_q, seq_len_kv):
        if not isinstance(variant, CausalVariant):
            raise AssertionError(
                f"variant must be a CausalVariant, got {type(variant).__name__}")
        self.variant = variant
        self.seq_len_q = seq_len_q
        self.seq_len_kv = seq_len_kv
        if seq_len_q > seq_len_kv and variant == CausalVariant.LOWER_RIGHT:
            warnings.warn("Lower right causal bias will produce NaNs in the output when "
                          "seq_len_q > seq_len_kv!", stacklevel=2)

    def _upper_left(self, device):
        return self._triangle(device, 0)

    def _lower_right(self, device):
        return self._triangle(device, self.seq_len_kv - self.seq_len_q)

    def _triangle(self, device, diagonal):
        from ... import bool as bool_, ones, tril
        return tril(ones(self.seq_len_q, self.seq_len_kv, device=device, dtype=bool_),
                    diagonal=diagonal)

    def _materialize(self, device=None):
        if device is None:
            device = "cpu"
        if self.variant == CausalVariant.UPPER_LEFT:
            return self._upper_left(device)
        if self.variant == CausalVariant.LOWER_RIGHT:
            return self._lower_right(device)

    @staticmethod
    def _dispatch(query, key, value, attn_mask, dropout_p=0.0, is_causal=False, scale=None,
                  enable_gqa=False):
        from .. import functional as F
        if is_causal:
            raise ValueError("CausalBias should not be used with causal=True")
        if (attn_mask.seq_len_q == attn_mask.seq_len_kv
                or attn_mask.variant == CausalVariant.UPPER_LEFT):
            return F.scaled_dot_product_attention(query, key, value, attn_mask=None,
                                                  dropout_p=dropout_p, is_causal=True,
                                                  scale=scale, enable_gqa=enable_gqa)
        if attn_mask.variant == CausalVariant.LOWER_RIGHT:
            # (the CPU has no fused kernel taking a lower-right triangle:
            # PyTorch materialises it there too)
            return F.scaled_dot_product_attention(
                query, key, value, attn_mask=attn_mask._materialize(query.device),
                dropout_p=dropout_p, is_causal=False, scale=scale, enable_gqa=enable_gqa)
        raise ValueError(f"CausalBias.variant must be a CausalVariant type, but found: "
                         f"{attn_mask.variant}")

    _sdpa = _dispatch

    def __repr__(self):
        return self._materialize().__repr__()

    __str__ = __repr__      # (Tensor's own __str__ would print the empty tensor behind it)


def causal_upper_left(*size):
    """The upper-left causal mask of size (seq_len_q, seq_len_kv): is_causal=True's."""
    if len(size) != 2:
        raise AssertionError("causal_upper_left only supports 2D tensors")
    seq_len_q, seq_len_kv = size
    return CausalBias(CausalVariant.UPPER_LEFT, seq_len_q, seq_len_kv)


def causal_lower_right(*size):
    """The lower-right causal mask of size (seq_len_q, seq_len_kv)."""
    if len(size) != 2:
        raise AssertionError("causal_lower_right only supports 2D tensors")
    seq_len_q, seq_len_kv = size
    return CausalBias(CausalVariant.LOWER_RIGHT, seq_len_q, seq_len_kv)
