"""torch.func's Jacobians: jacrev and jacfwd, vmaps of vjp and jvp over the
unit vectors as functorch composes them, and hessian, jacfwd of jacrev."""
from .._tensor import Tensor
from . import _vmap
from ._pytree import tree_flatten, tree_unflatten
from ._transforms import (_any_requires_grad, _finish, _grad, _needs_graph, _prepared_call,
                          _outputs, _replace_args, _slice_argnums, _split_aux, _transform,
                          _zeros_for_unused, jvp, vjp)

__all__ = ["jacrev", "jacfwd", "hessian"]


def _jacobian_tree(out_leaves, out_spec, in_leaves, in_spec, block):
    """The result's layout: the outputs' structure, each leaf holding the
    inputs' structure of blocks d out / d in (shape out.shape + in.shape)."""
    per_out = []
    for i, o in enumerate(out_leaves):
        blocks = [block(i, j) for j in range(len(in_leaves))]
        per_out.append(tree_unflatten(blocks, in_spec))
    return tree_unflatten(per_out, out_spec)


def _all_real(name, what, leaves):
    """The Jacobian transforms take real functions only, as PyTorch's."""
    for i, x in enumerate(leaves):
        if isinstance(x, Tensor) and x.is_complex():
            raise RuntimeError(f"{name}: Expected all {what} to be real but received complex "
                               f"tensor at flattened input idx: {i}")


def _basis(leaves):
    """One unit vector per element of all `leaves` together, as one batch per
    leaf (leaf i's rows are the identity on its own elements, zeros on the
    others'), and each leaf's range of rows."""
    from .. import eye
    sizes = [x.numel() for x in leaves]
    total, ranges, at = sum(sizes), [], 0
    for n in sizes:
        ranges.append((at, at + n))
        at += n
    batches = [eye(total, dtype=x.dtype)[:, a:b].reshape((total,) + tuple(x.shape))
               for x, (a, b) in zip(leaves, ranges)]
    return batches, ranges


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _preallocate_and_copy=False):
    """f -> (x -> the Jacobian of f at x): vmap of vjp over the unit cotangents,
    as functorch composes it. Ember's vjp inside vmap runs f on the batch, so
    f is run once more, on every cotangent at once, with the random state it
    saw the first time (randomness="same"), which it leaves as that run left it."""
    if not (chunk_size is None or chunk_size > 0):
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")

    def wrapper(*args, **kwargs):
        from .. import get_rng_state, zeros
        rng = get_rng_state()
        with _transform():
            outer, diff_in, output, aux = _prepared_call("jacrev", func, args, kwargs, argnums,
                                                         has_aux)
            out_leaves, out_spec = _outputs("jacrev", output)
            in_leaves, in_spec = tree_flatten(diff_in)
            _all_real("jacrev", "inputs", in_leaves)
            _all_real("jacrev", "outputs", out_leaves)
            cts, ranges = _basis(out_leaves)
            rows = None
            if ranges[-1][1] > 0 and any(o.requires_grad for o in out_leaves):
                nums, diff = _slice_argnums(args, argnums)

                def vjp_of(*ct):
                    # (an op given as func was taken before vmap wrapped it)
                    f = _vmap._as_wrapped(func)
                    _, fn, *_ = vjp(lambda *d: _split_aux("jacrev", f(*_replace_args(
                        args, nums, d if isinstance(nums, tuple) else d[0]), **kwargs),
                        has_aux)[0], *(diff if isinstance(nums, tuple) else (diff,)))
                    return tree_flatten(fn(tree_unflatten(list(ct), out_spec)))[0]
                rows = None if ranges[-1][1] == 1 else _rows_batched(vjp_of, cts, rng,
                                                                      chunk_size)
                if rows is None:    # (one row, or an f that vmap can't batch)
                    rows = _rows_one_by_one(out_leaves, in_leaves, _needs_graph(outer))

            def block(i, j):
                o, x = out_leaves[i], in_leaves[j]
                if rows is None:
                    return zeros(tuple(o.shape) + tuple(x.shape), dtype=o.dtype)
                a, b = ranges[i]
                return rows[j][a:b].reshape(tuple(o.shape) + tuple(x.shape))
            jac = _jacobian_tree(out_leaves, out_spec, in_leaves, in_spec, block)
        keep = _any_requires_grad(outer)
        return _finish((jac, aux) if has_aux else jac, keep)
    return wrapper


