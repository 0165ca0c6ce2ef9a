"""torch.library: define your own operators in Python.

    @torch.library.custom_op("mylib::crop", mutates_args=())
    def crop(pic: torch.Tensor, box: Sequence[int]) -> torch.Tensor: ...

    crop.register_fake(...)                        # shapes for meta tensors
    crop.register_autograd(backward, setup_context=setup_context)
    torch.library.opcheck(crop, (img, [0, 0, 4, 4]))

The op is then also `torch.ops.mylib.crop`. Ember runs eagerly, so what
PyTorch's dispatcher does with the registrations happens at the call
(_custom_ops.py); `torch.compile` is eager too, so a fake kernel serves meta
tensors. The older `Library(...).define/impl` API declares ops from schema
strings.
"""
import inspect
import warnings

from . import _op_namespaces
from ._custom_ops import OPDEFS, CustomOpDef, _tensors_in, lookup, map_tensors, tensors_of
from ._library_schema import infer_schema, parse_schema

__all__ = ["Library", "impl", "define", "fallthrough_kernel", "impl_abstract", "register_autocast",
           "register_fake", "register_torch_dispatch", "register_vmap", "get_ctx", "custom_op",
           "infer_schema", "register_autograd", "register_kernel", "opcheck", "CustomOpDef"]

_RESERVED = ("prim",)


def custom_op(name, fn=None, /, *, mutates_args, device_types=None, schema=None, tags=None):
    """Wrap `fn` into the operator `name` ("namespace::op"); its schema is
    inferred from the type hints unless given."""
    if tags not in (None, ()):
        raise NotImplementedError("custom_op(tags=...): Ember has no operator tags")

    def inner(fn):
        schema_str = infer_schema(fn, mutates_args=mutates_args) if schema is None else schema
        namespace, opname = name.split("::")
        result = CustomOpDef(namespace, opname, schema_str, fn)
        if schema is not None:
            expected = {a.name for a in result._parsed.arguments if a.mutable}
            if expected != set(mutates_args):
                raise ValueError(
                    f"Attempted to create a custom op with `mutates_args={mutates_args}` and "
                    f"`schema={schema}. The schema suggests that the op mutates {expected}which "
                    "is different from what was provided to us in `mutates_args`. Please make "
                    "these consistent.")
        result.register_kernel(device_types)(fn)
        return result

    return inner if fn is None else inner(fn)


def register_kernel(op, device_types, func=None, /, *, lib=None):
    """`func` as the kernel of `op` for `device_types`."""
    return lookup(op).register_kernel(device_types, func)


def register_fake(op, func=None, /, *, lib=None, _stacklevel=1, allow_override=True):
    """`func` as the fake (meta) kernel of `op`; a decorator without `func`."""
    def inner(func):
        return lookup(op).register_fake(func)
    return inner if func is None else inner(func)


def impl_abstract(qualname, func=None, *, lib=None, _stacklevel=1):
    warnings.warn("`torch.library.impl_abstract` was renamed to `torch.library.register_fake`. "
                  "Please use that instead; we will remove `torch.library.impl_abstract` in a "
                  "future version of PyTorch.", FutureWarning, stacklevel=2)
    return register_fake(qualname, func, lib=lib)


def register_autograd(op, backward, /, *, setup_context=None, lib=None):
    """backward(ctx, *grads) and setup_context(ctx, inputs, output) for `op`."""
    lookup(op).register_autograd(backward, setup_context=setup_context)


def register_vmap(op, func=None, /, *, lib=None):
    return lookup(op).register_vmap(func)


def register_autocast(op, device_type, cast_inputs, /, *, lib=None):
    lookup(op).register_autocast(device_type, cast_inputs)


def register_torch_dispatch(op, torch_dispatch_class, func=None, /, *, lib=None):
    return lookup(op).register_torch_dispatch(torch_dispatch_class, func)


def get_ctx():
    """The context of the fake kernel running now: None outside one, as in
    PyTorch (Ember's fake kernels run on meta tensors, with no symbolic sizes)."""
    return None


# -- opcheck ------------------------------------------------------------------------------

DEFAULT_TEST_UTILS = ("test_schema", "test_autograd_registration", "test_faketensor",
                      "test_aot_dispatch_dynamic")


class OpCheckError(Exception):
    pass


