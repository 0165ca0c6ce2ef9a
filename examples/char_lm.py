#!/usr/bin/env python3
"""Train a character-level language model on Python's own docstrings, on Ember.

    python3 examples/char_lm.py [--model lstm|transformer] [--steps N] [--out DIR]
                                [--batch N] [--context N] [--library ember|torch]

The text is the documentation that ships inside Python's standard library
(the docstrings of a fixed list of pure-Python modules, a few hundred KB of
English), so nothing is downloaded. The model reads 64 characters (--context) and
predicts each next one: an embedding, then a 2-layer LSTM or a small causal
Transformer encoder, then a linear layer to the vocabulary. Training shows
its progress with tqdm and prints a sample of generated text every so often,
which visibly improves; the loss curve is saved to DIR/char_lm_loss.png
(default DIR: out/char_lm/).

`--library torch` runs the same code on PyTorch: from the same seed both
train on the same batches and report the same losses, which
tests/test_examples.py checks.

Needs: ember, tqdm, matplotlib (`pip install -e .[examples]`).
"""
import argparse
import importlib
import inspect
import math
import os
import sys
import warnings

SEED = 0
# Pure-Python modules with plenty of prose in their docstrings.
MODULES = ("argparse", "calendar", "collections", "configparser", "dataclasses", "difflib",
           "doctest", "email.message", "fractions", "functools", "heapq", "http.client",
           "inspect", "json", "logging", "optparse", "pathlib", "pdb", "pydoc", "random",
           "shutil", "statistics", "string", "subprocess", "tarfile", "textwrap", "threading",
           "typing", "unittest.case", "urllib.parse", "zipfile")


def corpus(limit=None):
    """The docstrings of MODULES (each module's, then its public members'),
    as one text."""
    parts = []
    with warnings.catch_warnings():     # (deprecated members warn when looked at)
        warnings.simplefilter("ignore")
        for name in MODULES:
            module = importlib.import_module(name)
            parts.append(inspect.getdoc(module) or "")
            for attr in sorted(vars(module)):
                obj = getattr(module, attr)
                if attr.startswith("_") or getattr(obj, "__module__", None) != name:
                    continue
                doc = inspect.getdoc(obj)
                if doc:
                    parts.append(doc)
    text = "\n\n".join(p for p in parts if p)
    return text[:limit] if limit else text


class Vocabulary:
    def __init__(self, text):
        self.chars = sorted(set(text))
        self.index = {c: i for i, c in enumerate(self.chars)}

    def encode(self, text):
        return [self.index[c] for c in text]

    def decode(self, ids):
        return "".join(self.chars[i] for i in ids)


def make_model(torch, kind, vocab, context):
    nn = torch.nn

    class LSTMModel(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(vocab, 64)
            self.rnn = nn.LSTM(64, 256, num_layers=2, batch_first=True)
            self.head = nn.Linear(256, vocab)

        def forward(self, ids):
            out, _ = self.rnn(self.embed(ids))
            return self.head(out)

    class TransformerModel(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(vocab, 128)
            self.position = nn.Embedding(context, 128)
            layer = nn.TransformerEncoderLayer(128, 4, dim_feedforward=256, dropout=0.0,
                                               batch_first=True, norm_first=True)
            self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
            self.norm = nn.LayerNorm(128)
            self.head = nn.Linear(128, vocab)

        def forward(self, ids):
            n = ids.shape[1]
            x = self.embed(ids) + self.position(torch.arange(n))
            mask = nn.Transformer.generate_square_subsequent_mask(n)
            return self.head(self.norm(self.encoder(x, mask=mask, is_causal=True)))

    return LSTMModel() if kind == "lstm" else TransformerModel()


def sample(torch, model, vocab, context, prompt, length=200, generator=None):
    """Generate `length` characters after `prompt`, drawing each from the
    model's prediction (a separate generator, so that sampling does not
    change the training batches)."""
    model.eval()
    ids = vocab.encode(prompt)
    with torch.no_grad():
        for _ in range(length):
            x = torch.tensor([ids[-context:]])
            probs = torch.softmax(model(x)[0, -1], dim=0)
            ids.append(int(torch.multinomial(probs, 1, generator=generator)))
    model.train()
    return vocab.decode(ids)


def train(torch, kind="lstm", steps=1500, batch=32, context=64, lr=3e-3, text_limit=None,
          sample_every=0, progress=True):
    """Train from SEED on random windows of the corpus; returns the model,
    the vocabulary and the loss of every step."""
    torch.manual_seed(SEED)
    text = corpus(text_limit)
    vocab = Vocabulary(text)
    data = torch.tensor(vocab.encode(text))
    model = make_model(torch, kind, len(vocab.chars), context)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    sampler = torch.Generator().manual_seed(SEED + 1)
    offsets = torch.arange(context + 1)
    losses = []
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=steps, unit="step", file=sys.stdout)
    for step in range(steps):
        starts = torch.randint(0, len(data) - context - 1, (batch, 1))
        window = data[starts + offsets]
        logits = model(window[:, :-1])
        loss = loss_fn(logits.reshape(-1, len(vocab.chars)), window[:, 1:].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        losses.append(loss.item())
        if bar is not None:
            bar.update()
            bar.set_postfix(loss=f"{losses[-1]:.3f}")
        if sample_every and (step + 1) % sample_every == 0:
            text_out = sample(torch, model, vocab, context, "The ", generator=sampler)
            (bar.write if bar is not None else print)(
                f"--- step {step + 1}, loss {losses[-1]:.3f} ---\n{text_out}\n")
    if bar is not None:
        bar.close()
    return model, vocab, losses


def plot(out, losses, vocab_size):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    os.makedirs(out, exist_ok=True)
    window = 25
    smooth = [sum(losses[max(0, i - window + 1):i + 1]) / (i + 1 - max(0, i - window + 1))
              for i in range(len(losses))]
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(losses, alpha=0.3, label="loss per step")
    ax.plot(smooth, label=f"mean of {window} steps")
    ax.axhline(math.log(vocab_size), color="gray", linestyle=":",
               label="uniform guess (log of the vocabulary size)")
    ax.set(xlabel="step", ylabel="cross-entropy (nats per character)",
           title="Character-level language model")
    ax.legend()
    fig.tight_layout()
    path = os.path.join(out, "char_lm_loss.png")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=["lstm", "transformer"], default="lstm")
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--sample-every", type=int, default=250)
    parser.add_argument("--batch", type=int, default=32, help="windows per step")
    parser.add_argument("--context", type=int, default=64, help="characters per window")
    parser.add_argument("--out", default=os.path.join("out", "char_lm"))
    parser.add_argument("--library", choices=["ember", "torch"], default="ember")
    args = parser.parse_args(argv)
    # (the code above is PyTorch code: `torch` is either library)
    torch = importlib.import_module(args.library)
    torch.set_num_threads(1)
    model, vocab, losses = train(torch, args.model, args.steps, batch=args.batch,
                                 context=args.context, sample_every=args.sample_every)
    print(f"vocabulary {len(vocab.chars)} characters; loss {losses[0]:.3f} at the first step, "
          f"{sum(losses[-50:]) / len(losses[-50:]):.3f} over the last 50")
    print(f"saved {plot(args.out, losses, len(vocab.chars))}")
    return losses


if __name__ == "__main__":
    main()
