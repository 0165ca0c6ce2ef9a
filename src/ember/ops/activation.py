"""Activations declared as ops. softmax and log_softmax: torch.softmax, Tensor.softmax, the special and
nn.functional forms are this one op (nn.functional adds the deprecated
implicit dim). The other activations live in the sister files:

    activation_pointwise.py  elu celu selu leaky_relu hardtanh threshold shrinks hard*
    activation_smooth.py     logsigmoid gelu silu mish softplus
    activation_param.py      prelu rrelu glu
    activation_bilinear.py   bilinear
"""
import warnings

from .._layout import c_strided
from .. import _dtype as D
from .._python_data import dtype_arg
from .._backend import restore, silence
from .._meta import is_meta
from .._misc import get_num_threads
from . import _sleef, _sleef_dim
from ._common import kernel_node, np, recorded, wrap, wrap_dim
from ._int_args import REQUIRED, require_dim
from ._registry import grad_fn, in_opmath, register

__all__ = ["softmax", "log_softmax"]

# ATen's _softmax_backward_data and _log_softmax_backward_data: under
# create_graph each is one node over grad_output and softmax's output, whose
# formulas (derivatives.yaml's) give the higher derivatives.
def _softmax_grad(xp, g, result, dim, given_dim):
    if xp.recording:
        return kernel_node(SoftmaxBackwardDataBackward0, _SOFTMAX_KERNEL, (g, result),
                           (dim, given_dim))
    if _in_rows(result, dim):
        return _sleef.softmax_backward_lastdim(g, result, get_num_threads())
    if _in_lanes(result, dim) and result.shape[dim] <= _FUSED_STEPS_MAX:
        return _sleef_dim.softmax_backward_dim(g, result, dim)
    return result * (g - xp.sum(g * result, (dim,), True))


def _log_softmax_grad(xp, g, result, dim, given_dim):
    if xp.recording:
        return kernel_node(LogSoftmaxBackwardDataBackward0, _LOG_SOFTMAX_KERNEL, (g, result),
                           (dim, given_dim))
    if _in_rows(result, dim):
        return _sleef.log_softmax_backward_lastdim(g, result)
    if _in_lanes(result, dim):
        return _sleef_dim.log_softmax_backward_dim(g, result, dim)
    return g - xp.exp(result) * xp.sum(g, (dim,), True)


def _in_rows(x, dim):
    """Whether PyTorch's float32 last-dim kernels, with Sleef's exp and log
    and their lanes' sums, are what `x` along `dim` gets (see _sleef)."""
    return (x.dtype == np.float32 and x.ndim and dim == x.ndim - 1
            and 0 < x.size <= _SLEEF_MAX and not is_meta(x))


def _in_lanes(x, dim):
    """Whether PyTorch's float32 kernels along another dim (_sleef_dim's)
    are what `x` along `dim` gets."""
    return (x.dtype == np.float32 and dim != x.ndim - 1 and 0 < x.size <= _SLEEF_MAX
            and not is_meta(x))


# (above it, NumPy's exp and sums, PyTorch's bits give or take the last one:
# _sleef's exact exp costs some 15x NumPy's, 8 ms on 1e6 elements)
_SLEEF_MAX = 1 << 15
# (softmax's backward along another dim adds down it one fused step at a
# time, a NumPy call per step: past this many, NumPy's sum)
_FUSED_STEPS_MAX = 256


def _softmax_double_backward(xp, grad, grad_output, output, dim):
    return (grad_output * grad - xp.sum(output * grad_output, (dim,), True) * grad
            - grad_output * xp.sum(output * grad, (dim,), True))


_DIM = {"dim": "given_dim"}
SoftmaxBackward0 = grad_fn("SoftmaxBackward0", opmath=True, saved=_DIM, self=_softmax_grad)
LogSoftmaxBackward0 = grad_fn("LogSoftmaxBackward0", opmath=True, saved=_DIM,
                              self=_log_softmax_grad)
_SOFTMAX_KERNEL = in_opmath(_softmax_grad)
_LOG_SOFTMAX_KERNEL = in_opmath(_log_softmax_grad)
SoftmaxBackwardDataBackward0 = grad_fn(
    "SoftmaxBackwardDataBackward0", saved=_DIM,
    grad_output=lambda xp, grad, output, dim, given_dim: _SOFTMAX_KERNEL(xp, grad, output, dim,
                                                                         given_dim),
    output=lambda xp, grad, grad_output, output, dim: _softmax_double_backward(
        xp, grad, grad_output, output, dim))
