"""The containers' API for test_module_mechanics.py: Sequential, ModuleList,
ModuleDict, ParameterList and ParameterDict indexing, insertion, deletion,
arithmetic, update orders, reprs, copies, pickles, conversions, loading,
and their errors."""
import copy
import pickle
from collections import OrderedDict

from module_api_common import helpers


def build(T):
    """{case name: case(T)} with every case bound to the library T."""
    nn = T.nn
    case, CASES, tdesc, lin, net = helpers(T)

    def R():
        return nn.ReLU()

    @case
    def ml_setitem_neg(): l = nn.ModuleList([R(), nn.Tanh()]); l[-1] = nn.Sigmoid(); return str(l)
    @case
    def ml_setitem_oob(): l = nn.ModuleList([R()]); l[5] = nn.Sigmoid()
    @case
    def ml_delitem_oob(): l = nn.ModuleList([R()]); del l[5]
    @case
    def ml_del_slice(): l = nn.ModuleList([R(), nn.Tanh(), nn.Sigmoid(), nn.Identity()]); del l[::2]; return str(l), list(l._modules)
    @case
    def ml_iadd(): l = nn.ModuleList([R()]); l += [nn.Tanh()]; l += nn.ModuleList([nn.Sigmoid()]); return str(l)
    @case
    def ml_iadd_bad(): l = nn.ModuleList([R()]); l += 3
    @case
    def ml_extend_dict(): l = nn.ModuleList(); l.extend({'a': R()})
    @case
    def ml_extend_gen(): l = nn.ModuleList(); l.extend(x for x in [R(), nn.Tanh()]); return str(l)
    @case
    def ml_insert_end(): l = nn.ModuleList([R()]); l.insert(10, nn.Tanh()); return str(l)
    @case
    def ml_insert_negbig(): l = nn.ModuleList([R(), nn.Tanh()]); l.insert(-10, nn.Sigmoid()); return str(l)
    @case
    def ml_contains(): r = R(); l = nn.ModuleList([r]); return r in l, R() in l
    @case
    def ml_len_iter(): l = nn.ModuleList([R(), nn.Tanh()]); return len(l), [type(x).__name__ for x in l], [type(x).__name__ for x in reversed(l)] if hasattr(l, '__reversed__') else 'norev'
    @case
    def ml_eq(): return nn.ModuleList() == nn.ModuleList()
    @case
    def ml_none(): nn.ModuleList([None])
    @case
    def ml_index_tensor(): l = nn.ModuleList([R(), nn.Tanh()]); return type(l[T.tensor(1)]).__name__
    @case
    def ml_index_float(): nn.ModuleList([R()])[0.0]
    @case
    def seq_setitem(): s = nn.Sequential(R(), nn.Tanh()); s[1] = nn.Sigmoid(); s[-2] = nn.Identity(); return str(s)
    @case
    def seq_setitem_bad(): s = nn.Sequential(R()); s[0] = 3
    @case
    def seq_setitem_oob(): s = nn.Sequential(R()); s[3] = R()
    @case
    def seq_getitem_neg_oob(): nn.Sequential(R())[-2]
    @case
    def seq_dict_keys_slice():
        s = nn.Sequential(OrderedDict([('a', R()), ('b', nn.Tanh()), ('c', nn.Sigmoid())])); return str(s[1:]), list(s[1:]._modules)
    @case
    def seq_del_named():
        s = nn.Sequential(OrderedDict([('a', R()), ('b', nn.Tanh()), ('c', nn.Sigmoid())])); del s[0]; return list(s._modules)
    @case
    def seq_insert(): s = nn.Sequential(R(), nn.Tanh()); s.insert(1, nn.Sigmoid()); s.insert(-1, nn.Identity()); return str(s)
    @case
    def seq_insert_bad(): nn.Sequential(R()).insert(0, 3)
    @case
    def seq_pop(): s = nn.Sequential(R(), nn.Tanh()); p = s.pop(0); return type(p).__name__, str(s)
    @case
    def seq_pop_neg(): s = nn.Sequential(R(), nn.Tanh()); p = s.pop(-1); return type(p).__name__, list(s._modules)
    @case
    def seq_append_bad(): nn.Sequential().append(3)
    @case
    def seq_extend_bad(): nn.Sequential().extend(3)
    @case
    def seq_iadd(): s = nn.Sequential(R()); s += nn.Sequential(nn.Tanh()); return str(s)
    @case
    def seq_add(): return str(nn.Sequential(R()) + nn.Sequential(nn.Tanh()))
    @case
    def seq_mul_bad(): nn.Sequential(R()) * 0
    @case
    def seq_mul_bad2(): nn.Sequential(R()) * 'a'
    @case
    def seq_rmul(): return str(2 * nn.Sequential(R()))
    @case
    def seq_imul0(): s = nn.Sequential(R()); s *= 0
    @case
    def seq_len_dir(): s = nn.Sequential(R()); return len(s), '0' in dir(s)
    @case
    def seq_forward_kw(): nn.Sequential(R())(input=T.ones(1))
    @case
    def seq_none(): return str(nn.Sequential(None, R()))
    @case
    def seq_dict_nonmod(): nn.Sequential(OrderedDict([('a', 3)]))
    @case
    def seq_nonmod(): nn.Sequential(3)
    @case
    def md_order(): d = nn.ModuleDict({'b': R(), 'a': nn.Tanh()}); d.update(OrderedDict([('c', R())])); d.update(nn.ModuleDict({'d': R()})); return list(d), list(d.keys())
    @case
    def md_update_dict_sorted(): d = nn.ModuleDict(); d.update({'z': R(), 'a': R()}); return list(d)
    @case
    def md_getattr(): d = nn.ModuleDict({'a': R()}); return type(d.a).__name__
    @case
    def md_del(): d = nn.ModuleDict({'a': R()}); del d['a']; return len(d)
    @case
    def md_del_missing(): d = nn.ModuleDict(); del d['a']
    @case
    def md_pop_missing(): nn.ModuleDict().pop('a')
    @case
    def md_iter(): return list(iter(nn.ModuleDict({'x': R(), 'y': R()})))
    @case
    def md_contains(): return 'x' in nn.ModuleDict({'x': R()})
    @case
    def md_set_int_key(): d = nn.ModuleDict(); d[1] = R()
    @case
    def md_update_seq(): d = nn.ModuleDict(); d.update([('a', R()), ['b', nn.Tanh()]]); return list(d)
    @case
    def md_update_bad_elem(): d = nn.ModuleDict(); d.update([R()])
    @case
    def md_repr_empty(): return str(nn.ModuleDict())
    @case
    def pl_repr_types(): return str(nn.ParameterList([T.ones(2, dtype=T.float64), T.ones(1, dtype=T.int64), nn.Parameter(T.ones(2, 3)), None]))
    @case
    def pl_int_tensor(): nn.ParameterList([T.ones(1, dtype=T.int64)])
    @case
    def pl_none(): p = nn.ParameterList([None]); return str(p), list(p.state_dict()), len(p)
    @case
    def pl_setitem_neg(): p = nn.ParameterList([T.ones(1), T.ones(2)]); p[-1] = T.zeros(3); return tdesc(p[1]), list(p._parameters)
    @case
    def pl_getitem_neg(): p = nn.ParameterList([T.ones(1), T.ones(2)]); return tdesc(p[-1])
    @case
    def pl_iter(): return [tdesc(x) for x in nn.ParameterList([T.ones(1), T.ones(2)])]
    @case
    def pl_dir(): return '0' in dir(nn.ParameterList([T.ones(1)]))
    @case
    def pl_params(): return [k for k, _ in nn.ParameterList([T.ones(1), 'a', T.ones(2)]).named_parameters()]
    @case
    def pl_module(): p = nn.ParameterList([R()]); return list(p._modules), str(p)
    @case
    def pl_requires_grad(): return nn.ParameterList([T.ones(1)])[0].requires_grad
    @case
    def pd_repr(): return str(nn.ParameterDict({'a': T.ones(2), 'b': None, 'c': R(), 'd': 'x'}))
    @case
    def pd_order(): d = nn.ParameterDict({'b': T.ones(1), 'a': T.ones(1)}); d.update({'z': T.ones(1), 'c': T.ones(1)}); return list(d)
    @case
    def pd_update_pd(): d = nn.ParameterDict({'b': T.ones(1)}); d.update(nn.ParameterDict({'z': T.ones(1), 'c': T.ones(1)})); return list(d)
    @case
    def pd_del(): d = nn.ParameterDict({'a': T.ones(1)}); del d['a']; return len(d), list(d.state_dict())
    @case
    def pd_int_key(): d = nn.ParameterDict(); d[1] = T.ones(1)
    @case
    def pd_keys_values(): d = nn.ParameterDict({'a': T.ones(1)}); return list(d.keys()), [tdesc(v) for v in d.values()], [(k, tdesc(v)) for k, v in d.items()]
    @case
    def pd_popitem(): d = nn.ParameterDict({'a': T.ones(1), 'b': T.ones(2)}); k, v = d.popitem(); return k, tdesc(v), list(d)
    @case
    def pd_popitem_empty(): nn.ParameterDict().popitem()
    @case
    def pd_clear(): d = nn.ParameterDict({'a': T.ones(1)}); d.clear(); return len(d)
    @case
    def pd_ror(): return str(nn.ParameterDict({'b': T.ones(1)}).__ror__({'a': T.ones(1)}))
    @case
    def pd_ior(): d = nn.ParameterDict({'a': T.ones(1)}); d |= {'b': T.ones(2)}; return list(d)
    @case
    def pd_reversed(): return list(reversed(nn.ParameterDict({'a': T.ones(1), 'b': T.ones(1)})))
    @case
    def pd_setdefault(): d = nn.ParameterDict(); r = d.setdefault('a'); return r, list(d)
    @case
    def pd_get_missing(): return nn.ParameterDict().get('a')
    @case
    def pd_deepcopy(): d = nn.ParameterDict({'a': T.ones(1)}); c = copy.deepcopy(d); return list(c), tdesc(c['a'])
    @case
    def pd_pickle(): d = nn.ParameterDict({'a': T.ones(1)}); c = pickle.loads(pickle.dumps(d)); return list(c), tdesc(c['a'])
    @case
    def pl_pickle(): d = nn.ParameterList([T.ones(1)]); c = pickle.loads(pickle.dumps(d)); return len(c), tdesc(c[0])
    @case
    def pl_deepcopy(): d = nn.ParameterList([T.ones(1)]); c = copy.deepcopy(d); return len(c), tdesc(c[0]), c[0] is not d[0]
    @case
    def pl_to(): return tdesc(nn.ParameterList([T.ones(1)]).double()[0])
    @case
    def pd_to(): return tdesc(nn.ParameterDict({'a': T.ones(1)}).double()['a'])
    @case
    def pl_load(): d = nn.ParameterList([T.ones(1)]); return repr(d.load_state_dict({'0': T.zeros(1)})), tdesc(d[0])
    @case
    def pd_load_bad(): nn.ParameterDict({'a': T.ones(1)}).load_state_dict({'b': T.zeros(1)})
    @case
    def ml_sd(): return list(nn.ModuleList([nn.Linear(1, 1), nn.ReLU(), nn.Linear(1, 1)]).state_dict())
    @case
    def seq_sd_named(): return list(nn.Sequential(OrderedDict([('fc', nn.Linear(1, 1))])).state_dict())

    return {f.__name__: f for f in CASES}
