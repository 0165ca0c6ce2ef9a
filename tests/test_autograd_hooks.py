"""Tensor hooks whose result is checked as PyTorch checks it, post-accumulate
grad hooks, and hooks on the nodes of custom Functions, compared with PyTorch."""
import random
import subprocess
import sys

import pytest

from compare_torch import check, check_error


def leaf(T, values, dtype=None):
    return T.tensor(values, dtype=dtype or T.float32, requires_grad=True)


def hook(g):      # the name is part of PyTorch's message
    return g.new_ones(5)


@pytest.mark.parametrize("replace", [
    hook,                                   # "hook 'hook' has changed the size of value"
    lambda g: g.double(),                   # "... has changed the type of value (...)"
    lambda g: 3,                            # TypeError: hook returned 'int'
    lambda g: g.reshape(1, 3),
])
@pytest.mark.parametrize("on_leaf", [False, True])
def test_a_hook_result_of_another_kind_raises_and_changes_nothing(replace, on_leaf):
    def setup(T):
        # (w does not require grad: PyTorch accumulates a leaf's gradient as
        # soon as it is ready, so another leaf could already hold one.)
        return leaf(T, [1.0, 2.0, 3.0]), T.tensor([0.5, 0.5, 0.5])

    def op(T, x, w):
        if on_leaf:
            x.register_hook(replace)
            y = x * 2
        else:
            y = x * 2
            y.register_hook(replace)
        return (y * w).sum().backward()
    check_error(setup, op)


def test_a_hook_may_replace_the_gradient_by_one_of_the_same_kind():
    def f(T):
        x = leaf(T, [1.0, 2.0, 3.0])
        y = x * 2
        y.register_hook(lambda g: g * 10)
        x.register_hook(lambda g: g + 1)
        y.sum().backward()
        return x.grad
    check(f)


def test_post_accumulate_grad_hooks_order_and_count():
    def f(T):
        events = []
        x, w = leaf(T, [1.0, 2.0]), leaf(T, [3.0, -1.0])
        x.register_hook(lambda g: events.append(("x hook", g.tolist())))
        x.register_post_accumulate_grad_hook(lambda p: events.append(("x post", p.grad.tolist())))
        h = w.register_post_accumulate_grad_hook(
            lambda p: events.append(("w post", p.grad.tolist())))
        w.register_post_accumulate_grad_hook(lambda p: events.append(("w post 2", p is w)))
        # x reaches the loss along two paths: accumulated, and hooked, once.
        loss = (x * w).sum() + (x * x).sum()
        loss.backward(retain_graph=True)
        loss.backward(inputs=[x])
        h.remove()
        loss.backward()
        T.autograd.grad(loss, [x, w])      # autograd.grad accumulates nothing
        return sorted(events, key=lambda e: e[0]), len(events), x.grad, w.grad
    check(f)


def test_leaves_are_accumulated_as_their_gradients_complete_in_pytorchs_order():
    # Each leaf's .grad is set once its node's inputs have all sent theirs,
    # before the next node runs: the hooks see the leaves of each layer
    # (bias, then weight) between the layers' own backward steps.
    def f(T):
        events = []

        class Mark(T.autograd.Function):
            @staticmethod
            def forward(ctx, x, name):
                ctx.name = name
                return x.clone()

            @staticmethod
            def backward(ctx, g):
                events.append(ctx.name)
                return g, None

        T.manual_seed(0)
        model = T.nn.Sequential(T.nn.Linear(3, 4), T.nn.ReLU(), T.nn.Linear(4, 4),
                                T.nn.Tanh(), T.nn.Linear(4, 1))
        for name, p in model.named_parameters():
            p.register_post_accumulate_grad_hook(
                lambda p, name=name: events.append((name, p.grad.sum().item())))
        x = T.randn(5, 3)
        h = Mark.apply(model[1](model[0](x)), "layer 0")
        h = Mark.apply(model[3](model[2](h)), "layer 2")
        shared = model[4].weight
        loss = model[4](h).pow(2).sum() + (shared * shared).sum()   # a leaf reached twice
        loss.backward()
        return events, [p.grad for p in model.parameters()]
    check(f, rtol=1e-5)     # (the gradients' last bits are the BLAS's: cpu_kind.py)


def test_post_accumulate_grad_hook_sees_create_graph_grads():
    def f(T):
        seen = []
        x = leaf(T, [1.0, 2.0])
        x.register_post_accumulate_grad_hook(lambda p: seen.append(p.grad.requires_grad))
        (x ** 3).sum().backward(create_graph=True)
        return seen, x.grad.detach()
    check(f)


@pytest.mark.parametrize("make", [
    lambda T: (leaf(T, [1.0]) * 2,),               # not a leaf
    lambda T: (T.tensor([1.0]),),                   # does not require grad
])
def test_post_accumulate_grad_hook_registration_errors(make):
    check_error(make, lambda T, t: t.register_post_accumulate_grad_hook(print), RuntimeError)


