"""ember.testing: assert_close's reports word for word against PyTorch's,
make_tensor's ranges, dtypes, layouts and argument errors."""
import math
import warnings

import numpy as np
import pytest

import ember
import ember.testing
from compare_torch import msg

torch = pytest.importorskip("torch")
import torch.testing  # noqa: E402


def outcome(fn, T):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn(T)
    except Exception as exc:  # noqa: BLE001 - the error is the result
        return type(exc), msg(exc)
    return None


def same(fn):
    """fn(T) raises the same error (type and text) with T=ember and T=torch,
    or passes with both; returns the message."""
    e, t = outcome(fn, ember), outcome(fn, torch)
    assert e == t, f"\nember: {e}\ntorch: {t}"
    return None if t is None else t[1]


def close(a, b, **kw):
    return lambda T: T.testing.assert_close(a(T), b(T), **kw)


def test_mismatch_report_word_for_word():
    text = same(close(lambda T: T.tensor([1., 2., 3., 4.]), lambda T: T.tensor([1., 2.5, 3.5, 7.])))
    assert text == ("Tensor-likes are not close!\n\n"
                    "Mismatched elements: 3 / 4 (75.0%)\n"
                    "Greatest absolute difference: 3.0 at index (3,) (up to 1e-05 allowed)\n"
                    "Greatest relative difference: 0.4285714328289032 at index (3,) "
                    "(up to 1.3e-06 allowed)")
    same(close(lambda T: T.tensor([[1., 2.], [3., 4.]]), lambda T: T.tensor([[1., 2.], [3., 4.5]])))
    same(close(lambda T: T.arange(1000.).reshape(10, 10, 10),
               lambda T: T.arange(1000.).reshape(10, 10, 10) * 1.001))
    same(close(lambda T: T.tensor(1.), lambda T: T.tensor(2.)))      # a 0-d tensor: "Scalars"


@pytest.mark.parametrize("a, b", [
    ([1, 2, 3], [1, 5, 3]),                               # integers: int64 differences
    ([True, False], [True, True]),
    ([1 + 1j, 2 + 0j], [1 + 1j, 2 + 1j]),
    ([1., 0.], [1., 1e-3]), ([1., 1e-3], [1., 0.]),       # zero expected: inf relative
    ([1., math.nan, 3.], [2., 1., 3.]),
    ([math.inf, 1.], [-math.inf, 1.]),
    ([1., math.nan], [1., math.nan]),
])
def test_values(a, b):
    same(close(lambda T: T.tensor(a), lambda T: T.tensor(b)))


def test_dtypes_and_tolerances():
    same(close(lambda T: T.tensor([1, 200], dtype=T.uint8), lambda T: T.tensor([250, 3], dtype=T.uint8)))
    same(close(lambda T: T.tensor([1., 2.], dtype=T.float16), lambda T: T.tensor([1., 2.01], dtype=T.float16)))
    same(close(lambda T: T.tensor([1., 2.]), lambda T: T.tensor([1., 2.000001])))
    same(close(lambda T: T.tensor([1., math.nan]), lambda T: T.tensor([1., math.nan]), equal_nan=True))
    same(close(lambda T: T.tensor([1., 2.]), lambda T: T.tensor([1.1, 2.]), rtol=0, atol=0.2))
    same(close(lambda T: T.tensor([1., 2.]), lambda T: T.tensor([1.3, 2.]), rtol=0.1, atol=0.01))
    same(close(lambda T: T.tensor([1., 2.]), lambda T: T.tensor([1.3, 2.]), rtol=0, atol=0))  # "equal"
    same(close(lambda T: T.tensor([1.]), lambda T: T.tensor([1.]), rtol=1.))
    same(close(lambda T: T.tensor([1.]), lambda T: T.tensor([1.]), atol=1.))
    assert (ember.testing._comparison.default_tolerances(ember.float32, ember.float16)
            == torch.testing._comparison.default_tolerances(torch.float32, torch.float16))


