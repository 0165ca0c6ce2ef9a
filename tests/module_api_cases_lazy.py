"""nn.Module cases for test_module_mechanics.py: lazy modules before and
after their first forward (and their refusals), modules on the meta device,
recurrent modules' flat weights, weight/spectral norm, tied and shared
tensors, conversions of buffers, old pickles' __setstate__."""
import copy
import pickle
import warnings

from module_api_common import helpers


def build(T):
    """{case name: case(T)} with every case bound to the library T."""
    nn = T.nn
    case, CASES, tdesc, lin, net = helpers(T)

    @case
    def lazy_after_forward():
        m = nn.LazyLinear(2); m(T.ones(1, 3)); return repr(m), type(m).__name__, [(k, tdesc(v)) for k, v in m.state_dict().items()]
    @case
    def lazy_conv_after_forward():
        m = nn.LazyConv2d(4, 3); m(T.ones(1, 2, 5, 5)); return repr(m), type(m).__name__, [(k, tdesc(v)[:32]) for k, v in m.state_dict().items()]
    @case
    def lazy_bn_after_forward():
        m = nn.LazyBatchNorm1d(); m(T.ones(2, 3)); return repr(m), type(m).__name__, [(k, tdesc(v)) for k, v in m.state_dict().items()]
    @case
    def lazy_load_from_init():
        src = lin(); m = nn.LazyLinear(2); r = m.load_state_dict(src.state_dict()); return repr(r), repr(m), type(m).__name__, tdesc(m.weight), type(m.weight).__name__
    @case
    def lazy_load_into_init():
        m = lin(); m.load_state_dict(nn.LazyLinear(2).state_dict())
    @case
    def lazy_has_uninit(): m = nn.LazyLinear(2); return m.has_uninitialized_params(), repr(m.weight), type(m.weight).__name__
    @case
    def lazy_weight_shape(): nn.LazyLinear(2).weight.shape
    @case
    def lazy_weight_op(): nn.LazyLinear(2).weight + 1
    @case
    def lazy_weight_sum(): nn.LazyLinear(2).weight.sum()
    @case
    def lazy_params_count(): return len(list(nn.LazyLinear(2).parameters())), [k for k, _ in nn.LazyLinear(2).named_parameters()]
    @case
    def lazy_initialize_params():
        m = nn.LazyLinear(2); m.initialize_parameters(T.ones(1, 4)); return type(m).__name__, tdesc(m.weight)[:32]
    @case
    def lazy_optimizer(): T.optim.SGD(nn.LazyLinear(2).parameters(), lr=0.1)
    @case
    def lazy_repr_seq(): return str(nn.Sequential(nn.LazyLinear(2), nn.LazyConv1d(3, 2)))
    @case
    def lazy_deepcopy_after():
        m = nn.LazyLinear(2); m(T.ones(1, 3)); c = copy.deepcopy(m); return type(c).__name__, tdesc(c.weight)[:32]
    @case
    def lazy_double_forward():
        m = nn.LazyLinear(2).double(); return tdesc(m(T.ones(1, 3, dtype=T.float64)))[:32], type(m.weight).__name__
    @case
    def lazy_zero_grad(): nn.LazyLinear(2).zero_grad()
    @case
    def lazy_requires_grad(): nn.LazyLinear(2).requires_grad_(False)
    @case
    def lazy_param_data(): return type(nn.LazyLinear(2).weight.data).__name__
    @case
    def lazy_param_dtype(): w = nn.LazyLinear(2).weight; return w.dtype, w.requires_grad, w.is_leaf, w.device
    @case
    def lazy_materialize():
        p = nn.parameter.UninitializedParameter(); p.materialize((2, 3)); return type(p).__name__, tdesc(p)[:32]
    @case
    def lazy_buffer_materialize():
        p = nn.parameter.UninitializedBuffer(); p.materialize((2,)); return type(p).__name__, tdesc(p)[:32]
    @case
    def lazy_pickle():
        m = nn.LazyLinear(2); r = pickle.loads(pickle.dumps(m)); return repr(r), type(r.weight).__name__, r.weight.requires_grad
    @case
    def lazy_subclass_eval():
        m = nn.LazyLinear(2); m.eval(); m(T.ones(1, 3)); return m.training, type(m).__name__
    @case
    def bn_after_forward():
        m = nn.BatchNorm1d(2); m(T.tensor([[1.0, 2.0], [3.0, 5.0]])); return [(k, tdesc(v)) for k, v in m.state_dict().items()]
    @case
    def bn_momentum_none():
        m = nn.BatchNorm1d(2, momentum=None); m(T.tensor([[1.0, 2.0], [3.0, 5.0]])); m(T.tensor([[1.0, 2.0], [3.0, 9.0]])); return [(k, tdesc(v)) for k, v in m.state_dict().items()]
    @case
    def meta_linear(): m = nn.Linear(3, 2, device='meta'); return repr(m), [(k, tdesc(v)) for k, v in m.state_dict().items()]
    @case
    def meta_load():
        m = nn.Linear(3, 2, device='meta')
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter('always')
            r = m.load_state_dict(lin().state_dict())
        return repr(r), [str(x.message) for x in w], tdesc(m.weight)
    @case
    def meta_load_assign():
        m = nn.Linear(3, 2, device='meta'); m.load_state_dict(lin().state_dict(), assign=True); return tdesc(m.weight), type(m.weight).__name__
    @case
    def meta_to_empty():
        m = nn.Linear(3, 2, device='meta').to_empty(device='cpu'); return tdesc(m.weight)[:32], type(m.weight).__name__
    @case
    def meta_forward(): return tdesc(nn.Linear(3, 2, device='meta')(T.ones(1, 3, device='meta')))
    @case
    def meta_cpu(): nn.Linear(3, 2, device='meta').cpu()
    @case
    def meta_deepcopy(): return repr(copy.deepcopy(nn.Linear(3, 2, device='meta')).weight)
    @case
    def meta_to_float64(): return tdesc(nn.Linear(3, 2, device='meta').double().weight)
    @case
    def param_repr_meta(): return repr(nn.Parameter(T.ones(2, device='meta')))
    @case
    def device_ctx():
        with T.device('meta'):
            m = nn.Linear(2, 2)
        return str(m.weight.device)
    @case
    def rnn_params(): return [k for k, _ in nn.LSTM(2, 3, num_layers=2, bidirectional=True).named_parameters()]
    @case
    def rnn_flat_names(): return nn.GRU(2, 3)._flat_weights_names, len(nn.GRU(2, 3)._flat_weights), len(nn.GRU(2, 3).all_weights)
    @case
    def rnn_double_flat(): m = nn.LSTM(2, 3).double(); return [x.dtype for x in m._flat_weights][:2]
    @case
    def rnn_setattr_weight():
        m = nn.RNN(2, 3); m.weight_ih_l0 = nn.Parameter(T.zeros(3, 2)); return tdesc(m._flat_weights[0])
    @case
    def rnn_del_weight():
        m = nn.RNN(2, 3); del m.weight_ih_l0; return len(m._flat_weights), m._flat_weights[0]
    @case
    def rnn_flatten(): m = nn.LSTM(2, 3); return m.flatten_parameters()
    @case
    def rnn_pickle(): m = pickle.loads(pickle.dumps(nn.LSTM(2, 3))); return repr(m), len(m._flat_weights)
    @case
    def rnn_load_shape():
        m = nn.LSTM(2, 3); sd = m.state_dict(); sd['weight_ih_l0'] = T.ones(3, 2); m.load_state_dict(sd)
    @case
    def mha_sd(): return [(k, tdesc(v)[:32]) for k, v in nn.MultiheadAttention(4, 2).state_dict().items()]
    @case
    def mha_sd_kdim(): return [(k, tdesc(v)[:32]) for k, v in nn.MultiheadAttention(4, 2, kdim=3, vdim=5).state_dict().items()]
    @case
    def mha_setstate():
        m = nn.MultiheadAttention(4, 2); r = pickle.loads(pickle.dumps(m)); return r._qkv_same_embed_dim, repr(r)
    @case
    def transformer_modules(): return [k for k, _ in nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 8), 2, enable_nested_tensor=False).named_modules()]
    @case
    def weight_norm_sd():
        m = nn.utils.weight_norm(lin()); return [(k, tdesc(v)[:32]) for k, v in m.state_dict().items()], repr(m)
    @case
    def param_weight_norm():
        m = nn.utils.parametrizations.weight_norm(lin()); return list(m.state_dict()), repr(m), type(m).__name__
    @case
    def spectral_norm_sd():
        m = nn.utils.spectral_norm(lin()); return list(m.state_dict()), [k for k, _ in m.named_buffers()]
    @case
    def param_to_vec():
        return tdesc(nn.utils.parameters_to_vector(lin().parameters()))
    @case
    def mdict_nonstr_key(): nn.ModuleDict({1: nn.ReLU()})
    @case
    def seq_empty_forward(): return tdesc(nn.Sequential()(T.ones(1)))
    @case
    def seq_getitem_str(): nn.Sequential(nn.ReLU())['0']
    @case
    def module_name_dash(): m = nn.Module(); m.add_module('a-b', nn.ReLU()); return str(m), [k for k, _ in m.named_modules()]
    @case
    def module_forward_args_kwargs():
        class M(nn.Module):
            def forward(self, *args, **kw): return len(args), sorted(kw)
        return M()(1, 2, a=3)
    @case
    def hooks_in_state():
        m = lin(); m.register_forward_hook(lambda *a: None); m.register_forward_pre_hook(lambda *a: None)
        return [(k, len(v)) for k, v in m.__dict__.items() if k.startswith('_') and isinstance(v, dict)]
    @case
    def pickle_hook_lambda():
        m = lin(); m.register_forward_hook(lambda *a: None); pickle.dumps(m)
    @case
    def setstate_old():
        m = lin(); d = m.__getstate__(); d = {k: v for k, v in d.items() if k not in ('_forward_hooks_with_kwargs', '_state_dict_pre_hooks', '_non_persistent_buffers_set')}
        n = nn.Linear.__new__(nn.Linear); n.__setstate__(d); return sorted(n.__dict__), tdesc(n(T.ones(1, 3)))
    @case
    def getstate_keys(): return list(lin().__getstate__())
    @case
    def module_eq_ne(): return lin() != lin(), lin().__hash__ is not None
    @case
    def named_buffers_dup():
        m = nn.Module(); b = T.ones(1); m.register_buffer('a', b); m.register_buffer('c', b); return [k for k, _ in m.named_buffers()], [k for k, _ in m.named_buffers(remove_duplicate=False)], list(m.state_dict())
    @case
    def sd_shared_param_keys():
        m = nn.Module(); p = nn.Parameter(T.ones(1)); m.a = p; m.b = p; return list(m.state_dict()), [k for k, _ in m.named_parameters()]
    @case
    def load_shared_param():
        m = nn.Module(); p = nn.Parameter(T.ones(1)); m.a = p; m.b = p; m.load_state_dict({'a': T.zeros(1), 'b': T.ones(1) * 3}); return tdesc(m.a)
    @case
    def parameters_of_none():
        m = lin(); m.bias = None; return len(list(m.parameters())), list(m._parameters.items())[1], list(m.state_dict())
    @case
    def grad_of_none_zero():
        m = nn.Linear(2, 2, bias=False); m.zero_grad(); return m.weight.grad
    @case
    def apply_to_buffers():
        m = nn.BatchNorm1d(2); m._apply(lambda t: t * 2); return [(k, tdesc(v)) for k, v in m.state_dict().items()]
    @case
    def float_on_int_buffer():
        m = nn.BatchNorm1d(2).double().float().half(); return [(k, tdesc(v)[:30]) for k, v in m.state_dict().items()]
    @case
    def module_to_int_err(): nn.BatchNorm1d(2).to(T.int32)
    @case
    def module_to_device_str(): return tdesc(lin().to('cpu:0').weight)
    @case
    def module_to_meta(): return tdesc(lin().to('meta').weight)
    @case
    def module_to_cuda_dev(): lin().to('cuda')
    @case
    def module_to_bad_dev(): lin().to('foo')
    @case
    def empty_module_cuda(): return repr(nn.ReLU().cuda())
    @case
    def module_xpu(): lin().xpu()
    @case
    def module_mtia(): lin().mtia()
    @case
    def module_bf16_forward(): return tdesc(lin().bfloat16()(T.ones(1, 3, dtype=T.bfloat16)))
    @case
    def get_submodule_attr_err_msg():
        s = nn.Sequential(nn.Linear(1, 1)); s.get_submodule('0.weight.x')
    @case
    def dir_sorted(): d = dir(lin()); return d == sorted(d), len([k for k in d if not k.startswith('_')])
    @case
    def register_buffer_Buffer():
        m = lin(); m.register_buffer('q', nn.Buffer(T.ones(1), persistent=False)); return list(m.state_dict()), sorted(m._non_persistent_buffers_set)
    @case
    def replicate_for_data_parallel():
        out = []
        for m in (nn.LSTM(2, 3), lin(), nn.BatchNorm1d(2)):
            r = m._replicate_for_data_parallel()
            out.append((type(r).__name__, list(r._parameters), list(r._buffers), r._is_replica,
                        len(getattr(r, '_flat_weights', ())), r._modules is m._modules))
        return out

    @case
    def lazy_hooks_count():
        m = nn.LazyLinear(2); a = (len(m._forward_pre_hooks), len(m._load_state_dict_pre_hooks), len(m._forward_pre_hooks_with_kwargs))
        m(T.ones(1, 3)); return a, (len(m._forward_pre_hooks), len(m._load_state_dict_pre_hooks))
    @case
    def lazy_user_prehook():
        log = []
        m = nn.LazyLinear(2); m.register_forward_pre_hook(lambda mod, a: log.append((type(mod).__name__, type(mod.weight).__name__)))
        m(T.ones(1, 3)); m(T.ones(1, 3)); return log
    @case
    def lazy_user_prehook_prepend():
        log = []
        m = nn.LazyLinear(2); m.register_forward_pre_hook(lambda mod, a: log.append((type(mod).__name__, type(mod.weight).__name__)), prepend=True)
        m(T.ones(1, 3)); return log
    @case
    def lazy_fwd_hook():
        log = []
        m = nn.LazyLinear(2); m.register_forward_hook(lambda mod, a, o: log.append(type(mod).__name__)); m(T.ones(1, 3)); return log
    @case
    def lazy_bad_input(): nn.LazyLinear(2)(T.ones(3))
    @case
    def lazy_bad_input2(): nn.LazyConv2d(2, 3)(T.ones(3))
    @case
    def lazy_bn_bad_input(): nn.LazyBatchNorm2d()(T.ones(3))
    @case
    def lazy_state_after_fail():
        m = nn.LazyConv2d(2, 3)
        try: m(T.ones(1, 1, 2, 2))
        except Exception: pass
        return type(m).__name__, type(m.weight).__name__, m.in_channels
    @case
    def lazy_load_partial():
        m = nn.LazyLinear(2); sd = nn.Linear(3, 2).state_dict(); del sd['bias']; r = m.load_state_dict(sd, strict=False); return repr(r), type(m).__name__, type(m.weight).__name__, type(m.bias).__name__, m.has_uninitialized_params()
    @case
    def lazy_in_features(): m = nn.LazyLinear(2); a = m.in_features; m(T.ones(1, 3)); return a, m.in_features
    @case
    def lazy_reset(): m = nn.LazyLinear(2); m.reset_parameters(); return type(m.weight).__name__
    @case
    def lazy_train_flag(): m = nn.LazyBatchNorm1d(); m.eval(); m(T.ones(2, 3)); return m.training, type(m).__name__, m.num_features
    @case
    def lazy_seq():
        s = nn.Sequential(nn.LazyLinear(4), nn.ReLU(), nn.LazyLinear(2)); s(T.ones(1, 3)); return str(s)
    @case
    def lazy_dtype_kw(): m = nn.LazyLinear(2, dtype=T.float64); m(T.ones(1, 3, dtype=T.float64)); return str(m.weight.dtype)
    @case
    def lazy_dtype_mismatch(): m = nn.LazyLinear(2); m(T.ones(1, 3, dtype=T.float64))
    @case
    def lazy_deepcopy_before(): c = copy.deepcopy(nn.LazyLinear(2)); c(T.ones(1, 3)); return type(c).__name__
    @case
    def lazy_param_count_after(): m = nn.LazyLinear(2); m(T.ones(1, 3)); return [tuple(p.shape) for p in m.parameters()]
    @case
    def lazy_mixin_warning():
        class M(nn.modules.lazy.LazyModuleMixin, nn.Linear):
            pass
        M(1, 1)

    return {f.__name__: f for f in CASES}
