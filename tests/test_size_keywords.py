"""Sizes given by keyword, as PyTorch's parser takes them: x.view(size=),
x.reshape(shape=), x.permute(dims=), x.expand(size=), x.repeat(repeats=),
x.new_zeros/new_ones/new_empty(size=), x.resize_(size=), torch.permute(x,
dims=), Tensor.split(split_size=), torch.split(tensor=); and refused in its
words: given in place too, not a sequence, not of ints."""
import pytest

from compare_torch import check


def X(T):
    return T.arange(6.0).reshape(2, 3)


CASES = {
    "view": lambda T: X(T).view(size=(3, 2)),
    "view_list": lambda T: X(T).view(size=[6]),
    "view_size": lambda T: X(T).view(size=T.Size([3, 2])),
    "view_inferred": lambda T: X(T).view(size=(2, -1)),
    "view_empty_shape": lambda T: X(T).view(size=()),
    "view_int": lambda T: X(T).view(size=6),
    "view_none": lambda T: X(T).view(size=None),
    "view_floats": lambda T: X(T).view(size=(3.0, 2)),
    "view_twice": lambda T: X(T).view(3, size=2),
    "view_with_dtype": lambda T: X(T).view(size=(3, 2), dtype=T.int64),
    "view_dtype_in_place": lambda T: X(T).view(T.int64, size=(3,)),
    "reshape": lambda T: X(T).reshape(shape=(3, 2)),
    "reshape_tensor_size": lambda T: X(T).reshape(shape=(T.tensor(3), 2)),
    "reshape_int": lambda T: X(T).reshape(shape=6),
    "reshape_none": lambda T: X(T).reshape(shape=None),
    "reshape_float_first": lambda T: X(T).reshape(shape=(3.0, 2)),
    "reshape_bool_first": lambda T: X(T).reshape(shape=(True, 6)),
    "reshape_float_later": lambda T: X(T).reshape(shape=(2, 3.0)),
    "reshape_nested": lambda T: X(T).reshape(shape=[[3, 2]]),
    "reshape_twice": lambda T: X(T).reshape(3, shape=2),
    "permute": lambda T: X(T).permute(dims=(1, 0)),
    "permute_list": lambda T: X(T).permute(dims=[1, 0]),
    "permute_int": lambda T: X(T).permute(dims=1),
    "permute_none": lambda T: X(T).permute(dims=None),
    "permute_empty": lambda T: X(T).permute(dims=()),
    "permute_twice": lambda T: X(T).permute(1, dims=(0,)),
    "permute_unknown": lambda T: X(T).permute(dims=(1, 0), foo=1),
    "expand": lambda T: X(T).expand(size=(2, 2, 3)),
    "expand_implicit": lambda T: X(T).expand(size=(2, 2, 3), implicit=True),
    "expand_implicit_in_place": lambda T: X(T).expand(2, 2, 3, implicit=True),
    "expand_implicit_int": lambda T: X(T).expand(2, 2, 3, implicit=1),
    "expand_int": lambda T: X(T).expand(size=3),
    "expand_none": lambda T: X(T).expand(size=None),
    "expand_twice": lambda T: X(T).expand(3, size=(2, 3)),
    "repeat": lambda T: X(T).repeat(repeats=(1, 2)),
    "repeat_int": lambda T: X(T).repeat(repeats=2),
    "repeat_none": lambda T: X(T).repeat(repeats=None),
    "repeat_twice": lambda T: X(T).repeat(2, repeats=(1, 1)),
    "new_zeros": lambda T: X(T).new_zeros(size=(2,), dtype=T.int64),
    "new_ones": lambda T: X(T).new_ones(size=(2, 1)),
    "new_empty": lambda T: X(T).new_empty(size=[2, 3]).shape,
    "new_zeros_scalar": lambda T: X(T).new_zeros(size=()),
    "new_zeros_int": lambda T: X(T).new_zeros(size=6),
    "new_zeros_floats": lambda T: X(T).new_zeros(size=(2.0,)),
    "new_ones_none": lambda T: X(T).new_ones(size=None),
    "new_zeros_twice": lambda T: X(T).new_zeros(2, size=(2,)),
    "resize_": lambda T: X(T).resize_(size=(3, 2)),
    "resize_int": lambda T: X(T).resize_(size=6),
    "resize_floats": lambda T: X(T).resize_(size=(2.0,)),
    "resize_twice": lambda T: X(T).resize_(2, size=(2,)),
    "function_permute": lambda T: T.permute(X(T), dims=(1, 0)),
    "function_permute_input": lambda T: T.permute(input=X(T), dims=[1, 0]),
    "function_permute_in_place": lambda T: T.permute(X(T), (1, 0)),
    "function_permute_varargs": lambda T: T.permute(X(T), 1, 0),
    "function_permute_int": lambda T: T.permute(X(T), dims=1),
    "function_permute_missing": lambda T: T.permute(X(T)),
    "function_permute_wrong_keyword": lambda T: T.permute(X(T), shape=(0,)),
    "function_reshape": lambda T: T.reshape(X(T), shape=(3, 2)),
    "function_reshape_int": lambda T: T.reshape(X(T), shape=6),
    "function_reshape_float_first": lambda T: T.reshape(X(T), shape=(3.0, 2)),
    "function_reshape_float_in_place": lambda T: T.reshape(X(T), (3.0, 2)),
    "function_reshape_int_and_keyword": lambda T: T.reshape(X(T), 6, shape=(6,)),
    "function_reshape_twice": lambda T: T.reshape(X(T), (6,), shape=(6,)),
    "method_split": lambda T: X(T).split(split_size=1),
    "method_split_dim": lambda T: X(T).split(split_size=2, dim=1),
    "function_split": lambda T: T.split(tensor=X(T), split_size_or_sections=[1, 2], dim=1),
}


