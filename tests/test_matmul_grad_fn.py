"""matmul's autograd graph against PyTorch 2.13, and the matrix products
under torch.func.vmap: grad_fn names and the next_functions structure a few
levels down, values and gradients.

matmul follows ATen's _matmul_impl (should_fold, the transposed fold's
CloneBackward0, bmm of the broadcast batches); the vmap rules follow
functorch's (dot/mv/mm/bmm batch rules, the addmm/addmv/baddbmm/addbmm
decompositions, matmul, outer and linear decomposed)."""
import itertools

import numpy as np
import pytest

import ember
from compare_torch import _torch, check_error

RNG = np.random.default_rng(7)
_ARRAYS = {}


def _arr(shape, key):
    if (shape, key) not in _ARRAYS:
        _ARRAYS[shape, key] = RNG.standard_normal(shape)
    return _ARRAYS[shape, key]


def _graph(fn, depth):
    """A node's name and, `depth` levels down, its next_functions'."""
    if fn is None:
        return None
    name = type(fn).__name__
    if depth == 0:
        return name
    return name, tuple(_graph(f, depth - 1) for f, _ in fn.next_functions)


def _run(T, build):
    out, inputs = build(T)
    grads = T.autograd.grad(out, inputs, out.detach() * 0 + 1.5) if inputs else ()
    return _graph(out.grad_fn, 6), out.detach().numpy(), [g.resolve_conj().numpy() for g in grads]


def _compare(build):
    torch = _torch()
    (tg, tv, tgrads), (eg, ev, egrads) = _run(torch, build), _run(ember, build)
    assert eg == tg, f"graphs differ:\n  ember: {eg}\n  torch: {tg}"
    np.testing.assert_allclose(ev, tv, rtol=1e-12, atol=1e-14)
    assert len(egrads) == len(tgrads)
    for e, t in zip(egrads, tgrads):
        np.testing.assert_allclose(e, t, rtol=1e-12, atol=1e-14)


# -- matmul, every pair of ranks ---------------------------------------------------

_A = {1: [(3,)], 2: [(2, 3)], 3: [(4, 2, 3), (1, 2, 3)], 4: [(5, 4, 2, 3), (5, 1, 2, 3)]}
_B = {1: [(3,)], 2: [(3, 2)], 3: [(4, 3, 2), (1, 3, 2)], 4: [(5, 4, 3, 2), (1, 4, 3, 2)]}


def _operand(T, shape, rg, key, transposed):
    """A leaf, or a leaf's .mT (a non-contiguous operand: no folding view)."""
    a = _arr(shape, key)
    if transposed:
        leaf = T.tensor(np.ascontiguousarray(np.swapaxes(a, -1, -2)), requires_grad=rg)
        return leaf.mT, leaf
    leaf = T.tensor(a, requires_grad=rg)
    return leaf, leaf


def _matmul_cases():
    for ra, rb in itertools.product(range(1, 5), repeat=2):
        for sa, sb in itertools.product(_A[ra], _B[rb]):
            for grads in ((1, 0), (0, 1), (1, 1)):
                for tr in ((0, 0), (1, 0), (0, 1)):
                    if (tr[0] and ra < 2) or (tr[1] and rb < 2):
                        continue
                    yield pytest.param(sa, sb, grads, tr, id=f"{sa}@{sb}-g{grads}-t{tr}")


@pytest.mark.parametrize("sa, sb, grads, tr", list(_matmul_cases()))
def test_matmul_graph(sa, sb, grads, tr):
    def build(T):
        a, la = _operand(T, sa, bool(grads[0]), "a", tr[0])
        b, lb = _operand(T, sb, bool(grads[1]), "b", tr[1])
        return T.matmul(a, b), [x for x, g in ((la, grads[0]), (lb, grads[1])) if g]
    _compare(build)


