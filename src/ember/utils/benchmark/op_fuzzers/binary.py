"""BinaryOpFuzzer: tensors `x` and `y` of 1 to 3 dims for an elementwise op;
y's sizes are x's or (one time in five, per dim) 1, to test broadcasting."""
from ..utils.fuzzer import FuzzedParameter, FuzzedTensor, Fuzzer, ParameterAlias
from . import _shapes

__all__ = ["BinaryOpFuzzer"]


class BinaryOpFuzzer(Fuzzer):
    def __init__(self, seed, dtype=None, cuda=False):
        common = dict(steps=("x_step_0", "x_step_1", "x_step_2"), probability_contiguous=0.75,
                      max_allocation_bytes=2 * 1024 ** 3, dim_parameter="dim", dtype=dtype,
                      cuda=cuda)
        super().__init__(
            parameters=_shapes.sizes() + [
                [FuzzedParameter(name=f"y_k{i}", distribution={ParameterAlias(f"k{i}"): 0.8,
                                                                1: 0.2}, strict=True)
                 for i in range(3)],
                [FuzzedParameter(name=f"{name}_step_{i}", distribution=_shapes.STEPS)
                 for i in range(3) for name in ("x", "y")],
                _shapes.random_value(),
            ],
            tensors=[
                FuzzedTensor(name="x", size=("k0", "k1", "k2"), min_elements=4 * 1024,
                             max_elements=32 * 1024 ** 2, **common),
                FuzzedTensor(name="y", size=("y_k0", "y_k1", "y_k2"), **common),
            ],
            seed=seed)
