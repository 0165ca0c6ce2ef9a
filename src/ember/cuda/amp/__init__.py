"""ember.cuda.amp: CUDA's mixed precision, deprecated in PyTorch for
torch.amp and, with no CUDA, always disabled: GradScaler passes the loss and
the optimizer's step through unchanged, autocast changes no dtype."""
import warnings

from ... import amp as _amp

__all__ = ["GradScaler", "autocast", "custom_fwd", "custom_bwd"]


def _deprecated(what):
    warnings.warn(f"`torch.cuda.amp.{what}(args...)` is deprecated. Please use "
                  f"`torch.amp.{what}('cuda', args...)` instead.", FutureWarning, stacklevel=3)


class GradScaler(_amp.GradScaler):
    """torch.cuda.amp.GradScaler: torch.amp.GradScaler('cuda', ...), which on
    a machine without CUDA warns, when asked to be enabled, and disables
    itself (PyTorch's does the same): scale() returns its input, step()
    calls optimizer.step(), get_scale() is 1.0."""

    def __init__(self, init_scale=2.0**16, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000, enabled=True):
        _deprecated("GradScaler")
        super().__init__("cuda", init_scale=init_scale, growth_factor=growth_factor,
                         backoff_factor=backoff_factor, growth_interval=growth_interval,
                         enabled=enabled)


class autocast(_amp.autocast):
    """torch.cuda.amp.autocast: torch.amp.autocast('cuda', ...), which without
    CUDA warns and leaves every dtype as is, as a context manager or a
    decorator."""

    def __init__(self, enabled=True, dtype=None, cache_enabled=True):
        _deprecated("autocast")
        super().__init__("cuda", enabled=enabled, dtype=dtype, cache_enabled=cache_enabled)


def _warn_custom(name):
    warnings.warn(f"`torch.cuda.amp.{name}(args...)` is deprecated. Please use "
                  f"`torch.amp.{name}(args..., device_type='cuda')` instead.",
                  FutureWarning, stacklevel=3)


def custom_fwd(fwd=None, *, cast_inputs=None):
    """torch.amp.custom_fwd with device_type='cuda' (CUDA's autocast is never
    on here, so the forward runs as it is)."""
    _warn_custom("custom_fwd")
    return _amp.custom_fwd(fwd, device_type="cuda", cast_inputs=cast_inputs)


def custom_bwd(bwd):
    """torch.amp.custom_bwd with device_type='cuda'."""
    _warn_custom("custom_bwd")
    return _amp.custom_bwd(bwd, device_type="cuda")
