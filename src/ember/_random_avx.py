"""The port of avx_mathfun's ``log256_ps`` and ``sincos256_ps`` that torch's
vectorised float32 normal sampler uses on AVX2/AVX512 CPUs, with GCC's FMA
contractions (_fma.py): float32 results bit for bit as PyTorch's."""
from ._backend import np
from ._fma import _fma32

__all__ = ["_log256", "_sincos256"]

_LOG_P = [np.float32(v) for v in (
    7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1, 1.4249322787E-1,
    -1.6668057665E-1, 2.0000714765E-1, -2.4999993993E-1, 3.3333331174E-1)]
_LOG_Q1, _LOG_Q2, _SQRTHF = (np.float32(v) for v in (-2.12194440e-4, 0.693359375, 0.7071067811865476))
_DP = [np.float32(v) for v in (-0.78515625, -2.4187564849853515625e-4, -3.77489497744594108e-8)]
_SINCOF = [np.float32(v) for v in (-1.9515295891E-4, 8.3321608736E-3, -1.6666654611E-1)]
_COSCOF = [np.float32(v) for v in (2.443315711809948E-005, -1.388731625493765E-003, 4.166664568298827E-002)]
_FOPI, _ONE, _HALF = np.float32(1.27323954473516), np.float32(1.0), np.float32(0.5)


def _log256(x):
    """avx_mathfun log256_ps for positive normal float32 inputs, with GCC's FMA contractions."""
    bits = x.view(np.int32)
    e = ((bits >> 23) - 0x7F).astype(np.float32) + _ONE
    x = ((bits & ~0x7F800000) | 0x3F000000).view(np.float32)  # mantissa scaled to [0.5, 1)
    small = x < _SQRTHF
    e -= small.astype(np.float32)
    x = (x - _ONE) + np.where(small, x, np.float32(0))
    z = x * x
    y = _fma32(_LOG_P[0], x, _LOG_P[1])
    for p in _LOG_P[2:]:
        y = _fma32(y, x, p)
    y = _fma32(y * x, z, e * _LOG_Q1)
    y = y - z * _HALF
    return (x + y) + e * _LOG_Q2


def _sincos256(x):
    """avx_mathfun sincos256_ps for non-negative float32 inputs (theta = 2*pi*u >= 0)."""
    j = ((x * _FOPI).astype(np.int32) + 1) & ~1
    y = j.astype(np.float32)
    for dp in _DP:  # extended-precision reduction x - y*pi/4, each step an FMA
        x = _fma32(y, dp, x)
    z = x * x
    yc = _fma32(_fma32(_COSCOF[0], z, _COSCOF[1]), z, _COSCOF[2])
    yc = _fma32(yc * z, z, -(z * _HALF)) + _ONE
    ys = _fma32(_fma32(_SINCOF[0], z, _SINCOF[1]), z, _SINCOF[2])
    ys = _fma32(ys * z, x, x)
    poly = (j & 2) == 0
    s, c = np.where(poly, ys, yc), np.where(poly, yc, ys)
    s = np.where((j & 4) != 0, -s, s)
    c = np.where((~(j - 2) & 4) != 0, -c, c)
    return s, c
