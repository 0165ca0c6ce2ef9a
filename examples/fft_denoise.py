#!/usr/bin/env python3
"""Learn a spectral filter that removes noise from a signal, on Ember.

    python3 examples/fft_denoise.py [--steps N] [--out DIR] [--library ember|torch]

The signals are sums of three sines (5, 12 and 30 cycles per window, random
phases and amplitudes) buried in white noise. The model is one learnable
gain per frequency bin of the real FFT, sigmoid(w): a signal is denoised as
irfft(sigmoid(w) * rfft(noisy)), and w is fitted by Adam to bring the
denoised signals close (mean squared error) to the clean ones. The filter
learns to pass the three tones and to stop the rest of the band.

It writes into DIR (default: out/fft_denoise/):

    fft_denoise_signals.png    a clean signal, its noise, the noisy and the denoised signal
    fft_denoise_filter.png     the filter's frequency response before and after training,
                               over the noisy signals' mean spectrum

`--library torch` runs the very same code on PyTorch (if installed): from the
same data both print the same losses, which tests/test_examples_fft.py checks.

Needs: ember, matplotlib (`pip install -e .[examples]`).
"""
import argparse
import importlib
import os

import numpy as np

SEED = 0
LENGTH = 256            # samples per signal
TONES = (5, 12, 30)     # cycles per signal


def make_signals(torch, batch=32, noise=0.8, seed=SEED):
    """(clean, noisy) float32 signals of shape (batch, LENGTH), drawn by NumPy
    from the seed, so that both libraries see the same data."""
    rng = np.random.default_rng(seed)
    t = np.arange(LENGTH) / LENGTH
    phases = rng.uniform(0, 2 * np.pi, (batch, len(TONES), 1))
    amplitudes = rng.uniform(0.5, 1.5, (batch, len(TONES), 1))
    tones = np.array(TONES).reshape(1, -1, 1)
    clean = (amplitudes * np.sin(2 * np.pi * tones * t + phases)).sum(axis=1)
    noisy = clean + noise * rng.standard_normal(clean.shape)
    return (torch.tensor(clean, dtype=torch.float32),
            torch.tensor(noisy, dtype=torch.float32))


def denoise(torch, weights, noisy):
    """The spectral filter: each rfft bin scaled by its gain sigmoid(w)."""
    spectrum = torch.fft.rfft(noisy)
    return torch.fft.irfft(spectrum * torch.sigmoid(weights), n=noisy.shape[-1])


def train(torch, steps=200, lr=0.1):
    """Fit the filter; returns the per-step losses, the gains before and
    after, and the data with its denoised version."""
    clean, noisy = make_signals(torch)
    weights = torch.zeros(LENGTH // 2 + 1, requires_grad=True)
    before = torch.sigmoid(weights).detach().clone()
    optimizer = torch.optim.Adam([weights], lr=lr)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(denoise(torch, weights, noisy), clean)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    with torch.no_grad():
        denoised = denoise(torch, weights, noisy)
    return losses, before, torch.sigmoid(weights).detach(), (clean, noisy, denoised)


def plot(torch, out, before, after, data):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    os.makedirs(out, exist_ok=True)
    clean, noisy, denoised = (d[0].tolist() for d in data)
    t = range(LENGTH)
    fig, axes = plt.subplots(3, 1, figsize=(9, 7), sharex=True)
    axes[0].plot(t, clean, label="clean")
    axes[0].set(title="Clean signal")
    axes[1].plot(t, [n - c for n, c in zip(noisy, clean)], color="tab:gray")
    axes[1].set(title="Noise")
    axes[2].plot(t, noisy, color="tab:gray", alpha=0.5, label="noisy")
    axes[2].plot(t, denoised, color="tab:red", label="denoised")
    axes[2].plot(t, clean, color="tab:blue", linestyle="--", label="clean")
    axes[2].set(title="Noisy and denoised", xlabel="sample")
    axes[2].legend(loc="upper right")
    fig.tight_layout()
    signals = os.path.join(out, "fft_denoise_signals.png")
    fig.savefig(signals, dpi=100)
    plt.close(fig)

    freqs = torch.fft.rfftfreq(LENGTH, d=1.0 / LENGTH).tolist()
    spectrum = torch.fft.rfft(data[1]).abs().mean(0)
    fig, ax = plt.subplots(figsize=(9, 4))
    ax.plot(freqs, (spectrum / spectrum.max()).tolist(), color="tab:gray", alpha=0.6,
            label="noisy spectrum (scaled)")
    ax.plot(freqs, before.tolist(), linestyle="--", label="filter before")
    ax.plot(freqs, after.tolist(), color="tab:red", label="filter after")
    ax.set(xlabel="frequency (cycles per signal)", ylabel="gain",
           title="Frequency response of the learned filter")
    ax.legend(loc="upper right")
    fig.tight_layout()
    response = os.path.join(out, "fft_denoise_filter.png")
    fig.savefig(response, dpi=100)
    plt.close(fig)
    return signals, response


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--out", default=os.path.join("out", "fft_denoise"))
    parser.add_argument("--library", choices=["ember", "torch"], default="ember")
    args = parser.parse_args(argv)
    # (the code below is PyTorch code: `torch` is either library)
    torch = importlib.import_module(args.library)
    losses, before, after, data = train(torch, steps=args.steps)
    noisy_error = torch.nn.functional.mse_loss(data[1], data[0]).item()
    print(f"mean squared error: noisy {noisy_error:.4f}, denoised {losses[-1]:.4f}")
    for path in plot(torch, args.out, before, after, data):
        print(f"saved {path}")
    return losses[-1], noisy_error


if __name__ == "__main__":
    main()
