"""torch.nn.utils compared with PyTorch: clip_grad, convert_parameters,
functional_call, fusion, skip_init. Parametrizations: test_nn_parametrize.py."""
import warnings

import numpy as np
import pytest

import ember
from compare_torch import check

torch = pytest.importorskip("torch")


def _params(T, grads, dtypes=None):
    ps = []
    for i, g in enumerate(grads):
        dt = (dtypes or [T.float32] * len(grads))[i]
        p = T.nn.Parameter(T.zeros(len(g) if g is not None else 2, dtype=dt))
        if g is not None:
            p.grad = T.tensor(g, dtype=dt)
        ps.append(p)
    return ps


GRADS = [[0.5, -3.0, 2.0], None, [1.5, 0.25], [-4.0]]


@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, 0.5, float("inf"), "inf"])
@pytest.mark.parametrize("max_norm", [1.0, 100])
@pytest.mark.parametrize("foreach", [None, True, False])
def test_clip_grad_norm_vs_torch(norm_type, max_norm, foreach):
    def f(T):
        ps = _params(T, GRADS)
        nt = float(norm_type) if norm_type == "inf" else norm_type
        total = T.nn.utils.clip_grad_norm_(ps, max_norm, norm_type=nt, foreach=foreach)
        return total, [p.grad for p in ps]
    check(f)


def test_clip_grad_norm_mixed_dtypes_and_single_tensor_vs_torch():
    def f(T):
        ps = _params(T, [[3.0, 4.0], [1.0, 2.0, 2.0]], [T.float64, T.float32])
        total = T.nn.utils.clip_grad_norm_(ps, 2.0)
        return total, [p.grad for p in ps]
    check(f)

    def g(T):
        p = _params(T, [[3.0, 4.0]])[0]
        return T.nn.utils.clip_grad_norm_(p, 1.0), p.grad
    check(g)


def test_clip_grad_norm_empty_vs_torch():
    check(lambda T: T.nn.utils.clip_grad_norm_([], 1.0))
    check(lambda T: T.nn.utils.clip_grad_norm_(_params(T, [None]), 1.0))
    with pytest.warns(UserWarning, match="empty generator"):
        ember.nn.utils.clip_grad_norm_((p for p in []), 1.0)
    with pytest.warns(FutureWarning, match="deprecated"):
        ember.nn.utils.clip_grad_norm(_params(ember, [[1.0]]), 1.0)


def test_clip_grad_norm_nonfinite_vs_torch():
    def f(T, err, bad):
        ps = _params(T, [[1.0, bad], [2.0]])
        total = T.nn.utils.clip_grad_norm_(ps, 1.0, error_if_nonfinite=err)
        return total, [p.grad for p in ps]
    for bad in (float("inf"), float("nan")):
        check(lambda T: f(T, False, bad))
        check(lambda T: f(T, True, bad))
    # the error leaves every gradient as it was
    ps = _params(ember, [[1.0, float("inf")], [2.0]])
    with pytest.raises(RuntimeError, match="non-finite"):
        ember.nn.utils.clip_grad_norm_(ps, 1.0, norm_type=1, error_if_nonfinite=True)
    np.testing.assert_array_equal(ps[1].grad.numpy(), [2.0])


def test_get_total_norm_and_clip_grads_with_norm_vs_torch():
    def f(T):
        ps = _params(T, GRADS)
        grads = [p.grad for p in ps if p.grad is not None]
        total = T.nn.utils.get_total_norm(grads, norm_type=3)
        T.nn.utils.clip_grads_with_norm_(ps, 0.5, total)
        return total, [p.grad for p in ps], T.nn.utils.get_total_norm(T.tensor([3.0, 4.0]))
    check(f)
    check(lambda T: T.nn.utils.get_total_norm([T.ones(2), T.ones(2, dtype=T.float64)]))


@pytest.mark.parametrize("foreach", [None, True, False])
def test_clip_grad_value_vs_torch(foreach):
    def f(T):
        ps = _params(T, GRADS)
        out = T.nn.utils.clip_grad_value_(ps, 1.25, foreach=foreach)
        p = _params(T, [[5.0, -5.0, 0.5]])[0]
        T.nn.utils.clip_grad_value_(p, 2)
        return out, [q.grad for q in ps], p.grad
    check(f)


