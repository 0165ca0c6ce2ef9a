"""Every torch.optim.lr_scheduler scheduler against PyTorch: the learning
rates (and CyclicLR's/OneCycleLR's momentum or beta1) after each of 50
steps, get_last_lr, state_dict round trips, chained and sequential
combinations, closed forms (step(epoch)), warnings and errors."""
import copy
import warnings

import numpy as np
import pytest

import ember
from compare_torch import check_error
from optim_cases import torch_or_skip


def _momentum(group):
    return group["momentum"] if "momentum" in group else group["betas"][0]


def _run(lib, opt_name, make, steps=50, metric=None, opt_kw=None, epochs=None):
    ps = [lib.nn.Parameter(lib.ones(2)), lib.nn.Parameter(lib.ones(1))]
    kw = opt_kw if opt_kw is not None else ({"momentum": 0.9} if opt_name == "SGD" else {})
    opt = getattr(lib.optim, opt_name)([{"params": ps[:1]}, {"params": ps[1:], "lr": 0.5}],
                                      lr=0.1, **kw)
    sched = make(lib.optim.lr_scheduler, opt)
    rec = [[g["lr"] for g in opt.param_groups] + [_momentum(g) for g in opt.param_groups]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(steps):
            opt.step()
            if metric is not None:
                sched.step(metric(i))
            elif epochs is not None:
                sched.step(epochs[i])
            else:
                sched.step()
            rec.append([g["lr"] for g in opt.param_groups] + sched.get_last_lr()
                       + [_momentum(g) for g in opt.param_groups])
    return rec, sched, opt


SCHEDULERS = {
    "LambdaLR": lambda L, o: L.LambdaLR(o, lambda e: 0.95 ** e),
    "LambdaLR-list": lambda L, o: L.LambdaLR(o, [lambda e: 0.9 ** e, lambda e: 1 / (e + 1)]),
    "MultiplicativeLR": lambda L, o: L.MultiplicativeLR(o, lambda e: 0.95),
    "StepLR": lambda L, o: L.StepLR(o, 7, gamma=0.5),
    "MultiStepLR": lambda L, o: L.MultiStepLR(o, [3, 10, 10, 20], gamma=0.5),
    "ConstantLR": lambda L, o: L.ConstantLR(o, factor=0.25, total_iters=7),
    "LinearLR": lambda L, o: L.LinearLR(o, start_factor=0.2, end_factor=0.9, total_iters=13),
    "ExponentialLR": lambda L, o: L.ExponentialLR(o, gamma=0.93),
    "PolynomialLR": lambda L, o: L.PolynomialLR(o, total_iters=20, power=2.0),
    "CosineAnnealingLR": lambda L, o: L.CosineAnnealingLR(o, T_max=9, eta_min=0.01),
    "ChainedScheduler": lambda L, o: L.ChainedScheduler(
        [L.ConstantLR(o, factor=0.5, total_iters=4), L.ExponentialLR(o, gamma=0.9)]),
    "ChainedScheduler-opt": lambda L, o: L.ChainedScheduler(
        [L.StepLR(o, 5), L.CosineAnnealingLR(o, 12)], optimizer=o),
    "SequentialLR": lambda L, o: L.SequentialLR(
        o, [L.LinearLR(o, start_factor=0.1, total_iters=5), L.CosineAnnealingLR(o, 20)], [5]),
    "SequentialLR-3": lambda L, o: L.SequentialLR(
        o, [L.ConstantLR(o, 0.1, 3), L.ExponentialLR(o, 0.9), L.StepLR(o, 4)], [5, 15]),
    "Chained-of-sequential": lambda L, o: L.ChainedScheduler(
        [L.SequentialLR(o, [L.LinearLR(o, 0.5, total_iters=4), L.ExponentialLR(o, 0.95)],
                        [6]),
         L.MultiStepLR(o, [20, 30], 0.5)]),
    "CyclicLR": lambda L, o: L.CyclicLR(o, 0.01, 0.1, step_size_up=4, step_size_down=6),
    "CyclicLR-triangular2": lambda L, o: L.CyclicLR(
        o, [0.01, 0.02], 0.1, step_size_up=5, mode="triangular2", base_momentum=0.7,
        max_momentum=[0.95, 0.9]),
    "CyclicLR-exp_range": lambda L, o: L.CyclicLR(o, 0.01, 0.1, step_size_up=5,
                                                  mode="exp_range", gamma=0.97),
    "CyclicLR-scale_fn": lambda L, o: L.CyclicLR(
        o, 0.01, 0.1, step_size_up=3, scale_fn=lambda x: 0.9 ** x, scale_mode="iterations",
        cycle_momentum=False),
    "OneCycleLR": lambda L, o: L.OneCycleLR(o, 1.0, total_steps=50),
    "OneCycleLR-three_phase": lambda L, o: L.OneCycleLR(
        o, [1.0, 2.0], epochs=5, steps_per_epoch=11, pct_start=0.25, three_phase=True,
        anneal_strategy="linear", div_factor=10.0, final_div_factor=100.0,
        base_momentum=0.8, max_momentum=0.9),
    "OneCycleLR-no-momentum": lambda L, o: L.OneCycleLR(o, 0.5, total_steps=60,
                                                        cycle_momentum=False),
    "CosineAnnealingWarmRestarts": lambda L, o: L.CosineAnnealingWarmRestarts(o, 5, 2, 0.001),
    "CosineAnnealingWarmRestarts-1": lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=7),
    "SWALR": lambda L, o: _lib(o).optim.swa_utils.SWALR(
        o, swa_lr=[0.05, 0.01], anneal_epochs=7, anneal_strategy="linear"),
    "SWALR-cos": lambda L, o: _lib(o).optim.swa_utils.SWALR(o, swa_lr=0.05, anneal_epochs=0),
}
ADAM_SCHEDULERS = ["CyclicLR-exp_range", "OneCycleLR-three_phase", "OneCycleLR"]


