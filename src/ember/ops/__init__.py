"""The op catalogue: every op's forward and derivative, one place each.

    pointwise.py    neg exp log sin ... add sub mul div (pointwise_power.py: pow), comparisons
    conditional.py  where clamp maximum minimum (conditional_fill.py: masked_fill)
    reduction.py    sum mean prod max min amax amin argmax argmin (reduction_moments.py: var std)
    linalg.py       mm addmm bmm mv dot outer matmul (_linear.py: linear, its TBackward0 deferred)
    shape.py        view reshape flatten squeeze unsqueeze expand t transpose
                    permute contiguous clone cat stack narrow select ...
    splitting.py    unbind split chunk (nodes with several outputs)
    sorting.py      sort topk kthvalue median unique searchsorted cumprod ...
    rearrange.py    tril triu diag roll tile movedim *stack tensor_split ...
    scatter.py      scatter scatter_add scatter_reduce index_add take put ...
    products.py     einsum tensordot kron cross baddbmm addmv ...
    elementwise.py  atan2 hypot lerp addcmul logaddexp xlogy nan_to_num ...
    special_functions.py  erf lgamma digamma polygamma i0 ... (torch.special)
    linalg_*.py     inv det solve cholesky qr svd eigh norms ... (torch.linalg)
    spectral*.py    the FFT kernels, torch.fft, stft istft
    indexing.py     t[key], t[key] = value
    inplace.py      add_ mul_ ... zero_ fill_ copy_
    _xp.py          the two namespaces (NumPy / Ember) the formulas run on

This module also gives Tensor its math methods and operators.
"""
from .._python_data import _tname
from ._common import tensor_arg
from . import _xp, comparison, conditional, indexing, inplace, linalg, pointwise, reduction, shape
from . import reduction_moments  # noqa: F401 (var, std: declared after the other reductions)
from .comparison import *  # noqa: F401,F403
from .conditional import *  # noqa: F401,F403
from .indexing import getitem
from .indexing_assign import setitem
from ._linear import linear
from .elementwise_unary import positive as _positive
from .pointwise import *  # noqa: F401,F403
from .shape import *  # noqa: F401,F403
from . import selection, splitting as _split
from .selection import *  # noqa: F401,F403
import builtins as _builtins

from .._settings import warn_once
from .._tensor import Tensor
from ._registry import REGISTRY
from . import _autocast, _common, _keywords, _missing, _operand_refusal, _parser_types, _size_args
# Op families declared entirely in the registry: importing them is all it
# takes for their functions, methods, in-place variants and aliases to exist.
from . import (sorting, rearrange, scatter, scatter_views,  # noqa: F401
               products, elementwise, activation,
               special_functions, linalg_solvers, linalg_decompositions,
               convolution, pooling, sampling, normalization, loss, embedding, recurrent,
               attention, complex_parts, spectral_fft, spectral_freq, spectral_stft,
               namespace_extras, normalization_native, sorting_histogramdd,
               reduction_gradient, hashing)
from .._backend import np as _np
from .. import _dtype as _D

# (the registry's ops are added below, from their declarations)
__all__ = list(pointwise.__all__ + comparison.__all__ + conditional.__all__ + shape.__all__
               + _split.__all__ + selection.__all__)

NUMPY = _xp.NUMPY
TENSOR = _xp._tensor_namespace()
_xp._INDEX_NODES.update(_xp._make_index_nodes())

_P, _S, _R, _L, _C, _Q = pointwise, shape, reduction, linalg, conditional, comparison


def _unpacked(method, param):
    """`method` (whose one argument `param` is a list of ints) also taking the
    ints unpacked, as PyTorch's methods do: `x.flip(0, 1)`, `x.tile(2, 2)`;
    "*dims", a single int too (`x.tile(2)`, which torch.tile refuses)."""
    one = param.startswith("*")
    param = param.lstrip("*")

    def unpacked(self, *args, **kwargs):
        # (unpacked only from an int first: the parser's index check, no bool)
        if args and args[0].__class__ is not bool and not isinstance(args[0], _np.bool_) \
                and hasattr(args[0], "__index__") and (len(args) > 1 or one):
            for i, a in enumerate(args):
                if not hasattr(a, "__index__"):
                    raise TypeError(
                        f"{method.__name__}(): argument '{param}' failed to unpack the "
                        f"object at pos {i + 1} with error \"type must be tuple of ints,"
                        f"but got {_tname(a)}\"")
            args = (args,)
        elif len(args) > 1:     # (its one parameter, as the parser counts without self)
            raise _parser_types.too_many_positional(method.__name__, args, kwargs)
        try:
            return method(self, *args, **kwargs)
        except TypeError as e:
            # (an int parameter refused deep inside, worded from the op's
            # frame as if given in place: the parser's words for the call as made)
            if kwargs and hasattr(e, "int_value"):
                _parser_types.refuse_types(method.__name__, True, (self,) + args, kwargs)
            raise
    unpacked.__name__ = unpacked.__qualname__ = method.__name__
    unpacked.__doc__ = method.__doc__
    unpacked.__wrapped__ = method
    return unpacked


