"""PyTorch's float32 softmax and log_softmax along a dim that is not the
last (SoftMaxKernel.cpp's _vec_softmax, _vec_logsoftmax and their
backwards), bit for bit. The input is seen as (outer, dim, inner): each
inner position is a lane, reduced down the dim one step after another.
Lanes that fill a 16-lane vector take Sleef's exp (_sleef.expf); the rest
take the scalar std::exp, glibc's expf (_glibc.expf). Which lanes are which
depends on how each kernel walks them, below.
"""
from .._backend import np
from . import _glibc, _sleef

__all__ = ["softmax_dim", "log_softmax_dim", "softmax_backward_dim",
           "log_softmax_backward_dim"]

_F = np.float32
_LANES = 16
_BLOCK = 128 * 1024     # the backward's and log_softmax's chunk: 128 KB


def _exp(s, vector):
    """exp of float32 `s`, Sleef's where `vector` holds, glibc's elsewhere."""
    out = _sleef._expf(s)
    if not vector.all():
        out[..., ~vector] = _glibc.expf(s[..., ~vector])
    return out


def _walked(outer, inner, threads):
    """_vec_softmax's lanes (outer, inner) that a vector takes. parallel_for
    (grain 0: every thread gets a share) cuts the outer * inner lanes into
    one range per thread; each range is walked 16 lanes at a time while they
    fit in the row (inner) and in the range, and otherwise one by one to the
    row's end, or to the range's end when 16 lanes would pass it."""
    n = outer * inner
    size = -(-n // threads) if n > 1 else n
    idx = np.arange(n)
    start = idx // size * size                    # (each lane's range)
    end = np.minimum(start + size, n)
    col = idx % inner
    first = idx // inner == start // inner        # (the row the range starts in)
    i0 = np.where(first, start % inner, 0)
    o = col - i0
    group = idx - o % _LANES
    return ((o < (inner - i0) // _LANES * _LANES) & (group + _LANES <= end)).reshape(outer, inner)


def _chunked(dim, inner):
    """The lanes (inner,) a vector takes in the kernels that cut the lanes of
    a row into chunks of 128 KB down the dim (log_softmax, the backwards):
    whole vectors of each chunk, then its tail one by one."""
    chunk = max(_BLOCK // dim // 4, _LANES) // _LANES * _LANES
    col = np.arange(inner)
    size = np.minimum(chunk, inner - col // chunk * chunk)
    return col % chunk < size - size % _LANES


def _lanes(x, d):
    x = np.ascontiguousarray(x, _F)
    outer = int(np.prod(x.shape[:d], dtype=np.int64))
    inner = int(np.prod(x.shape[d + 1:], dtype=np.int64))
    return x.reshape(outer, x.shape[d], inner)


def _down(a):
    """Sums down the dim, one step after another from 0."""
    return np.add.accumulate(a, axis=1)[:, -1]


def softmax_dim(x, d, threads=1):
    """_vec_softmax: exp(x - max) over its sum, lane by lane."""
    r = _lanes(x, d)
    outer, dim, inner = r.shape
    with np.errstate(all="ignore"):
        e = _exp(r - r.max(axis=1, keepdims=True),
                 np.broadcast_to(_walked(outer, inner, threads)[:, None], r.shape))
        e /= _down(e)[:, None]
    return e.reshape(x.shape)


def log_softmax_dim(x, d):
    """_vec_logsoftmax: x - max - log(sum(exp(x - max))), Sleef's log."""
    r = _lanes(x, d)
    outer, dim, inner = r.shape
    with np.errstate(all="ignore"):
        s = r - r.max(axis=1, keepdims=True)
        total = _down(_exp(s, _chunked(dim, inner)))
        s -= _sleef._logf(total)[:, None]
    return s.reshape(x.shape)


def softmax_backward_dim(g, y, d):
    """_vec_softmax_backward: (g - sum(g * y)) * y, the sum down the dim with
    each step's multiply and add fused (GCC contracts them)."""
    gr, yr = _lanes(g, d), _lanes(y, d)
    with np.errstate(all="ignore"):
        total = np.zeros((gr.shape[0], gr.shape[2]), _F)
        for k in range(gr.shape[1]):
            total = _sleef._fma32(gr[:, k], yr[:, k], total)
        out = gr - total[:, None]
        out *= yr
    return out.reshape(np.shape(y))


def log_softmax_backward_dim(g, y, d):
    """_vec_log_softmax_backward: g - exp(y) * sum(g), fused."""
    gr, yr = _lanes(g, d), _lanes(y, d)
    with np.errstate(all="ignore"):
        e = _exp(yr, _chunked(yr.shape[1], yr.shape[2]))
        np.negative(e, out=e)
        out = _sleef._fma32(e, _down(gr)[:, None], gr)
    return out.reshape(np.shape(y))
