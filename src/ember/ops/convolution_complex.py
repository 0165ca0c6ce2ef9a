"""Convolutions of complex tensors, as PyTorch computes them: conv1d/2d/3d
and conv_transpose1d/2d/3d of a complex input run three real convolutions
(Gauss's trick, at::complex_convolution), so the graph holds their nodes;
torch.convolution itself has no complex kernel and refuses, naming the one
PyTorch's dispatch reaches."""
from ._common import kernel_refuses
from .complex_parts import view_as_real
from .shape import select
from .scalar_arith import mul_scalar

__all__ = ["complex_convolution", "refuse_complex"]


def _legacy(t):
    """Tensor::toString(): torch.FloatTensor, CPUComplexFloatType."""
    from ._conv_backend import _to_string
    return _to_string(t)


def _parts(t):
    r = view_as_real(t)
    return select(r, -1, 0), select(r, -1, 1)


def complex_convolution(input, weight, bias, stride, padding, dilation, transposed,
                        output_padding, groups):
    """conv(W, x, b) = a - b + i (c - a - b) with a = conv(Wr, xr, br),
    b = conv(Wi, xi), c = conv(Wr + Wi, xr + xi, br + bi)."""
    from ._conv_backend import _check_types
    from .convolution import convolution
    if weight.dtype is not input.dtype:
        raise RuntimeError(f"Input type ({_legacy(input)}) and weight type ({_legacy(weight)}) "
                           "should be the same")
    _check_types(input, weight, bias)
    (x_r, x_i), (w_r, w_i) = _parts(input), _parts(weight)
    args = (stride, padding, dilation, transposed, output_padding, groups)
    if bias is None:
        a = convolution(x_r, w_r, None, *args)
        b = convolution(x_i, w_i, None, *args)
        c = convolution(x_r + x_i, w_r + w_i, None, *args)
    else:
        b_r, b_i = _parts(bias)
        a = convolution(x_r, w_r, b_r, *args)
        b = convolution(x_i, w_i, None, *args)
        c = convolution(x_r + x_i, w_r + w_i, b_r + b_i, *args)
    # (C++'s i * Tensor: a Scalar product, MulBackward1)
    return a - b + mul_scalar(c - a - b, 1j)


def refuse_complex(x, dim, dilation, transposed):
    """torch.convolution of complex tensors: the slow kernel PyTorch picks
    has no complex version."""
    from ._conv_backend import slow_kernel
    raise kernel_refuses(slow_kernel(dim, dilation, transposed), x.dtype)
