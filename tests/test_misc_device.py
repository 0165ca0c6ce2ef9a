"""Devices: the default device, `with device(...)`, CUDA's absence, the meta
device (shapes and dtypes without data)."""
import pytest

import ember
from compare_torch import check

torch = pytest.importorskip("torch")


def same_repr(fn):
    e, t = fn(ember), fn(torch)
    assert repr(e) == repr(t).replace("torch", "ember"), (e, t)


@pytest.fixture(autouse=True)
def _default_device_restored():
    yield
    ember.set_default_device(None)
    torch.set_default_device(None)


# -- default device, device context ------------------------------------------------
def test_default_device_and_context():
    check(lambda T: T.get_default_device())
    for T in (ember, torch):
        with T.device("meta") as d:
            assert str(d) == "meta"
            assert T.get_default_device() == T.device("meta")
            assert T.zeros(2).device.type == "meta" and T.randn(3).is_meta
            assert T.arange(3).is_meta and T.tensor([1.]).is_meta
            assert T.nn.Linear(2, 3).weight.is_meta
        assert T.zeros(2).device.type == "cpu"
        T.set_default_device("meta")
        assert T.ones(3).is_meta and T.get_default_device().type == "meta"
        T.set_default_device(None)
        assert not T.ones(3).is_meta and T.get_default_device().type == "cpu"


def test_cuda_is_absent():
    if torch.version.cuda:
        pytest.skip("PyTorch's CUDA build words these errors otherwise; Ember is its CPU build")
    check(lambda T: T.zeros(2, device="cuda"))
    check(lambda T: T.zeros(2, device="cuda:0"))
    check(lambda T: T.tensor([1.], device="cuda"))
    check(lambda T: T.randn(2, device="cuda"))
    check(lambda T: T.arange(2, device="cuda"))
    check(lambda T: T.zeros(2).to("cuda"))
    check(lambda T: T.zeros(2).cuda())
    check(lambda T: T.device("cuda"))
    check(lambda T: T.set_default_device("cuda"))
    check(lambda T: T.get_default_device())
    check(lambda T: T.zeros(2))
    for T in (ember, torch):
        T.set_default_device(None)
    check(lambda T: (T.cuda.is_available(), T.cuda.device_count(), T.cuda.is_initialized(),
                     T.cuda.memory_allocated(), T.cuda.empty_cache()))
    check(lambda T: T.cuda.current_device())
    check(lambda T: T.cuda.get_device_name())
    check(lambda T: T.cuda.synchronize())
    with pytest.raises(NotImplementedError, match="'MPS' backend"):
        ember.zeros(2, device="mps")


@pytest.mark.parametrize("name", ["cuda", "xpu", "ipu", "mtia"])
@pytest.mark.parametrize("device", [None, 0, -1, "cpu", "cuda", "cuda:1", "xpu:0", "ipu",
                                    "mtia:0", "bogus", 1.5])
def test_accelerator_copies_refuse_as_the_cpu_build(name, device):
    """Tensor.cuda / xpu / ipu / mtia check their device first (an index
    alone: no accelerator; another type: invalid), then find no backend; a
    module's go through its tensors', a module without tensors moves."""
    if torch.version.cuda:
        pytest.skip("PyTorch's CUDA build has the device")
    args = () if device is None else (device,)
    check(lambda T: getattr(T.ones(1), name)(*args))
    check(lambda T: getattr(T.nn.Linear(2, 2), name)(*args))
    check(lambda T: type(getattr(T.nn.ReLU(), name)(*args)).__name__)


# -- meta ------------------------------------------------------------------------
HUGE = (2 ** 10, 3, 2 ** 16, 2 ** 16)

