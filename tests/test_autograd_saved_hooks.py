"""Saved-tensor hooks against PyTorch: when pack and unpack run and on what,
what backward computes from what they return, nesting, save_on_cpu,
disable_saved_tensors_hooks, grad_fn._saved_<name> / _raw_saved_<name>, and
custom Functions' saved tensors."""
import importlib

import numpy as np
import pytest

import ember

from compare_torch import _torch, check, check_error


def G(T):
    return importlib.import_module(T.__name__ + ".autograd.graph")


def test_pack_and_unpack_calls():
    def fn(T):
        log = []

        def pack(x):
            log.append(("pack", tuple(x.shape), type(x.grad_fn).__name__, x.requires_grad,
                        x.is_leaf, T.is_grad_enabled()))
            return x

        def unpack(x):
            log.append(("unpack", tuple(x.shape), T.is_grad_enabled()))
            return x
        a = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        c = T.tensor([4.0, 5.0, 6.0])
        with G(T).saved_tensors_hooks(pack, unpack):
            y = a.exp()         # saves its output
            z = a * a           # saves self and other: two packs
            w = a * c           # only c is needed: one pack
        log.append("forward done")
        (y.sum() + z.sum() + w.sum()).backward()
        return log, a.grad
    e, t = fn(ember), fn(_torch())
    assert e[0] == t[0]
    assert e[0].count(("unpack", (3,), False)) == 4
    np.testing.assert_allclose(e[1].numpy(), t[1].numpy(), rtol=1e-6)


def test_scaling_hooks_change_the_gradient():
    def fn(T):
        a = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        count = [0]

        def unpack(x):
            count[0] += 1
            return x
        with G(T).saved_tensors_hooks(lambda x: x * 2, unpack):
            y = a * a
        y.sum().backward()
        return a.grad, count[0]
    e = check(fn)
    np.testing.assert_array_equal(e[0].numpy(), [4.0, 8.0, 12.0])   # plain: 2, 4, 6
    assert e[1] == 2


def test_nested_innermost_wins_and_state_restored():
    def fn(T):
        a = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        c = T.tensor([1.0, 1.0, 1.0])
        with G(T).saved_tensors_hooks(lambda x: x * 100, lambda x: x):
            with G(T).saved_tensors_hooks(lambda x: ("inner", x), lambda p: p[1] * 10):
                r = a * c
            s = a * c
        u = a * c
        (r.sum() + s.sum() + u.sum()).backward()
        return a.grad
    e = check(fn)
    np.testing.assert_array_equal(e.numpy(), [111.0, 111.0, 111.0])
    assert G(ember)._extras is False


def test_version_checks_with_hooks():
    # The hooks own the saved value: no version check (as PyTorch).
    def identity(T):
        b = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        with G(T).saved_tensors_hooks(lambda x: x, lambda x: x):
            c = b * 1
            d = c * c
        c.add_(1)
        d.sum().backward()
        return b.grad
    check(identity)

    def cloned(T):
        b = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        with G(T).saved_tensors_hooks(lambda x: x.clone(), lambda x: x):
            c = b * 1
            d = c * c
        c.add_(1)
        d.sum().backward()
        return b.grad
    e = check(cloned)
    np.testing.assert_array_equal(e.numpy(), [2.0, 4.0, 6.0])


def test_hook_errors():
    def modifying(T, b):
        with G(T).saved_tensors_hooks(lambda x: x.add_(1), lambda x: x):
            return (b * 1) * (b * 1)
    check_error(lambda T: (T.ones(3, requires_grad=True),), modifying)

    def non_tensor(T, b):
        with G(T).saved_tensors_hooks(lambda x: x, lambda x: 3):
            e = (b * 1).exp()
        e.sum().backward()
    err = check_error(lambda T: (T.ones(3, requires_grad=True),), non_tensor)
    assert type(err) is TypeError

    def not_callable(T, b):
        with G(T).saved_tensors_hooks(1, None):
            return b * b
    err = check_error(lambda T: (T.ones(3, requires_grad=True),), not_callable)
    assert type(err) is TypeError


