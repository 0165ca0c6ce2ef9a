"""Names of PyTorch's top-level namespace beyond the op catalogue's rows:
torch.vmap, gradient, the view scatters, vander, adjoint, the JIT-only norms,
histogramdd, empty_permuted, igamma/igammac, cond, set_default_tensor_type,
the sym_* helpers and the native_* kernels, each beside PyTorch (skipped
without it) and checked by gradcheck where they are differentiable."""
import math
import warnings

import numpy as np
import pytest

import ember
from ember.autograd import gradcheck, gradgradcheck


def _torch():
    return pytest.importorskip("torch")


def _both(f):
    """f(ember) and f(torch): the result, or the exception's type and text."""
    torch = _torch()
    out = []
    for T in (ember, torch):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out.append(f(T))
        except Exception as e:      # noqa: BLE001 (the error is what is compared)
            out.append((type(e).__name__, str(e).replace("torch.", "ember.")))
    return out


def _same(e, t):
    if isinstance(t, tuple) and t and isinstance(t[0], str):
        assert e == t
    elif isinstance(t, (tuple, list)):
        assert type(e).__name__ == type(t).__name__ and len(e) == len(t)
        for a, b in zip(e, t):
            _same(a, b)
    elif hasattr(t, "detach"):
        assert str(e.dtype).split(".")[1] == str(t.dtype).split(".")[1]
        assert tuple(e.shape) == tuple(t.shape)
        assert type(e.grad_fn).__name__ == type(t.grad_fn).__name__
        np.testing.assert_allclose(e.detach().resolve_conj().numpy(),
                                   t.detach().resolve_conj().numpy(), rtol=1e-6, atol=1e-12)
    else:
        assert e == t and type(e) is type(t)


def check(f):
    _same(*_both(f))


X34 = [[1., 2, 4, 8], [10, 20, 40, 80], [3, 5, 7, 11.]]


def _x(T, grad=True):
    return T.tensor(X34, dtype=T.float64, requires_grad=grad)


# -- vmap, sym_*, small names ---------------------------------------------------
def test_vmap_is_func_vmap():
    assert ember.vmap is ember.func.vmap
    out = ember.vmap(lambda r: r.sum())(ember.ones(3, 4))
    np.testing.assert_array_equal(out.numpy(), [4.0] * 3)


@pytest.mark.parametrize("name,args", [
    ("sym_int", (2.7,)), ("sym_int", (-2.7,)), ("sym_int", (True,)), ("sym_float", (3,)),
    ("sym_max", (2, 3.0)), ("sym_max", (2, 1.5)), ("sym_max", (3, 2)), ("sym_max", (True, 2)),
    ("sym_min", (2.0, 3)), ("sym_min", (4, 3)), ("sym_not", (0,)), ("sym_not", (True,)),
    ("sym_sqrt", (4,)), ("sym_sqrt", (2.0,)), ("sym_sum", ([1, 2, 3],)),
    ("sym_sum", ([1, 2.5],)), ("sym_sum", ([],)), ("sym_sum", (1, 2, 3)),
    ("sym_ite", (True, 1, 2)), ("sym_ite", (False, 1.0, 2.0)), ("sym_ite", (True, 1, 2.0)),
    ("sym_ite", (1, 1, 2)), ("sym_max", ("a", 1))])
def test_sym_helpers(name, args):
    check(lambda T: getattr(T, name)(*args))


def test_small_names():
    check(lambda T: T.is_distributed(T.ones(2)))
    check(lambda T: T.init_num_threads())


