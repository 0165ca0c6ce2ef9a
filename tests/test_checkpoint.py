"""ember.utils.checkpoint against torch.utils.checkpoint: values, gradients,
dropout masks from the same seed, warnings and errors, and the memory kept."""
import contextlib
import importlib
import warnings

import numpy as np
import pytest

import ember
from ember.utils.checkpoint import CheckpointError, checkpoint, checkpoint_sequential

from compare_torch import _torch, check, check_error, msg

BOTH = pytest.mark.parametrize("reentrant", [True, False])


def ckpt(T):
    return importlib.import_module(T.__name__ + ".utils.checkpoint")


def model(T, width=5, p=0.5):
    return T.nn.Sequential(T.nn.Linear(3, width), T.nn.Dropout(p), T.nn.Tanh(),
                           T.nn.Linear(width, 2))


def _grads(m):
    return [p.grad for p in m.parameters()]


@BOTH
@pytest.mark.parametrize("preserve", [True, False])
def test_dropout_values_and_gradients_match_torch(reentrant, preserve):
    def run(T):
        T.manual_seed(7)
        m = model(T)
        x = T.randn(6, 3, requires_grad=True)
        y = ckpt(T).checkpoint(m, x, use_reentrant=reentrant, preserve_rng_state=preserve)
        y.pow(2).sum().backward()
        # the random stream goes on from where the forward left it (fork_rng)
        return y, x.grad, _grads(m), T.rand(3)
    check(run, rtol=1e-5)


@BOTH
def test_preserved_mask_equals_the_unchecked_run(reentrant):
    def grads(wrap):
        ember.manual_seed(3)
        m = model(ember, width=8)
        x = ember.randn(5, 3, requires_grad=True)
        y = wrap(m, x)
        y.sum().backward()
        return [x.grad.numpy()] + [g.numpy() for g in _grads(m)]
    plain = grads(lambda m, x: m(x))
    kept = grads(lambda m, x: checkpoint(m, x, use_reentrant=reentrant))
    lost = grads(lambda m, x: checkpoint(m, x, use_reentrant=reentrant,
                                         preserve_rng_state=False))
    for a, b in zip(plain, kept):
        np.testing.assert_array_equal(a, b)
    assert any(not np.array_equal(a, b) for a, b in zip(plain, lost))


@BOTH
def test_several_outputs_and_non_tensor_arguments(reentrant):
    def run(T):
        T.manual_seed(1)
        a = T.randn(4, 3, requires_grad=True)
        b = T.randn(3, requires_grad=True)

        def f(x, scale, y):
            return (x * y).sin() * scale, "tag", (x - y).exp()
        u, tag, v = ckpt(T).checkpoint(f, a, 2.5, b, use_reentrant=reentrant)
        (u.sum() + 3 * v.sum()).backward()
        return u, tag, v, a.grad, b.grad
    check(run, rtol=1e-6)


def test_one_output_used_reentrant_materializes_the_other():
    def run(T):
        T.manual_seed(2)
        a = T.randn(3, requires_grad=True)
        u, v = ckpt(T).checkpoint(lambda x: (x.exp(), x.cos()), a, use_reentrant=True)
        v.sum().backward()
        return u, v, a.grad
    check(run)


def test_non_reentrant_autograd_grad_kwargs_and_inputs_without_grad():
    def run(T):
        T.manual_seed(4)
        m = model(T, p=0.3)
        x = T.randn(5, 3)       # needs no grad: the parameters do

        def f(x, *, shift):
            return m(x) + shift
        y = ckpt(T).checkpoint(f, x, shift=T.ones(2), use_reentrant=False)
        gs = T.autograd.grad(y.square().sum(), list(m.parameters()))
        return (y, *gs, [p.grad for p in m.parameters()])
    check(run, rtol=1e-5)


def test_non_reentrant_backward_twice():
    def run(T):
        T.manual_seed(5)
        x = T.randn(4, requires_grad=True)
        y = ckpt(T).checkpoint(lambda t: t.exp().sin(), x, use_reentrant=False).sum()
        y.backward(retain_graph=True)
        y.backward(retain_graph=True)
        return x.grad
    check(run)

    def setup(T):
        T.manual_seed(5)
        x = T.randn(4, requires_grad=True)
        y = ckpt(T).checkpoint(lambda t: t.exp().sin(), x, use_reentrant=False).sum()
        y.backward()
        return x, y

    def twice(T, x, y):
        y.backward()
    err = check_error(setup, twice)
    assert "second time" in str(err)


def test_checkpointed_input_changed_in_place_raises():
    for reentrant in (True, False):
        for T in (ember, _torch()):
            x = T.randn(3, requires_grad=True)
            h = x * 1
            y = ckpt(T).checkpoint(lambda t: t.exp() * t, h, use_reentrant=reentrant)
            h.add_(1)
            with pytest.raises(RuntimeError, match="modified by an inplace operation"):
                y.sum().backward()


