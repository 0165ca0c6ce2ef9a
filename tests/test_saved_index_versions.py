"""An index, a mask or a target that a node reads is saved as PyTorch saves
it: changed in place between forward and backward, it makes backward raise
PyTorch's error (it moved the gradient to the new places, silently). The
same calls unchanged give PyTorch's gradients."""
import pytest

from compare_torch import check


def _x(T):
    return T.tensor([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]]).requires_grad_()


def _i(T, *v):
    return T.tensor(list(v))


def _mask(T):
    return T.tensor([[True, False, True], [False, True, False]])


def _t(T):
    return T.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])


# name: f(T, x) -> (output, the tensor the op read, which backward needs)
_CASES = {
    "gather": lambda T, x: (lambda i: (x.gather(1, i), i))(T.tensor([[0, 2], [1, 0]])),
    "index_select": lambda T, x: (lambda i: (x.index_select(1, i), i))(_i(T, 2, 0)),
    "take": lambda T, x: (lambda i: (x.take(i), i))(_i(T, 2, 0)),
    "getitem columns": lambda T, x: (lambda i: (x[:, i], i))(_i(T, 2, 0)),
    "getitem rows": lambda T, x: (lambda i: (x[i], i))(_i(T, 1, 0)),
    "getitem two arrays": lambda T, x: (lambda i: (x[i, i], i))(_i(T, 1, 0)),
    "getitem mask": lambda T, x: (lambda m: (x[m], m))(_mask(T)),
    "scatter src": lambda T, x: (lambda i: (x.scatter(1, i, T.ones(2, 2, requires_grad=True)), i))(
        T.tensor([[0, 2], [1, 0]])),
    "scatter value": lambda T, x: (lambda i: (x.scatter(1, i, 0.5), i))(T.tensor([[0, 2], [1, 0]])),
    "scatter_add src without grad": lambda T, x: (lambda i: (x.scatter_add(1, i, T.ones(2, 2)), i))(
        T.tensor([[0, 2], [1, 0]])),
    "scatter_add src with grad": lambda T, x: (lambda i: (
        x.scatter_add(1, i, T.ones(2, 2, requires_grad=True)), i))(T.tensor([[0, 2], [1, 0]])),
    "scatter_reduce": lambda T, x: (lambda i: (x.scatter_reduce(1, i, T.ones(2, 2), "amax"), i))(
        T.tensor([[0, 2], [1, 0]])),
    "index_add source without grad": lambda T, x: (lambda i: (x.index_add(1, i, T.ones(2, 2)), i))(
        _i(T, 2, 0)),
    "index_add source with grad": lambda T, x: (lambda i: (
        x.index_add(1, i, T.ones(2, 2, requires_grad=True)), i))(_i(T, 2, 0)),
    "index_fill": lambda T, x: (lambda i: (x.index_fill(1, i, 0.0), i))(_i(T, 2, 0)),
    "index_copy": lambda T, x: (lambda i: (x.index_copy(1, i, T.ones(2, 2)), i))(_i(T, 2, 0)),
    "put": lambda T, x: (lambda i: (x.put(i, T.ones(2)), i))(_i(T, 2, 0)),
    "put accumulate": lambda T, x: (lambda i: (x.put(i, T.ones(2), accumulate=True), i))(_i(T, 2, 0)),
    "index_put": lambda T, x: (lambda i: (x.index_put((_i(T, 0, 1), i), T.ones(2)), i))(_i(T, 2, 0)),
    "index_put accumulate": lambda T, x: (lambda i: (
        x.index_put((i,), T.ones(3), accumulate=True), i))(_i(T, 1, 0)),
    "masked_fill": lambda T, x: (lambda m: (x.masked_fill(m, 0.0), m))(_mask(T)),
    "masked_fill tensor value": lambda T, x: (lambda m: (
        x.masked_fill(m, T.tensor(2.0, requires_grad=True)), m))(_mask(T)),
    "where": lambda T, x: (lambda m: (T.where(m, x, 0.0), m))(_mask(T)),
    "masked_select": lambda T, x: (lambda m: (x.masked_select(m), m))(_mask(T)),
    "masked_scatter": lambda T, x: (lambda m: (x.masked_scatter(m, T.zeros(6)), m))(_mask(T)),
    "take_along_dim": lambda T, x: (lambda i: (T.take_along_dim(x, i, 1), i))(
        T.tensor([[0, 2], [1, 0]])),
    "embedding": lambda T, x: (lambda i: (T.nn.functional.embedding(i, x.t()), i))(_i(T, 2, 0)),
    "embedding_bag": lambda T, x: (lambda i: (
        T.nn.functional.embedding_bag(i, x, T.tensor([0]), mode="sum"), i))(_i(T, 1, 0)),
    "nll_loss": lambda T, x: (lambda i: (T.nn.functional.nll_loss(x, i, reduction="none"), i))(
        _i(T, 1, 0)),
    "nll_loss weight": lambda T, x: (lambda w: (
        T.nn.functional.nll_loss(x, _i(T, 1, 0), weight=w, reduction="none"), w))(
        T.tensor([1.0, 2.0, 3.0])),
    "nll_loss 2d target": lambda T, x: (lambda i: (
        T.nn.functional.nll_loss(x[None, :, :, None], i, reduction="none"), i))(
        T.tensor([[[1], [0], [2]]])),
    "cross_entropy": lambda T, x: (lambda i: (
        T.nn.functional.cross_entropy(x, i, reduction="none"), i))(_i(T, 1, 0)),
    "cross_entropy probabilities": lambda T, x: (lambda t: (
        T.nn.functional.cross_entropy(x, t, reduction="none"), t))(_t(T)),
    "binary_cross_entropy": lambda T, x: (lambda t: (
        T.nn.functional.binary_cross_entropy(x.sigmoid(), t, reduction="none"), t))(_t(T)),
    "mse_loss": lambda T, x: (lambda t: (T.nn.functional.mse_loss(x, t, reduction="none"), t))(_t(T)),
    "multi_margin_loss": lambda T, x: (lambda i: (
        T.nn.functional.multi_margin_loss(x, i, reduction="none"), i))(_i(T, 0, 2)),
    "multilabel_margin_loss": lambda T, x: (lambda i: (
        T.nn.functional.multilabel_margin_loss(x, i, reduction="none"), i))(
        T.tensor([[0, 1, -1], [1, -1, 0]])),
    "repeat_interleave": lambda T, x: (lambda i: (x.repeat_interleave(i, dim=0), i))(_i(T, 1, 0)),
    "one_hot": lambda T, x: (lambda i: (T.nn.functional.one_hot(i, 3) * x[:, :2].sum(), i))(
        T.tensor([[0, 2], [1, 0]])),
}


