"""Affine grids and grid sampling: torch.affine_grid_generator and
torch.grid_sampler (grid_sampler_2d / grid_sampler_3d), what F.affine_grid
and F.grid_sample run.

grid_sample reads the input at arbitrary points: the points' integer corners
are gathered with one fancy index over all batch entries, the weights are
products of per-axis fractions. The derivative formulas are written once
over `xp` with operators, indexing and xp.index_backward (a scatter-add),
so under create_graph they record Ember ops and differentiate again, as
PyTorch's GridSampler2DBackwardBackward0 does. Coordinates follow PyTorch's
GridSampler.h: unnormalize, then clip (border) or reflect (reflection); the
derivative of that map is a per-point factor (0 where clipped, -1 where
reflected), folded in as `coord * mult + offset` with constant mult/offset.
"""
from .. import _meta
import itertools

from .. import _dtype as D
from .._layout import c_strided
from .._backend import np
from .._ranges import _spaced
from ._common import kernel_refuses, no_complex_autograd, recorded, wrap
from .linalg import rounded
from ._registry import grad_fn, register

__all__ = ["affine_grid_generator", "grid_sampler", "grid_sampler_2d", "grid_sampler_3d"]


def _const(xp, arr):
    return wrap(arr) if xp.recording else arr


# -- affine_grid_generator -------------------------------------------------------------
def _linspace(steps, align_corners, dt):
    if steps <= 1:
        return np.zeros(steps, dt)
    dt = np.dtype(dt)
    r = _spaced(-1, 1, steps, dt)
    if align_corners:
        return r
    if dt.kind in "iu":
        # (ATen's range * (steps - 1) / steps: the product in the integer
        # type, wrapping; the true division in float, truncated into the grid)
        return np.true_divide(np.asarray(r, dt) * dt.type(steps - 1), steps, dtype=np.float32)
    return r * dt.type(steps - 1) / dt.type(steps)


def base_grid(spatial, align_corners, dt):
    """(prod(spatial), len(spatial) + 1): x (last dim), y, z ... and 1 per point."""
    axes = [_linspace(s, align_corners, dt) for s in spatial]
    mesh = np.meshgrid(*axes, indexing="ij")
    cols = [m.reshape(-1) for m in reversed(mesh)] + [np.ones(int(np.prod(spatial)), dt)]
    return np.stack(cols, axis=1)


def _affine_backward(xp, g, base, n):
    g3 = xp.reshape(g, (n, base.shape[0], base.shape[1] - 1))
    return xp.transpose(xp.matmul(_const(xp, _meta.ascontiguousarray(base.T)), g3), 1, 2)


AffineGridGeneratorBackward0 = grad_fn(
    "AffineGridGeneratorBackward0", saved={"align_corners": "align_corners", "size": "size"},
    theta=lambda xp, g, base, n: _affine_backward(xp, g, base, n))


def affine_grid_generator(theta, size, align_corners):
    size = [int(s) for s in size]
    th = theta._data
    if len(size) not in (4, 5):
        raise RuntimeError("AffineGridGenerator needs 4d (spatial) or 5d (volumetric) inputs.")
    if th.shape[0] != size[0]:
        # (PyTorch's batched product of the base grid with theta says so)
        raise RuntimeError("Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{size[0]}, {len(size) - 1}] but got: [{th.shape[0]}, "
                           f"{th.shape[2]}].")
    spatial = size[2:]
    if th.dtype == np.bool_:     # (the base grid is a linspace in theta's dtype)
        raise kernel_refuses("linspace_cpu", th.dtype)
    # (the base grid is real; a complex theta takes it in its own dtype)
    base = base_grid(spatial, align_corners, th.real.dtype).astype(th.dtype, copy=False)
    data = np.matmul(base, th.transpose(0, 2, 1)).reshape(size[0], *spatial, len(spatial))
    no_complex_autograd("affine_grid_generator", data, theta)
    return recorded(AffineGridGeneratorBackward0, rounded(data, th.dtype), (theta,),
                    (base, size[0], bool(align_corners), size))


affine_grid_generator = register(affine_grid_generator, method=False, out=False)


# -- grid_sampler ----------------------------------------------------------------------
def _reflect(c, lo2, hi2):
    """reflect_coordinates, with the sign of its derivative."""
    if lo2 == hi2:
        return np.zeros_like(c), np.zeros_like(c)
    lo, span = c.dtype.type(lo2 / 2), c.dtype.type((hi2 - lo2) / 2)
    c = c - lo
    sign = np.where(c < 0, -1, 1).astype(c.dtype)
    c = np.abs(c)
    extra = np.fmod(c, span)
    flips = np.floor(c / span)
    even = flips % 2 == 0
    return np.where(even, extra + lo, span - extra + lo), np.where(even, sign, -sign)


