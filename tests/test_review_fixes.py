"""Fixes found by reviews and fuzzing. Each case states the answer it expects
(so it runs without PyTorch) and, where PyTorch is installed, also runs
beside it (compare_torch.check / check_error). A refused call must leave every
tensor as it was: values, grads, flags and version counters."""
import numpy as np
import pytest

import ember
from compare_torch import check
from review_checks import HAS_TORCH, NAN, leaf, refused


# ------------------------------------------------------------------ 1. where
WHERE_OVERLOADS = (" * (Tensor condition)\n"
                   " * (Tensor condition, Tensor input, Tensor other, *, Tensor out = None)\n"
                   " * (Tensor condition, Number self, Tensor other)\n")


def test_where_two_arguments_raises_typeerror():
    message = ("where() received an invalid combination of arguments - got (Tensor, Tensor), "
               "but expected one of:\n" + WHERE_OVERLOADS +
               " * (Tensor condition, Tensor input, Number other)\n"
               " * (Tensor condition, Number self, Number other)\n")
    refused(lambda T: (T.tensor([True, False]), leaf(T, [1.0, 2.0])),
            lambda T, c, x: T.where(c, x), TypeError, message)


def test_where_none_operand_raises_typeerror():
    message = ("where() received an invalid combination of arguments - got (Tensor, Tensor, "
               "NoneType), but expected one of:\n" + WHERE_OVERLOADS +
               "      didn't match because some of the arguments have invalid types: "
               "(Tensor, !Tensor!, !NoneType!)\n"
               " * (Tensor condition, Tensor input, Number other)\n"
               "      didn't match because some of the arguments have invalid types: "
               "(Tensor, Tensor, !NoneType!)\n"
               " * (Tensor condition, Number self, Number other)\n"
               "      didn't match because some of the arguments have invalid types: "
               "(Tensor, !Tensor!, !NoneType!)\n")
    refused(lambda T: (T.tensor([True, False]), leaf(T, [1.0, 2.0])),
            lambda T, c, x: T.where(c, x, None), TypeError, message)


@pytest.mark.parametrize("cond, expected", [
    ([True, False, True], ([0, 2],)),
    ([[0, 3], [2, 0]], ([0, 1], [1, 0])),
    ([0.5, 0.0], ([0],)),
    (True, ([0],)),
    (False, ([],)),
])
def test_where_one_argument_is_nonzero_as_tuple(cond, expected):
    out = ember.where(ember.tensor(cond))
    assert type(out) is tuple and len(out) == len(expected)
    for t, e in zip(out, expected):
        assert t.dtype is ember.int64 and t.tolist() == e
    if HAS_TORCH:
        check(lambda T: T.where(T.tensor(cond)))


@pytest.mark.parametrize("dtype, name", [("int64", "Long"), ("float32", "Float"),
                                         ("int8", "Char"), ("int32", "Int")])
def test_where_non_boolean_condition_names_the_scalar_type(dtype, name):
    refused(lambda T: (T.tensor([1, 0], dtype=getattr(T, dtype)), leaf(T, [1.0, 2.0])),
            lambda T, c, x: T.where(c, x, -x), RuntimeError,
            "where expected condition to be a boolean tensor, but got a tensor with dtype " + name)


def test_where_uint8_condition_is_a_deprecated_mask():
    # PyTorch still takes it, warning once per process (every time under set_warn_always).
    libs = [ember] + ([pytest.importorskip("torch")] if HAS_TORCH else [])
    for T in libs:
        x = leaf(T, [1.0, 2.0])
        T.set_warn_always(True)
        try:
            for step in ("forward", "backward (where again)"):
                with pytest.warns(UserWarning) as caught:
                    if step == "forward":
                        out = T.where(T.tensor([1, 0], dtype=T.uint8), x, x * 3)
                    else:
                        out.sum().backward()
                assert [str(w.message).split(" (Triggered")[0] for w in caught] == [
                    "where received a uint8 condition tensor. This behavior is deprecated and "
                    "will be removed in a future version of PyTorch. Use a boolean condition "
                    "instead."] * (1 if step == "forward" else 2)
        finally:
            T.set_warn_always(False)
        assert out.tolist() == [1.0, 6.0] and x.grad.tolist() == [1.0, 3.0]
        assert out.grad_fn.name() == "WhereBackward0"


