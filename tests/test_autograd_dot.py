"""ember.autograd.graph.to_dot: the DOT text, read back structurally, and the
labels torchviz's make_dot would draw for PyTorch's own graph."""
import re
import sys
from collections import Counter

import pytest

import ember
from ember.autograd.graph import to_dot

graphviz = pytest.importorskip("graphviz")

_NODE = re.compile(r'^\t("[^"]*"|\S+) \[label=("[^"]*"|\S+)(?: fillcolor=(\S+))?\]$', re.M)
_EDGE = re.compile(r'^\t("[^"]*"|\S+) -> ("[^"]*"|\S+)(?: \[(.*)\])?$', re.M)


def _unquote(s):
    return s[1:-1] if s.startswith('"') else s


def parse(dot):
    """{id: (label, colour)} and [(tail, head, attrs)] from the DOT text."""
    nodes = {}
    for m in _NODE.finditer(dot.source):
        nodes[_unquote(m.group(1))] = (_unquote(m.group(2)), m.group(3))
    edges = [(_unquote(a), _unquote(b), attrs or "") for a, b, attrs in _EDGE.findall(dot.source)]
    return nodes, edges


def tiny(T):
    T.manual_seed(0)

    class TinyModel(T.nn.Module):
        def __init__(self):
            super().__init__()
            self.layer1 = T.nn.Linear(10, 6)
            self.relu = T.nn.ReLU()
            self.layer2 = T.nn.Linear(6, 3)

        def forward(self, x):
            return self.layer2(self.relu(self.layer1(x)))
    m = TinyModel()
    x, ideal = T.randn(4, 10), T.randn(4, 3)
    loss = (ideal - m(x)).pow(2).sum()
    return m, loss


def torchviz_labels(var, params, show_saved=False):
    """What torchviz's make_dot labels, from PyTorch's graph: backward nodes
    (grey), leaves (lightblue), saved tensors (orange), outputs (green)."""
    torch = pytest.importorskip("torch")
    names = {id(v): k for k, v in params.items()}
    size = lambda t: "(" + ", ".join("%d" % v for v in t.size()) + ")"  # noqa: E731
    labels = Counter()
    seen, stack = set(), []
    for v in (var if isinstance(var, tuple) else (var,)):
        labels[("\n " + size(v), "darkolivegreen1")] += 1
        stack.append(v.grad_fn)
    while stack:
        fn = stack.pop()
        if fn is None or fn in seen:
            continue
        seen.add(fn)
        labels[(type(fn).__name__, None)] += 1
        if hasattr(fn, "variable"):
            labels[(names.get(id(fn.variable), "") + "\n " + size(fn.variable), "lightblue")] += 1
        if show_saved:
            for attr in dir(fn):
                if attr.startswith("_saved_") and torch.is_tensor(getattr(fn, attr)):
                    labels[(attr[7:] + "\n " + size(getattr(fn, attr)), "orange")] += 1
        stack.extend(n for n, _ in fn.next_functions)
    return labels


def ember_labels(dot):
    nodes, _ = parse(dot)
    return Counter(nodes.values())


def test_tiny_model_graph_is_torchviz_layout():
    torch = pytest.importorskip("torch")
    m, loss = tiny(ember)
    params = dict(m.named_parameters())
    dot = to_dot(loss, params=params)
    assert isinstance(dot, graphviz.Digraph)
    nodes, edges = parse(dot)
    tm, tloss = tiny(torch)
    assert ember_labels(dot) == torchviz_labels(tloss, dict(tm.named_parameters()))
    by_label = {label: i for i, (label, _c) in nodes.items()}
    # a leaf's box points at its AccumulateGrad, which points on to the op using it
    w = by_label["layer1.weight\n (6, 10)"]
    (acc,) = [b for a, b, _ in edges if a == w]
    assert nodes[acc] == ("AccumulateGrad", None)
    (t_node,) = [b for a, b, _ in edges if a == acc]
    assert nodes[t_node][0] == "TBackward0"
    # the output is reached from its grad_fn; edges go from inputs to outputs
    out = by_label["\n ()"]
    assert [nodes[a][0] for a, b, _ in edges if b == out] == ["SumBackward0"]
    assert nodes[out][1] == "darkolivegreen1"
    assert ("style=filled" in dot.source and "shape=box" in dot.source
            and "fontname=monospace" in dot.source and 'size="12,12"' in dot.source)
    # every edge joins drawn nodes, and with no saved tensors no edge is undirected
    assert all(a in nodes and b in nodes for a, b, _ in edges)
    assert not any("dir=none" in attrs for *_, attrs in edges)


def test_show_saved_draws_what_pytorch_saves():
    torch = pytest.importorskip("torch")
    m, loss = tiny(ember)
    dot = to_dot(loss, params=dict(m.named_parameters()), show_saved=True)
    tm, tloss = tiny(torch)
    expected = torchviz_labels(tloss, dict(tm.named_parameters()), show_saved=True)
    ours = ember_labels(dot)
    orange = lambda c: Counter({k: n for k, n in c.items() if k[1] == "orange"})  # noqa: E731
    assert orange(ours) == orange(expected)
    assert orange(ours)[("result\n (4, 6)", "orange")] == 1     # ReLU keeps its output
    nodes, edges = parse(dot)
    for a, b, attrs in edges:
        if nodes[b][1] == "orange":
            assert attrs == "dir=none" and nodes[a][0].endswith("Backward0")


def test_several_outputs_and_views():
    torch = pytest.importorskip("torch")

    def graph(T):
        T.manual_seed(1)
        a = T.randn(3, 4, requires_grad=True)
        b = (a * 2).exp()
        return a, (b.sum(1), b.t(), a.sin())
    a, outs = graph(ember)
    dot = to_dot(outs, params={"a": a})
    ta, touts = graph(torch)
    nodes, edges = parse(dot)
    ours = ember_labels(dot)
    # b.t() is a view: its base is drawn darker and joined with a dotted edge
    base = Counter({k: n for k, n in ours.items() if k[1] == "darkolivegreen3"})
    assert base == Counter({("\n (3, 4)", "darkolivegreen3"): 1})
    assert sum(1 for *_, attrs in edges if attrs == "style=dotted") == 1
    expected = torchviz_labels(touts, {"a": ta})
    expected[("\n (3, 4)", "darkolivegreen3")] += 1
    assert ours == expected
    assert sum(1 for label, _ in nodes.values() if label == "a\n (3, 4)") == 1
    with pytest.raises(TypeError, match="expected a Tensor"):
        to_dot((outs[0], 3))


def test_show_attrs_lists_constants():
    x = ember.randn(3, 4, requires_grad=True)
    dot = to_dot(x.sum(dim=1, keepdim=True), show_attrs=True, max_attr_chars=4)
    nodes, _ = parse(dot)
    (label,) = [lab for lab, _ in nodes.values() if lab.startswith("SumBackward1")]
    head, sep, *rows = label.split("\n")
    assert set(sep) == {"-"} and len(sep) >= len(head)
    assert any(r.startswith("keepdim") and r.endswith("True") for r in rows)


def test_custom_function_saved_tensors_are_drawn():
    class Cube(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * x ** 2 * g
    x = ember.randn(5, requires_grad=True)
    nodes, edges = parse(to_dot(Cube.apply(x), params={"x": x}))
    assert ("CubeBackward", None) in nodes.values()
    assert nodes[str(id(x))] == ("x\n (5)", "orange")       # drawn saved, as torchviz does
    assert (str(id(x)), next(i for i, v in nodes.items() if v[0] == "CubeBackward"),
            "dir=none") in edges


def test_deep_graph_draws_without_recursion():
    x = ember.ones(1, requires_grad=True)
    y = x
    for _ in range(3 * sys.getrecursionlimit()):
        y = y + 1
    nodes, _ = parse(to_dot(y))
    assert len(nodes) == 3 * sys.getrecursionlimit() + 3


def test_without_dot_the_notebook_shows_the_source(monkeypatch):
    x = ember.randn(2, requires_grad=True)
    dot = to_dot(x.exp())

    def missing(*args, **kwargs):
        raise graphviz.ExecutableNotFound(("dot",))
    monkeypatch.setattr(graphviz.Digraph, "_repr_mimebundle_", missing)
    bundle = dot._repr_mimebundle_()
    assert list(bundle) == ["text/plain"]
    assert "apt-get install graphviz" in bundle["text/plain"]
    assert dot.source in bundle["text/plain"]


def test_missing_graphviz_package_says_how_to_install(monkeypatch):
    import ember.autograd._dot as _dot
    monkeypatch.setattr(_dot, "_digraph_cls", None)
    monkeypatch.setitem(sys.modules, "graphviz", None)
    with pytest.raises(ImportError, match="pip install graphviz"):
        to_dot(ember.ones(1, requires_grad=True) * 2)


def test_with_dot_the_notebook_gets_svg():
    import shutil
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot program is not installed")
    m, loss = tiny(ember)
    bundle = to_dot(loss, params=dict(m.named_parameters()))._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"] and "layer2.weight" in bundle["image/svg+xml"]


def test_reentrant_checkpoint_draws_its_saved_inputs_as_torchviz():
    from ember.utils.checkpoint import checkpoint
    torch = pytest.importorskip("torch")
    from torch.utils.checkpoint import checkpoint as tcheckpoint
    for T, ck in ((torch, tcheckpoint), (ember, checkpoint)):
        x = T.ones(2, 3, requires_grad=True)
        y = ck(lambda t: t.exp() * 2, x, use_reentrant=True)
        fn = y.grad_fn
        assert type(fn).__name__ == "CheckpointFunctionBackward"
        assert [t is x for t in fn.saved_tensors] == [True]
    nodes, edges = parse(to_dot(y, params={"x": x}))
    assert nodes[str(id(x))] == ("x\n (2, 3)", "orange")
    assert (str(id(x)), str(id(y.grad_fn)), "dir=none") in edges
    y.sum().backward()
    nodes, _ = parse(to_dot(y))      # after backward: nothing saved is left to draw
    assert sum(1 for _, c in nodes.values() if c == "orange") == 0
