"""optim.Adafactor and optim.Muon against PyTorch: parameters after every one
of 50 steps (Adafactor on matrices and vectors, Muon on matrices, whose
Newton-Schulz iteration runs in bfloat16 as torch's does), state_dicts,
reprs, round trips and errors."""
import copy

import numpy as np
import pytest

import ember
from compare_torch import check_error
from optim_cases import assert_states, assert_trajectories, convert, torch_or_skip

SHAPES = {"Adafactor": [(7, 5), (2, 4, 3), (5,)], "Muon": [(7, 5), (4, 9)]}
CASES = [
    ("Adafactor", dict()),
    ("Adafactor", dict(lr=0.05, beta2_decay=-0.5, eps=(1e-20, 1e-2), d=1.5,
                       weight_decay=0.1, maximize=True, foreach=False)),
    ("Muon", dict()),
    ("Muon", dict(lr=0.02, weight_decay=0.0, momentum=0.9, nesterov=False, ns_steps=3,
                  adjust_lr_fn="match_rms_adamw", eps=1e-5)),
    ("Muon", dict(lr=0.01, ns_coefficients=(3.0, -3.2, 1.2), adjust_lr_fn="original")),
]


def _run(lib, name, kw, dtype, steps=50):
    rng = np.random.RandomState(0)
    shapes = SHAPES[name]
    init = [rng.randn(*s).astype(dtype) for s in shapes]
    grads = [[rng.randn(*s).astype(dtype) for s in shapes] for _ in range(steps)]
    params = [lib.nn.Parameter(lib.tensor(a)) for a in init]
    opt = getattr(lib.optim, name)(params, **kw)
    rec = []
    for gs in grads:
        for p, g in zip(params, gs):
            p.grad = lib.tensor(g)
        opt.step()
        rec.append([p.detach().numpy().copy() for p in params])
    return rec, opt


@pytest.mark.parametrize("name,kw", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_vs_torch(name, kw, dtype):
    torch = torch_or_skip()
    if name == "Muon" and dtype == np.float64:
        pytest.skip("Muon rounds through bfloat16: float64 adds nothing")
    t_rec, t_opt = _run(torch, name, kw, dtype)
    e_rec, e_opt = _run(ember, name, kw, dtype)
    assert_trajectories(e_rec, t_rec, dtype)
    assert_states(e_opt, t_opt, dtype, 50)
    assert repr(e_opt) == repr(t_opt)


@pytest.mark.parametrize("name,kw", CASES[::2], ids=["Adafactor", "Muon", "Muon-coeffs"])
def test_state_dict_from_torch_continues_as_torch(name, kw):
    torch = torch_or_skip()
    t_rec, _ = _run(torch, name, kw, np.float32, steps=30)
    _, t_opt = _run(torch, name, kw, np.float32, steps=15)
    sd = convert(t_opt.state_dict(), ember)
    rng = np.random.RandomState(0)
    shapes = SHAPES[name]
    for s in shapes:     # _run's initial values come first from the same stream
        rng.randn(*s)
    grads = [[rng.randn(*s).astype(np.float32) for s in shapes] for _ in range(30)]
    params = [ember.nn.Parameter(ember.tensor(p.detach().numpy()))
              for p in t_opt.param_groups[0]["params"]]
    opt = getattr(ember.optim, name)(params, **kw)
    opt.load_state_dict(copy.deepcopy(sd))
    rec = []
    for gs in grads[15:]:
        for p, g in zip(params, gs):
            p.grad = ember.tensor(g)
        opt.step()
        rec.append([p.detach().numpy().copy() for p in params])
    assert_trajectories(rec, t_rec[15:], np.float32)


def _param(T, shape=(2, 3)):
    return (T.nn.Parameter(T.ones(*shape)),)


@pytest.mark.parametrize("make", [
    lambda T, p: T.optim.Adafactor([p], lr=-1),
    lambda T, p: T.optim.Adafactor([p], beta2_decay=0.5),
    lambda T, p: T.optim.Adafactor([p], eps=(-1.0, 1e-3)),
    lambda T, p: T.optim.Adafactor([p], eps=(None, -1e-3)),
    lambda T, p: T.optim.Adafactor([p], d=0.5),
    lambda T, p: T.optim.Adafactor([p], weight_decay=-1),
    lambda T, p: T.optim.Adafactor([p], lr=T.ones(2)),
    lambda T, p: T.optim.Adafactor([]),
    lambda T, p: T.optim.Muon([p], lr=-1),
    lambda T, p: T.optim.Muon([p], momentum=-1),
    lambda T, p: T.optim.Muon([p], weight_decay=-1),
    lambda T, p: T.optim.Muon([p], adjust_lr_fn="sqrt"),
    lambda T, p: T.optim.Muon([p, T.nn.Parameter(T.ones(3))]),
    lambda T, p: T.optim.Muon([p * 2]),
])
def test_errors_vs_torch(make):
    check_error(_param, make)


@pytest.mark.parametrize("kw", [dict(ns_steps=100), dict(ns_coefficients=(1.0, 2.0))])
def test_muon_step_errors_vs_torch(kw):
    def setup(T):
        p = T.nn.Parameter(T.ones(2, 3))
        p.grad = T.ones(2, 3)
        return (p,)
    check_error(setup, lambda T, p: T.optim.Muon([p], **kw).step())