def test_matmul_graph_under_no_grad_and_operator():
    def build(T):
        a = T.tensor(_arr((2, 3), "a"), requires_grad=True)
        b = T.tensor(_arr((4, 3, 2), "b"))
        with T.no_grad():
            assert (a @ b).grad_fn is None
        return a @ b, [a]
    _compare(build)


@pytest.mark.parametrize("sa, sb", [((4, 2, 3), (4, 2)), ((2, 3), (4, 2, 5)), ((3,), (4, 2, 5)),
                                    ((4, 2, 3), (2,)), ((3, 2, 3), (4, 3, 2)),
                                    ((5, 3, 2, 3), (4, 3, 2)), ((2, 2, 3), (2,)),
                                    ((4, 3), (2, 5, 2))])
@pytest.mark.parametrize("rg", [False, True])
def test_matmul_errors(sa, sb, rg):
    check_error(lambda T: (T.ones(sa, requires_grad=rg), T.ones(sb)),
                lambda T, a, b: T.matmul(a, b))
    check_error(lambda T: (T.ones(sa), T.ones(sb, requires_grad=rg)),
                lambda T, a, b: T.matmul(a, b))


# -- the products under vmap --------------------------------------------------------

def _vm(op, dims, *specs, **kw):
    """vmap(op, dims) of tensors of `specs`: (shape, requires_grad)."""
    def build(T):
        fn = T.nn.functional.linear if op == "linear" else getattr(T, op)
        ts = [T.tensor(_arr(s, f"v{i}"), requires_grad=g) for i, (s, g) in enumerate(specs)]
        # (looked up inside: an op taken before vmap wraps the ops runs per sample)
        f = (lambda *a: getattr(T, op)(*a, **kw)) if kw else fn
        return T.func.vmap(f, dims)(*ts), [t for t in ts if t.requires_grad]
    return build


def _nested(op, inner, outer, *specs):
    def build(T):
        ts = [T.tensor(_arr(s, f"n{i}"), requires_grad=g) for i, (s, g) in enumerate(specs)]
        v = T.func.vmap
        return v(v(getattr(T, op), inner), outer)(*ts), [t for t in ts if t.requires_grad]
    return build


