"""Names that don't exist: the errors name what the script wrote."""
import importlib

try:
    import torch.nonexistent  # noqa: F401
except ModuleNotFoundError as exc:
    print("import:", type(exc).__name__, exc, "| name =", exc.name)
try:
    importlib.import_module("torch.nn.nonexistent")
except ModuleNotFoundError as exc:
    print("import_module:", type(exc).__name__, exc, "| name =", exc.name)
try:
    from torch.nn import nonexistent_name  # noqa: F401
except ImportError as exc:
    print("from-import:", type(exc).__name__)

import torch.nonexistent  # uncaught: the traceback ends in this error
