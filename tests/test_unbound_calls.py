"""Calls Python binds but none of PyTorch's signatures takes, refused with the
parser's words for the form called (Ember answered them silently): max/min
with keepdim but no dim, or dim=None; var/std given both unbiased and
correction. And dtype= as the parser reads it: Python's float, int, bool and
complex stand for dtypes, anything else is refused naming the op."""
import pytest

import ember

try:
    import torch
except ImportError:     # (the oracle is optional: the literal facts still run)
    torch = None


def _outcome(fn, lib):
    try:
        result = fn(lib)
    except Exception as e:      # (what is compared: the type and the words)
        return type(e).__name__, str(e).replace("torch.", "ember.")
    return "value", repr(result).replace("torch.", "ember.")


MAX_METHOD = ("max() received an invalid combination of arguments - got (keepdim=bool, ), but "
              "expected one of:\n * ()\n      didn't match because some of the keywords were "
              "incorrect: keepdim\n * (Tensor other)\n      didn't match because some of the "
              "keywords were incorrect: keepdim\n * (int dim, bool keepdim = False)\n")
MIN_FUNCTION = ("min() received an invalid combination of arguments - got (Tensor, keepdim=bool)"
                ", but expected one of:\n * (Tensor input, *, Tensor out = None)\n * (Tensor "
                "input, Tensor other, *, Tensor out = None)\n * (Tensor input, int dim, bool "
                "keepdim = False, *, tuple of Tensors out = None)\n")
VAR_METHOD = ("var() received an invalid combination of arguments - got (int, bool, "
              "correction=int), but expected one of:\n * (tuple of ints dim, bool unbiased = "
              "True, bool keepdim = False)\n      didn't match because some of the keywords were "
              "incorrect: correction\n * (tuple of ints dim = None, *, Number correction = None, "
              "bool keepdim = False)\n * (bool unbiased = True)\n")


@pytest.mark.parametrize("fn, expected", [
    (lambda t: t.arange(6.).reshape(2, 3).max(keepdim=True), ("TypeError", MAX_METHOD)),
    (lambda t: t.min(t.arange(6.).reshape(2, 3), keepdim=True), ("TypeError", MIN_FUNCTION)),
    (lambda t: t.arange(6.).reshape(2, 3).var(0, True, correction=1), ("TypeError", VAR_METHOD)),
])
def test_refused_in_pytorchs_words(fn, expected):
    assert _outcome(fn, ember) == expected
    if torch is not None:
        assert _outcome(fn, torch) == expected


CASES = [
    lambda t: t.arange(6.).reshape(2, 3).max(None),
    lambda t: t.arange(6.).reshape(2, 3).max(dim=None),
    lambda t: t.max(t.arange(6.).reshape(2, 3), None),
    lambda t: t.arange(6.).reshape(2, 3).max(keepdim=False),
    lambda t: t.arange(6.).reshape(2, 3).min(dim=None, keepdim=True),
    lambda t: t.arange(6.).reshape(2, 3).max(other=t.ones(3), keepdim=True),
    lambda t: t.arange(6.).reshape(2, 3).std(unbiased=True, correction=0),
    lambda t: t.var(t.arange(6.).reshape(2, 3), 0, True, correction=1),
    lambda t: t.arange(6.).reshape(2, 3).var(True, correction=1),
    lambda t: t.std(t.arange(6.), unbiased=False, correction=1),
    lambda t: t.var_mean(t.arange(6.), 0, True, correction=1),
    lambda t: t.std_mean(t.arange(6.), unbiased=True, correction=0),
    lambda t: t.arange(6.).sum(dtype="float32"),
    lambda t: t.sum(t.arange(6.), dtype="float32"),
    lambda t: t.arange(6.).prod(dtype="x"),
    lambda t: t.arange(6.).cumsum(0, dtype="float64"),
    lambda t: t.arange(6.).softmax(0, dtype="float32"),
    lambda t: t.ones(2, dtype="float32"),
]


@pytest.mark.skipif(torch is None, reason="compares with PyTorch")
@pytest.mark.parametrize("i", range(len(CASES)))
def test_same_outcome_as_pytorch(i):
    ours, theirs = _outcome(CASES[i], ember), _outcome(CASES[i], torch)
    assert ours[0] == theirs[0] == "TypeError"
    assert ours == theirs


@pytest.mark.parametrize("fn, dtype, value", [
    (lambda x: x.sum(dtype=float), ember.float64, 15.),
    (lambda x: ember.sum(x, dtype=float), ember.float64, 15.),
    (lambda x: x.prod(dtype=int), ember.int64, 0),
    (lambda x: x.mean(dtype=float), ember.float64, 2.5),
    (lambda x: x.cumsum(0, dtype=float)[-1], ember.float64, 15.),
    (lambda x: x.softmax(0, dtype=float).sum(), ember.float64, 1.),
])
def test_python_types_stand_for_dtypes(fn, dtype, value):
    result = fn(ember.arange(6.))
    assert result.dtype is dtype
    assert result.item() == pytest.approx(value, rel=1e-12)


