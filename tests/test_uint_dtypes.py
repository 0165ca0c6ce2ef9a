"""uint16, uint32, uint64: PyTorch's "limited support" dtypes, against PyTorch.

What PyTorch runs on them must give its values and dtypes; what it refuses
must raise its exception type and message (the kernel's NotImplementedError,
the promotion RuntimeError). The cases of uint_cases.py are run one by one;
the survey test runs every op Ember registers (and the Tensor methods and
namespace functions PyTorch shares) with simple arguments, as
src/ember/_uint_table.py was made, and compares the outcome: the result's
dtype, or PyTorch's refusal of these dtypes.
"""
import io
import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest

import ember
from compare_torch import check
from uint_cases import CASES

DTYPES = ["uint16", "uint32", "uint64"]


@pytest.fixture(autouse=True, scope="module")
def _check_removed_after():
    """The check of these dtypes' ops wraps Ember's public ops once such a
    tensor exists; the tests after these see Ember as it was."""
    yield
    from ember import _uint_ops
    _uint_ops.uninstall()


def _pair(T, d):
    return (T.tensor([[3, 1, 2], [5, 4, 6]], dtype=d), T.tensor([[1, 2, 2], [3, 1, 1]], dtype=d))


def _loose(r):
    """numpy(), tolist(), repr() results as plain values for check()."""
    if type(r).__name__ == "iinfo":
        return (r.min, r.max, r.bits, str(r), r.dtype)
    if isinstance(r, tuple) and type(r) is not tuple:   # (return_types: by name)
        return tuple(r)
    return r


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name, dt):
    def run(T):
        d = getattr(T, dt)
        x, y = _pair(T, d)
        return _loose(CASES[name](T, x, y, d))
    check(run, exact=name not in ("exp", "sqrt", "sigmoid", "fft", "logsumexp", "div",
                                  "rtruediv", "pow_float", "mul_float", "mul_float_t"))


# -- the survey: every op with simple arguments ----------------------------------

def _survey_names():
    torch = pytest.importorskip("torch")
    from ember.ops._registry import REGISTRY
    names = []
    for key, info in REGISTRY.items():
        if info.namespace is None:
            names.append("m:" + info.name)
            continue
        owner = torch
        for part in key.split("."):
            owner = getattr(owner, part, None)
        if owner is not None:
            names.append("f:" + key)
        if info.method and hasattr(torch.Tensor, info.name):
            names.append("m:" + info.name)
    for ns in ("linalg", "special", "fft", "nn.functional"):
        em, tm = ember, torch
        for part in ns.split("."):
            em, tm = getattr(em, part), getattr(tm, part)
        for n in dir(em):
            if not n.startswith("_") and callable(getattr(tm, n, None)) and not n[0].isupper():
                names.append(f"f:{ns}.{n}")
    return sorted(set(names))


# PyTorch parses its arguments before it looks at the dtype; Ember's check
# comes first, so a call both refuse for its arguments is refused by Ember
# for the dtype. Only calls PyTorch runs, or refuses for the dtype, are
# compared (and its errors that name them); these few it refuses otherwise
# while Ember runs them.
_ARGUMENT_ERRORS = {"nan_to_num", "nan_to_num_", "polygamma", "logit", "special.logit",
                    "copy_", "is_pinned", "sum_to_size", "real", "imag", "einsum", "stft",
                    "nn.functional.embedding", "nn.functional.hardtanh", "chalf",
                    "adaptive_avg_pool1d", "nn.functional.adaptive_avg_pool1d",
                    "nn.functional.multilabel_margin_loss", "random_", "bernoulli",
                    "bernoulli_", "nn.functional.rrelu", "nn.functional.rrelu_", "rrelu",
                    "rrelu_"}
# Still different: ops refused here under their own names (not surveyed
# further) where PyTorch checks their arguments first, and messages that name
# a tensor's type as Tensor.type() does (ember.UInt16Tensor, not PyTorch's
# CPUUInt16Type: these dtypes have no legacy tensor class).
_DIFFERENT = {"embedding_bag", "linalg.eig", "linalg.eigvals", "linalg.lu_solve", "lu_solve",
              "linalg.matrix_rank", "linalg.solve", "linalg.solve_ex", "nuclear_norm",
              "unravel_index", "embedding", "nn.functional.embedding", "expand", "broadcast_to",
              "meshgrid", "nn.functional.scaled_dot_product_attention"}
