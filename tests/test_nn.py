"""ember.nn: Parameter, Module, Linear, containers, init (functional and losses
are in test_nn_functional.py).

Tests named *_vs_torch run PyTorch side by side (skipped without it); the
others check analytic values and behaviour on their own.
"""
import copy
import math
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import ember
import ember.nn as nn


def _torch():
    return pytest.importorskip("torch")


def e2t(torch, t):
    return torch.from_numpy(np.array(t.detach().numpy()))


def t2e(t):
    return ember.from_numpy(np.array(t.detach().numpy()))


def msg(exc):
    return str(exc).replace("torch.", "ember.")


class TinyModel(nn.Module):
    def __init__(self, lib=ember):
        super().__init__()
        self.layer1 = lib.nn.Linear(1000, 100)
        self.relu = lib.nn.ReLU()
        self.layer2 = lib.nn.Linear(100, 10)

    def forward(self, x):
        return self.layer2(self.relu(self.layer1(x)))


TINY_REPR = ("TinyModel(\n  (layer1): Linear(in_features=1000, out_features=100, bias=True)\n"
             "  (relu): ReLU()\n  (layer2): Linear(in_features=100, out_features=10, bias=True)\n)")


# -- Parameter -------------------------------------------------------------------
def test_parameter_basics():
    t = ember.tensor([1.0, 2.0])
    p = nn.Parameter(t)
    assert isinstance(p, nn.Parameter) and isinstance(p, ember.Tensor)
    assert p.requires_grad and p.is_leaf and p.grad_fn is None
    assert repr(p) == "Parameter containing:\ntensor([1., 2.], requires_grad=True)"
    t.add_(1)        # shares the array and the version counter
    assert p.tolist() == [2.0, 3.0] and p._version == 1
    assert type(p * 2) is ember.Tensor and type(p.detach()) is ember.Tensor
    q = nn.Parameter(ember.tensor([1, 2]), requires_grad=False)
    assert repr(q) == "Parameter containing:\ntensor([1, 2])"
    with pytest.raises(RuntimeError, match="Only Tensors of floating point and complex dtype"):
        nn.Parameter(ember.tensor([1, 2]))
    assert repr(nn.Parameter()) == "Parameter containing:\ntensor([], requires_grad=True)"
    assert not isinstance(t, nn.Parameter)


