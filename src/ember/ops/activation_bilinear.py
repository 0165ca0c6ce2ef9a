"""torch.bilinear (nn.Bilinear's op): y = x1ᵀ W x2 + b. It sits with the
activation family because its layer is one of theirs (nn/modules/linear.py);
as in ATen it is composed: inputs flattened to rows (views), one
TrilinearBackward0 node, a view back, and the bias added."""
from .. import _meta
from .. import _dtype as D
from ._common import kernel_refuses, no_complex_autograd, np, recorded
from ._arg_refusals import refusing
from ._registry import grad_fn, register
from ._xp import provide
from .products_einsum import einsum as _einsum
from .shape import reshape

__all__ = ["bilinear"]


def _einsum_arrays(equation, *operands):
    return np.einsum(equation, *operands, optimize=True)


provide("einsum", _einsum_arrays, _einsum)


# float16 and bfloat16: ATen's _trilinear (forward and the three gradients,
# each itself a _trilinear) contracts two operands by a float32 product
# rounded to the half type, then the third; unrolled over dim 1 (o), each
# slice's result added into the output in the half type. NumPy's einsum
# would add in float16 and has no bfloat16 loop at all.
def _wide(x):
    return x.astype(np.float32)


def _unrolled(pair, n_o, shape, h):
    acc = np.zeros(shape, h)
    for o in range(n_o):
        acc = (_wide(acc) + _wide(pair(o))).astype(h)
    return acc


def _trilinear_half(x1, w, x2):
    h = x1.dtype
    t = np.einsum("ni,oij->noj", _wide(x1), _wide(w)).astype(h)
    return np.einsum("noj,nj->no", _wide(t), _wide(x2)).astype(h)


def _grad_i1_half(g, w, x2):
    h = g.dtype
    return _unrolled(lambda o: np.einsum("nij,nj->ni", _wide(
        (_wide(g[:, o, None, None]) * _wide(w[o])).astype(h)), _wide(x2)).astype(h),
        w.shape[0], (g.shape[0], w.shape[1]), h)


def _grad_i2_half(g, x1, x2):
    h = g.dtype
    t = (_wide(x1)[:, None, :] * _wide(g)[:, :, None]).astype(h)
    return np.einsum("noi,nj->oij", _wide(t), _wide(x2)).astype(h)


def _grad_i3_half(g, x1, w):
    h = g.dtype
    return _unrolled(lambda o: (_wide(np.einsum("ni,ij->nj", _wide(x1), _wide(w[o])).astype(h))
                                * _wide(g[:, o, None])).astype(h),
                     w.shape[0], (g.shape[0], w.shape[2]), h)


def _half_or(half, equation):
    """The array formula: `half` for the half types, else one einsum."""
    return lambda g, a, b: (half(g, a, b) if g.dtype in D.HALF_NP
                            else _einsum_arrays(equation, g, a, b))


for _name, _half, _eq in (("trilinear_i1", _grad_i1_half, "no,oij,nj->ni"),
                          ("trilinear_i2", _grad_i2_half, "no,ni,nj->oij"),
                          ("trilinear_i3", _grad_i3_half, "no,ni,oij->nj")):
    provide(_name, _half_or(_half, _eq), lambda g, a, b, eq=_eq: _einsum(eq, g, a, b))

# out[n, o] = sum_ij i1[n, i] i2[o, i, j] i3[n, j]
# (PyTorch's bilinear calls _trilinear(i1, i2, i3, [1, 3], [0], [1, 2], [2, 3]))
TrilinearBackward0 = grad_fn(
    "TrilinearBackward0", saved={"expand1": lambda node: (1, 3), "expand2": lambda node: (0,),
                                 "expand3": lambda node: (1, 2), "sumdim": lambda node: (2, 3)},
    i1=lambda xp, g, i2, i3: xp.trilinear_i1(g, i2, i3),
    i2=lambda xp, g, i1, i3: xp.trilinear_i2(g, i1, i3),
    i3=lambda xp, g, i1, i2: xp.trilinear_i3(g, i1, i2))


def _check(input1, input2, weight, bias):
    named = (("input1", input1), ("input2", input2), ("weight", weight), ("bias", bias))
    if len({t._data.dtype for _, t in named if t is not None}) > 1:
        # (ATen computes in one dtype; it checks that before the sizes)
        raise RuntimeError("All tensors must have the same dtype, got " + ", ".join(
            f"{n}: {D.C_NAMES[t.dtype]}" for n, t in named if t is not None))
    s1, s2, sw = input1._data.shape, input2._data.shape, weight._data.shape
    if len(s1) != len(s2):
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {len(s1)} and "
                           f"{len(s2)}")
    for i in range(len(s1) - 1):
        if s1[i] != s2[i]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {i}: "
                               f"got {s1[i]} and {s2[i]}")
    for name, s, k in (("input1", s1, 1), ("input2", s2, 2)):
        if s[-1] != weight.size(k):
            raise RuntimeError(f"bilinear(): {name} size does not match weight size: got "
                               f"{s[-1]} but expected {sw[k]}")
    if bias is not None and bias._data.shape[0] != sw[0]:
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got "
                           f"{bias._data.shape[0]} but expected {sw[0]}")


def bilinear(input1, input2, weight, bias=None):
    _check(input1, input2, weight, bias)
    x1 = reshape(input1, (-1, input1._data.shape[-1]))
    x2 = reshape(input2, (-1, input2._data.shape[-1]))
    # (contiguous, as ATen's _trilinear allocates it: NumPy 1's einsum may
    # hand back another layout, which reshape would then see)
    a1, w, a2 = x1._data, weight._data, x2._data
    if a1.dtype == np.bool_:    # (ATen's _trilinear contracts with bmm, which has no bool kernel)
        raise kernel_refuses("bmm", a1.dtype)
    data = _meta.ascontiguousarray(_trilinear_half(a1, w, a2) if a1.dtype in D.HALF_NP
                                else _einsum_arrays("ni,oij,nj->no", a1, w, a2))
    no_complex_autograd("_trilinear", data, x1, weight, x2)
    out = recorded(TrilinearBackward0, data, (x1, weight, x2))
    out = reshape(out, input1._data.shape[:-1] + (weight._data.shape[0],))
    return out if bias is None else out + bias


bilinear = register(refusing(bilinear, "bilinear"), method=False, out=False)
