"""Dtypes and PyTorch's type-promotion rules.

NumPy promotes differently (int64 + float32 -> float64, a 0-d array is not
"weak", int / int stays int under floor semantics), so the result dtype of a
mixed operation is computed here, by PyTorch's rules, and NumPy is told.
"""
import builtins
import importlib.util
import threading

from . import _public_name
from ._backend import HALF_TARGETS, np

__all__ = ["dtype", "get_default_dtype", "set_default_dtype", "promote_types"]

# bfloat16 is NumPy's only through the optional ml_dtypes package, imported
# when bfloat16 is first used (load_bfloat16): ml_dtypes 0.7 takes half a
# second to import (0.6 took 5 ms), more than the rest of Ember does.
try:
    _HAVE_ML_DTYPES = importlib.util.find_spec("ml_dtypes") is not None
except ValueError:      # (sys.modules["ml_dtypes"] set to None: an import blocked)
    _HAVE_ML_DTYPES = False
_ml_dtypes = None       # the module, once imported

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


class _LaterDtype(_MissingDtype):
    """bfloat16 before ml_dtypes is imported: its NumPy dtype, `_np`, is
    looked up the first time it is read (then it is a plain slot)."""
    __slots__ = ()
    _np = dtype._np         # (the slot, unset until load_bfloat16 fills it)

    def __getattr__(self, name):
        if name != "_np":
            raise AttributeError(name)
        load_bfloat16()
        return self._np


_LaterDtype.__module__, _LaterDtype.__name__, _LaterDtype.__qualname__ = (
    "ember", "dtype", "dtype")


_MissingDtype.__module__, _MissingDtype.__name__, _MissingDtype.__qualname__ = (
    "ember", "dtype", "dtype")


class _UIntDtype(dtype):
    """uint16, uint32, uint64: PyTorch's "limited support" dtypes. Their NumPy
    dtype, `_np`, is set the first time it is read (load_uints), which also
    puts the check of which ops they may take in place (_uint_ops.py), so
    that no op pays for it before such a tensor exists."""
    __slots__ = ()
    _np = dtype._np         # (the slot, unset until load_uints fills it)

    def __init__(self, name, itemsize):
        self.name = name
        self._category = _INT
        self.is_floating_point = self.is_complex = self.is_signed = False
        self.itemsize = itemsize

    def __getattr__(self, name):
        if name != "_np":
            raise AttributeError(name)
        load_uints(self)
        return self._np


_UIntDtype.__module__, _UIntDtype.__name__, _UIntDtype.__qualname__ = ("ember", "dtype", "dtype")


float32 = dtype("float32", np.float32, _FLOAT)
float64 = dtype("float64", np.float64, _FLOAT)
float16 = dtype("float16", np.float16, _FLOAT)
int64 = dtype("int64", np.int64, _INT)
int32 = dtype("int32", np.int32, _INT)
int16 = dtype("int16", np.int16, _INT)
int8 = dtype("int8", np.int8, _INT)
uint8 = dtype("uint8", np.uint8, _INT)
bool_ = dtype("bool", np.bool_, _BOOL)
bfloat16 = (_LaterDtype if _HAVE_ML_DTYPES else _MissingDtype)("bfloat16", 2, _FLOAT)
complex64 = dtype("complex64", np.complex64, _COMPLEX)
complex128 = dtype("complex128", np.complex128, _COMPLEX)
complex32 = _MissingDtype("complex32", 4, _COMPLEX)
uint16 = _UIntDtype("uint16", 2)
uint32 = _UIntDtype("uint32", 4)
uint64 = _UIntDtype("uint64", 8)
UINTS = (uint16, uint32, uint64)

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
_HELD = ALL + COMPLEX + ((bfloat16,) if _HAVE_ML_DTYPES else ())
# NumPy's bfloat16 (ml_dtypes'), once load_bfloat16 ran; until then a NumPy
# dtype that no array of Ember's has, two raw bytes (as cheap to compare with
# as a number type; a structured one costs a third more). Not None: NumPy
# reads None as float64, so `x.dtype == None` holds for every float64 array
# (without ml_dtypes, float64 tensors were sorted as float32 that way).
_BF16_NP = np.dtype("V2")
# float16 and bfloat16, which PyTorch's CPU kernels compute in float32
# (opmath): a set that load_bfloat16 adds bfloat16 to, in place, so that the
# modules holding it see it
HALF_NP = HALF_TARGETS     # (one set: cast() rounds doubles to these through float32)

# How PyTorch's messages name each dtype: its scalar-type name ("Float") and
# its C++ type ("float").
SCALAR_NAMES = {float32: "Float", float64: "Double", float16: "Half", int64: "Long",
                int32: "Int", int16: "Short", int8: "Char", uint8: "Byte", bool_: "Bool",
                bfloat16: "BFloat16", complex64: "ComplexFloat", complex128: "ComplexDouble",
                complex32: "ComplexHalf", uint16: "UInt16", uint32: "UInt32", uint64: "UInt64"}
