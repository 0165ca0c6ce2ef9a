"""nn.Conv*d, nn.ConvTranspose*d, nn.Fold/Unfold and F.unfold/F.fold against
PyTorch: reprs, initialisation after manual_seed (bit for bit), state_dict,
forward and parameter gradients, output_size, constructor errors."""
import numpy as np
import pytest

import ember
from compare_torch import check, check_error

CONSTRUCTORS = [
    ("conv1d", lambda nn: nn.Conv1d(4, 6, 3)),
    ("conv1d_args", lambda nn: nn.Conv1d(4, 6, (2,), stride=2, padding=1, dilation=2, groups=2,
                                         bias=False)),
    ("conv1d_same", lambda nn: nn.Conv1d(3, 2, 4, padding="same")),
    ("conv2d", lambda nn: nn.Conv2d(3, 8, 3)),
    ("conv2d_args", lambda nn: nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 0),
                                         dilation=(1, 2), groups=2)),
    ("conv2d_valid", lambda nn: nn.Conv2d(2, 3, 3, padding="valid", bias=False)),
    ("conv2d_same_dilated", lambda nn: nn.Conv2d(2, 3, (2, 3), padding="same", dilation=2)),
    ("conv2d_depthwise", lambda nn: nn.Conv2d(6, 6, 1, groups=6, padding=2)),
    ("conv3d", lambda nn: nn.Conv3d(2, 4, (1, 2, 3), stride=(1, 1, 2), padding=(0, 1, 1))),
    ("convt1d", lambda nn: nn.ConvTranspose1d(3, 2, 5, bias=False)),
    ("convt2d", lambda nn: nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1,
                                              groups=2, dilation=(1, 2))),
    ("convt2d_plain", lambda nn: nn.ConvTranspose2d(3, 3, (2, 4))),
    ("convt3d", lambda nn: nn.ConvTranspose3d(2, 2, 2, stride=(2, 1, 1), padding=1)),
    ("unfold", lambda nn: nn.Unfold(2)),
    ("unfold_args", lambda nn: nn.Unfold((2, 3), dilation=2, padding=(1, 0), stride=3)),
    ("fold", lambda nn: nn.Fold((4, 5), 2)),
    ("fold_args", lambda nn: nn.Fold(4, (2, 3), dilation=2, padding=(1, 0), stride=3)),
]
IDS = [c[0] for c in CONSTRUCTORS]


def _state(T, make, seed=0):
    T.manual_seed(seed)
    m = make(T.nn)
    return m, {k: v for k, v in m.state_dict().items()}


@pytest.mark.parametrize("case", CONSTRUCTORS, ids=IDS)
def test_repr_init_and_state_dict(case):
    _, make = case

    def go(T):
        m, state = _state(T, make)
        # the padding F.pad would apply, in its order
        pads = getattr(m, "_reversed_padding_repeated_twice", None)
        return repr(m), state, None if pads is None else list(pads), [n for n, _ in
                                                                        m.named_parameters()]
    check(go, exact=True)


def test_parameters_take_dtype_and_are_initialised_in_it():
    def go(T):
        T.manual_seed(3)
        m = T.nn.Conv2d(3, 4, 3, dtype=T.float64)
        t = T.nn.ConvTranspose1d(2, 3, 2, dtype=T.float64)
        return m.weight, m.bias, t.weight, t.bias
    check(go, exact=True)


def test_reset_parameters_draws_again():
    def go(T):
        T.manual_seed(1)
        m = T.nn.Conv2d(2, 3, 3)
        m.reset_parameters()
        return m.weight, m.bias
    check(go, exact=True)


FORWARD = [
    ("conv1d_args", (2, 4, 11)),
    ("conv1d_same", (3, 9)),
    ("conv2d", (2, 3, 7, 6)),
    ("conv2d_args", (2, 4, 7, 8)),
    ("conv2d_valid", (2, 5, 5)),
    ("conv2d_same_dilated", (1, 2, 6, 7)),
    ("conv3d", (1, 2, 3, 4, 5)),
    ("convt1d", (2, 3, 4)),
    ("convt2d", (2, 4, 3, 5)),
    ("convt2d_plain", (3, 2, 3)),
    ("convt3d", (1, 2, 3, 2, 3)),
    ("unfold_args", (2, 3, 7, 6)),
    ("fold", (2, 8, 12)),
    ("fold_args", (1, 12, 4)),
]


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("name,shape", FORWARD, ids=[f[0] for f in FORWARD])
def test_forward_and_gradients(name, shape):
    make = dict(CONSTRUCTORS)[name]
    x = np.random.default_rng(2).standard_normal(shape).astype(np.float32)

    def go(T):
        m, _ = _state(T, make)
        inp = T.tensor(x, requires_grad=True)
        y = m(inp)
        (y * y).sum().backward()
        return (y, inp.grad) + tuple(p.grad for p in m.parameters())
    check(go, rtol=1e-4, atol=1e-5)


