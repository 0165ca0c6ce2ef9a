"""Distribution cases shared by the test_distributions* files: each builds the
same distribution in Ember and in PyTorch from one set of NumPy parameters.

A case is (name, build, params): ``build(D, p)`` makes the distribution from
the distributions module D (ember's or torch's) and the dict p of tensors of
that library; ``params`` maps each name to (shape, kind), kind saying which
values to draw (see ``_draw``)."""
import numpy as np


def _draw(rs, shape, kind):
    if kind == "real":
        return rs.randn(*shape)
    if kind == "positive":
        return rs.uniform(0.5, 2.5, shape)
    if kind == "big":  # degrees of freedom, Pareto shape: finite moments
        return rs.uniform(2.5, 5.0, shape)
    if kind == "unit":
        return rs.uniform(0.1, 0.9, shape)
    if kind == "simplex":
        x = rs.uniform(0.2, 1.0, shape)
        return x / x.sum(-1, keepdims=True)
    if kind == "count":
        return np.full(shape, 7.0)
    if kind == "low":
        return rs.uniform(-2.0, -0.5, shape)
    if kind == "high":
        return rs.uniform(0.5, 2.0, shape)
    if kind == "tril":  # a lower Cholesky factor with a healthy diagonal
        a = rs.randn(*shape) * 0.3
        n = shape[-1]
        return np.tril(a, -1) + np.eye(n) * rs.uniform(0.8, 1.5, shape[:-1])[..., None, :]
    if kind == "spd":
        a = rs.randn(*shape) * 0.5
        return a @ np.swapaxes(a, -1, -2) + np.eye(shape[-1]) * 1.5
    if kind == "temperature":
        return rs.uniform(0.4, 1.5, shape)
    raise ValueError(kind)


def params(spec, seed=0, dtype="float64"):
    rs = np.random.RandomState(seed)
    return {k: _draw(rs, shape, kind).astype(dtype) for k, (shape, kind) in spec.items()}


def to_lib(T, arrays, requires_grad=False):
    out = {}
    for k, v in arrays.items():
        t = T.tensor(v)
        if requires_grad and t.dtype.is_floating_point:
            t.requires_grad_()
        out[k] = t
    return out