def test_clip_grad_in_training_step_vs_torch():
    def f(T):
        T.manual_seed(0)
        net = T.nn.Sequential(T.nn.Linear(3, 5), T.nn.Tanh(), T.nn.Linear(5, 2))
        x = T.linspace(-1, 1, 12).reshape(4, 3)
        (net(x) ** 2).sum().backward()
        total = T.nn.utils.clip_grad_norm_(net.parameters(), 0.3)
        return total, [p.grad for p in net.parameters()]
    check(f, rtol=1e-5)


def test_parameters_to_vector_roundtrip_vs_torch():
    def f(T):
        T.manual_seed(0)
        net = T.nn.Sequential(T.nn.Linear(3, 2), T.nn.Linear(2, 1))
        vec = T.nn.utils.parameters_to_vector(net.parameters())
        new = T.arange(float(vec.numel()))
        T.nn.utils.vector_to_parameters(new, net.parameters())
        new[0] = 100.0   # the parameters view the vector
        return vec, [p for p in net.parameters()], [type(p).__name__ for p in net.parameters()]
    check(f)
    check(lambda T: T.nn.utils.vector_to_parameters([1.0], []))


# -- functional_call -----------------------------------------------------------
def _net(T):
    T.manual_seed(0)
    net = T.nn.Sequential(T.nn.Linear(3, 2), T.nn.Linear(2, 2))
    net[1].register_buffer("shift", T.tensor([1.0, -1.0]))
    return net


class _ShiftOut:
    @staticmethod
    def make(T):
        class M(T.nn.Module):
            def __init__(self):
                super().__init__()
                T.manual_seed(0)
                self.lin = T.nn.Linear(2, 2)
                self.tied = self.lin
                self.register_buffer("count", T.zeros(()))

            def forward(self, x, scale=1.0):
                self.count.add_(1)
                return self.tied(x) * scale + self.count
        return M()


@pytest.mark.parametrize("api", ["func", "stateless"])
def test_functional_call_vs_torch(api):
    def call(T, *a, **k):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn = T.func.functional_call if api == "func" else \
                T.nn.utils.stateless.functional_call
            return fn(*a, **k)

    def f(T):
        net = _net(T)
        w = T.ones(2, 3, requires_grad=True)
        x = T.tensor([[1.0, 2.0, 3.0]])
        out = call(T, net, {"0.weight": w, "1.shift": T.zeros(2)}, (x,))
        out.sum().backward()
        return out, w.grad, net(x), net[0].weight.grad
    check(f)

    def kwargs_and_inplace(T):
        m = _ShiftOut.make(T)
        count = T.zeros(())
        out = call(T, m, {"count": count}, T.ones(1, 2), {"scale": 2.0})
        return out, count, m.count
    check(kwargs_and_inplace)

    def tied(T, tie):
        m = _ShiftOut.make(T)
        return call(T, m, {"lin.weight": T.zeros(2, 2)}, T.ones(1, 2), tie_weights=tie)
    check(lambda T: tied(T, True))
    check(lambda T: tied(T, False))

    def tied_conflict(T):
        m = _ShiftOut.make(T)
        return call(T, m, {"lin.weight": T.zeros(2, 2), "tied.weight": T.ones(2, 2)},
                    T.ones(1, 2))
    check(tied_conflict)

    def strict(T, params):
        return call(T, _net(T), params, T.ones(1, 3), strict=True)
    full = lambda T: {k: v for k, v in _net(T).state_dict().items()}  # noqa: E731
    check(lambda T: strict(T, full(T)))
    check(lambda T: strict(T, {"0.weight": T.ones(2, 3), "x": T.ones(1)}))


def test_func_functional_call_tuple_of_dicts_vs_torch():
    def f(T, dicts):
        return T.func.functional_call(_net(T), dicts, T.ones(1, 3))
    check(lambda T: f(T, ({"0.weight": T.ones(2, 3)}, {"1.shift": T.ones(2)})))
    check(lambda T: f(T, ({"0.weight": T.ones(2, 3)}, {"0.weight": T.ones(2, 3)})))
    check(lambda T: f(T, ({"0.weight": T.ones(2, 3)}, 3)))
    check(lambda T: f(T, 3))


