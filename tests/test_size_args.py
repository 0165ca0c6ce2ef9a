"""Sizes given to view, reshape, expand, repeat and permute: several ints or
one sequence, read as PyTorch's argument parser reads them, with its errors
for a float, None, ... (Ember's int() truncated 2.5 to 2)."""
import numpy as np
import pytest

from compare_torch import check, check_error

GOOD = {
    "view_ints": lambda T, x: x.view(2, 6), "view_tuple": lambda T, x: x.view((3, -1)),
    "view_list": lambda T, x: x.view([12]), "view_size": lambda T, x: x.view(T.Size([6, 2])),
    "view_numpy_int": lambda T, x: x.view(np.int64(2), 6),
    "view_int_tensor": lambda T, x: x.view(T.tensor(2), 6),
    "view_later_bool": lambda T, x: x.view(12, True), "view_empty": lambda T, x: x[:1, :1].view([]),
    "reshape_ints": lambda T, x: x.reshape(4, np.int32(3)), "reshape_int": lambda T, x: x.reshape(12),
    "reshape_function": lambda T, x: T.reshape(x, [3, -1]),
    "reshape_keywords": lambda T, x: T.reshape(input=x, shape=(12,)),
    "expand": lambda T, x: x.expand((3, 2, -1)), "repeat": lambda T, x: x.repeat(2, 1),
    "permute": lambda T, x: x.permute((1, 0)),
}

BAD = {
    "view_float_first": lambda T, x: x.view(2.0, 6), "view_float_tuple": lambda T, x: x.view((2.0, 6)),
    "view_float_list": lambda T, x: x.view([2.0, 6]), "view_float_later": lambda T, x: x.view(2, 6.0),
    "view_float_later_tuple": lambda T, x: x.view((2, 6.5)), "view_float": lambda T, x: x.view(2.5),
    "view_none": lambda T, x: x.view(None), "view_str": lambda T, x: x.view("a"),
    "view_none_later": lambda T, x: x.view(2, None),
    "view_float_tensor": lambda T, x: x.view(T.tensor(2.), 6),
    "reshape_float_first": lambda T, x: x.reshape(2.0, 6),
    "reshape_float_tuple": lambda T, x: x.reshape((2.0, 6)),
    "reshape_float_later": lambda T, x: x.reshape([2, 6.0]), "reshape_float": lambda T, x: x.reshape(2.5),
    "reshape_none": lambda T, x: x.reshape(None), "reshape_bool_first": lambda T, x: x.reshape(True, 12),
    "reshape_function_float": lambda T, x: T.reshape(x, (2.0, 6)),
    "reshape_function_float_later": lambda T, x: T.reshape(x, (2, 6.0)),
    "reshape_function_int": lambda T, x: T.reshape(x, 12),
    "reshape_function_ints": lambda T, x: T.reshape(x, 2, 6),
    "reshape_function_list": lambda T, x: T.reshape([1.0], (1,)),
    "expand_float": lambda T, x: x.expand(2.0, 6), "expand_none_later": lambda T, x: x.expand(2, None),
    "repeat_float": lambda T, x: x.repeat(2.0, 1), "repeat_float_later": lambda T, x: x.repeat([2, 1.5]),
    "permute_float": lambda T, x: x.permute(1.0, 0), "permute_none_later": lambda T, x: x.permute([1, None]),
    # no size at all (`torch.rand(*shape)` with shape == ()): the parser's errors
    "view_nothing": lambda T, x: x.view(), "reshape_nothing": lambda T, x: x.reshape(),
    "expand_nothing": lambda T, x: x[0, 0].expand(), "repeat_nothing": lambda T, x: x[0, 0].repeat(),
    "permute_nothing": lambda T, x: x[0, 0].permute(), "rand_nothing": lambda T, x: T.rand(),
    "randn_nothing": lambda T, x: T.randn(), "rand_dtype_only": lambda T, x: T.rand(dtype=T.float64),
    "randn_generator_only": lambda T, x: T.randn(generator=T.Generator()),
    "zeros_nothing": lambda T, x: T.zeros(), "ones_dtype_only": lambda T, x: T.ones(dtype=T.int64),
    "empty_nothing": lambda T, x: T.empty(), "zeros_out_only": lambda T, x: T.zeros(out=x),
    "new_zeros_nothing": lambda T, x: x.new_zeros(), "new_ones_nothing": lambda T, x: x.new_ones(),
    "new_empty_nothing": lambda T, x: x.new_empty(),
}


def _x(T):
    return (T.arange(12.).reshape(2, 6),)


@pytest.mark.parametrize("name", GOOD)
def test_sizes_as_pytorch(name):
    check(lambda T: GOOD[name](T, _x(T)[0]))


@pytest.mark.parametrize("name", BAD)
def test_bad_sizes_refused_as_pytorch(name):
    check_error(_x, BAD[name])
