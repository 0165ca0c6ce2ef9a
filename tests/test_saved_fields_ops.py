"""`grad_fn._saved_<field>` of the embedding_bag, ctc_loss, linalg and
scatter/index nodes, of assignment's index_put and of views changed in
place, against PyTorch's (helpers: test_saved_fields.py); and tensor fields
freed by backward as PyTorch frees its saved tensors."""
import warnings

import pytest

import ember
from test_saved_fields import _all_fields, _defined, _fields, _nodes, _shown

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("dtype,pad,weighted", [
    ("float32", None, False), ("float32", None, True), ("float64", None, False),
    ("float32", 2, False), ("float64", -1, True)])
def test_embedding_bag_fields(dtype, pad, weighted):
    # ATen's fast float32 sum skips offset2bag (an empty result1); int32
    # indices and offsets keep int32 bookkeeping
    seen = []
    for lib in (ember, torch):
        lib.manual_seed(0)
        w = lib.randn(5, 3, dtype=getattr(lib, dtype), requires_grad=True)
        i, o = lib.tensor([0, 2, 4, 1, 1, 3]), lib.tensor([0, 2, 2])
        p = lib.rand(6, dtype=w.dtype) if weighted else None
        rows = []
        for mode in ((0,) if weighted else (0, 1, 2)):
            for idx, offs in ((i, o), (i.int(), o.int())):
                out = lib.embedding_bag(w, idx, offs, mode == 1, mode, False, p, False, pad)
                rows.append(([_shown(t) for t in out[1:]], _all_fields(out[0])))
        seen.append(rows)
    assert seen[0] == seen[1]


def test_ctc_loss_fields():
    seen = []
    for lib in (ember, torch):
        lib.manual_seed(0)
        x = lib.randn(6, 2, 5).log_softmax(2).requires_grad_()
        t = lib.tensor([1, 2, 2, 3], dtype=lib.int32)
        ctc = lib.nn.functional.ctc_loss
        seen.append([_all_fields(ctc(x, t, lib.tensor([6, 5]), lib.tensor([3, 1]), blank=4,
                                     zero_infinity=True, reduction="none")),
                     _all_fields(ctc(x[:, 0], t[:2], [6], [2]))])
    assert seen[0] == seen[1]


@pytest.mark.parametrize("make", [
    lambda T, x: T.linalg.qr(x)[1], lambda T, x: T.linalg.qr(x, "r")[1],
    lambda T, x: T.linalg.qr(x[:2], "complete")[0], lambda T, x: T.linalg.svd(x)[1],
    lambda T, x: T.linalg.svd(x[:2], full_matrices=False)[1],
    lambda T, x: T.linalg.eigh(x @ x.mT)[0], lambda T, x: T.linalg.eig(x)[0].abs(),
    lambda T, x: T.linalg.inv(x), lambda T, x: T.linalg.inv_ex(x)[0],
    lambda T, x: T.linalg.det(x), lambda T, x: T.linalg.det(x.mT), lambda T, x: x.det(),
    lambda T, x: T.linalg.slogdet(x)[1], lambda T, x: T.logdet(x @ x.mT),
    lambda T, x: T.linalg.solve(x, x[:, 0].detach()),
    lambda T, x: T.linalg.solve_ex(x, x.detach(), left=False)[0],
    lambda T, x: T.linalg.solve(x.detach(), x), lambda T, x: T.linalg.lu_factor(x)[0],
    lambda T, x: T.linalg.lu(x)[2], lambda T, x: T.lu_unpack(*T.linalg.lu_factor(x[:2]))[1],
    lambda T, x: T.linalg.lu_solve(*T.linalg.lu_factor(x), x.detach(), adjoint=True),
    lambda T, x: T.linalg.lu_solve(*T.linalg.lu_factor(x.detach()), x, left=False),
    lambda T, x: T.linalg.cholesky(x @ x.mT + T.eye(3)),
    lambda T, x: T.linalg.cholesky_ex(x @ x.mT + T.eye(3), upper=True)[0],
    lambda T, x: T.cholesky_inverse(x.triu() + 3 * T.eye(3), True),
    lambda T, x: T.cholesky_solve(x.detach(), x.tril() + 3 * T.eye(3)),
    lambda T, x: T.linalg.solve_triangular(x, x.detach(), upper=True, left=False),
    lambda T, x: T.linalg.solve_triangular(x.detach(), x, upper=False, unitriangular=True),
    lambda T, x: T.linalg.householder_product(x, T.ones(2)),
    lambda T, x: T.linalg.lstsq(x, x.detach()).solution,
    lambda T, x: T.linalg.cross(x, x.detach()), lambda T, x: T.linalg.cross(x, x, dim=0),
])
def test_linalg_fields(make):
    # vectors compared with their phase fixed (LAPACK picks the sign)
    seen = []
    for lib in (ember, torch):
        lib.manual_seed(0)
        x = lib.randn(3, 3, requires_grad=True)
        node = make(lib, x).grad_fn
        seen.append({f: _defined(node, f, getattr(node, f)) for f in _fields(node)})
    assert seen[0] == seen[1]


