"""Sleef's float32 exp and log (ember/ops/_sleef.py) and the float32 softmax,
log_softmax and cross_entropy built on them, bit for bit against PyTorch's
CPU kernels, which call Sleef (Sleef_expf16_u10, Sleef_logf16_u10) directly.
(torch.exp and torch.log themselves are MKL's VML on x86 builds: not these.)

Sleef's algorithms are the same at every vector width (the AVX2 build runs
them 8 lanes at a time), so the exp and log checks hold on any x86 CPU; the
row sums of softmax are added in 16 AVX-512 lanes, which an AVX2 CPU's
PyTorch adds in 8: those checks are marked `avx2_rounds_otherwise`."""
import numpy as np
import pytest

import ember
from cpu_kind import avx2_rounds_otherwise, blas_rounds_otherwise
from ember.ops import _sleef

torch = pytest.importorskip("torch")
F32 = np.float32


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads(), ember.get_num_threads()
    torch.set_num_threads(1)
    ember.set_num_threads(1)
    yield
    torch.set_num_threads(before[0])
    ember.set_num_threads(before[1])


def same_bits(a, b):
    a, b = np.asarray(a, F32), np.asarray(b, F32)
    return bool(np.all((a.view(np.int32) == b.view(np.int32)) | (np.isnan(a) & np.isnan(b))))


# A literal transcription of sleefsimdsp.c's xexpf, every fma rounded once
# (through _sleef._fma32): the reference for arguments no PyTorch kernel
# shows whole.
def _literal_expf(d):
    q = np.rint(np.clip(d, -105, 101) * _sleef._R_LN2)
    s = _sleef._fma32(q, -_sleef._L2U, d)
    s = _sleef._fma32(q, -_sleef._L2L, s)
    u = np.full_like(d, _sleef._EXP_POLY[0])
    for c in _sleef._EXP_POLY[1:]:
        u = _sleef._fma32(u, s, c)
    u = F32(1) + _sleef._fma32(s * s, u, s)
    qi = np.nan_to_num(q).astype(np.int32)
    u = u * _sleef._pow2(qi >> 1) * _sleef._pow2(qi - (qi >> 1))
    u[d < -104] = 0
    u[d > 100] = np.inf
    return u


EDGES = np.array([0, -0.0, 1e-45, -1e-45, 1e-38, 1, -1, 0.34657, -0.34657, 88.72, 88.7228,
                  88.73, 100, 100.001, -87.3, -103.97, -104, -104.0001, -150, 1e30, -1e30,
                  np.inf, -np.inf, np.nan], F32)


def test_expf_matches_a_literal_transcription():
    rng = np.random.default_rng(0)
    d = np.concatenate([rng.uniform(-106, 102, 300_000), rng.standard_normal(100_000),
                        rng.uniform(-1, 1, 100_000) * 1e-3, EDGES]).astype(F32)
    with np.errstate(all="ignore"):
        assert same_bits(_sleef.expf(d), _literal_expf(d))


def test_expf_on_a_fine_grid_near_the_cutoffs():
    d = np.concatenate([np.arange(-105.0, -86.0, 2 ** -14), np.arange(88.0, 101.0, 2 ** -13)])
    d = d.astype(F32)
    with np.errstate(all="ignore"):
        assert same_bits(_sleef.expf(d), _literal_expf(d))
    assert np.all(_sleef.expf(d[d < -104]) == 0)


def test_expf_as_torch_softmax_shows_it():
    # softmax of a row (0, a) with a < -17 is exp(a) * (1 / (1 + exp(a))) = exp(a)
    rng = np.random.default_rng(1)
    a = np.concatenate([rng.uniform(-110, -17, 200_000), EDGES[EDGES < -17]]).astype(F32)
    rows = np.stack([np.zeros_like(a), a], 1)
    got = torch.softmax(torch.from_numpy(rows), 1).numpy()[:, 1]
    assert same_bits(_sleef.expf(a), got)


def test_expf_as_torch_sigmoid_shows_it():
    # PyTorch's sigmoid kernel is (1 + exp(-x)).reciprocal() with Sleef's exp
    rng = np.random.default_rng(2)
    x = np.concatenate([rng.uniform(-100, 0, 200_000), rng.standard_normal(100_000) * 6,
                        EDGES]).astype(F32)
    with np.errstate(all="ignore"):
        mine = F32(1) / (F32(1) + _sleef.expf(-x))
    assert same_bits(mine, torch.sigmoid(torch.from_numpy(x)).numpy())


