"""torch.nn odds and ends against PyTorch: Tensor.exponential_, nn.init's
orthogonal_/dirac_/sparse_ and deprecated aliases, F.gumbel_softmax,
fractional max pooling, CrossMapLRN2d and the deprecated Container."""
import warnings

import numpy as np
import pytest

import ember
from ember.autograd import gradcheck, gradgradcheck
from compare_torch import _torch, check, check_error

F = ember.nn.functional


# -- Tensor.exponential_ -----------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("lambd", [1.0, 2.5, 0.3])
def test_exponential_bit_exact(dtype, lambd):
    def run(T):
        T.manual_seed(11)
        a = T.empty(4001, dtype=getattr(T, dtype)).exponential_(lambd)
        g = T.Generator().manual_seed(3)
        return a, T.empty(3, 5, dtype=getattr(T, dtype)).exponential_(lambd, generator=g)
    check(run, exact=True)


@pytest.mark.parametrize("case", [
    lambda T, x: x.exponential_(0.0), lambda T, x: x.exponential_(-1.5),
    lambda T, x: x.long().exponential_()])
def test_exponential_errors(case):
    check_error(lambda T: (T.ones(3),), case)


# -- nn.init -----------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 2, 3), (6, 6), (2, 3, 2, 2), (1, 7)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_orthogonal_as_torch(shape, dtype):
    def run(T):
        T.manual_seed(1)
        w = T.nn.init.orthogonal_(T.empty(*shape, dtype=getattr(T, dtype)), 1.7)
        g = T.Generator().manual_seed(5)
        return w, T.nn.init.orthogonal_(T.empty(*shape, dtype=getattr(T, dtype)), generator=g)
    # LAPACK's QR in float32 here and in torch: the same to rounding
    check(run, rtol=1e-5, atol=2e-6 if dtype == "float32" else 1e-13)


def test_orthogonal_is_orthogonal_and_keeps_parameters():
    p = ember.nn.Parameter(ember.empty(4, 6, dtype=ember.float64))
    out = ember.nn.init.orthogonal_(p, gain=2.0)
    assert out is p and p.requires_grad and p.grad_fn is None
    np.testing.assert_allclose(p.detach().numpy() @ p.detach().numpy().T, 4 * np.eye(4),
                               atol=1e-12)
    empty = ember.empty(0, 3)
    assert ember.nn.init.orthogonal_(empty) is empty


@pytest.mark.parametrize("shape,groups", [((6, 4, 3), 2), ((4, 4, 3, 3), 1), ((6, 3, 2, 3, 4), 3),
                                          ((2, 5, 4), 1), ((3, 1, 5, 5), 3)])
def test_dirac_as_torch(shape, groups):
    check(lambda T: T.nn.init.dirac_(T.empty(*shape) + 7, groups), exact=True)


def test_sparse_as_torch():
    def run(T):
        T.manual_seed(2)
        a = T.nn.init.sparse_(T.empty(7, 5), 0.3, 0.5)
        b = T.nn.init.sparse_(T.empty(4, 3, dtype=T.float64), 1.0)
        c = T.nn.init.sparse_(T.empty(5, 2), 0.0)
        return a, b, c
    check(run, exact=True)


INIT_ERRORS = [
    lambda T: T.nn.init.orthogonal_(T.empty(3)),
    lambda T: T.nn.init.dirac_(T.empty(3, 3)),
    lambda T: T.nn.init.dirac_(T.empty(3, 3, 3), 2),
    lambda T: T.nn.init.sparse_(T.empty(3, 3, 3), 0.1),
    lambda T: T.nn.init.eye_(T.empty(3, 3, 3)),
]


@pytest.mark.parametrize("i", range(len(INIT_ERRORS)))
def test_init_errors_as_torch(i):
    check_error(lambda T: (), lambda T: INIT_ERRORS[i](T))


@pytest.mark.parametrize("name,args", [("eye", ()), ("dirac", ()), ("orthogonal", (1.5,)),
                                       ("sparse", (0.5,))])
