"""The array backend: where Ember gets NumPy, in one place.

Ops and formulas take `np` from here (through ops/_common.py), so another
array library with NumPy's API (CuPy) could later be put in here alone.

It also keeps NumPy quiet the way PyTorch is: `log(0)` is -inf and `0/0` is
nan, without NumPy's "divide by zero encountered" warnings. That is done with
NumPy's own error state, which is thread-local and context-local, for the
duration of Ember's computation only: the warnings module's global filters
are never touched, and the user's own NumPy code keeps its settings.
"""
import functools
import importlib
import importlib.util
import threading
import types

import numpy
import numpy.random  # noqa: F401  (loaded lazily by NumPy 2; Ember's generator needs it)

__all__ = ["np", "silence", "restore", "quiet_call", "cpu_features", "cpu_vendor", "lapack", "optional",
           "pocketfft", "add_scaled_"]


def _plain_namespace(module):
    """NumPy's names, in a module of its own without a module-level
    __getattr__. NumPy defines one (for its lazily loaded submodules and its
    removed names), and CPython 3.11 and 3.12 then specialize no attribute
    load on the module: every `np.<name>` in Ember would take the generic
    lookup, about 200 instructions, where a specialized load of a module's
    name takes a few. (Read as NumPy's names are at import: numpy.fft, which
    NumPy loads on first use, is imported where it is used.)"""
    ns = types.ModuleType("ember._backend.np", module.__doc__)
    ns.__dict__.update({k: v for k, v in vars(module).items()
                        if k not in ("__getattr__", "__dir__", "__name__", "__loader__", "__spec__",
                                     "__path__", "__package__")})
    return ns


np = _plain_namespace(numpy)

try:
    # NumPy 2 keeps its error state in a context variable: setting it is as
    # cheap as the `with np.errstate(...)` machinery around it is not.
    from numpy._core._ufunc_config import _extobj_contextvar as _ERRSTATE
    with np.errstate(all="ignore"):
        _QUIET = _ERRSTATE.get()

    # silence() silences floating-point warnings and returns the token that
    # restore(token) takes; both are C calls (no Python frame per op).
    silence = functools.partial(_ERRSTATE.set, _QUIET)
    restore = _ERRSTATE.reset
except ImportError:         # NumPy 1.x: the public API (thread-local there too)
    def silence():
        return np.seterr(all="ignore")

    def restore(token):
        np.seterr(**token)


# float16, and bfloat16 once ml_dtypes is loaded (_dtype adds it)
HALF_TARGETS = {np.dtype(np.float16)}


def round_double_for_half(x, dtype):
    """x rounded to float32 where x is a float64 array and dtype (the type it
    is about to become) is float16 or bfloat16; otherwise x itself.

    c10::Half and c10::BFloat16 are constructed from a float, so PyTorch
    converts a double to a half type in two roundings, through float32
    (1 + 2**-11 + 2**-40 becomes float16's 1.0, not 1 + 2**-10). Every
    conversion of a double into a half type goes through here, before its
    astype or copyto; quiet, as cast() (a double beyond float32 becomes inf).
    A hot path may test `dtype in HALF_TARGETS` (or x's dtype) inline first and
    call this only then."""
    if x.dtype.char == "d" and np.dtype(dtype) in HALF_TARGETS:
        token = silence()
        try:
            return x.astype(np.float32)
        finally:
            restore(token)
    return x


def cast(x, dtype, copy=True):
    """x.astype(dtype) without NumPy's warnings: PyTorch converts NaN, inf and
    out-of-range values silently (to what the CPU's conversion gives); a
    double bound for a half type goes through float32 (round_double_for_half)."""
    token = silence()
    try:
        if x.dtype.char == "d":     # (the test inline: only doubles pay the call)
            x = round_double_for_half(x, dtype)
        return x.astype(dtype, copy=copy)
    finally:
        restore(token)


def quiet_call(fn, *args):
    """fn(*args) with floating-point warnings silenced."""
    token = silence()
    try:
        return fn(*args)
    finally:
        restore(token)


def cpu_features():
    """The CPU's vector extensions as NumPy detected them ({"AVX2": True, ...})."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__
    except ImportError:  # NumPy 1.x
        from numpy.core._multiarray_umath import __cpu_features__
    return __cpu_features__


@functools.lru_cache(maxsize=None)
def cpu_vendor():
    """The x86 CPU's vendor string ("GenuineIntel", "AuthenticAMD"), or ""
    where /proc/cpuinfo does not say. MKL, PyTorch's BLAS and LAPACK, picks
    its kernels by it: its AVX-512 paths run on Intel only."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() == "vendor_id":
                    return value.strip()
    except OSError:
        pass
    return ""


class _Later:
    """An optional module, imported when first used (SciPy takes a quarter of
    a second to import: `import ember` should not pay for it)."""

    def __init__(self, name):
        self._name = name
        self._module = None

    def __getattr__(self, attr):
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)


def optional(name):
    """The module `name` (imported on first use), or None if not installed."""
    try:
        found = importlib.util.find_spec(name.split(".")[0]) is not None
    except (ImportError, ValueError):
        found = False
    return _Later(name) if found else None


# SciPy, an optional accelerator: its LAPACK wrappers skip NumPy's gufunc layers.
_lapack = optional("scipy.linalg.lapack")


