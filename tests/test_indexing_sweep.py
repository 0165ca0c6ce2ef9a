"""Indexing against PyTorch along the axes a systematic sweep found apart:
where at::index's result lies in memory, the order of its checks (and of
setitem's and index_put_'s), the index ops' errors, the warnings, and the
empty tensor's strides."""
import itertools
import warnings

import numpy as np
import pytest

import ember
from compare_torch import _torch, check, check_error


def base(T):
    return T.arange(60.0).reshape(3, 4, 5)


# Index items by name (so that each library builds its own).
ITEMS = {
    "i1": lambda T: 1, "i3": lambda T: 3, "in1": lambda T: -1, "s:": lambda T: slice(None),
    "s1:3": lambda T: slice(1, 3), "s::2": lambda T: slice(None, None, 2), "s2:1": lambda T: slice(2, 1),
    "s:0": lambda T: slice(None, 0), "None": lambda T: None, "...": lambda T: ...,
    "True": lambda T: True, "False": lambda T: False, "t0dTrue": lambda T: T.tensor(True),
    "t0dFalse": lambda T: T.tensor(False), "t0d7": lambda T: T.tensor(7),
    "l02": lambda T: T.tensor([0, 2]), "l10i32": lambda T: T.tensor([1, 0], dtype=T.int32),
    "u8": lambda T: T.tensor([1, 0, 1], dtype=T.uint8), "b3": lambda T: T.tensor([True, False, True]),
    "b4": lambda T: T.tensor([True, False, True, True]), "b5": lambda T: T.tensor([False] * 5),
    "l2d": lambda T: T.tensor([[0, 1], [2, 0]]), "lcol": lambda T: T.tensor([[0], [1]]),
    "lempty": lambda T: T.tensor([], dtype=T.int64), "l4": lambda T: T.tensor([4]),
    "lm4": lambda T: T.tensor([-4]), "f0": lambda T: T.tensor([0.0]),
    "b3x4": lambda T: base(T)[:, :, 0] > 20, "py01": lambda T: [0, 1], "py[]": lambda T: [],
    "py1.5": lambda T: [1.5], "pym13": lambda T: [-1, 3], "pyTFT": lambda T: [True, False, True],
    "py()": lambda T: (1, 0), "l2d.t": lambda T: T.tensor([[0, 1], [2, 3]]).t(),
}


def key(T, names):
    return tuple(ITEMS[n](T) for n in names.split(","))


def laid_out(t):
    return t, t.stride(), t.is_contiguous()


LAYOUT_KEYS = ["s:,l02", "s:,s:,l02", "l02,s:,l10i32", "s:,l2d", "l2d,s:,lcol", "b3x4", "s:,b4",
               "True", "s:,True", "None,l02", "l02,i1", "i1,s:,l02", "s:,l10i32,lcol", "lempty",
               "s:,lempty", "False", "lempty,s:,l02", "s::2,l02,None", "...,l02", "s:,l2d.t",
               "t0dTrue,s:,lempty"]
LAYOUTS = {"contiguous": base, "T02": lambda T: base(T).transpose(0, 2),
           "perm120": lambda T: base(T).permute(1, 2, 0), "step": lambda T: base(T)[:, ::2],
           "expanded": lambda T: base(T)[:1].expand(3, 4, 5)}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("names", LAYOUT_KEYS)
def test_index_result_layout(layout, names):
    # PyTorch's TensorIterator allocates the result: contiguous for a
    # contiguous input, else following the input's (and indices') strides.
    check(lambda T: laid_out(LAYOUTS[layout](T)[key(T, names)]), exact=True)


