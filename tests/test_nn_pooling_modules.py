"""Pooling modules (constructor defaults, attributes, reprs, forward) and
the pools' errors, each against PyTorch: the same exception type and
message, and nothing changed."""
import numpy as np
import pytest

import ember
from compare_torch import check, check_error
from test_nn_pooling import distinct

torch = pytest.importorskip("torch")

MODULES = [
    ("MaxPool1d", (3,), {}, (2, 3, 9)),
    ("MaxPool1d", (3, 2, 1, 2), {"return_indices": True, "ceil_mode": True}, (3, 9)),
    ("MaxPool2d", (2,), {}, (2, 3, 7, 6)),
    ("MaxPool2d", ((3, 2),), {"stride": (2, 1), "padding": 1, "dilation": (1, 2),
                              "return_indices": True, "ceil_mode": True}, (3, 7, 6)),
    ("MaxPool3d", (2, 1), {"padding": (1, 0, 1)}, (2, 2, 4, 5, 3)),
    ("AvgPool1d", (3,), {}, (2, 3, 9)),
    ("AvgPool1d", (3, 2, 1, True, False), {}, (3, 9)),
    ("AvgPool2d", (2,), {}, (2, 3, 7, 6)),
    ("AvgPool2d", ((3, 2), (2, 1), 1, True, False, 4), {}, (3, 7, 6)),
    ("AvgPool3d", (2,), {"stride": 1, "padding": 1, "divisor_override": 3}, (2, 2, 4, 5, 3)),
    ("AdaptiveAvgPool1d", (4,), {}, (2, 3, 9)),
    ("AdaptiveAvgPool2d", ((3, None),), {}, (2, 3, 7, 6)),
    ("AdaptiveAvgPool2d", (1,), {}, (3, 7, 6)),
    ("AdaptiveAvgPool3d", ((2, 3, None),), {}, (2, 2, 4, 5, 3)),
    ("AdaptiveMaxPool1d", (4,), {"return_indices": True}, (2, 3, 9)),
    ("AdaptiveMaxPool2d", ((None, 4),), {}, (3, 7, 6)),
    ("AdaptiveMaxPool3d", (2, True), {}, (2, 2, 4, 5, 3)),
    ("LPPool1d", (2, 3), {}, (2, 3, 9)),
    ("LPPool2d", (1.5, (3, 2)), {"stride": (2, 1), "ceil_mode": True}, (3, 7, 6)),
    ("LPPool3d", (3, 2), {"stride": 1}, (2, 2, 4, 5, 3)),
]


@pytest.mark.parametrize("case", MODULES, ids=[f"{c[0]}-{i}" for i, c in enumerate(MODULES)])
def test_module_vs_torch(case):
    name, args, kwargs, shape = case
    x = np.abs(distinct(shape, 3)) + 0.1
    outs = []
    for T in (ember, torch):
        m = getattr(T.nn, name)(*args, **kwargs)
        assert repr(m) == repr(getattr(torch.nn, name)(*args, **kwargs))
        assert m.state_dict() == {} or len(m.state_dict()) == 0
        xt = T.tensor(x, requires_grad=True)
        y = m(xt)
        y0 = y[0] if isinstance(y, tuple) else y
        y0.sum().backward()
        outs.append((y, xt.grad, {k: v for k, v in vars(m).items()
                                  if k in ("kernel_size", "stride", "padding", "dilation",
                                           "ceil_mode", "return_indices", "count_include_pad",
                                           "divisor_override", "output_size", "norm_type")}))
    (ey, eg, ea), (ty, tg, ta) = outs
    assert ea == ta
    ey, ty = (ey, ty) if isinstance(ty, tuple) else ((ey,), (ty,))
    for a, b in zip(ey, ty):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(eg.numpy(), tg.numpy(), rtol=1e-6)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_max_unpool_module_vs_torch(n):
    shape = (2, 3) + (6,) * n
    x = distinct(shape, n)
    outs = []
    for T in (ember, torch):
        pool = getattr(T.nn, f"MaxPool{n}d")(2, return_indices=True)
        unpool = getattr(T.nn, f"MaxUnpool{n}d")(2)
        unpool_s = getattr(T.nn, f"MaxUnpool{n}d")(3, 2, 1)
        assert repr(unpool) == repr(getattr(torch.nn, f"MaxUnpool{n}d")(2))
        assert repr(unpool_s) == repr(getattr(torch.nn, f"MaxUnpool{n}d")(3, 2, 1))
        assert unpool.kernel_size == (2,) * n and unpool_s.padding == (1,) * n
        y, i = pool(T.tensor(x))
        outs.append((unpool(y, i).numpy(), unpool(y, i, output_size=shape).numpy()))
    for a, b in zip(*outs):
        np.testing.assert_array_equal(a, b)


