"""Which ops uint16, uint32 and uint64 tensors may take: one table, checked
in one place.

PyTorch gives these dtypes "limited support": creation, conversion, views,
indexing, cat/stack, mul, the bitwise ops, sum/cumsum/prod (to int64), true
division and the floating-point functions (to float32), sort, unique... work;
most other kernels have no version for them and raise
NotImplementedError('"add_stub" not implemented for \\'UInt16\\''), each
naming its own kernel. The table (_uint_table.py) comes from running each of
Ember's ops on these dtypes under PyTorch 2.13 (tests/test_uint_dtypes.py
keeps it honest); the rules below refine it where the kernel, or whether
there is one, depends on the arguments.

The check costs nothing until a tensor of these dtypes is first made:
_dtype.load_uints then calls install(), which wraps the public functions and
Tensor methods the table names. A wrapper looks for a uint16/32/64 tensor (or
dtype) among its arguments and, finding one, refuses as PyTorch does or lets
the op run; ops it lets run are not checked again inside (their own helper
calls are Ember's business). An op the survey could not classify is refused:
never computing what PyTorch refuses.
"""
import functools
import inspect
import sys
import threading
import types

from ._backend import np
from . import _dtype as D
from ._uint_table import _OK, _OWN_CHECK, _REFUSED, _UNSURE


def _uint_of(args, kwargs):
    """The first uint16/32/64 dtype among the arguments (a tensor's, or a
    dtype given), None if none."""
    d = _uint_in(args)
    return d if d is not None or not kwargs else _uint_in(kwargs.values())


def _uint_in(values):
    for a in values:
        c = a.__class__
        if c is D._UIntDtype:
            return a
        if c is list or c is tuple:
            for b in a:
                d = _NP.get(getattr(getattr(b, "_data", None), "dtype", None))
                if d is not None and isinstance(b, _Tensor):
                    return d
        elif isinstance(a, _Tensor):
            d = _NP.get(a._data.dtype)
            if d is not None:
                return d
    return None


def _arg(args, kwargs, i, name, default=None):
    return args[i] if len(args) > i else kwargs.get(name, default)


def _reduction(kernel, dtype_at):
    """sum, cumsum, prod: to int64 (fine), or refused asked for a uint dtype."""
    def rule(args, kwargs):
        dt = kwargs.get("dtype", args[dtype_at] if len(args) > dtype_at else None)
        return kernel if dt.__class__ is D._UIntDtype else None
    return rule


def _extreme(which):
    def rule(args, kwargs):
        other = _arg(args, kwargs, 1, "dim")
        if other is None:
            return f"{which}_all"
        if isinstance(other, _Tensor):
            return "maximum_cpu" if which == "max" else "minimum_cpu"
        return f"{which}_cpu"
    return rule


def _floating(args, kwargs):
    """Does the op compute in another type, which its kernel has: is an
    operand a float or complex number or tensor? Or is it a tensor of another
    integer dtype (not 0-d), whose promotion Ember refuses as PyTorch's?"""
    own = None
    for a in (*args, *(v for k, v in kwargs.items() if k != "out")):
        if isinstance(a, (float, complex)):
            return True
        if isinstance(a, _Tensor):
            dt = a._data.dtype
            if dt.kind in "fc" or D.is_float_np(dt):
                return True
            if dt in _NP and own is None:
                own = dt
            elif a._data.ndim and own is not None and dt != own:
                return True
            elif a._data.ndim and own is None:
                own = dt
    return False


def _unless_floating(kernel):
    """A binary op's kernel, refusing unless an operand is floating."""
    def rule(args, kwargs):
        return None if _floating(args, kwargs) else kernel
    return rule


# (kernels of binary ops: beside a floating operand they compute in its type)
_BINARY = {"add_stub", "lt_cpu", "le_cpu", "gt_cpu", "ge_cpu", "remainder_cpu", "fmod_cpu",
           "div_floor_cpu", "maximum_cpu", "minimum_cpu", "hypot_cpu", "logaddexp_cpu",
           "logaddexp2_cpu", "nextafter_cpu", "heaviside_cpu", "pow"}


def _pow(args, kwargs):
    e = _arg(args, kwargs, 1, "exponent")
    if _floating(args, kwargs) or (isinstance(e, int) and not isinstance(e, bool) and e == 0):
        return None
    return "pow"


def _div(args, kwargs):
    mode = kwargs.get("rounding_mode")
    return None if mode is None else f"div_{mode}_cpu"


