"""The special functions beyond their op-table rows: values against PyTorch
over whole ranges (poles, infinities, NaN, huge and tiny arguments) on both
the NumPy path and the optional SciPy path, dtypes, keyword arguments,
errors, and the derivatives PyTorch refuses."""
import math

import numpy as np
import pytest

import ember
from compare_torch import chain, check, check_error
from ember.ops import special_series

torch = pytest.importorskip("torch")

PATHS = ["numpy"] + (["scipy"] if special_series.scipy_special() is not None else [])


@pytest.fixture(params=PATHS)
def path(request, monkeypatch):
    """Each value test runs without SciPy, and with it where installed."""
    if request.param == "numpy":
        monkeypatch.setattr(special_series, "_sc", None)
    return request.param


EDGES = [0.0, -0.0, 1e-300, 1e-10, -1e-10, 1e-6, 0.5, 1.0, 2.0, -1.0, -2.0, -3.5, 2.09, -2.09,
         5.0, -5.0, 8.0, -8.0, 26.5, -26.5, 27.0, 49.9, 50.1, 103.0, 104.0, 700.0, 710.0, -710.0,
         1e5, -1e5, 1e8, 1e17, 1e300, math.inf, -math.inf, math.nan]
LINE = np.concatenate([np.linspace(-30, 30, 601), EDGES])
UNIT_LINE = np.concatenate([np.linspace(-1, 1, 401), [1e-300, -1e-20, 0.999999, -0.99999, 2.0,
                                                      -2.0, math.nan]])
PROB_LINE = np.concatenate([np.linspace(0, 1, 401), [1e-300, 1e-20, 1 - 1e-16, 1e-14, 2.0, -2.0,
                                                     math.nan]])


def _compare(name, points, rtol=1e-12, atol=1e-300, dtype=np.float64):
    fn = {"special": lambda lib: lib.special}.get(name.split(".")[0], lambda lib: lib)
    attr = name.split(".")[-1]
    with np.errstate(over="ignore"):     # 1e300 becomes inf in float32
        xs = np.asarray(points, dtype)
    got = getattr(fn(ember), attr)(ember.tensor(xs))
    want = getattr(fn(torch), attr)(torch.tensor(xs))
    assert got.dtype.name == str(want.dtype).replace("torch.", "")
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=rtol, atol=atol, equal_nan=True,
                               err_msg=name)


ON_LINE = ["erf", "erfc", "lgamma", "digamma", "i0", "sinc", "special.erfcx", "special.log_ndtr",
           "special.i0e", "special.i1", "special.i1e", "special.entr", "special.ndtr",
           "special.bessel_j0", "special.bessel_j1", "special.bessel_y0", "special.bessel_y1",
           "special.modified_bessel_i0", "special.modified_bessel_i1",
           "special.modified_bessel_k0", "special.modified_bessel_k1",
           "special.scaled_modified_bessel_k0", "special.scaled_modified_bessel_k1",
           "special.spherical_bessel_j0", "special.airy_ai", "special.expit", "special.psi",
           "special.gammaln"]


@pytest.mark.parametrize("name", ON_LINE)
def test_values_float64(name, path):
    atol = 1e-13 if name in ("lgamma", "digamma", "special.psi", "special.gammaln") else 1e-300
    _compare(name, LINE, atol=atol)


def test_values_of_unit_arguments(path):
    # erfinv near +-1 moves by ulps of erf there: PyTorch's libm erf is not ours
    _compare("erfinv", UNIT_LINE, rtol=1e-9)
    _compare("special.ndtri", PROB_LINE)
    _compare("logit", PROB_LINE)


@pytest.mark.parametrize("name", ON_LINE + ["erfinv", "special.ndtri"])
def test_values_float32(name, path):
    points = UNIT_LINE if name in ("erfinv", "special.ndtri") else LINE
    # float32 near roots and poles: PyTorch's float32 kernels round
    # differently; ndtr's 1 + erf(x) shows PyTorch's float32 erf's last bit
    atol = 1e-6 if "gamma" in name or name in ("digamma", "special.psi") else 1e-30
    _compare(name, points, rtol=2e-5, atol=6e-8 if name == "special.ndtr" else atol,
             dtype=np.float32)


