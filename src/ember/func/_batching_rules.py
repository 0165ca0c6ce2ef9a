"""Batching rules: how an op runs on a whole batch inside vmap (_vmap.py).

A rule gets the op's arguments with BatchedTensors of the innermost vmap
`level` among them; `phys(x)` is the batch behind one (batch first), and the
rule calls ordinary ops on those, then `wrap`s the result. Ops go by their
PyTorch name, so one rule serves `ember.sum`, `Tensor.sum` and `F.x` alike:

- element-wise ops: the batched inputs' dims lined up (a sample of rank r
  in a result of rank R gets R - r unit dims after the batch), one call;
- reductions, softmax, and shape ops: their `dim`s shifted past the batch;
- matrix products (dot, mv, mm, bmm, matmul, linear, addmm, ...): functorch's
  rules and decompositions (_batching_products.py);
- convolutions, pooling and losses: the batch merged into the op's own
  batch dim (per-sample weights by grouping);
- any other op: once per sample, stacked (correct, and slower).
"""
from .._tensor import Tensor
from ..autograd import _forward
from . import _batching_random
from ._vmap import batch_of, batch_size, call, is_batched, wrap
from ._pytree import rebuilt

__all__ = ["dispatch"]


def dispatch(fn, name, level, args, kwargs):
    fn = _redispatching(fn, name)
    if name in _batching_random.RANDOM:     # (before RULES: poisson is element-wise too)
        return _batching_random.batched(fn, name, level, args, kwargs)
    rule = RULES.get(name)
    if rule is None and name.endswith("_") and not name.startswith("_") \
            and name[:-1] in ELEMENTWISE:
        rule = _inplace_elementwise
    if rule is None:
        rule = _per_sample
    return rule(fn, name, level, args, kwargs)


def _redispatching(fn, name):
    """fn, for a rule to call on the batches: those of an outer vmap among
    them go to their own level's rule in turn."""
    from ._vmap import _innermost

    def op(*args, **kwargs):
        level = _innermost(args, kwargs)
        if level < 0:
            return fn(*args, **kwargs)
        return dispatch(fn, name, level, args, kwargs)
    return op


def phys(x, level):
    return x._phys if is_batched(x, level) else x


def _rank(x):
    return x.dim() if isinstance(x, Tensor) else 0


# -- any op: once per sample -----------------------------------------------------

def _sample(x, level, b):
    if is_batched(x, level):
        return x._phys.select(0, b)
    if isinstance(x, (list, tuple)) and any(is_batched(v, level) for v in x):
        return type(x)(_sample(v, level, b) for v in x)
    return x


def _per_sample(fn, name, level, args, kwargs):
    n = batch_size(level)
    outs = [fn(*[_sample(a, level, b) for a in args],
               **{k: _sample(v, level, b) for k, v in kwargs.items()}) for b in range(n)]
    return _stack_results(outs, level)


def _stack_results(outs, level):
    first = outs[0]
    if isinstance(first, Tensor):
        return wrap(call("stack", outs), level)
    if isinstance(first, tuple):
        parts = [_stack_results([o[i] for o in outs], level) for i in range(len(first))]
        return rebuilt(first, parts)
    if first is None or all(o == first for o in outs):
        return first
    raise RuntimeError("vmap: the function returned a different Python value for each "
                       "sample, which cannot be batched")


# -- element-wise ----------------------------------------------------------------

def _aligned(args, level, rank):
    """Batched arguments reshaped so their sample dims line up with a
    result of `rank` dims (unbatched ones broadcast as they are)."""
    out = []
    for a in args:
        if is_batched(a, level):
            p = a._phys
            pad = rank - a.dim()
            if pad > 0:
                p = p.reshape((p.shape[0],) + (1,) * pad + tuple(a.shape))
            out.append(p)
        elif isinstance(a, (list, tuple)) and any(is_batched(v, level) for v in a):
            out.append(type(a)(_aligned(a, level, rank)))
        else:
            out.append(a)
    return out


