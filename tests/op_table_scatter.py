"""Sample inputs for the scatter family (ops/scatter*.py): scatter,
scatter_add, scatter_reduce, index_add/copy/fill/reduce/put, masked_scatter,
put, take, take_along_dim, argwhere, and masked_fill with a value tensor.
Besides the OPS rows: the in-place calls, second-order cases and refused
calls that tests/test_scatter.py runs beside PyTorch."""
import warnings

# (op_table's domains, spelled here: op_table imports this module)
ANY, POS = "any", "pos"


def _i(T, rows):
    return T.tensor(rows)


def _index_reduce(x, *args, **kwargs):
    # index_reduce warns that it is in beta (once, in both libraries).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return x.index_reduce(*args, **kwargs)


# Indices without repeats where a repeat would leave the result unspecified.
_SCATTER = [[0, 2, 1, 0], [2, 1, 0, 1]]     # into a (3, 4) input along dim 0 (per column distinct)
_DUP = [[0, 2, 0, 0], [0, 0, 0, 2]]         # repeats: for the reducing ops

def inplace_extra_args(T, dtype=None):
    """The arguments after a (3, 4) input (float64 unless `dtype`) of each op
    with an in-place variant: the rows named after the ops call them so, and
    tests/test_registry.py's in-place check appends them to the row's input."""
    dt = dtype or T.float64
    return {
        "scatter": (0, T.tensor(_SCATTER), T.ones(2, 4, dtype=dt)),
        "scatter_add": (0, T.tensor(_DUP), T.ones(2, 4, dtype=dt)),
        "scatter_reduce": (0, T.tensor(_DUP), T.full((2, 4), 1.5, dtype=dt), "prod"),
        "index_add": (0, T.tensor([2, 0, 2]), T.ones(3, 4, dtype=dt)),
        "index_copy": (1, T.tensor([3, 0]), T.ones(3, 2, dtype=dt)),
        "index_fill": (1, T.tensor([3, -4]), -1.0),
        "index_reduce": (0, T.tensor([2, 0, 2]), T.full((3, 4), 1.5, dtype=dt), "prod"),
        "index_put": ((T.tensor([0, 2]), T.tensor([3, 1])), T.tensor([1.5, -2.0], dtype=dt)),
        "masked_scatter": (T.tensor([[True, False, True, False]] * 3), T.arange(12, dtype=dt)),
        "put": (T.tensor([1, -1]), T.tensor([7., 8.], dtype=dt)),
    }


def _by_extra_args(name):
    """The row of the op `name`: its input and inplace_extra_args."""
    call = _index_reduce if name == "index_reduce" else lambda x, *a: getattr(x, name)(*a)
    return (name, lambda T, x: call(x, *inplace_extra_args(T, x.dtype)[name]),
            [((3, 4), ANY)], True)


