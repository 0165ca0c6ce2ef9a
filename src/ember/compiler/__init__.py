"""torch.compiler with eager semantics: Ember never compiles, so `is_compiling`
is always False and the decorators leave functions to run as written."""
from .._compile import compile
from .._dynamo import (allow_in_graph, assume_constant_result, disable, is_compiling,
                       list_backends, reset, set_stance)

__all__ = ["compile", "assume_constant_result", "reset", "allow_in_graph",
           "substitute_in_graph", "list_backends", "disable", "set_default_backend",
           "get_default_backend", "set_stance", "cudagraph_mark_step_begin", "wrap_numpy",
           "is_compiling", "is_dynamo_compiling", "is_exporting", "nested_compile_region"]

_default_backend = "inductor"


def is_dynamo_compiling():
    return False


def is_exporting():
    return False


def set_default_backend(backend):
    """Recorded for `get_default_backend`; None restores "inductor"."""
    global _default_backend
    _default_backend = "inductor" if backend is None else backend


def get_default_backend():
    return _default_backend


def cudagraph_mark_step_begin():
    return None


def substitute_in_graph(original_fn, *, can_constant_fold_through=False,
                        skip_signature_check=False):
    """The decorator keeps the eager `original_fn` in use: the substitute only
    ever runs inside a compiled graph, which Ember never builds."""
    if not callable(original_fn):
        raise TypeError(f"substitute_in_graph expects a function but got {type(original_fn)!r}")
    return lambda polyfill_fn: original_fn


def wrap_numpy(fn):
    """`fn` over NumPy arrays made a function over tensors: tensor arguments
    become arrays and array results become tensors, as PyTorch does eagerly."""
    import functools
    from .._backend import np
    from .._tensor import Tensor
    from .._creation import as_tensor
    from ..utils._pytree import tree_map_only

    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        args, kwargs = tree_map_only(Tensor, lambda t: t.numpy(), (args, kwargs))
        out = fn(*args, **kwargs)
        return tree_map_only((np.ndarray, np.generic), as_tensor, out)
    return wrapped


def nested_compile_region(fn=None, options=None):
    """Marks a region for compiled code; eager calls run it as written."""
    if fn is None:
        return lambda f: f
    return fn