def _elementwise(fn, name, level, args, kwargs):
    tensors = [a for a in (*args, *kwargs.values()) if isinstance(a, Tensor)]
    rank = max(t.dim() for t in tensors)
    new_args = _aligned(args, level, rank)
    keys = list(kwargs)
    new_kwargs = dict(zip(keys, _aligned([kwargs[k] for k in keys], level, rank)))
    return wrap(fn(*new_args, **new_kwargs), level)


def elementwise_kernel(fn, inputs, level):
    """An element-wise backward kernel (_common.kernel_node) on the batch."""
    return _elementwise(fn, "kernel", level, list(inputs), {})


def _inplace_elementwise(fn, name, level, args, kwargs):
    if not is_batched(args[0], level):
        # (what PyTorch reports: the batched result cannot fit the unbatched self)
        shape = list(args[0].shape)
        raise RuntimeError(f"output with shape {shape} doesn't match the broadcast shape "
                           f"{[batch_size(level)] + shape}")
    self = args[0]
    rank = max(_rank(a) for a in (*args, *kwargs.values()))
    if self.dim() < rank:
        raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast "
                           "shape")
    fn(*_aligned(args, level, rank), **kwargs)
    return self


# -- reductions and dims ---------------------------------------------------------

def _shift(dim, rank):
    """A sample's dim (negative allowed) as the batch's dim."""
    if dim is None:
        return None
    if isinstance(dim, (tuple, list)):
        return tuple(_shift(d, rank) for d in dim)
    if not -max(rank, 1) <= dim < max(rank, 1):
        raise IndexError(f"Dimension out of range (expected to be in range of "
                         f"[{-max(rank, 1)}, {max(rank, 1) - 1}], but got {dim})")
    return (dim % max(rank, 1)) + 1 if rank else 1


def _get(args, kwargs, pos, key, default=None):
    if key in kwargs:
        return kwargs[key]
    return args[pos] if len(args) > pos else default


def _set(args, kwargs, pos, key, value):
    if key in kwargs or len(args) <= pos:
        kwargs = dict(kwargs)
        kwargs[key] = value
        return args, kwargs
    args = list(args)
    args[pos] = value
    return tuple(args), kwargs


def _reduction(fn, name, level, args, kwargs, dim_pos=1):
    x = args[0]
    if len(args) > 1 and isinstance(args[1], Tensor):     # max(a, b): element-wise
        return _elementwise(fn, name, level, args, kwargs)
    dim = _get(args, kwargs, dim_pos, "dim")
    if not is_batched(x, level) or isinstance(dim, bool):
        return _per_sample(fn, name, level, args, kwargs)
    rank, p = x.dim(), x._phys
    if dim is None:
        return _wrap_out(_reduce_flat(fn, p, args, kwargs, dim_pos), level)
    args, kwargs = _set(args, kwargs, dim_pos, "dim", _shift(dim, rank))
    return _wrap_out(fn(p, *args[1:], **kwargs), level)


def _reduce_flat(fn, p, args, kwargs, dim_pos):
    """Every dim of each sample: the batch flattened to (B, -1) and reduced
    along dim 1 (keepdim then restores the sample's rank)."""
    keep = _get(args, kwargs, dim_pos + 1, "keepdim", False)
    flat = p.reshape(p.shape[0], -1)
    rest = list(args[1:])
    kw = dict(kwargs)
    if len(rest) >= dim_pos:
        rest[dim_pos - 1] = 1
    else:
        kw["dim"] = 1
    out = fn(flat, *rest, **kw)
    if isinstance(out, tuple) and hasattr(out, "values"):
        out = out.values        # max(x) is a value; max(x, dim) gives (values, indices)
    if keep:
        return _map_tensors(out, lambda t: t.reshape((p.shape[0],) + (1,) * (p.dim() - 1)))
    return out


def _map_tensors(out, f):
    if isinstance(out, tuple):
        return rebuilt(out, [f(o) for o in out])
    return f(out)


def _wrap_out(out, level, squeeze=None):
    def one(t):
        if squeeze is not None:
            t = t.squeeze(squeeze)
        return wrap(t, level)
    return _map_tensors(out, one)


