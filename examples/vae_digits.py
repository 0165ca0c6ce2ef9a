#!/usr/bin/env python3
"""Train a variational autoencoder on scikit-learn's handwritten digits, on Ember.

    python3 examples/vae_digits.py [--epochs N] [--latent N] [--likelihood bernoulli|normal]
                                   [--out DIR] [--library ember|torch]

The data is the 8x8 digits set that ships inside scikit-learn
(`sklearn.datasets.load_digits`: 1797 images, no download), scaled to [0, 1]
and flattened to 64 pixels. The encoder (an MLP) maps an image to the mean
and log-variance of a diagonal Gaussian q(z|x) over an 8-dimensional latent
code; a code is drawn from it with `Normal(mu, sigma).rsample()`, so that the
draw carries gradients back to the encoder (the reparameterisation trick),
and the decoder (another MLP) maps it back to the parameters of p(x|z): the
logits of a Bernoulli per pixel (the default; the grey levels in [0, 1] are
taken as soft targets, as in the classic MNIST VAEs), or the means of a
Normal with a fixed scale. The loss is the negative evidence lower bound,

    -E_q[log p(x|z)] + KL(q(z|x) || N(0, 1)),

with the KL term from `torch.distributions.kl_divergence`, averaged over a
batch and minimised by Adam. Training shows its progress with tqdm and writes
into DIR (default: out/vae_digits/):

    vae_digits_loss.png             the loss per epoch (training and test), and its two terms
    vae_digits_reconstructions.png  test digits (top rows) and their reconstructions (below)

`--library torch` runs the very same code on PyTorch (if installed): from the
same seed both draw the same codes and print the same losses, which
tests/test_examples_distributions.py checks.

Needs: ember, scikit-learn, tqdm, matplotlib (`pip install -e .[examples]`).
"""
import argparse
import importlib
import os
import sys

SEED = 0
TEST_SIZE = 360        # 360 images (20%), drawn at random from the seed, are held out
PIXELS = 64
NORMAL_SCALE = 0.1     # the fixed standard deviation of the Normal likelihood


def load_digits(torch):
    """The digits as (N, 64) float32 rows in [0, 1], split into training and
    test sets (the labels are not used)."""
    from sklearn.datasets import load_digits as sk_digits
    images = torch.tensor(sk_digits().data / 16.0, dtype=torch.float32)
    order = torch.randperm(len(images), generator=torch.Generator().manual_seed(SEED))
    return images[order[TEST_SIZE:]], images[order[:TEST_SIZE]]


def make_vae(torch, latent=8, hidden=128):
    nn = torch.nn

    class VAE(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.Sequential(nn.Linear(PIXELS, hidden), nn.ReLU(),
                                         nn.Linear(hidden, 2 * latent))
            self.decoder = nn.Sequential(nn.Linear(latent, hidden), nn.ReLU(),
                                         nn.Linear(hidden, PIXELS))

        def forward(self, x):
            """q(z|x), a code drawn from it, and the decoder's output for it."""
            mu, logvar = self.encoder(x).chunk(2, dim=-1)
            q = torch.distributions.Normal(mu, torch.exp(0.5 * logvar))
            z = q.rsample()
            return q, z, self.decoder(z)

    return VAE()


def likelihood(torch, kind, decoded):
    """p(x|z), one factor per pixel, from the decoder's output."""
    D = torch.distributions
    if kind == "bernoulli":
        # (grey levels are not in Bernoulli's support {0, 1}: validation would refuse them)
        return D.Bernoulli(logits=decoded, validate_args=False)
    return D.Normal(torch.sigmoid(decoded), NORMAL_SCALE)


def elbo_terms(torch, model, x, kind):
    """The batch means of the reconstruction term -E_q[log p(x|z)] (one
    sample of z) and of KL(q(z|x) || N(0, 1)), and the reconstructed images
    (the means of p(x|z))."""
    q, _, decoded = model(x)
    p = likelihood(torch, kind, decoded)
    reconstruction = -p.log_prob(x).sum(-1).mean()
    prior = torch.distributions.Normal(0.0, 1.0)
    kl = torch.distributions.kl_divergence(q, prior).sum(-1).mean()
    return reconstruction, kl, p.mean


def train(torch, epochs=30, batch_size=64, lr=1e-3, latent=8, kind="bernoulli",
          progress=True):
    """Train from SEED; returns the model, the per-step losses, the per-epoch
    history {"train", "test", "reconstruction", "kl"} and the test images."""
    DataLoader, TensorDataset = torch.utils.data.DataLoader, torch.utils.data.TensorDataset
    torch.manual_seed(SEED)
    x_train, x_test = load_digits(torch)
    loader = DataLoader(TensorDataset(x_train), batch_size=batch_size, shuffle=True)
    model = make_vae(torch, latent=latent)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    steps = []
    history = {"train": [], "test": [], "reconstruction": [], "kl": []}
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=epochs * len(loader), unit="batch", file=sys.stdout)
    for epoch in range(epochs):
        totals = [0.0, 0.0]
        for (x,) in loader:
            optimizer.zero_grad()
            reconstruction, kl = elbo_terms(torch, model, x, kind)[:2]
            loss = reconstruction + kl
            loss.backward()
            optimizer.step()
            steps.append(loss.item())
            totals[0] += reconstruction.item() * len(x)
            totals[1] += kl.item() * len(x)
            if bar is not None:
                bar.update()
        history["reconstruction"].append(totals[0] / len(x_train))
        history["kl"].append(totals[1] / len(x_train))
        history["train"].append(sum(totals) / len(x_train))
        with torch.no_grad():
            reconstruction, kl, _ = elbo_terms(torch, model, x_test, kind)
        history["test"].append((reconstruction + kl).item())
        if bar is not None:
            bar.set_description(f"epoch {epoch + 1}/{epochs}")
            bar.set_postfix(loss=f"{history['train'][-1]:.2f}", test=f"{history['test'][-1]:.2f}")
    if bar is not None:
        bar.close()
    return model, steps, history, x_test


