"""The two array namespaces the derivative formulas are written against.

`NUMPY` works on bare ndarrays and records nothing: a plain backward pays
only for the arithmetic. `TENSOR` works on Tensors through Ember's own ops,
so with create_graph=True the backward pass is itself recorded and can be
differentiated again. Both offer the same functions with the same meaning;
arithmetic operators (`+ - * / **`, comparisons) work on both directly.
"""
import operator
import types

from .._layout import c_strided
from .. import _dtype as D
from .._backend import np
from .._meta import is_meta, meta_array

from ._summation import column_sums, torch_sum


def running(accumulate, x, axis):
    """np.cumsum or np.cumprod as PyTorch's CPU scan kernel runs them: in its
    accumulate type (double for float32, float for float16 and bfloat16,
    complex<double> for complex64), each partial result rounded to x's dtype
    (a float32 running sum of 10**6 times 0.1 ends at 100000., not 100958.34)."""
    if not x.ndim:
        return x.copy()
    # (PyTorch's scans give a contiguous result, whatever the input's layout)
    wide = _SCAN_ACC.get(x.dtype)
    if wide is None:
        return c_strided(accumulate(x, axis=axis, dtype=x.dtype))
    return c_strided(accumulate(x, axis=axis, dtype=wide).astype(x.dtype))


_SCAN_ACC = {np.dtype(np.float32): np.float64, np.dtype(np.complex64): np.complex128,
             np.dtype(np.float16): np.float32}
D.on_bfloat16(lambda bf16: _SCAN_ACC.__setitem__(bf16, np.float32))


def sum_to_axes(from_shape, to_shape):
    """The axes to sum over to bring `from_shape` back to the broadcast-smaller
    `to_shape`: the extra leading ones and those `to_shape` has as 1."""
    lead = len(from_shape) - len(to_shape)
    return tuple(range(lead)) + tuple(
        i + lead for i, s in enumerate(to_shape) if s == 1 and from_shape[i + lead] != 1)


def _sum_to(x, shape):
    """Sum `x` down to `shape`: undo broadcasting."""
    if x.ndim == 2 and len(shape) == 1 and x.shape[1] == shape[0]:
        return column_sums(x)       # (a bias gradient, the commonest: first)
    shape = tuple(shape)
    if x.shape == shape:
        return x
    axes = sum_to_axes(x.shape, shape)
    if axes:
        x = torch_sum(x, axes, True)
    return x.reshape(shape)


def _mean_keep(x, dims):
    """x's mean over `dims`, kept: half precision summed in float32 and
    rounded once, as PyTorch's mean (NumPy's would add in the narrow type)."""
    if x.dtype in D.HALF_NP:
        n = 1
        for d in dims:
            n *= x.shape[d]
        return (torch_sum(x.astype(np.float32), dims, True) / np.float32(n)).astype(x.dtype)
    return x.mean(axis=dims, keepdims=True)


def _expand(x, shape):
    """x broadcast to `shape`: a small result filled (np.broadcast_to's Python
    layers cost more than filling a few thousand elements), a large one a
    read-only view (always, for a meta x: a plain buffer can't hold one)."""
    out = np.empty(shape, x.dtype)
    if out.size > 4096 or is_meta(x):
        return np.broadcast_to(x, shape)
    out[...] = x
    return out


def _where(cond, a, b):
    ref = a if isinstance(a, np.ndarray) else b
    if isinstance(ref, np.ndarray) and ref.dtype == D._BF16_NP:
        # NumPy 1 finds no common dtype for bfloat16 and a Python number:
        # the number is taken in bfloat16 (NumPy 2's weak scalar does the same).
        a, b = (v if isinstance(v, np.ndarray) else np.asanyarray(v, ref.dtype) for v in (a, b))
    r = np.where(cond, a, b)
    if isinstance(ref, np.ndarray) and r.dtype != ref.dtype:
        r = r.astype(ref.dtype)
    return r


def _index_backward(g, shape, key, accumulate):
    """Zeros of `shape` with `g` put at `key` (summed where indices repeat)."""
    if is_meta(g):
        return meta_array(shape, g.dtype)
    z = np.zeros(shape, dtype=g.dtype)
    if accumulate and any(isinstance(k, np.ndarray) and k.dtype != np.bool_ for k in key):
        np.add.at(z, key, g)
    else:
        z[key] = g
    return z


def _index_fill(g, key, value):
    r = np.array(g)
    r[key] = value
    return r


