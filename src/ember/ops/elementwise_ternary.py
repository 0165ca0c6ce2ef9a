"""Ops of three tensors: lerp, addcmul, addcdiv."""
from .._layout import iterated
from .._fma import _fma32
from ._common import (D, Tensor, broadcast_error_among, checked_scalar, np, number_arg, recorded,
                      tensor_arg)
from ._out import same_dtype
from ._registry import grad_fn, register
from .elementwise_binary import not_implemented

__all__ = ["lerp", "addcmul", "addcdiv"]


def _combine(higher, lower):
    # c10's combine_categories: a higher category wins outright unless the
    # lower one is floating (or the higher is bool).
    if higher is None:
        return lower
    if lower is None or higher._category >= D._FLOAT and not lower.is_complex:
        return higher
    if lower.is_complex and not higher.is_complex:
        return higher.to_complex() if higher.is_floating_point else lower
    if higher.is_complex:
        return higher
    if higher is D.bool_ or lower._category == D._FLOAT:
        return D.promote_types(higher, lower)
    return higher


def result_type(*tensors):
    """PyTorch's result type of several tensors: dimensioned tensors outrank
    0-d ones within a category."""
    dims = zero = None
    for t in tensors:
        dt = t.dtype
        if t._data.ndim:
            dims = dt if dims is None else D.promote_types(dims, dt)
        else:
            zero = dt if zero is None else D.promote_types(zero, dt)
    return _combine(dims, zero)


def _computed(forward, x, y, z):
    """forward(x, y, z); PyTorch's error (for the first two shapes that clash,
    the third against the first two's) when they do not broadcast."""
    try:
        # (laid out as PyTorch's TensorIterator lays out the result)
        return iterated(np.asanyarray(forward(x, y, z)), x, y, z)
    except ValueError:
        raise broadcast_error_among(np.shape(x), np.shape(y), np.shape(z)) from None


def _lerp_forward(x, end, w):
    # PyTorch's formula: from the nearer end, so lerp(a, b, 1) is exactly b.
    diff = end - x
    if w.ndim == 0:
        return np.asanyarray(x + w * diff if abs(w) < 0.5 else end - diff * (1 - w), x.dtype)
    return np.where(np.abs(w) < 0.5, x + w * diff, end - diff * (1 - w)).astype(x.dtype)


def _reduced_lerp(x, end, w):
    """float16/bfloat16 lerp as PyTorch's vectorised kernel: in float32 (a
    number weight unrounded), one fused multiply-add from the nearer end."""
    dt = x.dtype
    x, end, w = (np.asanyarray(a, np.float32) for a in (x, end, w))
    near = np.abs(w) < 0.5
    # (w - float32 1: NumPy 1 widens a 0-d float32 minus a Python int to float64)
    start = np.where(near, w, w - np.float32(1))
    return np.asanyarray(_fma32(start, end - x, np.where(near, x, end))).astype(dt)


# (a number weight: a Scalar product, MulBackward1, when recorded)
LerpBackward0 = grad_fn("LerpBackward0", saved={"weight": "weight"},
                        self=lambda xp, grad, weight: xp.mul_scalar(grad, xp.conj(1 - weight)),
                        end=lambda xp, grad, weight: xp.mul_scalar(grad, xp.conj(weight)))
LerpBackward1 = grad_fn("LerpBackward1",
                        self=lambda xp, grad, weight: grad * xp.conj(xp.scalar_sub(1, weight)),
                        end=lambda xp, grad, weight: grad * xp.conj(weight),
                        weight=lambda xp, grad, self, end, weight: grad * xp.conj(end - self))


def lerp(input, end, weight):
    scalar = not isinstance(weight, Tensor)
    if not (isinstance(input, Tensor) and isinstance(end, Tensor)) or (
            scalar and not isinstance(weight, (int, float, complex, np.number))):
        # (two overloads, Tensor and Number weight: the parser lists both)
        from .conditional import _arg_type
        got = ", ".join(_arg_type(a) for a in (input, end, weight))
        raise TypeError(
            f"lerp() received an invalid combination of arguments - got ({got}), but expected "
            "one of:\n * (Tensor input, Tensor end, Tensor weight, *, Tensor out = None)\n"
            " * (Tensor input, Tensor end, Number weight, *, Tensor out = None)\n")
    x, e = input._data, end._data
    # (PyTorch's meta function checks the dtypes before the kernel refuses one)
    for arr, arg in ((e, "end"), (None if scalar else weight._data, "weight")):
        if arr is not None and arr.dtype != x.dtype:
            raise RuntimeError(f"expected dtype {D.C_NAMES[input.dtype]} for `{arg}` but got "
                               f"dtype {D.C_NAMES[D._BY_NP[arr.dtype]]}")
    if x.dtype.kind != "c" and not D.is_float_np(x.dtype):
        raise not_implemented("lerp_kernel_scalar" if scalar else "lerp_kernel_tensor", x.dtype)
    w = np.asanyarray(weight, x.dtype) if scalar else weight._data
    if x.dtype == np.float16 or x.dtype == D._BF16_NP:
        data = _computed(_reduced_lerp, x, e, np.asanyarray(weight, np.float32) if scalar else w)
    else:
        data = _computed(_lerp_forward, x, e, w)
    if scalar:
        return recorded(LerpBackward0, data, (input, end), (weight,))
    return recorded(LerpBackward1, data, (input, end, weight))


