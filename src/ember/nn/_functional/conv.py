"""nn.functional convolutions, and unfold / fold (the ops live in
ops/convolution*.py; torch.conv2d and F.conv2d are one function)."""
from ...ops.convolution import (conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d,
                                conv_transpose3d)
from ...ops.convolution_unfold import fold, unfold

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "unfold", "fold"]
