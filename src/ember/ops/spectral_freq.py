"""torch.fft's helpers: fftfreq and rfftfreq (sample frequencies, computed as
ATen does: an arange times 1 / (n * d) in the result's precision), and
fftshift / ifftshift (a roll by half of each axis, so differentiable as
RollBackward0)."""
from .._python_data import _tname
from .._layout import factory
from .. import _creation as C
from .._device import _target_device
from ._common import D, kernel_refuses, np
from ._registry import register
from .rearrange_order import roll
from .spectral_fft import _int_arg, _int_list, _tensor_input, _wrap

__all__ = ["fftfreq", "rfftfreq"]


def _frequencies(name, n, d, dtype, device, requires_grad, half):
    if isinstance(n, float) or n is None:
        raise TypeError(f"fft_{name}(): argument 'n' (position 1) must be int, not "
                        f"{_tname(n)}")
    n = _int_arg(n, name, "n")
    if not isinstance(d, (int, float)) or isinstance(d, bool):
        d = float(d)        # (a 0-d tensor or NumPy number, as the argument parser takes)
    dt = C._check_dtype(dtype, f"fft_{name}") or D._default[0]
    # (C++ division: rfftfreq(-1) has one element, as in PyTorch)
    length = (n // 2 if n >= 0 else -(-n // 2)) + 1 if half else n
    if length < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {length}: "
                           f"[{length}]")
    if not (dt.is_floating_point or dt.is_complex):
        raise RuntimeError(f"{name} requires a floating point or complex dtype")
    if dt.is_complex:
        raise kernel_refuses("arange_cpu", dt._np)
    # The factor is rounded to the result's dtype first; float16 and bfloat16
    # then multiply in float32 (PyTorch's opmath) and round again.
    work = np.float64 if dt is D.float64 else np.float32
    k = np.arange(length, dtype=work)
    if not half:
        k[(n + 1) // 2:] = np.arange(-(n // 2), 0, dtype=work)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        factor = np.float64(1.0) / np.float64(n * float(d))
        scale = np.asanyarray(factor).astype(dt._np).astype(work)
        values = (k * scale).astype(dt._np)
    return C._finish(values, requires_grad, _target_device(device))


@factory
def fftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, pin_memory=False,
            requires_grad=False):
    return _frequencies("fftfreq", n, d, dtype, device, requires_grad, False)


@factory
def rfftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, pin_memory=False,
             requires_grad=False):
    return _frequencies("rfftfreq", n, d, dtype, device, requires_grad, True)


def _shift(name, input, dim, extra):
    _tensor_input(input, name)
    dims = _int_list(dim, name, "dim")
    ndim = input.dim()
    dims = list(range(ndim)) if dims is None else [_wrap(d, ndim) for d in dims]
    return roll(input, [(input.shape[d] + extra) // 2 for d in dims], dims)


def fftshift(input, dim=None):
    return _shift("fftshift", input, dim, 0)


def ifftshift(input, dim=None):
    return _shift("ifftshift", input, dim, 1)


register(fftshift, namespace="fft", method=False, out=False)
register(ifftshift, namespace="fft", method=False, out=False)
