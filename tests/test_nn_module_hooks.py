"""nn.Module hooks compared with PyTorch: forward, forward-pre, full backward
and backward-pre hooks (order of calls, grad tuples, replacements), global
hooks, always_call, the legacy backward hook, their errors and warnings."""
import sys
import warnings

import numpy as np
import pytest

import ember
from compare_torch import check

torch = pytest.importorskip("torch")


def _seeded_linear(T, i, o, seed=0, bias=True):
    T.manual_seed(seed)
    return T.nn.Linear(i, o, bias=bias)


class _Two:
    """A module (built for either library) taking (a, k, b, c=None) and
    returning (a*2 + w, b*3, k): tensor, non-tensor and non-requiring inputs."""

    @staticmethod
    def make(T):
        class Two(T.nn.Module):
            def __init__(self):
                super().__init__()
                self.w = T.nn.Parameter(T.tensor([0.5, -1.0, 2.0]))

            def forward(self, a, k, b, c=None):
                return a * 2 + self.w, b * 3, k
        return Two()


def _full_hooks_log(T, a_requires=True, use_second=False, replace=False):
    log = []
    m = _Two.make(T)

    def pre(mod, go):
        log.append(("pre", go))

    def hook(mod, gi, go):
        log.append(("hook", gi, go))
        if replace:
            return tuple(None if g is None else g * 10 for g in gi)

    m.register_full_backward_pre_hook(pre)
    m.register_full_backward_hook(hook)
    a = T.tensor([1.0, 2.0, 3.0], requires_grad=a_requires)
    b = T.tensor([1.0, 1.0, 1.0])
    out = m(a, 5, b)
    loss = (out[0] * T.tensor([1.0, 2.0, 3.0])).sum()
    loss.backward()
    names = [type(o.grad_fn).__name__ if isinstance(o, T.Tensor) and o.grad_fn else None
             for o in out]
    return log, names, a.grad, m.w.grad


@pytest.mark.parametrize("replace", [False, True])
def test_full_backward_hook_tuples_vs_torch(replace):
    check(lambda T: _full_hooks_log(T, replace=replace))


def test_full_backward_hook_no_input_requires_grad_vs_torch():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(lambda T: _full_hooks_log(T, a_requires=False))


def test_full_backward_hook_warns_when_no_input_requires_grad():
    m = _Two.make(ember)
    m.register_full_backward_hook(lambda *a: None)
    out = m(ember.ones(3), 1, ember.ones(3))
    with pytest.warns(UserWarning, match="Full backward hook is firing") as rec:
        out[0].sum().backward()
    # Reported at the line calling backward(), as PyTorch's engine does.
    assert [w.filename for w in rec] == [__file__]


def _hook_node_repr(T):
    m = T.nn.Linear(2, 2)
    m.register_full_backward_hook(lambda *a: None)
    r = repr(m(T.ones(1, 2, requires_grad=True)).grad_fn)
    return r[:r.index(" at 0x")]


def test_backward_hook_node_repr_names_its_module():
    assert _hook_node_repr(ember) == _hook_node_repr(torch).replace("torch.", "ember.")


def _reset_global_kind(T):
    """The global backward hooks' kind (full or not) sticks after removal."""
    fn = T.nn.modules.module.register_module_backward_hook
    sys.modules[fn.__module__]._global_is_full_backward_hook = None


