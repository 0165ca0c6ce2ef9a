"""The gradients of squeeze, unsqueeze and repeat (shape.py's nodes, and
rearrange_views.py's in-place ones). On arrays, one reshape (and one sum);
recorded (create_graph=True), the ops PyTorch's formulas call, so the graph
has their nodes: unsqueeze_to's unsqueezes, squeeze(dim), repeat_backward's
sums and reshape."""
from ._common import wrap_dim


def squeeze_back(xp, g, shape, given_dim):
    """PyTorch's `grad.squeeze(dim)` (recorded: SqueezeBackward1)."""
    if xp.recording:
        return g.squeeze(given_dim)
    return xp.reshape(g, shape)


def unsqueeze_to(xp, g, shape, given_dim):
    """PyTorch's unsqueeze_to: `g` given back the size-1 dims of `shape` that
    a squeeze (of `given_dim`, or of every dim) took away, one unsqueeze each
    when recorded, as PyTorch records them."""
    if not xp.recording:
        return xp.reshape(g, shape)
    n = len(shape)
    if given_dim is None:
        dims = range(n)
    else:
        dims = sorted(wrap_dim(d, max(n, 1))
                      for d in (given_dim if isinstance(given_dim, tuple) else (given_dim,)))
    for d in dims:
        if n and shape[d] == 1:
            g = g.unsqueeze(d)
    return g


def unsqueeze_all(xp, g, shape):
    return unsqueeze_to(xp, g, shape, None)


# The gradient of a tiling sums the tiles: view the gradient as
# (repeats_0, size_0, repeats_1, size_1, ...) and sum over the repeats.
def repeat_grad(xp, g, split, axes, shape, repeats):
    if xp.recording:
        return _repeat_grad_recorded(g, shape, repeats)
    return xp.reshape(xp.sum(xp.reshape(g, split), axes), shape)


def _repeat_grad_recorded(g, shape, repeats):
    """PyTorch's repeat_backward: the new leading dims summed one by one,
    then one reshape (each repeated dim split in two) and one sum."""
    if 0 in repeats:
        return g.new_zeros(shape)
    for _ in range(g.ndim - len(shape)):
        g = g.sum(0)
    lead = len(repeats) - len(shape)
    size, dims = [], []
    for d, n in enumerate(shape):
        if repeats[d + lead] != 1:
            size.append(repeats[d + lead])
            dims.append(len(size) - 1)
        size.append(n)
    return g.reshape(size).sum(dims) if dims else g
