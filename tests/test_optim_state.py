"""Optimizer state_dicts: a save/load round trip continues exactly as an
uninterrupted run, and the layout is torch's both ways (a state_dict from
PyTorch loads into Ember and continues as PyTorch does, and vice versa)."""
import copy

import numpy as np
import pytest

import ember
from optim_cases import (assert_trajectories, build, convert, make_data, make_params, run,
                         torch_or_skip)

CASES = [
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)), ("Adam", dict(amsgrad=True)),
    ("AdamW", dict()), ("Adamax", dict()), ("Adagrad", dict(lr_decay=0.01)),
    ("Adadelta", dict()), ("RMSprop", dict(momentum=0.5, centered=True)), ("Rprop", dict()),
    ("NAdam", dict()), ("RAdam", dict()), ("ASGD", dict(t0=5)),
]
IDS = [c[0] for c in CASES]


@pytest.mark.parametrize("name,kw", CASES, ids=IDS)
def test_round_trip_continues_exactly(name, kw):
    init, grads = make_data(40)
    params = make_params(ember, init)
    opt = build(ember, name, kw, params, groups=True)
    full = run(opt, params, grads, [])

    params = make_params(ember, init)
    opt = build(ember, name, kw, params, groups=True)
    run(opt, params, grads[:20], [])
    saved = copy.deepcopy(opt.state_dict())
    resumed = make_params(ember, [p.detach().numpy() for p in params])
    opt2 = build(ember, name, kw, resumed, groups=True)
    opt2.load_state_dict(saved)
    rest = run(opt2, resumed, grads[20:], [])
    for a, b in zip(full[20:], rest):
        for x, y in zip(a, b):
            assert np.array_equal(x, y)


@pytest.mark.parametrize("name,kw", CASES, ids=IDS)
@pytest.mark.parametrize("direction", ["torch_to_ember", "ember_to_torch"])
def test_state_dict_crosses_libraries(name, kw, direction):
    torch = torch_or_skip()
    src, dst = (torch, ember) if direction == "torch_to_ember" else (ember, torch)
    init, grads = make_data(40)
    # The reference: the destination library runs all 40 steps itself.
    params = make_params(dst, init)
    full = run(build(dst, name, kw, params), params, grads, [])
    # The source runs 20; its state_dict, converted, lets the destination go on.
    params = make_params(src, init)
    opt = build(src, name, kw, params)
    run(opt, params, grads[:20], [])
    sd = convert(opt.state_dict(), dst)
    resumed = make_params(dst, [p.detach().numpy() for p in params])
    opt2 = build(dst, name, kw, resumed)
    opt2.load_state_dict(sd)
    rest = run(opt2, resumed, grads[20:], [])
    assert_trajectories(rest, full[20:], np.float32)


def test_loading_casts_state_to_param_dtype_but_not_step():
    p = ember.nn.Parameter(ember.ones(3, dtype=ember.float64))
    opt = ember.optim.Adam([p])
    sd = {"state": {0: {"step": ember.tensor(4.0), "exp_avg": ember.ones(3),
                        "exp_avg_sq": ember.ones(3)}},
          "param_groups": copy.deepcopy(opt.state_dict()["param_groups"])}
    opt.load_state_dict(sd)
    st = opt.state[p]
    assert st["exp_avg"].dtype == ember.float64 and st["step"].dtype == ember.float32


def test_old_checkpoint_with_python_step_is_upgraded():
    torch = torch_or_skip()
    kinds = {}
    for lib in (torch, ember):
        p = lib.nn.Parameter(lib.ones(2))
        opt = lib.optim.NAdam([p])
        sd = {"state": {0: {"step": 3, "mu_product": 0.5, "exp_avg": lib.ones(2),
                            "exp_avg_sq": lib.ones(2)}},
              "param_groups": copy.deepcopy(opt.state_dict()["param_groups"])}
        opt.load_state_dict(sd)
        kinds[lib] = [(k, type(v).__name__, float(v)) for k, v in opt.state[p].items()
                      if k in ("step", "mu_product")]
    assert kinds[ember] == kinds[torch]


def _swap_setup(lib):
    rng = np.random.RandomState(4)
    live = [lib.nn.Parameter(lib.tensor(rng.randn(3).astype(np.float32))) for _ in range(2)]
    opt = lib.optim.Adam(live, lr=0.1)
    for p in live:
        p.grad = lib.ones(3)
    opt.step()
    other = {f"p{i}": lib.nn.Parameter(lib.tensor(rng.randn(3).astype(np.float32)))
             for i in range(2)}
    other_opt = lib.optim.Adam(list(other.values()), lr=0.01)
    for p in other.values():
        p.grad = lib.full((3,), 0.5)
    other_opt.step()
    return live, opt, other, other_opt


def test_swap_in_optimizer_params_and_state_vs_torch():
    torch = torch_or_skip()
    out = {}
    for lib in (torch, ember):
        live, opt, other, other_opt = _swap_setup(lib)
        sd = copy.deepcopy(other_opt.state_dict())
        before = [p.detach().numpy().copy() for p in live]
        with lib.optim.swap_in_optimizer_params_and_state(opt, other, sd):
            assert opt.param_groups[0]["lr"] == 0.01
            for p in other.values():
                p.grad = lib.full((3,), -0.25)
            opt.step()
        assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[0]["params"] == live
        assert all(np.array_equal(b, p.detach().numpy()) for b, p in zip(before, live))
        out[lib] = [p.detach().numpy().copy() for p in other.values()]
    for e, t in zip(out[ember], out[torch]):
        np.testing.assert_allclose(e, t, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("spoil", [
    lambda sd, opt, other: ({"state": sd["state"], "param_groups": []}, opt, other),
    lambda sd, opt, other: ({"state": [], "param_groups": sd["param_groups"]}, opt, other),
    lambda sd, opt, other: ({**sd, "state": {**sd["state"], 7: {}}}, opt, other),
    lambda sd, opt, other: (sd, opt, dict(list(other.items())[:1])),
    lambda sd, opt, other: ([sd], opt, other),
    lambda sd, opt, other: ({**sd, "param_groups": [{**sd["param_groups"][0], "x": 1}]},
                            opt, other),
    lambda sd, opt, other: (sd, type(opt)([next(iter(other.values()))]), other),
])
def test_swap_in_errors_vs_torch(spoil):
    torch = torch_or_skip()
    msgs = []
    for lib in (torch, ember):
        live, opt, other, other_opt = _swap_setup(lib)
        sd, opt, other = spoil(copy.deepcopy(other_opt.state_dict()), opt, other)
        with pytest.raises(RuntimeError) as info:
            with lib.optim.swap_in_optimizer_params_and_state(opt, other, sd):
                pass
        msgs.append(str(info.value))
    assert msgs[0] == msgs[1]
