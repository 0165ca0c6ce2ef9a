"""Batching rules of the matrix products, as functorch's
(BatchRulesLinearAlgebra.cpp), so that vmap records PyTorch's graph:

- dot, mv, mm, bmm: the batch moved first and one `matmul` of the batches
  (dot_batch_rule, tv_batch_rule, mm/bmm_batch_rule), which at::matmul then
  folds or broadcasts as it does outside vmap;
- vdot, addmm, addmv, baddbmm, addbmm: functorch's decompositions into those;
- matmul, outer/ger and linear: composite in PyTorch, so ATen's algorithm
  runs on the batched values (`_matmul`, `self.reshape(-1, 1) * vec2`,
  at::linear) and its ops are batched in turn.

A batched value here may be batched at several levels (nested vmaps); the
view helpers below apply a view to each level's batch in turn, batch dims
first, as each level's rule does in functorch. Inside vmap a batched value
does not require grad (functorch's wrapper has no autograd meta), which
decides at::matmul's fold. Errors are the ops' own, as in PyTorch.
"""

from .. import _layout
from ..ops import shape as _S
from ..ops._matmul_impl import matmul_impl
from ..ops.scalar_arith import mul_scalar
from ._vmap import BatchedTensor, call, is_batched, wrap

__all__ = ["rules"]


# -- views of a value batched at any number of levels --------------------------

def _batched(x):
    return isinstance(x, BatchedTensor)


def _each_level(op, x, *args):
    """op on x's batch with the batch dim first (op's args prefixed by it)."""
    p = x._phys
    return wrap(op(p, *args), x._level)


def _view(x, shape):
    if _batched(x):
        return _each_level(lambda p: _view(p, (p.shape[0],) + tuple(shape)), x)
    return x.view(shape)


def _unsafe_view(x, shape):
    if _batched(x):
        return _each_level(lambda p: _unsafe_view(p, (p.shape[0],) + tuple(shape)), x)
    return _S._unsafe_view(x, tuple(shape))


def _clone(x):
    if _batched(x):
        return _each_level(_clone, x)
    return x.clone(memory_format=_layout.contiguous_format)


def _shift(d):
    return d + 1 if d >= 0 else d


def _transpose(x, d0, d1):
    if _batched(x):
        return _each_level(lambda p: _transpose(p, _shift(d0), _shift(d1)), x)
    return x.transpose(d0, d1)


def _t(x):
    """t(): TBackward0 unbatched; a batch's transpose (TransposeBackward0)."""
    if _batched(x):
        return _transpose(x, 0, 0 if x.dim() < 2 else 1)
    return x.t()


def _unsqueeze(x, d):
    if _batched(x):
        return _each_level(lambda p: _unsqueeze(p, _shift(d)), x)
    return x.unsqueeze(d)


def _squeeze(x, d):
    if _batched(x):
        return _each_level(lambda p: _squeeze(p, _shift(d)), x)
    return x.squeeze(d)


def _squeeze_(x, d, dims=False):
    """In place; a batch's squeeze_ takes a list of dims (SqueezeBackward5)."""
    if _batched(x):
        _squeeze_(x._phys, _shift(d), True)
    else:
        x.squeeze_((d,) if dims else d)
    return x


def _conj(x):
    if _batched(x):
        return _each_level(_conj, x)
    return x.conj()


def _mul_scalar(x, c):
    """C++'s Tensor * Scalar (mul.Scalar: MulBackward1)."""
    if _batched(x):
        return _each_level(lambda p: _mul_scalar(p, c), x)
    return mul_scalar(x, c)


def _expand(x, size):
    """expand_batch_rule: the batch viewed with the new dims, then expanded."""
    if _batched(x):
        p = x._phys
        extra = len(size) - (p.dim() - 1)
        viewed = _view(p, (p.shape[0],) + (1,) * extra + tuple(p.shape[1:]))
        return wrap(_expand(viewed, (p.shape[0],) + tuple(size)), x._level)
    return x.expand(size)


def _strides(x):
    if _batched(x):
        return _strides(x._phys)[1:]
    return x.stride()


def _contiguous_layout(shape, strides):
    expected = 1
    for size, stride in zip(reversed(shape), reversed(strides)):
        if size == 0:
            return True
        if size != 1 and stride != expected:
            return False
        expected *= size
    return True


def _reshape(x, *shape):
    """reshape of a batched value (a tensor subclass to ATen): a view where
    one exists, else a contiguous clone, viewed."""
    if not _batched(x):
        return x.reshape(shape)
    try:
        return _view(x, shape)
    except RuntimeError:
        return _unsafe_view(_clone(x), shape)


def _contiguous(x):
    if not _batched(x):
        return x.contiguous()
    return x if _contiguous_layout(tuple(x.shape), _strides(x)) else _clone(x)


def _requires_grad(x):
    return not _batched(x) and x.requires_grad


# -- matmul: ATen's _matmul_impl (ops.linalg's) on batched values ---------------

def _product(name):
    return lambda a, b: call(name, a, b)


_matmul_batched = matmul_impl(
    dot=_product("dot"), mv=_product("mv"), mm=_product("mm"), bmm=_product("bmm"),
    reshape=_reshape, expand=_expand, unsqueeze=_unsqueeze, squeeze=_squeeze,
    squeeze_=_squeeze_, transpose=_transpose, t=_t, contiguous=_contiguous,
    unsafe_view=_unsafe_view, strides=_strides, folds=_requires_grad,
    # (a batched value counts as a tensor subclass: squeezed too)
    squeezes=lambda x: _batched(x) or x.requires_grad)


