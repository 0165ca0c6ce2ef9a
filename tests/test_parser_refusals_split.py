"""squeeze's dim and the split functions' arguments as PyTorch 2.13's
argument parser takes them: squeeze takes no None for dim (its signatures
are (), (int dim), (tuple of ints dim)); tensor_split, hsplit, vsplit and
dsplit take their tensor as `input=` and the split as `sections=`,
`indices=` or `tensor_indices_or_sections=` (no `indices_or_sections=`),
and a call none of their signatures binds lists them. Each case states what
it expects (so it runs without PyTorch) and runs beside PyTorch where it is
installed."""
import pytest

import ember
from compare_torch import check
from review_checks import HAS_TORCH

SQUEEZE_FUNCTION = (" * (Tensor input)\n"
                    " * (Tensor input, int dim)\n"
                    "      didn't match because some of the arguments have invalid types: "
                    "(Tensor, !NoneType!)\n"
                    " * (Tensor input, tuple of ints dim)\n"
                    "      didn't match because some of the arguments have invalid types: "
                    "(Tensor, !NoneType!)\n")
TENSOR_SPLIT = (" * (Tensor input, tuple of ints indices, int dim = 0)\n"
                " * (Tensor input, Tensor tensor_indices_or_sections, int dim = 0)\n"
                " * (Tensor input, int sections, int dim = 0)\n")


def _error(fn):
    with pytest.raises(TypeError) as info:
        fn(ember)
    if HAS_TORCH:
        check(fn)
    return str(info.value)


def test_squeeze_refuses_none_dim():
    text = _error(lambda T: T.squeeze(T.zeros(2, 1, 3), None))
    assert text == ("squeeze() received an invalid combination of arguments - got "
                    "(Tensor, NoneType), but expected one of:\n" + SQUEEZE_FUNCTION)


@pytest.mark.parametrize("call", [
    lambda T, x: x.squeeze(None),
    lambda T, x: x.squeeze(dim=None),
    lambda T, x: x.squeeze_(None),
    lambda T, x: x.squeeze_(dim=None),
    lambda T, x: T.squeeze(x, dim=None),
    lambda T, x: T.squeeze(input=x, dim=None),
    lambda T, x: T.squeeze(x, (None,)),
    lambda T, x: x.squeeze((None,)),
    lambda T, x: T.squeeze(x, [0, None]),
    lambda T, x: x.squeeze_([0, "a"]),
    lambda T, x: T.squeeze(x, "a"),
    lambda T, x: x.squeeze(dim="a"),
])
def test_squeeze_dim_refusals_are_the_parsers(call):
    x = ember.zeros(2, 1, 3)
    text = _error(lambda T: call(T, T.zeros(2, 1, 3)))
    assert text.startswith("squeeze")
    assert "invalid combination" in text or "failed to unpack" in text
    assert x.shape == (2, 1, 3)


def test_squeeze_left_out_dim_squeezes_all():
    x = ember.zeros(2, 1, 3, 1)
    assert x.squeeze().shape == (2, 3)
    assert ember.squeeze(x).shape == (2, 3)
    assert x.squeeze_().shape == (2, 3) and x.shape == (2, 3)
    if HAS_TORCH:
        check(lambda T: T.zeros(2, 1, 3, 1).squeeze())
        check(lambda T: T.zeros(2, 1, 3, 1).squeeze_())


def test_squeeze_dim_names_the_unpack_failure():
    text = _error(lambda T: T.squeeze(T.zeros(2, 1, 3), [0, None]))
    assert text == ("squeeze(): argument 'dim' failed to unpack the object at pos 2 with "
                    "error \"type must be tuple of ints,but got NoneType\"")


