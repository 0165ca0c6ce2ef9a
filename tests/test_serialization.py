"""ember.save / ember.load: PyTorch's file format, both ways, checked with the
oracle (real torch.save / torch.load) where it is installed."""
import io
import warnings
import os
import pickle
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import ember

DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]


def _torch():
    return pytest.importorskip("torch")


def sample(T, dtype):
    """The same tensors in either library: 0-d, a matrix, views sharing its storage."""
    base = T.arange(24).reshape(4, 6)
    base = (base % 2 == 0) if dtype == "bool" else base.to(getattr(T, dtype))
    return {"scalar": base[1, 2].clone(), "matrix": base, "row": base[2], "col": base[:, 3],
            "t": base.t(), "strided": base[::2, 1::3], "empty": base[:0]}


def assert_same(e, t):
    """An Ember value equal to a PyTorch one (or to another Ember one)."""
    torch = _torch() if type(t).__module__.startswith("torch") else None
    if torch is not None and isinstance(t, torch.Tensor):
        assert isinstance(e, ember.Tensor), type(e)
        assert str(e.dtype).split(".")[1] == str(t.dtype).split(".")[1]
        assert tuple(e.shape) == tuple(t.shape) and tuple(e.stride()) == tuple(t.stride())
        np.testing.assert_array_equal(e.detach().numpy(), t.detach().numpy())
        assert e.requires_grad == t.requires_grad
        assert isinstance(e, ember.nn.Parameter) == isinstance(t, torch.nn.Parameter)
    elif isinstance(t, dict):
        assert type(e) is type(t) and list(e) == list(t)
        assert getattr(e, "_metadata", None) == getattr(t, "_metadata", None)
        for k in t:
            assert_same(e[k], t[k])
    elif isinstance(t, (list, tuple)) and not (torch and isinstance(t, torch.Size)):
        assert type(e) is type(t) and len(e) == len(t)
        for a, b in zip(e, t):
            assert_same(a, b)
    elif torch is not None and isinstance(t, (torch.dtype, torch.device, torch.Size)):
        assert str(e).replace("ember", "torch") == str(t)
    elif isinstance(t, ember.Tensor):
        assert e.dtype is t.dtype and e.shape == t.shape and e.stride() == t.stride()
        np.testing.assert_array_equal(e.detach().numpy(), t.detach().numpy())
    else:
        assert type(e) is type(t) and e == t


def shares(a, b):
    return np.shares_memory(a.numpy(), b.numpy())


@pytest.mark.parametrize("dtype", DTYPES)
def test_every_dtype_ember_to_torch_and_back(dtype, tmp_path):
    torch = _torch()
    ember.save(sample(ember, dtype), tmp_path / "e.pt")
    loaded = torch.load(tmp_path / "e.pt")          # weights-only, PyTorch's default
    assert_same(ember.load(tmp_path / "e.pt"), sample(ember, dtype))
    for key, want in sample(torch, dtype).items():
        assert_same(ember.load(tmp_path / "e.pt")[key], loaded[key])
        np.testing.assert_array_equal(loaded[key].numpy(), want.numpy())
        assert loaded[key].stride() == want.stride()
    ptr = loaded["matrix"].untyped_storage().data_ptr()
    for view in ("row", "col", "t", "strided"):       # one storage in the file, as in torch
        assert loaded[view].untyped_storage().data_ptr() == ptr


@pytest.mark.parametrize("dtype", DTYPES)
def test_every_dtype_torch_to_ember(dtype, tmp_path):
    torch = _torch()
    want = sample(torch, dtype)
    torch.save(want, tmp_path / "t.pt")
    got = ember.load(tmp_path / "t.pt")
    assert_same(got, want)
    for view in ("row", "col", "t", "strided"):
        assert shares(got[view], got["matrix"])
    got["matrix"][2, 0] = got["matrix"][0, 0]        # still one storage: views see writes
    assert got["row"][0].item() == got["matrix"][0, 0].item()


