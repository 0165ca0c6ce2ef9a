"""`out=`: an op's result written into tensors the caller gives.

PyTorch's rules: no autograd through `out=` (an input or the output that
requires grad raises while grad mode is on); the result is cast to the
output's dtype within or below its category; an output of another shape is
resized, with PyTorch's deprecation warning when it had elements.
"""

from .._python_data import _tname
from .._subclass import NOT_HANDLED
from .._settings import warn_at_caller
from .._tensor import Tensor
from ..autograd.grad_mode import _state
from . import _keywords
from ._call_forms import refused_call
from ._overlap import check_no_partial_overlap, checks_partial_overlap, out_inputs
from .inplace import _castable, check_no_internal_overlap
from .. import _dtype as D, return_types

__all__ = ["into", "same_dtype", "bool_only"]


class same_dtype:
    """An op whose out= must have its result's dtype exactly (PyTorch's
    kernels that are not "structured" check rather than cast), with the
    op's own wording: {c}/{oc} are the C names of the result's and out's
    dtypes ("float"), {s}/{os} the scalar names ("Float")."""
    __slots__ = ("template",)

    def __init__(self, template="Expected out tensor to have dtype {c}, but got {oc} instead"):
        self.template = template

    def __call__(self, name, out, result):
        if out.dtype is not result.dtype:
            raise RuntimeError(self.template.format(
                c=D.C_NAMES[result.dtype], oc=D.C_NAMES[out.dtype],
                s=D.SCALAR_NAMES[result.dtype], os=D.SCALAR_NAMES[out.dtype], name=name))


def computed_in_out_dtype(info):
    """The public form of a registered sum/prod/cumsum/cumprod: with out=,
    computed in out's dtype, PyTorch's dtype=out.dtype (sum(floats, out=an
    int tensor) truncates each element first)."""
    function, name = info.function, info.name

    def public(*args, dtype=None, out=None, **kwargs):
        if out is None:
            try:
                if dtype is None:   # (as given: a dtype=None would count as given)
                    return function(*args, **kwargs)
                return function(*args, dtype=dtype, **kwargs)
            except TypeError as e:
                given = kwargs if dtype is None else {**kwargs, "dtype": dtype}
                # (a refused argument, or one left out: as the function's)
                result = refused_call(e, public, name, function, args, kwargs, given)
                if result is not NOT_HANDLED:
                    return result
                _keywords.reword_missing(e, name, args, given, function)
                raise
        if dtype is None and isinstance(out, Tensor):
            dtype = out.dtype
        return into(out, name, function, args, dict(kwargs, dtype=dtype))
    public.__name__ = public.__qualname__ = name
    public.__doc__ = function.__doc__
    public.__wrapped__ = function
    return public


def bool_only(name, out, result):
    """isposinf, signbit, ...: out= must be a bool tensor."""
    if out.dtype is not D.bool_:
        raise RuntimeError(f"{name} does not support non-boolean outputs.")


def _requires_grad(x):
    if isinstance(x, Tensor):
        return x._requires_grad
    if isinstance(x, (list, tuple)):
        return any(_requires_grad(v) for v in x)
    return False


def _no_autograd(name, out, args, kwargs):
    if _state.enabled and (_requires_grad(out) or _requires_grad(args)
                           or _requires_grad(tuple(kwargs.values()))):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")


def into(out, name, function, args, kwargs, check=None):
    kernel = getattr(check, "kernel", None)
    if kernel is not None:
        return _into_kernel(out, name, function, args, kwargs, check, kernel)
    _no_autograd(name, out, args, kwargs)
    _no_partial_overlap(out, function, args, kwargs)
    try:
        result = function(*args, **kwargs)
    except NotImplementedError as e:
        _checked_first(e, name, out, args, check)
        raise
    if result is NotImplemented:    # (an operand no overload takes: the caller refuses it)
        return result
    if isinstance(result, tuple):
        if not isinstance(out, (tuple, list)) or len(out) != len(result):
            raise TypeError(f"{name}(): argument 'out' must be tuple of Tensors, not "
                            f"{_tname(out)}")
        if check is not None:
            for o, r in zip(out, result):
                if isinstance(o, Tensor):
                    check(name, o, r)
        for o, r in zip(out, result):
            write(o, r)
        if type(result).__module__ == return_types.__name__:
            return getattr(return_types, type(result).__name__ + "_out")._of(*out)
        return tuple(out)
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {_tname(out)}")
    if check is not None:
        check(name, out, result)
    write(out, result)
    return out


def _no_partial_overlap(out, function, args, kwargs):
    if checks_partial_overlap(function):
        inputs = out_inputs(args, kwargs)
        for o in (out if isinstance(out, (tuple, list)) else (out,)):
            if isinstance(o, Tensor):
                check_no_partial_overlap(o._data, inputs)


def _checked_first(error, name, out, args, check):
    """A kernel's dispatch refusal ('"abs_cpu" not implemented for ...')
    comes after PyTorch's check that out has the input's dtype: that
    check's error, where it fails."""
    if (isinstance(check, same_dtype) and args and isinstance(args[0], Tensor)
            and isinstance(out, Tensor) and str(error).startswith('"')):
        check(name, out, args[0])


def _into_kernel(out, name, function, args, kwargs, check, kernel):
    """out= of an op whose ATen function checks the out tensor first, then
    its input, and hands the work to a kernel `kernel(args)` names (the
    autograd refusal names that one; None: no refusal, as PyTorch's)."""
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {_tname(out)}")
    check(name, out, None)
    _no_partial_overlap(out, function, args, kwargs)
    result = function(*args, **kwargs)
    aten = kernel(args)
    if aten is not None:
        _no_autograd(aten, out, args, kwargs)
    write(out, result.detach() if isinstance(result, Tensor) else result)
    return out


def write(out, result):
    """Put `result`'s values into `out` (resizing it if its shape differs)."""
    src, dst = result._data, out._data
    if src.dtype != dst.dtype and not _castable(src.dtype, dst.dtype):
        raise RuntimeError(
            f"result type {D.SCALAR_NAMES[D._BY_NP[src.dtype]]} can't be cast to the desired "
            f"output type {D.SCALAR_NAMES[D._BY_NP[dst.dtype]]}")
    if src.shape != dst.shape:
        if dst.size:
            warn_at_caller(
                f"An output with one or more elements was resized since it had shape "
                f"{list(dst.shape)}, which does not match the required output shape "
                f"{list(src.shape)}. This behavior is deprecated, and in a future PyTorch "
                "release outputs will not be resized unless they have zero elements. You can "
                "explicitly reuse an out tensor t by resizing it, inplace, to zero elements "
                "with t.resize_(0).", cpp="aten/src/ATen/native/Resize.cpp:30")
        out._data = src.astype(dst.dtype, copy=True)
    else:
        check_no_internal_overlap(dst)
        dst[...] = src
    out._bump()
