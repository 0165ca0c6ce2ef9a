"""The name Ember's reprs give the library.

"ember" normally (`ember.float32`, `ember.Size([2, 3])`). While
`use_as_torch()` makes `import torch` give Ember (so under `ember.run`), the
program calls the library `torch`, and these reprs say `torch.`, as PyTorch's
do: `print(x.shape)` shows `torch.Size([2, 3])`, `print(type(x))`
`<class 'torch.Tensor'>`.
"""

name = "ember"


def set_name(value):
    global name
    name = value


def public_module(module):
    """A module's dotted name as the program knows the library: ember.nn
    reads torch.nn under use_as_torch."""
    if name != "ember" and (module == "ember" or module.startswith("ember.")):
        return name + module[len("ember"):]
    return module


def class_repr(cls):
    """repr(cls) as the program names the library (for messages that show a
    class Ember defines without this metaclass, nn.Sequential...)."""
    return f"<class '{public_module(cls.__module__)}.{cls.__qualname__}'>"


class PublicClass(type):
    """The metaclass of the classes programs print the type of (Tensor,
    Parameter, dtype, Size, device): `<class 'torch.Tensor'>` while the
    program calls the library torch, `<class 'ember.Tensor'>` otherwise."""

    def __repr__(cls):
        return class_repr(cls)


class PublicRepr:
    """object's default repr, `<module.Class object at 0x...>`, with the
    module named as the program imported the library (torch.utils.data...
    under use_as_torch): for the classes learners print as they are
    (DataLoader, datasets, samplers, schedulers, GradScaler, no_grad)."""
    __slots__ = ()

    def __repr__(self):
        cls = type(self)
        return f"<{public_module(cls.__module__)}.{cls.__qualname__} object at {hex(id(self))}>"
