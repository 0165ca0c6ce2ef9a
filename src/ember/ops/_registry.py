"""The op registry: each op declared once, everything else made from it.

An op's declaration gives its PyTorch name, its forward, one derivative
formula per input, and its surface: whether it is a `Tensor` method, whether
it has an in-place `op_` variant, and its aliases (`arctan` for `atan`). From
it the registry makes the function, the method, the in-place variant and the
aliases; tests iterate over `REGISTRY`, so an op without sample inputs fails.

A formula names what it reads by its parameters, as derivatives.yaml does:

    grad_fn("MulBackward0", self=lambda xp, grad, other: grad * other,
                            other=lambda xp, grad, self: grad * self)

`self`, `other`, ... are the op's inputs, `result` its output, and any other
name is a constant the op passes when it records (`alpha`, `dim`). Only what
a formula of an input that requires grad reads is saved (PyTorch's codegen
rule): in `y * 2` only the 2 is kept, so changing `y` in place afterwards is
fine, as in PyTorch.
"""
from .._backend import np
from .. import _dtype as D
from collections import namedtuple
import inspect

from . import _autocast, _int_args, _keywords
from ._call_forms import _made, _quietly, function_form, with_out
from ..autograd.graph import Node, RESULT
from ..autograd._saved_fields import (FIELDS_KEPT, field_properties, keeps_tensor_field,
                                      tensor_field)
from ..autograd._saved_hooks import saved_properties

__all__ = ["REGISTRY", "OpInfo", "MultiOutputNode", "grad_fn", "element_wise", "no_forward_formula",
           "not_implemented",
           "register", "tensor_field"]

# function: the op itself (also the method); public: what `ember.<name>`
# (or `ember.linalg.<name>`, ...) is: the function, taking `out=` when the
# op has it in PyTorch; namespace: "torch", "linalg", "special", ...
# inplace_function: `ember.<name>_` exists too (torch.sin_, torch.relu_): True,
# or the names (of the op and its aliases) that have it.
OpInfo = namedtuple("OpInfo", "name function public method inplace aliases node namespace out "
                              "inplace_function")

# PyTorch name -> OpInfo, in declaration order
REGISTRY = {}


def register(function, name=None, *, method=True, inplace=False, aliases=(), node=None,
             namespace="torch", out=True, quiet=False, inplace_function=False, ints=None):
    """Declare `function` as the op `name` of PyTorch's `namespace` (None: a
    Tensor method only, as `view` and `expand` are; see
    ops/__init__.py, which turns the registry into functions, methods,
    in-place variants and aliases). `method`: a Tensor method too, or the
    name of its one parameter, a list of ints, that the method also takes
    unpacked, as PyTorch's (`x.flip(0, 1)`; "*dims": a lone int too, as
    `x.tile(2)`). `inplace`: True, or the in-place
    variant itself where it has checks of its own. `out`: the function form takes `out=`,
    as PyTorch's does (the method never does); or a check of the out tensors
    (`_out.same_dtype(...)`, `_out.bool_only`) for ops that refuse a cast.
    `ints`: {parameter: "int", "tuple of ints" or "Number"}, refused otherwise in
    PyTorch's words (ops/_int_args.py). The op runs with NumPy's
    floating-point warnings silenced (as PyTorch computes inf and nan
    silently), unless `quiet` says it already silences them itself (the
    hottest ops do it inline, to save a call)."""
    name = name or function.__name__
    if not quiet and not hasattr(function, "_op_name"):
        # (one wrapper per function, however many namespaces declare it)
        if getattr(function, "_quiet", None) is None:
            function._quiet = _quietly(function)
        function = function._quiet
    key = name if namespace in ("torch", None) else f"{namespace}.{name}"
    if key in REGISTRY:
        raise ValueError(f"op {key!r} is declared twice")
    policy = _autocast.POLICY.get(key)
    if policy is not None and not hasattr(function, "_op_name"):
        # (the ops of autocast's lists: cast first while autocast is on)
        function = _autocast.hooked(function, policy)
    if not hasattr(function, "_op_name"):
        # The first declaration names the function; one op may be declared
        # again under another namespace (torch.lgamma is torch.special.gammaln).
        function.__name__ = function.__qualname__ = function._op_name = name
    as_method = as_function = function
    if namespace in ("torch", None) and name in _keywords.PYTHON_LEVEL:
        _keywords.AS_WRITTEN.add(inspect.unwrap(function))
    # (the name PyTorch's parser prints: the native function's, linalg_vector_norm)
    parsed = name if namespace in ("torch", None) else f"{namespace}_{name}"
    if ints:
        as_method = _int_args.checked(function, parsed, ints, method=True)
        as_function = _int_args.checked(function, parsed, ints, method=False)
    public = with_out(as_function, parsed, None if out is True else out) \
        if out and namespace is not None else as_function
    if public is function and method and namespace is not None:
        # (the function form an op of its own, so that its errors for an
        # argument left out, or refused, are the function's, not the method's)
        if hasattr(function, "_form"):
            public = _quietly(function.__wrapped__, method=False)
            public.__name__ = public.__qualname__ = public._op_name = function.__name__
        else:
            public = function_form(function)
    REGISTRY[key] = OpInfo(name, as_method, public, method, inplace, tuple(aliases), node,
                           namespace, out, inplace_function)
    return function


