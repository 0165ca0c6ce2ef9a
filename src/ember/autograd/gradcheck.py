"""gradcheck / gradgradcheck: analytical gradients against central finite
differences, in float64, as torch.autograd.gradcheck.

Complex inputs and outputs are checked as pairs of real ones (real and
imaginary parts): the real Jacobian of (Re out, Im out) with respect to
(Re x, Im x) holds both Wirtinger derivatives, as PyTorch's slow mode checks
them. Its analytical rows come from PyTorch's convention: backward with
grad_output 1 gives d Re(out)/dx + i d Re(out)/dy (the conjugate Wirtinger
derivative of Re(out), doubled), and with grad_output 1j that of Im(out).
"""
from .._backend import np

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]


class GradcheckError(RuntimeError):
    pass


def _inputs_tuple(inputs):
    from .._tensor import Tensor
    return (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)


def _outputs_tuple(out):
    from .._tensor import Tensor
    return (out,) if isinstance(out, Tensor) else tuple(o for o in out if isinstance(o, Tensor))


def _real_columns(a):
    """An output as real numbers: a complex one as (re, im) pairs."""
    a = a.reshape(-1)
    if a.dtype.kind == "c":
        return np.stack([a.real, a.imag], axis=-1).reshape(-1).astype(np.float64)
    return a.astype(np.float64)


def _real_size(a):
    return a.size * (2 if a.dtype.kind == "c" else 1)


def _shown(jacobian, like):
    from .._tensor import Tensor
    dt = like._data.real.dtype if like._data.dtype.kind == "c" else like._data.dtype
    return repr(Tensor._wrap(np.asarray(jacobian).astype(dt)))


def _numerical_jacobians(func, inputs, wrt, eps):
    """d out / d inputs[wrt] for every output, each of shape (real
    numel(input), real numel(output)): one pass over the input's elements,
    each moved down then up by eps (PyTorch's order of calls)."""
    data = inputs[wrt]._data        # perturbed in place, element by element in
    steps = (eps, eps * 1j) if data.dtype.kind == "c" else (eps,)  # row-major order
    # Not under no_grad: gradgradcheck's function calls autograd.grad inside.
    jacs = None
    # (indices, not data.reshape(-1): that is a copy for a non-contiguous input)
    for i, at in enumerate(np.ndindex(data.shape)):
        orig = data[at]
        for k, step in enumerate(steps):
            data[at] = orig - step
            minus = [_real_columns(o._data) for o in _outputs_tuple(func(*inputs))]
            data[at] = orig + step
            plus = [_real_columns(o._data) for o in _outputs_tuple(func(*inputs))]
            data[at] = orig
            if jacs is None:
                jacs = [np.zeros((data.size * len(steps), p.size)) for p in plus]
            for jac, p, m in zip(jacs, plus, minus):
                jac[i * len(steps) + k] = (p - m) / (2 * eps)
    if jacs is None:        # (an empty input)
        jacs = [np.zeros((0, _real_size(o._data))) for o in _outputs_tuple(func(*inputs))]
    return jacs


def _real_rows(g, x):
    """The gradient of a real function as the rows of a real Jacobian: for
    a complex input, (d/dx, d/dy) pairs."""
    g = g.reshape(-1)
    if x.dtype.kind == "c":
        return np.stack([g.real, g.imag], axis=-1).reshape(-1)
    return g.real if g.dtype.kind == "c" else g


def _analytical_jacobians(out, xs):
    """d out / d x for each x of `xs`, a column per output element (two for a
    complex one), each column one backward pass to all of `xs`; also whether
    every gradient had its input's dtype."""
    from . import grad as autograd_grad
    from .._tensor import Tensor
    parts = (1, 1j) if out._data.dtype.kind == "c" else (1,)
    jacs = [np.zeros((_real_size(x._data), out._data.size * len(parts))) for x in xs]
    types_ok = True
    for j in range(out._data.size):
        for k, v in enumerate(parts):
            g = np.zeros(out._data.size, dtype=out._data.dtype)
            g[j] = v
            grads = autograd_grad(out, xs, Tensor._wrap(g.reshape(out._data.shape)),
                                  retain_graph=True, allow_unused=True)
            for jac, gx, x in zip(jacs, grads, xs):
                if gx is not None:
                    types_ok = types_ok and gx.dtype == x.dtype
                    jac[:, j * len(parts) + k] = _real_rows(gx._data, x._data)
    return jacs, types_ok


