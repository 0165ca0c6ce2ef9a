"""PyTorch's deprecated positional overloads (t.add_(alpha, other),
torch.addcmul(t, value, t1, t2), ...): the values and gradients of the
keyword forms, compared with PyTorch; one warning per process."""
import warnings

import pytest

import ember
from ember import _deprecated_overloads as dep
from compare_torch import check, check_error

CALLS = [
    lambda T, a, b: a.add(2, b), lambda T, a, b: a.clone().add_(-0.5, b),
    lambda T, a, b: T.add(a, 2, b), lambda T, a, b: a.sub(2, b),
    lambda T, a, b: a.clone().sub_(2, b), lambda T, a, b: T.sub(a, 2, b),
    lambda T, a, b: a.addcmul(0.5, b, b), lambda T, a, b: a.clone().addcmul_(0.5, b, b),
    lambda T, a, b: T.addcmul(a, 0.5, b, b), lambda T, a, b: a.addcdiv(0.5, b, b + 1),
    lambda T, a, b: a.clone().addcdiv_(0.5, b, b + 1),
    lambda T, a, b: T.addcdiv(a, 0.5, b, b + 1),
    lambda T, a, b: T.add(a, 3, b, out=T.empty(3)),
    # (the input by keyword: the wrapper took it for left out)
    lambda T, a, b: T.add(input=a, other=b, alpha=2), lambda T, a, b: T.sub(input=a, other=b),
    lambda T, a, b: T.addcmul(input=a, tensor1=b, tensor2=b, value=2),
    lambda T, a, b: T.addcdiv(input=a, tensor1=b, tensor2=b + 2),
]


@pytest.mark.parametrize("call", CALLS)
def test_values_and_gradients_as_pytorch(call):
    def run(T):
        a = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        b = T.tensor([0.5, -1.0, 2.0], requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            out = call(T, a * 1, b * 1)
        if out.requires_grad:
            out.sum().backward()
        return out, a.grad, b.grad
    check(run)


def test_a_keyword_given_twice_is_refused():
    def op(T, a, b):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return a.add(2, b, alpha=3)
    check_error(lambda T: (T.ones(3), T.ones(3)), op)


def test_the_first_use_in_a_process_warns_once(monkeypatch):
    monkeypatch.setattr(dep, "_warned", [False])
    a, b = ember.ones(3), ember.ones(3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        a.addcmul_(0.5, b, b)
        ember.add(a, 2, b)
    assert [str(w.message) for w in caught] == [
        "This overload of addcmul_ is deprecated:\n"
        "\taddcmul_(Number value, Tensor tensor1, Tensor tensor2)\n"
        "Consider using one of the following signatures instead:\n"
        "\taddcmul_(Tensor tensor1, Tensor tensor2, *, Number value = 1)"]
    assert caught[0].filename == __file__
