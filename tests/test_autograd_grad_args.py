"""autograd.grad() and autograd.backward() arguments against PyTorch: dict
inputs, empty inputs, too few or too many grad_outputs, materialize_grads
with allow_unused and create_graph, deprecated only_inputs/grad_variables."""
import pytest

import ember
from compare_torch import check

torch = pytest.importorskip("torch")


def _graph(T):
    T.manual_seed(0)
    u = T.randn(2, requires_grad=True)
    v = T.randn(2, requires_grad=True)
    return u, v, (u ** 2 * v).sum()


CASES = {
    "dict_inputs": lambda T, u, v, loss: T.autograd.grad(loss, {"u": u, "v": v}),
    "dict_materialized": lambda T, u, v, loss: T.autograd.grad(
        loss, {"u": u, "w": T.ones(1, requires_grad=True)}, materialize_grads=True),
    "dict_unused": lambda T, u, v, loss: T.autograd.grad(
        loss, {"u": u, "w": T.ones(1, requires_grad=True)}, allow_unused=True),
    "other_mapping": lambda T, u, v, loss: T.autograd.grad(
        loss, __import__("collections").OrderedDict(u=u)),
    "empty_inputs": lambda T, u, v, loss: T.autograd.grad(loss, []),
    "empty_dict": lambda T, u, v, loss: T.autograd.grad(loss, {}),
    "materialize_not_unused": lambda T, u, v, loss: T.autograd.grad(
        loss, [u, v], allow_unused=False, materialize_grads=True),
    "materialize_create_graph": lambda T, u, v, loss: T.autograd.grad(
        loss, [u, T.ones(1, requires_grad=True)], materialize_grads=True, create_graph=True),
    "too_few_grad_outputs": lambda T, u, v, loss: T.autograd.grad(
        [loss, loss * 2], u, grad_outputs=[None]),
    "extra_grad_outputs": lambda T, u, v, loss: T.autograd.grad(
        loss, u, grad_outputs=[None, None]),
    "backward_too_few": lambda T, u, v, loss: T.autograd.backward(
        [loss, loss * 2], grad_tensors=[None]),
    "backward_extra": lambda T, u, v, loss: (T.autograd.backward(
        loss, grad_tensors=[None, None]), u.grad),
    "backward_dict_inputs": lambda T, u, v, loss: (T.autograd.backward(
        loss, inputs={"u": u}), u.grad, v.grad),
    "backward_empty_dict": lambda T, u, v, loss: T.autograd.backward(loss, inputs={}),
    "backward_input_without_grad": lambda T, u, v, loss: loss.backward(inputs=[u.detach()]),
    "backward_both_grad_args": lambda T, u, v, loss: T.autograd.backward(
        loss, grad_tensors=T.ones(()), grad_variables=T.ones(())),
}


@pytest.mark.parametrize("name", list(CASES))
def test_arguments_as_torch(name):
    check(lambda T: CASES[name](T, *_graph(T)))


def test_deprecated_arguments_warn_and_work():
    u, v, loss = _graph(ember)
    with pytest.warns(FutureWarning, match="only_inputs argument is deprecated"):
        (g,) = ember.autograd.grad(loss, u, only_inputs=False, retain_graph=True)
    with pytest.warns(FutureWarning, match="`grad_variables` is deprecated"):
        ember.autograd.backward(loss, grad_variables=ember.tensor(2.0))
    tu, tv, tloss = _graph(torch)
    assert ember.equal(g, ember.tensor((2 * tu * tv).tolist()))
    assert ember.equal(u.grad, ember.tensor((4 * tu * tv).tolist()))


