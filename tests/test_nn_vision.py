"""F.pad and the padding modules, pixel/channel shuffles and their modules:
values, gradients, grad_fn names, reprs and errors against PyTorch
(skipped without it); gradcheck and gradgradcheck in float64."""
import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F
from compare_torch import check, check_error


# -- helpers (the other test_nn_vision_*.py files import them) -------------------------
def sample(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def forward_backward(fn, arrays, dtype="float64", rtol=1e-6, atol=1e-7):
    """fn(T, *tensors) -> output; the tensors made from `arrays` require grad.
    Compares the output and every input's gradient with PyTorch."""
    def run(T):
        xs = [T.tensor(a).to(getattr(T, dtype)).requires_grad_() for a in arrays]
        y = fn(T, *xs)
        g = T.tensor(sample(tuple(y.shape), 1)).to(y.dtype)
        y.backward(g)
        return (y, *[x.grad for x in xs])
    return check(run, rtol=rtol, atol=atol)


def gradchecks(fn, arrays, second=True):
    """gradcheck and gradgradcheck in float64."""
    xs = [ember.tensor(a, dtype=ember.float64, requires_grad=True) for a in arrays]
    assert ember.autograd.gradcheck(fn, xs, eps=1e-6, atol=1e-5)
    if second:
        assert ember.autograd.gradgradcheck(fn, xs, eps=1e-6, atol=1e-4)


# -- padding -----------------------------------------------------------------------------
MODES = ["constant", "reflect", "replicate", "circular"]
# (input shape, pad): 1-, 2- and 3-d padding, batched and not, negative pads (crops)
PADS = [((2, 3, 5), (2, 1)), ((3, 5), (0, 3)), ((2, 3, 5), (-1, 2)),
        ((2, 3, 5, 7), (1, 2, 3, 0)), ((3, 5, 7), (2, 2, 1, 1)), ((1, 2, 5, 6), (-2, 1, 2, -1)),
        ((1, 2, 3, 4, 5), (1, 0, 2, 1, 1, 2)), ((2, 3, 4, 5), (1, 1, 1, 1, 1, 1)),
        ((1, 2, 3, 4, 5), (-1, 1, 0, -1, 2, 0))]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("shape,pad", PADS)
def test_pad_matches_torch(mode, shape, pad):
    forward_backward(lambda T, x: T.nn.functional.pad(x, pad, mode=mode), [sample(shape)])


@pytest.mark.parametrize("mode", MODES)
def test_pad_float32_and_gradchecks(mode):
    shape, pad = (2, 3, 4, 5), (2, 1, -1, 3)
    forward_backward(lambda T, x: T.nn.functional.pad(x, pad, mode), [sample(shape)],
                     dtype="float32", rtol=1e-6, atol=1e-6)
    gradchecks(lambda x: F.pad(x, pad, mode), [sample(shape)])


def test_pad_constant_any_rank_value_and_dtypes():
    forward_backward(lambda T, x: T.nn.functional.pad(x, (1, 2, 0, 1, 2, 0, 1, 1), value=2.5),
                     [sample((2, 3, 2, 3))])
    forward_backward(lambda T, x: T.constant_pad_nd(x, (1, -2), -1.0), [sample((4, 5))])
    check(lambda T: T.nn.functional.pad(T.arange(6).reshape(2, 3), (1, 1), value=2.7),
          exact=True)
    check(lambda T: T.nn.functional.pad(T.tensor([True, False]), (1, 1), value=1), exact=True)
    check(lambda T: T.constant_pad_nd(T.arange(6.0).reshape(2, 3), (1, 0, 0, 1)), exact=True)
    for mode in ("reflect", "replicate", "circular"):
        check(lambda T: T.nn.functional.pad(T.arange(12).reshape(1, 3, 4), (2, 1), mode),
              exact=True)
    # reflect/replicate/circular accept value=0
    check(lambda T: T.nn.functional.pad(T.ones(1, 2, 3), (1, 1), "reflect", value=0))
    # all-zero padding is a copy with its own node
    check(lambda T: T.nn.functional.pad(T.ones(2, 3, requires_grad=True), (0, 0)))
    check(lambda T: T.nn.functional.pad(T.zeros(0, 1, 3), (1, 1), "circular"))


def test_pad_double_backward_names():
    def grad_names(T):
        x = T.tensor(sample((1, 2, 4, 5)), requires_grad=True)
        out = []
        for mode in ("reflect", "replicate", "constant"):
            y = T.nn.functional.pad(x, (1, 2, 2, 1), mode)
            g = T.ones_like(y, requires_grad=True)
            (gx,) = T.autograd.grad(y, x, g, create_graph=True)
            out.append(type(gx.grad_fn).__name__)
        return out
    check(grad_names)


PAD_ERRORS = [
    ((1, 1, 3), (1,), "constant"), ((1, 1, 3), (4, 4), "reflect"),
    ((1, 1, 3), (3, 0), "reflect"), ((1, 2, 3, 4), (1, 1, 3, 3), "reflect"),
    ((1, 2, 3, 4), (1, 1, 1, 1, 2, 2), "reflect"), ((1, 1, 2, 3, 4), (1, 1, 1, 1, 2, 2), "reflect"),
    ((1, 2, 3, 4), (1, 1) * 4, "reflect"), ((1, 2, 3, 4), (1, 1), "reflect"),
    ((1, 2, 3, 4), (1, 1, 1, 1), "foo"), ((1, 2, 3, 4), (1, 1) * 5, "constant"),
    ((1, 2, 3, 4), (-3, -2), "constant"), ((1, 2, 3, 4), (-5, 2), "constant"),
    ((1, 1, 3), (-2, -2), "reflect"), ((1, 1, 3), (-3, -3), "replicate"),
    ((1, 1, 3), (-2, -1), "replicate"), ((1, 2, 3, 4), (-2, -2, -2, -2), "reflect"),
    ((1, 2, 3, 4), (-2, -2, -2, -2), "replicate"), ((1, 2, 3, 4), (0, 0, -2, -2), "reflect"),
    ((1, 1, 2, 3, 4), (-2, -2, -2, -2, -1, -1), "replicate"),
    ((1, 1, 3), (4, 4), "circular"), ((1, 1, 3), (-2, -2), "circular"),
    ((3,), (1, 1), "circular"), ((3,), (1, 1), "replicate"), ((2, 0, 4), (1, 1), "reflect"),
    ((0, 3), (1, 1), "replicate"), ((2, 0, 3, 4), (1, 1, 1, 1), "replicate"),
    ((2, 1, 3, 0, 4), (1, 1, 1, 1, 1, 1), "reflect"), ((1, 2, 3, 4, 5, 6), (1,) * 6, "reflect"),
]


@pytest.mark.parametrize("shape,pad,mode", PAD_ERRORS)
def test_pad_errors(shape, pad, mode):
    check_error(lambda T: (T.ones(shape, requires_grad=True),),
                lambda T, x: T.nn.functional.pad(x, pad, mode))


def test_pad_argument_errors():
    setup = lambda T: (T.ones(1, 2, 3, requires_grad=True),)  # noqa: E731
    check_error(setup, lambda T, x: T.nn.functional.pad(x, (1, 1), "reflect", value=2.5))
    check_error(setup, lambda T, x: T.nn.functional.pad(x, (1, 1), "circular", value=1))
    check_error(setup, lambda T, x: T.nn.functional.pad(x, [1.5, 1]))
    check_error(setup, lambda T, x: T.nn.functional.pad(x, T.tensor([1, 1])))
    check_error(setup, lambda T, x: T.constant_pad_nd(x, (1,)))
    check_error(setup, lambda T, x: T.constant_pad_nd(x, (1, 1) * 4))
    check_error(setup, lambda T, x: T.constant_pad_nd(x, (1, 1), value=None))
    check_error(setup, lambda T, x: T.constant_pad_nd(x, (1, 1), 1.0, out=x))


MODULES = [
    ("ZeroPad1d", (2,), (2, 3, 4)), ("ZeroPad2d", ((1, 2, 0, 3),), (2, 3, 4)),
    ("ZeroPad3d", (1,), (1, 2, 3, 3, 2)), ("ConstantPad1d", ((2, 0), 1.5), (3, 4)),
    ("ConstantPad2d", (1, -0.5), (1, 2, 3, 4)), ("ConstantPad3d", ((1, 0, 0, 1, 1, 0), 2), (2, 2, 3, 2)),
    ("ReflectionPad1d", (2,), (2, 3, 4)), ("ReflectionPad2d", ((1, 2, 2, 0),), (1, 2, 3, 4)),
    ("ReflectionPad3d", (1,), (1, 2, 3, 3, 2)), ("ReplicationPad1d", ((3, 1),), (3, 4)),
    ("ReplicationPad2d", (2,), (2, 3, 4)), ("ReplicationPad3d", ((1, 2, 0, 1, 2, 0),), (2, 2, 3, 2)),
    ("CircularPad1d", (2,), (2, 3, 4)), ("CircularPad2d", ((1, 2, 2, 0),), (1, 2, 3, 4)),
    ("CircularPad3d", (1,), (1, 2, 3, 3, 2)),
    ("PixelShuffle", (2,), (1, 8, 2, 3)), ("PixelUnshuffle", (3,), (2, 1, 3, 6)),
    ("ChannelShuffle", (3,), (2, 6, 2, 2)),
]


@pytest.mark.parametrize("name,args,shape", MODULES, ids=[m[0] for m in MODULES])
def test_modules(name, args, shape):
    check(lambda T: repr(getattr(T.nn, name)(*args)))
    check(lambda T: getattr(T.nn, name)(*args).padding if "Pad" in name else None)
    forward_backward(lambda T, x: getattr(T.nn, name)(*args)(x), [sample(shape)])
    assert dict(getattr(nn, name)(*args).state_dict()) == {}


def test_circular_module_checks_rank():
    for name, shape in (("CircularPad1d", (2, 3, 4, 5)), ("CircularPad2d", (4, 5)),
                        ("CircularPad3d", (2, 3, 4))):
        check_error(lambda T: (T.ones(shape),), lambda T, x: getattr(T.nn, name)(1)(x))
    assert isinstance(nn.ZeroPad2d(1), nn.ConstantPad2d)


SHUFFLES = [
    (lambda T, x: T.nn.functional.pixel_shuffle(x, 2), (2, 12, 3, 5)),
    (lambda T, x: T.pixel_shuffle(x, 3), (2, 3, 9, 2, 1)),
    (lambda T, x: T.nn.functional.pixel_unshuffle(x, 2), (2, 3, 4, 6)),
    (lambda T, x: T.pixel_unshuffle(x, 3), (3, 6, 3)),
    (lambda T, x: T.nn.functional.channel_shuffle(x, 2), (2, 6, 3)),
    (lambda T, x: T.channel_shuffle(x, 3), (1, 6, 2, 3, 2)),
]


@pytest.mark.parametrize("i", range(len(SHUFFLES)))
def test_shuffles(i):
    fn, shape = SHUFFLES[i]
    forward_backward(fn, [sample(shape)], dtype="float32")
    forward_backward(fn, [sample(shape)])
    gradchecks(lambda x: fn(ember, x), [sample(shape)])


def test_shuffles_exact_and_native():
    check(lambda T: T.nn.functional.channel_shuffle(T.arange(12).reshape(1, 6, 2), 3),
          exact=True)
    check(lambda T: T.pixel_shuffle(T.arange(16).reshape(1, 4, 2, 2), 2), exact=True)
    check(lambda T: T.nn.functional.native_channel_shuffle(T.arange(24.0).reshape(2, 4, 3), 2),
          exact=True)
    assert F.pixel_shuffle is ember.pixel_shuffle and F.channel_shuffle is ember.channel_shuffle
    x = ember.ones(2, 4, 3, requires_grad=True)
    y = F.native_channel_shuffle(x, 2)
    with pytest.raises(RuntimeError, match="native_channel_shuffle is not implemented"):
        y.sum().backward()


SHUFFLE_ERRORS = [
    (lambda T, x: T.nn.functional.pixel_shuffle(x[0, 0], 2), (1, 8, 3, 4)),
    (lambda T, x: T.nn.functional.pixel_shuffle(x, 0), (1, 8, 3, 4)),
    (lambda T, x: T.nn.functional.pixel_shuffle(x, -1), (1, 8, 3, 4)),
    (lambda T, x: T.nn.functional.pixel_shuffle(x, 3), (1, 8, 3, 4)),
    (lambda T, x: T.nn.functional.pixel_shuffle(x, 2.0), (1, 8, 3, 4)),
    (lambda T, x: T.nn.functional.pixel_unshuffle(x[0, 0], 2), (1, 8, 3, 4)),
    (lambda T, x: T.nn.functional.pixel_unshuffle(x, 0), (1, 8, 3, 4)),
    (lambda T, x: T.nn.functional.pixel_unshuffle(x, 2), (1, 8, 3, 4)),
    (lambda T, x: T.nn.functional.pixel_unshuffle(x, 2), (1, 1, 4, 3)),
    (lambda T, x: T.nn.functional.channel_shuffle(x[0], 2), (1, 8, 3)),
    (lambda T, x: T.nn.functional.channel_shuffle(x, 0), (1, 8, 3)),
    (lambda T, x: T.nn.functional.channel_shuffle(x, 3), (1, 8, 3)),
    (lambda T, x: T.pixel_shuffle(x, 2, out=x), (1, 8, 3, 4)),
]


@pytest.mark.parametrize("i", range(len(SHUFFLE_ERRORS)))
def test_shuffle_errors(i):
    fn, shape = SHUFFLE_ERRORS[i]
    check_error(lambda T: (T.ones(shape, requires_grad=True),), fn)


def test_pad_and_shuffle_speed_shape():
    """A batch of images goes through in one vectorised pass per axis."""
    x = ember.randn(16, 8, 32, 32, requires_grad=True)
    y = F.pad(x, (3, 3, 3, 3), "reflect")
    assert tuple(y.shape) == (16, 8, 38, 38)
    y.sum().backward()
    # corner pixels are read by themselves and three reflections along each axis
    assert x.grad[0, 0, 1, 1].item() == 4.0 and x.grad[0, 0, 5, 5].item() == 1.0
    np.testing.assert_array_equal(F.pixel_unshuffle(F.pixel_shuffle(x, 2), 2).detach().numpy(),
                                  x.detach().numpy())
