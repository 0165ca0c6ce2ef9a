"""nn.functional given something else where a tensor goes (a list, None, a
number, a str, a NumPy array), missing or unknown arguments: PyTorch's
exception type and its whole message, function by function and argument by
argument (the ATen op's parser names the op and the schema's argument and
position; PyTorch's Python functions fail at their first access)."""
import numpy as np
import pytest

from compare_torch import check, check_error


def _same(op):
    """PyTorch's error (type and whole message), or PyTorch's result where it
    has none (a number for a target that broadcasts, softmax's implicit dim)."""
    check(op, rtol=1e-5, atol=1e-6)


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
    "max_pool1d_with_indices": ([X3], [2]), "max_pool2d_with_indices": ([X4], [2]),
    "max_pool3d_with_indices": ([X5], [2]),
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


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("kind", ["None", "list"])
def test_max_pool_return_indices_refuses_as_with_indices(n, kind):
    # F.max_poolNd(x, return_indices=True) and MaxPoolNd(return_indices=True)
    # are max_poolNd_with_indices: its refusal (name, or 3d's first access)
    _same(lambda T: getattr(T.nn.functional, f"max_pool{n}d")(BAD[kind], 2, return_indices=True))
    _same(lambda T: getattr(T.nn, f"MaxPool{n}d")(2, return_indices=True)(BAD[kind]))


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


def _bn(dtypes=(None, None, None, None), x_dtype=None, x_shape=(4, 3), stat_shape=(3,)):
    """F.batch_norm(x, running_mean, running_var, weight, bias) with these dtypes."""
    def op(T):
        x = _r(T, *x_shape).to(x_dtype or T.float32)
        rm, rv, w, b = (None if d == "none" else _r(T, *((3,) if i > 1 else stat_shape)).to(
            getattr(T, d or "float32")) for i, d in enumerate(dtypes))
        return [T.nn.functional.batch_norm(x, rm, rv, w, b, training=t) for t in (False, True)]
    return op


