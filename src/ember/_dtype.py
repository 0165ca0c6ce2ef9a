"""Dtypes and PyTorch's type-promotion rules.

NumPy promotes differently (int64 + float32 -> float64, a 0-d array is not
"weak", int / int stays int under floor semantics), so the result dtype of a
mixed operation is computed here, by PyTorch's rules, and NumPy is told.
"""
import builtins

from . import _public_name
from ._backend import np

__all__ = ["dtype", "get_default_dtype", "set_default_dtype", "promote_types"]

try:    # bfloat16 is NumPy's only through the optional ml_dtypes package
    import ml_dtypes as _ml_dtypes
except ImportError:
    _ml_dtypes = None

_NO_BFLOAT16 = ("ember.bfloat16 needs the optional 'ml_dtypes' package (NumPy has no bfloat16): "
                "pip install ml_dtypes")

_NO_COMPLEX32 = ("ember.complex32 (chalf) cannot be held: NumPy has no complex type of two "
                 "float16 halves; use ember.complex64")

# Category order used by promotion: bool < integer < floating < complex.
_BOOL, _INT, _FLOAT, _COMPLEX = 0, 1, 2, 3


class dtype(metaclass=_public_name.PublicClass):
    __slots__ = ("name", "_np", "_category", "is_floating_point", "is_complex", "is_signed",
                 "itemsize")

    def __init__(self, name, np_dtype, category):
        self.name = name
        self._np = np.dtype(np_dtype)
        self._category = category
        self.is_floating_point = category == _FLOAT
        self.is_complex = category == _COMPLEX
        self.is_signed = category >= _FLOAT or self._np.kind == "i"
        self.itemsize = self._np.itemsize

    def __repr__(self):
        return f"{_public_name.name}.{self.name}"

    def __reduce__(self):
        return self.name

    def to_complex(self):
        """The complex dtype whose parts are this dtype (a complex one: itself)."""
        if self._category == _COMPLEX:
            return self
        if self._category != _FLOAT:
            raise RuntimeError(f"Unknown Complex ScalarType for {SCALAR_NAMES[self]}")
        return _TO_COMPLEX[self]

    def to_real(self):
        """The dtype of the real and imaginary parts (any other dtype: itself)."""
        return _TO_REAL.get(self, self)


dtype.__module__ = "ember"


class _MissingDtype(dtype):
    """A dtype NumPy cannot hold without an optional package: it exists and
    prints, but making a tensor of it says what to install."""
    __slots__ = ()

    def __init__(self, name, itemsize, category):
        self.name = name
        self._category = category
        self.is_floating_point = category == _FLOAT
        self.is_complex = category == _COMPLEX
        self.is_signed = True
        self.itemsize = itemsize

    @property
    def _np(self):
        raise RuntimeError(_NO_COMPLEX32 if self.is_complex else _NO_BFLOAT16)


_MissingDtype.__module__, _MissingDtype.__name__, _MissingDtype.__qualname__ = (
    "ember", "dtype", "dtype")


float32 = dtype("float32", np.float32, _FLOAT)
float64 = dtype("float64", np.float64, _FLOAT)
float16 = dtype("float16", np.float16, _FLOAT)
int64 = dtype("int64", np.int64, _INT)
int32 = dtype("int32", np.int32, _INT)
int16 = dtype("int16", np.int16, _INT)
int8 = dtype("int8", np.int8, _INT)
uint8 = dtype("uint8", np.uint8, _INT)
bool_ = dtype("bool", np.bool_, _BOOL)
bfloat16 = (dtype("bfloat16", _ml_dtypes.bfloat16, _FLOAT) if _ml_dtypes is not None
            else _MissingDtype("bfloat16", 2, _FLOAT))
complex64 = dtype("complex64", np.complex64, _COMPLEX)
complex128 = dtype("complex128", np.complex128, _COMPLEX)
complex32 = _MissingDtype("complex32", 4, _COMPLEX)

# PyTorch's aliases.
float = float32
double = float64
half = float16
long = int64
int = int32
short = int16
cfloat = complex64
cdouble = complex128
chalf = complex32

ALL = (float32, float64, float16, int64, int32, int16, int8, uint8, bool_)
COMPLEX = (complex64, complex128)
# bfloat16 is left out of ALL (it needs ml_dtypes); _HELD, what tensors and
# checkpoints may hold, has it where ml_dtypes is installed.
_HELD = ALL + COMPLEX + ((bfloat16,) if _ml_dtypes is not None else ())
_BF16_NP = bfloat16._np if _ml_dtypes is not None else None
# float16 and bfloat16, which PyTorch's CPU kernels compute in float32 (opmath)
HALF_NP = frozenset(d for d in (np.dtype(np.float16), _BF16_NP) if d is not None)

# How PyTorch's messages name each dtype: its scalar-type name ("Float") and
# its C++ type ("float").
SCALAR_NAMES = {float32: "Float", float64: "Double", float16: "Half", int64: "Long",
                int32: "Int", int16: "Short", int8: "Char", uint8: "Byte", bool_: "Bool",
                bfloat16: "BFloat16", complex64: "ComplexFloat", complex128: "ComplexDouble",
                complex32: "ComplexHalf"}
C_NAMES = {float32: "float", float64: "double", float16: "c10::Half", int64: "long int",
           int32: "int", int16: "short int", int8: "signed char", uint8: "unsigned char",
           bool_: "bool", bfloat16: "c10::BFloat16", complex64: "c10::complex<float>",
           complex128: "c10::complex<double>", complex32: "c10::complex<c10::Half>"}
