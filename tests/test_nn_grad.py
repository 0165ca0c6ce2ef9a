"""torch.nn.grad (conv{1,2,3}d_input / _weight) against PyTorch: values over
strides, paddings, dilations and groups in float64 and float32, agreement
with autograd, grad_fn of a result that can be differentiated again, and
errors."""
import numpy as np
import pytest

import ember
from compare_torch import check

G = ember.nn.grad


def _conv(T, dim):
    return getattr(T.nn.functional, f"conv{dim}d")


# dim, x shape, w shape, stride, padding, dilation, groups
CASES = [
    (1, (2, 3, 9), (4, 3, 3), 1, 0, 1, 1),
    (1, (2, 4, 12), (6, 2, 3), 2, 1, 2, 2),
    (1, (1, 2, 8), (2, 2, 2), (3,), (2,), (1,), 1),          # stride leaves the end unread
    (2, (2, 3, 7, 6), (5, 3, 3, 3), 1, 0, 1, 1),
    (2, (2, 4, 9, 10), (6, 2, 3, 2), (2, 3), (1, 2), (2, 1), 2),
    (2, (1, 6, 8, 8), (6, 1, 3, 3), 2, 1, 1, 6),              # depthwise
    (2, (2, 3, 5, 5), (4, 3, 1, 1), [1], [0], [1], 1),
    (3, (1, 2, 5, 6, 5), (3, 2, 2, 3, 2), 1, 0, 1, 1),
    (3, (2, 4, 7, 6, 6), (4, 2, 3, 2, 2), (2, 1, 2), (1, 0, 1), (1, 2, 1), 2),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}d-{i}" for i, c in enumerate(CASES)])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_values_match_pytorch_and_autograd(case, dtype):
    dim, xs, ws, stride, padding, dilation, groups = case
    rng = np.random.default_rng(len(xs) + sum(ws))
    x, w = rng.standard_normal(xs).astype(dtype), rng.standard_normal(ws).astype(dtype)
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == "float32" else dict(rtol=1e-12, atol=1e-13)

    def go(T):
        xt, wt = T.tensor(x, requires_grad=True), T.tensor(w, requires_grad=True)
        y = _conv(T, dim)(xt, wt, None, stride, padding, dilation, groups)
        gy = T.tensor(np.sin(np.arange(y.numel())).reshape(tuple(y.shape)).astype(dtype))
        y.backward(gy)
        grad = getattr(T.nn.grad, f"conv{dim}d_input")(xt.shape, wt.detach(), gy, stride,
                                                       padding, dilation, groups)
        gw = getattr(T.nn.grad, f"conv{dim}d_weight")(xt.detach(), wt.shape, gy, stride,
                                                      padding, dilation, groups)
        # (the same maps as autograd's, so the same values)
        assert T.allclose(grad, xt.grad, **tol) and T.allclose(gw, wt.grad, **tol)
        return grad, gw
    check(go, **tol)


def test_result_can_be_differentiated_again():
    rng = np.random.default_rng(1)
    x, w, gy = (rng.standard_normal(s) for s in ((2, 4, 7, 7), (4, 2, 3, 3), (2, 4, 3, 3)))

    def go(T):
        wt, gyt = T.tensor(w, requires_grad=True), T.tensor(gy, requires_grad=True)
        xt = T.tensor(x, requires_grad=True)
        gx = T.nn.grad.conv2d_input(list(x.shape), wt, gyt, stride=2, groups=2)
        gw = T.nn.grad.conv2d_weight(xt, (4, 2, 3, 3), gyt, stride=2, groups=2)
        (gx.sin().sum() + gw.cos().sum()).backward()
        return gx, gw, wt.grad, gyt.grad, xt.grad
    check(go, rtol=1e-12, atol=1e-13)


def test_gradcheck_through_the_maps():
    rng = np.random.default_rng(2)
    w = ember.tensor(rng.standard_normal((4, 2, 2)), requires_grad=True)
    gy = ember.tensor(rng.standard_normal((1, 4, 4)), requires_grad=True)
    x = ember.tensor(rng.standard_normal((1, 4, 7)), requires_grad=True)
    assert ember.autograd.gradcheck(
        lambda w, gy: G.conv1d_input((1, 4, 7), w, gy, 2, 1, 1, 2), (w, gy))
    assert ember.autograd.gradcheck(
        lambda x, gy: G.conv1d_weight(x, (4, 2, 2), gy, 2, 1, 1, 2), (x, gy))


def test_untracked_result_and_functional_alias():
    w, gy = ember.randn(3, 2, 2, 2), ember.randn(1, 3, 4, 4)
    r = G.conv2d_input((1, 2, 5, 5), w, gy)
    assert r.grad_fn is None and not r.requires_grad and r.shape == (1, 2, 5, 5)
    assert ember.nn.functional.grad is G


