"""F.interpolate, F.upsample*, nn.Upsample*: values, gradients and
grad_fn names against PyTorch over every mode, up and down scaling,
non-integer factors, sizes, align_corners, recompute_scale_factor and
antialias; gradcheck and gradgradcheck in float64; errors and warnings."""
import warnings

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F
from compare_torch import check, check_error
from test_nn_vision import forward_backward, gradchecks, sample

SHAPES = {1: (2, 3, 7), 2: (2, 3, 5, 7), 3: (1, 2, 3, 5, 4)}
MODES = [("nearest", (1, 2, 3)), ("nearest-exact", (1, 2, 3)), ("linear", (1,)),
         ("bilinear", (2,)), ("bicubic", (2,)), ("trilinear", (3,))]
SIZING = [dict(scale_factor=2), dict(scale_factor=1.7), dict(scale_factor=0.6),
          dict(scale_factor=1 / 3), dict(scale_factor=2.5, recompute_scale_factor=True),
          dict(size=3), dict(size=11), dict(size="same")]
CASES = [(mode, d, ac, kw) for mode, dims in MODES for d in dims
         for ac in ([None] if "nearest" in mode else [False, True]) for kw in SIZING]


def _kwargs(kw, d):
    if kw.get("size") == "same":
        return dict(size=SHAPES[d][2:])
    if "size" in kw and d > 1:
        return dict(size=(kw["size"],) * (d - 1) + (kw["size"] - 1,))
    return kw