def _clamp(args, kwargs):
    lo, hi = _arg(args, kwargs, 1, "min"), _arg(args, kwargs, 2, "max")
    if _floating(args, kwargs):
        return None
    if isinstance(lo, _Tensor) and isinstance(hi, _Tensor):
        return "clamp_cpu"
    if isinstance(lo, _Tensor) or isinstance(hi, _Tensor):
        return "maximum_cpu" if lo is not None else "minimum_cpu"
    return "clamp_scalar_cpu" if lo is not None and hi is not None else \
        "clamp_min_scalar_cpu" if lo is not None else "clamp_max_scalar_cpu"


def _clamp_one(which):
    def rule(args, kwargs):
        bound = _arg(args, kwargs, 1, which)
        if _floating(args, kwargs):
            return None
        if isinstance(bound, _Tensor):
            return "maximum_cpu" if which == "min" else "minimum_cpu"
        return f"clamp_{which}_scalar_cpu"
    return rule


def _flips_inner(x, dims):
    """Does flipping `dims` of x reverse its innermost (stride-1) dimension?
    PyTorch's flip kernel has no version for these dtypes there."""
    a = x._data
    n = a.ndim
    for d in dims:
        d = d % n if n else 0
        if n and a.shape[d] > 1 and a.strides[d] == a.itemsize:
            return True
    return False


def _flip(args, kwargs):
    dims = _arg(args, kwargs, 1, "dims", ())
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    return "flip_cpu" if _flips_inner(args[0], dims) else None


def _rot90(args, kwargs):
    k = _arg(args, kwargs, 1, "k", 1) % 4
    dims = list(_arg(args, kwargs, 2, "dims", (0, 1)))
    flipped = {0: [], 1: dims[1:], 2: dims, 3: dims[:1]}[k]
    return "flip_cpu" if _flips_inner(args[0], flipped) else None


def _median(args, kwargs):
    return "median_cpu" if _arg(args, kwargs, 1, "dim") is None else "median_out"


def _repeat_interleave(args, kwargs):
    return "repeat_interleave_cpu" if _arg(args, kwargs, 1, "repeats") is None else None


def _random(args, kwargs):
    return "random_kernel_cpu" if len(args) < 2 and "to" not in kwargs else None


def _bernoulli(args, kwargs):
    p = _arg(args, kwargs, 1, "p", 0.5)
    return "bernoulli_tensor_cpu_self_" if p is None or isinstance(p, _Tensor) else \
        "bernoulli_scalar_cpu_"


def _bernoulli_out_of_place(args, kwargs):
    return "bernoulli_tensor_cpu_self_" if _arg(args, kwargs, 1, "p") is None else \
        _bernoulli(args, kwargs)


def _dropout(args, kwargs):
    p, training = _arg(args, kwargs, 1, "p", 0.5), _arg(args, kwargs, 2, "training", True)
    return "bernoulli_scalar_cpu_" if training and 0 < p < 1 else None


def _softmax(kernel, functional=False):
    def rule(args, kwargs):
        x, dim = args[0], _arg(args, kwargs, 1, "dim")
        n = x._data.ndim
        if dim is None and functional:
            dim = 0 if n in (0, 1, 3) else 1
        if not isinstance(dim, int):
            return kernel
        last = n == 0 or dim % n == n - 1
        return kernel.replace("_kernel", "_lastdim_kernel") if last else kernel
    return rule


def _count_nonzero(args, kwargs):
    return "nonzero_count_cpu" if _arg(args, kwargs, 1, "dim") is None else None


def _isin(args, kwargs):
    a, b = _arg(args, kwargs, 0, "elements"), _arg(args, kwargs, 1, "test_elements")
    return "isin_default_cpu" if isinstance(a, _Tensor) and isinstance(b, _Tensor) else None


def _diff(args, kwargs):
    return None if _arg(args, kwargs, 1, "n", 1) == 0 else "add_stub"


def _lerp(args, kwargs):
    w = _arg(args, kwargs, 2, "weight")
    return "lerp_kernel_tensor" if isinstance(w, _Tensor) else "lerp_kernel_scalar"


def _scatter(args, kwargs):
    src = _arg(args, kwargs, 3, "src", kwargs.get("value"))
    return "scatter_gather_tensor_cpu" if isinstance(src, _Tensor) else \
        "scatter_gather_scalar_cpu"