@pytest.mark.parametrize("pin_memory", [False, True])
def test_save_on_cpu_gradients_equal_plain(pin_memory):
    def fn(T, hooks):
        T.manual_seed(0)
        m = T.nn.Sequential(T.nn.Linear(5, 7), T.nn.Tanh(), T.nn.Linear(7, 3), T.nn.Softmax(-1))
        x = T.randn(4, 5, requires_grad=True)
        with hooks(T):
            loss = (m(x) ** 2).sum()
        loss.backward()
        return [x.grad] + [p.grad for p in m.parameters()]

    def plain(T):
        import contextlib
        return contextlib.nullcontext()
    for T in (ember, _torch()):
        on_cpu = fn(T, lambda T: G(T).save_on_cpu(pin_memory=pin_memory))
        ref = fn(T, plain)
        for g, r in zip(on_cpu, ref):
            # (PyTorch's pinned copy may round differently in its last bit.)
            np.testing.assert_allclose(g.detach().numpy(), r.detach().numpy(),
                                       rtol=0 if T is ember else 1e-5, atol=0)
    # (device_type="cpu" with pin_memory: PyTorch's empty() refuses pinned memory;
    # a CUDA build of PyTorch words that refusal after its driver check)
    cuda_build = _torch().version.cuda is not None
    check(lambda T: fn(T, lambda T: G(T).save_on_cpu(pin_memory, device_type="cpu")),
          rtol=1e-4, atol=1e-7, message=not (pin_memory and cuda_build))


def test_disable_saved_tensors_hooks():
    torch = _torch()
    for T in (ember, torch):
        g = G(T)
        with g.disable_saved_tensors_hooks("no hooks here"):
            with pytest.raises(RuntimeError, match="^no hooks here$"):
                g.saved_tensors_hooks(lambda x: x, lambda x: x).__enter__()
            with g.disable_saved_tensors_hooks("inner"):
                with pytest.raises(RuntimeError, match="^inner$"):
                    g.save_on_cpu().__enter__()
            with pytest.raises(RuntimeError, match="^no hooks here$"):
                g.saved_tensors_hooks(lambda x: x, lambda x: x).__enter__()
            a = T.ones(2, requires_grad=True)
            (a * a).sum().backward()        # ops still save as usual
            assert a.grad.tolist() == [2.0, 2.0]
        with g.saved_tensors_hooks(lambda x: x, lambda x: x):
            pass                            # allowed again once the block is left
        with g.saved_tensors_hooks(lambda x: x, lambda x: x):
            with pytest.raises(RuntimeError, match="^x$"):
                with g.disable_saved_tensors_hooks("x"):
                    pass

        @g.disable_saved_tensors_hooks("decorated")
        def f():
            g.saved_tensors_hooks(lambda x: x, lambda x: x).__enter__()
        with pytest.raises(RuntimeError, match="^decorated$"):
            f()


def test_saved_attributes():
    def fn(T):
        a = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        c = T.tensor([1.0, 2.0, 3.0])
        y = a * c
        e = a.exp()
        sq = a * a
        return (y.grad_fn._saved_self, y.grad_fn._saved_other, e.grad_fn._saved_result,
                sq.grad_fn._saved_self is a, e.grad_fn._saved_result is e)
    check(fn)
    check(lambda T: T.ones(2, requires_grad=True).exp().grad_fn._saved_foo)
    names = [k for k in dir((ember.ones(2, requires_grad=True) * 2).grad_fn)
             if "saved_" in k]
    assert names == ["_raw_saved_other", "_raw_saved_self", "_saved_other", "_saved_self"]


def test_saved_attributes_errors():
    def after_free(T):
        e = T.ones(2, requires_grad=True).exp()
        e.sum().backward()
        return e.grad_fn._saved_result
    check(after_free)

    def after_inplace(T):
        a = T.ones(3, requires_grad=True)
        w = a * 1
        q = w * w
        w.add_(1)
        return q.grad_fn._saved_self
    check(after_inplace)

    def with_hooks(T):
        a = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        with G(T).saved_tensors_hooks(lambda x: 2 * x, lambda x: x):
            e = a * a
        return e.grad_fn._saved_self, e.grad_fn._saved_other
    check(with_hooks)


def test_raw_saved_register_hooks():
    def fn(T):
        log = []
        a = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = a * a
        r = y.grad_fn._raw_saved_self
        r.register_hooks(lambda x: (log.append("p"), x * 2)[1],
                         lambda x: (log.append("u"), x)[1])
        seen = y.grad_fn._saved_self
        y.sum().backward()
        z = a.exp()
        z.grad_fn._raw_saved_result.register_hooks(lambda x: x, lambda x: 2 * x)
        z.sum().backward()
        return log, seen, a.grad
    e = check(fn)
    np.testing.assert_allclose(e[2].numpy(), [3.0, 6.0, 9.0] + 2 * np.exp([1.0, 2.0, 3.0]),
                               rtol=1e-6)

    def twice(T):
        y = T.ones(2, requires_grad=True).exp()
        y.grad_fn._raw_saved_result.register_hooks(lambda x: x, lambda x: x)
        y.grad_fn._raw_saved_result.register_hooks(lambda x: x, lambda x: x)
    check(twice)

    def unsaved(T):
        y = T.ones(2, requires_grad=True) * T.ones(2)     # self is not needed: not saved
        return y.grad_fn._saved_self, y.grad_fn._raw_saved_self.register_hooks(
            lambda x: x, lambda x: x)
    check(unsaved)

    def freed(T):
        y = T.ones(2, requires_grad=True).exp()
        r = y.grad_fn._raw_saved_result
        y.sum().backward()
        r.register_hooks(lambda x: x, lambda x: x)
    check(freed)


