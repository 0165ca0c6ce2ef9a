"""torch.func's autodiff transforms: grad, grad_and_value, vjp, jvp,
linearize (and, in _jacobians.py, jacrev, jacfwd and hessian built on them).

Each is a function of functions built on Ember's own autograd: reverse mode
(autograd.grad) for grad, vjp and jacrev; forward mode (autograd.forward_ad)
for jvp and jacfwd. They nest (grad(grad(f)), jacfwd(jacrev(f)) for the
Hessian): inside another transform, or when an input requires grad, the
inner gradient is computed with create_graph=True so the outer one can
differentiate it again. At the outermost level the results are detached,
as functorch's are, unless an input required grad outside.
"""
import contextlib

from .._tensor import Tensor
from ..autograd import _forward, forward_ad as fwAD
from ..autograd import grad as _autograd_grad
from ..autograd.grad_mode import enable_grad, is_grad_enabled
from ..autograd.function import func_transforms
from . import _vmap
from ._pytree import tree_flatten, tree_unflatten

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "linearize"]

# How many of these transforms are running (grad inside grad counts 2).
_depth = [0]


# -- arguments ----------------------------------------------------------------

def _validate_argnum(argnum, num_args):
    if not isinstance(argnum, int):
        raise RuntimeError(f"argnum must be int, got: {type(argnum)}")
    if 0 <= argnum < num_args:
        return argnum
    if -num_args <= argnum < 0:
        return argnum + num_args
    raise RuntimeError(f"Got argnum={argnum}, but only {num_args} positional inputs")


def _slice_argnums(args, argnums):
    """The differentiated arguments: args[argnums] (a tuple for a tuple)."""
    if not isinstance(argnums, (int, tuple)):
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    if isinstance(argnums, int):
        argnums = _validate_argnum(argnums, len(args))
        return argnums, args[argnums]
    argnums = tuple(_validate_argnum(a, len(args)) for a in argnums)
    if not argnums:
        raise RuntimeError("argnums must be non-empty")
    if len(set(argnums)) != len(argnums):
        raise RuntimeError(f"argnums elements must be unique, got {argnums}")
    return argnums, tuple(args[i] for i in argnums)


def _replace_args(args, argnums, new):
    if isinstance(argnums, int):
        return tuple(new if i == argnums else a for i, a in enumerate(args))
    return tuple(new[argnums.index(i)] if i in argnums else a for i, a in enumerate(args))


def _as_input(x):
    """The tensor a transform differentiates with respect to: connected to x's
    own history (if any) and carrying x's tangent (if any). Inside vmap, a
    batched one is a batch of such tensors, and an unbatched one is made one
    (so that its gradient comes out per sample)."""
    if not isinstance(x, Tensor):
        raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")
    return _fresh(_every_level(x, len(_vmap._levels) - 1))


def _every_level(x, top):
    """x batched at every vmap level up to `top` (innermost outermost, as the
    rules unwrap them): a level it isn't batched at gets its one value per
    sample. Batched at only some levels of nested vmaps, its gradient would
    be summed over the others' samples; an expand made after the fact (by
    _grad) would not even be on the graph."""
    if top < 0:
        return x
    if _vmap._levels[top][2:] == (_vmap.PER_SAMPLE,):     # (no batch at this level)
        return _every_level(x, top - 1)
    if _vmap.is_batched(x, top):
        return _vmap.wrap(_every_level(x._phys, top - 1), top)
    return _vmap.wrap(_vmap.batch_of(_every_level(x, top - 1), top), top)


def _fresh(x):
    if isinstance(x, _vmap.BatchedTensor):      # (a batch of an outer vmap)
        return _vmap.wrap(_fresh(x._phys), x._level)
    if x.requires_grad and is_grad_enabled():
        return x.view_as(x)
    fresh = x.detach()
    fresh.requires_grad = True      # (requires_grad_() refuses inside a transform, as PyTorch's)
    return _forward.carry(x, fresh)