Y, N = True, False
VMAP = {
    "mv0N": _vm("mv", (0, None), ((2, 3, 3), Y), ((3,), N)),
    "mvN0": _vm("mv", (None, 0), ((3, 3), Y), ((2, 3), N)),
    "mv00": _vm("mv", (0, 0), ((2, 3, 3), Y), ((2, 3), Y)),
    "mm0N": _vm("mm", (0, None), ((2, 3, 3), Y), ((3, 2), N)),
    "mmN0": _vm("mm", (None, 0), ((3, 3), Y), ((2, 3, 2), N)),
    "mm00": _vm("mm", (0, 0), ((2, 3, 3), Y), ((2, 3, 2), Y)),
    "mm10": _vm("mm", (1, 0), ((4, 2, 3), Y), ((2, 3, 2), N)),
    "mm0N_both": _vm("mm", (0, None), ((2, 3, 3), Y), ((3, 3), Y)),
    "bmm0N": _vm("bmm", (0, None), ((2, 4, 3, 3), Y), ((4, 3, 2), N)),
    "bmm00": _vm("bmm", (0, 0), ((2, 4, 3, 3), Y), ((2, 4, 3, 2), N)),
    "dot0N": _vm("dot", (0, None), ((2, 3), Y), ((3,), N)),
    "dotN0": _vm("dot", (None, 0), ((3,), Y), ((2, 3), N)),
    "dot00": _vm("dot", (0, 0), ((2, 3), Y), ((2, 3), Y)),
    "vdot00": _vm("vdot", (0, 0), ((2, 3), Y), ((2, 3), N)),
    "matmul0N": _vm("matmul", (0, None), ((2, 3, 3), Y), ((3, 2), N)),
    "matmulN0_2x3": _vm("matmul", (None, 0), ((3, 3), Y), ((2, 4, 3, 2), N)),
    "matmulN0_2x3_b": _vm("matmul", (None, 0), ((3, 3), N), ((2, 4, 3, 2), Y)),
    "matmul00_1x3": _vm("matmul", (0, 0), ((2, 3), Y), ((2, 4, 3, 2), Y)),
    "matmul00_3x2": _vm("matmul", (0, 0), ((2, 4, 2, 3), Y), ((2, 3, 2), Y)),
    "matmul0N_3x2": _vm("matmul", (0, None), ((2, 4, 2, 3), Y), ((3, 2), Y)),
    "matmul00_1x1": _vm("matmul", (0, 0), ((2, 3), Y), ((2, 3), Y)),
    "matmul00_2x1": _vm("matmul", (0, 0), ((2, 4, 3), Y), ((2, 3), Y)),
    "matmul0N_2x1": _vm("matmul", (0, None), ((2, 4, 3), Y), ((3,), Y)),
    "matmulN0_2x1": _vm("matmul", (None, 0), ((4, 3), Y), ((2, 3), Y)),
    "matmul00_batch_of_one": _vm("matmul", (0, 0), ((2, 1, 2, 3), Y), ((2, 4, 3, 2), N)),
    "matmul10": _vm("matmul", (1, None), ((4, 2, 3), Y), ((3, 2), N)),
    "outer0N": _vm("outer", (0, None), ((2, 3), Y), ((3,), N)),
    "outerN0": _vm("outer", (None, 0), ((3,), Y), ((2, 4), N)),
    "ger00": _vm("ger", (0, 0), ((2, 3), Y), ((2, 4), Y)),
    "linear00": _vm("linear", 0, ((2, 3), Y), ((2, 4, 3), N)),
    "linear0N": _vm("linear", (0, None), ((2, 5, 3), Y), ((4, 3), N)),
    "linear0NN_2d": _vm("linear", (0, None, None), ((2, 4, 3), Y), ((5, 3), Y), ((5,), N)),
    "linear0NN_1d": _vm("linear", (0, None, None), ((2, 3), Y), ((5, 3), Y), ((5,), N)),
    "linear0NN_3d": _vm("linear", (0, None, None), ((2, 4, 6, 3), Y), ((5, 3), Y), ((5,), Y)),
    "linear0NN_4d": _vm("linear", (0, None, None), ((2, 4, 6, 7, 3), Y), ((5, 3), N), ((5,), N)),
    "linearN0N": _vm("linear", (None, 0, None), ((4, 3), Y), ((2, 5, 3), N), ((5,), N)),
    "linearNN0_1d": _vm("linear", (None, None, 0), ((3,), Y), ((5, 3), N), ((2, 5), N)),
    "linearNN0_3d": _vm("linear", (None, None, 0), ((4, 6, 3), Y), ((5, 3), N), ((2, 5), N)),
    "linear000": _vm("linear", 0, ((2, 4, 3), Y), ((2, 5, 3), Y), ((2, 5), Y)),
    "addmm00N": _vm("addmm", (0, 0, None), ((2, 3, 2), Y), ((2, 3, 3), N), ((3, 2), N)),
    "addmm000_beta0": _vm("addmm", 0, ((2, 4, 2), Y), ((2, 4, 3), Y), ((2, 3, 2), N), beta=0),
    "addmm_scaled": _vm("addmm", (None, 0, None), ((3, 2), Y), ((2, 3, 3), Y), ((3, 2), Y),
                        beta=2, alpha=3),
    "addmvN0N": _vm("addmv", (None, 0, None), ((3,), Y), ((2, 3, 3), N), ((3,), N),
                    beta=2, alpha=3),
    "baddbmmN0N": _vm("baddbmm", (None, 0, None), ((4, 3, 2), Y), ((2, 4, 3, 3), N),
                      ((4, 3, 2), N)),
    "addbmmN0N": _vm("addbmm", (None, 0, None), ((3, 2), Y), ((2, 4, 3, 3), Y), ((4, 3, 2), N),
                     alpha=2),
    "nested_mm": _nested("mm", 0, 0, ((2, 2, 3, 3), Y), ((2, 2, 3, 3), N)),
    "nested_mv": _nested("mv", (0, None), (0, 0), ((2, 2, 3, 3), Y), ((2, 3), N)),
    "nested_matmul": _nested("matmul", (0, None), (0, None), ((2, 3, 4, 3), Y), ((3, 2), Y)),
}


