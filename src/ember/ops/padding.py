"""Padding: torch.constant_pad_nd and the modes of F.pad (torch._C._nn.pad).

`pad` pairs run from the last dim backwards: (left, right) of the last dim,
then of the one before, ... Negative pads crop. Reflection and replication
are gathers along each padded axis (sampling_resample.py); circular is
composed of slice copies, as PyTorch composes it (its grad_fn is CopySlices).
"""
from .._python_data import _tname
from .. import _meta
from .._layout import in_input_format
from .._backend import np
from . import _autocast
from ._autocast import STATE as _AUTOCAST
from ._common import kernel_refuses, recorded, tensor_arg
from ._int_args import type_name
from ._registry import grad_fn, register
from ._xp import provide
from .sampling_resample import axis_step, resample, resample_nodes

__all__ = ["constant_pad_nd", "pad"]


def pad_ints(pad, name):
    """`pad` as a tuple of ints, with PyTorch's TypeError for anything else."""
    if not isinstance(pad, (tuple, list)):
        raise TypeError(f"{name}(): argument 'pad' (position 2) must be tuple of ints, not "
                        f"{_tname(pad)}")
    for i, p in enumerate(pad):
        if isinstance(p, bool) or not isinstance(p, (int, np.integer)):
            raise TypeError(f"{name}(): argument 'pad' (position 2) must be tuple of ints, but "
                            f"found element of type {_tname(p)} at pos {i}")
    return tuple(int(p) for p in pad)