# ------------------------------------------------------------------ 2. allclose, isclose
SIZES = ("The size of tensor a ({}) must match the size of tensor b ({}) at non-singleton "
         "dimension 0")


@pytest.mark.parametrize("fn", ["allclose", "isclose"])
@pytest.mark.parametrize("setup, kwargs, message", [
    (lambda T: (T.tensor([1, 2]), T.tensor([1.0, 2.0])), {}, "Long did not match Float"),
    (lambda T: (T.tensor([1.0, 2.0]), T.tensor([1, 2])), {}, "Float did not match Long"),
    (lambda T: (T.ones(2), T.ones(2, dtype=T.float64)), {}, "Float did not match Double"),
    (lambda T: (T.tensor([True]), T.tensor([1])), {}, "Bool did not match Long"),
    (lambda T: (T.ones(2), T.ones(3)), {}, SIZES.format(2, 3)),
    (lambda T: (leaf(T, [[1.0] * 3] * 2), T.ones(4, 3)), {}, SIZES.format(2, 4)),
    (lambda T: (T.ones(2), T.ones(2)), {"rtol": -1},
     "rtol must be greater than or equal to zero, but got -1"),
    (lambda T: (T.ones(2), T.ones(2)), {"atol": -1e-20},
     "atol must be greater than or equal to zero, but got -1e-20"),
])
def test_close_checks_dtypes_shapes_and_tolerances(fn, setup, kwargs, message):
    refused(setup, lambda T, a, b: getattr(T, fn)(a, b, **kwargs), RuntimeError, message)


def test_close_still_compares():
    assert ember.allclose(ember.tensor([1.0, 2.0]), ember.tensor([1.0, 2.0 + 1e-7]))
    assert ember.allclose(ember.ones(2, 3), ember.ones(3))       # broadcasts
    if HAS_TORCH:
        check(lambda T: (T.isclose(T.tensor([1, 5]), T.tensor([1, 6]), atol=1),
                         T.isclose(T.tensor([True]), T.tensor([False]), atol=1)))


# ------------------------------------------------------------------ 3. addmm
ADDMM = [
    ("bias_3", lambda T: (leaf(T, [1.0] * 3), leaf(T, [[1.0] * 3] * 2), T.ones(3, 4)),
     RuntimeError, "The expanded size of the tensor (4) must match the existing size (3) at "
     "non-singleton dimension 1.  Target sizes: [2, 4].  Tensor sizes: [3]"),
    ("bias_3d", lambda T: (T.ones(1, 2, 4), T.ones(2, 3), T.ones(3, 4)),
     RuntimeError, "expand(ember.FloatTensor{[1, 2, 4]}, size=[2, 4]): the number of sizes "
     "provided (2) must be greater or equal to the number of dimensions in the tensor (3)"),
    ("bias_double", lambda T: (T.ones(5, dtype=T.float64), T.ones(2, 3), T.ones(3, 4)),
     RuntimeError, "self and mat2 must have the same dtype, but got Double and Float"),
    ("mat1_double", lambda T: (T.ones(4), T.ones(2, 3, dtype=T.float64), T.ones(3, 4)),
     RuntimeError, "mat1 and mat2 must have the same dtype, but got Double and Float"),
    ("mat1_1d", lambda T: (T.ones(5), T.ones(3), T.ones(3, 4)),
     RuntimeError, "mat1 must be a matrix, got 1-D tensor"),
    ("inner", lambda T: (T.ones(5), T.ones(2, 3), T.ones(2, 4)),
     RuntimeError, "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x4)"),
    ("bool", lambda T: (T.ones(4, dtype=T.bool), T.ones(2, 3, dtype=T.bool),
                        T.ones(3, 4, dtype=T.bool)),
     NotImplementedError, "\"addmm_impl_cpu_\" not implemented for 'Bool'"),
]


