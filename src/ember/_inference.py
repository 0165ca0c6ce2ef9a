"""Inference tensors: what `inference_mode` makes.

An inference tensor has no version counter: its `_vc` is the one object
INFERENCE_VC, shared with its views (Tensor._wrap gives it to every tensor
made in inference mode). A node reading it to remember the version of a
saved input gets PyTorch's error instead, so refusing to save one costs the
recording nothing.
"""
from .autograd.grad_mode import _state

__all__ = ["is_inference"]

INFERENCE_SAVED_MESSAGE = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in "
    "inference mode in computation tracked by autograd. To work around this, you can make a "
    "clone to get a normal tensor and use it in autograd, or use `torch.no_grad()` instead "
    "of `torch.inference_mode()`.")


class _InferenceVersion:
    __slots__ = ()

    def __getitem__(self, i):
        if _state.inference:
            return 0
        raise RuntimeError(INFERENCE_SAVED_MESSAGE)

    def __setitem__(self, i, value):
        pass    # changed in place inside inference mode: nothing tracks it


INFERENCE_VC = _InferenceVersion()


def is_inference(input):
    """ember.is_inference: whether `input` was made in inference mode."""
    from ._tensor import Tensor
    if not isinstance(input, Tensor):
        raise TypeError("is_inference(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    return input._vc is INFERENCE_VC
