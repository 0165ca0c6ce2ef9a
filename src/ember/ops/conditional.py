"""Ops that pick between values, and their derivatives: where, clamp,
maximum, minimum. The gradient flows to whichever value was picked."""
from .._python_data import _tname
from .. import _meta
from .. import _layout as _L
from .._backend import cast
from .._settings import warn_once
from .pointwise import _tensor_operand
from ._common import (D, Tensor, binary_arrays, broadcast_error, broadcast_error_among,
                      keep_index, kernel_refuses, np, number_arg, recorded, wrap, _result_dtype)
from ._missing import MISSING, refuse
from ._parser_types import overloads_listed, refuse_types
from ._out import into, same_dtype
from ._registry import REGISTRY, grad_fn, register, tensor_field
from .elementwise_ternary import result_type
from .indexing_assign import _scalar_value
from .inplace import make_inplace

__all__ = ["where", "clamp", "clip", "clamp_min", "clamp_max", "maximum", "minimum",
           "masked_fill"]


WhereBackward0 = grad_fn("WhereBackward0", saved={"condition": tensor_field("condition")},
                         self=lambda xp, g, condition: xp.where(_mask(condition), g, 0),
                         other=lambda xp, g, condition: xp.where(_mask(condition), 0, g))
_UINT8_CONDITION = ("where received a uint8 condition tensor. This behavior is deprecated and "
                    "will be removed in a future version of PyTorch. Use a boolean condition "
                    "instead.")


def _mask(condition):
    """A uint8 condition read as a mask, with PyTorch's deprecation note (its
    backward calls where again, so the note can come from there too)."""
    if condition.dtype == np.uint8:
        warn_once(_UINT8_CONDITION, cpp="aten/src/ATen/native/TensorCompare.cpp:621")
        return condition.astype(np.bool_)
    return condition
ClampBackward1 = grad_fn("ClampBackward1", saved={"min": "min", "max": "max"}, self=lambda xp, g, self, min, max: xp.where(
    _inside(self, min, max), g, 0))
ClampMinBackward0 = grad_fn("ClampMinBackward0", saved={"min": "min"},
                            self=lambda xp, g, self, min: xp.where(self >= min, g, 0))
ClampMaxBackward0 = grad_fn("ClampMaxBackward0", saved={"max": "max"},
                            self=lambda xp, g, self, max: xp.where(self <= max, g, 0))
# Tensor bounds (PyTorch's clamp_backward and clamp_backward_min_max): the
# input keeps the gradient at a bound; a bound gets it only where it won,
# and when min > max the max wins. A bound not given is None.
ClampBackward0 = grad_fn(
    "ClampBackward0",
    self=lambda xp, g, self, min, max: xp.where(_inside(self, min, max), g, 0),
    min=lambda xp, g, self, min, max: xp.where(
        (self < min) & (min < max) if max is not None else self < min, g, 0),
    max=lambda xp, g, self, min, max: xp.where(
        (self > max) | (max < min) if min is not None else self > max, g, 0))
ClampMinBackward1 = grad_fn("ClampMinBackward1",
                            self=lambda xp, g, self, min: xp.where(self >= min, g, 0),
                            min=lambda xp, g, self, min: xp.where(self < min, g, 0))
ClampMaxBackward1 = grad_fn("ClampMaxBackward1",
                            self=lambda xp, g, self, max: xp.where(self <= max, g, 0),
                            max=lambda xp, g, self, max: xp.where(self > max, g, 0))
# Ties split the gradient in half; otherwise only the loser gets none, so
# where either side is NaN (no comparison holds) both get all of it, as in
# PyTorch's where(a == b, g / 2, g).masked_fill_(a < b, 0).
def _tie_split(xp, g, self, other, loses):
    """Recorded as derivatives.yaml writes it (grad / 2 a Scalar division)."""
    return xp.where(self == other, xp.div_scalar(g, 2), g).masked_fill(loses, 0)


MaximumBackward0 = grad_fn(
    "MaximumBackward0",
    self=lambda xp, g, self, other: _tie_split(xp, g, self, other, self < other)
    if xp.recording else xp.where(self == other, g / 2, xp.where(self < other, 0, g)),
    other=lambda xp, g, self, other: _tie_split(xp, g, self, other, self > other)
    if xp.recording else xp.where(self == other, g / 2, xp.where(self > other, 0, g)))
