"""Every activation of torch.nn: nn.functional forms, modules, the torch
namespace functions, against PyTorch (values, gradients, grad_fn names,
reprs, in-place variants, errors), and gradcheck + gradgradcheck in float64."""
import os
import warnings

import numpy as np
import pytest

import ember
import ember.nn.functional as EF
from ember.autograd import gradcheck, gradgradcheck
from compare_torch import check, check_error

# The kinks and boundaries of every piecewise rule, and ordinary values.
KINKS = [-6.0, -3.5, -3.0, -1.0, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0, 3.0, 6.0, 7.5, 25.0]

# name -> f(F, x): one call of the function under test, with its arguments.
CASES = {
    "elu": lambda F, x: F.elu(x), "elu_alpha": lambda F, x: F.elu(x, 0.7),
    "selu": lambda F, x: F.selu(x), "celu": lambda F, x: F.celu(x, 0.6),
    "celu_default": lambda F, x: F.celu(x),
    "hardshrink": lambda F, x: F.hardshrink(x), "hardshrink_1": lambda F, x: F.hardshrink(x, 1.0),
    "softshrink": lambda F, x: F.softshrink(x), "softshrink_0.8": lambda F, x: F.softshrink(x, 0.8),
    "threshold": lambda F, x: F.threshold(x, 0.25, -2.0),
    "hardtanh": lambda F, x: F.hardtanh(x), "hardtanh_args": lambda F, x: F.hardtanh(x, -0.5, 3.0),
    "relu6": lambda F, x: F.relu6(x), "hardsigmoid": lambda F, x: F.hardsigmoid(x),
    "hardswish": lambda F, x: F.hardswish(x), "leaky_relu": lambda F, x: F.leaky_relu(x),
    "leaky_relu_0.2": lambda F, x: F.leaky_relu(x, 0.2), "logsigmoid": lambda F, x: F.logsigmoid(x),
    "gelu": lambda F, x: F.gelu(x), "gelu_tanh": lambda F, x: F.gelu(x, approximate="tanh"),
    "silu": lambda F, x: F.silu(x), "mish": lambda F, x: F.mish(x),
    "softplus": lambda F, x: F.softplus(x), "softplus_args": lambda F, x: F.softplus(x, 2.0, 3.0),
    "softsign": lambda F, x: F.softsign(x), "tanhshrink": lambda F, x: F.tanhshrink(x),
    "glu": lambda F, x: F.glu(x), "glu_dim0": lambda F, x: F.glu(x.reshape(2, 7), 0),
    "softmin": lambda F, x: F.softmin(x.reshape(2, 7), 1),
    "softmin_dtype": lambda F, x: F.softmin(x.reshape(2, 7), 0, dtype=x.new_ones(1).double().dtype),
    "rrelu_eval": lambda F, x: F.rrelu(x), "rrelu_eval_args": lambda F, x: F.rrelu(x, 0.1, 0.6),
    "prelu_scalar": lambda F, x: F.prelu(x, x.new_tensor([0.3])),
    "prelu_channels": lambda F, x: F.prelu(x.reshape(2, 7), x.new_tensor(
        [0.1, 0.2, 0.3, -0.4, 0.5, 0.6, 0.7])),
    "sigmoid": lambda F, x: F.sigmoid(x), "tanh": lambda F, x: F.tanh(x),
    "relu": lambda F, x: F.relu(x),
}

# float32 results that go through a cancellation (1 + erf, 1 + tanh) or a
# reduction: PyTorch's vectorised kernels round them otherwise.
LOOSE = {"gelu", "gelu_tanh", "softmin", "mish", "silu", "logsigmoid", "softplus",
         "softplus_args", "tanhshrink", "glu", "glu_dim0", "selu", "elu", "elu_alpha", "celu",
         "celu_default", "softsign", "tanh", "sigmoid"}


def _values_and_grad(fn, dtype, values):
    def run(T):
        x = T.tensor(values, dtype=getattr(T, dtype), requires_grad=True)
        y = fn(T.nn.functional, x)
        g = T.arange(1, y.numel() + 1, dtype=y.dtype).reshape(y.shape) / 7
        (gx,) = T.autograd.grad(y, x, g)
        return y, gx
    return run


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_gradients_at_kinks_as_torch(name, dtype):
    """Values and gradients, at the boundaries of each rule too (which side
    of a kink gets which gradient is PyTorch's)."""
    loose = dtype == "float32" and name in LOOSE
    check(_values_and_grad(CASES[name], dtype, KINKS),
          rtol=1e-5 if loose else 1e-6 if dtype == "float32" else 1e-13,
          atol=2e-6 if loose else 0.0 if dtype == "float32" else 1e-15)


