"""Bad input to the losses: PyTorch's exception type and message, and
nothing (values, gradients, versions) changed; and PyTorch's warnings."""
import warnings

import numpy as np
import pytest

import ember
from compare_torch import check, check_error


def F(T):
    return T.nn.functional


def _x(T, *shape, grad=True, dtype=None):
    n = int(np.prod(shape))
    a = np.linspace(0.1, 0.9, n).reshape(shape)
    return T.tensor(a, dtype=dtype or T.float32, requires_grad=grad)


def _long(T, values):
    return T.tensor(values)


# (id, setup(T) -> tensors, op(T, *tensors))
ERRORS = [
    ("mse-shapes", lambda T: (_x(T, 4, 3), _x(T, 5, 3)), lambda T, a, b: F(T).mse_loss(a, b)),
    ("mse-weight-size", lambda T: (_x(T, 2, 3), _x(T, 2, 3), _x(T, 3, grad=False)),
     lambda T, a, b, w: F(T).mse_loss(a, b, weight=w)),
    ("l1-weight-reduction", lambda T: (_x(T, 2, 3), _x(T, 2, 3), _x(T, 2, 3, grad=False)),
     lambda T, a, b, w: F(T).l1_loss(a, b, reduction="avg", weight=w)),
    ("l1-reduction", lambda T: (_x(T, 3), _x(T, 3)),
     lambda T, a, b: F(T).l1_loss(a, b, reduction="avg")),
    ("bce-size", lambda T: (_x(T, 3, 2), _x(T, 6)),
     lambda T, a, b: F(T).binary_cross_entropy(a, b)),
    ("bce-range", lambda T: (_x(T, 3), _x(T, 3)),
     lambda T, a, b: F(T).binary_cross_entropy(a * 2, b)),
    # ATen checks input then target element by element: the first bad element names it
    ("bce-target-range", lambda T: (_x(T, 3), _x(T, 3)),
     lambda T, a, b: F(T).binary_cross_entropy(a, b * 16)),
    ("bce-target-before-input", lambda T: (_x(T, 3), _x(T, 3)),
     lambda T, a, b: F(T).binary_cross_entropy(a * T.tensor([1.0, 1.0, 5.0]),
                                                b * T.tensor([-1.0, 1.0, 1.0]))),
    ("bce-input-nan-after-target", lambda T: (_x(T, 2, 2), _x(T, 2, 2)),
     lambda T, a, b: F(T).binary_cross_entropy(a * T.tensor([1.0, float("nan")]),
                                                b * T.tensor([1.0, 2.0]))),
    ("bce-dtype", lambda T: (_x(T, 3), _x(T, 3, dtype=T.float64)),
     lambda T, a, b: F(T).binary_cross_entropy(a, b)),
    ("bce-weight-shape", lambda T: (_x(T, 3), _x(T, 3), _x(T, 2, grad=False)),
     lambda T, a, b, w: F(T).binary_cross_entropy(a, b, weight=w)),
    ("bce-weight-grad", lambda T: (_x(T, 3), _x(T, 3), _x(T, 3)),
     lambda T, a, b, w: F(T).binary_cross_entropy(a, b, weight=w)),
    ("bce-reduction", lambda T: (_x(T, 3), _x(T, 3)),
     lambda T, a, b: F(T).binary_cross_entropy(a, b, reduction="batchmean")),
    ("bcel-size", lambda T: (_x(T, 3, 2), _x(T, 2, 3)),
     lambda T, a, b: F(T).binary_cross_entropy_with_logits(a, b)),
    ("bcel-pos_weight-grad", lambda T: (_x(T, 3), _x(T, 3), _x(T, 3)),
     lambda T, a, b, w: F(T).binary_cross_entropy_with_logits(a, b, pos_weight=w)),
    ("bcel-pos_weight-shape", lambda T: (_x(T, 3, 4), _x(T, 3, 4), _x(T, 2, grad=False)),
     lambda T, a, b, w: F(T).binary_cross_entropy_with_logits(a, b, pos_weight=w)),
    # labels given as integers or bools, a usual slip (ATen works in the target's dtype)
    ("bcel-long-target", lambda T: (_x(T, 4), _long(T, [0, 1, 1, 0])),
     lambda T, a, b: F(T).binary_cross_entropy_with_logits(a, b)),
    ("bcel-int-target-pos_weight", lambda T: (_x(T, 2), _long(T, [0, 1]).int()),
     lambda T, a, b: F(T).binary_cross_entropy_with_logits(a, b, pos_weight=T.ones(2))),
    ("bcel-bool-target", lambda T: (_x(T, 2), T.tensor([True, False])),
     lambda T, a, b: T.nn.BCEWithLogitsLoss(reduction="none")(a, b)),
    ("bcel-weight-shape", lambda T: (_x(T, 3, 4), _x(T, 3, 4), _x(T, 2, grad=False)),
     lambda T, a, b, w: F(T).binary_cross_entropy_with_logits(a, b, weight=w)),
    ("bcel-weight-larger", lambda T: (_x(T, 3, 4), _x(T, 3, 4), _x(T, 2, 3, 4, grad=False)),
     lambda T, a, b, w: F(T).binary_cross_entropy_with_logits(a, b, weight=w)),
    ("nll-weight-grad", lambda T: (_x(T, 3, 4, grad=False), _long(T, [0, 1, 2]), _x(T, 4)),
     lambda T, a, t, w: F(T).nll_loss(a, t, weight=w)),
    ("nll-3d-weight-grad", lambda T: (_x(T, 2, 4, 3), _long(T, [[0, 1, 2]] * 2), _x(T, 4)),
     lambda T, a, t, w: F(T).nll_loss(a, t, weight=w)),
    ("ce-weight-grad", lambda T: (_x(T, 3, 4), _long(T, [0, 1, 2]), _x(T, 4)),
     lambda T, a, t, w: F(T).cross_entropy(a, t, weight=w)),
    ("multi_margin-weight-grad", lambda T: (_x(T, 3, 4), _long(T, [0, 1, 2]), _x(T, 4)),
     lambda T, a, t, w: F(T).multi_margin_loss(a, t, weight=w)),
    ("multi_margin-float-target", lambda T: (_x(T, 3, 4), _x(T, 3, grad=False)),
     lambda T, a, t: F(T).multi_margin_loss(a, t)),
    ("nll-target-range", lambda T: (_x(T, 4, 3), _long(T, [0, 3, 1, 1])),
     lambda T, a, t: F(T).nll_loss(a, t)),
    ("nll-target-dtype", lambda T: (_x(T, 4, 3), _long(T, [0, 1, 1, 1]).int()),
     lambda T, a, t: F(T).nll_loss(a, t)),
    ("nll-4d-size", lambda T: (_x(T, 2, 3, 2, 2), _long(T, [[[0, 1, 1]] * 2] * 2)),
     lambda T, a, t: F(T).nll_loss(a, t)),
    ("nll-4d-target-dim", lambda T: (_x(T, 2, 3, 2, 2), _long(T, [[0, 1], [1, 1]])),
     lambda T, a, t: F(T).nll_loss(a, t)),
    ("nll-3d-size", lambda T: (_x(T, 2, 3, 4), _long(T, [[0, 1, 1], [1, 1, 0]])),
     lambda T, a, t: F(T).nll_loss(a, t)),
    ("nll-3d-range", lambda T: (_x(T, 2, 3, 2), _long(T, [[0, 1], [-3, 1]])),
     lambda T, a, t: F(T).nll_loss(a, t)),
    ("nll-weight-size", lambda T: (_x(T, 2, 3), _long(T, [0, 1]), _x(T, 2, grad=False)),
     lambda T, a, t, w: F(T).nll_loss(a, t, weight=w)),
    ("nll-4d-weight-size", lambda T: (_x(T, 1, 3, 1, 2), _long(T, [[[0, 1]]]),
                                      _x(T, 2, grad=False)),
     lambda T, a, t, w: F(T).nll_loss(a, t, weight=w)),
    ("nll-weight-dtype", lambda T: (_x(T, 2, 3), _long(T, [0, 1]),
                                    _x(T, 3, grad=False, dtype=T.float64)),
     lambda T, a, t, w: F(T).nll_loss(a, t, weight=w)),
    ("nll-0d", lambda T: (_x(T, 1), _long(T, 0)), lambda T, a, t: F(T).nll_loss(a.sum(), t)),
    ("nll-batch", lambda T: (_x(T, 3, 2), _long(T, [0, 1])), lambda T, a, t: F(T).nll_loss(a, t)),
    ("ce-smoothing", lambda T: (_x(T, 2, 3), _long(T, [0, 1])),
     lambda T, a, t: F(T).cross_entropy(a, t, label_smoothing=1.25)),
    ("ce-probs-dtype", lambda T: (_x(T, 2, 3), _long(T, [[0, 1, 0], [1, 0, 0]])),
     lambda T, a, t: F(T).cross_entropy(a, t)),
    ("ce-nd-size", lambda T: (_x(T, 2, 3, 4), _x(T, 2, 3, 5, grad=False)),
     lambda T, a, t: F(T).cross_entropy(a, t)),
    ("multi_margin-range", lambda T: (_x(T, 3, 4), _long(T, [0, 4, 1])),
     lambda T, a, t: F(T).multi_margin_loss(a, t)),
    ("multi_margin-negative", lambda T: (_x(T, 3, 4), _long(T, [0, -1, 1])),
     lambda T, a, t: F(T).multi_margin_loss(a, t)),
    ("multi_margin-dtype", lambda T: (_x(T, 3, 4), _long(T, [0, 1, 1]).int()),
     lambda T, a, t: F(T).multi_margin_loss(a, t)),
    ("multi_margin-size", lambda T: (_x(T, 3, 4), _long(T, [0, 1])),
     lambda T, a, t: F(T).multi_margin_loss(a, t)),
    ("multi_margin-1d-size", lambda T: (_x(T, 4), _long(T, [[1]])),
     lambda T, a, t: F(T).multi_margin_loss(a, t)),
    ("multi_margin-weight", lambda T: (_x(T, 3, 4), _long(T, [0, 1, 1]), _x(T, 3, grad=False)),
     lambda T, a, t, w: F(T).multi_margin_loss(a, t, weight=w)),
    ("multi_margin-weight-2d", lambda T: (_x(T, 3, 4), _long(T, [0, 1, 1]),
                                          _x(T, 1, 4, grad=False)),
     lambda T, a, t, w: F(T).multi_margin_loss(a, t, weight=w)),
    ("multi_margin-weight-dtype", lambda T: (_x(T, 3, 4), _long(T, [0, 1, 1]),
                                             _x(T, 4, grad=False, dtype=T.float64)),
     lambda T, a, t, w: F(T).multi_margin_loss(a, t, weight=w)),
    ("multi_margin-p", lambda T: (_x(T, 3, 4), _long(T, [0, 1, 1])),
     lambda T, a, t: F(T).multi_margin_loss(a, t, p=3)),
    ("multi_margin-3d", lambda T: (_x(T, 2, 3, 4), _long(T, [0, 1])),
     lambda T, a, t: F(T).multi_margin_loss(a, t)),
    ("multilabel_margin-range", lambda T: (_x(T, 2, 3), _long(T, [[0, 3, -1], [1, -1, 0]])),
     lambda T, a, t: F(T).multilabel_margin_loss(a, t)),
    ("multilabel_margin-range-after-end", lambda T: (_x(T, 1, 3), _long(T, [[0, -1, -2]])),
     lambda T, a, t: F(T).multilabel_margin_loss(a, t)),
    ("multilabel_margin-size", lambda T: (_x(T, 2, 3), _long(T, [[0, 1], [1, -1]])),
     lambda T, a, t: F(T).multilabel_margin_loss(a, t)),
    ("multilabel_margin-1d-size", lambda T: (_x(T, 4), _long(T, [[0, 1, 2, 3]])),
     lambda T, a, t: F(T).multilabel_margin_loss(a, t)),
    ("multilabel_margin-dtype", lambda T: (_x(T, 2, 3), _long(T, [[0, 1, -1]] * 2).int()),
     lambda T, a, t: F(T).multilabel_margin_loss(a, t)),
    ("multilabel_margin-3d", lambda T: (_x(T, 2, 3, 4), _long(T, [0, 1])),
     lambda T, a, t: F(T).multilabel_margin_loss(a, t)),
    ("soft_margin-target-grad", lambda T: (_x(T, 3), _x(T, 3)),
     lambda T, a, t: F(T).soft_margin_loss(a, t)),
    ("soft_margin-shapes", lambda T: (_x(T, 3), _x(T, 4, grad=False)),
     lambda T, a, t: F(T).soft_margin_loss(a, t)),
    ("smooth_l1-beta", lambda T: (_x(T, 3), _x(T, 3)),
     lambda T, a, t: F(T).smooth_l1_loss(a, t, beta=-0.5)),
    ("huber-delta", lambda T: (_x(T, 3), _x(T, 3)),
     lambda T, a, t: F(T).huber_loss(a, t, delta=0.0)),
    ("huber-weight-size", lambda T: (_x(T, 3), _x(T, 3), _x(T, 1, grad=False)),
     lambda T, a, t, w: F(T).huber_loss(a, t, weight=w)),
    ("huber-weight-reduction", lambda T: (_x(T, 3), _x(T, 3), _x(T, 3, grad=False)),
     lambda T, a, t, w: F(T).huber_loss(a, t, weight=w, reduction="max")),
    ("kl-reduction", lambda T: (_x(T, 3), _x(T, 3)),
     lambda T, a, t: F(T).kl_div(a, t, reduction="batchsum")),
    ("poisson-reduction", lambda T: (_x(T, 3), _x(T, 3)),
     lambda T, a, t: F(T).poisson_nll_loss(a, t, reduction="elementwise")),
    ("gaussian-negative-var", lambda T: (_x(T, 3), _x(T, 3), _x(T, 3)),
     lambda T, a, t, v: F(T).gaussian_nll_loss(a, t, v - 0.5)),
    ("gaussian-negative-float-var", lambda T: (_x(T, 3), _x(T, 3)),
     lambda T, a, t: F(T).gaussian_nll_loss(a, t, -1.0)),
    ("gaussian-var-size", lambda T: (_x(T, 2, 3), _x(T, 2, 3), _x(T, 3, 2)),
     lambda T, a, t, v: F(T).gaussian_nll_loss(a, t, v)),
    ("gaussian-reduction", lambda T: (_x(T, 3), _x(T, 3), _x(T, 3)),
     lambda T, a, t, v: F(T).gaussian_nll_loss(a, t, v, reduction="all")),
    ("margin_ranking-dims", lambda T: (_x(T, 3), _x(T, 3, 1), _x(T, 3, grad=False)),
     lambda T, a, b, y: F(T).margin_ranking_loss(a, b, y)),
    ("cosine-target-2d", lambda T: (_x(T, 2, 3), _x(T, 2, 3), _long(T, [[1], [1]])),
     lambda T, a, b, y: F(T).cosine_embedding_loss(a, b, y)),
    ("cosine-1d-target-1d-inputs", lambda T: (_x(T, 3), _x(T, 3), _long(T, [1])),
     lambda T, a, b, y: F(T).cosine_embedding_loss(a, b, y)),
    ("cosine-0d-target-2d-inputs", lambda T: (_x(T, 2, 3), _x(T, 2, 3), _long(T, 1)),
     lambda T, a, b, y: F(T).cosine_embedding_loss(a, b, y)),
    ("cosine-target-size", lambda T: (_x(T, 4, 3), _x(T, 4, 3), _long(T, [1, -1, 1])),
     lambda T, a, b, y: F(T).cosine_embedding_loss(a, b, y)),
    ("triplet-dims", lambda T: (_x(T, 2, 3), _x(T, 3), _x(T, 2, 3)),
     lambda T, a, p, n: F(T).triplet_margin_loss(a, p, n)),
    ("triplet-margin", lambda T: (_x(T, 2, 3), _x(T, 2, 3), _x(T, 2, 3)),
     lambda T, a, p, n: F(T).triplet_margin_loss(a, p, n, margin=0)),
    ("triplet_distance-dims", lambda T: (_x(T, 2, 3), _x(T, 2, 3), _x(T, 3)),
     lambda T, a, p, n: F(T).triplet_margin_with_distance_loss(a, p, n)),
    ("triplet_distance-reduction", lambda T: (_x(T, 2, 3), _x(T, 2, 3), _x(T, 2, 3)),
     lambda T, a, p, n: F(T).triplet_margin_with_distance_loss(a, p, n, reduction="avg")),
    ("triplet_distance-margin", lambda T: (_x(T, 2, 3), _x(T, 2, 3), _x(T, 2, 3)),
     lambda T, a, p, n: F(T).triplet_margin_with_distance_loss(a, p, n, margin=-2.0)),
]


