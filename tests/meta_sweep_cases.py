"""Cases for tests/test_meta_sweep.py: every op row of the catalogue
(tests/op_table*.py) and every module of tests/module_ctor_cases.py with a
natural input, run on the meta device. `describe` gives one line per case
(the result's device, shape, dtype, requires_grad and grad_fn name, or the
exception's type and message; then the gradients `out.sum().backward()`
leaves on the inputs and parameters), the same for both libraries."""
import warnings

from module_ctor_cases import ctors
from meta_sweep_gaps import KNOWN_GAPS  # noqa: F401 (re-exported for the test)
from op_table import OPS

# Module name -> its inputs' shapes (float unless the entry is ("long", shape, high)).
F = (2, 3)
MODULE_INPUTS = {
    'AdaptiveAvgPool1d': [(2, 3, 6)], 'AdaptiveAvgPool2d': [(2, 3, 6, 6)], 'AdaptiveAvgPool3d': [(1, 2, 4, 4, 4)],
    'AdaptiveMaxPool1d': [(2, 3, 6)], 'AdaptiveMaxPool2d': [(2, 3, 6, 6)], 'AdaptiveMaxPool3d': [(1, 2, 4, 4, 4)],
    'AlphaDropout': [F], 'AvgPool1d': [(2, 3, 6)], 'AvgPool2d': [(2, 3, 6, 6)], 'AvgPool3d': [(1, 2, 4, 4, 4)],
    'BCELoss': [F, F], 'BCEWithLogitsLoss': [F, F],
    'BatchNorm1d': [(4, 3)], 'BatchNorm2d': [(2, 3, 4, 4)], 'BatchNorm3d': [(2, 3, 2, 2, 2)],
    'Bilinear': [(4, 2), (4, 3)], 'CELU': [F], 'ChannelShuffle': [(1, 4, 2, 2)],
    'CircularPad1d': [(1, 2, 4)], 'CircularPad2d': [(1, 2, 4, 4)], 'CircularPad3d': [(1, 2, 3, 3, 3)],
    'ConstantPad1d': [(1, 2, 4)], 'ConstantPad2d': [(1, 2, 4, 4)], 'ConstantPad3d': [(1, 2, 3, 3, 3)],
    'Conv1d': [(1, 2, 6)], 'Conv2d': [(1, 2, 6, 6)], 'Conv3d': [(1, 2, 4, 4, 4)],
    'ConvTranspose1d': [(1, 2, 6)], 'ConvTranspose2d': [(1, 2, 6, 6)], 'ConvTranspose3d': [(1, 2, 4, 4, 4)],
    'CosineEmbeddingLoss': [(4, 3), (4, 3), ("float", (4,))], 'CosineSimilarity': [(4, 3), (4, 3)],
    'CrossEntropyLoss': [(4, 3), ("long", (4,), 3)], 'CrossMapLRN2d': [(1, 4, 3, 3)],
    'Dropout': [F], 'Dropout1d': [(2, 3, 4)], 'Dropout2d': [(2, 3, 4, 4)], 'Dropout3d': [(1, 2, 3, 3, 3)],
    'ELU': [F], 'Embedding': [("long", (2, 3), 5)], 'EmbeddingBag': [("long", (2, 3), 5)],
    'FeatureAlphaDropout': [(2, 3, 4)], 'Flatten': [(2, 3, 4)], 'Fold': [(1, 4, 12)],
    'FractionalMaxPool2d': [(1, 2, 6, 6)], 'GELU': [F], 'GLU': [(2, 4)],
    'GRU': [(5, 2)], 'GRUCell': [(4, 2)], 'GaussianNLLLoss': [F, F, F], 'GroupNorm': [(2, 4, 3)],
    'Hardshrink': [F], 'Hardsigmoid': [F], 'Hardswish': [F], 'Hardtanh': [F],
    'HingeEmbeddingLoss': [F, F], 'HuberLoss': [F, F], 'Identity': [F],
    'InstanceNorm1d': [(2, 3, 4)], 'InstanceNorm2d': [(2, 3, 4, 4)], 'InstanceNorm3d': [(1, 3, 2, 2, 2)],
    'KLDivLoss': [F, F], 'L1Loss': [F, F], 'LPPool1d': [(1, 2, 6)], 'LPPool2d': [(1, 2, 6, 6)],
    'LSTM': [(5, 2)], 'LSTMCell': [(4, 2)], 'LayerNorm': [(2, 4)],
    'LeakyReLU': [F], 'Linear': [(4, 3)], 'LocalResponseNorm': [(1, 4, 3, 3)],
    'LogSigmoid': [F], 'LogSoftmax': [F], 'MSELoss': [F, F], 'MarginRankingLoss': [(4,), (4,), (4,)],
    'MaxPool1d': [(2, 3, 6)], 'MaxPool2d': [(2, 3, 6, 6)], 'MaxPool3d': [(1, 2, 4, 4, 4)],
    'Mish': [F], 'MultiLabelSoftMarginLoss': [F, F], 'MultiMarginLoss': [(4, 3), ("long", (4,), 3)],
    'MultiheadAttention': [(3, 2, 4), (3, 2, 4), (3, 2, 4)], 'NLLLoss': [(4, 3), ("long", (4,), 3)],
    'PReLU': [(2, 3)], 'PairwiseDistance': [(4, 3), (4, 3)], 'PixelShuffle': [(1, 4, 2, 2)],
    'PixelUnshuffle': [(1, 2, 4, 4)], 'PoissonNLLLoss': [F, F], 'RMSNorm': [(2, 4)], 'RNN': [(5, 2)],
    'RNNCell': [(4, 2)], 'RReLU': [F], 'ReLU': [F], 'ReLU6': [F],
    'ReflectionPad1d': [(1, 2, 4)], 'ReflectionPad2d': [(1, 2, 4, 4)], 'ReflectionPad3d': [(1, 2, 3, 3, 3)],
    'ReplicationPad1d': [(1, 2, 4)], 'ReplicationPad2d': [(1, 2, 4, 4)], 'ReplicationPad3d': [(1, 2, 3, 3, 3)],
    'SELU': [F], 'SiLU': [F], 'Sigmoid': [F], 'SmoothL1Loss': [F, F], 'SoftMarginLoss': [F, F],
    'Softmax': [F], 'Softmax2d': [(1, 3, 2, 2)], 'Softmin': [F], 'Softplus': [F], 'Softshrink': [F],
    'Softsign': [F], 'Tanh': [F], 'Tanhshrink': [F], 'Threshold': [F],
    'Transformer': [(3, 2, 4), (2, 2, 4)], 'TransformerDecoder': [(3, 2, 4), (2, 2, 4)],
    'TransformerDecoderLayer': [(3, 2, 4), (2, 2, 4)], 'TransformerEncoder': [(3, 2, 4)],
    'TransformerEncoderLayer': [(3, 2, 4)], 'TripletMarginLoss': [F, F, F],
    'TripletMarginWithDistanceLoss': [F, F, F], 'Unflatten': [(2, 4)], 'Unfold': [(1, 2, 4, 4)],
    'Upsample': [(1, 2, 3, 3)], 'UpsamplingBilinear2d': [(1, 2, 3, 3)], 'UpsamplingNearest2d': [(1, 2, 3, 3)],
    'ZeroPad1d': [(1, 2, 4)], 'ZeroPad2d': [(1, 2, 4, 4)], 'ZeroPad3d': [(1, 2, 3, 3, 3)],
}