def trained(T, steps=3, opt="Adam"):
    T.manual_seed(0)
    model = T.nn.Sequential(T.nn.Linear(4, 8), T.nn.ReLU(), T.nn.Linear(8, 2))
    optimizer = getattr(T.optim, opt)(model.parameters(), lr=0.05)
    x, y = T.randn(16, 4), T.randn(16, 2)
    return model, optimizer, train(T, model, optimizer, x, y, steps), (x, y)


def train(T, model, optimizer, x, y, steps):
    """`steps` steps of full-batch training; the losses."""
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = T.nn.functional.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


@pytest.mark.parametrize("opt", ["SGD", "Adam"])
def test_state_dicts_and_checkpoint_both_ways(opt, tmp_path):
    torch = _torch()
    em, eo, _, _ = trained(ember, opt=opt)
    tm, to, _, _ = trained(torch, opt=opt)
    ckpt = lambda m, o: {"epoch": 3, "model_state_dict": m.state_dict(),  # noqa: E731
                         "optimizer_state_dict": o.state_dict(), "loss": 0.25,
                         "nested": [1, (2.5, "a"), {"x": None, "b": b"bytes"}]}
    ember.save(ckpt(em, eo), tmp_path / "e.pt")
    torch.save(ckpt(tm, to), tmp_path / "t.pt")
    for path in (tmp_path / "e.pt", tmp_path / "t.pt"):     # each file, read by both
        assert_same(ember.load(path), torch.load(path))
    from_ember, from_torch = torch.load(tmp_path / "e.pt"), ember.load(tmp_path / "t.pt")
    assert list(from_ember) == list(from_torch)
    assert from_ember["model_state_dict"]._metadata == tm.state_dict()._metadata
    assert_same(from_torch["nested"], ckpt(tm, to)["nested"])
    for a, b in zip(from_ember["model_state_dict"].values(),
                    from_torch["model_state_dict"].values()):   # the two trainings agree
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-7)
    if opt == "Adam":
        step = from_ember["optimizer_state_dict"]["state"][0]["step"]
        assert step.dtype == torch.float32 and step.item() == 3


def resume(T, path, load, save_steps=3, total=6):
    """Train `total` steps, stopping after `save_steps` into a checkpoint that
    `load` reads back into a fresh model and optimizer."""
    model, optimizer, losses, (x, y) = trained(T, save_steps)
    T.save({"epoch": save_steps, "model_state_dict": model.state_dict(),
            "optimizer_state_dict": optimizer.state_dict(), "loss": losses[-1]}, path)
    return losses, x, y


def continue_in_ember(ckpt, x, y, steps):
    model = ember.nn.Sequential(ember.nn.Linear(4, 8), ember.nn.ReLU(), ember.nn.Linear(8, 2))
    optimizer = ember.optim.Adam(model.parameters(), lr=0.05)
    model.load_state_dict(ckpt["model_state_dict"])
    optimizer.load_state_dict(ckpt["optimizer_state_dict"])
    return train(ember, model, optimizer, x, y, steps), model