def _r(T, *shape, dtype=None):
    return T.tensor(distinct(shape, 0).astype(dtype or np.float32))


def _i(T, *shape, dtype=None):
    return T.ones(*shape, dtype=getattr(T, dtype))


ERRORS = [
    # max pools: argument shapes, values, ranks, sizes
    lambda T: T.nn.functional.max_pool2d(_r(T, 1, 1, 4, 4), 0),
    lambda T: T.nn.functional.max_pool2d(_r(T, 1, 1, 4, 4), -1),
    lambda T: T.nn.functional.max_pool2d(_r(T, 1, 1, 4, 4), (2, 2, 2)),
    lambda T: T.nn.functional.max_pool2d(_r(T, 1, 1, 4, 4), 2, (1, 1, 1)),
    lambda T: T.nn.functional.max_pool2d(_r(T, 1, 1, 4, 4), 2, 1, (1, 1, 1)),
    lambda T: T.nn.functional.max_pool2d(_r(T, 1, 1, 4, 4), 2, 1, 0, (1, 1, 1)),
    lambda T: T.nn.functional.max_pool2d(_r(T, 1, 1, 4, 4), 2, 1, 0, 0),
    lambda T: T.nn.functional.max_pool2d(_r(T, 1, 1, 4, 4), 2, 1, 2),
    lambda T: T.nn.functional.max_pool2d(_r(T, 1, 1, 4, 4), 2, 1, -1),
    lambda T: T.nn.functional.max_pool2d(_r(T, 1, 1, 9, 9), 3, 1, 3, 2),
    lambda T: T.nn.functional.max_pool2d(_r(T, 1, 1, 9, 9), 3, 1, 2, 2),
    lambda T: T.nn.functional.max_pool2d(_r(T, 1, 1, 2, 2), 3),
    lambda T: T.nn.functional.max_pool2d(_r(T, 1, 1, 4, 4), 3, dilation=2),
    lambda T: T.nn.functional.max_pool2d(_r(T, 4, 4), 2),
    lambda T: T.nn.functional.max_pool2d(_r(T, 1, 1, 1, 4, 4), 2),
    lambda T: T.nn.functional.max_pool2d(T.zeros(1, 0, 4, 4), 2),
    lambda T: T.nn.functional.max_pool2d(T.zeros(0, 4, 4), 2),
    lambda T: T.nn.functional.max_pool2d(_i(T, 1, 1, 4, 4, dtype="bool"), 2),
    lambda T: T.nn.functional.max_pool3d(_r(T, 1, 4, 4), 2),
    lambda T: T.nn.functional.max_pool3d(_r(T, 1, 1, 4, 4, 4), 2, 1, 2),
    lambda T: T.nn.functional.max_pool3d(_r(T, 1, 1, 9, 9, 9), 3, 1, 2, 2),
    lambda T: T.nn.functional.max_pool3d(_r(T, 1, 1, 2, 4, 4), 3),
    lambda T: T.nn.functional.max_pool3d(_r(T, 1, 1, 4, 4, 4), -1),
    lambda T: T.nn.functional.max_pool3d(_r(T, 1, 1, 4, 4, 4), (2, 2)),
    lambda T: T.nn.functional.max_pool3d(_r(T, 1, 1, 4, 4, 4), 2, (1, 1)),
    lambda T: T.nn.functional.max_pool3d(_r(T, 1, 1, 4, 4, 4), 2, 1, 0, 0),
    lambda T: T.nn.functional.max_pool3d(T.zeros(1, 0, 4, 4, 4), 2),
    lambda T: T.nn.functional.max_pool3d(_i(T, 1, 1, 4, 4, 4, dtype="bool"), 2),
    # max_pool1d: its own checks, and those of the path with indices
    lambda T: T.nn.functional.max_pool1d(_r(T, 4), 2),
    lambda T: T.nn.functional.max_pool1d(_r(T, 1, 1, 4, 4), 2),
    lambda T: T.nn.functional.max_pool1d(_r(T, 1, 1, 4), 0),
    lambda T: T.nn.functional.max_pool1d(_r(T, 1, 1, 4), 2, 0),
    lambda T: T.nn.functional.max_pool1d(_r(T, 1, 1, 4), (2, 2)),
    lambda T: T.nn.functional.max_pool1d(_r(T, 1, 1, 4), 2, (1, 1)),
    lambda T: T.nn.functional.max_pool1d(_r(T, 1, 1, 4), 2, 1, (1, 1)),
    lambda T: T.nn.functional.max_pool1d(_r(T, 1, 1, 4), 2, 1, 0, (1, 1)),
    lambda T: T.nn.functional.max_pool1d(_r(T, 1, 1, 4), 2, 1, 2),
    lambda T: T.nn.functional.max_pool1d(_r(T, 1, 1, 2), 3),
    lambda T: T.nn.functional.max_pool1d(_r(T, 1, 1, 4), 2, 1, 0, 0),
    lambda T: T.nn.functional.max_pool1d(_r(T, 1, 1, 4), 2, 1, -1),
    lambda T: T.nn.functional.max_pool1d(T.zeros(1, 0, 4), 2),
    lambda T: T.nn.functional.max_pool1d(T.zeros(0, 4), 2),
    lambda T: T.nn.functional.max_pool1d(_i(T, 1, 1, 4, dtype="long"), 2),
    lambda T: T.nn.functional.max_pool1d(_r(T, 4), 2, return_indices=True),
    lambda T: T.nn.functional.max_pool1d(_r(T, 1, 1, 2), 3, return_indices=True),
    lambda T: T.nn.functional.max_pool1d(_r(T, 1, 1, 4), 2, 1, 2, return_indices=True),
    lambda T: T.nn.functional.max_pool1d(_r(T, 1, 1, 4), (2, 2), return_indices=True),
    lambda T: T.nn.functional.max_pool1d(_i(T, 1, 1, 4, dtype="bool"), 2, return_indices=True),
    lambda T: T.nn.functional.max_pool2d(_r(T, 1, 1, 4, 4), 2.0),
    # average pools
    lambda T: T.nn.functional.avg_pool2d(_r(T, 1, 1, 4, 4), 0),
    lambda T: T.nn.functional.avg_pool2d(_r(T, 1, 1, 4, 4), 2, 0),
    lambda T: T.nn.functional.avg_pool2d(_r(T, 1, 1, 4, 4), -1),
    lambda T: T.nn.functional.avg_pool2d(_r(T, 1, 1, 4, 4), 2, 1, 2),
    lambda T: T.nn.functional.avg_pool2d(_r(T, 1, 1, 4, 4), 2, 1, -1),
    lambda T: T.nn.functional.avg_pool2d(_r(T, 1, 1, 2, 2), 3),
    lambda T: T.nn.functional.avg_pool2d(_r(T, 4, 4), 2),
    lambda T: T.nn.functional.avg_pool2d(_r(T, 4), 2),
    lambda T: T.nn.functional.avg_pool2d(_r(T, 1, 1, 1, 4, 4), 2),
    lambda T: T.nn.functional.avg_pool2d(_r(T, 1, 1, 4, 4), 2, divisor_override=0),
    lambda T: T.nn.functional.avg_pool2d(_r(T, 1, 1, 4, 4), (2, 2, 2)),
    lambda T: T.nn.functional.avg_pool2d(_r(T, 1, 1, 4, 4), 2, (1, 1, 1)),
    lambda T: T.nn.functional.avg_pool2d(_r(T, 1, 1, 4, 4), 2, 1, (1, 1, 1)),
    lambda T: T.nn.functional.avg_pool2d(T.zeros(1, 0, 4, 4), 2),
    lambda T: T.nn.functional.avg_pool2d(_i(T, 1, 1, 4, 4, dtype="bool"), 2),
    lambda T: T.nn.functional.avg_pool2d(_i(T, 1, 1, 4, 4, dtype="uint8"), 2),
    lambda T: T.nn.functional.avg_pool1d(_r(T, 4), 2),
    lambda T: T.nn.functional.avg_pool1d(_r(T, 1, 1, 1, 4), 2),
    lambda T: T.nn.functional.avg_pool1d(_r(T, 1, 1, 4), (2, 2)),
    lambda T: T.nn.functional.avg_pool1d(_r(T, 1, 1, 4), 2, (1, 1)),
    lambda T: T.nn.functional.avg_pool1d(_r(T, 1, 1, 4), 2, 1, (1, 1)),
    lambda T: T.nn.functional.avg_pool1d(_r(T, 1, 1, 4), 2, 1, 2),
    lambda T: T.nn.functional.avg_pool1d(_r(T, 1, 1, 2), 3),
    lambda T: T.nn.functional.avg_pool1d(_r(T, 1, 1, 4), 0),
    lambda T: T.nn.functional.avg_pool1d(_i(T, 1, 1, 4, dtype="bool"), 2),
    lambda T: T.nn.functional.avg_pool3d(_r(T, 1, 4, 4), 2),
    lambda T: T.nn.functional.avg_pool3d(_r(T, 1, 1, 4, 4, 4), 2, 1, 2),
    lambda T: T.nn.functional.avg_pool3d(_r(T, 1, 1, 2, 4, 4), 3),
    lambda T: T.nn.functional.avg_pool3d(_r(T, 1, 1, 4, 4, 4), 2, divisor_override=0),
    lambda T: T.nn.functional.avg_pool3d(_r(T, 1, 1, 4, 4, 4), (2, 2)),
    lambda T: T.nn.functional.avg_pool3d(_r(T, 1, 1, 4, 4, 4), 2, (2, 2)),
    lambda T: T.nn.functional.avg_pool3d(_r(T, 1, 1, 4, 4, 4), 2, 2, (1, 1)),
    lambda T: T.nn.functional.avg_pool3d(_r(T, 1, 1, 4, 4, 4), 0),
    lambda T: T.nn.functional.avg_pool3d(_r(T, 1, 1, 4, 4, 4), -1),
    lambda T: T.nn.functional.avg_pool3d(T.zeros(1, 0, 4, 4, 4), 2),
    lambda T: T.nn.functional.avg_pool3d(_i(T, 1, 1, 4, 4, 4, dtype="bool"), 2),
    # adaptive pools
    lambda T: T.nn.functional.adaptive_avg_pool1d(_r(T, 4), 2),
    lambda T: T.nn.functional.adaptive_avg_pool1d(_r(T, 1, 1, 4), (2, 2)),
    lambda T: T.nn.functional.adaptive_avg_pool1d(_r(T, 1, 1, 4), -1),
    lambda T: T.nn.functional.adaptive_avg_pool1d(_r(T, 1, 1, 4, 4), 2),
    lambda T: T.nn.functional.adaptive_avg_pool1d(_i(T, 1, 1, 4, dtype="long"), 2),
    lambda T: T.nn.functional.adaptive_avg_pool2d(_r(T, 4, 4), 2),
    lambda T: T.nn.functional.adaptive_avg_pool2d(_r(T, 1, 1, 4, 4), (2, 2, 2)),
    lambda T: T.nn.functional.adaptive_avg_pool2d(_r(T, 1, 1, 4, 4), (-1, 2)),
    lambda T: T.nn.functional.adaptive_avg_pool2d(T.zeros(1, 1, 0, 4), 2),
    lambda T: T.nn.functional.adaptive_avg_pool2d(_i(T, 1, 1, 4, 4, dtype="long"), 2),
    lambda T: T.nn.functional.adaptive_avg_pool2d(_r(T, 4), (None, 2)),
    lambda T: T.nn.functional.adaptive_avg_pool3d(_r(T, 4, 4, 4), 2),
    lambda T: T.nn.functional.adaptive_avg_pool3d(_r(T, 1, 1, 4, 4, 4), (-1, 2, 2)),
    lambda T: T.nn.functional.adaptive_avg_pool3d(_r(T, 1, 1, 4, 4, 4), (2, 2)),
    lambda T: T.nn.functional.adaptive_avg_pool3d(T.zeros(1, 1, 0, 4, 4), 2),
    lambda T: T.nn.functional.adaptive_avg_pool3d(_i(T, 1, 1, 4, 4, 4, dtype="long"), 2),
    lambda T: T.nn.functional.adaptive_max_pool1d(_r(T, 4), 2),
    lambda T: T.nn.functional.adaptive_max_pool1d(_r(T, 1, 1, 4), (2, 2)),
    lambda T: T.nn.functional.adaptive_max_pool1d(_r(T, 1, 1, 4), -2),
    lambda T: T.nn.functional.adaptive_max_pool1d(_i(T, 1, 1, 4, dtype="long"), 2),
    lambda T: T.nn.functional.adaptive_max_pool2d(_r(T, 4, 4), 2),
    lambda T: T.nn.functional.adaptive_max_pool2d(_r(T, 1, 1, 4, 4), (2, 2, 2)),
    lambda T: T.nn.functional.adaptive_max_pool2d(_r(T, 1, 1, 4, 4), -1),
    lambda T: T.nn.functional.adaptive_max_pool2d(T.zeros(1, 1, 0, 4), 2),
    lambda T: T.nn.functional.adaptive_max_pool2d(_i(T, 1, 1, 4, 4, dtype="long"), 2),
    lambda T: T.nn.functional.adaptive_max_pool3d(_r(T, 4, 4, 4), 2),
    lambda T: T.nn.functional.adaptive_max_pool3d(_r(T, 1, 1, 4, 4, 4), (2, 2)),
    lambda T: T.nn.functional.adaptive_max_pool3d(_r(T, 1, 1, 4, 4, 4), -2),
    lambda T: T.nn.functional.adaptive_max_pool3d(T.zeros(1, 1, 0, 4, 4), 2),
    # lp pools
    lambda T: T.nn.functional.lp_pool2d(_r(T, 4, 4), 2, 2),
    lambda T: T.nn.functional.lp_pool1d(_r(T, 1, 1, 4), 2, (2,)),
    lambda T: T.nn.functional.lp_pool2d(_r(T, 1, 1, 4, 4), 0, 2),
]


