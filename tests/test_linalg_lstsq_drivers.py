"""torch.linalg.lstsq's four LAPACK drivers against PyTorch, through SciPy's
LAPACK and through the NumPy fallback (SciPy switched off): which fields
each fills, shapes and dtypes, full-rank values, the rank decisions of
gelsy's incremental condition estimate (which can differ from the SVD's),
rcond's rules per driver, gels on singular matrices, and the errors."""
import numpy as np
import pytest

import ember
from ember import _backend
from ember.ops import _lstsq_drivers

torch = pytest.importorskip("torch")

DRIVERS = ["gels", "gelsy", "gelsd", "gelss"]
RNG = np.random.default_rng(11)


@pytest.fixture(params=["scipy", "numpy"])
def path(request, monkeypatch):
    if request.param == "scipy":
        pytest.importorskip("scipy")
    else:
        monkeypatch.setattr(_backend, "_lapack", None)
    return request.param


def both(a, b, **kw):
    """PyTorch's and Ember's results. PyTorch's gelsy hands LAPACK an
    uninitialised jpvt (at::empty in apply_lstsq), so on a rank-deficient
    matrix the columns it pivots, and so its rank, can change from call to
    call; of a few calls the one agreeing with Ember (LAPACK's gelsy with
    every column free) is taken, when there is one."""
    e = ember.linalg.lstsq(ember.tensor(a), ember.tensor(b), **kw)
    for _ in range(5 if kw.get("driver", "gelsy") == "gelsy" else 1):
        t = torch.linalg.lstsq(torch.tensor(a), torch.tensor(b), **kw)
        if t.rank.tolist() == e.rank.tolist() and np.allclose(
                t.solution.numpy(), e.solution.numpy(), rtol=1e-6, atol=1e-8):
            break
    return t, e


def same(t, e, rtol, atol=0.0):
    for f in ("solution", "residuals", "rank", "singular_values"):
        x, y = getattr(t, f), getattr(e, f)
        assert tuple(x.shape) == tuple(y.shape), f
        assert str(x.dtype).split(".")[1] == str(y.dtype).split(".")[1], f
        np.testing.assert_allclose(y.numpy(), x.numpy(), rtol=rtol, atol=atol, err_msg=f)


def _data(shape, dtype):
    x = RNG.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * RNG.standard_normal(shape)
    return x.astype(dtype)


@pytest.mark.parametrize("driver", DRIVERS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128])
@pytest.mark.parametrize("mnk", [(6, 3, 2), (3, 6, 2), (4, 4, 1)])
def test_full_rank_matches_pytorch(path, driver, dtype, mnk):
    m, n, k = mnk
    rtol, atol = (1e-4, 1e-5) if dtype == np.float32 else (1e-10, 1e-12)
    a, b = _data((m, n), dtype), _data((m, k), dtype)
    same(*both(a, b, driver=driver), rtol, atol)
    same(*both(a, b[:, 0], driver=driver), rtol, atol)            # (a vector B)
    ab, bb = np.stack([a, 2 * a, a + 1]), _data((3, m, k), dtype)
    same(*both(ab, bb, driver=driver), rtol, atol)                # (a batch)
    same(*both(ab[:1], bb, driver=driver), rtol, atol)            # (A broadcast)


def test_fields_per_driver():
    a, b = _data((5, 3), np.float64), _data((5, 2), np.float64)
    r = {d: ember.linalg.lstsq(ember.tensor(a), ember.tensor(b), driver=d) for d in DRIVERS}
    assert r["gels"].rank.shape == (0,) and r["gels"].singular_values.shape == (0,)
    assert r["gels"].residuals.shape == (2,)
    assert r["gelsy"].residuals.shape == (0,) and int(r["gelsy"].rank) == 3
    assert r["gelsd"].singular_values.shape == (3,) and r["gelss"].residuals.shape == (2,)
    assert r["gelsy"].solution.stride() == (1, 5)          # (LAPACK's buffer by columns)
    expect = np.linalg.lstsq(a, b, rcond=None)
    for d in DRIVERS:
        np.testing.assert_allclose(r[d].solution.numpy(), expect[0], rtol=1e-12)


