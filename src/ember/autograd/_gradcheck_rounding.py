"""Fast gradcheck's scalars rounded as PyTorch's CPU kernels round them.

Its report prints v^T J u in full (`numerical:0.36543463344535876`), so
every addition must happen in PyTorch's order: a float64 vector's norm in
four lanes, then the lanes and the leftovers one by one, those fused
(ReduceOpsKernel's norm_two_reduce_step path, as GCC builds it); a sum as
`torch_sum` (a complex128 one per component, in two lanes:
Vectorized<complex<double>>);
and a dot product as MKL's ddot on an AVX-512 machine, found by experiment
against PyTorch 2.13 (exact up to about 4000 elements; larger ones MKL
splits, and another CPU or BLAS rounds otherwise): fused multiply-adds into
four 8-lane accumulators for a contiguous pair, into one 4-lane accumulator
halved step by step for a strided one (the real or imaginary parts of a
complex gradient). Single-precision norms, dot products and complex sums
(a float32 or complex64 input, which gradcheck warns about) are NumPy's,
not bit for bit PyTorch's.
"""
from .._backend import np
from .._fma import _fma64
from ..ops._summation import _GRAIN, _flat, torch_sum


def vector_norm(x):
    """x.norm() of a 1-D float array."""
    if x.dtype != np.float64:
        return np.sqrt(np.sum(np.abs(x) ** 2))
    body = x.size - x.size % 4
    # (a reduction down axis 0 adds row after row: the lanes' sequential sums)
    acc = np.add.reduce(np.square(x[:body]).reshape(-1, 4), axis=0) if body else np.zeros(4)
    total = ((acc[0] + acc[1]) + acc[2]) + acc[3]
    for v in x[body:]:
        total = _fma64(v, v, total)
    return np.sqrt(total)


def total(x):
    """x.sum() of a 1-D array (a real or complex Python number)."""
    if x.dtype.kind == "c":
        if x.size > _GRAIN or x.dtype != np.complex128:
            return complex(x.sum())
        return complex(_flat(np.ascontiguousarray(x.real), 2),
                       _flat(np.ascontiguousarray(x.imag), 2))
    return float(torch_sum(np.ascontiguousarray(x), None))


def dot(a, b):
    """a.dot(b) of two contiguous 1-D arrays."""
    if a.dtype != np.float64 or b.dtype != np.float64:
        return float(np.dot(a, b))
    n = a.size
    acc = np.zeros((4, 8))
    body = n - n % 32
    blocks_a, blocks_b = a[:body].reshape(-1, 4, 8), b[:body].reshape(-1, 4, 8)
    for i in range(len(blocks_a)):
        acc = _fma64(blocks_a[i], blocks_b[i], acc)
    r = body
    if n - r >= 16:
        acc[:2] = _fma64(a[r:r + 16].reshape(2, 8), b[r:r + 16].reshape(2, 8), acc[:2])
        r += 16
    if n - r >= 8:
        acc[0] = _fma64(a[r:r + 8], b[r:r + 8], acc[0])
        r += 8
    if r < n:       # (a masked load: the lanes past the end add nothing)
        pa, pb = np.zeros(8), np.zeros(8)
        pa[:n - r], pb[:n - r] = a[r:], b[r:]
        acc[0] = _fma64(pa, pb, acc[0])
    s = (acc[0] + acc[1]) + (acc[2] + acc[3])
    s = s[:4] + s[4:]
    s = s[:2] + s[2:]
    return float(s[0] + s[1])


def dot_strided(a, b):
    """a.dot(b) for `a` a real or imaginary part of a complex vector."""
    if a.dtype != np.float64 or b.dtype != np.float64:
        return float(np.dot(a, b))
    n = a.size
    acc = np.zeros(4)
    body = n - n % 4
    for i in range(0, body, 4):
        acc = _fma64(a[i:i + 4], b[i:i + 4], acc)
    acc = acc[:2] + acc[2:]
    if n - body >= 2:
        acc = _fma64(a[body:body + 2], b[body:body + 2], acc)
        body += 2
    s = acc[0] + acc[1]
    if body < n:
        s = _fma64(a[body], b[body], s)
    return float(s)