@pytest.mark.parametrize("key", list(SCHEDULERS))
def test_schedule_vs_torch(key):
    torch = torch_or_skip()
    for opt_name in ["SGD"] + (["Adam"] if key in ADAM_SCHEDULERS else []):
        t_rec, t_sched, _ = _run(torch, opt_name, SCHEDULERS[key])
        e_rec, e_sched, _ = _run(ember, opt_name, SCHEDULERS[key])
        # The same arithmetic in the same order: equal, not just close.
        assert e_rec == t_rec
        assert sorted(e_sched.state_dict()) == sorted(t_sched.state_dict())


@pytest.mark.parametrize("key", list(SCHEDULERS))
def test_state_dict_round_trip(key):
    """Stop after 20 steps, restore optimizer and scheduler from their
    state_dicts, and go on: the schedule is that of an uninterrupted run."""
    full, _, _ = _run(ember, "SGD", SCHEDULERS[key])
    part, sched, opt = _run(ember, "SGD", SCHEDULERS[key], steps=20)
    osd, ssd = copy.deepcopy(opt.state_dict()), copy.deepcopy(sched.state_dict())
    ps = [ember.nn.Parameter(ember.ones(2)), ember.nn.Parameter(ember.ones(1))]
    opt2 = ember.optim.SGD([{"params": ps[:1]}, {"params": ps[1:], "lr": 0.5}], lr=0.1,
                           momentum=0.9)
    sched2 = SCHEDULERS[key](ember.optim.lr_scheduler, opt2)
    opt2.load_state_dict(osd)
    sched2.load_state_dict(ssd)
    rest = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(30):
            opt2.step()
            sched2.step()
            rest.append([g["lr"] for g in opt2.param_groups] + sched2.get_last_lr()
                        + [_momentum(g) for g in opt2.param_groups])
    assert rest == full[21:]


@pytest.mark.parametrize("mode", ["min", "max"])
@pytest.mark.parametrize("threshold_mode", ["rel", "abs"])
def test_reduce_lr_on_plateau_vs_torch(mode, threshold_mode):
    torch = torch_or_skip()

    def make(L, o):
        return L.ReduceLROnPlateau(o, mode=mode, factor=0.5, patience=2, threshold=0.05,
                                   threshold_mode=threshold_mode, cooldown=1,
                                   min_lr=[0.001, 0.01], eps=1e-4)

    def metric(i):
        return float(np.sin(i / 3.0)) + 0.01 * i

    recs = {}
    for lib in (torch, ember):
        rec, sched, _ = _run(lib, "SGD", make, metric=metric)
        recs[lib] = (rec, sorted(sched.state_dict()), sched.best, sched.num_bad_epochs)
    assert recs[ember] == recs[torch]
    # Tensor metrics and the defaults (patience 10, min_lr 0) too.
    t_rec, _, _ = _run(torch, "SGD", lambda L, o: L.ReduceLROnPlateau(o),
                       metric=lambda i: torch.tensor(1.0))
    e_rec, _, _ = _run(ember, "SGD", lambda L, o: L.ReduceLROnPlateau(o),
                       metric=lambda i: ember.tensor(1.0))
    assert e_rec == t_rec


def test_reduce_lr_on_plateau_round_trip():
    def make(L, o):
        return L.ReduceLROnPlateau(o, patience=1, factor=0.7)

    def metric(i):
        return 1.0 + (i % 4)

    full, _, _ = _run(ember, "SGD", make, metric=metric)
    _, sched, opt = _run(ember, "SGD", make, steps=20, metric=metric)
    sched2 = make(ember.optim.lr_scheduler, opt)
    sched2.load_state_dict(copy.deepcopy(sched.state_dict()))
    rest = []
    for i in range(20, 50):
        sched2.step(metric(i))
        rest.append([g["lr"] for g in opt.param_groups] + sched2.get_last_lr()
                    + [_momentum(g) for g in opt.param_groups])
    assert rest == full[21:]


