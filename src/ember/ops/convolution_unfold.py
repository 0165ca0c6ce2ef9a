"""im2col and col2im (nn.functional.unfold and fold): a pair of adjoint
linear maps, so each one's derivative is the other (and a second derivative
is the first again)."""
from collections import namedtuple
from collections.abc import Iterable

from ._common import recorded, tensor_arg
from ._int_args import int_list
from ._registry import grad_fn
from . import _xp
from .convolution_kernels import col2im, im2col

__all__ = ["unfold", "fold"]

# image: the (N, C, H, W) side's spatial size; blocks: the number of sliding
# blocks per spatial dim; batched: whether the user's tensors have a batch dim.
Blocks = namedtuple("Blocks", "kernel dilation padding stride image blocks batched")


def _columns(x, b):
    """(N, C, H, W) -> (N, C*kh*kw, L), or without N where unbatched."""
    x = x if b.batched else x[None]
    cols = im2col(x, b.kernel, b.stride, b.padding, b.dilation, b.blocks)
    cols = cols.reshape(x.shape[0], x.shape[1] * b.kernel[0] * b.kernel[1],
                        b.blocks[0] * b.blocks[1])
    if not cols.flags.writeable:
        # (a 1x1 kernel's windows reshape without a copy: still im2col's
        # read-only view of x, where PyTorch's result is a new tensor)
        cols = cols.copy()
    return cols if b.batched else cols[0]


def _image(cols, b):
    """The adjoint: (N, C*kh*kw, L) summed back into (N, C, H, W)."""
    cols = cols if b.batched else cols[None]
    n = cols.shape[0]
    c = cols.shape[1] // (b.kernel[0] * b.kernel[1])
    out = col2im(cols.reshape((n, c) + tuple(b.kernel) + tuple(b.blocks)), b.image, b.stride,
                 b.padding, b.dilation)
    return out if b.batched else out[0]


Im2ColBackward0 = grad_fn("Im2ColBackward0", self=lambda xp, grad, blocks: xp.col2im(grad, blocks))
Col2ImBackward0 = grad_fn("Col2ImBackward0", self=lambda xp, grad, blocks: xp.im2col(grad, blocks))


def _unfold_recorded(x, b):
    return recorded(Im2ColBackward0, _columns(x._data, b), (x,), (b,))


def _fold_recorded(cols, b):
    return recorded(Col2ImBackward0, _image(cols._data, b), (cols,), (b,))


_xp.provide("im2col", _columns, _unfold_recorded)
_xp.provide("col2im", _image, _fold_recorded)


# -- arguments and checks, as PyTorch's im2col / col2im ---------------------------
def _paired(fname, input, named):
    """nn.functional's _pair of each (name, value) of `named` (an iterable
    as a tuple: a 0-d tensor fails to iterate), then the parser's checks: the
    input, and each as a tuple of ints, at its position after the input."""
    named = [(n, tuple(v) if isinstance(v, Iterable) else (v, v)) for n, v in named]
    tensor_arg(input, fname)
    return {n: _pair(v, n, fname, i + 2) for i, (n, v) in enumerate(named)}


def _pair(value, name, fname, position):
    value = int_list(value, fname, name, position)
    if len(value) != 2:
        raise RuntimeError(f"It is expected {name} equals to 2, but got size {len(value)}")
    return tuple(int(v) for v in value)


_CHECKS = {
    "kernel_size": ("kernel size should be greater than zero", "kernel", 1),
    "dilation": ("dilation should be greater than zero", "dilation", 1),
    "padding": ("padding should be non-negative", "pad", 0),
    "stride": ("stride should be greater than zero", "stride", 1),
}


def _check_values(params, order):
    for name in order:
        text, short, low = _CHECKS[name]
        h, w = params[name]
        if h < low or w < low:
            raise RuntimeError(f"{text}, but got {short}_height: {h} {short}_width: {w}")


def _blocks(size, k, d, p, s):
    return (size + 2 * p - (d * (k - 1) + 1)) // s + 1


def _dtype_check(t, kernel):
    if t._data.dtype.kind in "iu":
        from .. import _dtype as D
        raise NotImplementedError(f'"{kernel}" not implemented for '
                                  f"'{D.SCALAR_NAMES[t.dtype]}'")


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """nn.functional.unfold: the sliding blocks of (N, C, H, W) as columns."""
    fname = "im2col"
    params = _paired(fname, input, (("kernel_size", kernel_size), ("dilation", dilation),
                                    ("padding", padding), ("stride", stride)))
    _check_values(params, ("kernel_size", "dilation", "padding", "stride"))
    x = input._data
    if x.ndim == 0:
        raise IndexError("Dimension specified as 1 but tensor has no dimensions")
    if x.ndim < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-x.ndim}, "
                         f"{x.ndim - 1}], but got {x.ndim})")
    if x.ndim > 4 or 0 in x.shape[-3:]:
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with possibly 0 batch size "
                           f"and other non-zero dimensions for input, but got: {list(x.shape)}")
    k, d, p, s = (params[n] for n in ("kernel_size", "dilation", "padding", "stride"))
    image = tuple(x.shape[-2:])
    blocks = tuple(_blocks(*a) for a in zip(image, k, d, p, s))
    if min(blocks) < 1:
        raise RuntimeError(f"Given input with spatial size {image}, kernel_size={k}, "
                           f"dilation={d}, padding={p}, calculated shape of the array of "
                           f"sliding blocks as {blocks}, but its components must be at least "
                           "one.")
    _dtype_check(input, "im2col_out_cpu")
    b = Blocks(k, d, p, s, image, blocks, x.ndim == 4)
    return recorded(Im2ColBackward0, _columns(x, b), (input,), (b,))


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """nn.functional.fold: columns (N, C*kh*kw, L) summed into (N, C, H, W)."""
    fname = "col2im"
    params = _paired(fname, input, (("output_size", output_size), ("kernel_size", kernel_size),
                                    ("dilation", dilation), ("padding", padding),
                                    ("stride", stride)))
    _check_values(params, ("kernel_size", "stride", "dilation", "padding"))
    x = input._data
    if x.ndim not in (2, 3) or 0 in x.shape[-2:]:
        raise RuntimeError("Expected 2D or 3D (batch mode) tensor for input with possibly 0 "
                           "batch size and non-zero dimensions for input, but got: "
                           f"{list(x.shape)}")
    image, k, d, p, s = (params[n] for n in ("output_size", "kernel_size", "dilation",
                                             "padding", "stride"))
    planes, length = x.shape[-2:]
    if planes % (k[0] * k[1]):
        raise RuntimeError("Expected size of input's dimension 1 to be divisible by the product "
                           f"of kernel_size, but got input.size(1)={planes} and kernel_size={k}.")
    blocks = tuple(_blocks(*a) for a in zip(image, k, d, p, s))
    where = f"Given output_size={image}, kernel_size={k}, dilation={d}, padding={p}, stride={s}"
    if length != blocks[0] * blocks[1]:
        raise RuntimeError(f"{where}, expected size of input's dimension 2 to match the "
                           f"calculated number of sliding blocks {blocks[0]} * {blocks[1]} = "
                           f"{blocks[0] * blocks[1]}, but got input.size(2)={length}.")
    if min(blocks) < 1:
        raise RuntimeError(f"{where}, calculated shape of the array of sliding blocks as "
                           f"{blocks}, which is too small (non-positive)")
    _dtype_check(input, "col2im_out_cpu")
    b = Blocks(k, d, p, s, image, blocks, x.ndim == 3)
    return recorded(Col2ImBackward0, _image(x, b), (input,), (b,))
