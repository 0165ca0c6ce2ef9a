"""torch.jit as PyTorch runs it with TorchScript switched off (PYTORCH_JIT=0).

Ember has no TorchScript compiler, so `script` and `trace` give their input
back unchanged (after PyTorch's DeprecationWarning) and code runs eagerly, as
`ember.compile` does. `freeze` and `optimize_for_inference` likewise return the
eval-mode module. `save` and `load` raise: there is no TorchScript archive to
write or read; save a state_dict with `ember.save` instead.
"""
import builtins as _builtins
import warnings as _warnings
from typing import Final  # noqa: F401  (re-exported as torch.jit.Final)

from ._markers import (export, ignore, unused, _overload, _overload_method, annotate,
                       Attribute, interface, isinstance, is_scripting, is_tracing,
                       _drop, _isinstance)

__all__ = ["Attribute", "CompilationUnit", "Error", "Future", "ScriptFunction", "ScriptModule",
           "annotate", "enable_onednn_fusion", "export", "export_opnames", "fork", "freeze",
           "interface", "ignore", "isinstance", "load", "onednn_fusion_enabled",
           "optimize_for_inference", "save", "script", "script_if_tracing",
           "set_fusion_strategy", "strict_fusion", "trace", "trace_module", "unused", "wait"]

_NO_TORCHSCRIPT = ("Ember has no TorchScript: {} cannot {}. Save the weights with "
                   "ember.save(model.state_dict()) and rebuild the module in Python.")


class Error(RuntimeError):
    """torch.jit.Error; Ember never raises it (nothing runs as TorchScript)."""


class ScriptWarning(Warning):
    pass


class TracerWarning(Warning):
    pass


class TracingCheckError(Exception):
    pass


class _NoScriptObject:
    """Base of the TorchScript object types: nothing in Ember is one of them,
    so `isinstance(m, torch.jit.ScriptModule)` is False; building one raises."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError(
            f"Ember has no TorchScript: torch.jit.{type(self).__name__} cannot be created; "
            "use the nn.Module or function itself.")


class ScriptModule(_NoScriptObject):
    pass


class RecursiveScriptModule(ScriptModule):
    pass


class TracedModule(ScriptModule):
    pass


class TopLevelTracedModule(TracedModule):
    pass


class ScriptFunction(_NoScriptObject):
    pass


class CompilationUnit(_NoScriptObject):
    pass


def _deprecated(name, use=None):
    """PyTorch's DeprecationWarning, in its two wordings. It is raised from
    inside the library (no stacklevel), so Python's default filters hide it
    from a script, as they hide PyTorch's."""
    advice = (f"Please use `{use}` instead." if use else
              "Please switch to `torch.compile` or `torch.export`.")
    _warnings.warn(f"`torch.jit.{name}` is deprecated. {advice}", DeprecationWarning)


def script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    """`obj` unchanged, as PyTorch returns it with TorchScript disabled."""
    _deprecated("script")
    return obj


def script_method(fn):
    _deprecated("script_method")
    return fn


def script_if_tracing(fn):
    """`fn` itself: nothing is ever traced in Ember."""
    return fn


def trace(func, example_inputs=None, optimize=None, check_trace=True, check_inputs=None,
          check_tolerance=1e-5, strict=True, _force_outplace=False, _module_class=None,
          _compilation_unit=None, example_kwarg_inputs=None, _store_inputs=True):
    """`func` unchanged, as PyTorch returns it with TorchScript disabled; it is not
    run, so data-dependent control flow stays live (a trace would freeze it)."""
    _deprecated("trace")
    return func


def trace_module(mod, inputs, optimize=None, check_trace=True, check_inputs=None,
                 check_tolerance=1e-5, strict=True, _force_outplace=False, _module_class=None,
                 _compilation_unit=None, example_inputs_is_kwarg=False, _store_inputs=True):
    _deprecated("trace_method")  # sic: PyTorch's wording
    return mod


def _eval_module(mod, who):
    from ..nn import Module
    if not _builtins.isinstance(mod, Module):
        raise RuntimeError(f"{who} expects a ScriptModule as input. Please use torch.jit.script "
                           "or torch.jit.trace to script your 'nn.Module'.")
    if mod.training:
        raise RuntimeError("Freezing is currently only implemented for modules in eval mode. "
                           "Please call .eval() on your module before freezing.")
    return mod


def freeze(mod, preserved_attrs=None, optimize_numerics=True):
    """The eval-mode module unchanged: frozen or not, it computes the same."""
    _deprecated("freeze", "torch.compile")
    return _eval_module(mod, "Freezing")


def optimize_for_inference(mod, other_methods=None):
    _deprecated("optimize_for_inference", "torch.compile")
    from ..nn import Module
    if not _builtins.isinstance(mod, Module):
        return _eval_module(mod, "optimize_for_inference")
    return mod.eval()


def run_frozen_optimizations(mod, optimize_numerics=True, preserved_methods=None):
    return None


def save(m, f, _extra_files=None):
    raise NotImplementedError(_NO_TORCHSCRIPT.format("torch.jit.save", "write a TorchScript "
                                                     "archive"))


def load(f, map_location=None, _extra_files=None, _restore_shapes=False):
    raise NotImplementedError(_NO_TORCHSCRIPT.format("torch.jit.load", "read a TorchScript "
                                                     "archive"))


def export_opnames(m):
    raise NotImplementedError(_NO_TORCHSCRIPT.format("torch.jit.export_opnames",
                                                     "list TorchScript operators"))


class Future:
    """A finished torch.jit.Future: `fork` runs its function at once."""

    def __init__(self, value):
        self._value = value

    def wait(self):
        return self._value

    def value(self):
        return self._value

    def done(self):
        return True


def fork(func, *args, **kwargs):
    _deprecated("fork", "torch.compile")
    return Future(func(*args, **kwargs))


def wait(future):
    _deprecated("wait", "torch.compile")
    return future.wait()


_fork, _wait = fork, wait
_onednn_fusion = False


def enable_onednn_fusion(enabled):
    global _onednn_fusion
    _onednn_fusion = bool(enabled)


def onednn_fusion_enabled():
    return _onednn_fusion


def set_fusion_strategy(strategy):
    """Accepted for scripts that tune TorchScript (Ember fuses nothing); returns
    the previous strategy, PyTorch's default at first."""
    global _fusion_strategy
    _deprecated("set_fusion_strategy", "torch.compile")
    if _builtins.isinstance(strategy, str) or not all(
            _builtins.isinstance(s, tuple) and len(s) == 2 for s in strategy):
        raise TypeError("_jit_set_fusion_strategy(): incompatible function arguments. The "
                        "following argument types are supported:\n    1. (arg0: "
                        "collections.abc.Sequence[tuple[str, typing.SupportsInt | "
                        "typing.SupportsIndex]]) -> list[tuple[str, int]]\n\nInvoked with: "
                        f"{strategy!r}")
    for kind, _ in strategy:
        if kind not in ("STATIC", "DYNAMIC"):
            raise ValueError(f"FusionBehavior only supported 'STATIC' or 'DYNAMIC', got: {kind}")
    previous, _fusion_strategy = _fusion_strategy, list(strategy)
    return previous


_fusion_strategy = [("STATIC", 2), ("DYNAMIC", 10)]

_set_fusion_strategy = set_fusion_strategy


class strict_fusion:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


class optimized_execution:
    def __init__(self, should_optimize):
        self.should_optimize = should_optimize

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


class fuser(optimized_execution):
    pass
