"""Kernels that PyTorch runs for float16 and bfloat16 in float32 (its opmath
type), rounding what they return: group_norm, logcumsumexp; and the
bfloat16 factories and histc, which took the dtype for an integral one."""
import numpy as np
import pytest

import ember

pytest.importorskip("ml_dtypes")
HALF = ["bfloat16", "float16"]


def _group_norm(lib, dt, pdt, affine):
    g = np.random.default_rng(0)
    x = lib.tensor(g.standard_normal((3, 6, 5)).astype(np.float32)).to(dt).requires_grad_()
    params = [lib.tensor(g.standard_normal(6).astype(np.float32)).to(pdt).requires_grad_()
              for _ in range(2)] if affine else [None, None]
    y = lib.nn.functional.group_norm(x, 3, *params)
    (y * lib.arange(90.).reshape(3, 6, 5).to(dt)).sum().backward()
    outs = [y, x.grad] + [p.grad for p in params if p is not None]
    return [(str(o.dtype).split(".")[1], o.detach().float().numpy()) for o in outs]


@pytest.mark.parametrize("dtype", HALF)
@pytest.mark.parametrize("affine", [True, False])
def test_group_norm_in_half_precision_as_pytorch(dtype, affine):
    torch = pytest.importorskip("torch")
    expected = _group_norm(torch, getattr(torch, dtype), getattr(torch, dtype), affine)
    got = _group_norm(ember, getattr(ember, dtype), getattr(ember, dtype), affine)
    for (de, e), (dg, v) in zip(expected, got):
        assert dg == de and np.array_equal(v, e)


@pytest.mark.parametrize("dtype", HALF)
def test_group_norm_mixed_parameters_keep_float32_statistics(dtype):
    torch = pytest.importorskip("torch")
    expected = _group_norm(torch, getattr(torch, dtype), torch.float32, True)
    got = _group_norm(ember, getattr(ember, dtype), ember.float32, True)
    assert [d for d, _ in got] == [d for d, _ in expected]
    # output and input gradient bit for bit; the float32 weight's gradient
    # to float32 rounding (a sum in another order)
    for (_, e), (_, v) in zip(expected[:2], got[:2]):
        assert np.array_equal(v, e)
    np.testing.assert_allclose(got[2][1], expected[2][1], rtol=1e-5)
    x = ember.randn(2, 4, 3).to(getattr(ember, dtype))
    _, mean, rstd = ember.native_group_norm(x, ember.ones(4), None, 2, 4, 3, 2, 1e-5)
    assert mean.dtype == rstd.dtype == ember.float32


@pytest.mark.parametrize("dtype", HALF)
def test_logcumsumexp_and_histc_in_half_precision_as_pytorch(dtype):
    torch = pytest.importorskip("torch")
    g = np.random.default_rng(1)
    data = (g.standard_normal((3, 400)) * 4).astype(np.float32)
    res = []
    for lib in (torch, ember):
        x = lib.tensor(data).to(getattr(lib, dtype)).requires_grad_()
        y = lib.logcumsumexp(x, 1)
        y.sum().backward()
        hists = [lib.histc(x.detach()[0] * s, 7 + k) for k, s in enumerate((1, 0.1, 30))]
        res.append([y.detach(), x.grad] + hists)
    for e, v in zip(*res):
        assert str(v.dtype).split(".")[1] == str(e.dtype).split(".")[1]
        assert np.array_equal(v.float().numpy(), e.float().numpy())


@pytest.mark.parametrize("dtype", HALF)
@pytest.mark.parametrize("start,end,steps", [(0, 1, 7), (-3, 5, 11), (0.1, 100.3, 33),
                                             (1e3, -2e3, 9), (-1.5, 1.5, 1000)])
def test_half_precision_ranges_as_pytorch(dtype, start, end, steps):
    torch = pytest.importorskip("torch")
    for name, args in (("linspace", (start, end, steps)),
                       ("logspace", (start / 1000, end / 1000, steps))):
        e = getattr(torch, name)(*args, dtype=getattr(torch, dtype))
        v = getattr(ember, name)(*args, dtype=getattr(ember, dtype))
        assert np.array_equal(v.float().numpy(), e.float().numpy()), name


def test_bfloat16_linspace_is_not_truncated_to_integers():
    # (bfloat16's NumPy kind is "V": the factories took it for an integral dtype)
    v = ember.linspace(0, 1, 5, dtype=ember.bfloat16)
    assert v.float().tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    with pytest.raises(RuntimeError, match="c10::BFloat16 without overflow"):
        ember.linspace(0, 1e39, 3, dtype=ember.bfloat16)
