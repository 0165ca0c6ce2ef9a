"""ATen's batched products of small matrices: bmm and baddbmm (and so
matmul on batches and einsum, which call bmm) skip BLAS where one batch
element's contraction * rows * columns is under 400
(aten/src/ATen/native/LinearAlgebra.cpp, bmm_out_or_baddbmm_), in
baddbmm_cpu_kernel: each result element starts from 0 and adds its products
one by one in the contraction's order, every product and sum rounded (in
float32 for float16 and bfloat16, their opmath type). Its last bits are not
NumPy's BLAS's: an attention's scores and weights (MultiheadAttention with
its weights, a small transformer's q @ k.transpose) show them."""
from .._backend import np
from .._meta import is_meta
from .. import _dtype as D
from ._xp import matmul_wide

__all__ = ["bmm_arrays"]

NAIVE_BELOW = 400       # contraction * rows * columns: ATen's threshold


def bmm_arrays(a, b, narrow=True):
    """a @ b for two 3-D arrays as ATen's bmm computes them; `narrow=False`
    leaves a half-precision product in float32 (matmul_wide's convention),
    for baddbmm to add its input before the one rounding. A 2-D operand
    (addbmm's gradient on arrays) is broadcast over the other's batch, as
    derivatives.yaml's grad.unsqueeze(0).expand(...)."""
    if is_meta(a) or is_meta(b):
        return matmul_wide(a, b, narrow=narrow)     # (a meta array has no values to add)
    if a.ndim == 2 and b.ndim == 3:
        a = np.broadcast_to(a, b.shape[:1] + a.shape)
    elif b.ndim == 2 and a.ndim == 3:
        b = np.broadcast_to(b, a.shape[:1] + b.shape)
    _, n, k = a.shape
    m = b.shape[2]
    if k * n * m < NAIVE_BELOW and a.size and b.size and a.dtype == b.dtype \
            and (a.dtype.kind == "f" or a.dtype in D.HALF_NP):
        return _added_in_order(a, b, narrow)
    return matmul_wide(a, b, narrow=narrow)


def _added_in_order(a, b, narrow):
    """sum over k of a[:, :, k, None] * b[:, None, k, :], added in k's order
    from 0 (np.cumsum adds sequentially: its last partial sum is the kernel's
    accumulator; + 0 turns the -0.0 a sum from -0.0 keeps into the kernel's
    +0.0), in a C-ordered array: code after it (dropout's draws, views)
    reads the product in memory order."""
    dtype = a.dtype
    if dtype in D.HALF_NP:
        a, b = a.astype(np.float32), b.astype(np.float32)
    products = a[:, :, :, None] * b[:, None, :, :]      # (batch, n, k, m)
    last = np.cumsum(products, axis=2)[:, :, -1]
    out = np.empty(last.shape, last.dtype)      # (C-ordered, as ATen's result)
    np.add(last, last.dtype.type(0), out=out)
    return out.astype(dtype) if narrow and dtype in D.HALF_NP else out
