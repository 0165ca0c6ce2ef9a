"""F.affine_grid and F.grid_sample: values, gradients of input, grid and
theta, grad_fn names against PyTorch over every mode, padding mode and
align_corners, 4-D and 5-D; gradcheck and gradgradcheck; errors."""
import warnings

import numpy as np
import pytest

import ember
import ember.nn.functional as F
from compare_torch import check, check_error
from test_nn_vision import forward_backward, gradchecks, sample

MODES = ["bilinear", "nearest", "bicubic"]
PADDING = ["zeros", "border", "reflection"]


def _grid(shape, seed=5, spread=1.3):
    return np.random.default_rng(seed).uniform(-spread, spread, shape)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("padding_mode", PADDING)
@pytest.mark.parametrize("align_corners", [False, True])
def test_grid_sample_2d(mode, padding_mode, align_corners):
    fn = lambda T, x, g: T.nn.functional.grid_sample(  # noqa: E731
        x, g, mode=mode, padding_mode=padding_mode, align_corners=align_corners)
    arrays = [sample((2, 3, 5, 7)), _grid((2, 4, 6, 2))]
    forward_backward(fn, arrays, rtol=1e-7, atol=1e-9)
    forward_backward(fn, arrays, dtype="float32", rtol=2e-4, atol=1e-5)


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", PADDING)
@pytest.mark.parametrize("align_corners", [False, True])
def test_grid_sample_3d(mode, padding_mode, align_corners):
    fn = lambda T, x, g: T.nn.functional.grid_sample(  # noqa: E731
        x, g, mode=mode, padding_mode=padding_mode, align_corners=align_corners)
    forward_backward(fn, [sample((2, 2, 3, 4, 5)), _grid((2, 3, 2, 3, 3))], rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("mode,padding_mode,align_corners",
                         [("bilinear", "zeros", False), ("bilinear", "reflection", True),
                          ("bicubic", "border", False), ("bicubic", "reflection", False),
                          ("nearest", "zeros", True)])
def test_grid_sample_gradchecks(mode, padding_mode, align_corners):
    gradchecks(lambda x, g: F.grid_sample(x, g, mode, padding_mode, align_corners),
               [sample((1, 1, 3, 4)), _grid((1, 2, 2, 2), seed=7, spread=1.2)])


def test_grid_sample_3d_gradchecks():
    gradchecks(lambda x, g: F.grid_sample(x, g, "bilinear", "border", False),
               [sample((1, 1, 2, 3, 2)), _grid((1, 2, 1, 2, 3), seed=3)])


@pytest.mark.parametrize("mode,padding_mode,dims", [("bicubic", "zeros", 2), ("bilinear", "border", 2),
                                                    ("bilinear", "reflection", 3),
                                                    ("nearest", "zeros", 2)])
def test_grid_sample_double_backward_matches_torch(mode, padding_mode, dims):
    def run(T):
        x = T.tensor(sample((1, 2, 4, 5) if dims == 2 else (1, 2, 3, 4, 3)), requires_grad=True)
        g = T.tensor(_grid((1, 3, 2, dims) if dims == 2 else (1, 2, 2, 1, 3)), requires_grad=True)
        y = T.nn.functional.grid_sample(x, g, mode, padding_mode, False)
        gx, gg = T.autograd.grad((y * y).sum(), (x, g), create_graph=True)
        return T.autograd.grad((gx * gx).sum() + (gg ** 3).sum(), (x, g))
    check(run, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("size", [(2, 3, 4, 5), (2, 1, 1, 6), (2, 3, 2, 4, 3)])
def test_affine_grid(align_corners, size):
    shape = (2, 2, 3) if len(size) == 4 else (2, 3, 4)
    forward_backward(lambda T, t: T.nn.functional.affine_grid(t, size, align_corners),
                     [sample(shape)])
    forward_backward(lambda T, t: T.nn.functional.affine_grid(t, size, align_corners),
                     [sample(shape)], dtype="float32", rtol=1e-6, atol=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # (the unit-size grid warning)
        gradchecks(lambda t: F.affine_grid(t, size, align_corners), [sample(shape)])


def test_affine_grid_then_grid_sample():
    def run(T):
        theta = T.tensor([[[0.9, -0.2, 0.1], [0.3, 1.1, -0.05]]], requires_grad=True)
        x = T.tensor(sample((1, 3, 6, 5)).astype(np.float32), requires_grad=True)
        grid = T.nn.functional.affine_grid(theta, (1, 3, 4, 4), align_corners=False)
        y = T.nn.functional.grid_sample(x, grid, align_corners=False)
        y.square().sum().backward()
        return y, theta.grad, x.grad
    check(run, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("shape", [(4, 1, 6, 6), (2, 3, 5, 4), (2, 1, 3, 4, 5)])
def test_grid_sample_output_and_input_grad_are_contiguous(shape):
    """A one-channel result too: NumPy takes its channel stride as anything,
    PyTorch's kernel gives it H*W (else the next conv runs channels-last and
    the Spatial Transformer tutorial's .view fails)."""
    def run(T):
        x = T.tensor(sample(shape).astype(np.float32), requires_grad=True)
        theta = T.tensor(np.eye(len(shape) - 2, len(shape) - 1, dtype=np.float32)).expand(
            shape[0], len(shape) - 2, len(shape) - 1)
        grid = T.nn.functional.affine_grid(theta, x.size(), align_corners=False)
        y = T.nn.functional.grid_sample(x, grid, align_corners=False)
        y.square().sum().backward()
        if len(shape) == 4:
            z = T.nn.functional.conv2d(y, T.ones(2, shape[1], 3, 3))
            return y.stride(), x.grad.stride(), z.stride(), z.view(-1, z[0].numel()).shape
        return y.stride(), x.grad.stride()
    check(run)


def test_default_align_corners_warns():
    theta = ember.zeros(1, 2, 3)
    with pytest.warns(UserWarning, match="Default grid_sample and affine_grid behavior"):
        grid = F.affine_grid(theta, (1, 1, 2, 2))
    with pytest.warns(UserWarning, match="Default grid_sample and affine_grid behavior"):
        F.grid_sample(ember.ones(1, 1, 2, 2), grid)
    with pytest.warns(UserWarning, match="unit-size grids"):
        F.affine_grid(theta, (1, 1, 1, 2), align_corners=True)
    # filed at the caller's line, as PyTorch's (F.grid_sample runs inside a wrapper)
    for call in (lambda: F.affine_grid(theta, (1, 1, 2, 2)),
                 lambda: F.grid_sample(ember.ones(1, 1, 2, 2), grid)):
        with pytest.warns(UserWarning, match="Default grid_sample") as record:
            call()
        assert record[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.affine_grid(theta, (1, 1, 2, 2), align_corners=False)


GRID_ERRORS = [
    ((1, 2, 3, 4), (1, 2, 2, 2), dict(), "float64"), ((1, 2, 3, 4), (2, 2, 2), dict(), None),
    ((1, 2, 3, 4), (2, 2, 2, 2), dict(), None), ((1, 2, 3, 4), (1, 2, 2, 3), dict(), None),
    ((1, 2, 0, 4), (1, 2, 2, 2), dict(), None),
    ((1, 2, 3, 4, 5), (1, 2, 2, 2, 3), dict(mode="bicubic"), None),
    ((2, 3), (2, 3), dict(), None), ((1, 2, 3), (1, 2, 1), dict(), None),
    ((1, 2, 3, 4), (1, 2, 2, 2), dict(mode="foo"), None),
    ((1, 2, 3, 4), (1, 2, 2, 2), dict(padding_mode="foo"), None),
]


@pytest.mark.parametrize("xs,gs,kw,gdtype", GRID_ERRORS)
def test_grid_sample_errors(xs, gs, kw, gdtype):
    def setup(T):
        g = T.zeros(gs)
        return T.ones(xs, requires_grad=True), (g.to(getattr(T, gdtype)) if gdtype else g)
    check_error(setup, lambda T, x, g: T.nn.functional.grid_sample(x, g, align_corners=False,
                                                                    **kw))
    check_error(lambda T: (T.ones(1, 1, 2, 2).long(), T.zeros(1, 1, 1, 2).long()),
                lambda T, x, g: T.nn.functional.grid_sample(x, g, align_corners=False))


@pytest.mark.parametrize("shape,size", [((2, 3, 3), (2, 3, 4, 5)),
                                        ((2, 2, 3), (2, 3, 4, 5, 6)), ((2, 2, 3), (2, 3, 4)),
                                        ((2, 2, 3), (2, 3, 0, 4))])
def test_affine_grid_errors(shape, size):
    check_error(lambda T: (T.ones(shape, requires_grad=True),),
                lambda T, t: T.nn.functional.affine_grid(t, size, align_corners=False))
    check_error(lambda T: (T.ones(shape).long(),),
                lambda T, t: T.nn.functional.affine_grid(t, size, align_corners=False))


def test_affine_grid_generator_errors():
    setup = lambda T: (T.ones(2, 2, 3, requires_grad=True),)  # noqa: E731
    for size in ((3, 1, 4, 5), (1, 1, 4, 5)):
        check_error(setup, lambda T, t: T.nn.functional.affine_grid(t, size, align_corners=False))
    check_error(setup, lambda T, t: T.affine_grid_generator(t, (2, 3, 4), False))


def test_affine_grid_integer_theta():
    check_error(lambda T: (T.ones(2, 2, 3).long(),),
                lambda T, t: T.nn.functional.affine_grid(t, (2, 3, 4, 5), align_corners=False))
