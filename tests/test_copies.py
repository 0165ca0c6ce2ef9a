"""The extra2 family beside PyTorch: clamp & co. declared in the registry
(in-place and out= forms), the *_copy ops (fresh memory, PyTorch's node
names), small torch functions, and torch's process-wide settings."""
import warnings

import numpy as np
import pytest

import ember
from compare_torch import check, check_error

torch = pytest.importorskip("torch")


def _x(T, grad=True):
    return T.tensor([[1.5, -2.0, 0.25, 3.0], [-0.5, 4.0, -1.0, 2.0], [0.0, 1.0, -3.5, 0.5]],
                    requires_grad=grad)


# ---- clamp, clip, clamp_min, clamp_max, maximum, minimum, masked_fill, gather

@pytest.mark.parametrize("fn", [
    lambda T, x: T.clamp_(x, -1, 1),
    lambda T, x: T.clip_(x, max=0.5),
    lambda T, x: T.clamp_min_(x, 0.0),
    lambda T, x: T.clamp_max_(x, T.tensor([0.0, 1.0, -1.0, 2.0])),
    lambda T, x: x.clamp_(T.tensor(-1.0), T.tensor([[0.5], [1.0], [2.0]])),
    lambda T, x: x.clip_(min=-0.5),
    lambda T, x: x.masked_fill_(x > 1, -7.0),
    lambda T, x: x.masked_fill_(T.tensor([True, False, False, True]), T.tensor(2.0)),
])
def test_inplace_forms_as_torch(fn):
    def run(T):
        x = _x(T, False)
        v = x._version
        out = fn(T, x)
        return out is x, x._version - v, x

    check(run)


@pytest.mark.parametrize("fn", [
    lambda T, x: x.clamp_(0, 1),
    lambda T, x: T.clamp_min_(x, 0),
    lambda T, x: x.masked_fill_(x > 0, 1.0),
])
def test_inplace_refused_on_a_leaf(fn):
    check_error(lambda T: (_x(T),), fn)


def test_inplace_history_as_torch():
    def run(T):
        x = _x(T)
        y = x * 2
        y.clamp_(-1, 3)
        z = x * 1
        z.masked_fill_(x < 0, 0.5)
        (y * z).sum().backward()
        return y, z, x.grad

    check(run)


@pytest.mark.parametrize("fn", [
    lambda T, x, o: T.clamp(x, -1, 1, out=o),
    lambda T, x, o: T.clip(x, min=0.0, out=o),
    lambda T, x, o: T.clamp_min(x, 0.5, out=o),
    lambda T, x, o: T.clamp_max(x, 0.5, out=o),
    lambda T, x, o: T.maximum(x, x.flip(0), out=o),
    lambda T, x, o: T.minimum(x, x.flip(1), out=o),
    lambda T, x, o: T.gather(x, 1, T.tensor([[0, 0], [3, 1], [2, 2]]), out=o),
])
def test_out_forms_as_torch(fn):
    def run(T):
        o = T.empty(0)
        return fn(T, _x(T, False), o) is o, o

    check(run)


def test_masked_fill_takes_no_out():
    check(lambda T: T.masked_fill(_x(T, False), _x(T, False) > 0, 1.0, out=T.empty(0)),
          message=False)


@pytest.mark.parametrize("fn", [
    lambda T, x: x.clamp_(),
    lambda T, x: x.masked_fill_(x.int(), 1.0),
    lambda T, x: x[0].masked_fill_(x > 0, 1.0),
])
def test_inplace_errors_as_torch(fn):
    check_error(lambda T: (_x(T, False),), fn)


def test_integer_and_bool_inputs():
    check(lambda T: T.clamp(T.tensor([-3, 0, 7]), -1, 2))
    check(lambda T: T.clamp(T.tensor([-3, 0, 7]), 0.5))
    check(lambda T: T.maximum(T.tensor([1, 5]), T.tensor([2.5, 0.0])))
    check(lambda T: T.minimum(T.tensor([True, False]), T.tensor([False, False])))
    check(lambda T: T.tensor([3, 4]).masked_fill(T.tensor([True, False]), 1.9))


