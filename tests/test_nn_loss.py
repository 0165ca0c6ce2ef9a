"""Every loss of torch.nn.functional (tests/loss_cases.py) against PyTorch:
values, grad_fn names and the gradients of every input that requires
grad, in float32 and float64, for each reduction; and gradcheck plus
gradgradcheck in float64."""
import numpy as np
import pytest

import ember
from compare_torch import check
from loss_cases import CASES, tensors

IDS = [c[0] for c in CASES]


def _run(T, fn, specs, dtype):
    xs = tensors(T, specs, dtype)
    out = fn(T, *xs)
    seed = np.random.default_rng(7).uniform(0.5, 1.5, tuple(out.shape))
    out.backward(T.tensor(seed, dtype=out.dtype))
    grads = tuple(x.grad for x in xs if x.requires_grad)
    return out, grads


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("row", CASES, ids=IDS)
def test_matches_torch(row, dtype):
    _, fn, specs, _ = row
    tol = dict(rtol=2e-5, atol=2e-6) if dtype == "float32" else dict(rtol=1e-10, atol=1e-12)
    check(lambda T: _run(T, fn, specs, dtype), **tol)


def _inputs(specs):
    xs = tensors(ember, specs, "float64")
    grads = [x for x in xs if x.requires_grad]
    return xs, grads


def _call_on(fn, xs, grads):
    """fn with the inputs that require grad taken from the arguments."""
    def f(*gs):
        it = iter(gs)
        return fn(ember, *[next(it) if x.requires_grad else x for x in xs])
    return f


# (the legacy and 'mean' KL cases warn; tests/test_nn_loss_errors.py checks the texts)
@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("row", CASES, ids=IDS)
def test_gradcheck(row):
    _, fn, specs, _ = row
    xs, grads = _inputs(specs)
    assert ember.autograd.gradcheck(_call_on(fn, xs, grads), grads, eps=1e-6, atol=1e-5)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("row", [c for c in CASES if c[3]], ids=[c[0] for c in CASES if c[3]])
def test_gradgradcheck(row):
    _, fn, specs, _ = row
    xs, grads = _inputs(specs)
    assert ember.autograd.gradgradcheck(_call_on(fn, xs, grads), grads, eps=1e-6, atol=1e-4)


def test_ctc_has_no_second_derivative_as_in_torch():
    def second(T):
        x = T.tensor(np.random.default_rng(0).standard_normal((4, 2, 3)), requires_grad=True)
        loss = T.nn.functional.ctc_loss(x.log_softmax(2), T.tensor([[1, 2], [2, 0]]),
                                        T.tensor([4, 3]), T.tensor([2, 1]))
        g, = T.autograd.grad(loss, x, create_graph=True)
        assert g.requires_grad
        return g.sum().backward()
    check(second)
