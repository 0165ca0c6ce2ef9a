"""Forward-mode AD: the tangent of every recorded op's output.

A dual tensor carries its tangent in `_fw_grad`. While a dual level is open,
`ops/_common.recorded` (the one place every op's output is made) hands each
op whose inputs carry tangents to `attach`, which gives the output its
tangent, the Jacobian-vector product J·t.

The forward formula is not a second hand-written copy of the reverse one.
It is derived from the op's declaration (PyTorch's derivatives.yaml does the
same with `result: auto_element_wise` and friends):

- element-wise ops (their node class says `_jvp = ELEMENT_WISE`): the
  Jacobian is diagonal, so J·t is the reverse formula applied to t in place
  of the incoming gradient, summed over the inputs;
- every other op: the reverse formula is linear in the incoming gradient u,
  vjp(u) = Jᵀu, so J·t is the gradient with respect to u of <Jᵀu, t> (the
  "double-backward trick"). It runs the op's own node on a recorded u and
  differentiates that once more.

Only one level exists at a time, as in PyTorch ("Nested forward mode AD is
not supported at the moment"). Tangents are Tensors and are themselves
recorded when grad mode is on, so reverse mode over forward mode works.
"""
import weakref

from .._backend import np
from .. import _dtype as D
from .grad_mode import formulas_running

ELEMENT_WISE = "element_wise"

# The open level (-1: none), and the tensors given a tangent in it, whose
# tangents are dropped when it closes.
level = -1
_duals = []


def tangent(t):
    return t.__dict__.get("_fw_grad") if level >= 0 else None


def set_tangent(t, value):
    t.__dict__["_fw_grad"] = value
    _duals.append(weakref.ref(t))
    return t


def carry(src, dst):
    """`dst`, a new tensor holding `src`'s values, takes `src`'s tangent."""
    t = tangent(src)
    if t is not None:
        set_tangent(dst, t)
    return dst


