"""The profiler's instruments: timing wrappers put over the public ops while a
profiler records, and taken off when the last one stops.

Nothing here costs anything when no profiler runs: the functions users call
(`ember.mul`, `Tensor.__mul__`, `Tensor.relu`, `F.linear`, `ember.linalg.inv`,
...) are the ops themselves. When a profiler starts, `_install` replaces each
by a wrapper that times the call into the shared event list; when the last
one stops, `_restore` puts every original back (the identical objects).
The engine asks `active` once per backward and then times each node it runs
(`timed_nodes`).

A raw event is a list [name, start_ns, end_ns, info]: info is None or a dict
("shapes", "flops", "memory", "scope", "user", "python"), filled only when a
profiler asked for it (record_shapes, with_flops, profile_memory; with_stack
adds the Python calls as events of their own: _profiler_python.py).
"""
import inspect
import types
from functools import partial
from time import perf_counter_ns

from .. import _public_name
from .._backend import np

__all__ = []

active = False          # a profiler is recording (read by the engine)
_events = []            # the raw events of every running profiler, in start order
_sessions = []          # the options of each running profiler
_installed = []         # (owner, attribute, original), to put back
_options = frozenset()  # what the installed wrappers record
_tracer = None          # with_stack: the Python-call tracer (_profiler_python.py)

_EVALUATE = "autograd::engine::evaluate_function: "
_BACKWARD_SCOPE = 1     # PyTorch's at::RecordScope::BACKWARD_FUNCTION

# Python's operators, by the ATen op PyTorch's profiler shows for them.
_DUNDERS = {
    "__add__": "add", "__radd__": "add", "__sub__": "sub", "__rsub__": "rsub",
    "__mul__": "mul", "__rmul__": "mul", "__truediv__": "div", "__floordiv__": "floor_divide",
    "__mod__": "remainder", "__pow__": "pow", "__rpow__": "pow", "__matmul__": "matmul",
    "__rmatmul__": "matmul", "__neg__": "neg", "__abs__": "abs", "__invert__": "bitwise_not",
    "__and__": "bitwise_and", "__rand__": "bitwise_and", "__or__": "bitwise_or",
    "__ror__": "bitwise_or", "__xor__": "bitwise_xor", "__rxor__": "bitwise_xor",
    "__lshift__": "__lshift__", "__rshift__": "__rshift__",
    "__eq__": "eq", "__ne__": "ne", "__lt__": "lt", "__le__": "le", "__gt__": "gt",
    "__ge__": "ge", "__iadd__": "add_", "__isub__": "sub_", "__imul__": "mul_",
    "__itruediv__": "div_", "__ipow__": "pow_", "__ifloordiv__": "floor_divide_",
    "__imod__": "remainder_", "__iand__": "bitwise_and_", "__ior__": "bitwise_or_",
    "__ixor__": "bitwise_xor_",
}
# Tensor methods outside the registry that PyTorch records, by its name.
_METHODS = {
    "to": "to", "float": "to", "double": "to", "half": "to", "bfloat16": "to", "int": "to",
    "long": "to", "short": "to", "char": "to", "byte": "to", "bool": "to",
    "type_as": "type_as", "view_as": "view_as", "reshape_as": "reshape_as",
    "sum_to_size": "sum_to_size", "new_zeros": "new_zeros", "new_ones": "new_ones",
    "new_full": "new_full", "new_empty": "new_empty", "new_tensor": "new_tensor",
    "copy_": "copy_", "where": "where", "nonzero": "nonzero", "unfold": "unfold",
    "as_strided": "as_strided", "as_strided_": "as_strided_", "bernoulli": "bernoulli",
    "bernoulli_": "bernoulli_", "exponential_": "exponential_", "normal_": "normal_",
    "random_": "random_", "uniform_": "uniform_", "fill_diagonal_": "fill_diagonal_",
    "item": "item",
}
# nn.functional functions that PyTorch records under their ATen op's name.
_FUNCTIONAL = {"cross_entropy": "cross_entropy_loss", "nll_loss": "nll_loss_nd"}
# nn.functional functions whose ATen op takes other arguments than they do:
# the op's arguments, by the function's parameter names (None: one the
# function does not have), for the input-shape column.
_ATEN_ARGS = {
    **{f"max_pool{n}d": ("input", "kernel_size", "stride", "padding", "dilation", "ceil_mode")
       for n in (1, 2, 3)},
    "batch_norm": ("input", "weight", "bias", "running_mean", "running_var", "training",
                   "momentum", "eps", None),
    "elu": ("input", "alpha", None, None),
    "rrelu": ("input", "lower", "upper", "training", None),
}
# Functions whose parameters are their ATen op's, in its order: PyTorch
# records each, given or defaulted.
_ALL_ARGS = {f"{op}{n}d" for op in ("conv", "conv_transpose", "avg_pool") for n in (1, 2, 3)}
_ALL_ARGS.add("linear")
# Functions with `inplace=` that PyTorch runs as `<op>_` when it is true
# (dropout1d/2d/3d and feature_alpha_dropout run ops of other names).
_INPLACE_RENAMED = {"threshold", "relu", "relu6", "elu", "selu", "celu", "rrelu", "hardtanh",
                    "leaky_relu", "hardsigmoid", "hardswish", "silu", "mish", "dropout",
                    "alpha_dropout"}
