"""Tensor printing: ember._printing.format_tensor against PyTorch's repr.

Two kinds of test: exact strings recorded from PyTorch 2.13 (lab 5's output,
run without torch), and a table of arrays whose repr is compared with
``repr(torch.from_numpy(arr))`` live (skipped where torch is missing).
"""
import math

import numpy as np
import pytest

from ember import _dtype
from ember import _printing
from ember._printing import format_tensor, get_printoptions, set_printoptions

F32, F64, F16 = _dtype.float32, _dtype.float64, _dtype.float16


@pytest.fixture(autouse=True)
def _reset_printoptions():
    """Every test starts and ends with the default options (also torch's)."""
    set_printoptions(profile="default")
    yield
    set_printoptions(profile="default")
    _dtype.set_default_dtype(_dtype.float32)
    try:
        import torch
    except ImportError:
        return
    torch.set_printoptions(profile="default")
    torch.set_default_dtype(torch.float32)


def fmt(values, np_dtype=np.float32, suffixes=()):
    arr = np.asarray(values, dtype=np_dtype)
    return format_tensor(arr, _dtype.from_numpy_dtype(arr.dtype), suffixes=suffixes)


# --------------------------------------------------------------------------
# Exact strings from PyTorch 2.13 (no torch needed)
# --------------------------------------------------------------------------

SIN_25 = [0.0, 0.258819043636322, 0.5, 0.7071067690849304, 0.8660253882408142,
          0.9659258127212524, 1.0, 0.9659258127212524, 0.8660253882408142,
          0.7071067690849304, 0.5000000596046448, 0.25881892442703247,
          -8.742277657347586e-08, -0.2588190734386444, -0.5000001788139343,
          -0.70710688829422, -0.866025447845459, -0.9659258723258972, -1.0,
          -0.9659258127212524, -0.866025447845459, -0.7071065306663513,
          -0.4999997615814209, -0.2588188350200653, 1.7484555314695172e-07]

LAB_CASES = [
    (np.linspace(0, 2 * math.pi, 25), ("requires_grad=True",),
     "tensor([0.0000, 0.2618, 0.5236, 0.7854, 1.0472, 1.3090, 1.5708, 1.8326, 2.0944,\n"
     "        2.3562, 2.6180, 2.8798, 3.1416, 3.4034, 3.6652, 3.9270, 4.1888, 4.4506,\n"
     "        4.7124, 4.9742, 5.2360, 5.4978, 5.7596, 6.0214, 6.2832],\n"
     "       requires_grad=True)"),
    (SIN_25, ("grad_fn=<SinBackward0>",),
     "tensor([ 0.0000e+00,  2.5882e-01,  5.0000e-01,  7.0711e-01,  8.6603e-01,\n"
     "         9.6593e-01,  1.0000e+00,  9.6593e-01,  8.6603e-01,  7.0711e-01,\n"
     "         5.0000e-01,  2.5882e-01, -8.7423e-08, -2.5882e-01, -5.0000e-01,\n"
     "        -7.0711e-01, -8.6603e-01, -9.6593e-01, -1.0000e+00, -9.6593e-01,\n"
     "        -8.6603e-01, -7.0711e-01, -5.0000e-01, -2.5882e-01,  1.7485e-07],\n"
     "       grad_fn=<SinBackward0>)"),
    (25.0, ("grad_fn=<SumBackward0>",), "tensor(25., grad_fn=<SumBackward0>)"),
    (30.0, ("grad_fn=<DotBackward0>",), "tensor(30., grad_fn=<DotBackward0>)"),
    (157.5293, ("grad_fn=<SumBackward0>",), "tensor(157.5293, grad_fn=<SumBackward0>)"),
    ([0., 2., 4., 6., 8.], (), "tensor([0., 2., 4., 6., 8.])"),
    ([0.0317, 0.0891, 0.0169, 0.0963, 0.0961, 0.0311, 0.0272, -0.0977, 0.0565, 0.0098],
     ("grad_fn=<SliceBackward0>",),
     "tensor([ 0.0317,  0.0891,  0.0169,  0.0963,  0.0961,  0.0311,  0.0272, -0.0977,\n"
     "         0.0565,  0.0098], grad_fn=<SliceBackward0>)"),
    ([6.4291, 13.2475, 8.2830, 6.9822, 0.0371, 2.7438, 5.5596, 0.1757, 4.0541, 1.0453], (),
     "tensor([ 6.4291, 13.2475,  8.2830,  6.9822,  0.0371,  2.7438,  5.5596,  0.1757,\n"
     "         4.0541,  1.0453])"),
    ([23.3107, 35.7144, 30.3759, 20.5680, -5.6830, 13.7755, 18.3768, 11.4897, 14.8639,
      -2.4794], (),
     "tensor([23.3107, 35.7144, 30.3759, 20.5680, -5.6830, 13.7755, 18.3768, 11.4897,\n"
     "        14.8639, -2.4794])"),
    (np.ones((2, 3)), ("requires_grad=True",),
     "tensor([[1., 1., 1.],\n        [1., 1., 1.]], requires_grad=True)"),
    (np.full((2, 3), 5.), ("grad_fn=<AddBackward0>",),
     "tensor([[5., 5., 5.],\n        [5., 5., 5.]], grad_fn=<AddBackward0>)"),
    ([0.8996, 0.3834, 0.0250, 0.2443, 0.4135], ("requires_grad=True",),
     "tensor([0.8996, 0.3834, 0.0250, 0.2443, 0.4135], requires_grad=True)"),
]