@BOTH
def test_checkpoint_sequential_matches_torch(reentrant):
    def run(T):
        T.manual_seed(9)
        layers = [T.nn.Linear(4, 4) if i % 2 == 0 else T.nn.ReLU() for i in range(7)]
        net = T.nn.Sequential(*layers, T.nn.Dropout(0.2))
        x = T.randn(3, 4, requires_grad=True)
        y = ckpt(T).checkpoint_sequential(net, 3, x, use_reentrant=reentrant)
        z = ckpt(T).checkpoint_sequential(layers, 2, y.tanh(), use_reentrant=reentrant,
                                          preserve_rng_state=False)
        z.sum().backward()
        return y, z, x.grad, [p.grad for p in net.parameters()]
    check(run, rtol=1e-5)


def test_warnings_match_torch():
    torch = _torch()
    for T in (ember, torch):
        x = T.ones(2, requires_grad=True)
        seen = {}
        for name, call in (
                ("plain", lambda: ckpt(T).checkpoint(T.sin, x)),
                ("seq", lambda: ckpt(T).checkpoint_sequential([T.sin, T.cos], 2, x)),
                ("nograd", lambda: ckpt(T).checkpoint(T.sin, T.ones(2), use_reentrant=True))):
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                out = call()
            seen[name] = [msg(str(r.message)) for r in w]
            seen[name + " requires_grad"] = out.requires_grad
        if T is ember:
            ours = seen
        else:
            assert ours == seen
    assert "use_reentrant parameter should be passed explicitly" in ours["plain"][0]
    assert ours["nograd"] == ["None of the inputs have requires_grad=True. Gradients will be None"]


def test_argument_errors_match_torch():
    def setup(T):
        return (T.ones(2, requires_grad=True),)
    ctx = lambda: (contextlib.nullcontext(), contextlib.nullcontext())  # noqa: E731
    calls = [
        lambda T, x: ckpt(T).checkpoint(T.sin, x, use_reentrant=True, bogus=1),
        lambda T, x: ckpt(T).checkpoint(T.sin, x, use_reentrant=True, context_fn=ctx),
        lambda T, x: ckpt(T).checkpoint(T.sin, x, use_reentrant=True, debug=True),
        lambda T, x: ckpt(T).checkpoint(T.sin, x, use_reentrant=False, debug=True,
                                        context_fn=ctx),
        lambda T, x: ckpt(T).checkpoint(T.sin, x, use_reentrant=False,
                                        determinism_check="strict"),
        lambda T, x: ckpt(T).checkpoint_sequential([T.sin], 1, x, use_reentrant=False, z=2),
        lambda T, x: ckpt(T).checkpoint(T.sin, x.detach(), use_reentrant=True).sum().backward(),
    ]
    for op in calls:
        check_error(setup, op)


def test_context_fn_runs_forward_and_recomputation_contexts():
    log = []

    @contextlib.contextmanager
    def tag(name):
        log.append(name)
        yield

    x = ember.randn(3, requires_grad=True)
    y = checkpoint(lambda t: t.exp(), x, use_reentrant=False, debug=False,
                   context_fn=lambda: (tag("forward"), tag("recompute")))
    assert log == ["forward"]
    y.sum().backward()
    assert log == ["forward", "recompute"]
    np.testing.assert_allclose(x.grad.numpy(), np.exp(x.detach().numpy()), rtol=1e-6)


def test_a_different_recomputation_is_caught():
    calls = []

    def f(t):
        calls.append(1)
        return t.exp() if len(calls) == 1 else t[:2].exp()
    for debug in (False, True):
        calls.clear()
        x = ember.randn(3, requires_grad=True)
        y = checkpoint(f, x, use_reentrant=False, debug=debug)
        with pytest.raises(CheckpointError, match="different metadata") as info:
            y.sum().backward()
        assert ("Nodes of the original forward:\nExpBackward0"
                in str(info.value)) == debug


def test_under_no_grad_nothing_is_recorded():
    x = ember.randn(3, requires_grad=True)
    for reentrant in (True, False):
        with ember.no_grad():
            y = checkpoint(lambda t: t * 2, x, use_reentrant=reentrant)
        assert y.grad_fn is None and not y.requires_grad


# -- memory -------------------------------------------------------------------
def _saved_bytes(root, params):
    """Bytes of the arrays the graph behind `root` holds for backward (saved
    inputs and outputs, and what a checkpoint keeps), parameters excluded."""
    from ember.autograd.graph import RESULT
    from ember.utils.checkpoint import _Pending
    skip = {id(p._data) for p in params}
    arrays, seen, stack = {}, set(), [root.grad_fn]

    def keep(a):
        if a is not None and id(a) not in skip and (a.base is None or id(a.base) not in skip):
            arrays[id(a)] = a.nbytes
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        saved = node._kept
        if isinstance(saved, _Pending):
            for t in saved.frame.inputs():
                keep(t._data)
        elif saved:
            for s in saved:
                keep(node._result if s is RESULT else getattr(s, "_data", None))
        stack.extend(n for n, _ in node.next_functions)
    return sum(arrays.values())


