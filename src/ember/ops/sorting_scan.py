"""Running ops and differences: cummax, cummin, cumprod, logcumsumexp,
aminmax, diff, trapezoid (trapz), cumulative_trapezoid.

diff and the trapezoid rules are composites in PyTorch: they are built here
from Ember's ops the same way, so their graphs carry PyTorch's node names.
"""
from .. import _meta
from .. import return_types
from .._layout import c_strided
from . import shape as _shape
from ._common import D, Tensor, kernel_refuses, np, recorded, recorded_multi, wrap, wrap_dim
from ._out import computed_in_out_dtype, same_dtype
from ._int_args import REQUIRED, require_dim, type_name
from ._registry import REGISTRY, grad_fn, register, tensor_field
from . import _keywords
from ._xp import provide, running
from .indexing import slice_along
from .reduction import _even_share
from .scalar_arith import div_scalar, mul_scalar
from .selection import scan_input, scan_inplace
from .sorting import as_1d, record_selection, selected_grad

_CUMULATIVE = {"dim": "given_dim", "indices": tensor_field("indices")}


def _cumulative_grad(xp, grad, self, shape, key, given_dim, indices):
    """PyTorch's cummaxmin_backward, recorded: a scatter_add into zeros
    (ScatterAddBackward0); a 0-d input's one element as before."""
    if xp.recording and self.ndim:
        return grad.new_zeros(self.shape).scatter_add(wrap_dim(given_dim, self.ndim),
                                                      wrap(indices), grad)
    return selected_grad(xp, grad, shape, key)


CummaxBackward0 = grad_fn("CummaxBackward0", saved=_CUMULATIVE, self=_cumulative_grad)
CumminBackward0 = grad_fn("CumminBackward0", saved=_CUMULATIVE, self=_cumulative_grad)
CumprodBackward0 = grad_fn("CumprodBackward0", saved={"dim": "given_dim"},
                           self=lambda xp, grad, self, result, dim:
                           _cumprod_grad(xp, grad, xp.conj(self), xp.conj(result), dim))
LogcumsumexpBackward0 = grad_fn("LogcumsumexpBackward0", saved={"dim": "given_dim"},
                                self=lambda xp, grad, self, result, dim:
                                _logcumsumexp_grad(xp, grad, self, result, dim))
AminmaxBackward0 = grad_fn(
    "AminmaxBackward0", outputs=("min", "max"), saved={
        "dim": "given_dim", "keepdim": "keepdim", "max": tensor_field("max"),
        "min": tensor_field("min")},
    self=lambda xp, grad, self, min, max, dims, keepdim:
    _even_share(xp, grad[0], self, min, self.shape, dims, keepdim)
    + _even_share(xp, grad[1], self, max, self.shape, dims, keepdim))


def _along(n, d, ndim):
    """0, 1, ..., n-1 laid along dim `d` of an `ndim`-dim array."""
    return np.arange(n).reshape((-1,) + (1,) * (ndim - d - 1))


def _cumulative_extreme(input, dim, ufunc, node, result_t):
    x, d = as_1d(input, dim)
    if x.dtype.kind == "c":
        raise kernel_refuses(f"{node.__name__[:6].lower()}_cpu", x.dtype)
    values = ufunc.accumulate(x, axis=d)
    # The index moves to each element equal to the running value (the last
    # of ties, as PyTorch's >=), and to each NaN, which stays the value.
    hit = x == values
    if D.is_float_np(x.dtype):
        hit |= np.isnan(x)
    idx = np.maximum.accumulate(np.where(hit, _along(x.shape[d], d, x.ndim), 0), axis=d)
    return record_selection(node, input, x, values, idx, d, True, result_t, dim)


def cummax(input, dim=REQUIRED):
    return _cumulative_extreme(input, require_dim("cummax", dim), np.maximum, CummaxBackward0, return_types.cummax)


def cummin(input, dim=REQUIRED):
    return _cumulative_extreme(input, require_dim("cummin", dim), np.minimum, CumminBackward0, return_types.cummin)


