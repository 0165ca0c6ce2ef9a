"""F.linear, and nn.Linear's node with the weight's transpose deferred.

`linear(x, weight, bias)` records what PyTorch's records: for a 2-d input
(or a contiguous one, flattened), addmm(bias, x, weight.t()). The graph holds
an AddmmBackward0 whose third edge goes to a TBackward0 over the weight.

Making that view and its node, and running the node in backward, costs a
tenth of a small network's training step (benchmarks/run.py's (e)). So for a
leaf weight the node is made as `_LinearAddmm`: an AddmmBackward0 whose
weight edge goes straight to the weight's AccumulateGrad, and whose formula
gives the weight's gradient already transposed. Nothing else changes. In any
backward the TBackward0 runs right after the addmm: its sequence number is
the addmm's less one, and no other node can be ready between them. So every
gradient arrives where and when it would have, and every node keeps the
number PyTorch gives it.

The deferred form is never seen: whatever reaches a node completes it first
(Node._deferred). That is Tensor.grad_fn, next_functions, a node's hooks,
the in-place check's error, and a backward that records (create_graph),
profiles or runs under anomaly mode. Completing makes the TBackward0 with
its number, puts it on the edge, gives the saved view its grad_fn, and turns
the node into a plain AddmmBackward0.
"""
from .._backend import np, restore, silence
from ..autograd import _graph_walk, _profiler_hooks as _profiling, grad_mode as _grad_mode
from ..autograd import graph as _graph
from ..autograd.grad_mode import _state
from . import _common
from ._autocast import LOWER, STATE as _AUTOCAST, dispatch as _autocast
from ._common import Tensor, recorded, tensor_arg
from ._int_args import REQUIRED, missing_arguments
from .linalg import (AddmmBackward0, _mat1_grad, _mat2_grad, _matmul_t, _scaled, addmm,
                     addmm_consts, addmm_product, matmul)
from .shape import TBackward0, reshape, t

__all__ = ["linear"]

# The deferred node saves the weight itself where AddmmBackward0 saves the
# view (its version is the view's), and keeps the view's array as one more
# constant, `view`: x's gradient reads the view as it was in the forward (a
# later `weight.data = ...` does not change it, as it does not change the
# view). Its formulas are AddmmBackward0's, called on that node's slots:
assert (AddmmBackward0._sources, AddmmBackward0._consts) == (
    (2, 1), ("beta", "alpha", "mat1_f", "mat2_f", "mat1_layout", "mat2_layout"))


# (The formulas run on arrays only: a backward that records completes the
# node first. Each does nn.Linear's case itself, a float32 or float64 product
# of alpha 1 and a C-ordered x: the same products _mat1_grad and _mat2_grad
# compute, two calls fewer per formula.)
_PLAIN = (np.dtype(np.float32), np.dtype(np.float64))


def _bias_grad(xp, g, weight, mat1, beta, alpha, mat1_f, mat2_f, l1, l2, view):
    return g if beta == 1 else _scaled(xp, g, beta)


def _x_grad(xp, g, weight, mat1, beta, alpha, mat1_f, mat2_f, l1, l2, view):
    if alpha == 1 and not mat1_f and g.dtype in _PLAIN and view.dtype in _PLAIN:
        return np.matmul(g, view.T)
    return _mat1_grad(xp, g, view, alpha, mat1_f)


def _weight_grad(xp, g, weight, mat1, beta, alpha, mat1_f, mat2_f, l1, l2, view):
    """mat2's gradient, transposed as the TBackward0 would: (x.T @ g).T,
    computed as g.T @ x where _mat2_grad computes it so (an F-ordered view:
    a weight of more than one row and column)."""
    if alpha == 1 and g.dtype in _PLAIN and mat1.dtype in _PLAIN:
        return np.matmul(g.T, mat1) if mat2_f else np.matmul(mat1.T, g).T
    return _mat2_grad(xp, g, mat1, alpha, mat2_f).T


class _LinearAddmm(AddmmBackward0):
    __slots__ = ()
    _deferred = True
    formulas = (_bias_grad, _x_grad, _weight_grad)

    def _complete(self):
        st = self._st
        weight_edge = st[0][2]
        weight = weight_edge[0].variable
        ctx = st[3]
        view_data = ctx[6]
        tnode = TBackward0.__new__(TBackward0)
        # (its fields as t() makes them, with the number it would have drawn)
        tnode._st = ((weight_edge,), (), None, (), None, view_data.shape, st[6], st[7] - 1)
        saved = st[1]
        if saved and saved[0] is not None:      # (saved for x's gradient: the view)
            view = Tensor._from_node(view_data, tnode)
            view._vc = weight._share_vc()
            view._base = weight
            saved = (view,) + saved[1:]
        self._st = ((st[0][0], st[0][1], (tnode, 0)), saved, st[2], ctx[:6]) + st[4:]
        self.__class__ = AddmmBackward0
        _graph_walk.edge_split(self, tnode, weight_edge[0])


