"""A backend module whose flags are checked when set, as PyTorch's C++
setters check them (`cudnn.deterministic = 1` raises), and which imports as
ember.backends.<name>."""
import sys
import types


class FlagModule(types.ModuleType):
    """Flags in `_bools` (name -> PyTorch's setter name) accept only a bool."""

    _bools = {}

    def __init__(self, name, doc=None, **attrs):
        super().__init__(name, doc)
        for key, value in attrs.items():
            object.__setattr__(self, key, value)
        sys.modules[name] = self

    def __setattr__(self, name, value):
        setter = type(self)._bools.get(name)
        if setter is not None and type(value) is not bool:
            raise RuntimeError(f"{setter} expects a bool, but got {type(value).__name__}")
        super().__setattr__(name, value)


def flag_setter(module, names):
    """set_flags(...) -> the flags before; each argument left None is kept."""
    def set_flags(*values):
        before = tuple(getattr(module, n) for n in names)
        for name, value in zip(names, values):
            if value is not None:
                setattr(module, name, value)
        return before
    return set_flags
