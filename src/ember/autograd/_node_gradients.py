"""What a node of the graph gives in a backward pass, where the engine does
not run its formulas inline (_engine.py): its gradients with post hooks
(_node_gradients), under anomaly mode, on the meta device; and the shape and
dtype each input's gradient takes."""
from .._backend import np

from . import anomaly_mode as _anomaly_mode, graph as _graph
from .. import _meta
from .._meta import is_meta, meta_array
from ._engine_hooks import _as_tensor


def _node_gradients(node, grad, nexts, needed, xp, create_graph):
    """The node's formulas: one gradient per input (None where not wanted)."""
    if grad is None or (needed is not None and not needed.get(node, False)):
        grads = (None,) * len(nexts)
    else:
        if needed is None:
            needs = [nf[0] is not None for nf in nexts]
        else:
            needs = [nf[0] is not None and needed.get(nf[0], False) for nf in nexts]
        grads = node.apply(xp, grad, create_graph, needs)
    if node._post_hooks is not None and grad is not None:
        # A post hook sees each input's gradient in that input's shape (as
        # torch's nodes reduce broadcasting themselves).
        grads = tuple(_input_shaped(g, nf, xp, create_graph) for g, nf in zip(grads, nexts))
        for hook in node._post_hooks:
            outs = (tuple(_as_tensor(g) for g in grad) if node._multi
                    else (_as_tensor(grad),))
            res = hook(tuple(_as_tensor(g) for g in grads), outs)
            if res is not None:     # as torch's Node.register_hook: a replacement
                grads = tuple(g if g is None or create_graph else _as_tensor(g)._data
                              for g in res)
    return grads


def _anomaly_gradients(node, grad, nexts, needed, xp, create_graph):
    """_node_gradients under anomaly mode: a gradient with NaN raises (and
    run_backward then warns with the node's forward traceback); nodes that
    the formulas record (create_graph) remember this one as their parent."""
    prev = _graph._parent
    if create_graph:
        _graph._parent = node
    try:
        grads = _node_gradients(node, grad, nexts, needed, xp, create_graph)
    finally:
        _graph._parent = prev
    if _graph._check_nan:
        for i, g in enumerate(grads):
            if g is not None and _anomaly_mode.has_nan(g._data if create_graph else g):
                raise RuntimeError(
                    f"Function '{node.name()}' returned nan values in its {i}th output.")
    return grads


def _meta_gradients(node_gradients):
    """node_gradients for a backward from a meta root: a formula that builds
    its gradient from fresh NumPy arrays (zeros to scatter into, constants)
    gives a CPU array of the right shape and dtype; on the meta device it is
    that shape and dtype without data, as PyTorch's meta kernels give."""
    def gradients(node, grad, nexts, needed, xp, create_graph):
        _meta.lenient += 1
        try:
            grads = node_gradients(node, grad, nexts, needed, xp, create_graph)
        except np.linalg.LinAlgError:
            # (a linalg formula run on the meta arrays' zeros finds them
            # singular: meta has no values, so no singularity; each input's
            # gradient is its shape and dtype)
            grads = tuple(None if nxt is None else meta_array(*_input_spec(nxt, nr))
                          for nxt, nr in nexts)
        finally:
            _meta.lenient -= 1
        return tuple(g if g is None or is_meta(g) else meta_array(np.shape(g), g.dtype)
                     for g in grads)
    return gradients


def _input_spec(nxt, nr):
    """(shape, dtype) of the gradient that output `nr` of node `nxt` takes."""
    st = nxt._st
    dtype = st[6][nr] if isinstance(st[6], tuple) else st[6]
    return (st[5][nr] if nxt._multi else st[5]), dtype


def _input_shaped(g, edge, xp, create_graph):
    """A gradient as the hook sees it: in its input's shape and dtype (NumPy
    1 computes a 0-d float32 gradient times a number in float64)."""
    nxt, nr = edge
    if g is None or nxt is None:
        return g
    shape, dtype = _input_spec(nxt, nr)
    data = g._data if create_graph else g
    if data.shape != shape:
        g = xp.sum_to(g, shape)
        data = g._data if create_graph else g
    return g if data.dtype == dtype else xp.cast(g, dtype)


def _invalid_gradient(node, i, got, nxt, nr):
    """PyTorch's validate_outputs: a gradient that no summing brings to its
    input's shape (an input whose data was replaced: `.data = `, set_)."""
    shape = _input_spec(nxt, nr)[0]
    return RuntimeError(f"Function {node.name()} returned an invalid gradient at index {i} - "
                        f"got {list(got)} but expected shape compatible with {list(shape)}")