INDEX_OPS = {
    "index_select1": lambda T, x: x.index_select(1, T.tensor([0, 2])),
    "index_select_empty": lambda T, x: x.index_select(0, T.tensor([], dtype=T.int64)),
    "gather_empty": lambda T, x: x.gather(2, T.zeros(1, 1, 0, dtype=T.int64)),
    "take_empty": lambda T, x: x.take(T.tensor([], dtype=T.int64)),
    "take_along_dim": lambda T, x: T.take_along_dim(x, T.zeros(3, 4, 0, dtype=T.int64), 2),
    "masked_select_empty": lambda T, x: x.masked_select(x > 100),
    "masked_fill_b0d": lambda T, x: x.masked_fill(T.tensor(True), 0.0),
    "masked_fill_b1": lambda T, x: x.masked_fill(T.tensor([True]), 0.0),
}


@pytest.mark.parametrize("transposed", [False, True])
@pytest.mark.parametrize("op", INDEX_OPS)
def test_index_op_result_contiguous(op, transposed):
    def fn(T):
        x = base(T)
        return laid_out(INDEX_OPS[op](T, x.transpose(0, 2) if transposed else x))
    check(fn, exact=True)


# at::index's order: the key's selects as they come (naming the item's place
# in the key), then index dtypes, masks (against the sliced tensor), the
# broadcast (masks as their nonzero columns, False as [0]), then bounds (only
# where the result has elements; counting the index tensors).
GET_KEYS = ["None,i3", "True,i3", "t0dTrue,b4", "b4,i1", "b4,s1:3", "b4,None", "b5,s::2,in1",
            "False,l02", "False,b3", "l02,b4", "b3x4,l02", "b3x4,py01", "u8,False",
            "pym13,lcol,u8", "l4,b3,py()", "f0,l4,i3", "py1.5", "s2:1,l2d,py1.5", "l4,s:,s:0",
            "None,l02,t0d7", "s:,l4", "l02,lm4", "py01,l4", "i3,u8", "t0dFalse,i1,b5",
            "l2d,b5,s1:3", "py(),b4,s::2"]


@pytest.mark.parametrize("names", GET_KEYS)
def test_getitem_checks_in_order(names):
    def fn(T):
        x = base(T).requires_grad_()
        y = x[key(T, names)]
        y.sum().backward()
        return laid_out(y) + (x.grad,)
    check(fn, exact=True)


def test_getitem_first_bad_index_in_kernel_order():
    check(lambda T: base(T)[[[0, 5]], [[9], [0]]])
    check(lambda T: base(T)[:, [[0], [5]], [[1, 9]]])


ZERO_D_KEYS = [0, (0,), (None, 0), [0], slice(None), (slice(None),), ..., None, True]


@pytest.mark.parametrize("k", range(len(ZERO_D_KEYS)))
def test_zero_dim_keys(k):
    def get(T):
        return T.tensor(5.0)[ZERO_D_KEYS[k] if k != 3 else [0]]

    def put(T):
        x = T.tensor(5.0)
        x[ZERO_D_KEYS[k] if k != 3 else [0]] = 7.0
        return x, x._version
    check(get)
    check(put)


# setitem: the value made a tensor, the key's selects, the in-place check,
# then index_put_'s masked_fill shortcut (one mask, a one-element value of
# any dtype; uint8 refused) or at::index's checks, value shape, dtype, bounds.
SET_VALUES = {"0": lambda T: 0, "t0dint": lambda T: T.tensor(7), "t1x1x1x1": lambda T: T.ones(1, 1, 1, 1),
              "t[7]": lambda T: T.ones(7), "tf64[5]": lambda T: T.ones(5, dtype=T.float64),
              "t[2,1]": lambda T: T.ones(2, 1), "tc": lambda T: T.tensor(1 + 2j)}
SET_KEYS = ["u8", "b3", "b3x4", "None,b3", "l4", "lm4", "pym13", "py1.5", "...,l10i32", "...,...",
            "False,b3", "b4,i3", "lempty,s:,s:0", "l4,s:,s:0", "t0dFalse", "False"]


@pytest.mark.parametrize("value", SET_VALUES)
@pytest.mark.parametrize("names", SET_KEYS)
def test_setitem_checks_in_order(names, value):
    def fn(T):
        x = base(T)
        v0 = x._version
        x[key(T, names) if names != "False" else False] = SET_VALUES[value](T)
        return x, x._version - v0
    check(fn, exact=True)


