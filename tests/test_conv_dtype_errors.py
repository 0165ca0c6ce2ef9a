"""A convolution whose input, weight and bias differ in dtype raises what
PyTorch's CPU build raises. The words depend on the backend ATen picks
(oneDNN or its own kernels: batch, kernel size, groups, size, threads, and
for bfloat16/float16 the CPU's vector extensions), and on the order of its
checks (the bias' dtype before any shape)."""
import pytest

import ember
from compare_torch import check, msg

torch = pytest.importorskip("torch")

CASES = {
    # (input shape, input dtype, weight shape, weight dtype, bias dtype or None, kwargs)
    "batch2_double_weight": ((2, 1, 5, 5), "float32", (1, 1, 3, 3), "float64", None, {}),
    "batch1_double_weight": ((1, 1, 5, 5), "float32", (1, 1, 3, 3), "float64", None, {}),
    "batch1_kernel4": ((1, 1, 6, 6), "float32", (1, 1, 4, 4), "float64", None, {}),
    "batch1_kernel4x3": ((1, 1, 6, 6), "float32", (1, 1, 4, 3), "float64", None, {}),
    "groups": ((1, 2, 6, 6), "float32", (2, 1, 3, 3), "float64", None, {"groups": 2}),
    "large_input": ((1, 1, 150, 150), "float32", (1, 1, 3, 3), "float64", None, {}),
    "just_below_large": ((1, 1, 143, 143), "float32", (1, 1, 3, 3), "float64", None, {}),
    "pointwise_batch2": ((2, 1, 5, 5), "float32", (1, 1, 1, 1), "float64", None, {}),
    "pointwise_strided": ((2, 1, 5, 5), "float32", (1, 1, 1, 1), "float64", None, {"stride": 2}),
    "bfloat16_weight": ((2, 1, 5, 5), "float32", (1, 1, 3, 3), "bfloat16", None, {}),
    "bool_weight": ((2, 1, 5, 5), "float32", (1, 1, 3, 3), "bool", None, {}),
    "long_weight": ((2, 1, 5, 5), "float32", (1, 1, 3, 3), "int64", None, {}),
    "complex_weight": ((2, 1, 5, 5), "float32", (1, 1, 3, 3), "complex64", None, {}),
    "float_weight_double_input": ((2, 1, 5, 5), "float64", (1, 1, 3, 3), "float32", None, {}),
    "half_input": ((2, 1, 5, 5), "float16", (1, 1, 3, 3), "float64", None, {}),
    "bfloat16_input": ((1, 1, 5, 5), "bfloat16", (1, 1, 3, 3), "float64", None, {}),
    "bias_double": ((2, 1, 5, 5), "float32", (1, 1, 3, 3), "float32", "float64", {}),
    "bias_before_channels": ((1, 2, 5, 5), "float64", (1, 1, 3, 3), "float64", "float32", {}),
    "bfloat16_bias_float": ((1, 1, 5, 5), "bfloat16", (1, 1, 3, 3), "bfloat16", "float32", {}),
    "long_input_float_bias": ((1, 1, 5, 5), "int64", (1, 1, 3, 3), "float32", "float32", {}),
    "channels_before_weight": ((1, 2, 5, 5), "float32", (1, 1, 3, 3), "float64", None, {}),
    "conv1d_batch2": ((2, 1, 5), "float32", (1, 1, 3), "float64", None, {}),
    "conv1d_kernel4": ((1, 1, 9), "float32", (1, 1, 4), "float64", None, {}),
    "conv1d_long": ((1, 1, 30000), "float32", (1, 1, 3), "float64", None, {}),
    "conv3d_batch2": ((2, 1, 5, 5, 5), "float32", (1, 1, 3, 3, 3), "float64", None, {}),
    "conv3d_batch1": ((1, 1, 5, 5, 5), "float32", (1, 1, 3, 3, 3), "float64", None, {}),
    "unbatched": ((1, 5, 5), "float32", (1, 1, 3, 3), "float64", None, {}),
    "transposed_batch2": ((2, 1, 5, 5), "float32", (1, 1, 3, 3), "float64", None, {"t": 1}),
    "transposed_batch1": ((1, 1, 5, 5), "float32", (1, 1, 3, 3), "float64", None, {"t": 1}),
    "transposed_bias": ((2, 1, 5, 5), "float32", (1, 1, 3, 3), "float32", "float64", {"t": 1}),
}


def _conv(T, x, w, b, kwargs):
    kwargs = dict(kwargs)
    F = T.nn.functional
    if kwargs.pop("t", None):
        return F.conv_transpose2d(x, w, b, **kwargs)
    return {3: F.conv1d, 4: F.conv2d, 5: F.conv3d}[max(w.dim(), 3)](x, w, b, **kwargs)


def _setup(case):
    xs, xd, ws, wd, bd, _ = CASES[case]

    def setup(T):
        x = T.ones(xs, dtype=getattr(T, xd))
        w = T.ones(ws, dtype=getattr(T, wd))
        b = None if bd is None else T.ones(ws[1] if "t" in CASES[case][5] else ws[0],
                                           dtype=getattr(T, bd))
        return x, w, b
    return setup


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("case", sorted(CASES))
def test_dtype_error_as_pytorch(case, threads):
    before = torch.get_num_threads(), ember.get_num_threads()
    torch.set_num_threads(threads)
    ember.set_num_threads(threads)
    try:
        errors = []
        for T in (torch, ember):
            with pytest.raises(RuntimeError) as info:
                _conv(T, *_setup(case)(T), CASES[case][5])
            errors.append(msg(info.value))
        assert errors[1] == errors[0]
    finally:
        torch.set_num_threads(before[0])
        ember.set_num_threads(before[1])


def test_transposed_bias_of_another_dtype_is_added():
    """PyTorch's own transposed kernel (a small batch: not oneDNN) adds a
    float64 bias to a float32 result, which stays float32."""
    def run(T):
        x = T.arange(8.0).reshape(1, 2, 2, 2)
        w = T.arange(18.0).reshape(2, 1, 3, 3) / 10
        return T.nn.functional.conv_transpose2d(x, w, T.tensor([0.5], dtype=T.float64))
    check(run)