MULTI = {
    # gradients with respect to outputs of a node of several outputs (unbind, chunk)
    "unbind_outputs": lambda T, x: T.autograd.grad(
        (lambda a, b, c: a * 2 + b * 3)(*x.unbind()), list(x.unbind()), allow_unused=True),
    "chunk_outputs": lambda T, x: (lambda q, k: T.autograd.grad((q * k).sum(), [k, q]))(
        *x.chunk(2)),
    "backward_inputs_chunk": lambda T, x: (lambda q, k: (
        (q * k * 3).sum().backward(inputs=[k]), k.grad, x.grad))(*x.chunk(2)),
    # GradientEdge inputs
    "edge_of_leaf": lambda T, x: T.autograd.grad(
        (x * x).sum(), T.autograd.graph.get_gradient_edge(x)),
    "edge_of_non_leaf": lambda T, x: (lambda y: T.autograd.grad(
        (y * y).sum(), [T.autograd.graph.get_gradient_edge(y), x]))(x * 2),
    "edge_materialized_unused": lambda T, x: (lambda y: T.autograd.grad(
        (x * 3).sum(), T.autograd.graph.get_gradient_edge(y), materialize_grads=True))(x * 2),
    "edge_without_grad": lambda T, x: T.autograd.graph.get_gradient_edge(x.detach()),
    "edge_fields": lambda T, x: (lambda e: (e.output_nr, e.ownership_token,
                                            e.node.name()))(
        T.autograd.graph.get_gradient_edge(x.unbind()[1])),
}


@pytest.mark.parametrize("name", list(MULTI))
def test_gradients_at_outputs_and_edges_as_torch(name):
    check(lambda T: MULTI[name](T, T.arange(4.0, requires_grad=True)))


def test_increment_version_and_node_attributes():
    def run(T):
        t = T.ones(2)
        T.autograd.graph.increment_version(t)
        T.autograd.graph.increment_version([t, t])
        x = T.ones(2, requires_grad=True)
        y = x * T.ones(2)
        acc = y.grad_fn.next_functions[0][0]
        return (t._version, y.grad_fn.requires_grad, acc.requires_grad,
                [a for a in dir(x.sum().grad_fn) if a.startswith("_saved")],
                [a for a in dir(y.grad_fn) if not a.startswith("_") and a != "requires_grad"])
    check(run)


def _call_cases(T):
    T.manual_seed(0)
    x = T.randn(3, requires_grad=True)
    y = x * x
    parts = x.unbind()
    acc = y.grad_fn.next_functions[0][0]
    return {
        "one_per_input": lambda: y.grad_fn(T.ones(3)),
        "too_many": lambda: y.grad_fn(T.ones(3), T.ones(3)),
        "none": lambda: y.grad_fn(),
        "all_none": lambda: y.grad_fn(None),
        "wrong_shape": lambda: y.grad_fn(T.ones(2)),
        "not_a_tensor": lambda: y.grad_fn(3),
        "keyword": lambda: y.grad_fn(grad=T.ones(3)),
        "under_no_grad": lambda: T.no_grad()(lambda: y.grad_fn(T.ones(3)))(),
        "several_outputs": lambda: parts[0].grad_fn(T.tensor(1.), None, T.tensor(2.)),
        "one_input": lambda: x.sum().grad_fn(T.tensor(2.)),
        "broadcast_kept": lambda: (x * T.ones(2, 1)).grad_fn(T.ones(2, 3)),
        "accumulate": lambda: (acc(T.ones(3)), acc(T.ones(3)), x.grad),
        "custom_function": lambda: type("F", (T.autograd.Function,), {
            "forward": staticmethod(lambda ctx, a: a * 2),
            "backward": staticmethod(lambda ctx, g: g)}).apply(x).grad_fn(T.ones(3)),
    }


@pytest.mark.parametrize("name", list(_call_cases(ember)))
def test_calling_a_node_as_torch(name):
    check(lambda T: _call_cases(T)[name]())


def test_namespaced_node_names_name_the_library_as_the_program_does():
    from ember import _public_name
    x = ember.ones(3, requires_grad=True)
    y = x.clone()
    y[0] = 2.0
    acc = (x * 2).grad_fn.next_functions[0][0]
    assert (acc.name(), y.grad_fn.name()) == ("ember::autograd::AccumulateGrad",
                                              "ember::autograd::CopySlices")
    _public_name.set_name("torch")
    try:
        shown = (acc.name(), y.grad_fn.name())
    finally:
        _public_name.set_name("ember")
    tx = torch.ones(3, requires_grad=True)
    ty = tx.clone()
    ty[0] = 2.0
    assert shown == ((tx * 2).grad_fn.next_functions[0][0].name(), ty.grad_fn.name())
