"""The error of a formula that finds a saved tensor changed in place since
it was saved: PyTorch's words, naming the tensor, the op that made it and
the versions."""
from .. import _public_name
from . import graph

__all__ = ["inplace_message", "op_name"]


def op_name(node_name):
    """PyTorch names the op, not its node: ExpBackward0 (or a custom
    Function's ExpBackward) reads "Exp", an overload's node keeps its number
    (ClampBackward1: "Clamp1"), and a node of another name keeps it whole
    (torch::autograd::CopyBackwards)."""
    head, sep, tail = node_name.rpartition("Backward")
    if not sep or tail and not tail.isdigit():
        return node_name
    return head if tail in ("", "0") else head + tail


def _plain(t, node, cur, expected, nr=0):
    if t is None:
        from .._dtype import error_type_name, _BY_NP
        t_desc = f"[{error_type_name(_BY_NP[node._dtype])} {list(node._shape)}]"
        producer = node
    else:
        from .._dtype import error_type_name
        # (a registry node's saved output comes described: ops/_registry.py)
        kind = getattr(t, "kind", None) or error_type_name(t.dtype)
        t_desc = f"[{kind} {list(t.shape)}]"
        producer = t.grad_fn
    where = (f", which is output {nr} of {op_name(producer.name())},"
             if producer is not None else "")
    return ("one of the variables needed for gradient computation has been modified by "
            f"an inplace operation: {t_desc}{where} is at version "
            f"{cur}; expected version {expected} instead. Hint: enable anomaly detection "
            "to find the operation that failed to compute its gradient, with "
            f"{_public_name.name}.autograd.set_detect_anomaly(True, check_nan=False).")


def inplace_message(t, node, cur, expected, nr=0):
    """PyTorch's message; `t` None means the node's own saved output. Under
    anomaly mode its hint points at the traceback the engine warns with."""
    msg = _plain(t, node, cur, expected, nr)
    if graph._anomaly:
        msg = msg[:msg.index(" Hint: ")] + (
            " Hint: the backtrace further above shows the operation that failed to compute "
            "its gradient. The variable in question was changed in there or anywhere later. "
            "Good luck!")
    return msg