def test_set_default_tensor_type():
    torch = _torch()
    try:
        for arg in (ember.DoubleTensor, "torch.DoubleTensor", "torch.HalfTensor",
                    ember.BFloat16Tensor):
            with pytest.warns(UserWarning, match="set_default_tensor_type.. is deprecated"):
                ember._settings._WARNED.discard(
                    "torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                    "torch.set_default_dtype() and torch.set_default_device() as alternatives.")
                ember.set_default_tensor_type(arg)
            want = getattr(torch, arg.split(".")[1] if isinstance(arg, str) else arg.__name__)
            assert ember.get_default_dtype().itemsize == want.dtype.itemsize
        assert ember.tensor([1.5]).dtype == ember.bfloat16
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ember.set_default_tensor_type(ember.FloatTensor)
    assert ember.get_default_dtype() == ember.float32
    for bad in ("IntTensor", "Foo", "cuda.FloatTensor", "float64", "Tensor"):
        if bad.startswith("cuda") and torch.version.cuda:
            continue    # (a CUDA build of PyTorch takes it, and makes every new tensor CUDA's)
        def f(T, bad=bad):
            arg = getattr(T, bad) if bad in ("IntTensor", "float64", "Tensor") else f"torch.{bad}"
            T.set_default_tensor_type(arg)
        check(f)
    check(lambda T: T.set_default_tensor_type(3))
    assert ember.get_default_dtype() == ember.float32


# -- cond -------------------------------------------------------------------------
def test_cond_python_predicate_and_checks():
    check(lambda T: T.cond(True, lambda x: x.sin(), lambda x: x.cos(), (_x(T),)))
    check(lambda T: T.cond(0, lambda: T.ones(2), lambda: T.zeros(2)))
    for f in (lambda T: T.cond("yes", lambda x: x, lambda x: x, (T.ones(1),)),
              lambda T: T.cond(T.ones(2) > 0, lambda x: x, lambda x: x, (T.ones(1),)),
              lambda T: T.cond(T.tensor(True), 1, lambda x: x, (T.ones(1),)),
              lambda T: T.cond(T.tensor(True), lambda x: x, lambda x: x, (1.0,))):
        e, t = _both(f)
        assert e[0] == t[0] and e[1].split(" but got")[0] == t[1].split(" but got")[0]


def test_cond_tensor_predicate_records_one_node():
    x = _x(ember)
    for pred, want in ((ember.tensor(True), np.sin), (ember.tensor(0.0) > 1, np.cos)):
        r = ember.cond(pred, lambda v: v.sin() * 1, lambda v: v.cos() * 1, (x,))
        assert type(r.grad_fn).__name__ == "CondAutogradOpBackward"
        np.testing.assert_allclose(r.detach().numpy(), want(np.array(X34)))
    assert gradcheck(lambda v: ember.cond(ember.tensor(True), lambda a: a.exp() * a,
                                          lambda a: a, (v,)), (_x(ember) / 80,))
    nested = ember.cond(ember.tensor(True), lambda d: d["a"] * d["b"][0], lambda d: d["a"],
                        ({"a": x, "b": [x * 2]},))
    nested.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 4 * np.array(X34))


# -- the view scatters ---------------------------------------------------------------
SCATTERS = [
    lambda T, x, s: T.select_scatter(x, s[0], 0, -2),
    lambda T, x, s: x.slice_scatter(s[:, :2], 1, 1, None, 2),
    lambda T, x, s: T.slice_scatter(x, s[:1], start=-1),
    lambda T, x, s: T.diagonal_scatter(x, s[0, :3], 1),
    lambda T, x, s: x.diagonal_scatter(s[:3, 0], -1, 1, 0),
    lambda T, x, s: T.as_strided_scatter(x, s[:2, :2], (2, 2), (1, 4), 1),
]


@pytest.mark.parametrize("k", range(len(SCATTERS)))
def test_view_scatters(k):
    f = SCATTERS[k]
    check(lambda T: f(T, _x(T), T.ones(3, 4, dtype=T.float64) * -1))
    x = ember.tensor(np.random.default_rng(k).standard_normal((3, 4)), requires_grad=True)
    s = ember.tensor(np.random.default_rng(k + 9).standard_normal((3, 4)), requires_grad=True)
    assert gradcheck(lambda a, b: f(ember, a, b), (x, s))
    assert gradgradcheck(lambda a, b: f(ember, a, b), (x, s))
    if k < len(SCATTERS) - 1:       # (as_strided_scatter: see below)
        torch = _torch()
        tx = torch.tensor(x.detach().numpy(), requires_grad=True)
        ts = torch.tensor(s.detach().numpy(), requires_grad=True)
        g = np.arange(12.0).reshape(3, 4)
        got = ember.autograd.grad(f(ember, x, s), (x, s), ember.tensor(g))
        want = torch.autograd.grad(f(torch, tx, ts), (tx, ts), torch.tensor(g))
        for a, b in zip(got, want):
            np.testing.assert_allclose(a.numpy(), b.numpy())