def _ids(case):
    mode, d, ac, kw = case
    return f"{mode}-{d}d-ac{ac}-" + "-".join(f"{k}={v}" for k, v in kw.items())


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_interpolate_matches_torch(case):
    mode, d, ac, kw = case
    kw = _kwargs(kw, d)
    fn = lambda T, x: T.nn.functional.interpolate(x, mode=mode, align_corners=ac, **kw)  # noqa
    forward_backward(fn, [sample(SHAPES[d])], rtol=1e-7, atol=1e-10)
    forward_backward(fn, [sample(SHAPES[d])], dtype="float32", rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("mode,ac", [("bilinear", False), ("bilinear", True), ("bicubic", False),
                                     ("bicubic", True), ("lanczos", False)])
@pytest.mark.parametrize("kw", [dict(scale_factor=0.4), dict(size=(2, 9)), dict(scale_factor=1.5),
                                dict(scale_factor=(0.3, 0.5))])
def test_interpolate_antialias(mode, ac, kw):
    fn = lambda T, x: T.nn.functional.interpolate(x, mode=mode, align_corners=ac,  # noqa
                                                  antialias=True, **kw)
    forward_backward(fn, [sample((2, 3, 9, 11))], rtol=1e-7, atol=1e-10)
    forward_backward(fn, [sample((2, 3, 9, 11))], dtype="float32", rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("mode,d", [("nearest", 1), ("nearest-exact", 2), ("linear", 1),
                                    ("bilinear", 2), ("bicubic", 2), ("trilinear", 3),
                                    ("nearest", 3)])
def test_interpolate_gradchecks(mode, d):
    shape = {1: (1, 2, 4), 2: (1, 2, 3, 4), 3: (1, 1, 2, 3, 2)}[d]
    ac = None if "nearest" in mode else True
    gradchecks(lambda x: F.interpolate(x, scale_factor=1.6, mode=mode, align_corners=ac),
               [sample(shape)])
    if ac:
        gradchecks(lambda x: F.interpolate(x, scale_factor=0.7, mode=mode, align_corners=False),
                   [sample(shape)])


def test_antialias_gradchecks():
    gradchecks(lambda x: F.interpolate(x, size=(2, 3), mode="bicubic", antialias=True),
               [sample((1, 1, 5, 7))])
    gradchecks(lambda x: F.interpolate(x, size=(3, 9), mode="lanczos", antialias=True),
               [sample((1, 1, 5, 4))])


def test_interpolate_double_backward_names():
    def names(T):
        out = []
        x = T.tensor(sample((1, 2, 4, 5)), requires_grad=True)
        for mode, aa in (("nearest", False), ("bilinear", False), ("bicubic", False),
                         ("nearest-exact", False), ("bilinear", True), ("lanczos", True)):
            ac = None if "nearest" in mode else False
            y = T.nn.functional.interpolate(x, scale_factor=1.5, mode=mode, align_corners=ac,
                                            antialias=aa)
            g = T.ones_like(y, requires_grad=True)
            (gx,) = T.autograd.grad(y, x, g, create_graph=True)
            (gg,) = T.autograd.grad(gx.sum(), g)
            out += [type(gx.grad_fn).__name__, gg]
        return out
    check(names)


def test_interpolate_integer_inputs_and_uint8():
    x = np.arange(24).reshape(1, 2, 3, 4)
    check(lambda T: T.nn.functional.interpolate(T.tensor(x).to(T.uint8), size=(5, 3)),
          exact=True)
    check(lambda T: T.nn.functional.interpolate(T.tensor(x).to(T.uint8), scale_factor=0.5,
                                                mode="nearest-exact"), exact=True)
    check(lambda T: T.nn.functional.interpolate(T.tensor(x.astype(np.float32)), size=(5, 3),
                                                mode="bilinear").to(T.float64))


def test_upsample_functions_and_modules():
    x = sample((1, 2, 3, 4))
    for name, kw in (("upsample", dict(scale_factor=2, mode="bilinear")),
                     ("upsample_nearest", dict(size=(5, 6))),
                     ("upsample_bilinear", dict(scale_factor=1.5))):
        forward_backward(lambda T, t: getattr(T.nn.functional, name)(t, **kw), [x])
        with pytest.warns(UserWarning, match=f"`nn.functional.{name}` is deprecated"):
            getattr(F, name)(ember.tensor(x), **kw)
    for make in (lambda T: T.nn.Upsample(scale_factor=1.5, mode="bicubic", align_corners=True),
                 lambda T: T.nn.Upsample(size=(4, 7), mode="nearest-exact"),
                 lambda T: T.nn.Upsample(scale_factor=(2, 0.5), recompute_scale_factor=True),
                 lambda T: T.nn.UpsamplingNearest2d(scale_factor=2),
                 lambda T: T.nn.Upsample(size=3, mode="lanczos"),
                 lambda T: T.nn.UpsamplingBilinear2d(size=5)):
        check(lambda T: repr(make(T)))
        check(lambda T: (make(T).scale_factor, make(T).size, make(T).align_corners,
                         make(T).recompute_scale_factor, make(T).name))
        forward_backward(lambda T, t: make(T)(t), [x])
    assert repr(nn.Upsample(scale_factor=2)) == "Upsample(scale_factor=2.0, mode='nearest')"


def test_area_mode_uses_adaptive_pooling():
    if not hasattr(F, "adaptive_avg_pool2d"):
        pytest.skip("adaptive pooling is not in this tree")
    for shape, size in (((2, 3, 7), 3), ((1, 2, 5, 7), (2, 4)), ((1, 1, 4, 5, 6), (2, 3, 4))):
        forward_backward(lambda T, x: T.nn.functional.interpolate(x, size=size, mode="area"),
                         [sample(shape)])
    forward_backward(lambda T, x: T.nn.functional.interpolate(x, scale_factor=0.5, mode="area"),
                     [sample((1, 2, 5, 7))])


ERRORS = [
    ((1, 2, 3, 4), dict(scale_factor=0.1)), ((1, 2, 3, 4), dict(size=0)),
    ((1, 2, 3, 4), dict(size=(0, 2), mode="bilinear")), ((1, 2, 3, 4), dict(scale_factor=-1.0)),
    ((1, 2, 3), dict(size=0, mode="linear")), ((1, 1, 3, 3, 3), dict(size=0)),
    ((1, 2, 3, 4), dict(size=(3, 2.0))), ((1, 2, 3, 4), dict(size=(3, 2, 1))),
    ((1, 2, 3, 4), dict(scale_factor=(3, 2, 1))), ((1, 2, 3, 4), dict(size=2, mode="foo")),
    ((1, 2, 3, 4), dict(size=2, align_corners=True)), ((2, 3), dict(size=2)),
    ((1, 2, 3, 4), dict(size=2, antialias=True)), ((1, 2, 3, 4), dict(size=2, scale_factor=2)),
    ((1, 2, 3, 4), dict()), ((1, 2, 3, 4), dict(size=2, recompute_scale_factor=True)),
    ((1, 0, 3, 3), dict(size=2, mode="bilinear")), ((1, 1, 0, 3), dict(size=2, mode="bilinear")),
    ((1, 0, 3), dict(size=2)), ((1, 2, 3), dict(size=2, mode="bilinear")),
    ((1, 2, 3), dict(size=2, mode="trilinear")), ((1, 2, 3, 4), dict(size=2, mode="linear")),
    ((1, 2, 3, 4), dict(size=2, mode="trilinear")), ((1, 2, 3, 4, 5), dict(size=2, mode="linear")),
    ((1, 2, 3, 4, 5), dict(size=2, mode="bilinear")), ((1, 2, 3, 4, 5), dict(size=2, mode="bicubic")),
    ((1, 2, 3, 4), dict(size=2, mode="lanczos", align_corners=True)),
    ((1, 2, 3, 4), dict(size=2, mode="lanczos")),
]


@pytest.mark.parametrize("shape,kw", ERRORS)
def test_interpolate_errors(shape, kw):
    check_error(lambda T: (T.ones(shape, requires_grad=True),),
                lambda T, x: T.nn.functional.interpolate(x, **kw))


@pytest.mark.parametrize("dtype", ["int64", "int32", "bool"])
@pytest.mark.parametrize("shape,mode", [((1, 1, 3), "nearest"), ((1, 1, 3, 3), "nearest"),
                                        ((1, 1, 3), "linear"), ((1, 1, 3, 3), "bilinear"),
                                        ((1, 1, 3, 3), "bicubic"), ((1, 1, 2, 2, 2), "trilinear"),
                                        ((1, 1, 3, 3), "nearest-exact")])
def test_interpolate_dtype_errors(dtype, shape, mode):
    check_error(lambda T: (T.ones(shape).to(getattr(T, dtype)),),
                lambda T, x: T.nn.functional.interpolate(x, size=2, mode=mode))


UINT8 = [(mode, aa, ac, kw) for mode in ("bilinear", "bicubic") for aa in (False, True)
         for ac in (False, True)
         for kw in (dict(size=(5, 7)), dict(size=(17, 20)), dict(scale_factor=0.37),
                    dict(scale_factor=(1.5, 0.8)), dict(size=(9, 6)))]


@pytest.mark.parametrize("channels", [3, 6])
@pytest.mark.parametrize("mode,antialias,align_corners,kw", UINT8)
def test_uint8_images(channels, mode, antialias, align_corners, kw):
    """PyTorch's fixed-point uint8 kernel (what torchvision's Resize runs):
    bit for bit, but plain bicubic, which differs by a level or two on under 1% of pixels."""
    x = np.random.default_rng(channels).integers(0, 256, (2, channels, 9, 13)).astype(np.uint8)
    run = lambda T: T.nn.functional.interpolate(T.tensor(x), mode=mode,  # noqa: E731
                                                antialias=antialias,
                                                align_corners=align_corners, **kw)
    if mode == "bilinear" or antialias:
        check(run, exact=True)
        return
    torch = pytest.importorskip("torch")
    e, t = run(ember), run(torch)
    assert e.dtype == ember.uint8 and tuple(e.shape) == tuple(t.shape)
    diff = np.abs(e.numpy().astype(int) - t.numpy().astype(int))
    assert diff.max() <= 2 and (diff > 0).mean() < 0.01


def test_interpolate_large_batch_is_vectorised():
    x = ember.randn(8, 16, 24, 24, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
    y.sum().backward()
    # every input pixel's weights sum to the upscaling area
    np.testing.assert_allclose(x.grad.numpy(), 4.0, rtol=1e-5)


@pytest.mark.parametrize("fn,shape", [
    (lambda T, x: T.nn.functional.interpolate(x, size=211, mode="linear"), (2, 3, 150)),
    (lambda T, x: T.nn.functional.interpolate(x, size=97, mode="linear", align_corners=True),
     (2, 3, 190)),
    (lambda T, x: T.nn.functional.interpolate(x, size=(140, 4), mode="bicubic"), (1, 2, 130, 3)),
    (lambda T, x: T.nn.functional.interpolate(x, size=(3, 301), mode="nearest-exact"),
     (1, 2, 2, 130)),
    (lambda T, x: T.nn.functional.interpolate(x, scale_factor=0.3, mode="bilinear",
                                              antialias=True), (1, 1, 2, 400)),
    (lambda T, x: T.nn.functional.pad(x, (5, 7), "reflect"), (1, 2, 200)),
])
def test_large_axes_take_the_gather_path(fn, shape):
    """Axes past the dense-matrix limit gather and scatter (np.add.reduceat)."""
    forward_backward(fn, [sample(shape)], rtol=1e-7, atol=1e-10)


def test_non_finite_values_stay_local():
    x = sample((1, 1, 4, 5))
    x[0, 0, 1, 2] = np.inf
    x[0, 0, 3, 0] = np.nan
    for mode, ac in (("bilinear", False), ("bicubic", True), ("nearest", None)):
        forward_backward(lambda T, t: T.nn.functional.interpolate(t, scale_factor=1.5, mode=mode,
                                                                  align_corners=ac), [x])
    forward_backward(lambda T, t: T.nn.functional.pad(t, (1, 2, 2, 1), "reflect"), [x])


def test_half_precision_computes_in_float32():
    x = sample((1, 2, 4, 5))
    for mode, ac in (("bilinear", False), ("bicubic", True), ("nearest", None)):
        forward_backward(lambda T, t: T.nn.functional.interpolate(t, size=(7, 3), mode=mode,
                                                                  align_corners=ac),
                         [x], dtype="float16", rtol=4e-3, atol=4e-3)
    # (PyTorch's pad backward adds in half precision, rounding at each add)
    forward_backward(lambda T, t: T.nn.functional.pad(t, (1, 2, 2, 1), "replicate"), [x],
                     dtype="float16", rtol=2e-3, atol=2e-3)


def test_empty_batch_and_tensor_sizes():
    for mode, ac in (("bilinear", False), ("nearest", None), ("bicubic", True)):
        check(lambda T: T.nn.functional.interpolate(T.ones(0, 1, 2, 2, requires_grad=True),
                                                    size=3, mode=mode, align_corners=ac))
    check(lambda T: T.nn.functional.interpolate(T.ones(1, 1, 2, 2), size=(T.tensor(3), 4)))
    check(lambda T: T.nn.functional.pad(T.ones(0, 1, 2, 2), (1, 1, 1, 1), "reflect"))
    check(lambda T: T.nn.functional.pad(T.ones(2, 3), T.Size([1, 1])))


EDGES = [((1, 2, 5), dict(size=1, mode="linear", align_corners=True)),
         ((1, 2, 1), dict(size=4, mode="linear", align_corners=True)),
         ((1, 2, 5), dict(size=1, mode="linear")),
         ((1, 1, 1, 1), dict(size=(3, 2), mode="bicubic", align_corners=True)),
         ((1, 1, 1, 3), dict(size=(3, 1), mode="bicubic")),
         ((1, 1, 3, 3), dict(scale_factor=2, mode="nearest", recompute_scale_factor=False)),
         ((1, 1, 3, 3), dict(scale_factor=(1.0, 3.0), mode="nearest-exact")),
         ((1, 1, 5, 5), dict(size=(1, 1), mode="bilinear", antialias=True, align_corners=True)),
         ((1, 1, 2, 2), dict(size=(7, 7), mode="bicubic", antialias=True, align_corners=True)),
         ((1, 1, 4, 4, 4), dict(scale_factor=(0.5, 1.5, 2.25), mode="trilinear",
                                align_corners=True))]


@pytest.mark.parametrize("shape,kw", EDGES)
def test_interpolate_edge_sizes(shape, kw):
    forward_backward(lambda T, x: T.nn.functional.interpolate(x, **kw), [sample(shape)])
