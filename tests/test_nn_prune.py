"""torch.nn.utils.prune against PyTorch: after the same seeds and weights,
the same masks, `_orig` parameters, `_mask` buffers, pre-hooks, state_dict
keys, forward outputs and gradients; the tutorial's iterative pruning,
global_unstructured, custom methods, remove, and errors (type, message, and
the module left as PyTorch leaves it)."""
import importlib
import math

import numpy as np
import pytest

import ember
from compare_torch import check
from ember.ops._topk_ties import topk_set


# (masks and weights are copies, so agree exactly within this; the forward
# outputs agree to rounding)
TOL = dict(rtol=1e-5, atol=1e-6)


def P(T):
    return importlib.import_module(T.__name__ + ".nn.utils.prune")


def _values(shape, seed, levels=None, dtype="float32"):
    """Seeded weights; `levels`: that many distinct values (ties for topk)."""
    rng = np.random.default_rng(seed)
    if levels is None:
        return rng.standard_normal(shape).astype(dtype)
    return (rng.integers(-levels, levels + 1, shape) / 4).astype(dtype)


def _linear(T, i=6, o=4, seed=0, levels=None, dtype="float32"):
    m = T.nn.Linear(i, o)
    with T.no_grad():
        m.weight.copy_(T.tensor(_values((o, i), seed, levels, dtype)))
        m.bias.copy_(T.tensor(_values((o,), seed + 1, levels, dtype)))
    return m.to(getattr(T, dtype))


def _conv(T, seed=0, levels=None):
    m = T.nn.Conv2d(3, 6, 3)
    with T.no_grad():
        m.weight.copy_(T.tensor(_values((6, 3, 3, 3), seed, levels)))
        m.bias.copy_(T.tensor(_values((6,), seed + 1, levels)))
    return m


def _state(T, m, x):
    """Everything pruning leaves on a module, and its output on x."""
    hooks = list(m._forward_pre_hooks.values())
    return dict(
        parameters=[n for n, _ in m.named_parameters()],
        buffers=dict(m.named_buffers()),
        values={n: p.detach() for n, p in m.named_parameters()},
        pruned=[getattr(m, n) for n in ("weight", "bias")],
        hooks=[type(h).__name__ for h in hooks],
        names=[h._tensor_name for h in hooks],
        chains=[[type(p).__name__ for p in h] for h in hooks
                if isinstance(h, P(T).PruningContainer)],
        state_dict=list(m.state_dict().keys()),
        out=m(x))


def _x(T, shape, dtype="float32"):
    return T.tensor(_values(shape, 99, dtype=dtype))


@pytest.mark.parametrize("amount", [0.3, 5, 0, 1.0, 24])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_random_unstructured_gives_pytorchs_mask_after_the_same_seed(amount, dtype):
    def go(T):
        m = _linear(T, dtype=dtype)
        T.manual_seed(3)
        assert P(T).random_unstructured(m, "weight", amount=amount) is m
        return _state(T, m, _x(T, (2, 6), dtype)), T.rand(2)   # (and the stream after it)
    check(go, **TOL)


@pytest.mark.parametrize("levels", [None, 2, 0])
@pytest.mark.parametrize("amount", [0.5, 1, 7, 0.9])
def test_l1_unstructured_matches_pytorch_ties_included(levels, amount):
    def go(T):
        m = _linear(T, 10, 8, seed=4, levels=levels)
        P(T).l1_unstructured(m, "weight", amount=amount)
        P(T).l1_unstructured(m, name="bias", amount=3)
        return _state(T, m, _x(T, (3, 10)))
    check(go, **TOL)


def test_l1_unstructured_importance_scores():
    def go(T):
        m = _linear(T)
        scores = T.tensor(_values((4, 6), 8, levels=1))
        P(T).l1_unstructured(m, "weight", amount=0.4, importance_scores=scores)
        return _state(T, m, _x(T, (2, 6)))
    check(go, **TOL)


@pytest.mark.parametrize("dim", [0, 1, -1, 3])
@pytest.mark.parametrize("amount", [0.5, 2, 0])
def test_random_structured(dim, amount):
    def go(T):
        m = _conv(T)
        T.manual_seed(11)
        P(T).random_structured(m, "weight", amount=amount, dim=dim)
        return _state(T, m, _x(T, (1, 3, 5, 5))), T.rand(2)
    check(go, **TOL)


@pytest.mark.parametrize("n", [1, 2, 3, math.inf, -math.inf, "fro"])
@pytest.mark.parametrize("dim", [0, 1, -2])
def test_ln_structured(n, dim):
    def go(T):
        m = _conv(T, levels=1)          # (tied norms: which channel topk keeps matters)
        P(T).ln_structured(m, "weight", amount=0.34, n=n, dim=dim)
        return _state(T, m, _x(T, (1, 3, 5, 5)))
    check(go, **TOL)