@pytest.mark.parametrize("key", ["StepLR", "MultiStepLR", "ConstantLR", "LinearLR",
                                 "ExponentialLR", "PolynomialLR", "CosineAnnealingLR",
                                 "CosineAnnealingWarmRestarts", "LambdaLR", "CyclicLR"])
def test_step_with_epoch_vs_torch(key):
    """step(epoch): the closed form where there is one (with the deprecation
    warning); CosineAnnealingWarmRestarts takes fractional epochs."""
    torch = torch_or_skip()
    epochs = [3, 7, 7.5, 8.25, 12, 0, 30, 31.5, 2, 60][:10] if "Warm" in key else \
        [3, 7, 1, 12, 20, 0, 30, 45, 2, 60]
    if "Warm" not in key:
        epochs = [int(e) for e in epochs]
    t_rec, _, _ = _run(torch, "SGD", SCHEDULERS[key], steps=len(epochs), epochs=epochs)
    e_rec, _, _ = _run(ember, "SGD", SCHEDULERS[key], steps=len(epochs), epochs=epochs)
    assert e_rec == t_rec


def test_warm_restarts_fractional_epochs_with_t_mult():
    torch = torch_or_skip()
    recs = []
    for lib in (torch, ember):
        opt = lib.optim.SGD([lib.nn.Parameter(lib.ones(1))], lr=0.1)
        sched = lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2,
                                                                   eta_min=1e-3)
        rec = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for epoch in np.arange(0, 25, 0.3):
                opt.step()
                sched.step(float(epoch))
                rec.append((sched.get_last_lr()[0], sched.T_i, sched.T_cur, sched.last_epoch))
        recs.append(rec)
    assert recs[0] == recs[1]


def test_tensor_lr_is_filled_in_place():
    torch = torch_or_skip()
    out = []
    for lib in (torch, ember):
        lr = lib.tensor(0.1)
        opt = lib.optim.SGD([lib.nn.Parameter(lib.ones(1))], lr=lr)
        sched = lib.optim.lr_scheduler.ExponentialLR(opt, 0.5)
        opt.step()
        sched.step()
        out.append((opt.param_groups[0]["lr"] is lr, lr.item(),
                    [x.item() for x in sched.get_last_lr()],
                    type(sched.base_lrs[0]).__name__))
    assert out[0] == out[1]


def test_warnings_vs_torch():
    torch = torch_or_skip()
    for lib in (torch, ember):
        opt = lib.optim.SGD([lib.nn.Parameter(lib.ones(1))], lr=1.0)
        sched = lib.optim.lr_scheduler.StepLR(opt, 2)
        with pytest.warns(UserWarning, match="Detected call of `lr_scheduler.step\\(\\)` "
                                             "before `optimizer.step\\(\\)`"):
            sched.step()
        with pytest.warns(UserWarning, match="To get the last learning rate computed by the "
                                             "scheduler, please use `get_last_lr\\(\\)`."):
            sched.get_lr()
        with pytest.warns(UserWarning, match="The epoch parameter in `scheduler.step\\(\\)` "
                                             "was not necessary"):
            sched.step(3)
        opt = lib.optim.SGD([lib.nn.Parameter(lib.ones(1))], lr=1.0)
        sched = lib.optim.lr_scheduler.StepLR(opt, 2)
        opt.step = lambda closure=None: None
        with pytest.warns(UserWarning, match="Seems like `optimizer.step\\(\\)` has been "
                                             "overridden after learning rate scheduler"):
            sched.step()
        # In the right order: no warning.
        opt = lib.optim.SGD([lib.nn.Parameter(lib.ones(1))], lr=1.0)
        sched = lib.optim.lr_scheduler.ExponentialLR(opt, 0.5)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            opt.step()
            sched.step()


def _lib(obj):
    return __import__(type(obj).__module__.split(".")[0])


def _sgd(T):
    return (T.nn.Parameter(T.ones(1)),)


