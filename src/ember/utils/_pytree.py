"""torch.utils._pytree: flatten nested containers into leaves and a TreeSpec,
map over leaves, and rebuild.  The node registry, flatten order, None-as-leaf
and TreeSpec repr follow PyTorch's Python implementation; Ember's named
return types (`ember.return_types.max`, ...) are nodes of their own type, as
PyTorch's structseqs are."""
import dataclasses
import functools
import types
import warnings
from collections import OrderedDict, defaultdict, deque, namedtuple
from typing import Any, NamedTuple

__all__ = ["PyTree", "Context", "PyTreeSpec", "TreeSpec", "LeafSpec", "keystr", "key_get",
           "register_pytree_node", "tree_is_leaf", "tree_flatten", "tree_flatten_with_path",
           "tree_unflatten", "tree_iter", "tree_leaves", "tree_leaves_with_path",
           "tree_structure", "tree_map", "tree_map_with_path", "tree_map_", "tree_map_only",
           "tree_map_only_", "tree_all", "tree_any", "tree_all_only", "tree_any_only",
           "treespec_pprint", "is_namedtuple", "is_namedtuple_class", "is_namedtuple_instance",
           "is_structseq", "is_structseq_class", "is_structseq_instance"]

PyTree = Any
Context = Any


class NodeDef(NamedTuple):
    type: Any
    flatten_fn: Any
    unflatten_fn: Any
    flatten_with_keys_fn: Any


SUPPORTED_NODES = {}


@dataclasses.dataclass(frozen=True)
class SequenceKey:
    idx: int

    def __str__(self):
        return f"[{self.idx!r}]"

    def get(self, sequence):
        return sequence[self.idx]


@dataclasses.dataclass(frozen=True)
class MappingKey:
    key: Any

    def __str__(self):
        return f"[{self.key!r}]"

    def get(self, mapping):
        return mapping[self.key]


@dataclasses.dataclass(frozen=True)
class GetAttrKey:
    name: str

    def __str__(self):
        return f".{self.name}"

    def get(self, obj):
        return getattr(obj, self.name)


def keystr(kp):
    return "".join(str(k) for k in kp)


def key_get(obj, kp):
    for k in kp:
        obj = k.get(obj)
    return obj


def register_pytree_node(cls, flatten_fn, unflatten_fn, *, serialized_type_name=None,
                         to_dumpable_context=None, from_dumpable_context=None,
                         flatten_with_keys_fn=None):
    """Makes `cls` a node: `flatten_fn(x) -> (children, context)`,
    `unflatten_fn(children, context) -> x`."""
    if cls in SUPPORTED_NODES:
        warnings.warn(f"{cls} is already registered as pytree node. Overwriting the previous "
                      "registration.", stacklevel=2)
    if (to_dumpable_context is None) ^ (from_dumpable_context is None):
        raise ValueError(f"Both to_dumpable_context and from_dumpable_context for {cls} must be "
                         "None or registered.")
    SUPPORTED_NODES[cls] = NodeDef(cls, flatten_fn, unflatten_fn, flatten_with_keys_fn)


_register_pytree_node = _private_register_pytree_node = register_pytree_node


def _sequence_keys(flatten):
    def with_keys(node):
        values, context = flatten(node)
        return [(SequenceKey(i), v) for i, v in enumerate(values)], context
    return with_keys


def _dict_flatten(d):
    return list(d.values()), list(d.keys())


def _dict_keys(d):
    return [(MappingKey(k), v) for k, v in d.items()]


def _defaultdict_flatten(d):
    return list(d.values()), [d.default_factory, list(d.keys())]


def _namedtuple_flatten(d):
    return list(d), type(d)


def _tuple_flatten(d):
    return list(d), None


