"""Custom differentiable functions: subclass Function, write forward and
backward as static methods, call `.apply(...)`, as in PyTorch.

`apply` runs forward with grad mode off, then records one node for the
call (its class is `<Name>Backward`, made per Function by the metaclass):
every tensor output that is differentiable points at it, dirty inputs
(changed in place by forward) take it as their new history, and the
saved tensors are frozen with their versions."""
import functools
import inspect


from .._backend import np
from .. import _dtype as D
from . import _forward
from ._retain import follow as follow_retain
from ._function_node import BackwardCFunction, Error, FunctionCtx, _pack
from .grad_mode import _state

__all__ = ["Function", "FunctionCtx", "once_differentiable", "BackwardCFunction"]


class _FunctionMeta(type):
    def __init__(cls, name, bases, attrs):
        super().__init__(name, bases, attrs)
        # Each Function gets its own node class, named as PyTorch names it.
        cls._backward_cls = type(name + "Backward", (BackwardCFunction,),
                                 {"_forward_cls": cls})


class Function(metaclass=_FunctionMeta):
    """Base class of custom autograd operations (torch.autograd.Function)."""

    # For vmap of a Function: run it once per sample (without a vmap staticmethod).
    generate_vmap_rule = False
    # Ember's own Functions stand for PyTorch's built-in ops, which torch.func
    # transforms take without setup_context.
    _builtin = False

    def __init__(self, *args, **kwargs):
        import warnings
        warnings.warn(f"{type(self)} should not be instantiated. Methods on autograd "
                      "functions are all static, so you should invoke them on the class "
                      "itself. Instantiating an autograd function will raise an error in a "
                      "future version of PyTorch.", DeprecationWarning, stacklevel=2)

    def __call__(self, *args, **kwargs):
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please "
            "use new-style autograd function with static forward method. (Example: "
            "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def forward(*args, **kwargs):
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD.")

    # vjp and backward are aliases of each other
    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError(
            "You must implement the jvp function for custom autograd.Function to use it "
            "with forward mode AD.")

    @staticmethod
    def vmap(info, in_dims, *args):
        raise NotImplementedError(
            "To use autograd.Function with vmap, you must either override the vmap "
            "staticmethod or set generate_vmap_rule=True.")

    @classmethod
    def _backward_fn(cls):
        if cls.backward is not Function.backward and cls.vjp is not Function.vjp:
            raise RuntimeError(
                "Implementing both 'backward' and 'vjp' for a custom Function is not "
                "allowed. You should only implement one of them.")
        return cls.vjp if cls.vjp is not Function.vjp else cls.backward

    @classmethod
    def apply(cls, *args, **kwargs):
        from .._tensor import Tensor
        vmapped = Function.__dict__["apply"].__func__
        if vmapped is not _unwrapped_apply:
            # (vmap is running, and this `apply` was taken before it wrapped
            # Function.apply: batched inputs go to the wrapper all the same)
            from ..func._vmap import BatchedTensor
            if any(isinstance(a, BatchedTensor) for a in args):
                return vmapped(cls, *args, **kwargs)
        uses_setup = cls.setup_context is not Function.setup_context
        if not uses_setup and func_transforms[0] and not cls._builtin:
            raise RuntimeError(NEEDS_SETUP_CONTEXT)
        if uses_setup:
            # setup_context sees every input, defaults included.
            bound = inspect.signature(cls.forward).bind(*args, **kwargs)
            bound.apply_defaults()
            args, kwargs = bound.args, bound.kwargs
        elif kwargs:
            args, kwargs = _merge_keywords(cls.forward, args, kwargs), {}
        tracked = _state.enabled and any(
            isinstance(a, Tensor) and a._requires_grad for a in args)
        ctx = cls._backward_cls()
        ctx.needs_input_grad = tuple(tracked and isinstance(a, Tensor) and a._requires_grad
                                     for a in args)
        from ..ops import _common
        dual = _common.forward_ad and _forward.tangents_of(args) is not None
        prev = _state.enabled
        # forward runs untracked: its own ops record nothing and get no
        # tangents (forward mode goes through the Function's jvp)
        _state.enabled = False
        try:
            with _common.tangents_paused():
                if uses_setup:
                    output = _forward_in_transform(cls, args, kwargs) if tracked and \
                        func_transforms[0] else cls.forward(*args, **kwargs)
                    cls.setup_context(ctx, args, output)
                else:
                    output = cls.forward(ctx, *args, **kwargs)
        finally:
            _state.enabled = prev
        result = _record(ctx, args, output, tracked)
        if dual:
            _forward_tangents(cls, ctx, args, result)
        return result


