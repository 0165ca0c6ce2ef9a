"""torch.func.vmap: a function of one sample run on a whole batch at once.

Inside vmap a batched value is a `BatchedTensor`: it shows one sample
(`shape`, `dim()`, ... are a sample's) and holds all of them in `_phys`, an
ordinary tensor whose first dim is the batch. While a vmap runs, the public
ops (`ember.*`, `Tensor` methods and operators, `nn.functional`) are wrapped
(the profiler's list of them: autograd/_profiler_hooks.py); a call with a
BatchedTensor among its arguments goes to the op's batching rule
(_batching_rules.py), which runs the op once on the `_phys` tensors with its
dims shifted past the batch. Ops without a rule run once per sample and are
stacked: correct, and slower.

Because the rules run ordinary ops on ordinary tensors, autograd inside
vmap (vmap(grad(f)), per-sample gradients) needs nothing of its own: the
engine differentiates the batched computation, whose samples do not mix.
Nested vmaps give each level its own BatchedTensors; a rule unwraps the
innermost level and calls the ops again, which unwrap the next.
Outside vmap nothing is wrapped and nothing is checked.
"""
from .._subclass import disabled_impl
from .._tensor import Size, Tensor
from ._pytree import _is_namedtuple, tree_flatten, tree_unflatten
from ._vmap_install import _by_original, _install, _restore, _wrapped

__all__ = ["vmap", "BatchedTensor"]

# The running vmaps, innermost last: (batch size, randomness).
_levels = []
PER_SAMPLE = "per sample"   # a level's third entry while it runs once per sample
_RANDOMNESS = ("error", "different", "same")


class BatchedRead(RuntimeError):
    """Raised where code reads a BatchedTensor's values directly: an op
    called through a reference taken before vmap wrapped the ops (`act =
    torch.tanh`, a module's `self.act = F.gelu`). The vmap of that level then
    runs its function once per sample instead (see _run)."""

    def __init__(self, level):
        super().__init__("ember: this operation is not supported inside vmap (it reads a "
                         "batched tensor's values directly)")
        self.level = level


class BatchedTensor(Tensor):
    """One sample's view of a batch of values, inside vmap at `level`."""
    __torch_function__ = disabled_impl      # (vmap's batching rules see it instead)

    def __new__(cls, phys, level):
        self = object.__new__(cls)
        self.__dict__["_phys"], self.__dict__["_level"] = phys, level
        return self

    # What Tensor reads from its array: not available inside vmap, so that an
    # op without a batching rule cannot silently compute on the whole batch.
    @property
    def _data(self):
        raise BatchedRead(self._level)

    @property
    def _requires_grad(self):
        return self._phys.requires_grad

    @property
    def _grad_fn(self):
        return self._phys.grad_fn

    @property
    def shape(self):
        return Size(tuple(self._phys.shape)[1:])

    def size(self, dim=None):
        return self.shape if dim is None else self.shape[dim]

    def dim(self):
        return self._phys.dim() - 1

    ndim = property(dim)

    def numel(self):
        return self.shape.numel()

    def __len__(self):
        if self.dim() == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    @property
    def dtype(self):
        return self._phys.dtype

    @property
    def device(self):
        return self._phys.device

    @property
    def requires_grad(self):
        return self._phys.requires_grad

    @property
    def grad_fn(self):
        return self._phys.grad_fn

    @property
    def is_leaf(self):
        return self._phys.is_leaf

    def is_floating_point(self):
        return self._phys.is_floating_point()

    def is_complex(self):
        return self._phys.is_complex()

    # (properties, so no op wrapper sees them: the parts of the batch, batched)
    real = property(lambda self: BatchedTensor(self._phys.real, self._level))
    imag = property(lambda self: BatchedTensor(self._phys.imag, self._level))

    def element_size(self):
        return self._phys.element_size()

    def __repr__(self):
        return f"BatchedTensor(lvl={self._level + 1}, bdim=0, value=\n{self._phys!r}\n)"

    def _data_dependent(self, *args):
        raise RuntimeError(
            "vmap: It looks like you're attempting to use a Tensor in some data-dependent "
            "control flow. We don't support that yet, please file an issue at "
            "https://github.com/pytorch/pytorch/issues .")

    __bool__ = __float__ = __int__ = __index__ = _data_dependent

    def item(self):
        raise RuntimeError(
            "vmap: It looks like you're calling .item() on a Tensor. We don't support vmap "
            "over calling .item() on a Tensor, please try to rewrite what you're doing with "
            "other operations. If error is occurring somewhere inside PyTorch internals, "
            "please file a bug report.")

    def tolist(self):
        self.item()

    def numpy(self, *, force=False):
        raise RuntimeError("Can't call numpy() on a Tensor inside vmap: it holds a batch of "
                           "values. Return it from the vmapped function instead.")

    __hash__ = Tensor.__hash__


def batch_size(level):
    return _levels[level][0]


def is_batched(x, level):
    return isinstance(x, BatchedTensor) and x._level == level


def wrap(phys, level):
    return BatchedTensor(phys, level)


def batch_of(x, level):
    """x as a batch of vmap `level` (batch dim first): its own batch if it
    is batched there, else its one value for every sample (expanded, not
    copied)."""
    if is_batched(x, level):
        return x._phys
    return x.unsqueeze(0).expand((batch_size(level),) + tuple(x.shape))


def call(name, *args, **kwargs):
    """The op `name` as the user calls it (through its vmap wrapper)."""
    import ember
    fn = _wrapped.get(name)
    if fn is None:
        fn = getattr(ember, name)
    return fn(*args, **kwargs)


# -- vmap ----------------------------------------------------------------------

def _name(func):
    return getattr(func, "__name__", repr(func))


def _broadcast_to_and_flatten(dims, spec):
    """`dims` per leaf: a leaf of `dims` (an int, None, anything not a
    container) stands for every leaf under its place in `spec`; a container
    must be of the tree's own type there (a dict: the same keys), or None."""
    if not isinstance(dims, (tuple, list, dict)):
        return [dims] * spec.num_leaves
    kind = "namedtuple" if _is_namedtuple(dims) else type(dims)
    if kind != spec.kind or (kind == "namedtuple" and type(dims) is not spec.meta):
        return None
    children = spec.children
    if isinstance(dims, dict):
        if set(dims) != set(spec.meta):
            return None
        # (listed in dims' own key order, then paired with the leaves in the
        # tree's order, as PyTorch's pytree does: keyed in another order than
        # the tree, a dim lands on another key's leaf)
        children = [spec.children[spec.meta.index(k)] for k in dims]
        dims = list(dims.values())
    elif len(dims) != len(children):
        return None
    out = []
    for d, child in zip(dims, children):
        sub = _broadcast_to_and_flatten(d, child)
        if sub is None:
            return None
        out += sub
    return out


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """func over a batch: the inputs' `in_dims` are mapped over, the outputs
    stacked along `out_dims`."""
    if randomness not in _RANDOMNESS:
        raise RuntimeError("Only allowed values for randomness are 'error', 'different', or "
                           f"'same'. Got {randomness}")
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got "
                         f"{chunk_size})")

    def wrapped(*args, **kwargs):
        n, flat_dims, flat_args, spec = _process_inputs(func, in_dims, args)
        if chunk_size is None or chunk_size >= n:
            return _run(func, n, flat_dims, flat_args, spec, kwargs, out_dims, randomness)
        from .. import cat
        chunks = []
        for start in range(0, n, chunk_size):
            size = min(chunk_size, n - start)
            part = [a.narrow(d, start, size) if d is not None else a
                    for a, d in zip(flat_args, flat_dims)]
            chunks.append(_run(func, size, flat_dims, part, spec, kwargs, out_dims,
                               randomness))
        leaves0, out_spec = tree_flatten(chunks[0])
        flat_out_dims = _out_dims_for(func, out_dims, chunks[0], out_spec)
        merged = [cat([tree_flatten(c)[0][i] for c in chunks], dim=d) if d is not None
                  else leaves0[i] for i, d in enumerate(flat_out_dims)]
        return tree_unflatten(merged, out_spec)
    return wrapped


def _process_inputs(func, in_dims, args):
    if not isinstance(in_dims, (int, tuple)):
        raise ValueError(
            f"vmap({_name(func)}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` to be "
            "int or a (potentially nested) tuple matching the structure of inputs, got: "
            f"{type(in_dims)}.")
    if not args:
        raise ValueError(
            f"vmap({_name(func)})(<inputs>): got no inputs. Maybe you forgot to add inputs, "
            "or you are trying to vmap over a function with no inputs. The latter is "
            "unsupported.")
    flat_args, spec = tree_flatten(args)
    flat_dims = _broadcast_to_and_flatten(in_dims, spec)
    if flat_dims is None:
        from ..utils import _pytree     # (its TreeSpec prints as PyTorch's does)
        raise ValueError(
            f"vmap({_name(func)}, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible "
            f"with the structure of `inputs`. in_dims has structure "
            f"{_pytree.tree_flatten(in_dims)[1]} but inputs has structure "
            f"{_pytree.tree_flatten(args)[1]}.")
    for i, (arg, d) in enumerate(zip(flat_args, flat_dims)):
        prefix = f"vmap({_name(func)}, in_dims={in_dims}, ...)(<inputs>): "
        if d is not None and not isinstance(d, int):
            raise ValueError(prefix + f"Got in_dim={d} for an input but in_dim must be either "
                             "an integer dimension or None.")
        if isinstance(d, int) and not isinstance(arg, Tensor):
            raise ValueError(prefix + f"Got in_dim={d} for an input but the input is of type "
                             f"{type(arg)}. We cannot vmap over non-Tensor arguments, please "
                             "use None as the respective in_dim")
        if d is not None and not -arg.dim() <= d < arg.dim():
            raise ValueError(prefix + f"Got in_dim={d} for some input, but that input is a "
                             f"Tensor of dimensionality {arg.dim()} so expected in_dim to "
                             f"satisfy -{arg.dim()} <= in_dim < {arg.dim()}.")
        if d is not None and d < 0:
            flat_dims[i] = d % arg.dim()
    sizes = [a.size(d) for a, d in zip(flat_args, flat_dims) if d is not None]
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if any(s != sizes[0] for s in sizes):
        raise ValueError("vmap: Expected all tensors to have the same size in the mapped "
                         f"dimension, got sizes {sizes} for the mapped dimension")
    return sizes[0], flat_dims, flat_args, spec


def _run(func, n, flat_dims, flat_args, spec, kwargs, out_dims, randomness):
    level = len(_levels)
    _levels.append((n, randomness))
    if level == 0:
        _install()
    try:
        batched = [wrap(a.movedim(d, 0) if d else a, level) if d is not None else a
                   for a, d in zip(flat_args, flat_dims)]
        try:
            out = _as_wrapped(func)(*tree_unflatten(batched, spec), **kwargs)
        except BatchedRead as e:
            if e.level != level:
                raise
            return _per_sample_run(func, n, flat_dims, flat_args, spec, kwargs, out_dims,
                                   randomness, level)
        leaves, out_spec = tree_flatten(out)
        flat_out_dims = _out_dims_for(func, out_dims, out, out_spec)
        results = [_unbatch(func, x, level, d) for x, d in zip(leaves, flat_out_dims)]
    finally:
        _levels.pop()
        if level == 0:
            _restore()
    return tree_unflatten(results, out_spec)


