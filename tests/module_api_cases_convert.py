"""nn.Module API cases for test_module_mechanics.py: conversions (to, double,
type, cuda, ...), modes, apply, the containers' reprs, and module identity,
copies, pickles and torch.save."""
import copy
import io
import pickle

from module_api_common import helpers


def build(T):
    """{case name: case(T)} with every case bound to the library T."""
    nn = T.nn
    case, CASES, tdesc, lin, net = helpers(T)

    # conversions
    @case
    def to_dtype(): return [tdesc(v) for v in net().to(T.float64).state_dict().values()]
    @case
    def to_int(): net().to(T.int64)
    @case
    def to_device(): return [tdesc(v) for v in net().to(T.device('cpu')).state_dict().values()]
    @case
    def to_str(): return [tdesc(v) for v in net().to('cpu', T.float16).state_dict().values()]
    @case
    def to_tensor(): return [tdesc(v) for v in net().to(T.ones(1, dtype=T.float16)).state_dict().values()]
    @case
    def to_kw(): return [tdesc(v) for v in net().to(dtype=T.float64, non_blocking=True).state_dict().values()]
    @case
    def to_complex(): return [tdesc(v) for v in lin().to(T.complex64).state_dict().values()]
    @case
    def to_bad(): lin().to(3)
    @case
    def to_bad_kw(): lin().to(foo=3)
    @case
    def to_too_many(): lin().to('cpu', T.float64, True, False, 1)
    @case
    def to_returns_self(): m = lin(); return m.to(T.float64) is m, m.double() is m, m.cpu() is m
    @case
    def type_(): return [tdesc(v) for v in net().type(T.float16).state_dict().values()]
    @case
    def type_str(): net().type('torch.DoubleTensor')
    @case
    def half_float(): return [tdesc(v) for v in net().half().float().state_dict().values()]
    @case
    def param_identity_after_to(): m = lin(); w = m.weight; m.double(); return m.weight is w, tdesc(w)
    @case
    def grad_after_to():
        m = lin(); m(T.ones(1, 3)).sum().backward(); m.double(); return tdesc(m.weight.grad)
    @case
    def cuda(): lin().cuda()
    @case
    def cuda_dev(): lin().cuda(0)
    @case
    def mps(): lin().mps()
    @case
    def xpu(): lin().xpu()
    @case
    def ipu(): lin().ipu()
    @case
    def to_empty(): return [tdesc(v)[:30] for v in lin().to_empty(device='cpu').state_dict().values()]
    @case
    def to_empty_nodev(): lin().to_empty()
    @case
    def share_memory(): m = lin(); return m.share_memory() is m
    @case
    def requires_grad_off(): m = net(); m.requires_grad_(False); return [(k, v.requires_grad) for k, v in m.named_parameters()]
    @case
    def requires_grad_bad(): net().requires_grad_(3)
    @case
    def zero_grad_default():
        m = lin(); m(T.ones(1, 3)).sum().backward(); m.zero_grad(); return m.weight.grad
    @case
    def zero_grad_false():
        m = lin(); m(T.ones(1, 3)).sum().backward(); m.zero_grad(False); return tdesc(m.weight.grad)
    @case
    def train_false(): m = net(); m.train(False); return [(k, v.training) for k, v in m.named_modules()]
    @case
    def train_bad(): net().train(1)
    @case
    def train_ret(): m = net(); return m.train() is m, m.eval() is m
    @case
    def apply_fn():
        names = []
        m = net(); r = m.apply(lambda x: names.append(type(x).__name__)); return names, r is m
    @case
    def apply_init():
        def init(x):
            if isinstance(x, nn.Linear): nn.init.constant_(x.weight, 0.5)
        return [tdesc(v) for v in net().apply(init).state_dict().values()]
    # containers
    @case
    def seq_repr(): return str(nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2), nn.Linear(2, 2), nn.ReLU(), nn.ReLU(), nn.Linear(2, 3)))
    @case
    def seq_repr_nested(): return str(nn.Sequential(nn.Sequential(nn.Linear(2, 2), nn.ReLU()), nn.Sequential(nn.Linear(2, 2), nn.ReLU())))
    @case
    def mlist_repr(): return str(nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU()]))
    @case
    def mlist_repr_empty(): return str(nn.ModuleList())
    @case
    def mdict_repr(): return str(nn.ModuleDict({'a': nn.Linear(2, 2), 'b': nn.Linear(2, 2)}))
    @case
    def plist_repr(): return str(nn.ParameterList([nn.Parameter(T.ones(2)), T.zeros(2, 3, dtype=T.float64), nn.Parameter(T.ones(1), requires_grad=False)]))
    @case
    def plist_sd(): return [(k, tdesc(v)) for k, v in nn.ParameterList([nn.Parameter(T.ones(2)), T.zeros(2, 3)]).state_dict().items()]
    @case
    def plist_extra(): return nn.ParameterList([nn.Parameter(T.ones(2)), 'x', 3]).extra_repr()
    @case
    def pdict_repr(): return str(nn.ParameterDict({'a': nn.Parameter(T.ones(2)), 'b': T.zeros(2, dtype=T.int64), 'c': 3}))
    @case
    def pdict_sd(): return [(k, tdesc(v)) for k, v in nn.ParameterDict({'a': nn.Parameter(T.ones(2)), 'b': T.zeros(2)}).state_dict().items()]
    @case
    def seq_in_seq_repeats(): return str(nn.Sequential(*[nn.Sequential(nn.Linear(2, 2)) for _ in range(3)]))
    @case
    def mlist_nested(): return str(nn.ModuleList([nn.ModuleList([nn.Linear(1, 1), nn.Linear(1, 1)]), nn.ModuleList([nn.Linear(1, 1), nn.Linear(1, 1)])]))
    @case
    def net_repr(): return str(net())
    @case
    def custom_extra_repr():
        class M(nn.Module):
            def __init__(self): super().__init__(); self.l = nn.Linear(1, 1)
            def extra_repr(self): return 'a=1\nb=2'
        return str(M())
    @case
    def custom_one_line():
        class M(nn.Module):
            def extra_repr(self): return 'a=1'
        return str(nn.Sequential(M(), M()))
    # misc
    @case
    def isinst(): m = lin(); return isinstance(m, nn.Module), m.__class__.__name__, type(m).__module__, nn.Linear.__module__, nn.Linear.__qualname__
    @case
    def dict_keys(): return sorted(lin().__dict__)
    @case
    def dict_params(): return type(lin()._parameters).__name__, list(lin()._parameters), type(net()._modules).__name__, type(net()._buffers).__name__
    @case
    def dir_has(): d = dir(net()); return 'a' in d, 'rb' in d, 'np' in d, 'forward' in d, 'weight' in dir(lin())
    @case
    def no_forward(): nn.Module()(T.ones(1))
    @case
    def extra_args(): nn.Module(3)
    @case
    def extra_kwargs(): nn.Module(foo=3)
    @case
    def module_repr(): return repr(nn.Module())
    @case
    def call_super_init():
        class A:
            def __init__(self, **kw): self.kw = kw
        class M(nn.Module, A):
            call_super_init = True
        return M(x=1).kw
    @case
    def forward_missing_arg(): lin()()
    @case
    def forward_extra_arg(): lin()(T.ones(1, 3), 3)
    @case
    def setattr_training(): m = net(); m.training = False; return m.a.training
    @case
    def bool_module(): return bool(nn.Sequential()), bool(nn.ModuleList()), bool(lin())
    @case
    def len_seq(): return len(nn.Sequential(nn.ReLU())), len(nn.ModuleDict()), len(nn.ParameterList())
    @case
    def eq_hash(): m = lin(); return m == m, m == lin(), hash(m) == hash(m)
    @case
    def deepcopy_grad():
        m = lin(); m(T.ones(1, 3)).sum().backward(); c = copy.deepcopy(m); return tdesc(c.weight.grad), c.weight is not m.weight
    @case
    def deepcopy_hooks():
        m = lin(); m.register_forward_hook(lambda *a: None); return len(copy.deepcopy(m)._forward_hooks)
    @case
    def pickle_roundtrip():
        m = net(); r = pickle.loads(pickle.dumps(m)); return str(r), [(k, tdesc(v)) for k, v in r.state_dict().items()], sorted(r._non_persistent_buffers_set)
    @case
    def save_load_module():
        b = io.BytesIO(); T.save(lin(), b); b.seek(0); r = T.load(b, weights_only=False); return str(r), [(k, tdesc(v)) for k, v in r.state_dict().items()]
    @case
    def save_load_module_wo():
        b = io.BytesIO(); T.save(lin(), b); b.seek(0); T.load(b)
    @case
    def save_load_sd():
        b = io.BytesIO(); T.save(net().state_dict(), b); b.seek(0); r = T.load(b); return type(r).__name__, list(r), {k: dict(v) for k, v in r._metadata.items()}
    @case
    def copy_copy(): m = lin(); c = copy.copy(m); return c.weight is m.weight, c._parameters is m._parameters
    @case
    def half_then_forward(): m = lin().double(); return tdesc(m(T.ones(1, 3, dtype=T.float64)))
    @case
    def float_input_mismatch(): lin().double()(T.ones(1, 3))
    @case
    def named_params_gen(): return type(lin().named_parameters()).__name__, type(lin().parameters()).__name__, type(lin().children()).__name__
    @case
    def register_forward_hook_bad(): lin().register_forward_hook(lambda *a: None, foo=1)
    @case
    def modules_list(): return [type(m).__name__ for m in net().modules()]
    @case
    def state_dict_kw_only(): return list(net().state_dict(destination=None, prefix='', keep_vars=False))
    @case
    def state_dict_bad_pos(): net().state_dict({}, '', False, 3)
    @case
    def sd_ordering():
        class M(nn.Module):
            def __init__(self):
                super().__init__(); self.register_buffer('z', T.ones(1)); self.p = nn.Parameter(T.ones(1)); self.c = nn.Linear(1, 1); self.q = nn.Parameter(T.ones(1))
        return list(M().state_dict()), [k for k, _ in M().named_parameters()]
    @case
    def param_repr(): return repr(nn.Parameter(T.ones(2))), repr(nn.Parameter(T.ones(2), requires_grad=False))
    @case
    def buffer_repr(): return repr(nn.Buffer(T.ones(2))), type(nn.Buffer(T.ones(2))).__name__

    return {f.__name__: f for f in CASES}
