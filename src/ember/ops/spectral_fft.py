"""torch.fft's transforms, made as ATen's SpectralOps.cpp makes them from the
three kernels of spectral.py, so that each has PyTorch's graph: the input
promoted (ToCopy), cropped (Slice) or zero-padded (ConstantPadNd) to `n` /
`s`, transformed, and conjugated where a kernel only runs one direction
(ifft of a real input is conj(r2c), hfft is c2r of the conjugate).

The checks run in ATen's order, with its messages.
"""
import builtins

from .._python_data import _tname
from .. import _dtype as D
from ._common import Tensor, wrap_dim
from ._registry import register
from . import spectral as K
from .complex_parts import conj, conj_physical
from .indexing import _slice
from .padding import constant_pad_nd
from .shape import to_dtype

__all__ = []

_FFT = "fft"        # the registry namespace: ember.fft.<name>


# -- arguments -------------------------------------------------------------------
def _int_arg(value, fname, name):
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if hasattr(value, "__index__") and not isinstance(value, (bool, Tensor)):
        return int(value)
    if isinstance(value, Tensor) and value.dim() == 0 and not value.is_floating_point() \
            and not value.is_complex():
        return int(value.item())
    raise TypeError(f"fft_{fname}(): argument '{name}' must be int, not {_tname(value)}")


def _is_index(v):
    return hasattr(v, "__index__") and not isinstance(v, (bool, Tensor))


def _int_list(value, fname, name):
    """s / dim of the n-dimensional transforms: None, an int, or a sequence of ints."""
    if value is None:
        return None
    if isinstance(value, (tuple, list)):
        for i, v in enumerate(value):
            if not _is_index(v):
                # (the argument parser's words for an int[] and for a SymInt[])
                if name == "dim":
                    raise TypeError(f"fft_{fname}(): argument 'dim' failed to unpack the object "
                                    f'at pos {i + 1} with error "type must be tuple of ints,but '
                                    f'got {_tname(v)}"')
                raise TypeError(f"fft_{fname}(): argument '{name}' must be tuple of ints, not "
                                f"{_tname(value)}")
        return [int(v) for v in value]
    return [_int_arg(value, fname, name)]


def _tensor_input(input, fname):
    if not isinstance(input, Tensor):
        raise TypeError(f"fft_{fname}(): argument 'input' (position 1) must be Tensor, not "
                        f"{_tname(input)}")
    return input


def _normalization(norm, forward, fname):
    """PyTorch's fft_norm_mode of a NumPy norm name for one direction: 0 none,
    1 by_root_n, 2 by_n."""
    if norm is None or norm == "backward":
        return 0 if forward else 2
    if not isinstance(norm, str):
        raise TypeError(f"fft_{fname}(): argument 'norm' must be str, not {_tname(norm)}")
    if norm == "forward":
        return 2 if forward else 0
    if norm == "ortho":
        return 1
    raise RuntimeError(f'Invalid normalization mode: "{norm}"')


def _wrap(dim, ndim):
    """maybe_wrap_dim with wrap_scalar=False: a 0-d tensor has no dim to transform."""
    if ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return wrap_dim(dim, ndim)


def _check_n(n):
    if n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")


def _promote(input, require_complex=False):
    """promote_tensor_fft: integers to the default float dtype; float16 and
    bfloat16 refused (no CPU kernel); complex where the kernel needs it."""
    dt = input.dtype
    if dt.is_complex:
        return input
    if not dt.is_floating_point:
        dt = D._default[0]
    if dt not in (D.float32, D.float64):
        raise RuntimeError(f"Unsupported dtype {D.SCALAR_NAMES[dt]}")
    if require_complex:
        dt = dt.to_complex()
    return to_dtype(input, dt)


