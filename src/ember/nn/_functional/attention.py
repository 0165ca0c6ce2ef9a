"""nn.functional attention: scaled_dot_product_attention and (from the
sister file attention_mha.py) multi_head_attention_forward.

scaled_dot_product_attention picks its path as PyTorch's CPU backend does,
among the kernels ember.backends.cuda's switches (nn.attention.sdpa_kernel) enable:
the fused kernel (one node, ScaledDotProductFlashAttentionForCpuBackward0)
when its constraints hold (4-D inputs of one batch size, equal heads or
grouped-query heads, no dropout, a 2-D or 4-D mask that needs no gradient,
one head size, non-empty sequences, unit last strides); otherwise the
composite "math" path, recorded op by op as PyTorch records it (scaled
query and key, matmul, mask added in place, safe softmax, dropout, matmul).
Both give 0 for a query whose keys are all masked out.
"""
import math

from ... import _dtype as D
from ..._backend import np
from ...ops import _autocast, attention as A
from ...ops._common import wrap
from ...backends import _sdp
from ...ops._conv_backend import _CPP
from .dropout import dropout as _dropout

__all__ = ["scaled_dot_product_attention"]


def _cpp(dtype):
    return _CPP[D.SCALAR_NAMES[dtype]]


def _validate(query, key, value, attn_mask):
    if not (query.dtype == key.dtype == value.dtype):
        raise RuntimeError(
            "Expected query, key, and value to have the same dtype, but got query.dtype: "
            f"{_cpp(query.dtype)} key.dtype: {_cpp(key.dtype)} and value.dtype: "
            f"{_cpp(value.dtype)} instead.")
    if query.dim() < 2 or key.dim() < 2 or value.dim() < 2:
        raise RuntimeError(
            "Expected query, key, and value to all be  at least 2 dimensional, but got "
            f"query.dim: {query.dim()} key.dim: {key.dim()} and value.dim: {value.dim()} "
            "instead.")
    if attn_mask is not None:
        md = attn_mask.dtype
        if not (md == D.bool_ or md == D.float32 or md == query.dtype):
            raise RuntimeError(
                "Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                f"attn_mask.dtype: {_cpp(md)} and  query.dtype: {_cpp(query.dtype)} instead.")


def _unit_last_stride(t):
    return t._data.strides[-1] == t._data.itemsize if t._data.ndim else True


def _fused_ok(q, k, v, mask, dropout_p, enable_gqa):
    """PyTorch's CPU constraints for its fused kernel (sdp_utils_cpp)."""
    if dropout_p > 0.0 or not (q.dim() == k.dim() == v.dim() == 4):
        return False
    (B, H, L, E), (Bk, Hk, S, Ek), (Bv, Hv, _, Ev) = q.shape, k.shape, v.shape
    if not B == Bk == Bv:
        return False
    if enable_gqa:
        if Hk != Hv or H % Hk:
            return False
    elif not H == Hk == Hv:
        return False
    if mask is not None:
        if mask.requires_grad:
            return False
        ms = mask.shape
        if mask.dim() < 2:
            raise IndexError(f"Dimension out of range (expected to be in range of "
                             f"[-{max(mask.dim(), 1)}, {max(mask.dim(), 1) - 1}], but got -2)")
        if ms[-2] not in (L, 1) or ms[-1] not in (S, 1):
            return False
        if mask.dim() == 4:
            if ms[0] not in (1, B) or ms[1] not in (1, H):
                return False
        elif mask.dim() != 2:
            return False
    if not E == Ek == Ev or L == 0 or S == 0:
        return False
    if not all(_unit_last_stride(t) for t in (q, k, v) + ((mask,) if mask is not None else ())):
        return False
    return D.is_float_np(q._data.dtype)      # (bfloat16 too: its NumPy kind is "V")


def _additive(mask, dtype):
    """A boolean mask (True: takes part) as an additive one: 0 or -inf."""
    if mask is None or mask.dtype != D.bool_:
        return mask
    return wrap(np.where(mask._data, np.zeros((), dtype._np), np.asarray(-np.inf, dtype._np)))


def _empty_attention(query, key, value):
    """PyTorch's answer when there is nothing to attend over (or with): zeros of
    the output's shape, still connected to the inputs (by a sum times 0)."""
    from ... import _creation as C
    batch = np.broadcast_shapes(query.shape[:-2], key.shape[:-2], value.shape[:-2])
    out = C.zeros(tuple(batch) + (query.shape[-2], value.shape[-1]), dtype=query.dtype)
    return out + (query.sum() + key.sum() + value.sum()) * 0.0


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, *, scale=None, enable_gqa=False):
    route = getattr(type(attn_mask), "_sdpa", None)
    if route is not None:       # a mask object (nn.attention.bias.CausalBias) decides
        return route(query, key, value, attn_mask, dropout_p, is_causal, scale, enable_gqa)
    _validate(query, key, value, attn_mask)
    L, S = query.shape[-2], key.shape[-2]
    if query.shape[:-2].numel() * L * value.shape[-1] == 0 or S == 0:
        return _empty_attention(query, key, value)
    fused = _sdp["flash"] and _fused_ok(query, key, value, attn_mask, dropout_p, enable_gqa)
    if not fused and not _sdp["math"]:
        # (PyTorch also warns why each enabled fused kernel was not usable.)
        raise RuntimeError("No available kernel.  Aborting execution." if _sdp["flash"] else
                           "No viable backend for scaled_dot_product_attention was found. This "
                           "is likely due to turning off both the math kernel and the fused "
                           "kernels.")
    if fused:
        if dropout_p != 0.0:
            raise RuntimeError("scaled_dot_product_attention_flash_attention: Currently do not "
                               "support dropout > 0")
        dt = query._data.dtype
        bias = None if attn_mask is None else _additive(attn_mask, query.dtype)._data
        if is_causal:
            c = A.causal_bias(L, S, dt)
            bias = c if bias is None else bias + c
        sc = _default_scale(query) if scale is None else scale
        return A.flash_attention(query, key, value, bias, sc, query.shape[1] // key.shape[1])
    return _math_attention(query, key, value, _additive(attn_mask, query.dtype), dropout_p,
                           is_causal, scale, enable_gqa)


def _default_scale(query):
    E = query.shape[-1]
    return 1.0 / math.sqrt(E) if E else math.inf     # (C++'s 1 / sqrt(0))


def _math_attention(query, key, value, attn_mask, dropout_p, is_causal, scale, enable_gqa):
    """PyTorch's composite path (_scaled_dot_product_attention_math)."""
    from ...ops.rearrange_order import repeat_interleave
    if not D.is_float_np(query._data.dtype) and query._data.dtype.kind != "c":
        raise RuntimeError(f"expected scalar type Float but found {D.SCALAR_NAMES[query.dtype]}")
    origin = query.dtype
    if query._data.dtype.itemsize == 2:
        # Half precision is kept in float throughout, as PyTorch does here.
        query, key, value = query.float(), key.float(), value.float()
    negative = scale is not None and scale < 0.0
    factor = math.sqrt(abs(scale) if negative else
                       (_default_scale(query) if scale is None else scale))
    q = query * (0.0 - factor if negative else factor)
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be "
                               "set when is_causal=True")
        attn_mask = wrap(A.causal_bias(q.shape[-2], key.shape[-2], q._data.dtype))
    if enable_gqa:
        hq, hk, hv = q.shape[-3], key.shape[-3], value.shape[-3]
        if not (hq == hk == hv):
            if hq % hk or hq % hv:
                raise RuntimeError("Number of heads in key and value must divide the number "
                                   "of heads in ")
            key = repeat_interleave(key, hq // hk, -3)
            value = repeat_interleave(value, hq // hv, -3)
    attn = q @ (key.transpose(-2, -1) * factor)
    if attn_mask is not None:
        attn.add_(attn_mask)
    if attn.is_complex():
        from ...ops._common import kernel_refuses
        raise kernel_refuses("softmax_lastdim_kernel_impl", attn._data.dtype)
    attn = A.safe_softmax(attn, -1)
    if dropout_p > 0.0:
        if dropout_p > 1.0:
            raise RuntimeError(f"dropout probability has to be between 0 and 1, but got "
                               f"{dropout_p}")
        attn = _dropout(attn, dropout_p, True)
    out = attn @ value
    return out.to(origin) if out.dtype != origin else out


# (on autocast's lower-precision list: run in bfloat16 or float16 under autocast)
_autocast.hook_all(globals(), __all__)

from .attention_mha import *  # noqa: E402,F401,F403
from . import attention_mha as _mha  # noqa: E402

__all__ += _mha.__all__
