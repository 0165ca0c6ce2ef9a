"""ops/_glibc.py: glibc's expf, logf and log1pf, as PyTorch's scalar kernels
call them (std::exp, std::log, std::log1p on float), compared with this
system's libm, and the binary cross-entropy they make bit for bit."""
import ctypes
import ctypes.util

import numpy as np
import pytest

import ember
from ember.ops import _glibc


def _libm(name):
    path = ctypes.util.find_library("m")
    if path is None or _glibc._VERSION is None:
        pytest.skip("no glibc libm to compare with")
    f = getattr(ctypes.CDLL(path), name)
    f.restype, f.argtypes = ctypes.c_float, [ctypes.c_float]
    return np.frompyfunc(f, 1, 1)


def _same(port, name, x):
    with np.errstate(all="ignore"):      # (libm raises its flags)
        want = _libm(name)(x.astype(np.float64)).astype(np.float32)
        got = port(x)
    same = (got == want) | (np.isnan(got) & np.isnan(want))
    assert same.all(), (x[~same][:5], got[~same][:5], want[~same][:5])
    with np.errstate(all="ignore"):      # (and not merely the correctly rounded values)
        rounded = getattr(np, name[:-1])(x.astype(np.float64)).astype(np.float32)
    assert (rounded != want).sum() > 20


_EDGES = [0.0, -0.0, -1.0, -2.0, np.inf, -np.inf, np.nan, 1e-45, -1e-45, 1e-40, 1e-20,
          1e-10, 1.0, 2.0, 0.5, 3e38, 88.72, 88.73, -103.97, -103.98, -0.29289, -0.2929,
          0.41421, 0.41422, -150.0]


def test_expf():
    rng = np.random.default_rng(0)
    x = np.concatenate([-np.abs(rng.standard_normal(300_000) * 6), rng.uniform(-104, 89, 300_000),
                        rng.uniform(-1e-3, 1e-3, 50_000), _EDGES]).astype(np.float32)
    _same(_glibc.expf, "expf", x)


def test_logf():
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.uniform(0, 1, 400_000), np.exp(rng.uniform(-100, 88, 200_000)),
                        _EDGES]).astype(np.float32)
    _same(_glibc.logf, "logf", x)


def test_log1pf():
    if not _glibc._FDLIBM_LOG1PF:
        pytest.skip("this glibc's log1pf is the correctly rounded one")
    rng = np.random.default_rng(2)
    x = np.concatenate([-rng.uniform(0, 1, 400_000), rng.uniform(-1e-3, 1e-3, 50_000),
                        np.exp(rng.uniform(-100, 88, 100_000)),
                        -np.exp(rng.uniform(-100, 0, 100_000)), _EDGES]).astype(np.float32)
    _same(_glibc._log1pf_fdlibm, "log1pf", x)


@pytest.mark.parametrize("n", [1, 8, 100, 1000])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_cross_entropy_is_pytorchs(n, reduction):
    """Loss and input gradient, hard and soft targets, with and without
    weight, every bit (the logs were 96.5% alike as correctly rounded ones;
    the mean's gradient 42-80% at 100 and 1000 elements: ATen divides by
    numel where Ember multiplied by its reciprocal)."""
    torch = pytest.importorskip("torch")
    if not _glibc._FDLIBM_LOG1PF:
        pytest.skip("PyTorch's log1p here is this glibc's, whose log1pf was not checked")
    rng = np.random.default_rng(n)
    for soft in (False, True):
        for weighted in (False, True):
            x = rng.uniform(0, 1, (n, 1)).astype(np.float32)
            x[0] = 1e-30 if soft else x[0]
            t = (rng.uniform(0, 1, (n, 1)) if soft else rng.uniform(size=(n, 1)) < .5)
            t = t.astype(np.float32)
            w = rng.uniform(0, 2, (n, 1)).astype(np.float32) if weighted else None
            got = []
            for T in (torch, ember):
                xi = T.from_numpy(x.copy()).requires_grad_()
                loss = T.nn.functional.binary_cross_entropy(
                    xi, T.from_numpy(t), weight=None if w is None else T.from_numpy(w),
                    reduction=reduction)
                (loss.sum() if reduction == "none" else loss).backward()
                got.append((loss.detach().numpy(), xi.grad.numpy()))
            for mine, theirs in zip(got[1], got[0]):
                np.testing.assert_array_equal(mine, theirs)


def test_expf_where_the_fma_build_rounds_otherwise():
    """The two float32 inputs from -104 to 89 where glibc's FMA build rounds
    the other way from unfused double arithmetic (found comparing them all),
    and their neighbours."""
    x = np.array([-63.09946, 32.564632], np.float32)
    x = np.concatenate([x, np.nextafter(x, np.float32(0)), np.nextafter(x, np.float32(-1e9))])
    with np.errstate(all="ignore"):
        want = _libm("expf")(x.astype(np.float64)).astype(np.float32)
    np.testing.assert_array_equal(_glibc.expf(x), want)


def test_zero_dim_binary_cross_entropy_at_the_edges():
    """A 0-d input of 0 or 1 takes logf's and log1pf's special cases (Ember's
    ports raised TypeError there: a 0-d NumPy result is a scalar)."""
    torch = pytest.importorskip("torch")
    for v, t in ((0., 0.), (1., 1.), (0., 1.), (1., 0.), (0.3, 0.2)):
        got = []
        for T in (torch, ember):
            x = T.tensor(v, requires_grad=True)
            loss = T.nn.functional.binary_cross_entropy(x, T.tensor(t))
            loss.backward()
            got.append((loss.item(), x.grad.item()))
        assert got[1] == got[0]
    for f in (_glibc.expf, _glibc.logf, _glibc.log1pf):
        for v in (0.0, -1.0, np.inf, 32.564632):
            one = f(np.array([v], np.float32))[0]
            zero_d = f(np.array(v, np.float32))
            assert zero_d.shape == () and (zero_d == one or (np.isnan(zero_d) and np.isnan(one)))
