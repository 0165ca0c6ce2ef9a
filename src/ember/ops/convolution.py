"""Convolution: torch.convolution, conv1d/2d/3d (and, from sister files,
conv_transpose1d/2d/3d and unfold/fold).

One node, ConvolutionBackward0, as PyTorch records it, for plain and
transposed convolutions alike. Its formulas are the three bilinear maps of
convolution_kernels.py: the gradient of a convolution in its input is a
transposed convolution, in its weight a convolution of input and gradient.
Each map is also a recorded op here, so a gradient taken with
create_graph=True can be differentiated again.
"""
from .._python_data import _tname
import functools

from .._settings import warn_once

from .. import _dtype as D, _layout as _L
from ._common import Tensor, np, recorded, tensor_arg, tracked
from .linalg import rounded
from ._conv_backend import (_bias_axes, _bias_grad, _check_bias_type, _check_types,
                            ONEDNN_BFLOAT16, ONEDNN_FLOAT16, _uses_mkldnn,
                            refuse_integer)
from ._arg_refusals import invalid_combination
from ._int_args import int_list
from ._registry import grad_fn, register
from . import _xp, convolution_kernels as K
from .convolution_kernels import Geometry
from .shape import squeeze, unsqueeze

__all__ = ["convolution", "conv1d", "conv2d", "conv3d"]


# -- the three maps as recorded ops (each differentiable again) ---------------
# PyTorch's formula for the convolution reads input and weight whatever
# needs a gradient, so both are saved whenever anything is (what may then be
# changed in place is PyTorch's).
# `cols`: the forward's im2col of the input, kept for the weight's gradient
# where it is small (PyTorch's slow_conv2d kept it too), else None.
# (The maps are bilinear: for complex tensors the saved operand is conjugated.)
# PyTorch's fields, from the constant `arguments`: (bias sizes, or (0,)
# without a bias, dilation, groups, output_padding, padding, stride, transposed)
_FIELDS = {name: ("arguments", lambda a, i=i: a[i]) for i, name in enumerate((
    "bias_sym_sizes_opt", "dilation", "groups", "output_padding", "padding", "stride",
    "transposed"))}


def _forward_node(name, saved=None):
    return grad_fn(
        name, saved=saved,
        input=lambda xp, grad, input, weight, geometry: xp.conv_input_grad(
            grad, xp.conj(weight), geometry),
        weight=lambda xp, grad, input, weight, geometry, cols: xp.conv_weight_grad(
            xp.conj(input), grad, geometry, None if cols is None else xp.conj(cols)),
        bias=lambda xp, grad, input, weight, geometry: xp.conv_bias_grad(
            grad, input, weight, geometry, False))


def _transposed_node(name, saved=None):
    # (input lives in the convolution's output space, the result in its input space)
    return grad_fn(
        name, saved=saved,
        input=lambda xp, grad, input, weight, geometry: xp.conv_forward(
            grad, xp.conj(weight), geometry),
        weight=lambda xp, grad, input, weight, geometry: xp.conv_weight_grad(
            grad, xp.conj(input), geometry),
        bias=lambda xp, grad, input, weight, geometry: xp.conv_bias_grad(
            grad, input, weight, geometry, True))


ConvolutionBackward0 = _forward_node("ConvolutionBackward0", _FIELDS)
TransposedConvolutionBackward0 = _transposed_node("ConvolutionBackward0", _FIELDS)
# The maps as they appear inside a recorded backward (create_graph=True).
_ForwardAgain = _forward_node("ConvolutionBackwardBackward0")
_InputGradAgain = _transposed_node("ConvolutionBackwardBackward0")
_WeightGradAgain = grad_fn(
    "ConvolutionBackwardBackward0",
    input=lambda xp, grad, grad_output, geometry: xp.conv_input_grad(
        xp.conj(grad_output), grad, geometry),
    grad_output=lambda xp, grad, input, geometry: xp.conv_forward(xp.conj(input), grad,
                                                                  geometry))


def _forward_recorded(x, w, geometry):
    return recorded(_ForwardAgain, K.forward(x._data, w._data, geometry), (x, w, None),
                    (geometry, None))


def _input_grad_recorded(gy, w, geometry):
    return recorded(_InputGradAgain, K.input_grad(gy._data, w._data, geometry), (gy, w, None),
                    (geometry,))