def test_polygamma_and_zeta(path):
    x = torch.tensor(LINE)
    for n in (0, 1, 2, 3, 6):
        np.testing.assert_allclose(ember.polygamma(n, ember.tensor(LINE)).numpy(),
                                   torch.polygamma(n, x).numpy(), rtol=1e-11, atol=1e-13,
                                   equal_nan=True, err_msg=str(n))
    for s in (1.0, 0.5, 2.0, 2.5, 4.0, 11.0):
        np.testing.assert_allclose(ember.special.zeta(s, ember.tensor(LINE)).numpy(),
                                   torch.special.zeta(s, x).numpy(), rtol=1e-10,  # (libm pow differs)
                                   equal_nan=True, err_msg=str(s))
    q = np.array([0.5, 1.0, 2.5, 10.0, -1.5, -2.0, 0.0, math.inf, math.nan])
    np.testing.assert_allclose(ember.special.zeta(ember.tensor(LINE[::7]), 1.5).numpy(),
                               torch.special.zeta(torch.tensor(LINE[::7]), 1.5).numpy(),
                               rtol=1e-11, equal_nan=True)
    s = [2.0, 3.0, 2.5]
    np.testing.assert_allclose(
        ember.special.zeta(ember.tensor(s), ember.tensor(q[:, None])).numpy(),
        torch.special.zeta(torch.tensor(s), torch.tensor(q[:, None])).numpy(),
        rtol=1e-11, equal_nan=True)


def test_incomplete_gamma(path):
    a, x = np.meshgrid([0, 1e-3, 0.5, 1, 2.5, 10, 30, 100, 250, 1000, math.inf, math.nan, -1],
                       [0, 1e-3, 0.5, 1, 1.05, 2.5, 3.3, 10, 30, 100, 240, 1000, math.inf,
                        math.nan, -1])
    rng = np.random.default_rng(0)
    spread = 10 ** rng.uniform(-3, 3.5, 600)
    near = rng.uniform(15, 300, 200)        # a ~ x: the asymptotic expansion
    a = np.concatenate([a.ravel(), spread, near])
    x = np.concatenate([x.ravel(), spread * 10 ** rng.uniform(-2, 1, 600),
                        near * rng.uniform(0.6, 1.4, 200)])
    for fn in ("gammainc", "gammaincc"):
        got = getattr(ember.special, fn)(ember.tensor(a), ember.tensor(x)).numpy()
        want = getattr(torch.special, fn)(torch.tensor(a), torch.tensor(x)).numpy()
        # (values down to 1e-300: x**a e**-x loses digits to a log x - x)
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-300, equal_nan=True)


POLYNOMIALS = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
               "chebyshev_polynomial_w", "shifted_chebyshev_polynomial_t",
               "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
               "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he",
               "laguerre_polynomial_l", "legendre_polynomial_p"]


@pytest.mark.parametrize("name", POLYNOMIALS)
def test_polynomials(name):
    # (x = NaN is left out: PyTorch returns uninitialised memory there)
    x = np.concatenate([np.linspace(-3, 3, 61), [0, 1, -1, 0.5, math.inf, -math.inf, 1e-3]])
    n = np.array([-1, 0, 1, 2, 3, 5, 6, 7, 8, 9, 12, 30, 2.5, math.nan, math.inf, 600])
    for dtype in (np.float64, np.float32):
        # (degree 600 overflows float32 along different paths)
        xx, nn = (np.asarray(v, dtype) for v in np.meshgrid(x, n if dtype == np.float64
                                                                else n[:-1]))
        got = getattr(ember.special, name)(ember.tensor(xx), ember.tensor(nn))
        want = getattr(torch.special, name)(torch.tensor(xx), torch.tensor(nn))
        assert got.dtype.name == str(want.dtype).replace("torch.", "")
        wide = dtype == np.float64
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-9 if wide else 1e-3,
                                   atol=1e-12 if wide else 1e-6, equal_nan=True)
    check(lambda T: getattr(T.special, name)(T.tensor([0.3, -0.7, 2.0]), 3), rtol=1e-5)
    check(lambda T: getattr(T.special, name)(0.4, T.tensor([0, 1, 4, 7])), rtol=1e-5)
    check(lambda T: getattr(T.special, name)(T.tensor([0.25, 1.0]), T.tensor([[2], [5]])),
          rtol=1e-5)
    check(lambda T: getattr(T.special, name)(T.tensor([1, 2]), T.tensor([3, 4])), rtol=1e-5)
    check(lambda T: getattr(T.special, name)(2.0, 3), message=False)


