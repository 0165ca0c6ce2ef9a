"""Special functions: erf lgamma digamma polygamma mvlgamma i0 sinc logit
xlogy (torch namespace, with methods and in-place variants) and the ops of
torch.special (ops/special_namespace.py).

Values come from the kernels of ops/special_series.py, special_bessel.py and
special_polynomials.py, computed in float64 and given back in the input's
dtype; derivatives are PyTorch's (derivatives.yaml).
"""
from .._python_data import _tname
import math

from .._layout import c_strided, iterated
from ._common import (D, Tensor, binary_arrays, broadcast_error, kernel_refuses, laid_out_cast,
                      np, recorded, tensor_arg, wrap)
from ._registry import grad_fn, register
from ._keywords import ALIASES as _ALIASES
from ._xp import provide
from .scalar_arith import add_scalar
from . import special_bessel as _B
from . import special_series as _S

_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)


# The kernels PyTorch names when it refuses a complex input (else "<op>_cpu").
_KERNELS = {"erf": "erf_vml_cpu", "erfc": "erfc_vml_cpu", "erfinv": "erfinv_vml_cpu",
            "lgamma": "lgamma_vml_cpu", "digamma": "digamma", "i0": "i0_vml_cpu"}


def float_data(input, name=None, kernel=None):
    """The input's array, integers and bools as the default float dtype; a
    complex one refused, as by PyTorch's real-only kernels (`kernel`: the
    name PyTorch's refusal gives, when not the op's own)."""
    x = input._data
    if x.dtype.kind in "biuc":
        if x.dtype.kind == "c":
            raise kernel_refuses(kernel or _KERNELS.get(name, f"{name}_cpu"), x.dtype)
        x = x.astype(D._default[0]._np)
    return x


def on_float64(kernel, x, *args):
    """kernel(x as float64, *args), given back in x's dtype."""
    r = np.asanyarray(kernel(np.asanyarray(x, np.float64), *args))
    if not isinstance(x, np.ndarray):
        return r
    # (laid out as PyTorch's TensorIterator lays out a result like x)
    return iterated(r.astype(x.dtype, copy=False), x, *args)


# (the least float32 whose expf overflows: log(FLT_MAX) rounded up)
_EXPF_OVERFLOW = 88.72283935546875


def on_float64_expf(kernel, x, *args):
    """on_float64 for the I Bessel functions, whose float32 kernels in
    PyTorch (and the half ones, in float32) multiply by expf(|x|): infinite
    (with the result's sign) where that overflows, finite as the result may be."""
    r = on_float64(kernel, x, *args)
    if isinstance(x, np.ndarray) and x.dtype != np.float64:
        a = np.abs(x.astype(np.float32))
        over = (a >= _EXPF_OVERFLOW) & (a < np.inf)     # (at inf: inf/inf, NaN as before)
        if over.any():
            r = r.copy(order="K")
            np.copyto(r, np.copysign(np.inf, r).astype(r.dtype), where=over)
    return r


def on_own_precision(kernel, x, *args):
    """kernel run in x's own precision (float16 as float32), as PyTorch runs
    its float32 kernels: for the ports of PyTorch's own algorithms whose
    float32 rounding (phases of oscillating functions) shows in the result."""
    work = np.asanyarray(x, np.float32 if x.dtype.itemsize <= 4 else np.float64)
    return iterated(np.asanyarray(kernel(work, *args)).astype(x.dtype, copy=False), x, *args)


def refuse_half(kernel, x):
    """PyTorch's CPU kernels of the newer special functions have no float16
    and no bfloat16."""
    dt = getattr(x, "dtype", x)       # an array or a dtype
    if dt in D.HALF_NP:
        raise kernel_refuses(f"{kernel}_cpu", dt)
    return x


def not_implemented(what):
    raise NotImplementedError(f"the derivative for '{what}' is not implemented.")


def declare_unary(name, kernel, node, *, namespace="torch", method=True, inplace=True,
                  precision=on_float64, half=True, inplace_function=False, complex=False):
    """An elementwise op of one input: its forward is `kernel` on float64
    (or as `precision` says), `xp.<name>` is provided for formulas, and the
    op is registered. half=False: float16 refused, as PyTorch does;
    complex=True: a complex input goes to `kernel` as it is."""
    parsed = name if namespace == "torch" else f"{namespace}_{name}"

    def op(input):
        tensor_arg(input, parsed)
        if complex and input._data.dtype.kind == "c":
            return recorded(node, kernel(input._data), (input,))
        x = float_data(input, name) if half else refuse_half(name, float_data(input, name))
        return recorded(node, precision(kernel, x), (input,))

    provide(name if namespace == "torch" else f"special_{name}",
            lambda x: kernel(x) if complex and x.dtype.kind == "c" else precision(kernel, x),
            op)
    return register(op, name, method=method, inplace=inplace, node=node, namespace=namespace,
                    inplace_function=inplace_function)


