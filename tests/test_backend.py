"""ember/_backend.py: NumPy kept quiet per computation (not through the
warnings module), and SciPy's LAPACK as an optional fast path."""
import threading
import warnings

import numpy as np
import pytest

import ember
from ember import _backend


def test_ops_are_quiet_under_warnings_as_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = ember.tensor([0.0, -1.0, 1.0], requires_grad=True)
        a, b, c = ember.log(x), x / 0, ember.sqrt(x)
        assert a[0].item() == -np.inf and np.isnan(a[1].item()) and np.isnan(b[0].item())
        assert np.isnan(c[1].item())
        (a + b + c).sum().backward()          # formulas divide by zero too
        # ... while the user's own NumPy code still warns as the user asked
        with pytest.raises(RuntimeWarning):
            np.log(np.zeros(1))
    # (and Ember installed no filter of its own)
    assert not any("ember" in str(getattr(f[3], "pattern", f[3])) for f in warnings.filters)


def test_threads_do_not_leave_numpy_silenced():
    def work():
        for _ in range(200):
            ember.log(ember.zeros(3))
    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with np.errstate(all="warn"), pytest.warns(RuntimeWarning):
        np.log(np.zeros(1))


@pytest.mark.parametrize("rhs", [(5,), (5, 3)])
@pytest.mark.parametrize("dtype", [ember.float32, ember.float64])
# (LAPACK's LU of A^T where A is laid out by rows, of A itself where by
# columns, of a copy otherwise)
@pytest.mark.parametrize("layout", ["rows", "columns", "strided"])
@pytest.mark.parametrize("left", [True, False])
def test_solve_without_scipy_gives_the_same(monkeypatch, rhs, dtype, layout, left):
    pytest.importorskip("scipy")
    g = ember.Generator().manual_seed(0)
    A = ember.rand(5, 5, generator=g, dtype=dtype) + 5 * ember.eye(5, dtype=dtype)
    A = {"rows": A, "columns": A.t().contiguous().t(),
         "strided": ember.cat([A, A], 1)[:, :5]}[layout]
    assert A.is_contiguous() == (layout == "rows")
    # (a vector B is for left=True only)
    B = ember.rand(*rhs if left else (3, 5), generator=g, dtype=dtype)
    fast = ember.linalg.solve(A, B, left=left)
    monkeypatch.setattr(_backend, "_lapack", None)
    plain = ember.linalg.solve(A, B, left=left)
    np.testing.assert_allclose(fast.numpy(), plain.numpy(), atol=1e-6 if dtype == ember.float32
                               else 1e-14, rtol=1e-5 if dtype == ember.float32 else 1e-12)
    # and it is the solution: A X = B (left) or X A = B
    np.testing.assert_allclose((A @ fast if left else fast @ A).numpy(), B.numpy(),
                               atol=1e-5 if dtype == ember.float32 else 1e-12)
    singular = ember.zeros(5, 5, dtype=dtype)
    for lp in (None, pytest.importorskip("scipy.linalg").lapack):
        monkeypatch.setattr(_backend, "_lapack", lp)
        with pytest.raises(RuntimeError, match="singular"):
            ember.linalg.solve(singular, B, left=left)