# The ops PyTorch's composite ops always run inside themselves, innermost
# last, each over the whole call: (name, how many arguments it takes after
# the first `keep` of its parent's), so that tables show the same op names.
# (Kernels below them, which PyTorch picks by dtype and size, are left out.)
def _convolution_chain():
    return (("aten::convolution", 3, 9), ("aten::_convolution", 3, 13))


_CHAINS = {
    **{f"aten::conv{k}{n}d": _convolution_chain() for n in (1, 2, 3)
       for k in ("", "_transpose")},
    "aten::batch_norm": (("aten::_batch_norm_impl_index", 9, 9),
                         ("aten::native_batch_norm", 8, 8)),
    "aten::max_pool2d": (("aten::max_pool2d_with_indices", 6, 6),),
    "aten::max_pool3d": (("aten::max_pool3d_with_indices", 6, 6),),
    "aten::relu": (("aten::clamp_min", 1, 2),),
    "aten::relu_": (("aten::clamp_min_", 1, 2),),
}
# (torch.tensor and friends record no op of their own name; is_complex and
# is_floating_point answer from the dtype without an op, so convolution's
# check of its input records nothing either)
_NOT_OPS = {"tensor", "as_tensor", "from_numpy", "asarray", "is_complex", "is_floating_point"}


def start(options):
    """A profiler starts recording with `options` (a set of "shapes",
    "stack", "flops", "memory"); returns where its events begin."""
    global active
    begin = len(_events)
    _sessions.append(frozenset(options))
    wanted = frozenset().union(*_sessions)
    if not _installed or not wanted <= _options:
        _restore()
        _install(wanted)
    active = True
    return begin


def stop(begin):
    """The profiler that started at `begin` stops: its raw events (ranges
    still open are closed now); the wrappers come off with the last one."""
    global active
    now = perf_counter_ns()
    events = _events[begin:]
    for ev in events:
        if ev[2] == 0:
            ev[2] = now
    if _sessions:
        _sessions.pop()
    if not _sessions:
        _restore()
        _events.clear()
        active = False
    return events


def open_range(name, user=True):
    """A record_function block starts (a no-op when nothing records)."""
    if not active:
        return None
    ev = [name, 0, 0, {"user": user}]
    _events.append(ev)
    ev[1] = perf_counter_ns()
    return ev


def close_range(ev):
    if ev is not None and ev[2] == 0:
        ev[2] = perf_counter_ns()


# --- the wrappers -----------------------------------------------------------

