"""A Python number put into a tensor goes through c10's checked conversion
(fill_, x[i] = v, masked_fill, full, linspace): a value the dtype cannot
hold raises PyTorch's error instead of becoming inf or wrapping."""
import math

import numpy as np
import pytest

import ember

OPS = {
    "fill_": lambda lib, v, dt: lib.zeros(2, dtype=dt).fill_(v),
    "setitem": lambda lib, v, dt: _set(lib.zeros(2, dtype=dt), 0, v),
    "setitem_mask": lambda lib, v, dt: _set(lib.zeros(2, dtype=dt), slice(None), v),
    "full": lambda lib, v, dt: lib.full((2,), v, dtype=dt),
    "masked_fill": lambda lib, v, dt: lib.zeros(2, dtype=dt).masked_fill(
        lib.tensor([True, False]), v),
}
VALUES = [(300, "uint8"), (-1, "uint8"), (-256, "uint8"), (2 ** 40, "int32"), (1e10, "int32"),
          (1e39, "float32"), (70000, "float16"), (math.nan, "int64"), (2 ** 64, "float32"),
          (2 ** 63, "float32"), (2 ** 63, "int64"), (-2 ** 63 - 1, "int64"), (1e39, "bfloat16"),
          (2.7, "uint8"), (-3.5, "uint8"), (math.inf, "float32"), (3.9e38, "bfloat16"),
          (-129, "int8"), (2, "bool"), (1e39, "float64"),
          # a complex number: a real dtype takes its real part, or refuses an imaginary one;
          # bool takes whether it is nonzero
          (1 + 0j, "int64"), (1 + 2j, "float16"), (1 + 2j, "bfloat16"), (1 + 2j, "bool"),
          (2 + 0j, "bool")]


def _set(x, key, v):
    x[key] = v
    return x


def _outcome(f):
    try:
        return repr(f()).replace("ember", "torch")
    except Exception as exc:  # noqa: BLE001 - the error is what is compared
        return f"{type(exc).__name__}: {exc}"


@pytest.mark.parametrize("op", list(OPS))
@pytest.mark.parametrize("value,dtype", VALUES, ids=[f"{v}-{d}" for v, d in VALUES])
def test_scalar_conversion_as_pytorch(op, value, dtype):
    torch = pytest.importorskip("torch")
    if dtype == "bfloat16":
        pytest.importorskip("ml_dtypes")
    f = OPS[op]
    with np.errstate(all="ignore"):
        expected = _outcome(lambda: f(torch, value, getattr(torch, dtype)))
        got = _outcome(lambda: f(ember, value, getattr(ember, dtype)))
    assert got == expected


def test_out_of_range_fill_raises_and_leaves_tensor_alone():
    x = ember.zeros(2, dtype=ember.uint8)
    with pytest.raises(RuntimeError, match="value cannot be converted to type uint8_t without "
                                           "overflow"):
        x.fill_(300)
    with pytest.raises(RuntimeError, match="type float without overflow"):
        ember.full((2,), 1e39)
    with pytest.raises(OverflowError, match="int too big to convert"):
        ember.zeros(1).fill_(2 ** 64)
    assert x.tolist() == [0, 0] and x._version == 0
    # an unsigned dtype takes negatives down to -max, wrapped (c10's overflows())
    assert ember.full((1,), -1, dtype=ember.uint8).tolist() == [255]
    assert ember.zeros(1, dtype=ember.int64).fill_(-2.9).tolist() == [-2]


ALPHAS = {
    "add": lambda lib, a, b, alpha: lib.add(a, b, alpha=alpha),
    "sub": lambda lib, a, b, alpha: lib.sub(a, b, alpha=alpha),
    "rsub": lambda lib, a, b, alpha: lib.rsub(a, b, alpha=alpha),
    "add_": lambda lib, a, b, alpha: a.clone().add_(b, alpha=alpha),
}
# (alpha, the tensors' dtype, the other operand: "t" a tensor alike, or a number)
ALPHA_CASES = [(0.5, "int32", "t"), (np.float64(2.0), "int32", "t"), (1j, "int32", "t"),
               (True, "int32", "t"), (True, "float32", "t"), (2, "bool", "t"),
               (0.5, "bool", "t"), (True, "bool", "t"), (1 + 0j, "float32", "t"),
               (2 ** 40, "int32", "t"), (1e39, "float32", "t"), (1e5, "float16", "t"),
               (1e39, "bfloat16", "t"), (0.5, "int32", 2.5), (0.5, "bfloat16", "t"),
               (-1, "uint8", "t"), (-255, "uint8", "t"), (-256, "uint8", "t"),
               (127, "int8", "t"), (-129, "int8", "t"), (1j, "float32", 1j)]


@pytest.mark.parametrize("op", list(ALPHAS))
@pytest.mark.parametrize("alpha,dtype,other", ALPHA_CASES,
                         ids=[f"{a}-{d}-{o}" for a, d, o in ALPHA_CASES])
def test_add_and_sub_check_alpha_as_pytorch(op, alpha, dtype, other):
    # alpha against the result's dtype (bool, integral, complex), then its
    # checked conversion to it; an integral tensor took a float alpha and
    # came back float64
    torch = pytest.importorskip("torch")

    def run(lib):
        a = lib.tensor([3, 1, 0]).to(getattr(lib, dtype))
        return ALPHAS[op](lib, a, a.flip(0) if other == "t" else other, alpha)
    with np.errstate(all="ignore"):
        expected = _outcome(lambda: run(torch))
        got = _outcome(lambda: run(ember))
    assert got == expected


CAST_VALUES = [float("nan"), float("inf"), -float("inf"), 1e20, -1e20, -3.5, 300.7, -129.2, 3e9]


@pytest.mark.parametrize("how", ["to", "type", "copy_", "setitem", "as_tensor", "fill_"])
@pytest.mark.parametrize("dtype", ["int64", "int32", "int16", "int8", "uint8", "bool",
                                   "float16", "bfloat16"])
def test_casts_of_nan_inf_and_out_of_range_values_are_silent(how, dtype):
    """PyTorch converts NaN, inf and out-of-range floats without a word (to
    what the CPU's conversion gives); Ember used to print NumPy's
    RuntimeWarning (the suite turns any warning into a failure)."""
    torch = pytest.importorskip("torch")

    def run(T):
        x = T.tensor(CAST_VALUES)
        dt = getattr(T, dtype)
        if how == "to":
            return x.to(dt)
        if how == "type":
            return x.type(dt)
        if how == "as_tensor":
            return T.as_tensor(np.array(CAST_VALUES), dtype=dt)
        y = T.zeros(len(CAST_VALUES), dtype=dt)
        if how == "copy_":
            return y.copy_(x)
        if how == "fill_":
            return y.fill_(T.tensor(1e20))
        y[:] = x
        return y
    got, expected = run(ember), run(torch)
    assert str(got.dtype) == str(expected.dtype).replace("torch", "ember")
    np.testing.assert_array_equal(np.array(got.tolist(), float), np.array(expected.tolist(), float))