def test_conv_transpose_output_size():
    def go(T):
        T.manual_seed(0)
        m = T.nn.ConvTranspose2d(2, 3, 3, stride=(3, 2), padding=1)
        x = T.randn(1, 2, 4, 5)
        return m(x, output_size=[11, 10]), m(x, output_size=(1, 3, 12, 9)), m(x[0], [11, 9])
    check(go, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("size", [[13, 10], [10], (1, 3, 9, 9, 9)])
def test_conv_transpose_output_size_errors(size):
    check_error(lambda T: (T.randn(1, 2, 4, 5),),
                lambda T, x: T.nn.ConvTranspose2d(2, 3, 3, stride=(3, 2), padding=1)(x, size))


@pytest.mark.parametrize("make", [
    lambda nn: nn.Conv2d(3, 4, 3, groups=0),
    lambda nn: nn.Conv2d(3, 4, 3, groups=2),
    lambda nn: nn.Conv2d(4, 3, 3, groups=2),
    lambda nn: nn.Conv2d(3, 4, 3, padding="full"),
    lambda nn: nn.Conv1d(3, 4, 3, padding="same", stride=2),
    lambda nn: nn.ConvTranspose2d(3, 4, 3, padding_mode="reflect"),
    lambda nn: nn.ConvTranspose1d(4, 4, 3, groups=3),
])
def test_constructor_errors(make):
    check_error(lambda T: (), lambda T: make(T.nn))


def test_invalid_padding_mode():
    # (the set in the message prints in an order that depends on string hashing)
    err = check(lambda T: T.nn.Conv3d(3, 4, 3, padding_mode="mirror"), message=False)
    assert str(err).endswith("but got padding_mode='mirror'")
    assert str(err).startswith("padding_mode must be one of {")


def test_forward_errors_name_the_functional():
    check_error(lambda T: (T.randn(2, 5),), lambda T, x: T.nn.Conv1d(3, 4, 2)(x))
    check_error(lambda T: (T.randn(1, 2, 5, 5),), lambda T, x: T.nn.Conv2d(3, 4, 2)(x))


@pytest.mark.skipif(not hasattr(ember.nn.functional, "pad"), reason="F.pad is not merged yet")
@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_padding_modes(mode):
    x = np.random.default_rng(4).standard_normal((2, 3, 6, 7)).astype(np.float32)

    def go(T):
        T.manual_seed(0)
        m = T.nn.Conv2d(3, 4, 3, padding=(1, 2), padding_mode=mode)
        m1 = T.nn.Conv1d(3, 2, 2, padding="same", padding_mode=mode)
        inp = T.tensor(x, requires_grad=True)
        y = m(inp)
        z = m1(inp[:, :, 0])
        (y.sum() + (z * z).sum()).backward()
        return repr(m), y, z, inp.grad, m.weight.grad, m1.weight.grad
    check(go, rtol=1e-4, atol=1e-5)


# -- F.unfold / F.fold ------------------------------------------------------------
FOLDS = [
    ("unfold", lambda T, x: T.nn.functional.unfold(x, (2, 3), dilation=(1, 2), padding=1,
                                                   stride=(2, 1)), (2, 3, 6, 7)),
    ("unfold_unbatched", lambda T, x: T.nn.functional.unfold(x, 2), (3, 4, 5)),
    ("unfold_list", lambda T, x: T.nn.functional.unfold(x, [3, 1], stride=[1, 2]), (1, 2, 5, 5)),
    ("fold", lambda T, x: T.nn.functional.fold(x, (5, 6), 2), (2, 12, 20)),
    ("fold_args", lambda T, x: T.nn.functional.fold(x, (6, 5), (2, 3), dilation=(2, 1),
                                                    padding=(1, 0), stride=(1, 2)), (1, 6, 12)),
    ("fold_unbatched", lambda T, x: T.nn.functional.fold(x, 4, 3, padding=1), (9, 16)),
    ("fold_of_unfold", lambda T, x: T.nn.functional.fold(
        T.nn.functional.unfold(x, 3, padding=1, stride=2) ** 2, (5, 7), 3, padding=1,
        stride=2), (2, 2, 5, 7)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("case", FOLDS, ids=[f[0] for f in FOLDS])
def test_fold_unfold_match_torch(case, dtype):
    _, fn, shape = case
    x = np.random.default_rng(5).standard_normal(shape).astype(dtype)

    def go(T):
        inp = T.tensor(x, requires_grad=True)
        y = fn(T, inp)
        y.backward(T.tensor(np.sin(np.arange(y.numel())).reshape(tuple(y.shape)).astype(dtype)))
        return y, inp.grad
    check(go, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shape", [(1, 2, 3, 3), (2, 3, 4)])
def test_unfold_of_a_1x1_kernel_is_a_new_writable_tensor(shape):
    """Its windows are x itself: the result is still a new tensor, as PyTorch's."""
    def go(T):
        x = T.arange(float(np.prod(shape))).reshape(shape)
        cols = T.nn.functional.unfold(x, 1)
        cols.mul_(2)
        return cols, x, cols.stride(), cols.data_ptr() == x.data_ptr()
    check(go)


@pytest.mark.parametrize("case", FOLDS, ids=[f[0] for f in FOLDS])
def test_fold_unfold_gradcheck(case):
    _, fn, shape = case
    x = ember.tensor(np.random.default_rng(6).standard_normal(shape), requires_grad=True)
    f = lambda t: fn(ember, t)      # noqa: E731
    assert ember.autograd.gradcheck(f, (x,))
    assert ember.autograd.gradgradcheck(f, (x,))


FOLD_ERRORS = [
    ((2, 3, 6, 7), lambda F, x: F.unfold(x, 7)),
    ((2, 3, 6, 7), lambda F, x: F.unfold(x, 0)),
    ((2, 3, 6, 7), lambda F, x: F.unfold(x, 2, stride=0)),
    ((2, 3, 6, 7), lambda F, x: F.unfold(x, 2, padding=-1)),
    ((2, 3, 6, 7), lambda F, x: F.unfold(x, 2, dilation=0)),
    ((2, 3, 6, 7), lambda F, x: F.unfold(x, 2, dilation=0, padding=-1, stride=0)),
    ((2, 3, 6, 7), lambda F, x: F.unfold(x, (2, 2, 2))),
    ((2, 3, 6, 7), lambda F, x: F.unfold(x, (2, 2), (1, 1, 1))),
    ((2, 3, 6, 7), lambda F, x: F.unfold(x, 2.5)),
    ((2, 3, 3, 7), lambda F, x: F.unfold(x, 2, stride=2, dilation=3)),
    ((1, 2, 3, 4, 5), lambda F, x: F.unfold(x, 2)),
    ((2, 0, 4, 4), lambda F, x: F.unfold(x, 2)),
    ((6, 7), lambda F, x: F.unfold(x, 2)),
    ((2, 12, 20), lambda F, x: F.fold(x, (5, 7), 2)),
    ((2, 13, 20), lambda F, x: F.fold(x, (5, 6), 2)),
    ((2, 12, 20, 1), lambda F, x: F.fold(x, (5, 6), 2)),
    ((12,), lambda F, x: F.fold(x, (5, 6), 2)),
    ((2, 0, 6), lambda F, x: F.fold(x, (3, 4), 2)),
    ((2, 12, 20), lambda F, x: F.fold(x, (5, 6, 7), 2)),
    ((2, 12, 20), lambda F, x: F.fold(x, (5, 6), 0)),
    ((2, 12, 20), lambda F, x: F.fold(x, (1, 1), 2)),
    ((2, 12, 20), lambda F, x: F.fold(x, (5, 6), 2, padding=-1)),
    ((2, 12, 20), lambda F, x: F.fold(x, (5, 6), 2, dilation=1, padding=-1, stride=0)),
    ((2, 12, 20), lambda F, x: F.fold(x, (5, 6), 2, dilation=(1, 2, 3))),
]


@pytest.mark.parametrize("i", range(len(FOLD_ERRORS)))
def test_fold_unfold_errors(i):
    shape, op = FOLD_ERRORS[i]
    check_error(lambda T: (T.randn(*shape, requires_grad=True),),
                lambda T, x: op(T.nn.functional, x))


def test_fold_unfold_integer_inputs():
    check_error(lambda T: (T.ones(1, 2, 4, 4, dtype=T.int64),),
                lambda T, x: T.nn.functional.unfold(x, 2))
    check_error(lambda T: (T.ones(2, 12, 20, dtype=T.int64),),
                lambda T, x: T.nn.functional.fold(x, (5, 6), 2))
    check(lambda T: T.nn.functional.unfold(T.ones(1, 2, 4, 4, dtype=T.bool), 2), exact=True)
