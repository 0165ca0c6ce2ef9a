"""AdaptiveLogSoftmaxWithLoss against PyTorch: same seed, same parameters,
outputs, loss, gradients, log_prob, predict, repr and errors."""
import numpy as np
import pytest

from compare_torch import check


def _model(T, **kw):
    T.manual_seed(5)
    return T.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], **kw)


@pytest.mark.parametrize("kw", [dict(), dict(div_value=2.0, head_bias=True)])
def test_forward_backward_as_torch(kw):
    def run(T):
        m = _model(T, **kw)
        x = T.tensor(np.random.default_rng(0).standard_normal((7, 8)), dtype=T.float32,
                     requires_grad=True)
        y = T.tensor([0, 9, 4, 3, 2, 7, 5])
        out, loss = m(x, y)
        loss.backward()
        grads = [p.grad for p in m.parameters()]
        return (repr(m), list(m.state_dict()), out, loss, x.grad, grads, m.log_prob(x.detach()),
                m.predict(x.detach()))
    check(run, rtol=1e-5, atol=1e-6)


def test_unbatched_and_predict_mixed():
    def run(T):
        m = _model(T)
        x = T.tensor(np.random.default_rng(1).standard_normal((8,)) * 3, dtype=T.float32)
        out = m(x, T.tensor(8))
        xs = T.tensor(np.random.default_rng(2).standard_normal((12, 8)) * 4, dtype=T.float32)
        return out.output, out.loss, m.predict(xs)
    check(run, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("bad", [
    lambda T: T.nn.AdaptiveLogSoftmaxWithLoss(8, 10, []),
    lambda T: T.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [6, 3]),
    lambda T: T.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 10]),
    lambda T: _model(T)(T.ones(3, 8), T.tensor([1, 2])),
    lambda T: _model(T)(T.ones(3, 8), T.tensor([1, 2, 10])),
    lambda T: _model(T)(T.ones(2, 3, 8), T.tensor([1, 2])),
    lambda T: _model(T)(T.ones(3, 8), T.tensor(1)),
    lambda T: _model(T)(T.ones(3, 8), T.tensor([[1]])),
])
def test_errors_as_torch(bad):
    check(bad)
