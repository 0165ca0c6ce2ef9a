"""torch's process-wide flags and settings: what the build has (has_lapack,
...), warn-always mode, float32 matmul precision, flushing denormals.
Type checks and messages are PyTorch's."""
import os
import sys
import warnings

__all__ = ["has_lapack", "has_mkl", "has_openmp", "has_spectral", "compiled_with_cxx11_abi",
           "set_warn_always", "is_warn_always_enabled", "set_float32_matmul_precision",
           "get_float32_matmul_precision", "set_flush_denormal"]

# What Ember's backend (NumPy) provides: LAPACK behind numpy.linalg and an
# FFT; neither MKL nor OpenMP is used by Ember itself.
has_lapack = True
has_spectral = True
has_mkl = False
has_openmp = False

_state = {"warn_always": False, "matmul_precision": "highest"}


def compiled_with_cxx11_abi():
    """As PyTorch 2.13's wheels answer (Ember compiles nothing itself)."""
    return True


def _expect(value, kind, what):
    if type(value) is not kind:
        raise RuntimeError(f"{what} expects a {kind.__name__}, but got {type(value).__name__}")


def set_warn_always(b):
    """True: warnings PyTorch gives once per process are given every time."""
    _expect(b, bool, "setWarnOnlyOnce")
    _state["warn_always"] = b


def is_warn_always_enabled():
    return _state["warn_always"]


_WARNED = set()


# As spelled in every Ember module's co_filename (not normalised: a sys.path
# entry like tests/../src stays in it).
_PACKAGE_DIR = os.path.dirname(__file__) + os.sep


def outside_stacklevel():
    """The stacklevel, for a warnings.warn called by our caller, of the first
    frame outside Ember: a warning PyTorch raises in C++ is reported at the
    Python line that called in, however many of Ember's frames lie between."""
    frame, level = sys._getframe(2), 2
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    return level


def triggered(source):
    """The tail PyTorch's Python binding gives a warning raised in its C++
    code: where in PyTorch 2.13's source tree (as built) it was raised."""
    return f" (Triggered internally at /__w/pytorch/pytorch/{source}.)"


def warn_once(message, category=UserWarning, stacklevel=None, cpp=None):
    """PyTorch's TORCH_WARN_ONCE: a note given once per process, or every
    time under set_warn_always(True); by default reported at the caller's
    line outside Ember. `cpp`: its C++ source (see triggered)."""
    if _state["warn_always"] or message not in _WARNED:
        _WARNED.add(message)
        if stacklevel is None:
            stacklevel = outside_stacklevel() - 1
        if cpp is not None:
            message += triggered(cpp)
        warnings.warn(message, category, stacklevel=stacklevel + 1)


def warn_at_caller(message, category=UserWarning, once=False, cpp=None):
    """A warning shown at the first frame outside Ember, the line PyTorch's
    C++ warnings name however deep the call (method, function, in-place);
    once=True: given once per process, as TORCH_WARN_ONCE (see warn_once).
    `cpp`: its C++ source (see triggered)."""
    if once:
        warn_once(message, category, cpp=cpp)
    else:
        if cpp is not None:
            message += triggered(cpp)
        warnings.warn(message, category, stacklevel=outside_stacklevel())


def set_float32_matmul_precision(precision):
    """"highest", "high" or "medium": how much internal precision float32
    matrix products may give up. NumPy always computes them in full, which
    every setting allows; the setting is kept for get_float32_matmul_precision."""
    _expect(precision, str, "set_float32_matmul_precision")
    if precision not in ("highest", "high", "medium"):
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      "setFloat32MatmulPrecision call has no effect.", UserWarning, stacklevel=2)
        return
    _state["matmul_precision"] = precision


def get_float32_matmul_precision():
    return _state["matmul_precision"]


def set_flush_denormal(mode):
    """Whether flushing denormals to zero is set as asked: NumPy cannot flush
    them, so turning it on fails (False) and off (the only mode) succeeds."""
    _expect(mode, bool, "flush_denormal")
    return not mode
