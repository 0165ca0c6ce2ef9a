"""Bit-exact agreement of ember._random with PyTorch's CPU generator."""
import math
import time
from fractions import Fraction

import numpy as np

import ember
import pytest

from ember import _random as R

SEEDS = [0, 1, 42, 2**31, 2**40 + 3, 2**64 - 1, -7]
SIZES = [0, 1, 3, 15, 16, 17, 31, 32, 100, 1000, 2048, 4096, 5000]
# (from 4096 words on, the words are drawn by NumPy's bounded-integer fill: _words)
FLOATS = ["float32", "float64", "float16", "bfloat16"]


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def pair(torch, seed):
    torch.manual_seed(seed)
    return R.Generator().manual_seed(seed)


def same(ours, theirs):
    ours = ours.numpy() if hasattr(ours, "numpy") else ours   # get_state() is a Tensor
    if str(getattr(theirs, "dtype", "")) == "torch.bfloat16":   # (NumPy has none: exact via float)
        theirs = theirs.float().numpy().astype(ours.dtype)
    theirs = theirs.numpy() if hasattr(theirs, "numpy") else np.asarray(theirs)
    return ours.dtype == theirs.dtype and ours.shape == theirs.shape and np.array_equal(ours, theirs)


# ------------------------------------------------------------ values read off torch

def test_literals_seed0():
    g = R.Generator().manual_seed(0)
    rand5 = [0.49625658988952637, 0.7682217955589294, 0.08847743272781372,
             0.13203048706054688, 0.30742281675338745]
    assert R.uniform((5,), gen=g).tolist() == rand5
    g.manual_seed(0)
    randn5 = [1.5409960746765137, -0.293428897857666, -2.1787893772125244,
              0.5684312582015991, -1.0845223665237427]
    assert R.normal((5,), gen=g).tolist() == randn5
    g.manual_seed(0)
    randn16 = [-1.1258398294448853, -1.152360200881958, -0.2505785822868347, -0.4338788092136383]
    assert R.normal((16,), gen=g)[:4].tolist() == randn16
    g.manual_seed(0)
    assert R.randint(0, 10, (8,), gen=g).tolist() == [4, 9, 3, 0, 3, 9, 7, 3]
    g.manual_seed(0)
    assert R.randperm(10, gen=g).tolist() == [4, 1, 7, 5, 3, 9, 0, 8, 6, 2]
    g.manual_seed(0)
    assert R.uniform((3,), np_dtype=np.float64, gen=g).tolist() == [
        0.9700530018065531, 0.707819864399788, 0.45938294312745087]
    # a fresh generator starts from torch's fixed default seed
    assert R.Generator().initial_seed() == 67280421310721
    assert R.uniform((3,), gen=R.Generator()).tolist() == [
        0.267295241355896, 0.8725283145904541, 0.3352888226509094]


def test_seed_semantics():
    g = R.Generator()
    assert g.manual_seed(5) is g and g.device.type == "cpu"
    assert g.manual_seed(-1).initial_seed() == 2**64 - 1
    a = R.uniform((4,), gen=g)
    # only the low 32 bits reach the Mersenne Twister
    assert np.array_equal(a, R.uniform((4,), gen=g.manual_seed(2**32 - 1)))
    for bad in (2**64, -(2**63) - 1):
        with pytest.raises(ValueError):
            g.manual_seed(bad)
    assert R.manual_seed(3) is R.default_generator and R.initial_seed() == 3
    s = R.seed()
    assert 0 <= s < 2**64 and R.initial_seed() == s
    assert R.Generator().seed() != R.Generator().seed()
    with pytest.raises(RuntimeError):
        R.Generator("cuda")


def test_state_roundtrip_keeps_cached_normal():
    g = R.Generator().manual_seed(9)
    R.normal((3,), gen=g)  # leaves the second Box-Muller value cached
    st = g.get_state()
    assert st.numpy().dtype == np.uint8 and st.shape == (5056,)   # a uint8 Tensor, as torch
    a = [R.normal((1,), gen=g), R.uniform((7,), gen=g), R.randint(0, 5, (3,), gen=g)]
    g2 = R.Generator().set_state(st)
    assert g2.initial_seed() == 9
    b = [R.normal((1,), gen=g2), R.uniform((7,), gen=g2), R.randint(0, 5, (3,), gen=g2)]
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    R.manual_seed(9)
    R.default_generator.set_state(st)
    assert np.array_equal(R.normal((1,)), a[0])


