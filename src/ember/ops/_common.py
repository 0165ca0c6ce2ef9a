"""What every op shares: recording a node, PyTorch's promotion, dim checks.

An op in the catalogue is a forward on NumPy arrays plus a node class made
by the registry's `grad_fn(...)`, whose formulas give the gradient for each
input; `recorded(...)` is the one way an op's result gets its grad_fn.
"""
from .._backend import HALF_TARGETS, np, quiet_call, round_double_for_half

from .. import _dtype as D
from .. import _layout as _L
from .._meta import _ONE as _META_MEMORY, kept_meta
from .._python_data import _tname
from .._tensor import Tensor, _wrap_dim
from ..autograd import grad_mode as _grad_mode
from ..autograd.grad_mode import _state
from ..autograd import graph as _graph
from ..autograd.graph import Node, RESULT, _sequence, grad_accumulator, saved_versions
from ..autograd import _forward
from ._registry import save_plan, saved_by
from ._scalars import _float_max, alpha_check, checked_scalar, number_arg  # noqa: F401
from ._xp import NUMPY

__all__ = ["Tensor", "Node", "RESULT", "edge", "recorded", "recorded_multi", "watch_result", "wrap",
           "dim_items", "binary_arrays", "laid_out_cast", "broadcast_error", "wrap_dim", "np",
           "D", "_state", "tracked", "keep_index", "tangents_paused", "tensor_arg", "no_complex_autograd",
           "checked_scalar", "alpha_check", "number_arg"]

# (module globals: a global is a cached lookup, a class's attribute is not in
# CPython 3.11, and recorded() runs for every op)
wrap = Tensor._wrap
_new = object.__new__
_from_node = Tensor._from_node
wrap_dim = _wrap_dim
NONE_EDGE = (None, 0)
# True while a forward-mode AD level is open (autograd/forward_ad.py): then
# the outputs of ops on dual tensors get tangents (autograd/_forward.py).
forward_ad = False


def edge(t):
    fn = t._grad_fn
    if fn is not None:
        return (fn, t._output_nr)
    if t._requires_grad:
        return (grad_accumulator(t), 0)
    return NONE_EDGE