def _matmul_impl(t1, t2):
    sa, sb = tuple(t1.shape), tuple(t2.shape)
    return _matmul_batched(t1, t2, sa, sb, len(sa), len(sb))


# -- the rules ------------------------------------------------------------------

def _phys(x, level):
    return x._phys if is_batched(x, level) else x


_RANKS = {"mm": (2, 2), "bmm": (3, 3), "mv": (2, 1)}


def _check_ranks(name, a, b):
    ra, rb = a.dim(), b.dim()
    want = _RANKS[name]
    if (ra, rb) != want:
        raise RuntimeError(   # (PyTorch's message, its missing spaces too)
            f"Shape mismatch: Got incorrect dims for {name}(a, b). a has dim {ra}and b has "
            f"dim {rb}but expected them to have dim {want[0]} and dim {want[1]}")


def _plain(rule):
    """A rule of the op's tensors alone: with out= (or anything else by
    keyword) the op runs per sample."""
    def checked(fn, name, level, args, kwargs):
        if kwargs or len(args) != 2:
            from ._batching_rules import _per_sample
            return _per_sample(fn, name, level, args, kwargs)
        return rule(name, level, *args)
    return checked


def _dot(name, level, a, b):
    if a.dim() != 1 or b.dim() != 1:
        raise RuntimeError("Got wrong shapes for dot")
    pa, pb = _phys(a, level), _phys(b, level)
    if is_batched(a, level) and is_batched(b, level):
        out = call("matmul", pa.unsqueeze(-2), pb.unsqueeze(-1)).squeeze(-1).squeeze(-1)
    else:
        out = call("matmul", pa, pb.t())
    return wrap(out, level)


def _vdot(name, level, a, b):
    return _dot("dot", level, _conj(a) if a.is_complex() else a, b)


def _mv(name, level, a, b):
    _check_ranks("mv", a, b)
    ba, bb = is_batched(a, level), is_batched(b, level)
    if ba and bb:
        out = call("matmul", a._phys.movedim(0, -3), b._phys.unsqueeze(-1)).squeeze(-1)
        return wrap(out, level)
    if ba:
        return wrap(call("matmul", a._phys, b), level)
    # (functorch's result has its batch last; vmap moves it first)
    return wrap(call("matmul", a, b._phys.movedim(0, -1)).movedim(1, 0), level)


def _mm(name, level, a, b):
    _check_ranks(name, a, b)
    return wrap(call("matmul", _phys(a, level), _phys(b, level)), level)


def _matmul(name, level, a, b):
    return _matmul_impl(a, b)


def _outer(name, level, a, b):
    for what, t in (("self", a), ("vec2", b)):
        if t.dim() != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {what}, but got {t.dim()}-D")
    return call("mul", _reshape(a, -1, 1), b)


def _linear(fn, name, level, args, kwargs):
    from ._batching_rules import _get
    x, w = args[0], _get(args, kwargs, 1, "weight")
    bias = _get(args, kwargs, 2, "bias")
    if x.dim() == 0 or w.dim() == 0:
        raise RuntimeError("both arguments to linear need to be at least 1D, but they are "
                           f"{x.dim()}D and {w.dim()}D")
    if bias is not None:
        if x.dim() == 2:
            return _addmm_decomp(bias, x, _t(w))
        if x.dim() == 3 and _contiguous_layout(tuple(x.shape), _strides(x)):
            s = tuple(x.shape)
            out = _addmm_decomp(bias, _reshape(x, s[0] * s[1], s[2]), _t(w))
            return _view(out, s[:2] + (out.shape[1],))
    out = _matmul_impl(x, _t(w))
    return out if bias is None else call("add", out, bias)


def _addmm_decomp(input, mat1, mat2, beta=1, alpha=1):
    return call("add", _mul_scalar(input, beta), call("mm", mat1, mat2), alpha=alpha)


def _scaled_sum(input, out, beta, alpha):
    """functorch's addmv/addbmm/baddbmm: alpha * out + beta * input, the
    factors only where they change anything."""
    if alpha != 1:
        out = _mul_scalar(out, alpha)
    if beta != 0:
        out = call("add", _mul_scalar(input, beta), out)
    return out


def _add_product(product):
    def rule(fn, name, level, args, kwargs):
        if len(args) != 3 or set(kwargs) - {"beta", "alpha"}:
            from ._batching_rules import _per_sample
            return _per_sample(fn, name, level, args, kwargs)
        input, m1, m2 = args
        beta, alpha = kwargs.get("beta", 1), kwargs.get("alpha", 1)
        if name == "addmm":
            return _addmm_decomp(input, m1, m2, beta, alpha)
        out = call(product, m1, m2)
        if name == "addbmm":
            out = call("sum", out, 0)
        return _scaled_sum(input, out, beta, alpha)
    return rule


def rules():
    table = {n: _plain(r) for n, r in (
        ("dot", _dot), ("vdot", _vdot), ("mv", _mv), ("mm", _mm), ("bmm", _mm),
        ("matmul", _matmul), ("outer", _outer), ("ger", _outer))}
    table["linear"] = _linear
    for name, product in (("addmm", "mm"), ("addmv", "mv"), ("baddbmm", "bmm"),
                          ("addbmm", "bmm")):
        table[name] = _add_product(product)
    return table
