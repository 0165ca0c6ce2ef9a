"""gradcheck's slow mode (PyTorch's _slow_gradcheck): whole Jacobians, the
numerical one by central differences element by element, the analytical one
row by row from backward (or column by column from forward mode).

The functions checked here have real outputs when checked by backward and
real inputs when checked by forward mode (gradcheck splits complex ones
into their real and imaginary parts first). A complex input's numerical
row is then the conjugate Wirtinger derivative ds/dx + i ds/dy, as its
backward gives it, and both are shown as complex matrices.
"""
from .._backend import np
from ._gradcheck_common import (
    GradcheckError, FAILED_NONDET, conj_wirtinger, diff_indices, float_outputs,
    notallclose_msg, same_dtype_and_shape, shown)


def _wide(a):
    # Real differences in float64 whatever the output's precision (the
    # verdicts Ember's tests were written against); complex ones as complex.
    return np.complex128 if a.dtype.kind == "c" else np.float64


def _own(a):
    return a.dtype


def numerical_jacobians(func, inputs, wrt, eps, func_out, *, outputs_dtype=False):
    """d out / d inputs[wrt] for each floating-point output of func_out, each
    of shape (numel(input), numel(output)); PyTorch's calls, in its order:
    element by element in row-major order, each moved down then up by eps
    (a complex one then also by eps*1j). In double precision, or with
    outputs_dtype in the outputs' own, as PyTorch's (fast mode's report
    prints them to the last bit)."""
    x = inputs[wrt]
    data = x._data        # perturbed in place, element by element
    cplx = data.dtype.kind == "c"
    steps = (eps, eps * 1j) if cplx else (eps,)
    wide = _own if outputs_dtype else _wide
    jacs = [np.zeros((data.size, o._data.size),
                     np.result_type(data.dtype, wide(o._data)) if cplx else wide(o._data))
            for o in float_outputs(func_out)]
    # (indices, not data.reshape(-1): that is a copy for a non-contiguous input)
    for i, at in enumerate(np.ndindex(data.shape)):
        orig = data[at]
        parts = []
        for step in steps:
            # Not under no_grad: gradgradcheck's function calls autograd.grad inside.
            data[at] = orig - step
            minus = float_outputs(func(*inputs))
            low = [o._data.astype(wide(o._data)) for o in minus]
            data[at] = orig + step
            plus = float_outputs(func(*inputs))
            high = [o._data.astype(wide(o._data)) for o in plus]
            data[at] = orig
            same_dtype_and_shape(minus, plus, eps, at)
            parts.append([h - lo for lo, h in zip(low, high)])
        if cplx:
            parts = [[d / (2 * eps) for d in p] for p in parts]
            for jac, dx, dy in zip(jacs, *parts):
                jac[i] = conj_wirtinger(dx, dy).reshape(-1)
        else:
            for jac, d in zip(jacs, parts[0]):
                jac[i] = (d / (2 * eps)).reshape(-1)
    return jacs


class OneHots:
    """One-hot arrays of a tensor's shape and dtype, made as they are used:
    the grad_outputs that pick out a Jacobian's rows, the tangents that pick
    out its columns."""

    def __init__(self, t):
        self.shape, self.dtype, self.n = t._data.shape, t._data.dtype, t._data.size

    def __len__(self):
        return self.n

    def __iter__(self):
        for j in range(self.n):
            g = np.zeros(self.n, self.dtype)
            g[j] = 1
            yield g.reshape(self.shape)


def _vjps(out, xs, grad_outputs):
    from . import grad as autograd_grad
    from .._tensor import Tensor
    jacs = [np.zeros((x._data.size, len(grad_outputs)), x._data.dtype) for x in xs]
    types_ok = sizes_ok = True
    for j, g in enumerate(grad_outputs):
        grads = autograd_grad(out, xs, Tensor._wrap(g), retain_graph=True, allow_unused=True)
        for jac, gx, x in zip(jacs, grads, xs):
            if gx is None:
                continue
            d = gx._data
            if d.shape != x._data.shape:
                sizes_ok = False
            elif d.dtype != x._data.dtype:
                types_ok = False
            if d.size != x._data.size:
                raise AssertionError(f"Expected out_jacobian column to have {d.size} elements, "
                                     f"but got {x._data.size}")
            jac[:, j] = (d.real if jac.dtype.kind != "c" else d).reshape(-1)
    return jacs, types_ok, sizes_ok


def vjp_matrices(out, xs, grad_outputs, nondet_tol, check_grad_dtypes):
    """v^T J of `out` to each of `xs` for each v of grad_outputs: per input,
    a (numel(input), len(grad_outputs)) array of its dtype. Computed twice to
    catch a backward that is not reentrant, then PyTorch's checks in its
    order."""
    first, types_ok, sizes_ok = _vjps(out, xs, grad_outputs)
    second, _, _ = _vjps(out, xs, grad_outputs)
    # (`not >`, as PyTorch's test: NaN gradients are reentrant, then mismatch)
    reentrant = all(a.size == 0 or not np.abs(a - b).max() > nondet_tol
                    for a, b in zip(first, second))
    if not types_ok and check_grad_dtypes:
        raise GradcheckError("Gradient has dtype mismatch")
    if not sizes_ok:
        raise GradcheckError("Analytical gradient has incorrect size")
    if not reentrant:
        raise GradcheckError(
            "Backward is not reentrant, i.e., running backward with same input and "
            "grad_output multiple times gives different values, although analytical gradient "
            f"matches numerical gradient.The tolerance for nondeterminism was {nondet_tol}."
            + FAILED_NONDET)
    return first