def test_ln_structured_importance_scores():
    def go(T):
        m = _conv(T)
        scores = T.tensor(_values((6, 3, 3, 3), 5))
        P(T).ln_structured(m, "weight", amount=3, n=1, dim=0, importance_scores=scores)
        return _state(T, m, _x(T, (1, 3, 5, 5)))
    check(go, **TOL)


def test_tutorial_iterative_pruning_and_remove():
    def go(T):
        m = _conv(T)
        x = _x(T, (2, 3, 6, 6))
        T.manual_seed(0)
        P(T).random_unstructured(m, name="weight", amount=0.3)
        first = _state(T, m, x)
        P(T).l1_unstructured(m, name="bias", amount=3)
        P(T).ln_structured(m, name="weight", amount=0.5, n=2, dim=0)
        P(T).random_structured(m, name="weight", amount=1, dim=1)
        P(T).l1_unstructured(m, name="weight", amount=0.25)
        chained = _state(T, m, x)
        assert P(T).is_pruned(m)
        P(T).remove(m, "weight")
        removed = _state(T, m, x)
        w = m.weight
        assert type(w) is T.nn.Parameter and w.requires_grad
        P(T).remove(m, "bias")
        assert not P(T).is_pruned(m)
        return first, chained, removed, _state(T, m, x), T.rand(2)
    check(go, **TOL)


def test_the_hook_recomputes_the_pruned_tensor_and_gradients_reach_orig():
    def go(T):
        m = _linear(T)
        P(T).l1_unstructured(m, "weight", amount=0.5)
        with T.no_grad():
            m.weight_orig.mul_(3)
        x = _x(T, (2, 6))
        y = m(x)
        y.sum().backward()
        return y, m.weight, m.weight_orig.grad, m.bias.grad
    check(go, **TOL)


@pytest.mark.parametrize("method", ["L1Unstructured", "RandomUnstructured"])
@pytest.mark.parametrize("amount", [0.2, 9])
def test_global_unstructured(method, amount):
    def go(T):
        T.manual_seed(5)
        a, b, c = _linear(T, levels=3), _conv(T, seed=1, levels=3), _linear(T, 4, 2, seed=2)
        P(T).random_unstructured(c, "weight", amount=2)      # (an existing mask is kept)
        params = ((a, "weight"), (b, "weight"), (b, "bias"), (c, "weight"))
        assert P(T).global_unstructured(params, pruning_method=getattr(P(T), method),
                                        amount=amount) is None
        return [_state(T, a, _x(T, (1, 6))), _state(T, b, _x(T, (1, 3, 4, 4))),
                _state(T, c, _x(T, (1, 4)))]
    check(go, **TOL)


def test_global_unstructured_importance_scores():
    def go(T):
        a, b = _linear(T), _linear(T, 4, 2, seed=3)
        scores = {(a, "weight"): T.tensor(_values((4, 6), 7, levels=2))}
        P(T).global_unstructured([(a, "weight"), (b, "weight")], P(T).L1Unstructured,
                                 importance_scores=scores, amount=10)
        return _state(T, a, _x(T, (1, 6))), _state(T, b, _x(T, (1, 4)))
    check(go, **TOL)


def test_identity_custom_from_mask_and_a_custom_method():
    def go(T):
        p = P(T)

        class EveryOther(p.BasePruningMethod):
            PRUNING_TYPE = "unstructured"

            def compute_mask(self, t, default_mask):
                mask = default_mask.clone()
                mask.view(-1)[::2] = 0
                return mask
        a, b = _linear(T), _linear(T, seed=2)
        p.identity(a, "bias")
        p.custom_from_mask(a, "weight", mask=T.tensor(_values((4, 6), 1) > 0))
        EveryOther.apply(a, "weight")
        EveryOther.apply(b, "bias")
        t = T.tensor(_values((3, 4), 6))
        return (_state(T, a, _x(T, (2, 6))), _state(T, b, _x(T, (2, 6))),
                p.L1Unstructured(amount=5).prune(t),
                p.L1Unstructured(2).prune(t, default_mask=T.ones(3, 4),
                                          importance_scores=-t.flip(0)),
                EveryOther().prune(t))
    check(go, **TOL)


def test_pruning_container_by_hand():
    def go(T):
        p = P(T)
        a, b = p.L1Unstructured(amount=2), p.LnStructured(amount=1, n=1, dim=0)
        a._tensor_name = b._tensor_name = "weight"
        c = p.PruningContainer(a)
        c.add_pruning_method(b)
        t = T.tensor(_values((3, 4), 2))
        return len(c), [type(m).__name__ for m in c], type(c[1]).__name__, \
            c.compute_mask(t, default_mask=T.ones(3, 4))
    check(go, **TOL)


def _fresh(T):
    return _linear(T)


