"""nn.functional losses beyond mse/l1/nll/cross entropy: PyTorch's
Python-side argument handling (legacy size_average/reduce, size checks,
warnings) around the ops of ember/ops/loss*.py."""
import math

from ..._settings import warn_at_caller
from ...ops.activation_smooth import logsigmoid
from ...autograd.grad_mode import no_grad
from ...ops import conditional as _C
from ...ops._linear import linear
from ...ops import _autocast
from ...ops import loss as _L
from ...ops import loss_composite as _LC
from ...ops import loss_ctc as _CTC
from ...ops._common import tensor_arg
from ..._tensor import Tensor
from ...ops._arg_refusals import expect, invalid_combination
from ...ops._int_args import is_index, type_name
from ...ops import loss_margin as _LM
from ...ops.rearrange_grid import broadcast_shapes
from ...ops.statistics_distance import pairwise_distance
# (loss.py imports this module once these two are defined)
from .loss import _reduction, cross_entropy, l1_loss

__all__ = ["binary_cross_entropy", "binary_cross_entropy_with_logits", "smooth_l1_loss",
           "huber_loss", "soft_margin_loss", "multilabel_soft_margin_loss", "kl_div",
           "poisson_nll_loss", "gaussian_nll_loss", "margin_ranking_loss",
           "hinge_embedding_loss", "multilabel_margin_loss", "multi_margin_loss",
           "cosine_embedding_loss", "triplet_margin_loss", "triplet_margin_with_distance_loss",
           "ctc_loss", "linear_cross_entropy"]