def test_old_linalg_names_fields():
    seen = []
    for lib in (ember, torch):
        lib.manual_seed(0)
        x = lib.randn(3, 3, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nodes = [lib.cholesky(x @ x.mT + lib.eye(3), True).grad_fn,
                     lib.triangular_solve(x.detach(), x, False, True, True)[0].grad_fn,
                     lib.cross(x, x.detach()).grad_fn]
        seen.append([{f: _shown(getattr(n, f)) for f in _fields(n)} for n in nodes])
    assert seen[0] == seen[1]


@pytest.mark.parametrize("make", [
    lambda T, x: x.scatter_reduce(0, T.tensor([[0, 1, 2], [2, 1, 0]]), x[:2].detach(), "amax"),
    lambda T, x: x.scatter_reduce(-1, T.tensor([[0, 1], [2, 1]]), x[:2] * 2, "mean",
                                  include_self=False),
    lambda T, x: x.index_add(0, T.tensor([0, 2]), x[:2] * 2, alpha=3),
    lambda T, x: x.index_add(-1, T.tensor([0, 2]), x[:, :2].detach()),
    lambda T, x: x.detach().index_add(0, T.tensor([0, 2]), x[:2], alpha=0.5),
    lambda T, x: x.index_copy(1, T.tensor([0, 2]), x[:, :2] * 2),
    lambda T, x: x.index_fill(-1, T.tensor([0, -1]), 2.5),
    lambda T, x: x.index_fill(0, T.tensor([1]), x[0, 0]),
    lambda T, x: x.index_reduce(0, T.tensor([0, 2]), x[:2].detach(), "amax", include_self=False),
    lambda T, x: x.index_put((T.tensor([0, 1]),), x[0] * 2, accumulate=True),
    lambda T, x: x.index_put((T.tensor([0, 1]), T.tensor([2, 0])), x[0, :2].detach()),
    lambda T, x: x.index_put((x > 0,), T.tensor(1.)),
    lambda T, x: x.put(T.tensor([0, 5]), x[0, :2] * 2, True),
    lambda T, x: x.masked_scatter(x > 0, x * 3),
    lambda T, x: x.masked_scatter(T.tensor([True, False, True]), x.detach() * 3),
    lambda T, x: T.select_scatter(x, x[0].detach() * 2, -1, -2),
    lambda T, x: T.slice_scatter(x, x[1:] * 1, 0, -2),
    lambda T, x: T.slice_scatter(x, x[::2] * 1, -2, None, 5, 2),
    lambda T, x: T.diagonal_scatter(x, x[0, :2] * 1, -1, -1, 0),
    lambda T, x: T.as_strided_scatter(x, x[0] * 1, (3,), (2,)),
    lambda T, x: T.as_strided_scatter(x, x[0, :2] * 1, [2], [1], 3),
])
def test_scatter_family_fields(make):
    seen = []
    for lib in (ember, torch):
        lib.manual_seed(0)
        x = lib.randn(3, 3, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")     # (index_reduce is in beta)
            node = make(lib, x).grad_fn
        seen.append({f: _shown(getattr(node, f)) for f in _fields(node)})
    assert seen[0] == seen[1]


@pytest.mark.parametrize("key", [
    lambda T, y: (slice(None), [0, 2]), lambda T, y: y > 0, lambda T, y: (Ellipsis, [1]),
    lambda T, y: ([0, 1], slice(None)), lambda T, y: T.tensor([0, 1]).int(),
    lambda T, y: (T.tensor([[0], [2]]), T.tensor([1, 2]))])
def test_assignment_index_put_fields(key):
    seen = []
    for lib in (ember, torch):
        lib.manual_seed(0)
        y = lib.randn(3, 3, requires_grad=True) * 1
        y[key(lib, y)] = 5.0
        seen.append({f: _shown(getattr(y.grad_fn, f)) for f in _fields(y.grad_fn)})
    assert seen[0] == seen[1]


def test_index_fill_of_a_recorded_gradient_shows_its_fields():
    # the double backward records grad.index_fill(dim, index, 0)
    seen = []
    for lib in (ember, torch):
        x = lib.ones(3, 3, requires_grad=True)
        y = x.index_fill(-1, lib.tensor([2]), 0.0)
        g, = lib.autograd.grad((y * y).sum(), x, create_graph=True)
        nodes = [n for n in _nodes(g) if type(n).__name__ == "IndexFillBackward0"]
        seen.append([{f: _shown(getattr(n, f)) for f in _fields(n)} for n in nodes])
    assert seen[0] == seen[1] and seen[0]


@pytest.mark.parametrize("make", [
    lambda T, x: x.masked_fill(x > 0, 1.0), lambda T, x: x.index_fill(0, T.tensor([0]), 1.0),
    lambda T, x: x.scatter_add(0, T.tensor([[0, 1]]), T.ones(1, 2)),
    lambda T, x: x.scatter_add(0, T.tensor([[0, 1]]), x[:1] * 1),
    lambda T, x: x.masked_scatter(x > 0, x.detach() * 2)])
def test_tensor_fields_are_freed_by_backward(make):
    # a node that saved no input still frees its tensor fields: reading one,
    # or a second backward, raises as PyTorch's freed saved tensors do
    seen = []
    for lib in (ember, torch):
        x = lib.randn(2, 2, requires_grad=True)
        y = make(lib, x)
        node, row = y.grad_fn, []
        y.sum().backward()
        for f in sorted(_fields(node)):
            try:
                row.append((f, _shown(getattr(node, f))[:3]))
            except RuntimeError as exc:
                row.append((f, str(exc)[:50]))
        try:
            y.sum().backward()
            row.append("again")
        except RuntimeError as exc:
            row.append(str(exc)[:50])
        seen.append(row)
    assert seen[0] == seen[1]


@pytest.mark.parametrize("change", [
    lambda T, y: y[1], lambda T, y: y.t(), lambda T, y: y[1:, ::2],
    lambda T, y: T.view_as_real(y.to(T.complex64))[1:, :, 1]])
def test_view_changed_in_place_shows_its_geometry(change):
    # the view's node after an in-place change is AsStridedBackward0 of the
    # new base, with the view's size, stride and offset in the base's storage
    seen = []
    for lib in (ember, torch):
        lib.manual_seed(0)
        y = lib.randn(3, 4, requires_grad=True) * 1
        v = change(lib, y)
        v.mul_(2)
        seen.append((type(v.grad_fn).__name__,
                     {f: _shown(getattr(v.grad_fn, f)) for f in _fields(v.grad_fn)}))
    assert seen[0] == seen[1]


def test_view_marked_dirty_by_a_function_gets_its_base_s_gradient():
    # the Function's in-place change of a view is recorded on its base, and
    # the view becomes AsStridedBackward0 of it
    seen = []
    for lib in (ember, torch):
        class Double(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                x.mul_(2)
                ctx.mark_dirty(x)
                return x

            @staticmethod
            def backward(ctx, g):
                return g * 2

        a = lib.ones(3, 4, requires_grad=True)
        out = Double.apply((a * 1)[1])
        (out.sum() * 3).backward()
        seen.append((type(out.grad_fn).__name__, _shown(out.grad_fn._saved_storage_offset),
                     a.grad.tolist()))
    assert seen[0] == seen[1]
