"""Every distribution against PyTorch from the same parameters (several
shapes, broadcasting between parameters): moments, entropy, log_prob, cdf,
icdf, shapes, supports, reprs, expand, and samples drawn from the same seed."""
import warnings

import numpy as np
import pytest

import ember
from dist_cases import BIT_EXACT, CASE_IDS, CASES, params, to_lib

torch = pytest.importorskip("torch")

# PyTorch's Wishart warns on every sample (it reads its support check the wrong
# way round); Ember's draws, redraws and warns as it does
pytestmark = pytest.mark.filterwarnings("ignore:Singular sample detected:UserWarning")

DTYPES = ["float64", "float32"]


def _tol(dtype, name):
    if dtype == "float64":
        return dict(rtol=1e-10, atol=1e-12)
    # float32: NumPy's and PyTorch's exp/log differ in the last bit, and
    # ContinuousBernoulli's variance cancels catastrophically near probs = 1/2
    loose = name == "ContinuousBernoulli"
    return dict(rtol=1e-3 if loose else 2e-5, atol=1e-4 if loose else 1e-6)


def _outcome(fn):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn()
    except Exception as exc:  # noqa: BLE001 - an error is an outcome to compare
        return exc


def _same(e, t, tol, what):
    if isinstance(t, Exception):
        assert type(e).__name__ == type(t).__name__, f"{what}: {e!r} vs {t!r}"
        assert str(e).replace("ember", "torch") == str(t), what
        return
    assert not isinstance(e, Exception), f"{what}: ember raised {e!r}"
    if isinstance(t, torch.Tensor):
        assert str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1], what
        assert tuple(e.shape) == tuple(t.shape), what
        np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), err_msg=what, **tol)
    elif isinstance(t, torch.Size):
        assert tuple(e) == tuple(t), what
    else:
        assert str(e).replace("ember", "torch") == str(t), what


def _both(case, dtype, seed=0):
    name, build, spec = case
    arrays = params(spec, seed=seed, dtype=dtype)
    return (build(ember.distributions, to_lib(ember, arrays)),
            build(torch.distributions, to_lib(torch, arrays)), _tol(dtype, name))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_properties(case, dtype):
    de, dt, tol = _both(case, dtype)
    for attr in ("mean", "variance", "stddev", "mode", "batch_shape", "event_shape",
                 "support", "has_rsample", "has_enumerate_support", "arg_constraints"):
        _same(_outcome(lambda: getattr(de, attr)), _outcome(lambda: getattr(dt, attr)), tol,
              attr)
    _same(_outcome(de.entropy), _outcome(dt.entropy), tol, "entropy")
    _same(_outcome(de.perplexity), _outcome(dt.perplexity), tol, "perplexity")
    _same(_outcome(lambda: repr(de)), _outcome(lambda: repr(dt)), tol, "repr")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_log_prob_cdf_icdf(case, dtype):
    de, dt, tol = _both(case, dtype)
    torch.manual_seed(5)
    value = dt.sample((4,))
    ev = ember.tensor(value.numpy())
    _same(_outcome(lambda: de.log_prob(ev)), _outcome(lambda: dt.log_prob(value)), tol, "lp")
    _same(_outcome(lambda: de.cdf(ev)), _outcome(lambda: dt.cdf(value)), tol, "cdf")
    # a value of the batch shape broadcasts against it from the right
    _same(_outcome(lambda: de.log_prob(ev[0])), _outcome(lambda: dt.log_prob(value[0])), tol,
          "lp0")
    u = np.random.RandomState(3).uniform(0.05, 0.95, (3,) + tuple(dt.batch_shape)).astype(dtype)
    _same(_outcome(lambda: de.icdf(ember.tensor(u))), _outcome(lambda: dt.icdf(torch.tensor(u))),
          tol, "icdf")


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_expand(case):
    de, dt, tol = _both(case, "float64")
    shape = (4,) + tuple(dt.batch_shape)
    ee, te = de.expand(shape), dt.expand(shape)
    assert type(ee) is type(de) and tuple(ee.batch_shape) == tuple(te.batch_shape)
    assert tuple(ee.event_shape) == tuple(te.event_shape)
    torch.manual_seed(0)
    value = te.sample()
    _same(_outcome(lambda: ee.log_prob(ember.tensor(value.numpy()))),
          _outcome(lambda: te.log_prob(value)), tol, "expanded log_prob")
    _same(_outcome(ee.entropy), _outcome(te.entropy), tol, "expanded entropy")
    assert tuple(ee.sample((2,)).shape) == tuple(te.sample((2,)).shape)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", [c for c in CASES if c[0] in BIT_EXACT],
                         ids=[n for n in CASE_IDS if n in BIT_EXACT])