# -- torch namespace ---------------------------------------------------------
def _erf_slope(xp, g, self, c):
    """g times c exp(-x^2); recorded as derivatives.yaml writes it,
    c * exp(-(self.pow(2))) * grad."""
    return xp.mul_scalar(xp.exp(-(self ** 2)), c) * g


erf = declare_unary("erf", _S.erf, grad_fn(
    "ErfBackward0", self=lambda xp, g, self: _erf_slope(xp, g, self, _TWO_OVER_SQRT_PI)),
    inplace_function=True)
erfc = declare_unary("erfc", _S.erfc, grad_fn(
    "ErfcBackward0", self=lambda xp, g, self: _erf_slope(xp, g, self, -_TWO_OVER_SQRT_PI)),
    inplace_function=True)
erfinv = declare_unary("erfinv", _S.erfinv, grad_fn(
    "ErfinvBackward0",
    self=lambda xp, g, self: xp.mul_scalar(xp.exp(xp.erfinv(self) ** 2), 0.5 * math.sqrt(math.pi))
    * g))
lgamma = declare_unary("lgamma", _S.lgamma, grad_fn(
    "LgammaBackward0", self=lambda xp, g, self: g * xp.digamma(self)))
digamma = declare_unary("digamma", _S.digamma, grad_fn(
    "DigammaBackward0", self=lambda xp, g, self: g * xp.polygamma(1, self)))
i1 = declare_unary("i1", _B.i1, precision=on_float64_expf, node=grad_fn(
    "SpecialI1Backward0",
    self=lambda xp, g, self, result: g * xp.where(
        self == 0, 0.5, xp.i0(self) - result / xp.where(self == 0, 1.0, self))),
    namespace="special", method=False, inplace=False)
i0 = declare_unary("i0", _B.i0, precision=on_float64_expf, node=grad_fn(
    "I0Backward0", self=lambda xp, g, self: g * xp.special_i1(self)), inplace_function=True)


def _sinc(x):
    with np.errstate(all="ignore"):
        px = math.pi * x
        safe = np.where(x == 0, 1.0, px)
        return np.where(x == 0, 1.0, np.sin(safe) / safe)


sinc = declare_unary("sinc", _sinc, grad_fn(
    "SincBackward0", self=lambda xp, g, self: _sinc_grad_recorded(xp, g, self)
    if xp.recording or g.dtype in D.HALF_NP
    else g * xp.conj(xp.where(self == 0, 0.0, _sinc_slope(xp, xp.where(self == 0, 1.0, self))))),
    precision=on_own_precision, inplace_function=True, complex=True)


def _sinc_grad_recorded(xp, g, x):
    """FunctionsManual's sinc_backward, as it writes it (on arrays too for
    float16 and bfloat16, whose every op rounds as PyTorch's do)."""
    px = xp.mul_scalar(x, math.pi)
    sq = xp.mul_scalar(x * x, math.pi)
    out = g * xp.conj((px * xp.cos(px) - xp.sin(px)) / sq)
    return xp.where(sq == 0.0, g.new_zeros(()) if xp.recording else np.zeros((), g.dtype), out)


def _sinc_slope(xp, x):
    px = x * math.pi
    return (xp.cos(px) * px - xp.sin(px)) / (px * x)


PolygammaBackward0 = grad_fn(
    "PolygammaBackward0", saved={"n": "n"},
    self=lambda xp, g, self, n: g * xp.polygamma(n + 1, self))


def _int_tensor(value):
    return isinstance(value, Tensor) and value._data.ndim == 0 and value._data.dtype.kind in "iu"


def _int_arg(value, fn, arg, pos):
    if _int_tensor(value):
        return int(value._data)     # (PyTorch's parser takes a 0-d integer tensor for an int)
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{fn}(): argument '{arg}' (position {pos}) must be int, not "
                        f"{_tname(value)}")
    return int(value)


