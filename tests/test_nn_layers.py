"""The small layers and functions of torch.nn: Bilinear, LazyLinear,
ParameterList, ParameterDict, CosineSimilarity, PairwiseDistance, Unflatten,
F.one_hot, F.normalize, F.cosine_similarity, F.pairwise_distance, F.pdist:
against PyTorch (values, gradients, init after manual_seed, reprs,
state_dict, errors), with gradcheck and gradgradcheck in float64."""
import copy

import numpy as np
import pytest

import ember
import ember.nn.functional as EF
from ember.autograd import gradcheck, gradgradcheck
from compare_torch import chain, check, check_error


def _torch():
    return pytest.importorskip("torch")


# -- Bilinear --------------------------------------------------------------------------
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("batch", [(), (5,), (2, 3)])
def test_bilinear_module_as_torch(bias, batch):
    rng = np.random.RandomState(0)
    a, b = rng.randn(*batch, 3), rng.randn(*batch, 4)

    def run(T):
        T.manual_seed(11)
        m = T.nn.Bilinear(3, 4, 5, bias=bias)
        x1 = T.tensor(a, dtype=T.float32, requires_grad=True)
        x2 = T.tensor(b, dtype=T.float32, requires_grad=True)
        y = m(x1, x2)
        grads = T.autograd.grad((y * y).sum(), [x1, x2, *m.parameters()])
        return (repr(m), dict(m.state_dict()), y, grads,
                [n for n, _ in m.named_parameters()])
    check(run, rtol=1e-5, atol=1e-6)


def test_bilinear_graph_and_dtype_as_torch():
    def run(T):
        T.manual_seed(2)
        m = T.nn.Bilinear(2, 3, 4, dtype=T.float64)
        y = m(T.ones(2, 5, 2, dtype=T.float64, requires_grad=True), T.ones(2, 5, 3, dtype=T.float64))
        return y, m.weight.dtype
    check(run, rtol=1e-12)
    torch = _torch()
    for T in (ember, torch):
        a = T.ones(2, 3, requires_grad=True)
        y = T.bilinear(a, T.ones(2, 4), T.ones(5, 3, 4, requires_grad=True), T.ones(5))
        if T is ember:
            mine = chain(y)
        else:
            assert mine == chain(y)


def test_bilinear_gradcheck():
    ember.manual_seed(0)
    x1 = ember.randn(2, 3, 2, dtype=ember.float64, requires_grad=True)
    x2 = ember.randn(2, 3, 4, dtype=ember.float64, requires_grad=True)
    w = ember.randn(5, 2, 4, dtype=ember.float64, requires_grad=True)
    b = ember.randn(5, dtype=ember.float64, requires_grad=True)
    assert gradcheck(EF.bilinear, (x1, x2, w, b))
    assert gradgradcheck(EF.bilinear, (x1, x2, w, b))
    assert gradgradcheck(lambda p, q, r: EF.bilinear(p, q, r), (x1[0, 0], x2[0, 0], w))


BILINEAR_ERRORS = [
    lambda T, a, b, w: T.nn.functional.bilinear(a, b[:1], w),
    lambda T, a, b, w: T.nn.functional.bilinear(a, b[:, :3], w),
    lambda T, a, b, w: T.nn.functional.bilinear(a[:, :2], b, w),
    lambda T, a, b, w: T.nn.functional.bilinear(a, b, w, T.ones(2)),
    lambda T, a, b, w: T.nn.functional.bilinear(a, b.unsqueeze(0), w),
    lambda T, a, b, w: T.bilinear(a, b, w[0]),
    lambda T, a, b, w: T.nn.Bilinear(0, 2, 3),
]


@pytest.mark.parametrize("i", range(len(BILINEAR_ERRORS)))
def test_bilinear_errors_as_torch(i):
    check_error(lambda T: (T.ones(2, 3, requires_grad=True), T.ones(2, 4),
                           T.ones(5, 3, 4, requires_grad=True)), BILINEAR_ERRORS[i])


# -- LazyLinear ------------------------------------------------------------------------
@pytest.mark.parametrize("bias", [True, False])
def test_lazy_linear_as_torch(bias):
    values = np.random.RandomState(1).randn(4, 7)

    def run(T):
        m = T.nn.LazyLinear(3, bias=bias)
        before = (repr(m), type(m).__name__, type(m.weight).__name__, repr(m.weight),
                  m.has_uninitialized_params(), list(m.state_dict()))
        T.manual_seed(5)
        x = T.tensor(values, dtype=T.float32)
        y = m(x)
        after = (repr(m), type(m).__name__, type(m.weight).__name__, m.in_features,
                 isinstance(m, T.nn.Linear), dict(m.state_dict()))
        return before, after, y, T.autograd.grad(y.sum(), list(m.parameters())), m(x * 2)
    check(run)