def opcheck(op, args, kwargs=None, *, test_utils=DEFAULT_TEST_UTILS, raise_exception=True,
            atol=None, rtol=None):
    """Check that `op` is registered consistently, on example inputs:
    test_schema (it mutates only what it declares), test_autograd_registration
    (inputs that require grad meet a gradient formula), test_faketensor (its
    fake kernel gives the real output's shapes and dtypes) and
    test_aot_dispatch_dynamic (meta, then a backward when inputs require grad).
    Returns {test: "SUCCESS" or the exception}. atol and rtol are PyTorch's
    tolerances between compiled and eager outputs; Ember compiles nothing, so
    the two are the same call and there is nothing for them to loosen."""
    opdef = lookup(op)
    kwargs = {} if kwargs is None else kwargs
    tests = (test_utils,) if isinstance(test_utils, str) else tuple(test_utils)
    results = {}
    for name in tests:
        check = _CHECKS.get(name)
        if check is None:
            raise ValueError(f"test_utils={name!r} is not one of {DEFAULT_TEST_UTILS}")
        try:
            check(opdef, args, kwargs)
            results[name] = "SUCCESS"
        except Exception as exc:
            if raise_exception:
                raise OpCheckError(f"opcheck(op, ...): {name} failed with {exc} (scroll up "
                                   "for stack trace)") from exc
            results[name] = exc
    return results


def _fresh(t):
    c = t.detach().clone()
    return c._requiring_grad(t.requires_grad) if t.is_floating_point() else c


def _clone_args(values):
    return map_tensors(values, _fresh)


def _to_meta(values):
    return map_tensors(values, lambda t: t.detach().to("meta"))


def _check_schema(opdef, args, kwargs):
    args, kwargs = _clone_args(args), _clone_args(kwargs)
    bound_args, bound_kw = opdef._bind(args, kwargs)
    before = [[t.detach().clone() for t in _tensors_in(v)]
              for v in (*bound_args, *bound_kw.values())]
    from .autograd.grad_mode import no_grad
    with no_grad():
        opdef(*args, **kwargs)
    for a, value, old in zip(opdef._parsed.arguments, (*bound_args, *bound_kw.values()), before):
        changed = any(not _same(t, o) for t, o in zip(_tensors_in(value), old))
        if changed and not a.mutable:
            raise RuntimeError(f"Argument {a.name} is not defined as mutable but was mutated")


def _same(t, old):
    from ._backend import np
    return t.shape == old.shape and np.array_equal(t._data, old._data, equal_nan=True)


def _check_autograd_registration(opdef, args, kwargs):
    wants = any(t.requires_grad for t in tensors_of(args, kwargs))
    if wants and opdef._composite is None and not opdef._parsed.is_functional():
        raise RuntimeError(f"{opdef._qualname}: an input requires grad but the operator "
                           "mutates its inputs, which autograd cannot differentiate")


def _check_faketensor(opdef, args, kwargs):
    from .autograd.grad_mode import no_grad
    with no_grad():
        real = opdef(*_clone_args(args), **_clone_args(kwargs))
        fake = opdef(*_to_meta(args), **_to_meta(kwargs))
    for r, f in zip(_tensors_in(real), _tensors_in(fake)):
        if r.shape != f.shape or r.dtype != f.dtype:
            raise RuntimeError(f"{opdef._qualname}: the fake kernel gives {f.dtype} of shape "
                               f"{tuple(f.shape)}, the real one {r.dtype} of shape "
                               f"{tuple(r.shape)}")


def _check_aot_dispatch_dynamic(opdef, args, kwargs):
    """The forward and, where inputs require grad, the backward; then the
    fake kernel."""
    from .autograd import grad
    args_, kwargs_ = _clone_args(args), _clone_args(kwargs)
    inputs = [t for t in tensors_of(args_, kwargs_) if t.requires_grad]
    if inputs:
        outs = [t for t in _tensors_in(opdef(*args_, **kwargs_)) if t.requires_grad]
        if outs:
            from ._creation import ones_like
            grad(outs, inputs, [ones_like(t) for t in outs], allow_unused=True)
    opdef(*_to_meta(args), **_to_meta(kwargs))


_CHECKS = {"test_schema": _check_schema,
           "test_autograd_registration": _check_autograd_registration,
           "test_faketensor": _check_faketensor,
           "test_aot_dispatch_dynamic": _check_aot_dispatch_dynamic}


# -- the Library API: operators declared from schema strings ------------------------------

def fallthrough_kernel():
    """A dummy kernel: registered to a dispatch key, that key is skipped."""
    raise NotImplementedError("fallthrough_kernel() should never be called.")


