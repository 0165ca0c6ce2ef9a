"""PyTorch's Extending-PyTorch note, its parts on subclassing torch.Tensor
and on modes: the LoggingTensor (logging to a list), a subclass keeping its
class through ops, DisableTorchFunctionSubclass, and the FunctionLog mode.
Printed functions are named by __name__ or resolve_name (their reprs hold
addresses)."""
import torch

# Subclassing torch.Tensor (the note's LoggingTensor, logging to a list)
LOG = []


class LoggingTensor(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        # NOTE: Logging calls Tensor.__repr__, so we can't log __repr__ without infinite recursion
        if func is not torch.Tensor.__repr__:
            LOG.append(f"func: {func.__name__}, args: {len(args)} of "
                       f"{sorted({type(a).__name__ for a in args})}, kwargs: {kwargs!r}")
        if kwargs is None:
            kwargs = {}
        return super().__torch_function__(func, types, args, kwargs)


lt = torch.tensor([[1., 2.], [3., 4.]]).as_subclass(LoggingTensor)
out = (lt @ lt).relu().sum(dim=0) + torch.ones(2)
print(type(out).__name__, out)
print(*LOG, sep="\n")


class Plain(torch.Tensor):
    pass


p = torch.arange(4.).reshape(2, 2).as_subclass(Plain)
print(type(p + 1).__name__, type(torch.mean(p)).__name__, type(p[0]).__name__,
      type(torch.max(p, 0)).__name__, type(torch.max(p, 0).values).__name__,
      type(p.shape).__name__, p.tolist())
with torch._C.DisableTorchFunctionSubclass():
    print(type(p + 1).__name__)

# Extending all torch API with Modes (the note's FunctionLog; its
# DispatchLog is a TorchDispatchMode, which Ember has not)
from torch.overrides import TorchFunctionMode, resolve_name


class FunctionLog(TorchFunctionMode):
    def __torch_function__(self, func, types, args, kwargs=None):
        print(f"Function Log: {resolve_name(func)}(*{args}, **{kwargs})")
        return func(*args, **(kwargs or {}))


torch.manual_seed(0)
with FunctionLog():
    # (the note's torch.mm: PyTorch's resolve_name calls it torch.spmm, its alias)
    torch.matmul(torch.rand(2, 2).mul(0).add(1), torch.ones(2, 2))
