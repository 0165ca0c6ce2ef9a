"""torch.nn.grad: the gradients of conv1d/2d/3d in their input and weight,
given the other operand and the output's gradient.

These are convolution's own backward maps (ops/convolution.py's recorded
`conv_input_grad` / `conv_weight_grad`), so a result is differentiable again
(grad_fn ConvolutionBackwardBackward0) as PyTorch's convolution_backward is.
"""
from .._python_data import _tname
from .. import _dtype as D
from .._backend import np
from .._tensor import Tensor
from ..ops.convolution import (_check_shapes, _expand, _input_grad_recorded,
                               _weight_grad_recorded)
from ..ops.convolution_kernels import Geometry

__all__ = ["conv1d_input", "conv1d_weight", "conv2d_input", "conv2d_weight", "conv3d_input",
           "conv3d_weight"]

_SCHEMA = "Overloaded torch operator invoked from Python failed to match any schema:\n"


def _schema_error(name, expected, found):
    return RuntimeError(f"{_SCHEMA}aten::convolution_backward() Expected a value of type "
                        f"'{expected}' for argument '{name}' but instead found type '{found}'.")


def _is_int(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def _ntuple(value, name, dim):
    """_single/_pair/_triple, then the schema's List[int] check."""
    if not isinstance(value, (tuple, list)):
        value = (value,) * dim
    if not all(_is_int(v) for v in value):
        raise _schema_error(name, "List[int]", _tname(value))
    return [int(v) for v in value]


def _geometry(dim, x_shape, w_shape, gy, stride, padding, dilation, groups):
    """The checks of PyTorch's convolution_backward, in its order and words,
    and the geometry relating x_shape, w_shape and gy."""
    stride = _ntuple(stride, "stride", dim)
    padding = _ntuple(padding, "padding", dim)
    dilation = _ntuple(dilation, "dilation", dim)
    if not _is_int(groups):
        raise _schema_error("groups", "int", _tname(groups))
    # (the convolution's dims are the weight's, whichever function was called)
    dim = len(w_shape) - 2
    if dim <= 0:
        raise RuntimeError("weight should have at least three dimensions")
    stride = _expand(stride, "stride", dim)
    padding = _expand(padding, "padding", dim)
    dilation = _expand(dilation, "dilation", dim)
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if groups <= 0:
        raise RuntimeError(f"expected groups to be greater than 0, but got groups={groups}")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"dilation should be greater than zero, but got {dilation}")
    x_shape, w_shape = list(x_shape), list(w_shape)
    if len(x_shape) != len(gy.shape):
        raise RuntimeError("Expected input and grad_output to have the same number of "
                           f"dimensions, but got: {len(x_shape)} and {len(gy.shape)}")
    _check_shapes(x_shape, w_shape, None, padding, [0] * dim, stride, dilation, groups, False)
    y_size = [(s + 2 * p - d * (k - 1) - 1) // st + 1 for s, p, d, k, st in
              zip(x_shape[2:], padding, dilation, w_shape[2:], stride)]
    # (a 1-d convolution runs as a 2-d one of height 1, so PyTorch counts
    # four dims there; its 2-d kernel compares the channels per group)
    lifted = 1 if dim == 1 else 0
    per = groups if dim < 3 else 1
    expected = [x_shape[0], w_shape[0] // per] + y_size
    found = [gy.shape[0], gy.shape[1] // per] + list(gy.shape[2:])
    for i, (e, f) in enumerate(zip(expected, found)):
        if e != f:
            at = i + lifted if i >= 2 else i
            n = len(x_shape) + lifted
            raise RuntimeError(f"Expected a tensor of dimension {n} and tensor.size[{at}] == {e} "
                               f"but got: dimension {n} and tensor.size[{at}] = {f}")
    return Geometry(tuple(stride), tuple(padding), tuple(dilation), int(groups),
                    tuple(x_shape[2:]), tuple(y_size), tuple(w_shape[2:]))


def _check_dtypes(first, second, dim, which):
    a, b = D.SCALAR_NAMES[first.dtype], D.SCALAR_NAMES[second.dtype]
    if a != b:
        raise RuntimeError(f"expected scalar type {a} but found {b}")
    if not first.is_floating_point():
        kernel = "slow_conv3d_cpu" if dim == 3 else "slow_conv2d_cpu"
        raise NotImplementedError(f'"{kernel}_grad_{which}" not implemented for \'{a}\'')


def _size(value):
    return [int(v) for v in value]


def _input(dim, input_size, weight, grad_output, stride, padding, dilation, groups):
    if not isinstance(grad_output, Tensor):
        raise AttributeError(f"'{_tname(grad_output)}' object has no attribute "
                             "'new_empty'")
    if not isinstance(weight, Tensor):
        raise _schema_error("weight", "Tensor", _tname(weight))
    geometry = _geometry(dim, _size(input_size), weight.shape, grad_output, stride, padding,
                         dilation, groups)
    _check_dtypes(grad_output, weight, dim, "input")
    return _input_grad_recorded(grad_output, weight, geometry)


def _weight(dim, input, weight_size, grad_output, stride, padding, dilation, groups):
    if not isinstance(grad_output, Tensor):
        raise AttributeError(f"'{_tname(grad_output)}' object has no attribute "
                             "'new_empty'")
    if not isinstance(input, Tensor):
        raise _schema_error("input", "Tensor", _tname(input))
    geometry = _geometry(dim, input.shape, _size(weight_size), grad_output, stride, padding,
                         dilation, groups)
    _check_dtypes(input, grad_output, dim, "weight")
    return _weight_grad_recorded(input, grad_output, geometry)


def conv1d_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """The gradient of conv1d in its input (of shape input_size)."""
    return _input(1, input_size, weight, grad_output, stride, padding, dilation, groups)


def conv1d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """The gradient of conv1d in its weight (of shape weight_size)."""
    return _weight(1, input, weight_size, grad_output, stride, padding, dilation, groups)


def conv2d_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """The gradient of conv2d in its input (of shape input_size)."""
    return _input(2, input_size, weight, grad_output, stride, padding, dilation, groups)


def conv2d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """The gradient of conv2d in its weight (of shape weight_size)."""
    return _weight(2, input, weight_size, grad_output, stride, padding, dilation, groups)


def conv3d_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """The gradient of conv3d in its input (of shape input_size)."""
    return _input(3, input_size, weight, grad_output, stride, padding, dilation, groups)


def conv3d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """The gradient of conv3d in its weight (of shape weight_size)."""
    return _weight(3, input, weight_size, grad_output, stride, padding, dilation, groups)