def test_gather_keywords():
    check(lambda T: T.gather(_x(T), 1, T.tensor([[3], [0], [1]]), sparse_grad=False))
    with pytest.raises(NotImplementedError, match="no sparse tensors"):
        ember.gather(_x(ember), 1, ember.tensor([[3], [0], [1]]), sparse_grad=True)


def test_hot_ops_are_plain_functions():
    # (no silencing wrapper between the method and the op: clamp/maximum are hot;
    # clamp's forms have only the try that words an argument of the wrong type)
    for name in ("maximum", "minimum", "gather"):
        assert not hasattr(getattr(ember.Tensor, name), "__wrapped__"), name
    for name in ("clamp", "clamp_min", "clamp_max", "clip"):
        method = getattr(ember.Tensor, name)
        assert method.__code__ is ember.ops._parser_types.typed(len, "", True).__code__, name
        assert not hasattr(method.__wrapped__, "__wrapped__"), name
    assert ember.Tensor.clip.__wrapped__ is ember.Tensor.clamp.__wrapped__


# ---- the *_copy ops --------------------------------------------------------

COPIES = {
    "alias_copy": lambda T, x: T.alias_copy(x),
    "as_strided_copy": lambda T, x: T.as_strided_copy(x, (2, 3), (1, 2)),
    "diagonal_copy": lambda T, x: T.diagonal_copy(x, -1, 1, 0),
    "expand_copy": lambda T, x: T.expand_copy(x[:, :1], (2, 3, 4), implicit=True),
    # (PyTorch's NarrowCopyBackward0 fails for a negative start: not copied)
    "narrow_copy": lambda T, x: T.narrow_copy(x, 0, 1, 2),
    "permute_copy": lambda T, x: T.permute_copy(x, (-1, 0)),
    "select_copy": lambda T, x: T.select_copy(x, 0, 2),
    "slice_copy": lambda T, x: T.slice_copy(x, 1, -3, 100),
    "slice_copy_defaults": lambda T, x: T.slice_copy(x),
    "split_copy": lambda T, x: T.split_copy(x, 3, 1),
    "split_with_sizes_copy": lambda T, x: T.split_with_sizes_copy(x, [2, 0, 1]),
    "squeeze_copy": lambda T, x: T.squeeze_copy(x[:1]),
    "squeeze_copy_dim": lambda T, x: T.squeeze_copy(x[:1], 0),
    "squeeze_copy_dims": lambda T, x: T.squeeze_copy(x[:1], (0, 1)),
    "t_copy": lambda T, x: T.t_copy(x),
    "transpose_copy": lambda T, x: T.transpose_copy(x, 1, 0),
    "unbind_copy": lambda T, x: T.unbind_copy(x),
    "unfold_copy": lambda T, x: T.unfold_copy(x, 0, 2, 1),
    "unsqueeze_copy": lambda T, x: T.unsqueeze_copy(x, 1),
    "view_copy": lambda T, x: T.view_copy(x, (-1,)),
}


@pytest.mark.parametrize("name", list(COPIES))
def test_copy_values_grad_fn_and_gradient(name):
    def run(T):
        x = _x(T)
        out = COPIES[name](T, x)
        pieces = out if isinstance(out, tuple) else (out,)
        sum(((p * p).sum() for p in pieces), T.tensor(0.0)).backward()
        return out, x.grad

    check(run)


@pytest.mark.parametrize("name", list(COPIES))
def test_copy_is_not_a_view(name):
    for T in (torch, ember):
        x = _x(T, False)
        out = COPIES[name](T, x)
        pieces = out if isinstance(out, tuple) else (out,)
        for p in pieces:
            assert p._base is None and p._version == 0
            p.fill_(9.0)
        assert (x == _x(T, False)).all(), T.__name__


