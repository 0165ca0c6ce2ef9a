"""torch.histogramdd: the innermost dimension of the input gives each
point's coordinates; bins are counts (equal widths over the range) or edge
tensors, one per coordinate. Not differentiable (PyTorch records a node
that refuses)."""
from .. import return_types
from ._common import D, Tensor, np, recorded, wrap
from ._registry import not_implemented, register
from .sorting_counting import _C_NAMES, _linspace, same_dtype_edges, same_weight_dtype

__all__ = ["histogramdd"]

_FROM_COUNTS = not_implemented("_histogramdd_from_bin_cts", "self", "weight")
_FROM_TENSORS = not_implemented("_histogramdd_from_bin_tensors", "self", "weight")


def _edges_from_counts(input, points, counts, range):
    d = points.shape[1]
    if range is not None and len(range) != 2 * d:
        raise RuntimeError(f"torch.histogramdd: for a {d}-dimensional histogram range should "
                           f"have {2 * d} elements, but got {len(range)}")
    edges = []
    for i, n in enumerate(counts):
        if n <= 0:
            raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {n} for "
                               f"dimension {i}")
        if range is not None:
            lo, hi = float(range[2 * i]), float(range[2 * i + 1])
        elif points.shape[0]:
            lo, hi = float(points[:, i].min()), float(points[:, i].max())
        else:
            lo, hi = 0.0, 1.0
        if lo > hi:
            raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min {lo:g} "
                               f"max {hi:g} for dimension {i}")
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        edges.append(_linspace(lo, hi, n + 1, input.dtype))
    return edges


def _edges_from_tensors(points, bins):
    d = points.shape[1]
    if len(bins) != d:
        raise RuntimeError(f"torch.histogramdd: expected {d} sequences of bin edges for a "
                           f"{d}-dimensional histogram but got {len(bins)}")
    edges = []
    for i, b in enumerate(bins):
        e = b._data
        same_dtype_edges(points, e, i)
        if e.ndim != 1:
            raise RuntimeError(f"torch.histogramdd: bins tensor should have one dimension, but "
                               f"got {e.ndim} dimensions in the bins tensor for dimension {i}")
        edges.append(e.copy())
    return edges


def histogramdd(input, bins, range=None, weight=None, density=False):
    x = input._data
    if x.dtype.kind != "f" or x.dtype in D.HALF_NP:      # (no half-precision kernel)
        raise NotImplementedError(f"\"histogramdd\" not implemented for "
                                  f"'{D.SCALAR_NAMES[input.dtype]}'")
    if x.ndim < 2:
        raise RuntimeError("torch.histogramdd: input tensor should have at least 2 dimensions")
    points = x.reshape(-1, x.shape[-1])
    d = points.shape[1]
    if isinstance(bins, int):
        bins = [bins] * d
    from_tensors = len(bins) > 0 and isinstance(bins[0], Tensor)
    if not from_tensors and len(bins) != d:
        raise RuntimeError("histogramdd: The size of bins must be equal to the innermost "
                           "dimension of the input.")
    edges = _edges_from_tensors(points, bins) if from_tensors \
        else _edges_from_counts(input, points, bins, range)
    w = None
    if weight is not None:
        w = weight._data
        same_weight_dtype(x, w)
        if w.shape != x.shape[:-1]:
            raise RuntimeError("torch.histogramdd: if weight tensor is provided it should have "
                               "the same shape as the input tensor excluding its innermost "
                               f"dimension, but got input with shape {list(x.shape)} and "
                               f"weight with shape {list(w.shape)}")
        w = w.reshape(-1)
    shape = tuple(e.size - 1 for e in edges)
    inside = np.ones(points.shape[0], bool)
    places = []
    for i, e in enumerate(edges):
        col = points[:, i]
        inside &= (col >= e[0]) & (col <= e[-1]) if e.size else False
        # (the right edge belongs to the last bin)
        places.append(np.clip(np.searchsorted(e, col, side="right") - 1, 0, max(e.size - 2, 0)))
    size = int(np.prod(shape))
    if size and inside.any():
        flat = np.ravel_multi_index(tuple(p[inside] for p in places), shape)
        hist = np.bincount(flat, None if w is None else w[inside], minlength=size)
    else:
        hist = np.zeros(size)
    hist = hist.astype(x.dtype).reshape(shape)
    if density:
        hist = hist / hist.sum()
        for i, e in enumerate(edges):
            hist = hist / np.diff(e).reshape((-1,) + (1,) * (d - i - 1))
    node = _FROM_TENSORS if from_tensors else _FROM_COUNTS
    hist = recorded(node, np.asanyarray(hist, x.dtype), (input, weight))
    return return_types.histogramdd._of(hist, tuple(wrap(e) for e in edges))


register(histogramdd, method=False, out=False)
