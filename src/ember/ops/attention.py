"""Ops of attention: the fused scaled-dot-product kernel PyTorch runs on the
CPU (one node, ScaledDotProductFlashAttentionForCpuBackward0) and the safe
softmax its composite ("math") path uses (SafeSoftmaxBackward0).

nn.functional.scaled_dot_product_attention (nn/_functional/attention.py)
chooses between the two paths as PyTorch's CPU backend selection does.

The fused node keeps the attention probabilities of the forward, so a plain
backward costs three batched matmuls and no exponential; under
create_graph=True the probabilities are recomputed from the saved query and
key through recorded ops, so the gradient can be differentiated again.
"""
from .._backend import np, restore, silence
from .. import _layout as _L
from ._common import recorded, wrap
from ._registry import grad_fn
from . import linalg, shape

__all__ = []


# -- safe softmax: softmax whose rows of only -inf give 0, not NaN ------------
SafeSoftmaxBackward0 = grad_fn(
    "SafeSoftmaxBackward0",
    self=lambda xp, g, result, dim: result * (g - xp.sum(g * result, (dim,), True)))


def _safe_softmax_array(x, dim):
    token = silence()
    try:
        m = x.max(axis=dim, keepdims=True) if x.size else x
        dead = m == -np.inf             # rows where every entry is masked
        e = np.exp(x - np.where(dead, 0, m).astype(x.dtype, copy=False))
        s = e.sum(axis=dim, keepdims=True)
        e *= np.where(dead, 0, 1 / np.where(dead, 1, s)).astype(x.dtype, copy=False)
    finally:
        restore(token)
    return e


def safe_softmax(input, dim):
    """torch._safe_softmax: softmax along `dim`, 0 on rows that are all -inf."""
    d = dim % input._data.ndim
    return recorded(SafeSoftmaxBackward0, _safe_softmax_array(input._data, d), (input,), (d,))


# -- the fused kernel ---------------------------------------------------------
def _repeat_heads(x, groups, recording):
    """Key or value heads repeated for grouped-query attention (heads of dim -3)."""
    if groups == 1:
        return x
    if recording:
        from .rearrange_order import repeat_interleave
        return repeat_interleave(x, groups, -3)
    return np.repeat(x, groups, axis=-3)


