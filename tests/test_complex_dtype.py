"""Complex dtypes: the dtype objects, PyTorch's promotion with complex,
creation and conversion, the complex randn stream, and printing, against
PyTorch."""
import numpy as np
import pytest

import ember
from compare_torch import check, check_error

COMPLEX = ["complex64", "complex128", "cfloat", "cdouble", "complex32", "chalf"]


@pytest.fixture(autouse=True)
def _restore():
    yield
    ember.set_default_dtype(ember.float32)
    ember.set_printoptions(profile="default")
    try:
        import torch
        torch.set_default_dtype(torch.float32)
        torch.set_printoptions(profile="default")
    except ImportError:
        pass


@pytest.mark.parametrize("name", COMPLEX)
def test_complex_dtype_attributes(name):
    check(lambda T: (getattr(T, name), str(getattr(T, name)), getattr(T, name).is_complex,
                     getattr(T, name).is_floating_point, getattr(T, name).is_signed,
                     getattr(T, name).itemsize, getattr(T, name).to_real(),
                     getattr(T, name).to_complex()))


@pytest.mark.parametrize("name", ["float32", "float64", "float16", "int64", "bool", "uint8"])
def test_to_complex_and_to_real_of_real_dtypes(name):
    check(lambda T: getattr(T, name).to_real())
    check(lambda T: getattr(T, name).to_complex())


@pytest.mark.parametrize("name", ["complex64", "complex128"])
def test_finfo_of_complex_is_that_of_its_parts(name):
    check(lambda T: (str(T.finfo(getattr(T, name))), T.finfo(getattr(T, name)).eps,
                     T.finfo(getattr(T, name)).bits, T.finfo(getattr(T, name)).dtype))


REALS = ["float32", "float64", "float16", "int64", "int32", "uint8", "bool"]


@pytest.mark.parametrize("a", REALS + ["complex64", "complex128"])
@pytest.mark.parametrize("b", ["complex64", "complex128"])
def test_promote_types_with_complex(a, b):
    check(lambda T: (T.promote_types(getattr(T, a), getattr(T, b)),
                     T.promote_types(getattr(T, b), getattr(T, a))))


@pytest.mark.parametrize("a", ["float32", "float64", "int32", "int64", "bool", "uint8"])
@pytest.mark.parametrize("b", ["complex64", "complex128"])
def test_tensor_promotion_dim_and_zero_dim(a, b):
    def f(T):
        x = T.ones(2, dtype=getattr(T, a))
        z = T.ones((), dtype=getattr(T, b))
        y = T.ones(2, dtype=getattr(T, b))
        xz = T.ones((), dtype=getattr(T, a))
        return ((x + z).dtype, (z + x).dtype, (x + y).dtype, (y * xz).dtype, (xz - z).dtype)
    check(f)


@pytest.mark.parametrize("default", ["float32", "float64"])
@pytest.mark.parametrize("a", ["float32", "float64", "int32", "int64", "bool", "complex64",
                               "complex128"])
def test_python_complex_scalars_promote_as_pytorch(default, a):
    def f(T):
        T.set_default_dtype(getattr(T, default))
        x = T.ones(3, dtype=getattr(T, a))
        return (x + 1j, 2j * x, x - (1 + 1j), x / 2j, x * 2.5, x + 3,
                T.tensor(1j).dtype, T.tensor([1, 2j]).dtype, T.full((2,), 1 + 1j))
    check(f)


def test_tensor_from_python_complex():
    check(lambda T: (T.tensor(1 + 2j), T.tensor([1 + 2j, 3 - 1j]), T.tensor([[1, 2.5j], [3.0, True]]),
                     T.tensor([1 + 2j], dtype=T.complex128), T.tensor([1, 2], dtype=T.cfloat),
                     T.tensor([0.1, 2.5], dtype=T.cdouble), T.tensor([1j], dtype=complex),
                     T.tensor([[1j, 2]], dtype=T.complex64)), exact=True)
    check(lambda T: T.tensor([1 + 2j], dtype=T.float32))
    check(lambda T: T.tensor([1j], requires_grad=True))


def test_from_numpy_and_as_tensor_of_complex_arrays():
    for dt in (np.complex64, np.complex128):
        a = (np.arange(6) * (1 - 0.5j)).astype(dt).reshape(2, 3)
        check(lambda T: (T.from_numpy(a), T.as_tensor(a), T.as_tensor(a, dtype=T.cdouble),
                         T.tensor(a)), exact=True)
        t = ember.from_numpy(a)
        t[0, 0] = 7j
        assert a[0, 0] == 7j        # shares memory


