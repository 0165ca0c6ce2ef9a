"""The small parts of torch.distributed around the process groups: which
backends exist, the debug level, deprecated reduce_op, P2POp and
batch_isend_irecv, and a few environment queries."""
import os
import warnings

from ._buffers import check_tensor
from ._core import ReduceOp, TorchEnum, _state, get_global_rank, get_group_rank, is_available

__all__ = ["is_mpi_available", "is_gloo_available", "is_nccl_available", "is_ucc_available",
           "is_xccl_available", "is_backend_available", "is_torchelastic_launched",
           "DebugLevel", "get_debug_level", "set_debug_level", "set_debug_level_from_env",
           "supports_complex", "reduce_op", "get_node_local_rank", "get_pg_count", "P2POp",
           "batch_isend_irecv", "get_default_backend_for_device", "new_subgroups",
           "new_subgroups_by_enumeration"]


def is_mpi_available():
    return is_available()


def is_gloo_available():
    """init_process_group("gloo") runs on MPI here, so gloo is there when MPI is."""
    return is_available()


def is_nccl_available():
    return False


def is_ucc_available():
    return False


def is_xccl_available():
    return False


# torch's Backend.backend_list: names without an is_*_available count as there.
_BACKENDS = ("undefined", "gloo", "nccl", "xccl", "ucc", "mpi", "fake")


def _single_backend_available(name):
    available = globals().get(f"is_{name.lower()}_available")
    return available() if available else name.lower() in _BACKENDS


def is_backend_available(backend):
    if ":" in backend.lower():      # "cpu:gloo,cuda:nccl"
        names = [part.split(":")[-1] for part in backend.lower().split(",")]
        return all(_single_backend_available(n) for n in names)
    return _single_backend_available(backend)


_DEVICE_BACKENDS = {"cpu": "gloo", "cuda": "nccl", "xpu": "xccl", "mps": "gloo"}


def get_default_backend_for_device(device):
    """torch's map of device types to backends (Ember runs "gloo" on MPI)."""
    from .._device import device as as_device
    backend = _DEVICE_BACKENDS.get(as_device(device).type)
    if backend is None:
        raise ValueError(f"Default backend not registered for device : {device}")
    return backend


def is_torchelastic_launched():
    return os.getenv("TORCHELASTIC_RUN_ID") is not None


def get_node_local_rank(fallback_rank=None):
    if "LOCAL_RANK" in os.environ:
        return int(os.environ["LOCAL_RANK"])
    if fallback_rank is not None:
        return int(fallback_rank)
    raise RuntimeError(
        "LOCAL_RANK is not in the environment. Consider passing fallback_rank to allow "
        "`get_node_local_rank` to work, assuming you are not running in a multi-device "
        "context and want the code to run locally instead.")


def get_pg_count():
    """Process groups made since the default one was (init counts one)."""
    return _state.pg_count


class DebugLevel(TorchEnum):
    """TORCH_DISTRIBUTED_DEBUG's levels. Ember checks collectives for
    mismatches at every level (see _fingerprint); the level is only state."""
    OFF = 0
    INFO = 1
    DETAIL = 2

    def __int__(self):
        return self.value

    __index__ = __int__


_debug_level = None     # read from the environment on first use


def set_debug_level(level):
    global _debug_level
    if not isinstance(level, DebugLevel):
        raise TypeError("set_debug_level(): incompatible function arguments. The following "
                        "argument types are supported:\n    1. (arg0: DebugLevel) -> None\n\n"
                        f"Invoked with: {level!r}")
    _debug_level = level


def set_debug_level_from_env():
    value = os.environ.get("TORCH_DISTRIBUTED_DEBUG", "OFF").upper()
    if value not in DebugLevel.__members__:
        raise ValueError("The value of TORCH_DISTRIBUTED_DEBUG must be OFF, INFO, or DETAIL.")
    set_debug_level(DebugLevel[value])


def get_debug_level():
    if _debug_level is None:
        set_debug_level_from_env()
    return _debug_level


def supports_complex(reduceOp):
    return reduceOp not in (ReduceOp.MAX, ReduceOp.MIN, ReduceOp.PRODUCT, ReduceOp.BAND,
                            ReduceOp.BOR, ReduceOp.BXOR)


class _reduce_op:
    """Deprecated: ReduceOp's members, with a FutureWarning on every access."""

    def __init__(self):
        for k, v in ReduceOp.RedOpType.__members__.items():
            setattr(self, k, v)
        self.__members__ = ReduceOp.RedOpType.__members__

    def __getattribute__(self, key):
        warnings.warn("`torch.distributed.reduce_op` is deprecated, please use "
                      "`torch.distributed.ReduceOp` instead", FutureWarning, stacklevel=2)
        return object.__getattribute__(self, key)


