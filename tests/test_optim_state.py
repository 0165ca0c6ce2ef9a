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
