"""Tensor attributes, autograd flags, conversions, operators and ember.Size,
side by side with PyTorch (compare_torch.check) plus literal checks."""
import math
import operator

import numpy as np
import pytest

import ember
from compare_torch import check, check_error


def cases(table):
    return pytest.mark.parametrize("fn", [f for _, f in table], ids=[i for i, _ in table])


def leaf(T, *shape):
    """A fresh leaf (not a view) holding 1, 2, 3, ... that requires grad."""
    return T.tensor(np.arange(1.0, 1.0 + np.prod(shape)).reshape(shape).tolist(), requires_grad=True)


# ------------------------------------------------------------------ metadata
META = [
    ("shape", lambda T: T.ones(2, 3).shape),
    ("shape_0d", lambda T: T.tensor(1.0).shape),
    ("shape_empty", lambda T: T.ones(0, 3).shape),
    ("size", lambda T: T.ones(2, 3).size()),
    ("size_dim", lambda T: T.ones(2, 3).size(1)),
    ("size_negdim", lambda T: T.ones(2, 3).size(-2)),
    ("size_dim_out_of_range", lambda T: T.ones(2, 3).size(2)),
    ("size_negdim_out_of_range", lambda T: T.ones(2, 3).size(-3)),
    ("size_0d_dim0", lambda T: T.tensor(1.0).size(0)),
    ("dim", lambda T: T.ones(2, 3, 4).dim()),
    ("dim_0d", lambda T: T.tensor(5).dim()),
    ("ndim", lambda T: T.ones(2, 3).ndim),
    ("numel", lambda T: T.ones(2, 3, 4).numel()),
    ("numel_empty", lambda T: T.ones(2, 0).numel()),
    ("numel_0d", lambda T: T.tensor(1).numel()),
    ("dtype_float", lambda T: T.ones(2).dtype),
    ("dtype_int", lambda T: T.tensor([1, 2]).dtype),
    ("dtype_bool", lambda T: T.tensor([True]).dtype),
    ("device", lambda T: T.ones(2).device),
    ("device_repr", lambda T: repr(T.ones(2).device)),
    ("device_str", lambda T: str(T.ones(2).device)),
    ("device_eq_str", lambda T: T.ones(2).device == T.device("cpu")),
    ("is_leaf_plain", lambda T: T.ones(2).is_leaf),
    ("is_leaf_rg", lambda T: T.ones(2, requires_grad=True).is_leaf),
    ("is_leaf_result", lambda T: (T.ones(2, requires_grad=True) * 2).is_leaf),
    ("is_leaf_result_no_grad", lambda T: (T.ones(2) * 2).is_leaf),
    ("requires_grad_default", lambda T: T.ones(2).requires_grad),
    ("requires_grad_propagates", lambda T: (T.ones(2) + T.ones(2, requires_grad=True)).requires_grad),
    ("grad_fn_none", lambda T: T.ones(2, requires_grad=True).grad_fn),
    ("grad_fn_mul", lambda T: grad_fn(T.ones(2, requires_grad=True) * 2)),
    ("grad_fn_next", lambda T: [grad_fn(f) for f, _ in (leaf(T, 2) * 2 + 1).grad_fn.next_functions]),
    ("is_floating_point", lambda T: (T.ones(1).is_floating_point(), T.ones(1, dtype=T.int64).is_floating_point())),
    ("element_size", lambda T: [T.ones(1, dtype=d).element_size() for d in (T.float64, T.int16, T.bool)]),
    ("stride", lambda T: T.ones(2, 3, 4).stride()),
    ("is_contiguous_t", lambda T: (T.ones(2, 3).t().is_contiguous(), T.ones(2, 3).is_contiguous())),
    ("len", lambda T: len(T.ones(4, 2))),
    ("len_0d", lambda T: len(T.tensor(1.0))),
    ("iter", lambda T: list(T.arange(6).reshape(3, 2))),
    ("iter_0d", lambda T: list(T.tensor(1.0))),
    ("iter_grad", lambda T: [grad_fn(r) for r in leaf(T, 2, 2)]),
]


def grad_fn(t):
    """The name of a tensor's grad_fn, or of a graph node (None for None)."""
    node = t.grad_fn if hasattr(t, "grad_fn") else t
    return None if node is None else type(node).__name__


@cases(META)
def test_metadata(fn):
    check(fn)


