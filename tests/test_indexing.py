"""t[key] and t[key] = value against PyTorch: values, dtypes, shapes, the
grad_fn chain, gradients, view semantics and error messages."""
import numpy as np
import pytest

import ember
from compare_torch import chain, check, check_error


def src(T, shape=(3, 4, 5), dtype=None, requires_grad=True):
    data = np.arange(np.prod(shape), dtype=np.float64).reshape(shape) - 7
    t = T.tensor(data.tolist(), dtype=dtype or T.float32)
    return t.requires_grad_() if requires_grad else t


def weights(T, shape):
    n = int(np.prod(shape))
    return T.tensor((np.arange(n, dtype=np.float64) % 7 - 3).tolist()).reshape(shape)


def get_with_grads(T, key):
    x = src(T)
    k = key(T) if callable(key) else key
    y = x[k]
    (y * weights(T, tuple(y.shape))).sum().backward()
    return y, chain(y), x.grad, y._version - x._version


KEYS = [
    ("int", 1), ("neg_int", -1), ("int_tuple", (1, 2)), ("int_all", (2, 3, 4)), ("neg_all", (-1, -2, -3)),
    ("slice", slice(1, 3)), ("slice_step", slice(None, None, 2)), ("slice_neg", slice(-2, None)),
    ("slice_stop_neg", slice(None, -1)), ("slice_over", slice(1, 100)), ("slice_empty", slice(2, 1)),
    ("slice_full", slice(None)), ("slice_2d", (slice(None), slice(1, 4, 2))), ("slice_3d", (slice(0, 2), slice(None, None, 3), slice(1, None, 2))),
    ("none", None), ("none_mid", (slice(None), None)), ("none_end", (..., None)), ("none_twice", (None, 0, None)),
    ("ellipsis", ...), ("ellipsis_int", (..., 0)), ("int_ellipsis", (0, ...)), ("ellipsis_mid", (0, ..., 1)),
    ("ellipsis_slice", (..., slice(1, 3))), ("ellipsis_twice", (..., 0, ...)), ("int_slice", (1, slice(0, 2))), ("slice_int", (slice(None), 2)),
    ("list", [0, 2]), ("list_neg", [-1, 0]), ("list_repeat", [1, 1, 1]), ("list_2d", [[0, 1], [2, 2]]),
    ("list_empty", lambda T: T.tensor([], dtype=T.int64)), ("list_dim1", (slice(None), [3, 0])),
    ("lists_paired", ([0, 2], [1, 3])), ("lists_broadcast", ([[0], [2]], [1, 3])),
    ("lists_split", ([0, 2], slice(None), [1, 3])), ("list_int", (1, [0, 3])), ("int_list_int", (0, [1, 2], 4)),
    ("slice_list", (slice(0, 2), [3, 1])), ("list_slice_list", ([1], slice(None), [0])),
    ("none_list", (None, [0, 1])), ("ellipsis_list", (..., [4, 0])),
    ("tensor_long", lambda T: T.tensor([2, 0])), ("tensor_int32", lambda T: T.tensor([2, 0], dtype=T.int32)),
    ("tensor_2d", lambda T: T.tensor([[0, 1], [1, 2]])), ("tensor_0d", lambda T: T.tensor(1)),
    ("tensor_0d_tuple", lambda T: (T.tensor(1), T.tensor(2))), ("tensor_neg", lambda T: T.tensor([-1, -3])),
    ("tensor_uint8_mask", lambda T: T.tensor([1, 0, 1], dtype=T.uint8)),
    ("mask_full", lambda T: src(T, requires_grad=False) > 10), ("mask_dim0", lambda T: T.tensor([True, False, True])),
    ("mask_2d", lambda T: (src(T, requires_grad=False) > 0)[:, :, 0]), ("mask_dim1", lambda T: (slice(None), T.tensor([True, False, False, True]))),
    ("mask_none_true", lambda T: T.tensor([False, False, False])), ("mask_list", [True, False, True]),
    ("mask_and_int", lambda T: (T.tensor([True, False, True]), 2)), ("mask_and_list", lambda T: (T.tensor([True, False, True]), [0, 3])),
    ("bool_true", True), ("bool_false", False), ("bool_true_slice", (True, slice(1, 3))),
    ("int_mask", lambda T: (1, T.tensor([False, True, True, False]))),
    ("np_array", np.array([0, 2])), ("np_int", np.int64(1)), ("np_mask", np.array([True, False, True])),
    # PyTorch skips a slice of a tuple key that spans its dim from 0 by 1:
    # no SliceBackward0 for it (AliasBackward0 when nothing else is left)
    ("whole_tuple", (slice(None), slice(None, 4))), ("whole_past_end", (slice(None), slice(0, 9, 1))),
    ("whole_neg_start", (slice(None), slice(-4, None))), ("whole_lone", slice(0, 3)),
    ("whole_then_int", (slice(0, 3), 1)), ("whole_all", (slice(None), slice(None), slice(None, 5))),
    ("whole_then_part", (slice(0, 5), slice(1, 3))), ("whole_after_none", (None, slice(0, 3), 2)),
    ("whole_ellipsis", (..., slice(None, 5))), ("whole_with_list", (slice(None, 3), [0, 2])),
    # any other sequence in the key is read as torch.tensor(seq): an index list
    ("range", range(2)), ("ranges_paired", (range(2), range(1, 3))), ("range_empty", range(0)),
    ("range_dim1", (0, range(1, 3))), ("range_and_tensor", lambda T: (range(3), T.tensor([0, 1, 2]))),
    ("tuple_in_tuple", ((0, 2),)), ("tuples_paired", ((0, 2), (1, 3))),
    ("list_empty_py", ([],)), ("tuple_empty", ((),)),
]


