"""Fixes found by reviews and fuzzing: var, std, prod, maximum, clamp,
multinomial (the rest: test_review_fixes.py). Each case states the answer
it expects (so it runs without PyTorch) and, where PyTorch is installed, also runs
beside it (compare_torch.check / check_error). A refused call must leave every
tensor as it was: values, grads, flags and version counters."""
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import ember
from compare_torch import check
from review_checks import HAS_TORCH, HERE, INF, NAN, grads, leaf, refused, same_grads


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


_NAN_ROWS = [[1.0, NAN, 3.0], [4.0, 5.0, 5.0]]


@pytest.mark.parametrize("reduce", [
    lambda T, x: x.max(), lambda T, x: x.min(), lambda T, x: T.amax(x, 1),
    lambda T, x: T.amin(x, 0), lambda T, x: T.aminmax(x, dim=1)[0], lambda T, x: x.max(1)[0],
    lambda T, x: x.amax((0, 1)), lambda T, x: T.amax(T.tensor(_NAN_ROWS), 1) * x.sum()])
@pytest.mark.parametrize("create_graph", [False, True])
def test_max_min_gradients_with_nan(reduce, create_graph):
    # max(): the NaNs share the gradient; amax/amin: a row whose max is NaN
    # matches nothing and its gradient is 0 * (g / 0), all NaN (PyTorch's CPU kernels)
    def run(T):
        x = T.tensor(_NAN_ROWS, dtype=T.float64, requires_grad=True)
        y = reduce(T, x)
        return T.autograd.grad(y, x, T.ones_like(y), create_graph=create_graph)[0]
    check(run, exact=True)


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


@pytest.mark.parametrize("reduce", [lambda T, x: T.amax(x, np.int64(1)),
                                    lambda T, x: x.amin(dim=np.int32(0)),
                                    lambda T, x: T.amax(x, ()), lambda T, x: T.amin(x, [])])
def test_amax_amin_dims_as_numpy_integers_and_empty(reduce):
    check(lambda T: reduce(T, T.arange(6.0).reshape(2, 3)), exact=True)
