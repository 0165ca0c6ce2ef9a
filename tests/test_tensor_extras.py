"""Tensor's remaining attributes and methods against PyTorch: byte sizes,
device flags, output_nr, volatile, grad_dtype, multinomial,
new_empty_strided, nonzero_static, resize_/resize/set_/is_set_to,
share_memory_, as_subclass, module_load, map2_ and the removed names."""
import warnings

import pytest

import ember
from compare_torch import check, check_error

torch = pytest.importorskip("torch")

FLAGS = ("is_cpu", "is_mps", "is_xpu", "is_ipu", "is_xla", "is_mtia", "is_maia", "is_vulkan",
         "is_nested", "is_sparse_csr", "is_mkldnn", "is_cuda", "is_sparse", "is_quantized")


@pytest.mark.parametrize("make", [
    lambda T: T.arange(6.).reshape(2, 3), lambda T: T.arange(6.).reshape(2, 3)[:, :1],
    lambda T: T.arange(3.).expand(4, 3), lambda T: T.zeros(2, dtype=T.int16),
    lambda T: T.zeros(3, dtype=T.complex128).T, lambda T: T.tensor(True),
    lambda T: T.empty(2, 3, device="meta"),
])
def test_sizes_and_flags(make):
    check(lambda T: (make(T).itemsize, make(T).nbytes, make(T).is_distributed(),
                     make(T).is_shared(), make(T).output_nr)
          + tuple(getattr(make(T), f) for f in FLAGS))


def test_top_level_is_distributed():
    check(lambda T: T.is_distributed(T.ones(2)))


def test_output_nr():
    def outputs(T):
        a = T.randn(3, 4, requires_grad=True)
        mx = a.max(1)
        return ([u.output_nr for u in a.unbind(0)], [s.output_nr for s in a.split(2, 1)],
                (a * 2).output_nr, a.output_nr, a.view(12).output_nr, mx.values.output_nr,
                mx.indices.output_nr, a.detach().output_nr)
    check(outputs)


def test_volatile_warns_and_is_false():
    for T in (torch, ember):
        t = T.ones(2)
        with pytest.warns(UserWarning, match=r"^volatile was removed \(Variable.volatile is "
                          r"always False\)$"):
            assert t.volatile is False
        with pytest.warns(UserWarning, match="^volatile was removed and now has no effect. "
                          r"Use `with torch.no_grad\(\):` instead.$"):
            t.volatile = True
        with pytest.warns(UserWarning):
            assert t.volatile is False


def test_grad_dtype():
    check(lambda T: (T.ones(2).grad_dtype, T.ones(2, dtype=T.int64).grad_dtype))

    def none_allows_any_dtype(T):
        b = T.zeros(2, requires_grad=True)
        b.grad_dtype = None
        b.grad = T.ones(2, dtype=T.float16)
        (b * 2).sum().backward()
        return b.grad_dtype, b.grad
    check(none_allows_any_dtype)

    def own_dtype(T):
        b = T.zeros(2, dtype=T.float64, requires_grad=True)
        b.grad_dtype = T.float64
        (b * 2).sum().backward()
        return b.grad_dtype, b.grad
    check(own_dtype)
    check_error(lambda T: (T.zeros(2),), lambda T, t: setattr(t, "grad_dtype", "x"))

    def already_has_grad(T):
        d = T.zeros(2, requires_grad=True)
        d.grad = T.ones(2)
        return (d,)
    check_error(already_has_grad, lambda T, d: setattr(d, "grad_dtype", T.float64))
    check_error(already_has_grad, lambda T, d: setattr(d, "grad_dtype", T.int64))


def test_grad_dtype_on_non_leaf_and_unsupported_cast():
    for T in (torch, ember):
        a = T.zeros(2, requires_grad=True) * 2
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (PyTorch also warns about .grad of a non-leaf)
            with pytest.raises(RuntimeError, match="^grad_dtype can only be set on leaf "
                               "tensors.$"):
                a.grad_dtype = T.float64
    with pytest.raises(NotImplementedError, match="own dtype"):
        ember.zeros(2, requires_grad=True).grad_dtype = ember.float64


