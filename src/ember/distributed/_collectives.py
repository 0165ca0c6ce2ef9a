"""Tensor collectives on MPI, in place on the tensors' NumPy buffers.

Every call starts non-blocking MPI (Iallreduce, Ibcast, ...) and returns a
Work with async_op=True; otherwise it waits at once. Arguments are checked
before anything is sent, so a bad call changes nothing.
"""
import functools
import warnings

from .._backend import np
from ._buffers import Buf, check_tensor, check_tensor_list, mpi_op, same_dtype
from ._fingerprint import check
from ._core import ReduceOp, _mpi, _resolve, _warn_not_in_group, _world, get_group_rank
from ._work import Work

__all__ = ["all_reduce", "broadcast", "reduce", "all_gather", "all_gather_single",
           "all_gather_into_tensor", "gather", "scatter", "reduce_scatter",
           "reduce_scatter_single", "reduce_scatter_tensor"]


def _group_rank(pg, global_rank, group_rank, default=None, gloo_op=None):
    """The root's rank in `pg`. On the default group a rank names itself, and
    with `gloo_op` its range is left to _check_root (as PyTorch leaves it to
    gloo, after checking the lists); elsewhere a rank outside raises here."""
    if group_rank is not None:
        if global_rank is not None:
            raise ValueError("Can't specify both group_rank and global_rank")
        if gloo_op is None or pg is not _world():
            if not 0 <= group_rank < pg.size():
                raise ValueError(f"Group rank {group_rank} is not part of group {pg}")
        return group_rank
    if global_rank is None:
        if default is None:
            raise ValueError("Must specify global_rank or group_rank")
        return default
    if gloo_op is not None and pg is _world():
        return global_rank
    return get_group_rank(pg, global_rank)


def _check_root(pg, root, gloo_op):
    if not 0 <= root < pg.size():
        raise RuntimeError(f"ProcessGroupGloo::{gloo_op}: invalid root rank: {root}")


def _call(pg, async_op, name, *args, **kwargs):
    """Start MPI's non-blocking `name` (Iallreduce, ...) for async_op, else run
    the blocking one: MPI's blocking collectives use faster algorithms (a 4 MB
    Allreduce on 2 local ranks: 0.4 ms blocking, 0.95 ms as Iallreduce+Wait)."""
    if async_op:
        return [getattr(pg._comm, "I" + name.lower())(*args, **kwargs)]
    getattr(pg._comm, name)(*args, **kwargs)
    return []


def _start(requests, bufs, async_op, after=None, result=None):
    def finish():
        if after is not None:
            after()
        for b in bufs:
            b.finish()
    work = Work(requests, finish, result, progress=async_op)
    if async_op:
        return work
    work.wait()
    return None


def _divider(bufs, size):
    """AVG's division: an in-place op on the result, so it bumps the version as PyTorch's."""
    def divide():
        for b in bufs:
            b.arr /= size
            b.tensor._bump()
    return divide


def _reduce_bufs(tensors, op, output=True):
    """Bufs for a reduction, and the MPI op (checks dtype and op first)."""
    op_, avg = mpi_op(op, tensors[0]._data.dtype)
    return [Buf(t, reduce=True, output=output) for t in tensors], op_, avg


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    check_tensor(tensor, "tensor")
    pg = _resolve(group)
    if pg is None:
        return _warn_not_in_group("all_reduce")
    if tensor.is_complex() and op not in (ReduceOp.SUM, ReduceOp.AVG, ReduceOp.PREMUL_SUM):
        raise ValueError(f"all_reduce does not support {op} on complex tensors")
    (b,), mop, avg = _reduce_bufs([tensor], op)
    check(pg, "ALLREDUCE", tensor, op=op)
    req = _call(pg, async_op, "Allreduce", _mpi().IN_PLACE, b.arr, op=mop)
    return _start(req, [b], async_op, _divider([b], pg.size()) if avg else None, [tensor])


def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    check_tensor(tensor, "tensor")
    pg = _resolve(group)
    if pg is None:
        return _warn_not_in_group("broadcast")
    root = _group_rank(pg, src, group_src, gloo_op="broadcast")
    _check_root(pg, root, "broadcast")
    check(pg, "BROADCAST", tensor, root)
    b = Buf(tensor, output=pg.rank() != root)
    return _start(_call(pg, async_op, "Bcast", b.arr, root=root), [b], async_op,
                  result=[tensor])


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    check_tensor(tensor, "tensor")
    pg = _resolve(group)
    if pg is None:
        return _warn_not_in_group("reduce")
    root = _group_rank(pg, dst, group_dst, gloo_op="reduce")
    _check_root(pg, root, "reduce")
    mine = pg.rank() == root
    (b,), mop, avg = _reduce_bufs([tensor], op, output=mine)
    check(pg, "REDUCE", tensor, root, op)
    if mine:
        req = _call(pg, async_op, "Reduce", _mpi().IN_PLACE, b.arr, op=mop, root=root)
    else:
        req = _call(pg, async_op, "Reduce", b.arr, None, op=mop, root=root)
    after = _divider([b], pg.size()) if avg and mine else None
    return _start(req, [b], async_op, after, [tensor])