def _prod_others(x, r, dim):
    """Product of all the other elements (along `dim`, or all), safe at zeros:
    exclusive cumulative products from the left and from the right."""
    if dim is None:
        flat = x.reshape(-1)
        return _prod_others(flat, None, 0).reshape(x.shape)
    ones = np.ones_like(np.take(x, [0], axis=dim))
    left = np.cumprod(np.concatenate([ones, np.delete(x, -1, axis=dim)], axis=dim), axis=dim)
    rev = np.flip(x, axis=dim)
    right = np.cumprod(np.concatenate([ones, np.delete(rev, -1, axis=dim)], axis=dim), axis=dim)
    return left * np.flip(right, axis=dim)



def matmul_wide(a, b, out=None, narrow=True):
    """np.matmul, with float16 and bfloat16 operands multiplied in float32 by
    BLAS and the product rounded once: NumPy has no half-precision BLAS (its
    own loops are 100 to 1000 times slower), and PyTorch's CPU kernels
    accumulate them in float32 too. `narrow=False` leaves the product in
    float32, for a kernel that adds to it (a bias, beta * input) before its
    one rounding, as PyTorch's fused kernels do."""
    if a.dtype in D.HALF_NP or b.dtype in D.HALF_NP:
        wide = np.matmul(a.astype(np.float32), b.astype(np.float32))
        if out is None:
            return wide.astype(a.dtype if a.dtype in D.HALF_NP else b.dtype) if narrow else wide
        out[...] = wide
        return out
    return np.matmul(a, b, out=out)


def _matmul_as(x, y, f_order):
    """x @ y (2-D), F-ordered when asked (the gradient of a transposed view),
    computed as (y.T @ x.T).T at the same cost."""
    if x.dtype in D.HALF_NP or y.dtype in D.HALF_NP:    # (inline: nn.Linear's backward is hot)
        return matmul_wide(y.T, x.T).T if f_order else matmul_wide(x, y)
    if f_order:
        return np.matmul(y.T, x.T).T
    return np.matmul(x, y)


def _matmul(x, y):
    """x @ y; a stack of outer products (a contraction over one element, the
    per-sample weight gradients of vmap(grad)) as a broadcast product, which
    NumPy's stacked matmul computes several times slower (einsum: faster
    than a broadcast multiply, here)."""
    if x.ndim > 2 and x.shape[-1] == 1 and y.ndim > 2 and y.shape[-2] == 1 and \
            x.dtype not in D.HALF_NP:
        return np.einsum("...ik,...kj->...ij", x, y)
    return matmul_wide(x, y)


def _real_if_real(x, dt):
    """A complex gradient reaching a real input: its real part (PyTorch's
    handle_r_to_c), which is the gradient with respect to that real input."""
    return x.real if x.dtype.kind == "c" and np.dtype(dt).kind != "c" else x


def _slices(dim, item):
    return (slice(None),) * dim + (item,)


# The functions formulas may call, each once: name, its array version, its
# recorded version (an Ember op, named "module.attr" inside ember.ops as the
# ops import this module). Op modules add their own with provide() (the
# unary ops give `xp.sin`, `xp.log`, ... so), so the list is never kept in
# step by hand.
_TABLE = [
    # (recorded: ATen's sum_to, whose sum to a 0-d shape is a plain sum(), SumBackward0)
    ("sum_to", _sum_to, lambda x, size: x.sum_to_size(size) if size or not x.ndim else x.sum()),
    ("cast", lambda x, dt: _real_if_real(x, dt).astype(dt), "_xp._cast"),
    ("expand", _expand, "shape.expand"),
    ("reshape", np.reshape, "shape.reshape"),
    # (the method: np.transpose is a Python function around it; TBackward0,
    # nn.Linear's, runs it per step)
    ("t", operator.methodcaller("transpose"), "shape.t"),
    ("transpose", lambda x, d0, d1: np.swapaxes(x, d0, d1) if x.ndim else x, "shape.transpose"),
    ("permute", np.transpose, "shape.permute"),
    ("narrow", lambda x, dim, start, size: x[_slices(dim, slice(start, start + size))],
     "shape.narrow"),
    ("select", lambda x, dim, i: x[_slices(dim, i)], "shape.select"),
    ("index_backward", _index_backward, "_xp._index_scatter"),
    ("index_fill", _index_fill, "_xp._index_fill_recorded"),
    ("where", _where, "_xp._where_recorded"),
    ("flip", lambda x, dims: np.flip(x, dims) if x.ndim else x, "selection.flip"),
    ("cumsum", lambda x, dim: running(np.cumsum, x, dim), "selection.cumsum"),
    ("stack", lambda xs, dim: np.stack(xs, axis=dim), "shape.stack"),
    ("cat", lambda xs, dim: np.concatenate(xs, axis=dim), "shape.cat"),
    ("matmul", _matmul, "linalg.matmul"),
    ("matmul_as", _matmul_as, lambda x, y, f_order: _ops().linalg.matmul(x, y)),
    ("outer", np.outer, "linalg.outer"),
    ("sum", lambda x, dims, keepdim=False: torch_sum(x, dims, keepdim),
     # (dims None: PyTorch's formulas' grad.sum(), SumBackward0, as self.mean())
     lambda x, dims, keepdim=False: _ops().reduction.sum(x) if dims is None else
     _ops().reduction.sum(x, dims, keepdim)),
    ("mean_keep", _mean_keep,
     lambda x, dims: _ops().reduction.mean(x) if dims is None else
     _ops().reduction.mean(x, dims, True)),
    ("prod_others", _prod_others, None),
    # (a flat op's gradient: derivatives.yaml's zeros_like(grad), recorded as
    # a tensor with no history; exact zeros, never -0. or NaN, laid out as g)
    ("zeros_like", lambda g: np.zeros_like(g) if g.__class__ is np.ndarray else g * 0,
     "_xp._zeros_like_recorded"),
]