def test_fma_emulation_rounds_once():
    rng = np.random.default_rng(0)
    a, b = rng.random(300), rng.normal(size=300) * 1e3
    c = np.concatenate([rng.normal(size=150), -(a[150:] * b[150:]) * (1 + 1e-15)])
    want = [float(Fraction(x) * Fraction(y) + Fraction(z)) for x, y, z in zip(a, b, c)]
    assert R._fma64(a, b, c).tolist() == want
    # a*b + c lies just below a float32 midpoint but rounds onto it in float64
    a32 = np.array([2**-12 * (1 + 2**-20)], np.float32)
    b32 = np.float32(2**-12 * (1 - 2**-20))
    c32 = np.float32(1 + 2**-23)
    assert R._fma32(a32, b32, c32)[0] == np.float32(1 + 2**-23)


def test_speed():
    g = R.Generator().manual_seed(0)
    t = time.perf_counter()
    R.normal((10**6,), gen=g)
    R.uniform((10**6,), -1, 1, gen=g)
    R.randint(0, 100, (10**6,), gen=g)
    R.randperm(10**5, gen=g)
    assert time.perf_counter() - t < 2.0  # vectorised: well under a second


# ------------------------------------------------------------------ against torch

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", FLOATS)
def test_rand_randn_match(torch, seed, dtype):
    td = getattr(torch, dtype)
    for n in SIZES:
        g = pair(torch, seed)
        assert same(R.uniform((n,), np_dtype=dtype, gen=g), torch.rand(n, dtype=td)), n
        assert same(R.normal((n,), np_dtype=dtype, gen=g), torch.randn(n, dtype=td)), n
        assert same(R.normal((2, n), np_dtype=dtype, gen=g), torch.randn(2, n, dtype=td)), n
        assert same(g.get_state(), torch.get_rng_state()), n


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("bounds", [(-2.5, 3.1), (-0.1, 0.7), (1e-3, 0.7), (-1e-6, 1e-6),
                                    (5.0, 5.0), (1e8, 1e8 + 64), (-3.0, 1e4)])
def test_uniform_bounds(torch, dtype, bounds):
    td = getattr(torch, dtype)
    g = pair(torch, 11)
    if dtype == "float16" and bounds[1] > 65504:
        with pytest.raises(RuntimeError):
            torch.empty(3, dtype=td).uniform_(*bounds)
        with pytest.raises(RuntimeError):
            R.uniform((3,), *bounds, np_dtype=dtype, gen=g)
        return
    for n in (5, 1000, 20000):
        ours = R.uniform((n,), *bounds, np_dtype=dtype, gen=g)
        assert same(ours, torch.empty(n, dtype=td).uniform_(*bounds)), n
        lo, hi = (np.asarray(b, dtype) for b in bounds)     # (bounds as the dtype holds them)
        assert (ours < hi).all() or lo == hi


@pytest.mark.parametrize("dtype, bounds", [
    ("float64", (-1e300, 1e300)), ("float64", (0.0, 1.7e308)), ("float64", (-8e307, 8e307)),
    ("float64", (-1.7976931348623157e308, 0.0)), ("float64", (1e-310, 1e300)),
    ("float32", (0.0, 3.4e38)), ("float32", (-1.7e38, 1.7e38)), ("float16", (0.0, 65504.0))])
def test_uniform_widest_ranges(torch, dtype, bounds):
    # (the float64 fma's split overflowed past ~1e300 and gave NaN)
    g = pair(torch, 3)
    ours = R.uniform((1000,), *bounds, np_dtype=dtype, gen=g)
    assert np.isfinite(ours).all()
    assert same(ours, torch.empty(1000, dtype=getattr(torch, dtype)).uniform_(*bounds))


@pytest.mark.parametrize("dtype, bounds", [
    ("float64", (-1e308, 1e308)), ("float32", (-3e38, 3e38)), ("float16", (-6e4, 6e4)),
    ("float64", (-math.inf, 0.0)), ("float64", (0.0, math.nan)), ("float32", (0.0, 1e39)),
    ("float16", (7e4, 8e4)), ("float64", (2, 1)), ("float32", (2.5, 1.25))])