def test_attributes():
    same(close(lambda T: T.tensor([1., 2.]), lambda T: T.tensor([[1., 2.]])))
    same(close(lambda T: T.zeros(0), lambda T: T.zeros(1)))
    same(close(lambda T: T.tensor([1., 2.]), lambda T: T.tensor([1., 2.], dtype=T.float64)))
    same(close(lambda T: T.tensor([1., 2.]), lambda T: T.tensor([1., 2.], dtype=T.float64),
               check_dtype=False))
    same(close(lambda T: T.tensor([1., 2.]), lambda T: T.tensor([1., 3.], dtype=T.float64),
               check_dtype=False))
    same(close(lambda T: T.zeros(2, 3).t(), lambda T: T.zeros(3, 2), check_stride=True))
    same(close(lambda T: T.zeros(2, 3).t(), lambda T: T.zeros(3, 2)))
    same(close(lambda T: T.empty(2, device="meta"), lambda T: T.empty(2, device="meta")))
    same(close(lambda T: T.empty(2, device="meta"), lambda T: T.zeros(2)))
    same(close(lambda T: T.tensor([1., 2.], requires_grad=True), lambda T: T.tensor([1., 2.5])))
    same(close(lambda T: T.nn.Parameter(T.tensor([1.])), lambda T: T.tensor([1.]),
               allow_subclasses=False))
    same(close(lambda T: T.nn.Parameter(T.tensor([1.])), lambda T: T.tensor([2.])))


def test_msg():
    assert same(close(lambda T: T.tensor([1.]), lambda T: T.tensor([2.]), msg="custom")) == "custom"
    text = same(close(lambda T: T.tensor([1.]), lambda T: T.tensor([2.]), msg=lambda m: "X" + m))
    assert text.startswith("XTensor-likes are not close!")
    # inputs that cannot be paired keep the generated message
    same(lambda T: T.testing.assert_close([1, 2], [1, 2, 3], msg="x"))


@pytest.mark.parametrize("a, b", [
    ([1, 2], [1, 2, 3]), ((1., 2.), [1., 2.]), ({"a": 1, "c": 2}, {"a": 1, "b": 2}),
    ([{"x": [1., 2.]}], [{"x": [1., 2.5]}]),
    (1.0, 1.1), (1.0, 1.0 + 1e-9), (1, 2), (1, 1.0), (1 + 1j, 1 + 2j),
    (np.float32(1.0), np.float64(1.5)), (np.array([1., 2.]), np.array([1., 3.])),
    (None, 1), (None, None), (True, False), (np.bool_(True), False), ("a", "a"), ("a", 1),
])
def test_python_and_numpy_inputs(a, b):
    same(lambda T: T.testing.assert_close(a, b))


def test_mixed_containers():
    same(lambda T: T.testing.assert_close(1, 1.0, check_dtype=True))
    same(lambda T: T.testing.assert_close([T.tensor(1.), T.tensor([2., 3.])],
                                          [T.tensor(1.), T.tensor([2., 4.])]))
    same(lambda T: T.testing.assert_close({"a": T.tensor(1.), "b": [T.tensor(2.)]},
                                          {"a": T.tensor(1.), "b": [T.tensor(3.)]}))
    same(lambda T: T.testing.assert_close(np.array([1., 2.]), T.tensor([1., 2.])))
    same(lambda T: T.testing.assert_close(T.tensor([1., 2.]), [1., 2.]))
    same(lambda T: T.testing.assert_close(T.tensor(1.), 1.))
    e, t = outcome(lambda T: T.testing.assert_close(1, True), ember), outcome(
        lambda T: T.testing.assert_close(1, True), torch)
    assert e[0] is t[0] is RuntimeError and e[1].split("resulted")[0] == t[1].split("resulted")[0]
    # a bad tolerance anywhere is reported before any mismatch
    same(lambda T: T.testing.assert_close([T.tensor(1.), 1.], [T.tensor(2.), 1.], rtol=1.))


def test_assert_allclose_deprecated():
    for T in (ember, torch):
        with pytest.warns(FutureWarning, match="assert_allclose"):
            T.testing.assert_allclose(T.tensor([1., 2.]), [1., 2.00001])
    same(lambda T: T.testing.assert_allclose(T.tensor([1., 2.]), [1., 2.5]))


def make(T, *shape, **kw):
    kw.setdefault("device", "cpu")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return T.testing.make_tensor(*shape, **kw)


