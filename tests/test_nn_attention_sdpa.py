"""F.scaled_dot_product_attention against PyTorch: the fused CPU path and the
composite math path (which one runs shows in grad_fn), values and gradients,
masks, causal, scale, grouped-query heads, seeded dropout, errors, and
gradcheck / gradgradcheck in float64."""

import numpy as np
import pytest

import ember
from compare_torch import check, check_error

torch = pytest.importorskip("torch")

QKV = ((2, 3, 5, 4), (2, 3, 6, 4), (2, 3, 6, 4))


def _inputs(T, shapes, dtype):
    T.manual_seed(0)
    return [T.randn(*s, dtype=T.float64).to(getattr(T, dtype)).requires_grad_() for s in shapes]


def _sdpa(T, shapes=QKV, dtype="float64", mask=None, grad=True, **kw):
    """Output and the inputs' (and a float mask's) gradients."""
    q, k, v = _inputs(T, shapes, dtype)
    m = None if mask is None else mask(T)
    o = T.nn.functional.scaled_dot_product_attention(q, k, v, m, **kw)
    if not grad:
        return o
    o.backward((T.arange(o.numel(), dtype=o.dtype).reshape(o.shape) * 0.1).sin())
    extra = (m.grad,) if m is not None and m.requires_grad else ()
    return (o, q.grad, k.grad, v.grad) + extra


def _bool(T, shape=(5, 6), every=3):
    n = int(np.prod(shape))
    return T.arange(n).reshape(shape) % every > 0


def _float(T, shape=(5, 6)):
    n = int(np.prod(shape))
    return (T.arange(n, dtype=T.float64).reshape(shape) * 0.7).cos()


FUSED = [
    ({}, QKV),
    ({"is_causal": True}, QKV),
    ({"is_causal": True}, ((2, 3, 6, 4), (2, 3, 6, 4), (2, 3, 6, 4))),
    ({"scale": 0.3}, QKV),
    ({"scale": -0.3}, QKV),
    ({"scale": 0.0}, QKV),
    ({"mask": _bool}, QKV),
    ({"mask": _float}, QKV),
    ({"mask": lambda T: _bool(T, (2, 1, 5, 6))}, QKV),
    ({"mask": lambda T: _float(T, (1, 3, 1, 6))}, QKV),
    ({"mask": _bool, "is_causal": True}, QKV),       # (the fused path applies both)
    ({"enable_gqa": True}, ((2, 6, 5, 4), (2, 3, 6, 4), (2, 3, 6, 4))),
    ({"enable_gqa": True, "mask": _bool}, ((2, 6, 5, 4), (2, 1, 6, 4), (2, 1, 6, 4))),
    ({"dtype": "float32"}, QKV),
    ({"dtype": "float32", "mask": lambda T: _float(T).float()}, QKV),
]

MATH = [
    ({}, ((3, 5, 4), (3, 6, 4), (3, 6, 7))),                  # 3-D, value dim differs
    ({"is_causal": True}, ((5, 4), (6, 4), (6, 4))),          # 2-D
    ({"mask": _bool}, ((1, 2, 3, 5, 4), (1, 2, 3, 6, 4), (1, 2, 3, 6, 4))),   # 5-D
    ({}, ((2, 3, 5, 4), (2, 1, 6, 4), (2, 1, 6, 4))),         # heads broadcast
    ({}, ((1, 3, 5, 4), (2, 3, 6, 4), (2, 3, 6, 4))),         # batch broadcast
    ({"mask": lambda T: _bool(T, (3, 5, 6))}, QKV),           # a 3-D mask
    ({"mask": lambda T: _float(T).requires_grad_()}, QKV),    # a mask that needs a gradient
    ({"enable_gqa": True}, ((2, 6, 5, 4), (2, 3, 6, 4), (2, 3, 6, 4), )),
    ({"scale": -0.5, "enable_gqa": True}, ((6, 5, 4), (3, 6, 4), (3, 6, 4))),
    ({"dropout_p": 1.0}, QKV),
    ({"dropout_p": 0.4}, QKV),                                # draws as PyTorch's
    ({"dropout_p": 0.4, "dtype": "float32", "is_causal": True}, QKV),
    ({}, ((2, 3, 0, 4), (2, 3, 6, 4), (2, 3, 6, 4))),         # nothing to attend with
    ({}, ((2, 3, 5, 4), (2, 3, 0, 4), (2, 3, 0, 4))),         # ... or over
    ({}, ((0, 3, 5, 4), (0, 3, 6, 4), (0, 3, 6, 4))),
    ({}, ((2, 3, 5, 0), (2, 3, 6, 0), (2, 3, 6, 4))),
    ({"dtype": "float16"}, ((3, 5, 4), (3, 6, 4), (3, 6, 4))),     # kept in float, cast back
]
FUSED.append(({"dtype": "float16", "mask": _bool}, QKV))


