"""Integer arguments refused as PyTorch's argument parser refuses them: a
float (or bool, or float tensor) where an int or a tuple of ints belongs is
a TypeError in PyTorch's words, never quietly taken for the int."""
import numpy as np
import pytest

import ember
from compare_torch import check, msg

torch = pytest.importorskip("torch")

CALLS = {
    "roll": lambda T, x: x.roll(1.0),
    "torch.roll": lambda T, x: T.roll(x, 1.0),
    "roll_keyword": lambda T, x: x.roll(shifts=1.0),
    "roll_dims": lambda T, x: x.roll(1, 1.0),
    "roll_tuple": lambda T, x: x.roll((1.0,), (0,)),
    "roll_bool": lambda T, x: x.roll((True,), (0,)),
    "one_hot": lambda T, x: T.nn.functional.one_hot(T.tensor([1]), 3.0),
    "one_hot_keyword": lambda T, x: T.nn.functional.one_hot(T.tensor([1]), num_classes=3.0),
    "tile": lambda T, x: x.tile((2.0,)),
    "torch.tile": lambda T, x: T.tile(x, (2.0, 1)),
    "tril": lambda T, x: x.tril(1.0),
    "torch.tril": lambda T, x: T.tril(x, 1.0),
    "triu_keyword": lambda T, x: x.triu(diagonal=1.0),
    "tril_bool": lambda T, x: x.tril(True),
    "tril_float_tensor": lambda T, x: x.tril(T.tensor(1.0)),
    "tril_numpy_float": lambda T, x: x.tril(np.float64(1.0)),
    "rot90": lambda T, x: x.rot90(1.0),
    "rot90_dims": lambda T, x: x.rot90(1, (0.0, 1)),
    "unflatten": lambda T, x: x.unflatten(1, (2.0, 2)),
    "unflatten_dim": lambda T, x: x.unflatten(1.0, (2, 2)),
    "flatten": lambda T, x: x.flatten(0.0),
    "nn.Flatten": lambda T, x: T.nn.Flatten(1.0)(x),
    "nn.Flatten_end": lambda T, x: T.nn.Flatten(1, -1.0)(x),
    "chunk": lambda T, x: x.chunk(2.0),
    "topk": lambda T, x: x.topk(2.0),
    "argmax": lambda T, x: x.argmax(0.0),
    "sum": lambda T, x: x.sum(0.0),
    "sum_tuple": lambda T, x: x.sum((0.0,)),
    "mean": lambda T, x: x.mean(0.0),
    "amax": lambda T, x: x.amax(dim=0.0),
    "randint_high": lambda T, x: T.randint(0, 10.5, (2,)),
    "randint_low_dtype": lambda T, x: T.randint(0.0, 10, (2,), dtype=T.long),
    "randint_one": lambda T, x: T.randint(10.5, (2,)),
    "repeat_interleave": lambda T, x: x.repeat_interleave(2.0),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_refused_in_pytorchs_words(name):
    messages = []
    for T in (torch, ember):
        x = T.arange(12.0).view(3, 4)
        with pytest.raises(TypeError) as info:
            CALLS[name](T, x)
        messages.append(msg(info.value))    # (a listing's types in Ember's name: ember.dtype)
    assert messages[1] == messages[0]


@pytest.mark.parametrize("value", [np.int64(1), 1, -1])
def test_ints_of_other_kinds_are_taken(value):
    for T in (torch, ember):
        x = T.arange(12.0).view(3, 4)
        assert x.tril(value).tolist() == torch.arange(12.0).view(3, 4).tril(int(value)).tolist()
        assert x.roll((value,), (0,)).tolist() == torch.arange(12.0).view(3, 4).roll(
            int(value), 0).tolist()
    assert ember.ones(3, 3).tril(ember.tensor(1)).tolist() == torch.ones(3, 3).tril(1).tolist()


# randint's parser: a size given as an int (a usual slip) and the like, in
# PyTorch's words (one overload's complaint or the list of all four)
RANDINT_ARGS = [
    ("int_size", lambda T: T.randint(0, 10, 5)), ("high_int_size", lambda T: T.randint(10, 5)),
    ("list_float", lambda T: T.randint(0, 3, [4.0])), ("size_then_int", lambda T: T.randint(5, (2,), 3)),
    ("size_kw_int", lambda T: T.randint(0, 3, size=4)), ("kw_only", lambda T: T.randint(high=3, size=4)),
    ("all_kw", lambda T: T.randint(low=0, high=3, size=4)), ("nothing", lambda T: T.randint()),
    ("no_size", lambda T: T.randint(5, dtype=T.int32)), ("high_kw_float", lambda T: T.randint(high=3.0, size=(4,))),
    ("unknown_kw", lambda T: T.randint(0, 3, (2,), foo=1)), ("second_elem", lambda T: T.randint(3, [2, 2.0])),
    ("some_kw", lambda T: T.randint(0, high=3, size=4)), ("randperm_float", lambda T: T.randperm(4.0)),
    ("randperm_tuple", lambda T: T.randperm((3,))),
]


@pytest.mark.parametrize("fn", [c[1] for c in RANDINT_ARGS], ids=[c[0] for c in RANDINT_ARGS])
def test_randint_argument_refusals(fn):
    check(fn)


@pytest.mark.parametrize("call", [
    lambda T, x: T.polygamma(T.tensor(1), x), lambda T, x: x.polygamma(T.tensor(2)),
    lambda T, x: T.special.polygamma(T.tensor(1, dtype=T.int32), x),
    lambda T, x: T.mvlgamma(x + 3, T.tensor(2)),
    lambda T, x: T.special.multigammaln(x + 3, T.tensor(2)),
    lambda T, x: T.polygamma(T.tensor(1.0), x), lambda T, x: T.polygamma(T.tensor(True), x),
    lambda T, x: T.polygamma(T.tensor([1]), x),
], ids=["polygamma", "method", "special", "mvlgamma", "multigammaln", "float_tensor",
        "bool_tensor", "1d_tensor"])
def test_a_0d_integer_tensor_is_an_int(call):
    """(PyTorch's parser takes one where an int goes; Ember refused it.)"""
    check(lambda T: call(T, T.tensor([0.3, 1.7])))