# (id, op(T)): an argument of the wrong kind, dtype, rank or value, beyond the tensors above
KINDS = [
    ("bn-mean-long", _bn(("int64", None, None, None))),
    ("bn-var-double", _bn((None, "float64", None, None))),
    ("bn-weight-long", _bn((None, None, "int64", "none"))),
    ("bn-stats-double", _bn(("float64", "float64", "none", "none"))),
    ("bn-input-double", lambda T: _bn(x_dtype=T.float64)(T)),
    ("bn-half-float-stats", lambda T: _bn(x_dtype=T.float16)(T)),
    ("bn-stats-2d", _bn(stat_shape=(1, 3))),
    ("bn-input-1d", _bn(x_shape=(3,))),
    ("bn-input-0d", _bn(x_shape=())),
    ("bn-input-1d-no-stats", _bn(("none", "none", "none", "none"), x_shape=(3,))),
    ("layer-norm-int", lambda T: T.nn.functional.layer_norm(_r(T, 2, 4), 4)),
    ("layer-norm-float", lambda T: T.nn.functional.layer_norm(_r(T, 2, 4), 4.0)),
    ("layer-norm-None", lambda T: T.nn.functional.layer_norm(_r(T, 2, 4), None)),
    ("layer-norm-tensor", lambda T: T.nn.functional.layer_norm(_r(T, 2, 4), T.tensor(4))),
    ("layer-norm-tensors", lambda T: T.nn.functional.layer_norm(_r(T, 2, 4), [T.tensor(4)])),
    ("rms-norm-float", lambda T: T.nn.functional.rms_norm(_r(T, 2, 4), 4.0)),
    ("group-norm-float", lambda T: T.nn.functional.group_norm(_r(T, 2, 4, 3), 2.0)),
    ("group-norm-negative", lambda T: T.nn.functional.group_norm(_r(T, 2, 4, 3), -1)),
    ("group-norm-tensor", lambda T: T.nn.functional.group_norm(_r(T, 2, 4, 3), T.tensor(2))),
    ("group-norm-float-tensor",
     lambda T: T.nn.functional.group_norm(_r(T, 2, 4, 3), T.tensor(2.0))),
    ("avg-pool-int-tensor", lambda T: T.nn.functional.avg_pool2d(_r(T, *X4), T.tensor(2))),
    ("max-pool-int-tensor", lambda T: T.nn.functional.max_pool1d(_r(T, *X3), T.tensor(2))),
    ("avg-pool-bool-tensor", lambda T: T.nn.functional.avg_pool2d(_r(T, *X4), T.tensor(True))),
    ("avg-pool-1d-tensor", lambda T: T.nn.functional.avg_pool2d(_r(T, *X4), T.tensor([2, 2]))),
    ("avg-pool-list-str-first", lambda T: T.nn.functional.avg_pool2d(_r(T, *X4), ["a", 2])),
    ("avg-pool-list-str-later", lambda T: T.nn.functional.avg_pool2d(_r(T, *X4), [2, "a"])),
    ("avg-pool-list-tensors",
     lambda T: T.nn.functional.avg_pool2d(_r(T, *X4), [2, T.tensor(2)])),
    ("avg-pool-list-float-tensor",
     lambda T: T.nn.functional.avg_pool2d(_r(T, *X4), [2, T.tensor(2.0)])),
    ("adaptive-pool-str", lambda T: T.nn.functional.adaptive_avg_pool2d(_r(T, *X4), "x")),
    ("pixel-shuffle-int-tensor",
     lambda T: T.nn.functional.pixel_shuffle(_r(T, 1, 4, 2, 2), T.tensor(2))),
    ("pixel-shuffle-1d-tensor",
     lambda T: T.nn.functional.pixel_shuffle(_r(T, 1, 4, 2, 2), T.tensor([2]))),
    ("channel-shuffle-int-tensor",
     lambda T: T.nn.functional.channel_shuffle(_r(T, 1, 4, 2, 2), T.tensor(2))),
    ("lp-pool1d-int-tensor", lambda T: T.nn.functional.lp_pool1d(_r(T, *X3), 2, T.tensor(2))),
    ("lp-pool2d-int-tensor", lambda T: T.nn.functional.lp_pool2d(_r(T, *X4), 2, T.tensor(2))),
    ("lp-pool2d-str", lambda T: T.nn.functional.lp_pool2d(_r(T, *X4), 2, "x")),
    ("lp-pool2d-None", lambda T: T.nn.functional.lp_pool3d(_r(T, *X5), 2, None)),
    ("unfold-int-tensor", lambda T: T.nn.functional.unfold(_r(T, *X4), T.tensor(2))),
    ("unfold-1d-tensor", lambda T: T.nn.functional.unfold(_r(T, *X4), T.tensor([2, 2]))),
    ("fold-int-tensor", lambda T: T.nn.functional.fold(_r(T, 1, 12, 9), (4, 4), T.tensor(2))),
    ("unfold-ndarray", lambda T: T.nn.functional.unfold(np.ones((1, 1, 3, 3)), 2)),
    ("pad-ndarray-bad-pad", lambda T: T.nn.functional.pad(np.ones(3), "x")),
    ("conv-transpose-ndarray", lambda T: T.nn.functional.conv_transpose2d(
        np.ones((1, 1, 3, 3)), _r(T, 1, 1, 2, 2))),
    ("poisson-target-number", lambda T: T.nn.functional.poisson_nll_loss(_r(T, 4), 1.5)),
    ("poisson-log-input-str", lambda T: T.nn.functional.poisson_nll_loss(_r(T, 4), _r(T, 4), "x")),
    ("gelu-approximate-positional", lambda T: T.nn.functional.gelu(_r(T, 4), "tanh")),
    ("threshold-None", lambda T: T.nn.functional.threshold(_r(T, 4), None, 0.0)),
    ("threshold-str", lambda T: T.nn.functional.threshold(_r(T, 4), 0.5, "x")),
    ("bce-logits-target-list",
     lambda T: T.nn.functional.binary_cross_entropy_with_logits(_r(T, 4), [1.0])),
    ("bce-logits-weight-str",
     lambda T: T.nn.functional.binary_cross_entropy_with_logits(_r(T, 4), _r(T, 4), "w")),
    ("sdpa-mask-str", lambda T: T.nn.functional.scaled_dot_product_attention(
        *[_r(T, 1, 2, 3, 4)] * 3, "m")),
]
_F = "nn.functional."
# (id, expression of F, x (4, 3), t (class indices), a (2, 3), b (2, 4), w (5, 3, 4)): a tensor
# of the wrong dtype
DTYPES = [
    ("nll-long-input", "nll_loss(x.long(), t)"), ("nll-long-input-float-target",
                                                   "nll_loss(x.long(), t.float())"),
    ("nll2d-long-input", "nll_loss(T.ones(2, 3, 2, 2).long(), T.zeros(2, 2, 2).long())"),
    ("nll-long-input-weight", "nll_loss(x.long(), t, weight=T.ones(3))"),
    ("kl-long-input", "kl_div(x.long(), x)"), ("kl-long-target", "kl_div(x, x.long())"),
    ("kl-bool", "kl_div(x.bool(), x.bool())"),
    ("bcel-long-input", "binary_cross_entropy_with_logits(x.long(), x)"),
    ("bcel-bool-input", "binary_cross_entropy_with_logits(x.bool(), x)"),
    ("multi-margin-long", "multi_margin_loss(x.long(), t)"),
    ("multi-margin-long-float-target", "multi_margin_loss(x.long(), t.float())"),
    ("bilinear-long-input1", "bilinear(a.long(), b, w)"),
    ("bilinear-double-bias", "bilinear(a, b, w, T.ones(5).double())"),
    ("bilinear-half", "bilinear(a.half(), b, w)"),
    ("bilinear-long-size", "bilinear(a.long(), T.ones(2, 5), w)"),
]
# a 0-d (or too small) tensor where PyTorch reads a size: its IndexErrors
DTYPES += [
    ("avg-pool-0d", "avg_pool2d(T.tensor(1.0), 2)"),
    ("lp-pool-0d", "lp_pool2d(T.tensor(1.0), 2, 2)"),
    ("unfold-0d", "unfold(T.tensor(1.0), 2)"), ("unfold-1d", "unfold(T.ones(3), 2)"),
    ("grid-sample-0d-input", "grid_sample(T.tensor(1.0), T.ones(2, 3, 3, 2), align_corners=False)"),
    ("grid-sample-0d-grid", "grid_sample(T.ones(2, 3, 5, 5), T.tensor(1.0), align_corners=False)"),
    ("multilabel-soft-margin-0d", "multilabel_soft_margin_loss(T.tensor(1.0), x)"),
    ("bilinear-0d-weight", "bilinear(a, b, T.tensor(1.0))"),
    ("bilinear-1d-weight", "bilinear(a, b, T.ones(3))"),
]
# scalar arguments of the wrong kind, and the integral mse
DTYPES += [
    ("pad-value-str", "pad(x, (1, 1), value='a')"), ("pad-mode-int", "pad(x, (1, 1), 1)"),
    ("softmax-dim-float", "softmax(x, dim=1.0)"), ("softmax-dim-str", "softmax(x, dim='a')"),
    ("log-softmax-dim-float", "log_softmax(x, 1.0)"),
    ("ce-ignore-index-float", "cross_entropy(x, t, ignore_index=1.5)"),
    ("ce-label-smoothing-2", "cross_entropy(x, t, label_smoothing=2.0)"),
    ("ce-label-smoothing-1.25", "cross_entropy(x, t, label_smoothing=1.25)"),
    ("nll-ignore-index-float", "nll_loss(x, t, ignore_index=1.5)"),
    ("triplet-p-str", "triplet_margin_loss(x, x, x, p='a')"),
    ("triplet-swap-int", "triplet_margin_loss(x, x, x, swap=1)"),
    ("triplet-margin-str", "triplet_margin_loss(x, x, x, 'a')"),
    ("triplet-margin-str-p-str", "triplet_margin_loss(x, x, x, 'a', 'b')"),
    ("layer-norm-eps-str", "layer_norm(x, [3], eps='a')"),
    ("max-unpool2d-list-indices", "max_unpool2d(T.ones(1, 1, 2, 2), [0, 1], 2)"),
    ("mse-long", "mse_loss(x.long(), x.long())"), ("mse-bool", "mse_loss(x.bool(), x.bool())"),
    ("mse-long-int", "mse_loss(x.long(), x.int())"), ("mse-long-float", "mse_loss(x.long(), x)"),
]
for _i, _e in DTYPES:
    KINDS.append((_i, lambda T, e=_e: eval("T." + _F + e, {"T": T}, {
        "T": T, "x": _r(T, 4, 3), "t": T.tensor([0, 1, 2, 0]), "a": _r(T, 2, 3),
        "b": _r(T, 2, 4), "w": _r(T, 5, 3, 4)})))


