"""Every misuse gets PyTorch's exception type and message (torch -> ember) and
changes nothing: values, grads, requires_grad, grad_fn and version counters of
the tensors involved are the same after the error (compare_torch.check_error)."""
import numpy as np
import pytest

import ember
from compare_torch import check, check_error


def leaf(T, *shape):
    n = int(np.prod(shape))
    return T.tensor((np.arange(n, dtype=np.float64) + 1).reshape(shape).tolist(), requires_grad=True)


def errors(table):
    return pytest.mark.parametrize("setup,op", [r[1:] for r in table], ids=[r[0] for r in table])


# ------------------------------------------------------------------ broadcasting
ONES_3_4 = lambda T: (T.ones(3), T.ones(4))
ONES_23_33 = lambda T: (T.ones(2, 3), T.ones(3, 3))
BROADCAST = [
    ("add", ONES_3_4, lambda T, a, b: a + b), ("sub", ONES_3_4, lambda T, a, b: a - b),
    ("mul", ONES_3_4, lambda T, a, b: a * b), ("div", ONES_3_4, lambda T, a, b: a / b),
    ("pow", ONES_3_4, lambda T, a, b: a ** b), ("eq", ONES_3_4, lambda T, a, b: a == b),
    ("lt", ONES_3_4, lambda T, a, b: a < b), ("add_2d", ONES_23_33, lambda T, a, b: a + b),
    ("add_fn", ONES_23_33, lambda T, a, b: T.add(a, b)), ("maximum", ONES_3_4, lambda T, a, b: T.maximum(a, b)),
    ("where", ONES_3_4, lambda T, a, b: T.where(a > 0, a, b)),
    ("add_rg", lambda T: (leaf(T, 3), leaf(T, 4)), lambda T, a, b: a + b),
    ("iadd", ONES_3_4, lambda T, a, b: a.__iadd__(b)), ("add_", ONES_3_4, lambda T, a, b: a.add_(b)),
    ("iadd_grows", lambda T: (T.ones(3), T.ones(2, 3)), lambda T, a, b: a.__iadd__(b)),
    ("mul_grows", lambda T: (T.ones(1, 3), T.ones(2, 3)), lambda T, a, b: a.mul_(b)),
    ("copy_", ONES_3_4, lambda T, a, b: a.copy_(b)),
    ("expand", lambda T: (T.ones(3),), lambda T, a: a.expand(4)),
    ("expand_2d", lambda T: (T.ones(2, 3),), lambda T, a: a.expand(3, 3)),
    ("expand_fewer_dims", lambda T: (T.ones(2, 3),), lambda T, a: a.expand(3)),
    ("expand_as", ONES_3_4, lambda T, a, b: a.expand_as(b)),
]


@errors(BROADCAST)
def test_broadcast_errors(setup, op):
    check_error(setup, op)


def test_broadcast_message_literal():
    with pytest.raises(RuntimeError) as info:
        ember.ones(3) + ember.ones(4)
    assert str(info.value) == ("The size of tensor a (3) must match the size of tensor b (4) at "
                               "non-singleton dimension 0")


