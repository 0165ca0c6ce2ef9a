"""A dim, an index or a count given a bool, a float or a float tensor gets
the TypeError PyTorch's argument parser gives (`unsqueeze(): argument 'dim'
(position 1) must be int, not bool`), where Ember used to take True for 1;
the op and the parameter are named and the position counted as the call gave
it (after self for a method), or the signatures listed for an op of several. NumPy integers, 0-d integer arrays and integer
tensors of one element are still taken. Compared with PyTorch itself."""
import numpy as np
import pytest

from compare_torch import check, check_error, torch_raises

BAD = {"bool": "True", "numpy_bool": "np.bool_(0)", "float": "1.0",
       "float_tensor": "T.tensor(0.)"}

# (the function forms of unsqueeze, transpose, select, narrow: one Python
# function with their methods, worded apart by the function form's wrapper)
CALLS = ["t.unsqueeze({v})", "t.transpose({v}, 1)", "t.transpose(0, {v})",
         "T.unsqueeze(t, {v})", "T.transpose(t, 0, {v})", "T.select(t, 0, {v})",
         "T.squeeze(t, {v})", "T.cumsum(t, {v})", "T.sum(t, {v})", "T.cumprod(t, {v})",
         "t.cumsum({v})", "T.cumsum(t, dim={v})", "T.cat([t, t], {v})", "T.stack([t, t], {v})",
         "t.softmax({v})", "T.log_softmax(t, {v})", "t.unbind({v})", "t.select(0, {v})",
         "t.select({v}, 0)", "t.kthvalue({v})", "t.topk({v})", "T.topk(t, {v})", "t.argmax({v})",
         "t.size({v})", "t.movedim({v}, 1)", "t.narrow({v}, 0, 1)", "T.argsort(t, {v})",
         "t.narrow(0, {v}, 1)", "t.narrow(0, 0, {v})", "T.narrow(t, 1, {v}, 1)",
         "T.narrow(t, 1, 0, {v})", "t.diagonal({v})", "T.diagonal(t, {v})",
         "T.linalg.diagonal(t, offset={v})", "t.split({v})", "T.split(t, {v})",
         # (the copies of views word the refusal as themselves, not as the view)
         "T.select_copy(t, 0, {v})", "T.select_copy(t, {v}, 0)", "t.narrow_copy(0, {v}, 1)",
         "T.narrow_copy(t, 0, {v}, 1)", "t.narrow_copy({v}, 0, 1)", "T.diagonal_copy(t, {v})",
         "T.unsqueeze_copy(t, {v})", "T.transpose_copy(t, 0, {v})", "T.unbind_copy(t, {v})",
         "T.split_copy(t, {v})",
         # (aliases and in-place forms name themselves and their own parameters)
         "T.swapaxes(t, {v}, 0)", "t.swapaxes({v}, 0)", "T.swapdims(t, 0, {v})",
         "t.clone().swapaxes_({v}, 0)", "t.clone().swapdims_(0, {v})",
         "t.clone().transpose_(0, {v})", "T.concatenate([t, t], axis={v})",
         "T.concat([t, t], {v})"]

TAKEN = ["np.int64(1)", "np.uint8(1)", "T.tensor(1)"]


def _setup(T):
    return (T.arange(6.0).reshape(2, 3),)


@pytest.mark.parametrize("kind", list(BAD))
@pytest.mark.parametrize("call", CALLS)
def test_refused_int_arguments_get_the_parsers_words(call, kind):
    # (NumPy 1's bool takes __index__, with a warning: PyTorch's index
    # parameters take it there, and Ember does not)
    v = BAD[kind]
    if not torch_raises(lambda T: eval(call.format(v=v), {"T": T, "t": _setup(T)[0], "np": np})):
        pytest.skip("PyTorch takes this call or refuses it otherwise")
    check_error(_setup, lambda T, t: eval(call.format(v=v), {"T": T, "t": t, "np": np}))


