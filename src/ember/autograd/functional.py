"""torch.autograd.functional: vjp, jvp, jacobian, hessian, vhp, hvp of whole functions.

Everything runs on reverse mode, as PyTorch's module does: jvp and hvp use the
double backward trick (the backward is linear in its grad_outputs, so
differentiating it with respect to them gives the forward product).
"""
from .grad_mode import enable_grad, is_grad_enabled, set_grad_enabled
from ._functional_utils import (_as_tuple, _autograd_grad, _check_requires_grad,
                                _fill_in_zeros, _grad_postprocess, _grad_preprocess,
                                _tuple_postprocess, _validate_v)

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


def _prepare_v(v, refs, is_refs_tuple, create_graph, fn_name, none_message):
    """v as a tuple of fresh tensors shaped like refs; None only for one element."""
    if v is not None:
        _, v = _as_tuple(v, "v", fn_name)
        v = _grad_preprocess(v, create_graph=create_graph, need_graph=False)
        _validate_v(v, refs, is_refs_tuple)
    elif len(refs) != 1 or refs[0].nelement() != 1:
        raise RuntimeError(none_message)
    return v


_V_NONE_INPUT = ("The vector v can only be None if the input to the user-provided function "
                 "is a single Tensor with a single element.")


def _call(func, inputs, fn_name, strict):
    outputs = func(*inputs)
    is_outputs_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function",
                                          fn_name)
    _check_requires_grad(outputs, "outputs", strict=strict)
    return is_outputs_tuple, outputs


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T J): the vector-Jacobian product, shaped like the inputs."""
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
        is_outputs_tuple, outputs = _call(func, inputs, "vjp", strict)
        v = _prepare_v(v, outputs, is_outputs_tuple, create_graph, "vjp",
                       "The vector v can only be None if the user-provided function returns "
                       "a single Tensor with a single element.")
    return _product(outputs, is_outputs_tuple, outputs, inputs, v, inputs, is_inputs_tuple,
                    strict, create_graph, "back")


def _product(outputs, is_outputs_tuple, grad_of, wrt, v, like, is_result_tuple, strict,
             create_graph, stage):
    """The last step of vjp, jvp, vhp and hvp: the gradient of `grad_of`
    with respect to `wrt` against `v`, zeros where it is unused (shaped like
    `like`), and (func's outputs, that product) as the caller's tuples."""
    with set_grad_enabled(create_graph or is_grad_enabled()):
        grad_res = _autograd_grad(grad_of, wrt, v, create_graph=create_graph)
        result = _fill_in_zeros(grad_res, like, strict, create_graph, stage)
    return (_tuple_postprocess(_grad_postprocess(outputs, create_graph), is_outputs_tuple),
            _tuple_postprocess(_grad_postprocess(result, create_graph), is_result_tuple))


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), J v): the Jacobian-vector product, shaped like the outputs,
    by the double backward trick."""
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
        v = _prepare_v(v, inputs, is_inputs_tuple, create_graph, "jvp", _V_NONE_INPUT)
        is_outputs_tuple, outputs = _call(func, inputs, "jvp", strict)
        # The grad_outputs' values never reach the result (the backward is
        # linear in them); zeros cannot put inf or nan into it.
        from .._creation import zeros_like
        grad_outputs = tuple(zeros_like(out, requires_grad=True) for out in outputs)
        grad_inputs = _autograd_grad(outputs, inputs, grad_outputs, create_graph=True)
        _check_requires_grad(grad_inputs, "grad_inputs", strict=strict)
    return _product(outputs, is_outputs_tuple, grad_inputs, grad_outputs, v, outputs, is_outputs_tuple,
                    strict, create_graph, "back_trick")


def _jacobian_forward(func, inputs):
    """jacobian(func, inputs, strategy='forward-mode', vectorize=True): one
    forward-mode pass per input element, the tangents kept as they come (with
    history where func's outputs have it, as PyTorch's are); with a tuple of
    inputs PyTorch returns lists."""
    from .. import stack, zeros
    from . import forward_ad as fwAD
    single_in = not isinstance(inputs, tuple)
    ins = (inputs,) if single_in else inputs
    columns, out = [], None
    for j, x in enumerate(ins):
        cols = []
        for k in range(x.numel()):
            basis = zeros(x.numel(), dtype=x.dtype)
            basis[k] = 1
            with fwAD.dual_level():
                duals = [fwAD.make_dual(y, basis.reshape(x.shape)) if i == j else y
                         for i, y in enumerate(ins)]
                out = func(*duals)
                outs = (out,) if not isinstance(out, tuple) else out
                cols.append([fwAD.unpack_dual(o).tangent for o in outs])
        columns.append(cols)
    outs = (out,) if not isinstance(out, tuple) else out
    jac = [[stack([c[i] if c[i] is not None else zeros(o.shape, dtype=o.dtype)
                   for c in columns[j]], dim=-1).reshape(tuple(o.shape) + tuple(x.shape))
            for j, x in enumerate(ins)] for i, o in enumerate(outs)]
    if single_in:
        jac = [row[0] for row in jac]
        return jac[0] if not isinstance(out, tuple) else tuple(jac)
    return jac[0] if not isinstance(out, tuple) else jac


def _jacfwd(func, inputs, strict, vectorize):
    if strict:
        raise RuntimeError(
            "torch.autograd.functional.jacobian: `strict=True` and "
            '`strategy="forward-mode"` are not supported together (yet). Please either set '
            '`strict=False` or `strategy="reverse-mode"`.')
    _as_tuple(inputs, "inputs", "jacobian")
    if not vectorize:
        # (PyTorch's message lacks the space before "only"; kept.)
        raise NotImplementedError(
            "Computing Jacobian using forward-AD or forward-over-reverse Hessian is"
            "only implemented for `vectorize=True`.")
    return _jacobian_forward(func, inputs)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """J[i][j] = d outputs[i] / d inputs[j], shaped outputs[i].shape + inputs[j].shape.

    vectorize=True gives the same rows as vectorize=False: PyTorch only batches
    the backward passes with vmap there, which Ember does not have, so the
    rows are computed one backward pass each either way."""
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError(
            'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
            'function has more outputs than inputs, "forward-mode" tends to be more '
            'performant. Otherwise, prefer to use "reverse-mode".')
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError(
                "torch.autograd.functional.jacobian: `create_graph=True` and "
                '`strategy="forward-mode"` are not supported together (yet). Please either '
                'set `create_graph=False` or `strategy="reverse-mode"`.')
        return _jacfwd(func, inputs, strict, vectorize)

    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
        is_outputs_tuple, outputs = _call(func, inputs, "jacobian", strict)
        if vectorize and strict:
            raise RuntimeError(
                "torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are "
                "not supported together. Please either set `strict=False` or "
                "`vectorize=False`.")
        if vectorize:
            jac = _jacobian_batched(outputs, inputs, create_graph)
        else:
            jac = tuple(_jacobian_of_output(out, i, inputs, create_graph, strict)
                        for i, out in enumerate(outputs))
        jac = _grad_postprocess(jac, create_graph)
        return _tuple_postprocess(jac, (is_outputs_tuple, is_inputs_tuple))


def _vjp_rows(out, inputs, create_graph):
    """Per element of `out`, its gradients with respect to each input (None
    where no path leads): one backward pass each."""
    flat = out.reshape(-1)
    return [_autograd_grad((flat[j],), inputs, retain_graph=True, create_graph=create_graph)
            for j in range(out.nelement())]


def _jacobian_of_output(out, i, inputs, create_graph, strict):
    """The Jacobians of output `out` (number i) with respect to each input."""
    from .._creation import zeros_like
    from ..ops.shape import stack
    cols = tuple([] for _ in inputs)
    for vj in _vjp_rows(out, inputs, create_graph):
        for k, (col, g, inp) in enumerate(zip(cols, vj, inputs)):
            if g is not None:
                if strict and create_graph and not g.requires_grad:
                    raise RuntimeError(
                        f"The jacobian of the user-provided function is independent of input "
                        f"{i}. This is not allowed in strict mode when create_graph=True.")
            elif strict:
                raise RuntimeError(
                    f"Output {i} of the user-provided function is independent of input {k}. "
                    "This is not allowed in strict mode.")
            else:
                g = zeros_like(inp)
            col.append(g)
    return tuple(stack(col, dim=0).view(out.size() + inp.size())
                 for col, inp in zip(cols, inputs))


def _jacobian_batched(outputs, inputs, create_graph):
    """vectorize=True: PyTorch makes one batched backward pass (vmap) over
    the rows of all outputs together, then splits each input's block by
    output. Ember has no vmap, so the rows are computed one pass each, but
    assembled the same way: with create_graph, an input's blocks are then all
    on the graph as soon as one row is, as PyTorch's are."""
    from .._creation import zeros_like
    from ..ops.shape import stack
    numels = [out.nelement() for out in outputs]
    rows = list(_batched_rows(outputs, inputs, numels, create_graph))
    per_input = []
    for k, inp in enumerate(inputs):
        col = [vj[k] for vj in rows]
        if all(g is None for g in col):
            block = inp.new_zeros((sum(numels),) + tuple(inp.shape))
        else:
            block = stack([zeros_like(inp) if g is None else g for g in col], dim=0)
        per_input.append([jac.view(out.size() + inp.size())
                          for jac, out in zip(block.split(numels, dim=0), outputs)])
    return tuple(zip(*per_input))


def _batched_rows(outputs, inputs, numels, create_graph):
    """The rows of PyTorch's batched pass: each a backward pass from all the
    outputs at once, a one on one element and zeros elsewhere (so an input
    reached only through the other outputs gets their zero products, -0.0
    included, as in PyTorch, rather than no gradient)."""
    from .._creation import zeros
    for i, n in enumerate(numels):
        for j in range(n):
            gos = [zeros(out.shape, dtype=out.dtype) for out in outputs]
            gos[i].view(-1)[j] = 1
            yield _autograd_grad(outputs, inputs, gos, retain_graph=True,
                                 create_graph=create_graph)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """H[i][j] = d^2 func / d inputs[i] d inputs[j] of a single-element func:
    the Jacobian of the gradient."""
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def ensure_single_output_function(*inp):
        out = func(*inp)
        is_out_tuple, t_out = _as_tuple(out, "outputs of the user-provided function", "hessian")
        _check_requires_grad(t_out, "outputs", strict=strict)
        if is_out_tuple:
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out.nelement() != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should "
                               "contain a single element")
        return out.squeeze()

    def jac_func(*inp):
        if outer_jacobian_strategy == "forward-mode":
            # (the inner jacobian would otherwise detach them)
            inp = tuple(t.requires_grad_(True) for t in inp)
        jac = jacobian(ensure_single_output_function, inp, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict=strict)
        return jac

    res = jacobian(jac_func, inputs, create_graph=create_graph, strict=strict,
                   vectorize=vectorize, strategy=outer_jacobian_strategy)
    return _tuple_postprocess(res, (is_inputs_tuple, is_inputs_tuple))


