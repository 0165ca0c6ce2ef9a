"""Sample rows of the special functions (ops/special_functions.py,
ops/special_namespace.py): torch ops by their names, torch.special ops as
"special.<name>". Ops PyTorch does not differentiate (Bessel functions,
polynomials) are run on fixed points and multiplied into a differentiable
input, so their values are still compared with PyTorch's."""
from op_table import ANY, POS, UNIT

GRID = [0.25, 0.75, 1.5, 2.5, 3.5, 5.5, 7.0, 9.5, 12.0, 0.1, 4.25, 6.0]
SIGNED = [-2.5, -1.25, -0.5, -0.1, 0.2, 0.6, 1.2, 2.0, 3.0, 5.5, 7.5, -6.0]
UNITS = [-0.95, -0.7, -0.3, 0.0, 0.1, 0.45, 0.8, 0.99, -0.5, 0.3, 0.6, -0.05]


def _fixed(fn, points=SIGNED):
    """x * fn(points): fn's values enter the result, no gradient through fn."""
    return lambda T, x: x * fn(T, T.tensor(points).reshape(3, 4))


def _sp(name):
    return lambda T, *a: getattr(T.special, name)(*a)


OPS = [
    ("erf", lambda T, x: T.erf(x), [((3, 4), ANY)], True),
    ("erfc", lambda T, x: x.erfc(), [((3, 4), ANY)], True),
    ("erfinv", lambda T, x: T.erfinv(x), [((3, 4), UNIT)], True),
    ("lgamma", lambda T, x: T.lgamma(x), [((3, 4), ANY)], True),
    ("digamma", lambda T, x: T.digamma(x), [((3, 4), ANY)], True),
    ("polygamma", lambda T, x: T.polygamma(2, x), [((3, 4), POS)], True),
    ("polygamma_method", lambda T, x: x.polygamma(1) + T.polygamma(0, x), [((5,), ANY)], True),
    ("mvlgamma", lambda T, x: T.mvlgamma(x + 2, 3), [((3, 4), POS)], True),
    ("mvlgamma_method", lambda T, x: (x + 1).mvlgamma(p=2), [((4,), POS)], True),
    ("i0", lambda T, x: T.i0(x), [((3, 4), ANY)], True),
    ("sinc", lambda T, x: T.sinc(x), [((3, 4), ANY)], True),
    ("logit", lambda T, x: T.logit(x / 2.5 + 0.5), [((3, 4), UNIT)], True),
    ("logit_eps", lambda T, x: x.logit(eps=0.2) + x.logit(0.01), [((3, 4), POS)], False),
    ("xlogy", lambda T, x, y: T.xlogy(x, y), [((3, 4), ANY), ((4,), POS)], True),
    ("xlogy_scalar_self", lambda T, y: T.xlogy(2.5, y), [((3, 4), POS)], True),
    ("xlogy_scalar_other", lambda T, x: x.xlogy(3.0), [((3, 4), ANY)], True),
    ("special.erf", lambda T, x: T.special.erf(x), [((5,), ANY)], True),
    ("special.erfc", lambda T, x: T.special.erfc(x), [((5,), ANY)], True),
    ("special.erfinv", lambda T, x: T.special.erfinv(x), [((5,), UNIT)], True),
    ("special.gammaln", lambda T, x: T.special.gammaln(x), [((5,), POS)], True),
    ("special.polygamma", lambda T, x: T.special.polygamma(3, x), [((5,), POS)], True),
    ("special.multigammaln", lambda T, x: T.special.multigammaln(x + 1, 2), [((5,), POS)], True),
    ("special.i0", lambda T, x: T.special.i0(x), [((5,), ANY)], True),
    ("special.sinc", lambda T, x: T.special.sinc(x.t()), [((3, 4), ANY)], True),
    ("special.logit", lambda T, x: T.special.logit(x / 2.5 + 0.5, eps=1e-6), [((5,), UNIT)],
     True),
    ("special.xlogy", lambda T, x, y: T.special.xlogy(x, y), [((2, 3), ANY), ((3,), POS)], True),
    ("special.digamma", lambda T, x: T.special.digamma(x), [((5,), POS)], True),
    ("special.psi", lambda T, x: T.special.psi(x), [((5,), ANY)], True),
    ("special.expit", lambda T, x: T.special.expit(x), [((5,), ANY)], True),
    ("special.exp2", lambda T, x: T.special.exp2(x), [((5,), ANY)], True),
    ("special.expm1", lambda T, x: T.special.expm1(x), [((5,), ANY)], True),
    ("special.log1p", lambda T, x: T.special.log1p(x), [((5,), POS)], True),
    ("special.round", lambda T, x: T.special.round(x, decimals=1) * x, [((5,), ANY)], True),
    ("special.erfcx", lambda T, x: T.special.erfcx(x), [((3, 4), ANY)], True),
    ("special.ndtr", lambda T, x: T.special.ndtr(x), [((3, 4), ANY)], True),
    ("special.ndtri", lambda T, x: T.special.ndtri(x / 2.5 + 0.5), [((3, 4), UNIT)], True),
    ("special.log_ndtr", lambda T, x: T.special.log_ndtr(x * 2), [((3, 4), ANY)], True),
    ("special.entr", lambda T, x: T.special.entr(x), [((3, 4), POS)], True),
    ("special.i0e", lambda T, x: T.special.i0e(x), [((3, 4), ANY)], True),
    ("special.i1", lambda T, x: T.special.i1(x), [((3, 4), ANY)], True),
    ("special.i1e", lambda T, x: T.special.i1e(x), [((3, 4), ANY)], True),
    ("special.xlog1py", lambda T, x, y: T.special.xlog1py(x, y), [((3, 4), ANY), ((4,), POS)],
     True),
    ("special.xlog1py_scalars", lambda T, x: T.special.xlog1py(2.0, x) + T.special.xlog1py(x, 1.5),
     [((4,), POS)], True),
    ("special.zeta", lambda T, q: T.special.zeta(T.tensor([2.0, 3.5, 5.0]).double(), q),
     [((3,), POS)], True),
    ("special.zeta_scalar", lambda T, q: T.special.zeta(2.5, q), [((3, 4), POS)], True),
    ("special.gammainc", lambda T, x: T.special.gammainc(T.tensor([0.5, 2.0, 4.5]).double(), x),
     [((3,), POS)], True),
    ("special.gammaincc",
     lambda T, x: T.special.gammaincc(T.tensor([0.5, 2.0, 4.5]).double(), x.t()),
     [((3, 3), POS)], True),
    ("special.softmax", lambda T, x: T.special.softmax(x, 1), [((3, 4), ANY)], True),
    ("special.log_softmax", lambda T, x: T.special.log_softmax(x, dim=0), [((3, 4), ANY)], True),
    ("special.logsumexp", lambda T, x: T.special.logsumexp(x, 1), [((3, 4), ANY)], True),
    ("special.logsumexp_dims", lambda T, x: T.special.logsumexp(x, (0, -1), keepdim=True),
     [((2, 3, 4), ANY)], True),
    ("special.airy_ai", _fixed(lambda T, g: T.special.airy_ai(g)), [((3, 4), ANY)], True),
    ("special.bessel_j0", _fixed(lambda T, g: T.special.bessel_j0(g)), [((3, 4), ANY)], True),
    ("special.bessel_j1", _fixed(lambda T, g: T.special.bessel_j1(g)), [((3, 4), ANY)], True),
    ("special.bessel_y0", _fixed(lambda T, g: T.special.bessel_y0(g), GRID), [((3, 4), ANY)], True),
    ("special.bessel_y1", _fixed(lambda T, g: T.special.bessel_y1(g), GRID), [((3, 4), ANY)], True),
    ("special.modified_bessel_i0", _fixed(lambda T, g: T.special.modified_bessel_i0(g)),
     [((3, 4), ANY)], True),
    ("special.modified_bessel_i1", _fixed(lambda T, g: T.special.modified_bessel_i1(g)),
     [((3, 4), ANY)], True),
    ("special.modified_bessel_k0", _fixed(lambda T, g: T.special.modified_bessel_k0(g), GRID),
     [((3, 4), ANY)], True),
    ("special.modified_bessel_k1", _fixed(lambda T, g: T.special.modified_bessel_k1(g), GRID),
     [((3, 4), ANY)], True),
    ("special.scaled_modified_bessel_k0",
     _fixed(lambda T, g: T.special.scaled_modified_bessel_k0(g), GRID), [((3, 4), ANY)], True),
    ("special.scaled_modified_bessel_k1",
     _fixed(lambda T, g: T.special.scaled_modified_bessel_k1(g), GRID), [((3, 4), ANY)], True),
    ("special.spherical_bessel_j0", _fixed(lambda T, g: T.special.spherical_bessel_j0(g)),
     [((3, 4), ANY)], True),
]

# The polynomials: a degree tensor, and a number, in turn.
DEGREES = [0, 1, 2, 3, 5, 7, 9, 12, 4, 6, 8, 10]
for _name in ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
              "chebyshev_polynomial_w", "shifted_chebyshev_polynomial_t",
              "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
              "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he",
              "laguerre_polynomial_l", "legendre_polynomial_p"]:
    OPS.append((f"special.{_name}", _fixed(
        lambda T, g, f=_name: getattr(T.special, f)(g, T.tensor(DEGREES).reshape(3, 4)), UNITS),
        [((3, 4), ANY)], True))
    OPS.append((f"special.{_name}_scalar_n", _fixed(
        lambda T, g, f=_name: (getattr(T.special, f)(g, 4)
                               + getattr(T.special, f)(0.3, g.abs() * 10)),
        UNITS), [((3, 4), ANY)], True))