@pytest.mark.parametrize("v", TAKEN)
@pytest.mark.parametrize("call", ["t.unsqueeze({v})", "t.cumsum({v})", "T.cat([t, t], {v})",
                                  "t.select(1, {v})", "t.topk({v})[0]", "t.softmax({v})",
                                  "t.sum({v})", "t.flip({v})", "t.narrow(1, {v}, 1)",
                                  "T.narrow(t, 1, 1, {v})", "t.diagonal({v})"])
def test_integers_of_numpy_and_one_element_tensors_are_taken(call, v):
    check(lambda T: eval(call.format(v=v), {"T": T, "t": _setup(T)[0], "np": np}))


@pytest.mark.parametrize("call", [
    "t.flip(0, True)", "t.permute(2, 0, True)", "T.movedim(t, (0, True), (1, 0))", "t.squeeze((0, True))",
    "t.amax((0, True))", "t.roll((1, 1), (0, True))", "T.tensordot(t, t, ([0, True], [0, True]))",
    "t.sum((0, True))", "t.mean([0, True])", "t.logsumexp((0, True))", "t.std((0, True))",
    "t.count_nonzero((0, True))"])
def test_an_int_lists_later_elements_take_a_bool(call):
    # (the parser reads them with __index__; a bool first is refused, and
    # then a method's ints are not taken unpacked)
    check(lambda T: eval(call, {"T": T, "t": T.arange(24.0).reshape(2, 3, 4)}))


@pytest.mark.parametrize("call", ["t.flip(True, 0)", "t.sum((True, 0))", "t.aminmax(dim=True)",
                                  "t.squeeze(True, 0)", "t.count_nonzero(True, 0)",
                                  "t.broadcast_to(True, 3)", "t.squeeze(0.5, 1)", "t.hsplit(True, 0)"])
def test_an_int_lists_first_element_and_an_int_refuse_a_bool(call):
    check_error(lambda T: (T.arange(24.0).reshape(2, 3, 4),),
                lambda T, t: eval(call, {"T": T, "t": t}))


@pytest.mark.parametrize("call", [
    "t.split(T.tensor(1))", "t.split(T.tensor([1, 1]))", "t.split(np.int64(1))", "t.split(1.5)",
    "t.split([True, 1])", "t.split([1, True])", "t.split((1.0, 1))", "t.split([1, 1.0])",
    "t.split([T.tensor(1), 1])", "T.split(t, 2.0)", "t.split(True, dim=True)",
    "t.split([1, 1], True)", "t.split(1, 1.0)", "t.split([1, 2], 1.0)", "t.split(1, T.tensor(1))",
    "t.split(1, T.tensor(1.0))", "t.split(True, 1)", "t.narrow(1, T.tensor(1), 2)", "t.narrow(1, T.tensor(1.0), 2)",
    "t.narrow(1, T.tensor([1]), 2)", "T.tensor(1.0).narrow(0, T.tensor(1.0), 1)"])
def test_split_sizes_and_narrows_start_as_pytorch_reads_them(call):
    # (Tensor.split: a tensor is an int if int() takes it; an int, not a
    # bool, splits evenly; anything else is split_with_sizes's int list.
    # narrow's start: an int, or a 0-d integer tensor)
    check(lambda T: eval(call, {"T": T, "t": T.arange(6.0).reshape(3, 2).T, "np": np}))


@pytest.mark.parametrize("call", [
    "T.concatenate(t, 0)", "T.concatenate([t, t], foo=1)", "T.arctan2(t, 'a')",
    "T.absolute('a')", "T.negative(t, out=3)", "T.clip(t, 'a')", "T.multiply(t, 'a')"])
def test_an_alias_names_itself_in_the_parsers_refusals(call):
    check_error(_setup, lambda T, t: eval(call, {"T": T, "t": t}))


def test_swapaxes_takes_numpys_parameter_names():
    check(lambda T: (T.swapaxes(T.arange(6.0).reshape(2, 3), axis0=0, axis1=1),
                     T.arange(6.0).reshape(2, 3).swapaxes_(axis0=1, axis1=0),
                     T.swapdims(T.ones(2, 3, requires_grad=True), dim0=1, dim1=0).grad_fn.name()))