@pytest.mark.parametrize("kw,shapes", FUSED + MATH)
def test_matches_torch(kw, shapes):
    kw = dict(kw)
    dtype = kw.pop("dtype", "float64")
    tol = {"float64": {"rtol": 1e-10, "atol": 1e-12}, "float32": {"rtol": 2e-5, "atol": 2e-6},
           "float16": {"rtol": 1e-2, "atol": 1e-2}}[dtype]     # (rounding order differs)
    check(lambda T: _sdpa(T, shapes, dtype, **kw), **tol)


def test_fully_masked_rows_give_zero_on_both_paths():
    def mask(T):
        m = _bool(T)
        m[2] = False
        return m
    for extra in ({}, {"dropout_p": 0.25}):
        out = check(lambda T: _sdpa(T, mask=mask, **extra), rtol=1e-10, atol=1e-12)[0]
        assert (out.detach()[:, :, 2] == 0).all()
    check(lambda T: _sdpa(T, mask=lambda T: T.zeros(1, 6, dtype=T.bool)), rtol=1e-10)


def test_no_grad_and_non_contiguous_inputs():
    check(lambda T: _sdpa(T, grad=False, mask=_bool), rtol=1e-10, atol=1e-12)

    def strided(T):
        q, k, v = _inputs(T, QKV, "float64")
        # a last dim of stride 2 sends PyTorch down the math path
        q2 = T.cat([q, q], -1)[..., ::2]
        o = T.nn.functional.scaled_dot_product_attention(q2, k.transpose(1, 2).contiguous()
                                                         .transpose(1, 2), v)
        o.sum().backward()
        return o, q.grad, k.grad, v.grad
    check(strided, rtol=1e-10, atol=1e-12)


def test_errors():
    def qkv(T, dt=None, shapes=QKV):
        return tuple(T.ones(*s, dtype=dt) for s in shapes)
    sdpa = lambda T, *a, **k: T.nn.functional.scaled_dot_product_attention(*a, **k)
    cases = [
        (lambda T: qkv(T)[:2] + (T.ones(2, 3, 6, 4, dtype=T.float64),), lambda T, *a: sdpa(T, *a)),
        (lambda T: tuple(T.ones(4) for _ in range(3)), lambda T, *a: sdpa(T, *a)),
        (lambda T: qkv(T), lambda T, *a: sdpa(T, *a, attn_mask=T.ones(5, 6, dtype=T.long))),
        (lambda T: qkv(T), lambda T, *a: sdpa(T, *a, attn_mask=T.ones(5, 6, dtype=T.float64))),
        (lambda T: qkv(T), lambda T, *a: sdpa(T, *a, attn_mask=T.ones(6, dtype=T.bool))),
        (lambda T: qkv(T), lambda T, *a: sdpa(T, *a, attn_mask=T.ones(4, 6, dtype=T.bool))),
        (lambda T: qkv(T), lambda T, *a: sdpa(T, *a, attn_mask=T.ones(1, 2, 3, 5, 6))),
        (lambda T: qkv(T), lambda T, *a: sdpa(T, *a, dropout_p=-0.5)),
        (lambda T: qkv(T), lambda T, *a: sdpa(T, *a, dropout_p=1.5)),
        (lambda T: qkv(T), lambda T, *a: sdpa(T, *a, attn_mask=T.ones(3, 5, 6, dtype=T.bool),
                                              is_causal=True)),
        (lambda T: qkv(T, shapes=((2, 3, 5, 4), (2, 2, 6, 4), (2, 2, 6, 4))),
         lambda T, *a: sdpa(T, *a, enable_gqa=True)),
        (lambda T: qkv(T, T.long), lambda T, *a: sdpa(T, *a)),
        (lambda T: qkv(T, T.bool, shapes=((3, 5, 4), (3, 6, 4), (3, 6, 4))),
         lambda T, *a: sdpa(T, *a)),
    ]
    for setup, op in cases:
        check_error(setup, op)
    with pytest.raises(TypeError):
        ember.nn.functional.scaled_dot_product_attention(*qkv(ember), None, 0.0, False, 0.5)