def test_multinomial_method_same_stream():
    def draw(T):
        T.manual_seed(0)
        p = T.tensor([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])
        g = T.Generator().manual_seed(3)
        return (p.multinomial(2), p.multinomial(4, True), T.tensor([1., 2.]).multinomial(1),
                p.multinomial(num_samples=2, replacement=True, generator=g))
    check(draw)
    check(lambda T: T.tensor([0.5, 0.5]).multinomial(2, True, None), message=False)
    check(lambda T: T.tensor([0.5, -0.5]).multinomial(1))


def test_new_empty_strided():
    def make(T):
        t = T.arange(6.).reshape(2, 3)
        a = t.new_empty_strided((2, 3), (1, 2))
        b = t.new_empty_strided((2, 3), (1, 2), dtype=T.int64)
        c = t.new_empty_strided([2, 3], (3, 1), requires_grad=True)
        d = t.new_empty_strided((2, 3), (0, 1))
        m = t.new_empty_strided((2, 3), (3, 1), device="meta")
        return [(x.shape, x.stride(), x.dtype, x.requires_grad, x.device)
                for x in (a, b, c, d, m)] + [x.is_contiguous() for x in (a, b, c, d)]
    check(make)


@pytest.mark.parametrize("args", [((2, 3), (3,)), ((2, 3), (-1, 1)), ((2, -3), (3, 1)), (2, 3)])
def test_new_empty_strided_errors(args):
    check(lambda T: T.ones(2).new_empty_strided(*args))


@pytest.mark.parametrize("call", [
    lambda T, x: x.nonzero_static(size=2), lambda T, x: x.nonzero_static(size=5),
    lambda T, x: x.nonzero_static(size=5, fill_value=7),
    lambda T, x: T.nonzero_static(x, size=0), lambda T, x: T.nonzero_static(x, size=-1),
    lambda T, x: T.nonzero_static(x, size=2.5),
    lambda T, x: T.nonzero_static(x, size=2, fill_value=1.5),
    lambda T, x: T.nonzero_static(T.tensor(3.), size=2),
    lambda T, x: T.nonzero_static(T.tensor(0.), size=2),
    lambda T, x: T.nonzero_static(T.tensor([True, False, True]), size=3, fill_value=-1),
    lambda T, x: T.nonzero_static(T.ones(2, requires_grad=True), size=3),
])
def test_nonzero_static(call):
    check(lambda T: call(T, T.tensor([[0, 1, 0], [2, 0, 3]])))


def test_nonzero_static_out():
    def run(T):
        out = T.empty(0, dtype=T.int64)
        r = T.nonzero_static(T.tensor([[0, 1, 0], [2, 0, 3]]), size=3, out=out)
        return r is out, out
    check(run)
    check_error(lambda T: (T.empty(0, dtype=T.int32),),
                lambda T, out: T.nonzero_static(T.tensor([1]), size=3, out=out))


def test_removed_functions_point_to_linalg():
    t = lambda T: T.ones(2, 2)   # noqa: E731
    for call in (lambda T: t(T).lstsq(t(T)), lambda T: t(T).solve(t(T)), lambda T: t(T).eig(),
                 lambda T: t(T).eig(True), lambda T: t(T).symeig(), lambda T: t(T).symeig(True),
                 lambda T: t(T).reinforce(1.0), lambda T: t(T).lstsq(),
                 lambda T: t(T).reinforce()):
        check(call)


def test_removed_namespace_functions_point_to_linalg():
    t = lambda T: T.ones(2, 2)   # noqa: E731
    for call in (lambda T: T.solve(t(T), t(T)), lambda T: T.lstsq(t(T), t(T)),
                 lambda T: T.eig(t(T)), lambda T: T.eig(t(T), True), lambda T: T.symeig(t(T)),
                 lambda T: T.symeig(t(T), eigenvectors=True, upper=False),
                 lambda T: T.matrix_rank(t(T)), lambda T: T.matrix_rank(t(T), 0.5, True),
                 lambda T: T.solve(t(T)), lambda T: T.matrix_rank()):
        check(call)


