"""Layouts, memory formats and the factory keywords (out=, layout=,
pin_memory=, memory_format=), compared with PyTorch."""
import pickle

import pytest

import ember
from compare_torch import check, check_error

X4 = (2, 3, 4, 5)


def test_names_and_reprs():
    torch = pytest.importorskip("torch")
    for name in ("strided", "sparse_coo", "sparse_csr", "channels_last", "channels_last_3d",
                 "contiguous_format", "preserve_format"):
        assert repr(getattr(ember, name)) == repr(getattr(torch, name))
    assert ember.ones(2).layout is ember.strided
    assert isinstance(ember.strided, ember.layout)
    assert isinstance(ember.channels_last, ember.memory_format)
    assert pickle.loads(pickle.dumps(ember.channels_last)) is ember.channels_last


FACTORIES = {
    "zeros": lambda T, **k: T.zeros(2, 3, **k),
    "ones": lambda T, **k: T.ones(2, **k),
    "empty": lambda T, **k: T.empty(4, **k).zero_(),   # (its values are arbitrary)
    "full": lambda T, **k: T.full((2,), 7, **k),
    "eye": lambda T, **k: T.eye(3, **k),
    "arange": lambda T, **k: T.arange(5, **k),
    "linspace": lambda T, **k: T.linspace(0, 1, 5, **k),
    "logspace": lambda T, **k: T.logspace(0, 1, 5, **k),
    "randperm": lambda T, **k: T.randperm(4, **k),
}


@pytest.mark.parametrize("name", FACTORIES)
@pytest.mark.parametrize("out_dtype", ["float32", "int64"])
def test_out_is_written_resized_and_returned(name, out_dtype):
    def run(T):
        T.manual_seed(0)
        out = T.ones(3, dtype=getattr(T, out_dtype))
        r = FACTORIES[name](T, out=out)
        # (empty's values are whatever memory held: only its metadata is compared)
        return (r is out, out.shape, out.dtype) if name == "empty" else (r is out, out)
    check(run)


@pytest.mark.parametrize("name", FACTORIES)
def test_factory_refusals(name):
    f = FACTORIES[name]
    torch = pytest.importorskip("torch")
    # (a CUDA build of PyTorch words the pin_memory refusal after its driver check)
    check(lambda T: f(T, pin_memory=True), message=torch.version.cuda is None)
    # (PyTorch's overloaded factories word a bad argument as "invalid combination")
    check(lambda T: f(T, layout="strided"), message=False)
    check(lambda T: f(T, layout=T.strided))
    check(lambda T: f(T, out=T.ones(2, dtype=T.int64), dtype=T.float32))
    check(lambda T: f(T, out=T.ones(2, requires_grad=True)), message=name != "empty")
    with pytest.raises(RuntimeError, match="strided layout"):
        f(ember, layout=ember.sparse_coo)


def test_random_factories_write_out():
    def run(T):
        T.manual_seed(0)
        a, b = T.ones(3), T.ones(2, dtype=T.float64)
        return T.rand(2, out=a), T.randn(2, out=b), T.randint(5, (4,), out=T.ones(1)), \
            T.bernoulli(T.full((3,), 0.5), out=T.ones(3)), a, b
    check(run)


@pytest.mark.parametrize("fn", ["zeros_like", "ones_like", "empty_like", "rand_like"])
@pytest.mark.parametrize("fmt", [None, "preserve_format", "contiguous_format", "channels_last"])
@pytest.mark.parametrize("view", ["plain", "permuted", "sliced"])
def test_like_strides(fn, fmt, view):
    def run(T):
        x = T.ones(X4)
        x = {"plain": x, "permuted": x.permute(0, 2, 3, 1), "sliced": x[:, :, ::2]}[view]
        kw = {} if fmt is None else {"memory_format": getattr(T, fmt)}
        try:
            T.manual_seed(0)
            y = getattr(T, fn)(x, **kw)
            return y.stride(), (y if fn == "rand_like" else None)
        except RuntimeError as e:       # channels_last of a permuted 4-d is fine; rank is 4
            return str(e)
    check(run)


def test_empty_memory_formats():
    check(lambda T: T.empty(X4, memory_format=T.channels_last).stride())
    check(lambda T: T.empty(2, 3, 4, 5, 6, memory_format=T.channels_last_3d).stride())
    check(lambda T: T.empty(2, 3, memory_format=T.channels_last))
    check(lambda T: T.empty(2, memory_format=T.preserve_format))
    check(lambda T: T.empty(2, memory_format=3))


def test_contiguous_clone_to_and_is_contiguous():
    def run(T):
        x = T.arange(120.).reshape(X4).requires_grad_()
        c = x.contiguous(memory_format=T.channels_last)
        t = x.to(memory_format=T.channels_last)
        k = x.permute(0, 2, 1, 3).clone()
        back = c.contiguous()
        (c * T.arange(120.).reshape(X4)).sum().backward()
        return (c, c.stride(), c.is_contiguous(), c.is_contiguous(memory_format=T.channels_last),
                t, t.stride(), k.stride(), back.stride(), back.is_contiguous(), x.grad,
                c.contiguous(memory_format=T.channels_last) is c,
                x.clone(memory_format=T.channels_last).stride())
    check(run)
    check(lambda T: T.ones(3).contiguous(memory_format=T.channels_last))
    check(lambda T: T.ones(X4).permute(0, 2, 1, 3).contiguous(memory_format=T.preserve_format))
    check(lambda T: T.ones(X4).is_contiguous(memory_format=3))
    check(lambda T: T.ones(X4).contiguous(memory_format=3))


def test_errors_leave_out_unchanged():
    check_error(lambda T: (T.ones(3, dtype=T.int64),),
                lambda T, o: T.zeros(2, out=o, dtype=T.float32))


def test_module_to_memory_format():
    def run(T):
        T.manual_seed(0)
        m = T.nn.Module()
        m.w4 = T.nn.Parameter(T.randn(2, 3, 4, 5))
        m.w2 = T.nn.Parameter(T.randn(2, 3))
        m.to(memory_format=T.channels_last)
        return m.w4.stride(), m.w2.stride(), m.w4.is_contiguous(memory_format=T.channels_last)
    check(run)