@pytest.mark.parametrize("name", list(CASES))
def test_sizes_by_keyword(name):
    check(CASES[name])


def test_gradients_through_keyword_sizes():
    def f(T):
        x = T.arange(6.0, dtype=T.float64).reshape(2, 3).requires_grad_()
        y = x.view(size=(3, 2)).permute(dims=(1, 0)).reshape(shape=(6,))
        z = y.expand(size=(2, 6)).repeat(repeats=(1, 2))
        (z * T.arange(24.0, dtype=T.float64).reshape(2, 12)).sum().backward()
        return z, x.grad, type(z.grad_fn).__name__
    check(f)


# flip's and tile's dims: an int list of no fixed size (torch.flip(x, 0) is
# refused, x.flip(0) unpacked), its elements checked as the parser checks them
DIMS = {
    "flip_function_int": lambda T: T.flip(X(T), 0),
    "flip_method_int": lambda T: X(T).flip(0),
    "flip_method_ints": lambda T: X(T).flip(0, 1),
    "flip_keyword_int": lambda T: X(T).flip(dims=0),
    "flip_keyword_list": lambda T: X(T).flip(dims=[0]),
    "flip_function_keyword": lambda T: T.flip(X(T), dims=(0,)),
    "flip_function_varargs": lambda T: T.flip(X(T), 0, 1),
    "flip_no_dims": lambda T: X(T).flip(),
    "flip_float": lambda T: X(T).flip(0.5),
    "flip_float_list": lambda T: X(T).flip([0.5]),
    "flip_float_second": lambda T: T.flip(X(T), (0, 0.5)),
    "flip_float_second_keyword": lambda T: T.flip(X(T), dims=(0, 0.5)),
    "flip_float_first_keyword": lambda T: X(T).flip(dims=[0.5, 1]),
    "flip_unpacked_float": lambda T: X(T).flip(0, 0.5),
    "flip_empty": lambda T: X(T).flip([]),
    "flip_tensor_dim": lambda T: T.flip(X(T), [T.tensor(1)]),
    "flip_bool": lambda T: X(T).flip(True),
    "tile_function_int": lambda T: T.tile(X(T), 2),
    "tile_keyword_int": lambda T: T.tile(X(T), dims=2),
    "tile_method_keyword_int": lambda T: X(T).tile(dims=2),
    "tile_method_int": lambda T: X(T).tile(2),
    "tile_method_ints": lambda T: X(T).tile(2, 1),
    "tile_third_float": lambda T: T.tile(X(T), (1, 1, 0.5)),
    "tile_keyword_float": lambda T: X(T).tile(dims=[0.5]),
    "unflatten_int": lambda T: X(T).unflatten(1, 3),
    "unflatten_function_int": lambda T: T.unflatten(X(T), 1, 3),
    "unflatten_float_first": lambda T: X(T).unflatten(1, (3.0, 1)),
    "unflatten_float_second": lambda T: T.unflatten(X(T), 1, [3, 1.0]),
}


@pytest.mark.parametrize("name", list(DIMS))
def test_int_list_dims(name):
    check(DIMS[name])