def _weight_grad_recorded(x, gy, geometry, cols=None):
    return recorded(_WeightGradAgain, K.weight_grad(x._data, gy._data, geometry), (x, gy),
                    (geometry,))


# The bias' gradient is an output of PyTorch's one convolution_backward node,
# whose inputs are (grad_output, input, weight); only grad_output's gradient
# depends on it: the bias' gradient back in every position.
_BiasGradAgain = grad_fn(
    "ConvolutionBackwardBackward0",
    grad_output=lambda xp, grad, kept, shape: xp.expand(xp.reshape(grad, kept), shape),
    input=lambda xp, grad: None, weight=lambda xp, grad: None)


def _bias_grad_recorded(g, x, w, geometry, transposed):
    from .reduction import sum as _sum
    axes = _bias_axes(geometry)
    data = _sum(g.detach(), axes)._data
    kept = tuple(1 if i in axes else n for i, n in enumerate(g.shape))
    return recorded(_BiasGradAgain, data, (g, x, w), (kept, tuple(g.shape)))


_xp.provide("conv_bias_grad", _bias_grad, _bias_grad_recorded)
_xp.provide("conv_forward", K.forward, _forward_recorded)
_xp.provide("conv_input_grad", K.input_grad, _input_grad_recorded)
_xp.provide("conv_weight_grad", K.weight_grad, _weight_grad_recorded)


# -- checks, in PyTorch's order and words ---------------------------------------
def _expand(values, name, dim):
    values = list(values)
    if len(values) == 1:
        return values * dim
    if len(values) != dim:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {dim} "
                           f"values to match the convolution dimensions, but got {name}={values}")
    return values


def _check_shapes(x_shape, w_shape, bias, padding, output_padding, stride, dilation, groups,
                  transposed):
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in output_padding):
        raise RuntimeError("negative output_padding is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    ws, xs = list(w_shape), list(x_shape)
    if len(ws) != len(xs):
        raise RuntimeError(f"Expected {len(ws)}-dimensional input for {len(ws)}-dimensional "
                           f"weight {ws}, but got {len(xs)}-dimensional input of size {xs} "
                           "instead")
    if ws[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at "
                           f"dimension 0, but got weight of size {ws} instead")
    if ws[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} "
                           f"at dimension 0, but got weight of size [{ws}] instead")
    bs = None if bias is None else list(bias.shape)
    if not transposed:
        if xs[1] != ws[1] * groups:
            raise RuntimeError(f"Given groups={groups}, weight of size {ws}, expected input{xs} "
                               f"to have {ws[1] * groups} channels, but got {xs[1]} channels "
                               "instead")
        if bs is not None and bs != [ws[0]]:
            raise RuntimeError(f"Given weight of size {ws}, expected bias to be 1-dimensional "
                               f"with {ws[0]} elements, but got bias of size {bs} instead")
        padded = [s + 2 * p for s, p in zip(xs[2:], padding)]
        kernel = [d * (k - 1) + 1 for d, k in zip(dilation, ws[2:])]
        if any(p < k for p, k in zip(padded, kernel)):
            raise RuntimeError(
                f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). "
                f"Kernel size: ({' x '.join(map(str, kernel))}). Kernel size can't be greater "
                "than actual input size")
    else:
        if xs[1] != ws[0]:
            raise RuntimeError(f"Given transposed=1, weight of size {ws}, expected input{xs} to "
                               f"have {ws[0]} channels, but got {xs[1]} channels instead")
        if bs is not None and bs != [ws[1] * groups]:
            raise RuntimeError(f"Given transposed=1, weight of size {ws}, expected bias to be "
                               f"1-dimensional with {ws[1] * groups} elements, but got bias of "
                               f"size {bs} instead")


_AXES = {2: ("height", "width"), 3: ("depth", "height", "width")}


