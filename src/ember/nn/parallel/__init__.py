"""torch.nn.parallel: DataParallel (CPU-only: the module as is) and
DistributedDataParallel (on ember.distributed)."""
from .data_parallel import DataParallel, data_parallel
from .distributed import DistributedDataParallel

__all__ = ["data_parallel", "DataParallel", "DistributedDataParallel"]