OPS = [_by_extra_args(name) for name in (
    "scatter", "scatter_add", "scatter_reduce", "index_add", "index_copy", "index_fill",
    "index_reduce", "index_put", "masked_scatter", "put")] + [
    ("scatter_src", lambda T, x, s: T.scatter(x, 0, _i(T, _SCATTER), s),
     [((3, 4), ANY), ((2, 4), ANY)], True),
    # (a source larger than the index: PyTorch refuses its gradient; see test_scatter.py)
    ("scatter_larger_src", lambda T, x: x.scatter(1, _i(T, [[3], [0]]), T.ones(3, 5).double()
                                                  .to(x.dtype)), [((2, 4), ANY)], True),
    ("scatter_value", lambda T, x: x.scatter(-1, _i(T, [[1, 3], [0, 0], [2, 2]]), 1.5),
     [((3, 4), ANY)], True),
    ("scatter_0d", lambda T, x, s: x.scatter(0, T.tensor(0), s), [((), ANY), ((), ANY)], True),
    ("scatter_transposed", lambda T, x, s: x.t().scatter(1, _i(T, [[0, 2]]), s.t()),
     [((3, 4), ANY), ((2, 1), ANY)], True),
    ("scatter_add_src", lambda T, x, s: T.scatter_add(x, 0, _i(T, _DUP), s),
     [((3, 4), ANY), ((2, 4), ANY)], True),
    ("scatter_add_dim1", lambda T, x, s: x.scatter_add(1, _i(T, [[0, 0], [3, 1], [2, 2]]), s),
     [((3, 4), ANY), ((3, 2), ANY)], True),
    ("scatter_reduce_sum", lambda T, x, s: T.scatter_reduce(x, 0, _i(T, _DUP), s, "sum"),
     [((3, 4), ANY), ((2, 4), ANY)], True),
    ("scatter_reduce_sum_noself",
     lambda T, x, s: x.scatter_reduce(0, _i(T, _DUP), s, "sum", include_self=False),
     [((3, 4), ANY), ((2, 4), ANY)], True),
    ("scatter_reduce_prod", lambda T, x, s: x.scatter_reduce(0, _i(T, _DUP), s, "prod"),
     [((3, 4), ANY), ((2, 4), ANY)], True),
    ("scatter_reduce_prod_noself",
     lambda T, x, s: x.scatter_reduce(0, _i(T, _DUP), s, "prod", include_self=False),
     [((3, 4), ANY), ((2, 4), ANY)], True),
    ("scatter_reduce_mean", lambda T, x, s: x.scatter_reduce(0, _i(T, _DUP), s, "mean"),
     [((3, 4), ANY), ((2, 4), ANY)], True),
    ("scatter_reduce_mean_noself",
     lambda T, x, s: x.scatter_reduce(0, _i(T, _DUP), s, "mean", include_self=False),
     [((3, 4), ANY), ((2, 4), ANY)], True),
    ("scatter_reduce_amax", lambda T, x, s: x.scatter_reduce(0, _i(T, _DUP), s, "amax"),
     [((3, 4), ANY), ((2, 4), ANY)], True),
    ("scatter_reduce_amin_noself",
     lambda T, x, s: x.scatter_reduce(1, _i(T, [[0, 0], [3, 1], [2, 2]]), s, "amin",
                                      include_self=False),
     [((3, 4), ANY), ((3, 2), ANY)], True),
    ("index_add_alpha", lambda T, x, s: T.index_add(x, 0, _i(T, [2, 0, 2]), s, alpha=1.5),
     [((3, 4), ANY), ((3, 4), ANY)], True),
    ("index_add_dim1", lambda T, x, s: x.index_add(1, _i(T, [3, 1]), s),
     [((3, 4), ANY), ((3, 2), ANY)], True),
    ("index_copy_source", lambda T, x, s: T.index_copy(x, 1, _i(T, [3, 0]), s),
     [((3, 4), ANY), ((3, 2), ANY)], True),
    ("index_fill_negative", lambda T, x: T.index_fill(x, 0, _i(T, [-1]), 2), [((3, 4), ANY)], True),
    ("index_fill_tensor", lambda T, x, v: x.index_fill(0, _i(T, [2, 0, 2]), v.sum()),
     [((3, 4), ANY), ((2,), ANY)], True),
    ("index_reduce_prod", lambda T, x, s: _index_reduce(x, 0, _i(T, [2, 0, 2]), s, "prod"),
     [((3, 4), ANY), ((3, 4), ANY)], True),
    ("index_reduce_mean", lambda T, x, s: _index_reduce(x, 1, _i(T, [1, 1]), s, "mean"),
     [((3, 4), ANY), ((3, 2), ANY)], True),
    ("index_reduce_amax_noself",
     lambda T, x, s: _index_reduce(x, 0, _i(T, [2, 0, 2]), s, "amax", include_self=False),
     [((3, 4), ANY), ((3, 4), ANY)], True),
    ("index_reduce_amin", lambda T, x, s: _index_reduce(x, 0, _i(T, [1, 1, 0]), s, "amin"),
     [((3, 4), ANY), ((3, 4), ANY)], True),
    ("index_put_values", lambda T, x, v: T.index_put(x, (_i(T, [0, 2]), _i(T, [3, 1])), v),
     [((3, 4), ANY), ((2,), ANY)], True),
    ("index_put_accumulate",
     lambda T, x, v: x.index_put((_i(T, [0, 2, 0]),), v, accumulate=True),
     [((3, 4), ANY), ((4,), ANY)], True),
    ("index_put_mask", lambda T, x, v: x.index_put((x > 0,), v), [((3, 4), ANY), ((), ANY)],
     True),
    ("index_put_", lambda T, x, v: T.index_put_(x * 1, (_i(T, [1]),), v),  # (torch.index_put_)
     [((3, 4), ANY), ((4,), ANY)], True),
    ("masked_scatter_source", lambda T, x, s: T.masked_scatter(x, x > 0, s),
     [((3, 4), ANY), ((14,), ANY)], True),
    ("masked_scatter_broadcast", lambda T, x, s: x.masked_scatter(
        T.tensor([[True, False, True], [False, False, True]]), s),
     [((3,), ANY), ((2, 3), ANY)], True),
    ("put_source", lambda T, x, s: T.put(x, _i(T, [[1, -1], [5, 0]]), s), [((3, 4), ANY), ((2, 2), ANY)],
     True),
    ("put_accumulate", lambda T, x, s: x.put(_i(T, [1, 1, 7]), s, accumulate=True),
     [((3, 4), ANY), ((3,), ANY)], True),
    ("take", lambda T, x: T.take(x, _i(T, [[1, -1], [5, 1]])), [((3, 4), ANY)], True),
    ("take_transposed", lambda T, x: x.t().take(_i(T, [0, 1, 11])), [((3, 4), ANY)], True),
    ("take_along_dim", lambda T, x: T.take_along_dim(x, _i(T, [[0], [2], [-1]]), 1),
     [((3, 4), ANY)], True),
    ("take_along_dim_broadcast", lambda T, x: x.take_along_dim(_i(T, [[0, 2, 1, 1]]), dim=0),
     [((3, 1), ANY)], True),
    ("take_along_dim_flat", lambda T, x: T.take_along_dim(x, _i(T, [11, 0, 5])),
     [((3, 4), ANY)], True),
    ("argwhere", lambda T, x: T.take(x, T.argwhere(x.flatten() > 0).flatten()),
     [((3, 4), ANY)], True),
    ("masked_fill_tensor", lambda T, x, v: x.masked_fill(x > 0, v.sum()),
     [((3, 4), ANY), ((2,), ANY)], True),
    ("masked_fill_tensor_broadcast", lambda T, x, v: x.masked_fill(
        T.tensor([[True], [False]]), v.sum()), [((3,), POS), ((2,), ANY)], True),
    ("where_one_arg", lambda T, x: x[T.where(x > 0)], [((3, 4), ANY)], True),
]


