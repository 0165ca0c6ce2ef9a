"""Smooth activations of torch.nn: logsigmoid, gelu (exact, with erf, and
the tanh approximation), silu, mish and softplus (with its threshold rule).

These are the hot ones of real models: each forward is one NumPy
expression in the input's own dtype (Python numbers do not widen float32),
and each derivative one expression too, written against `xp` so that it also
runs on Tensors for create_graph=True.
"""
import math

from .. import _dtype as D
from ._common import kernel_node, no_complex_autograd, np, recorded
from ._registry import grad_fn, in_opmath, tensor_field
from .activation_pointwise import floating, pick, run as _run, same_dtype
from .pointwise import _sigmoid_grad
from .inplace import make_inplace
from . import _glibc, _sleef, special_series as _S
from .._meta import is_meta

__all__ = []


def run(forward, x, *args):
    """The forward on x's values; float16 and bfloat16 in float32, rounded
    once, as PyTorch's vectorised kernels compute them (a NumPy expression
    in the narrow type would round after every step)."""
    if x.dtype not in D.HALF_NP:
        return _run(forward, x, *args)
    return _run(forward, x.astype(np.float32), *args).astype(x.dtype)

_SQRT1_2 = math.sqrt(0.5)
_PDF_SCALE = 2 / math.sqrt(math.pi) * _SQRT1_2 * 0.5     # 1 / sqrt(2 pi)
_BETA = math.sqrt(2) * 2 / math.sqrt(math.pi) * 0.5      # sqrt(2 / pi)
_KAPPA = 0.044715


# -- logsigmoid: min(x, 0) - log1p(exp(-|x|)) ------------------------------------------
# (the forward keeps exp(-|x|), ATen's `buffer`, for the backward)
def _logsigmoid_grad(xp, g, self, buffer):
    if xp.recording:
        return kernel_node(LogSigmoidBackwardBackward0, _LOGSIGMOID_KERNEL, (g, self), (buffer,),
                           elementwise=True)
    s = buffer / (1 + buffer)
    return pick(xp, self < 0, g * (1 - s), g * s)


def _logsigmoid_double_backward(xp, grad, grad_output, self):
    z = xp.sigmoid(self)
    return grad * grad_output * xp.sub_scalar(z, 1) * z


_BUFFER = {"buffer": tensor_field("buffer")}
LogSigmoidBackward0 = grad_fn("LogSigmoidBackward0", opmath=True, saved=_BUFFER,
                              self=_logsigmoid_grad)
_LOGSIGMOID_KERNEL = in_opmath(_logsigmoid_grad)
LogSigmoidBackwardBackward0 = grad_fn(
    "LogSigmoidBackwardBackward0", saved=_BUFFER, grad_output=_LOGSIGMOID_KERNEL,
    self=lambda xp, grad, grad_output, self: _logsigmoid_double_backward(xp, grad, grad_output,
                                                                         self))


def _logsigmoid_forward(v):
    """(min(x, 0) - log1p(exp(-|x|)), exp(-|x|)): PyTorch's kernel, every
    element in vectors, with Sleef's exp and log1p (bit for bit up to
    _sleef.SIGMOID_MAX float32 elements)."""
    if v.dtype == np.float32 and v.size <= _sleef.SIGMOID_MAX and not is_meta(v):
        with np.errstate(all="ignore"):
            buffer = _sleef.expf(-np.abs(v))
            return np.minimum(v, _F0) - _sleef.log1pf(buffer), buffer
    buffer = np.exp(-np.abs(v))
    return np.minimum(v, 0) - np.log1p(buffer), buffer


_F0, _ONE = np.float32(0), np.float32(1)


def logsigmoid(input):
    x = floating(input, "log_sigmoid_cpu")
    data, buffer = _logsigmoid_forward(x if x.dtype not in D.HALF_NP else x.astype(np.float32))
    return recorded(LogSigmoidBackward0, data.astype(x.dtype, copy=False), (input,),
                    (buffer.astype(x.dtype, copy=False),))