def _per_sample_run(func, n, flat_dims, flat_args, spec, kwargs, out_dims, randomness, level):
    """vmap's last resort, for a function that reached an op past vmap's
    wrappers (BatchedRead): the function once per sample, the results
    stacked along out_dims. The same values, without the batched speed.
    Random ops still follow `randomness`: 'error' refuses them, 'same'
    draws the same numbers for every sample, 'different' draws anew."""
    from .. import default_generator, stack
    # (a random op on unbatched values then draws once per call; PER_SAMPLE:
    # the transforms inside batch nothing at this level)
    _levels[level] = (n, "error" if randomness == "error" else "same", PER_SAMPLE)
    state = default_generator.get_state() if randomness == "same" else None
    outs = []
    for b in range(n):
        if state is not None:
            default_generator.set_state(state)
        sample = [a.select(d, b) if d is not None else a for a, d in zip(flat_args, flat_dims)]
        outs.append(func(*tree_unflatten(sample, spec), **kwargs))
    leaves, out_spec = tree_flatten(outs[0])
    flat_out_dims = _out_dims_for(func, out_dims, outs[0], out_spec)
    columns = zip(*(tree_flatten(o)[0] for o in outs))
    results = []
    for first, column, d in zip(leaves, columns, flat_out_dims):
        if d is None:
            results.append(first)
        elif not isinstance(first, Tensor):
            _unbatch(func, first, -1, d)    # (raises vmap's error for a non-Tensor output)
        else:
            results.append(stack(column, dim=d))
    return tree_unflatten(results, out_spec)


def _as_wrapped(func):
    """func as vmap sees it: an op taken before vmap wrapped it
    (vmap(ember.dot), vmap(MyFunction.apply)) is the wrapped op."""
    w = _by_original.get(id(func))
    if w is not None:
        return w
    owner = getattr(func, "__self__", None)
    if isinstance(owner, type) and getattr(func, "__name__", None) == "apply":
        return getattr(owner, "apply")      # (a Function's apply, bound to its class)
    return func


def _out_dims_for(func, out_dims, out, out_spec):
    if isinstance(out, Tensor):
        if isinstance(out_dims, tuple) and len(out_dims) == 1:
            return list(out_dims)
        if out_dims is None or isinstance(out_dims, int):
            return [out_dims]
        flat = None
    else:
        flat = _broadcast_to_and_flatten(out_dims, out_spec)
    if flat is None:
        from ..utils import _pytree      # (its TreeSpec prints as PyTorch's does)
        raise ValueError(
            f"vmap({_name(func)}, ..., out_dims={out_dims})(<inputs>): out_dims is not "
            f"compatible with the structure of `outputs`. out_dims has structure "
            f"{_pytree.tree_flatten(out_dims)[1]} but outputs has structure "
            f"{_pytree.tree_flatten(out)[1]}.")
    for d in flat:
        if d is not None and not isinstance(d, int):
            raise ValueError(
                f"vmap({_name(func)}, ..., out_dims={out_dims}): `out_dims` must be an int, "
                "None or a python collection of ints representing where in the outputs the "
                "vmapped dimension should appear.")
    return flat


def _unbatch(func, x, level, out_dim):
    name = _name(func)
    if out_dim is None:
        if is_batched(x, level):
            raise ValueError(f"vmap({name}, ...): `{name}` can not return a BatchedTensor "
                             "when out_dim is None")
        return x
    if not isinstance(x, Tensor):
        raise ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got type "
                         f"{type(x)}. Did you mean to set out_dims= to None for output?")
    # (not batched: the same value for every sample, as functorch returns it)
    phys = batch_of(x, level)
    if out_dim < 0:
        out_dim += phys.dim()
    return phys.movedim(0, out_dim) if out_dim else phys


def _innermost(args, kwargs):
    level = -1
    for a in args:
        if isinstance(a, BatchedTensor):
            level = max(level, a._level)
        elif isinstance(a, (list, tuple)):
            for b in a:
                if isinstance(b, BatchedTensor):
                    level = max(level, b._level)
    for a in kwargs.values():
        if isinstance(a, BatchedTensor):
            level = max(level, a._level)
    return level


def _dispatching(fn, name):
    from . import _batching_random, _batching_rules as rules

    def op(*args, **kwargs):
        level = _innermost(args, kwargs)
        if level < 0:
            if name in _batching_random.RANDOM and _levels:
                return _batching_random.unbatched(fn, name, args, kwargs)
            return fn(*args, **kwargs)
        return rules.dispatch(fn, name, level, args, kwargs)
    op.__name__ = getattr(fn, "__name__", name)
    op.__qualname__ = getattr(fn, "__qualname__", op.__name__)
    op.__doc__ = fn.__doc__
    op.__wrapped__ = fn
    return op
