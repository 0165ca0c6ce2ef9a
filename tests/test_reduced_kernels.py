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


# Unary ops whose float32 results PyTorch's kernels and NumPy round alike
# (exp, erf and the like differ in a last float32 bit now and then, which
# rounding to the narrow type sometimes shows: left out)
UNARY = ["sigmoid", "tanh", "log", "log2", "log1p", "sqrt", "sin", "cos", "tan", "sinh",
         "cosh", "expm1", "atan", "asinh", "reciprocal", "lgamma", "logit", "sigmoid_"]


@pytest.mark.parametrize("dtype", HALF)
@pytest.mark.parametrize("name", UNARY)
def test_unary_ops_in_half_precision_round_once(dtype, name):
    # PyTorch computes float16/bfloat16 elementwise ops in float32 and rounds
    # once; a forward of several NumPy steps in the narrow type (sigmoid's
    # 1 / (1 + exp(-x))) rounded after each and drifted by a unit.
    torch = pytest.importorskip("torch")
    g = np.random.default_rng(5)
    values = g.standard_normal(2000).astype(np.float32) * 3
    if name in ("log", "log2", "log1p", "sqrt", "lgamma"):
        values = np.abs(values)
    if name == "logit":
        values = np.clip(np.abs(values) / 10, 0, 0.99)
    results = []
    for lib in (torch, ember):
        x = lib.tensor(values).to(getattr(lib, dtype))
        r = getattr(x.clone(), name)() if name.endswith("_") else getattr(lib, name)(x)
        results.append((str(r.dtype).split(".")[1], r.float().numpy()))
    assert results[0][0] == results[1][0] == dtype
    np.testing.assert_array_equal(results[1][1], results[0][1])


def test_unary_half_overflow_is_silent():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = ember.tensor([20.0, 1.0]).half().exp()
    assert r.float().tolist()[0] == float("inf")


@pytest.mark.parametrize("dtype", HALF)
@pytest.mark.parametrize("shape", [(8, 37), (20, 30), (3, 5), (40,)])
def test_softmax_last_dim_in_half_precision_as_pytorch(dtype, shape):
    # float16 now computes in float32 as bfloat16 did; log_softmax's last-dim
    # kernel rounds its sum and the sum's log to the input's type first.
    torch = pytest.importorskip("torch")
    values = np.random.default_rng(2).standard_normal(shape).astype(np.float32) * 2
    got = []
    for lib in (torch, ember):
        x = lib.tensor(values).to(getattr(lib, dtype))
        got.append([(str(r.dtype).split(".")[1], r.float().numpy())
                    for r in (x.softmax(-1), x.log_softmax(-1), x.log_softmax(0))])
    for (de, e), (dg, g) in zip(*got):
        assert de == dg == dtype
        np.testing.assert_array_equal(g, e)


def _moments(lib, dtype):
    g = np.random.default_rng(4)
    x = lib.tensor(g.standard_normal((8, 37)).astype(np.float32) * 2 + 1).to(getattr(lib, dtype))
    outs = [*lib.var_mean(x, -1), *lib.var_mean(x, 0, correction=0), *lib.std_mean(x, 1, keepdim=True),
            lib.logsumexp(x, -1), lib.logsumexp(x, (0, 1)), x.logsumexp(0, keepdim=True)]
    for f in (lambda y: y.var(-1), lambda y: y.std(-1), lambda y: lib.var_mean(y, -1)[0],
              lambda y: lib.var_mean(y, -1)[1], lambda y: lib.logsumexp(y, -1)):
        y = x.clone().requires_grad_()
        f(y).sum().backward()
        outs.append(y.grad)
    return [(str(o.dtype).split(".")[1], o.detach().float().numpy()) for o in outs]


@pytest.mark.parametrize("dtype", HALF)
def test_moments_and_logsumexp_in_half_precision_as_pytorch(dtype):
    # var_mean/std_mean took no bfloat16; logsumexp of bfloat16 came back
    # float32; var's gradient rounded its mean and its 2/(n-1) to the
    # narrow type before use.
    torch = pytest.importorskip("torch")
    for (de, e), (dg, v) in zip(_moments(torch, dtype), _moments(ember, dtype)):
        assert de == dg == dtype
        np.testing.assert_array_equal(v, e)


@pytest.mark.parametrize("dtype", HALF)
@pytest.mark.parametrize("name", ["silu", "mish", "softplus", "logsigmoid"])
def test_smooth_activations_in_half_precision_round_once(dtype, name):
    torch = pytest.importorskip("torch")
    values = np.random.default_rng(6).standard_normal(3000).astype(np.float32) * 3
    got = []
    for lib in (torch, ember):
        r = getattr(lib.nn.functional, name)(lib.tensor(values).to(getattr(lib, dtype)))
        got.append((str(r.dtype).split(".")[1], r.float().numpy()))
    assert got[0][0] == got[1][0] == dtype
    # (PyTorch's SLEEF exp and NumPy's differ in a last float32 bit now and
    # then, which the rounding to the narrow type shows once in a few
    # thousand values: one unit there; rounding each step missed a third)
    wrong = got[1][1] != got[0][1]
    assert wrong.mean() < 0.002
    unit = np.spacing(np.abs(got[0][1][wrong]).astype(dtype)).astype(np.float32)
    np.testing.assert_array_equal(np.abs(got[1][1] - got[0][1])[wrong], unit)


BACKWARD = {"sigmoid": lambda F, x: x.sigmoid(), "tanh": lambda F, x: x.tanh(),
            "silu": lambda F, x: F.silu(x), "mish": lambda F, x: F.mish(x),
            "softplus": lambda F, x: F.softplus(x), "elu": lambda F, x: F.elu(x),
            "leaky_relu": lambda F, x: F.leaky_relu(x), "hardswish": lambda F, x: F.hardswish(x),
            "softmax": lambda F, x: x.softmax(-1)}


@pytest.mark.parametrize("dtype, name", [(d, n) for d in HALF for n in BACKWARD]
                         + [("float32", "sigmoid")])
def test_activation_backward_as_pytorch(dtype, name):
    # PyTorch's backward of these is one kernel: bfloat16 (and for all but
    # sigmoid float16) computed in float32 and rounded once, float16's
    # sigmoid_backward rounding at each step of (g * (1 - y)) * y, the order
    # float32 takes too. The forward's result is taken from PyTorch (its
    # SLEEF exp may differ from NumPy's in a last bit).
    torch = pytest.importorskip("torch")
    g = np.random.default_rng(8)
    values = g.standard_normal((16, 37)).astype(np.float32) * 2
    gout = g.standard_normal((16, 37)).astype(np.float32)
    grads = []
    for lib in (torch, ember):
        x = lib.tensor(values).to(getattr(lib, dtype)).requires_grad_()
        y = BACKWARD[name](lib.nn.functional, x)
        y.backward(lib.tensor(gout).to(y.dtype))
        grads.append((str(x.grad.dtype).split(".")[1], x.grad.float().numpy(),
                      y.detach().float().numpy()))
    (dt, expected, ty), (de, got, ey) = grads
    assert dt == de == dtype
    # (where the forward agrees bit for bit: each element, or each row for softmax)
    same = ty == ey
    if name == "softmax":
        same = np.broadcast_to(same.all(axis=-1, keepdims=True), same.shape)
    assert same.mean() > 0.5
    np.testing.assert_array_equal(got[same], expected[same])