def _parameters(formula):
    code = formula.__code__
    return code.co_varnames[2:code.co_argcount]    # after (xp, grad)


def _adapt(formula, picks, n):
    """The formula called as the engine calls formulas, f(xp, grad, *saved):
    each picks its own values out of the node's saved ones. The adapter
    names all n of them (the text is ours): a fixed signature is a cheaper
    call than one packing `*saved` into a tuple."""
    if picks == tuple(range(n)):
        return formula
    make = _ADAPTERS.get((picks, n))
    if make is None:
        # compiled once per pattern (a few dozen), not per formula: import time
        params = "".join(f", s{k}" for k in range(n))
        args = "".join(f", s{k}" for k in picks)
        make = _ADAPTERS[picks, n] = _made(
            f"lambda formula: lambda xp, g{params}: formula(xp, g{args})")
    return make(formula)


_ADAPTERS = {}


def in_opmath(formula, wide=None):
    """`formula` with the same parameters, run on float32 copies of its
    float16/bfloat16 arrays and its result rounded back to the gradient's
    type: a one-kernel backward's single rounding, where NumPy would round
    at every step (and round Python-number factors to the narrow type
    first), for the gradient types in `wide` (both half types if None).
    Recorded formulas (create_graph=True) run as they are."""
    names = _parameters(formula)
    params = "".join(", " + n for n in names)
    namespace = {"_call": _opmath_call, "_formula": formula, "_wide": D.HALF_NP if wide is None else wide}
    exec(f"def formula(xp, grad{params}):\n"
         f"    return _call(_formula, _wide, xp, grad{params})\n", namespace)
    return namespace["formula"]


def _opmath_call(formula, wide_types, xp, grad, *saved):
    narrow = getattr(grad, "dtype", None)
    if xp.recording or narrow not in wide_types:
        return formula(xp, grad, *saved)

    def wide(v):
        return v.astype(np.float32) if getattr(v, "dtype", None) in D.HALF_NP else v
    r = formula(xp, wide(grad), *map(wide, saved))
    return r.astype(narrow) if getattr(r, "dtype", None) == np.float32 else r