LogSoftmaxBackwardDataBackward0 = grad_fn(
    "LogSoftmaxBackwardDataBackward0", saved=_DIM,
    grad_output=lambda xp, grad, output, dim: grad - xp.sum(grad * xp.exp(output), (dim,), True),
    output=lambda xp, grad, grad_output, output, dim: (
        -xp.sum(grad_output, (dim,), True) * xp.exp(output) * grad))


def _implicit_dim(name, ndim, stacklevel):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call "
                  "to include dim=X as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def _shifted(x, dim):
    if x.ndim == 0 or x.size == 0:
        return x - x
    return x - x.max(axis=dim, keepdims=True)


def compute(input, dim, dtype, name, stacklevel):
    """softmax or log_softmax of `input` along `dim` (None: PyTorch's
    deprecated implicit choice, warned at `stacklevel`)."""
    if dim is None:
        dim = _implicit_dim(name, input._data.ndim, stacklevel + 1)
    if dtype is not None:
        input = input.to(dtype_arg(dtype, name))
    x = input._data
    d = wrap_dim(dim, x.ndim)
    low = x.dtype if x.dtype in D.HALF_NP else None
    if x.dtype.kind != "f" and low is None:
        if x.size == 0:     # an empty tensor is returned as it is
            return wrap(x.copy())
        # PyTorch names the kernel of the last dim and of the others apart.
        kernel = "lastdim_kernel_impl" if x.ndim == 0 or d == x.ndim - 1 else "kernel_impl"
        raise NotImplementedError(f'"{name}_{kernel}" not implemented for '
                                  f"'{D.SCALAR_NAMES[input.dtype]}'")
    if low is not None:     # (PyTorch's float16 and bfloat16 kernels compute in float32)
        x = x.astype(np.float32)
    token = silence()
    try:
        if low is None and _in_rows(x, d):
            rows = _sleef.softmax_lastdim if name == "softmax" else _sleef.log_softmax_lastdim
            data = rows(x)
        elif low is None and _in_lanes(x, d):
            data = (_sleef_dim.softmax_dim(x, d, get_num_threads()) if name == "softmax"
                    else _sleef_dim.log_softmax_dim(x, d))
        else:
            data = _unfused(x, d, name, low)
    finally:
        restore(token)
    node = SoftmaxBackward0 if name == "softmax" else LogSoftmaxBackward0
    # (the dim as given is what PyTorch's node shows)
    # (contiguous whatever the input's layout, as PyTorch's softmax kernels write it)
    return recorded(node, c_strided(data if low is None else data.astype(low)), (input,), (d, dim))


def _unfused(x, d, name, low):
    """softmax or log_softmax of `x` (float32 or float64; `low`: the half type
    it was widened from) along `d` by NumPy's exp, log and sums."""
    s = _shifted(x, d)
    if name == "softmax":
        e = np.exp(s)
        data = e * (1 / e.sum(axis=d, keepdims=True)) if x.ndim else e
    elif not x.ndim:
        data = s
    else:
        total = np.exp(s).sum(axis=d, keepdims=True)
        if low is not None and d == x.ndim - 1:
            # PyTorch's last-dim kernel keeps the sum and its log in
            # buffers of the input's type: each rounded to it
            total = _narrowed(np.log(_narrowed(total, low)), low)
            data = s - total
        else:
            data = s - np.log(total)
    return data


def _narrowed(a, dtype):
    """float32 values rounded to `dtype` and back."""
    return a.astype(dtype).astype(np.float32)


def softmax(input, dim=REQUIRED, dtype=None):
    return compute(input, require_dim("softmax", dim), dtype, "softmax", 3)


def log_softmax(input, dim=REQUIRED, dtype=None):
    return compute(input, require_dim("log_softmax", dim), dtype, "log_softmax", 3)


softmax = register(softmax, quiet=True)
log_softmax = register(log_softmax, quiet=True)

# (the sister files register their ops on import)
from . import (activation_pointwise, activation_smooth, activation_param,  # noqa: E402,F401
               activation_bilinear)
