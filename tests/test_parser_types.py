"""An argument of the wrong type (a string, a list, a NumPy array, None where
a number or a tensor goes) gets the TypeError PyTorch's argument parser
gives, word for word: one argument named where one signature could take
the call, every signature listed (and the arguments marked under those
that take as many) where several could; and the tensors are left as they
were. Compared with PyTorch itself."""
import numpy as np
import pytest

import ember

from compare_torch import check_error, torch_raises

BAD = {"str": "'x'", "list": "[1.]", "array0": "np.array(0.)", "array": "np.array([0., 1., 2.])",
       "none": "None"}

CALLS = ["t.clamp(min={v})", "T.clamp(t, {v})", "T.clamp(t, max={v})", "T.clamp(t, 0, {v})",
         "T.clamp(t, t, {v})", "t.clamp_({v})", "t.clamp_max({v})", "t.clamp_min_({v})",
         "T.clamp_min(t, {v})", "T.clip(t, {v})", "t.clip(max={v})", "t.fill_({v})",
         "T.fill(t, {v})", "t.lerp(t, {v})", "T.lerp(t, t, {v})", "t.lerp_(t, {v})",
         "t.add(t, alpha={v})", "T.sub(t, 2, alpha={v})", "t.sub_(t, alpha={v})",
         "T.addcdiv(t, t, t, value={v})", "t.addcmul_(t, t, value={v})", "T.xlogy(t, {v})",
         "t.xlogy_({v})", "T.bucketize(t, {v})", "t.div({v}, rounding_mode='floor')",
         "T.div(t, {v}, rounding_mode='trunc')", "T.remainder({v}, t)",
         "T.bitwise_and({v}, i)", "T.floor_divide({v}, t)", "T.true_divide({v}, t)",
         "T.pow({v}, t)", "T.float_power(t, {v})", "T.float_power({v}, t)",
         "t.float_power_({v})", "T.xlogy({v}, t)"]
# (None is a valid bound or alpha in some: only the calls PyTorch refuses are checked)


def _setup(T):
    return (T.tensor([1.0, 2.0, 3.0], dtype=T.float64), T.tensor([1, 2, 3]))


@pytest.mark.parametrize("kind", list(BAD))
@pytest.mark.parametrize("call", CALLS)
def test_wrong_argument_types_get_the_parsers_words(call, kind):
    v = BAD[kind]
    if not torch_raises(lambda T: eval(call.format(v=v), dict(zip("ti", _setup(T)), T=T, np=np))):
        pytest.skip("PyTorch takes this call or refuses it otherwise")
    check_error(_setup, lambda T, t, i: eval(call.format(v=v),
                                             {"T": T, "t": t, "i": i, "np": np}))


def test_the_parsers_marks_follow_its_type_names():
    """Under a signature that takes as many arguments the parser marks each
    that does not bear the parameter's type name: a Tensor under `Number`."""
    with pytest.raises(TypeError) as info:
        ember.floor_divide("x", ember.ones(2))
    assert str(info.value).endswith(
        " * (Tensor input, Number other)\n"
        "      didn't match because some of the arguments have invalid types: "
        "(!str!, !Tensor!)\n")


def test_sizes_take_zero_d_integer_arrays_only():
    """An int list takes a 0-d integer array (NumPy's __index__), as PyTorch's."""
    assert ember.zeros(np.array(2), 3).shape == (2, 3)
    assert ember.ones(3).view(np.array(3)).shape == (3,)
    with pytest.raises(TypeError, match="must be tuple of ints, not numpy.ndarray"):
        ember.zeros(np.array(2.0))
    with pytest.raises(TypeError, match="'shape' .position 1. must be tuple of ints, not numpy"):
        ember.ones(3).reshape(np.array([3, 1]))


@pytest.mark.parametrize("call", ["T.clamp(t, foo=1)", "T.clamp(t, 1, 2, 3)", "T.clip(t, foo=1)"])
def test_a_call_no_overload_binds_lists_them(call):
    """An argument too many, or a keyword clamp has not: PyTorch's parser
    lists the overloads (not Python's binding error, naming a helper)."""
    check_error(_setup, lambda T, t, i: eval(call, {"T": T, "t": t}))