def cumprod(input, dim=REQUIRED, *, dtype=None):
    x, d = scan_input(input, require_dim("cumprod", dim), dtype, "cumprod")
    data = running(np.cumprod, x, d)
    return recorded(CumprodBackward0, data, (input,), (d, dim))


def _cumprod_grad(xp, g, x, r, dim):
    """d/dx_k of sum_j g_j prod_{i<=j} x_i, exact where x has zeros."""
    if x.ndim == 0:
        return g
    if xp.recording:
        if x.shape[dim] > 1 and not (xp.data(x) == 0).any():
            # (PyTorch's cumprod_backward without zeros: reversed_cumsum(output * grad) / input)
            return xp.flip(xp.cumsum(xp.flip(r * g, (dim,)), dim), (dim,)) / x
        return _cumprod_grad_recorded(xp, g, x, dim)
    g, x, r = (np.moveaxis(a, dim, -1) for a in (g, x, r))
    n = x.shape[-1]
    pos = np.arange(n)
    zero = x == 0
    first_zero = np.where(zero.any(-1, keepdims=True), np.argmax(zero, -1)[..., None], n)
    # (PyTorch's reversed cumsum: its scan kernel's accumulate type, each
    # partial sum rounded, as cumsum's forward)
    tail = np.flip(running(np.cumsum, np.flip(g * r, -1), -1), -1)
    # (the constants typed: NumPy 1 has no common type of int64 and bfloat16)
    one, nil = x.dtype.type(1), tail.dtype.type(0)
    out = np.where(pos < first_zero, tail / np.where(zero, one, x), nil)
    if zero.any():
        # At the first zero: the products that skip it, from it on.
        skip = np.cumprod(np.where(pos == first_zero, one, x), -1)
        at_zero = np.sum(np.where(pos >= first_zero, g * skip, nil), -1, keepdims=True)
        out = np.where(pos == first_zero, at_zero, out)
    return np.moveaxis(out.astype(x.dtype, copy=False), -1, dim)


def _cumprod_grad_recorded(xp, g, x, dim):
    """The same, differentiable again: row k holds x with x_k replaced by 1,
    whose running products are d(result_j)/dx_k for j >= k."""
    x, g = xp.transpose(x, dim, -1), xp.transpose(g, dim, -1)
    n = x.shape[-1]
    rows = xp.expand(xp.reshape(x, x.shape[:-1] + (1, n)), x.shape[:-1] + (n, n))
    eye = np.eye(n, dtype=bool)
    partial = xp.cumprod(xp.where(eye, 1, rows), -1)
    upper = np.triu(np.ones((n, n), bool))
    gk = xp.reshape(g, g.shape[:-1] + (1, n))
    return xp.transpose(xp.sum(xp.where(upper, partial * gk, 0), (x.ndim,)), dim, -1)


provide("cumprod", lambda x, dim: np.cumprod(x, axis=dim), lambda x, dim: cumprod(x, dim))


def _lcse_array(x, axis):
    """The running log-sum-exp; of complex numbers step by step with the
    complex log_add_exp of PyTorch's kernel (NumPy's ufunc is real only)."""
    if x.dtype in D.HALF_NP:
        # (PyTorch's kernel runs float16 and bfloat16 in float32, rounding
        # each result once)
        return np.logaddexp.accumulate(x.astype(np.float32), axis=axis).astype(x.dtype)
    if x.dtype == np.float32:
        # (and float in double, its accumulate type: a long float32 run
        # drifts by 5e-5 otherwise)
        return np.logaddexp.accumulate(x.astype(np.float64), axis=axis).astype(np.float32)
    if x.dtype.kind != "c":
        return np.logaddexp.accumulate(x, axis=axis)
    from .elementwise_binary import log_add_exp
    out = np.moveaxis(_meta.array_copy(x), axis, 0)
    for i in range(1, out.shape[0]):
        out[i] = log_add_exp(out[i - 1], out[i])
    return np.moveaxis(out, 0, axis)


