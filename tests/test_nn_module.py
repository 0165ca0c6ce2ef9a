"""nn.Module API compared with PyTorch on the same module trees: registration
and lookup, traversal, conversions, state_dict and its hooks. Forward and
backward hooks: test_nn_module_hooks.py."""
import pickle

import numpy as np
import pytest

import ember
from compare_torch import check

torch = pytest.importorskip("torch")


def _seeded_linear(T, i, o, seed=0, bias=True):
    T.manual_seed(seed)
    return T.nn.Linear(i, o, bias=bias)


# -- registration, lookup ------------------------------------------------------
def _tree(T):
    T.manual_seed(0)
    net = T.nn.Sequential(T.nn.Linear(3, 4), T.nn.Sequential(T.nn.Linear(4, 4), T.nn.ReLU()))
    net[1][0].register_buffer("stat", T.arange(4.0))
    net[1][0].register_buffer("scratch", T.zeros(2), persistent=False)
    return net


def test_get_submodule_parameter_buffer_vs_torch():
    check(lambda T: (_tree(T).get_parameter("1.0.weight"), _tree(T).get_buffer("1.0.stat"),
                     type(_tree(T).get_submodule("1.1")).__name__))
    for target in ["1.2", "1.0.weight.x", "0.nope", "1.1.x"]:
        check(lambda T: _tree(T).get_submodule(target))
    for target in ["1.0.stat", "1.0.nope", "2.weight", "1.0"]:
        check(lambda T: _tree(T).get_parameter(target))
    for target in ["1.0.weight", "1.0.nope", "1.0.training"]:
        check(lambda T: _tree(T).get_buffer(target))


def test_set_submodule_vs_torch():
    def f(T, target, strict=False, mod=True):
        net = _tree(T)
        net.set_submodule(target, T.nn.Tanh() if mod else 3, strict=strict)
        return [(n, type(m).__name__) for n, m in net.named_modules()]
    check(lambda T: f(T, "1.1"))
    check(lambda T: f(T, "1.5"))
    check(lambda T: f(T, "1.5", strict=True))
    check(lambda T: f(T, ""))
    check(lambda T: f(T, "1.1", mod=False))
    check(lambda T: f(T, "1.0.weight"))
    check(lambda T: f(T, "7.1"))


def test_register_module_and_errors_vs_torch():
    def f(T):
        m = T.nn.Module()
        m.register_module("a", T.nn.ReLU())
        return [n for n, _ in m.named_children()]
    check(f)
    check(lambda T: T.nn.Module().register_module("a.b", T.nn.ReLU()))
    check(lambda T: T.nn.Module().register_module("", T.nn.ReLU()))
    check(lambda T: T.nn.Module().register_module("a", 3))
    check(lambda T: T.nn.Module().register_buffer("b", 3))


def test_named_modules_and_parameters_duplicates_vs_torch():
    def f(T):
        T.manual_seed(0)
        lin = T.nn.Linear(2, 2)
        net = T.nn.Sequential(lin, T.nn.ReLU(), lin)
        net.extra = T.nn.Linear(2, 2)
        net.extra.weight = lin.weight
        return ([n for n, _ in net.named_modules()],
                [n for n, _ in net.named_modules(remove_duplicate=False)],
                [n for n, _ in net.named_modules(prefix="root")],
                [n for n, _ in net.named_parameters()],
                [n for n, _ in net.named_parameters(remove_duplicate=False)],
                [n for n, _ in net.named_parameters(prefix="p", recurse=False)],
                [n for n, _ in net.named_buffers()],
                len(list(net.parameters())))
    check(f)


def test_named_modules_memo_vs_torch():
    def f(T):
        net = _tree(T)
        memo = {net[1]}
        return [n for n, _ in net.named_modules(memo=memo)]
    check(f)


def test_dir_and_setstate():
    net = _tree(ember)
    d = dir(net[1][0])
    assert "weight" in d and "stat" in d and "forward" in d
    assert not any(k[0].isdigit() for k in dir(net))
    state = net.__getstate__()
    for k in ["_forward_hooks_always_called", "_backward_pre_hooks", "_state_dict_pre_hooks",
              "_load_state_dict_pre_hooks"]:
        del state[k]
    fresh = object.__new__(type(net))
    fresh.__setstate__(state)
    assert fresh._forward_hooks_always_called == {} and fresh._backward_pre_hooks == {}
    clone = pickle.loads(pickle.dumps(net))
    np.testing.assert_array_equal(clone[1][0].weight.detach().numpy(),
                                  net[1][0].weight.detach().numpy())


