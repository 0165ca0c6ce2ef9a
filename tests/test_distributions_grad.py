"""Gradients in float64: gradcheck of rsample (at a fixed seed) and of
log_prob with respect to every floating parameter; the gamma sampler's
implicit reparameterisation against PyTorch's."""
import numpy as np
import pytest

import ember
from dist_cases import CASE_IDS, CASES, params, to_lib

torch = pytest.importorskip("torch")

# PyTorch's Wishart warns on every sample (it reads its support check the wrong
# way round); Ember's draws, redraws and warns as it does
pytestmark = pytest.mark.filterwarnings("ignore:Singular sample detected:UserWarning")
gradcheck = ember.autograd.gradcheck


@pytest.fixture(autouse=True)
def _no_validation():
    # gradcheck's perturbations leave a covariance unsymmetric by 1e-6
    ember.distributions.Distribution.set_default_validate_args(False)
    yield
    ember.distributions.Distribution.set_default_validate_args(True)


_SYMMETRIC = ("cov", "prec")


def _with(fixed, names, xs):
    """The parameters with ``xs`` in place; a covariance or precision matrix
    is symmetrised, since gradcheck's perturbations of one entry would not be."""
    p = dict(fixed, **dict(zip(names, xs)))
    for k in _SYMMETRIC:
        if k in names:
            p[k] = (p[k] + p[k].mT) / 2
    return p


def _float_names(arrays):
    return [k for k, v in arrays.items() if v.dtype.kind == "f" and k != "total_count"]


# parameters whose sample is not a smooth function at a fixed seed (a
# rejection sampler draws them), or which are constants of the construction
_NOT_REPARAMETERISED = {"Gamma": {"concentration"}, "Chi2": {"df"}, "Beta": None,
                        "Dirichlet": None, "StudentT": {"df"}, "InverseGamma": {"concentration"},
                        "FisherSnedecor": {"df1", "df2"}, "Wishart": {"df"}}


# PyTorch's GeneralizedPareto.log_prob compares float64 parameters with a
# float32 zero and raises; Ember does the same
_LOG_PROB_CASES = [c for c in CASES if c[0] != "GeneralizedPareto"]


@pytest.mark.parametrize("case", _LOG_PROB_CASES, ids=[c[0] for c in _LOG_PROB_CASES])
def test_log_prob_gradcheck(case):
    name, build, spec = case
    arrays = params(spec, dtype="float64")
    D = torch.distributions
    torch.manual_seed(2)
    value = ember.tensor(build(D, to_lib(torch, arrays)).sample((2,)).numpy())
    names = _float_names(arrays)
    fixed = to_lib(ember, arrays)

    def fn(*xs):
        return build(ember.distributions, _with(fixed, names, xs)).log_prob(value)
    inputs = tuple(fixed[k].clone().requires_grad_() for k in names)
    assert gradcheck(fn, inputs)


# Beta, Dirichlet, Chi2, FisherSnedecor: every parameter feeds the gamma
# sampler (tested below); Wishart: PyTorch's own rsample cannot be
# differentiated (it writes into the mask its index_put saved)
_NO_GRADCHECK = ("Beta", "Dirichlet", "Chi2", "FisherSnedecor", "Wishart")


_RSAMPLE_CASES = [c for c in CASES if c[0] not in _NO_GRADCHECK
                  and c[1](torch.distributions, to_lib(torch, params(c[2]))).has_rsample]


@pytest.mark.parametrize("case", _RSAMPLE_CASES, ids=[c[0] for c in _RSAMPLE_CASES])
def test_rsample_gradcheck(case):
    name, build, spec = case
    arrays = params(spec, dtype="float64")
    fixed = to_lib(ember, arrays)
    skip = _NOT_REPARAMETERISED.get(name, set())
    names = [k for k in _float_names(arrays) if k not in skip]

    def fn(*xs):
        ember.manual_seed(4)
        return build(ember.distributions, _with(fixed, names, xs)).rsample((3,))
    inputs = tuple(fixed[k].clone().requires_grad_() for k in names)
    assert gradcheck(fn, inputs)


@pytest.mark.parametrize("name", ["Normal", "MultivariateNormalTril", "Exponential",
                                  "RelaxedOneHotCategorical", "LowRankMultivariateNormal"])
def test_rsample_gradients_equal_pytorchs(name):
    """Same seed, same draws: the reparameterised gradients are PyTorch's too."""
    _, build, spec = CASES[CASE_IDS.index(name)]
    arrays = params(spec, dtype="float64")
    grads = []
    for T in (ember, torch):
        p = to_lib(T, arrays, requires_grad=True)
        T.manual_seed(9)
        build(T.distributions, p).rsample((4,)).pow(2).sum().backward()
        grads.append([p[k].grad.numpy() for k in sorted(p)])
    for e, t in zip(*grads):
        np.testing.assert_allclose(e, t, rtol=1e-10, atol=1e-12)


