"""PyTorch's assert_no_partial_overlap: an element-wise op refuses to write
into a tensor that shares some, but not all, of its memory with one of its
inputs (a[1:] = a[:-1], a[1:].add_(a[:-1])), where what it reads would
depend on the order it writes in. The same memory in the same layout
(a.add_(a)) is a full overlap, allowed; a layout with gaps or repeats is
not looked at (PyTorch's TOO_HARD)."""
import inspect

from .._layout import _dense
from .._meta import is_meta
from .._storage import _ptr, _root
from .._tensor import Tensor

__all__ = ["PARTIAL_OVERLAP_MESSAGE", "check_no_partial_overlap", "checks_partial_overlap",
           "out_inputs"]

PARTIAL_OVERLAP_MESSAGE = (
    "unsupported operation: some elements of the input tensor and the written-to tensor refer "
    "to a single memory location. Please clone() the tensor before performing the operation.")

# The modules of the ops PyTorch computes with a TensorIterator (which checks),
# and cat and the scans (which check too); and the index kernels that check
# their source (masked_scatter_ does not); matmul and the reductions do not.
_CHECKED_MODULES = frozenset("ember.ops." + m for m in (
    "pointwise", "pointwise_power", "pointwise_remainder", "special_functions",
    "special_namespace", "comparison", "elementwise_binary", "elementwise_unary",
    "elementwise_ternary", "activation_pointwise", "conditional", "selection", "sorting_scan",
    "shape_join"))


_CHECKED_OPS = frozenset(("scatter", "scatter_add", "scatter_reduce", "index_add", "index_copy",
                          "index_reduce", "index_put", "put", "stack"))


def checks_partial_overlap(op):
    """Whether PyTorch's kernel of `op` refuses a partially overlapping output."""
    f = inspect.unwrap(op)
    return f.__module__ in _CHECKED_MODULES or getattr(f, "_op_name", f.__name__) in _CHECKED_OPS


def out_inputs(args, kwargs):
    """The Tensors an op with out= reads: its arguments, a list's elements too."""
    found = []
    for a in args + tuple(kwargs.values()):
        if isinstance(a, (list, tuple)):
            found.extend(a)
        else:
            found.append(a)
    return found


def check_no_partial_overlap(dst, inputs):
    """Raise PyTorch's error where the array `dst` is written to and one of
    the Tensors among `inputs` overlaps it in part."""
    root = None
    for t in inputs:
        if not isinstance(t, Tensor):
            continue
        src = t._data
        if src is dst:
            continue
        if root is None:
            if not dst.size or is_meta(dst):
                return
            root = _root(dst)
        if src.size and _root(src) is root and _partial(dst, src):
            raise RuntimeError(PARTIAL_OVERLAP_MESSAGE)


def _partial(a, b):
    if not (_dense(a) and _dense(b)):
        return False
    a0, b0 = _ptr(a), _ptr(b)
    a1, b1 = a0 + a.size * a.itemsize, b0 + b.size * b.itemsize
    if a0 == b0 and a1 == b1:
        return a.strides != b.strides
    return a0 < b1 and b0 < a1
