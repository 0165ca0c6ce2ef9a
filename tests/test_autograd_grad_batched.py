"""autograd.grad(is_grads_batched=True) and gradcheck's report, against PyTorch."""
import pytest

from compare_torch import check, check_error

torch = pytest.importorskip("torch")


def _graph(T):
    xs = T.arange(6.0).reshape(2, 3).requires_grad_()
    return xs, xs.sum(1) * xs[:, 0]


@pytest.mark.parametrize("create_graph", [False, True])
def test_batched_grad_outputs(create_graph):
    def run(T):
        xs, y = _graph(T)
        z = T.ones(3, requires_grad=True)
        one = T.autograd.grad(y, xs, T.eye(2), is_grads_batched=True, retain_graph=True,
                              create_graph=create_graph)
        two = T.autograd.grad([y, y * 2], xs, [T.eye(2), 3 * T.eye(2)], is_grads_batched=True,
                              retain_graph=True)
        unused = T.autograd.grad(y, [xs, z], T.eye(2), is_grads_batched=True, retain_graph=True,
                                 allow_unused=True)
        zeros = T.autograd.grad(y, [xs, z], T.eye(2), is_grads_batched=True,
                                materialize_grads=True)
        # (values: PyTorch vmaps one backward, Ember runs one per batch entry, so the
        # recorded graphs differ)
        return (one[0].detach(), one[0].requires_grad, two[0], unused[0], unused[1] is None,
                zeros[1])
    check(run)


@pytest.mark.parametrize("shape", [(2, 3), (4,), (2, 3, 4), (5, 4), (2, 2, 2)])
def test_batched_grad_output_of_the_wrong_shape(shape):
    check_error(lambda T: _graph(T),
                lambda T, xs, y: T.autograd.grad(y, xs, T.ones(shape), is_grads_batched=True))


def test_gradcheck_reports_the_jacobians_as_pytorch():
    """numerical in the output's dtype, analytical in the input's, as tensors"""
    import ember
    texts = []
    for T in (torch, ember):
        a = T.tensor([0.5, -1.0, 2.0], dtype=T.float64, requires_grad=True)
        with pytest.raises(RuntimeError) as info:
            T.autograd.gradcheck(lambda a: (a ** 2).sum() * T.tensor([1.0, 2.0]), a, eps=1e-1,
                                 atol=1e-12, rtol=0)
        texts.append(str(info.value).replace("ember.", "torch."))
    assert texts[1] == texts[0]