def _warn_size(input, target):
    if target.size() != input.size():
        warn_at_caller(
            f"Using a target size ({target.size()}) that is different to the input size "
            f"({input.size()}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.")


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    if target.size() != input.size():
        raise ValueError(f"Using a target size ({target.size()}) that is different to the input "
                         f"size ({input.size()}) is deprecated. Please ensure they have the "
                         "same size.")
    if weight is not None:
        full = broadcast_shapes(target.size(), weight.size())
        weight = weight.expand(full)
    return _L.binary_cross_entropy(input, target, weight, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    reduction = _reduction(size_average, reduce, reduction)
    if target.size() != input.size():
        raise ValueError(f"Target size ({target.size()}) must be the same as input size "
                         f"({input.size()})")
    return _L.binary_cross_entropy_with_logits(input, target, weight, pos_weight, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    _warn_size(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if beta == 0.0:
        return l1_loss(input, target, reduction=reduction)
    return _L.smooth_l1_loss(input, target, reduction, beta)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    _warn_size(input, target)
    if weight is None:
        return _L.huber_loss(input, target, _reduction(None, None, reduction), delta)
    if weight.size() != input.size():
        raise ValueError("Weights and input must have the same size.")
    loss = _L.huber_loss(input, target, "none", delta) * weight
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.mean()
    raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', "
                     "'sum'.")


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    return _L.soft_margin_loss(input, target, _reduction(size_average, reduce, reduction))


def _reduce_or_raise(loss, reduction, message):
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(message)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    if size_average is not None or reduce is not None:
        reduction = _reduction(size_average, reduce, reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.ndim - 1
    loss = loss.sum(class_dim) / input.size(class_dim)
    return _reduce_or_raise(loss, reduction, f"{reduction} is not valid")


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    if size_average is not None or reduce is not None:
        enum = _reduction(size_average, reduce, reduction)
    else:
        if reduction == "mean":
            warn_at_caller(
                "reduction: 'mean' divides the total loss by both the batch size and the support "
                "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
                "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
                "major release.")
        enum = "sum" if reduction == "batchmean" else _reduction(None, None, reduction)
    reduced = _LC.kl_div(input, target, enum, log_target=log_target)
    if reduction == "batchmean" and input.ndim != 0:
        reduced = reduced / input.shape[0]
    return reduced


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
                     reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    # (ATen's op takes no number for the target, though the formula would)
    tensor_arg(input, "poisson_nll_loss")
    tensor_arg(target, "poisson_nll_loss", "target", 2)
    for position, (name, flag) in enumerate((("log_input", log_input), ("full", full)), 3):
        if flag.__class__ is not bool:
            raise TypeError(f"poisson_nll_loss(): argument '{name}' (position {position}) must "
                            f"be bool, not {type_name(flag)}")
    return _LC.poisson_nll_loss(input, target, log_input, full, eps, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * input.new_ones(input.shape)
    elif bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    if var.size() != input.size():
        if input.size()[:-1] == var.size():
            var = var.unsqueeze(-1)
        elif not (input.ndim == var.ndim and
                  sum(y for x, y in zip(input.shape, var.shape) if x != y) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    var = var.clone()
    with no_grad():
        var.clamp_(min=eps)     # (no gradient through the clamp, as in PyTorch)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce_or_raise(loss, reduction, "")


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    if input1.ndim != input2.ndim or input1.ndim != target.ndim:
        raise RuntimeError(
            "margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {input1.size()}, input2: {input2.size()}, target: {target.size()} ")
    return _LC.margin_ranking_loss(input1, input2, target, margin, reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    return _LC.hinge_embedding_loss(input, target, margin, reduction)


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    return _LM.multilabel_margin_loss(input, target, reduction)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    if p != 1 and p != 2:
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.ndim != 1:
        raise ValueError("weight must be one-dimensional")
    return _LM.multi_margin_loss(input, target, p, margin, weight, reduction)


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    return _LC.cosine_embedding_loss(input1, input2, target, margin, reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    for position, kind, arg, value in ((5, "float", "p", p), (6, "float", "eps", eps),
                                       (7, "bool", "swap", swap)):
        expect(value, kind, "triplet_margin_loss", arg, position)
    return _LC.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin=1.0, swap=False, reduction="mean"):
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _LC.check_triplet_dims(anchor, positive, negative)
    distance = pairwise_distance if distance_function is None else distance_function
    dist_pos = distance(anchor, positive)
    dist_neg = distance(anchor, negative)
    if swap:
        dist_neg = _C.minimum(dist_neg, distance(positive, negative))
    return _reduce_or_raise(_C.clamp_min(margin + dist_pos - dist_neg, 0), reduction, "")


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",
             zero_infinity=False):
    reduction = _reduction(None, None, reduction)
    lengths = (input_lengths, target_lengths)
    if not (isinstance(log_probs, Tensor) and isinstance(targets, Tensor)
            and (all(isinstance(v, Tensor) for v in lengths)
                 or all(isinstance(v, (tuple, list)) and all(map(is_index, v)) for v in lengths))
            and is_index(blank) and zero_infinity.__class__ is bool):
        # (torch.ctc_loss's two overloads: the lengths as ints or as tensors)
        raise invalid_combination("ctc_loss", (log_probs, targets, input_lengths, target_lengths,
                                               blank, _ENUM[reduction], zero_infinity), {},
                                   _CTC_OVERLOADS)
    return _CTC.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, reduction,
                         zero_infinity)


_ENUM = {"none": 0, "mean": 1, "sum": 2}      # (_Reduction.get_enum)
_CTC_OVERLOADS = tuple(
    (f"(Tensor log_probs, Tensor targets, {kind} input_lengths, {kind} target_lengths, "
     "int blank = 0, int reduction = at::Reduction::Mean, bool zero_infinity = False)",
     ("Tensor", "Tensor", kinds, kinds, "int", "int", "bool"))
    for kind, kinds in (("tuple of ints", "ints"), ("Tensor", "Tensor")))


def check_no_chunking(options):
    if options is not None:
        raise NotImplementedError("linear_cross_entropy: Ember computes the reference path "
                                  "only; chunking options are not supported (pass "
                                  "options=None)")


def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None,
                         reduction="mean", ignore_index=None, label_smoothing=0.0,
                         options=None):
    """cross_entropy(linear(input, linear_weight, linear_bias), target): PyTorch's
    reference path."""
    if input.ndim < 1 or input.ndim > 2:
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {input.ndim}")
    if linear_weight.ndim < 2:
        raise RuntimeError("expected linear_weight with dimensionality at least 2, got "
                           f"{linear_weight.ndim}")
    batches, in_features = tuple(input.shape[:-1]), input.shape[-1]
    if in_features != linear_weight.shape[-1]:
        raise RuntimeError("expected equal input and linear_weight last dimensions "
                           f"(in_features), got {in_features} and {linear_weight.shape[-1]}, "
                           "respectively")
    num_classes, out_features = linear_weight.shape[0], tuple(linear_weight.shape[1:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != (num_classes, *out_features):
        raise RuntimeError(f"expected linear_bias shape {(num_classes, *out_features)}, got "
                           f"{tuple(linear_bias.shape)}")
    if out_features and not batches:
        raise RuntimeError(f"K-dimensional loss defined by linear_weight shape "
                           f"{tuple(linear_weight.shape)} requires batched input, "
                           f"(N, {in_features}), got unbatched input with shape "
                           f"{tuple(input.shape)}")
    logits_shape = (*batches, num_classes, *out_features)
    if tuple(target.shape) == logits_shape and ignore_index is not None:
        raise RuntimeError("ignore_index cannot be specified when target contains "
                           "probabilities")
    check_no_chunking(options)
    if out_features:
        linear_weight = linear_weight.reshape(math.prod(out_features, start=num_classes),
                                              in_features)
        if linear_bias is not None:
            linear_bias = linear_bias.reshape(math.prod(out_features, start=num_classes))
    logits = linear(input, linear_weight, linear_bias).reshape(logits_shape)
    return cross_entropy(logits, target, weight=weight, reduction=reduction,
                         ignore_index=-100 if ignore_index is None else ignore_index,
                         label_smoothing=label_smoothing)


# (the losses of autocast's float32 list run in float32 under autocast)
_autocast.hook_all(globals(), __all__)
