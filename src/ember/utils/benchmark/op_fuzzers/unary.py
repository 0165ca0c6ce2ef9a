"""UnaryOpFuzzer: one tensor `x` of 1 to 3 dims for an elementwise op."""
from ..utils.fuzzer import FuzzedParameter, FuzzedTensor, Fuzzer
from . import _shapes

__all__ = ["UnaryOpFuzzer"]


class UnaryOpFuzzer(Fuzzer):
    def __init__(self, seed, dtype=None, cuda=False):
        super().__init__(
            parameters=_shapes.sizes() + [
                [FuzzedParameter(name=f"x_step_{i}", distribution=_shapes.STEPS)
                 for i in range(3)],
                _shapes.random_value(),
            ],
            tensors=[FuzzedTensor(name="x", size=("k0", "k1", "k2"),
                                  steps=("x_step_0", "x_step_1", "x_step_2"),
                                  probability_contiguous=0.75, min_elements=4 * 1024,
                                  max_elements=32 * 1024 ** 2,
                                  max_allocation_bytes=2 * 1024 ** 3, dim_parameter="dim",
                                  dtype=dtype, cuda=cuda)],
            seed=seed)
