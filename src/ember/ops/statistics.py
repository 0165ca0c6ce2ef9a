"""Statistics and assembling helpers: cov, corrcoef (composed from other ops
as ATen composes them, so the graphs hold the same nodes), block_diag,
unravel_index; distances (statistics_distance.py) and creation functions
(statistics_creation.py, statistics_windows.py) are loaded with them."""
from .._python_data import _tname
from collections.abc import Sequence

from .._settings import warn_at_caller
from ._common import D, Node, Tensor, np, recorded, wrap
from ._registry import register
from .scalar_arith import mul_scalar
from . import statistics_distance, statistics_creation, statistics_windows  # noqa: F401

__all__ = ["cov", "corrcoef", "block_diag", "unravel_index"]


def _weights(w, name, n, integral):
    kind = "integral" if integral else "floating point"
    if w._data.ndim > 1:
        raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got {name} "
                           f"with {w._data.ndim} dimensions")
    if (w._data.dtype.kind in "iu") != integral or (not integral and not D.is_float_np(w._data.dtype)):
        raise RuntimeError(f"cov(): expected {name} to have {kind} dtype but got {name} with "
                           f"{D.SCALAR_NAMES[w.dtype]} dtype")
    if w._data.size != n:
        raise RuntimeError(f"cov(): expected {name} to have the same numel as there are "
                           f"observations in the input but got {w._data.size} != {n}")
    if n and w._data.min() < 0:
        raise RuntimeError(f"cov(): {name} cannot be negative")


def cov(input, *, correction=1, fweights=None, aweights=None):
    x = input._data
    if x.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an "
                           f"input with {x.ndim} dimensions")
    if x.dtype == np.bool_:
        raise RuntimeError("cov(): bool dtype is not supported for input")
    if not isinstance(correction, int) or isinstance(correction, bool):
        raise TypeError(f"cov(): argument 'correction' must be int, not "
                        f"{_tname(correction)}")
    for name, w in (("fweights", fweights), ("aweights", aweights)):
        if w is not None and not isinstance(w, Tensor):
            raise TypeError(f"cov(): argument '{name}' must be Tensor, not {_tname(w)}")
    inp = input.view(1, -1) if x.ndim < 2 else input
    n = inp.shape[1]
    w = None
    if fweights is not None:
        _weights(fweights, "fweights", n, True)
        w = fweights
    if aweights is not None:
        _weights(aweights, "aweights", n, False)
        w = aweights if w is None else w * aweights
    w_sum = w.sum() if w is not None else wrap(np.array(n, np.int64))
    if w is not None and not w_sum._data != 0:
        raise RuntimeError("cov(): weights sum to zero, can't be normalized")
    avg = (inp * w if w is not None else inp).sum(1) / w_sum
    if w is not None and aweights is not None and correction != 0:
        norm_factor = w_sum - mul_scalar((w * aweights).sum(), correction) / w_sum
    elif correction == 0:
        norm_factor = w_sum     # (no subtraction recorded, as in PyTorch's graph)
    else:
        norm_factor = w_sum - correction
    if norm_factor._data <= 0:
        warn_at_caller("cov(): degrees of freedom is <= 0. Correction should be strictly less "
                       "than the number of observations.",
                       cpp="aten/src/ATen/native/Correlation.cpp:129")
        norm_factor = norm_factor.detach() * 0
    inp = inp - avg.unsqueeze(1)
    c = inp.mm((inp * w if w is not None else inp).t().conj())
    return c.true_divide(norm_factor).squeeze()


def corrcoef(input):
    if input._data.ndim > 2:
        raise RuntimeError(f"corrcoef(): expected input to have two or fewer dimensions but got "
                           f"an input with {input._data.ndim} dimensions")
    c = cov(input)
    if c._data.ndim == 0:
        return c / c
    d = c.diagonal()
    stddev = (d.real if d.is_complex() else d).sqrt()
    c = c / stddev.view(-1, 1)
    c = c / stddev.view(1, -1)
    if c.is_complex():
        # (clipped part by part, as PyTorch's corrcoef)
        from .complex_parts import complex as complex_
        return complex_(c.real.clip(-1, 1), c.imag.clip(-1, 1))
    return c.clip(-1, 1)


class BlockDiagBackward0(Node):
    """Each input gets its block of the gradient."""
    __slots__ = ()

    def apply(self, xp, grad, create_graph, needs):
        (blocks,) = self._ctx
        return tuple(xp.reshape(xp.narrow(xp.narrow(grad, 0, r, h), 1, c, w), shape)
                     if need else None for (r, c, h, w, shape), need in zip(blocks, needs))


def block_diag(*tensors):
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{_tname(t)}")
        if t._data.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. "
                               f"Input {i} has {t._data.ndim} dimensions")
    if not tensors:
        return wrap(np.zeros((1, 0), D._default[0]._np))
    dt = tensors[0].dtype
    for t in tensors[1:]:
        dt = D.promote_types(dt, t.dtype)
    mats = [t._data.reshape((1,) * (2 - t._data.ndim) + t._data.shape) for t in tensors]
    rows, cols = sum(m.shape[0] for m in mats), sum(m.shape[1] for m in mats)
    data = np.zeros((rows, cols), dt._np)
    blocks, r, c = [], 0, 0
    for t, m in zip(tensors, mats):
        h, w = m.shape
        data[r:r + h, c:c + w] = m
        blocks.append((r, c, h, w, t._data.shape))
        r, c = r + h, c + w
    return recorded(BlockDiagBackward0, data, tuple(tensors), (tuple(blocks),))


def unravel_index(indices, shape):
    if indices._data.dtype.kind not in "iu":
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    if isinstance(shape, int) and not isinstance(shape, bool) or hasattr(shape, "__index__"):
        shape = (int(shape),)
    elif isinstance(shape, Sequence):
        for d in shape:
            if not (isinstance(d, int) or hasattr(d, "__index__")):
                raise TypeError(f"expected 'shape' sequence to only contain ints, but got "
                                f"{type(d)}")
        shape = tuple(int(d) for d in shape)
    else:
        raise TypeError(f"expected 'shape' to be int or sequence of ints, but got {type(shape)}")
    if any(d < 0 for d in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {shape}")
    if 0 in shape:
        raise RuntimeError("ZeroDivisionError")
    coefs = np.cumprod((1,) + shape[:0:-1])[::-1].astype(np.int64)
    flat = indices._data.astype(np.int64)[..., None]
    out = np.floor_divide(flat, coefs) % np.asanyarray(shape, np.int64)
    return tuple(wrap(out[..., k].copy()) for k in range(len(shape)))


cov = register(cov, out=False)
corrcoef = register(corrcoef, out=False)
block_diag = register(block_diag, method=False, out=False)
unravel_index = register(unravel_index, method=False, out=False)
