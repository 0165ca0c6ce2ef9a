"""AccumulateGrad's work in a backward pass: a leaf's hooks, then its
`.grad` set (taking the engine's array over when nothing else holds it, as
PyTorch steals a buffer whose use count is 1) or added to."""
import sys

from .._backend import np
from .. import _layout as _L
from .._tensor import Tensor
from ._engine_hooks import _run_tensor_hooks
from .grad_mode import _state as _grad_mode

_ndarray = np.ndarray
_wrap = Tensor._wrap


def _accumulate(var, grad, create_graph, hooked=False):
    """AccumulateGrad: leaf hooks (unless `hooked`: run already), then `.grad`
    = grad (a private copy) or += grad."""
    if var._hooks and not hooked:
        grad = _run_tensor_hooks(var._hooks, grad, create_graph)
    if create_graph:
        # (a first gradient is copied into a new tensor, as PyTorch's: CopyBackwards)
        var._grad = (Tensor._wrap(np.empty_like(grad._data)).copy_(grad)
                     if var._grad is None else var._grad + grad)
        return
    old = var._grad
    if old is None:
        data = var._data
        # (each ndarray attribute read once, the cheapest test first: a getset
        # is a generic lookup, and this runs per parameter and step)
        stealable = False
        if grad.__class__ is _ndarray:
            gd, dd = grad.dtype, data.dtype
            if (gd is dd or gd == dd) and grad.shape == data.shape:
                # (one flags object read, then let go: it holds a reference to grad)
                flags = grad.flags
                stealable = flags.writeable and (flags.c_contiguous and data.flags.c_contiguous
                                                 or _L.obeys_grad_layout(grad, data)
                                                 or not _grad_mode.grad_layout_enforced)
                flags = None
        if stealable and sys.getrefcount(grad) == _SOLE_REFS:
            # (its base read once, held here: one reference more than alone)
            base = grad.base
            stealable = base is None or (base.base is None
                                         and sys.getrefcount(base) == _SOLE_BASE_REFS + 1)
            base = None
        else:
            stealable = False
        if stealable:
            # Nobody else holds this array (nor the array it views): take it
            # as `.grad` instead of copying, as PyTorch steals a buffer whose
            # use count is 1.
            var._grad = _wrap(grad)
        else:
            # A private, writable copy: the same array may reach several leaves,
            # be the caller's `gradient`, or a read-only broadcast view.
            var._grad = _wrap(_L.grad_laid_out(np.asanyarray(grad), data))
    elif old._grad_fn is None and not old._requires_grad:
        old._data += grad
        old._bump()
    else:
        var._grad = old + Tensor._wrap(np.asarray(grad))


def _probe(grad):
    return sys.getrefcount(grad)


def _calibrate():
    """How many references an array has inside _accumulate when the engine's
    local variable is its only holder (measured, not assumed: it depends on
    the interpreter's calling convention)."""
    grad = np.zeros(1)
    sole = _probe(grad)
    view = np.zeros(2)[:1]
    return sole, sys.getrefcount(view.base)


_SOLE_REFS, _SOLE_BASE_REFS = _calibrate()
