"""`torch.linalg`: its ops are declared in the registry (ember/ops/linalg_*.py)
under the namespace "linalg"; this module is their public face, each called
by PyTorch's keyword names for it (linalg/_signatures.py)."""
from ..ops import _keywords
from ..ops._registry import REGISTRY as _REGISTRY
from ..ops.linalg_common import LinAlgError
from ._signatures import keyworded as _keyworded

__all__ = ["LinAlgError"]
for _info in _REGISTRY.values():
    if _info.namespace == "linalg":
        for _name in (_info.name,) + _info.aliases:
            globals()[_name] = _keyworded(
                _keywords.under_name(_info.public, "linalg_" + _name), _name)
            __all__.append(_name)