@pytest.mark.parametrize("key", [k for _, k in KEYS], ids=[i for i, _ in KEYS])
def test_getitem(key):
    check(lambda T: get_with_grads(T, key), exact=True, reprs=True)


def test_getitem_literals():
    x = ember.arange(12).reshape(3, 4)
    assert x[1].tolist() == [4, 5, 6, 7] and x[-1, -1].item() == 11
    assert x[:, 1:3].tolist() == [[1, 2], [5, 6], [9, 10]]
    assert x[::2, ::3].tolist() == [[0, 3], [8, 11]]
    assert x[None].shape == (1, 3, 4) and x[..., None].shape == (3, 4, 1)
    assert x[[0, 2]].tolist() == [[0, 1, 2, 3], [8, 9, 10, 11]]
    assert x[x > 8].tolist() == [9, 10, 11]
    assert x[[0, 1], [1, 2]].tolist() == [1, 6]
    a = ember.ones(3, requires_grad=True)
    y = a[1:] * 2
    assert y.grad_fn.name() == "MulBackward0"
    assert a[1:].grad_fn.name() == "SliceBackward0" and a[0].grad_fn.name() == "SelectBackward0"
    assert a[[0]].grad_fn.name() == "IndexBackward0"


def test_advanced_index_grad_accumulates_duplicates():
    a = ember.tensor([1.0, 2.0, 3.0], requires_grad=True)
    a[[0, 0, 2, 0]].sum().backward()
    assert a.grad.tolist() == [3.0, 0.0, 1.0]


# ------------------------------------------------------------------ views vs copies
def view_semantics(T, key):
    x = src(T, requires_grad=False)
    y = x[key(T) if callable(key) else key]
    y.fill_(100)
    return x, y


VIEW_KEYS = [("int", 1), ("slice", (slice(None), slice(1, 3))), ("step", (..., slice(None, None, 2))),
             ("none", (None, 0)), ("ellipsis", ...), ("list_copy", [0, 1]), ("mask_copy", lambda T: T.tensor([True, False, True]))]


@pytest.mark.parametrize("key", [k for _, k in VIEW_KEYS], ids=[i for i, _ in VIEW_KEYS])
def test_view_or_copy(key):
    check(lambda T: view_semantics(T, key), exact=True)


def versions(T):
    x = src(T, requires_grad=False)
    v = x[0]
    x[1] = 5
    return x._version, v._version, x[0]._version


def test_view_shares_version_counter():
    check(versions)