def test_apply_requires_grad_zero_grad_vs_torch():
    def f(T):
        net = _tree(T)
        seen = []
        net.apply(lambda m: seen.append(type(m).__name__))
        net(T.ones(2, 3)).sum().backward()
        net.zero_grad(set_to_none=False)
        zeros = [p.grad for p in net.parameters()]
        net.zero_grad()
        nones = [p.grad is None for p in net.parameters()]
        net.requires_grad_(False)
        flags = [p.requires_grad for p in net.parameters()]
        return seen, zeros, nones, flags
    check(f)


def test_conversions_vs_torch():
    def f(T, conv):
        net = _tree(T)
        net[1][0].register_buffer("count", T.tensor([3]))
        net(T.ones(1, 3)).sum().backward()
        out = conv(net, T)
        return ([(n, p.dtype, p.grad.dtype) for n, p in out.named_parameters()],
                [(n, b.dtype) for n, b in out.named_buffers()], out is net)
    check(lambda T: f(T, lambda n, T: n.double()))
    check(lambda T: f(T, lambda n, T: n.half()))
    check(lambda T: f(T, lambda n, T: n.bfloat16()))
    check(lambda T: f(T, lambda n, T: n.double().float()))
    check(lambda T: f(T, lambda n, T: n.to(T.float64)))
    check(lambda T: f(T, lambda n, T: n.to(dtype=T.float16)))
    check(lambda T: f(T, lambda n, T: n.to(T.zeros(1, dtype=T.float64))))
    check(lambda T: f(T, lambda n, T: n.to("cpu", T.float64)))
    check(lambda T: f(T, lambda n, T: n.to(T.int64)))
    check(lambda T: f(T, lambda n, T: n.share_memory()))


@pytest.mark.parametrize("name", ["cuda", "xpu", "ipu", "mtia"])
def test_accelerator_moves_vs_torch(name):
    torch = pytest.importorskip("torch")
    if name == "cuda" and torch.version.cuda is not None:
        pytest.skip("a CUDA build of PyTorch answers .cuda() from its driver check")
    check(lambda T: getattr(_tree(T), name)())
    check(lambda T: repr(getattr(T.nn.Module(), name)()))


def test_to_meta_and_to_empty():
    net = _tree(ember)
    p = net[0].weight
    net.to("meta")
    assert net[0].weight is p and p.is_meta and net[1][0].stat.is_meta
    net.to_empty(device="cpu")
    assert not net[0].weight.is_meta and net[0].weight.shape == (4, 3)
    assert isinstance(net[0].weight, ember.nn.Parameter)


def test_extra_repr_vs_torch():
    def f(T):
        class M(T.nn.Module):
            def __init__(self):
                super().__init__()
                self.lin = T.nn.Linear(2, 3)

            def extra_repr(self):
                return "k=1\nj=2"
        return repr(M()), repr(_tree(T))
    check(f)


# -- state_dict ----------------------------------------------------------------
def test_state_dict_keys_persistent_vs_torch():
    def f(T):
        sd = _tree(T).state_dict()
        return list(sd.keys()), list(sd.values()), list(sd._metadata.items())
    check(f)


def test_state_dict_hooks_vs_torch():
    def f(T):
        log = []
        net = _tree(T)
        inner = net[1][0]
        inner.register_state_dict_pre_hook(lambda m, prefix, kv: log.append(("pre", prefix, kv)))

        def post(m, sd, prefix, meta):
            log.append(("post", prefix, sorted(sd)))
        inner.register_state_dict_post_hook(post)

        def private(m, sd, prefix, meta):
            sd[prefix + "added"] = T.ones(1)
            return sd
        net._register_state_dict_hook(private)
        sd = net.state_dict(keep_vars=True)
        return log, list(sd)
    check(f)
    check(lambda T: _tree(T).register_state_dict_post_hook(lambda *a: {}) and
          _tree(T).state_dict())

    def bad_post(T):
        net = _tree(T)
        net.register_state_dict_post_hook(lambda *a: {})
        return net.state_dict()
    check(bad_post)

    def reuse(T):
        net = _tree(T)

        def post(*a):
            return None
        net.register_state_dict_post_hook(post)
        net._register_state_dict_hook(post)
    check(reuse)


