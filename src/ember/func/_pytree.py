"""Nested containers of tensors (PyTorch's pytrees): tuples, lists, dicts
and namedtuples, flattened to their leaves and rebuilt, as torch.func's
transforms take and return them."""

__all__ = ["tree_flatten", "tree_unflatten", "tree_map"]


class _Spec:
    __slots__ = ("kind", "meta", "children")

    def __init__(self, kind, meta=None, children=()):
        self.kind, self.meta, self.children = kind, meta, children

    @property
    def num_leaves(self):
        if self.kind == "leaf":
            return 1
        return sum(c.num_leaves for c in self.children)


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def rebuilt(like, values):
    """A tuple of `like`'s type holding `values`: a named tuple takes its
    fields one by one, a tuple and a return type (a structseq) one sequence."""
    return type(like)(*values) if _is_namedtuple(like) else type(like)(values)


def tree_flatten(tree):
    """(leaves, spec): the leaves in order, and how to rebuild the tree."""
    leaves = []

    def walk(x):
        if isinstance(x, dict):
            keys = list(x)
            return _Spec(type(x), keys, [walk(x[k]) for k in keys])
        if _is_namedtuple(x):
            return _Spec("namedtuple", type(x), [walk(v) for v in x])
        if isinstance(x, (tuple, list)):
            return _Spec(type(x), None, [walk(v) for v in x])
        leaves.append(x)
        return _Spec("leaf")
    return leaves, walk(tree)


def tree_unflatten(leaves, spec):
    it = iter(leaves)

    def build(s):
        if s.kind == "leaf":
            return next(it)
        values = [build(c) for c in s.children]
        if s.kind == "namedtuple":
            return s.meta(*values)
        if isinstance(s.kind, type) and issubclass(s.kind, dict):
            return s.kind(zip(s.meta, values))
        return s.kind(values)
    return build(spec)


def tree_map(fn, tree):
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([fn(x) for x in leaves], spec)
