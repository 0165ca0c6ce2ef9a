"""In-place ops (`add_`, `+=`, `zero_`, `t[k] = v`, ...).

An in-place op computes the out-of-place result and writes it into the
tensor's own array, so views of it see the change; its version counter is
bumped, so a saved value that was overwritten is caught at backward. When
the op is recorded, its formulas see a snapshot of the old value (as
PyTorch's in-place derivatives do) and the tensor takes the new grad_fn;
a view's base takes it through CopySlices, and the other views of the base
then take the base's (ops/_view_history.py).
"""
from .._python_data import _tname
import re
import warnings

from .._backend import cast, round_double_for_half
from . import _keywords
from ._parser_types import refuse_types
from .._meta import is_meta
from .._settings import _WARNED, warn_once
from .._storage import _ptr, _root

from ..autograd import _forward
from ..autograd._retain import follow as follow_retain
from ..autograd.grad_mode import no_grad
from ._common import D, Node, Tensor, _state, edge, np, number_arg, recorded, tracked
from ._registry import grad_fn
from .._inference import INFERENCE_VC
from ._overlap import check_no_partial_overlap, checks_partial_overlap
from ._view_history import NO_GRAD_MODIFIED, NO_GRAD_VIEW, Placement, view_node

LEAF_MESSAGE = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF_MESSAGE = ("a view of a leaf Variable that requires grad is being used in an "
                        "in-place operation.")


def check_not_inference(t):
    if t._vc is INFERENCE_VC and not _state.inference:
        raise RuntimeError(
            "Inplace update to inference tensor outside InferenceMode is not allowed.You can "
            "make a clone to get a normal tensor before doing inplace update.See "
            "https://github.com/pytorch/rfcs/pull/17 for more details.")


def check_inplace(t, through_view=False, view_op=None):
    """PyTorch refuses to overwrite a leaf that requires grad, or a view of one
    (`through_view`: t[k] = v writes through a view of t, which `view_op`
    names: "Select", "Slice"), and the outputs of ops returning several views;
    and an inference tensor outside inference mode."""
    check_not_inference(t)
    if not _state.enabled:
        return
    fn = t._grad_fn
    if fn is not None and fn._multi_view == "custom" and t._base is not None:
        raise RuntimeError(
            f"Output {t._output_nr} of {fn.name().rsplit('Backward', 1)[0]} is a view and is "
            "being modified inplace. This view was created inside a custom Function (or "
            "because an input was returned as-is) and the autograd logic to handle "
            "view+inplace would override the custom backward associated with the custom "
            "Function, leading to incorrect gradients. This behavior is forbidden. You can "
            "fix this by cloning the output of the custom Function.")
    if fn is not None and fn._multi_view and t._base is not None:
        what = f"Output 0 of {view_op}" if view_op else \
            f"Output {t._output_nr} of {fn.name().rsplit('Backward', 1)[0]}"
        raise RuntimeError(
            f"{what} is a view and is "
            "being modified inplace. This view is the output of a function that returns "
            "multiple views. Such functions do not allow the output views to be modified "
            "inplace. You should replace the inplace operation by an out-of-place one.")
    base = t._base
    if base is not None and t.__dict__.get("_view_creation") == NO_GRAD_VIEW:
        raise RuntimeError(NO_GRAD_MODIFIED)
    # (PyTorch's test: t requires grad and its base is a leaf, whether or not
    # the base does: w = arange(6.).view(2, 3).requires_grad_() is a leaf
    # whose base, the arange, is w[0]'s base too)
    if base is not None and (t._requires_grad or base._requires_grad) and base._grad_fn is None:
        raise RuntimeError(VIEW_OF_LEAF_MESSAGE)
    if t._requires_grad and t._grad_fn is None:
        # (a leaf that is itself a view, `arange(6.).view(2, 3).requires_grad_()`,
        # is "a view of a leaf" too: its base is a leaf)
        raise RuntimeError(VIEW_OF_LEAF_MESSAGE if through_view or base is not None
                           else LEAF_MESSAGE)


