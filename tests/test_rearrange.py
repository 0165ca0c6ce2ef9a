"""The rearranging ops beyond their sample rows: views (shared memory, write
through, _base, version counter), dtypes, integer and bool inputs, every
documented argument, errors (type, message, inputs untouched), edge cases,
and the in-place view ops (squeeze_, t_, as_strided_, ...), against PyTorch."""
import warnings

import numpy as np
import pytest

import ember
from compare_torch import check, check_error

pytest.importorskip("torch")


def _grid(T, shape=(3, 4), dtype=None):
    n = int(np.prod(shape))
    return (T.arange(n, dtype=dtype or T.float32) + 1).reshape(shape).clone()


def _view_facts(T, f, write=True, shape=(3, 4)):
    """What makes a view: _base, shared version counter, same strides, and
    a write through it seen by its base."""
    x = _grid(T, shape)
    v = f(x)
    pieces = v if isinstance(v, tuple) else (v,)
    facts = [tuple(p.shape) for p in pieces] + [p.stride() for p in pieces]
    facts += [p._base is x for p in pieces]
    if write:
        before = x._version
        for p in pieces:
            p.mul_(-1)
        facts += [x._version - before, all(p._version == x._version for p in pieces)]
    return [x, *pieces, facts]


VIEWS = {
    "diagonal": lambda T, x: T.diagonal(x),
    "diagonal_offset": lambda T, x: x.diagonal(1),
    "diagonal_negative": lambda T, x: T.diagonal(x, -1, 1, 0),
    "diagonal_beyond": lambda T, x: T.diagonal(x, 7),
    "diagonal_transposed": lambda T, x: T.diagonal(x.t(), 1),
    "movedim": lambda T, x: T.movedim(x, 0, 1),
    "moveaxis": lambda T, x: x.moveaxis([1, 0], [0, 1]),
    "unfold": lambda T, x: x.unfold(1, 2, 2),
    "unfold_step": lambda T, x: x.unfold(0, 2, 2),
    "unfold_transposed": lambda T, x: x.t().unfold(1, 1, 2),
    "as_strided": lambda T, x: T.as_strided(x, (2, 2), (1, 4), 1),
    "as_strided_of_view": lambda T, x: x[1:].as_strided((2,), (1,)),
    "as_strided_offset_of_view": lambda T, x: x[1:].as_strided((2,), (2,), 0),
    "ravel": lambda T, x: T.ravel(x),
    "tensor_split": lambda T, x: T.tensor_split(x, 3, 1),
    "tensor_split_indices": lambda T, x: x.tensor_split([1, 2]),
    "hsplit": lambda T, x: T.hsplit(x, [3]),
    "vsplit": lambda T, x: x.vsplit(3),
    "atleast_2d": lambda T, x: T.atleast_2d(x[0]),
    "atleast_3d": lambda T, x: T.atleast_3d(x),
    "squeeze_dims": lambda T, x: T.squeeze(x[None], (0, 1)),
    "reshape_alias": lambda T, x: x.t().reshape(2, 2, 3),
}


@pytest.mark.parametrize("name", list(VIEWS))
def test_views_share_memory_and_version(name):
    check(lambda T: _view_facts(T, lambda x: VIEWS[name](T, x)), exact=True)


@pytest.mark.parametrize("f", [
    lambda T, x: x.unfold(1, 2, 1),
    lambda T, x: T.broadcast_to(x[0], (2, 3, 4)),
    lambda T, x: T.meshgrid(x[0], x[1, :2], indexing="ij"),
    lambda T, x: T.broadcast_tensors(x, x[:1]),
])
def test_expanded_views(f):
    check(lambda T: _view_facts(T, lambda x: f(T, x), write=False), exact=True)


