"""Fixes found by reviews and fuzzing. Each case states the answer it expects
(so it runs without PyTorch) and, where PyTorch is installed, also runs
beside it (compare_torch.check / check_error). A refused call must leave every
tensor as it was: values, grads, flags and version counters."""
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import ember
from compare_torch import check, check_error, snapshot, _same_snapshot

HERE = os.path.dirname(__file__)
NAN, INF = float("nan"), float("inf")


try:
    import torch  # noqa: F401
    HAS_TORCH = True
except ImportError:
    HAS_TORCH = False


def refused(setup, op, exc_type, message):
    """op(ember, *setup(ember)) raises exactly `exc_type(message)` and changes
    nothing; then the same against PyTorch when it is there."""
    ts = setup(ember)
    before = snapshot(ts)
    with pytest.raises(exc_type) as info:
        op(ember, *ts)
    assert type(info.value) is exc_type
    assert str(info.value) == message
    _same_snapshot(before, snapshot(ts))
    if HAS_TORCH:
        check_error(setup, op)


def leaf(T, values, dtype=None):
    return T.tensor(values, dtype=dtype or T.float32, requires_grad=True)


def grads(T, fn, *values, dtype=None):
    """fn(T, *leaves).sum() backpropagated: the leaves' gradients as lists."""
    xs = [leaf(T, v, dtype) for v in values]
    fn(T, *xs).sum().backward()
    return [x.grad.tolist() for x in xs]


def same_grads(fn, *values, expected=None):
    e = grads(ember, fn, *values)
    if expected is not None:
        np.testing.assert_array_equal(np.array(e[0] if len(e) == 1 else e, dtype=float),
                                      np.array(expected, dtype=float))
    if HAS_TORCH:
        import torch
        np.testing.assert_array_equal(np.array(e, dtype=float),
                                      np.array(grads(torch, fn, *values), dtype=float))


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


# ------------------------------------------------------------------ 9. var, std, prod
DOF_WARNING = ("degrees of freedom is <= 0. Correction should be strictly less than the "
               "reduction factor")


@pytest.mark.parametrize("fn", ["var", "std"])
@pytest.mark.parametrize("shape, kwargs, expected", [
    ((1,), {}, NAN), ((), {}, NAN), ((0,), {}, NAN), ((2,), {"correction": 2}, INF),
    ((3,), {"correction": 4}, INF), ((2, 1), {"dim": 1}, [NAN, NAN]),
])
def test_var_std_without_degrees_of_freedom_warn_and_give_nan(fn, shape, kwargs, expected):
    x = ember.arange(float(np.prod(shape))).reshape(shape) if shape else ember.tensor(1.0)
    with pytest.warns(UserWarning, match=f"{fn}\\(\\): {DOF_WARNING}"):
        out = getattr(ember, fn)(x, **kwargs)
    np.testing.assert_array_equal(out.numpy(), np.array(expected, np.float32))
    if HAS_TORCH:
        check(lambda T: getattr(T, fn)(
            T.arange(float(np.prod(shape))).reshape(shape) if shape else T.tensor(1.0), **kwargs))


def test_var_std_refuse_integers():
    for fn in ("var", "std"):
        refused(lambda T: (T.tensor([1, 2]),), lambda T, x: getattr(T, fn)(x), RuntimeError,
                "std and var only support floating point and complex dtypes")


@pytest.mark.parametrize("kwargs", [{}, {"unbiased": False}, {"correction": 0}, {"correction": 2},
                                    {"correction": 0.5}, {"dim": 1}, {"dim": 1, "keepdim": True}])
def test_std_gradient_of_equal_values_is_zero(kwargs):
    zeros = [[0.0] * 5] * 2
    same_grads(lambda T, x: T.std(x, **kwargs), [[2.0] * 5] * 2, expected=zeros)
    # Equal values whose mean is inexact: Ember's std is still exactly 0 (so
    # is PyTorch's over a dim; over all dims its kernel leaves ~1e-9 there).
    for v in (0.1, 123.456):
        assert grads(ember, lambda T, x: T.std(x, **kwargs), [[v] * 5] * 2) == [zeros]
        if "dim" in kwargs:
            same_grads(lambda T, x: T.std(x, **kwargs), [[v] * 5] * 2)


@pytest.mark.parametrize("fn", ["var", "std"])
@pytest.mark.parametrize("vals, kwargs", [
    ([[2.0, 2.0, 2.0]], {"correction": 3}), ([[1.0, 2.0, 4.0]], {"correction": 3}),
    ([[1.0, 2.0, 4.0]], {"correction": 4, "dim": 1}), ([[1.0, 2.0, 4.0]], {"dim": ()}),
    ([[2.0]], {"dim": 1}), ([[2.0, 2.0, 2.0], [1.0, 2.0, 3.0]], {"correction": 3}),
])
def test_var_std_gradients_without_degrees_of_freedom(fn, vals, kwargs):
    # NaN or inf where the formula divides by zero (the warning is tested above).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        e = grads(ember, lambda T, x: getattr(T, fn)(x, **kwargs), vals, dtype=ember.float64)
        if HAS_TORCH:
            import torch
            t = grads(torch, lambda T, x: getattr(T, fn)(x, **kwargs), vals, dtype=torch.float64)
            np.testing.assert_allclose(np.array(e), np.array(t), rtol=1e-12, equal_nan=True)


