"""conv_transpose1d/2d/3d: torch.convolution with transposed=True (the
adjoint of a convolution in its input; see convolution_kernels.py)."""
from .._python_data import _tname
from ._common import np
from ._arg_refusals import refusing
from ._registry import register
from .shape import squeeze
from . import convolution as _c     # (which imports this module at its end)

__all__ = ["conv_transpose1d", "conv_transpose2d", "conv_transpose3d"]


def conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, dim):
    fname = f"conv_transpose{dim}d"
    _c.check_tensor(weight, "weight", 2, fname)
    _c.check_tensor(bias, "bias", 3, fname, optional=True)
    stride = _c.ints(stride, "stride", dim, fname)
    padding = _c.ints(padding, "padding", dim, fname)
    output_padding = _c.ints(output_padding, "output_padding", dim, fname)
    dilation = _c.ints(dilation, "dilation", dim, fname)
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)):
        raise TypeError(f"{fname}(): argument 'groups' must be int, not {_tname(groups)}")
    x, unbatched = _c.batched(input, dim, fname)
    if input.is_complex():
        from .convolution_complex import complex_convolution
        out = complex_convolution(x, weight, bias, stride, padding, dilation, True,
                                  output_padding, int(groups))
    else:
        out = _c._convolution(x, weight, bias, stride, padding, dilation, True, output_padding,
                              int(groups), (0,))
    return squeeze(out, 0) if unbatched else out


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    return conv_transpose(input, weight, bias, stride, padding, output_padding, groups,
                          dilation, 1)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    return conv_transpose(input, weight, bias, stride, padding, output_padding, groups,
                          dilation, 2)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    return conv_transpose(input, weight, bias, stride, padding, output_padding, groups,
                          dilation, 3)


conv_transpose1d = register(refusing(conv_transpose1d, "conv_transpose1d"), method=False, out=False)
conv_transpose2d = register(refusing(conv_transpose2d, "conv_transpose2d"), method=False, out=False)
conv_transpose3d = register(refusing(conv_transpose3d, "conv_transpose3d"), method=False, out=False)