def test_resumed_training_continues_exactly(tmp_path):
    _, _, straight, _ = trained(ember, 6)
    model_straight = trained(ember, 6)[0]
    _, x, y = resume(ember, tmp_path / "e.pt", ember.load)
    ckpt = ember.load(tmp_path / "e.pt")
    assert ckpt["epoch"] == 3
    losses, model = continue_in_ember(ckpt, x, y, 3)
    assert losses == straight[3:]                       # bit for bit
    for a, b in zip(model.parameters(), model_straight.parameters()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_resume_from_a_pytorch_checkpoint(tmp_path):
    torch = _torch()
    _, _, straight, _ = trained(ember, 6)
    resume(torch, tmp_path / "t.pt", torch.load)
    _, _, _, (x, y) = trained(ember, 0)
    losses, _ = continue_in_ember(ember.load(tmp_path / "t.pt"), x, y, 3)
    np.testing.assert_allclose(losses, straight[3:], rtol=1e-5)


def test_parameter_and_requires_grad_round_trip(tmp_path):
    torch = _torch()
    p = ember.nn.Parameter(ember.randn(2, 3))
    frozen = ember.nn.Parameter(ember.randn(2), requires_grad=False)
    nonleaf = p * 2
    ember.save({"p": p, "frozen": frozen, "nonleaf": nonleaf, "again": p}, tmp_path / "e.pt")
    t = torch.load(tmp_path / "e.pt")
    assert isinstance(t["p"], torch.nn.Parameter) and t["p"].requires_grad
    assert isinstance(t["frozen"], torch.nn.Parameter) and not t["frozen"].requires_grad
    assert t["nonleaf"].requires_grad and t["nonleaf"].is_leaf    # as torch.save does
    assert t["again"] is t["p"]
    e = ember.load(tmp_path / "e.pt")
    assert isinstance(e["p"], ember.nn.Parameter) and e["again"] is e["p"]
    assert e["nonleaf"].requires_grad and e["nonleaf"].grad_fn is None


def test_tensor_attributes_round_trip(tmp_path):
    torch = _torch()
    x = ember.ones(3)
    x.note = "calibrated"
    ember.save(x, tmp_path / "e.pt")
    assert torch.load(tmp_path / "e.pt").note == "calibrated"
    assert ember.load(tmp_path / "e.pt").note == "calibrated"


def test_file_objects_and_bytesio(tmp_path):
    x = ember.arange(5.)
    buf = io.BytesIO()
    ember.save(x, buf)
    assert zipfile.ZipFile(io.BytesIO(buf.getvalue())).namelist()[0] == "archive/data.pkl"
    buf.seek(0)
    assert ember.load(buf).tolist() == [0, 1, 2, 3, 4]
    with open(tmp_path / "f.pt", "wb") as fh:
        ember.save(x, fh)
    with open(tmp_path / "f.pt", "rb") as fh:
        assert ember.load(fh).tolist() == [0, 1, 2, 3, 4]
    ember.save(x, str(tmp_path / "model.v2.pth"))
    assert zipfile.ZipFile(tmp_path / "model.v2.pth").namelist()[0] == "model.v2/data.pkl"


def test_records_are_aligned_like_pytorchs(tmp_path):
    ember.save({"a": ember.ones(3), "b": ember.zeros(5, dtype=ember.int8)}, tmp_path / "e.pt")
    raw = (tmp_path / "e.pt").read_bytes()
    names = []
    for info in zipfile.ZipFile(tmp_path / "e.pt").infolist():
        name_len, extra_len = np.frombuffer(raw[info.header_offset + 26:info.header_offset + 30],
                                            "<u2")
        assert (info.header_offset + 30 + name_len + extra_len) % 64 == 0
        names.append(info.filename.split("/", 1)[1])
    assert names == ["data.pkl", ".format_version", ".storage_alignment", "byteorder",
                     "data/0", "data/1", "version", ".data/serialization_id"]


def test_torch_mmap_with_computed_offsets_reads_ember_files(tmp_path, monkeypatch):
    """torch can compute where each storage lies from miniz's layout; Ember's
    files must have that layout."""
    torch = _torch()
    from torch.utils.serialization import config
    monkeypatch.setenv("TORCH_SERIALIZATION_DEBUG", "1")   # torch asserts each offset
    want = {f"w{i}": ember.randn(i + 1, 7) for i in range(5)}
    ember.save(want, tmp_path / "e.pt")
    config.load.calculate_storage_offsets = True
    try:
        got = torch.load(tmp_path / "e.pt", mmap=True)
    finally:
        config.load.calculate_storage_offsets = False
    for k in want:
        np.testing.assert_array_equal(got[k].numpy(), want[k].numpy())


def test_mmap(tmp_path):
    want = {"w": ember.randn(100, 10), "b": ember.arange(10)}
    ember.save(want, tmp_path / "e.pt")
    got = ember.load(tmp_path / "e.pt", mmap=True)
    assert_same(got, want)
    got["w"][0, 0] = 1234.0                 # copy-on-write: the file is not changed
    assert ember.load(tmp_path / "e.pt")["w"][0, 0].item() == want["w"][0, 0].item()
    with pytest.raises(ValueError, match="f must be a file path in order to use the mmap"):
        ember.load(io.BytesIO((tmp_path / "e.pt").read_bytes()), mmap=True)
    ember.save(want, tmp_path / "old.pt", _use_new_zipfile_serialization=False)
    with pytest.raises(RuntimeError, match="mmap can only be used with files saved with"):
        ember.load(str(tmp_path / "old.pt"), mmap=True)


def test_map_location(tmp_path):
    ember.save({"x": ember.ones(2)}, tmp_path / "e.pt")
    path = tmp_path / "e.pt"
    for ml in ("cpu", ember.device("cpu"), {"cpu": "cpu"}, lambda s, loc: s,
               lambda s, loc: None, lambda s, loc: s.cpu()):
        assert ember.load(path, map_location=ml)["x"].tolist() == [1, 1]
    seen = []
    ember.load(path, map_location=lambda s, loc: seen.append((loc, s.dtype, s.size())))
    assert seen == [("cpu", ember.float32, 2)]
    cuda = "Attempting to deserialize object on a CUDA device but torch.cuda.is_available()"
    for ml in ("cuda", "cuda:1", ember.device("cuda", 0), {"cpu": "cuda:0"}):
        with pytest.raises(RuntimeError, match=cuda.replace("(", r"\(").replace(")", r"\)")):
            ember.load(path, map_location=ml)
    with pytest.raises(AssertionError, match="not compiled with CUDA"):
        ember.load(path, map_location=lambda s, loc: s.cuda())
    with pytest.raises(RuntimeError, match=r"tagged with xyz"):
        ember.load(path, map_location="xyz")


def test_map_location_errors_match_torch(tmp_path):
    torch = _torch()
    torch.save({"x": torch.ones(2)}, tmp_path / "t.pt")
    for ml in ("cuda", "xla", {"cpu": "cuda:1"}):
        with pytest.raises(RuntimeError) as te:
            torch.load(tmp_path / "t.pt", map_location=ml)
        with pytest.raises(RuntimeError) as ee:
            ember.load(tmp_path / "t.pt", map_location=ml)
        assert str(ee.value) == str(te.value)


@pytest.mark.parametrize("new_format", [True, False])
def test_legacy_format_both_ways(new_format, tmp_path):
    torch = _torch()
    t_obj = {"m": torch.arange(6.).reshape(2, 3), "sd": torch.nn.Linear(2, 2).state_dict()}
    t_obj["v"] = t_obj["m"][1]
    torch.save(t_obj, tmp_path / "t.pt", _use_new_zipfile_serialization=new_format)
    got = ember.load(tmp_path / "t.pt")
    assert_same(got, t_obj)
    assert shares(got["v"], got["m"])
    e_obj = sample(ember, "float64")
    ember.save(e_obj, tmp_path / "e.pt", _use_new_zipfile_serialization=new_format)
    assert zipfile.is_zipfile(tmp_path / "e.pt") == new_format
    back = torch.load(tmp_path / "e.pt")
    for k in e_obj:
        assert_same(e_obj[k], back[k])
    assert_same(ember.load(tmp_path / "e.pt"), e_obj)
    assert_same(ember.load(tmp_path / "e.pt", weights_only=False), e_obj)


def test_weights_only_false_loads_any_pickle_and_maps_torch_names(tmp_path):
    torch = _torch()
    torch.save({"fn": os.path.join, "x": torch.ones(1), "dt": torch.int16}, tmp_path / "t.pt")
    got = ember.load(tmp_path / "t.pt", weights_only=False)
    assert got["fn"] is os.path.join and got["dt"] is ember.int16
    got = ember.load(tmp_path / "t.pt", pickle_module=pickle)    # implies weights_only=False
    assert got["fn"] is os.path.join
    with pytest.raises(RuntimeError, match="Can not safely load weights when explicit "
                                           "pickle_module is specified"):
        ember.load(tmp_path / "t.pt", pickle_module=pickle, weights_only=True)


class Config:
    def __init__(self, lr):
        self.lr = lr


def test_safe_globals(tmp_path):
    ember.save({"cfg": Config(0.1), "w": ember.ones(1)}, tmp_path / "e.pt")
    assert ember.serialization.get_unsafe_globals_in_checkpoint(tmp_path / "e.pt") == \
        [f"{__name__}.Config"]
    with pytest.raises(pickle.UnpicklingError, match=f"GLOBAL {__name__}.Config was not an "
                                                     "allowed global by default"):
        ember.load(tmp_path / "e.pt")
    with ember.serialization.safe_globals([Config]):
        assert ember.serialization.get_safe_globals() == [Config]
        assert ember.load(tmp_path / "e.pt")["cfg"].lr == 0.1
    assert ember.serialization.get_safe_globals() == []
    ember.serialization.add_safe_globals([(Config, f"{__name__}.Config")])
    try:
        assert ember.load(tmp_path / "e.pt")["cfg"].lr == 0.1
    finally:
        ember.serialization.clear_safe_globals()


@pytest.mark.parametrize("force,force_no,arg,loads", [
    ("1", None, None, False), ("1", None, False, False), (None, "1", None, True),
    (None, "true", True, False), (None, "0", None, False)])
def test_environment_switches(force, force_no, arg, loads, tmp_path, monkeypatch):
    """TORCH_FORCE_WEIGHTS_ONLY_LOAD wins over the argument;
    TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD only where the argument is not given."""
    for name, value in (("TORCH_FORCE_WEIGHTS_ONLY_LOAD", force),
                        ("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", force_no)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    ember.save({"cfg": Config(1)}, tmp_path / "e.pt")
    kwargs = {} if arg is None else {"weights_only": arg}
    if loads:
        with pytest.warns(UserWarning, match="TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD detected"):
            assert ember.load(tmp_path / "e.pt", **kwargs)["cfg"].lr == 1
    else:
        with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
            ember.load(tmp_path / "e.pt", **kwargs)


def test_both_switches_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "1")
    monkeypatch.setenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")
    ember.save(1, tmp_path / "e.pt")
    with pytest.raises(RuntimeError, match="Only one of `TORCH_FORCE_WEIGHTS_ONLY_LOAD`"):
        ember.load(tmp_path / "e.pt")


def test_save_and_load_argument_errors(tmp_path):
    with pytest.raises(AttributeError, match="expected 'f' to be string, path, or a file-like"):
        ember.save(ember.ones(1), 5)
    with pytest.raises(RuntimeError, match="Parent directory .*nowhere does not exist"):
        ember.save(ember.ones(1), tmp_path / "nowhere" / "x.pt")
    with pytest.raises(FileNotFoundError):
        ember.load(tmp_path / "missing.pt")

    class NoSeek:
        def read(self, n=-1):
            return b""

        def readline(self):
            return b""
    with pytest.raises(AttributeError, match="You can only torch.load from a file that is "
                                             "seekable"):
        ember.load(NoSeek())
    with pytest.warns(UserWarning, match="pickle_load_args only works if `weights_only=False`"):
        ember.save(1, tmp_path / "one.pt")
        assert ember.load(tmp_path / "one.pt", encoding="latin1") == 1


def test_storages_viewed_as_two_dtypes_are_refused(tmp_path):
    x = ember.ones(4)
    y = ember.from_numpy(x.numpy().view(np.int32))
    with pytest.raises(RuntimeError, match="Cannot save multiple tensors or storages that "
                                           "view the same data as different types"):
        ember.save([x, y], tmp_path / "e.pt")
    assert not (tmp_path / "e.pt").exists()


def test_symlinked_target_is_written_through(tmp_path):
    ember.save(ember.ones(1), tmp_path / "real.pt")
    os.symlink(tmp_path / "real.pt", tmp_path / "link.pt")
    ember.save(ember.zeros(1), tmp_path / "link.pt")
    assert os.path.islink(tmp_path / "link.pt")
    assert ember.load(tmp_path / "real.pt").tolist() == [0.0]


def test_ordered_dict_metadata_survives(tmp_path):
    sd = ember.nn.Linear(2, 2).state_dict()
    ember.save(sd, tmp_path / "e.pt")
    back = ember.load(tmp_path / "e.pt")
    assert type(back) is OrderedDict and back._metadata == sd._metadata


def test_whole_modules_with_weights_only_false(tmp_path):
    ember.manual_seed(0)
    model = ember.nn.Sequential(ember.nn.Linear(3, 4), ember.nn.ReLU(), ember.nn.Linear(4, 2))
    ember.save(model, tmp_path / "m.pt")
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        ember.load(tmp_path / "m.pt")
    back = ember.load(tmp_path / "m.pt", weights_only=False)
    x = ember.randn(5, 3)
    np.testing.assert_array_equal(back(x).detach().numpy(), model(x).detach().numpy())


def test_pytorch_module_pickle_loads_as_embers(tmp_path):
    torch = _torch()
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh())
    torch.save(model, tmp_path / "t.pt")
    back = ember.load(tmp_path / "t.pt", weights_only=False)
    assert type(back) is ember.nn.Sequential and type(back[0]) is ember.nn.Linear
    x = np.linspace(-1, 1, 15, dtype=np.float32).reshape(5, 3)
    np.testing.assert_allclose(back(ember.from_numpy(x)).detach().numpy(),
                               model(torch.from_numpy(x)).detach().numpy(), rtol=1e-6)


