"""More nn.Module API cases for test_module_mechanics.py: full backward
hooks on multi-input/-output modules and their errors, hook ordering,
state_dict/load hooks, load_state_dict corners, attribute replacement rules,
the containers' indexing and errors, Parameter copies and pickles."""
import copy
import pickle
import warnings

from module_api_common import helpers


def build(T):
    """{case name: case(T)} with every case bound to the library T."""
    nn = T.nn
    case, CASES, tdesc, lin, net = helpers(T)

    @case
    def bwd_hook_gradfn():
        m = lin(); m.register_full_backward_hook(lambda *a: None); x = T.ones(1, 3, requires_grad=True); return tdesc(m(x))
    @case
    def bwd_pre_hook_gradfn():
        m = lin(); m.register_full_backward_pre_hook(lambda *a: None); return tdesc(m(T.ones(1, 3)))
    @case
    def bwd_hook_bilinear():
        log = []
        T.manual_seed(0); m = nn.Bilinear(2, 3, 2); m.register_full_backward_hook(lambda mod, gi, go: log.append((tdesc(gi), tdesc(go))))
        a = T.ones(1, 2, requires_grad=True); b = T.ones(1, 3); m(a, b).sum().backward(); return log
    @case
    def bwd_hook_lstm():
        log = []
        T.manual_seed(0); m = nn.LSTM(2, 3); m.register_full_backward_hook(lambda mod, gi, go: log.append((tdesc(gi), tdesc(go))))
        x = T.ones(2, 1, 2, requires_grad=True); o, (h, c) = m(x); o.sum().backward(); return log
    @case
    def bwd_hook_mha():
        log = []
        T.manual_seed(0); m = nn.MultiheadAttention(4, 2); m.register_full_backward_hook(lambda mod, gi, go: log.append((tdesc(gi), tdesc(go))))
        x = T.ones(2, 1, 4, requires_grad=True); o, w = m(x, x, x); o.sum().backward(); return log
    @case
    def bwd_hook_inplace_relu():
        m = nn.ReLU(inplace=True); m.register_full_backward_hook(lambda *a: None)
        x = T.ones(1, 3, requires_grad=True) * 1; m(x).sum().backward()
    @case
    def bwd_hook_inplace_after():
        m = lin(); m.register_full_backward_hook(lambda *a: None)
        y = m(T.ones(1, 3, requires_grad=True)); y.add_(1)
    @case
    def bwd_hook_output_view():
        m = lin(); m.register_full_backward_hook(lambda *a: None)
        y = m(T.ones(1, 3, requires_grad=True)); return tdesc(y[0]), y._version
    @case
    def bwd_hook_bad_count():
        m = lin(); m.register_full_backward_hook(lambda mod, gi, go: (gi[0], gi[0]))
        m(T.ones(1, 3, requires_grad=True)).sum().backward()
    @case
    def bwd_hook_bad_type():
        m = lin(); m.register_full_backward_hook(lambda mod, gi, go: 3)
        m(T.ones(1, 3, requires_grad=True)).sum().backward()
    @case
    def bwd_pre_hook_bad_count():
        m = lin(); m.register_full_backward_pre_hook(lambda mod, go: (go[0], go[0]))
        m(T.ones(1, 3, requires_grad=True)).sum().backward()
    @case
    def bwd_hook_mix():
        m = lin(); m.register_backward_hook(lambda *a: None); m.register_full_backward_hook(lambda *a: None)
    @case
    def bwd_hook_mix2():
        m = lin(); m.register_full_backward_hook(lambda *a: None); m.register_backward_hook(lambda *a: None)
    @case
    def old_bwd_hook_call():
        log = []
        m = lin(); m.register_backward_hook(lambda mod, gi, go: log.append((tdesc(gi), tdesc(go))))
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m(T.ones(1, 3, requires_grad=True)).sum().backward()
        return log, [str(x.message)[:120] for x in w]
    @case
    def bwd_hook_nontensor_out():
        class M(nn.Module):
            def forward(self, x): return {'a': x * 2}
        log = []
        m = M(); m.register_full_backward_hook(lambda mod, gi, go: log.append(1))
        x = T.ones(2, requires_grad=True); m(x)['a'].sum().backward(); return log, tdesc(x.grad)
    @case
    def bwd_hook_no_grad_input():
        log = []
        m = lin(); m.register_full_backward_hook(lambda mod, gi, go: log.append((tdesc(gi), tdesc(go))))
        with T.no_grad(): y = m(T.ones(1, 3))
        return log, tdesc(y)
    @case
    def bwd_hook_twice_forward():
        log = []
        m = lin(); m.register_full_backward_hook(lambda mod, gi, go: log.append(tdesc(go)))
        x = T.ones(1, 3, requires_grad=True); y = m(x) + m(x * 2); y.sum().backward(); return log
    @case
    def bwd_hook_kwargs_input():
        log = []
        m = lin(); m.register_full_backward_hook(lambda mod, gi, go: log.append(tdesc(gi)))
        x = T.ones(1, 3, requires_grad=True); m(input=x).sum().backward(); return log
    @case
    def bwd_hook_retain():
        log = []
        m = lin(); m.register_full_backward_hook(lambda mod, gi, go: log.append(1))
        x = T.ones(1, 3, requires_grad=True); y = m(x).sum(); y.backward(retain_graph=True); y.backward(); return log, tdesc(x.grad)
    @case
    def fwd_pre_hook_returns_nontuple():
        m = nn.Identity(); m.register_forward_pre_hook(lambda mod, inp: 5); return m(3)
    @case
    def fwd_pre_hook_returns_tuple2():
        class M(nn.Module):
            def forward(self, a, b): return a + b
        m = M(); m.register_forward_pre_hook(lambda mod, inp: (inp[0], inp[1] * 10)); return tdesc(m(T.ones(1), T.ones(1)))
    @case
    def fwd_hook_with_kwargs_retval():
        m = lin(); m.register_forward_hook(lambda mod, a, k, out: out * 0, with_kwargs=True); return tdesc(m(T.ones(1, 3)))
    @case
    def fwd_hook_always_pre_raises():
        log = []
        m = lin(); m.register_forward_pre_hook(lambda *a: 1/0); m.register_forward_hook(lambda *a: log.append('a'), always_call=True)
        try: m(T.ones(1, 3))
        except ZeroDivisionError as e: log.append(str(e))
        return log
    @case
    def fwd_hook_remove_during():
        log = []
        m = lin()
        def h(*a): log.append(1); hd.remove()
        hd = m.register_forward_hook(h); m(T.ones(1, 3)); m(T.ones(1, 3)); return log
    @case
    def fwd_hooks_order_global_local():
        log = []
        m = lin()
        m.register_forward_hook(lambda *a: log.append('local'))
        m.register_forward_pre_hook(lambda *a: log.append('localpre'))
        h = nn.modules.module.register_module_forward_hook(lambda *a: log.append('global'))
        h2 = nn.modules.module.register_module_forward_pre_hook(lambda *a: log.append('globalpre'))
        try: m(T.ones(1, 3))
        finally: h.remove(); h2.remove()
        return log
    @case
    def global_hook_always():
        log = []
        h = nn.modules.module.register_module_forward_hook(lambda *a: log.append('g'), always_call=True)
        try:
            lin()(T.ones(1, 5))
        except RuntimeError: log.append('err')
        finally: h.remove()
        return log
    @case
    def global_hook_kwargs():
        h = nn.modules.module.register_module_forward_hook(lambda *a: None, with_kwargs=True)
        h.remove()
    @case
    def sd_post_hook_returns():
        m = lin(); m.register_state_dict_post_hook(lambda *a: {'x': 1}); m.state_dict()
    @case
    def sd_pre_hook_returns():
        m = lin(); m.register_state_dict_pre_hook(lambda *a: 3); return list(m.state_dict())
    @case
    def load_post_hook_error_keys():
        m = lin(); m.register_load_state_dict_post_hook(lambda mod, k: k.missing_keys.append('q')); m.load_state_dict(lin().state_dict())
    @case
    def load_pre_hook_module_kw():
        log = []
        m = lin(); m._register_load_state_dict_pre_hook(lambda mod, sd, p, lm, s, mk, uk, em: log.append(type(mod).__name__), with_module=True)
        m.load_state_dict(lin().state_dict()); return log
    @case
    def load_pre_hook_errs():
        m = lin(); m.register_load_state_dict_pre_hook(lambda mod, sd, p, lm, s, mk, uk, em: em.append('bad thing'))
        m.load_state_dict(lin().state_dict())
    @case
    def load_pre_hook_errs_nonstrict():
        m = lin(); m.register_load_state_dict_pre_hook(lambda mod, sd, p, lm, s, mk, uk, em: em.append('bad thing'))
        m.load_state_dict(lin().state_dict(), strict=False)
    @case
    def load_size_nonstrict():
        m = lin(); m.load_state_dict({'weight': T.ones(3, 3)}, strict=False)
    @case
    def load_nested_msg():
        s = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Linear(2, 3)))
        sd = s.state_dict(); sd['1.0.weight'] = T.ones(2, 2); sd['1.0.extra'] = T.ones(1); del sd['0.bias']; s.load_state_dict(sd)
    @case
    def load_no_metadata():
        m = nn.BatchNorm1d(2); sd = dict(m.state_dict()); del sd['num_batches_tracked']; m.load_state_dict(sd)
    @case
    def load_bn_v1():
        from collections import OrderedDict
        m = nn.BatchNorm1d(2); sd = OrderedDict(m.state_dict()); del sd['num_batches_tracked']; sd._metadata = {'': {'version': 1}}; return repr(m.load_state_dict(sd)), tdesc(m.num_batches_tracked)
    @case
    def load_scalar_into_1():
        m = nn.BatchNorm1d(2); sd = m.state_dict(); sd['num_batches_tracked'] = T.tensor([5]); m.load_state_dict(sd); return tdesc(m.num_batches_tracked)
    @case
    def load_nonpersistent_key():
        class M(nn.Module):
            def __init__(self): super().__init__(); self.register_buffer('b', T.ones(1), persistent=False)
        M().load_state_dict({'b': T.ones(1)})
    @case
    def load_none_param():
        m = nn.Linear(2, 2, bias=False); m.load_state_dict({'weight': T.ones(2, 2), 'bias': T.ones(2)})
    @case
    def load_requires_grad_param():
        m = lin(); v = m.weight._version; m.load_state_dict({'weight': T.ones(2, 3, requires_grad=True), 'bias': T.ones(2)}); return tdesc(m.weight), m.weight._version - v
    @case
    def load_assign_buffer():
        m = nn.BatchNorm1d(2); sd = m.state_dict(); rm = T.ones(2, dtype=T.float64); sd['running_mean'] = rm
        m.load_state_dict(sd, assign=True); return m.running_mean is rm, tdesc(m.running_mean)
    @case
    def load_assign_shape():
        m = lin(); m.load_state_dict({'weight': T.ones(4, 3), 'bias': T.ones(2)}, assign=True)
    @case
    def load_assign_nonstrict_missing():
        m = lin(); r = m.load_state_dict({'weight': T.ones(2, 3)}, assign=True, strict=False); return repr(r), tdesc(m.weight)
    @case
    def incompat_eq():
        m = lin(); r = m.load_state_dict({}, strict=False); return r == ([], []), r.missing_keys, r[0], len(r)
    @case
    def sd_none_buffer():
        m = nn.BatchNorm1d(2, track_running_stats=False); return list(m.state_dict()), list(m._buffers.items())
    @case
    def sd_values_share():
        m = lin(); sd = m.state_dict(); sd['weight'].zero_(); return tdesc(m.weight)
    @case
    def sd_detached():
        m = lin(); v = m.state_dict()['weight']; return v.requires_grad, v.is_leaf, type(v).__name__, v._version
    @case
    def sd_extra_state_repr():
        class M(nn.Module):
            def get_extra_state(self): return {'a': 1}
            def set_extra_state(self, s): pass
        return list(nn.Sequential(M()).state_dict().items())
    @case
    def named_modules_memo():
        s = nn.Sequential(nn.ReLU(), nn.Tanh()); memo = {s[0]}; return [k for k, _ in s.named_modules(memo=memo)]
    @case
    def params_norecurse_seq(): return len(list(nn.Sequential(nn.Linear(1, 1)).parameters(recurse=False)))
    @case
    def named_params_prefix_norec(): return [k for k, _ in lin().named_parameters(prefix='x', recurse=False)]
    @case
    def set_param_over_attr():
        m = lin(); m.foo = 3; m.foo = nn.Parameter(T.ones(1)); return 'foo' in m.__dict__, list(m._parameters)
    @case
    def set_module_over_param():
        m = lin(); m.weight = nn.ReLU(); return list(m._parameters), list(m._modules)
    @case
    def set_buffer_over_param():
        m = lin(); m.weight = nn.Buffer(T.ones(1)); return list(m._parameters), list(m._buffers)
    @case
    def set_tensor_over_module():
        s = nn.Sequential(nn.ReLU()); s.__setattr__('0', T.ones(1))
    @case
    def set_none_module():
        s = nn.Sequential(nn.ReLU(), nn.Tanh()); setattr(s, '0', None); return str(s), len(s)
    @case
    def set_param_nonleaf():
        m = lin(); m.weight = nn.Parameter(T.ones(1)) * 2
    @case
    def set_param_nonleaf_param():
        m = lin(); p = nn.Parameter(T.ones(2)); q = p * 2; q.__class__ = nn.Parameter; m.weight = q
    @case
    def del_then_set():
        m = lin(); del m.weight; m.weight = T.ones(1); return 'weight' in m.__dict__, list(m.state_dict())
    @case
    def reg_param_none_then_tensor():
        m = lin(); m.register_parameter('q', None); m.q = T.ones(1)
    @case
    def reg_buffer_persistent_kw(): m = lin(); m.register_buffer('q', T.ones(1), False); return list(m.state_dict()), sorted(m._non_persistent_buffers_set)
    @case
    def buffer_requires_grad():
        m = lin(); m.register_buffer('q', T.ones(1, requires_grad=True)); return [(k, v.requires_grad) for k, v in m.named_buffers()], list(m.state_dict())
    @case
    def getattr_class_attr(): return nn.Linear(1, 1).__constants__
    @case
    def getattr_property_error():
        class M(nn.Module):
            @property
            def p(self): return self.missing
        M().p
    @case
    def getattr_before_init():
        class M(nn.Module):
            def __init__(self): self.x
        M()
    @case
    def mlist_index():
        l = nn.ModuleList([nn.ReLU()]); l[3]
    @case
    def mlist_index_neg(): return repr(nn.ModuleList([nn.ReLU(), nn.Tanh()])[-1])
    @case
    def mlist_index_str(): nn.ModuleList([nn.ReLU()])['a']
    @case
    def mlist_slice(): return repr(nn.ModuleList([nn.ReLU(), nn.Tanh(), nn.ReLU()])[1:])
    @case
    def mlist_insert():
        l = nn.ModuleList([nn.ReLU(), nn.Tanh()]); l.insert(1, nn.Sigmoid()); l.insert(-1, nn.Identity()); return str(l)
    @case
    def mlist_del():
        l = nn.ModuleList([nn.ReLU(), nn.Tanh(), nn.Sigmoid()]); del l[0]; del l[-1]; return str(l), list(l._modules)
    @case
    def mlist_append_nonmod(): nn.ModuleList().append(3)
    @case
    def mlist_extend_nonit(): nn.ModuleList().extend(3)
    @case
    def mlist_setitem_bad(): l = nn.ModuleList([nn.ReLU()]); l[0] = 3
    @case
    def mlist_pop(): l = nn.ModuleList([nn.ReLU(), nn.Tanh()]); return repr(l.pop(0)), str(l)
    @case
    def mlist_add(): return str(nn.ModuleList([nn.ReLU()]) + nn.ModuleList([nn.Tanh()]))
    @case
    def mlist_dir(): d = dir(nn.ModuleList([nn.ReLU()])); return '0' in d
    @case
    def seq_index_err(): nn.Sequential(nn.ReLU())[2]
    @case
    def seq_slice(): return repr(nn.Sequential(nn.ReLU(), nn.Tanh())[::-1])
    @case
    def seq_dict(): from collections import OrderedDict; return str(nn.Sequential(OrderedDict([('a', nn.ReLU()), ('b', nn.Tanh())])))
    @case
    def seq_del_slice(): s = nn.Sequential(nn.ReLU(), nn.Tanh(), nn.Sigmoid()); del s[0:2]; return str(s)
    @case
    def seq_insert_bad(): nn.Sequential(nn.ReLU()).insert(5, nn.Tanh())
    @case
    def seq_append(): s = nn.Sequential(); r = s.append(nn.ReLU()); return r is s, str(s)
    @case
    def seq_extend(): s = nn.Sequential(nn.ReLU()); s.extend([nn.Tanh()]); return str(s)
    @case
    def seq_forward_multi(): nn.Sequential(nn.ReLU())(T.ones(1), T.ones(1))
    @case
    def seq_add_bad(): nn.Sequential() + 3
    @case
    def seq_mul(): return str(nn.Sequential(nn.ReLU()) * 2)
    @case
    def mdict_key(): nn.ModuleDict()['x']
    @case
    def mdict_ops():
        d = nn.ModuleDict({'b': nn.ReLU(), 'a': nn.Tanh()}); d.update({'c': nn.Sigmoid()}); p = d.pop('b')
        return list(d.keys()), repr(p), 'a' in d, len(d), [repr(v) for v in d.values()], [k for k, v in d.items()]
    @case
    def mdict_update_bad(): nn.ModuleDict().update(3)
    @case
    def mdict_update_bad2(): nn.ModuleDict().update([1])
    @case
    def mdict_update_bad3(): nn.ModuleDict().update([(1, 2, 3)])
    @case
    def mdict_set_bad(): d = nn.ModuleDict(); d['a'] = 3
    @case
    def mdict_key_dot(): d = nn.ModuleDict(); d['a.b'] = nn.ReLU()
    @case
    def mdict_clear(): d = nn.ModuleDict({'a': nn.ReLU()}); d.clear(); return len(d), str(d)
    @case
    def plist_ops():
        p = nn.ParameterList([nn.Parameter(T.ones(2))]); p.append(T.zeros(1)); p.extend([T.ones(3)]); p += [T.ones(4)]
        return str(p), [tdesc(x) for x in p], list(p._parameters), len(p)
    @case
    def plist_index(): nn.ParameterList([nn.Parameter(T.ones(1))])[2]
    @case
    def plist_setitem(): p = nn.ParameterList([nn.Parameter(T.ones(1))]); p[0] = T.zeros(2); return tdesc(p[0]), list(p.state_dict())
    @case
    def plist_slice(): p = nn.ParameterList([nn.Parameter(T.ones(1)), nn.Parameter(T.ones(2))]); return str(p[1:])
    @case
    def plist_extend_bad(): nn.ParameterList().extend(3)
    @case
    def plist_nonparam_obj(): p = nn.ParameterList(['a', 3]); return list(p.state_dict()), str(p), list(p._parameters)
    @case
    def plist_setattr(): p = nn.ParameterList(); p.foo = nn.Parameter(T.ones(1)); return list(p.state_dict()), len(p)
    @case
    def pdict_ops():
        d = nn.ParameterDict({'a': nn.Parameter(T.ones(1))}); d['b'] = T.zeros(2); d.update({'c': T.ones(3)})
        p = d.pop('a'); return str(d), tdesc(p), list(d.keys()), list(d.state_dict()), 'b' in d
    @case
    def pdict_get(): d = nn.ParameterDict({'a': nn.Parameter(T.ones(1))}); return tdesc(d.get('a')), d.get('z', 3), d.setdefault('q', T.ones(1)) is d['q']
    @case
    def pdict_key(): nn.ParameterDict()['x']
    @case
    def pdict_bad_update(): nn.ParameterDict().update(3)
    @case
    def pdict_fromkeys(): return str(nn.ParameterDict().fromkeys(['a', 'b'], T.ones(1)))
    @case
    def pdict_or(): return str(nn.ParameterDict({'a': T.ones(1)}) | nn.ParameterDict({'b': T.ones(2)}))
    @case
    def pdict_copy(): d = nn.ParameterDict({'a': T.ones(1)}); c = d.copy(); return c['a'] is d['a'], str(c)
    @case
    def plist_call(): nn.ParameterList()(1)
    @case
    def pdict_call(): nn.ParameterDict()(1)
    @case
    def mlist_call(): nn.ModuleList()(1)
    @case
    def mdict_call(): nn.ModuleDict()(1)
    @case
    def half_forward_error(): lin().half()(T.ones(1, 3))
    @case
    def zero_grad_create_graph():
        m = lin(); x = T.ones(1, 3); g, = T.autograd.grad(m(x).sum(), m.weight, create_graph=True); m.weight.grad = g; m.zero_grad(set_to_none=False); return tdesc(m.weight.grad)
    @case
    def to_memory_format():
        m = nn.Conv2d(2, 2, 1).to(memory_format=T.channels_last); return m.weight.is_contiguous(memory_format=T.channels_last), m.weight.stride()
    @case
    def to_copy(): lin().to(T.float64, copy=True)
    @case
    def to_non_blocking_pos(): return tdesc(lin().to(T.float64, True).weight)
    @case
    def type_bad(): lin().type(3)
    @case
    def get_submodule_list(): return repr(nn.Sequential(nn.ModuleList([nn.ReLU()]))).count('\n'), repr(nn.Sequential(nn.ModuleList([nn.ReLU()])).get_submodule('0.0'))
    @case
    def get_submodule_nonstr(): lin().get_submodule(3)
    @case
    def get_parameter_empty(): lin().get_parameter('')
    @case
    def register_module_none(): m = lin(); m.register_module('sub', None); return list(m._modules.items()), list(m.children())
    @case
    def apply_return(): return lin().apply(lambda m: 3) is not None
    @case
    def train_child_mode():
        m = nn.Sequential(nn.Dropout(), nn.Sequential(nn.Dropout())); m[1].eval(); m.train(); return [x.training for x in m.modules()]
    @case
    def dropout_repr_eval(): m = nn.Dropout(); m.eval(); return repr(m)
    @case
    def forward_unimplemented_sub():
        class M(nn.Module): pass
        M()(1)
    @case
    def module_str_class(): return str(type(lin())), repr(nn.Linear), nn.Module.__module__
    @case
    def buffer_class_obj(): b = nn.Buffer(T.ones(1), persistent=False); return type(b).__name__, isinstance(b, nn.Buffer), isinstance(T.ones(1), nn.Buffer)
    @case
    def param_isinstance(): p = nn.Parameter(T.ones(1)); return isinstance(p, T.Tensor), isinstance(T.ones(1), nn.Parameter), type(p * 2).__name__, type(p.detach()).__name__, type(p.data).__name__
    @case
    def param_int(): nn.Parameter(T.ones(1, dtype=T.int64))
    @case
    def param_int_norg(): return tdesc(nn.Parameter(T.ones(1, dtype=T.int64), requires_grad=False))
    @case
    def param_nontensor(): nn.Parameter([1.0])
    @case
    def param_default(): return tdesc(nn.Parameter())
    @case
    def param_deepcopy_grad():
        p = nn.Parameter(T.ones(2)); p.grad = T.ones(2); return copy.deepcopy(p).grad
    @case
    def tensor_deepcopy_grad():
        p = T.ones(2, requires_grad=True); p.grad = T.ones(2); return tdesc(copy.deepcopy(p).grad)
    @case
    def param_pickle_grad():
        p = nn.Parameter(T.ones(2)); p.grad = T.ones(2); return pickle.loads(pickle.dumps(p)).grad
    @case
    def param_attr_deepcopy():
        p = nn.Parameter(T.ones(2)); p.foo = 3; return getattr(copy.deepcopy(p), 'foo', None), getattr(pickle.loads(pickle.dumps(p)), 'foo', None)
    @case
    def module_deepcopy_sharedparam():
        m = lin(); s = nn.Sequential(m, m); c = copy.deepcopy(s); return c[0] is c[1], c[0].weight is s[0].weight
    @case
    def state_dict_after_hook_remove():
        m = lin(); h = m.register_state_dict_pre_hook(lambda *a: None); h.remove(); return len(m._state_dict_pre_hooks)
    @case
    def extra_repr_constants(): return nn.Linear.__constants__, nn.Conv2d.__constants__, nn.BatchNorm1d.__constants__
    @case
    def dict_keys_full(): return list(lin().__dict__)
    @case
    def dict_keys_lazy(): return list(nn.LazyLinear(2).__dict__)

    return {f.__name__: f for f in CASES}
