"""nn.Linear's node, whose weight transpose (TBackward0) is deferred
(ops/_linear.py): the graph as PyTorch makes it wherever it is looked at,
and the gradients, their order and every sequence number of the full graph
when it is not."""
import numpy as np
import pytest

import ember
from compare_torch import check, check_error


def _mlp(T, sizes=(5, 4, 3, 1), seed=0):
    rng = np.random.default_rng(seed)
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layer = T.nn.Linear(n_in, n_out).double()
        with T.no_grad():
            layer.weight.copy_(T.from_numpy(rng.uniform(-1, 1, (n_out, n_in))))
            layer.bias.copy_(T.from_numpy(rng.uniform(-1, 1, n_out)))
        layers += [layer, T.nn.Tanh()]
    return T.nn.Sequential(*layers[:-1])


def _data(T, shape=(6, 5), requires_grad=False, seed=1):
    x = np.random.default_rng(seed).standard_normal(shape)
    return T.tensor(x, requires_grad=requires_grad)


def _layer(T):
    """One Linear(3, 2) and an input of 4 rows that requires grad."""
    return _mlp(T, (3, 2))[0], _data(T, (4, 3), True)


def _names(node):
    return [type(n).__name__ if n is not None else None for n, _ in node.next_functions]


def _grads(model, *extra):
    return [p.grad.numpy().copy() for p in model.parameters()] + \
        [t.grad.numpy().copy() for t in extra]


def _unfused(model, x):
    """The model's forward written out as addmm(bias, x, weight.t()): the
    public addmm, which nothing defers."""
    for layer in model:
        if isinstance(layer, ember.nn.Linear):
            x = ember.addmm(layer.bias, x, layer.weight.t())
        else:
            x = layer(x)
    return x


@pytest.mark.parametrize("x_requires_grad", [False, True])
def test_a_backward_is_bit_for_bit_that_of_addmm_of_the_transpose(x_requires_grad):
    model = _mlp(ember)
    x = _data(ember, requires_grad=x_requires_grad)
    y = model(x)
    assert y._grad_fn._deferred     # (the path under test: nothing looked at the graph yet)
    y.pow(2).sum().backward()
    fused = _grads(model, *([x] if x_requires_grad else []))
    model.zero_grad()
    x.grad = None
    _unfused(model, x).pow(2).sum().backward()
    for a, b in zip(fused, _grads(model, *([x] if x_requires_grad else []))):
        np.testing.assert_array_equal(a, b, strict=True)


@pytest.mark.parametrize("shape", [(6, 5), (2, 3, 5)])
@pytest.mark.parametrize("x_requires_grad", [False, True])
def test_the_graph_as_pytorch_makes_it_with_its_sequence_numbers(shape, x_requires_grad):
    def f(T):
        model = _mlp(T)
        x = _data(T, shape, x_requires_grad)
        y = model(x)
        out = []
        first = None
        stack, seen = [y.grad_fn], set()
        while stack:
            node = stack.pop()
            if node is None or id(node) in seen:
                continue
            seen.add(id(node))
            nr = node._sequence_nr()
            if first is None:
                first = nr
            out.append((type(node).__name__, nr if nr == 2 ** 64 - 1 else nr - first,
                        _names(node)))
            stack.extend(n for n, _ in node.next_functions)
        return out
    check(f)


def test_the_saved_view_is_the_transpose_with_its_node():
    def f(T):
        lin, x = _layer(T)
        y = lin(x)
        node = y.grad_fn
        saved = node._saved_mat2
        return (saved, saved.grad_fn is node.next_functions[2][0], saved._version,
                list(node._saved_mat2_sym_sizes), list(node._saved_mat2_sym_strides),
                type(node).__name__, type(node) is type(lin(x).grad_fn))
    check(f, exact=True)


@pytest.mark.parametrize("weight_used", [1, 3])
def test_hooks_run_in_pytorchs_order(weight_used):
    """Tensor hooks on every parameter and activation, a weight used once
    or three times (tied): the order of the calls and what they see."""
    def f(T):
        model = _mlp(T, (4, 4, 4, 4))
        events = []
        for name, p in model.named_parameters():
            p.register_hook(lambda g, name=name: events.append((name, round(g.sum().item(), 9))))
        h = _data(T, (3, 4), True)
        for i in range(weight_used):
            for j, layer in enumerate(model):
                h = layer(h)
                h.register_hook(lambda g, i=i, j=j: events.append((i, j, round(g.sum().item(), 9))))
        h.sum().backward()
        return events
    e = check(f)
    assert len(e) == 5 * weight_used + 6


def test_a_hook_that_looks_at_the_graph_while_backward_runs():
    """Completing a node mid-backward puts its TBackward0 on the running
    pass's books: the gradients stay PyTorch's."""
    def f(T):
        lin, x = _layer(T)
        h = lin(x)
        seen = []
        h.register_hook(lambda g: seen.append(_names(h.grad_fn)))
        (h * h).sum().backward()
        return seen, x.grad, lin.weight.grad, lin.bias.grad
    check(f, rtol=1e-12)    # (x.grad's 2-term dots: MKL fuses them on some CPUs)


def test_autograd_grad_and_backward_inputs():
    def f(T):
        model = _mlp(T)
        x = _data(T, requires_grad=True)
        loss = model(x).pow(2).sum()
        w, b = model[2].weight, model[2].bias
        gw, gx = T.autograd.grad(loss, (w, x), retain_graph=True)
        loss.backward(inputs=[b])
        return gw, gx, b.grad, w.grad
    check(f, rtol=1e-12)


