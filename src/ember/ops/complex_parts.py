"""Complex numbers: complex, polar, real and imag (views), view_as_real,
view_as_complex, conj and its resolved forms, angle; their derivatives by
PyTorch's convention (the conjugate Wirtinger derivative, so a real loss's
gradient is dL/dx + i dL/dy).

conj: PyTorch returns a lazy view with its conjugate bit set. Ember computes
the conjugate at once (a new array: a later write to the input is not seen
through it, nor a write to it in the input) and marks the result, so that
`is_conj()` answers as PyTorch's does; `resolve_conj()` of a marked tensor is
an unmarked copy, as PyTorch's; `detach()` keeps the mark and `numpy()`
refuses a marked tensor, as PyTorch's do. No op reads it: every result is an
ordinary tensor again, as PyTorch's ops resolve the bit.
"""
from .._python_data import _tname
from .. import _meta
import builtins

from .. import _layout as _L
from ._common import D, Tensor, broadcast_error, np, recorded, tensor_arg
from ._out import same_dtype
from ._registry import element_wise, grad_fn, register
from ._xp import provide
from . import shape as S

__all__ = []

_strided = np.lib.stride_tricks.as_strided


# -- the two namespaces' complex helpers (formulas call xp.conj, xp.real, ...)
_COMPLEX_SCALARS = frozenset({builtins.complex, np.complex64, np.complex128})


def _conj_array(x):
    """The conjugate; a real array (or number) itself, no copy: the formulas
    of real ops pay one call for it. (ndarray.conj() returns a real array
    itself: cheaper than reading its dtype's kind first.)"""
    return x.conj() if x.__class__ is _NDARRAY else (
        x.conjugate() if x.__class__ in _COMPLEX_SCALARS else x)


_NDARRAY = np.ndarray


def _is_complex_array(x):
    return getattr(x, "dtype", None) is not None and x.dtype.kind == "c" or isinstance(
        x, builtins.complex)


def _real_array(x):
    return x.real if _is_complex_array(x) else x


def _imag_array(x):
    return x.imag if _is_complex_array(x) else np.zeros_like(x)


def _view_as_real_array(x):
    return _meta.ascontiguousarray(_as_real(x))


def _as_real(x):
    """x (complex) as its real array with a last dim of 2: a view."""
    r = x.real
    if _meta.is_meta(x):
        return _meta.meta_array(x.shape + (2,), r.dtype)
    return _strided(r, x.shape + (2,), r.strides + (r.itemsize,))


def _as_complex(x):
    """x (real, last dim 2 of stride 1) as a complex array: a view."""
    if _meta.is_meta(x):
        return _meta.meta_array(x.shape[:-1], np.result_type(x.dtype, np.complex64))
    return x.view(np.result_type(x.dtype, np.complex64))[..., 0]


# -- view_as_real / view_as_complex ----------------------------------------
ViewAsRealBackward0 = grad_fn("ViewAsRealBackward0",
                              self=lambda xp, g: xp.view_as_complex(xp.contiguous(g)))
ViewAsComplexBackward0 = grad_fn("ViewAsComplexBackward0",
                                 self=lambda xp, g: xp.view_as_real(xp.contiguous(g)))


def view_as_real(input):
    x = tensor_arg(input, "view_as_real")._data
    if x.dtype.kind != "c":
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return S._view_of(_as_real(x), input, ViewAsRealBackward0)


def _root_offset(x):
    """x's offset, in elements, from the start of the memory it views."""
    root = x
    while isinstance(root.base, np.ndarray):
        root = root.base
    return (x.__array_interface__["data"][0] - root.__array_interface__["data"][0]) \
        // x.itemsize


