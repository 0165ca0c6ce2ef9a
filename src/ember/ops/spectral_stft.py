"""torch.stft and torch.istft, made as ATen's SpectralOps.cpp makes them from
differentiable pieces (padding, framing, the window's product, the FFT
kernels, overlap-add), so their gradients come from those pieces' formulas.

Overlap-add is ATen's unfold_backward (the sum of the frames placed `hop`
apart), recorded as its node UnfoldBackwardBackward0, whose derivative is
the framing again.
"""
from .. import _meta
from .. import _public_name
from .._settings import warn_once
from .. import _dtype as D
from .._backend import quiet_call
from ._common import Tensor, np, recorded
from ._registry import grad_fn, register
from ._xp import provide
from . import spectral as K
from .complex_parts import view_as_complex, view_as_real
from .padding import constant_pad_nd, pad as _pad
from .rearrange_views import unfold

__all__ = []

_strided = np.lib.stride_tricks.as_strided


# -- overlap-add and its adjoint, the frames ---------------------------------------
def _frames_array(x, size, step):
    """The frames of x's last axis, `size` long and `step` apart (a copy)."""
    n = (x.shape[-1] - size) // step + 1
    s = x.strides[-1]
    return _meta.ascontiguousarray(_strided(x, x.shape[:-1] + (n, size),
                                         x.strides[:-1] + (s * step, s), writeable=False))


def _overlap_add_array(frames, length, step):
    """frames (..., n_frames, size) summed into (..., length), frame j at j * step.
    Chunk q (columns q*step .. q*step+step) of every frame lands on disjoint
    places, so each chunk is one strided addition."""
    *lead, n_frames, size = frames.shape
    out = np.zeros(tuple(lead) + (length,), frames.dtype)
    s = out.strides[-1]
    for start in range(0, size, step):
        width = min(step, size - start)
        target = _strided(out[..., start:], tuple(lead) + (n_frames, width),
                          out.strides[:-1] + (s * step, s))
        target += frames[..., start:start + width]
    return out


def _frames_tensor(g, size, step):
    return unfold(g, g.dim() - 1, size, step)


provide("fft_frames", _frames_array, _frames_tensor)

# (the frames overlap-add along the signal's last dim)
UnfoldBackwardBackward0 = grad_fn(
    "UnfoldBackwardBackward0", saved={"dim": lambda node: len(node._shape) - 1, "size": "size",
                                      "step": "step"}, grad_in=lambda xp, g, size, step: xp.fft_frames(g, size, step))


def _overlap_add(frames, length, step):
    data = quiet_call(_overlap_add_array, frames._data, length, step)   # (inf + -inf is NaN)
    return recorded(UnfoldBackwardBackward0, data, (frames,), (frames.shape[-1], step))


# -- the messages' descriptions of the arguments -------------------------------------
def _type_name(t):
    """Tensor::toString() as PyTorch's errors print it."""
    return D.error_type_name(t.dtype)


def _opt(value):
    if value is None:
        return "None"
    return str(int(value)) if isinstance(value, bool) else str(value)


def _sizes(t):
    return "[" + ", ".join(str(s) for s in t.shape) + "]"


def _window_repr(window):
    return "None" if window is None else f"{_type_name(window)}{{{_sizes(window)}}}"


def _window_warning(extra):
    warn_once("A window was not provided. A rectangular window will be applied" + extra
              + "To suppress this warning and use a rectangular window, explicitly set "
              f"`window={_public_name.name}.ones(n_fft, device=<device>)`.",
              cpp="aten/src/ATen/native/SpectralOps.cpp:835")


def _frames(x, n_frames, n_fft, hop):
    """x (batch, length) as (batch, n_frames, n_fft) frames `hop` apart: ATen's
    as_strided view; unfolded where Ember's as_strided cannot address x's
    storage (the same frames, recorded as UnfoldBackward0)."""
    try:
        return x.as_strided((x.shape[0], n_frames, n_fft),
                            (x.stride(0), hop * x.stride(1), x.stride(1)))
    except RuntimeError:
        if 1 + (x.shape[1] - n_fft) // hop < n_frames:
            raise
        return unfold(x, 1, n_fft, hop)[:, :n_frames]