def test_literals():
    t = ember.ones(2, 3)
    assert t.shape == (2, 3) and t.size() == (2, 3) and t.size(1) == 3 and t.size(-1) == 3
    assert t.dim() == 2 and t.numel() == 6 and t.dtype is ember.float32
    assert repr(t.device) == "device(type='cpu')"
    assert repr(t.shape) == "ember.Size([2, 3])" and str(t.size()) == "ember.Size([2, 3])"
    assert t.is_leaf and not t.requires_grad and t.grad is None and t.grad_fn is None


# ------------------------------------------------------------------ requires_grad rules
def set_rg(t, flag):
    t.requires_grad = flag
    return t


REQUIRES_GRAD = [
    ("set_true_leaf", lambda T: set_rg(T.ones(2), True)),
    ("set_false_leaf", lambda T: set_rg(T.ones(2, requires_grad=True), False)),
    ("set_false_int", lambda T: set_rg(T.ones(2, dtype=T.int64), False)),
    ("set_true_nonleaf", lambda T: set_rg(leaf(T, 2) * 2, True)),
    ("set_false_nonleaf", lambda T: set_rg(leaf(T, 2) * 2, False)),
    ("set_true_int64", lambda T: set_rg(T.ones(2, dtype=T.int64), True)),
    ("set_true_bool", lambda T: set_rg(T.ones(2, dtype=T.bool), True)),
    ("set_true_uint8", lambda T: set_rg(T.ones(2, dtype=T.uint8), True)),
    ("set_true_half", lambda T: set_rg(T.ones(2, dtype=T.float16), True)),
    ("requires_grad_", lambda T: T.ones(2).requires_grad_()),
    ("requires_grad_false", lambda T: T.ones(2, requires_grad=True).requires_grad_(False)),
    ("requires_grad_int", lambda T: T.arange(3).requires_grad_()),
    ("requires_grad_nonleaf", lambda T: (leaf(T, 2) * 2).requires_grad_()),
    ("requires_grad_nonleaf_false", lambda T: (leaf(T, 2) * 2).requires_grad_(False)),
    ("no_grad_result", lambda T: no_grad(T, lambda: leaf(T, 2) * 2)),
]


def no_grad(T, f):
    with T.no_grad():
        return f()


@cases(REQUIRES_GRAD)
def test_requires_grad(fn):
    check(fn)


def test_requires_grad_messages():
    y = ember.ones(2, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=r"^you can only change requires_grad flags of leaf"):
        y.requires_grad = False
    with pytest.raises(RuntimeError, match="only Tensors of floating point"):
        ember.ones(2, dtype=ember.int64).requires_grad = True


# ------------------------------------------------------------------ grad, backward helpers
def backward_then(T, f):
    x = leaf(T, 2, 3)
    y = f(T, x)
    (y * T.arange(1.0, 1.0 + y.numel()).reshape(y.shape)).sum().backward()
    return x.grad, y.requires_grad


def retained(T):
    x = leaf(T, 3)
    y = x * x
    y.retain_grad()
    (y * 3).sum().backward()
    return y.grad, x.grad, y.retains_grad


GRADS = [
    ("grad_none_before", lambda T: leaf(T, 2).grad),
    ("grad_after_backward", lambda T: backward_then(T, lambda T, x: x * x)),
    ("grad_accumulates", lambda T: accumulate(T)),
    ("retain_grad", retained),
    ("retain_grad_leaf", lambda T: leaf(T, 2).retain_grad()),
    ("retain_grad_no_rg", lambda T: T.ones(2).retain_grad()),
    ("nonleaf_grad_is_none", lambda T: nonleaf_grad(T)),
    ("clone_grad_fn", lambda T: leaf(T, 2).clone()),
    ("clone_grad", lambda T: backward_then(T, lambda T, x: x.clone())),
    ("clone_is_copy", lambda T: clone_copy(T)),
    ("detach_grad", lambda T: backward_then(T, lambda T, x: x * x.detach())),
    ("detach_flags", lambda T: leaf(T, 2).detach()),
    ("detach_nonleaf", lambda T: (leaf(T, 2) * 2).detach()),
    ("detach_shares", lambda T: detach_shares(T)),
    ("detach_", lambda T: (leaf(T, 2) * 2).detach_()),
    ("detach_leaf_", lambda T: leaf(T, 2).detach_()),
]


