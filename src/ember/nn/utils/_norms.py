"""The norms weight_norm and spectral_norm are built from, composed of
recorded ops: torch.norm_except_dim, torch._weight_norm (torch's fused CPU
kernel records WeightNormInterfaceBackward0 for dim 0 or the last dim; here
it is always the composed form, same values), F.normalize."""


def norm_except_dim(v, pow=2, dim=0):
    """The `pow`-norm of v over every dim but `dim`, shaped to broadcast
    against v (dim -1: the norm of the whole tensor)."""
    if dim == -1:
        return v.norm(pow)
    if dim == 0:
        shape = (v.shape[0],) + (1,) * (v.dim() - 1)
        return v.contiguous().view(v.shape[0], -1).norm(pow, 1).view(shape)
    if dim == v.dim() - 1:
        shape = (1,) * (v.dim() - 1) + (v.shape[-1],)
        return v.contiguous().view(-1, v.shape[-1]).norm(pow, 0).view(shape)
    return norm_except_dim(v.transpose(0, dim), pow, 0).transpose(0, dim)


def weight_norm(v, g, dim=0):
    return v * (g / norm_except_dim(v, 2, dim))


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """F.normalize: input / max(||input||_p, eps) along `dim`; with `out`,
    written into it (the power iteration updates its buffers in place)."""
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    if out is None:
        return input / denom
    out.copy_(input / denom)
    return out
