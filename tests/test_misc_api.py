"""PyTorch's small top-level API beside the ops: dtypes and their limits,
legacy constructors, Variable, torch.functional, compile, defaults and
switches, class names, in-place arithmetic on an indexed element."""
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import ember
from compare_torch import check, msg

torch = pytest.importorskip("torch")


def same_repr(fn):
    """fn(T) gives the same repr with T=ember and T=torch (names swapped)."""
    assert repr(fn(ember)) == repr(fn(torch)).replace("torch", "ember")


# -- dtypes ---------------------------------------------------------------------
def test_dtype_aliases_and_bfloat16_name():
    for name in ("float", "double", "half", "long", "int", "short", "bool", "bfloat16"):
        assert repr(getattr(ember, name)) == repr(getattr(torch, name)).replace("torch", "ember")
    assert ember.bfloat16.itemsize == 2 and ember.bfloat16.is_floating_point
    assert ember.bfloat16.is_signed and not ember.uint8.is_signed


@pytest.mark.parametrize("name", ["float32", "float64", "float16", "bfloat16"])
def test_finfo(name):
    e, t = ember.finfo(getattr(ember, name)), torch.finfo(getattr(torch, name))
    assert repr(e) == repr(t) and str(e) == str(t)
    for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(e, attr) == getattr(t, attr) and type(getattr(e, attr)) is type(
            getattr(t, attr)), attr


@pytest.mark.parametrize("name", ["int64", "int32", "int16", "int8", "uint8"])
def test_iinfo(name):
    e, t = ember.iinfo(getattr(ember, name)), torch.iinfo(getattr(torch, name))
    assert repr(e) == repr(t)
    for attr in ("bits", "max", "min", "dtype"):
        assert getattr(e, attr) == getattr(t, attr) and type(getattr(e, attr)) is type(
            getattr(t, attr)), attr


def test_type_info_defaults_equality_and_errors():
    assert repr(ember.finfo()) == repr(torch.finfo())
    assert repr(ember.finfo(float)) == repr(torch.finfo(float))
    assert ember.finfo(ember.float16) == ember.finfo(ember.float16)
    assert ember.iinfo(ember.int8) != ember.iinfo(ember.int16)
    check(lambda T: T.finfo(T.int64))
    check(lambda T: T.finfo(T.bool))
    check(lambda T: T.iinfo(T.float32))
    check(lambda T: T.iinfo(T.bool))
    check(lambda T: T.iinfo(float))
    check(lambda T: T.finfo("float"))
    check(lambda T: T.iinfo(3))


def check_bf16(fn):
    """NumPy cannot take PyTorch's bfloat16: compare reprs and float values."""
    e, t = fn(ember), fn(torch)
    assert repr(e) == repr(t).replace("torch", "ember")
    assert e.float().tolist() == t.float().tolist()


def test_bfloat16_tensors():
    pytest.importorskip("ml_dtypes")
    check_bf16(lambda T: T.tensor([1.5, 2.7, 1e10], dtype=T.bfloat16))
    check_bf16(lambda T: T.ones(2).to(T.bfloat16) * T.ones(2).to(T.bfloat16))
    check_bf16(lambda T: T.full((2,), 1.7, dtype=T.bfloat16))
    check_bf16(lambda T: T.ones(3, dtype=T.bfloat16, requires_grad=True))
    check(lambda T: T.ones(3, dtype=T.bfloat16).is_floating_point())
    check(lambda T: T.tensor([1.5, 2.5], dtype=T.bfloat16).sum().item())
    check_bf16(lambda T: T.arange(3, dtype=T.bfloat16))
    check_bf16(lambda T: T.ones(3, dtype=T.bfloat16, requires_grad=True).exp().sum())
    check(lambda T: T.ones(2, dtype=T.bfloat16) + T.ones(2, dtype=T.float16))
    check(lambda T: T.ones(2, dtype=T.bfloat16) + T.ones(2))
    check(lambda T: T.zeros(2).bfloat16().float())
    check(lambda T: T.ones(2, dtype=T.bfloat16).type())
    check(lambda T: T.promote_types(T.bfloat16, T.float16))


def test_bfloat16_without_ml_dtypes_names_the_package():
    from ember import _dtype as D
    missing = D._MissingDtype("bfloat16", 2, D._FLOAT)
    assert repr(missing) == "ember.bfloat16" and isinstance(missing, ember.dtype)
    assert repr(type(missing)) == "<class 'ember.dtype'>"
    with pytest.raises(RuntimeError, match="ml_dtypes"):
        ember.zeros(2, dtype=missing)
    with pytest.raises(RuntimeError, match="pip install ml_dtypes"):
        ember.ones(2).to(missing)


# -- legacy constructors ----------------------------------------------------------
LEGACY = ["FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor", "LongTensor",
          "IntTensor", "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor"]