MinimumBackward0 = grad_fn(
    "MinimumBackward0",
    self=lambda xp, g, self, other: _tie_split(xp, g, self, other, self > other)
    if xp.recording else xp.where(self == other, g / 2, xp.where(self > other, 0, g)),
    other=lambda xp, g, self, other: _tie_split(xp, g, self, other, self < other)
    if xp.recording else xp.where(self == other, g / 2, xp.where(self < other, 0, g)))


def _inside(x, lo, hi):
    if lo is None:
        return x <= hi
    if hi is None:
        return x >= lo
    return (x >= lo) & (x <= hi)


_MISSING = MISSING     # (what an argument left out is: ops/_missing.py)


def where(condition=_MISSING, input=_MISSING, other=_MISSING, *, out=None):
    if out is not None:
        return _where_out(condition, input, other, out)
    if input is _MISSING and other is _MISSING:
        if condition is _MISSING:    # (torch.where(): the parser lists its overloads)
            refuse("where", (condition,), method=False)
        return _nonzero_tuple(condition)
    _check_where_args(condition, input, other)
    cond = condition._data
    if cond.dtype != np.bool_ and cond.dtype != np.uint8:
        raise RuntimeError(
            f"where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{D.SCALAR_NAMES.get(condition.dtype, _dt_name(condition.dtype))}")
    a = input if isinstance(input, Tensor) else None
    b = other if isinstance(other, Tensor) else None
    ref = a if a is not None else b
    if a is not None and b is not None:
        dt = _result_dtype(a, b)._np
        ad, bd = a._data.astype(dt, copy=False), b._data.astype(dt, copy=False)
    elif ref is not None:
        rd = ref._data
        scalar = other if a is not None else input
        if isinstance(scalar, float) and rd.dtype.kind not in "fc" and rd.dtype != D._BF16_NP:
            rd = rd.astype(D._default[0]._np)
        elif rd.dtype == np.bool_ and isinstance(scalar, int) and not isinstance(scalar, bool):
            rd = rd.astype(np.int64)        # (a bool tensor and an int: int64)
        elif isinstance(scalar, complex) and rd.dtype.kind != "c":
            rd = rd.astype((ref.dtype.to_complex() if rd.dtype.kind == "f"
                            else D.default_complex())._np)
        sd = _as_wrapped_number(scalar, rd.dtype)
        ad, bd = (rd, sd) if a is not None else (sd, rd)
    else:
        dt = D.promote_types(D.scalar_dtype(input), D.scalar_dtype(other))._np
        ad, bd = np.asanyarray(input, dt), np.asanyarray(other, dt)
    if _meta.is_meta(cond) or _meta.is_meta(ad) or _meta.is_meta(bd):
        _meta.same_device((cond, ad, bd))     # (a CPU condition beside meta values)
    try:
        mask = _mask(cond)
        data = _L.iterated(np.asanyarray(np.where(mask, ad, bd)), mask, ad, bd)
    except ValueError:
        raise broadcast_error_among(cond.shape, ad.shape, bd.shape) from None
    return keep_index(recorded(WhereBackward0, data, (input, other), (cond,)), condition)


_WHERE_OUT_DTYPE = same_dtype("Expected out type to be {s} but got {os}")


def _where_out(condition, input, other, out):
    """where(condition, input, other, out=out): the overload with out= takes
    tensors only, and an out of the result's dtype (it is not cast)."""
    for pos, name, v in ((2, "input", input), (3, "other", other)):
        if not isinstance(v, Tensor):
            raise TypeError(f"where(): argument '{name}' (position {pos}) must be Tensor, not "
                            f"{'NoneType' if v is _MISSING else _arg_type(v)}")
    return into(out, "where", where, (condition, input, other), {}, _WHERE_OUT_DTYPE)


def _nonzero_tuple(condition):
    """where(condition): nonzero(condition, as_tuple=True); a 0-d condition
    counts as one element."""
    if not isinstance(condition, Tensor):
        raise TypeError("where(): argument 'condition' (position 1) must be Tensor, not "
                        f"{_arg_type(condition)}")
    c = condition._data
    idx = np.nonzero(c.reshape(1) if c.ndim == 0 else c)
    return tuple(wrap(i.astype(np.int64)) for i in idx)


_WHERE_SIGNATURES = (("Tensor condition", "Tensor input", "Tensor other, *, Tensor out = None"),
                     ("Tensor condition", "Number self", "Tensor other"),
                     ("Tensor condition", "Tensor input", "Number other"),
                     ("Tensor condition", "Number self", "Number other"))


