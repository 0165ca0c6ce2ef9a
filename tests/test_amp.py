"""torch.autocast on the CPU: every op of the op tables gives PyTorch's dtype
under autocast, the lists' ops cast as PyTorch's do, and the switches,
nesting, decorator, weight cache, warnings and errors behave as PyTorch's."""
import warnings

import numpy as np
import pytest

import ember
from compare_torch import check, check_error, grad_fn_name


def _shown(out):
    """Tensors as (dtype name, float32 copy): PyTorch's bfloat16 has no NumPy
    view, so values are compared in float32 and dtypes by name."""
    if isinstance(out, (tuple, list)):
        return [_shown(o) for o in out]
    if hasattr(out, "dtype") and hasattr(out, "float"):
        return repr(out.dtype).split(".")[-1], out.float()
    return out
from op_table import OPS
from test_ops import inputs_for

# Made of a matmul in PyTorch (so bfloat16 under autocast), of NumPy's own
# routines here; listed in the README's differences.
_COMPOSITE_ONLY_THERE = {"linalg.pinv", "linalg.pinv_wide", "linalg.pinv_hermitian",
                         "affine_grid_generator"}
# float16 rows Ember cannot run with or without autocast: complex32 (two
# float16 halves) has no NumPy type; NumPy's linalg takes no float16.
_NO_HALF = {"complex", "istft", "linalg.matrix_power_neg"}


def _dtypes(out):
    if isinstance(out, ember.Tensor) or type(out).__name__ == "Tensor":
        return [out.dtype.__repr__().split(".")[-1]]
    if isinstance(out, (tuple, list)):
        return [d for o in out for d in _dtypes(o)]
    return []


def _run(T, row, dtype):
    inputs = [T.tensor(a).to(getattr(T, dtype)) for a in inputs_for(row, np.float32)]
    low = T.float16 if dtype == "float16" else T.bfloat16
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            with T.autocast("cpu", dtype=low):
                return _dtypes(row[1](T, *inputs))
        except Exception as exc:  # noqa: BLE001 - an error is a result here
            return type(exc).__name__


@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_every_op_gives_torchs_dtype_under_autocast(dtype):
    """float32 inputs under bfloat16 autocast (lower-precision list: bfloat16
    results); float16 inputs under float16 autocast (float32 list: float32)."""
    torch = pytest.importorskip("torch")
    wrong = []
    for row in OPS:
        if row[0] in _COMPOSITE_ONLY_THERE or (dtype == "float16" and row[0] in _NO_HALF):
            continue
        t, e = _run(torch, row, dtype), _run(ember, row, dtype)
        if isinstance(t, list) and t != e:
            wrong.append(f"{row[0]}: torch {t}, ember {e}")
    # (float16 rows where PyTorch's kernels refuse Half are skipped above)
    assert not wrong, "\n".join(wrong)


_F_CASES = {
    "linear": lambda T, F, x, y, t: F.linear(x, y),
    "matmul": lambda T, F, x, y, t: x @ y.t(),
    "cross_entropy": lambda T, F, x, y, t: F.cross_entropy(x, t),
    "nll_loss": lambda T, F, x, y, t: F.nll_loss(x, t),
    "mse_loss": lambda T, F, x, y, t: F.mse_loss(x, y),
    "l1_loss": lambda T, F, x, y, t: F.l1_loss(x, y),
    "smooth_l1_loss": lambda T, F, x, y, t: F.smooth_l1_loss(x, y),
    "huber_loss": lambda T, F, x, y, t: F.huber_loss(x, y),
    "soft_margin_loss": lambda T, F, x, y, t: F.soft_margin_loss(x, y),
    "binary_cross_entropy": lambda T, F, x, y, t: F.binary_cross_entropy(x.sigmoid(),
                                                                          y.sigmoid()),
    "multi_margin_loss": lambda T, F, x, y, t: F.multi_margin_loss(x, t),
    "softmax": lambda T, F, x, y, t: F.softmax(x, -1),
    "relu": lambda T, F, x, y, t: F.relu(x),
    "sum": lambda T, F, x, y, t: x.sum(),
    "pad_reflect_2d": lambda T, F, x, y, t: F.pad(x[None], (1, 1, 1, 1), mode="reflect"),
    "pad_reflect_3d": lambda T, F, x, y, t: F.pad(x[None, None], (1,) * 6, mode="reflect"),
    "pad_replicate_3d": lambda T, F, x, y, t: F.pad(x[None, None], (1,) * 6, mode="replicate"),
    "pad_circular": lambda T, F, x, y, t: F.pad(x[None], (1, 1), mode="circular"),
    "cat_mixed": lambda T, F, x, y, t: T.cat([x, y.float()]),
    "stack_mixed": lambda T, F, x, y, t: T.stack([x, y.float()]),
    "cat_two_halves": lambda T, F, x, y, t: T.cat([x, y.half()]),
    "linear_float64": lambda T, F, x, y, t: F.linear(x.double(), y.double()),
    "linear_half": lambda T, F, x, y, t: F.linear(x.half(), y.half()),
    "conv1d": lambda T, F, x, y, t: F.conv1d(x[None], y[:2, :4, None].expand(2, 4, 3)),
}