# The in-place variants' arguments after the tensor changed in place, for a
# (3, 4) float64 tensor x: name -> f(T, x) giving (args, kwargs).
INPLACE_ARGS = {
    "scatter": lambda T, x: ((0, T.tensor(_SCATTER), x[:2] * 2), {}),
    "scatter_add": lambda T, x: ((0, T.tensor(_DUP), x[:2]), {}),
    "scatter_reduce": lambda T, x: ((1, T.tensor(_DUP), x[:2], "amin"), {"include_self": False}),
    "index_add": lambda T, x: ((0, T.tensor([2, 0, 2]), x), {"alpha": 2}),
    "index_copy": lambda T, x: ((1, T.tensor([3, 0]), x[:, :2]), {}),
    "index_fill": lambda T, x: ((1, T.tensor([3, 0]), -1), {}),
    "index_reduce": lambda T, x: ((0, T.tensor([2, 0, 2]), x * 3, "mean"), {}),
    "index_put": lambda T, x: (((T.tensor([0, 2]), T.tensor([3, 1])), x[0, :2]),
                               {"accumulate": True}),
    "masked_scatter": lambda T, x: ((x > 2, x * 10), {}),
    "put": lambda T, x: ((T.tensor([1, 11]), x[0, :2] - 7), {}),
    "masked_fill": lambda T, x: ((x > 2, T.tensor(-5.).double()), {}),
}