def view_as_complex(input):
    x = tensor_arg(input, "view_as_complex")._data
    if x.dtype.kind != "f":
        raise RuntimeError("view_as_complex is only supported for half, float and double "
                           "tensors, but got a tensor of scalar type: "
                           f"{D.SCALAR_NAMES[input.dtype]}")
    if x.ndim == 0:
        raise RuntimeError("Input tensor must have one or more dimensions")
    if x.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    strides = (_L.contiguous_strides(x.shape) if _meta.is_meta(x)     # (as stride() says)
               else [s // x.itemsize for s in x.strides])
    if strides[-1] != 1:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if any(s % 2 for s, n in zip(strides[:-1], x.shape) if n != 1):
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension")
    if x.dtype == np.float16:
        input.dtype.to_complex()._np       # (complex32: NumPy cannot hold it; this says so)
    if _root_offset(x) % 2:
        raise RuntimeError("Tensor must have a storage_offset divisible by 2")
    return S._view_of(_as_complex(x), input, ViewAsComplexBackward0)


register(view_as_real, out=False, quiet=True, method=False)
register(view_as_complex, out=False, quiet=True, method=False)


# -- real / imag: views of view_as_real's two columns, as PyTorch's ---------
def _real(input):
    tensor_arg(input, "real")
    if input._data.dtype.kind != "c":
        return input
    return S.select(view_as_real(input), -1, 0)


def _imag(input):
    tensor_arg(input, "imag")
    if input._data.dtype.kind != "c":
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return S.select(view_as_real(input), -1, 1)


class _Part:
    """torch.real / torch.imag, which Tensor has as properties (x.real):
    the function, and on a tensor its value (a view), assignable."""

    def __init__(self, function):
        self.function = function
        self.__doc__ = function.__doc__

    def __call__(self, input):
        return self.function(input)

    def __get__(self, tensor, owner=None):
        return self if tensor is None else self.function(tensor)

    def __set__(self, tensor, value):
        """x.real = v writes v into x's real part (all of a real tensor)."""
        part = self.function(tensor)       # (imag: refused on a real tensor)
        if isinstance(value, Tensor):
            part.copy_(value)
        elif isinstance(value, (bool, int, float, builtins.complex, np.number, np.bool_)):
            part.fill_(value)
        else:
            raise TypeError(f"can't assign a {_tname(value)} to a {tensor.type()}")


real = register(_Part(_real), "real", out=False, quiet=True)
imag = register(_Part(_imag), "imag", out=False, quiet=True)


# -- conj and its resolved forms ---------------------------------------------
ConjBackward0 = element_wise(grad_fn("ConjBackward0", self=lambda xp, g: xp.conj(g)))
ConjPhysicalBackward0 = element_wise(grad_fn("ConjPhysicalBackward0",
                                             self=lambda xp, g: xp.conj(g)))


def conj(input):
    x = tensor_arg(input, "conj")._data
    if x.dtype.kind != "c":
        return input            # (PyTorch returns `input` itself, not a copy)
    out = recorded(ConjBackward0, np.conj(x), (input,))
    out.__dict__["_is_conj"] = not input.__dict__.get("_is_conj", False)
    return out


def resolve_conj(input):
    tensor_arg(input, "resolve_conj")
    if not input.__dict__.get("_is_conj", False):
        return input
    return S.clone(input)


def conj_physical(input):
    x = tensor_arg(input, "conj_physical")._data
    if x.dtype.kind != "c":
        return input
    return recorded(ConjPhysicalBackward0, np.conj(x), (input,))


def is_conj(input):
    return tensor_arg(input, "is_conj").__dict__.get("_is_conj", False)


def resolve_neg(input):
    return tensor_arg(input, "resolve_neg")


register(conj, out=False, quiet=True, node=ConjBackward0)
register(resolve_conj, out=False, quiet=True)
register(resolve_neg, out=False, quiet=True)
register(is_conj, out=False, quiet=True)
# conj_physical_ has its own entry in derivatives.yaml: recorded on a real
# tensor too (which conj_physical returns as it is).
ConjPhysicalBackward1 = element_wise(grad_fn("ConjPhysicalBackward1",
                                             self=lambda xp, g: xp.conj(g)))


def conj_physical_(self):
    from .inplace import check_inplace, commit_inplace
    x = tensor_arg(self, "conj_physical_")._data
    check_inplace(self)
    return commit_inplace(self, recorded(ConjPhysicalBackward1,
                                         np.conj(x) if x.dtype.kind == "c" else x, (self,)))


register(conj_physical, inplace=conj_physical_, inplace_function=True, quiet=True,
         node=ConjPhysicalBackward0, out=same_dtype("Found dtype {os} but expected {s}"))

def _conj_recorded(x):
    # (derivatives.yaml's .conj(), the lazy conjugate, ConjBackward0; a number as it is)
    return conj(x) if isinstance(x, Tensor) else _conj_array(x)


provide("conj", _conj_array, _conj_recorded)
provide("real", _real_array, lambda x: _real(x) if x.is_complex() else x)
provide("imag", _imag_array, lambda x: _imag(x) if x.is_complex() else x * 0)
provide("is_complex", _is_complex_array, lambda x: isinstance(x, Tensor) and x.is_complex())
provide("view_as_real", _view_as_real_array, view_as_real)
provide("view_as_complex", _as_complex, view_as_complex)
provide("contiguous", np.ascontiguousarray, lambda x: x.contiguous())


# -- complex(real, imag) and polar(abs, angle) --------------------------------
# (Each formula names its input, unused, so that it is saved: PyTorch's
# handle_r_to_c reads it, and a later in-place change of it is caught.)
ComplexBackward0 = element_wise(grad_fn("ComplexBackward0",
                                        real=lambda xp, g, real: xp.real(g),
                                        imag=lambda xp, g, imag: xp.imag(g)))


def _polar_abs_grad(xp, g, result):
    return xp.real(xp.conj(g) * xp.sgn(result))


PolarBackward0 = element_wise(grad_fn(
    "PolarBackward0", abs=_polar_abs_grad,
    angle=lambda xp, g, result: xp.real(xp.conj(g) * (result * 1j))))


def _parts(name, a, b):
    """The two real operands of complex/polar, with PyTorch's checks."""
    tensor_arg(a, name, "real" if name == "complex" else "abs", 1)
    tensor_arg(b, name, "imag" if name == "complex" else "angle", 2)
    x, y = a._data, b._data
    if x.dtype.kind != "f" or y.dtype.kind != "f":
        raise RuntimeError("Expected both inputs to be Half, Float or Double tensors but got "
                           f"{D.SCALAR_NAMES[a.dtype]} and {D.SCALAR_NAMES[b.dtype]}")
    if x.dtype != y.dtype:
        raise RuntimeError(f"Expected object of scalar type {D.SCALAR_NAMES[a.dtype]} but got "
                           f"scalar type {D.SCALAR_NAMES[b.dtype]} for second argument")
    try:
        shape = np.broadcast_shapes(x.shape, y.shape)
    except ValueError:
        raise broadcast_error(x.shape, y.shape) from None
    return x, y, shape, a.dtype.to_complex()._np


def complex(real, imag):
    x, y, shape, dt = _parts("complex", real, imag)
    out = _L.iterated(_meta.empty_for(shape, dt, x, y), x, y)     # (TensorIterator's layout)
    out.real, out.imag = x, y
    return recorded(ComplexBackward0, out, (real, imag))


def polar(abs, angle):
    r, t, shape, dt = _parts("polar", abs, angle)
    out = _L.iterated(_meta.empty_for(shape, dt, r, t), r, t)
    out.real, out.imag = r * np.cos(t), r * np.sin(t)
    return recorded(PolarBackward0, out, (abs, angle))


_OUT = same_dtype("Expected object of scalar type {s} but got scalar type {os} for argument "
                  "'out'")
register(complex, method=False, quiet=False, node=ComplexBackward0, out=_OUT)
register(polar, method=False, quiet=False, node=PolarBackward0, out=_OUT)


# -- angle ---------------------------------------------------------------------
def _angle_grad(xp, g, self):
    """PyTorch's angle_backward: zero for a real input (its angle is 0 or pi,
    flat); i * g * z / |z|^2 for a complex one (zero at 0)."""
    if not xp.is_complex(self):
        return xp.zeros_like(g)
    return xp.where(self == 0, 0, g * self / (xp.abs(self) ** 2) * 1j)


AngleBackward0 = element_wise(grad_fn("AngleBackward0", self=_angle_grad))


def angle(input):
    x = tensor_arg(input, "angle")._data
    if x.dtype.kind == "c":
        return recorded(AngleBackward0, np.angle(x), (input,))
    if not D.is_float_np(x.dtype):
        x = x.astype(D._default[0]._np)
    # (NaN stays NaN: NumPy's where keeps x where the comparison fails)
    # (the zero in x's dtype: NumPy 1 finds no common type of bfloat16 and an int)
    data = np.where(x < 0, np.asanyarray(np.pi, x.dtype), np.where(x >= 0, x.dtype.type(0), x))
    return recorded(AngleBackward0, data, (input,))


register(angle, node=AngleBackward0)