def _dim_op(dim_pos, key="dim", rank_extra=0):
    """Ops with one `dim` (softmax, cumsum, select, narrow, unsqueeze, ...):
    the dim shifted past the batch; `rank_extra` 1 for dims that may name
    one past the end (unsqueeze)."""
    def rule(fn, name, level, args, kwargs):
        x = args[0]
        if not is_batched(x, level):
            return _per_sample(fn, name, level, args, kwargs)
        dim = _get(args, kwargs, dim_pos, key)
        if dim is None:
            return _per_sample(fn, name, level, args, kwargs)
        args, kwargs = _set(args, kwargs, dim_pos, key, _shift(dim, x.dim() + rank_extra))
        return _wrap_out(fn(x._phys, *args[1:], **kwargs), level)
    return rule


def _two_dims(fn, name, level, args, kwargs):
    x = args[0]
    if not is_batched(x, level) or len(args) < 3:
        return _per_sample(fn, name, level, args, kwargs)
    r = x.dim()
    return wrap(fn(x._phys, _shift(args[1], r), _shift(args[2], r)), level)


# -- shapes ------------------------------------------------------------------------

def _shape_args(args):
    shape = args[1:]
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return tuple(shape)


def _reshape(fn, name, level, args, kwargs):
    x = args[0]
    if not is_batched(x, level) or kwargs:
        return _per_sample(fn, name, level, args, kwargs)
    p = x._phys
    return wrap(fn(p, (p.shape[0],) + tuple(int(s) for s in _shape_args(args))), level)


def _expand(fn, name, level, args, kwargs):
    x = args[0]
    if not is_batched(x, level) or kwargs:
        return _per_sample(fn, name, level, args, kwargs)
    sizes = _shape_args(args)
    p = x._phys
    pad = len(sizes) - x.dim()
    if pad > 0:
        p = p.reshape((p.shape[0],) + (1,) * pad + tuple(x.shape))
    return wrap(fn(p, (p.shape[0],) + tuple(sizes)), level)


def _permute(fn, name, level, args, kwargs):
    x = args[0]
    if not is_batched(x, level) or kwargs:
        return _per_sample(fn, name, level, args, kwargs)
    dims = _shape_args(args)
    return wrap(fn(x._phys, (0,) + tuple(_shift(d, x.dim()) for d in dims)), level)


def _t(fn, name, level, args, kwargs):
    x = args[0]
    if not is_batched(x, level):
        return _per_sample(fn, name, level, args, kwargs)
    if x.dim() < 2:
        return x
    return wrap(x._phys.transpose(1, 2), level)


def _flatten(fn, name, level, args, kwargs):
    x = args[0]
    if not is_batched(x, level):
        return _per_sample(fn, name, level, args, kwargs)
    start = _get(args, kwargs, 1, "start_dim", 0)
    end = _get(args, kwargs, 2, "end_dim", -1)
    r = x.dim()
    if r == 0:
        return wrap(x._phys.reshape(-1, 1), level)
    return wrap(x._phys.flatten(_shift(start, r), _shift(end, r)), level)


def _squeeze(fn, name, level, args, kwargs):
    x = args[0]
    if not is_batched(x, level):
        return _per_sample(fn, name, level, args, kwargs)
    dim = _get(args, kwargs, 1, "dim")
    if dim is None:
        dims = tuple(i + 1 for i, s in enumerate(x.shape) if s == 1)
        return wrap(x._phys.squeeze(dims) if dims else x._phys, level)
    return wrap(x._phys.squeeze(_shift(dim, x.dim())), level)


def _movedim(fn, name, level, args, kwargs):
    x = args[0]
    if not is_batched(x, level) or kwargs:
        return _per_sample(fn, name, level, args, kwargs)
    return wrap(fn(x._phys, _shift(args[1], x.dim()), _shift(args[2], x.dim())), level)


def _joined(fn, name, level, args, kwargs):
    """cat and stack: unbatched tensors are expanded to the batch."""
    tensors = args[0]
    dim = _get(args, kwargs, 1, "dim", 0)
    rank = max(t.dim() for t in tensors)
    ps = [batch_of(t, level) for t in tensors]
    shifted = _shift(dim, rank + (name == "stack"))
    return wrap(fn(ps, shifted), level)