@pytest.mark.parametrize("f", [
    lambda T, x: T.tril(x), lambda T, x: T.triu(x, -1), lambda T, x: T.diag(x),
    lambda T, x: T.diag(x[0]), lambda T, x: T.roll(x, 1), lambda T, x: T.rot90(x, 2),
    lambda T, x: T.fliplr(x), lambda T, x: T.flipud(x), lambda T, x: T.tile(x, (1, 2)),
    lambda T, x: T.repeat_interleave(x, 2), lambda T, x: T.ravel(x.t()),
    lambda T, x: T.diagflat(x), lambda T, x: T.hstack([x, x]),
])
def test_copies_leave_the_input_alone(f):
    def run(T):
        x = _grid(T)
        y = f(T, x)
        y.mul_(0)
        return [x, y._base is x]
    check(run, exact=True)


def test_reshape_alias_and_view_names():
    def run(T):
        x = _grid(T).requires_grad_()
        y = x * 1
        return [y.reshape(12), y.t().reshape(12), y.t().reshape(2, 2, 3), y[:, 0].reshape(3, 1),
                y.ravel(), y.t().ravel()]
    check(run)


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool", "float64"])
def test_dtypes(dtype):
    def run(T):
        dt = getattr(T, dtype)
        x = (_grid(T, dtype=T.int64) % 3).to(dt)
        v = x[0]
        out = [T.tril(x), T.triu(x, 1), T.diag(x), T.diag(v, -1), T.diagonal(x), T.diag_embed(x),
               T.diagflat(v), T.roll(x, (1, 1), (0, 1)), T.rot90(x, 3), T.fliplr(x), T.flipud(x),
               T.tile(x, (2, 1)), T.repeat_interleave(x, 2, 0),
               T.repeat_interleave(x, T.tensor([1, 0, 2]), 0), T.movedim(x, 1, 0), T.ravel(x),
               T.combinations(v, 2), T.cartesian_prod(v, v), T.meshgrid(v, v, indexing="xy"),
               T.atleast_3d(x), T.hstack([x, x]), T.vstack([v, x]), T.dstack([x, x]),
               T.column_stack([v, v]), x.unfold(1, 2, 2), T.as_strided(x, (2,), (5,)),
               T.tensor_split(x, 2)]
        if dtype != "bool":
            out.append(T.trace(x))
        return out
    check(run, exact=True)


def test_mixed_dtypes_promote_in_stacks():
    check(lambda T: [T.hstack([T.ones(2, dtype=T.int32), T.ones(2)]),
                     T.vstack([T.ones(2, dtype=T.bool), T.ones(2, dtype=T.int64)]),
                     T.cat([T.ones(2, dtype=T.uint8), T.ones(2, dtype=T.int8)]),
                     T.column_stack([T.ones(2, dtype=T.float64), T.ones(2)])], exact=True)


def test_index_makers():
    check(lambda T: [T.tril_indices(3, 4), T.tril_indices(4, 3, -1), T.triu_indices(3, 4, 2),
                     T.triu_indices(3, 3, dtype=T.int32), T.tril_indices(0, 3),
                     T.triu_indices(3, 4, -5), T.tril_indices(2, 5, 9),
                     T.repeat_interleave(T.tensor([2, 0, 3])),
                     T.repeat_interleave(T.tensor([1, 2], dtype=T.int32), output_size=3),
                     T.repeat_interleave(T.tensor([], dtype=T.int64))], exact=True)


def test_trace_dtypes_and_grad():
    def run(T):
        x = _grid(T).requires_grad_()
        t = T.trace(x * 2)
        t.backward()
        return [t, x.grad, T.trace(_grid(T, dtype=T.int32)), T.trace(_grid(T, dtype=T.uint8)),
                T.trace(T.ones(0, 3))]
    check(run)


@pytest.mark.parametrize("dtype", ["bfloat16", "float16", "float32", "complex64"])
def test_trace_sums_in_pytorchs_accumulate_type(dtype):
    """(bfloat16 summed in bfloat16 gave 6.0625 for twenty 0.3s, and 32 for
    three hundred 0.1s; PyTorch sums half types in float, float in double.)"""
    def run(T):
        big = T.from_numpy(np.random.default_rng(0).standard_normal((500, 500)) * 1000)
        return [T.full((20, 20), 0.3, dtype=getattr(T, dtype)).trace(),
                T.full((300, 300), 0.1, dtype=getattr(T, dtype)).trace(),
                big.to(getattr(T, dtype)).trace()]
    check(run, exact=True)


