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


def _numerical_jacobian(func, inputs, wrt, out_index, eps):
    """d out / d inputs[wrt], shape (real numel(input), real numel(output))."""
    data = inputs[wrt]._data        # perturbed in place, element by element in
    steps = (eps, eps * 1j) if data.dtype.kind == "c" else (eps,)  # row-major order
    # Not under no_grad: gradgradcheck's function calls autograd.grad inside.
    n_out = _real_size(_outputs_tuple(func(*inputs))[out_index]._data)
    jac = np.zeros((data.size * len(steps), n_out))
    # (indices, not data.reshape(-1): that is a copy for a non-contiguous input)
    for i, at in enumerate(np.ndindex(data.shape)):
        orig = data[at]
        for k, step in enumerate(steps):
            data[at] = orig + step
            plus = _real_columns(_outputs_tuple(func(*inputs))[out_index]._data)
            data[at] = orig - step
            minus = _real_columns(_outputs_tuple(func(*inputs))[out_index]._data)
            data[at] = orig
            jac[i * len(steps) + k] = (plus - minus) / (2 * eps)
    return jac


def _real_rows(g, x):
    """The gradient of a real function as the rows of a real Jacobian: for
    a complex input, (d/dx, d/dy) pairs."""
    g = g.reshape(-1)
    if x.dtype.kind == "c":
        return np.stack([g.real, g.imag], axis=-1).reshape(-1)
    return g.real if g.dtype.kind == "c" else g


def _analytical_jacobian(outputs, inputs, wrt, out_index):
    from . import grad as autograd_grad
    from .._tensor import Tensor
    out = outputs[out_index]
    x = inputs[wrt]
    parts = (1, 1j) if out._data.dtype.kind == "c" else (1,)
    jac = np.zeros((_real_size(x._data), out._data.size * len(parts)))
    for j in range(out._data.size):
        for k, v in enumerate(parts):
            g = np.zeros(out._data.size, dtype=out._data.dtype)
            g[j] = v
            (gx,) = autograd_grad(out, x, Tensor._wrap(g.reshape(out._data.shape)),
                                  retain_graph=True, allow_unused=True)
            if gx is not None:
                jac[:, j * len(parts) + k] = _real_rows(gx._data, x._data)
    return jac


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
              check_batched_grad=False, check_batched_forward_grad=False,
              check_forward_ad=False, check_backward_ad=True, fast_mode=False, masked=None):
    """True when every input's analytical Jacobian (reverse mode, and forward
    mode with check_forward_ad) matches the numerical one."""
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
    outputs = _outputs_tuple(func(*inputs))
    for o_i, out in enumerate(outputs):
        if not out._requires_grad:
            continue
        for i in diff:
            numerical = _numerical_jacobian(func, inputs, i, o_i, eps)
            checks = []
            if check_backward_ad:
                checks.append(("", _analytical_jacobian(outputs, inputs, i, o_i)))
            if check_forward_ad:
                checks.append(("forward AD ", _forward_jacobian(func, inputs, i, o_i)))
            for kind, analytical in checks:
                if not np.allclose(analytical, numerical, rtol=rtol, atol=atol):
                    if not raise_exception:
                        return False
                    # (shown as PyTorch shows them: the numerical Jacobian in the
                    # output's real dtype, the analytical one in the input's)
                    raise GradcheckError(
                        f"Jacobian mismatch for output {o_i} with respect to input {i},\n"
                        f"numerical:{_shown(numerical, outputs[o_i])}\n"
                        f"{kind}analytical:{_shown(analytical, inputs[i])}\n")
            if check_grad_dtypes and check_backward_ad:
                _check_grad_dtype(outputs[o_i], inputs[i])
    return True


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


def _check_grad_dtype(out, x):
    from . import grad as autograd_grad
    g = autograd_grad(out, x, _ones_like(out), retain_graph=True, allow_unused=True)[0]
    if g is not None and g.dtype != x.dtype:
        raise GradcheckError("Gradient has dtype mismatch")


def _random_like(rng, a):
    r = rng.standard_normal(a.shape)
    return np.asarray(r + 1j * rng.standard_normal(a.shape)) if a.dtype.kind == "c" else r


def _ones_like(t):
    from .._tensor import Tensor
    return Tensor._wrap(np.ones(t._data.shape, t._data.dtype))


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, **kwargs):
    """gradcheck of the backward pass itself (second derivatives)."""
    from . import grad as autograd_grad
    from .._tensor import Tensor
    inputs = _inputs_tuple(inputs)
    outputs = _outputs_tuple(func(*inputs))
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(
            Tensor._wrap(_random_like(rng, o._data)).requires_grad_()
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
