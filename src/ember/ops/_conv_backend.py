"""Which CPU backend PyTorch's convolution takes (oneDNN or ATen's own
kernels: ConvParams::use_mkldnn), and what follows from it: the words of its
dtype errors, and the order in which the bias' gradient is summed."""
from .. import _meta
from .. import _dtype as D
from .._backend import cpu_features
from ._common import kernel_refuses, np
from ._summation import torch_sum


def _bias_axes(geometry):
    return (0,) + tuple(range(2, 2 + len(geometry.stride)))


_CPP = {"Float": "float", "Double": "double", "Half": "c10::Half", "BFloat16": "c10::BFloat16",
        "Long": "long int", "Int": "int", "Short": "short int", "Char": "signed char",
        "Byte": "unsigned char", "Bool": "bool", "ComplexFloat": "c10::complex<float>",
        "ComplexDouble": "c10::complex<double>"}


def _to_string(t):
    return D.error_type_name(t.dtype)


def _check_bias_type(input, bias):
    """ATen's first check of a convolution, before any shape's."""
    if bias is not None and bias.dtype != input.dtype:
        a, c = D.SCALAR_NAMES[input.dtype], D.SCALAR_NAMES[bias.dtype]
        raise RuntimeError(f"Input type ({_CPP.get(a, a)}) and bias type ({_CPP.get(c, c)}) "
                           "should be the same")


# Whether PyTorch runs float16 convolutions in oneDNN: on CPUs with AVX512-FP16;
# bfloat16 ones: with AVX-512's BW, VL and DQ (on AVX2 CPUs, ATen's kernels)
ONEDNN_FLOAT16 = bool(cpu_features().get("AVX512FP16", False))
ONEDNN_BFLOAT16 = all(cpu_features().get(f, False) for f in ("AVX512BW", "AVX512VL", "AVX512DQ"))


def _uses_mkldnn(x, w, stride, dilation, output_padding, groups, transposed):
    """Whether PyTorch's CPU build picks oneDNN for this convolution
    (ConvParams::use_mkldnn): its dtype errors are worded by the backend."""
    if transposed and any(op >= s for op, s in zip(output_padding, stride)):
        return False
    if x.dtype == D._BF16_NP:
        return ONEDNN_BFLOAT16
    if x.dtype == np.float16:
        return ONEDNN_FLOAT16
    if x.dtype != np.float32:
        return False
    # ATen's sizes 0-3 of the input: (N, C, 1, L) for one spatial dim, (N, C, D, H) of 3
    n, c, *rest = x.shape
    s4 = n * c * rest[0] * (rest[1] if len(rest) > 1 else 1)
    kh, kw = (w.shape[-2], w.shape[-1]) if w.ndim > 3 else (1, w.shape[-1])
    from .._misc import get_num_threads
    return ((any(s != 1 for s in stride) or any(d != 1 for d in dilation) or n >= 16
             or kw != 1 or kh != 1 or get_num_threads() > 1)
            and (groups > 1 or (kw > 3 and kh > 3) or n > 1 or s4 > 20480))


def slow_kernel(dim, dilation, transposed):
    """The slow (non-oneDNN) kernel PyTorch's CPU convolution picks, named as
    its dtype dispatch names it when it refuses."""
    if transposed:
        return f"slow_conv_transpose{3 if dim == 3 else 2}d_out_cpu"
    if any(d != 1 for d in dilation):
        return "slow_conv_dilated<>"
    return "compute_columns3d" if dim == 3 else "slow_conv2d_cpu"


def refuse_integer(x, dim, dilation, transposed):
    """The slow kernels' dtype dispatch of an integer or bool input (before the
    weight's dtype is compared): the plain ones take every integer type, the
    dilated and transposed ones int64 only, none bool."""
    kernel = slow_kernel(dim, dilation, transposed)
    if x.dtype == np.bool_ or (x.dtype != np.int64 and kernel != "slow_conv2d_cpu"
                               and kernel != "compute_columns3d"):
        raise kernel_refuses(kernel, x.dtype)


