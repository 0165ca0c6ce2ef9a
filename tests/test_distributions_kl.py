"""kl_divergence for every pair PyTorch registers, against PyTorch's values,
and register_kl's dispatch (most specific pair, ambiguity warning)."""
import numpy as np
import pytest

import ember
from dist_cases import params, to_lib

torch = pytest.importorskip("torch")

# one builder per family, over a (2, 3) batch; parameters keep every pair finite
# where PyTorch's formula is finite (Uniform inside (0, 1) for Beta, Pareto with
# alpha > 2 for Normal, ...)
_FAMILY = {
    "Bernoulli": (lambda D, p: D.Bernoulli(probs=p["u"]), {"u": "unit"}),
    "Beta": (lambda D, p: D.Beta(p["a"], p["b"]), {"a": "positive", "b": "positive"}),
    "Binomial": (lambda D, p: D.Binomial(p["n"], probs=p["u"]), {"n": "count", "u": "unit"}),
    "Categorical": (lambda D, p: D.Categorical(probs=p["s"]), {"s": "simplex"}),
    "Cauchy": (lambda D, p: D.Cauchy(p["x"], p["a"]), {"x": "real", "a": "positive"}),
    "ContinuousBernoulli": (lambda D, p: D.ContinuousBernoulli(probs=p["u"]), {"u": "unit"}),
    "Dirichlet": (lambda D, p: D.Dirichlet(p["a"]), {"a": "positive"}),
    "Exponential": (lambda D, p: D.Exponential(p["a"]), {"a": "positive"}),
    "ExponentialFamily": None,
    "Gamma": (lambda D, p: D.Gamma(p["a"], p["b"]), {"a": "positive", "b": "positive"}),
    "Geometric": (lambda D, p: D.Geometric(probs=p["u"]), {"u": "unit"}),
    "Gumbel": (lambda D, p: D.Gumbel(p["x"], p["a"]), {"x": "real", "a": "positive"}),
    "HalfNormal": (lambda D, p: D.HalfNormal(p["a"]), {"a": "positive"}),
    "Independent": (lambda D, p: D.Independent(D.Normal(p["x"], p["a"]), 1),
                    {"x": "real", "a": "positive"}),
    "Laplace": (lambda D, p: D.Laplace(p["x"], p["a"]), {"x": "real", "a": "positive"}),
    "LowRankMultivariateNormal": (lambda D, p: D.LowRankMultivariateNormal(
        p["x"], p["w"], p["a"]), {"x": "real", "w": "real", "a": "positive"}),
    "MultivariateNormal": (lambda D, p: D.MultivariateNormal(p["x"], scale_tril=p["L"]),
                           {"x": "real", "L": "tril"}),
    "Normal": (lambda D, p: D.Normal(p["x"], p["a"]), {"x": "real", "a": "positive"}),
    "OneHotCategorical": (lambda D, p: D.OneHotCategorical(probs=p["s"]), {"s": "simplex"}),
    "Pareto": (lambda D, p: D.Pareto(p["a"], p["big"]), {"a": "positive", "big": "big"}),
    "Poisson": (lambda D, p: D.Poisson(p["a"]), {"a": "positive"}),
    "TransformedDistribution": (lambda D, p: D.LogNormal(p["x"], p["a"]),
                                {"x": "real", "a": "positive"}),
    "Uniform": (lambda D, p: D.Uniform(p["lo"], p["hi"]), {"lo": "unit01lo", "hi": "unit01hi"}),
}

_SHAPES = {"s": (2, 3, 4), "w": (2, 3, 2), "L": (2, 3, 3), "x_vec": (2, 3)}
_VECTOR_FAMILIES = {"Dirichlet", "LowRankMultivariateNormal", "MultivariateNormal"}


def _spec(family, seed):
    build, kinds = _FAMILY[family]
    spec = {}
    for name, kind in kinds.items():
        shape = _SHAPES.get(name, (2, 3))
        if family in _VECTOR_FAMILIES and name in ("x", "a"):
            shape = (2, 3)
        kind = {"unit01lo": "unit", "unit01hi": "unit"}.get(kind, kind)
        spec[name] = (shape, kind)
    arrays = params(spec, seed=seed)
    if family == "Uniform":  # ordered bounds inside (0, 1)
        lo, hi = np.minimum(arrays["lo"], arrays["hi"]), np.maximum(arrays["lo"], arrays["hi"])
        arrays["lo"], arrays["hi"] = lo * 0.5, 0.5 + hi * 0.5
    if family == "Pareto":  # support starts at scale; keep q's start below p's
        arrays["a"] = arrays["a"] * (0.5 if seed else 1.0)
    return build, arrays


def _pairs():
    for (tp, tq) in torch.distributions.kl._KL_REGISTRY:
        if tp.__name__ in _FAMILY and tq.__name__ in _FAMILY and _FAMILY[tp.__name__] \
                and _FAMILY[tq.__name__]:
            yield tp.__name__, tq.__name__


PAIRS = sorted(set(_pairs()))


