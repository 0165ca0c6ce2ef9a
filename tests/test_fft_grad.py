"""Gradients of torch.fft: gradcheck and gradgradcheck (float64 and
complex128, both Wirtinger derivatives) for every transform and norm, forward
mode, and the gradients of real losses against PyTorch's; fftfreq,
rfftfreq, fftshift and ifftshift against PyTorch."""
import numpy as np
import pytest

import ember
from compare_torch import check

NORMS = [None, "ortho", "forward"]

# name, f(F, x) (F: T.fft), real input (else complex)
TRANSFORMS = [
    ("fft", lambda F, x: F.fft(x, n=6), True),
    ("fft_complex", lambda F, x: F.fft(x, dim=0), False),
    ("ifft", lambda F, x: F.ifft(x, n=4), True),
    ("ifft_complex", lambda F, x: F.ifft(x, n=7), False),
    ("rfft", lambda F, x: F.rfft(x), True),
    ("rfft_n", lambda F, x: F.rfft(x, n=8, dim=0), True),
    ("irfft", lambda F, x: F.irfft(x), False),
    ("irfft_odd", lambda F, x: F.irfft(x, n=7), False),
    ("hfft", lambda F, x: F.hfft(x, n=5), False),
    ("ihfft", lambda F, x: F.ihfft(x), True),
    ("fftn", lambda F, x: F.fftn(x, s=(4, 4)), False),
    ("fftn_real", lambda F, x: F.fftn(x), True),
    ("ifftn", lambda F, x: F.ifftn(x, dim=(0,)), False),
    ("rfftn", lambda F, x: F.rfftn(x, s=(3, 4)), True),
    ("irfftn", lambda F, x: F.irfftn(x, s=(4, 7)), False),
    ("irfft2", lambda F, x: F.irfft2(x), False),
    ("hfftn", lambda F, x: F.hfftn(x), False),
    ("hfft2_s", lambda F, x: F.hfft2(x, s=(2, 6)), False),
    ("ihfftn", lambda F, x: F.ihfftn(x), True),
    ("ihfft2", lambda F, x: F.ihfft2(x, s=(3, 3)), True),
]
IDS = [t[0] for t in TRANSFORMS]


def _input(lib, real, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((3, 5))
    if not real:
        a = a + 1j * rng.standard_normal((3, 5))
    return lib.tensor(a, requires_grad=True)


def _with_norm(f, norm):
    """f with norm= passed to its transform."""
    class Normed:
        def __getattr__(self, name):
            op = getattr(ember.fft, name)
            return lambda *a, **k: op(*a, norm=norm, **k)
    return lambda x: f(Normed(), x)


@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("case", TRANSFORMS, ids=IDS)
def test_gradcheck_and_gradgradcheck(case, norm):
    _, f, real = case
    x = _input(ember, real)
    g = _with_norm(f, norm)
    assert ember.autograd.gradcheck(g, (x,), eps=1e-6, atol=1e-7)
    assert ember.autograd.gradgradcheck(g, (x,), eps=1e-6, atol=1e-6)


@pytest.mark.parametrize("case", TRANSFORMS, ids=IDS)
def test_forward_mode(case):
    _, f, real = case
    x = _input(ember, real)
    assert ember.autograd.gradcheck(lambda t: f(ember.fft, t), (x,), eps=1e-6, atol=1e-7,
                                    check_forward_ad=True, check_backward_ad=False)


@pytest.mark.parametrize("case", TRANSFORMS, ids=IDS)
def test_gradient_of_a_real_loss_as_torch(case):
    torch = pytest.importorskip("torch")
    _, f, real = case
    grads = []
    for lib in (ember, torch):
        x = _input(lib, real)
        y = f(lib.fft, x)
        weights = lib.tensor(np.linspace(0.5, 2.0, y.numel()).reshape(tuple(y.shape)))
        loss = (y.abs() * weights).sum() + (y.real ** 2).sum() if y.is_complex() else \
            (y * weights).sin().sum()
        loss.backward()
        grads.append((float(loss.detach()), x.grad.resolve_conj().numpy()))
    (el, eg), (tl, tg) = grads
    assert abs(el - tl) < 1e-10 * max(1.0, abs(tl))
    np.testing.assert_allclose(eg, tg, rtol=1e-10, atol=1e-12)


def test_grad_fn_chains_as_torch():
    from compare_torch import chain
    torch = pytest.importorskip("torch")
    for name, f, real in TRANSFORMS:
        ey, ty = f(ember.fft, _input(ember, real)), f(torch.fft, _input(torch, real))
        assert chain(ey) == chain(ty), name


# -- fftfreq, rfftfreq ---------------------------------------------------------------
@pytest.mark.parametrize("name", ["fftfreq", "rfftfreq"])
def test_frequencies_as_torch(name):
    for n in range(0, 10):
        for d in (1.0, 0.3, 2, 1e-3):
            for dtype in ("float32", "float64", "float16"):
                check(lambda T: getattr(T.fft, name)(n, d, dtype=getattr(T, dtype)), exact=True)
            # (PyTorch has no NumPy bfloat16: compared widened, which is exact)
            check(lambda T: getattr(T.fft, name)(n, d, dtype=T.bfloat16).float(), exact=True)
    check(lambda T: getattr(T.fft, name)(6), exact=True)
    check(lambda T: getattr(T.fft, name)(6, d=0.5, requires_grad=True), exact=True)
    check(lambda T: getattr(T.fft, name)(7, T.tensor(0.25), dtype=T.float64), exact=True)
    check(lambda T: getattr(T.fft, name)(5, out=T.empty(0, dtype=T.float64)), exact=True)


# -- fftshift, ifftshift ----------------------------------------------------------------
@pytest.mark.parametrize("name", ["fftshift", "ifftshift"])
def test_shifts_as_torch(name):
    for shape in [(5,), (4,), (3, 4), (2, 5, 3)]:
        a = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
        dims = [None, 0, -1, (0, -1), [0]]
        for dim in dims:
            check(lambda T: getattr(T.fft, name)(T.tensor(a, requires_grad=True), dim=dim),
                  exact=True)
        check(lambda T: getattr(T.fft, name)(T.tensor(a).to(T.complex64)), exact=True)
    x = ember.tensor(np.arange(6.0), requires_grad=True)
    y = ember.fft.ifftshift(ember.fft.fftshift(x))
    np.testing.assert_array_equal(y.detach().numpy(), np.arange(6.0))


def test_module_surface_as_torch():
    torch = pytest.importorskip("torch")
    names = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fftn", "ifftn", "rfftn", "irfftn",
             "hfftn", "ihfftn", "fft2", "ifft2", "rfft2", "irfft2", "hfft2", "ihfft2", "fftfreq",
             "rfftfreq", "fftshift", "ifftshift"]
    assert sorted(ember.fft.__all__) == sorted(names)
    assert all(callable(getattr(torch.fft, n)) for n in names)
    assert not hasattr(ember.Tensor, "fft") and not hasattr(torch.Tensor, "fft")
