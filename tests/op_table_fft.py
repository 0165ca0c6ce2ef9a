"""Sample rows of torch.fft and stft / istft (see tests/op_table.py), on real
inputs with real outputs: complex data is made with `complex(x, y)` and
read back with `view_as_real`. tests/test_fft.py checks the transforms on
complex inputs, every norm and n / s, against PyTorch."""
from op_table import ANY


def _z(T, x, y):
    return T.complex(x, y)


def _window(T, n=8):
    return T.hann_window(n, dtype=T.float64) + 0.25


A = ((3, 6), ANY)
B = ((2, 4, 5), ANY)

OPS = [
    ("fft.fft", lambda T, x: T.view_as_real(T.fft.fft(x, n=7)), [A], True),
    ("fft.ifft", lambda T, x, y: T.view_as_real(T.fft.ifft(_z(T, x, y), dim=0, norm="ortho")),
     [A, A], True),
    ("fft.rfft", lambda T, x: T.view_as_real(T.fft.rfft(x, n=5, norm="forward")), [A], True),
    ("fft.irfft", lambda T, x, y: T.fft.irfft(_z(T, x, y), n=9), [A, A], True),
    ("fft.hfft", lambda T, x, y: T.fft.hfft(_z(T, x, y), norm="ortho"), [A, A], True),
    ("fft.ihfft", lambda T, x: T.view_as_real(T.fft.ihfft(x, dim=0).resolve_conj()), [A], True),
    ("fft.fftn", lambda T, x: T.view_as_real(T.fft.fftn(x, s=(3, 6))), [B], True),
    ("fft.ifftn", lambda T, x, y: T.view_as_real(T.fft.ifftn(_z(T, x, y), dim=(0, 2))),
     [B, B], True),
    ("fft.rfftn", lambda T, x: T.view_as_real(T.fft.rfftn(x, dim=(-1, 0), norm="ortho")), [B],
     True),
    ("fft.irfftn", lambda T, x, y: T.fft.irfftn(_z(T, x, y), s=(3, 7)), [B, B], True),
    ("fft.hfftn", lambda T, x, y: T.fft.hfftn(_z(T, x, y), dim=(1, 2), norm="forward"),
     [B, B], True),
    ("fft.ihfftn", lambda T, x: T.view_as_real(T.fft.ihfftn(x, s=(3, 4))), [B], True),
    ("fft.fft2", lambda T, x, y: T.view_as_real(T.fft.fft2(_z(T, x, y), norm="forward")),
     [B, B], True),
    ("fft.ifft2", lambda T, x: T.view_as_real(T.fft.ifft2(x, s=(5, 4))), [B], True),
    ("fft.rfft2", lambda T, x: T.view_as_real(T.fft.rfft2(x)), [B], True),
    ("fft.irfft2", lambda T, x, y: T.fft.irfft2(_z(T, x, y), norm="ortho"), [B, B], True),
    ("fft.hfft2", lambda T, x, y: T.fft.hfft2(_z(T, x, y), s=(3, 6)), [B, B], True),
    ("fft.ihfft2", lambda T, x: T.view_as_real(T.fft.ihfft2(x, norm="ortho")), [B], True),
    ("fft.fftshift", lambda T, x: T.fft.fftshift(x, dim=(0, -1)) * x, [((3, 5), ANY)], True),
    ("fft.ifftshift", lambda T, x: T.fft.ifftshift(x) * x, [((3, 5), ANY)], True),
    # (center=False: Ember's reflection padding does not save its input, PyTorch's does)
    ("stft", lambda T, x: T.view_as_real(T.stft(x, 8, hop_length=3, window=_window(T),
                                                center=False, return_complex=True)),
     [((2, 20), ANY)], True),
    ("istft", lambda T, x, y: T.istft(_z(T, x, y), 8, hop_length=2, window=_window(T)),
     [((5, 6), ANY), ((5, 6), ANY)], True),
]