def accumulate(T):
    x = leaf(T, 3)
    (x * 2).sum().backward()
    (x * x).sum().backward()
    return x.grad


def nonleaf_grad(T):
    y = leaf(T, 2) * 2
    y.sum().backward()
    return y.grad


def clone_copy(T):
    x = T.arange(3.0)
    c = x.clone()
    c[0] = 10
    return x, c


def detach_shares(T):
    x = leaf(T, 3)
    d = x.detach()
    d[1] = 100
    return x, d, d.requires_grad


@cases(GRADS)
def test_grads(fn):
    check(fn)


def test_nonleaf_grad_warns():
    y = ember.ones(2, requires_grad=True) * 2
    with pytest.warns(UserWarning, match="is not a leaf Tensor is being accessed"):
        assert y.grad is None


# ------------------------------------------------------------------ conversion to Python / NumPy
CONVERSIONS = [
    ("item_float", lambda T: T.tensor(2.5).item()),
    ("item_int", lambda T: T.tensor([7]).item()),
    ("item_bool", lambda T: T.tensor(True).item()),
    ("item_f16", lambda T: T.tensor(0.1, dtype=T.float16).item()),
    ("item_f32", lambda T: T.tensor(0.1).item()),
    ("item_many", lambda T: T.ones(2).item()),
    ("item_empty", lambda T: T.ones(0).item()),
    ("item_rg", lambda T: leaf(T, 1).item()),
    ("tolist", lambda T: T.arange(6).reshape(2, 3).tolist()),
    ("tolist_float", lambda T: T.tensor([[0.1, 2.0]]).tolist()),
    ("tolist_0d", lambda T: T.tensor(3).tolist()),
    ("tolist_bool", lambda T: T.tensor([True, False]).tolist()),
    ("tolist_rg", lambda T: leaf(T, 2).tolist()),
    ("float()", lambda T: float(T.tensor([2]))),
    ("int()", lambda T: int(T.tensor(2.7))),
    ("bool()", lambda T: bool(T.tensor([0.0]))),
    ("bool_many", lambda T: bool(T.ones(2))),
    ("float_many", lambda T: float(T.ones(2))),
    ("index", lambda T: [10, 20, 30][T.tensor(1)]),
    ("index_float", lambda T: [10, 20, 30][T.tensor(1.0)]),
    ("numpy", lambda T: T.arange(3).numpy()),
    ("numpy_rg", lambda T: leaf(T, 2).numpy()),
    ("numpy_nonleaf", lambda T: (leaf(T, 2) * 2).numpy()),
    ("numpy_detach", lambda T: leaf(T, 2).detach().numpy()),
    ("asarray", lambda T: np.asarray(T.arange(3.0))),
    ("asarray_rg", lambda T: np.asarray(leaf(T, 2))),
    ("asarray_detached", lambda T: np.asarray(leaf(T, 2).detach())),
    ("asarray_dtype", lambda T: np.asarray(T.arange(3), dtype=np.float64)),
    ("np_array_rg", lambda T: np.array(leaf(T, 2))),
    ("format_0d", lambda T: f"{T.tensor(3.14159):.2f}"),
    ("format_0d_int", lambda T: f"{T.tensor(42):5d}"),
    ("format_plain", lambda T: f"{T.tensor([1.0, 2.0])}"),
    ("format_spec_nd", lambda T: f"{T.tensor([1.0, 2.0]):.2f}"),
    ("format_0d_rg", lambda T: f"{leaf(T, 1)[0]:.3f}"),
    ("str", lambda T: str(T.tensor([1.5, 2.0]))),
]


@cases(CONVERSIONS)
def test_conversions(fn):
    check(fn)


def test_numpy_shares_memory():
    t = ember.zeros(3)
    a = t.numpy()
    a[0] = 5
    t[1] = 7
    assert t.tolist() == [5.0, 7.0, 0.0] and a.tolist() == [5.0, 7.0, 0.0]
    d = ember.ones(2, requires_grad=True)
    d.detach().numpy()[0] = 3
    assert d.tolist() == [3.0, 1.0]


