"""nn.functional dropout: PyTorch's Python checks around the torch-namespace
ops (ops/normalization_dropout.py), which draw the masks as torch does."""
import warnings

from ...ops import normalization_dropout as _D

__all__ = ["dropout", "alpha_dropout", "feature_alpha_dropout", "dropout1d", "dropout2d",
           "dropout3d"]


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def dropout(input, p=0.5, training=True, inplace=False):
    """A bernoulli(1 - p) mask scaled by 1 / (1 - p), multiplied in
    (MulBackward0)."""
    _check_p(p)
    return _D.dropout_(input, p, training) if inplace else _D.dropout(input, p, training)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    _check_p(p)
    return _D.alpha_dropout_(input, p, training) if inplace else \
        _D.alpha_dropout(input, p, training)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    _check_p(p)
    return _D.feature_alpha_dropout_(input, p, training) if inplace else \
        _D.feature_alpha_dropout(input, p, training)


def _feature(input, p, training, inplace, unbatched):
    """feature_dropout, adding a batch dim around it for an unbatched input."""
    if unbatched:
        input = input.unsqueeze_(0) if inplace else input.unsqueeze(0)
    result = _D.feature_dropout_(input, p, training) if inplace else \
        _D.feature_dropout(input, p, training)
    if unbatched:
        result = result.squeeze_(0) if inplace else result.squeeze(0)
    return result


def dropout1d(input, p=0.5, training=True, inplace=False):
    _check_p(p)
    inp_dim = input.dim()
    if inp_dim not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {inp_dim}D input. Note that "
            "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial "
            "dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D "
            "inputs).")
    return _feature(input, p, training, inplace, inp_dim == 2)


def _deprecated_rank(name, inp_dim, spatial):
    warnings.warn(
        f"{name}: Received a {inp_dim}-D input to {name}, which is deprecated and will result "
        f"in an error in a future release. To retain the behavior and silence this warning, "
        f"please use dropout instead. Note that {name} exists to provide channel-wise dropout "
        f"on inputs with {spatial} spatial dimensions, a channel dimension, and an optional "
        f"batch dimension (i.e. {spatial + 1}D or {spatial + 2}D inputs).", stacklevel=3)


def dropout2d(input, p=0.5, training=True, inplace=False):
    _check_p(p)
    inp_dim = input.dim()
    if inp_dim not in (3, 4):
        _deprecated_rank("dropout2d", inp_dim, 2)
    if inp_dim == 3:
        # (PyTorch keeps the old reading of a 3-D input: (N, C, L), not (C, H, W))
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C is "
            "the channel dim. This behavior will change in a future release to interpret the "
            "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead.",
            stacklevel=2)
    return _feature(input, p, training, inplace, False)


def dropout3d(input, p=0.5, training=True, inplace=False):
    _check_p(p)
    inp_dim = input.dim()
    if inp_dim not in (4, 5):
        _deprecated_rank("dropout3d", inp_dim, 3)
    return _feature(input, p, training, inplace, inp_dim != 5)
