"""torch.nn.attention: SDPBackend and the `sdpa_kernel` context manager.

It sets the switches of ember.backends.cuda (flash_sdp_enabled, ...) that
scaled_dot_product_attention reads, as PyTorch's does.  On the CPU only two
kernels exist, the fused "flash" one and the composite "math" one; the CPU
tries flash first whatever the priority order."""
import contextlib
import enum

from ...backends import _sdp

__all__ = ["SDPBackend", "sdpa_kernel", "WARN_FOR_UNFUSED_KERNELS"]

WARN_FOR_UNFUSED_KERNELS = False


class SDPBackend(enum.Enum):
    ERROR = -1
    MATH = 0
    FLASH_ATTENTION = 1
    EFFICIENT_ATTENTION = 2
    CUDNN_ATTENTION = 3
    OVERRIDEABLE = 4

    def __int__(self):
        return self.value

    __index__ = __int__


_SWITCHES = {"cudnn": SDPBackend.CUDNN_ATTENTION, "flash": SDPBackend.FLASH_ATTENTION,
             "mem_efficient": SDPBackend.EFFICIENT_ATTENTION, "math": SDPBackend.MATH,
             "overrideable": SDPBackend.OVERRIDEABLE}
_priority = [1, 2, 0, 3, 4]  # PyTorch's default order, as integers


def _current(with_priority=False):
    backends = [b for name, b in _SWITCHES.items() if _sdp[name]]
    if with_priority:
        backends.sort(key=lambda b: _priority.index(int(b)))
    return backends


def _apply(backends, set_priority=False):
    global _priority
    for name, backend in _SWITCHES.items():
        _sdp[name] = backend in backends
    if set_priority:
        order = [int(b) for b in backends]
        _priority = order + [b for b in _priority if b not in order]


@contextlib.contextmanager
def sdpa_kernel(backends, set_priority=False):
    """Enables only `backends` (one SDPBackend or a list) inside the block."""
    if not isinstance(backends, (list, SDPBackend)):
        raise AssertionError("Backend must be an instance of SDPBackend or a list of SDPBackend "
                             f"instances, got {type(backends).__name__}")
    backends = list(dict.fromkeys([backends] if isinstance(backends, SDPBackend) else backends))
    previous = _current(with_priority=set_priority)
    try:
        _apply(backends, set_priority)
        yield {}
    finally:
        _apply(previous, set_priority)


def _sdpa_kernel_variadic(*backends):
    return sdpa_kernel(list(backends))