def _as_complex(real):
    """ATen's as_complex: a complex view of `real` (last dim 2), or of a
    contiguous copy where its strides do not allow one."""
    try:
        return view_as_complex(real)
    except RuntimeError:
        return view_as_complex(real.contiguous())


def _centred_window(window, win_length, n_fft, dtype):
    """The window (ones where none is given) zero-padded to n_fft, centred."""
    if window is None:
        window = Tensor._wrap(np.ones(win_length, dtype._np))
    if win_length == n_fft:
        return window
    left = (n_fft - win_length) // 2
    return constant_pad_nd(window, [left, n_fft - win_length - left])


# -- stft --------------------------------------------------------------------------
def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True,
         pad_mode="reflect", normalized=False, onesided=None, return_complex=None,
         align_to_window=None):
    if center and align_to_window is not None:
        raise RuntimeError("stft align_to_window should only be set when center = false")
    if center:
        # (torch.functional's padding, before ATen's checks)
        signal_dim = input.dim()
        half = n_fft // 2
        padded = _pad(input.view([1] * (3 - signal_dim) + list(input.shape)), [half, half],
                      pad_mode)
        input = padded.view(padded.shape[len(padded.shape) - signal_dim:])
    if window is None:
        _window_warning(",which is known to cause spectral leakage. Other windows such as "
                        f"{_public_name.name}.hann_window or "
                        f"{_public_name.name}.hamming_window are recommended to reduce "
                        "spectral leakage.")
    hop = n_fft >> 2 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length

    def fail(message):
        raise RuntimeError(
            f"stft({_type_name(input)}{_sizes(input)}, n_fft={n_fft}, hop_length={hop}, "
            f"win_length={win}, window={_window_repr(window)}, normalized={int(normalized)}, "
            f"onesided={_opt(onesided)}, return_complex={_opt(return_complex)}, "
            f"align_to_window={_opt(align_to_window)}) : {message}")

    complex_out = return_complex if return_complex is not None else (
        input.is_complex() or (window is not None and window.is_complex()))
    if not complex_out:
        if return_complex is None:
            raise RuntimeError("stft requires the return_complex parameter be given for real "
                               "inputs, and will further require that return_complex=True in "
                               "a future PyTorch release.")
        warn_once("stft with return_complex=False is deprecated. In a future pytorch release, "
                  "stft will return complex tensors for all inputs, and return_complex=False "
                  "will raise an error.\nNote: you can still call "
                  f"{_public_name.name}.view_as_real on the complex output to recover the old "
                  "return format.", cpp="aten/src/ATen/native/SpectralOps.cpp:874")
    if not (input.is_floating_point() or input.is_complex()):
        fail("expected a tensor of floating point or complex values")
    if input.dim() not in (1, 2):
        fail("expected a 1D or 2D tensor")
    x = input.unsqueeze(0) if input.dim() == 1 else input
    length = x.shape[1]
    if n_fft <= 0 or n_fft > length:
        # (sic: ATen prints win_length as n_fft)
        fail(f"expected 0 < n_fft < {length}, but got n_fft={win}")
    if hop <= 0:
        fail(f"expected hop_length > 0, but got hop_length={hop}")
    if win <= 0 or win > n_fft:
        fail(f"expected 0 < win_length <= n_fft, but got win_length={win}")
    if window is not None and (window.dim() != 1 or window.shape[0] != win):
        fail(f"expected a 1D window tensor of size equal to win_length={win}, but got window "
             f"with size {_sizes(window)}")
    full_window = window
    if win < n_fft:
        full_window = _centred_window(window, win, n_fft, input.dtype)
    if not center and align_to_window:
        # (frames start at the window's start, not the n_fft frame's)
        n_frames = 1 + (length - win) // hop
        edge = (n_fft - win) // 2
        x = _pad(x, [edge, edge], "constant")
    else:
        n_frames = 1 + (length - n_fft) // hop
    frames = _frames(x, n_frames, n_fft, hop)
    if full_window is not None:
        frames = frames * full_window
    if onesided is None:
        onesided = not frames.is_complex()
    normalization = 1 if normalized else 0
    if frames.is_complex():
        if onesided:
            raise RuntimeError("Cannot have onesided output if window or input is complex")
        out = K.fft_c2c(frames, (2,), normalization, True)
    else:
        out = K.fft_r2c(frames, (2,), normalization, onesided)
    out = out.transpose_(1, 2)
    if input.dim() == 1:
        out = out.squeeze_(0)
    return out if complex_out else view_as_real(out)


