"""nn.functional activations: PyTorch's signatures (with `inplace=`) over
the ops of ember/ops/activation*.py, where their derivatives live. Also
bilinear (nn.Bilinear's function, declared with them in ops/)."""
from ...ops import pointwise as _P
from ...ops import activation_param as _AP
from ...ops import activation_pointwise as _A
from ...ops import activation_smooth as _AS
from ...ops.activation_bilinear import bilinear
from ...ops.activation import _implicit_dim
from ...ops.activation import compute as _softmax_compute
from ..._tensor import Tensor as _Tensor

# (Tensor.relu_ as ember.ops made it, not the profiler's wrapper over it: the
# profiler records F.relu(inplace=True) itself, as aten::relu_)
_relu_ = _Tensor.relu_

__all__ = ["threshold", "threshold_", "relu", "relu_", "relu6", "elu", "elu_", "selu",
           "selu_", "celu", "celu_", "rrelu", "rrelu_", "glu", "hardtanh", "hardtanh_",
           "leaky_relu", "leaky_relu_", "prelu", "hardsigmoid", "hardswish", "silu", "mish",
           "softplus", "softshrink", "hardshrink", "logsigmoid", "gelu", "softsign",
           "tanhshrink", "softmin", "sigmoid", "tanh", "softmax", "log_softmax", "bilinear",
           "gumbel_softmax"]


def threshold(input, threshold, value, inplace=False):
    return (_A.threshold_ if inplace else _A.threshold)(input, threshold, value)


threshold_ = _A.threshold_


def relu(input, inplace=False):
    return _relu_(input) if inplace else _P.relu(input)


def relu_(input):
    return input.relu_()


def relu6(input, inplace=False):
    # (ints, as ATen's relu6 passes them: the node shows them so)
    return (_A.hardtanh_ if inplace else _A.hardtanh)(input, 0, 6)


def elu(input, alpha=1.0, inplace=False):
    return (_A.elu_ if inplace else _A.elu)(input, alpha)


elu_ = _A.elu_


def selu(input, inplace=False):
    return (_A.selu_ if inplace else _A.selu)(input)


selu_ = _A.selu_


def celu(input, alpha=1.0, inplace=False):
    return (_A.celu_ if inplace else _A.celu)(input, alpha)


celu_ = _A.celu_


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    return (_AP.rrelu_ if inplace else _AP.rrelu)(input, lower, upper, training)


rrelu_ = _AP.rrelu_
glu = _AP.glu
prelu = _AP.prelu


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return (_A.hardtanh_ if inplace else _A.hardtanh)(input, min_val, max_val)


hardtanh_ = _A.hardtanh_


def leaky_relu(input, negative_slope=0.01, inplace=False):
    return (_A.leaky_relu_ if inplace else _A.leaky_relu)(input, negative_slope)


leaky_relu_ = _A.leaky_relu_


def hardsigmoid(input, inplace=False):
    return (_A.hardsigmoid_ if inplace else _A.hardsigmoid)(input)


def hardswish(input, inplace=False):
    return (_A.hardswish_ if inplace else _A.hardswish)(input)


def silu(input, inplace=False):
    return (_AS.silu_ if inplace else _AS.silu)(input)


def mish(input, inplace=False):
    return (_AS.mish_ if inplace else _AS.mish)(input)


softplus = _AS.softplus
softshrink = _A.softshrink
hardshrink = _A.hardshrink
logsigmoid = _AS.logsigmoid
gelu = _AS.gelu


def softsign(input):
    return input / (input.abs() + 1)


def tanhshrink(input):
    return input - input.tanh()


sigmoid = _P.sigmoid
tanh = _P.tanh


# -- softmax ------------------------------------------------------------------
# (the op lives in ops/activation.py: torch.softmax and Tensor.softmax are the same
# op; here it keeps PyTorch's functional signature, where dim may be implicit)
# _stacklevel counts frames as PyTorch's does (1: the warning's helper, 2: this
# function, 3: its caller); compute adds its own frame.
def softmax(input, dim=None, _stacklevel=3, dtype=None):
    return _softmax_compute(input, dim, dtype, "softmax", _stacklevel)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    return _softmax_compute(input, dim, dtype, "log_softmax", _stacklevel)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _implicit_dim("softmin", input._data.ndim, _stacklevel)
    return _softmax_compute(-input, dim, dtype, "softmax", _stacklevel)


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """softmax((logits + g) / tau) with g ~ Gumbel(0, 1) drawn as torch does
    (-log of an exponential_ draw), so a seed gives torch's sample; hard=True
    returns the one-hot argmax with the soft sample's gradient."""
    import warnings
    from ... import _creation
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    gumbels = -_creation.empty_like(logits).exponential_().log()
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = _creation.zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft
