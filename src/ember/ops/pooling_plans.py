"""The arithmetic of every pool, as two kinds of linear "plans".

A pool's backward is linear in the incoming gradient, and so is the backward
of that backward. Each plan is a pair of adjoint maps on the trailing
spatial dims (any leading dims are planes):

    WindowSum       y = (sum over each window of x) / divisor   (avg pools,
                    pooling_sums.py: in PyTorch's order, element by element)
    Gather          y = x.flat[indices] within each plane       (adaptive max, unpool)
    StridedGather   the same, scattering back by kernel offset  (max pools)

`forward` and `adjoint` run on arrays; `xp.pool_forward` / `xp.pool_adjoint`
give the formulas both, recorded under create_graph=True, where each one's
derivative is the other: double backward of any pool needs nothing more.

Max pools loop over kernel offsets, each a strided view of the (padded)
input; adaptive max pools, whose windows differ in size, reduce one axis at
a time (a max over a box is a max of maxes) through a table of the input
coordinates each window visits. Never a loop over pixels, planes or batch
entries. On the meta device every plan answers only shapes (its buffers and
strided views are plain arrays, which have no meta form).
"""
from .. import _meta
from .. import _dtype as D
from .._backend import np
from .._meta import is_meta, meta_array
from ._common import recorded, wrap
from ._registry import grad_fn, tensor_field
from ._xp import provide

_as_strided = np.lib.stride_tricks.as_strided

__all__ = []


# -- windows along one axis ------------------------------------------------------
def adaptive_bounds(L, o):
    """PyTorch's adaptive windows: [floor(i*L/o), ceil((i+1)*L/o))."""
    i = np.arange(o, dtype=np.int64)
    return i * L // o, -(-(i + 1) * L // o)


def adaptive_windows(L, o):
    start, end = adaptive_bounds(L, o)
    k = int((end - start).max()) if o else 1
    coords = start[:, None] + np.arange(k, dtype=np.int64)
    return np.minimum(coords, end[:, None] - 1)


def _pick(arr, col, axis):
    """arr's entries at coordinates `col` along `axis` (a slice view when the
    coordinates are evenly spaced, as they are away from the borders)."""
    o = col.shape[0]
    if o > 1:
        step = int(col[1] - col[0])
        if step > 0 and col[-1] == col[0] + step * (o - 1) and \
                (o < 3 or np.array_equal(np.diff(col), np.full(o - 1, step))):
            return arr[(slice(None),) * axis + (slice(int(col[0]), int(col[-1]) + 1, step),)]
    return arr.take(col, axis)


def _via_float32(scan):
    """A max scan of bfloat16 run on float32 copies: the same maxima and
    positions, without ml_dtypes' comparisons flagging (and warning on) NaN."""
    def run(x, *args):
        if x.dtype != D._BF16_NP:
            return scan(x, *args)
        best, which = scan(x.astype(np.float32), *args)
        return best.astype(x.dtype), which
    run.__doc__, run.__name__ = scan.__doc__, scan.__name__
    return run


@_via_float32
def window_max(x, tables):
    """Max of x over the windows given per trailing axis by `tables` (from
    adaptive_windows), and the flat index (within each plane) of the element
    PyTorch picks: the first maximum in scan order, or the last NaN."""
    n = len(tables)
    if is_meta(x):
        shape = x.shape[:x.ndim - n] + tuple(t.shape[0] for t in tables)
        return meta_array(shape, x.dtype), meta_array(shape, np.int64)
    nan = x.dtype.kind == "f" and bool(np.isnan(x).any())      # (bfloat16: float32 here)
    vals, idx = x, None
    for a in reversed(range(n)):
        axis = x.ndim - n + a
        table = tables[a]
        best = np.array(_pick(vals, table[:, 0], axis))
        which = np.zeros(best.shape, np.int64)
        for j in range(1, table.shape[1]):
            v = _pick(vals, table[:, j], axis)
            better = v > best
            if nan:
                better |= v != v
            np.maximum(best, v, out=best)       # (branch-free: see strided_max)
            np.maximum(which, better * j, out=which)
        shape = [1] * best.ndim
        shape[axis] = table.shape[0]
        # (an adaptive table's column j is min(start + j, end - 1))
        coord = np.minimum(table[:, 0].reshape(shape) + which, table[:, -1].reshape(shape))
        if idx is None:
            idx = coord
        else:
            inner = int(np.prod(x.shape[axis + 1:], dtype=np.int64))
            idx = coord * inner + np.take_along_axis(idx, coord, axis)
        vals = best
    return vals, idx


def _axis_shape(a, n, size):
    shape = [1] * n
    shape[a] = size
    return shape


def flat_offsets(js, k):
    """Per-axis offset numbers (arrays along each axis) -> one offset number."""
    total = 0
    for a, ja in enumerate(js):
        total = total * k[a] + ja.reshape(_axis_shape(a, len(k), ja.shape[0]))
    return total


def padded_size(spatial, k, s, p, d, out):
    """The input's size with its left padding and what the last windows
    reach past its end."""
    return tuple(pp + L + max(0, (o - 1) * ss + (kk - 1) * dd + 1 - pp - L)
                 for L, kk, ss, pp, dd, o in zip(spatial, k, s, p, d, out))


def _tiling(k, s, d):
    return tuple(s) == tuple(k) and all(dd == 1 for dd in d)


def _tiles(x, k, s, d, out):
    """Windows that tile x (stride = kernel, no dilation, nothing past the
    end): the elements of each kernel offset as one contiguous block,
    (*k, *lead, *out), or None for other windows. Whole blocks make the
    per-offset passes run on contiguous memory (several times faster than
    strided views with small steps)."""
    n = len(k)
    if not _tiling(k, s, d) or x.size == 0:
        return None
    lead = x.shape[:x.ndim - n]
    cropped = x[(Ellipsis,) + tuple(slice(0, o * kk) for o, kk in zip(out, k))]
    split = cropped.reshape(lead + tuple(v for o, kk in zip(out, k) for v in (o, kk)))
    m = len(lead)
    order = tuple(m + 2 * a + 1 for a in range(n)) + tuple(range(m)) \
        + tuple(m + 2 * a for a in range(n))
    return _meta.ascontiguousarray(split.transpose(order))


def _offset_views(padded, k, s, d, out, tiles=None):
    """For each kernel offset (in scan order), the strided view of the
    elements it visits in every window (a block of `tiles` where given)."""
    if tiles is not None:
        yield from tiles.reshape((-1,) + tiles.shape[len(k):])
        return
    for offsets in np.ndindex(*k):
        yield padded[(Ellipsis,) + tuple(slice(j * dd, j * dd + (o - 1) * ss + 1, ss)
                                         for j, dd, o, ss in zip(offsets, d, out, s))]


def offset_indices(which, spatial, k, s, p, d, out):
    """The flat index within each plane of the element each window's winning
    kernel offset (`which`, from strided_max) points at."""
    n = len(k)
    plane = [int(np.prod(spatial[a + 1:], dtype=np.int64)) for a in range(n)]
    js = np.unravel_index(np.arange(int(np.prod(k))), k)
    step = sum(ja * dd * pl for ja, dd, pl in zip(js, d, plane))
    base = sum((np.arange(o, dtype=np.int64) * ss - pp).reshape(_axis_shape(a, n, o)) * plane[a]
               for a, (o, ss, pp) in enumerate(zip(out, s, p)))
    # (a window without any input element, from an absurd dilation, points
    # past the plane, as PyTorch's does)
    return step.take(which) + base


