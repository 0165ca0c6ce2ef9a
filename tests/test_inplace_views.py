"""In-place changes of views that PyTorch refuses: the outputs of functions
returning several views (unbind, split, chunk)."""
import pytest

import ember
from compare_torch import check, check_error


def _pieces(T):
    x = T.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
    return (x * 1,)


@pytest.mark.parametrize("split", [lambda t: t.unbind()[1], lambda t: t.split([1, 2])[1],
                                   lambda t: t.chunk(3)[2], lambda t: t.split(1)[0]],
                         ids=["unbind", "split_with_sizes", "chunk", "split"])
@pytest.mark.parametrize("change", [lambda v: v.mul_(2), lambda v: v.zero_(),
                                    lambda v: v.__setitem__(0, 1.0)],
                         ids=["mul_", "zero_", "setitem"])
def test_output_of_a_multi_view_op_is_not_changed_in_place(split, change):
    check_error(_pieces, lambda T, y: change(split(y)))


def test_without_grad_it_may_be_changed():
    def run(T):
        y = T.tensor([[1.0, 2.0], [3.0, 4.0]])
        a, b = y.unbind()
        b.mul_(3)
        return y
    check(run)
    x = ember.tensor([[1.0, 2.0]], requires_grad=True)
    with ember.no_grad():
        x.unbind()[0].mul_(2)
    assert x.tolist() == [[2.0, 4.0]]


@pytest.mark.parametrize("view", [lambda x: x.t(), lambda x: x.view(3, 2), lambda x: x[0],
                                  lambda x: x.unbind()[1], lambda x: x.permute(1, 0)],
                         ids=["t", "view", "select", "unbind", "permute"])
def test_views_made_without_grad_still_require_grad(view):
    """PyTorch: a view of a tensor that requires grad, made under no_grad, is
    a leaf that requires grad (not so for a computed result)."""
    def run(T):
        x = T.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
        with T.no_grad():
            v, w = view(x), x * 2
        return v, w
    check(run)


@pytest.mark.parametrize("op", [lambda t: t.add_(1), lambda t: t.mul_(2), lambda t: t.clamp_(0),
                                lambda t: t.sin_(), lambda t: t.__iadd__(1),
                                lambda t: t.copy_(t.new_ones(2, 3)),
                                lambda t: t.index_add_(0, t.new_zeros(1).long(), t.new_ones(1, 3))])
def test_an_expanded_tensor_is_refused_as_an_in_place_output(op):
    """PyTorch's internal-overlap check: a stride-0 dimension over several
    elements cannot take a computed result."""
    def setup(T):
        base = T.ones(1, 3)
        return base, base.expand(2, 3)
    check_error(setup, lambda T, base, ex: op(ex),
                message="more than one element of the written-to tensor refers to a single memory")


@pytest.mark.parametrize("make", [
    lambda T, x: x, lambda T, x: x[0], lambda T, x: x.view(12), lambda T, x: x.t(),
    lambda T, x: x.clone(), lambda T, x: x.reshape(12), lambda T, x: x[:, 0],
    lambda T, x: x.detach(), lambda T, x: x[T.tensor([0])], lambda T, x: x.expand(2, 4, 3),
    lambda T, x: x.T.contiguous()])
def test_is_view_as_torch(make):
    check(lambda T: (lambda x: (lambda t: (t._is_view(), t._base is x))(make(T, x)))(
        T.zeros(4, 3)))
