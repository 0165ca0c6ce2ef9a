"""Inference tensors against PyTorch: which tensors inference_mode makes
inference tensors, the grad modes inside, and PyTorch's errors when they are
saved for backward, changed in place or made to require grad outside it."""
import threading

import numpy as np
import pytest

import ember

from compare_torch import _torch, check, check_error


def flags(T):
    a = T.ones(3)
    with T.inference_mode():
        x = T.ones(3)
        made = {
            "factory": x, "op": a * 2, "tensor": T.tensor([1.0, 2.0]), "view_of_inf": x[0:2],
            "view_of_normal": a[0:2], "reshape_of_normal": a.view(3), "detach_normal": a.detach(),
            "randn": T.randn(2), "reduction": a.sum(), "zeros_like": T.zeros_like(a),
        }
        inside = {k: v.is_inference() for k, v in made.items()}
        modes = (T.is_grad_enabled(), T.is_inference_mode_enabled())
        with T.inference_mode(False):
            nested = (T.ones(2).is_inference(), T.is_grad_enabled(),
                      T.is_inference_mode_enabled())
    outside = {
        "clone": x.clone().is_inference(), "view": x[1:].is_inference(),
        "detach": x.detach().is_inference(), "data": x.data.is_inference(),
        "op": (x * 2).is_inference(), "normal": a.is_inference(),
    }
    return inside, modes, nested, outside, T.is_inference_mode_enabled()


def test_which_tensors_are_inference():
    e, t = flags(ember), flags(_torch())
    assert e == t
    assert e[0]["factory"] and e[0]["op"] and not e[0]["view_of_normal"]


def test_grad_modes():
    torch = _torch()
    for T in (ember, torch):
        with T.no_grad():
            with T.inference_mode(False):
                assert T.is_grad_enabled()      # PyTorch's inference_mode(False) turns it on
            assert not T.is_grad_enabled()
        with T.enable_grad():
            with T.inference_mode():
                assert not T.is_grad_enabled() and T.is_inference_mode_enabled()
            assert T.is_grad_enabled() and not T.is_inference_mode_enabled()
        assert T.inference_mode()(lambda: T.ones(1).is_inference())()
        assert not T.inference_mode(False)(lambda: T.ones(1).is_inference())()

        @T.inference_mode
        def bare():
            return T.ones(1)
        assert bare().is_inference()


def _saved(T, w, op):
    with T.inference_mode():
        x = T.tensor([1.0, 2.0, 3.0])
    return op(T, x, w)


@pytest.mark.parametrize("op", [
    lambda T, x, w: x * w, lambda T, x, w: w * x, lambda T, x, w: w.exp() * x,
    lambda T, x, w: T.dot(x, w), lambda T, x, w: T.mm(x.view(1, 3), w.view(3, 1)),
])
def test_saved_for_backward_raises(op):
    err = check_error(lambda T: (T.ones(3, requires_grad=True),),
                      lambda T, w: _saved(T, w, op))
    assert str(err).startswith("Inference tensors cannot be saved for backward.")


def test_saved_inside_nested_inference_false_raises():
    def fn(T):
        w = T.ones(3, requires_grad=True)
        with T.inference_mode():
            x = T.ones(3)
            with T.inference_mode(False):
                return x * w
    check(fn)


def test_ops_that_save_nothing_work():
    def fn(T):
        w = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        with T.inference_mode():
            x = T.tensor([4.0, 5.0, 6.0])
        y = (x + w) - x
        (y * y).sum().backward()
        return y, w.grad
    check(fn)
    # A clone is a normal tensor, usable anywhere.
    def cloned(T):
        w = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        with T.inference_mode():
            x = T.tensor([4.0, 5.0, 6.0])
        (x.clone() * w).sum().backward()
        return w.grad
    check(cloned)