class MultiOutputNode(Node):
    """A node of an op with several differentiable outputs: its formulas get
    `grad` as the tuple of the outputs' gradients (zeros for an output that
    got none), and read the outputs by name."""
    __slots__ = ()
    _multi = True
    _output_names = ()
    _output_slots = ()      # (position among the formulas' arguments, output number)
    # outputs a formula reads that PyTorch does not save (no version check)
    _unsaved_outputs = ()

    @classmethod
    def full_ctx(cls, outs, ctx):
        """The node's constants, in `_consts` order: the arrays `outs` (the
        differentiable outputs, in order) where the formulas name them,
        `ctx` (the op's other constants, in order) in the other places."""
        if len(ctx) == len(cls._consts):      # (no output is read: ctx is all of them)
            return ctx
        by_name = dict(zip(cls._output_names, outs))
        rest = iter(ctx)
        return tuple(by_name[n] if n in by_name else next(rest) for n in cls._consts)

    def apply(self, xp, grads, create_graph, needs):

        from .._tensor import Tensor
        for vc, nr in self.__dict__.get("_out_versions", ()):
            if vc[0]:
                raise RuntimeError(_output_changed(self, nr, vc[0]))
        full = []
        for g, shape, dtype in zip(grads, self._shape, self._dtype):
            if g is None:
                g = np.zeros(shape, dtype)
                if create_graph:
                    g = Tensor._wrap(g)
            full.append(g)
        args = list(self._unpack(create_graph))
        if create_graph:
            # The outputs, as the tensors this node made, so a second
            # derivative flows through them.
            n_saved = len(args) - len(self._ctx)
            for pos, nr in self._output_slots:
                t = Tensor._from_node(args[n_saved + pos], self)
                t._output_nr = nr
                args[n_saved + pos] = t
        full = tuple(full)
        return tuple(f(xp, full, *args) if need else None
                     for f, need in zip(self.formulas, needs))


class _SavedOutput:
    """What PyTorch's message says of a saved output: its type, shape, node."""
    __slots__ = ("kind", "shape", "grad_fn")

    def __init__(self, kind, shape, grad_fn):
        self.kind, self.shape, self.grad_fn = kind, shape, grad_fn

    def type(self):
        return self.kind


def _output_changed(node, nr, version):
    """PyTorch's message for a saved output changed in place."""
    from .. import _dtype as D
    from ..autograd import graph
    dt = D._BY_NP[np.dtype(node._dtype[nr])]
    kind = D.error_type_name(dt)
    out = _SavedOutput(kind, tuple(node._shape[nr]), node)
    return graph._inplace_message(out, node, version, 0, nr)


def grad_fn(name, outputs=None, opmath=False, saved=None, **formulas):
    """The node class PyTorch calls `name`, with one formula per input (in
    the op's input order; the keyword is the input's name). With `outputs`
    (names of the differentiable outputs, in order) the node has several
    outputs: see MultiOutputNode and _common.recorded_multi. opmath=True:
    PyTorch's backward is one kernel, which computes float16 and bfloat16
    in float32 and rounds once (tanh_backward, softmax's): the formulas do
    so on arrays (see in_opmath); opmath="bfloat16": only bfloat16 does
    (float16 then rounds at each step, as NumPy's float16 does).
    `saved`: the constants PyTorch's node shows as `_saved_<field>`, by
    PyTorch's field name: {field: the constant's name, or (its name,
    fn(value)), or fn(node)}
    (autograd/_saved_fields.py). A named constant that no formula reads is
    one more constant, after the formulas' own, that the op passes."""
    if opmath:
        wide = D.HALF_NP if opmath is True else D.half_np(opmath)
        formulas = {k: in_opmath(f, wide) for k, f in formulas.items()}
    inputs = tuple(formulas)
    reads = [_parameters(f) for f in formulas.values()]
    # Slots: inputs and the result first (saved, version-checked), then the
    # constants, each once, in the order the formulas first name them.
    tensors, consts = [], []
    for names in reads:
        for n in names:
            kind = tensors if n in inputs or n == "result" else consts
            if n not in kind:
                kind.append(n)
    # A saved field may name a constant no formula reads (the dim as the
    # caller gave it, before wrapping): it comes after the formulas' own.
    for spec in (saved or {}).values():
        spec = spec.spec if isinstance(spec, tensor_field) else spec
        spec = spec[0] if isinstance(spec, tuple) else spec
        if isinstance(spec, str) and spec not in consts and spec not in tensors:
            consts.append(spec)
    slots = tensors + consts
    extra = {}
    if outputs is not None:
        outputs = tuple(outputs)
        extra = {"_output_names": outputs,
                 "_output_slots": tuple((consts.index(n), outputs.index(n))
                                        for n in consts if n in outputs)}
    cls = type(name, (MultiOutputNode if outputs is not None else Node,), {
        **extra,
        "__slots__": (),
        "formulas": tuple(_adapt(f, tuple(slots.index(n) for n in names), len(slots))
                          for f, names in zip(formulas.values(), reads)),
        "_input_names": inputs,
        "_named_formulas": dict(formulas),
        "_sources": tuple(RESULT if n == "result" else inputs.index(n) for n in tensors),
        "_consts": tuple(consts),
        "_reads": tuple(frozenset(r) for r in reads),
        "_plans": {},
        **saved_properties(tensors),
        "_field_names": tuple(saved or ()),
        "_field_specs": saved or {},
        **(field_properties(tuple(consts), saved) if saved else {}),
    })
    if name == "NotImplemented":
        # (PyTorch's node for an op without a derivative is a C++ class of its own)
        cls._full_name = "ember::autograd::NotImplemented"
    return cls


