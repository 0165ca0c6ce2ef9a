from . import data
from . import benchmark  # noqa: E402,F401
from . import checkpoint  # noqa: E402,F401
from . import dlpack  # noqa: E402,F401
from ._swap import swap_tensors  # noqa: E402,F401


def __getattr__(name):
    if name == "_pytree":     # (imported on first use: most scripts never need it)
        import importlib
        return importlib.import_module("._pytree", __name__)
    raise AttributeError(f"module 'ember.utils' has no attribute '{name}'")