# Second derivatives compared with PyTorch's (values and grad_fn names), on
# x, s = float64 (2, 3) tensors holding zeros and ties: name -> f(T, x, s).
_I = [[0, 1, 0], [1, 1, 0]]
SECOND_ORDER = {
    **{f"scatter_reduce_{r}_{inc}": (lambda r, inc: lambda T, x, s: x.scatter_reduce(
        0, T.tensor(_I), s, r, include_self=inc))(r, inc)
       for r in ("sum", "prod", "mean", "amax", "amin") for inc in (True, False)},
    **{f"index_reduce_{r}_{inc}": (lambda r, inc: lambda T, x, s: _index_reduce(
        x, 1, T.tensor([2, 0, 2]), s, r, include_self=inc))(r, inc)
       for r in ("prod", "mean", "amax", "amin") for inc in (True, False)},
    "scatter": lambda T, x, s: x.scatter(0, T.tensor([[1, 0, 1]]), s * s),
    "index_add": lambda T, x, s: x.index_add(1, T.tensor([2, 2, 0]), s * s, alpha=2),
    "index_copy": lambda T, x, s: x.index_copy(1, T.tensor([2, 0, 1]), s * s),
    "masked_scatter": lambda T, x, s: (x * x).masked_scatter(x > 1, s * s),
    "put": lambda T, x, s: (x * x).put(T.tensor([0, 5, 0]), (s * s)[0], accumulate=True),
    "take": lambda T, x, s: (x * s).take(T.tensor([[0, 5], [0, 3], [1, 1]])),
    "index_put": lambda T, x, s: (x * x).index_put(
        (T.tensor([0, 0, 1]), T.tensor([2, 2, 0])), (s * s)[1], accumulate=True),
    "masked_fill": lambda T, x, s: (x * x).masked_fill(x > 1, (s * s).sum()),
    "index_fill": lambda T, x, s: (x * x).index_fill(1, T.tensor([0, 0]), (s * s).sum()),
}


# Calls PyTorch refuses, on x = arange(12.).reshape(3, 4) (float32), by
# group: name -> f(T, x); Ember must raise the same error, x unchanged.
SCATTER_ERRORS = {
    "index_int16": lambda T, x: x.scatter(0, T.tensor([[0, 1]]).short(), x[:1, :2]),
    "index_float": lambda T, x: x.scatter(0, T.tensor([[0.]]), x[:1, :1]),
    "index_high": lambda T, x: x.scatter(0, T.tensor([[3, 0, 0, 0]]), x),
    "index_negative": lambda T, x: x.scatter(0, T.tensor([[-1, 0, 0, 0]]), x),
    "index_order": lambda T, x: x.scatter(0, T.tensor([[0, 7, 0, 0], [5, 0, 0, 0]]), x),
    "index_order_dim1": lambda T, x: x.scatter(1, T.tensor([[0, 7, 0, 0], [5, 0, 0, 0]]), x),
    "value_index_high": lambda T, x: x.scatter(1, T.tensor([[4]]), 1.0),
    "src_dtype": lambda T, x: x.scatter(0, T.tensor([[0]]), x.double()),
    "src_int": lambda T, x: x.scatter(0, T.tensor([[0]]), x.long()),
    "index_ndim": lambda T, x: x.scatter(0, T.tensor([0, 1]), x),
    "index_too_big": lambda T, x: x.scatter(0, T.zeros(4, 4, dtype=T.int64), x),
    "index_bigger_than_src": lambda T, x: x.scatter(0, T.zeros(2, 4, dtype=T.int64), x[:1]),
    "src_ndim": lambda T, x: x.scatter(0, T.tensor([[0]]), T.ones(1)),
    "dim": lambda T, x: x.scatter(2, T.tensor([[0]]), x),
    "add_index_high": lambda T, x: x.scatter_add(0, T.tensor([[0, 7, 0, 0]]), x),
    "add_src_dtype": lambda T, x: x.scatter_add(0, T.tensor([[0]]), x.double()),
    "add_value": lambda T, x: x.scatter_add(0, T.tensor([[0]]), 2.0),
    "add_index_too_big": lambda T, x: x.scatter_add(0, T.zeros(3, 5, dtype=T.int64), x),
    "reduce_index": lambda T, x: x.scatter_reduce(0, T.tensor([[0.]]), x, "sum"),
    "reduce_name": lambda T, x: x.scatter_reduce(0, T.tensor([[0]]), x, "add"),
    "reduce_dtype": lambda T, x: x.scatter_reduce(0, T.tensor([[0]]), x.double(), "sum"),
    "reduce_index_high": lambda T, x: x.scatter_reduce(0, T.tensor([[5]]), x, "amax"),
}


