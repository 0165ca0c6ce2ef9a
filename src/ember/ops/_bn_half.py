"""Batch norm's training statistics of a float16 or bfloat16 input, as
ATen's kernels store them in the half type (normalization.py's _bn_forward
calls this for a half input without float32 parameters)."""
from .._backend import np

__all__ = ["bn_half_stats"]


def bn_half_stats(mean, var_sum, count, rm, rv, momentum, eps, half):
    """Training statistics of a float16 or bfloat16 input (float32 `mean` and
    `var_sum`) as ATen's kernels store them in the half type. float16: the
    variance and the running statistics from the float32 values, each result
    rounded once. bfloat16: the variance sum and the variance rounded (the
    divisor too), invstd from them in double; the running statistics in
    bfloat16 arithmetic, momentum rounded to it (as measured against
    PyTorch 2.13: the mean always, the variance in most cases)."""
    if half == np.float16:
        var = var_sum / np.float32(count)
        if rm is not None:
            rm._data[...] = (momentum * mean.astype(np.float64)
                             + (1 - momentum) * rm._data.astype(np.float64)).astype(np.float32)
            rm._bump()
        if rv is not None:
            unbiased = (var_sum / np.float32(count - 1)).astype(np.float64)
            rv._data[...] = (momentum * unbiased
                             + (1 - momentum) * rv._data.astype(np.float64)).astype(np.float32)
            rv._bump()
        mean = mean.astype(half)
    else:
        def r(a):     # (a value of the half type's own arithmetic: rounded to it)
            return np.asanyarray(a, np.float32).astype(half).astype(np.float32)
        mean, var_sum = r(mean), r(var_sum)
        var = r(var_sum / r(count))
        m, keep = r(momentum), r(1 - momentum)
        if rm is not None:
            rm._data[...] = r(m * mean) + r(keep * rm._data.astype(np.float32))
            rm._bump()
        if rv is not None:
            unbiased = r(var_sum / r(count - 1))
            rv._data[...] = r(m * unbiased) + r(keep * rv._data.astype(np.float32))
            rv._bump()
        mean = mean.astype(half)
    var = var.astype(np.float64)
    invstd = np.where(var + eps == 0, 0, 1 / np.sqrt(var + eps)).astype(np.float32).astype(half)
    return mean, invstd