def test_parameter_copy_and_pickle():
    p = nn.Parameter(ember.tensor([1.0, 2.0]))
    for q in (copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert type(q) is nn.Parameter and q.requires_grad and q.tolist() == [1.0, 2.0]
        assert q.data_ptr() != p.data_ptr()


def test_buffer_marker():
    m = nn.Module()
    m.running = nn.Buffer(ember.ones(2))
    m.tmp = nn.Buffer(ember.zeros(1), persistent=False)
    assert list(dict(m.named_buffers())) == ["running", "tmp"]
    assert list(m.state_dict()) == ["running"]


# -- Module ----------------------------------------------------------------------
def test_tiny_model_structure():
    model = TinyModel()
    assert repr(model) == TINY_REPR
    names = [n for n, _ in model.named_parameters()]
    assert names == ["layer1.weight", "layer1.bias", "layer2.weight", "layer2.bias"]
    assert list(model.state_dict()) == names
    assert [n for n, _ in model.named_children()] == ["layer1", "relu", "layer2"]
    assert [n for n, _ in model.named_modules()] == ["", "layer1", "relu", "layer2"]
    assert len(list(model.parameters())) == 4
    assert list(model.layer1.parameters(recurse=False))[0] is model.layer1.weight
    assert [n for n, _ in model.named_parameters(prefix="m")][0] == "m.layer1.weight"
    with pytest.raises(AttributeError, match="'TinyModel' object has no attribute 'foo'"):
        model.foo
    sd = model.state_dict()
    assert isinstance(sd, OrderedDict) and sd._metadata[""] == {"version": 1}
    assert not sd["layer1.weight"].requires_grad
    assert sd["layer1.weight"].data_ptr() == model.layer1.weight.data_ptr()


def test_shared_parameters_listed_once():
    lin = nn.Linear(2, 2)
    seq = nn.Sequential(lin, nn.ReLU(), lin)
    assert len(list(seq.parameters())) == 2
    assert [n for n, _ in seq.named_parameters()] == ["0.weight", "0.bias"]
    assert len(list(seq.named_parameters(remove_duplicate=False))) == 4


def test_parameters_generator_as_torch():
    # print(model.parameters()) shows the generator's name; recurse=False
    # lists a parameter registered twice once, as named_parameters does
    torch = _torch()
    for lib in (ember, torch):
        m = lib.nn.Linear(2, 2)
        m.register_parameter("again", m.weight)
        assert repr(m.parameters()).startswith("<generator object Module.parameters at ")
        assert [p is m.weight for p in m.parameters(recurse=False)] == [True, False]


def test_setattr_rules():
    m = nn.Linear(2, 2)
    with pytest.raises(TypeError, match=r"cannot assign 'ember.FloatTensor' as parameter "
                                        r"'weight' \(ember.nn.Parameter or None expected\)"):
        m.weight = ember.ones(2, 2)
    m.bias = None
    assert m.bias is None and "bias" in m._parameters
    m.extra = 3
    assert m.extra == 3 and "extra" in m.__dict__
    m.register_buffer("buf", ember.zeros(2))
    m.buf = ember.ones(2)
    assert m._buffers["buf"].tolist() == [1.0, 1.0]
    with pytest.raises(KeyError, match="attribute 'extra' already exists"):
        m.register_buffer("extra", ember.zeros(1))
    with pytest.raises(ValueError, match="Cannot assign non-leaf Tensor"):
        m.register_parameter("w2", _non_leaf_param())
    del m.buf
    assert "buf" not in m._buffers


def _non_leaf_param():
    p = nn.Parameter(ember.ones(1))
    p._grad_fn = (p * 2).grad_fn
    return p


def test_module_without_forward():
    class M(nn.Module):
        pass
    with pytest.raises(NotImplementedError, match=r'Module \[M\] is missing the required '
                                                  r'"forward" function'):
        M()(1)


def test_train_eval_zero_grad_requires_grad():
    model = nn.Sequential(nn.Linear(3, 2), nn.Dropout(0.2))
    assert model.training and model[1].training
    model.eval()
    assert not model.training and not model[1].training
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        model.train(1)
    model.train()
    model(ember.ones(4, 3)).sum().backward()
    assert model[0].weight.grad is not None
    model.zero_grad(set_to_none=False)
    assert model[0].weight.grad.abs().sum().item() == 0
    model.zero_grad()
    assert model[0].weight.grad is None
    model.requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())


def test_apply_and_dtype_conversion():
    model = nn.Sequential(nn.Linear(3, 2), nn.ReLU())
    seen = []
    model.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "ReLU", "Sequential"]
    w = model[0].weight
    model.double()
    assert model[0].weight is w and w.dtype == ember.float64
    assert model(ember.ones(1, 3, dtype=ember.float64)).dtype == ember.float64
    model.to(ember.float32)
    assert w.dtype == ember.float32
    with pytest.raises(TypeError, match="nn.Module.to only accepts floating point"):
        model.to(ember.int64)


def test_forward_hooks():
    lin = nn.Linear(2, 2)
    calls = []
    h1 = lin.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    h2 = lin.register_forward_hook(lambda m, args, out: calls.append(out) or out + 1)
    out = lin(ember.ones(1, 2))
    assert np.allclose(out.detach().numpy(), lin.bias.detach().numpy() + 1)
    assert len(calls) == 1
    h1.remove()
    h2.remove()
    assert not lin._forward_pre_hooks and not lin._forward_hooks