def _grad(outputs, inputs, grad_outputs=None, **kwargs):
    """autograd.grad, also of BatchedTensors (inside vmap): differentiated
    through the batches behind them, one vmap level at a time."""
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    inputs = list(inputs)
    if grad_outputs is not None:
        grad_outputs = [grad_outputs] if isinstance(grad_outputs, Tensor) else list(grad_outputs)
    level = max([x._level for x in (*outputs, *inputs, *(grad_outputs or ()))
                 if isinstance(x, _vmap.BatchedTensor)], default=-1)
    if level < 0:
        return _autograd_grad(outputs, inputs, grad_outputs, **kwargs)
    n = _vmap.batch_size(level)
    if not any(_vmap.is_batched(o, level) for o in outputs):
        return _grad_per_sample(outputs, inputs, grad_outputs, level, n, kwargs)
    if grad_outputs is None:
        from .. import ones
        grad_outputs = [ones((n,) + tuple(o.shape), dtype=o.dtype) for o in outputs]
    else:
        grad_outputs = [_vmap.batch_of(g, level) for g in grad_outputs]
    found = _grad([_vmap.batch_of(o, level) for o in outputs],
                  [_vmap.batch_of(x, level) for x in inputs], grad_outputs, **kwargs)
    return [None if g is None else _vmap.wrap(g, level) for g in found]


def _grad_per_sample(outputs, inputs, grad_outputs, level, n, kwargs):
    """Batched cotangents for a graph recorded outside this vmap (vmap of a
    vjp function): one backward pass per sample, stacked."""
    from .. import stack
    per = []
    for b in range(n):
        gos = [g._phys.select(0, b) if _vmap.is_batched(g, level) else g for g in grad_outputs]
        per.append(_grad(outputs, inputs, gos, **{**kwargs, "retain_graph": True}))
    return [None if all(p[i] is None for p in per) else _vmap.wrap(stack(
        [p[i] if p[i] is not None else _zeros(inputs[i]) for p in per]), level)
        for i in range(len(inputs))]


@contextlib.contextmanager
def _transform():
    """The body of a reverse-mode transform: one level deeper, grad mode on."""
    _depth[0] += 1
    try:
        with enable_grad(), _counted():
            yield
    finally:
        _depth[0] -= 1


@contextlib.contextmanager
def _counted():
    """A torch.func transform running (autograd.Function asks)."""
    func_transforms[0] += 1
    try:
        yield
    finally:
        func_transforms[0] -= 1


def _prepared_call(api, func, args, kwargs, argnums, has_aux):
    """func on fresh differentiable stand-ins of args[argnums]: (the given
    leaves, the stand-ins, the output, aux). Inside _transform()."""
    nums, diff = _slice_argnums(args, argnums)
    diff_in = _tree_map(_as_input, diff)
    output, aux = _split_aux(api, func(*_replace_args(args, nums, diff_in), **kwargs), has_aux)
    return tree_flatten(diff)[0], diff_in, output, aux


def _needs_graph(leaves):
    """Whether a gradient must itself be differentiable: an outer transform,
    forward mode, or an input that requires grad outside will differentiate it."""
    return _depth[0] > 1 or _forward.level >= 0 or _any_requires_grad(leaves)


def _any_requires_grad(leaves):
    return any(isinstance(x, Tensor) and x.requires_grad for x in leaves)


def _finish(tree, keep):
    """At the outermost level, results without history (tangents kept)."""
    if keep or _depth[0] > 0:
        return tree
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([_detached(x) if isinstance(x, Tensor) else x for x in leaves], spec)


def _detached(x):
    """x without history, keeping its tangent (a batch's, inside vmap)."""
    if isinstance(x, _vmap.BatchedTensor):
        return _vmap.wrap(_detached(x._phys), x._level)
    return _forward.carry(x, x.detach())


def _zeros_for_unused(grads, inputs):
    return [g if g is not None else _zeros(x) for g, x in zip(grads, inputs)]


# How PyTorch's messages name each transform (jacrev's come from its vjp)
_CALLS = {"grad_and_value": "grad_and_value(f)(*args)", "vjp": "vjp(f, *primals)",
          "jacrev": "vjp(f, *primals)", "jvp": "jvp(f, primals, tangents)"}


def _split_aux(api, output, has_aux):
    if not has_aux:
        return output, None
    if not (isinstance(output, tuple) and len(output) == 2):
        raise RuntimeError(f"{_CALLS[api]}: output of function f should be a tuple: "
                           "(output, aux) if has_aux is True")
    _tensor_leaves(output[1])     # (aux: tensors only, as functorch unwraps them)
    return output