def _ctc(T, i, bad):
    args = [_r(T, 6, 2, 4).log_softmax(2), T.tensor([[1, 2], [1, 3]]), T.tensor([6, 6]),
            T.tensor([2, 2])]
    args[i] = bad
    return T.nn.functional.ctc_loss(*args)


# ctc_loss's two overloads (lengths as ints or tensors), listed for any bad argument
for _i in range(4):
    for _bad in ([1.0], None, [6, 6], "x"):
        KINDS.append((f"ctc-arg{_i}-{_bad}", lambda T, i=_i, bad=_bad: _ctc(T, i, bad)))
KINDS.append(("ctc-lengths-lists", lambda T: T.nn.functional.ctc_loss(
    _r(T, 6, 2, 4).log_softmax(2), T.tensor([[1, 2], [1, 3]]), [6, 6], [2, 2])))
KINDS.append(("ctc-blank-str", lambda T: T.nn.functional.ctc_loss(
    _r(T, 6, 2, 4).log_softmax(2), T.tensor([[1, 2], [1, 3]]), [6, 6], [2, 2], "a")))
# A number argument given something else: the parser's "must be Number/float/int"
SCALARS = [("elu", 2), ("celu", 2), ("leaky_relu", 2), ("softplus", 2), ("softshrink", 2),
           ("hardshrink", 2), ("rrelu", 2), ("glu", 2), ("pdist", 2), ("cosine_similarity", 3),
           ("pairwise_distance", 3), ("hinge_embedding_loss", 3), ("margin_ranking_loss", 4),
           ("cosine_embedding_loss", 4)]
for _name, _at in SCALARS:
    for _bad in ("x", None):
        KINDS.append((f"{_name}-arg{_at}-{_bad}", lambda T, n=_name, at=_at, bad=_bad: getattr(
            T.nn.functional, n)(*[_r(T, 3, 4)] * (at - 1), bad)))
for _f in ("dropout", "alpha_dropout", "feature_alpha_dropout", "dropout2d"):
    for _bad in (None, 1, "x", "p"):
        KINDS.append((f"{_f}-train-{_bad}", lambda T, f=_f, bad=_bad: getattr(T.nn.functional, f)(
            _r(T, 2, 3, 4), *(("x",) if bad == "p" else (0.5, bad)))))


@pytest.mark.parametrize("op", [pytest.param(op, id=i) for i, op in KINDS])
def test_argument_kinds(op):
    _same(op)