@pytest.mark.parametrize("name", list(_F_CASES))
def test_functional_dtypes_and_values(name):
    """bfloat16 inputs: the float32 list runs in float32 (losses), the
    lower list in bfloat16, promote in the widest dtype; values as PyTorch's
    to bfloat16's precision."""
    def run(T):
        T.manual_seed(0)
        g = np.random.default_rng(1)
        x = T.tensor(g.standard_normal((4, 5)), dtype=T.float32).bfloat16()
        y = T.tensor(g.standard_normal((4, 5)), dtype=T.float32).bfloat16()
        with T.autocast("cpu"):
            return _shown(_F_CASES[name](T, T.nn.functional, x, y, T.tensor([0, 1, 2, 3])))
    check(run, rtol=2e-2, atol=2e-2)


def test_linear_layer_casts_and_backward():
    """nn.Linear under autocast: bfloat16 output through ToCopyBackward0 from
    the float32 weight, whose gradient stays float32."""
    def run(T):
        T.manual_seed(0)
        lin = T.nn.Linear(3, 2)
        x = T.randn(4, 3)
        with T.autocast("cpu", dtype=T.bfloat16):
            y = lin(x)
        names = [grad_fn_name(y)] + [n[0] and type(n[0]).__name__
                                     for n in y.grad_fn.next_functions]
        y.float().sum().backward()
        return _shown(y), names, lin.weight.grad, lin.bias.grad
    check(run, rtol=1e-2, atol=1e-2)


def test_weight_cast_is_cached_in_the_outermost_block():
    w = ember.randn(3, 3, requires_grad=True)
    x = ember.randn(2, 3)
    with ember.autocast("cpu"):
        a = ember.mm(x, w)
        with ember.autocast("cpu"):
            b = ember.mm(x, w)
        # the same cast copy of w feeds both products
        assert a.grad_fn.next_functions[1][0] is b.grad_fn.next_functions[1][0]
    with ember.autocast("cpu"):
        c = ember.mm(x, w)
    assert c.grad_fn.next_functions[1][0] is not a.grad_fn.next_functions[1][0]
    with ember.autocast("cpu", cache_enabled=False):
        d, e = ember.mm(x, w), ember.mm(x, w)
        assert d.grad_fn.next_functions[1][0] is not e.grad_fn.next_functions[1][0]