# How many torch.func transforms (grad, vjp, jvp, jacrev, ...) are running
# (func/ counts them): inside any of them, even on inputs they do not
# transform, a Function needs setup_context, as PyTorch's functorch requires.
_unwrapped_apply = Function.__dict__["apply"].__func__

func_transforms = [0]


def refuse_in_func_transform():
    """Tensor.requires_grad_()'s refusal inside a torch.func transform
    (vmap, grad, jvp, ...), as PyTorch's functorch refuses it."""
    from ..func._vmap import _levels
    if func_transforms[0] > 0 or _levels:
        raise RuntimeError(
            "You are attempting to call Tensor.requires_grad_() (or perhaps using "
            "torch.autograd.functional.* APIs) inside of a function being transformed by a "
            "functorch transform. This is unsupported, please attempt to use the functorch "
            "transforms (e.g. grad, vjp, jacrev, jacfwd, hessian) or call requires_grad_() "
            "outside of a function being transformed instead.")


NEEDS_SETUP_CONTEXT = (
    "In order to use an autograd.Function with functorch transforms (vmap, grad, jvp, "
    "jacrev, ...), it must override the setup_context staticmethod. For more details, please "
    "see https://pytorch.org/docs/main/notes/extending.func.html")


# The engine releases a node whose `_kept` is non-empty; a ctx is released
# even when it saved nothing (its saved_tensors then raise, as PyTorch's).
_RELEASE = (None,)


def _forward_in_transform(cls, args, kwargs):
    """forward inside a torch.func transform: PyTorch's functorch runs it on
    the inputs unwrapped from the transform, tensors that do not require
    grad (so forward may call .numpy() on them); an input it returns as is
    is the input again for setup_context and the outputs."""
    from .._tensor import Tensor
    inner = tuple(a.detach() if isinstance(a, Tensor) and a._requires_grad else a for a in args)
    output = cls.forward(*inner, **kwargs)
    # (PyTorch applies the Function there, on the unwrapped inputs, so its
    # setup_context runs once for that call too, before the transform's own)
    cls.setup_context(cls._backward_cls(), inner, output)
    outer = {id(i): a for i, a in zip(inner, args) if i is not a}
    if isinstance(output, tuple):
        return tuple(outer.get(id(o), o) for o in output)
    return outer.get(id(output), output)


def _merge_keywords(forward, args, kwargs):
    """As PyTorch's apply: keywords name forward's parameters (after ctx) and
    join the positional inputs, so a tensor passed by keyword is an input
    too. Defaults are not filled in: every place up to the last keyword
    must be given."""
    code = getattr(forward, "__code__", None)
    if code is None:
        raise TypeError("forward().__code__ is not a code object")
    names = code.co_varnames[1:code.co_argcount]
    slots = {}
    for name, value in kwargs.items():
        if name not in names:
            raise TypeError(f"forward() got an unexpected keyword argument '{name}'")
        pos = names.index(name)
        if pos < len(args):
            raise TypeError(f"forward() got multiple values for argument '{name}'")
        slots[pos] = value
    merged = list(args)
    for pos in range(len(args), max(slots) + 1):
        if pos not in slots:
            raise TypeError(f"forward() missing required argument: '{names[pos]}' "
                            f"(position {pos})")
        merged.append(slots[pos])
    return tuple(merged)