def _outputs(api, output):
    """The tensors f returned to vjp (jacrev) or jvp (jacfwd), and their
    layout: PyTorch's errors for none, and for a leaf that is no tensor."""
    leaves, spec = tree_flatten(output)
    if not leaves or (len(leaves) == 1 and leaves[0] is None):
        raise RuntimeError(f"{_CALLS[api]}: Expected f to be a function that has non-empty "
                           f"output (got output = {leaves})")
    _tensor_leaves(output, f"{_CALLS[api]}: expected f(*primals) to return only tensors")
    if api != "jvp":
        for o in leaves:
            if not (o.is_floating_point() or o.is_complex()):
                raise RuntimeError("vjp(f, ...): All outputs of f must be floating-point or "
                                   f"complex Tensors, got Tensor with dtype {o.dtype}")
    return leaves, spec


# -- grad ---------------------------------------------------------------------

def grad_and_value(func, argnums=0, has_aux=False):
    """f -> (x -> (df/dx, f(x))) for f returning a scalar tensor (and aux)."""
    def wrapper(*args, **kwargs):
        with _transform():
            outer, diff_in, output, aux = _prepared_call("grad_and_value", func, args, kwargs,
                                                         argnums, has_aux)
            if not isinstance(output, Tensor):
                raise RuntimeError("grad_and_value(f)(*args): Expected f(*args) to return "
                                   f"a Tensor, got {type(output)}")
            if output.dim() != 0:
                raise RuntimeError(
                    "grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, "
                    f"got tensor with {output.dim()} dims. Maybe you wanted to use the vjp "
                    "or jacrev APIs instead?")
            flat, spec = tree_flatten(diff_in)
            if output.requires_grad:
                grads = _grad(output, flat, create_graph=_needs_graph(outer),
                                       allow_unused=True)
            else:
                grads = [None] * len(flat)
            grads = tree_unflatten(_zeros_for_unused(grads, flat), spec)
        keep = _any_requires_grad(outer)
        if has_aux:
            return _finish((grads, (output, aux)), keep)
        return _finish((grads, output), keep)
    return wrapper


def grad(func, argnums=0, has_aux=False):
    """f -> (x -> df/dx) for f returning a scalar tensor."""
    both = grad_and_value(func, argnums, has_aux)

    def wrapper(*args, **kwargs):
        g, value = both(*args, **kwargs)
        return (g, value[1]) if has_aux else g
    return wrapper


def _tree_map(fn, tree):
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([fn(x) for x in leaves], spec)


# -- vjp ----------------------------------------------------------------------

def _tensor_leaves(output, expected="Expected tensors"):
    """The leaves and layout of `output`, refusing a leaf that is not a tensor
    (`expected` opens the message)."""
    leaves, spec = tree_flatten(output)
    for o in leaves:
        if not isinstance(o, Tensor):
            raise RuntimeError(f"{expected}, got unsupported type {type(o)}")
    return leaves, spec


def vjp(func, *primals, has_aux=False):
    """(f(*primals), vjp_fn[, aux]): vjp_fn(cotangents) gives a tuple with the
    vector-Jacobian product for each primal."""
    outer = tree_flatten(primals)[0]
    with _transform():
        inputs = _tree_map(_as_input, primals)
        output, aux = _split_aux("vjp", func(*inputs), has_aux)
        out_leaves, out_spec = _outputs("vjp", output)
    in_leaves, in_spec = tree_flatten(inputs)
    keep = _any_requires_grad(outer)

    def vjp_fn(cotangents, *, retain_graph=True, create_graph=None):
        ct_leaves, ct_spec = tree_flatten(cotangents)
        from ..utils import _pytree     # (its specs compare and print as PyTorch's do)
        ct_tree, out_tree = _pytree.tree_flatten(cotangents)[1], _pytree.tree_flatten(output)[1]
        if ct_tree != out_tree:
            raise RuntimeError(
                "Expected pytree structure of cotangents to be the same as pytree structure "
                f"of outputs to the function. cotangents: {_pytree.treespec_pprint(ct_tree)}, "
                f"primal output: {_pytree.treespec_pprint(out_tree)}")
        if create_graph is None:
            create_graph = (_needs_graph(outer)
                            or is_grad_enabled() and _any_requires_grad(ct_leaves))
        pairs = [(o, c) for o, c in zip(out_leaves, ct_leaves) if o.requires_grad]
        if pairs:
            grads = _grad([o for o, _ in pairs], in_leaves, [c for _, c in pairs],
                                   retain_graph=retain_graph, create_graph=create_graph,
                                   allow_unused=True)
        else:
            for o, c in zip(out_leaves, ct_leaves):
                if tuple(o.shape) != tuple(c.shape):
                    raise RuntimeError("Mismatch in shape")
            grads = [None] * len(in_leaves)
        return _finish(tree_unflatten(_zeros_for_unused(grads, in_leaves), in_spec),
                       keep or create_graph)

    result = (_finish(output, keep), vjp_fn)
    return result + (_finish(aux, keep),) if has_aux else result


