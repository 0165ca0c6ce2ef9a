"""Binary ops given an operand that is neither a number nor a tensor: the
named forms (x.add(y), torch.add(x, y), x.add_(y)) raise PyTorch's argument
errors, the operators Python's own TypeError, as with PyTorch."""
import pytest

import ember
from compare_torch import check, check_error

OPS = ["add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide",
       "floor_divide", "remainder", "pow", "eq", "ne", "not_equal", "lt", "less", "le",
       "less_equal", "gt", "greater", "ge", "greater_equal", "bitwise_and", "bitwise_or",
       "bitwise_xor"]
OPERANDS = {"list": [1, 2], "none": None, "str": "a"}


@pytest.mark.parametrize("operand", OPERANDS)
@pytest.mark.parametrize("form", ["method", "function", "inplace"])
@pytest.mark.parametrize("op", OPS)
def test_named_form_refuses_as_pytorch(op, form, operand):
    other = OPERANDS[operand]
    call = {"method": lambda T, x: getattr(x, op)(other),
            "function": lambda T, x: getattr(T, op)(x, other),
            "inplace": lambda T, x: getattr(x, op + "_")(other)}[form]
    check_error(lambda T: (T.ones(2, dtype=T.int64 if op.startswith("bitwise") else T.float32),),
                call)


def test_rsub_refuses_as_pytorch():
    check_error(lambda T: (T.ones(2),), lambda T, x: T.rsub(x, [1]))


@pytest.mark.parametrize("expr", ["x + [1]", "x - None", "x * {}", "x / 'a'", "x ** [1]",
                                  "x < None", "x & [1]", "[1] - x"])
def test_operators_leave_it_to_python(expr):
    check_error(lambda T: (T.ones(2, dtype=T.int64),), lambda T, x: eval(expr))


def test_in_place_operators_leave_it_to_python():
    def run(T, x):
        x += [1]
    check_error(lambda T: (T.ones(2),), run)
    x = ember.ones(2)
    assert (x == [1]) is False     # Python's fallback for ==, as PyTorch's


TENSOR_OPS = {"matmul": (2,), "mm": (2, 2), "bmm": (1, 2, 2), "dot": (2,), "mv": (2, 2),
              "outer": (2,), "logical_and": (2,), "logical_or": (2,), "logical_xor": (2,),
              "equal": (2,), "kron": (2,), "inner": (2,), "vdot": (2,), "cross": (3,),
              "ger": (2,)}


@pytest.mark.parametrize("call", [
    lambda T, x: x.gather(1, [[0]]), lambda T, x: T.gather(x, 1, [[0]]),
    lambda T, x: T.gather(x, 1, index=[[0]]), lambda T, x: T.gather([1.0], 0, x.long()),
    lambda T, x: x.index_select(0, [0]), lambda T, x: T.index_select(x, 0, None),
], ids=["gather_method", "gather_function", "gather_keyword", "gather_input",
        "index_select_method", "index_select_function"])
def test_index_parameters_refuse_other_types_as_pytorch(call):
    check_error(lambda T: (T.ones(2, 3),), call)


@pytest.mark.parametrize("where", ["method", "function", "function_first", "inplace"])
@pytest.mark.parametrize("op", TENSOR_OPS)
def test_tensor_parameters_refuse_other_types_as_pytorch(op, where):
    if where == "inplace" and not op.startswith("logical"):
        pytest.skip("no in-place variant")
    call = {"method": lambda T, x: getattr(x, op)([1.0]),
            "function": lambda T, x: getattr(T, op)(x, None),
            "function_first": lambda T, x: getattr(T, op)([[1.0]], x),
            "inplace": lambda T, x: getattr(x, op + "_")([1.0])}[where]
    check_error(lambda T: (T.ones(*TENSOR_OPS[op]),), call)


@pytest.mark.parametrize("expr", ["x @ [1.]", "[1., 1.] @ x", "x @ 2"])
def test_matmul_operator_leaves_it_to_python(expr):
    check_error(lambda T: (T.ones(2),), lambda T, x: eval(expr))