@pytest.mark.parametrize("setup, exc, message", [r[1:] for r in ADDMM], ids=[r[0] for r in ADDMM])
def test_addmm_refuses_as_pytorch(setup, exc, message):
    refused(setup, lambda T, b, m1, m2: T.addmm(b, m1, m2), exc, message)


def test_addmm_beta_zero_ignores_input_and_integer_scalars_truncate():
    out = ember.addmm(ember.full((4,), NAN), ember.ones(2, 3), ember.ones(3, 4), beta=0)
    assert out.tolist() == [[3.0] * 4] * 2
    m1, m2 = ember.ones(2, 3, dtype=ember.int64), ember.ones(3, 4, dtype=ember.int64)
    assert ember.addmm(ember.ones(4, dtype=ember.int64), m1, m2, alpha=0.5).tolist() == [[1] * 4] * 2
    assert ember.addmm(ember.ones(4, dtype=ember.int64), m1, m2, beta=0.5).tolist() == [[3] * 4] * 2
    if HAS_TORCH:
        check(lambda T: T.addmm(T.full((4,), NAN), T.ones(2, 3), T.ones(3, 4), beta=0))
        check(lambda T: T.addmm(T.ones(4, dtype=T.int64), T.ones(2, 3, dtype=T.int64),
                                T.ones(3, 4, dtype=T.int64), alpha=0.5, beta=1.5))


# ------------------------------------------------------------------ 4. empty reductions
NEED_DIM = "{}(): Expected reduction dim to be specified for input.numel() == 0."
SPECIFY = " Specify the reduction dim with the 'dim' argument."
NON_EMPTY = "{}(): Expected reduction dim {} to have non-zero size."
EMPTY = [
    ("argmax", lambda T, x: T.argmax(x), IndexError, NEED_DIM.format("argmax")),
    ("argmin_keepdim", lambda T, x: T.argmin(x, keepdim=True), IndexError,
     NEED_DIM.format("argmin")),
    ("argmax_dim", lambda T, x: T.argmax(x, -1), IndexError, NON_EMPTY.format("argmax", 1)),
    ("max", lambda T, x: T.max(x), RuntimeError, NEED_DIM.format("max") + SPECIFY),
    ("min_dim", lambda T, x: T.min(x, 1), IndexError, NON_EMPTY.format("min", 1)),
    ("amax", lambda T, x: T.amax(x), RuntimeError, NEED_DIM.format("amax") + SPECIFY),
    ("amin_dims", lambda T, x: T.amin(x, (0, -1)), IndexError, NON_EMPTY.format("amin", -1)),
    ("amax_dims_range_first", lambda T, x: T.amax(x, (5, 1)), IndexError,
     "Dimension out of range (expected to be in range of [-2, 1], but got 5)"),
    ("amax_empty_before_duplicate", lambda T, x: T.amax(x, (1, 1)), IndexError,
     NON_EMPTY.format("amax", 1)),
]


@pytest.mark.parametrize("op, exc, message", [r[1:] for r in EMPTY], ids=[r[0] for r in EMPTY])
def test_reductions_of_empty_tensors(op, exc, message):
    refused(lambda T: (T.ones(2, 0),), op, exc, message)


def test_reductions_over_a_non_empty_dim_of_an_empty_tensor():
    x = ember.ones(2, 0)
    assert ember.argmax(x, 0).shape == (0,) and ember.amax(x, 0).shape == (0,)
    assert ember.amax(ember.tensor(3.0), (0,)).item() == 3.0      # dim 0 of a 0-d tensor
    if HAS_TORCH:
        check(lambda T: (T.argmin(T.ones(2, 0), 0), T.amin(T.ones(0, 3), 1),
                         T.amax(T.tensor(3.0), (0,)), T.amin(T.tensor(3.0), -1)))