@pytest.mark.parametrize("name", ["split_copy", "unbind_copy", "split_with_sizes_copy"])
def test_multi_output_copy_takes_a_list_out(name):
    def run(T):
        x = _x(T, False)
        # (PyTorch's split_copy does not resize its outs: they come sized)
        out = [T.empty(p.shape) for p in COPIES[name](T, x)]
        call = {"split_copy": lambda: T.split_copy(x, 3, 1, out=out),
                "unbind_copy": lambda: T.unbind_copy(x, out=out),
                "split_with_sizes_copy": lambda: T.split_with_sizes_copy(x, [2, 0, 1], out=out)}
        call[name]()
        return out

    check(run)


def test_copy_out_and_method_surface():
    check(lambda T: T.permute_copy(_x(T, False), (1, 0), out=T.empty(0)))
    check(lambda T: _x(T).narrow_copy(1, 1, 2))
    for name in COPIES:
        name = name.split("_copy")[0] + "_copy"
        assert hasattr(ember.Tensor, name) == hasattr(torch.Tensor, name), name


def test_detach_copy_has_no_derivative():
    def run(T):
        y = T.detach_copy(_x(T))
        return y, y.grad_fn.name().split("::")[-1]

    check(run)
    check_error(lambda T: (_x(T),), lambda T, x: T.detach_copy(x).sum().backward())


@pytest.mark.parametrize("fn", [
    lambda T, x: T.split_copy(x, [1, 2]),
    lambda T, x: T.slice_copy(x, 1, 0, 3, 0),
    lambda T, x: T.slice_copy(x, 1, 0, 3, -1),
    lambda T, x: T.permute_copy(x, (0, 0)),
    lambda T, x: T.view_copy(x, (5, 2)),
    lambda T, x: T.select_copy(x, 1, 4),
    lambda T, x: T.split_with_sizes_copy(x, [1, 1]),
])
def test_copy_errors_as_torch(fn):
    check_error(lambda T: (_x(T),), fn)


# ---- small functions -------------------------------------------------------

@pytest.mark.parametrize("fn", [
    lambda T, x: T.split_with_sizes(x, [1, 3], 1),
    lambda T, x: x.split_with_sizes((2, 1)),
    lambda T, x: T.unsafe_split(x * 1, 3, 1),
    lambda T, x: (x * 1).unsafe_split(2),
    lambda T, x: T.unsafe_chunk(x * 1, 2, 1),
    lambda T, x: T.unsafe_split_with_sizes(x * 1, [3, 1], -1),
    lambda T, x: T.fill(x, 2.5),
    lambda T, x: T.fill(x, T.tensor(2.0, requires_grad=True)),
    lambda T, x: T.fill(x.detach().long(), 2.7),
    lambda T, x: T.zero_(x * 1),
    lambda T, x: T.angle(x),
    lambda T, x: T.angle(T.tensor([-2, 0, 3])),
    lambda T, x: T.angle(T.tensor([True, False])),
    lambda T, x: T.angle(T.tensor([-1.0, float("nan"), -0.0], dtype=T.float64)),
    lambda T, x: [T.tensor([1], dtype=d).is_signed() for d in
                  (T.bool, T.uint8, T.int8, T.int64, T.float16, T.float32)],
    lambda T, x: (T.is_complex(x), T.is_conj(x), T.is_neg(x), x.is_neg(), x.is_conj()),
    lambda T, x: (T.is_same_size(x, x), T.is_same_size(x, x.t()), x.is_same_size(x[0])),
    lambda T, x: (T.get_device(x), x.get_device()),
    lambda T, x: T.detach(x),
])
def test_small_functions_as_torch(fn):
    check(lambda T: fn(T, _x(T)))


def test_small_function_gradients_as_torch():
    def run(T):
        x, v = _x(T), T.tensor(1.5, requires_grad=True)
        y = T.angle(x * 2) + T.fill(x, v) * x + T.unsafe_chunk(x * 3, 3)[1].sum()
        y.sum().backward()
        return y, x.grad, v.grad

    check(run)


@pytest.mark.parametrize("name", ["conj", "resolve_conj", "resolve_neg", "real",
                                  "conj_physical"])