@pytest.mark.parametrize("name", sorted(VMAP))
def test_vmap_product_graph(name):
    _compare(VMAP[name])


def test_vmap_matmul_vector_times_batch_of_matrices():
    """vmap(matmul, (None, 0))(a vector that requires grad, matrices):
    PyTorch's mm, its transposed fold's view of the result, squeeze_.
    Ember's squeeze_ of a view records AsStridedBackward0 in place of the
    view's node, so only the values, gradients and the outer node match."""
    build = _vm("matmul", (None, 0), ((3,), Y), ((2, 3, 2), N))
    torch = _torch()
    (tg, tv, tgr), (eg, ev, egr) = _run(torch, build), _run(ember, build)
    assert eg[0] == tg[0] == "SqueezeBackward5"
    np.testing.assert_allclose(ev, tv, rtol=1e-12)
    np.testing.assert_allclose(egr[0], tgr[0], rtol=1e-12)


@pytest.mark.parametrize("op, dims, sa, sb", [
    ("mm", (0, None), (2, 3, 3), (2, 3)), ("mm", (0, None), (2, 3), (3, 3)),
    ("mv", (0, None), (2, 3, 3), (3, 3)), ("mv", (0, None), (2, 3, 3), (4,)),
    ("bmm", (0, 0), (2, 3, 3), (2, 3, 3)), ("dot", (0, None), (2, 3, 3), (3,)),
    ("matmul", (0, None), (2, 4, 3), (2, 2)), ("outer", (0, None), (2, 3, 3), (3,)),
])
def test_vmap_product_errors(op, dims, sa, sb):
    check_error(lambda T: (T.ones(sa), T.ones(sb)),
                lambda T, a, b: T.func.vmap(getattr(T, op), dims)(a, b))


@pytest.mark.parametrize("sa, sb, grads", [((3,), (2, 3, 2), (0, 1)), ((4, 2, 3), (3, 2), (1, 0)),
                                           ((4, 2, 3), (3,), (1, 0)), ((2, 3), (4, 3, 2), (0, 1)),
                                           ((5, 4, 2, 3), (4, 3, 2), (1, 0))])
def test_matmul_graph_of_meta_tensors(sa, sb, grads):
    """Meta tensors fold as contiguous ones (their strides are)."""
    torch = _torch()
    graphs = []
    for T in (torch, ember):
        a = T.ones(sa, device="meta", requires_grad=bool(grads[0]))
        b = T.ones(sb, device="meta", requires_grad=bool(grads[1]))
        r = T.matmul(a, b)
        graphs.append((tuple(r.shape), _graph(r.grad_fn, 5)))
    assert graphs[1] == graphs[0]


@pytest.mark.parametrize("dims", [(0, 0), (None, 0), (0, None)])
def test_vmap_vdot_of_complex_vectors(dims):
    def build(T):
        x = T.tensor(_arr((2, 3), "x") + 1j * _arr((2, 3), "y"), requires_grad=True)
        y = T.tensor(_arr((2, 3), "z") - 2j * _arr((2, 3), "w"), requires_grad=True)
        x = x[0] if dims[0] is None else x
        y = y[0] if dims[1] is None else y
        out = T.func.vmap(T.vdot, dims)(x, y)
        return out.real + out.imag, [x, y]
    _compare(build)
