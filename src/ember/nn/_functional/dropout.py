"""nn.functional dropout."""
from ..._backend import np
from ... import _random as R
from ...ops._common import wrap

__all__ = ["dropout"]


# -- dropout --------------------------------------------------------------------
def dropout(input, p=0.5, training=True, inplace=False):
    """torch's CPU dropout: a bernoulli(1 - p) mask scaled by 1 / (1 - p), then
    multiplied in (MulBackward0). The mask is drawn as torch draws it, so a
    seeded dropout matches torch's."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    x = input._data
    if p == 0 or not training or x.size == 0:
        return input
    if p == 1:
        noise = np.zeros((), x.dtype)
    else:
        noise = R.bernoulli_scalar(1 - p, x.shape, x.dtype)
        noise /= np.asarray(1 - p, x.dtype)
    return input.mul_(wrap(noise)) if inplace else input * wrap(noise)
