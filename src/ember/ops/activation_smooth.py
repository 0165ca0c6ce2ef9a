"""Smooth activations of torch.nn: logsigmoid, gelu (exact, with erf, and
the tanh approximation), silu, mish and softplus (with its threshold rule).

These are the hot ones of real models: each forward is one NumPy
expression in the input's own dtype (Python numbers do not widen float32),
and each derivative one expression too, written against `xp` so that it also
runs on Tensors for create_graph=True.
"""
import math

from .. import _dtype as D
from ._common import no_complex_autograd, np, recorded
from ._registry import grad_fn
from .activation_pointwise import floating, pick, run as _run, same_dtype
from .inplace import make_inplace
from . import special_series as _S

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
def _logsigmoid_grad(xp, g, self):
    z = xp.exp(-abs(self))
    s = z / (1 + z)
    return pick(xp, self < 0, g * (1 - s), g * s)


LogSigmoidBackward0 = grad_fn("LogSigmoidBackward0", opmath=True, self=_logsigmoid_grad)


def logsigmoid(input):
    x = floating(input, "log_sigmoid_cpu")
    data = run(lambda v: np.minimum(v, 0) - np.log1p(np.exp(-np.abs(v))), x)
    return recorded(LogSigmoidBackward0, data, (input,))


# -- gelu ------------------------------------------------------------------------------
def _gelu_grad(xp, g, self, approximate):
    if approximate == "tanh":
        x_sq = self * self
        t = xp.tanh(_BETA * (self + _KAPPA * x_sq * self))
        return g * (0.5 * (1 + t) + 0.5 * self * (1 - t * t) * (_BETA * (1 + 3 * _KAPPA * x_sq)))
    # (on arrays, the same erf as the forward: in the input's dtype)
    cdf = 0.5 * (1 + (xp.erf if xp.recording else _S.erf)(self * _SQRT1_2))
    return g * (cdf + self * (xp.exp(-0.5 * self * self) * _PDF_SCALE))


GeluBackward0 = grad_fn("GeluBackward0", opmath=True, saved={"approximate": "approximate"},
                        self=_gelu_grad)


def _gelu_forward(x, approximate):
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(_BETA * (x + _KAPPA * (x * x * x))))
    return x * 0.5 * (1 + _S.erf(x * _SQRT1_2))


def gelu(input, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    x = floating(input, "GeluKernelImpl")
    data = run(_gelu_forward, x, approximate).astype(x.dtype, copy=False)
    return recorded(GeluBackward0, data, (input,), (approximate,))


# -- silu and mish -------------------------------------------------------------------------
def _silu_grad(xp, g, self):
    s = 1 / (1 + xp.exp(-self))
    return g * s * (1 + self * (1 - s))


def _mish_grad(xp, g, self):
    s = 1 / (1 + xp.exp(-self))
    t = xp.tanh(xp.log1p(xp.exp(self)))
    return g * (t + self * s * (1 - t * t))


SiluBackward0 = grad_fn("SiluBackward0", opmath=True, self=_silu_grad)
MishBackward0 = grad_fn("MishBackward0", opmath=True, self=_mish_grad)


def silu(input):
    """x sigmoid(x); complex too, but (as PyTorch) not differentiable there."""
    x = input._data if input._data.dtype.kind == "c" else floating(input, "silu_cpu")
    data = run(lambda v: v / (1 + np.exp(-v)), x)
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
    z = xp.exp(self * beta)
    return xp.where(self * beta > threshold, g, g * z / (z + 1))


SoftplusBackward0 = grad_fn("SoftplusBackward0", opmath=True,
                            saved={"beta": "beta", "threshold": "threshold"}, self=_softplus_grad)


def _softplus_forward(x, beta, threshold):
    b, th = same_dtype(x, beta, threshold)
    xb = x * b
    return np.where(xb > th, x, np.log1p(np.exp(xb)) / b)


def softplus(input, beta=1, threshold=20):
    x = floating(input, "softplus_cpu")
    return recorded(SoftplusBackward0, run(_softplus_forward, x, beta, threshold), (input,),
                    (beta, threshold))