def test_logf_as_torch_log_softmax_shows_it():
    # log_softmax of k zeros and a: its first entry is -log(k + exp(a))
    rng = np.random.default_rng(3)
    for k in (1, 2, 7, 100):
        a = rng.uniform(-20, 0, 20_000).astype(F32)
        rows = np.concatenate([np.zeros((a.size, k), F32), a[:, None]], 1)
        got = torch.log_softmax(torch.from_numpy(rows), 1).numpy()[:, 0]
        assert same_bits(F32(0) - _sleef.logf(_sleef._lane_sums(_sleef.expf(rows))), got)


def test_logf_as_torch_bfloat16_log_shows_it():
    # bfloat16's log is Sleef's float32 log, rounded to bfloat16
    rng = np.random.default_rng(4)
    x = torch.from_numpy((10 ** rng.uniform(-38, 38, 200_000)).astype(F32)).to(torch.bfloat16)
    mine = torch.from_numpy(_sleef.logf(x.float().numpy())).to(torch.bfloat16)
    assert torch.equal(mine.view(torch.int16), torch.log(x).view(torch.int16))


def test_logf_edges_and_accuracy():
    got = _sleef.logf(np.array([0, -0.0, -1, np.inf, -np.inf, np.nan, 1], F32))
    assert got[0] == -np.inf and got[1] == -np.inf and np.isnan(got[2])
    assert got[3] == np.inf and np.isnan(got[4]) and np.isnan(got[5]) and got[6] == 0
    rng = np.random.default_rng(5)
    x = (10 ** rng.uniform(-45.5, 38.5, 200_000)).astype(F32)
    x = x[x > 0]
    exact = np.log(x.astype(np.float64))
    got = _sleef.logf(x)
    assert np.all(np.abs(got - exact) <= np.spacing(np.abs(got)).astype(np.float64))


def test_logf_table_is_the_emulation_at_every_input_it_covers():
    # Every float32 from 1 to 32768 (126 million: the whole domain of the
    # table path), the correctly rounded log plus the table against Sleef's
    # algorithm step by step: this machine's libm log included.
    lo, hi = (int(np.array(v, F32).view(np.uint32)) for v in (1, 32768))
    block = 1 << 20
    assert _sleef._log_table() is not None
    with np.errstate(all="ignore"):
        for a in range(lo, hi + 1, block):
            d = np.arange(a, min(a + block, hi + 1), dtype=np.uint32).view(F32)
            assert same_bits(_sleef._logf(d), _sleef._logf_sleef(d)), a
    # (outside the range, and with NaN, the emulation itself)
    d = np.array([0.5, 32768.004, np.nan, 2.0], F32)
    assert same_bits(_sleef.logf(d), _sleef._logf_sleef(d))


def test_the_shipped_log_table_is_what_the_tool_makes():
    up, down, near_keys, near_vals = _sleef.scan_log_table()
    keys, values = _sleef._log_table()
    assert keys.size == up.size + down.size + near_keys.size + 1     # (+ the sentinel)
    assert np.array_equal(np.sort(np.concatenate((up, down, near_keys))), keys[:-1])


def _fma_exact(a, b, c):
    """float32(a * b + c) rounded once, from exact rationals."""
    from fractions import Fraction
    out = []
    for x, y, z in zip(a.tolist(), b.tolist(), c.tolist()):
        v = Fraction(x) * Fraction(y) + Fraction(z)
        f = np.float32(float(v))        # (within a unit: the neighbours decide)
        cands = [np.nextafter(f, F32(-np.inf)), f, np.nextafter(f, F32(np.inf))]
        err = [abs(Fraction(float(g)) - v) for g in cands]
        best = min(err)
        ties = [g for g, e in zip(cands, err) if e == best]
        out.append(ties[0] if len(ties) == 1 else
                   next(g for g in ties if not int(np.array(g).view(np.int32)) & 1))
    return np.array(out, F32)


