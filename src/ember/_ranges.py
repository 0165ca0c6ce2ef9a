"""arange, linspace and logspace, digit for digit as PyTorch's CPU kernels.

PyTorch converts the bounds to the output type (or its accumulation type)
first, with checked conversions, and builds each element as `a + b * c`,
which GCC contracts to a fused multiply-add in the per-CPU kernels (arange,
linspace) but not in logspace's: the FMAs are emulated exactly here
(`_fma32` / `_fma64`), since one extra rounding changes the last bit.
Checked against torch 2.13 on random cases, with 1-3 threads and with
ATEN_CPU_CAPABILITY=default.
"""
import math
import os

from ._layout import factory
from ._backend import cpu_features, np, round_double_for_half

from . import _dtype as D
from ._creation import _check_dtype, _finish, _is_int
from ._python_data import _scalar_to, _tname
from ._fma import _fma32, _fma64
from ._tensor import Tensor

__all__ = ["arange", "linspace", "logspace"]

_I64_MIN, _I32_MIN = -2 ** 63, -2 ** 31


def _has_fma():
    """Whether ATen's kernels here are its AVX2 build (FMA contracted) rather
    than its baseline one; ATEN_CPU_CAPABILITY overrides, as in PyTorch."""
    cap = os.environ.get("ATEN_CPU_CAPABILITY", "").lower()
    if cap:
        return cap != "default"
    f = cpu_features()
    return bool(f.get("AVX2") and f.get("FMA3"))


_FMA = _has_fma()
# 32-byte vectors even on AVX512 CPUs: ATen registers no AVX512 build of the
# range kernels and falls back to AVX2 (checked against torch on both).
_VECTOR_BYTES = 32


def _number(x):
    if isinstance(x, (Tensor, np.generic)):
        return x.item()
    if isinstance(x, int) and not -2 ** 63 <= x < 2 ** 64:
        raise OverflowError("int too big to convert")
    return x


def _fmt(x):
    # A double through a C++ stream: %g.
    return f"{float(x):g}"


def _double_to_int(x, dt):
    """static_cast from double as x86 compiles it: truncation, and the
    'integer indefinite' value (INT_MIN) for NaN or out of range; types
    narrower than int convert through a 32-bit int and keep the low bits."""
    x = np.asarray(x, np.float64)
    lo, hi, bad = ((-2.0 ** 63, 2.0 ** 63, _I64_MIN) if dt == np.int64
                   else (-2.0 ** 31 - 1, 2.0 ** 31, _I32_MIN))
    ok = (x >= lo) & (x < hi) if dt == np.int64 else (x > lo) & (x < hi)
    r = np.where(ok, np.trunc(np.where(ok, x, 0)), 0).astype(np.int64)
    r[~ok] = bad
    return r.astype(dt)


def _madd(a, b, c, acc):
    """a * b + c in `acc`: one rounding where the kernel was built with FMA."""
    a, b, c = np.broadcast_arrays(np.asarray(a, acc), np.asarray(b, acc), np.asarray(c, acc))
    if _FMA:
        return (_fma64 if acc == np.float64 else _fma32)(a, b, c)
    return (a * b + c).astype(acc)


def _physical_cores():
    """What ATen's thread pool defaults to: physical cores, as cpuinfo counts them."""
    try:
        with open("/proc/cpuinfo") as f:
            cores, phys = set(), "0"
            for line in f:
                key, _, val = line.partition(":")
                key = key.strip()
                if key == "physical id":
                    phys = val.strip()
                elif key == "core id":
                    cores.add((phys, val.strip()))
        if cores:
            return min(len(cores), os.cpu_count() or len(cores))
    except OSError:
        pass
    return os.cpu_count() or 1


def _intraop_threads():
    """torch.get_num_threads() by default: the cores, fewer if MKL_NUM_THREADS
    or OMP_NUM_THREADS asks (more is capped, as observed with torch)."""
    cores = _physical_cores()
    for var in ("MKL_NUM_THREADS", "OMP_NUM_THREADS"):   # MKL's wins, as in ATen
        try:
            n = int(os.environ.get(var, "0").split(",")[0])
        except ValueError:
            n = 0
        if n > 0:
            return min(n, cores)
    return cores


_THREADS = _intraop_threads()
_GRAIN = 32768  # at::internal::GRAIN_SIZE


