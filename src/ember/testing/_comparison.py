"""torch.testing.assert_close: compares tensors, numbers, booleans and None,
nested in sequences and mappings, with PyTorch's default tolerances and its
mismatch reports, word for word."""
import cmath
import collections.abc
import contextlib

from .._backend import np
from .. import _dtype as D
from .._tensor import Tensor

__all__ = ["assert_close", "assert_allclose", "default_tolerances"]

# {dtype: (rtol, atol)}, PyTorch's defaults; any other dtype compares exactly.
_DTYPE_PRECISIONS = {
    D.float16: (0.001, 1e-5),
    D.bfloat16: (0.016, 1e-5),
    D.float32: (1.3e-6, 1e-5),
    D.float64: (1e-7, 1e-7),
    D.complex32: (0.001, 1e-5),
    D.complex64: (1.3e-6, 1e-5),
    D.complex128: (1e-7, 1e-7),
}


class _Mismatch(Exception):
    """A failed comparison: the error type and message to raise, and where in
    the nested inputs it happened (`id`, the keys and indices on the way)."""

    def __init__(self, type, msg, id=()):
        super().__init__(msg)
        self.type, self.msg, self.id = type, msg, id

    def to_error(self, msg=None):
        if not isinstance(msg, str):
            generated = self.msg
            if self.id:
                generated += ("\n\nThe failure occurred for item "
                              f"{''.join(str([item]) for item in self.id)}")
            msg = msg(generated) if callable(msg) else generated
        return self.type(msg)


class _Unsupported(Exception):
    """This kind of comparison does not take these inputs; try the next."""


def default_tolerances(*inputs, dtype_precisions=None):
    """The loosest (rtol, atol) of the inputs' dtypes."""
    dtypes = []
    for input in inputs:
        if isinstance(input, Tensor):
            dtypes.append(input.dtype)
        elif isinstance(input, D.dtype):
            dtypes.append(input)
        else:
            raise TypeError(
                f"Expected a torch.Tensor or a torch.dtype, but got {type(input)} instead.")
    precisions = dtype_precisions or _DTYPE_PRECISIONS
    rtols, atols = zip(*[precisions.get(d, (0.0, 0.0)) for d in dtypes])
    return max(rtols), max(atols)


def _tolerances(*inputs, rtol, atol, id=()):
    if (rtol is None) ^ (atol is None):
        # One tolerance alone could pass by the other's default: both or neither.
        raise _Mismatch(ValueError, "Both 'rtol' and 'atol' must be either specified or "
                        f"omitted, but got no {'rtol' if rtol is None else 'atol'}.", id)
    if rtol is not None:
        return rtol, atol
    return default_tolerances(*inputs)


def _mismatch_msg(identifier, extra, abs_diff, abs_idx, atol, rel_diff, rel_idx, rtol):
    equality = rtol == 0 and atol == 0

    def diff(kind, value, idx, tol):
        line = (f"{kind.title()} difference: {value}" if idx is None
                else f"Greatest {kind} difference: {value} at index {idx}")
        return line + ("" if equality else f" (up to {tol} allowed)") + "\n"

    msg = f"{identifier} are not {'equal' if equality else 'close'}!\n\n"
    if extra:
        msg += f"{extra.strip()}\n"
    msg += diff("absolute", abs_diff, abs_idx, atol)
    msg += diff("relative", rel_diff, rel_idx, rtol)
    return msg.strip()


def _scalar_msg(actual, expected, rtol, atol):
    abs_diff = abs(actual - expected)
    rel_diff = float("inf") if expected == 0 else abs_diff / abs(expected)
    return _mismatch_msg("Scalars", f"Expected {expected} but got {actual}.",
                         abs_diff, None, atol, rel_diff, None, rtol)


def _unravel(flat, shape):
    index = []
    for size in reversed(shape):
        flat, mod = divmod(flat, size)
        index.append(mod)
    return tuple(reversed(index))


def _tensor_msg(actual, expected, matches, rtol, atol):
    from .. import abs as _abs, max as _max
    total = matches.numel()
    mismatched = total - int(matches.sum())
    extra = f"Mismatched elements: {mismatched} / {total} ({mismatched / total:.1%})"
    a, e, m = actual.flatten(), expected.flatten(), matches.flatten()
    if not a.dtype.is_floating_point and not a.dtype.is_complex:
        # int64 holds the difference of any two integers of a smaller type
        a, e = a.to(D.int64), e.to(D.int64)
    abs_diff = _abs(a - e)
    abs_diff[m] = 0        # only the mismatches count
    max_abs, abs_idx = _max(abs_diff, 0)
    rel_diff = abs_diff / _abs(e)
    rel_diff[m] = 0
    max_rel, rel_idx = _max(rel_diff, 0)
    return _mismatch_msg("Tensor-likes", extra, max_abs.item(),
                         _unravel(int(abs_idx), tuple(matches.shape)), atol,
                         max_rel.item(), _unravel(int(rel_idx), tuple(matches.shape)), rtol)