@_via_float32
def strided_max(x, k, s, p, d, out):
    """Max pool over the trailing len(k) axes, as PyTorch's kernel scans:
    from -inf (the lowest integer), a later element wins only when greater
    (or NaN), so ties keep the first maximum, NaN the last, and a window of
    -inf the first position inside the input. One pass per kernel offset
    over a strided view of the input padded with that lowest value. Gives
    the maxima and the winning offset numbers (see offset_indices)."""
    n = len(k)
    spatial = x.shape[x.ndim - n:]
    lead = x.shape[:x.ndim - n]
    if is_meta(x):
        return meta_array(lead + tuple(out), x.dtype), meta_array(lead + tuple(out), np.int8)
    lowest = -np.inf if D.is_float_np(x.dtype) else np.iinfo(x.dtype).min
    size = padded_size(spatial, k, s, p, d, out)
    if size != tuple(spatial):
        padded = np.full(lead + size, lowest, x.dtype)
        padded[(Ellipsis,) + tuple(slice(pp, pp + L) for pp, L in zip(p, spatial))] = x
    else:
        padded = x
    starts = [np.arange(o, dtype=np.int64) * ss - pp for o, ss, pp in zip(out, s, p)]
    # Which kernel offset won (a small integer per output; offset_indices
    # makes the flat index of it). It starts at each window's first offset
    # inside the input.
    first = flat_offsets([np.where(st < 0, (-st + dd - 1) // dd, 0)
                          for st, dd in zip(starts, d)], k)
    which_dtype = np.int8 if int(np.prod(k)) < 127 else np.int64
    tiles = _tiles(x, k, s, d, out) if padded is x else None
    views = list(_offset_views(padded, k, s, d, out, tiles))
    best, which = _scan(views, lead + tuple(out), x.dtype, lowest, first, which_dtype, False)
    # (the max keeps NaN, so a window met one exactly where its max is NaN:
    # checked on the output, smaller than the input, and scanned again)
    if x.dtype.kind == "f" and np.isnan(best).any():
        best, which = _scan(views, best.shape, x.dtype, lowest, first, which_dtype, True)
    return best, which


def _scan(views, shape, dtype, lowest, first, which_dtype, nan):
    best = np.full(shape, lowest, dtype)
    which = np.empty(shape, which_dtype)
    which[...] = first
    better = np.empty(shape, bool)
    for j, view in enumerate(views):
        np.greater(view, best, out=better)
        if nan:
            better |= view != view
        # Branch-free updates (a masked copy costs ten times more): the max
        # keeps NaN once met, and offsets come in increasing order, so the
        # last offset that won is the largest.
        np.maximum(best, view, out=best)
        np.maximum(which, better.view(np.int8) * which.dtype.type(j), out=which)
    return best, which


# -- the plans --------------------------------------------------------------------
class Gather:
    """y = x.flat[indices] per plane; its adjoint scatters back (summed where
    windows overlap, assigned where they cannot, as max_unpool does)."""
    __slots__ = ("indices", "in_spatial", "accumulate", "node", "forward_node", "adjoint_node")

    def __init__(self, indices, in_spatial, accumulate, nodes):
        self.indices = indices
        self.in_spatial = tuple(in_spatial)
        self.accumulate = accumulate
        self.node, self.forward_node, self.adjoint_node = nodes

    def _per_plane(self):
        # (counted, not inferred with -1: there may be no planes at all)
        n = len(self.in_spatial)
        return int(np.prod(self.indices.shape[self.indices.ndim - n:], dtype=np.int64))

    def forward(self, x):
        if is_meta(x) or is_meta(self.indices):
            return meta_array(self.indices.shape, x.dtype)
        size = int(np.prod(self.in_spatial, dtype=np.int64))
        per_plane = self._per_plane()
        flat = x.reshape((-1, size))
        idx = np.minimum(self.indices.reshape(flat.shape[0], per_plane), size - 1)
        return np.take_along_axis(flat, idx, 1).reshape(self.indices.shape)

    def adjoint(self, g):
        n = len(self.in_spatial)
        if is_meta(g) or is_meta(self.indices):
            return meta_array(self.indices.shape[:self.indices.ndim - n] + self.in_spatial,
                              g.dtype)
        planes = int(np.prod(self.indices.shape[:self.indices.ndim - n], dtype=np.int64))
        size = int(np.prod(self.in_spatial, dtype=np.int64))
        lead = self.indices.shape[:self.indices.ndim - n]
        idx = self.indices.reshape(planes, self._per_plane())
        g2 = _meta.ascontiguousarray(g).reshape(idx.shape)
        if self.accumulate:
            flat = idx + (np.arange(planes, dtype=np.int64) * size)[:, None]
            out = np.bincount(flat.ravel(), g2.ravel(), planes * size).astype(g.dtype, copy=False)
        else:
            out = np.zeros((planes, size), g.dtype)
            np.put_along_axis(out, idx, g2, 1)
        return out.reshape(lead + self.in_spatial)


class StridedGather(Gather):
    """A max pool's gather, whose adjoint scatters by kernel offset: for each
    offset, the gradients of the windows it won, added to a strided view
    (branch-free, and no index arithmetic over the whole input). Its flat
    indices are made when first asked for."""
    __slots__ = ("which", "geometry")

    def __init__(self, which, spatial, geometry, nodes):
        super().__init__(None, spatial, True, nodes)
        self.which = which
        self.geometry = geometry        # k, s, p, d, out

    def flat_indices(self):
        if self.indices is None and is_meta(self.which):
            self.indices = meta_array(self.which.shape, np.int64)
        elif self.indices is None:
            self.indices = offset_indices(self.which, self.in_spatial, *self.geometry)
        return self.indices

    def forward(self, x):
        self.flat_indices()
        return Gather.forward(self, x)

    def adjoint(self, g):
        k, s, p, d, out = self.geometry
        n = len(k)
        lead = g.shape[:g.ndim - n]
        if is_meta(g) or is_meta(self.which):
            return meta_array(lead + self.in_spatial, g.dtype)
        size = padded_size(self.in_spatial, k, s, p, d, out)
        if size == self.in_spatial and _tiling(k, s, d):
            return self._tiled_adjoint(g, lead)
        padded = np.zeros(lead + size, g.dtype)
        exact = _nonfinite(g)
        for j, view in enumerate(_offset_views(padded, k, s, d, out)):
            view += _winners(g, self.which == j, exact)
        return padded[(Ellipsis,) + tuple(slice(pp, pp + L)
                                          for pp, L in zip(p, self.in_spatial))]

    def _tiled_adjoint(self, g, lead):
        """Windows that tile the input (no padding, nothing past the end):
        each kernel offset's gradients written once, straight into their
        strided places (no zeroed buffer to add into, no crop). Untiled rows
        and columns at the ends stay zero."""
        k, _, _, _, out = self.geometry
        covered = tuple(o * kk for o, kk in zip(out, k))
        result = (np.empty if covered == self.in_spatial else np.zeros)(
            lead + self.in_spatial, g.dtype)
        st = result.strides[len(lead):]
        split = _as_strided(result, lead + tuple(v for o, kk in zip(out, k) for v in (o, kk)),
                            result.strides[:len(lead)]
                            + tuple(v for ss, kk in zip(st, k) for v in (ss * kk, ss)))
        exact = _nonfinite(g)
        for j, offsets in enumerate(np.ndindex(*k)):
            where = (Ellipsis,) + tuple(v for o in offsets for v in (slice(None), o))
            _winners(g, self.which == j, exact, split[where])
        return result


def _nonfinite(g):
    return g.dtype.kind in "fc" and not np.isfinite(g).all()


def _winners(g, hit, exact, out=None):
    """g where `hit`, else 0 (into `out` where given). A product with the
    mask is several times faster than np.where, but an inf or NaN in g
    would make NaN where PyTorch puts 0: `exact` takes where then."""
    if not exact:
        return np.multiply(g, hit, out=out)
    if out is None:
        return np.where(hit, g, g.dtype.type(0))
    out[...] = 0
    np.copyto(out, g, where=hit)
    return out


def node_family(name, gather, fields=None):
    """The nodes of the pool PyTorch calls `name`: its own (whose formula
    reads the input, as PyTorch's saves it), the one its forward map records
    under double backward, and that of its backward, which like PyTorch's
    also takes the pool's input (with a zero derivative), so a gradient taken
    with create_graph=True requires grad even for a constant upstream one.
    `fields`: the names of PyTorch's fields the pool's own node shows, from
    its constant `arguments` (a tuple in that order), besides `result1`,
    the indices of a max pool's plan."""
    saved = {f: ("arguments", lambda a, i=i: a[i]) for i, f in enumerate(fields or ())}
    if gather:
        saved["result1"] = tensor_field(("plan", lambda plan: plan.flat_indices()
                                         if hasattr(plan, "flat_indices") else plan.indices))
    node = grad_fn(f"{name}Backward0", saved=saved,
                   self=lambda xp, g, self, plan: xp.pool_adjoint(g, plan, self))
    back = grad_fn(f"{name}BackwardBackward0",
                   grad_output=lambda xp, g, plan: xp.pool_forward(g, plan),
                   self=lambda xp, g, self: xp.pool_zeros(self))
    return node, _gather_node() if gather else node, back


def unpool_nodes(n):
    """max_unpool's node (its forward is a gather's adjoint, recorded with
    an input slot for the indices, which take no gradient)."""
    name = f"MaxUnpool{n}DBackward0"
    forward = lambda xp, g, plan: xp.pool_forward(g, plan)      # noqa: E731
    return (grad_fn(name, self=forward), _gather_node(),
            grad_fn(name, self=forward, indices=lambda xp, g: None))


def _gather_node():
    return grad_fn("GatherBackward0", self=lambda xp, g, plan: xp.pool_adjoint(g, plan, None))


def _forward_recorded(x, plan):
    return recorded(plan.forward_node, plan.forward(x._data), (x,), (plan,))


def _adjoint_recorded(g, plan, input=None):
    return recorded(plan.adjoint_node, plan.adjoint(g._data), (g, input), (plan,))


provide("pool_forward", lambda x, plan: plan.forward(x), _forward_recorded)
provide("pool_adjoint", lambda g, plan, input=None: plan.adjoint(g), _adjoint_recorded)
provide("pool_zeros", lambda x: np.zeros(x.shape, x.dtype),
        lambda x: wrap(np.zeros(x._data.shape, x._data.dtype)))
