"""Shared by the tests/test_optim_*.py files: run an optimizer in Ember and in
PyTorch on identical parameters and gradients, and move state_dicts between
the two libraries."""
import copy

import numpy as np
import pytest

import ember

SHAPES = [(7, 5), (5,), (3,)]     # the last parameter never gets a gradient


def torch_or_skip():
    return pytest.importorskip("torch")


def make_data(steps, dtype="float32", seed=0):
    rng = np.random.RandomState(seed)

    def draw(shape):
        return rng.randn(*shape).astype(dtype)

    init = [draw(s) for s in SHAPES]
    grads = [[draw(s) for s in SHAPES[:2]] for _ in range(steps)]
    return init, grads


def make_params(lib, init):
    return [lib.nn.Parameter(lib.tensor(a)) for a in init]


def build(lib, name, kw, params, groups=False):
    kw = dict(kw)
    if "lr" in kw and isinstance(kw["lr"], tuple) and kw["lr"][0] == "tensor":
        kw["lr"] = lib.tensor(kw["lr"][1])
    spec = ([{"params": params[:1]}, {"params": params[1:], "lr": 0.03}] if groups
            else params)
    return getattr(lib.optim, name)(spec, **kw)


def run(opt, params, grads, record):
    """Step through `grads`; record the parameters after each step."""
    for gs in grads:
        opt.zero_grad()
        for p, g in zip(params, gs):
            p.grad = _like(p, g)
        opt.step()
        record.append([p.detach().numpy().copy() for p in params])
    return record


def _like(p, g):
    lib = ember if isinstance(p, ember.Tensor) else __import__("torch")
    return lib.tensor(g)


def convert(obj, lib):
    """A state_dict (or any nest of tensors) with its tensors made in `lib`."""
    torch = __import__("torch")
    if isinstance(obj, (ember.Tensor, torch.Tensor)):
        arr = obj.detach().numpy().copy()
        return lib.tensor(arr) if arr.ndim else lib.tensor(arr.item(), dtype=_dtype(lib, arr))
    if isinstance(obj, dict):
        return {k: convert(v, lib) for k, v in obj.items()}
    if isinstance(obj, list):
        return [convert(v, lib) for v in obj]
    if isinstance(obj, tuple):
        return tuple(convert(v, lib) for v in obj)
    return copy.deepcopy(obj)


def _dtype(lib, arr):
    return getattr(lib, str(arr.dtype))


def tolerance(dtype, expected, k):
    """Agreement after k steps: torch fuses a + alpha*b into one FMA where NumPy
    rounds twice, so each step may differ by about an ulp of the values."""
    eps = np.finfo(dtype).eps
    scale = max(1.0, float(np.abs(expected).max()))
    return dict(rtol=1e-6 if dtype == np.float32 else 1e-13, atol=4 * (k + 1) * eps * scale)


def assert_trajectories(e_rec, t_rec, dtype):
    for k, (es, ts) in enumerate(zip(e_rec, t_rec)):
        for e, t in zip(es, ts):
            np.testing.assert_allclose(e, t, **tolerance(dtype, t, k),
                                       err_msg=f"after step {k + 1}")


def assert_states(e_opt, t_opt, dtype, k):
    es, ts = e_opt.state_dict(), t_opt.state_dict()
    assert _plain(es["param_groups"]) == _plain(ts["param_groups"])
    assert sorted(es["state"]) == sorted(ts["state"])
    for i in ts["state"]:
        assert list(es["state"][i]) == list(ts["state"][i])
        for key, tv in ts["state"][i].items():
            ev = es["state"][i][key]
            if hasattr(tv, "numpy"):
                assert str(ev.dtype) == str(tv.dtype).replace("torch.", "ember."), key
                assert tuple(ev.shape) == tuple(tv.shape), key
                t_arr = tv.detach().numpy()
                np.testing.assert_allclose(ev.detach().numpy(), t_arr,
                                           **tolerance(dtype, t_arr, k), err_msg=key)
            else:
                assert ev == tv, key


def _plain(groups):
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in g.items()}
            for g in groups]
