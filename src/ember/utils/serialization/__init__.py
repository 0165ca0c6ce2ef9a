"""torch.utils.serialization: the options torch.save and torch.load read."""
from . import config  # noqa: F401