def _ctc(T, lp, targets, il, tl, **kw):
    return F(T).ctc_loss(lp, targets, il, tl, **kw)


def _lp(T, *shape):
    return _x(T, *shape)


ERRORS += [
    ("ctc-concat-size", lambda T: (_lp(T, 6, 2, 4), _long(T, [1, 2, 3])),
     lambda T, lp, y: _ctc(T, lp, y, T.tensor([6, 5]), T.tensor([2, 2]))),
    ("ctc-padded-width", lambda T: (_lp(T, 6, 2, 4), _long(T, [[1], [2]])),
     lambda T, lp, y: _ctc(T, lp, y, T.tensor([6, 5]), T.tensor([2, 2]))),
    ("ctc-padded-batch", lambda T: (_lp(T, 6, 2, 4), _long(T, [[1, 2]])),
     lambda T, lp, y: _ctc(T, lp, y, T.tensor([6, 5]), T.tensor([2, 2]))),
    ("ctc-input-length", lambda T: (_lp(T, 6, 2, 4), _long(T, [[1, 2], [2, 2]])),
     lambda T, lp, y: _ctc(T, lp, y, T.tensor([7, 5]), T.tensor([2, 2]))),
    ("ctc-float-lengths", lambda T: (_lp(T, 6, 2, 4), _long(T, [[1, 2], [2, 2]])),
     lambda T, lp, y: _ctc(T, lp, y, T.tensor([6.0, 5.0]), T.tensor([2, 2]))),
    ("ctc-float-target-lengths", lambda T: (_lp(T, 6, 2, 4), _long(T, [[1, 2], [2, 2]])),
     lambda T, lp, y: _ctc(T, lp, y, T.tensor([6, 5]), T.tensor([2.0, 2.0]))),
    ("ctc-lengths-size", lambda T: (_lp(T, 6, 2, 4), _long(T, [[1, 2], [2, 2]])),
     lambda T, lp, y: _ctc(T, lp, y, T.tensor([6, 5, 3]), T.tensor([2, 2]))),
    ("ctc-target-lengths-size", lambda T: (_lp(T, 6, 2, 4), _long(T, [[1, 2], [2, 2]])),
     lambda T, lp, y: _ctc(T, lp, y, (6, 5), (2,))),
    ("ctc-blank", lambda T: (_lp(T, 6, 2, 4), _long(T, [[1, 2], [2, 2]])),
     lambda T, lp, y: _ctc(T, lp, y, T.tensor([6, 5]), T.tensor([2, 2]), blank=4)),
    ("ctc-reduction", lambda T: (_lp(T, 6, 2, 4), _long(T, [[1, 2], [2, 2]])),
     lambda T, lp, y: _ctc(T, lp, y, T.tensor([6, 5]), T.tensor([2, 2]), reduction="avg")),
    ("ctc-rank", lambda T: (_lp(T, 6, 2, 4, 1), _long(T, [[1, 2], [2, 2]])),
     lambda T, lp, y: _ctc(T, lp, y, T.tensor([6, 5]), T.tensor([2, 2]))),
    ("ctc-empty", lambda T: (_lp(T, 0, 2, 3), _long(T, [[1], [1]])),
     lambda T, lp, y: _ctc(T, lp, y, T.tensor([0, 0]), T.tensor([0, 1]))),
    ("ctc-unbatched-lengths", lambda T: (_lp(T, 6, 4), _long(T, [1, 2])),
     lambda T, lp, y: _ctc(T, lp, y, T.tensor([6, 5]), T.tensor([2, 2]))),
]


