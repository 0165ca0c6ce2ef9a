"""Module mechanics of torch.nn.utils for test_module_mechanics.py:
parametrizations (class names, state_dict keys, caching, removal, errors),
pruning's buffers and hooks, spectral/orthogonal/weight norm, functional_call,
DataParallel's prefix, parameter vectors, fusion, skip_init, packed sequences."""
import copy
import importlib
import pickle

from module_api_common import helpers


def build(T):
    """{case name: case(T)} with every case bound to the library T."""
    nn = T.nn
    # (nn.utils.prune is a submodule neither library imports by itself: as a
    # script would, import it, so that no case depends on the tests' order)
    importlib.import_module(T.__name__ + ".nn.utils.prune")
    P = nn.utils.parametrize
    case, CASES, tdesc, lin, net = helpers(T)

    class Sym(nn.Module):
        def forward(self, X): return X.triu() + X.triu(1).transpose(-1, -2)
    class Double(nn.Module):
        def forward(self, X): return X * 2
        def right_inverse(self, X): return X / 2
    def plin():
        m = nn.Linear(3, 3); T.manual_seed(0); m = nn.Linear(3, 3); P.register_parametrization(m, 'weight', Sym()); return m

    @case
    def p_repr(): return repr(plin()), type(plin()).__name__, type(plin()).__qualname__
    @case
    def p_sd(): return [(k, tdesc(v)) for k, v in plin().state_dict().items()]
    @case
    def p_params(): return [k for k, _ in plin().named_parameters()]
    @case
    def p_modules(): return [(k, type(v).__name__) for k, v in plin().named_modules()]
    @case
    def p_weight(): return tdesc(plin().weight)
    @case
    def p_is_param(): m = plin(); return P.is_parametrized(m), P.is_parametrized(m, 'weight'), P.is_parametrized(m, 'bias')
    @case
    def p_cached():
        m = plin()
        with P.cached():
            a = m.weight; b = m.weight
        return a is b, tdesc(a)
    @case
    def p_remove(): m = plin(); P.remove_parametrizations(m, 'weight'); return type(m).__name__, tdesc(m.weight), list(m.state_dict())
    @case
    def p_remove_noleave(): m = plin(); P.remove_parametrizations(m, 'weight', leave_parametrized=False); return tdesc(m.weight)
    @case
    def p_remove_missing(): P.remove_parametrizations(lin(), 'weight')
    @case
    def p_register_missing(): P.register_parametrization(lin(), 'foo', Sym())
    @case
    def p_set_weight(): m = plin(); m.weight = T.zeros(3, 3)
    @case
    def p_set_weight_rinv():
        m = lin(); P.register_parametrization(m, 'weight', Double()); m.weight = T.ones(2, 3); return tdesc(m.parametrizations.weight.original), tdesc(m.weight)
    @case
    def p_two(): m = lin(); P.register_parametrization(m, 'weight', Double()); P.register_parametrization(m, 'weight', Double()); return tdesc(m.weight), repr(m), list(m.state_dict())
    @case
    def p_deepcopy(): m = copy.deepcopy(plin()); return type(m).__name__, tdesc(m.weight)
    @case
    def p_pickle(): pickle.dumps(plin())
    @case
    def p_load(): m = plin(); return repr(m.load_state_dict(plin().state_dict()))
    @case
    def p_load_plain(): plin().load_state_dict(lin().state_dict())
    @case
    def p_bad_shape():
        class Bad(nn.Module):
            def forward(self, X): return X.sum()
        P.register_parametrization(lin(), 'weight', Bad())
    @case
    def p_double(): m = plin().double(); return tdesc(m.weight)
    @case
    def p_backward():
        m = plin(); m(T.ones(1, 3)).sum().backward(); return tdesc(m.parametrizations.weight.original.grad)
    @case
    def p_unsafe():
        class Bad(nn.Module):
            def forward(self, X): return X.sum()
        m = lin(); P.register_parametrization(m, 'weight', Bad(), unsafe=True); return tdesc(m.weight)
    @case
    def prune_sd():
        m = lin(); nn.utils.prune.l1_unstructured(m, 'weight', amount=0.5); return [(k, tdesc(v)) for k, v in m.state_dict().items()], [k for k, _ in m.named_parameters()], [k for k, _ in m.named_buffers()], len(m._forward_pre_hooks)
    @case
    def prune_repr(): m = lin(); nn.utils.prune.random_unstructured(m, 'weight', amount=0.5); return repr(m)
    @case
    def prune_remove(): m = lin(); nn.utils.prune.l1_unstructured(m, 'weight', amount=0.5); nn.utils.prune.remove(m, 'weight'); return list(m.state_dict()), len(m._forward_pre_hooks)
    @case
    def prune_is_pruned(): m = lin(); nn.utils.prune.l1_unstructured(m, 'weight', amount=1); return nn.utils.prune.is_pruned(m), nn.utils.prune.is_pruned(lin())
    @case
    def prune_deepcopy(): m = lin(); nn.utils.prune.l1_unstructured(m, 'weight', amount=1); c = copy.deepcopy(m); return list(c.state_dict()), len(c._forward_pre_hooks)
    @case
    def sn_param():
        m = nn.utils.parametrizations.spectral_norm(lin()); return list(m.state_dict()), repr(m)
    @case
    def orth_param():
        m = nn.utils.parametrizations.orthogonal(nn.Linear(3, 3)); return list(m.state_dict()), repr(m)
    @case
    def functional_call():
        m = lin(); return tdesc(T.func.functional_call(m, {'weight': T.ones(2, 3)}, (T.ones(1, 3),)))
    @case
    def functional_call_strict():
        m = lin(); T.func.functional_call(m, {'weight': T.ones(2, 3), 'zz': T.ones(1)}, (T.ones(1, 3),), strict=True)
    @case
    def functional_call_tied():
        s = nn.Sequential(nn.Linear(2, 2, bias=False), nn.Linear(2, 2, bias=False)); s[1].weight = s[0].weight
        return tdesc(T.func.functional_call(s, {'0.weight': T.eye(2)}, (T.ones(1, 2),)))
    @case
    def stateless_call():
        m = lin(); return tdesc(nn.utils.stateless.functional_call(m, {'bias': T.zeros(2)}, T.ones(1, 3)))
    @case
    def dp_sd():
        m = nn.DataParallel(lin()); return list(m.state_dict()), repr(m)
    @case
    def vec_to_params():
        m = lin(); nn.utils.vector_to_parameters(T.arange(8.0), m.parameters()); return tdesc(m.weight), tdesc(m.bias)
    @case
    def clip_grad():
        m = lin(); m(T.ones(1, 3)).sum().backward(); return tdesc(nn.utils.clip_grad_norm_(m.parameters(), 0.1)), tdesc(m.weight.grad)
    @case
    def fuse_conv_bn():
        c = nn.Conv2d(2, 2, 1).eval(); b = nn.BatchNorm2d(2).eval(); f = nn.utils.fusion.fuse_conv_bn_eval(c, b); return repr(f), tdesc(f.weight)
    @case
    def skip_init(): m = nn.utils.skip_init(nn.Linear, 3, 2); return tdesc(m.weight)[:40]
    @case
    def weight_norm_remove(): m = nn.utils.weight_norm(lin()); nn.utils.remove_weight_norm(m); return list(m.state_dict())
    @case
    def weight_norm_twice(): m = nn.utils.weight_norm(lin()); nn.utils.weight_norm(m)
    @case
    def rnn_pack():
        m = nn.LSTM(2, 3); x = nn.utils.rnn.pack_padded_sequence(T.ones(3, 2, 2), [3, 1]); o, (h, c) = m(x); return type(o).__name__, tdesc(o.data), tdesc(h)

    return {f.__name__: f for f in CASES}
