"""examples/fft_denoise.py: the learned spectral filter removes most of the
noise, it draws its plots, and it trains as PyTorch does (losses within 1e-4)."""
import importlib.util
import pathlib

import pytest

import ember

EXAMPLE = pathlib.Path(__file__).parent.parent / "examples" / "fft_denoise.py"


@pytest.fixture(scope="module")
def fft_denoise():
    spec = importlib.util.spec_from_file_location("fft_denoise", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fft_denoise_trains_as_pytorch(fft_denoise):
    torch = pytest.importorskip("torch")
    ember_losses, _, ember_after, _ = fft_denoise.train(ember, steps=100)
    torch_losses, _, torch_after, _ = fft_denoise.train(torch, steps=100)
    assert max(abs(a - b) for a, b in zip(ember_losses, torch_losses)) < 1e-4
    assert max(abs(a - b) for a, b in zip(ember_after.tolist(), torch_after.tolist())) < 1e-3


def test_fft_denoise_learns_and_plots(fft_denoise, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    denoised, noisy = fft_denoise.main(["--out", str(tmp_path)])
    assert denoised < 0.1 * noisy
    out = capsys.readouterr().out
    assert "mean squared error" in out
    for name in ("fft_denoise_signals.png", "fft_denoise_filter.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the filter passes the three tones and stops most of the band
    _, _, after, _ = fft_denoise.train(ember, steps=200)
    gains = after.tolist()
    assert all(gains[f] > 0.8 for f in fft_denoise.TONES)
    assert sum(g < 0.2 for g in gains) > 0.8 * len(gains)