def test_functional_call_gradcheck():
    net = _net(ember).double()
    x = ember.linspace(-1, 1, 6, dtype=ember.float64).reshape(2, 3)

    def fn(w, b):
        return ember.func.functional_call(net, {"0.weight": w, "1.bias": b}, x)
    w = ember.ones(2, 3, dtype=ember.float64, requires_grad=True)
    b = ember.ones(2, dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(fn, (w, b))
    assert ember.autograd.gradgradcheck(fn, (w, b))


# -- fusion --------------------------------------------------------------------
def _stand_in_bn(T, n, affine=True):
    """The attributes the fusion functions read from a batch norm."""
    class BN(T.nn.Module):
        def __init__(self):
            super().__init__()
            self.num_features, self.eps = n, 1e-3
            self.weight = T.nn.Parameter(T.linspace(0.5, 2.0, n)) if affine else None
            self.bias = T.nn.Parameter(T.linspace(-1.0, 1.0, n)) if affine else None
            self.register_buffer("running_mean", T.linspace(-0.3, 0.6, n))
            self.register_buffer("running_var", T.linspace(0.2, 1.7, n))
    return BN().eval()


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("affine", [True, False])
def test_fuse_linear_bn_vs_torch(bias, affine):
    def f(T):
        T.manual_seed(0)
        lin = T.nn.Linear(3, 4, bias=bias).eval()
        bn = _stand_in_bn(T, 4, affine)
        if not affine:
            bn.weight, bn.bias = T.ones(4), T.zeros(4)
        fused = T.nn.utils.fuse_linear_bn_eval(lin, bn)
        return fused.weight, fused.bias, fused is lin, lin.bias is None
    check(f)


def test_fuse_weights_functions_vs_torch():
    def f(T, transpose):
        w = T.linspace(-1, 1, 24).reshape(2, 3, 2, 2) if transpose else \
            T.linspace(-1, 1, 24).reshape(3, 2, 2, 2)
        rm, rv = T.tensor([0.1, 0.2, 0.3]), T.tensor([1.0, 2.0, 0.5])
        return T.nn.utils.fuse_conv_bn_weights(w, None, rm, rv, 1e-5, None, None,
                                               transpose=transpose)
    check(lambda T: f(T, False))
    check(lambda T: f(T, True))
    check(lambda T: T.nn.utils.fuse_linear_bn_weights(
        T.ones(2, 3, requires_grad=True), T.ones(2, dtype=T.float64), T.zeros(2), T.ones(2),
        1e-5, T.tensor([2.0, 3.0]), T.zeros(2)))


def test_fuse_errors_vs_torch():
    def train_mode(T):
        return T.nn.utils.fuse_linear_bn_eval(T.nn.Linear(2, 2), _stand_in_bn(T, 2).train())
    check(train_mode)

    def mismatch(T):
        return T.nn.utils.fuse_linear_bn_eval(T.nn.Linear(2, 3).eval(), _stand_in_bn(T, 2))
    check(mismatch)


def test_fuse_conv_bn_eval_vs_torch():
    if not (hasattr(ember.nn, "Conv2d") and hasattr(ember.nn, "BatchNorm2d")):
        pytest.skip("ember.nn has no Conv2d or BatchNorm2d yet")

    def f(T):
        T.manual_seed(0)
        conv = T.nn.Conv2d(2, 3, 3).eval()
        bn = T.nn.BatchNorm2d(3).eval()
        bn.running_mean.copy_(T.tensor([0.1, -0.2, 0.3]))
        bn.running_var.copy_(T.tensor([1.5, 0.5, 2.0]))
        fused = T.nn.utils.fuse_conv_bn_eval(conv, bn)
        x = T.linspace(-1, 1, 50).reshape(1, 2, 5, 5)
        return fused.weight, fused.bias, fused(x), bn(conv(x))
    check(f, rtol=1e-5, atol=1e-6)


def test_fuse_linear_bn_eval_real_batchnorm_vs_torch():
    if not hasattr(ember.nn, "BatchNorm1d"):
        pytest.skip("ember.nn has no BatchNorm1d yet")

    def f(T):
        T.manual_seed(0)
        lin, bn = T.nn.Linear(3, 4).eval(), T.nn.BatchNorm1d(4).eval()
        fused = T.nn.utils.fuse_linear_bn_eval(lin, bn)
        return fused.weight, fused.bias
    check(f)


def test_skip_init_vs_torch():
    def f(T):
        m = T.nn.utils.skip_init(T.nn.Linear, 3, 2)
        return type(m).__name__, m.weight.shape, m.weight.is_meta, m.weight.requires_grad
    check(f)
    check(lambda T: T.nn.utils.skip_init(int))

    def nodevice(T):
        class M(T.nn.Module):
            pass
        return T.nn.utils.skip_init(M)
    check(nodevice)
