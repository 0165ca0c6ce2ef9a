"""Float sums add in PyTorch's order, so their last bits match PyTorch's."""
import numpy as np
import pytest

import ember
from ember.ops._summation import torch_sum

CASES = [((16, 10), (0,)), ((160,), None), ((16, 1000), (1,)), ((256, 1030), (0,)),
         ((100, 37), (0,)), ((16, 5), (0,)), ((3, 4, 5), (0,)), ((3, 4, 5), (2,)),
         ((7,), None), ((1000,), None), ((30000,), None), ((5, 33), None), ((64, 3), (1,)),
         ((100, 1), (0,)), ((1, 16, 1, 10), (1,)), ((300, 2), (0,)), ((8, 16), (0,)),
         ((17, 16), (0,)), ((8, 1), None), ((19, 100), (0,)), ((3, 7), (0,)), ((6,), (0,)),
         ((70, 9), (0,)), ((16, 10), (0, 1)), ((2, 3), None), ((5, 40), (0,)), ((12, 100), (0,)),
         ((3, 33), (0,)), ((2, 64), (0,)), ((16, 2), (0,)), ((1, 96), None), ((1, 130), None),
         # adjacent reduced axes, which PyTorch coalesces into one (a mean over H and W)
         ((1, 8, 64, 64), (2, 3)), ((2, 3, 10, 10), (-1, -2)), ((6, 5, 7), (0, 1)),
         ((4, 1, 6, 5), (0, 2)), ((3, 4, 1, 5, 2), (2, 3, 4)),
         # many rows (their vectors are copied together first), with and
         # without elements left over from the vectors; a cascade of 3 levels
         ((10000, 64), (1,)), ((300, 70), (-1,)), ((256, 9), (1,)), ((100, 100, 64), (-1,)),
         ((70000, 3), (0,)), ((20000, 40), (0,)), ((1100000, 2), (0,)),
         # reduced axes on both sides of the kept ones: a per-channel sum over
         # (0, 2, 3), rows shorter than a vector and several kept axes too
         ((64, 8, 8, 8), (0, 2, 3)), ((64, 8, 64), (0, 2)), ((4, 3, 5, 5), (0, 2, 3)),
         ((5, 3, 7), (0, 2)), ((3, 4, 2, 2), (0, 2, 3)), ((2, 3, 4, 6, 7), (0, 1, 4)),
         ((7, 2, 3, 40), (0, 3)), ((1000, 3, 9), (0, 2)), ((2, 1, 3, 1, 4), (0, 4)),
         ((6, 4, 2), (-3, -1))]


@pytest.mark.parametrize("shape,axes", CASES, ids=[f"{s}-{a}" for s, a in CASES])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sum_bits_match_pytorch(shape, axes, dtype):
    torch = pytest.importorskip("torch")
    x = torch.randn(*shape, generator=torch.Generator().manual_seed(sum(shape)),
                    dtype=getattr(torch, dtype))
    expected = (x.sum(axes) if axes else x.sum()).numpy()
    assert np.array_equal(torch_sum(x.numpy(), axes), expected)
    e = ember.from_numpy(x.numpy())
    got = (e.sum(axes) if axes else e.sum()).numpy()
    assert np.array_equal(got, expected)


# (shape, permutation, axes): a transposed tensor sums in memory order, as
# torch.cov's mean of x.T does (kept dims in memory order; the others
# fall back to NumPy)
PERMUTED = [((50, 4), (1, 0), (1,)), ((50, 4), (1, 0), None), ((7, 33), (1, 0), (0,)),
            ((300, 2), (1, 0), (1,)), ((130, 20), (1, 0), (0,)), ((3, 5, 40), (2, 0, 1), (0,)),
            ((3, 5, 40), (1, 2, 0), (0, 1)), ((40, 3, 11), (2, 1, 0), (1, 2)),
            ((5, 1, 17), (2, 1, 0), (0,)), ((4, 6, 9), (2, 0, 1), (0, 2))]


@pytest.mark.parametrize("shape,perm,axes", PERMUTED, ids=[str(c) for c in PERMUTED])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("keepdim", [False, True])
def test_permuted_sum_bits_match_pytorch(shape, perm, axes, dtype, keepdim):
    torch = pytest.importorskip("torch")
    x = torch.randn(*shape, generator=torch.Generator().manual_seed(sum(shape)),
                    dtype=getattr(torch, dtype))
    e = ember.from_numpy(x.numpy()).permute(perm)
    x = x.permute(perm)
    expected = x.sum(axes, keepdim=keepdim) if axes else x.sum()
    got = e.sum(axes, keepdim=keepdim) if axes else e.sum()
    assert got.shape == expected.shape
    assert np.array_equal(got.numpy(), expected.numpy())


def test_cov_of_columns_matches_pytorch_mean():
    torch = pytest.importorskip("torch")
    x = torch.randn(50, 4, generator=torch.Generator().manual_seed(2)) * 3 + 5
    e = ember.from_numpy(x.numpy())
    assert np.array_equal(e.T.sum(1).numpy(), x.T.sum(1).numpy())
    assert np.array_equal(e.T.mean(1).numpy(), x.T.mean(1).numpy())