def test_gradcheck_and_gradgradcheck_float64():
    from ember.autograd import gradcheck, gradgradcheck
    F = ember.nn.functional
    ember.manual_seed(0)
    q = ember.randn(1, 2, 3, 2, dtype=ember.float64, requires_grad=True)
    k = ember.randn(1, 2, 4, 2, dtype=ember.float64, requires_grad=True)
    v = ember.randn(1, 2, 4, 3, dtype=ember.float64, requires_grad=True)
    v4 = ember.randn(1, 2, 4, 2, dtype=ember.float64, requires_grad=True)
    k1 = ember.randn(1, 1, 4, 2, dtype=ember.float64, requires_grad=True)
    mask = ember.tensor([[True, False, True, True], [True] * 4, [False] * 4])
    fm = ember.randn(3, 4, dtype=ember.float64, requires_grad=True)
    cases = [
        (lambda q, k, v: F.scaled_dot_product_attention(q, k, v), (q, k, v4)),        # fused
        (lambda q, k, v: F.scaled_dot_product_attention(q, k, v, mask, scale=0.7), (q, k, v4)),
        (lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True), (q, k, v4)),
        (lambda q, k, v: F.scaled_dot_product_attention(q, k, v, enable_gqa=True), (q, k1, k1)),
        (lambda q, k, v: F.scaled_dot_product_attention(q, k, v, mask), (q, k, v)),   # math
        (lambda q, k, v, m: F.scaled_dot_product_attention(q, k, v, m), (q, k, v, fm)),
        (lambda q, k, v: F.scaled_dot_product_attention(q[0], k[0], v[0], is_causal=True),
         (q, k, v)),
    ]
    for f, args in cases:
        assert gradcheck(f, args)
        assert gradgradcheck(f, args)
    # the fused path's node, as PyTorch names it
    out = F.scaled_dot_product_attention(q, k, v4)
    assert type(out.grad_fn).__name__ == "ScaledDotProductFlashAttentionForCpuBackward0"


def test_safe_softmax_node():
    from ember.ops.attention import safe_softmax
    x = ember.tensor([[0.0, 1.0, -float("inf")], [-float("inf")] * 3], requires_grad=True)
    y = safe_softmax(x, -1)
    t = torch.tensor([[0.0, 1.0, -float("inf")], [-float("inf")] * 3], requires_grad=True)
    ty = torch._safe_softmax(t, -1)
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-6)
    assert type(y.grad_fn).__name__ == type(ty.grad_fn).__name__
    g = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    y.backward(ember.tensor(g))
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-6)


def test_fused_output_has_the_querys_strides():
    """The fused CPU kernel writes into empty_like(query): a (B, L, H, E)
    projection viewed as heads comes back so, and `.transpose(1, 2).view(...)`
    works on it, as in PyTorch's SDPA tutorial; the math path is contiguous."""
    def run(T):
        F = T.nn.functional
        g = T.Generator().manual_seed(0)
        q = T.randn(2, 4, 3, 5, generator=g).transpose(1, 2)
        k = T.randn(2, 3, 4, 5, generator=g)
        p = T.randn(4, 3, 2, 5, generator=g).permute(2, 1, 0, 3)
        s = T.randn(2, 3, 8, 5, generator=g)[:, :, ::2]
        c = T.randn(2, 4, 45, generator=g).chunk(3, -1)[0].view(2, 4, 3, 5).transpose(1, 2)
        outs = [F.scaled_dot_product_attention(q, q, q), F.scaled_dot_product_attention(q, k, k),
                F.scaled_dot_product_attention(k, q, q), F.scaled_dot_product_attention(p, p, p),
                F.scaled_dot_product_attention(q, q, q, is_causal=True),
                F.scaled_dot_product_attention(q.half(), q.half(), q.half()),
                F.scaled_dot_product_attention(s, s, s), F.scaled_dot_product_attention(c, c, c),
                F.scaled_dot_product_attention(q, q, q, dropout_p=0.3)]
        return [o.stride() for o in outs], outs[0].transpose(1, 2).view(2, 4, 15)
    check(run, rtol=1e-5, atol=1e-6)   # (float32 softmax sums, in another order)