def test_load_state_dict_hooks_and_errors_vs_torch():
    def f(T):
        log = []
        net = _tree(T)
        sd = _tree(T).state_dict()
        sd["1.0.weight"] = sd["1.0.weight"] + 1
        net[1][0].register_load_state_dict_pre_hook(
            lambda mod, sd, prefix, meta, strict, mk, uk, em:
            log.append(("pre", type(mod).__name__, prefix, strict)))
        net.register_load_state_dict_post_hook(
            lambda mod, keys: log.append(("post", list(keys.missing_keys))))
        res = net.load_state_dict(sd)
        return log, repr(res), net[1][0].weight
    check(f)

    def errors(T, mutate, strict=True):
        net = _tree(T)
        sd = _tree(T).state_dict()
        mutate(sd, T)
        res = net.load_state_dict(sd, strict=strict)
        return repr(res), list(res.missing_keys), list(res.unexpected_keys)
    check(lambda T: errors(T, lambda sd, T: sd.pop("0.bias")))
    check(lambda T: errors(T, lambda sd, T: sd.update({"x.y": T.ones(1), "0.z": T.ones(1)})))
    check(lambda T: errors(T, lambda sd, T: (sd.pop("0.bias"), sd.update({"q": T.ones(1)}))))
    check(lambda T: errors(T, lambda sd, T: (sd.pop("0.bias"), sd.update({"q": T.ones(1)})),
                           strict=False))
    check(lambda T: errors(T, lambda sd, T: sd.update({"0.weight": T.ones(2, 2)})))
    check(lambda T: errors(T, lambda sd, T: sd.update({"0.weight": 3.0})))
    check(lambda T: errors(T, lambda sd, T: sd.update({"1.0.scratch": T.ones(2)})))
    check(lambda T: _tree(T).load_state_dict([1, 2]))

    def bad_post(T):
        net = _tree(T)
        net.register_load_state_dict_post_hook(lambda m, k: 1)
        net.load_state_dict(net.state_dict())
    check(bad_post)


def test_load_state_dict_assign_vs_torch():
    def f(T):
        net = _tree(T)
        net[0].weight.requires_grad_(False)
        sd = {k: v + 1 for k, v in _tree(T).state_dict().items()}
        new_w = sd["0.weight"]
        net.load_state_dict(sd, assign=True)
        p = net[0].weight
        return (type(p).__name__, p.requires_grad, p.data_ptr() == new_w.data_ptr(),
                net[1][0].weight.requires_grad, net[1][0].stat)
    check(f)


def test_load_state_dict_assign_stays_in_the_checkpoints_metadata():
    # PyTorch writes assign= into the state dict's own _metadata entries, so
    # a later load of the same dict (here into a meta model, without assign=)
    # assigns too: the "loading an nn.Module from a checkpoint" recipe's order.
    def f(T):
        sd = T.nn.Sequential(T.nn.Linear(2, 2)).state_dict()
        with T.device("meta"):
            first, second = T.nn.Sequential(T.nn.Linear(2, 2)), T.nn.Sequential(T.nn.Linear(2, 2))
        first.load_state_dict(sd, assign=True)
        second.load_state_dict(sd)
        return (sorted((k, sorted(v.items())) for k, v in sd._metadata.items()),
                str(second[0].weight.device), second[0].weight.data_ptr() == sd["0.weight"].data_ptr())
    check(f)


def test_load_state_dict_leaves_model_on_error():
    net = _tree(ember)
    before = [p.detach().numpy().copy() for p in net.parameters()]
    sd = net.state_dict()
    sd["0.weight"] = ember.ones(9)
    with pytest.raises(RuntimeError, match="size mismatch for 0.weight"):
        net.load_state_dict(sd)
    for b, p in zip(before, net.parameters()):
        np.testing.assert_array_equal(b, p.detach().numpy())


def test_consume_prefix_in_state_dict_vs_torch():
    # A DataParallel/DDP checkpoint ("module." keys) loaded into the bare model.
    def f(T):
        wrapper = T.nn.Module()
        wrapper.module = _tree(T)
        sd = wrapper.state_dict()
        T.nn.modules.utils.consume_prefix_in_state_dict_if_present(sd, "module.")
        plain = {"module.a": T.ones(1), "b": T.zeros(1)}
        T.nn.modules.utils.consume_prefix_in_state_dict_if_present(plain, "module.")
        return list(sd), dict(sd._metadata), plain, _tree(T).load_state_dict(sd).missing_keys
    check(f)


def test_registration_hooks_vs_torch():
    def f(T):
        mm = T.nn.modules.module
        log = []
        hs = [mm.register_module_parameter_registration_hook(
                  lambda m, n, p: log.append(("param", n))),
              mm.register_module_buffer_registration_hook(
                  lambda m, n, b: (log.append(("buf", n)), b * 2)[1]),
              mm.register_module_module_registration_hook(
                  lambda m, n, s: log.append(("mod", n)))]
        try:
            m = T.nn.Module()
            m.w = T.nn.Parameter(T.ones(1))
            m.register_buffer("b", T.ones(2))
            m.sub = T.nn.ReLU()
            m.add_module("sub2", T.nn.ReLU())
        finally:
            for h in hs:
                h.remove()
        return log, m.b
    check(f)
