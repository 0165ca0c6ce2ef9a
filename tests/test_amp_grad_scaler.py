"""torch.amp.GradScaler: a mixed-precision training run matches PyTorch's
losses and scale trajectory; the state machine's errors are PyTorch's."""
import numpy as np
import pytest

import ember
from compare_torch import check, check_error


def _train(T, steps=50, inf_steps=(7, 23), growth_interval=5):
    g = np.random.default_rng(0)
    x = T.tensor(g.standard_normal((32, 6)), dtype=T.float32)
    y = T.tensor(g.integers(0, 3, 32))
    w1 = T.tensor(g.standard_normal((16, 6)) * 0.3, dtype=T.float32)
    w2 = T.tensor(g.standard_normal((3, 16)) * 0.3, dtype=T.float32)
    model = T.nn.Sequential(T.nn.Linear(6, 16), T.nn.ReLU(), T.nn.Linear(16, 3))
    with T.no_grad():
        model[0].weight.copy_(w1)
        model[2].weight.copy_(w2)
        model[0].bias.zero_()
        model[2].bias.zero_()
    opt = T.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    scaler = T.amp.GradScaler("cpu", init_scale=2.0 ** 10, growth_interval=growth_interval)
    losses, scales, stepped = [], [], []
    for step in range(steps):
        opt.zero_grad()
        with T.autocast("cpu", dtype=T.bfloat16):
            out = model(x)
            loss = T.nn.functional.cross_entropy(out, y)
        scaler.scale(loss).backward()
        if step in inf_steps:       # an overflowed gradient: the step is skipped
            model[0].weight.grad[0, 0] = float("inf") if step == inf_steps[0] else float("nan")
        before = model[2].weight.detach().clone()
        scaler.step(opt)
        scaler.update()
        stepped.append(not bool((model[2].weight == before).all()))
        losses.append(loss.item())
        scales.append(scaler.get_scale())
    return losses, scales, stepped, scaler.state_dict()


def test_training_matches_torch_losses_and_scales():
    torch = pytest.importorskip("torch")
    el, es, est, esd = _train(ember)
    tl, ts, tst, tsd = _train(torch)
    assert es == ts and est == tst and esd == tsd
    assert est[7] is False and est[23] is False and all(est[:7])
    np.testing.assert_allclose(el, tl, rtol=5e-3)   # (bfloat16 rounding; measured 2e-3)
    assert el[0] == tl[0]
    assert el[-1] < el[0] * 0.7    # it trains


def test_scale_trajectory_without_torch():
    _, scales, stepped, state = _train(ember, steps=12, inf_steps=(3, 8), growth_interval=2)
    # 1024 -> grows every 2 clean steps, halves on each inf/nan step
    assert scales == [1024.0, 2048.0, 2048.0, 1024.0, 1024.0, 2048.0, 2048.0, 4096.0,
                      2048.0, 2048.0, 4096.0, 4096.0]
    assert [i for i, s in enumerate(stepped) if not s] == [3, 8]
    assert state == {"scale": 4096.0, "growth_factor": 2.0, "backoff_factor": 0.5,
                     "growth_interval": 2, "_growth_tracker": 1}


def test_state_dict_round_trip_and_setters():
    s = ember.amp.GradScaler("cpu", init_scale=8.0, growth_interval=3)
    assert s.get_scale() == 8.0 and s.is_enabled() and s.get_growth_factor() == 2.0
    s.set_growth_factor(3.0)
    s.set_backoff_factor(0.25)
    s.set_growth_interval(7)
    t = ember.amp.GradScaler("cpu")
    t.load_state_dict(s.state_dict())
    assert t.state_dict() == {"scale": 8.0, "growth_factor": 3.0, "backoff_factor": 0.25,
                              "growth_interval": 7, "_growth_tracker": 0}
    assert (t.scale(ember.tensor(2.0)) == 16.0).item()
    t.update(4.0)
    assert t.get_scale() == 4.0
    off = ember.amp.GradScaler("cpu", enabled=False)
    x = ember.tensor(3.0)
    assert off.scale(x) is x and off.get_scale() == 1.0 and off.state_dict() == {}
    with pytest.raises(RuntimeError, match="source state dict is empty"):
        t.load_state_dict({})


def _setup(T):
    p = T.nn.Parameter(T.ones(2))
    opt = T.optim.SGD([p], lr=0.1)
    scaler = T.amp.GradScaler("cpu")
    (scaler.scale((p * 2).sum())).backward()
    return p, opt, scaler


@pytest.mark.parametrize("op", [
    lambda T, p, opt, s: (s.unscale_(opt), s.unscale_(opt)),
    lambda T, p, opt, s: (s.step(opt), s.unscale_(opt)),
    lambda T, p, opt, s: (s.step(opt), s.step(opt)),
    lambda T, p, opt, s: s.step(opt, closure=lambda: 0),
    lambda T, p, opt, s: T.amp.GradScaler("cpu").update(),
    lambda T, p, opt, s: T.amp.GradScaler("cpu").step(opt),
    lambda T, p, opt, s: T.amp.GradScaler("cpu", growth_factor=1.0),
    lambda T, p, opt, s: T.amp.GradScaler("cpu", backoff_factor=1.0),
    lambda T, p, opt, s: s.scale([p, 3]),
])
def test_errors_as_torchs(op):
    check_error(lambda T: (), lambda T: op(T, *_setup(T)))


def test_unscale_then_clip_then_step():
    """The documented pattern: unscale_, clip, step; gradients come back
    unscaled (in place) and the step is the unscaled one."""
    def run(T):
        p, opt, scaler = _setup(T)
        scaler.unscale_(opt)
        grad = p.grad.clone()
        T.nn.utils.clip_grad_norm_([p], 1.0)
        scaler.step(opt)
        scaler.update()
        return grad, p.detach(), scaler.get_scale()
    check(run)
