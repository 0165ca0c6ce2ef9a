"""PyTorch's argument rules for the pools: sizes as tuples, output sizes,
and its checks in its order, with its messages."""
from .. import _dtype as D
from .._backend import np
from ._int_args import int_list

__all__ = []

WORDS = {1: "one", 2: "two", 3: "three"}


def ints(value, name, where, pos):
    """An int or a sequence of ints, as a tuple (PyTorch's int[] arguments)."""
    return int_list(value, where, name, pos)


def spread(values, n, message):
    """(v,) or n values -> n values; otherwise PyTorch's RuntimeError."""
    if len(values) == 1:
        return values * n
    if len(values) != n:
        raise RuntimeError(message)
    return values


def _trunc_half(v):
    return int(v / 2) if v >= 0 else -((-v) // 2)


def output_size(L, k, p, s, d, ceil_mode):
    """pooling_output_shape: the number of windows, the last one starting
    inside the input or its left padding under ceil_mode."""
    if s == 0:
        raise RuntimeError("stride should not be zero")
    if p < 0:
        raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
    if p > _trunc_half((k - 1) * d + 1):
        raise RuntimeError("pad should be at most half of effective kernel size, but got "
                           f"pad={p}, kernel_size={k} and dilation={d}")
    o = (L + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (o - 1) * s >= L + p:
        o -= 1
    return o


def shape_check(x, k, s, p, d, out, avg3d=False, fn3d=""):
    """pool2d_shape_check / pool3d_shape_check (x: the 3-5 d input)."""
    n = len(k)
    shape = x.shape
    sp = shape[-n:]
    if n == 2:
        kH, kW = k
        if not (kW > 0 and kH > 0):
            raise RuntimeError("kernel size should be greater than zero, but got "
                               f"kH: {kH} kW: {kW}")
        if not all(v > 0 for v in s):
            raise RuntimeError(f"stride should be greater than zero, but got dH: {s[0]} dW: {s[1]}")
        if not all(v > 0 for v in d):
            raise RuntimeError("dilation should be greater than zero, but got dilationH: "
                               f"{d[0]} dilationW: {d[1]}")
        ok = all(v != 0 for v in shape[1:]) and (x.ndim == 4 or shape[0] != 0)
        if x.ndim not in (3, 4) or not ok:
            raise RuntimeError("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch "
                               f"size for input, but got:{list(shape)}")
        if not (kW // 2 >= p[1] and kH // 2 >= p[0]):
            raise RuntimeError("pad should be smaller than or equal to half of kernel size, but "
                               f"got padW = {p[1]}, padH = {p[0]}, kW = {kW}, kH = {kH}")
        if not all(o >= 1 for o in out):
            raise RuntimeError(f"Given input size: ({shape[-3]}x{sp[0]}x{sp[1]}). Calculated "
                               f"output size: ({shape[-3]}x{out[0]}x{out[1]}). Output size is "
                               "too small")
        return
    kT, kH, kW = k
    if not (kT > 0 and kW > 0 and kH > 0):
        raise RuntimeError(f"kernel size should be greater than zero, but got kT: {kT} kH: {kH} "
                           f"kW: {kW}")
    if not all(v > 0 for v in s):
        raise RuntimeError(f"stride should be greater than zero, but got dT: {s[0]} dH: {s[1]} "
                           f"dW: {s[2]}")
    if not all(v > 0 for v in d):
        raise RuntimeError(f"dilation should be greater than zero, but got dilationT: {d[0]} "
                           f"dilationH: {d[1]} dilationW: {d[2]}")
    for i, v in enumerate(shape):
        if not (x.ndim == 5 and i == 0) and v <= 0:
            raise RuntimeError(f"{fn3d}: Expected input's non-batch dimensions to have positive "
                               f"length, but input has a shape of {list(shape)} and non-batch "
                               f"dimension {v} has length zero!")
    if avg3d and not all(L >= kk for L, kk in zip(sp, k)):
        raise RuntimeError(f"input image (T: {sp[0]} H: {sp[1]} W: {sp[2]}) smaller than kernel "
                           f"size (kT: {kT} kH: {kH} kW: {kW})")
    if not (kT // 2 >= p[0] and kW // 2 >= p[2] and kH // 2 >= p[1]):
        raise RuntimeError("pad should be smaller than or equal to half of kernel size, but got "
                           f"kT: {kT} kW: {kW} kH: {kH} padT: {p[0]} padW: {p[2]} padH: {p[1]}")
    if not all(o >= 1 for o in out):
        raise RuntimeError(f"Given input size: ({shape[-4]}x{sp[0]}x{sp[1]}x{sp[2]}). Calculated "
                           f"output size: ({shape[-4]}x{out[0]}x{out[1]}x{out[2]}). Output size "
                           "is too small")


def dim_range(x, name, lo, hi):
    """checkDimRange(name, self, lo, hi exclusive)."""
    if not lo <= x.ndim < hi:
        raise RuntimeError(f"Expected {lo} to {hi - 1} dimensions, but got {x.ndim}-dimensional "
                           f"tensor for argument #1 'self' (while checking arguments for {name})")


def one_int(values, fn, name):
    if len(values) != 1:
        raise RuntimeError(f"{fn}() argument '{name}' should contain one int (got {len(values)})")


def kernel_dtype(x, name, integers=True, byte=True, halves=True):
    """The dtypes PyTorch's kernel is compiled for: floats (float16 and
    bfloat16 too where `halves`), and integers (all, or Long only) where
    `integers`."""
    kind = x.dtype.kind
    ok = ((D.is_float_np(x.dtype) and (halves or x.dtype not in D.HALF_NP))
          or (integers and kind in "iu" and (byte or x.dtype == np.int64)))
    if not ok:
        raise NotImplementedError(f'"{name}" not implemented for '
                                  f"'{D.SCALAR_NAMES[D._BY_NP[x.dtype]]}'")


def size_of_dim(shape, dim):
    """input.size(dim), raising PyTorch's IndexError."""
    n = len(shape)
    if n == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {dim})")
    return shape[dim]