_PATTERNS = ("x", "xy", "x2", "x0", "xyz")


def _outcome(T, kind, name, dt, pattern):
    d = getattr(T, dt)
    x, y = _pair(T, d)
    z = T.tensor([[1, 1, 2], [1, 1, 1]], dtype=d)
    args = {"x": (x,), "xy": (x, y), "x2": (x, 2), "x0": (x, 0), "xyz": (x, y, z)}[pattern]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if kind == "m":
                r = getattr(args[0], name)(*args[1:])
            else:
                owner = T
                for part in name.split(".")[:-1]:
                    owner = getattr(owner, part)
                r = getattr(owner, name.split(".")[-1])(*args)
    except Exception as e:  # noqa: BLE001 - the error is the outcome
        return type(e).__name__, str(e).replace("torch", "ember")
    return "OK", _describe(r)


def _describe(r):
    if hasattr(r, "dtype") and hasattr(r, "shape") and not isinstance(r, np.ndarray):
        return str(r.dtype).split(".")[-1]
    if isinstance(r, (tuple, list)):
        return tuple(_describe(v) for v in r[:3])
    return type(r).__name__


def test_survey(subtests=None):
    torch = pytest.importorskip("torch")
    failures = []
    for entry in _survey_names():
        kind, name = entry.split(":", 1)
        if name in _ARGUMENT_ERRORS or name in _DIFFERENT or name.startswith("__"):
            continue
        for dt in DTYPES:
            for pattern in _PATTERNS:
                want = _outcome(torch, kind, name, dt, pattern)
                if want[0] != "OK" and not any(w in want[1] for w in (
                        "not implemented for", "UInt", "unsigned", "Promotion")):
                    continue
                got = _outcome(ember, kind, name, dt, pattern)
                if got != want:
                    failures.append(f"{entry} {dt} {pattern}: ember {got}, torch {want}")
    assert not failures, "\n".join(failures[:50]) + f"\n({len(failures)} in all)"


# -- creation, conversion, storage ------------------------------------------------

@pytest.mark.parametrize("dt", DTYPES)
def test_numpy_round_trip(dt):
    a = np.array([[0, 1], [np.iinfo(dt).max, 7]], dtype=dt)
    t = ember.from_numpy(a)
    assert t.dtype is getattr(ember, dt) and repr(t.dtype) == f"ember.{dt}"
    assert np.shares_memory(t.numpy(), a)
    np.testing.assert_array_equal(t.numpy(), a, strict=True)
    assert ember.as_tensor(a).dtype is t.dtype
    check(lambda T: T.from_numpy(a.copy()) * 3)
    check(lambda T: T.tensor(a).tolist())


@pytest.mark.parametrize("dt", DTYPES)
def test_dtype_attributes(dt):
    check(lambda T: (getattr(T, dt), getattr(T, dt).is_signed, getattr(T, dt).itemsize,
                     getattr(T, dt).is_floating_point, getattr(T, dt).to_real()))
    check(lambda T: _loose(T.iinfo(getattr(T, dt))))
    check(lambda T: T.empty(2, dtype=getattr(T, dt)).type())
    assert pickle.loads(pickle.dumps(getattr(ember, dt))) is getattr(ember, dt)


@pytest.mark.parametrize("other", ["int64", "uint8", "bool", "int8", "float32", "float64",
                                   "complex64", "uint16", "uint32", "uint64"])
@pytest.mark.parametrize("dt", DTYPES)
def test_promotion(dt, other):
    check(lambda T: T.promote_types(getattr(T, dt), getattr(T, other)))
    check(lambda T: T.promote_types(getattr(T, other), getattr(T, dt)))
    check(lambda T: T.ones(2, dtype=getattr(T, dt)) * T.ones(2, dtype=getattr(T, other)))