META_CASES = [
    lambda T: T.empty(2, 3, device="meta"),
    lambda T: T.empty(*HUGE, device="meta"),
    lambda T: T.empty(*HUGE, device="meta") * 2 + 1,
    lambda T: T.empty(*HUGE, device="meta").view(-1, 2 ** 16),
    lambda T: T.empty(*HUGE, device="meta").reshape(3, -1).t(),
    lambda T: T.empty(*HUGE, device="meta") @ T.empty(2 ** 16, 5, device="meta"),
    lambda T: T.empty(*HUGE, device="meta")[1, :, 5:7],
    lambda T: T.empty(*HUGE, device="meta").permute(3, 2, 1, 0).unsqueeze(0).expand(2, *HUGE[::-1]),
    lambda T: T.empty((), device="meta"),
    lambda T: T.empty(0, 3, device="meta"),
    lambda T: T.empty(2, dtype=T.long, device="meta"),
    lambda T: T.zeros(2, dtype=T.long, device="meta") / 2,
    lambda T: T.empty(2, device="meta", requires_grad=True),
    lambda T: T.empty(2, device="meta", requires_grad=True) * 2,
    lambda T: T.empty(2, dtype=T.float64, device="meta", requires_grad=True) * 2,
    lambda T: T.ones(2, requires_grad=True).to("meta"),
    lambda T: T.nn.Parameter(T.empty(2, device="meta")),
    lambda T: T.empty(2, 3, device="meta") + T.tensor(2.),
    lambda T: T.empty(2, 3, device="meta").sum(),
    lambda T: T.empty(2, 3, device="meta").argmax(1),
    lambda T: T.cat([T.empty(2, 3, device="meta")] * 2),
    lambda T: T.stack([T.empty(2, 3, device="meta")] * 2, 1),
    lambda T: T.nn.functional.softmax(T.empty(2, 3, device="meta"), -1),
    lambda T: T.relu(T.empty(2, 3, device="meta")).exp(),
    lambda T: T.empty_like(T.empty(2, 3, device="meta")),
    lambda T: T.zeros_like(T.empty(2, device="meta"), dtype=T.int32),
    lambda T: T.full_like(T.empty(2, device="meta"), 7),
    lambda T: T.randn_like(T.empty(3, device="meta")),
    lambda T: T.rand_like(T.empty(3), device="meta"),
    lambda T: T.tensor([1, 2], device="meta"),
    lambda T: T.as_tensor([1., 2], device="meta"),
    lambda T: T.eye(3, device="meta"),
    lambda T: T.full((2,), 3, device="meta"),
    lambda T: T.randn(2 ** 20, 2 ** 20, device="meta"),
    lambda T: T.rand(2, dtype=T.float64, device="meta", requires_grad=True),
    lambda T: T.randint(0, 5, (3,), device="meta"),
    lambda T: T.randperm(4, device="meta"),
    lambda T: T.arange(5, device="meta"),
    lambda T: T.linspace(0, 1, 5, device="meta"),
]




# Samplers on the meta device check their arguments and leave the generator
# as it was (PyTorch's meta kernels draw nothing): a model built on meta and
# then materialised gets the same weights as in PyTorch.
META_SAMPLER_CASES = [
    lambda T, t: t.uniform_(), lambda T, t: t.normal_(), lambda T, t: t.bernoulli_(),
    lambda T, t: t.random_(0, 5), lambda T, t: t.exponential_(),
    lambda T, t: T.nn.init.kaiming_uniform_(t), lambda T, t: T.nn.init.trunc_normal_(t),
    lambda T, t: T.nn.init.orthogonal_(t), lambda T, t: T.nn.init.sparse_(t, 0.5),
    lambda T, t: T.nn.init.dirac_(t.view(3, 3, 1)), lambda T, t: T.rand_like(t),
    lambda T, t: T.randint(0, 3, (3,), device="meta"),
    lambda T, t: T.randperm(5, device="meta"),
    lambda T, t: T.normal(0.0, 1.0, (2,), device="meta"),
    lambda T, t: T.nn.functional.dropout(t), lambda T, t: T.nn.functional.dropout2d(t[None]),
    lambda T, t: T.nn.Linear(3, 3, device="meta"), lambda T, t: T.nn.LSTM(3, 3, device="meta"),
]


@pytest.mark.parametrize("case", META_SAMPLER_CASES)
def test_meta_samplers_leave_the_generator_be(case):
    def run(T):
        T.manual_seed(0)
        g = T.Generator().manual_seed(1)
        out = case(T, T.empty(3, 3, device="meta"))
        return out.is_meta if isinstance(out, T.Tensor) else None, T.rand(2), T.rand(1, generator=g)
    check(run)


def test_meta_model_materialised_gets_torch_weights():
    def run(T):
        T.manual_seed(3)
        with T.device("meta"):
            m = T.nn.Sequential(T.nn.Linear(4, 3), T.nn.Dropout(), T.nn.Embedding(2, 2))
        m.to_empty(device="cpu")
        for mod in m.modules():
            if hasattr(mod, "reset_parameters"):
                mod.reset_parameters()
        return [p.detach() for p in m.parameters()]
    check(run)