# ------------------------------------------------------------------ matmul family
MATMUL = [
    ("mm_lab", lambda T: (T.ones(16, 1000), T.ones(100, 10)), lambda T, a, b: a @ b),
    ("mm_fn", lambda T: (T.ones(2, 3), T.ones(4, 5)), lambda T, a, b: T.mm(a, b)),
    ("mm_1d", lambda T: (T.ones(3), T.ones(3, 2)), lambda T, a, b: T.mm(a, b)),
    ("matmul_rg", lambda T: (leaf(T, 2, 3), leaf(T, 2, 3)), lambda T, a, b: a @ b),
    ("dot", lambda T: (T.ones(3), T.ones(4)), lambda T, a, b: a @ b),
    ("dot_fn", lambda T: (T.ones(3), T.ones(4)), lambda T, a, b: T.dot(a, b)),
    ("dot_dtype", lambda T: (T.ones(3), T.ones(3, dtype=T.float64)), lambda T, a, b: T.dot(a, b)),
    ("mv", lambda T: (T.ones(2, 3), T.ones(4)), lambda T, a, b: a @ b),
    ("vm", lambda T: (T.ones(4), T.ones(3, 2)), lambda T, a, b: a @ b),
    ("bmm", lambda T: (T.ones(2, 3, 4), T.ones(2, 5, 6)), lambda T, a, b: T.bmm(a, b)),
    ("bmm_batch", lambda T: (T.ones(2, 3, 4), T.ones(3, 4, 6)), lambda T, a, b: T.bmm(a, b)),
    ("bmm_2d", lambda T: (T.ones(3, 4), T.ones(4, 6)), lambda T, a, b: T.bmm(a, b)),
    ("batched", lambda T: (T.ones(2, 3, 4), T.ones(2, 5, 6)), lambda T, a, b: a @ b),
    ("batched_broadcast", lambda T: (T.ones(2, 3, 4), T.ones(3, 4, 6)), lambda T, a, b: a @ b),
    ("0d", lambda T: (T.tensor(2.0), T.ones(3)), lambda T, a, b: a @ b),
    ("dtype_mix", lambda T: (T.ones(2, 2), T.ones(2, 2, dtype=T.float64)), lambda T, a, b: a @ b),
    ("int_float", lambda T: (T.ones(2, 2, dtype=T.int64), T.ones(2, 2)), lambda T, a, b: a @ b),
]


@errors(MATMUL)
def test_matmul_errors(setup, op):
    check_error(setup, op)


def test_matmul_message_literal():
    with pytest.raises(RuntimeError, match=r"^mat1 and mat2 shapes cannot be multiplied \(16x1000 and 100x10\)$"):
        ember.ones(16, 1000) @ ember.ones(100, 10)


# ------------------------------------------------------------------ backward misuse
def graph(T):
    a, b = leaf(T, 3), leaf(T, 3)
    y = (a * b).sum()
    y.backward()
    return a, b, y


def graph_add(T):
    a = leaf(T, 3)
    y = (a.exp() + 1).sum()
    y.backward(retain_graph=False)
    return a, y


BACKWARD = [
    ("twice", graph, lambda T, a, b, y: y.backward()),
    ("twice_exp", graph_add, lambda T, a, y: y.backward()),
    ("grad_after_free", graph, lambda T, a, b, y: T.autograd.grad(y, a)),
    ("nonscalar", lambda T: (leaf(T, 3), leaf(T, 3) * 2), lambda T, a, y: y.backward()),
    ("nonscalar_2d", lambda T: (leaf(T, 2, 2),), lambda T, a: (a * 2).backward()),
    ("no_grad_fn", lambda T: (T.ones(3),), lambda T, a: a.sum().backward()),
    ("under_no_grad", lambda T: (leaf(T, 3),), lambda T, a: no_grad_then_backward(T, a)),
    ("wrong_grad_shape", lambda T: (leaf(T, 2),), lambda T, a: (a * 2).backward(T.ones(3))),
    ("grad_nonscalar", lambda T: (leaf(T, 3),), lambda T, a: T.autograd.grad(a * 2, a)),
    ("grad_unused", lambda T: (leaf(T, 3), leaf(T, 3)), lambda T, a, b: T.autograd.grad((a * 2).sum(), b)),
    ("grad_no_rg", lambda T: (leaf(T, 3), T.ones(3)), lambda T, a, b: T.autograd.grad((a * 2).sum(), b)),
    ("modified_saved", lambda T: (leaf(T, 3),), lambda T, a: modified_saved(T, a)),
    ("modified_input", lambda T: (leaf(T, 3),), lambda T, a: modified_input(T, a)),
    ("retain_grad_no_rg", lambda T: (T.ones(2),), lambda T, a: a.retain_grad()),
    ("hook_no_rg", lambda T: (T.ones(2),), lambda T, a: a.register_hook(lambda g: g)),
]


def no_grad_then_backward(T, a):
    with T.no_grad():
        y = (a * 2).sum()
    y.backward()


