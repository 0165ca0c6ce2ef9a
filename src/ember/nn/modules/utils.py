"""Argument helpers the modules share, under PyTorch's names
(torch.nn.modules.utils): an int or a sequence of them as an n-tuple; and
consume_prefix_in_state_dict_if_present, for loading a DDP model's state
dict into the bare module."""
import collections.abc
from itertools import repeat

__all__ = ["consume_prefix_in_state_dict_if_present"]


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


def consume_prefix_in_state_dict_if_present(state_dict, prefix):
    """Strip `prefix` from the keys of `state_dict` in place (and from its
    _metadata), e.g. "module." from a DistributedDataParallel model's."""
    for key in list(state_dict.keys()):
        if key.startswith(prefix):
            state_dict[key[len(prefix):]] = state_dict.pop(key)
    metadata = getattr(state_dict, "_metadata", None)
    if metadata is None:
        return
    for key in list(metadata.keys()):
        # '' is the wrapper's own entry and stays; 'module' is the wrapped
        # model's (the prefix without its dot), 'module.x' its children's
        if key and (key == prefix.replace(".", "") or key.startswith(prefix)):
            metadata[key[len(prefix):]] = metadata.pop(key)


def _own(classes, *names):
    """Give each class its own copy of the methods `names`, named
    `Class.name` as PyTorch's classes each define them where Ember's share
    one (in a private base, or from a helper): Python names a call's missing
    or unexpected arguments by the function's __qualname__ ("Conv2d.forward()
    missing 1 required positional argument: 'input'")."""
    import types
    for cls in classes:
        for name in names:
            f = getattr(cls, name)
            g = types.FunctionType(f.__code__, f.__globals__, name, f.__defaults__,
                                   f.__closure__)
            g.__kwdefaults__, g.__doc__, g.__module__ = f.__kwdefaults__, f.__doc__, f.__module__
            g.__qualname__ = f"{cls.__name__}.{name}"
            setattr(cls, name, g)


def _own_init(*classes):
    """Each class its own __init__ (see _own)."""
    _own(classes, "__init__")