@pytest.mark.parametrize("values, suffixes, expected", LAB_CASES)
def test_lab05_strings(values, suffixes, expected):
    assert fmt(values, np.float32, suffixes) == expected


def test_bool_tensor_lab05():
    assert fmt([True] * 5, np.bool_) == "tensor([True, True, True, True, True])"


# Recorded from PyTorch 2.13: the less obvious rules, pinned without torch.
EXACT_CASES = [
    ([True, False], np.bool_, "tensor([ True, False])"),
    ([-0., 0.5], np.float32, "tensor([-0.0000, 0.5000])"),      # "-0.0000" overflows width
    ([-0., 1.], np.float32, "tensor([-0., 1.])"),
    ([1., np.inf, np.nan], np.float32, "tensor([1., inf, nan])"),  # nonfinite: no "."
    ([1.5, np.inf, np.nan], np.float32, "tensor([1.5000,    inf,    nan])"),
    ([0., 0.], np.float32, "tensor([0., 0.])"),
    ([np.nan], np.float32, "tensor([nan])"),
    ([1e-5, 1., np.inf, -0.], np.float32, "tensor([1.0000e-05, 1.0000e+00,        inf, -0.0000e+00])"),
    (1e-5, np.float32, "tensor(1.0000e-05)"),
    ([[1e-100, 1.]], np.float64, "tensor([[1.0000e-100,  1.0000e+00]], dtype=ember.float64)"),
    ([251, 3, 2], np.uint8, "tensor([251,   3,   2], dtype=ember.uint8)"),
    ([1., 2.], np.float16, "tensor([1., 2.], dtype=ember.float16)"),
    (np.arange(2000), np.int64, "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])"),
    (np.zeros((0, 3)), np.float32, "tensor([], size=(0, 3))"),
    (np.zeros(0), np.float32, "tensor([])"),
    (np.zeros(0), np.int64, "tensor([], dtype=ember.int64)"),
    (np.zeros(0), np.bool_, "tensor([], dtype=ember.bool)"),
    (np.zeros(0), np.int32, "tensor([], dtype=ember.int32)"),
    (np.zeros((0, 3)), np.int32, "tensor([], size=(0, 3), dtype=ember.int32)"),
    (np.arange(3000.).reshape(3, 1000), np.float32,
     "tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 9.9700e+02, 9.9800e+02,\n"
     "         9.9900e+02],\n"
     "        [1.0000e+03, 1.0010e+03, 1.0020e+03,  ..., 1.9970e+03, 1.9980e+03,\n"
     "         1.9990e+03],\n"
     "        [2.0000e+03, 2.0010e+03, 2.0020e+03,  ..., 2.9970e+03, 2.9980e+03,\n"
     "         2.9990e+03]])"),
]


@pytest.mark.parametrize("values, np_dtype, expected", EXACT_CASES)
def test_exact_strings(values, np_dtype, expected):
    assert fmt(values, np_dtype) == expected