# -- gelu ------------------------------------------------------------------------------
def _gelu_grad(xp, g, self, approximate):
    if xp.recording:
        return kernel_node(GeluBackwardBackward0, _GELU_KERNEL, (g, self), (approximate,),
                           elementwise=True)
    if approximate == "tanh":
        x_sq = self * self
        t = xp.tanh(_BETA * (self + _KAPPA * x_sq * self))
        return g * (0.5 * (1 + t) + 0.5 * self * (1 - t * t) * (_BETA * (1 + 3 * _KAPPA * x_sq)))
    # (on arrays, the same erf as the forward: in the input's dtype)
    cdf = 0.5 * (1 + (xp.erf if xp.recording else _S.erf)(self * _SQRT1_2))
    return g * (cdf + self * (xp.exp(-0.5 * self * self) * _PDF_SCALE))


def _gelu_double_backward(xp, grad, grad_output, self, approximate):
    """gelu''(x) times both incoming gradients (FunctionsManual's
    gelu_double_backward, step for step: its graph is PyTorch's)."""
    if approximate == "tanh":
        inner = xp.mul_scalar(self + xp.mul_scalar(self ** 3, _KAPPA), _BETA)
        tanh_inner = xp.tanh(inner)
        sech_inner = xp.scalar_div(1, xp.cosh(inner))
        f = xp.mul_scalar(self, 0.5)
        g = xp.scalar_sub(1, tanh_inner * tanh_inner)
        h = xp.mul_scalar(xp.add_scalar(xp.mul_scalar(self, 3 * _KAPPA) * self, 1), _BETA)
        f_prime_gh = xp.mul_scalar(g, 0.5) * h
        g_prime = xp.mul_scalar(sech_inner, 2) * (-sech_inner * tanh_inner) * h
        g_prime_fh = f * h * g_prime
        h_prime = xp.mul_scalar(xp.mul_scalar(self, 6 * _KAPPA), _BETA)
        h_prime_fg = f * g * h_prime
        return grad * grad_output * (xp.mul_scalar(f_prime_gh, 2) + g_prime_fh + h_prime_fg)
    input_sq = self * self
    pdf = xp.mul_scalar(xp.exp(xp.mul_scalar(input_sq, -0.5)), _PDF_SCALE)
    return grad * grad_output * (xp.mul_scalar(pdf, 2) - input_sq * pdf)


_APPROXIMATE = {"approximate": "approximate"}
GeluBackward0 = grad_fn("GeluBackward0", opmath=True, saved=_APPROXIMATE, self=_gelu_grad)
_GELU_KERNEL = in_opmath(_gelu_grad)
GeluBackwardBackward0 = grad_fn("GeluBackwardBackward0", saved=_APPROXIMATE,
                                grad_output=_GELU_KERNEL, self=_gelu_double_backward)


def _gelu_forward(x, approximate):
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(_BETA * (x + _KAPPA * (x * x * x))))
    return x * 0.5 * (1 + _S.erf(x * _SQRT1_2))