def test_uniform_bound_errors(torch, dtype, bounds):
    with pytest.raises(RuntimeError) as theirs:
        torch.ones(3, dtype=getattr(torch, dtype)).uniform_(*bounds)
    t = ember.ones(3, dtype=getattr(ember, dtype))
    with pytest.raises(RuntimeError) as ours:
        t.uniform_(*bounds)
    assert str(ours.value) == str(theirs.value)
    assert t.tolist() == [1.0, 1.0, 1.0]


def test_fma_emulation_huge_factors(torch):
    rng = np.random.default_rng(1)
    a = rng.random(200)
    b = np.concatenate([rng.uniform(1e300, 8e307, 100), -rng.uniform(1e300, 8e307, 100)])
    c = np.concatenate([(2 * rng.random(100) - 1) * 8e307, rng.normal(size=100)])
    want = [float(Fraction(x) * Fraction(y) + Fraction(z)) for x, y, z in zip(a, b, c)]
    assert R._fma64(a, b, c).tolist() == want
    assert R._fma64(b, a, c).tolist() == want
    g = pair(torch, 4)
    assert same(R.normal((100,), -1e307, 1e305, np_dtype=np.float64, gen=g),
                torch.empty(100, dtype=torch.float64).normal_(-1e307, 1e305))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("mean_std", [(0.7, 2.3), (-1.1, 0.3), (3.0, 0.0), (0.0, 1e-3)])
def test_normal_mean_std(torch, dtype, mean_std):
    td = getattr(torch, dtype)
    g = pair(torch, 5)
    for n in (1, 7, 16, 33, 1000):
        assert same(R.normal((n,), *mean_std, np_dtype=dtype, gen=g),
                    torch.empty(n, dtype=td).normal_(*mean_std)), n
        assert same(R.normal((n,), *mean_std, np_dtype=dtype, gen=g),
                    torch.normal(*mean_std, size=(n,), dtype=td)), n


def test_interleaved_sequence_and_cached_normal(torch):
    for seed in SEEDS:
        g = pair(torch, seed)
        steps = [
            lambda: (R.uniform((7,), gen=g), torch.rand(7)),
            lambda: (R.normal((3,), gen=g), torch.randn(3)),  # caches a value
            lambda: (R.randint(0, 10, (4,), gen=g), torch.randint(0, 10, (4,))),
            lambda: (R.normal((5,), gen=g), torch.randn(5)),  # starts from the cache
            lambda: (R.normal((40,), gen=g), torch.randn(40)),  # vectorised: cache untouched
            lambda: (R.normal((1,), np_dtype=np.float64, gen=g), torch.randn(1, dtype=torch.float64)),
            lambda: (R.normal((2, 3), gen=g), torch.randn(2, 3)),
            lambda: (R.randperm(20, gen=g), torch.randperm(20)),
            lambda: (R.normal((1,), gen=g), torch.randn(1)),
            lambda: (R.uniform((17,), np_dtype=np.float64, gen=g), torch.rand(17, dtype=torch.float64)),
        ]
        for i, step in enumerate(steps):
            ours, theirs = step()
            assert same(ours, theirs), (seed, i)
        assert same(g.get_state(), torch.get_rng_state())


def test_seeding_clears_normal_cache(torch):
    g = pair(torch, 2)
    R.normal((1,), gen=g), torch.randn(1)
    g.manual_seed(2), torch.manual_seed(2)
    assert same(R.normal((1,), gen=g), torch.randn(1))


@pytest.mark.parametrize("low,high", [(0, 10), (-5, 7), (3, 4), (0, 2**28 - 1), (0, 2**28),
                                      (5, 2**31), (0, 2**32),
                                      (-3, 2**32 + 5), (-(2**40), 2**40),
                                      (-(2**63), 2**63 - 1)])
def test_randint_int64(torch, low, high):
    g = pair(torch, 9)
    for n in (1, 100, 1000):
        assert same(R.randint(low, high, (n,), gen=g), torch.randint(low, high, (n,))), n
        assert same(R.randint(low, high, (2, n), gen=g),
                    torch.empty(2, n, dtype=torch.int64).random_(low, high)), n


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "int32", "float32", "float64",
                                   "float16", "bfloat16", "bool"])
