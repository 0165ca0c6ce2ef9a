"""ember.optim: SGD, Adam, AdamW, the Optimizer protocol, StepLR.

The update arithmetic is compared with PyTorch on identical gradients (set
by hand, so only the optimizer differs): torch fuses `a + alpha * b` into one
FMA where NumPy rounds twice, so values agree to about an ulp of the
parameters' scale.
"""
import copy

import numpy as np
import pytest

import ember
import ember.nn as nn


def _torch():
    return pytest.importorskip("torch")


def msg(exc):
    return str(exc).replace("torch.", "ember.")


def run_steps(lib, opt_name, kw, steps=8, seed=0, shape=(30, 20), groups=False):
    rng = np.random.RandomState(seed)
    w0 = rng.randn(*shape).astype(np.float32)
    b0 = rng.randn(shape[0]).astype(np.float32)
    grads = [(rng.randn(*shape).astype(np.float32), rng.randn(shape[0]).astype(np.float32))
             for _ in range(steps)]
    w = lib.nn.Parameter(lib.tensor(w0))
    b = lib.nn.Parameter(lib.tensor(b0))
    params = [{"params": [w]}, {"params": [b], "lr": 0.05}] if groups else [w, b]
    opt = getattr(lib.optim, opt_name)(params, **kw)
    for gw, gb in grads:
        opt.zero_grad()
        w.grad, b.grad = lib.tensor(gw), lib.tensor(gb)
        opt.step()
    return w.detach().numpy().copy(), b.detach().numpy().copy(), opt


def assert_close_f32(actual, expected, steps=8):
    scale = max(1.0, float(np.abs(expected).max()))
    np.testing.assert_allclose(actual, expected, rtol=1e-6,
                               atol=steps * 2 * np.finfo(np.float32).eps * scale)


SGD_CASES = [
    dict(lr=0.01), dict(lr=0.1, momentum=0.9), dict(lr=0.1, momentum=0.9, nesterov=True),
    dict(lr=0.1, momentum=0.9, dampening=0.3), dict(lr=0.05, weight_decay=0.1),
    dict(lr=0.05, momentum=0.5, weight_decay=0.01, maximize=True),
    dict(lr=0.05, maximize=True),
]
ADAM_CASES = [
    ("Adam", dict()), ("Adam", dict(lr=0.01, betas=(0.8, 0.99))),
    ("Adam", dict(lr=0.01, weight_decay=0.1)), ("Adam", dict(lr=0.01, amsgrad=True)),
    ("Adam", dict(lr=0.01, maximize=True, eps=1e-6)), ("Adam", dict(lr=0.01, betas=(0.3, 0.9))),
    ("AdamW", dict()), ("AdamW", dict(lr=0.01, weight_decay=0.5, amsgrad=True)),
]


@pytest.mark.parametrize("kw", SGD_CASES)
@pytest.mark.parametrize("groups", [False, True])
def test_sgd_vs_torch(kw, groups):
    torch = _torch()
    tw, tb, topt = run_steps(torch, "SGD", kw, groups=groups)
    ew, eb, eopt = run_steps(ember, "SGD", kw, groups=groups)
    assert_close_f32(ew, tw)
    assert_close_f32(eb, tb)
    assert repr(eopt) == repr(topt)
    if kw.get("momentum"):
        tbuf = topt.state[topt.param_groups[0]["params"][0]]["momentum_buffer"].numpy()
        ebuf = eopt.state[eopt.param_groups[0]["params"][0]]["momentum_buffer"].numpy()
        assert_close_f32(ebuf, tbuf)


