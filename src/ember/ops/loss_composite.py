"""The losses of the torch namespace that ATen composes of other ops
(torch.kl_div, hinge_embedding_loss, margin_ranking_loss, poisson_nll_loss,
cosine_embedding_loss, triplet_margin_loss): composed here the same way,
so their graphs hold the same nodes. Reduction is ATen's enum."""
import math

from .conditional import clamp_min, minimum, where
from ._common import np, wrap
from .loss import reduction_name
from .scalar_arith import add_scalar, mul_scalar, scalar_sub, sub_scalar
from .statistics_distance import pairwise_distance

__all__ = ["kl_div", "hinge_embedding_loss", "margin_ranking_loss", "poisson_nll_loss",
           "cosine_embedding_loss", "triplet_margin_loss"]


def apply_reduction(loss, reduction):
    reduction = reduction_name(reduction)
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss


def kl_div(input, target, reduction=0, *, log_target=False):
    if input.is_complex() or target.is_complex():
        raise RuntimeError("kl_div: Complex inputs not supported.")
    if input._data.dtype.kind in "biu" or target._data.dtype.kind in "biu":
        raise RuntimeError("kl_div: Integral inputs not supported.")
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = target.xlogy(target) - target * input
    return apply_reduction(loss, reduction)


# (the margins are ATen's `double`s, whatever number the caller gave; and
# ATen's zeros are zeros_like(input): an integer input keeps its dtype)
def hinge_embedding_loss(input, target, margin=1.0, reduction=0):
    zeros = wrap(np.zeros_like(input._data))
    pushed = clamp_min(scalar_sub(float(margin), input), 0)
    loss = where(target != 1, pushed, zeros) + where(target != -1, input, zeros)
    return apply_reduction(loss, reduction)


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=0):
    difference = input1 - input2        # (before -target, as the compiled C++ runs it)
    loss = clamp_min(add_scalar(-target * difference, float(margin)), 0)
    return apply_reduction(loss, reduction)


def poisson_nll_loss(input, target, log_input, full, eps, reduction):
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * add_scalar(input, eps).log()
    if full:
        stirling = target * target.log() - target + mul_scalar(
            mul_scalar(target, 2 * math.pi).log(), 0.5)
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return apply_reduction(loss, reduction)


def _size(t):
    return str(list(t.shape))


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=0):
    nd = target.ndim
    if nd not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if nd == 1 and not (input1.ndim == 2 and input2.ndim == 2):
        raise RuntimeError("1D target tensor expects 2D input tensors, but found inputs with "
                           f"sizes {_size(input1)} and {_size(input2)}.")
    if nd == 0 and not (input1.ndim == 1 and input2.ndim == 1):
        raise RuntimeError("0D target tensor expects 1D input tensors, but found inputs with "
                           f"sizes {_size(input1)} and {_size(input2)}.")
    eps = 1e-12     # ATen's EPSILON: keeps a zero vector's cosine finite
    prod = (input1 * input2).sum(nd)
    mag1 = add_scalar((input1 * input1).sum(nd), eps)
    mag2 = add_scalar((input2 * input2).sum(nd), eps)
    cos = prod / (mag1 * mag2).sqrt()
    loss = where(target == 1, scalar_sub(1, cos), 0.0) + \
        where(target == -1, clamp_min(sub_scalar(cos, margin), 0), 0.0)
    return apply_reduction(loss, reduction)


def check_triplet_dims(anchor, positive, negative):
    a, p, n = anchor.ndim, positive.ndim, negative.ndim
    if not a == p == n:
        raise RuntimeError("The anchor, positive, and negative tensors are expected to have the "
                           f"same number of dimensions, but got: anchor {a}D, positive {p}D, "
                           f"and negative {n}D inputs")


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        reduction=0):
    check_triplet_dims(anchor, positive, negative)
    dist_pos = pairwise_distance(anchor, positive, p, eps)
    dist_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        dist_neg = minimum(dist_neg, pairwise_distance(positive, negative, p, eps))
    return apply_reduction(clamp_min(add_scalar(dist_pos, margin) - dist_neg, 0), reduction)


from ._registry import register  # noqa: E402

kl_div = register(kl_div, method=False, out=False)
hinge_embedding_loss = register(hinge_embedding_loss, method=False, out=False)
margin_ranking_loss = register(margin_ranking_loss, method=False, out=False)
poisson_nll_loss = register(poisson_nll_loss, method=False, out=False)
cosine_embedding_loss = register(cosine_embedding_loss, method=False, out=False)
triplet_margin_loss = register(triplet_margin_loss, method=False, out=False)
