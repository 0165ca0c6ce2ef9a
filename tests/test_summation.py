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
         ((70000, 3), (0,)), ((20000, 40), (0,)), ((1100000, 2), (0,))]


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
    x = np.arange(60, dtype=np.float32).reshape(3, 4, 5)
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