def test_raw_saved_register_hooks_on_a_saved_number():
    # `x * 3` saves the 3 (a wrapped number): the hooks see the 0-d tensor,
    # and what unpack gives is the formula's value (6 per element here)
    def fn(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        seen = []
        y = x * 3
        y.grad_fn._raw_saved_other.register_hooks(
            lambda t: (seen.append(t), t * 2)[1], lambda t: (seen.append(t), t)[1])
        shown = y.grad_fn._saved_other
        y.sum().backward()
        first = x.grad.clone()
        z = x / 4
        z.grad_fn._raw_saved_other.register_hooks(lambda t: t + 1, lambda t: t)
        z.sum().backward()
        return seen, shown, first, x.grad
    e = check(fn)
    assert e[2].tolist() == [6.0, 6.0]
    np.testing.assert_allclose(e[3].numpy(), [6.2, 6.2], rtol=1e-6)


def test_custom_function_saved_tensors_through_hooks():
    def fn(T):
        class Exp(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                y = x.exp()
                ctx.save_for_backward(x, y)
                return y

            @staticmethod
            def backward(ctx, g):
                x, y = ctx.saved_tensors
                return g * y * x
        log = []
        a = T.tensor([0.5, 1.0], requires_grad=True)
        with G(T).saved_tensors_hooks(
                lambda x: (log.append(("p", x.grad_fn is not None)), x * 2)[1],
                lambda x: (log.append("u"), x)[1]):
            o = Exp.apply(a)
        o.sum().backward()
        return log, a.grad
    e = check(fn)
    assert e[0] == [("p", False), ("p", True), "u", "u"]


def test_double_backward_through_unpacked_values():
    def fn(T):
        a = T.tensor([0.5, 1.0, 2.0], requires_grad=True)
        with G(T).saved_tensors_hooks(lambda x: x.clone(), lambda x: x):
            y = (a.exp() * a).sum()
        g, = T.autograd.grad(y, a, create_graph=True)
        g.sum().backward()
        return g, a.grad
    check(fn)


@pytest.mark.parametrize("reentrant", [True, False])
def test_checkpoint_under_hooks(reentrant):
    def fn(T):
        count = [0, 0]

        def pack(x):
            count[0] += 1
            return x * 1

        def unpack(x):
            count[1] += 1
            return x
        T.manual_seed(0)
        lin = T.nn.Linear(3, 4)
        x = T.randn(5, 3, requires_grad=True)
        with G(T).saved_tensors_hooks(pack, unpack):
            y = T.utils.checkpoint.checkpoint(lambda t: lin(t).tanh(), x,
                                              use_reentrant=reentrant)
        y.pow(2).sum().backward()
        # (Non-reentrant, PyTorch saves the inputs through the user's hooks and
        # unpacks them to recompute; Ember's checkpoint keeps its inputs itself.)
        return x.grad, lin.weight.grad, count[0] > 0, count[1] > 0 or not reentrant
    check(fn, rtol=1e-5, atol=1e-7)


def test_to_dot_draws_packed_values():
    pytest.importorskip("graphviz")     # (an optional extra: to_dot's)
    a = ember.ones(2, 3, requires_grad=True)
    with ember.autograd.graph.saved_tensors_hooks(lambda x: x, lambda x: x):
        y = (a.exp() * a).sum()
    src = ember.autograd.graph.to_dot(y, show_saved=True).source
    # MulBackward0's two packed inputs are drawn as saved tensors of their shape.
    assert src.count('(2, 3)" fillcolor=orange') >= 2
    assert 'label="self\n (2, 3)" fillcolor=orange' in src


def test_hooks_are_per_thread():
    import threading
    packed = []
    a = ember.ones(3, requires_grad=True)
    entered, done = threading.Event(), threading.Event()
    seen = {}

    def other():
        entered.wait()
        y = a.exp()
        seen["other"] = type(y.grad_fn._kept[0]).__name__
        done.set()

    th = threading.Thread(target=other)
    th.start()
    with ember.autograd.graph.saved_tensors_hooks(lambda x: packed.append(1) or x, lambda x: x):
        entered.set()
        done.wait()
        y = a.exp()
    th.join()
    assert seen == {"other": "_Result"} and packed == [1]
    y.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), np.exp(np.ones(3)), rtol=1e-6)