# Each pair takes the inputs it can compare (else _Unsupported) and returns
# the comparison, run once every pair is made: an error in making one (bad
# tolerances) wins over any mismatch, as in PyTorch.

def _none_pair(actual, expected, id, **_):
    if not (actual is None or expected is None):
        raise _Unsupported

    def compare():
        if not (actual is None and expected is None):
            raise _Mismatch(AssertionError, f"None mismatch: {actual} is not {expected}", id)
    return compare


def _bool_pair(actual, expected, id, **_):
    kinds = (bool, np.bool_)
    if not (isinstance(actual, kinds) and isinstance(expected, kinds)):
        raise _Unsupported
    actual, expected = bool(actual), bool(expected)

    def compare():
        if actual is not expected:
            raise _Mismatch(AssertionError, f"Booleans mismatch: {actual} is not {expected}", id)
    return compare


_NUMBER_DTYPES = {int: D.int64, float: D.float64, complex: D.complex128}


def _number_pair(actual, expected, id, rtol, atol, equal_nan, check_dtype, **_):
    kinds = (int, float, complex, np.number)
    if not (isinstance(actual, kinds) and isinstance(expected, kinds)):
        raise _Unsupported
    actual, expected = (v.item() if isinstance(v, np.number) else v for v in (actual, expected))
    rtol, atol = _tolerances(*[_NUMBER_DTYPES[type(v)] for v in (actual, expected)],
                             rtol=rtol, atol=atol, id=id)

    def compare():
        if check_dtype and type(actual) is not type(expected):
            raise _Mismatch(AssertionError, "The (d)types do not match: "
                            f"{type(actual)} != {type(expected)}.", id)
        if actual == expected:
            return
        if equal_nan and cmath.isnan(actual) and cmath.isnan(expected):
            return
        abs_diff = abs(actual - expected)
        if cmath.isfinite(abs_diff) and abs_diff <= atol + rtol * abs(expected):
            return
        raise _Mismatch(AssertionError, _scalar_msg(actual, expected, rtol, atol), id)
    return compare


def _as_tensor(value):
    if isinstance(value, Tensor):
        return value
    from .._creation import as_tensor
    try:
        return as_tensor(value)
    except Exception:   # noqa: BLE001 - not tensor-like: another pair may take it
        raise _Unsupported from None


def _tensor_pair(actual, expected, id, allow_subclasses, rtol, atol, equal_nan, check_device,
                 check_dtype, check_layout, check_stride, **_):
    if not (isinstance(actual, type(expected)) or isinstance(expected, type(actual))):
        raise _Unsupported
    if not allow_subclasses and type(actual) is not type(expected):
        raise _Unsupported
    actual, expected = _as_tensor(actual), _as_tensor(expected)
    rtol, atol = _tolerances(actual, expected, rtol=rtol, atol=atol, id=id)
    return lambda: _compare_tensors(actual, expected, id, rtol, atol, equal_nan, check_device,
                                    check_dtype, check_layout, check_stride)


def _compare_tensors(actual, expected, id, rtol, atol, equal_nan, check_device, check_dtype,
                     check_layout, check_stride):
    def differ(name, a, e):
        raise _Mismatch(AssertionError,
                        f"The values for attribute '{name}' do not match: {a} != {e}.", id)

    if actual.shape != expected.shape:
        differ("shape", actual.shape, expected.shape)
    if actual.layout != expected.layout:
        if check_layout:
            differ("layout", actual.layout, expected.layout)
    elif check_stride and actual.stride() != expected.stride():
        differ("stride()", actual.stride(), expected.stride())
    if check_device and actual.device != expected.device:
        differ("device", actual.device, expected.device)
    if check_dtype and actual.dtype != expected.dtype:
        differ("dtype", actual.dtype, expected.dtype)
    if "meta" in (actual.device.type, expected.device.type):
        return      # no values to compare
    actual, expected = actual.detach(), expected.detach()
    if actual.dtype != expected.dtype:
        common = D.promote_types(actual.dtype, expected.dtype)
        actual, expected = actual.to(common), expected.to(common)
    from .. import isclose
    matches = isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if bool(matches.all()):
        return
    if actual.dim() == 0:
        msg = _scalar_msg(actual.item(), expected.item(), rtol, atol)
    else:
        msg = _tensor_msg(actual, expected, matches, rtol, atol)
    raise _Mismatch(AssertionError, msg, id)


