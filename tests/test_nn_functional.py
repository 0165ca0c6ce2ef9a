"""ember.nn.functional and the loss/activation/dropout modules: values,
gradients and grad_fn names against PyTorch (skipped without it), gradcheck
and gradgradcheck of every node defined there, and analytic values.
"""
import math
import warnings

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F


def _torch():
    return pytest.importorskip("torch")


def msg(exc):
    return str(exc).replace("torch.", "ember.")


def test_softmax_family_analytic():
    x = ember.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], requires_grad=True)
    s = F.softmax(x, dim=1)
    e = np.exp([1.0, 2.0, 3.0])
    np.testing.assert_allclose(s.detach().numpy()[0], e / e.sum(), rtol=1e-6)
    np.testing.assert_allclose(s.detach().numpy()[1], [1 / 3] * 3, rtol=1e-6)
    assert s.grad_fn.name() == "SoftmaxBackward0"
    ls = F.log_softmax(x, 1)
    assert ls.grad_fn.name() == "LogSoftmaxBackward0"
    np.testing.assert_allclose(ls.detach().numpy(), np.log(s.detach().numpy()), rtol=1e-5)
    ls.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 1 - 3 * s.detach().numpy(), rtol=1e-5, atol=1e-6)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        F.softmax(x)


def test_functional_gradcheck():
    from ember.autograd import gradcheck, gradgradcheck
    ember.manual_seed(0)
    x = ember.randn(3, 4, dtype=ember.float64, requires_grad=True)
    t = ember.randn(3, 4, dtype=ember.float64, requires_grad=True)
    c = ember.tensor([0, 3, 1])
    for fn, inputs in (
        (lambda a: F.softmax(a, 1), (x,)), (lambda a: F.log_softmax(a, 0), (x,)),
        (lambda a, b: F.mse_loss(a, b), (x, t)),
        (lambda a, b: F.mse_loss(a, b, reduction="none"), (x, t)),
        (lambda a: F.cross_entropy(a, c), (x,)),
        (lambda a: F.nll_loss(a, c, reduction="none"), (x,)),
        (lambda a: F.leaky_relu(a, 0.1), (x,)),
        (lambda a, b: F.cross_entropy(a, F.softmax(b, 1), label_smoothing=0.1), (x, t)),
    ):
        assert gradcheck(fn, inputs)
        assert gradgradcheck(fn, inputs)


LOSS_CASES = [
    ("mse_loss", "float", dict()), ("mse_loss", "float", dict(reduction="sum")),
    ("mse_loss", "float", dict(reduction="none")), ("l1_loss", "float", dict()),
    ("l1_loss", "float", dict(reduction="sum")), ("l1_loss", "float", dict(reduction="none")),
    ("cross_entropy", "index", dict()), ("cross_entropy", "index", dict(reduction="sum")),
    ("cross_entropy", "index", dict(reduction="none")),
    ("cross_entropy", "index", dict(ignore_index=2)),
    ("cross_entropy", "index", dict(weight=[0.2, 1.0, 3.0, 0.5])),
    ("cross_entropy", "index", dict(label_smoothing=0.2)),
    ("cross_entropy", "index", dict(label_smoothing=0.1, weight=[0.2, 1.0, 3.0, 0.5],
                                    ignore_index=1)),
    ("cross_entropy", "prob", dict()), ("cross_entropy", "prob", dict(reduction="none")),
    ("cross_entropy", "prob", dict(label_smoothing=0.3, weight=[1.0, 2.0, 0.5, 1.0])),
    ("nll_loss", "index", dict()), ("nll_loss", "index", dict(reduction="none")),
]


