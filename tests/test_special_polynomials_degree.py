"""torch.special's orthogonal polynomials at huge degrees, as PyTorch 2.13's
kernels compute them (aten/src/ATen/native/Math.h): the Chebyshev kinds by
their closed forms inside (-1, 1) (cos(n acos x), C's acos), PyTorch's
values at the ends, the recurrences stopping at NaN and Hermite's NaN above
its limit, none of which runs a step per degree; Laguerre and Legendre by
the recurrence, as PyTorch's (a cost linear in the degree, as PyTorch's).
Each case states its values (so it runs without PyTorch), and runs beside
PyTorch where it is installed."""
import time

import numpy as np
import pytest

import ember
from compare_torch import check
from review_checks import HAS_TORCH

CHEBYSHEV = [f"{s}chebyshev_polynomial_{k}" for s in ("", "shifted_") for k in "tuvw"]


@pytest.mark.parametrize("name", CHEBYSHEV)
@pytest.mark.parametrize("n", [1e9, 10 ** 12])
def test_chebyshev_huge_degree_is_immediate(name, n):
    def call(T):
        x = T.tensor([0.5, -0.3, 1.0, -1.0, 1.5, 0.0, 0.25], dtype=T.float64)
        degree = T.full((7,), n, dtype=T.float64) if n != 10 ** 12 else T.full((7,), n)
        return getattr(T.special, name)(x, degree)
    start = time.perf_counter()
    r = call(ember)
    assert time.perf_counter() - start < 5
    assert r.dtype == ember.float64 and r.shape == (7,)
    assert np.isnan(r.numpy()[4])       # |x| > 1 (shifted: 2x - 1 > 1): overflows to NaN
    if HAS_TORCH:
        check(call, exact=True)


def test_chebyshev_t_huge_degree_values():
    r = ember.special.chebyshev_polynomial_t(ember.tensor([0.5, 1.0, -1.0], dtype=ember.float64),
                                             1e9)
    # cos(1e9 * acos(0.5)) with C's acos; T_n(1) = 1; T_n(-1) = (-1)^n
    assert r.tolist() == [-0.49999994075890575, 1.0, 1.0]
    r = ember.special.chebyshev_polynomial_u(ember.tensor([-1.0], dtype=ember.float64),
                                             ember.tensor([10 ** 12]))
    assert r.tolist() == [1000000000001.0]


@pytest.mark.parametrize("name", ["hermite_polynomial_h", "hermite_polynomial_he"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_hermite_above_its_limit_is_nan_at_once(name, dtype):
    def call(T):
        x = T.tensor([0.0, 0.5, -2.0, 1.0], dtype=getattr(T, dtype))
        return getattr(T.special, name)(x, T.tensor([10 ** 12, 10 ** 9, 10 ** 6, 600]))
    start = time.perf_counter()
    r = call(ember)
    assert time.perf_counter() - start < 5
    assert np.isnan(r.numpy()).all()
    if HAS_TORCH:
        check(call, exact=True)


@pytest.mark.parametrize("name", ["laguerre_polynomial_l", "legendre_polynomial_p"])
def test_recurrence_at_a_high_degree_runs_as_pytorchs(name):
    # one element left running: it finishes in plain Python, not a NumPy
    # step over the array per degree; PyTorch's kernel contracts to FMA,
    # so the last bits may differ
    def call(T):
        x = T.tensor([0.5, 1.0, -1.0, 0.0, -2.0], dtype=T.float64)
        return getattr(T.special, name)(x, 200000.0)
    start = time.perf_counter()
    r = call(ember)
    assert time.perf_counter() - start < 20
    v = r.numpy()
    if name.startswith("laguerre"):
        assert v[3] == 1.0 and np.isnan(v[4])     # L_n(0) = 1; x < 0 overflows
    else:
        assert v[1] == 1.0 and v[2] == 1.0 and abs(v[3] - 0.0017841218859989936) < 1e-12
        assert np.isnan(v[4])
    if HAS_TORCH:
        check(call, rtol=1e-9)


def test_recurrence_many_elements_many_degrees():
    # the vectorised steps drop the elements done (by degree, and once NaN)
    rng = np.random.default_rng(0)
    xs = rng.uniform(-1.2, 1.2, 60)
    ns = rng.integers(0, 3000, 60).astype(np.float64)

    def call(T):
        x, n = T.tensor(xs), T.tensor(ns)
        return [getattr(T.special, f)(x, n) for f in (
            "legendre_polynomial_p", "laguerre_polynomial_l", "chebyshev_polynomial_u",
            "hermite_polynomial_he")]
    out = call(ember)
    assert all(r.shape == (60,) and r.dtype == ember.float64 for r in out)
    if HAS_TORCH:
        check(call, rtol=1e-7, atol=1e-12)