def test_fma32_rounds_once_where_the_double_sum_lands_on_a_midpoint():
    # a * b + c = 2**30 + 2**7 + 2**6 - 2**-30: a double rounds it onto the
    # midpoint 2**30 + 3 * 2**6, which ties to even (2**30 + 2**8); once
    # rounded it is 2**30 + 2**7. The same from above, and negated.
    a = np.array([2 ** 6 * (1 + 2 ** -18)] * 4, F32) * np.array([1, 1, -1, -1], F32)
    b = np.array([1 - 2 ** -18, 1 + 2 ** -18, 1 - 2 ** -18, 1 + 2 ** -18], F32)
    c = np.array([2 ** 30 + 2 ** 7, 2 ** 30, -(2 ** 30 + 2 ** 7), -(2 ** 30)], F32)
    got = _sleef._fma32(a, b, c)
    assert same_bits(got, _fma_exact(a, b, c))
    assert got[0] == 2 ** 30 + 2 ** 7 and got[2] == -(2 ** 30 + 2 ** 7)
    # and at random, with exact ties and infinities among them
    rng = np.random.default_rng(7)
    a = rng.standard_normal(3000).astype(F32)
    b = (2.0 ** rng.integers(-30, 0, 3000)).astype(F32)
    c = (a * b + rng.choice([0, 2 ** -25, 2 ** -24], 3000) * rng.standard_normal(3000))
    c = c.astype(F32)
    assert same_bits(_sleef._fma32(a, b, c), _fma_exact(a, b, c))
    with np.errstate(all="ignore"):
        got = _sleef._fma32(np.array([np.inf, 1], F32), np.array([1, 1], F32),
                            np.array([-np.inf, 2 ** 30 + 2 ** 7 + 2 ** 6], F32))
    assert np.isnan(got[0]) and got[1] == np.float32(2 ** 30 + 2 ** 7 + 2 ** 6)


