"""Sample rows of the activation family (ops/activation*.py): see
tests/op_table.py for the row format. Thresholds sit below the sampled
magnitudes (0.15 and up), so no sample lands on a kink."""
POS, UNIT, ANY = "pos", "unit", "any"     # (op_table.py imports this module)

OPS = [
    ("celu", lambda T, x: T.celu(x, 0.7), [((3, 4), ANY)], True),
    ("celu_", lambda T, x: T.celu_(x * 1), [((3, 4), ANY)], True),
    ("selu", lambda T, x: T.selu(x), [((3, 4), ANY)], True),
    ("selu_", lambda T, x: T.selu_(x * 2), [((5,), ANY)], True),
    ("hardshrink", lambda T, x: x.hardshrink(0.1) + T.hardshrink(x), [((3, 5), ANY)], True),
    ("threshold", lambda T, x: T.threshold(x, 0.1, -3.0), [((3, 4), ANY)], True),
    ("threshold_", lambda T, x: T.threshold_(x * 1, -0.1, 2.0), [((3, 4), ANY)], True),
    ("prelu", lambda T, x, w: T.prelu(x, w), [((2, 3, 5), ANY), ((3,), ANY)], True),
    ("rrelu", lambda T, x: T.rrelu(x, 0.1, 0.4, training=True,
                                    generator=T.Generator().manual_seed(3)) + T.rrelu(x),
     [((4, 5), ANY)], True),
    ("rrelu_", lambda T, x: T.rrelu_(x * 1, 0.2, 0.4), [((3, 4), ANY)], True),
    ("bilinear", lambda T, a, b, w, c: T.bilinear(a, b, w, c),
     [((2, 3, 2), ANY), ((2, 3, 4), ANY), ((5, 2, 4), ANY), ((5,), ANY)], True),
]
