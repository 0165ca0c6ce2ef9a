"""Complex tensors beyond the op catalogue: Python conversions, in-place
casts, random draws, views written in place under autograd, conj's bit, and
the odd ops (isreal, nan_to_num, arange), against PyTorch."""
import io

import numpy as np
import pytest

import ember
from compare_torch import check, check_error


@pytest.mark.parametrize("value", [1 + 2j, 2 + 0j, -0.5j])
def test_python_number_conversions(value):
    check(lambda T: complex(T.tensor(value)))
    check(lambda T: float(T.tensor(value)))
    check(lambda T: int(T.tensor(value)))
    check(lambda T: bool(T.tensor(value)))


def test_in_place_results_cannot_go_from_complex_to_real():
    check_error(lambda T: (T.ones(2),), lambda T, x: x.mul_(2j))
    check_error(lambda T: (T.ones(2), T.tensor([1j, 2])), lambda T, x, y: x.add_(y))
    check_error(lambda T: (T.ones(2),), lambda T, x: T.mul(x, 1j, out=x))
    check(lambda T: T.ones(2, dtype=T.cfloat).mul_(2.5).add_(1j).sub_(T.ones(2)))


@pytest.mark.parametrize("dt", ["cfloat", "cdouble"])
def test_random_draws_match_pytorch_bit_for_bit(dt):
    def f(T):
        T.manual_seed(5)
        d = getattr(T, dt)
        return (T.rand(3, dtype=d), T.rand(20, dtype=d), T.zeros(4, dtype=d).normal_(),
                T.zeros(18, dtype=d).normal_(1.0, 2.0), T.zeros(3, dtype=d).uniform_(-1, 2))
    check(f, exact=True)


def test_arange_refuses_complex_dtypes():
    check(lambda T: T.arange(3, dtype=T.cfloat))


def test_isreal_nan_to_num_isfinite():
    def f(T):
        x = T.tensor([complex("nan"), 1j, 2 + 0j, complex(float("inf"), -1)])
        return T.isreal(x), T.nan_to_num(x), T.nan_to_num(x, 1.0, 2.0, -3.0), T.isfinite(x), \
            T.isnan(x), T.isinf(x)
    check(f, exact=True)


def test_conj_bit_as_pytorch_reports_it():
    def f(T):
        x = T.tensor([1 + 2j, 3 - 1j])
        r = T.ones(2)
        return (x.conj().is_conj(), x.conj().conj().is_conj(), r.conj().is_conj(),
                x.conj().resolve_conj().is_conj(), x.conj_physical().is_conj(),
                (x.conj() + 1).is_conj(), x.conj().detach().is_conj(), T.is_conj(x),
                x.conj().resolve_conj(), r.conj() is r, r.resolve_conj() is r,
                x.conj().imag.resolve_neg())
    check(f)
    check_error(lambda T: (T.tensor([1 + 2j]),), lambda T, x: x.conj().numpy())


def test_real_imag_written_in_place_without_grad():
    def f(T):
        x = T.tensor([1 + 2j, 3 - 1j])
        x.real.mul_(2)
        x.imag[0] = 5
        y = x.clone()
        y.real = T.tensor([7.0, 8.0])
        y.imag = 0.5
        v = T.view_as_real(x)
        v[1, 1] = -9
        return x, y, x.real.stride(), x.imag.is_contiguous(), T.view_as_real(x).stride()
    check(f, exact=True)


INPLACE = [
    lambda T, z, w: z.real.mul_(w),
    lambda T, z, w: z.imag.__setitem__(1, w[0] * 3),
    lambda T, z, w: (z.imag.copy_(w ** 2), z.real.add_(1)),
    lambda T, z, w: T.view_as_real(z)[:, 1].mul_(w),
]


@pytest.mark.parametrize("i", range(len(INPLACE)))
def test_real_imag_written_in_place_under_autograd(i):
    def f(T):
        y = T.tensor([1 + 2j, 3 - 1j, -0.5 + 0.25j], dtype=T.complex128, requires_grad=True)
        w = T.tensor([0.5, -1.0, 2.0], dtype=T.float64, requires_grad=True)
        z = y * 1
        INPLACE[i](T, z, w)
        ((z.abs() ** 2).sum() + (z * (1 - 2j)).real.sum()).backward()
        return z, y.grad, w.grad
    check(f, rtol=1e-12)


def test_save_load_and_pickle_of_complex():
    x = ember.tensor([1 + 2j, 3 - 1j], dtype=ember.cdouble)
    buf = io.BytesIO()
    ember.save({"x": x, "y": x.to(ember.cfloat)}, buf)
    buf.seek(0)
    back = ember.load(buf)
    assert back["x"].dtype is ember.cdouble and back["y"].dtype is ember.cfloat
    np.testing.assert_array_equal(back["x"].numpy(), x.numpy())
    torch = pytest.importorskip("torch")
    buf.seek(0)
    theirs = torch.load(buf)
    np.testing.assert_array_equal(theirs["y"].numpy(), x.numpy().astype(np.complex64))
    buf = io.BytesIO()
    torch.save(torch.tensor([1j, 2]), buf)
    buf.seek(0)
    assert ember.load(buf).dtype is ember.cfloat