def _double_grad(T, fn, vals):
    x = T.tensor(vals, dtype=T.float64, requires_grad=True)
    (g,) = T.autograd.grad(fn(T, x).sum(), x, create_graph=True)
    (gg,) = T.autograd.grad(g.sum(), x)
    return g.detach().tolist(), gg.tolist()


@pytest.mark.parametrize("vals, fn, expected", [
    # d/dx of sum_i prod_{j != i} x_j: for (2, 0, 3) the row sums of the Hessian.
    ([2.0, 0.0, 3.0], lambda T, x: T.prod(x), ([0.0, 6.0, 0.0], [3.0, 5.0, 2.0])),
    ([0.0, 0.0, 3.0], lambda T, x: T.prod(x), ([0.0, 0.0, 0.0], [3.0, 3.0, 0.0])),
    ([0.0, 0.0, 0.0], lambda T, x: T.prod(x), ([0.0, 0.0, 0.0], [0.0, 0.0, 0.0])),
    ([2.0, 3.0, 4.0], lambda T, x: T.prod(x, 0), ([12.0, 8.0, 6.0], [7.0, 6.0, 5.0])),
    ([[2.0, 0.0, 3.0], [0.0, 0.0, 3.0]], lambda T, x: T.prod(x, -1),
     ([[0.0, 6.0, 0.0], [0.0, 0.0, 0.0]], [[3.0, 5.0, 2.0], [3.0, 3.0, 0.0]])),
    ([[2.0, 0.0, 3.0], [0.0, 0.0, 3.0]], lambda T, x: T.prod(x, 0, keepdim=True),
     ([[0.0, 0.0, 3.0], [2.0, 0.0, 3.0]], [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]])),
])
def test_prod_second_derivative_at_zeros(vals, fn, expected):
    assert _double_grad(ember, fn, vals) == expected
    if HAS_TORCH:
        import torch
        assert _double_grad(torch, fn, vals) == expected


def test_prod_higher_derivatives_with_zeros_check():
    x = ember.tensor([[2.0, 0.0, 3.0, -1.5], [0.5, 0.0, 0.0, 4.0]], dtype=ember.float64,
                     requires_grad=True)
    assert ember.autograd.gradgradcheck(lambda t: ember.prod(t, 1), [x])
    assert ember.autograd.gradgradcheck(lambda t: ember.prod(t), [x])


def test_prod_of_one_zero_gives_a_constant_gradient():
    # PyTorch: a reduced dim of size 1 passes the gradient through, unrecorded.
    x = ember.tensor([0.0], requires_grad=True)
    (g,) = ember.autograd.grad(ember.prod(x), x, create_graph=True)
    assert g.tolist() == [1.0] and not g.requires_grad


# ------------------------------------------------------------------ 10. maximum, minimum, clamp
A = [NAN, 1.0, 2.0, NAN, 3.0, INF, -INF]
B = [1.0, NAN, 2.0, NAN, 1.0, INF, -INF]


def test_maximum_minimum_gradients_at_nan_and_ties():
    same_grads(lambda T, a, b: T.maximum(a, b), A, B,
               expected=[[1, 1, 0.5, 1, 1, 0.5, 0.5], [1, 1, 0.5, 1, 0, 0.5, 0.5]])
    same_grads(lambda T, a, b: T.minimum(a, b), A, B,
               expected=[[1, 1, 0.5, 1, 0, 0.5, 0.5], [1, 1, 0.5, 1, 1, 0.5, 0.5]])
    same_grads(lambda T, a, b: T.max(a, b), A, B)


def test_clamp_gradients_at_the_bounds():
    v = [NAN, 0.0, 1.0, 2.0, 3.0, -INF, INF]
    same_grads(lambda T, x: T.clamp(x, 1.0, 2.0), v, expected=[0, 0, 1, 1, 0, 0, 0])
    same_grads(lambda T, x: T.clamp(x, min=NAN), v, expected=[0] * 7)
    w = [NAN, 0.0, 1.0, 2.0, 3.0, 1.5, 1.5]
    lo, hi = [1.0] * 5 + [NAN, 1.0], [2.0] * 5 + [2.0, NAN]
    same_grads(lambda T, x, a, b: T.clamp(x, a, b), w, lo, hi,
               expected=[[0, 0, 1, 1, 0, 0, 0], [0, 1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 0, 0]])
    # min > max: max wins and alone gets the gradient.
    same_grads(lambda T, x, a, b: T.clamp(x, a, b), [0.0, 1.5, 3.0], [2.0] * 3, [1.0] * 3,
               expected=[[0, 0, 0], [0, 0, 0], [1, 1, 1]])
    same_grads(lambda T, x, a: T.clamp_min(x, a), [0.0, 1.0, 2.0], [1.0] * 3,
               expected=[[0, 1, 1], [1, 0, 0]])
    same_grads(lambda T, x, b: T.clamp_max(x, b), [0.0, 1.0, 2.0], [1.0] * 3,
               expected=[[1, 1, 0], [0, 0, 1]])