def _rows_batched(vjp_of, cts, rng, chunk_size):
    """vjp_of on every cotangent at once, f rerun from `rng`, the random state
    of its first run (the state after is put back); None where vmap can't
    batch f (data-dependent control flow, .item()), which PyTorch's jacrev
    runs unbatched."""
    from .. import get_rng_state, set_rng_state
    after = get_rng_state()
    set_rng_state(rng)
    try:
        return _vmap.vmap(vjp_of, randomness="same", chunk_size=chunk_size)(*cts)
    except Exception:   # noqa: BLE001 - any failure of the batched rerun: the loop
        return None
    finally:
        set_rng_state(after)


def _rows_one_by_one(out_leaves, in_leaves, graph):
    """The Jacobian's rows for each input (all outputs' elements in a row), by
    one reverse pass per output element."""
    from .. import stack, zeros
    per_row = []
    for o in out_leaves:
        flat = o.reshape(-1)
        for k in range(flat.numel()):
            if not o.requires_grad:
                per_row.append([None] * len(in_leaves))
                continue
            basis = zeros(flat.numel(), dtype=o.dtype)
            basis[k] = 1
            per_row.append(_grad(flat, in_leaves, basis, retain_graph=True, create_graph=graph,
                                 allow_unused=True))
    return [stack(_zeros_for_unused([r[j] for r in per_row], [x] * len(per_row)))
            for j, x in enumerate(in_leaves)]


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """f -> (x -> the Jacobian of f at x): vmap of jvp over the unit tangents,
    as functorch composes it."""
    if randomness not in ("error", "different", "same"):
        raise RuntimeError("Only allowed values for randomness are 'error', 'different', or "
                           f"'same'. Got {randomness}")

    def wrapper(*args, **kwargs):
        nums, diff = _slice_argnums(args, argnums)
        in_leaves, in_spec = tree_flatten(diff)
        for x in in_leaves:
            if not isinstance(x, Tensor):
                raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")
        _all_real("jacfwd", "inputs", in_leaves)
        tangents, ranges = _basis(in_leaves)
        if ranges[-1][1] == 0:
            # (functorch takes the output from the batch's first sample: there is none)
            raise IndexError("select(): index 0 out of range for tensor of size [0] at "
                             "dimension 0")

        def call(*leaves):
            # (an op given as func was taken before vmap wrapped it)
            return _vmap._as_wrapped(func)(
                *_replace_args(args, nums, tree_unflatten(list(leaves), in_spec)), **kwargs)

        def jvp_of(*ts):
            return jvp(call, tuple(in_leaves), ts, has_aux=has_aux)
        output, columns, *aux = _vmap.vmap(jvp_of, randomness=randomness)(*tangents)
        # (the output and aux do not vary with the tangent: one sample of each)
        output = _tree_map_tensors(lambda t: t[0], output)
        aux = _tree_map_tensors(lambda t: t[0], aux[0]) if has_aux else None
        out_leaves, out_spec = tree_flatten(output)
        _all_real("jacfwd", "outputs", out_leaves)
        col_leaves = tree_flatten(columns)[0]

        def block(i, j):
            o, x = out_leaves[i], in_leaves[j]
            a, b = ranges[j]
            return col_leaves[i][a:b].movedim(0, -1).reshape(tuple(o.shape) + tuple(x.shape))
        jac = _jacobian_tree(out_leaves, out_spec, in_leaves, in_spec, block)
        return (jac, aux) if has_aux else jac
    return wrapper


def _tree_map_tensors(fn, tree):
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([fn(x) if isinstance(x, Tensor) else x for x in leaves], spec)


def hessian(func, argnums=0):
    """f -> (x -> the Hessian of f at x): jacfwd of jacrev, as PyTorch composes it."""
    return jacfwd(jacrev(func, argnums), argnums)
