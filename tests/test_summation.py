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
         ((3, 33), (0,)), ((2, 64), (0,)), ((16, 2), (0,)), ((1, 96), None), ((1, 130), None)]


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