@pytest.mark.parametrize("dtype", ["int64", "int32", "bool", "float16", "float64"])
def test_dtypes(dtype):
    def values(T):
        return T.tensor([0, 1, 2, 0, 1], dtype=getattr(T, dtype))
    for f in [lambda T, x: T.erf(x), lambda T, x: T.erfc(x), lambda T, x: T.erfinv(x),
              lambda T, x: T.lgamma(x), lambda T, x: T.digamma(x), lambda T, x: T.i0(x),
              lambda T, x: T.sinc(x), lambda T, x: T.logit(x), lambda T, x: T.polygamma(1, x),
              lambda T, x: T.mvlgamma(x + 2, 2), lambda T, x: T.xlogy(x, x),
              lambda T, x: T.xlogy(2, x), lambda T, x: T.special.xlog1py(x, 1.5),
              lambda T, x: T.special.erfcx(x), lambda T, x: T.special.ndtr(x),
              lambda T, x: T.special.ndtri(x), lambda T, x: T.special.log_ndtr(x),
              lambda T, x: T.special.entr(x), lambda T, x: T.special.i0e(x),
              lambda T, x: T.special.i1(x), lambda T, x: T.special.i1e(x),
              lambda T, x: T.special.zeta(x + 1, x + 1),
              lambda T, x: T.special.bessel_j0(x), lambda T, x: T.special.airy_ai(x),
              lambda T, x: T.special.modified_bessel_k1(x)]:
        check(lambda T: f(T, values(T)), rtol=1e-3 if dtype == "float16" else 1e-6)


def test_incomplete_gamma_refusals():
    check_error(lambda T: (T.tensor([1, 2]), T.tensor([1, 2])),
                lambda T, a, x: T.special.gammainc(a, x))
    check_error(lambda T: (T.tensor([1.0, 2.0]),), lambda T, a: T.special.gammaincc(a, 2.0))
    check_error(lambda T: (T.tensor([1.0, 2.0]),), lambda T, a: T.special.gammainc(2.0, a))
    check(lambda T: T.special.gammainc(T.tensor([1.0, 2.5]), T.tensor([[0.5], [3.0]])))


@pytest.mark.parametrize("op", [
    lambda T, x: T.special.gammainc(x, T.tensor([1.0, 2.0]).double()),
    lambda T, x: T.special.gammaincc(x, T.tensor([1.0, 2.0]).double()),
    lambda T, x: T.special.zeta(x + 1, T.tensor([1.0, 2.0]).double()),
    lambda T, x: T.special.zeta(x + 1, 2.0),
])
def test_derivatives_pytorch_does_not_have(op):
    def run(T):
        x = T.tensor([1.5, 2.5], dtype=T.float64, requires_grad=True)
        op(T, x).sum().backward()
    check_error(lambda T: (), lambda T: run(T))


def test_argument_errors():
    x = lambda T: (T.tensor([0.5, 1.5]),)
    check_error(x, lambda T, t: T.polygamma(-1, t))
    check_error(x, lambda T, t: T.polygamma(1.5, t))
    check_error(x, lambda T, t: T.mvlgamma(t, 0))
    check_error(x, lambda T, t: T.mvlgamma(t, 1.5))
    check_error(x, lambda T, t: T.xlogy(t, T.ones(3)))
    check_error(x, lambda T, t: T.special.zeta(t, T.ones(3)))
    check(lambda T: T.xlogy(2, 3), message=False)
    check(lambda T: T.special.zeta(2, 3), message=False)
    check(lambda T: T.special.xlog1py(2.0, 3.0), message=False)


