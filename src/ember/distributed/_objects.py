"""Object collectives, weights-only safe.

Objects travel as Ember checkpoints (ember.save into memory) and are read
with ember.load(weights_only=True): a peer's bytes can rebuild tensors,
containers and primitive values, never run arbitrary code as unpickling
would. An object the weights-only loader would refuse is refused on the
sender, before anything is sent.
"""
import io

from .._backend import np
from ._core import _resolve, _warn_not_in_group
from ._fingerprint import check
from ._collectives import _check_root, _group_rank
from ._p2p import _peer

__all__ = ["broadcast_object_list", "all_gather_object", "gather_object",
           "scatter_object_list", "send_object_list", "recv_object_list"]


def _dumps(obj):
    from .. import serialization
    buf = io.BytesIO()
    serialization.save(obj, buf)
    data = buf.getvalue()
    try:    # the receivers load weights-only: fail here, with the reason, if they would
        serialization.load(io.BytesIO(data), weights_only=True)
    except Exception as exc:
        raise RuntimeError("ember.distributed sends objects in Ember's weights-only format "
                           f"and cannot send {type(obj).__qualname__}: {exc}") from exc
    return np.frombuffer(data, dtype=np.uint8)


def _cpu(device):
    """Objects travel through host memory: only the CPU (or None) is a device here."""
    if device is not None and str(getattr(device, "type", device)).split(":")[0] != "cpu":
        raise ValueError(f"device {device!r} is not supported: Ember's process groups run on "
                         "the CPU")


def _loads(arr):
    from .. import serialization
    return serialization.load(io.BytesIO(arr.tobytes()), weights_only=True)


def _pack(objects):
    parts = [_dumps(o) for o in objects]
    sizes = np.array([p.size for p in parts], dtype=np.int64)
    return sizes, (np.concatenate(parts) if parts else np.empty(0, np.uint8))


def _unpack(sizes, data):
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    return [_loads(data[bounds[i]:bounds[i + 1]]) for i in range(len(sizes))]


def _displs(counts):
    return np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)


def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None):
    _cpu(device)
    pg = _resolve(group)
    if pg is None:
        return _warn_not_in_group("broadcast_object_list")
    root = _group_rank(pg, src, group_src, default=0 if src is None else None,
                       gloo_op="broadcast")
    _check_root(pg, root, "broadcast")
    if pg.rank() == root:
        sizes, data = _pack(object_list)    # refuses what the weights-only format cannot hold
    else:
        sizes = np.empty(len(object_list), dtype=np.int64)
    check(pg, "BROADCAST", root=root)
    comm = pg._ctl
    comm.Bcast(sizes, root=root)
    if pg.rank() != root:
        data = np.empty(int(sizes.sum()), dtype=np.uint8)
    comm.Bcast(data, root=root)
    if pg.rank() != root:
        object_list[:] = _unpack(sizes, data)


def _gather_bytes(pg, obj, root=None):
    """Every rank's serialized `obj` (at `root` only, or everywhere when root is None)."""
    mine = _dumps(obj)
    check(pg, "ALLGATHER" if root is None else "GATHER", root=-1 if root is None else root)
    comm = pg._ctl
    sizes = np.empty(pg.size(), dtype=np.int64)
    if root is None:
        comm.Allgather(np.array([mine.size], dtype=np.int64), sizes)
    else:
        comm.Gather(np.array([mine.size], dtype=np.int64), sizes, root=root)
        if pg.rank() != root:
            comm.Gatherv(mine, None, root=root)
            return None
    data = np.empty(int(sizes.sum()), dtype=np.uint8)
    spec = [data, (sizes, _displs(sizes))]
    if root is None:
        comm.Allgatherv(mine, spec)
    else:
        comm.Gatherv(mine, spec, root=root)
    return _unpack(sizes, data)


def all_gather_object(object_list, obj, group=None):
    pg = _resolve(group)
    if pg is None:
        return _warn_not_in_group("all_gather_object")
    if len(object_list) != pg.size():
        raise ValueError(f"all_gather_object: object_list has {len(object_list)} entries, "
                         f"the group has {pg.size()} ranks")
    object_list[:] = _gather_bytes(pg, obj)


def gather_object(obj, object_gather_list=None, dst=None, group=None, group_dst=None):
    pg = _resolve(group)
    if pg is None:
        return _warn_not_in_group("gather_object")
    root = _group_rank(pg, dst, group_dst, default=0 if dst is None else None, gloo_op="gather")
    if pg.rank() == root:
        # PyTorch checks this list with gather's own check, hence gather's names
        if not object_gather_list:
            raise ValueError("Argument ``gather_list`` must be specified on destination rank.")
        if len(object_gather_list) != pg.size():
            raise ValueError(f"gather_object: object_gather_list has {len(object_gather_list)} "
                             f"entries, the group has {pg.size()} ranks")
    elif object_gather_list:
        raise ValueError("Argument ``gather_list`` must NOT be specified on non-destination "
                         "ranks.")
    _check_root(pg, root, "gather")
    got = _gather_bytes(pg, obj, root)
    if got is not None:
        object_gather_list[:] = got


def scatter_object_list(scatter_object_output_list, scatter_object_input_list=None, src=None,
                        group=None, group_src=None):
    if not isinstance(scatter_object_output_list, list) or len(scatter_object_output_list) < 1:
        raise ValueError("Expected argument scatter_object_output_list to be a list of size "
                         "at least 1.")
    pg = _resolve(group)
    if pg is None:
        return _warn_not_in_group("scatter_object_list")
    root = _group_rank(pg, src, group_src, default=0 if src is None else None)
    sizes = spec = None
    if pg.rank() == root:
        if scatter_object_input_list is None or len(scatter_object_input_list) != pg.size():
            raise ValueError("scatter_object_list: scatter_object_input_list must hold one "
                             f"object per rank ({pg.size()}) on the source rank")
        sizes, data = _pack(scatter_object_input_list)
        spec = [data, (sizes, _displs(sizes))]
    check(pg, "SCATTER", root=root)
    size = np.empty(1, dtype=np.int64)
    pg._ctl.Scatter(sizes, size, root=root)
    mine = np.empty(int(size[0]), dtype=np.uint8)
    pg._ctl.Scatterv(spec, mine, root=root)
    scatter_object_output_list[0] = _loads(mine)


_OBJ_TAG = 7401


def send_object_list(object_list, dst=None, group=None, device=None, group_dst=None,
                     use_batch=False):
    _cpu(device)
    pg = _resolve(group)
    if pg is None:
        return _warn_not_in_group("send_object_list")
    peer = _peer(pg, dst, group_dst, "destination")
    sizes, data = _pack(object_list)
    pg._ctl.Send(sizes, dest=peer, tag=_OBJ_TAG)
    pg._ctl.Send(data, dest=peer, tag=_OBJ_TAG + 1)


def recv_object_list(object_list, src=None, group=None, device=None, group_src=None,
                     use_batch=False):
    """Fill object_list from a peer; returns the sender's global rank."""
    _cpu(device)
    pg = _resolve(group)
    if pg is None:
        _warn_not_in_group("recv_object_list")
        return -1
    source = _peer(pg, src, group_src, "source")
    sizes = np.empty(len(object_list), dtype=np.int64)
    pg._ctl.Recv(sizes, source=source, tag=_OBJ_TAG)
    data = np.empty(int(sizes.sum()), dtype=np.uint8)
    pg._ctl.Recv(data, source=source, tag=_OBJ_TAG + 1)
    object_list[:] = _unpack(sizes, data)
    return pg._ranks[source]