def reconstruct(torch, model, images, kind):
    """The images' reconstructions from the means of q(z|x) (no sampling)."""
    with torch.no_grad():
        mu = model.encoder(images).chunk(2, dim=-1)[0]
        return likelihood(torch, kind, model.decoder(mu)).mean


def plot(out, history, originals, reconstructions, columns=10):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    os.makedirs(out, exist_ok=True)
    epochs = range(1, len(history["train"]) + 1)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax1.plot(epochs, history["train"], marker="o", label="training")
    ax1.plot(epochs, history["test"], marker="o", label="test")
    ax1.set(xlabel="epoch", ylabel="negative ELBO (nats per image)", title="VAE loss")
    ax1.legend()
    ax2.plot(epochs, history["reconstruction"], label="reconstruction -log p(x|z)")
    ax2.plot(epochs, history["kl"], label="KL(q(z|x) || N(0, 1))")
    ax2.set(xlabel="epoch", ylabel="nats per image", title="The two terms (training)")
    ax2.legend()
    fig.tight_layout()
    curves = os.path.join(out, "vae_digits_loss.png")
    fig.savefig(curves, dpi=100)
    plt.close(fig)

    rows = 2 * ((len(originals) + columns - 1) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(columns, rows))
    for i, (image, rebuilt) in enumerate(zip(originals, reconstructions)):
        row, col = 2 * (i // columns), i % columns
        axes[row][col].imshow(image, cmap="gray_r", vmin=0, vmax=1)
        axes[row + 1][col].imshow(rebuilt, cmap="gray_r", vmin=0, vmax=1)
    for ax in fig.axes:
        ax.set_axis_off()
    fig.suptitle("Test digits (odd rows) and their reconstructions (even rows)")
    fig.tight_layout()
    grid = os.path.join(out, "vae_digits_reconstructions.png")
    fig.savefig(grid, dpi=100)
    plt.close(fig)
    return curves, grid


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--latent", type=int, default=8)
    parser.add_argument("--likelihood", choices=["bernoulli", "normal"], default="bernoulli")
    parser.add_argument("--out", default=os.path.join("out", "vae_digits"))
    parser.add_argument("--library", choices=["ember", "torch"], default="ember")
    args = parser.parse_args(argv)
    # (the code below is PyTorch code: `torch` is either library)
    torch = importlib.import_module(args.library)
    torch.set_num_threads(1)
    model, _, history, x_test = train(torch, epochs=args.epochs, latent=args.latent,
                                      kind=args.likelihood)
    originals = x_test[:20]
    rebuilt = reconstruct(torch, model, originals, args.likelihood)
    print(f"negative ELBO: training {history['train'][-1]:.2f}, test {history['test'][-1]:.2f} "
          f"(KL {history['kl'][-1]:.2f}) nats per image")
    for path in plot(args.out, history, originals.reshape(-1, 8, 8).tolist(),
                     rebuilt.reshape(-1, 8, 8).tolist()):
        print(f"saved {path}")
    return history


if __name__ == "__main__":
    main()