def test_deprecated_init_aliases(name, args):
    torch = _torch()
    shape = (4, 4, 3) if name == "dirac" else (4, 5)
    out = {}
    for T in (ember, torch):
        T.manual_seed(0)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            t = getattr(T.nn.init, name)(T.empty(*shape), *args)
        assert [str(x.message) for x in w] == [
            f"`nn.init.{name}` is now deprecated in favor of `nn.init.{name}_`."]
        assert w[0].category is FutureWarning and w[0].filename == __file__
        out[T] = t.numpy()
    np.testing.assert_allclose(out[ember], out[torch], rtol=1e-5, atol=1e-6)
    assert set(n for n in dir(torch.nn.init) if not n.startswith("_") and n[0].islower()
               and callable(getattr(torch.nn.init, n)) and n != "torch") <= set(dir(ember.nn.init))


# -- F.gumbel_softmax --------------------------------------------------------------------
@pytest.mark.parametrize("hard", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("tau,dim", [(1, -1), (0.7, 0), (2.5, 1)])
def test_gumbel_softmax_as_torch(hard, dtype, tau, dim):
    values = np.random.RandomState(0).randn(4, 7)

    def run(T):
        x = T.tensor(values, dtype=getattr(T, dtype), requires_grad=True)
        T.manual_seed(4)
        y = T.nn.functional.gumbel_softmax(x, tau=tau, hard=hard, dim=dim)
        return y, T.autograd.grad((y * T.arange(7.0, dtype=y.dtype)).sum(), x)
    check(run, rtol=1e-5, atol=1e-6 if dtype == "float32" else 1e-12)


def test_gumbel_softmax_hard_is_one_hot_and_eps_warns():
    ember.manual_seed(0)
    y = F.gumbel_softmax(ember.randn(5, 6), hard=True)
    assert (y.sum(-1).numpy() == 1).all() and set(np.unique(y.numpy())) <= {0.0, 1.0}
    with pytest.warns(UserWarning, match="`eps` parameter is deprecated and has no effect."):
        F.gumbel_softmax(ember.randn(2, 3), eps=1e-3)


def test_gumbel_softmax_gradcheck():
    x = ember.randn(3, 4, dtype=ember.float64, requires_grad=True)

    def f(x):
        ember.manual_seed(9)
        return F.gumbel_softmax(x, tau=0.5)
    assert gradcheck(f, (x,)) and gradgradcheck(f, (x,))


# -- fractional max pooling ---------------------------------------------------------------
X2 = np.random.RandomState(0).randn(2, 3, 9, 8)
X2[0, 1, 2, 2] = np.nan
X2[1, 0, 3:5, 3:5] = 5
X2[1, 2] = -np.inf
X3 = np.random.RandomState(1).randn(2, 2, 7, 6, 8)

FRAC2 = [dict(kernel_size=3, output_size=(4, 5)), dict(kernel_size=(2, 3), output_ratio=(0.5, 0.7)),
         dict(kernel_size=2, output_size=1), dict(kernel_size=(1, 2), output_size=(7, 6)),
         dict(kernel_size=(3, 1), output_size=(7, 8)), dict(kernel_size=4, output_size=(6, 5)),
         dict(kernel_size=(2, 0), output_size=(3, 2)), dict(kernel_size=2, output_size=(0, 3)),
         dict(kernel_size=2, output_ratio=[0.5])]


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("i", range(len(FRAC2)))
def test_fractional_max_pool2d_as_torch(dtype, i):
    grad = dtype != "float16"

    def run(T):
        x = T.tensor(X2, dtype=getattr(T, dtype), requires_grad=grad)
        T.manual_seed(4)
        y, idx = T.nn.functional.fractional_max_pool2d(x, return_indices=True, **FRAC2[i])
        out = [y, idx, T.nn.functional.fractional_max_pool2d(x[0], **FRAC2[i])]
        if grad:
            w = T.arange(float(y.numel()), dtype=y.dtype).reshape(y.shape)
            out.append(T.autograd.grad((T.nan_to_num(y, 0.0, 0.0, 0.0) * w).sum(), x))
        return out
    check(run)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kernel,out", [((2, 3, 2), (4, 3, 5)), (2, 1), (1, (6, 5, 7)),
                                        ((3, 1, 2), (3, 5, 4))])
