"""The op registry: every declared op has sample inputs (tests/op_table.py)
and the surface its declaration promises (function, method, in-place
variant, aliases), and its nodes save only what their formulas need."""
import itertools

import numpy as np
import pytest

import ember
from ember.ops._registry import REGISTRY
from op_table import OPS
from test_ops import inputs_for

ROWS = {row[0]: row for row in OPS}
NAMES = list(REGISTRY)


def test_every_registered_op_has_sample_inputs():
    missing = [name for name in REGISTRY if name not in ROWS]
    assert not missing, f"add a row to tests/op_table.py for: {missing}"


def _namespace(lib, info):
    """ember / torch, or their linalg, special, ... module for the op."""
    if info.namespace == "torch":
        return lib
    for part in info.namespace.split("."):
        lib = getattr(lib, part)
    return lib


def _op(f):
    """f, or the op the registry made behind the wrappers some public forms
    have: a deprecated positional overload (ember/_deprecated_overloads.py:
    add(alpha, other) & co.), the refusal of other operands by the op's own
    name (ops/_operand_refusal.py), the uint16/32/64 check installed once a
    tensor of those dtypes exists (_uint_ops.py; hash_tensor's row makes one)."""
    while getattr(f, "_stands_in", False) or getattr(f, "_uint_guarded", False):
        f = f.__wrapped__
    return f


@pytest.mark.parametrize("name", NAMES)
def test_function_method_and_aliases(name):
    info = REGISTRY[name]
    for alias in (info.name,) + info.aliases:
        if info.namespace is not None:
            assert _op(getattr(_namespace(ember, info), alias)) is info.public
        method = _op(getattr(ember.Tensor, alias, None))
        if isinstance(info.method, str):    # the method takes its list of ints unpacked too
            method = method.__wrapped__
        assert (method is info.function) == bool(info.method)
        inplace = _op(getattr(ember.Tensor, alias + "_", None))
        if isinstance(info.method, str) and info.inplace:
            inplace = inplace.__wrapped__
        if info.inplace and not callable(info.inplace):
            assert inplace.__name__ == alias + "_"
        elif info.inplace:      # its own in-place variant, shared by the aliases
            assert inplace is info.inplace


@pytest.mark.parametrize("name", NAMES)
def test_surface_matches_torch(name):
    torch = pytest.importorskip("torch")
    info = REGISTRY[name]
    for alias in (info.name,) + info.aliases:
        if info.namespace is None:      # a method only, in PyTorch too
            assert not hasattr(torch, alias) and not hasattr(ember, alias), alias
            assert info.method
        else:
            assert hasattr(_namespace(torch, info), alias)
        # (Tensor.qr is the old torch.qr, not linalg.qr: a linalg op whose name
        # is also a method is declared without it)
        assert hasattr(torch.Tensor, alias) == bool(info.method) or (
            info.namespace != "torch" and not info.method), alias
        # (special.round is its own op, a function only: Tensor.round_ is torch.round's)
        assert hasattr(torch.Tensor, alias + "_") == bool(info.inplace) or (
            info.namespace != "torch" and not info.method and not info.inplace), alias
        if info.namespace == "torch":
            has = info.inplace_function is True or alias in (info.inplace_function or ())
            # (torch.celu_, torch.dropout_, ... are functions with no Tensor
            # method: each is declared as an op of its own)
            assert hasattr(torch, alias + "_") == bool(info.inplace and has
                                                       or alias + "_" in REGISTRY), alias


def _call_with_out(lib, info, arrays, out):
    if info.namespace is None:
        return TypeError("a method has no out=")
    xs = [lib.tensor(a) for a in arrays]
    try:
        return getattr(_namespace(lib, info), info.name)(*xs, out=out)
    except TypeError as e:
        return e


# Ops whose sample row calls them with tensors only: their out= is checked
# against PyTorch's (does it take out=, and the same values in it).
OUT_NAMES = [n for n in NAMES if REGISTRY[n].node is not None]
OUT_NEEDS_DIM = {"sum", "prod"}
# Ops whose kernels take integers only (their rows feed them integer-valued
# results of differentiable ops): their in-place variants are tried on int64.
INTEGER_ONLY = {"gcd", "lcm", "bitwise_left_shift", "bitwise_right_shift", "bitwise_not",
                "bitwise_and", "bitwise_or", "bitwise_xor"}