# (bfloat16 has float32's range: c10 maps it to complex64)
_TO_COMPLEX = {float32: complex64, float64: complex128, float16: complex32,
               bfloat16: complex64}
_TO_REAL = {complex64: float32, complex128: float64, complex32: float16}
# The legacy tensor type of each dtype (Tensor.type(), torch.FloatTensor, ...).
LEGACY_TENSOR_NAMES = {
    float32: "FloatTensor", float64: "DoubleTensor", float16: "HalfTensor",
    int64: "LongTensor", int32: "IntTensor", int16: "ShortTensor", int8: "CharTensor",
    uint8: "ByteTensor", bool_: "BoolTensor", bfloat16: "BFloat16Tensor",
    complex64: "ComplexFloatTensor", complex128: "ComplexDoubleTensor",
}


def legacy_tensor_name(d):
    """Tensor.type()'s name for dtype `d`: ember.FloatTensor (torch.FloatTensor
    under use_as_torch)."""
    return f"{_public_name.name}.{LEGACY_TENSOR_NAMES[d]}"


# Tensor::toString() is "CPU<Scalar>Type"; PyTorch's Python error translation
# (torch/csrc/Exceptions.cpp) shows these types' legacy classes instead.
_ERROR_LEGACY = {float32, float64, float16, int64, int32, int16, int8, uint8}


def error_type_name(d):
    """A tensor of dtype `d` as PyTorch's error messages name its type."""
    return legacy_tensor_name(d) if d in _ERROR_LEGACY else f"CPU{SCALAR_NAMES[d]}Type"
_BY_NP = {d._np: d for d in _HELD}
_BY_NP_TYPE = {d._np.type: d for d in _HELD}

_default = [float32]


def get_default_dtype():
    return _default[0]


def set_default_dtype(d):
    if not isinstance(d, dtype):
        raise TypeError(
            "invalid dtype object: only floating-point types are supported as the default type")
    if d not in (float32, float64, float16, bfloat16):
        raise TypeError("only floating-point types are supported as the default type")
    _default[0] = d


def is_float_np(np_dtype):
    """Is this NumPy dtype floating point? (bfloat16's kind is "V", not "f".)"""
    return np_dtype.kind == "f" or np_dtype == _BF16_NP


def default_complex():
    """The dtype of a complex Python number: the default dtype made complex."""
    return _TO_COMPLEX[_default[0]]


def can_require_grad(np_dtype):
    return np_dtype.kind in "fc" or np_dtype == _BF16_NP


def from_numpy_dtype(np_dtype):
    """The ember dtype for a NumPy dtype; TypeError like PyTorch for the rest."""
    try:
        return _BY_NP[np_dtype]
    except (KeyError, TypeError):
        pass
    np_dtype = np.dtype(np_dtype)
    try:
        return _BY_NP[np_dtype]
    except KeyError:
        if np_dtype.kind == "u":
            # PyTorch has them, with few ops (most raise NotImplementedError): Ember not yet
            raise TypeError(f"can't convert np.ndarray of type numpy.{np_dtype.type.__name__}: "
                            f"Ember has no {np_dtype.name} dtype yet (PyTorch's supports few "
                            "ops); convert it to int64 first") from None
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np_dtype.type.__name__}. The only "
            "supported types are: float64, float32, float16, complex64, complex128, int64, "
            "int32, int16, int8, uint64, uint32, uint16, uint8, and bool.") from None


def promote_types(a, b):
    """torch.promote_types: the smallest dtype both a and b convert to safely."""
    if a is b:
        return a
    if a._category == _COMPLEX or b._category == _COMPLEX:
        # Complex outranks the rest, but its parts widen to a wider float
        # (complex64 with float64 is complex128).
        if a._category < _FLOAT or b._category < _FLOAT:
            return a if a._category == _COMPLEX else b
        return promote_types(a.to_real(), b.to_real()).to_complex()
    if a._category != b._category:
        return a if a._category > b._category else b
    if a is bfloat16 or b is bfloat16:
        other = b if a is bfloat16 else a
        return float32 if other is float16 else other   # neither half holds the other
    return _BY_NP[np.promote_types(a._np, b._np)]


def scalar_dtype(value):
    """The dtype PyTorch gives a Python number standing alone."""
    if isinstance(value, (bool, np.bool_)):
        return bool_
    if isinstance(value, (builtins.int, np.integer)):
        return int64
    if isinstance(value, (builtins.complex, np.complexfloating)):
        return default_complex()
    return _default[0]


def with_scalar(dt, value):
    """The dtype of a tensor of dtype `dt` combined with the Python number
    `value`: the tensor's, unless the number's category is higher (a float
    tensor keeps its width beside a complex number: float64 -> complex128)."""
    category = category_of_scalar(value)
    if dt._category >= category:
        return dt
    if category == _COMPLEX and dt._category == _FLOAT:
        return dt.to_complex()
    return scalar_dtype(value)


def check_int_scalar(b):
    """PyTorch's refusal of a Python int that is neither an int64 nor a
    uint64 (those between wrap into the tensor's dtype)."""
    if b < -9223372036854775808:
        raise OverflowError("can't convert negative int to unsigned")
    if b > 18446744073709551615:
        raise OverflowError("int too big to convert")


def category_of_scalar(value):
    if isinstance(value, (bool, np.bool_)):
        return _BOOL
    if isinstance(value, (builtins.int, np.integer)):
        return _INT
    if isinstance(value, (builtins.complex, np.complexfloating)):
        return _COMPLEX
    return _FLOAT
