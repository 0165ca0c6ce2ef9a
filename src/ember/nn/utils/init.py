"""skip_init: a module built on the meta device and given uninitialised
memory, as torch/nn/utils/init.py."""
import inspect

__all__ = ["skip_init"]


def skip_init(module_cls, *args, **kwargs):
    from ..modules.module import Module
    if not issubclass(module_cls, Module):
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    final_device = kwargs.pop("device", "cpu")
    kwargs["device"] = "meta"
    return module_cls(*args, **kwargs).to_empty(device=final_device)