_PAIRS = (_none_pair, _bool_pair, _number_pair, _tensor_pair)
_PAIR_NAMES = {_none_pair: "NonePair", _bool_pair: "BooleanPair", _number_pair: "NumberPair",
               _tensor_pair: "TensorLikePair"}


def _pairs(actual, expected, id, options):
    """The comparisons of the leaves of nested sequences and mappings."""
    seq = collections.abc.Sequence
    if (isinstance(actual, seq) and not isinstance(actual, str)
            and isinstance(expected, seq) and not isinstance(expected, str)):
        if len(actual) != len(expected):
            raise _Mismatch(AssertionError, "The length of the sequences mismatch: "
                            f"{len(actual)} != {len(expected)}", id)
        return [m for i in range(len(actual))
                for m in _pairs(actual[i], expected[i], (*id, i), options)]
    mapping = collections.abc.Mapping
    if isinstance(actual, mapping) and isinstance(expected, mapping):
        keys, expected_keys = set(actual.keys()), set(expected.keys())
        if keys != expected_keys:
            raise _Mismatch(AssertionError, (
                "The keys of the mappings do not match:\n"
                f"Missing keys in the actual mapping: {sorted(expected_keys - keys)}\n"
                f"Additional keys in the actual mapping: {sorted(keys - expected_keys)}"), id)
        with contextlib.suppress(Exception):
            keys = sorted(keys)
        return [m for k in keys for m in _pairs(actual[k], expected[k], (*id, k), options)]
    for pair in _PAIRS:
        try:
            return [pair(actual, expected, id, **options)]
        except _Unsupported:
            continue
        except _Mismatch:
            raise
        except Exception as error:
            raise RuntimeError(
                f"Originating a {_PAIR_NAMES[pair]}() at item "
                f"{''.join(str([item]) for item in id)} with\n\n"
                f"{type(actual).__name__}(): {actual}\n\nand\n\n"
                f"{type(expected).__name__}(): {expected}\n\n"
                "resulted in the unexpected exception above.") from error
    raise _Mismatch(TypeError, "No comparison pair was able to handle inputs of type "
                    f"{type(actual)} and {type(expected)}.", id)


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None,
                 equal_nan=False, check_device=True, check_dtype=True, check_layout=True,
                 check_stride=False, msg=None):
    """Asserts that `actual` and `expected` are close: |actual - expected| <=
    atol + rtol * |expected| elementwise, with same shape (and by default
    dtype, device, layout). `msg` (a string, or a callable given the
    generated message) replaces the report."""
    __tracebackhide__ = True
    options = dict(allow_subclasses=allow_subclasses, rtol=rtol, atol=atol,
                   equal_nan=equal_nan, check_device=check_device, check_dtype=check_dtype,
                   check_layout=check_layout, check_stride=check_stride)
    try:
        comparisons = _pairs(actual, expected, (), options)
    except _Mismatch as error:
        # Inputs that cannot be paired (lengths, keys, tolerances, types) keep
        # the generated message whatever `msg` says, as PyTorch's do.
        raise error.to_error() from None
    for compare in comparisons:
        try:
            compare()
        except _Mismatch as mismatch:
            raise mismatch.to_error(msg) from None


def assert_allclose(actual, expected, rtol=None, atol=None, equal_nan=True, msg=""):
    """Deprecated since 1.12: assert_close with looser defaults and no dtype check."""
    import warnings
    warnings.warn(
        "`torch.testing.assert_allclose()` is deprecated since 1.12 and will be removed in a "
        "future release. Please use `torch.testing.assert_close()` instead. You can find "
        "detailed upgrade instructions in https://github.com/pytorch/pytorch/issues/61844.",
        FutureWarning, stacklevel=2)
    from .._creation import tensor
    if not isinstance(actual, Tensor):
        actual = tensor(actual)
    if not isinstance(expected, Tensor):
        expected = tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        rtol, atol = default_tolerances(actual, expected, dtype_precisions={
            D.float16: (1e-3, 1e-3), D.float32: (1e-4, 1e-5), D.float64: (1e-5, 1e-8)})
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan,
                 check_device=True, check_dtype=False, check_stride=False, msg=msg or None)
