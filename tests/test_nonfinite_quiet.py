"""Infinities, NaN and overflow through the ops a training run meets once it
diverges, against PyTorch: the same values and gradients, and no NumPy
RuntimeWarning (pyproject makes any warning fail a test). PyTorch computes
inf and NaN silently; Ember's forward passes, losses and optimizer steps
silence NumPy's floating-point warnings around their own arithmetic only."""
import math
import warnings

import numpy as np
import pytest

import ember
from compare_torch import check

SPECIAL = [math.inf, -math.inf, math.nan, 3e38, -3e38, 0.0, 1e-45, 1.0]


def _filled(T, shape, k):
    n = int(np.prod(shape))
    values = np.array([SPECIAL[(k + i) % len(SPECIAL)] for i in range(n)], np.float32)
    return T.tensor(values.reshape(shape), requires_grad=True)


def _check_quiet(run, **kw):
    """run(T) agrees with PyTorch, and Ember's run warns nothing (check()
    itself ignores warnings, as PyTorch's deprecations would differ)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run(ember)
    check(run, **kw)


def _seeded(T, build):
    T.manual_seed(0)
    return build(T)


CASES = {
    "linear": (lambda T, x: _seeded(T, lambda T: T.nn.Linear(4, 3))(x), (2, 4)),
    "matmul": (lambda T, x: x @ x.mT, (2, 4)),
    "bmm": (lambda T, x: T.bmm(x, x.mT), (1, 2, 4)),
    "dot": (lambda T, x: T.dot(x, x), (8,)),
    "conv1d": (lambda T, x: _seeded(T, lambda T: T.nn.Conv1d(2, 3, 3))(x), (1, 2, 8)),
    "mse": (lambda T, x: T.nn.functional.mse_loss(x, T.zeros(8)), (8,)),
    "smooth_l1": (lambda T, x: T.nn.functional.smooth_l1_loss(x, T.zeros(8)), (8,)),
    "huber": (lambda T, x: T.nn.functional.huber_loss(x, T.zeros(8), reduction="none"), (8,)),
    "interpolate": (lambda T, x: T.nn.functional.interpolate(x, scale_factor=2, mode="bilinear"),
                    (1, 1, 3, 3)),
    "sdpa": (lambda T, x: T.nn.functional.scaled_dot_product_attention(x, x, x), (1, 3, 4)),
}
# Quiet, but not compared: PyTorch's FFT of an infinity gives -inf or NaN as
# its thread count varies.
QUIET_ONLY = {
    "istft_window": (lambda T, x: T.istft(T.stft(x, 4, 2, window=T.ones(4), return_complex=True),
                                          4, 2, window=T.ones(4)), (8,)),
}


@pytest.mark.parametrize("k", range(0, len(SPECIAL), 2))
@pytest.mark.parametrize("name", sorted(CASES))
def test_nonfinite_forward_and_backward(name, k):
    f, shape = CASES[name]

    def run(T):
        x = _filled(T, shape, k)
        out = f(T, x)
        out.sum().backward()
        return out, x.grad
    _check_quiet(run, rtol=1e-5, atol=1e-30)


@pytest.mark.parametrize("k", range(len(SPECIAL)))
@pytest.mark.parametrize("name", sorted(QUIET_ONLY))
def test_nonfinite_quietly(name, k):
    f, shape = QUIET_ONLY[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = _filled(ember, shape, k)
        f(ember, x).sum().backward()


OPTIMIZERS = {"SGD": {"momentum": 0.9}, "Adam": {}, "AdamW": {}, "RMSprop": {}, "Adagrad": {},
              "Adadelta": {}, "Adamax": {}, "NAdam": {}, "RAdam": {}}


@pytest.mark.parametrize("k", [0, 2, 3])
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_optimizer_steps_on_nonfinite_gradients(name, k):
    def run(T):
        p = T.nn.Parameter(T.ones(8))
        opt = getattr(T.optim, name)([p], lr=0.1, **OPTIMIZERS[name])
        for _ in range(2):
            p.grad = _filled(T, (8,), k).detach()
            opt.step()
        return p.detach()
    _check_quiet(run, rtol=1e-5)