def _hook_order(T):
    """Global and module hooks, prepend, with_kwargs and always_call in one tree."""
    log = []
    mm = T.nn.modules.module
    net = T.nn.Sequential(_seeded_linear(T, 3, 4), T.nn.Tanh(), _seeded_linear(T, 4, 2, 1))
    handles = [
        mm.register_module_forward_pre_hook(lambda m, a: log.append(("gpre", type(m).__name__))),
        mm.register_module_forward_hook(lambda m, a, o: log.append(("gfwd", type(m).__name__))),
        mm.register_module_full_backward_hook(
            lambda m, gi, go: log.append(("gbwd", type(m).__name__, gi, go))),
        mm.register_module_full_backward_pre_hook(
            lambda m, go: log.append(("gbpre", type(m).__name__, go))),
    ]
    try:
        net[0].register_forward_pre_hook(lambda m, a: log.append("pre-a"))
        net[0].register_forward_pre_hook(lambda m, a: log.append("pre-first"), prepend=True)
        net[0].register_forward_pre_hook(
            lambda m, a, kw: (log.append(("pre-kw", kw)), (tuple(x * 2 for x in a), kw))[1],
            with_kwargs=True)
        net[2].register_forward_hook(lambda m, a, kw, o: (log.append(("fwd-kw", kw)), o + 1)[1],
                                     with_kwargs=True)
        net[2].register_forward_hook(lambda m, a, o: log.append("fwd-first"), prepend=True)
        net[1].register_full_backward_hook(lambda m, gi, go: log.append(("bwd1", gi, go)))
        net[1].register_full_backward_hook(lambda m, gi, go: log.append("bwd1-first"),
                                           prepend=True)
        net[1].register_full_backward_pre_hook(lambda m, go: log.append("bpre1"))
        net[1].register_full_backward_pre_hook(lambda m, go: log.append("bpre1-first"),
                                               prepend=True)
        x = T.tensor([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]], requires_grad=True)
        y = net(x)
        y.pow(2).sum().backward()
    finally:
        for h in handles:
            h.remove()
        _reset_global_kind(T)
    return log, y, x.grad, net[0].weight.grad


def _global_kinds(T, first, second):
    mm = T.nn.modules.module
    h = getattr(mm, first)(lambda *a: None)
    try:
        getattr(mm, second)(lambda *a: None)
    finally:
        h.remove()
        _reset_global_kind(T)


def test_mixing_global_backward_hook_kinds_vs_torch():
    check(lambda T: _global_kinds(T, "register_module_backward_hook",
                                  "register_module_full_backward_hook"))
    check(lambda T: _global_kinds(T, "register_module_full_backward_hook",
                                  "register_module_backward_hook"))


def test_hook_order_and_values_vs_torch():
    check(_hook_order, rtol=1e-5)


def _always_call(T):
    log = []

    class Boom(T.nn.Module):
        def forward(self, x):
            raise ValueError("boom")
    m = Boom()
    m.register_forward_hook(lambda m, a, o: log.append(("always", o)), always_call=True)
    m.register_forward_hook(lambda m, a, o: log.append("never"))
    h = T.nn.modules.module.register_module_forward_hook(
        lambda m, a, o: log.append("global-always"), always_call=True)
    try:
        m(T.ones(1))
    except ValueError as e:
        log.append(str(e))
    finally:
        h.remove()
    return log


def test_forward_hook_always_call_vs_torch():
    check(_always_call)


def test_forward_pre_hook_bad_return_vs_torch():
    def f(T):
        m = T.nn.Identity()
        m.register_forward_pre_hook(lambda m, a, kw: 3, with_kwargs=True)
        return m(T.ones(1))
    check(f)