def test_samples_are_pytorchs(case, dtype):
    de, dt, _ = _both(case, dtype)
    draws = []
    for lib, d in ((ember, de), (torch, dt)):
        lib.manual_seed(11)
        s = d.sample((3,))
        s2 = d.sample()
        r = d.rsample((2,)) if d.has_rsample else s
        draws.append([x.detach().numpy() for x in (s, s2, r)])
    # the uniforms/normals are PyTorch's; a transform applied after them may
    # round differently in the last bit (NumPy's exp/log/tan against SLEEF's)
    rtol = 1e-12 if dtype == "float64" else 1e-5
    for e, t in zip(*draws):
        assert e.dtype == t.dtype and e.shape == t.shape
        np.testing.assert_allclose(e, t, rtol=rtol, atol=0)


@pytest.mark.parametrize("case", [c for c in CASES if c[0] in BIT_EXACT and c[0] in
                                  ("Normal", "Uniform", "Exponential", "Bernoulli",
                                   "Categorical", "Cauchy", "Geometric",
                                   "Multinomial", "OneHotCategorical")],
                         ids=lambda c: c[0])
def test_primitive_samples_bit_exact(case):
    de, dt, _ = _both(case, "float32")
    ember.manual_seed(7)
    torch.manual_seed(7)
    np.testing.assert_array_equal(de.sample((50,)).numpy(), dt.sample((50,)).numpy())


# Python-number parameters: a scalar batch in the default dtype; a value of any
# shape broadcasts against it
SCALAR_CASES = [
    lambda D: D.Normal(0.5, 2.0), lambda D: D.Uniform(-1.0, 3.0), lambda D: D.Exponential(1.5),
    lambda D: D.Laplace(0.3, 0.7), lambda D: D.Cauchy(-0.2, 1.5), lambda D: D.LogNormal(0.1, 0.4),
    lambda D: D.HalfNormal(1.3), lambda D: D.HalfCauchy(0.8), lambda D: D.Gumbel(1.0, 2.0),
    lambda D: D.Pareto(1.0, 3.0), lambda D: D.Weibull(2.0, 1.5), lambda D: D.Gamma(2.0, 3.0),
    lambda D: D.Chi2(4.0), lambda D: D.Beta(2.0, 5.0), lambda D: D.StudentT(4.0),
    lambda D: D.Bernoulli(0.3), lambda D: D.Geometric(0.25), lambda D: D.Poisson(2.5),
    lambda D: D.ContinuousBernoulli(0.3), lambda D: D.RelaxedBernoulli(0.5, probs=0.3),
    lambda D: D.GeneralizedPareto(0.0, 1.0, 0.2), lambda D: D.Kumaraswamy(2.0, 3.0),
    lambda D: D.InverseGamma(3.0, 2.0), lambda D: D.FisherSnedecor(5.0, 7.0),
]


@pytest.mark.parametrize("i", range(len(SCALAR_CASES)))
def test_number_parameters(i):
    de, dt = SCALAR_CASES[i](ember.distributions), SCALAR_CASES[i](torch.distributions)
    tol = _tol("float32", "")
    for attr in ("mean", "variance", "mode", "batch_shape", "support"):
        _same(_outcome(lambda: getattr(de, attr)), _outcome(lambda: getattr(dt, attr)), tol,
              attr)
    _same(_outcome(de.entropy), _outcome(dt.entropy), tol, "entropy")
    _same(_outcome(lambda: repr(de)), _outcome(lambda: repr(dt)), tol, "repr")
    torch.manual_seed(1)
    value = dt.sample((2, 3))
    ev = ember.tensor(value.numpy())
    _same(_outcome(lambda: de.log_prob(ev)), _outcome(lambda: dt.log_prob(value)), tol, "lp")
    _same(_outcome(lambda: de.cdf(ev)), _outcome(lambda: dt.cdf(value)), tol, "cdf")
    ember.manual_seed(1)
    assert tuple(de.sample((2, 3)).shape) == (2, 3)
