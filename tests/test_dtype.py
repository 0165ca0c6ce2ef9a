"""Dtypes, their aliases and reprs, PyTorch's type promotion (every pair, with
Python scalars, 0-d against n-d) and the default dtype, against PyTorch."""
import operator

import numpy as np
import pytest

import ember
from compare_torch import check

NAMES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]
ALIASES = {"float": "float32", "double": "float64", "half": "float16", "long": "int64",
           "int": "int32", "short": "int16"}
FLOATS = {"float32", "float64", "float16"}
INTS = {"int64", "int32", "int16", "int8", "uint8"}


@pytest.fixture(autouse=True)
def _restore_default_dtype():
    yield
    ember.set_default_dtype(ember.float32)
    try:
        import torch
        torch.set_default_dtype(torch.float32)
    except ImportError:
        pass


# ------------------------------------------------------------------ the dtype objects
@pytest.mark.parametrize("name", NAMES)
def test_dtype_literals(name):
    d = getattr(ember, name)
    assert isinstance(d, ember.dtype)
    assert d.name == name if hasattr(d, "name") else True
    assert repr(d) == f"ember.{name}" and str(d) == f"ember.{name}"
    assert d.is_floating_point == (name in FLOATS)
    assert d.is_signed == (name not in ("uint8", "bool"))
    assert d.itemsize == np.dtype(name if name != "bool" else np.bool_).itemsize
    assert ember.zeros(2, dtype=d).dtype is d


@pytest.mark.parametrize("alias,name", ALIASES.items())
def test_alias_literals(alias, name):
    assert getattr(ember, alias) is getattr(ember, name)
    assert repr(getattr(ember, alias)) == f"ember.{name}"


@pytest.mark.parametrize("name", NAMES + list(ALIASES))
def test_dtype_attributes_match_torch(name):
    check(lambda T: (getattr(T, name), repr(getattr(T, name)), str(getattr(T, name)),
                     getattr(T, name).is_floating_point, getattr(T, name).is_signed,
                     getattr(T, name).itemsize, getattr(T, name).is_complex,
                     getattr(T, name) == getattr(T, name), isinstance(getattr(T, name), T.dtype)))


def test_dtype_equality_and_hash():
    assert ember.float32 == ember.float and ember.float32 != ember.float64
    assert len({ember.float, ember.float32, ember.int, ember.int32, ember.long}) == 3
    assert ember.float32 != "float32"


def test_default_dtype_literal():
    assert ember.get_default_dtype() is ember.float32
    assert ember.tensor([1.0]).dtype is ember.float32
    assert ember.tensor([1]).dtype is ember.int64
    assert ember.tensor([True]).dtype is ember.bool


# ------------------------------------------------------------------ promotion: every pair
SAMPLE = {n: [1, 2, 3] for n in NAMES}
SAMPLE["bool"] = [True, True, False]
SAMPLE["float32"] = SAMPLE["float64"] = SAMPLE["float16"] = [0.5, -1.25, 3.0]
SAMPLE["int64"] = SAMPLE["int32"] = SAMPLE["int16"] = SAMPLE["int8"] = [-3, 2, 7]
BINOPS = [("add", operator.add), ("mul", operator.mul), ("truediv", operator.truediv),
          ("sub", operator.sub), ("lt", operator.lt), ("eq", operator.eq)]
PAIRS = [(a, b) for a in NAMES for b in NAMES]


def make(T, name, zero_d=False):
    vals = SAMPLE[name]
    return T.tensor(vals[1] if zero_d else vals, dtype=getattr(T, name))