def _legacy_backward_hook(T):
    log = []
    class Scale(T.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = T.nn.Parameter(T.tensor([0.5, -2.0, 3.0]))

        def forward(self, x):
            return x * self.w
    m = Scale()
    m.register_backward_hook(lambda mod, gi, go: (log.append((gi, go)),
                                                  tuple(None if g is None else g * 2
                                                        for g in gi))[1])
    x = T.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m(x).sum().backward()
    return log, x.grad, m.w.grad


def test_legacy_backward_hook_vs_torch():
    check(_legacy_backward_hook)


def test_mixing_backward_hook_kinds_vs_torch():
    def f(T):
        m = T.nn.Identity()
        m.register_full_backward_hook(lambda *a: None)
        m.register_backward_hook(lambda *a: None)
    check(f)

    def g(T):
        m = T.nn.Identity()
        m.register_backward_hook(lambda *a: None)
        m.register_full_backward_hook(lambda *a: None)
    check(g)


def test_inplace_on_hooked_output_vs_torch():
    def f(T):
        m = T.nn.ReLU(inplace=True)
        m.register_full_backward_hook(lambda *a: None)
        x = T.ones(3, requires_grad=True)
        return m(x * 1)
    err = check(f)
    assert isinstance(err, RuntimeError)

    def g(T):
        m = _seeded_linear(T, 2, 2)
        m.register_full_backward_hook(lambda *a: None)
        y = m(T.ones(1, 2, requires_grad=True))
        return y.add_(1)
    assert isinstance(check(g), RuntimeError)


def test_backward_hook_bad_length_vs_torch():
    def f(T):
        m = _seeded_linear(T, 2, 2)
        m.register_full_backward_hook(lambda mod, gi, go: (gi[0], gi[0]))
        m(T.ones(1, 2, requires_grad=True)).sum().backward()
    check(f)

    def g(T):
        m = _seeded_linear(T, 2, 2)
        m.register_full_backward_pre_hook(lambda mod, go: (go[0], go[0]))
        m(T.ones(1, 2, requires_grad=True)).sum().backward()
    check(g)


def test_hook_handles_remove():
    m = ember.nn.Identity()
    log = []
    h1 = m.register_forward_hook(lambda *a: log.append(1), with_kwargs=False, always_call=True)
    h2 = m.register_full_backward_hook(lambda *a: log.append(2))
    h1.remove()
    h2.remove()
    assert not m._forward_hooks and not m._forward_hooks_always_called
    assert not m._backward_hooks
    m(ember.ones(1, requires_grad=True)).sum().backward()
    assert log == []


def test_full_backward_hook_double_backward_vs_torch():
    def f(T):
        T.manual_seed(0)
        m = T.nn.Sequential(T.nn.Linear(3, 3), T.nn.Tanh())
        log = []
        m[1].register_full_backward_hook(
            lambda mod, gi, go: log.append((gi[0].requires_grad, go[0].requires_grad,
                                            gi[0].detach(), go[0].detach())))
        x = T.linspace(-1, 1, 6).reshape(2, 3).requires_grad_()
        g, = T.autograd.grad(m(x).pow(2).sum(), x, create_graph=True)
        g.sum().backward()
        return log, g, x.grad
    check(f, rtol=1e-5)


def test_full_backward_hook_gradcheck():
    m = _seeded_linear(ember, 3, 2).double()
    m.register_full_backward_hook(lambda mod, gi, go: tuple(g * 3 for g in gi))
    x = ember.linspace(-1, 1, 6, dtype=ember.float64).reshape(2, 3).requires_grad_()
    y = m(x)
    gx, = ember.autograd.grad(y.sum(), x)
    np.testing.assert_allclose(gx.numpy(), 3 * m.weight.detach().numpy().sum(0, keepdims=True)
                               .repeat(2, 0))
    m2 = _seeded_linear(ember, 3, 2).double()
    m2.register_full_backward_hook(lambda mod, gi, go: None)
    assert ember.autograd.gradcheck(m2, (x,))
    assert ember.autograd.gradgradcheck(m2, (x,))


def test_non_full_backward_hook_warnings():
    class TwoNodes(ember.nn.Module):
        def forward(self, x):
            return (x * 2).exp()
    m = TwoNodes()
    m.register_backward_hook(lambda *a: None)
    with pytest.warns(FutureWarning, match="multiple autograd Nodes"):
        m(ember.ones(2, requires_grad=True))
    m2 = ember.nn.Identity()
    m2.register_backward_hook(lambda *a: None)
    with pytest.warns(FutureWarning, match="does not return a single Tensor"):
        m2([ember.ones(1, requires_grad=True) * 2])
