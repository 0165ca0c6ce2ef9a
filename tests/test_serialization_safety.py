"""ember.load on files nobody should trust: malicious pickles, truncated and
corrupted files; ember.save interrupted by exceptions and by SIGKILL."""
import builtins
import io
import os
import pickle
import warnings
import random
import signal
import subprocess
import sys
import textwrap
import time
import zipfile

import numpy as np
import pytest

import ember

MARKER_NAME = "pwned"


class Reduce:
    """Pickles as a call of `func(*args)`, whatever func is."""

    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def _str(s):
    return b"X" + len(s).to_bytes(4, "little") + s.encode()


def payloads(marker):
    """Pickles that would create the marker file if anything ran them."""
    touch = f"open({str(marker)!r}, 'w').close()"
    cmd = f"touch {marker}"
    import subprocess as sp
    evil = {
        "os.system": Reduce(os.system, cmd),
        "eval": Reduce(eval, touch),
        "builtins.exec": Reduce(builtins.exec, touch),
        "subprocess.Popen": Reduce(sp.Popen, ["touch", str(marker)]),
        "arbitrary class": Reduce(Reduce, os.system, cmd),
        "importlib": Reduce(__import__("importlib").import_module, "antigravity"),
    }
    out = {name: pickle.dumps({"weight": ember.ones(2).numpy(), "evil": obj}, protocol=2)
           for name, obj in evil.items()}
    out["getattr chain"] = (b"\x80\x02c__builtin__\ngetattr\nc__builtin__\n__import__\n"
                            + _str("os") + b"\x85R" + _str("system") + b"\x86R" + _str(cmd)
                            + b"\x85R.")
    out["os.system, protocol 4"] = pickle.dumps(Reduce(os.system, cmd), protocol=4)
    out["INST opcode"] = f"(ios\nsystem\nS'{cmd}'\ni.".encode()
    out["GLOBAL shutil.rmtree"] = b"\x80\x02cshutil\nrmtree\nX\x01\x00\x00\x00/\x85R."
    out["BINPERSID non-storage"] = b"\x80\x02X\x06\x00\x00\x00modulecos\nsystem\n\x86Q."
    # allowed OrderedDict, then BUILD setting its class: must not retype it
    out["BUILD __class__"] = (b"\x80\x02ccollections\nOrderedDict\n)R}X\t\x00\x00\x00"
                              b"__class__cos\nsystem\nsb.")
    return out