ERRORS = [
    lambda L, o, p: L.StepLR(object(), 3),
    lambda L, o, p: L.StepLR(o, 3, last_epoch=4),
    lambda L, o, p: L.LambdaLR(o, [lambda e: 1.0, lambda e: 1.0]),
    lambda L, o, p: L.MultiplicativeLR(o, 0.5),
    lambda L, o, p: L.ConstantLR(o, factor=1.5),
    lambda L, o, p: L.LinearLR(o, start_factor=0),
    lambda L, o, p: L.LinearLR(o, end_factor=1.5),
    lambda L, o, p: L.SequentialLR(o, [], []),
    lambda L, o, p: L.SequentialLR(o, [L.StepLR(o, 2), L.StepLR(o, 3)], [1, 2]),
    lambda L, o, p: L.SequentialLR(o, [L.StepLR(o, 2), L.ReduceLROnPlateau(o)], [1]),
    lambda L, o, p: L.SequentialLR(o, [L.StepLR(o, 2), 3], [1]),
    lambda L, o, p: L.SequentialLR(
        o, [L.StepLR(o, 2), L.StepLR(type(o)([p], lr=1.0), 3)], [1]),
    lambda L, o, p: L.ChainedScheduler([]),
    lambda L, o, p: L.ChainedScheduler([L.StepLR(o, 2), L.ReduceLROnPlateau(o)]),
    lambda L, o, p: L.ReduceLROnPlateau(o, factor=1.0),
    lambda L, o, p: L.ReduceLROnPlateau(o, mode="middle"),
    lambda L, o, p: L.ReduceLROnPlateau(o, threshold_mode="relative"),
    lambda L, o, p: L.ReduceLROnPlateau(o, min_lr=[0.1, 0.2]),
    lambda L, o, p: L.ReduceLROnPlateau(object()),
    lambda L, o, p: L.CyclicLR(o, 0.1, 1.0, mode="sawtooth"),
    lambda L, o, p: L.CyclicLR(o, [0.1, 0.2], 1.0),
    lambda L, o, p: L.CyclicLR(_lib(o).optim.Adagrad([p]), 0.1, 1.0),
    lambda L, o, p: L.OneCycleLR(o, 1.0),
    lambda L, o, p: L.OneCycleLR(o, 1.0, total_steps=0),
    lambda L, o, p: L.OneCycleLR(o, 1.0, epochs=0, steps_per_epoch=3),
    lambda L, o, p: L.OneCycleLR(o, 1.0, epochs=2, steps_per_epoch=1.5),
    lambda L, o, p: L.OneCycleLR(o, 1.0, total_steps=10, pct_start=1.5),
    lambda L, o, p: L.OneCycleLR(o, 1.0, total_steps=10, anneal_strategy="exp"),
    lambda L, o, p: L.OneCycleLR(_lib(o).optim.Adagrad([p]), 1.0, total_steps=3),
    lambda L, o, p: (lambda s: [s.step() for _ in range(3)])(
        L.OneCycleLR(o, 1.0, total_steps=2)),
    lambda L, o, p: L.CosineAnnealingWarmRestarts(o, T_0=0),
    lambda L, o, p: L.CosineAnnealingWarmRestarts(o, T_0=2.5),
    lambda L, o, p: L.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0),
    lambda L, o, p: L.CosineAnnealingWarmRestarts(o, T_0=2, eta_min="0"),
    lambda L, o, p: L.CosineAnnealingWarmRestarts(o, T_0=2).step(-1),
    lambda L, o, p: L.LRScheduler(o),
]


@pytest.mark.parametrize("case", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_errors_vs_torch(case):
    check_error(_sgd, lambda T, p: case(T.optim.lr_scheduler,
                                        T.optim.SGD([p], lr=0.1, momentum=0.9), p))


def test_every_scheduler_exists():
    torch = torch_or_skip()
    assert set(torch.optim.lr_scheduler.__all__) == set(ember.optim.lr_scheduler.__all__)
    for name in torch.optim.lr_scheduler.__all__:
        assert getattr(ember.optim.lr_scheduler, name).__module__ == \
            "ember.optim.lr_scheduler"


@pytest.mark.parametrize("key", list(SCHEDULERS))
def test_state_dict_from_torch_continues_as_torch(key):
    torch = torch_or_skip()
    full, _, _ = _run(torch, "SGD", SCHEDULERS[key])
    _, t_sched, t_opt = _run(torch, "SGD", SCHEDULERS[key], steps=20)
    ps = [ember.nn.Parameter(ember.ones(2)), ember.nn.Parameter(ember.ones(1))]
    opt = ember.optim.SGD([{"params": ps[:1]}, {"params": ps[1:], "lr": 0.5}], lr=0.1,
                          momentum=0.9)
    sched = SCHEDULERS[key](ember.optim.lr_scheduler, opt)
    opt.load_state_dict(copy.deepcopy(t_opt.state_dict()))
    sched.load_state_dict(copy.deepcopy(t_sched.state_dict()))
    rest = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(30):
            opt.step()
            sched.step()
            rest.append([g["lr"] for g in opt.param_groups] + sched.get_last_lr()
                        + [_momentum(g) for g in opt.param_groups])
    assert rest == full[21:]