def modified_saved(T, a):
    b = a.exp()
    b.add_(1)
    b.sum().backward()


def modified_input(T, a):
    x = a * 1
    y = x * x
    x.mul_(2)
    y.sum().backward()


@errors(BACKWARD)
def test_backward_errors(setup, op):
    check_error(setup, op)


def test_backward_twice_messages():
    a = ember.ones(3, requires_grad=True)
    y = (a * a).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="^Trying to backward through the graph a second time"):
        y.backward()
    assert a.grad.tolist() == [2.0, 2.0, 2.0]
    with pytest.raises(RuntimeError, match="^grad can be implicitly created only for scalar outputs$"):
        (a * 2).backward()


def test_backward_with_int_gradient_is_allowed():
    check(lambda T: (lambda a: ((a * 2).backward(T.ones(2, dtype=T.int64)), a.grad)[1])(leaf(T, 2)))


def test_backward_twice_without_saved_tensors_is_allowed():
    check(lambda T: (lambda a, y: (y.backward(), y.backward(), a.grad)[2])(*(lambda a: (a, (a + 1).sum()))(leaf(T, 3))))


# ------------------------------------------------------------------ in-place on leaves, requires_grad
INPLACE_LEAF = [
    ("iadd", lambda T, a: a.__iadd__(1)), ("add_", lambda T, a: a.add_(1)), ("mul_", lambda T, a: a.mul_(2)),
    ("zero_", lambda T, a: a.zero_()), ("fill_", lambda T, a: a.fill_(3)), ("copy_", lambda T, a: a.copy_(T.zeros(3))),
    ("clamp_", lambda T, a: a.clamp_(0, 1)), ("exp_", lambda T, a: a.exp_()), ("neg_", lambda T, a: a.neg_()),
    ("setitem", lambda T, a: a.__setitem__(0, 5.0)), ("setitem_mask", lambda T, a: a.__setitem__(a > 1, 0.0)),
    ("view_iadd", lambda T, a: a[1:].__iadd__(1)), ("view_mul_", lambda T, a: a.view(3).mul_(2)),
    ("view_setitem", lambda T, a: a[1:].__setitem__(0, 9.0)), ("uniform_", lambda T, a: a.uniform_()),
    ("normal_", lambda T, a: a.normal_()), ("detach_view", lambda T, a: a[1:].detach_()),
]


@pytest.mark.parametrize("op", [r[1] for r in INPLACE_LEAF], ids=[r[0] for r in INPLACE_LEAF])
def test_inplace_on_leaf_requiring_grad(op):
    check_error(lambda T: (leaf(T, 3),), op)


def set_requires_grad(t, flag):
    t.requires_grad = flag


REQUIRES_GRAD = [
    ("nonleaf_true", lambda T: (leaf(T, 2) * 2,), lambda T, y: set_requires_grad(y, True)),
    ("nonleaf_false", lambda T: (leaf(T, 2) * 2,), lambda T, y: set_requires_grad(y, False)),
    ("nonleaf_requires_grad_false", lambda T: (leaf(T, 2) * 2,), lambda T, y: y.requires_grad_(False)),
    ("int_tensor", lambda T: (T.ones(2, dtype=T.int64),), lambda T, a: set_requires_grad(a, True)),
    ("bool_tensor", lambda T: (T.ones(2, dtype=T.bool),), lambda T, a: a.requires_grad_()),
    ("tensor_int", lambda T: (), lambda T: T.tensor([1, 2], requires_grad=True)),
    ("zeros_int", lambda T: (), lambda T: T.zeros(2, dtype=T.int32, requires_grad=True)),
    ("ones_bool", lambda T: (), lambda T: T.ones(2, dtype=T.bool, requires_grad=True)),
    ("full_int", lambda T: (), lambda T: T.full((2,), 3, requires_grad=True)),
    ("arange_int", lambda T: (), lambda T: T.arange(3, requires_grad=True)),
    ("eye_int", lambda T: (), lambda T: T.eye(2, dtype=T.int64, requires_grad=True)),
    ("randint", lambda T: (), lambda T: T.randint(0, 3, (2,), requires_grad=True)),
    ("numpy_rg", lambda T: (leaf(T, 2),), lambda T, a: a.numpy()),
    ("numpy_nonleaf", lambda T: (leaf(T, 2) * 2,), lambda T, y: y.numpy()),
    ("asarray_rg", lambda T: (leaf(T, 2),), lambda T, a: np.asarray(a)),
    ("np_exp_rg", lambda T: (leaf(T, 2),), lambda T, a: np.exp(a)),
    ("grad_wrong_shape", lambda T: (leaf(T, 2),), lambda T, a: setattr(a, "grad", T.ones(3))),
    ("grad_wrong_dtype", lambda T: (leaf(T, 2),), lambda T, a: setattr(a, "grad", T.ones(2, dtype=T.float64))),
    ("grad_wrong_type", lambda T: (leaf(T, 2),), lambda T, a: setattr(a, "grad", [1.0, 2.0])),
]