for _cls, _flatten, _unflatten, _keys in (
        (tuple, _tuple_flatten, lambda v, c: tuple(v), _sequence_keys(_tuple_flatten)),
        (list, lambda d: (d, None), lambda v, c: list(v), _sequence_keys(lambda d: (d, None))),
        (dict, _dict_flatten, lambda v, c: dict(zip(c, v, strict=True)),
         lambda d: (_dict_keys(d), list(d))),
        (namedtuple, _namedtuple_flatten, lambda v, c: c(*v),
         lambda d: ([(GetAttrKey(f), v) for f, v in zip(d._fields, d)], type(d))),
        (OrderedDict, _dict_flatten, lambda v, c: OrderedDict(zip(c, v, strict=True)),
         lambda d: (_dict_keys(d), list(d))),
        (defaultdict, _defaultdict_flatten,
         lambda v, c: defaultdict(c[0], dict(zip(c[1], v, strict=True))),
         lambda d: (_dict_keys(d), _defaultdict_flatten(d)[1])),
        (deque, lambda d: (list(d), d.maxlen), lambda v, c: deque(v, maxlen=c),
         _sequence_keys(lambda d: (list(d), d.maxlen)))):
    register_pytree_node(_cls, _flatten, _unflatten, flatten_with_keys_fn=_keys)

STANDARD_DICT_TYPES = frozenset({dict, OrderedDict, defaultdict})
BUILTIN_TYPES = frozenset({tuple, list, dict, namedtuple, OrderedDict, defaultdict, deque})


@functools.cache
def _structseq_classes():
    from .. import return_types
    return frozenset(getattr(return_types, n) for n in return_types.__all__)


def is_structseq_class(cls):
    """Ember's return types, and CPython's structseqs (os.stat_result...),
    which PyTorch tells by their fields' counts and a type that cannot be
    subclassed (no Python class can be so: hence Ember's by name)."""
    return isinstance(cls, type) and (cls in _structseq_classes() or (
        cls.__bases__ == (tuple,) and not cls.__flags__ & _BASETYPE
        and all(isinstance(getattr(cls, n, None), int)
                for n in ("n_fields", "n_sequence_fields", "n_unnamed_fields"))))


_BASETYPE = 1 << 10     # (CPython's Py_TPFLAGS_BASETYPE)


def is_structseq(obj):
    return is_structseq_class(obj if isinstance(obj, type) else type(obj))


def is_structseq_instance(obj):
    return is_structseq_class(type(obj))


def is_namedtuple_class(cls):
    return (isinstance(cls, type) and issubclass(cls, tuple)
            and isinstance(getattr(cls, "_fields", None), tuple)
            and all(type(f) is str for f in cls._fields)
            and callable(getattr(cls, "_make", None)) and callable(getattr(cls, "_asdict", None))
            and not is_structseq_class(cls))


def is_namedtuple(obj):
    return is_namedtuple_class(obj if isinstance(obj, type) else type(obj))


def is_namedtuple_instance(obj):
    return is_namedtuple_class(type(obj))


def _get_node_type(tree):
    cls = type(tree)
    if is_namedtuple_class(cls):
        return namedtuple
    if cls not in SUPPORTED_NODES and is_structseq_class(cls):
        register_pytree_node(cls, _tuple_flatten, lambda v, c, cls=cls: cls(v),
                             flatten_with_keys_fn=_sequence_keys(_tuple_flatten))
    return cls


def tree_is_leaf(tree, is_leaf=None):
    if is_leaf is not None and is_leaf(tree):
        return True
    return _get_node_type(tree) not in SUPPORTED_NODES


from ._pytree_spec import TreeSpec, LeafSpec, _LEAF_SPEC, treespec_leaf  # noqa: E402

PyTreeSpec = TreeSpec


def tree_flatten(tree, is_leaf=None):
    """(leaves, TreeSpec), leaves in PyTorch's depth-first order."""
    leaves = []

    def helper(node):
        if tree_is_leaf(node, is_leaf=is_leaf):
            leaves.append(node)
            return _LEAF_SPEC
        node_type = _get_node_type(node)
        children, context = SUPPORTED_NODES[node_type].flatten_fn(node)
        return TreeSpec(node_type, context, [helper(c) for c in children])
    return leaves, helper(tree)


def tree_unflatten(leaves, treespec):
    if not isinstance(treespec, TreeSpec):
        if not isinstance(leaves, TreeSpec):
            raise TypeError(f"Expected `treespec` to be an instance of PyTreeSpec but got item "
                            f"of type {type(treespec)}.")
        leaves, treespec = treespec, leaves
    return treespec.unflatten(leaves)


def tree_iter(tree, is_leaf=None):
    if tree_is_leaf(tree, is_leaf=is_leaf):
        yield tree
        return
    children, _ = SUPPORTED_NODES[_get_node_type(tree)].flatten_fn(tree)
    for child in children:
        yield from tree_iter(child, is_leaf=is_leaf)