def _check_transposed(x, w, stride, padding, dilation, output_padding):
    """The transposed kernels' own checks. (A 1-d convolution runs as a 2-d
    one of height 1 there, so PyTorch words its errors in two dims.)"""
    two = len(stride) == 1
    lift = (lambda v, one: [one] + list(v)) if two else (lambda v, one: list(v))
    op, st, dl = lift(output_padding, 0), lift(stride, 1), lift(dilation, 1)
    if not all(o < s or o < d for o, s, d in zip(op, st, dl)):
        names = _AXES[len(op)]
        parts = [f"{kind}_{n}: {v}" for kind, vals in
                 (("output_padding", op), ("stride", st), ("dilation", dl))
                 for n, v in zip(names, vals)]
        raise RuntimeError("output padding must be smaller than either stride or dilation, but "
                           "got " + " ".join(parts))
    size = [(i - 1) * s - 2 * p + d * (k - 1) + o + 1 for i, s, p, d, k, o in
            zip(x.shape[2:], stride, padding, dilation, w.shape[2:], output_padding)]
    if min(size) < 1:
        if x.dtype == np.float32:
            raise RuntimeError("could not construct a memory descriptor using a format tag")
        ins = lift(x.shape[2:], 1)
        outs = lift(size, 1)
        raise RuntimeError(f"Given input size per channel: ({' x '.join(map(str, ins))}). "
                           f"Calculated output size per channel: ({' x '.join(map(str, outs))})."
                           " Output size is too small")
    return size


# -- the op --------------------------------------------------------------------
# The largest im2col kept from the forward for the weight's gradient (saves
# one im2col per training step; a larger one is made again in backward).
_KEEP_COLUMNS = 16 << 20


def convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding,
                groups):
    """torch.convolution: batched input (N, C, *S), every parameter given."""
    return _convolution(input, weight, bias, stride, padding, dilation, transposed,
                        output_padding, groups, None)


def _convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding,
                 groups, no_bias_sizes):
    """convolution; its node shows the int lists as given, and without a bias
    `no_bias_sizes` (None from torch.convolution, (0,) from the conv
    functions, as PyTorch's nodes show)."""
    for name, value, position in (("stride", stride, 4), ("padding", padding, 5),
                                  ("dilation", dilation, 6), ("output_padding", output_padding, 8)):
        if not isinstance(value, (tuple, list)):
            raise TypeError(f"convolution(): argument '{name}' (position {position}) must be "
                            f"tuple of ints, not {_tname(value)}")
    given = (tuple(dilation), tuple(output_padding), tuple(padding), tuple(stride))
    dim = weight._data.ndim - 2
    if dim <= 0:
        raise RuntimeError("weight should have at least three dimensions")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    stride = _expand(stride, "stride", dim)
    padding = _expand(padding, "padding", dim)
    dilation = _expand(dilation, "dilation", dim)
    output_padding = _expand(output_padding, "output_padding", dim)
    x, w = input._data, weight._data
    if not transposed:
        _check_bias_type(input, bias)
    _check_shapes(x.shape, w.shape, None if bias is None else bias._data, padding,
                  output_padding, stride, dilation, groups, transposed)
    mkldnn = _uses_mkldnn(x, w, stride, dilation, output_padding, groups, transposed)
    if x.dtype.kind in "biu":
        refuse_integer(x, dim, dilation, transposed)
    if transposed and not mkldnn:
        # (PyTorch's own transposed kernel adds a bias of another dtype in the input's)
        _check_types(input, weight, None)
    else:
        _check_types(input, weight, bias, mkldnn)
    if x.dtype.kind == "c":
        from .convolution_complex import refuse_complex
        refuse_complex(x, dim, dilation, transposed)
    k_size = tuple(w.shape[2:])
    if transposed:
        x_size = tuple(_check_transposed(x, w, stride, padding, dilation, output_padding))
        geometry = Geometry(tuple(stride), tuple(padding), tuple(dilation), groups, x_size,
                            tuple(x.shape[2:]), k_size)
        # (bfloat16 runs in oneDNN, which sums in float32 and rounds once, and
        # so does float16 on CPUs with AVX512-FP16; elsewhere float16 takes
        # PyTorch's slow kernel, which rounds the columns and sums them in it)
        data = K.input_grad(x, w, geometry, narrow=x.dtype != D._BF16_NP and not mkldnn)
        node = TransposedConvolutionBackward0
    else:
        y_size = tuple((s + 2 * p - d * (k - 1) - 1) // st + 1 for s, p, d, k, st in
                       zip(x.shape[2:], padding, dilation, k_size, stride))
        geometry = Geometry(tuple(stride), tuple(padding), tuple(dilation), groups,
                            tuple(x.shape[2:]), y_size, k_size)
        cols = K.columns(x, geometry)
        data = K.forward(x, w, geometry, cols, narrow=False)   # (the bias joins unrounded)
        if not tracked(weight) or cols.nbytes > _KEEP_COLUMNS:
            cols = None
        node = ConvolutionBackward0
    if bias is not None:
        data += bias._data.reshape((-1,) + (1,) * dim)
    arguments = (no_bias_sizes if bias is None else bias._data.shape, given[0], groups,
                 given[1], given[2], given[3], bool(transposed))
    return recorded(node, _laid_out_as_conv(rounded(data, x.dtype), x, w),
                    (input, weight, bias),
                    (geometry, arguments) if transposed else (geometry, cols, arguments))


