"""gradcheck / gradgradcheck: analytical gradients against finite
differences, as torch.autograd.gradcheck (PyTorch 2.13).

Slow mode (_gradcheck_slow) compares whole Jacobians; fast mode
(_gradcheck_fast) one number v^T J u per input and output. A complex
function is checked as PyTorch checks it (_gradcheck_real_imag): by backward,
the imaginary and then the real part of its complex outputs, each a function
with real outputs; by forward mode, its complex inputs' imaginary and then
real parts, each a real input. Then backward must be multiplied by
grad_output and take zero grad_outputs. Each check calls the function (and a
custom Function's forward and backward) as often, in the same order, as
PyTorch's.
"""
from .._backend import np
from ._gradcheck_common import (
    GradcheckError, as_tuple, diff_indices, differentiable, float_outputs, is_tensor)

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]


def _inputs_tuple(inputs):
    return (inputs,) if is_tensor(inputs) else tuple(inputs)


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
              check_batched_grad=False, check_batched_forward_grad=False,
              check_forward_ad=False, check_backward_ad=True, fast_mode=False, masked=None):
    """True when every input's analytical Jacobian (reverse mode, and forward
    mode with check_forward_ad) matches the numerical one, whole (slow mode)
    or as v^T J u (fast_mode); raise_exception=False answers False for a
    failed check instead of raising GradcheckError."""
    if not (check_forward_ad or check_backward_ad):
        raise AssertionError(
            "Expected at least one of check_forward_ad or check_backward_ad to be True")
    if check_batched_grad and not check_backward_ad:
        raise AssertionError(
            "Setting check_batched_grad=True requires check_backward_ad to be True")
    if check_batched_forward_grad and not check_forward_ad:
        raise AssertionError(
            "Setting check_batched_forward_grad=True requires check_forward_ad to be True")
    # (masked only changes how sparse inputs are densified: every Ember
    # tensor is dense, so it has nothing to do)
    try:
        _gradcheck_helper(func, inputs, eps, atol, rtol, nondet_tol, check_undefined_grad,
                          check_grad_dtypes, check_batched_grad, check_batched_forward_grad,
                          check_forward_ad, check_backward_ad, fast_mode)
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def _check_inputs(inputs):
    import warnings
    any_requiring_grad = False
    for idx, inp in enumerate(inputs):
        if is_tensor(inp) and inp._requires_grad:
            if inp._data.dtype not in (np.float64, np.complex128):
                warnings.warn(
                    f"Input #{idx} requires gradient and is not a double precision floating "
                    "point or complex. This check will likely fail if all the inputs are not "
                    "of double precision floating point or complex. ")
            if not all(st > 0 or sz <= 1 for st, sz in zip(inp.stride(), inp._data.shape)):
                raise RuntimeError(
                    f"The {idx}th input has a dimension with stride 0. gradcheck only supports "
                    "inputs that are non-overlapping to be able to compute the numerical "
                    "gradients correctly. You should call .contiguous on the input before "
                    "passing it to gradcheck.")
            any_requiring_grad = True
    if not any_requiring_grad:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, "
                         "but none of them have requires_grad=True.")


def _gradcheck_helper(func, inputs, eps, atol, rtol, nondet_tol, check_undefined_grad,
                      check_grad_dtypes, check_batched_grad, check_batched_forward_grad,
                      check_forward_ad, check_backward_ad, fast_mode):
    from ._gradcheck_batched import batched_forward_grad, batched_grad
    from ._gradcheck_fast import fast_check
    from ._gradcheck_slow import slow_check
    inputs = _inputs_tuple(inputs)
    _check_inputs(inputs)
    func_out = func(*inputs)
    outputs = differentiable(func_out)
    check = fast_check if fast_mode else slow_check
    tolerances = (eps, rtol, atol, check_grad_dtypes, nondet_tol)
    if check_backward_ad:
        _backward_checks(check, func, func_out, inputs, outputs, tolerances)
    if check_forward_ad:
        _forward_checks(check, func, func_out, inputs, outputs, tolerances,
                        check_undefined_grad)
    if check_batched_forward_grad:
        batched_forward_grad(func, inputs)
    if not check_backward_ad:
        return
    if check_batched_grad:
        for i, o in enumerate(outputs):
            batched_grad(inputs, o, i)
    xs = [inputs[i] for i in diff_indices(inputs)]
    _zero_grad_outputs_give_zeros(outputs, xs, "backward not multiplied by grad_output")
    if check_undefined_grad:
        # (all outputs' gradients undefined, then, of several, each one's
        # alone: the function run for each case first, as PyTorch's)
        runs = [differentiable(func(*inputs))]
        if len(runs[0]) > 1:
            runs += [differentiable(func(*inputs)) for _ in outputs]
        for outs in runs:
            _zero_grad_outputs_give_zeros(
                outs, xs, "Expected all input grads to be undefined or zero when all output "
                'grads are undefined or zero. Please look at "Notes about undefined output '
                'gradients" in "tools/autograd/derivatives.yaml"')


def _backward_checks(check, func, func_out, inputs, outputs, tolerances):
    """A function with complex outputs is checked as two with real ones:
    their imaginary parts, then their real parts."""
    if not any(o.is_complex() for o in as_tuple(func_out)):
        return check(func, func_out, inputs, outputs, *tolerances)
    complex_indices = [i for i, o in enumerate(outputs) if o.is_complex()]
    for part, test_imag in (("imag", True), ("real", False)):
        part_fn = _output_part(func, part)
        part_out = part_fn(*inputs)
        check(part_fn, part_out, inputs, differentiable(part_out), *tolerances,
              complex_indices=complex_indices, test_imag=test_imag)