@pytest.mark.parametrize("names", ["...", "t0dFalse", "l10i32", "b4", "lm4", "s:,t0dTrue", "False,False",
                                   "lcol,False", "b3x4,t0dTrue", "i3", "s1:3,b4"])
@pytest.mark.parametrize("leaf", [True, False])
def test_setitem_grad_nodes(names, leaf):
    # A leaf that is itself a view is "a view of a leaf"; a bool key's
    # unsqueeze makes the write go through a view (CopySlices).
    def fn(T):
        x = base(T).requires_grad_()
        t = x if leaf else x * 1
        t[key(T, names)] = T.tensor(3.0)
        t.sum().backward()
        return t, x.grad
    check(fn, exact=True)


@pytest.mark.parametrize("dtype", ["int64", "int32", "float64"])
@pytest.mark.parametrize("k", ["i", "s", "m"])
def test_setitem_complex_into_real(dtype, k):
    def fn(T):
        x = T.arange(8).reshape(4, 2).to(getattr(T, dtype))
        idx = {"i": 1, "s": slice(1, 3), "m": T.tensor([True, False, True, False])}[k]
        x[idx] = T.tensor(1 + 2j) if k != "m" else T.tensor(1 + 0j)
        return x
    check(fn, exact=True)


PUT_INDICES = {"l": lambda T: (T.tensor([0, 2]),), "oob": lambda T: (T.tensor([0, 7]),),
               "mask": lambda T: (T.tensor([True, False, True]),),
               "u8": lambda T: (T.tensor([1, 0, 1], dtype=T.uint8),),
               "l_l": lambda T: (T.tensor([0, 2]), T.tensor([1, 3])),
               "mask_l": lambda T: (T.tensor([True, False, True]), T.tensor([0, 9])),
               "many": lambda T: (T.tensor([0]),) * 4, "none": lambda T: (),
               "b0d": lambda T: (T.tensor(False),), "l2d_b0d": lambda T: (T.tensor([[0, 1]]), T.tensor(True))}
PUT_VALUES = {"0d": lambda T: T.tensor(1.0), "1x1x1x1": lambda T: T.ones(1, 1, 1, 1),
              "[7]": lambda T: T.ones(7), "long": lambda T: T.tensor(3),
              "[1,2,4,5]": lambda T: T.ones(1, 2, 4, 5), "[5]": lambda T: T.ones(5)}


@pytest.mark.parametrize("accumulate", [False, True])
@pytest.mark.parametrize("value", PUT_VALUES)
@pytest.mark.parametrize("indices", PUT_INDICES)
def test_index_put_checks_in_order(indices, value, accumulate):
    def fn(T):
        x = base(T)
        x.index_put_(PUT_INDICES[indices](T), PUT_VALUES[value](T), accumulate=accumulate)
        return x
    check(fn, exact=True)


@pytest.mark.parametrize("form", ["index_put", "index_put_"])
def test_index_put_function_names_its_argument(form):
    check_error(lambda T: (base(T),),
                lambda T, x: getattr(T, form)(x, (None, T.tensor([0])), T.tensor(1.0)))


def test_index_put_duplicates_with_gradients():
    def fn(T):
        x = T.zeros(5, requires_grad=True)
        v = T.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
        out = []
        for acc in (False, True):
            y = x * 1
            y.index_put_((T.tensor([0, 0, 2, 0]),), v, accumulate=acc)
            (y * T.arange(5.0)).sum().backward()
            out += [y.grad_fn.name(), y[1:].detach(), x.grad.clone(), v.grad.clone()]
        return out
    check(fn, exact=True)