def _forward_tangents(cls, ctx, args, result):
    """Forward mode through a custom Function: its jvp gives the outputs'
    tangents from the inputs' (zeros for a tensor input without one)."""
    from .._tensor import Tensor
    from ..ops import _common
    if cls.jvp is Function.jvp:
        Function.jvp(ctx)
    tangents = []
    for a in args:
        t = _forward.tangent(a) if isinstance(a, Tensor) else None
        if t is None and isinstance(a, Tensor):
            t = Tensor._wrap(np.zeros(a._data.shape, a._data.dtype))
        tangents.append(t)
    ctx._in_jvp = True
    try:
        with _common.tangents_paused():
            grads = cls.jvp(ctx, *tangents)
    finally:
        ctx._in_jvp = False
    outs = result if isinstance(result, tuple) else (result,)
    grads = grads if isinstance(grads, tuple) else (grads,)
    if len(grads) != len(outs):
        raise RuntimeError(f"jvp function returned an incorrect number of forward gradients "
                           f"(expected {len(outs)}, got {len(grads)})")
    for o, g in zip(outs, grads):
        if isinstance(o, Tensor) and g is not None and D.can_require_grad(o._data.dtype):
            _forward.set_tangent(o, g)


def _record(ctx, args, output, tracked):
    """Point the differentiable outputs at `ctx`, the call's node."""
    from .._tensor import Tensor
    from ..ops._common import edge
    outs = output if isinstance(output, tuple) else (output,)
    # (PyTorch's two messages end there, without naming the argument.)
    if not all(isinstance(d, Tensor) for d in ctx._dirty):
        raise RuntimeError("mark_dirty can only accept variables, but argument ")
    if not all(isinstance(t, Tensor) for t in ctx._non_differentiable):
        raise RuntimeError("mark_non_differentiable only accepts variable arguments, but got ")
    for d in ctx._dirty:
        if not any(d is o for o in outs):
            raise RuntimeError(
                "Some elements marked as dirty during the forward method were not returned "
                "as output. The inputs that are modified inplace must all be outputs of the "
                "Function.")
    for d in ctx._dirty:
        d._bump()       # (a second time, if forward used an in-place op: as PyTorch)
    tensor_args = [a for a in args if isinstance(a, Tensor)]
    if tracked:
        for d in ctx._dirty:
            if not any(d is a for a in args):
                from .._settings import warn_at_caller
                warn_at_caller("ctx.mark_dirty() received a tensor that was not an input. Only "
                               "input Tensors that have been mutated should be passed to "
                               "ctx.mark_dirty().",
                               cpp="torch/csrc/autograd/custom_function.cpp:320")
            _check_dirty(d)
        ctx._is_tensor = tuple(isinstance(a, Tensor) for a in args)
        ctx._in_shapes = tuple(a._data.shape for a in tensor_args)
        ctx.next_functions = tuple(edge(a) for a in tensor_args)
        ctx._shape = tuple(o._data.shape if isinstance(o, Tensor) else None for o in outs)
        ctx._dtype = tuple(o._data.dtype if isinstance(o, Tensor) else None for o in outs)
    results = []
    for k, o in enumerate(outs):
        if isinstance(o, Tensor):
            o = _as_output(ctx, o, k, tensor_args, tracked)
        results.append(o)
    if tracked:
        _pack(ctx, results)
        ctx._kept = _RELEASE       # so the engine calls ctx._release() after use
    return tuple(results) if isinstance(output, tuple) else results[0]


def _check_dirty(t):
    from ..ops.inplace import VIEW_OF_LEAF_MESSAGE
    if t._requires_grad and t._grad_fn is None:
        raise RuntimeError(
            "a leaf Variable that requires grad has been used in an in-place operation.")
    base = t._base
    if base is not None and base._requires_grad and base._grad_fn is None:
        raise RuntimeError(VIEW_OF_LEAF_MESSAGE)


