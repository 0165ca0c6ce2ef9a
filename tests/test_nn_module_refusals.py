"""torch.nn modules built with bad arguments, and called with the wrong
input (a list, the wrong dtype, rank or size): PyTorch's exception type and
whole message, or the same module (its repr) and output (shape, dtype)."""
import numpy as np
import pytest

from compare_torch import check


def _r(T, *shape):
    n = int(np.prod(shape))
    return T.tensor(np.linspace(0.1, 0.9, n).reshape(shape), dtype=T.float32)


def _summary(out):
    if isinstance(out, (tuple, list)):
        return tuple(_summary(o) for o in out)
    if hasattr(out, "shape") and hasattr(out, "dtype"):
        return (tuple(out.shape), str(out.dtype).split(".")[-1])
    return repr(out).replace("torch", "ember")


# (class, arguments): arguments as a function of the library where they hold tensors
CTORS = [
    ("Linear", (3.0, 2)), ("Linear", ("3", 2)), ("Linear", (None, 2)), ("Linear", (-1, 2)),
    ("Linear", (3,)), ("Linear", ()), ("Conv2d", (3, 8, 0)), ("Conv2d", (3, 8, 3.0)),
    ("Conv2d", (3, 8, (3,))), ("Conv2d", (3, 8, -1)), ("Conv2d", (3.0, 8, 3)), ("Conv2d", (3, 8)),
    ("Conv2d", (3, 8, None)), ("Conv1d", (3, 8, (3, 3))), ("ConvTranspose2d", (3, 8)),
    ("ConvTranspose2d", (3, 8, 3, 1, 0, 3)), ("Dropout", (1.5,)), ("Dropout", ("a",)),
    ("Dropout", (None,)), ("Embedding", (10, 3, 20)), ("Embedding", (10, 3, -11)),
    ("Embedding", (10.0, 3)), ("Embedding", (-1, 3)), ("LSTM", (10, 20, 0)),
    ("LSTM", (10, 20, 1.5)), ("LSTM", (10, 20, 1, True, False, 1.5)),
    ("LSTM", (10, 20, 1, True, False, 0.5)), ("LSTM", (10, 20, 1, True, False, 0, False, 20)),
    ("RNN", (10, 20, 1, "relu6")), ("BatchNorm2d", (0,)), ("BatchNorm2d", (3.0,)),
    ("BatchNorm1d", ()), ("LayerNorm", ([],)), ("LayerNorm", (3.0,)), ("LayerNorm", ("a",)),
    ("GroupNorm", (3, 4)), ("GroupNorm", (0, 4)), ("MaxPool2d", (0,)), ("MaxPool2d", ()),
    ("AvgPool2d", ()), ("AvgPool2d", (0,)), ("MaxUnpool2d", ()), ("FractionalMaxPool2d", ()),
    ("AdaptiveAvgPool2d", ("a",)), ("MultiheadAttention", (10, 3)),
    ("TransformerEncoderLayer", (10, 3)), ("Upsample", ()), ("CrossEntropyLoss", ([1.0, 2.0],)),
    ("CrossEntropyLoss", (None, None, -100, None, "x")), ("PReLU", (0,)), ("ZeroPad2d", ("a",)),
    ("ZeroPad2d", ()), ("ConstantPad1d", (1,)), ("ReflectionPad2d", ()), ("CircularPad3d", ()),
    ("PixelShuffle", (0,)), ("Sequential", (1,)), ("ModuleList", ([1],)),
    ("Parameter", ([1.0, 2.0],)), ("Parameter", (np.ones(2),)), ("Parameter", (3.0,)),
]


@pytest.mark.parametrize("name, args", [pytest.param(n, a, id=f"{n}{a!r}"[:60])
                                        for n, a in CTORS])
def test_constructor(name, args):
    check(lambda T: _summary(getattr(T.nn, name)(*args)))