def _arange_float(start, step, n, acc, out):
    """ATen's arange kernel on a float type. at::parallel_for cuts [0, n) into
    one chunk per thread; in each, whole blocks of two vectors take
    base = start + step*i0 (rounded to the output type) and lane j gets
    base + j*step, and the chunk's tail gets start + step*i."""
    vec = _VECTOR_BYTES // np.dtype(out).itemsize
    tasks = min(_THREADS, -(-n // _GRAIN)) if n >= _GRAIN else 1
    size = -(-n // tasks) if n else 0
    res = np.empty(n, out)
    lanes = np.arange(vec).astype(acc)
    for b in range(0, n, size or 1):
        e = min(n, b + size)
        nv = b + (e - b) // (2 * vec) * (2 * vec)
        res[nv:e] = _madd(step, np.arange(nv, e).astype(acc), start, acc).astype(out)
        base = _madd(step, np.arange(b, nv, vec).astype(acc), start, acc).astype(out)
        blocks = _madd(lanes[None, :], step, base.astype(acc)[:, None], acc)
        res[b:nv] = blocks.astype(out).ravel()
    return res


@factory
def arange(start, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False, pin_memory=False):
    dtype = _check_dtype(dtype, "arange")
    if dtype is not None and dtype.is_complex:
        raise NotImplementedError(
            f"\"arange_cpu\" not implemented for '{D.SCALAR_NAMES[dtype]}'")
    start, end, step = (_number(v) for v in (start, end, step))
    if end is None:
        start, end = 0, start
    if dtype is None:
        is_float = any(isinstance(v, float) for v in (start, end, step))
        dtype = D._default[0] if is_float else D.int64
    if dtype is D.bool_:
        raise NotImplementedError("\"arange_cpu\" not implemented for 'Bool'")
    fs, fe, fst = float(start), float(end), float(step)
    if not (fst > 0 or fst < 0):
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(fs) and math.isfinite(fe)):
        raise RuntimeError(f"unsupported range: {_fmt(start)} -> {_fmt(end)}")
    if not ((fst > 0 and fe >= fs) or (fst < 0 and fe <= fs)):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    # The accumulation type: int64 for integers, double for float/double, float for half.
    acc = np.int64 if not dtype.is_floating_point else (
        np.float32 if dtype is D.float16 else np.float64)
    if dtype is D.int64:
        # Exact integer arithmetic for int64 (a double would lose digits).
        xs, xe, xst = (_scalar_to(v, acc) for v in (start, end, step))
        if xst == 0:
            raise ValueError("step must be nonzero")
        num = xe - xs + xst - (1 if xst > 0 else -1)
        size_d = float(abs(num) // abs(xst) * (1 if (num >= 0) == (xst > 0) else -1))
    else:
        q = (fe - fs) / fst
        size_d = math.ceil(q) if math.isfinite(q) else q
    if not 0 <= size_d <= 2.0 ** 63:
        raise RuntimeError("invalid size, possible overflow?")
    n = int(size_d)
    # The kernel converts only start and step (end only sized the result).
    xs, xst = _scalar_to(start, acc), _scalar_to(step, acc)
    if not dtype.is_floating_point:
        # int64 arithmetic wraps, and so does the cast to narrower types.
        data = (np.int64(xs) + np.int64(xst) * np.arange(n, dtype=np.int64)).astype(dtype._np)
    else:
        data = _arange_float(acc(xs), acc(xst), n, acc, dtype._np)
    return _finish(data, requires_grad)


def _fill_value(v, dt):
    # fill_ takes a half value through float: only float's range is checked.
    if dt == np.float16:
        return np.float32(_scalar_to(v, np.float32)).astype(np.float16)
    return _scalar_to(v, dt)


def _steps_arg(steps, fn, start, end):
    if not _is_int(steps) or isinstance(steps, bool):
        raise TypeError(f"{fn}() received an invalid combination of arguments - got "
                        f"({_tname(start)}, {_tname(end)}, {_tname(steps)})")
    steps = int(steps)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    return steps


def _half(x, dt=np.float16):
    """c10::Half (or BFloat16) arithmetic: computed in float, rounded to the
    dtype after each operation."""
    return np.asarray(x, np.float32).astype(dt).astype(np.float32)


def _spaced(start, end, steps, dt):
    """The linspace kernel's values before the final cast, for steps >= 2:
    start + step*i on the first half, end - step*(steps-1-i) on the second
    (so the ends are exact). Integral types step in double."""
    i = np.arange(steps)
    k = steps - 1 - i
    s, e = _scalar_to(start, dt), _scalar_to(end, dt)
    if dt in D.HALF_NP:
        def r(x):
            return _half(x, dt)
        s, e = np.float32(s), np.float32(e)
        step = r((r(e - s)) / r(steps - 1))
        lo = r(s + r(step * r(i)))
        hi = r(e - r(step * r(k)))
        return np.where(i < steps // 2, lo, hi)
    acc = dt if dt.kind == "f" else np.dtype(np.float64)
    s, e = acc.type(s), acc.type(e)
    step = (e - s) / acc.type(steps - 1)
    h = steps // 2
    return np.concatenate([_madd(step, i[:h].astype(acc), s, acc),
                           _madd(-step, k[h:].astype(acc), e, acc)])


def _to_dtype(values, dt):
    return values.astype(dt) if D.is_float_np(dt) else _double_to_int(values, dt)


@factory
def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False):
    dtype = _check_dtype(dtype, "linspace")
    if isinstance(start, complex) or isinstance(end, complex) or (dtype and dtype.is_complex):
        # Complex steps are taken on each part alike: two real linspaces.
        cd = dtype or D.default_complex()
        start, end = complex(start), complex(end)
        parts = [linspace(a, b, steps, dtype=cd.to_real())._data
                 for a, b in ((start.real, end.real), (start.imag, end.imag))]
        data = np.empty(parts[0].shape, cd._np)
        data.real, data.imag = parts
        return _finish(data, requires_grad)
    start, end = _number(start), _number(end)
    steps = _steps_arg(steps, "linspace", start, end)
    dtype = dtype or D._default[0]
    dt = dtype._np
    if steps <= 1:   # PyTorch fills with start: no kernel, no dtype dispatch
        data = np.array([_fill_value(start, dt)] if steps else [], dt)
    elif dtype is D.bool_:
        raise NotImplementedError("\"linspace_cpu\" not implemented for 'Bool'")
    else:
        data = _to_dtype(_spaced(start, end, steps, dt), dt)
    return _finish(np.ascontiguousarray(data), requires_grad)


@factory
def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False):
    """base ** (start + step*i), or end - step*(steps-1-i) on the second half,
    as PyTorch: the bounds in the output type, their difference taken there,
    everything else in double with no FMA (that kernel is built without it)."""
    dtype = _check_dtype(dtype, "logspace")
    if isinstance(start, complex) or isinstance(end, complex) or (dtype and dtype.is_complex):
        # base to the complex linspace's powers, in its dtype
        exps = linspace(start, end, steps, dtype=dtype or D.default_complex())._data
        with np.errstate(all="ignore"):
            # (std::pow of complex numbers: exp(y log x))
            data = np.exp(exps * np.log(exps.dtype.type(base))).astype(exps.dtype, copy=False)
        return _finish(np.ascontiguousarray(data), requires_grad)
    start, end = _number(start), _number(end)
    steps = _steps_arg(steps, "logspace", start, end)
    dtype = dtype or D._default[0]
    dt = dtype._np
    base = float(base)
    if steps <= 1:
        with np.errstate(all="ignore"):   # std::pow gives inf or NaN, not an error
            v = float(np.power(base, float(start)))
        data = np.array([_fill_value(v, dt)] if steps else [], dt)
        return _finish(data, requires_grad)
    if dtype is D.bool_:
        raise NotImplementedError("\"logspace_cpu\" not implemented for 'Bool'")
    s, e = _scalar_to(start, dt), _scalar_to(end, dt)
    if dt in D.HALF_NP:
        diff = float(_half(np.float32(e) - np.float32(s), dt))
    elif dt.kind == "f":
        diff = float(dt.type(e) - dt.type(s))
    else:   # C integer arithmetic: int64 and int wrap, narrower types promote to int
        bits = 64 if dt == np.int64 else 32
        diff = ((int(e) - int(s) + 2 ** (bits - 1)) % 2 ** bits) - 2 ** (bits - 1)
    step = float(diff) / (steps - 1)
    i = np.arange(steps)
    exps = np.where(i < steps // 2, float(s) + step * i, float(e) - step * (steps - 1 - i))
    with np.errstate(all="ignore"):
        vals = np.power(base, exps)
        data = _to_dtype(round_double_for_half(vals, dt), dt)
    return _finish(np.ascontiguousarray(data), requires_grad)