CASES = [
    ("Normal", lambda D, p: D.Normal(p["loc"], p["scale"]),
     {"loc": ((2, 3), "real"), "scale": ((3,), "positive")}),
    ("Uniform", lambda D, p: D.Uniform(p["low"], p["high"]),
     {"low": ((2, 3), "low"), "high": ((2, 1), "high")}),
    ("Exponential", lambda D, p: D.Exponential(p["rate"]), {"rate": ((4,), "positive")}),
    ("Laplace", lambda D, p: D.Laplace(p["loc"], p["scale"]),
     {"loc": ((3, 1), "real"), "scale": ((3, 2), "positive")}),
    ("Cauchy", lambda D, p: D.Cauchy(p["loc"], p["scale"]),
     {"loc": ((2, 3), "real"), "scale": ((2, 3), "positive")}),
    ("LogNormal", lambda D, p: D.LogNormal(p["loc"], p["scale"]),
     {"loc": ((2, 3), "real"), "scale": ((3,), "positive")}),
    ("HalfNormal", lambda D, p: D.HalfNormal(p["scale"]), {"scale": ((2, 3), "positive")}),
    ("HalfCauchy", lambda D, p: D.HalfCauchy(p["scale"]), {"scale": ((4,), "positive")}),
    ("Gumbel", lambda D, p: D.Gumbel(p["loc"], p["scale"]),
     {"loc": ((2, 3), "real"), "scale": ((1, 3), "positive")}),
    ("Pareto", lambda D, p: D.Pareto(p["scale"], p["alpha"]),
     {"scale": ((2, 3), "positive"), "alpha": ((3,), "big")}),
    ("Weibull", lambda D, p: D.Weibull(p["scale"], p["concentration"]),
     {"scale": ((2, 3), "positive"), "concentration": ((2, 3), "positive")}),
    ("Gamma", lambda D, p: D.Gamma(p["concentration"], p["rate"]),
     {"concentration": ((2, 3), "positive"), "rate": ((3,), "positive")}),
    ("Chi2", lambda D, p: D.Chi2(p["df"]), {"df": ((2, 3), "big")}),
    ("Beta", lambda D, p: D.Beta(p["concentration1"], p["concentration0"]),
     {"concentration1": ((2, 3), "positive"), "concentration0": ((3,), "positive")}),
    ("Dirichlet", lambda D, p: D.Dirichlet(p["concentration"]),
     {"concentration": ((2, 4), "positive")}),
    ("StudentT", lambda D, p: D.StudentT(p["df"], p["loc"], p["scale"]),
     {"df": ((2, 3), "big"), "loc": ((3,), "real"), "scale": ((2, 3), "positive")}),
    ("Bernoulli", lambda D, p: D.Bernoulli(probs=p["probs"]), {"probs": ((2, 3), "unit")}),
    ("BernoulliLogits", lambda D, p: D.Bernoulli(logits=p["logits"]),
     {"logits": ((4,), "real")}),
    ("Geometric", lambda D, p: D.Geometric(probs=p["probs"]), {"probs": ((2, 3), "unit")}),
    ("Poisson", lambda D, p: D.Poisson(p["rate"]), {"rate": ((2, 3), "positive")}),
    ("Binomial", lambda D, p: D.Binomial(p["total_count"], probs=p["probs"]),
     {"total_count": ((2, 3), "count"), "probs": ((2, 3), "unit")}),
    ("Categorical", lambda D, p: D.Categorical(probs=p["probs"]),
     {"probs": ((2, 3, 4), "simplex")}),
    ("CategoricalLogits", lambda D, p: D.Categorical(logits=p["logits"]),
     {"logits": ((3, 5), "real")}),
    ("OneHotCategorical", lambda D, p: D.OneHotCategorical(probs=p["probs"]),
     {"probs": ((2, 4), "simplex")}),
    ("Multinomial", lambda D, p: D.Multinomial(5, probs=p["probs"]),
     {"probs": ((2, 4), "simplex")}),
    ("MultivariateNormalCov", lambda D, p: D.MultivariateNormal(
        p["loc"], covariance_matrix=p["cov"]), {"loc": ((2, 3), "real"), "cov": ((3, 3), "spd")}),
    ("MultivariateNormalPrec", lambda D, p: D.MultivariateNormal(
        p["loc"], precision_matrix=p["prec"]), {"loc": ((3,), "real"), "prec": ((2, 3, 3), "spd")}),
    ("MultivariateNormalTril", lambda D, p: D.MultivariateNormal(
        p["loc"], scale_tril=p["tril"]), {"loc": ((2, 3), "real"), "tril": ((2, 3, 3), "tril")}),
    ("LowRankMultivariateNormal", lambda D, p: D.LowRankMultivariateNormal(
        p["loc"], p["cov_factor"], p["cov_diag"]),
     {"loc": ((2, 3), "real"), "cov_factor": ((3, 2), "real"), "cov_diag": ((3,), "positive")}),
    ("RelaxedBernoulli", lambda D, p: D.RelaxedBernoulli(p["temperature"], probs=p["probs"]),
     {"temperature": ((), "temperature"), "probs": ((2, 3), "unit")}),
    ("RelaxedOneHotCategorical", lambda D, p: D.RelaxedOneHotCategorical(
        p["temperature"], probs=p["probs"]),
     {"temperature": ((), "temperature"), "probs": ((2, 4), "simplex")}),
    ("ContinuousBernoulli", lambda D, p: D.ContinuousBernoulli(probs=p["probs"]),
     {"probs": ((2, 3), "unit")}),
    ("Independent", lambda D, p: D.Independent(D.Normal(p["loc"], p["scale"]), 1),
     {"loc": ((2, 3), "real"), "scale": ((2, 3), "positive")}),
    ("MixtureSameFamily", lambda D, p: D.MixtureSameFamily(
        D.Categorical(probs=p["mix"]), D.Normal(p["loc"], p["scale"])),
     {"mix": ((2, 3), "simplex"), "loc": ((2, 3), "real"), "scale": ((2, 3), "positive")}),
    ("NegativeBinomial", lambda D, p: D.NegativeBinomial(p["total_count"], probs=p["probs"]),
     {"total_count": ((2, 3), "positive"), "probs": ((3,), "unit")}),
    ("InverseGamma", lambda D, p: D.InverseGamma(p["concentration"], p["rate"]),
     {"concentration": ((2, 3), "big"), "rate": ((3,), "positive")}),
    ("Kumaraswamy", lambda D, p: D.Kumaraswamy(p["concentration1"], p["concentration0"]),
     {"concentration1": ((2, 3), "big"), "concentration0": ((3,), "big")}),
    ("FisherSnedecor", lambda D, p: D.FisherSnedecor(p["df1"], p["df2"]),
     {"df1": ((2, 3), "big"), "df2": ((3,), "big")}),
    ("LogisticNormal", lambda D, p: D.LogisticNormal(p["loc"], p["scale"]),
     {"loc": ((2, 3), "real"), "scale": ((2, 3), "positive")}),
    ("GeneralizedPareto", lambda D, p: D.GeneralizedPareto(p["loc"], p["scale"], p["conc"]),
     {"loc": ((2, 3), "real"), "scale": ((3,), "positive"), "conc": ((2, 3), "real")}),
    ("VonMises", lambda D, p: D.VonMises(p["loc"], p["concentration"]),
     {"loc": ((2, 3), "real"), "concentration": ((3,), "big")}),
    ("LKJCholesky", lambda D, p: D.LKJCholesky(3, p["concentration"]),
     {"concentration": ((2,), "positive")}),
    ("Wishart", lambda D, p: D.Wishart(p["df"], covariance_matrix=p["cov"]),
     {"df": ((2,), "big"), "cov": ((3, 3), "spd")}),
    ("TransformedDistribution", lambda D, p: D.TransformedDistribution(
        D.Normal(p["loc"], p["scale"]),
        [D.transforms.AffineTransform(0.5, 2.0), D.transforms.SigmoidTransform()]),
     {"loc": ((2, 3), "real"), "scale": ((2, 3), "positive")}),
]

CASE_IDS = [c[0] for c in CASES]

# sample() draws PyTorch's numbers from the same seed (built on rand, randn,
# bernoulli, multinomial, exponential_, cauchy_, uniform_)
BIT_EXACT = {"Normal", "Uniform", "Exponential", "Laplace", "Cauchy", "LogNormal", "HalfNormal",
             "HalfCauchy", "Gumbel", "Pareto", "Weibull", "Bernoulli", "BernoulliLogits",
             "Geometric", "Categorical", "CategoricalLogits", "OneHotCategorical",
             "Multinomial", "MultivariateNormalCov", "MultivariateNormalPrec",
             "MultivariateNormalTril", "LowRankMultivariateNormal", "RelaxedBernoulli",
             "RelaxedOneHotCategorical", "ContinuousBernoulli", "Independent",
             "MixtureSameFamily", "TransformedDistribution", "Kumaraswamy", "LogisticNormal",
             "GeneralizedPareto", "VonMises"}