def test_real_tensor_is_its_own(name):
    for T in (torch, ember):
        x = _x(T)
        method = getattr(x, name)
        assert getattr(T, name)(x) is x and (method if name == "real" else method()) is x


def test_assigning_the_real_part_as_torch():
    def run(T):
        x = T.ones(3)
        x.real = T.tensor([1.0, 2.0, 3.0])
        v = x._version
        y = _x(T) * 1
        y.real = T.zeros(3, 4, requires_grad=True)
        z = T.ones(2)
        z.real = 2.5
        return x, v, y, z

    check(run)


@pytest.mark.parametrize("fn", [
    lambda T, x: setattr(x, "real", T.zeros(3, 4)),
    lambda T, x: setattr(x.detach(), "imag", T.zeros(3, 4)),
    lambda T, x: setattr(x.detach(), "real", "a"),
])
def test_assigning_a_part_refused_as_torch(fn):
    check_error(lambda T: (_x(T),), fn)


def test_conj_physical_inplace_and_detach_inplace():
    def run(T):
        y = _x(T) * 1
        v = y._version
        same = T.conj_physical_(y) is y
        z = _x(T) * 1
        return same, y._version - v, T.detach_(z) is z, z.requires_grad, z.grad_fn

    check(run)
    check_error(lambda T: (_x(T),), lambda T, x: x.conj_physical_())


def test_unsafe_split_shares_memory_but_is_no_view():
    for T in (torch, ember):
        x = _x(T, False)
        a, b = T.unsafe_split(x, 2)
        assert a._base is None
        a.fill_(7.0)
        assert (x[:2] == 7).all() and x._version == 0


@pytest.mark.parametrize("fn", [
    lambda T, x: T.imag(x),
    lambda T, x: x.imag,
    lambda T, x: T.fill(x, T.ones(2)),
    lambda T, x: T.is_same_size(x, 3),
    lambda T, x: T.split_with_sizes(x, 2),
    lambda T, x: T.unsafe_split_with_sizes(x, [1, 1]),
    lambda T, x: T.is_signed(3),
])
def test_small_function_errors_as_torch(fn):
    check_error(lambda T: (_x(T),), fn)


# ---- settings --------------------------------------------------------------

def test_flags_are_bools():
    for name in ("has_lapack", "has_mkl", "has_openmp", "has_spectral"):
        assert type(getattr(ember, name)) is bool
    assert ember.has_lapack and ember.has_spectral
    assert ember.compiled_with_cxx11_abi() is torch.compiled_with_cxx11_abi()


def test_warn_always_and_matmul_precision():
    try:
        for T in (torch, ember):
            assert T.is_warn_always_enabled() is False
            T.set_warn_always(True)
            assert T.is_warn_always_enabled() is True
            assert T.get_float32_matmul_precision() == "highest"
            T.set_float32_matmul_precision("medium")
            assert T.get_float32_matmul_precision() == "medium"
            with pytest.warns(UserWarning, match="HIGH is not one of 'highest', 'high', or "
                                                 "'medium'; the currentsetFloat32Matmul"):
                T.set_float32_matmul_precision("HIGH")
            assert T.get_float32_matmul_precision() == "medium"
    finally:
        for T in (torch, ember):
            T.set_warn_always(False)
            T.set_float32_matmul_precision("highest")


@pytest.mark.parametrize("fn", [
    lambda T: T.set_warn_always(1),
    lambda T: T.set_warn_always(None),
    lambda T: T.set_float32_matmul_precision(3),
    lambda T: T.set_flush_denormal(1),
    lambda T: T.set_flush_denormal("x"),
])
def test_setting_type_errors_as_torch(fn):
    check_error(lambda T: (), lambda T: fn(T))


def test_flush_denormal():
    # NumPy cannot flush denormals: asking for it fails, as PyTorch's does on
    # a CPU without the mode; turning it off succeeds.
    assert ember.set_flush_denormal(True) is False
    assert ember.set_flush_denormal(False) is True
    assert torch.set_flush_denormal(False) is True
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ember.tensor([1e-40], dtype=ember.float32).item() != 0
