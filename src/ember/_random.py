"""Random number generation that reproduces PyTorch's CPU generator bit for bit.

torch's CPU generator is MT19937 seeded like ``std::mt19937(seed & 0xffffffff)``;
NumPy's MT19937 bit generator (seeded through the legacy ``RandomState`` path)
yields the same 32-bit stream, so it serves as the engine and this module
re-implements ATen's transformations of that stream.

Bit-exactness needs the exact floating-point operation sequence of the ATen
kernels as built (GCC contracts ``a * b + c`` into FMA), hence the FMA
emulations (_fma.py) and the port of the AVX ``log256_ps`` / ``sincos256_ps`` (_random_avx.py) that
torch's vectorised float32 normal path uses on AVX2/AVX512 CPUs.
"""
import contextlib
import math
import secrets

from . import _public_name
from ._backend import np
from . import _layout as _L
from . import _dtype as D
from ._fma import _fma32, _fma64
from ._random_avx import _ONE, _log256, _sincos256

__all__ = ["Generator", "default_generator", "manual_seed", "seed", "initial_seed",
           "uniform", "normal", "randint", "randperm", "bernoulli", "bernoulli_scalar",
           "memory_order", "drawn_like"]

_DEFAULT_SEED = 67280421310721  # seed of a fresh torch.Generator()
_U64 = (1 << 64) - 1
_F16, _F32, _F64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)
# std::numeric_limits<T>::digits (bfloat16's 8 where ml_dtypes gives one)
DIGITS = {_F16: 11, _F32: 24, _F64: 53}
_REDUCED = {_F16}       # drawn as float, rounded
D.on_bfloat16(lambda bf16: (DIGITS.__setitem__(bf16, 8), _REDUCED.add(bf16)))


def _narrow(x, dt):
    """x as `dt`; c10's Half and BFloat16 are made from a float (a double is rounded twice)."""
    return np.asarray(x).astype(np.float32 if dt in _REDUCED else dt).astype(dt)

# Byte layout of torch's CPUGeneratorImplState, so states can be exchanged with
# torch.get_rng_state() / set_rng_state() (the legacy layout stops at 'pad').
_STATE_DTYPE = np.dtype([
    ("seed", "<u8"), ("left", "<i4"), ("seeded", "<i4"), ("next", "<u8"),
    ("state", "<u8", (624,)), ("normal_x", "<f8"), ("normal_y", "<f8"),
    ("normal_rho", "<f8"), ("normal_is_valid", "<i4"), ("pad", "<i4"),
    ("next_float", "<f4"), ("next_float_valid", "u1"), ("pad2", "u1", (3,))])
_LEGACY_SIZE = 5048
_FILL_FROM = 4096       # words: see Generator._words