def _resize(x, dims, sizes):
    """resize_fft_input: axis dims[i] cropped (a slice) or zero-padded (one
    constant_pad_nd for all of them) to sizes[i]."""
    shape = x.shape
    pad = [0] * (2 * x.dim())
    for d, n in zip(dims, sizes):
        if shape[d] < n:
            pad[len(pad) - 2 * d - 1] = n - shape[d]
        elif shape[d] > n:
            x = _slice(x, d, builtins.slice(0, n))
    return constant_pad_nd(x, pad) if any(pad) else x


# -- the one-dimensional transforms --------------------------------------------------
def _c2c(fname, input, n, dim, norm, forward):
    d = _wrap(dim, input.dim())
    size = input.shape[d] if n is None else n
    _check_n(size)
    x = input if n is None else _resize(input, (d,), (n,))
    return K.fft_c2c(x, (d,), _normalization(norm, forward, fname), forward)


def _r2c(fname, input, n, dim, norm, forward, onesided):
    if input.is_complex():
        raise RuntimeError(f"{fname} expects a real input tensor, but got "
                           f"{D.SCALAR_NAMES[input.dtype]}")
    x = _promote(input)
    d = _wrap(dim, x.dim())
    size = x.shape[d] if n is None else n
    _check_n(size)
    if n is not None:
        x = _resize(x, (d,), (n,))
    out = K.fft_r2c(x, (d,), _normalization(norm, forward, fname), onesided)
    # (the kernel runs forward only: the inverse of a real signal is the
    # conjugate of its forward transform, scaled)
    return out if forward else conj(out)