OVERLAP_MESSAGE = ("unsupported operation: more than one element of the written-to tensor refers "
                   "to a single memory location. Please clone() the tensor before performing the "
                   "operation.")


def check_no_internal_overlap(dst):
    """PyTorch's assert_no_internal_overlap: an expanded tensor (a stride 0
    over more than one element) is refused as the output of a computation.
    (An empty array, whose strides NumPy 1.x gives as 0, and a meta one,
    which has no memory, overlap nothing.)"""
    if dst.size > 1 and any(s == 0 and n > 1 for s, n in zip(dst.strides, dst.shape)) \
            and not is_meta(dst):
        raise RuntimeError(OVERLAP_MESSAGE)


def writable(a):
    """`a`, or, where it is an expanded (read-only) view of writable memory,
    a writable view of the same memory: PyTorch writes through it."""
    if a.flags.writeable:
        return a
    root = _root(a)
    if not root.flags.writeable or not root.flags.c_contiguous:
        return a
    return np.ndarray(a.shape, a.dtype, buffer=root, offset=_ptr(a) - _ptr(root),
                      strides=a.strides)


def _write(t, data):
    dst = t._data
    if data.dtype != dst.dtype and not _castable(data.dtype, dst.dtype):
        raise RuntimeError(
            f"result type {D.SCALAR_NAMES[D._BY_NP[data.dtype]]} can't be cast to the desired output "
            f"type {D.SCALAR_NAMES[D._BY_NP[dst.dtype]]}")
    if data.shape != dst.shape:
        try:
            np.broadcast_to(data, dst.shape)
        except ValueError:
            raise RuntimeError(
                f"output with shape {list(dst.shape)} doesn't match the broadcast shape "
                f"{list(np.broadcast_shapes(data.shape, dst.shape))}") from None
    if dst.dtype in D.HALF_NP:
        data = round_double_for_half(data, dst.dtype)
    writable(dst)[...] = data


def _castable(src, dst):
    # PyTorch allows an in-place result to go down within a category, not up one.
    order = "bifc"
    return order.index(_category(src)) <= order.index(_category(dst))


def _category(dt):
    return "i" if dt.kind == "u" else "f" if dt == D._BF16_NP else dt.kind


def commit_inplace(t, result, overlap_checked=False, written=False):
    """Make `t` hold `result` in place: same array, new value and history.
    `overlap_checked`: the op checked what it writes itself (fill_ writes an
    expanded tensor, t[k] = v checks t[k] only); `written`: and wrote it."""
    if not overlap_checked:
        check_no_internal_overlap(t._data)
    if not written:
        _write(t, result._data)
    if result._grad_fn is not None:
        base = t._base
        if base is not None:
            # The base takes the new values (CopySlices); the view is then a
            # view of that new base again (AsStridedBackward0), as in PyTorch.
            t._grad_fn = view_node(base, t, _rebase(base, t, result))
            t._output_nr = 0
        else:
            t._grad_fn = result._grad_fn
            t._output_nr = result._output_nr
        t._requires_grad = True
    _forward.carry_inplace(result, t)
    t._bump()
    if "_retain_at" in t.__dict__ and result._grad_fn is not None:
        follow_retain(t)    # its retain_grad moves to the new node (autograd/_retain.py)
    return t


# Writing through a view changes its base: the base's new history is "the
# old base, with the view's region replaced by the new values" (PyTorch's
# CopySlices). The view's Placement says where its elements lie in the base.


def _rebase(base, view, result):
    """Record the in-place op `result` (done on `view`) as a change of `base`;
    the view's Placement in the base."""
    placement = Placement(base, view)
    old = Tensor._wrap(base._data, base._requires_grad)
    old._grad_fn = base._grad_fn
    fn = result._grad_fn
    base._grad_fn = CopySlices((edge(old),) + fn.next_functions[1:], (), (placement, fn), None,
                               base._data.shape, base._data.dtype)
    base._requires_grad = True
    if "_retain_at" in base.__dict__:
        follow_retain(base)     # (the base's retain_grad moves to CopySlices, as PyTorch's)
    return placement