# The index ops' checks in PyTorch's order.
OP_ERRORS = {
    "masked_fill_broadcast": lambda T, x: x.masked_fill(T.tensor([True] * 4), 0.0),
    "masked_fill_T": lambda T, x: x.transpose(0, 2).masked_fill(T.tensor([True] * 5), 0.0),
    "masked_fill_value_before_dtype": lambda T, x: x.masked_fill(T.tensor([1] * 5), T.tensor([1.0])),
    "masked_fill__broadcast": lambda T, x: x.masked_fill_(T.tensor([True] * 4), 0.0),
    "masked_fill__value_dims": lambda T, x: x.masked_fill_(T.tensor([True] * 4), T.tensor([1.0])),
    "index_fill_dtype_before_dim": lambda T, x: x.index_fill(3, T.tensor([0], dtype=T.int32), 1.0),
    "index_fill_value_dims": lambda T, x: x.index_fill(3, T.tensor([0.0]), T.ones(1)),
    "take_along_dim_dtype": lambda T, x: T.take_along_dim(x, T.zeros(1, 1, 1, dtype=T.int32), 3),
    "take_along_dim_ndim": lambda T, x: T.take_along_dim(x, T.tensor(0), -4),
    "index_copy_slices_first": lambda T, x: x.index_copy_(1, T.tensor([0, 2]), T.ones(2, 4, 5)),
    "index_copy_count": lambda T, x: x.index_copy_(0, T.tensor(0), T.ones(2, 4, 5)),
    "index_add_dim0": lambda T, x: x.index_add(0, T.tensor([9]), T.ones(1, 4, 5)),
    "index_add_dim1": lambda T, x: x.index_add(1, T.tensor([9]), T.ones(3, 1, 5)),
    "index_add_last": lambda T, x: x.index_add(2, T.tensor([-1]), T.ones(3, 4, 1)),
    "index_add_int32": lambda T, x: x.index_add(0, T.tensor([9], dtype=T.int32), T.ones(1, 4, 5)),
    "index_add_1d": lambda T, x: x[0, 0].index_add(0, T.tensor([9]), T.ones(1)),
}


@pytest.mark.parametrize("op", OP_ERRORS)
def test_index_op_errors_in_order(op):
    check_error(lambda T: (base(T),), OP_ERRORS[op])


def _warnings(fn, T):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            fn(T)
        except (IndexError, TypeError, RuntimeError):
            pass
    return [str(x.message) for x in w]


WARNING_CASES = {
    "seq_slice": lambda T: base(T)[[0, slice(None)]],
    "seq_list": lambda T: base(T)[[[0, 1], [1, 2]]],
    "seq_none": lambda T: base(T)[[None, 0]],
    "seq_ellipsis": lambda T: base(T)[[..., 1]],
    "seq_tensor": lambda T: base(T)[[T.tensor([0]), 1]],
    "seq_set": lambda T: base(T).__setitem__([0, slice(None)], 1.0),
    "uint8_after_selects": lambda T: base(T)[3, T.tensor([1, 0, 1], dtype=T.uint8)],
    "uint8_backward": lambda T: base(T).requires_grad_()[
        T.tensor([1, 0, 1], dtype=T.uint8), 1].sum().backward(),
    "uint8_setitem_backward": lambda T: _set_backward(T, (T.tensor([1, 0, 1], dtype=T.uint8), [0, 1])),
    "uint8_0d_is_a_bool": lambda T: base(T)[T.tensor(1, dtype=T.uint8)],
}


def _set_backward(T, k):
    x = base(T).requires_grad_()
    y = x * 1
    y[k] = T.tensor(3.0)
    y.sum().backward()


@pytest.mark.parametrize("case", WARNING_CASES)
def test_index_warnings(case):
    torch = _torch()
    assert _warnings(WARNING_CASES[case], ember) == _warnings(WARNING_CASES[case], torch)


@pytest.mark.parametrize("make", ["zeros(0)", "zeros(2, 0)", "zeros(0, 4, 5)", "zeros(2, 0)[:, :0]",
                                  "zeros(0)[...]", "zeros(2, 0)[0]"])
