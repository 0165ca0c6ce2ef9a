"""Sample inputs for the extra2 family: clamp/clip/maximum/minimum/gather/
masked_fill declared in the registry, the `*_copy` ops (ops/copies.py) and
small torch functions.

The rows named clamp, clamp_min and clamp_max take tensor bounds: the
registry's in-place check (tests/test_registry.py) calls the op with its
sample tensors alone, so these rows (later in OPS) are the ones it reads;
tests/op_table.py's number-bound rows still run in test_ops."""

# (op_table's domains, spelled here: op_table imports this module)
ANY = "any"
M = [((3, 4), ANY)]

OPS = [
    ("clamp", lambda T, x, lo, hi: T.clamp(x, lo, hi - 0.5), [((3, 4), ANY), ((4,), ANY),
                                                                 ((3, 1), ANY)], True),
    ("clamp_min", lambda T, x, lo: T.clamp_min(x, lo), [((3, 4), ANY), ((4,), ANY)], True),
    ("clamp_max", lambda T, x, hi: x.clamp_max(hi), [((3, 4), ANY), ((3, 1), ANY)], True),
    ("clip", lambda T, x: T.clip(x.t(), max=0.2), M, True),
    ("clamp_int_bounds", lambda T, x: x.clamp(-1, 1), M, True),
    ("maximum_0d", lambda T, x, y: T.maximum(x, y), [((3, 4), ANY), ((), ANY)], True),
    ("minimum_t", lambda T, x, y: y.minimum(x.t()), [((3, 4), ANY), ((4, 3), ANY)], True),
    ("gather_neg_dim", lambda T, x: T.gather(x, -1, T.tensor([[3, 0, 0]] * 3)), M, True),
    ("masked_fill_broadcast", lambda T, x: x.masked_fill(T.tensor([True, False, True, False]),
                                                         -2.0), M, True),
]