# -- jvp ----------------------------------------------------------------------

def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """(f(*primals), J·tangents[, aux]) by forward-mode AD."""
    if strict:
        raise RuntimeError("jvp(f, primals, tangents): strict=True is not supported.")
    if not isinstance(primals, tuple):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals to be a tuple. "
                           "E.g. it should be valid to call f(*primals).")
    p_leaves, p_spec = tree_flatten(primals)
    t_leaves, _ = tree_flatten(tangents)
    if not isinstance(tangents, tuple) or len(t_leaves) != len(p_leaves):
        raise RuntimeError(
            "jvp(f, primals, tangents): Expected primals and tangents to have the same python "
            "structure. For example, if primals is a tuple of 3 tensors, tangents also must "
            f"be. Got primals with structure {p_spec} and tangents with structure "
            f"{tree_flatten(tangents)[1]}")
    for name, leaves in (("primals", p_leaves), ("tangents", t_leaves)):
        for x in leaves:
            if not isinstance(x, Tensor):
                raise RuntimeError(f"jvp(f, primals, tangents): Expected {name} to only "
                                   f"contain Tensors, got {type(x)}")
    if _forward.level >= 0:
        # inside another jvp (jacfwd of jacfwd): Ember has one dual level, so
        # this one is computed by reverse mode, which the outer level sees through
        values, jvps, out_spec, aux = _jvp_by_double_backward(func, p_leaves, p_spec,
                                                              t_leaves, has_aux)
    else:
        with fwAD.dual_level(), _counted():
            duals = tree_unflatten([fwAD.make_dual(p, t) for p, t in zip(p_leaves, t_leaves)],
                                   p_spec)
            output, aux = _split_aux("jvp", func(*duals), has_aux)
            out_leaves, out_spec = _outputs("jvp", output)
            pairs = [fwAD.unpack_dual(o) for o in out_leaves]
            # functorch returns each primal output as an alias of the dual's
            # primal (AliasBackward0), not unpack_dual's view
            values = [fwAD._alias(o, _alias_node()) if p is not o and type(p) is Tensor else p
                      for o, (p, _) in zip(out_leaves, pairs)]
            jvps = [t if t is not None else _zeros(p) for p, t in pairs]
    result = (tree_unflatten(values, out_spec), tree_unflatten(jvps, out_spec))
    keep = _any_requires_grad((*p_leaves, *t_leaves))
    return _finish(result + (aux,) if has_aux else result, keep)


def _alias_node():
    from ..ops.shape import AliasBackward0
    return AliasBackward0


def _jvp_by_double_backward(func, p_leaves, p_spec, t_leaves, has_aux):
    """J·t as the gradient, with respect to a stand-in cotangent u, of
    <vjp(u), t> (vjp is linear in u)."""
    with _transform():
        xs = [_as_input(p) for p in p_leaves]
        output, aux = _split_aux("jvp", func(*tree_unflatten(xs, p_spec)), has_aux)
        out_leaves, out_spec = _outputs("jvp", output)
        us = [_fresh(_zeros(o)) for o in out_leaves]
        pairs = [(o, u) for o, u in zip(out_leaves, us) if o.requires_grad]
        jvps = [None] * len(out_leaves)
        if pairs:
            gs = _grad([o for o, _ in pairs], xs, [u for _, u in pairs], create_graph=True,
                       allow_unused=True)
            used = [(g, t) for g, t in zip(gs, t_leaves) if g is not None]
            if used:
                found = _grad([g for g, _ in used], us, [t for _, t in used],
                              create_graph=True, allow_unused=True)
                jvps = list(found)
    jvps = [j if j is not None else _zeros(o) for j, o in zip(jvps, out_leaves)]
    return out_leaves, jvps, out_spec, aux


def _zeros(t):
    from .. import zeros_like
    return zeros_like(t)


def linearize(func, *primals):
    """(f(*primals), jvp_fn): jvp_fn(*tangents) gives J·tangents at primals."""
    output = func(*primals)

    def jvp_fn(*tangents):
        return jvp(func, primals, tangents)[1]
    return output, jvp_fn
