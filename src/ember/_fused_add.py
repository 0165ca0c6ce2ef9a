"""a * x + y rounded once, as PyTorch's `add_(x, alpha=a)` kernel rounds it,
where BLAS's axpy does not (_backend.add_scaled_): the run length of
axpy's fused kernel, probed, and the fused sum computed in NumPy."""
from ._backend import np


def unfused_run(axpy, dtype):
    """The run length B of BLAS's `axpy` when a call of n elements adds the
    last n % B of them unfused (OpenBLAS's AVX2 kernels: 32 float32s, 16
    float64s), 1 where every element is fused; None where its unfused
    elements follow no such pattern. Probed with inputs whose every element
    tells the two apart: (1 + e) * (1 + e) - 1 with e = 2^-12 (float32) or
    2^-27 (float64) is 2e + e^2 fused, 2e when the product is rounded
    first (its e^2 is half an ulp: a tie, to even)."""
    dtype = np.dtype(dtype)
    e = 2.0 ** (-12 if dtype == np.float32 else -27)
    a, fused = dtype.type(1 + e), dtype.type(2 * e + e * e)
    run = None
    for n in range(1, 130):
        got = axpy(np.full(n, 1 + e, dtype), np.full(n, -1, dtype), n, a)
        unfused = np.flatnonzero(got != fused)
        if run is None:
            if unfused.size:
                if unfused.size != n:
                    return None
                continue
            run = n     # (the first length added whole by the fused kernel)
        if not np.array_equal(unfused, np.arange(n - n % run, n)):
            return None
    return run


def fused_add_(y, x, alpha):
    """y += alpha * x with one rounding, in NumPy: float32 through float64
    (the product is exact there; the float64 sum's rounding can move the
    float32 one only from an exact tie, about once in 2^28 elements),
    float64 by Dekker's exact product and Knuth's exact sum, their errors
    added before the one rounding (the fused result but in rare near-ties)."""
    if y.dtype == np.float32:
        with np.errstate(over="ignore"):
            y[...] = y.astype(np.float64) + np.float64(np.float32(alpha)) * x.astype(np.float64)
        return y
    a = np.float64(alpha)
    with np.errstate(invalid="ignore", over="ignore"):
        p = a * x
        split = 134217729.0     # 2^27 + 1: a double's 53 bits in two halves
        ca, cx = split * a, split * x
        a_hi, x_hi = ca - (ca - a), cx - (cx - x)
        a_lo, x_lo = a - a_hi, x - x_hi
        product_error = ((a_hi * x_hi - p) + a_hi * x_lo + a_lo * x_hi) + a_lo * x_lo
        s = y + p
        back = s - y
        sum_error = (y - (s - back)) + (p - back)
        fused = s + (product_error + sum_error)
    # (an infinite or NaN sum makes the errors NaN: the plain sum is right there)
    y[...] = np.where(np.isfinite(fused), fused, s)
    return y
