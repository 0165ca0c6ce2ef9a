"""torch.func: function transforms (grad, vjp, jvp, jacrev, jacfwd,
hessian, linearize; _transforms.py, _jacobians.py), functionalize and functional_call."""
from collections.abc import Sequence

from ..nn.utils.stateless import _functional_call
from ._functionalize import functionalize
from ._jacobians import hessian, jacfwd, jacrev
from ._rearrange import rearrange
from ._transforms import grad, grad_and_value, jvp, linearize, vjp
from ._vmap import vmap

__all__ = ["functional_call", "grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd",
           "hessian", "linearize", "vmap", "stack_module_state", "debug_unwrap",
           "replace_all_batch_norm_modules_", "functionalize", "rearrange"]


def debug_unwrap(tensor, *, recurse=True):
    """The batch behind a BatchedTensor (inside vmap), for a debugger:
    all levels with `recurse`, else one; any other tensor as it is."""
    from ._vmap import BatchedTensor
    while isinstance(tensor, BatchedTensor):
        tensor = tensor._phys
        if not recurse:
            break
    return tensor


def replace_all_batch_norm_modules_(root):
    """Every BatchNorm module in `root` stops tracking running statistics (so
    it normalises each batch by its own, as vmap over an ensemble needs); in place."""
    from ..nn.modules.batchnorm import _BatchNorm
    for module in root.modules():
        if isinstance(module, _BatchNorm) and module.track_running_stats:
            module.running_mean = None
            module.running_var = None
            module.num_batches_tracked = None
            module.track_running_stats = False
    return root


def stack_module_state(models):
    """(params, buffers) of several models of one class, each name's tensors
    stacked along a new first dim (for vmap over an ensemble)."""
    if len(models) == 0:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or all(not m.training for m in models)):
        raise RuntimeError(
            "stack_module_state: Expected all models to have the same training/eval mode.")
    if not all(type(m) is type(models[0]) for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")
    stacked = []
    for named in ("named_parameters", "named_buffers"):
        every = [dict(getattr(m, named)()) for m in models]
        stacked.append({k: _stacked_leaf(tuple(d[k] for d in every), k) for k in every[0]})
    return tuple(stacked)


def _stacked_leaf(tensors, name):
    from .. import stack
    grads = [t.requires_grad for t in tensors]
    if any(grads) and not all(grads):
        raise RuntimeError(f"Expected {name} from each model to have the same .requires_grad")
    result = stack(tensors)
    return result.detach().requires_grad_() if all(grads) else result


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                    tie_weights=True, strict=False):
    """Call `module` with its parameters and buffers replaced by those in the
    dict (or tuple of dicts with distinct keys) for this one call."""
    if isinstance(parameter_and_buffer_dicts, dict):
        parameters_and_buffers = parameter_and_buffer_dicts
    elif isinstance(parameter_and_buffer_dicts, Sequence):
        if not all(isinstance(d, dict) for d in parameter_and_buffer_dicts):
            raise ValueError(
                "Expected all elements of parameter_and_buffer_dicts to be dictionaries")
        counts = {}
        for d in parameter_and_buffer_dicts:
            for k in d:
                counts[k] = counts.get(k, 0) + 1
        repeated_keys = [key for key, n in counts.items() if n > 1]
        if repeated_keys:
            raise ValueError(f"{repeated_keys} appeared in multiple dictionaries; behavior of "
                             "functional call is ambiguous")
        parameters_and_buffers = {k: v for d in parameter_and_buffer_dicts for k, v in d.items()}
    else:
        raise ValueError("Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of "
                         f"dicts, but got {type(parameter_and_buffer_dicts)}")
    return _functional_call(module, parameters_and_buffers, args, kwargs,
                            tie_weights=tie_weights, strict=strict)
