"""Sample rows of the losses in the torch namespace (ops/loss*.py). Their
reduction argument is ATen's enum (0 none, 1 mean, 2 sum); targets that are
not differentiable are made inside the row."""
from op_table import ANY, POS, UNIT


def _signs(T, n):
    return T.tensor([1.0, -1.0, -1.0, 1.0, 1.0, -1.0][:n], dtype=T.float64)


OPS = [
    ("binary_cross_entropy_with_logits", lambda T, x, t: T.binary_cross_entropy_with_logits(
        x, (t + 1) / 2, T.tensor([[0.5], [1.0], [3.0]], dtype=x.dtype),
        T.tensor([0.5, 2.0, 1.5, 1.0], dtype=x.dtype), 1),
     [((3, 4), ANY), ((3, 4), UNIT)], True),
    ("kl_div", lambda T, x, t: T.kl_div(x, t, 2) + T.kl_div(x, t.log(), 1, log_target=True),
     [((3, 4), ANY), ((3, 4), POS)], True),
    ("hinge_embedding_loss", lambda T, x: T.hinge_embedding_loss(
        x, _signs(T, 4).to(x.dtype), 1.5, 0), [((4,), ANY)], True),
    ("margin_ranking_loss", lambda T, a, b: T.margin_ranking_loss(
        a, b, _signs(T, 5).to(a.dtype), 0.3, 2), [((5,), ANY), ((5,), ANY)], True),
    ("poisson_nll_loss", lambda T, x, t: T.poisson_nll_loss(x, t * 2, False, True, 1e-6, 1),
     [((2, 3), POS), ((2, 3), POS)], True),
    ("cosine_embedding_loss", lambda T, a, b: T.cosine_embedding_loss(
        a, b, T.tensor([1, -1, -1]), -0.5, 0), [((3, 4), ANY), ((3, 4), ANY)], True),
    ("triplet_margin_loss", lambda T, a, p, n: T.triplet_margin_loss(
        a, p, n, 3.0, 2, 1e-6, True, 1), [((3, 4), ANY), ((3, 4), ANY), ((3, 4), ANY)], True),
    ("ctc_loss", lambda T, x: T.ctc_loss(x.log_softmax(2), T.tensor([[1, 2], [3, 0]]),
                                         T.tensor([5, 4]), T.tensor([2, 1]), 0, 1, False),
     [((5, 2, 4), ANY)], False),
]
