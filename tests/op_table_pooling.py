"""Sample rows for the pooling ops of the torch namespace (see
tests/op_table.py for the format); tests/test_nn_pooling*.py cover the
nn.functional forms and every argument."""
from op_table import ANY

OPS = [
    ("max_pool1d", lambda T, x: T.max_pool1d(x, 3, 2, 1, 2, True), [((2, 3, 9), ANY)], True),
    ("max_pool2d", lambda T, x: T.max_pool2d(x, (3, 2), (2, 1), 1, (1, 2), True),
     [((2, 2, 7, 6), ANY)], True),
    ("max_pool3d", lambda T, x: T.max_pool3d(x, 2, (1, 2, 1), (1, 0, 1)), [((2, 3, 4, 5), ANY)],
     True),
    ("max_pool1d_with_indices", lambda T, x: T.max_pool1d_with_indices(x, 2, 1)[0] * 2,
     [((3, 7), ANY)], True),
    ("avg_pool1d", lambda T, x: T.avg_pool1d(x, 3, 2, 1, True, False), [((2, 3, 8), ANY)], True),
    ("adaptive_avg_pool1d", lambda T, x: T.adaptive_avg_pool1d(x, 4), [((2, 3, 7), ANY)], True),
    ("adaptive_max_pool1d", lambda T, x: T.adaptive_max_pool1d(x, 3)[0], [((2, 7), ANY)], True),
]
