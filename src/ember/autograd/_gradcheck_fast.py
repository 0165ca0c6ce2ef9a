"""gradcheck's fast mode (PyTorch's _fast_gradcheck; pytorch/pytorch#53876).

Instead of whole Jacobians it compares one number per (input, output):
v^T J u, for u and v random unit vectors drawn from a fresh Generator (the
same draws as PyTorch's, so the same numbers). Numerically, J u is one
central difference along u; analytically, v^T J is one backward pass with
grad_output v. Forward mode compares J u itself. On a mismatch it
recomputes that pair's Jacobians as slow mode does for the report.

Its scalars print in full, so they are added up in PyTorch's order
(_gradcheck_rounding) and kept in the tensors' own dtypes.
"""
from .._backend import np
from .._dtype import SCALAR_NAMES
from ._gradcheck_common import (
    GradcheckError, as_tuple, conj_wirtinger, diff_indices, float_outputs, notallclose_msg,
    same_dtype_and_shape, shown)
from ._gradcheck_rounding import dot, dot_strided, total, vector_norm
from ._gradcheck_slow import (
    OneHots, _numerical_dtype, forward_jacobians, numerical_jacobians, vjp_matrices)


def make_vectors(xs, outputs, use_forward_ad):
    """PyTorch's _make_vectors: u for each input (two real ones, real and
    imaginary directions, for a complex input), then v for each output
    (none in forward mode), each rand(numel) over its norm."""
    from .. import Generator, rand
    g = Generator()     # (its own: the user's random stream is left alone)

    def vec(t, downcast_complex):
        a = t._data
        r = rand(a.size, generator=g)._data.astype(a.real.dtype if downcast_complex else a.dtype)
        return r / vector_norm(r)
    all_u = [(vec(x, True), vec(x, True)) if x._data.dtype.kind == "c" else vec(x, True)
             for x in xs]
    all_v = None if use_forward_ad else [vec(o, False) for o in outputs]
    return all_v, all_u


def numerical_jvps(func, inputs, wrt, u, eps):
    """J u of each floating-point output, by one central difference along
    eps * u (a complex input: along the real, then the imaginary direction,
    made ds/dx u_r + i ds/dy u_i)."""
    data = inputs[wrt]._data
    cplx = data.dtype.kind == "c"
    directions = (u[0] * eps, (u[1] * eps) * 1j) if cplx else (u * eps,)
    parts = []
    for d in directions:
        orig = data.copy()
        data[...] = orig - d.reshape(data.shape)
        minus = float_outputs(func(*inputs))
        low = [np.array(o._data) for o in minus]
        data[...] = orig + d.reshape(data.shape)
        plus = float_outputs(func(*inputs))
        high = [np.array(o._data) for o in plus]
        data[...] = orig
        same_dtype_and_shape(minus, plus, eps)
        parts.append([((h - lo) / (2 * eps)).reshape(-1) for lo, h in zip(low, high)])
    return [conj_wirtinger(dx, dy) for dx, dy in zip(*parts)] if cplx else parts[0]


def _analytical_vJu(xs, out, v, all_u, nondet_tol, check_grad_dtypes):
    """(v^T J) u for each input: one backward pass (twice, for reentrancy)."""
    vjs = vjp_matrices(out, xs, [v.reshape(out._data.shape)], nondet_tol, check_grad_dtypes)
    scalars = []
    for vj, u in zip(vjs, all_u):
        vj = vj[:, 0]
        if vj.dtype.kind == "c":
            # PyTorch's tr.dot(ur) + 1j * ti.dot(ui), its zeros' signs included
            r, i = dot_strided(vj.real, u[0]), dot_strided(vj.imag, u[1])
            scalars.append(complex(r + (i * 0.0 - 0.0), 0.0 + (i + 0.0)))
        else:
            scalars.append(dot(vj, u))
    return scalars


def _adjusted_atol(atol, u, v):
    """atol for v^T J u: each element's atol summed over u and v (PyTorch's
    _adjusted_atol; a complex input's two directions both count)."""
    sum_v = 1.0 if v is None else total(v)
    sum_u = total(u[0]) + total(u[1]) if isinstance(u, tuple) else total(u)
    return atol * sum_u * sum_v


def no_differentiable_outputs(func, inputs, all_u, eps, nondet_tol):
    for i, u in zip(diff_indices(inputs), all_u):
        for jvp in numerical_jvps(func, inputs, i, u, eps):
            if jvp.size and np.abs(jvp).max() > nondet_tol:
                raise GradcheckError("Numerical gradient for function expected to be zero")


FAST_FAIL_SLOW_OK_MSG = """
Fast gradcheck failed but element-wise differences are small. This means that the
test might've passed in slow_mode!

If you are adding a new operator, please file an issue and then use one of the
workarounds. The workaround depends on how your test invokes gradcheck/gradgradcheck:

If the test
- manually invokes gradcheck/gradgradcheck, then call gradcheck/gradgradcheck
  with `fast_mode=False` as a keyword argument.
- is OpInfo-based (e.g., in test_ops_gradients.py), then modify the OpInfo for the test
  to have `gradcheck_fast_mode=False`
- is a Module test (e.g., in common_nn.py), then modify the corresponding
  module_test entry to have `gradcheck_fast_mode=False`
""".strip()