def _checked_analytical(out, xs, nondet_tol, check_grad_dtypes):
    """The analytical Jacobians, computed twice to catch a backward that is
    not reentrant (PyTorch's checks, in its order)."""
    first, types_ok = _analytical_jacobians(out, xs)
    second, _ = _analytical_jacobians(out, xs)
    reentrant = all(a.size == 0 or np.abs(a - b).max() <= nondet_tol
                    for a, b in zip(first, second))
    if not types_ok and check_grad_dtypes:
        raise GradcheckError("Gradient has dtype mismatch")
    if not reentrant:
        raise GradcheckError(
            "Backward is not reentrant, i.e., running backward with same input and "
            "grad_output multiple times gives different values, although analytical gradient "
            f"matches numerical gradient.The tolerance for nondeterminism was {nondet_tol}."
            + _FAILED_NONDET)
    return first


_FAILED_NONDET = """\n
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


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
              check_batched_grad=False, check_batched_forward_grad=False,
              check_forward_ad=False, check_backward_ad=True, fast_mode=False, masked=None):
    """True when every input's analytical Jacobian (reverse mode, and forward
    mode with check_forward_ad) matches the numerical one; then that backward
    gives zeros for zero grad_outputs (PyTorch's slow mode, its calls in its
    order: a Function's forward and backward run as often)."""
    import warnings
    if not (check_forward_ad or check_backward_ad):
        raise AssertionError(
            "Expected at least one of check_forward_ad or check_backward_ad to be True")
    if check_batched_grad and not check_backward_ad:
        raise AssertionError(
            "Setting check_batched_grad=True requires check_backward_ad to be True")
    if check_batched_forward_grad and not check_forward_ad:
        raise AssertionError(
            "Setting check_batched_forward_grad=True requires check_forward_ad to be True")
    if check_batched_grad or check_batched_forward_grad or masked:
        raise NotImplementedError("ember: gradcheck's check_batched_grad, "
                                  "check_batched_forward_grad and masked are not supported")
    inputs = _inputs_tuple(inputs)
    diff = [i for i, t in enumerate(inputs) if getattr(t, "_requires_grad", False)]
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, "
                         "but none of the them have requires_grad=True.")
    for i in diff:
        if inputs[i]._data.dtype not in (np.float64, np.complex128):
            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating point "
                "or complex. This check will likely fail if all the inputs are not of double "
                "precision floating point or complex. ")
    try:
        _check(func, inputs, diff, eps, atol, rtol, nondet_tol, check_undefined_grad,
               check_grad_dtypes, check_forward_ad, check_backward_ad)
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def _check(func, inputs, diff, eps, atol, rtol, nondet_tol, check_undefined_grad,
           check_grad_dtypes, check_forward_ad, check_backward_ad):
    outputs = [o for o in _outputs_tuple(func(*inputs)) if o._requires_grad]
    numerical = [_numerical_jacobians(func, inputs, i, eps) for i in diff]
    if not outputs:
        if any(np.any(jac != 0) for per_input in numerical for jac in per_input):
            raise GradcheckError("Numerical gradient for function expected to be zero")
        return
    xs = [inputs[i] for i in diff]
    for o_i, out in enumerate(outputs):
        checks = []
        if check_backward_ad:
            checks.append(("", _checked_analytical(out, xs, nondet_tol, check_grad_dtypes)))
        if check_forward_ad:
            checks.append(("forward AD ", [_forward_jacobian(func, inputs, i, o_i)
                                           for i in diff]))
        for kind, analytical in checks:
            for k, i in enumerate(diff):
                if not np.allclose(analytical[k], numerical[k][o_i], rtol=rtol, atol=atol):
                    # (shown as PyTorch shows them: the numerical Jacobian in the
                    # output's real dtype, the analytical one in the input's)
                    raise GradcheckError(
                        f"Jacobian mismatch for output {o_i} with respect to input {i},\n"
                        f"numerical:{_shown(numerical[k][o_i], out)}\n"
                        f"{kind}analytical:{_shown(analytical[k], inputs[i])}\n")
    if check_backward_ad:
        _zero_grad_outputs_give_zeros(outputs, xs, "backward not multiplied by grad_output")
        if check_undefined_grad:
            # (all outputs' gradients undefined, then, of several, each one's
            # alone: the function run for each case first, as PyTorch's)
            cases = 1 + (len(outputs) if len(outputs) > 1 else 0)
            runs = [[o for o in _outputs_tuple(func(*inputs)) if o._requires_grad]
                    for _ in range(cases)]
            for outs in runs:
                _zero_grad_outputs_give_zeros(
                    outs, xs, "Expected all input grads to be undefined or zero when all output "
                    'grads are undefined or zero. Please look at "Notes about undefined output '
                    'gradients" in "tools/autograd/derivatives.yaml"')


