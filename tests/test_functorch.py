"""`import functorch` on Ember: the functorch package PyTorch ships reads
torch._functorch, which Ember provides (the deprecated transforms,
make_functional, make_functional_with_buffers, combine_state_for_ensemble),
compared with PyTorch's own."""
import importlib
import warnings

import pytest

from compare_torch import check, check_error


def ft(T):
    """T's torch._functorch modules, as functorch's __init__ reads them."""
    name = T.__name__
    return (importlib.import_module(f"{name}._functorch.deprecated"),
            importlib.import_module(f"{name}._functorch.make_functional"))


def _model(T, buffers=False):
    T.manual_seed(0)
    layers = [T.nn.Linear(3, 4), T.nn.Tanh(), T.nn.Linear(4, 2)]
    if buffers:
        layers.insert(1, T.nn.BatchNorm1d(4))
    return T.nn.Sequential(*layers)


def test_deprecated_transforms_warn_and_compute():
    def run(T):
        dep, _ = ft(T)
        x, t = T.tensor([0.5, -1.0, 2.0]), T.tensor([1.0, 1.0, 1.0])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            f = lambda x: (x.sin() * x).sum()   # noqa: E731
            out = (dep.grad(f)(x), dep.jvp(f, (x,), (t,)), dep.vjp(f, x)[0],
                   dep.jacrev(T.sin)(x), dep.jacfwd(T.sin)(x), dep.hessian(f)(x),
                   dep.vmap(T.sin)(x), dep.grad_and_value(f)(x))
        # (PyTorch's own internals warn too: only functorch's are compared;
        # both name torch.func, which check() would otherwise read as a repr)
        return out, [(w.category.__name__, str(w.message).replace("torch.", "T."),
                      w.filename == __file__)
                     for w in caught if "functorch" in str(w.message)]
    check(run)


@pytest.mark.parametrize("buffers", [False, True])
@pytest.mark.parametrize("disable", [False, True])
def test_make_functional(buffers, disable):
    def run(T):
        dep, _ = ft(T)
        # (eval: a training BatchNorm would update its captured buffers
        # inside jvp, which PyTorch refuses)
        model = _model(T, buffers).eval()
        x = T.randn(5, 3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            if buffers:
                func, params, bufs = dep.make_functional_with_buffers(model, disable)
                call = lambda p: func(p, bufs, x)   # noqa: E731
            else:
                func, params = dep.make_functional(model, disable)
                bufs, call = (), lambda p: func(p, x)   # noqa: E731
        doubled = tuple(p * 2 for p in params)
        tangents = tuple(T.ones_like(p) for p in params)
        return (call(params), call(doubled), params, bufs, type(func).__name__,
                [type(p).__name__ for p in params], params[0] is model[0].weight,
                T.func.jvp(call, (params,), (tangents,)), model(x),
                [(tuple(p.shape), str(p.device)) for p in func.parameters()],
                func.param_names)
    check(run, rtol=1e-5, atol=1e-6)   # (float32 matmuls, summed in another order)


def test_make_functional_refuses_buffers_and_ties_share_a_slot():
    check_error(lambda T: (), lambda T: ft(T)[1].make_functional(_model(T, buffers=True)))

    def tied(T):
        _, mf = ft(T)
        a = T.nn.Linear(2, 2, bias=False)
        model = T.nn.Sequential(a, T.nn.Tanh(), a)
        func, params = mf.make_functional(model)
        return len(params), func((T.eye(2),), T.ones(1, 2)), func.names_map
    check(tied)


def test_combine_state_for_ensemble():
    def run(T):
        _, mf = ft(T)
        T.manual_seed(0)
        models = [T.nn.Linear(3, 2) for _ in range(4)]
        func, params, buffers = mf.combine_state_for_ensemble(models)
        return params, buffers, T.func.vmap(func, (0, 0, None))(params, buffers, T.ones(2, 3))
    check(run)
    check_error(lambda T: (), lambda T: ft(T)[1].combine_state_for_ensemble([]))
    check_error(lambda T: (), lambda T: ft(T)[1].combine_state_for_ensemble(
        [T.nn.Linear(1, 1), T.nn.Linear(1, 1).eval()]))
    check_error(lambda T: (), lambda T: ft(T)[1].combine_state_for_ensemble(
        [T.nn.Linear(1, 1), T.nn.Tanh()]))
