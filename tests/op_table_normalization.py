"""Sample rows for the normalisation and dropout ops of the torch namespace.
The dropout rows seed the generator inside the call, so every call (and
PyTorch's) draws the same mask."""
from op_table import ANY, POS


def _stats(T, x, c, offset):
    """Running stats of x's dtype, the same in both libraries."""
    mean = T.linspace(-0.5, 0.5, c, dtype=x.dtype) + offset
    var = T.linspace(0.5, 1.5, c, dtype=x.dtype)
    return mean, var


def _bn(T, x, w, b, training):
    rm, rv = _stats(T, x, x.shape[1], 0.1)
    return T.batch_norm(x, w, b, rm, rv, training, 0.1, 1e-5, False)


def _seeded(T, fn, *args):
    T.manual_seed(7)
    return fn(*args)


OPS = [
    ("batch_norm", lambda T, x, w, b: _bn(T, x, w, b, True),
     [((4, 3, 5), ANY), ((3,), ANY), ((3,), ANY)], True),
    ("batch_norm_eval", lambda T, x, w, b: _bn(T, x, w, b, False),
     [((4, 3, 2, 3), ANY), ((3,), ANY), ((3,), ANY)], True),
    ("batch_norm_2d_noaffine", lambda T, x: T.batch_norm(x, None, None, None, None, True, 0.3,
                                                         1e-3, False),
     [((5, 4), ANY)], True),
    ("instance_norm", lambda T, x, w, b: T.instance_norm(x, w, b, None, None, True, 0.1, 1e-5,
                                                         False),
     [((2, 3, 5), ANY), ((3,), ANY), ((3,), ANY)], True),
    ("instance_norm_eval", lambda T, x: T.instance_norm(x, None, None, *_stats(T, x, 3, 0.0),
                                                        False, 0.1, 1e-5, False),
     [((2, 3, 4), ANY)], True),
    ("layer_norm", lambda T, x, w, b: T.layer_norm(x, (3, 4), w, b, 1e-5),
     [((2, 3, 4), ANY), ((3, 4), ANY), ((3, 4), ANY)], True),
    ("layer_norm_weight_only", lambda T, x, w: T.layer_norm(x, [5], w, None, 1e-3),
     [((3, 5), ANY), ((5,), ANY)], True),
    ("layer_norm_plain", lambda T, x: T.layer_norm(x, (5,)), [((2, 2, 5), ANY)], True),
    ("group_norm", lambda T, x, w, b: T.group_norm(x, 2, w, b, 1e-5),
     [((3, 4, 5), ANY), ((4,), ANY), ((4,), ANY)], True),
    ("group_norm_plain", lambda T, x: T.group_norm(x, 3, eps=1e-3),
     [((2, 6, 2, 3), ANY)], True),
    ("rms_norm", lambda T, x, w: T.rms_norm(x, (4,), w), [((3, 4), ANY), ((4,), ANY)], True),
    ("rms_norm_eps", lambda T, x: T.rms_norm(x, [2, 3], None, 1e-3), [((2, 2, 3), ANY)], True),
    ("dropout", lambda T, x: _seeded(T, T.dropout, x, 0.3, True), [((6, 7), ANY)], True),
    ("dropout_", lambda T, x: _seeded(T, T.dropout_, x * 1, 0.4, True), [((5, 6), ANY)], True),
    ("feature_dropout", lambda T, x: _seeded(T, T.feature_dropout, x, 0.5, True),
     [((4, 5, 3), ANY)], True),
    ("feature_dropout_", lambda T, x: _seeded(T, T.feature_dropout_, x * 1, 0.5, True),
     [((4, 5, 2, 2), ANY)], True),
    ("alpha_dropout", lambda T, x: _seeded(T, T.alpha_dropout, x, 0.2, True),
     [((6, 7), ANY)], True),
    ("alpha_dropout_", lambda T, x: _seeded(T, T.alpha_dropout_, x * 1, 0.6, True),
     [((5, 6), POS)], True),
    ("feature_alpha_dropout", lambda T, x: _seeded(T, T.feature_alpha_dropout, x, 0.5, True),
     [((4, 5, 3), ANY)], True),
    ("feature_alpha_dropout_", lambda T, x: _seeded(T, T.feature_alpha_dropout_, x * 1, 0.3,
                                                    True),
     [((6, 3, 2), ANY)], True),
]
