"""Argument and sample validation with PyTorch's errors, the default switch,
constructor errors, and the small things around them (sample_n, perplexity)."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _error(fn, lib):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn(lib, lib.distributions)
    except Exception as exc:  # noqa: BLE001
        return type(exc).__name__, str(exc).replace("ember", "torch")
    return None


BAD = [
    lambda T, D: D.Normal(T.tensor([0.0, 1.0]), T.tensor([1.0, -1.0])),
    lambda T, D: D.Normal(0.0, 0.0),
    lambda T, D: D.Uniform(T.tensor([2.0]), T.tensor([1.0])),
    lambda T, D: D.Bernoulli(probs=T.tensor([1.5])),
    lambda T, D: D.Bernoulli(),
    lambda T, D: D.Bernoulli(probs=0.5, logits=0.0),
    lambda T, D: D.Categorical(probs=T.tensor(0.5)),
    lambda T, D: D.Categorical(logits=T.tensor(0.5)),
    lambda T, D: D.Categorical(probs=T.tensor([0.5, -0.1])),
    lambda T, D: D.Geometric(probs=T.tensor([0.0, 0.5])),
    lambda T, D: D.Dirichlet(T.tensor(1.0)),
    lambda T, D: D.Dirichlet(T.tensor([1.0, -1.0])),
    lambda T, D: D.Gamma(T.tensor([1.0]), T.tensor([-2.0])),
    lambda T, D: D.MultivariateNormal(T.zeros(2)),
    lambda T, D: D.MultivariateNormal(T.tensor(0.0), T.eye(2)),
    lambda T, D: D.MultivariateNormal(T.zeros(2), scale_tril=T.zeros(2)),
    lambda T, D: D.MultivariateNormal(T.zeros(2), T.tensor([[1.0, 2.0], [2.0, 1.0]])),
    lambda T, D: D.LowRankMultivariateNormal(T.zeros(2), T.zeros(3, 1), T.ones(2)),
    lambda T, D: D.LowRankMultivariateNormal(T.zeros(2), T.zeros(2), T.ones(2)),
    lambda T, D: D.LowRankMultivariateNormal(T.zeros(2), T.zeros(2, 1), T.ones(3)),
    lambda T, D: D.Independent(D.Normal(T.zeros(2), 1.0), 2),
    lambda T, D: D.Multinomial(T.tensor(3), probs=T.ones(2)),
    lambda T, D: D.MixtureSameFamily(D.Normal(0.0, 1.0), D.Normal(T.zeros(2), 1.0)),
    lambda T, D: D.MixtureSameFamily(D.Categorical(T.ones(3)), D.Normal(T.zeros(2), 1.0)),
    lambda T, D: D.TransformedDistribution(D.Normal(0.0, 1.0), "exp"),
    lambda T, D: D.Normal(0.0, 1.0).log_prob(0.5),
    lambda T, D: D.Normal(T.zeros(3), 1.0).log_prob(T.zeros(2)),
    lambda T, D: D.Exponential(T.ones(2)).log_prob(T.tensor([-1.0, 1.0])),
    lambda T, D: D.Bernoulli(probs=T.ones(2) / 2).log_prob(T.tensor([0.5, 1.0])),
    lambda T, D: D.Categorical(T.ones(3)).log_prob(T.tensor(3)),
    lambda T, D: D.Dirichlet(T.ones(3)).log_prob(T.ones(2)),
    lambda T, D: D.Binomial(T.tensor([1.0, 2.0]), probs=T.tensor([0.5, 0.5])).entropy(),
    lambda T, D: D.Multinomial(1.5, probs=T.ones(2)),
    lambda T, D: D.Independent(D.Normal(T.zeros(2, 2), 1.0), 1).enumerate_support(),
    lambda T, D: D.Normal(0.0, 1.0).expand([2]).sample_n(0),
    lambda T, D: D.Distribution.set_default_validate_args(3),
    lambda T, D: D.Cauchy(0.0, 1.0).mode and D.Distribution().mode,
]


@pytest.mark.parametrize("i", range(len(BAD)))
def test_errors_are_pytorchs(i):
    assert _error(BAD[i], ember) == _error(BAD[i], torch)


def test_validation_can_be_switched_off():
    D = ember.distributions
    d = D.Normal(0.0, -1.0, validate_args=False)  # no error
    assert d.log_prob(ember.tensor(0.0)).isnan()
    D.Distribution.set_default_validate_args(False)
    try:
        D.Normal(0.0, -1.0)
        D.Exponential(1.0).log_prob(ember.tensor(-1.0))
    finally:
        D.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError, match="constraint GreaterThan\\(lower_bound=0.0\\)"):
        D.Normal(0.0, -1.0)


def test_sample_n_warns_and_samples():
    ember.manual_seed(0)
    with pytest.warns(FutureWarning, match=r"`sample_n\(n\)` will be deprecated. Use "
                                           r"`sample\(\(n,\)\)` instead."):
        s = ember.distributions.Normal(ember.zeros(2), 1.0).sample_n(3)
    torch.manual_seed(0)
    with pytest.warns(FutureWarning):
        t = torch.distributions.Normal(torch.zeros(2), 1.0).sample_n(3)
    np.testing.assert_array_equal(s.numpy(), t.numpy())


def test_enumerate_support():
    for build in (lambda D, T: D.Bernoulli(T.tensor([0.2, 0.7])),
                  lambda D, T: D.Categorical(T.ones(2, 3)),
                  lambda D, T: D.OneHotCategorical(T.ones(2, 3)),
                  lambda D, T: D.Binomial(4, T.tensor([0.2, 0.5])),
                  lambda D, T: D.Independent(D.Bernoulli(T.tensor([0.2, 0.7])), 0)):
        for expand in (True, False):
            e = build(ember.distributions, ember).enumerate_support(expand)
            t = build(torch.distributions, torch).enumerate_support(expand)
            assert str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
            np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_rsample_refused_where_pytorch_refuses():
    with pytest.raises(NotImplementedError):
        ember.distributions.Bernoulli(0.5).rsample()
    with pytest.raises(NotImplementedError):
        torch.distributions.Bernoulli(0.5).rsample()


def test_lazy_parameters_and_logits_probs_round_trip():
    D = ember.distributions
    d = D.Categorical(logits=ember.tensor([1.0, 2.0, 0.5]))
    assert "probs" not in d.__dict__
    np.testing.assert_allclose(d.probs.numpy(), torch.distributions.Categorical(
        logits=torch.tensor([1.0, 2.0, 0.5])).probs.numpy(), rtol=1e-6)
    assert "probs" in d.__dict__
    b = D.Bernoulli(probs=ember.tensor([0.25]))
    np.testing.assert_allclose(b.logits.numpy(), [np.log(1 / 3)], rtol=1e-6)


def test_parameters_keep_their_graph():
    loc = ember.tensor([0.5], requires_grad=True)
    d = ember.distributions.Normal(loc, 1.0)
    d.log_prob(ember.tensor([0.0])).sum().backward()
    assert loc.grad.tolist() == [-0.5]


def test_int_of_a_tensor_that_requires_grad_does_not_warn():
    # PyTorch warns for float() and complex() only; Binomial.entropy calls int()
    t = ember.tensor(7.0, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert int(t) == 7
    # (PyTorch gives that note once per process: warn_always shows it again)
    ember.set_warn_always(True)
    try:
        with pytest.warns(UserWarning, match="Converting a tensor with requires_grad=True"):
            float(t)
    finally:
        ember.set_warn_always(False)


def test_subclass_warnings_and_expand_refusal():
    outcomes = []
    for T in (ember, torch):
        D = T.distributions

        class NoConstraints(D.Distribution):
            def __init__(self):
                super().__init__(T.Size([2]))

        class NoSupport(D.Distribution):
            arg_constraints = {}

            def __init__(self):
                super().__init__(T.Size([2]))

        class CustomInit(D.Normal):
            def __init__(self, a):
                super().__init__(a, 1.0)

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            NoConstraints()
            NoSupport()._validate_sample(T.zeros(2))
        row = [str(w.message).replace("ember", "torch") for w in caught]
        row.append(_error(lambda T_, D_: CustomInit(T_.zeros(2)).expand([3, 2]), T))
        outcomes.append(row)
    assert outcomes[0] == outcomes[1]


def test_deepcopy_and_pickle():
    import copy
    import pickle
    D = ember.distributions
    d = copy.deepcopy(D.Normal(ember.zeros(2), ember.ones(2)))
    assert d.loc.tolist() == [0.0, 0.0]
    p = pickle.loads(pickle.dumps(D.LogNormal(ember.zeros(2), 1.0)))
    assert tuple(p.batch_shape) == (2,) and p.log_prob(ember.ones(2)).shape == (2,)