# ------------------------------------------------------------------ index errors
GET_ERRORS = [
    ("int_oob", 3), ("neg_oob", -4), ("int_oob_dim2", (0, 0, 5)), ("too_many", (0, 0, 0, 0)),
    ("list_oob", [0, 3]), ("list_neg_oob", [-4]),
    ("tensor_oob", lambda T: T.tensor([5])), ("float", 1.5), ("float_tensor", lambda T: T.tensor([0.0, 1.0])),
    ("float_0d_tensor", lambda T: T.tensor(1.0)), ("str", "a"), ("step_zero", slice(None, None, 0)),
    ("step_negative", slice(None, None, -1)), ("mask_shape", lambda T: T.tensor([True, False])),
    ("mask_2d_shape", lambda T: T.ones(3, 3, dtype=T.bool)), 
    ("paired_bad_broadcast", ([0, 1], [0, 1, 2])), ("dict", {}),
    ("bytes", b"a"), ("range_oob", range(4)), ("set", {0, 1}),
]


@pytest.mark.parametrize("key", [k for _, k in GET_ERRORS], ids=[i for i, _ in GET_ERRORS])
def test_getitem_errors(key):
    check_error(lambda T: (src(T),), lambda T, x: x[key(T) if callable(key) else key])


def test_getitem_0d():
    check(lambda T: T.tensor(5.0)[...])
    check(lambda T: T.tensor(5.0)[None])
    check(lambda T: T.tensor(5.0)[0])
    check(lambda T: T.tensor(5.0)[:])
    check(lambda T: T.tensor(5.0)[True])
    check(lambda T: T.tensor(5)[T.tensor(True)])


# ------------------------------------------------------------------ __setitem__ values
def set_values(T, key, value, dtype="float32"):
    x = src(T, dtype=getattr(T, dtype), requires_grad=False)
    k = key(T) if callable(key) else key
    x[k] = value(T) if callable(value) else value
    return x, x._version


SETS = [
    ("int_scalar", 1, 0.5), ("int_tensor_row", 0, lambda T: T.arange(20.0).reshape(4, 5)),
    ("slice_scalar", (slice(None), 1), -1), ("step_broadcast", (..., slice(None, None, 2)), lambda T: T.tensor([1.0, 2.0, 3.0])),
    ("ellipsis_all", ..., 7), ("none_key", (None, 0), 3.0), ("list_rows", [0, 2], lambda T: T.zeros(2, 4, 5)),
    ("list_broadcast", [0, 2], lambda T: T.tensor([9.0])), ("paired", ([0, 2], [1, 3]), lambda T: T.tensor([[1.0], [2.0]]).t()),
    ("mask", lambda T: src(T, requires_grad=False) > 20, 0), ("mask_tensor_value", lambda T: T.tensor([True, False, True]), lambda T: T.ones(4, 5)),
    ("mask_values", lambda T: src(T, requires_grad=False) > 50, lambda T: T.arange(2.0)[0]),
    ("int_into_float", 0, lambda T: T.ones(4, 5, dtype=T.int64)), ("f64_into_f32", 0, lambda T: T.full((5,), 0.1, dtype=T.float64)),
    ("bool_value", 0, True), ("0d_tensor_value", (0, 0, 0), lambda T: T.tensor(42.0)),
    ("np_value", 2, np.ones(5)), ("list_value", (0, 0), [1, 2, 3, 4, 5]),
    ("tensor_index", lambda T: T.tensor([2, 1]), 8), ("neg_step_region", (slice(0, 2), slice(1, 3), 0), lambda T: T.tensor([[1.0, 2.0], [3.0, 4.0]])),
    ("bad_shape", 0, lambda T: T.ones(3)), ("bad_shape_mask", lambda T: T.tensor([True, False, True]), lambda T: T.ones(3, 5)),
    ("oob", 3, 1.0), ("list_oob", [4], 1.0), ("bad_value_str", 0, "a"),
    ("whole_lone", slice(None, 9), 2.0), ("whole_tuple", (slice(0, 3), slice(None)), lambda T: T.ones(5)),
]


@pytest.mark.parametrize("key,value", [s[1:] for s in SETS], ids=[s[0] for s in SETS])
def test_setitem(key, value):
    check(lambda T: set_values(T, key, value), exact=True)


