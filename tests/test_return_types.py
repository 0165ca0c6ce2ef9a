"""torch.return_types: PyTorch's are structseqs (os.stat_result's kind),
not named tuples. Built from one sequence, read-only fields, the n_*
counts, no `_fields`; pickled, copied, matched, flattened by pytree and
rebuilt by vmap as PyTorch's. Each case runs on both libraries."""
import copy
import pickle

import pytest

import ember
from compare_torch import check, msg


def _t(T):
    return T.tensor([3., 1., 2.])


@pytest.mark.parametrize("args", [
    "seq", "short", "long", "not_a_sequence", "dict", "none_dict", "int_dict", "two_tensors",
    "keyword"])
def test_constructor_as_pytorchs(args):
    def make(T):
        t = _t(T)
        S = T.return_types.sort
        call = {"seq": lambda: S((t, t)), "short": lambda: S((t,)),
                "long": lambda: S([t, t, t]), "not_a_sequence": lambda: S(5),
                "dict": lambda: S([t, t], {"a": 1}), "none_dict": lambda: S([t, t], None),
                "int_dict": lambda: S([t, t], 3), "two_tensors": lambda: S(t, t),
                "keyword": lambda: S(sequence=[t, t])}[args]
        r = call()
        return tuple(r), r.values, r.indices, type(r).__name__
    check(make)


def test_type_and_fields():
    def probe(T):
        S = T.return_types.max
        r = T.max(T.tensor([[1., 5.], [3., 2.]]), 1)
        public = sorted(k for k in dir(S) if not k.startswith("__"))
        return (type(r) is S, S.__bases__ == (tuple,), S.n_fields, S.n_sequence_fields,
                S.n_unnamed_fields, S.__match_args__, public, hasattr(r, "_fields"),
                hasattr(r, "_asdict"), isinstance(r, tuple), r == tuple(r),
                hash(S([1, 2])) == hash((1, 2)), type(r[:1]).__name__, len(r))
    check(probe)


def test_repr_and_readonly_fields():
    def probe(T):
        r = T.sort(_t(T))
        try:
            r.values = 1
            raised = None
        except AttributeError as e:
            raised = str(e)
        return msg(repr(r)), msg(str(T.return_types.sort([1, 2]))), raised, \
            msg(repr(T.return_types.sort.values))
    check(probe)


@pytest.mark.parametrize("how", ["pickle", "copy", "deepcopy"])
def test_copies_keep_the_type(how):
    def probe(T):
        r = T.topk(_t(T), 2)
        c = {"pickle": lambda: pickle.loads(pickle.dumps(r)), "copy": lambda: copy.copy(r),
             "deepcopy": lambda: copy.deepcopy(r)}[how]()
        return type(c) is type(r), c is r, c.values, c.indices
    check(probe)


def test_match_statement():
    def probe(T):
        match T.kthvalue(_t(T), 2):
            case T.return_types.kthvalue(values=v, indices=i):
                return v, i
        return None
    check(probe)


def test_pytree_flattens_and_rebuilds():
    def probe(T):
        from importlib import import_module
        pytree = import_module(T.__name__ + ".utils._pytree")
        r = T.aminmax(_t(T))
        leaves, spec = pytree.tree_flatten({"r": r})
        back = pytree.tree_unflatten([x * 2 for x in leaves], spec)["r"]
        return (len(leaves), type(back) is type(r), back.min, back.max,
                pytree.is_structseq(r), pytree.is_namedtuple(r))
    check(probe)


def test_vmap_and_out_keep_the_type():
    def probe(T):
        x = T.arange(24.).reshape(2, 3, 4)
        r = T.vmap(lambda t: T.max(t, 1))(x)
        v, i = T.empty(0), T.empty(0, dtype=T.long)
        o = T.sort(_t(T), out=(v, i))
        return type(r).__name__, r.values, r.indices, type(o).__name__, o.values is v
    check(probe)


def test_ember_names_its_own_types():
    r = ember.sort(ember.tensor([2., 1.]))
    assert type(r) is ember.return_types.sort
    assert repr(r).startswith("ember.return_types.sort(\nvalues=tensor([1., 2.]),")
    with pytest.raises(TypeError, match=r"^ember.return_types.sort\(\) takes a 2-sequence "
                                        r"\(1-sequence given\)$"):
        ember.return_types.sort([1])