@pytest.mark.parametrize("name", LEGACY)
def test_legacy_types(name):
    same = lambda fn: check(fn, exact=True, reprs=True)  # noqa: E731
    if name == "BFloat16Tensor":
        pytest.importorskip("ml_dtypes")
        same = check_bf16
    same(lambda T: getattr(T, name)([1, 0, 2]))
    same(lambda T: getattr(T, name)())
    check(lambda T: getattr(T, name)(2, 3).shape)
    check(lambda T: getattr(T, name)(T.Size([2, 3])).shape)
    assert repr(getattr(ember, name)) == repr(getattr(torch, name)).replace("torch", "ember")
    dt = getattr(torch, name).dtype
    check(lambda T: isinstance(T.zeros(2, dtype=getattr(T, str(dt)[6:])), getattr(T, name)))
    check(lambda T: isinstance(T.zeros(2, dtype=T.float64 if name != "DoubleTensor"
                                        else T.float32), getattr(T, name)))
    check(lambda T: getattr(T, name).dtype)


def test_legacy_constructor_details():
    check(lambda T: T.LongTensor([1.7, 2]), exact=True)
    check(lambda T: T.FloatTensor((2, 3)), exact=True)
    check(lambda T: T.FloatTensor(np.array([1, 2])), exact=True)
    check(lambda T: T.FloatTensor([[1, 2], [3, 4]]), exact=True)
    check(lambda T: T.FloatTensor(T.tensor([1., 2.])), exact=True)
    check(lambda T: T.FloatTensor(T.tensor([1., 2.], requires_grad=True)))
    check(lambda T: T.FloatTensor(T.tensor([1, 2])))
    check(lambda T: T.FloatTensor("a"))
    check(lambda T: T.FloatTensor(2.5))
    check(lambda T: T.FloatTensor(2, 3.5))
    check(lambda T: T.FloatTensor(-1))
    check(lambda T: T.FloatTensor(2, device="meta"))
    check(lambda T: T.FloatTensor([1, 2], device="cpu"))
    check(lambda T: T.FloatTensor([1, 2], dtype=T.long))
    check(lambda T: T.FloatTensor(T.tensor([1, 2]), 3))
    check(lambda T: issubclass(T.FloatTensor, T.Tensor))
    check(lambda T: (T.FloatTensor.is_cuda, T.FloatTensor.is_sparse, T.FloatTensor.__name__))
    check(lambda T: T.tensor([1., 2.]).type(T.LongTensor), exact=True)
    t = ember.ones(2)
    assert ember.FloatTensor(t).data_ptr() == t.data_ptr()


def test_tensor_legacy_constructor():
    check(lambda T: T.Tensor(2, 3).shape)
    check(lambda T: T.Tensor([1, 2]), exact=True)
    check(lambda T: T.Tensor(), exact=True)
    check(lambda T: T.Tensor(T.tensor([1, 2])), exact=True)
    check(lambda T: T.Tensor([[1, 2], [3]]))
    check(lambda T: T.Tensor("ab"))


def test_new_and_new_tensor():
    x = lambda T: T.tensor([1., 2.], requires_grad=True)  # noqa: E731
    check(lambda T: x(T).new(2, 3).shape)
    check(lambda T: x(T).new([1, 2]), exact=True)
    check(lambda T: x(T).new(), exact=True)
    check(lambda T: x(T).new((2, 3)), exact=True)
    check(lambda T: x(T).new(T.Size([2])).shape)
    check(lambda T: T.tensor([1, 2]).new([1.5, 2]), exact=True)
    check(lambda T: T.tensor([1., 2]).new(T.tensor([1, 2])))
    check(lambda T: x(T).new(2.5))
    check(lambda T: x(T).new([1], dtype=T.long))
    check(lambda T: x(T).new_tensor([1, 2]), exact=True)
    check(lambda T: x(T).new_tensor([1, 2], requires_grad=True), exact=True)
    check(lambda T: x(T).new_tensor([1, 2], dtype=T.int32), exact=True)
    check(lambda T: T.tensor([1, 2]).new_tensor([1.5, 2]), exact=True)
    check(lambda T: x(T).new_tensor(x(T)), exact=True)
    with pytest.warns(UserWarning, match="rather than tensor.new_tensor"):
        ember.ones(2).new_tensor(ember.ones(2))
    check(lambda T: x(T).new_zeros((2, 3), dtype=T.int32), exact=True)
    check(lambda T: x(T).new_ones(2), exact=True)
    check(lambda T: x(T).new_full((2,), 3), exact=True)
    check(lambda T: x(T).new_empty(2).shape)
    check(lambda T: x(T).new_full([2], 3.5, dtype=T.long), exact=True)
    check(lambda T: x(T).new_zeros(-1))
    check(lambda T: x(T).new_zeros(2, requires_grad=True))
    check(lambda T: x(T).new_zeros(2, dtype=T.long, requires_grad=True))
    check(lambda T: x(T).new_zeros(2.5))
    check(lambda T: x(T).new_full(2, 1))
    torch = pytest.importorskip("torch")
    if not torch.version.cuda:      # (the CUDA build words the error otherwise)
        check(lambda T: x(T).new_ones(2, device="cuda"))
    for fn in (lambda T: T.empty(2, device="meta").new_zeros(3),
               lambda T: T.empty(2, device="meta").new_full((3,), 2),
               lambda T: x(T).new_ones(2, device="meta")):
        assert repr(fn(ember)) == repr(fn(torch)).replace("torch", "ember")


