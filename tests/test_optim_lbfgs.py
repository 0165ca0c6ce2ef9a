"""LBFGS against PyTorch on small problems (a least-squares fit with a quartic
penalty, and a plain least-squares fit over two parameters): parameters and losses after every
step, the evaluation counts, the state (as Tensors, torch's keys) and a
state_dict round trip, with and without the strong-Wolfe line search.

Tolerances: torch's BLAS dot sums in another order than NumPy's, and L-BFGS
amplifies rounding (on a Rosenbrock valley a 1-ulp change of the start moves
torch's own float64 result by ~1e-9 after one step, its float32 result by
~1e-1), so the problems are well conditioned and float32 is compared loosely."""
import copy

import numpy as np
import pytest

import ember
from optim_cases import convert, torch_or_skip

CONFIGS = [
    dict(), dict(line_search_fn="strong_wolfe"),
    dict(lr=0.5, max_iter=7, history_size=3),
    dict(lr=0.8, max_iter=5, max_eval=6, history_size=2, line_search_fn="strong_wolfe"),
    dict(tolerance_grad=1e-3, tolerance_change=1e-4, max_iter=30),
]


def quartic(lib, dtype):
    """Non-quadratic, so the line search has work to do, but well conditioned."""
    rng = np.random.RandomState(1)
    a, b = rng.randn(6, 3).astype(dtype), rng.randn(6).astype(dtype)
    x = lib.nn.Parameter(lib.tensor([1.5, -2.0, 0.5], dtype=getattr(lib, dtype)))

    def loss_fn():
        return ((lib.tensor(a) @ x - lib.tensor(b)) ** 2).mean() + 0.3 * (x ** 4).sum()
    return [x], loss_fn


def least_squares(lib, dtype):
    rng = np.random.RandomState(0)
    a, b = rng.randn(11, 4).astype(dtype), rng.randn(11).astype(dtype)
    w = lib.nn.Parameter(lib.zeros(4, dtype=getattr(lib, dtype)))
    c = lib.nn.Parameter(lib.zeros(1, dtype=getattr(lib, dtype)))

    def loss_fn():
        return ((lib.tensor(a) @ w + c - lib.tensor(b)) ** 2).mean()
    return [w, c], loss_fn


def trajectory(lib, problem, dtype, kw, steps):
    params, loss_fn = problem(lib, dtype)
    opt = lib.optim.LBFGS(params, **kw)

    def closure():
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        return loss

    rec = []
    for _ in range(steps):
        loss = opt.step(closure)
        state = opt.state[params[0]]
        rec.append((loss.detach().item(), [p.detach().numpy().copy() for p in params],
                    state["func_evals"], state["n_iter"]))
    return rec, opt


TOLERANCES = {("quartic", "float64"): (1e-10, 1e-12),
              ("least_squares", "float64"): (1e-10, 1e-12),
              ("least_squares", "float32"): (3e-3, 3e-4)}


@pytest.mark.parametrize("problem,dtype", [(quartic, "float64"), (least_squares, "float64"),
                                           (least_squares, "float32")],
                         ids=["quartic64", "lsq64", "lsq32"])
@pytest.mark.parametrize("kw", CONFIGS, ids=[str(i) for i in range(len(CONFIGS))])
def test_lbfgs_vs_torch(problem, dtype, kw):
    torch = torch_or_skip()
    steps = 4
    t_rec, t_opt = trajectory(torch, problem, dtype, kw, steps)
    e_rec, e_opt = trajectory(ember, problem, dtype, kw, steps)
    rtol, atol = TOLERANCES[problem.__name__, dtype]
    for k, (e, t) in enumerate(zip(e_rec, t_rec)):
        np.testing.assert_allclose(e[0], t[0], rtol=rtol, atol=atol, err_msg=f"loss {k}")
        for ep, tp in zip(e[1], t[1]):
            np.testing.assert_allclose(ep, tp, rtol=rtol, atol=atol, err_msg=f"step {k}")
        if dtype == "float64":
            assert e[2:] == t[2:]
    if dtype == "float32":
        return      # the drift can take another branch of the line search
    es = e_opt.state_dict()["state"][0]
    ts = t_opt.state_dict()["state"][0]
    assert list(es) == list(ts)
    for key in ("d", "prev_flat_grad", "t", "H_diag"):
        if hasattr(ts[key], "numpy"):
            assert isinstance(es[key], ember.Tensor) and es[key].dtype == getattr(ember, dtype)
            np.testing.assert_allclose(es[key].numpy(), ts[key].numpy(), rtol=rtol * 100,
                                       atol=atol * 100)
        else:
            assert type(es[key]) is type(ts[key]), key
    assert len(es["old_dirs"]) == len(ts["old_dirs"]) and len(es["ro"]) == len(ts["ro"])
    assert repr(e_opt) == repr(t_opt)


@pytest.mark.parametrize("kw", [dict(max_iter=3), dict(max_iter=3, history_size=2,
                                                        line_search_fn="strong_wolfe")],
                         ids=["plain", "wolfe"])
def test_state_dict_round_trip_and_from_torch(kw):
    torch = torch_or_skip()
    full, _ = trajectory(ember, least_squares, "float64", kw, 4)
    for src in (ember, torch):
        params, loss_fn = least_squares(src, "float64")
        opt = src.optim.LBFGS(params, **kw)

        def closure():
            opt.zero_grad()
            loss = loss_fn()
            loss.backward()
            return loss
        for _ in range(2):
            opt.step(closure)
        sd = convert(opt.state_dict(), ember) if src is torch else copy.deepcopy(
            opt.state_dict())
        e_params, e_loss = least_squares(ember, "float64")
        with ember.no_grad():
            for ep, p in zip(e_params, params):
                ep.copy_(ember.tensor(p.detach().numpy()))
        opt2 = ember.optim.LBFGS(e_params, **kw)
        opt2.load_state_dict(sd)

        def closure2():
            opt2.zero_grad()
            loss = e_loss()
            loss.backward()
            return loss
        for k in (2, 3):
            opt2.step(closure2)
            for ep, expected in zip(e_params, full[k][1]):
                np.testing.assert_allclose(ep.detach().numpy(), expected, rtol=1e-10,
                                           atol=1e-12)


def test_converged_start_returns_at_once():
    x = ember.nn.Parameter(ember.zeros(2))
    opt = ember.optim.LBFGS([x])
    calls = []

    def closure():
        calls.append(1)
        opt.zero_grad()
        loss = (x * x).sum()
        loss.backward()
        return loss
    assert opt.step(closure).item() == 0.0
    assert len(calls) == 1 and x.tolist() == [0.0, 0.0]
    assert opt.state[x] == {"func_evals": 1, "n_iter": 0}