@pytest.mark.parametrize("row", ERRORS, ids=[r[0] for r in ERRORS])
def test_error_as_torch(row):
    _, setup, op = row
    check_error(setup, op)


def test_ctc_int_lengths_are_refused_as_in_torch():
    check(lambda T: F(T).ctc_loss(_lp(T, 6, 2, 4), T.tensor([[1, 2], [2, 2]]), 6, 2),
          message=False)


def _warnings(fn):
    out = {}
    for T in (pytest.importorskip("torch"), ember):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            fn(T)
        out[T] = [(x.category, str(x.message).replace("torch.", "ember.")) for x in w]
    return out


@pytest.mark.parametrize("fn", [
    lambda T: F(T).kl_div(_x(T, 2, 3), _x(T, 2, 3)),
    lambda T: F(T).smooth_l1_loss(_x(T, 2, 3), _x(T, 3)),
    lambda T: F(T).huber_loss(_x(T, 2, 3), _x(T, 1, 3)),
    lambda T: F(T).l1_loss(_x(T, 3), _x(T, 1)),
    lambda T: F(T).mse_loss(_x(T, 3), _x(T, 2, 1)),
    lambda T: F(T).soft_margin_loss(_x(T, 3), _x(T, 3, grad=False), size_average=True),
    lambda T: F(T).poisson_nll_loss(_x(T, 3), _x(T, 3), reduce=False),
    lambda T: F(T).hinge_embedding_loss(_x(T, 3), _x(T, 3, grad=False), size_average=False),
], ids=["kl-mean", "smooth_l1-size", "huber-size", "l1-size", "mse-size", "legacy-size_average",
        "legacy-reduce", "legacy-sum"])
