"""torch.embedding, F.embedding, embedding_renorm_ and nn.Embedding against
PyTorch: values, weight gradients, padding_idx, scale_grad_by_freq, max_norm
(its in-place effect on weight), reprs, init, state_dict, errors, double
backward, and a few SGD steps."""
import numpy as np
import pytest

import ember
from compare_torch import check, check_error

torch = pytest.importorskip("torch")


def F(T):
    return T.nn.functional


def _weight(T, n=7, d=3, dtype=None, seed=0, scale=1.0):
    w = np.random.default_rng(seed).standard_normal((n, d)) * scale
    return T.tensor(w, dtype=dtype or T.float32, requires_grad=True)


def _lookup(T, idx, dtype=None, grad_seed=1, **kwargs):
    """F.embedding of `idx` (a nested list), its backward with a fixed
    random gradient: (output, weight after, weight.grad)."""
    w = _weight(T, dtype=dtype)
    i = T.tensor(idx, dtype=kwargs.pop("index_dtype", T.int64))
    y = F(T).embedding(i, w, **kwargs)
    g = np.random.default_rng(grad_seed).standard_normal(tuple(y.shape))
    y.backward(T.tensor(g, dtype=y.dtype))
    return y, w.detach(), w.grad


INDEX_CASES = [3, [4], [0, 6, 2, 2], [[1, 2, 1], [4, 5, 6]], [[[0, 1], [1, 1]], [[5, 5], [2, 6]]],
               [[]]]


@pytest.mark.parametrize("idx", INDEX_CASES, ids=range(len(INDEX_CASES)))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_lookup_and_gradient(idx, dtype):
    check(lambda T: _lookup(T, idx, getattr(T, dtype)), rtol=1e-6)


@pytest.mark.parametrize("kwargs", [
    {"padding_idx": 2}, {"padding_idx": -5}, {"padding_idx": 0}, {"scale_grad_by_freq": True},
    {"padding_idx": 1, "scale_grad_by_freq": True}, {"index_dtype": "int32"},
    {"index_dtype": "int32", "padding_idx": 2, "scale_grad_by_freq": True}])
def test_padding_and_frequency_scaling(kwargs):
    def run(T):
        kw = dict(kwargs)
        if "index_dtype" in kw:
            kw["index_dtype"] = getattr(T, kw["index_dtype"])
        return _lookup(T, [[1, 2, 1, 2], [2, 0, 6, 2]], **kw)
    y, _, g = check(run, rtol=1e-6)
    if "padding_idx" in kwargs:
        assert g[kwargs["padding_idx"]].abs().sum().item() == 0


def test_torch_embedding_takes_padding_idx_as_is():
    # torch.embedding itself does not wrap a negative padding_idx, nor check it.
    for p in (-3, 10, 1):
        check(lambda T: _torch_embedding(T, p))


def _torch_embedding(T, p):
    w = _weight(T, 4, 2)
    y = T.embedding(w, T.tensor([0, 1, 1, 3]), p, True)
    y.backward(T.ones(4, 2) * T.arange(4.0)[:, None])
    return y, w.grad


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, 0.5, float("inf"), 0.0])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_max_norm_renormalises_rows_in_place(norm_type, dtype):
    def run(T):
        w = _weight(T, 6, 4, getattr(T, dtype), scale=2.0)
        v0 = w._version
        y = F(T).embedding(T.tensor([[0, 2, 2], [5, 0, 3]]), w, max_norm=1.5, norm_type=norm_type)
        y.sum().backward()
        return y, w.detach(), w.grad, w._version - v0
    check(run, rtol=1e-6)


def test_max_norm_through_the_module_and_the_scale_used():
    w = np.array([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]])
    e = ember.nn.Embedding.from_pretrained(ember.tensor(w), max_norm=1.0)
    e(ember.tensor([0, 0, 1]))
    # rows scaled by max_norm / (norm + 1e-7); row 2 not looked up, row 1 within the norm
    np.testing.assert_allclose(e.weight.numpy(), [[3 / (5 + 1e-7), 4 / (5 + 1e-7)],
                                                  [0.3, 0.4], [6.0, 8.0]], rtol=1e-15)
    check(lambda T: T.nn.Embedding.from_pretrained(T.tensor(w), max_norm=1.0, norm_type=1.0)(
        T.tensor([2, 1, 0])), exact=False, rtol=1e-12)