reduce_op = _reduce_op()


def _group_or_world(group):
    from ._core import _world
    return _world() if group is None or group is _state.world else group


def _canonical_rank(group, global_rank, group_rank, return_global=False):
    if group_rank is not None:
        if global_rank is not None:
            raise ValueError("Can't specify both group_rank and global_rank")
        return get_global_rank(group, group_rank) if return_global else group_rank
    if global_rank is None:
        raise ValueError("Must specify global_rank or group_rank")
    return global_rank if return_global else get_group_rank(group, global_rank)


class P2POp:
    """One isend or irecv for batch_isend_irecv."""

    def __new__(cls, op, tensor, peer=None, group=None, tag=0, group_peer=None):
        from ._p2p import irecv, isend
        if op not in (isend, irecv):
            raise ValueError("Invalid ``op``. Expected ``op`` to be of type "
                             "``torch.distributed.isend`` or ``torch.distributed.irecv``.")
        check_tensor(tensor, "tensor")
        return object.__new__(cls)

    def __init__(self, op, tensor, peer=None, group=None, tag=0, group_peer=None):
        self.op = op
        self.tensor = tensor
        self.group = _group_or_world(group)
        self.peer = _canonical_rank(self.group, peer, group_peer, return_global=True)
        self.tag = tag
        self.group_peer = _canonical_rank(self.group, peer, group_peer)

    def __repr__(self):
        me = self.group.rank()
        name = self.op.__name__
        src, dst = (me, self.group_peer) if "send" in name else (self.group_peer, me)
        return (f"P2POp({name} pg={self.group.group_name}, group_src={src}, group_dst={dst},  "
                f"{self.tensor.shape}, {self.tensor.dtype})")


def batch_isend_irecv(p2p_op_list):
    """Start every op (MPI's non-blocking calls never deadlock on their order)
    and return their Works."""
    from ._p2p import isend
    if not isinstance(p2p_op_list, list) or \
            not all(isinstance(p, P2POp) for p in p2p_op_list):
        raise ValueError("Invalid ``p2p_op_list``. Each op is expected to to be of type "
                         "``torch.distributed.P2POp``.")
    group = p2p_op_list[0].group
    if not all(group == p.group for p in p2p_op_list):
        raise ValueError("All ops need to use the same group.")
    works = []
    for p in p2p_op_list:
        key = "group_dst" if p.op is isend else "group_src"
        work = p.op(p.tensor, group=p.group, tag=p.tag, **{key: p.group_peer})
        if work:
            works.append(work)
    return works


def new_subgroups_by_enumeration(ranks_per_subgroup_list, timeout=None, backend=None,
                                 pg_options=None, group_desc=None):
    """A new_group per list of ranks (every rank makes all of them); returns
    (this rank's subgroup or None, all of them)."""
    from ._core import get_rank, new_group
    if ranks_per_subgroup_list is None or len(ranks_per_subgroup_list) == 0:
        raise ValueError("The arg 'ranks_per_subgroup_list' cannot be empty")
    subgroups, mine, owner = [], None, {}
    for ranks in ranks_per_subgroup_list:
        subgroup = new_group(ranks=ranks, timeout=timeout, backend=backend,
                             pg_options=pg_options, group_desc=group_desc)
        subgroups.append(subgroup)
        for rank in ranks:
            if rank in owner:
                raise ValueError(f"Rank {rank} has appeared in both subgroup {owner[rank]} and "
                                 f"{ranks}")
            owner[rank] = ranks
            if rank == get_rank():
                mine = subgroup
    return mine, subgroups


def new_subgroups(group_size=None, group=None, timeout=None, backend=None, pg_options=None,
                  group_desc=None):
    """`group`'s ranks cut into consecutive subgroups of `group_size`."""
    from ._core import get_process_group_ranks, get_world_size
    if group_size is None:
        # torch defaults to one subgroup per CUDA device; Ember has none.
        raise ValueError("Default group size only takes effect when CUDA is available.If your "
                         "subgroup using a backend that does not depend on CUDA,please pass in "
                         "'group_size' correctly.")
    if group_size <= 0:
        raise ValueError(f"The arg 'group_size' ({group_size}) must be positive")
    world_size = get_world_size(group=group)
    if world_size < group_size:
        raise ValueError(f"The arg 'group_size' ({group_size}) must not exceed the world size "
                         f"({world_size})")
    if world_size % group_size != 0:
        raise ValueError(f"The world size ({world_size}) must be divisible by '{group_size=}'")
    ranks = get_process_group_ranks(group=group)
    return new_subgroups_by_enumeration([ranks[i:i + group_size]
                                         for i in range(0, len(ranks), group_size)],
                                        timeout=timeout, backend=backend, pg_options=pg_options,
                                        group_desc=group_desc)