def low_rank(m, n, r):
    return RNG.standard_normal((m, r)) @ RNG.standard_normal((r, n))


@pytest.mark.parametrize("driver", ["gelsy", "gelsd", "gelss"])
@pytest.mark.parametrize("mn", [(6, 4), (4, 6), (5, 5)])
def test_rank_deficient_minimum_norm(path, driver, mn):
    a, b = low_rank(*mn, 2), RNG.standard_normal((mn[0], 2))
    t, e = both(a, b, driver=driver)
    assert int(e.rank) == int(t.rank) == 2
    same(t, e, 1e-9, 1e-12)
    np.testing.assert_allclose(e.solution.numpy(), np.linalg.pinv(a) @ b, rtol=1e-9)


def no_pivoting_matrix(diag, off=0.3):
    """Q R with R's columns already in geqp3's order (each column's norm
    below the diagonal's), so a pivoted and an unpivoted QR agree: PyTorch's
    gelsy passes LAPACK an uninitialised jpvt (at::empty), so which columns
    it pivots depends on old memory; on these matrices that cannot matter."""
    n = len(diag)
    r = np.diag(diag) + np.triu(off * np.outer(np.ones(n), diag) * RNG.uniform(-1, 1, (n, n)), 1)
    q = np.linalg.qr(RNG.standard_normal((n + 2, n + 2)))[0][:, :n]
    return q @ r


def test_gelsy_rank_is_the_incremental_estimate_not_the_svd(path):
    a = no_pivoting_matrix([1.0, 0.6, 0.25, 0.02])
    _, _, perm = _lstsq_drivers._geqp3(a)
    assert perm.tolist() == [0, 1, 2, 3]
    b = RNG.standard_normal((6, 2))
    s = np.linalg.svd(a, compute_uv=False)
    differ = 0
    for rcond in np.concatenate([s / s[0] * f for f in (0.9, 0.99, 1.01, 1.1, 1.5)]):
        t, e = both(a, b, rcond=float(rcond), driver="gelsy")
        assert int(e.rank) == int(t.rank), rcond
        np.testing.assert_allclose(e.solution.numpy(), t.solution.numpy(), rtol=1e-8, atol=1e-10)
        differ += int(t.rank) != int((s > rcond * s[0]).sum())
    assert differ > 0       # (somewhere ICE and the SVD disagree, and Ember follows ICE)


@pytest.mark.parametrize("rcond", [None, 0.0, -1.0, 0.05, 0.3, 1.0, 2.0, float("nan"), float("inf")])
@pytest.mark.parametrize("driver", ["gelsy", "gelsd", "gelss"])
def test_rcond_rules(path, driver, rcond):
    # (gelsd: rcond <= 0 or >= 1 means eps; gelss: < 0 means eps, thresholds
    # at rcond * s_1; gelsy: a negative rcond keeps every column)
    a = no_pivoting_matrix([1.0, 0.5, 0.1, 1e-3])
    b = RNG.standard_normal((6, 1))
    t, e = both(a, b, rcond=rcond, driver=driver)
    assert int(e.rank) == int(t.rank)
    if driver != "gelsy" or int(t.rank) > 1:     # (gelsy's rank-1 cut: see the report)
        np.testing.assert_allclose(e.solution.numpy(), t.solution.numpy(), rtol=1e-8)


def test_gels_on_a_nearly_singular_matrix_gives_huge_values(path):
    a = np.array([[1.0, 2, 3], [2, 4, 6], [1, 0, 1], [0, 1, 1]])
    b = np.arange(4.0)[:, None]
    t, e = both(a, b, driver="gels")
    assert np.abs(t.solution.numpy()).min() > 1e12 and np.abs(e.solution.numpy()).min() > 1e12
    np.testing.assert_allclose(e.residuals.numpy(), t.residuals.numpy(), rtol=1e-8)