@pytest.mark.parametrize("dt", DTYPES)
def test_values_at_the_limits(dt):
    top = 2 ** (8 * getattr(ember, dt).itemsize) - 1
    check(lambda T: T.tensor([top, 0, 1], dtype=getattr(T, dt)), reprs=True)
    check(lambda T: T.full((2,), top, dtype=getattr(T, dt)).sum())
    check(lambda T: T.full((2,), -1, dtype=getattr(T, dt)))
    check(lambda T: T.tensor([top], dtype=getattr(T, dt)).item())
    check(lambda T: T.tensor([-3.0, 70000.0, 5e9]).to(getattr(T, dt)) if dt != "uint16"
          else T.tensor([3.5, 65535.0]).to(getattr(T, dt)))
    check(lambda T: T.scalar_tensor(-1, dtype=getattr(T, dt)))
    check(lambda T: repr(T.zeros(0, 2, dtype=getattr(T, dt))))


@pytest.mark.parametrize("dt", DTYPES)
def test_save_load_both_ways(dt):
    torch = pytest.importorskip("torch")
    top = 2 ** (8 * getattr(ember, dt).itemsize) - 1
    x = ember.tensor([[1, top], [2, 3]], dtype=getattr(ember, dt))
    buf = io.BytesIO()
    ember.save({"x": x, "col": x[:, 1], "dtype": x.dtype}, buf)
    buf.seek(0)
    got = torch.load(buf)     # weights-only, PyTorch's default
    assert got["x"].dtype is getattr(torch, dt) and got["dtype"] is getattr(torch, dt)
    assert got["x"].tolist() == x.tolist() and got["col"].tolist() == [top, 3]
    assert got["col"].untyped_storage().data_ptr() == got["x"].untyped_storage().data_ptr()
    buf.seek(0)
    back = ember.load(buf)
    assert back["x"].dtype is x.dtype and back["x"].tolist() == x.tolist()
    buf = io.BytesIO()
    torch.save({"t": torch.tensor([5, top], dtype=getattr(torch, dt))[1:]}, buf)
    buf.seek(0)
    t = ember.load(buf)["t"]
    assert t.dtype is x.dtype and t.tolist() == [top] and t.storage_offset() == 1


@pytest.mark.parametrize("dt", DTYPES)
def test_safetensors_both_ways(dt):
    torch = pytest.importorskip("torch")
    st = pytest.importorskip("safetensors.torch")
    from ember.utils import safetensors as es
    x = ember.tensor([1, 2 ** 16 - 1], dtype=getattr(ember, dt))
    assert st.load(es.save({"x": x}))["x"].tolist() == x.tolist()
    back = es.load(st.save({"x": torch.tensor([4, 5], dtype=getattr(torch, dt))}))["x"]
    assert back.dtype is x.dtype and back.tolist() == [4, 5]


FIRST_USES = ["ember.arange(3, dtype=ember.uint16)", "ember.ones(3).sum(dtype=ember.uint32)",
              "ember.eye(2, dtype=ember.uint64)", "ember.ones(2, 3).cumsum(0, dtype=ember.uint16)",
              "ember.randperm(3, dtype=ember.uint16)", "ember.zeros(2, dtype=ember.uint16)",
              "ember.ones(2).to(ember.uint32)"]


@pytest.mark.parametrize("code", FIRST_USES)
def test_first_use_in_a_process(code):
    """The call that first asks for one of these dtypes (which puts the check
    of their ops in place) is checked as the later ones are."""
    torch = pytest.importorskip("torch")
    run = (f"import ember\ntry:\n    r = {code}\n    print(r.dtype, r.tolist())\n"
           "except Exception as e:\n    print(type(e).__name__, e)\n")
    got = subprocess.run([sys.executable, "-c", run], capture_output=True, text=True,
                         check=True).stdout
    try:
        r = eval(code.replace("ember.", "torch."), {"torch": torch})
        want = f"{str(r.dtype).replace('torch', 'ember')} {r.tolist()}\n"
    except Exception as e:  # noqa: BLE001 - the refusal is the outcome
        want = f"{type(e).__name__} {e}\n"
    assert got == want
