"""Sample rows for the rearranging ops (ember/ops/rearrange*.py): triangles,
diagonals, grids, broadcasting, stacking, reordering, splitting, strided
views. Multi-output ops are combined into one tensor; non-differentiable
ones (index makers, broadcast_shapes) drive a differentiable op."""
from op_table import ANY

A = ANY
M34 = [((3, 4), A)]


def _sum_pieces(T, pieces):
    return T.cat([p.reshape(-1) for p in pieces])


OPS = [
    ("tril", lambda T, x: T.tril(x), M34, True),
    ("tril_offset", lambda T, x: T.tril(x, -1) + x.tril(2), [((2, 3, 4), A)], True),
    ("triu", lambda T, x: T.triu(x), M34, True),
    ("triu_offset", lambda T, x: x.triu(1) * T.triu(x, -2), [((4, 3), A)], True),
    ("tril_indices", lambda T, x: x[tuple(T.tril_indices(3, 4, 1))], M34, True),
    ("triu_indices", lambda T, x: x[tuple(T.triu_indices(4, 3, -1))], [((4, 3), A)], True),
    ("diag", lambda T, x: T.diag(x), [((4,), A)], True),
    ("diag_offset_matrix", lambda T, x: T.diag(x, 1) + x.diag(-1).sum(), M34, True),
    ("diag_vector_offset", lambda T, x: T.diag(x, -2), [((3,), A)], True),
    ("diagonal", lambda T, x: T.diagonal(x), M34, True),
    ("diagonal_dims", lambda T, x: x.diagonal(1, -1, 0) * 2, [((4, 2, 3), A)], True),
    ("diagonal_transposed", lambda T, x: T.diagonal(x.t(), -1), M34, True),
    ("diag_embed", lambda T, x: T.diag_embed(x), [((2, 3), A)], True),
    ("diag_embed_dims", lambda T, x: x.diag_embed(1, 0, 2), [((2, 3), A)], True),
    ("diagflat", lambda T, x: T.diagflat(x), [((2, 2), A)], True),
    ("diagflat_offset", lambda T, x: T.diagflat(x.t(), -1), [((2, 3), A)], True),
    ("trace", lambda T, x: T.trace(x), M34, True),
    ("fill_diagonal_", lambda T, x: (x * 1).fill_diagonal_(0.5) * x, M34, True),
    ("fill_diagonal_wrap", lambda T, x: (x * 1).fill_diagonal_(2.0, wrap=True), [((7, 2), A)],
     True),
    ("meshgrid", lambda T, x, y: T.meshgrid(x, y, indexing="ij")[0]
     * T.meshgrid([x, y], indexing="ij")[1], [((3,), A), ((4,), A)], True),
    ("meshgrid_xy", lambda T, x, y, z: T.meshgrid(x, y, z, indexing="xy")[0] * T.meshgrid(x, y, z, indexing="xy")[1]
     + T.meshgrid(x, y, z, indexing="xy")[2], [((3,), A), ((2,), A), ((2,), A)], True),
    ("cartesian_prod", lambda T, x, y: T.cartesian_prod(x, y), [((3,), A), ((2,), A)], True),
    ("cartesian_prod_one", lambda T, x: T.cartesian_prod(x) * 2, [((3,), A)], True),
    ("combinations", lambda T, x: T.combinations(x), [((4,), A)], True),
    ("combinations_replacement", lambda T, x: T.combinations(x, 3, with_replacement=True),
     [((3,), A)], True),
    ("broadcast_to", lambda T, x: T.broadcast_to(x, (2, 3, 4)), [((3, 1), A)], True),
    ("broadcast_tensors", lambda T, x, y: T.cat([t.reshape(-1) for t in
                                                 T.broadcast_tensors(x, y)]),
     [((3, 1), A), ((4,), A)], True),
    ("broadcast_shapes", lambda T, x: x.expand(T.broadcast_shapes((3, 1), (1, 4), 4)),
     [((3, 1), A)], True),
    ("atleast_1d", lambda T, x: T.atleast_1d(x.sum()) * T.atleast_1d(x), [((3,), A)], True),
    ("atleast_2d", lambda T, x: T.atleast_2d(x) + T.atleast_2d(x.sum()), [((3,), A)], True),
    ("atleast_3d", lambda T, x, y: T.atleast_3d(x) * T.atleast_3d(y)[0].sum()
     + T.atleast_3d([x, y])[0], [((3,), A), ((2, 3), A)], True),
    ("hstack", lambda T, x, y: T.hstack([x, y]), [((3, 4), A), ((3, 2), A)], True),
    ("hstack_vectors", lambda T, x: T.hstack((x, x.sum(), x)), [((3,), A)], True),
    ("vstack", lambda T, x, y: T.vstack([x, y]), [((4,), A), ((2, 4), A)], True),
    ("row_stack", lambda T, x, y: T.row_stack((x, y)), [((4,), A), ((4,), A)], True),
    ("dstack", lambda T, x, y: T.dstack([x, y]), [((4,), A), ((1, 4, 2), A)], True),
    ("column_stack", lambda T, x, y: T.column_stack([x, y]), [((3,), A), ((3, 2), A)], True),
    ("concatenate_axis", lambda T, x, y: T.concatenate((x, y), axis=0) + 0 * T.concat([x], 0).sum(),
     [((3, 4), A), ((1, 4), A)], True),
    ("tile", lambda T, x: T.tile(x, (2,)), M34, True),
    ("tile_more_dims", lambda T, x: x.tile((2, 1, 3)), [((2, 3), A)], True),
    ("repeat_interleave", lambda T, x: T.repeat_interleave(x, 2), M34, True),
    ("repeat_interleave_dim", lambda T, x: x.repeat_interleave(3, dim=-1), [((2, 3), A)], True),
    ("repeat_interleave_tensor", lambda T, x: T.repeat_interleave(
        x, T.tensor([2, 0, 1]), dim=0, output_size=3), M34, True),
    ("repeat_interleave_counts", lambda T, x: x[T.repeat_interleave(T.tensor([1, 0, 2]))],
     [((3,), A)], True),
    ("roll", lambda T, x: T.roll(x, 1), M34, True),
    ("roll_dims", lambda T, x: x.roll((1, -2), (0, 1)), M34, True),
    ("rot90", lambda T, x: T.rot90(x), M34, True),
    ("rot90_k_dims", lambda T, x: x.rot90(-3, [2, 0]), [((2, 3, 4), A)], True),
    ("fliplr", lambda T, x: T.fliplr(x), M34, True),
    ("flipud", lambda T, x: T.flipud(x), [((4,), A)], True),
    ("movedim", lambda T, x: T.movedim(x, 0, -1), [((2, 3, 4), A)], True),
    ("moveaxis_pairs", lambda T, x: x.moveaxis((0, 1), (2, 0)) * 1, [((2, 3, 4), A)], True),
    ("ravel", lambda T, x: T.ravel(x), M34, True),
    ("ravel_transposed", lambda T, x: x.t().ravel(), M34, True),
    ("tensor_split", lambda T, x: _sum_pieces(T, T.tensor_split(x, 3, 1)), M34, True),
    ("tensor_split_indices", lambda T, x: _sum_pieces(T, x.tensor_split([1, 5, 2], dim=-1)),
     M34, True),
    ("tensor_split_tensor", lambda T, x: T.tensor_split(x, T.tensor([1]))[1], M34, True),
    ("hsplit", lambda T, x: T.hsplit(x, 2)[1] * 3, M34, True),
    ("vsplit", lambda T, x: _sum_pieces(T, T.vsplit(x, [1])), M34, True),
    ("dsplit", lambda T, x: x.dsplit(2)[0], [((2, 1, 4), A)], True),
    ("unfold", lambda T, x: x.unfold(1, 2, 1), M34, True),
    ("unfold_step", lambda T, x: x.unfold(0, 2, 2) * 2, [((5, 2), A)], True),
    ("as_strided", lambda T, x: T.as_strided(x, (3, 3), (1, 2), 1), M34, True),
    ("as_strided_overlap", lambda T, x: x.expand(2, 3).as_strided((2, 2), (1, 1)), [((3,), A)],
     True),
    ("squeeze_dims", lambda T, x: T.squeeze(x, (0, 2)), [((1, 3, 1), A)], True),
    ("squeeze_", lambda T, x: (x * 1).squeeze_(), [((1, 3, 1), A)], True),
    ("unsqueeze_", lambda T, x: (x * 1).unsqueeze_(1), [((3, 2), A)], True),
    ("t_", lambda T, x: (x * 1).t_() * x.t(), M34, True),
    ("transpose_", lambda T, x: (x * 1).transpose_(0, 2).swapdims_(0, 1), [((2, 3, 4), A)],
     True),
    ("as_strided_", lambda T, x: (x * 1).as_strided_((2, 2), (1, 3)), M34, True),
]
