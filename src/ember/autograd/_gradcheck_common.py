"""What gradcheck's slow and fast modes share: the error, outputs as a
tuple, a function's outputs while an input is perturbed, and PyTorch's
words for a mismatch."""
from .._backend import np

__all__ = ["GradcheckError"]


class GradcheckError(RuntimeError):
    pass


GradcheckError.__module__ = "ember.autograd.gradcheck"   # (where users import it from)


def is_tensor(t):
    return isinstance(t, _tensor_class())


def _tensor_class():
    # (ember.Tensor is not yet defined when autograd loads; looked up once)
    global _Tensor
    if _Tensor is None:
        from .._tensor import Tensor as _Tensor
    return _Tensor


_Tensor = None


def as_tuple(out):
    """A function's result as a tuple of its tensors."""
    T = _tensor_class()
    return (out,) if isinstance(out, T) else tuple([o for o in out if isinstance(o, T)])


def differentiable(out):
    return tuple(o for o in as_tuple(out) if o._requires_grad)


def diff_indices(inputs):
    return [i for i, t in enumerate(inputs) if is_tensor(t) and t._requires_grad]


def float_outputs(out):
    """The floating-point and complex outputs (those gradcheck checks)."""
    # (bfloat16's NumPy kind is "V": asked of the tensor)
    return [o for o in as_tuple(out) if o._data.dtype.kind in "fc" or o.is_floating_point()]


def same_dtype_and_shape(minus, plus, eps, idx=None):
    """PyTorch's refusal of a function whose outputs change shape or dtype
    when an input moves by eps."""
    on_index = f"on index {idx} " if idx is not None else ""
    for a, b in zip(minus, plus):
        if a._data.shape == b._data.shape and a._data.dtype == b._data.dtype:
            continue
        if a.shape != b.shape:
            raise AssertionError(
                "Expected `func` to return outputs with the same shape when inputs are "
                f"perturbed {on_index}by {eps}, but got: shapes {a.shape} and {b.shape}.")
        if a.dtype != b.dtype:
            raise AssertionError(
                "Expected `func` to return outputs with the same dtype when inputs are "
                f"perturbed {on_index}by {eps}, but got: dtypes {a.dtype} and {b.dtype}.")


def conj_wirtinger(ds_dx, ds_dy):
    """PyTorch's ds_dx + ds_dy * 1j, its zeros' signs included (they print)."""
    out = np.empty(np.broadcast(ds_dx, ds_dy).shape,
                   np.result_type(ds_dx, ds_dy, np.complex64))
    out.real = ds_dx + (ds_dy * 0.0 - 0.0)
    out.imag = 0.0 + (ds_dy + 0.0)
    return out


def shown(array, dtype):
    """A Jacobian as PyTorch prints it: a tensor of `dtype`."""
    from .._tensor import Tensor
    return repr(Tensor._wrap(np.asarray(array).astype(dtype)))


def notallclose_msg(analytical, numerical, output_idx, input_idx, complex_indices,
                    test_imag=False, is_forward_ad=False):
    # (PyTorch compares input_idx, an index among the differentiable inputs,
    # with the positions of the complex inputs: kept, for its words)
    out_is_complex = not is_forward_ad and complex_indices and output_idx in complex_indices
    inp_is_complex = is_forward_ad and complex_indices and input_idx in complex_indices
    part = "imaginary" if test_imag else "real"
    element = "inputs" if is_forward_ad else "outputs"
    prefix = (f"While considering the {part} part of complex {element} only, "
              if out_is_complex or inp_is_complex else "")
    mode = "computed with forward mode " if is_forward_ad else ""
    return (prefix + f"Jacobian {mode}mismatch for output {output_idx:d} with respect to "
            f"input {input_idx:d},\nnumerical:{numerical}\nanalytical:{analytical}\n")


FAILED_NONDET = """\n
NOTE: If your op relies on non-deterministic operations i.e., it is listed here:
https://pytorch.org/docs/stable/generated/torch.use_deterministic_algorithms.html
this failure might be expected.

If you are adding a new operator, please file an issue and then use one of the
workarounds. The workaround depends on how your test invokes gradcheck/gradgradcheck.
If the test
- manually invokes gradcheck/gradgradcheck, then call gradcheck/gradgradcheck
  with `nondet_tol=<tol>` as a keyword argument.
- is OpInfo-based (e.g., in test_ops_gradients.py), then modify the OpInfo for the test
  to have `gradcheck_nondet_tol=<tol>`.
- is a Module test (e.g., in common_nn.py), then modify the corresponding
  module_test entry to have `gradcheck_nondet_tol=<tol>`
"""