def test_node_hooks_on_a_custom_function():
    def f(T):
        class Double(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g * 2

        seen = []
        x = leaf(T, [1.0, 2.0])
        y = Double.apply(x)
        y.grad_fn.register_prehook(lambda gout: seen.append(("pre", [g.tolist() for g in gout])))
        y.grad_fn.register_hook(lambda gin, gout: seen.append(
            ("post", [g.tolist() for g in gin], [g.tolist() for g in gout])))
        y.register_hook(lambda g: g * 3)
        y.sum().backward()
        return seen, x.grad
    check(f)


def test_node_hooks_on_a_node_of_several_outputs():
    def f(T):
        seen = []
        y = leaf(T, [1.0, 2.0]) * 1
        z = y.unbind(0)[0]
        z.grad_fn.register_prehook(lambda gout: seen.append(
            ("pre", [None if g is None else g.tolist() for g in gout])))
        z.grad_fn.register_hook(lambda gin, gout: seen.append(
            ("post", [g.tolist() for g in gin], [None if g is None else g.tolist() for g in gout])))
        (z * 3).backward()
        return seen
    check(f)


def test_node_prehook_on_a_registry_node_gets_and_replaces_grad_outputs():
    def f(T):
        seen = []
        x = leaf(T, [1.0, 2.0])
        y = x.sin()
        y.grad_fn.register_prehook(lambda gout: seen.append([g.tolist() for g in gout]))
        y.grad_fn.register_prehook(lambda gout: (gout[0] * 2,))
        h = y.grad_fn.register_prehook(lambda gout: seen.append("removed"))
        h.remove()
        y.register_hook(lambda g: g + 1)
        y.sum().backward()
        return seen, x.grad
    check(f)


def test_post_accumulate_hook_handle_and_hook_running_optimizer_step():
    def f(T):
        p = leaf(T, [1.0, -2.0])

        def step(param):        # the pattern PyTorch documents: an optimizer in the hook
            with T.no_grad():
                param -= 0.1 * param.grad
            param.grad = None
        h = p.register_post_accumulate_grad_hook(step)
        (p * p).sum().backward()
        first = p.detach().clone()
        h.remove()
        (p * p).sum().backward()
        return first, p, p.grad
    check(f)


def test_retain_grad_sees_tensor_hooks_but_not_node_prehooks():
    def f(T):
        x = leaf(T, [1.0, 2.0])
        y = x * 3
        y.grad_fn.register_prehook(lambda gout: (gout[0] * 100,))
        y.retain_grad()
        y.register_hook(lambda g: g + 1)
        y.sum().backward()
        return y.grad, x.grad
    check(f)


@pytest.mark.parametrize("create_graph", [False, True])
def test_a_leafs_hooks_see_and_replace_what_autograd_grad_returns(create_graph):
    """autograd.grad captures a leaf's gradient after the leaf's own hooks,
    as backward accumulates it after them; .grad stays untouched."""
    def run(T):
        x = leaf(T, [1.0, 2.0, 3.0])
        seen = []
        x.register_hook(lambda g: seen.append(g.clone()))
        x.register_hook(lambda g: g * 10)
        y = (x ** 2).sum()
        g, = T.autograd.grad(y, x, create_graph=create_graph)
        y.backward()
        return g, T.stack(seen), x.grad, g.requires_grad
    check(run)


def _handles(T):
    t = leaf(T, [1.0, 2.0])
    y = t * 2
    hs = [t.register_hook(lambda g: g), y.register_hook(lambda g: g),
          y.grad_fn.register_hook(lambda gi, go: None), y.grad_fn.register_prehook(lambda g: g),
          T.nn.Linear(1, 1).register_forward_hook(lambda *a: None)]
    ids = [h.id - hs[0].id for h in hs]
    kinds = [isinstance(h, T.utils.hooks.RemovableHandle) for h in hs]
    hs[1].remove()
    y.sum().backward()
    return ids, kinds, t.grad


def test_tensor_and_node_hook_handles_are_removable_handles_with_ids():
    check(_handles)


def _saving_hooked_tensors(T):
    import io
    import re
    import warnings

    @T.utils.hooks.unserializable_hook
    def quiet(g):
        return g

    def loud(g):
        return g
    t, u, p = leaf(T, [1.0]), leaf(T, [2.0]), T.nn.Parameter(T.ones(1))
    y = t * 3
    for x, h in ((t, loud), (u, quiet), (y, loud), (p, loud)):
        x.register_hook(h)
    y.grad_fn.register_prehook(lambda g: g)      # a node's hook: not the tensor's
    said = []
    for x in (t, u, y.detach(), p, y):
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            T.save(x, io.BytesIO())
        said.append([re.sub(" at 0x[0-9a-f]+", "", str(w.message)).replace("torch.", "ember.")
                     for w in rec])
    return said, quiet.__torch_unserializable__


def test_saving_a_tensor_with_hooks_warns_as_torch():
    import ember
    torch = pytest.importorskip("torch")
    e, t = _saving_hooked_tensors(ember), _saving_hooked_tensors(torch)
    assert e == t and [len(s) for s in e[0]] == [1, 0, 0, 0, 1]


def test_accumulate_grad_node_hooks_in_pytorchs_order():
    # the leaf's own hook, then the node's pre-hook, accumulation, the
    # post-accumulate hook, then the node's post hook; autograd.grad runs
    # only the leaf's own hook
    def run(T):
        seen = []
        w = T.ones(2, requires_grad=True)
        w.register_hook(lambda g: g * 10)
        z = (w * 3).sum()
        acc = z.grad_fn.next_functions[0][0].next_functions[0][0]
        acc.register_hook(lambda gi, go: seen.append(("post", gi, go)))
        acc.register_prehook(lambda go: seen.append(("pre", go)))
        w.register_post_accumulate_grad_hook(lambda p: seen.append(("post_acc", p.grad * 1)))
        z.backward()
        captured = T.autograd.grad((w * 3).sum(), w)
        return seen, w.grad, captured
    check(run)


def test_hook_handles_are_removable_handles():
    import ember
    from ember.utils.hooks import RemovableHandle
    w = ember.ones(2, requires_grad=True)
    node = (w * 2).grad_fn
    calls = []
    handles = [w.register_hook(lambda g: calls.append("tensor")),
               node.register_hook(lambda gi, go: calls.append("post")),
               node.register_prehook(lambda go: calls.append("pre")),
               w.register_post_accumulate_grad_hook(lambda p: calls.append("post_acc"))]
    assert all(type(h) is RemovableHandle for h in handles)
    assert repr(handles[0]).startswith("<ember.utils.hooks.RemovableHandle object at 0x")
    for h in handles:
        h.remove()
    (w * 2).sum().backward()
    assert calls == [] and w.grad.tolist() == [2.0, 2.0]


def test_register_multi_grad_hook_as_torch():
    def run(T):
        seen = []
        a = T.arange(6.0).reshape(2, 3).requires_grad_()
        b = T.ones(2, 3, requires_grad=True)
        c, d = a * b, a * b
        handle = T.autograd.graph.register_multi_grad_hook(
            (a, b, c, d), lambda grads: seen.append([g is not None for g in grads]))
        c.sum().backward(retain_graph=True)
        c.sum().backward(inputs=(a,), retain_graph=True)
        (c.sum() + d.sum()).backward(retain_graph=True)
        try:
            T.autograd.grad(c.sum(), b, retain_graph=True)
        except RuntimeError as e:      # (a leaf under autograd.grad: PyTorch refuses)
            seen.append(str(e))
        handle.remove()
        c.sum().backward(retain_graph=True)
        T.autograd.graph.register_multi_grad_hook(
            (a, b), lambda g: seen.append(("any", g)), mode="any")
        (c * 2).sum().backward()
        return seen
    check(run)
    check(lambda T: T.autograd.graph.register_multi_grad_hook((), print, mode="some"))


def test_leaves_are_accumulated_in_the_order_of_the_nodes_inputs():
    def run(T):
        seen = []
        a, b, c = (T.ones(2, requires_grad=True) for _ in range(3))
        for t, n in ((a, "a"), (b, "b"), (c, "c")):
            t.register_hook(lambda g, n=n: seen.append(n))
        (a * b * c).sum().backward()
        T.stack([a, b, c]).sum().backward()
        m = T.nn.Linear(2, 2)
        m.weight.register_hook(lambda g: seen.append("weight"))
        m.bias.register_hook(lambda g: seen.append("bias"))
        m(a).sum().backward()
        return seen
    check(run)


def test_nodes_run_in_pytorchs_order_where_several_become_ready_at_once():
    """The engine hands a node made ready straight to the next step; where
    one node makes several ready (a diamond, a sum of branches, a broadcast
    input, leaves among them), they still run in PyTorch's order."""
    def run(T):
        seen = []

        def named(t, n):
            t.register_hook(lambda g: seen.append((n, g.sum().item())))
            return t
        x = named(leaf(T, [0.5, 1.0, 1.5]), "x")
        w = named(leaf(T, [[1.0], [2.0], [3.0]]), "w")
        a = named(x * 2, "a")
        b, c = named(a.sin(), "b"), named(a.cos(), "c")
        u, v = named(b.exp(), "u"), named(c * 3, "v")
        col = named(w * 2, "col")                     # (3, 1), broadcast below
        out = (u + v + x) * b + col * c.unsqueeze(0) + named(x.tanh(), "t")
        out.sum().backward()
        return seen, x.grad, w.grad
    check(run)


@pytest.mark.parametrize("mode", ["backward", "several roots", "grad", "inputs"])
@pytest.mark.parametrize("seed", range(6))
def test_nodes_run_in_pytorchs_order_on_random_graphs(seed, mode):
    """PyTorch runs the ready node made last first (its sequence number) and
    a leaf as soon as it is ready; random graphs of branches, joins and a
    node of several outputs, run by backward() from one root or several, by
    autograd.grad and by backward(inputs=)."""
    def run(T):
        rng = random.Random(seed)
        seen = []
        ts = [T.tensor([0.3 * (i + 1), 0.7], requires_grad=True) for i in range(rng.randint(1, 3))]
        for i, t in enumerate(ts):
            t.register_hook(lambda g, n=f"leaf{i}": seen.append(n))
        for k in range(rng.randint(4, 14)):
            kind = rng.choice(["sin", "exp", "mul2", "add", "mul", "cat", "unbind"])
            a, b = rng.choice(ts), rng.choice(ts)
            r = {"sin": lambda: a.sin(), "exp": lambda: (a * 0.1).exp(), "mul2": lambda: a * 2,
                 "add": lambda: a + b, "mul": lambda: a * b,
                 "cat": lambda: T.cat([a, b])[:2],
                 "unbind": lambda: T.stack([a, b]).unbind(0)[k % 2]}[kind]()
            r.register_hook(lambda g, n=f"{kind}{k}": seen.append(n))
            ts.append(r)
        roots = [t.sum() for t in rng.sample(ts, rng.randint(1, min(3, len(ts))))]
        some = rng.sample(ts, rng.randint(1, min(2, len(ts))))
        if mode == "backward":
            sum(roots).backward()
        elif mode == "several roots":
            T.autograd.backward(roots)
        elif mode == "grad":
            return seen, T.autograd.grad(sum(roots), some, allow_unused=True)
        else:
            sum(roots).backward(inputs=some)
        return seen, [t.grad for t in ts if t.is_leaf]
    check(run)


def test_sequence_nr_counts_nodes_as_made_and_a_leafs_is_the_highest():
    def run(T):
        x = leaf(T, [1.0, 2.0])
        y = x * 2
        z = y.sin()
        w = (z + y).exp()
        first = y.grad_fn._sequence_nr()
        return ([n._sequence_nr() - first for n in (y.grad_fn, z.grad_fn, w.grad_fn,
                                                    w.grad_fn.next_functions[0][0])],
                y.grad_fn.next_functions[0][0]._sequence_nr())
    check(run)


def test_create_graph_gradients_are_copies_as_torch():
    # a leaf's first .grad is a copy (CopyBackwards), a retained one a clone
    def run(T):
        x = leaf(T, [1.0, 2.0])
        z = x * 3
        z.retain_grad()
        (z ** 2).sum().backward(create_graph=True)
        first = (x.grad, z.grad)
        (x ** 2).sum().backward(create_graph=True)
        return first, x.grad
    check(run)


def test_node_hook_sees_gradients_in_the_inputs_dtype():
    """A 0-d float32 gradient times a number is float64 under NumPy 1's
    casting; the node's hook sees it in its input's dtype, as in PyTorch."""
    def run(T):
        seen = []
        a = T.tensor(2., requires_grad=True)
        b = a * 3
        b.grad_fn.register_hook(lambda gi, go: seen.append((gi[0], go[0])))
        (b ** 2).backward()
        return seen[0], a.grad
    check(run)


# Run in a fresh process: until some node is given a hook the engine does
# not ask each node for hooks, so this must start with none given anywhere.
_HOOKED_DURING_BACKWARD = """
import sys
T = __import__(sys.argv[1])
seen = []

class Scale(T.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        # hooks given, while backward runs, to nodes that have not run yet
        a.register_hook(lambda g: (seen.append("tensor"), g * 10)[1])
        a.grad_fn.register_prehook(lambda go: (seen.append("pre"), (go[0] + 1,))[1])
        a.grad_fn.register_hook(lambda gi, go: seen.append("post"))
        b.retain_grad()
        return g * 2

x = T.tensor([1.0, 2.0], requires_grad=True)
a = x * 3
b = a.sin()
Scale.apply(b).sum().backward()
print(seen, x.grad.tolist(), b.grad.tolist())
"""


def test_hooks_given_while_backward_runs_are_run():
    pytest.importorskip("torch")
    outs = []
    for lib in ("ember", "torch"):
        proc = subprocess.run([sys.executable, "-c", _HOOKED_DURING_BACKWARD, lib],
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-3000:]
        outs.append(proc.stdout)
    assert outs[0] == outs[1]
    assert "post" in outs[0]