def test_gamma_rsample_gradient_is_implicit_reparameterisation():
    """d sample / d concentration holds the CDF fixed: PyTorch's
    _standard_gamma_grad gives the same derivative at the same (x, alpha)."""
    from ember.distributions._samplers import _dgamma_dalpha
    alpha = np.array([0.3, 0.9, 1.0, 2.5, 7.0, 30.0, 500.0])
    x = np.array([0.05, 0.7, 1.3, 2.0, 9.0, 25.0, 520.0])
    ours = _dgamma_dalpha(ember.tensor(x), ember.tensor(alpha)).numpy()
    # PyTorch's is an approximation (to about 1e-4)
    theirs = torch._standard_gamma_grad(torch.tensor(alpha), torch.tensor(x)).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=2e-4)
    # and the gradient reaches the parameters through rsample
    conc = ember.tensor([0.7, 3.0], dtype=ember.float64, requires_grad=True)
    rate = ember.tensor([1.5, 0.5], dtype=ember.float64, requires_grad=True)
    ember.manual_seed(0)
    s = ember.distributions.Gamma(conc, rate).rsample()
    s.sum().backward()
    expected = _dgamma_dalpha(s.detach() * rate.detach(), conc.detach()) / rate.detach()
    np.testing.assert_allclose(conc.grad.numpy(), expected.numpy(), rtol=1e-10)
    np.testing.assert_allclose(rate.grad.numpy(), (-s / rate).detach().numpy(), rtol=1e-12)


def test_gamma_gradient_far_in_the_tails():
    """Holding P(alpha, x) fixed and moving alpha: the inverse incomplete gamma's
    own difference quotient (SciPy) agrees where P or 1 - P is tiny."""
    special = pytest.importorskip("scipy.special")
    from ember.distributions._samplers import _dgamma_dalpha
    alpha = np.array([0.01, 3.0, 3.0, 0.5, 2e4])
    x = np.array([1e-5, 40.0, 1e-3, 30.0, 2.03e4])
    h = 1e-6 * np.minimum(alpha, np.sqrt(alpha))
    # invert the tail that is known to full precision (1 - P rounds to 0 far up)
    upper = x > alpha
    level = np.where(upper, special.gammaincc(alpha, x), special.gammainc(alpha, x))

    def inverse(a):
        return np.where(upper, special.gammainccinv(a, level), special.gammaincinv(a, level))
    expected = (inverse(alpha + h) - inverse(alpha - h)) / (2 * h)
    ours = _dgamma_dalpha(ember.tensor(x), ember.tensor(alpha)).numpy()
    np.testing.assert_allclose(ours, expected, rtol=1e-6)


def test_dirichlet_and_beta_rsample_carry_gradients():
    conc = ember.tensor([0.5, 1.5, 3.0], dtype=ember.float64, requires_grad=True)
    ember.manual_seed(1)
    x = ember.distributions.Dirichlet(conc).rsample((5,))
    assert np.allclose(x.sum(-1).detach().numpy(), 1.0)
    (x[:, 0]).sum().backward()
    assert conc.grad is not None and np.isfinite(conc.grad.numpy()).all()
    a = ember.tensor(2.0, dtype=ember.float64, requires_grad=True)
    ember.distributions.Beta(a, 3.0).rsample((4,)).sum().backward()
    assert a.grad is not None and a.grad.item() > 0  # a larger a moves mass to 1


def test_entropy_and_kl_by_autograd_match_closed_forms():
    # ExponentialFamily.entropy and the Bregman KL run autograd inside
    D = ember.distributions
    rate = ember.tensor([0.5, 2.0], dtype=ember.float64)
    e = D.ExponentialFamily.entropy(D.Exponential(rate))
    np.testing.assert_allclose(e.detach().numpy(), D.Exponential(rate).entropy().numpy(),
                               rtol=1e-12)
    kl = D.kl._KL_REGISTRY[D.ExponentialFamily, D.ExponentialFamily](
        D.Poisson(ember.tensor([1.0, 3.0], dtype=ember.float64)),
        D.Poisson(ember.tensor([2.0, 2.5], dtype=ember.float64)))
    t = torch.distributions.kl_divergence(torch.distributions.Poisson(
        torch.tensor([1.0, 3.0], dtype=torch.float64)), torch.distributions.Poisson(
        torch.tensor([2.0, 2.5], dtype=torch.float64)))
    np.testing.assert_allclose(kl.detach().numpy(), t.numpy(), rtol=1e-12)


def test_dirichlet_gradient_is_the_normalised_gammas():
    from ember.distributions._samplers import _standard_gamma
    conc = ember.tensor([0.5, 2.0, 3.0], dtype=ember.float64, requires_grad=True)
    grads = []
    for draw in (lambda c: ember.distributions.Dirichlet(c).rsample((4,)),
                 lambda c: (lambda g: g / g.sum(-1, keepdim=True))(_standard_gamma(
                     c.expand(4, 3)))):
        ember.manual_seed(0)
        x = draw(conc)
        (x[:, 0] * 2 + x[:, 1]).sum().backward()
        grads.append(conc.grad.numpy().copy())
        conc.grad = None
    np.testing.assert_allclose(*grads, rtol=1e-12)


@pytest.mark.parametrize("case", [c for c in CASES if c[0] != "Wishart"],
                         ids=[n for n in CASE_IDS if n != "Wishart"])
def test_graph_node_names_are_pytorchs(case):
    _, build, spec = case
    arrays = params(spec, dtype="float64")
    names = []
    for T in (ember, torch):
        d = build(T.distributions, to_lib(T, arrays, requires_grad=True))
        T.manual_seed(0)
        row = []
        for fn in (d.rsample, d.entropy, lambda: d.mean,
                   lambda: d.log_prob(T.tensor(build(torch.distributions, to_lib(
                       torch, arrays)).sample().numpy()))):
            try:
                row.append(type(fn().grad_fn).__name__)
            except Exception as exc:  # noqa: BLE001 - the same refusal is a match
                row.append(type(exc).__name__)
        names.append(row)
    assert names[0] == names[1]