NUMPY = types.SimpleNamespace(
    recording=False,        # formulas ask this, never isinstance(x, np.ndarray)
    data=lambda x: x,
    **{name: on_arrays for name, on_arrays, _ in _TABLE})
TENSOR = None               # built by ember.ops once every op is defined
_ON_TENSORS = {name: on_tensors for name, _, on_tensors in _TABLE}


def provide(name, on_arrays, on_tensors):
    """Make `xp.<name>` available to formulas: `on_arrays` for a plain
    backward, `on_tensors` (a recorded op) under create_graph=True."""
    if name in _ON_TENSORS:
        raise ValueError(f"xp.{name} is provided twice")
    setattr(NUMPY, name, on_arrays)
    _ON_TENSORS[name] = on_tensors
    if TENSOR is not None:
        setattr(TENSOR, name, on_tensors)


def _ops():
    import importlib
    return importlib.import_module("ember.ops")


def _tensor_namespace():
    """The recorded side of the table (called by ember.ops when every op
    module is loaded; later provide() calls extend it)."""
    global TENSOR
    ops = _ops()
    entries = {}
    for name, on_tensors in _ON_TENSORS.items():
        if isinstance(on_tensors, str):
            module, attr = on_tensors.split(".")
            on_tensors = getattr(getattr(ops, module) if module != "_xp" else ops._xp, attr)
        if on_tensors is not None:
            entries[name] = on_tensors
    TENSOR = types.SimpleNamespace(recording=True, data=lambda x: x._data, **entries)
    return TENSOR


def _cast(x, dt):
    from .._dtype import _BY_NP
    if x.is_complex() and np.dtype(dt).kind != "c":
        x = x.real
    return _ops().shape.to_dtype(x, _BY_NP[np.dtype(dt)])


def _zeros_like_recorded(g):
    if g._data.__class__ is not np.ndarray:     # (a meta tensor: no memory)
        return g.new_zeros(g.shape)
    from .._tensor import Tensor
    return Tensor._wrap(np.zeros_like(g._data))


def _where_recorded(cond, a, b):
    if isinstance(cond, np.ndarray):
        from .._tensor import Tensor
        cond = Tensor._wrap(cond)
    return _ops().conditional.where(cond, a, b)


def _index_fill_recorded(g, key, value):
    from .._tensor import Tensor
    mask = np.ones(g._data.shape, dtype=g._data.dtype)
    mask[key] = 0
    return g * Tensor._wrap(mask)


def _index_scatter(g, shape, key, accumulate):
    """Recorded `_index_backward`: its own derivative reads `key` back out."""
    from ._common import recorded
    return recorded(_INDEX_NODES[accumulate], _index_backward(g._data, shape, key, accumulate),
                    (g,), (key,))


def _make_index_nodes():
    from ._registry import grad_fn
    from .indexing import getitem
    f = lambda xp, g, key: getitem(g, key) if xp.recording else g[key]
    return {False: grad_fn("SliceBackwardBackward0", grad_output=f),
            True: grad_fn("IndexBackwardBackward0", grad_output=f)}


_INDEX_NODES = {}
