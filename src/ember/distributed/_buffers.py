"""Tensors as MPI buffers: the tensor's own NumPy array wherever MPI can use it.

Copies happen only where MPI needs them: a non-contiguous tensor is staged in
a contiguous array and copied back; bfloat16 (no MPI datatype) travels as raw
bytes, and is reduced through a float32 round trip; bool is reduced as uint8
(SUM is logical or, PRODUCT logical and, as PyTorch's bool sums saturate).
float16 reduces natively (MPI_SHORT_FLOAT).
"""
from .._backend import np
from .._tensor import Tensor
from ._core import ReduceOp, _mpi

__all__ = []


def check_tensor(param, name):
    if not isinstance(param, Tensor):
        raise TypeError(f"Invalid function argument. Expected parameter `{name}` of type "
                        f"torch.Tensor\n             but got {type(param)} instead.")


def check_tensor_list(param, name):
    if not isinstance(param, list):
        raise TypeError(f"Invalid function argument. Expected parameter `{name}` of type "
                        f"List[torch.Tensor]\n             but got {type(param)} instead.")
    if not all(isinstance(p, Tensor) for p in param):
        raise TypeError(f"Invalid function argument. Expected parameter `{name}` of type "
                        f"List[torch.Tensor]\n             but got {type(param)} with elements "
                        f"of type {[type(p) for p in param]}.")


def same_dtype(*tensor_lists):
    last = None
    for tensors in tensor_lists:
        for t in tensors:
            if last is None:
                last = t.dtype
            elif t.dtype != last:
                raise ValueError("Invalid usage of tensors with different dtypes"
                                 f"Found {last} and  {t.dtype}")


def _mpi_native(dtype):
    return dtype.kind in "iufbc" and dtype.itemsize <= 16 and dtype.char in "?bBhHiIlLqQefdFD"


def mpi_op(op, dtype):
    """(MPI op, whether to divide afterwards) for a ReduceOp on `dtype`."""
    if not isinstance(op, ReduceOp.RedOpType):
        raise TypeError(f"op must be a torch.distributed.ReduceOp member, got {op!r}")
    MPI = _mpi()
    if op is ReduceOp.AVG and dtype.kind in "iub":
        name = {"b": "Bool"}.get(dtype.kind, _INT_NAMES.get(dtype.char, "Long"))
        raise RuntimeError(f"result type Float can't be cast to the desired output type {name}")
    if dtype.kind == "c":       # (as PyTorch's supports_complex: sums only)
        table = {ReduceOp.SUM: MPI.SUM, ReduceOp.AVG: MPI.SUM}
    elif dtype.kind == "b":
        table = {ReduceOp.SUM: MPI.MAX, ReduceOp.PRODUCT: MPI.MIN, ReduceOp.MIN: MPI.MIN,
                 ReduceOp.MAX: MPI.MAX, ReduceOp.BAND: MPI.BAND, ReduceOp.BOR: MPI.BOR,
                 ReduceOp.BXOR: MPI.BXOR}
    else:
        table = {ReduceOp.SUM: MPI.SUM, ReduceOp.AVG: MPI.SUM, ReduceOp.PRODUCT: MPI.PROD,
                 ReduceOp.MIN: MPI.MIN, ReduceOp.MAX: MPI.MAX}
        if dtype.kind in "iu":
            table.update({ReduceOp.BAND: MPI.BAND, ReduceOp.BOR: MPI.BOR,
                          ReduceOp.BXOR: MPI.BXOR})
    if op not in table:
        raise ValueError(f"Cannot use {op} with the MPI backend on dtype {dtype}")
    return table[op], op is ReduceOp.AVG


_INT_NAMES = {"b": "Char", "B": "Byte", "h": "Short", "i": "Int", "l": "Long", "q": "Long"}


class Buf:
    """The array MPI reads or writes for one tensor, and how to finish it.

    reduce=True picks a representation MPI can reduce; otherwise one it can
    move. `finish()` copies a staged array back into the tensor (outputs only).
    The version counter is left alone, as PyTorch's c10d collectives leave it
    (measured with gloo: all_reduce SUM keeps `_version`; AVG's division is an
    in-place op and bumps it, see _collectives._divider).
    """

    def __init__(self, tensor, reduce=False, output=True):
        data = tensor._data
        self.tensor, self.output = tensor, output
        arr = data if data.flags.c_contiguous else np.ascontiguousarray(data)
        if reduce and data.dtype.kind == "b":
            arr = arr.view(np.uint8)
        elif reduce and not _mpi_native(data.dtype):
            arr = arr.astype(np.float32)
        elif not _mpi_native(data.dtype):
            arr = arr.reshape(-1).view(np.uint8)
        self.arr = arr
        self.staged = arr is not data and not np.may_share_memory(arr, data)

    def finish(self):
        if self.output and self.staged:
            np.copyto(self.tensor._data, self.arr.reshape(self.tensor._data.shape)
                      .astype(self.tensor._data.dtype, copy=False), casting="unsafe")
