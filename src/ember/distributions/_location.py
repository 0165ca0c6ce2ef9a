"""Members that location families share; PyTorch writes them out in each
class, here private mixins keep the public bases PyTorch's."""
from .utils import _batch_shape, broadcast_all


class _LocCentred:
    """Families centred on ``loc``: it is the mode and, unless a class says
    otherwise (Cauchy has none), the mean."""

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc


class _LocScale(_LocCentred):
    """Stores ``loc`` and ``scale`` broadcast together. Not an ``__init__``:
    ``expand`` calls the public base's ``__init__`` through ``super(cls, new)``."""

    def _set_loc_scale(self, loc, scale):
        """Returns the batch shape (a scalar one when both are numbers)."""
        self.loc, self.scale = broadcast_all(loc, scale)
        return _batch_shape((loc, scale), (self.loc,))


class _MultivariateLoc(_LocCentred):
    """Multivariate normals: ``loc`` is a vector, the matrices are event x event."""

    def _matrix_shape(self):
        return self._batch_shape + self._event_shape + self._event_shape
