"""Argument helpers the modules share, under PyTorch's names
(torch.nn.modules.utils): an int or a sequence of them as an n-tuple."""
import collections.abc
from itertools import repeat

__all__ = []


def _ntuple(n, name="parse"):
    """A parser: an iterable as a tuple of its items (any length, checked
    later by the functional), anything else repeated n times."""
    def parse(x):
        if isinstance(x, collections.abc.Iterable):
            return tuple(x)
        return tuple(repeat(x, n))
    parse.__name__ = name
    return parse


_single = _ntuple(1, "_single")
_pair = _ntuple(2, "_pair")
_triple = _ntuple(3, "_triple")
_quadruple = _ntuple(4, "_quadruple")


def _reverse_repeat_tuple(t, n):
    """(1, 2) -> (2, 2, 1, 1) for n=2: the padding of each dim in F.pad's order."""
    return tuple(x for x in reversed(t) for _ in range(n))