# Arguments after the sample tensors, for ops whose rows pass them as constants.
INPLACE_EXTRA_ARGS = {"cumsum": (1,), "cumprod": (1,), "gcd": (ember.tensor(6),), "lcm": (ember.tensor(4),),
                      "bitwise_left_shift": (2,), "bitwise_right_shift": (2,),
                      "bitwise_and": (3,), "bitwise_or": (1,), "bitwise_xor": (5,)}
INPLACE_EXTRA_ARGS.update(__import__("op_table_scatter").inplace_extra_args(ember))
INPLACE_EXTRA_ARGS.update(__import__("op_table_statistics").inplace_extra_args(ember))
INPLACE_EXTRA_ARGS.update(__import__("op_table_extras").inplace_extra_args(ember))


@pytest.mark.parametrize("name", OUT_NAMES)
def test_out_argument_as_torch(name):
    torch = pytest.importorskip("torch")
    info = REGISTRY[name]
    arrays = inputs_for(ROWS[name])
    try:
        want = _call_with_out(torch, info, arrays, torch.empty(0, dtype=torch.float64))
    except (RuntimeError, ValueError):
        pytest.skip("its sample row does not call it with tensors alone")
    out = ember.empty(0, dtype=ember.float64)
    got = _call_with_out(ember, info, arrays, out)
    if isinstance(want, TypeError):
        if name in OUT_NEEDS_DIM:
            # torch.sum(x, out=r) is refused, torch.sum(x, 0, out=r) is not;
            # Ember takes both.
            return
        assert isinstance(got, TypeError), "ember takes out= where PyTorch does not"
        return
    assert got is out, "out= not taken, or not returned"
    np.testing.assert_allclose(out.numpy(), want.numpy(), rtol=1e-12)


@pytest.mark.filterwarnings("ignore:torch.cholesky is deprecated")
@pytest.mark.filterwarnings("ignore:ember.cholesky is deprecated")
@pytest.mark.parametrize("name", OUT_NAMES)
def test_out_of_another_dtype_as_torch(name):
    """A float32 out= for float64 inputs: cast into, or refused with the
    op's own message (PyTorch's unstructured kernels check the dtype)."""
    torch = pytest.importorskip("torch")
    info = REGISTRY[name]
    arrays = inputs_for(ROWS[name])
    try:
        want = _call_with_out(torch, info, arrays, torch.empty(0, dtype=torch.float32))
    except ValueError:
        pytest.skip("its sample row does not call it with tensors alone")
    except RuntimeError as e:
        want = e
    if isinstance(want, TypeError):
        pytest.skip("no out= in PyTorch (test_out_argument_as_torch checks that)")
    out = ember.empty(0, dtype=ember.float32)
    try:
        got = _call_with_out(ember, info, arrays, out)
    except RuntimeError as e:
        got = e
    if isinstance(want, RuntimeError):
        assert isinstance(got, RuntimeError), f"PyTorch refuses: {want}"
        assert str(got) == str(want).replace("torch.", "ember.")
        return
    assert got is out, f"ember refused: {got}"
    np.testing.assert_allclose(out.numpy(), want.numpy(), rtol=1e-6)


def test_out_rules():
    x, y = ember.ones(3), ember.ones(3)
    out = ember.zeros(3, dtype=ember.int64)
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired "
                                           "output type Long"):
        ember.add(x, y, out=out)
    assert out.tolist() == [0, 0, 0]
    with pytest.raises(RuntimeError, match=r"add\(\): functions with out=... arguments don't "
                                           "support automatic differentiation"):
        ember.add(x.requires_grad_(), y, out=ember.zeros(3))
    with ember.no_grad():
        ember.add(x, y, out=ember.zeros(3))
    out = ember.zeros(2)
    with pytest.warns(UserWarning, match=r"resized since it had shape \[2\]"):
        ember.sin(y, out=out)
    assert out.shape == (3,) and out._version == 1
    doubles = ember.zeros(3, dtype=ember.float64)
    assert ember.mul(y, 2.0, out=doubles) is doubles and doubles.tolist() == [2.0, 2.0, 2.0]