def test_max_and_var_still_answer_their_signatures():
    x = ember.tensor([[1., 5., 2.], [7., 0., 3.]])
    assert x.max().item() == 7. and x.max(1).values.tolist() == [5., 7.]
    assert x.max(1, True).indices.tolist() == [[1], [0]]
    assert ember.max(x, dim=0, keepdim=True).values.tolist() == [[7., 5., 3.]]
    assert ember.min(x, x.flip(0)).tolist() == [[1., 0., 2.], [1., 0., 2.]]
    assert x.var(0, unbiased=False).tolist() == [9., 6.25, 0.25]
    assert x.var(False).item() == pytest.approx(34 / 6, rel=1e-6)
    assert x.std(correction=0).item() == pytest.approx((34 / 6) ** 0.5, rel=1e-6)
    var, mean = ember.var_mean(x, [1], unbiased=True)
    assert var.tolist() == pytest.approx([13 / 3, 37 / 3], rel=1e-6)
    assert mean.tolist() == pytest.approx([8 / 3, 10 / 3], rel=1e-6)


X = [[0., 1., 2.], [3., 4., 5.]]

# Flags (keepdim, unbiased, descending, stable) that are no bool, given in
# place or by name, to the method and to the function: the parser's words
# (the argument's position as that form counts, or the signatures listed).
FLAG_CALLS = [
    "x.sum(0, keepdim=np.bool_(True))", "x.median(0, 1)", "t.median(x, 0, 1)",
    "x.sort(0, 1)", "t.sort(x, 0, 1)", "t.sort(x, descending=1)", "x.all(0, 1)",
    "t.any(x, 0, 1)", "x.var(0, 1)", "t.std(x, 0, True, 1)", "x.kthvalue(1, 0, 1)",
    "x.mode(0, 1)", "x.nansum(0, 1)", "x.amax(0, 1)", "x.argmax(0, 1)", "t.argmax(x, 0, 1)",
    "x.mean(0, 1)", "t.mean(x, 0, 1)", "x.prod(0, 1)", "t.prod(x, 0, 1)", "x.logsumexp(0, 1)",
    "x.max(0, 1)", "t.max(x, 0, 1)", "x.nanmean(0, 1)", "x.nanmedian(0, 1)",
    "x.argsort(0, 1)", "t.argsort(x, 0, 1)", "x.sort(stable=1)", "x.max(0, keepdim=1)",
    "x.sum(0, keepdim=1)", "x.mean(0, keepdim=None)", "x.std(0, keepdim=1)",
    "x.var(0, unbiased=1)", "x.argsort(descending=1)", "x.all(0, keepdim=1)",
    "t.amin(x, 0, 1)", "t.logsumexp(x, 0, 1)", "t.kthvalue(x, 1, 0, 1)", "t.nansum(x, 0, 1)",
    "t.var_mean(x, 0, keepdim=1)", "t.min(x, 0, keepdim=1)", "x.logsumexp(1.5)",
    "t.logsumexp(x, 1.5)", "t.sum(x, 0, 1)",
    "t.unique(x, sorted=1)", "t.unique(x, return_inverse=1)", "t.unique(x, return_counts=None)",
    "t.unique(x, dim=0, sorted=1)", "t.unique(x, dim=0.5)", "x.unique(sorted=0)",
    "t.unique(x, True, 1)", "t.unique_consecutive(x, return_inverse=1)",
    "t.unique_consecutive(x, dim=0.5)", "x.norm(dim=0, keepdim=1)", "x.norm(keepdim=1)",
    "x.norm(2, 0, 1)", "t.norm(x, 'fro', 0, 1)", "t.linalg.vector_norm(x, 2, 0, 1)",
    "t.linalg.vector_norm(x, keepdim=1)", "x.norm(p=1, dim=1, keepdim=None)",
]


def _flag_call(code, lib):
    import numpy as np
    return eval(code, {"t": lib, "x": lib.tensor(X), "np": np})


@pytest.mark.skipif(torch is None, reason="compares with PyTorch")
@pytest.mark.parametrize("code", FLAG_CALLS)
def test_flag_of_another_type_refused_as_pytorch(code):
    ours = _outcome(lambda lib: _flag_call(code, lib), ember)
    assert ours[0] == "TypeError"
    assert ours == _outcome(lambda lib: _flag_call(code, torch), torch)


@pytest.mark.parametrize("code, message", [
    ("x.median(0, 1)", "median(): argument 'keepdim' (position 2) must be bool, not int"),
    ("t.median(x, 0, 1)", "median(): argument 'keepdim' (position 3) must be bool, not int"),
    ("x.max(0, keepdim=1)", "max(): argument 'keepdim' must be bool, not int"),
    ("t.logsumexp(x, 1.5)", "logsumexp(): argument 'dim' (position 2) must be tuple of ints, "
                            "not float"),
])
def test_flag_refusal_words(code, message):
    assert _outcome(lambda lib: _flag_call(code, lib), ember) == ("TypeError", message)


def test_bool_flags_still_answer():
    x = ember.tensor(X)
    assert x.sum(0, True).tolist() == [[3., 5., 7.]]
    assert x.sort(0, True).values.tolist() == [[3., 4., 5.], [0., 1., 2.]]
    assert ember.sort(x, stable=None).values.tolist() == X
    assert x.median(1, keepdim=True).values.tolist() == [[1.], [4.]]
    assert ember.all(x, 1, False).tolist() == [False, True]