def _install(options):
    global _options, _tracer
    _options = options
    for owner, attr, name in _targets():
        original = owner.__dict__[attr]
        _installed.append((owner, attr, original))
        if isinstance(original, staticmethod):
            setattr(owner, attr, staticmethod(_timed(original.__func__, name, options)))
        else:
            setattr(owner, attr, _timed(original, name, options))
    if "stack" in options:
        from ._profiler_python import Tracer
        _tracer = Tracer(_events)
        _tracer.start()


def _restore():
    global _options, _tracer
    if _tracer is not None:
        _tracer.stop()
        _tracer = None
    while _installed:
        owner, attr, original = _installed.pop()
        setattr(owner, attr, original)
    _options = frozenset()


class _Functional:
    """The event of an nn.functional call, which depends on its arguments:
    `<op>_` under inplace=True, `<op>_with_indices` for a max pool's
    return_indices=True; and the ATen op's arguments, in its order with the
    defaults filled in (for the shapes)."""

    def __init__(self, name, fn, order=None, inplace=False):
        self.name, self.order, self.inplace = name, order, inplace
        self.signature = inspect.signature(fn)

    def resolve(self, args, kwargs):
        """(event name, the arguments to record)."""
        try:
            bound = self.signature.bind(*args, **kwargs)
        except TypeError:           # (the function itself raises its own error)
            return self.name, list(args) + list(kwargs.values())
        bound.apply_defaults()
        given = bound.arguments
        name = self.name
        if self.inplace and given.get("inplace"):
            name += "_"
        elif given.get("return_indices"):
            name += "_with_indices"
        if self.order is not None:
            return name, [given.get(p) if p else None for p in self.order]
        return name, [v for k, v in given.items() if k != "inplace"]


def _timed(fn, name, options):
    append = _events.append
    functional = name if isinstance(name, _Functional) else None
    fixed = isinstance(name, str)   # (else the name depends on the arguments: x[i])
    if not options:
        def op(*args, **kwargs):
            if functional is not None:
                op_name = functional.resolve(args, kwargs)[0]
            else:
                op_name = name if fixed else name(args)
            ev = [op_name, perf_counter_ns(), 0, None]
            append(ev)
            try:
                return fn(*args, **kwargs)
            finally:
                ev[2] = perf_counter_ns()
                if op_name in _CHAINS:
                    _chain(ev)
    else:
        def op(*args, **kwargs):
            if functional is not None:
                op_name, recorded = functional.resolve(args, kwargs)
                info = _details(options, op_name, recorded, {})
            else:
                op_name = name if fixed else name(args)
                info = _details(options, op_name, args, kwargs)
            ev = [op_name, 0, 0, info]
            append(ev)
            ev[1] = perf_counter_ns()
            try:
                out = fn(*args, **kwargs)
            finally:
                ev[2] = perf_counter_ns()
                if op_name in _CHAINS:
                    _chain(ev)
            if "memory" in options:
                info["memory"] = _nbytes(out, args)
            if "flops" in options:
                try:
                    info["flops"] = _flops(op_name, args, out)
                except (IndexError, AttributeError):    # (operands given by keyword)
                    info["flops"] = None
            return out
    op.__name__ = getattr(fn, "__name__", "op")
    op.__qualname__ = getattr(fn, "__qualname__", op.__name__)
    op.__doc__ = fn.__doc__
    op.__wrapped__ = fn
    if getattr(fn, "hooked", False):
        op.hooked = True    # (Optimizer._patch_step_function hooks a class's step once)
    return op