def recorded(node_cls, data, inputs, ctx=()):
    """The op's output: a Tensor recorded as `node_cls` (a registry `grad_fn`)
    when grad mode is on and an input requires grad, saving only what the
    formulas of those inputs read; a plain Tensor otherwise. `ctx` holds the
    constants the formulas name, in the order of `node_cls._consts`."""
    if data.__class__ is not np.ndarray:
        data = np.asanyarray(data)
    if forward_ad:
        tangents = _forward.tangents_of(inputs)
        if tangents is not None:
            # recorded as usual, then given its tangent (the tangent's own
            # arithmetic gets none)
            with tangents_paused():
                return _forward.attach(node_cls, recorded(node_cls, data, inputs, ctx), inputs,
                                       ctx, tangents)
    if _grad_mode.off_threads and not _state.enabled:
        return wrap(data)
    # Which inputs require grad (a bit mask), and their edges; one to three
    # inputs (nearly every op) spelled out, as this runs once per recorded op.
    n = len(inputs)
    if n == 1:
        t = inputs[0]
        if not t._requires_grad:
            return wrap(data)
        # (edge(t), inline for a non-leaf: a frame less)
        fn = t._grad_fn
        mask, nexts = 1, ((fn, t._output_nr) if fn is not None else edge(t),)
    elif n == 2:
        a, b = inputs
        # (a Python number is ruled out first: isinstance on a class with a
        # metaclass costs a lookup when the answer is no)
        tb = b.__class__
        wa = isinstance(a, Tensor) and a._requires_grad
        wb = tb is not int and tb is not float and isinstance(b, Tensor) and b._requires_grad
        if not (wa or wb):
            return wrap(data)
        mask = wa | wb << 1
        fn = a._grad_fn if wa else None     # (edge(a), inline for a non-leaf, as above)
        ea = (fn, a._output_nr) if fn is not None else edge(a) if wa else NONE_EDGE
        nexts = (ea, edge(b) if wb else NONE_EDGE)
    elif n == 3:        # (addmm: nn.Linear's forward)
        a, b, c = inputs
        wa = isinstance(a, Tensor) and a._requires_grad
        wb = isinstance(b, Tensor) and b._requires_grad
        wc = isinstance(c, Tensor) and c._requires_grad
        if not (wa or wb or wc):
            return wrap(data)
        mask = wa | wb << 1 | wc << 2
        nexts = (edge(a) if wa else NONE_EDGE, edge(b) if wb else NONE_EDGE,
                 edge(c) if wc else NONE_EDGE)
    else:
        mask, nexts = _mask_edges(inputs)
        if not mask:
            return wrap(data)
    plans = node_cls._plans
    if plans is None:       # a node class with its own apply(): it saves nothing
        return _from_node(data, node_cls(nexts, (), ctx, None, data.shape, data.dtype))
    plan = plans.get(mask)
    if plan is None:
        plan = save_plan(node_cls, mask)
    save, keeps_result = plan
    saved = inputs if save is True else save(inputs) if save else ()     # (saved_by, inline)
    # The node, made here as Node.__init__ would (a registry class keeps
    # it): the type's call and a frame less per op. saved_versions's common
    # cases spelled out, by count: nothing saved (x + 1); the output (relu)
    # or one tensor (sin's input); a number and an input not needed (x * 2:
    # the 2, and None for x), or two tensors (nn.Linear's weight and x).
    k = len(saved)
    if not k:
        versions = None
    elif k == 1:
        s = saved[0]
        if s is RESULT:
            versions = [0]      # (relu's: watch_result puts the output's counter in)
        elif s.__class__ is Tensor:
            vc = s._vc
            versions = [0 if vc is None else vc[0]]
        else:
            versions = saved_versions(saved)
    elif k == 2:
        a, b = saved
        if b is None and (a.__class__ is int or a.__class__ is float):
            versions = None
        elif b.__class__ is Tensor and (a is None or isinstance(a, Tensor)):
            # (nn.Linear's: the weight, or None when x needs no gradient, and x)
            va, vb = None if a is None else a._vc, b._vc
            versions = [0 if va is None else va[0], 0 if vb is None else vb[0]]
        else:
            versions = saved_versions(saved)
    else:
        versions = saved_versions(saved)
    node = _new(node_cls)
    node._st = (nexts, saved, versions, ctx, data if keeps_result else None, data.shape,
                data.dtype, next(_sequence))
    if _graph._extras:
        _graph._node_extras(node, saved, data if keeps_result else None)
    # (Tensor._from_node, inline: a frame less per op)
    out = _new(Tensor)
    if _META_MEMORY:
        data = kept_meta(data)
    out._data = data
    out._requires_grad = True
    out._grad_fn = node
    return watch_result(node, out) if keeps_result else out


def keep_index(out, *tensors):
    """out, its node keeping `tensors` (an index, a mask: inputs with no
    gradient that its formulas read) as PyTorch's node saves them: one
    changed in place before backward makes backward raise, where it would
    have moved the gradient to the new places. Not Tensors are skipped."""
    node = out._grad_fn
    if node is None:
        return out
    kept = tuple((t, 0 if t._vc is None else t._vc[0]) for t in tensors if isinstance(t, Tensor))
    if kept:
        node._guards = kept if node._guards is None else node._guards + kept
        node._simple = False        # (the engine's inline path skips Node._unpack)
    return out


def tracked(*tensors):
    """Whether an op on `tensors` gets a node or a tangent, so must compute
    what its formulas read (ops that skip that work otherwise ask this)."""
    if not _grad_mode.off_threads or _state.enabled:
        for t in tensors:
            if isinstance(t, Tensor) and t._requires_grad:
                return True
    return forward_ad and _forward.tangents_of(tensors) is not None


