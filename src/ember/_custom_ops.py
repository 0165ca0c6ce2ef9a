"""Custom operators (torch.library.custom_op) as Ember runs them: eagerly.

A CustomOpDef is what PyTorch's dispatcher would make of a Python function:
calling it picks the kernel for the inputs' device (or the fake kernel for
meta tensors), runs it below autograd, bumps the version of the arguments
it declares mutated, refuses outputs that alias inputs, and, when an input
requires grad, records one node, `GeneratedBackwardFor_<ns>_<op>_defaultBackward`,
whose backward is the formula given to `register_autograd`.
"""
import inspect
import logging

from . import _op_namespaces
from ._library_schema import parse_schema
from ._tensor import Tensor
from .autograd.function import Function
from .autograd.grad_mode import _state, no_grad

__all__ = ["CustomOpDef", "OPDEFS", "lookup", "map_tensors", "tensors_of"]

log = logging.getLogger("ember.library")
# "namespace::name" -> CustomOpDef
OPDEFS = {}
_BACKENDS = {"cpu": "CPU", "cuda": "CUDA", "meta": "Meta", "mps": "MPS", "xpu": "XPU"}


def lookup(op):
    """The CustomOpDef of `op`: itself, its OpOverload(Packet), or "ns::name"."""
    if isinstance(op, CustomOpDef):
        return op
    if isinstance(op, (_op_namespaces.OpOverload, _op_namespaces.OpOverloadPacket)):
        op = f"{op.namespace}::{op._opname}"
    if not isinstance(op, str):
        raise ValueError(f"Expected op to be a CustomOpDef, OpOverload or str, got {type(op)}")
    if op not in OPDEFS:
        raise ValueError(f"Operator {op} was not defined with torch.library "
                         "(custom_op, or Library.define / torch.library.define)")
    return OPDEFS[op]


