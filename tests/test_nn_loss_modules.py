"""The loss modules against PyTorch: repr, buffers and state_dict, the
legacy size_average/reduce arguments, and forward/backward through the
module (values, grad_fn names, gradients)."""
import os
import warnings

import numpy as np
import pytest

import ember
from compare_torch import check
from loss_cases import G, C, ints, normal, positive, signs, tensors, unit, away


def _w(T, *values):
    return T.tensor(list(values), dtype=T.float64)


# (constructor(T), inputs): every module, each non-default argument at least once
MODULES = [
    (lambda T: T.nn.L1Loss(reduction="sum"), [(normal(3, 4), G), (normal(3, 4, seed=1), G)]),
    (lambda T: T.nn.MSELoss(size_average=False), [(normal(5), G), (normal(5, seed=1), G)]),
    (lambda T: T.nn.NLLLoss(weight=_w(T, 0.5, 2.0, 1.0), ignore_index=0, reduction="none"),
     [(normal(4, 3), G), (ints([0, 1, 2, 1]), C)]),
    (lambda T: T.nn.CrossEntropyLoss(weight=_w(T, 1.0, 0.3, 2.0), label_smoothing=0.25),
     [(normal(2, 3, 5), G), (ints([[0, 1, 2, 2, 1], [1, 1, 0, 2, 0]]), C)]),
    (lambda T: T.nn.PoissonNLLLoss(log_input=False, full=True, eps=1e-4, reduction="sum"),
     [(positive(6), G), (positive(6, seed=1), G)]),
    (lambda T: T.nn.GaussianNLLLoss(full=True, eps=1e-3, reduction="none"),
     [(normal(3, 2), G), (normal(3, 2, seed=1), G), (positive(3, 1, seed=2), G)]),
    (lambda T: T.nn.KLDivLoss(reduction="batchmean", log_target=True),
     [(normal(3, 4), G), (normal(3, 4, seed=1), G)]),
    (lambda T: T.nn.BCELoss(weight=T.tensor([[0.5], [2.0]]), reduction="sum"),
     [(unit(2, 3), G), (unit(2, 3, seed=1), G)]),
    (lambda T: T.nn.BCEWithLogitsLoss(weight=_w(T, 1.0, 2.0), pos_weight=_w(T, 3.0, 0.5)),
     [(normal(4, 2), G), (unit(4, 2, seed=1), G)]),
    (lambda T: T.nn.MarginRankingLoss(margin=0.5, reduction="none"),
     [(away(5), G), (normal(5, seed=1), G), (signs(5, seed=2), C)]),
    (lambda T: T.nn.HingeEmbeddingLoss(margin=2.0), [(away(3, 3), G), (signs(3, 3, seed=1), C)]),
    (lambda T: T.nn.MultiLabelMarginLoss(reduction="sum"),
     [(normal(2, 4), G), (ints([[1, -1, 0, 0], [3, 2, 1, -1]]), C)]),
    (lambda T: T.nn.HuberLoss(delta=0.5, reduction="none"),
     [(normal(3, 3), G), (normal(3, 3, seed=1), G)]),
    (lambda T: T.nn.SmoothL1Loss(beta=0.25), [(normal(8), G), (normal(8, seed=1), G)]),
    (lambda T: T.nn.SoftMarginLoss(reduce=False), [(normal(4), G), (signs(4, seed=1), C)]),
    (lambda T: T.nn.MultiLabelSoftMarginLoss(weight=_w(T, 1.0, 0.5, 2.0)),
     [(normal(2, 3), G), (unit(2, 3, seed=1, lo=0, hi=1), G)]),
    (lambda T: T.nn.CosineEmbeddingLoss(margin=0.3, reduction="sum"),
     [(normal(3, 4), G), (normal(3, 4, seed=1), G), (ints([-1, 1, -1]), C)]),
    (lambda T: T.nn.MultiMarginLoss(p=2, margin=0.5, weight=_w(T, 1.0, 3.0, 0.5)),
     [(normal(4, 3), G), (ints([0, 1, 2, 1]), C)]),
    (lambda T: T.nn.TripletMarginLoss(margin=0.5, p=3.0, eps=1e-4, swap=True),
     [(normal(3, 4), G), (normal(3, 4, seed=1), G), (normal(3, 4, seed=2), G)]),
    (lambda T: T.nn.TripletMarginWithDistanceLoss(
        distance_function=lambda a, b: (a - b).abs().sum(-1), margin=3.0, swap=True,
        reduction="none"),
     [(normal(3, 4), G), (normal(3, 4, seed=1), G), (normal(3, 4, seed=2), G)]),
    (lambda T: T.nn.CTCLoss(blank=3, reduction="sum", zero_infinity=True),
     [(normal(5, 2, 4), G), (ints([[0, 1, 1], [2, 0, 0]]), C)]),
]
IDS = [f"{i}" for i in range(len(MODULES))]


