"""Ops of torch.nn's vision functions: padding (padding.py), interpolation
(sampling_interp.py), affine grids and grid sampling (sampling_grid.py),
all but circular padding on one separable resampler (sampling_resample.py);
and here the pure rearrangements, pixel_shuffle, pixel_unshuffle and
channel_shuffle, whose derivatives are each other."""
from .._backend import np
from .._layout import channels_last_3d, in_input_format, suggested_format
from ._common import recorded
from ._int_args import is_index, type_name
from ._arg_refusals import refusing
from ._registry import grad_fn, not_implemented, register
from ._xp import provide
from . import padding, sampling_interp, sampling_grid  # noqa: F401 (their ops register)

__all__ = ["pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "native_channel_shuffle"]


def int_arg(value, op, name, position=2):
    if not is_index(value):
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be int, not "
                        f"{type_name(value)}")
    return int(value)


def _fresh_as_input(y, x):
    """`y` (a rearrangement of `x`) as PyTorch's shuffle kernels allocate their
    output: a new tensor (never `x`'s memory, even where the rearrangement is
    the identity), laid out in the memory format `x` suggests."""
    if np.may_share_memory(y, x):
        y = y.copy()
    return in_input_format(y, x)


def _shuffle(x, r):
    *lead, c, h, w = x.shape
    oc = c // (r * r)
    y = x.reshape(*lead, oc, r, r, h, w)
    k = len(lead)
    y = y.transpose(*range(k), k, k + 3, k + 1, k + 4, k + 2)
    return _fresh_as_input(y.reshape(*lead, oc, h * r, w * r), x)


def _unshuffle(x, r):
    *lead, c, h, w = x.shape
    y = x.reshape(*lead, c, h // r, r, w // r, r)
    k = len(lead)
    y = y.transpose(*range(k), k, k + 2, k + 4, k + 1, k + 3)
    return _fresh_as_input(y.reshape(*lead, c * r * r, h // r, w // r), x)


def _check_format(x):
    # (the CPU kernels lay out contiguous and channels_last only; a 5-d
    # channels_last_3d input reaches no kernel, an empty one returns first)
    if x.size and suggested_format(x) is channels_last_3d:
        raise RuntimeError("Unsupported memory format. Supports only ChannelsLast, Contiguous")


PixelShuffleBackward0 = grad_fn(
    "PixelShuffleBackward0", saved={"upscale_factor": "upscale_factor"},
    self=lambda xp, g, upscale_factor: xp.pixel_unshuffle(g, upscale_factor))
PixelUnshuffleBackward0 = grad_fn(
    "PixelUnshuffleBackward0", saved={"downscale_factor": "downscale_factor"},
    self=lambda xp, g, downscale_factor: xp.pixel_shuffle(g, downscale_factor))


def pixel_shuffle(input, upscale_factor):
    r = int_arg(upscale_factor, "pixel_shuffle", "upscale_factor")
    x = input._data
    if x.ndim < 3:
        raise RuntimeError("pixel_shuffle expects input to have at least 3 dimensions, but got "
                           f"input with {x.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    if x.shape[-3] % (r * r):
        raise RuntimeError("pixel_shuffle expects its input's 'channel' dimension to be "
                           "divisible by the square of upscale_factor, but input.size(-3)="
                           f"{x.shape[-3]} is not divisible by {r * r}")
    _check_format(x)
    return recorded(PixelShuffleBackward0, _shuffle(x, r), (input,), (r,))


def pixel_unshuffle(input, downscale_factor):
    r = int_arg(downscale_factor, "pixel_unshuffle", "downscale_factor")
    x = input._data
    if x.ndim < 3:
        raise RuntimeError("pixel_unshuffle expects input to have at least 3 dimensions, but "
                           f"got input with {x.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    for size, side, d in ((x.shape[-2], "height", -2), (x.shape[-1], "width", -1)):
        if size % r:
            raise RuntimeError(f"pixel_unshuffle expects {side} to be divisible by "
                               f"downscale_factor, but input.size({d})={size} is not divisible "
                               f"by {r}")
    _check_format(x)
    return recorded(PixelUnshuffleBackward0, _unshuffle(x, r), (input,), (r,))


pixel_shuffle = register(refusing(pixel_shuffle, "pixel_shuffle"), method=False, out=False)
pixel_unshuffle = register(refusing(pixel_unshuffle, "pixel_unshuffle"), method=False, out=False)
provide("pixel_shuffle", _shuffle, pixel_shuffle)
provide("pixel_unshuffle", _unshuffle, pixel_unshuffle)


def _channel_shuffle(x, groups):
    n, c = x.shape[:2]
    rest = x.shape[2:]
    return _fresh_as_input(
        x.reshape(n, groups, c // groups, *rest).swapaxes(1, 2).reshape(x.shape), x)


ChannelShuffleBackward0 = grad_fn(
    "ChannelShuffleBackward0", saved={"groups": "groups"},
    self=lambda xp, g, groups, channels: xp.channel_shuffle(g, channels // groups))
NativeChannelShuffleBackward = not_implemented("native_channel_shuffle", "self")


def _check_channel_shuffle(x, groups):
    if x.ndim <= 2:
        raise RuntimeError("channel_shuffle expects input with > 2 dims, but got input with "
                           f"sizes {list(x.shape)}")
    if groups <= 0:
        raise RuntimeError("Number of groups to divide channels in must be positive. Value of "
                           f"groups:{groups}")
    if x.shape[1] % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {x.shape[1]} "
                           f"channels and {groups} groups.")


def channel_shuffle(input, groups):
    groups = int_arg(groups, "channel_shuffle", "groups")
    x = input._data
    _check_channel_shuffle(x, groups)
    return recorded(ChannelShuffleBackward0, _channel_shuffle(x, groups), (input,),
                    (groups, x.shape[1]))


def native_channel_shuffle(input, groups):
    groups = int_arg(groups, "native_channel_shuffle", "groups")
    x = input._data
    _check_channel_shuffle(x, groups)
    return recorded(NativeChannelShuffleBackward, _channel_shuffle(x, groups), (input,))


channel_shuffle = register(refusing(channel_shuffle, "channel_shuffle"), method=False, out=False)
native_channel_shuffle = register(native_channel_shuffle, method=False, out=False)
provide("channel_shuffle", _channel_shuffle, channel_shuffle)
