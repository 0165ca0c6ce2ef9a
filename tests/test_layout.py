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


_TO_CASES = {
    # size-1 dims: `to` restrides (the strides suggest contiguous), `contiguous` doesn't
    "n1hw": lambda T: T.ones(2, 1, 5, 5),
    "nc11": lambda T: T.ones(2, 3, 1, 1),
    "1chw": lambda T: T.ones(1, 3, 4, 5),
    "nchw": lambda T: T.ones(X4),
    "n1hw_cl": lambda T: T.ones(2, 1, 5, 5).to(memory_format=T.channels_last),
    "nhwc_permuted": lambda T: T.ones(2, 4, 5, 3).permute(0, 3, 1, 2),
    "sliced": lambda T: T.ones(X4)[:, :, ::2],
    "ncdhw": lambda T: T.ones(2, 1, 4, 5, 6),
}


@pytest.mark.parametrize("case", list(_TO_CASES))
def test_to_memory_format_keeps_or_restrides_as_pytorch(case):
    def run(T):
        x = _TO_CASES[case](T)
        out = []
        for fmt in (T.channels_last, T.contiguous_format, T.channels_last_3d):
            if x.dim() != (5 if fmt is T.channels_last_3d else 4) and fmt is not \
                    T.contiguous_format:
                continue
            y = x.to(memory_format=fmt)
            out += [y is x, y.stride(), x.contiguous(memory_format=fmt).stride()]
        return out
    check(run)
    check(lambda T: T.empty(2, 1, 5, 5, memory_format=T.channels_last).stride())
    check(lambda T: T.empty(1, 1, 1, 1, memory_format=T.channels_last).stride())


@pytest.mark.parametrize("dtype", ["float32", "float64", "bfloat16", "float16"])
def test_convolution_writes_channels_last_as_pytorch(dtype):
    """CPU convolutions give channels-last output when the input or the
    weight is laid out so (in 3-D, only for float32 and bfloat16)."""
    def run(T):
        dt, cl, cl3, F = getattr(T, dtype), T.channels_last, T.channels_last_3d, T.nn.functional
        g = T.Generator().manual_seed(0)
        x, w = T.randn(2, 3, 5, 5, generator=g).to(dt), T.randn(4, 3, 3, 3, generator=g).to(dt)
        x1, w1 = T.randn(2, 1, 5, 5, generator=g).to(dt), T.randn(4, 1, 3, 3, generator=g).to(dt)
        x3 = T.randn(2, 3, 4, 4, 4, generator=g).to(dt)
        w3 = T.randn(4, 3, 3, 3, 3, generator=g).to(dt)
        outs = [F.conv2d(x.to(memory_format=cl), w), F.conv2d(x, w.to(memory_format=cl), stride=2),
                F.conv2d(x, w), F.conv2d(x1.to(memory_format=cl), w1),
                F.conv2d(x1, w1.to(memory_format=cl), padding=1),
                F.conv_transpose2d(x.to(memory_format=cl), w.transpose(0, 1).contiguous()),
                F.conv3d(x3.to(memory_format=cl3), w3), F.conv3d(x3, w3.to(memory_format=cl3))]
        if dtype == "float32":
            outs.append(T.nn.Conv2d(3, 4, 3).to(memory_format=cl)(x))
        return [o.stride() for o in outs]
    check(run)


def test_like_and_clone_of_a_view_with_gaps_keep_its_dims_order():
    """preserve_format on a non-dense view: dense strides in the order of
    the view's (PyTorch's infer_dense_strides), e.g. a head-split chunk."""
    def run(T):
        q = T.ones(4, 6, 3 * 8).chunk(3, -1)[0].view(4, 6, 2, 4).transpose(1, 2)
        b = T.ones(6, 5).t()[::2]
        s = T.ones(5, 6)[:, ::2]
        return [[f(x).stride() for f in (T.empty_like, T.zeros_like, T.clone,
                                          lambda x: T.rand_like(x), lambda x: x * 2)]
                for x in (q, b, s)]
    check(run)