def test_documented_arguments():
    def run(T):
        x = _grid(T, (2, 3, 4))
        v = T.arange(4.)
        return [T.tril(x, diagonal=-1), T.triu(x, diagonal=2), T.diag(v, diagonal=2),
                T.diagonal(x, offset=1, dim1=2, dim2=0), T.diag_embed(x, offset=-1, dim1=0, dim2=-1),
                T.diagflat(v, offset=1), T.combinations(v, r=3, with_replacement=True),
                T.combinations(v, r=1), T.combinations(v, r=0), T.combinations(v, r=5),
                T.tile(x, dims=(2,)), T.repeat_interleave(x, repeats=2, dim=1, output_size=6),
                T.repeat_interleave(x, T.tensor(2), dim=-1), T.repeat_interleave(x, T.tensor([3])),
                x.repeat_interleave(T.tensor([1, 2]), dim=0, output_size=3),
                T.roll(x, shifts=(1, 2), dims=(0, 0)), T.roll(x, shifts=-5),
                T.roll(x, shifts=[3], dims=[2]), T.rot90(x, k=5, dims=(2, 1)),
                T.rot90(x, k=0), T.rot90(x, -2, [0, -1]),
                T.movedim(x, source=(0, 2), destination=(1, 0)), T.moveaxis(x, -1, 0),
                T.tensor_split(x, 2, dim=2),
                T.tensor_split(x, T.tensor(2), dim=2), T.tensor_split(x, T.tensor([0, 3]), -1),
                T.tensor_split(x, (5, 1), 1), T.tensor_split(x, [], 1), x.tensor_split(7, 2),
                T.dsplit(x, [1, 3]), T.dsplit(x, 2), T.hsplit(v, 2), T.hsplit(x, (1,)),
                T.as_strided(x, size=(2, 2), stride=(3, 1), storage_offset=4),
                T.squeeze(x[:, None, :1], dim=(1, 3)), T.squeeze(x[None], dim=()),
                T.cat((v, v), dim=0), T.concat([v[None], v[None]], axis=1),
                T.concatenate([v, v], axis=-1), T.concatenate([v, v], dim=0),
                T.broadcast_to(v, size=(2, 4)), T.unfold(x, 2, 2, 1) if False else
                x.unfold(dimension=2, size=3, step=1)]
    check(run, exact=True)


def test_keyword_forms():
    def run(T):
        x = T.arange(6.)
        m = x.reshape(2, 3)
        return [T.tensor_split(x, sections=2), T.tensor_split(x, indices=[1]),
                x.tensor_split(tensor_indices_or_sections=T.tensor(2)), T.hsplit(x, sections=2),
                T.hsplit(x, indices=[2]), T.vsplit(m, sections=2), T.dsplit(m[None], indices=[1]),
                T.repeat_interleave(repeats=T.tensor([1, 2])), T.repeat_interleave(x, repeats=2),
                T.diagonal(m, offset=1, dim1=1, dim2=0), T.roll(x, shifts=1, dims=0),
                T.rot90(m, k=1, dims=[0, 1]), T.movedim(x, source=0, destination=0),
                x.unfold(dimension=0, size=2, step=2),
                T.as_strided(x, size=(2,), stride=(1,), storage_offset=1),
                T.broadcast_to(x, size=(2, 6)), T.tile(x, dims=(2,)),
                T.diag_embed(x, offset=1, dim1=0, dim2=1), T.trace(input=m),
                T.tril(input=m, diagonal=1), T.combinations(input=x, r=2, with_replacement=False),
                T.cat(tensors=[x]), T.hstack(tensors=[x]), T.fliplr(input=m), T.ravel(input=x),
                T.tril_indices(row=3, col=3, offset=0),
                m.clone().fill_diagonal_(fill_value=1, wrap=True)]
    check(run, exact=True)
    for f in (lambda T: T.tensor_split(T.arange(6.), indices=2),
              lambda T: T.tensor_split(T.arange(6.), 2, sections=2)):
        check(f, message=False)