def test_load_state_dict_roundtrip_and_errors():
    a, b = nn.Linear(3, 2), nn.Linear(3, 2)
    assert repr(b.load_state_dict(a.state_dict())) == "<All keys matched successfully>"
    assert np.array_equal(a.weight.detach().numpy(), b.weight.detach().numpy())
    assert b.weight.requires_grad and b.weight.is_leaf
    with pytest.raises(RuntimeError) as ei:
        b.load_state_dict({"weight": ember.ones(2, 2), "bias": ember.ones(2),
                           "extra": ember.ones(1)})
    assert str(ei.value) == (
        'Error(s) in loading state_dict for Linear:\n\tUnexpected key(s) in state_dict: '
        '"extra". \n\tsize mismatch for weight: copying a param with shape '
        'ember.Size([2, 2]) from checkpoint, the shape in current model is '
        'ember.Size([2, 3]).')
    with pytest.raises(RuntimeError, match='Missing key\\(s\\) in state_dict: "bias". '):
        b.load_state_dict({"weight": ember.ones(2, 3)})
    res = b.load_state_dict({"weight": ember.ones(2, 3)}, strict=False)
    assert res.missing_keys == ["bias"] and res.unexpected_keys == []
    assert b.weight.tolist() == [[1.0] * 3] * 2


def test_load_state_dict_messages_vs_torch():
    torch = _torch()
    for lib_sd in ({"0.weight": (2, 2)}, {"0.weight": (3, 2), "0.bias": (3,), "1.x": (1,)}):
        errs = []
        for lib in (torch, ember):
            m = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.ReLU())
            sd = {k: lib.ones(*s) for k, s in lib_sd.items()}
            with pytest.raises(RuntimeError) as ei:
                m.load_state_dict(sd)
            errs.append(msg(ei.value))
        assert errs[0] == errs[1]


# -- Linear and init ---------------------------------------------------------------
@pytest.mark.parametrize("shape", [(1000, 100), (100, 10), (3, 2), (7, 1), (1, 5), (64, 33)])
@pytest.mark.parametrize("seed", [0, 1, 12345])
def test_linear_init_bit_exact_vs_torch(shape, seed):
    torch = _torch()
    torch.manual_seed(seed)
    t = torch.nn.Linear(*shape)
    ember.manual_seed(seed)
    e = nn.Linear(*shape)
    assert np.array_equal(e.weight.detach().numpy(), t.weight.detach().numpy())
    assert np.array_equal(e.bias.detach().numpy(), t.bias.detach().numpy())
    # and the generator is left where torch leaves it
    assert np.array_equal(ember.rand(3).numpy(), torch.rand(3).numpy())


def test_linear_variants_vs_torch():
    torch = _torch()
    for kw in (dict(bias=False), dict(dtype="float64")):
        torch.manual_seed(5)
        ember.manual_seed(5)
        tk = {k: getattr(torch, v) if k == "dtype" else v for k, v in kw.items()}
        ek = {k: getattr(ember, v) if k == "dtype" else v for k, v in kw.items()}
        t, e = torch.nn.Linear(20, 6, **tk), nn.Linear(20, 6, **ek)
        assert np.array_equal(e.weight.detach().numpy(), t.weight.detach().numpy())
        assert repr(e) == repr(t)
        assert (e.bias is None) == (t.bias is None)


def _chain(fn):
    names = []
    while fn is not None:
        names.append(type(fn).__name__)
        fn = fn.next_functions[0][0] if fn.next_functions else None
    return names


@pytest.mark.parametrize("make", [
    lambda T: T.arange(24.).reshape(3, 2, 4).transpose(0, 1),      # LSTM's batch_first output
    lambda T: T.arange(96.).reshape(4, 3, 2, 4).transpose(1, 2),
    lambda T: T.arange(24.).reshape(2, 3, 4),
    lambda T: T.arange(96.).reshape(4, 2, 3, 4),
    lambda T: T.arange(4.),
])
def test_linear_graph_follows_contiguity_vs_torch(make):
    # ATen folds a contiguous input into addmm (ViewBackward0 <- AddmmBackward0);
    # any other takes matmul and an in-place add (AddBackward0 <- UnsafeViewBackward0).
    torch = _torch()
    out = {}
    for T in (ember, torch):
        w = T.linspace(-1, 1, 20, dtype=T.float64).reshape(5, 4).requires_grad_()
        b = T.linspace(0, 1, 5, dtype=T.float64).requires_grad_()
        x = make(T).double()
        y = T.nn.functional.linear(x, w, b)
        y.pow(2).sum().backward()
        out[T] = (_chain(y.grad_fn), y.detach().numpy(), w.grad.numpy(), b.grad.numpy())
    assert out[ember][0] == out[torch][0]
    for a, c in zip(out[ember][1:], out[torch][1:]):
        np.testing.assert_allclose(a, c, rtol=1e-12)