def test_randint_dtypes(torch, dtype):
    td = getattr(torch, dtype)
    g = pair(torch, 4)
    ranges = {"bool": [(0, 2)], "uint8": [(0, 256), (3, 9)], "int8": [(-128, 128), (-5, 5)],
              "float16": [(0, 100), (-2000, 2049)], "int16": [(0, 100), (-50, 2**15)],
              "bfloat16": [(0, 100), (-200, 257), (-300, 1000)]}
    for low, high in ranges.get(dtype, [(0, 100), (-50, 2**15), (-(2**29), 2**30)]):
        assert same(R.randint(low, high, (300,), np_dtype=dtype, gen=g),
                    torch.randint(low, high, (300,), dtype=td)), (low, high)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_randint_float_unrepresentable_bounds(torch, dtype):
    td = getattr(torch, dtype)
    g = pair(torch, 9)
    for low, high in [(-3, 2**33), (0, 2**25), (-(2**30) - 1, 2**54 + 3), (0, 2**60)]:
        assert same(R.randint(low, high, (50,), np_dtype=dtype, gen=g),
                    torch.randint(low, high, (50,), dtype=td)), (low, high)


@pytest.mark.parametrize("n", [0, 1, 2, 10, 100, 10000, 100000])
def test_randperm(torch, n):
    g = pair(torch, 3)
    assert same(R.randperm(n, gen=g), torch.randperm(n))
    assert same(R.uniform((2,), gen=g), torch.rand(2))  # same number of draws
    assert same(R.randperm(n, np_dtype=np.int32, gen=g), torch.randperm(n, dtype=torch.int32))


def test_bernoulli(torch):
    p = np.random.default_rng(0).random((30, 40))
    for dtype in FLOATS:
        g = pair(torch, 12)
        pd = p.astype(dtype)
        # (bfloat16 reaches torch through float32, exactly)
        tp = torch.from_numpy(pd.astype(np.float32)).to(getattr(torch, dtype))
        assert same(R.bernoulli(pd, gen=g), torch.bernoulli(tp)), dtype
        assert same(R.bernoulli(pd[:7, :3], gen=g), torch.bernoulli(tp[:7, :3]))


@pytest.mark.parametrize("call", [
    "T.bernoulli(T.tensor([1.5]))", "T.bernoulli(T.tensor([0.5, -0.1]))",
    "T.bernoulli(T.tensor([0.3, float('nan')]))",
    "T.bernoulli(T.tensor([0.5, 0.7, 2.0], dtype=T.float64))",
    "T.bernoulli(T.full((100,), 0.5).index_fill_(0, T.tensor([50]), 3.0))",
    "T.zeros(2).bernoulli_(T.tensor([0.2, 1.2]))", "T.bernoulli(T.tensor([0.5]), -1.0)",
    "T.zeros(2).bernoulli_(1.5)", "T.zeros(2).bernoulli_(float('nan'))"])
def test_bernoulli_refuses_probabilities_outside_0_1(torch, call):
    # each p is checked in its turn: the elements before the first bad one draw
    seen = []
    for T in (ember, torch):
        T.manual_seed(0)
        with pytest.raises(RuntimeError) as info:
            eval(call, {"T": T})
        seen.append((str(info.value), T.rand(2).tolist()))
    assert seen[0] == seen[1]


def test_bernoulli_scalar_and_dropout_mask(torch):
    g = pair(torch, 13)
    assert same(R.bernoulli_scalar(0.3, (50, 20), gen=g), torch.empty(50, 20).bernoulli_(0.3))
    x = torch.ones(1000)
    mask = R.bernoulli_scalar(1 - 0.25, (1000,), gen=g)
    assert np.array_equal(mask != 0, torch.nn.functional.dropout(x, 0.25).numpy() != 0)


@pytest.mark.parametrize("n", [2047, 2048, 150_000])
def test_bernoulli_scalar_and_dropout_mask_large(torch, n):
    # (either side of the 4096 words at which Generator._words changes its draw)
    g = pair(torch, 14)
    assert same(R.bernoulli_scalar(0.3, (n,), gen=g), torch.empty(n).bernoulli_(0.3))
    mask = R.bernoulli_scalar(1 - 0.1, (n,), gen=g)
    assert np.array_equal(mask != 0, torch.nn.functional.dropout(torch.ones(n), 0.1).numpy() != 0)
    assert same(g.get_state(), torch.get_rng_state())