def _pairs(pad, ndim):
    """(dim, left, right) for each padded dim, last dim first."""
    return [(ndim - 1 - i, pad[2 * i], pad[2 * i + 1]) for i in range(len(pad) // 2)]


def _constant_pad(x, pad, value):
    """Array `x` padded with `value` (negative pads crop)."""
    crop = [slice(None)] * x.ndim
    for d, lo, hi in _pairs(pad, x.ndim):
        crop[d] = slice(max(-lo, 0), x.shape[d] - max(-hi, 0))
    x = x[tuple(crop)]
    if all(p <= 0 for p in pad):
        return x.copy()
    shape, place = list(x.shape), [slice(None)] * x.ndim
    for d, lo, hi in _pairs(pad, x.ndim):
        shape[d] += max(lo, 0) + max(hi, 0)
        place[d] = slice(max(lo, 0), max(lo, 0) + x.shape[d])
    out = _meta.full_for(shape, value, x.dtype, x)
    out[tuple(place)] = x
    return out


ConstantPadNdBackward0 = grad_fn(
    "ConstantPadNdBackward0", saved={"pad": "pad"},
    self=lambda xp, g, pad: xp.constant_pad_nd(g, tuple(-p for p in pad)))


def constant_pad_nd(input, pad, value=0):
    pad = pad_ints(pad, "constant_pad_nd")
    if value is None or not isinstance(value, (int, float, bool, np.number)):
        raise TypeError("constant_pad_nd(): argument 'value' must be Number, not "
                        f"{_tname(value)}")
    x = input._data
    if len(pad) % 2:
        raise RuntimeError(f"Length of pad must be even but instead it equals {len(pad)}")
    if len(pad) > 2 * x.ndim:
        raise RuntimeError("Length of pad should be no more than twice the number of "
                           f"dimensions of the input. Pad length is {len(pad)}while the input "
                           f"has {x.ndim}dimensions.")
    for d, lo, hi in _pairs(pad, x.ndim):
        if x.shape[d] + min(lo, 0) + min(hi, 0) < 0:
            raise RuntimeError("narrow(): length must be non-negative.")
    # (in the input's memory format, as PyTorch's constant_pad_nd allocates it)
    return recorded(ConstantPadNdBackward0, in_input_format(_constant_pad(x, pad, value), x),
                    (input,), (pad,))


constant_pad_nd = register(constant_pad_nd, method=False, out=False)
provide("constant_pad_nd", lambda g, pad: _constant_pad(g, pad, 0), constant_pad_nd)


# -- reflection and replication ------------------------------------------------------
_NODES = {(kind, n): resample_nodes(f"{kind}Pad{n}DBackward0")
          for kind in ("Reflection", "Replication") for n in (1, 2, 3)}


def _source(n, lo, hi, reflect):
    """Input position read by each output position along one axis."""
    p = np.arange(n + lo + hi, dtype=np.int64) - lo
    if reflect:
        p = np.abs(p)
        return np.where(p > n - 1, 2 * (n - 1) - p, p)
    return np.clip(p, 0, n - 1)


_LETTERS = ("D", "H", "W")


def _check_gather_pad(x, pad, reflect):
    n = len(pad) // 2
    shape = x.shape
    batched = x.ndim == n + 2
    if any(s == 0 for s in shape[1 if batched else 0:]):
        raise RuntimeError(f"Expected {n + 1}D or {n + 2}D (batch mode) tensor with possibly 0 "
                           "batch size and other non-zero dimensions for input, but got: "
                           f"{list(shape)}")
    pairs = _pairs(pad, x.ndim)
    if reflect:
        for i, (d, lo, hi) in enumerate(pairs):
            if not (lo < shape[d] and hi < shape[d]):
                raise RuntimeError(
                    f"Argument #{4 + 2 * i}: Padding size should be less than the "
                    f"corresponding input dimension, but got: padding ({lo}, {hi}) at "
                    f"dimension {d} of input {list(shape)}")
    sizes = [shape[d] for d, _, _ in reversed(pairs)]
    outs = [shape[d] + lo + hi for d, lo, hi in reversed(pairs)]
    if all(o < 1 for o in outs):
        letters = _LETTERS[3 - n:]
        if n == 1:
            ins = f"W: {sizes[0]}"
        elif n == 2:
            ins = f"H: {sizes[0]}, W: {sizes[1]}" + ("" if reflect else " ")
        else:
            ins = f"D: {sizes[0]} H: {sizes[1]}, W: {sizes[2]}"
        got = " ".join(f"{c}: {o}" for c, o in zip(letters, outs))
        raise RuntimeError(f"input ({ins}) is too small. Calculated output {got}")
    if any(o < 0 for o in outs):
        raise RuntimeError("numel: integer multiplication overflow")


def gather_pad(input, pad, reflect):
    """Reflection (reflect=True) or replication padding of the last len(pad)/2 dims."""
    if _AUTOCAST.cpu and len(pad) // 2 <= (2 if reflect else 3):
        # (autocast's float32 list: reflection_pad1d/2d, replication_pad1d/2d/3d)
        return _autocast.dispatch(gather_pad, _autocast.FP32, (input, pad, reflect), {})
    x = input._data
    _check_gather_pad(x, pad, reflect)
    if x.dtype == np.bool_:     # (the kernels' dispatch has every other type)
        raise kernel_refuses(f"{'reflection' if reflect else 'replication'}_pad{len(pad) // 2}d",
                             x.dtype)
    plan = tuple(axis_step(d, _source(x.shape[d], lo, hi, reflect), None, x.shape[d])
                 for d, lo, hi in _pairs(pad, x.ndim))
    return resample(input, plan, _NODES["Reflection" if reflect else "Replication",
                                        len(pad) // 2])


# -- circular ------------------------------------------------------------------------
def circular_pad(input, pad):
    """Wrap-around padding, composed of slice copies as PyTorch composes it."""
    shape = list(input.shape)
    pairs = _pairs(pad, len(shape))
    for d, lo, hi in pairs:
        if lo > shape[d] or hi > shape[d]:
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if shape[d] + lo + hi < 0:
            raise RuntimeError("Negative padding value is resulting in an empty dimension")
    out_shape = list(shape)
    for d, lo, hi in pairs:
        out_shape[d] += lo + hi
    out = input.new_empty(out_shape)
    dst, src = out, input
    for d, lo, hi in pairs:
        dst = dst.narrow(d, max(lo, 0), out_shape[d] - max(lo, 0) - max(hi, 0))
        src = src.narrow(d, max(-lo, 0), shape[d] - max(-lo, 0) - max(-hi, 0))
    dst.copy_(src)
    # Then the wrapped borders, left and right of each dim in turn (corners
    # are written again by later dims, so they wrap in every direction).
    for d, lo, hi in pairs:
        if lo > 0:
            out.narrow(d, 0, lo).copy_(out.narrow(d, out_shape[d] - lo - max(hi, 0), lo))
        if hi > 0:
            out.narrow(d, out_shape[d] - hi, hi).copy_(out.narrow(d, max(lo, 0), hi))
    return out


# -- F.pad ---------------------------------------------------------------------------
_SUPPORTED = ("Supported combinations for non-constant padding:\n"
              "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
              "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
              "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
_MODES = ("constant", "reflect", "replicate", "circular")


def pad(input, pad, mode="constant", value=None):
    """torch._C._nn.pad: what F.pad runs."""
    tensor_arg(input, "pad")
    pad = pad_ints(pad, "pad")
    if not isinstance(mode, str):
        raise TypeError(f"pad(): argument 'mode' (position 3) must be str, not {type_name(mode)}")
    if value is not None and not isinstance(value, (int, float, np.number)):
        raise TypeError(f"pad(): argument 'value' (position 4) must be float, not "
                        f"{type_name(value)}")
    ndim = input._data.ndim
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) > 2 * ndim:
        raise RuntimeError("Padding length should be less than or equal to two times the input "
                           f"dimension but got padding length {len(pad)} and input of "
                           f"dimension {ndim}")
    if mode not in _MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if mode == "constant":
        return constant_pad_nd(input, pad, 0 if value is None else value)
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    n = len(pad) // 2
    if not (1 <= n <= 3 and ndim in (n + 1, n + 2)):
        raise NotImplementedError(f"Padding size {len(pad)} is not supported for {ndim}D input "
                                  f"tensor.\n{_SUPPORTED}")
    if mode == "circular":
        return circular_pad(input, pad)
    return gather_pad(input, pad, mode == "reflect")
