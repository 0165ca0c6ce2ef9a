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
    # A CUDA wheel (CI's Python 3.10 and 3.13 get one) reports its toolkit;
    # Ember describes the CPU build, so compare the build facts only there.
    cpu_build = torch.version.cuda is None and torch.version.hip is None
    for name in ("cuda", "hip", "rocm", "xpu", "debug"):
        expected = getattr(torch.version, name) if cpu_build else None
        if name == "debug":
            expected = torch.version.debug
        assert getattr(ember.version, name) == expected, name
    assert isinstance(ember.version.git_version, str)
