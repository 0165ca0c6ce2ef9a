"""nn.functional activations: relu, leaky_relu, sigmoid, tanh, softmax, log_softmax."""
from ..._backend import np
from ...ops import pointwise as _P
from ...ops._common import recorded
from ...ops._registry import grad_fn
from ...ops.activation import compute as _softmax_compute

__all__ = ["relu", "relu_", "leaky_relu", "sigmoid", "tanh", "softmax", "log_softmax"]


# -- activations --------------------------------------------------------------
def relu(input, inplace=False):
    return input.relu_() if inplace else _P.relu(input)


def relu_(input):
    return input.relu_()


sigmoid = _P.sigmoid
tanh = _P.tanh

LeakyReluBackward0 = grad_fn(
    "LeakyReluBackward0",
    self=lambda xp, g, self, negative_slope: xp.where(self > 0, g, g * negative_slope))


def leaky_relu(input, negative_slope=0.01, inplace=False):
    x = input._data
    data = np.where(x > 0, x, x * np.asarray(negative_slope, x.dtype))
    if inplace:
        from ..ops.inplace import check_inplace
        check_inplace(input)
    out = recorded(LeakyReluBackward0, data, (input,), (negative_slope,))
    if inplace:
        input._data[...] = data
        input._bump()
        if out._grad_fn is not None:
            input._grad_fn, input._requires_grad = out._grad_fn, True
        return input
    return out


# -- softmax ------------------------------------------------------------------
# (the op lives in ops/softmax.py: torch.softmax and Tensor.softmax are the same
# op; here it keeps PyTorch's functional signature, where dim may be implicit)
def softmax(input, dim=None, _stacklevel=3, dtype=None):
    return _softmax_compute(input, dim, dtype, "softmax", _stacklevel + 1)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    return _softmax_compute(input, dim, dtype, "log_softmax", _stacklevel + 1)