def _polygamma_args(args, kwargs):
    """(n, input) from torch.polygamma(n, input) or the method x.polygamma(n),
    keywords included."""
    args = list(args)

    def take(name):
        if args:
            return args.pop(0)
        for key in kwargs:     # (the tensor by NumPy's names too: x=, a=, x1=)
            if key == name or _ALIASES.get(key) == name:
                return kwargs.pop(key)
        raise TypeError(f"polygamma() missing 1 required positional argument: '{name}'")

    # the method has self first; the function may have a 0-d integer tensor
    # for n (then the input follows: a method's n comes alone)
    n_tensor = len(args) == 2 and _int_tensor(args[0]) and isinstance(args[1], Tensor)
    if args and isinstance(args[0], Tensor) and not n_tensor:
        input = take("input")
        n = take("n")
    else:
        n = take("n")
        input = take("input")
    if args or kwargs:
        raise TypeError(f"polygamma() got unexpected arguments {tuple(args) + tuple(kwargs)}")
    return n, input


def polygamma(*args, **kwargs):
    """polygamma(n, input); as a method, x.polygamma(n)."""
    n, input = _polygamma_args(args, kwargs)
    n = _int_arg(n, "polygamma", "n", 1)
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    # (PyTorch's kernel for n = 0 is digamma's, for n = 1 trigamma's)
    kernel = ("digamma", "trigamma")[n] if n < 2 else "polygamma"
    return recorded(PolygammaBackward0, on_float64(lambda x: _S.polygamma(n, x),
                                                   float_data(input, kernel=kernel)),
                    (input,), (n,))


provide("polygamma", lambda n, x: on_float64(lambda a: _S.polygamma(n, a), x), polygamma)
register(polygamma, inplace=True, node=PolygammaBackward0)

MvlgammaBackward0 = grad_fn(
    "MvlgammaBackward0", saved={"p": "p"},
    self=lambda xp, g, self, p: g * (_mvlgamma_terms_recorded(xp, self, p) if xp.recording
                                     else _mvlgamma_terms(xp, self, p)))


def _mvlgamma_terms_recorded(xp, x, p):
    """mvlgamma_backward's terms as it writes them: digamma of
    arange(-p / 2 + 0.5, 0.5, 0.5) + x.unsqueeze(-1), summed over the last dim."""
    steps = Tensor._wrap(np.arange(-p / 2 + 0.5, 0.5, 0.5).astype(x._data.dtype))
    return xp.digamma(steps + x.unsqueeze(-1)).sum(-1)


def _mvlgamma_terms(xp, x, p):
    """sum over j < p of digamma(x - j/2): the derivative of mvlgamma."""
    if x.dtype in D.HALF_NP:
        return _half_terms(_S.digamma, x, p)
    total = xp.digamma(x)
    for j in range(1, p):
        total = total + xp.digamma(x - j / 2)
    return total


def mvlgamma(input, p):
    p = _int_arg(p, "mvlgamma", "p", 2)
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    if input._data.dtype == np.bool_:
        raise RuntimeError("The input tensor may not be a boolean tensor.")
    x = float_data(input, kernel="arange_cpu")      # (PyTorch's first complex step)

    def kernel(a):
        total = p * (p - 1) / 4 * math.log(math.pi)
        for j in range(p):
            total = total + _S.lgamma(a - j / 2)
        return total

    # (PyTorch's composite ends in a sum over a new last dim: a contiguous result)
    data = _half_mvlgamma(x, p) if x.dtype in D.HALF_NP else on_float64(kernel, x)
    return recorded(MvlgammaBackward0, c_strided(data), (input,), (p,))


def _half_mvlgamma(x, p):
    """PyTorch's composite in float16 or bfloat16, then add_(p (p - 1)
    log(pi) / 4), a Scalar that add rounds to the half type first."""
    constant = np.asarray(float(p * (p - 1)) * math.log(math.pi) * 0.25).astype(x.dtype)
    terms = _half_terms(_S.lgamma, x, p)
    return (terms.astype(np.float32) + constant.astype(np.float32)).astype(x.dtype)