def test_lazy_linear_uninitialized_errors_and_loading():
    check_error(lambda T: (), lambda T: T.nn.LazyLinear(3).weight.shape)

    def run(T):
        T.manual_seed(0)
        src = T.nn.Linear(4, 2)
        m = T.nn.LazyLinear(2)
        m.load_state_dict(src.state_dict())
        return repr(m), m.weight, m.bias, type(m.weight).__name__, m(T.ones(1, 4))
    check(run)


def test_lazy_linear_deepcopy_before_forward():
    m = ember.nn.LazyLinear(3, dtype=ember.float64)
    m2 = copy.deepcopy(m)
    assert type(m2.weight).__name__ == "UninitializedParameter"
    m2(ember.ones(2, 5, dtype=ember.float64))
    assert type(m2).__name__ == "Linear" and m2.weight.dtype is ember.float64
    assert m2.weight.shape == (3, 5)
    assert type(m).__name__ == "LazyLinear"


# -- ParameterList and ParameterDict -------------------------------------------------
def test_parameter_list_as_torch():
    def run(T):
        pl = T.nn.ParameterList([T.nn.Parameter(T.ones(3, 4)), T.zeros(2), "x",
                                 T.nn.Parameter(T.ones(1, dtype=T.float64))])
        pl.append(T.ones(2, 2, dtype=T.float64))
        pl.extend([T.nn.Parameter(T.zeros(5))])
        pl[1] = T.full((3,), 2.0)
        sliced = pl[1:5:2]
        return (repr(pl), len(pl), [n for n, _ in pl.named_parameters()], repr(sliced),
                type(sliced).__name__, pl[-1], pl[2], isinstance(pl[1], T.nn.Parameter),
                [type(p).__name__ for p in pl], repr(T.nn.ParameterList()),
                list(pl.state_dict()))
    check(run)


@pytest.mark.parametrize("i", range(4))
def test_parameter_list_errors_as_torch(i):
    op = [lambda T, pl: pl[5], lambda T, pl: pl.extend(T.ones(3)), lambda T, pl: pl(1),
          lambda T, pl: pl.extend(3)][i]
    check_error(lambda T: (), lambda T: op(T, T.nn.ParameterList([T.ones(1), T.ones(2)])))


def test_parameter_dict_as_torch():
    def run(T):
        pd = T.nn.ParameterDict({"b": T.ones(3), "a": T.nn.Parameter(T.ones(2, 2, dtype=T.float64)),
                                 "c": 3})
        pd["d"] = T.zeros(1, 4)
        pd.update([("e", T.ones(2)), ("f", T.nn.Parameter(T.ones(1)))])
        first = (repr(pd), list(pd.keys()), [n for n, _ in pd.named_parameters()], len(pd),
                 "a" in pd, "z" in pd, pd.get("z", 7), list(reversed(pd)))
        popped = pd.pop("b")
        item = pd.popitem()
        default = pd.setdefault("g", T.ones(1))
        merged = pd | T.nn.ParameterDict({"h": T.ones(3)})
        pd |= {"i": T.zeros(2)}
        copied = pd.copy()
        keys = T.nn.ParameterDict().fromkeys(["p", "q"], T.ones(1))
        del pd["a"]
        return (first, popped, item[0], default, repr(merged), repr(pd), repr(copied),
                repr(keys), list(pd.state_dict()), [k for k, _ in pd.items()],
                len(list(pd.values())), pd.clear(), len(pd))
    check(run)


@pytest.mark.parametrize("i", range(5))
def test_parameter_dict_errors_as_torch(i):
    op = [lambda T, pd: pd[1], lambda T, pd: pd.update(3), lambda T, pd: pd.update([1]),
          lambda T, pd: pd.update([("a", T.ones(1), 3)]), lambda T, pd: pd(1)][i]
    check_error(lambda T: (), lambda T: op(T, T.nn.ParameterDict({"x": T.ones(1)})))


def test_parameter_containers_train_with_an_optimizer():
    def run(T):
        T.manual_seed(0)
        pl = T.nn.ParameterList([T.randn(3), T.randn(2, 3)])
        pd = T.nn.ParameterDict({"w": T.randn(3)})
        opt = T.optim.SGD(list(pl.parameters()) + list(pd.parameters()), lr=0.1)
        for _ in range(3):
            opt.zero_grad()
            loss = ((pl[1] @ pl[0]) ** 2).sum() + (pd["w"] * pl[0]).sum()
            loss.backward()
            opt.step()
        return list(pl), pd["w"]
    check(run, rtol=1e-5)


