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

# The *_copy ops: each beside its view op's arguments (the view's row lives
# with its family); a copy's values are checked not to alias in test_copies.
S = [((3, 4), ANY)]
OPS += [
    ("alias_copy", lambda T, x: T.alias_copy(x), S, True),
    ("as_strided_copy", lambda T, x: T.as_strided_copy(x, (2, 2), (1, 2), 1), S, True),
    ("detach_copy", lambda T, x: x * T.detach_copy(x.detach()).sign(), S, True),  # (see test_copies)
    ("diagonal_copy", lambda T, x: T.diagonal_copy(x, 1), S, True),
    ("expand_copy", lambda T, x: T.expand_copy(x[:1], (2, 3, 4)), S, True),
    ("narrow_copy", lambda T, x: x.narrow_copy(1, 1, 2), S, True),
    ("permute_copy", lambda T, x: T.permute_copy(x, (1, 0)), S, True),
    ("select_copy", lambda T, x: T.select_copy(x, 1, -1), S, True),
    ("slice_copy", lambda T, x: T.slice_copy(x, 1, 0, 3, 2), S, True),
    ("split_copy", lambda T, x: T.split_copy(x, 2, 1)[1], S, True),
    ("split_with_sizes_copy", lambda T, x: T.split_with_sizes_copy(x, [1, 2])[1], S, True),
    ("squeeze_copy", lambda T, x: T.squeeze_copy(x[:1]), S, True),
    ("t_copy", lambda T, x: T.t_copy(x), S, True),
    ("transpose_copy", lambda T, x: T.transpose_copy(x, 0, -1), S, True),
    ("unbind_copy", lambda T, x: T.unbind_copy(x, 1)[2], S, True),
    ("unfold_copy", lambda T, x: T.unfold_copy(x, 1, 2, 1), S, True),
    ("unsqueeze_copy", lambda T, x: T.unsqueeze_copy(x, -1), S, True),
    ("view_copy", lambda T, x: T.view_copy(x, (2, 6)), S, True),
    ("split_with_sizes", lambda T, x: x.split_with_sizes([3, 1], 1)[0] * 2, S, True),
    ("unsafe_split", lambda T, x: T.unsafe_split(x * 1, 2, 1)[1], S, True),
    ("unsafe_chunk", lambda T, x: (x * 1).unsafe_chunk(3)[2], S, True),
    ("unsafe_split_with_sizes", lambda T, x: T.unsafe_split_with_sizes(x * 1, [2, 1])[0], S,
     True),
    # (the ones giving a number, or the tensor itself, beside a differentiable input)
    ("detach", lambda T, x: x * T.detach(x).sign(), S, True),
    ("zero_", lambda T, x: T.zero_(x * 1) + x, S, True),
    ("fill", lambda T, x, v: T.fill(x, v.sum()) * x, [((3, 4), ANY), ((2,), ANY)], True),
    ("fill_number", lambda T, x: T.fill(x, 1.5) * x, S, True),
    ("is_complex", lambda T, x: x * T.is_complex(x), S, True),
    ("is_signed", lambda T, x: x * T.is_signed(x), S, True),
    ("is_conj", lambda T, x: x * T.is_conj(x), S, True),
    ("is_neg", lambda T, x: x * x.is_neg(), S, True),
    ("is_same_size", lambda T, x: x * T.is_same_size(x, x.t()), S, True),
    ("get_device", lambda T, x: x * (T.get_device(x) + 2), S, True),
    ("conj", lambda T, x: T.conj(x * 2), S, True),
    ("resolve_conj", lambda T, x: T.resolve_conj(x * 2), S, True),
    ("resolve_neg", lambda T, x: T.resolve_neg(x * 2), S, True),
    ("real", lambda T, x: T.real(x * 2), S, True),
    ("conj_physical", lambda T, x: T.conj_physical(x * 2), S, True),
    ("imag", lambda T, x: T.real(x), S, True),  # (a real tensor has none: see test_copies)
    ("angle", lambda T, x: T.angle(x) * x, S, True),
]