def as_checkpoint(data_pkl, path):
    """A zip laid out as torch.save writes it, with the given data.pkl."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", data_pkl)
        z.writestr("archive/byteorder", "little")
        z.writestr("archive/version", "3\n")


def as_legacy(data_pkl, path):
    with open(path, "wb") as f:
        for header in (0x1950A86A20F9469CFC6C, 1001, {"little_endian": True}):
            pickle.dump(header, f, protocol=2)
        f.write(data_pkl)
        pickle.dump([], f, protocol=2)


@pytest.mark.parametrize("fmt", [as_checkpoint, as_legacy])
@pytest.mark.parametrize("kwargs", [{}, {"weights_only": True}])
def test_malicious_pickles_run_nothing(fmt, kwargs, tmp_path):
    marker = tmp_path / MARKER_NAME
    for name, data in payloads(marker).items():
        path = tmp_path / f"{name.replace(' ', '_')}.pt"
        fmt(data, path)
        with pytest.raises((pickle.UnpicklingError, RuntimeError)), warnings.catch_warnings():
            # (a protocol 4 pickle is named in a warning, as PyTorch's)
            warnings.filterwarnings("ignore", "Detected pickle protocol")
            ember.load(path, **kwargs)
        assert not marker.exists(), f"{name} ran code"


def test_refusals_match_pytorchs_messages(tmp_path):
    torch = pytest.importorskip("torch")
    marker = tmp_path / MARKER_NAME
    for name in ("os.system", "eval", "builtins.exec", "subprocess.Popen", "arbitrary class",
                 "GLOBAL shutil.rmtree"):
        path = tmp_path / "evil.pt"
        as_checkpoint(payloads(marker)[name], path)
        with pytest.raises(pickle.UnpicklingError) as want:
            torch.load(path)
        with pytest.raises(pickle.UnpicklingError) as got:
            ember.load(path)
        assert str(got.value) == str(want.value), name
    assert not marker.exists()


def test_the_marker_would_be_made(tmp_path):
    """The payloads are real: loading them unsafely does create the marker."""
    marker = tmp_path / MARKER_NAME
    as_checkpoint(payloads(marker)["builtins.exec"], tmp_path / "evil.pt")
    ember.load(tmp_path / "evil.pt", weights_only=False)
    assert marker.exists()


def test_storage_outside_its_record_is_refused(tmp_path):
    """A tensor whose size reaches past its storage would read foreign memory
    (PyTorch reads it); Ember refuses."""
    ember.save(ember.ones(3), tmp_path / "e.pt")
    z = zipfile.ZipFile(tmp_path / "e.pt")
    data = z.read("e/data.pkl")
    forged = data.replace(b"K\x03\x85", b"M\x00\x10\x85")     # size (3,) -> (4096,)
    assert forged != data
    with zipfile.ZipFile(tmp_path / "f.pt", "w") as out:
        for info in z.infolist():
            out.writestr(info.filename, forged if info.filename.endswith("data.pkl")
                         else z.read(info.filename))
    with pytest.raises(RuntimeError, match="out of bounds for storage of size 12"):
        ember.load(tmp_path / "f.pt")


def reference():
    ember.manual_seed(0)
    return {"w": ember.randn(64, 32), "b": ember.arange(40), "flag": ember.tensor(True),
            "meta": {"epoch": 7, "name": "net"}}


def check_loads_right_or_fails_clearly(path, want):
    try:
        got = ember.load(path)
    except pickle.UnpicklingError as e:
        assert "Weights only load failed" in str(e) or str(path) in str(e)
        return "error"
    except RuntimeError as e:
        assert str(path) in str(e), e           # names the file
        return "error"
    assert got["meta"] == want["meta"]
    for k in ("w", "b", "flag"):
        np.testing.assert_array_equal(got[k].numpy(), want[k].numpy())
    return "loaded"


def test_truncated_files(tmp_path):
    want = reference()
    ember.save(want, tmp_path / "good.pt")
    data = (tmp_path / "good.pt").read_bytes()
    rng = random.Random(0)
    for cut in sorted(rng.sample(range(len(data)), 50)):
        (tmp_path / "cut.pt").write_bytes(data[:cut])
        start = time.monotonic()
        assert check_loads_right_or_fails_clearly(tmp_path / "cut.pt", want) == "error", cut
        assert time.monotonic() - start < 5


def test_flipped_bits_are_detected(tmp_path):
    want = reference()
    ember.save(want, tmp_path / "good.pt")
    data = (tmp_path / "good.pt").read_bytes()
    rng = random.Random(1)
    # half anywhere, half inside the tensors' bytes, which PyTorch does not check
    storage = zipfile.ZipFile(tmp_path / "good.pt").getinfo("good/data/0")
    first = storage.header_offset + 30 + len(storage.filename) + 64
    spots = rng.sample(range(len(data)), 25) + rng.sample(range(first, first + 64 * 32 * 4), 25)
    outcomes = []
    for spot in spots:
        flipped = bytearray(data)
        flipped[spot] ^= 1 << rng.randrange(8)
        (tmp_path / "flip.pt").write_bytes(bytes(flipped))
        outcomes.append(check_loads_right_or_fails_clearly(tmp_path / "flip.pt", want))
    assert outcomes[25:] == ["error"] * 25          # every flip in the data is reported


@pytest.mark.parametrize("weights_only", [True, False])
@pytest.mark.parametrize("data", [b"", b"not a checkpoint", b"\x00\x01\x02",
                                  pickle.dumps({"a": 1}, protocol=2), pickle.dumps(123)])
def test_files_that_are_neither_zip_nor_legacy_fail_as_in_torch(tmp_path, data, weights_only):
    # PyTorch reads such a file as a legacy checkpoint: the unpickler's own
    # error (wrapped in the weights-only message), a bare EOFError for an
    # empty file, or the wrong magic number.
    torch = pytest.importorskip("torch")
    (tmp_path / "f.pt").write_bytes(data)
    errors = []
    for T in (ember, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with pytest.raises(Exception) as e:
                T.load(tmp_path / "f.pt", weights_only=weights_only)
        errors.append((type(e.value), str(e.value), [str(w.message) for w in caught]))
    assert errors[0] == errors[1]


def test_zip_files_that_are_not_checkpoints(tmp_path):
    cases = {}
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w") as z:
        z.writestr("notes.txt", "not a checkpoint")
    cases["flat.zip"] = bio.getvalue()
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w") as z:
        z.writestr("folder/notes.txt", "not a checkpoint")
    cases["folder.zip"] = bio.getvalue()
    messages = {}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(RuntimeError) as e:
            ember.load(tmp_path / name)
        assert name in str(e.value)
        messages[name] = str(e.value)
    assert "file in archive is not in a subdirectory: notes.txt" in messages["flat.zip"]
    assert "failed locating file data.pkl" in messages["folder.zip"]
    (tmp_path / "cut.pt").write_bytes(b"PK\x03\x04" + b"\0" * 40)
    with pytest.raises(RuntimeError, match="failed finding central directory"):
        ember.load(tmp_path / "cut.pt")


def test_exception_mid_save_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.pt"
    ember.save({"v": ember.ones(3)}, path)
    os.chmod(path, 0o640)
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        ember.save({"v": ember.zeros(3), "f": lambda: 0}, path)     # unpicklable
    from ember import _zip_checkpoint

    def fail(self, name, data):
        if name.startswith("data/"):
            raise OSError(28, "No space left on device")
        return real(self, name, data)
    real = _zip_checkpoint.ArchiveWriter.write_record
    monkeypatch.setattr(_zip_checkpoint.ArchiveWriter, "write_record", fail)
    with pytest.raises(OSError, match="No space left"):
        ember.save({"v": ember.zeros(3)}, path)
    monkeypatch.undo()
    assert ember.load(path)["v"].tolist() == [1, 1, 1]
    assert os.listdir(tmp_path) == ["ckpt.pt"]           # no temporary file left behind
    ember.save({"v": ember.zeros(3)}, path)
    assert oct(os.stat(path).st_mode & 0o777) == oct(0o640)      # its mode is kept


SAVER = textwrap.dedent("""
    import sys, ember
    path = sys.argv[1]
    big = ember.ones(1 << 20)
    print("ready", flush=True)
    i = 0
    while True:
        i += 1
        ember.save({"i": i, "x": big * i}, path)