# ------------------------------------------------------------------ operators
I = lambda T: T.tensor([[1, -2, 3], [4, 5, -6]])
F = lambda T: T.tensor([[1.5, -2.0, 3.25], [0.5, 4.0, -1.0]])
B = lambda T: T.tensor([True, False, True])
OPS = [(name, op) for name, op in [
    ("add", operator.add), ("sub", operator.sub), ("mul", operator.mul),
    ("truediv", operator.truediv), ("floordiv", operator.floordiv), ("mod", operator.mod),
    ("pow", operator.pow), ("eq", operator.eq), ("ne", operator.ne), ("lt", operator.lt),
    ("le", operator.le), ("gt", operator.gt), ("ge", operator.ge)]]
OPERANDS = [
    ("F_F", F, lambda T: T.tensor([2.0, -0.5, 1.5])), ("I_I", I, lambda T: T.tensor([2, 3, 1])),
    ("I_F", I, lambda T: T.tensor([2.0, 0.5, 1.5])), ("F_int", F, lambda T: 2),
    ("int_F", lambda T: 3, F), ("I_int", I, lambda T: 2), ("int_I", lambda T: 2, I),
    ("I_float", I, lambda T: 2.5), ("float_I", lambda T: 2.5, lambda T: T.tensor([1, 2, 4])),
    ("F_bool", F, lambda T: True), ("B_B", B, lambda T: T.tensor([True, True, False])),
    ("F_0d", F, lambda T: T.tensor(2.0)),
]


@pytest.mark.parametrize("name,op", OPS, ids=[o[0] for o in OPS])
@pytest.mark.parametrize("a,b", [o[1:] for o in OPERANDS], ids=[o[0] for o in OPERANDS])
def test_binary_operators(name, op, a, b):
    check(lambda T: op(a(T), b(T)))


def grad_of(T, f):
    """f(x) for a leaf x = [1, 2, 3], and x's gradient after a weighted sum."""
    x = leaf(T, 3)
    y = f(x)
    if y.requires_grad:
        (y * T.tensor([1.0, -2.0, 0.5])).sum().backward()
    return y, x.grad