def test_every_registered_pair_is_registered_in_ember():
    names = {(p.__name__, q.__name__) for p, q in torch.distributions.kl._KL_REGISTRY}
    ours = {(p.__name__, q.__name__) for p, q in ember.distributions.kl._KL_REGISTRY}
    assert names == ours


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("pair", PAIRS, ids=[f"{p}-{q}" for p, q in PAIRS])
def test_kl_matches_torch(pair, dtype):
    pname, qname = pair
    bp, ap = _spec(pname, 0)
    bq, aq = _spec(qname, 1)
    if pname == qname == "Binomial":
        aq["n"] = ap["n"]
    ap = {k: v.astype(dtype) for k, v in ap.items()}
    aq = {k: v.astype(dtype) for k, v in aq.items()}
    results = []
    for lib in (ember, torch):
        p, q = bp(lib.distributions, to_lib(lib, ap)), bq(lib.distributions, to_lib(lib, aq))
        try:
            results.append(lib.distributions.kl_divergence(p, q))
        except NotImplementedError as exc:
            results.append(exc)
    e, t = results
    if isinstance(t, Exception):
        assert type(e) is type(t) and str(e) == str(t)
        return
    assert tuple(e.shape) == tuple(t.shape) and str(e.dtype)[-7:] == str(t.dtype)[-7:]
    tol = dict(rtol=1e-9, atol=1e-12) if dtype == "float64" else dict(rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), **tol)


def test_kl_gradients_flow_to_both_sides():
    p_loc = ember.tensor([0.3, -1.0], dtype=ember.float64, requires_grad=True)
    q_scale = ember.tensor([1.5, 0.7], dtype=ember.float64, requires_grad=True)
    D = ember.distributions
    kl = D.kl_divergence(D.Normal(p_loc, 1.0), D.Normal(0.0, q_scale)).sum()
    kl.backward()
    tl = torch.tensor([0.3, -1.0], dtype=torch.float64, requires_grad=True)
    ts = torch.tensor([1.5, 0.7], dtype=torch.float64, requires_grad=True)
    TD = torch.distributions
    TD.kl_divergence(TD.Normal(tl, 1.0), TD.Normal(0.0, ts)).sum().backward()
    np.testing.assert_allclose(p_loc.grad.numpy(), tl.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(q_scale.grad.numpy(), ts.grad.numpy(), rtol=1e-12)


def test_missing_pair_raises_torchs_error():
    D = ember.distributions
    with pytest.raises(NotImplementedError, match="No KL\\(p \\|\\| q\\) is implemented for p "
                                                  "type Cauchy and q type Normal"):
        D.kl_divergence(D.Cauchy(0.0, 1.0), D.Normal(0.0, 1.0))


def test_register_kl_most_specific_pair_and_ambiguity_warning():
    D = ember.distributions

    class MyNormal(D.Normal):
        pass

    class MyOther(D.Normal):
        pass

    @D.register_kl(MyNormal, D.Normal)
    def _left(p, q):
        return ember.tensor(1.0)

    @D.register_kl(D.Normal, MyOther)
    def _right(p, q):
        return ember.tensor(2.0)

    try:
        assert D.kl_divergence(MyNormal(0.0, 1.0), D.Normal(0.0, 1.0)).item() == 1.0
        assert D.kl_divergence(D.Normal(0.0, 1.0), MyOther(0.0, 1.0)).item() == 2.0
        with pytest.warns(RuntimeWarning, match=r"Ambiguous kl_divergence\(MyNormal, MyOther\). "
                                                r"Please register_kl\(MyNormal, MyOther\)"):
            D.kl_divergence(MyNormal(0.0, 1.0), MyOther(0.0, 1.0))
    finally:
        del D.kl._KL_REGISTRY[MyNormal, D.Normal], D.kl._KL_REGISTRY[D.Normal, MyOther]
        D.kl._KL_MEMOIZE.clear()


def test_kl_docstring_lists_the_pairs():
    doc = ember.distributions.kl_divergence.__doc__
    assert "* :class:`~torch.distributions.Normal` and :class:`~torch.distributions.Normal`" in doc


@pytest.mark.parametrize("build", [
    lambda T, D: (D.MultivariateNormal(T.zeros(2), T.eye(2)),
                  D.MultivariateNormal(T.zeros(3), T.eye(3))),
    lambda T, D: (D.LowRankMultivariateNormal(T.zeros(2), T.ones(2, 1), T.ones(2)),
                  D.LowRankMultivariateNormal(T.zeros(3), T.ones(3, 1), T.ones(3))),
    lambda T, D: (D.MultivariateNormal(T.zeros(2), T.eye(2)),
                  D.LowRankMultivariateNormal(T.zeros(3), T.ones(3, 1), T.ones(3))),
    lambda T, D: (D.Binomial(3, T.tensor(0.5)), D.Binomial(5, T.tensor(0.5))),
    lambda T, D: (D.Independent(D.Normal(T.zeros(2, 2), 1.0), 1),
                  D.Independent(D.Normal(T.zeros(2, 2), 1.0), 2)),
])
def test_kl_refusals_are_pytorchs(build):
    errors = []
    for T in (ember, torch):
        p, q = build(T, T.distributions)
        with pytest.raises(Exception) as info:
            T.distributions.kl_divergence(p, q)
        errors.append((type(info.value).__name__, str(info.value)))
    assert errors[0] == errors[1]


def test_bregman_kl_refuses_two_families():
    results = []
    for T in (ember, torch):
        D = T.distributions
        bregman = D.kl._KL_REGISTRY[D.ExponentialFamily, D.ExponentialFamily]
        with pytest.raises(NotImplementedError) as info:
            bregman(D.Poisson(1.0), D.Exponential(1.0))
        results.append(str(info.value))
    assert results[0] == results[1]