INDEX_ERRORS = {
    "add_index_float": lambda T, x: x.index_add(0, T.tensor([0.]), x[:1]),
    "add_index_high": lambda T, x: x.index_add(0, T.tensor([0, 3]), x[:2]),
    "add_index_negative": lambda T, x: x.index_add(0, T.tensor([0, -1]), x[:2]),
    "add_index_2d": lambda T, x: x.index_add(0, T.tensor([[0, 1]]), x[:2]),
    "add_dtype": lambda T, x: x.index_add(0, T.tensor([0]), x[:1].double()),
    "add_count": lambda T, x: x.index_add(0, T.tensor([0, 1]), x),
    "add_shape": lambda T, x: x.index_add(0, T.tensor([0]), T.ones(1, 5)),
    "add_ndim": lambda T, x: x.index_add(0, T.tensor([0, 1]), T.ones(2, 4, 1)),
    "add_vector_source": lambda T, x: x.index_add(0, T.tensor([1]), T.ones(4)),
    "copy_index_int": lambda T, x: x.index_copy(0, T.tensor([0]).int(), x[:1]),
    "copy_index_float": lambda T, x: x.index_copy(0, T.tensor([0.]), x[:1]),
    "copy_index_high": lambda T, x: x.index_copy(0, T.tensor([3]), x[:1]),
    "copy_index_negative": lambda T, x: x.index_copy(0, T.tensor([-1]), x[:1]),
    "copy_dtype": lambda T, x: x.index_copy(0, T.tensor([0]), x[:1].double()),
    "copy_count": lambda T, x: x.index_copy(0, T.tensor([0, 1]), x),
    "copy_slice_shape": lambda T, x: x.index_copy(0, T.tensor([0]), T.ones(1, 5)),
    "copy_index_2d": lambda T, x: x.index_copy(0, T.tensor([[0]]), x[:1]),
    "copy_ndim": lambda T, x: x.index_copy(0, T.tensor([1]), T.ones(4)),
    "fill_index_int": lambda T, x: x.index_fill(0, T.tensor([0]).int(), 1),
    "fill_index_high": lambda T, x: x.index_fill(0, T.tensor([3]), 1),
    "fill_index_low": lambda T, x: x.index_fill(0, T.tensor([-4]), 1),
    "fill_index_2d": lambda T, x: x.index_fill(0, T.tensor([[0]]), 1),
    "fill_value_1d": lambda T, x: x.index_fill(0, T.tensor([0]), T.tensor([1.])),
    "reduce_name": lambda T, x: x.index_reduce(0, T.tensor([0]), x[:1], "sum"),
    "reduce_index_float": lambda T, x: x.index_reduce(0, T.tensor([0.]), x[:1], "prod"),
    "reduce_index_high": lambda T, x: x.index_reduce(0, T.tensor([3]), x[:1], "prod"),
    "reduce_dtype": lambda T, x: x.index_reduce(0, T.tensor([0]), x[:1].double(), "amax"),
    "reduce_count": lambda T, x: x.index_reduce(0, T.tensor([0]), x, "mean"),
    "reduce_shape": lambda T, x: x.index_reduce(0, T.tensor([0]), T.ones(1, 5), "amin"),
    "reduce_index_2d": lambda T, x: x.index_reduce(0, T.tensor([[0]]), x[:1], "prod"),
    "put_dtype": lambda T, x: x.index_put((T.tensor([0]),), T.tensor(1., dtype=T.float64)),
    "put_index_high": lambda T, x: x.index_put((T.tensor([0, 5]),), T.tensor(1.)),
    "put_index_float": lambda T, x: x.index_put((T.tensor([0.]),), T.tensor(1.)),
    "put_values_shape": lambda T, x: x.index_put((T.tensor([0, 2]),), T.ones(3)),
    "put_too_many": lambda T, x: x.index_put((T.tensor([0]),) * 3, T.ones(1)),
    "put_none": lambda T, x: x.index_put((None, T.tensor([0])), T.ones(1)),
    "put_values_number": lambda T, x: x.index_put((T.tensor([0]),), 1.0),
}