# The registry's ops: function, method, in-place variant and aliases, each
# made from the op's one declaration.
# (Ops of torch.linalg, torch.special, ... are gathered by those packages.)
for _info in REGISTRY.values():
    for _name in (_info.name,) + _info.aliases:
        if _info.namespace == "torch":
            globals()[_name] = _keywords.under_name(_info.public, _name)
            if _name not in __all__:
                __all__.append(_name)
        if _info.method:
            # (an alias of a wrapped op gets a wrapper naming it in errors; a
            # plain op, a hot one, is the same function under both names)
            _method = _keywords.under_name(_info.function, _name) \
                if hasattr(_info.function, "_under_name") else _info.function
            setattr(Tensor, _name, _method if _info.method is True
                    else _unpacked(_method, _info.method))
        if _info.inplace:
            # (a declaration may give its own in-place variant, with its own checks)
            _variant = _info.inplace if callable(_info.inplace) else inplace.make_inplace(
                _autocast.without(_info.function) if _info.name in _autocast.LISTED
                else _info.function, _name + "_")
            if _info.method not in (True, False):
                _variant = _unpacked(_variant, _info.method)
            setattr(Tensor, _name + "_", _variant)
            if _info.inplace_function is True or _name in (_info.inplace_function or ()):
                # (a given variant may carry its function form: torch.op_(t, ...))
                globals()[_name + "_"] = getattr(_variant, "function_form", _variant) \
                    if callable(_info.inplace) else \
                    inplace.make_inplace(_autocast.without(_info.function)
                                         if _info.name in _autocast.LISTED else _info.function,
                                         _name + "_", function_form=True)
                __all__.append(_name + "_")

Tensor.zero_ = inplace.zero_
Tensor.fill_ = inplace.fill_
Tensor.copy_ = inplace.copy_


_PYTHON_NUMBERS = (_builtins.float, _builtins.complex, _builtins.int)


def _reflect(fn, arrays=False):
    """`number <op> tensor`: NotImplemented for another left operand (a NumPy
    array, unless `arrays`), as PyTorch's reflected operators give."""
    kinds = (int, float, _builtins.complex, bool, _np.number, _np.bool_) + (
        (_np.ndarray,) if arrays else ())

    def reflected(self, other):
        if not isinstance(other, kinds):
            return NotImplemented
        if isinstance(other, _np.generic) and not isinstance(other, _PYTHON_NUMBERS):
            # PyTorch's parser reads a NumPy scalar as a Python int (an integer)
            # or float (all else: bool_ and complex64 too, its imaginary part lost)
            other = (_builtins.int(other) if isinstance(other, _np.integer)
                     else _builtins.float(other))
        return fn(self, other)
    return reflected


def _matmul_operator(self, other):
    """`tensor @ other`: with a NumPy array, NumPy's matmul of the tensor's
    array, as a tensor (PyTorch's operator leaves it to NumPy, whose result
    its __array_wrap__ makes a tensor; a tensor that requires grad refuses)."""
    if isinstance(other, Tensor):
        return _L.matmul(self, other)
    if isinstance(other, _np.ndarray):
        return self.__array_wrap__(_np.asarray(_np.matmul(self.__array__(), other)))
    return NotImplemented


# The binary ops return NotImplemented for operands that are not numbers or
# tensors, so Python's own TypeError is raised, as for PyTorch; a NumPy array
# on the right is then NumPy's to compute, one on the left is refused (except
# while Ember's formulas run: see grad_mode._State.formulas).
Tensor.__add__ = Tensor.__radd__ = _P.add
Tensor.__sub__ = _P.sub
Tensor.__rsub__ = _P.rsub
Tensor.__mul__ = Tensor.__rmul__ = _P.mul
Tensor.__truediv__ = _P.div
# (PyTorch's __rtruediv__ is reciprocal() * other: an array on the left works)
Tensor.__rtruediv__ = _reflect(lambda self, other: _P.reciprocal(self) * other, arrays=True)
Tensor.__floordiv__ = _P.floor_divide
Tensor.__rfloordiv__ = _reflect(lambda self, other: _P.floor_divide(
    _P._tensor_operand(other, "floor_divide", 1, self), self))