def test_a_second_backward_and_a_look_after_the_first():
    def f(T):
        lin, x = _layer(T)
        y = lin(x)
        y.sum().backward(retain_graph=True)
        y.sum().backward()
        names = _names(y.grad_fn)
        return names, lin.weight.grad, x.grad
    check(f, exact=True)


def test_create_graph_records_pytorchs_graph():
    """A gradient penalty: the second-order graph holds the TBackward0."""
    def f(T):
        model = _mlp(T)
        x = _data(T, requires_grad=True)
        loss = model(x).pow(2).sum()
        gw, = T.autograd.grad(loss, model[0].weight, create_graph=True)
        chain = []
        node = gw.grad_fn
        while node is not None and len(chain) < 4:
            chain.append(type(node).__name__)
            node = node.next_functions[0][0]
        gw.pow(2).sum().backward()
        return chain, gw, model[0].weight.grad, model[2].weight.grad, x.grad
    check(f, rtol=1e-12)


def test_a_weight_changed_in_place_after_the_forward_raises_as_unfused():
    messages = []
    for fused in (True, False):
        lin, x = _layer(ember)
        y = lin(x) if fused else ember.addmm(lin.bias, x, lin.weight.t())
        with ember.no_grad():
            lin.weight.mul_(2)
        with pytest.raises(RuntimeError) as err:
            y.sum().backward()
        messages.append(str(err.value))
    assert messages[0] == messages[1]
    assert "DoubleTensor [3, 2]], which is output 0 of T," in messages[0]    # (the view)
    assert lin.weight.grad is None and x.grad is None


def test_a_weight_given_new_data_after_the_forward():
    """`weight.data = ...` leaves the saved view on the old values, as
    PyTorch's saved view."""
    def f(T):
        lin, x = _layer(T)
        y = lin(x)
        lin.weight.data = T.ones(2, 3, dtype=T.float64)
        (y * y).sum().backward()
        return x.grad, lin.weight.grad
    check(f, rtol=1e-12)    # (x.grad's 2-term dots: MKL fuses them on some CPUs)


def test_a_node_hook_sees_pytorchs_gradients():
    def f(T):
        lin, x = _layer(T)
        y = lin(x)
        seen = []
        y.grad_fn.register_hook(lambda gi, go: seen.append(
            [None if g is None else tuple(g.shape) for g in gi]))
        y.sum().backward()
        return seen
    check(f)


def test_anomaly_mode_and_the_profiler_see_the_tbackward():
    def f(T):
        lin, x = _layer(T)
        y = lin(x)
        with T.autograd.profiler.profile() as prof:
            y.sum().backward()
        names = sorted({e.name.replace(T.__name__ + "::", "") for e in prof.function_events
                        if "evaluate_function" in e.name})
        y = lin(x)
        with T.autograd.detect_anomaly():
            y.sum().backward()
        return names, lin.weight.grad
    check(f, rtol=1e-12)


def test_a_weight_that_is_a_view_saves_a_view_of_its_base():
    def f(T):
        base = T.tensor(np.arange(12.0).reshape(4, 3) / 7, requires_grad=True)
        with T.no_grad():
            w = base[:2]
        w.requires_grad_()
        x = _data(T, (5, 3), True)
        y = T.nn.functional.linear(x, w, T.zeros(2, dtype=T.float64, requires_grad=True))
        saved = y.grad_fn._saved_mat2
        y.sum().backward()
        return saved._base is base, saved._base is w, w.grad, base.grad
    check(f, exact=True)


def test_a_non_leaf_or_frozen_weight_takes_the_plain_path():
    def f(T):
        lin, x = _layer(T)
        scale = T.tensor(2.0, dtype=T.float64, requires_grad=True)
        y1 = T.nn.functional.linear(x, lin.weight * scale, lin.bias)
        lin.weight.requires_grad_(False)
        y2 = lin(x)
        (y1.sum() + y2.sum()).backward()
        return _names(y1.grad_fn), _names(y2.grad_fn), scale.grad, x.grad
    check(f, exact=True)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("transposed", [False, True])
def test_the_inline_forward_and_gradients_are_bit_for_bit_addmms(dtype, transposed):
    # nn.Linear's common case runs in one frame with its own products
    # (_addmm_t with plain=True, _x_grad, _weight_grad); a transposed x takes addmm's
    # F-ordered gradient instead, a one-row weight the C-ordered one
    dt = getattr(ember, dtype)
    model = _mlp(ember).to(dt)
    x = _data(ember, (5, 6) if transposed else (6, 5)).to(dt)
    x = (x.t() if transposed else x).requires_grad_()
    y = model(x)
    y.pow(2).sum().backward()
    fused = [y.detach().numpy().copy()] + _grads(model, x)
    model.zero_grad()
    x.grad = None
    y = _unfused(model, x)
    y.pow(2).sum().backward()
    for a, b in zip(fused, [y.detach().numpy()] + _grads(model, x)):
        np.testing.assert_array_equal(a, b, strict=True)


@pytest.mark.parametrize("what", ["x", "relu"])
def test_what_linear_and_relu_saved_changed_in_place_raises_as_pytorch(what):
    # (the engine reads nn.Linear's two saved tensors and relu's saved output
    # inline: a changed one still takes Node._unpack's error; a changed
    # weight: test_a_weight_changed_in_place_after_the_forward_raises_as_unfused)
    def setup(T):
        T.manual_seed(0)
        return (T.randn(4, 3, requires_grad=True), T.randn(2, 3, requires_grad=True),
                T.randn(2, requires_grad=True))

    def op(T, x, w, b):
        h = x * 1
        out = T.nn.functional.linear(h, w, b)
        if what == "x":
            h.add_(1)
        else:
            out = out.relu()
            out.mul_(2)
        return out.sum().backward()
    check_error(setup, op)
