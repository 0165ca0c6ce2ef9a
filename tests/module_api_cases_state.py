"""nn.Module cases for test_module_mechanics.py: attribute rules around
properties, complex modules' conversions, state_dict/_metadata versions and
load_state_dict's version upgrades, error ordering and dtype casts,
gradients and optimizers across conversions, containers' repeated-block reprs."""
import warnings
from collections import OrderedDict

from module_api_common import helpers


def build(T):
    """{case name: case(T)} with every case bound to the library T."""
    nn = T.nn
    case, CASES, tdesc, lin, net = helpers(T)

    class WithProp(nn.Module):
        def __init__(self):
            super().__init__(); self._w = 1
        @property
        def w(self): return self._w
        @w.setter
        def w(self, v): self._w = v
        @property
        def ro(self): return 1

    @case
    def prop_param(): m = WithProp(); m.w = nn.Parameter(T.ones(1)); return list(m._parameters), m._w
    @case
    def prop_set(): m = WithProp(); m.w = 5; return m._w, m.w
    @case
    def prop_readonly(): m = WithProp(); m.ro = 5
    @case
    def prop_tensor(): m = WithProp(); m.w = T.ones(1); return tdesc(m._w)
    @case
    def prop_module(): m = WithProp(); m.w = nn.ReLU(); return list(m._modules), m._w
    @case
    def complex_to_float():
        m = lin().to(T.complex64); m.to(T.float64); return [tdesc(p) for p in m.parameters()]
    @case
    def complex_float(): m = lin().to(T.complex64); m.float(); m.double(); return [tdesc(p) for p in m.parameters()]
    @case
    def complex_half(): m = lin().to(T.complex64); m.half(); return [tdesc(p) for p in m.parameters()]
    @case
    def load_strict_int(): lin().load_state_dict(lin().state_dict(), strict=1)
    @case
    def load_ordered(): return repr(lin().load_state_dict(OrderedDict(lin().state_dict())))
    @case
    def load_none(): lin().load_state_dict(None)
    @case
    def sd_positional_warn(): return list(lin().state_dict(OrderedDict(), 'x.'))
    @case
    def sd_positional_keep(): return list(lin().state_dict(None, '', True))
    @case
    def sd_dest_kw(): d = OrderedDict(); r = lin().state_dict(destination=d); return r is d, hasattr(d, '_metadata')
    @case
    def sd_prefix_nested(): return list(nn.Sequential(nn.Sequential(nn.Linear(1, 1))).state_dict(prefix='m.'))
    @case
    def sd_metadata_nested(): return {k: dict(v) for k, v in nn.Sequential(nn.BatchNorm1d(1), nn.Sequential(nn.Linear(1, 1))).state_dict()._metadata.items()}
    @case
    def version_classes(): return [getattr(nn, n)._version for n in ('Linear', 'BatchNorm1d', 'LayerNorm', 'Embedding', 'MultiheadAttention', 'Conv2d', 'LSTM', 'GroupNorm', 'InstanceNorm1d', 'Module', 'Sequential')]
    @case
    def bn_running_var_load_old():
        m = nn.BatchNorm1d(2); sd = m.state_dict(); sd._metadata[''] = {'version': 1}; del sd['num_batches_tracked']; r = m.load_state_dict(sd); return repr(r), tdesc(m.num_batches_tracked)
    @case
    def bn_version_none():
        m = nn.BatchNorm1d(2); sd = m.state_dict(); del sd._metadata; del sd['num_batches_tracked']; return repr(m.load_state_dict(sd))
    @case
    def instnorm_load_running():
        m = nn.InstanceNorm1d(2); sd = {'running_mean': T.zeros(2), 'running_var': T.ones(2)}
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter('always'); r = m.load_state_dict(sd)
        return repr(r), [str(x.message) for x in w]
    @case
    def instnorm_load_running_strict_false():
        m = nn.InstanceNorm1d(2); sd = {'running_mean': T.zeros(2), 'running_var': T.ones(2)}
        return repr(m.load_state_dict(sd, strict=False))
    @case
    def mha_load_missing():
        m = nn.MultiheadAttention(4, 2); sd = m.state_dict(); del sd['in_proj_bias']; m.load_state_dict(sd)
    @case
    def unexpected_child_prefix():
        s = nn.Sequential(nn.Linear(1, 1)); sd = s.state_dict(); sd['1.weight'] = T.ones(1); sd['0.bias.x'] = T.ones(1); s.load_state_dict(sd)
    @case
    def missing_all(): nn.Sequential(nn.Linear(1, 1), nn.BatchNorm1d(1)).load_state_dict({})
    @case
    def load_with_extra_meta():
        m = lin(); sd = m.state_dict(); sd._metadata['zz'] = {'version': 3}; return repr(m.load_state_dict(sd))
    @case
    def load_param_into_buffer():
        m = nn.BatchNorm1d(2); sd = m.state_dict(); sd['running_mean'] = nn.Parameter(T.ones(2)); m.load_state_dict(sd); return tdesc(m.running_mean), type(m.running_mean).__name__
    @case
    def load_tensor_requires_grad_into_buffer_assign():
        m = nn.BatchNorm1d(2); sd = m.state_dict(); sd['running_mean'] = T.ones(2, requires_grad=True); m.load_state_dict(sd, assign=True); return tdesc(m.running_mean)
    @case
    def load_assign_keeps_requires_grad():
        m = lin(); m.weight.requires_grad_(False); m.load_state_dict({'weight': T.ones(2, 3), 'bias': T.ones(2)}, assign=True); return tdesc(m.weight), tdesc(m.bias), type(m.weight).__name__
    @case
    def load_noncontiguous(): m = lin(); m.load_state_dict({'weight': T.ones(3, 2).t(), 'bias': T.ones(2)}); return m.weight.is_contiguous()
    @case
    def load_error_order():
        m = nn.Sequential(nn.Linear(1, 2), nn.Linear(2, 1)); m.load_state_dict({'0.weight': T.ones(1), '1.bias': T.ones(5), 'x': T.ones(1)})
    @case
    def load_int_into_float():
        m = lin(); m.load_state_dict({'weight': T.ones(2, 3, dtype=T.int64), 'bias': T.ones(2, dtype=T.bool)}); return tdesc(m.weight), m.bias.tolist()
    @case
    def load_complex_into_float():
        m = lin(); m.load_state_dict({'weight': T.ones(2, 3, dtype=T.complex64), 'bias': T.ones(2)})
    @case
    def load_scalar_bn_shape():
        m = nn.BatchNorm1d(2); sd = m.state_dict(); sd['num_batches_tracked'] = T.tensor([1, 2]); m.load_state_dict(sd)
    @case
    def zero_grad_set_to_none_false_nograd():
        m = lin(); m.zero_grad(set_to_none=False); return m.weight.grad
    @case
    def zero_grad_after_double():
        m = lin(); m(T.ones(1, 3)).sum().backward(); m.double(); m.zero_grad(False); return tdesc(m.weight.grad)
    @case
    def grad_none_after_to():
        m = lin(); m(T.ones(1, 3)).sum().backward(); g = m.weight.grad; m.to(T.float64); return m.weight.grad is g, tdesc(m.weight.grad)
    @case
    def param_version_after_to():
        m = lin(); v = m.weight._version; m.double(); return m.weight._version - v
    @case
    def optimizer_after_to():
        m = lin(); opt = T.optim.SGD(m.parameters(), lr=1.0); m.double(); m(T.ones(1, 3, dtype=T.float64)).sum().backward(); opt.step(); return tdesc(m.weight)
    @case
    def train_not_bool(): lin().train('yes')
    @case
    def eval_args(): lin().eval(True)
    @case
    def requires_grad_nonbool(): m = lin(); m.requires_grad_(0); return m.weight.requires_grad
    @case
    def apply_nonfn(): lin().apply(3)
    @case
    def children_order(): m = nn.Module(); m.b = nn.ReLU(); m.a = nn.Tanh(); m.b = nn.Sigmoid(); return [k for k, _ in m.named_children()]
    @case
    def module_str_custom():
        class M(nn.Module):
            def __init__(self): super().__init__(); self.l = nn.ModuleList([nn.Linear(1, 1) for _ in range(3)]); self.d = nn.ModuleDict({'x': nn.ReLU()})
            def extra_repr(self): return 'k=1'
        return str(M())
    @case
    def repr_ml_in_ml():
        return str(nn.ModuleList([nn.Sequential(nn.Linear(2, 2), nn.ReLU()) for _ in range(3)] + [nn.Linear(2, 2)]))
    @case
    def repr_identical_diff(): return str(nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 3), nn.Linear(2, 3), nn.Linear(2, 3)]))
    @case
    def repr_seq_repeated(): return str(nn.Sequential(*[nn.Linear(2, 2) for _ in range(4)]))
    @case
    def repr_mdict_repeated(): return str(nn.ModuleDict({str(i): nn.ReLU() for i in range(3)}))
    @case
    def add_module_after_delete(): m = lin(); del m.weight; m.add_module('weight', nn.ReLU()); return str(m)
    @case
    def reg_buffer_property():
        m = WithProp(); m.register_buffer('w', T.ones(1))
    @case
    def reg_param_property(): m = WithProp(); m.register_parameter('ro', None)
    @case
    def add_module_property(): m = WithProp(); m.add_module('ro', nn.ReLU())
    @case
    def reg_buffer_method(): lin().register_buffer('forward', T.ones(1))
    @case
    def get_buffer_nonpersist():
        m = nn.Module(); m.register_buffer('b', T.ones(1), persistent=False); return tdesc(m.get_buffer('b'))
    @case
    def extra_state_get_set():
        class M(nn.Module):
            def __init__(self): super().__init__(); self.v = 0
            def get_extra_state(self): return self.v
            def set_extra_state(self, s): self.v = s
        a = M(); a.v = 5; b = M(); r = b.load_state_dict(a.state_dict()); return b.v, repr(r), list(a.state_dict())
    @case
    def extra_state_unexpected():
        m = lin(); sd = m.state_dict(); sd['_extra_state'] = 1; m.load_state_dict(sd)
    @case
    def buffers_iter(): return [tdesc(b) for b in nn.BatchNorm1d(2).buffers()]
    @case
    def buffers_norecurse(): return len(list(nn.Sequential(nn.BatchNorm1d(2)).buffers(recurse=False)))
    @case
    def parameters_generator_type(): import types; return isinstance(lin().parameters(), types.GeneratorType), isinstance(lin().named_modules(), types.GeneratorType), isinstance(lin().buffers(), types.GeneratorType), isinstance(lin().modules(), types.GeneratorType)

    return {f.__name__: f for f in CASES}
