"""User subclasses of nn.Module for test_module_mechanics.py: overridden
_load_from_state_dict (with _version upgrades), _save_to_state_dict,
state_dict and __getattr__; __init__ order; custom reprs; hook order
across nesting; direct edits of _parameters/_buffers/_modules."""
from collections import OrderedDict

from module_api_common import helpers


def build(T):
    """{case name: case(T)} with every case bound to the library T."""
    nn = T.nn
    case, CASES, tdesc, lin, net = helpers(T)

    class Versioned(nn.Module):
        _version = 3
        def __init__(self):
            super().__init__(); self.w = nn.Parameter(T.ones(2)); self.seen = None
        def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs):
            self.seen = (prefix, dict(local_metadata), sorted(state_dict), strict)
            if local_metadata.get('version', None) is not None and local_metadata['version'] < 3 and prefix + 'old' in state_dict:
                state_dict[prefix + 'w'] = state_dict.pop(prefix + 'old')
            super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)

    class SaveHook(nn.Module):
        def __init__(self):
            super().__init__(); self.w = nn.Parameter(T.ones(2))
        def _save_to_state_dict(self, destination, prefix, keep_vars):
            super()._save_to_state_dict(destination, prefix, keep_vars); destination[prefix + 'extra'] = T.zeros(1)

    class Delegate(nn.Module):
        def __init__(self):
            super().__init__(); self.inner = nn.Linear(2, 2)
        def __getattr__(self, name):
            try:
                return super().__getattr__(name)
            except AttributeError:
                return getattr(self.inner, name)

    class SdOverride(nn.Module):
        def __init__(self):
            super().__init__(); self.l = nn.Linear(1, 1)
        def state_dict(self, *args, **kwargs):
            sd = super().state_dict(*args, **kwargs); sd['x'] = T.ones(1); return sd

    @case
    def versioned_sd(): return {k: dict(v) for k, v in Versioned().state_dict()._metadata.items()}
    @case
    def versioned_load():
        m = Versioned(); sd = m.state_dict(); r = m.load_state_dict(sd); return repr(r), m.seen
    @case
    def versioned_upgrade():
        m = Versioned(); sd = OrderedDict(old=T.zeros(2)); sd._metadata = {'': {'version': 2}}; r = m.load_state_dict(sd); return repr(r), tdesc(m.w)
    @case
    def versioned_nested():
        s = nn.Sequential(Versioned()); s.load_state_dict(s.state_dict()); return s[0].seen
    @case
    def savehook_sd(): return list(SaveHook().state_dict())
    @case
    def savehook_load(): SaveHook().load_state_dict(SaveHook().state_dict())
    @case
    def delegate_attr(): d = Delegate(); return tdesc(d.weight), type(d.inner).__name__
    @case
    def delegate_missing(): Delegate().nothing
    @case
    def sd_override_seq(): return list(nn.Sequential(SdOverride()).state_dict())
    @case
    def sd_override_self(): return list(SdOverride().state_dict(prefix='p.'))
    @case
    def reinit():
        class M(nn.Module):
            def __init__(self):
                super().__init__(); self.l = nn.Linear(1, 1); super().__init__()
        m = M(); return list(m._modules), 'l' in m.__dict__
    @case
    def init_late():
        class M(nn.Module):
            def __init__(self):
                self.x = 3; super().__init__(); self.l = nn.Linear(1, 1)
        return list(M().__dict__)[:3], M().x
    @case
    def custom_repr():
        class M(nn.Module):
            def __repr__(self): return 'MINE'
        return str(nn.Sequential(M(), M()))
    @case
    def multiline_extra():
        class M(nn.Module):
            def __init__(self): super().__init__(); self.c = nn.Linear(1, 1)
            def extra_repr(self): return 'a\nb'
        return str(nn.Sequential(M()))
    @case
    def extra_repr_one_line_with_child():
        class M(nn.Module):
            def __init__(self): super().__init__(); self.c = nn.ReLU()
            def extra_repr(self): return 'k=2'
        return str(M())
    @case
    def set_training_attr_class():
        class M(nn.Module):
            training = False
        return M().training
    @case
    def forward_property():
        class M(nn.Module):
            def __init__(self): super().__init__(); self.forward = lambda x: x * 2
        return tdesc(M()(T.ones(1)))
    @case
    def module_as_attr_list():
        class M(nn.Module):
            def __init__(self): super().__init__(); self.layers = [nn.Linear(1, 1)]
        return len(list(M().parameters())), str(M())
    @case
    def dict_of_params():
        class M(nn.Module):
            def __init__(self): super().__init__(); self.d = {'a': nn.Parameter(T.ones(1))}
        return len(list(M().parameters()))
    @case
    def slots_subclass():
        class M(nn.Linear):
            def __init__(self): super().__init__(1, 1); self.extra = 1
        m = M(); return type(m).__name__, str(m), list(m.state_dict()), m.extra
    @case
    def subclass_forward_super():
        class M(nn.Linear):
            def forward(self, x): return super().forward(x) * 0
        T.manual_seed(0); return tdesc(M(2, 1)(T.ones(1, 2)))
    @case
    def getattr_in_init_before_super():
        class M(nn.Module):
            def __init__(self):
                self.register_buffer('b', None)
        M()
    @case
    def hook_on_submodule_order():
        log = []
        s = nn.Sequential(nn.Linear(1, 1), nn.ReLU())
        s.register_forward_hook(lambda *a: log.append('outer')); s[0].register_forward_hook(lambda *a: log.append('inner'))
        s.register_forward_pre_hook(lambda *a: log.append('outerpre')); s[1].register_forward_pre_hook(lambda *a: log.append('innerpre'))
        s(T.ones(1, 1)); return log
    @case
    def named_modules_after_del():
        s = nn.Sequential(nn.Linear(1, 1), nn.ReLU()); del s._modules['0']; return [k for k, _ in s.named_modules()], str(s)
    @case
    def params_after_direct_dict():
        m = nn.Module(); m._parameters['p'] = nn.Parameter(T.ones(1)); return [k for k, _ in m.named_parameters()], tdesc(m.p)
    @case
    def buffers_direct_dict():
        m = nn.Module(); m._buffers['b'] = T.ones(1); return list(m.state_dict()), tdesc(m.b)

    return {f.__name__: f for f in CASES}