AddcmulBackward0 = grad_fn(
    "AddcmulBackward0", saved={"value": "value"}, self=lambda xp, grad: grad,
    tensor1=lambda xp, grad, tensor2, value: grad * xp.conj(xp.mul_scalar(tensor2, value)),
    tensor2=lambda xp, grad, tensor1, value: grad * xp.conj(xp.mul_scalar(tensor1, value)))
# (PyTorch saves tensor2 for self's formula too; so does this one.)
AddcdivBackward0 = grad_fn(
    "AddcdivBackward0", saved={"value": "value"}, self=lambda xp, grad, tensor2: grad,
    tensor1=lambda xp, grad, tensor2, value: grad * xp.conj(xp.scalar_div(value, tensor2)),
    tensor2=lambda xp, grad, tensor1, tensor2, value: -grad * xp.conj(
        xp.mul_scalar(tensor1, value) / (tensor2 * tensor2)))

_ADDCDIV_INTEGER = (
    "Integer division with addcdiv is no longer supported, and in a future  release addcdiv "
    "will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be "
    "implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for "
    "integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future "
    "addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), "
    "for all dtypes.")


def _addc(name, node, combine, input, tensor1, tensor2, value):
    number_arg(value)
    tensor_arg(input, name, "input", 1)
    tensor_arg(tensor1, name, "tensor1", 2)
    tensor_arg(tensor2, name, "tensor2", 3)
    dt = result_type(input, tensor1, tensor2)
    if dt is D.bool_:
        raise not_implemented(f"{name}_cpu_out", dt._np)
    x, p, q = (t._data.astype(dt._np, copy=False) for t in (input, tensor1, tensor2))
    if dt is D.float16 or dt is D.bfloat16:
        # PyTorch's kernels compute in float32, the value unrounded:
        # fma(value * t1, t2, input) and input + (value * t1) / t2 (the
        # value checked as the float it is computed in)
        v = np.float32(checked_scalar(np.dtype(np.float32), value))
        forward = ((lambda a, b, c: _fma32(v * b, c, a)) if combine is np.multiply
                   else lambda a, b, c: a + v * b / c)
        x, p, q = (a.astype(np.float32) for a in (x, p, q))
        data = np.asanyarray(_computed(forward, x, p, q)).astype(dt._np)
    else:
        # The value is taken in the result's dtype (0.5 is 0 for integers; a
        # complex one needs a complex result).
        v = dt._np.type(checked_scalar(dt._np, value))
        data = _computed(lambda a, b, c: np.asanyarray(a + v * combine(b, c), dt._np), x, p, q)
    return recorded(node, data, (input, tensor1, tensor2), (value,))


def addcmul(input, tensor1, tensor2, *, value=1):
    return _addc("addcmul", AddcmulBackward0, np.multiply, input, tensor1, tensor2, value)


def addcdiv(input, tensor1, tensor2, *, value=1):
    tensor_arg(input, "addcdiv", "input", 1)
    tensor_arg(tensor1, "addcdiv", "tensor1", 2)
    tensor_arg(tensor2, "addcdiv", "tensor2", 3)
    if tensor1._data.dtype.kind in "biu" and tensor2._data.dtype.kind in "biu":
        raise RuntimeError(_ADDCDIV_INTEGER)
    return _addc("addcdiv", AddcdivBackward0, np.true_divide, input, tensor1, tensor2, value)


register(lerp, inplace=True, node=LerpBackward0,
         out=same_dtype("Found dtype {os} but expected {s}"))
register(addcmul, inplace=True, node=AddcmulBackward0)
register(addcdiv, inplace=True, node=AddcdivBackward0)