def _check_where_args(condition, input, other):
    """PyTorch's "invalid combination of arguments" for where's overloads."""
    given = [v for v in (condition, input, other) if v is not _MISSING]
    kinds = [_is_tensor, _is_tensor_or_number, _is_tensor_or_number]
    if len(given) == 3 and all(ok(v) for ok, v in zip(kinds, given)):
        return
    lines = [" * (Tensor condition)"]
    for sig in _WHERE_SIGNATURES:
        lines.append(f" * ({', '.join(sig)})")
        # Only the overloads of the same arity explain the mismatch (the first
        # one, with out=, never does; a `Number self` is always marked).
        if len(given) == 3 and sig is not _WHERE_SIGNATURES[0]:
            marks = [_arg_type(v, True) if _fits(p, v) else f"!{_arg_type(v, True)}!"
                     for p, v in zip(sig, given)]
            lines.append("      didn't match because some of the arguments have invalid "
                         f"types: ({', '.join(marks)})")
    raise TypeError("where() received an invalid combination of arguments - got "
                    f"({', '.join(_arg_type(v) for v in given)}), but expected one of:\n"
                    + "\n".join(lines) + "\n")


def _is_tensor(v):
    return isinstance(v, Tensor)


def _is_number(v):
    return isinstance(v, (int, float, complex, np.number, np.bool_))


def _is_tensor_or_number(v):
    return isinstance(v, Tensor) or _is_number(v)


def _fits(param, v):
    return _is_tensor(v) if param.startswith("Tensor") else (
        _is_number(v) and param != "Number self")


def _arg_type(v, detail=False):
    if isinstance(v, Tensor):
        return "Tensor"
    if isinstance(v, list) and detail:
        return f"list of [{', '.join(_arg_type(e) for e in v)}]"
    t = type(v)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"


# PyTorch's overloads of a binary op with an out= (fmod, copysign, ...)
OUT_OVERLOADS = (" * (Tensor input, Tensor other, *, Tensor out = None)\n"
                 " * (Tensor input, Number other, *, Tensor out = None)\n")


def overloads_error(name, args, overloads=OUT_OVERLOADS):
    """PyTorch's TypeError for arguments no overload takes (a number first)."""
    return TypeError(f"{name}() received an invalid combination of arguments - got "
                     f"({', '.join(_arg_type(a) for a in args)}), but expected one of:\n"
                     + overloads)


def _dt_name(dt):
    return repr(dt).replace("ember.", "")


def _no_complex_clamp(input):
    if input._data.dtype.kind == "c":
        raise NotImplementedError("clamp is not supported for complex types")


def clamp(input, min=None, max=None):
    if min.__class__ not in _FLOAT_INT_NONE or max.__class__ not in _FLOAT_INT_NONE:
        number_arg(*(b for b in (min, max) if b is not None))
    _no_complex_clamp(input)
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        lo = None if min is None else _tensor_operand(min, "clamp", 2)
        hi = None if max is None else _tensor_operand(max, "clamp", 3)
        return _clamp_tensors(input, lo, hi, ClampBackward0, (input, lo, hi))
    x = _scalar_clamped(input, (min, max), "clamp_scalar_cpu" if min is not None and
                        max is not None else "clamp_min_scalar_cpu" if min is not None
                        else "clamp_max_scalar_cpu")
    data = x
    # (the bounds as c10 converts them: -1 in uint8 is 255, one beyond the
    # dtype's range is refused)
    if min is not None:
        data = np.maximum(_scalar_value(min, x.dtype), data)    # (x kept of equals: -0.)
    if max is not None:
        data = np.minimum(_scalar_value(max, x.dtype), data)
    if data is x:
        data = x.copy()
    return recorded(ClampBackward1, data, (input,), (min, max))


def _as_wrapped_number(v, dt):
    """where's number in the result's dtype: an integer by c10's checked
    conversion (1000 in int8 is refused, -1 in uint8 is 255), a float cast
    without a range check (1e39 in float16 is inf)."""
    if isinstance(v, int) and dt.kind in "iu":
        return _scalar_value(v, dt)
    return cast(np.asanyarray(v), dt)