Tensor.__mod__ = _P.remainder
Tensor.__rmod__ = _reflect(lambda self, other: _P.remainder(other, self))
Tensor.__pow__ = _P.pow
Tensor.__rpow__ = _reflect(lambda self, other: _P.pow(other, self))
Tensor.__matmul__ = _matmul_operator
Tensor.__rmatmul__ = lambda self, other: (_L.matmul(other, self) if isinstance(other, Tensor)
                                           else NotImplemented)
Tensor.__neg__ = _P.neg
Tensor.__pos__ = _positive      # (itself; a bool tensor refuses)
Tensor.__abs__ = _P.abs


def _invert(self):
    kind = self._data.dtype.kind
    if kind == "b":
        return _Q.logical_not(self)
    if kind not in "iu":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type "
                        "tensors")
    return _Q.bitwise_not(self)


Tensor.__invert__ = _invert
Tensor.__and__ = Tensor.__rand__ = _Q.bitwise_and
Tensor.__or__ = Tensor.__ror__ = _Q.bitwise_or
Tensor.__xor__ = Tensor.__rxor__ = _Q.bitwise_xor


def _equals(self, other):
    """`tensor == array`: PyTorch's == takes a NumPy array as a tensor (its
    named eq refuses one; every other operator leaves the array to NumPy)."""
    if isinstance(other, _np.ndarray):
        try:
            _D.from_numpy_dtype(other.dtype)
        except TypeError:       # (an array of strings or objects: Python's identity test)
            return NotImplemented
        other = Tensor._wrap(other)
    return _Q.eq(self, other)


Tensor.__eq__ = _equals


def _ordering(fn):
    """<, <=, >, >= and != refuse a NumPy array (NotImplemented: Python's
    TypeError, and for != its identity test, True), as PyTorch's operators
    do; == takes one."""
    def compare(self, other):
        return NotImplemented if isinstance(other, _np.ndarray) else fn(self, other)
    compare.__name__ = fn.__name__
    return compare


Tensor.__ne__ = _ordering(_Q.ne)
Tensor.__lt__ = _ordering(_Q.lt)
Tensor.__le__ = _ordering(_Q.le)
Tensor.__gt__ = _ordering(_Q.gt)
Tensor.__ge__ = _ordering(_Q.ge)
Tensor.__iadd__ = Tensor.add_
Tensor.__isub__ = Tensor.sub_
Tensor.__imul__ = Tensor.mul_
Tensor.__itruediv__ = Tensor.div_
Tensor.__ipow__ = Tensor.pow_
Tensor.__ifloordiv__ = Tensor.floor_divide_
Tensor.__imod__ = Tensor.remainder_
Tensor.__iand__ = Tensor.bitwise_and_
Tensor.__ior__ = Tensor.bitwise_or_
Tensor.__ixor__ = Tensor.bitwise_xor_
# (the operators above keep NotImplemented; the named forms raise PyTorch's error)
for _name in _operand_refusal.OPERATOR_OPS:
    for _method in (_name, _name + "_"):
        if _method in Tensor.__dict__:
            setattr(Tensor, _method, _operand_refusal.refusing(getattr(Tensor, _method), _method,
                                                                False))
    if _name in globals():
        globals()[_name] = _operand_refusal.refusing(globals()[_name], _name, True)
for _name in _operand_refusal.TENSOR_PARAMETERS:
    for _method in (_name, _name + "_"):
        if _method in Tensor.__dict__ and _name not in _operand_refusal.CHECKED_INSIDE:
            setattr(Tensor, _method, _operand_refusal.checking(getattr(Tensor, _method), _method,
                                                                False))
    globals()[_name] = _operand_refusal.checking(globals()[_name], _name, True)
# (forms without a wrapper of their own: an argument of the wrong type gets
# the parser's words; the function forms taking out= have out='s wrapper)
for _name in ("clamp", "clamp_", "clip", "clip_", "clamp_min", "clamp_min_", "clamp_max",
              "clamp_max_", "fill_", "float_power_"):
    setattr(Tensor, _name, _parser_types.typed(getattr(Tensor, _name), _name, True))
for _name in ("clamp_", "clip_", "clamp_min_", "clamp_max_", "fill", "fill_"):
    globals()[_name] = _parser_types.typed(globals()[_name], _name, False)
Tensor.masked_fill = _operand_refusal.masked_fill_checking(Tensor.masked_fill, "masked_fill", False)
Tensor.masked_fill_ = _operand_refusal.masked_fill_checking(Tensor.masked_fill_, "masked_fill_",
                                                            False)