def test_linear_bias_broadcast_error_vs_torch():
    torch = _torch()
    msgs = []
    for T in (ember, torch):
        x = T.zeros(3, 2, 4).transpose(0, 1)
        with pytest.raises(RuntimeError) as info:
            T.nn.functional.linear(x, T.zeros(5, 4), T.zeros(2, 5))
        msgs.append(str(info.value))
    assert msgs[0] == msgs[1]


def test_tiny_model_vs_torch():
    torch = _torch()

    class TorchTiny(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.layer1 = torch.nn.Linear(1000, 100)
            self.relu = torch.nn.ReLU()
            self.layer2 = torch.nn.Linear(100, 10)

        def forward(self, x):
            return self.layer2(self.relu(self.layer1(x)))

    TorchTiny.__name__ = "TinyModel"
    torch.manual_seed(0)
    tm = TorchTiny()
    x, y = torch.randn(16, 1000), torch.randn(16, 10)
    ember.manual_seed(0)
    em = TinyModel()
    assert repr(tm) == TINY_REPR
    for (n1, p1), (n2, p2) in zip(tm.named_parameters(), em.named_parameters()):
        assert n1 == n2 and np.array_equal(p1.detach().numpy(), p2.detach().numpy())
    tl = (y - tm(x)).pow(2).sum()
    el = (t2e(y) - em(t2e(x))).pow(2).sum()
    assert el.grad_fn.name() == tl.grad_fn.name() == "SumBackward0"
    assert em(t2e(x)).grad_fn.name() == "AddmmBackward0"
    np.testing.assert_allclose(el.item(), tl.item(), rtol=1e-5)
    tl.backward()
    el.backward()
    for p1, p2 in zip(tm.parameters(), em.parameters()):
        np.testing.assert_allclose(p2.grad.numpy(), p1.grad.numpy(), rtol=1e-4, atol=1e-4)


def test_init_functions_bit_exact_vs_torch():
    torch = _torch()
    cases = [
        ("uniform_", dict(a=-0.3, b=0.7)), ("normal_", dict(mean=1.0, std=0.5)),
        ("kaiming_uniform_", dict(a=math.sqrt(5))), ("kaiming_uniform_", dict(nonlinearity="relu")),
        ("kaiming_normal_", dict(mode="fan_out")), ("xavier_uniform_", dict(gain=2.0)),
        ("xavier_normal_", dict()), ("zeros_", dict()), ("ones_", dict()),
        ("constant_", dict(val=0.25)), ("eye_", dict()),
    ]
    for name, kw in cases:
        torch.manual_seed(3)
        ember.manual_seed(3)
        t = getattr(torch.nn.init, name)(torch.empty(13, 17), **kw)
        e = getattr(nn.init, name)(ember.empty(13, 17), **kw)
        assert np.array_equal(e.numpy(), t.numpy()), name
    for nl, param in (("linear", None), ("tanh", None), ("relu", None), ("leaky_relu", None),
                      ("leaky_relu", 0.2), ("selu", None), ("sigmoid", None)):
        assert nn.init.calculate_gain(nl, param) == torch.nn.init.calculate_gain(nl, param)
    assert nn.init._calculate_fan_in_and_fan_out(ember.empty(4, 3, 5)) == (15, 20)


@pytest.mark.parametrize("kw", [dict(std=0.02, a=-0.04, b=0.04), dict(),
                                dict(mean=0.3, std=1.0, a=0.5, b=0.6),
                                dict(mean=1.0, std=2.0, a=-0.5, b=0.0)])
@pytest.mark.parametrize("dtype", ["float32", "float64", "bfloat16"])
def test_trunc_normal_draws_torch_values(kw, dtype):
    torch = _torch()
    res = []
    for L in (torch, ember):
        L.manual_seed(7)
        g = L.Generator().manual_seed(11)
        res.append([L.nn.init.trunc_normal_(L.empty(13, 17, dtype=getattr(L, dtype)), **kw),
                    L.nn.init.trunc_normal_(L.empty(40, dtype=getattr(L, dtype)), **kw,
                                            generator=g), L.rand(2)])
    for t, e in zip(*res):
        assert np.array_equal(e.float().numpy(), t.float().numpy())


def test_trunc_normal_warns_far_mean():
    with pytest.warns(UserWarning, match="mean is more than 2 std from"):
        nn.init.trunc_normal_(ember.empty(3), mean=5.0, a=-1.0, b=1.0)


def test_init_under_no_grad_and_errors():
    p = nn.Parameter(ember.zeros(3, 4))
    nn.init.normal_(p)            # a leaf that requires grad: allowed, as in torch
    assert p.is_leaf and p.grad_fn is None and p._version == 1
    with pytest.raises(ValueError, match="Fan in and fan out can not be computed"):
        nn.init.xavier_uniform_(ember.empty(3))
    with pytest.raises(ValueError, match="Unsupported nonlinearity foo"):
        nn.init.calculate_gain("foo")
    with pytest.raises(ValueError, match="Mode fan_x not supported"):
        nn.init.kaiming_uniform_(ember.empty(2, 2), mode="fan_x")


# -- containers --------------------------------------------------------------------
def test_sequential():
    s = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    assert len(s) == 2 and isinstance(s[0], nn.Linear) and isinstance(s[-1], nn.ReLU)
    assert [type(m).__name__ for m in s] == ["Linear", "ReLU"]
    s.append(nn.Linear(3, 1))
    assert len(s) == 3 and isinstance(s[1:], nn.Sequential) and len(s[1:]) == 2
    with pytest.raises(IndexError, match="index 5 is out of range"):
        s[5]
    assert s(ember.ones(4, 2)).shape == (4, 1)
    named = nn.Sequential(OrderedDict([("fc", nn.Linear(1, 1)), ("act", nn.Tanh())]))
    assert repr(named) == ("Sequential(\n  (fc): Linear(in_features=1, out_features=1, "
                           "bias=True)\n  (act): Tanh()\n)")
    del s[1]
    assert list(s._modules) == ["0", "1"]
    assert repr(nn.Sequential()) == "Sequential()"


def test_container_reprs_vs_torch():
    torch = _torch()
    for lib_fn in (
        lambda L: L.nn.ModuleList([L.nn.Linear(2, 2) for _ in range(3)]
                                  + [L.nn.ReLU(), L.nn.ReLU(), L.nn.Linear(2, 3)]),
        lambda L: L.nn.Sequential(L.nn.Linear(2, 2), L.nn.Sequential(L.nn.ReLU(),
                                                                      L.nn.Dropout(0.1))),
        lambda L: L.nn.Sequential(L.nn.Flatten(), L.nn.Softmax(dim=1), L.nn.LogSoftmax(1),
                                  L.nn.Identity(), L.nn.Sigmoid(), L.nn.ReLU(inplace=True),
                                  L.nn.LeakyReLU(0.2), L.nn.MSELoss(), L.nn.L1Loss(),
                                  L.nn.CrossEntropyLoss(), L.nn.NLLLoss()),
        lambda L: L.nn.ModuleList(),
        lambda L: L.nn.ModuleDict({"a": L.nn.Tanh(), "b": L.nn.Linear(1, 2, bias=False)}),
    ):
        assert repr(lib_fn(ember)) == repr(lib_fn(torch))


def test_module_list_and_dict():
    ml = nn.ModuleList([nn.ReLU(), nn.Tanh()])
    ml.append(nn.Sigmoid())
    assert len(ml) == 3 and isinstance(ml[-1], nn.Sigmoid)
    with pytest.raises(IndexError, match="index 3 is out of range"):
        ml[3]
    md = nn.ModuleDict({"lin": nn.Linear(1, 1)})
    assert "lin" in md and list(md.keys()) == ["lin"]
    assert [n for n, _ in md.named_parameters()] == ["lin.weight", "lin.bias"]