# -- Variable -----------------------------------------------------------------------
def test_variable():
    V = ember.autograd.Variable
    t = ember.tensor([1., 2.])
    v = V(t, requires_grad=True)
    assert v is not t and v.data_ptr() == t.data_ptr() and type(v) is ember.Tensor
    assert isinstance(t, V) and not isinstance(3, V) and not issubclass(ember.Tensor, V)
    assert repr(V) == "<class 'ember.autograd.variable.Variable'>"
    check(lambda T: T.autograd.Variable(T.tensor([1., 2.]), requires_grad=True), reprs=True)
    check(lambda T: T.autograd.Variable(T.tensor([1., 2.]), True), reprs=True)
    check(lambda T: T.autograd.Variable(), reprs=True)
    check(lambda T: T.autograd.Variable([1, 2]))
    check(lambda T: T.autograd.Variable(T.tensor([1, 2]), requires_grad=True))
    check(lambda T: T.autograd.Variable(T.ones(2, requires_grad=True) * 2), reprs=True)
    with pytest.warns(UserWarning, match="volatile was removed"):
        V(t, volatile=True)
    w = V(ember.ones(2), requires_grad=True)
    (w * 3).sum().backward()
    assert w.grad.tolist() == [3.0, 3.0]


# -- ember.functional, compile ----------------------------------------------------------
def test_functional_names_follow_ember():
    import ember.functional as F
    assert F.__all__ == torch.functional.__all__
    assert F.split is ember.split and F.norm is ember.norm
    for name in F.__all__:
        assert hasattr(F, name) == hasattr(ember, name)
    with pytest.raises(AttributeError, match="has no attribute 'foo'"):
        F.foo


def test_compile_is_eager():
    f = lambda x: x * 2  # noqa: E731
    assert ember.compile(f) is f
    assert ember.compile(f, backend="eager", fullgraph=True, dynamic=False) is f
    assert ember.compile(f, mode="max-autotune") is f
    assert ember.compile(f, options={"x": 1}, disable=True) is f
    model = ember.nn.Linear(2, 2)
    assert ember.compile(model)._orig_mod is model   # (wrapped: test_compiler_shim.py)

    @ember.compile
    def g(x):
        return x + 1

    @ember.compile(mode="reduce-overhead", fullgraph=True)
    def h(x):
        return x + 2

    assert g(1) == 2 and h(1) == 3
    check(lambda T: T.compile(3))
    check(lambda T: T.compile(f, mode="default", options={}))
    check(lambda T: T.compile(f, mode="nope"))
    with pytest.raises(RuntimeError) as e:
        ember.compile(f, backend="nope")
    with pytest.raises(RuntimeError) as t:
        torch.compile(f, backend="nope")
    assert msg(e.value) == msg(t.value) and type(e.value).__name__ == type(t.value).__name__


OPTIONAL = ["ml_dtypes", "scipy", "tqdm", "mpi4py", "matplotlib", "safetensors", "graphviz",
            "sklearn", "tensorboard", "threadpoolctl"]


def test_runs_without_any_optional_package():
    """NumPy is the one runtime dependency: with every optional package
    unimportable, `import ember` and a CNN's training step, an FFT, a special
    function and a checkpoint round trip still work (bfloat16 names ml_dtypes)."""
    code = textwrap.dedent(f"""
        import io, sys
        for name in {OPTIONAL!r}:
            sys.modules[name] = None         # (import raises ImportError)
        import ember as torch
        torch.manual_seed(0)
        net = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2),
                                  torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(32, 3))
        opt = torch.optim.Adam(net.parameters())
        loss = torch.nn.functional.cross_entropy(net(torch.randn(4, 1, 6, 6)),
                                                 torch.tensor([0, 1, 2, 0]))
        loss.backward()
        opt.step()
        print(torch.fft.rfft(torch.ones(8)).shape, torch.special.erfinv(torch.tensor([0.5])))
        f = io.BytesIO()
        torch.save(net.state_dict(), f)
        f.seek(0)
        net.load_state_dict(torch.load(f))
        try:
            torch.zeros(2, dtype=torch.bfloat16)
        except RuntimeError as e:
            print("bfloat16:", "ml_dtypes" in str(e))
        """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.splitlines()[-1] == "bfloat16: True"


def test_top_level_aliases_are_pytorchs():
    # torch.GradScaler is torch.amp.GradScaler, torch.to_dlpack torch.utils.dlpack's
    assert ember.GradScaler is ember.amp.GradScaler
    assert ember.to_dlpack is ember.utils.dlpack.to_dlpack
    x = ember.arange(3.0)
    assert ember.from_dlpack(ember.to_dlpack(x)).tolist() == [0.0, 1.0, 2.0]
