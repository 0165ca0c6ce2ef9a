#!/usr/bin/env python3
"""Train a small CNN on scikit-learn's handwritten digits, on Ember.

    python3 examples/digits_cnn.py [--epochs N] [--out DIR] [--library ember|torch]

The data is the 8x8 digits set that ships inside scikit-learn
(`sklearn.datasets.load_digits`: 1797 images, no download). The script
trains a LeNet-style network (two 3x3 convolutions with max pooling, then two
linear layers) with Adam, shows its progress with tqdm, and writes into DIR
(default: out/digits_cnn/):

    digits_cnn_curves.png      training loss and test accuracy per epoch
    digits_cnn_confusion.png   the test set's confusion matrix

`--library torch` runs the very same code on PyTorch (if installed): from the
same seed both print the same losses, which tests/test_examples.py checks.

Needs: ember, scikit-learn, tqdm, matplotlib (`pip install -e .[examples]`).
"""
import argparse
import importlib
import os
import sys

SEED = 0
TEST_SIZE = 360        # 360 images (20%), drawn at random from the seed, are held out


def load_digits(torch):
    """The digits as (N, 1, 8, 8) float32 images in [0, 1] and int64 labels,
    split into training and test sets."""
    from sklearn.datasets import load_digits as sk_digits
    digits = sk_digits()
    images = torch.tensor(digits.images / 16.0, dtype=torch.float32).unsqueeze(1)
    labels = torch.tensor(digits.target, dtype=torch.int64)
    order = torch.randperm(len(labels), generator=torch.Generator().manual_seed(SEED))
    train, test = order[TEST_SIZE:], order[:TEST_SIZE]
    return (images[train], labels[train]), (images[test], labels[test])


def make_model(nn, dropout=0.2):
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # 16x4x4
        nn.Conv2d(16, 32, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 32x2x2
        nn.Flatten(),
        nn.Linear(32 * 2 * 2, 64), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(64, 10),
    )


def evaluate(torch, model, images, labels):
    model.eval()
    with torch.no_grad():
        predicted = model(images).argmax(dim=1)
    model.train()
    return (predicted == labels).float().mean().item(), predicted


def train(torch, epochs=30, batch_size=32, lr=2e-3, progress=True):
    """Train from SEED; returns the model, the per-step losses, the per-epoch
    mean losses and test accuracies, and the final test predictions."""
    DataLoader, TensorDataset = torch.utils.data.DataLoader, torch.utils.data.TensorDataset
    torch.manual_seed(SEED)
    (x_train, y_train), (x_test, y_test) = load_digits(torch)
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=batch_size, shuffle=True)
    model = make_model(torch.nn)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    steps, epoch_losses, accuracies = [], [], []
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=epochs * len(loader), unit="batch", file=sys.stdout)
    for epoch in range(epochs):
        total = 0.0
        for images, labels in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(images), labels)
            loss.backward()
            optimizer.step()
            steps.append(loss.item())
            total += loss.item() * len(labels)
            if bar is not None:
                bar.update()
        epoch_losses.append(total / len(x_train))
        accuracy, predicted = evaluate(torch, model, x_test, y_test)
        accuracies.append(accuracy)
        if bar is not None:
            bar.set_description(f"epoch {epoch + 1}/{epochs}")
            bar.set_postfix(loss=f"{epoch_losses[-1]:.4f}", test_acc=f"{accuracy:.3f}")
    if bar is not None:
        bar.close()
    return model, steps, epoch_losses, accuracies, (y_test, predicted)


def confusion_matrix(torch, truth, predicted, classes=10):
    return torch.bincount(truth * classes + predicted, minlength=classes * classes).reshape(
        classes, classes)


def plot(out, epoch_losses, accuracies, confusion):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    os.makedirs(out, exist_ok=True)
    epochs = range(1, len(epoch_losses) + 1)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax1.plot(epochs, epoch_losses, marker="o")
    ax1.set(xlabel="epoch", ylabel="training loss", title="Cross-entropy loss")
    ax2.plot(epochs, [100 * a for a in accuracies], marker="o", color="tab:green")
    ax2.set(xlabel="epoch", ylabel="test accuracy (%)", title="Test accuracy")
    fig.tight_layout()
    curves = os.path.join(out, "digits_cnn_curves.png")
    fig.savefig(curves, dpi=100)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.imshow(confusion, cmap="Blues")
    for i in range(10):
        for j in range(10):
            ax.text(j, i, int(confusion[i][j]), ha="center", va="center", fontsize=8)
    ax.set(xlabel="predicted", ylabel="true digit", title="Confusion matrix (test set)",
           xticks=range(10), yticks=range(10))
    fig.tight_layout()
    matrix = os.path.join(out, "digits_cnn_confusion.png")
    fig.savefig(matrix, dpi=100)
    plt.close(fig)
    return curves, matrix


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--out", default=os.path.join("out", "digits_cnn"))
    parser.add_argument("--library", choices=["ember", "torch"], default="ember")
    args = parser.parse_args(argv)
    # (the code below is PyTorch code: `torch` is either library)
    torch = importlib.import_module(args.library)
    torch.set_num_threads(1)
    _, _, losses, accuracies, (truth, predicted) = train(torch, epochs=args.epochs)
    confusion = confusion_matrix(torch, truth, predicted).tolist()
    print(f"final training loss {losses[-1]:.4f}, test accuracy {100 * accuracies[-1]:.1f}%")
    for path in plot(args.out, losses, accuracies, confusion):
        print(f"saved {path}")
    return accuracies[-1]


if __name__ == "__main__":
    main()
