"""Numbers as PyTorch's kernels and parser take them: c10's checked
conversion of a Python number to a kernel's dtype, add/sub's alpha check,
and the refusal of what no Number parameter takes."""
from .._backend import np

from .. import _dtype as D
from .._python_data import _tname
from .._tensor import Tensor
from .._typeinfo import _BF16


_C_TYPES = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "int64_t",
            "int32": "int", "int16": "int16_t", "int8": "int8_t", "uint8": "uint8_t",
            "bfloat16": "c10::BFloat16"}


def _float_max(np_dtype):
    """The largest finite value of a floating dtype, as a Python float (looked
    up once: checked conversions run on optimizers' hot paths)."""
    top = _FLOAT_MAX.get(np_dtype)
    if top is None:
        top = _FLOAT_MAX[np_dtype] = (_BF16["max"] if np_dtype == D._BF16_NP
                                      else float(np.finfo(np_dtype).max))
    return top


_FLOAT_MAX = {}


def _overflow(np_dtype):
    return RuntimeError(f"value cannot be converted to type {_C_TYPES[np_dtype.name]} without "
                        "overflow")


def checked_scalar(np_dtype, value):
    """A Python number as a kernel of `np_dtype` takes it (c10's
    checked_convert): a complex one needs a complex dtype unless its
    imaginary part is 0, a float must fit, an integral kernel truncates
    what fits its range (an unsigned one wraps integers down to -max, as
    c10's overflows() lets them: returned wrapped, as the kernel sees them)."""
    kind = np_dtype.kind
    if np_dtype == D._BF16_NP:       # (ml_dtypes' kind is "V": a float all the same)
        kind = "f"
    if kind == "c" or kind == "b" or value.__class__ is bool:
        return value
    if value.__class__ is int and 0 <= value <= 127:
        return value        # (nn.Linear's alpha = beta = 1: the common case, at once)
    if isinstance(value, (complex, np.complexfloating)):
        if value.imag != 0:
            raise RuntimeError(f"value cannot be converted to type {_C_TYPES[np_dtype.name]} "
                               "without overflow")
        value = value.real
    if kind == "f":
        if abs(value) > _float_max(np_dtype) and np.isfinite(value):
            raise _overflow(np_dtype)
        return value
    from .._python_data import _scalar_to
    return int(_scalar_to(value, np_dtype))


# What PyTorch's parser takes for a Number (besides a 0-d tensor)
NUMBER_TYPES = (bool, int, float, complex, np.number, np.bool_)


def number_arg(*values):
    """Refuse what PyTorch's parser takes for no Number (a NumPy array, which
    NumPy's conversions would take; a string): a TypeError for the op's
    error path, which words it as the parser does (ops/_parser_types.py)."""
    for v in values:
        if not isinstance(v, (NUMBER_TYPES, Tensor)):
            raise TypeError(f"expected a number, not {_tname(v)}")


def alpha_check(input, other, alpha):
    """add/sub's alpha_check against the result's dtype (a bool alpha needs a
    bool result, a float one a float result, a complex one a complex result),
    then alpha as the kernel takes it: c10's checked conversion to that dtype."""
    if isinstance(alpha, Tensor):
        return alpha
    if isinstance(other, Tensor) and other._data.dtype == input._data.dtype:
        dt = input.dtype
    else:
        from .._extras import result_type
        dt = result_type(input, other)
    if alpha.__class__ is float and dt.is_floating_point:   # (an optimizer's step: at once)
        if abs(alpha) > _float_max(dt._np) and alpha == alpha and abs(alpha) != float("inf"):
            raise _overflow(dt._np)
        return alpha
    number_arg(alpha)
    if isinstance(alpha, (bool, np.bool_)) and dt is not D.bool_:
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if not (dt.is_floating_point or dt.is_complex or isinstance(alpha, (int, np.integer,
                                                                      np.bool_))):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating "
                           "point number.")
    if not dt.is_complex and isinstance(alpha, (complex, np.complexfloating)):
        raise RuntimeError("For non-complex input tensors, argument alpha must not be a complex "
                           "number.")
    if dt is D.bool_:
        return bool(alpha)
    return checked_scalar(dt._np, alpha)