def _clip(c, size):
    inside = (c > 0) & (c < size - 1)
    return np.minimum(c.dtype.type(size - 1), np.maximum(c, c.dtype.type(0))), \
        inside.astype(c.dtype)


def _padded(c, size, padding_mode, align_corners):
    """compute_coordinates and its derivative factor."""
    if padding_mode == 1:
        return _clip(c, size)
    if padding_mode == 2:
        c, m = _reflect(c, 0, 2 * (size - 1)) if align_corners else \
            _reflect(c, -1, 2 * size - 1)
        c, m2 = _clip(c, size)
        return c, m * m2
    return c, np.ones_like(c)


def _unnormalize_scale(size, align_corners, dt):
    return dt.type((size - 1) / 2) if align_corners else dt.type(size / 2)


def _coords(grid, spatial, align_corners, padding_mode, pad_here):
    """Per grid coordinate k (x, y, z): the source position as `xp` sees it:
    (position data, derivative factor d position / d grid)."""
    out = []
    for k, size in enumerate(reversed(spatial)):
        g = grid[..., k]
        s = _unnormalize_scale(size, align_corners, g.dtype)
        if align_corners:
            c = (g + 1) / 2 * g.dtype.type(size - 1)
        else:
            c = ((g + 1) * g.dtype.type(size) - 1) / 2
        m = np.full_like(c, s)
        if pad_here:
            c, dm = _padded(c, size, padding_mode, align_corners)
            m = m * dm
        out.append((c, m))
    return out


def _half_scalar(t, a):
    """The coefficient in the array's dtype: ml_dtypes' bfloat16 times a
    Python float is float32 (PyTorch's kernel holds it in scalar_t)."""
    return t.dtype.type(a) if isinstance(t, np.ndarray) else a


def _cubic(t, a=-0.75):
    a = _half_scalar(t, a)

    def near(x):
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def _cubic_grad(t, a=-0.75):
    a = _half_scalar(t, a)
    x0, x1, x2, x3 = t + 1, t, 1 - t, 2 - t
    return [(3 * a * x0 - 10 * a) * x0 + 8 * a,        # d/dt far(t + 1)
            (3 * (a + 2) * x1 - 2 * (a + 3)) * x1,       # d/dt near(t)
            -(3 * (a + 2) * x2 - 2 * (a + 3)) * x2,      # d/dt near(1 - t)
            -((3 * a * x3 - 10 * a) * x3 + 8 * a)]       # d/dt far(2 - t)


def _taps(grid, spatial, mode, padding_mode, align_corners):
    """The source positions (`_coords`) and the points each output reads:
    a list of (integer index per spatial coordinate x, y, z, the tap's offset
    per coordinate: 0/1 for bilinear, 0..3 for bicubic, None for nearest).
    Everything here is data (not differentiated)."""
    coords = _coords(grid, spatial, align_corners, padding_mode, mode != 2)
    if mode == 1:
        idx = [np.rint(c).astype(np.int64) for c, _ in coords]
        return coords, [(idx, None)]
    if mode == 0:
        base = [np.floor(c).astype(np.int64) for c, _ in coords]
        taps = []
        for bits in itertools.product((0, 1), repeat=len(coords)):
            taps.append(([b + bit for b, bit in zip(base, reversed(bits))], tuple(reversed(bits))))
        return coords, taps
    base = [np.floor(c).astype(np.int64) for c, _ in coords]
    taps = []
    for offs in itertools.product(range(4), repeat=len(coords)):
        offs = tuple(reversed(offs))
        idx = []
        for b, o, size in zip(base, offs, reversed(spatial)):
            p = (b - 1 + o).astype(grid.dtype)
            p, _ = _padded(p, size, padding_mode, align_corners)
            idx.append(p.astype(np.int64))
        taps.append((idx, offs))
    return coords, taps


def _key(idx, spatial, n):
    """Clamped fancy index (batch, z, y, x) into channels-last input, the
    same as flat row numbers into its (N * prod(spatial), C) view, and the
    in-bounds mask."""
    inside = np.ones(idx[0].shape, bool)
    safe = []
    for i, size in zip(idx, reversed(spatial)):
        inside &= (i >= 0) & (i < size)
        safe.append(np.clip(i, 0, size - 1))
    batch = np.arange(n).reshape((n,) + (1,) * (idx[0].ndim - 1))
    key = (batch,) + tuple(reversed(safe))
    rows = np.ravel_multi_index(np.broadcast_arrays(*key), (n,) + tuple(spatial))
    return (key, rows), inside


