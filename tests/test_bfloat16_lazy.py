"""bfloat16 arrives with its first use: `import ember` does not import
ml_dtypes (0.7 takes half a second to import), and whatever first needs
bfloat16, in a fresh process, gives what it gives once ml_dtypes is loaded
(the tables keyed by NumPy dtypes get bfloat16 then: _dtype.on_bfloat16)."""
import textwrap

import pytest

from _fresh import python_c

pytest.importorskip("ml_dtypes")

# Each first use of bfloat16, printing what it makes.
FIRST_USES = {
    "factory": "x = ember.ones(3, dtype=ember.bfloat16); print(x, x.dtype, (x * 3).sum())",
    "cast": "print(ember.tensor([1.5, -2.25, 3.0]).bfloat16() / 3)",
    "random": "ember.manual_seed(0); print(ember.randn(4, dtype=ember.bfloat16), "
              "ember.rand(3, dtype=ember.bfloat16), "
              "ember.randint(0, 9, (3,), dtype=ember.bfloat16))",
    "inplace_random": "ember.manual_seed(1); "
                      "print(ember.empty(4, dtype=ember.bfloat16).uniform_(), "
                      "ember.empty(3, dtype=ember.bfloat16).random_())",
    "finfo": "f = ember.finfo(ember.bfloat16); print(f.eps, f.max, f.tiny, f.bits)",
    "numpy_array": "import ml_dtypes, numpy as np\n"
                   "a = np.array([1.0, 2.5, -3.0], dtype=ml_dtypes.bfloat16)\n"
                   "print(ember.tensor(a), ember.from_numpy(a).dtype, ember.as_tensor(a) + 1)",
    "grad": "x = ember.tensor([0.5, 1.5], dtype=ember.bfloat16, requires_grad=True)\n"
            "(x.exp() * x).sum().backward(); print(x.grad)",
    "scalar_grad": "x = ember.tensor(2.0, dtype=ember.bfloat16, requires_grad=True)\n"
                   "print(ember.autograd.grad(x * x, x))",
    "cumsum": "print(ember.tensor([0.1, 0.2, 0.3], dtype=ember.bfloat16).cumsum(0))",
    "checkpoint": "import io\n"
                  "b = io.BytesIO(); ember.save({'w': ember.arange(4.).bfloat16()}, b)\n"
                  "b.seek(0); print(ember.load(b))",
    "promotion": "print(ember.promote_types(ember.bfloat16, ember.float16), "
                 "ember.zeros(2, dtype=ember.bfloat16) + ember.zeros(2, dtype=ember.float16))",
    "sort_unique": "x = ember.tensor([3., 1., 2., 1.], dtype=ember.bfloat16)\n"
                   "print(x.sort(), x.unique(), ember.bincount(ember.tensor([0, 1, 1]), "
                   "weights=ember.tensor([1., 2., 3.], dtype=ember.bfloat16)))",
}


def _run(code, eager, blocked=False):
    script = "import sys\n"
    if blocked:     # (as if ml_dtypes were not installed)
        script += "sys.modules['ml_dtypes'] = None\n"
    script += "import ember\n"
    script += "assert sys.modules.get('ml_dtypes') is None, 'import ember imported ml_dtypes'\n"
    if eager:
        script += "ember._dtype.load_bfloat16()\n"
    script += textwrap.dedent(code) + "\n"
    return python_c(script)


@pytest.mark.parametrize("use", sorted(FIRST_USES))
def test_first_use_gives_what_a_loaded_bfloat16_gives(use):
    lazy, eager = _run(FIRST_USES[use], False), _run(FIRST_USES[use], True)
    assert lazy.strip() and lazy == eager


def test_tables_get_bfloat16_when_it_loads():
    out = _run("""
        from ember import _dtype as D, _random as R, _sampling_inplace as S, _python_data as P
        from ember.ops import _xp, pointwise, sorting_counting
        assert D._ml_dtypes is None and D.bfloat16 in D._HELD
        x = ember.zeros(1, dtype=ember.bfloat16)
        bf = D._BF16_NP
        assert bf.name == 'bfloat16' and x._data.dtype == bf and D.bfloat16._np is bf
        assert bf in D.HALF_NP and D._BY_NP[bf] is D.bfloat16
        assert D.from_numpy_dtype(bf) is D.bfloat16
        assert R.DIGITS[bf] == 8 and bf in R._REDUCED and S._RANDOM_TOP[bf] == 2 ** 8
        assert P._CPP_NAMES[bf] == "c10::BFloat16"
        assert sorting_counting._C_NAMES[bf] == "c10::BFloat16"
        assert _xp._SCAN_ACC[bf] is __import__("numpy").float32 and bf in pointwise._NOT_WIDE_FLOAT
        assert D.half_np("bfloat16") == {bf}
        assert D.half_np("float16") == {__import__("numpy").dtype("float16")}
        print("ok")
    """, False)
    assert out.strip() == "ok"


def test_without_ml_dtypes_float64_is_not_taken_for_bfloat16():
    """NumPy reads None as float64: with no bfloat16 dtype, a None in its
    place had float64 tensors sorted, searched and scanned as float32."""
    out = _run("""
        x = ember.tensor([1.0 + 1e-12, 1.0, 1.0 + 2e-12], dtype=ember.float64)
        print(x.sort().values.tolist(), x.argsort().tolist(), x.unique().tolist())
        probe = ember.tensor([1.0 + 1.5e-12], dtype=ember.float64)
        print(ember.searchsorted(x.sort().values, probe).item())
        try:
            ember.zeros(2, dtype=ember.bfloat16)
        except RuntimeError as e:
            print(e)
    """, False, blocked=True).splitlines()
    ordered = "[1.0, 1.000000000001, 1.000000000002]"
    assert out[0] == f"{ordered} [1, 0, 2] {ordered}"
    assert out[1] == "2"
    assert "pip install ml_dtypes" in out[2]