masked_fill = _operand_refusal.masked_fill_checking(masked_fill, "masked_fill", True)
index_put = _operand_refusal.index_put_checking(index_put, "index_put")
index_put_ = _operand_refusal.index_put_checking(index_put_, "index_put_")
true_divide = _operand_refusal.no_rounding_mode(true_divide, "true_divide", True)
for _method in ("true_divide", "true_divide_"):
    setattr(Tensor, _method, _operand_refusal.no_rounding_mode(getattr(Tensor, _method), _method,
                                                               False))
reshape = _size_args.function_form(reshape, "reshape")
permute = _size_args.function_form(permute, "permute")


_split_op = Tensor.split


def _split_method(self, split_size, dim=0):
    return _split_op(self, split_size, dim)


Tensor.split = _operand_refusal.stand_in(_split_method, _split_op, "split")
Tensor.__getitem__ = getitem
Tensor.__setitem__ = setitem
Tensor.__hash__ = lambda self: id(self)


def _where_method(self, condition=conditional._MISSING, other=conditional._MISSING):
    if condition is conditional._MISSING:    # (x.where(): the parser lists its overloads)
        _missing.refuse("where", (self, condition))
    if other is conditional._MISSING:
        raise TypeError("where() received an invalid combination of arguments - got (Tensor), "
                        "but expected one of:\n * (Tensor condition, Tensor other)\n"
                        " * (Tensor condition, Number other)\n")
    return conditional.where(condition, self, other)


Tensor.where = _where_method
Tensor.view_as = lambda self, other: _S.view(
    self, _common.tensor_arg(other, "view_as", "other")._data.shape)


def _type_as(self, other):
    _common.tensor_arg(other, "type_as", "other")
    # (to other's device too: a CPU tensor's type_as(meta) is meta, and the reverse fails)
    return (self.to(other.dtype) if self.is_meta == other.is_meta
            else self.to(other.device, other.dtype))


Tensor.type_as = _type_as


def _sum_to_size(self, *size):
    from .reduction import sum as _sum
    size = _S._shape_arg(size)
    dims = _xp.sum_to_axes(self._data.shape, size)
    out = _sum(self, dims, keepdim=True) if dims else self
    return _S.view(out, size) if len(size) < self._data.ndim else out


Tensor.sum_to_size = _sum_to_size
Tensor.reshape_as = lambda self, other: _S.reshape(
    self, tensor_arg(other, "reshape_as", "other")._data.shape)


def _reversed_dims(self):
    # (`range` here is the builtin: this module's namespace holds torch.range)
    n = self._data.ndim
    if n == 0:
        warn_once("Tensor.T is deprecated on 0-D tensors. This function is the identity in these "
                  "cases.", cpp="aten/src/ATen/native/TensorShape.cpp:4321")
    elif n != 2:
        warn_once("The use of `x.T` on tensors of dimension other than 2 to reverse their shape "
                  "is deprecated and it will throw an error in a future release. Consider `x.mT` "
                  "to transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, "
                  "-1))` to reverse the dimensions of a tensor.",
                  cpp="aten/src/ATen/native/TensorShape.cpp:4314")
    return _S.permute(self, tuple(_builtins.range(n - 1, -1, -1)))


Tensor.T = property(_reversed_dims)
Tensor.mT = property(namespace_extras.matrix_transpose)
# the conjugate transposes (of a real tensor: the transposes); Tensor.adjoint
# is the op of namespace_extras.py
Tensor.mH = property(lambda self: namespace_extras.conj_transpose(self, "mH"))
Tensor.H = property(namespace_extras.hermitian)

# NumPy's keyword names (axis=, keepdims=, x2=) on the forms whose wrappers do
# not take them already, wrapped last: around every other wrapper. Not on the
# hot methods that are the op's plain function (a wrapper's frame is ~10% of
# x.maximum(y); x.maximum(x2=y) is rare): tests/test_copies.py holds them plain.
for _name in ("maximum", "minimum", "gather"):
    Tensor.__dict__[_name]._renames = None
for _info in REGISTRY.values():
    for _name in (_info.name,) + _info.aliases:
        if _info.namespace == "torch" and _name in globals():
            globals()[_name] = _keywords.numpy_names(globals()[_name], _name, False)
        if _info.method and _name in Tensor.__dict__:
            setattr(Tensor, _name, _keywords.numpy_names(Tensor.__dict__[_name], _name, True))


def __getattr__(name):
    # This package is also what `torch.ops` names under ember.run: its
    # operator namespaces (torch.ops.aten.add.Tensor, torch.ops.mylib.crop).
    from .._op_namespaces import namespace
    return namespace(name)