C_NAMES = {float32: "float", float64: "double", float16: "c10::Half", int64: "long int",
           int32: "int", int16: "short int", int8: "signed char", uint8: "unsigned char",
           bool_: "bool", bfloat16: "c10::BFloat16", complex64: "c10::complex<float>",
           complex128: "c10::complex<double>", complex32: "c10::complex<c10::Half>",
           uint16: "short unsigned int", uint32: "unsigned int", uint64: "long unsigned int"}
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
    uint16: "UInt16Tensor", uint32: "UInt32Tensor", uint64: "UInt64Tensor",
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
_BY_NP = {d._np: d for d in ALL + COMPLEX}
_BY_NP_TYPE = {d._np.type: d for d in ALL + COMPLEX}

# What to do once bfloat16 has its NumPy dtype (on_bfloat16)
_ON_BFLOAT16 = []
_LOADING = threading.Lock()


def on_bfloat16(hook):
    """Call hook(np_bfloat16) when bfloat16 gets its NumPy dtype (now, if it
    has it): for tables keyed by NumPy dtypes, made at import."""
    with _LOADING:
        if _ml_dtypes is None:
            _ON_BFLOAT16.append(hook)
            return
    hook(_BF16_NP)


def load_bfloat16():
    """Import ml_dtypes and give bfloat16 its NumPy dtype, everywhere it is
    looked up; nothing if it has it. RuntimeError naming the package if it
    is not installed."""
    global _ml_dtypes, _BF16_NP
    if _ml_dtypes is not None:
        return
    if not _HAVE_ML_DTYPES:
        raise RuntimeError(_NO_BFLOAT16)
    with _LOADING:
        if _ml_dtypes is not None:
            return
        import ml_dtypes
        np_bf16 = np.dtype(ml_dtypes.bfloat16)
        bfloat16._np = np_bf16
        HALF_NP.add(np_bf16)
        _BY_NP[np_bf16] = bfloat16
        _BY_NP_TYPE[np_bf16.type] = bfloat16
        for hook in _ON_BFLOAT16:
            hook(np_bf16)
        _ON_BFLOAT16.clear()
        _ml_dtypes, _BF16_NP = ml_dtypes, np_bf16


def load_uints(asked=None):
    """Give uint16, uint32 and uint64 their NumPy dtypes (once), and put in
    place the check of the ops they may take (_uint_ops.install); the op that
    asked for dtype `asked` is checked too (_uint_ops.check_caller)."""
    if "_np" in _LOADED_UINTS:
        return
    with _LOADING:
        if "_np" in _LOADED_UINTS:
            return
        for d in UINTS:
            d._np = np.dtype(d.name)
            _BY_NP[d._np] = d
            _BY_NP_TYPE[d._np.type] = d
        _LOADED_UINTS.add("_np")
    from . import _uint_ops
    _uint_ops.install()
    if asked is not None:
        _uint_ops.check_caller(asked)


_LOADED_UINTS = set()


def unload_uints():
    """Undo load_uints (_uint_ops.uninstall; for tests)."""
    with _LOADING:
        for d in UINTS:
            if "_np" in _LOADED_UINTS:
                _BY_NP.pop(d._np, None)
                _BY_NP_TYPE.pop(d._np.type, None)
                del d._np
        _LOADED_UINTS.clear()


def half_np(name):
    """The half types of HALF_NP named `name` ("float16", "bfloat16"): a set
    that gets bfloat16 when it loads."""
    found = {d for d in HALF_NP if d.name == name}
    if name == "bfloat16":
        on_bfloat16(found.add)
    return found

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
        if np_dtype.name == "bfloat16" and _ml_dtypes is None and _HAVE_ML_DTYPES:
            load_bfloat16()     # (an array of ml_dtypes' bfloat16, made by the caller)
            return from_numpy_dtype(np_dtype)
        if np_dtype.kind == "u" and not _LOADED_UINTS:
            load_uints()    # (an array of uint16/32/64, made by the caller)
            return from_numpy_dtype(np_dtype)
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np_dtype.type.__name__}. The only "
            "supported types are: float64, float32, float16, complex64, complex128, int64, "
            "int32, int16, int8, uint64, uint32, uint16, uint8, and bool.") from None


def promote_types(a, b):
    """torch.promote_types: the smallest dtype both a and b convert to safely."""
    if a is b:
        return a
    if (a._category == _COMPLEX or b._category == _COMPLEX) and (
            a.__class__ is _UIntDtype or b.__class__ is _UIntDtype):
        raise RuntimeError("Promotion for uint16, uint32, uint64 types is not supported, "
                           f"attempted to promote {SCALAR_NAMES[a]} and {SCALAR_NAMES[b]}")
    if a._category == _COMPLEX or b._category == _COMPLEX:
        # Complex outranks the rest, but its parts widen to a wider float
        # (complex64 with float64 is complex128).
        if a._category < _FLOAT or b._category < _FLOAT:
            return a if a._category == _COMPLEX else b
        return promote_types(a.to_real(), b.to_real()).to_complex()
    if a._category != b._category and (a._category >= _FLOAT or b._category >= _FLOAT):
        return a if a._category > b._category else b
    if a.__class__ is _UIntDtype or b.__class__ is _UIntDtype:
        raise RuntimeError("Promotion for uint16, uint32, uint64 types is not supported, "
                           f"attempted to promote {SCALAR_NAMES[a]} and {SCALAR_NAMES[b]}")
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
