"""nn.Module hook cases for test_module_mechanics.py: forward (pre-)hooks
with kwargs/prepend/always_call, full backward (pre-)hooks, state_dict and
load_state_dict hooks, the global module hooks, handles."""

from module_api_common import helpers


def build(T):
    """{case name: case(T)} with every case bound to the library T."""
    nn = T.nn
    case, CASES, tdesc, lin, net = helpers(T)

    # hooks
    @case
    def fwd_pre_hook():
        log = []
        m = lin(); h = m.register_forward_pre_hook(lambda mod, inp: log.append(('pre', type(inp).__name__, len(inp))))
        m(T.ones(1, 3)); h.remove(); m(T.ones(1, 3)); return log, type(h).__name__
    @case
    def fwd_pre_hook_modify():
        m = lin(); m.register_forward_pre_hook(lambda mod, inp: inp[0] * 0); return tdesc(m(T.ones(1, 3)))
    @case
    def fwd_pre_hook_modify_tuple():
        m = lin(); m.register_forward_pre_hook(lambda mod, inp: (inp[0] * 0,)); return tdesc(m(T.ones(1, 3)))
    @case
    def fwd_pre_hook_kwargs():
        log = []
        m = lin(); m.register_forward_pre_hook(lambda mod, a, k: log.append((len(a), sorted(k))) , with_kwargs=True); m(input=T.ones(1, 3)); return log
    @case
    def fwd_pre_hook_kwargs_ret():
        m = lin(); m.register_forward_pre_hook(lambda mod, a, k: ((), {'input': T.zeros(1, 3)}), with_kwargs=True); return tdesc(m(T.ones(1, 3)))
    @case
    def fwd_pre_hook_kwargs_bad():
        m = lin(); m.register_forward_pre_hook(lambda mod, a, k: 3, with_kwargs=True); m(T.ones(1, 3))
    @case
    def fwd_hook():
        log = []
        m = lin(); m.register_forward_hook(lambda mod, inp, out: log.append(tdesc(out))); m(T.ones(1, 3)); return log
    @case
    def fwd_hook_modify():
        m = lin(); m.register_forward_hook(lambda mod, inp, out: out * 2); return tdesc(m(T.ones(1, 3)))
    @case
    def fwd_hook_kwargs():
        log = []
        m = lin(); m.register_forward_hook(lambda mod, a, k, out: log.append((len(a), sorted(k), tdesc(out))), with_kwargs=True); m(input=T.ones(1, 3)); return log
    @case
    def fwd_hook_prepend():
        log = []
        m = lin()
        m.register_forward_hook(lambda *a: log.append(1)); m.register_forward_hook(lambda *a: log.append(2), prepend=True)
        m.register_forward_pre_hook(lambda *a: log.append(3)); m.register_forward_pre_hook(lambda *a: log.append(4), prepend=True)
        m(T.ones(1, 3)); return log
    @case
    def fwd_hook_always_call():
        log = []
        m = lin(); m.register_forward_hook(lambda *a: log.append('always'), always_call=True); m.register_forward_hook(lambda *a: log.append('n'))
        try: m(T.ones(1, 5))
        except RuntimeError as e: log.append(type(e).__name__)
        return log
    @case
    def hooks_dicts():
        m = lin(); m.register_forward_hook(lambda *a: None, always_call=True, with_kwargs=True); m.register_forward_pre_hook(lambda *a: None)
        return len(m._forward_hooks), len(m._forward_hooks_with_kwargs), len(m._forward_hooks_always_called), len(m._forward_pre_hooks)
    @case
    def handle_remove_twice():
        m = lin(); h = m.register_forward_hook(lambda *a: None); h.remove(); h.remove(); return len(m._forward_hooks)
    @case
    def handle_ctx():
        log = []
        m = lin()
        with m.register_forward_hook(lambda *a: log.append(1)):
            m(T.ones(1, 3))
        m(T.ones(1, 3)); return log
    @case
    def handle_id():
        m = lin(); h1 = m.register_forward_hook(lambda *a: None); h2 = m.register_forward_pre_hook(lambda *a: None); return h2.id - h1.id
    @case
    def full_bwd_hook():
        log = []
        m = lin(); m.register_full_backward_hook(lambda mod, gi, go: log.append((tdesc(gi), tdesc(go))))
        x = T.ones(1, 3, requires_grad=True); m(x).sum().backward(); return log
    @case
    def full_bwd_hook_noinputgrad():
        log = []
        m = lin(); m.register_full_backward_hook(lambda mod, gi, go: log.append((tdesc(gi), tdesc(go))))
        m(T.ones(1, 3)).sum().backward(); return log
    @case
    def full_bwd_hook_modify():
        m = lin(); m.register_full_backward_hook(lambda mod, gi, go: (gi[0] * 10,))
        x = T.ones(1, 3, requires_grad=True); m(x).sum().backward(); return tdesc(x.grad)
    @case
    def full_bwd_pre_hook():
        log = []
        m = lin(); m.register_full_backward_pre_hook(lambda mod, go: log.append(tdesc(go)))
        x = T.ones(1, 3, requires_grad=True); m(x).sum().backward(); return log, tdesc(x.grad)
    @case
    def full_bwd_pre_hook_modify():
        m = lin(); m.register_full_backward_pre_hook(lambda mod, go: (go[0] * 3,))
        x = T.ones(1, 3, requires_grad=True); m(x).sum().backward(); return tdesc(x.grad), tdesc(m.weight.grad)
    @case
    def full_bwd_hook_seq():
        log = []
        s = nn.Sequential(nn.Linear(3, 2), nn.ReLU())
        for i, mm in enumerate(s): mm.register_full_backward_hook(lambda mod, gi, go, i=i: log.append((i, tdesc(gi), tdesc(go))))
        x = T.ones(1, 3, requires_grad=True); T.manual_seed(0); s(x).sum().backward(); return len(log)
    @case
    def full_bwd_hook_wrong_count():
        m = lin(); m.register_full_backward_hook(lambda mod, gi, go: (gi[0], gi[0]))
        x = T.ones(1, 3, requires_grad=True); m(x).sum().backward()
    @case
    def old_bwd_hook(): m = lin(); m.register_backward_hook(lambda *a: None); m.register_full_backward_hook(lambda *a: None)
    @case
    def sd_pre_hook():
        log = []
        m = net(); m.register_state_dict_pre_hook(lambda mod, prefix, keep_vars: log.append((type(mod).__name__, prefix, keep_vars)))
        m.state_dict(prefix='x.'); return log
    @case
    def sd_post_hook():
        log = []
        m = lin(); m.register_state_dict_post_hook(lambda mod, sd, prefix, local_metadata: log.append((list(sd), prefix, dict(local_metadata))))
        m.state_dict(); return log
    @case
    def sd_hook_private():
        m = lin(); m._register_state_dict_hook(lambda mod, sd, prefix, lm: {'q': 1}); 
        return list(m.state_dict())
    @case
    def load_post_hook():
        log = []
        m = net(); m.a.register_load_state_dict_post_hook(lambda mod, keys: log.append((type(mod).__name__, repr(keys))))
        m.load_state_dict(net().state_dict()); return log
    @case
    def load_post_hook_modify():
        m = net()
        def hook(mod, keys): keys.missing_keys.clear(); keys.unexpected_keys.clear()
        m.register_load_state_dict_post_hook(hook)
        sd = net().state_dict(); sd['zz'] = T.ones(1); return repr(m.load_state_dict(sd))
    @case
    def load_post_hook_ret():
        m = lin(); m.register_load_state_dict_post_hook(lambda mod, keys: 1); m.load_state_dict(lin().state_dict())
    @case
    def load_pre_hook():
        log = []
        m = lin(); m.register_load_state_dict_pre_hook(lambda mod, sd, prefix, lm, strict, miss, unexp, errs: log.append((prefix, strict, sorted(sd))))
        m.load_state_dict(lin().state_dict()); return log
    @case
    def load_pre_hook_private():
        log = []
        m = lin(); m._register_load_state_dict_pre_hook(lambda sd, prefix, lm, strict, miss, unexp, errs: log.append((prefix, strict, sorted(sd), dict(lm))))
        m.load_state_dict(lin().state_dict()); return log
    @case
    def global_fwd_hook():
        log = []
        h = nn.modules.module.register_module_forward_hook(lambda mod, inp, out: log.append(type(mod).__name__))
        h2 = nn.modules.module.register_module_forward_pre_hook(lambda mod, inp: log.append('pre' + type(mod).__name__))
        try: net()(T.ones(1, 3))
        finally: h.remove(); h2.remove()
        net()(T.ones(1, 3)); return log
    @case
    def global_bwd_hook():
        log = []
        h = nn.modules.module.register_module_full_backward_hook(lambda mod, gi, go: log.append(type(mod).__name__))
        try:
            x = T.ones(1, 3, requires_grad=True); net()(x).sum().backward()
        finally: h.remove()
        return log
    @case
    def global_reg_hooks():
        log = []
        h1 = nn.modules.module.register_module_parameter_registration_hook(lambda m, n, p: log.append(('p', n)))
        h2 = nn.modules.module.register_module_buffer_registration_hook(lambda m, n, p: log.append(('b', n)))
        h3 = nn.modules.module.register_module_module_registration_hook(lambda m, n, p: log.append(('m', n)))
        try: net()
        finally: h1.remove(); h2.remove(); h3.remove()
        return log
    @case
    def hook_exception():
        m = lin(); m.register_forward_hook(lambda *a: 1/0); m(T.ones(1, 3))
    return {f.__name__: f for f in CASES}