def gelu(input, *, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    x = floating(input, "GeluKernelImpl")
    data = run(_gelu_forward, x, approximate).astype(x.dtype, copy=False)
    return recorded(GeluBackward0, data, (input,), (approximate,))


# -- silu and mish -------------------------------------------------------------------------
# (under create_graph, PyTorch records the arithmetic of its "infinitely
# differentiable" forms, with C++ Scalars: so do these)
def _silu_grad(xp, g, self):
    if xp.recording:
        s = xp.sigmoid(self)
        return g * s * xp.add_scalar(self * xp.scalar_sub(1.0, s), 1.0)
    if _sleef.takes_runs(self, g):
        # (PyTorch's kernel: dy * sigmoid * fma(x, 1 - sigmoid, 1), GCC's fusion)
        s = _sleef.sigmoid(self)
        with np.errstate(all="ignore"):
            return g * s * _sleef.fma32(self, 1 - s, _ONE)
    s = 1 / (1 + xp.exp(-self))
    return g * s * (1 + self * (1 - s))


def _silu_forward(v):
    if _sleef.takes_runs(v):
        e = _sleef.exp_of_negated(v)
        e += 1
        return np.divide(v, e, out=e)
    return v / (1 + np.exp(-v))


def _mish_grad(xp, g, self):
    if xp.recording:
        s = xp.sigmoid(self)
        t = xp.tanh(xp.log1p(xp.exp(self)))
        return g * (t + self * s * xp.scalar_sub(1.0, t * t))
    s = 1 / (1 + xp.exp(-self))
    t = xp.tanh(xp.log1p(xp.exp(self)))
    return g * (t + self * s * (1 - t * t))


SiluBackward0 = grad_fn("SiluBackward0", opmath=True, self=_silu_grad)
MishBackward0 = grad_fn("MishBackward0", opmath=True, self=_mish_grad)


def silu(input):
    """x sigmoid(x); complex too, but (as PyTorch) not differentiable there."""
    x = input._data if input._data.dtype.kind == "c" else floating(input, "silu_cpu")
    data = run(_silu_forward, x)
    no_complex_autograd("silu", data, input)
    return recorded(SiluBackward0, data, (input,))


def mish(input):
    x = floating(input, "mish_cpu")
    # (no threshold inside, unlike softplus: ATen's mish is log1p(exp(x)) as it is)
    return recorded(MishBackward0, run(lambda v: v * np.tanh(np.log1p(np.exp(v))), x), (input,))


silu_ = make_inplace(silu, "silu_")
mish_ = make_inplace(mish, "mish_")


# -- softplus: log1p(exp(beta x)) / beta, linear where beta x > threshold ----------------------
def _softplus_grad(xp, g, self, beta, threshold):
    if xp.recording:
        return kernel_node(SoftplusBackwardBackward0, _SOFTPLUS_KERNEL, (g, self),
                           (beta, threshold), elementwise=True)
    beta, threshold = same_dtype(self, beta, threshold)    # (NumPy 1 widens a 0-d x by a float)
    xb = self * beta
    if _sleef.takes_runs(xb, g):
        z = _sleef.in_runs(xb, _sleef.expf, _glibc.expf)
    else:
        z = xp.exp(xb)
    return xp.where(xb > threshold, g, g * z / (z + z.dtype.type(1)))   # (typed: NumPy 1)


def _softplus_double_backward(xp, grad, grad_output, self, beta, threshold):
    x = xp.mul_scalar(self, beta)
    below = x < threshold
    return xp.mul_scalar(_sigmoid_grad(xp, grad * grad_output, xp.sigmoid(x)) * below, beta)


_SOFTPLUS = {"beta": "beta", "threshold": "threshold"}
SoftplusBackward0 = grad_fn("SoftplusBackward0", opmath=True, saved=_SOFTPLUS,
                            self=_softplus_grad)
_SOFTPLUS_KERNEL = in_opmath(_softplus_grad)
SoftplusBackwardBackward0 = grad_fn(
    "SoftplusBackwardBackward0", saved=_SOFTPLUS, grad_output=_SOFTPLUS_KERNEL,
    self=_softplus_double_backward)


def _softplus_forward(x, beta, threshold):
    b, th = same_dtype(x, beta, threshold)
    xb = x * b
    if _sleef.takes_runs(xb):      # (Sleef's exp and log1p in runs, glibc's after)
        soft = _sleef.in_runs(xb, lambda v: _sleef.log1pf(_sleef.expf(v)),
                              lambda v: _glibc.log1pf(_glibc.expf(v)))
    else:
        soft = np.log1p(np.exp(xb))
    return np.where(xb > th, x, soft / b)


def softplus(input, beta=1, threshold=20):
    x = floating(input, "softplus_cpu")
    return recorded(SoftplusBackward0, run(_softplus_forward, x, beta, threshold), (input,),
                    (beta, threshold))