def test_fractional_max_pool3d_as_torch(dtype, kernel, out):
    def run(T):
        x = T.tensor(X3, dtype=getattr(T, dtype), requires_grad=True)
        T.manual_seed(5)
        y, idx = T.nn.functional.fractional_max_pool3d(x, kernel, output_size=out,
                                                       return_indices=True)
        z = T.nn.functional.fractional_max_pool3d(x[1], kernel, output_ratio=(0.5, 0.6, 0.5))
        w = T.arange(float(y.numel()), dtype=y.dtype).reshape(y.shape)
        return y, idx, z, T.autograd.grad((y * w).sum() + z.sum(), x)
    check(run)


def test_fractional_given_samples_and_extra_batch():
    samples = np.random.RandomState(3).rand(4, 3, 2)

    def run(T):
        x = T.tensor(X2[:, :, :, :])
        s = T.tensor(samples, dtype=T.float64)
        a = T.nn.functional.fractional_max_pool2d(x, 3, (4, 4), _random_samples=s,
                                                  return_indices=True)
        b = T.nn.functional.fractional_max_pool2d_with_indices(x, (2, 2), (5, 3),
                                                               _random_samples=s[:2])
        return a, b
    check(run)


def test_fractional_modules_as_torch():
    samples = np.random.RandomState(4).rand(2, 3, 2)

    def run(T):
        T.manual_seed(1)
        x = T.tensor(X2, requires_grad=True)
        m1 = T.nn.FractionalMaxPool2d(3, output_ratio=0.5)
        m2 = T.nn.FractionalMaxPool2d((2, 3), output_size=4, return_indices=True,
                                      _random_samples=T.tensor(samples, dtype=T.float64))
        m3 = T.nn.FractionalMaxPool3d(2, output_size=(3, 2, 4), return_indices=True)
        y3 = m3(T.tensor(X3, dtype=T.float32))
        return (repr(m1), repr(m2), repr(m3), m1.kernel_size, m1.output_ratio, m2.output_size,
                list(m1.state_dict()), dict(m2.state_dict()), m1(x), m2(x), y3,
                T.autograd.grad(m1(x).nansum(), x))
    check(run)


def test_fractional_gradcheck_and_double_backward_nodes():
    rng = np.random.RandomState(7)
    x = ember.tensor(rng.permutation(2 * 3 * 9 * 8).reshape(2, 3, 9, 8) / 10.0,
                     requires_grad=True)
    s2 = ember.tensor(rng.rand(2, 3, 2))
    x3 = ember.tensor(rng.permutation(2 * 5 * 6 * 7).reshape(1, 2, 5, 6, 7) / 10.0,
                      requires_grad=True)
    s3 = ember.tensor(rng.rand(1, 2, 3))

    def f2(x):
        return F.fractional_max_pool2d(x, 3, (4, 5), _random_samples=s2)

    def f3(x):
        return F.fractional_max_pool3d(x, 2, (3, 4, 5), _random_samples=s3)
    for f, t in ((f2, x), (f3, x3)):
        assert gradcheck(f, (t,)) and gradgradcheck(f, (t,))

    def run(T):
        t = T.tensor(x.detach().numpy(), requires_grad=True)
        y = T.nn.functional.fractional_max_pool2d(t, 3, (4, 5),
                                                  _random_samples=T.tensor(s2.numpy()))
        go = T.ones(y.shape, dtype=y.dtype, requires_grad=True)
        g, = T.autograd.grad(y, t, go, create_graph=True)
        gg, = T.autograd.grad((g * g).sum(), go)
        return y, g, gg
    check(run)