@pytest.mark.filterwarnings(r"ignore:index_reduce\(\) is in beta")
@pytest.mark.parametrize("name", [n for n in NAMES if REGISTRY[n].inplace])
def test_inplace_variant(name):
    info = REGISTRY[name]
    if info.name in ("polygamma", "mvlgamma"):
        pytest.skip("an integer argument first or last; tests/test_special.py covers it")
    if callable(info.inplace):
        pytest.skip("its own in-place variant (a view op's, or with its own checks): "
                    "tested with its family")
    arrays = inputs_for(ROWS[name])
    if name in INTEGER_ONLY:
        arrays = [np.round(a * 10).astype(np.int64) for a in arrays]
    xs = [ember.tensor(a) for a in arrays] + list(INPLACE_EXTRA_ARGS.get(name, ()))
    # the target takes the broadcast result's shape, as x.op_(y) needs
    xs[0] = ember.tensor(np.broadcast_to(arrays[0], info.function(*xs).shape).copy())
    want = info.function(*xs).numpy()
    target = xs[0].clone()
    version = target._version
    out = getattr(target, info.name + "_")(*xs[1:])
    assert out is target and target._version == version + 1
    np.testing.assert_array_equal(target.numpy(), np.broadcast_to(want, target.shape))
    if name in INTEGER_ONLY:
        return          # integers cannot require grad: no leaf to protect
    leaf = xs[0].clone().requires_grad_()
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used "
                                           "in an in-place operation"):
        getattr(leaf, info.name + "_")(*xs[1:])


def _saved_inputs_check(T, f, arrays, grads, changed):
    """Run f on intermediates of the inputs (requiring grad where `grads`
    says), change input `changed` in place, backward: did it raise?"""
    leaves = [T.tensor(a, requires_grad=g) for a, g in zip(arrays, grads)]
    mids = [x * 1 if g else x.clone() for x, g in zip(leaves, grads)]
    out = f(T, *mids)
    mids[changed].mul_(1)           # a new version, the same values
    try:
        out.sum().backward()
    except RuntimeError as e:
        # (PyTorch words it differently for views of multi-output ops.)
        assert "modified by an inplace operation" in str(e) or "modified inplace" in str(e)
        return True
    return False


@pytest.mark.parametrize("name", list(ROWS))
def test_saves_only_what_its_formulas_need(name):
    """PyTorch's rule: an input is saved only if a formula of an input that
    requires grad reads it; changing anything else in place is legal. Checked
    for every op of the catalogue, registered or not."""
    torch = pytest.importorskip("torch")
    row = ROWS[name]
    arrays = inputs_for(row)
    n = len(arrays)
    for grads in itertools.product([True, False], repeat=n):
        if not any(grads):
            continue
        for changed in range(n):
            want = _saved_inputs_check(torch, row[1], arrays, grads, changed)
            got = _saved_inputs_check(ember, row[1], arrays, grads, changed)
            assert got == want, (grads, changed)


@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
def test_softmax_output_changed_in_place_is_caught(fn):
    """softmax saves its output: changing it in place must fail backward (a
    private recording path used to skip this check and give a wrong gradient)."""
    x = ember.tensor([0.5, -1.0, 2.0], requires_grad=True)
    y = getattr(ember.nn.functional, fn)(x, 0)
    y.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation: "
                                           r"\[ember.FloatTensor \[3\]\], which is output 0 of "
                                           f"{'Softmax' if fn == 'softmax' else 'LogSoftmax'}"):
        (y * y).sum().backward()


def test_floor_divide_has_no_derivative_as_in_torch():
    x = ember.tensor([1.5, -2.5], requires_grad=True)
    y = ember.floor_divide(x, 0.5)
    assert y.requires_grad and type(y.grad_fn).__name__ == "NotImplemented"
    assert y.grad_fn.name() == "ember::autograd::NotImplemented"
    with pytest.raises(RuntimeError, match="derivative for aten::floor_divide is not implemented"):
        y.sum().backward()
    assert x.grad is None


def test_a_registry_node_class_keeps_node_init():
    # recorded() makes a registry node without calling its class, so such a
    # class may not bring an __init__ of its own
    from ember.ops.pointwise import MulBackward0
    with pytest.raises(TypeError, match="keeps Node.__init__"):
        type("MulBackward0", (MulBackward0,), {"__init__": lambda self: None})
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    assert type(y.grad_fn) is MulBackward0 and y.grad_fn._saved_other == 2
    z = x.sin()       # (its input saved with its version, which mul_ moves on)
    with ember.no_grad():
        x.mul_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()