ERRORS = [
    lambda T: P(T).l1_unstructured(_fresh(T), "weight", amount=-1),
    lambda T: P(T).l1_unstructured(_fresh(T), "weight", amount=1.5),
    lambda T: P(T).l1_unstructured(_fresh(T), "weight", amount="a"),
    lambda T: P(T).random_unstructured(_fresh(T), "weight", amount=25),
    lambda T: P(T).random_structured(_fresh(T), "bias", amount=1, dim=0),
    lambda T: P(T).random_structured(_fresh(T), "weight", amount=1, dim=2),
    lambda T: P(T).ln_structured(_fresh(T), "weight", amount=5, n=2, dim=0),
    lambda T: P(T).ln_structured(_fresh(T), "weight", amount=1, n=2, dim=-3),
    lambda T: P(T).l1_unstructured(_fresh(T), "weight", amount=1,
                                   importance_scores=T.ones(3)),
    lambda T: P(T).custom_from_mask(_fresh(T), "weight", mask=T.ones(2)),
    lambda T: P(T).remove(_fresh(T), "weight"),
    lambda T: P(T).global_unstructured(3, P(T).L1Unstructured, amount=1),
    lambda T: P(T).global_unstructured([], P(T).L1Unstructured, importance_scores=[],
                                       amount=1),
    lambda T: P(T).global_unstructured([(_fresh(T), "weight")], P(T).LnStructured, amount=1,
                                       n=1, dim=0),
    lambda T: P(T).PruningContainer(P(T).Identity()),
    lambda T: P(T).L1Unstructured(1).prune(T.ones(3), importance_scores=T.ones(2)),
    lambda T: P(T).l1_unstructured(_fresh(T), "nothing", amount=1),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors_match_pytorch(i):
    check(ERRORS[i])


def test_container_refuses_other_tensors_and_non_methods():
    for T in (ember, pytest.importorskip("torch")):
        p = P(T)
        a, b = p.Identity(), p.Identity()
        a._tensor_name, b._tensor_name = "weight", "bias"
        c = p.PruningContainer(a)
        with pytest.raises(ValueError, match="Can only add pruning methods acting on the "
                           "parameter named 'weight' to PruningContainer .* Found 'bias'"):
            c.add_pruning_method(b)
        with pytest.raises(TypeError, match="<class 'int'> is not a BasePruningMethod subclass"):
            c.add_pruning_method(3)
        assert len(c) == 1


@pytest.mark.parametrize("bad", [dict(amount=30), dict(amount=1, n=2, dim=5)])
def test_a_failed_first_pruning_leaves_the_parameter_in_place(bad):
    def go(T):
        m = _linear(T)
        method = P(T).LnStructured if "n" in bad else P(T).L1Unstructured
        with pytest.raises((ValueError, IndexError)):
            method.apply(m, "weight", **bad)
        return _state(T, m, _x(T, (2, 6)))
    check(go, **TOL)


def test_a_failed_later_pruning_keeps_the_first_one():
    def go(T):
        m = _linear(T)
        P(T).l1_unstructured(m, "weight", amount=3)
        with pytest.raises(ValueError):
            P(T).l1_unstructured(m, "weight", amount=30)
        return _state(T, m, _x(T, (2, 6)))
    check(go, **TOL)


@pytest.mark.parametrize("n", [17, 200, 3000])
@pytest.mark.parametrize("levels", [1, 3])
def test_topk_set_is_pytorchs_choice_among_ties(n, levels):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(n + levels)
    x = rng.integers(0, levels + 1, n).astype(np.float64)
    x[rng.random(n) < 0.1] = np.nan
    for k in (1, 2, n // 64, n // 3, n - 1):
        for largest in (False, True):
            want = torch.topk(torch.tensor(x), max(k, 1), largest=largest).indices.numpy()
            assert sorted(topk_set(x, max(k, 1), largest)) == sorted(want)


def _hook_object_reprs(T):
    import importlib
    import re
    import warnings
    # (nn.utils.prune is a module of its own: loaded by its import, as PyTorch's)
    importlib.import_module(f"{T.__name__}.nn.utils.prune")
    lin = T.nn.Linear(2, 2)
    T.nn.utils.prune.l1_unstructured(lin, "weight", 0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")      # (weight_norm's deprecation)
        wn = T.nn.utils.weight_norm(T.nn.Linear(2, 2))
    sn = T.nn.utils.spectral_norm(T.nn.Linear(2, 2))
    dicts = (lin._forward_pre_hooks, wn._forward_pre_hooks, sn._forward_pre_hooks,
             sn._state_dict_hooks, sn._load_state_dict_pre_hooks)
    return [re.sub(" at 0x[0-9a-f]+", "", repr(list(d.values()))) for d in dicts]


def test_hook_objects_print_as_torch_under_use_as_torch():
    # A learner prints module._forward_pre_hooks: the pruning method, WeightNorm
    # and SpectralNorm objects name their modules as the program imported them.
    from ember import _public_name
    torch = pytest.importorskip("torch")
    _public_name.set_name("torch")
    try:
        shown = _hook_object_reprs(ember)
    finally:
        _public_name.set_name("ember")
    assert shown == _hook_object_reprs(torch)
    assert _hook_object_reprs(ember)[0] == "[<ember.nn.utils.prune.L1Unstructured object>]"