_LinearAddmm.__name__ = _LinearAddmm.__qualname__ = "AddmmBackward0"


def _addmm_t(bias, x, weight, plain=False):
    """addmm(bias, x, weight.t()), the TBackward0 deferred where it may be:
    for a plain leaf weight, not itself a view (whose views hang from its
    base: shape._view_of, which _complete's view otherwise follows), with
    nothing that looks at each node as it is made (saved-tensor hooks,
    anomaly mode, forward AD, a profiler). `plain`: linear found a float32 or
    float64 input, weight and 1-d bias of one dtype and fitting sizes, whose
    product and sum are addmm_product's without its checks and scalars."""
    w = weight._data
    if not (weight._grad_fn is None and weight._requires_grad and w.__class__ is np.ndarray
            and w.ndim == 2 and weight._base is None and not _graph._extras
            and not _common.forward_ad
            and not _profiling.active and not (_grad_mode.off_threads and not _state.enabled)):
        return addmm(bias, x, t(weight))
    view_data = w.T
    if plain:       # (nn.Linear's forward, in this frame)
        a = x._data
        token = silence()
        try:
            prod = _matmul_t(a, view_data, narrow=False)
            prod += bias._data
        finally:
            restore(token)
        ctx = addmm_consts(a, view_data)
    else:
        prod, ctx = addmm_product(bias, x, view_data)
    next(_graph._sequence)      # (the TBackward0's number, drawn where t() draws it)
    return recorded(_LinearAddmm, prod, (bias, x, weight), ctx + (view_data,))


def _linear_mismatch(x, w):
    """PyTorch's error for a linear whose sizes do not fit: its rank check,
    then the product's own (mv's for a 1-d weight, dot's for both 1-d)."""
    if not x.ndim or not w.ndim:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are "
                           f"{x.ndim}D and {w.ndim}D")
    rows = int(np.prod(x.shape[:-1])) if x.ndim > 1 else 1
    if w.ndim == 1 and x.ndim == 1:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{x.shape[0]}] and src "
                           f"[{w.shape[0]}] to have the same number of elements, but got "
                           f"{x.shape[0]} and {w.shape[0]} elements respectively")
    if w.ndim == 1:
        raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{x.shape[-1]}), "
                           f"vec ({w.shape[0]})")
    raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{x.shape[-1]} and "
                       f"{w.shape[-1]}x{w.shape[0]})")


def linear(input=REQUIRED, weight=REQUIRED, bias=None):
    """y = input @ weight.T + bias, recorded as PyTorch records it. (The
    parser's checks are inline: nn.Linear calls this on every forward.)"""
    if weight is REQUIRED or input is REQUIRED:
        raise missing_arguments("linear", *[n for n, v in (("input", input), ("weight", weight))
                                            if v is REQUIRED])
    if not (isinstance(input, Tensor) and isinstance(weight, Tensor)
            and (bias is None or isinstance(bias, Tensor))):    # (one test: a hot path)
        tensor_arg(input, "linear")
        tensor_arg(weight, "linear", "weight", 2)
        tensor_arg(bias, "linear", "bias", 3)
    if _AUTOCAST.cpu:
        return _autocast(linear, LOWER, (input, weight, bias), {})
    # (each array attribute read once: a getset is a generic lookup)
    x, w = input._data, weight._data
    xs, ws = x.shape, w.shape
    if not xs or not ws or xs[-1] != ws[-1]:
        _linear_mismatch(x, w)
    if len(xs) == 2 and bias is not None:
        b = bias._data
        dt = x.dtype
        return _addmm_t(bias, input, weight, w.dtype is dt and b.dtype is dt and dt in _PLAIN
                        and len(ws) == 2 and b.shape == (ws[0],))
    # ATen folds only a contiguous input into one addmm (3-D, or any rank
    # with a 1-D bias); any other input is a matmul and an in-place add,
    # which shows in the graph (AddBackward0) and in the last bits.
    if bias is not None and input.is_contiguous() and (len(xs) == 3 or bias._data.ndim == 1):
        out = _addmm_t(bias, reshape(input, -1, xs[-1]), weight)
        return reshape(out, xs[:-1] + (ws[0],))
    out = matmul(input, t(weight))
    return out if bias is None else out.add_(bias)
