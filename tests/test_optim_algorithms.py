"""Every optimizer in torch.optim with a per-parameter update, for each of its
arguments: 50 steps from the same parameters and gradients as PyTorch, the
parameters compared after every step (float32 to rounding, float64
tighter), the final state_dict compared entry by entry, and the repr."""
import numpy as np
import pytest

import ember
from optim_cases import (assert_states, assert_trajectories, build, make_data, make_params,
                         run, torch_or_skip)

CASES = [
    ("SGD", dict(lr=0.05)), ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.2)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.5, maximize=True, foreach=False)),
    ("SGD", dict(lr=0.05, momentum=0.5, fused=True)),
    ("Adam", dict()), ("Adam", dict(lr=0.01, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, amsgrad=True, maximize=True)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, fused=True)),
    ("Adam", dict(lr=("tensor", 0.01), foreach=False)),
    ("AdamW", dict(lr=0.01)), ("AdamW", dict(lr=0.01, weight_decay=0.3, amsgrad=True)),
    ("Adamax", dict()), ("Adamax", dict(lr=0.01, betas=(0.7, 0.9), eps=1e-4, weight_decay=0.1)),
    ("Adamax", dict(maximize=True, foreach=True)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.05, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.3,
                     eps=1e-6)),
    ("Adagrad", dict(maximize=True, fused=True)),
    ("Adadelta", dict()), ("Adadelta", dict(lr=0.5, rho=0.6, eps=1e-4, weight_decay=0.1)),
    ("Adadelta", dict(maximize=True, foreach=False)),
    ("RMSprop", dict()), ("RMSprop", dict(lr=0.005, alpha=0.9, eps=1e-6, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.005, momentum=0.8, centered=True)),
    ("RMSprop", dict(lr=0.005, centered=True, maximize=True)),
    ("RMSprop", dict(lr=0.005, momentum=0.5, foreach=True)),
    ("Rprop", dict()), ("Rprop", dict(lr=0.02, etas=(0.3, 1.5), step_sizes=(1e-3, 0.05))),
    ("Rprop", dict(maximize=True, foreach=False)),
    ("NAdam", dict()), ("NAdam", dict(lr=0.01, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True,
                   momentum_decay=0.01)),
    ("NAdam", dict(maximize=True, foreach=False)),
    ("RAdam", dict()), ("RAdam", dict(lr=0.01, betas=(0.8, 0.9), eps=1e-6, weight_decay=0.1)),
    ("RAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("ASGD", dict()), ("ASGD", dict(lr=0.05, lambd=0.01, alpha=0.5, t0=10, weight_decay=0.1)),
    ("ASGD", dict(lr=0.05, t0=0, maximize=True, foreach=False)),
]
IDS = [f"{n}-{i}" for i, (n, _) in enumerate(CASES)]


def both(name, kw, dtype, steps=50, groups=False):
    torch = torch_or_skip()
    init, grads = make_data(steps, dtype)
    out = {}
    for lib in (torch, ember):
        params = make_params(lib, init)
        opt = build(lib, name, kw, params, groups)
        out[lib] = (opt, run(opt, params, grads, []))
    return out[ember], out[torch]


@pytest.mark.parametrize("name,kw", CASES, ids=IDS)
def test_float32_vs_torch(name, kw):
    (e_opt, e_rec), (t_opt, t_rec) = both(name, kw, np.float32)
    assert_trajectories(e_rec, t_rec, np.float32)
    assert_states(e_opt, t_opt, np.float32, 50)
    assert repr(e_opt) == repr(t_opt)
    # The parameter without a gradient is left alone (and, but in Adagrad, stateless).
    assert np.array_equal(e_rec[-1][2], e_rec[0][2])
    assert len(e_opt.state) == len(t_opt.state)


@pytest.mark.parametrize("name,kw", CASES[::3], ids=IDS[::3])
def test_float64_and_groups_vs_torch(name, kw):
    (e_opt, e_rec), (t_opt, t_rec) = both(name, kw, np.float64, steps=30, groups=True)
    assert_trajectories(e_rec, t_rec, np.float64)
    assert_states(e_opt, t_opt, np.float64, 30)
    assert repr(e_opt) == repr(t_opt)


def test_default_float64_scalar_state_vs_torch():
    torch = torch_or_skip()
    steps = {}
    for lib in (torch, ember):
        old = lib.get_default_dtype()
        lib.set_default_dtype(lib.float64)
        try:
            p = lib.nn.Parameter(lib.ones(3))
            opt = lib.optim.NAdam([p])
            p.grad = lib.ones(3)
            opt.step()
            steps[lib] = [str(v.dtype).split(".")[1] for v in opt.state[p].values()]
        finally:
            lib.set_default_dtype(old)
    assert steps[ember] == steps[torch] == ["float64"] * 4


def test_small_model_training_vs_torch():
    """Real gradients (a two-layer net, float64) driven by each optimizer."""
    torch = torch_or_skip()
    rng = np.random.RandomState(3)
    x, y = rng.randn(9, 4), rng.randn(9, 2)
    weights = [rng.randn(3, 4) * 0.5, rng.randn(3) * 0.1, rng.randn(2, 3) * 0.5, rng.randn(2)]
    for name, kw in [("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)), ("Adam", {}),
                     ("AdamW", {}), ("Adamax", {}), ("Adagrad", {}), ("Adadelta", {}),
                     ("RMSprop", dict(centered=True, momentum=0.5)), ("Rprop", {}),
                     ("NAdam", {}), ("RAdam", {}), ("ASGD", {})]:
        records = {}
        for lib in (torch, ember):
            model = lib.nn.Sequential(lib.nn.Linear(4, 3), lib.nn.Tanh(), lib.nn.Linear(3, 2))
            model = model.double()
            with lib.no_grad():
                for p, w in zip(model.parameters(), weights):
                    p.copy_(lib.tensor(w))
            opt = getattr(lib.optim, name)(model.parameters(), **kw)
            rec = []
            for _ in range(50):
                opt.zero_grad()
                loss = ((model(lib.tensor(x)) - lib.tensor(y)) ** 2).mean()
                loss.backward()
                opt.step()
                rec.append([p.detach().numpy().copy() for p in model.parameters()])
            records[lib] = rec
        for k, (es, ts) in enumerate(zip(records[ember], records[torch])):
            for e, t in zip(es, ts):
                np.testing.assert_allclose(e, t, rtol=1e-10, atol=1e-12,
                                           err_msg=f"{name} step {k + 1}")