OP_IDS = [row[0] for row in OPS]
MODULE_IDS = sorted(MODULE_INPUTS)


def _msg(exc):
    return f"{type(exc).__name__}: " + str(exc).replace("torch.", "ember.").replace("torch", "ember")


def _tensor(T, t):
    fn = t.grad_fn
    return (f"{t.device} {tuple(t.shape)} {str(t.dtype).split('.')[-1]} "
            f"rg={t.requires_grad} {None if fn is None else type(fn).__name__}")


def _result(T, r):
    if isinstance(r, T.Tensor):
        return _tensor(T, r)
    if isinstance(r, (tuple, list)):
        return "(" + ", ".join(_result(T, x) for x in r) + ")"
    return type(r).__name__


def _first_grad_tensor(T, r):
    if isinstance(r, T.Tensor):
        return r if r.requires_grad else None
    if isinstance(r, (tuple, list)):
        for x in r:
            t = _first_grad_tensor(T, x)
            if t is not None:
                return t
    return None


def _grads(T, tensors):
    return "[" + ", ".join("None" if t.grad is None else _tensor(T, t.grad) for t in tensors) + "]"


def _run(T, make, call):
    """make() -> the tensors whose gradients are reported; call() -> result."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            leaves = make()
            r = call(leaves)
        except Exception as exc:  # noqa: BLE001 - an error is a result here
            return _msg(exc)
        line = _result(T, r)
        out = _first_grad_tensor(T, r)
        if out is not None:
            try:
                out.sum().backward()
                line += " | grads " + _grads(T, leaves)
            except Exception as exc:  # noqa: BLE001
                line += " | backward " + _msg(exc)
        return line


def describe_op(T, name):
    row = OPS[OP_IDS.index(name)]
    f, specs = row[1], row[2]
    return _run(T, lambda: [T.empty(s, device="meta", requires_grad=True) for s, _ in specs],
                lambda xs: f(T, *xs))


def _input(T, spec):
    if spec and spec[0] == "long":
        return T.empty(spec[1], dtype=T.long, device="meta")
    if spec and spec[0] == "float":
        return T.empty(spec[1], device="meta")
    return T.empty(spec, device="meta", requires_grad=True)


def describe_module(T, name):
    make = ctors(T.nn, T)[name]
    state = {}

    def build():
        with T.device("meta"):
            state["m"] = make()
        xs = [_input(T, s) for s in MODULE_INPUTS[name]]
        state["xs"] = xs
        return [x for x in xs if x.requires_grad] + list(state["m"].parameters())
    return _run(T, build, lambda leaves: state["m"](*state["xs"]))
