"""float32 transcendental functions rounded as PyTorch's x86 kernels round them.

PyTorch's CPU exp, log, tanh, ... on float32 tensors (UnaryOpsKernel.cpp's
IMPLEMENT_FLOAT_KERNEL, through at::vml) call MKL's VML (vsExp, vsLn, ...) on
its x86 wheels, which are all but correctly rounded: against float32(f(double
x)) they differ at 1% of inputs (exp), 0.001% (log), 0.4% (tanh). NumPy's own
float32 loops are faster and less exact: they differ from PyTorch at 39%
(exp), 4% (log), 31% (tanh). A learner's printed floats are mostly last bits,
so a small float32 input is computed in float64 here and rounded once. Above
_ROUNDED_MAX elements NumPy's float32 loops are kept: its float64 loops take
7 to 20 times as long there, where a model's activations run rather than a
printout. (sin, cos, asin, acos and exp2 keep NumPy's loops: PyTorch's agree
with the correctly rounded values at only 91-95% of inputs, a gain too small
for its cost on the per-op benchmark's sin.)
"""
from .._backend import np

__all__ = ["rounded32", "exp", "expm1", "log", "log2", "log10", "log1p", "tanh", "sinh",
           "cosh", "tan", "arctan", "arctanh"]

_ROUNDED_MAX = 1 << 12
_F32 = np.dtype(np.float32)


def rounded32(f):
    """NumPy's `f`, computed in float64 for a float32 array of up to
    _ROUNDED_MAX elements (then rounded once to float32)."""
    def forward(x):
        if x.dtype is _F32 and x.size <= _ROUNDED_MAX:
            return f(x, dtype=np.float64).astype(_F32)
        return f(x)
    forward.__name__ = forward.__qualname__ = f.__name__
    forward.__doc__ = f"NumPy's {f.__name__}, float32 rounded once (ember.ops._vml)."
    return forward


# The functions taken this way, once: the unary ops' forwards (ops/pointwise.py,
# elementwise_unary.py) and composites that PyTorch builds on them (logsumexp,
# binary_cross_entropy's glibc logs) share them.
(exp, expm1, log, log2, log10, log1p, tanh, sinh, cosh, tan, arctan, arctanh) = (
    rounded32(f) for f in (np.exp, np.expm1, np.log, np.log2, np.log10, np.log1p, np.tanh,
                           np.sinh, np.cosh, np.tan, np.arctan, np.arctanh))