# -- distances ---------------------------------------------------------------------------
def test_distance_modules_as_torch():
    rng = np.random.RandomState(3)
    a, b = rng.randn(4, 5, 3), rng.randn(4, 5, 3)

    def run(T):
        x1 = T.tensor(a, requires_grad=True)
        x2 = T.tensor(b, requires_grad=True)
        outs = [T.nn.CosineSimilarity()(x1, x2), T.nn.CosineSimilarity(2, 1e-3)(x1, x2),
                T.nn.PairwiseDistance()(x1, x2), T.nn.PairwiseDistance(1.5, 1e-2, True)(x1, x2),
                T.nn.functional.cosine_similarity(x1, x2, -1),
                T.nn.functional.pairwise_distance(x1, x2, 3.0, keepdim=True),
                T.nn.functional.pdist(x1[0], 1.5), T.nn.functional.pdist(x1[1])]
        reprs = [repr(T.nn.CosineSimilarity(0)), repr(T.nn.PairwiseDistance(p=1))]
        return outs, reprs, T.autograd.grad(sum(o.sum() for o in outs), [x1, x2])
    check(run, rtol=1e-10)


def test_distance_gradcheck():
    ember.manual_seed(4)
    a = ember.randn(3, 4, dtype=ember.float64, requires_grad=True)
    b = ember.randn(3, 4, dtype=ember.float64, requires_grad=True)
    for fn, xs in ((EF.cosine_similarity, (a, b)), (EF.pairwise_distance, (a, b)),
                   (lambda p: EF.normalize(p, 3.0, 0), (a,))):
        assert gradcheck(fn, xs)
        assert gradgradcheck(fn, xs)
    assert gradcheck(lambda p: EF.pdist(p, 1.5), (a,))     # (PyTorch has no second derivative)


# -- normalize ---------------------------------------------------------------------------
@pytest.mark.parametrize("kw", [{}, {"p": 1.0}, {"p": 3.0, "dim": 0}, {"dim": -1, "eps": 0.5},
                                {"p": float("inf"), "dim": 2}])
def test_normalize_as_torch(kw):
    values = np.random.RandomState(5).randn(2, 3, 5)
    values[0, :, 1] = 0     # a zero vector: eps keeps it finite

    def run(T):
        x = T.tensor(values, requires_grad=True)
        y = T.nn.functional.normalize(x, **kw)
        return y, T.autograd.grad((y * y.detach().cos()).sum(), x)
    check(run, rtol=1e-10, atol=1e-14)


def test_normalize_out_as_torch():
    def run(T):
        x = T.tensor([[3.0, 4.0], [0.0, 0.0]])
        out = T.empty(2, 2)
        r = T.nn.functional.normalize(x, out=out)
        return r is out, out
    check(run)


# -- one_hot -----------------------------------------------------------------------------
def test_one_hot_as_torch():
    def run(T):
        F = T.nn.functional
        return (F.one_hot(T.tensor([1, 3, 0])), F.one_hot(T.tensor([[1], [2]]), 5),
                F.one_hot(T.tensor(2)), F.one_hot(T.tensor([], dtype=T.int64), 3),
                F.one_hot(T.tensor([[0, 1], [1, 0]]), num_classes=2))
    check(run, exact=True)


@pytest.mark.parametrize("args", [([1, 7, -2], -1), ([1, 7, 2], 5), ([], -1), ([], 0),
                                  ([1, 2], -2), ([1, 2], 2)])
def test_one_hot_errors_as_torch(args):
    values, n = args
    check_error(lambda T: (T.tensor(values, dtype=T.int64),),
                lambda T, x: T.nn.functional.one_hot(x, n))


@pytest.mark.parametrize("dtype", ["float32", "int32", "uint8"])
def test_one_hot_wants_int64_as_torch(dtype):
    check_error(lambda T: (T.tensor([1, 2], dtype=getattr(T, dtype)),),
                lambda T, x: T.nn.functional.one_hot(x))


# -- Unflatten ------------------------------------------------------------------------------
def test_unflatten_as_torch():
    def run(T):
        m = T.nn.Unflatten(1, (2, 3))
        return repr(m), m(T.arange(12.0).reshape(2, 6)), repr(T.nn.Unflatten(-1, [3, -1]))
    check(run)


@pytest.mark.parametrize("size", [(("a", 2), ("b", 3)), 6, (2, 3.0)])
def test_unflatten_takes_ints_only_as_torch(size):
    check_error(lambda T: (), lambda T: T.nn.Unflatten(1, size))


def test_identity_takes_any_arguments():
    def run(T):
        m = T.nn.Identity(54, unused="argumentless")
        x = T.ones(2, requires_grad=True)
        return repr(m), m(x) is x
    check(run)