# PyTorch's CPU kernels write channels-last output when the input or the
# weight is laid out so; in 3-D only mkldnn's do, for these dtypes (bfloat16
# and float16 where the CPU's AVX-512 has PyTorch run them in mkldnn too).
_CHANNELS_LAST_3D = {np.dtype(np.float32)} | ({np.dtype(np.float16)} if ONEDNN_FLOAT16 else set())
if ONEDNN_BFLOAT16:
    D.on_bfloat16(_CHANNELS_LAST_3D.add)


def _laid_out_as_conv(data, x, w):
    """The output in PyTorch's layout: channels-last where _output_format
    says so. A 1-D convolution runs as a 2-D one on (N, C, 1, L) views of a
    contiguous input and of the weight (unsqueeze's strides): the weight's
    layout alone decides."""
    if x.ndim != 3:
        return _L.laid_out(data, _output_format(x, w))
    fmt = _L.suggested_format(_unsqueezed(w))
    if fmt is not _L.channels_last:
        return data
    return _L.laid_out(data[:, :, None, :], fmt)[:, :, 0, :]


def _unsqueezed(a):
    """a.unsqueeze(2) as PyTorch strides it: the new dim spans the next one."""
    strides = a.strides[:2] + (a.shape[2] * a.strides[2],) + a.strides[2:]
    return np.lib.stride_tricks.as_strided(a, a.shape[:2] + (1,) + a.shape[2:], strides,
                                           writeable=False)


def _output_format(x, w):
    fmts = {_L.suggested_format(x), _L.suggested_format(w)}
    if _L.channels_last in fmts:
        return _L.channels_last
    if _L.channels_last_3d in fmts and x.dtype in _CHANNELS_LAST_3D:
        return _L.channels_last_3d
    return None


# -- conv1d / conv2d / conv3d -------------------------------------------------------
def ints(value, name, dim, fname):
    """An int-list argument as PyTorch's parser reads it: one int is repeated
    for every dim, a sequence is kept (a length-1 one is expanded later)."""
    if not isinstance(value, (tuple, list)):
        return list(int_list(value, fname, name)) * dim
    return list(int_list(value, fname, name))


def batched(input, dim, fname):
    """(input as a batch, whether it was one sample): PyTorch's batchify."""
    tensor_arg(input, fname)
    nd = input._data.ndim
    if nd not in (dim + 1, dim + 2):
        raise RuntimeError(f"Expected {dim + 1}D (unbatched) or {dim + 2}D (batched) input to "
                           f"{fname}, but got input of size: {list(input._data.shape)}")
    return (unsqueeze(input, 0), True) if nd == dim + 1 else (input, False)


def check_tensor(value, name, position, fname, optional=False):
    if not (isinstance(value, Tensor) or (optional and value is None)):
        tensor_arg(value, fname, name, position)


