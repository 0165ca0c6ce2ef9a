"""Powers by a number (bit for bit: PyTorch's kernels multiply, take square
roots and reciprocals) and logsumexp's edges, against PyTorch."""
import math

import numpy as np
import pytest

from compare_torch import check, check_error

INF, NAN = math.inf, math.nan


def test_float_power_inplace():
    def run(T):
        x = T.tensor([1.5, 2.0], dtype=T.float64)
        y = x.float_power_(2)
        x.float_power_(T.tensor([0.5, 1.0]))
        return y is x, x
    check(run)
    check_error(lambda T: (T.tensor([1.5, 2.0]),), lambda T, x: x.float_power_(2))


# PyTorch's own kernels for these exponents (the rest go to SLEEF's pow, which
# NumPy's doesn't reproduce bit for bit, and 0.5 to its sqrt, which differs in
# the last bit from NumPy's); a gradient takes pow(exponent - 1).
_EXACT_POWERS = {2, 3, -2, -0.5, -1}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("exponent", [2, 3, 4, -2, -1, 0.5, 1.5, -0.5])
def test_pow_by_a_number_bit_for_bit(dtype, exponent):
    """x ** 3 is PyTorch's x * x * x, rounded twice, not a power rounded once
    (a sum of cubes drifted from PyTorch's in a training loop)."""
    x = np.abs(np.random.default_rng(0).standard_normal(4000) * 3)
    x[:2] = [0.0, 1.0]

    def run(T, part):
        t = T.tensor(x, dtype=getattr(T, dtype), requires_grad=True)
        y = t ** exponent
        y.backward(T.ones_like(y))
        return y if part == "forward" else t.grad
    for part, p in (("forward", exponent), ("grad", exponent - 1)):
        exact = p in _EXACT_POWERS or part == "grad" and exponent == 2
        check(lambda T: run(T, part), exact=exact)


def test_logsumexp_infinities_and_nan():
    rows = lambda T: T.tensor([[-INF, -INF, -INF], [INF, 1.0, 2.0], [INF, -INF, 0.0],
                               [NAN, 1.0, 2.0], [1000.0, 1000.0, -1000.0]], requires_grad=True)

    def run(T):
        x = rows(T)
        y = T.logsumexp(x, 1)
        y.backward(T.ones(5))
        return y, x.grad
    check(run)


def test_logsumexp_arguments():
    x = lambda T: T.arange(24.0).reshape(2, 3, 4) / 7
    check(lambda T: T.logsumexp(x(T), (0, 2)))
    check(lambda T: T.logsumexp(x(T), [-1, 0], keepdim=True))
    check(lambda T: x(T).logsumexp(1, True))
    check(lambda T: T.logsumexp(T.tensor([[1, 2], [3, 4]]), 0))
    check(lambda T: T.logsumexp(T.tensor(2.5), 0))
    check(lambda T: (T.logsumexp(T.ones(0, 3), 0), T.logsumexp(T.ones(0, 3), 1)))
    check(lambda T: T.logsumexp(x(T), 1, out=T.empty(2, 4)))
    check_error(lambda T: (x(T),), lambda T, t: T.logsumexp(t, 3))
    check_error(lambda T: (x(T),), lambda T, t: T.logsumexp(t, (1, 1)))
    check_error(lambda T: (x(T),), lambda T, t: T.logsumexp(t, []))
    check(lambda T: T.logsumexp(x(T)), message=False)
    check_error(lambda T: (x(T),), lambda T, t: T.logsumexp(t, None))
    check_error(lambda T: (T.tensor(2.0),), lambda T, t: T.logsumexp(t, 2))