def test_load_reads_safetensors_files(tmp_path):
    pytest.importorskip("safetensors")
    from ember.utils.safetensors import save_file
    save_file({"w": ember.arange(6.).reshape(2, 3)}, str(tmp_path / "m.safetensors"))
    assert ember.load(tmp_path / "m.safetensors")["w"].tolist() == [[0, 1, 2], [3, 4, 5]]
    with pytest.raises(RuntimeError, match="Loading safetensors file with dict map_location"):
        ember.load(tmp_path / "m.safetensors", map_location={"cpu": "cpu"})


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_pickle_protocols(protocol):
    torch = _torch()
    obj = {"x": ember.arange(3.), "s": ember.Size([2]), "d": ember.float16, "b": b"xy",
           "set": {1, 2}}
    buf = io.BytesIO()
    ember.save(obj, buf, pickle_protocol=protocol)
    buf.seek(0)
    # the weights-only unpickler warns about any protocol but 2, as PyTorch's
    # (whose own then refuses protocol 4's FRAME opcode)
    warned = []
    for T in (ember, torch):
        buf.seek(0)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                T.load(buf)
            except pickle.UnpicklingError:
                pass
        warned.append([str(w.message) for w in caught])
    assert warned[0] == warned[1] and len(warned[0]) == (protocol != 2)
    buf.seek(0)
    assert_same(ember.load(buf, weights_only=False), obj)
    buf.seek(0)
    assert str(torch.load(buf, weights_only=False)) == str(obj).replace("ember", "torch")
    buf = io.BytesIO()
    torch.save({"x": torch.arange(3.), "s": torch.Size([2])}, buf, pickle_protocol=protocol)
    buf.seek(0)
    got = ember.load(buf, weights_only=False)
    assert got["x"].tolist() == [0, 1, 2] and got["s"] == ember.Size([2])