# ------------------------------------------------------------------ 5. bitwise ops on floats
BITWISE = [
    ("and_fn", lambda T, f, i: T.bitwise_and(f, f), "bitwise_and", "Float"),
    ("or_int_float", lambda T, f, i: T.bitwise_or(i, f), "bitwise_or", "Float"),
    ("xor_double", lambda T, f, i: T.bitwise_xor(f.double(), i), "bitwise_xor", "Double"),
    ("or_op", lambda T, f, i: f | 1, "bitwise_or", "Float"),
    ("xor_op_reflected", lambda T, f, i: 1 ^ f, "bitwise_xor", "Float"),
    ("and_int_pyfloat", lambda T, f, i: i & 1.5, "bitwise_and", "Float"),
    ("iand_float", lambda T, f, i: f.clone().__iand__(f), "bitwise_and", "Float"),
    ("not_double", lambda T, f, i: T.bitwise_not(f.double()), "bitwise_not", "Double"),
]


@pytest.mark.parametrize("op, name, dtype", [r[1:] for r in BITWISE], ids=[r[0] for r in BITWISE])
def test_bitwise_on_floats_is_not_implemented(op, name, dtype):
    refused(lambda T: (T.tensor([1.0, 2.0]), T.tensor([1, 2])), op, NotImplementedError,
            f"\"{name}_cpu\" not implemented for '{dtype}'")


def test_bitwise_shapes_and_scalar_first():
    refused(lambda T: (T.tensor([1, 2]), T.tensor([1, 2, 3])), lambda T, a, b: a & b,
            RuntimeError, SIZES.format(2, 3))
    assert ember.bitwise_and(3, ember.tensor([1, 2])).tolist() == [1, 2]
    if HAS_TORCH:
        check(lambda T: (T.bitwise_or(4, T.tensor([1, 2])), T.tensor([True]) ^ True))


# ------------------------------------------------------------------ 6. gather, index_select
X23 = lambda T: (leaf(T, [[0.0, 1, 2], [3, 4, 5]]),)
GATHER = [
    ("oob", lambda T, x: T.gather(x, 1, T.tensor([[0, 3], [1, 0]])),
     RuntimeError, "index 3 is out of bounds for dimension 1 with size 3"),
    ("negative", lambda T, x: T.gather(x, 1, T.tensor([[0, -1], [1, 0]])),
     RuntimeError, "index -1 is out of bounds for dimension 1 with size 3"),
    ("first_bad_in_kernel_order", lambda T, x: T.gather(x, 0, T.tensor([[0, 0, 9], [7, 0, 1]])),
     RuntimeError, "index 9 is out of bounds for dimension 0 with size 2"),
    ("index_larger", lambda T, x: T.gather(x, 1, T.tensor([[0, 1], [1, 0], [0, 0]])),
     RuntimeError, "Size does not match at dimension 0 expected index [3, 2] to be no larger "
     "than self [2, 3] apart from dimension 1"),
    ("index_int16", lambda T, x: T.gather(x, 1, T.tensor([[0]], dtype=T.int16)),
     RuntimeError, "gather(): Expected dtype int32/int64 for index"),
    ("select_dim1", lambda T, x: T.index_select(x, 1, T.tensor([0, 5, 7])),
     RuntimeError, "INDICES element is out of DATA bounds, id=5 axis_dim=3"),
    ("select_negative", lambda T, x: T.index_select(x, -1, T.tensor([-1])),
     RuntimeError, "INDICES element is out of DATA bounds, id=-1 axis_dim=3"),
    ("select_dim0", lambda T, x: T.index_select(x, 0, T.tensor([0, 5, -1])),
     IndexError, "index out of range in self"),
    ("select_2d_index", lambda T, x: T.index_select(x, 1, T.tensor([[0]])),
     IndexError, "index_select(): Index is supposed to be a vector"),
    ("select_int16", lambda T, x: T.index_select(x, 1, T.tensor([0], dtype=T.int16)),
     RuntimeError, "index_select(): Expected dtype int32 or int64 for index"),
]