def test_warnings_as_torch(fn):
    torch_w, ember_w = _warnings(fn).values()
    assert torch_w and ember_w == torch_w


def test_bce_log_is_clamped_at_minus_100():
    def clamped(T):
        x = T.tensor([0.0, 1.0, 0.5, 1e-45], requires_grad=True)
        t = T.tensor([1.0, 0.0, 0.5, 1.0])
        loss = F(T).binary_cross_entropy(x, t, reduction="none")
        loss.sum().backward()
        return loss, x.grad
    check(clamped)


def test_bcel_extreme_logits_stay_finite():
    def extreme(T):
        x = T.tensor([-200.0, 200.0, 0.0, 90.0], requires_grad=True)
        t = T.tensor([1.0, 0.0, 0.3, 1.0])
        loss = F(T).binary_cross_entropy_with_logits(x, t, pos_weight=T.tensor(2.0))
        loss.backward()
        return loss, x.grad
    check(extreme)


def test_ctc_impossible_alignment_is_inf_or_zeroed():
    def run(T, zero_infinity):
        x = T.tensor(np.random.default_rng(0).standard_normal((3, 2, 4)), requires_grad=True)
        loss = F(T).ctc_loss(x.log_softmax(2), T.tensor([[1, 1, 2], [2, 3, 0]]),
                             T.tensor([3, 3]), T.tensor([3, 2]), reduction="sum",
                             zero_infinity=zero_infinity)
        loss.backward()
        return loss, x.grad
    check(lambda T: run(T, True), rtol=1e-10)
    check(lambda T: run(T, False), rtol=1e-10)


