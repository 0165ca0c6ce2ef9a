"""torch.nn.functional: gathered from one private module per family
(nn/_functional/): activations, losses, dropout, convolution, pooling,
vision (padding, interpolation, sampling), normalisation, distances and
sparse lookups. The derivative formulas live with the ops (ember/ops/)."""
from ..ops._linear import linear
from . import grad  # noqa: F401 (torch.nn.functional.grad, as PyTorch's)
from ._functional.activation import *  # noqa: F401,F403
from ._functional.loss import *  # noqa: F401,F403
from ._functional.dropout import *  # noqa: F401,F403
from ._functional.conv import *  # noqa: F401,F403
from ._functional.pooling import *  # noqa: F401,F403
from ._functional.vision import *  # noqa: F401,F403
from ._functional.normalization import *  # noqa: F401,F403
from ._functional.distance import *  # noqa: F401,F403
from ._functional.sparse import *  # noqa: F401,F403
from ._functional.attention import *  # noqa: F401,F403
from ._functional.loss import _legacy_get_string, _reduction  # noqa: F401 (modules use them)
from ._functional import (activation as _activation, loss as _loss, dropout as _dropout,
                          conv as _conv, pooling as _pooling, vision as _vision,
                          normalization as _normalization, distance as _distance,
                          sparse as _sparse, attention as _attention)

__all__ = ["linear"]
for _m in (_activation, _loss, _dropout, _conv, _pooling, _vision, _normalization,
           _distance, _sparse, _attention):
    __all__ += _m.__all__

from ..ops._arg_refusals import install as _install  # noqa: E402
_install(globals())