@pytest.mark.parametrize("fn", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_errors_vs_torch(fn):
    err = check(fn)
    assert isinstance(err, Exception), "PyTorch raised nothing: the case tests nothing"


def _pooled(T):
    x = T.tensor(distinct((1, 1, 4, 4), 0))
    return T.nn.functional.max_pool2d(x, 2, return_indices=True)


# (one plane per bad-index case: which bad index PyTorch reports across
# planes depends on its threads)
UNPOOL_ERRORS = [
    lambda T: T.nn.functional.max_unpool2d(_pooled(T)[0], _pooled(T)[1] * 5, 2),
    lambda T: T.nn.functional.max_unpool3d(_pooled(T)[0][None], _pooled(T)[1][None] * 5, 2),
    lambda T: T.nn.functional.max_unpool2d(_pooled(T)[0], _pooled(T)[1].int(), 2),
    lambda T: T.nn.functional.max_unpool3d(_pooled(T)[0][None], _pooled(T)[1][None].int(), 2),
    lambda T: T.nn.functional.max_unpool2d(_pooled(T)[0][0, 0], _pooled(T)[1][0, 0], 2),
    lambda T: T.nn.functional.max_unpool2d(_pooled(T)[0], _pooled(T)[1][0], 2),
    lambda T: T.nn.functional.max_unpool2d(*_pooled(T), 2, output_size=(9, 9)),
    lambda T: T.nn.functional.max_unpool2d(*_pooled(T), 2, output_size=(4, 4, 4)),
    lambda T: T.nn.functional.max_unpool3d(_pooled(T)[0][0], _pooled(T)[1][0], 2),
    lambda T: T.nn.functional.max_unpool1d(_pooled(T)[0][0], _pooled(T)[1][0], 2,
                                           output_size=(-1,)),
    lambda T: T.nn.functional.max_unpool2d(_pooled(T)[0][:, :0], _pooled(T)[1][:, :0], 2),
    lambda T: T.nn.functional.max_unpool3d(*_pooled3(T), 2, stride=0),
    lambda T: T.nn.functional.max_unpool3d(*_pooled3(T), (2, 2)),
]


def _pooled3(T):
    x = T.tensor(distinct((1, 1, 4, 4, 4), 0))
    return T.nn.functional.max_pool3d(x, 2, return_indices=True)


@pytest.mark.parametrize("fn", UNPOOL_ERRORS, ids=[str(i) for i in range(len(UNPOOL_ERRORS))])
def test_max_unpool_errors_vs_torch(fn):
    err = check(fn)
    assert isinstance(err, Exception)


def test_an_error_changes_nothing():
    check_error(lambda T: (T.ones(1, 1, 4, 4, requires_grad=True),),
                lambda T, x: T.nn.functional.max_pool2d(x, 2, 1, 2))
    check_error(lambda T: (T.ones(1, 1, 2, 2, requires_grad=True),),
                lambda T, x: T.nn.functional.avg_pool2d(x * 2, 3))
    check_error(lambda T: (T.ones(2, 3, 4, requires_grad=True),),
                lambda T, x: T.nn.functional.max_pool1d(x, 5))