def _check_types(input, weight, bias, mkldnn=False):
    """The weight's (and a transposed convolution's bias') dtype, as the
    backend PyTorch picks words it."""
    a, b = D.SCALAR_NAMES[input.dtype], D.SCALAR_NAMES[weight.dtype]
    if mkldnn:
        for what, p in (("weight", weight), ("bias", bias)):
            if p is not None and p.dtype != input.dtype:
                raise RuntimeError(f"Input type ({_to_string(input)}) and {what} type "
                                   f"({_to_string(p)}) should be the same or input should be "
                                   f"a MKLDNN tensor and {what} is a dense tensor")
    elif a != b:
        raise RuntimeError(f"expected scalar type {a} but found {b}")
    else:
        _check_bias_type(input, bias)


def _bias_grad(g, x, w, geometry, transposed):
    """The bias' gradient, the output's gradient summed over all but the
    channels, in the order of the backend PyTorch's CPU build picks: ATen's
    sum, or oneDNN's, which adds each channel's values one by one over rows of
    (batch, first spatial dim), one run of rows per thread (the threads'
    results added in turn; a transposed convolution on one). A bias before a
    batch norm gets only rounding noise for gradient, which Adam scales up to
    full steps: there the order is what a training run shows, and oneDNN's is
    followed; a sum that does not cancel out takes ATen's (cheaper: oneDNN's
    costs NumPy a step per row), which differs from oneDNN's in the last bit."""
    axes = _bias_axes(geometry)
    fast = torch_sum(g, axes)
    parts = _onednn_bias_parts(x, w, geometry, transposed)
    if parts is None:
        return fast
    # (the terms' magnitude estimated from the first sample: a cheap look)
    scale = np.abs(g[:1]).sum(axis=axes) * g.shape[0]
    if not (np.abs(fast) < _CANCELLED * scale).any():
        return fast
    c = g.shape[1]
    rows = g.shape[0] * (g.shape[2] if g.ndim > 3 else 1)
    # channels last: NumPy then adds each row of channels into the running
    # sums in turn (one value after the other per channel; over a contiguous
    # axis it would sum pairwise, so a lone channel takes cumsum)
    by_row = _meta.ascontiguousarray(np.moveaxis(g, 1, -1)).reshape(rows, -1, c)
    total = None
    for run in np.array_split(by_row, min(parts, rows), axis=0):
        run = run.reshape(-1, c)
        part = np.add.reduce(run, axis=0) if c > 1 else np.cumsum(run[:, 0])[-1:]
        total = part if total is None else total + part
    return total


# A sum this much smaller than its terms' magnitudes is mostly rounding noise
_CANCELLED = 1e-3


def _onednn_bias_parts(x, w, geometry, transposed):
    """How many runs oneDNN splits the bias' sum into (None: not oneDNN's).
    Measured on PyTorch 2.13 for float32; grouped (not depthwise)
    convolutions and other dtypes keep ATen's order (not reproduced)."""
    if x.dtype != np.float32 or not x.shape[0] or any(not s for s in x.shape[1:]):
        return None
    groups = geometry.groups
    if groups > 1 and not (w.shape[1] == 1 and w.shape[0] == groups and not transposed):
        return None
    if transposed:
        out = geometry.x_size
        full = [(i - 1) * s - 2 * p + d * (k - 1) + 1 for i, s, p, d, k in zip(
            geometry.y_size, geometry.stride, geometry.padding, geometry.dilation,
            geometry.k_size)]
        output_padding = [o - f for o, f in zip(out, full)]
    else:
        output_padding = [0] * len(geometry.stride)
    if not _uses_mkldnn(x, w, geometry.stride, geometry.dilation, output_padding, groups,
                        transposed):
        return None
    from .._misc import get_num_threads
    return 1 if transposed else get_num_threads()