def test_edgeitems_zero_prints_size():
    set_printoptions(edgeitems=0)
    assert fmt(np.arange(3), np.int64) == "tensor([0, 1, 2], size=(3,))"
    assert fmt(np.arange(2000), np.int64) == "tensor([...], size=(2000,))"
    assert fmt(np.arange(2000).reshape(2, 1000), np.int64) == "tensor([...], size=(2, 1000))"


def test_printoptions_semantics():
    defaults = {"precision": 4, "threshold": 1000, "edgeitems": 3,
                "linewidth": 80, "sci_mode": None}
    assert get_printoptions() == defaults
    set_printoptions(precision=2, sci_mode=True)
    assert fmt([1.12345]) == "tensor([1.12e+00])"
    # Like torch, a call that omits sci_mode resets it to None.
    set_printoptions(threshold=5)
    assert get_printoptions()["sci_mode"] is None
    assert fmt([1.12345]) == "tensor([1.12])"
    assert fmt(np.arange(10), np.int64) == "tensor([0, 1, 2,  ..., 7, 8, 9])"
    set_printoptions(profile="short")
    assert get_printoptions() == dict(defaults, precision=2, edgeitems=2)
    set_printoptions(profile="full")
    assert get_printoptions() == dict(defaults, threshold=math.inf)
    set_printoptions(profile="default")
    assert get_printoptions() == defaults
    assert fmt([1.12345]) == "tensor([1.1235])"
    with _printing.printoptions(precision=1):
        assert fmt([1.12345]) == "tensor([1.1])"
    assert get_printoptions() == defaults


def test_default_dtype_float64_changes_dtype_suffix():
    _dtype.set_default_dtype(F64)
    assert fmt([1.5], np.float64) == "tensor([1.5000])"
    assert fmt([1.5], np.float32) == "tensor([1.5000], dtype=ember.float32)"
    assert fmt(np.zeros(0), np.float32) == "tensor([], dtype=ember.float32)"


# --------------------------------------------------------------------------
# Against live PyTorch
# --------------------------------------------------------------------------