def _forward(T, make, specs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = make(T)
    xs = tensors(T, specs, "float64")
    if isinstance(m, T.nn.CTCLoss):
        out = m(xs[0].log_softmax(2), xs[1], T.tensor([5, 4]), T.tensor([3, 1]))
    else:
        out = m(*xs)
    out.backward(T.ones_like(out))
    return (repr(m), out, tuple(x.grad for x in xs if x.requires_grad),
            list(m.state_dict().keys()), [(n, b) for n, b in m.named_buffers()])


@pytest.mark.parametrize("row", MODULES, ids=IDS)
def test_module_matches_torch(row):
    make, specs = row
    check(lambda T: _forward(T, make, specs), rtol=1e-10, atol=1e-12)


DEFAULTS = ["L1Loss", "MSELoss", "NLLLoss", "CrossEntropyLoss", "PoissonNLLLoss",
            "GaussianNLLLoss", "KLDivLoss", "BCELoss", "BCEWithLogitsLoss", "MarginRankingLoss",
            "HingeEmbeddingLoss", "MultiLabelMarginLoss", "HuberLoss", "SmoothL1Loss",
            "SoftMarginLoss", "MultiLabelSoftMarginLoss", "CosineEmbeddingLoss",
            "MultiMarginLoss", "TripletMarginLoss", "CTCLoss"]
ATTRS = ["reduction", "ignore_index", "label_smoothing", "log_input", "full", "eps",
         "log_target", "margin", "beta", "delta", "p", "swap", "blank", "zero_infinity"]


@pytest.mark.parametrize("name", DEFAULTS)
def test_defaults_repr_and_constants(name):
    def made(T):
        m = getattr(T.nn, name)()
        return (repr(m), {a: getattr(m, a) for a in ATTRS if hasattr(m, a)},
                getattr(type(m), "__constants__", None), list(m.state_dict()),
                [n for n, _ in m.named_buffers()], m.training)
    check(made)


def test_triplet_with_distance_default_is_a_pairwise_distance_module():
    if not hasattr(ember.nn, "PairwiseDistance"):
        pytest.skip("nn.PairwiseDistance (another part of the nn issue) is not here yet")
    check(lambda T: repr(T.nn.TripletMarginWithDistanceLoss()))


def test_weight_buffers_move_and_load():
    torch = pytest.importorskip("torch")
    for lib in (ember, torch):
        m = lib.nn.BCEWithLogitsLoss(pos_weight=lib.tensor([2.0, 0.5]))
        assert list(m.state_dict()) == ["pos_weight"]
        m.double()
        assert m.pos_weight.dtype == lib.float64
        m.load_state_dict({"pos_weight": lib.tensor([1.0, 4.0], dtype=lib.float64)})
        assert m.pos_weight.tolist() == [1.0, 4.0]
        w = lib.nn.CrossEntropyLoss(weight=lib.ones(3))
        assert list(w.state_dict()) == ["weight"] and w.weight is not None


@pytest.mark.parametrize("make", [
    lambda T: T.nn.L1Loss(size_average=False),
    lambda T: T.nn.BCELoss(reduce=False),
    lambda T: T.nn.KLDivLoss(size_average=True, reduce=True),
    lambda T: T.nn.NLLLoss2d(),
    lambda T: T.nn.MSELoss(size_average=False),
])
def test_legacy_and_deprecated_warnings(make):
    """Same warnings, named at the same place: the loss module's file (for
    every loss, so Python's once-per-place filter shows it once), as PyTorch's."""
    torch = pytest.importorskip("torch")
    seen = {}
    for lib in (torch, ember):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m = make(lib)
        seen[lib] = ([(x.category, str(x.message), os.path.basename(x.filename)) for x in w],
                     m.reduction)
    assert seen[ember] == seen[torch]


@pytest.mark.parametrize("make", [
    lambda T: T.nn.MultiMarginLoss(p=3),
    lambda T: T.nn.MultiMarginLoss(weight=T.ones(2, 2)),
    lambda T: T.nn.TripletMarginLoss(margin=0.0),
    lambda T: T.nn.TripletMarginWithDistanceLoss(margin=-1.0, distance_function=abs),
    lambda T: T.nn.HuberLoss(delta="1"),
])
def test_constructor_errors(make):
    check(make)


@pytest.mark.parametrize("kw", [
    dict(),
    dict(out_features=(2,), bias=True, label_smoothing=0.1, reduction="sum"),
    dict(bias=True, ignore_index=1, reduction="none"),
])
def test_linear_cross_entropy_loss_as_torch(kw):
    def run(T):
        T.manual_seed(3)
        m = T.nn.LinearCrossEntropyLoss(4, 3, weight=T.tensor([1.0, 0.5, 2.0]), **kw)
        x = T.tensor(np.random.default_rng(0).standard_normal((5, 4)), dtype=T.float32,
                     requires_grad=True)
        shape = (5,) + tuple(kw.get("out_features", ()))
        t = T.tensor(np.random.default_rng(1).integers(0, 3, shape))
        out = m(x, t)
        out.sum().backward()
        return (repr(m), list(m.state_dict()), out, x.grad, m.linear.weight.grad)
    check(run, rtol=1e-5, atol=1e-6)


def test_linear_cross_entropy_probabilities_and_errors():
    def probs(T):
        x = T.tensor(np.linspace(-1, 1, 8).reshape(2, 4), requires_grad=True)
        w = T.tensor(np.linspace(-0.5, 0.5, 12).reshape(3, 4), requires_grad=True)
        p = T.tensor([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]], dtype=T.float64)
        out = T.nn.functional.linear_cross_entropy(x, w, p, label_smoothing=0.2)
        out.backward()
        return out, x.grad, w.grad
    check(probs, rtol=1e-10)
    F = lambda T: T.nn.functional
    for bad in (lambda T: F(T).linear_cross_entropy(T.ones(2, 4), T.ones(3, 4), T.ones(2, 3),
                                                      ignore_index=0),
                lambda T: F(T).linear_cross_entropy(T.ones(2, 2, 4), T.ones(3, 4), T.ones(2)),
                lambda T: F(T).linear_cross_entropy(T.ones(2, 4), T.ones(4), T.ones(2)),
                lambda T: F(T).linear_cross_entropy(T.ones(2, 5), T.ones(3, 4), T.ones(2)),
                lambda T: F(T).linear_cross_entropy(T.ones(4), T.ones(3, 2, 4), T.ones(2)),
                lambda T: F(T).linear_cross_entropy(T.ones(2, 4), T.ones(3, 4), T.ones(2),
                                                    linear_bias=T.ones(4)),
                lambda T: T.nn.LinearCrossEntropyLoss(4, 3, weight=T.ones(2)),
                lambda T: T.nn.LinearCrossEntropyLoss(4, 3, label_smoothing=1.5)):
        check(bad)


