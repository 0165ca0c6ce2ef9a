"""`torch.special`: its ops are declared in the registry (ember/ops/special_functions.py)
under the namespace "special"; this module is their public face."""
from ..ops import _keywords
from ..ops._registry import REGISTRY as _REGISTRY

__all__ = []
for _info in _REGISTRY.values():
    if _info.namespace == "special":
        for _name in (_info.name,) + _info.aliases:
            # (NumPy's keyword names too, as PyTorch's parser takes them:
            # special.softmax(x, axis=0), special.erf(x=t))
            globals()[_name] = _keywords.numpy_names(
                _keywords.under_name(_info.public, "special_" + _name), "special_" + _name,
                False)
            __all__.append(_name)