# (id, module(T), inputs(T))
FORWARD = [
    ("linear-size", lambda T: T.nn.Linear(3, 2), lambda T: (_r(T, 4, 5),)),
    ("linear-long", lambda T: T.nn.Linear(3, 2), lambda T: (_r(T, 4, 3).long(),)),
    ("linear-double", lambda T: T.nn.Linear(3, 2), lambda T: (_r(T, 4, 3).double(),)),
    ("linear-0d", lambda T: T.nn.Linear(3, 2), lambda T: (T.tensor(1.0),)),
    ("linear-list", lambda T: T.nn.Linear(3, 2), lambda T: ([1.0, 2.0, 3.0],)),
    ("linear-ndarray", lambda T: T.nn.Linear(3, 2), lambda T: (np.ones((2, 3), np.float32),)),
    ("conv-channels", lambda T: T.nn.Conv2d(3, 8, 3), lambda T: (_r(T, 1, 4, 5, 5),)),
    ("conv-2d", lambda T: T.nn.Conv2d(3, 8, 3), lambda T: (_r(T, 5, 5),)),
    ("conv-small", lambda T: T.nn.Conv2d(3, 8, 3), lambda T: (_r(T, 1, 3, 2, 2),)),
    ("conv-long", lambda T: T.nn.Conv2d(3, 8, 3), lambda T: (_r(T, 1, 3, 5, 5).long(),)),
    ("conv-list", lambda T: T.nn.Conv2d(3, 8, 3), lambda T: ([[1.0]],)),
    ("batchnorm-rank", lambda T: T.nn.BatchNorm2d(3), lambda T: (_r(T, 2, 3),)),
    ("batchnorm-channels", lambda T: T.nn.BatchNorm2d(3), lambda T: (_r(T, 2, 4, 5, 5),)),
    ("batchnorm-single", lambda T: T.nn.BatchNorm1d(3), lambda T: (_r(T, 1, 3),)),
    ("batchnorm-1d", lambda T: T.nn.BatchNorm1d(3), lambda T: (_r(T, 3),)),
    ("layernorm-size", lambda T: T.nn.LayerNorm(4), lambda T: (_r(T, 2, 3),)),
    ("layernorm-long", lambda T: T.nn.LayerNorm(3), lambda T: (_r(T, 2, 3).long(),)),
    ("maxpool-1d", lambda T: T.nn.MaxPool2d(2), lambda T: (_r(T, 5),)),
    ("maxpool-pad", lambda T: T.nn.MaxPool2d(3, padding=2), lambda T: (_r(T, 1, 1, 5, 5),)),
    ("embedding-oob", lambda T: T.nn.Embedding(10, 3), lambda T: (T.tensor([10]),)),
    ("embedding-float", lambda T: T.nn.Embedding(10, 3), lambda T: (T.tensor([1.0]),)),
    ("embedding-list", lambda T: T.nn.Embedding(10, 3), lambda T: ([1, 2],)),
    ("embedding-bag-float-offsets", lambda T: T.nn.EmbeddingBag(10, 3),
     lambda T: (T.tensor([1, 2]), T.tensor([0.0]))),
    ("ce-float-target", lambda T: T.nn.CrossEntropyLoss(), lambda T: (_r(T, 4, 3), _r(T, 4))),
    ("ce-target-oob", lambda T: T.nn.CrossEntropyLoss(),
     lambda T: (_r(T, 4, 3), T.tensor([0, 1, 2, 3]))),
    ("ce-batch", lambda T: T.nn.CrossEntropyLoss(), lambda T: (_r(T, 4, 3), T.tensor([0, 1, 2]))),
    ("ce-int32-target", lambda T: T.nn.CrossEntropyLoss(),
     lambda T: (_r(T, 4, 3), T.tensor([0, 1, 2, 0], dtype=T.int32))),
    ("ce-weight-size", lambda T: T.nn.CrossEntropyLoss(weight=T.ones(4)),
     lambda T: (_r(T, 4, 3), T.tensor([0, 1, 2, 0]))),
    ("ce-weight-rank", lambda T: T.nn.CrossEntropyLoss(weight=T.ones(1, 3)),
     lambda T: (_r(T, 4, 3), T.tensor([0, 1, 2, 0]))),
    ("ce-probs-weight-size", lambda T: T.nn.CrossEntropyLoss(weight=T.ones(4)),
     lambda T: (_r(T, 4, 3), _r(T, 4, 3))),
    ("ce-spatial-weight-size", lambda T: T.nn.CrossEntropyLoss(weight=T.ones(4)),
     lambda T: (_r(T, 4, 3, 2), T.zeros(4, 2).long())),
    ("mse-long-target", lambda T: T.nn.MSELoss(), lambda T: (_r(T, 4), T.tensor([1, 2, 3, 4]))),
    ("bce-long-target", lambda T: T.nn.BCELoss(), lambda T: (_r(T, 4), T.tensor([1, 0, 1, 0]))),
    ("lstm-size", lambda T: T.nn.LSTM(10, 20), lambda T: (_r(T, 5, 3, 11),)),
    ("lstm-h-tensor", lambda T: T.nn.LSTM(10, 20), lambda T: (_r(T, 5, 3, 10), _r(T, 1, 3, 20))),
    ("softmax-dim", lambda T: T.nn.Softmax(dim=5), lambda T: (_r(T, 2, 3),)),
    ("flatten-0d", lambda T: T.nn.Flatten(), lambda T: (T.tensor(1.0),)),
    ("relu-bool", lambda T: T.nn.ReLU(), lambda T: (T.tensor([True, False]),)),
    ("hardtanh-bool", lambda T: T.nn.Hardtanh(), lambda T: (T.tensor([True, False]),)),
    ("relu6-bool", lambda T: T.nn.ReLU6(), lambda T: (T.tensor([True, False]),)),
    ("sequential-size", lambda T: T.nn.Sequential(T.nn.Linear(3, 4), T.nn.Linear(5, 2)),
     lambda T: (_r(T, 2, 3),)),
]