def test_multi_argument_forms_and_return_types():
    def run(T):
        a, b = T.arange(3.), T.tensor(5.)
        return [T.atleast_1d(b), T.atleast_1d(a, b), T.atleast_1d([a, b]), T.atleast_1d((a,)),
                T.atleast_2d(a, b), T.atleast_3d([b]), T.atleast_1d(), T.meshgrid([a, b],
                indexing="ij"), T.meshgrid(a, indexing="xy"), T.meshgrid(b, a, indexing="xy"),
                T.broadcast_tensors(a), T.broadcast_tensors(a, b, a[:, None]),
                T.broadcast_tensors(), T.cartesian_prod(a), T.cartesian_prod(a, a, a[:2]),
                T.tensor_split(a, 1), T.hstack([b, b]), T.vstack([b]), T.dstack((a, a)),
                T.column_stack([b, a]), T.row_stack([a])]
    check(run, exact=True)


def test_broadcast_shapes():
    check(lambda T: [T.broadcast_shapes((2,), (3, 1), (1, 1, 1)), T.broadcast_shapes(),
                     T.broadcast_shapes(3, (1,)), T.broadcast_shapes([0, 1], (1, 5)),
                     T.broadcast_shapes(None, (2,)), T.broadcast_shapes((), ())])
    for shapes in [((2,), (3,)), ((-1,), (2,)), ((2,), (-1,)), ((2, 3), (3, 3, 2)),
                   ((2,), 2.5)]:
        check(lambda T: T.broadcast_shapes(*shapes))


def test_meshgrid_warns_without_indexing():
    import torch
    for T in (torch, ember):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            out = T.meshgrid(T.arange(2), T.arange(3))
        assert [tuple(o.shape) for o in out] == [(2, 3), (2, 3)]
        assert len(w) == 1 and w[0].category is UserWarning
        assert str(w[0].message).startswith(
            f"{T.__name__}.meshgrid: in an upcoming release, it will be required to pass the "
            "indexing argument.")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ember.meshgrid(ember.arange(2), indexing="ij")


def test_edge_cases():
    def run(T):
        e, s = T.ones(0, 3), T.tensor(2., requires_grad=True) * 1
        return [T.tril(e), T.diag(T.ones(0)), T.diagonal(e), T.diag_embed(T.ones(2, 0)),
                T.roll(e, 1, 0), T.roll(s, 3), T.rot90(e), T.movedim(s, 0, 0), T.ravel(s),
                T.repeat_interleave(s, 3), T.repeat_interleave(e, 2, 0), T.tile(s, (2, 2)),
                T.tensor_split(e, 2), s.unfold(0, 1, 1), s.unfold(0, 0, 1), e.unfold(1, 3, 1),
                T.atleast_3d(s), T.cartesian_prod(T.ones(0), T.ones(2)),
                T.combinations(T.ones(1), 2), T.broadcast_to(s, (2,)), T.flipud(e),
                T.diagflat(s), T.diagflat(T.ones(0)), T.hstack([s]), T.column_stack([s, s]),
                T.as_strided(e, (0, 5), (9, 9))]
    check(run, exact=True)