def test_keywords_and_methods():
    x = lambda T: T.tensor([[0.05, 0.3, 0.6], [0.9, 0.99, 0.5]])
    check(lambda T: T.logit(x(T), eps=0.1))
    check(lambda T: x(T).logit(0.2))
    check(lambda T: T.special.logit(x(T), eps=None))
    check(lambda T: x(T).polygamma(2))
    check(lambda T: x(T).polygamma(n=3))
    check(lambda T: T.special.polygamma(1, input=x(T)))
    check(lambda T: T.polygamma(n=1, input=x(T)))
    check(lambda T: x(T).mvlgamma(p=3))
    check(lambda T: T.mvlgamma(input=x(T) + 2, p=2))
    check(lambda T: T.special.multigammaln(x(T) + 2, p=3))
    check(lambda T: x(T).xlogy(x(T).t().t()))
    check(lambda T: T.xlogy(x(T), other=3))
    check(lambda T: T.special.round(x(T) * 10, decimals=-1))
    check(lambda T: T.special.softmax(x(T), 1, dtype=T.float64))
    check(lambda T: T.special.log_softmax(x(T), dim=0))
    check(lambda T: T.special.logsumexp(x(T), dim=(0, 1)))
    check(lambda T: T.special.logsumexp(x(T), 0, keepdim=True))
    check(lambda T: T.special.logsumexp(T.tensor([-math.inf, -math.inf]), 0))
    check(lambda T: T.special.logsumexp(T.tensor([math.inf, 1.0]), 0))
    check(lambda T: T.special.logsumexp(T.tensor(2.0), 0))
    check(lambda T: T.special.logsumexp(T.ones(0, 3), 0))
    check(lambda T: T.special.expit(T.zeros(0, 2)))
    check(lambda T: T.special.erf(T.tensor(0.5)))


def test_in_place_variants():
    for name, args in [("erf", ()), ("erfc", ()), ("erfinv", ()), ("lgamma", ()),
                       ("digamma", ()), ("i0", ()), ("sinc", ()), ("logit", (0.1,)),
                       ("polygamma", (2,)), ("mvlgamma", (1,)), ("xlogy", (2.0,))]:
        def run(T):
            x = T.tensor([0.2, 0.5, 0.7])
            y = getattr(x, name + "_")(*args)
            return x, y is x, x._version if T is ember else x._version
        check(run)
    check_error(lambda T: (T.tensor([0.5], requires_grad=True),), lambda T, x: x.erf_())


def test_out_argument():
    for f in [lambda T, o: T.special.erfcx(T.tensor([0.5, 2.0]), out=o),
              lambda T, o: T.special.bessel_j0(T.tensor([0.5, 2.0]), out=o),
              lambda T, o: T.special.chebyshev_polynomial_t(T.tensor([0.5, 2.0]), 3, out=o),
              lambda T, o: T.special.gammainc(T.tensor([0.5, 2.0]), T.tensor([1.0, 1.0]), out=o),
              lambda T, o: T.special.xlogy(2.0, T.tensor([0.5, 2.0]), out=o),
              lambda T, o: T.special.logsumexp(T.tensor([0.5, 2.0]), 0, out=o),
              lambda T, o: T.special.ndtr(T.tensor([0.5, 2.0]), out=o),
              lambda T, o: T.polygamma(2, T.tensor([0.5, 2.0]), out=o),
              lambda T, o: T.mvlgamma(T.tensor([1.5, 2.0]), 2, out=o)]:
        def run(T):
            o = T.empty(2)
            r = f(T, o)
            return r, r is o
        check(run)
    check(lambda T: T.special.softmax(T.ones(2), 0, out=T.empty(2)), message=False)


def test_gradients_at_special_points():
    for f in [lambda T, x: T.special.i0e(x), lambda T, x: T.special.i1(x),
              lambda T, x: T.special.i1e(x), lambda T, x: T.sinc(x), lambda T, x: T.i0(x),
              lambda T, x: T.logit(x), lambda T, x: T.logit(x, 0.25),
              lambda T, x: T.xlogy(x, x), lambda T, x: T.special.xlog1py(x, x),
              lambda T, x: T.special.entr(x), lambda T, x: T.special.ndtri(x)]:
        def run(T):
            x = T.tensor([0.0, 0.25, 0.5, 1.0, -0.5], dtype=T.float64, requires_grad=True)
            y = f(T, x)
            (g,) = T.autograd.grad(y.sum(), x)
            return y, g
        with np.errstate(all="ignore"):
            check(run, rtol=1e-10)


