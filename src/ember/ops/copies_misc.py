"""Small torch functions: split_with_sizes and the unsafe splits, detach,
fill, zero_, the dtype questions (is_signed, is_complex, ...), and the
complex-number ops on real tensors (conj, real, angle, ...)."""
import math

from ._common import D, Tensor, np, recorded
from ._registry import grad_fn, register
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


for _f in (split_with_sizes, unsafe_split, unsafe_chunk, unsafe_split_with_sizes):
    register(_f, out=False, quiet=True)


def _tensor_arg(value, op, name="input", position=1):
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be Tensor, not "
                        f"{type(value).__name__}")
    return value


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
        data = np.full(x.shape, value._data, x.dtype)
        return recorded(_inplace.FillBackward1, data, (input, value))
    return recorded(_inplace.FillBackward0, np.full(x.shape, np.asarray(value).astype(x.dtype)),
                    (input,))


register(fill, method=False, inplace=_inplace.fill_, inplace_function=True, out=False,
         quiet=True)


def is_signed(input):
    return _tensor_arg(input, "is_signed")._data.dtype.kind in "if"


def is_conj(input):
    _tensor_arg(input, "is_conj")
    return False        # (Ember has no complex tensors, so no conjugate bit)


def is_neg(input):
    _tensor_arg(input, "is_neg")
    return False


def is_same_size(input, other):
    _tensor_arg(other, "is_same_size", "other", 2)
    return input._data.shape == other._data.shape


def get_device(input):
    _tensor_arg(input, "get_device")
    return -1           # the CPU's number, as PyTorch's


for _f in (is_signed, is_conj, is_neg, is_same_size, get_device):
    register(_f, out=False, quiet=True)


# On a real tensor the conjugate, the real part and their resolved forms are
# the tensor itself (PyTorch returns `input`, not a copy).
def _itself(name):
    def op(input):
        return _tensor_arg(input, name)
    return op


for _name in ("conj", "resolve_conj", "resolve_neg"):
    register(_itself(_name), _name, out=False, quiet=True)
register(_itself("conj_physical"), "conj_physical", inplace=True, inplace_function=True,
         quiet=True)


class _Part:
    """torch.real / torch.imag, which Tensor has as properties (x.real):
    the function, and on a tensor its value."""

    def __init__(self, function):
        self.function = function
        self.__doc__ = function.__doc__

    def __call__(self, input):
        return self.function(input)

    def __get__(self, tensor, owner=None):
        return self if tensor is None else self.function(tensor)

    def __set__(self, tensor, value):
        """x.real = v writes v into x (the real part of a real tensor)."""
        self.function(tensor)       # (imag: refused on a real tensor)
        if isinstance(value, Tensor):
            tensor.copy_(value)
        elif isinstance(value, (bool, int, float, np.number, np.bool_)):
            tensor.fill_(value)
        else:
            raise TypeError(f"can't assign a {type(value).__name__} to a {tensor.type()}")


def _imag(input):
    _tensor_arg(input, "imag")
    raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")


real = register(_Part(_itself("real")), "real", out=False, quiet=True)
imag = register(_Part(_imag), "imag", out=False, quiet=True)

# The angle of a real number is 0 or pi: flat, so its gradient is zero.
AngleBackward0 = grad_fn("AngleBackward0", self=lambda xp, g: g * 0)


def angle(input):
    x = input._data
    if x.dtype.kind != "f":
        x = x.astype(D._default[0]._np)
    # (NaN stays NaN: NumPy's where keeps x where the comparison fails)
    data = np.where(x < 0, np.asarray(math.pi, x.dtype), np.where(x >= 0, 0, x).astype(x.dtype))
    return recorded(AngleBackward0, data, (input,))


register(angle, node=AngleBackward0)
