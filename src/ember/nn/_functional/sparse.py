"""nn.functional: one_hot, embedding, embedding_bag."""
import warnings

from ..._backend import np
from ..._creation import arange
from ..._dtype import int64
from ...autograd.grad_mode import no_grad
from ...ops.embedding import embedding as _embedding, embedding_renorm_ as _renorm
from ...ops.embedding_bag import embedding_bag as _embedding_bag
from ...ops import _int_args
from ...ops._common import Tensor, wrap

__all__ = ["one_hot", "embedding", "embedding_bag"]


def one_hot(input, num_classes=-1):
    """int64 tensor of shape (*input.shape, num_classes): 1 at each class index."""
    x = input._data
    if x.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if x.size == 0:
        if num_classes <= 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        return wrap(np.zeros(x.shape + (num_classes,), np.int64))
    if x.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    top = int(x.max())
    if num_classes == -1:
        num_classes = top + 1
    elif not num_classes > top:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return wrap((x[..., None] == np.arange(num_classes)).astype(np.int64))


# -- embeddings: PyTorch's Python-side checks around torch.embedding(_bag) --------------
def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """Rows of `weight` at `input`'s indices (shape input.shape + (embedding_dim,)).
    max_norm renormalises the rows looked up, in place, before the lookup."""
    if padding_idx is not None:
        n = weight.size(0)
        if padding_idx > 0:
            if padding_idx >= n:
                raise AssertionError("Padding_idx must be within num_embeddings")
        elif padding_idx < 0:
            if padding_idx < -n:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = n + padding_idx
    else:
        padding_idx = -1
    if max_norm is not None:
        input = input.contiguous()
        _no_grad_embedding_renorm_(weight, input, max_norm, norm_type)
    return _embedding(weight, input, padding_idx, scale_grad_by_freq, sparse)


one_hot = _int_args.checked(one_hot, "one_hot", {"num_classes": "int"}, method=False)


def _no_grad_embedding_renorm_(weight, input, max_norm, norm_type):
    with no_grad():
        _renorm(weight.detach(), input, max_norm, norm_type)


_MODE_ENUM = {"sum": 0, "mean": 1, "max": 2}


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False,
                  mode="mean", sparse=False, per_sample_weights=None, include_last_offset=False,
                  padding_idx=None):
    """Sums, means or maxima of bags of embedding rows, without the
    intermediate embeddings: a 2-D input is a batch of equal bags (offsets
    None); a 1-D input is cut into bags at `offsets`."""
    if weight.dtype is int64 and input.is_floating_point():
        warnings.warn("Argument order of nn.functional.embedding_bag was changed. Usage "
                      "`embedding_bag(weight, input, ...)` is deprecated, and should now be "
                      "`embedding_bag(input, weight, ...)`.", stacklevel=2)
        weight, input = input, weight
    if per_sample_weights is not None and input.size() != per_sample_weights.size():
        raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is "
                         f"not None, then it must have the same shape as the input "
                         f"({input.shape})")
    if weight.dim() != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension "
                         f"{weight.dim()}")
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated "
                             "is a mini-batch of fixed length sequences. However, found offsets "
                             f"of type {_type_str(offsets)}")
        if input.size(1) == 0:
            raise RuntimeError("step must be nonzero")
        offsets = arange(0, input.numel(), input.size(1), dtype=input.dtype)
        include_last_offset = False
        input = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{input.dim()}")
    if mode not in _MODE_ENUM:
        raise ValueError("mode has to be one of sum, mean or max")
    if mode == "max":
        if scale_grad_by_freq:
            raise ValueError("max mode does not support scaling the gradient by the frequency")
        if sparse:
            raise ValueError("max mode does not support sparse weights")
    if max_norm is not None:
        _no_grad_embedding_renorm_(weight, input, max_norm, norm_type)
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(
            "embedding_bag: per_sample_weights was not None. per_sample_weights is only "
            f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
            "GitHub.")
    return _embedding_bag(weight, input, offsets, scale_grad_by_freq, _MODE_ENUM[mode], sparse,
                          per_sample_weights, include_last_offset, padding_idx)[0]


def _type_str(x):
    """str(type(x)) as PyTorch shows it (a tensor's class is torch.Tensor)."""
    return "<class 'torch.Tensor'>" if isinstance(x, Tensor) else str(type(x))
