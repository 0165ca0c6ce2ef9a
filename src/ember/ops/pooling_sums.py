"""The sums of the average pools (pooling_plans.py's WindowSum and the
one-axis sums it is built from): each window added from 0, element after
element in row-major order, then divided, as PyTorch's kernels add them, so
float32 results are PyTorch's bit for bit."""
import itertools

from .. import _meta
from .. import _dtype as D
from .._backend import np, restore, silence
from .._meta import is_meta, meta_array

__all__ = ["StridedSum", "RangeSum", "WindowSum"]


class StridedSum:
    """Sums over windows of k (step s, left padding p) along one axis."""
    __slots__ = ("L", "k", "s", "p", "o")

    def __init__(self, L, k, s, p, o):
        self.L, self.k, self.s, self.p, self.o = L, k, s, p, o

    def out_length(self):
        return self.o

    def _padded_length(self):
        return max(self.p + self.L, (self.o - 1) * self.s + self.k)

    def _slice(self, axis, j):
        return (slice(None),) * axis + (slice(j, j + (self.o - 1) * self.s + 1, self.s),)

    def pad(self, x, axis):
        Lp = self._padded_length()
        if self.p or Lp > self.L:
            shape = list(x.shape)
            shape[axis] = Lp
            xp_ = np.zeros(shape, x.dtype)
            xp_[(slice(None),) * axis + (slice(self.p, self.p + self.L),)] = x
            x = xp_
        return x

    def apply(self, x, axis):
        x = self.pad(x, axis)
        out = _meta.array_copy(x[self._slice(axis, 0)])
        for j in range(1, self.k):
            out += x[self._slice(axis, j)]
        return out

    def adjoint(self, g, axis):
        shape = list(g.shape)
        shape[axis] = self._padded_length()
        out = np.zeros(shape, g.dtype)
        for j in range(self.k):
            out[self._slice(axis, j)] += g
        return out[(slice(None),) * axis + (slice(self.p, self.p + self.L),)]


class RangeSum:
    """Sums over the windows [start, end) along one axis (adaptive pools): a
    loop over the few output positions, each a slice sum (a 0/1 matrix
    product would spread an inf or NaN to windows that do not hold it)."""
    __slots__ = ("L", "start", "end")

    def __init__(self, L, start, end):
        self.L, self.start, self.end = L, [int(v) for v in start], [int(v) for v in end]

    def out_length(self):
        return len(self.start)

    def apply(self, x, axis):
        shape = list(x.shape)
        shape[axis] = len(self.start)
        out = np.empty(shape, x.dtype)
        lead = (slice(None),) * axis
        for o, (a, b) in enumerate(zip(self.start, self.end)):
            out[lead + (slice(o, o + 1),)] = x[lead + (slice(a, b),)].sum(axis, keepdims=True)
        return out

    def adjoint(self, g, axis):
        shape = list(g.shape)
        shape[axis] = self.L
        out = np.zeros(shape, g.dtype)
        lead = (slice(None),) * axis
        for o, (a, b) in enumerate(zip(self.start, self.end)):
            out[lead + (slice(a, b),)] += g[lead + (slice(o, o + 1),)]
        return out


def _divide(a, divisor):
    if a.dtype.kind in "iu":    # C's integer division: toward zero
        q = np.abs(a) // divisor
        return np.where(a < 0, -q, q).astype(a.dtype)
    return a / np.asanyarray(divisor, a.dtype)


class WindowSum:
    """y = window sums along each trailing axis, divided by `divisor` (a
    number or an array over the output's spatial dims)."""
    __slots__ = ("axes", "divisor", "node", "forward_node", "adjoint_node")

    def __init__(self, axes, divisor, nodes):
        self.axes = axes
        self.divisor = divisor
        self.node, self.forward_node, self.adjoint_node = nodes

    def forward(self, x):
        return self._run(x, False)

    def adjoint(self, g):
        return self._run(g, True)

    def _run(self, x, adjoint):
        n = len(self.axes)
        dtype = x.dtype
        if is_meta(x):
            sizes = (op.L if adjoint else op.out_length() for op in self.axes)
            return meta_array(x.shape[:x.ndim - n] + tuple(sizes), dtype)
        if dtype in D.HALF_NP:      # (PyTorch sums float16 and bfloat16 in float)
            x = x.astype(np.float32)
        token = silence()       # (inf - inf and NaN come out silently, as in PyTorch)
        try:
            if adjoint:
                x = _divide(x, self.divisor)
                for a, op in enumerate(self.axes):
                    x = op.adjoint(x, x.ndim - n + a)
            else:
                x = _divide(_window_sums(self.axes, x), self.divisor)
        finally:
            restore(token)
        return x.astype(dtype, copy=False)


def _window_sums(axes, x):
    """Each window's sum as PyTorch's avg pools add it: from 0, element after
    element in row-major order (a float sum's last bits depend on it). Strided
    windows go kernel offset by kernel offset, each a strided view; adaptive
    ones, whose sizes differ, window by window."""
    n, lead = len(axes), (slice(None),) * (x.ndim - len(axes))
    if all(isinstance(op, StridedSum) for op in axes):
        for a, op in enumerate(axes):
            x = op.pad(x, x.ndim - n + a)
        total = None
        for offsets in itertools.product(*(range(op.k) for op in axes)):
            view = x[lead + tuple(slice(j, j + (op.o - 1) * op.s + 1, op.s)
                                  for op, j in zip(axes, offsets))]
            total = view + x.dtype.type(0) if total is None else np.add(total, view, out=total)
        return total
    out = np.empty(x.shape[:x.ndim - n] + tuple(len(op.start) for op in axes), x.dtype)
    for where in itertools.product(*(range(len(op.start)) for op in axes)):
        box = x[lead + tuple(slice(op.start[i], op.end[i]) for op, i in zip(axes, where))]
        size = 1
        for v in box.shape[x.ndim - n:]:
            size *= v
        flat = box.reshape(box.shape[:x.ndim - n] + (size,)) + x.dtype.type(0)
        out[lead + where] = np.add.accumulate(flat, axis=-1)[..., -1]
    return out


# -- recorded: the formulas' two functions, each the other's derivative ----------
