"""torch.fft against PyTorch: every transform on real and complex inputs, odd
and even lengths, several (negative) dims, every norm, n / s cropping and
padding, float32 and float64 (values, dtypes, grad_fn, conjugate bit);
PyTorch's errors; round trips and Parseval; gradients (gradcheck and
gradgradcheck in float64 / complex128, and against PyTorch's)."""
import itertools

import numpy as np
import pytest

import ember
from compare_torch import check

NORMS = [None, "backward", "ortho", "forward"]
ONE_D = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"]
N_D = ["fftn", "ifftn", "rfftn", "irfftn", "hfftn", "ihfftn",
       "fft2", "ifft2", "rfft2", "irfft2", "hfft2", "ihfft2"]
# the transforms that take a complex input (the others refuse it)
COMPLEX_IN = {"fft", "ifft", "irfft", "hfft", "fftn", "ifftn", "irfftn", "hfftn",
              "fft2", "ifft2", "irfft2", "hfft2"}
TOL = {np.float32: dict(rtol=2e-5, atol=2e-5), np.float64: dict(rtol=1e-10, atol=1e-12)}


def _array(shape, complex_input, dtype, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    if complex_input:
        x = x + 1j * rng.standard_normal(shape)
        return x.astype(np.complex64 if dtype == np.float32 else np.complex128)
    return x.astype(dtype)


def _resolved(t):
    """The result with its conjugate bit read off (ifft of a real input is a
    conjugate view in PyTorch), so that the values can be compared."""
    return t.resolve_conj(), t.is_conj()


def _check_transform(name, a, complex_input, **kwargs):
    dtype = np.float32 if a.dtype in (np.float32, np.complex64) else np.float64

    def run(T):
        x = T.tensor(a, requires_grad=True)
        return _resolved(getattr(T.fft, name)(x, **kwargs))
    check(run, **TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ONE_D)
def test_one_dimensional_transforms_as_torch(name, dtype):
    inputs = [False, True] if name in COMPLEX_IN else [False]
    for complex_input, length, norm in itertools.product(inputs, [7, 8], NORMS):
        a = _array((3, length, 2), complex_input, dtype)
        for dim, n in [(-2, None), (1, length - 2), (-2, length + 3), (0, None), (-1, 5),
                       (2, 1 if name not in ("irfft", "hfft") else 2)]:
            _check_transform(name, a, complex_input, n=n, dim=dim, norm=norm)


S_AND_DIMS = [dict(), dict(s=(3, 6)), dict(dim=(0, -1)), dict(s=(2, 7), dim=(-1, 0)),
              dict(s=(-1, 4), dim=(1, 2)), dict(dim=(1,)), dict(s=(5,))]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", N_D)
def test_n_dimensional_transforms_as_torch(name, dtype):
    inputs = [False, True] if name in COMPLEX_IN else [False]
    for complex_input, shape, norm in itertools.product(inputs, [(3, 4, 5), (4, 5, 6)], NORMS):
        a = _array(shape, complex_input, dtype)
        for kwargs in S_AND_DIMS:
            if name.endswith("2") and len(kwargs.get("dim", kwargs.get("s", (0, 0)))) != 2:
                continue
            _check_transform(name, a, complex_input, norm=norm, **kwargs)


def test_integer_and_bool_inputs_promote_to_the_default_float():
    for name in ["fft", "rfft", "ihfft", "fftn", "rfftn", "irfft", "hfft", "irfftn"]:
        check(lambda T: _resolved(getattr(T.fft, name)(T.arange(6))), rtol=1e-6, atol=1e-6)
        check(lambda T: _resolved(getattr(T.fft, name)(T.arange(6) > 2)), rtol=1e-6, atol=1e-6)
    try:
        ember.set_default_dtype(ember.float64)
        assert ember.fft.fft(ember.arange(4)).dtype is ember.complex128
    finally:
        ember.set_default_dtype(ember.float32)


ERRORS = [
    lambda T: T.fft.fft(T.ones(4).half()),
    lambda T: T.fft.rfft(T.ones(4, dtype=T.bfloat16)),
    lambda T: T.fft.fft(T.ones(4), norm="foo"),
    lambda T: T.fft.fft(T.ones(4), n=0),
    lambda T: T.fft.ifft(T.ones(4), n=-1),
    lambda T: T.fft.irfft(T.ones(4, dtype=T.complex64), n=0),
    lambda T: T.fft.irfft(T.ones(1, dtype=T.complex64)),
    lambda T: T.fft.fft(T.ones(4), dim=1),
    lambda T: T.fft.fft(T.ones(4), dim=-2),
    lambda T: T.fft.fft(T.tensor(1.0)),
    lambda T: T.fft.fft(T.zeros(0)),
    lambda T: T.fft.rfft(T.ones(4, dtype=T.complex64)),
    lambda T: T.fft.ihfft(T.ones(4, dtype=T.complex128)),
    lambda T: T.fft.fftn(T.ones(2, 4), s=(2, 4), dim=(0,)),
    lambda T: T.fft.fftn(T.ones(2, 4), dim=(0, 0)),
    lambda T: T.fft.fftn(T.ones(2, 4), dim=(1, -1)),
    lambda T: T.fft.fftn(T.ones(2, 4), s=(0, 3)),
    lambda T: T.fft.fftn(T.ones(2, 4), s=(2, 4, 4)),
    lambda T: T.fft.fft2(T.ones(4)),
    lambda T: T.fft.rfftn(T.ones(2, 4, dtype=T.complex64)),
    lambda T: T.fft.rfftn(T.ones(2, 4), dim=()),
    lambda T: T.fft.irfftn(T.ones(2, 4, dtype=T.complex64), dim=()),
    lambda T: T.fft.hfftn(T.ones(2, 4, dtype=T.complex64), dim=()),
    lambda T: T.fft.ihfftn(T.ones(2, 4), dim=()),
    lambda T: T.fft.ihfftn(T.ones(2, 4, dtype=T.complex64)),
    lambda T: T.fft.irfftn(T.ones(2, 1, dtype=T.complex64)),
    lambda T: T.fft.fft(T.ones(4), out=T.empty(0)),
    lambda T: T.fft.irfft(T.ones(4, dtype=T.complex64), out=T.empty(0, dtype=T.complex64)),
    lambda T: T.fft.ifftn(T.ones(2, 3), out=T.empty(0)),
    lambda T: T.fft.fftfreq(5, dtype=T.int64),
    lambda T: T.fft.rfftfreq(5, dtype=T.int32),
    lambda T: T.fft.fftfreq(5, dtype=T.complex64),
    lambda T: T.fft.fftfreq(-1),
    lambda T: T.fft.fftfreq(5.0),
    lambda T: T.fft.rfftfreq(-4),
    lambda T: T.fft.fftshift(T.ones(5), dim=2),
    lambda T: T.fft.fftshift(T.tensor(2.0)),
    lambda T: T.fft.fft([1.0, 2.0]),
    lambda T: T.fft.fft(T.ones(3), n=2.0),
    lambda T: T.fft.fft(T.ones(3), dim=(0,)),
    lambda T: T.fft.fftn(T.ones(3), s=(2.0,)),
    lambda T: T.fft.rfftn(T.ones(3, 4), dim=(0, 1.5)),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors_as_torch(i):
    assert isinstance(check(ERRORS[i]), Exception)


def test_empty_and_zero_dim_inputs_as_torch():
    check(lambda T: T.fft.fft(T.zeros(0), n=3))
    check(lambda T: T.fft.fftn(T.tensor(2.0)))
    check(lambda T: T.fft.fftn(T.ones(2, 3, requires_grad=True), dim=()))


def test_out_argument_as_torch():
    for name, dt in [("fft", "complex64"), ("irfft", "float32"), ("fftn", "complex128"),
                     ("ihfft", "complex64"), ("hfft2", "float64")]:
        def run(T):
            a = T.tensor(_array((3, 4), name in COMPLEX_IN, np.float32))
            out = T.empty(0, dtype=getattr(T, dt))
            got = getattr(T.fft, name)(a, out=out)
            return got is out, out
        check(run, rtol=2e-6, atol=1e-6)


def test_round_trips_to_float_precision():
    rng = np.random.default_rng(1)
    for n in (15, 16):
        x = rng.standard_normal((3, n))
        xc = x + 1j * rng.standard_normal((3, n))
        t, tc = ember.tensor(x), ember.tensor(xc)
        F = ember.fft
        for norm in NORMS:
            np.testing.assert_allclose(F.ifft(F.fft(tc, norm=norm), norm=norm).numpy(), xc,
                                       atol=1e-13)
            np.testing.assert_allclose(F.irfft(F.rfft(t, norm=norm), n, norm=norm).numpy(), x,
                                       atol=1e-13)
            np.testing.assert_allclose(F.hfft(F.ihfft(t, norm=norm), n, norm=norm).numpy(), x,
                                       atol=1e-13)
            np.testing.assert_allclose(
                F.irfftn(F.rfftn(t, norm=norm), t.shape, norm=norm).numpy(), x, atol=1e-13)
            np.testing.assert_allclose(
                F.ifftn(F.fftn(tc, norm=norm), norm=norm).numpy(), xc, atol=1e-13)
        f32 = ember.tensor(x.astype(np.float32))
        back = F.irfft(F.rfft(f32), n)
        assert back.dtype is ember.float32
        np.testing.assert_allclose(back.numpy(), x, atol=1e-5)


def test_parseval():
    rng = np.random.default_rng(2)
    for n in (9, 10):
        x = rng.standard_normal(n)
        xc = x + 1j * rng.standard_normal(n)
        energy = float(np.sum(np.abs(xc) ** 2))
        spec = ember.fft.fft(ember.tensor(xc), norm="ortho")
        assert abs(float((spec.abs() ** 2).sum()) - energy) < 1e-12 * energy
        # the one-sided spectrum counts every bin but DC (and Nyquist) twice
        half = ember.fft.rfft(ember.tensor(x)).abs().numpy() ** 2
        weights = np.full(half.shape, 2.0)
        weights[0] = 1
        if n % 2 == 0:
            weights[-1] = 1
        assert abs(float(np.sum(weights * half)) / n - float(np.sum(x ** 2))) < 1e-12 * n


def test_numpy_pocketfft_without_scipy_as_torch(monkeypatch):
    """Without SciPy the kernels run on np.fft: the same results."""
    from ember import _backend
    monkeypatch.setattr(_backend, "_pocketfft", None)
    assert _backend.pocketfft() is np.fft
    for dtype in (np.float32, np.float64):
        for name in ONE_D + ["fftn", "rfftn", "irfftn", "hfftn", "ihfftn"]:
            for complex_input in ([False, True] if name in COMPLEX_IN else [False]):
                a = _array((4, 7), complex_input, dtype)
                _check_transform(name, a, complex_input, norm="ortho")
                _check_transform(name, a, complex_input)


def test_fft_of_float32_stays_single_precision():
    x = ember.randn(1 << 10)
    assert ember.fft.fft(x).dtype is ember.complex64
    assert ember.fft.rfft(x).dtype is ember.complex64
    assert ember.fft.irfft(ember.fft.rfft(x)).dtype is ember.float32
    assert ember.fft.fft(x.double()).dtype is ember.complex128


def test_two_sided_fft_of_a_real_input_fills_the_conjugate_half_as_torch():
    """fft of a real signal is PyTorch's one-sided r2c with the other half
    filled by conjugates: the zero imaginary parts of the DC and Nyquist
    terms are +0 (a c2c of the real input gives -0)."""
    torch = pytest.importorskip("torch")
    for x in ([1.0, 2.0, 3.0, 4.0], [1.0, 1.0, 1.0, 1.0], list(range(6)), [0.5, -1.0, 2.0, 3.0, 7.0]):
        for name in ("fft", "ifft"):
            for kwargs in ({}, {"n": 6}, {"norm": "ortho"}):
                e = getattr(ember.fft, name)(ember.tensor(x), **kwargs).resolve_conj()
                t = getattr(torch.fft, name)(torch.tensor(x), **kwargs).resolve_conj()
                assert np.array_equal(np.signbit(e.imag.numpy()), np.signbit(t.imag.numpy())), (x, name)
                np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6, atol=1e-6)
    assert repr(ember.fft.fft(ember.tensor([1.0, 2.0, 3.0, 4.0]))) == \
        "tensor([10.+0.j, -2.+2.j, -2.+0.j, -2.-2.j])"