def test_linear_cross_entropy_chunking_options_are_refused():
    with pytest.raises(NotImplementedError, match="chunking options are not supported"):
        ember.nn.LinearCrossEntropyLoss(4, 3, options=object())
    with pytest.raises(NotImplementedError, match="chunking options are not supported"):
        ember.nn.functional.linear_cross_entropy(ember.ones(2, 4), ember.ones(3, 4),
                                                 ember.tensor([0, 1]), options=object())


@pytest.mark.parametrize("loss", [
    lambda T: T.nn.BCEWithLogitsLoss(pos_weight=T.tensor([2.0])),
    lambda T: T.nn.HuberLoss(delta=0.5),
    lambda T: T.nn.SoftMarginLoss(),
])
def test_training_steps_as_torch(loss):
    """A learner's loop: Linear, a loss, SGD; parameters after each step."""
    rng = np.random.default_rng(4)
    xs = rng.standard_normal((16, 4)).astype(np.float32)
    ys = (rng.uniform(size=(16, 1)) > 0.5).astype(np.float32)

    def train(T):
        T.manual_seed(0)
        model = T.nn.Linear(4, 1)
        opt = T.optim.SGD(model.parameters(), lr=0.5)
        criterion = loss(T)
        seen = []
        for _ in range(5):
            opt.zero_grad()
            out = criterion(model(T.tensor(xs)), T.tensor(ys) * 2 - 1 if isinstance(
                criterion, T.nn.SoftMarginLoss) else T.tensor(ys))
            out.backward()
            opt.step()
            seen.append((out.detach(), model.weight.detach().clone(), model.bias.detach().clone()))
        return seen
    check(train, rtol=1e-5, atol=1e-6)