# name: f(T, x) -> (output, the indices it returned, which its node reads)
_RETURNED = {
    "sort": lambda T, x: x.sort(1),
    "topk": lambda T, x: x.topk(2, 1),
    "max dim": lambda T, x: x.max(1),
    "min keepdim": lambda T, x: x.min(1, keepdim=True),
    "kthvalue": lambda T, x: x.kthvalue(2, 1),
    "median dim": lambda T, x: x.median(1),
    "mode": lambda T, x: x.mode(1),
    "cummax": lambda T, x: x.cummax(1),
    "max_pool1d": lambda T, x: T.nn.functional.max_pool1d(x[None], 2, return_indices=True),
    "adaptive_max_pool1d": lambda T, x: T.nn.functional.adaptive_max_pool1d(
        x[None], 2, return_indices=True),
}


def _backward(T, y, retain_graph=False):
    (y * T.arange(1.0, 1 + y.numel()).reshape(y.shape)).sum().backward(retain_graph=retain_graph)


@pytest.mark.parametrize("change", ["fill_", "add_(0)", "none", "before"])
@pytest.mark.parametrize("case", list(_CASES))
def test_an_index_changed_in_place_before_backward(case, change):
    """fill_ and add_(0) (a new version, the same values) raise where
    PyTorch's node saved the tensor; unchanged, or changed before the op
    read it, the gradient is PyTorch's."""
    def f(T):
        x = _x(T)
        if change == "before":
            y, read = _CASES[case](T, x)
            y2, read2 = _CASES[case](T, _x(T))
            read2.add_(0)       # (another op's tensor: y's node never saw it)
        else:
            y, read = _CASES[case](T, x)
            if change == "fill_":
                read.fill_(1)
            elif change == "add_(0)":
                read.add_(0)
        _backward(T, y)
        return x.grad
    check(f)


@pytest.mark.parametrize("change", ["fill_", "none"])
@pytest.mark.parametrize("case", list(_RETURNED))
def test_returned_indices_changed_in_place_before_backward(case, change):
    def f(T):
        x = _x(T)
        values, indices = _RETURNED[case](T, x)
        if change == "fill_":
            indices.fill_(0)
        _backward(T, values)
        return x.grad
    check(f)


@pytest.mark.parametrize("how", ["masked_fill_", "setitem value", "setitem through a view",
                                 "setitem mask", "scatter_", "index_put_"])
def test_in_place_ops_keep_their_index(how):
    def f(T):
        x = _x(T)
        y = x * 1
        i, m = _i(T, 1, 0), _mask(T)
        read = m if "mask" in how else i
        if how == "masked_fill_":
            y.masked_fill_(m, 0.0)
        elif how == "setitem value":
            y[i] = 0.0
        elif how == "setitem through a view":
            y[0, i] = T.tensor([7.0, 8.0])
        elif how == "setitem mask":
            y[m] = 0.0
        elif how == "scatter_":
            read = T.tensor([[0, 2], [1, 0]])
            y.scatter_(1, read, 0.0)
        else:
            y.index_put_((i,), T.tensor(0.5))
        read.fill_(1)
        _backward(T, y)
        return x.grad
    check(f)


def test_a_second_backward_after_the_change_raises():
    def f(T):
        x = _x(T)
        i = _i(T, 2, 0)
        y = x.index_select(1, i)
        _backward(T, y, retain_graph=True)
        first = x.grad.clone()
        i.fill_(1)
        try:
            _backward(T, y)
        except RuntimeError as e:
            return first, str(e)
        return first, None
    check(f)
