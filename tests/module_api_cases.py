"""nn.Module API cases run in both libraries by test_module_mechanics.py:
attribute and registration rules and their errors, lookup by dotted name,
traversal, shared parameters, state_dict and load_state_dict."""
import copy
import pickle

from module_api_common import helpers


def build(T):
    """{case name: case(T)} with every case bound to the library T."""
    nn = T.nn
    case, CASES, tdesc, lin, net = helpers(T)

    @case
    def setattr_tensor_param(): m = lin(); m.weight = T.zeros(2, 3)
    @case
    def setattr_int_param(): m = lin(); m.weight = 3
    @case
    def setattr_none_param(): m = lin(); m.weight = None; return list(m.state_dict()), m.weight
    @case
    def setattr_module_before_init():
        class M(nn.Module):
            def __init__(self): self.l = nn.Linear(1, 1)
        M()
    @case
    def setattr_param_before_init():
        class M(nn.Module):
            def __init__(self): self.p = nn.Parameter(T.ones(1))
        M()
    @case
    def setattr_buffer_before_init():
        class M(nn.Module):
            def __init__(self): self.register_buffer('b', T.ones(1))
        M()
    @case
    def setattr_tensor_before_init():
        class M(nn.Module):
            def __init__(self): self.t = T.ones(1); super().__init__()
        return sorted(k for k in M().__dict__ if not k.startswith('_'))
    @case
    def setattr_child_int(): m = net(); m.a = 3
    @case
    def setattr_buffer_int(): m = net(); m.rb = 3
    @case
    def setattr_buffer_tensor(): m = net(); m.rb = T.zeros(3); return list(m.state_dict()), sorted(m._buffers)
    @case
    def setattr_np_buffer(): m = net(); m.np = T.zeros(3); return list(m.state_dict()), sorted(m._non_persistent_buffers_set)
    @case
    def setattr_Buffer(): m = lin(); m.z = nn.Buffer(T.ones(2), persistent=False); return list(m.state_dict()), list(m._buffers)
    @case
    def setattr_replace(): m = net(); m.a = nn.Parameter(T.ones(1)); return list(m.state_dict()), list(m._modules)
    @case
    def getattr_missing(): lin().foo
    @case
    def getattr_missing_class(): nn.Sequential().foo
    @case
    def delattr_param(): m = lin(); del m.weight; return list(m.state_dict())
    @case
    def delattr_missing(): m = lin(); del m.foo
    @case
    def delattr_buffer(): m = net(); del m.rb; return list(m.state_dict())
    @case
    def delattr_module(): m = net(); del m.b; return list(m.state_dict())
    @case
    def reg_buffer_dot(): lin().register_buffer('a.b', T.ones(1))
    @case
    def reg_buffer_empty(): lin().register_buffer('', T.ones(1))
    @case
    def reg_buffer_exists(): lin().register_buffer('weight', T.ones(1))
    @case
    def reg_buffer_exists_attr(): m = lin(); m.x = 1; m.register_buffer('x', T.ones(1))
    @case
    def reg_buffer_nonstr(): lin().register_buffer(1, T.ones(1))
    @case
    def reg_buffer_nontensor(): lin().register_buffer('q', 3)
    @case
    def reg_buffer_none(): m = lin(); m.register_buffer('q', None); return list(m.state_dict()), list(m._buffers), m.q
    @case
    def reg_buffer_param(): m = lin(); m.register_buffer('q', nn.Parameter(T.ones(1))); return list(m.state_dict()), list(m._buffers), list(m._parameters)
    @case
    def reg_param_dot(): lin().register_parameter('a.b', nn.Parameter(T.ones(1)))
    @case
    def reg_param_empty(): lin().register_parameter('', nn.Parameter(T.ones(1)))
    @case
    def reg_param_exists(): m = lin(); m.x = 1; m.register_parameter('x', nn.Parameter(T.ones(1)))
    @case
    def reg_param_exists2(): m = lin(); m.register_parameter('training', nn.Parameter(T.ones(1)))
    @case
    def reg_param_tensor(): lin().register_parameter('q', T.ones(1))
    @case
    def reg_param_nonleaf(): lin().register_parameter('q', nn.Parameter(T.ones(1)) * 2)
    @case
    def reg_param_nonstr(): lin().register_parameter(None, nn.Parameter(T.ones(1)))
    @case
    def reg_param_none(): m = lin(); m.register_parameter('q', None); return list(m.state_dict()), list(m._parameters)
    @case
    def add_module_dot(): lin().add_module('a.b', nn.ReLU())
    @case
    def add_module_empty(): lin().add_module('', nn.ReLU())
    @case
    def add_module_exists(): lin().add_module('weight', nn.ReLU())
    @case
    def add_module_nonmod(): lin().add_module('x', 3)
    @case
    def add_module_nonstr(): lin().add_module(3, nn.ReLU())
    @case
    def register_module_dot(): lin().register_module('a.b', nn.ReLU())
    @case
    def add_module_none(): m = lin(); m.add_module('x', None); return list(m._modules), str(m)
    @case
    def get_submodule_ok(): return repr(net().get_submodule('b.1'))
    @case
    def get_submodule_missing(): net().get_submodule('b.5')
    @case
    def get_submodule_missing2(): net().get_submodule('c')
    @case
    def get_submodule_notmod(): net().get_submodule('a.weight')
    @case
    def get_submodule_empty(): return repr(net().get_submodule(''))
    @case
    def get_parameter_ok(): return tdesc(net().get_parameter('b.1.bias'))
    @case
    def get_parameter_missing(): net().get_parameter('b.1.foo')
    @case
    def get_parameter_notparam(): net().get_parameter('rb')
    @case
    def get_parameter_mod(): net().get_parameter('b')
    @case
    def get_parameter_badpath(): net().get_parameter('x.weight')
    @case
    def get_buffer_ok(): return tdesc(net().get_buffer('rb'))
    @case
    def get_buffer_missing(): net().get_buffer('zz')
    @case
    def get_buffer_notbuf(): net().get_buffer('a.weight')
    @case
    def get_extra_state(): net().get_extra_state()
    @case
    def set_submodule_ok(): m = net(); m.set_submodule('b.0', nn.Tanh()); return str(m)
    @case
    def set_submodule_new(): m = net(); m.set_submodule('b.z', nn.Tanh()); return str(m)
    @case
    def set_submodule_strict(): m = net(); m.set_submodule('b.z', nn.Tanh(), strict=True)
    @case
    def set_submodule_notmod(): m = net(); m.set_submodule('b.0', 3)
    @case
    def set_submodule_empty(): m = net(); m.set_submodule('', nn.Tanh())
    @case
    def set_submodule_attr(): m = net(); m.set_submodule('a.weight', nn.Tanh())
    @case
    def set_submodule_missingparent(): m = net(); m.set_submodule('q.r', nn.Tanh())
    @case
    def named_params(): return [(k, tdesc(v)) for k, v in net().named_parameters(prefix='m')]
    @case
    def named_params_norec(): return [k for k, v in net().named_parameters(recurse=False)]
    @case
    def named_buffers(): return [k for k, v in net().named_buffers(prefix='p', recurse=True)]
    @case
    def named_buffers_norec(): return [k for k, v in net().named_buffers(recurse=False)]
    @case
    def named_modules_(): return [k for k, v in net().named_modules(prefix='p')]
    def shared():
        l = nn.Linear(2, 2); s = nn.Sequential(l, nn.ReLU(), l); s.extra = nn.Linear(2, 2); s.extra.weight = l.weight; return s
    @case
    def shared_params(): return [k for k, v in shared().named_parameters()], len(list(shared().parameters()))
    @case
    def shared_params_nodup(): return [k for k, v in shared().named_parameters(remove_duplicate=False)]
    @case
    def shared_modules_nodup(): return [k for k, v in shared().named_modules(remove_duplicate=False)], len(list(shared().modules()))
    @case
    def shared_children(): return [k for k, v in shared().named_children()]
    @case
    def shared_sd(): return list(shared().state_dict())
    @case
    def shared_repr(): return str(shared())
    @case
    def shared_deepcopy(): s = copy.deepcopy(shared()); return s[0] is s[2], s.extra.weight is s[0].weight
    @case
    def shared_pickle(): s = pickle.loads(pickle.dumps(shared())); return s[0] is s[2], s.extra.weight is s[0].weight
    @case
    def sd_meta(): return {k: dict(v) for k, v in net().state_dict()._metadata.items()}
    @case
    def sd_prefix(): return list(net().state_dict(prefix='z.'))
    @case
    def sd_prefix_meta(): return {k: dict(v) for k, v in net().state_dict(prefix='z.')._metadata.items()}
    @case
    def sd_keep(): return [(k, type(v).__name__, v.requires_grad) for k, v in net().state_dict(keep_vars=True).items()]
    @case
    def sd_nokeep(): return [(k, type(v).__name__, v.requires_grad, v.is_leaf) for k, v in net().state_dict().items()]
    @case
    def sd_type(): return type(net().state_dict()).__name__
    @case
    def sd_positional(): return list(net().state_dict(None, 'q.'))
    @case
    def sd_dest(): d = {}; r = net().state_dict(d); return r is d, list(d)
    @case
    def sd_bn(): return [(k, tdesc(v)) for k, v in nn.BatchNorm1d(2).state_dict().items()], dict(nn.BatchNorm1d(2).state_dict()._metadata)
    @case
    def load_ok(): return repr(net().load_state_dict(net().state_dict()))
    @case
    def load_missing():
        sd = net().state_dict(); del sd['a.bias']; net().load_state_dict(sd)
    @case
    def load_unexpected():
        sd = net().state_dict(); sd['zz'] = T.ones(1); sd['a.zz'] = T.ones(1); net().load_state_dict(sd)
    @case
    def load_both():
        sd = net().state_dict(); sd['zz'] = T.ones(1); del sd['a.bias']; del sd['rb']; net().load_state_dict(sd)
    @case
    def load_shape():
        sd = net().state_dict(); sd['a.weight'] = T.ones(5, 3); sd['rb'] = T.ones(3); net().load_state_dict(sd)
    @case
    def load_shape_nonstrict():
        m = net(); sd = m.state_dict(); sd['a.weight'] = T.ones(5, 3); del sd['rb']; m.load_state_dict(sd, strict=False)
    @case
    def load_nonstrict():
        m = net(); sd = net().state_dict(); sd['zz'] = T.ones(1); del sd['a.bias']; r = m.load_state_dict(sd, strict=False)
        return repr(r), r.missing_keys, r.unexpected_keys, tuple(r), type(r).__name__
    @case
    def load_nonstrict_ok(): return repr(net().load_state_dict(net().state_dict(), strict=False))
    @case
    def load_all_errors():
        sd = net().state_dict(); sd['zz'] = T.ones(1); del sd['a.bias']; sd['a.weight'] = T.ones(1); net().load_state_dict(sd)
    @case
    def load_values():
        m = net(); sd = {k: v + 1 for k, v in net().state_dict().items()}; m.load_state_dict(sd)
        return [(k, tdesc(v)) for k, v in m.state_dict(keep_vars=True).items()]
    @case
    def load_dtype():
        m = lin(); m.load_state_dict({'weight': T.ones(2, 3, dtype=T.float64), 'bias': T.ones(2, dtype=T.int64)})
        return [(k, tdesc(v)) for k, v in m.state_dict(keep_vars=True).items()]
    @case
    def load_assign():
        m = lin(); w = T.ones(2, 3, dtype=T.float64); m.load_state_dict({'weight': w, 'bias': T.ones(2)}, assign=True)
        return [(k, tdesc(v)) for k, v in m.state_dict(keep_vars=True).items()], m.weight is w, type(m.weight).__name__
    @case
    def load_assign_param():
        m = lin(); w = nn.Parameter(T.ones(2, 3), requires_grad=False); m.load_state_dict({'weight': w, 'bias': T.ones(2)}, assign=True)
        return tdesc(m.weight), m.weight is w
    @case
    def load_nontensor():
        lin().load_state_dict({'weight': 3, 'bias': T.ones(2)})
    @case
    def load_notmapping(): lin().load_state_dict([1, 2])
    @case
    def load_nonstr_key(): lin().load_state_dict({'weight': T.ones(2, 3), 'bias': T.ones(2), 3: T.ones(1)})
    @case
    def load_nested_missing():
        s = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Linear(2, 2))); s.load_state_dict({'0.weight': T.ones(2, 2)})
    @case
    def load_untouched():
        m = lin(); sd = m.state_dict(); sd = {k: v.clone() + 5 for k, v in sd.items()}; sd['weight'] = T.ones(9)
        try: m.load_state_dict(sd)
        except RuntimeError: pass
        return tdesc(m.bias)
    @case
    def load_bn_nbt():
        m = nn.BatchNorm1d(2); sd = m.state_dict(); del sd['num_batches_tracked']; return repr(m.load_state_dict(sd))
    @case
    def load_bn_nbt_strict():
        m = nn.BatchNorm1d(2); sd = m.state_dict(); del sd['num_batches_tracked']; sd._metadata[''] = {'version': 1}; return repr(m.load_state_dict(sd))
    @case
    def load_seq_prefix_unexpected():
        s = nn.Sequential(nn.Linear(2, 2)); sd = s.state_dict(); sd['0.weight.x'] = T.ones(1); s.load_state_dict(sd)
    @case
    def load_extra_state():
        class M(nn.Module):
            def __init__(self): super().__init__(); self.s = 1
            def get_extra_state(self): return {'s': self.s}
            def set_extra_state(self, st): self.s = st['s']
        m = M(); sd = m.state_dict(); sd['_extra_state'] = {'s': 7}; m.load_state_dict(sd); return list(M().state_dict()), m.s
    @case
    def load_extra_missing():
        class M(nn.Module):
            def get_extra_state(self): return 1
            def set_extra_state(self, st): pass
        M().load_state_dict({})
    return {f.__name__: f for f in CASES}