def _getitem(fn, name, level, args, kwargs):
    x, key = args[0], args[1]
    parts = key if isinstance(key, tuple) else (key,)
    if not is_batched(x, level) or any(isinstance(k, (Tensor, list)) for k in parts):
        return _per_sample(fn, name, level, args, kwargs)
    return wrap(fn(x._phys, (slice(None),) + parts), level)


# -- forward-mode AD ----------------------------------------------------------------

def _make_dual(fn, name, level, args, kwargs):
    primal, tangent = args
    return wrap(fn(batch_of(primal, level), batch_of(tangent, level), **kwargs), level)


def _unpack_dual(fn, name, level, args, kwargs):
    from ..autograd.forward_ad import UnpackedDualTensor
    primal, tangent = fn(args[0]._phys, **kwargs)
    return UnpackedDualTensor(wrap(primal, level),
                              None if tangent is None else wrap(tangent, level))


# -- the table ------------------------------------------------------------------

ELEMENTWISE = set()
RULES = {}


def _register_tables():
    from ..ops._registry import REGISTRY
    for info in REGISTRY.values():
        node = info.node
        if node is not None and getattr(node, "_jvp", None) == _forward.ELEMENT_WISE:
            ELEMENTWISE.update((info.name, *info.aliases))
    ELEMENTWISE.update((
        "add", "sub", "rsub", "mul", "multiply", "div", "divide", "true_divide", "pow",
        "remainder", "fmod", "floor_divide", "eq", "ne", "lt", "le", "gt", "ge", "greater", "less", "greater_equal", "less_equal",
        "not_equal", "logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and",
        "bitwise_or", "bitwise_xor", "bitwise_not", "where", "clamp", "clip", "clamp_min",
        "clamp_max", "maximum", "minimum", "fmax", "fmin", "isnan", "isinf", "isfinite",
        "relu", "relu6", "gelu", "silu", "mish", "elu", "selu", "celu", "leaky_relu",
        "hardtanh", "hardsigmoid", "hardswish", "softplus", "softsign", "tanhshrink",
        "logsigmoid", "sigmoid", "tanh", "threshold", "hardshrink", "softshrink",
        "nan_to_num", "lerp", "addcmul", "addcdiv", "xlogy", "copysign", "hypot", "atan2",
        "heaviside", "zeros_like", "ones_like", "full_like", "empty_like", "clone",
        "contiguous", "detach", "float", "double", "half", "int", "long", "bool", "to",
        "type_as", "abs", "neg", "positive", "square", "exp", "log", "sqrt", "rsqrt",
        "float_power", "true_divide", "sign", "sgn", "__getattribute__", "real", "imag",
        "view_as_real", "view_as_complex", "resolve_conj", "resolve_neg"))
    for n in ELEMENTWISE:
        RULES[n] = _elementwise
    for n in ("sum", "mean", "nansum", "nanmean", "amax", "amin", "logsumexp", "std", "var",
              "prod", "all", "any", "argmax", "argmin", "max", "min", "median",
              "count_nonzero", "aminmax"):
        RULES[n] = _reduction
    for n in ("softmax", "log_softmax", "cumsum", "cumprod", "cummax", "cummin",
              "logcumsumexp", "select", "narrow", "unbind", "sort", "argsort", "glu"):
        RULES[n] = _dim_op(1)
    RULES["unsqueeze"] = _dim_op(1, rank_extra=1)
    RULES["split"] = RULES["chunk"] = _dim_op(2)
    for n in ("view", "reshape"):
        RULES[n] = _reshape
    RULES["expand"] = _expand
    RULES["permute"] = _permute
    RULES["t"] = _t
    RULES["flatten"] = _flatten
    RULES["squeeze"] = _squeeze
    for n in ("transpose", "swapaxes", "swapdims"):
        RULES[n] = _two_dims
    RULES["movedim"] = RULES["moveaxis"] = _movedim
    RULES["cat"] = RULES["concat"] = RULES["concatenate"] = RULES["stack"] = _joined
    RULES["__getitem__"] = _getitem
    from . import _batching_products
    RULES.update(_batching_products.rules())
    RULES["make_dual"] = _make_dual
    RULES["unpack_dual"] = _unpack_dual
    from . import _batching_nn
    RULES.update(_batching_nn.rules())


_register_tables()