@pytest.mark.parametrize("make, inputs", [pytest.param(m, i, id=n) for n, m, i in FORWARD])
def test_forward(make, inputs):
    def run(T):
        T.manual_seed(0)
        return _summary(make(T)(*inputs(T)))
    check(run)


@pytest.mark.parametrize("case", [
    (lambda T: T.nn.functional.linear(T.tensor(1.0), T.tensor(2.0))),
    (lambda T: T.nn.functional.linear(_r(T, 3), T.tensor(2.0))),
    (lambda T: T.nn.functional.linear(_r(T, 2, 3), _r(T, 12))),
    (lambda T: T.nn.functional.linear(_r(T, 3), _r(T, 12))),
    (lambda T: T.nn.functional.linear(_r(T, 2, 4, 3), _r(T, 12))),
    (lambda T: T.nn.functional.linear(_r(T, 2, 3), _r(T, 3))),
    (lambda T: T.flatten(T.tensor(1.0), 1)),
    (lambda T: T.flatten(T.tensor(1.0), 0, -2)),
    (lambda T: T.flatten(T.tensor(1.0), -1, 0)),
])
def test_linear_and_flatten_ranks(case):
    check(case)


@pytest.mark.parametrize("args", [
    lambda T, x, w: ([[1.0]], w, None, 1, 0, 1, 1),
    lambda T, x, w: (x, w, None, 1, 0, 1, 1.5),
    lambda T, x, w: (x, [1.0], None, 1, "same", 1, 1),
    lambda T, x, w: (x, w, "b", 1, 0, 1, 1),
    lambda T, x, w: ([1.0], w),
    lambda T, x, w: (x, w, None, 1, 0, 1, 1, 5),
])
def test_conv_overloads_all_positional(args):
    """conv2d's parser lists both overloads; with all seven arguments
    given it marks them under each (every one after a tensor input)."""
    def run(T):
        x, w = _r(T, 1, 3, 5, 5), T.nn.Parameter(_r(T, 8, 3, 3, 3))
        return T.nn.functional.conv2d(*args(T, x, w))
    check(run)


@pytest.mark.parametrize("hooked", [False, True])
def test_a_module_whose_init_skipped_modules_raises_pytorchs_error(hooked):
    """A subclass whose __init__ never called Module.__init__: calling it
    raises PyTorch's AttributeError, naming the hook dict PyTorch reads
    first (_backward_hooks), global hooks or not."""
    def f(T):
        class Bare(T.nn.Module):
            def __init__(self):
                pass

            def forward(self, x):
                return x
        handle = T.nn.modules.module.register_module_forward_hook(lambda m, i, o: o) \
            if hooked else None
        try:
            Bare()(1)
        except AttributeError as e:
            return str(e)
        finally:
            if handle is not None:
                handle.remove()
    check(f)