OTHER_ERRORS = {
    "masked_scatter_count": lambda T, x: x.masked_scatter(x > 1, T.ones(3)),
    "masked_scatter_mask_dtype": lambda T, x: x.masked_scatter((x > 1).long(), x),
    "masked_scatter_dtype": lambda T, x: x.masked_scatter(x > 1, x.long()),
    "masked_scatter_shape": lambda T, x: x.masked_scatter(T.ones(2, 4, dtype=T.bool), x),
    "put_high": lambda T, x: x.put(T.tensor([1, 12]), T.ones(2)),
    "put_low": lambda T, x: x.put(T.tensor([1, -13]), T.ones(2)),
    "put_count": lambda T, x: x.put(T.tensor([1, 2]), T.ones(3)),
    "put_dtype": lambda T, x: x.put(T.tensor([1, 2]), T.ones(2).double()),
    "put_index_int": lambda T, x: x.put(T.tensor([1, 2]).int(), T.ones(2)),
    "take_high": lambda T, x: x.take(T.tensor([1, 12])),
    "take_low": lambda T, x: x.take(T.tensor([-13])),
    "take_index_int": lambda T, x: x.take(T.tensor([1]).int()),
    "take_along_broadcast": lambda T, x: T.take_along_dim(x, T.tensor([[0, 2]]), 0),
    "take_along_index_int": lambda T, x: T.take_along_dim(x, T.tensor([[0]]).int(), 0),
    "take_along_index_float": lambda T, x: T.take_along_dim(x, T.tensor([[0.]]), 0),
    "take_along_ndim": lambda T, x: T.take_along_dim(x, T.tensor([0]), 0),
    "take_along_dim": lambda T, x: T.take_along_dim(x, T.tensor([[0]]), 2),
    "take_along_flat_high": lambda T, x: T.take_along_dim(x, T.tensor([12])),
    "take_along_flat_negative": lambda T, x: T.take_along_dim(x, T.tensor([-1])),
    "masked_fill_value_1d": lambda T, x: x.masked_fill(x > 1, T.tensor([1.])),
    "take_from_empty": lambda T, x: x[:0].take(T.tensor([0])),
    "put_into_empty": lambda T, x: x[:0].clone().put(T.tensor([0]), T.ones(1)),
    "take_along_empty_dim": lambda T, x: T.take_along_dim(x[:0], T.zeros(1, 4, dtype=T.int64),
                                                          0),
    "masked_scatter_mask_uint8": lambda T, x: x.masked_scatter((x > 1).to(T.uint8), x),
    "masked_select_mask_long": lambda T, x: x.masked_select((x > 1).long()),
    "masked_select_mask_float": lambda T, x: T.masked_select(x, (x > 1).float()),
    "masked_select_long_mask_shape": lambda T, x: x.masked_select(T.ones(5, dtype=T.int64)),
    "masked_select_shape": lambda T, x: x.masked_select(T.ones(5, dtype=T.bool)),
    "masked_select_shape_3d": lambda T, x: x.masked_select(T.ones(2, 1, 3, dtype=T.bool)),
    # where broadcasts condition, input, other in turn: the error names the first misfit
    "where_scalar_other": lambda T, x: T.where(x[0] > 0, x[:, 0], 0.0),
    "where_scalar_input": lambda T, x: T.where(x[0] > 0, 0.0, x[:, 0]),
    "where_tensors": lambda T, x: T.where(x[0] > 0, x[:, 0], x[:, 1]),
    "where_3d": lambda T, x: T.where(x > 0, x.view(3, 4, 1), x.view(12, 1, 1)),
}