def _case_table():
    rng = np.random.default_rng(1234)
    cases = {}
    for name, dt in [("f32", np.float32), ("f64", np.float64), ("f16", np.float16)]:
        cases[f"{name}-0d"] = np.array(3.25, dtype=dt)
        cases[f"{name}-0d-int"] = np.array(-7.0, dtype=dt)
        cases[f"{name}-1d"] = rng.standard_normal(7).astype(dt)
        cases[f"{name}-2d"] = rng.standard_normal((4, 5)).astype(dt)
        cases[f"{name}-3d"] = rng.standard_normal((2, 3, 4)).astype(dt)
        cases[f"{name}-4d"] = rng.standard_normal((2, 2, 3, 2)).astype(dt)
        cases[f"{name}-ints"] = np.arange(-12, 13, dtype=dt).reshape(5, 5)
        cases[f"{name}-big"] = (rng.standard_normal(6) * 3e4).astype(dt)
        cases[f"{name}-mixed-sci"] = np.array([1e-3, 5.0, 2e3], dtype=dt)
        cases[f"{name}-nonfinite"] = np.array([np.nan, -np.inf, np.inf, 0.5, -0.0], dtype=dt)
        cases[f"{name}-zeros"] = np.zeros((2, 3), dtype=dt)
        cases[f"{name}-empty"] = np.zeros(0, dtype=dt)
        cases[f"{name}-empty-2d"] = np.zeros((0, 3), dtype=dt)
        cases[f"{name}-empty-3d"] = np.zeros((2, 0, 4), dtype=dt)
    for name, dt in [("i64", np.int64), ("i32", np.int32), ("i16", np.int16),
                     ("i8", np.int8), ("u8", np.uint8)]:
        info = np.iinfo(dt)
        cases[f"{name}-0d"] = np.array(42, dtype=dt)
        cases[f"{name}-1d"] = rng.integers(info.min, info.max, 9, dtype=dt, endpoint=True)
        cases[f"{name}-2d"] = rng.integers(0, 100, (3, 4)).astype(dt)
        cases[f"{name}-3d"] = rng.integers(-5, 5, (2, 3, 2)).astype(dt)
        cases[f"{name}-2000"] = np.arange(2000).astype(dt)
        cases[f"{name}-empty"] = np.zeros(0, dtype=dt)
        cases[f"{name}-empty-2d"] = np.zeros((3, 0), dtype=dt)
    cases["bool-0d"] = np.array(True)
    cases["bool-2d"] = rng.integers(0, 2, (3, 4)).astype(bool)
    cases["bool-all-true"] = np.ones(4, dtype=bool)
    cases["bool-big"] = rng.integers(0, 2, (40, 40)).astype(bool)
    cases["bool-empty"] = np.zeros(0, dtype=bool)
    # Magnitudes and sci mode.
    cases["tiny"] = np.array([1e-5, 2e-5, 3e-5], dtype=np.float32)
    cases["huge"] = np.array([1e9, 2e9], dtype=np.float32)
    cases["huge-ints-f64"] = np.array([1e8, 2.0, 3e12], dtype=np.float64)
    cases["exp3-f64"] = np.array([1e-150, 1.0, -1e200], dtype=np.float64)
    cases["ratio-1000"] = np.array([1.0, 1000.0], dtype=np.float32)
    cases["ratio-1001"] = np.array([1.0, 1001.0], dtype=np.float32)
    cases["max-1e8"] = np.array([1e8, 1e8 + 8], dtype=np.float32)
    cases["round-up"] = np.array([9.99996, 0.5], dtype=np.float32)
    cases["negatives"] = -np.abs(rng.standard_normal((3, 3))).astype(np.float32)
    cases["neg-zero-ints"] = np.array([-0.0, 3.0, -2.0], dtype=np.float32)
    cases["mixed-mags-2d"] = (rng.standard_normal((4, 4)) * 10.0 ** rng.uniform(-6, 6, (4, 4))).astype(np.float32)
    # Wrapping at 80 columns, in 1-d and nested rows.
    cases["wrap-1d"] = rng.standard_normal(40).astype(np.float32)
    cases["wrap-2d"] = rng.standard_normal((3, 30)).astype(np.float32)
    cases["wrap-3d"] = (rng.standard_normal((2, 2, 25)) * 100).astype(np.float64)
    cases["wrap-ints"] = np.arange(100, dtype=np.int64) * 1234567
    # Summarised.
    cases["sum-2000"] = rng.standard_normal(2000).astype(np.float32)
    cases["sum-1001-ints-f"] = np.arange(1001, dtype=np.float32)
    cases["sum-1000-not"] = np.arange(1000, dtype=np.float32)
    cases["sum-100x100"] = rng.standard_normal((100, 100)).astype(np.float32)
    cases["sum-20x20x20"] = rng.standard_normal((20, 20, 20)).astype(np.float64)
    cases["sum-2x1000"] = rng.standard_normal((2, 1000)).astype(np.float32)
    cases["sum-1000x2"] = rng.standard_normal((1000, 2)).astype(np.float32)
    cases["sum-4d"] = np.arange(7 ** 4, dtype=np.int32).reshape(7, 7, 7, 7)
    # Width is measured on the shown elements only: the hidden 1e6 must not count.
    sh = np.ones(2000, dtype=np.float32)
    sh[1000] = 1e6
    cases["sum-hidden-outlier"] = sh
    return cases


CASES = _case_table()


def _torch_repr(torch, arr, mode=None):
    t = torch.from_numpy(arr.copy())
    if mode == "requires_grad":
        t = t.requires_grad_()
    elif mode == "grad_fn":
        t = t.requires_grad_().sin()
    return repr(t).replace("torch.", "ember.")


def _check(torch, arr, mode=None):
    expected = _torch_repr(torch, arr, mode)
    suffixes = ()
    if mode == "grad_fn":
        # Print the sin values torch computed, as ember would hold them.
        arr = torch.from_numpy(arr.copy()).sin().numpy()
        suffixes = ("grad_fn=<SinBackward0>",)
    elif mode == "requires_grad":
        suffixes = ("requires_grad=True",)
    got = format_tensor(arr, _dtype.from_numpy_dtype(arr.dtype), suffixes=suffixes)
    assert got == expected


@pytest.mark.parametrize("name", sorted(CASES))
def test_against_torch(name):
    torch = pytest.importorskip("torch")
    _check(torch, CASES[name])