class Generator(_public_name.PublicRepr, metaclass=_public_name.PublicClass):
    """Mirror of ``torch.Generator`` for device 'cpu' (torch._C.Generator
    under ember.run: see _misc.py)."""

    def __init__(self, device="cpu"):
        from ._device import device as _device
        kind = _device(device).type
        if kind != "cpu":
            from ._no_generator import NO_GENERATOR
            raise RuntimeError(NO_GENERATOR.get(
                kind, f"ember only has CPU generators, got device {str(device)!r}"))
        self._engine = np.random.MT19937()
        self._set_seed(_DEFAULT_SEED)

    @property
    def device(self):
        from ._device import device as _device
        return _device("cpu")

    def manual_seed(self, seed):
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, (bool, np.bool_)):
            # (torch.manual_seed makes an int first; a Generator takes only a long)
            from .ops.conditional import _arg_type
            raise RuntimeError(f"manual_seed expected a long, but got {_arg_type(seed)}")
        if not isinstance(seed, int):   # a NumPy integer passes the check, not the unpacking
            raise TypeError("an integer is required")
        if not -(1 << 63) <= seed <= _U64:
            raise ValueError("Overflow when unpacking long long")
        self._set_seed(seed & _U64)  # torch stores negative seeds in two's complement
        return self

    def seed(self):
        self._set_seed(secrets.randbits(64))
        return self._initial_seed

    def initial_seed(self):
        return self._initial_seed

    def _set_seed(self, seed):
        self._initial_seed = seed
        # RandomState's integer seeding is exactly MT19937's init_genrand.
        st = np.random.RandomState(seed & 0xFFFFFFFF).get_state(legacy=False)["state"]
        self._engine.state = {"bit_generator": "MT19937", "state": st}
        self._fresh = True  # torch reports next=0 rather than 624 until the first draw
        self._next_double = None  # Box-Muller value cached by the scalar normal path
        self._next_float = None   # never filled by CPU kernels; kept for state round trips

    def get_state(self):
        st = self._engine.state["state"]
        rec, pos = np.zeros((), _STATE_DTYPE), int(st["pos"])
        rec["seed"], rec["seeded"] = self._initial_seed, 1
        rec["left"], rec["next"] = 625 - pos, (0 if self._fresh else pos)
        rec["state"] = st["key"]
        if self._next_double is not None:
            rec["normal_is_valid"], rec["normal_y"] = 1, self._next_double
        if self._next_float is not None:
            rec["next_float_valid"], rec["next_float"] = 1, self._next_float
        from ._tensor import Tensor   # here: _tensor's imports must not wait on this module
        return Tensor._wrap(np.frombuffer(rec.tobytes(), np.uint8).copy())

    def set_state(self, state):
        from ._tensor import Tensor
        if isinstance(state, Tensor):
            if state.dtype.name != "uint8":
                raise TypeError(f"RNG state must be a {_public_name.name}.ByteTensor")
            state = state._data
        else:
            t = type(state)
            name = t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__name__}"
            raise TypeError(f"expected a {_public_name.name}.ByteTensor, but got {name}")
        raw = np.ascontiguousarray(state).ravel()
        if raw.size not in (_STATE_DTYPE.itemsize, _LEGACY_SIZE):
            raise RuntimeError("Expected a CPUGeneratorImplState of size "
                               f"{_STATE_DTYPE.itemsize} but found the input RNG state size "
                               f"to be {raw.size}")
        buf = np.zeros(_STATE_DTYPE.itemsize, np.uint8)
        buf[:raw.size] = raw
        rec = buf.view(_STATE_DTYPE)[0]
        left, nxt = int(rec["left"]), int(rec["next"])
        if not 1 <= left <= 624:
            raise RuntimeError("The MT19937 state is invalid")
        key = (rec["state"] & 0xFFFFFFFF).astype(np.uint32)
        self._engine.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": 625 - left}}
        self._initial_seed = int(rec["seed"])
        self._fresh = left == 1 and nxt == 0
        self._next_double = float(rec["normal_y"]) if rec["normal_is_valid"] else None
        self._next_float = (float(rec["next_float"])
                            if raw.size > _LEGACY_SIZE and rec["next_float_valid"] else None)
        return self

    def _raw32(self, n):
        """n raw 32-bit MT outputs (as uint64), torch's ``generator->random()``."""
        self._fresh = self._fresh and not n
        return self._engine.random_raw(n)

    def _words(self, n):
        """The same n outputs, as unsigned integers: from a few thousand on as
        uint32, by NumPy's bounded-integer fill of the whole 32-bit range,
        which is the raw stream word for word, drawn without a call per word
        and in half the memory (a quarter faster for the millions of words a
        dropout mask takes, measured); below, its argument handling costs
        more than it saves."""
        if n < _FILL_FROM:
            return self._raw32(n)
        self._fresh = False
        return np.random.Generator(self._engine).integers(0, 1 << 32, size=n, dtype=np.uint32)

    def _raw64(self, n):
        """torch's ``random64()``: two 32-bit words, the first one is the high half."""
        w = self._words(2 * n)
        return (w[0::2].astype(np.uint64, copy=False) << np.uint64(32)) | w[1::2]

    def _u24(self, n):
        """uniform_real_distribution<float>(0, 1): 24 low bits / 2**24."""
        return (self._words(n) & np.uint32(0xFFFFFF)).astype(np.float32) * np.float32(2.0 ** -24)

    def _u53(self, n):
        """uniform_real_distribution<double>(0, 1): 53 low bits of random64 / 2**53."""
        return (self._raw64(n) & np.uint64((1 << 53) - 1)).astype(np.float64) * 2.0 ** -53

    def _u53_below(self, n, p):
        """``_u53(n) < p`` without the floats: the 53 bits m of each draw are
        below p * 2**53 (exact: a power-of-two scaling) as integers, so the
        same draws give the same answers at half the cost."""
        # (compared as high and low words: m's high 21 bits decide, but for
        # the one draw in 2**21 whose high bits tie with the bound's)
        w = self._words(2 * n)
        bound = math.ceil(p * 2.0 ** 53)
        high = w[0::2] & np.uint32(0x1FFFFF)
        below = high < np.uint32(bound >> 32)
        tie = np.flatnonzero(high == np.uint32(bound >> 32))
        if tie.size:
            below[tie] = w[1::2][tie] < np.uint32(bound & 0xFFFFFFFF)
        return below


default_generator = Generator()
default_generator.seed()  # torch seeds its default CPU generator non-deterministically


