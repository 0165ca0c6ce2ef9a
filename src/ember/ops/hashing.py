"""torch.hash_tensor: an xor of the elements' 64-bit patterns, by dim.

PyTorch (mode 0, its only one) widens each element to its 64-bit kind
(floats and bfloat16 to float64, bools and signed ints to int64, unsigned
8-bit to uint64), reads those bits as uint64 and xor-reduces them: its
result is always uint64, not differentiable (the recorded graph ends there).
It has no xor kernel for complex or uint16/32/64 input, and like max it needs
a dim for an empty input and refuses an empty dim to reduce."""
from .. import _meta
from .. import _dtype as D
from ._common import kernel_refuses, np, wrap
from ._out import same_dtype
from ._registry import register
from .reduction import _dims_or_none

__all__ = ["hash_tensor"]


def hash_tensor(input, dim=None, *, keepdim=False, mode=0):
    if mode != 0:
        raise RuntimeError(f"Unknown hash_tensor mode: {mode}")
    x = input._data
    if x.dtype.kind == "c" or (x.dtype.kind == "u" and x.dtype.itemsize > 1):
        raise kernel_refuses("xor_sum_cpu", x.dtype)
    if x.size == 0:
        _check_nonempty(x, () if dim is None else tuple(dim) if isinstance(dim, (tuple, list))
                        else (dim,))
    dims = _dims_or_none(input, dim, "hash_tensor")
    if x.ndim == 0:
        dims = None     # dim 0 or -1 of a 0-d tensor reduces nothing
    wide = np.float64 if x.dtype.kind == "f" or input.dtype is D.bfloat16 else (
        np.uint64 if x.dtype.kind == "u" else np.int64)
    D.uint64._np  # noqa: B018 (the uint dtypes are loaded when first read: wrap needs it)
    if _meta.is_meta(x):     # (the shape alone: the reduction's, kept dims or not)
        kept = range(x.ndim) if dims is None else [d % x.ndim for d in np.atleast_1d(dims)]
        shape = tuple(1 if i in kept else n for i, n in enumerate(x.shape) if keepdim
                      or i not in kept)
        return wrap(_meta.meta_array(shape, np.uint64))
    bits = np.ascontiguousarray(x.astype(wide)).view(np.uint64)
    return wrap(np.asarray(np.bitwise_xor.reduce(bits, axis=dims, keepdims=keepdim),
                           dtype=np.uint64))


def _check_nonempty(x, dims):
    # reduction.py's check in hash_tensor's words ("hash_tensor:", no "()")
    if not dims:
        raise RuntimeError(
            "hash_tensor: Expected reduction dim to be specified for input.numel() == 0. "
            "Specify the reduction dim with the 'dim' argument.")
    for d in dims:
        if x.shape[d % max(x.ndim, 1)] == 0:
            raise IndexError(f"hash_tensor: Expected reduction dim {d} to have non-zero size.")


register(hash_tensor, out=same_dtype("Expected result to be of dtype uint64, but got {os}"))