def test_factories_with_complex_dtypes():
    check(lambda T: (T.zeros(2, 3, dtype=T.cfloat), T.ones(2, dtype=T.cdouble),
                     T.empty(2, dtype=T.complex64).dtype, T.full((2,), 2 - 1j),
                     T.full((2,), 3, dtype=T.cfloat), T.eye(2, dtype=T.cdouble),
                     T.zeros_like(T.ones(2, dtype=T.cfloat)),
                     T.ones(2, dtype=T.cfloat, requires_grad=True)), exact=True)


def test_complex32_cannot_be_held():
    with pytest.raises(RuntimeError, match="complex32"):
        ember.zeros(2, dtype=ember.chalf)
    with pytest.raises(RuntimeError, match="complex32"):
        ember.ones(2, dtype=ember.float16) + 1j
    check(lambda T: (T.complex32, T.chalf.itemsize, T.float16.to_complex()))


@pytest.mark.parametrize("dt", ["cfloat", "cdouble"])
@pytest.mark.parametrize("shape", [(3,), (5, 4), (7,), (0,), (17,), (2, 9), (1,)])
def test_randn_complex_matches_pytorch_bit_for_bit(dt, shape):
    def f(T):
        T.manual_seed(3)
        a = T.randn(*shape, dtype=getattr(T, dt))
        b = T.randn(4, dtype=getattr(T, dt))
        c = T.randn_like(a)
        return a, b, c, T.randn(2)
    check(f, exact=True)


def test_conversions():
    def f(T):
        x = T.tensor([1 + 2j, 3 - 1j])
        return (x.to(T.complex128), x.cdouble(), T.ones(2).cfloat(), T.arange(3).to(T.cfloat),
                x.item if False else x[0].item(), x.tolist(), T.tensor(2j).item(),
                x.is_complex(), T.is_complex(x), T.ones(1).is_complex(), x.dtype,
                x.to(T.float32), x.numpy(), x.element_size(), x.type())
    check(f, exact=True)


PRINT_CASES = [
    lambda T: T.tensor([1 + 2j, 3 - 1j]),
    lambda T: T.tensor(1 + 2j),
    lambda T: T.tensor(-0.5j),
    lambda T: T.tensor([1 + 2j, 3 - 1j], dtype=T.complex128),
    lambda T: T.tensor([1.5 + 2.25j, -3e-5 - 1j]),
    lambda T: T.tensor([1e10 + 2j, 3 - 1j]),
    lambda T: T.tensor([[1 + 2j, 3 - 1j], [0.1 - 0.0j, -2 + 1e-3j]], requires_grad=True),
    lambda T: T.from_numpy((np.arange(2000) * (1 + 0.5j)).astype(np.complex64)),
    lambda T: T.from_numpy((np.arange(20) * (1.25 - 0.5j)).reshape(4, 5)),
    lambda T: T.from_numpy((np.arange(2 * 40 * 30) * (0.25 - 3j)).reshape(2, 40, 30)),
    lambda T: T.tensor([float("nan") + 1j, complex(float("inf"), -float("inf"))]),
    lambda T: T.zeros(0, dtype=T.cfloat),
    lambda T: T.zeros(2, 0, dtype=T.cdouble),
    lambda T: T.tensor([complex(0, -0.0), complex(-0.0, 0.0)]),
    lambda T: T.from_numpy(np.linspace(-3, 3, 30) + 1j * np.linspace(2, -5, 30)),
    lambda T: T.tensor([123456.789 + 1j]),
    lambda T: T.tensor([1 + 1j, 2j], requires_grad=True) * 2,
]


@pytest.mark.parametrize("i", range(len(PRINT_CASES)))
def test_repr_and_str_as_pytorch(i):
    check(lambda T: (repr(PRINT_CASES[i](T)), str(PRINT_CASES[i](T))))


@pytest.mark.parametrize("opts", [dict(sci_mode=True), dict(precision=2), dict(linewidth=40),
                                  dict(threshold=5, edgeitems=2), dict(edgeitems=0, threshold=3)])
def test_repr_under_print_options(opts):
    def f(T):
        T.set_printoptions(**opts)
        try:
            return [repr(c(T)) for c in PRINT_CASES]
        finally:
            T.set_printoptions(profile="default")
    check(f)


def test_default_dtype_float64_prints_complex128_without_suffix():
    def f(T):
        T.set_default_dtype(T.float64)
        return repr(T.tensor([1 + 2j])), repr(T.tensor([1 + 2j], dtype=T.cfloat))
    check(f)


def test_real_dtype_cannot_hold_complex_value():
    check_error(lambda T: (T.zeros(2),), lambda T, x: x.fill_(1j))
