"""Shared by the test_nn_vision*.py files: run one function in Ember and
PyTorch from the same float64 input, backward with the same output gradient,
and compare output, input gradient(s) and grad_fn names."""
import numpy as np

import ember
from compare_torch import check


def sample(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def forward_backward(fn, arrays, dtype="float64", rtol=1e-6, atol=1e-7):
    """fn(T, *tensors) -> output; the tensors made from `arrays` require grad.
    Compares the output and every input's gradient with PyTorch."""
    def run(T):
        xs = [T.tensor(a).to(getattr(T, dtype)).requires_grad_() for a in arrays]
        y = fn(T, *xs)
        g = T.tensor(sample(tuple(y.shape), 1)).to(y.dtype)
        y.backward(g)
        return (y, *[x.grad for x in xs])
    return check(run, rtol=rtol, atol=atol)


def gradchecks(fn, arrays, second=True):
    """gradcheck and gradgradcheck in float64."""
    xs = [ember.tensor(a, dtype=ember.float64, requires_grad=True) for a in arrays]
    assert ember.autograd.gradcheck(fn, xs, eps=1e-6, atol=1e-5)
    if second:
        assert ember.autograd.gradgradcheck(fn, xs, eps=1e-6, atol=1e-4)
