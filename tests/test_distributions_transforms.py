"""transforms, constraints and constraint_registry against PyTorch: values,
inverses, log |det J|, shapes, reprs, equality, caching, and biject_to /
transform_to for every registered constraint."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _val(T, shape, kind, seed=0):
    rs = np.random.RandomState(seed)
    if kind == "positive":
        a = rs.uniform(0.3, 2.0, shape)
    elif kind == "unit":
        a = rs.uniform(0.05, 0.95, shape)
    elif kind == "open":
        a = rs.uniform(-0.9, 0.9, shape)
    else:
        a = rs.randn(*shape)
    return T.tensor(a)


# (build(T, D.transforms), input shape, input kind)
TRANSFORMS = [
    (lambda T, t: t.ExpTransform(), (2, 3), "real"),
    (lambda T, t: t.PowerTransform(T.tensor(2.5, dtype=T.float64)), (2, 3), "positive"),
    (lambda T, t: t.SigmoidTransform(), (2, 3), "real"),
    (lambda T, t: t.SoftplusTransform(), (2, 3), "real"),
    (lambda T, t: t.TanhTransform(), (2, 3), "real"),
    (lambda T, t: t.AbsTransform(), (2, 3), "real"),
    (lambda T, t: t.AffineTransform(1.5, -2.0), (2, 3), "real"),
    (lambda T, t: t.AffineTransform(T.ones(3, dtype=T.float64), T.tensor([1.0, 2.0, 3.0],
                                    dtype=T.float64), event_dim=1), (2, 3), "real"),
    (lambda T, t: t.SoftmaxTransform(), (2, 3), "real"),
    (lambda T, t: t.StickBreakingTransform(), (2, 3), "real"),
    (lambda T, t: t.LowerCholeskyTransform(), (2, 3, 3), "real"),
    (lambda T, t: t.PositiveDefiniteTransform(), (2, 3, 3), "real"),
    (lambda T, t: t.CorrCholeskyTransform(), (2, 6), "real"),
    (lambda T, t: t.ComposeTransform([t.ExpTransform(), t.AffineTransform(0.0, 3.0)]), (2, 3),
     "real"),
    (lambda T, t: t.ComposeTransform([t.StickBreakingTransform(), t.AffineTransform(1.0, 2.0)]),
     (2, 3), "real"),
    (lambda T, t: t.IndependentTransform(t.SigmoidTransform(), 1), (2, 3), "real"),
    (lambda T, t: t.ReshapeTransform((2, 3), (6,)), (4, 2, 3), "real"),
    (lambda T, t: t.CatTransform([t.ExpTransform(), t.identity_transform], dim=1,
                                 lengths=[1, 2]), (2, 3), "real"),
    (lambda T, t: t.StackTransform([t.ExpTransform(), t.TanhTransform()], dim=1), (3, 2),
     "real"),
    (lambda T, t: t.ExpTransform().inv, (2, 3), "positive"),
    (lambda T, t: t.CumulativeDistributionTransform(
        __import__(T.__name__).distributions.Normal(0.5, 2.0)), (2, 3), "real"),
]


def _pair(i):
    build, shape, kind = TRANSFORMS[i]
    return [(build(T, T.distributions.transforms), _val(T, shape, kind)) for T in (ember, torch)]


def _np(x):
    return x.detach().numpy() if hasattr(x, "detach") else np.asarray(x)


@pytest.mark.parametrize("i", range(len(TRANSFORMS)))
def test_transform_against_torch(i):
    (te, xe), (tt, xt) = _pair(i)
    ye, yt = te(xe), tt(xt)
    np.testing.assert_allclose(_np(ye), _np(yt), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(_np(te.inv(ye)), _np(tt.inv(yt)), rtol=1e-10, atol=1e-12)
    try:
        ldj_t = tt.log_abs_det_jacobian(xt, yt)
    except NotImplementedError:
        with pytest.raises(NotImplementedError):
            te.log_abs_det_jacobian(xe, ye)
    else:
        np.testing.assert_allclose(_np(te.log_abs_det_jacobian(xe, ye)), _np(ldj_t),
                                   rtol=1e-10, atol=1e-12)
    assert repr(te) == repr(tt)
    for attr in ("domain", "codomain", "bijective"):
        assert repr(getattr(te, attr)) == repr(getattr(tt, attr)), attr
    assert repr(te.inv) == repr(tt.inv)
    shape = tuple(xt.shape)
    assert tuple(te.forward_shape(shape)) == tuple(tt.forward_shape(shape))
    out = tuple(yt.shape)
    assert tuple(te.inverse_shape(out)) == tuple(tt.inverse_shape(out))
    for attr in ("sign", "event_dim"):
        try:
            expected = getattr(tt, attr)
        except (NotImplementedError, ValueError) as exc:
            with pytest.raises(type(exc)):
                getattr(te, attr)
        else:
            got = getattr(te, attr)
            assert np.array_equal(_np(got), _np(expected)), attr


def test_transform_gradients_match():
    x = np.random.RandomState(1).randn(2, 3)
    grads = []
    for T in (ember, torch):
        t = T.distributions.transforms
        tr = t.ComposeTransform([t.TanhTransform(), t.AffineTransform(0.5, 2.0)])
        xs = T.tensor(x, requires_grad=True)
        y = tr(xs)
        (y.sum() + tr.log_abs_det_jacobian(xs, y).sum()).backward()
        grads.append(xs.grad.numpy())
    np.testing.assert_allclose(*grads, rtol=1e-12)


def test_equality_caching_and_errors():
    t = ember.distributions.transforms
    assert t.ExpTransform() == t.ExpTransform() and t.ExpTransform() != t.SigmoidTransform()
    assert t.AffineTransform(1.0, 2.0) == t.AffineTransform(1.0, 2.0)
    assert t.AffineTransform(1.0, 2.0) != t.AffineTransform(1.0, 3.0)
    assert t.ExpTransform().inv == t.ExpTransform().inv
    assert t.ComposeTransform([t.ExpTransform()]) == t.ComposeTransform([t.ExpTransform()])
    cached = t.ExpTransform(cache_size=1)
    x = ember.tensor([0.5])
    y = cached(x)
    assert cached.inv(y) is x and cached(x) is y
    assert t.ExpTransform().with_cache(1)._cache_size == 1
    with pytest.raises(ValueError, match="cache_size must be 0 or 1"):
        t.ExpTransform(cache_size=2)
    with pytest.raises(ValueError, match="in_shape, out_shape have different numbers of"):
        t.ReshapeTransform((2, 3), (5,))
    with pytest.raises(TypeError):
        hash(t.ExpTransform())  # __eq__ without __hash__, as in PyTorch
    assert t.identity_transform(x) is x


CONSTRAINTS = [
    lambda c, T: c.real, lambda c, T: c.positive, lambda c, T: c.nonnegative,
    lambda c, T: c.greater_than(1.5), lambda c, T: c.greater_than_eq(-1.0),
    lambda c, T: c.less_than(2.0), lambda c, T: c.interval(-1.0, 3.0),
    lambda c, T: c.half_open_interval(0.0, 2.0), lambda c, T: c.unit_interval,
    lambda c, T: c.simplex, lambda c, T: c.lower_cholesky, lambda c, T: c.corr_cholesky,
    lambda c, T: c.positive_definite, lambda c, T: c.positive_semidefinite,
    lambda c, T: c.independent(c.positive, 1), lambda c, T: c.real_vector,
    lambda c, T: c.cat([c.positive, c.real], 0, [1, 2]),
    lambda c, T: c.stack([c.positive, c.unit_interval], 0),
]


@pytest.mark.parametrize("i", range(len(CONSTRAINTS)))
def test_biject_to_and_transform_to(i):
    x = np.random.RandomState(i).randn(2 if i == len(CONSTRAINTS) - 1 else 3, 3)
    for registry in ("biject_to", "transform_to"):
        out = []
        for T in (ember, torch):
            D = T.distributions
            con = CONSTRAINTS[i](D.constraints, T)
            try:
                tr = getattr(D, registry)(con)
            except NotImplementedError as exc:
                out.append(("error", str(exc)))
                continue
            y = tr(T.tensor(x))
            out.append((repr(con), repr(tr), y.numpy(), bool(con.check(y).all())))
        if out[1][0] == "error":
            assert out[0] == out[1]
            continue
        assert out[0][:2] == out[1][:2] and out[0][3] and out[1][3]
        np.testing.assert_allclose(out[0][2], out[1][2], rtol=1e-12, atol=1e-14)


CHECKS = [
    ("boolean", lambda c: c.boolean, [[0.0, 1.0, 0.5]]),
    ("one_hot", lambda c: c.one_hot, [[[0.0, 1.0], [1.0, 1.0]]]),
    ("nonnegative_integer", lambda c: c.nonnegative_integer, [[-1.0, 0.0, 2.0, 2.5]]),
    ("positive_integer", lambda c: c.positive_integer, [[0.0, 1.0, 3.0]]),
    ("integer_interval", lambda c: c.integer_interval(0, 3), [[-1.0, 0.0, 3.0, 4.0, 1.5]]),
    ("real", lambda c: c.real, [[0.0, float("nan"), float("inf")]]),
    ("simplex", lambda c: c.simplex, [[[0.5, 0.5], [0.5, 0.6], [-0.1, 1.1]]]),
    ("multinomial", lambda c: c.multinomial(3), [[[1.0, 2.0], [3.0, 1.0]]]),
    ("lower_triangular", lambda c: c.lower_triangular, [[[1.0, 0.0], [2.0, -1.0]]]),
    ("lower_cholesky", lambda c: c.lower_cholesky, [[[1.0, 0.0], [2.0, -1.0]]]),
    ("square", lambda c: c.square, [[[1.0, 0.0, 2.0], [2.0, -1.0, 3.0]]]),
    ("symmetric", lambda c: c.symmetric, [[[1.0, 2.0], [2.0, 1.0]]]),
    ("positive_definite", lambda c: c.positive_definite, [[[1.0, 2.0], [2.0, 1.0]]]),
    ("positive_semidefinite", lambda c: c.positive_semidefinite, [[[1.0, 1.0], [1.0, 1.0]]]),
    ("dependent", lambda c: c.dependent, None),
]


@pytest.mark.parametrize("case", CHECKS, ids=[c[0] for c in CHECKS])
def test_constraint_checks_and_reprs(case):
    _, build, values = case
    ce, ct = build(ember.distributions.constraints), build(torch.distributions.constraints)
    assert repr(ce) == repr(ct)
    for attr in ("is_discrete", "event_dim"):
        try:
            expected = getattr(ct, attr)
        except NotImplementedError as exc:
            with pytest.raises(NotImplementedError, match=str(exc).replace(".", r"\.")):
                getattr(ce, attr)
        else:
            assert getattr(ce, attr) == expected
    if values is None:
        with pytest.raises(ValueError, match="Cannot determine validity of dependent"):
            ce.check(ember.zeros(1))
        return
    for v in values:
        np.testing.assert_array_equal(ce.check(ember.tensor(v)).numpy(),
                                      ct.check(torch.tensor(v)).numpy())


def test_constraints_namespace_matches():
    names = set(torch.distributions.constraints.__all__)
    assert names <= set(dir(ember.distributions.constraints))
    assert set(torch.distributions.transforms.__all__) <= set(
        dir(ember.distributions.transforms))
    assert set(torch.distributions.__all__) <= set(ember.distributions.__all__)
