"""torch.hub without a network: local hubconf repositories, checkpoints by
file:// URL and from the cache, and the checks (hash, zip entries, trust)."""
import hashlib
import sys
import textwrap
import zipfile

import pytest

import ember

torch = pytest.importorskip("torch")

HUBCONF = """\
dependencies = ["json"]
from helper import make


def tiny(width=4):
    '''A tiny linear model.'''
    return make(width)


def _private():
    pass
"""


@pytest.fixture
def repo(tmp_path):
    d = tmp_path / "repo"
    d.mkdir()
    (d / "hubconf.py").write_text(HUBCONF)
    (d / "helper.py").write_text(textwrap.dedent("""\
        import sys
        def make(width):
            return ("model", width)
        """))
    return str(d)


@pytest.mark.parametrize("T", [torch, ember], ids=["torch", "ember"])
def test_local_repository(T, repo):
    assert T.hub.load(repo, "tiny", source="local", width=3) == ("model", 3)
    assert T.hub.load(repo, "tiny", source="LOCAL") == ("model", 4)
    assert repo not in sys.path


def test_local_errors_as_pytorch(repo, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "hubconf.py").write_text("dependencies = ['no_such_module_x', 'json']\ndef f(): pass\n")
    cases = [lambda T: T.hub.load(repo, "nothere", source="local"),
             lambda T: T.hub.load(repo, "tiny", source="ftp"),
             lambda T: T.hub.load(repo, 3, source="local"),
             lambda T: T.hub.load(str(bad), "f", source="local")]
    for case in cases:
        seen = []
        for T in (torch, ember):
            with pytest.raises(Exception) as info:
                case(T)
            seen.append((type(info.value), str(info.value)))
        assert seen[0] == seen[1]


def test_dir_follows_pytorch(monkeypatch, tmp_path):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "th"))
    monkeypatch.setattr(ember.hub, "_hub_dir", None)
    monkeypatch.setattr(torch.hub, "_hub_dir", None)
    assert ember.hub.get_dir() == torch.hub.get_dir() == str(tmp_path / "th" / "hub")
    monkeypatch.delenv("TORCH_HOME")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert ember.hub.get_dir() == torch.hub.get_dir()
    ember.hub.set_dir(str(tmp_path / "mine"))
    assert ember.hub.get_dir() == str(tmp_path / "mine")


def test_checkpoint_by_url_is_cached(tmp_path, capsys):
    src = tmp_path / "weights-0123.pt"
    ember.save({"w": ember.arange(3.0)}, str(src))
    model_dir = tmp_path / "ck"
    sd = ember.hub.load_state_dict_from_url(src.as_uri(), model_dir=str(model_dir),
                                            progress=False)
    assert sd["w"].tolist() == [0.0, 1.0, 2.0]
    assert f'Downloading: "{src.as_uri()}" to {model_dir / src.name}' in capsys.readouterr().out
    # later loads read the cache: the URL is not opened again
    again = ember.hub.load_state_dict_from_url("http://example.invalid/weights-0123.pt",
                                               model_dir=str(model_dir))
    assert again["w"].tolist() == [0.0, 1.0, 2.0]
    assert capsys.readouterr().out == ""
    # and PyTorch reads what the cache holds the same way
    assert torch.hub.load_state_dict_from_url("http://example.invalid/weights-0123.pt",
                                              model_dir=str(model_dir))["w"].tolist() == \
        [0.0, 1.0, 2.0]


def test_hash_prefix_is_checked(tmp_path):
    src = tmp_path / "blob.bin"
    src.write_bytes(b"ember")
    digest = hashlib.sha256(b"ember").hexdigest()
    ember.hub.download_url_to_file(src.as_uri(), str(tmp_path / "ok.bin"), digest[:8],
                                   progress=False)
    assert (tmp_path / "ok.bin").read_bytes() == b"ember"
    with pytest.raises(RuntimeError, match=f'invalid hash value \\(expected "0000", got '
                                           f'"{digest}"\\)'):
        ember.hub.download_url_to_file(src.as_uri(), str(tmp_path / "bad.bin"), "0000",
                                       progress=False)
    assert not (tmp_path / "bad.bin").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_zip_entries_outside_the_target_are_refused(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("../escape.txt", "x")
    with zipfile.ZipFile(archive) as z, pytest.raises(ValueError, match="directory traversal"):
        ember.hub._safe_extract(z, str(tmp_path / "out"))
    assert not (tmp_path / "escape.txt").exists()


def test_untrusted_repository_asks_once(monkeypatch, tmp_path):
    monkeypatch.setattr(ember.hub, "_hub_dir", str(tmp_path))
    answers = iter(["n", "y"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    with pytest.raises(Exception, match="Untrusted repository."):
        ember.hub._check_trusted("someone", "thing", "someone_thing_main", "check")
    ember.hub._check_trusted("someone", "thing", "someone_thing_main", "check")
    # now on the trusted list: no question
    ember.hub._check_trusted("someone", "thing", "someone_thing_main", "check")
    assert (tmp_path / "trusted_list").read_text() == "someone_thing\n"
    ember.hub._check_trusted("pytorch", "vision", "pytorch_vision_main", "check")


def test_model_zoo_alias():
    from ember.utils import model_zoo
    assert model_zoo.load_url is ember.hub.load_state_dict_from_url