def element_wise(cls):
    """Declare that the op of node class `cls` works element by element: its
    forward-mode formula is then its reverse formula applied to the tangent
    (derivatives.yaml's `result: auto_element_wise`; autograd/_forward.py)."""
    cls._jvp = "element_wise"
    return cls


def no_forward_formula(cls, aten_name):
    """Declare that the op of node class `cls` (whose formula is not itself
    differentiable) has no forward-mode formula, as in PyTorch, which names
    the ATen op `aten_name` in its refusal."""
    cls._jvp = ("unsupported", aten_name)
    return cls


def no_derivative(name):
    """The formula for an input PyTorch differentiates no further
    (derivatives.yaml's `not_implemented("name")`): backward through it raises."""
    def formula(xp, grad):
        raise NotImplementedError(f"the derivative for '{name}' is not implemented.")
    return formula


def not_implemented(aten_name, *inputs):
    """PyTorch's node for an op without a derivative (floor_divide): the
    output requires grad, and backward through it raises."""
    def formula(xp, grad):
        raise RuntimeError(f"derivative for aten::{aten_name} is not implemented")
    return grad_fn("NotImplemented", **{name: formula for name in inputs})


def _keeps_fields(inputs):
    return FIELDS_KEPT


def save_plan(cls, mask):
    """How to fill the node's saved slots when the inputs in bit-mask `mask`
    require grad: (save, whether the result is kept). `save` is True when
    the saved values are the inputs in order, () when nothing is saved, else
    a function of the inputs giving each slot's value: the input, RESULT, or
    None where no formula that will run reads it. Cached per mask: this runs
    for every recorded op."""
    needed = set()
    for i, names in enumerate(cls._reads):
        if mask >> i & 1:
            needed |= names
    n = len(cls._input_names)
    slots = [("RESULT" if src is RESULT else f"inputs[{src}]")
             if ("result" if src is RESULT else cls._input_names[src]) in needed else "None"
             for src in cls._sources]
    if slots == [f"inputs[{i}]" for i in range(n)]:
        save = True
    elif not slots and keeps_tensor_field(getattr(cls, "_field_specs", {}), mask):
        save = _keeps_fields
    elif not slots:
        save = ()       # (nothing saved, x + y: no call per op to say so)
    else:
        # A function made for this pattern builds the tuple in one step; the
        # text is ours (slot names from the declaration), not the user's.
        save = _made(f"lambda inputs: ({', '.join(slots)},)", {"RESULT": RESULT})
    plan = cls._plans[mask] = (save, "RESULT" in slots)
    return plan


def saved_by(save, inputs):
    """The values a plan's `save` (save_plan) keeps of `inputs`. (recorded
    spells this out: it runs per op.)"""
    return inputs if save is True else save(inputs) if save else ()
