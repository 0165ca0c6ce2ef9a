"""-0. through the ops that keep one of two equal values: PyTorch's relu,
clamp, hardtanh and maximum keep x (their first operand), NumPy's maximum its
second, so relu(-0.) printed 0.; PyTorch's cumsum starts from +0."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

_OPS = {
    "relu": lambda T, z: T.relu(z),
    "relu_": lambda T, z: z.clone().relu_(),
    "clamp min": lambda T, z: T.clamp(z, min=0.0),
    "clamp max": lambda T, z: T.clamp(z, max=0.0),
    "clamp min -0.": lambda T, z: T.clamp(z, min=-0.0),
    "clamp both": lambda T, z: T.clamp(z, 0.0, 0.0),
    "clamp tensor min": lambda T, z: T.clamp(z, min=T.zeros(5)),
    "clamp tensor max": lambda T, z: T.clamp(z, max=T.zeros(5)),
    "clamp_min": lambda T, z: T.clamp_min(z, 0.0),
    "clamp_max": lambda T, z: T.clamp_max(z, -0.0),
    "maximum": lambda T, z: T.maximum(z, T.zeros(5)),
    "maximum reversed": lambda T, z: T.maximum(T.zeros(5), z),
    "minimum": lambda T, z: T.minimum(z, T.zeros(5)),
    "minimum reversed": lambda T, z: T.minimum(T.zeros(5), z),
    "fmax": lambda T, z: T.fmax(z, T.zeros(5)),
    "fmin": lambda T, z: T.fmin(z, T.zeros(5)),
    "relu6": lambda T, z: T.nn.functional.relu6(z),
    "hardtanh": lambda T, z: T.nn.functional.hardtanh(z, 0.0, 1.0),
    "hardtanh to 0": lambda T, z: T.nn.functional.hardtanh(z, -1.0, 0.0),
    "leaky_relu": lambda T, z: T.nn.functional.leaky_relu(z),
    "elu": lambda T, z: T.nn.functional.elu(z),
    "selu": lambda T, z: T.nn.functional.selu(z),
    "celu": lambda T, z: T.nn.functional.celu(z),
    "hardsigmoid": lambda T, z: T.nn.functional.hardsigmoid(z),
    "hardswish": lambda T, z: T.nn.functional.hardswish(z),
    "cumsum": lambda T, z: z.cumsum(0),
    "cumsum of -0.": lambda T, z: T.tensor([-0.0, -0.0]).cumsum(0),
    "cumsum bfloat16": lambda T, z: T.tensor([-0.0, -0.0], dtype=T.bfloat16).cumsum(0).float(),
}


@pytest.mark.parametrize("op", list(_OPS))
def test_signs_of_zero_as_pytorch(op):
    def run(T):
        z = T.tensor([-0.0, 0.0, float("nan"), 1.0, -1.0])
        return _OPS[op](T, z).numpy()
    e, t = run(ember), run(torch)
    np.testing.assert_array_equal(e, t)
    np.testing.assert_array_equal(np.signbit(e), np.signbit(t))