def _slow_mode_error(func, inputs, outputs, input_idx, output_idx, rtol, atol, eps,
                     is_forward_ad):
    """The report's second half: the pair's whole Jacobians, as slow mode
    computes them (every input's numerical ones, as PyTorch's call does)."""
    diff = diff_indices(inputs)
    numerical = [numerical_jacobians(func, inputs, i, eps, outputs, outputs_dtype=True)
                 for i in diff]
    slow_numerical = numerical[input_idx][output_idx]
    if is_forward_ad:
        # (PyTorch takes input_idx, an index among the differentiable
        # inputs, as a position in `inputs`: kept, for its numbers)
        def new_fn(inp):
            args = list(inputs)
            args[input_idx] = inp
            return as_tuple(func(*args))[output_idx]
        jacobian = forward_jacobians(new_fn, (inputs[input_idx],), (outputs[output_idx],),
                                     False)[0][0]
        slow_analytical, analytical_text = jacobian._data, repr(jacobian)
    else:
        out = outputs[output_idx]
        slow_analytical = vjp_matrices(out, [inputs[i] for i in diff], OneHots(out),
                                       float("inf"), False)[input_idx]
        analytical_text = shown(slow_analytical, slow_analytical.dtype)
    d = slow_numerical - slow_analytical
    # (hypot, as PyTorch's complex abs: NumPy's differs in the last bit)
    slow_max_diff = float((np.hypot(d.real, d.imag) if d.dtype.kind == "c" else np.abs(d)).max())
    x, out = inputs[diff[input_idx]], outputs[output_idx]
    a_dtype = out.dtype if is_forward_ad else x.dtype
    n_dtype = x.dtype if x.is_complex() else out.dtype
    if a_dtype != n_dtype:
        # (PyTorch's allclose of the two, below, refuses mixed dtypes: its
        # report ends in this error)
        raise RuntimeError(f"{SCALAR_NAMES[a_dtype]} did not match {SCALAR_NAMES[n_dtype]}")
    msg = (
        "\nThe above quantities relating the numerical and analytical jacobians are computed \n"
        "in fast mode. See: https://github.com/pytorch/pytorch/issues/53876 for more background \n"
        "about fast mode. Below, we recompute numerical and analytical jacobians in slow mode:\n\n"
        f"Numerical:\n {shown(slow_numerical, _numerical_dtype(x, out))}\n"
        f"Analytical:\n{analytical_text}\n\n"
        f"The max per-element difference (slow mode) is: {slow_max_diff}.\n")
    if np.allclose(slow_analytical, slow_numerical, rtol, atol):
        msg += FAST_FAIL_SLOW_OK_MSG
    return msg


def fast_check(func, func_out, inputs, outputs, eps, rtol, atol, check_grad_dtypes, nondet_tol,
               *, use_forward_ad=False, complex_indices=None, test_imag=False):
    """PyTorch's _fast_gradcheck: every input's numerical v^T J u (J u in
    forward mode), then the analytical ones, compared with allclose at an
    atol scaled to the vectors."""
    diff = diff_indices(inputs)
    xs = [inputs[i] for i in diff]
    all_v, all_u = make_vectors(xs, outputs, use_forward_ad)
    numerical = []
    for i, u in zip(diff, all_u):
        jvps = numerical_jvps(func, inputs, i, u, eps)
        # (v pairs with the floating outputs by position, as PyTorch's zip)
        numerical.append(jvps if all_v is None else [total(v * ju) for v, ju in zip(all_v, jvps)])
    if use_forward_ad:
        analytical = forward_jacobians(func, inputs, func_out, check_grad_dtypes, all_u)
    else:
        if not outputs:
            no_differentiable_outputs(func, inputs, all_u, eps, nondet_tol)
        analytical = [_analytical_vJu(xs, o, v, all_u, nondet_tol, check_grad_dtypes)
                      for o, v in zip(outputs, all_v)]
    for i, per_input in enumerate(numerical):
        for j, n in enumerate(per_input):
            a = analytical[i][j] if use_forward_ad else analytical[j][i]
            tol = _adjusted_atol(atol, all_u[i], all_v[j] if all_v else None)
            if not np.allclose(a._data if use_forward_ad else a, n, rtol=rtol, atol=tol):
                # (a tensor prints as a tensor; a 0-d one as its Python number)
                a_s, n_s = (repr(a), shown(n, n.dtype)) if use_forward_ad else (a, n)
                raise GradcheckError(
                    notallclose_msg(a_s, n_s, j, i, complex_indices, test_imag, use_forward_ad)
                    + _slow_mode_error(func, inputs, outputs, i, j, rtol, atol, eps,
                                       use_forward_ad))