def _as_output(ctx, o, k, tensor_args, tracked):
    """One tensor output, as PyTorch's _wrap_outputs treats it: an input
    returned unchanged becomes a view of it, an output that must not carry
    history is detached (an input: a detached alias), the rest point at ctx."""
    is_input = any(o is t for t in tensor_args)
    dirty = any(o is d for d in ctx._dirty)
    if not (tracked and D.can_require_grad(o._data.dtype)
            and not any(o is t for t in ctx._non_differentiable)):
        if not o._requires_grad:
            return _view_of(o) if is_input and not dirty else o
        if is_input:
            return o.detach()
        if o._base is None:
            o._grad_fn = None
            o._requires_grad = False
        return o
    if dirty and o._base is not None and o._base._requires_grad:
        _rebase_view(ctx, o, tensor_args)
        return o
    if is_input and not dirty:
        o = _view_of(o)
    o._grad_fn = ctx
    o._requires_grad = True
    o._output_nr = k
    if dirty and "_retain_at" in o.__dict__:
        follow_retain(o)    # its retain_grad moves to ctx, as after any in-place op
    return o


def _view_of(t):
    """A view of all of `t` (what PyTorch makes of an input returned as is)."""
    from .._tensor import Tensor
    view = Tensor._wrap(t._data)
    view._base = t._base if t._base is not None else t
    view._vc = t._share_vc()
    return view


def _rebase_view(ctx, view, tensor_args):
    """A view changed in place by forward: its base takes the new history
    (CopySlices), as an in-place op on a view does (ops/inplace.py)."""
    from .._tensor import Tensor
    from ..ops.inplace import _rebase, view_node
    at = next((j for j, t in enumerate(tensor_args) if t is view), None)
    if at is None or len(ctx._shape) != 1:
        raise RuntimeError("ember: mark_dirty on a view is supported for a view that is an "
                           "input of a Function of one output only")
    base = view._base
    result = Tensor._from_node(view._data, _ViewFirst(ctx, at))
    view._grad_fn = view_node(base, view, _rebase(base, view, result))
    view._requires_grad = True
    if "_retain_at" in view.__dict__:
        follow_retain(view)


class _ViewFirst:
    """`ctx` as CopySlices runs an in-place op's node: one output, and the
    changed view as its first input (the others follow in order)."""
    __slots__ = ("ctx", "order")
    _simple = False

    def __init__(self, ctx, at):
        self.ctx = ctx
        self.order = (at,) + tuple(i for i in range(len(ctx.next_functions)) if i != at)

    @property
    def next_functions(self):
        return tuple(self.ctx.next_functions[i] for i in self.order)

    def apply(self, xp, grad, create_graph, needs):
        own = [False] * len(needs)
        for pos, i in enumerate(self.order):
            own[i] = needs[pos]
        grads = self.ctx.apply(xp, [grad], create_graph, own)
        return tuple(grads[i] for i in self.order)

    def _release(self):
        self.ctx._release()


def once_differentiable(fn):
    """A backward that cannot itself be differentiated: it runs without
    recording, and its results, when an input requires grad, point at a
    node that raises if a second backward reaches it."""

    @functools.wraps(fn)
    def wrapper(ctx, *args, **kwargs):
        from .._tensor import Tensor
        from ..ops._common import edge
        prev = _state.enabled
        _state.enabled = False
        try:
            outputs = fn(ctx, *args, **kwargs)
        finally:
            _state.enabled = prev
        if not prev or not any(isinstance(a, Tensor) and a._requires_grad for a in args):
            return outputs
        outs = outputs if isinstance(outputs, tuple) else (outputs,)
        fakes = [Tensor._wrap(o._data, True) if isinstance(o, Tensor) else None for o in outs]
        err = Error(tuple(edge(f) for f in fakes if f is not None), (), (), None,
                           tuple(None if f is None else f._data.shape for f in fakes),
                           tuple(None if f is None else f._data.dtype for f in fakes))
        results = []
        for k, f in enumerate(fakes):
            if f is not None:
                f = Tensor._from_node(f._data, err)
                f._output_nr = k
            results.append(f)
        return tuple(results) if isinstance(outputs, tuple) else results[0]

    return wrapper


class InplaceFunction(Function):
    """Kept for backward compatibility, as torch's."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace


class NestedIOFunction(Function):
    pass