FRAC_ERRORS = [
    lambda T, x: T.nn.functional.fractional_max_pool2d(x, 3),
    lambda T, x: T.nn.functional.fractional_max_pool2d(x, 3, output_size=8),
    lambda T, x: T.nn.functional.fractional_max_pool2d(x, 9, output_size=(1, 1)),
    lambda T, x: T.nn.functional.fractional_max_pool2d(x[0, 0], 3, output_size=2),
    lambda T, x: T.nn.functional.fractional_max_pool2d(x[None], 3, output_size=2),
    lambda T, x: T.nn.functional.fractional_max_pool2d(x, 3, 2, _random_samples=T.rand(2, 3, 3)),
    lambda T, x: T.nn.functional.fractional_max_pool2d(x, 3, 2, _random_samples=T.rand(1, 3, 2)),
    lambda T, x: T.nn.functional.fractional_max_pool2d(x, 3, 2, _random_samples=T.rand(2, 4, 2)),
    lambda T, x: T.nn.functional.fractional_max_pool2d(x, 3, 2, _random_samples=T.rand(2, 3)),
    lambda T, x: T.nn.functional.fractional_max_pool2d(
        x, 3, 2, _random_samples=T.rand(2, 3, 2, dtype=T.float64)),
    lambda T, x: T.nn.functional.fractional_max_pool2d(x.long(), 3, output_size=2),
    lambda T, x: T.nn.functional.fractional_max_pool2d(
        x.long(), 3, output_size=2, _random_samples=T.rand(2, 3, 2).long()),
    lambda T, x: T.nn.functional.fractional_max_pool2d(x, (3, 3, 3), output_size=2),
    lambda T, x: T.nn.functional.fractional_max_pool2d(x, 3, output_size=(2, 2, 2)),
    lambda T, x: T.nn.functional.fractional_max_pool2d(x, 3.0, output_size=2),
    lambda T, x: T.nn.functional.fractional_max_pool2d(x, 3, output_size=2.0),
    lambda T, x: T.nn.functional.fractional_max_pool2d(x, 3, output_ratio=0.5),
    lambda T, x: T.nn.functional.fractional_max_pool2d(x, 3, output_ratio=(0.5, 0.5, 0.5)),
    lambda T, x: T.nn.functional.fractional_max_pool2d(x, 3, output_size=(-1, 2)),
    lambda T, x: T.nn.functional.fractional_max_pool2d(x[:, :, :0], 3, output_size=2),
    lambda T, x: T.nn.functional.fractional_max_pool3d(x, 2, output_size=3),
    lambda T, x: T.nn.functional.fractional_max_pool3d(x[None], 2, output_size=(2, 4, 5)),
    lambda T, x: T.nn.functional.fractional_max_pool3d(x[None], 2, output_size=(1, 8, 5)),
    lambda T, x: T.nn.functional.fractional_max_pool3d(x[None], 2, output_size=(1, 5, 7)),
    lambda T, x: T.nn.functional.fractional_max_pool3d(x[None], (2, 2), output_size=1),
    lambda T, x: T.nn.functional.fractional_max_pool3d(x[None], 2, output_size=(1, 1)),
    lambda T, x: T.nn.functional.fractional_max_pool3d(x[0, 0], 2, output_size=1),
    lambda T, x: T.nn.functional.fractional_max_pool3d(x[None, :, :, :0], 2, output_size=1),
    lambda T, x: T.nn.functional.fractional_max_pool3d(
        x[None], 2, output_size=1, _random_samples=T.rand(1, 2, 2)),
    lambda T, x: T.nn.FractionalMaxPool2d(3),
    lambda T, x: T.nn.FractionalMaxPool3d(3, output_size=2, output_ratio=0.5),
    lambda T, x: T.nn.FractionalMaxPool2d(3, output_ratio=1.5),
    lambda T, x: T.nn.FractionalMaxPool3d(3, output_ratio=(0.5, 0.5, 0)),
]


@pytest.mark.parametrize("i", range(len(FRAC_ERRORS)))
def test_fractional_errors_as_torch(i):
    check_error(lambda T: (T.tensor(X2, dtype=T.float32, requires_grad=True),), FRAC_ERRORS[i])


