"""torch.distributed.algorithms.join (implemented beside DistributedDataParallel)."""
from ...nn.parallel._join import Join, Joinable, JoinHook, _JoinConfig  # noqa: F401

__all__ = ["JoinHook", "Joinable", "Join"]
