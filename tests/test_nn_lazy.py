"""Lazy modules (LazyModuleMixin, UninitializedParameter/Buffer) against PyTorch:
state before and after the first forward, initialisation draws, class change,
state_dict round trips and errors."""
import copy
import pickle

import numpy as np
import pytest

import ember
from compare_torch import check, check_error

X = {1: np.random.RandomState(0).randn(2, 6, 7), 2: np.random.RandomState(1).randn(2, 6, 5, 7),
     3: np.random.RandomState(2).randn(2, 6, 3, 5, 4)}

LAZY = [
    ("LazyConv1d", 1, lambda T: T.nn.LazyConv1d(4, 3, stride=2, padding=1)),
    ("LazyConv2d", 2, lambda T: T.nn.LazyConv2d(4, (3, 2), groups=2, bias=False)),
    ("LazyConv2d", 2, lambda T: T.nn.LazyConv2d(5, 3, padding="same", padding_mode="reflect")),
    ("LazyConv3d", 3, lambda T: T.nn.LazyConv3d(2, 2, dilation=(1, 2, 1))),
    ("LazyConvTranspose1d", 1, lambda T: T.nn.LazyConvTranspose1d(4, 3, stride=2,
                                                                 output_padding=1)),
    ("LazyConvTranspose2d", 2, lambda T: T.nn.LazyConvTranspose2d(6, 3, groups=3,
                                                                 dilation=2)),
    ("LazyConvTranspose3d", 3, lambda T: T.nn.LazyConvTranspose3d(3, 2, bias=False)),
    ("LazyBatchNorm1d", 1, lambda T: T.nn.LazyBatchNorm1d(momentum=None)),
    ("LazyBatchNorm2d", 2, lambda T: T.nn.LazyBatchNorm2d(eps=1e-3, affine=False)),
    ("LazyBatchNorm3d", 3, lambda T: T.nn.LazyBatchNorm3d(track_running_stats=False,
                                                         bias=False)),
    ("LazyInstanceNorm1d", 1, lambda T: T.nn.LazyInstanceNorm1d()),
    ("LazyInstanceNorm2d", 2, lambda T: T.nn.LazyInstanceNorm2d(affine=False)),
    ("LazyInstanceNorm3d", 3, lambda T: T.nn.LazyInstanceNorm3d(track_running_stats=False)),
    ("LazyLinear", 2, lambda T: T.nn.LazyLinear(3)),
]


def _summary(T, m):
    return (repr(m), type(m).__name__, m.has_uninitialized_params()
            if hasattr(m, "has_uninitialized_params") else None,
            {k: (type(v).__name__, repr(v) if T.nn.parameter.is_lazy(v) else v)
             for k, v in m.state_dict(keep_vars=True).items()},
            [type(p).__name__ for p in m.parameters()],
            [type(b).__name__ for b in m.buffers()])


@pytest.mark.parametrize("i", range(len(LAZY)))
def test_lazy_module_as_torch(i):
    name, dim, make = LAZY[i]
    values = X[dim]

    def run(T):
        m = make(T)
        assert type(m).__name__ == name
        before = _summary(T, m)
        T.manual_seed(7)
        x = T.tensor(values, dtype=T.float32, requires_grad=True)
        y = m(x)
        after = _summary(T, m)
        grads = T.autograd.grad(y.pow(2).sum(), [x] + list(m.parameters()))
        return before, after, y, grads, dict(m.state_dict()), m(x * 2)
    check(run, rtol=1e-5, atol=2e-5)


@pytest.mark.parametrize("i", [0, 4, 5, 13])
def test_lazy_init_draws_like_eager_module(i):
    # The same seed gives the non-lazy module's parameters, bit for bit.
    name, dim, make = LAZY[i]
    m = make(ember)
    ember.manual_seed(3)
    m(ember.tensor(X[dim], dtype=ember.float32))
    ember.manual_seed(3)
    if name == "LazyLinear":
        ref = ember.nn.Linear(m.in_features, m.out_features)
    else:
        extra = {"output_padding": m.output_padding} if m.transposed else {}
        ref = type(m)(m.in_channels, m.out_channels, m.kernel_size, stride=m.stride,
                      padding=m.padding, groups=m.groups, dilation=m.dilation, **extra)
    for (k, a), (_, b) in zip(m.state_dict().items(), ref.state_dict().items()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=k)


def test_unbatched_and_dtype_and_double():
    def run(T):
        out = []
        m = T.nn.LazyConv1d(2, 3, dtype=T.float64)
        T.manual_seed(1)
        out.append(m(T.ones(4, 9, dtype=T.float64)))
        m = T.nn.LazyLinear(2)
        m.double()
        out.append((type(m.weight).__name__, m.weight.dtype))
        T.manual_seed(2)
        out.append(m(T.ones(3, 5, dtype=T.float64)))
        m = T.nn.LazyBatchNorm2d().double()
        out.append((type(m.running_mean).__name__, m.running_mean.dtype))
        m(T.ones(2, 3, 2, 2, dtype=T.float64))
        out.append(dict(m.state_dict()))
        # (an unbatched instance norm input: num_features from dim 1, as PyTorch)
        m = T.nn.LazyInstanceNorm1d(affine=False, track_running_stats=False)
        out.append((m(T.ones(3, 4) + T.arange(4.0)), m.num_features))
        return out
    check(run)