def _output_part(func, part):
    def part_fn(*args):
        return tuple(getattr(o, part) if o.is_complex() else o for o in as_tuple(func(*args)))
    return part_fn


def _forward_checks(check, func, func_out, inputs, outputs, tolerances, check_undefined_grad):
    """A function of complex inputs is checked as two of real ones: their
    imaginary parts, the real parts held; then their real parts."""
    complex_indices = [i for i, t in enumerate(inputs) if is_tensor(t) and t.is_complex()]
    if not complex_indices:
        check(func, func_out, inputs, outputs, *tolerances, use_forward_ad=True)
        if check_undefined_grad:
            _undefined_forward_tangents(func, outputs, inputs)
        return
    checked = []
    for part, test_imag in (("imag", True), ("real", False)):
        part_fn = _input_part(func, complex_indices, inputs, part)
        part_inputs = [getattr(t, part) if i in complex_indices else t
                       for i, t in enumerate(inputs)]
        part_out = part_fn(*part_inputs)
        check(part_fn, part_out, part_inputs, differentiable(part_out), *tolerances,
              complex_indices=complex_indices, test_imag=test_imag, use_forward_ad=True)
        checked.append((part_fn, part_out, part_inputs))
    if check_undefined_grad:
        for part_fn, part_out, part_inputs in checked:
            _undefined_forward_tangents(part_fn, part_out, part_inputs)


def _input_part(func, complex_indices, inputs, part):
    # (the other part is the input's own, not zero: the function always
    # sees a valid input)
    def part_fn(*args):
        args = list(args)
        for i in complex_indices:
            if part == "real":
                args[i] = args[i] + inputs[i].imag * 1j
            else:
                args[i] = inputs[i].real + args[i] * 1j
        return as_tuple(func(*args))
    return part_fn


def _undefined_forward_tangents(func, outputs, inputs):
    """An input without a tangent must give the same output tangents as one
    with a zero tangent (PyTorch's _test_undefined_forward_mode)."""
    from . import forward_ad as fwAD
    from .._tensor import Tensor
    from ._gradcheck_fast import make_vectors
    diff = diff_indices(inputs)
    _, all_u = make_vectors([inputs[i] for i in diff], outputs, use_forward_ad=True)
    with fwAD.dual_level():
        duals = list(inputs)
        for i, u in zip(diff, all_u):
            duals[i] = fwAD.make_dual(inputs[i].detach(),
                                      Tensor._wrap(u.reshape(inputs[i]._data.shape)))
        for i in diff:
            inp, dual = inputs[i], duals[i]
            duals[i] = fwAD.make_dual(inp.detach(), Tensor._wrap(np.zeros_like(inp._data)))
            with_zeros = float_outputs(func(*duals))
            duals[i] = inp.detach()
            without = float_outputs(func(*duals))
            duals[i] = dual
            for index_o, (o1, o2) in enumerate(zip(with_zeros, without)):
                res1, res2 = fwAD.unpack_dual(o1).tangent, fwAD.unpack_dual(o2).tangent
                if res1 is not None and res2 is not None and \
                        not np.allclose(res1._data, res2._data, rtol=1e-5, atol=1e-8):
                    raise GradcheckError(
                        "Mismatch in tangent values for output with index: ", index_o,
                        " when input: ", inp, " has an undefined tangent value. ", " Got: ",
                        res1, " but expected: ", res2)


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


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
                  check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False,
                  masked=False):
    """gradcheck of the backward pass itself (second derivatives), with
    respect to the inputs and to grad_outputs (random ones in [-1, 1) if
    not given, as PyTorch draws them)."""
    from . import grad as autograd_grad
    if not (check_fwd_over_rev or check_rev_over_rev):
        raise AssertionError(
            "Expected at least one of check_fwd_over_rev or check_rev_over_rev to be True")
    if check_undefined_grad and not check_rev_over_rev:
        raise AssertionError(
            "Setting check_undefined_grad=True requires check_rev_over_rev to be True")
    if check_batched_grad and not check_rev_over_rev:
        raise AssertionError(
            "Setting check_batched_grad=True requires check_rev_over_rev to be True")
    inputs = _inputs_tuple(inputs)
    if grad_outputs is None:
        # PyTorch's: make_tensor in [-1, 1), from the global generator
        from ..testing import make_tensor
        from .. import float64
        grad_outputs = tuple(
            make_tensor(o.shape, dtype=o.dtype if o.is_floating_point() or o.is_complex()
                        else float64, device=o.device, low=-1, high=1, requires_grad=True,
                        noncontiguous=gen_non_contig_grad_outputs)
            for o in differentiable(func(*inputs)))
    grad_outputs = _inputs_tuple(grad_outputs)
    n = len(inputs)
    # (kept before gradcheck runs: forward mode detaches the inputs it checks)
    diff = set(diff_indices(inputs))
    diff_grad_outputs = {i for i, g in enumerate(grad_outputs) if g._requires_grad}

    def first_derivatives(*args):
        ins = [x if i not in diff or x._requires_grad else x.requires_grad_()
               for i, x in enumerate(args[:n])]
        outs = differentiable(func(*ins))
        gos = [g if i not in diff_grad_outputs or g._requires_grad else g.requires_grad_()
               for i, g in enumerate(args[n:])]
        grads = autograd_grad(outs, [x for i, x in enumerate(ins) if i in diff], gos,
                              create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivatives, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, nondet_tol=nondet_tol,
                     check_undefined_grad=check_undefined_grad,
                     check_grad_dtypes=check_grad_dtypes, check_batched_grad=check_batched_grad,
                     fast_mode=fast_mode, check_forward_ad=check_fwd_over_rev,
                     check_backward_ad=check_rev_over_rev, masked=masked)