def tree_leaves(tree, is_leaf=None):
    return list(tree_iter(tree, is_leaf=is_leaf))


def tree_structure(tree, is_leaf=None):
    return tree_flatten(tree, is_leaf=is_leaf)[1]


def tree_map(func, tree, *rests, is_leaf=None):
    """`func` on the leaves of `tree` (and the matching subtrees of `rests`)."""
    leaves, treespec = tree_flatten(tree, is_leaf=is_leaf)
    flat_args = [leaves] + [treespec.flatten_up_to(r) for r in rests]
    return treespec.unflatten(map(func, *flat_args))


def tree_map_(func, tree, *rests, is_leaf=None):
    leaves, treespec = tree_flatten(tree, is_leaf=is_leaf)
    flat_args = [leaves] + [treespec.flatten_up_to(r) for r in rests]
    for args in zip(*flat_args):
        func(*args)
    return tree


def map_only(type_or_types_or_pred, /):
    if isinstance(type_or_types_or_pred, (type, tuple, types.UnionType)):
        def pred(x):
            return isinstance(x, type_or_types_or_pred)
    elif callable(type_or_types_or_pred):
        pred = type_or_types_or_pred
    else:
        raise TypeError("Argument must be a type, a tuple of types, or a callable.")

    def wrapper(func):
        @functools.wraps(func)
        def wrapped(x):
            return func(x) if pred(x) else x
        return wrapped
    return wrapper


def tree_map_only(type_or_types_or_pred, /, func, tree, is_leaf=None):
    return tree_map(map_only(type_or_types_or_pred)(func), tree, is_leaf=is_leaf)


def tree_map_only_(type_or_types_or_pred, /, func, tree, is_leaf=None):
    return tree_map_(map_only(type_or_types_or_pred)(func), tree, is_leaf=is_leaf)


def tree_all(pred, tree, is_leaf=None):
    return all(map(pred, tree_iter(tree, is_leaf=is_leaf)))


def tree_any(pred, tree, is_leaf=None):
    return any(map(pred, tree_iter(tree, is_leaf=is_leaf)))


def tree_all_only(type_or_types, /, pred, tree, is_leaf=None):
    return all(pred(x) for x in tree_iter(tree, is_leaf=is_leaf) if isinstance(x, type_or_types))


def tree_any_only(type_or_types, /, pred, tree, is_leaf=None):
    return any(pred(x) for x in tree_iter(tree, is_leaf=is_leaf) if isinstance(x, type_or_types))


def _key_paths(tree, is_leaf, path=()):
    if tree_is_leaf(tree, is_leaf=is_leaf):
        yield path, tree
        return
    node_def = SUPPORTED_NODES[_get_node_type(tree)]
    if node_def.flatten_with_keys_fn is None:
        raise ValueError(f"Did not find a flatten_with_keys_fn for type: {node_def.type}. "
                         "Please pass a flatten_with_keys_fn argument to "
                         "register_pytree_node.")
    keyed_children, _ = node_def.flatten_with_keys_fn(tree)
    for key, child in keyed_children:
        yield from _key_paths(child, is_leaf, path + (key,))


def tree_flatten_with_path(tree, is_leaf=None):
    return list(_key_paths(tree, is_leaf)), tree_structure(tree, is_leaf=is_leaf)


def tree_leaves_with_path(tree, is_leaf=None):
    return list(_key_paths(tree, is_leaf))


def tree_map_with_path(func, tree, *rests, is_leaf=None):
    keypath_leaves, treespec = tree_flatten_with_path(tree, is_leaf)
    keypaths, leaves = zip(*keypath_leaves) if keypath_leaves else ((), ())
    others = [treespec.flatten_up_to(r) for r in rests]
    return treespec.unflatten(func(*xs) for xs in zip(keypaths, leaves, *others))


class _Asterisk(str):
    def __new__(cls):
        return super().__new__(cls, "*")

    def __repr__(self):
        return "*"


def treespec_pprint(treespec):
    return repr(tree_unflatten([_Asterisk()] * treespec.num_leaves, treespec))


def _deregister_pytree_node(cls):
    del SUPPORTED_NODES[cls]
