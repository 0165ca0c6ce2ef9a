"""ember.utils._pytree against torch.utils._pytree: leaf order, TreeSpec repr,
rebuilding, mapping and the mismatch errors."""
from collections import OrderedDict, defaultdict, deque, namedtuple

import pytest

import ember
from ember.utils import _pytree as ep

try:
    import torch
except ImportError:  # the comparisons skip; the rest runs without PyTorch
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="compares with PyTorch")
if torch is not None:
    import torch.utils._pytree as tp

NT = namedtuple("NT", "a b")


def _tree():
    return {"z": [1, (2, 3)], "a": None, "o": OrderedDict([("q", 4), ("p", 5)]),
            "n": NT(6, 7), "d": defaultdict(list, {"b": 8, "a": 9}),
            "q": deque([10], maxlen=3), "e": [], "f": {}}


@needs_torch
def test_flatten_order_and_repr_match_pytorch():
    leaves, spec = ep.tree_flatten(_tree())
    their_leaves, their_spec = tp.tree_flatten(_tree())
    assert leaves == their_leaves == [1, 2, 3, None, 4, 5, 6, 7, 8, 9, 10]
    assert repr(spec) == repr(their_spec) and str(spec) == str(their_spec)
    assert (spec.num_leaves, spec.num_nodes, spec.num_children) == (
        their_spec.num_leaves, their_spec.num_nodes, their_spec.num_children)
    assert ep.treespec_pprint(spec) == tp.treespec_pprint(their_spec)


def test_unflatten_rebuilds_every_container_type():
    tree = _tree()
    leaves, spec = ep.tree_flatten(tree)
    back = ep.tree_unflatten(leaves, spec)
    assert back == tree
    assert type(back["o"]) is OrderedDict and type(back["n"]) is NT
    assert back["d"].default_factory is list and back["q"].maxlen == 3
    assert ep.tree_unflatten(spec, leaves) == tree  # PyTorch accepts the swapped order


@needs_torch
@pytest.mark.parametrize("tree", [1, None, [], {}, (), [1, [2, [3]]], {"b": 1, 1: 2}])
def test_structure_of_small_trees(tree):
    assert repr(ep.tree_structure(tree)) == repr(tp.tree_structure(tree))
    assert ep.tree_leaves(tree) == tp.tree_leaves(tree)


def test_map_variants():
    assert ep.tree_map(lambda a, b: a + b, [1, (2,)], [3, (4,)]) == [4, (6,)]
    # the second tree may be any standard dict with the same keys
    got = ep.tree_map(lambda a, b: (a, b), {"a": 1, "b": 2}, OrderedDict([("b", 3), ("a", 4)]))
    assert got == {"a": (1, 4), "b": (2, 3)}
    assert ep.tree_map_only(int, lambda a: a * 10, [1, "x", 2.0]) == [10, "x", 2.0]
    assert ep.tree_map_only(lambda v: v == "x", str.upper, ["x", "y"]) == ["X", "y"]
    seen = []
    tree = [1, {"a": 2}]
    assert ep.tree_map_(seen.append, tree) is tree and seen == [1, 2]
    assert ep.tree_all(lambda v: v > 0, [1, 2]) and not ep.tree_any(lambda v: v > 2, (1, 2))
    assert ep.tree_all_only(int, lambda v: v > 0, [1, "a"])
    assert ep.tree_any_only(str, lambda v: v == "a", [1, "a"])
    assert ep.tree_leaves([1, [2, [3]]], is_leaf=lambda t: t == [3]) == [1, 2, [3]]


@needs_torch
def test_tensors_are_leaves():
    t = ember.ones(2)
    leaves, spec = ep.tree_flatten({"w": t, "b": [t * 2]})
    assert leaves[0] is t and repr(spec) == repr(tp.tree_structure({"w": 0, "b": [0]}))
    doubled = ep.tree_map(lambda x: x * 2, {"w": t})
    assert doubled["w"].tolist() == [2.0, 2.0]


@needs_torch
def test_return_types_are_nodes_of_their_own_type():
    mine = ember.max(ember.ones(2, 2), 0)
    theirs = torch.max(torch.ones(2, 2), 0)
    assert repr(ep.tree_structure(mine)) == repr(tp.tree_structure(theirs)) == \
        "TreeSpec(max, None, [*,\n  *])"
    assert type(ep.tree_unflatten([1, 2], ep.tree_structure(mine))) is type(mine)


def _error(module, fn):
    with pytest.raises((ValueError, TypeError)) as info:
        fn(module)
    return type(info.value), str(info.value)


@needs_torch
@pytest.mark.parametrize("fn", [
    lambda p: p.tree_unflatten([1], p.tree_structure([1, 2])),
    lambda p: p.tree_map(lambda a, b: a, [1, 2], [1]),
    lambda p: p.tree_map(lambda a, b: a, [1, 2], (1, 2)),
    lambda p: p.tree_map(lambda a, b: a, {"a": 1}, {"b": 1}),
    lambda p: p.tree_map(lambda a, b: a, NT(1, 2), NT(1, 2)._replace(a=3) and (1, 2)),
    lambda p: p.tree_unflatten(3, 4),
    lambda p: p.map_only(3),
])
def test_errors_match_pytorch(fn):
    mine, theirs = _error(ep, fn), _error(tp, fn)
    assert mine[0] is theirs[0]
    assert mine[1].split(" at 0x")[0] == theirs[1].split(" at 0x")[0]


@needs_torch
def test_key_paths_match_pytorch():
    tree = {"a": [1, (2,)], "n": NT(3, 4)}
    mine = [(ep.keystr(k), v) for k, v in ep.tree_leaves_with_path(tree)]
    theirs = [(tp.keystr(k), v) for k, v in tp.tree_leaves_with_path(tree)]
    assert mine == theirs == [("['a'][0]", 1), ("['a'][1][0]", 2), ("['n'].a", 3),
                              ("['n'].b", 4)]
    assert ep.tree_map_with_path(lambda k, v: ep.keystr(k), [5]) == ["[0]"]


def test_spec_equality_hash_and_children():
    a, b = ep.tree_structure({"x": [1]}), ep.tree_structure({"x": [2]})
    assert a == b and hash(a) == hash(b) and a != ep.tree_structure({"y": [1]})
    assert a.child(0) == ep.tree_structure([0]) and a.children() == [a.child(0)]
    with pytest.warns(FutureWarning, match="children_specs` is deprecated"):
        assert a.children_specs == [a.child(0)]
    assert ep.tree_structure(1).is_leaf() and not a.is_leaf()


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y


def test_register_pytree_node():
    ep.register_pytree_node(Point, lambda p: ([p.x, p.y], None), lambda v, c: Point(*v))
    try:
        leaves, spec = ep.tree_flatten([Point(1, [2])])
        assert leaves == [1, 2] and repr(spec).startswith("TreeSpec(list, None, [TreeSpec(Point")
        moved = ep.tree_map(lambda v: v * 3, Point(1, 2))
        assert (type(moved), moved.x, moved.y) == (Point, 3, 6)
        with pytest.raises(ValueError, match="Did not find a flatten_with_keys_fn"):
            ep.tree_flatten_with_path(Point(1, 2))
        with pytest.warns(UserWarning, match="already registered as pytree node"):
            ep.register_pytree_node(Point, lambda p: ([p.x], p.y), lambda v, c: Point(v[0], c))
    finally:
        ep._deregister_pytree_node(Point)
    assert ep.tree_leaves(Point(1, 2))[0].x == 1
