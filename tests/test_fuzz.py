"""Differential fuzzing: random compositions of registered ops, run in Ember
and in PyTorch, must agree on values and gradients (float64).

Hypothesis draws the shapes (broadcasting included), the program (a chain
of unary, binary and reducing steps) and the inputs. The search is
derandomized and bounded, so a CI run takes a few seconds and a failure
reproduces: Hypothesis prints the smallest program that disagrees.
"""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")
hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings, strategies as st  # noqa: E402

# Steps that are defined on every real input (so no domain bookkeeping):
# name -> f(T, x) for unary steps, f(T, x, y) for binary ones.
UNARY = {
    "sin": lambda T, x: T.sin(x), "cos": lambda T, x: x.cos(), "tanh": lambda T, x: T.tanh(x),
    "sigmoid": lambda T, x: x.sigmoid(), "atan": lambda T, x: T.atan(x),
    "neg": lambda T, x: -x, "abs": lambda T, x: x.abs(), "relu": lambda T, x: T.relu(x),
    "square": lambda T, x: T.square(x), "exp_tanh": lambda T, x: T.exp(T.tanh(x)),
    "log1p_sq": lambda T, x: T.log1p(x * x), "sqrt_1p": lambda T, x: T.sqrt(1 + x * x),
    "reciprocal": lambda T, x: T.reciprocal(2 + x.abs()), "pow3": lambda T, x: x ** 3,
    "clamp": lambda T, x: x.clamp(-0.5, 0.7), "frac_mul": lambda T, x: x * T.frac(x),
    "sub_scalar": lambda T, x: 1.5 - x, "div_scalar": lambda T, x: x / 3,
    "transpose": lambda T, x: x.transpose(0, -1), "flip": lambda T, x: x.flip(-1),
    "cumsum": lambda T, x: x.cumsum(-1), "softmax": lambda T, x: T.softmax(x, -1),
}
BINARY = {
    "add": lambda T, x, y: x + y, "sub": lambda T, x, y: T.sub(x, y, alpha=0.5),
    "mul": lambda T, x, y: x * y, "div": lambda T, x, y: x / (1 + y * y),
    "maximum": lambda T, x, y: T.maximum(x, y), "minimum": lambda T, x, y: x.minimum(y),
    "where": lambda T, x, y: T.where(x > y, x, y * 2), "atan_pow": lambda T, x, y: T.exp(y) ** T.tanh(x),
    "hypot_like": lambda T, x, y: T.sqrt(x * x + y * y + 1),
}
REDUCE = {
    "sum": lambda T, x: x.sum(), "mean_last": lambda T, x: x.mean(-1).sum(),
    "amax": lambda T, x: x.amax(-1).sum(), "prod": lambda T, x: T.tanh(x).prod(),
    "std": lambda T, x: x.std(-1).sum() if x.shape[-1] > 1 else x.sum(),
    "norm": lambda T, x: x.norm(),
}

shapes = st.sampled_from([((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 3, 4), (3, 1)), ((5,), ()),
                          ((4, 1), (1, 5)), ((2, 2), (2, 2))])
programs = st.lists(st.one_of(st.tuples(st.just("u"), st.sampled_from(sorted(UNARY))),
                              st.tuples(st.just("b"), st.sampled_from(sorted(BINARY)))),
                    min_size=1, max_size=6)


def _run(T, program, reduce, a, b):
    x, y = T.tensor(a, requires_grad=True), T.tensor(b, requires_grad=True)
    v = x
    for kind, name in program:
        v = UNARY[name](T, v) if kind == "u" else BINARY[name](T, v, y)
    out = REDUCE[reduce](T, v)
    out.backward()
    grad = lambda t: None if t.grad is None else t.grad.numpy()   # noqa: E731
    return out.detach().numpy(), grad(x), grad(y)


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(shapes=shapes, program=programs, reduce=st.sampled_from(sorted(REDUCE)),
       seed=st.integers(0, 2 ** 32 - 1))
def test_random_programs_match_pytorch(shapes, program, reduce, seed):
    rng = np.random.default_rng(seed)
    # Values away from 0 and from each other: no ties at kinks (abs, max).
    a = rng.uniform(0.2, 1.5, shapes[0]) * rng.choice([-1, 1], shapes[0])
    b = rng.uniform(0.2, 1.5, shapes[1]) * rng.choice([-1, 1], shapes[1])
    got = _run(ember, program, reduce, a, b)
    want = _run(torch, program, reduce, a, b)
    for g, w, what in zip(got, want, ("value", "grad of x", "grad of y")):
        if w is None:
            assert g is None, what
        else:
            np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-12, err_msg=what)