def _single_output(func, inputs, fn_name, strict):
    is_outputs_tuple, outputs = _call(func, inputs, fn_name, strict)
    if is_outputs_tuple:
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].nelement() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should "
                           "contain a single element")
    return is_outputs_tuple, outputs


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T H) of a single-element func, shaped like the inputs."""
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vhp")
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
        v = _prepare_v(v, inputs, is_inputs_tuple, create_graph, "vhp", _V_NONE_INPUT)
        is_outputs_tuple, outputs = _single_output(func, inputs, "vhp", strict)
        jac = _autograd_grad(outputs, inputs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict=strict)
    return _product(outputs, is_outputs_tuple, jac, inputs, v, inputs, is_inputs_tuple,
                    strict, create_graph, "double_back")


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), H v) of a single-element func, shaped like the inputs, by
    the double backward trick (H v = (v^T H)^T only for a symmetric H)."""
    from .._creation import zeros_like
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hvp")
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
        v = _prepare_v(v, inputs, is_inputs_tuple, create_graph, "hvp", _V_NONE_INPUT)
        is_outputs_tuple, outputs = _single_output(func, inputs, "hvp", strict)
        jac = _autograd_grad(outputs, inputs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict=strict)
        grad_jac = tuple(zeros_like(inp, requires_grad=True) for inp in inputs)
        double_back = _autograd_grad(jac, inputs, grad_jac, create_graph=True)
        # (PyTorch checks `jac` again here, not double_back; kept.)
        _check_requires_grad(jac, "hessian", strict=strict)
    return _product(outputs, is_outputs_tuple, double_back, grad_jac, v, inputs, is_inputs_tuple,
                    strict, create_graph, "double_back_trick")