@errors(REQUIRES_GRAD)
def test_requires_grad_errors(setup, op):
    check_error(setup, op)


# ------------------------------------------------------------------ dtypes
DTYPE_FNS = [("zeros", lambda T, d: T.zeros(2, dtype=d)), ("ones", lambda T, d: T.ones(2, dtype=d)),
             ("empty", lambda T, d: T.empty(2, dtype=d)), ("full", lambda T, d: T.full((2,), 1.0, dtype=d)),
             ("tensor", lambda T, d: T.tensor([1.0], dtype=d)), ("zeros_like", lambda T, d: T.zeros_like(T.ones(2), dtype=d))]


@pytest.mark.parametrize("bad", ["float32", "int", 1.5])
@pytest.mark.parametrize("fn", [f for _, f in DTYPE_FNS], ids=[n for n, _ in DTYPE_FNS])
def test_unknown_dtype(fn, bad):
    check_error(lambda T: (), lambda T: fn(T, bad))


def test_unknown_dtype_literal():
    with pytest.raises(TypeError) as info:
        ember.zeros(2, dtype="float32")
    assert str(info.value) == "zeros(): argument 'dtype' must be ember.dtype, not str"


DTYPE_MISUSE = [
    ("iadd_float_into_int", lambda T: (T.ones(2, dtype=T.int64),), lambda T, a: a.__iadd__(1.5)),
    ("itruediv_int", lambda T: (T.ones(2, dtype=T.int32),), lambda T, a: a.__itruediv__(2)),
    ("mul_float_tensor_into_int", lambda T: (T.ones(2, dtype=T.int64), T.ones(2)), lambda T, a, b: a.mul_(b)),
    ("iadd_int_into_bool", lambda T: (T.ones(2, dtype=T.bool),), lambda T, a: a.__iadd__(2)),
    ("mean_int", lambda T: (T.ones(2, dtype=T.int64),), lambda T, a: a.mean()),
    ("pow_int_negative", lambda T: (T.tensor([2, 3]),), lambda T, a: a ** -1),
    ("int_floordiv_zero", lambda T: (T.tensor([2, 3]),), lambda T, a: a // 0),
    ("int_mod_zero", lambda T: (T.tensor([2, 3]),), lambda T, a: a % 0),
    ("sub_bool", lambda T: (T.tensor([True]), T.tensor([False])), lambda T, a, b: a - b),
    ("neg_bool", lambda T: (T.tensor([True]),), lambda T, a: -a),
    ("invert_float", lambda T: (T.ones(2),), lambda T, a: ~a),
    ("set_default_int", lambda T: (), lambda T: T.set_default_dtype(T.int64)),
    ("to_str", lambda T: (T.ones(2),), lambda T, a: a.to("float32")),
    ("type_bad", lambda T: (T.ones(2),), lambda T, a: a.type("torch.NoTensor")),
]


@errors(DTYPE_MISUSE)
def test_dtype_misuse(setup, op):
    check_error(setup, op)


# ------------------------------------------------------------------ shapes, views, dims
X23 = lambda T: (leaf(T, 2, 3),)
SHAPES = [
    ("view_noncontig", X23, lambda T, x: x.t().view(6)), ("view_bad_numel", X23, lambda T, x: x.view(4)),
    ("reshape_bad_numel", X23, lambda T, x: x.reshape(5)), ("view_two_infer", X23, lambda T, x: x.view(-1, -1)),
    ("view_neg2", X23, lambda T, x: x.view(-2, 3)), ("view_infer_bad", X23, lambda T, x: x.view(-1, 4)),
    ("view_zero_infer", lambda T: (T.ones(0, 3),), lambda T, x: x.view(-1, 0)),
    ("permute_bad", X23, lambda T, x: x.permute(0, 0)),
    ("permute_len", X23, lambda T, x: x.permute(0)), ("t_3d", lambda T: (T.ones(2, 3, 4),), lambda T, x: x.t()),
    ("cat_sizes", lambda T: (T.ones(2, 3), T.ones(2, 4)), lambda T, a, b: T.cat([a, b])),
    ("cat_empty", lambda T: (), lambda T: T.cat([])), ("cat_dims", lambda T: (T.ones(2, 3), T.ones(3)), lambda T, a, b: T.cat([a, b])),
    ("cat_0d", lambda T: (T.tensor(1.0),), lambda T, a: T.cat([a, a])),
    ("stack_sizes", lambda T: (T.ones(3), T.ones(4)), lambda T, a, b: T.stack([a, b])),
    ("stack_empty", lambda T: (), lambda T: T.stack([])), ("split_zero", X23, lambda T, x: x.split(0)),
    ("chunk_zero", X23, lambda T, x: x.chunk(0)), ("narrow_oob", X23, lambda T, x: x.narrow(1, 2, 2)),
    ("unflatten_bad", X23, lambda T, x: x.unflatten(1, (2, 2))), ("squeeze_oob", X23, lambda T, x: x.squeeze(2)),
]
DIMS = [("sum", lambda T, x: x.sum(2)), ("sum_neg", lambda T, x: x.sum(-3)), ("mean", lambda T, x: x.mean(dim=5)),
        ("max", lambda T, x: x.max(dim=2)), ("argmax", lambda T, x: x.argmax(dim=-3)), ("size", lambda T, x: x.size(2)),
        ("transpose", lambda T, x: x.transpose(0, 2)), ("unsqueeze", lambda T, x: x.unsqueeze(4)),
        ("unsqueeze_neg", lambda T, x: x.unsqueeze(-4)), ("cat", lambda T, x: T.cat([x, x], dim=2)),
        ("stack", lambda T, x: T.stack([x, x], dim=4)), ("flatten", lambda T, x: x.flatten(0, 3)),
        ("softmaxish_var", lambda T, x: x.var(dim=3)), ("select", lambda T, x: x.select(2, 0)),
        ("select_index", lambda T, x: x.select(1, 3)), ("sum_tuple", lambda T, x: x.sum((0, 2))),
        ("sum_repeat", lambda T, x: x.sum((0, 0))), ("split_dim", lambda T, x: x.split(1, dim=2)),
        ("amax", lambda T, x: x.amax(dim=7)), ("std", lambda T, x: x.std(dim=-5))]


@errors(SHAPES + [("dim_" + n, X23, f) for n, f in DIMS])
def test_shape_and_dim_errors(setup, op):
    check_error(setup, op)


# ------------------------------------------------------------------ indexing and conversions
X34 = lambda T: (leaf(T, 3, 4),)
MISC = [
    ("index_oob", X34, lambda T, x: x[3]), ("index_neg_oob", X34, lambda T, x: x[:, -5]),
    ("index_list_oob", X34, lambda T, x: x[[0, 7]]), ("index_too_many", X34, lambda T, x: x[0, 0, 0]),
    ("index_float", X34, lambda T, x: x[1.0]), ("index_mask_shape", X34, lambda T, x: x[T.tensor([True, False])]),
    ("setitem_oob", lambda T: (T.ones(3),), lambda T, x: x.__setitem__(3, 1.0)),
    ("setitem_shape", lambda T: (T.ones(3, 4),), lambda T, x: x.__setitem__(0, T.ones(3))),
    ("index_0d", lambda T: (T.tensor(1.0),), lambda T, x: x[0]),
    ("item_many", X34, lambda T, x: x.item()), ("item_empty", lambda T: (T.ones(0),), lambda T, x: x.item()),
    ("bool_many", X34, lambda T, x: bool(x)), ("float_many", X34, lambda T, x: float(x)),
    ("int_many", X34, lambda T, x: int(x)), ("index_float_tensor", X34, lambda T, x: [1, 2][T.tensor(1.5)]),
    ("len_0d", lambda T: (T.tensor(1.0),), lambda T, x: len(x)), ("iter_0d", lambda T: (T.tensor(1.0),), lambda T, x: iter(x)),
    ("format_nd", X34, lambda T, x: format(x, ".2f")), ("hash_is_fine_but_in_list", X34, lambda T, x: x in [T.ones(3, 4)]),
    ("zeros_negative", lambda T: (), lambda T: T.zeros(-1)), ("arange_zero_step", lambda T: (), lambda T: T.arange(0, 3, 0)),
    ("arange_sign", lambda T: (), lambda T: T.arange(0, 3, -1)), ("linspace_neg", lambda T: (), lambda T: T.linspace(0, 1, -2)),
    ("randint_bounds", lambda T: (), lambda T: T.randint(5, 2, (3,))), ("device_unknown", lambda T: (), lambda T: T.device("gpu")),
    ("add_str", X34, lambda T, x: x + "a"), ("mul_list", X34, lambda T, x: x * [1, 2]),
]


@errors(MISC)
def test_misc_errors(setup, op):
    check_error(setup, op)


# ------------------------------------------------------------------ literal checks (no torch needed)
def test_inplace_through_view_of_leaf_literal():
    a = ember.ones(3, requires_grad=True)
    for op in (lambda: a[1:].__iadd__(1), lambda: a[1:].mul_(2), lambda: a[0].__setitem__((), 5.0)):
        with pytest.raises(RuntimeError) as info:
            op()
        assert str(info.value) == ("a view of a leaf Variable that requires grad is being used in an "
                                   "in-place operation.")
    assert a.tolist() == [1.0, 1.0, 1.0] and a._version == 0


@pytest.mark.parametrize("op", [
    lambda T: T.randn(6).view(2, 3).requires_grad_()[0].zero_(),
    lambda T: T.randn(6).view(2, 3).requires_grad_().t().mul_(2),
    lambda T: T.ones(6)[::2].requires_grad_()[1:].mul_(2),
    lambda T: (T.ones(3, requires_grad=True) * 1)[0].zero_(),
    lambda T: T.ones(3)[1:].add_(1),
    lambda T: (T.ones(6).view(2, 3).requires_grad_() * 1).view(6)[0].zero_()])
def test_inplace_on_a_view_of_a_leaf_view(op):
    # a leaf that is itself a view (of a tensor without grad) lends that base
    # to its own views: PyTorch refuses them as views of a leaf
    check(lambda T: op(T).requires_grad)


def test_modified_saved_output_detected_literal():
    a = ember.tensor([0.0, 1.0, 2.0], requires_grad=True)
    b = a.exp()
    b.add_(1)
    with pytest.raises(RuntimeError, match="^one of the variables needed for gradient computation "
                                           "has been modified by an inplace operation"):
        b.sum().backward()
    assert a.grad is None


def test_misc_literals():
    with pytest.raises(RuntimeError, match=r"^start \(2\) \+ length \(2\) exceeds dimension size \(3\)\.$"):
        ember.ones(2, 3).narrow(1, 2, 2)
    with pytest.raises(RuntimeError, match="^ZeroDivisionError$"):
        ember.tensor([1, 2]) // 0
    with pytest.raises(ValueError, match="^only one element tensors can be converted to Python scalars$"):
        float(ember.ones(2))
    with pytest.raises(RuntimeError, match="^upper bound and lower bound inconsistent with step sign$"):
        ember.arange(0, 3, -1)


def _raise(exc):
    raise exc


def test_messages_naming_types_say_torch_under_use_as_torch():
    # Under ember.run the program imported torch: errors that name a type of
    # the library name it as PyTorch's do.
    torch = pytest.importorskip("torch")
    from ember import _public_name
    cases = [
        lambda T: T.zeros(3, dtype="float32"),
        lambda T: T.iinfo("x"),
        lambda T: T.UntypedStorage(3.5),
        lambda T: T.TypedStorage(dtype="x"),
        lambda T: T.nn.utils.vector_to_parameters([1.0], T.nn.Linear(1, 1).parameters()),
        lambda T: T.optim.Adam(T.nn.Linear(1, 1)),
        lambda T: setattr(T.nn.Linear(1, 1), "weight", T.nn.ReLU()),
        lambda T: _raise(ValueError(T.typename(T.nn.Linear(1, 1)))),
    ]
    for case in cases:
        with pytest.raises(Exception) as want:
            case(torch)
        _public_name.set_name("torch")
        try:
            with pytest.raises(type(want.value)) as got:
                case(ember)
        finally:
            _public_name.set_name("ember")
        assert str(got.value) == str(want.value)


@pytest.mark.parametrize("value", ["no", 1, 0, None, 1.0, np.bool_(True), [], "tensor"])
def test_requires_grad_takes_only_a_bool(value):
    torch = pytest.importorskip("torch")
    cases = [
        lambda T, v: T.ones(2).requires_grad_(v),
        lambda T, v: T.nn.Parameter(T.ones(2)).requires_grad_(v),
        lambda T, v: T.nn.Linear(1, 1).requires_grad_(v),
        lambda T, v: setattr(T.ones(2), "requires_grad", v),
        lambda T, v: setattr(T.ones(2, requires_grad=True) * 2, "requires_grad", v),
        lambda T, v: T.nn.Parameter(T.ones(2), v),
        lambda T, v: T.nn.Parameter(T.ones(2, dtype=T.long), requires_grad=v),
    ]
    for case in cases:
        res = []
        for T in (torch, ember):
            v = T.tensor(True) if isinstance(value, str) and value == "tensor" else value
            try:
                case(T, v)
                res.append(None)
            except Exception as exc:  # noqa: BLE001 - the error is the result
                res.append((type(exc).__name__, str(exc)))
        assert res[0] == res[1]


def test_parameter_of_a_non_tensor_fails_as_torch():
    with pytest.raises(AttributeError, match="'list' object has no attribute 'detach'"):
        ember.nn.Parameter([1.0])


@pytest.mark.parametrize("args", [
    ("x", "w"), ("t", "w"), ("t", "t", "b"), ([1.0, 2.0], "t"), ("t", "t", 3), ("nd", "t"),
])
def test_linear_refuses_what_is_not_a_tensor(args):
    torch = pytest.importorskip("torch")
    got = []
    for T in (torch, ember):
        xs = [{"t": T.ones(2, 2), "nd": np.ones((2, 2))}.get(a, a) if isinstance(a, str) else a
              for a in args]
        with pytest.raises(TypeError) as info:
            T.nn.functional.linear(*xs)
        got.append(str(info.value))
    assert got[0] == got[1]


@pytest.mark.parametrize("name", ["sin", "exp", "sigmoid", "relu", "abs", "neg", "tanh", "sqrt",
                                  "erf", "erfc", "lgamma", "special.i0e", "special.entr"])
def test_unary_function_of_a_non_tensor_as_torch(name):
    # PyTorch's parser: "sin(): argument 'input' (position 1) must be Tensor, not NoneType"
    torch = pytest.importorskip("torch")
    for value in (None, 2.0, 3, [1.0], "a", np.ones(2)):
        said = []
        for lib in (ember, torch):
            f = lib
            for part in name.split("."):
                f = getattr(f, part)
            with pytest.raises(TypeError) as e:
                f(value)
            said.append(str(e.value))
        assert said[0] == said[1]