def test_uninitialized_tensors_as_torch():
    def run(T):
        P, B = T.nn.UninitializedParameter, T.nn.UninitializedBuffer
        p, b = P(), B(dtype=T.float64)
        out = [repr(p), str(p), repr(b), p.size(), p.dtype, b.dtype, p.requires_grad,
               b.requires_grad, b.persistent, isinstance(p, T.nn.Parameter),
               isinstance(b, T.nn.Buffer), T.nn.parameter.is_lazy(p),
               T.nn.parameter.is_lazy(b), T.nn.parameter.is_lazy(T.ones(1)),
               P(requires_grad=False).requires_grad, B(persistent=False).persistent]
        q = copy.deepcopy(p)
        out += [type(q).__name__, q is not p]
        p.materialize((2, 3))
        b.materialize(4, dtype=T.float32)
        out += [type(p).__name__, p.shape, p.requires_grad, type(b).__name__, b.shape, b.dtype]
        return out
    check(run)
    for err in (lambda T: T.nn.UninitializedParameter().shape,
                lambda T: T.nn.UninitializedBuffer().shape,
                lambda T: T.nn.UninitializedParameter().share_memory_(),
                lambda T: T.nn.LazyConv2d(3, 2).weight.shape):
        check_error(lambda T: (), err)


def test_uninitialized_pickle():
    p = pickle.loads(pickle.dumps(ember.nn.UninitializedParameter(requires_grad=False)))
    assert type(p).__name__ == "UninitializedParameter" and not p.requires_grad


def test_state_dict_round_trips():
    def run(T):
        T.manual_seed(0)
        src = T.nn.Sequential(T.nn.LazyConv2d(3, 2), T.nn.LazyBatchNorm2d())
        src(T.ones(1, 2, 4, 4))
        dst = T.nn.Sequential(T.nn.LazyConv2d(3, 2), T.nn.LazyBatchNorm2d())
        keys = list(dst.state_dict())
        dst.load_state_dict(src.state_dict())   # materialises the lazy tensors
        loaded = (repr(dst), [type(p).__name__ for p in dst.parameters()],
                  dict(dst.state_dict()), dst[0].has_uninitialized_params())
        # (not ones: a constant input leaves BatchNorm only rounding noise, CPU-dependent)
        y = dst(T.arange(32.0).reshape(1, 2, 4, 4).sin())
        # lazy into lazy keeps both lazy
        a, b = T.nn.LazyLinear(2), T.nn.LazyLinear(2)
        b.load_state_dict(a.state_dict())
        return keys, loaded, repr(dst), y, repr(b), b.has_uninitialized_params()
    check(run, atol=1e-5)


def test_loaded_lazy_linear_checks_in_features():
    def run(T):
        m = T.nn.LazyLinear(2)
        m.load_state_dict(T.nn.Linear(4, 2).state_dict())
        return m(T.ones(1, 3))
    check(run)


LAZY_ERRORS = [
    lambda T: T.nn.Linear(3, 2).load_state_dict(T.nn.LazyLinear(2).state_dict()),
    lambda T: T.nn.LazyConv2d(4, 3, groups=2)(T.ones(1, 3, 5, 5)),
    lambda T: T.nn.LazyConv2d(4, 3)(T.ones(5, 5)),
    lambda T: T.nn.LazyConvTranspose3d(4, 3)(T.ones(1, 5, 5)),
    lambda T: T.nn.LazyBatchNorm2d()(T.ones(2, 3)),
    lambda T: T.nn.modules.lazy.LazyModuleMixin.initialize_parameters(T.nn.LazyLinear(2)),
]


@pytest.mark.parametrize("i", range(len(LAZY_ERRORS)))
def test_lazy_errors_as_torch(i):
    check_error(lambda T: (), LAZY_ERRORS[i])


def test_failed_forward_leaves_module_lazy():
    m = ember.nn.LazyConv2d(4, 3, groups=2)
    with pytest.raises(ValueError):
        m(ember.ones(1, 3, 5, 5))
    assert type(m).__name__ == "LazyConv2d" and m.has_uninitialized_params()
    m(ember.ones(1, 4, 5, 5))
    assert type(m).__name__ == "Conv2d" and m.in_channels == 4


USES = [lambda T, p: p + 1, lambda T, p: p.sum(), lambda T, p: p.detach(),
        lambda T, p: p.numel(), lambda T, p: p[0], lambda T, p: p.requires_grad_(False),
        lambda T, p: p.zero_(), lambda T, p: len(p), lambda T, p: p.view(-1),
        lambda T, p: T.nn.LazyLinear(2).requires_grad_(False),
        lambda T, p: T.nn.LazyLinear(2).zero_grad(),
        lambda T, p: T.optim.SGD(T.nn.LazyLinear(2).parameters(), lr=0.1)]


@pytest.mark.parametrize("i", range(len(USES)))
@pytest.mark.parametrize("which", ["UninitializedParameter", "UninitializedBuffer"])
def test_using_uninitialized_tensors_as_torch(i, which):
    # The same outcome; a refusal is torch's ValueError, whose text names the
    # method as each library spells it.
    import re
    from compare_torch import _torch, run
    outcomes = []
    for T in (_torch(), ember):
        result, exc = run(lambda T: USES[i](T, getattr(T.nn, which)()), T)
        text = None if exc is None else re.sub(r"<[^>]*>", "<method>", str(exc))
        outcomes.append((type(exc).__name__, text and text.replace("torch", "ember"),
                         type(result).__name__ if exc is None else None))
    assert outcomes[0] == outcomes[1]
