"""nn.functional distances: normalize, and the ops of torch's namespace
(cosine_similarity, pairwise_distance, pdist) under their functional names."""
from ...ops import div  # (the public one, which takes out=)
from ...ops.statistics_distance import cosine_similarity, pairwise_distance, pdist

__all__ = ["normalize", "cosine_similarity", "pairwise_distance", "pdist"]


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """input / max(‖input‖_p along dim, eps)."""
    if out is None:
        denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
        return input / denom
    denom = input.norm(p, dim, keepdim=True).clamp_min_(eps).expand_as(input)
    return div(input, denom, out=out)
