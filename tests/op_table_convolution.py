"""Sample inputs of the convolution family (ops/convolution*.py)."""
from op_table import ANY

OPS = [
    ("convolution", lambda T, x, w, b: T.convolution(x, w, b, [2, 1], [1], [1, 2], False, [0], 2),
     [((2, 4, 5, 6), ANY), ((4, 2, 3, 2), ANY), ((4,), ANY)], True),
    ("convolution_transposed",
     lambda T, x, w: T.convolution(x, w, None, [2], [1], [1], True, [1], 1),
     [((1, 2, 3, 4), ANY), ((2, 3, 3, 3), ANY)], True),
    ("conv1d", lambda T, x, w, b: T.conv1d(x, w, b, stride=2, padding=1, dilation=2),
     [((2, 3, 9), ANY), ((4, 3, 3), ANY), ((4,), ANY)], True),
    ("conv2d", lambda T, x, w, b: T.conv2d(x, w, b, stride=(2, 1), padding=(0, 1), groups=2),
     [((2, 4, 7, 6), ANY), ((6, 2, 3, 2), ANY), ((6,), ANY)], True),
    ("conv2d_unbatched", lambda T, x, w: T.conv2d(x, w, padding="same", dilation=(1, 2)),
     [((3, 5, 6), ANY), ((2, 3, 3, 3), ANY)], True),
    ("conv3d", lambda T, x, w, b: T.conv3d(x, w, b, padding=(1, 0, 1), stride=(1, 2, 1)),
     [((1, 2, 4, 5, 3), ANY), ((3, 2, 2, 3, 2), ANY), ((3,), ANY)], True),
    ("conv_transpose1d", lambda T, x, w, b: T.conv_transpose1d(x, w, b, stride=3, padding=1,
                                                               output_padding=2),
     [((2, 3, 4), ANY), ((3, 2, 3), ANY), ((2,), ANY)], True),
    ("conv_transpose2d", lambda T, x, w, b: T.conv_transpose2d(
        x, w, b, stride=(2, 1), padding=(1, 0), output_padding=(1, 0), groups=2,
        dilation=(1, 2)),
     [((2, 4, 3, 4), ANY), ((4, 1, 3, 2), ANY), ((2,), ANY)], True),
    ("conv_transpose3d", lambda T, x, w: T.conv_transpose3d(x, w, stride=2, padding=(0, 1, 0)),
     [((2, 2, 2, 3, 2), ANY), ((2, 2, 2, 3, 2), ANY)], True),
]