# -- istft -------------------------------------------------------------------------
def istft(input, n_fft, hop_length=None, win_length=None, window=None, center=True,
          normalized=False, onesided=None, length=None, return_complex=False):
    if window is None:
        _window_warning(".Please provide the same window used by stft to make the inversion "
                        "lossless.")
    hop = n_fft >> 2 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length

    given_onesided = onesided

    def fail(message):
        raise RuntimeError(
            f"istft({_type_name(input)}{_sizes(input)}, n_fft={n_fft}, hop_length={hop}, "
            f"win_length={win}, window={_window_repr(window)}, center={int(center)}, "
            f"normalized={int(normalized)}, onesided={_opt(given_onesided)}, "
            f"length={_opt(length)}, "
            f"return_complex={int(return_complex)}) {message}")

    if not input.is_complex():
        raise RuntimeError("istft requires a complex-valued input tensor matching the output "
                           "from stft with return_complex=True.")
    real = view_as_real(input.resolve_conj())
    # (ATen reads the sizes from the real view, and raises its IndexError)
    n_frames, fft_size = real.size(-2), real.size(-3)
    expected = n_fft + hop * (n_frames - 1)
    if real.numel() == 0:
        fail(": input tensor cannot be empty.")
    if real.dim() not in (3, 4):
        fail(f": expected a tensor with 3 or 4 dimensions, but got {real.dim()}")
    if onesided is None:
        onesided = fft_size != n_fft
    if onesided and n_fft // 2 + 1 != fft_size:
        fail(": expected the frequency dimension (3rd to the last) of the input tensor to match "
             f"n_fft / 2 + 1 when onesided=True, but got {fft_size}")
    if not onesided and n_fft != fft_size:
        fail(": expected the frequency dimension (3rd to the last) of the input tensor to match "
             f"n_fft when onesided=False, but got {fft_size}")
    if not 0 < hop <= win:
        fail(": expected 0 < hop_length <= win_length")
    if not 0 < win <= n_fft:
        fail(": expected 0 < win_length <= n_fft")
    if window is not None and (window.dim() != 1 or window.shape[0] != win):
        fail(": Invalid window shape. window has to be 1D and length of `win_length`")
    full_window = _centred_window(window, win, n_fft, real.dtype)
    if real.dim() == 3:
        real = real.unsqueeze(0)
    x = _as_complex(real.transpose(1, 2))       # (channel, n_frames, fft_size)
    normalization = 1 if normalized else 2
    if return_complex:
        if onesided:
            raise RuntimeError("Cannot have onesided output if window or input is complex")
        frames = K.fft_c2c(x, (2,), normalization, False)
    else:
        if window is not None and window.is_complex():
            raise RuntimeError("Complex windows are incompatible with return_complex=False")
        if not onesided:
            x = x[..., :n_fft // 2 + 1]
        frames = K.fft_c2r(x, (2,), normalization, n_fft)
    y = _overlap_add(frames * full_window.view(1, 1, n_fft), expected, hop)
    envelope = _overlap_add(full_window.pow(2).expand(1, n_frames, n_fft), expected, hop)
    start = n_fft // 2 if center else 0
    end = start + length if length is not None else (-(n_fft // 2) if center else expected)
    y, envelope = y[:, start:end], envelope[:, start:end]
    if bool((envelope.abs().min() < 1e-11).item()):
        fail("window overlap add min: 1\n[ CPUBoolType{} ]")
    y = y / envelope
    if input.dim() == 2:
        y = y.squeeze(0)
    if end > expected:
        warn_once("The length of signal is shorter than the length parameter. Result is being "
                  "padded with zeros in the tail. Please check your center and hop_length "
                  "settings.", cpp="aten/src/ATen/native/SpectralOps.cpp:1199")
        y = constant_pad_nd(y, [0, end - expected])
    return y


register(stft, out=False, quiet=True)
register(istft, out=False, quiet=True)
