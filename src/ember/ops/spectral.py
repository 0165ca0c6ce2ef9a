"""The three FFT kernels torch.fft is made of, as in PyTorch's ATen:
`_fft_c2c` (complex to complex), `_fft_r2c` (real to complex, the
Hermitian half or all of it) and `_fft_c2r` (Hermitian half to real), on
pocketfft (SciPy's where installed, else NumPy's), with derivatives.yaml's
formulas.

`normalization` is PyTorch's fft_norm_mode, the scaling applied whatever the
direction: 0 none, 1 by 1/sqrt(n), 2 by 1/n. A backward formula runs the
transform of the other direction under the same scaling, which is its
adjoint; the public functions (spectral_fft.py) turn "backward" /
"forward" / "ortho" into it.

NumPy 2's pocketfft computes float32 and complex64 in single precision, so
the results have PyTorch's dtypes (complex64 from float32) as computed; NumPy
1.x computes in double, and the results are cast.
"""
from .. import _layout as _L
from .._backend import pocketfft
from .._meta import is_meta, meta_array
from ._common import Tensor, np, recorded
from ._registry import grad_fn
from ._xp import provide

__all__ = []

_FORWARD_NORM = ("backward", "ortho", "forward")     # NumPy's name of each scaling
_INVERSE_NORM = ("forward", "ortho", "backward")


def _np_norm(normalization, forward):
    return (_FORWARD_NORM if forward else _INVERSE_NORM)[normalization]


def _single(result, dtype):
    """The result in PyTorch's dtype: NumPy 1.x's pocketfft computes in double."""
    return result if result.dtype == dtype else result.astype(dtype)


def _c2c_array(x, dim, normalization, forward):
    if not dim or is_meta(x):     # (a meta input: its shape and dtype alone)
        return x.copy()
    fft = pocketfft()
    f = fft.fftn if forward else fft.ifftn
    return _laid_out(_single(f(x, axes=dim, norm=_np_norm(normalization, forward)), x.dtype),
                     x, dim, False)


def _r2c_array(x, dim, normalization, onesided):
    if is_meta(x):
        shape = list(x.shape)
        if onesided:
            shape[dim[-1]] = shape[dim[-1]] // 2 + 1
        return meta_array(shape, np.result_type(x.dtype, np.complex64))
    half = _single(pocketfft().rfftn(x, axes=dim, norm=_np_norm(normalization, True)),
                   np.result_type(x.dtype, np.complex64))
    out = half if onesided else _fill_conjugate_symmetry(half, dim, x.shape[dim[-1]])
    return _laid_out(out, x, dim, True)


def _laid_out(out, x, dim, keep_last):
    """The transform laid out as PyTorch's CPU kernel (_exec_fft) writes it:
    the batch dims outermost, by the input's strides, then the transformed
    dims, by the input's strides too (r2c keeps its halved dim last), the
    last of them innermost."""
    if out.ndim < 2 or type(out) is not np.ndarray:
        return out
    st = x.strides
    ordered = sorted(dim[:-1] if keep_last else dim, key=lambda d: -st[d])
    transformed = ordered + ([dim[-1]] if keep_last else [])
    batch = sorted((d for d in range(x.ndim) if d not in dim), key=lambda d: -st[d])
    return _L.in_order(out, tuple(batch + transformed))


def _fill_conjugate_symmetry(half, dim, n):
    """PyTorch's two-sided r2c: the one-sided transform, the rest filled with
    the conjugates of the mirror entries (X[k] = conj(X[-k]) over every
    transformed axis). A c2c of the real input differs in the sign of zero
    imaginary parts (fft(ones(4))[0] is 4+0j in PyTorch, 4-0j by c2c)."""
    last, h = dim[-1], half.shape[dim[-1]]
    mirror = np.take(half, np.arange(n - h, 0, -1), axis=last)
    for d in dim[:-1]:
        mirror = np.roll(np.flip(mirror, d), 1, d)
    return np.concatenate([half, np.conj(mirror)], axis=last)