SHAPES = [(1000, 2), (300, 10), (200, 16), (100, 17), (50, 37), (10, 1000), (3, 4, 33), (7,)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_rows_forward_and_backward(request, shape, name):
    if shape[-1] >= 8:
        request.applymarker(avx2_rounds_otherwise("softmax's row sums in vector lanes"))
    rng = np.random.default_rng(sum(shape))
    x = (rng.standard_normal(shape) * rng.uniform(0.5, 20)).astype(F32)
    g = rng.standard_normal(shape).astype(F32)
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    ty, ey = getattr(torch, name)(tx, -1), getattr(ember, name)(ex, -1)
    ty.backward(torch.tensor(g))
    ey.backward(ember.tensor(g))
    assert same_bits(ey.detach().numpy(), ty.detach().numpy())
    assert same_bits(ex.grad.numpy(), tx.grad.numpy())


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("shape", [(100, 17), (20, 100), (1, 37), (40, 8)])
def test_softmax_backward_with_threads(request, shape, threads):
    # (one thread, or one row: GCC's code for the rows in place fuses the
    # partial last vector's multiply-add; the OpenMP copy does not)
    request.applymarker(avx2_rounds_otherwise("softmax's row sums in vector lanes"))
    rng = np.random.default_rng(shape[1])
    x = (rng.standard_normal(shape) * 5).astype(F32)
    g = rng.standard_normal(shape).astype(F32)
    torch.set_num_threads(threads)
    ember.set_num_threads(threads)
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    torch.softmax(tx, 1).backward(torch.tensor(g))
    ember.softmax(ex, 1).backward(ember.tensor(g))
    assert same_bits(ex.grad.numpy(), tx.grad.numpy())


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_rows_with_infinities_and_nans(name):
    x = np.array([[0, -np.inf, 1, 2], [-np.inf] * 4, [np.inf, 0, 1, 2], [np.nan, 0, 1, 2],
                  [1e30, -1e30, 0, -0.0], [-0.0, 0, -0.0, 0], [3e38, 3e38, 1, 0]], F32)
    assert same_bits(getattr(ember, name)(ember.tensor(x), 1).numpy(),
                     getattr(torch, name)(torch.tensor(x), 1).numpy())


@avx2_rounds_otherwise("log_softmax's row sums in vector lanes")
def test_cross_entropy_loss_and_gradient_bit_for_bit():
    rng = np.random.default_rng(6)
    for _ in range(300):
        n, c = int(rng.integers(1, 70)), int(rng.integers(2, 40))
        x = (rng.standard_normal((n, c)) * rng.uniform(0.1, 10)).astype(F32)
        t = rng.integers(0, c, n)
        tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
        tl = torch.nn.functional.cross_entropy(tx, torch.tensor(t))
        el = ember.nn.functional.cross_entropy(ex, ember.tensor(t))
        tl.backward()
        el.backward()
        assert el.item() == tl.item()
        assert same_bits(ex.grad.numpy(), tx.grad.numpy())


def test_a_training_log_prints_pytorchs_losses(request):
    blas_rounds_otherwise(request, "the linear layers' matmuls")

    def train(lib):
        lib.manual_seed(0)
        X = lib.randn(100, 4)
        y = (X.sum(1) > 0).long()
        model = lib.nn.Sequential(lib.nn.Linear(4, 8), lib.nn.ReLU(), lib.nn.Linear(8, 2))
        opt = lib.optim.SGD(model.parameters(), lr=0.1)
        losses = []
        for step in range(20):
            xb, yb = X[step * 5:step * 5 + 16], y[step * 5:step * 5 + 16]
            loss = lib.nn.functional.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        return losses
    assert train(ember) == train(torch)


def test_other_cases_keep_numpys_path():
    # float64, a non-last dim, and half types: close to PyTorch, not Sleef's rows
    rng = np.random.default_rng(7)
    x = rng.standard_normal((6, 5, 4))
    for dtype, tol in ((np.float64, 1e-12), (F32, 1e-6)):
        got = ember.log_softmax(ember.tensor(x.astype(dtype)), 1).numpy()
        want = torch.log_softmax(torch.tensor(x.astype(dtype)), 1).numpy()
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
    half = ember.softmax(ember.tensor(x.astype(F32)).half(), -1)
    assert half.dtype == ember.float16
    np.testing.assert_allclose(half.float().numpy(),
                               torch.softmax(torch.tensor(x, dtype=torch.float16), -1).float().numpy(),
                               atol=1e-3)


@avx2_rounds_otherwise("sigmoid's runs of 2 vectors (16 lanes, not 32)")
@pytest.mark.parametrize("n", [1, 7, 31, 32, 33, 64, 100, 1000, 32768])
def test_sigmoid_float32_is_pytorchs(n):
    """Sleef's exp in runs of 32, glibc's expf in the n % 32 left: every bit,
    as nn.Sigmoid, torch.sigmoid and special.expit give it."""
    rng = np.random.default_rng(n)
    a = (rng.standard_normal(n) * 5).astype(np.float32)
    a[: min(n, 4)] = np.array([0.0, -0.0, 90.0, -120.0], np.float32)[: min(n, 4)]
    want = torch.sigmoid(torch.from_numpy(a)).numpy()
    for got in (ember.sigmoid(ember.from_numpy(a)), ember.nn.Sigmoid()(ember.from_numpy(a)),
                ember.special.expit(ember.from_numpy(a.reshape(1, -1))).reshape(-1)):
        np.testing.assert_array_equal(got.numpy(), want)


def test_sigmoid_keeps_numpys_loops_past_one_run():
    """Past 32768 elements PyTorch splits the loop across threads; Ember keeps
    NumPy's exp there: close, not bit for bit."""
    a = np.random.default_rng(1).standard_normal(40000).astype(np.float32)
    np.testing.assert_allclose(ember.sigmoid(ember.from_numpy(a)).numpy(),
                               torch.sigmoid(torch.from_numpy(a)).numpy(), rtol=3e-7, atol=0)


def test_log1pf_makes_pytorchs_logsigmoid():
    """Sleef's log1pf (log_sigmoid's kernel: min(x, 0) - log1p(exp(-|x|)),
    all in vectors) on 400k inputs and the edges."""
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.standard_normal(300_000) * 5, rng.uniform(-100, 100, 100_000),
                        [0, -0.0, 1e-30, -1e-30, 90, -90, 200, -200]]).astype(np.float32)
    np.testing.assert_array_equal(
        ember.nn.functional.logsigmoid(ember.from_numpy(x[:30000])).numpy(),
        torch.nn.functional.logsigmoid(torch.from_numpy(x[:30000])).numpy())
    with np.errstate(all="ignore"):
        mine = np.minimum(x, np.float32(0)) - _sleef.log1pf(_sleef.expf(-np.abs(x)))
    np.testing.assert_array_equal(mine, torch.nn.functional.logsigmoid(torch.from_numpy(x)))
    d = np.array([-1, -2, -0.0, 0, np.inf, np.nan, 3e38, 1e-40], np.float32)
    want = torch.log1p(torch.from_numpy(d.astype(np.float64))).numpy().astype(np.float32)
    got = _sleef.log1pf(d)
    np.testing.assert_array_equal(np.signbit(got[:4]), np.signbit(want[:4]))
    np.testing.assert_allclose(got, want, rtol=1e-6)