def _targets():
    """(owner, attribute, event name) of every op a user can call."""
    import ember
    from ember import _creation, _sampling
    from ember import nn, linalg, special
    from ember.nn import functional as F
    from ember.ops._registry import REGISTRY
    from ember._subclass_wrappers import _Dispatching
    op_names = set(ember.ops.__all__)
    for info in REGISTRY.values():
        for n in (info.name,) + info.aliases:
            op_names.update((n, n + "_"))
    targets = []
    creation = set(_creation.__all__) | set(_sampling.__all__)
    for attr in sorted((op_names | creation) - _NOT_OPS):
        if _is_function(vars(ember).get(attr)):
            targets.append((ember, attr, "aten::" + attr))
    for module, prefix in ((linalg, "linalg_"), (special, "special_")):
        for attr in module.__all__:
            if _is_function(vars(module).get(attr)):
                targets.append((module, attr, "aten::" + prefix + attr))
    functional = {}
    for attr in F.__all__:
        if _is_function(vars(F).get(attr)):
            fn = vars(F)[attr]
            name = "aten::" + _FUNCTIONAL.get(attr, attr)
            if attr in _ATEN_ARGS or attr in _INPLACE_RENAMED or attr in _ALL_ARGS:
                name = _Functional(name, fn, _ATEN_ARGS.get(attr), attr in _INPLACE_RENAMED)
            functional[id(fn)] = name
            if isinstance(fn, _Dispatching):    # (a module may hold the function it replaced)
                functional[id(fn.__wrapped__)] = name
            targets.append((F, attr, name))
    targets += _module_functions(nn.Module, functional)
    targets += _optimizer_methods()
    for attr, value in list(vars(ember.Tensor).items()):
        if not isinstance(value, types.FunctionType):
            continue
        if attr in _DUNDERS:
            targets.append((ember.Tensor, attr, "aten::" + _DUNDERS[attr]))
        elif attr in _METHODS or (attr in op_names - _NOT_OPS and not attr.startswith("_")):
            targets.append((ember.Tensor, attr, "aten::" + _METHODS.get(attr, attr)))
    targets.append((ember.Tensor, "__getitem__", _getitem_name))
    targets.append((ember.Tensor, "__setitem__", _setitem_name))
    return targets


def _chain(ev):
    """The ops PyTorch runs inside `ev`'s (_CHAINS), as events over its range
    (nested by the parser: the same start, the same end, recorded after it);
    their shapes are the parent's first arguments and empty ones."""
    shapes = ev[3].get("shapes") if ev[3] else None
    for child, keep, count in _CHAINS[ev[0]]:
        info = None
        if shapes is not None:
            shapes = shapes[:keep] + [[]] * (count - min(keep, len(shapes)))
            info = {"shapes": shapes}
        _events.append([child, ev[1], ev[2], info])


def _subclasses(base):
    found, classes = [], [base]
    while classes:
        cls = classes.pop()
        if cls not in found:
            found.append(cls)
            classes.extend(cls.__subclasses__())
    return found


def _optimizer_methods():
    """Optimizer.step and zero_grad, named as PyTorch's optimizers name
    their ranges ("Optimizer.step#SGD.step")."""
    from ..optim import Optimizer
    found = []
    for cls in _subclasses(Optimizer):
        for method in ("step", "zero_grad"):
            if isinstance(vars(cls).get(method), types.FunctionType):
                found.append((cls, method, partial(_optimizer_range, method)))
    return found


def _optimizer_range(method, args):
    name = type(args[0]).__name__
    return f"Optimizer.{method}#{name}.{method}"


def _module_functions(base, functional):
    """Modules that hold their functional as a class attribute
    (`_function = staticmethod(F.relu)`): those attributes too."""
    found = []
    for cls in _subclasses(base):
        for attr, value in vars(cls).items():
            if isinstance(value, staticmethod) and id(value.__func__) in functional:
                found.append((cls, attr, functional[id(value.__func__)]))
    return found


def _is_function(value):
    return callable(value) and not isinstance(value, type)


def _key_kinds(key):
    from .._tensor import Tensor
    parts = key if isinstance(key, tuple) else (key,)
    if any(isinstance(k, (Tensor, list, np.ndarray)) for k in parts):
        return "index"
    for k in parts:
        if isinstance(k, (bool, np.bool_)) or k is None:
            return "unsqueeze"
        if isinstance(k, (int, np.integer)):
            return "select"
        if isinstance(k, slice) and k != slice(None):
            return "slice"
    return "alias"


def _getitem_name(args):
    """x[0] is PyTorch's aten::select, x[1:] aten::slice, x[idx] aten::index."""
    return "aten::" + _key_kinds(args[1])


