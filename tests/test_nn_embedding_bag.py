"""torch.embedding_bag, F.embedding_bag and nn.EmbeddingBag against PyTorch:
every mode with offsets or 2-D input, include_last_offset, per_sample_weights,
padding_idx, empty bags, scale_grad_by_freq, max_norm; gradients of weight
and per_sample_weights; the bookkeeping outputs; reprs, init; errors; and
gradcheck + gradgradcheck (PyTorch has no double backward here; Ember's is
checked against finite differences)."""
import numpy as np
import pytest

import ember
from compare_torch import check, check_error

torch = pytest.importorskip("torch")

MODES = ["sum", "mean", "max"]
INDICES = [1, 2, 1, 4, 5, 9, 0, 3, 3, 7, 2]


def F(T):
    return T.nn.functional


def _weight(T, n=10, d=3, dtype=None, seed=0, scale=1.0):
    w = np.random.default_rng(seed).standard_normal((n, d)) * scale
    return T.tensor(w, dtype=dtype or T.float32, requires_grad=True)


def _bag(T, offsets, mode, psw=False, dtype=None, indices=INDICES, **kwargs):
    """F.embedding_bag and its backward with a fixed random gradient:
    (output, weight.grad, per_sample_weights.grad)."""
    dtype = dtype or T.float32
    w = _weight(T, dtype=dtype)
    i = T.tensor(indices)
    p = None
    if psw:
        p = T.tensor(np.linspace(-1.5, 2.0, len(indices)), dtype=dtype, requires_grad=True)
    o = None if offsets is None else T.tensor(offsets)
    y = F(T).embedding_bag(i, w, o, mode=mode, per_sample_weights=p, **kwargs)
    g = np.random.default_rng(1).standard_normal(tuple(y.shape))
    y.backward(T.tensor(g, dtype=dtype))
    return y, w.grad, None if p is None else p.grad


OFFSETS = [[0, 2, 2, 5, 11], [0, 3, 6, 9], [0], [0, 0, 0, 4, 11, 11]]


# (one offset with include_last_offset makes no bag: PyTorch crashes there)
BAG_CASES = [(o, m, last) for o in OFFSETS for m in MODES for last in (False, True)
             if not (last and len(o) == 1)]


