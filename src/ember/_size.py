"""torch.Size."""
import math
import operator

from . import _public_name


__all__ = ["Size"]


class Size(tuple, metaclass=_public_name.PublicClass):
    """torch.Size: a tuple of ints that prints as `ember.Size([2, 3])` (torch.Size
    under use_as_torch)."""

    def __new__(cls, sizes=()):
        sizes = tuple(sizes)
        for i, s in enumerate(sizes):
            if not hasattr(s, "__index__") or isinstance(s, float):
                raise TypeError(f"{_public_name.name}.Size() takes an iterable of 'int' (item {i} is "
                                f"'{type(s).__name__}')")
        return tuple.__new__(cls, (int(s) for s in sizes))

    def __repr__(self):
        return f"{_public_name.name}.Size({list(self)})"

    __str__ = __repr__

    def numel(self):
        return math.prod(self)

    def __getitem__(self, i):
        r = tuple.__getitem__(self, i)
        return Size(r) if isinstance(i, slice) else r

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def __mul__(self, n):
        return Size(tuple.__mul__(self, n))

    __rmul__ = __mul__


def _wrap_dim(dim, ndim):
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def _dim_arg(name, dim):
    """A dim argument other than an int: anything with __index__ but a bool
    (a NumPy integer, an integer tensor of one element), or PyTorch's refusal."""
    if not isinstance(dim, bool):
        try:
            return operator.index(dim)
        except TypeError:
            pass
    from ._python_data import _tname    # (imports Tensor, which imports this module)
    raise TypeError(f"{name}(): argument 'dim' (position 1) must be int, not {_tname(dim)}")