def _scalar_clamped(input, bounds, kernel):
    """The input's array in the dtype of its clamp by numbers (PyTorch's
    result type: a bool tensor and an int are int64, an integer tensor and a
    float are the default float); the refusals of a complex bound and of
    bool bounds on a bool tensor."""
    x = input._data
    # (a NumPy float is a float to PyTorch's parser: np.float32 too)
    kinds = {float if isinstance(b, np.floating) else type(b) for b in bounds if b is not None}
    if complex in kinds:
        # (clamp converts a float tensor's bounds to double first; clamp_min
        # and clamp_max check the result type)
        if D.is_float_np(x.dtype) and len(bounds) == 2:
            raise RuntimeError("value cannot be converted to type double without overflow")
        raise NotImplementedError("clamp is not supported for complex types")
    if float in kinds and not D.is_float_np(x.dtype):
        return x.astype(D._default[0]._np)
    if x.dtype == np.bool_:
        if int in kinds:
            return x.astype(np.int64)
        if kinds <= {bool}:
            raise kernel_refuses(kernel, x.dtype)
    return x


def _clamp_tensors(input, lo, hi, node, inputs):
    """clamp with tensor bounds: all three promoted and broadcast together;
    a NaN bound gives NaN, as in PyTorch."""
    bounds = [t for t in (lo, hi) if t is not None]
    dt = result_type(input, *bounds)
    if dt.is_complex or (dt is D.bool_ and len(bounds) == 2):
        # (one bound is clamp_min's or clamp_max's kernel, maximum's or minimum's)
        raise kernel_refuses("clamp_cpu" if len(bounds) == 2 else "maximum_cpu"
                             if lo is not None else "minimum_cpu", dt._np)
    x = input._data.astype(dt._np, copy=False)
    shape = x.shape
    for t in bounds:
        try:
            shape = np.broadcast_shapes(shape, t._data.shape)
        except ValueError:
            raise broadcast_error(shape, t._data.shape) from None
    data = x
    if lo is not None:
        data = np.maximum(lo._data.astype(dt._np, copy=False), data)
    if hi is not None:
        data = np.minimum(hi._data.astype(dt._np, copy=False), data)
    return recorded(node, _meta.array_copy(np.broadcast_to(data, shape)), inputs)


def _no_complex_bound(input, bound, kernel):
    """clamp_min/clamp_max with a tensor bound run maximum/minimum's kernel,
    which names itself when it refuses a complex operand."""
    for t in (input, bound):
        if t._data.dtype.kind == "c":
            raise NotImplementedError(f'"{kernel}" not implemented for '
                                      f"'{D.SCALAR_NAMES[t.dtype]}'")


def clamp_min(input, min):
    if min.__class__ not in _FLOAT_INT_NONE:
        number_arg(min)
    if isinstance(min, Tensor):
        _no_complex_bound(input, min, "maximum_cpu")
    _no_complex_clamp(input)
    if isinstance(min, Tensor):
        return _clamp_tensors(input, min, None, ClampMinBackward1, (input, min))
    x = _scalar_clamped(input, (min,), "clamp_min_scalar_cpu")
    data = np.asanyarray(np.maximum(_scalar_value(min, x.dtype), x))
    return recorded(ClampMinBackward0, data, (input,), (min,))


def clamp_max(input, max):
    if max.__class__ not in _FLOAT_INT_NONE:
        number_arg(max)
    if isinstance(max, Tensor):
        _no_complex_bound(input, max, "minimum_cpu")
    _no_complex_clamp(input)
    if isinstance(max, Tensor):
        return _clamp_tensors(input, None, max, ClampMaxBackward1, (input, max))
    x = _scalar_clamped(input, (max,), "clamp_max_scalar_cpu")
    data = np.asanyarray(np.minimum(_scalar_value(max, x.dtype), x))
    return recorded(ClampMaxBackward0, data, (input,), (max,))


def _pairwise(npfn, node, input, other):
    for arg, pos, x in (("input", 1, input), ("other", 2, other)):
        if not isinstance(x, Tensor):
            raise TypeError(f"{npfn.__name__}(): argument '{arg}' (position {pos}) must be "
                            f"Tensor, not {_tname(x)}")
    ad, bd = binary_arrays(input, other)
    if ad.dtype.kind == "c":
        raise RuntimeError(f"{npfn.__name__} not implemented for complex tensors.")
    try:
        # (reversed: of equals np.maximum keeps its second, PyTorch its first:
        # maximum(-0., 0.) is -0.)
        data = _L.iterated(np.asanyarray(npfn(bd, ad)), ad, bd)
    except ValueError:
        raise broadcast_error(ad.shape, bd.shape) from None
    return recorded(node, data, (input, other))


def maximum(input, other):
    return _pairwise(np.maximum, MaximumBackward0, input, other)


def minimum(input, other):
    return _pairwise(np.minimum, MinimumBackward0, input, other)