def test_record_stream_refused():
    check_error(lambda T: (T.ones(2),), lambda T, t: t.record_stream(None))
    check_error(lambda T: (T.ones(2),), lambda T, t: t.record_stream(1))


def test_module_load():
    def run(T):
        t, o = T.zeros(2, 3), T.ones(2, 3, requires_grad=True)
        a = t.module_load(o)
        b = t.module_load(o * 2, assign=True)
        return t, a, b, a is t, a.data_ptr() == t.data_ptr()
    check(run)


def test_as_subclass():
    class Sub(ember.Tensor):
        pass

    class TSub(torch.Tensor):
        pass

    for T, S in ((ember, Sub), (torch, TSub)):
        a = T.ones(2, requires_grad=True)
        s = a.as_subclass(S)
        assert type(s) is S and s.requires_grad and type(s.grad_fn).__name__ == "AliasBackward0"
        base = T.ones(2)
        plain = base.as_subclass(S)
        assert plain.grad_fn is None and plain.is_leaf
        plain.add_(1)
        assert base.tolist() == [2.0, 2.0] and base._version == plain._version == 1
        s2 = (a * 2).as_subclass(S)
        assert type(s2.grad_fn.next_functions[0][0]).__name__ == "MulBackward0"
        s2.sum().backward()
        assert a.grad.tolist() == [2.0, 2.0]
        assert a.as_subclass(T.Tensor).data_ptr() == a.data_ptr()
    check(lambda T: T.ones(2).as_subclass(int))

    class Slotted(ember.Tensor):
        __slots__ = ("extra",)
    s = ember.ones(2).as_subclass(Slotted)
    s.extra = 1
    assert type(s) is Slotted and s.tolist() == [1.0, 1.0]


def test_map2_():
    check(lambda T: T.ones(3).map2_(T.ones(3) * 2, T.ones(3) * 3, lambda a, b, c: a + b * c))
    check(lambda T: T.ones(2, 3).map2_(T.ones(1) * 2, T.arange(3.), lambda a, b, c: a - b + c))
    check(lambda T: T.tensor([1, 2]).map2_(T.tensor([1, 1]), T.tensor([3, 3]),
                                            lambda a, b, c: a * b + c + 0.7))
    for op in (lambda T, x: x.map2_(T.ones(2), T.ones(3), lambda *a: 1),
               lambda T, x: x.map2_(T.ones(3, dtype=T.int64), T.ones(3), lambda *a: 1),
               lambda T, x: x.map2_(T.ones(3), T.ones(3, dtype=T.int64), lambda *a: 1),
               lambda T, x: x.map2_(1, T.ones(3), lambda *a: 1),
               lambda T, x: x.map2_(T.ones(3), 2, lambda *a: 1),
               lambda T, x: x.map2_(T.ones(3), T.ones(3), lambda *a: "s"),
               lambda T, x: x.map2_(T.ones(3, requires_grad=True), T.ones(3), lambda *a: 1)):
        check_error(lambda T: (T.ones(3),), op)


def test_share_memory_and_is_shared():
    t = ember.arange(3.)
    assert t.share_memory_() is t
    # Ember's memory is ordinary NumPy memory: it says so (see README).
    assert not t.is_shared() and not t.untyped_storage().is_shared()


def test_a_subclass_prints_its_own_name():
    """PyTorch's _str_intern: a Tensor subclass of the user's prints its class
    name where a tensor prints `tensor(` (Parameter's contents print as a tensor)."""
    def run(T):
        class Scores(T.Tensor):
            pass
        x = T.tensor([[1.5, -2.0], [3.0, 4.25]]).as_subclass(Scores)
        y = T.ones(2, requires_grad=True).as_subclass(Scores)
        return repr(x), repr(y), repr(T.nn.Parameter(T.ones(2))), str(x)
    check(run)