def test_embedding_renorm_directly():
    def run(T, p):
        x = T.tensor([[3.0, 4.0], [1.0, 0.0], [0.0, -5.0], [2.0, 2.0]])
        r = T.embedding_renorm_(x, T.tensor([[0, 2], [-1, 0]]), 1.0, p)
        return r is x, x, x._version
    for p in (2.0, 1.0, -1.0, float("inf")):
        check(lambda T: run(T, p), rtol=1e-6)
    # negative max_norm: every row is "over", scaled by a negative factor
    check(lambda T: T.embedding_renorm_(T.tensor([[3.0, 4.0]]), T.tensor([0]), -1.0, 2.0))


def test_embedding_renorm_on_a_non_leaf_is_recorded_and_refuses_backward():
    for T in (ember, torch):
        w = T.ones(3, 2, requires_grad=True) * 2
        r = T.embedding_renorm_(w, T.tensor([0]), 1.0, 2.0)
        assert type(r.grad_fn).__name__ == "EmbeddingRenormBackward0"
        with pytest.raises(NotImplementedError,
                           match="the derivative for 'embedding_renorm' is not implemented"):
            r.sum().backward()


@pytest.mark.parametrize("op", [
    lambda T, w: T.embedding_renorm_(w, T.tensor([0]), 1.0, 2.0),
    lambda T, w: T.embedding_renorm_(w.detach(), T.tensor([1, 5]), 1.0, 2.0),
    lambda T, w: T.embedding_renorm_(w.detach(), T.tensor([0, -6]), 0.1, 2.0),
    lambda T, w: T.embedding_renorm_(w.detach(), T.tensor([1.0]), 1.0, 2.0),
    lambda T, w: T.embedding_renorm_(w.detach()[0], T.tensor([1]), 1.0, 2.0),
    lambda T, w: F(T).embedding(T.tensor([0, 7]), w, max_norm=0.1),
])
def test_renorm_errors_change_nothing(op):
    # (PyTorch renormalises the rows before a bad index; Ember checks first)
    check_error(lambda T: (_weight(T, 5, 3, scale=3.0),), op)


@pytest.mark.parametrize("op", [
    lambda T, w: F(T).embedding(T.tensor([0, 7]), w),
    lambda T, w: F(T).embedding(T.tensor([[0], [-1]]), w),
    lambda T, w: T.embedding(w, T.tensor([7])),
    lambda T, w: F(T).embedding(T.tensor([1], dtype=T.int16), w),
    lambda T, w: F(T).embedding(T.tensor([1], dtype=T.uint8), w),
    lambda T, w: F(T).embedding(T.tensor([True]), w),
    lambda T, w: F(T).embedding(T.tensor([1.0]), w),
    lambda T, w: F(T).embedding(T.tensor([1.0], dtype=T.bfloat16), w),
    lambda T, w: F(T).embedding(T.tensor([1]), w[0]),
    lambda T, w: F(T).embedding(T.tensor([1]), w, padding_idx=7),
    lambda T, w: F(T).embedding(T.tensor([1]), w, padding_idx=-8),
])
def test_errors(op):
    check_error(lambda T: (_weight(T),), op)


def test_sparse_gradients_are_refused_clearly():
    w = _weight(ember)
    with pytest.raises(NotImplementedError, match="sparse=True asks for a sparse gradient"):
        ember.nn.functional.embedding(ember.tensor([1]), w, sparse=True)
    with pytest.raises(NotImplementedError, match="Ember has no sparse tensors"):
        ember.nn.Embedding(4, 2, sparse=True)(ember.tensor([1]))
    # the lookup alone is fine: no gradient is asked for
    check(lambda T: _under_no_grad(T, lambda: F(T).embedding(T.tensor([[1, 2]]), _weight(T),
                                                             sparse=True)))
    check(lambda T: F(T).embedding(T.tensor([1, 2]), _weight(T).detach(), sparse=True))


def _under_no_grad(T, f):
    with T.no_grad():
        return f()


def test_gradcheck_and_gradgradcheck():
    idx = ember.tensor([[0, 3, 3], [5, 0, 1]])
    for kwargs in ({}, {"max_norm": 5.0}):
        w = _weight(ember, dtype=ember.float64)
        f = lambda w: ember.nn.functional.embedding(idx, w, **kwargs) ** 2
        assert ember.autograd.gradcheck(f, (w,), eps=1e-6, atol=1e-6)
        assert ember.autograd.gradgradcheck(f, (w,), eps=1e-6, atol=1e-5)
    # padding_idx and scale_grad_by_freq bend the gradient on purpose; its
    # own derivative (w.r.t. the incoming gradient) is still exact
    for kwargs in ({"padding_idx": 3}, {"scale_grad_by_freq": True}):
        w = _weight(ember, dtype=ember.float64)
        f = lambda w: ember.nn.functional.embedding(idx, w, **kwargs)
        assert ember.autograd.gradgradcheck(f, (w,), eps=1e-6, atol=1e-5)