class CustomOpDef:
    """A custom operator: call it like the function it wraps; register its
    kernels, fake kernel and gradient on it."""

    def __init__(self, namespace, name, schema, fn, signature=None):
        self._namespace, self._name, self._schema = namespace, name, schema
        self._init_fn = fn
        self._parsed = parse_schema(schema)
        self._signature = signature or inspect.signature(fn)
        self._kwarg_only = any(a.kwarg_only for a in self._parsed.arguments)
        self._backend_fns = {}
        self._abstract_fn = None
        self._setup_context_fn = self._backward_fn = None
        self._vmap_fn = None
        self._autocast_dtype = {}
        self._disabled_kernel = set()
        # Library-defined ops: a kernel registered for CompositeImplicitAutograd
        # (or Autograd) is differentiated through the ops it runs.
        self._composite = None
        self._autograd = type(f"GeneratedBackwardFor_{namespace}_{name}_default", (Function,),
                              {"forward": staticmethod(self._forward),
                               "backward": staticmethod(self._backward)})
        packet = _op_namespaces.register(namespace, name, self,
                                         f"{namespace}::{name}{schema}")
        self._opoverload = packet.default
        OPDEFS[self._qualname] = self

    @property
    def _qualname(self):
        return f"{self._namespace}::{self._name}"

    def __repr__(self):
        return f"<CustomOpDef({self._qualname})>"

    # -- registration ---------------------------------------------------------------
    def register_kernel(self, device_types, fn=None, /):
        """Use `fn` for inputs on these device types ("cpu", ...; None: any)."""
        def inner(fn):
            kinds = [device_types] if device_types is None or isinstance(device_types, str) \
                else list(device_types)
            for kind in kinds:
                def kernel(*args, _kind=kind, _fn=fn, **kwargs):
                    if _kind in self._disabled_kernel:
                        return self._init_fn(*args, **kwargs)
                    return _fn(*args, **kwargs)
                self._backend_fns[kind] = kernel
            return fn
        if device_types is not None and not self._has_tensor_arg() and not any(
                a.type.startswith("Device") for a in self._parsed.arguments):
            raise ValueError("Functions without tensor inputs are required to have a "
                             "`device: torch.device` argument")
        return inner if fn is None else inner(fn)

    def register_fake(self, fn, /):
        """The kernel for meta tensors: shapes and dtypes, no data."""
        self._abstract_fn = fn
        return fn

    def register_autograd(self, backward, /, *, setup_context=None):
        """backward(ctx, *grads) gives one gradient per input;
        setup_context(ctx, inputs, output) saves what it needs in forward."""
        if not self._parsed.is_functional():
            raise RuntimeError(
                f"Cannot register autograd formula for non-functional operator {self} with "
                f"schema {self._opoverload._schema}. Please create a functional operator "
                "and register an autograd formula for that.")
        self._backward_fn, self._setup_context_fn = backward, setup_context

    def register_vmap(self, fn=None, /):
        """Accepted for torch.func: Ember's vmap runs the op per sample, which
        gives what a correct rule gives. Returns None, as PyTorch's (so a
        function it decorates is None after), or the decorator without `fn`."""
        def register(fn):
            self._vmap_fn = fn
        return register if fn is None else register(fn)

    def register_autocast(self, device_type, cast_inputs):
        """Under autocast on `device_type`, floating tensor inputs are cast to
        `cast_inputs` first."""
        self._autocast_dtype[device_type] = cast_inputs

    def register_torch_dispatch(self, torch_dispatch_class, fn=None, /):
        raise NotImplementedError("register_torch_dispatch: Ember has no __torch_dispatch__ "
                                  "tensor subclasses")

    def set_kernel_enabled(self, device_type, enabled=True):
        """A context manager: with the `device_type` kernel disabled (or
        enabled again), the function the op was defined with runs instead."""
        return _KernelEnabled(self, device_type, enabled)

    # -- calling ----------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        args, kwargs = self._bind(args, kwargs)
        tensors = tensors_of(args, kwargs)
        if any(t.is_meta for t in tensors):
            return self._fake(args, kwargs)
        kind = tensors[0].device.type if tensors else self._device_arg(args, kwargs)
        cast = self._autocast_dtype.get(kind)
        if cast is not None:
            from .amp._state import is_autocast_enabled
            if is_autocast_enabled(kind):
                def to_cast(t):
                    return t.to(cast) if t.is_floating_point() else t
                args, kwargs = map_tensors(args, to_cast), map_tensors(kwargs, to_cast)
                tensors = tensors_of(args, kwargs)
        if self._composite is not None:
            return self._composite(*args, **kwargs)
        tracked = _state.enabled and any(t.requires_grad for t in tensors)
        if tracked and self._init_fn is None and self._backward_fn is None:
            # An op declared by Library.define with a backend kernel and no
            # gradient formula: as PyTorch's autograd fallback, autograd
            # follows the kernel's own ops.
            return self._run(kind, args, kwargs, below_autograd=False)
        if tracked and self._parsed.is_functional():
            flat, structure = _flatten(args)
            result = self._autograd.apply(*flat, _Meta(structure, kwargs, kind))
            return list(result) if self._parsed.returns == "Tensor[]" else result
        with no_grad():
            return self._run(kind, args, kwargs)

    def _run(self, kind, args, kwargs, below_autograd=True):
        kernel = self._backend_fns.get(kind) or self._backend_fns.get(None)
        if kernel is None:
            raise NotImplementedError(
                f"Could not run '{self._qualname}' with arguments from the "
                f"'{_BACKENDS.get(kind, kind)}' backend. This could be because the operator "
                "doesn't exist for this backend.")
        if below_autograd:
            # its tensors require no grad (so .numpy() works on them), as
            # PyTorch's dispatcher hands them over below autograd
            result = kernel(*map_tensors(args, Tensor.detach),
                            **map_tensors(kwargs, Tensor.detach))
        else:
            result = kernel(*args, **kwargs)
        for a, value in zip(self._parsed.arguments, (*args, *kwargs.values())):
            if a.mutable:
                for t in _tensors_in(value):
                    t._bump()
        self._check_aliasing(args, kwargs, result, kernel)
        return result

    def _check_aliasing(self, args, kwargs, result, kernel):
        inputs = [_root(t) for t in tensors_of(args, kwargs)]
        seen = []
        for out in _tensors_in(result):
            root = _root(out)
            if any(root is r for r in inputs) or any(root is r for r in seen):
                raise RuntimeError(
                    f"{self._name} (with implementation in {inspect.getmodule(kernel)}): The "
                    "output of this custom operator (1) must not also be an input to this "
                    "custom operator and (2) may not alias any inputs to this custom operator "
                    "or other returns. The most common way to trigger this error is if we have "
                    "y = custom_op(x) and y and x are the same Tensor. Please instead return a "
                    "clone of the offending output tensor(s) (e.g. return x.clone()) or "
                    "refactor the custom operator to not return y.")
            seen.append(root)

    def _fake(self, args, kwargs):
        if self._abstract_fn is None:
            if self._parsed.returns == "()":
                return None         # (a mutating op returning nothing needs no fake kernel)
            raise RuntimeError(
                f"There was no fake impl registered for {self}. This is necessary for "
                "torch.compile/export/fx tracing to work. Please use "
                f"`{getattr(self._init_fn, '__name__', self._name)}.register_fake` to add "
                "an fake impl.")
        return self._abstract_fn(*args, **kwargs)

    # the generated autograd.Function's forward and backward
    def _forward(self, ctx, *flat):
        meta = flat[-1]
        args = _unflatten(flat[:-1], meta.structure)
        result = self._run(meta.kind, args, meta.kwargs)
        if self._setup_context_fn is not None:
            if self._kwarg_only:
                self._setup_context_fn(ctx=ctx, inputs=args, keyword_only_inputs=meta.kwargs,
                                       output=result)
            else:
                self._setup_context_fn(ctx=ctx, inputs=args, output=result)
        ctx._custom_structure = meta.structure
        return tuple(result) if isinstance(result, list) else result

    def _backward(self, ctx, *grads):
        if self._backward_fn is None:
            raise RuntimeError(
                f"Trying to backward through {self._opoverload} but no autograd formula was "
                "registered. Please use register_autograd to add one.")
        structure = ctx._custom_structure
        flat_needs = ctx.needs_input_grad
        ctx.needs_input_grad = _unflatten(flat_needs[:-1], structure)
        try:
            result = self._backward_fn(ctx, *grads)
        finally:
            ctx.needs_input_grad = flat_needs
        if not isinstance(result, tuple):
            result = (result,)
        flat, _ = _flatten(result, structure)
        return (*flat, None)

    # -- helpers ----------------------------------------------------------------------
    def _bind(self, args, kwargs):
        """(every positional argument, defaults filled; keyword-only ones)."""
        bound = self._signature.bind(*args, **kwargs)
        bound.apply_defaults()
        kw = {a.name for a in self._parsed.arguments if a.kwarg_only}
        positional = tuple(v for k, v in bound.arguments.items() if k not in kw)
        return positional, {k: v for k, v in bound.arguments.items() if k in kw}

    def _has_tensor_arg(self):
        return any(a.type.startswith("Tensor") for a in self._parsed.arguments)

    def _device_arg(self, args, kwargs):
        values = (*args, *kwargs.values())
        for a, v in zip(self._parsed.arguments, values):
            if a.type.startswith("Device") and v is not None:
                from ._device import device
                return device(v).type
        return "cpu"


