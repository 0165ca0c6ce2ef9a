"""ember.distributed: torch.distributed's API on MPI (mpi4py, an optional dependency).

`import ember.distributed` works without mpi4py; is_available() says whether
it can run. Start ranks with `python -m ember.distributed.run` (or `embrun`),
or with `mpirun` directly.
"""
from ._core import (Backend, GroupMember, ProcessGroup, ReduceOp, barrier, default_pg_timeout,
                    destroy_process_group, get_backend, get_global_rank, get_group_rank,
                    get_process_group_ranks, get_rank, get_world_size, group, init_process_group,
                    is_available, is_initialized, monitored_barrier, new_group)
from ._collectives import (all_gather, all_gather_into_tensor, all_gather_single, all_reduce,
                           broadcast, gather, reduce, reduce_scatter, reduce_scatter_single,
                           reduce_scatter_tensor, scatter)
from ._objects import (all_gather_object, broadcast_object_list, gather_object,
                       recv_object_list, scatter_object_list, send_object_list)
from ._p2p import all_to_all, all_to_all_single, irecv, isend, recv, send
from ._work import Future, Work
from ._errors import (DistBackendError, DistError, DistNetworkError, DistStoreError,
                      QueueEmptyError)
from ._misc import (DebugLevel, P2POp, batch_isend_irecv, get_debug_level,
                    get_default_backend_for_device, get_node_local_rank, get_pg_count,
                    is_backend_available, is_gloo_available, is_mpi_available, is_nccl_available,
                    is_torchelastic_launched, is_ucc_available, is_xccl_available, reduce_op,
                    new_subgroups, new_subgroups_by_enumeration, set_debug_level,
                    set_debug_level_from_env, supports_complex)
from ._store import FileStore, HashStore, PrefixStore, Store
from ..nn.parallel.distributed import GradBucket     # what communication hooks receive

__all__ = ["Backend", "GroupMember", "ProcessGroup", "ReduceOp", "Work", "Future", "barrier",
           "default_pg_timeout", "destroy_process_group", "get_backend", "get_global_rank",
           "get_group_rank", "get_process_group_ranks", "get_rank", "get_world_size", "group",
           "init_process_group", "is_available", "is_initialized", "monitored_barrier",
           "new_group", "all_gather", "all_gather_into_tensor", "all_gather_single",
           "reduce_scatter_single", "all_reduce", "broadcast",
           "gather", "reduce", "reduce_scatter", "reduce_scatter_tensor", "scatter",
           "all_gather_object", "broadcast_object_list", "gather_object", "recv_object_list",
           "scatter_object_list", "send_object_list", "all_to_all", "all_to_all_single",
           "irecv", "isend", "recv", "send", "DistBackendError", "DistError",
           "DistNetworkError", "DistStoreError", "QueueEmptyError", "DebugLevel", "P2POp",
           "batch_isend_irecv", "get_debug_level", "get_default_backend_for_device",
           "get_node_local_rank", "get_pg_count",
           "is_backend_available", "is_gloo_available", "is_mpi_available", "is_nccl_available",
           "is_torchelastic_launched", "is_ucc_available", "is_xccl_available", "reduce_op",
           "set_debug_level", "set_debug_level_from_env", "supports_complex", "FileStore",
           "HashStore", "PrefixStore", "Store", "GradBucket", "new_subgroups",
           "new_subgroups_by_enumeration"]
