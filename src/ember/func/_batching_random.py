"""Random ops inside vmap, by its `randomness` flag, as functorch's rules
(BatchRulesRandomness.cpp) give them:

- "error": any random op raises;
- "different": each sample draws its own numbers, in the order one call on
  the whole batch draws them (a feature dropout's batch merged into its
  first dim, so its masks are drawn as for a batch of B*N);
- "same": every sample gets the numbers one sample's call draws. An op
  whose batched input is a distribution's parameter (bernoulli(p),
  normal(mean), multinomial, poisson) cannot share them, and raises.
"""
from . import _batching_rules as _rules
from ._vmap import _levels, batch_size, is_batched, wrap

__all__ = ["RANDOM", "batched", "unbatched"]

RANDOM = {"rand", "randn", "randint", "rand_like", "randn_like", "randint_like", "randperm",
          "normal", "bernoulli", "multinomial", "poisson", "binomial", "dropout", "dropout1d",
          "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout", "rrelu", "rrelu_",
          "uniform_", "normal_", "bernoulli_", "random_", "exponential_", "cauchy_",
          "log_normal_", "geometric_"}
# (their batched input is a parameter of the distribution, one per sample)
_PARAMETERS = {"bernoulli", "normal", "multinomial", "poisson", "binomial"}
# feature dropouts, and whether each adds a batch dim of one to a sample of
# this rank before it draws (F.dropout1d and F.dropout3d do, for an
# unbatched input; the others read the sample's first dim as its batch)
_FEATURE = {"dropout1d": lambda rank: rank == 2, "dropout2d": lambda rank: False,
            "dropout3d": lambda rank: rank != 5, "feature_alpha_dropout": lambda rank: False}

_ERROR = ("vmap: called random operation while in randomness error mode. Please either use "
          "the 'same' or 'different' randomness flags on vmap or perform the randomness "
          "operation out of vmap")
_SAME_BATCHED = ("Vmap does not currently support same randomness with a batched tensor "
                 "input. Please file an issue with functorch")


def _dropout_off(name, args, kwargs):
    """dropout in eval mode (training=False) or p=0 draws nothing."""
    if not name.startswith(("dropout", "alpha_dropout", "feature_alpha")):
        return False
    return _rules._get(args, kwargs, 2, "training", True) is False or \
        _rules._get(args, kwargs, 1, "p", 0.5) == 0


def _generator(kwargs):
    g = kwargs.get("generator")
    if g is None:
        from .._random import default_generator as g
    return g


def unbatched(fn, name, args, kwargs):
    """A random op on unbatched arguments inside vmap: 'same' draws once for
    every sample, 'different' draws for each."""
    randomness = _levels[-1][1]
    if _dropout_off(name, args, kwargs):
        return fn(*args, **kwargs)
    if randomness == "error":
        raise RuntimeError(_ERROR)
    if randomness == "same":
        return fn(*args, **kwargs)
    level = len(_levels) - 1
    return _rules._stack_results([fn(*args, **kwargs) for _ in range(batch_size(level))], level)


def batched(fn, name, level, args, kwargs):
    if name.startswith("rrelu"):
        # (functorch has no rule for it, whatever the flag or the mode)
        raise RuntimeError(f"vmap: we do not yet support aten::{name}. Please file an issue")
    if _dropout_off(name, args, kwargs):
        return _rules._elementwise(fn, name, level, args, kwargs)
    x = args[0] if args else None
    if name == "feature_alpha_dropout" and is_batched(x, level) and x.dim() < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    randomness = _levels[level][1]
    if randomness == "error":
        raise RuntimeError(_ERROR)
    if randomness == "same":
        if name in _PARAMETERS:
            raise RuntimeError(_SAME_BATCHED)
        return _same(fn, level, args, kwargs)
    if name in _FEATURE and is_batched(x, level) and not _FEATURE[name](x.dim()):
        p = x._phys
        merged = p.reshape((p.shape[0] * p.shape[1],) + tuple(p.shape[2:]))
        return wrap(fn(merged, *args[1:], **kwargs).reshape(p.shape), level)
    return _rules._elementwise(fn, name, level, args, kwargs)


def _same(fn, level, args, kwargs):
    """Each sample's call (_per_sample), the generator put back before each:
    every sample draws the numbers the first drew, and the generator ends as
    after one draw."""
    g = _generator(kwargs)
    state = g.get_state()

    def from_state(*a, **k):
        g.set_state(state)
        return fn(*a, **k)
    return _rules._per_sample(from_state, None, level, args, kwargs)