class _Meta:
    """The last argument of the generated Function: what is not a tensor input."""
    def __init__(self, structure, kwargs, kind):
        self.structure, self.kwargs, self.kind = structure, kwargs, kind


class _KernelEnabled:
    def __init__(self, op, kind, enabled):
        self.op, self.kind, self.enabled = op, kind, enabled

    def __enter__(self):
        op, kind = self.op, self.kind
        self.was_disabled = kind in op._disabled_kernel
        action = "enable" if self.enabled else "disable"
        if kind not in op._backend_fns:
            log.warning("Attempted to %s kernel for %s but no kernel was registered for this "
                        "device type.", action, kind)
        if self.enabled:
            op._disabled_kernel.discard(kind)
        else:
            op._disabled_kernel.add(kind)

    def __exit__(self, *exc):
        if self.was_disabled:
            self.op._disabled_kernel.add(self.kind)
        else:
            self.op._disabled_kernel.discard(self.kind)


def _tensors_in(value):
    if isinstance(value, Tensor):
        return (value,)
    if isinstance(value, (list, tuple)):
        return tuple(v for v in value if isinstance(v, Tensor))
    return ()


def tensors_of(args, kwargs):
    """The tensors among an op's arguments, in lists too."""
    return [t for v in (*args, *kwargs.values()) for t in _tensors_in(v)]


def map_tensors(values, fn):
    """`values` (a tuple of arguments or a dict of keyword ones) with fn
    applied to each tensor, in lists too."""
    def one(v):
        if isinstance(v, Tensor):
            return fn(v)
        if isinstance(v, (list, tuple)):
            return type(v)(one(x) for x in v)
        return v
    if isinstance(values, dict):
        return {k: one(v) for k, v in values.items()}
    return tuple(one(v) for v in values)


def _root(t):
    a = t._data
    while getattr(a, "base", None) is not None:
        a = a.base
    return a


def _flatten(values, structure=None):
    """Lists of tensors spread out (autograd.Function tracks only direct
    tensor arguments); `structure` records each list's length (None: not a list)."""
    flat, lengths = [], []
    for i, v in enumerate(values):
        is_list = isinstance(v, (list, tuple)) if structure is None else structure[i] is not None
        if is_list:
            items = list(v) if v is not None else [None] * structure[i]
            flat.extend(items)
            lengths.append(len(items))
        else:
            flat.append(v)
            lengths.append(None)
    return flat, tuple(lengths)


def _unflatten(flat, structure):
    out, i = [], 0
    for n in structure:
        if n is None:
            out.append(flat[i])
            i += 1
        else:
            out.append(list(flat[i:i + n]))
            i += n
    return tuple(out)