def test_switches_nesting_and_decorator():
    assert not ember.is_autocast_enabled("cpu")
    assert ember.get_autocast_dtype("cpu") is ember.bfloat16
    assert ember.get_autocast_dtype("cuda") is ember.float16
    x = ember.randn(2, 2)
    with ember.autocast("cpu", dtype=ember.float16):
        assert ember.is_autocast_enabled("cpu") and not ember.is_autocast_enabled()
        assert ember.get_autocast_dtype("cpu") is ember.float16
        assert (x @ x).dtype is ember.float16
        with ember.autocast("cpu", enabled=False):
            assert not ember.is_autocast_enabled("cpu")
            assert (x @ x).dtype is ember.float32
        with ember.amp.autocast("cpu", dtype=ember.bfloat16):
            assert (x @ x).dtype is ember.bfloat16
        assert (x @ x).dtype is ember.float16
    assert (x @ x).dtype is ember.float32 and not ember.is_autocast_enabled("cpu")

    @ember.autocast("cpu")
    def f(a):
        return ember.is_autocast_enabled("cpu"), a @ a
    on, y = f(x)
    assert on and y.dtype is ember.bfloat16 and not ember.is_autocast_enabled("cpu")
    with pytest.raises(RuntimeError):
        with ember.autocast("cpu"):
            raise RuntimeError("boom")
    assert not ember.is_autocast_enabled("cpu") and ember.autocast_increment_nesting() == 1
    assert ember.autocast_decrement_nesting() == 0


def test_autocast_is_thread_local():
    import threading
    seen = []
    with ember.autocast("cpu"):
        t = threading.Thread(target=lambda: seen.append(
            (ember.is_autocast_enabled("cpu"), (ember.ones(2, 2) @ ember.ones(2, 2)).dtype)))
        t.start()
        t.join()
    assert seen == [(False, ember.float32)]


@pytest.mark.parametrize("make", [
    lambda T: T.autocast("cuda"),
    lambda T: T.autocast("cpu", dtype=T.float32),
    lambda T: T.autocast("cpu", dtype=T.float64),
    lambda T: T.cpu.amp.autocast(),
    lambda T: T.cpu.amp.GradScaler(),
    lambda T: T.amp.GradScaler(),
])
def test_warnings_as_torchs(make):
    pytest.importorskip("torch")
    import torch
    got = {}
    for T in (torch, ember):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            obj = make(T)
        got[T] = [(x.category, str(x.message).replace("torch.", "ember.")
                   .replace("ember.amp", "torch.amp").replace("ember.cpu", "torch.cpu")
                   .replace("ember.cuda", "torch.cuda"))
                  for x in w]
        if isinstance(obj, T.autocast):
            with obj:
                assert T.is_autocast_enabled(obj.device) == obj._enabled
    assert got[ember] == [(c, m.replace("torch.bfloat16", "ember.bfloat16")
                           .replace("torch.float16", "ember.float16")) for c, m in got[torch]]


@pytest.mark.parametrize("op", [
    lambda T: T.autocast("foo"),
    lambda T: T.autocast(3),
    lambda T: T.autocast("meta"),
    lambda T: T.autocast("cpu")(3),
    lambda T: T.is_autocast_enabled(3),
    lambda T: T.set_autocast_enabled("cpu"),
    lambda T: T.get_autocast_dtype("foo"),
    lambda T: T.amp.custom_fwd(device_type=3),
    lambda T: T.cat([T.ones(2).bfloat16(), T.ones(2).half()]),
])
def test_errors_as_torchs(op):
    def raising(T, *_):
        with T.autocast("cpu"):
            return op(T)
    check_error(lambda T: (), raising)


def test_custom_fwd_and_bwd():
    seen = {}

    class Square(ember.autograd.Function):
        @staticmethod
        @ember.amp.custom_fwd(device_type="cpu", cast_inputs=ember.float32)
        def forward(ctx, x):
            seen["fwd"] = (x.dtype, ember.is_autocast_enabled("cpu"))
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @ember.amp.custom_bwd(device_type="cpu")
        def backward(ctx, g):
            seen["bwd"] = ember.is_autocast_enabled("cpu")
            (x,) = ctx.saved_tensors
            return 2 * x * g

    x = ember.tensor([1.5, 2.0], dtype=ember.bfloat16, requires_grad=True)
    with ember.autocast("cpu"):
        y = Square.apply(x)
    y.sum().backward()
    assert seen == {"fwd": (ember.float32, False), "bwd": False}
    assert y.dtype is ember.float32 and x.grad.dtype is ember.bfloat16
    np.testing.assert_array_equal(x.grad.float().numpy(), [3.0, 4.0])


