"""ember.backends.opt_einsum: whether the opt_einsum package is there to
choose einsum's contraction order, and the flags that ask for it. Ember's
einsum contracts through NumPy's einsum whatever the flags say: the flags
are kept, and checked as PyTorch checks them."""
import contextlib
import importlib.util

__all__ = ["is_available", "get_opt_einsum", "enabled", "strategy", "set_flags", "flags"]


def is_available():
    """Whether opt_einsum is installed."""
    return importlib.util.find_spec("opt_einsum") is not None


def get_opt_einsum():
    """The opt_einsum package where it is installed, else None."""
    if not is_available():
        return None
    import opt_einsum
    return opt_einsum


enabled = is_available()
strategy = "auto" if enabled else None


def _set_enabled(value):
    global enabled
    if not is_available() and value:
        raise ValueError(
            f"opt_einsum is not available, so setting `enabled` to {value} will not reap the "
            "benefits of calculating an optimal path for einsum. torch.einsum will fall back to "
            "contracting from left to right. To enable this optimal path calculation, please "
            "install opt-einsum.")
    enabled = value


def _set_strategy(value):
    global strategy
    if not is_available():
        raise ValueError(
            f"opt_einsum is not available, so setting `strategy` to {value} will not be "
            "meaningful. torch.einsum will bypass path calculation and simply contract from "
            "left to right. Please install opt_einsum or unset `strategy`.")
    if not enabled:
        raise ValueError(
            f"opt_einsum is not enabled, so setting a `strategy` to {value} will not be "
            "meaningful. torch.einsum will bypass path calculation and simply contract from "
            "left to right. Please set `enabled` to `True` as well or unset `strategy`.")
    if value not in ("auto", "greedy", "optimal"):
        raise ValueError("`strategy` must be one of the following: [auto, greedy, optimal] "
                         f"but is {value}")
    strategy = value


def set_flags(_enabled=None, _strategy=None):
    before = (enabled, None if not is_available() else strategy)
    if _enabled is not None:
        _set_enabled(_enabled)
    if _strategy is not None:
        _set_strategy(_strategy)
    return before


@contextlib.contextmanager
def flags(enabled=None, strategy=None):
    before = set_flags(enabled, strategy)
    try:
        yield
    finally:
        set_flags(*before)
