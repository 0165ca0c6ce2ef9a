"""torch.dropout, feature_dropout, alpha_dropout and feature_alpha_dropout
(and their in-place forms torch.dropout_, ...), drawn as ATen's
Dropout.cpp draws them: a noise tensor shaped like the input, or (N, C,
1, ...) for the feature forms, filled by bernoulli_(1 - p) from the global
generator, so a seeded call gives PyTorch's mask. The noise is multiplied in
(MulBackward0); the alpha forms then add an offset (AddBackward0)."""
import math

from .. import _dtype as D
from .._meta import is_meta, meta_array
from .. import _random as R
from ._common import Tensor, np, tensor_arg, wrap
from ._int_args import type_name
from ._registry import register

__all__ = []

# SELU's negative saturation value: -scale * alpha of SELU
_ALPHA = 1.7580993408473766


def _p_text(p):
    return format(float(p), "g")       # (as C++ prints a double)


def _dropout(input, p, train, feature, alpha, inplace, name):
    # (the parser's checks, in its order)
    tensor_arg(input, name)
    if not isinstance(p, (int, float, np.number, Tensor)):
        raise TypeError(f"{name}(): argument 'p' (position 2) must be float, not {type_name(p)}")
    if train.__class__ is not bool:
        raise TypeError(f"{name}(): argument 'train' (position 3) must be bool, not "
                        f"{type_name(train)}")
    if not 0 <= p <= 1:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got "
                           f"{_p_text(p)}")
    x = input._data
    if p == 0 or not train or x.size == 0:
        return input
    if p == 1:
        zero = wrap(np.zeros((), x.dtype))
        return input.mul_(zero) if inplace else input * zero
    if feature:
        if x.ndim < 2:
            raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
        shape = x.shape[:2] + (1,) * (x.ndim - 2)
    else:
        shape = x.shape
    if x.dtype.kind == "c":
        # (the noise is drawn in the input's dtype, which bernoulli_ refuses)
        raise NotImplementedError("\"bernoulli_scalar_cpu_\" not implemented for "
                                  f"'{D.SCALAR_NAMES[input.dtype]}'")
    if is_meta(x):
        # (no mask to draw: PyTorch's meta kernels leave the generator be)
        noise = meta_array(shape, x.dtype)
    elif feature:
        noise = R.bernoulli_scalar(1 - p, shape, x.dtype)
    else:
        # laid out as the input and filled in its memory order (at::empty_like)
        noise = R.drawn_like(x, lambda shape, _: R.bernoulli_scalar(1 - p, shape, x.dtype))
    if x.dtype.kind in "biu":
        # (ATen scales the noise in place, in the input's dtype; alpha
        # dropout's noise.add(-1) has made a bool one int64 first)
        held = D.int64 if alpha and x.dtype == np.bool_ else input.dtype
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{D.SCALAR_NAMES[held]}")
    # ATen scales the noise in its opmath type (float for half), rounding to
    # the input's dtype after each in-place step.
    op = np.float32 if x.dtype.itemsize < 4 else x.dtype.type
    noise_op = noise.astype(op, copy=False)
    if alpha:
        a = 1.0 / math.sqrt((_ALPHA * _ALPHA * p + 1) * (1 - p))
        offset = ((noise_op - op(1)) * op(_ALPHA * a)).astype(x.dtype).astype(op, copy=False)
        offset = (offset + op(_ALPHA * a * p)).astype(x.dtype, copy=False)
        noise = (noise_op * op(a)).astype(x.dtype, copy=False)
    else:
        noise = np.divide(noise_op, op(1 - p), out=noise_op if noise_op is noise else None) \
            .astype(x.dtype, copy=False)
    out = input.mul_(wrap(noise)) if inplace else input * wrap(noise)
    return out.add_(wrap(offset)) if alpha else out


def dropout(input, p, train):
    return _dropout(input, p, train, False, False, False, "dropout")


def dropout_(input, p, train):
    return _dropout(input, p, train, False, False, True, "dropout_")


def feature_dropout(input, p, train):
    return _dropout(input, p, train, True, False, False, "feature_dropout")


def feature_dropout_(input, p, train):
    return _dropout(input, p, train, True, False, True, "feature_dropout_")


def alpha_dropout(input, p, train):
    return _dropout(input, p, train, False, True, False, "alpha_dropout")


def alpha_dropout_(input, p, train):
    return _dropout(input, p, train, False, True, True, "alpha_dropout_")


def feature_alpha_dropout(input, p, train):
    return _dropout(input, p, train, True, True, False, "feature_alpha_dropout")


def feature_alpha_dropout_(input, p, train):
    return _dropout(input, p, train, True, True, True, "feature_alpha_dropout_")


# (torch.dropout_ and the like are functions, not Tensor methods: each is
# declared as an op of its own)
for _f in (dropout, dropout_, feature_dropout, feature_dropout_, alpha_dropout, alpha_dropout_,
           feature_alpha_dropout, feature_alpha_dropout_):
    globals()[_f.__name__] = register(_f, method=False, out=False)