def _errors():
    m = lambda T: (_grid(T),)  # noqa: E731
    v = lambda T: (T.arange(3.),)  # noqa: E731
    s = lambda T: (T.tensor(1.),)  # noqa: E731
    return [
        (v, lambda T, x: T.tril(x)), (v, lambda T, x: x.triu_()),
        (m, lambda T, x: T.tril_indices(-1, 3)), (m, lambda T, x: T.triu_indices(3, -2)),
        (m, lambda T, x: T.tril_indices(3, 3, dtype=T.float32)),
        (m, lambda T, x: T.diag(x[None])), (s, lambda T, x: T.diag(x)),
        (m, lambda T, x: T.diagonal(x, 0, 1, 1)), (m, lambda T, x: T.diagonal(x, 0, 1, -1)),
        (m, lambda T, x: T.diagonal(x, 0, 0, 2)), (v, lambda T, x: T.diagonal(x)),
        (m, lambda T, x: T.diag_embed(x, 0, 1, -2)), (m, lambda T, x: T.diag_embed(x, 0, 0, 3)),
        (v, lambda T, x: T.trace(x)), (m, lambda T, x: T.trace(x.bool())),
        (v, lambda T, x: x.fill_diagonal_(1)),
        (lambda T: (T.ones(2, 3, 4),), lambda T, x: x.fill_diagonal_(1)),
        (v, lambda T, x: T.meshgrid(x, indexing="ji")),
        (v, lambda T, x: T.meshgrid(x, x.long(), indexing="ij")),
        (v, lambda T, x: T.meshgrid([], indexing="ij")),
        (v, lambda T, x: T.meshgrid(x, (x,), indexing="ij")),
        (m, lambda T, x: T.cartesian_prod(x)), (s, lambda T, x: T.cartesian_prod(x)),
        (v, lambda T, x: T.cartesian_prod(x, x.long())),
        (m, lambda T, x: T.combinations(x)), (v, lambda T, x: T.combinations(x, -1)),
        (m, lambda T, x: T.broadcast_to(x, (2,))), (m, lambda T, x: T.broadcast_to(x, (5, 4))),
        (m, lambda T, x: T.broadcast_tensors(x, x[:2])),
        (m, lambda T, x: T.broadcast_tensors(x[:2], x[:1, :2], x[None, :, :3])),
        (m, lambda T, x: T.hstack(x)), (m, lambda T, x: T.vstack([])),
        (m, lambda T, x: T.cat([x, 1])), (m, lambda T, x: T.cat([x, x], 1, axis=0)),
        (m, lambda T, x: T.stack(x)), (m, lambda T, x: T.stack([x, x], 1, axis=0)),
        (m, lambda T, x: T.dstack([x, x[:2]])), (m, lambda T, x: T.column_stack([x, x[0]])),
        (m, lambda T, x: T.tile(x, (-1,))), (m, lambda T, x: T.tile(x, 2)),
        (m, lambda T, x: T.repeat_interleave(x, -1)),
        (m, lambda T, x: T.repeat_interleave(x, T.tensor([1, 2]), 0)),
        (m, lambda T, x: T.repeat_interleave(x, T.tensor([[1]]), 0)),
        (m, lambda T, x: T.repeat_interleave(x, T.tensor([1., 2., 3.]), 0)),
        (m, lambda T, x: T.repeat_interleave(x, T.tensor([1, -2, 3]), 0)),
        (m, lambda T, x: T.repeat_interleave(x, 2, 0, output_size=5)),
        (m, lambda T, x: T.repeat_interleave(x, T.tensor([1, 2, 3]), 0, output_size=5)),
        (m, lambda T, x: T.repeat_interleave(x, 2, 5)),
        (m, lambda T, x: T.repeat_interleave(T.tensor([[1, 2]]))),
        (m, lambda T, x: T.repeat_interleave(T.tensor([1., 2.]))),
        (m, lambda T, x: T.repeat_interleave(T.tensor(2))),
        (m, lambda T, x: T.repeat_interleave(T.tensor([1, 2]), output_size=4)),
        (m, lambda T, x: T.roll(x, (1, 2), (0,))), (m, lambda T, x: T.roll(x, (1, 2))),
        (m, lambda T, x: T.roll(x, (), ())), (m, lambda T, x: T.roll(x, 1, 5)),
        (m, lambda T, x: T.rot90(x, 1, (0,))), (v, lambda T, x: T.rot90(x)),
        (m, lambda T, x: T.rot90(x, 1, (0, 0))), (m, lambda T, x: T.rot90(x, 1, (0, -2))),
        (m, lambda T, x: T.rot90(x, 1, (0, 5))), (m, lambda T, x: T.rot90(x, 1, (0, 2))),
        (m, lambda T, x: T.rot90(x, 1, (2, 0))), (m, lambda T, x: T.rot90(x, 1, (-3, 0))),
        (m, lambda T, x: T.rot90(x.unsqueeze(0), 1, (0, 3))),
        (v, lambda T, x: T.fliplr(x)), (s, lambda T, x: T.flipud(x)),
        (m, lambda T, x: T.movedim(x, (0, 1), (0,))), (m, lambda T, x: T.movedim(x, (0, 0), (0, 1))),
        (m, lambda T, x: T.movedim(x, (0, 1), (1, -1))), (m, lambda T, x: T.movedim(x, 3, 0)),
        (s, lambda T, x: T.tensor_split(x, 2)), (m, lambda T, x: T.tensor_split(x, 0)),
        (m, lambda T, x: T.tensor_split(x, -1)), (m, lambda T, x: T.tensor_split(x, T.tensor([1.]))),
        (m, lambda T, x: T.tensor_split(x, T.tensor([1]).int())),
        (m, lambda T, x: T.tensor_split(x, T.tensor([[1]]))),
        (s, lambda T, x: T.hsplit(x, 2)), (m, lambda T, x: T.hsplit(x, 3)),
        (m, lambda T, x: T.hsplit(x, 0)), (v, lambda T, x: T.vsplit(x, 1)),
        (m, lambda T, x: T.dsplit(x, 1)), (m, lambda T, x: T.vsplit(x, 2)),
        (m, lambda T, x: x.unfold(1, 5, 1)), (m, lambda T, x: x.unfold(1, 2, 0)),
        (m, lambda T, x: x.unfold(1, -1, 1)), (m, lambda T, x: x.unfold(2, 1, 1)),
        (m, lambda T, x: T.as_strided(x, (2,), (1, 2))),
        (m, lambda T, x: T.as_strided(x, (20,), (1,))),
        (m, lambda T, x: T.as_strided(x, (2,), (-1,))),
        (m, lambda T, x: T.as_strided(x, (2,), (1,), -1)),
        (m, lambda T, x: x.as_strided_((20,), (1,))),
        (m, lambda T, x: T.squeeze(x, (0, 0))), (m, lambda T, x: T.squeeze(x, (0, -2))),
        (m, lambda T, x: x.squeeze_((0, 0))), (m, lambda T, x: x.unsqueeze_(3)),
        (lambda T: (T.ones(2, 2, 2),), lambda T, x: x.t_()),
        (m, lambda T, x: x.transpose_(0, 2)),
    ]


