"""`grad_fn._saved_<field>` for what a node keeps besides its saved inputs
and result: the constants PyTorch's autograd codegen saves (`dim`,
`keepdim`, `alpha`, `self_sym_sizes`, a `mask`, ...), under PyTorch's names,
read from the node's own constants (its `_ctx`).

A node class declares them with its formulas (ops/_registry.py grad_fn's
`saved=`): PyTorch's field name, and either the name of the constant that
holds it or a function of the node. How PyTorch shows a field, reproduced:
- an int64 field (a dim, a size, an index, `reduction`) goes through an
  unsigned conversion, so a dim of -1 reads 18446744073709551615;
- a Scalar field (`alpha`, `min`, `exponent`, ...) keeps its sign;
- an array (a mask, indices) is a saved tensor: a Tensor, which is freed by
  backward as PyTorch's saved tensors are, with its `_raw_saved_<field>`.
"""
from .._backend import np
from . import graph as _graph

__all__ = ["FIELDS_KEPT", "add_fields", "constant", "field_properties", "given_dims",
           "given_scalar", "keeps_tensor_field", "tensor_field", "wrapped_number"]

# Fields of type Scalar (or double) in derivatives.yaml: shown as they are.
SCALAR_FIELDS = frozenset({
    "alpha", "beta", "min", "max", "exponent", "value", "weight", "threshold", "lambd",
    "negative_slope", "ord", "p", "other", "self", "eps", "lower", "upper", "scale",
    "input_scale", "margin", "maxnorm", "delta", "min_val", "max_val"})
_UINT64 = 1 << 64


class tensor_field:
    """A field that PyTorch saves as a tensor (a mask, indices): the node
    holds an array (or a tuple of them), shown as Tensors. `needs`: the
    position of the input whose gradient needs it, where PyTorch keeps it
    only then (scatter_add's index, for src); None there otherwise."""
    __slots__ = ("spec", "needs")

    def __init__(self, spec, needs=None):
        self.spec = spec
        self.needs = needs


class _FieldsKept(tuple):
    """The saved values of a node that saves no input or result but keeps a
    tensor field: none, yet true, so that backward frees the node as it
    frees one with saved values (reading the field after, or a second
    backward, then raises PyTorch's error), at no cost to other nodes."""
    __slots__ = ()

    def __bool__(self):
        return True


FIELDS_KEPT = _FieldsKept()


def keeps_tensor_field(fields, mask):
    """Does a node of these fields, whose inputs in bit-mask `mask` require
    grad, keep a tensor field?"""
    return any(s.needs is None or mask >> s.needs & 1
               for s in fields.values() if isinstance(s, tensor_field))


def field_properties(consts, fields):
    """The `_saved_<field>` properties (and `_raw_saved_<field>` for tensor
    fields) of a node class whose constants are `consts` (names, in `_ctx`
    order), for `fields`: {PyTorch's field name: the constant's name, or
    (the constant's name, fn(value)), or fn(node), or a tensor_field of
    any of these}."""
    props = {}
    for field, spec in fields.items():
        is_tensor = isinstance(spec, tensor_field)
        if is_tensor:
            needs, spec = spec.needs, spec.spec
        if isinstance(spec, str):
            spec = _const_reader(consts.index(spec))
        elif isinstance(spec, tuple):
            spec = _const_reader(consts.index(spec[0]), spec[1])
        if is_tensor:
            props[f"_saved_{field}"] = property(_tensor_reader(spec, needs))
            props[f"_raw_saved_{field}"] = property(lambda node: _RawConstant())
        else:
            props[f"_saved_{field}"] = property(_reader(spec, field in SCALAR_FIELDS))
    return props


def add_fields(cls, consts, fields):
    """The fields of a node class written by hand (one with its own apply),
    whose `_ctx` holds `consts`."""
    for name, prop in field_properties(tuple(consts), fields).items():
        setattr(cls, name, prop)
    cls._field_names = tuple(fields)


def constant(node, name):
    """The node's constant `name` (for a field that is a function of the node)."""
    return node._ctx[type(node)._consts.index(name)]


def _const_reader(k, convert=None):
    if convert is None:
        return lambda node: node._ctx[k]
    return lambda node: convert(node._ctx[k])


def _reader(get, scalar):
    return lambda node: _shown(get(node), scalar)


def _tensor_reader(get, needs):
    def read(node):
        if needs is not None and node.next_functions[needs][0] is None:
            return None
        if node._kept is None:
            raise RuntimeError(_graph.FREED_MESSAGE)
        return _shown(get(node), False)
    return read


class _RawConstant:
    """`_raw_saved_<field>` of a tensor the node keeps among its constants."""
    __slots__ = ()

    def register_hooks(self, pack_hook, unpack_hook):
        raise NotImplementedError(
            "Ember keeps this saved tensor among the node's constants: hooks can be "
            "registered on its saved inputs and outputs only")


def _shown(value, scalar):
    from .._tensor import Tensor
    if isinstance(value, np.ndarray):
        return Tensor._wrap(value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value) if scalar else int(value) % _UINT64
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, (tuple, list)):
        return tuple(_shown(v, scalar) for v in value)
    return value


def wrapped_number(value):
    """A Python number a node saved in a tensor's place, as PyTorch shows it:
    the 0-d tensor it wraps the number in (int64, float64, complex128, bool)."""
    from .._tensor import Tensor
    dtype = {bool: np.bool_, int: np.int64, float: np.float64,
             complex: np.complex128}[type(value)]
    return Tensor._wrap(np.asarray(value, dtype))


def given_scalar(value):
    """A Scalar argument as PyTorch's node keeps it: a 0-d tensor given for
    it as its Python number, a number as given (an int p stays an int)."""
    from .._tensor import Tensor
    return value.item() if isinstance(value, Tensor) else value


def given_dims(dim):
    """A dim argument (an int or a sequence of them) as the tuple PyTorch's
    IntArrayRef field keeps: as given, negatives unwrapped."""
    return tuple(dim) if isinstance(dim, (tuple, list)) else (dim,)