SET_DTYPES = [("int_gets_float", 0, 2.7, "int64"), ("int_gets_neg_float", 0, -2.7, "int32"),
              ("uint8_gets_300", 0, 300, "uint8"), ("bool_gets_2", 0, 2, "bool"), ("half_gets_0.1", 0, 0.1, "float16"),
              ("int_gets_f_tensor", 0, lambda T: T.full((4, 5), 3.9), "int64"), ("bool_gets_float", 0, 0.0, "bool")]


@pytest.mark.parametrize("key,value,dtype", [s[1:] for s in SET_DTYPES], ids=[s[0] for s in SET_DTYPES])
def test_setitem_casts(key, value, dtype):
    check(lambda T: set_values(T, key, value, dtype), exact=True)


# ------------------------------------------------------------------ __setitem__ and autograd
def set_with_grads(T, key, value_shape, scale=1.0):
    a = src(T)
    b = T.tensor((np.arange(int(np.prod(value_shape))).reshape(value_shape) * 0.5 + 1).tolist(),
                 requires_grad=True)
    x = a * 1
    k = key(T) if callable(key) else key
    x[k] = b * scale
    (x * weights(T, tuple(x.shape))).sum().backward()
    return x.detach(), a.grad, b.grad, (x.requires_grad, x.is_leaf, chain(x))


GRAD_SETS = [
    ("int", 0, (4, 5)), ("int_broadcast", 0, (5,)), ("int_scalar_value", (1, 2, 3), ()),
    ("slice", (slice(None), slice(1, 3)), (3, 2, 5)), ("slice_broadcast", (slice(None), slice(1, 3)), (1, 5)),
    ("step", (..., slice(None, None, 2)), (3, 4, 3)), ("list", [0, 2], (2, 4, 5)), ("list_broadcast", [0, 2], (4, 1)),
    ("paired", ([0, 2], [1, 3]), (2, 5)), ("mask", lambda T: src(T, requires_grad=False) > 20, (32,)),
    ("mask_broadcast", lambda T: T.tensor([True, False, True]), (5,)), ("ellipsis", ..., (5,)),
    ("none", (None, 1), (4, 5)), ("int_list", (1, [0, 3]), (2, 5)), ("list_dup", [1, 1], (2, 4, 5)),
    # a key naming the whole tensor fills or copies into it (CopyBackwards), no view
    ("whole_lone", slice(None), (4, 5)), ("whole_tuple", (slice(0, 3), slice(None, 4)), (5,)),
    ("whole_past_end", slice(0, 10), ()), ("whole_then_part", (slice(None), slice(1, 3)), (2, 5)),
    ("whole_with_list", (slice(None), [0, 3]), (3, 2, 5)), ("whole_then_int", (slice(None, 3), 1), (5,)),
    # a 0-d value is filled in (no view + expand of it), as PyTorch's copy_to
    ("int_0d_fill", 0, ()), ("ellipsis_0d_fill", ..., ()), ("slice_0d_fill", (slice(None), 1), ()),
    ("list_0d_value", [0, 2], ()),
]


@pytest.mark.parametrize("key,shape", [s[1:] for s in GRAD_SETS], ids=[s[0] for s in GRAD_SETS])
def test_setitem_grads(key, shape):
    """Values and gradients of x = a * 1; x[key] = b * 2."""
    check(lambda T: set_with_grads(T, key, shape, scale=2.0)[:3])


@pytest.mark.parametrize("key,shape", [s[1:] for s in GRAD_SETS], ids=[s[0] for s in GRAD_SETS])
def test_setitem_grad_fn_chain(key, shape):
    """The recorded graph: CopySlices / IndexPutBackward0, ExpandBackward0 for a broadcast value."""
    check(lambda T: set_with_grads(T, key, shape, scale=2.0)[3])


def setitem_chain(T):
    a = src(T, (4,))
    x = a.clone()
    x[0] = a[1] * 3
    x[1:3] = x[2:4].exp()
    y = x * x
    y.sum().backward()
    return x, chain(y), a.grad


def setitem_plain_value_on_tracked(T):
    a = src(T, (4,))
    x = a * 2
    x[[1, 3]] = 0
    x.sum().backward()
    return x, chain(x), a.grad