@pytest.mark.parametrize("case", [
    lambda T, c, m, mb: T.nn.functional.linear(c, m, mb),
    lambda T, c, m, mb: T.nn.functional.linear(m, c, c[0]),
    lambda T, c, m, mb: c + m, lambda T, c, m, mb: m + c, lambda T, c, m, mb: m * c,
    lambda T, c, m, mb: T.addmm(mb, c, c), lambda T, c, m, mb: T.addmm(c[0], m, c),
])
def test_meta_and_cpu_mixed_name_the_first_operands_device(case):
    # A model left on meta (load_state_dict without assign=True) fed a CPU batch.
    said = []
    for T in (torch, ember):
        with pytest.raises(RuntimeError) as info:
            case(T, T.ones(2, 2), T.ones(2, 2, device="meta"), T.ones(2, device="meta"))
        said.append(str(info.value))
    assert said[0] == said[1]


def _meta_grads(T, fn, *shapes):
    """fn's meta result and the meta gradients of its sum by each input."""
    xs = [T.empty(*s, device="meta", requires_grad=True) for s in shapes]
    out = fn(T.nn.functional, *xs)
    out.sum().backward()
    return (out, *[x.grad for x in xs])


# Convolutions and pools: their kernels' strided views and scratch buffers
# have no meta form, so each answers the shapes itself.
META_LAYER_CASES = [
    lambda T: T.nn.functional.conv2d(T.empty(2 ** 10, 3, 2 ** 16, 2 ** 16, device="meta"),
                                     T.empty(5, 3, 2, 2, device="meta")),
    lambda T: _meta_grads(T, lambda F, x, w, b: F.conv2d(x, w, b), (2, 3, 10, 10), (5, 3, 2, 2),
                          (5,)),
    lambda T: _meta_grads(T, lambda F, x, w: F.conv2d(x, w, stride=2, padding=1, dilation=2),
                          (2, 4, 9, 9), (6, 4, 3, 3)),
    lambda T: _meta_grads(T, lambda F, x, w: F.conv2d(x, w, groups=2, padding="same"),
                          (1, 4, 8, 8), (6, 2, 3, 3)),
    lambda T: _meta_grads(T, lambda F, x, w: F.conv1d(x, w), (1, 3, 8), (4, 3, 3)),
    lambda T: _meta_grads(T, lambda F, x, w: F.conv3d(x, w), (1, 3, 5, 5, 5), (4, 3, 2, 2, 2)),
    lambda T: _meta_grads(T, lambda F, x, w: F.conv_transpose2d(x, w, stride=2, padding=1),
                          (2, 3, 5, 5), (3, 4, 3, 3)),
    lambda T: T.nn.functional.conv2d(T.empty(1, 3, 8, 8, dtype=T.float64, device="meta"),
                                     T.empty(4, 3, 3, 3, dtype=T.float64, device="meta")),
    lambda T: _meta_grads(T, lambda F, x: F.max_pool2d(x, 2), (2, 3, 9, 9)),
    lambda T: _meta_grads(T, lambda F, x: F.max_pool2d(x, 3, 2, 1), (2, 3, 9, 9)),
    lambda T: _meta_grads(T, lambda F, x: F.max_pool1d(x[0], 2), (2, 3, 9)),
    lambda T: _meta_grads(T, lambda F, x: F.max_pool3d(x, 2), (2, 3, 5, 5, 5)),
    lambda T: _meta_indices(T, (2, 3, 9, 9)),
    lambda T: _meta_grads(T, lambda F, x: F.avg_pool2d(x, 3, 2, 1), (2, 3, 9, 9)),
    lambda T: _meta_grads(T, lambda F, x: F.avg_pool1d(x, 2), (2, 3, 9)),
    lambda T: _meta_grads(T, lambda F, x: F.adaptive_avg_pool2d(x, 4), (2, 3, 9, 9)),
    lambda T: _meta_grads(T, lambda F, x: F.adaptive_max_pool2d(x, 4), (2, 3, 9, 9)),
    lambda T: T.nn.functional.adaptive_max_pool2d(T.empty(2, 3, 9, 9, device="meta"), 4,
                                                  return_indices=True),
]


def _meta_indices(T, shape):
    """max_pool2d's indices, and max_unpool2d of them, on meta."""
    F = T.nn.functional
    y, i = F.max_pool2d(T.empty(*shape, device="meta"), 2, return_indices=True)
    return y, i, F.max_unpool2d(y, i, 2)


@pytest.mark.parametrize("case", range(len(META_CASES)))
def test_meta_results(case):
    same_repr(META_CASES[case])


@pytest.mark.parametrize("case", range(len(META_LAYER_CASES)))
def test_meta_layers_and_their_gradients(case):
    same_repr(META_LAYER_CASES[case])