@pytest.mark.parametrize("name,kind,kw", LOSS_CASES)
def test_losses_vs_torch(name, kind, kw):
    torch = _torch()
    rng = np.random.RandomState(0)
    x = rng.randn(5, 4).astype(np.float32)
    tgt = {"float": rng.randn(5, 4).astype(np.float32),
           "index": np.array([0, 2, 1, 3, 2]),
           "prob": rng.dirichlet(np.ones(4), 5).astype(np.float32)}[kind]
    out = []
    for lib in (torch, ember):
        xi = lib.tensor(x, requires_grad=True)
        kwi = dict(kw)
        if "weight" in kwi:
            kwi["weight"] = lib.tensor(kwi["weight"])
        loss = getattr(lib.nn.functional, name)(xi, lib.tensor(tgt), **kwi)
        loss.backward(lib.ones_like(loss))
        out.append((loss.grad_fn.name(), loss.detach().numpy(), xi.grad.numpy()))
    (tn, tv, tg), (en, ev, eg) = out
    assert en == tn
    assert ev.shape == tv.shape and ev.dtype == tv.dtype
    np.testing.assert_allclose(ev, tv, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(eg, tg, rtol=1e-5, atol=1e-6)


def test_loss_modules_and_errors_vs_torch():
    torch = _torch()
    cases = [
        lambda L: L.nn.functional.cross_entropy(L.zeros(4, 3), L.tensor([0, 3, 1, 2])),
        lambda L: L.nn.functional.cross_entropy(L.zeros(4, 3), L.tensor([0, 1])),
        lambda L: L.nn.functional.nll_loss(L.zeros(4, 3), L.tensor([0, 1, 1, 1]).int()),
        lambda L: L.nn.functional.mse_loss(L.zeros(4, 3), L.zeros(5, 3)),
        lambda L: L.nn.functional.mse_loss(L.zeros(2), L.zeros(2), reduction="foo"),
        lambda L: L.nn.functional.dropout(L.zeros(2), 1.5),
        lambda L: L.nn.functional.nll_loss(L.zeros(3), L.tensor([0, 1])),
    ]
    for case in cases:
        errs = []
        for lib in (torch, ember):
            with pytest.raises(Exception) as ei, warnings.catch_warnings():
                warnings.simplefilter("ignore")
                case(lib)
            errs.append((type(ei.value).__name__, msg(ei.value)))
        assert errs[0] == errs[1]
    x, c = np.random.RandomState(1).randn(6, 5).astype(np.float32), np.arange(6) % 5
    vals = [lib.nn.CrossEntropyLoss(ignore_index=4)(lib.tensor(x), lib.tensor(c)).item()
            for lib in (torch, ember)]
    np.testing.assert_allclose(vals[1], vals[0], rtol=1e-6)
    with pytest.warns(UserWarning, match="Using a target size"):
        F.mse_loss(ember.zeros(4, 3), ember.zeros(3))


def test_mse_loss_analytic():
    x = ember.tensor([1.0, 2.0, 4.0], requires_grad=True)
    t = ember.tensor([1.0, 0.0, 1.0])
    loss = nn.MSELoss()(x, t)
    assert loss.item() == pytest.approx(13 / 3) and loss.grad_fn.name() == "MseLossBackward0"
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.0, 4 / 3, 2.0], rtol=1e-6)
    assert nn.MSELoss(reduction="sum")(x, t).item() == 13
    assert nn.L1Loss()(x, t).item() == pytest.approx(5 / 3)


def test_cross_entropy_analytic():
    x = ember.zeros(2, 4, requires_grad=True)
    loss = nn.CrossEntropyLoss()(x, ember.tensor([1, 3]))
    assert loss.item() == pytest.approx(math.log(4), rel=1e-6)
    loss.backward()
    expected = np.full((2, 4), 0.125)
    expected[0, 1] = expected[1, 3] = 0.125 - 0.5
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-6)


def test_dropout_vs_torch_and_modes():
    torch = _torch()
    for p in (0.3, 0.5, 0.9):
        torch.manual_seed(7)
        ember.manual_seed(7)
        t = torch.nn.functional.dropout(torch.ones(6, 9, requires_grad=True), p)
        e = F.dropout(ember.ones(6, 9, requires_grad=True), p)
        assert np.array_equal(e.detach().numpy(), t.detach().numpy())
        assert e.grad_fn.name() == t.grad_fn.name() == "MulBackward0"
    d = nn.Dropout(0.5).eval()
    x = ember.ones(3)
    assert d(x) is x
    assert F.dropout(x, 1.0).tolist() == [0.0, 0.0, 0.0]


def test_activation_modules():
    x = ember.tensor([-1.0, 0.0, 2.0])
    assert nn.ReLU()(x).tolist() == [0.0, 0.0, 2.0]
    assert nn.LeakyReLU(0.5)(x).tolist() == [-0.5, 0.0, 2.0]
    np.testing.assert_allclose(nn.Sigmoid()(x).numpy(), 1 / (1 + np.exp([1.0, 0.0, -2.0])),
                               rtol=1e-6)
    np.testing.assert_allclose(nn.Tanh()(x).numpy(), np.tanh([-1.0, 0.0, 2.0]), rtol=1e-6)
    assert nn.Flatten()(ember.ones(2, 3, 4)).shape == (2, 12)
    assert nn.Identity()(x) is x
    y = ember.tensor([-1.0, 3.0])
    assert F.relu(y, inplace=True) is y and y.tolist() == [0.0, 3.0]


@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
def test_softmax_of_integers_and_of_empty_tensors(fn):
    f = getattr(ember, fn)
    for dim, kernel in ((0, "kernel_impl"), (-1, "lastdim_kernel_impl")):
        with pytest.raises(NotImplementedError,
                           match=f'"{fn}_{kernel}" not implemented for \'Long\''):
            f(ember.ones(2, 3, dtype=ember.long), dim)
    empty = f(ember.ones(0, dtype=ember.long), 0)
    assert empty.dtype == ember.int64 and empty.shape == (0,)
    assert f(ember.ones(2, 0), -1).shape == (2, 0)