def setitem_grad_into_plain(T):
    b = src(T, (4,))
    x = T.zeros(2, 4)
    x[1] = b
    (x * 3).sum().backward()
    return x, chain(x), b.grad, x.is_leaf


def setitem_view_updates_base(T):
    a = src(T, (2, 3))
    x = a * 1
    v = x[0]
    v[1] = 100 * a[1, 1]
    x.sum().backward()
    return x, v, chain(x), a.grad


def setitem_no_grad(T):
    a = src(T, (3,))
    x = a * 1
    with T.no_grad():
        x[0] = 5
    x.sum().backward()
    return x, a.grad


@pytest.mark.parametrize("fn", [setitem_chain, setitem_plain_value_on_tracked, setitem_grad_into_plain,
                                setitem_view_updates_base, setitem_no_grad], ids=lambda f: f.__name__)
def test_setitem_autograd_scenarios(fn):
    check(fn)


SET_ERRORS = [
    ("leaf", lambda T, a: a.__setitem__(0, 1.0)),
    ("leaf_mask", lambda T, a: a.__setitem__(a > 0, 0.0)),
    ("view_of_leaf", lambda T, a: a[1].__setitem__(0, 1.0)),
    ("leaf_tensor_value", lambda T, a: a.__setitem__(slice(None), T.zeros(3, 4, 5))),
    ("bad_shape", lambda T, a: (a * 1).__setitem__(0, T.ones(2))),
]


@pytest.mark.parametrize("op", [s[1] for s in SET_ERRORS], ids=[s[0] for s in SET_ERRORS])
def test_setitem_errors(op):
    check_error(lambda T: (src(T),), op)


# ------------------------------------------------------------------ literal checks (no torch needed)
def test_inplace_on_view_rebases_base_literal():
    """Writing through a view of a non-leaf must reroute the base's history (CopySlices)."""
    a = ember.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    x = a * 1
    v = x[0]
    v[1] = 100 * a[1, 1]
    x.sum().backward()
    assert x.tolist() == [[1.0, 500.0, 3.0], [4.0, 5.0, 6.0]]
    assert type(x.grad_fn).__name__ == "CopySlices"
    assert a.grad.tolist() == [[1.0, 0.0, 1.0], [1.0, 101.0, 1.0]]


def test_indexing_error_literals():
    x = ember.ones(3, 4, 5)
    with pytest.raises(ValueError, match="^step must be greater than zero$"):
        x[::-1]
    with pytest.raises(IndexError, match="^index 5 is out of bounds for dimension 2 with size 5$"):
        x[0, 0, 5]
    with pytest.raises(IndexError, match="^invalid index of a 0-dim tensor"):
        ember.tensor(1.0)[0]
    a = ember.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="^a view of a leaf Variable that requires grad"):
        a[0] = 2.0
    assert a.tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("op", [
    lambda T, x: x.narrow(1, 0, 6), lambda T, x: T.tensor_split(x, 1, dim=1)[0],
    lambda T, x: T.hsplit(x, 1)[0], lambda T, x: T.vsplit(x, [4])[0],
    lambda T, x: T.slice_copy(x, 1), lambda T, x: x[:, :6], lambda T, x: x[0:4]],
    ids=["narrow", "tensor_split", "hsplit", "vsplit", "slice_copy", "tuple_key", "lone_slice"])
def test_whole_range_views_record_as_pytorch(op):
    # at::slice (narrow, the splits) always records SliceBackward0; only
    # tensor indexing skips a whole-range slice of a tuple key.
    check(lambda T: (lambda x: (op(T, x), chain(op(T, x))))(src(T, (4, 6))), exact=True)


def test_list_of_sequences_warns_as_pytorch():
    torch = pytest.importorskip("torch")
    texts = []
    for T in (torch, ember):
        with pytest.warns(UserWarning) as record:
            y = T.arange(12).reshape(3, 4)[[[0, 1], [1, 2]]]
        assert y.tolist() == [1, 6]
        texts.append(str(record[0].message).split(" (Triggered internally")[0])
    assert texts[0] == texts[1]