@pytest.mark.parametrize("call", [
    lambda T, x: x.masked_fill([True, False], 0), lambda T, x: x.masked_fill(x > 0, [1]),
    lambda T, x: T.masked_fill(x, [True, False], 0), lambda T, x: T.masked_fill(x, x > 0, [1]),
    lambda T, x: x.masked_fill(x > 0, None), lambda T, x: x.masked_fill(None, 1.5),
    lambda T, x: x.masked_fill_(x > 0, "a"),
], ids=["mask_list", "value_list", "f_mask_list", "f_value_list", "value_none", "mask_none",
        "inplace_value_str"])
def test_masked_fill_refuses_other_types_as_pytorch(call):
    """(It filled with a list's first element, silently.)"""
    check_error(lambda T: (T.ones(2),), call)


# Functions of one tensor given something else (torch.mean([1., 2.]),
# torch.floor(3.5)): PyTorch's parser error, whichever way the op reads it.
UNARY = ["floor", "ceil", "round", "trunc", "frac", "isnan", "isinf", "isfinite", "sign", "abs",
         "neg", "exp", "relu", "sigmoid", "tanh", "sqrt", "square", "reciprocal", "logical_not",
         "bitwise_not", "signbit", "isreal", "angle", "real", "imag", "conj", "clone",
         "flatten", "t", "numel", "sum", "mean", "max", "argmax", "sort", "nonzero", "isposinf",
         "nan_to_num", "erf", "lgamma", "digamma", "sinc", "deg2rad", "positive", "sgn"]


@pytest.mark.parametrize("value", [None, [1.0, 2.0], 3.5], ids=["none", "list", "float"])
@pytest.mark.parametrize("op", UNARY)
def test_function_of_a_non_tensor_refuses_as_pytorch(op, value):
    check_error(lambda T: (), lambda T: getattr(T, op)(value), TypeError)


@pytest.mark.parametrize("op", ["softmax", "cumsum", "log_softmax"])
def test_function_with_dim_of_a_non_tensor_refuses_as_pytorch(op):
    check_error(lambda T: (), lambda T: getattr(T, op)([1.0, 2.0], 0), TypeError)


@pytest.mark.parametrize("call", [
    lambda T, x: x.reshape_as(2), lambda T, x: T.linalg.cross(x, 2),
    lambda T, x: T.linalg.cross([1.0, 2.0, 3.0], x), lambda T, x: T.cdist(x.view(1, 3), 2),
    lambda T, x: T.chain_matmul(x.view(3, 1), 2), lambda T, x: x.take([0]),
    lambda T, x: T.take(x, [0]), lambda T, x: T.put(x, [0], x), lambda T, x: x.put_([0], x),
    lambda T, x: T.cat([x, x], dim=None), lambda T, x: T.stack([x, x], dim=None),
    lambda T, x: T.cat([x, x], axis=None), lambda T, x: T.cat([x, x], "a"),
    lambda T, x: T.true_divide(x, 2, rounding_mode="floor"),
    lambda T, x: x.true_divide(2, rounding_mode="floor"),
    lambda T, x: x.true_divide_(x, rounding_mode=None),
], ids=["reshape_as", "linalg_cross", "linalg_cross_first", "cdist", "chain_matmul",
        "take_method", "take_function", "put_function", "put_method", "cat_dim_none",
        "stack_dim_none", "cat_axis_none", "cat_dim_str", "true_divide_rounding",
        "true_divide_method_rounding", "true_divide_inplace_rounding"])
def test_more_tensor_parameters_refuse_as_pytorch(call):
    """(They raised AttributeError on the number, or took None for dim 0.)"""
    check_error(lambda T: (T.ones(3),), call)


@pytest.mark.parametrize("value", [2.5, True, 3, 1 + 2j])
@pytest.mark.parametrize("dtype", ["float32", "int64", "bool", "complex64", "float16"])
def test_copy_takes_a_number_as_pytorch(dtype, value):
    """PyTorch's parser takes a number for copy_'s tensor (a 0-d tensor of
    the number's own type, then cast)."""
    check(lambda T: T.ones(2, dtype=getattr(T, dtype)).copy_(value))
