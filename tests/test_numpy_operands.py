"""A NumPy array beside a tensor, as in PyTorch: an operator hands `tensor op
array` over to NumPy (`__array__`, then `__array_wrap__`: a tensor of NumPy's
result dtype, a RuntimeError for a tensor that requires grad), `array op
tensor` raises Python's TypeError (NumPy defers to the tensor, which refuses),
`array / tensor` is the reciprocal times the array, `==` takes the array as a
tensor, `<` and friends refuse it and `!=` falls back to Python's identity;
`tensor += array` rebinds the name to NumPy's result; the named forms
(`torch.add(t, a)`, `t.eq(a)`, `torch.pow(a, t)`) raise the argument parser's
TypeError, naming the type `numpy.ndarray`."""
import operator
import warnings

import numpy as np
import pytest

import ember

OPS = ["add", "sub", "mul", "truediv", "matmul", "pow", "floordiv", "mod", "lt", "le", "gt",
       "ge", "eq", "ne", "and_", "or_", "xor", "lshift", "rshift"]


def _outcome(f):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")     # (PyTorch's __array_wrap__ deprecation)
            r = f()
    except Exception as exc:  # noqa: BLE001 - the error is what is compared
        return f"{type(exc).__name__}: {exc}"
    value = r.tolist() if hasattr(r, "tolist") else r
    return type(r).__name__, str(getattr(r, "dtype", "")).split(".")[-1], value


def _cases(T):
    t, g, i = T.ones(2), T.ones(2, requires_grad=True), T.tensor([3, 4])
    arrays = [("a", np.full(2, 2.0)), ("a32", np.full(2, 2.0, np.float32)),
              ("ai", np.array([1, 2])), ("z", np.array(2.0)), ("s", np.float64(2.0))]
    cases = []
    for name, a in arrays:
        for tname, x in (("t", t), ("g", g), ("i", i)):
            cases += [(f"{tname}.{name}", x, a), (f"{name}.{tname}", a, x)]
    return cases


@pytest.mark.parametrize("name", OPS)
def test_operators_with_numpy_operands_as_pytorch(name):
    torch = pytest.importorskip("torch")
    op = getattr(operator, name)
    for (tag, l, r), (_, el, er) in zip(_cases(torch), _cases(ember)):
        assert _outcome(lambda: op(el, er)) == _outcome(lambda: op(l, r)), tag


@pytest.mark.parametrize("name", ["iadd", "isub", "imul", "itruediv", "ipow", "imod"])
def test_inplace_operators_leave_the_tensor_and_rebind_to_numpys_result(name):
    """PyTorch's in-place operator refuses the array, so Python falls back to
    the plain one: the name is rebound to NumPy's result, the tensor is unchanged."""
    torch = pytest.importorskip("torch")
    op = getattr(operator, name)
    outcomes = []
    for T in (torch, ember):
        t = T.tensor([1.0, 2.0])
        outcome = _outcome(lambda: op(t, np.array([2.0, 4.0])))
        outcomes.append((outcome, t.tolist()))
    assert outcomes[1] == outcomes[0]
    assert outcomes[0][1] == [1.0, 2.0]


def test_matmul_with_an_array_is_numpys_as_a_tensor():
    with pytest.raises(RuntimeError, match="Can't call numpy\\(\\) on Tensor that requires grad"):
        ember.ones(2, requires_grad=True) @ np.ones(2)
    r = ember.ones(2, 2) @ np.ones((2, 3), np.float32)
    assert isinstance(r, ember.Tensor) and r.tolist() == [[2.0] * 3] * 2
    with warnings.catch_warnings():
        # (NumPy 2 warns of PyTorch's __array_wrap__ signature, which Ember's shares)
        warnings.simplefilter("ignore", DeprecationWarning)
        q = np.ones(2) / ember.full((2,), 4.0)
    assert q.tolist() == [0.25, 0.25] and q.dtype == ember.float64