def _half_terms(fn, x, p):
    """fn(arange(-(p-1)/2, 1/2, 1/2) + x).sum(-1) in float16 or bfloat16, as
    PyTorch's mvlgamma and mvlgamma_backward compose it, each step rounded
    to the half type: the sums, fn computed in float32, the sum over the
    p terms accumulated in float32."""
    f32, dt = np.float32, x.dtype
    total = np.zeros(x.shape, f32)
    for j in range(p - 1, -1, -1):
        arg = (x.astype(f32) + f32(-j / 2)).astype(dt)
        total += fn(arg.astype(f32)).astype(dt)
    return total.astype(dt)


register(mvlgamma, inplace=True, node=MvlgammaBackward0)


def _logit_grad(xp, g, self, eps):
    slope = g / (self * xp.scalar_sub(1, self))
    if eps is None or eps < 0:      # (PyTorch's kernel: a negative eps is no eps)
        return xp.where((self < 0) | (self > 1), math.nan, slope)
    return xp.where((self < eps) | (self > 1 - eps), 0.0, slope)


LogitBackward0 = grad_fn("LogitBackward0", saved={"eps": "eps"}, self=_logit_grad)


def logit(input, eps=None):
    x = float_data(input, "logit")
    if eps is not None and eps >= 0:
        # (PyTorch's kernel holds eps and 1 - eps in the input's dtype:
        # ml_dtypes' bfloat16 beside a Python float would compute in float32;
        # x < lo ? lo : x > hi ? hi : x, so that where eps > 0.5, lo wins)
        lo = x.dtype.type(eps)
        hi = x.dtype.type(1) - lo
        z = np.where(x < lo, lo, np.where(x > hi, hi, x)).astype(x.dtype, copy=False)
    else:
        z = x
    with np.errstate(all="ignore"):
        ratio = z / (1 - z)
        # (NumPy's float32 log is a last bit off where PyTorch's is not: in double, rounded)
        data = np.log(ratio.astype(np.float64)).astype(ratio.dtype) if ratio.dtype == np.float32 \
            else np.log(ratio)
    return recorded(LogitBackward0, data.astype(x.dtype, copy=False), (input,), (eps,))


register(logit, inplace=True, node=LogitBackward0, inplace_function=True)


# -- two-input ops: xlogy, xlog1py, zeta (tensor or number in either place) ----

def binary_float_arrays(name, input, other, kernel=None):
    """The operands (a tensor and a tensor or number, in either order) as
    arrays of PyTorch's result dtype, integers promoted to the default float;
    complex ones refused naming `kernel` (default: the op's own)."""
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError(
            f"{name}() received an invalid combination of arguments - got "
            f"({_tname(input)}, {_tname(other)}), but expected one of:\n"
            " * (Tensor input, Tensor other, *, Tensor out = None)\n"
            " * (Number self, Tensor other, *, Tensor out = None)\n"
            " * (Tensor input, Number other, *, Tensor out = None)\n")
    # (a number ranks below any tensor, a 0-d one too: half 0-d and 2.5 stay half)
    if not isinstance(other, Tensor):
        ad, bd = binary_arrays(input, other)
        bd = np.asanyarray(bd, ad.dtype)       # (the number, in the tensor's result dtype)
    elif not isinstance(input, Tensor):
        bd, ad = binary_arrays(other, input)
        ad = np.asanyarray(ad, bd.dtype)
    else:
        ad, bd = binary_arrays(input, other)
    ad, bd = np.asanyarray(ad), np.asanyarray(bd)
    if ad.dtype.kind == "c":
        raise kernel_refuses(kernel or f"{name}_cpu", ad.dtype)
    if ad.dtype.kind in "biu":
        # (each operand's own value: -1 beside a uint8 tensor is -1., not 255.)
        ad, bd = (laid_out_cast(np.asanyarray(v._data if isinstance(v, Tensor) else v),
                                D._default[0]._np) for v in (input, other))
    try:
        np.broadcast_shapes(ad.shape, bd.shape)
    except ValueError:
        raise broadcast_error(ad.shape, bd.shape) from None
    return ad, bd