def _setitem_name(args):
    if _key_kinds(args[1]) == "index":
        return "aten::index_put_"
    from .._tensor import Tensor
    return "aten::copy_" if isinstance(args[2], Tensor) else "aten::fill_"


# --- what record_shapes, with_flops and profile_memory add -----------------

def _shape(a):
    from .._tensor import Tensor
    return list(a._data.shape) if isinstance(a, Tensor) else []


# Ops whose ATen schema ends in an `alpha` that PyTorch records when it is
# not given (aten::add [[3], [3], []]): their arguments, at least.
_WITH_ALPHA = {f"aten::{op}": 3 for op in ("add", "add_", "sub", "sub_", "rsub")}


def _details(options, name, args, kwargs):
    info = {}
    if "shapes" in options:
        shapes = [_shape(a) for a in args] + [_shape(v) for v in kwargs.values()]
        shapes += [[]] * (_WITH_ALPHA.get(name, 0) - len(shapes))
        info["shapes"] = shapes
    return info


def _nbytes(out, args=None):
    """Bytes the op's result(s) allocated: none for an input returned (an
    in-place op) or a view of one; a view of an array the op made itself (a
    reshaped product) counts. Without the inputs (`args` None), no view."""
    from .._tensor import Tensor
    if isinstance(out, (tuple, list)):
        return sum(_nbytes(o, args) for o in out)
    if isinstance(out, Tensor):
        if args is not None and any(out is a for a in args):
            return 0
        out = out._data
    if not isinstance(out, np.ndarray):
        return 0
    if out.base is not None and (args is None or any(
            isinstance(a, Tensor) and np.may_share_memory(out, a._data) for a in args)):
        return 0
    return int(out.nbytes)


def _flops(name, args, out):
    """PyTorch's FLOP formulas: matrix products and convolutions 2*M*N*K,
    elementwise mul and add one per output element; None for other ops."""
    from .._tensor import Tensor
    if not isinstance(out, Tensor):
        return None
    n_out = int(out._data.size)
    op = name[6:]
    if op in ("mm", "matmul", "bmm", "linear"):
        k = args[1]._data.shape[-1] if op == "linear" else args[0]._data.shape[-1]
        return 2 * n_out * int(k)
    if op in ("addmm", "baddbmm"):
        return 2 * n_out * int(args[1]._data.shape[-1])
    if op.startswith("conv") and "transpose" not in op:
        w = args[1]._data.shape
        return 2 * n_out * int(np.prod(w[1:]))
    if op in ("mul", "add", "mul_", "add_"):
        return n_out
    return None


# --- the engine's nodes ------------------------------------------------------

def timed_nodes(node_gradients, accumulate):
    """The engine's two steps for a node, timed as PyTorch names them: an
    "evaluate_function" range holding the node's own (its formulas, or the
    accumulation into a leaf's .grad). With record_shapes the shape of the
    arriving gradient; with profile_memory the bytes of those the node makes."""
    append = _events.append
    shapes, memory = "shapes" in _options, "memory" in _options

    def timed(name, step, args):
        info = {"scope": _BACKWARD_SCOPE}
        if shapes:
            grad = args[1]
            info["shapes"] = [list(g.shape) for g in (grad if isinstance(grad, list) else [grad])
                              if g is not None]
        outer = [_EVALUATE + name, perf_counter_ns(), 0, info]
        inner = [name, 0, 0, info]
        append(outer)
        append(inner)
        inner[1] = perf_counter_ns()
        try:
            out = step(*args)
        finally:
            inner[2] = perf_counter_ns()
            outer[2] = perf_counter_ns()
        if memory:
            info["memory"] = _nbytes(out)
        return out

    def gradients(node, *rest):
        return timed(node.name(), node_gradients, (node,) + rest)

    def accumulated(variable, grad, create_graph, hooked=False):
        return timed(f"{_public_name.name}::autograd::AccumulateGrad", accumulate,
                     (variable, grad, create_graph, hooked))

    return gradients, accumulated
