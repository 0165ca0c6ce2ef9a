"""nn.functional given something else where a tensor goes (a list, None, a
number, a str, a NumPy array), missing or unknown arguments: PyTorch's
exception type and its whole message, function by function and argument by
argument (the ATen op's parser names the op and the schema's argument and
position; PyTorch's Python functions fail at their first access)."""
import numpy as np
import pytest

import ember
from compare_torch import check_error, run


def _same(op):
    """PyTorch's error, or no error where PyTorch has none (a number for a
    target that broadcasts, softmax's implicit dim)."""
    torch = pytest.importorskip("torch")
    if run(op, torch)[1] is None:
        assert run(op, ember)[1] is None, run(op, ember)[1]
    else:
        check_error(lambda T: (), lambda T: op(T))


def _r(T, *shape):
    n = int(np.prod(shape))
    return T.tensor(np.linspace(0.1, 0.9, n).reshape(shape), dtype=T.float32)


def _l(T, *shape):
    return T.tensor(np.arange(int(np.prod(shape))).reshape(shape) % 3)


X3, X4, X5 = (2, 3, 6), (2, 3, 5, 5), (1, 2, 4, 4, 4)
# name -> (tensor arguments' shapes (an "L" first: int64 indices), other positional arguments)
CALLS = {
    "adaptive_avg_pool1d": ([X3], [2]), "adaptive_avg_pool2d": ([X4], [2]),
    "adaptive_avg_pool3d": ([X5], [2]), "adaptive_max_pool1d": ([X3], [2]),
    "adaptive_max_pool2d": ([X4], [2]), "adaptive_max_pool3d": ([X5], [2]),
    "avg_pool1d": ([X3], [2]), "avg_pool2d": ([X4], [2]), "avg_pool3d": ([X5], [2]),
    "max_pool1d": ([X3], [2]), "max_pool2d": ([X4], [2]), "max_pool3d": ([X5], [2]),
    "batch_norm": ([(4, 3), (3,), (3,)], []), "bilinear": ([(2, 3), (2, 4), (5, 3, 4)], []),
    "cosine_embedding_loss": ([(3, 4), (3, 4), (3,)], []),
    "cosine_similarity": ([(3, 4), (3, 4)], []), "pairwise_distance": ([(3, 4), (3, 4)], []),
    "cross_entropy": ([(4, 3), ("L", 4)], []), "nll_loss": ([(4, 3), ("L", 4)], []),
    "multi_margin_loss": ([(4, 3), ("L", 4)], []),
    "multilabel_margin_loss": ([(2, 3), ("L", 2, 3)], []),
    "multilabel_soft_margin_loss": ([(2, 3), (2, 3)], []),
    "hinge_embedding_loss": ([(4,), (4,)], []), "kl_div": ([(4,), (4,)], []),
    "poisson_nll_loss": ([(4,), (4,)], []), "soft_margin_loss": ([(4,), (4,)], []),
    "triplet_margin_loss": ([(3, 4), (3, 4), (3, 4)], []),
    "l1_loss": ([(4,), (4,)], []), "mse_loss": ([(4,), (4,)], []),
    "margin_ranking_loss": ([(4,), (4,), (4,)], []), "glu": ([(4, 6)], []),
    "softmax": ([(2, 3)], [1]), "log_softmax": ([(2, 3)], [1]), "softmin": ([(2, 3)], [1]),
    "sigmoid": ([(4,)], []), "tanh": ([(4,)], []),
    "layer_norm": ([(2, 4)], [[4]]), "group_norm": ([(2, 4, 3)], [2]),
    "instance_norm": ([(2, 3, 4)], []), "embedding": ([("L", 2, 3), (5, 4)], []),
    "grid_sample": ([X4, (2, 3, 3, 2)], []), "prelu": ([(2, 3), (1,)], []),
    "scaled_dot_product_attention": ([(1, 2, 3, 4)] * 3, []),
    "elu": ([(4,)], []), "gelu": ([(4,)], []), "hardsigmoid": ([(4,)], []),
    "hardswish": ([(4,)], []), "hardtanh": ([(4,)], []), "relu6": ([(4,)], []),
    "leaky_relu": ([(4,)], []), "logsigmoid": ([(4,)], []), "mish": ([(4,)], []),
    "silu": ([(4,)], []), "softplus": ([(4,)], []), "softshrink": ([(4,)], []),
    "hardshrink": ([(4,)], []), "pdist": ([(3, 4)], []), "one_hot": ([("L", 4)], []),
    "channel_shuffle": ([(1, 4, 2, 2)], [2]), "pixel_shuffle": ([(1, 4, 2, 2)], [2]),
    "linear": ([(2, 3), (4, 3)], []), "conv1d": ([X3, (4, 3, 3)], []),
    "conv2d": ([X4, (4, 3, 3, 3)], []), "conv3d": ([X5, (3, 2, 2, 2, 2)], []),
    "conv_transpose2d": ([X4, (3, 2, 3, 3)], []), "pad": ([(2, 3)], [(1, 1)]),
    "unfold": ([X4], [2]), "fold": ([(1, 12, 9)], [(4, 4), 2]),
}
BAD = {"list": [1.0, 2.0], "None": None, "float": 1.5, "str": "a",
       "ndarray": np.ones(3, dtype=np.float32)}


def _tensor(T, shape):
    return _l(T, *shape[1:]) if shape[:1] == ("L",) else _r(T, *shape)


def _bad_cases():
    for name, (shapes, rest) in CALLS.items():
        for i in range(len(shapes)):
            for kind in BAD:
                if (name, i, kind) == ("multilabel_soft_margin_loss", 1, "ndarray"):
                    continue    # (NumPy array * Tensor: an operator's matter, not F's)
                yield pytest.param(name, i, kind, id=f"{name}-arg{i}-{kind}")


@pytest.mark.parametrize("name, i, kind", list(_bad_cases()))
def test_non_tensor_argument(name, i, kind):
    shapes, rest = CALLS[name]

    def op(T):
        args = [_tensor(T, s) for s in shapes] + list(rest)
        args[i] = BAD[kind]
        return getattr(T.nn.functional, name)(*args)
    _same(op)


def _few_cases():
    for name, (shapes, rest) in CALLS.items():
        yield pytest.param(name, 0, id=f"{name}-noargs")
        if len(shapes) + len(rest) > 1:
            yield pytest.param(name, 1, id=f"{name}-one")
        yield pytest.param(name, "bogus", id=f"{name}-bogus-keyword")


@pytest.mark.parametrize("name, n", list(_few_cases()))
def test_missing_or_unknown_argument(name, n):
    shapes, rest = CALLS[name]

    def op(T):
        args = [_tensor(T, s) for s in shapes] + list(rest)
        f = getattr(T.nn.functional, name)
        return f(*args, bogus=1) if n == "bogus" else f(*args[:n])
    _same(op)


@pytest.mark.parametrize("kwargs", [{"stride": "a"}, {"groups": 1.5}, {"bias": "x"},
                                    {"padding": None}], ids=str)
def test_conv_overloads_listed(kwargs):
    check_error(lambda T: (_r(T, *X4), _r(T, 4, 3, 3, 3)),
                lambda T, x, w: T.nn.functional.conv2d(x, w, **kwargs))