@pytest.mark.parametrize("offsets,mode,last", BAG_CASES)
def test_modes_offsets_and_empty_bags(offsets, mode, last):
    # A last offset short of the input's end: ATen's kernels let the last bag
    # run on to the end, but for its float32/16 'sum' fast path, which stops
    # there; Ember does the former, so the comparison is in float64 there.
    short = last and offsets[-1] < len(INDICES)
    check(lambda T: _bag(T, offsets, mode, include_last_offset=last,
                         dtype=T.float64 if short else T.float32), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("padding_idx", [3, -7, 1, 0])
@pytest.mark.parametrize("mode", MODES)
def test_padding_idx_left_out_of_bags(padding_idx, mode):
    # [0, 3, 3, 7]: bag 1 (3, 3) holds only padding when padding_idx is 3
    offs = [0, 2, 7, 9, 9]
    y, g, _ = check(lambda T: _bag(T, offs, mode, padding_idx=padding_idx), rtol=1e-5,
                    atol=1e-6)
    assert g[padding_idx].abs().sum().item() == 0


@pytest.mark.parametrize("padding_idx", [None, 2])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_per_sample_weights(padding_idx, dtype):
    check(lambda T: _bag(T, [0, 4, 4, 11], "sum", psw=True, dtype=getattr(T, dtype),
                         padding_idx=padding_idx, include_last_offset=True), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("mode", ["sum", "mean"])
@pytest.mark.parametrize("psw", [False, True])
def test_scale_grad_by_freq(mode, psw):
    """Each index's gradient divided by its count in the batch, as
    F.embedding(scale_grad_by_freq=True) followed by the bags' reduction
    gives it in PyTorch. (PyTorch's own embedding_bag miscounts: an index
    seen once gets half its gradient.)"""
    if psw and mode == "mean":
        return
    i, offs = INDICES, [0, 3, 5]
    bag = np.searchsorted(offs, np.arange(len(i)), side="right") - 1
    g = np.random.default_rng(1).standard_normal((len(offs), 3))
    p = np.linspace(-1.5, 2.0, len(i))
    w = np.random.default_rng(0).standard_normal((10, 3))

    def composed(T):
        wt = T.tensor(w, requires_grad=True)
        rows = F(T).embedding(T.tensor(i), wt, padding_idx=2, scale_grad_by_freq=True)
        rows = rows * T.tensor(np.array(i) != 2, dtype=T.float64)[:, None]   # out of the bags
        if psw:
            rows = rows * T.tensor(p)[:, None]
        sums = T.zeros(len(offs), 3, dtype=T.float64).index_add(0, T.tensor(bag), rows)
        if mode == "mean":
            sums = sums / T.tensor(np.bincount(bag[np.array(i) != 2]), dtype=T.float64)[:, None]
        sums.backward(T.tensor(g))
        return sums.detach(), wt.grad
    want_y, want_g = composed(torch)
    wt = ember.tensor(w, requires_grad=True)
    y = ember.nn.functional.embedding_bag(
        ember.tensor(i), wt, ember.tensor(offs), mode=mode, scale_grad_by_freq=True,
        padding_idx=2, per_sample_weights=ember.tensor(p) if psw else None)
    y.backward(ember.tensor(g))
    np.testing.assert_allclose(y.detach().numpy(), want_y.numpy(), rtol=1e-12)
    np.testing.assert_allclose(wt.grad.numpy(), want_g.numpy(), rtol=1e-12)
    assert ember.autograd.gradgradcheck(
        lambda wt: ember.nn.functional.embedding_bag(ember.tensor(i), wt, ember.tensor(offs),
                                                     mode=mode, scale_grad_by_freq=True),
        (wt,))


@pytest.mark.parametrize("mode", MODES)
def test_two_dimensional_input(mode):
    idx = [[1, 2, 1, 4], [5, 9, 0, 3], [3, 3, 7, 2]]
    check(lambda T: _bag(T, None, mode, indices=idx), rtol=1e-5, atol=1e-6)
    if mode == "sum":
        check(lambda T: _bag(T, None, mode, indices=idx, psw=True, padding_idx=3), rtol=1e-5,
              atol=1e-6)


def test_int32_indices_and_offsets():
    def run(T):
        w = _weight(T)
        y = F(T).embedding_bag(T.tensor(INDICES, dtype=T.int32), w,
                               T.tensor([0, 4, 4], dtype=T.int32), mode="max")
        y.sum().backward()
        return y, w.grad
    check(run, rtol=1e-6)


@pytest.mark.parametrize("mode", MODES)
def test_max_norm(mode):
    def run(T):
        w = _weight(T, scale=2.0)
        y = F(T).embedding_bag(T.tensor(INDICES), w, T.tensor([0, 4, 9]), max_norm=1.2,
                               norm_type=3.0, mode=mode)
        y.sum().backward()
        return y, w.detach(), w.grad
    check(run, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("mode", [0, 1, 2])
@pytest.mark.parametrize("padding_idx", [None, 1, -1])
@pytest.mark.parametrize("last", [False, True])
def test_torch_embedding_bag_bookkeeping_outputs(mode, padding_idx, last):
    def run(T):
        w = _weight(T, 6, 3, T.float64)
        return T.embedding_bag(w, T.tensor([1, 2, 1, 4, 5, 1, 0]), T.tensor([0, 2, 2, 5]), False,
                               mode, False, None, last, padding_idx)
    check(run, rtol=1e-12)


def test_torch_embedding_bag_with_weights_and_frequency():
    def run(T):
        w = _weight(T, 6, 3, T.float64)
        p = T.tensor([0.5, -1.0, 2.0, 1.5, 0.25, 3.0, -2.0], dtype=T.float64, requires_grad=True)
        out = T.embedding_bag(w, T.tensor([1, 2, 1, 4, 5, 1, 0]), T.tensor([0, 2, 2, 5]), True,
                              0, False, p, False, 4)
        out[0].backward(T.ones(4, 3, dtype=T.float64) * T.arange(4.0, dtype=T.float64)[:, None])
        return out, w.grad, p.grad
    check(run, rtol=1e-12)


def test_gradcheck_and_gradgradcheck():
    i = ember.tensor(INDICES)
    o = ember.tensor([0, 2, 2, 5, 8])
    for mode in MODES:
        for kwargs in ({}, {"padding_idx": 3}, {"include_last_offset": True}):
            w = _weight(ember, dtype=ember.float64)
            f = lambda w: ember.nn.functional.embedding_bag(i, w, o, mode=mode, **kwargs)
            assert ember.autograd.gradcheck(f, (w,), eps=1e-6, atol=1e-6)
            assert ember.autograd.gradgradcheck(f, (w,), eps=1e-6, atol=1e-5)
    w = _weight(ember, dtype=ember.float64)
    p = ember.tensor(np.linspace(-1.5, 2.0, len(INDICES)), requires_grad=True)
    f = lambda w, p: ember.nn.functional.embedding_bag(i, w, o, mode="sum", per_sample_weights=p,
                                                       padding_idx=2) ** 2
    assert ember.autograd.gradcheck(f, (w, p), eps=1e-6, atol=1e-6)
    assert ember.autograd.gradgradcheck(f, (w, p), eps=1e-6, atol=1e-5)


def test_double_backward_node_name():
    for T in (ember, torch):
        w = _weight(T, dtype=T.float64)
        y = F(T).embedding_bag(T.tensor(INDICES), w, T.tensor([0, 4]), mode="sum")
        g, = T.autograd.grad((y ** 2).sum(), w, create_graph=True)
        assert type(g.grad_fn).__name__ == "EmbeddingBagBackwardBackward0"


def test_module_init_repr_and_state_dict():
    cases = [((5, 2), {}), ((5, 2), {"max_norm": 1.0, "norm_type": 2.0, "scale_grad_by_freq": True,
                                     "mode": "sum", "sparse": True, "include_last_offset": True,
                                     "padding_idx": 1}),
             ((5, 2), {"norm_type": 3.0, "mode": "max"}), ((6, 3), {"padding_idx": -2}),
             ((4, 3), {"dtype": "float64", "device": "cpu"})]
    for args, kwargs in cases:
        def run(T):
            kw = dict(kwargs)
            if "dtype" in kw:
                kw["dtype"] = getattr(T, kw["dtype"])
            T.manual_seed(5)
            m = T.nn.EmbeddingBag(*args, **kw)
            return (repr(m), m.weight, m.padding_idx, m.mode, m.include_last_offset,
                    list(m.state_dict()))
        check(run, exact=True)


def test_module_forward_and_from_pretrained():
    def run(T):
        w = T.arange(15.0).reshape(5, 3)
        a = T.nn.EmbeddingBag.from_pretrained(w, mode="sum", padding_idx=0)
        b = T.nn.EmbeddingBag.from_pretrained(w, freeze=False, mode="max",
                                              include_last_offset=True)
        i, o = T.tensor([0, 1, 4, 4, 2]), T.tensor([0, 2, 5])
        ya = a(i, o, per_sample_weights=T.tensor([1.0, 2.0, 0.5, 1.0, -1.0]))
        yb = b(i, o)
        yb.sum().backward()
        return (repr(a), a.weight.requires_grad, ya, repr(b), b.weight.requires_grad, yb,
                b.weight.grad)
    check(run, exact=True)


W = lambda T: (_weight(T),)      # noqa: E731
I = lambda T: T.tensor(INDICES)  # noqa: E731


@pytest.mark.parametrize("op", [
    lambda T, w: F(T).embedding_bag(I(T), w, T.tensor([1, 2])),
    lambda T, w: F(T).embedding_bag(I(T), w, T.tensor([0, 2, 12])),
    lambda T, w: F(T).embedding_bag(I(T), w, T.tensor([0, 2, 12]), include_last_offset=True),
    lambda T, w: F(T).embedding_bag(I(T), w, T.tensor([[0, 2]])),
    lambda T, w: F(T).embedding_bag(I(T), w),
    lambda T, w: F(T).embedding_bag(I(T).view(1, 11), w, T.tensor([0])),
    lambda T, w: F(T).embedding_bag(I(T).view(1, 11, 1), w),
    lambda T, w: F(T).embedding_bag(I(T), w, T.tensor([0]), mode="median"),
    lambda T, w: F(T).embedding_bag(I(T), w, T.tensor([0]), mode="max", scale_grad_by_freq=True),
    lambda T, w: F(T).embedding_bag(I(T), w, T.tensor([0]), mode="max", sparse=True),
    lambda T, w: F(T).embedding_bag(I(T), w, T.tensor([0]), mode="mean",
                                    per_sample_weights=T.ones(11)),
    lambda T, w: F(T).embedding_bag(I(T), w, T.tensor([0]), mode="sum",
                                    per_sample_weights=T.ones(3)),
    lambda T, w: F(T).embedding_bag(I(T), w, T.tensor([0]), mode="sum",
                                    per_sample_weights=T.ones(11, dtype=T.float64)),
    lambda T, w: F(T).embedding_bag(I(T), w[0], T.tensor([0])),
    # (PyTorch's message for a bad index varies with the kernel: the generic
    # one's is Ember's, for every mode and dtype)
    lambda T, w: F(T).embedding_bag(T.tensor([0, 10]), w.double(), T.tensor([0])),
    lambda T, w: F(T).embedding_bag(T.tensor([-1]), w.double(), T.tensor([0]), mode="sum"),
    lambda T, w: F(T).embedding_bag(T.tensor([0, 10]), w, T.tensor([0]), mode="max"),
    lambda T, w: F(T).embedding_bag(I(T).short(), w, T.tensor([0], dtype=T.int16)),
    lambda T, w: F(T).embedding_bag(I(T).float(), w, T.tensor([0])),
    lambda T, w: F(T).embedding_bag(I(T), w, T.tensor([0]), padding_idx=10),
    lambda T, w: F(T).embedding_bag(I(T), w, T.tensor([0]), padding_idx=-11),
    lambda T, w: F(T).embedding_bag(I(T), w, T.tensor([], dtype=T.int64),
                                    include_last_offset=True),
    lambda T, w: F(T).embedding_bag(I(T), w, T.tensor([0]), max_norm=1.0, mode="bad"),
    lambda T, w: T.embedding_bag(w, I(T), T.tensor([0]), False, 3),
    lambda T, w: T.embedding_bag(w, I(T), T.tensor([0]), False, 1, False, T.ones(11)),
])
def test_errors(op):
    check_error(W, op)


@pytest.mark.parametrize("op", [
    lambda T: T.nn.EmbeddingBag(10, 3, padding_idx=10),
    lambda T: T.nn.EmbeddingBag(10, 3, padding_idx=-11),
    lambda T: T.nn.EmbeddingBag(10, 3, _weight=T.zeros(3, 3)),
    lambda T: T.nn.EmbeddingBag.from_pretrained(T.zeros(3)),
])
def test_module_errors(op):
    check(op)


def test_sparse_and_crashing_cases_are_refused_clearly():
    w = _weight(ember)
    with pytest.raises(NotImplementedError, match="Ember has no sparse tensors"):
        ember.nn.functional.embedding_bag(ember.tensor(INDICES), w, ember.tensor([0]),
                                          sparse=True)
    # (PyTorch crashes on these)
    for offsets, last in (([], False), ([0], True)):
        with pytest.raises(RuntimeError, match="offsets name no bag, but indices has 11"):
            ember.nn.functional.embedding_bag(ember.tensor(INDICES), w,
                                              ember.tensor(offsets, dtype=ember.int64),
                                              include_last_offset=last)
    y = ember.nn.functional.embedding_bag(ember.tensor([], dtype=ember.int64), w,
                                          ember.tensor([], dtype=ember.int64))
    assert tuple(y.shape) == (0, 3)


def test_argument_order_warning():
    for T in (ember, torch):
        w = _weight(T).detach()
        with pytest.warns(UserWarning, match="Argument order of nn.functional.embedding_bag"):
            y = F(T).embedding_bag(w, T.tensor(INDICES), T.tensor([0, 3]))
        assert tuple(y.shape) == (2, 3)


def test_max_ties_go_to_the_first_position():
    def run(T):
        w = T.tensor([[1.0, 5.0], [2.0, 5.0], [2.0, 0.0], [0.0, 5.0]], dtype=T.float64,
                     requires_grad=True)
        out = T.embedding_bag(w, T.tensor([3, 1, 2, 0, 2, 1]), T.tensor([0, 3]), False, 2)
        out[0].backward(T.tensor([[1.0, 10.0], [100.0, 1000.0]], dtype=T.float64))
        return out, w.grad
    check(run, exact=True)
