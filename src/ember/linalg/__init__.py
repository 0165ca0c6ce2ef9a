"""`torch.linalg`: its ops are declared in the registry (ember/ops/linalg_*.py)
under the namespace "linalg"; this module is their public face."""
from ..ops import _keywords
from ..ops._registry import REGISTRY as _REGISTRY
from ..ops.linalg_common import LinAlgError

__all__ = ["LinAlgError"]
for _info in _REGISTRY.values():
    if _info.namespace == "linalg":
        for _name in (_info.name,) + _info.aliases:
            globals()[_name] = _keywords.under_name(_info.public, "linalg_" + _name)
            __all__.append(_name)