def logcumsumexp(input, dim=REQUIRED):
    require_dim("logcumsumexp", dim)
    x = input._data
    if x.dtype.kind not in "fc" and not D.is_float_np(x.dtype):
        raise NotImplementedError(
            f'"logcumsumexp_out_cpu" not implemented for \'{D.SCALAR_NAMES[input.dtype]}\'')
    d = wrap_dim(dim, x.ndim)
    data = c_strided(_lcse_array(x, d)) if x.ndim else x.copy()
    return recorded(LogcumsumexpBackward0, data, (input,), (d, dim))


def _logcumsumexp_grad(xp, g, x, r, dim):
    """PyTorch's logcumsumexp_backward: the positive and negative parts of
    the gradient summed in log space, so that nothing overflows."""
    if x.ndim == 0:
        return g
    dt = xp.data(g).dtype
    lowest = float((D._ml_dtypes.finfo if dt == D._BF16_NP else np.finfo)(dt).min)

    def reverse_lcse(v):
        return xp.flip(xp.logcumsumexp(xp.flip(v, (dim,)), dim), (dim,))

    if xp.is_complex(g):
        # (no split into signs: the complex log takes them)
        return xp.conj(xp.exp(reverse_lcse(xp.log(xp.conj(g)) - r) + x))

    log_abs = xp.log(xp.abs(g))
    positive = xp.where(xp.data(g) > 0, log_abs, lowest)
    negative = xp.where(xp.data(g) < 0, log_abs, lowest)
    return xp.exp(reverse_lcse(positive - r) + x) - xp.exp(reverse_lcse(negative - r) + x)


provide("logcumsumexp", _lcse_array,
        lambda x, dim: logcumsumexp(x, dim))


def aminmax(input, *, dim=None, keepdim=False):
    x = input._data
    if x.dtype.kind == "c":
        raise kernel_refuses("aminmax_cpu", x.dtype)
    if dim is None:
        if x.size == 0:
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the "
                               "operation has no identity.")
        dims = None
    else:
        d = wrap_dim(dim, x.ndim)
        if x.ndim and x.shape[d] == 0:
            raise IndexError(f"aminmax: Expected reduction dim {d} to have non-zero size.")
        dims = (d,) if x.ndim else None
    lo = c_strided(np.asanyarray(np.min(x, axis=dims, keepdims=keepdim)))
    hi = c_strided(np.asanyarray(np.max(x, axis=dims, keepdims=keepdim)))
    return return_types.aminmax._of(*recorded_multi(AminmaxBackward0, [lo, hi], (input,),
                                                (dims, keepdim, dim)))


def diff(input, n=1, dim=-1, prepend=None, append=None):
    if input._data.ndim < 1:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = wrap_dim(dim, input._data.ndim)
    for name, extra in (("prepend", prepend), ("append", append)):
        if extra is None:
            continue
        if not isinstance(extra, Tensor):
            # (the wrapper adds the position of one given in place, as the parser)
            raise _keywords.wrong_type(TypeError(
                f"diff(): argument '{name}' must be Tensor, not {type_name(extra)}"), name)
        if extra._data.ndim != input._data.ndim:
            raise RuntimeError("diff expects prepend or append to be the same dimension as input")
        for i, (a, b) in enumerate(zip(input._data.shape, extra._data.shape)):
            if i != d and a != b:
                raise RuntimeError(
                    "diff expects the shape of tensor to prepend or append to match that of "
                    f"input except along the differencing dimension; input.size({i}) = {a}, "
                    f"but got tensor.size({i}) = {b}")
    x = input
    if n and (prepend is not None or append is not None):
        # (along `dim` as given, as PyTorch's CatBackward0 shows it)
        x = _shape.cat([t for t in (prepend, input, append) if t is not None], dim)
    if n == 0:
        from .._creation import zeros_like
        return zeros_like(x).copy_(x)
    size = x._data.shape[d]
    for _ in range(min(n, size)):
        size -= 1
        # (along `dim` as given: PyTorch's SliceBackward0 shows it)
        right, left = _shape.narrow(x, dim, 1, size), _shape.narrow(x, dim, 0, size)
        x = wrap(np.logical_xor(right._data, left._data)) if x._data.dtype == np.bool_ \
            else right - left
    return x