class Library:
    """Library(ns, kind): "DEF" declares a new namespace of operators,
    "FRAGMENT" adds to one, "IMPL" registers kernels for existing ones."""

    def __init__(self, ns, kind, dispatch_key=""):
        if kind not in ("IMPL", "DEF", "FRAGMENT"):
            raise ValueError(f"Unsupported kind: {kind}")
        if ns in _RESERVED and kind in ("DEF", "FRAGMENT"):
            raise ValueError(f"{ns} is a reserved namespace. Please try creating a library "
                             "with another name.")
        self.ns, self.kind, self.dispatch_key = ns, kind, dispatch_key
        self._op_defs = set()

    def __repr__(self):
        return f"Library(kind={self.kind}, ns={self.ns}, dispatch_key={self.dispatch_key})>"

    def define(self, schema, alias_analysis="", *, tags=()):
        """Declare the operator `schema` ("name(Tensor x) -> Tensor") in this
        namespace; returns its name."""
        parsed = parse_schema(schema)
        if not parsed.name or "." in parsed.name:
            raise RuntimeError(f"define(): expected a schema with an operator name and no "
                               f"overload name, got {schema!r}")
        qualname = f"{self.ns}::{parsed.name}"
        if qualname in OPDEFS:
            raise RuntimeError(
                f"Tried to register an operator ({self.ns}::{schema}) with the same name and "
                "overload name multiple times. Each overload's schema should only be "
                "registered with a single call to def().")
        unnamed = schema[schema.index("("):]
        CustomOpDef(self.ns, parsed.name, unnamed, None, _signature(parsed))
        self._op_defs.add(qualname)
        return parsed.name

    def impl(self, op_name, fn, dispatch_key="", *, with_keyset=False, allow_override=True):
        """`fn` as the kernel of `op_name` for `dispatch_key` ("CPU",
        "CompositeExplicitAutograd", "CompositeImplicitAutograd", "Autograd",
        "Meta", ...)."""
        if with_keyset:
            raise NotImplementedError("Library.impl(with_keyset=True): Ember has no dispatch "
                                      "key sets")
        if isinstance(op_name, str) and "::" not in op_name:
            op_name = f"{self.ns}::{op_name}"
        opdef = lookup(op_name)
        key = dispatch_key or self.dispatch_key or "CompositeImplicitAutograd"
        if fn is fallthrough_kernel:
            return
        _impl_for_key(opdef, key, fn)

    def fallback(self, fn, dispatch_key="", *, with_keyset=False):
        raise NotImplementedError("Library.fallback: Ember has no dispatcher fallbacks")

    def _destroy(self):
        for qualname in self._op_defs:
            OPDEFS.pop(qualname, None)
            ns, name = qualname.split("::")
            _op_namespaces._CUSTOM.get(ns, {}).pop(name, None)
        self._op_defs.clear()


_DEVICE_KEYS = {"CPU": "cpu", "CUDA": "cuda", "MPS": "mps", "XPU": "xpu"}


def _impl_for_key(opdef, key, fn):
    if key in _DEVICE_KEYS:
        opdef.register_kernel(_DEVICE_KEYS[key], fn)
    elif key == "CompositeExplicitAutograd":
        opdef.register_kernel(None, fn)
    elif key == "Meta":
        opdef.register_fake(fn)
    elif key in ("CompositeImplicitAutograd", "Autograd", "AutogradCPU"):
        # a composition of differentiable ops (or an autograd.Function's
        # apply): it runs as is, and autograd follows its ops
        opdef._composite = fn
    else:
        raise NotImplementedError(f"Library.impl: the dispatch key {key!r} is not supported "
                                  "by Ember")


def _signature(parsed):
    params = []
    for a in parsed.arguments:
        kind = inspect.Parameter.KEYWORD_ONLY if a.kwarg_only else \
            inspect.Parameter.POSITIONAL_OR_KEYWORD
        default = a.default if a.has_default else inspect.Parameter.empty
        params.append(inspect.Parameter(a.name, kind, default=default))
    return inspect.Signature(params)


_FRAGMENTS = {}


def define(qualname, schema, *, lib=None, tags=()):
    """Declare the operator `qualname` ("mylib::foo") with `schema`
    ("(Tensor x) -> Tensor")."""
    ns, name = qualname.split("::")
    if lib is None:
        if ns not in _FRAGMENTS:
            _FRAGMENTS[ns] = Library(ns, "FRAGMENT")
        lib = _FRAGMENTS[ns]
    lib.define(name + schema, tags=tags)


def impl(qualname, types, func=None, *, lib=None):
    """Register `func` as the kernel of `qualname` for device `types`
    ("cpu", ["cpu", "cuda"], or "default" for all)."""
    kinds = [types] if isinstance(types, str) else list(types)

    def inner(func):
        opdef = lookup(qualname)
        for kind in kinds:
            if kind == "default":
                opdef.register_kernel(None, func)
            elif kind == "meta":
                opdef.register_fake(func)
            elif kind in _DEVICE_KEYS.values():
                opdef.register_kernel(kind, func)
            else:
                _impl_for_key(opdef, kind, func)
        return func
    return inner if func is None else inner(func)