def _w(T, shape, dtype="float64"):
    return T.tensor(np.ones(shape, dtype=dtype))


ERRORS = [
    lambda T: T.nn.grad.conv1d_input((2, 4, 7), _w(T, (4, 2, 3)), _w(T, (2, 4, 5))),
    lambda T: T.nn.grad.conv1d_input((2, 4, 9), _w(T, (4, 2, 3)), _w(T, (2, 4, 5)), groups=2),
    lambda T: T.nn.grad.conv1d_input((2, 4, 7), _w(T, (4, 2, 3)), _w(T, (2, 3, 5)), groups=2),
    lambda T: T.nn.grad.conv1d_input((2, 4, 7), _w(T, (4, 2, 3)), _w(T, (4, 5)), groups=2),
    lambda T: T.nn.grad.conv1d_input((4, 7), _w(T, (4, 2, 3)), _w(T, (4, 5)), groups=2),
    lambda T: T.nn.grad.conv1d_weight(_w(T, (2, 4, 7)), (4, 2, 3), _w(T, (2, 4, 5)), groups=3),
    lambda T: T.nn.grad.conv1d_weight(_w(T, (2, 4, 7)), (4, 2, 3), _w(T, (2, 4, 5)), stride=0),
    lambda T: T.nn.grad.conv1d_weight(_w(T, (2, 4, 7)), (4, 2, 3), _w(T, (2, 4, 5)), padding=-1),
    lambda T: T.nn.grad.conv1d_weight(_w(T, (2, 4, 7)), (4, 2, 3), _w(T, (2, 4, 5)),
                                      padding=(1, 1)),
    lambda T: T.nn.grad.conv1d_weight(_w(T, (2, 4, 7)), (4, 2, 5), _w(T, (2, 4, 5)), groups=2),
    lambda T: T.nn.grad.conv2d_input((2, 4, 7), _w(T, (4, 2, 3)), _w(T, (2, 4, 5))),
    lambda T: T.nn.grad.conv2d_input((2, 4, 7, 8), _w(T, (4, 2, 3, 3)), _w(T, (2, 4, 5, 5)),
                                     groups=2),
    lambda T: T.nn.grad.conv2d_input((2, 4, 7, 7), _w(T, (4, 2, 3, 3)), _w(T, (2, 4, 5, 5)),
                                     groups=0),
    lambda T: T.nn.grad.conv2d_input((2, 4, 7, 7), _w(T, (4, 2, 3, 3)), _w(T, (2, 4, 5, 5)),
                                     dilation=0, groups=2),
    lambda T: T.nn.grad.conv2d_input((2, 4, 2, 2), _w(T, (4, 2, 3, 3)), _w(T, (2, 4, 0, 0)),
                                     groups=2),
    lambda T: T.nn.grad.conv2d_weight(_w(T, (2, 4, 7, 7)), (4, 2, 3, 3),
                                      _w(T, (2, 4, 5, 5), "float32"), groups=2),
    lambda T: T.nn.grad.conv2d_input((2, 4, 7, 7), _w(T, (4, 2, 3, 3), "int32"),
                                     _w(T, (2, 4, 5, 5), "int32"), groups=2),
    lambda T: T.nn.grad.conv3d_weight(_w(T, (2, 4, 7, 7, 7), "int32"), (4, 2, 3, 3, 3),
                                      _w(T, (2, 4, 5, 5, 5), "int32"), groups=2),
    lambda T: T.nn.grad.conv3d_input((2, 4, 7, 7, 7), _w(T, (4, 2, 3, 3, 3)),
                                     _w(T, (2, 4, 5, 5, 4)), groups=2),
    lambda T: T.nn.grad.conv3d_weight(_w(T, (2, 4, 7, 7, 7)), (4, 2, 3, 3, 3),
                                      _w(T, (2, 3, 5, 5, 5)), groups=2),
    lambda T: T.nn.grad.conv2d_weight(_w(T, (2, 4, 7, 7)), (4, 2, 3, 3), 3, groups=2),
    lambda T: T.nn.grad.conv2d_input((2, 4, 7, 7), _w(T, (4, 2, 3, 3)), _w(T, (2, 4, 5, 5)),
                                     1, 0, 1, 2, 5),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors_match_pytorch(i):
    check(ERRORS[i])


@pytest.mark.parametrize("arg, value", [("stride", 1.5), ("padding", "same"), ("groups", 2.0)])
def test_non_int_arguments_refused_as_by_the_schema(arg, value):
    args = dict(stride=1, padding=0, groups=2)
    args[arg] = value
    for T in (ember, pytest.importorskip("torch")):
        with pytest.raises(RuntimeError, match=f"for argument '{arg}'"):
            T.nn.grad.conv1d_weight(_w(T, (2, 4, 7)), (4, 2, 3), _w(T, (2, 4, 5)), **args)