def _c2r(fname, input, n, dim, norm, forward):
    x = _promote(input, require_complex=True)
    d = _wrap(dim, x.dim())
    size = 2 * (x.shape[d] - 1) if n is None else n
    _check_n(size)
    if n is not None:
        x = _resize(x, (d,), (n // 2 + 1,))
    normalization = _normalization(norm, forward, fname)
    if forward:
        x = conj(x)
    return K.fft_c2r(x, (d,), normalization, size)


def _one_dim(name, forward):
    """fft or ifft: c2c of a complex input, the two-sided r2c of a real one."""
    def transform(input, n=None, dim=-1, norm=None):
        _tensor_input(input, name)
        n, dim = _int_arg(n, name, "n"), _int_arg(dim, name, "dim")
        if input.is_complex():
            return _c2c(name, input, n, dim, norm, forward)
        return _r2c(name, input, n, dim, norm, forward, False)
    transform.__name__ = transform.__qualname__ = name
    return transform


fft = _one_dim("fft", True)
ifft = _one_dim("ifft", False)


def rfft(input, n=None, dim=-1, norm=None):
    _tensor_input(input, "rfft")
    n, dim = _int_arg(n, "rfft", "n"), _int_arg(dim, "rfft", "dim")
    return _r2c("rfft", input, n, dim, norm, True, True)


def irfft(input, n=None, dim=-1, norm=None):
    _tensor_input(input, "irfft")
    n, dim = _int_arg(n, "irfft", "n"), _int_arg(dim, "irfft", "dim")
    return _c2r("irfft", input, n, dim, norm, False)


def hfft(input, n=None, dim=-1, norm=None):
    _tensor_input(input, "hfft")
    n, dim = _int_arg(n, "hfft", "n"), _int_arg(dim, "hfft", "dim")
    return _c2r("hfft", input, n, dim, norm, True)


def ihfft(input, n=None, dim=-1, norm=None):
    _tensor_input(input, "ihfft")
    n, dim = _int_arg(n, "ihfft", "n"), _int_arg(dim, "ihfft", "dim")
    return _r2c("ihfft", input, n, dim, norm, False, True)


# -- the n-dimensional transforms ---------------------------------------------------
def _shape_and_dims(input, s, dim, fname):
    """canonicalize_fft_shape_and_dim_args: the axes to transform (the last
    len(s) when only s is given, all when neither) and their signal sizes
    (-1 in s: the input's size)."""
    _tensor_input(input, fname)
    s, dim = _int_list(s, fname, "s"), _int_list(dim, fname, "dim")
    ndim, sizes = input.dim(), input.shape
    dims = None
    if dim is not None:
        dims = [_wrap(d, ndim) for d in dim]
        if len(set(dims)) != len(dims):
            raise RuntimeError("FFT dims must be unique")
    if s is not None:
        if dim is not None and len(dim) != len(s):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
        if len(s) > ndim:
            raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has "
                               f"{ndim} dimensions.")
        if dims is None:
            dims = list(range(ndim - len(s), ndim))
        shape = [sizes[d] if n == -1 else n for d, n in zip(dims, s)]
    elif dims is None:
        dims, shape = list(range(ndim)), list(sizes)
    else:
        shape = [sizes[d] for d in dims]
    for n in shape:
        _check_n(n)
    return shape, dims, s


def _at_least_one(fname, dims):
    if not dims:
        raise RuntimeError(f"{fname} must transform at least one axis")


def _c2r_shape_and_dims(fname, input, s, dim):
    """The same for a Hermitian input: the output length of the last axis
    (2 * (m - 1) by default), and the input length it reads (half + 1)."""
    shape, dims, s = _shape_and_dims(input, s, dim, fname)
    _at_least_one(fname, dims)
    last = 2 * (input.shape[dims[-1]] - 1) if s is None or s[-1] == -1 else shape[-1]
    _check_n(last)
    shape[-1] = last // 2 + 1
    return shape, dims, last


def _fftn(fname, input, s, dim, norm, forward):
    shape, dims, _ = _shape_and_dims(input, s, dim, fname)
    x = _resize(_promote(input, require_complex=True), dims, shape)
    return K.fft_c2c(x, tuple(dims), _normalization(norm, forward, fname), forward)


def _rfftn(fname, input, s, dim, norm):
    _tensor_input(input, fname)
    if input.is_complex():
        raise RuntimeError("rfftn expects a real-valued input tensor, but got "
                           f"{D.SCALAR_NAMES[input.dtype]}")
    shape, dims, _ = _shape_and_dims(input, s, dim, fname)
    _at_least_one("rfftn", dims)
    x = _resize(_promote(input), dims, shape)
    return K.fft_r2c(x, tuple(dims), _normalization(norm, True, fname), True)


def _irfftn(fname, input, s, dim, norm):
    shape, dims, last = _c2r_shape_and_dims("irfftn", input, s, dim)
    x = _resize(_promote(input, require_complex=True), dims, shape)
    return K.fft_c2r(x, tuple(dims), _normalization(norm, False, fname), last)


def _hfftn(fname, input, s, dim, norm):
    shape, dims, last = _c2r_shape_and_dims("hfftn", input, s, dim)
    x = _resize(_promote(input, require_complex=True), dims, shape)
    normalization = _normalization(norm, True, fname)
    if len(dims) > 1:
        x = K.fft_c2c(x, tuple(dims[:-1]), normalization, True)
    return K.fft_c2r(conj(x), (dims[-1],), normalization, last)


def _ihfftn(fname, input, s, dim, norm):
    shape, dims, _ = _shape_and_dims(input, s, dim, fname)
    _at_least_one("ihfftn", dims)
    if input.is_complex():
        raise RuntimeError("Only supports floating-point dtypes, but found: "
                           f"{D.SCALAR_NAMES[input.dtype]}")
    x = _resize(_promote(input), dims, shape)
    normalization = _normalization(norm, False, fname)
    half = K.fft_r2c(x, (dims[-1],), normalization, True)
    if len(dims) == 1:
        return conj(half)
    return K.fft_c2c(conj_physical(half), tuple(dims[:-1]), normalization, False)


def fftn(input, s=None, dim=None, norm=None):
    return _fftn("fftn", input, s, dim, norm, True)


def ifftn(input, s=None, dim=None, norm=None):
    return _fftn("ifftn", input, s, dim, norm, False)


def rfftn(input, s=None, dim=None, norm=None):
    return _rfftn("rfftn", input, s, dim, norm)


def irfftn(input, s=None, dim=None, norm=None):
    return _irfftn("irfftn", input, s, dim, norm)


def hfftn(input, s=None, dim=None, norm=None):
    return _hfftn("hfftn", input, s, dim, norm)


def ihfftn(input, s=None, dim=None, norm=None):
    return _ihfftn("ihfftn", input, s, dim, norm)


def fft2(input, s=None, dim=(-2, -1), norm=None):
    return _fftn("fft2", input, s, dim, norm, True)


def ifft2(input, s=None, dim=(-2, -1), norm=None):
    return _fftn("ifft2", input, s, dim, norm, False)


def rfft2(input, s=None, dim=(-2, -1), norm=None):
    return _rfftn("rfft2", input, s, dim, norm)


def irfft2(input, s=None, dim=(-2, -1), norm=None):
    return _irfftn("irfft2", input, s, dim, norm)


def hfft2(input, s=None, dim=(-2, -1), norm=None):
    return _hfftn("hfft2", input, s, dim, norm)


def ihfft2(input, s=None, dim=(-2, -1), norm=None):
    return _ihfftn("ihfft2", input, s, dim, norm)


# -- out=: a complex or a floating-point tensor, as each kernel writes -------------
class _expects:
    """The out= check of a transform: ATen's `<kernel caller> expects a
    complex (floating point) output tensor` (fftn's callers all say fftn),
    checked before the input; then the kernel PyTorch runs into out= (named
    by the input's kind: r2c, c2c, c2r) refuses autograd. ifft and ihfft of
    a real input write without refusing, as PyTorch's."""
    __slots__ = ("fname", "complex", "kernels")

    def __init__(self, fname, complex_out, kernels):
        self.fname, self.complex = fname, complex_out
        self.kernels = kernels      # (of a real input, of a complex one)

    def kernel(self, args):
        x = args[0] if args else None
        return self.kernels[isinstance(x, Tensor) and x._data.dtype.kind == "c"]

    def __call__(self, name, out, result):
        ok = out.dtype.is_complex if self.complex else out.dtype.is_floating_point
        if not ok:
            kind = "complex" if self.complex else "floating point"
            raise RuntimeError(f"{self.fname} expects a {kind} output tensor, but got "
                               f"{D.SCALAR_NAMES[out.dtype]}")


_R2C, _C2C, _C2R = "_fft_r2c", "_fft_c2c", "_fft_c2r"
for _f, _who, _complex, _kernels in [
        (fft, "fft", True, (_R2C, _C2C)), (ifft, "ifft", True, (None, _C2C)),
        (rfft, "rfft", True, (_R2C, _R2C)), (irfft, "irfft", False, (_C2R, _C2R)),
        (hfft, "hfft", False, (_C2R, _C2R)), (ihfft, "ihfft", True, (None, None)),
        (fftn, "fftn", True, (_C2C, _C2C)), (ifftn, "fftn", True, (_C2C, _C2C)),
        (fft2, "fftn", True, (_C2C, _C2C)), (ifft2, "fftn", True, (_C2C, _C2C)),
        (rfftn, "rfftn", True, (_R2C, _R2C)), (rfft2, "rfftn", True, (_R2C, _R2C)),
        (irfftn, "irfftn", False, (_C2R, _C2R)), (irfft2, "irfftn", False, (_C2R, _C2R)),
        (hfftn, "hfftn", False, (_C2R, _C2R)), (hfft2, "hfftn", False, (_C2R, _C2R)),
        (ihfftn, "ihfftn", True, (_C2C, _C2C)), (ihfft2, "ihfftn", True, (_C2C, _C2C))]:
    register(_f, namespace=_FFT, method=False, out=_expects(_who, _complex, _kernels))
