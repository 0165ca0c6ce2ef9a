"""torch.distributed.algorithms: the DDP communication hooks and the join context
manager for uneven inputs."""
from .join import Join, Joinable, JoinHook  # noqa: E402,F401