# Named forms given an array where a tensor or a number goes: the parser's TypeError
NAMED = ["T.add(t, a)", "t.add(a)", "t.add_(a)", "t.mul(z)", "T.mul(t, z)", "t.div(a)",
         "T.sub(t, a)", "t.eq(a)", "T.eq(t, a)", "T.lt(t, a)", "t.pow(z)", "T.pow(t, a)",
         "T.pow(a, t)", "T.float_power(t, a)", "T.remainder(t, a)", "T.maximum(t, a)",
         "T.cat([t, a])", "T.stack([t, a])", "t.copy_(a)", "T.isclose(t, a)",
         "T.allclose(t, a)", "T.atan2(t, a)", "T.bitwise_and(i, a)", "T.floor_divide(t, a)"]


@pytest.mark.parametrize("call", NAMED)
def test_named_forms_refuse_arrays_in_pytorchs_words(call):
    torch = pytest.importorskip("torch")
    outcomes = []
    for T in (torch, ember):
        env = {"T": T, "t": T.ones(3), "i": T.tensor([1, 2, 3]), "a": np.ones(3),
               "z": np.array(2.0)}
        outcomes.append(_outcome(lambda: eval(call, env)))
    assert outcomes[1] == outcomes[0]
    assert outcomes[0].startswith("TypeError") and "numpy.ndarray" in outcomes[0]


def test_formulas_still_combine_saved_arrays_with_tensors():
    """Ember's derivative formulas take the arrays a forward saved as
    constant tensors (frexp's 2**-exponent, times a gradient that is itself
    recorded), and a program's arrays are its own again after."""
    x = ember.tensor([0.3, 1.7, -2.5], dtype=ember.float64, requires_grad=True)
    v = ember.ones(3, dtype=ember.float64, requires_grad=True)
    mantissa, exponent = ember.frexp(x)
    g, = ember.autograd.grad(mantissa, x, grad_outputs=v, create_graph=True)
    assert g.grad_fn is not None
    gv, = ember.autograd.grad(g.sum(), v)
    assert gv.tolist() == (2.0 ** -exponent.double()).tolist() == [2.0, 0.5, 0.25]
    with pytest.raises(TypeError, match="must be Tensor, not numpy.ndarray"):
        ember.add(g, np.ones(3))


@pytest.mark.parametrize("make", [lambda: np.array(["a"]), lambda: np.array([object()]),
                                  lambda: np.array([b"x"]), lambda: np.array([1], np.longdouble)])
def test_unconvertible_arrays_are_refused_in_pytorchs_words(make):
    torch = pytest.importorskip("torch")
    errors = []
    for T in (torch, ember):
        with pytest.raises(TypeError) as info:
            T.from_numpy(make())
        errors.append(str(info.value))
    assert errors[1] == errors[0]


def test_unsigned_arrays_make_uint_tensors():
    """PyTorch's uint16/32/64 tensors (few ops; tests/test_uint_dtypes.py)."""
    from ember import _uint_ops
    try:
        assert ember.from_numpy(np.array([1], np.uint32)).dtype is ember.uint32
    finally:
        _uint_ops.uninstall()   # (the tests after this one see Ember unwrapped)


SCALARS = ["np.float32(2.5)", "np.int64(2)", "np.int8(2)", "np.bool_(True)", "np.complex64(1+1j)",
           "np.float16(2.5)", "np.uint8(200)"]


@pytest.mark.parametrize("op", ["/", "**", "//", "-"])
@pytest.mark.parametrize("scalar", SCALARS)
def test_numpy_scalars_on_the_left_are_read_as_pytorchs_parser_reads_them(scalar, op):
    """A NumPy scalar is a Python int (an integer) or float (anything else,
    bool_ and complex64 too) to PyTorch's reflected operators."""
    torch = pytest.importorskip("torch")
    for make in ("T.tensor([1, 2, 3])", "T.tensor([1., 2., 3.])",
                 "T.tensor([1., 2., 3.]).half()", "T.tensor([True, False, True])"):
        outcomes = [_outcome(lambda: eval(f"{scalar} {op} {make}", {"T": T, "np": np}))
                    for T in (torch, ember)]
        assert outcomes[1] == outcomes[0], make


def test_clamp_takes_a_numpy_float_as_a_float():
    torch = pytest.importorskip("torch")
    outcomes = [_outcome(lambda: T.tensor([1, 2, 3]).clamp(np.float64(1.5))) for T in (torch, ember)]
    assert outcomes[1] == outcomes[0] == ("Tensor", "float32", [1.5, 2.0, 3.0])