def _setitem(args, kwargs):
    key, value = args[1], args[2]
    keys = key if isinstance(key, tuple) else (key,)
    tensors = [k for k in keys if isinstance(k, _Tensor) or isinstance(k, list)]
    if not tensors or any(isinstance(k, _Tensor) and k._data.dtype in _NP for k in tensors):
        return None     # (an index of these dtypes: Ember's IndexError, as PyTorch's)
    if (len(tensors) == 1 and isinstance(tensors[0], _Tensor)
            and tensors[0]._data.dtype == np.bool_ and not isinstance(value, _Tensor)):
        return "masked_fill"
    return "index_put"


def _index_checked(kernel, name):
    """take, put, masked_scatter: an index or mask of these dtypes gets the
    op's own refusal of it (Ember's, as PyTorch's), before the kernel's."""
    def rule(args, kwargs):
        index = _arg(args, kwargs, 1, name)
        return None if isinstance(index, _Tensor) and index._data.dtype in _NP else kernel
    return rule


def _where(args, kwargs):
    return "nonzero_count_cpu" if len(args) + len(kwargs) == 1 else None


def _pad(args, kwargs):
    mode = _arg(args, kwargs, 2, "mode", "constant")
    if mode == "constant":
        return None
    n = len(_arg(args, kwargs, 1, "pad")) // 2
    return {"reflect": "reflection", "replicate": "replication"}.get(mode, mode) + f"_pad{n}d"


_RULES = {
    "sum": _reduction("sum_cpu", 2), "nansum": _reduction("nansum_cpu", 3),
    "cumsum": _reduction("cumsum_out_cpu", 2), "cumprod": _reduction("cumprod_out_cpu", 2),
    "prod": _reduction("prod_out_cpu", 3),
    "max": _extreme("max"), "min": _extreme("min"), "pow": _pow, "pow_": _pow,
    "__pow__": _pow, "__ipow__": _pow, "div": _div, "divide": _div,
    "clamp": _clamp, "clip": _clamp, "clamp_": _clamp, "clip_": _clamp, "count_nonzero": _count_nonzero, "isin": _isin,
    "diff": _diff, "lerp": _lerp, "lerp_": _lerp, "scatter": _scatter, "scatter_": _scatter,
    "__setitem__": _setitem, "nn.functional.pad": _pad, "pad": _pad,
    "clamp_min": _clamp_one("min"), "clamp_min_": _clamp_one("min"),
    "clamp_max": _clamp_one("max"), "clamp_max_": _clamp_one("max"),
    "where": _where, "flip": _flip,
    "take": _index_checked("take_cpu", "index"), "put": _index_checked("take_put_cpu", "index"),
    "put_": _index_checked("take_put_cpu", "index"),
    "masked_scatter": _index_checked("masked_scatter", "mask"),
    "masked_scatter_": _index_checked("masked_scatter", "mask"), "rot90": _rot90, "fliplr": lambda a, k: _flip((a[0], 1), {}),
    "flipud": lambda a, k: _flip((a[0], 0), {}), "median": _median, "nanmedian": _median,
    "repeat_interleave": _repeat_interleave, "random_": _random,
    "bernoulli": _bernoulli_out_of_place, "bernoulli_": _bernoulli,
    "nn.functional.dropout": _dropout, "nn.functional.dropout1d": _dropout,
    "nn.functional.dropout2d": _dropout, "nn.functional.dropout3d": _dropout,
    "softmax": _softmax("softmax_kernel_impl"), "log_softmax": _softmax("log_softmax_kernel_impl"),
    "special.softmax": _softmax("softmax_kernel_impl"),
    "special.log_softmax": _softmax("log_softmax_kernel_impl"),
    "nn.functional.softmax": _softmax("softmax_kernel_impl", True),
    "nn.functional.log_softmax": _softmax("log_softmax_kernel_impl", True),
}

_Tensor = None
_NP = {}
_STATE = threading.local()
_CODES = {}     # a wrapped function's code -> its rule (check_caller)
_ORIGINALS = []     # (owner, name, what install() replaced), for uninstall


def _refusal(kernel, d):
    return NotImplementedError(f'"{kernel}" not implemented for \'{D.SCALAR_NAMES[d]}\'')