def tensor_arg(value, op, name="input", position=1):
    """`value`, or PyTorch's TypeError where a tensor argument is something else."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be Tensor, not "
                        f"{_tname(value)}")
    return value


def no_complex_autograd(name, result, *inputs):
    """PyTorch's refusal of ops whose derivative is defined for real
    outputs only: raised after the forward, when a complex result would be
    recorded (`result`: the array, or whether it is complex)."""
    complex_ = result if isinstance(result, bool) else result.dtype.kind == "c"
    if complex_ and _state.enabled and any(isinstance(t, Tensor) and t._requires_grad
                                           for t in inputs):
        raise RuntimeError(f"{name} does not support automatic differentiation for outputs "
                           "with complex dtype.")


class tangents_paused:
    """Inside, ops give no tangents (forward-mode AD paused: a tangent's own
    arithmetic, a view's tangent made apart, a custom Function's forward);
    after, forward AD is as it was before."""
    __slots__ = ("_prev",)

    def __enter__(self):
        global forward_ad
        self._prev = forward_ad
        forward_ad = False

    def __exit__(self, *exc):
        global forward_ad
        forward_ad = self._prev


def _mask_edges(inputs):
    """Which inputs require grad (a bit mask), and every input's edge."""
    mask, bit, edges = 0, 1, []
    for t in inputs:
        if isinstance(t, Tensor) and t._requires_grad:
            mask |= bit
            edges.append(edge(t))
        else:
            edges.append(NONE_EDGE)
        bit <<= 1
    return mask, tuple(edges)


def kernel_node(node_cls, kernel, inputs, ctx=(), elementwise=False):
    """A backward kernel run on Tensors (create_graph=True): PyTorch records
    it as one node, `node_cls` over `inputs` (grad_output first), rather than
    as the arithmetic inside; its value is `kernel` on the inputs' arrays.
    Inside vmap (jacrev, hessian) an `elementwise` kernel runs on the whole
    batch at once; any other vmaps its function once per sample."""
    try:
        arrays = [t._data for t in inputs]
    except RuntimeError as e:
        from ..func import _batching_rules, _vmap
        if not (elementwise and isinstance(e, _vmap.BatchedRead)):
            raise
        return _batching_rules.elementwise_kernel(
            lambda *ts: kernel_node(node_cls, kernel, ts, ctx, True), inputs, e.level)
    return recorded(node_cls, kernel(NUMPY, *arrays, *ctx), inputs, ctx)


def recorded_multi(node_cls, datas, inputs, ctx=(), differentiable=None):
    """The outputs of an op with several results (sort's values and indices,
    svd's U, S, Vh), recorded as one `node_cls` (a registry
    `grad_fn(..., outputs=...)`) whose outputs are the differentiable ones,
    in order. Formulas name outputs as constants; `ctx` gives the other
    constants, in `node_cls._consts` order."""
    datas = [d if d.__class__ is np.ndarray else np.asanyarray(d) for d in datas]
    if forward_ad:
        tangents = _forward.tangents_of(inputs)
        if tangents is not None:
            with tangents_paused():
                outs = recorded_multi(node_cls, datas, inputs, ctx, differentiable)
                diff = differentiable or (True,) * len(outs)
                _forward.attach_multi(node_cls, [o for o, d in zip(outs, diff) if d], inputs,
                                      ctx, tangents)
            return outs
    if differentiable is None:
        differentiable = (True,) * len(datas)
    mask = 0
    if not _grad_mode.off_threads or _state.enabled:
        mask, nexts = _mask_edges(inputs)
    if not mask:
        return tuple(Tensor._wrap(d) for d in datas)
    outs = [d for d, diff in zip(datas, differentiable) if diff]
    full_ctx = node_cls.full_ctx(outs, ctx)
    plan = node_cls._plans.get(mask) or save_plan(node_cls, mask)
    saved = saved_by(plan[0], inputs)
    node = node_cls(nexts, saved, full_ctx, None, tuple(d.shape for d in outs),
                    tuple(d.dtype for d in outs))
    results, nr = [], 0
    for d, diff in zip(datas, differentiable):
        if diff:
            t = Tensor._from_node(d, node)
            if nr:
                t._output_nr = nr
            nr += 1
        else:
            t = Tensor._wrap(d)
        results.append(t)
    if node_cls._output_slots:
        _watch_outputs(node, [t for t, diff in zip(results, differentiable) if diff])
    return tuple(results)