def _zero_grad_outputs_give_zeros(outputs, xs, message):
    """Backward from zero grad_outputs must give zeros (or nothing), each of
    its input's dtype and size. (PyTorch's undefined-gradient check sends
    undefined gradients, which a Function receives as zeros unless it set
    materialize_grads=False: here always zeros.)"""
    from . import grad as autograd_grad
    from .._tensor import Tensor
    zeros = [Tensor._wrap(np.zeros_like(o._data)) for o in outputs]
    for g, x in zip(autograd_grad(outputs, xs, zeros, allow_unused=True), xs):
        if g is None:
            continue
        if np.any(g._data != 0):
            raise GradcheckError(message)
        if g.dtype != x.dtype:
            raise GradcheckError("grad is incorrect type")
        if g.shape != x.shape:
            raise GradcheckError("grad is incorrect size")


def _forward_jacobian(func, inputs, wrt, out_index):
    """d out / d inputs[wrt] column by column, each one forward-mode pass."""
    from . import forward_ad as fwAD
    from .._tensor import Tensor
    x = inputs[wrt]
    jac = None
    steps = (1, 1j) if x._data.dtype.kind == "c" else (1,)
    for k in range(x._data.size):
        for s, step in enumerate(steps):
            basis = np.zeros(x._data.size, x._data.dtype)
            basis[k] = step
            with fwAD.dual_level():
                ins = list(inputs)
                ins[wrt] = fwAD.make_dual(x, Tensor._wrap(basis.reshape(x._data.shape)))
                out = _outputs_tuple(func(*ins))[out_index]
                tangent = fwAD.unpack_dual(out).tangent
                if jac is None:
                    jac = np.zeros((x._data.size * len(steps), _real_size(out._data)))
                if tangent is not None:
                    jac[k * len(steps) + s] = _real_columns(tangent._data)
    return jac


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, **kwargs):
    """gradcheck of the backward pass itself (second derivatives)."""
    from . import grad as autograd_grad
    inputs = _inputs_tuple(inputs)
    outputs = _outputs_tuple(func(*inputs))
    if grad_outputs is None:
        # PyTorch's: make_tensor in [-1, 1), from the global generator
        from ..testing import make_tensor
        from .. import float64
        grad_outputs = tuple(
            make_tensor(o.shape, dtype=o.dtype if o.is_floating_point() or o.is_complex()
                        else float64, device=o.device, low=-1, high=1, requires_grad=True,
                        noncontiguous=gen_non_contig_grad_outputs)
            for o in outputs if o._requires_grad)
    grad_outputs = _inputs_tuple(grad_outputs)
    n = len(inputs)
    diff = [i for i, t in enumerate(inputs) if getattr(t, "_requires_grad", False)]

    def first_derivatives(*args):
        ins, gos = args[:n], args[n:]
        outs = [o for o in _outputs_tuple(func(*ins)) if o._requires_grad]
        wrt = [ins[i] for i in diff]
        return autograd_grad(outs, wrt, gos, create_graph=True, allow_unused=True,
                             materialize_grads=True)

    return gradcheck(first_derivatives, inputs + tuple(grad_outputs), eps=eps, atol=atol,
                     rtol=rtol, raise_exception=raise_exception)
