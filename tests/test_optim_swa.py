"""optim.swa_utils against PyTorch: AveragedModel with the default SWA
average, avg_fn and multi_avg_fn (EMA and SWA factories), use_buffers (float
and integer buffers), its state_dict and forward; the factories' errors;
update_bn with the batch-norm modules (skipped until they exist)."""
import numpy as np
import pytest

import ember
from compare_torch import check_error
from optim_cases import torch_or_skip


def _model(lib):
    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = lib.nn.Linear(3, 2)
            self.register_buffer("scale", lib.ones(2))
            self.register_buffer("count", lib.tensor(0))

        def forward(self, x):
            return self.lin(x) * self.scale

    net = Net()
    rng = np.random.RandomState(0)
    with lib.no_grad():
        net.lin.weight.copy_(lib.tensor(rng.randn(2, 3).astype(np.float32)))
        net.lin.bias.copy_(lib.tensor(rng.randn(2).astype(np.float32)))
    return net


def _averaging_kinds(lib):
    swa = lib.optim.swa_utils
    return {
        "default": {}, "ema_avg_fn": dict(avg_fn=swa.get_ema_avg_fn(0.8)),
        "swa_avg_fn": dict(avg_fn=swa.get_swa_avg_fn()),
        "ema_multi": dict(multi_avg_fn=swa.get_ema_multi_avg_fn(0.9)),
        "swa_multi": dict(multi_avg_fn=swa.get_swa_multi_avg_fn()),
        "ema_multi_0": dict(multi_avg_fn=swa.get_ema_multi_avg_fn(0.0)),
    }


@pytest.mark.parametrize("kind", ["default", "ema_avg_fn", "swa_avg_fn", "ema_multi",
                                  "swa_multi", "ema_multi_0"])
@pytest.mark.parametrize("use_buffers", [False, True])
def test_averaged_model_vs_torch(kind, use_buffers):
    torch = torch_or_skip()
    if kind in ("swa_multi",) and use_buffers:
        pytest.skip("torch's foreach addcdiv refuses the integer buffer")
    out = {}
    rng = np.random.RandomState(1)
    moves = [rng.randn(2, 3).astype(np.float32) for _ in range(6)]
    x = rng.randn(4, 3).astype(np.float32)
    for lib in (torch, ember):
        net = _model(lib)
        avg = lib.optim.swa_utils.AveragedModel(net, use_buffers=use_buffers,
                                                **_averaging_kinds(lib)[kind])
        rec = []
        for k, m in enumerate(moves):
            with lib.no_grad():
                net.lin.weight.add_(lib.tensor(m))
                net.lin.bias.mul_(1.5)
                net.scale.add_(0.5)
                net.count.add_(3)
            avg.update_parameters(net)
            rec.append({k: v.detach().numpy().copy() for k, v in avg.state_dict().items()})
        y = avg(lib.tensor(x))
        out[lib] = (rec, y.detach().numpy(), [n for n, _ in avg.named_parameters()],
                    [n for n, _ in avg.named_buffers()], avg.n_averaged.dtype)
    e, t = out[ember], out[torch]
    assert e[2:4] == t[2:4] and str(e[4]) == str(t[4]).replace("torch", "ember")
    for es, ts in zip(e[0], t[0]):
        assert list(es) == list(ts)
        for key in ts:
            assert es[key].dtype == ts[key].dtype, key
            np.testing.assert_allclose(es[key], ts[key], rtol=1e-6, atol=1e-6, err_msg=key)
    np.testing.assert_allclose(e[1], t[1], rtol=1e-6, atol=1e-6)


def test_averaged_model_copies_the_model_and_device():
    net = _model(ember)
    avg = ember.optim.swa_utils.AveragedModel(net, device="cpu")
    assert avg.module is not net and avg.module.lin.weight is not net.lin.weight
    assert avg.n_averaged.item() == 0
    avg.update_parameters(net)
    assert np.array_equal(avg.module.lin.weight.detach().numpy(),
                          net.lin.weight.detach().numpy())


def _param(T):
    return (T.nn.Parameter(T.ones(2)),)


@pytest.mark.parametrize("make", [
    lambda T, p: T.optim.swa_utils.get_ema_avg_fn(1.5),
    lambda T, p: T.optim.swa_utils.get_ema_multi_avg_fn(-0.1),
    lambda T, p: T.optim.swa_utils.AveragedModel(
        T.nn.Linear(2, 2), avg_fn=T.optim.swa_utils.get_swa_avg_fn(),
        multi_avg_fn=T.optim.swa_utils.get_swa_multi_avg_fn()),
    lambda T, p: T.optim.swa_utils.SWALR(T.optim.SGD([p], lr=0.1), 0.05,
                                         anneal_strategy="exp"),
    lambda T, p: T.optim.swa_utils.SWALR(T.optim.SGD([p], lr=0.1), 0.05, anneal_epochs=-1),
    lambda T, p: T.optim.swa_utils.SWALR(T.optim.SGD([p], lr=0.1), [0.05, 0.01]),
])
def test_errors_vs_torch(make):
    check_error(_param, make)