def test_meta_metadata_and_linear():
    x = ember.empty(2, 3, device="meta")
    assert x.is_meta and x.device == ember.device("meta") and x.stride() == (3, 1)
    assert x.shape == (2, 3) and x.dtype is ember.float32
    lin = ember.nn.Linear(3, 4, device="meta")
    same_repr(lambda T: T.nn.Linear(3, 4, device="meta").weight)
    same_repr(lambda T: T.nn.Linear(3, 4, device="meta")(T.empty(2, 3, device="meta")))
    assert lin(x).shape == (2, 4) and lin(x).is_meta


def test_meta_errors():
    check(lambda T: T.empty(2, 3, device="meta").item())
    check(lambda T: T.empty(1, device="meta").item())
    check(lambda T: T.empty(2, 3, device="meta").tolist())
    check(lambda T: T.empty(2, 3, device="meta").numpy())
    check(lambda T: T.empty(2, 3, device="meta") + T.ones(2, 3))
    check(lambda T: T.empty(2, 3, device="meta").to("cpu"))
    check(lambda T: T.empty(2, 3, device="meta").cpu())


def test_meta_in_place_writes_nothing():
    x = ember.empty(2, 3, device="meta")
    x.add_(1)
    x[0] = 5
    x.zero_()
    assert x.is_meta and x.shape == (2, 3)


def test_meta_recipe_shapes_with_hooks():
    """A LeNet built under `with device("meta")`: every layer's output shape
    through forward hooks, no data made (PyTorch's "reasoning about shapes")."""
    shapes = {}
    for T in (ember, torch):
        nn = T.nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv1 = nn.Conv2d(3, 6, 5)
                self.pool = nn.MaxPool2d(2, 2)
                self.conv2 = nn.Conv2d(6, 16, 5)
                self.fc1 = nn.Linear(16 * 5 * 5, 120)
                self.fc2 = nn.Linear(120, 84)
                self.fc3 = nn.Linear(84, 10)

            def forward(self, x):
                x = self.pool(nn.functional.relu(self.conv1(x)))
                x = self.pool(nn.functional.relu(self.conv2(x)))
                x = T.flatten(x, 1)
                x = nn.functional.relu(self.fc1(x))
                x = nn.functional.relu(self.fc2(x))
                return self.fc3(x)

        seen = []
        with T.device("meta"):
            net = Net()
            inp = T.randn((1024, 3, 32, 32))
        for _, layer in net.named_modules():
            layer.register_forward_hook(
                lambda m, i, o: seen.append((type(m).__name__, tuple(o.shape), o.is_meta)))
        out = net(inp)
        assert out.is_meta
        shapes[T] = seen
    assert shapes[ember] == shapes[torch]
    assert [s for _, s, _ in shapes[ember]] == [
        (1024, 6, 28, 28), (1024, 6, 14, 14), (1024, 16, 10, 10), (1024, 16, 5, 5),
        (1024, 120), (1024, 84), (1024, 10), (1024, 10)]
    assert all(meta for _, _, meta in shapes[ember])


@pytest.mark.parametrize("args", [
    (3,), (-1,), (3.5,), (None,), ("cpu:-1",), ("cpu:x",), ("cpu", "a"), ("cpu", True),
    ("cpu:1", 1), ("cuda:01",), ("xyz",), ("cpu", -1)],
    ids=["index_only", "negative_index_only", "float", "none", "negative_in_string",
         "letters_in_string", "str_index", "bool_index", "index_twice", "leading_zero",
         "unknown_type", "negative_index"])
def test_device_refuses_as_pytorch(args):
    if isinstance(args[0], int) and torch.version.cuda:
        pytest.skip("a CUDA build of PyTorch takes an index alone as a CUDA device")
    with pytest.raises(Exception) as expected:
        torch.device(*args)
    with pytest.raises(type(expected.value)) as got:
        ember.device(*args)
    assert str(got.value) == str(expected.value).replace("torch.", "ember.")


def test_device_accepts_as_pytorch():
    for args in [("cpu", 0), ("cpu:0",), ("cuda", 1), ("meta",), ("cpu", None), ("cpu:10",)]:
        assert repr(ember.device(*args)) == repr(torch.device(*args))