@pytest.mark.parametrize("kw", SGD_CASES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sgd_is_torch_bit_for_bit_with_blas(kw, dtype, monkeypatch):
    # With SciPy's axpy each `add_(b, alpha=c)` of the update rounds once, as
    # torch's fused kernel: 8 steps leave every parameter and buffer equal.
    torch = _torch()
    pytest.importorskip("scipy.linalg.blas")
    from ember import _backend
    if _backend._blas is None:
        monkeypatch.setattr(_backend, "_blas", _backend.optional("scipy.linalg.blas"))
    results = []
    for lib in (torch, ember):
        rng = np.random.RandomState(3)
        w = lib.nn.Parameter(lib.tensor(rng.randn(37, 29).astype(dtype)))
        opt = lib.optim.SGD([w], **kw)
        for _ in range(8):
            w.grad = lib.tensor(rng.randn(37, 29).astype(dtype))
            opt.step()
        state = opt.state[w].get("momentum_buffer")
        results.append((w.detach().numpy().copy(),
                        None if state is None else state.numpy().copy()))
    (tw, tbuf), (ew, ebuf) = results
    np.testing.assert_array_equal(ew, tw)
    if tbuf is not None:
        np.testing.assert_array_equal(ebuf, tbuf)


@pytest.mark.parametrize("kw", SGD_CASES[:3])
def test_sgd_without_blas_rounds_twice_within_an_ulp(kw, monkeypatch):
    torch = _torch()
    from ember import _backend
    monkeypatch.setattr(_backend, "_blas", None)
    tw, tb, _ = run_steps(torch, "SGD", kw)
    ew, eb, _ = run_steps(ember, "SGD", kw)
    assert_close_f32(ew, tw)
    assert_close_f32(eb, tb)


def _strided(a, how):
    """`a`'s values in a layout: C-ordered, transposed (F-ordered), or every other element."""
    if how == "C":
        return a.copy()
    if how == "T":
        return np.ascontiguousarray(a.T).T
    wide = np.zeros(a.shape[:-1] + (2 * a.shape[-1],), a.dtype)
    wide[..., ::2] = a
    return wide[..., ::2]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("y_how,x_how", [("C", "C"), ("C", "T"), ("T", "C"), ("T", "T"),
                                         ("S", "C"), ("C", "S")])
@pytest.mark.parametrize("shape", [(3, 4), (64, 33), (7,)])
def test_add_scaled_rounds_once_in_every_layout_as_torch(shape, y_how, x_how, dtype):
    # PyTorch's add_(x, alpha=a) fuses a * x + y whatever the layouts (an ulp
    # from NumPy's y + a * x in some 2% of elements); so does add_scaled_,
    # in place, into y's own memory.
    torch = _torch()
    pytest.importorskip("scipy")
    from ember._backend import add_scaled_
    if len(shape) == 1 and "T" in (y_how, x_how):
        pytest.skip("a 1-D array has one layout per stride")
    rng = np.random.default_rng(sum(shape))
    y0 = rng.standard_normal(shape).astype(dtype)
    x0 = rng.standard_normal(shape).astype(dtype)
    alpha = -0.0123
    y, x = _strided(y0, y_how), _strided(x0, x_how)
    t = torch.from_numpy(y0.copy())
    t.add_(torch.from_numpy(x0), alpha=alpha)
    assert add_scaled_(y, x, alpha) is y
    np.testing.assert_array_equal(y, t.numpy())
    np.testing.assert_array_equal(x, x0)


def test_add_scaled_without_a_blas_type_rounds_twice():
    from ember._backend import add_scaled_
    half = np.ones(3, np.float16)
    add_scaled_(half, np.ones(3, np.float16), 0.5)
    np.testing.assert_array_equal(half, np.full(3, 1.5, np.float16))
    y = np.arange(6, dtype=np.float32).reshape(2, 3)
    add_scaled_(y, np.ones(3, np.float32), 2.0)      # (broadcast: NumPy's)
    np.testing.assert_array_equal(y, np.arange(6, dtype=np.float32).reshape(2, 3) + 2)


@pytest.mark.parametrize("name,kw", ADAM_CASES)
def test_adam_vs_torch(name, kw):
    torch = _torch()
    tw, tb, topt = run_steps(torch, name, kw)
    ew, eb, eopt = run_steps(ember, name, kw)
    assert_close_f32(ew, tw)
    assert_close_f32(eb, tb)
    assert repr(eopt) == repr(topt)
    ts = topt.state[topt.param_groups[0]["params"][0]]
    es = eopt.state[eopt.param_groups[0]["params"][0]]
    assert sorted(es) == sorted(ts)
    assert es["step"].item() == ts["step"].item() == 8.0
    assert es["step"].dtype.name == str(ts["step"].dtype).replace("torch.", "")
    assert_close_f32(es["exp_avg_sq"].numpy(), ts["exp_avg_sq"].numpy())


def test_training_loop_vs_torch():
    torch = _torch()
    rng = np.random.RandomState(1)
    x, y = rng.randn(32, 8).astype(np.float32), rng.randn(32, 3).astype(np.float32)
    results = []
    for lib in (torch, ember):
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(8, 16), lib.nn.Tanh(), lib.nn.Linear(16, 3))
        opt = lib.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        losses = []
        for _ in range(20):
            opt.zero_grad()
            loss = lib.nn.functional.mse_loss(model(lib.tensor(x)), lib.tensor(y))
            loss.backward()
            opt.step()
            losses.append(loss.item())
        results.append((losses, [p.detach().numpy().copy() for p in model.parameters()]))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-5)
    for e, t in zip(results[1][1], results[0][1]):
        np.testing.assert_allclose(e, t, rtol=1e-4, atol=1e-5)


