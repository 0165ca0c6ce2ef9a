"""torch.nn.modules: one private file per family, as in PyTorch."""
from .module import Module
from .linear import *  # noqa: F401,F403
from .activation import *  # noqa: F401,F403
from .container import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .dropout import *  # noqa: F401,F403
from .flatten import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .fold import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .padding import *  # noqa: F401,F403
from .upsampling import *  # noqa: F401,F403
from .pixelshuffle import *  # noqa: F401,F403
from .channelshuffle import *  # noqa: F401,F403
from .batchnorm import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .instancenorm import *  # noqa: F401,F403
from .distance import *  # noqa: F401,F403
from .sparse import *  # noqa: F401,F403
from .rnn import *  # noqa: F401,F403
from .attention import *  # noqa: F401,F403
from .transformer import *  # noqa: F401,F403
from . import (module, linear, activation, container, loss, dropout, flatten, conv, fold,
               pooling, padding, upsampling, pixelshuffle, channelshuffle, batchnorm,
               normalization, instancenorm, distance, sparse, rnn, attention,
               transformer)

__all__ = ["Module"]
for _m in (linear, activation, container, loss, dropout, flatten, conv, fold, pooling, padding,
           upsampling, pixelshuffle, channelshuffle, batchnorm, normalization, instancenorm,
           distance, sparse, rnn, attention, transformer):
    __all__ += _m.__all__