def _sum_groups(xp, g, groups):
    """The gradient of `_repeat_heads`: each group of heads summed back into one."""
    if groups == 1:
        return g
    s = tuple(g.shape)
    return xp.sum(xp.reshape(g, s[:-3] + (s[-3] // groups, groups) + s[-2:]), (len(s) - 2,))


def _probabilities(q, k, bias, scale):
    s = np.matmul(q, np.swapaxes(k, -1, -2))
    s *= scale
    if bias is not None:
        s += bias
    return _safe_softmax_array(s, s.ndim - 1)


def _flash_grads(xp, g, q, k, v, out, probs, bias, scale, groups):
    """(d query, d key, d value) of out = softmax(q k^T * scale + bias) v."""
    if xp.recording:
        # The probabilities again, recorded, so their dependence on q and k
        # is part of the graph of the gradient.
        kr = _repeat_heads(k, groups, True)
        s = linalg.matmul(q, shape.transpose(kr, -2, -1)) * scale
        if bias is not None:
            s = s + wrap(bias)
        probs = safe_softmax(s, -1)
    kr, vr = _repeat_heads(k, groups, xp.recording), _repeat_heads(v, groups, xp.recording)
    dv = xp.matmul(xp.transpose(probs, -2, -1), g)
    dp = xp.matmul(g, xp.transpose(vr, -2, -1))
    last = (len(dp.shape) - 1,)
    # The row sums of dP * P are those of dO * O (the fused kernels' form, which
    # reads the output as it was rounded); recorded, the first form is used.
    rows = xp.sum(dp * probs, last, True) if xp.recording else xp.sum(g * out, last, True)
    ds = probs * (dp - rows)
    dq = xp.matmul(ds, kr) * scale
    dk = xp.matmul(xp.transpose(ds, -2, -1), q) * scale
    return dq, _sum_groups(xp, dk, groups), _sum_groups(xp, dv, groups)


def _formula(i):
    def f(xp, grad, query, key, value, result, probs, bias, scale, groups):
        return _flash_grads(xp, grad, query, key, value, result, probs, bias, scale, groups)[i]
    return f


class ScaledDotProductFlashAttentionForCpuBackward0(grad_fn(
        "ScaledDotProductFlashAttentionForCpuBackward0",
        query=_formula(0), key=_formula(1), value=_formula(2))):
    __slots__ = ()

    def apply(self, xp, grad, create_graph, needs):
        # One pass gives the three gradients (the formulas would each redo it).
        args = self._unpack(create_graph)
        if not create_graph and grad.dtype.itemsize == 2:
            # half precision: accumulated in float, rounded once (PyTorch's opmath)
            half = grad.dtype
            f = np.float32
            grads = _flash_grads(xp, grad.astype(f), *(a.astype(f) for a in args[:4]),
                                 *args[4:])
            grads = tuple(g.astype(half) for g in grads)
        else:
            grads = _flash_grads(xp, grad, *args)
        return tuple(g if need else None for g, need in zip(grads, needs))


def flash_attention(query, key, value, bias, scale, groups):
    """The fused kernel on 4-D query (B, H, L, E), key and value (B, H/groups,
    S, E): `bias` an additive array broadcastable to (B, H, L, S) (the mask
    and the causal triangle folded in) or None."""
    q, k, v = query._data, key._data, value._data
    dtype = q.dtype
    if dtype.itemsize == 2:         # half precision: computed in float, rounded once
        q, k, v = q.astype(np.float32), k.astype(np.float32), v.astype(np.float32)
    kr, vr = _repeat_heads(k, groups, False), _repeat_heads(v, groups, False)
    token = silence()       # (infinities give NaN, without NumPy's warnings)
    try:
        probs = _probabilities(q, kr, bias, scale)
        out = _half_attention(q, kr, vr, bias, scale, dtype) if dtype.itemsize == 2 else \
            np.matmul(probs, vr)
    finally:
        restore(token)
    # (PyTorch's kernel writes into an empty_like(query): the query's strides)
    out = _L.laid_out(out.astype(dtype, copy=False), _L.preserve_format, like=query._data)
    return recorded(ScaledDotProductFlashAttentionForCpuBackward0, out, (query, key, value),
                    (probs, bias, scale, groups))


_KV_SPLIT = 512     # (the CPU flash kernel's block of keys)


def _half_attention(q, k, v, bias, scale, half):
    """The CPU flash kernel's output for float16 and bfloat16 (q, k, v given
    in float32): scores in float32, each block of keys' exponentials (from
    the running row maximum) rounded to the half type for their product with
    v, accumulated in float32 and divided by the float32 sum of the unrounded
    exponentials. (Rounding the normalised probabilities instead, or not at
    all, differs from PyTorch in a third of the elements.)"""
    token = silence()
    try:
        m = total = acc = None
        for start in range(0, k.shape[-2], _KV_SPLIT):
            stop = start + _KV_SPLIT
            s = np.matmul(q, np.swapaxes(k[..., start:stop, :], -1, -2))
            s *= scale
            if bias is not None:
                s += bias if bias.shape[-1] == 1 else bias[..., start:stop]
            new = s.max(axis=-1, keepdims=True)
            if m is not None:
                new = np.maximum(m, new)
            base = np.where(new == -np.inf, np.float32(0), new)
            e = np.exp(s - base)
            pv = np.matmul(e.astype(half).astype(np.float32), v[..., start:stop, :])
            if m is None:
                total, acc = e.sum(axis=-1, keepdims=True), pv
            else:
                shrink = np.exp(m - base)
                total = total * shrink + e.sum(axis=-1, keepdims=True)
                acc = acc * shrink + pv
            m = new
        return np.where(total == 0, np.float32(0), acc / np.where(total == 0, 1, total))
    finally:
        restore(token)


def causal_bias(L, S, dtype):
    """-inf above the diagonal (upper-left aligned, as PyTorch's is_causal)."""
    return np.where(np.tri(L, S, dtype=bool), np.zeros((), dtype), np.asanyarray(-np.inf, dtype))



# -- F.pad(mask, (0, 1)): one zero column more, for bias_k and add_zero_attn --
PadLastBackward = grad_fn(
    "ConstantPadNdBackward0", saved={"pad": "pad"},
    self=lambda xp, grad, size: xp.narrow(grad, len(grad.shape) - 1, 0, size))


def pad_last(input):
    """`input` with one column of zeros appended along its last dim."""
    x = input._data
    out = np.zeros(x.shape[:-1] + (x.shape[-1] + 1,), x.dtype)
    out[..., :-1] = x
    return recorded(PadLastBackward, out, (input,), (x.shape[-1], (0, 1)))