def test_as_strided_scatter_input_gradient_is_the_true_one():
    """PyTorch 2.13 gives the input the gradient of the written places (its
    own gradcheck fails); Ember gives the rest, the true derivative."""
    x = ember.zeros(3, 4, dtype=ember.float64, requires_grad=True)
    r = ember.as_strided_scatter(x, ember.ones(2, 2, dtype=ember.float64), (2, 2), (1, 4), 1)
    (gx,) = ember.autograd.grad(r, x, ember.ones(3, 4, dtype=ember.float64))
    np.testing.assert_array_equal(gx.numpy(), [[1, 0, 0, 1], [1, 0, 0, 1], [1, 1, 1, 1]])


@pytest.mark.parametrize("f", [
    lambda T: T.select_scatter(_x(T), T.ones(3), 0, 1),
    lambda T: T.select_scatter(_x(T), T.ones(4), 0, 5),
    lambda T: T.select_scatter(_x(T), T.ones(4), 2, 0),
    lambda T: T.select_scatter(_x(T), 1.0, 0, 1),
    lambda T: T.select_scatter(_x(T), T.ones(4, dtype=T.int64), 0, 1),
    lambda T: T.slice_scatter(_x(T), T.ones(3, 3), 1, 0, 4, 2),
    lambda T: T.slice_scatter(_x(T), T.ones(3, 2), 1, 0, 4, 0),
    lambda T: T.slice_scatter(_x(T, False), T.ones(3, 2), 1, 0, 4, 2,
                              out=T.empty(0, dtype=T.float64)),
    lambda T: T.diagonal_scatter(_x(T), T.ones(2), 1),
    lambda T: T.diagonal_scatter(_x(T), T.ones(3), 0, 0, 0),
    lambda T: T.as_strided_scatter(_x(T), T.ones(3), (2, 2), (1, 2), 1),
    lambda T: T.as_strided_scatter(_x(T), T.ones(2, 2), (2, 2), (10, 2), 1),
])
def test_view_scatter_errors_and_casts(f):
    check(f)


# -- vander, adjoint, the JIT-only norms -------------------------------------------
@pytest.mark.parametrize("f", [
    lambda T: T.vander(T.tensor([1., 2, 3], dtype=T.float64, requires_grad=True)),
    lambda T: T.vander(T.tensor([1., 2, 3], requires_grad=True), N=2, increasing=True),
    lambda T: T.vander(T.tensor([1., 2, 3], requires_grad=True), N=1, increasing=True),
    lambda T: T.vander(T.tensor([1., 2, 3]), N=0),
    lambda T: T.vander(T.tensor([1, 2, 3], dtype=T.int8), 4),
    lambda T: T.vander(T.tensor([True, False])),
    lambda T: T.vander(T.ones(0)),
    lambda T: T.vander(T.ones(2, 2)),
    lambda T: T.vander(T.ones(2), N=-1),
    lambda T: T.adjoint(T.ones(2, 3, dtype=T.complex128, requires_grad=True)),
    lambda T: T.ones(2, 3, requires_grad=True).adjoint(),
    lambda T: T.adjoint(T.ones(3)),
    lambda T: T.ones(3).mH,
    lambda T: T.ones(3).mT,
    lambda T: T.frobenius_norm(_x(T), [0, 1]),
    lambda T: T.frobenius_norm(_x(T), -1, True),
    lambda T: T.frobenius_norm(_x(T), []),
    lambda T: T.frobenius_norm(T.ones(2, 2, dtype=T.complex64), [0]),
    lambda T: T.frobenius_norm(_x(T), [0, 1, 1]),
    lambda T: T.frobenius_norm(_x(T), [0, 0]),
    lambda T: T.frobenius_norm(T.ones(2, 2, dtype=T.int64), [0]),
    lambda T: T.frobenius_norm(_x(T, False), [1], out=T.empty(0, dtype=T.float64)),
    lambda T: T.nuclear_norm(_x(T)),
    lambda T: T.nuclear_norm(_x(T), True),
    lambda T: T.nuclear_norm(T.ones(2, 2, 3, dtype=T.float64), [0, 2], keepdim=True),
    lambda T: T.nuclear_norm(_x(T), [0]),
    lambda T: T.nuclear_norm(T.ones(3)),
    lambda T: T.nuclear_norm(T.ones(2, 2, dtype=T.int64)),
])
def test_old_ops(f):
    check(f)


def test_native_norm_refuses_dense_tensors():
    e, t = _both(lambda T: T.native_norm(T.ones(3)))
    assert e[0] == t[0] == "NotImplementedError" and t[1].startswith(e[1])