def test_empty_tensor_strides(make):
    def fn(T):
        t = eval("T." + make, {"T": T})
        return t.stride(), t.is_contiguous(), t.untyped_storage().data_ptr() == 0
    check(fn)


# Keys of other kinds: a NumPy bool or float is no index, a str is first read
# as a tuple (warning), a long list is a tensor (which may not be readable).
KINDS = {"np_bool": lambda T: np.bool_(True), "np_float": lambda T: np.float64(1.0),
         "float": lambda T: 1.0,
         "object": lambda T: object(), "str": lambda T: "ab", "bytes": lambda T: b"ab",
         "long_list_slice": lambda T: [0] * 33 + [slice(None)], "list_none": lambda T: [0, None] * 20,
         "list_object": lambda T: [0, object()], "np_2d": lambda T: np.array([[0, 1]])}


@pytest.mark.parametrize("kind", KINDS)
def test_key_kinds(kind):
    check(lambda T: base(T)[KINDS[kind](T)])

    def put(T):
        x = base(T)
        x[KINDS[kind](T)] = -1.0
        return x
    check(put)
    torch = _torch()
    assert _warnings(lambda T: base(T)[KINDS[kind](T)], ember) == \
        _warnings(lambda T: base(T)[KINDS[kind](T)], torch)


# Writing into an expanded tensor: an advanced key warns and writes through
# the shared memory; a basic key whose view overlaps itself is refused.
EXPANDED_KEYS = {"l": lambda T: [0, 1], "m": lambda T: T.tensor([True, False, True, False, True]),
                 "s": lambda T: (slice(None), 1), "ls": lambda T: (slice(None), [0, 1], 0),
                 "i": lambda T: (0, 1)}


@pytest.mark.parametrize("value", ["scalar", "tensor"])
@pytest.mark.parametrize("k", EXPANDED_KEYS)
def test_setitem_into_expanded(k, value):
    def fn(T):
        b = base(T)
        x = b[:1].expand(3, 4, 5)
        x[EXPANDED_KEYS[k](T)] = 5.0 if value == "scalar" else T.ones(5) * 7
        return b, x, x.stride()
    check(fn, exact=True)
    torch = _torch()
    assert _warnings(fn, ember) == _warnings(fn, torch)


# Out-of-place index ops: index_fill, put and index_put start from a clone
# in the input's layout; masked_scatter's result is contiguous.
CLONING_OPS = {
    "index_fill": lambda T, x: x.index_fill(-1, T.tensor([0]), -1.0),
    "index_fill_t": lambda T, x: x.index_fill(0, T.tensor([0]), T.tensor(-1.0)),
    "put": lambda T, x: x.put(T.tensor([0, 1]), T.tensor([9.0, 8.0])),
    "index_put": lambda T, x: x.index_put((T.tensor([0]),), T.tensor(1.0)),
    "masked_scatter": lambda T, x: x.masked_scatter(x > 10, T.zeros(x.shape)),
    "index_add": lambda T, x: x.index_add(0, T.tensor([0, 0]), T.ones((2,) + x.shape[1:])),
    "masked_select_0d": lambda T, x: x.sum().masked_select(T.tensor(True)),
}


@pytest.mark.parametrize("layout", ["contiguous", "T02", "perm120", "step"])
@pytest.mark.parametrize("op", CLONING_OPS)
def test_index_op_result_layout(op, layout):
    check(lambda T: laid_out(CLONING_OPS[op](T, LAYOUTS[layout](T))), exact=True)


