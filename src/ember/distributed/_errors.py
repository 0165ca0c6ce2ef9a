"""torch.distributed's exception classes, in its hierarchy."""

__all__ = ["DistError", "DistBackendError", "DistNetworkError", "DistStoreError",
           "QueueEmptyError"]


class DistError(RuntimeError):
    """An error in the distributed library."""


class DistBackendError(DistError):
    """An error in a backend (a collective failed or timed out)."""


class DistNetworkError(DistError):
    """A network error."""


class DistStoreError(DistError):
    """A store error (such as a wait timing out)."""


class QueueEmptyError(DistStoreError):
    """A store's queue_pop found the queue empty."""