class CopySlices(Node):
    """The base of a view that was changed in place (PyTorch's CopySlices):
    `fn`, the in-place op's own node, runs on the view's region of the
    gradient; the rest of the base's gradient passes through unchanged."""
    __slots__ = ()
    _full_name = "ember::autograd::CopySlices"

    def apply(self, xp, grad, create_graph, needs):
        placement, fn = self._ctx
        key = placement.key()
        if placement.parts:
            grad = xp.view_as_real(grad)
        region = grad[key]
        res = list(_run_node(fn, xp, region, create_graph, needs))
        if needs[0]:
            base = xp.index_fill(grad, key, 0)
            if res[0] is not None:
                base = base + xp.index_backward(res[0], grad.shape, key, False)
            res[0] = xp.view_as_complex(xp.contiguous(base)) if placement.parts else base
        return tuple(res)

    def _release(self):
        self._ctx[1]._release()


def _run_node(fn, xp, grad, create_graph, needs):
    if not fn._simple:
        return fn.apply(xp, grad, create_graph, needs)
    args = fn._unpack(create_graph)
    return tuple(f(xp, grad, *args) if need else None for f, need in zip(fn.formulas, needs))


def _snapshot(t):
    old = Tensor._wrap(t._data.copy(), t._requires_grad)
    old._grad_fn = t._grad_fn
    return _forward.carry(t, old)


def _uncastable(self, args):
    """PyTorch's cast error where the op's kernel refused the operands but
    the promoted type could not go into `self` anyway (TensorIterator checks
    the output's dtype first): bitwise_and_ of a bool tensor and a float one."""
    if not args or not isinstance(args[0], (Tensor, bool, int, float, complex)):
        return None
    from .._extras import result_type
    try:
        common = result_type(self, args[0])._np
    except Exception:
        return None
    dst = self._data.dtype
    if common == dst or _castable(common, dst):
        return None
    return RuntimeError(
        f"result type {D.SCALAR_NAMES[D._BY_NP[common]]} can't be cast to the desired output "
        f"type {D.SCALAR_NAMES[D._BY_NP[dst]]}")


def _as_method(error, function_name, method_name):
    """The function's argument error as PyTorch's parser words it for the
    in-place method: its name, and positions counted after self."""
    text = str(error)
    head = f"{function_name}(): argument '"
    if not text.startswith(head):
        return _keywords.named(error, method_name)
    m = _POSITION.search(text)
    if m is None or m.group(1) == "1":
        return error
    text = f"{method_name}(): argument '" + text[len(head):]
    return TypeError(_POSITION.sub(f"(position {int(m.group(1)) - 1})", text, count=1))


_POSITION = re.compile(r"\(position (\d+)\)")


_ZERO_NODES = {}


def zero_node(name, inputs=("self",)):
    """The node PyTorch records for an in-place op that has no gradient to
    give (gt_, uniform_) on a tensor that requires grad: zeros for each input."""
    cls = _ZERO_NODES.get((name, inputs))
    if cls is None:
        cls = _ZERO_NODES[name, inputs] = grad_fn(
            name, **{n: (lambda xp, g: xp.zeros_like(g)) for n in inputs})
    return cls


def records_zero(op, node):
    """Declare that `op` (a comparison) has no derivative, yet its in-place
    form on a tensor that requires grad is recorded, as `<node>Backward0`
    (a number operand) or `<node>Backward1` (a tensor operand)."""
    op._inplace_zero_node = node
    return op


def _zero_recorded(node, self, args, result):
    other = args[0] if args and isinstance(args[0], Tensor) else None
    if other is None:
        return recorded(zero_node(node + "Backward0"), result._data, (self,))
    return recorded(zero_node(node + "Backward1", ("self", "other")), result._data, (self, other))


def _refusal(error, text):
    def formula(xp, grad, *saved):
        raise error(text)
    return formula