def _watch_outputs(node, outs):
    """The outputs a multi-output node's formulas read get version counters
    the node checks at backward (PyTorch saves them: an in-place change of
    one is caught there)."""
    cls = node.__class__
    watched = []
    for _, nr in cls._output_slots:
        if cls._output_names[nr] not in cls._unsaved_outputs:
            vc = outs[nr]._vc = [0]
            watched.append((vc, nr))
    node._out_versions = watched


def watch_result(node, out):
    """A node that saved its own output shares that output's version counter,
    so an in-place change of the output is caught at backward, as PyTorch does."""
    vc = out._vc = [0]
    st = node._st
    versions = st[2]
    for i, s in enumerate(st[1]):
        if s is RESULT:
            versions[i] = vc
    return out




def laid_out_cast(a, dt):
    """a.astype(dt), laid out as PyTorch lays out its copy (NumPy's order
    "K" puts a broadcast dim innermost, and a result computed from it follows)."""
    if a.dtype == dt:
        return a
    if dt in HALF_TARGETS:
        a = round_double_for_half(a, dt)
    if a.flags.c_contiguous:
        return a.astype(dt)
    out = _L.empty_like(a, dt)
    np.copyto(out, a, casting="unsafe")
    return out


def binary_arrays(a, b):
    """The two operands as arrays of PyTorch's result dtype.

    Fast path: two tensors of one dtype, or a tensor and a Python number that
    NumPy already treats as PyTorch does (a float with a float tensor, an int
    with an int tensor)."""
    tb = b.__class__
    if tb is not float and tb is not int and isinstance(b, Tensor):
        ad, bd = a._data, b._data
        if ad.dtype == bd.dtype:
            return ad, bd
        dt = _result_dtype(a, b)._np
        if dt.itemsize < max(ad.dtype.itemsize, bd.dtype.itemsize):
            # (a value beyond a narrower float becomes inf, as PyTorch's cast, quietly)
            return quiet_call(_narrowed, ad, bd, dt)
        return laid_out_cast(ad, dt), laid_out_cast(bd, dt)
    ad = a._data
    kind = ad.dtype.kind
    if tb is float:
        if ad.dtype == D._BF16_NP:
            # (NumPy takes a Python float beside ml_dtypes' bfloat16 as float32)
            b = ad.dtype.type(b)
        elif kind not in "fc":
            ad = ad.astype(D._default[0]._np)
    elif tb is int:
        if kind == "b":
            D.check_int_scalar(b)
            if b > 9223372036854775807:     # (a uint64 number)
                raise RuntimeError("Promotion for uint16, uint32, uint64 types is not "
                                   "supported, attempted to promote Bool and UInt64")
            ad = ad.astype(np.int64)
        elif kind == "u" or (kind == "i" and not -128 <= b <= 127):
            lo, hi = _INT_BOUNDS[ad.dtype]
            if not lo <= b <= hi:
                D.check_int_scalar(b)
                # PyTorch wraps the number into the tensor's dtype.
                b = np.array(b).astype(ad.dtype)
    elif tb is bool:
        pass
    elif tb is complex:
        if kind != "c":
            # A float tensor keeps its precision (float64 -> complex128); an
            # integral one takes the default complex dtype.
            ad = ad.astype((a.dtype.to_complex() if kind == "f" else D.default_complex())._np)
    elif isinstance(b, np.ndarray):
        if _state.formulas:
            return binary_arrays(a, Tensor._wrap(b))
        # PyTorch's operators refuse a NumPy array (NumPy then computes `t + a`
        # itself, through __array__ and __array_wrap__), its named forms too
        return None, None
    elif isinstance(b, (int, np.integer)):      # NumPy integers count as Python ints
        return binary_arrays(a, int(b))
    elif isinstance(b, complex):                # (complex128 is a Python complex)
        return binary_arrays(a, complex(b))
    elif isinstance(b, (float, np.floating, np.bool_, np.complexfloating)):
        # PyTorch reads any other NumPy scalar as a Python float: bool_ too, and
        # complex64 (NumPy's ComplexWarning dropping the imaginary part)
        return binary_arrays(a, float(b))
    else:
        # Not a number: the operator returns NotImplemented, so Python tries the
        # other operand and then raises its usual TypeError.
        return None, None
    if _VALUE_BASED_CASTING and tb is not bool:
        # NumPy 1.x widens by value (float16 + 1e5 -> float32); a scalar of
        # the tensor's own dtype keeps PyTorch's result dtype there too.
        if tb is int:
            D.check_int_scalar(b)     # (NumPy 2's checks it in number_array)
        b = quiet_call(ad.dtype.type, b)     # (wraps out of range, as PyTorch)
    return ad, b