def _guard(fn, key, rule):
    """fn, refusing (or letting run, unchecked inside) a call on these dtypes."""
    @functools.wraps(fn)
    def guarded(*args, **kwargs):
        d = _uint_of(args, kwargs)
        if d is None or getattr(_STATE, "inside", False):
            return fn(*args, **kwargs)
        if rule is not True:
            kernel = rule if rule.__class__ is str else rule(args, kwargs)
            if kernel:
                raise _refusal(kernel, d)
        _STATE.inside = True
        try:
            return fn(*args, **kwargs)
        finally:
            _STATE.inside = False
    guarded._uint_guarded = True
    return guarded


def table():
    """{op name: True (runs), a kernel name (refused), or a rule(args, kwargs)
    giving the kernel refusing that call (None: it runs)}."""
    rules = {}
    for names in (_OK, _OWN_CHECK):
        rules.update(dict.fromkeys(names.split(), True))
    for name in _UNSURE.split():
        rules[name] = name.rpartition(".")[2]
    for kernel, names in _REFUSED.items():
        rules.update(dict.fromkeys(names.split(), _unless_floating(kernel) if kernel in _BINARY
                                   else kernel))
    rules.update(_RULES)
    return rules


def install():
    """Wrap the public functions and Tensor methods: those of the table as it
    says, every other op of PyTorch's catalogue refused under its own name."""
    global _Tensor
    import ember
    from ._tensor import Tensor
    from .ops._registry import REGISTRY
    _Tensor = Tensor
    _NP.update({d._np: d for d in D.UINTS})
    # (tables of C type names keyed by NumPy dtype, made at import)
    from .ops import sorting_counting
    sorting_counting._C_NAMES.update({d._np: D.C_NAMES[d] for d in D.UINTS})
    rules = table()
    spaces = {"": ember, "linalg.": ember.linalg, "special.": ember.special, "fft.": ember.fft,
              "nn.functional.": ember.nn.functional}
    known = set(rules)
    for key, info in REGISTRY.items():
        known.add(key)
        known.update(info.aliases)
        if info.inplace:
            known.add(info.name + "_")
    for prefix, module in spaces.items():
        for name in list(vars(module)):
            key = prefix + name
            if key in known or (prefix and not name.startswith("_")):
                _wrap(module, name, key, rules)
    for name in list(vars(Tensor)):
        if name in known:
            _wrap(Tensor, name, name, rules)


def check_caller(d):
    """Refuse as the table says the call that first asked for a dtype of
    these (`ember.arange(3, dtype=ember.uint16)`, `x.sum(dtype=...)`): it
    began before install() wrapped it. The outermost such op on the stack
    decides, as the wrappers do; its rule reads its arguments by name."""
    found, f = None, sys._getframe(1)
    while f is not None:
        rule = _CODES.get(f.f_code)
        if rule is not None:
            found = rule, f.f_locals
        f = f.f_back
    if found is None or found[0] is True:
        return
    rule, names = found
    try:
        kernel = rule if rule.__class__ is str else rule((), {k: v for k, v in names.items()
                                                              if v is not None})
    except Exception:  # noqa: BLE001 - a rule that needs its tensor: none existed yet
        return
    if kernel:
        raise _refusal(kernel, d)


def uninstall():
    """Undo install() and forget the dtypes' NumPy types, so that the next
    tensor of them installs the check again (for tests: the wrappers change
    what identity and frame checks see, e.g. `Tensor.sum is REGISTRY[...]`)."""
    while _ORIGINALS:
        owner, name, fn = _ORIGINALS.pop()
        setattr(owner, name, fn)
    _CODES.clear()
    D.unload_uints()


def _wrap(owner, name, key, rules):
    fn = vars(owner).get(name)
    if not (isinstance(fn, (types.FunctionType, types.BuiltinFunctionType))
            or callable(fn) and not hasattr(type(fn), "__get__")) or \
            isinstance(fn, type) or getattr(fn, "_uint_guarded", False):
        return      # (a class, or a descriptor such as `Tensor.real`: left as it is)
    rule = rules.get(key, rules.get(key.rpartition(".")[2] if key.startswith("nn.") else key,
                                    key.rpartition(".")[2]))
    _ORIGINALS.append((owner, name, fn))
    setattr(owner, name, _guard(fn, key, rule))
    # (the op's own code, under its wrappers, for check_caller; a code two
    # ops share, a factory's, names neither)
    code = getattr(inspect.unwrap(fn), "__code__", None)
    if code is not None:
        _CODES[code] = rule if _CODES.get(code, rule) is rule else True