@pytest.mark.parametrize("case", range(len(_errors())))
def test_errors_as_torch(case):
    setup, op = _errors()[case]
    check_error(setup, op)


def test_flip_takes_dims_like_torch():
    check(lambda T: [T.flip(_grid(T), (0, 1)), T.flip(_grid(T), [1]), T.flip(_grid(T), ())],
          exact=True)


def test_meshgrid_refuses_matrices():
    for T in (pytest.importorskip("torch"), ember):
        with pytest.raises(RuntimeError, match=f"{T.__name__}.meshgrid: Expected 0D or 1D "
                                               "tensor in the tensor list but got: "):
            T.meshgrid(T.ones(2, 2), indexing="ij")


INPLACE_VIEWS = {
    "squeeze_": lambda x: x.squeeze_(),
    "squeeze_dim": lambda x: x.squeeze_(0),
    "squeeze_dim_kept": lambda x: x.squeeze_(1),
    "squeeze_dims": lambda x: x.squeeze_((0, 2)),
    "unsqueeze_": lambda x: x.unsqueeze_(-1),
    "t_": lambda x: x[0].t_(),
    "transpose_": lambda x: x.transpose_(0, 1),
    "swapaxes_": lambda x: x.swapaxes_(1, 2),
    "swapdims_": lambda x: x.swapdims_(-1, 0),
    "as_strided_": lambda x: x.as_strided_((2, 2), (1, 1), 1),
}


@pytest.mark.parametrize("name", list(INPLACE_VIEWS))
def test_inplace_view_ops(name):
    f = INPLACE_VIEWS[name]

    def run(T):
        leaf = T.arange(1., 4.).reshape(1, 3, 1).requires_grad_()
        y = leaf * 2
        before = y._version
        r = f(y)
        facts = [r is y or r._base is y, tuple(y.shape), y.stride(), y._version - before,
                 y.is_leaf]
        (r * T.arange(1., r.numel() + 1).reshape(r.shape)).sum().backward()
        return [y, leaf.grad, facts]
    check(run)


