"""ember.cpu: torch.cpu's device-module API (the one every torch.<device>
module offers), for code written against any device: one device, always
available, nothing to wait for; and torch.cpu.amp, the deprecated aliases of
torch.amp for the CPU."""
import contextlib as _contextlib
import platform as _platform

from . import amp

__all__ = ["is_available", "is_initialized", "device_count", "current_device", "set_device",
           "synchronize", "current_stream", "stream", "Stream", "Event", "get_capabilities",
           "amp"]


def is_available():
    return True


def is_initialized():
    return True


def device_count():
    return 1


def current_device():
    return "cpu"


def set_device(device):
    """There is one CPU device: nothing to select."""
    return None


def synchronize(device=None):
    """The CPU runs each op to its end before the next: nothing to wait for."""
    return None


class Stream:
    """The CPU's one stream of work."""

    def __init__(self, priority=-1):
        pass

    def wait_stream(self, stream):
        pass


class Event:
    """A point in the CPU's stream: always reached."""

    def query(self):
        return True

    def record(self, stream=None):
        pass

    def synchronize(self):
        pass

    def wait(self, stream=None):
        pass


_stream = Stream()


def current_stream(device=None):
    return _stream


def stream(stream):
    return _contextlib.nullcontext()


def get_capabilities():
    """What the CPU offers: here only its architecture."""
    return {"architecture": _platform.machine()}