@pytest.mark.parametrize("shape, kw", [
    ((2, 3), dict(dtype="float32")), (((2, 3),), dict(dtype="float32")),
    (([4],), dict(dtype="float32")), ((), dict(dtype="float64")),
    ((300,), dict(dtype="int64", low=0, high=3)), ((300,), dict(dtype="uint8")),
    ((300,), dict(dtype="int8", low=-1000, high=1000)), ((30,), dict(dtype="bool")),
    ((30,), dict(dtype="complex64", low=0, high=1)), ((30,), dict(dtype="float16")),
    ((300,), dict(dtype="float32", low=0.5, high=0.75)),
    ((300,), dict(dtype="int32", low=0.5, high=2.5)),
    ((300,), dict(dtype="float32", low=-math.inf, high=math.inf)),
    ((3,), dict(dtype="float32", requires_grad=True)),
    ((2, 3), dict(dtype="float32", noncontiguous=True)),
    ((1,), dict(dtype="float32", noncontiguous=True)),
    ((2, 3, 4, 5), dict(dtype="float32", memory_format="channels_last")),
    ((2,), dict(dtype="float32", low=3, high=3)),
    ((300,), dict(dtype="int8", low=-1, high=2, exclude_zero=True)),
    ((30,), dict(dtype="float32", low=0, high=1e-40, exclude_zero=True)),
    ((30,), dict(dtype="bool", exclude_zero=True)),
])
def test_make_tensor(shape, kw):
    def build(T):
        args = {k: getattr(T, v) if k in ("dtype", "memory_format") else v for k, v in kw.items()}
        return make(T, *shape, **args)
    e, t = build(ember), build(torch)
    assert str(e.dtype) == str(t.dtype).replace("torch", "ember")
    assert tuple(e.shape) == tuple(t.shape) and e.stride() == t.stride()
    assert e.is_contiguous() == t.is_contiguous() and e.requires_grad == t.requires_grad
    real = e.detach()
    real = ember.view_as_real(real) if real.dtype.is_complex else real
    low, high = kw.get("low"), kw.get("high")
    if kw["dtype"] == "bool":
        values = set(real.tolist())
        assert values <= {False, True}
        assert values == ({True} if kw.get("exclude_zero") else {False, True})
        return
    lo, hi = float(real.min()), float(real.max())
    if kw["dtype"] in ("uint8",):
        assert 0 <= lo and hi < 10
    elif "int" in kw["dtype"]:
        info = ember.iinfo(e.dtype)
        assert max(math.ceil(low if low is not None else -9), info.min) <= lo
        assert hi < min(math.ceil(high if high is not None else 10), info.max + 1)
    elif low is not None and low == high:
        assert lo == hi == low
    else:
        assert lo >= max(low if low is not None else -9, -ember.finfo(e.dtype).max)
        assert hi <= min(high if high is not None else 9, ember.finfo(e.dtype).max)
        assert lo < hi or e.numel() == 1
    if kw.get("exclude_zero"):
        assert not bool((e == 0).any())


def test_make_tensor_warns_as_torch():
    for T in (ember, torch):
        with pytest.warns(FutureWarning, match="low==high"):
            T.testing.make_tensor(2, dtype=T.float32, device="cpu", low=3, high=3)


@pytest.mark.parametrize("kw", [
    dict(dtype="uint8", low=-5, high=-1), dict(dtype="int32", requires_grad=True),
    dict(dtype="float32", noncontiguous=True, memory_format="channels_last"),
    dict(dtype="float32", low=math.nan), dict(dtype="float32", low=3, high=1),
    dict(dtype="int32", low=3, high=3), dict(dtype="uint8", low=300, high=400),
    dict(dtype="bool", low=3, high=4), dict(dtype="float32", device="cuda"),
    dict(dtype="float32", device=None),
])
def test_make_tensor_errors(kw):
    def build(T):
        args = {k: getattr(T, v) if k in ("dtype", "memory_format") else v for k, v in kw.items()}
        if args.get("device", "") is None:
            del args["device"]
            return T.testing.make_tensor(2, 3, **args)
        return make(T, 2, 3, **args)
    if kw.get("device") == "cuda" and torch.version.cuda is not None:
        # a CUDA build of PyTorch answers from its driver check; Ember is the CPU build
        assert outcome(build, ember) == (AssertionError, "Torch not compiled with CUDA enabled")
        return
    assert same(build) is not None


@pytest.mark.parametrize("kw", [
    dict(dtype="float32"), dict(dtype="float64"), dict(dtype="float16"), dict(dtype="bfloat16"),
    dict(dtype="int64"), dict(dtype="int8", low=-1000, high=1000), dict(dtype="uint8"),
    dict(dtype="bool"), dict(dtype="complex64"), dict(dtype="float32", noncontiguous=True),
    dict(dtype="float32", low=0.5, high=0.75),
    dict(dtype="float32", low=-math.inf, high=math.inf),
    dict(dtype="int32", low=-5, high=5, exclude_zero=True),
])
def test_make_tensor_draws_pytorchs_numbers(kw):
    def draw(T):
        T.manual_seed(0)
        args = {k: getattr(T, v) if k == "dtype" else v for k, v in kw.items()}
        return make(T, 3, 5, **args).tolist()
    assert draw(ember) == draw(torch)
