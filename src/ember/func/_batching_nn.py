"""Batching rules of nn.functional's layers and losses (see _batching_rules.py).

Layers that already take a batch (convolutions, pooling) get vmap's batch
merged into theirs; per-sample convolution weights become groups, as
functorch does it. Losses are computed per element (reduction='none') on
the merged batch and reduced sample by sample.
"""
from ._vmap import batch_of, batch_size, is_batched, wrap

__all__ = ["rules"]


def _merged(x, level, core):
    """x's batch merged into its own leading dims: (B*N, *core dims), and
    how to split a result back."""
    p = x._phys
    n = batch_size(level)
    lead = x.dim() - core
    if lead == 0:           # an unbatched sample (C, H, W): vmap's batch is N
        return p, lambda out: out
    flat = p.reshape((-1,) + tuple(p.shape[1 + lead:]))
    lead_shape = tuple(p.shape[1:1 + lead])

    def split(out):
        return out.reshape((n,) + lead_shape + tuple(out.shape[1:]))
    return flat, split


def _batch_like(core):
    """Ops whose input is (N, *core) or (*core) with their other arguments
    shared: pooling, and convolutions with one weight."""
    def rule(fn, name, level, args, kwargs):
        from ._batching_rules import _per_sample
        x = args[0]
        others = [*args[1:], *kwargs.values()]
        if not is_batched(x, level) or any(is_batched(a, level) for a in others):
            return _per_sample(fn, name, level, args, kwargs)
        flat, split = _merged(x, level, core)
        out = fn(flat, *args[1:], **kwargs)
        if isinstance(out, tuple):      # (values, indices)
            return type(out)(wrap(split(o), level) for o in out)
        return wrap(split(out), level)
    return rule


