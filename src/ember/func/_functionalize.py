"""torch.func.functionalize, eagerly.

PyTorch's transform runs the function on "functional" wrappers whose in-place
ops become out-of-place ones, then copies the inputs' final values back into
the inputs a mutation reached. Ember has no graph to hand to a compiler, so
what is left to keep is the observable behaviour: the same outputs, the
inputs mutated as the function mutates them, and no output aliasing an
input (an output that is an input unchanged comes back as that input; a
mutated one as the updated copy).
The function runs on clones of the tensor arguments; a clone whose version
moved is copied back into its argument afterwards.
"""
import functools

from .._tensor import Tensor
from ..utils._pytree import tree_flatten, tree_unflatten

__all__ = ["functionalize"]

_REMOVE = ("mutations", "mutations_and_views")


def functionalize(func, *, remove="mutations"):
    """A function with `func`'s semantics whose in-place changes of
    intermediate tensors are removed (eagerly: run on copies, see above)."""
    if remove not in _REMOVE:
        raise RuntimeError(
            f"functionalize(f, remove='mutations'): received invalid argument for "
            f"remove={remove}. Valid options are:\n"
            "     remove='mutations': all inplace and out= operators will be removed from the "
            "program, and replaced with their out-of-place equivalents.\n"
            "     remove='mutations_and_views': In addition to the above, all aliasing "
            "operators {view} will be replaced with their non-aliasing counterparts, "
            "{view}_copy.\n")

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        leaves, spec = tree_flatten((args, kwargs))
        copies = [leaf.clone() if isinstance(leaf, Tensor) else leaf for leaf in leaves]
        versions = [c._version if isinstance(c, Tensor) else None for c in copies]
        f_args, f_kwargs = tree_unflatten(copies, spec)
        outputs = func(*f_args, **f_kwargs)
        # (PyTorch syncs each input after the function: a mutated one gets its
        # final value, through a differentiable copy)
        originals = {}
        for leaf, c, v in zip(leaves, copies, versions):
            if isinstance(c, Tensor):
                if c._version != v:
                    leaf.copy_(c)
                else:       # (returned unchanged: the input itself, as PyTorch's)
                    originals[id(c)] = leaf
        out_leaves, out_spec = tree_flatten(outputs)
        return tree_unflatten([originals.get(id(o), o) if isinstance(o, Tensor) else o
                               for o in out_leaves], out_spec)
    return wrapped
