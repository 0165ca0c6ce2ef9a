"""quantile and nanquantile, built as PyTorch's composite builds them (sort,
view, gather, lerp, then in-place reshapes), so that the graph has the same
nodes and the values the same rounding."""
from .. import _meta
from . import shape as _shape
from ._common import Tensor, np, recorded, wrap_dim, tracked
from ._out import same_dtype
from ._registry import grad_fn, register
from .rearrange_views import TransposeBackward1, UnsqueezeBackward1, squeeze_
from .selection import gather
from .sorting import sort

# The node of PyTorch's in-place lerp_ (unsqueeze_'s and transpose_'s are
# rearrange_views').
LerpBackward1 = grad_fn("LerpBackward1", self=lambda xp, grad, weight: grad * (1 - weight),
                        end=lambda xp, grad, weight: grad * weight,
                        weight=lambda xp, grad, self, end: grad * (end - self))

_MODES = ("linear", "lower", "higher", "midpoint", "nearest")


def _lerp(below, above, weight):
    """PyTorch's lerp kernel: from the nearer end, so that weight 0 and 1
    give the ends exactly."""
    a, b, w = below._data, above._data, weight._data
    data = np.where(np.abs(w) < 0.5, a + w * (b - a), b - (b - a) * (1 - w))
    return recorded(LerpBackward1, data.astype(a.dtype, copy=False), (below, above, weight))


def _weight(q, q1, scale, fixed, below, interpolation):
    """lerp's weight: the rank's fraction (0.5 for midpoint). A q that
    requires grad gets its gradient through it, as in PyTorch (where ranks
    are `fixed`, at NaN or clamped, the weight is constant)."""
    dt = scale.dtype
    if interpolation == "midpoint":
        return Tensor._wrap(np.full(below.shape, 0.5, dt))
    if isinstance(q, Tensor) and tracked(q):
        frac = _shape.reshape(q, (-1,)) * Tensor._wrap(scale) - Tensor._wrap(below.astype(dt))
        # (where, not a product: a NaN upstream must not reach q through 0)
        from .conditional import where
        return where(Tensor._wrap(np.asanyarray(fixed)), Tensor._wrap(np.zeros((), dt)), frac)
    ranks = np.where(fixed, dt.type(0), q1 * scale)
    return Tensor._wrap((ranks - below.astype(dt)) * ~fixed)


def _checks(input, q, name):
    x = input._data
    if x.size == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    if isinstance(q, Tensor) and q._data.ndim > 1:
        raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
    if x.dtype not in (np.float32, np.float64):
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if isinstance(q, Tensor):
        if q._data.dtype != x.dtype:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
        if _meta.is_meta(q._data) != _meta.is_meta(x):
            raise RuntimeError(f"{name}() q tensor must be on the same device as the input tensor")
        qs = q._data
    else:
        if not 0 <= q <= 1:
            raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {q:g}")
        qs = np.array(q, x.dtype)
    return qs


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan, name):
    qs = _checks(input, q, name)
    if interpolation not in _MODES:
        raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, "
                           f"midpoint or nearest, but got {interpolation}")
    if not ((qs >= 0) & (qs <= 1)).all():
        raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
    x = input._data
    if dim is not None and x.ndim:
        d = wrap_dim(dim, x.ndim)
        out_shape = list(x.shape)
        if keepdim:
            out_shape[d] = 1
        else:
            del out_shape[d]
    else:
        d = wrap_dim(dim, x.ndim) if dim is not None else None
        out_shape = [1] * x.ndim if keepdim else []
    # Sorted along the last dim, viewed as the reduced shape plus that dim.
    if dim is None:
        flat = input if x.ndim == 1 else _shape.flatten(input)
        ordered = sort(flat).values
    elif d == x.ndim - 1:
        ordered = sort(input).values
    else:
        ordered = sort(_shape.transpose(_shape.unsqueeze(input, -1), d, -1)).values
    ordered = _shape.view(ordered, tuple(out_shape) + (ordered._data.shape[-1],))
    s = ordered._data
    q1 = qs.reshape(-1)
    # Ranks in [0, n - 1], one per quantile along the last dim: q * scale,
    # or `fill` where they are fixed.
    if ignore_nan:
        scale = (np.count_nonzero(~np.isnan(s), axis=-1, keepdims=True) - 1).astype(s.dtype)
        ranks = q1 * scale
        fixed, fill = ranks < 0, 0
    else:
        scale = np.full(s.shape[:-1] + (1,), s.shape[-1] - 1, s.dtype)
        ranks = q1 * scale
        fixed, fill = np.broadcast_to(np.isnan(s).any(-1, keepdims=True), ranks.shape), scale
    ranks = np.where(fixed, fill, ranks).astype(s.dtype, copy=False)
    if interpolation == "lower":
        ranks = np.floor(ranks)
    elif interpolation == "higher":
        ranks = np.ceil(ranks)
    elif interpolation == "nearest":
        ranks = np.round(ranks)
    below = ranks.astype(np.int64)
    values = gather(ordered, -1, Tensor._wrap(below))
    if interpolation in ("linear", "midpoint"):
        weight = _weight(q, q1, scale, fixed, below, interpolation)
        above = gather(ordered, -1, Tensor._wrap(np.ceil(ranks).astype(np.int64)))
        values = _lerp(values, above, weight)
    if qs.ndim:
        # The quantiles moved to the first dim, as PyTorch's in-place reshapes do.
        v = values._data
        values = recorded(UnsqueezeBackward1, v[None], (values,), (v.shape, 0))
        v = values._data
        values = recorded(TransposeBackward1, np.swapaxes(v, 0, -1), (values,),
                          (0, v.ndim - 1, 0, -1))
    return squeeze_(values, -1)     # in place, as PyTorch (SqueezeBackward4)


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    return _quantile(input, q, dim, keepdim, interpolation, False, "quantile")


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    # (PyTorch's messages say quantile() for both.)
    return _quantile(input, q, dim, keepdim, interpolation, True, "quantile")


# (its messages say quantile() for both)
_SAME_OUT = same_dtype("quantile() out tensor must be same dtype as the input tensor")
register(quantile, out=_SAME_OUT)
register(nanquantile, out=_SAME_OUT)
