"""What the review-fix tests share: refusals checked against PyTorch, and
gradients compared with PyTorch's."""
import os

import numpy as np
import pytest

import ember
from compare_torch import check_error, snapshot, _same_snapshot

HERE = os.path.dirname(__file__)
NAN, INF = float("nan"), float("inf")


try:
    import torch  # noqa: F401 - (whether it is there)
    HAS_TORCH = True
except ImportError:
    HAS_TORCH = False


def refused(setup, op, exc_type, message):
    """op(ember, *setup(ember)) raises exactly `exc_type(message)` and changes
    nothing; then the same against PyTorch when it is there."""
    ts = setup(ember)
    before = snapshot(ts)
    with pytest.raises(exc_type) as info:
        op(ember, *ts)
    assert type(info.value) is exc_type
    assert str(info.value) == message
    _same_snapshot(before, snapshot(ts))
    if HAS_TORCH:
        check_error(setup, op)


def leaf(T, values, dtype=None):
    return T.tensor(values, dtype=dtype or T.float32, requires_grad=True)


def grads(T, fn, *values, dtype=None):
    """fn(T, *leaves).sum() backpropagated: the leaves' gradients as lists."""
    xs = [leaf(T, v, dtype) for v in values]
    fn(T, *xs).sum().backward()
    return [x.grad.tolist() for x in xs]


def same_grads(fn, *values, expected=None):
    e = grads(ember, fn, *values)
    if expected is not None:
        np.testing.assert_array_equal(np.array(e[0] if len(e) == 1 else e, dtype=float),
                                      np.array(expected, dtype=float))
    if HAS_TORCH:
        import torch
        np.testing.assert_array_equal(np.array(e, dtype=float),
                                      np.array(grads(torch, fn, *values), dtype=float))
