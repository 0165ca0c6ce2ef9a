"""ember.utils.safetensors against safetensors.torch (the oracle): files, bytes,
models, tied weights, and the same errors (torch.Tensor -> ember.Tensor).

Most tests need the optional `safetensors` package and skip without it; the
import tests run in a fresh interpreter with the package hidden."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import ember
from ember import _dtype as D
from ember.utils import safetensors as es

SRC = os.path.join(os.path.dirname(__file__), "..", "src")


@pytest.fixture
def st():
    return pytest.importorskip("safetensors")


@pytest.fixture
def ts(st):
    pytest.importorskip("torch")
    return pytest.importorskip("safetensors.torch")


@pytest.fixture
def path(tmp_path):
    return str(tmp_path / "t.safetensors")


def raised(fn):
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - the error is the result
        return exc
    raise AssertionError("no exception raised")


def same_error(e_fn, t_fn):
    """Ember raises what safetensors.torch raises, "torch." read as "ember."."""
    e, t = raised(e_fn), raised(t_fn)
    assert type(e) is type(t), (e, t)
    assert str(e) == str(t).replace("torch.", "ember.")
    return e


def sample(dt, shape, seed=0):
    rng = np.random.default_rng(seed)
    if dt is D.bool_:
        return np.asarray(rng.random(shape) < 0.5)
    if dt.is_floating_point:
        a = rng.standard_normal(shape).astype(dt._np)
        if a.size >= 3:     # the bits of inf and nan travel too
            a.reshape(-1)[:3] = [np.inf, -np.inf, np.nan]
        return a
    info = np.iinfo(dt._np)
    return rng.integers(info.min, info.max, shape, dtype=dt._np, endpoint=True)


def assert_same(e, arr):
    assert isinstance(e, ember.Tensor)
    assert e.dtype is D._BY_NP[arr.dtype]
    assert tuple(e.shape) == arr.shape
    assert not e.requires_grad and e.is_leaf
    np.testing.assert_array_equal(e.numpy(), arr, strict=True)


def to_torch(e):
    import torch
    return torch.from_numpy(e.numpy().copy())


SHAPES = [(2, 3), (7,), (), (0,), (0, 3), (2, 1, 2)]
DTYPES = [pytest.param(dt, id=dt.name) for dt in D.ALL]


def all_tensors():
    return {f"{dt.name}{i}": sample(dt, shape, i)
            for dt in D.ALL for i, shape in enumerate(SHAPES)}


# -- without the package ------------------------------------------------------------

HIDE = {
    # None in sys.modules: `import safetensors` raises ModuleNotFoundError.
    "sys.modules": "import sys; sys.modules['safetensors'] = None\n",
    # A broken install: the package is found but fails to import.
    "broken": ("import os, sys, tempfile\n"
               "d = tempfile.mkdtemp(); os.mkdir(os.path.join(d, 'safetensors'))\n"
               "open(os.path.join(d, 'safetensors', '__init__.py'), 'w')"
               ".write('raise ImportError(\"broken\")')\n"
               "sys.path.insert(0, d)\n"),
}


@pytest.mark.parametrize("how", list(HIDE))
def test_import_and_errors_without_safetensors(how):
    code = HIDE[how] + (
        "import ember\n"
        "import ember.utils.safetensors\n"
        "from ember.utils.safetensors import save_file, load_file\n"
        "from ember.utils import safetensors as es\n"
        "assert ember.utils.safetensors is es\n"
        "m = ember.nn.Linear(2, 2)\n"
        "calls = [lambda: es.save({'a': ember.ones(2)}),\n"
        "         lambda: save_file({'a': ember.ones(2)}, 'x'),\n"
        "         lambda: es.load(b''), lambda: load_file('x'),\n"
        "         lambda: es.save_model(m, 'x'), lambda: es.load_model(m, 'x')]\n"
        "for call in calls:\n"
        "    try:\n"
        "        call()\n"
        "    except ImportError as exc:\n"
        "        assert type(exc) is ModuleNotFoundError, type(exc)\n"
        "        assert exc.name == 'safetensors'\n"
        "        assert 'pip install safetensors' in str(exc), str(exc)\n"
        "    else:\n"
        "        raise AssertionError('no error')\n"
        "assert 'safetensors' not in sys.modules or sys.modules['safetensors'] is None\n")
    env = dict(os.environ, PYTHONPATH=SRC)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr


def test_import_does_not_load_safetensors():
    code = ("import sys, ember, ember.utils.safetensors\n"
            "assert 'safetensors' not in sys.modules\n")
    env = dict(os.environ, PYTHONPATH=SRC)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr


# -- round trips within Ember -------------------------------------------------------

@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_file_round_trip_every_dtype(st, path, dt, shape):
    arr = sample(dt, shape)
    es.save_file({"x": ember.from_numpy(arr.copy())}, path)
    out = es.load_file(path)
    assert list(out) == ["x"]
    assert_same(out["x"], arr)


@pytest.mark.parametrize("backend", ["mmap", "pread"])
def test_file_round_trip_many(st, path, backend):
    arrays = all_tensors()
    es.save_file({k: ember.from_numpy(v.copy()) for k, v in arrays.items()}, path)
    out = es.load_file(path, backend=backend)
    assert type(out) is dict and sorted(out) == sorted(arrays)
    for k, v in arrays.items():
        assert_same(out[k], v)


def test_bytes_round_trip(st, path):
    arrays = all_tensors()
    data = es.save({k: ember.from_numpy(v.copy()) for k, v in arrays.items()})
    assert type(data) is bytes
    out = es.load(data)
    for k, v in arrays.items():
        assert_same(out[k], v)
    # In the file's order, the same on every run (deserialize's is random).
    with_file = es.load_file(_write(data, path))
    assert list(out) == list(with_file)


def _write(data, path):
    with open(path, "wb") as f:
        f.write(data)
    return path


def test_loaded_tensors_are_writable_and_independent(st, path):
    x = ember.arange(6.0).reshape(2, 3)
    es.save_file({"x": x, "y": ember.zeros(3)}, path)
    for out in (es.load_file(path), es.load(es.save({"x": x, "y": ember.zeros(3)}))):
        out["x"].add_(1)
        out["y"][0] = 5
        assert out["x"].tolist() == [[1, 2, 3], [4, 5, 6]]
        assert out["y"].tolist() == [5, 0, 0]
        assert not np.shares_memory(out["x"].numpy(), out["y"].numpy())
    assert es.load_file(path)["x"].tolist() == [[0, 1, 2], [3, 4, 5]]
    assert x.tolist() == [[0, 1, 2], [3, 4, 5]]


def test_metadata_round_trip(st, path):
    meta = {"format": "pt", "note": "ü ✓"}
    es.save_file({"a": ember.ones(2)}, path, metadata=meta)
    with st.safe_open(path, framework="numpy") as f:
        assert f.metadata() == meta
    assert es.load(es.save({"a": ember.ones(2)}, metadata=meta))["a"].tolist() == [1, 1]


def test_load_device(st, path):
    es.save_file({"a": ember.ones(2)}, path)
    assert es.load_file(path, device="cpu")["a"].tolist() == [1, 1]
    assert es.load_file(path, device=ember.device("cpu"))["a"].tolist() == [1, 1]
    for device in ("cuda", "cuda:0", 0, "mps"):
        with pytest.raises(RuntimeError, match="ember has no .* device.*only device=\"cpu\""):
            es.load_file(path, device=device)
        with pytest.raises(RuntimeError, match="only device=\"cpu\""):
            es.load_model(ember.nn.Linear(2, 2), path, device=device)
    with pytest.raises(RuntimeError, match="device type at start of device string: foo"):
        es.load_file(path, device="foo")


def _bf16_file():
    header = json.dumps({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
                         "h": {"dtype": "BF16", "shape": [2], "data_offsets": [4, 8]}})
    header += " " * (-len(header) % 8)
    return len(header).to_bytes(8, "little") + header.encode() + bytes(8)


def test_bfloat16_is_refused_by_name(st, path):
    data = _bf16_file()
    for load in (lambda: es.load(data), lambda: es.load_file(_write(data, path))):
        with pytest.raises(TypeError) as info:
            load()
        assert str(info.value).startswith(
            "cannot load tensor `h`: its dtype BF16 has no ember equivalent")


# -- errors, as safetensors.torch -----------------------------------------------------

def test_validation_errors(ts, path):
    import torch
    cases = [
        lambda T, m: m.save_file([T.zeros(2)], path),
        lambda T, m: m.save_file({"a": 1}, path),
        lambda T, m: m.save_file({"a": T.zeros(2), "b": [1.0]}, path),
        lambda T, m: m.save_file({1: T.zeros(2)}, path),
        lambda T, m: m.save({"a": T.zeros(2)}, metadata={"k": 1}),
        lambda T, m: m.save_file({"a": T.zeros(2)}, path, metadata={1: "v"}),
        lambda T, m: m.save_file({"a": T.zeros(2)}, path, metadata=["k"]),
        lambda T, m: m.load(b"garbage"),
        lambda T, m: m.load("not bytes"),
        lambda T, m: m.load_file(path + ".missing"),
        lambda T, m: m.load_file(path, backend="nope"),
    ]
    es.save_file({"a": ember.zeros(2)}, path)
    for case in cases:
        same_error(lambda: case(ember, es), lambda: case(torch, ts))


@pytest.mark.parametrize("names", [
    ("x", "x"), ("x", "x[1:]"), ("x[:3]", "x[2:]"), ("x[1]", "x"), ("x", "x.view(-1)"),
])
def test_shared_memory_refused(ts, path, names):
    import torch
    def case(T, m):
        x = T.zeros(4, 4)
        a, b = (eval(n, {"x": x}) for n in names)
        return m.save_file({"first": a, "second": b, "other": T.ones(3)}, path)
    e = same_error(lambda: case(ember, es), lambda: case(torch, ts))
    assert "Some tensors share memory" in str(e) and "save_model" in str(e)


def test_shared_message_lists_every_group(ts, path):
    import torch
    def case(T, m):
        x, y = T.zeros(4), T.zeros(5)
        return m.save({"a": x, "b": y, "c": x, "d": y, "e": y[1:], "f": T.zeros(2)})
    same_error(lambda: case(ember, es), lambda: case(torch, ts))


def test_disjoint_views_and_empty_tensors_are_not_shared(ts, path):
    import torch
    for T, m in ((ember, es), (torch, ts)):
        x = T.arange(8.0)
        m.save_file({"lo": x[:4], "hi": x[4:]}, path)
        assert m.load_file(path)["hi"].tolist() == [4, 5, 6, 7]
        m.save_file({"a": T.zeros(0, 2), "b": T.zeros(0, 2)}, path)


@pytest.mark.parametrize("view", ["x.t()", "x[:, ::2]", "x[::2]", "x.expand(3, 4, 4)"])
def test_non_contiguous_refused(ts, path, view):
    import torch
    def case(T, m):
        x = T.zeros(4, 4) if "expand" not in view else T.zeros(1, 4)
        return m.save_file({"v": eval(view, {"x": x})}, path)
    e = same_error(lambda: case(ember, es), lambda: case(torch, ts))
    assert str(e).startswith("You are trying to save a non contiguous tensor: `v`")


# -- interchange with PyTorch ------------------------------------------------------

def test_ember_file_read_by_torch(ts, path):
    import torch
    arrays = all_tensors()
    es.save_file({k: ember.from_numpy(v.copy()) for k, v in arrays.items()}, path,
                 metadata={"by": "ember"})
    out = ts.load_file(path)
    for k, v in arrays.items():
        assert out[k].dtype == getattr(torch, D._BY_NP[v.dtype].name)
        np.testing.assert_array_equal(out[k].numpy(), v, strict=True)


def test_torch_file_read_by_ember(ts, path):
    arrays = all_tensors()
    ts.save_file({k: to_torch(ember.from_numpy(v)) for k, v in arrays.items()}, path)
    out = es.load_file(path)
    for k, v in arrays.items():
        assert_same(out[k], v)
    # In the file's order: torch's, whose ties (empty tensors) are in hash order.
    nonempty = [k for k in ts.load_file(path) if arrays[k].size]
    assert [k for k in out if arrays[k].size] == nonempty
    with open(path, "rb") as f:
        data = f.read()
    assert list(out) == list(es.load_file(path)) == list(es.load(data))


def test_same_bytes_as_torch(ts):
    arrays = all_tensors()
    meta = {"a": "b"}
    ours = es.save({k: ember.from_numpy(v.copy()) for k, v in arrays.items()}, metadata=meta)
    theirs = ts.save({k: to_torch(ember.from_numpy(v)) for k, v in arrays.items()},
                     metadata=meta)
    assert ours == theirs


# -- models ------------------------------------------------------------------------

def mlp(T, seed=0):
    T.manual_seed(seed)
    return T.nn.Sequential(T.nn.Linear(3, 4), T.nn.ReLU(), T.nn.Linear(4, 2))


def test_model_round_trip(st, path):
    net = mlp(ember, 0)
    es.save_model(net, path)
    other = mlp(ember, 1)
    assert not (other[0].weight == net[0].weight).all()
    assert es.load_model(other, path) == (set(), [])
    x = ember.randn(5, 3)
    for k, v in net.state_dict().items():
        assert (other.state_dict()[k] == v).all()
    assert (other(x) == net(x)).all()
    assert other[0].weight.requires_grad and ember.nn.Parameter is type(other[0].weight)


def test_model_into_torch_and_back(ts, path):
    import torch
    net = mlp(ember, 0)
    es.save_model(net, path)
    tnet = mlp(torch, 1)
    assert ts.load_model(tnet, path) == (set(), [])
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    with torch.no_grad():
        expected = tnet(torch.from_numpy(x)).numpy()
    for k, v in net.state_dict().items():      # the weights exactly; the outputs to
        assert (tnet.state_dict()[k].numpy() == v.numpy()).all()    # BLAS's rounding
    np.testing.assert_allclose(net(ember.from_numpy(x)).detach().numpy(), expected,
                               rtol=1e-6, atol=1e-7)
    # And a torch model's file into Ember.
    ts.save_model(mlp(torch, 2), path)
    other = mlp(ember, 3)
    assert es.load_model(other, path) == (set(), [])
    np.testing.assert_array_equal(other[2].bias.detach().numpy(),
                                  ts.load_file(path)["2.bias"].numpy())


def tied(T, seed=0):
    T.manual_seed(seed)
    net = T.nn.Sequential(T.nn.Linear(4, 4), T.nn.ReLU(), T.nn.Linear(4, 4))
    net[2].weight = net[0].weight
    return net


def test_tied_weights(ts, st, path):
    import torch
    meta = {"user": "data"}
    es.save_model(tied(ember), path, metadata=meta)
    with st.safe_open(path, framework="numpy") as f:
        keys, saved_meta = sorted(f.keys()), f.metadata()
    tmeta = {"user": "data"}
    ts.save_model(tied(torch), path + ".pt", metadata=tmeta)
    with st.safe_open(path + ".pt", framework="numpy") as f:
        assert (keys, saved_meta) == (sorted(f.keys()), f.metadata())
    assert keys == ["0.bias", "0.weight", "2.bias"]
    assert meta == tmeta == saved_meta == {"user": "data", "2.weight": "0.weight"}

    src, dst = tied(ember, 0), tied(ember, 1)
    assert es.load_model(dst, path) == (set(), [])
    assert dst[2].weight is dst[0].weight
    assert (dst[0].weight == src[0].weight).all()
    x = ember.randn(2, 4)
    assert (dst(x) == src(x)).all()
    # Into torch, and torch's file into Ember.
    tnet = tied(torch, 1)
    assert ts.load_model(tnet, path) == (set(), [])
    np.testing.assert_array_equal(tnet[2].weight.detach().numpy(), src[0].weight.detach().numpy())
    assert es.load_model(tied(ember, 2), path + ".pt") == (set(), [])


def test_save_file_refuses_tied_state_dict(ts, path):
    import torch
    same_error(lambda: es.save_file(tied(ember).state_dict(), path),
               lambda: ts.save_file(tied(torch).state_dict(), path))


def test_load_model_strictness(ts, path):
    import torch
    es.save_model(tied(ember), path)
    cases = [
        lambda T: mlp(T),                                  # shapes differ
        lambda T: T.nn.Sequential(T.nn.Linear(4, 4)),      # unexpected names
        lambda T: T.nn.Sequential(T.nn.Linear(4, 4), T.nn.ReLU(), T.nn.Linear(4, 4),
                                  T.nn.Linear(4, 4)),      # missing names
        lambda T: T.nn.Sequential(T.nn.Linear(4, 4), T.nn.ReLU(), T.nn.Linear(4, 4)),
    ]
    for make in cases:
        same_error(lambda: es.load_model(make(ember), path),
                   lambda: ts.load_model(make(torch), path))
    for make in cases[1:]:
        ours = es.load_model(make(ember), path, strict=False)
        theirs = ts.load_model(make(torch), path, strict=False)
        assert ours == theirs and type(ours[0]) is set and type(ours[1]) is list


def test_save_model_contiguity(ts, path):
    import torch
    def model(T):
        lin = T.nn.Linear(3, 4)
        lin.weight = T.nn.Parameter(T.arange(12.0).reshape(3, 4).t())
        return lin
    e = same_error(lambda: es.save_model(model(ember), path, force_contiguous=False),
                   lambda: ts.save_model(model(torch), path, force_contiguous=False))
    assert str(e).endswith("Or use save_model(..., force_contiguous=True), read the docs for "
                           "potential caveats.")
    es.save_model(model(ember), path)     # force_contiguous defaults to True
    out = es.load_file(path)["weight"]
    assert out.is_contiguous() and out.tolist() == model(ember).weight.tolist()
    back = model(ember)
    back.weight = ember.nn.Parameter(ember.zeros(4, 3))
    es.load_model(back, path)
    assert back.weight.tolist() == model(ember).weight.tolist()


def test_save_model_refuses_partial_views(ts, path):
    import torch
    def model(T):
        lin = T.nn.Linear(3, 4)
        lin.bias = T.nn.Parameter(T.zeros(20)[:4])
        return lin
    same_error(lambda: es.save_model(model(ember), path),
               lambda: ts.save_model(model(torch), path))


# -- complex tensors: the format's C64 ---------------------------------------------

def _complex64(seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((2, 3)) + 1j * rng.standard_normal((2, 3))).astype(np.complex64)


def test_complex64_round_trip_and_interchange_with_torch(ts, path):
    import torch
    arr = _complex64()
    es.save_file({"z": ember.from_numpy(arr.copy())}, path)
    assert_same(es.load_file(path)["z"], arr)
    got = ts.load_file(path)["z"]
    assert got.dtype == torch.complex64
    np.testing.assert_array_equal(got.numpy(), arr, strict=True)
    ts.save_file({"z": torch.from_numpy(arr.copy())}, path)
    assert_same(es.load_file(path)["z"], arr)
    assert es.save({"z": ember.from_numpy(arr.copy())}) == ts.save({"z": torch.from_numpy(arr)})


def test_complex128_refused_as_safetensors_torch(ts, path):
    import torch
    arr = _complex64().astype(np.complex128)
    same_error(lambda: es.save_file({"z": ember.from_numpy(arr.copy())}, path),
               lambda: ts.save_file({"z": torch.from_numpy(arr.copy())}, path))
    same_error(lambda: es.save({"z": ember.from_numpy(arr.copy())}),
               lambda: ts.save({"z": torch.from_numpy(arr.copy())}))