def test_sgd_analytic_and_version():
    p = nn.Parameter(ember.tensor([1.0, 2.0]))
    opt = ember.optim.SGD([p], lr=0.5)
    p.grad = ember.tensor([2.0, -2.0])
    v = p._version
    opt.step()
    assert p.tolist() == [0.0, 3.0] and p._version == v + 1
    assert p.is_leaf and p.requires_grad and p.grad_fn is None
    opt = ember.optim.SGD([p], lr=1.0, momentum=0.5)
    for _ in range(2):
        p.grad = ember.tensor([1.0, 1.0])
        opt.step()
    # buf: 1, then 0.5 * 1 + 1 = 1.5; p moves by 1 + 1.5
    assert p.tolist() == [-2.5, 0.5]


def test_zero_grad_sets_none_like_torch_2():
    lin = nn.Linear(3, 2)
    opt = ember.optim.SGD(lin.parameters(), lr=0.1)
    lin(ember.ones(1, 3)).sum().backward()
    opt.zero_grad()
    assert lin.weight.grad is None
    with pytest.raises(TypeError, match="'NoneType' object is not subscriptable"):
        lin.weight.grad[0][0:10]
    lin(ember.ones(1, 3)).sum().backward()
    opt.zero_grad(set_to_none=False)
    assert lin.weight.grad.tolist() == [[0.0] * 3] * 2


def test_params_without_grad_are_skipped():
    a, b = nn.Parameter(ember.ones(2)), nn.Parameter(ember.ones(2))
    opt = ember.optim.Adam([a, b], lr=0.1)
    a.grad = ember.ones(2)
    opt.step()
    assert b.tolist() == [1.0, 1.0] and len(opt.state) == 1


def test_errors_vs_torch():
    torch = _torch()
    cases = [
        lambda L, w: L.optim.SGD([], lr=1),
        lambda L, w: L.optim.SGD([w], lr=-1),
        lambda L, w: L.optim.SGD([w], lr=1, momentum=-1),
        lambda L, w: L.optim.SGD([w], lr=1, weight_decay=-1),
        lambda L, w: L.optim.SGD([w], lr=1, nesterov=True),
        lambda L, w: L.optim.SGD([w], lr=1, momentum=0.9, dampening=0.1, nesterov=True),
        lambda L, w: L.optim.SGD(w),
        lambda L, w: L.optim.SGD([w, w * 2]),
        lambda L, w: L.optim.SGD([w, 1]),
        lambda L, w: L.optim.SGD([{"params": [w]}, {"params": [w]}]),
        lambda L, w: L.optim.SGD([{"params": {w}}]),
        lambda L, w: L.optim.Adam([w], betas=(1.0, 0.9)),
        lambda L, w: L.optim.Adam([w], betas=(0.9, -0.1)),
        lambda L, w: L.optim.Adam([w], eps=-1),
        lambda L, w: L.optim.Adam([w], lr=-0.5),
        lambda L, w: L.optim.AdamW([w], weight_decay=-1),
        lambda L, w: L.optim.SGD([w]).load_state_dict({"state": {}, "param_groups": []}),
    ]
    for case in cases:
        errs = []
        for lib in (torch, ember):
            w = lib.nn.Parameter(lib.ones(2))
            with pytest.raises(Exception) as ei:
                case(lib, w)
            errs.append((type(ei.value).__name__, msg(ei.value)))
        assert errs[0] == errs[1]


def test_reprs_vs_torch():
    torch = _torch()
    for make in (
        lambda L, ps: L.optim.SGD(ps, lr=0.1),
        lambda L, ps: L.optim.SGD([{"params": ps[:1]}, {"params": ps[1:], "lr": 1}], lr=0.01,
                                  momentum=0.9, nesterov=True),
        lambda L, ps: L.optim.Adam(ps),
        lambda L, ps: L.optim.AdamW(ps, lr=3e-4, betas=(0.5, 0.6), amsgrad=True),
    ):
        reprs = [repr(make(lib, [lib.nn.Parameter(lib.ones(2)), lib.nn.Parameter(lib.ones(1))]))
                 for lib in (torch, ember)]
        assert reprs[0] == reprs[1]


def test_state_dict_roundtrip():
    def make():
        ember.manual_seed(0)
        model = nn.Linear(4, 2)
        return model, ember.optim.Adam(model.parameters(), lr=0.1)

    x = ember.randn(5, 4)
    m1, o1 = make()
    for _ in range(3):
        o1.zero_grad()
        m1(x).pow(2).sum().backward()
        o1.step()
    sd = o1.state_dict()
    assert sorted(sd) == ["param_groups", "state"]
    assert sd["param_groups"][0]["params"] == [0, 1] and sorted(sd["state"]) == [0, 1]
    assert sorted(sd["state"][0]) == ["exp_avg", "exp_avg_sq", "step"]
    m2, o2 = make()
    m2.load_state_dict(m1.state_dict())
    o2.load_state_dict(copy.deepcopy(sd))   # as after a save/load: torch aliases otherwise
    assert o2.state[m2.weight]["step"].item() == 3.0
    for m, o in ((m1, o1), (m2, o2)):
        o.zero_grad()
        m(x).pow(2).sum().backward()
        o.step()
    assert np.array_equal(m1.weight.detach().numpy(), m2.weight.detach().numpy())
    with pytest.raises(ValueError, match="different number of parameter groups"):
        o2.load_state_dict({"state": {}, "param_groups": []})


