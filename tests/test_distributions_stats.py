"""Samplers that PyTorch implements with its own algorithms (gamma, Dirichlet,
Poisson, binomial, and Beta, Chi2, StudentT made of them) draw PyTorch's
numbers; their distribution is checked too, at a fixed seed, Kolmogorov-Smirnov against PyTorch's draws for the continuous
ones and chi-square against the probability mass for the discrete ones."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")
stats = pytest.importorskip("scipy.stats")

N = 4000
ALPHA = 1e-3  # a fixed seed: the test is deterministic; this is how far off it may look


CONTINUOUS = [
    ("Gamma small", lambda D, T: D.Gamma(T.tensor(0.4), T.tensor(2.0))),
    ("Gamma", lambda D, T: D.Gamma(T.tensor(3.5), T.tensor(0.7))),
    ("Chi2", lambda D, T: D.Chi2(T.tensor(5.0))),
    ("Beta", lambda D, T: D.Beta(T.tensor(0.7), T.tensor(2.5))),
    ("StudentT", lambda D, T: D.StudentT(T.tensor(3.0), T.tensor(1.0), T.tensor(2.0))),
    ("Dirichlet[1]", lambda D, T: D.Dirichlet(T.tensor([0.5, 2.0, 3.0]))),
    ("InverseGamma", lambda D, T: D.InverseGamma(T.tensor(3.0), T.tensor(2.0))),
    ("FisherSnedecor", lambda D, T: D.FisherSnedecor(T.tensor(4.0), T.tensor(7.0))),
    ("LKJCholesky[2, 1]", lambda D, T: D.LKJCholesky(3, T.tensor(1.5))),
    ("Wishart[1, 0]", lambda D, T: D.Wishart(T.tensor(4.0), T.tensor([[2.0, 0.5], [0.5, 1.0]]))),
]


@pytest.mark.filterwarnings("ignore:Singular sample detected:UserWarning")  # PyTorch's Wishart
@pytest.mark.parametrize("case", CONTINUOUS, ids=[c[0] for c in CONTINUOUS])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_continuous_samplers_match_pytorchs_distribution(case, dtype):
    name, build = case
    ember.set_default_dtype(getattr(ember, dtype))
    torch.set_default_dtype(getattr(torch, dtype))
    try:
        ember.manual_seed(0)
        torch.manual_seed(0)
        e = build(ember.distributions, ember).sample((N,))
        t = build(torch.distributions, torch).sample((N,))
    finally:
        ember.set_default_dtype(ember.float32)
        torch.set_default_dtype(torch.float32)
    assert str(e.dtype).split(".")[-1] == dtype and tuple(e.shape) == tuple(t.shape)
    e, t = e.numpy(), t.numpy()
    if name.startswith("Dirichlet"):
        np.testing.assert_allclose(e.sum(-1), 1.0, rtol=1e-5)
    if "[" in name:  # one coordinate of a vector or matrix draw
        index = tuple(int(i) for i in name[name.index("[") + 1:-1].split(","))
        e, t = e[(slice(None),) + index], t[(slice(None),) + index]
    assert stats.ks_2samp(e, t).pvalue > ALPHA


def test_gamma_sampler_against_its_cdf():
    ember.manual_seed(3)
    d = ember.distributions.Gamma(ember.tensor([0.2, 1.0, 9.0], dtype=ember.float64), 1.5)
    x = d.sample((N,))
    u = d.cdf(x).numpy()  # probability integral transform: uniform if right
    for k in range(3):
        assert stats.kstest(u[:, k], "uniform").pvalue > ALPHA
    assert (x.numpy() > 0).all()


DISCRETE = [
    ("Poisson", lambda D, T: D.Poisson(T.tensor([0.3, 4.0, 25.0])), 60),
    ("Binomial", lambda D, T: D.Binomial(T.tensor([5.0, 40.0, 40.0]),
                                         probs=T.tensor([0.5, 0.1, 0.8])), 41),
    ("NegativeBinomial", lambda D, T: D.NegativeBinomial(T.tensor([1.0, 4.5, 20.0]),
                                                         probs=T.tensor([0.3, 0.5, 0.2])), 80),
]


@pytest.mark.parametrize("case", DISCRETE, ids=[c[0] for c in DISCRETE])
def test_discrete_samplers_chi_square(case):
    _, build, top = case
    ember.manual_seed(1)
    d = build(ember.distributions, ember)
    x = d.sample((N,))
    assert x.dtype == ember.float32
    x = x.numpy()
    assert (x == np.round(x)).all()
    td = build(torch.distributions, torch)
    td._validate_args = False  # values past a count have probability 0
    k = torch.arange(top, dtype=torch.float64).unsqueeze(-1)
    pmf = np.nan_to_num(td.log_prob(k.expand(top, 3)).exp().double().numpy())
    for col in range(3):
        observed = np.bincount(x[:, col].astype(int), minlength=top)[:top]
        expected = pmf[:, col] * N
        keep = expected > 5  # pool the sparse tail, as the test requires
        obs = np.append(observed[keep], N - observed[keep].sum())
        exp = np.append(expected[keep], N - expected[keep].sum())
        exp = exp * (N / exp.sum())
        assert stats.chisquare(obs, exp).pvalue > ALPHA


def _gamma_family(T, dt):
    D = T.distributions
    a = T.tensor([1e-3, 0.05, 0.3, 0.999, 1.0, 1.5, 2.0, 7.5, 30.0, 1e3], dtype=dt)
    return [D.Gamma(a, T.tensor(2.0, dtype=dt)).sample((40,)),
            D.Beta(a, a.flip(0)).sample((5,)),
            D.Dirichlet(T.rand(4, 5, dtype=dt) * 3).sample((6,)),
            D.Chi2(T.tensor([0.5, 3.0], dtype=dt)).sample((5,)),
            D.StudentT(T.tensor([1.0, 5.0], dtype=dt)).rsample((20,)),
            # edge parameters, unvalidated: 0, negative, NaN, inf, denormal
            D.Gamma(T.tensor([0.0, -0.5, -2.0, float("nan"), float("inf"), 1e-45, 1e-30],
                             dtype=dt), T.ones((), dtype=dt), validate_args=False).sample((2,)),
            T.randn(3, dtype=dt)]     # the generator left where PyTorch's is


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_gamma_and_dirichlet_draws_are_pytorchs(dtype):
    got = []
    for T in (ember, torch):
        T.manual_seed(11)
        got.append([x.numpy() for x in _gamma_family(T, getattr(T, dtype))])
    for e, t in zip(*got):
        assert e.dtype == t.dtype
        np.testing.assert_array_equal(e, t)


def _counts(T, dt):
    D = T.distributions
    rate = T.tensor([0.0, 1e-3, 0.5, 3.0, 9.99, 10.0, 12.5, 30.0, 100.0, 1e4, 1e7], dtype=dt)
    n = T.tensor([0.0, 1.0, 5.0, 10.0, 20.0, 50.0, 100.0, 1000.0, 1e5, 7.0, 33.0], dtype=dt)
    p = T.tensor([0.3, 0.5, 0.01, 0.2, 0.5, 0.9, 0.05, 0.3, 0.7, 0.999, 0.6], dtype=dt)
    return [T.poisson(rate.expand(30, 11)), D.Poisson(rate).sample((3,)),
            T.binomial(n.expand(30, 11).contiguous(), p.expand(30, 11).contiguous()),
            D.Binomial(n, probs=p).sample((3,)),
            D.NegativeBinomial(T.tensor(5.0, dtype=dt), T.tensor(0.4, dtype=dt)).sample((9,)),
            # edge parameters: a negative count, probabilities outside [0, 1], NaN, inf
            T.binomial(T.tensor([5.0, -3.0, 5.0, 5.0, float("inf")], dtype=dt),
                       T.tensor([float("nan"), 0.5, 1.5, -0.2, 0.5], dtype=dt)),
            T.rand(3, dtype=dt)]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_poisson_and_binomial_draws_are_pytorchs(dtype):
    got = []
    for T in (ember, torch):
        T.manual_seed(4)
        got.append([x.numpy() for x in _counts(T, getattr(T, dtype))])
    for e, t in zip(*got):
        assert e.dtype == t.dtype
        np.testing.assert_array_equal(e, t)


def test_bad_poisson_rate_refused_in_its_turn():
    # PyTorch draws for the rates before the bad one, then refuses
    after = []
    for T in (ember, torch):
        T.manual_seed(0)
        with pytest.raises(RuntimeError, match="invalid Poisson rate, expected rate to be "
                                               "non-negative"):
            T.poisson(T.tensor([3.0, 20.0, -1.0]))
        after.append(T.rand(2).numpy())
    np.testing.assert_array_equal(*after)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_poisson_and_binomial_in_half(dtype):
    # poisson has half kernels; binomial does not
    for T in (ember, torch):
        T.manual_seed(2)
    dt_e, dt_t = getattr(ember, dtype), getattr(torch, dtype)
    e = ember.poisson(ember.tensor([1.0, 3.0, 40.0], dtype=dt_e))
    t = torch.poisson(torch.tensor([1.0, 3.0, 40.0], dtype=dt_t))
    assert e.dtype == dt_e and e.tolist() == t.tolist()
    errors = []
    for T, dt in ((ember, dt_e), (torch, dt_t)):
        with pytest.raises(NotImplementedError) as info:
            T.binomial(T.ones(1, dtype=dt), T.ones(1, dtype=dt) / 2)
        errors.append(str(info.value))
    assert errors[0] == errors[1]


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_gamma_and_dirichlet_refuse_half_as_pytorch(dtype):
    for make in (lambda T, dt: T.distributions.Gamma(T.ones(1, dtype=dt), T.ones(1, dtype=dt)),
                 lambda T, dt: T.distributions.Beta(T.ones(1, dtype=dt), T.ones(1, dtype=dt))):
        errors = []
        for T in (ember, torch):
            with pytest.raises(NotImplementedError) as info:
                make(T, getattr(T, dtype)).sample()
            errors.append(str(info.value))
        assert errors[0] == errors[1]


def test_seeded_samplers_are_reproducible():
    D = ember.distributions
    draws = []
    for _ in range(2):
        ember.manual_seed(42)
        draws.append([D.Gamma(2.0, 1.0).sample((5,)), D.Poisson(3.0).sample((5,)),
                      D.Binomial(10, probs=ember.tensor(0.3)).sample((5,)),
                      D.Dirichlet(ember.ones(3)).sample((2,))])
    for a, b in zip(*draws):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("method,args", [("cauchy_", (0.5, 2.0)), ("log_normal_", (0.2, 0.7)),
                                         ("geometric_", (0.3,)), ("exponential_", (1.5,))])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("n", [3, 40])
def test_tensor_random_methods_are_pytorchs(method, args, dtype, n):
    ember.manual_seed(3)
    torch.manual_seed(3)
    e = getattr(ember.empty(n, dtype=getattr(ember, dtype)), method)(*args)
    t = getattr(torch.empty(n, dtype=getattr(torch, dtype)), method)(*args)
    np.testing.assert_array_equal(e.numpy(), t.numpy())


@pytest.mark.parametrize("call", ["T.empty(2).cauchy_(0, -1)", "T.empty(2).log_normal_(0, 0)",
                                  "T.empty(2).geometric_(1.5)",
                                  "T.empty(2, dtype=T.long).cauchy_()",
                                  "T.empty(2, dtype=T.int32).log_normal_()"])
def test_tensor_random_methods_refuse_as_pytorch(call):
    errors = []
    for T in (ember, torch):
        with pytest.raises(Exception) as info:
            eval(call, {"T": T})
        errors.append((type(info.value), str(info.value)))
    assert errors[0] == errors[1]


@pytest.mark.parametrize("build", [
    lambda D, T: D.Binomial(T.tensor([3.0, -2.0, 4.0]), probs=T.tensor([1.5, 0.5, 0.0]),
                            validate_args=False).sample(),
    lambda D, T: D.Gamma(T.tensor([-1.0, 0.0]), 1.0, validate_args=False).sample(),
    lambda D, T: D.Poisson(T.tensor([-1.0]), validate_args=False).sample(),
    lambda D, T: D.Poisson(T.tensor([0.0, 0.0])).sample(),
])
def test_sampler_edges_as_pytorch(build):
    """Deterministic corners (certain outcomes, invalid parameters unchecked)."""
    outcomes = []
    for T in (ember, torch):
        try:
            outcomes.append(build(T.distributions, T).numpy().tolist())
        except RuntimeError as exc:
            outcomes.append(str(exc))
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize("num_samples,replacement", [(1, True), (1, False), (3, False),
                                                     (5, False), (7, True), (200, True)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_multinomial_draws_pytorchs_categories(num_samples, replacement, dtype):
    rs = np.random.RandomState(num_samples)
    p = rs.uniform(0, 1, (3, 6))
    if replacement:  # without: the order among zero-probability ties is PyTorch's topk's
        p[rs.uniform(size=p.shape) < 0.2] = 0
    p[:, 0] += 0.1
    draws = []
    for T in (ember, torch):
        T.manual_seed(5)
        draws.append(T.multinomial(T.tensor(p.astype(dtype)), num_samples, replacement).numpy())
        draws.append(T.multinomial(T.tensor(p[0].astype(dtype)), num_samples,
                                   replacement).numpy())
    np.testing.assert_array_equal(draws[0], draws[2])
    np.testing.assert_array_equal(draws[1], draws[3])


@pytest.mark.parametrize("call", [
    "T.poisson(T.tensor([-1.0]))", "T.poisson(T.tensor([1, 2]))",
    "T.poisson(T.tensor([float('nan')]))", "T.poisson([1.0])",
    "T.poisson(T.tensor([1.0, 2.0], dtype=T.float64)).dtype", "T.poisson(T.zeros(2, 3))",
    "T.binomial(T.tensor([3.0]), T.tensor([1.5]))", "T.binomial(T.tensor([3]), T.tensor([0.5]))",
    "T.binomial(T.tensor([3.0]), T.tensor([1]))", "T.binomial(T.tensor([-3.0]), T.tensor([0.5]))",
    "T.binomial(T.tensor([3.0], dtype=T.float64), T.tensor([0.5]))",
    "T.binomial(T.tensor([3.0]), T.tensor([0.5], dtype=T.float64))",
    "T.binomial(T.ones(2), T.ones(3) / 2)", "T.binomial(T.tensor([3.0]), 0.5)",
    "T.binomial(T.full((2,), 4.0, dtype=T.float64), T.zeros(2, dtype=T.float64))",
])
def test_poisson_and_binomial_functions_as_pytorch(call):
    outcomes = []
    for T in (ember, torch):
        try:
            outcomes.append(repr(eval(call, {"T": T})).replace("ember", "torch"))
        except Exception as exc:  # noqa: BLE001 - the same error is the expected outcome
            outcomes.append(f"{type(exc).__name__}: {exc}")
    assert outcomes[0] == outcomes[1]


def test_poisson_and_binomial_follow_the_generator():
    g = ember.Generator().manual_seed(4)
    a = ember.poisson(ember.full((50,), 3.0), g)
    b = ember.binomial(ember.full((50,), 9.0), ember.full((50,), 0.4), generator=g)
    g.manual_seed(4)
    np.testing.assert_array_equal(a.numpy(), ember.poisson(ember.full((50,), 3.0), g).numpy())
    np.testing.assert_array_equal(b.numpy(), ember.binomial(
        ember.full((50,), 9.0), ember.full((50,), 0.4), generator=g).numpy())
