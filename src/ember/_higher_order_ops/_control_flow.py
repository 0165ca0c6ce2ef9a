"""torch._higher_order_ops' control flow operators, run eagerly.

PyTorch runs each of them through torch.compile even in eager mode; Ember
has no graph compiler, so each is the loop its dense kernel runs (the
same order of operations, so the same values), with PyTorch's argument
checks. The ops inside are recorded as usual, so gradients flow to the
operands and to tensors the functions capture alike; the nodes are those
ops' own, not PyTorch's single ScanAutogradOp/WhileLoopAutogradOp node.
"""
import builtins

from .._tensor import Tensor
from ..utils._pytree import tree_flatten, tree_leaves, tree_map, tree_unflatten

__all__ = ["while_loop", "scan", "associative_scan", "map"]


def _canonical_dim(ndim, dim):
    rank = max(ndim, 1)
    if -rank <= dim < rank:
        return dim % rank
    raise IndexError(f"Dimension out of range (expected to be in range of [{-rank}, "
                     f"{rank - 1}], but got {dim})")


# -- while_loop ---------------------------------------------------------------------

def while_loop(cond_fn, body_fn, carried_inputs):
    """body_fn(*carried) while cond_fn(*carried) is True; the last carry."""
    from .. import Size, bool as bool_
    if not callable(cond_fn) or not callable(body_fn):
        raise RuntimeError("Expect cond_fn and body_fn to be callable.")
    flat_inputs = tree_flatten((carried_inputs, ()))[0]
    if not all(isinstance(a, (Tensor, int)) for a in flat_inputs):
        raise AssertionError(
            f"{flat_inputs} can only be of ({_public('Tensor')}, <class 'int'>, "
            f"{_public('SymInt')}) but got {tuple(type(a) for a in flat_inputs)}")
    if not isinstance(carried_inputs, (tuple, list)):
        raise RuntimeError(f"carried_inputs must be a tuple or list but got "
                           f"{type(carried_inputs)}")

    def should_loop(carried):
        pred = cond_fn(*carried)
        if not (isinstance(pred, builtins.bool) or isinstance(pred, Tensor)
                and pred.size() == Size([]) and pred.dtype == bool_):
            raise RuntimeError("cond_fn must return a boolean scalar tensor or a boolean but "
                               f"got {pred}")
        return builtins.bool(pred)

    carried = carried_inputs
    if not should_loop(carried):
        return tuple(tree_map(lambda v: v.clone() if isinstance(v, Tensor) else v, c)
                     for c in carried)
    while True:
        out = body_fn(*carried)
        if not isinstance(out, tuple):
            raise AssertionError(f"body_fn should return a tuple but got {type(out)}")
        if len(out) != len(carried_inputs):
            raise AssertionError("body_fn should return the same number of elements as "
                                 f"carried_inputs, got {len(out)} vs {len(carried_inputs)}")
        carried = out
        if not should_loop(carried):
            return carried


def _public(name):
    from .. import _public_name
    return f"<class '{_public_name.name}.{name}'>"


# -- scan ---------------------------------------------------------------------------

def scan(combine_fn, init, xs, *, dim=0, reverse=False):
    """(final carry, outputs stacked along `dim`) of carry, y = combine_fn(carry, x)
    over the slices x of xs along `dim`."""
    from .. import flip, movedim, stack
    leaves_init, spec_init = tree_flatten(init)
    leaves_xs, spec_xs = tree_flatten(xs)
    if len(leaves_xs) == 0:
        return init, []
    dim = _canonical_dim(leaves_xs[0].ndim, dim)
    if not callable(combine_fn):
        raise RuntimeError(f"Combine_fn must be a callable, but got {combine_fn}")
    if not isinstance(dim, int):
        raise RuntimeError("Dim must be an int, but got " + str(type(dim)))
    if not isinstance(reverse, builtins.bool):
        raise RuntimeError("Reverse must be a bool, but got " + str(type(reverse)))
    if len(leaves_init) == 0:
        raise RuntimeError("scan() operator requires init leaves.")
    for x in leaves_init:
        if not isinstance(x, Tensor):
            raise RuntimeError(f"All init leaves must be a Tensor but got {x}")
    for x in leaves_xs:
        if not isinstance(x, Tensor):
            raise RuntimeError(f"All xs leaves must be a Tensor but got {x}")
    if any(x.ndim <= dim or x.shape[dim] == 0 for x in leaves_xs):
        raise RuntimeError("All xs leaves must at least have 'dim' number of dimensions and "
                           "scan dimension > 0")
    leaves_xs = [movedim(x, dim, 0) if dim != 0 else x for x in leaves_xs]
    if reverse:
        leaves_xs = [flip(x, [0]) for x in leaves_xs]
    carry, ys = tree_unflatten(leaves_init, spec_init), []
    for i in range(leaves_xs[0].shape[0]):
        out = combine_fn(carry, tree_unflatten([x.select(0, i) for x in leaves_xs], spec_xs))
        if not (isinstance(out, tuple) and len(out) == 2):
            raise RuntimeError("combine_fn needs to produce two pytrees, one for the carries "
                               "and one for the outputs.")
        carry, y = out
        ys.append(y)
    y_leaves = [tree_leaves(y) for y in ys]
    stacked = [stack([y[k] for y in y_leaves]) if isinstance(y_leaves[0][k], Tensor) else None
               for k in range(len(y_leaves[0]))]
    out = tree_unflatten(stacked, tree_flatten(ys[0])[1])
    if reverse:
        out = tree_map(lambda e: e.flip([0]) if isinstance(e, Tensor) else e, out)
    if dim != 0:
        out = tree_map(lambda e: movedim(e, 0, dim)
                       if isinstance(e, Tensor) and dim < e.ndim else e, out)
    return tree_unflatten(tree_leaves(carry), spec_init), out


