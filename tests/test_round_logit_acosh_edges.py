"""PyTorch 2.13's answers at the edges of round, logit and acosh's gradient:
torch.special.round, and round given decimals= (0 too), are PyTorch's
round.decimals, whose kernels refuse integers (round(ints) without
decimals copies them, into out= too); logit(x, eps) clamps as
`x < eps ? eps : x > 1 - eps ? 1 - eps : x` (eps > 0.5: the low end wins), a
negative eps is none (NaN gradient outside [0, 1]), and float32's log is
rounded from double; acosh's gradient is rsqrt(x*x - 1) for real x (+inf at
x = -1), rsqrt(z + 1) * rsqrt(z - 1), conjugated, for complex z. Each case
states its values and runs beside PyTorch where it is installed."""
import math

import numpy as np
import pytest

import ember
from compare_torch import check
from review_checks import HAS_TORCH

INTS = ["int64", "int32", "int8", "uint8"]


@pytest.mark.parametrize("dtype", INTS)
@pytest.mark.parametrize("call, kernel", [
    (lambda T, x: T.special.round(x), "round_vml_cpu"),
    (lambda T, x: T.special.round(x, decimals=0), "round_vml_cpu"),
    (lambda T, x: T.special.round(x, decimals=2), "round_cpu"),
    (lambda T, x: T.round(x, decimals=0), "round_vml_cpu"),
    (lambda T, x: x.round(decimals=0), "round_vml_cpu"),
    (lambda T, x: x.round_(decimals=0), "round_vml_cpu"),
    (lambda T, x: T.round(x, decimals=0, out=T.empty(3, dtype=x.dtype)), "round_vml_cpu"),
    (lambda T, x: T.special.round(x, out=T.empty(3, dtype=x.dtype)), "round_vml_cpu"),
])
def test_round_kernels_refuse_integers(dtype, call, kernel):
    name = {"int64": "Long", "int32": "Int", "int8": "Char", "uint8": "Byte"}[dtype]
    x = ember.tensor([1, 2, 0], dtype=getattr(ember, dtype))
    with pytest.raises(NotImplementedError) as info:
        call(ember, x)
    assert str(info.value) == f'"{kernel}" not implemented for \'{name}\''
    assert x.tolist() == [1, 2, 0]
    if HAS_TORCH:
        check(lambda T: call(T, T.tensor([1, 2, 0], dtype=getattr(T, dtype))))


@pytest.mark.parametrize("call", [
    lambda T, x: T.round(x),
    lambda T, x: x.round(),
    lambda T, x: x.clone().round_(),
    lambda T, x: T.round(x, out=T.empty(3, dtype=x.dtype)),
])
def test_round_copies_integers(call):
    r = call(ember, ember.tensor([1, -2, 0]))
    assert r.dtype == ember.int64
    if HAS_TORCH:
        check(lambda T: call(T, T.tensor([1, -2, 0])), exact=True)


def test_round_decimals_records_round_backward1():
    x = ember.tensor([1.5, 2.5], requires_grad=True)
    assert type(ember.special.round(x).grad_fn).__name__ == "RoundBackward1"
    assert type(ember.round(x, decimals=0).grad_fn).__name__ == "RoundBackward1"
    assert type(ember.round(x).grad_fn).__name__ == "RoundBackward0"
    assert ember.special.round(x).tolist() == [2.0, 2.0]
    if HAS_TORCH:
        check(lambda T: T.special.round(T.tensor([1.5, 2.5, -0.5], requires_grad=True)))
        check(lambda T: T.round(T.tensor([1.5, 2.5, -0.5], requires_grad=True), decimals=0))


VALUES = [0.0, 0.3, 0.5, 0.7, 1.0, -0.5, 2.0, float("nan")]


@pytest.mark.parametrize("eps", [0.6, 0.9, 1.0, 1.5, 0.5, 0.3, -0.1])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_logit_eps_values_and_grads(eps, dtype):
    def call(T):
        x = T.tensor(VALUES, dtype=getattr(T, dtype), requires_grad=True)
        y = T.logit(x, eps)
        g, = T.autograd.grad(y.sum(), x)
        return y, g
    y, g = call(ember)
    v = y.detach().numpy()
    if eps == 0.6:      # lo = 0.6 > hi = 0.4: below 0.6 -> 0.6, else above 0.4 -> 0.4
        expected = [math.log(1.5) if x < 0.6 else -math.log(1.5) for x in VALUES[:-1]]
        np.testing.assert_allclose(v[:-1], expected, rtol=1e-6)
        assert g.tolist()[:-1] == [0.0] * 7
    if eps == -0.1:     # no clamp: NaN outside [0, 1], and so is the gradient
        assert np.isnan(v[5]) and np.isnan(v[6]) and np.isnan(g.numpy()[5:]).all()
    assert np.isnan(v[-1])
    if HAS_TORCH:
        check(call, exact=True)


def test_logit_float32_log_rounded_from_double():
    rng = np.random.default_rng(0)
    xs = rng.uniform(0.01, 0.99, 2000).astype(np.float32)
    r = ember.logit(ember.tensor(xs)).numpy()
    ratio = xs / (np.float32(1) - xs)
    assert np.array_equal(r, np.log(ratio.astype(np.float64)).astype(np.float32))
    if HAS_TORCH:
        torch = pytest.importorskip("torch")
        t = torch.logit(torch.tensor(xs)).numpy()
        assert np.count_nonzero(t != r) <= 5       # (PyTorch's vector log: 1 ulp, rarely)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_acosh_grad_at_the_edges(dtype):
    vals = [-1.0, 1.0, -2.0, 0.0, 2.0, float("inf"), float("-inf"), float("nan"), 1.0000001]

    def call(T):
        x = T.tensor(vals, dtype=getattr(T, dtype), requires_grad=True)
        g, = T.autograd.grad(T.acosh(x).sum(), x)
        return g
    g = call(ember).numpy()
    assert g[0] == math.inf and g[1] == math.inf    # rsqrt(+0) at both ends
    assert abs(g[2] - 1 / math.sqrt(3)) < 1e-6 and np.isnan(g[3]) and g[5] == 0 and g[6] == 0
    if HAS_TORCH:
        check(call, exact=True)


def test_acosh_grad_complex_left_half_plane():
    def call(T):
        z = T.tensor([complex(-1.7, 0.4), complex(1.2, -0.5), complex(-0.3, -2.0)],
                     dtype=T.complex128, requires_grad=True)
        g, = T.autograd.grad(T.acosh(z), z, T.ones(3, dtype=T.complex128))
        return g
    g = call(ember).tolist()
    assert abs(g[0] - complex(-0.637056352231161, 0.220425296070596)) < 1e-12
    if HAS_TORCH:
        check(call, rtol=1e-14)