@pytest.mark.parametrize("op, exc, message", [r[1:] for r in GATHER], ids=[r[0] for r in GATHER])
def test_gather_and_index_select_refuse_as_pytorch(op, exc, message):
    refused(X23, op, exc, message)


def test_gather_zero_dim_and_larger_index_along_dim():
    x = ember.tensor(5.0, requires_grad=True)
    y = ember.gather(x, 0, ember.tensor([0, 0]))
    assert y.tolist() == [5.0, 5.0]
    y.sum().backward()
    assert x.grad.item() == 2.0
    assert ember.gather(ember.tensor([5.0, 6.0]), 0, ember.tensor(1)).item() == 6.0
    if HAS_TORCH:
        check(lambda T: T.gather(T.arange(6.0).reshape(2, 3), 1, T.tensor([[0, 1, 2, 2, 1]])))
        check(lambda T: T.gather(T.tensor(5.0), 0, T.tensor([0, 0])))


# ------------------------------------------------------------------ 7. full
NUMBER = "{}(): argument 'fill_value' (position 2) must be Number, not {}"
FULL = [
    ("str", lambda T: T.full((2,), "a"), NUMBER.format("full", "str")),
    ("none", lambda T: T.full((2,), None), NUMBER.format("full", "NoneType")),
    ("list", lambda T: T.full((2,), [1]), NUMBER.format("full", "list")),
    ("tensor_1d", lambda T: T.full((2,), T.ones(1)), NUMBER.format("full", "Tensor")),
    ("before_negative_size", lambda T: T.full((-1,), "a"), NUMBER.format("full", "str")),
    ("like", lambda T: T.full_like(T.ones(2), "a"), NUMBER.format("full_like", "str")),
]


@pytest.mark.parametrize("op, message", [r[1:] for r in FULL], ids=[r[0] for r in FULL])
def test_full_refuses_non_numbers(op, message):
    refused(lambda T: (), op, TypeError, message)


def test_full_takes_numbers_and_0d_tensors():
    assert ember.full((2,), np.bool_(True)).dtype is ember.float32      # a NumPy bool: default
    assert ember.full((2,), ember.tensor(3)).tolist() == [3, 3]
    if HAS_TORCH:
        check(lambda T: (T.full((2,), np.float64(1.5)), T.full((2,), np.int32(3)),
                         T.full((2,), np.bool_(True)), T.full((1,), T.tensor(True)),
                         T.full_like(T.ones(2), T.tensor(2.0))))


# ------------------------------------------------------------------ 8. .data
def test_data_has_its_own_version_counter():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x.sigmoid()
    d = y.data
    d.zero_()               # hidden from autograd: backward uses the zeroed output
    assert (y._version, d._version) == (0, 1)
    y.sum().backward()      # sigmoid' = y (1 - y) = 0
    assert x.grad.tolist() == [0.0, 0.0]
    assert not d.requires_grad and d.is_leaf and d.grad_fn is None
    if HAS_TORCH:
        def example(T):
            x = T.tensor([1.0, 2.0], requires_grad=True)
            y = x.sigmoid()
            y.data.zero_()
            y.sum().backward()
            return x.grad
        check(example, exact=True)


def test_data_shares_memory():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    x.data.mul_(3)
    assert x.tolist() == [3.0, 6.0] and x._version == 0
    assert x.data.data_ptr() == x.data_ptr()
    z = ember.tensor([1.0, 2.0])
    z.add_(1)
    assert z.data._version == 0 and z._version == 1 and z.detach()._version == 1
