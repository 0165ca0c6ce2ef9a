"""Every op of the catalogue (tests/op_table.py): gradcheck and gradgradcheck
in float64 against finite differences, and values, gradients and grad_fn
names against PyTorch in float32 where PyTorch is installed."""
import zlib

import numpy as np
import pytest

import ember
from compare_torch import chain as _grad_fn_names
from op_table import ANY, OPS, POS, UNIT

IDS = [row[0] for row in OPS]


def sample(shape, domain, seed):
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    if domain == POS:
        vals = rng.uniform(0.5, 2.0, n)
    elif domain == UNIT:
        vals = rng.uniform(-0.9, 0.9, n)
    else:
        # Distinct magnitudes away from 0: no kinks or ties under finite differences.
        mags = 0.15 + 1.8 * (rng.permutation(n) + rng.uniform(0.1, 0.9, n)) / n
        vals = mags * rng.choice([-1.0, 1.0], n)
    return vals.reshape(shape)


def inputs_for(row, dtype=np.float64):
    name, _, specs, _ = row
    # crc32, not hash(): str hashes change with PYTHONHASHSEED from run to run.
    return [sample(shape, dom, seed=zlib.crc32(f"{name}-{i}".encode())).astype(dtype)
            for i, (shape, dom) in enumerate(specs)]


def ember_inputs(arrays):
    return [ember.tensor(a, requires_grad=True) for a in arrays]


@pytest.mark.parametrize("row", OPS, ids=IDS)
def test_gradcheck(row):
    f = row[1]
    xs = ember_inputs(inputs_for(row))
    assert ember.autograd.gradcheck(lambda *a: f(ember, *a), xs, eps=1e-6, atol=1e-5)


@pytest.mark.parametrize("row", [r for r in OPS if r[3]], ids=[r[0] for r in OPS if r[3]])
def test_gradgradcheck(row):
    f = row[1]
    xs = ember_inputs(inputs_for(row))
    assert ember.autograd.gradgradcheck(lambda *a: f(ember, *a), xs, eps=1e-6, atol=1e-4)


@pytest.mark.parametrize("row", OPS, ids=IDS)
def test_matches_torch(row):
    torch = pytest.importorskip("torch")
    f = row[1]
    arrays = inputs_for(row, np.float32)
    ex = ember_inputs(arrays)
    tx = [torch.tensor(a, requires_grad=True) for a in arrays]
    ey, ty = f(ember, *ex), f(torch, *tx)
    assert ey.dtype.name == str(ty.dtype).replace("torch.", "")
    assert tuple(ey.shape) == tuple(ty.shape)
    np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), rtol=1e-5, atol=1e-6)
    assert _grad_fn_names(ey) == _grad_fn_names(ty)
    g = np.random.default_rng(0).standard_normal(tuple(ty.shape)).astype(ty.detach().numpy().dtype)
    ey.backward(ember.tensor(g))
    ty.backward(torch.tensor(g))
    for e, t in zip(ex, tx):
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-4, atol=1e-5)