def _gather(xp, xl, key):
    """The channel rows at the points: one np.take of flat rows on arrays."""
    if xp.recording:
        return xl[key[0]]
    return np.take(xl.reshape(-1, xl.shape[-1]), key[1], axis=0)


def _scatter(xp, terms, shape):
    """Sum of every (key, values) put into zeros of channels-last `shape`:
    one np.add.at over flat indices on arrays (NumPy 2's fast path for a
    1-D target), scatter-adds under recording."""
    if xp.recording:
        out = None
        for key, vals in terms:
            s = xp.index_backward(vals, shape, key[0], True)
            out = s if out is None else out + s
        return out
    c = shape[-1]
    flat = [(key[1][..., None] * c + np.arange(c)).reshape(-1) for key, _ in terms]
    out = np.zeros(int(np.prod(shape)), terms[0][1].dtype)
    np.add.at(out, np.concatenate(flat), np.concatenate([v.reshape(-1) for _, v in terms]))
    return out.reshape(shape)


def _row_dot(xp, a, b):
    """sum(a * b) over the last (channel) axis."""
    if xp.recording:
        return xp.sum(a * b, (-1,))
    if a.dtype in D.HALF_NP:    # (NumPy's einsum adds float16 in float16, and has no bfloat16)
        return np.einsum("...c,...c->...", a.astype(np.float32), b.astype(np.float32)
                         ).astype(a.dtype)
    return np.einsum("...c,...c->...", a, b)


def _weights(xp, pos, coords, tap, mode):
    """The tap's weight (a function of the positions `pos`, which are
    differentiable under recording) and its derivative per coordinate."""
    _, offs = tap
    if mode == 1:
        return None, None
    factors, grads = [], []
    for k, ((c, _), o) in enumerate(zip(coords, offs)):
        f0 = _const(xp, np.floor(c))
        if mode == 0:
            factors.append(pos[k] - f0 if o else f0 + 1 - pos[k])
            grads.append(1.0 if o else -1.0)
        else:
            t = pos[k] - f0
            factors.append(_cubic(t)[o])
            grads.append(_cubic_grad(t)[o])
    weight = factors[0]
    for f in factors[1:]:
        weight = weight * f
    dweight = []
    for k in range(len(factors)):
        d = grads[k]
        for j, f in enumerate(factors):
            if j != k:
                d = d * f
        dweight.append(d)
    return weight, dweight


def _last(xp, t):
    """(N, C, *out) -> (N, *out, C)."""
    nd = len(t.shape)
    return xp.permute(t, (0,) + tuple(range(2, nd)) + (1,))


def _grid_sample(xp, input, grid, mode, padding_mode, align_corners, g=None, want=(True, True)):
    """Forward (g None) or the gradients (input, grid) given output grad `g`.
    Works channels-last, so each gathered point is one contiguous row."""
    gd = xp.data(grid)
    spatial = xp.data(input).shape[2:]
    n = gd.shape[0]
    coords, taps = _taps(gd, spatial, mode, padding_mode, align_corners)
    # Under recording the positions are differentiable functions of the grid
    # (with the values of `coords`, to rounding); otherwise they are `coords`.
    pos = [grid[..., k] * _const(xp, m) + _const(xp, c - gd[..., k] * m) if xp.recording
           else c for k, (c, m) in enumerate(coords)]
    xl = _last(xp, input)
    if not xp.recording:
        xl = _meta.ascontiguousarray(xl)
    out, ggrid, scattered = None, [None] * len(coords), []
    gl = None if g is None else _last(xp, g)
    for tap in taps:
        key, inside = _key(tap[0], spatial, n)
        mask = _const(xp, inside.astype(gd.dtype))
        w, dw = _weights(xp, pos, coords, tap, mode)
        wm = mask if w is None else w * mask
        wl = xp.reshape(wm, wm.shape + (1,))
        if g is None:
            term = _gather(xp, xl, key) * wl
            out = term if out is None else out + term
            continue
        if want[0]:
            scattered.append((key, gl * wl))
        if want[1] and dw is not None:
            vals = _row_dot(xp, _gather(xp, xl, key), gl) * mask
            for k, d in enumerate(dw):
                term = vals * d
                ggrid[k] = term if ggrid[k] is None else ggrid[k] + term
    if g is None:
        nd = len(out.shape)
        return xp.permute(out, (0, nd - 1) + tuple(range(1, nd - 1)))
    gin = gg = None
    if want[0]:
        gin = _scatter(xp, scattered, tuple(xl.shape))
        nd = len(gin.shape)
        gin = xp.permute(gin, (0, nd - 1) + tuple(range(1, nd - 1)))
        if not xp.recording:
            # (c_strided: PyTorch's zeros_like(input, contiguous) strides a
            # size-1 channel dim too, where numpy takes any stride as contiguous)
            gin = c_strided(_meta.ascontiguousarray(gin))
    if want[1]:
        if mode == 1:
            gg = _const(xp, np.zeros(gd.shape, gd.dtype))
        else:
            parts = [ggrid[k] * _const(xp, m) for k, (_, m) in enumerate(coords)]
            gg = xp.stack(parts, -1)
    return gin, gg