def test_grad_fn_chains():
    x = lambda T: T.tensor([0.5, -1.0], requires_grad=True)
    for f in [lambda T: T.special.ndtr(x(T)), lambda T: T.special.psi(x(T)),
              lambda T: T.special.gammaln(x(T)), lambda T: T.special.expit(x(T)),
              lambda T: T.special.multigammaln(x(T) + 3, 2), lambda T: T.special.xlogy(x(T), 2),
              lambda T: T.special.xlog1py(3, x(T)), lambda T: T.special.logsumexp(x(T), 0)]:
        assert chain(f(ember)) == chain(f(torch))
    for f in [lambda T: T.special.bessel_y1(x(T)), lambda T: T.special.airy_ai(x(T)),
              lambda T: T.special.legendre_polynomial_p(x(T), 3)]:
        check(f)        # no derivative in PyTorch: a plain tensor


def test_second_derivatives():
    for f in [lambda T, x: T.digamma(x), lambda T, x: T.polygamma(2, x),
              lambda T, x: T.special.i0e(x), lambda T, x: T.special.i1e(x),
              lambda T, x: T.erfinv(x / 3), lambda T, x: T.special.log_ndtr(x),
              lambda T, x: T.special.zeta(2.5, x + 1)]:
        def run(T):
            x = T.tensor([0.3, 1.7, 2.2], dtype=T.float64, requires_grad=True)
            (g,) = T.autograd.grad(f(T, x).sum(), x, create_graph=True)
            (h,) = T.autograd.grad(g.sum(), x)
            return g.detach(), h
        check(run, rtol=1e-9)


def test_out_argument_with_autograd():
    # out= refuses autograd, naming PyTorch's kernel (sigmoid() for expit)
    for f in [lambda T, x: T.special.expit(x, out=T.empty(2)),
              lambda T, x: T.special.gammaln(x, out=T.empty(2)),
              lambda T, x: T.special.psi(x, out=T.empty(2)),
              lambda T, x: T.special.multigammaln(x + 3, 2, out=T.empty(2)),
              lambda T, x: T.special.polygamma(2, x, out=T.empty(2)),
              lambda T, x: T.special.erfcx(x, out=T.empty(2)),
              lambda T, x: T.special.xlogy(x, 2.0, out=T.empty(2)),
              lambda T, x: T.special.gammainc(x, T.ones(2), out=T.empty(2)),
              lambda T, x: T.special.gammaincc(x, T.ones(2), out=T.empty(2)),
              lambda T, x: T.special.logsumexp(x, 0, out=T.empty(()))]:
        check_error(lambda T: (T.ones(2, requires_grad=True),), f)

    def composite(T):
        # ndtr composes other ops in PyTorch: out= records a copy instead
        x, o = T.tensor([0.5, -1.0], requires_grad=True), T.empty(2)
        r = T.special.ndtr(x, out=o)
        r.sum().backward()
        return r, r is o, x.grad
    check(composite)
    check(lambda T: T.special.ndtr(T.ones(2), out=T.empty(3)))
    check(lambda T: T.special.ndtr(T.ones(2), out=T.empty(2, dtype=T.int64)))


@pytest.mark.parametrize("name", ["xlogy", "special.xlog1py", "special.xlogy"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_xlogy_gradient_at_zero_self(name, dtype):
    """d/dx xlogy(x, y) is log(y) also where x == 0 (derivatives.yaml's
    xlogy(grad, other), zeroed only where x == 0 and y is at or past the
    log's edge): a zero x with a positive y keeps its gradient."""
    torch = pytest.importorskip("torch")
    grads = []
    for T in (ember, torch):
        fn = T
        for part in name.split("."):
            fn = getattr(fn, part)
        dt = getattr(T, dtype)
        x = T.tensor([0.0, 1.0, 0.0, 2.0, 0.0, 0.0], dtype=dt, requires_grad=True)
        y = T.tensor([2.0, 3.0, -1.0, 0.5, float("nan"), -0.5], dtype=dt, requires_grad=True)
        fn(x, y).sum().backward()
        xs = T.tensor([0.0, 1.5], dtype=dt, requires_grad=True)
        fn(xs, 2.0).sum().backward()
        grads.append([t.grad.numpy() for t in (x, y, xs)])
    for e, t in zip(*grads):
        np.testing.assert_allclose(e, t, rtol=1e-6, equal_nan=True)
