"""stft and istft against PyTorch: values, shapes, dtypes and grad_fn for
the arguments' combinations (centre padding modes, win_length, hop,
normalized, onesided, complex inputs and windows, batches, float32 and
float64), PyTorch's errors and warnings, round trips, and gradients."""
import warnings

import numpy as np
import pytest

import ember
from compare_torch import check
from test_fft import _array

TOL = {np.float32: dict(rtol=2e-5, atol=2e-5), np.float64: dict(rtol=1e-10, atol=1e-12)}

STFT_ARGS = [
    dict(),
    dict(center=False),
    dict(pad_mode="constant"),
    dict(pad_mode="replicate", hop_length=3),
    dict(pad_mode="circular", hop_length=5),
    dict(win_length=6),
    dict(win_length=5, hop_length=1),
    dict(normalized=True),
    dict(onesided=False),
    dict(center=False, win_length=6, align_to_window=True),
    dict(center=False, align_to_window=False, hop_length=4),
]


def _signal(shape, dtype, complex_input=False, seed=0):
    return _array(shape, complex_input, dtype, seed)


def _window(T, n, dtype, kind="hann_window"):
    return getattr(T, kind)(n, dtype=T.float32 if dtype == np.float32 else T.float64)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(45,), (2, 40)])
def test_stft_as_torch(shape, dtype):
    for kwargs in STFT_ARGS:
        for complex_input in (False, True):
            if complex_input and kwargs.get("onesided") is not False:
                continue
            a = _signal(shape, dtype, complex_input)
            win = kwargs.get("win_length", 8)
            for kind in ("hann_window", "hamming_window"):
                check(lambda T: T.stft(T.tensor(a, requires_grad=True), 8,
                                       window=_window(T, win, dtype, kind), return_complex=True,
                                       **kwargs), **TOL[dtype])
            check(lambda T: T.stft(T.tensor(a), 8, window=T.ones(win, dtype=T.float64),
                                   return_complex=False, **kwargs), **TOL[np.float64])


def test_stft_of_a_complex_signal_and_a_complex_window_as_torch():
    a = _signal((30,), np.float64, True)
    check(lambda T: T.stft(T.tensor(a), 8, window=T.hann_window(8, dtype=T.float64),
                           return_complex=True), **TOL[np.float64])
    w = (np.hanning(8) * np.exp(0.3j * np.arange(8))).astype(np.complex128)
    b = _signal((30,), np.float64)
    check(lambda T: T.stft(T.tensor(b), 8, window=T.tensor(w)), **TOL[np.float64])
    check(lambda T: T.stft(T.tensor(b), 8, window=T.tensor(w), return_complex=False),
          **TOL[np.float64])


ISTFT_ARGS = [
    dict(),
    dict(length=40),
    dict(length=37),
    dict(length=55),
    dict(win_length=6, hop_length=2),
    dict(normalized=True),
    dict(center=False, window=False),
    dict(hop_length=4, window="ones"),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(40,), (2, 40)])
def test_istft_inverts_stft_as_torch(shape, dtype):
    a = _signal(shape, dtype)
    for kwargs in ISTFT_ARGS:
        kwargs = dict(kwargs)
        kind = kwargs.pop("window", "hann")
        win = kwargs.get("win_length", 8)
        stft_kwargs = {k: v for k, v in kwargs.items() if k in ("win_length", "hop_length",
                                                                  "normalized", "center")}

        def run(T):
            w = T.ones(win, dtype=getattr(T, np.dtype(dtype).name)) if kind == "ones" else \
                _window(T, win, dtype) + 0.1
            spec = T.stft(T.tensor(a), 8, window=w, return_complex=True, **stft_kwargs)
            spec = spec.detach().requires_grad_()
            if kind is False:
                return T.istft(spec, 8, window=T.ones(8), **kwargs)
            return T.istft(spec, 8, window=w, **kwargs)
        check(run, **TOL[dtype])