@pytest.mark.parametrize("op", [o for _, o in BINOPS], ids=[n for n, _ in BINOPS])
@pytest.mark.parametrize("a,b", PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def test_promotion_pairs(a, b, op):
    check(lambda T: op(make(T, a), make(T, b)))


@pytest.mark.parametrize("a,b", PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def test_promote_types_and_result_type(a, b):
    check(lambda T: (T.promote_types(getattr(T, a), getattr(T, b)),
                     T.result_type(make(T, a), make(T, b)),
                     T.result_type(make(T, a), make(T, b, zero_d=True)),
                     T.can_cast(getattr(T, a), getattr(T, b))))


# 0-d tensors take part in promotion only across categories (bool < int < float).
@pytest.mark.parametrize("op", [o for _, o in BINOPS[:3]], ids=[n for n, _ in BINOPS[:3]])
@pytest.mark.parametrize("a,b", PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def test_promotion_nd_with_0d(a, b, op):
    check(lambda T: (op(make(T, a), make(T, b, zero_d=True)),
                     op(make(T, b, zero_d=True), make(T, a)),
                     op(make(T, a, zero_d=True), make(T, b, zero_d=True))))


def test_promotion_0d_literals():
    x = ember.ones(2)
    assert (x + ember.tensor(1.0, dtype=ember.float64)).dtype is ember.float32
    assert (ember.ones(2, dtype=ember.int64) + ember.tensor(1.0, dtype=ember.float64)).dtype \
        is ember.float64
    assert (ember.ones(2, dtype=ember.int8) + ember.tensor(1000)).dtype is ember.int8
    assert (ember.ones(2, dtype=ember.uint8) + ember.tensor(True)).dtype is ember.uint8
    assert (ember.ones(2, dtype=ember.float16) * ember.tensor(2.0)).dtype is ember.float16


# ------------------------------------------------------------------ promotion with Python scalars
SCALARS = [("int", 3), ("negint", -2), ("float", 1.5), ("bool", True), ("false", False),
           ("bigint", 300), ("npfloat64", np.float64(2.5)), ("npint32", np.int32(4)),
           ("npfloat32", np.float32(0.25))]  # np.bool_ is left out: torch reads it as a float
SCALAR_OPS = BINOPS + [("floordiv", operator.floordiv), ("mod", operator.mod),
                       ("pow", operator.pow)]


@pytest.mark.parametrize("side", ["rhs", "lhs"])
@pytest.mark.parametrize("sname,s", SCALARS, ids=[n for n, _ in SCALARS])
@pytest.mark.parametrize("op", [o for _, o in SCALAR_OPS], ids=[n for n, _ in SCALAR_OPS])
@pytest.mark.parametrize("name", NAMES)
def test_promotion_with_scalars(name, op, sname, s, side):
    """tensor OP scalar (rhs) and scalar OP tensor (lhs)."""
    f = (lambda T: op(make(T, name), s)) if side == "rhs" else (lambda T: op(s, make(T, name)))
    check(f, rtol=2e-3 if name == "float16" else 1e-6)


def test_scalar_promotion_literals():
    i = ember.tensor([1, 2])
    assert (i * 1.5).dtype is ember.float32
    assert (i / 2).dtype is ember.float32 and (i / i).dtype is ember.float32
    assert (ember.ones(2, dtype=ember.int8) * 1000).dtype is ember.int8
    assert (ember.tensor([True]) + 1).dtype is ember.int64
    assert (ember.tensor([True]) + 1.0).dtype is ember.float32
    assert (ember.ones(2, dtype=ember.float16) + 1e5).dtype is ember.float16
    assert (ember.ones(2, dtype=ember.int32) + True).dtype is ember.int32
    assert (2 / ember.tensor([4])).tolist() == [0.5]


# Functions (not only operators) promote the same way.
FUNCS = [
    ("add_alpha", lambda T, a, b: T.add(a, b, alpha=2)),
    ("sub_fn", lambda T, a, b: T.sub(a, b)),
    ("div_floor", lambda T, a, b: T.div(a, b, rounding_mode="floor")),
    ("div_trunc", lambda T, a, b: T.div(a, b, rounding_mode="trunc")),
    ("true_divide", lambda T, a, b: T.true_divide(a, b)),
    ("maximum", lambda T, a, b: T.maximum(a, b)),
    ("where", lambda T, a, b: T.where(T.tensor([True, False, True]), a, b)),
    ("cat", lambda T, a, b: T.cat([a, b])),
    ("stack", lambda T, a, b: T.stack([a, b])),
]
FUNC_PAIRS = [("int64", "float32"), ("int32", "int64"), ("uint8", "int8"), ("bool", "int16"),
              ("float16", "float64"), ("bool", "float16"), ("uint8", "bool"), ("int8", "int8")]


@pytest.mark.parametrize("f", [f for _, f in FUNCS], ids=[n for n, _ in FUNCS])
@pytest.mark.parametrize("a,b", FUNC_PAIRS, ids=[f"{a}-{b}" for a, b in FUNC_PAIRS])
def test_function_promotion(a, b, f):
    check(lambda T: f(T, make(T, a), make(T, b)))


# ------------------------------------------------------------------ default dtype
def with_default(T, dt, f):
    old = T.get_default_dtype()
    T.set_default_dtype(getattr(T, dt))
    try:
        return f()
    finally:
        T.set_default_dtype(old)


DEFAULT_EFFECTS = [
    ("get", lambda T: T.get_default_dtype()),
    ("tensor_float", lambda T: T.tensor([1.0])),
    ("tensor_mixed", lambda T: T.tensor([1, 2.5])),
    ("tensor_int", lambda T: T.tensor([1])),
    ("tensor_scalar", lambda T: T.tensor(0.1)),
    ("arange_float", lambda T: T.arange(0.0, 1.0, 0.1)),
    ("arange_int", lambda T: T.arange(5)),
    ("linspace", lambda T: T.linspace(0, 1, 7)),
    ("zeros", lambda T: T.zeros(2)),
    ("ones_int_dtype", lambda T: T.ones(2, dtype=T.int32)),
    ("full_float", lambda T: T.full((2,), 1.5)),
    ("full_int", lambda T: T.full((2,), 3)),
    ("eye", lambda T: T.eye(2)),
    ("rand", lambda T: (T.manual_seed(0), T.rand(3))[1]),
    ("int_times_float", lambda T: T.tensor([1, 2]) * 1.5),
    ("int_div", lambda T: T.tensor([1, 2]) / 3),
    ("bool_plus_float", lambda T: T.tensor([True]) + 0.5),
    ("f32_plus_float", lambda T: T.ones(2, dtype=T.float32) * 1.5),
    ("int_plus_0d_float", lambda T: T.tensor([1, 2]) + T.tensor(0.5)),
    ("Tensor_ctor", lambda T: T.Tensor([1, 2])),
    ("scalar_tensor", lambda T: T.scalar_tensor(3)),
    ("from_numpy_unaffected", lambda T: T.from_numpy(np.ones(2, np.float32))),
    ("mean_int_error", lambda T: T.tensor([1, 2]).mean()),
    ("float_method", lambda T: T.tensor([1, 2]).float()),
]


@pytest.mark.parametrize("dt", ["float64", "float16", "float32"])
@pytest.mark.parametrize("f", [f for _, f in DEFAULT_EFFECTS], ids=[n for n, _ in DEFAULT_EFFECTS])
def test_default_dtype_effects(f, dt):
    check(lambda T: with_default(T, dt, lambda: f(T)), exact=True)


def test_set_default_dtype_float64_literal():
    ember.set_default_dtype(ember.float64)
    try:
        assert ember.get_default_dtype() is ember.float64
        assert ember.tensor([1.0]).dtype is ember.float64
        assert ember.arange(0.0, 1.0).dtype is ember.float64
        assert (ember.tensor([1, 2]) * 1.5).dtype is ember.float64
        assert (ember.ones(2, dtype=ember.float32) * 1.5).dtype is ember.float32
    finally:
        ember.set_default_dtype(ember.float32)
    assert ember.tensor([1.0]).dtype is ember.float32


@pytest.mark.parametrize("bad", ["int64", "bool", "str", "np"])
def test_set_default_dtype_rejects(bad):
    def f(T):
        arg = {"str": "float64", "np": np.float64}.get(bad) or getattr(T, bad)
        T.set_default_dtype(arg)
    check(f)
    assert ember.get_default_dtype() is ember.float32


# ------------------------------------------------------------------ literal checks (no torch needed)
def test_numpy_scalars_promote_like_python_scalars():
    assert (ember.tensor([1, 2]) + np.float64(2.5)).dtype is ember.float32
    assert (np.float64(2.5) * ember.tensor([1, 2])).dtype is ember.float32
    assert (ember.tensor([True]) * np.int32(4)).dtype is ember.int64


def test_reflected_operator_literals():
    assert (7 % ember.tensor([2, 3])).tolist() == [1, 1]
    r = 2.5 // ember.tensor([1, 2])
    assert r.dtype is ember.float32 and r.tolist() == [2.0, 1.0]
    assert (2 ** ember.tensor([-1, 2])).tolist() == [0, 4]
    with pytest.raises(RuntimeError, match="^Subtraction, the `-` operator, with two bool tensors"):
        ember.tensor([True]) - ember.tensor([False])


def test_overflow_is_silent():
    """PyTorch wraps / overflows to inf without a warning; no NumPy RuntimeWarning
    reaches a user with Python's default warning filters (a fresh interpreter:
    pytest installs its own filters)."""
    import os
    import subprocess
    import sys
    code = (
        "import ember\n"
        "assert (ember.ones(2, dtype=ember.int8) * 1000).tolist() == [-24, -24]\n"
        "assert (ember.ones(2, dtype=ember.float16) + 1e5).tolist() == [float('inf')] * 2\n"
        "assert ember.log(ember.zeros(1)).tolist() == [float('-inf')]\n"
        "assert (ember.ones(1) / 0).tolist() == [float('inf')]\n")
    src = os.path.join(os.path.dirname(__file__), "..", "src")
    env = dict(os.environ, PYTHONPATH=src)
    env.pop("PYTHONWARNINGS", None)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