@pytest.mark.parametrize("n", [100, 10_000])
def test_bernoulli_scalar_when_high_bits_tie_with_p(n):
    # The 53-bit draw is compared by its high 21 bits, and by its low 32 only
    # where those tie with p's: p chosen to tie with draws just below, at and
    # just above p, against the float comparison of the 53-bit uniforms.
    g = R.Generator().manual_seed(5)
    state = g.get_state()
    words = g._raw32(2 * n)
    m = ((words[0::2] & np.uint64(0x1FFFFF)) << np.uint64(32)) | words[1::2]
    k = int(m[n // 2])
    for bound in (k, k + 1, k - 1):
        p = bound * 2.0 ** -53
        g.set_state(state)
        below = g._u53_below(n, p)
        g.set_state(state)
        assert np.array_equal(below, g._u53(n) < p)
        assert below[n // 2] == (k < bound)


def linear_init(out_f, in_f, gen):
    """nn.Linear.reset_parameters: kaiming_uniform_(a=sqrt(5)) then the bias."""
    gain = math.sqrt(2.0 / (1 + math.sqrt(5) ** 2))
    bound = math.sqrt(3.0) * (gain / math.sqrt(in_f))
    w = R.uniform((out_f, in_f), -bound, bound, gen=gen)
    b_bound = 1 / math.sqrt(in_f)
    return w, R.uniform((out_f,), -b_bound, b_bound, gen=gen)


def test_linear_layers(torch):
    g = pair(torch, 0)
    for in_f, out_f in [(1000, 100), (100, 10)]:
        lin = torch.nn.Linear(in_f, out_f)
        w, b = linear_init(out_f, in_f, g)
        assert same(w, lin.weight.detach()) and same(b, lin.bias.detach())


def test_lab_sequence(torch):
    g = pair(torch, 0)
    torch.linspace(-3, 3, 1000)  # draws nothing
    assert same(R.normal((16, 1000), gen=g), torch.randn(16, 1000))
    assert same(R.normal((16, 10), gen=g), torch.randn(16, 10))
    for in_f, out_f in [(1000, 100), (100, 10)]:
        lin = torch.nn.Linear(in_f, out_f)
        w, b = linear_init(out_f, in_f, g)
        assert same(w, lin.weight.detach()) and same(b, lin.bias.detach())
    assert same(R.uniform((5,), gen=g), torch.rand(5))


def test_state_interchange_with_torch(torch):
    g = pair(torch, 21)
    torch.randn(3)
    g.set_state(ember.from_numpy(torch.get_rng_state().numpy()))
    assert same(R.normal((3,), gen=g), torch.randn(3))  # picks up torch's cached value
    R.uniform((10,), gen=g)
    torch.set_rng_state(torch.from_numpy(g.get_state().numpy()))
    assert same(R.normal((20,), gen=g), torch.randn(20))


@pytest.mark.parametrize("dtype", ["bfloat16", "float16", "float32"])
def test_randint_inexact_range_warning(torch, dtype):
    # PyTorch warns when a float dtype cannot hold every integer of the range
    # (beyond 2**digits of its significand): randint and random_ alike.
    import warnings
    calls = [lambda T: T.randint(-300, 1000, (3,), dtype=getattr(T, dtype)),
             lambda T: T.randint(0, 257, (3,), dtype=getattr(T, dtype)),
             lambda T: T.randint(0, 258, (3,), dtype=getattr(T, dtype)),
             lambda T: T.empty(3, dtype=getattr(T, dtype)).random_(3000),
             lambda T: T.empty(3, dtype=getattr(T, dtype)).random_(-5000, 3),
             lambda T: T.empty(3, dtype=getattr(T, dtype)).random_()]
    for call in calls:
        seen = []
        for T in (torch, ember):
            T.manual_seed(2)
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                r = call(T)
            seen.append(([str(x.message).split(" (Triggered internally")[0] for x in w],
                         r.float().tolist()))
        assert seen[0] == seen[1]


def test_bfloat16_factories(torch):
    for T in (torch, ember):
        T.manual_seed(0)
    for f in (lambda T: T.randn(3, 5, dtype=T.bfloat16), lambda T: T.rand(40, dtype=T.bfloat16),
              lambda T: T.randn_like(T.zeros(17, dtype=T.bfloat16)),
              lambda T: T.empty(20, dtype=T.bfloat16).normal_(2.0, 0.5)):
        t, e = f(torch), f(ember)
        assert str(e.dtype) == "ember.bfloat16" and t.float().tolist() == e.float().tolist()


# ------------------------------------------- in-place draws into other layouts

_INPLACE_DRAWS = {
    "uniform_": lambda t: t.uniform_(-1, 2),
    "normal_": lambda t: t.normal_(0.5, 2.0),
    "bernoulli_": lambda t: t.bernoulli_(0.3),
    "exponential_": lambda t: t.exponential_(),
    "cauchy_": lambda t: t.cauchy_(),
    "log_normal_": lambda t: t.log_normal_(),
    "geometric_": lambda t: t.geometric_(0.3),
    "random_": lambda t: t.random_(0, 10),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("layout", ["transposed", "permuted", "sliced", "contiguous"])
@pytest.mark.parametrize("name", sorted(_INPLACE_DRAWS))
def test_inplace_draws_follow_memory_order(torch, name, layout, dtype):
    # PyTorch's kernels visit a tensor in memory order (TensorIterator), so a
    # transposed tensor gets its draws in another logical order; normal_ takes
    # its per-element path on any non-contiguous tensor, whatever its size.
    make = {"transposed": lambda T: T.zeros(3, 4, 5, dtype=getattr(T, dtype)).transpose(0, 1),
            "permuted": lambda T: T.zeros(2, 3, 8, dtype=getattr(T, dtype)).permute(2, 0, 1),
            "sliced": lambda T: T.zeros(4, 10, dtype=getattr(T, dtype))[:, ::2],
            "contiguous": lambda T: T.zeros(4, 6, dtype=getattr(T, dtype))}[layout]
    out = []
    for T in (ember, torch):
        T.manual_seed(3)
        t = make(T)
        _INPLACE_DRAWS[name](t)
        out.append((t.numpy().copy(), T.rand(2).numpy()))
    assert np.array_equal(out[0][0], out[1][0]) and np.array_equal(out[0][1], out[1][1])


def test_bernoulli_with_tensor_p_into_transposed(torch):
    out = []
    for T in (ember, torch):
        T.manual_seed(5)
        p = T.linspace(0, 1, 60).reshape(3, 4, 5).transpose(0, 1)
        out.append((T.zeros(3, 4, 5).transpose(0, 1).bernoulli_(p).numpy(),
                    T.bernoulli(p).numpy(), T.rand(2).numpy()))
    assert all(np.array_equal(a, b) for a, b in zip(*out))


def test_refused_inplace_draw_leaves_generator(torch):
    leaf = ember.zeros(3, requires_grad=True)
    ember.manual_seed(0)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        leaf.uniform_()
    assert ember.rand(1).item() == pytest.approx(0.49625658988952637, abs=0)


@pytest.mark.parametrize("call", [
    "T.Generator(device='cuda')", "T.Generator(device='cuda:0')", "T.Generator(device='mps')",
    "T.Generator(device='meta')", "T.Generator(device='xla')", "T.Generator(device='foo')",
    "T.Generator().manual_seed(1.5)", "T.Generator().manual_seed('3')",
    "T.Generator().manual_seed(True)", "T.Generator().manual_seed(T.tensor(3))",
    "T.Generator().manual_seed(np.int64(5))", "T.Generator().manual_seed(2 ** 64)",
    "T.manual_seed(None)", "T.Generator().set_state(T.zeros(5056))"])
def test_generator_refusals_as_pytorch(torch, call):
    if "cuda" in call and torch.version.cuda:
        pytest.skip("PyTorch's CUDA build fails differently (no driver): Ember is its CPU build")
    seen = []
    for T in (ember, torch):
        with pytest.raises(Exception) as info:
            eval(call, {"T": T, "np": np})
        seen.append((type(info.value), str(info.value).replace("torch.", "ember.")))
    assert seen[0] == seen[1]


def test_lenient_seeds_and_generator_device(torch):
    # torch.manual_seed makes an int of what it is given; the device is a device
    for T in (ember, torch):
        assert [T.manual_seed(s).initial_seed() for s in ("3", True, T.tensor(4), -5)] == \
            [3, 1, 4, 2 ** 64 - 5]
        assert T.Generator().device == T.device("cpu")
        assert repr(T.Generator(device="cpu:0").device) == "device(type='cpu')"