def declare_binary(name, kernel, nodes, *, namespace="torch", method=True, inplace=True,
                   half=True, inplace_function=False):
    """An op of (Tensor, Tensor), (Number, Tensor) and (Tensor, Number):
    PyTorch's three nodes, Backward0, 1 and 2, in that order."""
    full, scalar_self, scalar_other = nodes

    def op(input, other):
        ad, bd = binary_float_arrays(name if namespace == "torch" else f"{namespace}_{name}",
                                     input, other, f"{name}_cpu")
        if not half:
            refuse_half(name, np.result_type(ad, bd))
        data = on_float64(kernel, laid_out_cast(ad, np.result_type(ad, bd)), bd)
        if isinstance(input, Tensor) and isinstance(other, Tensor):
            return recorded(full, data, (input, other))
        if isinstance(other, Tensor):
            return recorded(scalar_self, data, (other,), (input,))
        return recorded(scalar_other, data, (input,), (other,))

    provide(name if namespace == "torch" else f"special_{name}",
            lambda a, b: on_float64(kernel, np.asanyarray(a), b), op)
    return register(op, name, method=method, inplace=inplace, node=full, namespace=namespace,
                    inplace_function=inplace_function)


def _xlogy(x, y):
    return np.where(np.isnan(y), np.nan, np.where(x == 0, 0.0, x * np.log(y)))


def _xlog1py(x, y):
    return np.where(np.isnan(y), np.nan, np.where(x == 0, 0.0, x * np.log1p(y)))


def _log_of(xp, fn, v):
    """log / log1p of a tensor, or of the number a Backward2 node keeps."""
    if isinstance(v, (int, float)):
        return float(getattr(np, fn)(np.float64(v)))
    return getattr(xp, fn)(v)


def _xlogy_nodes(prefix, log_fn, other_slope):
    kernel, edge = (_xlogy, 0) if log_fn == "log" else (_xlog1py, -1)

    def self_grad(xp, g, self, other):
        if xp.recording:
            return _xlogy_self_recorded(log_fn, g, self, other)
        # (derivatives.yaml's xlogy(grad, other), zero only where self == 0
        # and other is at or past the log's edge: x = 0 with y > 0 keeps log y)
        gg, oo = g, np.asanyarray(other)
        if g.dtype in D.HALF_NP:    # (in float32, as PyTorch's opmath; NumPy 1 mixes
            gg, oo = g.astype(np.float32), oo.astype(np.float32)   # bfloat16 with nothing)
        out = np.where((self == 0) & (oo <= edge), 0.0, kernel(gg, oo))
        return out.astype(g.dtype, copy=False)
    return (grad_fn(f"{prefix}Backward0", self=self_grad,
                    other=lambda xp, g, self, other: g * self / other_slope(other)),
            # (the number operand is a Scalar field of the node: grad * self a
            # Scalar product)
            grad_fn(f"{prefix}Backward1", saved={"self": "self"},
                    other=lambda xp, g, self, other: xp.mul_scalar(g, self) / other_slope(other)),
            grad_fn(f"{prefix}Backward2", saved={"other": "other"}, self=self_grad))


def _xlogy_self_recorded(log_fn, g, self, other):
    """derivatives.yaml's at::xlogy(grad, other).masked_fill((self == 0.) &
    (other <= 0.), 0.) (xlog1py: its own op, other <= -1; a number other:
    the fill only where it is not positive)."""
    op, edge = (xlogy, 0) if log_fn == "log" else (xlog1py, -1)
    out = op(g, other)
    if not isinstance(other, Tensor):
        return out if other > edge else out.masked_fill(self == 0, 0.0)
    return out.masked_fill((self == 0) & (other <= edge), 0.0)


xlogy = declare_binary("xlogy", _xlogy, _xlogy_nodes("Xlogy", "log", lambda y: y),
                       inplace_function=True)
xlog1py = declare_binary("xlog1py", _xlog1py,
                         _xlogy_nodes("SpecialXlog1Py", "log1p", lambda y: add_scalar(y, 1) if
                                      isinstance(y, Tensor) else y + 1),
                         namespace="special", method=False, inplace=False)


def _zeta_other(xp, g, self, other):
    if isinstance(self, (int, float)):      # (a number self: C++ Scalar arithmetic)
        return xp.mul_scalar(g, -self) * xp.special_zeta(self + 1.0, other)
    return g * -self * xp.special_zeta(xp.add_scalar(self, 1.0), other)


zeta = declare_binary("zeta", _S.zeta, (
    grad_fn("SpecialZetaBackward0", self=lambda xp, g: not_implemented("zeta"),
            other=_zeta_other),
    grad_fn("SpecialZetaBackward1", saved={"self": "self"}, other=_zeta_other),
    grad_fn("SpecialZetaBackward2", self=lambda xp, g, other: not_implemented("zeta"))),
    namespace="special", method=False, inplace=False, half=False)

from . import special_namespace  # noqa: E402,F401  (the rest of torch.special)
