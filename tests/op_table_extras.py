"""Rows for torch-namespace extras: the view scatters, igamma/igammac,
adjoint, vander, frobenius_norm, nuclear_norm, gradient, histogramdd, the
native_* normalisations and native_dropout."""
from op_table_linalg import quiet   # (warnings of the JIT-only names silenced)

# (op_table's domains, spelled here: op_table imports this module)
ANY, POS = "any", "pos"

M34 = ((3, 4), ANY)



OPS = [
    ("select_scatter", lambda T, x, s: T.select_scatter(x, s, 1, -1), [M34, ((3,), ANY)], True),
    ("slice_scatter", lambda T, x, s: x.slice_scatter(s, 1, 0, None, 2), [M34, ((3, 2), ANY)],
     True),
    ("diagonal_scatter", lambda T, x, s: T.diagonal_scatter(x, s, -1), [M34, ((2,), ANY)], True),
    # (the source only: PyTorch's gradient for the input fails its own gradcheck,
    # see test_torch_extras.py)
    ("as_strided_scatter", lambda T, s: T.as_strided_scatter(T.zeros(3, 4, dtype=T.float64), s,
                                                            (2, 2), (1, 4), 1),
     [((2, 2), ANY)], True),
    ("igamma", lambda T, x: T.igamma(T.tensor([0.5, 2.0, 4.5]).double(), x), [((2, 3), POS)],
     True),
    ("igammac", lambda T, x: T.tensor([0.5, 2.0, 4.5]).double().igammac(x.t()),
     [((3, 3), POS)], True),
    ("adjoint", lambda T, x: T.adjoint(x) * 2, [((2, 3, 4), ANY)], True),
    # (PyTorch's backward through vander fails its version check: the
    # gradient here flows around it, through a product)
    ("vander", lambda T, x: T.vander(T.tensor([1.5, -0.5, 2.0, 0.25], dtype=x.dtype), 3)
     * x.unsqueeze(1), [((4,), ANY)], True),
    ("frobenius_norm", quiet(lambda T, x: T.frobenius_norm(x, (0, -1), True)),
     [((2, 3, 4), ANY)], True),
    ("nuclear_norm", quiet(lambda T, x: T.nuclear_norm(x, [0, 1])), [((3, 4, 2), ANY)], True),
    ("native_layer_norm", lambda T, x, w, b: T.native_layer_norm(x, [4], w, b, 1e-5)[0],
     [((2, 3, 4), ANY), ((4,), ANY), ((4,), ANY)], True),
    ("native_batch_norm", lambda T, x, w: T.native_batch_norm(x, w, None, None, None, True, 0.1,
                                                             1e-5)[0],
     [((4, 3, 2), ANY), ((3,), ANY)], True),
    ("native_group_norm", lambda T, x, w, b: T.native_group_norm(x, w, b, 2, 6, 2, 3, 1e-5)[0],
     [((2, 6, 2), ANY), ((6,), ANY), ((6,), ANY)], True),
    ("gradient", lambda T, x: T.cat(T.gradient(x, spacing=[2.0, 0.5], edge_order=2)),
     [((3, 4), ANY)], True),
    ("gradient_coordinates", lambda T, x: T.gradient(
        x, spacing=[T.tensor([0.0, 1.0, 2.5, 3.0], dtype=x.dtype)], dim=1)[0], [((3, 4), ANY)],
     True),
    ("gradient_coordinates_2", lambda T, x: T.gradient(
        x, spacing=(T.tensor([0.0, 1.0, 2.5], dtype=x.dtype),), dim=0, edge_order=2)[0],
     [((3, 4), ANY)], True),
    # (not differentiable: the row multiplies by the input for a gradient)
    ("histogramdd", lambda T, x: T.histogramdd(x.detach(), [2, 3]).hist.sum() * x,
     [((5, 2), ANY)], True),
    ("native_dropout", lambda T, x: T.native_dropout(x, 0.5, False)[0] * x, [((3, 4), ANY)],
     True),
]


def inplace_extra_args(ember):
    """The arguments after the input that in-place variants of these rows need."""
    other = ember.tensor([0.5, 2.0, 4.5], dtype=ember.float64)
    return {"igamma": (other,), "igammac": (other,)}
