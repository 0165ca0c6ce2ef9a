"""The samplers on inputs that require grad: PyTorch records them (normal,
bernoulli, poisson with a zero gradient; bernoulli(p) and binomial with a
node whose backward raises), so a graph through a draw keeps requires_grad
and the draw's own numbers are PyTorch's."""
import numpy as np
import pytest

import ember

CASES = {
    "normal(mean, 1.0)": lambda T, m, s: T.normal(m, 1.0),
    "normal(1.0, std)": lambda T, m, s: T.normal(1.0, s),
    "normal(mean, std)": lambda T, m, s: T.normal(m, s),
    "normal(mean[:1], std)": lambda T, m, s: T.normal(m[:1], s),
    "bernoulli(probs)": lambda T, m, s: T.bernoulli(T.sigmoid(m)),
    "Tensor.bernoulli()": lambda T, m, s: T.sigmoid(m).bernoulli(),
    "bernoulli(probs, 0.3)": lambda T, m, s: T.bernoulli(T.sigmoid(m), 0.3),
    "Tensor.bernoulli(0.3)": lambda T, m, s: T.sigmoid(m).bernoulli(0.3),
    "poisson(rate)": lambda T, m, s: T.poisson(m.exp()),
    "binomial(count, prob)": lambda T, m, s: T.binomial(m * 0 + 5, T.sigmoid(s)),
}


def _run(T, case):
    T.manual_seed(0)
    m = T.tensor([0.5, -1.0, 2.0], dtype=T.float64, requires_grad=True)
    s = T.tensor([1.0, 0.5, 2.0], dtype=T.float64, requires_grad=True)
    y = CASES[case](T, m, s)
    name = y.grad_fn.name().split("::")[-1]
    try:
        y.sum().backward()
        outcome = [None if t.grad is None else t.grad.numpy() for t in (m, s)]
    except RuntimeError as e:
        outcome = str(e)
    return y.requires_grad, name, y.detach().numpy(), outcome


@pytest.mark.parametrize("case", CASES)
def test_as_pytorch(case):
    torch = pytest.importorskip("torch")
    ours, theirs = _run(ember, case), _run(torch, case)
    assert ours[:2] == theirs[:2]
    if not case.startswith(("poisson", "binomial")):    # (NumPy's samplers there)
        np.testing.assert_array_equal(ours[2], theirs[2])
    if isinstance(theirs[3], str):
        assert ours[3] == theirs[3]
    else:
        for a, b in zip(ours[3], theirs[3]):
            assert (a is None) == (b is None)
            if b is not None:
                np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("case", ["normal(mean, std)", "bernoulli(probs)", "poisson(rate)"])
def test_zero_gradient(case):
    requires_grad, _, _, grads = _run(ember, case)
    assert requires_grad
    assert any(g is not None for g in grads)
    for g in grads:
        if g is not None:
            assert g.shape == (3,) and not g.any()


def test_no_node_without_grad():
    assert ember.normal(ember.ones(3), 1.0).grad_fn is None
    assert not ember.bernoulli(ember.full((3,), 0.5)).requires_grad
    with ember.no_grad():
        assert ember.normal(ember.ones(3, requires_grad=True), 1.0).grad_fn is None
