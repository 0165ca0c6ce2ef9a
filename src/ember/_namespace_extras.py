"""Small names of PyTorch's top-level namespace that are not ops: the
torch.sym_* helpers on plain Python numbers, torch.cond run eagerly,
set_default_tensor_type, is_distributed, init_num_threads, empty_permuted,
native_norm (a sparse-only kernel) and torch.vmap (torch.func.vmap)."""
import builtins
import importlib
import math

from . import _dtype as D
from ._backend import np
from ._settings import warn_once
from ._tensor import Tensor
from .func import vmap

__all__ = ["sym_int", "sym_float", "sym_max", "sym_min", "sym_not", "sym_sqrt", "sym_sum",
           "sym_ite", "cond", "set_default_tensor_type", "is_distributed", "init_num_threads",
           "vmap", "empty_permuted", "native_norm"]

# Ember has no symbolic sizes: on plain numbers PyTorch's helpers are plain
# Python arithmetic, with its promotion rules (sym_max(2, 1.5) is 2.0).
_NUMBERS = (np.integer, np.floating, builtins.int, builtins.float)
_FLOATS = (np.floating, builtins.float)


def sym_not(a):
    return not a


def sym_float(a):
    return builtins.float(a)


def sym_int(a):
    return builtins.int(a)


def _min_max(pick):
    def op(a, b):
        for v in (a, b):
            if not isinstance(v, _NUMBERS):
                raise AssertionError(f"expected {_NUMBERS}, got {type(v)}")
        if isinstance(a, _FLOATS) or isinstance(b, _FLOATS):
            return builtins.float(pick(a, b))
        return pick(a, b)
    return op


sym_max = _min_max(builtins.max)
sym_max.__name__ = sym_max.__qualname__ = "sym_max"
sym_min = _min_max(builtins.min)
sym_min.__name__ = sym_min.__qualname__ = "sym_min"


def _sym_sqrt(a):
    return math.sqrt(a)


sym_sqrt = _sym_sqrt     # (PyTorch's function keeps the name _sym_sqrt too)


def sym_sum(*args):
    if len(args) == 1 and isinstance(args[0], (list, tuple)):
        args = args[0]
    return builtins.sum(args)


def sym_ite(b, t, f):
    if not isinstance(b, builtins.bool):
        raise AssertionError(f"expected SymBool or bool, got {type(b)}")
    if type(t) is not type(f):
        raise AssertionError(f"type mismatch: {type(t)} vs {type(f)}")
    return t if b else f


def is_distributed(input):
    return False


def init_num_threads():
    """Nothing to start: NumPy's BLAS sets up its own threads."""
    return None


def set_default_tensor_type(t, /):
    """The old spelling of set_default_dtype: a floating-point legacy type
    (ember.DoubleTensor) or its name ('torch.DoubleTensor')."""
    warn_once("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
              "torch.set_default_dtype() and torch.set_default_device() as alternatives.",
              cpp="torch/csrc/tensor/python_tensor.cpp:434")
    if isinstance(t, str):
        t = _import_dotted_name(t)
    dt = getattr(t, "dtype", None) if isinstance(t, type) else None
    if not isinstance(dt, D.dtype):
        raise TypeError("invalid type object: only floating-point types are supported as the "
                        "default type")
    if t.__module__.startswith(("ember.cuda", "torch.cuda")) or "cuda" in t.__name__:
        raise TypeError(f"type torch.cuda.{t.__name__} not available. Torch not compiled with "
                        "CUDA enabled.")
    D.set_default_dtype(dt)


def _import_dotted_name(name):
    """PyTorch's _import_dotted_name, with 'torch' read as Ember."""
    parts = name.split(".")
    head = "ember" if parts[0] == "torch" else parts[0]
    if head == "ember" and parts[1:2] == ["cuda"] and len(parts) == 3:
        raise TypeError(f"type torch.cuda.{parts[2]} not available. Torch not compiled with CUDA "
                        "enabled.")
    obj = importlib.import_module(head)
    for part in parts[1:]:
        if not hasattr(obj, part):
            raise AttributeError(f"module '{'torch' if head == 'ember' else head}' has no "
                                 f"attribute '{part}'")
        obj = getattr(obj, part)
    return obj


