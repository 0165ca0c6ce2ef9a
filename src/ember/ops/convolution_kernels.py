"""The array side of convolution: three bilinear maps over one geometry.

A convolution relates an input space x (N, C, *S), a kernel w (O, C/g, *K)
and an output space y (N, O, *Y) through `Geometry`. Three maps close the
family under differentiation (each one's derivatives are the other two):

    forward(x, w)        -> y     the convolution
    input_grad(gy, w)    -> x     its adjoint in x: the transposed convolution
    weight_grad(x, gy)   -> w     its adjoint in w

All are BLAS matmuls over an im2col of the padded input (a strided view,
copied once into matmul layout). The groups are one axis of a batched
matmul; the adjoint in x scatters by summing one strided slice per kernel
offset (prod(K) adds of whole arrays, never a loop over pixels).

On the meta device each map answers only its result's shape: the strided
views and scratch buffers below are plain arrays, which would drop the
meta-ness (and allocate the columns of an input of any size).
"""
import itertools
import math
from collections import namedtuple

from .. import _dtype as D
from .._backend import np
from .._meta import as_strided, ascontiguousarray, full_for, is_meta, meta_array
from ._xp import matmul_wide

__all__ = ["Geometry", "columns", "forward", "input_grad", "weight_grad", "im2col", "col2im"]

# stride, padding, dilation: per spatial dim; x_size, y_size, k_size: the
# spatial sizes of the input, the output and the kernel.
Geometry = namedtuple("Geometry", "stride padding dilation groups x_size y_size k_size")

_as_strided = as_strided      # (_meta's: a meta array's windows are meta)


def _padded(x, padding):
    if not any(padding):
        return x
    out = full_for(x.shape[:2] + tuple(s + 2 * p for s, p in zip(x.shape[2:], padding)), 0,
                   x.dtype, x)
    out[(Ellipsis,) + tuple(slice(p, p + s) for s, p in zip(x.shape[2:], padding))] = x
    return out


def im2col(x, k_size, stride, padding, dilation, y_size):
    """The windows of padded `x` as a read-only view (N, C, *K, *Y): element
    [n, c, *k, *j] is padded x[n, c, *(j * stride + k * dilation)]."""
    xp = _padded(x, padding)
    st = xp.strides
    nd = len(k_size)
    return _as_strided(xp, xp.shape[:2] + tuple(k_size) + tuple(y_size),
                       st[:2] + tuple(st[2 + i] * dilation[i] for i in range(nd))
                       + tuple(st[2 + i] * stride[i] for i in range(nd)), writeable=False)


def col2im(cols, x_size, stride, padding, dilation):
    """The adjoint of im2col: `cols` (*lead, *K, *Y) summed back into
    (*lead, *x_size), one strided add per kernel offset."""
    nd = len(x_size)
    k_size, y_size = cols.shape[-2 * nd:-nd], cols.shape[-nd:]
    full = [s + 2 * p for s, p in zip(x_size, padding)]
    # (a window may reach past the padded input only where the forward
    # dropped trailing rows; room for it keeps the slices simple)
    full = [max(f, (y - 1) * s + (k - 1) * d + 1) if y and k else f
            for f, y, s, k, d in zip(full, y_size, stride, k_size, dilation)]
    out = full_for(cols.shape[:-2 * nd] + tuple(full), 0, cols.dtype, cols)
    rest = (slice(None),) * nd
    for offs in itertools.product(*map(range, k_size)):
        where = tuple(slice(o * d, o * d + (y - 1) * s + 1, s)
                      for o, d, s, y in zip(offs, dilation, stride, y_size))
        out[(Ellipsis,) + where] += cols[(Ellipsis,) + offs + rest]
    if any(padding) or list(full) != list(x_size):
        out = ascontiguousarray(
            out[(Ellipsis,) + tuple(slice(p, p + s) for p, s in zip(padding, x_size))])
    return out