def _check_list(tensors, like, size, what, name, length_msg=None):
    if len(tensors) != size:
        raise RuntimeError(length_msg or f"ProcessGroupGloo::{what}: invalid {name} list "
                           f"(expected length {size}, got {len(tensors)})")
    for i, t in enumerate(tensors):
        if t.shape != like.shape:
            raise RuntimeError(f"ProcessGroupGloo::{what}: invalid tensor size at index {i} "
                               f"(expected {_dims(like)}, got {_dims(t)})")


def _dims(t):
    return "(" + ", ".join(map(str, t.shape)) + ")"


def _scatter_into(stacked, tensors):
    """Copy the rows of one received array into a list of tensors."""
    for row, t in zip(stacked, tensors):
        np.copyto(t._data, row.reshape(t._data.shape).astype(t._data.dtype, copy=False),
                  casting="unsafe")


def _staging(like, count, reduce=False):
    """A contiguous array for `count` tensors like `like`, in the form Buf gives MPI."""
    probe = Buf(like, reduce=reduce, output=False).arr
    return np.empty((count,) + probe.shape, dtype=probe.dtype)


def _decode(stacked, like):
    """Rows of a staging array back as arrays of `like`'s dtype and shape."""
    dtype = like._data.dtype
    rows = stacked.reshape(stacked.shape[0], -1)
    if rows.dtype == np.uint8 and dtype != np.uint8 and dtype.kind != "b":
        rows = rows.view(dtype)
    return rows


def all_gather(tensor_list, tensor, group=None, async_op=False):
    check_tensor_list(tensor_list, "tensor_list")
    check_tensor(tensor, "tensor")
    same_dtype(tensor_list, [tensor])
    pg = _resolve(group)
    if pg is None:
        return _warn_not_in_group("all_gather")
    _check_list(tensor_list, tensor, pg.size(), "allgather", "output tensor",
                f"ProcessGroupGloo::allgather: invalid output tensor list at index 0 "
                f"(expected length {pg.size()}, got {len(tensor_list)})")
    check(pg, "ALLGATHER", tensor)
    b = Buf(tensor, output=False)
    out = _staging(tensor, pg.size())
    req = _call(pg, async_op, "Allgather", b.arr, out)
    return _start(req, [], async_op, lambda: _scatter_into(_decode(out, tensor), tensor_list),
                  tensor_list)


_CPP_TYPES = {"float32": "float", "float64": "double", "float16": "c10::Half",
              "bfloat16": "c10::BFloat16", "int64": "long int", "int32": "int",
              "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
              "bool": "bool"}


def _options(t):
    name = str(t.dtype).rsplit(".", 1)[-1]
    grad = "true" if t.requires_grad else "false (default)"
    return (f"TensorOptions(dtype={_CPP_TYPES.get(name, name)}, device=cpu, layout=Strided, "
            f"requires_grad={grad}, pinned_memory=false (default), memory_format=(nullopt))")