# -- Tensor.to's overloads and device strings --------------------------------------
TO_CALLS = [
    ((1.5,), {}), ((True,), {}), ((float,), {}), ((int,), {}), ((complex,), {}), ((bool,), {}),
    ((None,), {}), ((None, None), {}), (("cpu", None), {}), ((None, "float64"), {}),
    (("cpu", "float64", False, True), {}), (("float64", True, True), {}), ((0,), {}), ((-1,), {}),
    (("float64", None), {}), (([1],), {}), ((1.5, 2.5), {}), (("cpu", "float64", 1), {}),
    ((), {"requires_grad": True}), (("float64",), {"foo": 2, "bar": 1.0}),
    ((), {"a": 1, "b": 2.0}), ((), {"dtype": 3}), ((), {"other": "t"}), ((), {"tensor": "t"}),
    ((), {"non_blocking": 1}), ((), {"device": "cpu", "dtype": "float64", "copy": True}),
    (("float64",), {"device": "cpu"}), ((), {"memory_format": 3}), (("t", True), {}),
]


@pytest.mark.parametrize("args,kwargs", TO_CALLS)
def test_to_reads_its_arguments_as_torch(args, kwargs):
    """Three overloads tried in order: (device, dtype, ...), (dtype, ...),
    (tensor, ...), where a number is a tensor (to(1.5): float64) and
    Python's types are dtypes; PyTorch's message for what none takes."""
    if args and type(args[0]) is int and torch.version.cuda:
        pytest.skip("a CUDA build of PyTorch takes an index alone as a CUDA device")

    def call(T, what):
        def arg(v):
            if v == "t":
                return T.ones(2, dtype=T.float64)
            return getattr(T, v) if v in ("float64",) else v
        obj = T.ones(2) if what == "tensor" else T.nn.Linear(1, 1)
        r = obj.to(*[arg(a) for a in args], **{k: arg(v) for k, v in kwargs.items()})
        return (r.dtype, r is obj) if what == "tensor" else r.weight.dtype
    check(lambda T: call(T, "tensor"))
    check(lambda T: call(T, "module"))


@pytest.mark.parametrize("string", ["bogus", "CPU", " cpu", "", "cuda:x", "cpu:0:1", "cpu:-1",
                                    "cpu:00", "cuda:", "cpu:0", "cpu1", "meta", ":0"])
def test_device_strings_parse_as_torch(string):
    check(lambda T: T.device(string))
    check(lambda T: T.device(string, 1))
    check(lambda T: T.ones(1).to(string).device)


@pytest.mark.parametrize("make", [
    lambda T, x3, x4: T.nn.LayerNorm(8, device="meta")(x3),
    lambda T, x3, x4: T.nn.GroupNorm(3, 3, device="meta")(x4),
    lambda T, x3, x4: T.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True,
                                                   device="meta")(x3),
    lambda T, x3, x4: T.einsum("ncs,c->ns", x3, T.ones(5, device="meta")),
    lambda T, x3, x4: T.nn.BatchNorm2d(3, device="meta")(x4),
    lambda T, x3, x4: T.nn.BatchNorm1d(5, device="meta")(x3),
    lambda T, x3, x4: T.nn.BatchNorm1d(8, device="meta")(x3[0].T.repeat(9, 1)),
], ids=["layer_norm", "group_norm", "encoder_layer", "einsum", "batch_norm2d", "batch_norm1d_3d",
        "batch_norm1d_rows"])
def test_meta_through_normalisation_and_einsum(make):
    # (the "Reasoning about Shapes" recipe: shapes through a network, no data)
    def f(T):
        x3 = T.randn(2, 5, 8, device="meta")
        x4 = T.randn(2, 3, 4, 4, device="meta")
        y = make(T, x3, x4)
        return tuple(y.shape), str(y.dtype), y.device.type, y.requires_grad
    check(f)


def test_meta_batch_norm_rows_backward():
    def f(T):
        x = T.randn(40, 3, device="meta", requires_grad=True)
        bn = T.nn.BatchNorm1d(3, device="meta")
        bn(x).sum().backward()
        return [(tuple(t.shape), t.device.type) for t in (x.grad, bn.weight.grad, bn.bias.grad)]
    check(f)


def test_devices_compare_with_devices_only():
    # (PyTorch's device == 'cpu' is False: a string is never equal to a device)
    def f(T):
        d, x = T.device("cpu"), T.ones(2)
        return (d == "cpu", "cpu" == d, d != "cpu", x.device == "cpu", x.device != "cpu",
                d == T.device("cpu"), d == T.device("cpu", 0), d != T.device("meta"),
                x.device == T.device("cpu"), T.Generator().device == "cpu",
                {d: 1}.get("cpu"), {d: 1}.get(T.device("cpu")), d in ["cpu"], d == 0)
    check(f)