def test_fractional_draws_one_sample_tensor():
    # the samples are one rand(N, C, 2) of the input's dtype: the generator
    # moves on exactly as torch's does
    def run(T):
        T.manual_seed(8)
        T.nn.functional.fractional_max_pool2d(T.ones(3, 2, 6, 6, dtype=T.float64), 2, 3)
        return T.rand(4)
    check(run, exact=True)


# -- CrossMapLRN2d ------------------------------------------------------------------------
@pytest.mark.parametrize("channels", [1, 2, 3, 5, 8])
@pytest.mark.parametrize("size", [2, 3, 4, 5, 7])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_cross_map_lrn2d_as_torch(channels, size, dtype):
    values = np.random.RandomState(channels).randn(2, channels, 3, 4) * 2

    def run(T):
        x = T.tensor(values, dtype=getattr(T, dtype), requires_grad=True)
        m = T.nn.CrossMapLRN2d(size, 0.3, 0.75, 1.5)
        y = m(x)
        return repr(m), y, T.autograd.grad((y * y).sum(), x)
    check(run, rtol=1e-6 if dtype == "float64" else 1e-5,
          atol=1e-12 if dtype == "float64" else 1e-6)


def test_cross_map_lrn2d_defaults_and_no_grad():
    def run(T):
        m = T.nn.CrossMapLRN2d(3)
        x = T.tensor(np.random.RandomState(0).randn(1, 4, 2, 2), requires_grad=True)
        with T.no_grad():
            y = m(x)
        return repr(m), y, m(x.detach()), m(x).grad_fn is not None
    check(run)


CROSS_MAP_ERRORS = [
    lambda T, x: T.nn.CrossMapLRN2d(3)(x[0]),
    lambda T, x: T.nn.CrossMapLRN2d(3)(x.long()),
    lambda T, x: T.nn.CrossMapLRN2d(1)(x).sum().backward(),
    lambda T, x: T.autograd.grad(T.nn.CrossMapLRN2d(3)(x).sum(), x, create_graph=True),
]


@pytest.mark.parametrize("i", range(len(CROSS_MAP_ERRORS)))
def test_cross_map_lrn2d_errors_as_torch(i):
    check_error(lambda T: (T.ones(2, 5, 3, 3, requires_grad=True),), CROSS_MAP_ERRORS[i])


def test_cross_map_lrn2d_node_name():
    x = ember.ones(1, 3, 2, 2, requires_grad=True)
    assert type(ember.nn.CrossMapLRN2d(3)(x).grad_fn).__name__ == "CrossMapLRN2dBackward"


# -- Container ---------------------------------------------------------------------------
def test_container_as_torch():
    torch = _torch()
    for T in (ember, torch):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            c = T.nn.Container(a=T.nn.Linear(2, 3), b=T.nn.ReLU())

            class Sub(T.nn.Container):
                pass
            Sub()
        assert [(x.category, str(x.message), x.filename) for x in w] == [
            (FutureWarning, "`nn.Container` is deprecated. All of its functionality is now "
             "implemented in `nn.Module`. Subclass that instead.", __file__)] * 2
        assert list(c.state_dict()) == ["a.weight", "a.bias"]
        assert repr(c) == ("Container(\n  (a): Linear(in_features=2, out_features=3, bias=True)\n"
                           "  (b): ReLU()\n)")
        assert isinstance(c, T.nn.Module)


def test_fractional_empty_batch_as_torch():
    def run(T):
        x = T.ones(0, 3, 5, 5, requires_grad=True)
        T.manual_seed(0)
        y, i = T.nn.functional.fractional_max_pool2d(x, 2, output_size=3, return_indices=True)
        z = T.nn.functional.fractional_max_pool3d(T.ones(0, 2, 4, 5, 6), 2, output_size=2)
        return y, i, z, T.autograd.grad(y.sum(), x), T.rand(2)
    check(run)
