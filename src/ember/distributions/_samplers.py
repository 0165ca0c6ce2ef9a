"""Samplers PyTorch implements in C++ with its own algorithms. Gamma and
Dirichlet draws are PyTorch's numbers (_random_rejection); Poisson and binomial
draws come from the same distributions but not the same numbers: NumPy's
samplers, seeded from the Ember generator's stream so that manual_seed still
makes runs reproducible."""
import ember
from .._backend import np
from .. import _random_rejection
from ..autograd import Function


def _like(array, ref):
    return ember.from_numpy(np.ascontiguousarray(array, dtype=ref._data.dtype))


def _gamma_draw(alpha):
    """Standard gamma draws, PyTorch's numbers (floored at the dtype's
    smallest normal number as PyTorch's sampler is)."""
    return _like(_random_rejection.standard_gamma(alpha.detach()._data), alpha)


def _dgamma_dalpha(x, alpha):
    """dx/dalpha of a standard gamma sample x held at a fixed CDF level
    (implicit reparameterisation): -(dP/dalpha) / (dP/dx), P the regularised
    lower incomplete gamma. dP/dx is the density; dP/dalpha is a central
    difference of whichever tail (P below the mean, -Q above it) is computed
    to full relative precision, which keeps it accurate far out in the tails
    (about 1e-9 relative)."""
    x64, a64 = ember.broadcast_tensors(x.detach().double(), alpha.detach().double())
    h = 1e-4 * ember.minimum(a64, a64.sqrt())
    upper = x64 > a64

    def tail(a):
        return ember.where(upper, -ember.special.gammaincc(a, x64),
                           ember.special.gammainc(a, x64))
    dP_da = (tail(a64 + h) - tail(a64 - h)) / (2 * h)
    log_dP_dx = (a64 - 1) * ember.log(x64) - x64 - ember.lgamma(a64)
    return (-dP_da * ember.exp(-log_dP_dx)).to(alpha.dtype)


class _StandardGamma(Function):
    _builtin = True     # (PyTorch's _standard_gamma is an op; its _Dirichlet a Function)

    @staticmethod
    def forward(ctx, alpha):
        x = _gamma_draw(alpha)
        ctx.save_for_backward(x, alpha)
        return x

    @staticmethod
    def backward(ctx, grad_output):
        x, alpha = ctx.saved_tensors
        with ember.no_grad():
            return grad_output * _dgamma_dalpha(x, alpha)


def _standard_gamma(concentration):
    """Gamma(concentration, 1) draws, differentiable in concentration."""
    return _StandardGamma.apply(concentration)


class _Dirichlet(Function):
    """Dirichlet draws as normalised standard gammas g / S; the gradient
    follows each gamma's implicit reparameterisation through the normalisation:
    dL/dalpha_j = (dg_j/dalpha_j) / S * (dL/dx_j - sum_i x_i dL/dx_i)."""

    @staticmethod
    def forward(ctx, concentration):
        x, g = _random_rejection.dirichlet(concentration.detach()._data)
        x, g = _like(x, concentration), _like(g, concentration)
        ctx.save_for_backward(g, x, concentration)
        return x

    @staticmethod
    def backward(ctx, grad_output):
        g, x, concentration = ctx.saved_tensors
        with ember.no_grad():
            total = g.sum(-1, keepdim=True)
            return (_dgamma_dalpha(g, concentration) / total
                    * (grad_output - (x * grad_output).sum(-1, True)))


def _sample_dirichlet(concentration):
    """Dirichlet draws, differentiable in the concentration."""
    return _Dirichlet.apply(concentration)


def _poisson(rate):
    return ember.poisson(rate.detach())


def _binomial(count, prob):
    return ember.binomial(count.detach(), prob.detach())