def test_state_dict_format_vs_torch():
    torch = _torch()
    sds = []
    for lib in (torch, ember):
        w = lib.nn.Parameter(lib.ones(2))
        opt = lib.optim.SGD([w], lr=0.1, momentum=0.9)
        w.grad = lib.ones(2)
        opt.step()
        sd = opt.state_dict()
        sds.append((sd["param_groups"], {k: sorted(v) for k, v in sd["state"].items()},
                    sd["state"][0]["momentum_buffer"].tolist()))
    assert sds[0] == sds[1]


def test_add_param_group_and_hooks():
    a, b = nn.Parameter(ember.ones(1)), nn.Parameter(ember.ones(1))
    opt = ember.optim.SGD([a], lr=0.1)
    opt.add_param_group({"params": b, "lr": 0.5})
    assert opt.param_groups[1]["lr"] == 0.5 and opt.param_groups[1]["momentum"] == 0
    calls = []
    h = opt.register_step_pre_hook(lambda o, args, kwargs: calls.append("pre"))
    opt.register_step_post_hook(lambda o, args, kwargs: calls.append("post"))
    a.grad, b.grad = ember.ones(1), ember.ones(1)
    opt.step()
    assert calls == ["pre", "post"]
    assert a.item() == pytest.approx(0.9) and b.item() == pytest.approx(0.5)
    h.remove()
    opt.step()
    assert calls == ["pre", "post", "post"]


def test_closure():
    w = nn.Parameter(ember.tensor([3.0]))
    opt = ember.optim.SGD([w], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with ember.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 9.0 and w.item() == 1.5


def test_step_lr_vs_torch():
    torch = _torch()
    lrs = []
    for lib in (torch, ember):
        opt = lib.optim.SGD([lib.nn.Parameter(lib.ones(1))], lr=1.0)
        sched = lib.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
        seq = []
        for _ in range(8):
            opt.step()
            sched.step()
            seq.append((sched.get_last_lr()[0], opt.param_groups[0]["lr"]))
        lrs.append((seq, sorted(sched.state_dict())))
    assert lrs[0] == lrs[1]
    opt = ember.optim.SGD([nn.Parameter(ember.ones(1))], lr=1.0)
    sched = ember.optim.lr_scheduler.StepLR(opt, 1)
    with pytest.warns(UserWarning, match="Detected call of `lr_scheduler.step"):
        sched.step()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ["add", "sub", "add_", "sub_"])
def test_add_with_alpha_is_fused_as_torch(name, dtype):
    # `p.add_(p.grad, alpha=-lr)`, the hand-written SGD step of PyTorch's
    # tutorials: torch's kernel rounds a + alpha * b once.
    torch = _torch()
    pytest.importorskip("scipy.linalg.blas")
    rng = np.random.default_rng(5)
    a, b = (rng.standard_normal(1003).astype(dtype) for _ in range(2))
    out = []
    for lib in (torch, ember):
        x, y = lib.from_numpy(a.copy()), lib.from_numpy(b)
        r = getattr(x, name)(y, alpha=-0.0137)
        out.append(r.numpy().copy())
    np.testing.assert_array_equal(out[1], out[0])


def _fake_axpy(run):
    """A BLAS axpy that adds the last n % run elements of a call unfused
    (run None: the first element of every call, a pattern of no run)."""
    from ember._fused_add import fused_add_

    def axpy(x, y, n, a):
        fused = slice(0, n - n % run) if run else slice(1, n)
        unfused = slice(n - n % run, n) if run else slice(0, 1)
        fused_add_(y[fused], x[fused], a)
        y[unfused] += y.dtype.type(a) * x[unfused]
        return y
    return axpy


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_probe_finds_the_unfused_run(dtype):
    from ember._fused_add import unfused_run
    for run in (1, 8, 16, 32):
        assert unfused_run(_fake_axpy(run), dtype) == run
    assert unfused_run(_fake_axpy(None), dtype) is None


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(7,), (37, 29)])
def test_fused_add_in_numpy_rounds_once_as_torch(shape, dtype):
    torch = _torch()
    from ember._fused_add import fused_add_
    rng = np.random.default_rng(sum(shape))
    y0, x0 = rng.standard_normal(shape).astype(dtype), rng.standard_normal(shape).astype(dtype)
    t = torch.from_numpy(y0.copy())
    t.add_(torch.from_numpy(x0), alpha=-0.0123)
    y = y0.copy()
    assert fused_add_(y, x0, -0.0123) is y
    np.testing.assert_array_equal(y, t.numpy())