def test_inplace_view_ops_on_views_and_without_grad():
    def run(T):
        base = _grid(T, (1, 3))
        piece = base[0:1]
        before = base._version
        piece.t_()
        plain = _grid(T, (1, 3, 1))
        plain.squeeze_().unsqueeze_(0)
        y = _grid(T, (1, 3)).requires_grad_() * 1
        with T.no_grad():
            y.t_()
        z = _grid(T, (1, 3)).requires_grad_() * 1
        w = z[0:1]
        w.squeeze_()
        return [piece, piece._base is base, base._version - before, base, plain,
                plain._version, y, y.requires_grad, w, w._base is z]
    check(run)


def test_inplace_view_ops_refuse_leaves():
    for op in (lambda x: x.squeeze_(), lambda x: x.t_(), lambda x: x.unsqueeze_(0),
               lambda x: x.transpose_(0, 1), lambda x: x.as_strided_((3,), (1,))):
        check_error(lambda T: (_grid(T, (1, 3)).requires_grad_(),), lambda T, x: op(x))
        check_error(lambda T: (_grid(T, (1, 3)).requires_grad_(),), lambda T, x: op(x[0:1]))


def test_fill_diagonal():
    def run(T):
        out = []
        for shape, wrap in [((3, 4), False), ((7, 3), False), ((7, 3), True), ((3, 7), True),
                            ((3, 3, 3), False), ((4, 3), True), ((5, 3), True), ((0, 2), True)]:
            x = T.zeros(shape)
            before = x._version
            r = x.fill_diagonal_(2.5, wrap=wrap)
            out += [x, r is x, x._version - before]
        out.append(T.zeros(3, 3, dtype=T.int64).fill_diagonal_(1.7))
        out.append(T.zeros(3, 3, dtype=T.bool).fill_diagonal_(2))
        out.append(T.zeros(3, 3).fill_diagonal_(T.tensor(4.)))
        out.append(_grid(T).t().fill_diagonal_(0))
        leaf = T.ones(3, 3, requires_grad=True)
        y = leaf * 3
        y.fill_diagonal_(0)
        y.sum().backward()
        out += [y, leaf.grad]
        return out
    check(run)
    check_error(lambda T: (T.ones(3, 3, requires_grad=True),),
                lambda T, x: x.fill_diagonal_(0))


def test_out_argument():
    def run(T):
        x = _grid(T)
        res = []
        for f in (lambda o: T.tril(x, 1, out=o), lambda o: T.triu(x, out=o),
                  lambda o: T.diag(x, out=o), lambda o: T.hstack([x, x], out=o),
                  lambda o: T.vstack([x, x], out=o), lambda o: T.dstack([x], out=o),
                  lambda o: T.column_stack([x[0], x[0]], out=o),
                  lambda o: T.row_stack([x], out=o), lambda o: T.cat([x, x], 1, out=o),
                  lambda o: T.concat([x], out=o), lambda o: T.concatenate([x], axis=1, out=o),
                  lambda o: T.stack([x, x], out=o), lambda o: T.stack([x], axis=2, out=o)):
            o = T.empty(0)
            res += [f(o) is o, o]
        return res
    check(run)
    for name in ("diagonal", "trace", "roll", "movedim", "tensor_split", "meshgrid"):
        check(lambda T: getattr(T, name)(_grid(T), out=T.empty(0)), message=False)


def test_gradients_through_views_and_as_strided():
    def run(T):
        x = _grid(T, (4,)).requires_grad_()
        y = x * 1
        a = y.expand(2, 4).as_strided((3, 2), (1, 1))
        b = y.unfold(0, 2, 1)
        c = y[None].expand(3, 4).diagonal()
        (a * a).sum().backward(retain_graph=True)
        g1 = x.grad.clone()
        x.grad = None
        (b.sum() + (c * c).sum()).backward()
        return [a, b, c, g1, x.grad]
    check(run)
