"""A drawing of the autograd graph, in torchviz's `make_dot` layout.

Grey boxes are backward nodes (named as PyTorch names them); light blue are
the leaves whose `.grad` backward fills (named from `params`); orange are
saved tensors; light green the outputs (a darker green: the base of an
output that is a view). Edges run from inputs towards outputs, as torchviz
draws them.

The `graphviz` Python package is needed to build the drawing; Graphviz's
`dot` program only to render it. Without `dot`, the result still holds the
DOT text (`.source`), and a notebook shows that text with an install hint
instead of failing.
"""
from .._backend import np

__all__ = ["to_dot"]

_MISSING_PACKAGE = (
    "to_dot needs the graphviz Python package: pip install graphviz "
    "(and, to render the drawing, Graphviz's `dot` program from your system's "
    "package manager, e.g. apt-get install graphviz or brew install graphviz)")

_MISSING_DOT = (
    "Graphviz's `dot` program was not found, so the graph is shown as DOT text. "
    "Install it with your system's package manager (e.g. apt-get install graphviz "
    "or brew install graphviz) to see the drawing.")

_NODE_ATTR = dict(style="filled", shape="box", align="left", fontsize="10", ranksep="0.1",
                  height="0.2", fontname="monospace")

_digraph_cls = None
_SAVED_BY_FUNCTION = object()     # a stack mark: draw that node's saved tensors now


def _digraph():
    """graphviz.Digraph whose notebook display falls back to the DOT text
    when `dot` is missing (graphviz itself raises ExecutableNotFound there)."""
    global _digraph_cls
    if _digraph_cls is None:
        try:
            import graphviz
        except ImportError as e:
            raise ImportError(_MISSING_PACKAGE) from e

        class Digraph(graphviz.Digraph):
            def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
                try:
                    return super()._repr_mimebundle_(include, exclude, **kwargs)
                except graphviz.ExecutableNotFound:
                    return {"text/plain": f"{_MISSING_DOT}\n\n{self.source}"}

        Digraph.__module__ = graphviz.Digraph.__module__
        Digraph.__qualname__ = "Digraph"
        _digraph_cls = Digraph
    return _digraph_cls


def _size(shape):
    return "(" + ", ".join("%d" % v for v in shape) + ")"


def _label(shape, name=""):
    return "%s\n %s" % (name, _size(shape))


def _saved_values(fn):
    """(name, key, shape) of each value `fn` keeps for its formulas, named as
    PyTorch's `_saved_<name>` attributes are: the op's input names, `result`,
    and the names of a multi-output node's outputs."""
    saved = getattr(fn, "_kept", None)
    sources = getattr(type(fn), "_sources", None)
    out = []
    if isinstance(saved, tuple) and sources is not None:
        inputs = fn._input_names
        for value, src in zip(saved, sources):
            if value is None:
                continue
            if isinstance(src, int):
                out.append((inputs[src], str(id(value)), tuple(value.shape)))
            elif fn._result is not None:
                out.append(("result", f"{id(fn)}_result", tuple(fn._result.shape)))
    ctx = getattr(fn, "_ctx", None)
    consts = getattr(type(fn), "_consts", ())
    for name, value in zip(consts, ctx or ()):
        if isinstance(value, np.ndarray) and name in getattr(type(fn), "_output_names", ()):
            out.append((name, str(id(value)), tuple(value.shape)))
    return out


def _attributes(fn):
    """The node's non-tensor constants (`dim`, `alpha`, ...), by name."""
    ctx = getattr(fn, "_ctx", None) or ()
    attrs = {}
    for name, value in zip(getattr(type(fn), "_consts", ()), ctx):
        attrs[name] = "[saved tensor]" if isinstance(value, np.ndarray) else str(value)
    for name, _key, _shape in _saved_values(fn):
        attrs.setdefault(name, "[saved tensor]")
    return attrs


