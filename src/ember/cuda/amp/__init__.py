"""ember.cuda.amp: CUDA's mixed precision, deprecated in PyTorch for
torch.amp and, with no CUDA, always disabled: GradScaler passes the loss and
the optimizer's step through unchanged, autocast changes no dtype."""
import contextlib
import warnings

__all__ = ["GradScaler", "autocast", "custom_fwd", "custom_bwd"]


def _deprecated(what, instead):
    warnings.warn(f"`torch.cuda.amp.{what}(args...)` is deprecated. Please use "
                  f"`torch.amp.{what}('cuda', args...)` instead.", FutureWarning, stacklevel=3)


class GradScaler:
    """torch.cuda.amp.GradScaler on a machine without CUDA: it warns, when
    asked to be enabled, and disables itself (PyTorch's does the same).
    scale() returns its input, step() calls optimizer.step(), get_scale() is
    1.0; the growth settings it never needs are not kept, so reading one
    before setting it raises AttributeError, as PyTorch's does."""

    def __init__(self, init_scale=2.0**16, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000, enabled=True):
        _deprecated("GradScaler", "GradScaler")
        self._device = "cuda"
        self._enabled = enabled
        if enabled:
            warnings.warn("torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  "
                          "Disabling.", UserWarning, stacklevel=2)
            self._enabled = False

    def scale(self, outputs):
        return outputs

    def unscale_(self, optimizer):
        return None

    def step(self, optimizer, *args, **kwargs):
        return optimizer.step(*args, **kwargs)

    def update(self, new_scale=None):
        return None

    def get_scale(self):
        return 1.0

    def get_growth_factor(self):
        return self._growth_factor

    def set_growth_factor(self, new_factor):
        self._growth_factor = new_factor

    def get_backoff_factor(self):
        return self._backoff_factor

    def set_backoff_factor(self, new_factor):
        self._backoff_factor = new_factor

    def get_growth_interval(self):
        return self._growth_interval

    def set_growth_interval(self, new_interval):
        self._growth_interval = new_interval

    def _get_growth_tracker(self):
        return 0

    def is_enabled(self):
        return self._enabled

    def state_dict(self):
        return {}

    def load_state_dict(self, state_dict):
        return None

    def __getstate__(self):
        return self.__dict__.copy()

    def __setstate__(self, state):
        self.__dict__.update(state)


class autocast(contextlib.ContextDecorator):
    """torch.cuda.amp.autocast without CUDA: warns and leaves every dtype as is,
    as a context manager or a decorator."""

    def __init__(self, enabled=True, dtype=None, cache_enabled=True):
        _deprecated("autocast", "autocast")
        # PyTorch warns whether or not it was asked to be enabled
        warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.",
                      UserWarning, stacklevel=2)
        self._enabled = False
        self.fast_dtype = dtype

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _custom(name, kind):
    def decorator(fn=None, **kwargs):
        warnings.warn(f"`torch.cuda.amp.{name}(args...)` is deprecated. Please use "
                      f"`torch.amp.{name}(args..., device_type='cuda')` instead.",
                      FutureWarning, stacklevel=2)
        if fn is None:
            return lambda f: f
        return fn
    decorator.__name__ = name
    decorator.__doc__ = (f"torch.cuda.amp.{name}: a custom autograd.Function's {kind}, "
                         "run as it is (CUDA's autocast is never on).")
    return decorator


custom_fwd = _custom("custom_fwd", "forward")
custom_bwd = _custom("custom_bwd", "backward")