FLOAT_NAMES = sorted(n for n, a in CASES.items()
                     if a.dtype.kind == "f" and a.dtype != np.float16)


@pytest.mark.parametrize("mode", ["requires_grad", "grad_fn"])
@pytest.mark.parametrize("name", FLOAT_NAMES)
def test_against_torch_with_grad_suffixes(name, mode):
    torch = pytest.importorskip("torch")
    _check(torch, CASES[name], mode)


@pytest.mark.parametrize("shape", [(11,), (15,), (16,), (17,), (3, 7), (2, 3, 11)])
def test_grad_suffix_wrapping(shape):
    """Suffixes go on a new line exactly when the last line would pass 80 columns."""
    torch = pytest.importorskip("torch")
    arr = np.linspace(-1, 1, math.prod(shape)).reshape(shape)
    for dt in (np.float32, np.float64):
        for mode in ("requires_grad", "grad_fn"):
            _check(torch, arr.astype(dt), mode)


OPTION_SETS = [
    dict(precision=2),
    dict(precision=0),
    dict(precision=8),
    dict(sci_mode=True),
    dict(sci_mode=False),
    dict(precision=2, sci_mode=True),
    dict(profile="short"),
    dict(profile="full"),
    dict(threshold=10, edgeitems=2),
    dict(edgeitems=0),
    dict(linewidth=40),
    dict(linewidth=120),
    dict(threshold=0),
]


@pytest.mark.parametrize("opts", OPTION_SETS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()))
def test_printoptions_against_torch(opts):
    torch = pytest.importorskip("torch")
    torch.set_printoptions(**opts)
    set_printoptions(**opts)
    assert get_printoptions() == torch._tensor_str.get_printoptions()
    for name in ("f32-2d", "f64-3d", "f32-nonfinite", "mixed-mags-2d", "tiny", "huge",
                 "i64-1d", "bool-2d", "f32-0d", "sum-2000", "sum-100x100", "wrap-1d",
                 "sum-20x20x20", "sum-4d", "f32-empty-2d", "u8-2d"):
        _check(torch, CASES[name])
    _check(torch, CASES["wrap-2d"], "grad_fn")
    # Back to the defaults on both sides.
    torch.set_printoptions(profile="default")
    set_printoptions(profile="default")
    _check(torch, CASES["f32-2d"])
    assert get_printoptions() == torch._tensor_str.get_printoptions()


def test_default_dtype_float64_against_torch():
    torch = pytest.importorskip("torch")
    torch.set_default_dtype(torch.float64)
    _dtype.set_default_dtype(F64)
    for name in ("f32-1d", "f64-1d", "f16-1d", "f32-empty", "f64-empty-2d", "i32-1d"):
        _check(torch, CASES[name])


def test_random_fuzz_against_torch():
    """Random magnitudes, signs and special values, all dtypes."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    specials = np.array([0., -0., np.nan, np.inf, -np.inf, 1., -3., 2.5, 1e-5,
                         9.99996, 99999.5, 1e8, 1.0000001e8])
    dtypes = [np.float32, np.float64, np.float16, np.int64, np.int32, np.bool_]
    shapes = [(), (1,), (6,), (25,), (4, 3), (2, 3, 4), (1001,), (3, 400)]
    for _ in range(300):
        shape = shapes[rng.integers(len(shapes))]
        kind = rng.integers(4)
        if kind == 0:
            vals = rng.standard_normal(shape) * 10.0 ** rng.integers(-12, 12)
        elif kind == 1:
            vals = rng.choice(specials, shape)
        elif kind == 2:
            vals = np.round(rng.standard_normal(shape) * 10.0 ** rng.integers(0, 10))
        else:
            vals = rng.standard_normal(shape) * 10.0 ** rng.uniform(-8, 8, shape)
        with np.errstate(all="ignore"):
            arr = np.asarray(vals).astype(dtypes[rng.integers(len(dtypes))])
        _check(torch, arr)


def test_get_printoptions_lives_in_tensor_str_as_in_torch():
    import ember
    torch = pytest.importorskip("torch")
    assert hasattr(ember, "get_printoptions") == hasattr(torch, "get_printoptions")
    assert ember._tensor_str.get_printoptions() == torch._tensor_str.get_printoptions()