# out= of the index ops takes the result's dtype only, in each op's words.
OUT_OPS = {
    "index_select": lambda T, x, o: T.index_select(x, 1, T.tensor([0, 2]), out=o),
    "gather": lambda T, x, o: T.gather(x, 2, T.zeros(3, 4, 2, dtype=T.int64), out=o),
    "take": lambda T, x, o: T.take(x, T.tensor([0, 5]), out=o),
    "masked_select": lambda T, x, o: T.masked_select(x, x > 50, out=o),
    "index_add": lambda T, x, o: T.index_add(x, 0, T.tensor([0]), T.ones(1, 4, 5), out=o),
    "index_copy": lambda T, x, o: T.index_copy(x, 0, T.tensor([0]), T.ones(1, 4, 5), out=o),
    "take_along_dim": lambda T, x, o: T.take_along_dim(x, T.zeros(1, 1, 1, dtype=T.int64), 2, out=o),
}


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
@pytest.mark.parametrize("op", OUT_OPS)
def test_index_op_out_dtype(op, dtype):
    def fn(T):
        o = T.zeros(0, dtype=getattr(T, dtype))
        r = OUT_OPS[op](T, base(T), o)
        return r is o, o
    check(fn, exact=True)


# In place into an expanded tensor: index_put_, masked_fill_ and index_fill_
# warn and write through the shared memory (accumulation adding up); the
# other index ops refuse.
EXPANDED_INPLACE = {
    "index_put_": lambda T, x: x.index_put_((T.tensor([0, 1]),), T.tensor(1.0)),
    "index_put_acc": lambda T, x: x.index_put_((T.tensor([0, 1]),), T.tensor(1.0), accumulate=True),
    "index_put_mask_error": lambda T, x: x.index_put_((T.tensor([True, False]),), T.tensor(1.0)),
    "index_put_count_error": lambda T, x: x.index_put_((T.tensor([0]),) * 4, T.tensor(1.0)),
    "masked_fill_": lambda T, x: x.masked_fill_(T.tensor([True, False, True, False, True]), 1.0),
    "masked_fill_uint8": lambda T, x: x.masked_fill_(T.tensor([1, 0, 1, 0, 1], dtype=T.uint8), 1.0),
    "index_fill_": lambda T, x: x.index_fill_(0, T.tensor([0]), 1.0),
    "index_fill_int32": lambda T, x: x.index_fill_(0, T.tensor([0], dtype=T.int32), 1.0),
    "index_add_": lambda T, x: x.index_add_(0, T.tensor([0]), T.ones(1, 4, 5)),
    "put_": lambda T, x: x.put_(T.tensor([0]), T.tensor([1.0])),
}


@pytest.mark.parametrize("op", EXPANDED_INPLACE)
def test_inplace_into_expanded(op):
    def fn(T):
        b = base(T)
        x = b[:1].expand(3, 4, 5)
        v0 = b._version
        EXPANDED_INPLACE[op](T, x)
        return b, b._version - v0
    check(fn, exact=True)
    torch = _torch()
    assert _warnings(fn, ember) == _warnings(fn, torch)


# Keys of ints, slices, index lists and tensors (and ...): PyTorch takes each
# int as a select before indexing by the rest; NumPy would take it as one more
# index array and, where a slice parts the arrays, put their dims first
# (x[0, :, [0, 1]] = v wrote v transposed).
_SELECT_ITEMS = {"i": lambda T: 1, "s": lambda T: slice(None), "l": lambda T: [0, 1],
                 "t": lambda T: T.tensor([1, 0]), "e": lambda T: ...}
SELECT_KEYS = ["".join(c) for n in range(2, 5) for c in itertools.product("istle", repeat=n)
               if c.count("e") <= 1 and "i" in c and ("l" in c or "t" in c)
               and sum(x != "e" for x in c) <= 4]


@pytest.mark.parametrize("names", SELECT_KEYS)
def test_setitem_int_and_index_arrays_as_torch(names):
    def run(T):
        x = T.arange(120.0).reshape(2, 3, 4, 5).requires_grad_()
        y = x * 1
        k = tuple(_SELECT_ITEMS[c](T) for c in names)
        shape = y[k].shape
        v = (T.arange(float(y[k].numel())).reshape(shape) + 1000).requires_grad_()
        y[k] = v * 2
        y[k] += 1
        (y * T.arange(120.0).reshape(2, 3, 4, 5)).sum().backward()
        return y, x.grad, v.grad
    check(run, exact=True)
