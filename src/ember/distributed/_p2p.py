"""Point-to-point and all-to-all: send, recv, isend, irecv, all_to_all(_single)."""
from .._backend import np
from ._buffers import Buf, check_tensor, check_tensor_list, same_dtype
from ._collectives import _call, _decode, _group_rank, _start
from ._fingerprint import check
from ._core import _mpi, _resolve, _warn_not_in_group
from ._work import Work

__all__ = ["send", "recv", "isend", "irecv", "all_to_all", "all_to_all_single"]


def _peer(pg, rank, group_rank, what):
    peer = _group_rank(pg, rank, group_rank)
    if peer == pg.rank():
        raise ValueError(f"Invalid {what} rank: {what} rank should not be the same as the rank "
                         "of the current process.")
    return peer


def isend(tensor, dst=None, group=None, tag=0, group_dst=None):
    check_tensor(tensor, "tensor")
    pg = _resolve(group)
    if pg is None:
        return _warn_not_in_group("isend")
    peer = _peer(pg, dst, group_dst, "destination")
    b = Buf(tensor, output=False)
    return Work([pg._comm.Isend(b.arr, dest=peer, tag=tag)], result=[tensor])


class _RecvWork(Work):
    """A Work whose sender is known once it completes (recv from any source)."""

    def __init__(self, pg, buf, source, tag):
        MPI = _mpi()
        self._pg = pg
        status = MPI.Status()

        def finish():
            # MPI accepts a shorter message than the buffer and leaves the rest
            # as it was: wrong numbers, unless checked.
            got = status.Get_count(MPI.BYTE)
            if got != buf.arr.nbytes:
                raise _size_mismatch(f"{got} bytes", buf.arr.nbytes)
            buf.finish()
        super().__init__([pg._comm.Irecv(buf.arr, source=source, tag=tag)], finish,
                         [buf.tensor], [status])

    def wait(self, timeout=None):
        try:
            return super().wait(timeout)
        except _mpi().Exception:
            if self._statuses[0].Get_error() != _mpi().ERR_TRUNCATE:
                raise
            raise _size_mismatch("a longer message", self._result[0]._data.nbytes) from None

    def source_rank(self):
        """The sender's global rank (PyTorch's Work.source_rank, for a recv from anyone)."""
        self.wait()
        return self._pg._ranks[self._statuses[0].Get_source()]


def _size_mismatch(got, expected):
    return RuntimeError(f"recv: received data size doesn't match expected size ({got} for a "
                        f"{expected}-byte tensor). Is there a send/recv mismatch in your code?")


def irecv(tensor, src=None, group=None, tag=0, group_src=None):
    check_tensor(tensor, "tensor")
    pg = _resolve(group)
    if pg is None:
        return _warn_not_in_group("irecv")
    if src is None and group_src is None:
        source = _mpi().ANY_SOURCE
    else:
        source = _peer(pg, src, group_src, "source")
    return _RecvWork(pg, Buf(tensor), source, tag)


def send(tensor, dst=None, group=None, tag=0, group_dst=None):
    work = isend(tensor, dst, group, tag, group_dst)
    if work is not None:
        work.wait()


def recv(tensor, src=None, group=None, tag=0, group_src=None):
    """Receive into `tensor`; returns the sender's global rank (-1 off the group)."""
    work = irecv(tensor, src, group, tag, group_src)
    if work is None:
        return -1
    return work.source_rank()


def _rows(t):
    """Elements per dim-0 row of `t` in its MPI representation."""
    data = t._data
    units = data.size * (data.itemsize if Buf(t, output=False).arr.dtype == np.uint8
                         and data.dtype != np.uint8 else 1)
    return units // data.shape[0] if data.ndim and data.shape[0] else units


def _displacements(counts):
    return [0] + list(np.cumsum(counts[:-1]).tolist()) if counts else []


def all_to_all_single(output, input, output_split_sizes=None, input_split_sizes=None,
                      group=None, async_op=False):
    check_tensor(output, "output")
    check_tensor(input, "input")
    same_dtype([output], [input])
    pg = _resolve(group)
    if pg is None:
        return _warn_not_in_group("all_to_all_single")
    size = pg.size()
    splits = []
    for t, given, name in ((output, output_split_sizes, "output"),
                           (input, input_split_sizes, "input")):
        rows = t.shape[0] if t.dim() else 1
        if not given:
            if rows % size:
                raise RuntimeError(f"Tensor's dim 0 does not divide equally across group size "
                                   f"(got {rows} rows for {size} ranks)")
            given = [rows // size] * size
        elif len(given) != size or sum(given) != rows or min(given) < 0:
            raise RuntimeError(f"Split sizes doesn't match total dim 0 size ({name} split sizes "
                               f"{list(given)}, dim 0 size {rows}, group size {size})")
        splits.append([int(s) * _rows(t) for s in given])
    check(pg, "ALLTOALL_BASE", input, shape=False)
    bo, bi = Buf(output), Buf(input, output=False)
    req = _call(pg, async_op, "Alltoallv", [bi.arr, (splits[1], _displacements(splits[1]))],
                              [bo.arr, (splits[0], _displacements(splits[0]))])
    return _start(req, [bo], async_op, result=[output])


def all_to_all(output_tensor_list, input_tensor_list, group=None, async_op=False):
    check_tensor_list(output_tensor_list, "output_tensor_list")
    check_tensor_list(input_tensor_list, "input_tensor_list")
    same_dtype(output_tensor_list, input_tensor_list)
    pg = _resolve(group)
    if pg is None:
        return _warn_not_in_group("all_to_all")
    size = pg.size()
    for name, tensors in (("output", output_tensor_list), ("input", input_tensor_list)):
        if len(tensors) != size:
            raise RuntimeError(f"ProcessGroupGloo::alltoall: invalid {name} tensor list "
                               f"(expected length {size}, got {len(tensors)})")
    check(pg, "ALLTOALL", input_tensor_list[0] if input_tensor_list else None, shape=False)
    send_parts = [Buf(t, output=False).arr.reshape(-1) for t in input_tensor_list]
    send = np.concatenate(send_parts)
    recv_counts = [Buf(t, output=False).arr.size for t in output_tensor_list]
    recv = np.empty(sum(recv_counts), dtype=send.dtype)
    send_counts = [p.size for p in send_parts]
    req = _call(pg, async_op, "Alltoallv", [send, (send_counts, _displacements(send_counts))],
                              [recv, (recv_counts, _displacements(recv_counts))])

    def unpack():
        for t, part in zip(output_tensor_list,
                           np.split(recv, np.cumsum(recv_counts)[:-1])):
            arr = _decode(part.reshape(1, -1), t)
            np.copyto(t._data, arr.reshape(t._data.shape).astype(t._data.dtype, copy=False),
                      casting="unsafe")
    return _start(req, [], async_op, unpack, output_tensor_list)