# derivatives.yaml's own entries for in-place forms, where they differ from
# the op's: the in-place node's name, and its refusal where it has no formula.
_INPLACE_ENTRIES = {
    "acosh": ("AcoshBackward1", NotImplementedError,
              "the derivative for 'inplace version of acosh' is not implemented."),
    "asinh": ("AsinhBackward1", NotImplementedError,
              "the derivative for 'inplace version of asinh' is not implemented."),
    "atanh": ("AtanhBackward1", NotImplementedError,
              "the derivative for 'inplace version of atanh' is not implemented."),
    "floor_divide": ("NotImplemented", RuntimeError,
                     "derivative for aten::floor_divide_ is not implemented"),
    "polygamma": ("PolygammaBackward1", None, None),
}
_INPLACE_NODES = {}


def _inplace_node(cls, entry):
    """The op's node class `cls` as its in-place entry names it (same saved
    values; a refusal instead of the formulas where it has none)."""
    key = (cls, entry[0])
    node = _INPLACE_NODES.get(key)
    if node is None:
        name, error, text = entry
        body = {"__slots__": ()}
        if error is not None:
            body["formulas"] = tuple(_refusal(error, text) for _ in cls.formulas)
        node = _INPLACE_NODES[key] = type(name, (cls,), body)
    return node


def _parser_error(op, name, self, args, kwargs):
    """PyTorch parses the arguments before it refuses to change the tensor:
    an argument's TypeError comes first (asked of the op only on this path;
    its once-only warnings are still to come)."""
    if not args and not kwargs:
        return None
    warned = set(_WARNED)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with no_grad():
                op(self.detach(), *args, **kwargs)
    except TypeError as e:
        return _as_method(e, op.__name__, name)
    except Exception:   # noqa: BLE001 - the kernel's own refusals come after autograd's
        return None
    finally:
        _WARNED.intersection_update(warned)
    return None


def untracked_inplace(op, name):
    """The in-place form of an op that has no autograd kernel in PyTorch
    (logical_and_): no refusal of a leaf and nothing recorded; the tensor
    keeps its history (a view takes its base's, as after any change of its
    memory: Tensor._bump)."""

    def method(self, *args, **kwargs):
        check_not_inference(self)
        try:
            result = op(self, *args, **kwargs)
        except TypeError as e:
            raise _as_method(e, op.__name__, name) from None
        if result is NotImplemented:
            return NotImplemented
        check_no_internal_overlap(self._data)
        _write(self, result._data)
        self._bump()
        return self

    method.__name__ = method.__qualname__ = name
    return method


def make_inplace(op, name=None, function_form=False):
    """`t.op_(...)`: the out-of-place `op`, written back into `t` (or, as
    `function_form`, torch.op_(t, ...), whose errors for an argument left
    out are the function's)."""
    zero = getattr(op, "_inplace_zero_node", None)
    entry = _INPLACE_ENTRIES.get(op.__name__)
    overlap = checks_partial_overlap(op)

    def method(input=_keywords.MISSING, *args, **kwargs):
        # (`input`: the function form's name for the tensor, torch.add_(input=t, other=1);
        # MISSING when left out, for the parser's words on the error path)
        self = input
        try:
            check_inplace(self)
        except RuntimeError as refusal:
            raise _parser_error(op, method.__name__, self, args, kwargs) or refusal
        except AttributeError:
            if self is _keywords.MISSING:
                raise _keywords.missing_error(method.__name__, (), kwargs) from None
            raise
        if overlap and (args or kwargs):
            check_no_partial_overlap(self._data, args + tuple(kwargs.values()))
        try:
            result = op(_snapshot(self) if tracked(self, *args) else self, *args, **kwargs)
        except NotImplementedError as e:
            raise _uncastable(self, args) or e
        except (TypeError, ValueError) as e:
            if _keywords.is_missing(e):
                error = _keywords.missing_error(method.__name__, (self, *args), kwargs,
                                                not function_form)
                if error is not None:
                    raise error from None
            refuse_types(method.__name__, not function_form, (self, *args), kwargs)
            if isinstance(e, ValueError):
                raise
            raise _as_method(e, op.__name__, method.__name__) from None
        if result is NotImplemented:
            # not a number: `t += None` then raises Python's TypeError, as in PyTorch
            return NotImplemented
        if zero is not None and result._grad_fn is None and tracked(self, *args):
            result = _zero_recorded(zero, self, args, result)
        elif entry is not None and result._grad_fn is not None \
                and result._grad_fn is not self._grad_fn:     # (the op's own node)
            fn = result._grad_fn
            fn.__class__ = _inplace_node(type(fn), entry)
        return commit_inplace(self, result)

    method.__name__ = method.__qualname__ = name or op.__name__ + "_"
    return method