def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None,
                   requires_grad=False, pin_memory=False):
    """An empty tensor of `size` whose memory holds its dims in the order
    `physical_layout` (outermost first): strides that order, not a view."""
    from ._creation import empty
    from .ops._common import wrap
    if not isinstance(size, (tuple, list)):
        raise TypeError("empty_permuted(): argument 'size' (position 1) must be tuple of ints, "
                        f"not {type(size).__name__}")
    n = len(size)
    if n != len(physical_layout):
        raise RuntimeError("Number of dimensions in size does not match the length of the "
                           f"physical_layout; i.e. len(size) = {n} is not equal to "
                           f"len(physical_layout) = {len(physical_layout)}")
    seen = set()
    for i, p in enumerate(physical_layout):
        if not 0 <= p < n:
            raise RuntimeError(f"Dimension out of range (expected to be between 0 and {n - 1}, "
                               f"but got {p} at index {i}).  NB: negative dims not currently "
                               "supported; file an issue if you want it.")
        if p in seen:
            raise RuntimeError("Duplicate dim not allowed")
        seen.add(p)
    physical = empty([size[p] for p in physical_layout], dtype=dtype, layout=layout,
                     device=device, requires_grad=requires_grad, pin_memory=pin_memory)
    inverse = sorted(range(n), key=lambda d: physical_layout[d])
    return wrap(physical._data.transpose(inverse))._requiring_grad(requires_grad)


def native_norm(*args, **kwargs):
    """A kernel for sparse tensors only: PyTorch's CPU build refuses dense ones."""
    raise NotImplementedError("Could not run 'aten::native_norm' with arguments from the 'CPU' "
                              "backend. This could be because the operator doesn't exist for "
                              "this backend, or was omitted during the selective/custom build "
                              "process (if using custom build).")


class _CondAutogradOp:
    """Made on first use: autograd.Function imports the whole autograd."""
    cls = None


def cond(pred, true_fn, false_fn, operands=()):
    """torch.cond outside compile: a Python constant picks the branch at
    once; a one-element tensor goes through PyTorch's checks, and the
    branch's outputs get the CondAutogradOpBackward node PyTorch gives them."""
    if isinstance(pred, (builtins.bool, builtins.int, builtins.float)):
        return true_fn(*operands) if pred else false_fn(*operands)
    if not isinstance(pred, Tensor):
        raise RuntimeError(f"Expected pred to be bool or tensor, but got {pred}.")
    if pred.numel() != 1:
        raise RuntimeError(f"Expected pred to be bool or single-element tensor, but got {pred}.")
    if not callable(true_fn) or not callable(false_fn):
        raise RuntimeError("Expect both branches to be callable.")
    if not isinstance(operands, (tuple, list)) or not all(
            isinstance(t, Tensor) for t in _leaves(operands)):
        raise RuntimeError("Expect operands to be a tuple of possibly nested dict/list/tuple "
                           f"that only consists of tensor leaves, but got {operands}.")
    fn = true_fn if builtins.bool(pred) else false_fn
    from . import autograd
    if not autograd.grad_mode.is_grad_enabled() or not any(
            t.requires_grad for t in _leaves(operands)):
        return fn(*operands)
    return _with_node(fn, operands)


def _leaves(tree):
    if isinstance(tree, dict):
        tree = tree.values()
    if isinstance(tree, (list, tuple, type({}.values()))):
        for t in tree:
            yield from _leaves(t)
    else:
        yield tree


def _with_node(fn, operands):
    """The branch's tensor outputs behind one CondAutogradOp node, whose
    backward runs the branch again and differentiates it (as PyTorch's)."""
    from . import autograd
    if _CondAutogradOp.cls is None:
        class CondAutogradOp(autograd.Function):
            _builtin = True

            @staticmethod
            def forward(ctx, fn, flat_operands, *tensors):
                ctx.fn, ctx.flat = fn, flat_operands
                ctx.save_for_backward(*tensors)
                outs = fn(*flat_operands)
                single = isinstance(outs, Tensor)
                ctx.single = single
                return outs.detach() if single else tuple(o.detach() for o in outs)

            @staticmethod
            def backward(ctx, *grads):
                tensors = ctx.saved_tensors
                with autograd.grad_mode.enable_grad():
                    inputs = [t.detach()._requiring_grad(t.requires_grad) for t in tensors]
                    outs = ctx.fn(*_rebuild(ctx.flat, iter(inputs)))
                    outs = (outs,) if isinstance(outs, Tensor) else tuple(outs)
                    wanted = [t for t in inputs if t.requires_grad]
                    pairs = [(o, g) for o, g in zip(outs, grads) if o.requires_grad]
                    got = iter(autograd.grad([o for o, _ in pairs], wanted,
                                             [g for _, g in pairs], allow_unused=True)
                               if pairs and wanted else ())
                return (None, None) + tuple(next(got) if t.requires_grad else None
                                            for t in inputs)
        _CondAutogradOp.cls = CondAutogradOp
    tensors = list(_leaves(operands))
    return _CondAutogradOp.cls.apply(fn, operands, *tensors)


def _rebuild(tree, fresh):
    """`tree` with each tensor leaf replaced by the next of `fresh`."""
    if isinstance(tree, dict):
        return {k: _rebuild(v, fresh) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        return type(tree)(_rebuild(v, fresh) for v in tree)
    return next(fresh)