def _grouped_cols(x, g):
    """im2col of x as (N, groups, C/groups * prod(K), prod(Y)), contiguous."""
    cols = im2col(x, g.k_size, g.stride, g.padding, g.dilation, g.y_size)
    n, c = x.shape[:2]
    return cols.reshape(n, g.groups, c // g.groups * math.prod(g.k_size), math.prod(g.y_size))


def _meta(shape, *arrays):
    """A meta result of `shape` where any operand is meta, else None."""
    if any(is_meta(a) for a in arrays):
        return meta_array(shape, arrays[0].dtype)
    return None


def columns(x, g):
    """The im2col matrix forward and weight_grad multiply with (a copy)."""
    n, c = x.shape[:2]
    meta = _meta((n, g.groups, c // g.groups * math.prod(g.k_size), math.prod(g.y_size)), x)
    return _grouped_cols(x, g) if meta is None else meta


def forward(x, w, g, cols=None, narrow=True):
    """y (N, O, *Y) = the convolution of x (N, C, *S) with w (O, C/groups, *K)
    (`narrow=False`: a half-precision y left in float32, see matmul_wide)."""
    n, o = x.shape[0], w.shape[0]
    meta = _meta((n, o) + tuple(g.y_size), x, w)
    if meta is not None:
        return meta
    if cols is None:
        cols = _grouped_cols(x, g)                           # (N, G, CgK, L)
    wm = w.reshape(g.groups, o // g.groups, w[0].size)      # (G, Og, CgK)
    if g.groups == 1:
        y = matmul_wide(wm[0], cols[:, 0], narrow=narrow)      # (N, O, L)
    else:
        y = matmul_wide(wm, cols, narrow=narrow)               # (N, G, Og, L)
    return y.reshape((n, o) + tuple(g.y_size))


def input_grad(gy, w, g, narrow=True):
    """x-shaped (N, C, *S): the adjoint of `forward` in x, applied to gy
    (N, O, *Y). This is also the transposed convolution of gy by w
    (`narrow=False`: half-precision columns multiplied and summed in float32,
    the result left in it)."""
    n, o = gy.shape[0], w.shape[0]
    groups, cg, nd = g.groups, w.shape[1], len(g.k_size)
    meta = _meta((n, groups * cg) + tuple(g.x_size), gy, w)
    if meta is not None:
        return meta
    kp = math.prod(g.k_size)
    # Rows ordered (kernel offset, channel): each offset's block, which
    # col2im adds in one go, is then contiguous per sample (a third faster).
    wk = w.reshape(groups, o // groups, cg, kp).transpose(0, 3, 2, 1) \
        .reshape(groups, kp * cg, o // groups)
    if all(st == 1 for st in g.stride) and nd > 1 and g.y_size[-1] < 16:
        # (short output rows make col2im's adds many and small; on long rows
        # padding the gradient costs more than it saves)
        return _input_grad_unit_stride(gy, wk, g, n, cg, narrow)
    gyg = gy.reshape(n, groups, o // groups, math.prod(g.y_size))         # (N, G, Og, L)
    if groups == 1:
        cols = matmul_wide(wk[0], gyg[:, 0], narrow=narrow)[:, None]    # (N, 1, K*Cg, L)
    else:
        cols = matmul_wide(wk, gyg, narrow=narrow)                      # (N, G, K*Cg, L)
    cols = np.moveaxis(cols.reshape((n, groups) + tuple(g.k_size) + (cg,) + tuple(g.y_size)),
                       2 + nd, 2)                                     # (N, G, Cg, *K, *Y)
    x = col2im(cols, g.x_size, g.stride, g.padding, g.dilation)
    return x.reshape((n, groups * cg) + tuple(g.x_size))


def _input_grad_unit_stride(gy, wk, g, n, cg, narrow=True):
    """input_grad for stride 1, with the batch innermost: the columns of one
    kernel offset are then the gradient at every output position, and each
    is added into the padded input as one box whose rows run the output's
    last size times the batch (long contiguous runs, where a row per sample
    and channel made the per-row overhead most of the time). The columns are
    made one offset along the first kernel dim at a time, into one reused
    buffer that stays in cache for its adds."""
    groups = g.groups
    full = tuple(s + 2 * p for s, p in zip(g.x_size, g.padding))
    y_size = tuple(g.y_size)
    og = gy.shape[1] // groups
    gyt = ascontiguousarray(np.moveaxis(gy.reshape((n, groups, og) + y_size), 0, -1))
    gyt = gyt.reshape(groups, og, -1)                                 # (G, Og, L*N)
    dtype = gy.dtype if narrow or gy.dtype not in D.HALF_NP else np.dtype(np.float32)
    out = np.zeros((groups, cg) + full + (n,), dtype)
    inner = math.prod(g.k_size[1:])
    wk = wk.reshape(groups, g.k_size[0], inner * cg, og)
    cols = np.empty((groups, inner * cg, gyt.shape[-1]), dtype)
    split = cols.reshape((groups, inner, cg) + y_size + (n,))
    both = (slice(None), slice(None))
    for first in range(g.k_size[0]):
        matmul_wide(wk[:, first], gyt, out=cols)                      # (G, K'*Cg, L*N)
        for j, offs in enumerate(itertools.product(*map(range, g.k_size[1:]))):
            box = tuple(slice(o * d, o * d + y)
                        for o, d, y in zip((first,) + offs, g.dilation, y_size))
            out[both + box] += split[:, j]
    x = out[both + tuple(slice(p, p + s) for p, s in zip(g.padding, g.x_size))]
    return ascontiguousarray(np.moveaxis(x, -1, 0)).reshape(
        (n, groups * cg) + tuple(g.x_size))


def weight_grad(x, gy, g, cols=None):
    """w-shaped (O, C/groups, *K): the adjoint of `forward` in w, applied to gy
    (`cols`: the forward's im2col of x, where it kept it)."""
    n, o = gy.shape[0], gy.shape[1]
    meta = _meta((o, x.shape[1] // g.groups) + tuple(g.k_size), gy, x)
    if meta is not None:
        return meta
    if cols is None:
        cols = _grouped_cols(x, g)                           # (N, G, CgK, L)
    gyg = gy.reshape(n, g.groups, o // g.groups, math.prod(g.y_size))   # (N, G, Og, L)
    # One gemm per sample (BLAS reads the transposed operand in place), then
    # a sum over the batch: faster than copying both into (N*L) layout. The
    # columns, the larger operand, go first and untransposed (up to a third
    # faster on LeNet's second convolution than gy first).
    gw = matmul_wide(cols, gyg.swapaxes(-1, -2)).sum(0)        # (G, CgK, Og)
    return ascontiguousarray(gw.swapaxes(-1, -2)).reshape(
        (o, x.shape[1] // g.groups) + tuple(g.k_size))