@BOTH
def test_32_layer_mlp_in_4_segments_keeps_a_quarter(reentrant):
    ember.manual_seed(0)
    layers = []
    for _ in range(32):
        layers += [ember.nn.Linear(64, 64), ember.nn.Tanh()]
    net = ember.nn.Sequential(*layers)
    x = ember.randn(256, 64, requires_grad=True)
    params = list(net.parameters())
    plain = net(x).sum()
    full = _saved_bytes(plain, params)
    plain.backward()
    expected = [t.grad.numpy().copy() for t in (x, *params)]
    for t in (x, *params):
        t.grad = None
    y = checkpoint_sequential(net, 4, x, use_reentrant=reentrant)
    kept = _saved_bytes(y.sum(), params)
    # A layer keeps one activation (the Tanh's output, which is also the
    # next Linear's saved input): 33 with the input. Checkpointed, the last
    # segment is not (its input and 8 outputs), and each of the three others
    # keeps only its input: 12 of 33, a quarter plus the segments' inputs.
    assert full == 33 * 256 * 64 * 4
    assert kept == 12 * 256 * 64 * 4
    y.sum().backward()
    for t, g in zip((x, *params), expected):
        np.testing.assert_allclose(t.grad.numpy(), g, rtol=1e-5, atol=1e-7)


def test_non_reentrant_double_backward_matches_torch():
    def run(T):
        T.manual_seed(0)
        x = T.randn(5, requires_grad=True)
        y = ckpt(T).checkpoint(lambda t: (t.sin() * t).exp(), x, use_reentrant=False).sum()
        (g,) = T.autograd.grad(y, x, create_graph=True)
        (gg,) = T.autograd.grad(g.sum(), x)
        return g, gg
    check(run, rtol=1e-5)


@pytest.mark.parametrize("how", ["grad", "inputs"])
def test_reentrant_refuses_grad_and_inputs_as_torch(how):
    def setup(T):
        T.manual_seed(0)
        return T.randn(4, requires_grad=True), T.randn(4, requires_grad=True)

    def op(T, x, w):
        y = ckpt(T).checkpoint(lambda t: (t * w).sum(), x, use_reentrant=True)
        if how == "grad":
            return T.autograd.grad(y, x)
        return y.backward(inputs=[x])
    check_error(setup, op, RuntimeError)


def test_debug_can_be_set_for_a_block():
    from ember.utils.checkpoint import set_checkpoint_debug_enabled, set_checkpoint_early_stop
    calls = []

    def f(t):
        calls.append(1)
        return t.exp() if len(calls) == 1 else t[:2].exp()
    x = ember.randn(3, requires_grad=True)
    with set_checkpoint_debug_enabled(True), set_checkpoint_early_stop(False):
        y = checkpoint(f, x, use_reentrant=False)
    with pytest.raises(CheckpointError, match="Nodes of the original forward"):
        y.sum().backward()


@BOTH
def test_nested_checkpoints_with_dropout_match_torch(reentrant):
    def run(T):
        T.manual_seed(0)
        x = T.randn(4, 3, requires_grad=True)
        lin, drop = T.nn.Linear(3, 3), T.nn.Dropout(0.4)

        def inner(t):
            return drop(lin(t)).tanh()

        def outer(t):
            return ckpt(T).checkpoint(inner, t * 2, use_reentrant=reentrant).sin() + t
        y = ckpt(T).checkpoint(outer, x, use_reentrant=reentrant)
        y.pow(2).sum().backward()
        out = [y, x.grad, lin.weight.grad]
        if not reentrant:       # any output structure, and an input given back
            x.grad = None
            d = ckpt(T).checkpoint(lambda t: {"a": t.exp(), "b": [t]}, x, use_reentrant=False)
            (d["a"].sum() + d["b"][0].sum()).backward()
            out.append(x.grad)
        return out
    check(run, rtol=1e-5, atol=1e-6)


def test_non_reentrant_with_a_tensor_made_outside_the_function():
    def run(T):
        T.manual_seed(3)
        x = T.randn(4, requires_grad=True)
        h = (x * 3).sin()        # made before: its node keeps its values
        y = ckpt(T).checkpoint(lambda t: (t * h.exp()).cos(), x, use_reentrant=False)
        (y.sum() + h.sum()).backward()
        return y, x.grad
    check(run, rtol=1e-5, atol=1e-6)