def test_complex_where_masked_fill_and_reductions():
    def f(T):
        x = T.tensor([[1 + 2j, 3 - 1j], [0.5j, -2]])
        m = T.tensor([[True, False], [False, True]])
        return (T.where(m, x, 0), T.where(m, x, T.zeros(2)), x.masked_fill(m, 1j),
                x.sum(0), x.mean(1), x.prod(), x.cumsum(0), x.flip(1), x.roll(1),
                T.einsum("ij,jk->ik", x, x), T.ones(2).sum(dtype=T.cfloat), x.var(0), x.norm())
    check(f)


def test_linspace_with_complex_ends_or_dtype():
    check(lambda T: (T.linspace(0, 1 + 1j, 5), T.linspace(-1j, 2, 4, dtype=T.cdouble),
                     T.linspace(0, 1, 3, dtype=T.cfloat), T.linspace(1j, 1j, 1)), exact=True)


def test_bfloat16_with_complex_promotes_to_complex64():
    check(lambda T: (T.bfloat16.to_complex(), T.promote_types(T.bfloat16, T.complex64)))


def test_complex_values_into_real_tensors():
    check_error(lambda T: (T.zeros(2),), lambda T, x: T.full((2,), 1j, dtype=T.float32))
    check_error(lambda T: (T.zeros(2),), lambda T, x: T.full_like(x, 2j))
    check_error(lambda T: (T.zeros(2),), lambda T, x: T.scalar_tensor(1j))
    check_error(lambda T: (T.zeros(2),), lambda T, x: x.masked_fill(x == 0, 1j))
    check_error(lambda T: (T.zeros(2),), lambda T, x: x.__setitem__(0, 1j))
    check(lambda T: (T.full((2,), 1 + 0j, dtype=T.int64), T.scalar_tensor(2j, dtype=T.cfloat),
                     T.zeros(2).masked_fill(T.tensor([True, False]), 3 + 0j)), exact=True)


def test_complex_casts_to_integers_and_bool():
    def f(T):
        x = T.tensor([1.5 + 1j, 0j, 1j, -2.5 + 0j])
        return (x.to(T.int64), x.bool(), x.to(T.bool), T.zeros(4, dtype=T.bool).copy_(x),
                T.zeros(4, dtype=T.int32).copy_(x))
    check(f, exact=True)


@pytest.mark.parametrize("p", [0.5, -0.5, -1, 2, 3, -2, 1.5, 0.5 + 0j, 2 - 1j])
def test_complex_power_by_a_number(p):
    check(lambda T: T.tensor([-1 + 0j, 2 - 1j, 0.5j, -4 + 0j], dtype=T.cdouble) ** p,
          rtol=1e-14)


FUNC = [
    lambda T, z: T.func.grad(lambda a: (a * a.conj() + a.exp()).real.sum())(z[0]),
    lambda T, z: T.func.vmap(T.func.grad(lambda a: (a * a.conj() + a.exp()).real.sum()))(z),
    lambda T, z: T.func.vmap(lambda a: a.abs() * a + a.imag)(z),
    lambda T, z: T.func.jvp(lambda a: a.exp(), (z[0],), (T.ones(2, dtype=T.cdouble),))[1],
    lambda T, z: T.func.vjp(lambda a: a.sin(), z[0])[1](T.ones(2, dtype=T.cdouble))[0],
    lambda T, z: T.func.jacrev(lambda a: a.abs())(z[0]),
    lambda T, z: T.func.jacfwd(lambda a: a.abs())(z[0]),
    lambda T, z: T.func.jacrev(lambda a: a * 1j)(T.ones(2)),
    lambda T, z: T.func.jacfwd(lambda a: a * 1j)(T.ones(2)),
    lambda T, z: T.func.grad(lambda a: (a * 1j).sum())(T.ones(2)),
]


@pytest.mark.parametrize("i", range(len(FUNC)))
def test_function_transforms_on_complex(i):
    check(lambda T: FUNC[i](T, T.tensor([[0.3 + 0.5j, -1.2 + 0.1j], [0.7 - 0.9j, 2j]],
                                        dtype=T.cdouble)), rtol=1e-12)


def test_complex_triangular_solve_as_pytorch():
    def f(T):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a = T.tensor([[1 + 1j, 0.5], [0, 1j]], requires_grad=True)
            b = T.tensor([[2 - 1j], [1j]], requires_grad=True)
            x = T.triangular_solve(b, a).solution
            (x.real.sum() + x.imag.sum()).backward()
        return x, a.grad, b.grad
    check(f, rtol=1e-12)