def _check_trapezoid(y, x, dx, dim, name):
    if x is not None and dx is not None:
        raise TypeError(f"{name}() received an invalid combination of arguments - got both "
                        "x and dx")
    d = wrap_dim(dim, y._data.ndim)
    if y._data.dtype == np.bool_ or (x is not None and x._data.dtype == np.bool_):
        which = "`y`" if x is None else "`x` or `y`"
        raise RuntimeError(f"{name}: received a bool input for {which}, but bool is not "
                           "supported")
    if dx is not None and isinstance(dx, (bool, complex)):
        raise RuntimeError(f"{name}: Currently, we only support dx as a real number.")
    return d


def _spacing(y, x, d, name):
    """x's differences along `d`, shaped to broadcast with y's (PyTorch pads
    a 1-D x along `d`, any other with leading ones)."""
    ndim = y._data.ndim
    if x._data.ndim == 1:
        if x._data.shape[0] != y._data.shape[d]:
            raise RuntimeError(f"{name}: There must be one `x` value for each sample point")
        x = _shape.view(x, tuple(x._data.shape[0] if i == d else 1 for i in range(ndim)))
    elif x._data.ndim < ndim:
        x = _shape.view(x, (1,) * (ndim - x._data.ndim) + x._data.shape)
    return slice_along(x, d, 1, None, d) - slice_along(x, d, 0, -1, d)


def _halves(y, d, given_dim):
    """y without its first and without its last sample along `d` (given as
    `given_dim`), sliced as PyTorch's composites slice them."""
    return slice_along(y, d, 1, None, given_dim), slice_along(y, d, 0, -1, given_dim)


def trapezoid(y, x=None, *, dx=None, dim=-1):
    d = _check_trapezoid(y, x, dx, dim, "trapezoid")
    if y._data.shape[d] == 0:
        # No samples integrate to 0, as in NumPy.
        return wrap(np.zeros(y._data.shape[:d] + y._data.shape[d + 1:], y._data.dtype))
    if x is not None:
        right, left = _halves(y, d, d)
        # (PyTorch's SumBackward1 shows the dim wrapped here, as given below)
        return div_scalar(((left + right) * _spacing(y, x, d, "trapezoid")).sum(d), 2.0)
    ends = _shape.select(y, dim, 0) + _shape.select(y, dim, -1)
    return mul_scalar(y.sum(dim) - mul_scalar(ends, 0.5), float(1 if dx is None else dx))


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    d = _check_trapezoid(y, x, dx, dim, "cumulative_trapezoid")
    right, left = _halves(y, d, d if x is not None else dim)
    from .selection import cumsum
    if x is not None:
        return div_scalar(cumsum((left + right) * _spacing(y, x, d, "cumulative_trapezoid"), d),
                          2.0)
    return cumsum(mul_scalar(left + right, float(1 if dx is None else dx) / 2.0), dim)


register(cummax, node=CummaxBackward0, out=same_dtype("expected scalar_type {s} but found {os}"))
register(cummin, node=CumminBackward0, out=same_dtype("expected scalar_type {s} but found {os}"))
register(cumprod, inplace=scan_inplace(cumprod), node=CumprodBackward0)
REGISTRY["cumprod"] = REGISTRY["cumprod"]._replace(public=computed_in_out_dtype(REGISTRY["cumprod"]))
register(logcumsumexp, node=LogcumsumexpBackward0,
         out=same_dtype("expected scalar_type {s} but found {os}"))
register(aminmax, node=AminmaxBackward0, out=same_dtype())
register(diff)
register(trapezoid, method=False, out=False, aliases=("trapz",))
register(cumulative_trapezoid, method=False, out=False)
