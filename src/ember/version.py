"""torch.version: what this build is. Ember is one CPU build with no GPU
runtime, so cuda, hip, rocm and xpu are None, as in PyTorch's CPU wheel;
__version__ is Ember's own (the package's, in pyproject.toml)."""
from typing import Optional

__all__ = ["__version__", "debug", "cuda", "git_version", "hip", "rocm", "xpu"]

__version__ = "0.1.0"
debug = False
cuda: Optional[str] = None
git_version = "Unknown"     # (PyTorch's when built outside a git checkout)
hip: Optional[str] = None
rocm: Optional[str] = None
xpu: Optional[str] = None