def test_swalr_state_dict_round_trip():
    p = ember.nn.Parameter(ember.ones(1))
    opt = ember.optim.SGD([p], lr=0.5)
    sched = ember.optim.swa_utils.SWALR(opt, swa_lr=0.05, anneal_epochs=5)
    for _ in range(2):
        opt.step()
        sched.step()
    sd = sched.state_dict()
    assert "anneal_func" not in sd and sd["_anneal_strategy"] == "cos"
    sched2 = ember.optim.swa_utils.SWALR(opt, swa_lr=0.05, anneal_epochs=5,
                                         anneal_strategy="linear")
    sched2.load_state_dict(sd)
    assert sched2.anneal_func is ember.optim.swa_utils.SWALR._cosine_anneal


def _bn_module_ready():
    try:
        from ember.nn.modules.batchnorm import _BatchNorm  # noqa: F401
    except ImportError:
        return False
    return hasattr(ember.nn, "BatchNorm1d")


@pytest.mark.skipif(not _bn_module_ready(), reason="ember.nn.modules.batchnorm has no "
                                                   "_BatchNorm yet")
def test_update_bn_vs_torch():
    torch = torch_or_skip()
    rng = np.random.RandomState(2)
    batches = [rng.randn(5, 3).astype(np.float32) * (i + 1) for i in range(4)]
    weight = rng.randn(4, 3).astype(np.float32)     # (the same for both libraries)
    out = {}
    for lib in (torch, ember):
        model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4, momentum=0.3),
                                  lib.nn.ReLU(), lib.nn.BatchNorm1d(4))
        with lib.no_grad():
            model[0].weight.copy_(lib.tensor(weight))
            model[0].bias.zero_()
        model.eval()
        loader = [(lib.tensor(b), 0) for b in batches]
        lib.optim.swa_utils.update_bn(loader, model)
        out[lib] = ({k: v.numpy().copy() for k, v in model.state_dict().items()},
                    model.training, model[1].momentum, model[3].momentum)
    assert out[ember][1:] == out[torch][1:]
    for key, tv in out[torch][0].items():
        np.testing.assert_allclose(out[ember][0][key], tv, rtol=1e-5, atol=1e-6, err_msg=key)


def test_update_bn_without_batch_norm_leaves_the_model_alone():
    if not _bn_module_ready():
        pytest.skip("ember.nn.modules.batchnorm has no _BatchNorm yet")
    class Loader:
        def __iter__(self):
            raise AssertionError("update_bn read the loader of a model without batch norm")

    model = ember.nn.Linear(2, 2)
    model.eval()
    assert ember.optim.swa_utils.update_bn(Loader(), model) is None
    assert model.training is False


def test_update_bn_protocol_with_a_stand_in(monkeypatch):
    """update_bn's own logic, whatever the state of ember's batch norm: every
    _BatchNorm is reset, runs with momentum None (a cumulative average) in
    train mode over the loader's first items, and gets its momentum and the
    model's mode back."""
    import ember.nn.modules.batchnorm as batchnorm

    class StandIn(ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.momentum = 0.25
            self.register_buffer("running_mean", ember.full((2,), 7.0))
            self.register_buffer("num_batches_tracked", ember.tensor(5))
            self.seen = []

        def reset_running_stats(self):
            self.running_mean.zero_()
            self.num_batches_tracked.zero_()

        def forward(self, x):
            self.seen.append((self.training, self.momentum))
            self.num_batches_tracked.add_(1)
            n = self.num_batches_tracked.item()
            self.running_mean.mul_(1 - 1 / n).add_(x.mean(0) / n)
            return x

    monkeypatch.setattr(batchnorm, "_BatchNorm", StandIn, raising=False)
    model = ember.nn.Sequential(ember.nn.Identity(), StandIn())
    model.eval()
    batches = [(ember.tensor([[1.0, 2.0], [3.0, 4.0]]), "label"),
               [ember.tensor([[5.0, 6.0]])], ember.tensor([[0.0, 0.0]])]
    ember.optim.swa_utils.update_bn(batches, model)
    bn = model[1]
    assert bn.seen == [(True, None)] * 3 and bn.momentum == 0.25 and model.training is False
    assert bn.num_batches_tracked.item() == 3
    np.testing.assert_allclose(bn.running_mean.numpy(), [(2 + 5 + 0) / 3, (3 + 6 + 0) / 3])