def manual_seed(seed):
    return default_generator.manual_seed(int(seed))


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


# ------------------------------------------------------------------------- uniform

def _gen(gen):
    return default_generator if gen is None else gen


@contextlib.contextmanager
def untouched(gen=None):
    """Draws made inside leave `gen` (default: the default generator) as they
    found it: PyTorch's samplers on the meta device check their arguments
    and draw nothing."""
    g = _gen(gen)
    saved = (g._engine.state, g._fresh, g._next_double, g._next_float)
    try:
        yield
    finally:
        g._engine.state, g._fresh, g._next_double, g._next_float = saved


def _numel(shape):
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
    return shape, math.prod(shape)


def _check_uniform_bounds(low, high, dt):
    """aten's check_uniform_bounds: its errors, in its order."""
    fmax = float(np.finfo(dt).max) if dt != D._BF16_NP else 3.3895313892515355e38  # (0x1.fep127)
    if -fmax <= low <= high and high - low <= fmax and high <= fmax:
        return
    from ._dtype import C_NAMES, SCALAR_NAMES, from_numpy_dtype
    dtype = from_numpy_dtype(dt)
    for name, v in (("from", low), ("to", high)):
        if not -fmax <= v <= fmax:
            raise RuntimeError(f"{name} is out of bounds for {C_NAMES[dtype]}")
    lo, hi = f"{float(low):g}", f"{float(high):g}"      # (doubles through a C++ stream)
    if not low <= high:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={lo} > to={hi}")
    raise RuntimeError(
        f"uniform_ expects to-from <= std::numeric_limits<{SCALAR_NAMES[dtype]}>::max(), but "
        f"found to={hi} and from={lo} which result in to-from to exceed the limit")


def uniform(shape, low=0.0, high=1.0, np_dtype=np.float32, gen=None):
    """torch.rand / Tensor.uniform_(low, high)."""
    g, dt = _gen(gen), np.dtype(np_dtype)
    shape, n = _numel(shape)
    if dt not in DIGITS:
        raise TypeError(f"uniform: unsupported dtype {dt}")
    _check_uniform_bounds(low, high, dt)
    if dt == _F64:
        lo, hi, x = float(low), float(high), g._u53(n)
        r = x if (lo, hi) == (0.0, 1.0) else _fma64(x, hi - lo, lo)
    else:
        # float, half and bfloat16 all draw 24 bits and compute in float
        lo, hi, x = np.float32(low), np.float32(high), g._u24(n)
        r = x if (lo, hi) == (0.0, 1.0) else _fma32(x, hi - lo, lo)
        if dt in _REDUCED:
            r, lo, hi = _narrow(r, dt), _narrow(lo, dt), _narrow(hi, dt)
    # rounding may reach `to`; torch maps such values to `from` to keep [from, to)
    r = np.asarray(r, dt)
    r[r >= hi] = lo
    return r.reshape(shape)


# -------------------------------------------------------------------------- normal

def _box_muller16_f32(u, mean, std):
    """normal_fill_16_AVX2 over rows of 16 uniforms."""
    radius = np.sqrt(np.float32(-2.0) * _log256(_ONE - u[:, :8]))
    s, c = _sincos256(np.float32(2.0 * math.pi) * u[:, 8:])
    n = np.concatenate([radius * c, radius * s], axis=1)
    if std == 1 and mean == 0:
        return n + np.float32(0.0)  # fma(n, 1, 0) = n, except -0 becomes +0
    return _fma32(n, std, mean)


def _box_muller16_f64(u, mean, std):
    """normal_fill_16<double>; glibc's log/cos/sin via the math module (numpy's own
    SIMD versions differ from glibc in the last bit now and then)."""
    flat = (1.0 - u[:, :8]).ravel().tolist()
    lg = np.fromiter(map(math.log, flat), np.float64, len(flat)).reshape(-1, 8)
    radius = np.sqrt(-2.0 * lg)
    theta = ((2.0 * math.pi) * u[:, 8:]).ravel().tolist()
    c = np.fromiter(map(math.cos, theta), np.float64, len(theta)).reshape(-1, 8)
    s = np.fromiter(map(math.sin, theta), np.float64, len(theta)).reshape(-1, 8)
    n = np.concatenate([radius * c, radius * s], axis=1)
    return n + 0.0 if std == 1 and mean == 0 else _fma64(n, std, mean)