@pytest.mark.parametrize("op", [
    lambda x: x.add_(1), lambda x: x.__setitem__(0, 5.0), lambda x: x.mul_(2),
    lambda x: x.copy_(x * 0), lambda x: x[0:2].fill_(3.0), lambda x: x.clamp_(0, 1),
])
def test_inplace_outside_raises_and_changes_nothing(op):
    def fn(T):
        with T.inference_mode():
            x = T.tensor([1.0, 2.0, 3.0])
        op(x)
    err = check(fn)
    assert str(err).startswith("Inplace update to inference tensor outside InferenceMode is "
                               "not allowed.")
    with ember.inference_mode():
        x = ember.tensor([1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError):
        op(x)
    np.testing.assert_array_equal(x.numpy(), [1.0, 2.0, 3.0])
    # Under no_grad too: only inference mode allows it.
    with ember.no_grad(), pytest.raises(RuntimeError, match="Inplace update to inference"):
        op(x)


def test_inplace_inside_inference_mode():
    def fn(T):
        a = T.ones(3)
        with T.inference_mode():
            x = T.ones(3)
            x.add_(1)
            x[0] = 7.0
            a.mul_(3)       # a normal tensor: its version still counts
            av = a._version
        return x, a, av
    check(fn)


def test_requires_grad_and_version():
    for op in (lambda x: x.requires_grad_(), lambda x: setattr(x, "requires_grad", True),
               lambda x: x._version):
        check(lambda T: op(_inference(T)))
    check(lambda T: _inference(T).requires_grad_(False).requires_grad)

    def inside(T):
        with T.inference_mode():
            return T.ones(2).requires_grad_().requires_grad
    check(inside)


def _inference(T):
    with T.inference_mode():
        return T.ones(2)


def test_values_in_inference_mode_match():
    def fn(T):
        T.manual_seed(0)
        m = T.nn.Linear(4, 3)
        x = T.randn(5, 4)
        with T.inference_mode():
            y = T.relu(m(x)).softmax(-1)
        return y, y.is_inference(), y.requires_grad
    check(fn)


def test_inference_mode_is_per_thread():
    seen = {}
    entered, done = threading.Event(), threading.Event()

    def other():
        entered.wait()
        seen["other"] = (ember.ones(2).is_inference(), ember.is_inference_mode_enabled())
        done.set()

    th = threading.Thread(target=other)
    th.start()
    with ember.inference_mode():
        entered.set()
        done.wait()
        seen["main"] = ember.ones(2).is_inference()
    th.join()
    assert seen == {"other": (False, False), "main": True}
    assert not ember.ones(1).is_inference()


def _made_inside(T):
    a = T.ones(3, 2)
    with T.inference_mode():
        made = {
            "Tensor()": T.Tensor([1.0, 2.0]), "from_numpy": T.from_numpy(np.ones(2)),
            "as_tensor": T.as_tensor([1.0, 2.0]), "arange": T.arange(3),
            "to": a.to(T.float64), "T": a.T, "mask": a[a > 0], "cat": T.cat([a, a]),
            "empty": T.empty(2), "linear": T.nn.functional.linear(a, T.ones(4, 2)),
            "split": a.split(1)[0], "unbind": a.unbind(0)[0], "max": a.max(0).values,
            "expand": a[0].expand(4, 2), "param": T.nn.Parameter(T.ones(2)),
            "param_of_normal": T.nn.Parameter(a), "reshape": a.reshape(-1),
            "flatten": a.flatten(), "sort": a.sort(0)[0], "squeeze": a.squeeze(),
            "data_of_normal": a.data, "float": a.float(), "double": a.double(),
        }
    return {k: v.is_inference() for k, v in made.items()}


def test_every_way_of_making_a_tensor():
    assert _made_inside(ember) == _made_inside(_torch())


def test_custom_function_cannot_save_an_inference_tensor():
    def fn(T):
        class Scale(T.autograd.Function):
            @staticmethod
            def forward(ctx, w, x):
                ctx.save_for_backward(x)
                return w * 2

            @staticmethod
            def backward(ctx, g):
                x, = ctx.saved_tensors
                return g * x, None
        with T.inference_mode():
            x = T.ones(3)
        w = T.ones(3, requires_grad=True)
        Scale.apply(w, x).sum().backward()
        return w.grad
    err = check(fn)
    assert str(err).startswith("Inference tensors cannot be saved for backward.")


def test_namespace_function():
    check(lambda T: (T.is_inference(_inference(T)), T.is_inference(T.ones(1))))
    check(lambda T: T.is_inference(1))


def test_saved_through_hooks_still_refused():
    def fn(T):
        graph = __import__(T.__name__ + ".autograd.graph", fromlist=["graph"])
        w = T.ones(2, requires_grad=True)
        x = _inference(T)[0:2]
        with graph.saved_tensors_hooks(lambda t: t, lambda t: t):
            return x * w
    err = check(fn)
    assert str(err).startswith("Inference tensors cannot be saved for backward.")


def test_enable_grad_inside_inference_mode_records_nothing():
    def fn(T):
        w = T.ones(3, requires_grad=True)
        states = []
        with T.inference_mode():
            x = T.ones(3)
            with T.enable_grad():
                y = x * w
                states.append((T.is_grad_enabled(), y.requires_grad, y.grad_fn is None,
                               y.is_inference()))
                with T.no_grad():
                    states.append(T.is_grad_enabled())
                states.append(T.is_grad_enabled())
                with T.inference_mode(False):
                    z = w * 2
                    states.append((T.is_grad_enabled(), z.grad_fn is not None))
            T.set_grad_enabled(True)
            states.append((T.is_grad_enabled(), (w * 2).grad_fn is None))
            T.set_grad_enabled(False)
            states.append(T.is_grad_enabled())
        states.append((T.is_grad_enabled(), (w * 2).grad_fn is not None))
        return states
    e = fn(ember)
    assert e == fn(_torch())
    assert e[0] == (True, False, True, True)


@pytest.mark.parametrize("mode", [True, 1, None, "yes", 1.5])
def test_set_grad_enabled_takes_a_bool_and_prints_its_mode(mode):
    check(lambda T: (repr(T.set_grad_enabled(mode)), T.set_grad_enabled(True))[0])


def test_decorating_a_class_warns_and_calls_it_in_the_mode():
    import warnings
    import ember

    class Made:
        def __init__(self):
            self.enabled = ember.is_grad_enabled()
    with pytest.warns(FutureWarning, match="Decorating classes is deprecated"):
        make = ember.no_grad()(Made)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        made = make()
    assert isinstance(made, Made) and made.enabled is False and ember.is_grad_enabled()
