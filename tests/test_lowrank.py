"""torch.svd_lowrank / torch.pca_lowrank against PyTorch: the same seed
draws the same random basis, so the singular values agree, and the
vectors up to each column's sign."""
import numpy as np
import pytest

import ember
from compare_torch import check_error

torch = pytest.importorskip("torch")


def _both(fn):
    out = []
    for T in (torch, ember):
        T.manual_seed(3)
        out.append([np.asarray(t.numpy()) for t in fn(T)])
    return out


def _same_up_to_sign(a, b, tol):
    signs = np.sign(np.sum(a * b, axis=-2, keepdims=True))
    np.testing.assert_allclose(a * signs, b, rtol=tol, atol=tol)


@pytest.mark.parametrize("shape", [(40, 6), (6, 40), (3, 20, 8)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_svd_and_pca_lowrank_as_torch(shape, dtype):
    data = np.random.default_rng(0).standard_normal(shape)
    tol = 1e-4 if dtype == "float32" else 1e-10
    for fn in (lambda T: T.svd_lowrank(T.tensor(data, dtype=getattr(T, dtype)), q=4),
               lambda T: T.pca_lowrank(T.tensor(data, dtype=getattr(T, dtype)), q=3, niter=4),
               lambda T: T.pca_lowrank(T.tensor(data, dtype=getattr(T, dtype)), center=False),
               lambda T: T.svd_lowrank(T.tensor(data, dtype=getattr(T, dtype)), q=3,
                                       M=T.tensor(data, dtype=getattr(T, dtype)).mean(-2, True))):
        (tu, ts, tv), (eu, es, ev) = _both(fn)
        assert eu.shape == tu.shape and ev.shape == tv.shape and es.dtype == ts.dtype
        np.testing.assert_allclose(es, ts, rtol=tol, atol=tol)
        _same_up_to_sign(eu, tu, tol)
        _same_up_to_sign(ev, tv, tol)


def test_pca_lowrank_refuses_as_torch():
    check_error(lambda T: (T.ones(4, 3),), lambda T, a: T.pca_lowrank(a, q=5))
    check_error(lambda T: (T.ones(4, 3),), lambda T, a: T.pca_lowrank(a, niter=-1))