def _normal_fill(g, n, dt, mean, std):
    """torch's vectorised normal path (numel >= 16, contiguous): draw n uniforms,
    Box-Muller in blocks of 16 (first 8 -> radius, last 8 -> angle); a ragged tail
    is redone by drawing 16 fresh uniforms for the last 16 slots."""
    full, out = n // 16 * 16, np.empty(n, dt)
    if dt in _REDUCED:
        # half and bfloat16 go through a float32 buffer padded to whole blocks
        # of 16, whose last block lands in the last 16 slots
        vals = _narrow(_box_muller16_f32(g._u24(-(-n // 16) * 16).reshape(-1, 16),
                                         np.float32(mean), np.float32(std)), dt)
        out[:full] = vals[:full // 16].ravel()
        out[n - 16:] = vals[-1]
        return out
    if dt == _F64:
        draw, bm, mean, std = g._u53, _box_muller16_f64, float(mean), float(std)
    else:
        draw, bm, mean, std = g._u24, _box_muller16_f32, np.float32(mean), np.float32(std)
    out[:full] = bm(draw(n)[:full].reshape(-1, 16), mean, std).ravel()
    if full != n:
        out[n - 16:] = bm(draw(16).reshape(1, 16), mean, std).ravel()
    return out


def _normal_scalar(g, n, mean, std):
    """at::normal_distribution<double> one value at a time (numel < 16): Box-Muller
    from two 53-bit uniforms; the sine half is cached on the generator."""
    vals = []
    for _ in range(n):
        if g._next_double is not None:
            vals.append(g._next_double)
            g._next_double = None
            continue
        u1, u2 = g._u53(2).tolist()
        r = math.sqrt(-2.0 * math.log1p(-u2))
        theta = (2.0 * math.pi) * u1
        g._next_double = r * math.sin(theta)
        vals.append(r * math.cos(theta))
    return _fma64(np.array(vals, np.float64), float(std), float(mean))


def normal(shape, mean=0.0, std=1.0, np_dtype=np.float32, gen=None, contiguous=True):
    """torch.randn / Tensor.normal_(mean, std) / torch.normal(mean, std, size).

    contiguous=False: a non-contiguous destination, which torch fills by the
    per-element path whatever its size."""
    g, dt = _gen(gen), np.dtype(np_dtype)
    shape, n = _numel(shape)
    if dt not in DIGITS:
        raise TypeError(f"normal: unsupported dtype {dt}")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    if n >= 16 and contiguous:
        return _normal_fill(g, n, dt, mean, std).reshape(shape)
    r = _normal_scalar(g, n, mean, std)
    return _narrow(r, dt).reshape(shape)


def memory_order(arr):
    """arr's axes from the largest stride to the smallest: the order in which
    PyTorch's kernels (TensorIterator) visit a tensor's elements, so a
    transposed tensor takes its draws in another logical order."""
    return tuple(np.argsort([-s for s in arr.strides], kind="stable").tolist())


def drawn_like(like, draw):
    """An array shaped and laid out as `like` (at::empty_like), holding
    draw(shape) written in memory order; draw gets the shape of `like` with
    its axes in memory order, and whether `like` is contiguous (normal_ takes
    its per-element path for any other layout)."""
    out = _L.empty_like(like)
    view = out.transpose(memory_order(out))
    view[...] = draw(view.shape, like.flags.c_contiguous)
    return out


# ------------------------------------------------------------------- integer draws

def _float_int(v, dt):
    """static_cast<int64_t>(static_cast<scalar_t>(v)) for a float dtype."""
    x = _narrow(np.array(v, np.int64), dt)
    return int(x.astype(np.int64))


def randint(low, high, shape, np_dtype=np.int64, gen=None):
    """torch.randint(low, high, size) / Tensor.random_(low, high): (word % range) + low."""
    g, dt = _gen(gen), np.dtype(np_dtype)
    shape, n = _numel(shape)
    low, high = int(low), int(high)
    if not low < high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    if dt in DIGITS:
        # torch nudges bounds that are not exactly representable (update_from/update_to)
        digits = DIGITS[dt]
        fp1 = _float_int(low + 1, dt)
        if fp1 < low:
            low = fp1 + (1 << (abs(low + 1).bit_length() - 1 - digits + 1))
        tm1 = _float_int(high - 1, dt)
        if tm1 >= high:
            high = tm1 - (1 << (abs(high - 1).bit_length() - 1 - digits + 1))
        if not low < high:
            raise RuntimeError("random_ expects 'from' casted to dtype to be less than 'to' casted to dtype")
    elif dt.kind in "iub":
        lo, hi = (0, 1) if dt.kind == "b" else (np.iinfo(dt).min, np.iinfo(dt).max)
        if low < lo or high - 1 > hi:
            raise RuntimeError(f"randint: from/to out of bounds for {dt}")
    else:
        raise TypeError(f"randint: unsupported dtype {dt}")
    rng = (high - low) & _U64
    # torch 2.13 switches to 64-bit words from a range of 2**28, whatever the
    # dtype (measured; older releases did so from 2**32, for 64-bit types only)
    wide = rng >= 1 << 28
    v = g._raw64(n) if wide else g._raw32(n)
    r = (v % np.uint64(rng)).view(np.int64) + np.int64(low)  # wraps like the C++ int64 sum
    return _narrow(r, dt).reshape(shape)


def _swap_shuffle(n, z):
    """Result of ``for i: swap(a[i], a[i + z[i]])`` on a = arange(n), without the loop.

    Step i writes its final value to slot i and deposits the old content of slot
    i at j_i = i + z_i. So r[i] is what the last earlier step aimed at j_i left
    there (else j_i itself), and the content of slot i before step i is what the
    last earlier step aimed at i left there (else i): a forest of "last writer"
    links, resolved by pointer doubling."""
    m = n - 1
    k = np.arange(m)
    j = k + z.astype(np.int64)
    order = np.argsort(j, kind="stable")  # steps grouped by target, in step order
    js = j[order]
    dup = js[1:] == js[:-1]
    prev_same = np.full(m, -1, np.int64)  # previous step with the same target
    prev_same[order[1:][dup]] = order[:-1][dup]
    last = np.ones(m, bool)
    last[:-1] = ~dup
    writer = np.full(n, -1, np.int64)  # last step before slot i's own step that targets i
    writer[js[last]] = order[last]
    own = np.flatnonzero(writer[:m] == k)  # a step swapping slot i with itself
    writer[own] = prev_same[own]
    root = np.where(writer >= 0, writer, np.arange(n))
    while True:
        nxt = root[root]
        if np.array_equal(nxt, root):
            break
        root = nxt
    r = np.empty(n, np.int64)
    r[:m] = np.where(prev_same >= 0, root[np.maximum(prev_same, 0)], j)
    r[m] = root[m]
    return r


def randperm(n, np_dtype=np.int64, gen=None):
    """torch.randperm(n): Fisher-Yates swapping slot i with i + word % (n - i) for
    i < n - 1; from n = 2**32 // 20 torch uses an inside-out shuffle on 64-bit words."""
    g, dt, n = _gen(gen), np.dtype(np_dtype), int(n)
    if n < 0:
        raise RuntimeError(f"n must be non-negative, got {n}")
    if n < 0xFFFFFFFF // 20:
        if n < 2:
            return np.arange(n).astype(dt)
        z = g._raw32(n - 1) % np.arange(n, 1, -1, dtype=np.uint64)
        return _swap_shuffle(n, z).astype(dt)
    # not checked against torch: permutations this long are impractical to compare here
    z, a = (g._raw64(n) % np.arange(1, n + 1, dtype=np.uint64)).tolist(), list(range(n))
    for i, k in enumerate(z):
        a[i], a[k] = a[k], i
    return np.array(a, np.int64).astype(dt)


# ----------------------------------------------------------------------- bernoulli

def bernoulli(probs_array, gen=None):
    """torch.bernoulli(p): uniform < p per element in C order, a 53-bit uniform for
    float64 p and a 24-bit float uniform otherwise; result has p's dtype."""
    g, p = _gen(gen), np.asarray(probs_array)
    if p.dtype not in DIGITS:
        raise TypeError(f"bernoulli: probabilities must be floating point, got {p.dtype}")
    draw = g._u53 if p.dtype == _F64 else g._u24
    valid = ((p >= 0) & (p <= 1)).reshape(-1)
    if not valid.all():
        # ATen's bernoulli_distribution checks each p as its turn comes: the
        # elements before the first bad one have drawn
        draw(int(np.argmin(valid)))
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  "
                           "(Could this error message be improved?  If so, please report an "
                           "enhancement request to PyTorch.)")
    if p.dtype == _F64:
        return (draw(p.size).reshape(p.shape) < p).astype(p.dtype)
    return (draw(p.size).reshape(p.shape) < p.astype(np.float32)).astype(p.dtype)


def bernoulli_scalar(p, shape, np_dtype=np.float32, gen=None):
    """Tensor.bernoulli_(p) with a float p (what dropout draws): 53-bit uniform < p.
    Matches torch on AMD CPUs; MKL builds of torch may use MKL's own generator
    for this op on Intel CPUs, which this does not reproduce."""
    g = _gen(gen)
    shape, n = _numel(shape)
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={float(p):g}")
    return g._u53_below(n, float(p)).astype(np.dtype(np_dtype)).reshape(shape)
