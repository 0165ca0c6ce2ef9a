"""Small batched products in PyTorch's bits (ops/_small_bmm.py): where a
batch element's contraction * rows * columns is under 400, ATen's bmm and
baddbmm add each element's products one by one, not through BLAS; matmul on
batches, einsum and their gradients go through them (an attention's scores:
MultiheadAttention's averaged weights summed to 0.99999994 where PyTorch's
summed to 1)."""
import numpy as np
import pytest

import ember

try:
    import torch
except ImportError:
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="compares with PyTorch")

SHAPES = [(3, 5, 4, 5), (2, 7, 7, 8), (4, 2, 30, 3), (2, 1, 399, 1), (2, 8, 7, 8), (1, 5, 16, 5)]
DTYPES = ["float32", "float64", "float16", "bfloat16"]


def _operands(T, shape, dtype, grad=False):
    b, n, k, m = shape
    rng = np.random.default_rng(sum(shape))
    make = [rng.standard_normal(s).astype(np.float32) for s in ((b, n, k), (b, k, m), (b, n, m))]
    return [T.tensor(x).to(getattr(T, dtype)).requires_grad_(grad) for x in make]


def _bits(t):
    return t.detach().float().numpy().view(np.uint32) if t.dtype != torch.float64 \
        else t.detach().numpy().view(np.uint64)


def _as_torch(t):
    return torch.from_numpy(t.detach().float().numpy()).to(getattr(torch, str(t.dtype)[6:])) \
        if str(t.dtype)[6:] in ("float16", "bfloat16") else torch.from_numpy(t.detach().numpy())


def _results(T, shape, dtype):
    a, b, c = _operands(T, shape, dtype)
    return [T.bmm(a, b), T.baddbmm(c, a, b), T.baddbmm(c, a, b, beta=0.5, alpha=1.5),
            T.baddbmm(c, a, b, beta=0), a @ b, T.einsum("bij,bjk->bik", a, b)]


@needs_torch
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_bmm_and_baddbmm_bits_are_pytorchs(shape, dtype):
    for mine, theirs in zip(_results(ember, shape, dtype), _results(torch, shape, dtype)):
        assert np.array_equal(_bits(_as_torch(mine)), _bits(theirs))


@needs_torch
@pytest.mark.parametrize("shape", [(2, 4, 3, 5), (3, 5, 4, 5)])
def test_batched_matmul_gradients_and_einsum_bits_are_pytorchs(shape):
    def grads(T):
        a, b, _ = _operands(T, shape, "float32", grad=True)
        (a @ b).pow(2).sum().backward()
        q = T.tensor(np.linspace(-1, 1, 2 * 2 * 3 * 4, dtype=np.float32).reshape(2, 2, 3, 4))
        return [a.grad, b.grad, T.einsum("ij,jk->ik", a[0], b[0]),
                T.einsum("bhqd,bhkd->bhqk", q, q.flip(-1)), q @ q.transpose(-2, -1)]
    for mine, theirs in zip(grads(ember), grads(torch)):
        assert np.array_equal(_bits(_as_torch(mine)), _bits(theirs))


@needs_torch
def test_attention_weights_sum_as_pytorchs():
    def weights(T):
        T.manual_seed(0)
        mha = T.nn.MultiheadAttention(8, 2, batch_first=True)
        q = T.randn(2, 5, 8)
        mask = T.triu(T.ones(5, 5, dtype=T.bool), 1)
        pad = T.tensor([[False] * 5, [False] * 3 + [True] * 2])
        _, w = mha(q, q, q, attn_mask=mask, key_padding_mask=pad)
        return w.detach(), w.sum(-1).detach()
    for mine, theirs in zip(weights(ember), weights(torch)):
        assert np.array_equal(_bits(_as_torch(mine)), _bits(theirs))


def test_products_are_added_in_order_from_zero():
    # (without PyTorch: the kernel's arithmetic, element by element)
    a, b, _ = _operands(ember, (2, 3, 6, 2), "float32")
    x, y = a.numpy(), b.numpy()
    want = np.zeros((2, 3, 2), np.float32)
    for i in np.ndindex(want.shape):
        acc = np.float32(0)
        for k in range(6):
            acc = np.float32(acc + np.float32(x[i[0], i[1], k] * y[i[0], k, i[2]]))
        want[i] = acc
    assert np.array_equal(ember.bmm(a, b).numpy(), want)
    zero = ember.bmm(-ember.zeros(1, 1, 2), ember.ones(1, 2, 1))
    assert np.signbit(zero.numpy()).sum() == 0       # (0 + -0.0 is +0.0)
    assert ember.bmm(ember.zeros(1, 2, 0), ember.zeros(1, 0, 3)).tolist() == [[[0.0] * 3] * 2]


def test_small_products_are_c_ordered():
    # (dropout after an attention's scores draws in memory order)
    a, b = ember.randn(6, 5, 4), ember.randn(6, 7, 4).transpose(1, 2)
    assert (a @ b).is_contiguous() and ember.baddbmm(ember.zeros(6, 5, 7), a, b).is_contiguous()
    assert (a @ b).numpy().flags.c_contiguous