def forward_jacobians(func, inputs, func_out, check_grad_dtypes, all_u=None):
    """For each differentiable input, the forward-mode Jacobian of each
    floating-point output ((numel(input), numel(output)), the output's
    dtype): one call per input element, that element's tangent 1 and every
    other zero (PyTorch's _get_analytical_jacobian_forward_ad). With all_u,
    one call per input, tangent u: J u, of shape (numel(output),).

    Ember tensors, filled as PyTorch fills its own: under gradgradcheck's
    forward-over-reverse the tangents require grad, and the report then shows
    the Jacobian's grad_fn (CopySlices, or CopyBackwards for J u)."""
    from .. import zeros
    from . import forward_ad as fwAD
    from .._tensor import Tensor
    diff = diff_indices(inputs)
    if any(inputs[i]._data.dtype.kind == "c" for i in diff):
        raise ValueError("Expected inputs to be non-complex for "
                         "_get_analytical_jacobian_forward_ad.")
    outs = float_outputs(func_out)
    result = []
    with fwAD.dual_level():
        duals = list(inputs)
        for i in diff:
            duals[i] = fwAD.make_dual(inputs[i].detach(),
                                      Tensor._wrap(np.zeros_like(inputs[i]._data)))
        for i, u in zip(diff, all_u or [None] * len(diff)):
            x = inputs[i]
            tangents = [u.reshape(x.shape)] if u is not None else OneHots(x)
            jacs = [zeros((len(tangents), o._data.size), dtype=o.dtype) for o in outs]
            if u is not None:
                for jac in jacs:
                    jac.squeeze_(0)
            for k, t in enumerate(tangents):
                args = list(duals)
                args[i] = fwAD.make_dual(x.detach(), Tensor._wrap(t))
                for jac, o in zip(jacs, float_outputs(func(*args))):
                    primal, tangent = fwAD.unpack_dual(o)
                    if check_grad_dtypes and tangent is not None and \
                            primal.is_complex() != tangent.is_complex():
                        raise GradcheckError("Forward AD gradient has dtype mismatch.")
                    row = jac if u is not None else jac[k]
                    if tangent is None:
                        row.zero_()
                    else:
                        row.copy_(tangent.reshape(-1))
            result.append(jacs)
    return result


def _numerical_dtype(x, out):
    """The dtype PyTorch gives a numerical Jacobian: the input's if complex,
    else the output's."""
    return x._data.dtype if x._data.dtype.kind == "c" else out._data.dtype


def no_differentiable_outputs(func, inputs, func_out, eps):
    """Without a differentiable output, the numerical gradients must be zero."""
    for i in diff_indices(inputs):
        for jac in numerical_jacobians(func, inputs, i, eps, func_out):
            if np.any(jac != 0):
                raise GradcheckError("Numerical gradient for function expected to be zero")


def slow_check(func, func_out, inputs, outputs, eps, rtol, atol, check_grad_dtypes, nondet_tol,
               *, use_forward_ad=False, complex_indices=None, test_imag=False):
    """PyTorch's _slow_gradcheck: every input's numerical Jacobians first,
    then each differentiable output's analytical ones, compared with
    allclose."""
    if not outputs:
        return no_differentiable_outputs(func, inputs, func_out, eps)
    diff = diff_indices(inputs)
    numerical = [numerical_jacobians(func, inputs, i, eps, func_out) for i in diff]
    floats = float_outputs(func_out)
    # (the numerical Jacobians of the differentiable outputs, as PyTorch's
    # zip of func_out with them picks them)
    kept = [k for k, o in enumerate(floats) if o._requires_grad]
    if use_forward_ad:
        analytical = forward_jacobians(func, inputs, func_out, check_grad_dtypes)
        for i, k in enumerate(kept):
            for j, per_output in enumerate(numerical):
                # (PyTorch indexes the forward Jacobians, made for every
                # floating output, by the differentiable output's index)
                a, n = analytical[j][i], per_output[k]
                if not np.allclose(a._data, n, rtol=rtol, atol=atol):
                    raise GradcheckError(notallclose_msg(
                        repr(a), shown(n, _numerical_dtype(inputs[diff[j]], floats[k])),
                        i, j, complex_indices, test_imag, is_forward_ad=True))
        return
    xs = [inputs[i] for i in diff]
    for i, (o, k) in enumerate(zip(outputs, kept)):
        analytical = vjp_matrices(o, xs, OneHots(o), nondet_tol, check_grad_dtypes)
        for j, (a, per_output) in enumerate(zip(analytical, numerical)):
            n = per_output[k]
            if not np.allclose(a, n, rtol=rtol, atol=atol):
                raise GradcheckError(notallclose_msg(
                    shown(a, a.dtype), shown(n, _numerical_dtype(xs[j], floats[k])),
                    i, j, complex_indices, test_imag))
