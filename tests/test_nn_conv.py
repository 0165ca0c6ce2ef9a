"""Convolutions (torch.conv*d, torch.conv_transpose*d, torch.convolution and
their nn.functional forms) against PyTorch: values, input/weight/bias
gradients and grad_fn names over many geometries, gradcheck and
gradgradcheck in float64, double-backward node names, and errors."""
import warnings

import numpy as np
import pytest

import ember
from compare_torch import check, check_error

F = ember.nn.functional


def _arrays(shapes, seed, dtype):
    rng = np.random.default_rng(seed)
    return [None if s is None else rng.standard_normal(s).astype(dtype) for s in shapes]


def _run(fn, shapes, dtype=np.float64, seed=0):
    """fn(T, x, w, b) in both libraries; results: output, and each input's grad."""
    arrays = _arrays(shapes, seed, dtype)

    def go(T):
        ts = [None if a is None else T.tensor(a, requires_grad=True) for a in arrays]
        y = fn(T, *ts)
        g = np.cos(np.arange(int(np.prod(y.shape)))).reshape(tuple(y.shape)).astype(dtype)
        y.backward(T.tensor(g))
        return (y,) + tuple(t.grad for t in ts if t is not None)
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-12)
    return check(go, **tol)


# name, fn(T, x, w, b), shapes of x, w, b (None: no bias)
CASES = [
    ("1d", lambda T, x, w, b: T.conv1d(x, w, b), [(2, 3, 9), (4, 3, 3), (4,)]),
    ("1d_stride_pad_dil", lambda T, x, w, b: T.conv1d(x, w, b, 2, 1, 2), [(2, 3, 11), (4, 3, 3), (4,)]),
    ("1d_groups", lambda T, x, w, b: T.conv1d(x, w, b, groups=3), [(2, 6, 7), (9, 2, 2), (9,)]),
    ("1d_same_even", lambda T, x, w, b: T.conv1d(x, w, b, padding="same"), [(2, 3, 8), (4, 3, 4), (4,)]),
    ("1d_same_dil", lambda T, x, w, b: T.conv1d(x, w, b, padding="same", dilation=3),
     [(2, 3, 8), (4, 3, 3), (4,)]),
    ("1d_valid", lambda T, x, w, b: T.conv1d(x, w, b, padding="valid"), [(1, 2, 5), (3, 2, 5), (3,)]),
    ("1d_unbatched", lambda T, x, w, b: T.nn.functional.conv1d(x, w, b, stride=3), [(3, 10), (2, 3, 2), (2,)]),
    ("2d", lambda T, x, w, b: T.conv2d(x, w, b), [(2, 3, 7, 6), (5, 3, 3, 3), (5,)]),
    ("2d_nobias", lambda T, x, w: T.conv2d(x, w), [(2, 3, 5, 5), (4, 3, 1, 1)]),
    ("2d_tuple_args", lambda T, x, w, b: T.conv2d(x, w, b, (2, 3), (1, 2), (2, 1)),
     [(2, 3, 9, 10), (4, 3, 3, 2), (4,)]),
    ("2d_list_len1", lambda T, x, w, b: T.conv2d(x, w, b, [2], [1], [2]), [(1, 2, 9, 8), (3, 2, 2, 3), (3,)]),
    ("2d_groups", lambda T, x, w, b: T.conv2d(x, w, b, 1, 1, 1, 2), [(2, 4, 6, 5), (6, 2, 3, 3), (6,)]),
    ("2d_depthwise", lambda T, x, w, b: T.conv2d(x, w, b, groups=3, padding=(0, 1)),
     [(2, 3, 5, 5), (6, 1, 3, 3), (6,)]),
    ("2d_same_even", lambda T, x, w, b: T.conv2d(x, w, b, padding="same"), [(2, 3, 6, 7), (2, 3, 4, 2), (2,)]),
    ("2d_same_dil_groups", lambda T, x, w, b: T.nn.functional.conv2d(x, w, b, padding="same", dilation=(2, 1), groups=2),
     [(1, 4, 7, 6), (2, 2, 3, 4), (2,)]),
    ("2d_unbatched", lambda T, x, w, b: T.nn.functional.conv2d(x, w, b, stride=2, padding=1), [(3, 7, 8), (4, 3, 3, 3), (4,)]),
    ("2d_kernel_equals_input", lambda T, x, w, b: T.conv2d(x, w, b), [(2, 2, 3, 4), (3, 2, 3, 4), (3,)]),
    ("2d_batch1_stride_big", lambda T, x, w, b: T.conv2d(x, w, b, stride=5), [(1, 1, 11, 7), (2, 1, 2, 2), (2,)]),
    ("3d", lambda T, x, w, b: T.conv3d(x, w, b, (1, 2, 1), (1, 0, 1), (1, 1, 2)),
     [(2, 2, 4, 5, 6), (3, 2, 2, 3, 2), (3,)]),
    ("3d_groups_same", lambda T, x, w, b: T.conv3d(x, w, b, padding="same", groups=2),
     [(1, 4, 3, 4, 5), (2, 2, 2, 3, 2), (2,)]),
    ("3d_unbatched", lambda T, x, w, b: T.nn.functional.conv3d(x, w, b), [(2, 3, 4, 3), (2, 2, 2, 2, 2), (2,)]),
    ("t1d", lambda T, x, w, b: T.conv_transpose1d(x, w, b), [(2, 3, 5), (3, 4, 3), (4,)]),
    ("t1d_all", lambda T, x, w, b: T.nn.functional.conv_transpose1d(x, w, b, 3, 2, 1, 2, 2),
     [(2, 4, 6), (4, 3, 3), (6,)]),
    ("t1d_op_dilation", lambda T, x, w, b: T.conv_transpose1d(x, w, b, 1, 0, 1, 1, 2),
     [(1, 2, 4), (2, 3, 3), (3,)]),
    ("t1d_unbatched", lambda T, x, w, b: T.nn.functional.conv_transpose1d(x, w, b, stride=2), [(3, 5), (3, 2, 4), (2,)]),
    ("t2d", lambda T, x, w, b: T.conv_transpose2d(x, w, b), [(2, 3, 4, 5), (3, 2, 3, 3), (2,)]),
    ("t2d_all", lambda T, x, w, b: T.conv_transpose2d(x, w, b, (2, 3), (1, 0), (1, 2), 2, (2, 1)),
     [(2, 4, 3, 4), (4, 3, 3, 2), (6,)]),
    ("t2d_nobias", lambda T, x, w: T.nn.functional.conv_transpose2d(x, w, stride=2, padding=1), [(2, 2, 5, 4), (2, 3, 3, 3)]),
    ("t2d_unbatched", lambda T, x, w, b: T.nn.functional.conv_transpose2d(x, w, b, output_padding=1, stride=2),
     [(2, 3, 3), (2, 1, 2, 2), (1,)]),
    ("t3d", lambda T, x, w, b: T.conv_transpose3d(x, w, b, 2, (0, 1, 0), (1, 0, 1)),
     [(1, 2, 3, 3, 2), (2, 2, 2, 3, 2), (2,)]),
    ("t3d_groups_unbatched", lambda T, x, w, b: T.nn.functional.conv_transpose3d(x, w, b, groups=2, dilation=2),
     [(4, 2, 2, 3), (4, 1, 2, 2, 2), (2,)]),
    ("convolution", lambda T, x, w, b: T.convolution(x, w, b, [1, 2], [2, 1], [1], False, [0], 1),
     [(2, 3, 5, 6), (2, 3, 2, 2), (2,)]),
    ("convolution_t", lambda T, x, w, b: T.convolution(x, w, b, [2], [0], [1], True, [1], 1),
     [(2, 3, 4), (3, 2, 2), (2,)]),
    ("convolution_tuples", lambda T, x, w, b: T.convolution(x, w, b, (2, 1), (1,), [1, 2], True,
                                                            (1, 0), 2),
     [(2, 4, 3, 4), (4, 1, 2, 3), (2,)]),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(case, dtype):
    _, fn, shapes = case
    _run(fn, shapes, dtype)


GRADCHECK = ["1d_groups", "1d_same_even", "2d_tuple_args", "2d_groups", "2d_same_dil_groups",
             "2d_unbatched", "3d", "t1d_all", "t1d_op_dilation", "t2d_all", "t3d",
             "convolution_t"]


@pytest.mark.parametrize("name", GRADCHECK)
def test_gradcheck_and_gradgradcheck(name):
    _, fn, shapes = next(c for c in CASES if c[0] == name)
    xs = [ember.tensor(a, requires_grad=True) for a in _arrays(shapes, 1, np.float64)]
    f = lambda *ts: fn(ember, *ts)    # noqa: E731
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # padding='same' with an even kernel warns
        assert ember.autograd.gradcheck(f, xs, eps=1e-6, atol=1e-6)
        assert ember.autograd.gradgradcheck(f, xs, eps=1e-6, atol=1e-5)


def test_double_backward_node_names_and_values():
    def go(T):
        rng = np.random.default_rng(3)
        x = T.tensor(rng.standard_normal((2, 2, 5, 5)), requires_grad=True)
        w = T.tensor(rng.standard_normal((3, 2, 3, 3)), requires_grad=True)
        y = T.conv2d(x, w, stride=2, padding=1)
        gx, gw = T.autograd.grad((y * y).sum(), (x, w), create_graph=True)
        (gx.sum() + (gw * gw).sum()).backward()
        return gx, gw, x.grad, w.grad
    check(go, rtol=1e-10, atol=1e-12)


def test_integer_and_empty_inputs():
    check(lambda T: T.conv2d(T.arange(2 * 3 * 25).reshape(2, 3, 5, 5),
                             T.arange(4 * 3 * 9).reshape(4, 3, 3, 3) % 5, T.arange(4)), exact=True)
    check(lambda T: T.conv_transpose1d(T.arange(12).reshape(1, 3, 4), T.ones(3, 2, 2, dtype=T.int64)),
          exact=True)
    check(lambda T: T.conv2d(T.ones(0, 3, 5, 5), T.ones(4, 3, 3, 3)))
    check(lambda T: T.conv_transpose2d(T.ones(0, 3, 2, 2), T.ones(3, 2, 3, 3), stride=2))


def test_float32_stays_float32_and_saves_inputs_as_torch():
    x = ember.randn(2, 3, 6, 6, requires_grad=True)
    w = ember.randn(4, 3, 3, 3, requires_grad=True)
    y = ember.conv2d(x, w)
    y.sum().backward()
    assert y.dtype == x.grad.dtype == w.grad.dtype == ember.float32
    # PyTorch saves input and weight even where only the bias needs a gradient
    def changed(T):
        x, w = T.ones(1, 1, 4, 4), T.ones(1, 1, 2, 2)
        b = T.zeros(1, requires_grad=True)
        y = T.conv2d(x, w, b)
        x.add_(1)
        try:
            y.sum().backward()
        except RuntimeError as e:
            return "inplace" in str(e)
        return False
    check(changed)


def test_same_even_kernel_warns_and_pads():
    # (PyTorch's TORCH_WARN_ONCE: seen every time only under set_warn_always)
    x = ember.randn(1, 1, 5, 5, requires_grad=True)
    ember.set_warn_always(True)
    try:
        with pytest.warns(UserWarning, match="padding='same' with even kernel lengths"):
            y = F.conv2d(x, ember.randn(1, 1, 2, 2), padding="same")
    finally:
        ember.set_warn_always(False)
    assert y.shape == (1, 1, 5, 5)
    assert type(y.grad_fn.next_functions[0][0]).__name__ == "ConstantPadNdBackward0"


# -- errors: PyTorch's type and message, nothing changed ---------------------------
ERRORS = [
    ("rank", lambda T: (T.randn(3, 5), T.randn(4, 3, 3, 3)), lambda T, x, w: T.conv2d(x, w)),
    ("rank5", lambda T: (T.randn(1, 3, 5, 5, 5), T.randn(4, 3, 3, 3)), lambda T, x, w: F_(T).conv2d(x, w)),
    ("rank_1d", lambda T: (T.randn(5), T.randn(4, 3, 3)), lambda T, x, w: T.conv1d(x, w)),
    ("rank_3d", lambda T: (T.randn(5, 5, 5), T.randn(4, 3, 3, 3, 3)), lambda T, x, w: T.conv3d(x, w)),
    ("rank_t", lambda T: (T.randn(2, 3, 5), T.randn(3, 4, 3, 3)), lambda T, x, w: T.conv_transpose2d(x, w)),
    ("channels", lambda T: (T.randn(2, 1, 5, 5), T.randn(4, 3, 3, 3)), lambda T, x, w: T.conv2d(x, w)),
    ("channels_unbatched", lambda T: (T.randn(2, 3, 5), T.randn(4, 3, 3, 3)), lambda T, x, w: T.conv2d(x, w)),
    ("channels_groups", lambda T: (T.randn(2, 4, 5, 5), T.randn(4, 3, 3, 3)),
     lambda T, x, w: T.conv2d(x, w, groups=2)),
    ("channels_t", lambda T: (T.randn(2, 3, 5, 5), T.randn(4, 4, 3, 3)),
     lambda T, x, w: T.conv_transpose2d(x, w)),
    ("kernel_too_big", lambda T: (T.randn(2, 3, 2, 2), T.randn(4, 3, 3, 3)), lambda T, x, w: T.conv2d(x, w)),
    ("kernel_too_big_1d", lambda T: (T.randn(2, 3, 1), T.randn(4, 3, 3)), lambda T, x, w: T.conv1d(x, w)),
    ("kernel_too_big_dil", lambda T: (T.randn(2, 3, 1, 5), T.randn(4, 3, 3, 3)),
     lambda T, x, w: T.conv2d(x, w, padding=(1, 0), dilation=(2, 1))),
    ("groups_divisible", lambda T: (T.randn(2, 4, 5, 5), T.randn(4, 2, 3, 3)),
     lambda T, x, w: T.conv2d(x, w, groups=3)),
    ("groups_at_least", lambda T: (T.randn(2, 3, 5, 5), T.randn(4, 3, 3, 3)),
     lambda T, x, w: T.conv2d(x, w, groups=5)),
    ("groups_zero", lambda T: (T.randn(2, 3, 5, 5), T.randn(4, 3, 3, 3)),
     lambda T, x, w: T.conv2d(x, w, groups=0)),
    ("groups_t", lambda T: (T.randn(2, 4, 5, 5), T.randn(4, 2, 3, 3)),
     lambda T, x, w: T.conv_transpose2d(x, w, groups=3)),
    ("same_strided", lambda T: (T.randn(2, 3, 5, 5), T.randn(4, 3, 3, 3)),
     lambda T, x, w: T.conv2d(x, w, stride=2, padding="same")),
    ("bad_padding_string", lambda T: (T.randn(2, 3, 5, 5), T.randn(4, 3, 3, 3)),
     lambda T, x, w: T.conv2d(x, w, padding="SAME")),
    ("stride_zero", lambda T: (T.randn(2, 3, 5, 5), T.randn(4, 3, 3, 3)),
     lambda T, x, w: T.conv2d(x, w, stride=0)),
    ("padding_negative", lambda T: (T.randn(3, 5, 5), T.randn(4, 3, 3, 3)),
     lambda T, x, w: T.conv2d(x, w, padding=(1, -1))),
    ("dilation_zero", lambda T: (T.randn(2, 3, 5, 5), T.randn(4, 3, 3, 3)),
     lambda T, x, w: T.conv2d(x, w, dilation=0)),
    ("stride_length", lambda T: (T.randn(2, 3, 5, 5), T.randn(4, 3, 3, 3)),
     lambda T, x, w: T.conv2d(x, w, stride=(1, 2, 3))),
    ("padding_empty", lambda T: (T.randn(2, 3, 5, 5), T.randn(4, 3, 3, 3)),
     lambda T, x, w: T.conv2d(x, w, padding=[])),
    ("weight_rank", lambda T: (T.randn(2, 3, 5, 5), T.randn(4, 3, 3)), lambda T, x, w: T.conv2d(x, w)),
    ("weight_rank_input", lambda T: (T.randn(2, 3, 5), T.randn(4, 3, 3, 3)), lambda T, x, w: T.conv1d(x, w)),
    ("bias_size", lambda T: (T.randn(2, 3, 5, 5), T.randn(4, 3, 3, 3), T.randn(3)),
     lambda T, x, w, b: T.conv2d(x, w, b)),
    ("bias_rank", lambda T: (T.randn(3, 5, 5), T.randn(4, 3, 3, 3), T.randn(4, 1)),
     lambda T, x, w, b: T.conv2d(x, w, b)),
    ("bias_size_t", lambda T: (T.randn(2, 4, 5, 5), T.randn(4, 2, 3, 3), T.randn(5)),
     lambda T, x, w, b: T.conv_transpose2d(x, w, b, groups=2)),
    ("dtype_input_float", lambda T: (T.randn(2, 3, 5, 5), T.randn(4, 3, 3, 3, dtype=T.float64)),
     lambda T, x, w: T.conv2d(x, w)),
    ("dtype_input_double", lambda T: (T.randn(2, 3, 5, 5, dtype=T.float64), T.randn(4, 3, 3, 3)),
     lambda T, x, w: T.conv2d(x, w)),
    ("dtype_bias", lambda T: (T.randn(2, 3, 5, 5), T.randn(4, 3, 3, 3), T.randn(4, dtype=T.float64)),
     lambda T, x, w, b: T.conv2d(x, w, b)),
    ("bool", lambda T: (T.ones(2, 3, 5, 5, dtype=T.bool), T.ones(4, 3, 3, 3, dtype=T.bool)),
     lambda T, x, w: T.conv2d(x, w)),
    ("bool_3d", lambda T: (T.ones(2, 3, 5, 5, 5, dtype=T.bool), T.ones(4, 3, 3, 3, 3, dtype=T.bool)),
     lambda T, x, w: T.conv3d(x, w)),
    ("bool_t", lambda T: (T.ones(2, 3, 5, dtype=T.bool), T.ones(3, 4, 3, dtype=T.bool)),
     lambda T, x, w: T.conv_transpose1d(x, w)),
    ("output_padding_t2d", lambda T: (T.randn(2, 3, 5, 5), T.randn(3, 4, 3, 3)),
     lambda T, x, w: T.conv_transpose2d(x, w, output_padding=1)),
    ("output_padding_t1d", lambda T: (T.randn(2, 4, 5), T.randn(4, 2, 3)),
     lambda T, x, w: T.conv_transpose1d(x, w, output_padding=1)),
    ("output_padding_t3d", lambda T: (T.randn(2, 4, 5, 5, 5), T.randn(4, 2, 3, 3, 3)),
     lambda T, x, w: T.conv_transpose3d(x, w, output_padding=(1, 0, 0), stride=(1, 2, 2))),
    ("output_padding_negative", lambda T: (T.randn(2, 4, 5, 5), T.randn(4, 2, 3, 3)),
     lambda T, x, w: T.conv_transpose2d(x, w, output_padding=-1, stride=2)),
    ("output_too_small", lambda T: (T.randn(2, 3, 1, 1, dtype=T.float64), T.randn(3, 4, 3, 3, dtype=T.float64)),
     lambda T, x, w: T.conv_transpose2d(x, w, padding=(1, 2))),
    ("output_too_small_1d", lambda T: (T.randn(2, 3, 1, dtype=T.float64), T.randn(3, 4, 3, dtype=T.float64)),
     lambda T, x, w: T.conv_transpose1d(x, w, padding=2)),
    ("output_too_small_float32", lambda T: (T.randn(2, 3, 1, 1), T.randn(3, 4, 3, 3)),
     lambda T, x, w: T.conv_transpose2d(x, w, padding=2)),
    ("output_padding_length", lambda T: (T.randn(2, 3, 1, 1), T.randn(3, 4, 3, 3)),
     lambda T, x, w: T.conv_transpose2d(x, w, output_padding=(1, 2, 3))),
    ("transpose_padding_string", lambda T: (T.randn(2, 3, 5, 5), T.randn(3, 4, 3, 3)),
     lambda T, x, w: T.conv_transpose2d(x, w, padding="same")),
    ("convolution_int_args", lambda T: (T.randn(2, 3, 5, 5), T.randn(4, 3, 3, 3)),
     lambda T, x, w: T.convolution(x, w, None, 1, [0], [1], False, [0], 1)),
    ("convolution_rank", lambda T: (T.randn(3, 5, 5), T.randn(4, 3, 3, 3)),
     lambda T, x, w: T.convolution(x, w, None, [1], [0], [1], False, [0], 1)),
]


def F_(T):
    return T.nn.functional


@pytest.mark.parametrize("case", ERRORS, ids=[c[0] for c in ERRORS])
def test_errors(case):
    _, setup, op = case
    check_error(setup, op)


def test_errors_leave_leaves_untouched():
    check_error(lambda T: (T.randn(2, 1, 5, 5, requires_grad=True), T.randn(4, 3, 3, 3, requires_grad=True)),
                lambda T, x, w: T.conv2d(x, w))


@pytest.mark.parametrize("call", [
    lambda T, x, w: T.conv2d(x, 3),
    lambda T, x, w: T.conv2d(3, w),
    lambda T, x, w: T.conv2d(x, w, padding=1.5),
    lambda T, x, w: T.conv2d(x, w, groups=1.0),
    lambda T, x, w: T.conv2d(x, w, padding=(True, 1)),
])
def test_argument_type_errors(call):
    # (PyTorch lists its two overloads in the message: the type is compared)
    err = check(lambda T: call(T, T.randn(2, 3, 5, 5), T.randn(4, 3, 3, 3)), message=False)
    assert isinstance(err, TypeError)


def test_strided_and_flipped_views():
    a = np.random.default_rng(0).standard_normal((2, 3, 7, 6))
    wv = np.random.default_rng(1).standard_normal((4, 3, 3, 3))

    def go(T):
        x, w = T.tensor(a, requires_grad=True), T.tensor(wv, requires_grad=True)
        xv = x.transpose(2, 3).flip(3)[:, :, :, 1:]
        y = T.conv2d(xv, w.transpose(2, 3), stride=(1, 2), padding=1)
        z = T.conv_transpose2d(xv, w.transpose(0, 1).flip(2), stride=2)
        (y.sum() + (z * z).sum()).backward()
        return y, z, x.grad, w.grad
    check(go, rtol=1e-10, atol=1e-12)
