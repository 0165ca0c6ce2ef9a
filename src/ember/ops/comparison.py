"""Comparisons and logic: results without gradients (bool or integer tensors)."""
from .._python_data import _tname
from .._backend import quiet_call
from .._meta import is_meta, no_meta_kernel
from ._common import (D, Tensor, binary_arrays, broadcast_error, kernel_refuses, np, tensor_arg,
                      wrap, wrap_dim)
from ._registry import register
from . import _keywords
from .pointwise import _tensor_operand
from .inplace import records_zero, untracked_inplace

__all__ = ["eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less",
           "less_equal", "not_equal", "bitwise_and", "bitwise_or", "bitwise_xor",
           "logical_not", "logical_and", "logical_or", "bitwise_not", "isnan", "isinf",
           "isfinite", "equal", "allclose", "isclose", "all", "any"]


def _compare(npfn, ordered=None):
    """`ordered`: the kernel's name, for the ordering comparisons, which
    PyTorch refuses on complex numbers."""
    def op(input, other):
        if not isinstance(input, Tensor):
            # (no overload takes a number first: the named form's refusal says so)
            return NotImplemented
        ad, bd = binary_arrays(input, other)
        if ad is None:
            return NotImplemented
        if ordered and ad.dtype.kind in "cV":
            if ad.dtype.kind == "c":
                raise kernel_refuses(ordered, ad.dtype)
            # (ml_dtypes' bfloat16, unlike NumPy's floats, warns ordering a NaN)
            return _quiet_ordering(npfn, ad, bd)
        try:
            return wrap(np.asanyarray(npfn(ad, bd)))
        except ValueError:
            raise broadcast_error(np.shape(ad), np.shape(bd)) from None
    op.__name__ = npfn.__name__
    return op


def _quiet_ordering(npfn, ad, bd):
    try:
        return wrap(np.asanyarray(quiet_call(npfn, ad, bd)))
    except ValueError:
        raise broadcast_error(np.shape(ad), np.shape(bd)) from None


# (comparisons never warn, but bfloat16's orderings: no need to silence NumPy around them)
eq = register(_compare(np.equal), "eq", inplace=True, quiet=True)
ne = not_equal = register(_compare(np.not_equal), "ne", inplace=True, aliases=["not_equal"],
                          quiet=True)
lt = less = register(_compare(np.less, "lt_cpu"), "lt", inplace=True, aliases=["less"], quiet=True)
le = less_equal = register(_compare(np.less_equal, "le_cpu"), "le", inplace=True,
                           aliases=["less_equal"], quiet=True)
gt = greater = register(_compare(np.greater, "gt_cpu"), "gt", inplace=True, aliases=["greater"],
                        quiet=True)
ge = greater_equal = register(_compare(np.greater_equal, "ge_cpu"), "ge", inplace=True,
                              aliases=["greater_equal"], quiet=True)


def _logical(npfn, name):
    def op(input, other):
        if not isinstance(input, Tensor) and isinstance(other, Tensor):
            input, other = other, input     # bitwise_and(2, t): the ops commute
        ad, bd = binary_arrays(input, other)
        if ad is None:
            return NotImplemented
        if ad.dtype.kind in "fc" or getattr(bd, "dtype", np.dtype("i")).kind in "fc":
            # The operands come back in the result dtype: the one PyTorch names.
            dt = ad.dtype if ad.dtype.kind in "fc" else bd.dtype
            raise NotImplementedError(f'"{name}_cpu" not implemented for '
                                      f"'{D.SCALAR_NAMES[D._BY_NP[np.dtype(dt)]]}'")
        try:
            return wrap(np.asanyarray(npfn(ad, bd)))
        except ValueError:
            raise broadcast_error(np.shape(ad), np.shape(bd)) from None
        except TypeError:
            # (bfloat16, the one float NumPy's kind "fc" misses, has no bitwise loop)
            raise kernel_refuses(f"{name}_cpu", D._BF16_NP) from None
    return op


bitwise_and = _logical(np.bitwise_and, "bitwise_and")
bitwise_or = _logical(np.bitwise_or, "bitwise_or")
bitwise_xor = _logical(np.bitwise_xor, "bitwise_xor")


def logical_not(input):
    return wrap(np.asanyarray(np.logical_not(input._data)))


def logical_and(input, other):
    return wrap(np.asanyarray(np.logical_and(input._data, other._data)))


def logical_or(input, other):
    return wrap(np.asanyarray(np.logical_or(input._data, other._data)))


def bitwise_not(input):
    if input._data.dtype.kind in "fc" or input._data.dtype == D._BF16_NP:
        raise NotImplementedError(f"\"bitwise_not_cpu\" not implemented for "
                                  f"'{D.SCALAR_NAMES[input.dtype]}'")
    return wrap(np.asanyarray(np.invert(input._data)))


