"""A NumPy array beside a tensor in an operator, as in PyTorch: `tensor op
array` is a tensor of NumPy's result dtype, `array / tensor` works, `<` and
friends refuse an array on either side, and `!=` falls back to Python's
identity. One difference is kept: `array + tensor` (also - and *) works on
Ember, where PyTorch raises TypeError, because Ember's own derivative
formulas mix arrays and tensors that way under create_graph=True."""
import operator
import warnings

import numpy as np
import pytest

import ember

OPS = ["add", "sub", "mul", "truediv", "matmul", "pow", "floordiv", "mod", "lt", "le", "gt",
       "ge", "eq", "ne"]


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
    t = T.ones(2)
    return [("t.a", t, np.full(2, 2.0)), ("a.t", np.full(2, 2.0), t),
            ("t.a32", t, np.full(2, 2.0, np.float32)), ("a32.t", np.full(2, 2.0, np.float32), t),
            ("t.s", t, np.float64(2.0)), ("s.t", np.float64(2.0), t)]


@pytest.mark.parametrize("name", OPS)
def test_operators_with_numpy_operands_as_pytorch(name):
    torch = pytest.importorskip("torch")
    op = getattr(operator, name)
    for (tag, l, r), (_, el, er) in zip(_cases(torch), _cases(ember)):
        if name in ("add", "sub", "mul") and tag.startswith("a"):
            assert isinstance(op(el, er), ember.Tensor)     # (the difference kept: see above)
            continue
        assert _outcome(lambda: op(el, er)) == _outcome(lambda: op(l, r)), tag


def test_matmul_with_an_array_is_numpys_as_a_tensor():
    with pytest.raises(RuntimeError, match="Can't call numpy\\(\\) on Tensor that requires grad"):
        ember.ones(2, requires_grad=True) @ np.ones(2)
    r = ember.ones(2, 2) @ np.ones((2, 3), np.float32)
    assert isinstance(r, ember.Tensor) and r.tolist() == [[2.0] * 3] * 2
    assert (np.ones(2) / ember.full((2,), 4.0)).tolist() == [0.25, 0.25]
    assert (ember.full((2,), 3.0) ** np.array([2.0, 0.5])).tolist() == [9.0, 3.0 ** 0.5]


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


def test_unsigned_arrays_without_an_ember_dtype_are_refused():
    """PyTorch has uint16/32/64 tensors (with few ops); Ember does not yet, and says so."""
    with pytest.raises(TypeError, match="Ember has no uint32 dtype yet"):
        ember.from_numpy(np.array([1], np.uint32))