def test_double_backward_node_names():
    def run(T):
        w = _weight(T, dtype=T.float64)
        y = F(T).embedding(T.tensor([[0, 3, 3], [5, 0, 1]]), w, padding_idx=5)
        g, = T.autograd.grad((y ** 2).sum(), w, create_graph=True)
        (g ** 2).sum().backward()
        return g, w.grad
    check(run, rtol=1e-12)


def test_embedding_module_init_repr_and_state_dict():
    cases = [((10, 3), {}), ((10, 3), {"padding_idx": -2, "max_norm": 1.0, "norm_type": 3.0,
                                       "scale_grad_by_freq": True, "sparse": True}),
             ((5, 2), {"max_norm": 2}), ((6, 4), {"padding_idx": 0, "dtype": "float64"}),
             ((3, 2), {"_freeze": True, "device": "cpu"})]
    for args, kwargs in cases:
        def run(T):
            kw = dict(kwargs)
            if "dtype" in kw:
                kw["dtype"] = getattr(T, kw["dtype"])
            T.manual_seed(7)
            m = T.nn.Embedding(*args, **kw)
            return (repr(m), m.weight, m.padding_idx, m.weight.requires_grad,
                    list(m.state_dict()), [p.shape for p in m.parameters()])
        check(run, exact=True)


def test_embedding_module_given_weight_and_from_pretrained():
    def run(T):
        w = T.arange(12.0).reshape(4, 3)
        a = T.nn.Embedding(4, 3, padding_idx=1, _weight=w)
        b = T.nn.Embedding.from_pretrained(w, padding_idx=1)
        c = T.nn.Embedding.from_pretrained(w, freeze=False, max_norm=2.0, sparse=False)
        return (repr(a), a.weight, a.weight.requires_grad, repr(b), b.weight.requires_grad,
                b(T.tensor([1, 2])), repr(c), c.weight.requires_grad)
    check(run, exact=True)


@pytest.mark.parametrize("op", [
    lambda T: T.nn.Embedding(10, 3, padding_idx=10),
    lambda T: T.nn.Embedding(10, 3, padding_idx=-11),
    lambda T: T.nn.Embedding(10, 3, _weight=T.zeros(3, 3)),
    lambda T: T.nn.Embedding.from_pretrained(T.zeros(3)),
])
def test_module_errors(op):
    check(op)


def test_sgd_steps_match_torch():
    def run(T):
        T.manual_seed(0)
        emb = T.nn.Embedding(12, 5, padding_idx=3, max_norm=2.5, scale_grad_by_freq=True)
        head = T.nn.Linear(5, 4)
        opt = T.optim.SGD(list(emb.parameters()) + list(head.parameters()), lr=0.3,
                          momentum=0.9)
        batches = [[[1, 3, 4, 4], [11, 0, 3, 2]], [[5, 5, 5, 6], [7, 8, 3, 1]],
                   [[0, 1, 2, 3], [9, 10, 11, 4]]]
        losses = []
        for b in batches:
            x = T.tensor(b)
            loss = F(T).cross_entropy(head(emb(x)).reshape(-1, 4), (x % 4).reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.detach())
        return losses, emb.weight.detach(), head.weight.detach()
    check(run, rtol=1e-5, atol=1e-6)


def test_gradient_of_many_repeats():
    # repeats summed in index order, as ATen's CPU kernel adds them: in
    # float64 to the bit; in float32 Ember rounds once, at the end
    idx = np.random.default_rng(3).integers(0, 9, size=(40, 7))
    check(lambda T: _big(T, idx, T.float64), exact=True)
    check(lambda T: _big(T, idx, T.float32), rtol=1e-6, atol=1e-6)


def _big(T, idx, dtype):
    w = _weight(T, 9, 6, dtype)
    y = F(T).embedding(T.tensor(idx), w)
    y.backward(T.tensor(np.random.default_rng(4).standard_normal(tuple(y.shape)), dtype=dtype))
    return y, w.grad