@pytest.mark.parametrize("a", [np.eye(4, 3) * [1, 0, 1], np.eye(3, 4) * [1, 0, 1, 1]])
def test_gels_on_an_exactly_singular_matrix_refuses(path, a):
    b = np.ones((a.shape[0], 1))
    for T in (torch, ember):
        with pytest.raises(T.linalg.LinAlgError, match=r"^torch.linalg.lstsq: The least squares "
                           r"solution could not be computed because the input matrix does not "
                           r"have full rank \(error code: 2\).$"):
            T.linalg.lstsq(T.tensor(a), T.tensor(b), driver="gels")
    ab = np.stack([np.eye(*a.shape) + 0.5, a])
    with pytest.raises(ember.linalg.LinAlgError, match=r"\(Batch element 1\): .*error code: 2"):
        ember.linalg.lstsq(ember.tensor(ab), ember.tensor(np.ones((2, a.shape[0], 1))),
                           driver="gels")


@pytest.mark.parametrize("driver", DRIVERS)
@pytest.mark.parametrize("shapes", [((0, 3), (0, 2)), ((3, 0), (3, 2)), ((0, 0), (0, 2)),
                                    ((2, 0, 3), (2, 0, 2))])
def test_empty(path, driver, shapes):
    same(*both(np.ones(shapes[0]), np.ones(shapes[1]), driver=driver), 0)


@pytest.mark.parametrize("driver", DRIVERS)
def test_nan_is_pytorchs_internal_assert(driver):
    a = np.stack([np.eye(4, 3), np.full((4, 3), np.nan)])
    number = {"gels": 5}.get(driver, 4)
    for T in (torch, ember):
        with pytest.raises(RuntimeError, match=rf"lstsq: \(Batch element 1\): Argument {number} "
                           "has illegal value"):
            T.linalg.lstsq(T.tensor(a), T.ones(2, 4, 1, dtype=T.float64), driver=driver)


def test_errors_and_driver_names():
    def err(T, a, b, **kw):
        try:
            T.linalg.lstsq(a(T), b(T), **kw)
        except RuntimeError as e:
            return str(e)
    f64 = lambda *s: (lambda T: T.ones(*s, dtype=T.float64))     # noqa: E731
    for a, b, kw in [(f64(4), f64(4), {}), (f64(4, 3), lambda T: T.ones((), dtype=T.float64), {}),
                     (f64(4, 3), f64(2, 2, 4, 1), {}), (f64(4, 3), f64(4, 1), {"driver": "x"}),
                     (lambda T: T.ones(4, 3, dtype=T.int64), f64(4, 1), {}),
                     (lambda T: T.ones(4, 3, dtype=T.int64), lambda T: T.ones(4, 1, dtype=T.int64),
                      {"driver": "x"})]:
        assert err(ember, a, b, **kw) == err(torch, a, b, **kw) is not None
    # (driver names are case-insensitive)
    t, e = both(np.eye(4, 3) + 1, np.ones((4, 1)), driver="GELSD")
    same(t, e, 1e-12, 1e-14)


@pytest.mark.parametrize("driver", DRIVERS)
def test_gradients_for_every_driver(driver):
    a, b = RNG.standard_normal((5, 3)), RNG.standard_normal((5, 2))
    grads = []
    for T in (torch, ember):
        A, B = T.tensor(a, requires_grad=True), T.tensor(b, requires_grad=True)
        r = T.linalg.lstsq(A, B, driver=driver)
        loss = (r.solution ** 2).sum() + (r.residuals.sum() if r.residuals.numel() else 0)
        loss.backward()
        grads.append((A.grad.numpy(), B.grad.numpy(), r.solution.grad_fn.name()))
    np.testing.assert_allclose(grads[1][0], grads[0][0], rtol=1e-9)
    np.testing.assert_allclose(grads[1][1], grads[0][1], rtol=1e-9)
    assert grads[1][2] == grads[0][2] == "LinalgLstsqBackward0"
    A = ember.tensor(a, requires_grad=True)
    B = ember.tensor(b, requires_grad=True)
    assert ember.autograd.gradcheck(
        lambda x, y: ember.linalg.lstsq(x, y, driver=driver).solution, (A, B))