def _conv(spatial):
    shared = _batch_like(spatial + 1)

    def rule(fn, name, level, args, kwargs):
        from ._batching_rules import _get, _per_sample
        x, w = args[0], _get(args, kwargs, 1, "weight")
        if not is_batched(w, level):
            return shared(fn, name, level, args, kwargs)
        bias = _get(args, kwargs, 2, "bias")
        stride, padding, dilation, groups = (
            _get(args, kwargs, i, k, d) for i, k, d in
            ((3, "stride", 1), (4, "padding", 0), (5, "dilation", 1), (6, "groups", 1)))
        if x.dim() != spatial + 2 or isinstance(padding, str) and padding == "same":
            return _per_sample(fn, name, level, args, kwargs)
        # per-sample weights: the samples side by side as groups of one conv
        n = batch_size(level)
        px = batch_of(x, level)
        N, C = px.shape[1], px.shape[2]
        px = px.transpose(0, 1).reshape((N, n * C) + tuple(px.shape[3:]))
        pw = w._phys.reshape((-1,) + tuple(w.shape[1:]))
        pb = None
        if bias is not None:
            pb = bias._phys.reshape(-1) if is_batched(bias, level) else bias.repeat(n)
        out = fn(px, pw, pb, stride, padding, dilation, groups * n)
        out = out.reshape((N, n, out.shape[1] // n) + tuple(out.shape[2:])).transpose(0, 1)
        return wrap(out, level)
    return rule


def _loss_elementwise(fn, name, level, args, kwargs):
    """mse_loss, l1_loss, ...: per element, then each sample's mean or sum."""
    from ._batching_rules import _aligned
    reduction = kwargs.get("reduction", "mean")
    x, y = args[0], args[1]
    rank = max(x.dim(), y.dim())
    px, py = _aligned((x, y), level, rank)
    n = batch_size(level)
    if not is_batched(x, level):
        px = px.unsqueeze(0)
    if not is_batched(y, level):
        py = py.unsqueeze(0)
    # both to the one batched shape (the loss warns about broadcast targets)
    shape = tuple(max(a, b) for a, b in zip(px.shape, py.shape))
    px, py = px.expand(shape), py.expand(shape)
    out = fn(px, py, *args[2:], **{**kwargs, "reduction": "none"})
    if out.dim() == 0 or out.shape[0] != n:
        out = out.expand((n,) + tuple(out.shape[1:]))
    if reduction == "none":
        return wrap(out, level)
    flat = out.reshape(n, -1)
    return wrap(flat.mean(1) if reduction == "mean" else flat.sum(1), level)


def _classification_loss(fn, name, level, args, kwargs):
    """cross_entropy and nll_loss: the samples' rows side by side, each
    sample's loss reduced over its own rows."""
    from ._batching_rules import _get, _per_sample
    x, target = args[0], _get(args, kwargs, 1, "target")
    weight = _get(args, kwargs, 2, "weight")
    reduction = kwargs.get("reduction", "mean")
    if (len(args) > 2 or is_batched(weight, level) or weight is not None
            or kwargs.get("label_smoothing", 0.0) or not is_batched(x, level)
            or target.dtype.is_floating_point or kwargs.get("size_average") is not None
            or kwargs.get("reduce") is not None):
        return _per_sample(fn, name, level, args, kwargs)
    n = batch_size(level)
    px = x._phys
    pt = batch_of(target, level)
    if x.dim() == 1:        # one sample's scores: the batch is the rows
        rows, trows = px, pt
    else:
        rows = px.reshape((-1,) + tuple(px.shape[2:]))
        trows = pt.reshape((-1,) + tuple(pt.shape[2:]))
    out = fn(rows, trows, **{**kwargs, "reduction": "none"}).reshape(n, -1)
    if reduction == "none":
        return wrap(out.reshape((n,) + tuple(target.shape)), level)
    if reduction == "sum":
        return wrap(out.sum(1), level)
    ignore = kwargs.get("ignore_index", -100)
    counted = (pt.reshape(n, -1) != ignore).sum(1).to(out.dtype)
    return wrap(out.sum(1) / counted, level)


def _batch_norm(fn, name, level, args, kwargs):
    """Per sample, unless training would update running statistics that are
    not batched: one shared buffer cannot hold every sample's, as PyTorch says."""
    from ._batching_rules import _get, _per_sample
    x = _get(args, kwargs, 0, "input")
    # (torch.batch_norm takes its nine arguments all, weight and bias before
    # the statistics; nn.functional.batch_norm at most eight, statistics first)
    at = 3 if len(args) + len(kwargs) == 9 else 1
    stats = (_get(args, kwargs, at, "running_mean"), _get(args, kwargs, at + 1, "running_var"))
    if _get(args, kwargs, 5, "training", False) and is_batched(x, level) and any(
            s is not None and not is_batched(s, level) for s in stats):
        raise RuntimeError(
            "Batch norm got a batched tensor as input while the running_mean or running_var, "
            "which will be updated in place, were not batched.\nIf you are using a module and "
            "do not need eval mode, please set `track_running_stats` to be False.If you are "
            "using a prebuilt module and do not need eval mode, please see the functorch "
            "website for resources on how to patch your module to work with vmap")
    return _per_sample(fn, name, level, args, kwargs)


def rules():
    table = {"batch_norm": _batch_norm}
    for spatial in (1, 2, 3):
        table[f"conv{spatial}d"] = _conv(spatial)
        for pool in (f"max_pool{spatial}d", f"avg_pool{spatial}d",
                     f"adaptive_avg_pool{spatial}d", f"adaptive_max_pool{spatial}d",
                     f"lp_pool{spatial}d", f"max_pool{spatial}d_with_indices"):
            table[pool] = _batch_like(spatial + 1)
    for loss in ("mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss",
                 "binary_cross_entropy", "binary_cross_entropy_with_logits", "soft_margin_loss"):
        table[loss] = _loss_elementwise
    table["cross_entropy"] = table["nll_loss"] = _classification_loss
    return table