def test_bfloat16_products_stay_bfloat16():
    """Without autocast too: bfloat16 mm, bmm, addmm, conv give bfloat16,
    accumulated in float32 and rounded once, as PyTorch's kernels."""
    def run(T):
        g = np.random.default_rng(0)
        a = T.tensor(g.standard_normal((2, 3, 4)), dtype=T.float32).bfloat16()
        b = T.tensor(g.standard_normal((2, 4, 5)), dtype=T.float32).bfloat16()
        w = T.tensor(g.standard_normal((6, 3, 2)), dtype=T.float32).bfloat16()
        return _shown((T.bmm(a, b), T.mm(a[0], b[0]), T.addmm(b[0, 0], a[0], b[0]),
                       T.baddbmm(b[:, :3], a, b), T.nn.functional.conv1d(a, w), a[0] @ b[0],
                       a[0] / T.tensor(3)))
    check(run, rtol=1e-2, atol=1e-2)


_FP32_LIST = {
    "avg_pool3d": lambda T, F, x5, x4, x2: F.avg_pool3d(x5, 2),
    "adaptive_avg_pool3d": lambda T, F, x5, x4, x2: F.adaptive_avg_pool3d(x5, 1),
    "adaptive_max_pool3d": lambda T, F, x5, x4, x2: F.adaptive_max_pool3d(x5, 1),
    "max_pool3d": lambda T, F, x5, x4, x2: F.max_pool3d(x5, 2),
    "max_unpool2d": lambda T, F, x5, x4, x2: F.max_unpool2d(
        *F.max_pool2d(x4, 2, return_indices=True), 2),
    "lp_pool3d": lambda T, F, x5, x4, x2: F.lp_pool3d(x5, 2.0, 2),
    "multilabel_margin_loss": lambda T, F, x5, x4, x2: F.multilabel_margin_loss(
        x2, T.tensor([[0, 1, -1, 0]] * 3)),
    "nll_loss2d": lambda T, F, x5, x4, x2: F.nll_loss(x4, T.zeros(1, 4, 4, dtype=T.int64)),
    "kl_div": lambda T, F, x5, x4, x2: F.kl_div(x2, x2.exp(), reduction="batchmean"),
    "cdist": lambda T, F, x5, x4, x2: T.cdist(x2, x2),
    "prod": lambda T, F, x5, x4, x2: x2.prod(),
    "trace": lambda T, F, x5, x4, x2: x2.trace(),
    "grid_sample": lambda T, F, x5, x4, x2: F.grid_sample(
        x4, T.zeros(1, 2, 2, 2, dtype=T.float16), align_corners=False),
    "interpolate": lambda T, F, x5, x4, x2: F.interpolate(x4, scale_factor=2),
}


@pytest.mark.parametrize("name", list(_FP32_LIST))
def test_float32_list_with_half_inputs(name):
    """float16 inputs under float16 autocast: the float32 list's ops (and the
    ops PyTorch builds of them, lp_pool3d) in float32, the others not."""
    def run(T):
        g = np.random.default_rng(0)
        xs = [T.tensor(g.standard_normal(s), dtype=T.float32).half()
              for s in ((1, 2, 4, 4, 4), (1, 2, 4, 4), (3, 4))]
        with T.autocast("cpu", dtype=T.float16):
            out = _FP32_LIST[name](T, T.nn.functional, *xs)
        return _shown(out)
    check(run, rtol=1e-2, atol=1e-2)


def test_inplace_variants_are_not_cast():
    """addmm_ and baddbmm_ are not on PyTorch's lists: they compute in the
    tensor's own float32 under autocast."""
    def run(T):
        g = np.random.default_rng(3)
        a, b = (T.tensor(g.standard_normal(s), dtype=T.float32) for s in ((2, 3), (3, 2)))
        x, y = T.zeros(2, 2), T.zeros(1, 2, 2)
        with T.autocast("cpu"):
            x.addmm_(a, b)
            y.baddbmm_(a[None], b[None])
            z = T.addmm(T.zeros(2, 2), a, b)
        return x, y, _shown(z)
    check(run, rtol=1e-6)
