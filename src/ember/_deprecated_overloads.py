"""PyTorch's deprecated positional overloads of add, sub, addcmul and
addcdiv (deprecated.yaml): `t.add_(alpha, other)`, `torch.addcmul(t, value,
t1, t2)`, ..., still found in old scripts and tutorials. They compute as
the keyword forms; the first use in a process warns (PyTorch's one
TORCH_WARN_ONCE serves them all)."""
import numbers
import warnings

from . import _settings
from ._tensor import Tensor
from .ops._keywords import MISSING, missing_error
from .ops._operand_refusal import stand_in
from .ops._parser_types import parser_type_error

_warned = [False]


def _warn(name, method, scalar, tensors):
    if _warned[0] and not _settings._state["warn_always"]:
        return
    _warned[0] = True
    args = ", ".join(f"Tensor {t}" for t in tensors)
    if method:
        old, new = f"{name}(Number {scalar}, {args})", f"{name}({args}, *, Number {scalar} = 1)"
    else:
        old = f"{name}(Tensor input, Number {scalar}, {args}, *, Tensor out = None)"
        new = f"{name}(Tensor input, {args}, *, Number {scalar} = 1, Tensor out = None)"
    warnings.warn(f"This overload of {name} is deprecated:\n\t{old}\nConsider using one of the "
                  f"following signatures instead:\n\t{new}", UserWarning, stacklevel=3)


def _deprecated(fn, name, method, scalar, tensors):
    """fn, also called as fn(self, <scalar>, *tensors): the old order."""
    n = len(tensors)

    def call(self=MISSING, *args, **kwargs):
        # (self MISSING: torch.add() left it out; the parser's words on the error path)
        if self is MISSING and not method and "input" in kwargs:
            self = kwargs.pop("input")      # (torch.add(input=x, other=y))
        if (len(args) == n + 1 and isinstance(args[0], numbers.Number)
                and all(isinstance(a, Tensor) for a in args[1:])):
            if scalar in kwargs:
                raise TypeError(f"{name}() received an invalid combination of arguments - got "
                                f"unrecognized keyword arguments: {scalar}")
            _warn(name, method, scalar, tensors)
            return fn(self, *args[1:], **{scalar: args[0]}, **kwargs)
        try:
            return fn(self, *args, **kwargs)
        except Exception:
            if self is MISSING:
                error = missing_error(name, (), kwargs, False)
            else:       # (a string or an array for alpha: the parser's error)
                error = parser_type_error(name, method, (self,) + args, kwargs)
            if error is None:
                raise
            raise error from None
    return stand_in(call, fn, name)


def install(namespace):
    for name, scalar, tensors in (("add", "alpha", ("other",)), ("sub", "alpha", ("other",)),
                                  ("addcmul", "value", ("tensor1", "tensor2")),
                                  ("addcdiv", "value", ("tensor1", "tensor2"))):
        namespace[name] = _deprecated(namespace[name], name, False, scalar, tensors)
        for method in (name, name + "_"):
            setattr(Tensor, method, _deprecated(getattr(Tensor, method), method, True, scalar,
                                                tensors))