def test_clamp_with_tensor_bounds_records_as_pytorch():
    x, lo = ember.tensor([0.0, 2.0], requires_grad=True), ember.tensor(1.0, requires_grad=True)
    assert ember.clamp(x, lo).grad_fn.name() == "ClampBackward0"
    assert ember.clamp_min(x, lo).grad_fn.name() == "ClampMinBackward1"
    assert ember.clamp_max(x, lo).grad_fn.name() == "ClampMaxBackward1"
    if HAS_TORCH:
        check(lambda T: T.clamp(leaf(T, [0.0, 1.5, 3.0, 2.0]), T.tensor(1.0),
                                T.tensor([2.0], dtype=T.float64)))
        check(lambda T: T.clamp(T.tensor([0, 2, 3]), T.tensor(1.5)))


# ------------------------------------------------------------------ 11. multinomial
SUM0 = "invalid multinomial distribution (sum of probabilities <= 0)"
BAD = "probability tensor contains either `inf`, `nan` or element < 0"
ENTRY = "invalid multinomial distribution (encountering probability entry {})"
MULTINOMIAL = [
    ("zeros", lambda T: T.zeros(3), 1, False, SUM0),
    ("zero_row", lambda T: T.tensor([[1.0, 1.0], [0.0, 0.0]]), 1, False, SUM0),
    ("negative", lambda T: T.tensor([1.0, -1.0, 2.0]), 1, True, BAD),
    ("inf", lambda T: T.tensor([1.0, INF]), 1, False, BAD),
    ("nan", lambda T: T.tensor([1.0, NAN]), 1, False, BAD),
    ("too_many", lambda T: T.tensor([1.0, 1.0, 2.0]), 4, False,
     "cannot sample n_sample > prob_dist.size(-1) samples without replacement"),
    ("zero_samples", lambda T: T.ones(3), 0, False, "cannot sample n_sample <= 0 samples"),
    ("3d", lambda T: T.ones(2, 2, 2), 1, False, "prob_dist must be 1 or 2 dim"),
    ("int", lambda T: T.tensor([1, 2]), 1, False,
     "multinomial only supports floating-point dtypes for input, got: Long"),
    ("repl_zeros", lambda T: T.zeros(3), 2, True, SUM0),
    ("repl_negative", lambda T: T.tensor([1.0, -1.0]), 2, True, ENTRY.format("< 0")),
    ("repl_nan", lambda T: T.tensor([1.0, NAN]), 2, True, ENTRY.format("< 0")),
    ("repl_inf", lambda T: T.tensor([INF, -1.0]), 2, True, ENTRY.format("= infinity or NaN")),
]


@pytest.mark.parametrize("setup, n, replacement, message", [r[1:] for r in MULTINOMIAL],
                         ids=[r[0] for r in MULTINOMIAL])
def test_multinomial_refuses_bad_distributions(setup, n, replacement, message):
    refused(lambda T: (setup(T),), lambda T, p: T.multinomial(p, n, replacement), RuntimeError,
            message)


def test_multinomial_argument_type_and_distinct_draws():
    refused(lambda T: (T.ones(2),), lambda T, p: T.multinomial(p, 1.0), TypeError,
            "multinomial(): argument 'num_samples' (position 2) must be int, not float")
    ember.manual_seed(0)
    for _ in range(5):      # fewer non-zero categories than draws: still all distinct
        draws = ember.multinomial(ember.tensor([[1.0, 0, 0, 0], [0, 0, 1.0, 0]]), 4)
        assert [sorted(r) for r in draws.tolist()] == [[0, 1, 2, 3]] * 2
        assert draws[:, 0].tolist() == [0, 2]
    assert ember.multinomial(ember.ones(0, 3), 2, True).shape == (0, 2)


# ------------------------------------------------------------------ 12. test_ops seeds
def test_op_samples_do_not_depend_on_the_hash_seed():
    code = ("import test_ops, zlib; print(zlib.crc32(b''.join(a.tobytes() for row in "
            "test_ops.OPS for a in test_ops.inputs_for(row))))")
    outs = {subprocess.run([sys.executable, "-c", code], cwd=HERE, capture_output=True,
                           text=True, env={**os.environ, "PYTHONHASHSEED": seed},
                           check=True).stdout for seed in ("1", "2")}
    assert len(outs) == 1


def test_nonzero_of_a_0d_tensor():
    for value, k in ((3, 1), (0, 0)):
        t = ember.tensor(value)
        assert ember.nonzero(t).shape == (k, 0)
        (idx,) = ember.nonzero(t, as_tuple=True)
        assert idx.tolist() == [0] * k and idx.dtype == ember.int64


def test_where_method_needs_other():
    with pytest.raises(TypeError, match=r"where\(\) received an invalid combination of "
                                        r"arguments - got \(Tensor\), but expected one of"):
        ember.ones(2).where(ember.ones(2) > 0)
