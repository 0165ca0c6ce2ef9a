"""nn.functional: normalisation. The ops (and their derivatives) are in
ops/normalization*.py; these add nn.functional's own checks, as PyTorch's
Python wrappers do."""
from ...ops import normalization as _N  # noqa: F401  (declares the ops)
from ...ops import normalization_layer as _L
from ...ops.shape import cat

__all__ = ["batch_norm", "instance_norm", "layer_norm", "group_norm", "rms_norm",
           "local_response_norm"]


def _verify_batch_size(size):
    prod = size[0]
    for s in size[2:]:
        prod *= s
    if prod == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input "
                         f"size {size}")


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    if training:
        _verify_batch_size(input.size())
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    elif eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    return _N.batch_norm(input, weight, bias, running_mean, running_var, training, momentum,
                         eps, True)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    if use_input_stats:
        size = input.size()
        prod = 1
        for s in size[2:]:
            prod *= s
        if prod == 1:
            raise ValueError(f"Expected more than 1 spatial element when training, got input "
                             f"size {size}")
    return _N.instance_norm(input, weight, bias, running_mean, running_var, use_input_stats,
                            momentum, eps, True)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    return _L.layer_norm(input, normalized_shape, weight, bias, eps, True)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    return _L.rms_norm(input, normalized_shape, weight, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.dim()}")
    _verify_batch_size([input.size(0) * input.size(1) // num_groups, num_groups]
                       + list(input.size()[2:]))
    return _L.group_norm(input, num_groups, weight, bias, eps, True)


def _window_average(div, size, dim):
    """Mean over a window of `size` along `dim`, zero-padded (size // 2)
    before and ((size - 1) // 2) after: PyTorch's avg_pool over the padded
    squares, as a sum of `size` shifted slices (a loop over the window,
    not over the data)."""
    c = div.shape[dim]
    before, after = size // 2, (size - 1) // 2
    zeros = div.new_zeros
    shape = list(div.shape)
    parts = []
    if before:
        shape[dim] = before
        parts.append(zeros(tuple(shape)))
    parts.append(div)
    if after:
        shape[dim] = after
        parts.append(zeros(tuple(shape)))
    padded = cat(parts, dim) if len(parts) > 1 else div
    total = None
    for i in range(size):
        part = padded.narrow(dim, i, c)
        total = part if total is None else total + part
    # (avg_pool's Long kernel divides as C++ integers do; the squares are >= 0)
    return total // size if total._data.dtype.kind in "iu" else total / size


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    dim = input.dim()
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality                          "
                         f"input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    # (PyTorch averages the squares with avg_pool2d, or avg_pool3d past 3-D:
    # their kernels' dtypes)
    from ...ops.pooling_checks import kernel_dtype
    kernel_dtype(input._data, "avg_pool2d" if dim == 3 else "avg_pool3d_out_frame", byte=False,
                 halves=dim == 3)
    div = _window_average(input.mul(input), size, 1)
    div = div.mul(alpha).add(k).pow(beta)
    return input / div
