"""Mismatched collectives raise instead of giving wrong numbers or hanging.

MPI matches collectives by call order alone: if rank 0 all-reduces 10 floats
while rank 1 all-reduces 20, or broadcasts, the result is a truncation error,
a hang or, worst, plausible numbers. So before any data moves, every
collective all-gathers a small fingerprint of the call (kind, dtype, shape,
root, reduce op) on the group's control communicator, and every rank raises
the same error when they differ, with the message PyTorch's own checker
(TORCH_DISTRIBUTED_DEBUG=DETAIL) gives. It costs one latency-bound exchange of
a few dozen bytes per collective.

Unlike PyTorch, Ember always checks, and also compares the reduce op and the
root, which PyTorch does not: ranks reducing with SUM against MAX, or
broadcasting from different sources, get an error too.
"""
from .._backend import np
from .. import _dtype as D
from ._core import RedOpType

__all__ = []

# c10d's OpType names, in its enum order (the code is the index).
OP_TYPES = ("BROADCAST", "ALLREDUCE", "ALLREDUCE_COALESCED", "REDUCE", "ALLGATHER",
            "_ALLGATHER_BASE", "ALLGATHER_COALESCED", "GATHER", "SCATTER", "REDUCE_SCATTER",
            "ALLTOALL_BASE", "ALLTOALL", "SEND", "RECV", "RECVANYSOURCE", "BARRIER",
            "_REDUCE_SCATTER_BASE")
_CODE = {name: i for i, name in enumerate(OP_TYPES)}
_DTYPES = D.ALL + D.COMPLEX + (D.bfloat16,)
_DIMS = 8       # dims carried in full; numel catches a mismatch beyond them
# fields: seq, op type, dtype (-1: no tensor), root, reduce op, numel, ndim, dims
_SEQ, _OP, _DTYPE, _ROOT, _REDOP, _NUMEL, _NDIM, _SHAPE = range(8)
_WIDTH = _SHAPE + _DIMS
_DEVICE = ("TensorOptions(dtype=float (default), device=cpu, layout=Strided (default), "
           "requires_grad=false (default), pinned_memory=false (default), "
           "memory_format=(nullopt))")


def check(pg, op_type, tensor=None, root=-1, op=None, shape=True):
    """Raise on every rank unless all ranks of `pg` make this same call.

    shape=False compares only the dtype, for calls whose sizes may rightly
    differ between ranks (all_to_all with uneven splits, the object calls).
    """
    seq = pg._seq + 1   # as PyTorch's, a call refused for a mismatch takes no number
    size = pg.size()
    if size == 1:
        pg._seq = seq
        return
    data = None if tensor is None else tensor._data
    key = (op_type, root, op, shape, None if data is None else (data.dtype, data.shape))
    mine = _FINGERPRINTS.get(key)
    if mine is None:
        if len(_FINGERPRINTS) > 4096:   # (calls of ever-new shapes: keep it bounded)
            _FINGERPRINTS.clear()
        mine = _FINGERPRINTS[key] = _fingerprint(op_type, tensor, root, op, shape)
    mine[_SEQ] = seq
    everyone = pg._fingerprints
    if everyone is None:
        everyone = pg._fingerprints = np.empty((size, _WIDTH), dtype=np.int64)
    pg._ctl.Allgather(mine, everyone)
    if everyone.tobytes() == mine.tobytes() * size:     # (the per-call cost: a few us)
        pg._seq = seq
        return
    me = pg.rank()
    other = next(r for r in range(pg.size()) if (everyone[r] != mine).any())
    raise RuntimeError(_message(pg._ranks[me], mine, pg._ranks[other], everyone[other]))


_FINGERPRINTS = {}     # a call's fingerprint by its arguments, its sequence number set per call


def _fingerprint(op_type, tensor, root, op, shape):
    mine = np.full(_WIDTH, -1, dtype=np.int64)
    mine[_OP], mine[_ROOT] = _CODE[op_type], root
    if op is not None:
        mine[_REDOP] = op.value
    if tensor is not None:
        mine[_DTYPE] = _DTYPES.index(tensor.dtype)
        if shape:
            dims = tuple(tensor.shape)
            mine[_NUMEL], mine[_NDIM] = tensor.numel(), len(dims)
            mine[_SHAPE:_SHAPE + min(len(dims), _DIMS)] = dims[:_DIMS]
    return mine


def _print(row):
    head = f"SequenceNumber={row[_SEQ]}, OpType={OP_TYPES[row[_OP]]}"
    if row[_DTYPE] < 0:
        return f"CollectiveFingerPrint({head})"
    return (f"CollectiveFingerPrint({head}, TensorShape=[{_shape(row, ', ')}], "
            f"TensorDtypes={D.SCALAR_NAMES[_DTYPES[row[_DTYPE]]]}, "
            f"TensorDeviceTypes={_DEVICE})")


def _shape(row, sep):
    if row[_NDIM] < 0:
        return ""
    dims = [str(d) for d in row[_SHAPE:_SHAPE + min(row[_NDIM], _DIMS)]]
    return sep.join(dims + ["..."] * int(row[_NDIM] > _DIMS))


def _dtype_name(row):
    return D.SCALAR_NAMES[_DTYPES[row[_DTYPE]]] if row[_DTYPE] >= 0 else ""


def _message(me, mine, other, theirs):
    aspects = []
    if mine[_OP] != theirs[_OP]:
        aspects.append(f"  Op type: {OP_TYPES[mine[_OP]]}vs {OP_TYPES[theirs[_OP]]}")
    if (mine[_NDIM:] != theirs[_NDIM:]).any() or mine[_NUMEL] != theirs[_NUMEL]:
        aspects.append(f"  Tensor Tensor shapes: {_shape(mine, ' ')}vs {_shape(theirs, ' ')}")
    if mine[_DTYPE] != theirs[_DTYPE]:
        aspects.append(f"  Tensor Tensor dtypes: {_dtype_name(mine)}vs {_dtype_name(theirs)}")
    if mine[_OP] == theirs[_OP]:    # the root and reduce op of different calls say nothing
        if mine[_ROOT] != theirs[_ROOT]:
            aspects.append(f"  Root rank: {mine[_ROOT]}vs {theirs[_ROOT]}")
        if mine[_REDOP] != theirs[_REDOP]:
            aspects.append(f"  Reduce op: {RedOpType(mine[_REDOP]).name}vs "
                           f"{RedOpType(theirs[_REDOP]).name}")
    return (f"Detected mismatch between collectives on ranks. Rank {me} is running collective: "
            f"{_print(mine)}, but Rank {other} is running collective: {_print(theirs)}."
            "Collectives differ in the following aspects: " + "".join(aspects))