def _pad_same(input, weight, stride, dilation):
    """padding='same': the symmetric padding, and the input padded at the end
    where the total is odd (PyTorch pads a copy there too, and warns)."""
    if any(s != 1 for s in stride):
        raise RuntimeError("padding='same' is not supported for strided convolutions")
    dim = weight._data.ndim - 2
    left, extra = [], []
    for i in range(dim):
        d = dilation[0] if len(dilation) == 1 else dilation[i]
        total = d * (weight._data.shape[2 + i] - 1)
        left.append(total // 2)
        extra.append(total - 2 * (total // 2))
    if any(extra):
        warn_once("Using padding='same' with even kernel lengths and odd dilation may "
                  "require a zero-padded copy of the input be created",
                  cpp="aten/src/ATen/native/Convolution.cpp:1101")
        input = _pad_end(input, extra)
    return input, left


ConstantPadNdBackward0 = grad_fn(
    "ConstantPadNdBackward0", saved={"pad": "pad"},
    self=lambda xp, grad, sizes: _crop(xp, grad, sizes))


def _crop(xp, grad, sizes):
    for i, s in enumerate(sizes):
        grad = xp.narrow(grad, 2 + i, 0, s)
    return grad


def _pad_end(input, extra):
    x = input._data
    out = np.zeros(x.shape[:2] + tuple(s + e for s, e in zip(x.shape[2:], extra)), x.dtype)
    out[(Ellipsis,) + tuple(slice(0, s) for s in x.shape[2:])] = x
    # (`pad` as F.pad lists it: the last dim first, each (before, after))
    pad = tuple(v for e in reversed(extra) for v in (0, e))
    return recorded(ConstantPadNdBackward0, out, (input,), (tuple(x.shape[2:]), pad))


def conv(input, weight, bias, stride, padding, dilation, groups, dim):
    """F.conv{dim}d / torch.conv{dim}d."""
    fname = f"conv{dim}d"
    check_tensor(weight, "weight", 2, fname)
    check_tensor(bias, "bias", 3, fname, optional=True)
    stride = ints(stride, "stride", dim, fname)
    dilation = ints(dilation, "dilation", dim, fname)
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)):
        raise TypeError(f"{fname}(): argument 'groups' must be int, not {_tname(groups)}")
    x, unbatched = batched(input, dim, fname)
    # (output_padding as ATen's conv paths pass it: one 0 for 'valid', else one
    # per dim; ConvolutionBackward0 shows it so)
    output_padding = [0] * dim
    if isinstance(padding, str):
        if padding == "same":
            x, padding = _pad_same(x, weight, stride, dilation)
        elif padding == "valid":
            padding = output_padding = [0]
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        padding = ints(padding, "padding", dim, fname)
    if input.is_complex():
        from .convolution_complex import complex_convolution
        out = complex_convolution(x, weight, bias, stride, padding, dilation, False,
                                  output_padding, int(groups))
    else:
        out = _convolution(x, weight, bias, stride, padding, dilation, False, output_padding,
                           int(groups), (0,))
    return squeeze(out, 0) if unbatched else out


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return conv(input, weight, bias, stride, padding, dilation, groups, 1)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return conv(input, weight, bias, stride, padding, dilation, groups, 2)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return conv(input, weight, bias, stride, padding, dilation, groups, 3)


# (each overload: its text and its parameters' kinds)
_OVERLOADS = tuple(
    ("(Tensor input, Tensor weight, Tensor bias = None, tuple of ints stride = 1, "
     f"{padding}, tuple of ints dilation = 1, int groups = 1)",
     ("Tensor", "Tensor", "Tensor", "ints", kind, "ints", "int"))
    for padding, kind in (("tuple of ints padding = 0", "ints"), ('str padding = "valid"', "str")))


def _overloaded(function):
    """`function` refusing arguments as PyTorch's conv{n}d does: it has two
    overloads (padding as ints or as a string), so its parser lists both
    for any argument of the wrong type, a missing or an unknown one. (Only
    a failing call pays.)"""
    name = function.__name__

    @functools.wraps(function)
    def conv(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except TypeError as e:
            if not str(e).startswith(name + "("):
                raise
            raise invalid_combination(name, args, kwargs, _OVERLOADS) from None
    return conv


convolution = register(convolution, method=False, out=False)
conv1d = register(_overloaded(conv1d), method=False, out=False)
conv2d = register(_overloaded(conv2d), method=False, out=False)
conv3d = register(_overloaded(conv3d), method=False, out=False)

from .convolution_transpose import *  # noqa: E402,F401,F403
from . import convolution_transpose as _transpose  # noqa: E402

__all__ += _transpose.__all__
from . import convolution_unfold  # noqa: E402,F401  (nn.functional's unfold and fold)