def _c2r_array(x, dim, normalization, last_dim_size):
    s = [x.shape[d] for d in dim[:-1]] + [last_dim_size]
    if is_meta(x):
        shape = list(x.shape)
        shape[dim[-1]] = last_dim_size
        return meta_array(shape, x.real.dtype)
    return _single(pocketfft().irfftn(x, s=s, axes=dim, norm=_np_norm(normalization, False)),
                   x.real.dtype)


def _pad_last(xp, g, dim, size):
    """g zero-padded at the end of axis `dim` up to `size` (constant_pad_nd's
    pairs run from the last axis)."""
    pad = [0] * (2 * (g.ndim - dim))
    pad[-1] = size - g.shape[dim]
    return xp.constant_pad_nd(g, tuple(pad))


def _r2c_grad(xp, g, self, dim, normalization, onesided):
    """PyTorch's fft_r2c_backward: the missing half of a one-sided result is
    zeros (it was discarded, so got no gradient), then the adjoint c2c. (It
    reads `self` for its length, so saves it, as PyTorch's codegen does.)"""
    last_dim_size = self.shape[dim[-1]]
    if onesided and last_dim_size > g.shape[dim[-1]]:
        g = _pad_last(xp, g, dim[-1], last_dim_size)
    return xp.real(xp.fft_c2c(g, dim, normalization, False))


def _c2r_grad(xp, g, dim, normalization):
    """PyTorch's fft_c2r_backward: the r2c of the gradient, with the entries
    whose mirror image lies outside the one-sided half (1 .. n - half)
    doubled, as c2r read each of them twice."""
    gi = xp.fft_r2c(g, dim, normalization, True)
    last = dim[-1]
    n, half = g.shape[last], gi.shape[last]
    if n - half > 0:
        scale = np.ones(half, xp.data(gi).real.dtype)
        scale[1:1 + n - half] = 2
        gi = gi * scale.reshape((half,) + (1,) * (gi.ndim - 1 - last))
    return gi


FftC2CBackward0 = grad_fn("FftC2CBackward0", saved={
    "dim": "dim", "forward": "forward", "normalization": "normalization"},
    self=lambda xp, g, dim, normalization, forward:
                          xp.fft_c2c(g, dim, normalization, not forward))
FftR2CBackward0 = grad_fn("FftR2CBackward0", saved={
    "dim": "dim", "normalization": "normalization", "onesided": "onesided"}, self=_r2c_grad)
FftC2RBackward0 = grad_fn("FftC2RBackward0", saved={"dim": "dim", "normalization": "normalization"},
                          self=_c2r_grad)


def fft_c2c(input, dim, normalization, forward):
    """ATen's _fft_c2c: `input` complex, `dim` a tuple of wrapped axes."""
    data = _c2c_array(input._data, dim, normalization, forward)
    return recorded(FftC2CBackward0, data, (input,), (dim, normalization, forward))


def fft_r2c(input, dim, normalization, onesided):
    """ATen's _fft_r2c: `input` real (float32 or float64)."""
    x = input._data
    data = _r2c_array(x, dim, normalization, onesided)
    return recorded(FftR2CBackward0, data, (input,),
                    (dim, normalization, onesided))


def fft_c2r(input, dim, normalization, last_dim_size):
    """ATen's _fft_c2r: `input` complex, its last transformed axis holding
    last_dim_size // 2 + 1 entries."""
    data = _c2r_array(input._data, dim, normalization, last_dim_size)
    return recorded(FftC2RBackward0, data, (input,), (dim, normalization))


def _on_arrays_or_tensors(array_kernel, op):
    """The TENSOR namespace's version of a kernel: recorded on Tensors."""
    return lambda x, *args: op(x, *args) if isinstance(x, Tensor) else array_kernel(x, *args)


provide("fft_c2c", _c2c_array, _on_arrays_or_tensors(_c2c_array, fft_c2c))
provide("fft_r2c", _r2c_array, _on_arrays_or_tensors(_r2c_array, fft_r2c))
provide("fft_c2r", _c2r_array, _on_arrays_or_tensors(_c2r_array, fft_c2r))