# SciPy's pocketfft, an optional accelerator of torch.fft: the same algorithm
# and API as NumPy's np.fft, about three times faster on long transforms.
_pocketfft = optional("scipy.fft")


def pocketfft():
    """scipy.fft, or np.fft without SciPy (tests set `_pocketfft` to None to
    run the NumPy path)."""
    return importlib.import_module("numpy.fft") if _pocketfft is None else _pocketfft


def lapack():
    """scipy.linalg.lapack, or None without SciPy (tests set `_lapack` to None
    to run the NumPy path)."""
    return _lapack


# SciPy's BLAS, an optional accelerator: axpy (y += a * x) makes one pass and
# rounds once per element, as PyTorch's fused `add(x, alpha=a)` kernel does.
_blas = optional("scipy.linalg.blas")
_axpy = (None, {})       # (the _blas they came from, {dtype: its axpy})


# Each thread's two run-long buffers per dtype for add_scaled_'s last
# elements (what lies past them is never read back: any values do)
_PADS = threading.local()


def add_scaled_(y, x, alpha):
    """y += alpha * x, in place: what an optimizer's `param.add_(grad,
    alpha=-lr)` computes. PyTorch's kernel fuses the multiply and the add
    (one rounding), whatever the layouts of y and x (measured: a transposed
    y or x gives the fused result too); NumPy's `y += alpha * x` rounds the
    product first and makes a temporary, so where it can, this runs BLAS's
    axpy, which takes 9 us where NumPy takes 23 (10^5 floats). OpenBLAS's
    AVX-512 kernels fuse every element (measured: every length from 1 to
    100003, both float dtypes); its AVX2 kernels add the last n % 32
    float32s (n % 16 float64s) unfused: a probe at the first call finds
    that run length (_fused_add.py), and the last elements go through the
    fused kernel as a whole run, padded. Without SciPy, or for other
    dtypes, broadcasting or a read-only y, NumPy's two roundings."""
    global _axpy
    if _axpy[0] is not _blas:       # (tests swap _blas for None)
        from ._fused_add import unfused_run
        _axpy = (_blas, {} if _blas is None else
                 {dt: (f, unfused_run(f, dt))
                  for dt, f in ((np.dtype(np.float32), _blas.saxpy),
                                (np.dtype(np.float64), _blas.daxpy))})
    # (each ndarray attribute read once: a getset is a generic lookup, and
    # this runs per parameter and step)
    dt = y.dtype
    entry = _axpy[1].get(dt)
    if entry is not None:
        xd, shape = x.dtype, y.shape
        fy = y.flags
        if (xd is dt or xd == dt) and x.shape == shape and fy.writeable:
            axpy, run = entry
            if run is None:     # (a BLAS whose unfused elements follow no pattern)
                from ._fused_add import fused_add_
                return fused_add_(y, x, alpha)
            # (ravel: a view of a C-ordered array, else a C-ordered copy;
            # BLAS reads it either way; 1-D arrays need no flat view, and
            # the count and alpha go in by position, skipping f2py's
            # keyword parsing: this runs per parameter and step)
            contiguous = fy.c_contiguous
            one_d = len(shape) == 1
            xf = x if one_d else x.ravel()
            yf = y if one_d and contiguous else y.ravel()
            n = len(yf)
            if not n:
                return y
            tail = n % run
            if tail:
                # (the last elements through the fused kernel too: a whole
                # run of them, padded, in buffers of their own)
                head = n - tail
                if head:
                    axpy(xf, yf, head, alpha)
                pads = _PADS.__dict__.get(dt)
                if pads is None:
                    pads = _PADS.__dict__[dt] = (np.zeros(run, dt), np.zeros(run, dt))
                bx, by = pads
                bx[:tail], by[:tail] = xf[head:], yf[head:]
                axpy(bx, by, run, alpha)
                yf[head:] = by[:tail]
            else:
                axpy(xf, yf, n, alpha)
            if not contiguous:     # (yf is a C-ordered copy: back into y)
                y[...] = yf.reshape(shape)
            return y
    y += alpha * x
    return y


def _keep_freed_memory():
    """Have glibc's malloc keep the memory of freed arrays for the next ones.

    A training step makes and frees megabytes of temporaries (im2col
    columns, activations, gradients). By default glibc gives arrays over a
    moving threshold fresh pages from the kernel (mmap) and trims the top of
    its heap when they are freed, so every step page-faults all of them in
    again: about 2,000 faults a step for LeNet-5 at batch 64, a third of its
    time. With arrays up to 32 MiB served from the heap and up to 256 MiB of
    freed heap kept, the next step reuses the same pages (PyTorch's own
    allocator does not fault either). Larger arrays are still mapped and
    returned to the system. glibc only; elsewhere nothing is changed.
    EMBER_KEEP_FREED_MEMORY=0 leaves malloc as it is (it is process-wide)."""
    import ctypes
    import os
    import sys
    if not sys.platform.startswith("linux") or os.environ.get("EMBER_KEEP_FREED_MEMORY") == "0":
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt(M_MMAP_THRESHOLD, 32 << 20)
    mallopt(M_TRIM_THRESHOLD, 256 << 20)


_keep_freed_memory()