# Method calls with arguments of the wrong type (PyTorch's TypeError texts).
ARGUMENT_ERRORS = {
    "scatter_str": lambda T, x: x.scatter(0, T.tensor([[0]]), "a"),
    "scatter_list_index": lambda T, x: x.scatter(0, [0], x),
    "scatter_reduce_int": lambda T, x: x.scatter(0, T.tensor([[0]]), x, reduce=3),
    "scatter_missing": lambda T, x: x.scatter(0, T.tensor([[0]])),
    "scatter_src_and_value": lambda T, x: x.scatter(0, T.tensor([[0]]), x, value=2),
    "scatter_add_number": lambda T, x: x.scatter_add(0, T.tensor([[0]]), 2.0),
    "scatter_reduce_number": lambda T, x: x.scatter_reduce(0, T.tensor([[0]]), 2.0, "sum"),
    "index_fill_str": lambda T, x: x.index_fill(0, T.tensor([0]), "a"),
    "index_fill_float_dim": lambda T, x: x.index_fill(0.5, T.tensor([0]), 1),
    "index_fill_list": lambda T, x: x.index_fill(0, [0], 1),
    "index_add_list": lambda T, x: x.index_add(0, [0], x),
    "index_copy_list": lambda T, x: x.index_copy(0, [0], x),
    "index_reduce_list": lambda T, x: x.index_reduce(0, [0], x, "prod"),
    "index_put_number": lambda T, x: x.index_put((T.tensor([0]),), 1.0),
    "take_list": lambda T, x: x.take([0]),
    "put_list": lambda T, x: x.put([0], x),
    "put_number": lambda T, x: x.put(T.tensor([0]), 1.0),
    "masked_scatter_number": lambda T, x: x.masked_scatter(x > 0, 1.0),
    "masked_scatter_list": lambda T, x: x.masked_scatter([True], x),
    "masked_select_list": lambda T, x: x.masked_select([True]),
    "take_along_dim_list": lambda T, x: x.take_along_dim([0]),
}

ERRORS = {f"{group}-{name}": f for group, table in (
    ("scatter", SCATTER_ERRORS), ("index", INDEX_ERRORS), ("other", OTHER_ERRORS),
    ("argument", ARGUMENT_ERRORS)) for name, f in table.items()}


# 0-d and odd-shaped arguments: f(T) -> result (or PyTorch's error).
EDGE_CALLS = {
    "scatter_src_0d": lambda T: T.zeros(3, 4).scatter(0, T.tensor([[1, 0]]), T.tensor(5.)),
    "scatter_src_0d_1d": lambda T: T.zeros(4).scatter(0, T.tensor([1]), T.tensor(5.)),
    "scatter_index_0d": lambda T: T.zeros(4).scatter(0, T.tensor(1), T.tensor([5., 6])),
    "scatter_0d_out_of_range": lambda T: T.tensor(1.).scatter(0, T.tensor([1]), T.tensor([5.])),
    "scatter_0d_dim1": lambda T: T.tensor(1.).scatter(1, T.tensor([0]), T.tensor([5.])),
    "scatter_0d_dim_minus1": lambda T: T.tensor(1.).scatter(-1, T.tensor([0]), T.tensor([5.])),
    "index_add_source_0d": lambda T: T.zeros(4).index_add(0, T.tensor([2]), T.tensor(5.)),
    "index_copy_source_0d": lambda T: T.zeros(4).index_copy(0, T.tensor([2]), T.tensor(5.)),
    "index_fill_0d_out_of_range": lambda T: T.tensor(1.).index_fill(0, T.tensor([1]), 3),
    "index_add_0d_out_of_range": lambda T: T.tensor(1.).index_add(0, T.tensor([1]),
                                                                  T.tensor(2.)),
    "put_source_0d": lambda T: T.zeros(3, 4).put(T.tensor(3), T.tensor(5.)),
    "put_index_2d": lambda T: T.zeros(3, 4).put(T.tensor([[3, 4]]), T.tensor([5., 6])),
    "take_0d_out_of_range": lambda T: T.tensor(1.).take(T.tensor([1])),
    "masked_scatter_mask_0d": lambda T: T.zeros(3, 4).masked_scatter(T.tensor(True),
                                                                    T.arange(20.)),
    "take_along_dim_0d": lambda T: T.take_along_dim(T.tensor(2.), T.tensor(0), 0),
    "take_along_dim_0d_flat": lambda T: T.take_along_dim(T.tensor(2.), T.tensor(0)),
    "scatter_reduce_0d": lambda T: T.tensor(2.).scatter_reduce(0, T.tensor(0), T.tensor(3.),
                                                               "mean", include_self=False),
    "index_reduce_0d": lambda T: _index_reduce(T.tensor(2.), 0, T.tensor([0]), T.tensor(3.),
                                               "amin"),
}