# Overwritten values get no gradient; copy_'s source gets the gradient
# (cast back to its dtype and summed to its shape by the engine).
ZeroBackward0 = grad_fn("ZeroBackward0", self=lambda xp, g: xp.zeros_like(g))
FillBackward0 = grad_fn("FillBackward0", self=lambda xp, g: xp.zeros_like(g))
FillBackward1 = grad_fn("FillBackward1", self=lambda xp, g: xp.zeros_like(g),
                        value=lambda xp, g: xp.sum(g, None))
# (fill_ is its own op in derivatives.yaml: its nodes are numbered after fill's)
FillBackward2 = grad_fn("FillBackward2", self=lambda xp, g: xp.zeros_like(g))
FillBackward3 = grad_fn("FillBackward3", self=lambda xp, g: xp.zeros_like(g),
                        value=lambda xp, g: xp.sum(g, None))
CopyBackwards = grad_fn("CopyBackwards", self=lambda xp, g: xp.zeros_like(g),
                        src=lambda xp, g: g)
CopyBackwards._full_name = "ember::autograd::CopyBackwards"


def _overwrite(self, data, node, inputs):
    """zero_, fill_ and copy_ (whose caller checked overlap, as the fills need not)."""
    check_inplace(self)
    if tracked(*inputs):
        return commit_inplace(self, recorded(node, np.broadcast_to(data, self._data.shape),
                                             tuple(inputs)), overlap_checked=True)
    _write(self, data)
    self._bump()
    return self


def zero_(self):
    return _overwrite(self, np.zeros((), self._data.dtype), ZeroBackward0, (self,))


def fill_(self, value):
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(
                "fill_ only supports 0-dimension value tensor but got tensor with "
                f"{value._data.ndim} dimensions.")
        return _overwrite(self, cast(value._data, self._data.dtype), FillBackward3,
                          (self, value))
    from .indexing_assign import _scalar_value
    number_arg(value)
    return _overwrite(self, _scalar_value(value, self._data.dtype), FillBackward2, (self,))


def copy_(self, src, non_blocking=False):
    if isinstance(src, (bool, int, float, complex)):
        # (PyTorch's parser takes a number for copy_'s tensor: as a 0-d
        # tensor of its own type, int64, double, bool or complex double)
        src = Tensor._wrap(np.asarray(src))
    elif not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'other' (position 1) must be Tensor, not "
                        f"{_tname(src)}")
    from ._common import broadcast_error
    check_inplace(self)
    check_no_internal_overlap(self._data)
    check_no_partial_overlap(self._data, (src,))
    try:
        shape = np.broadcast_shapes(self._data.shape, src._data.shape)
    except ValueError:
        raise broadcast_error(self._data.shape, src._data.shape) from None
    if shape != self._data.shape:
        raise RuntimeError(f"output with shape {list(self._data.shape)} doesn't match the "
                           f"broadcast shape {list(shape)}")
    data = src._data
    if data.dtype.kind == "c" and self._data.dtype.kind != "c":
        if self._data.dtype.kind == "b":
            data = data != 0
        else:
            if D.is_float_np(self._data.dtype):
                warn_once("Casting complex values to real discards the imaginary part",
                          cpp="aten/src/ATen/native/Copy.cpp:307")
            data = data.real
    return _overwrite(self, cast(data, self._data.dtype), CopyBackwards, (self, src))