def test_ctc_empty_inputs_and_targets():
    def run(T):
        x = T.tensor(np.random.default_rng(1).standard_normal((4, 3, 3)), requires_grad=True)
        loss = F(T).ctc_loss(x.log_softmax(2), T.tensor([1, 1]), T.tensor([0, 4, 2]),
                             T.tensor([0, 2, 0]), reduction="none")
        loss.sum().backward()
        return loss, x.grad
    check(run, rtol=1e-10)


def test_negative_label_smoothing_is_none_as_in_torch():
    for target in (lambda T: T.tensor([0, 2]), lambda T: T.tensor([[0.2, 0.3, 0.5]] * 2)):
        check(lambda T: F(T).cross_entropy(_x(T, 2, 3), target(T), label_smoothing=-0.5))


def test_weight_requiring_grad_is_fine_without_grad_mode():
    def run(T):
        with T.no_grad():
            w = _x(T, 3)
            return (F(T).nll_loss(_x(T, 2, 3), T.tensor([0, 2]), weight=w),
                    F(T).binary_cross_entropy(_x(T, 3), _x(T, 3), weight=w),
                    F(T).soft_margin_loss(_x(T, 3), w))
    check(run)


@pytest.mark.parametrize("dtypes", [("float32", "float64"), ("float64", "float32"),
                                    ("float32", "float16")])
def test_bcel_loss_has_the_targets_dtype(dtypes):
    """(1 - target).mul_(input)...: the loss comes in the target's dtype."""
    def run(T):
        x = T.linspace(-2, 2, 5, dtype=getattr(T, dtypes[0]), requires_grad=True)
        t = T.tensor([0, 1, 0.5, 1, 0], dtype=getattr(T, dtypes[1]))
        loss = F(T).binary_cross_entropy_with_logits(x, t)
        loss.backward()
        return loss, x.grad
    check(run, rtol=1e-3 if "float16" in dtypes else 1e-6)
