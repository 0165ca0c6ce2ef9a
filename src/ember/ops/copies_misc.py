"""Small torch functions: split_with_sizes and the unsafe splits, detach,
fill, zero_, and the dtype questions (is_signed, is_complex, ...); the
complex-number ops (conj, real, angle, ...) are in complex_parts.py."""
from .. import _layout as _L
from ._common import Tensor, np, number_arg, recorded, tensor_arg
from ._registry import register
from . import inplace as _inplace, splitting as _split
from .copies import _split_with_sizes, rehome

__all__ = []


def split_with_sizes(input, split_sizes, dim=0):
    return _split_with_sizes(input, split_sizes, dim)


# The unsafe splits: pieces sharing the input's memory but not views of it
# (no shared version counter), recorded as PyTorch's Unsafe* nodes.
def unsafe_split(input, split_size, dim=0):
    return rehome(input, _split.split(input, split_size, dim), "UnsafeSplitBackward0", False)


def unsafe_chunk(input, chunks, dim=0):
    return rehome(input, _split.chunk(input, chunks, dim), "UnsafeSplitBackward0", False)


def unsafe_split_with_sizes(input, split_sizes, dim=0):
    return rehome(input, _split_with_sizes(input, split_sizes, dim),
                  "UnsafeSplitWithSizesBackward0", False)


# (the registry's wrapper, not quiet=True: its error path words a left-out argument)
for _f in (split_with_sizes, unsafe_split, unsafe_chunk, unsafe_split_with_sizes):
    register(_f, out=False)


# Tensor's own detach, detach_, zero_ and is_complex, as torch functions too.
register(Tensor.detach, "detach", inplace=Tensor.detach_, inplace_function=True, out=False,
         quiet=True)
register(_inplace.zero_, "zero_", out=False, quiet=True)
register(Tensor.is_complex, "is_complex", out=False, quiet=True)


def fill(input, value):
    """A tensor of input's shape and dtype holding `value` (a number or a
    0-d tensor, which gets the gradient of every element)."""
    x = input._data
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError("fill_ only supports 0-dimension value tensor but got tensor "
                               f"with {value._data.ndim} dimensions.")
        data = _L.empty_like(x)     # (at::empty_like(input).fill_(value): its layout)
        data[...] = value._data
        return recorded(_inplace.FillBackward1, data, (input, value))
    number_arg(value)
    data = _L.empty_like(x)
    data[...] = np.asanyarray(value).astype(x.dtype)
    return recorded(_inplace.FillBackward0, data, (input,))


register(fill, method=False, inplace=_inplace.fill_, inplace_function=True, out=False,
         quiet=True)


def is_signed(input):
    return tensor_arg(input, "is_signed").dtype.is_signed


def is_neg(input):
    tensor_arg(input, "is_neg")
    return False


def is_same_size(input, other):
    tensor_arg(other, "is_same_size", "other", 2)
    return input._data.shape == other._data.shape


def get_device(input):
    tensor_arg(input, "get_device")
    return -1           # the CPU's number, as PyTorch's


for _f in (is_signed, is_neg, is_same_size, get_device):
    register(_f, out=False, quiet=True)