# NumPy's maximum, minimum and where raise no floating-point warnings: these
# hot ops skip the registry's silencing wrapper (quiet=True).
_clamp_written = make_inplace(clamp, "clamp_")


def _number_bounds_castable(self, bounds):
    """In place, number bounds whose result type self can't hold are refused
    first, in the clamp kernels' words (the C name of self's dtype)."""
    if any(isinstance(b, Tensor) for b in bounds):
        return
    from .._extras import result_type
    from .inplace import _castable
    for bound in bounds:
        # (a complex bound on a float tensor fails its conversion first, in clamp)
        if bound is not None and not isinstance(bound, str) and not (
                isinstance(bound, complex) and D.is_float_np(self._data.dtype)):
            dt = result_type(self, bound)
            if not _castable(dt._np, self._data.dtype):
                raise RuntimeError(f"result type {D.SCALAR_NAMES[dt]} can't be cast to the "
                                   f"desired output type {D.C_NAMES[self.dtype]}")


def clamp_(self=MISSING, min=None, max=None):
    _number_bounds_castable(self, (min, max))
    return _clamp_written(self, min, max)


def _one_bound_in_place(written):
    """clamp_min_/clamp_max_: a number bound checked as clamp_ checks it (a
    complex one is refused by the kernel first)."""
    def in_place(*args, **kwargs):
        bounds = args[1:] + tuple(kwargs.values())
        if len(bounds) == 1 and args and isinstance(args[0], Tensor):
            if isinstance(bounds[0], complex):
                raise NotImplementedError("clamp is not supported for complex types")
            _number_bounds_castable(args[0], bounds)
        return written(*args, **kwargs)
    return in_place


def _one_bound_variants(op, name):
    variant = _one_bound_in_place(make_inplace(op, name))
    variant.function_form = _one_bound_in_place(make_inplace(op, name, function_form=True))
    return variant


clamp_min_ = _one_bound_variants(clamp_min, "clamp_min_")
clamp_max_ = _one_bound_variants(clamp_max, "clamp_max_")


clamp = register(clamp, inplace=clamp_, aliases=("clip",), node=ClampBackward1, quiet=True,
                 inplace_function=True)
_CLAMP_SCALAR_OUT = same_dtype("Found dtype {os} but expected {s}")


# (bounds that need no check: clamp is hot)
_FLOAT_INT_NONE = frozenset((float, int, type(None)))


def _clamp_args(input=MISSING, min=None, max=None):
    return input, min, max


def _clamp_public_named(name):
    def public(*args, out=None, **kwargs):
        """clamp with out=: cast into with tensor bounds (a structured kernel);
        with number bounds the out must have the result's dtype."""
        try:
            input, min, max = _clamp_args(*args, **kwargs)
        except TypeError:   # (an argument too many, a keyword clamp has not)
            raise overloads_listed(name, args, kwargs if out is None else {**kwargs, "out": out}
                                   ) from None
        try:
            if out is None:
                return clamp(input, min, max)
            numbers = not (isinstance(min, Tensor) or isinstance(max, Tensor))
            return into(out, "clamp", clamp, (input, min, max), {},
                        _CLAMP_SCALAR_OUT if numbers else None)
        except (AttributeError, TypeError, ValueError):
            # (an argument of the wrong type, or the tensor left out: PyTorch's
            # parser's words, as `name` was called)
            refuse_types(name, False, args, kwargs if out is None else {**kwargs, "out": out})
            given = {k: v for k, v in (("min", min), ("max", max), ("out", out)) if v is not None}
            refuse(name, (input,), given, method=False)
            raise
    public.__name__ = public.__qualname__ = name
    public.__wrapped__ = clamp
    # (published as clip too: keywords.under_name makes its own)
    public._under_name = _clamp_public_named
    return public


_clamp_public = _clamp_public_named("clamp")
REGISTRY["clamp"] = REGISTRY["clamp"]._replace(public=_clamp_public)
clip = clamp
clamp_min = register(clamp_min, inplace=clamp_min_, node=ClampMinBackward0, quiet=True,
                     inplace_function=True)
clamp_max = register(clamp_max, inplace=clamp_max_, node=ClampMaxBackward0, quiet=True,
                     inplace_function=True)
maximum = register(maximum, node=MaximumBackward0, quiet=True)
minimum = register(minimum, node=MinimumBackward0, quiet=True)


# masked_fill lives in its own module (the file had grown past its size)
from .conditional_fill import masked_fill  # noqa: E402,F401