def test_istft_round_trip_restores_the_signal():
    rng = np.random.default_rng(3)
    for n in (64, 65):
        x = ember.tensor(rng.standard_normal((3, n)))
        w = ember.hann_window(16, dtype=ember.float64)
        spec = ember.stft(x, 16, hop_length=4, window=w, return_complex=True)
        back = ember.istft(spec, 16, hop_length=4, window=w, length=n)
        np.testing.assert_allclose(back.numpy(), x.numpy(), atol=1e-12)
    z = ember.tensor(rng.standard_normal(50) + 1j * rng.standard_normal(50))
    w = ember.hann_window(8, dtype=ember.float64)
    spec = ember.stft(z, 8, window=w, return_complex=True)
    back = ember.istft(spec, 8, window=w, length=50, return_complex=True)
    np.testing.assert_allclose(back.numpy(), z.numpy(), atol=1e-12)


def test_istft_complex_output_as_torch():
    a = _signal((30,), np.float64, True)

    def run(T):
        w = T.hann_window(8, dtype=T.float64)
        spec = T.stft(T.tensor(a), 8, window=w, return_complex=True).requires_grad_()
        return T.istft(spec, 8, window=w, onesided=False, return_complex=True)
    check(run, **TOL[np.float64])


ERRORS = [
    lambda T: T.stft(T.ones(40), 8),
    lambda T: T.stft(T.ones(2, 5, 10), 8, window=T.ones(8), return_complex=True),
    lambda T: T.stft(T.ones(40, dtype=T.complex64), 8, window=T.ones(8), onesided=True),
    lambda T: T.stft(T.ones(40, dtype=T.complex64), 8, window=T.ones(5)),
    lambda T: T.stft(T.ones(40), 8, win_length=10, return_complex=True, window=T.ones(10)),
    lambda T: T.stft(T.ones(40), 8, hop_length=0, return_complex=True, window=T.ones(8)),
    lambda T: T.stft(T.ones(40), 0, return_complex=True, window=T.ones(0)),
    lambda T: T.stft(T.ones(10), 16, center=False, return_complex=True, window=T.ones(16)),
    lambda T: T.stft(T.ones(40), 8, pad_mode="foo", return_complex=True, window=T.ones(8)),
    lambda T: T.stft(T.arange(40), 8, return_complex=True, window=T.ones(8)),
    lambda T: T.stft(T.tensor(1.0), 8, window=T.ones(8), return_complex=True),
    lambda T: T.stft(T.ones(40), 8, window=T.ones(8), return_complex=True, align_to_window=True),
    lambda T: T.istft(T.ones(5, 21), 8, window=T.ones(8)),
    lambda T: T.istft(T.ones(5, 21, dtype=T.complex64), 8, window=T.ones(5)),
    lambda T: T.istft(T.ones(5, 21, dtype=T.complex64), 8, hop_length=9, window=T.ones(8)),
    lambda T: T.istft(T.ones(5, 0, dtype=T.complex64), 8, window=T.ones(8)),
    lambda T: T.istft(T.ones(5, dtype=T.complex64), 8, window=T.ones(8)),
    lambda T: T.istft(T.ones(5, 21, dtype=T.complex64), 8, window=T.ones(8), onesided=False),
    lambda T: T.istft(T.ones(5, 21, dtype=T.complex64), 10, window=T.ones(10)),
    lambda T: T.istft(T.ones(5, 21, dtype=T.complex64), 8, window=T.ones(8),
                      return_complex=True),
    lambda T: T.istft(T.ones(5, 21, dtype=T.complex64), 8, window=T.hann_window(8),
                      center=False),
    lambda T: T.istft(T.ones(8, 21, dtype=T.complex64), 8, window=T.ones(8, dtype=T.complex64)),
    lambda T: T.istft(T.ones(1, 2, 5, 21, dtype=T.complex64), 8, window=T.ones(8)),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors_as_torch(i):
    assert isinstance(check(ERRORS[i]), Exception)


def test_warnings_as_torch():
    from ember import _settings
    x = ember.ones(40)
    _settings._WARNED.clear()
    with pytest.warns(UserWarning, match="A window was not provided. A rectangular window will "
                                         "be applied,which is known to cause spectral leakage"):
        ember.stft(x, 8, return_complex=True)
    with pytest.warns(UserWarning, match="stft with return_complex=False is deprecated"):
        assert ember.stft(x, 8, window=ember.ones(8), return_complex=False).shape == (5, 21, 2)
    spec = ember.stft(x, 8, window=ember.ones(8), return_complex=True)
    with pytest.warns(UserWarning, match="Please provide the same window used by stft"):
        ember.istft(spec, 8)
    with pytest.warns(UserWarning, match="The length of signal is shorter than the length "
                                         "parameter"):
        assert ember.istft(spec, 8, window=ember.ones(8), length=50).shape == (50,)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ember.stft(x, 8, return_complex=True)       # (once per process, as TORCH_WARN_ONCE)


def test_methods_and_functional_names():
    x = ember.ones(40)
    w = ember.ones(8)
    spec = x.stft(8, window=w, return_complex=True)
    assert spec.shape == (5, 21)
    assert spec.istft(8, window=w).shape == (40,)
    assert ember.functional.stft is ember.stft and ember.functional.istft is ember.istft


def test_gradients():
    rng = np.random.default_rng(4)
    x = ember.tensor(rng.standard_normal((2, 24)), requires_grad=True)
    w = ember.tensor(np.hanning(8) + 0.2, requires_grad=True)

    def spectrogram(x, w):
        return ember.view_as_real(ember.stft(x, 8, hop_length=3, window=w, return_complex=True))
    assert ember.autograd.gradcheck(spectrogram, (x, w))
    assert ember.autograd.gradgradcheck(spectrogram, (x, w))
    spec = ember.stft(x.detach(), 8, hop_length=2, window=w.detach(), return_complex=True)
    spec = spec.contiguous().requires_grad_()
    inverse = lambda s, w: ember.istft(s, 8, hop_length=2, window=w, length=22)
    assert ember.autograd.gradcheck(inverse, (spec, w))
    assert ember.autograd.gradgradcheck(inverse, (spec, w))


def test_gradient_of_a_spectral_loss_as_torch():
    torch = pytest.importorskip("torch")
    a = _signal((2, 50), np.float64)
    grads = []
    for T in (ember, torch):
        x = T.tensor(a, requires_grad=True)
        w = T.hann_window(16, dtype=T.float64).requires_grad_()
        spec = T.stft(x, 16, hop_length=4, window=w, return_complex=True)
        y = T.istft(spec * 0.5, 16, hop_length=4, window=w, length=50)
        loss = spec.abs().sum() + (y ** 2).sum()
        loss.backward()
        grads.append((x.grad.numpy(), w.grad.numpy()))
    for e, t in zip(*grads):
        np.testing.assert_allclose(e, t, rtol=1e-9, atol=1e-10)


def test_graphs_as_torch():
    from compare_torch import chain
    torch = pytest.importorskip("torch")
    a = _signal((40,), np.float64)
    graphs = []
    for T in (ember, torch):
        x = T.tensor(a, requires_grad=True)
        w = T.hann_window(8, dtype=T.float64)
        spec = T.stft(x, 8, window=w, return_complex=True)
        graphs.append((chain(spec), chain(T.istft(spec.detach().requires_grad_(), 8, window=w))))
    assert graphs[0] == graphs[1]


@pytest.mark.parametrize("kind", ["hann_window", "hamming_window", "blackman_window",
                                  "bartlett_window", "kaiser_window"])
def test_round_trip_with_each_window_function_as_torch(kind):
    a = _signal((2, 64), np.float64)

    def run(T):
        w = getattr(T, kind)(16, dtype=T.float64) + 0.01
        spec = T.stft(T.tensor(a), 16, hop_length=4, window=w, return_complex=True)
        return spec, T.istft(spec, 16, hop_length=4, window=w, length=64)
    spec, back = check(run, **TOL[np.float64])
    np.testing.assert_allclose(back.numpy(), a, atol=1e-12)