@pytest.mark.parametrize("name", sorted(CASES))
def test_random_values_as_torch(name):
    values = np.random.RandomState(1).randn(2, 7) * 3
    values = values.reshape(-1) if name.startswith(("glu_dim0", "softmin", "prelu_ch")) else values
    loose = name in LOOSE
    check(_values_and_grad(CASES[name], "float32", values),
          rtol=1e-5 if loose else 1e-6, atol=2e-6 if loose else 1e-7)


# Away from the kinks (gradcheck differentiates numerically).
SMOOTH_POINTS = np.array([-4.1, -2.7, -1.3, -0.9, -0.35, -0.15, 0.1, 0.3, 0.7, 1.6, 2.4, 3.7,
                          4.4, 6.8])
NO_SECOND_DERIVATIVE = {"hardsigmoid"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradcheck_and_gradgradcheck(name):
    x = ember.tensor(SMOOTH_POINTS, dtype=ember.float64, requires_grad=True)
    fn = lambda t: CASES[name](EF, t)
    assert gradcheck(fn, (x,))
    if name not in NO_SECOND_DERIVATIVE:
        assert gradgradcheck(fn, (x,))


def test_prelu_gradcheck_weight():
    ember.manual_seed(3)
    x = ember.randn(3, 4, 5, dtype=ember.float64, requires_grad=True)
    w = ember.tensor([0.1, -0.2, 0.3, 0.5], dtype=ember.float64, requires_grad=True)
    assert gradcheck(EF.prelu, (x, w))
    assert gradgradcheck(EF.prelu, (x, w))
    w1 = ember.tensor([0.4], dtype=ember.float64, requires_grad=True)
    assert gradcheck(EF.prelu, (x, w1))


def test_rrelu_training_gradcheck():
    x = ember.tensor(SMOOTH_POINTS, dtype=ember.float64, requires_grad=True)

    def fn(t):      # the same noise at every evaluation
        ember.manual_seed(5)
        return EF.rrelu(t, training=True)
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


def test_hardsigmoid_has_no_second_derivative_as_torch():
    def run(T):
        x = T.tensor([-4.0, -1.0, 0.5, 2.0, 4.0], requires_grad=True)
        (g,) = T.autograd.grad(T.nn.functional.hardsigmoid(x).sum(), x, create_graph=True)
        return g, g.sum().backward()
    check(run)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_prelu_as_torch(dtype):
    rng = np.random.RandomState(2)
    xv, wv = rng.randn(2, 3, 4, 5), rng.rand(3)

    def run(T):
        x = T.tensor(xv, dtype=getattr(T, dtype), requires_grad=True)
        w = T.tensor(wv, dtype=getattr(T, dtype), requires_grad=True)
        y = T.prelu(x, w)
        gx, gw = T.autograd.grad(y, (x, w), y * 0 + 1.5)
        z = x.prelu(w[:1])
        return y, gx, gw, z, T.autograd.grad(z.sum(), w)[0], T.nn.functional.prelu(x[0, 0, 0], w)
    check(run, rtol=1e-6 if dtype == "float32" else 1e-13)


# -- rrelu draws its slopes from the generator, bit for bit ---------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_rrelu_training_bit_exact_after_manual_seed(dtype):
    values = np.random.RandomState(4).randn(3, 5, 7)

    def run(T):
        T.manual_seed(123)
        x = T.tensor(values, dtype=getattr(T, dtype), requires_grad=True)
        y = T.nn.functional.rrelu(x, 0.05, 0.45, training=True)
        (gx,) = T.autograd.grad(y, x, T.ones_like(y))
        after = T.rand(3)     # the generator advanced by as much as PyTorch's
        g = T.Generator().manual_seed(9)
        z = T.rrelu(x, training=True, generator=g)
        m = T.nn.RReLU(0.2, 0.3)
        return y, gx, after, z, m(x), m.eval()(x)
    check(run, exact=True)


def test_rrelu_module_and_inplace_as_torch():
    values = np.random.RandomState(6).randn(4, 9)

    def run(T):
        T.manual_seed(7)
        x = T.tensor(values, requires_grad=True)
        y = x * 1
        out = T.nn.functional.rrelu(y, training=True, inplace=True)
        (gx,) = T.autograd.grad(out, x, T.full_like(out, 2.0))
        v = x.detach().clone()
        T.rrelu_(v, 0.3, 0.4)
        return out is y, out, gx, v, y._version
    check(run, exact=True)


# -- in-place variants -------------------------------------------------------------
INPLACE = {
    "elu_": lambda F, y: F.elu_(y, 0.8), "elu_inplace": lambda F, y: F.elu(y, inplace=True),
    "selu_": lambda F, y: F.selu_(y), "selu_inplace": lambda F, y: F.selu(y, inplace=True),
    "celu_": lambda F, y: F.celu_(y, 1.5), "celu_inplace": lambda F, y: F.celu(y, 0.5, True),
    "rrelu_": lambda F, y: F.rrelu_(y), "hardtanh_": lambda F, y: F.hardtanh_(y, -0.5, 1.0),
    "hardtanh_inplace": lambda F, y: F.hardtanh(y, inplace=True),
    "relu6_inplace": lambda F, y: F.relu6(y, inplace=True),
    "leaky_relu_": lambda F, y: F.leaky_relu_(y, 0.3),
    "leaky_relu_inplace": lambda F, y: F.leaky_relu(y, inplace=True),
    "threshold_": lambda F, y: F.threshold_(y, 0.5, -1.0),
    "threshold_inplace": lambda F, y: F.threshold(y, 0.5, 2.0, True),
    "hardsigmoid_inplace": lambda F, y: F.hardsigmoid(y, inplace=True),
    "hardswish_inplace": lambda F, y: F.hardswish(y, inplace=True),
    "silu_inplace": lambda F, y: F.silu(y, inplace=True),
    "mish_inplace": lambda F, y: F.mish(y, inplace=True),
    "relu_": lambda F, y: F.relu_(y), "relu_inplace": lambda F, y: F.relu(y, inplace=True),
}


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_as_torch(name):
    """The same tensor comes back, changed, its version bumped, with
    PyTorch's node (EluBackward1, ...) and gradient."""
    values = np.array(KINKS[1:-1]) * 0.9

    def run(T):
        x = T.tensor(values, dtype=T.float64, requires_grad=True)
        y = x * 1
        v0 = y._version
        out = INPLACE[name](T.nn.functional, y)
        (gx,) = T.autograd.grad(out, x, T.linspace(0.5, 2.0, len(values), dtype=T.float64))
        with T.no_grad():
            plain = T.tensor(values)
            INPLACE[name](T.nn.functional, plain)
        return out is y, y._version - v0, out, gx, plain
    check(run, rtol=1e-13)


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_on_a_leaf_is_refused(name):
    check_error(lambda T: (T.tensor([0.5, -1.0, 2.0], requires_grad=True),),
                lambda T, x: INPLACE[name](T.nn.functional, x))


@pytest.mark.parametrize("name", ["elu_", "celu_", "leaky_relu_"])
def test_inplace_with_a_negative_slope_fails_at_backward(name):
    fn = {"elu_": lambda F, y: F.elu_(y, -0.5), "celu_": lambda F, y: F.celu_(y, -0.5),
          "leaky_relu_": lambda F, y: F.leaky_relu_(y, -0.5)}[name]
    check_error(lambda T: (T.tensor([0.5, -1.0, 2.0], requires_grad=True),),
                lambda T, x: fn(T.nn.functional, x * 1).sum().backward())


def test_torch_namespace_and_methods():
    values = np.array(KINKS) / 2

    def run(T):
        x = T.tensor(values, requires_grad=True)
        outs = [T.celu(x), T.celu(x, 0.3), T.selu(x), T.hardshrink(x, 0.25), x.hardshrink(),
                T.threshold(x, 0.1, 5.0), T.rrelu(x), T.prelu(x, T.tensor([0.2]))]
        y = x.detach().clone()
        inplace = [T.celu_(y.clone(), 2.0), T.selu_(y.clone()), T.threshold_(y.clone(), 0., 1.)]
        return outs, inplace, T.autograd.grad(sum(o.sum() for o in outs), x)
    check(run)


# -- modules -----------------------------------------------------------------------------
MODULES = [
    ("ELU", ()), ("ELU", (0.5, True)), ("CELU", (0.3,)), ("CELU", (1.0, True)), ("SELU", ()),
    ("SELU", (True,)), ("Hardshrink", ()), ("Hardshrink", (0.25,)), ("Softshrink", (1.5,)),
    ("Hardsigmoid", ()), ("Hardsigmoid", (True,)), ("Hardswish", (True,)), ("Hardtanh", ()),
    ("Hardtanh", (-2.0, 2.0, True)), ("ReLU6", ()), ("ReLU6", (True,)), ("LeakyReLU", ()),
    ("LeakyReLU", (0.2, True)), ("LogSigmoid", ()), ("PReLU", ()), ("PReLU", (3, 0.1)),
    ("RReLU", ()), ("RReLU", (0.1, 0.2, True)), ("GELU", ()), ("GELU", ("tanh",)),
    ("Sigmoid", ()), ("SiLU", ()), ("SiLU", (True,)), ("Mish", (True,)), ("Softplus", ()),
    ("Softplus", (2, 10)), ("Softsign", ()), ("Tanh", ()), ("Tanhshrink", ()),
    ("Threshold", (0.1, 20)), ("Threshold", (0.5, -1.0, True)), ("GLU", ()), ("GLU", (1,)),
    ("Softmin", (1,)), ("Softmin", ()), ("Softmax", (0,)), ("Softmax2d", ()),
    ("LogSoftmax", (-1,)), ("ReLU", (True,)), ("Identity", ()),
]


@pytest.mark.parametrize("cls,args", MODULES)
def test_module_repr_params_and_forward_as_torch(cls, args):
    values = np.random.RandomState(8).randn(2, 3, 4, 6)

    def run(T):
        T.manual_seed(0)
        m = getattr(T.nn, cls)(*args)
        x = T.tensor(values, requires_grad=True)
        y = m(x * 1)
        params = dict(m.named_parameters())
        weights = T.arange(y.numel(), dtype=y.dtype).reshape(y.shape).cos()
        grads = T.autograd.grad((y * weights).sum(), [x, *params.values()])
        return (repr(m), {k: v for k, v in m.state_dict().items()}, y, grads,
                m.training, m.eval().training)
    check(run)


def test_hardtanh_module_checks_and_deprecated_names():
    check(lambda T: T.nn.Hardtanh(1.0, 1.0))
    check(lambda T: T.nn.Hardtanh(2.0, -2.0))

    def run(T):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            m = T.nn.Hardtanh(min_value=-0.5, max_value=0.5)
        return repr(m), [str(w.message) for w in caught], [w.category.__name__ for w in caught]
    check(run)


def test_softmax_family_modules_implicit_dim_warn():
    for cls in ("Softmin", "Softmax", "LogSoftmax"):
        m = getattr(ember.nn, cls)()
        with pytest.warns(UserWarning, match=f"Implicit dimension choice for "
                                             f"{cls.lower().replace('logs', 'log_s')}"):
            m(ember.ones(2, 3))


def test_softmax_family_implicit_dim_warns_where_pytorch_does():
    """F.softmax(x) names its caller's line; a module names the Module's call
    (module.py), so Python's once-per-place filter shows it once, as PyTorch's."""
    def run(T):
        x = T.ones(2, 3)
        calls = [lambda: T.nn.functional.softmax(x), lambda: T.nn.functional.log_softmax(x),
                 lambda: T.nn.functional.softmin(x), lambda: T.nn.Softmax()(x),
                 lambda: T.nn.LogSoftmax()(x), lambda: T.nn.Softmin()(x),
                 lambda: T.nn.Softmax2d()(T.ones(1, 2, 2, 2))]
        places = []
        for call in calls:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                call()
            places.append([(os.path.basename(w.filename), w.lineno if w.filename == __file__
                            else None) for w in caught])
        return places
    check(run)


def test_prelu_module_init_and_training():
    def run(T):
        m = T.nn.PReLU(4, init=0.125, dtype=T.float64)
        x = T.tensor(np.linspace(-2, 2, 24).reshape(2, 4, 3), dtype=T.float64)
        opt = T.optim.SGD(m.parameters(), lr=0.5)
        for _ in range(2):
            opt.zero_grad()
            (m(x) ** 2).sum().backward()
            opt.step()
        m.reset_parameters()
        return m.weight, m.num_parameters, m.init, repr(m)
    check(run)


# -- errors ---------------------------------------------------------------------------------
ERRORS = [
    lambda T, x: T.nn.functional.celu(x, 0.0),
    lambda T, x: T.nn.functional.softshrink(x, -0.5),
    lambda T, x: T.nn.functional.softshrink(x.double(), -1),
    lambda T, x: T.nn.functional.hardtanh(x, 1.0, -1.0),
    lambda T, x: T.nn.functional.rrelu(x, 0.5, 0.1),
    lambda T, x: T.nn.functional.rrelu(x, 0.5, 0.1, training=True),
    lambda T, x: T.nn.functional.gelu(x, approximate="fast"),
    lambda T, x: T.nn.functional.glu(x[:, :5]),
    lambda T, x: T.nn.functional.glu(x, 2),
    lambda T, x: T.nn.functional.glu(x[0, 0]),
    lambda T, x: T.prelu(x, T.ones(3)),
    lambda T, x: T.prelu(x, T.ones(2, 1)),
    lambda T, x: T.prelu(x[0, 0], T.ones(2)),
    lambda T, x: T.prelu(x, T.ones(6, dtype=T.float64)),
    lambda T, x: T.nn.Softmax2d()(x),
    lambda T, x: T.nn.GLU()(x[:, :3]),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors_as_torch(i):
    check_error(lambda T: (T.ones(4, 6, requires_grad=True),), ERRORS[i])


INTEGER_ONLY_REFUSED = ["elu", "selu", "celu", "gelu", "hardshrink", "softshrink", "leaky_relu",
                        "softplus", "silu", "mish", "logsigmoid", "hardswish", "hardsigmoid",
                        "glu", "rrelu"]


@pytest.mark.parametrize("name", INTEGER_ONLY_REFUSED)
def test_integer_inputs_refused_as_torch(name):
    check_error(lambda T: (T.tensor([1, 7, -2, 4]),),
                lambda T, x: getattr(T.nn.functional, name)(x))


def test_integer_inputs_accepted_as_torch():
    def run(T):
        x = T.tensor([1, 7, -2, 4, 0])
        F = T.nn.functional
        return (F.relu6(x), F.hardtanh(x), F.hardtanh(x, -1.5, 2.5), F.threshold(x, 2, 5),
                F.threshold(x, 1.5, 9), F.softsign(x), F.tanhshrink(x), F.relu(x))
    check(run)


def test_rrelu_training_on_integers_refused_as_torch():
    check_error(lambda T: (T.tensor([1, 7, -2]),),
                lambda T, x: T.nn.functional.rrelu(x, training=True))


VIEW_INPLACE = [lambda T, v: T.nn.functional.elu_(v, 0.5),
                lambda T, v: T.nn.functional.leaky_relu_(v, 0.2),
                lambda T, v: T.nn.functional.hardtanh_(v),
                lambda T, v: T.nn.functional.silu(v, inplace=True), lambda T, v: T.celu_(v),
                lambda T, v: T.threshold_(v, 0.1, 3.0), lambda T, v: T.rrelu_(v),
                lambda T, v: T.nn.functional.hardsigmoid(v, True)]


@pytest.mark.parametrize("i", range(len(VIEW_INPLACE)))
def test_inplace_on_a_view_as_torch(i):
    """Written through a view: the base's history (CopySlices) and gradient."""
    values = np.linspace(-2, 2, 12).reshape(3, 4)

    def run(T):
        x = T.tensor(values, requires_grad=True)
        y = x * 1
        VIEW_INPLACE[i](T, y[1:, 1:3])
        (gx,) = T.autograd.grad(y, x, T.arange(12.0, dtype=T.float64).reshape(3, 4))
        return y, gx, y._version
    check(run, rtol=1e-12)


@pytest.mark.parametrize("name", sorted(CASES))
def test_infinities_and_nan_as_torch(name):
    if name.startswith(("glu", "softmin")):
        pytest.skip("a NaN spreads over the whole reduction")
    # (PyTorch's vectorised gelu gives NaN at +inf, an artefact not copied)
    big = 50.0 if name.startswith("gelu") else np.inf
    values = [-np.inf, -1.0, np.nan, 0.5, big, 2.0, -3.0]
    if name == "prelu_channels":
        values += [4.0, -5.0, np.nan, 0.0, np.inf, -np.inf, 1.0]
    loose = name in LOOSE
    check(_values_and_grad(CASES[name], "float32", values), rtol=1e-5 if loose else 1e-6,
          atol=2e-6 if loose else 0.0)


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_second_derivative_as_torch(name):
    values = SMOOTH_POINTS[::2] / 2

    def run(T):
        x = T.tensor(values, requires_grad=True)
        T.manual_seed(0)
        (g,) = T.autograd.grad(INPLACE[name](T.nn.functional, x * 1).sum(), x, create_graph=True)
        # (times x: for the piecewise-linear ones g does not depend on x, and
        # PyTorch records it anyway while Ember does not)
        (gg,) = T.autograd.grad((g * g * x).sum(), x)
        return g.detach(), gg
    check(run, rtol=1e-12, atol=1e-15)


def test_hardswish_overflows_silently_as_pytorch():
    """x * min(max(x + 3, 0), 6) / 6 overflows to inf for huge float32 x,
    without NumPy's warning (the suite fails on any warning)."""
    check(lambda T: T.nn.functional.hardswish(T.tensor([1e38, -1e38, 3e38, 2.0])), exact=True)


def test_sigmoid_is_pytorchs_one_over_one_plus_exp():
    """1 / (1 + exp(-x)): 0. where exp(-x) overflows (not the subnormal
    e / (1 + e) gives), and PyTorch's roundings in float64."""
    torch = pytest.importorskip("torch")
    check(lambda T: T.sigmoid(T.tensor([-100.0, -89.0, -88.0, 0.0, 30.0, 100.0])))
    # (PyTorch's vectorised exp differs from NumPy's in the last bit now and
    # then: e / (1 + e) on the negative side had differed at 1 value in 4)
    # (NumPy 1.x's float64 exp differs from PyTorch's more often: 10%)
    x = np.random.default_rng(0).standard_normal(10000) * 8
    differ = ember.sigmoid(ember.tensor(x)).numpy() != torch.sigmoid(torch.tensor(x)).numpy()
    assert differ.mean() < (0.05 if np.lib.NumpyVersion(np.__version__) >= "2.0.0" else 0.15)


@pytest.mark.parametrize("name", ["relu", "leaky_relu", "hardtanh", "relu6", "threshold",
                                  "hardshrink", "softshrink"])
def test_piecewise_linear_second_derivative_is_zeros_as_torch(name):
    # (their first derivative depends on the input through PyTorch's
    # XBackwardBackward0 node: it requires grad, and its own gradient is zeros)
    call = {"threshold": lambda F, t: F.threshold(t, 0.1, 0.0),
            "leaky_relu": lambda F, t: F.leaky_relu(t, 0.1)}.get(
        name, lambda F, t: getattr(F, name)(t))

    def run(T):
        x = T.tensor([-1.5, -0.2, 0.3, 2.0], requires_grad=True)
        (g,) = T.autograd.grad(call(T.nn.functional, x).sum(), x, create_graph=True)
        return g, g.grad_fn.name(), T.autograd.grad(g.sum(), x)
    check(run)


@pytest.mark.parametrize("name", ["tanh", "sigmoid"])
def test_smooth_first_derivative_records_pytorchs_backward_node(name):
    # (create_graph: PyTorch records tanh_backward / sigmoid_backward as one
    # node, TanhBackwardBackward0, whose own derivatives give the second)
    def run(T):
        x = T.tensor([-1.5, -0.2, 0.3, 2.0], dtype=T.float64, requires_grad=True)
        (g,) = T.autograd.grad(getattr(T, name)(x).sum(), x, create_graph=True)
        (h,) = T.autograd.grad(g.sum(), x, create_graph=True)
        return ([n and n.name() for n, _ in g.grad_fn.next_functions], g.grad_fn.name(),
                h.grad_fn.name(), T.autograd.gradgradcheck(getattr(T, name), (x,)))
    check(run)