# -- associative_scan ---------------------------------------------------------------

def associative_scan(combine_fn, xs, dim, reverse=False, combine_mode="pointwise"):
    """The inclusive scan of xs along `dim` with the associative combine_fn,
    by PyTorch's generic algorithm (pairs of neighbours, recursively)."""
    from ..func import vmap
    leaves, spec = tree_flatten(xs)
    dim = _canonical_dim(leaves[0].ndim, dim)
    if not callable(combine_fn):
        raise ValueError(f"Combine_fn must be a callable, but got {combine_fn}")
    if not isinstance(dim, int):
        raise ValueError("Dim must be an int, but got " + str(type(dim)))
    if not isinstance(reverse, builtins.bool):
        raise RuntimeError("Reverse must be a bool, but got " + str(type(reverse)))
    if combine_mode not in ["pointwise", "generic"]:
        raise ValueError(f"Combine_mode must either 'pointwise' or 'generic', but got "
                         f"{combine_mode}")
    if combine_mode == "pointwise" and not all(x.device.type in ("cuda", "xpu")
                                               for x in leaves):
        raise ValueError("For combine_mode='pointwise', all input tensors need to be on CUDA "
                         "or XPU")
    if any(not isinstance(x, Tensor) for x in leaves):
        raise ValueError("xs leaves must be a Tensor")
    if any(x.ndim <= dim or x.shape[dim] == 0 for x in leaves):
        raise ValueError("All xs leaves must at least have 'dim' number of dimensions and "
                         "scan dimension > 0")
    leaves = [x.movedim(dim, 0) for x in leaves]
    if reverse:
        leaves = [x.flip([0]) for x in leaves]
    in_dims = tree_unflatten([0] * len(leaves), spec)
    batched = vmap(combine_fn, in_dims=(in_dims, in_dims), out_dims=0)
    n = len(leaves)

    def call(*args):
        return tree_leaves(batched(tree_unflatten(list(args[:n]), spec),
                                   tree_unflatten(list(args[n:]), spec)))
    out = _generic_associative_scan(call, leaves)
    if reverse:
        out = [x.flip([0]) for x in out]
    return tree_unflatten([x.movedim(0, dim) for x in out], spec)


def _generic_associative_scan(call, elems):
    from .. import cat
    n = elems[0].shape[0]
    if n < 2:
        return elems
    reduced = call(*[e[0:-1:2] for e in elems],
                   *[e[1::2] for e in elems])
    odd = _generic_associative_scan(call, reduced)
    if n % 2 == 0:
        even = call(*[e[0:-1] for e in odd], *[e[2::2] for e in elems])
    else:
        even = call(*odd, *[e[2::2] for e in elems])
    even = [cat([e[0:1], r]) if r.numel() > 0 else e[0:1] for e, r in zip(elems, even)]
    return [_interleave(a, b) for a, b in zip(even, odd)]


def _interleave(a, b):
    from .. import cat, stack
    if a.shape[0] == b.shape[0] + 1:
        b = cat([b, a[-1:].new_zeros(a[-1:].shape)])
        return stack([a, b], dim=1).flatten(0, 1)[:-1]
    return stack([a, b], dim=1).flatten(0, 1)


# -- map ----------------------------------------------------------------------------

def map(f, xs, *args):
    """f over the first dim of xs (each leaf sliced alike), outputs stacked."""
    from .. import stack
    flat_xs, xs_spec = tree_flatten(xs)
    if not all(isinstance(t, Tensor) for t in flat_xs):
        raise RuntimeError(f"Mapped xs can only consist of tensors. Got xs {flat_xs}.")
    shapes = [x.shape for x in flat_xs]
    if shapes[0][0] == 0:
        raise RuntimeError("Leading dimensions of mapped xs cannot be 0.")
    if any(s[0] != shapes[0][0] for s in shapes):
        raise RuntimeError(f"Leading dimensions of mapped xs must be consistent. Got shapes "
                           f"{shapes}.")
    outs = [f(tree_unflatten([x.select(0, i) for x in flat_xs], xs_spec), *args)
            for i in range(shapes[0][0])]
    leaves = [tree_leaves(o) for o in outs]
    return tree_unflatten([stack([o[k] for o in leaves]) for k in range(len(leaves[0]))],
                          tree_flatten(outs[0])[1])

