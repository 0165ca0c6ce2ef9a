"""`torch.linalg`: its ops are declared in the registry (ember/ops/linalg_*.py)
under the namespace "linalg"; this module is their public face."""
from ..ops._registry import REGISTRY as _REGISTRY
from ..ops.linalg_common import LinAlgError

__all__ = ["LinAlgError", "eig", "eigvals"]
for _info in _REGISTRY.values():
    if _info.namespace == "linalg":
        for _name in (_info.name,) + _info.aliases:
            globals()[_name] = _info.public
            __all__.append(_name)


def _complex_results(name):
    return NotImplementedError(
        f"linalg.{name}: its results are complex, and Ember has no complex dtypes yet (complex "
        "support is a later issue). For symmetric matrices use linalg.eigh / linalg.eigvalsh.")


def eig(A, *, out=None):
    """Not yet: the eigen-decomposition of a general matrix is complex."""
    raise _complex_results("eig")


def eigvals(A, *, out=None):
    """Not yet: the eigenvalues of a general matrix are complex."""
    raise _complex_results("eigvals")