def _grid_formula(which):
    def formula(xp, g, input, grid, mode, padding_mode, align_corners):
        want = (which == 0, which == 1)
        return _grid_sample(xp, input, grid, mode, padding_mode, align_corners, g, want)[which]
    return formula


_GRID_FIELDS = {"align_corners": "align_corners", "interpolation_mode": "mode",
                "padding_mode": "padding_mode"}
GridSampler2DBackward0 = grad_fn("GridSampler2DBackward0", saved=_GRID_FIELDS,
                                 input=_grid_formula(0), grid=_grid_formula(1))
GridSampler3DBackward0 = grad_fn("GridSampler3DBackward0", saved=_GRID_FIELDS,
                                 input=_grid_formula(0), grid=_grid_formula(1))


def _check(input, grid, mode, n):
    """check_grid_sampler_common, then the 2-D or 3-D checks, in PyTorch's order."""
    x, gr = input._data, grid._data
    sizes = f"input with sizes {list(x.shape)} and grid with sizes {list(gr.shape)}"
    if input.size(0) != grid.size(0):
        raise RuntimeError("grid_sampler(): expected grid and input to have same batch size, "
                           f"but got {sizes}")
    if gr.shape[-1] != x.ndim - 2:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {x.ndim - 2} in last "
                           f"dimension, but got grid with sizes {list(gr.shape)}")
    for i in range(2, x.ndim):
        if x.shape[i] <= 0:
            raise RuntimeError("grid_sampler(): expected input to have non-empty spatial "
                               f"dimensions, but input has sizes {list(x.shape)} with dimension "
                               f"{i} being empty")
    if x.ndim != n + 2 or gr.ndim != n + 2:
        raise RuntimeError(f"grid_sampler(): expected {n + 2}D input and grid with same number "
                           f"of dimensions, but got {sizes}")
    if mode == 2 and n == 3:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    if not D.is_float_np(x.dtype):
        # (a volume of any other dtype stops at the 3-d sampler's own dispatch)
        kernel = "grid_sampler3d_cpu" if n == 3 else "grid_sampler_2d_cpu_kernel_impl"
        raise NotImplementedError(f'"{kernel}" not implemented for '
                                  f"'{D.SCALAR_NAMES[input.dtype]}'")
    if x.dtype != gr.dtype:
        raise RuntimeError(f"expected scalar type {D.SCALAR_NAMES[input.dtype]} but found "
                           f"{D.SCALAR_NAMES[grid.dtype]}")


def _sample(input, grid, interpolation_mode, padding_mode, align_corners, node):
    _check(input, grid, interpolation_mode, 2 if node is GridSampler2DBackward0 else 3)
    from ._xp import NUMPY
    data = _grid_sample(NUMPY, input._data, grid._data, interpolation_mode, padding_mode,
                        align_corners)
    # PyTorch allocates the output contiguous, with a size-1 channel dim's stride
    # too (a channels-last stride there would make the next conv channels-last)
    return recorded(node, c_strided(_meta.ascontiguousarray(data)), (input, grid),
                    (interpolation_mode, padding_mode, bool(align_corners)))


def grid_sampler_2d(input, grid, interpolation_mode, padding_mode, align_corners):
    return _sample(input, grid, interpolation_mode, padding_mode, align_corners,
                   GridSampler2DBackward0)


def grid_sampler_3d(input, grid, interpolation_mode, padding_mode, align_corners):
    return _sample(input, grid, interpolation_mode, padding_mode, align_corners,
                   GridSampler3DBackward0)


def grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners):
    sampler = grid_sampler_2d if input._data.ndim == 4 else grid_sampler_3d
    return sampler(input, grid, interpolation_mode, padding_mode, align_corners)


for _f in (grid_sampler, grid_sampler_2d, grid_sampler_3d):
    globals()[_f.__name__] = register(_f, method=False, out=False)
del _f