@pytest.mark.parametrize("call, shapes", [
    (lambda T, x: T.tensor_split(input=x, sections=2), [(2, 2, 2), (2, 2, 2)]),
    (lambda T, x: T.tensor_split(input=x, indices=[1]), [(1, 2, 2), (3, 2, 2)]),
    (lambda T, x: T.tensor_split(x=x, sections=2), [(2, 2, 2), (2, 2, 2)]),
    (lambda T, x: T.tensor_split(input=x, tensor_indices_or_sections=T.tensor(2)),
     [(2, 2, 2), (2, 2, 2)]),
    (lambda T, x: T.tensor_split(x, 2, 1), [(4, 1, 2), (4, 1, 2)]),
    (lambda T, x: T.tensor_split(x, 2, axis=1), [(4, 1, 2), (4, 1, 2)]),
    (lambda T, x: T.tensor_split(x, sections=T.tensor(2)), [(2, 2, 2), (2, 2, 2)]),
    (lambda T, x: x.tensor_split(dim=1, sections=2), [(4, 1, 2), (4, 1, 2)]),
    (lambda T, x: T.hsplit(input=x, sections=2), [(4, 1, 2), (4, 1, 2)]),
    (lambda T, x: T.hsplit(x, T.tensor(2)), [(4, 1, 2), (4, 1, 2)]),
    (lambda T, x: T.vsplit(x, indices=[1]), [(1, 2, 2), (3, 2, 2)]),
])
def test_split_keywords_taken(call, shapes):
    pieces = call(ember, ember.zeros(4, 2, 2))
    assert [tuple(p.shape) for p in pieces] == shapes
    if HAS_TORCH:
        check(lambda T: call(T, T.zeros(4, 2, 2)))


@pytest.mark.parametrize("call, got", [
    (lambda T, x: T.tensor_split(input=x, indices_or_sections=2),
     "indices_or_sections=int, input=Tensor, "),
    (lambda T, x: T.tensor_split(x, indices_or_sections=2), "Tensor, indices_or_sections=int"),
    (lambda T, x: T.tensor_split(self=x, sections=2), "sections=int, self=Tensor, "),
    (lambda T, x: T.tensor_split(x, 2, 0, sections=2), "Tensor, int, int, sections=int"),
    (lambda T, x: T.tensor_split(x), "Tensor"),
    (lambda T, x: T.tensor_split(input=x, dim=1), "dim=int, input=Tensor, "),
    (lambda T, x: T.tensor_split(x, (1, 2), 2, dim=1), "Tensor, tuple, int, dim=int"),
    (lambda T, x: T.tensor_split(x, 2, 1, axis=1), "Tensor, int, int, axis=int"),
    (lambda T, x: T.tensor_split(x, indices=2), "Tensor, indices=int"),
    (lambda T, x: T.tensor_split(x, [True]), "Tensor, list"),
])
def test_tensor_split_refusals_list_its_signatures(call, got):
    text = _error(lambda T: call(T, T.zeros(4, 2, 2)))
    assert text == (f"tensor_split() received an invalid combination of arguments - got ({got}), "
                    "but expected one of:\n" + TENSOR_SPLIT)


@pytest.mark.parametrize("call", [
    lambda T, x: T.tensor_split(input=x, sections=2, foo=1),
    lambda T, x: x.tensor_split(input=x, sections=2),
    lambda T, x: x.tensor_split(indices_or_sections=2),
    lambda T, x: x.tensor_split(2, 0, 1),
    lambda T, x: x.tensor_split(),
    lambda T, x: T.hsplit(x, indices_or_sections=2),
    lambda T, x: x.hsplit(indices_or_sections=2),
    lambda T, x: T.hsplit(x),
    lambda T, x: T.hsplit(x, 2, 3),
    lambda T, x: T.dsplit(self=x, sections=1),
])
def test_split_calls_no_signature_binds(call):
    text = _error(lambda T: call(T, T.zeros(4, 2, 2)))
    assert "split() received an invalid combination of arguments - got (" in text


def test_split_indices_item_fails_to_unpack():
    text = _error(lambda T: T.tensor_split(T.zeros(4, 2), (1, "a")))
    assert text == ("tensor_split(): argument 'indices' failed to unpack the object at pos 2 "
                    "with error \"type must be tuple of ints,but got str\"")
    text = _error(lambda T: T.hsplit(T.zeros(4, 2), [1, "a"]))
    assert text.startswith("hsplit(): argument 'indices' failed to unpack")
