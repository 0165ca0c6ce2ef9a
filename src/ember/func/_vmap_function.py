"""A custom autograd.Function under vmap: its own vmap staticmethod, or
generate_vmap_rule=True (once per sample), as PyTorch requires one or the
other; and its refusal without setup_context (autograd/function.py)."""
from .._tensor import Tensor
from ._pytree import tree_flatten, tree_unflatten
from ._vmap import (_broadcast_to_and_flatten, _innermost, _levels, batch_size, is_batched,
                    wrap)

__all__ = []

# Set while gradcheck's batched checks run: they stand for PyTorch's legacy
# torch._vmap_internals._vmap, which knows nothing of a Function's vmap
# support and runs it on the batch as it stands (here once per sample).
_legacy = []


def _function_apply(apply):
    """A custom autograd.Function inside vmap: its own `vmap` staticmethod
    (given the batches and their in_dims), or with generate_vmap_rule=True
    once per sample, as PyTorch requires one or the other."""
    from collections import namedtuple
    from ..autograd.function import NEEDS_SETUP_CONTEXT, Function
    Info = namedtuple("VmapInfo", "batch_size randomness")

    def op(cls, *args, **kwargs):
        if _legacy:
            level = _innermost(args, kwargs)
            if level < 0:
                return apply(cls, *args, **kwargs)
            from ._batching_rules import _per_sample
            return _per_sample(lambda *a, **k: op(cls, *a, **k), "apply", level, args, kwargs)
        if cls.setup_context is Function.setup_context and not cls._builtin:
            # (even on unbatched inputs)
            raise RuntimeError(NEEDS_SETUP_CONTEXT)
        level = _innermost(args, kwargs)
        if level < 0:
            return apply(cls, *args, **kwargs)
        own = cls.vmap is not Function.vmap
        if own and cls.generate_vmap_rule:
            raise RuntimeError(
                f"You tried to vmap over {cls.__name__}, but it has both generate_vmap_rule=True "
                "and an overridden vmap staticmethod. Please set generate_vmap_rule=False or "
                "delete the overridden vmap staticmethod to avoid ambiguity. For more details, "
                "please see https://pytorch.org/docs/main/notes/extending.func.html")
        if own:
            return _own_rule(cls, Info(batch_size(level), _levels[level][1]), level, args)
        if getattr(cls, "generate_vmap_rule", False):
            from ._batching_rules import _per_sample
            return _per_sample(lambda *a, **k: op(cls, *a, **k), "apply", level, args, kwargs)
        raise RuntimeError(
            f"You tried to vmap over {cls.__name__}, but it does not have vmap support. Please "
            "override and implement the vmap staticmethod or set generate_vmap_rule=True. For "
            "more details, please see https://pytorch.org/docs/main/notes/extending.func.html")
    return op


def _own_rule(cls, info, level, args):
    """A Function's vmap staticmethod on the batches: (output, out_dims)
    checked as PyTorch checks them; an input returned as is stays itself."""
    phys = [a._phys if is_batched(a, level) else a for a in args]
    in_dims = tuple(0 if is_batched(a, level) else None for a in args)
    result = cls.vmap(info, in_dims, *phys)
    expected = ("Expected the vmap staticmethod to have two returns, an output and out_dims "
                "with pytree structure compatible with the output. ")
    if not isinstance(result, tuple):
        raise RuntimeError(expected + f"Got a {type(result)} instead")
    if len(result) != 2:
        raise RuntimeError(expected + f"Got {len(result)} returns instead")
    out, out_dims = result
    leaves, spec = tree_flatten(out)
    dims = _broadcast_to_and_flatten(out_dims, spec)
    if dims is None:
        from ..utils import _pytree      # (its TreeSpec prints as PyTorch's does)
        raise RuntimeError(
            "The autograd.Function's vmap staticmethod returned an incompatible (output, "
            f"out_dims) tuple. Expected out_dims={out_dims} to be compatible with the structure "
            f"of `output`. out_dims has structure {_pytree.tree_flatten(out_dims)[1]} but "
            f"output has structure {_pytree.tree_flatten(out)[1]}. For more details, please "
            "see https://pytorch.org/docs/main/notes/extending.func.html")
    originals = {id(p): a for p, a in zip(phys, args)}
    return tree_unflatten([
        x if not isinstance(x, Tensor) else originals[id(x)] if id(x) in originals
        else wrap(x.movedim(d, 0) if d else x, level) if d is not None else x
        for x, d in zip(leaves, dims)], spec)
