"""Tensor subclasses and __torch_function__ (ember/_subclass.py), beside PyTorch.

Defining a subclass here turns on the functions' dispatch for the rest of
this worker's tests, as it would for the rest of a user's program."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _classes(T):
    class A(T.Tensor):
        pass

    class B(A):
        pass

    class Logged(T.Tensor):
        calls = []

        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            if func is not T.Tensor.__repr__:
                Logged.calls.append((func.__name__, [type(a).__name__ for a in args]))
            return super().__torch_function__(func, types, args, kwargs or {})

    class Refusing(T.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            return NotImplemented
    return A, B, Logged, Refusing


EXPRESSIONS = {
    "operator": lambda T, a, t: a + 1,
    "reflected": lambda T, a, t: 2 * a,
    "plain_left": lambda T, a, t: t - a,
    "function": lambda T, a, t: T.add(t, a),
    "method": lambda T, a, t: a.sum(0),
    "index": lambda T, a, t: a[1],
    "property_T": lambda T, a, t: a.T,
    "list_arg": lambda T, a, t: T.cat([t, a]),
    "in_place": lambda T, a, t: a.clone().mul_(3),
    "named_tuple": lambda T, a, t: a.max(0),
    "split": lambda T, a, t: T.split(a, 1),
    "functional": lambda T, a, t: T.nn.functional.relu(a - 2),
    "linalg": lambda T, a, t: T.linalg.norm(a),
    "matmul": lambda T, a, t: a @ t,
    "compare": lambda T, a, t: a > 2,
    "shape": lambda T, a, t: a.shape,
    "tolist": lambda T, a, t: a.tolist(),
    "iterate": lambda T, a, t: list(a),
}


def _described(x):
    """What a result is, library-neutrally: its class name(s) and values."""
    if isinstance(x, (tuple, list)):
        return type(x).__name__, [_described(v) for v in x]
    if hasattr(x, "detach") and hasattr(x, "numpy"):
        return type(x).__name__, x.detach().numpy().tolist()
    return type(x).__name__, x


@pytest.mark.parametrize("name", list(EXPRESSIONS))
def test_default_torch_function_gives_the_subclass(name):
    got = []
    for T in (ember, torch):
        A, _, _, _ = _classes(T)
        t = T.tensor([[1., 2.], [3., 4.]])
        a = T.tensor([[0.5, 3.], [-1., 2.]]).as_subclass(A)
        got.append(_described(EXPRESSIONS[name](T, a, t)))
    assert got[0] == got[1]


def test_every_call_reaches_torch_function_as_in_pytorch():
    logs = []
    for T in (ember, torch):
        _, _, Logged, _ = _classes(T)
        x = T.tensor([[1., -2.], [3., 4.]]).as_subclass(Logged)
        t = T.ones(2, 2)
        x + 1, x * 2, x.sum(), T.sum(x), x.shape, x.T, T.cat([x, x]), x.clone().add_(1)
        x.size(), T.nn.functional.relu(x), -x, x @ x, x.t(), abs(x), x.view(4), x.detach()
        t + x, x.requires_grad, x.dtype, repr(x)
        logs.append(Logged.calls)
    assert logs[0] == logs[1]
    assert ("add", ["Tensor", "Logged"]) in logs[0]     # a plain tensor on the left


def test_subclass_prints_and_differentiates_as_pytorch():
    out = []
    for T in (ember, torch):
        A, B, _, _ = _classes(T)
        w = T.tensor([1.5, -2., 0.25], dtype=T.float64, requires_grad=True)
        a = w.as_subclass(A)
        y = (a * a).sum()
        y.backward()
        nodes = [type(y.grad_fn).__name__,
                 type(y.grad_fn.next_functions[0][0]).__name__]
        mixed = T.ones(3).as_subclass(A) + T.ones(3).as_subclass(B)
        out.append((repr(a * 2), type(y).__name__, nodes, w.grad.tolist(),
                    type(w.grad).__name__, type(mixed).__name__, a.is_leaf))
    assert out[0][0] == out[1][0].replace("torch", "ember")
    assert out[0][1:] == out[1][1:]


def test_module_on_a_subclass_and_parameters_stay_plain():
    got = []
    for T in (ember, torch):
        A, _, _, _ = _classes(T)
        T.manual_seed(0)
        layer = T.nn.Linear(2, 3)
        x = T.tensor([[1., 2.]]).as_subclass(A)
        p = layer.weight
        got.append((_described(layer(x)), type(p * 2).__name__, type(p + x[0, :1]).__name__,
                    type(p.as_subclass(A)).__name__))
    assert got[0] == got[1]
    assert got[0][1] == "Parameter" or got[0][1] == "Tensor"


@pytest.mark.parametrize("case", ["function", "method", "property", "functional", "operator"])
def test_all_not_implemented_is_pytorchs_error(case):
    calls = {"function": lambda T, r: T.add(r, 1), "method": lambda T, r: r.add(1),
             "property": lambda T, r: r.shape, "functional": lambda T, r: T.nn.functional.relu(r),
             "operator": lambda T, r: r + 1}
    messages = []
    for T in (ember, torch):
        _, _, _, Refusing = _classes(T)
        r = T.ones(1).as_subclass(Refusing)
        with pytest.raises(TypeError) as info:
            calls[case](T, r)
        messages.append(str(info.value).replace("torch", "ember").replace("ember.nn.functional",
                                                                             "F"))
    assert messages[0].replace("ember.nn.functional", "F") == messages[1]


def test_disable_switches_and_overrides_queries():
    for T in (ember, torch):
        A, _, _, _ = _classes(T)
        a = T.ones(2).as_subclass(A)
        assert T._C._is_torch_function_enabled()
        with T._C.DisableTorchFunctionSubclass():
            assert type(a + 1) is T.Tensor
            assert not T._C._is_torch_function_enabled()
        assert type(a + 1) is A
        assert T.overrides.has_torch_function((a,))
        assert not T.overrides.has_torch_function((T.ones(1), T.nn.Parameter(T.ones(1))))
        assert T.nn.Parameter.__torch_function__ is T._C._disabled_torch_function_impl


def test_a_torch_function_of_its_own_unwraps_and_rewraps():
    # The pattern of the Extending-PyTorch note: a tensor with metadata
    # carried through every op.
    results = []
    for T in (ember, torch):
        class Tagged(T.Tensor):
            @staticmethod
            def __new__(cls, data, tag):
                t = data.as_subclass(cls)
                t.tag = tag
                return t

            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                tags = {a.tag for a in args if isinstance(a, Tagged)}
                plain = [a.as_subclass(T.Tensor) if isinstance(a, Tagged) else a for a in args]
                out = func(*plain, **(kwargs or {}))
                return Tagged(out, "+".join(sorted(tags))) if isinstance(out, T.Tensor) else out

        x = Tagged(T.tensor([1., 2.]), "cm")
        y = Tagged(T.tensor([3., 4.]), "s")
        z = T.mul(x, y) + 1
        results.append((type(z).__name__, z.tag, z.as_subclass(T.Tensor).tolist()))
    assert results[0] == results[1]


def test_plain_tensors_are_untouched():
    # (a plain Tensor's methods are never wrapped: no cost without a subclass)
    assert "add" not in ember.Tensor.__dict__ or ember.Tensor.add.__name__ == "add"
    t = ember.ones(2)
    assert type(t * 2) is ember.Tensor and type(t.sum()) is ember.Tensor
    np.testing.assert_array_equal((t + t).numpy(), [2., 2.])


def test_replaced_functions_equal_the_originals():
    import pickle
    add, relu = ember.add, ember.nn.functional.relu
    table = {add: "add", relu: "relu"}     # (keyed before a subclass turns dispatch on)

    class Keyed(ember.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            if func in table:
                return table[func]
            return super().__torch_function__(func, types, args, kwargs or {})
    k = ember.ones(2).as_subclass(Keyed)
    assert ember.add(k, 1) == "add" and ember.nn.functional.relu(k) == "relu"
    assert k.sum().__class__ is Keyed
    assert ember.add == add and hash(ember.add) == hash(add) and ember.add.__name__ == "add"
    assert pickle.loads(pickle.dumps(ember.add)) == add


def test_a_tensor_like_that_is_no_tensor_gets_the_call():
    # The Extending-PyTorch note's ScalarTensor: torch.mean(d) is its mean.
    got = []
    for T in (ember, torch):
        handled = {}

        class Scalar:
            def __init__(self, n, value):
                self.n, self.value = n, value

            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                if func not in handled:
                    return NotImplemented
                return handled[func](*args, **(kwargs or {}))
        handled[T.mean] = lambda x: x.value / x.n
        handled[T.add] = lambda a, b: ("add", type(a).__name__, type(b).__name__)
        d = Scalar(5, 2.0)
        with pytest.raises(TypeError) as info:
            T.sum(d)
        got.append((T.mean(d), T.add(d, d), T.add(T.ones(1), d),
                    str(info.value).replace("torch", "ember")))
        with T._C.DisableTorchFunction(), pytest.raises(TypeError, match="must be Tensor"):
            T.mean(d)
    assert got[0] == got[1]


def test_a_tensor_like_reaches_the_function_forms_of_ops_that_are_their_methods():
    # (torch.unsqueeze is Tensor.unsqueeze in Ember: its function form is a
    # thin wrapper, which hands a tensor-like's call to __torch_function__
    # and words a non-tensor's refusal as the function's)
    calls = ["T.unsqueeze(s, 0)", "T.transpose(s, 0, 1)", "T.narrow(s, 0, 0, 1)",
             "T.select(s, 0, 0)", "T.squeeze(s)", "T.t(s)", "T.narrow_copy(s, 0, 0, 1)"]
    refused = ["T.unsqueeze([1, 2], 0)", "T.transpose(3, 0, 1)", "T.select('a', 0, 0)"]
    got = []
    for T in (ember, torch):
        class Scalar:
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                return func.__name__, len(args), sorted(kwargs or {})
        s = Scalar()
        row = [eval(c, {"T": T, "s": s}) for c in calls]
        for c in refused:
            with pytest.raises(TypeError) as info:
                eval(c, {"T": T})
            row.append(str(info.value))
        got.append(row)
    assert got[0] == got[1]


def test_subclass_construction_as_the_extending_note():
    out = []
    for T in (ember, torch):
        class Meta(T.Tensor):
            @staticmethod
            def __new__(cls, x, extra_data, *args, **kwargs):
                return super().__new__(cls, x, *args, **kwargs)

            def __init__(self, x, extra_data):
                self.extra_data = extra_data

        class Sub(T.Tensor):
            pass
        m = Meta(T.tensor([1., 2.]), "meta")
        z = T.ones(2)
        made = T.Tensor._make_subclass(Sub, z * 3, True)
        shared = T.Tensor._make_subclass(Sub, z)
        z.add_(1)
        errors = []
        for args in ((Sub, T.ones(2, dtype=T.long), True), (int, T.ones(2)), (Sub, [1.]),
                     (Sub, T.ones(2), 1)):
            with pytest.raises((TypeError, RuntimeError)) as info:
                T.Tensor._make_subclass(*args)
            errors.append((type(info.value).__name__, str(info.value)))
        out.append((type(m).__name__, m.extra_data, repr(m), type(m + 1).__name__,
                    made.is_leaf, made.requires_grad, shared.tolist(), shared._version, errors))
    assert out[0] == out[1]


def test_parameters_saving_and_formatting_of_a_subclass(tmp_path):
    import io
    out = []
    for T in (ember, torch):
        class Sub(T.Tensor):
            pass
        globals()["Sub"] = Sub      # (loading finds the class by its module's name)
        Sub.__qualname__ = "Sub"
        a = T.tensor([1., 2.]).as_subclass(Sub)
        p = T.nn.Parameter(a)
        buf = io.BytesIO()
        T.save({"a": a, "p": p}, buf)
        buf.seek(0)
        loaded = T.load(buf, weights_only=False)
        buf.seek(0)
        with pytest.raises(Exception) as refused:
            T.load(buf)
        with pytest.raises(TypeError) as unformatted:
            f"{a[0]:.2f}"
        out.append((type(p).__name__, isinstance(p, T.nn.Parameter), repr(p), p.requires_grad,
                    type(loaded["a"]).__name__, loaded["a"].tolist(),
                    type(loaded["p"]).__name__, isinstance(loaded["p"], T.nn.Parameter),
                    type(refused.value).__name__, str(unformatted.value),
                    f"{T.tensor(2.5):.1f}"))
    del globals()["Sub"]
    assert out[0] == out[1]


def test_torch_function_modes_as_pytorch():
    logs, results = [], []
    for T in (ember, torch):
        log = []

        class FunctionLog(T.overrides.TorchFunctionMode):
            def __torch_function__(self, func, types, args, kwargs=None):
                log.append(T.overrides.resolve_name(func))
                return func(*args, **(kwargs or {}))

        class AddIsMul(T.overrides.TorchFunctionMode):
            def __torch_function__(self, func, types, args, kwargs=None):
                if func is T.add:
                    func = T.mul
                return func(*args, **(kwargs or {}))

        with FunctionLog():
            x = T.tensor([1., 2.])
            y = (x * 2 + 1).sum()
            shape = x.shape
            assert T.overrides._is_torch_function_mode_enabled()
            with AddIsMul():        # (the inner mode first; its calls reach the outer one)
                z = T.add(x, T.tensor(3.))
        logs.append([name.replace("torch", "ember") for name in log])
        results.append((y.item(), z.tolist(), list(shape), T.add(x, 1).tolist(),
                        T.overrides._is_torch_function_mode_enabled()))
    assert logs[0] == logs[1]
    assert results[0] == results[1]


def test_default_called_with_dispatch_off_and_parameter_subclasses():
    got = []
    for T in (ember, torch):
        class Sub(T.Tensor):
            pass

        class MyParam(T.nn.Parameter):
            pass

        class Quiet(T.Tensor):
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                with T._C.DisableTorchFunctionSubclass():
                    return super().__torch_function__(func, types, args, kwargs)
        p = MyParam(T.ones(2).as_subclass(Sub))
        q = T.ones(2).as_subclass(Quiet) + 1
        got.append((type(p).__name__, isinstance(p, T.nn.Parameter), type(q).__name__,
                    q.tolist(), type(MyParam(T.ones(2))).__name__))
    assert got[0] == got[1]