@pytest.mark.parametrize("n", [1, 16, 100, 1000])
def test_binary_cross_entropy_with_logits_is_pytorchs(n):
    """Loss and input gradient, every bit: hard and soft targets, pos_weight,
    the three reductions (logsigmoid's elements were 75% alike, the mean's
    gradient 41-74% at 100-1000 elements: ATen divides by numel)."""
    rng = np.random.default_rng(n)
    for reduction in ("mean", "sum", "none"):
        for soft in (False, True):
            for pos in (False, True):
                x = (rng.standard_normal((n, 1)) * 3).astype(np.float32)
                t = rng.uniform(0, 1, (n, 1)) if soft else rng.uniform(size=(n, 1)) < .5
                t = t.astype(np.float32)
                p = rng.uniform(0.5, 2, (1,)).astype(np.float32) if pos else None
                got = []
                for T in (torch, ember):
                    xi = T.from_numpy(x.copy()).requires_grad_()
                    loss = T.nn.functional.binary_cross_entropy_with_logits(
                        xi, T.from_numpy(t), reduction=reduction,
                        pos_weight=None if p is None else T.from_numpy(p))
                    (loss.sum() if reduction == "none" else loss).backward()
                    got.append((loss.detach().numpy(), xi.grad.numpy()))
                for mine, theirs in zip(got[1], got[0]):
                    np.testing.assert_array_equal(mine, theirs)


@avx2_rounds_otherwise("runs of 2 vectors (16 lanes, not 32)")
@pytest.mark.parametrize("n", [1, 31, 32, 100, 4096])
def test_silu_softplus_and_tanh_gradients_are_pytorchs(n):
    """silu forward and backward (Sleef's exp in runs of 32, glibc's expf
    after; the backward's x * (1 - s) + 1 fused), softplus's (Sleef's exp and
    log1p in runs, glibc's expf and log1pf after), and tanh's backward
    (GCC fuses its 1 - y * y), with a full gradient and with sum()'s
    expanded one. (tanh's forward is MKL's VML, rounded as _vml does.)"""
    rng = np.random.default_rng(n)
    a = (rng.standard_normal(n) * 4).astype(np.float32)
    g = rng.standard_normal(n).astype(np.float32)
    for name in ("silu", "tanh", "softplus"):
        for full in (True, False):
            got = []
            for T in (torch, ember):
                x = T.from_numpy(a.copy()).requires_grad_()
                y = getattr(T.nn.functional, name)(x)
                (y.backward(T.from_numpy(g)) if full else y.sum().backward())
                got.append((y.detach().numpy(), x.grad.numpy()))
            (ty, tg), (ey, eg) = got
            if name != "tanh":
                np.testing.assert_array_equal(ey, ty)
            same = ey == ty      # (the gradient where the forward agrees)
            np.testing.assert_array_equal(eg[same], tg[same])


@avx2_rounds_otherwise("runs of 2 vectors (16 lanes, not 32)")
@pytest.mark.parametrize("beta,threshold", [(1, 20), (2, 5), (0.5, 1)])
def test_softplus_beta_and_threshold(beta, threshold):
    rng = np.random.default_rng(int(beta * 10))
    for n in (7, 100, 4096):
        a = (rng.standard_normal(n) * 5).astype(np.float32)
        g = rng.standard_normal(n).astype(np.float32)
        got = []
        for T in (torch, ember):
            x = T.from_numpy(a.copy()).requires_grad_()
            y = T.nn.functional.softplus(x, beta=beta, threshold=threshold)
            y.backward(T.from_numpy(g))
            got.append((y.detach().numpy(), x.grad.numpy()))
        for mine, theirs in zip(got[1], got[0]):
            np.testing.assert_array_equal(mine, theirs)


@pytest.mark.parametrize("name", ["sigmoid", "silu", "softplus", "logsigmoid"])
def test_zero_dim_inputs(name):
    """A 0-d tensor (a scalar loss, a distribution's parameter): the scalar
    kernel, glibc's functions (0-d arrays used to reach Sleef's emulation,
    whose NumPy calls give scalars, not arrays)."""
    for v in (0.3, -7.5, 0.0, 30.0):
        got = []
        for T in (torch, ember):
            x = T.tensor(v, requires_grad=True)
            y = getattr(T.nn.functional, name)(x)
            y.backward()
            got.append((y.detach().numpy(), x.grad.numpy()))
        for mine, theirs in zip(got[1], got[0]):
            np.testing.assert_array_equal(mine, theirs)


@avx2_rounds_otherwise("runs of 2 vectors (16 lanes, not 32)")
@pytest.mark.parametrize("name", ["sigmoid", "silu", "softplus"])
def test_permuted_inputs_run_in_memory_order(name):
    """TensorIterator walks a dense tensor in memory order: a permuted input
    gives the contiguous one's values, laid out as its input."""
    a = (np.random.default_rng(1).standard_normal((5, 20, 3)) * 4).astype(np.float32)
    got = []
    for T in (torch, ember):
        y = getattr(T.nn.functional, name)(T.from_numpy(a.copy()).permute(2, 0, 1))
        got.append((y.numpy(), y.stride()))
    np.testing.assert_array_equal(got[1][0], got[0][0])
    assert got[1][1] == got[0][1]