UNARY = [
    ("neg", lambda T: -F(T)), ("neg_int", lambda T: -I(T)), ("neg_bool", lambda T: -B(T)),
    ("pos", lambda T: +F(T)), ("abs", lambda T: abs(I(T))), ("invert_bool", lambda T: ~B(T)),
    ("invert_int", lambda T: ~I(T)), ("invert_float", lambda T: ~F(T)),
    ("and", lambda T: B(T) & T.tensor([True, True, False])), ("or_int", lambda T: I(T) | 8),
    ("xor", lambda T: B(T) ^ True), ("rand", lambda T: 6 & I(T)),
    ("matmul", lambda T: F(T) @ F(T).t()), ("rmatmul_np", lambda T: F(T).t() @ F(T)),
    ("rsub_grad", lambda T: grad_of(T, lambda x: 2 - x)), ("rdiv_grad", lambda T: grad_of(T, lambda x: 2 / x)),
    ("rpow_grad", lambda T: grad_of(T, lambda x: 2 ** x)), ("rpow_float", lambda T: grad_of(T, lambda x: 0.5 ** x)),
    ("radd_grad", lambda T: grad_of(T, lambda x: 1.5 + x)), ("rmul_grad", lambda T: grad_of(T, lambda x: 3 * x)),
    ("pow_grad", lambda T: grad_of(T, lambda x: x ** 2)), ("pow_tensor_grad", lambda T: grad_of(T, lambda x: x ** x)),
    ("div_grad", lambda T: grad_of(T, lambda x: x / 4)), ("neg_grad", lambda T: grad_of(T, lambda x: -x)),
    ("sub_grad", lambda T: grad_of(T, lambda x: x - 1)), ("rsub_int", lambda T: 10 - I(T)),
    ("rdiv_int", lambda T: 10 / T.tensor([1, 3, 4])), ("rfloordiv", lambda T: 7 // T.tensor([2, 3, -2])),
    ("rmod", lambda T: 7 % T.tensor([2, 3, -2])), ("rpow_int", lambda T: 2 ** T.tensor([0, 3, 5])),
    ("np_scalar_rhs", lambda T: F(T) * np.float64(2.0)), ("np_scalar_lhs", lambda T: np.float32(2.0) * F(T)),
    ("np_int_lhs", lambda T: np.int64(3) - I(T)), ("add_list", lambda T: F(T) + [1, 2, 3]),
    ("add_str", lambda T: F(T) + "a"), ("add_none", lambda T: F(T) + None),
    ("eq_none", lambda T: F(T) == None), ("ne_str", lambda T: F(T) != "x"),  # noqa: E711
    ("floordiv_zero_int", lambda T: I(T) // 0), ("div_zero_float", lambda T: F(T) / 0),
    ("mod_float", lambda T: F(T) % 0.75), ("pow_neg_int", lambda T: I(T) ** -1),
    ("compare_chain_grad", lambda T: grad_of(T, lambda x: x > 2)), ("eq_grad", lambda T: grad_of(T, lambda x: x == 2.0)),
    ("bool_of_compare", lambda T: bool(T.tensor(1.0) < 2)),
]


@cases(UNARY)
def test_operators(fn):
    check(fn)


# ------------------------------------------------------------------ in-place
def iop(T, op, a, b, view=True):
    x = a(T)
    v = x[0] if view else None
    before = id(x)
    r = op(x, b(T) if callable(b) else b)
    return r, id(r) == before, v


INPLACE = [
    ("iadd", operator.iadd, F, 1), ("isub", operator.isub, F, F), ("imul", operator.imul, F, 2.0),
    ("itruediv", operator.itruediv, F, 2), ("ipow", operator.ipow, F, 2),
    ("iadd_int_int", operator.iadd, I, 3), ("iadd_int_float", operator.iadd, I, 1.5),
    ("itruediv_int", operator.itruediv, I, 2), ("imul_int_float_tensor", operator.imul, I, F),
    ("iadd_broadcast", operator.iadd, F, lambda T: T.tensor([1.0, 2.0, 3.0])),
    ("iadd_bad_broadcast", operator.iadd, lambda T: T.ones(3), lambda T: T.ones(2, 3)),
    ("iadd_bool", operator.iadd, B, True), ("imul_bool_int", operator.imul, B, 2),
    ("ifloordiv", operator.ifloordiv, I, 2), ("imod", operator.imod, I, 4),
    ("iand", operator.iand, B, lambda T: T.tensor([True, True, False])),
]


@pytest.mark.parametrize("op,a,b", [r[1:] for r in INPLACE], ids=[r[0] for r in INPLACE])
def test_inplace_operators(op, a, b):
    check(lambda T: iop(T, op, a, b))


def inplace_on_view(T):
    x = T.zeros(2, 3)
    v = x[1]
    v += 5
    w = x.t()
    w *= 2
    return x, v, w, x._version


def inplace_on_nonleaf(T):
    a = leaf(T, 3)
    y = a * 2
    y += 1
    y *= y
    y.sum().backward()
    return y, a.grad


def inplace_no_grad(T):
    a = leaf(T, 3)
    with T.no_grad():
        a += 1
        a *= 2
    return a, a.is_leaf


def inplace_on_view_of_nonleaf(T):
    a = leaf(T, 2, 3)
    x = a * 1
    v = x[0]
    v.mul_(3)
    x.t()[2] += a[1, :2]
    (x * x).sum().backward()
    return x, grad_fn(x), a.grad


@cases([("view", inplace_on_view), ("nonleaf_grad", inplace_on_nonleaf), ("no_grad_leaf", inplace_no_grad),
        ("view_of_nonleaf_grad", inplace_on_view_of_nonleaf)])
def test_inplace_semantics(fn):
    check(fn)


@pytest.mark.parametrize("op", [operator.iadd, operator.isub, operator.imul, operator.itruediv,
                                operator.ipow], ids=["iadd", "isub", "imul", "itruediv", "ipow"])
def test_inplace_on_leaf_requiring_grad(op):
    e = check_error(lambda T: (leaf(T, 3),), lambda T, a: op(a, 2))
    assert str(e) == "a leaf Variable that requires grad is being used in an in-place operation."


def test_inplace_on_view_of_leaf():
    check_error(lambda T: (leaf(T, 3),), lambda T, a: operator.iadd(a[1:], 2))


# ------------------------------------------------------------------ dtype conversion methods
CASTS = [
    ("to_f64", lambda T: F(T).to(T.float64)), ("to_int", lambda T: F(T).to(T.int32)),
    ("to_same", lambda T: (lambda x: x.to(T.float32) is x)(F(T))),
    ("to_kw", lambda T: F(T).to(dtype=T.float16)), ("to_cpu", lambda T: F(T).to("cpu")),
    ("to_device_dtype", lambda T: F(T).to("cpu", T.float64)),
    ("to_other", lambda T: F(T).to(I(T))), ("to_copy", lambda T: (lambda x: x.to(T.float32, copy=True) is x)(F(T))),
    ("float", lambda T: I(T).float()), ("double", lambda T: I(T).double()),
    ("half", lambda T: F(T).half()), ("long", lambda T: F(T).long()), ("int", lambda T: F(T).int()),
    ("short", lambda T: F(T).short()), ("char", lambda T: I(T).char()), ("byte", lambda T: I(T).byte()),
    ("bool", lambda T: F(T).bool()), ("long_negative_trunc", lambda T: T.tensor([-1.7, 2.9]).long()),
    ("float_same_is_self", lambda T: (lambda x: x.float() is x)(F(T))),
    ("double_grad", lambda T: leaf(T, 3).double()), ("int_grad", lambda T: leaf(T, 3).int()),
    ("half_grad", lambda T: leaf(T, 3).half()),
    ("double_backward", lambda T: backward_then(T, lambda T, x: x.double() * 3)),
    ("type_none", lambda T: F(T).type()), ("type_int", lambda T: I(T).type()),
    ("type_bool", lambda T: B(T).type()), ("type_dtype", lambda T: F(T).type(T.int64)),
    ("type_str", lambda T: F(T).type("torch.DoubleTensor")),
    ("type_bad_str", lambda T: F(T).type("torch.FooTensor")),
    ("to_bad", lambda T: F(T).to("float32")),
]


@cases(CASTS)
def test_casts(fn):
    check(fn)


# ------------------------------------------------------------------ Size
SIZE = [
    ("ctor", lambda T: T.Size([2, 3])), ("ctor_tuple", lambda T: T.Size((4,))),
    ("empty", lambda T: T.Size([])), ("repr", lambda T: repr(T.Size([2, 3]))),
    ("str", lambda T: str(T.ones(2, 3).shape)), ("eq_tuple", lambda T: T.ones(2, 3).shape == (2, 3)),
    ("eq_list", lambda T: T.ones(2, 3).shape == [2, 3]), ("slice", lambda T: T.ones(2, 3, 4).shape[1:]),
    ("index", lambda T: T.ones(2, 3, 4).shape[-1]), ("numel", lambda T: T.Size([2, 3, 4]).numel()),
    ("numel_empty", lambda T: T.Size([]).numel()), ("add", lambda T: T.Size([2]) + T.Size([3])),
    ("add_tuple", lambda T: T.Size([2]) + (3,)), ("radd_tuple", lambda T: (3,) + T.Size([2])),
    ("mul", lambda T: T.Size([2]) * 2), ("isinstance", lambda T: isinstance(T.Size([1]), tuple)),
    ("unpack", lambda T: list(T.ones(2, 5).shape)), ("hash", lambda T: hash(T.Size([2, 3])) == hash((2, 3))),
    ("as_size_arg", lambda T: T.zeros(T.ones(2, 3).shape)), ("reshape_size", lambda T: T.ones(6).reshape(T.Size([3, 2]))),
    ("bad_elem", lambda T: T.Size([2.5])), ("count", lambda T: T.Size([2, 2, 3]).count(2)),
    # (a list or int is refused; an array's own __radd__ / __rmul__ answers)
    ("add_list", lambda T: T.Size([2]) + [3]), ("radd_list", lambda T: [3] + T.Size([2])),
    ("add_int", lambda T: T.Size([2]) + 3), ("add_range", lambda T: T.Size([2]) + range(2)),
    ("add_array", lambda T: T.Size([2]) + np.array([3])), ("mul_float", lambda T: T.Size([2]) * 2.0),
    ("mul_array", lambda T: T.Size([2]) * np.array([3])), ("mul_np_int", lambda T: T.Size([2]) * np.int64(2)),
]


@cases(SIZE)
def test_size(fn):
    check(fn)


@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 3, 4)])
def test_T_reverses_dims_as_torch(shape):
    import warnings
    from compare_torch import check
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = check(lambda T: T.arange(float(math.prod(shape))).reshape(shape).requires_grad_().T)
    assert tuple(t.shape) == shape[::-1]