def test_sum_order_literal():
    # In float32 1e8 + 1 == 1e8, so adding in sequence gives 0 (NumPy's
    # answer); PyTorch's four interleaved partial sums, (1e8 - 1e8), 1, 1, 1,
    # give 3 (read off PyTorch 2.13: torch.tensor([1e8, 1, 1, 1, -1e8]).sum()).
    x = np.float32([1e8, 1, 1, 1, -1e8])
    assert x.sum() == 0
    assert ember.from_numpy(x).sum().item() == 3.0


def test_negative_zero_sums_to_zero():
    assert str(ember.zeros(3).neg().sum()) == "tensor(0.)"


def test_other_layouts_fall_back_to_numpy():
    x = np.arange(360, dtype=np.float32).reshape(3, 4, 5, 6)
    np.testing.assert_array_equal(torch_sum(x, (0, 2)), x.sum(axis=(0, 2)))
    np.testing.assert_array_equal(torch_sum(x.T, (0,)), x.T.sum(axis=0))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_short_sums_sweep_bits_match_pytorch(dtype):
    # Every length up to past the single-run limit (67 vectors of row_sum)
    # and every small batch of bias gradients, with -0.0 and inf about: the
    # shortcuts for short sums must add exactly as PyTorch's kernel does.
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    cases = [((n,), None) for n in range(1, 600)]
    cases += [((r, m), (0,)) for r in range(1, 18) for m in list(range(1, 41)) + [100, 130]]
    cases += [((r, 1, m), (0,)) for r, m in ((8, 1), (5, 3), (16, 17))]
    for shape, axes in cases:
        x = (rng.standard_normal(shape) * 10.0 ** rng.integers(-3, 8, shape)).astype(dtype)
        x.reshape(-1)[:: 7] = -0.0
        if x.size > 5:
            x.reshape(-1)[3] = np.inf
        t = torch.from_numpy(x)
        expected = (t.sum(axes) if axes else t.sum()).numpy()
        got = torch_sum(x, axes)
        assert np.array_equal(got, expected, equal_nan=True), (shape, axes)
        assert np.array_equal(np.signbit(got), np.signbit(expected)), (shape, axes)
        zeros = -np.zeros(shape, dtype)
        assert not np.signbit(torch_sum(zeros, axes)).any(), (shape, axes)


HALF_CASES = [((64, 128), (0,)), ((37, 1000), (0,)), ((37, 1000), (1,)), ((8, 16), (0,)),
              ((300,), None), ((3, 4, 5), (2,))]


@pytest.mark.parametrize("shape,axes", HALF_CASES, ids=[f"{s}-{a}" for s, a in HALF_CASES])
@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_half_sums_accumulate_in_float32(shape, axes, dtype):
    # PyTorch adds float16/bfloat16 in float32 and rounds once; adding in the
    # narrow type itself drifts by several units of its last place.
    torch = pytest.importorskip("torch")
    x = (torch.randn(*shape, generator=torch.Generator().manual_seed(len(shape))) * 30 + 1
         ).to(getattr(torch, dtype))
    e = ember.tensor(x.float().numpy()).to(getattr(ember, dtype))
    for f in ("sum", "mean"):
        expected = getattr(x, f)(axes) if axes else getattr(x, f)()
        got = getattr(e, f)(axes) if axes else getattr(e, f)()
        assert str(got.dtype) == str(expected.dtype).replace("torch", "ember")
        assert np.array_equal(got.float().numpy(), expected.float().numpy()), f


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_half_bias_gradient_matches_pytorch(dtype):
    # The broadcast undone in backward (a bias gradient, nn.Linear's under
    # autocast) is the same float32-accumulated sum.
    torch = pytest.importorskip("torch")
    gen = torch.Generator().manual_seed(3)
    g = (torch.randn(64, 128, generator=gen) * 30).to(getattr(torch, dtype))
    b = torch.randn(128, generator=gen).to(getattr(torch, dtype)).requires_grad_()
    a = torch.randn(64, 128, generator=gen).requires_grad_()
    (a.to(b.dtype) + b).backward(g)
    eb = ember.tensor(b.detach().float().numpy()).to(getattr(ember, dtype)).requires_grad_()
    ea = ember.tensor(a.detach().numpy()).requires_grad_()
    (ea.to(eb.dtype) + eb).backward(ember.tensor(g.float().numpy()).to(eb.dtype))
    assert np.array_equal(eb.grad.float().numpy(), b.grad.float().numpy())
    assert np.array_equal(ea.grad.numpy(), a.grad.numpy())


def test_half_bias_gradient_under_autocast_matches_pytorch():
    # nn.Linear under CPU bfloat16 autocast, as in the AMP recipe: every
    # gradient (the bias's included) equal to PyTorch's.
    torch = pytest.importorskip("torch")
    grads = []
    for lib in (torch, ember):
        lib.manual_seed(0)
        net = lib.nn.Sequential(lib.nn.Linear(128, 128), lib.nn.ReLU(), lib.nn.Linear(128, 128))
        x, t = lib.randn(64, 128), lib.randn(64, 128)
        with lib.autocast("cpu", dtype=lib.bfloat16):
            loss = lib.nn.functional.mse_loss(net(x), t)
        (loss * 65536).backward()
        grads.append([p.grad.numpy() for p in net.parameters()])
    for got, expected in zip(grads[1], grads[0]):
        assert np.array_equal(got, expected)