def _fn_label(fn, show_attrs, max_attr_chars):
    """torchviz's box: the class name, then `name: value` rows."""
    name = type(fn).__name__
    attrs = _attributes(fn) if show_attrs else None
    if not attrs:
        return name
    max_attr_chars = max(max_attr_chars, 3)
    col1 = max(len(k) for k in attrs)
    col2 = min(max(len(v) for v in attrs.values()), max_attr_chars)
    sep = "-" * max(col1 + col2 + 2, len(name))

    def truncate(s):
        return s[:col2 - 3] + "..." if len(s) > col2 else s
    rows = "\n".join("%-*s: %*s" % (col1, k, col2, truncate(v)) for k, v in attrs.items())
    return name + "\n" + sep + "\n" + rows


def to_dot(var, params=None, show_attrs=False, show_saved=False, max_attr_chars=50):
    """The autograd graph behind `var` (a tensor, or a tuple/list of them) as
    a `graphviz.Digraph`, laid out as torchviz's `make_dot` lays it out.

    params: dict name -> tensor (e.g. `dict(model.named_parameters())`),
    to name the leaves. show_attrs: list each node's non-tensor constants.
    show_saved: draw the tensors each node keeps for backward.
    max_attr_chars: width of an attribute's value with show_attrs.
    """
    from .._tensor import Tensor
    Digraph = _digraph()
    if params is not None:
        if not all(isinstance(p, Tensor) for p in params.values()):
            raise TypeError("to_dot: every value of params must be a Tensor")
        param_map = {id(v): k for k, v in params.items()}
    else:
        param_map = {}
    dot = Digraph(node_attr=_NODE_ATTR, graph_attr=dict(size="12,12"))

    def var_label(t, name=None):
        return _label(t.shape, name or param_map.get(id(t), ""))

    seen = set()
    # (an explicit stack: a graph a million nodes deep must draw too)
    stack = []

    def visit(fn):
        if fn in seen:
            return
        seen.add(fn)
        if show_saved:
            for name, key, shape in _saved_values(fn):
                dot.edge(str(id(fn)), key, dir="none")
                dot.node(key, _label(shape, name), fillcolor="orange")
        variable = getattr(fn, "variable", None)
        if variable is not None:
            dot.node(str(id(variable)), var_label(variable), fillcolor="lightblue")
            dot.edge(str(id(variable)), str(id(fn)))
        dot.node(str(id(fn)), _fn_label(fn, show_attrs, max_attr_chars))
        if hasattr(type(fn), "saved_tensors"):
            # Custom Functions (and reentrant checkpoints): torchviz always
            # draws their saved tensors, after the inputs, so a leaf the
            # Function saved ends up orange.
            stack.append((fn, _SAVED_BY_FUNCTION))
        for nxt, _nr in reversed(fn.next_functions):
            if nxt is not None:
                stack.append((nxt, fn))

    def function_saved(fn):
        try:
            saved = fn.saved_tensors
        except RuntimeError:        # freed by a backward: nothing left to draw
            saved = ()
        for t in saved:
            if t is not None:
                dot.edge(str(id(t)), str(id(fn)), dir="none")
                dot.node(str(id(t)), var_label(t), fillcolor="orange")

    def add_nodes(root):
        stack.append((root, None))
        while stack:
            fn, parent = stack.pop()
            if parent is _SAVED_BY_FUNCTION:
                function_saved(fn)
                continue
            if parent is not None:
                dot.edge(str(id(fn)), str(id(parent)))
            visit(fn)

    def add_base_tensor(t, color="darkolivegreen1"):
        while t is not None and id(t) not in seen:
            seen.add(id(t))
            dot.node(str(id(t)), var_label(t), fillcolor=color)
            if t.grad_fn is not None:
                add_nodes(t.grad_fn)
                dot.edge(str(id(t.grad_fn)), str(id(t)))
            base = t._base
            if base is not None:
                dot.edge(str(id(base)), str(id(t)), style="dotted")
            t, color = base, "darkolivegreen3"

    for t in (var if isinstance(var, (tuple, list)) else (var,)):
        if not isinstance(t, Tensor):
            raise TypeError(f"to_dot: expected a Tensor or a tuple of Tensors, got "
                            f"{type(t).__name__}")
        add_base_tensor(t)
    _resize(dot)
    return dot


def _resize(dot, size_per_element=0.15, min_size=12):
    """Grow the canvas with the number of statements, as torchviz does."""
    size = max(min_size, len(dot.body) * size_per_element)
    dot.graph_attr.update(size=f"{size},{size}")
