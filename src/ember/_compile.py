"""torch.compile, accepted and eager: Ember has no graph compiler, so a
function comes back as it is (PyTorch's `disable=True` result), and a module
in PyTorch's wrapper, torch._dynamo.eval_frame.OptimizedModule, which runs it
eagerly (scripts print it, and read its `_orig_mod.`-prefixed state_dict).
Its arguments are still checked as PyTorch checks them."""
import os

__all__ = ["compile"]

_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")
_BACKENDS = frozenset((
    "aot_eager", "aot_eager_decomp_partition", "aot_eager_decomp_partition_crossref",
    "aot_eager_decomp_partition_with_mode", "aot_eager_default_partitioner", "aot_ts",
    "cudagraphs", "eager", "eager_debug", "eager_noexcept", "inductor", "invoke_subgraph",
    "openxla", "openxla_eval", "pre_dispatch_eager", "ts", "tvm"))


class InvalidBackend(RuntimeError):
    def __init__(self, name):
        super().__init__(f"Invalid backend: {name!r}, see `torch._dynamo.list_backends()` for "
                         "available backends.")


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None,
            options=None, name=None, disable=False, recompile_limit=None,
            isolate_recompiles=False, shapes_spec=None):
    """`model` unchanged; `@compile` and `@compile(...)` decorate likewise."""
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be "
                           "specified at the same time.")
    if mode is not None and mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: " + ", ".join(_MODES))
    if isinstance(backend, str) and backend not in _BACKENDS:
        raise InvalidBackend(backend)
    if model is None:
        return lambda model: _compiled(model, disable)
    return _compiled(model, disable)


def _compiled(model, disable):
    """torch._dynamo's OptimizeContext.__call__, eagerly: a module wrapped
    (unless disabled, where PyTorch returns it untouched), anything else
    callable as it is."""
    from .nn.modules.module import Module
    if disable or os.environ.get("TORCHDYNAMO_DISABLE", "") == "1":
        return model
    _patch_once()
    if isinstance(model, Module):
        from ._dynamo.eval_frame import OptimizedModule, _EagerContext
        wrapped = OptimizedModule(model, _EagerContext())
        wrapped._torchdynamo_orig_callable = model.forward
        wrapped._torchdynamo_wrapper_id = id(wrapped)
        return wrapped
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    return model


_PATCHED = []


def _patch_once():
    """What torch._dynamo's TorchPatcher.patch does, once per process, on a
    first compile that is not disabled and that a program can see: the
    distributions' default argument validation turned off."""
    if not _PATCHED:
        _PATCHED.append(True)
        from .distributions import Distribution
        Distribution.set_default_validate_args(False)
