"""nn.functional: one_hot (embedding belongs to the sparse layers' issue)."""
from ..._backend import np
from ...ops._common import wrap

__all__ = ["one_hot"]


def one_hot(tensor, num_classes=-1):
    """int64 tensor of shape (*tensor.shape, num_classes): 1 at each class index."""
    x = tensor._data
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
