"""torch.cpu: the CPU's device module (here: its deprecated amp aliases)."""
from . import amp

__all__ = ["amp"]