def _narrowed(ad, bd, dt):
    if dt in HALF_TARGETS:
        ad, bd = round_double_for_half(ad, dt), round_double_for_half(bd, dt)
    return ad.astype(dt, copy=False), bd.astype(dt, copy=False)


_VALUE_BASED_CASTING = int(np.__version__.split(".")[0]) < 2


_INT_BOUNDS = {np.dtype(t): (int(np.iinfo(t).min), int(np.iinfo(t).max))
               for t in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
                         np.uint64)}


def kernel_refuses(kernel, np_dtype):
    """PyTorch's refusal by a kernel with no version for this dtype."""
    return NotImplementedError(f'"{kernel}" not implemented for '
                               f"'{D.SCALAR_NAMES[D._BY_NP[np_dtype]]}'")


def norm_refuses(dtype):
    """at::norm's refusal of an integer or bool input (`dtype` an Ember dtype)."""
    return RuntimeError("norm(): input dtype should be either floating point or complex. "
                        f"Got {D.SCALAR_NAMES[dtype]} instead.")


def broadcast_error(sa, sb):
    """PyTorch's message for shapes that do not broadcast (first clash from the right)."""
    n = max(len(sa), len(sb))
    pa, pb = (1,) * (n - len(sa)) + tuple(sa), (1,) * (n - len(sb)) + tuple(sb)
    for d in range(n - 1, -1, -1):
        if pa[d] != pb[d] and pa[d] != 1 and pb[d] != 1:
            return RuntimeError(
                f"The size of tensor a ({pa[d]}) must match the size of tensor b ({pb[d]}) "
                f"at non-singleton dimension {d}")
    return RuntimeError(f"shapes {list(sa)} and {list(sb)} do not broadcast")


def broadcast_error_among(*shapes):
    """PyTorch's message for several operands broadcast in turn (its
    TensorIterator's order): the shape broadcast so far against the first
    operand that does not fit it."""
    acc = shapes[0]
    for s in shapes[1:]:
        try:
            acc = np.broadcast_shapes(acc, s)
        except ValueError:
            return broadcast_error(acc, s)
    raise ValueError(f"shapes {shapes} broadcast")


def _result_dtype(a, b):
    """PyTorch's promotion between two tensors: a dimensioned tensor outranks
    a 0-d one within the same category (float32 tensor + float64 0-d tensor
    stays float32); across categories the higher category wins, but a float
    tensor keeps its width beside a complex 0-d one (float64 -> complex128)."""
    da, db = a.dtype, b.dtype
    za, zb = a._data.ndim == 0, b._data.ndim == 0
    if za == zb:
        return D.promote_types(da, db)
    dim, zero = (db, da) if za else (da, db)
    if zero._category <= dim._category:
        return dim
    if zero.is_complex and dim.is_floating_point:
        return dim.to_complex()     # c10's combine_categories: the float's width kept
    return zero




def as_dims(dim, ndim):
    """dim argument (int, tuple, list or None) -> tuple of non-negative axes."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (tuple, list)):
        return tuple(wrap_dim(d, ndim) for d in dim_items(dim))
    return (wrap_dim(dim, ndim),)


def dim_items(dims):
    """The elements of an int-list argument as PyTorch's parser reads them:
    its later elements with __index__, which takes a bool (x.flip(0, True)
    flips dims 0 and 1; a bool first is refused)."""
    return [int(d) if i and d.__class__ is bool else d for i, d in enumerate(dims)]
