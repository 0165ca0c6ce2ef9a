"""Stepping outside autograd: `.data` (read and assigned) and detach_()."""
from . import _dtype as D
from ._inference import INFERENCE_VC
from ._tensor import Tensor


class _DetachedVersion(int):
    """The version of a tensor whose history detach_() removed: a node that
    saved it before reads it back with PyTorch's error (the check of the
    version is where PyTorch's SavedVariable checks for this too)."""

    def __ne__(self, other):
        if other is self:
            return False
        raise RuntimeError(
            "Trying to use a saved tensor that has been detached in-place, i.e. with "
            ".detach_().This is not supported, please use out-of-place `.detach()` instead")

    __hash__ = int.__hash__


def detach_(self):
    if self._base is not None:
        raise RuntimeError(
            "Can't detach views in-place. Use detach() instead. If you are using "
            "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view "
            "is set as True, gradients are views of DDP buckets, and hence detach_() "
            "cannot be called on these gradients. To fix this error, please refer to "
            "the Optimizer.zero_grad() function in torch/optim/optimizer.py as the "
            "solution.")
    if self._grad_fn is not None:
        vc = self._vc
        if vc is None:
            self._vc = [_DetachedVersion(0)]
        elif vc.__class__ is list:
            vc[0] = _DetachedVersion(vc[0])
    self._grad_fn = None
    self._requires_grad = False
    return self


def _data_get(self):
    # The same memory with a version counter of its own: unlike detach(),
    # an in-place change through `.data` is hidden from autograd, as in PyTorch.
    t = Tensor._wrap(self._data)
    if self._vc is INFERENCE_VC:
        t._vc = INFERENCE_VC
    elif t._vc is INFERENCE_VC:
        del t._vc       # (made in inference mode, of a normal tensor: normal)
    return t


def _data_set(self, value):
    if not isinstance(value, Tensor):
        raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__}")
    if self._requires_grad and value._data.dtype.kind not in "fc" \
            and value._data.dtype != D._BF16_NP:
        raise RuntimeError("data set to a tensor that requires gradients must be floating "
                           "point or complex dtype")
    self._data = value._data


Tensor.detach_ = detach_
Tensor.data = property(_data_get, _data_set)
