"""torch.storage: the storage classes (see _storage.py and _typed_storage.py)."""
from ._storage import UntypedStorage
from ._typed_storage import TypedStorage

__all__ = ["TypedStorage", "UntypedStorage"]