def _check_chunks(out, inp, size, what):
    """Gloo's rule for the single-tensor forms: `out` chunked along dim 0 (as
    torch.chunk) into `size` pieces, each shaped like `inp`."""
    if out.dtype != inp.dtype:
        raise RuntimeError(f"ProcessGroupGloo::{what}: invalid tensor type at index 0 "
                           f"(expected {_options(inp)}, got {_options(out)})")
    rows = out.shape[0] if out.dim() else 1
    step = -(-rows // size)
    chunks = [min(step, rows - i) for i in range(0, rows, step)] if step else []
    if len(chunks) != size:
        raise RuntimeError(f"ProcessGroupGloo::{what}: invalid output tensor list at index 0 "
                           f"(expected length {size}, got {len(chunks)})")
    for i, c in enumerate(chunks):
        shape = (c,) + tuple(out.shape[1:])
        if shape != tuple(inp.shape):
            raise RuntimeError(f"ProcessGroupGloo::{what}: invalid tensor size at index {i} "
                               f"(expected ({', '.join(map(str, inp.shape))}), got "
                               f"({', '.join(map(str, shape))}))")


def all_gather_single(output_tensor, input_tensor, group=None, async_op=False):
    check_tensor(output_tensor, "output_tensor")
    check_tensor(input_tensor, "input_tensor")
    pg = _resolve(group)
    if pg is None:
        return _warn_not_in_group("all_gather_single")
    _check_chunks(output_tensor, input_tensor, pg.size(), "allgather")
    check(pg, "_ALLGATHER_BASE", input_tensor)
    bi, bo = Buf(input_tensor, output=False), Buf(output_tensor)
    req = _call(pg, async_op, "Allgather", bi.arr, bo.arr)
    return _start(req, [bo], async_op, result=[output_tensor])


def _rooted(name, tensor, tensors, list_name, rank, group_rank, group):
    """gather's and scatter's arguments checked, as gloo checks them: (group,
    root, list), the group None off it. The list is given on the root only."""
    check_tensor(tensor, "tensor")
    if tensors:
        check_tensor_list(tensors, list_name)
    else:
        tensors = []
    same_dtype([tensor], tensors)
    pg = _resolve(group)
    if pg is None:
        return None, None, tensors
    root = _group_rank(pg, rank, group_rank, default=0 if rank is None else None, gloo_op=name)
    side, kind = ("destination", "output") if name == "gather" else ("source", "input")
    if pg.rank() == root:
        if not tensors:
            raise ValueError(f"Argument ``{list_name}`` must be specified on {side} rank.")
        _check_list(tensors, tensor, pg.size(), name, kind,
                    f"ProcessGroupGloo::{name}: Incorrect {kind} list size {len(tensors)}. "
                    f"{kind.capitalize()} list size should be {pg.size()}, same as size of the "
                    "process group.")
    elif tensors:
        raise ValueError(f"Argument ``{list_name}`` must NOT be specified on non-{side} ranks.")
    _check_root(pg, root, name)
    return pg, root, tensors


def gather(tensor, gather_list=None, dst=None, group=None, async_op=False, group_dst=None):
    pg, root, gather_list = _rooted("gather", tensor, gather_list, "gather_list", dst,
                                    group_dst, group)
    if pg is None:
        return _warn_not_in_group("gather")
    check(pg, "GATHER", tensor, root)
    b = Buf(tensor, output=False)
    if pg.rank() != root:
        return _start(_call(pg, async_op, "Gather", b.arr, None, root=root), [], async_op)
    out = _staging(tensor, pg.size())
    req = _call(pg, async_op, "Gather", b.arr, out, root=root)
    return _start(req, [], async_op, lambda: _scatter_into(_decode(out, tensor), gather_list),
                  gather_list)


def scatter(tensor, scatter_list=None, src=None, group=None, async_op=False, group_src=None):
    pg, root, scatter_list = _rooted("scatter", tensor, scatter_list, "scatter_list", src,
                                     group_src, group)
    if pg is None:
        return _warn_not_in_group("scatter")
    b = Buf(tensor)
    send = (np.stack([Buf(t, output=False).arr for t in scatter_list])
            if pg.rank() == root else None)
    check(pg, "SCATTER", tensor, root)
    return _start(_call(pg, async_op, "Scatter", send, b.arr, root=root), [b], async_op,
                  result=[tensor])


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    check_tensor(output, "output")
    check_tensor_list(input_list, "input_list")
    same_dtype([output], input_list)
    pg = _resolve(group)
    if pg is None:
        return _warn_not_in_group("reduce_scatter")
    _check_list(input_list, output, pg.size(), "reduce_scatter", "input tensor")
    (bo,), mop, avg = _reduce_bufs([output], op)
    check(pg, "REDUCE_SCATTER", output, op=op)
    send = np.stack([Buf(t, reduce=True, output=False).arr for t in input_list])
    req = _call(pg, async_op, "Reduce_scatter_block", send, bo.arr, op=mop)
    return _start(req, [bo], async_op, _divider([bo], pg.size()) if avg else None, [output])


def reduce_scatter_single(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    check_tensor(output, "output")
    check_tensor(input, "input")
    pg = _resolve(group)
    if pg is None:
        return _warn_not_in_group("reduce_scatter_single")
    if input.dtype != output.dtype:
        raise RuntimeError(f"ProcessGroupGloo::reduce_scatter: invalid tensor type "
                           f"(expected {_options(output)}, got {_options(input)})")
    if input.numel() != output.numel() * pg.size():
        raise RuntimeError("ProcessGroupGloo::reduce_scatter: input tensor must be world_size "
                           f"times the output tensor's size (got {input.numel()} and "
                           f"{output.numel()} with world_size {pg.size()})")
    (bo, bi), mop, avg = _reduce_bufs([output, input], op)
    check(pg, "_REDUCE_SCATTER_BASE", output, op=op)
    bi.output = False
    req = _call(pg, async_op, "Reduce_scatter_block", bi.arr, bo.arr, op=mop)
    return _start(req, [bo], async_op, _divider([bo], pg.size()) if avg else None, [output])


def _deprecated(new):
    """PyTorch 2.13's older names: the same call, after its FutureWarning."""
    def wrap(old):
        @functools.wraps(new)
        def call(*args, **kwargs):
            warnings.warn(f"`torch.distributed.{old.__name__}` is deprecated. Please use "
                          f"`torch.distributed.{new.__name__}` instead.", FutureWarning,
                          stacklevel=2)
            return new(*args, **kwargs)
        call.__name__ = call.__qualname__ = old.__name__
        return call
    return wrap


@_deprecated(all_gather_single)
def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    pass


@_deprecated(reduce_scatter_single)
def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    pass
