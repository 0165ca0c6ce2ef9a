"""torch.special: its own ops, and the torch ops it shares (declared again
under the namespace "special", so they keep PyTorch's grad_fn names)."""
from .._python_data import _tname
import math

from ._common import (D, Tensor, _result_dtype, _state, laid_out_cast, np, recorded, wrap, wrap_dim,
                      as_dims)
from ._out import into, write
from ._registry import REGISTRY, grad_fn, register, with_out
from . import special_bessel as _B
from . import special_polynomials as _P
from . import special_igamma as _G
from . import special_series as _S
from .scalar_arith import add_scalar, mul_scalar
from .pointwise import _KEEPS_DTYPE
from .selection import RoundBackward1, special_round
from .special_functions import (binary_float_arrays, declare_unary, digamma, erf, erfc, erfinv,
                                float_data, i0, lgamma, logit, mvlgamma, not_implemented,
                                on_float64, on_float64_expf, on_own_precision, polygamma, refuse_half, sinc,
                                xlogy)

_SQRT_2PI = math.sqrt(2 * math.pi)


def special(name, function, out=True, method=None, out_name=None):
    """Declare `function` as torch.special.<name>. A torch op declared again
    under its own name keeps its surface (x.erf(), x.erf_() are the same op);
    under another name (gammaln, psi, expit) it is a function only. Its out=
    errors name the torch op, as PyTorch's do (sigmoid(), not special_expit())."""
    torch_op = REGISTRY.get(function.__name__)
    same = torch_op is not None and torch_op.name == name
    # (an op that checks its out= keeps the check under its special name)
    check = torch_op.out if torch_op is not None and callable(torch_op.out) else None
    register(function, name, namespace="special", out=out and (check or out),
             method=same and torch_op.method if method is None else method,
             inplace=same and torch_op.inplace, node=torch_op.node if torch_op else None)
    out_name = out_name or (torch_op.name if torch_op is not None else None)
    if out and out_name:
        key = f"special.{name}"
        REGISTRY[key] = REGISTRY[key]._replace(public=with_out(REGISTRY[key].function,
                                                              out_name, check))


for _name, _fn in [("erf", erf), ("erfc", erfc), ("erfinv", erfinv), ("gammaln", lgamma),
                   ("polygamma", polygamma), ("multigammaln", mvlgamma), ("i0", i0),
                   ("sinc", sinc), ("logit", logit), ("xlogy", xlogy)]:
    special(_name, _fn)
special("digamma", digamma)
special("psi", digamma)
for _name, _torch_name in [("expit", "sigmoid"), ("exp2", "exp2"), ("expm1", "expm1"),
                           ("log1p", "log1p")]:
    special(_name, REGISTRY[_torch_name].function)
register(special_round, "round", namespace="special", method=False, out=_KEEPS_DTYPE,
         node=RoundBackward1)


def unary(name, kernel, node, half=True):
    return declare_unary(name, kernel, node, namespace="special", method=False, inplace=False,
                         half=half)


erfcx = unary("erfcx", _S.erfcx, grad_fn(
    "SpecialErfcxBackward0",
    self=lambda xp, g, self, result: g * (2 * self * result - 2 / math.sqrt(math.pi))),
    half=False)
ndtri = unary("ndtri", _S.ndtri, grad_fn(
    "SpecialNdtriBackward0",
    self=lambda xp, g, result: g * _SQRT_2PI * xp.exp(result * result / 2)), half=False)
log_ndtr = unary("log_ndtr", _S.log_ndtr, grad_fn(
    "SpecialLogNdtrBackward0",
    self=lambda xp, g, self, result: g / _SQRT_2PI * xp.exp(-(result + self * self / 2))),
    half=False)
def _sgn(xp, x):
    """derivatives.yaml's self.sgn() (sign on arrays: the same values for real x)."""
    return xp.sgn(x) if xp.recording else xp.sign(x)


i0e = unary("i0e", _B.i0e, grad_fn(
    "SpecialI0EBackward0",
    self=lambda xp, g, self, result: g * (xp.special_i1e(self) - _sgn(xp, self) * result)))
i1e = unary("i1e", _B.i1e, grad_fn(
    "SpecialI1EBackward0",
    self=lambda xp, g, self, result: _i1e_grad_recorded(xp, g, self, result) if xp.recording
    else g * xp.where(self == 0, 0.5,
                      xp.special_i0e(self) - result * (xp.sign(self)
                                                       + 1 / xp.where(self == 0, 1.0, self)))))


def _i1e_grad_recorded(xp, g, x, result):
    """FunctionsManual's i1e_backward: tiny x (within eps of 0) replaced by
    eps, and the gradient 0.5 there."""
    eps = float(np.finfo(x._data.dtype).eps)
    big = x.abs() > eps
    safe = xp.where(big, x, eps)
    slope = xp.special_i0e(safe) - result * (safe.sgn() + safe.reciprocal())
    return g * xp.where(big, slope, 0.5)


def _entr(x):
    return np.where(np.isnan(x), x, np.where(
        x > 0, -x * np.log(np.where(x > 0, x, 1.0)), np.where(x == 0, 0.0, -np.inf)))


entr = unary("entr", _entr, grad_fn(
    "SpecialEntrBackward0", self=lambda xp, g, self: g * -xp.add_scalar(xp.log(self), 1)))


