"""torch.version and __version__: the names PyTorch's CPU build has, with
its values where they describe the build (no CUDA, HIP, ROCm or XPU), and
Ember's own version, the one pyproject.toml gives the package."""
import pathlib
import re

import pytest

import ember


def test_version_is_the_packages():
    text = (pathlib.Path(__file__).parent.parent / "pyproject.toml").read_text()
    assert ember.__version__ == re.search(r'^version = "([^"]+)"', text, re.M).group(1)
    assert ember.version.__version__ == ember.__version__


def test_version_module_has_pytorchs_names():
    torch = pytest.importorskip("torch")
    names = {n for n in dir(torch.version) if not n.startswith("_") and n != "Optional"}
    assert names <= set(dir(ember.version))
    for name in ("cuda", "hip", "rocm", "xpu", "debug"):
        assert getattr(ember.version, name) == getattr(torch.version, name), name
    assert isinstance(ember.version.git_version, str)
