from . import data
from . import benchmark  # noqa: E402,F401
from . import checkpoint  # noqa: E402,F401
from . import dlpack  # noqa: E402,F401
from ._swap import swap_tensors  # noqa: E402,F401


def __getattr__(name):
    if name in ("_pytree", "model_zoo"):    # (imported on first use: few scripts need them)
        import importlib
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'ember.utils' has no attribute '{name}'")