def ndtr(input):
    """PyTorch's composite (1 + erf(x * sqrt(1/2))) * 0.5, of its tensor-and-
    Scalar ops: its grad_fn chain has their nodes."""
    float_data(input, "erf")     # (its refusals)
    return mul_scalar(add_scalar(erf(mul_scalar(input, math.sqrt(0.5))), 1), 0.5)


def _ndtr_public(input, *, out=None):
    """ndtr with out=: as a composite op in PyTorch, it differentiates
    through out= too (the output records a copy)."""
    if out is None:
        return ndtr(input)
    if not (_state.enabled and (input._requires_grad or out._requires_grad)):
        return into(out, "special_ndtr", ndtr, (input,), {})
    result = ndtr(input)
    if tuple(out.shape) != tuple(result.shape):
        write(out, result.detach())
    return out.copy_(result)


special("ndtr", ndtr, out=False)
REGISTRY["special.ndtr"] = REGISTRY["special.ndtr"]._replace(public=_ndtr_public, out=True)


# -- without derivatives in PyTorch: plain tensors ----------------------------
def _plain_unary(name, kernel, precision=on_float64):
    def op(input):
        return wrap(precision(kernel, refuse_half(name, float_data(input, name))))
    special(name, op)


for _name, _kernel in [("bessel_j0", _B.j0), ("bessel_j1", _B.j1), ("bessel_y0", _B.y0),
                       ("bessel_y1", _B.y1), ("airy_ai", _B.airy_ai),
                       ("spherical_bessel_j0", _B.spherical_j0)]:
    _plain_unary(_name, _kernel, on_own_precision)
for _name, _kernel in [("modified_bessel_i0", _B.i0), ("modified_bessel_i1", _B.i1)]:
    _plain_unary(_name, _kernel, on_float64_expf)
for _name, _kernel in [("modified_bessel_k0", _B.k0),
                       ("modified_bessel_k1", _B.k1), ("scaled_modified_bessel_k0", _B.k0e),
                       ("scaled_modified_bessel_k1", _B.k1e)]:
    _plain_unary(_name, _kernel)


def _polynomial(name, kernel):
    """An op of (x, n), each a tensor or a number (not both numbers)."""
    def op(input, n):
        xd, nd = binary_float_arrays(f"special_{name}", input, n, f"{name}_cpu")
        refuse_half(name, np.result_type(xd, nd))
        limit = 128 if xd.dtype == np.float32 else 512     # PyTorch's Hermite limits
        return wrap(on_own_precision(lambda a, b: kernel(a, b, limit), xd, nd))
    special(name, op)


for _kind in "tuvw":
    for _shifted in (False, True):
        _polynomial(("shifted_" if _shifted else "") + f"chebyshev_polynomial_{_kind}",
                    lambda x, n, limit, k=_kind, s=_shifted: _P.chebyshev(k, x, n, s))
_polynomial("hermite_polynomial_h", _P.hermite_h)
_polynomial("hermite_polynomial_he", _P.hermite_he)
_polynomial("laguerre_polynomial_l", lambda x, n, limit: _P.laguerre_l(x, n))
_polynomial("legendre_polynomial_p", lambda x, n, limit: _P.legendre_p(x, n))


# -- the incomplete gamma functions: tensors only -----------------------------
def _igamma_slope(xp, a, x):
    return xp.exp((a - 1) * xp.log(x) - x - xp.lgamma(a))


def _gammainc_op(name, kernel_name, node):
    """torch.<kernel_name> (igamma: a method with an in-place form too) and
    torch.special.<name>, the same op; only the name in the type errors differs."""
    def make(label):
        def op(input, other):
            for i, (arg, v) in enumerate((("input", input), ("other", other))):
                if not isinstance(v, Tensor):
                    raise TypeError(f"{label}(): argument '{arg}' (position {i + 1}) must be "
                                    f"Tensor, not {_tname(v)}")
            ad, bd = binary_float_arrays(name, input, other, f"{kernel_name}_cpu")
            if input._data.dtype.kind in "biu" and other._data.dtype.kind in "biu":
                # (an integer with a float operand is promoted; two integers are refused)
                common = _result_dtype(input, other)     # (a 0-d one ranks lower)
                raise NotImplementedError(f'"{kernel_name}_cpu" not implemented for '
                                          f"'{D.SCALAR_NAMES[common]}'")
            data = on_float64(getattr(_G, name), laid_out_cast(ad, np.result_type(ad, bd)), bd)
            return recorded(node, data, (input, other))
        return op
    register(make(kernel_name), kernel_name, inplace=True, node=node)
    alias = make(f"special_{name}")
    alias.__name__ = kernel_name     # (special() finds the torch op by it)
    special(name, alias, out_name=kernel_name)


_gammainc_op("gammainc", "igamma", grad_fn(
    "IgammaBackward0", self=lambda xp, g: not_implemented("igamma: input"),
    other=lambda xp, g, self, other: g * _igamma_slope(xp, self, other)))
_gammainc_op("gammaincc", "igammac", grad_fn(
    "IgammacBackward0", self=lambda xp, g: not_implemented("igammac: input"),
    other=lambda xp, g, self, other: g * -_igamma_slope(xp, self, other)))


# -- reductions and normalisations ---------------------------------------------
special("softmax", REGISTRY["softmax"].function, out=False)
special("log_softmax", REGISTRY["log_softmax"].function, out=False)


# torch.special.logsumexp is torch.logsumexp (ops/elementwise_reduce.py)
special("logsumexp", REGISTRY["logsumexp"].function, out_name="logsumexp")
