"""torch._dynamo.eval_frame.OptimizedModule: what `torch.compile(module)`
returns. PyTorch wraps the module (torch/_dynamo/eval_frame.py) so that its
forward runs through the compiler; Ember runs it eagerly, but the wrapper is
PyTorch's, as scripts see it: printed as `OptimizedModule((_orig_mod): ...)`,
its state_dict keys prefixed with `_orig_mod.` (the famous load_state_dict
mismatch), attributes read and written through to the original module, and
`_orig_mod` the module itself."""
from collections.abc import Sized

from ..nn.modules import _hooks
from ..nn.modules.module import Module

__all__ = ["OptimizedModule"]


class _EagerContext:
    """Stands where PyTorch keeps the compiler context (dynamo_ctx): the
    arguments compile was given; calling it on a function gives the function
    back, which then runs eagerly."""

    def __init__(self, **settings):
        self.settings = settings

    def __call__(self, fn):
        return fn


class OptimizedModule(Module):
    """Wraps the original nn.Module object and later patches its forward
    method to optimized self.forward method (in Ember: its own __call__)."""

    _opt_mod_attributes = {
        "_orig_mod", "dynamo_ctx", "_torchdynamo_orig_callable", "_torchdynamo_wrapper_id",
        "get_compiler_config", "forward", "_forward", "__dict__", "named_children_walk",
        "_super_module_initialized",
    }

    def __init__(self, mod, dynamo_ctx):
        # (first, as PyTorch's: attribute reads and writes go to _orig_mod)
        object.__setattr__(self, "_orig_mod", mod)
        self._super_module_initialized = False
        super().__init__()
        self._super_module_initialized = True
        self._orig_mod = mod            # (registered as the child module)
        self.dynamo_ctx = dynamo_ctx
        self._initialize()
        self.training = self._orig_mod.training

    def __len__(self):
        if isinstance(self._orig_mod, Sized):
            return len(self._orig_mod)
        raise TypeError(f"{type(self._orig_mod).__name__} does not support len()")

    def _initialize(self):
        self.forward = self.dynamo_ctx(self._orig_mod.__call__)
        if hasattr(self._orig_mod, "_initialize_hook"):
            self._forward = self.forward
            self.forward = self._call_lazy_check

    def __call__(self, *args, **kwargs):
        if _hooks._has_any_global_hook():
            import warnings
            warnings.warn(
                "Using `torch.compile(module)` when there are global hooks on "
                "modules (e.g., from `register_module_forward_hook`); this will"
                " cause the hooks to fire an extra time for the "
                "`OptimizedModule` created by `torch.compile(module)`. If this "
                "causes undesired behavior, please try using `module.compile()`"
                ", or use the per-module hooks instead",
                stacklevel=2)
        return super().__call__(*args, **kwargs)

    def __reduce__(self):
        return (self.__class__, (self._orig_mod, self.dynamo_ctx))

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("forward", None)
        state.pop("__call__", None)
        return state

    def __setstate__(self, state):
        self.__dict__ = state
        self._initialize()

    @property
    def training(self):
        return self._orig_mod.training

    @training.setter
    def training(self, value):
        # (Module.__init__'s default is not the original's mode: ignored)
        if self.__dict__.get("_super_module_initialized"):
            self._orig_mod.training = value

    def __getattr__(self, name):
        if name == "_orig_mod":
            return self._modules["_orig_mod"]
        return getattr(self._orig_mod, name)

    def __setattr__(self, name, value):
        if hasattr(type(self), name) or name in OptimizedModule._opt_mod_attributes:
            return super().__setattr__(name, value)
        return setattr(self._orig_mod, name, value)

    def __delattr__(self, name):
        if hasattr(type(self), name) or name in OptimizedModule._opt_mod_attributes:
            return super().__delattr__(name)
        return delattr(self._orig_mod, name)

    def _call_lazy_check(self, *args, **kwargs):
        if hasattr(self._orig_mod, "_initialize_hook") \
                and callable(getattr(self._orig_mod, "_infer_parameters", None)):
            self._orig_mod._infer_parameters(self._orig_mod, args, kwargs)
        return self._forward(*args, **kwargs)

    def __dir__(self):
        orig_mod_attrs = self._orig_mod.__dir__()
        return orig_mod_attrs + [a for a in super().__dir__() if a not in orig_mod_attrs]