def test_vander_backward_fails_as_pytorchs():
    """ATen's vander overwrites what its cumprod saved."""
    for T in (ember, _torch()):
        x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            T.vander(x).sum().backward()


def test_frobenius_norm_gradients():
    x = ember.tensor(np.random.default_rng(3).standard_normal((3, 4)), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert gradcheck(lambda a: ember.frobenius_norm(a, [1], True), (x,))
        assert gradgradcheck(lambda a: ember.frobenius_norm(a, [0, 1]), (x,))


def test_deprecation_warnings_once():
    key = ("at::frobenius_norm is deprecated and it is just left for JIT compatibility. It will "
           "be removed in a future PyTorch release. Please use `linalg.vector_norm(A, 2., dim, "
           "keepdim)` instead")
    ember._settings._WARNED.discard(key)
    with pytest.warns(UserWarning, match="frobenius_norm is deprecated"):
        ember.frobenius_norm(ember.ones(2, 2), [0])


# -- histogramdd, empty_permuted --------------------------------------------------------
P = [[0., 1.], [1., 0.], [2., 0.], [2., 2.], [0.5, 1.5]]


@pytest.mark.parametrize("f", [
    lambda T: T.histogramdd(T.tensor(P, dtype=T.float64), bins=[3, 3],
                            weight=T.tensor([1., 2., 4., 8., 3], dtype=T.float64)),
    lambda T: T.histogramdd(T.tensor(P), bins=2, range=[0., 1., 0., 1.], density=True),
    lambda T: T.histogramdd(T.tensor(P), 2, None, None, True),
    lambda T: T.histogramdd(T.tensor(P, dtype=T.float64),
                            bins=[T.tensor([0., 1, 2], dtype=T.float64),
                                  T.tensor([0., 2], dtype=T.float64)]),
    lambda T: T.histogramdd(T.tensor([[[0.1, 0.2, 0.3], [0.9, 0.5, 0.5]], [[0.3, 0.3, 0.3],
                                                                         [1, 1, 1]]]),
                            [2, 3, 1], density=True),
    lambda T: T.histogramdd(T.tensor(P, requires_grad=True), bins=(2, 3)).hist,
    lambda T: T.histogramdd(T.ones(0, 2), bins=2),
    lambda T: T.histogramdd(T.ones(3, 2), bins=2),
    lambda T: T.histogramdd(T.tensor(P), bins=[2, 2, 2]),
    lambda T: T.histogramdd(T.tensor(P), bins=0),
    lambda T: T.histogramdd(T.tensor(P), bins=2, range=[0., 1.]),
    lambda T: T.histogramdd(T.tensor(P), bins=2, range=[1., 0., 0, 1]),
    lambda T: T.histogramdd(T.tensor(P).long(), bins=2),
    lambda T: T.histogramdd(T.tensor(P), bins=2, weight=T.ones(4)),
    lambda T: T.histogramdd(T.tensor(P), bins=2, weight=T.ones(5, dtype=T.float64)),
    lambda T: T.histogramdd(T.tensor(P), bins=[T.tensor([0., 1])]),
    lambda T: T.histogramdd(T.tensor(P, dtype=T.float64), bins=[T.tensor([0., 1])] * 2),
    lambda T: T.histogramdd(T.ones(3), bins=2),
    lambda T: T.histogram(T.ones(0), 2),
])
def test_histogramdd(f):
    check(f)


def test_histogramdd_is_not_differentiable():
    for T in (ember, _torch()):
        h = T.histogramdd(T.tensor(P, requires_grad=True), bins=2).hist
        with pytest.raises(RuntimeError, match="derivative for aten::_histogramdd_from_bin_cts"):
            h.sum().backward()
    assert repr(ember.histogramdd(ember.tensor(P), 1)).startswith(
        "ember.return_types.histogramdd(\nhist=")


@pytest.mark.parametrize("f", [
    lambda T: T.empty_permuted((2, 3, 4), (2, 0, 1)).stride(),
    lambda T: T.empty_permuted([2, 3], (1, 0), dtype=T.int32).stride(),
    lambda T: T.empty_permuted((2, 3), (1, 0), dtype=T.float64, requires_grad=True).is_leaf,
    lambda T: T.empty_permuted((2, 3), (-1, 0)),
    lambda T: T.empty_permuted((2, 3), (1, 1)),
    lambda T: T.empty_permuted((2, 3), (0, 5, 1)),
    lambda T: T.empty_permuted((2, 3), (1, 0), dtype=T.int64, requires_grad=True),
    lambda T: T.empty_permuted([2, -1], (1, 0)),
    lambda T: T.empty_permuted(2, (0,)),
])
def test_empty_permuted(f):
    check(f)


# -- gradient -----------------------------------------------------------------------------
def _coords(T, *rows):
    return [T.tensor(r, dtype=T.float64) for r in rows]


GRADIENTS = [
    lambda T, x: T.gradient(x),
    lambda T, x: T.gradient(x, spacing=2.0),
    lambda T, x: T.gradient(x, spacing=[2.0, 0.5]),
    lambda T, x: T.gradient(x, dim=1, edge_order=2),
    lambda T, x: T.gradient(x, spacing=2, dim=(0, 1), edge_order=2),
    lambda T, x: T.gradient(x, spacing=_coords(T, [0., 1, 3]), dim=0, edge_order=2),
    lambda T, x: T.gradient(x, spacing=_coords(T, [0., 1, 3], [0., 1, 1.5, 4])),
    lambda T, x: T.gradient(x, spacing=_coords(T, [0., 1, 3], [0., 1, 1.5, 4]), edge_order=2),
    lambda T, x: T.gradient(x, spacing=_coords(T, [0., 1, 1.5, 4]), dim=[-1]),
]


@pytest.mark.parametrize("k", range(len(GRADIENTS)))
def test_gradient(k):
    f = GRADIENTS[k]
    check(lambda T: f(T, _x(T)))
    x = ember.tensor(np.random.default_rng(k).standard_normal((3, 4)), requires_grad=True)
    assert gradcheck(lambda a: f(ember, a), (x,))
    assert gradgradcheck(lambda a: f(ember, a), (x,))


def test_gradient_analytic():
    t = np.array([0.0, 0.5, 1.5, 3.0, 3.5])
    (g,) = ember.gradient(ember.tensor(t ** 2, dtype=ember.float64),
                          spacing=[ember.tensor(t, dtype=ember.float64)], edge_order=2)
    np.testing.assert_allclose(g.numpy(), 2 * t)     # exact for a quadratic


@pytest.mark.parametrize("f", [
    lambda T: T.gradient(T.tensor([1, 2, 4, 8]), spacing=2),
    lambda T: T.gradient(T.tensor([1, 2, 4, 8]), spacing=[T.tensor([0, 1, 2, 4])]),
    lambda T: T.gradient(T.tensor([1, 2, 4, 8]), edge_order=2),
    lambda T: T.gradient(T.tensor([1., 2, 4, 8], dtype=T.complex64)),
    lambda T: T.gradient(T.tensor([1., 2, 4, 8]), spacing=_coords(T, [0., 1, 2, 4])),
    lambda T: T.gradient(T.tensor(1.)),
    lambda T: T.gradient(T.ones(1, 3), dim=1),
    lambda T: T.gradient(_x(T), spacing=[1., 2, 3]),
    lambda T: T.gradient(_x(T), spacing=[1., 2], dim=1),
    lambda T: T.gradient(_x(T), spacing=[1., 2.], dim=(0,)),
    lambda T: T.gradient(_x(T), spacing=_coords(T, [0., 1, 2])),
    lambda T: T.gradient(_x(T), edge_order=3),
    lambda T: T.gradient(_x(T), dim=[0, 0]),
    lambda T: T.gradient(_x(T), dim=2),
    lambda T: T.gradient(T.rand(2, 4), edge_order=2),
    lambda T: T.gradient(T.ones(3, dtype=T.uint8)),
    lambda T: T.gradient(T.ones(3, dtype=T.bool)),
    lambda T: T.gradient(_x(T), spacing=[T.ones(3, 1), T.ones(4)]),
])
def test_gradient_dtypes_and_errors(f):
    check(f)


# -- igamma, igammac ------------------------------------------------------------------------
@pytest.mark.parametrize("f", [
    lambda T: T.igamma(T.tensor([0.5, 2.0, 4.5], dtype=T.float64),
                       T.tensor([1., 2, 3], dtype=T.float64, requires_grad=True)),
    lambda T: T.tensor([0.5, 2.0, 4.5]).igammac(T.tensor([[1.], [3.]])),
    lambda T: T.igamma(T.ones(2, dtype=T.int32), T.ones(2, dtype=T.float64)),
    lambda T: T.igamma(T.ones(2, dtype=T.float16), T.ones(2, dtype=T.int64)),
    lambda T: T.igamma(T.ones(2, dtype=T.int64), T.ones(2, dtype=T.int32)),
    lambda T: T.igamma(1.0, T.ones(2)),
    lambda T: T.igammac(T.ones(2), 2.0),
    lambda T: T.special.gammainc(1.0, T.ones(2)),
    lambda T: T.ones(3).igamma_(T.ones(2, 3)),
    lambda T: T.igammac(T.ones(3), T.tensor([1., 2, 3]), out=T.empty(0)),
])
def test_igamma(f):
    check(f)


def test_igamma_in_place_and_gradients():
    a = ember.tensor([0.5, 2.0, 4.5], dtype=ember.float64)
    x = ember.ones(3, dtype=ember.float64)
    assert x.igamma_(ember.tensor([1., 2, 3], dtype=ember.float64)) is x
    np.testing.assert_allclose(x.numpy(), [1 - math.exp(-v) for v in (1, 2, 3)])  # P(1, v)
    y = ember.tensor([0.7, 1.9, 3.2], dtype=ember.float64, requires_grad=True)
    assert gradcheck(lambda v: ember.igammac(a, v), (y,))
    with pytest.raises(NotImplementedError, match="the derivative for 'igamma: input' is not "
                                                  "implemented"):
        ember.igamma(y, a).sum().backward()


# -- the native_* kernels -----------------------------------------------------------------
def _w(T, *v):
    return T.tensor(v, dtype=T.float64, requires_grad=True)


@pytest.mark.parametrize("f", [
    lambda T: T.native_layer_norm(_x(T), [4], _w(T, 1.5, .5, -1, 2), _w(T, .1, .2, .3, .4), 1e-5),
    lambda T: T.native_layer_norm(_x(T), [3, 4], None, None, 1e-5),
    lambda T: T.native_layer_norm(_x(T).half(), [4], None, None, 1e-5),
    lambda T: T.native_layer_norm(_x(T), [3], None, None, 1e-5),
    lambda T: T.native_batch_norm(_x(T).reshape(2, 3, 2), _w(T, 1.5, .5, -1), None,
                                  T.zeros(3, dtype=T.float64), T.ones(3, dtype=T.float64),
                                  True, 0.1, 1e-5),
    lambda T: T.native_batch_norm(_x(T).reshape(2, 3, 2), None, None,
                                  T.zeros(3, dtype=T.float64), T.ones(3, dtype=T.float64),
                                  False, 0.1, 1e-5),
    lambda T: T.native_batch_norm(_x(T).reshape(4, 3).float(), None, None, None, None, True,
                                  0.1, 1e-5),
    lambda T: T.native_group_norm(_x(T).reshape(2, 6), None, None, 2, 6, 1, 3, 1e-5)[0],
    lambda T: T.native_group_norm(_x(T).reshape(2, 6, 1), None, None, 2, 6, 1, 3,
                                  1e-5)[1].detach(),
    lambda T: T.native_group_norm(_x(T).reshape(2, 6), None, None, 2, 6, 2, 3, 1e-5),
    lambda T: T.native_dropout(_x(T), 0.5, False),
    lambda T: T.native_dropout(T.ones(0), 0.5, True),
    lambda T: T.native_dropout(_x(T), 1.0, True),
    lambda T: T.native_dropout(_x(T), 1.5, True),
    lambda T: T.native_dropout(T.ones(3, dtype=T.int64), 0.5, True),
])
def test_native_kernels(f):
    check(f)


@pytest.mark.parametrize("p,dtype", [(0.5, "float64"), (0.3, "float32")])
def test_native_dropout_draws_as_pytorch(p, dtype):
    def f(T):
        T.manual_seed(0)
        x = T.arange(1.0, 9.0, dtype=getattr(T, dtype)).requires_grad_()
        out, mask = T.native_dropout(x, p, True)
        out.sum().backward()
        return out, mask, x.grad
    check(f)


def test_native_batch_norm_updates_running_stats():
    def f(T):
        rm, rv = T.zeros(3, dtype=T.float64), T.ones(3, dtype=T.float64)
        T.native_batch_norm(_x(T).reshape(2, 3, 2), None, None, rm, rv, True, 0.1, 1e-5)
        return rm, rv
    check(f)