""")


@pytest.mark.programs     # (a subprocess killed mid-save, 30 s)
def test_sigkill_mid_save_leaves_a_loadable_file(tmp_path):
    path = tmp_path / "ckpt.pt"
    ember.save({"i": 0, "x": ember.zeros(1 << 20)}, path)
    rng = random.Random(2)
    for _ in range(20):
        proc = subprocess.Popen([sys.executable, "-c", SAVER, str(path)],
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline() == "ready\n"
        time.sleep(rng.uniform(0.0, 0.3))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        got = ember.load(path)                          # the old file or a whole new one
        assert got["x"].shape == (1 << 20,)
        assert (got["x"].numpy() == got["i"]).all()


def test_forged_pickles_fail_cleanly(tmp_path):
    """data.pkl mutated at random but with a valid CRC (a crafted file, not a
    damaged one): each load succeeds or raises UnpicklingError/RuntimeError
    (or, for a stream cut short, PyTorch's bare EOFError), never another
    exception, never a hang; a forged protocol number is warned about."""
    ember.manual_seed(0)
    model = ember.nn.Linear(3, 2)
    opt = ember.optim.Adam(model.parameters())
    model(ember.randn(4, 3)).sum().backward()
    opt.step()
    buf = io.BytesIO()
    ember.save({"model": model.state_dict(), "opt": opt.state_dict()}, buf)
    data = zipfile.ZipFile(buf).read("archive/data.pkl")
    records = {n: zipfile.ZipFile(buf).read(n) for n in zipfile.ZipFile(buf).namelist()}
    rng = random.Random(3)
    outcomes = set()
    for _ in range(300):
        forged = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            forged[rng.randrange(len(forged))] = rng.randrange(256)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for name, content in records.items():
                z.writestr(name, bytes(forged) if name.endswith("data.pkl") else content)
        out.seek(0)
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", "Detected pickle protocol")
                ember.load(out)
            outcomes.add("loaded")
        except (pickle.UnpicklingError, RuntimeError, EOFError):
            outcomes.add("refused")
    assert outcomes == {"loaded", "refused"}


def _local():
    return lambda x: x


@pytest.mark.parametrize("make", [_local, lambda: (lambda x: x)])
def test_an_unpicklable_function_fails_as_with_pytorchs_c_pickler(make, tmp_path):
    """PyTorch saves through the C pickler: a local function is its
    AttributeError, a lambda its 'attribute lookup ... failed' (the texts
    vary with the Python version; Ember asks the same pickler)."""
    import re
    torch = pytest.importorskip("torch")
    seen = []
    for T in (torch, ember):
        with pytest.raises(Exception) as info:
            T.save(make(), tmp_path / "f.pt")
        seen.append((type(info.value), re.sub(r"0x[0-9a-f]+", "0x", str(info.value))))
    assert seen[1] == seen[0]