def view_tangent(input, data):
    """The tangent of `data`, a view of `input`'s array: the same view of
    `input`'s tangent, sharing its memory as PyTorch's does, so that writing
    through the view changes the base's tangent too. None where the
    tangent's layout differs (the op's derived formula then gives a copy)."""
    t = tangent(input)
    if t is None:
        return None
    x, tx = input._data, t._data
    if not (x.flags.c_contiguous and tx.flags.c_contiguous and tx.shape == x.shape
            and tx.dtype == x.dtype == data.dtype and min(data.strides, default=0) >= 0):
        return None
    offset = (data.__array_interface__["data"][0] - x.__array_interface__["data"][0])
    if offset < 0 or offset % x.itemsize:
        return None
    from .._tensor import Tensor
    view = np.lib.stride_tricks.as_strided(tx.reshape(-1)[offset // x.itemsize:],
                                           data.shape, data.strides)
    return Tensor._wrap(view, t._requires_grad) if t._grad_fn is None else None


def carry_inplace(result, t):
    """`t` changed in place to `result`'s values: its tangent too, written
    into the tangent it had where that one is a plain array (maybe a view of
    a base's tangent), as PyTorch updates tangents in place."""
    new = tangent(result)
    if new is None:
        return
    old = tangent(t)
    if (old is not None and old._grad_fn is None and not old._requires_grad
            and new._grad_fn is None and old._data.shape == new._data.shape
            and old._data.flags.writeable):
        old._data[...] = new._data
    else:
        set_tangent(t, new)


def clear():
    for ref in _duals:
        t = ref()
        if t is not None:
            t.__dict__.pop("_fw_grad", None)
    _duals.clear()


def tangents_of(inputs):
    """Each input's tangent (None where it has none), or None if no input has one."""
    out, found = [], False
    for t in inputs:
        d = getattr(t, "__dict__", None)
        g = d.get("_fw_grad") if d else None
        found = found or g is not None
        out.append(g)
    return out if found else None


def _zero_filled(inputs, tangents):
    """PyTorch's formulas give an input without a tangent a zero one when
    another input has one, so a term like zero_t @ W still reads W: with
    grad mode on and an input that requires grad, the tangent is recorded
    through it. Zeros take part here too, for that recording."""
    from .grad_mode import _state
    if not (_state.enabled and any(getattr(t, "_requires_grad", False) for t in inputs)):
        return tangents
    from .._tensor import Tensor
    return [Tensor._wrap(np.zeros(x._data.shape, x._data.dtype))
            if t is None and isinstance(x, Tensor) and D.can_require_grad(x._data.dtype) else t
            for x, t in zip(inputs, tangents)]


def _with_zeros(derive, node_cls, outs, inputs, ctx, tangents):
    """derive(...) with the zero tangents of _zero_filled; without them where
    an input's reverse formula refuses (igamma's for its first input, a
    scatter's source larger than its index): that input has no tangent, so
    its formula isn't needed for the value."""
    filled = _zero_filled(inputs, tangents)
    if filled is tangents:
        return derive(node_cls, outs, inputs, ctx, tangents)
    try:
        return derive(node_cls, outs, inputs, ctx, filled)
    except (NotImplementedError, RuntimeError):
        return derive(node_cls, outs, inputs, ctx, tangents)


def attach(node_cls, out, inputs, ctx, tangents):
    """Give `out` (the op's result) its tangent J·t."""
    if not D.can_require_grad(out._data.dtype):
        return out
    if _rule(node_cls) == ELEMENT_WISE and not _complex(out, tangents):
        t = _with_zeros(_element_wise, node_cls, out, inputs, ctx, tangents)
    else:
        (t,) = _with_zeros(_by_double_backward, node_cls, (out,), inputs, ctx, tangents)
    if t is not None:
        set_tangent(out, t)
        fn = out._grad_fn
        if fn is not None and fn._result is not None:
            # the node's formulas read the output: a backward recorded under
            # this level differentiates through its tangent too
            fn.__dict__["_result_tangent"] = t
    return out


def attach_multi(node_cls, outs, inputs, ctx, tangents):
    """The tangents of an op with several differentiable outputs (`outs`, in
    the node's output order)."""
    if any(not D.can_require_grad(o._data.dtype) for o in outs):
        return
    _rule(node_cls)
    for o, t in zip(outs, _with_zeros(_by_double_backward, node_cls, outs, inputs, ctx,
                                      tangents)):
        if t is not None:
            set_tangent(o, t)


def _rule(node_cls):
    """The op's forward-mode rule: ELEMENT_WISE, or None (by double backward).
    An op declared without one (registry's no_forward_formula) is refused."""
    rule = getattr(node_cls, "_jvp", None)
    if rule.__class__ is tuple:
        _unsupported(rule[1])
    return rule


def _complex(out, tangents):
    """Does complex arithmetic take part? Then the reverse formula (a
    conjugate Wirtinger derivative) is not the forward one: the tangent is
    found by the double-backward route, which holds for both."""
    return out._data.dtype.kind == "c" or any(
        t is not None and t._data.dtype.kind == "c" for t in tangents)


def _unsupported(aten_name):
    raise NotImplementedError(
        f"Trying to use forward AD with {aten_name} that does not support it because it has "
        "not been implemented yet.\nPlease file an issue to PyTorch at "
        "https://github.com/pytorch/pytorch/issues/new?template=feature-request.yml so that "
        "we can prioritize its implementation or submit a PR adding the implementation to "
        "derivatives.yaml")


def _named_values(node_cls, inputs, ctx, result):
    values = dict(zip(node_cls._input_names, inputs))
    values["result"] = result
    values.update(zip(node_cls._consts, ctx))
    return values


def _element_wise(node_cls, out, inputs, ctx, tangents):
    from .. import ops
    from .._tensor import Tensor
    xp, parameters = ops.TENSOR, ops._registry._parameters
    values = _named_values(node_cls, inputs, ctx, out)
    total = None
    with formulas_running():
        for name, t in zip(node_cls._input_names, tangents):
            if t is None:
                continue
            f = node_cls._named_formulas[name]
            term = f(xp, t, *[values[n] for n in parameters(f)])
            total = term if total is None else total + term
    if total is None:
        return None
    if any(total is t for t in tangents):
        total = total.clone()       # (so an in-place change of one leaves the other)
    if not hasattr(total, "_data"):     # a formula that gave a plain number
        total = Tensor._wrap(np.full(out._data.shape, total, out._data.dtype))
    if total._data.shape != out._data.shape:
        total = total.expand(out._data.shape).contiguous()
    return total


# > 0 while a backward formula is applied to the stand-in u of
# _by_double_backward: checks of what a real gradient may be (svd's and
# eig's phase invariance) do not apply to it.
DERIVING = [0]


def _by_double_backward(node_cls, outs, inputs, ctx, tangents):
    """J·t for each output, as d/du <vjp(u), t> with u a recorded stand-in
    for the outputs' gradients."""
    from .. import ops
    from .._tensor import Tensor
    from ..ops._registry import save_plan, saved_by
    from ._engine import run_backward
    from .grad_mode import _state
    mask = 0
    for i, t in enumerate(tangents):
        if t is not None:
            mask |= 1 << i
    needs = tuple(bool(mask >> i & 1) for i in range(len(inputs)))
    result = outs[0]._data if len(outs) == 1 else None
    plans = node_cls._plans
    if plans is None:       # a node with its own apply(): its ctx holds what it needs
        saved = ()
    else:
        save, _ = plans.get(mask) or save_plan(node_cls, mask)
        saved = tuple(saved_by(save, inputs))
    multi = len(outs) > 1 or node_cls._multi
    shapes = tuple(o._data.shape for o in outs)
    dtypes = tuple(o._data.dtype for o in outs)
    if multi:
        # the outputs' values are constants the formulas read by name
        ctx = node_cls.full_ctx([o._data for o in outs], ctx)
    # The node's edges are the recorded op's own, if it was recorded, so that
    # the output read by a formula leads back to the inputs.
    fn = outs[0]._grad_fn
    edges = fn.next_functions if type(fn) is node_cls else ((None, 0),) * len(inputs)
    node = node_cls(edges, saved, ctx, result,
                    shapes if multi else shapes[0], dtypes if multi else dtypes[0])
    # Any u gives the same derivative (vjp is linear in u); ones, not zeros,
    # keeps formulas that take log|u| (logcumsumexp's) off their singular point.
    us = [Tensor._wrap(np.ones(s, d), True) for s, d in zip(shapes, dtypes)]
    prev = _state.enabled
    _state.enabled = True
    DERIVING[0] += 1
    try:
        with formulas_running():
            grads = node.apply(ops.TENSOR, tuple(us) if multi else us[0], True, needs)
        total = None
        for g, t in zip(grads, tangents):
            if g is None or t is None:
                continue
            if (g._data.dtype.kind == "c" or t._data.dtype.kind == "c") \
                    if isinstance(g, Tensor) else isinstance(g, complex):
                # the real inner product Re<vjp(u), t>, whose gradient in u is J·t
                term = (ops.complex_parts.conj(g) * t).real.sum()
            else:
                term = (g * t).sum()
            total = term if total is None else total + term
    finally:
        _state.enabled = prev
        DERIVING[0] -= 1
    if total is None or not total._requires_grad:     # J·t does not depend on t: zero
        return [Tensor._wrap(np.zeros(o._data.shape, o._data.dtype)) for o in outs]
    # The tangent is itself recorded when a formula read a tensor that
    # requires grad (reverse mode over forward mode).
    keep = prev and any(getattr(t, "_requires_grad", False)
                        for t in (*inputs, *tangents) if t is not None)
    one = np.ones((), total._data.dtype)
    found = run_backward([total], [Tensor._wrap(one) if keep else one], keep, keep,
                         inputs=us, capture=True, allow_unused=True)
    out = []
    for g, o in zip(found, outs):
        if g is None:
            g = np.zeros(o._data.shape, o._data.dtype)
        g = g if isinstance(g, Tensor) else Tensor._wrap(g)
        if g._data.shape != o._data.shape:     # (a formula that broadcast u)
            g = g.sum_to_size(o._data.shape) if g._data.size != o._data.size \
                else g.reshape(o._data.shape)
        out.append(g)
    return out
