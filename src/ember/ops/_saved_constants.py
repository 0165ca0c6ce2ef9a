"""`grad_fn._saved_<name>` for the non-tensor values a node keeps (dims,
flags, scalars, its input's sizes), under PyTorch's names and in PyTorch's
forms: dims as tuples, sizes as tuples of ints, a loss's reduction as its
enum number. The saved tensors' attributes come with every node class
(autograd/_saved_hooks.saved_properties); these are read off the constants
the formulas keep, for the nodes listed here, whose values Ember's constants
determine. A node not listed (or a value Ember does not keep, such as the
`dim` of UnsqueezeBackward0) has none of them. Dims read normalised
(`softmax(x, -1)` gives 1; PyTorch keeps -1)."""
from .._backend import np

__all__ = ["attach"]


def _ints(values):
    return tuple(int(v) for v in values)


def _int(value):
    return int(value)


def _tensor(array):
    from .._tensor import Tensor
    return Tensor._wrap(np.asarray(array))


def _numel(shape):
    return int(np.prod(shape, dtype=np.int64))


_REDUCTIONS = {"none": 0, "mean": 1, "sum": 2}


def _reduction(name):
    return _REDUCTIONS[name]


def _indices(onehot, dim, keepdim):
    """A max/min node's `indices` from the one-hot mask it keeps instead."""
    return _tensor(np.argmax(onehot, axis=dim, keepdims=bool(keepdim)).astype(np.int64))


def _select_dim(key):
    return next(i for i, k in enumerate(key) if not isinstance(k, slice) and k is not Ellipsis)


def _select_index(key):
    return int(key[_select_dim(key)])


def _slice_dim(key):
    return next(i for i, k in enumerate(key) if k != slice(None))


def _slice_part(part, default):
    def read(key):
        value = getattr(key[_slice_dim(key)], part)
        return default if value is None else int(value)
    return read


def _repeats(shape, node):
    padded = (1,) * (len(node._shape) - len(shape)) + tuple(shape)
    return tuple(int(o) // int(i) for o, i in zip(node._shape, padded))


def _split_sizes(dim, node):
    sizes = list(node._shape[0])
    sizes[dim] = sum(s[dim] for s in node._shape)
    return _ints(sizes)


# Each attribute: the constant it is (a name), or (function, names...): the
# function of those constants (and of the node, if it takes one more argument).
_SIZES = {"self_sym_sizes": (_ints, "shape")}
_REDUCE_DIMS = {"dim": (_ints, "dims"), "keepdim": "keepdim", **_SIZES}
_MAX_MIN = {"dim": (_int, "dim"), "keepdim": "keepdim", **_SIZES,
            "indices": (_indices, "onehot", "dim", "keepdim")}
TABLE = {
    "SumBackward0": _SIZES, "SumBackward1": _REDUCE_DIMS,
    "MeanBackward0": {"self_sym_numel": (_numel, "shape"), **_SIZES},
    "MeanBackward1": {**_REDUCE_DIMS, "self_sym_numel": (_numel, "shape")},
    "LogsumexpBackward0": {"dim": (_ints, "dims"), "keepdim": "keepdim"},
    "ProdBackward1": {"dim": (lambda dims: int(dims[0]), "dims"), "keepdim": "keepdim"},
    "MaxBackward0": _MAX_MIN, "MinBackward0": _MAX_MIN,
    "ViewBackward0": _SIZES, "ExpandBackward0": _SIZES, "SqueezeBackward0": _SIZES,
    "RepeatBackward0": {"repeats": (_repeats, "shape"), **_SIZES},
    "PermuteBackward0": {"dims": (lambda inverse: _ints(np.argsort(inverse)), "inverse")},
    "TransposeBackward0": {"dim0": "dim0", "dim1": "dim1"},
    "SelectBackward0": {"dim": (_select_dim, "key"), "index": (_select_index, "key"),
                        **_SIZES},
    "SliceBackward0": {"dim": (_slice_dim, "key"), "start": (_slice_part("start", 0), "key"),
                       "end": (_slice_part("stop", 2 ** 63 - 1), "key"),
                       "step": (_slice_part("step", 1), "key"), **_SIZES},
    "SplitBackward0": {"dim": "dim", "self_sym_sizes": (_split_sizes, "dim"),
                       "split_size": (lambda dim, node: int(node._shape[0][dim]), "dim")},
    "DiagonalBackward0": {"dim1": "dim1", "dim2": "dim2", "offset": "offset", **_SIZES},
    "UnfoldBackward0": {"dimension": "dimension", "size": "size", "step": "step", **_SIZES},
    "RollBackward0": {"dims": (_ints, "dims"), "shifts": (_ints, "shifts")},
    "CumsumBackward0": {"dim": "dim"},
    "SoftmaxBackward0": {"dim": "dim"}, "LogSoftmaxBackward0": {"dim": "dim"},
    "AddBackward0": {"alpha": "alpha"}, "SubBackward0": {"alpha": "alpha"},
    "AddmmBackward0": {"alpha": "alpha", "beta": "beta"},
    "AddcmulBackward0": {"value": "value"}, "AddcdivBackward0": {"value": "value"},
    "PowBackward0": {"exponent": "exponent"}, "PowBackward2": {"self": "self"},
    "ClampBackward1": {"min": "min", "max": "max"},
    "LerpBackward0": {"weight": "weight"},
    "TriuBackward0": {"diagonal": "diagonal"}, "TrilBackward0": {"diagonal": "diagonal"},
    "LeakyReluBackward0": {"negative_slope": "negative_slope"},
    "HardtanhBackward0": {"min_val": "min_val", "max_val": "max_val"},
    "ThresholdBackward0": {"threshold": "threshold"},
    "SoftplusBackward0": {"beta": "beta", "threshold": "threshold"},
    "HardshrinkBackward0": {"lambd": "lambd"}, "SoftshrinkBackward0": {"lambd": "lambd"},
    "GeluBackward0": {"approximate": "approximate"},
    "PixelShuffleBackward0": {"upscale_factor": "upscale_factor"},
    "PixelUnshuffleBackward0": {"downscale_factor": "downscale_factor"},
    "MseLossBackward0": {"reduction": (_reduction, "reduction")},
    "WhereBackward0": {"condition": (_tensor, "condition")},
    "MaskedFillBackward0": {"mask": (_tensor, "mask")},
}


def _reader(spec, consts):
    """The property for one attribute, or None if the class lacks a constant."""
    function, names = (None, (spec,)) if isinstance(spec, str) else (spec[0], spec[1:])
    if any(n not in consts for n in names):
        return None
    places = tuple(consts.index(n) for n in names)
    with_node = function is not None and function.__code__.co_argcount > len(names)

    def read(node):
        values = [node._ctx[p] for p in places]
        if function is None:
            return values[0]
        return function(*values, node) if with_node else function(*values)
    return property(read)


def attach(node_classes):
    """Give each listed node class its `_saved_<name>` properties."""
    for cls in node_classes:
        entries = TABLE.get(cls.__name__)
        consts = cls.__dict__.get("_consts")
        if entries is None or consts is None:
            continue
        for attr, spec in entries.items():
            prop = _reader(spec, consts)
            if prop is not None:
                setattr(cls, "_saved_" + attr, prop)