def _values(input, name):
    try:
        return input._data
    except AttributeError:
        raise tensor_arg(input, name) from None


def isnan(input):
    return wrap(np.asanyarray(np.isnan(_values(input, "isnan"))))


def isinf(input):
    return wrap(np.asanyarray(np.isinf(input._data)))


def isfinite(input):
    return wrap(np.asanyarray(np.isfinite(_values(input, "isfinite"))))


def equal(input, other):
    if is_meta(input._data) or is_meta(other._data):
        raise no_meta_kernel("aten::equal")
    return input._data.shape == other._data.shape and bool(np.all(input._data == other._data))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(wrap(_isclose("allclose", input, other, rtol, atol, equal_nan).all()))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return wrap(_isclose("isclose", input, other, rtol, atol, equal_nan))


def _isclose(name, input, other, rtol, atol, equal_nan):
    """|input - other| <= atol + rtol * |other|, after PyTorch's checks: both
    tensors of one dtype, tolerances not negative, shapes that broadcast."""
    for pos, (arg, v) in enumerate((("input", input), ("other", other)), 1):
        if not isinstance(v, Tensor):
            raise TypeError(f"{name}(): argument '{arg}' (position {pos}) must be Tensor, "
                            f"not {_tname(v)}")
    a, b = input._data, other._data
    if a.dtype != b.dtype:
        raise RuntimeError(f"{D.SCALAR_NAMES[input.dtype]} did not match "
                           f"{D.SCALAR_NAMES[other.dtype]}")
    for tol_name, tol in (("rtol", rtol), ("atol", atol)):
        if not tol >= 0:
            raise RuntimeError(f"{tol_name} must be greater than or equal to zero, but got "
                               f"{float(tol):g}")
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise broadcast_error(a.shape, b.shape) from None
    if a.dtype in D.HALF_NP:
        return _isclose_half(a, b, rtol, atol, equal_nan)
    return np.asanyarray(np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


def _isclose_half(a, b, rtol, atol, equal_nan):
    """ATen's composite in float16/bfloat16: |a - b| <= atol + |rtol * b|,
    each op computed in float32 and rounded to the dtype (NumPy's isclose
    would take bfloat16 beside a Python float to float32, or fail on NumPy 1)."""
    h, f = a.dtype, np.float32
    close = np.asanyarray(a == b)
    if equal_nan:
        close = close | (np.isnan(a) & np.isnan(b))
    if rtol == 0 and atol == 0:
        return close
    a32, b32 = a.astype(f), b.astype(f)
    allowed = (f(atol) + np.abs((b32 * f(rtol)).astype(h)).astype(f)).astype(h).astype(f)
    error = np.abs((a32 - b32).astype(h)).astype(f)
    return close | (np.isfinite(error) & (error <= allowed))


def _truth(npfn):
    def op(input, dim=None, keepdim=False):
        if keepdim.__class__ is not bool:
            raise _keywords.not_bool(keepdim, "keepdim", npfn.__name__)
        x = input._data
        axis = None if dim is None else tuple(wrap_dim(d, x.ndim) for d in (
            dim if isinstance(dim, (tuple, list)) else (dim,)))
        if not x.ndim:
            axis = None     # (a 0-d tensor's dim 0 / -1: its one element)
        r = np.asanyarray(npfn(x, axis=axis, keepdims=keepdim))
        # (PyTorch keeps uint8 for uint8 input, for legacy masks)
        return wrap(r.astype(np.uint8) if x.dtype == np.uint8 else r)
    op.__name__ = npfn.__name__
    return op


all = _truth(np.all)
any = _truth(np.any)


# In place on a tensor that requires grad, a comparison is recorded all the same.
for _op, _node in ((eq, "Eq"), (ne, "Ne"), (lt, "Lt"), (le, "Le"), (gt, "Gt"), (ge, "Ge")):
    records_zero(_op, _node)

logical_not = register(logical_not, inplace=untracked_inplace(logical_not, "logical_not_"),
                       quiet=True)
logical_and = register(logical_and, inplace=untracked_inplace(logical_and, "logical_and_"),
                       quiet=True)
logical_or = register(logical_or, inplace=untracked_inplace(logical_or, "logical_or_"),
                      quiet=True)
isnan = register(isnan, quiet=True, out=False)
isinf = register(isinf, quiet=True)
isfinite = register(isfinite, quiet=True, out=False)
equal = register(equal, out=False)
allclose = register(allclose, out=False)
isclose = register(isclose, out=False)
all = register(all)
any = register(any)
bitwise_not = register(bitwise_not, inplace=True, quiet=True)
bitwise_and = register(bitwise_and, "bitwise_and", inplace=True, quiet=True)
bitwise_or = register(bitwise_or, "bitwise_or", inplace=True, quiet=True)
bitwise_xor = register(bitwise_xor, "bitwise_xor", inplace=True, quiet=True)
